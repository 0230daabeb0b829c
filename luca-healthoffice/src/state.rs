//! Persistence of role objects: `export_state()` / `import_state()`.
//!
//! Every role object of this crate ([`HealthOffice`](crate::HealthOffice),
//! [`TrustAnchor`](crate::authority::TrustAnchor),
//! [`Registrar`](crate::authority::Registrar)) exports its whole state as one
//! deterministic CBOR array:
//!
//! ```cddl
//! state = [
//!   tag: tstr,        ; "luca-healthoffice/health-office", "…/trust-anchor" or "…/registrar"
//!   version: 1,
//!   * field,          ; per role, documented on its export_state()
//! ]
//! ```
//!
//! The bytes **contain private keys in the clear**. They come back in a
//! [`Zeroizing`] buffer; encrypting them at rest (and where they are stored)
//! is the embedder's choice and responsibility.
//!
//! Import is strict, in this order: size cap (`too_long`), non-empty
//! (`truncated`), CBOR well-formed with bounded nesting (`malformed_cbor`,
//! `nesting_too_deep`), no trailing bytes (`trailing_bytes`), deterministic
//! encoding — the input must equal the re-encoding of what was parsed
//! (`non_canonical`); an array whose first item is the role's tag
//! ([`StateError::WrongStateType`]), then version 1 (`unsupported_version`),
//! the exact arity (`wrong_arity`), fields of exact types and lengths
//! (`unexpected_type`, `wrong_length`, `invalid_field`, `invalid_point`), and
//! finally consistency checks ([`StateError::Inconsistent`],
//! [`StateError::Verify`]). Decoded secrets are wiped from the intermediate
//! CBOR tree.

use ciborium::Value;
use luca_protocol::error::{DecodeError, VerifyError};
use zeroize::{Zeroize, Zeroizing};

/// The only state version this crate writes and reads.
pub(crate) const VERSION: u64 = 1;
/// CBOR nesting of every state: state → key list → entry.
const MAX_DEPTH: usize = 3;

/// Why exported state bytes could not be imported.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum StateError {
    /// The bytes are not a well-formed state (size, CBOR, version, arity, field types or lengths).
    #[error("malformed state: {0}")]
    Decode(#[from] DecodeError),
    /// The bytes are the state of another role (or not a role state at all).
    #[error("not the state of this role")]
    WrongStateType,
    /// The state contradicts itself (e.g. a private key that does not match its announcement).
    #[error("inconsistent state: {field}")]
    Inconsistent {
        /// Which part of the state.
        field: &'static str,
    },
    /// A signed object in the state no longer verifies.
    #[error("signed object in state does not verify: {0}")]
    Verify(#[from] VerifyError),
}

impl StateError {
    /// Stable snake-case name of the error: the inner kind for [`StateError::Decode`]
    /// and [`StateError::Verify`], `"wrong_state_type"` or `"inconsistent"` otherwise.
    pub fn kind(&self) -> &'static str {
        match self {
            Self::Decode(e) => e.kind(),
            Self::WrongStateType => "wrong_state_type",
            Self::Inconsistent { .. } => "inconsistent",
            Self::Verify(e) => e.kind(),
        }
    }
}

/// Overwrites every byte and text string inside `v`.
pub(crate) fn wipe(v: &mut Value) {
    match v {
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

/// Approximate encoded size of `v` (to allocate once, so no copy of a secret is left behind by a reallocation).
fn size_hint(v: &Value) -> usize {
    match v {
        Value::Bytes(b) => b.len().saturating_add(9),
        Value::Text(t) => t.len().saturating_add(9),
        Value::Array(items) => items.iter().map(size_hint).fold(9usize, usize::saturating_add),
        _ => 9,
    }
}

/// Builds a state array: tag, version, fields.
pub(crate) struct StateWriter(Vec<Value>);

impl StateWriter {
    pub(crate) fn new(tag: &str) -> Self {
        Self(vec![Value::Text(tag.to_owned()), Value::Integer(VERSION.into())])
    }

    pub(crate) fn bytes(mut self, v: &[u8]) -> Self {
        self.0.push(Value::Bytes(v.to_vec()));
        self
    }

    pub(crate) fn opt_bytes(mut self, v: Option<&[u8]>) -> Self {
        self.0.push(v.map_or(Value::Null, |b| Value::Bytes(b.to_vec())));
        self
    }

    pub(crate) fn list(mut self, entries: Vec<Vec<Value>>) -> Self {
        self.0.push(Value::Array(entries.into_iter().map(Value::Array).collect()));
        self
    }

    /// Encodes the state and wipes the intermediate tree.
    pub(crate) fn finish(self) -> Zeroizing<Vec<u8>> {
        let mut value = Value::Array(self.0);
        let mut out = Zeroizing::new(Vec::with_capacity(size_hint(&value)));
        // Writing into a Vec cannot fail; on a (ciborium) bug the state is empty and import rejects it.
        if ciborium::ser::into_writer(&value, &mut *out).is_err() {
            out.clear();
        }
        wipe(&mut value);
        out
    }
}

/// Reads the fields of a state (or of one entry of a list) in order. Wipes what it did not hand out.
pub(crate) struct StateReader {
    items: Vec<Value>,
    next: usize,
}

impl Drop for StateReader {
    fn drop(&mut self) {
        self.items.iter_mut().for_each(wipe);
    }
}

impl StateReader {
    /// Opens a state: the rules of the module documentation up to the arity.
    pub(crate) fn open(bytes: &[u8], tag: &str, arity: usize, max_len: usize) -> Result<Self, StateError> {
        if bytes.len() > max_len {
            return Err(DecodeError::TooLong { max: max_len, got: bytes.len() }.into());
        }
        if bytes.is_empty() {
            return Err(DecodeError::Truncated.into());
        }
        let mut rest = bytes;
        let mut value: Value =
            ciborium::de::from_reader_with_recursion_limit(&mut rest, MAX_DEPTH).map_err(|e| match e {
                ciborium::de::Error::RecursionLimitExceeded => DecodeError::NestingTooDeep,
                ciborium::de::Error::Io(_) => DecodeError::Truncated,
                ciborium::de::Error::Syntax(_) | ciborium::de::Error::Semantic(..) => DecodeError::MalformedCbor,
            })?;
        if !rest.is_empty() {
            wipe(&mut value);
            return Err(DecodeError::TrailingBytes.into());
        }
        let mut again = Zeroizing::new(Vec::with_capacity(bytes.len()));
        if ciborium::ser::into_writer(&value, &mut *again).is_err() || again.as_slice() != bytes {
            wipe(&mut value);
            return Err(DecodeError::NonCanonical.into());
        }
        let items = match value {
            Value::Array(items) => items,
            mut other => {
                wipe(&mut other);
                return Err(StateError::WrongStateType);
            }
        };
        let mut r = Self { items, next: 0 };
        match r.take() {
            Some(Value::Text(t)) if t == tag => {}
            _ => return Err(StateError::WrongStateType),
        }
        match r.take() {
            Some(Value::Integer(v)) if u64::try_from(v).ok() == Some(VERSION) => {}
            Some(Value::Integer(v)) => {
                let got = u64::try_from(v).unwrap_or(u64::MAX);
                return Err(DecodeError::UnsupportedVersion { got }.into());
            }
            _ => return Err(DecodeError::UnexpectedType { field: "version" }.into()),
        }
        r.expect_len(arity, "state")?;
        Ok(r)
    }

    /// Opens one entry of a list: an array of exactly `arity` items.
    fn entry(value: Value, field: &'static str, arity: usize) -> Result<Self, StateError> {
        let items = match value {
            Value::Array(items) => items,
            mut other => {
                wipe(&mut other);
                return Err(DecodeError::UnexpectedType { field }.into());
            }
        };
        let r = Self { items, next: 0 };
        r.expect_len(arity, field)?;
        Ok(r)
    }

    fn expect_len(&self, arity: usize, field: &'static str) -> Result<(), StateError> {
        if self.items.len() != arity {
            return Err(DecodeError::WrongArity { field, expected: arity, got: self.items.len() }.into());
        }
        Ok(())
    }

    fn take(&mut self) -> Option<Value> {
        let v = self.items.get_mut(self.next).map(|v| core::mem::replace(v, Value::Null));
        self.next = self.next.saturating_add(1);
        v
    }

    /// A byte string, in a buffer that wipes itself.
    pub(crate) fn bytes(&mut self, field: &'static str) -> Result<Zeroizing<Vec<u8>>, StateError> {
        match self.take() {
            Some(Value::Bytes(b)) => Ok(Zeroizing::new(b)),
            Some(mut other) => {
                wipe(&mut other);
                Err(DecodeError::UnexpectedType { field }.into())
            }
            None => Err(DecodeError::Truncated.into()),
        }
    }

    /// A byte string of exactly `N` bytes.
    pub(crate) fn fixed<const N: usize>(&mut self, field: &'static str) -> Result<Zeroizing<[u8; N]>, StateError> {
        let b = self.bytes(field)?;
        let mut out = Zeroizing::new([0u8; N]);
        if b.len() != N {
            return Err(DecodeError::WrongLength { field, expected: N, got: b.len() }.into());
        }
        out.copy_from_slice(&b);
        Ok(out)
    }

    /// A byte string or null.
    pub(crate) fn opt_bytes(&mut self, field: &'static str) -> Result<Option<Zeroizing<Vec<u8>>>, StateError> {
        match self.items.get(self.next) {
            Some(Value::Null) => {
                self.next = self.next.saturating_add(1);
                Ok(None)
            }
            _ => self.bytes(field).map(Some),
        }
    }

    /// An array of at most `max` entries, each an array of exactly `arity` items.
    pub(crate) fn list(
        &mut self,
        field: &'static str,
        max: usize,
        arity: usize,
    ) -> Result<Vec<StateReader>, StateError> {
        let mut items = match self.take() {
            Some(Value::Array(items)) => items,
            Some(mut other) => {
                wipe(&mut other);
                return Err(DecodeError::UnexpectedType { field }.into());
            }
            None => return Err(DecodeError::Truncated.into()),
        };
        if items.len() > max {
            items.iter_mut().for_each(wipe);
            return Err(DecodeError::TooManyItems { field, max }.into());
        }
        let mut out = Vec::with_capacity(items.len());
        for slot in items.iter_mut() {
            let value = core::mem::replace(slot, Value::Null);
            match Self::entry(value, field, arity) {
                Ok(r) => out.push(r),
                Err(e) => {
                    items.iter_mut().for_each(wipe);
                    return Err(e);
                }
            }
        }
        Ok(out)
    }
}
