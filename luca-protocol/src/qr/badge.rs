//! The static badge QR code (guests without a phone), and the dispatch of a
//! scanned QR text to the guest or badge decoder.

use core::fmt;

use crate::error::DecodeError;
use crate::qr::base32;
use crate::signed::badge_attestation::{BadgeAttestation, BadgeAttestationIn};

/// The type/version byte of a badge QR, protocol version 1.
pub const BADGE_QR_TYPE_V1: u8 = 0x11;

/// The static QR code printed on a badge.
///
/// | offset | length | field |
/// |---:|---:|---|
/// | 0 | 1 | `qr_type_version` = `0x11` (badge, protocol version 1) |
/// | 1 | 1..=512 | the badge attestation: the exact COSE_Sign1 bytes of a [`BadgeAttestation`] |
///
/// Text form: RFC 4648 Base32, uppercase, no padding (as the guest QR), so a
/// scanner reads both with the same alphanumeric QR mode.
///
/// Size cap: [`MAX_LEN`](Self::MAX_LEN) = 513 bytes, text
/// [`MAX_TEXT_LEN`](Self::MAX_TEXT_LEN) = 821 characters.
///
/// Decoding ([`from_bytes`](Self::from_bytes)), in order:
/// 1. length ≤ 513, else [`DecodeError::TooLong`]; not empty, else [`DecodeError::Truncated`];
/// 2. `qr_type_version` = `0x11`, else [`DecodeError::UnsupportedVersion`];
/// 3. the rest decodes as a [`BadgeAttestationIn`] (its own rules, e.g.
///    [`DecodeError::Truncated`] for no attestation bytes at all).
///
/// [`from_base32`](Self::from_base32) first rejects text longer than 821
/// characters ([`DecodeError::TooLong`]) and non-canonical Base32
/// ([`DecodeError::InvalidBase32`]). The attestation is **not** verified here:
/// a scanner calls [`BadgeAttestationIn::verify`] with the registrar
/// certificate on [`attestation`](Self::attestation) /
/// [`into_attestation`](Self::into_attestation).
pub struct BadgeQr {
    raw: Vec<u8>,
    attestation: Box<BadgeAttestationIn>,
}

impl BadgeQr {
    /// Size cap of the binary payload: type byte plus [`BadgeAttestation::MAX_LEN`].
    pub const MAX_LEN: usize = 513;
    /// Size cap of the Base32 text: `ceil(513 · 8 / 5)`.
    pub const MAX_TEXT_LEN: usize = base32::MAX_SCANNED_TEXT_LEN;

    /// The badge QR of a (freshly issued) attestation.
    ///
    /// # Errors
    /// Only if the attestation's bytes did not decode again, which they do for
    /// any [`BadgeAttestation`] (re-parsing is how the unverified view is made).
    pub fn new(attestation: &BadgeAttestation) -> Result<Self, DecodeError> {
        let mut raw = Vec::with_capacity(attestation.as_bytes().len().saturating_add(1));
        raw.push(BADGE_QR_TYPE_V1);
        raw.extend_from_slice(attestation.as_bytes());
        Self::from_bytes(&raw)
    }

    /// Parses the binary payload (rules in the type documentation).
    ///
    /// # Errors
    /// [`DecodeError::TooLong`], [`DecodeError::Truncated`],
    /// [`DecodeError::UnsupportedVersion`], or the attestation's decoding errors.
    pub fn from_bytes(bytes: &[u8]) -> Result<Self, DecodeError> {
        if bytes.len() > Self::MAX_LEN {
            return Err(DecodeError::TooLong { max: Self::MAX_LEN, got: bytes.len() });
        }
        let (version, rest) = bytes.split_first().ok_or(DecodeError::Truncated)?;
        if *version != BADGE_QR_TYPE_V1 {
            return Err(DecodeError::UnsupportedVersion { got: u64::from(*version) });
        }
        let attestation = Box::new(BadgeAttestationIn::from_slice(rest)?);
        Ok(Self { raw: bytes.to_vec(), attestation })
    }

    /// Parses the Base32 text of a badge QR.
    ///
    /// # Errors
    /// [`DecodeError::TooLong`] (text over 821 characters), [`DecodeError::InvalidBase32`],
    /// then as [`from_bytes`](Self::from_bytes).
    pub fn from_base32(text: &str) -> Result<Self, DecodeError> {
        if text.len() > Self::MAX_TEXT_LEN {
            return Err(DecodeError::TooLong { max: Self::MAX_TEXT_LEN, got: text.len() });
        }
        Self::from_bytes(&base32::decode(text)?)
    }

    /// The binary payload (`0x11 ‖ attestation`).
    pub fn as_bytes(&self) -> &[u8] {
        &self.raw
    }

    /// A copy of the binary payload.
    pub fn to_bytes(&self) -> Vec<u8> {
        self.raw.clone()
    }

    /// The Base32 text (uppercase, no padding).
    pub fn to_base32(&self) -> String {
        base32::encode(&self.raw)
    }

    /// The attestation, not yet verified.
    pub fn attestation(&self) -> &BadgeAttestationIn {
        &self.attestation
    }

    /// The attestation, not yet verified, by value (to call [`BadgeAttestationIn::verify`]).
    pub fn into_attestation(self) -> BadgeAttestationIn {
        *self.attestation
    }
}

impl PartialEq for BadgeQr {
    fn eq(&self, other: &Self) -> bool {
        self.raw == other.raw
    }
}

impl Eq for BadgeQr {}

impl fmt::Debug for BadgeQr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("BadgeQr").field("attestation", &self.attestation).finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::derive;
    use crate::error::VerifyError;
    use crate::ids::{BadgeKeyId, RegistrarId};
    use crate::keys::{BadgePrivateKey, RegistrarKey, TrustAnchorKey};
    use crate::secrets::BadgeSeed;
    use crate::signed::registrar_certificate::{RegistrarCertificate, RegistrarCertificateIn};
    use crate::time::{UnixTime, Validity};
    use qrcode::{EcLevel, QrCode, Version};
    use rand_chacha::ChaCha20Rng;
    use rand_core::SeedableRng;

    const NOW: UnixTime = UnixTime(1_795_942_800);

    struct Fx {
        registrar: RegistrarCertificate,
        badge_sk: BadgePrivateKey,
        attestation: BadgeAttestation,
        secrets: derive::BadgeSecrets,
    }

    fn fx(seed: u64) -> Fx {
        let mut rng = ChaCha20Rng::seed_from_u64(seed);
        let anchor = TrustAnchorKey::generate(&mut rng);
        let reg_key = RegistrarKey::generate(&mut rng);
        let reg_id = RegistrarId::random(&mut rng);
        let validity = Validity { not_before: NOW.minus_secs(86_400), not_after: NOW.plus_secs(365 * 86_400) };
        let cert = RegistrarCertificate::issue(&anchor, reg_id, "Registrar", &reg_key.public_key(), validity).unwrap();
        let registrar =
            RegistrarCertificateIn::from_slice(cert.as_bytes()).unwrap().verify(&anchor.public_key(), NOW).unwrap();
        let badge_sk = BadgePrivateKey::generate(&mut rng);
        let seed = BadgeSeed::random(&mut rng);
        let secrets = derive::badge_secrets(&seed).unwrap();
        let attestation = BadgeAttestation::issue(
            &mut rng,
            &reg_key,
            reg_id,
            BadgeKeyId(3),
            &badge_sk.public_key(),
            &secrets,
            NOW.minus_secs(60),
        )
        .unwrap();
        Fx { registrar, badge_sk, attestation, secrets }
    }

    #[test]
    fn round_trip_verify_open() {
        let f = fx(1);
        let qr = BadgeQr::new(&f.attestation).unwrap();
        assert_eq!(qr.as_bytes()[0], 0x11);
        assert_eq!(&qr.as_bytes()[1..], f.attestation.as_bytes());
        let text = qr.to_base32();
        let parsed = BadgeQr::from_base32(&text).unwrap();
        assert_eq!(parsed, qr);
        assert_eq!(BadgeQr::from_bytes(&qr.to_bytes()).unwrap(), qr);
        assert_eq!(parsed.attestation().trace_key(), f.secrets.trace_key);
        let verified = parsed.into_attestation().verify(&f.registrar, NOW).unwrap();
        let (uid, ds) = verified.open(&f.badge_sk).unwrap();
        assert_eq!(uid, f.secrets.user_id);
        assert_eq!(ds, f.secrets.data_secret);
    }

    #[test]
    fn decode_errors() {
        let f = fx(2);
        let qr = BadgeQr::new(&f.attestation).unwrap();
        let b = qr.to_bytes();
        assert_eq!(BadgeQr::from_bytes(&[]).unwrap_err(), DecodeError::Truncated);
        assert_eq!(BadgeQr::from_bytes(&[0x11]).unwrap_err(), DecodeError::Truncated);
        let mut v = b.clone();
        v[0] = 0x12;
        assert_eq!(BadgeQr::from_bytes(&v).unwrap_err(), DecodeError::UnsupportedVersion { got: 0x12 });
        v[0] = 0x01;
        assert_eq!(BadgeQr::from_bytes(&v).unwrap_err(), DecodeError::UnsupportedVersion { got: 0x01 });
        let mut trailing = b.clone();
        trailing.push(0);
        assert_eq!(BadgeQr::from_bytes(&trailing).unwrap_err(), DecodeError::TrailingBytes);
        assert_eq!(BadgeQr::from_bytes(&b[..b.len() - 1]).unwrap_err(), DecodeError::Truncated);
        let big = vec![0x11; 514];
        assert_eq!(BadgeQr::from_bytes(&big).unwrap_err(), DecodeError::TooLong { max: 513, got: 514 });
        assert_eq!(BadgeQr::from_base32(&"A".repeat(822)).unwrap_err(), DecodeError::TooLong { max: 821, got: 822 });
        assert_eq!(BadgeQr::from_base32(&format!("{}=", qr.to_base32())).unwrap_err(), DecodeError::InvalidBase32);
    }

    #[test]
    fn tampered_attestation_fails_verification() {
        let f = fx(3);
        let mut b = BadgeQr::new(&f.attestation).unwrap().to_bytes();
        let last = b.len() - 1;
        b[last] ^= 0x01; // a signature byte
        let qr = BadgeQr::from_bytes(&b).unwrap();
        assert_eq!(qr.into_attestation().verify(&f.registrar, NOW).unwrap_err(), VerifyError::BadSignature);
        let other = fx(4);
        let qr = BadgeQr::new(&f.attestation).unwrap();
        assert_eq!(qr.into_attestation().verify(&other.registrar, NOW).unwrap_err(), VerifyError::WrongIssuer);
    }

    #[test]
    fn renders_as_alphanumeric_qr() {
        let f = fx(5);
        let text = BadgeQr::new(&f.attestation).unwrap().to_base32();
        assert!(text.len() <= BadgeQr::MAX_TEXT_LEN);
        let code = QrCode::with_error_correction_level(text.as_bytes(), EcLevel::M).unwrap();
        let Version::Normal(v) = code.version() else { panic!("micro") };
        assert!(v <= 15, "badge QR version {v}");
    }
}
