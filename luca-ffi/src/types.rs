//! Public data that crosses the boundary by value: records and enums, and the
//! conversions between them and the protocol's types.
//!
//! Ids are 16 bytes, public keys 65 bytes (uncompressed SEC1), times `u64` Unix
//! seconds, check-in minutes `u32` Unix minutes (seconds / 60).

use std::sync::{Mutex, MutexGuard};

use luca_protocol::ids::{HealthOfficeId, RegistrarId, TraceId, UserId, VenueId};
use luca_protocol::keys::{EncryptionPublicKey, SignaturePublicKey};
use luca_protocol::messages::checkin_record;
use luca_protocol::messages::contact_data;
use luca_protocol::messages::tracing_request;
use luca_protocol::qr::guest;
use luca_protocol::signed::daily_key_announcement;
use luca_protocol::time::{self, UnixTime};

use crate::error::LucaError;

/// A guest's contact data (personal data: the app's to protect). The protocol's field rules apply:
/// first name, last name and phone are required; no control or bidi characters; limited lengths.
#[derive(Clone, PartialEq, Eq, uniffi::Record)]
#[uniffi::export(Debug)]
pub struct ContactFields {
    /// First name(s).
    pub first_name: String,
    /// Last name.
    pub last_name: String,
    /// Phone number.
    pub phone: String,
    /// E-mail address (may be empty).
    pub email: String,
    /// Street (may be empty).
    pub street: String,
    /// House number (may be empty).
    pub house_number: String,
    /// Postcode (may be empty).
    pub postcode: String,
    /// City (may be empty).
    pub city: String,
}

impl core::fmt::Debug for ContactFields {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str("ContactFields(<redacted>)")
    }
}

impl ContactFields {
    pub(crate) fn to_core(&self) -> contact_data::ContactFields {
        contact_data::ContactFields {
            first_name: self.first_name.clone(),
            last_name: self.last_name.clone(),
            phone: self.phone.clone(),
            email: self.email.clone(),
            street: self.street.clone(),
            house_number: self.house_number.clone(),
            postcode: self.postcode.clone(),
            city: self.city.clone(),
        }
    }

    pub(crate) fn from_core(f: &contact_data::ContactFields) -> Self {
        Self {
            first_name: f.first_name.clone(),
            last_name: f.last_name.clone(),
            phone: f.phone.clone(),
            email: f.email.clone(),
            street: f.street.clone(),
            house_number: f.house_number.clone(),
            postcode: f.postcode.clone(),
            city: f.city.clone(),
        }
    }
}

/// A validity period `[not_before, not_after)`, Unix seconds.
#[derive(Clone, Copy, Debug, PartialEq, Eq, uniffi::Record)]
#[uniffi::export(Debug)]
pub struct Validity {
    /// First second of validity.
    pub not_before: u64,
    /// First second after validity.
    pub not_after: u64,
}

impl Validity {
    pub(crate) fn to_core(self) -> time::Validity {
        time::Validity { not_before: UnixTime(self.not_before), not_after: UnixTime(self.not_after) }
    }

    pub(crate) fn from_core(v: time::Validity) -> Self {
        Self { not_before: v.not_before.0, not_after: v.not_after.0 }
    }
}

/// The time window `[start, end)` of a tracing request, Unix seconds (at most 7 days). (The
/// protocol's `from` and `to`, renamed: `from` is a Python keyword.)
#[derive(Clone, Copy, Debug, PartialEq, Eq, uniffi::Record)]
#[uniffi::export(Debug)]
pub struct TracingWindow {
    /// First second of the window.
    pub start: u64,
    /// First second after the window.
    pub end: u64,
}

impl TracingWindow {
    pub(crate) fn to_core(self) -> tracing_request::TracingWindow {
        tracing_request::TracingWindow { from: UnixTime(self.start), to: UnixTime(self.end) }
    }

    pub(crate) fn from_core(w: tracing_request::TracingWindow) -> Self {
        Self { start: w.from.0, end: w.to.0 }
    }
}

/// The guest's device type, shown in its check-in codes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, uniffi::Enum)]
pub enum DeviceType {
    /// iOS app.
    Ios,
    /// Android app.
    Android,
    /// Web app.
    WebApp,
    /// No app (one-off identity).
    NoApp,
}

impl DeviceType {
    pub(crate) fn to_core(self) -> guest::DeviceType {
        match self {
            Self::Ios => guest::DeviceType::Ios,
            Self::Android => guest::DeviceType::Android,
            Self::WebApp => guest::DeviceType::WebApp,
            Self::NoApp => guest::DeviceType::NoApp,
        }
    }

    pub(crate) fn from_core(d: guest::DeviceType) -> Self {
        match d {
            guest::DeviceType::Ios => Self::Ios,
            guest::DeviceType::Android => Self::Android,
            guest::DeviceType::WebApp => Self::WebApp,
            guest::DeviceType::NoApp => Self::NoApp,
        }
    }
}

/// Where a check-in came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, uniffi::Enum)]
pub enum CheckInSource {
    /// A guest app's check-in QR code (shown to a scanner, or a self check-in).
    Guest,
    /// A static badge.
    Badge,
}

impl CheckInSource {
    pub(crate) fn from_core(s: checkin_record::CheckInSource) -> Self {
        match s {
            checkin_record::CheckInSource::Guest => Self::Guest,
            checkin_record::CheckInSource::Badge => Self::Badge,
        }
    }
}

/// What a key announced by a health office is for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, uniffi::Enum)]
pub enum KeyPurpose {
    /// A daily key: inner layer of guest check-ins and history shares.
    Daily,
    /// A badge key: inner layer of badge attestations.
    Badge,
}

impl KeyPurpose {
    pub(crate) fn from_core(p: daily_key_announcement::KeyPurpose) -> Self {
        match p {
            daily_key_announcement::KeyPurpose::Daily => Self::Daily,
            daily_key_announcement::KeyPurpose::Badge => Self::Badge,
        }
    }
}

/// A check-in record as the server stores it, with its additional data (table number or guest name,
/// sealed to the venue key), if any.
#[derive(Clone, Debug, PartialEq, Eq, uniffi::Record)]
#[uniffi::export(Debug)]
pub struct StoredCheckIn {
    /// The encoded check-in record.
    pub record: Vec<u8>,
    /// The encoded additional data, if any.
    pub additional_data: Option<Vec<u8>>,
}

impl StoredCheckIn {
    pub(crate) fn to_core(&self) -> luca_venue::StoredCheckIn {
        luca_venue::StoredCheckIn { record: self.record.clone(), additional_data: self.additional_data.clone() }
    }
}

/// Locks an object's state; a lock poisoned by an earlier panic is an error, not a panic.
pub(crate) fn lock<T>(m: &Mutex<T>) -> Result<MutexGuard<'_, T>, LucaError> {
    m.lock().map_err(|_| LucaError::Poisoned)
}

/// A length as `u64` (lossless on every supported target).
pub(crate) fn count(n: usize) -> u64 {
    u64::try_from(n).unwrap_or(u64::MAX)
}

macro_rules! id_parsers {
    ($($f:ident => $t:ty),* $(,)?) => {
        $(
            pub(crate) fn $f(bytes: &[u8]) -> Result<$t, LucaError> {
                Ok(<$t>::from_slice(bytes)?)
            }
        )*
    };
}

id_parsers! {
    user_id => UserId,
    trace_id => TraceId,
    venue_id => VenueId,
    health_office_id => HealthOfficeId,
    registrar_id => RegistrarId,
}

/// Parses a 65-byte uncompressed SEC1 signature public key.
pub(crate) fn signature_key(bytes: &[u8]) -> Result<SignaturePublicKey, LucaError> {
    Ok(SignaturePublicKey::from_slice(bytes)?)
}

/// Parses a 65-byte uncompressed SEC1 encryption public key.
pub(crate) fn encryption_key(bytes: &[u8]) -> Result<EncryptionPublicKey, LucaError> {
    Ok(EncryptionPublicKey::from_slice(bytes)?)
}
