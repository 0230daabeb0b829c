//! Additional data of a check-in: the table number, and for private meetings
//! the guest's name for the host, sealed to the venue key.
//!
//! The guest (self check-in) seals it to the venue's encryption public key
//! from the signed venue descriptor, bound to the venue id and the check-in's
//! trace id; the server stores it beside the check-in; the venue owner (or the
//! meeting host) opens it. On consent, the venue re-seals the plaintext
//! ([`AdditionalDataContent::to_bytes`]) to the requesting health office.
//! Whether a guest name may be sent at all (only to a private meeting, as its
//! signed descriptor says) is decided by the caller.

use core::fmt;

use zeroize::{Zeroize, ZeroizeOnDrop, Zeroizing};

use crate::cbor::encode_secret;
use crate::cbor::{self, ArrayReader, ArrayWriter};
use crate::crypto::{self, AEAD_TAG_LEN, POINT_LEN};
use crate::error::SealError;
use crate::error::{DecodeError, OpenError};
use crate::ids::{TraceId, VenueId};
use crate::keys::{EncryptionPublicKey, VenuePrivateKey};
use crate::labels;
use crate::messages::text::check_text;

const VERSION: u64 = 1;
const ARITY: usize = 5;
const PLAINTEXT_ARITY: usize = 3;
const MAX_DEPTH: usize = 1;

/// Largest table number.
pub const MAX_TABLE: u16 = 1000;
/// Largest guest name, in UTF-8 bytes (`first last`: 64 + 1 + 64).
pub const MAX_GUEST_NAME_LEN: usize = 129;

/// The content of additional data. The guest name is personal data: wiped on
/// drop, redacted in `Debug`.
///
/// ```cddl
/// additional-data-plaintext = [     ; at most 256 bytes
///   1,                              ; version
///   table: uint / null,             ; 1..=1000
///   guest_name: tstr / null,        ; 1..=129 UTF-8 bytes
/// ]
/// ```
///
/// Rules, in order (all `InvalidField`): `table` in `1..=1000`; `guest_name`
/// of 1..=129 bytes without a forbidden character (PROTOCOL.md §8.1 \[R8.1-3\], the one list in
/// [`is_forbidden_char`](crate::messages::text::is_forbidden_char): Cc, Zl, Zp and Cf
/// except U+200C and U+200D); at least one of the two present (`field: "additional_data"`).
#[derive(Clone, Default, PartialEq, Eq, Zeroize, ZeroizeOnDrop)]
pub struct AdditionalDataContent {
    /// The table number, if the venue has tables.
    pub table: Option<u16>,
    /// The guest's name (`"first last"`) for a private meeting's host.
    pub guest_name: Option<String>,
}

impl fmt::Debug for AdditionalDataContent {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AdditionalDataContent")
            .field("table", &self.table)
            .field("guest_name", &self.guest_name.as_ref().map(|_| "<redacted>"))
            .finish()
    }
}

impl AdditionalDataContent {
    /// Size cap of the encoded plaintext.
    pub const MAX_LEN: usize = 256;

    /// Checks the rules in the type's documentation.
    ///
    /// # Errors
    /// [`DecodeError::InvalidField`] naming `table`, `guest_name` or `additional_data`.
    pub fn validate(&self) -> Result<(), DecodeError> {
        if let Some(t) = self.table
            && (t == 0 || t > MAX_TABLE)
        {
            return Err(DecodeError::InvalidField { field: "table" });
        }
        if let Some(n) = &self.guest_name {
            check_text(n, "guest_name", 1, MAX_GUEST_NAME_LEN)?;
        }
        if self.table.is_none() && self.guest_name.is_none() {
            return Err(DecodeError::InvalidField { field: "additional_data" });
        }
        Ok(())
    }

    /// The plaintext encoding, after validation.
    ///
    /// # Errors
    /// The [`DecodeError::InvalidField`] of [`validate`](Self::validate).
    pub fn to_bytes(&self) -> Result<Zeroizing<Vec<u8>>, DecodeError> {
        self.validate()?;
        let w = ArrayWriter::new(VERSION).opt_uint(self.table.map(u64::from));
        let w = match &self.guest_name {
            Some(n) => w.text(n),
            None => w.null(),
        };
        Ok(encode_secret(w.into_value()))
    }

    /// Parses and validates a plaintext: size cap 256 (`TooLong`),
    /// deterministic CBOR of depth 1, version, arity 3, `table` null or a
    /// `u16`, `guest_name` null or text, then [`validate`](Self::validate).
    ///
    /// # Errors
    /// The [`DecodeError`] of the first rule violated.
    pub fn from_slice(bytes: &[u8]) -> Result<Self, DecodeError> {
        let value = cbor::decode(bytes, Self::MAX_LEN, MAX_DEPTH)?;
        let mut r = ArrayReader::open_message(value, "additional_data_plaintext", VERSION, PLAINTEXT_ARITY)?;
        let mut c = Self::default();
        c.table = match r.opt_uint("table")? {
            Some(t) => Some(u16::try_from(t).map_err(|_| DecodeError::InvalidField { field: "table" })?),
            None => None,
        };
        c.guest_name = match r.value("guest_name")? {
            ciborium::Value::Null => None,
            ciborium::Value::Text(t) => Some(t),
            _ => {
                return Err(DecodeError::UnexpectedType { field: "guest_name" });
            }
        };
        c.validate()?;
        Ok(c)
    }
}

/// AAD: `venue_id(16) ‖ trace_id(16)`.
fn aad(venue_id: &VenueId, trace_id: &TraceId) -> [u8; 32] {
    let mut aad = [0u8; 32];
    for (d, s) in aad.iter_mut().zip(venue_id.as_bytes().iter().chain(trace_id.as_bytes())) {
        *d = *s;
    }
    aad
}

/// Additional data as received (server or venue side).
///
/// ```cddl
/// additional-data = [
///   1,                          ; version
///   venue_id: bstr .size 16,
///   trace_id: bstr .size 16,    ; the check-in it belongs to
///   enc: bstr .size 65,         ; HPKE encapsulated key, uncompressed SEC1
///   ciphertext: bstr,           ; 16..=272 bytes: HPKE ct ‖ tag
/// ]
/// ```
///
/// * HPKE base mode, DHKEM(P-256, HKDF-SHA256)/HKDF-SHA256/AES-128-GCM,
///   `info = "luca/v1/hpke/additional-data"`, to the venue's encryption key;
/// * AAD: `venue_id ‖ trace_id` (32 bytes);
/// * plaintext: [`AdditionalDataContent`];
/// * size cap: [`AdditionalDataIn::MAX_LEN`] = 1024 bytes.
///
/// [`AdditionalDataIn::from_slice`] checks, in order: size cap (`TooLong`),
/// deterministic CBOR of depth 1 without trailing bytes, version
/// (`UnsupportedVersion`), arity 5 (`WrongArity`), `venue_id` and `trace_id`
/// 16 bytes, `enc` 65 bytes (`WrongLength`) and a valid point
/// (`InvalidPoint`), `ciphertext` 16..=272 bytes (`WrongLength`).
/// [`AdditionalDataIn::open`] then: HPKE open (`DecryptionFailed`), and the
/// plaintext rules of [`AdditionalDataContent::from_slice`] (`Malformed`).
#[derive(Clone, Debug)]
pub struct AdditionalDataIn {
    raw: Vec<u8>,
    venue_id: VenueId,
    trace_id: TraceId,
    enc: [u8; POINT_LEN],
    ciphertext: Vec<u8>,
}

impl AdditionalDataIn {
    /// Size cap of the encoded message.
    pub const MAX_LEN: usize = 1024;
    /// Maximum length of the ciphertext (plaintext cap plus the tag).
    pub const MAX_CIPHERTEXT_LEN: usize = AdditionalDataContent::MAX_LEN + AEAD_TAG_LEN;

    /// Parses additional data (structure only).
    ///
    /// # Errors
    /// The [`DecodeError`] of the first rule violated (see the type's documentation).
    pub fn from_slice(bytes: &[u8]) -> Result<Self, DecodeError> {
        let value = cbor::decode(bytes, Self::MAX_LEN, MAX_DEPTH)?;
        let mut r = ArrayReader::open_message(value, "additional_data", VERSION, ARITY)?;
        let venue_id = VenueId::from_array(r.fixed::<16>("venue_id")?);
        let trace_id = TraceId::from_array(r.fixed::<16>("trace_id")?);
        let enc = r.fixed::<POINT_LEN>("enc")?;
        EncryptionPublicKey::from_slice_field(&enc, "enc")?;
        let ciphertext = r.bytes("ciphertext", Self::MAX_CIPHERTEXT_LEN)?;
        if ciphertext.len() < AEAD_TAG_LEN {
            return Err(DecodeError::WrongLength {
                field: "ciphertext",
                expected: AEAD_TAG_LEN,
                got: ciphertext.len(),
            });
        }
        Ok(Self { raw: bytes.to_vec(), venue_id, trace_id, enc, ciphertext })
    }

    /// The venue the data is sealed to.
    pub fn venue_id(&self) -> VenueId {
        self.venue_id
    }

    /// The trace id of the check-in it belongs to.
    pub fn trace_id(&self) -> TraceId {
        self.trace_id
    }

    /// The exact bytes received.
    pub fn as_bytes(&self) -> &[u8] {
        &self.raw
    }

    /// Opens the content with the venue's private key (venue owner or meeting host).
    ///
    /// # Errors
    /// [`OpenError::DecryptionFailed`] (wrong key, other venue id or trace id,
    /// tampered ciphertext) or [`OpenError::Malformed`].
    pub fn open(&self, venue_key: &VenuePrivateKey) -> Result<AdditionalDataContent, OpenError> {
        let pt = crypto::hpke_open(
            &venue_key.0,
            &self.enc,
            labels::HPKE_ADDITIONAL_DATA,
            &aad(&self.venue_id, &self.trace_id),
            &self.ciphertext,
        )?;
        AdditionalDataContent::from_slice(&pt).map_err(OpenError::Malformed)
    }
}

/// Additional data sealed by this process (guest side). Layout: [`AdditionalDataIn`].
#[derive(Clone, Debug)]
pub struct AdditionalData(AdditionalDataIn);

impl AdditionalData {
    /// Size cap of the encoded message.
    pub const MAX_LEN: usize = AdditionalDataIn::MAX_LEN;

    /// Seals `content` to the venue key, bound to `venue_id` and `trace_id`.
    ///
    /// Steps: validate and encode `content`; HPKE-seal it (ephemeral key drawn
    /// from `rng`) with `info = "luca/v1/hpke/additional-data"` and AAD
    /// `venue_id ‖ trace_id`; encode the envelope.
    ///
    /// # Errors
    /// [`SealError::InvalidInput`] with the `InvalidField` of
    /// [`AdditionalDataContent::validate`]; [`SealError::Crypto`] never in practice.
    pub fn seal<R: rand_core::CryptoRng>(
        rng: &mut R,
        venue_id: VenueId,
        venue_key: &EncryptionPublicKey,
        trace_id: TraceId,
        content: &AdditionalDataContent,
    ) -> Result<Self, SealError> {
        let pt = content.to_bytes()?;
        let sealed =
            crypto::hpke_seal(rng, &venue_key.0, labels::HPKE_ADDITIONAL_DATA, &aad(&venue_id, &trace_id), &pt)?;
        let bytes = ArrayWriter::new(VERSION)
            .bytes(venue_id.as_bytes())
            .bytes(trace_id.as_bytes())
            .bytes(&sealed.enc)
            .bytes(&sealed.ct)
            .encode();
        Ok(Self(AdditionalDataIn::from_slice(&bytes)?))
    }

    /// The venue the data is sealed to.
    pub fn venue_id(&self) -> VenueId {
        self.0.venue_id
    }

    /// The trace id of the check-in it belongs to.
    pub fn trace_id(&self) -> TraceId {
        self.0.trace_id
    }

    /// The encoded message.
    pub fn as_bytes(&self) -> &[u8] {
        &self.0.raw
    }

    /// The encoded message, copied.
    pub fn to_bytes(&self) -> Vec<u8> {
        self.0.raw.clone()
    }

    /// The received-message view of the same bytes.
    pub fn into_unverified(self) -> AdditionalDataIn {
        self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ciborium::Value;
    use rand_chacha::ChaCha20Rng;
    use rand_core::SeedableRng;

    struct Fixture {
        rng: ChaCha20Rng,
        venue_key: VenuePrivateKey,
        venue: VenueId,
        trace: TraceId,
    }

    fn fixture() -> Fixture {
        let mut rng = ChaCha20Rng::seed_from_u64(43);
        let venue_key = VenuePrivateKey::generate(&mut rng);
        let venue = VenueId::random(&mut rng);
        let trace = TraceId::random(&mut rng);
        Fixture { rng, venue_key, venue, trace }
    }

    fn content() -> AdditionalDataContent {
        AdditionalDataContent { table: Some(12), guest_name: Some("Erika Mustermann".into()) }
    }

    fn seal(fx: &mut Fixture, c: &AdditionalDataContent) -> Result<AdditionalData, SealError> {
        AdditionalData::seal(&mut fx.rng, fx.venue, &fx.venue_key.public_key(), fx.trace, c)
    }

    fn envelope(version: u64, venue: &[u8], trace: &[u8], enc: &[u8], ct: &[u8]) -> Vec<u8> {
        ArrayWriter::new(version).bytes(venue).bytes(trace).bytes(enc).bytes(ct).encode()
    }

    #[test]
    fn round_trip() {
        let mut fx = fixture();
        for c in [
            content(),
            AdditionalDataContent { table: Some(1000), guest_name: None },
            AdditionalDataContent { table: None, guest_name: Some("x".repeat(129)) },
        ] {
            let ad = seal(&mut fx, &c).unwrap();
            let parsed = AdditionalDataIn::from_slice(ad.as_bytes()).unwrap();
            assert_eq!(parsed.venue_id(), fx.venue);
            assert_eq!(parsed.trace_id(), fx.trace);
            assert_eq!(parsed.as_bytes(), ad.to_bytes().as_slice());
            assert_eq!(parsed.open(&fx.venue_key).unwrap(), c);
        }
    }

    #[test]
    fn plaintext_layout_and_debug() {
        let b = content().to_bytes().unwrap();
        let mut expected = vec![0x83, 0x01, 0x0c, 0x70];
        expected.extend_from_slice(b"Erika Mustermann");
        assert_eq!(b.as_slice(), expected.as_slice());
        let none = AdditionalDataContent { table: Some(3), guest_name: None }.to_bytes().unwrap();
        assert_eq!(none.as_slice(), &[0x83, 0x01, 0x03, 0xf6]);
        assert_eq!(AdditionalDataContent::from_slice(&b).unwrap(), content());
        assert_eq!(
            format!("{:?}", content()),
            "AdditionalDataContent { table: Some(12), guest_name: Some(\"<redacted>\") }"
        );
    }

    #[test]
    fn deterministic_for_a_seed() {
        assert_eq!(
            seal(&mut fixture(), &content()).unwrap().to_bytes(),
            seal(&mut fixture(), &content()).unwrap().to_bytes()
        );
    }

    #[test]
    fn content_rules() {
        let bad = |c: AdditionalDataContent, field: &'static str| {
            assert_eq!(c.validate(), Err(DecodeError::InvalidField { field }));
            assert_eq!(c.to_bytes().unwrap_err(), DecodeError::InvalidField { field });
        };
        bad(AdditionalDataContent { table: Some(0), guest_name: None }, "table");
        bad(AdditionalDataContent { table: Some(1001), guest_name: None }, "table");
        bad(AdditionalDataContent { table: None, guest_name: Some(String::new()) }, "guest_name");
        bad(AdditionalDataContent { table: None, guest_name: Some("x".repeat(130)) }, "guest_name");
        bad(AdditionalDataContent { table: None, guest_name: Some("Eve\u{202e}".into()) }, "guest_name");
        bad(AdditionalDataContent { table: None, guest_name: Some("Eve\r\nX".into()) }, "guest_name");
        bad(AdditionalDataContent { table: None, guest_name: None }, "additional_data");
        let mut fx = fixture();
        assert_eq!(
            seal(&mut fx, &AdditionalDataContent::default()).unwrap_err(),
            SealError::InvalidInput(DecodeError::InvalidField { field: "additional_data" })
        );
        // Formula-looking names are valid (neutralised at export).
        AdditionalDataContent { table: None, guest_name: Some("=cmd|' /C calc'!A0".into()) }.validate().unwrap();
    }

    #[test]
    fn plaintext_decode_errors() {
        let check = |b: Vec<u8>, e: DecodeError| assert_eq!(AdditionalDataContent::from_slice(&b).unwrap_err(), e);
        check(ArrayWriter::new(2).uint(1).null().encode(), DecodeError::UnsupportedVersion { got: 2 });
        check(
            ArrayWriter::new(1).uint(1).encode(),
            DecodeError::WrongArity { field: "additional_data_plaintext", expected: 3, got: 2 },
        );
        check(ArrayWriter::new(1).uint(70_000).null().encode(), DecodeError::InvalidField { field: "table" });
        check(ArrayWriter::new(1).text("1").null().encode(), DecodeError::UnexpectedType { field: "table" });
        check(ArrayWriter::new(1).uint(1).uint(1).encode(), DecodeError::UnexpectedType { field: "guest_name" });
        check(ArrayWriter::new(1).uint(1).bytes(b"Eve").encode(), DecodeError::UnexpectedType { field: "guest_name" });
        check(ArrayWriter::new(1).null().null().encode(), DecodeError::InvalidField { field: "additional_data" });
        let big = ArrayWriter::new(1).null().text(&"x".repeat(300)).encode();
        check(big.clone(), DecodeError::TooLong { max: 256, got: big.len() });
        let mut tr = content().to_bytes().unwrap().to_vec();
        tr.push(0);
        check(tr, DecodeError::TrailingBytes);
        check(ArrayWriter::new(1).value(Value::Array(vec![])).null().encode(), DecodeError::NestingTooDeep);
    }

    #[test]
    fn decode_errors() {
        let mut fx = fixture();
        let ad = seal(&mut fx, &content()).unwrap();
        let b = ad.as_bytes();
        let (v, t) = (fx.venue.to_bytes(), fx.trace.to_bytes());
        let enc = ad.0.enc;
        let ct = ad.0.ciphertext.clone();
        let check = |b: &[u8], e: DecodeError| assert_eq!(AdditionalDataIn::from_slice(b).unwrap_err(), e);
        check(&b[..b.len() - 1], DecodeError::Truncated);
        check(&[], DecodeError::Truncated);
        let mut tr = b.to_vec();
        tr.push(0);
        check(&tr, DecodeError::TrailingBytes);
        check(&[0; 1025], DecodeError::TooLong { max: 1024, got: 1025 });
        check(&envelope(2, &v, &t, &enc, &ct), DecodeError::UnsupportedVersion { got: 2 });
        check(
            &ArrayWriter::new(1).bytes(&v).bytes(&t).bytes(&enc).encode(),
            DecodeError::WrongArity { field: "additional_data", expected: 5, got: 4 },
        );
        check(
            &envelope(1, &v[..15], &t, &enc, &ct),
            DecodeError::WrongLength { field: "venue_id", expected: 16, got: 15 },
        );
        check(
            &envelope(1, &v, &[0; 17], &enc, &ct),
            DecodeError::WrongLength { field: "trace_id", expected: 16, got: 17 },
        );
        check(&envelope(1, &v, &t, &enc[..33], &ct), DecodeError::WrongLength { field: "enc", expected: 65, got: 33 });
        check(&envelope(1, &v, &t, &[0; 65], &ct), DecodeError::InvalidPoint { field: "enc" });
        check(
            &envelope(1, &v, &t, &enc, &[0; 15]),
            DecodeError::WrongLength { field: "ciphertext", expected: 16, got: 15 },
        );
        check(
            &envelope(1, &v, &t, &enc, &[0; 273]),
            DecodeError::WrongLength { field: "ciphertext", expected: 272, got: 273 },
        );
    }

    #[test]
    fn rebinding_and_wrong_key_rejected() {
        let mut fx = fixture();
        let ad = seal(&mut fx, &content()).unwrap().into_unverified();
        let other_key = VenuePrivateKey::generate(&mut fx.rng);
        assert_eq!(ad.open(&other_key).unwrap_err(), OpenError::DecryptionFailed);
        let other = TraceId::random(&mut fx.rng).to_bytes();
        let moved = envelope(1, &fx.venue.to_bytes(), &other, &ad.enc, &ad.ciphertext);
        assert_eq!(
            AdditionalDataIn::from_slice(&moved).unwrap().open(&fx.venue_key).unwrap_err(),
            OpenError::DecryptionFailed
        );
        let moved = envelope(1, &other, &fx.trace.to_bytes(), &ad.enc, &ad.ciphertext);
        assert_eq!(
            AdditionalDataIn::from_slice(&moved).unwrap().open(&fx.venue_key).unwrap_err(),
            OpenError::DecryptionFailed
        );
        let mut ct = ad.ciphertext.clone();
        ct[0] ^= 1;
        let tampered = envelope(1, &fx.venue.to_bytes(), &fx.trace.to_bytes(), &ad.enc, &ct);
        assert_eq!(
            AdditionalDataIn::from_slice(&tampered).unwrap().open(&fx.venue_key).unwrap_err(),
            OpenError::DecryptionFailed
        );
    }

    #[test]
    fn malformed_plaintext_rejected() {
        let mut fx = fixture();
        let pt = ArrayWriter::new(1).uint(0).null().encode();
        let s = crypto::hpke_seal(
            &mut fx.rng,
            &fx.venue_key.public_key().0,
            labels::HPKE_ADDITIONAL_DATA,
            &aad(&fx.venue, &fx.trace),
            &pt,
        )
        .unwrap();
        let b = envelope(1, &fx.venue.to_bytes(), &fx.trace.to_bytes(), &s.enc, &s.ct);
        assert_eq!(
            AdditionalDataIn::from_slice(&b).unwrap().open(&fx.venue_key).unwrap_err(),
            OpenError::Malformed(DecodeError::InvalidField { field: "table" })
        );
    }
}
