//! The check-in record a scanner of the original system uploaded (`POST /api/v3/traces/checkin`,
//! reference §4.5), and the additional data of a check-in (`POST /traces/additionalData`, §4.6):
//!
//! ```text
//! check-in:   {"traceId": b64(16), "scannerId": uuid, "timestamp": int, "data": b64(75 after opening),
//!              "iv": b64(16), "mac": b64(32), "publicKey": b64(65), "deviceType": int}
//! additional: {"traceId": b64(16), "data": b64, "iv": b64(16), "mac": b64(32), "publicKey": b64(65)}
//! ```
//! `data` is a [DLIES](crate::dlies) ciphertext to the venue (operator) key: the 75-byte inner record
//! ([`crate::inner_record`]), or the UTF-8 JSON of the additional data (`{"table": 3}`, a meeting guest's
//! names). Members are exactly these (unknown ones are refused), base64 standard with padding.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use serde_json::{Map, Value};
use zeroize::Zeroizing;

use crate::dlies::DliesCiphertext;
use crate::error::{DecodeError, OpenError};
use crate::inner_record::LegacyInnerRecord;
use crate::secret::VenuePrivateKey;

/// The largest JSON document read (a check-in record is about 400 bytes).
pub const MAX_RECORD_JSON: usize = 8192;
/// The largest additional-data ciphertext.
pub const MAX_ADDITIONAL_DATA: usize = 4096;

fn object(json: &str, members: &[&str]) -> Result<Map<String, Value>, DecodeError> {
    if json.is_empty() {
        return Err(DecodeError::Empty);
    }
    if json.len() > MAX_RECORD_JSON {
        return Err(DecodeError::TooLong { max: MAX_RECORD_JSON, got: json.len() });
    }
    let Ok(Value::Object(map)) = serde_json::from_str::<Value>(json) else {
        return Err(DecodeError::InvalidField("json"));
    };
    if map.keys().any(|k| !members.contains(&k.as_str())) {
        return Err(DecodeError::InvalidField("unknown member"));
    }
    Ok(map)
}

fn b64(map: &Map<String, Value>, name: &'static str) -> Result<Vec<u8>, DecodeError> {
    map.get(name).and_then(Value::as_str).and_then(|s| STANDARD.decode(s).ok()).ok_or(DecodeError::InvalidField(name))
}

fn fixed<const N: usize>(map: &Map<String, Value>, name: &'static str) -> Result<[u8; N], DecodeError> {
    let b = b64(map, name)?;
    b.as_slice().try_into().map_err(|_| DecodeError::WrongLength { what: name, expected: N, got: b.len() })
}

fn dlies(map: &Map<String, Value>, max: usize) -> Result<DliesCiphertext, DecodeError> {
    DliesCiphertext::from_parts(&b64(map, "publicKey")?, &b64(map, "iv")?, &b64(map, "data")?, &b64(map, "mac")?, max)
}

/// A decoded check-in record of the original system.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LegacyCheckInRecord {
    trace_id: [u8; 16],
    scanner_id: String,
    timestamp: u32,
    device_type: u8,
    outer: DliesCiphertext,
}

impl LegacyCheckInRecord {
    /// Decodes the upload's JSON (size cap first, exact members, lengths, the ephemeral key on the curve).
    ///
    /// # Errors
    /// [`DecodeError`]: `Empty`, `TooLong`, `InvalidField` (naming the member), `WrongLength`, `InvalidPoint`.
    pub fn from_json(json: &str) -> Result<Self, DecodeError> {
        let map = object(json, &["traceId", "scannerId", "timestamp", "data", "iv", "mac", "publicKey", "deviceType"])?;
        let scanner_id = map
            .get("scannerId")
            .and_then(Value::as_str)
            .filter(|s| is_uuid(s))
            .ok_or(DecodeError::InvalidField("scannerId"))?
            .to_owned();
        let timestamp = map
            .get("timestamp")
            .and_then(Value::as_u64)
            .and_then(|t| u32::try_from(t).ok())
            .ok_or(DecodeError::InvalidField("timestamp"))?;
        let device_type = map
            .get("deviceType")
            .and_then(Value::as_u64)
            .and_then(|t| u8::try_from(t).ok())
            .filter(|t| *t <= 4)
            .ok_or(DecodeError::InvalidField("deviceType"))?;
        let outer = dlies(&map, LegacyInnerRecord::LENGTH)?;
        if outer.data().len() != LegacyInnerRecord::LENGTH {
            return Err(DecodeError::WrongLength {
                what: "data",
                expected: LegacyInnerRecord::LENGTH,
                got: outer.data().len(),
            });
        }
        Ok(Self { trace_id: fixed(&map, "traceId")?, scanner_id, timestamp, device_type, outer })
    }

    /// The check-in's trace id.
    pub fn trace_id(&self) -> &[u8; 16] {
        &self.trace_id
    }
    /// The scanner id (a UUID, lower case as sent).
    pub fn scanner_id(&self) -> &str {
        &self.scanner_id
    }
    /// The check-in's timestamp (the QR code's minute), Unix seconds.
    pub fn timestamp(&self) -> u32 {
        self.timestamp
    }
    /// The device type (0 iOS, 1 Android, 2 badge, 3 web app, 4 contact form).
    pub fn device_type(&self) -> u8 {
        self.device_type
    }
    /// The outer layer.
    pub fn outer(&self) -> &DliesCiphertext {
        &self.outer
    }

    /// Opens the outer layer with the venue's private key: the inner record (open it with the daily key
    /// and [`Self::timestamp`], or with the badge key).
    ///
    /// # Errors
    /// [`OpenError`] for a wrong key, a tampered record, or an inner record that does not decode.
    pub fn open(&self, venue_key: &VenuePrivateKey) -> Result<LegacyInnerRecord, OpenError> {
        let inner = self.outer.open(venue_key)?;
        LegacyInnerRecord::from_bytes(&inner).map_err(|_| OpenError)
    }
}

/// A check-in's additional data of the original system (table number; a meeting guest's names).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LegacyAdditionalData {
    trace_id: [u8; 16],
    outer: DliesCiphertext,
}

impl LegacyAdditionalData {
    /// Decodes the upload's JSON.
    ///
    /// # Errors
    /// As [`LegacyCheckInRecord::from_json`].
    pub fn from_json(json: &str) -> Result<Self, DecodeError> {
        let map = object(json, &["traceId", "data", "iv", "mac", "publicKey"])?;
        Ok(Self { trace_id: fixed(&map, "traceId")?, outer: dlies(&map, MAX_ADDITIONAL_DATA)? })
    }

    /// The check-in's trace id.
    pub fn trace_id(&self) -> &[u8; 16] {
        &self.trace_id
    }

    /// Opens it with the venue's private key: the JSON object it holds (personal data for a meeting guest).
    ///
    /// # Errors
    /// [`OpenError`] for a wrong key, a tampered ciphertext, or a plaintext that is not a JSON object.
    pub fn open(&self, venue_key: &VenuePrivateKey) -> Result<Zeroizing<String>, OpenError> {
        let plain = self.outer.open(venue_key)?;
        let text = Zeroizing::new(std::str::from_utf8(&plain).map_err(|_| OpenError)?.to_owned());
        match serde_json::from_str::<Value>(&text) {
            Ok(Value::Object(_)) => Ok(text),
            _ => Err(OpenError),
        }
    }
}

/// `xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx`, hex digits.
pub(crate) fn is_uuid(s: &str) -> bool {
    s.len() == 36
        && s.char_indices().all(|(i, c)| if matches!(i, 8 | 13 | 18 | 23) { c == '-' } else { c.is_ascii_hexdigit() })
}
