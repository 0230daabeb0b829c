//! [`StateReader`] and [`StateList`]: the fields of a decoded state, in order, wiped when not handed out.

use ciborium::Value;
use zeroize::Zeroizing;

use super::{StateError, StateSpec};
use crate::cbor::{self, wipe};

/// Whether `v` holds a map at any depth (no role state does).
fn has_map(v: &Value) -> bool {
    match v {
        Value::Map(_) => true,
        Value::Array(items) => items.iter().any(has_map),
        _ => false,
    }
}

/// Reads the fields of a state (or of one entry of a list) in order: each call takes the next item.
///
/// Every item not taken is wiped when the reader is dropped; byte and text fields come in self-wiping buffers.
pub struct StateReader {
    items: std::vec::IntoIter<Value>,
    /// `"state"`, or the list this reader is an entry of (for errors).
    name: &'static str,
    len: usize,
}

impl core::fmt::Debug for StateReader {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("StateReader")
            .field("name", &self.name)
            .field("remaining", &self.items.len())
            .finish_non_exhaustive()
    }
}

impl Drop for StateReader {
    fn drop(&mut self) {
        self.items.as_mut_slice().iter_mut().for_each(wipe);
    }
}

impl StateReader {
    fn new(items: Vec<Value>, name: &'static str) -> Self {
        let len = items.len();
        Self { items: items.into_iter(), name, len }
    }

    /// Opens `bytes` as a state of `spec`: every rule of [the module documentation](crate::state) up to the
    /// arity, in that order. The reader is positioned on the first field after the header.
    ///
    /// # Errors
    /// The [`StateError`] of the first rule broken.
    pub fn open(bytes: &[u8], spec: &StateSpec) -> Result<Self, StateError> {
        let mut value = cbor::decode(bytes, spec.max_len, super::MAX_DEPTH).map_err(StateError::from_cbor)?;
        if has_map(&value) {
            wipe(&mut value);
            return Err(StateError::NonCanonical);
        }
        let mut r = match value {
            Value::Array(items) => Self::new(items, "state"),
            mut other => {
                wipe(&mut other);
                return Err(StateError::WrongStateType);
            }
        };
        let (type_at, version_at) = spec.header_positions();
        let items = r.items.as_slice();
        match items.get(type_at) {
            Some(Value::Text(t)) if t == spec.state_type => {}
            _ => return Err(StateError::WrongStateType),
        }
        match items.get(version_at) {
            Some(Value::Integer(v)) => match u64::try_from(*v) {
                Ok(got) if got == spec.version => {}
                Ok(got) => return Err(StateError::UnsupportedVersion { got }),
                Err(_) => return Err(StateError::InvalidField { field: "version" }),
            },
            Some(_) => return Err(StateError::UnexpectedType { field: "version" }),
            None => return Err(r.wrong_arity(spec.arity)),
        }
        r.expect_len(spec.arity)?;
        // The header, checked above.
        r.items.nth(1);
        Ok(r)
    }

    fn wrong_arity(&self, expected: usize) -> StateError {
        StateError::WrongArity { field: self.name, expected, got: self.len }
    }

    fn expect_len(&self, arity: usize) -> Result<(), StateError> {
        if self.len == arity { Ok(()) } else { Err(self.wrong_arity(arity)) }
    }

    /// The next item (only after the arity was checked: reading past the end is a wrong arity).
    fn next(&mut self) -> Result<Value, StateError> {
        let expected = self.len.saturating_add(1);
        self.items.next().ok_or_else(|| self.wrong_arity(expected))
    }

    /// The next field: an unsigned integer.
    ///
    /// # Errors
    /// [`StateError::UnexpectedType`] for another type, [`StateError::InvalidField`] for a negative integer.
    pub fn uint(&mut self, field: &'static str) -> Result<u64, StateError> {
        match self.next()? {
            Value::Integer(i) => u64::try_from(i).map_err(|_| StateError::InvalidField { field }),
            mut other => {
                wipe(&mut other);
                Err(StateError::UnexpectedType { field })
            }
        }
    }

    /// The next field: an unsigned integer that fits `u32`.
    ///
    /// # Errors
    /// As [`uint`](Self::uint); [`StateError::InvalidField`] if it does not fit.
    pub fn u32(&mut self, field: &'static str) -> Result<u32, StateError> {
        u32::try_from(self.uint(field)?).map_err(|_| StateError::InvalidField { field })
    }

    /// The next field: a byte string, in a buffer that wipes itself.
    ///
    /// # Errors
    /// [`StateError::UnexpectedType`] for another type.
    pub fn bytes(&mut self, field: &'static str) -> Result<Zeroizing<Vec<u8>>, StateError> {
        match self.next()? {
            Value::Bytes(b) => Ok(Zeroizing::new(b)),
            mut other => {
                wipe(&mut other);
                Err(StateError::UnexpectedType { field })
            }
        }
    }

    /// The next field: a byte string or `null` (→ `None`).
    ///
    /// # Errors
    /// [`StateError::UnexpectedType`] for another type.
    pub fn opt_bytes(&mut self, field: &'static str) -> Result<Option<Zeroizing<Vec<u8>>>, StateError> {
        if matches!(self.items.as_slice().first(), Some(Value::Null)) {
            self.items.next();
            return Ok(None);
        }
        self.bytes(field).map(Some)
    }

    /// The next field: a byte string of exactly `N` bytes, in a buffer that wipes itself.
    ///
    /// # Errors
    /// [`StateError::UnexpectedType`] for another type, [`StateError::WrongLength`] for another length.
    pub fn fixed<const N: usize>(&mut self, field: &'static str) -> Result<Zeroizing<[u8; N]>, StateError> {
        let b = self.bytes(field)?;
        let mut out = Zeroizing::new([0u8; N]);
        if b.len() != N {
            return Err(StateError::WrongLength { field, expected: N, got: b.len() });
        }
        out.copy_from_slice(&b);
        Ok(out)
    }

    /// The next field: a byte string of exactly `N` bytes, or `null` (→ `None`).
    ///
    /// # Errors
    /// As [`fixed`](Self::fixed).
    pub fn opt_fixed<const N: usize>(&mut self, field: &'static str) -> Result<Option<Zeroizing<[u8; N]>>, StateError> {
        if matches!(self.items.as_slice().first(), Some(Value::Null)) {
            self.items.next();
            return Ok(None);
        }
        self.fixed(field).map(Some)
    }

    /// The next field: a text string, in a buffer that wipes itself.
    ///
    /// # Errors
    /// [`StateError::UnexpectedType`] for another type.
    pub fn text(&mut self, field: &'static str) -> Result<Zeroizing<String>, StateError> {
        match self.next()? {
            Value::Text(t) => Ok(Zeroizing::new(t)),
            mut other => {
                wipe(&mut other);
                Err(StateError::UnexpectedType { field })
            }
        }
    }

    /// The next field: a list of at most `max` entries, each an array of exactly `arity` items (every entry is
    /// checked before the list is returned).
    ///
    /// # Errors
    /// [`StateError::UnexpectedType`] if the field or an entry is not an array, [`StateError::TooManyItems`],
    /// [`StateError::WrongArity`] (with the list's name) for an entry of another arity.
    pub fn list(&mut self, field: &'static str, max: usize, arity: usize) -> Result<StateList, StateError> {
        let entries = match self.next()? {
            Value::Array(entries) => StateList { entries: entries.into_iter(), field },
            mut other => {
                wipe(&mut other);
                return Err(StateError::UnexpectedType { field });
            }
        };
        if entries.len() > max {
            return Err(StateError::TooManyItems { field, max });
        }
        for entry in entries.entries.as_slice() {
            match entry {
                Value::Array(items) if items.len() == arity => {}
                Value::Array(items) => return Err(StateError::WrongArity { field, expected: arity, got: items.len() }),
                _ => return Err(StateError::UnexpectedType { field }),
            }
        }
        Ok(entries)
    }
}

/// The entries of a list field ([`StateReader::list`]), each a [`StateReader`] over its items.
///
/// The entries not taken are wiped when the list is dropped.
pub struct StateList {
    entries: std::vec::IntoIter<Value>,
    field: &'static str,
}

impl core::fmt::Debug for StateList {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("StateList")
            .field("field", &self.field)
            .field("remaining", &self.entries.len())
            .finish_non_exhaustive()
    }
}

impl Drop for StateList {
    fn drop(&mut self) {
        self.entries.as_mut_slice().iter_mut().for_each(wipe);
    }
}

impl Iterator for StateList {
    type Item = StateReader;

    fn next(&mut self) -> Option<StateReader> {
        // Every entry is an array (checked by `StateReader::list`).
        match self.entries.next()? {
            Value::Array(items) => Some(StateReader::new(items, self.field)),
            mut other => {
                wipe(&mut other);
                None
            }
        }
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        self.entries.size_hint()
    }
}

impl ExactSizeIterator for StateList {}
