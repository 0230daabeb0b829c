//! A scanned legacy code: which format, read from which text encoding.

use crate::badge_qr::LegacyBadgeQr;
use crate::error::DecodeError;
use crate::guest_qr::{DEVICE_TYPE_BADGE, LegacyGuestQr, LegacyVersion};
use crate::text::{TextEncoding, candidates};

/// A decoded legacy QR code.
#[derive(Debug, PartialEq, Eq)]
pub enum LegacyCode {
    /// A v3 or v4 guest check-in code.
    Guest(LegacyGuestQr),
    /// A v3 or v4 static badge.
    Badge(LegacyBadgeQr),
}

impl LegacyCode {
    /// Decodes bytes: the version byte first, then the device type (2: a badge) picks the format.
    ///
    /// # Errors
    /// The format's [`DecodeError`].
    pub fn from_bytes(bytes: &[u8]) -> Result<Self, DecodeError> {
        let first = *bytes.first().ok_or(DecodeError::Empty)?;
        LegacyVersion::from_byte(first)?;
        if bytes.get(1) == Some(&DEVICE_TYPE_BADGE) {
            LegacyBadgeQr::from_bytes(bytes).map(Self::Badge)
        } else {
            LegacyGuestQr::from_bytes(bytes).map(Self::Guest)
        }
    }

    /// The format's name in reports (`legacy_guest_qr`, `legacy_badge_qr`).
    pub fn name(&self) -> &'static str {
        match self {
            Self::Guest(_) => "legacy_guest_qr",
            Self::Badge(_) => "legacy_badge_qr",
        }
    }
}

/// A legacy code read from scanned text.
#[derive(Debug, PartialEq, Eq)]
pub struct ScannedLegacyCode {
    /// The code.
    pub code: LegacyCode,
    /// The text encoding it arrived in.
    pub encoding: TextEncoding,
    /// Whether the German-keyboard fix was needed.
    pub keyboard_swapped: bool,
}

impl ScannedLegacyCode {
    /// Reads a scanned text as the original scanners did: each reading of [`candidates`] in turn, the
    /// first that decodes wins.
    ///
    /// # Errors
    /// [`DecodeError::Empty`], [`DecodeError::TooLong`], [`DecodeError::BadText`], or the decoding error
    /// of the first reading (as scanned, Base32 before Z85).
    pub fn from_text(text: &str) -> Result<Self, DecodeError> {
        let mut first_error = None;
        for reading in candidates(text)? {
            match LegacyCode::from_bytes(&reading.bytes) {
                Ok(code) => {
                    return Ok(Self { code, encoding: reading.encoding, keyboard_swapped: reading.keyboard_swapped });
                }
                Err(e) => {
                    first_error.get_or_insert(e);
                }
            }
        }
        Err(first_error.unwrap_or(DecodeError::BadText))
    }
}

/// Whether a scanned text has the shape of a legacy code (some reading starts with version 0x03 or
/// 0x04 and has a legacy length), for tools that dispatch between v1 and legacy codes.
pub fn looks_legacy(text: &str) -> bool {
    candidates(text).is_ok_and(|readings| {
        readings.iter().any(|r| {
            matches!(r.bytes.first(), Some(0x03 | 0x04))
                && (matches!(
                    r.bytes.len(),
                    LegacyGuestQr::V3_LENGTH | LegacyGuestQr::V4_LENGTH | LegacyBadgeQr::V4_LENGTH
                ) || (r.bytes.get(1) == Some(&DEVICE_TYPE_BADGE)
                    && r.bytes.len() <= crate::badge_qr::MAX_BADGE_QR_LEN))
        })
    })
}
