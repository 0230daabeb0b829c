//! Registrar certificate: the trust anchor vouches for the venue registrar's
//! id, name and signing key for a validity period.

use crate::cbor::{self, ArrayReader, ArrayWriter};
use crate::error::{DecodeError, VerifyError};
use crate::ids::RegistrarId;
use crate::keys::{SignaturePublicKey, TrustAnchorKey};
use crate::labels;
use crate::signed::certificate::{self, Received};
use crate::signed::rules::{PAYLOAD_DEPTH, check_period, read_name, read_validity};
use crate::time::{UnixTime, Validity};

/// The decoded payload.
#[derive(Clone, Debug)]
struct Body {
    id: RegistrarId,
    name: String,
    signing_key: SignaturePublicKey,
    validity: Validity,
}

const ARITY: usize = 6;

impl certificate::Body for Body {
    const MAX_LEN: usize = RegistrarCertificate::MAX_LEN;
    const CONTENT_TYPE: &'static str = labels::COSE_REGISTRAR_CERTIFICATE;

    fn encode(&self) -> Vec<u8> {
        ArrayWriter::new(1)
            .bytes(self.id.as_bytes())
            .text(&self.name)
            .bytes(&self.signing_key.to_bytes())
            .uint(self.validity.not_before.0)
            .uint(self.validity.not_after.0)
            .encode()
    }

    fn decode(payload: &[u8]) -> Result<Self, DecodeError> {
        let value = cbor::decode(payload, RegistrarCertificate::MAX_LEN, PAYLOAD_DEPTH)?;
        let mut r = ArrayReader::open_message(value, "registrar_certificate", 1, ARITY)?;
        let id = RegistrarId::from_array(r.fixed::<16>("registrar_id")?);
        let name = read_name(&mut r)?;
        let signing_key = SignaturePublicKey::from_slice_field(&r.fixed::<65>("signing_key")?, "signing_key")?;
        let validity = read_validity(&mut r)?;
        Ok(Self { id, name, signing_key, validity })
    }

    fn name(&self) -> &str {
        &self.name
    }

    fn validity(&self) -> Validity {
        self.validity
    }
}

/// A registrar certificate as received: well-formed, signature not yet checked.
///
/// Only [`verify`](Self::verify) yields a [`RegistrarCertificate`].
/// See [`RegistrarCertificate`] for the layout and every rule.
#[derive(Clone, Debug)]
pub struct RegistrarCertificateIn {
    cert: Received<Body>,
}

/// A verified registrar certificate: the trust anchor vouches that the venue
/// registrar `id` (called `name`) signs venue descriptors and badge
/// attestations with `signing_key` during `validity`.
///
/// COSE_Sign1 (RFC 9052, ES256; `docs/protocol` §2.2) with content type
/// `"application/luca.v1.registrar-certificate"`
/// ([`labels::COSE_REGISTRAR_CERTIFICATE`]), signed by the trust anchor
/// ([`TrustAnchorKey`]). Payload (deterministic CBOR):
///
/// ```cddl
/// registrar-certificate = [
///   version: 1,
///   registrar_id: bstr .size 16,
///   name: tstr,                    ; 1..=128 UTF-8 bytes, no U+0000–U+001F, U+007F–U+009F
///   signing_key: bstr .size 65,    ; SignaturePublicKey, uncompressed SEC1 P-256
///   not_before: uint,              ; Unix seconds, first valid second
///   not_after: uint,               ; Unix seconds, first invalid second
/// ]
/// ```
///
/// Size cap: [`MAX_LEN`](Self::MAX_LEN) = 1024 bytes for the whole COSE object.
///
/// Decoding ([`RegistrarCertificateIn::from_slice`]), in order:
/// 1. the COSE envelope (size cap → [`DecodeError::TooLong`], CBOR rules,
///    ES256 → `UnsupportedAlgorithm`, content type → `WrongContentType`, no
///    other header parameter and an empty unprotected map → `UnexpectedHeader`,
///    64-byte signature);
/// 2. the payload: CBOR rules, first item 1 (else `UnsupportedVersion`),
///    6 items (else `WrongArity`);
/// 3. fields in order: `registrar_id` 16 bytes, `name` (name rule →
///    `InvalidField{name}`), `signing_key` 65 bytes and a valid uncompressed
///    point, `not_before`/`not_after` unsigned.
///
/// Verification ([`RegistrarCertificateIn::verify`]), in order:
/// 1. the ES256 signature under the trust anchor's key → [`VerifyError::BadSignature`];
/// 2. `not_before < not_after` → [`VerifyError::InvalidValidity`];
/// 3. `now < not_before` → [`VerifyError::NotYetValid`]; `now >= not_after` → [`VerifyError::Expired`].
#[derive(Clone, Debug)]
pub struct RegistrarCertificate {
    inner: RegistrarCertificateIn,
}

impl RegistrarCertificateIn {
    /// Parses a certificate (envelope and payload), without checking the signature.
    ///
    /// # Errors
    /// Any [`DecodeError`] listed on [`RegistrarCertificate`].
    pub fn from_slice(bytes: &[u8]) -> Result<Self, DecodeError> {
        Ok(Self { cert: Received::parse(bytes)? })
    }

    /// Verifies the certificate against the trust anchor's public key at `now`.
    ///
    /// # Errors
    /// [`VerifyError::BadSignature`], [`VerifyError::InvalidValidity`],
    /// [`VerifyError::NotYetValid`] or [`VerifyError::Expired`], checked in that order.
    pub fn verify(self, anchor: &SignaturePublicKey, now: UnixTime) -> Result<RegistrarCertificate, VerifyError> {
        self.cert.verify(anchor, now)?;
        Ok(RegistrarCertificate { inner: self })
    }

    /// The registrar's id (unverified).
    pub fn id(&self) -> RegistrarId {
        self.cert.body().id
    }

    /// The registrar's name (unverified).
    pub fn name(&self) -> &str {
        &self.cert.body().name
    }

    /// The registrar's signing key (unverified).
    pub fn signing_key(&self) -> SignaturePublicKey {
        self.cert.body().signing_key
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

impl RegistrarCertificate {
    /// Size cap of the encoded certificate (COSE object), in bytes.
    pub const MAX_LEN: usize = 1024;

    /// Issues (signs) a certificate with the trust anchor's key. Deterministic (RFC 6979).
    ///
    /// # Errors
    /// [`DecodeError::InvalidField`] with `field: "name"` if `name` breaks the
    /// name rule, with `field: "validity"` if `not_before >= not_after`.
    pub fn issue(
        anchor: &TrustAnchorKey,
        id: RegistrarId,
        name: &str,
        signing_key: &SignaturePublicKey,
        validity: Validity,
    ) -> Result<Self, DecodeError> {
        let body = Body { id, name: name.to_owned(), signing_key: *signing_key, validity };
        Ok(Self { inner: RegistrarCertificateIn { cert: Received::issue(anchor, body)? } })
    }

    /// Whether `now` lies in the validity period.
    pub fn is_valid_at(&self, now: UnixTime) -> bool {
        self.check_validity(now).is_ok()
    }

    /// Checks that `now` lies in the validity period.
    ///
    /// # Errors
    /// [`VerifyError::NotYetValid`] or [`VerifyError::Expired`].
    pub fn check_validity(&self, now: UnixTime) -> Result<(), VerifyError> {
        check_period(&self.inner.validity(), now)
    }

    /// The registrar's id.
    pub fn id(&self) -> RegistrarId {
        self.inner.id()
    }

    /// The registrar's name.
    pub fn name(&self) -> &str {
        self.inner.name()
    }

    /// The registrar's signing key (venue descriptors, badge attestations).
    pub fn signing_key(&self) -> SignaturePublicKey {
        self.inner.signing_key()
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

impl PartialEq for RegistrarCertificate {
    fn eq(&self, other: &Self) -> bool {
        self.as_bytes() == other.as_bytes()
    }
}

impl Eq for RegistrarCertificate {}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cose::{self, SignedObject};
    use crate::keys::RegistrarKey;
    use crate::signed::health_office_certificate::tests::{NA, NB, NOW, add_unprotected};
    use rand_chacha::ChaCha20Rng;
    use rand_core::SeedableRng;

    struct Fx {
        anchor: TrustAnchorKey,
        reg: RegistrarKey,
        id: RegistrarId,
    }

    fn fx() -> Fx {
        let mut rng = ChaCha20Rng::seed_from_u64(31);
        Fx {
            anchor: TrustAnchorKey::generate(&mut rng),
            reg: RegistrarKey::generate(&mut rng),
            id: RegistrarId::random(&mut rng),
        }
    }

    fn payload(f: &Fx, version: u64, name: &str, nb: u64, na: u64) -> Vec<u8> {
        ArrayWriter::new(version)
            .bytes(f.id.as_bytes())
            .text(name)
            .bytes(&f.reg.public_key().to_bytes())
            .uint(nb)
            .uint(na)
            .encode()
    }

    fn forge(f: &Fx, payload: Vec<u8>) -> Vec<u8> {
        cose::sign(labels::COSE_REGISTRAR_CERTIFICATE, payload, |m| f.anchor.sign(m))
    }

    fn issue(f: &Fx) -> RegistrarCertificate {
        RegistrarCertificate::issue(
            &f.anchor,
            f.id,
            "luca Registrar",
            &f.reg.public_key(),
            Validity { not_before: NB, not_after: NA },
        )
        .unwrap()
    }

    fn parse(b: &[u8]) -> Result<RegistrarCertificateIn, DecodeError> {
        RegistrarCertificateIn::from_slice(b)
    }

    #[test]
    fn round_trip() {
        let f = fx();
        let c = issue(&f);
        let v = parse(c.as_bytes()).unwrap().verify(&f.anchor.public_key(), NOW).unwrap();
        assert_eq!(v, c);
        assert_eq!(v.id(), f.id);
        assert_eq!(v.name(), "luca Registrar");
        assert_eq!(v.signing_key(), f.reg.public_key());
        assert_eq!(v.validity(), Validity { not_before: NB, not_after: NA });
        assert!(v.is_valid_at(NOW));
        assert_eq!(issue(&f).to_bytes(), c.to_bytes());
        let obj = SignedObject::parse(c.as_bytes(), 1024, labels::COSE_REGISTRAR_CERTIFICATE).unwrap();
        assert_eq!(obj.payload(), payload(&f, 1, "luca Registrar", NB.0, NA.0).as_slice());
    }

    #[test]
    fn verify_rejections() {
        let f = fx();
        let c = issue(&f);
        let pk = f.anchor.public_key();
        assert_eq!(
            parse(c.as_bytes()).unwrap().verify(&f.reg.public_key(), NOW).unwrap_err(),
            VerifyError::BadSignature
        );
        assert_eq!(parse(c.as_bytes()).unwrap().verify(&pk, NA).unwrap_err(), VerifyError::Expired);
        assert_eq!(parse(c.as_bytes()).unwrap().verify(&pk, NB.minus_secs(1)).unwrap_err(), VerifyError::NotYetValid);
        let mut t = c.to_bytes();
        let pos = t.windows(4).position(|w| w == b"Regi").unwrap();
        t[pos] = b'X';
        assert_eq!(parse(&t).unwrap().verify(&pk, NOW).unwrap_err(), VerifyError::BadSignature);
        let inv = forge(&f, payload(&f, 1, "R", NA.0, NB.0));
        assert_eq!(parse(&inv).unwrap().verify(&pk, NOW).unwrap_err(), VerifyError::InvalidValidity);
        assert_eq!(c.check_validity(NA), Err(VerifyError::Expired));
    }

    #[test]
    fn decode_rejections() {
        let f = fx();
        let c = issue(&f);
        let b = c.to_bytes();
        assert_eq!(parse(&b[..b.len() - 1]).unwrap_err(), DecodeError::Truncated);
        let mut t = b.clone();
        t.push(0);
        assert_eq!(parse(&t).unwrap_err(), DecodeError::TrailingBytes);
        assert_eq!(parse(&[0u8; 1025]).unwrap_err(), DecodeError::TooLong { max: 1024, got: 1025 });
        assert_eq!(
            parse(&forge(&f, payload(&f, 2, "R", NB.0, NA.0))).unwrap_err(),
            DecodeError::UnsupportedVersion { got: 2 }
        );
        assert_eq!(
            parse(&forge(&f, payload(&f, 1, "R\u{1b}", NB.0, NA.0))).unwrap_err(),
            DecodeError::InvalidField { field: "name" }
        );
        assert_eq!(parse(&add_unprotected(&b)).unwrap_err(), DecodeError::UnexpectedHeader);
        let ho =
            cose::sign(labels::COSE_HEALTH_OFFICE_CERTIFICATE, payload(&f, 1, "R", NB.0, NA.0), |m| f.anchor.sign(m));
        assert_eq!(parse(&ho).unwrap_err(), DecodeError::WrongContentType);
        let short = ArrayWriter::new(1).bytes(f.id.as_bytes()).text("R").uint(1).uint(2).encode();
        assert_eq!(
            parse(&forge(&f, short)).unwrap_err(),
            DecodeError::WrongArity { field: "registrar_certificate", expected: 6, got: 5 }
        );
        let p = ArrayWriter::new(1).bytes(f.id.as_bytes()).text("R").bytes(&[4u8; 65]).uint(NB.0).uint(NA.0).encode();
        assert_eq!(parse(&forge(&f, p)).unwrap_err(), DecodeError::InvalidPoint { field: "signing_key" });
    }

    #[test]
    fn issue_rejections() {
        let f = fx();
        let v = Validity { not_before: NB, not_after: NA };
        assert_eq!(
            RegistrarCertificate::issue(&f.anchor, f.id, "a\u{9}", &f.reg.public_key(), v).unwrap_err(),
            DecodeError::InvalidField { field: "name" }
        );
        let inv = Validity { not_before: NB, not_after: NB };
        assert_eq!(
            RegistrarCertificate::issue(&f.anchor, f.id, "R", &f.reg.public_key(), inv).unwrap_err(),
            DecodeError::InvalidField { field: "validity" }
        );
    }
}
