//! The printed venue QR code (also shown for a private meeting): a URL that
//! carries the signed venue descriptor and an optional table number.

use core::fmt;

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;

use crate::cbor::{self, ArrayReader, ArrayWriter};
use crate::error::DecodeError;
use crate::signed::venue_descriptor::{VenueDescriptor, VenueDescriptorIn};

/// Scheme prefix every venue QR URL starts with.
const SCHEME: &str = "https://";
/// Path suffix every venue QR URL ends with (before the fragment).
const PATH_SUFFIX: &str = "/v1/checkin";
/// Nesting of the payload: one array.
const MAX_DEPTH: usize = 1;
const ARITY: usize = 3;
/// Longest host (with optional `:port`) accepted.
const MAX_HOST_LEN: usize = 255;

/// The venue QR code: `https://<host>[/<prefix>]/v1/checkin#<base64url(payload)>`.
///
/// Payload (deterministic CBOR, base64url without padding in the URL fragment):
///
/// ```cddl
/// venue-qr = [
///   version: 1,
///   descriptor: bstr,        ; the exact COSE bytes of a venue (or private-meeting) descriptor
///   table: uint / null,      ; 1..=table_count of the descriptor; null if no table
/// ]
/// ```
///
/// Size caps: the URL at most [`MAX_URL_LEN`](Self::MAX_URL_LEN) = 2048
/// characters, the payload at most [`MAX_PAYLOAD_LEN`](Self::MAX_PAYLOAD_LEN)
/// = 1200 bytes, the descriptor at most [`VenueDescriptor::MAX_LEN`].
///
/// The table number is **not** authenticated (it is outside the descriptor's
/// signature: anyone who prints a QR code can choose it); it is only checked
/// against the descriptor's (signed) table count.
///
/// Decoding ([`from_url`](Self::from_url)), in order:
/// 1. URL length ≤ 2048 bytes, else [`DecodeError::TooLong`];
/// 2. the URL starts with `https://`, contains exactly one `#`, the part
///    before it is `https://` ‖ host ‖ path where the host (up to the first `/`)
///    is 1..=255 characters of `A–Z a–z 0–9 . - :`, and the path consists of
///    `A–Z a–z 0–9 - . _ ~ /` and ends with `/v1/checkin`; else [`DecodeError::InvalidUrl`];
/// 3. the fragment is canonical unpadded base64url, else [`DecodeError::InvalidBase64`];
/// 4. the payload follows the CBOR message rules (size cap 1200 → `TooLong`,
///    `Truncated`, `MalformedCbor`, `NestingTooDeep`, `TrailingBytes`,
///    `NonCanonical`, `UnsupportedVersion` for a version ≠ 1, `WrongArity` for ≠ 3 items);
/// 5. `descriptor` is a byte string (`UnexpectedType`) of at most 1024 bytes
///    (`WrongLength`); `table` is null or an unsigned integer (`UnexpectedType`)
///    that fits `u16` (`InvalidField{table}`);
/// 6. the descriptor decodes as a [`VenueDescriptorIn`] (its own rules);
/// 7. a table is in `1..=table_count` of the descriptor (no table allowed if the
///    descriptor has no table count), else [`DecodeError::InvalidField`] (`"table"`).
///
/// The descriptor's signature and validity are **not** checked here: call
/// [`VenueDescriptorIn::verify`] (or `verify_private_meeting`) on
/// [`descriptor`](Self::descriptor) before trusting its name or venue key.
#[derive(Clone)]
pub struct VenueQr {
    base: String,
    payload: Vec<u8>,
    descriptor: VenueDescriptorIn,
    table: Option<u16>,
}

impl VenueQr {
    /// Longest URL accepted, in bytes.
    pub const MAX_URL_LEN: usize = 2048;
    /// Longest CBOR payload accepted, in bytes.
    pub const MAX_PAYLOAD_LEN: usize = 1200;

    /// Builds the venue QR `https://<base_url_host>/v1/checkin#…` for `descriptor` and an optional table.
    ///
    /// # Errors
    /// [`DecodeError::InvalidUrl`] if the host is empty, longer than 255
    /// characters or has a character outside `A–Z a–z 0–9 . - :`;
    /// [`DecodeError::InvalidField`] (`"table"`) if the table is not in `1..=table_count`;
    /// [`DecodeError::TooLong`] if the URL would exceed 2048 characters.
    pub fn new(base_url_host: &str, descriptor: &VenueDescriptor, table: Option<u16>) -> Result<Self, DecodeError> {
        check_host(base_url_host)?;
        let descriptor = VenueDescriptorIn::from_slice(descriptor.as_bytes())?;
        check_table(&descriptor, table)?;
        let payload = ArrayWriter::new(1).bytes(descriptor.as_bytes()).opt_uint(table.map(u64::from)).encode();
        if payload.len() > Self::MAX_PAYLOAD_LEN {
            return Err(DecodeError::TooLong { max: Self::MAX_PAYLOAD_LEN, got: payload.len() });
        }
        let base = format!("{SCHEME}{base_url_host}{PATH_SUFFIX}");
        let qr = Self { base, payload, descriptor, table };
        let len = qr.to_url().len();
        if len > Self::MAX_URL_LEN {
            return Err(DecodeError::TooLong { max: Self::MAX_URL_LEN, got: len });
        }
        Ok(qr)
    }

    /// Parses a venue QR URL (rules in the type documentation).
    ///
    /// # Errors
    /// [`DecodeError::TooLong`], [`DecodeError::InvalidUrl`],
    /// [`DecodeError::InvalidBase64`], the CBOR errors, the descriptor's
    /// decoding errors, [`DecodeError::InvalidField`] (`"table"`).
    pub fn from_url(url: &str) -> Result<Self, DecodeError> {
        if url.len() > Self::MAX_URL_LEN {
            return Err(DecodeError::TooLong { max: Self::MAX_URL_LEN, got: url.len() });
        }
        let (base, fragment) = url.split_once('#').ok_or(DecodeError::InvalidUrl)?;
        if fragment.contains('#') {
            return Err(DecodeError::InvalidUrl);
        }
        let rest = base.strip_prefix(SCHEME).ok_or(DecodeError::InvalidUrl)?;
        let (host, path) = rest.find('/').and_then(|i| rest.split_at_checked(i)).ok_or(DecodeError::InvalidUrl)?;
        check_host(host)?;
        let path_ok = path.ends_with(PATH_SUFFIX)
            && path.bytes().all(|c| c.is_ascii_alphanumeric() || matches!(c, b'-' | b'.' | b'_' | b'~' | b'/'));
        if !path_ok {
            return Err(DecodeError::InvalidUrl);
        }
        let payload = URL_SAFE_NO_PAD.decode(fragment).map_err(|_| DecodeError::InvalidBase64)?;
        let value = cbor::decode(&payload, Self::MAX_PAYLOAD_LEN, MAX_DEPTH)?;
        let mut r = ArrayReader::open_message(value, "venue_qr", 1, ARITY)?;
        let descriptor_bytes = r.bytes("descriptor", VenueDescriptor::MAX_LEN)?;
        let table = r
            .opt_uint("table")?
            .map(|t| u16::try_from(t).map_err(|_| DecodeError::InvalidField { field: "table" }))
            .transpose()?;
        let descriptor = VenueDescriptorIn::from_slice(&descriptor_bytes)?;
        check_table(&descriptor, table)?;
        Ok(Self { base: base.to_owned(), payload, descriptor, table })
    }

    /// The URL (exactly as parsed, or as built by [`new`](Self::new)).
    pub fn to_url(&self) -> String {
        format!("{}#{}", self.base, URL_SAFE_NO_PAD.encode(&self.payload))
    }

    /// The URL without the fragment: `https://<host>[/<prefix>]/v1/checkin`.
    pub fn base_url(&self) -> &str {
        &self.base
    }

    /// The CBOR payload (what the fragment encodes).
    pub fn payload(&self) -> &[u8] {
        &self.payload
    }

    /// The descriptor, not yet verified.
    pub fn descriptor(&self) -> &VenueDescriptorIn {
        &self.descriptor
    }

    /// The descriptor, not yet verified, by value (to call [`VenueDescriptorIn::verify`]).
    pub fn into_descriptor(self) -> VenueDescriptorIn {
        self.descriptor
    }

    /// The table number, if the code is for one table (not authenticated).
    pub fn table(&self) -> Option<u16> {
        self.table
    }
}

impl PartialEq for VenueQr {
    fn eq(&self, other: &Self) -> bool {
        self.base == other.base && self.payload == other.payload
    }
}

impl Eq for VenueQr {}

impl fmt::Debug for VenueQr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("VenueQr")
            .field("base", &self.base)
            .field("venue_id", &self.descriptor.venue_id())
            .field("kind", &self.descriptor.kind())
            .field("table", &self.table)
            .finish_non_exhaustive()
    }
}

/// Whether `host` may be the host of a venue QR URL: 1..=255 characters of `A–Z a–z 0–9 . - :`
/// (the first check of [`VenueQr::new`], which fails with [`DecodeError::InvalidUrl`] otherwise).
#[must_use]
pub fn is_valid_host(host: &str) -> bool {
    check_host(host).is_ok()
}

/// Whether `table` may be printed in a venue QR for `descriptor`: none, or one of `1..=table_count`
/// (the check of [`VenueQr::new`] that fails with [`DecodeError::InvalidField`] `"table"`).
#[must_use]
pub fn is_valid_table(descriptor: &VenueDescriptor, table: Option<u16>) -> bool {
    table_ok(descriptor.table_count(), table)
}

fn table_ok(table_count: Option<u16>, table: Option<u16>) -> bool {
    match (table, table_count) {
        (None, _) => true,
        (Some(t), Some(n)) => (1..=n).contains(&t),
        (Some(_), None) => false,
    }
}

fn check_host(host: &str) -> Result<(), DecodeError> {
    let ok = !host.is_empty()
        && host.len() <= MAX_HOST_LEN
        && host.bytes().all(|c| c.is_ascii_alphanumeric() || matches!(c, b'.' | b'-' | b':'));
    if ok { Ok(()) } else { Err(DecodeError::InvalidUrl) }
}

fn check_table(descriptor: &VenueDescriptorIn, table: Option<u16>) -> Result<(), DecodeError> {
    if table_ok(descriptor.table_count(), table) { Ok(()) } else { Err(DecodeError::InvalidField { field: "table" }) }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ids::{RegistrarId, VenueId};
    use crate::keys::{HostSigningKey, RegistrarKey, TrustAnchorKey, VenuePrivateKey};
    use crate::signed::registrar_certificate::{RegistrarCertificate, RegistrarCertificateIn};
    use crate::time::{UnixTime, Validity};
    use rand_chacha::ChaCha20Rng;
    use rand_core::SeedableRng;

    const NOW: UnixTime = UnixTime(1_795_942_800);

    struct Fx {
        registrar: RegistrarCertificate,
        venue: VenueDescriptor,
        meeting: VenueDescriptor,
    }

    fn fx() -> Fx {
        let mut rng = ChaCha20Rng::seed_from_u64(1);
        let anchor = TrustAnchorKey::generate(&mut rng);
        let reg_key = RegistrarKey::generate(&mut rng);
        let reg_id = RegistrarId::random(&mut rng);
        let long = Validity { not_before: NOW.minus_secs(86_400), not_after: NOW.plus_secs(365 * 86_400) };
        let registrar = RegistrarCertificate::issue(&anchor, reg_id, "Registrar", &reg_key.public_key(), long).unwrap();
        let registrar = RegistrarCertificateIn::from_slice(registrar.as_bytes())
            .unwrap()
            .verify(&anchor.public_key(), NOW)
            .unwrap();
        let vk = VenuePrivateKey::generate(&mut rng).public_key();
        let validity = Validity { not_before: NOW.minus_secs(3600), not_after: NOW.plus_secs(30 * 86_400) };
        let venue = VenueDescriptor::issue_venue(
            &reg_key,
            reg_id,
            VenueId::random(&mut rng),
            "Café Luca",
            &vk,
            Some(12),
            validity,
        )
        .unwrap();
        let host = HostSigningKey::generate(&mut rng);
        let meeting =
            VenueDescriptor::issue_private_meeting(&host, VenueId::random(&mut rng), "Birthday", &vk, validity)
                .unwrap();
        Fx { registrar, venue, meeting }
    }

    fn url_with_payload(payload: &[u8]) -> String {
        format!("https://luca.example/v1/checkin#{}", URL_SAFE_NO_PAD.encode(payload))
    }

    #[test]
    fn round_trip_and_verify() {
        let f = fx();
        for table in [None, Some(1), Some(12)] {
            let qr = VenueQr::new("luca.example", &f.venue, table).unwrap();
            let url = qr.to_url();
            assert!(url.starts_with("https://luca.example/v1/checkin#"));
            let parsed = VenueQr::from_url(&url).unwrap();
            assert_eq!(parsed, qr);
            assert_eq!(parsed.to_url(), url);
            assert_eq!(parsed.table(), table);
            assert_eq!(parsed.descriptor().as_bytes(), f.venue.as_bytes());
            let verified = parsed.into_descriptor().verify(&f.registrar, NOW).unwrap();
            assert_eq!(verified, f.venue);
        }
        let m = VenueQr::new("luca.example:8443", &f.meeting, None).unwrap();
        let parsed = VenueQr::from_url(&m.to_url()).unwrap();
        assert_eq!(parsed.base_url(), "https://luca.example:8443/v1/checkin");
        parsed.into_descriptor().verify_private_meeting(NOW).unwrap();
        // A path prefix is kept.
        let prefixed = format!("https://luca.example/app/v1/checkin#{}", URL_SAFE_NO_PAD.encode(m.payload()));
        assert_eq!(VenueQr::from_url(&prefixed).unwrap().to_url(), prefixed);
        // Payload layout: [1, bstr, table].
        let qr = VenueQr::new("luca.example", &f.venue, Some(3)).unwrap();
        assert_eq!(qr.payload()[0], 0x83);
        assert_eq!(qr.payload()[1], 0x01);
        assert_eq!(*qr.payload().last().unwrap(), 0x03);
    }

    #[test]
    fn decode_table_rules() {
        let f = fx();
        assert_eq!(
            VenueQr::new("luca.example", &f.venue, Some(0)).unwrap_err(),
            DecodeError::InvalidField { field: "table" }
        );
        assert_eq!(
            VenueQr::new("luca.example", &f.venue, Some(13)).unwrap_err(),
            DecodeError::InvalidField { field: "table" }
        );
        assert_eq!(
            VenueQr::new("luca.example", &f.meeting, Some(1)).unwrap_err(),
            DecodeError::InvalidField { field: "table" }
        );
        let over = ArrayWriter::new(1).bytes(f.venue.as_bytes()).uint(13).encode();
        assert_eq!(
            VenueQr::from_url(&url_with_payload(&over)).unwrap_err(),
            DecodeError::InvalidField { field: "table" }
        );
        let big = ArrayWriter::new(1).bytes(f.venue.as_bytes()).uint(70_000).encode();
        assert_eq!(
            VenueQr::from_url(&url_with_payload(&big)).unwrap_err(),
            DecodeError::InvalidField { field: "table" }
        );
        let text = ArrayWriter::new(1).bytes(f.venue.as_bytes()).text("1").encode();
        assert_eq!(
            VenueQr::from_url(&url_with_payload(&text)).unwrap_err(),
            DecodeError::UnexpectedType { field: "table" }
        );
    }

    #[test]
    fn decode_url_rules() {
        let f = fx();
        let url = VenueQr::new("luca.example", &f.venue, None).unwrap().to_url();
        let frag = url.split_once('#').unwrap().1.to_string();
        for bad in [
            url.replacen("https://", "http://", 1),
            url.replacen("/v1/checkin", "/v2/checkin", 1),
            url.replacen("/v1/checkin", "/v1/checkin/", 1),
            url.replacen("/v1/checkin", "/v1/checkin?x=1", 1),
            url.replacen('#', "", 1),
            format!("{url}#"),
            format!("https:///v1/checkin#{frag}"),
            format!("https://luca.example#{frag}"),
            format!("https://user@luca.example/v1/checkin#{frag}"),
            format!("https://luca.example/a%20b/v1/checkin#{frag}"),
            format!("HTTPS://luca.example/v1/checkin#{frag}"),
        ] {
            assert_eq!(VenueQr::from_url(&bad).unwrap_err(), DecodeError::InvalidUrl, "{bad}");
        }
        assert_eq!(VenueQr::new("bad host", &f.venue, None).unwrap_err(), DecodeError::InvalidUrl);
        assert_eq!(VenueQr::new("", &f.venue, None).unwrap_err(), DecodeError::InvalidUrl);
        let long = format!("{url}{}", "A".repeat(2048));
        assert_eq!(VenueQr::from_url(&long).unwrap_err(), DecodeError::TooLong { max: 2048, got: long.len() });
    }

    #[test]
    fn decode_base64_rules() {
        let f = fx();
        let qr = VenueQr::new("luca.example", &f.venue, None).unwrap();
        let url = qr.to_url();
        assert_eq!(VenueQr::from_url(&format!("{url}=")).unwrap_err(), DecodeError::InvalidBase64);
        let std_b64 = url.replace('-', "+").replace('_', "/");
        if std_b64 != url {
            assert_eq!(VenueQr::from_url(&std_b64).unwrap_err(), DecodeError::InvalidBase64);
        }
        // Non-zero trailing bits in the last symbol.
        let n = qr.payload().len();
        if !n.is_multiple_of(3) {
            let mut s = url.clone();
            let last = s.pop().unwrap();
            let alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
            let v = alphabet.find(last).unwrap();
            s.push(alphabet.as_bytes()[v | 1] as char);
            assert_eq!(VenueQr::from_url(&s).unwrap_err(), DecodeError::InvalidBase64);
        }
        assert_eq!(VenueQr::from_url("https://luca.example/v1/checkin#A").unwrap_err(), DecodeError::InvalidBase64);
    }

    #[test]
    fn decode_cbor_rules() {
        let f = fx();
        let d = f.venue.as_bytes();
        let v2 = ArrayWriter::new(2).bytes(d).null().encode();
        assert_eq!(VenueQr::from_url(&url_with_payload(&v2)).unwrap_err(), DecodeError::UnsupportedVersion { got: 2 });
        let arity = ArrayWriter::new(1).bytes(d).encode();
        assert_eq!(
            VenueQr::from_url(&url_with_payload(&arity)).unwrap_err(),
            DecodeError::WrongArity { field: "venue_qr", expected: 3, got: 2 }
        );
        let mut trailing = ArrayWriter::new(1).bytes(d).null().encode();
        trailing.push(0);
        assert_eq!(VenueQr::from_url(&url_with_payload(&trailing)).unwrap_err(), DecodeError::TrailingBytes);
        let ok = ArrayWriter::new(1).bytes(d).null().encode();
        assert_eq!(VenueQr::from_url(&url_with_payload(&ok[..ok.len() - 1])).unwrap_err(), DecodeError::Truncated);
        assert_eq!(VenueQr::from_url(&url_with_payload(&[])).unwrap_err(), DecodeError::Truncated);
        let not_bytes = ArrayWriter::new(1).uint(5).null().encode();
        assert_eq!(
            VenueQr::from_url(&url_with_payload(&not_bytes)).unwrap_err(),
            DecodeError::UnexpectedType { field: "descriptor" }
        );
        let too_big = ArrayWriter::new(1).bytes(&[0u8; 1100]).null().encode();
        assert_eq!(
            VenueQr::from_url(&url_with_payload(&too_big)).unwrap_err(),
            DecodeError::WrongLength { field: "descriptor", expected: 1024, got: 1100 }
        );
        let over_cap = ArrayWriter::new(1).bytes(&[0u8; 1300]).null().encode();
        assert!(matches!(
            VenueQr::from_url(&url_with_payload(&over_cap)).unwrap_err(),
            DecodeError::TooLong { max: 1200, .. }
        ));
        // A tampered descriptor byte string fails the descriptor's own decoding or its signature.
        let mut bad = d.to_vec();
        bad[0] ^= 0x01;
        let p = ArrayWriter::new(1).bytes(&bad).null().encode();
        assert!(VenueQr::from_url(&url_with_payload(&p)).is_err());
    }

    #[test]
    fn tampered_descriptor_fails_verification() {
        let f = fx();
        let d = f.venue.as_bytes();
        // Flip a byte of the signature (last byte): decodes, fails verification.
        let mut bad = d.to_vec();
        *bad.last_mut().unwrap() ^= 0x01;
        let p = ArrayWriter::new(1).bytes(&bad).null().encode();
        let qr = VenueQr::from_url(&url_with_payload(&p)).unwrap();
        assert_eq!(
            qr.into_descriptor().verify(&f.registrar, NOW).unwrap_err(),
            crate::error::VerifyError::BadSignature
        );
    }
}
