//! [`StateError`]: why state bytes could not be imported, the same for every role.

use crate::error::{DecodeError, VerifyError};

/// Why exported state bytes could not be imported: the one error of every role's `import_state`
/// (`luca_client::StateError`, `luca_venue::StateError` and `luca_healthoffice::StateError` are this type).
///
/// The variants follow the order of the checks (see [the module documentation](crate::state)); each has a
/// stable snake-case [`kind`](Self::kind), the names of [`DecodeError::kind`] where the rule is the same. No
/// variant carries the input bytes or a secret.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum StateError {
    /// The input is longer than the state's size cap (checked before parsing). Kind `too_long`.
    #[error("state of {got} bytes exceeds the size cap of {max} bytes")]
    TooLong {
        /// The cap.
        max: usize,
        /// The input length.
        got: usize,
    },
    /// The input is empty or ends before the state is complete. Kind `truncated`.
    #[error("state truncated")]
    Truncated,
    /// The input is not well-formed CBOR. Kind `malformed_cbor`.
    #[error("malformed CBOR")]
    MalformedCbor,
    /// The CBOR nests deeper than the state allows. Kind `nesting_too_deep`.
    #[error("CBOR nesting too deep")]
    NestingTooDeep,
    /// Bytes remain after the state. Kind `trailing_bytes`.
    #[error("trailing bytes after the state")]
    TrailingBytes,
    /// The CBOR is not in deterministic encoding, or holds an item no state has (a map, a float, a tag, a simple
    /// value other than `false`, `true`, `null`). Kind `non_canonical`.
    #[error("state is not in deterministic encoding")]
    NonCanonical,
    /// The bytes are not a state of this type: not an array, no state type, or another role's state.
    /// Kind `wrong_state_type`.
    #[error("not a state of this type")]
    WrongStateType,
    /// The state's version is not the one this crate reads. Kind `unsupported_version`.
    #[error("unsupported state version {got}")]
    UnsupportedVersion {
        /// The version found.
        got: u64,
    },
    /// The state, or an entry of one of its lists, has the wrong number of items. Kind `wrong_arity`.
    #[error("{field}: expected {expected} items, got {got}")]
    WrongArity {
        /// `"state"`, or the name of the list whose entry it is.
        field: &'static str,
        /// Required item count.
        expected: usize,
        /// Actual item count.
        got: usize,
    },
    /// A field has the wrong CBOR major type (e.g. text where bytes belong). Kind `unexpected_type`.
    #[error("{field}: unexpected CBOR type")]
    UnexpectedType {
        /// Which field.
        field: &'static str,
    },
    /// A fixed-size byte field has the wrong length. Kind `wrong_length`.
    #[error("{field}: expected {expected} bytes, got {got}")]
    WrongLength {
        /// Which field.
        field: &'static str,
        /// Required length.
        expected: usize,
        /// Actual length.
        got: usize,
    },
    /// A list has more entries than allowed. Kind `too_many_items`.
    #[error("{field}: more than {max} items")]
    TooManyItems {
        /// Which list.
        field: &'static str,
        /// The cap.
        max: usize,
    },
    /// A field's value is out of its range or set (an invalid private key, an unknown device type, an
    /// embedded object that does not decode, an unordered list). Kind `invalid_field`.
    #[error("{field}: invalid value")]
    InvalidField {
        /// Which field.
        field: &'static str,
    },
    /// Fields contradict each other (e.g. a private key that does not match its announcement). Kind
    /// `inconsistent`.
    #[error("inconsistent state: {field}")]
    Inconsistent {
        /// Which part of the state.
        field: &'static str,
    },
    /// A sealed state does not open under the key: a wrong key or a changed byte (deliberately opaque).
    #[error("the sealed state does not open with this key")]
    DecryptionFailed,
    /// A signed object held in the state no longer verifies. Kind: the inner [`VerifyError::kind`]
    /// (`bad_signature`, …).
    #[error("signed object in state does not verify: {0}")]
    Verify(#[from] VerifyError),
}

impl StateError {
    /// Stable snake-case name of the error (see each variant).
    pub fn kind(&self) -> &'static str {
        match self {
            Self::DecryptionFailed => "decryption_failed",
            Self::TooLong { .. } => "too_long",
            Self::Truncated => "truncated",
            Self::MalformedCbor => "malformed_cbor",
            Self::NestingTooDeep => "nesting_too_deep",
            Self::TrailingBytes => "trailing_bytes",
            Self::NonCanonical => "non_canonical",
            Self::WrongStateType => "wrong_state_type",
            Self::UnsupportedVersion { .. } => "unsupported_version",
            Self::WrongArity { .. } => "wrong_arity",
            Self::UnexpectedType { .. } => "unexpected_type",
            Self::WrongLength { .. } => "wrong_length",
            Self::TooManyItems { .. } => "too_many_items",
            Self::InvalidField { .. } => "invalid_field",
            Self::Inconsistent { .. } => "inconsistent",
            Self::Verify(e) => e.kind(),
        }
    }

    /// The error of `field`, whose value (a key, an embedded signed object) did not decode with `e`: a
    /// [`DecodeError::WrongLength`] of the whole value keeps its lengths ([`StateError::WrongLength`]), anything
    /// else is [`StateError::InvalidField`].
    pub fn in_field(field: &'static str, e: DecodeError) -> Self {
        match e {
            DecodeError::WrongLength { expected, got, .. } => Self::WrongLength { field, expected, got },
            _ => Self::InvalidField { field },
        }
    }

    /// The error of a failed [`crate::cbor::decode`] (which reports only the CBOR rules).
    pub(crate) fn from_cbor(e: DecodeError) -> Self {
        match e {
            DecodeError::TooLong { max, got } => Self::TooLong { max, got },
            DecodeError::Truncated => Self::Truncated,
            DecodeError::NestingTooDeep => Self::NestingTooDeep,
            DecodeError::TrailingBytes => Self::TrailingBytes,
            DecodeError::NonCanonical => Self::NonCanonical,
            // `MalformedCbor`, and nothing else `decode` returns.
            _ => Self::MalformedCbor,
        }
    }
}
