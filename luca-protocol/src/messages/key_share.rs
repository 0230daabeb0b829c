//! Key share: one health office sends the private half of a daily (or badge)
//! key to another certified health office.
//!
//! The issuing health office generates the key pair, signs the public half in
//! a daily key announcement and seals the 32-byte private scalar to every
//! other health office's certified encryption key. The share itself is not
//! signed: the recipient authenticates it by checking that the decrypted
//! private key's public key equals the public key of the issuer's signed
//! announcement (`BindingMismatch { field: "public_key" }` otherwise).

use rand_core::CryptoRng;

use crate::CryptoError;
use crate::cbor::{self, ArrayReader, ArrayWriter};
use crate::crypto::{self, EcSecret};
use crate::error::{DecodeError, OpenError};
use crate::ids::{BadgeKeyId, DailyKeyId, HealthOfficeId};
use crate::keys::{BadgePrivateKey, DailyPrivateKey, EncryptionPublicKey, HealthOfficeEncryptionKey};
use crate::labels;
use crate::signed::daily_key_announcement::KeyPurpose;
use crate::signed::health_office_certificate::HealthOfficeCertificate;

/// Protocol version of a key share.
const VERSION: u64 = 1;
/// Items in the top-level array, version included.
const ARITY: usize = 7;
/// CBOR nesting: one flat array.
const MAX_DEPTH: usize = 1;
/// Length of the sealed private scalar: 32-byte scalar + 16-byte AEAD tag.
pub const CIPHERTEXT_LEN: usize = crypto::SCALAR_LEN + crypto::AEAD_TAG_LEN;
/// Length of the AAD: `purpose(1) ‖ key_id(2) ‖ issuer(16) ‖ recipient(16)`.
pub const AAD_LEN: usize = 35;

/// The parsed fields of a key share (shared by [`KeyShare`] and [`KeyShareIn`]).
#[derive(Clone, Debug, PartialEq, Eq)]
struct Fields {
    purpose: KeyPurpose,
    key_id: u16,
    issuer: HealthOfficeId,
    recipient: HealthOfficeId,
    enc: [u8; crypto::POINT_LEN],
    ciphertext: [u8; CIPHERTEXT_LEN],
}

impl Fields {
    fn aad(&self) -> [u8; AAD_LEN] {
        aad(self.purpose, self.key_id, &self.issuer, &self.recipient)
    }

    fn encode(&self) -> Vec<u8> {
        ArrayWriter::new(VERSION)
            .uint(u64::from(self.purpose.to_u8()))
            .uint(u64::from(self.key_id))
            .bytes(self.issuer.as_bytes())
            .bytes(self.recipient.as_bytes())
            .bytes(&self.enc)
            .bytes(&self.ciphertext)
            .encode()
    }

    fn decode(bytes: &[u8]) -> Result<Self, DecodeError> {
        let value = cbor::decode(bytes, KeyShare::MAX_LEN, MAX_DEPTH)?;
        let mut r = ArrayReader::open_message(value, "key_share", VERSION, ARITY)?;
        let purpose = KeyPurpose::from_u8(r.u8("purpose")?)?;
        let key_id = r.u16("key_id")?;
        let issuer = HealthOfficeId::from_array(r.fixed::<16>("issuer")?);
        let recipient = HealthOfficeId::from_array(r.fixed::<16>("recipient")?);
        let enc = r.fixed::<{ crypto::POINT_LEN }>("enc")?;
        EncryptionPublicKey::from_slice_field(&enc, "enc")?;
        let ciphertext = r.fixed::<CIPHERTEXT_LEN>("ciphertext")?;
        Ok(Self { purpose, key_id, issuer, recipient, enc, ciphertext })
    }

    /// Checks the envelope, decrypts, and checks the key against the announcement.
    fn open(
        &self,
        purpose: KeyPurpose,
        recipient_key: &HealthOfficeEncryptionKey,
        recipient_id: HealthOfficeId,
        announced_public: &EncryptionPublicKey,
    ) -> Result<EcSecret, OpenError> {
        if self.purpose != purpose {
            return Err(OpenError::BindingMismatch { field: "purpose" });
        }
        if self.recipient != recipient_id {
            return Err(OpenError::BindingMismatch { field: "recipient" });
        }
        let pt = crypto::hpke_open(&recipient_key.0, &self.enc, labels::HPKE_KEY_SHARE, &self.aad(), &self.ciphertext)?;
        let secret = EcSecret::from_bytes(pt.as_slice())
            .map_err(|_| OpenError::Malformed(DecodeError::InvalidField { field: "private_key" }))?;
        if secret.public() != announced_public.0 {
            return Err(OpenError::BindingMismatch { field: "public_key" });
        }
        Ok(secret)
    }
}

/// `purpose_u8 ‖ key_id_be16 ‖ issuer(16) ‖ recipient(16)`.
fn aad(purpose: KeyPurpose, key_id: u16, issuer: &HealthOfficeId, recipient: &HealthOfficeId) -> [u8; AAD_LEN] {
    crate::fixed::concat_fixed!([purpose.to_u8()], key_id.to_be_bytes(), issuer.as_bytes(), recipient.as_bytes())
}

/// A key share sealed by its issuing health office, ready to send.
///
/// Wire format (deterministic CBOR, size cap [`KeyShare::MAX_LEN`] = 256 bytes):
///
/// ```cddl
/// key-share = [
///   1,                      ; version
///   purpose: 0 / 1,         ; 0 daily key, 1 badge key
///   key_id: uint .size 2,   ; the daily key id (UTC day mod 2^16) or badge key id
///   issuer: bstr .size 16,  ; health-office id of the sender (issuer of the key's announcement)
///   recipient: bstr .size 16, ; health-office id of the recipient
///   enc: bstr .size 65,     ; HPKE encapsulated key, uncompressed SEC1 point
///   ciphertext: bstr .size 48, ; HPKE ciphertext of the 32-byte private scalar + 16-byte tag
/// ]
/// ```
///
/// Sealing: HPKE base mode (DHKEM(P-256, HKDF-SHA256) / HKDF-SHA256 /
/// AES-128-GCM) to the recipient's certified encryption key, `info` =
/// `"luca/v1/hpke/key-share"` ([`labels::HPKE_KEY_SHARE`]), AAD (35 bytes) =
/// `purpose_u8 ‖ key_id_be16 ‖ issuer(16) ‖ recipient(16)`, plaintext = the
/// 32-byte big-endian private scalar.
///
/// Decoding ([`KeyShareIn::from_slice`]), in order: size cap (`TooLong`), CBOR
/// well-formed, nesting depth 1 (no array inside the array), deterministic, no trailing bytes (`Truncated`,
/// `MalformedCbor`, `NestingTooDeep`, `NonCanonical`, `TrailingBytes`);
/// top-level array (`UnexpectedType`), version 1 (`UnsupportedVersion`), 7 items
/// (`WrongArity`); `purpose` ∈ {0, 1} (`InvalidField`); `key_id` ≤ 65535
/// (`InvalidField`); `issuer`, `recipient` 16 bytes, `enc` 65 bytes,
/// `ciphertext` 48 bytes (`WrongLength`, `UnexpectedType` if not a byte
/// string); `enc` a valid uncompressed P-256 point (`InvalidPoint`).
///
/// Opening ([`KeyShareIn::open_daily`] / [`KeyShareIn::open_badge`]), in order:
/// purpose as required (`BindingMismatch { field: "purpose" }`); `recipient`
/// equals the caller's id (`BindingMismatch { field: "recipient" }`); HPKE
/// open (`DecryptionFailed`); plaintext a scalar in `[1, n-1]`
/// (`Malformed(InvalidField { field: "private_key" })`); its public key equals
/// the announced public key (`BindingMismatch { field: "public_key" }`).
#[derive(Clone, Debug)]
pub struct KeyShare {
    raw: Vec<u8>,
    fields: Fields,
}

impl KeyShare {
    /// Size cap of the encoded message.
    pub const MAX_LEN: usize = 256;

    /// Seals the 32-byte private scalar `private_scalar` of key (`purpose`, `key_id`)
    /// issued by `issuer` to `recipient`'s certified encryption key.
    ///
    /// The caller checks that `recipient` is currently valid
    /// ([`HealthOfficeCertificate::check_validity`]).
    ///
    /// # Errors
    /// [`CryptoError`] if `private_scalar` is not a scalar in `[1, n-1]` or HPKE fails.
    pub fn seal<R: CryptoRng>(
        rng: &mut R,
        purpose: KeyPurpose,
        key_id: u16,
        issuer: HealthOfficeId,
        recipient: &HealthOfficeCertificate,
        private_scalar: &[u8; 32],
    ) -> Result<Self, CryptoError> {
        Self::seal_to(rng, purpose, key_id, issuer, recipient.id(), &recipient.encryption_key(), private_scalar)
    }

    /// Seals a daily private key to `recipient` (see [`KeyShare::seal`]).
    ///
    /// # Errors
    /// [`CryptoError`] if HPKE fails.
    pub fn seal_daily<R: CryptoRng>(
        rng: &mut R,
        key_id: DailyKeyId,
        issuer: HealthOfficeId,
        recipient: &HealthOfficeCertificate,
        key: &DailyPrivateKey,
    ) -> Result<Self, CryptoError> {
        Self::seal(rng, KeyPurpose::Daily, key_id.0, issuer, recipient, &key.to_bytes())
    }

    /// Seals a badge private key to `recipient` (see [`KeyShare::seal`]).
    ///
    /// # Errors
    /// [`CryptoError`] if HPKE fails.
    pub fn seal_badge<R: CryptoRng>(
        rng: &mut R,
        key_id: BadgeKeyId,
        issuer: HealthOfficeId,
        recipient: &HealthOfficeCertificate,
        key: &BadgePrivateKey,
    ) -> Result<Self, CryptoError> {
        Self::seal(rng, KeyPurpose::Badge, key_id.0, issuer, recipient, &key.to_bytes())
    }

    /// Low-level form of [`KeyShare::seal`]: the recipient's id and encryption
    /// key given directly (they must come from its verified certificate).
    ///
    /// # Errors
    /// [`CryptoError`] if `private_scalar` is not a scalar in `[1, n-1]` or HPKE fails.
    pub fn seal_to<R: CryptoRng>(
        rng: &mut R,
        purpose: KeyPurpose,
        key_id: u16,
        issuer: HealthOfficeId,
        recipient_id: HealthOfficeId,
        recipient_key: &EncryptionPublicKey,
        private_scalar: &[u8; 32],
    ) -> Result<Self, CryptoError> {
        // Refuse to share something that is not a private key.
        EcSecret::from_bytes(private_scalar)?;
        let aad = aad(purpose, key_id, &issuer, &recipient_id);
        let sealed = crypto::hpke_seal(rng, &recipient_key.0, labels::HPKE_KEY_SHARE, &aad, private_scalar)?;
        let ciphertext = <[u8; CIPHERTEXT_LEN]>::try_from(sealed.ct.as_slice()).map_err(|_| CryptoError)?;
        let fields = Fields { purpose, key_id, issuer, recipient: recipient_id, enc: sealed.enc, ciphertext };
        let raw = fields.encode();
        Ok(Self { raw, fields })
    }

    /// The encoded message.
    pub fn as_bytes(&self) -> &[u8] {
        &self.raw
    }

    /// The encoded message, owned.
    pub fn to_bytes(&self) -> Vec<u8> {
        self.raw.clone()
    }

    /// What the shared key is for.
    pub fn purpose(&self) -> KeyPurpose {
        self.fields.purpose
    }

    /// The shared key's id.
    pub fn key_id(&self) -> u16 {
        self.fields.key_id
    }

    /// The sending health office.
    pub fn issuer(&self) -> HealthOfficeId {
        self.fields.issuer
    }

    /// The receiving health office.
    pub fn recipient(&self) -> HealthOfficeId {
        self.fields.recipient
    }
}

/// A received, not yet opened key share (layout and rules: see [`KeyShare`]).
#[derive(Clone, Debug)]
pub struct KeyShareIn {
    raw: Vec<u8>,
    fields: Fields,
}

impl From<KeyShare> for KeyShareIn {
    fn from(s: KeyShare) -> Self {
        Self { raw: s.raw, fields: s.fields }
    }
}

impl KeyShareIn {
    /// Parses a key share (rules: see [`KeyShare`]).
    ///
    /// # Errors
    /// The [`DecodeError`] of the first rule that fails.
    pub fn from_slice(bytes: &[u8]) -> Result<Self, DecodeError> {
        let fields = Fields::decode(bytes)?;
        Ok(Self { raw: bytes.to_vec(), fields })
    }

    /// The message exactly as received.
    pub fn as_bytes(&self) -> &[u8] {
        &self.raw
    }

    /// The message exactly as received, owned.
    pub fn to_bytes(&self) -> Vec<u8> {
        self.raw.clone()
    }

    /// What the shared key is for (unauthenticated until opened).
    pub fn purpose(&self) -> KeyPurpose {
        self.fields.purpose
    }

    /// The shared key's id (unauthenticated until opened).
    pub fn key_id(&self) -> u16 {
        self.fields.key_id
    }

    /// The claimed sending health office (unauthenticated until opened).
    pub fn issuer(&self) -> HealthOfficeId {
        self.fields.issuer
    }

    /// The receiving health office.
    pub fn recipient(&self) -> HealthOfficeId {
        self.fields.recipient
    }

    /// Opens a daily key share addressed to `recipient_id`. `announced_public`
    /// is the public key of the verified daily key announcement that
    /// `issuer()` signed for `key_id()`.
    ///
    /// # Errors
    /// [`OpenError::BindingMismatch`] (`purpose`, `recipient`, `public_key`),
    /// [`OpenError::DecryptionFailed`], [`OpenError::Malformed`]; see [`KeyShare`].
    pub fn open_daily(
        &self,
        recipient_key: &HealthOfficeEncryptionKey,
        recipient_id: HealthOfficeId,
        announced_public: &EncryptionPublicKey,
    ) -> Result<DailyPrivateKey, OpenError> {
        self.fields.open(KeyPurpose::Daily, recipient_key, recipient_id, announced_public).map(DailyPrivateKey)
    }

    /// Opens a badge key share addressed to `recipient_id` (see [`KeyShareIn::open_daily`]).
    ///
    /// # Errors
    /// As [`KeyShareIn::open_daily`].
    pub fn open_badge(
        &self,
        recipient_key: &HealthOfficeEncryptionKey,
        recipient_id: HealthOfficeId,
        announced_public: &EncryptionPublicKey,
    ) -> Result<BadgePrivateKey, OpenError> {
        self.fields.open(KeyPurpose::Badge, recipient_key, recipient_id, announced_public).map(BadgePrivateKey)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand_chacha::ChaCha20Rng;
    use rand_core::SeedableRng;

    struct Setup {
        rng: ChaCha20Rng,
        issuer: HealthOfficeId,
        recipient: HealthOfficeId,
        recipient_key: HealthOfficeEncryptionKey,
        daily: DailyPrivateKey,
    }

    fn setup() -> Setup {
        let mut rng = ChaCha20Rng::seed_from_u64(53);
        let issuer = HealthOfficeId::random(&mut rng);
        let recipient = HealthOfficeId::random(&mut rng);
        let recipient_key = HealthOfficeEncryptionKey::generate(&mut rng);
        let daily = DailyPrivateKey::generate(&mut rng);
        Setup { rng, issuer, recipient, recipient_key, daily }
    }

    fn share(s: &mut Setup, purpose: KeyPurpose) -> KeyShare {
        KeyShare::seal_to(
            &mut s.rng,
            purpose,
            20_421,
            s.issuer,
            s.recipient,
            &s.recipient_key.public_key(),
            &s.daily.to_bytes(),
        )
        .unwrap()
    }

    /// Re-encodes `bytes` after `edit` changed its fields.
    fn edited(bytes: &[u8], edit: impl FnOnce(&mut Fields)) -> Vec<u8> {
        let mut f = Fields::decode(bytes).unwrap();
        edit(&mut f);
        f.encode()
    }

    #[test]
    fn round_trip_daily() {
        let mut s = setup();
        let ks = share(&mut s, KeyPurpose::Daily);
        let bytes = ks.to_bytes();
        assert!(bytes.len() <= KeyShare::MAX_LEN);
        let parsed = KeyShareIn::from_slice(&bytes).unwrap();
        assert_eq!(parsed.as_bytes(), bytes.as_slice());
        assert_eq!(parsed.purpose(), KeyPurpose::Daily);
        assert_eq!(parsed.key_id(), 20_421);
        assert_eq!(parsed.issuer(), s.issuer);
        assert_eq!(parsed.recipient(), s.recipient);
        let opened = parsed.open_daily(&s.recipient_key, s.recipient, &s.daily.public_key()).unwrap();
        assert_eq!(*opened.to_bytes(), *s.daily.to_bytes());
        // Same seed, same bytes.
        let mut s2 = setup();
        assert_eq!(share(&mut s2, KeyPurpose::Daily).to_bytes(), bytes);
    }

    #[test]
    fn round_trip_badge() {
        let mut s = setup();
        let ks = KeyShareIn::from(share(&mut s, KeyPurpose::Badge));
        let opened = ks.open_badge(&s.recipient_key, s.recipient, &s.daily.public_key()).unwrap();
        assert_eq!(opened.public_key(), s.daily.public_key());
        assert_eq!(
            ks.open_daily(&s.recipient_key, s.recipient, &s.daily.public_key()).unwrap_err(),
            OpenError::BindingMismatch { field: "purpose" }
        );
    }

    #[test]
    fn open_wrong_announced_key() {
        let mut s = setup();
        let ks = KeyShareIn::from(share(&mut s, KeyPurpose::Daily));
        let other = DailyPrivateKey::generate(&mut s.rng).public_key();
        assert_eq!(
            ks.open_daily(&s.recipient_key, s.recipient, &other).unwrap_err(),
            OpenError::BindingMismatch { field: "public_key" }
        );
    }

    #[test]
    fn open_wrong_recipient_id() {
        let mut s = setup();
        let ks = KeyShareIn::from(share(&mut s, KeyPurpose::Daily));
        assert_eq!(
            ks.open_daily(&s.recipient_key, s.issuer, &s.daily.public_key()).unwrap_err(),
            OpenError::BindingMismatch { field: "recipient" }
        );
    }

    #[test]
    fn open_wrong_key() {
        let mut s = setup();
        let ks = KeyShareIn::from(share(&mut s, KeyPurpose::Daily));
        let wrong = HealthOfficeEncryptionKey::generate(&mut s.rng);
        assert_eq!(ks.open_daily(&wrong, s.recipient, &s.daily.public_key()).unwrap_err(), OpenError::DecryptionFailed);
    }

    #[test]
    fn open_retargeted_fields() {
        let mut s = setup();
        let ks = share(&mut s, KeyPurpose::Daily);
        let pk = s.daily.public_key();
        let b = edited(ks.as_bytes(), |f| f.key_id = 20_422);
        assert_eq!(
            KeyShareIn::from_slice(&b).unwrap().open_daily(&s.recipient_key, s.recipient, &pk).unwrap_err(),
            OpenError::DecryptionFailed
        );
        let b = edited(ks.as_bytes(), |f| f.issuer = HealthOfficeId::from_array([7; 16]));
        assert_eq!(
            KeyShareIn::from_slice(&b).unwrap().open_daily(&s.recipient_key, s.recipient, &pk).unwrap_err(),
            OpenError::DecryptionFailed
        );
        let b = edited(ks.as_bytes(), |f| f.purpose = KeyPurpose::Badge);
        assert_eq!(
            KeyShareIn::from_slice(&b).unwrap().open_badge(&s.recipient_key, s.recipient, &pk).unwrap_err(),
            OpenError::DecryptionFailed
        );
        let b = edited(ks.as_bytes(), |f| f.ciphertext[0] ^= 1);
        assert_eq!(
            KeyShareIn::from_slice(&b).unwrap().open_daily(&s.recipient_key, s.recipient, &pk).unwrap_err(),
            OpenError::DecryptionFailed
        );
    }

    #[test]
    fn open_not_a_scalar() {
        let mut s = setup();
        // A well-sealed share whose plaintext is zero: never produced by `seal_to`.
        let aad = aad(KeyPurpose::Daily, 1, &s.issuer, &s.recipient);
        let sealed =
            crypto::hpke_seal(&mut s.rng, &s.recipient_key.public_key().0, labels::HPKE_KEY_SHARE, &aad, &[0u8; 32])
                .unwrap();
        let f = Fields {
            purpose: KeyPurpose::Daily,
            key_id: 1,
            issuer: s.issuer,
            recipient: s.recipient,
            enc: sealed.enc,
            ciphertext: sealed.ct.try_into().unwrap(),
        };
        let ks = KeyShareIn::from_slice(&f.encode()).unwrap();
        assert_eq!(
            ks.open_daily(&s.recipient_key, s.recipient, &s.daily.public_key()).unwrap_err(),
            OpenError::Malformed(DecodeError::InvalidField { field: "private_key" })
        );
    }

    #[test]
    fn seal_rejects_non_scalar() {
        let mut s = setup();
        let pk = s.recipient_key.public_key();
        assert_eq!(
            KeyShare::seal_to(&mut s.rng, KeyPurpose::Daily, 1, s.issuer, s.recipient, &pk, &[0u8; 32]).unwrap_err(),
            CryptoError
        );
        assert_eq!(
            KeyShare::seal_to(&mut s.rng, KeyPurpose::Daily, 1, s.issuer, s.recipient, &pk, &[0xff; 32]).unwrap_err(),
            CryptoError
        );
    }

    #[test]
    fn decode_truncated_and_trailing() {
        let mut s = setup();
        let b = share(&mut s, KeyPurpose::Daily).to_bytes();
        assert_eq!(KeyShareIn::from_slice(&b[..b.len() - 1]).unwrap_err(), DecodeError::Truncated);
        assert_eq!(KeyShareIn::from_slice(&[]).unwrap_err(), DecodeError::Truncated);
        let mut t = b.clone();
        t.push(0);
        assert_eq!(KeyShareIn::from_slice(&t).unwrap_err(), DecodeError::TrailingBytes);
    }

    #[test]
    fn decode_nesting_and_non_canonical() {
        let nested = ArrayWriter::new(1).value(ArrayWriter::new(1).into_value()).encode();
        assert_eq!(KeyShareIn::from_slice(&nested).unwrap_err(), DecodeError::NestingTooDeep);
        let mut s = setup();
        let b = share(&mut s, KeyPurpose::Badge).to_bytes();
        // key_id 20421 (0x19 4f c5) re-encoded in four bytes (0x1a 00 00 4f c5).
        let mut long = b[..3].to_vec();
        long.extend_from_slice(&[0x1a, 0x00, 0x00]);
        long.extend_from_slice(&b[4..]);
        assert_eq!(KeyShareIn::from_slice(&long).unwrap_err(), DecodeError::NonCanonical);
    }

    #[test]
    fn decode_too_long() {
        assert_eq!(KeyShareIn::from_slice(&[0u8; 257]).unwrap_err(), DecodeError::TooLong { max: 256, got: 257 });
    }

    #[test]
    fn decode_wrong_version() {
        let mut s = setup();
        let mut b = share(&mut s, KeyPurpose::Daily).to_bytes();
        assert_eq!(b[1], 0x01);
        b[1] = 0x02;
        assert_eq!(KeyShareIn::from_slice(&b).unwrap_err(), DecodeError::UnsupportedVersion { got: 2 });
    }

    #[test]
    fn decode_wrong_arity() {
        let b = ArrayWriter::new(1).uint(0).uint(1).encode();
        assert_eq!(
            KeyShareIn::from_slice(&b).unwrap_err(),
            DecodeError::WrongArity { field: "key_share", expected: 7, got: 3 }
        );
    }

    #[test]
    fn decode_invalid_purpose_and_key_id() {
        let mut s = setup();
        let ks = share(&mut s, KeyPurpose::Daily);
        let f = Fields::decode(ks.as_bytes()).unwrap();
        let with = |purpose: u64, key_id: u64| {
            ArrayWriter::new(1)
                .uint(purpose)
                .uint(key_id)
                .bytes(f.issuer.as_bytes())
                .bytes(f.recipient.as_bytes())
                .bytes(&f.enc)
                .bytes(&f.ciphertext)
                .encode()
        };
        assert_eq!(KeyShareIn::from_slice(&with(2, 1)).unwrap_err(), DecodeError::InvalidField { field: "purpose" });
        assert_eq!(
            KeyShareIn::from_slice(&with(0, 65_536)).unwrap_err(),
            DecodeError::InvalidField { field: "key_id" }
        );
    }

    #[test]
    fn decode_wrong_lengths_and_bad_point() {
        let mut s = setup();
        let ks = share(&mut s, KeyPurpose::Daily);
        let f = Fields::decode(ks.as_bytes()).unwrap();
        let with = |issuer: &[u8], enc: &[u8], ct: &[u8]| {
            ArrayWriter::new(1)
                .uint(0)
                .uint(1)
                .bytes(issuer)
                .bytes(f.recipient.as_bytes())
                .bytes(enc)
                .bytes(ct)
                .encode()
        };
        assert_eq!(
            KeyShareIn::from_slice(&with(&[0; 15], &f.enc, &f.ciphertext)).unwrap_err(),
            DecodeError::WrongLength { field: "issuer", expected: 16, got: 15 }
        );
        assert_eq!(
            KeyShareIn::from_slice(&with(f.issuer.as_bytes(), &f.enc[..33], &f.ciphertext)).unwrap_err(),
            DecodeError::WrongLength { field: "enc", expected: 65, got: 33 }
        );
        assert_eq!(
            KeyShareIn::from_slice(&with(f.issuer.as_bytes(), &f.enc, &f.ciphertext[..47])).unwrap_err(),
            DecodeError::WrongLength { field: "ciphertext", expected: 48, got: 47 }
        );
        let mut bad = f.enc;
        bad[64] ^= 1;
        assert_eq!(
            KeyShareIn::from_slice(&with(f.issuer.as_bytes(), &bad, &f.ciphertext)).unwrap_err(),
            DecodeError::InvalidPoint { field: "enc" }
        );
    }

    #[test]
    fn seal_to_certificate() {
        let mut rng = ChaCha20Rng::seed_from_u64(531);
        let (keys, cert) = crate::messages::tracing_request::test_support::office(&mut rng);
        let issuer = HealthOfficeId::random(&mut rng);
        let daily = DailyPrivateKey::generate(&mut rng);
        let ks = KeyShare::seal_daily(&mut rng, DailyKeyId(20_421), issuer, &cert, &daily).unwrap();
        assert_eq!(ks.purpose(), KeyPurpose::Daily);
        assert_eq!(ks.key_id(), 20_421);
        assert_eq!(ks.issuer(), issuer);
        assert_eq!(ks.recipient(), cert.id());
        let opened = KeyShareIn::from_slice(ks.as_bytes())
            .unwrap()
            .open_daily(&keys.encryption, cert.id(), &daily.public_key())
            .unwrap();
        assert_eq!(opened.public_key(), daily.public_key());
        let badge = BadgePrivateKey::generate(&mut rng);
        let ks = KeyShare::seal_badge(&mut rng, BadgeKeyId(3), issuer, &cert, &badge).unwrap();
        let opened = KeyShareIn::from(ks).open_badge(&keys.encryption, cert.id(), &badge.public_key()).unwrap();
        assert_eq!(opened.public_key(), badge.public_key());
    }

    #[test]
    fn ephemeral_is_derived_from_32_rng_bytes() {
        // Documents what the vectors' `ephemeral_ikm` means: enc = pk(DeriveKeyPair(next 32 rng bytes)).
        let mut s = setup();
        let mut probe = s.rng.clone();
        let mut ikm = [0u8; 32];
        rand_core::Rng::fill_bytes(&mut probe, &mut ikm);
        let ks = share(&mut s, KeyPurpose::Daily);
        let eph = crypto::hpke_derive_keypair(&ikm).unwrap();
        assert_eq!(ks.fields.enc, eph.public().to_uncompressed());
        // The next seal uses the next 32 bytes.
        rand_core::Rng::fill_bytes(&mut probe, &mut ikm);
        let ks = share(&mut s, KeyPurpose::Daily);
        let eph = crypto::hpke_derive_keypair(&ikm).unwrap();
        assert_eq!(ks.fields.enc, eph.public().to_uncompressed());
    }

    #[test]
    fn aad_layout() {
        let a =
            aad(KeyPurpose::Badge, 0x0102, &HealthOfficeId::from_array([3; 16]), &HealthOfficeId::from_array([4; 16]));
        let mut expected = vec![1u8, 1, 2];
        expected.extend_from_slice(&[3; 16]);
        expected.extend_from_slice(&[4; 16]);
        assert_eq!(a.as_slice(), expected.as_slice());
    }
}
