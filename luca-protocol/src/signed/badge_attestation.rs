//! Badge attestation: the static, registrar-signed content of a badge QR code
//! (for guests without a phone). It carries the badge's trace key and, sealed
//! to a badge key only health offices hold, the badge's user id and data secret.

use core::fmt;

use rand_core::CryptoRng;
use zeroize::Zeroizing;

use crate::CryptoError;
use crate::cbor::{self, ArrayReader, ArrayWriter};
use crate::cose::{self, SignedObject};
use crate::crypto;
use crate::derive::BadgeSecrets;
use crate::error::{DecodeError, OpenError, VerifyError};
use crate::ids::{BadgeKeyId, RegistrarId, UserId};
use crate::keys::{BadgePrivateKey, EncryptionPublicKey, RegistrarKey};
use crate::labels;
use crate::secrets::{BadgeTraceKey, DataSecret};
use crate::signed::registrar_certificate::RegistrarCertificate;
use crate::signed::rules::PAYLOAD_DEPTH;
use crate::time::UnixTime;

/// First byte of the HPKE AAD: the protocol version.
const AAD_VERSION: u8 = 1;
/// Length of the HPKE AAD: `0x01 ‖ badge_key_id_be16 ‖ trace_key(16)`.
pub const BADGE_AAD_LEN: usize = 19;
/// Length of the sealed plaintext `user_id(16) ‖ data_secret(16)`.
const PLAINTEXT_LEN: usize = 32;
/// Length of the ciphertext: plaintext plus the 16-byte AES-GCM tag.
pub const BADGE_CIPHERTEXT_LEN: usize = 48;
const ENC_LEN: usize = 65;
const ARITY: usize = 7;

/// The HPKE AAD of a badge's inner layer.
fn aad(badge_key_id: BadgeKeyId, trace_key: &[u8; 16]) -> [u8; BADGE_AAD_LEN] {
    let mut out = [0u8; BADGE_AAD_LEN];
    let (v, rest) = out.split_at_mut(1);
    let (id, tk) = rest.split_at_mut(2);
    v.copy_from_slice(&[AAD_VERSION]);
    id.copy_from_slice(&badge_key_id.0.to_be_bytes());
    tk.copy_from_slice(trace_key);
    out
}

/// The decoded payload.
struct Body {
    badge_key_id: BadgeKeyId,
    trace_key: BadgeTraceKey,
    enc: [u8; ENC_LEN],
    ciphertext: [u8; BADGE_CIPHERTEXT_LEN],
    issued_at: UnixTime,
    registrar_id: RegistrarId,
}

impl Body {
    fn decode(payload: &[u8]) -> Result<Self, DecodeError> {
        let value = cbor::decode(payload, BadgeAttestation::MAX_LEN, PAYLOAD_DEPTH)?;
        let mut r = ArrayReader::open_message(value, "badge_attestation", 1, ARITY)?;
        let badge_key_id = BadgeKeyId(r.u16("badge_key_id")?);
        let trace_key_bytes = Zeroizing::new(r.fixed::<16>("trace_key")?);
        let trace_key = BadgeTraceKey::new_with(|b| b.copy_from_slice(trace_key_bytes.as_slice()));
        let enc = r.fixed::<ENC_LEN>("enc")?;
        EncryptionPublicKey::from_slice_field(&enc, "enc")?;
        let ciphertext = r.fixed::<BADGE_CIPHERTEXT_LEN>("ciphertext")?;
        let issued_at = UnixTime(r.uint("issued_at")?);
        let registrar_id = RegistrarId::from_array(r.fixed::<16>("registrar_id")?);
        Ok(Self { badge_key_id, trace_key, enc, ciphertext, issued_at, registrar_id })
    }

    fn open(&self, badge_key: &BadgePrivateKey) -> Result<(UserId, DataSecret), OpenError> {
        let aad = aad(self.badge_key_id, self.trace_key.expose_secret());
        let pt = crypto::hpke_open(&badge_key.0, &self.enc, labels::HPKE_BADGE_INNER, &aad, &self.ciphertext)?;
        let got = pt.len();
        let malformed =
            || OpenError::Malformed(DecodeError::WrongLength { field: "badge_inner", expected: PLAINTEXT_LEN, got });
        if got != PLAINTEXT_LEN {
            return Err(malformed());
        }
        let (uid, ds) = pt.split_at_checked(UserId::LENGTH).ok_or_else(malformed)?;
        let user_id = UserId::from_slice(uid).map_err(OpenError::Malformed)?;
        let data_secret = DataSecret::from_slice(ds).map_err(OpenError::Malformed)?;
        Ok((user_id, data_secret))
    }

    fn copy_trace_key(&self) -> BadgeTraceKey {
        BadgeTraceKey::new_with(|b| b.copy_from_slice(self.trace_key.expose_secret()))
    }
}

/// A badge attestation as received: well-formed, not yet verified.
///
/// Only [`verify`](Self::verify) yields a [`BadgeAttestation`]; health offices
/// holding only the bytes can still [`open_unverified`](Self::open_unverified)
/// (the HPKE AAD authenticates the fields that matter for decryption).
/// See [`BadgeAttestation`] for the layout and every rule.
pub struct BadgeAttestationIn {
    obj: SignedObject,
    body: Body,
}

/// A verified badge attestation: the registrar vouches for the static content
/// of a badge QR code.
///
/// COSE_Sign1 (RFC 9052, ES256; `docs/protocol` §2.2) with content type
/// `"application/luca.v1.badge-attestation"` ([`labels::COSE_BADGE_ATTESTATION`]),
/// signed by the registrar ([`RegistrarKey`], certified by a [`RegistrarCertificate`]).
/// Payload (deterministic CBOR):
///
/// ```cddl
/// badge-attestation = [
///   version: 1,
///   badge_key_id: uint .size 2,   ; 0..=65535: the badge key (announced with purpose 1) sealed to
///   trace_key: bstr .size 16,     ; the badge trace key (derives the badge's trace ids)
///   enc: bstr .size 65,           ; HPKE encapsulated key, uncompressed SEC1
///   ciphertext: bstr .size 48,    ; HPKE ciphertext of user_id(16) ‖ data_secret(16), with tag
///   issued_at: uint,              ; Unix seconds
///   registrar_id: bstr .size 16,  ; the signing registrar
/// ]
/// ```
///
/// `enc`/`ciphertext`: HPKE base mode (suite 0x0010/0x0001/0x0001) single-shot
/// seal to the badge key with `info = "luca/v1/hpke/badge-inner"`
/// ([`labels::HPKE_BADGE_INNER`]) and the 19-byte
/// `AAD = 0x01 ‖ badge_key_id (big-endian u16) ‖ trace_key`.
/// The secrets come from the badge's printed serial
/// ([`crate::derive::badge_seed`], [`crate::derive::badge_secrets`]).
/// Anyone holding the QR code learns the trace key and so can compute the
/// badge's trace ids (documented linkability), but never the user id, the
/// data secret, the tracing secret or the contact data.
///
/// Size cap: [`MAX_LEN`](Self::MAX_LEN) = 512 bytes for the whole COSE object.
///
/// Decoding ([`BadgeAttestationIn::from_slice`]), in order:
/// 1. the COSE envelope (size cap → `TooLong`, CBOR rules, ES256, content
///    type → `WrongContentType`, other headers → `UnexpectedHeader`);
/// 2. the payload: CBOR rules, first item 1 (else `UnsupportedVersion`), 7 items (else `WrongArity`);
/// 3. fields in order: `badge_key_id` ≤ 65535 (`InvalidField{badge_key_id}`),
///    `trace_key` 16 bytes, `enc` 65 bytes (`WrongLength`) and a valid
///    uncompressed point (`InvalidPoint{enc}`), `ciphertext` 48 bytes,
///    `issued_at` unsigned, `registrar_id` 16 bytes.
///
/// Verification ([`BadgeAttestationIn::verify`]), in order:
/// 1. `registrar_id == registrar_certificate.id()` → [`VerifyError::WrongIssuer`];
/// 2. the registrar certificate is valid at `now` → `NotYetValid` / `Expired`;
/// 3. the signature under the certificate's key → [`VerifyError::BadSignature`];
/// 4. `issued_at <= now`, else [`VerifyError::NotYetValid`].
///
/// Opening ([`BadgeAttestation::open`], health offices): HPKE open with the
/// badge private key, the `info` and AAD above → [`OpenError::DecryptionFailed`]
/// on any failure (wrong key, tampered `badge_key_id`, `trace_key`, `enc` or `ciphertext`).
pub struct BadgeAttestation {
    inner: BadgeAttestationIn,
}

impl BadgeAttestationIn {
    /// Parses a badge attestation, without checking the signature.
    ///
    /// # Errors
    /// Any [`DecodeError`] listed on [`BadgeAttestation`].
    pub fn from_slice(bytes: &[u8]) -> Result<Self, DecodeError> {
        let obj = SignedObject::parse(bytes, BadgeAttestation::MAX_LEN, labels::COSE_BADGE_ATTESTATION)?;
        let body = Body::decode(obj.payload())?;
        Ok(Self { obj, body })
    }

    /// Verifies the attestation against the registrar's verified certificate at `now`.
    ///
    /// # Errors
    /// [`VerifyError::WrongIssuer`], [`VerifyError::NotYetValid`] /
    /// [`VerifyError::Expired`] (certificate), [`VerifyError::BadSignature`],
    /// [`VerifyError::NotYetValid`] (`issued_at` in the future), in that order.
    pub fn verify(self, registrar: &RegistrarCertificate, now: UnixTime) -> Result<BadgeAttestation, VerifyError> {
        if self.body.registrar_id != registrar.id() {
            return Err(VerifyError::WrongIssuer);
        }
        registrar.check_validity(now)?;
        self.obj.verify(&registrar.signing_key().0)?;
        if self.body.issued_at > now {
            return Err(VerifyError::NotYetValid);
        }
        Ok(BadgeAttestation { inner: self })
    }

    /// Decrypts the badge's user id and data secret without checking the
    /// registrar's signature (health offices holding only the inner record).
    ///
    /// # Errors
    /// [`OpenError::DecryptionFailed`] on a wrong key or any tampering.
    pub fn open_unverified(&self, badge_key: &BadgePrivateKey) -> Result<(UserId, DataSecret), OpenError> {
        self.body.open(badge_key)
    }

    /// The badge key the inner layer is sealed to (unverified).
    pub fn badge_key_id(&self) -> BadgeKeyId {
        self.body.badge_key_id
    }

    /// A copy of the badge's trace key (unverified).
    pub fn trace_key(&self) -> BadgeTraceKey {
        self.body.copy_trace_key()
    }

    /// When the badge was issued (unverified).
    pub fn issued_at(&self) -> UnixTime {
        self.body.issued_at
    }

    /// The signing registrar (unverified).
    pub fn registrar_id(&self) -> RegistrarId {
        self.body.registrar_id
    }

    /// The exact bytes received.
    pub fn as_bytes(&self) -> &[u8] {
        self.obj.as_bytes()
    }

    /// A copy of the exact bytes received.
    pub fn to_bytes(&self) -> Vec<u8> {
        self.obj.as_bytes().to_vec()
    }
}

impl BadgeAttestation {
    /// Size cap of the encoded attestation (COSE object), in bytes.
    pub const MAX_LEN: usize = 512;

    /// Seals the badge's user id and data secret to the badge key and signs the
    /// attestation with the registrar's key. The HPKE ephemeral key comes from `rng`.
    ///
    /// `badge_key` must be the public key of a badge key announced with
    /// `purpose = 1` and id `badge_key_id` (the caller checks this on the
    /// verified [`DailyKeyAnnouncement`](crate::signed::daily_key_announcement::DailyKeyAnnouncement)).
    ///
    /// # Errors
    /// [`CryptoError`] if HPKE fails (it does not with a valid key).
    pub fn issue<R: CryptoRng>(
        rng: &mut R,
        registrar: &RegistrarKey,
        registrar_id: RegistrarId,
        badge_key_id: BadgeKeyId,
        badge_key: &EncryptionPublicKey,
        secrets: &BadgeSecrets,
        issued_at: UnixTime,
    ) -> Result<Self, CryptoError> {
        let trace_key = secrets.trace_key.expose_secret();
        let aad = aad(badge_key_id, trace_key);
        let mut pt = Zeroizing::new([0u8; PLAINTEXT_LEN]);
        let (uid, ds) = pt.split_at_mut(16);
        uid.copy_from_slice(secrets.user_id.as_bytes());
        ds.copy_from_slice(secrets.data_secret.expose_secret());
        let sealed = crypto::hpke_seal(rng, &badge_key.0, labels::HPKE_BADGE_INNER, &aad, pt.as_slice())?;
        if sealed.ct.len() != BADGE_CIPHERTEXT_LEN {
            return Err(CryptoError);
        }
        let payload = ArrayWriter::new(1)
            .uint(u64::from(badge_key_id.0))
            .bytes(trace_key)
            .bytes(&sealed.enc)
            .bytes(&sealed.ct)
            .uint(issued_at.0)
            .bytes(registrar_id.as_bytes())
            .encode();
        let bytes = cose::sign(labels::COSE_BADGE_ATTESTATION, payload, |m| registrar.sign(m));
        let inner = BadgeAttestationIn::from_slice(&bytes).map_err(|_| CryptoError)?;
        Ok(Self { inner })
    }

    /// Decrypts the badge's user id and data secret with the badge private key (health offices).
    ///
    /// # Errors
    /// [`OpenError::DecryptionFailed`] on a wrong key or any tampering.
    pub fn open(&self, badge_key: &BadgePrivateKey) -> Result<(UserId, DataSecret), OpenError> {
        self.inner.open_unverified(badge_key)
    }

    /// The badge key the inner layer is sealed to.
    pub fn badge_key_id(&self) -> BadgeKeyId {
        self.inner.badge_key_id()
    }

    /// A copy of the badge's trace key.
    pub fn trace_key(&self) -> BadgeTraceKey {
        self.inner.trace_key()
    }

    /// When the badge was issued.
    pub fn issued_at(&self) -> UnixTime {
        self.inner.issued_at()
    }

    /// The signing registrar.
    pub fn registrar_id(&self) -> RegistrarId {
        self.inner.registrar_id()
    }

    /// The exact attestation bytes.
    pub fn as_bytes(&self) -> &[u8] {
        self.inner.as_bytes()
    }

    /// A copy of the exact attestation bytes.
    pub fn to_bytes(&self) -> Vec<u8> {
        self.inner.to_bytes()
    }
}

impl fmt::Debug for BadgeAttestationIn {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("BadgeAttestationIn")
            .field("badge_key_id", &self.body.badge_key_id)
            .field("trace_key", &self.body.trace_key)
            .field("issued_at", &self.body.issued_at)
            .field("registrar_id", &self.body.registrar_id)
            .finish_non_exhaustive()
    }
}

impl fmt::Debug for BadgeAttestation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("BadgeAttestation")
            .field("badge_key_id", &self.inner.body.badge_key_id)
            .field("trace_key", &self.inner.body.trace_key)
            .field("issued_at", &self.inner.body.issued_at)
            .field("registrar_id", &self.inner.body.registrar_id)
            .finish_non_exhaustive()
    }
}

impl PartialEq for BadgeAttestation {
    fn eq(&self, other: &Self) -> bool {
        self.as_bytes() == other.as_bytes()
    }
}

impl Eq for BadgeAttestation {}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::derive;
    use crate::keys::TrustAnchorKey;
    use crate::secrets::BadgeSeed;
    use crate::signed::health_office_certificate::tests::{NA, NB, NOW, add_unprotected};
    use crate::time::Validity;
    use rand_chacha::ChaCha20Rng;
    use rand_core::SeedableRng;

    struct Fx {
        rng: ChaCha20Rng,
        reg: RegistrarKey,
        reg_id: RegistrarId,
        cert: RegistrarCertificate,
        badge_key: BadgePrivateKey,
        secrets: BadgeSecrets,
    }

    fn fx() -> Fx {
        let mut rng = ChaCha20Rng::seed_from_u64(36);
        let anchor = TrustAnchorKey::generate(&mut rng);
        let reg = RegistrarKey::generate(&mut rng);
        let reg_id = RegistrarId::random(&mut rng);
        let cert = RegistrarCertificate::issue(
            &anchor,
            reg_id,
            "Registrar",
            &reg.public_key(),
            Validity { not_before: NB, not_after: NA },
        )
        .unwrap();
        let badge_key = BadgePrivateKey::generate(&mut rng);
        let seed = BadgeSeed::from_slice(&[0x5a; 32]).unwrap();
        let secrets = derive::badge_secrets(&seed).unwrap();
        Fx { rng, reg, reg_id, cert, badge_key, secrets }
    }

    fn issue(f: &mut Fx) -> BadgeAttestation {
        BadgeAttestation::issue(
            &mut f.rng,
            &f.reg,
            f.reg_id,
            BadgeKeyId(3),
            &f.badge_key.public_key(),
            &f.secrets,
            NOW.minus_secs(60),
        )
        .unwrap()
    }

    fn parse(b: &[u8]) -> Result<BadgeAttestationIn, DecodeError> {
        BadgeAttestationIn::from_slice(b)
    }

    /// The payload of `a`, decoded into its items for re-encoding with changes.
    struct Parts {
        key_id: u64,
        trace_key: Vec<u8>,
        enc: Vec<u8>,
        ct: Vec<u8>,
        issued_at: u64,
        reg_id: Vec<u8>,
    }

    fn parts(a: &BadgeAttestation) -> Parts {
        let obj = SignedObject::parse(a.as_bytes(), 512, labels::COSE_BADGE_ATTESTATION).unwrap();
        let v = cbor::decode(obj.payload(), 512, 2).unwrap();
        let mut r = ArrayReader::open_message(v, "b", 1, 7).unwrap();
        Parts {
            key_id: r.uint("").unwrap(),
            trace_key: r.bytes("", 100).unwrap(),
            enc: r.bytes("", 100).unwrap(),
            ct: r.bytes("", 100).unwrap(),
            issued_at: r.uint("").unwrap(),
            reg_id: r.bytes("", 100).unwrap(),
        }
    }

    fn encode(p: &Parts, version: u64) -> Vec<u8> {
        ArrayWriter::new(version)
            .uint(p.key_id)
            .bytes(&p.trace_key)
            .bytes(&p.enc)
            .bytes(&p.ct)
            .uint(p.issued_at)
            .bytes(&p.reg_id)
            .encode()
    }

    fn resign(f: &Fx, p: &Parts) -> Vec<u8> {
        cose::sign(labels::COSE_BADGE_ATTESTATION, encode(p, 1), |m| f.reg.sign(m))
    }

    #[test]
    fn round_trip_and_open() {
        let mut f = fx();
        let a = issue(&mut f);
        assert!(a.as_bytes().len() <= BadgeAttestation::MAX_LEN);
        let v = parse(a.as_bytes()).unwrap().verify(&f.cert, NOW).unwrap();
        assert_eq!(v, a);
        assert_eq!(v.badge_key_id(), BadgeKeyId(3));
        assert_eq!(v.trace_key(), f.secrets.trace_key);
        assert_eq!(v.issued_at(), NOW.minus_secs(60));
        assert_eq!(v.registrar_id(), f.reg_id);
        let (uid, ds) = v.open(&f.badge_key).unwrap();
        assert_eq!(uid, f.secrets.user_id);
        assert_eq!(ds, f.secrets.data_secret);
        let (uid2, _) = parse(a.as_bytes()).unwrap().open_unverified(&f.badge_key).unwrap();
        assert_eq!(uid2, uid);
        let p = parts(&a);
        assert_eq!(p.key_id, 3);
        assert_eq!(p.trace_key, f.secrets.trace_key.expose_secret());
        assert_eq!(p.ct.len(), 48);
        assert_eq!(p.reg_id, f.reg_id.as_bytes());
        // The debug output never shows the trace key or the ciphertext.
        let dbg = format!("{v:?}");
        assert!(dbg.contains("BadgeTraceKey(<redacted>)"), "{dbg}");
        assert!(!dbg.contains(&hex_of(&p.trace_key)));
    }

    fn hex_of(b: &[u8]) -> String {
        b.iter().map(|x| format!("{x:02x}")).collect()
    }

    #[test]
    fn aad_layout() {
        let a = aad(BadgeKeyId(0x0102), &[0xee; 16]);
        assert_eq!(a[..3], [0x01, 0x01, 0x02]);
        assert_eq!(a[3..], [0xee; 16]);
    }

    #[test]
    fn open_wrong_key() {
        let mut f = fx();
        let a = issue(&mut f);
        let other = BadgePrivateKey::generate(&mut f.rng);
        assert_eq!(a.open(&other).unwrap_err(), OpenError::DecryptionFailed);
    }

    #[test]
    fn open_tampered_fields() {
        let mut f = fx();
        let a = issue(&mut f);
        let mut p = parts(&a);
        p.trace_key[0] ^= 1;
        let b = resign(&f, &p);
        let v = parse(&b).unwrap().verify(&f.cert, NOW).unwrap();
        assert_eq!(v.open(&f.badge_key).unwrap_err(), OpenError::DecryptionFailed);
        let mut p = parts(&a);
        p.key_id = 4;
        let v = parse(&resign(&f, &p)).unwrap().verify(&f.cert, NOW).unwrap();
        assert_eq!(v.open(&f.badge_key).unwrap_err(), OpenError::DecryptionFailed);
        let mut p = parts(&a);
        p.ct[47] ^= 1;
        let v = parse(&resign(&f, &p)).unwrap().verify(&f.cert, NOW).unwrap();
        assert_eq!(v.open(&f.badge_key).unwrap_err(), OpenError::DecryptionFailed);
        // enc replaced by another valid point.
        let mut p = parts(&a);
        p.enc = f.badge_key.public_key().to_bytes().to_vec();
        let v = parse(&resign(&f, &p)).unwrap().verify(&f.cert, NOW).unwrap();
        assert_eq!(v.open(&f.badge_key).unwrap_err(), OpenError::DecryptionFailed);
    }

    #[test]
    fn verify_rejections() {
        let mut f = fx();
        let a = issue(&mut f);
        let p = || parse(a.as_bytes()).unwrap();
        assert_eq!(p().verify(&f.cert, NA).unwrap_err(), VerifyError::Expired);
        assert_eq!(p().verify(&f.cert, NB.minus_secs(1)).unwrap_err(), VerifyError::NotYetValid);
        assert_eq!(p().verify(&f.cert, NOW.minus_secs(61)).unwrap_err(), VerifyError::NotYetValid);
        let mut t = a.to_bytes();
        let last = t.len() - 1;
        t[last] ^= 1;
        assert_eq!(parse(&t).unwrap().verify(&f.cert, NOW).unwrap_err(), VerifyError::BadSignature);
        let mut q = parts(&a);
        q.reg_id[0] ^= 1;
        assert_eq!(parse(&resign(&f, &q)).unwrap().verify(&f.cert, NOW).unwrap_err(), VerifyError::WrongIssuer);
        // Tampered trace key without re-signing.
        let mut t = a.to_bytes();
        let tk = f.secrets.trace_key.expose_secret();
        let pos = t.windows(16).position(|w| w == tk).unwrap();
        t[pos] ^= 1;
        assert_eq!(parse(&t).unwrap().verify(&f.cert, NOW).unwrap_err(), VerifyError::BadSignature);
        // Signed by another key.
        let other = RegistrarKey::generate(&mut f.rng);
        let b = cose::sign(labels::COSE_BADGE_ATTESTATION, encode(&parts(&a), 1), |m| other.sign(m));
        assert_eq!(parse(&b).unwrap().verify(&f.cert, NOW).unwrap_err(), VerifyError::BadSignature);
    }

    #[test]
    fn decode_rejections() {
        let mut f = fx();
        let a = issue(&mut f);
        let b = a.to_bytes();
        assert_eq!(parse(&b[..b.len() - 1]).unwrap_err(), DecodeError::Truncated);
        let mut t = b.clone();
        t.push(0);
        assert_eq!(parse(&t).unwrap_err(), DecodeError::TrailingBytes);
        assert_eq!(parse(&[0u8; 513]).unwrap_err(), DecodeError::TooLong { max: 512, got: 513 });
        assert_eq!(parse(&add_unprotected(&b)).unwrap_err(), DecodeError::UnexpectedHeader);
        let p = parts(&a);
        let v2 = cose::sign(labels::COSE_BADGE_ATTESTATION, encode(&p, 2), |m| f.reg.sign(m));
        assert_eq!(parse(&v2).unwrap_err(), DecodeError::UnsupportedVersion { got: 2 });
        let ct = cose::sign(labels::COSE_VENUE_DESCRIPTOR, encode(&p, 1), |m| f.reg.sign(m));
        assert_eq!(parse(&ct).unwrap_err(), DecodeError::WrongContentType);
        let mut q = parts(&a);
        q.key_id = 65_536;
        assert_eq!(parse(&resign(&f, &q)).unwrap_err(), DecodeError::InvalidField { field: "badge_key_id" });
        let mut q = parts(&a);
        q.trace_key.pop();
        assert_eq!(
            parse(&resign(&f, &q)).unwrap_err(),
            DecodeError::WrongLength { field: "trace_key", expected: 16, got: 15 }
        );
        let mut q = parts(&a);
        q.enc[64] ^= 1;
        assert_eq!(parse(&resign(&f, &q)).unwrap_err(), DecodeError::InvalidPoint { field: "enc" });
        let mut q = parts(&a);
        q.enc.truncate(33);
        assert_eq!(
            parse(&resign(&f, &q)).unwrap_err(),
            DecodeError::WrongLength { field: "enc", expected: 65, got: 33 }
        );
        let mut q = parts(&a);
        q.ct.push(0);
        assert_eq!(
            parse(&resign(&f, &q)).unwrap_err(),
            DecodeError::WrongLength { field: "ciphertext", expected: 48, got: 49 }
        );
        let mut q = parts(&a);
        q.reg_id.push(0);
        assert_eq!(
            parse(&resign(&f, &q)).unwrap_err(),
            DecodeError::WrongLength { field: "registrar_id", expected: 16, got: 17 }
        );
        let short = ArrayWriter::new(1).uint(3).encode();
        let s = cose::sign(labels::COSE_BADGE_ATTESTATION, short, |m| f.reg.sign(m));
        assert_eq!(parse(&s).unwrap_err(), DecodeError::WrongArity { field: "badge_attestation", expected: 7, got: 2 });
    }
}
