//! Health-office certificate: the trust anchor vouches for a health office's
//! id, name, signing key and encryption key for a validity period.
//!
//! The rules shared by every signed object (the name rule, the validity period) are in
//! [`crate::signed::rules`], re-exported here.

use crate::cbor::{self, ArrayReader, ArrayWriter};
use crate::error::{DecodeError, VerifyError};
use crate::ids::HealthOfficeId;
use crate::keys::{EncryptionPublicKey, SignaturePublicKey, TrustAnchorKey};
use crate::labels;
use crate::signed::certificate::{self, Received};
pub use crate::signed::rules::{MAX_NAME_LEN, check_name, check_period};
use crate::signed::rules::{PAYLOAD_DEPTH, read_name, read_validity};
use crate::time::{UnixTime, Validity};

/// The decoded payload.
#[derive(Clone, Debug)]
struct Body {
    id: HealthOfficeId,
    name: String,
    signing_key: SignaturePublicKey,
    encryption_key: EncryptionPublicKey,
    validity: Validity,
}

const ARITY: usize = 7;

impl certificate::Body for Body {
    const MAX_LEN: usize = HealthOfficeCertificate::MAX_LEN;
    const CONTENT_TYPE: &'static str = labels::COSE_HEALTH_OFFICE_CERTIFICATE;

    fn encode(&self) -> Vec<u8> {
        ArrayWriter::new(1)
            .bytes(self.id.as_bytes())
            .text(&self.name)
            .bytes(&self.signing_key.to_bytes())
            .bytes(&self.encryption_key.to_bytes())
            .uint(self.validity.not_before.0)
            .uint(self.validity.not_after.0)
            .encode()
    }

    fn decode(payload: &[u8]) -> Result<Self, DecodeError> {
        let value = cbor::decode(payload, HealthOfficeCertificate::MAX_LEN, PAYLOAD_DEPTH)?;
        let mut r = ArrayReader::open_message(value, "health_office_certificate", 1, ARITY)?;
        let id = HealthOfficeId::from_array(r.fixed::<16>("health_office_id")?);
        let name = read_name(&mut r)?;
        let signing_key = SignaturePublicKey::from_slice_field(&r.fixed::<65>("signing_key")?, "signing_key")?;
        let encryption_key =
            EncryptionPublicKey::from_slice_field(&r.fixed::<65>("encryption_key")?, "encryption_key")?;
        let validity = read_validity(&mut r)?;
        Ok(Self { id, name, signing_key, encryption_key, validity })
    }

    fn name(&self) -> &str {
        &self.name
    }

    fn validity(&self) -> Validity {
        self.validity
    }
}

/// A health-office certificate as received: well-formed, signature not yet checked.
///
/// Only [`verify`](Self::verify) yields a [`HealthOfficeCertificate`].
/// See [`HealthOfficeCertificate`] for the layout and every rule.
#[derive(Clone, Debug)]
pub struct HealthOfficeCertificateIn {
    cert: Received<Body>,
}

/// A verified health-office certificate: the trust anchor vouches that health
/// office `id` (called `name`) signs with `signing_key` and receives with
/// `encryption_key` during `validity`.
///
/// COSE_Sign1 (RFC 9052, ES256; `docs/protocol` §2.2) with content type
/// `"application/luca.v1.health-office-certificate"`
/// ([`labels::COSE_HEALTH_OFFICE_CERTIFICATE`]), signed by the trust anchor
/// ([`TrustAnchorKey`]). Payload (deterministic CBOR):
///
/// ```cddl
/// health-office-certificate = [
///   version: 1,
///   health_office_id: bstr .size 16,
///   name: tstr,                    ; 1..=128 UTF-8 bytes, no U+0000–U+001F, U+007F–U+009F
///   signing_key: bstr .size 65,    ; SignaturePublicKey, uncompressed SEC1 P-256
///   encryption_key: bstr .size 65, ; EncryptionPublicKey, uncompressed SEC1 P-256
///   not_before: uint,              ; Unix seconds, first valid second
///   not_after: uint,               ; Unix seconds, first invalid second
/// ]
/// ```
///
/// Size cap: [`MAX_LEN`](Self::MAX_LEN) = 1024 bytes for the whole COSE object.
///
/// Decoding ([`HealthOfficeCertificateIn::from_slice`]), in order:
/// 1. the COSE envelope (size cap → [`DecodeError::TooLong`], CBOR rules,
///    ES256 → `UnsupportedAlgorithm`, content type → `WrongContentType`, no
///    other header parameter and an empty unprotected map → `UnexpectedHeader`,
///    64-byte signature);
/// 2. the payload: CBOR rules (`Truncated`, `TrailingBytes`, `NonCanonical`, …),
///    an array whose first item is 1 (else `UnsupportedVersion`), 7 items
///    (else `WrongArity`);
/// 3. fields in order: `health_office_id` 16 bytes, `name` (text of at most
///    128 bytes, non-empty, no control character → `InvalidField{name}`),
///    `signing_key` and `encryption_key` 65 bytes (`WrongLength`) and valid
///    uncompressed points (`InvalidPoint`), `not_before`/`not_after` unsigned.
///
/// Verification ([`HealthOfficeCertificateIn::verify`]), in order:
/// 1. the ES256 signature under the trust anchor's key → [`VerifyError::BadSignature`];
/// 2. `not_before < not_after` → [`VerifyError::InvalidValidity`];
/// 3. `now < not_before` → [`VerifyError::NotYetValid`]; `now >= not_after` → [`VerifyError::Expired`].
#[derive(Clone, Debug)]
pub struct HealthOfficeCertificate {
    inner: HealthOfficeCertificateIn,
}

impl HealthOfficeCertificateIn {
    /// Parses a certificate (envelope and payload), without checking the signature.
    ///
    /// # Errors
    /// Any [`DecodeError`] listed on [`HealthOfficeCertificate`].
    pub fn from_slice(bytes: &[u8]) -> Result<Self, DecodeError> {
        Ok(Self { cert: Received::parse(bytes)? })
    }

    /// Verifies the certificate against the trust anchor's public key at `now`.
    ///
    /// # Errors
    /// [`VerifyError::BadSignature`], [`VerifyError::InvalidValidity`],
    /// [`VerifyError::NotYetValid`] or [`VerifyError::Expired`], checked in that order.
    pub fn verify(self, anchor: &SignaturePublicKey, now: UnixTime) -> Result<HealthOfficeCertificate, VerifyError> {
        self.cert.verify(anchor, now)?;
        Ok(HealthOfficeCertificate { inner: self })
    }

    /// The health office's id (unverified).
    pub fn id(&self) -> HealthOfficeId {
        self.cert.body().id
    }

    /// The health office's name (unverified).
    pub fn name(&self) -> &str {
        &self.cert.body().name
    }

    /// The health office's signing key (unverified).
    pub fn signing_key(&self) -> SignaturePublicKey {
        self.cert.body().signing_key
    }

    /// The health office's encryption key (unverified).
    pub fn encryption_key(&self) -> EncryptionPublicKey {
        self.cert.body().encryption_key
    }

    /// The validity period (unverified, possibly not well-formed).
    pub fn validity(&self) -> Validity {
        self.cert.body().validity
    }

    /// The exact bytes received.
    pub fn as_bytes(&self) -> &[u8] {
        self.cert.as_bytes()
    }

    /// A copy of the exact bytes received.
    pub fn to_bytes(&self) -> Vec<u8> {
        self.cert.as_bytes().to_vec()
    }
}

impl HealthOfficeCertificate {
    /// Size cap of the encoded certificate (COSE object), in bytes.
    pub const MAX_LEN: usize = 1024;

    /// Issues (signs) a certificate with the trust anchor's key.
    ///
    /// Deterministic: ECDSA nonces follow RFC 6979, so the same inputs give the same bytes.
    ///
    /// # Errors
    /// [`DecodeError::InvalidField`] with `field: "name"` if `name` breaks the
    /// name rule, with `field: "validity"` if `not_before >= not_after`.
    pub fn issue(
        anchor: &TrustAnchorKey,
        id: HealthOfficeId,
        name: &str,
        signing_key: &SignaturePublicKey,
        encryption_key: &EncryptionPublicKey,
        validity: Validity,
    ) -> Result<Self, DecodeError> {
        let body =
            Body { id, name: name.to_owned(), signing_key: *signing_key, encryption_key: *encryption_key, validity };
        Ok(Self { inner: HealthOfficeCertificateIn { cert: Received::issue(anchor, body)? } })
    }

    /// Whether `now` lies in the validity period.
    pub fn is_valid_at(&self, now: UnixTime) -> bool {
        self.check_validity(now).is_ok()
    }

    /// Checks that `now` lies in the validity period.
    ///
    /// # Errors
    /// [`VerifyError::NotYetValid`] or [`VerifyError::Expired`]
    /// ([`VerifyError::InvalidValidity`] cannot occur on a verified certificate).
    pub fn check_validity(&self, now: UnixTime) -> Result<(), VerifyError> {
        check_period(&self.inner.validity(), now)
    }

    /// The health office's id.
    pub fn id(&self) -> HealthOfficeId {
        self.inner.id()
    }

    /// The health office's name.
    pub fn name(&self) -> &str {
        self.inner.name()
    }

    /// The health office's signing key (daily key announcements, tracing requests, notification lists).
    pub fn signing_key(&self) -> SignaturePublicKey {
        self.inner.signing_key()
    }

    /// The health office's encryption key (key shares, consent responses).
    pub fn encryption_key(&self) -> EncryptionPublicKey {
        self.inner.encryption_key()
    }

    /// The validity period (well-formed).
    pub fn validity(&self) -> Validity {
        self.inner.validity()
    }

    /// The exact certificate bytes.
    pub fn as_bytes(&self) -> &[u8] {
        self.inner.as_bytes()
    }

    /// A copy of the exact certificate bytes.
    pub fn to_bytes(&self) -> Vec<u8> {
        self.inner.to_bytes()
    }
}

impl PartialEq for HealthOfficeCertificate {
    fn eq(&self, other: &Self) -> bool {
        self.as_bytes() == other.as_bytes()
    }
}

impl Eq for HealthOfficeCertificate {}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::cose::{self, SignedObject};
    use crate::keys::HealthOfficeMasterKeys;
    use rand_chacha::ChaCha20Rng;
    use rand_core::SeedableRng;

    pub(crate) const NB: UnixTime = UnixTime(1_700_000_000);
    pub(crate) const NA: UnixTime = UnixTime(1_800_000_000);
    pub(crate) const NOW: UnixTime = UnixTime(1_750_000_000);

    /// Replaces the (empty) unprotected map of a COSE_Sign1 by `{4: h'00'}` (kid).
    pub(crate) fn add_unprotected(bytes: &[u8]) -> Vec<u8> {
        let ciborium::Value::Array(mut items) = cbor::decode(bytes, 4096, 4).unwrap() else { panic!() };
        items[1] = ciborium::Value::Map(vec![(ciborium::Value::Integer(4.into()), ciborium::Value::Bytes(vec![0]))]);
        cbor::encode(&ciborium::Value::Array(items))
    }

    struct Fx {
        anchor: TrustAnchorKey,
        ho: HealthOfficeMasterKeys,
        id: HealthOfficeId,
    }

    fn fx() -> Fx {
        let mut rng = ChaCha20Rng::seed_from_u64(30);
        let anchor = TrustAnchorKey::generate(&mut rng);
        let ho = HealthOfficeMasterKeys::generate(&mut rng);
        let id = HealthOfficeId::random(&mut rng);
        Fx { anchor, ho, id }
    }

    fn payload(f: &Fx, version: u64, name: &str, nb: u64, na: u64) -> Vec<u8> {
        ArrayWriter::new(version)
            .bytes(f.id.as_bytes())
            .text(name)
            .bytes(&f.ho.signing.public_key().to_bytes())
            .bytes(&f.ho.encryption.public_key().to_bytes())
            .uint(nb)
            .uint(na)
            .encode()
    }

    fn forge(f: &Fx, payload: Vec<u8>) -> Vec<u8> {
        cose::sign(labels::COSE_HEALTH_OFFICE_CERTIFICATE, payload, |m| f.anchor.sign(m))
    }

    fn issue(f: &Fx) -> HealthOfficeCertificate {
        HealthOfficeCertificate::issue(
            &f.anchor,
            f.id,
            "Gesundheitsamt Köln",
            &f.ho.signing.public_key(),
            &f.ho.encryption.public_key(),
            Validity { not_before: NB, not_after: NA },
        )
        .unwrap()
    }

    fn anchor_pk(f: &Fx) -> SignaturePublicKey {
        f.anchor.public_key()
    }

    #[test]
    fn round_trip() {
        let f = fx();
        let c = issue(&f);
        let v = HealthOfficeCertificateIn::from_slice(c.as_bytes()).unwrap().verify(&anchor_pk(&f), NOW).unwrap();
        assert_eq!(v, c);
        assert_eq!(v.id(), f.id);
        assert_eq!(v.name(), "Gesundheitsamt Köln");
        assert_eq!(v.signing_key(), f.ho.signing.public_key());
        assert_eq!(v.encryption_key(), f.ho.encryption.public_key());
        assert_eq!(v.validity(), Validity { not_before: NB, not_after: NA });
        assert_eq!(v.to_bytes(), c.as_bytes());
        assert!(v.is_valid_at(NB));
        assert!(!v.is_valid_at(NA));
        // Deterministic.
        assert_eq!(issue(&f).as_bytes(), c.as_bytes());
        // Payload is exactly the documented CBOR.
        let obj = SignedObject::parse(c.as_bytes(), 1024, labels::COSE_HEALTH_OFFICE_CERTIFICATE).unwrap();
        assert_eq!(obj.payload(), payload(&f, 1, "Gesundheitsamt Köln", NB.0, NA.0).as_slice());
    }

    #[test]
    fn verify_boundaries() {
        let f = fx();
        let c = issue(&f);
        let parse = || HealthOfficeCertificateIn::from_slice(c.as_bytes()).unwrap();
        assert!(parse().verify(&anchor_pk(&f), NB).is_ok());
        assert_eq!(parse().verify(&anchor_pk(&f), NB.minus_secs(1)).unwrap_err(), VerifyError::NotYetValid);
        assert_eq!(parse().verify(&anchor_pk(&f), NA).unwrap_err(), VerifyError::Expired);
        assert!(parse().verify(&anchor_pk(&f), NA.minus_secs(1)).is_ok());
        assert_eq!(c.check_validity(NA), Err(VerifyError::Expired));
        assert_eq!(c.check_validity(UnixTime(0)), Err(VerifyError::NotYetValid));
    }

    #[test]
    fn verify_wrong_key() {
        let f = fx();
        let c = issue(&f);
        let wrong = f.ho.signing.public_key();
        assert_eq!(
            HealthOfficeCertificateIn::from_slice(c.as_bytes()).unwrap().verify(&wrong, NOW).unwrap_err(),
            VerifyError::BadSignature
        );
    }

    #[test]
    fn verify_tampered_signature() {
        let f = fx();
        let mut b = issue(&f).to_bytes();
        let last = b.len() - 1;
        b[last] ^= 1;
        assert_eq!(
            HealthOfficeCertificateIn::from_slice(&b).unwrap().verify(&anchor_pk(&f), NOW).unwrap_err(),
            VerifyError::BadSignature
        );
    }

    #[test]
    fn verify_tampered_payload() {
        let f = fx();
        let c = issue(&f);
        // The name is the only text; change one of its ASCII letters.
        let mut b = c.to_bytes();
        let pos = b.windows(4).position(|w| w == b"Gesu").unwrap();
        b[pos] = b'X';
        assert_eq!(
            HealthOfficeCertificateIn::from_slice(&b).unwrap().verify(&anchor_pk(&f), NOW).unwrap_err(),
            VerifyError::BadSignature
        );
    }

    #[test]
    fn verify_inverted_validity() {
        let f = fx();
        let b = forge(&f, payload(&f, 1, "HO", NA.0, NB.0));
        assert_eq!(
            HealthOfficeCertificateIn::from_slice(&b).unwrap().verify(&anchor_pk(&f), NOW).unwrap_err(),
            VerifyError::InvalidValidity
        );
        let b = forge(&f, payload(&f, 1, "HO", NB.0, NB.0));
        assert_eq!(
            HealthOfficeCertificateIn::from_slice(&b).unwrap().verify(&anchor_pk(&f), NB).unwrap_err(),
            VerifyError::InvalidValidity
        );
    }

    #[test]
    fn issue_rejects_bad_name_and_validity() {
        let f = fx();
        let v = Validity { not_before: NB, not_after: NA };
        let i = |name: &str, v: Validity| {
            HealthOfficeCertificate::issue(
                &f.anchor,
                f.id,
                name,
                &f.ho.signing.public_key(),
                &f.ho.encryption.public_key(),
                v,
            )
            .map(|_| ())
        };
        assert_eq!(i("", v), Err(DecodeError::InvalidField { field: "name" }));
        assert_eq!(i("a\nb", v), Err(DecodeError::InvalidField { field: "name" }));
        assert_eq!(i("a\u{85}b", v), Err(DecodeError::InvalidField { field: "name" }));
        assert_eq!(i("a\u{7f}", v), Err(DecodeError::InvalidField { field: "name" }));
        assert_eq!(i(&"x".repeat(129), v), Err(DecodeError::InvalidField { field: "name" }));
        assert_eq!(i(&"x".repeat(128), v), Ok(()));
        assert_eq!(i("ä\u{a0}€", v), Ok(()));
        let inv = Validity { not_before: NA, not_after: NB };
        assert_eq!(i("HO", inv), Err(DecodeError::InvalidField { field: "validity" }));
    }

    #[test]
    fn decode_name_rules() {
        let f = fx();
        for name in ["", "a\u{0}", "tab\there", "\u{9f}"] {
            let b = forge(&f, payload(&f, 1, name, NB.0, NA.0));
            assert_eq!(
                HealthOfficeCertificateIn::from_slice(&b).unwrap_err(),
                DecodeError::InvalidField { field: "name" }
            );
        }
        let b = forge(&f, payload(&f, 1, &"y".repeat(129), NB.0, NA.0));
        assert_eq!(HealthOfficeCertificateIn::from_slice(&b).unwrap_err(), DecodeError::InvalidField { field: "name" });
    }

    #[test]
    fn decode_name_invalid_utf8() {
        let f = fx();
        let mut p = payload(&f, 1, "HQ", NB.0, NA.0);
        let pos = p.windows(3).position(|w| w == [0x62, b'H', b'Q']).unwrap();
        p[pos + 2] = 0xff;
        assert_eq!(HealthOfficeCertificateIn::from_slice(&forge(&f, p)).unwrap_err(), DecodeError::MalformedCbor);
    }

    #[test]
    fn decode_wrong_version() {
        let f = fx();
        let b = forge(&f, payload(&f, 2, "HO", NB.0, NA.0));
        assert_eq!(HealthOfficeCertificateIn::from_slice(&b).unwrap_err(), DecodeError::UnsupportedVersion { got: 2 });
    }

    #[test]
    fn decode_wrong_arity() {
        let f = fx();
        let p = ArrayWriter::new(1).bytes(f.id.as_bytes()).text("HO").encode();
        let b = forge(&f, p);
        assert_eq!(
            HealthOfficeCertificateIn::from_slice(&b).unwrap_err(),
            DecodeError::WrongArity { field: "health_office_certificate", expected: 7, got: 3 }
        );
    }

    #[test]
    fn decode_wrong_lengths_and_points() {
        let f = fx();
        let p = ArrayWriter::new(1)
            .bytes(&[0; 15])
            .text("HO")
            .bytes(&f.ho.signing.public_key().to_bytes())
            .bytes(&f.ho.encryption.public_key().to_bytes())
            .uint(NB.0)
            .uint(NA.0)
            .encode();
        assert_eq!(
            HealthOfficeCertificateIn::from_slice(&forge(&f, p)).unwrap_err(),
            DecodeError::WrongLength { field: "health_office_id", expected: 16, got: 15 }
        );
        let compressed = &f.ho.signing.public_key().to_bytes()[..33];
        let p = ArrayWriter::new(1)
            .bytes(f.id.as_bytes())
            .text("HO")
            .bytes(compressed)
            .bytes(&f.ho.encryption.public_key().to_bytes())
            .uint(NB.0)
            .uint(NA.0)
            .encode();
        assert_eq!(
            HealthOfficeCertificateIn::from_slice(&forge(&f, p)).unwrap_err(),
            DecodeError::WrongLength { field: "signing_key", expected: 65, got: 33 }
        );
        let mut bad = f.ho.encryption.public_key().to_bytes();
        bad[64] ^= 1;
        let p = ArrayWriter::new(1)
            .bytes(f.id.as_bytes())
            .text("HO")
            .bytes(&f.ho.signing.public_key().to_bytes())
            .bytes(&bad)
            .uint(NB.0)
            .uint(NA.0)
            .encode();
        assert_eq!(
            HealthOfficeCertificateIn::from_slice(&forge(&f, p)).unwrap_err(),
            DecodeError::InvalidPoint { field: "encryption_key" }
        );
    }

    #[test]
    fn decode_wrong_types() {
        let f = fx();
        let p = ArrayWriter::new(1)
            .bytes(f.id.as_bytes())
            .bytes(b"HO")
            .bytes(&f.ho.signing.public_key().to_bytes())
            .bytes(&f.ho.encryption.public_key().to_bytes())
            .uint(NB.0)
            .uint(NA.0)
            .encode();
        assert_eq!(
            HealthOfficeCertificateIn::from_slice(&forge(&f, p)).unwrap_err(),
            DecodeError::UnexpectedType { field: "name" }
        );
        let p = ArrayWriter::new(1)
            .bytes(f.id.as_bytes())
            .text("HO")
            .bytes(&f.ho.signing.public_key().to_bytes())
            .bytes(&f.ho.encryption.public_key().to_bytes())
            .null()
            .uint(NA.0)
            .encode();
        assert_eq!(
            HealthOfficeCertificateIn::from_slice(&forge(&f, p)).unwrap_err(),
            DecodeError::UnexpectedType { field: "not_before" }
        );
    }

    #[test]
    fn decode_truncated_trailing_oversize() {
        let f = fx();
        let b = issue(&f).to_bytes();
        assert_eq!(HealthOfficeCertificateIn::from_slice(&b[..b.len() - 1]).unwrap_err(), DecodeError::Truncated);
        assert_eq!(HealthOfficeCertificateIn::from_slice(&[]).unwrap_err(), DecodeError::Truncated);
        let mut t = b.clone();
        t.push(0);
        assert_eq!(HealthOfficeCertificateIn::from_slice(&t).unwrap_err(), DecodeError::TrailingBytes);
        assert_eq!(
            HealthOfficeCertificateIn::from_slice(&[0u8; 1025]).unwrap_err(),
            DecodeError::TooLong { max: 1024, got: 1025 }
        );
        // Payload with a trailing byte inside a valid envelope.
        let mut p = payload(&f, 1, "HO", NB.0, NA.0);
        p.push(0);
        assert_eq!(HealthOfficeCertificateIn::from_slice(&forge(&f, p)).unwrap_err(), DecodeError::TrailingBytes);
    }

    #[test]
    fn decode_envelope_rules() {
        let f = fx();
        let c = issue(&f);
        assert_eq!(
            HealthOfficeCertificateIn::from_slice(&add_unprotected(c.as_bytes())).unwrap_err(),
            DecodeError::UnexpectedHeader
        );
        let other =
            cose::sign(labels::COSE_REGISTRAR_CERTIFICATE, payload(&f, 1, "HO", NB.0, NA.0), |m| f.anchor.sign(m));
        assert_eq!(HealthOfficeCertificateIn::from_slice(&other).unwrap_err(), DecodeError::WrongContentType);
    }

    #[test]
    fn period_helper() {
        let v = Validity { not_before: NB, not_after: NA };
        assert_eq!(check_period(&v, NB), Ok(()));
        assert_eq!(check_period(&v, NA), Err(VerifyError::Expired));
        assert_eq!(check_period(&v, NB.minus_secs(1)), Err(VerifyError::NotYetValid));
        let w = Validity { not_before: NA, not_after: NA };
        assert_eq!(check_period(&w, NA), Err(VerifyError::InvalidValidity));
    }
}
