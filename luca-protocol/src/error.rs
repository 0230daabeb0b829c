//! Error types, one per concern.
//!
//! * [`DecodeError`]: the bytes are not a well-formed message. Specific, so a
//!   server can log why it rejected input; never contains input bytes.
//! * [`VerifyError`]: a well-formed signed object is not acceptable
//!   (signature, chain, validity period, kind).
//! * [`OpenError`]: decryption failed (deliberately opaque), or decrypted
//!   content does not match what the envelope claims.
//! * [`SealError`]: content to be sealed breaks a rule, or a primitive failed.
//! * [`ContactFieldError`]: a contact field breaks a field rule: which field, and why ([`FieldProblem`]).
//! * [`crate::CryptoError`]: opaque failure of a primitive.
//!
//! Every error has a stable snake-case [`kind`](DecodeError::kind) that the
//! test vectors name in their `expect` field.

use core::fmt;

/// Why bytes or text could not be decoded into a message.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum DecodeError {
    /// The input is longer than the message's size cap (checked before parsing).
    #[error("input of {got} bytes exceeds the size cap of {max} bytes")]
    TooLong {
        /// The cap.
        max: usize,
        /// The input length.
        got: usize,
    },
    /// The input is empty or ends before the message is complete.
    #[error("input truncated")]
    Truncated,
    /// A fixed-size message or field has the wrong length.
    #[error("{field}: expected {expected} bytes, got {got}")]
    WrongLength {
        /// Which field (or `"message"`).
        field: &'static str,
        /// Required length.
        expected: usize,
        /// Actual length.
        got: usize,
    },
    /// The version byte or field names a version this implementation does not speak.
    #[error("unsupported version {got}")]
    UnsupportedVersion {
        /// The version found.
        got: u64,
    },
    /// Bytes remain after a complete message.
    #[error("trailing bytes after the message")]
    TrailingBytes,
    /// The guest QR checksum does not match (a misread or a tampered code).
    #[error("checksum mismatch")]
    BadChecksum,
    /// Text is not canonical unpadded RFC 4648 Base32.
    #[error("invalid Base32 text")]
    InvalidBase32,
    /// Text is not canonical unpadded base64url.
    #[error("invalid base64url text")]
    InvalidBase64,
    /// The CBOR is syntactically invalid.
    #[error("malformed CBOR")]
    MalformedCbor,
    /// The CBOR nests deeper than the message allows.
    #[error("CBOR nesting too deep")]
    NestingTooDeep,
    /// The CBOR is valid but not in the deterministic encoding (RFC 8949 §4.2.1).
    #[error("CBOR is not in deterministic encoding")]
    NonCanonical,
    /// A CBOR item has the wrong major type.
    #[error("{field}: unexpected CBOR type")]
    UnexpectedType {
        /// Which field.
        field: &'static str,
    },
    /// A CBOR array has the wrong number of items.
    #[error("{field}: expected {expected} items, got {got}")]
    WrongArity {
        /// Which structure.
        field: &'static str,
        /// Required item count.
        expected: usize,
        /// Actual item count.
        got: usize,
    },
    /// A list has more items than allowed.
    #[error("{field}: more than {max} items")]
    TooManyItems {
        /// Which list.
        field: &'static str,
        /// The cap.
        max: usize,
    },
    /// A public key or `enc` is not a valid P-256 point in the required encoding.
    #[error("{field}: invalid P-256 point")]
    InvalidPoint {
        /// Which field.
        field: &'static str,
    },
    /// A field's value is outside its allowed range or set.
    #[error("{field}: invalid value")]
    InvalidField {
        /// Which field.
        field: &'static str,
    },
    /// A URL does not have the required scheme or shape.
    #[error("invalid URL")]
    InvalidUrl,
    /// A COSE object has the wrong content type for what was expected.
    #[error("wrong COSE content type")]
    WrongContentType,
    /// A COSE object names an algorithm other than ES256.
    #[error("unsupported COSE algorithm")]
    UnsupportedAlgorithm,
    /// A COSE header carries a parameter that is not allowed.
    #[error("unexpected COSE header parameter")]
    UnexpectedHeader,
}

impl DecodeError {
    /// Stable snake-case name of the error, as used in test vectors.
    pub fn kind(&self) -> &'static str {
        match self {
            Self::TooLong { .. } => "too_long",
            Self::Truncated => "truncated",
            Self::WrongLength { .. } => "wrong_length",
            Self::UnsupportedVersion { .. } => "unsupported_version",
            Self::TrailingBytes => "trailing_bytes",
            Self::BadChecksum => "bad_checksum",
            Self::InvalidBase32 => "invalid_base32",
            Self::InvalidBase64 => "invalid_base64",
            Self::MalformedCbor => "malformed_cbor",
            Self::NestingTooDeep => "nesting_too_deep",
            Self::NonCanonical => "non_canonical",
            Self::UnexpectedType { .. } => "unexpected_type",
            Self::WrongArity { .. } => "wrong_arity",
            Self::TooManyItems { .. } => "too_many_items",
            Self::InvalidPoint { .. } => "invalid_point",
            Self::InvalidField { .. } => "invalid_field",
            Self::InvalidUrl => "invalid_url",
            Self::WrongContentType => "wrong_content_type",
            Self::UnsupportedAlgorithm => "unsupported_algorithm",
            Self::UnexpectedHeader => "unexpected_header",
        }
    }
}

/// Why a well-formed signed object is not acceptable.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum VerifyError {
    /// The signature does not verify under the expected key.
    #[error("signature does not verify")]
    BadSignature,
    /// `now` is at or after the object's `not_after`.
    #[error("expired")]
    Expired,
    /// `now` is before the object's `not_before`.
    #[error("not yet valid")]
    NotYetValid,
    /// `not_before >= not_after`, or a validity period exceeds its issuer's or its maximum.
    #[error("invalid validity period")]
    InvalidValidity,
    /// The object names an issuer other than the certificate it is checked against.
    #[error("issuer does not match")]
    WrongIssuer,
    /// The object is of another kind than required (e.g. a venue where a private meeting was expected).
    #[error("wrong kind")]
    WrongKind,
    /// A key does not match the key it must equal (e.g. a key share whose private key is not the announced one).
    #[error("key mismatch")]
    KeyMismatch,
}

impl VerifyError {
    /// Stable snake-case name of the error, as used in test vectors.
    pub fn kind(&self) -> &'static str {
        match self {
            Self::BadSignature => "bad_signature",
            Self::Expired => "expired",
            Self::NotYetValid => "not_yet_valid",
            Self::InvalidValidity => "invalid_validity",
            Self::WrongIssuer => "wrong_issuer",
            Self::WrongKind => "wrong_kind",
            Self::KeyMismatch => "key_mismatch",
        }
    }
}

/// Why sealed content could not be opened.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum OpenError {
    /// Decryption failed: wrong key, wrong binding (AAD) or tampered ciphertext. Deliberately opaque.
    #[error("decryption failed")]
    DecryptionFailed,
    /// The plaintext decrypted but is not a well-formed inner message.
    #[error("decrypted content is malformed: {0}")]
    Malformed(DecodeError),
    /// The plaintext decrypted but contradicts its envelope (e.g. the inner trace id differs from the record's).
    #[error("decrypted content does not match its envelope: {field}")]
    BindingMismatch {
        /// Which field disagrees.
        field: &'static str,
    },
}

impl OpenError {
    /// Stable snake-case name of the error, as used in test vectors.
    pub fn kind(&self) -> &'static str {
        match self {
            Self::DecryptionFailed => "decryption_failed",
            Self::Malformed(e) => e.kind(),
            Self::BindingMismatch { .. } => "binding_mismatch",
        }
    }
}

impl From<crate::CryptoError> for OpenError {
    fn from(_: crate::CryptoError) -> Self {
        Self::DecryptionFailed
    }
}

/// Why a message could not be sealed or built.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum SealError {
    /// The content violates the message's rules (the same rule the recipient
    /// enforces after opening, with the same error).
    #[error("invalid input: {0}")]
    InvalidInput(DecodeError),
    /// A contact field breaks a field rule: which field and why (kind `invalid_field`, as the
    /// [`DecodeError::InvalidField`] the recipient would report).
    #[error("invalid input: {0}")]
    InvalidContactField(ContactFieldError),
    /// A cryptographic primitive failed (never in practice).
    #[error("sealing failed: {0}")]
    Crypto(crate::CryptoError),
}

impl SealError {
    /// Stable snake-case name of the error: the [`DecodeError::kind`] of an
    /// invalid input, `"crypto"` otherwise.
    pub fn kind(&self) -> &'static str {
        match self {
            Self::InvalidInput(e) => e.kind(),
            Self::InvalidContactField(e) => e.kind(),
            Self::Crypto(_) => "crypto",
        }
    }
}

impl From<DecodeError> for SealError {
    fn from(e: DecodeError) -> Self {
        Self::InvalidInput(e)
    }
}

impl From<ContactFieldError> for SealError {
    fn from(e: ContactFieldError) -> Self {
        Self::InvalidContactField(e)
    }
}

impl From<crate::CryptoError> for SealError {
    fn from(e: crate::CryptoError) -> Self {
        Self::Crypto(e)
    }
}

/// Why a contact field is refused: the reason behind the `invalid_field` of [`ContactFields::check`](crate::messages::contact_data::ContactFields::check).
///
/// Carries no part of the text but, for [`ForbiddenCharacter`](Self::ForbiddenCharacter), the code point of the
/// refused character, which is one of the fixed list of control and invisible format characters.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum FieldProblem {
    /// Shorter than `min` UTF-8 bytes (`min` is 1 for a required field: the field is empty).
    TooShort {
        /// The least length, in UTF-8 bytes.
        min: usize,
    },
    /// Longer than `max` UTF-8 bytes.
    TooLong {
        /// The greatest length, in UTF-8 bytes.
        max: usize,
    },
    /// Not in Unicode Normalization Form C (only after decryption: sealing normalises).
    NotNfc,
    /// Contains a character no field may hold (a control, separator or invisible format character).
    ForbiddenCharacter {
        /// The character's code point.
        code_point: u32,
    },
    /// A phone number holds a character other than `0-9 + ( ) / -` and space.
    NotAPhoneNumber,
    /// A phone number has fewer than 3 digits.
    TooFewDigits,
}

impl fmt::Display for FieldProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            Self::TooShort { min: 1 } => f.write_str("empty"),
            Self::TooShort { min } => write!(f, "shorter than {min} bytes"),
            Self::TooLong { max } => write!(f, "longer than {max} bytes"),
            Self::NotNfc => f.write_str("not in Unicode Normalization Form C"),
            Self::ForbiddenCharacter { code_point } => write!(f, "forbidden character U+{code_point:04X}"),
            Self::NotAPhoneNumber => f.write_str("only digits, space and + ( ) / - are allowed"),
            Self::TooFewDigits => f.write_str("fewer than 3 digits"),
        }
    }
}

/// A contact field that breaks a field rule (docs/PROTOCOL.md §8.1): which field, and why.
///
/// Its [`kind`](Self::kind) is the spec's `invalid_field`; it converts into
/// [`DecodeError::InvalidField`] (which names the field only) where the reason is not wanted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("{field}: {problem}")]
pub struct ContactFieldError {
    /// The field, by its spec name (`first_name`, `phone`, …).
    pub field: &'static str,
    /// Why it is refused.
    pub problem: FieldProblem,
}

impl ContactFieldError {
    /// Stable snake-case name of the error: `invalid_field`, as for [`DecodeError::InvalidField`].
    pub fn kind(&self) -> &'static str {
        "invalid_field"
    }
}

impl From<ContactFieldError> for DecodeError {
    fn from(e: ContactFieldError) -> Self {
        DecodeError::InvalidField { field: e.field }
    }
}
