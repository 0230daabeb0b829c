//! Exported state: deterministic CBOR arrays `[type, version, fields…]`.
//!
//! Encoding goes through `ciborium::Value` into a buffer allocated once at the
//! size cap (no reallocation leaves copies behind) that wipes itself; the
//! intermediate values are wiped after use. Decoding checks, in order: size
//! cap, well-formed CBOR of nesting depth 1 without trailing bytes,
//! deterministic encoding (the input equals its re-encoding), an array, the
//! type string, the version, the arity, then each field.

use ciborium::Value;
use zeroize::{Zeroize, Zeroizing};

use crate::error::StateError;

/// Size cap of any exported state of this crate, in bytes.
pub(crate) const MAX_STATE_LEN: usize = 4096;

/// Wipes every byte and text string inside `value`.
fn wipe(value: &mut Value) {
    match value {
        Value::Bytes(b) => b.zeroize(),
        Value::Text(t) => t.zeroize(),
        Value::Array(items) => items.iter_mut().for_each(wipe),
        Value::Map(entries) => entries.iter_mut().for_each(|(k, v)| {
            wipe(k);
            wipe(v);
        }),
        Value::Tag(_, inner) => wipe(inner),
        _ => {}
    }
}

/// Encodes `[type, version, fields…]` deterministically and wipes the fields.
pub(crate) fn encode(state_type: &str, version: u64, fields: Vec<Value>) -> Zeroizing<Vec<u8>> {
    let mut items = Vec::with_capacity(fields.len().saturating_add(2));
    items.push(Value::Text(state_type.to_owned()));
    items.push(Value::Integer(version.into()));
    items.extend(fields);
    let mut value = Value::Array(items);
    let out = encode_value(&value);
    wipe(&mut value);
    out
}

fn encode_value(value: &Value) -> Zeroizing<Vec<u8>> {
    let mut out = Zeroizing::new(Vec::with_capacity(MAX_STATE_LEN));
    // Writing into a Vec cannot fail; an error would be a bug in ciborium.
    if ciborium::ser::into_writer(value, &mut *out).is_err() {
        out.clear();
    }
    out
}

/// A value that is wiped when dropped.
struct WipeOnDrop(Value);

impl Drop for WipeOnDrop {
    fn drop(&mut self) {
        wipe(&mut self.0);
    }
}

/// Reads the fields of a decoded state in order; wipes every value on drop.
pub(crate) struct StateReader {
    items: Vec<Value>,
    next: usize,
}

impl Drop for StateReader {
    fn drop(&mut self) {
        self.items.iter_mut().for_each(wipe);
    }
}

/// Decodes state bytes of `state_type`, `version` and `arity` items (type and version included).
pub(crate) fn decode(bytes: &[u8], state_type: &str, version: u64, arity: usize) -> Result<StateReader, StateError> {
    if bytes.len() > MAX_STATE_LEN {
        return Err(StateError::TooLong { max: MAX_STATE_LEN, got: bytes.len() });
    }
    if bytes.is_empty() {
        return Err(StateError::Malformed);
    }
    let mut rest = bytes;
    let parsed: Value =
        ciborium::de::from_reader_with_recursion_limit(&mut rest, 1).map_err(|_| StateError::Malformed)?;
    let mut guard = WipeOnDrop(parsed);
    if !rest.is_empty() {
        return Err(StateError::TrailingBytes);
    }
    if encode_value(&guard.0).as_slice() != bytes {
        return Err(StateError::NonCanonical);
    }
    let mut reader = match std::mem::replace(&mut guard.0, Value::Null) {
        Value::Array(items) => StateReader { items, next: 0 },
        mut other => {
            wipe(&mut other);
            return Err(StateError::Malformed);
        }
    };
    match reader.items.first() {
        Some(Value::Text(t)) if t == state_type => {}
        _ => return Err(StateError::WrongStateType),
    }
    match reader.items.get(1) {
        Some(Value::Integer(v)) => {
            let got = u64::try_from(*v).map_err(|_| StateError::UnsupportedVersion { got: 0 })?;
            if got != version {
                return Err(StateError::UnsupportedVersion { got });
            }
        }
        _ => return Err(StateError::UnsupportedVersion { got: 0 }),
    }
    if reader.items.len() != arity {
        return Err(StateError::WrongArity { expected: arity, got: reader.items.len() });
    }
    reader.next = 2;
    Ok(reader)
}

impl StateReader {
    fn take(&mut self, field: &'static str) -> Result<Value, StateError> {
        let slot = self.items.get_mut(self.next).ok_or(StateError::InvalidField { field })?;
        self.next = self.next.saturating_add(1);
        Ok(std::mem::replace(slot, Value::Null))
    }

    /// A byte string of exactly `N` bytes, in a buffer that wipes itself.
    pub(crate) fn fixed<const N: usize>(&mut self, field: &'static str) -> Result<Zeroizing<[u8; N]>, StateError> {
        let mut v = self.take(field)?;
        let out = match &v {
            Value::Bytes(b) if b.len() == N => {
                let mut out = Zeroizing::new([0u8; N]);
                out.copy_from_slice(b);
                Ok(out)
            }
            _ => Err(StateError::InvalidField { field }),
        };
        wipe(&mut v);
        out
    }

    /// A byte string of at most `max` bytes, or null.
    pub(crate) fn opt_bytes(&mut self, field: &'static str, max: usize) -> Result<Option<Vec<u8>>, StateError> {
        match self.take(field)? {
            Value::Null => Ok(None),
            Value::Bytes(b) if b.len() <= max => Ok(Some(b)),
            mut other => {
                wipe(&mut other);
                Err(StateError::InvalidField { field })
            }
        }
    }

    /// A text string.
    pub(crate) fn text(&mut self, field: &'static str) -> Result<Zeroizing<String>, StateError> {
        match self.take(field)? {
            Value::Text(t) => Ok(Zeroizing::new(t)),
            mut other => {
                wipe(&mut other);
                Err(StateError::InvalidField { field })
            }
        }
    }

    /// An unsigned integer.
    pub(crate) fn uint(&mut self, field: &'static str) -> Result<u64, StateError> {
        match self.take(field)? {
            Value::Integer(i) => u64::try_from(i).map_err(|_| StateError::InvalidField { field }),
            mut other => {
                wipe(&mut other);
                Err(StateError::InvalidField { field })
            }
        }
    }
}
