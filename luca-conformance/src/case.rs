//! One vector case: typed access to its fields, and the outcome of running it.

use serde_json::{Map, Value};

/// Why a case stopped before `"ok"`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CaseError {
    /// The library refused the input: the error's stable `kind()`.
    Kind(String),
    /// The case itself cannot be read (a missing or malformed input field), with the field's name.
    Malformed(String),
}

/// Errors of the library that name their kind.
pub(crate) trait Kinded {
    fn kind_str(&self) -> &'static str;
}

macro_rules! kinded {
    ($($t:ty),* $(,)?) => {$(
        impl Kinded for $t {
            fn kind_str(&self) -> &'static str {
                self.kind()
            }
        }
        impl From<$t> for CaseError {
            fn from(e: $t) -> Self {
                Self::Kind(e.kind_str().to_owned())
            }
        }
    )*};
}

use luca_protocol::badge_serial::BadgeSerialError;
use luca_protocol::error::{DecodeError, OpenError, SealError, VerifyError};
use luca_protocol::messages::checkin_record::FreshnessError;
use luca_protocol::messages::checkout::CheckoutError;
use luca_protocol::tan::TanError;
use luca_protocol::threshold::ThresholdError;

kinded!(
    DecodeError,
    VerifyError,
    OpenError,
    SealError,
    TanError,
    BadgeSerialError,
    FreshnessError,
    CheckoutError,
    ThresholdError
);

impl From<luca_protocol::CryptoError> for CaseError {
    fn from(_: luca_protocol::CryptoError) -> Self {
        Self::Kind("crypto".to_owned())
    }
}

pub(crate) type Step<T = ()> = Result<T, CaseError>;

/// A topic's checker: runs one case.
pub(crate) type Checker = fn(&mut Case<'_>) -> Step;

/// A case being run: its fields, and the outputs found to disagree.
pub(crate) struct Case<'a> {
    map: &'a Map<String, Value>,
    mismatches: Vec<String>,
}

fn malformed(field: &str, what: &str) -> CaseError {
    CaseError::Malformed(format!("field {field}: {what}"))
}

impl<'a> Case<'a> {
    pub(crate) fn new(map: &'a Map<String, Value>) -> Self {
        Self { map, mismatches: Vec::new() }
    }

    pub(crate) fn into_mismatches(self) -> Vec<String> {
        self.mismatches
    }

    pub(crate) fn has(&self, field: &str) -> bool {
        self.map.get(field).is_some_and(|v| !v.is_null())
    }

    pub(crate) fn value(&self, field: &str) -> Step<&'a Value> {
        self.map.get(field).ok_or_else(|| malformed(field, "missing"))
    }

    pub(crate) fn str(&self, field: &str) -> Step<&'a str> {
        self.value(field)?.as_str().ok_or_else(|| malformed(field, "not a string"))
    }

    pub(crate) fn opt_str(&self, field: &str) -> Step<Option<&'a str>> {
        if self.has(field) { self.str(field).map(Some) } else { Ok(None) }
    }

    pub(crate) fn u64(&self, field: &str) -> Step<u64> {
        self.value(field)?.as_u64().ok_or_else(|| malformed(field, "not an unsigned integer"))
    }

    pub(crate) fn u32(&self, field: &str) -> Step<u32> {
        u32::try_from(self.u64(field)?).map_err(|_| malformed(field, "out of range"))
    }

    pub(crate) fn hex(&self, field: &str) -> Step<Vec<u8>> {
        hex_of(self.str(field)?).ok_or_else(|| malformed(field, "not lowercase hex"))
    }

    pub(crate) fn opt_hex(&self, field: &str) -> Step<Option<Vec<u8>>> {
        if self.has(field) { self.hex(field).map(Some) } else { Ok(None) }
    }

    /// Runs a library parser on a field's hex bytes; a malformed input of the case is reported as such.
    pub(crate) fn parse<T>(&self, field: &str, f: impl FnOnce(&[u8]) -> Result<T, DecodeError>) -> Step<T> {
        let bytes = self.hex(field)?;
        f(&bytes).map_err(|e| malformed(field, e.kind()))
    }

    /// Records a mismatch if the case lists `field` (lowercase hex) and it differs from `actual`.
    pub(crate) fn expect_hex(&mut self, field: &str, actual: &[u8]) -> Step {
        if let Some(want) = self.opt_hex(field)?
            && want != actual
        {
            self.mismatch(field);
        }
        Ok(())
    }

    /// Records a mismatch if the case lists `field` and it differs from `actual` (any JSON value).
    pub(crate) fn expect_json(&mut self, field: &str, actual: &Value) {
        if let Some(want) = self.map.get(field)
            && want != actual
        {
            self.mismatch(field);
        }
    }

    /// Records a mismatch (once per name).
    pub(crate) fn mismatch(&mut self, what: impl Into<String>) {
        let what = what.into();
        if !self.mismatches.contains(&what) {
            self.mismatches.push(what);
        }
    }
}

pub(crate) fn hex_of(s: &str) -> Option<Vec<u8>> {
    if s.bytes().any(|b| b.is_ascii_uppercase()) {
        return None;
    }
    hex::decode(s).ok()
}

/// A required field of a JSON object nested in a case (e.g. one entry of `days`).
pub(crate) fn nested_hex(v: &Value, field: &str) -> Step<Vec<u8>> {
    v.get(field).and_then(Value::as_str).and_then(hex_of).ok_or_else(|| malformed(field, "missing or not hex"))
}

pub(crate) fn nested_u64(v: &Value, field: &str) -> Step<u64> {
    v.get(field).and_then(Value::as_u64).ok_or_else(|| malformed(field, "missing or not an unsigned integer"))
}

/// Lower-case hex, as the vector files write bytes.
pub(crate) fn to_hex(bytes: &[u8]) -> String {
    hex::encode(bytes)
}
