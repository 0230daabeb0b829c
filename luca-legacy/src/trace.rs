//! Trace ids and the hashed trace ids of access notifications (reference §3.1, §3.4).
//!
//! ```text
//! trace_id    = HMAC-SHA256(tracing_secret, user_id ‖ u32le(floor(t / 60) · 60))[0..16]
//! v3 hashed   = HMAC-SHA256(health_office_id, trace_id)[0..16]
//! v4 hashed   = HMAC-SHA256(trace_id, health_office_id ‖ u8(warning_level))[0..length]
//! ```
//! (`user_id` and `health_office_id` as the 16 bytes of their UUIDs.)

use crate::crypto;
use crate::error::DecodeError;
use crate::reader::part;
use crate::secret::{TracingSecret, UserId};

/// The trace id of a check-in at `unix_seconds` (floored to the minute).
pub fn trace_id(tracing_secret: &TracingSecret, user_id: &UserId, unix_seconds: u32) -> [u8; 16] {
    let minute = unix_seconds.saturating_sub(unix_seconds % 60);
    let mac = crypto::hmac_sha256(tracing_secret.expose_secret(), &[user_id.as_bytes(), &minute.to_le_bytes()]);
    part::<0, 16, 32>(&mac)
}

/// The v3 notification list's hashed trace id.
pub fn hashed_trace_id_v3(health_office_id: &[u8; 16], trace_id: &[u8; 16]) -> [u8; 16] {
    part::<0, 16, 32>(&crypto::hmac_sha256(health_office_id, &[trace_id]))
}

/// The v4 notification chunks' hashed trace id, `length` bytes (the original used 12).
///
/// # Errors
/// [`DecodeError::InvalidField`] for a `length` of 0 or above 32.
pub fn hashed_trace_id_v4(
    trace_id: &[u8; 16],
    health_office_id: &[u8; 16],
    warning_level: u8,
    length: usize,
) -> Result<Vec<u8>, DecodeError> {
    let mac = crypto::hmac_sha256(trace_id, &[health_office_id, &[warning_level]]);
    match mac.get(..length) {
        Some(prefix) if length > 0 => Ok(prefix.to_vec()),
        _ => Err(DecodeError::InvalidField("length")),
    }
}
