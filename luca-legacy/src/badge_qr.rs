//! The static badge QR of the original system (reference §4.3), Z85 text.
//!
//! ```text
//! v3:  0x03 | 0x02 | key_id | tracing_seed (16) | enc_ref (32) | ephemeral key (33, compressed)
//!      | sig_len (1) | signature (DER, sig_len bytes) | pad_len (1) | padding (pad_len) | checksum (4)
//! v4:  0x04 | 0x02 | key_id | tracing_seed (16) | enc_ref (32) | ephemeral key (33, compressed)
//!      | attestation (64, IEEE P1363) | checksum (4)                                   = 152 bytes
//! checksum = SHA256(every preceding byte)[0..4]
//! enc_ref  = AES-CTR(key = HMAC-SHA256(key = iv, msg = dh), iv = ephemeral key[0..16], user_id ‖ data_secret)
//!            v4: AES-128 with the HMAC's first 16 bytes; v3: AES-256 with all 32 (INFERRED, §3.5)
//! ```
//! The attestation is the operator's signature: v4 over `user_id ‖ enc_ref` (P1363); v3 over `enc_ref`
//! with the v3 key, or ("v3b") over `SHA256(enc_ref ‖ ephemeral key)` with the v4 key (DER).

use crate::badge::{BadgeRevision, BadgeTracingSecrets};
use crate::crypto::{self, EcPoint};
use crate::error::{DecodeError, OpenError, SignatureError};
use crate::guest_qr::{DEVICE_TYPE_BADGE, LegacyVersion};
use crate::reader::{Reader, check_checksum, part};
use crate::secret::{BadgePrivateKey, CheckInSecrets, DataSecret, TracingSeed, UserId};

/// The longest v3 badge QR: 88 bytes of fields, a DER signature of at most 72 bytes, 255 bytes of padding.
pub const MAX_BADGE_QR_LEN: usize = 88 + 72 + 1 + 255 + 4;

/// The attestation signature of a badge QR.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum BadgeAttestation {
    /// v3: DER-encoded.
    Der(Vec<u8>),
    /// v4: IEEE P1363, `r ‖ s`.
    P1363([u8; 64]),
}

/// Which attestation form verified.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AttestationForm {
    /// v3: over `enc_ref`.
    V3,
    /// v3b: over `SHA256(enc_ref ‖ ephemeral key)`.
    V3b,
    /// v4: over `user_id ‖ enc_ref`.
    V4,
}

/// A decoded v3 or v4 badge QR (checksum checked, ephemeral key on the curve).
#[derive(Debug, PartialEq, Eq)]
pub struct LegacyBadgeQr {
    bytes: Vec<u8>,
    version: LegacyVersion,
    key_id: u8,
    tracing_seed: TracingSeed,
    enc_ref: [u8; 32],
    ephemeral_public_key: [u8; 33],
    ephemeral: EcPoint,
    attestation: BadgeAttestation,
    padding_len: usize,
}

impl LegacyBadgeQr {
    /// Length of a v4 badge QR.
    pub const V4_LENGTH: usize = 152;

    /// Decodes the bytes of a badge QR: size cap, version, device type, exact lengths, checksum, fields.
    ///
    /// # Errors
    /// [`DecodeError::Empty`], [`DecodeError::TooLong`], [`DecodeError::UnknownVersion`],
    /// [`DecodeError::InvalidField`] (`device_type`, `signature`), [`DecodeError::WrongLength`],
    /// [`DecodeError::BadChecksum`], [`DecodeError::InvalidPoint`].
    pub fn from_bytes(bytes: &[u8]) -> Result<Self, DecodeError> {
        if bytes.len() > MAX_BADGE_QR_LEN {
            return Err(DecodeError::TooLong { max: MAX_BADGE_QR_LEN, got: bytes.len() });
        }
        let first = *bytes.first().ok_or(DecodeError::Empty)?;
        let version = LegacyVersion::from_byte(first)?;
        if bytes.get(1) != Some(&DEVICE_TYPE_BADGE) {
            return Err(DecodeError::InvalidField("device_type"));
        }
        if version == LegacyVersion::V4 && bytes.len() != Self::V4_LENGTH {
            return Err(DecodeError::WrongLength { what: "badge_qr", expected: Self::V4_LENGTH, got: bytes.len() });
        }
        let (body, _) = check_checksum(bytes, "badge_qr")?;
        let mut r = Reader::new(body, "badge_qr");
        r.array::<2>()?;
        let key_id = r.byte()?;
        let tracing_seed: [u8; 16] = r.array()?;
        let tracing_seed = TracingSeed::new_with(|b| *b = tracing_seed);
        let enc_ref = r.array()?;
        let ephemeral_public_key: [u8; 33] = r.array()?;
        let ephemeral = EcPoint::from_compressed(&ephemeral_public_key, "ephemeral_public_key")?;
        let (attestation, padding_len) = match version {
            LegacyVersion::V4 => (BadgeAttestation::P1363(r.array()?), 0),
            LegacyVersion::V3 => {
                let sig_len = usize::from(r.byte()?);
                if !(8..=72).contains(&sig_len) {
                    return Err(DecodeError::InvalidField("signature"));
                }
                let sig = r.slice(sig_len)?.to_vec();
                let pad_len = usize::from(r.byte()?);
                r.slice(pad_len)?;
                (BadgeAttestation::Der(sig), pad_len)
            }
        };
        r.finish()?;
        Ok(Self {
            bytes: bytes.to_vec(),
            version,
            key_id,
            tracing_seed,
            enc_ref,
            ephemeral_public_key,
            ephemeral,
            attestation,
            padding_len,
        })
    }

    /// The bytes exactly as they arrived.
    pub fn as_bytes(&self) -> &[u8] {
        &self.bytes
    }
    /// v3 or v4.
    pub fn version(&self) -> LegacyVersion {
        self.version
    }
    /// The badge revision (v3 or v4 derivations).
    pub fn revision(&self) -> BadgeRevision {
        match self.version {
            LegacyVersion::V3 => BadgeRevision::V3,
            LegacyVersion::V4 => BadgeRevision::V4,
        }
    }
    /// The badge key id.
    pub fn key_id(&self) -> u8 {
        self.key_id
    }
    /// The tracing seed (secret: it derives the badge's user id and trace ids).
    pub fn tracing_seed(&self) -> &TracingSeed {
        &self.tracing_seed
    }
    /// The encrypted contact-data reference (user id ‖ data secret).
    pub fn enc_ref(&self) -> &[u8; 32] {
        &self.enc_ref
    }
    /// The ephemeral public key, compressed SEC1.
    pub fn ephemeral_public_key(&self) -> &[u8; 33] {
        &self.ephemeral_public_key
    }
    /// The operator's attestation signature.
    pub fn attestation(&self) -> &BadgeAttestation {
        &self.attestation
    }
    /// v3: the number of padding bytes.
    pub fn padding_len(&self) -> usize {
        self.padding_len
    }

    /// What the tracing seed derives: the user id, verification key and tracing secret, as the original
    /// scanners computed them.
    pub fn tracing_secrets(&self) -> BadgeTracingSecrets {
        BadgeTracingSecrets::from_seed(self.revision(), &self.tracing_seed)
    }

    /// Verifies the attestation with the operator's badge attestation key (uncompressed SEC1, 65 bytes):
    /// v4 over `user_id ‖ enc_ref`; v3 over `enc_ref`, else as v3b.
    ///
    /// # Errors
    /// [`DecodeError`] for a key that is not a P-256 point; [`SignatureError`] if no form verifies.
    pub fn verify_attestation(
        &self,
        attestation_key: &[u8],
    ) -> Result<Result<AttestationForm, SignatureError>, DecodeError> {
        let key = EcPoint::from_uncompressed(attestation_key, "attestation_key")?;
        Ok(match &self.attestation {
            BadgeAttestation::P1363(sig) => {
                let user_id: UserId = self.tracing_secrets().user_id;
                if key.verify_p1363(&[user_id.as_bytes().as_slice(), &self.enc_ref].concat(), sig) {
                    Ok(AttestationForm::V4)
                } else {
                    Err(SignatureError)
                }
            }
            BadgeAttestation::Der(sig) => {
                if key.verify_der(&self.enc_ref, sig) {
                    Ok(AttestationForm::V3)
                } else if key.verify_der(&crypto::sha256(&[&self.enc_ref, &self.ephemeral_public_key]), sig) {
                    Ok(AttestationForm::V3b)
                } else {
                    Err(SignatureError)
                }
            }
        })
    }

    /// Opens the contact-data reference with the badge private key `key_id`.
    ///
    /// # Errors
    /// [`OpenError`] if the user id found is not the one the tracing seed derives (a wrong key or a
    /// tampered code: the reference has no MAC, the seed is the check).
    pub fn open(&self, badge_key: &BadgePrivateKey) -> Result<CheckInSecrets, OpenError> {
        let opened =
            open_badge_reference(badge_key, &self.ephemeral, &self.ephemeral_public_key, &self.enc_ref, self.version)?;
        if opened.user_id != self.tracing_secrets().user_id {
            return Err(OpenError);
        }
        Ok(opened)
    }
}

/// Decrypts a badge's contact-data reference (no authentication of its own).
pub(crate) fn open_badge_reference(
    key: &BadgePrivateKey,
    ephemeral: &EcPoint,
    ephemeral_compressed: &[u8; 33],
    enc_ref: &[u8; 32],
    version: LegacyVersion,
) -> Result<CheckInSecrets, OpenError> {
    let dh = key.0.ecdh_x(ephemeral);
    let iv = part::<0, 16, 33>(ephemeral_compressed);
    let k = crypto::hmac_sha256(&iv, &[dh.as_slice()]);
    let mut plain = zeroize::Zeroizing::new(*enc_ref);
    match version {
        LegacyVersion::V4 => crypto::aes128_ctr(&part::<0, 16, 32>(&k), &iv, plain.as_mut_slice()),
        LegacyVersion::V3 => crypto::aes256_ctr(&k, &iv, plain.as_mut_slice()),
    }
    Ok(CheckInSecrets {
        user_id: UserId::from_bytes(part::<0, 16, 32>(&plain)),
        data_secret: DataSecret::new_with(|b| *b = part::<16, 16, 32>(&plain)),
    })
}
