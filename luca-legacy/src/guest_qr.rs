//! The guest check-in QR of the original apps: protocol v3 (100 bytes) and v4 (101 bytes).
//!
//! ```text
//! v3:  version=0x03 | device_type | key_id | timestamp (u32 LE) | trace_id (16) | enc_data (32)
//!      | ephemeral public key (33, compressed) | verification_tag (8) | checksum (4)
//! v4:  version=0x04 | device_type | entry_policy | key_id | ... as v3 ...              (one byte longer)
//! checksum = SHA256(every preceding byte)[0..4]
//! ```
//! (reference §4.1, §4.2). The inner layer `enc_data` is `AES-128-CTR(SHA256(dh ‖ 0x01)[0..16],
//! iv = ephemeral key (compressed)[0..16], user_id ‖ data_secret)` with `dh` the ECDH x-coordinate of
//! the ephemeral key and the daily key `key_id`; the verification tag is
//! `HMAC-SHA256(SHA256(data_secret ‖ 0x02), timestamp_le ‖ enc_data)[0..8]` (§3.3).

use crate::crypto::{self, EcPoint};
use crate::error::{DecodeError, OpenError};
use crate::reader::{Reader, check_checksum, part};
use crate::secret::{CheckInSecrets, DailyPrivateKey};

/// The original protocol versions.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LegacyVersion {
    /// Protocol v3 (Android ≤ 2.1, iOS 1.x, web app).
    V3,
    /// Protocol v4 (Android ≥ 2.2.0).
    V4,
}

impl LegacyVersion {
    /// From the version byte.
    pub fn from_byte(b: u8) -> Result<Self, DecodeError> {
        match b {
            0x03 => Ok(Self::V3),
            0x04 => Ok(Self::V4),
            other => Err(DecodeError::UnknownVersion(other)),
        }
    }

    /// The version byte.
    pub fn byte(self) -> u8 {
        match self {
            Self::V3 => 0x03,
            Self::V4 => 0x04,
        }
    }
}

/// The device that made a guest code (`device_type`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DeviceType {
    /// 0: the iOS app.
    Ios,
    /// 1: the Android app.
    Android,
    /// 3: the web app.
    WebApp,
    /// 4: the contact form.
    ContactForm,
}

impl DeviceType {
    /// The device type byte of a guest code (2, a static badge, is a [`crate::badge_qr::LegacyBadgeQr`]).
    pub fn from_byte(b: u8) -> Result<Self, DecodeError> {
        match b {
            0 => Ok(Self::Ios),
            1 => Ok(Self::Android),
            3 => Ok(Self::WebApp),
            4 => Ok(Self::ContactForm),
            _ => Err(DecodeError::InvalidField("device_type")),
        }
    }

    /// The name in reports.
    pub fn name(self) -> &'static str {
        match self {
            Self::Ios => "ios",
            Self::Android => "android",
            Self::WebApp => "web_app",
            Self::ContactForm => "contact_form",
        }
    }
}

/// The number of daily keys of the original system (key ids `0..28`).
pub const DAILY_KEY_IDS: u8 = 28;

/// The device type byte of a static badge (a badge QR has it where a guest code has its device type).
pub const DEVICE_TYPE_BADGE: u8 = 2;

/// A decoded v3 or v4 guest check-in QR (checksum checked, ephemeral key on the curve).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LegacyGuestQr {
    bytes: Vec<u8>,
    version: LegacyVersion,
    device_type: DeviceType,
    entry_policy: Option<u8>,
    key_id: u8,
    timestamp: u32,
    trace_id: [u8; 16],
    enc_data: [u8; 32],
    ephemeral_public_key: [u8; 33],
    ephemeral: EcPoint,
    verification_tag: [u8; 8],
    checksum: [u8; 4],
}

impl LegacyGuestQr {
    /// Length of a v3 code.
    pub const V3_LENGTH: usize = 100;
    /// Length of a v4 code.
    pub const V4_LENGTH: usize = 101;

    /// Decodes the bytes of a code: version first, then the exact length, the checksum, the fields.
    ///
    /// # Errors
    /// [`DecodeError::Empty`], [`DecodeError::UnknownVersion`], [`DecodeError::WrongLength`],
    /// [`DecodeError::BadChecksum`], [`DecodeError::InvalidField`] (`device_type`, `entry_policy`,
    /// `key_id`), [`DecodeError::InvalidPoint`].
    pub fn from_bytes(bytes: &[u8]) -> Result<Self, DecodeError> {
        let first = *bytes.first().ok_or(DecodeError::Empty)?;
        let version = LegacyVersion::from_byte(first)?;
        let expected = match version {
            LegacyVersion::V3 => Self::V3_LENGTH,
            LegacyVersion::V4 => Self::V4_LENGTH,
        };
        if bytes.len() != expected {
            return Err(DecodeError::WrongLength { what: "guest_qr", expected, got: bytes.len() });
        }
        let (body, checksum) = check_checksum(bytes, "guest_qr")?;
        let mut r = Reader::new(body, "guest_qr");
        r.byte()?;
        let device_type = DeviceType::from_byte(r.byte()?)?;
        let entry_policy = match version {
            LegacyVersion::V3 => None,
            LegacyVersion::V4 => {
                let p = r.byte()?;
                if p & !0x3f != 0 {
                    return Err(DecodeError::InvalidField("entry_policy"));
                }
                Some(p)
            }
        };
        let key_id = r.byte()?;
        if key_id >= DAILY_KEY_IDS {
            return Err(DecodeError::InvalidField("key_id"));
        }
        let timestamp = u32::from_le_bytes(r.array()?);
        let trace_id = r.array()?;
        let enc_data = r.array()?;
        let ephemeral_public_key: [u8; 33] = r.array()?;
        let ephemeral = EcPoint::from_compressed(&ephemeral_public_key, "ephemeral_public_key")?;
        let verification_tag = r.array()?;
        r.finish()?;
        Ok(Self {
            bytes: bytes.to_vec(),
            version,
            device_type,
            entry_policy,
            key_id,
            timestamp,
            trace_id,
            enc_data,
            ephemeral_public_key,
            ephemeral,
            verification_tag,
            checksum,
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
    /// The device that made it.
    pub fn device_type(&self) -> DeviceType {
        self.device_type
    }
    /// v4 only: the entry-policy flags (0x01 not shared, 0x02 quick test, 0x04 PCR, 0x08 recovered,
    /// 0x10 vaccinated, 0x20 boostered).
    pub fn entry_policy(&self) -> Option<u8> {
        self.entry_policy
    }
    /// The daily key id (`0..28`).
    pub fn key_id(&self) -> u8 {
        self.key_id
    }
    /// The check-in minute, Unix seconds.
    pub fn timestamp(&self) -> u32 {
        self.timestamp
    }
    /// The trace id.
    pub fn trace_id(&self) -> &[u8; 16] {
        &self.trace_id
    }
    /// The encrypted user id and data secret.
    pub fn enc_data(&self) -> &[u8; 32] {
        &self.enc_data
    }
    /// The ephemeral public key, compressed SEC1.
    pub fn ephemeral_public_key(&self) -> &[u8; 33] {
        &self.ephemeral_public_key
    }
    /// The verification tag.
    pub fn verification_tag(&self) -> &[u8; 8] {
        &self.verification_tag
    }
    /// The checksum (checked).
    pub fn checksum(&self) -> &[u8; 4] {
        &self.checksum
    }

    /// Opens the inner layer with the daily private key `key_id` and checks the verification tag.
    ///
    /// # Errors
    /// [`OpenError`] for a wrong key or a tampered code (one opaque error).
    pub fn open(&self, daily_key: &DailyPrivateKey) -> Result<CheckInSecrets, OpenError> {
        open_inner(
            daily_key,
            &self.ephemeral,
            &self.ephemeral_public_key,
            &self.enc_data,
            self.timestamp,
            &self.verification_tag,
        )
    }
}

/// The inner layer shared by the guest QR and the v3 check-in record (§3.3).
pub(crate) fn open_inner(
    key: &DailyPrivateKey,
    ephemeral: &EcPoint,
    ephemeral_compressed: &[u8; 33],
    enc_data: &[u8; 32],
    timestamp: u32,
    tag: &[u8; 8],
) -> Result<CheckInSecrets, OpenError> {
    let dh = key.0.ecdh_x(ephemeral);
    let aes_key = zeroize::Zeroizing::new(part::<0, 16, 32>(&crypto::sha256(&[dh.as_slice(), &[0x01]])));
    let mut plain = zeroize::Zeroizing::new(*enc_data);
    crypto::aes128_ctr(&aes_key, &part::<0, 16, 33>(ephemeral_compressed), plain.as_mut_slice());
    let user_id = part::<0, 16, 32>(&plain);
    let data_secret = crate::secret::DataSecret::new_with(|b| *b = part::<16, 16, 32>(&plain));
    let auth_key = zeroize::Zeroizing::new(crypto::sha256(&[data_secret.expose_secret(), &[0x02]]));
    let expected = crypto::hmac_sha256(auth_key.as_slice(), &[&timestamp.to_le_bytes(), enc_data]);
    if !crypto::ct_eq(&part::<0, 8, 32>(&expected), tag) {
        return Err(OpenError);
    }
    Ok(CheckInSecrets { user_id: crate::secret::UserId::from_bytes(user_id), data_secret })
}
