//! # luca-legacy — the original luca system's formats, read-only
//!
//! The luca system of 2021 left check-ins, badges and codes in the field. This crate reads them, for
//! auditors comparing the two systems and health offices reading old data. It never produces a legacy
//! format (only its own tests do), and nothing of protocol v1 calls it. Its decoders follow v1's rules:
//! size cap first, version first, exact lengths, specific errors, no panics; its secrets are zeroized,
//! redacted and compared in constant time. The formats are those of
//! `luca-protocol`'s reference digest (§1, §3, §4 of the original system's description); where that
//! reference marks a detail INFERRED, the item's documentation says so.
//!
//! Which type do I use?
//!
//! | you have | use |
//! |---|---|
//! | a scanned text (Base32 or Z85, perhaps typed on a German keyboard) | [`ScannedLegacyCode::from_text`] → [`LegacyCode`] |
//! | a v3/v4 guest code and a daily private key | [`LegacyGuestQr::open`] → [`CheckInSecrets`] |
//! | a scanner's check-in upload (JSON) and the venue key | [`LegacyCheckInRecord::from_json`] → [`LegacyCheckInRecord::open`] → [`LegacyInnerRecord`] |
//! | a 75-byte inner check-in record | [`LegacyInnerRecord::from_bytes`], [`LegacyInnerRecord::open`] (app), [`LegacyInnerRecord::open_badge`] |
//! | a check-in's additional data (JSON) and the venue key | [`LegacyAdditionalData::from_json`] → [`LegacyAdditionalData::open`] |
//! | a printed venue or private-meeting URL | [`LegacyVenueQr::from_url`] |
//! | a badge QR | [`LegacyBadgeQr`]: [`verify_attestation`](LegacyBadgeQr::verify_attestation), [`open`](LegacyBadgeQr::open), [`tracing_secrets`](LegacyBadgeQr::tracing_secrets) |
//! | a printed badge serial number | [`LegacyBadgeSerial::parse`] → [`LegacyBadgeSerial::secrets`] |
//! | encrypted contact data and the data secret | [`decrypt_contact_data`] → [`LegacyContactData`]; [`verify_contact_signature`] |
//! | a tracing secret, or a notification list | [`trace_id`], [`hashed_trace_id_v3`], [`hashed_trace_id_v4`] |
//!
//! ```
//! use luca_legacy::{ScannedLegacyCode, LegacyCode, DecodeError};
//!
//! // Not a legacy code: Base32 of a v1 guest code's first bytes, wrong version.
//! assert_eq!(ScannedLegacyCode::from_text("AE").unwrap_err(), DecodeError::UnknownVersion(0x01));
//! // The published trace-id vector of the original Android app (reference §3.1).
//! let secret = luca_legacy::TracingSecret::from_slice(&[
//!     0x75, 0x9a, 0xc3, 0x4a, 0x9f, 0x37, 0x3c, 0x27, 0x15, 0x2f, 0x96, 0x6f, 0xb0, 0x9c, 0xa9, 0xc0,
//! ])?;
//! let user = luca_legacy::UserId::from_bytes([
//!     0x02, 0xfb, 0x63, 0x5c, 0xf6, 0xa5, 0x48, 0xeb, 0x83, 0x79, 0xa8, 0x3d, 0x61, 0x16, 0x18, 0xf2,
//! ]);
//! let id = luca_legacy::trace_id(&secret, &user, 1_601_481_600);
//! assert_eq!(id[..4], [0x67, 0x46, 0xb0, 0xfa]);
//! # let _ = LegacyCode::from_bytes;
//! # Ok::<(), DecodeError>(())
//! ```

mod crypto;
mod reader;

pub mod badge;
pub mod badge_qr;
pub mod checkin_record;
pub mod code;
pub mod contact_data;
pub mod dlies;
pub mod error;
pub mod guest_qr;
pub mod inner_record;
pub mod secret;
pub mod text;
pub mod trace;
pub mod venue_qr;

pub use badge::{BadgeRevision, BadgeSecrets, BadgeTracingSecrets, LegacyBadgeSerial};
pub use badge_qr::{AttestationForm, BadgeAttestation, LegacyBadgeQr};
pub use checkin_record::{LegacyAdditionalData, LegacyCheckInRecord};
pub use code::{LegacyCode, ScannedLegacyCode, looks_legacy};
pub use contact_data::{ContactOwner, LegacyContactData, decrypt_contact_data, verify_contact_signature};
pub use dlies::DliesCiphertext;
pub use error::{ContactDataError, DecodeError, OpenError, SerialError, SignatureError};
pub use guest_qr::{DeviceType, LegacyGuestQr, LegacyVersion};
pub use inner_record::LegacyInnerRecord;
pub use secret::{
    BadgeDataKey, BadgePrivateKey, BadgeSigningKey, BadgeVerificationKey, CheckInSecrets, DailyPrivateKey, DataSecret,
    SerialEntropy, TracingSecret, TracingSeed, UserId, VenuePrivateKey,
};
pub use text::TextEncoding;
pub use trace::{hashed_trace_id_v3, hashed_trace_id_v4, trace_id};
pub use venue_qr::{LegacyVenueKind, LegacyVenueQr};

/// Raw P-256 ECDH as the original system used it (the 32-byte x-coordinate), exposed for the published
/// ECDH vector (reference §6.2) and for auditors: `private_key` a 32-byte scalar, `public_key` 65 bytes
/// uncompressed SEC1.
///
/// # Errors
/// [`DecodeError`] for a key that does not decode.
pub fn ecdh_x_coordinate(private_key: &[u8], public_key: &[u8]) -> Result<zeroize::Zeroizing<[u8; 32]>, DecodeError> {
    let sk = crypto::EcSecret::from_slice(private_key, "private_key")?;
    let pk = crypto::EcPoint::from_uncompressed(public_key, "public_key")?;
    Ok(sk.ecdh_x(&pk))
}
