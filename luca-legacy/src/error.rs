//! Errors, one enum per concern. Decoding errors are specific; opening errors are deliberately opaque.
//! No error carries key material, secrets, personal data or input bytes.

/// A legacy code or message does not decode (size, text, length, version, checksum, field).
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum DecodeError {
    /// The input is empty.
    #[error("empty input")]
    Empty,
    /// The input is longer than any legacy format (checked before anything else).
    #[error("input too long: {got}, at most {max}")]
    TooLong {
        /// The cap.
        max: usize,
        /// The input's length.
        got: usize,
    },
    /// The text is neither RFC 4648 Base32 nor Z85 (ZeroMQ RFC 32), also after the keyboard-layout fix.
    #[error("not Base32 or Z85 text")]
    BadText,
    /// A field or message has the wrong length.
    #[error("{what}: {got} bytes, expected {expected}")]
    WrongLength {
        /// The field or message.
        what: &'static str,
        /// The expected length.
        expected: usize,
        /// The length found.
        got: usize,
    },
    /// The version byte is not one of the legacy versions (0x03, 0x04).
    #[error("unknown version {0:#04x}")]
    UnknownVersion(u8),
    /// The 4-byte SHA-256 checksum does not match (a misread code).
    #[error("checksum mismatch")]
    BadChecksum,
    /// A point is not on P-256 (or not in the expected SEC1 form).
    #[error("{0}: not a P-256 point")]
    InvalidPoint(&'static str),
    /// A field has a value outside its range.
    #[error("{0}: invalid value")]
    InvalidField(&'static str),
}

impl DecodeError {
    /// The stable kind (the `expect` of the legacy vectors).
    pub fn kind(&self) -> &'static str {
        match self {
            Self::Empty => "empty",
            Self::TooLong { .. } => "too_long",
            Self::BadText => "bad_text",
            Self::WrongLength { .. } => "wrong_length",
            Self::UnknownVersion(_) => "unknown_version",
            Self::BadChecksum => "bad_checksum",
            Self::InvalidPoint(_) => "invalid_point",
            Self::InvalidField(_) => "invalid_field",
        }
    }
}

/// Opening failed: wrong key, tampered ciphertext or verification tag. Deliberately says no more.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("decryption failed")]
pub struct OpenError;

impl OpenError {
    /// The stable kind.
    pub fn kind(&self) -> &'static str {
        "decryption_failed"
    }
}

/// Encrypted contact data did not decrypt to the original app's contact format.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ContactDataError {
    /// A length (IV, MAC, ciphertext cap) is wrong.
    #[error(transparent)]
    Decode(#[from] DecodeError),
    /// The MAC does not verify (wrong data secret or tampered ciphertext). Deliberately opaque.
    #[error("decryption failed")]
    DecryptionFailed,
    /// The plaintext is not the contact-data JSON: names the member, never its value.
    #[error("contact data: {0}")]
    Format(&'static str),
}

impl ContactDataError {
    /// The stable kind.
    pub fn kind(&self) -> &'static str {
        match self {
            Self::Decode(e) => e.kind(),
            Self::DecryptionFailed => "decryption_failed",
            Self::Format(_) => "contact_data_format",
        }
    }
}

/// A signature (badge attestation, contact-data signature) does not verify.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("signature does not verify")]
pub struct SignatureError;

impl SignatureError {
    /// The stable kind.
    pub fn kind(&self) -> &'static str {
        "bad_signature"
    }
}

/// A printed badge serial number is not one of the original formats.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum SerialError {
    /// Not 12 Crockford Base32 symbols (hyphens and spaces allowed).
    #[error("not a badge serial number (12 Crockford Base32 symbols)")]
    BadFormat,
    /// The last symbol names no known badge revision (`0`/`g`: v3, `2`/`h`: v4).
    #[error("unknown badge revision")]
    UnknownRevision,
    /// The serial's derived private key is not a valid P-256 scalar (the original issuer skipped it).
    #[error("serial not usable: derived key out of range")]
    KeyOutOfRange,
}

impl SerialError {
    /// The stable kind.
    pub fn kind(&self) -> &'static str {
        match self {
            Self::BadFormat => "bad_serial",
            Self::UnknownRevision => "unknown_revision",
            Self::KeyOutOfRange => "key_out_of_range",
        }
    }
}
