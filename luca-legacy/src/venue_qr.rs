//! The printed venue QR of the original system (self check-in) and the private-meeting QR (reference §4.4):
//!
//! ```text
//! https://<host>/webapp/<scannerId>#<base64url(JSON additional data)>[/CWA1/<Corona-Warn-App payload>]
//! https://<host>/webapp/meeting/<scannerId>#<base64url({"fn": first name, "ln": last name})>
//! ```
//! The fragment's JSON is the additional data the guest's app sent with a self check-in (`{"table": 3}`,
//! `{}`); for a meeting it is the host's name (personal data: `Debug` is redacted). The `/CWA1/` suffix of
//! venues that also show a Corona-Warn-App code is kept as text, not decoded.

use base64::Engine as _;
use base64::engine::general_purpose::{URL_SAFE, URL_SAFE_NO_PAD};
use serde_json::Value;

use crate::checkin_record::is_uuid;
use crate::error::DecodeError;

/// The longest venue URL read.
pub const MAX_VENUE_URL_LEN: usize = 2048;

/// A venue or a private meeting.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LegacyVenueKind {
    /// A venue's printed QR (self check-in).
    Venue,
    /// A private meeting's QR.
    PrivateMeeting,
}

/// A decoded venue or meeting QR of the original system.
#[derive(Clone, PartialEq, Eq)]
pub struct LegacyVenueQr {
    host: String,
    kind: LegacyVenueKind,
    scanner_id: String,
    additional_data: Option<serde_json::Map<String, Value>>,
    cwa_payload: Option<String>,
}

impl core::fmt::Debug for LegacyVenueQr {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("LegacyVenueQr")
            .field("host", &self.host)
            .field("kind", &self.kind)
            .field("scanner_id", &self.scanner_id)
            .field("additional_data", &"<redacted>")
            .field("cwa_payload", &self.cwa_payload.as_ref().map(|_| "<present>"))
            .finish()
    }
}

impl LegacyVenueQr {
    /// Decodes the URL.
    ///
    /// # Errors
    /// [`DecodeError::Empty`], [`DecodeError::TooLong`], [`DecodeError::InvalidField`] naming the part
    /// (`scheme`, `host`, `path`, `scanner_id`, `fragment`).
    pub fn from_url(url: &str) -> Result<Self, DecodeError> {
        if url.is_empty() {
            return Err(DecodeError::Empty);
        }
        if url.len() > MAX_VENUE_URL_LEN {
            return Err(DecodeError::TooLong { max: MAX_VENUE_URL_LEN, got: url.len() });
        }
        let rest = url.strip_prefix("https://").ok_or(DecodeError::InvalidField("scheme"))?;
        let (before, fragment) = match rest.split_once('#') {
            Some((b, f)) => (b, Some(f)),
            None => (rest, None),
        };
        let (host, path) = before.split_once('/').ok_or(DecodeError::InvalidField("path"))?;
        if host.is_empty() || !host.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | ':')) {
            return Err(DecodeError::InvalidField("host"));
        }
        let (kind, scanner_id) = if let Some(id) = path.strip_prefix("webapp/meeting/") {
            (LegacyVenueKind::PrivateMeeting, id)
        } else if let Some(id) = path.strip_prefix("webapp/") {
            (LegacyVenueKind::Venue, id)
        } else {
            return Err(DecodeError::InvalidField("path"));
        };
        if !is_uuid(scanner_id) {
            return Err(DecodeError::InvalidField("scanner_id"));
        }
        let (data, cwa_payload) = match fragment {
            None => (None, None),
            Some(f) => {
                let (data, cwa) = match f.split_once("/CWA1/") {
                    Some((d, c)) if kind == LegacyVenueKind::Venue => (d, Some(c.to_owned())),
                    Some(_) => return Err(DecodeError::InvalidField("fragment")),
                    None => (f, None),
                };
                let bytes = URL_SAFE_NO_PAD
                    .decode(data)
                    .or_else(|_| URL_SAFE.decode(data))
                    .map_err(|_| DecodeError::InvalidField("fragment"))?;
                let Ok(Value::Object(map)) = serde_json::from_slice::<Value>(&bytes) else {
                    return Err(DecodeError::InvalidField("fragment"));
                };
                (Some(map), cwa)
            }
        };
        Ok(Self { host: host.to_owned(), kind, scanner_id: scanner_id.to_owned(), additional_data: data, cwa_payload })
    }

    /// The host.
    pub fn host(&self) -> &str {
        &self.host
    }
    /// Venue or private meeting.
    pub fn kind(&self) -> LegacyVenueKind {
        self.kind
    }
    /// The scanner id (UUID text).
    pub fn scanner_id(&self) -> &str {
        &self.scanner_id
    }
    /// The fragment's JSON object (for a meeting: the host's name, personal data).
    pub fn additional_data(&self) -> Option<&serde_json::Map<String, Value>> {
        self.additional_data.as_ref()
    }
    /// A venue's table number (`table`), if the fragment names one.
    pub fn table(&self) -> Option<u64> {
        self.additional_data.as_ref()?.get("table")?.as_u64()
    }
    /// The Corona-Warn-App payload after `/CWA1/`, as text.
    pub fn cwa_payload(&self) -> Option<&str> {
        self.cwa_payload.as_deref()
    }
}
