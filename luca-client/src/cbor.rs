//! Strict, deterministic CBOR for exported state (the same rules as the wire
//! messages of `luca-protocol`): size cap first, non-empty, bounded nesting,
//! well-formed, no trailing bytes, and the input must equal the re-encoding of
//! what was parsed (shortest-form integers and lengths, definite lengths, no
//! floats, maps or tags). Buffers that held secrets are wiped.

use ciborium::Value;
use luca_protocol::error::DecodeError;
use zeroize::{Zeroize, Zeroizing};

/// Overwrites every byte and text string inside `value` before it is dropped.
pub(crate) fn wipe(value: &mut Value) {
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

/// Deterministic encoding of `value` into a buffer that wipes itself; `value` is wiped.
///
/// `capacity` should bound the encoded length, so the buffer never reallocates
/// (a reallocation would leave an unwiped copy behind).
pub(crate) fn encode_secret(mut value: Value, capacity: usize) -> Zeroizing<Vec<u8>> {
    let mut out = Zeroizing::new(Vec::with_capacity(capacity));
    // Writing into a Vec cannot fail; an error would be a bug in ciborium.
    if ciborium::ser::into_writer(&value, &mut *out).is_err() {
        out.clear();
    }
    wipe(&mut value);
    out
}

fn has_unsupported(v: &Value) -> bool {
    match v {
        Value::Float(_) | Value::Tag(..) | Value::Map(_) => true,
        Value::Array(items) => items.iter().any(has_unsupported),
        _ => false,
    }
}

/// Parses one CBOR item under the rules above. The caller wipes the returned value.
pub(crate) fn decode(bytes: &[u8], max_len: usize, max_depth: usize) -> Result<Value, DecodeError> {
    if bytes.len() > max_len {
        return Err(DecodeError::TooLong { max: max_len, got: bytes.len() });
    }
    if bytes.is_empty() {
        return Err(DecodeError::Truncated);
    }
    let mut rest = bytes;
    let mut value: Value =
        ciborium::de::from_reader_with_recursion_limit(&mut rest, max_depth).map_err(|e| match e {
            ciborium::de::Error::RecursionLimitExceeded => DecodeError::NestingTooDeep,
            ciborium::de::Error::Io(_) => DecodeError::Truncated,
            ciborium::de::Error::Syntax(_) | ciborium::de::Error::Semantic(..) => DecodeError::MalformedCbor,
        })?;
    if !rest.is_empty() {
        wipe(&mut value);
        return Err(DecodeError::TrailingBytes);
    }
    let canonical = !has_unsupported(&value) && encode_secret(value.clone(), bytes.len()).as_slice() == bytes;
    if !canonical {
        wipe(&mut value);
        return Err(DecodeError::NonCanonical);
    }
    Ok(value)
}

/// Reads the items of a CBOR array, field by field. Wipes what it did not hand out when dropped.
pub(crate) struct Reader {
    items: std::vec::IntoIter<Value>,
    name: &'static str,
    len: usize,
}

impl Drop for Reader {
    fn drop(&mut self) {
        self.items.as_mut_slice().iter_mut().for_each(wipe);
    }
}

impl Reader {
    /// Opens `value` as an array named `name`.
    pub(crate) fn open(value: Value, name: &'static str) -> Result<Self, DecodeError> {
        match value {
            Value::Array(items) => {
                let len = items.len();
                Ok(Self { items: items.into_iter(), name, len })
            }
            mut other => {
                wipe(&mut other);
                Err(DecodeError::UnexpectedType { field: name })
            }
        }
    }

    /// Opens a versioned array: the version first, then the exact arity (version included).
    pub(crate) fn open_versioned(
        value: Value,
        name: &'static str,
        version: u64,
        arity: usize,
    ) -> Result<Self, DecodeError> {
        let mut r = Self::open(value, name)?;
        let got = r.uint("version")?;
        if got != version {
            return Err(DecodeError::UnsupportedVersion { got });
        }
        r.expect_len(arity)?;
        Ok(r)
    }

    /// Requires exactly `n` items in total.
    pub(crate) fn expect_len(&self, n: usize) -> Result<(), DecodeError> {
        if self.len != n {
            return Err(DecodeError::WrongArity { field: self.name, expected: n, got: self.len });
        }
        Ok(())
    }

    pub(crate) fn next(&mut self) -> Result<Value, DecodeError> {
        self.items.next().ok_or(DecodeError::WrongArity {
            field: self.name,
            expected: self.len.saturating_add(1),
            got: self.len,
        })
    }

    /// Next item: an unsigned integer.
    pub(crate) fn uint(&mut self, field: &'static str) -> Result<u64, DecodeError> {
        match self.next()? {
            Value::Integer(i) => u64::try_from(i).map_err(|_| DecodeError::InvalidField { field }),
            mut other => {
                wipe(&mut other);
                Err(DecodeError::UnexpectedType { field })
            }
        }
    }

    /// Next item: an unsigned integer that fits `u32`.
    pub(crate) fn u32(&mut self, field: &'static str) -> Result<u32, DecodeError> {
        u32::try_from(self.uint(field)?).map_err(|_| DecodeError::InvalidField { field })
    }

    /// Next item: a text string, exactly `expected`.
    pub(crate) fn tag(&mut self, expected: &str) -> Result<bool, DecodeError> {
        match self.next()? {
            Value::Text(t) => Ok(t == expected),
            mut other => {
                wipe(&mut other);
                Err(DecodeError::UnexpectedType { field: "type" })
            }
        }
    }

    /// Next item: a byte string of exactly `N` bytes, in a buffer that wipes itself.
    pub(crate) fn fixed<const N: usize>(&mut self, field: &'static str) -> Result<Zeroizing<[u8; N]>, DecodeError> {
        match self.next()? {
            Value::Bytes(mut b) => {
                let got = b.len();
                let out = <[u8; N]>::try_from(b.as_slice()).map(Zeroizing::new).map_err(|_| DecodeError::WrongLength {
                    field,
                    expected: N,
                    got,
                });
                b.zeroize();
                out
            }
            mut other => {
                wipe(&mut other);
                Err(DecodeError::UnexpectedType { field })
            }
        }
    }

    /// Next item: a byte string of exactly `N` bytes, or null.
    pub(crate) fn opt_fixed<const N: usize>(
        &mut self,
        field: &'static str,
    ) -> Result<Option<Zeroizing<[u8; N]>>, DecodeError> {
        match self.next()? {
            Value::Null => Ok(None),
            v => {
                let mut one = Self { items: vec![v].into_iter(), name: self.name, len: 1 };
                one.fixed::<N>(field).map(Some)
            }
        }
    }

    /// Next item: an array of at most `max` items, as a reader over its items.
    pub(crate) fn list(&mut self, field: &'static str, max: usize) -> Result<Self, DecodeError> {
        match self.next()? {
            Value::Array(items) => {
                let len = items.len();
                let list = Self { items: items.into_iter(), name: field, len };
                if len > max {
                    return Err(DecodeError::TooManyItems { field, max });
                }
                Ok(list)
            }
            mut other => {
                wipe(&mut other);
                Err(DecodeError::UnexpectedType { field })
            }
        }
    }

    /// Items not yet read.
    pub(crate) fn remaining(&self) -> usize {
        self.items.len()
    }
}
