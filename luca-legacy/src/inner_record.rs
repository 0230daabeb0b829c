//! The inner check-in record a scanner of the original system sent (inside the venue's DLIES layer,
//! reference §4.5): 75 bytes.
//!
//! ```text
//! version (0x03 app, 0x04 badge) | key_id | ephemeral public key (33, compressed) | verification_tag (8) | enc_data (32)
//! ```
//! It carries no timestamp: the tag's minute is the check-in's `timestamp` of the surrounding JSON.
//! A version-0x03 record is a guest code's inner layer ([`crate::guest_qr`]) and opens with the daily key;
//! a version-0x04 record is a badge's (reference: "badges use version 0x03/0x04 accordingly"): its
//! `enc_data` is the badge's contact-data reference and opens with the badge key
//! (`badge_qr::open_badge_reference`, through [`crate::badge_qr`]).

use crate::crypto::EcPoint;
use crate::error::{DecodeError, OpenError};
use crate::guest_qr::{LegacyVersion, open_inner};
use crate::reader::Reader;
use crate::secret::{BadgePrivateKey, CheckInSecrets, DailyPrivateKey};

/// A decoded 75-byte inner check-in record.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LegacyInnerRecord {
    bytes: Vec<u8>,
    version: LegacyVersion,
    key_id: u8,
    ephemeral_public_key: [u8; 33],
    ephemeral: EcPoint,
    verification_tag: [u8; 8],
    enc_data: [u8; 32],
}

impl LegacyInnerRecord {
    /// The record's length.
    pub const LENGTH: usize = 75;

    /// Decodes a record: version first, then the exact length and the fields.
    ///
    /// # Errors
    /// [`DecodeError::Empty`], [`DecodeError::UnknownVersion`], [`DecodeError::WrongLength`],
    /// [`DecodeError::InvalidPoint`].
    pub fn from_bytes(bytes: &[u8]) -> Result<Self, DecodeError> {
        let first = *bytes.first().ok_or(DecodeError::Empty)?;
        let version = LegacyVersion::from_byte(first)?;
        if bytes.len() != Self::LENGTH {
            return Err(DecodeError::WrongLength { what: "inner_record", expected: Self::LENGTH, got: bytes.len() });
        }
        let mut r = Reader::new(bytes, "inner_record");
        r.byte()?;
        let key_id = r.byte()?;
        let ephemeral_public_key: [u8; 33] = r.array()?;
        let ephemeral = EcPoint::from_compressed(&ephemeral_public_key, "ephemeral_public_key")?;
        let verification_tag = r.array()?;
        let enc_data = r.array()?;
        r.finish()?;
        Ok(Self { bytes: bytes.to_vec(), version, key_id, ephemeral_public_key, ephemeral, verification_tag, enc_data })
    }

    /// The bytes exactly as they arrived.
    pub fn as_bytes(&self) -> &[u8] {
        &self.bytes
    }
    /// 0x03 (app) or 0x04 (badge).
    pub fn version(&self) -> LegacyVersion {
        self.version
    }
    /// The daily (or badge) key id.
    pub fn key_id(&self) -> u8 {
        self.key_id
    }
    /// The ephemeral public key, compressed SEC1.
    pub fn ephemeral_public_key(&self) -> &[u8; 33] {
        &self.ephemeral_public_key
    }
    /// The verification tag.
    pub fn verification_tag(&self) -> &[u8; 8] {
        &self.verification_tag
    }
    /// The encrypted user id and data secret.
    pub fn enc_data(&self) -> &[u8; 32] {
        &self.enc_data
    }

    /// Opens an app check-in (version 0x03) with the daily private key and checks the verification tag
    /// against the check-in's `timestamp` (Unix seconds, the minute of the QR code).
    ///
    /// # Errors
    /// [`OpenError`] for a badge record, a wrong key, a wrong timestamp or a tampered record.
    pub fn open(&self, daily_key: &DailyPrivateKey, timestamp: u32) -> Result<CheckInSecrets, OpenError> {
        if self.version != LegacyVersion::V3 {
            return Err(OpenError);
        }
        open_inner(
            daily_key,
            &self.ephemeral,
            &self.ephemeral_public_key,
            &self.enc_data,
            timestamp,
            &self.verification_tag,
        )
    }

    /// Opens a v4 badge check-in (version 0x04) with the badge private key: the badge's user id and data
    /// secret. The verification tag is keyed by the badge's verification key, which the office learns from
    /// the badge's contact data (`vs`): check it with [`Self::verify_badge_tag`].
    ///
    /// # Errors
    /// [`OpenError`] for an app record, or a wrong key (the reference does not authenticate the reference).
    pub fn open_badge(&self, badge_key: &BadgePrivateKey) -> Result<CheckInSecrets, OpenError> {
        if self.version != LegacyVersion::V4 {
            return Err(OpenError);
        }
        crate::badge_qr::open_badge_reference(
            badge_key,
            &self.ephemeral,
            &self.ephemeral_public_key,
            &self.enc_data,
            LegacyVersion::V4,
        )
    }

    /// Checks a badge record's verification tag, `HMAC-SHA256(verification_key, timestamp_le ‖ enc_data)[0..8]`
    /// (INFERRED from the app's tag, §3.3, with the badge's verification key).
    pub fn verify_badge_tag(&self, verification_key: &crate::secret::BadgeVerificationKey, timestamp: u32) -> bool {
        let t =
            crate::crypto::hmac_sha256(verification_key.expose_secret(), &[&timestamp.to_le_bytes(), &self.enc_data]);
        crate::crypto::ct_eq(&crate::reader::part::<0, 8, 32>(&t), &self.verification_tag)
    }
}
