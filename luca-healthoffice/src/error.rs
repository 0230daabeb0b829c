//! Error types of the health office, one per concern:
//!
//! * [`KeyError`]: certificates and key management (rotation, key shares).
//! * [`TracingError`]: history shares, TANs, consent responses, contact data, notification lists.
//! * [`CommitteeError`]: a key committee member's side of threshold daily keys (DKG, partial decryptions).
//!
//! State import has [`StateError`](crate::StateError), the issuance helpers
//! [`AuthorityError`](crate::authority::AuthorityError). Every error has a
//! stable snake-case `kind()`; no error carries a secret, personal data or
//! input bytes.

use luca_protocol::CryptoError;
use luca_protocol::error::{DecodeError, OpenError, VerifyError};
use luca_protocol::tan::TanError;
use luca_protocol::threshold::ThresholdError;

/// Why a certificate or key-management operation failed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum KeyError {
    /// A certificate, announcement or key share is malformed, or an announcement could not be built.
    #[error("malformed input: {0}")]
    Decode(#[from] DecodeError),
    /// A certificate or announcement does not verify.
    #[error("verification failed: {0}")]
    Verify(#[from] VerifyError),
    /// A key share does not open, or its key is not the announced one.
    #[error("key share: {0}")]
    Open(#[from] OpenError),
    /// The office has no certificate installed yet.
    #[error("the health office has no certificate")]
    NotCertified,
    /// The certificate does not name this office's id and keys.
    #[error("the certificate is not this health office's")]
    CertificateMismatch,
    /// The certificate chains to another trust anchor than the one already installed.
    #[error("another trust anchor than the installed one")]
    AnchorMismatch,
    /// Another office's certificate does not verify under this office's trust anchor.
    #[error("a health-office certificate does not verify under the trust anchor")]
    UntrustedCertificate,
    /// A key with this id is already held (daily: someone already rotated today's key).
    #[error("a key with this id is already held")]
    KeyAlreadyHeld,
    /// A key share does not belong to the announcement it came with.
    #[error("key share does not match its announcement: {field}")]
    ShareMismatch {
        /// Which field differs (`purpose`, `key_id`, `issuer`).
        field: &'static str,
    },
    /// The office already holds the maximum number of keys of this purpose ([`crate::MAX_HELD_KEYS`]); purge first.
    #[error("too many keys held")]
    TooManyKeys,
    /// A cryptographic primitive failed (never in practice).
    #[error("cryptographic operation failed")]
    Crypto(#[from] CryptoError),
}

impl KeyError {
    /// Stable snake-case name of the error (the inner kind for wrapped protocol errors).
    pub fn kind(&self) -> &'static str {
        match self {
            Self::Decode(e) => e.kind(),
            Self::Verify(e) => e.kind(),
            Self::Open(e) => e.kind(),
            Self::NotCertified => "not_certified",
            Self::CertificateMismatch => "certificate_mismatch",
            Self::AnchorMismatch => "anchor_mismatch",
            Self::UntrustedCertificate => "untrusted_certificate",
            Self::KeyAlreadyHeld => "key_already_held",
            Self::ShareMismatch { .. } => "share_mismatch",
            Self::TooManyKeys => "too_many_keys",
            Self::Crypto(_) => "crypto",
        }
    }
}

/// Why a tracing operation failed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum TracingError {
    /// A message is malformed, or a request or list could not be built from the inputs.
    #[error("malformed message: {0}")]
    Decode(#[from] DecodeError),
    /// Sealed content does not open, or contradicts its envelope.
    #[error("{0}")]
    Open(#[from] OpenError),
    /// The TAN as typed is not valid.
    #[error("invalid TAN: {0}")]
    Tan(#[from] TanError),
    /// No history share is stored under the TAN.
    #[error("no history share for this TAN")]
    HistoryNotFound,
    /// The daily key named by a message is not held (never received, or erased).
    #[error("daily key not held")]
    UnknownDailyKey,
    /// The badge key named by a badge attestation is not held (never received, or erased).
    #[error("badge key not held")]
    UnknownBadgeKey,
    /// A warning level outside 1..=3.
    #[error("warning levels are 1 to 3")]
    InvalidLevel,
    /// A day range that is empty or longer than [`crate::MAX_BADGE_DAYS`] days.
    #[error("invalid day range")]
    InvalidDayRange,
    /// A threshold opening failed: a partial decryption request could not be built, a co-office's
    /// response is wrong (naming the member), or too few members answered.
    #[error("threshold opening: {0}")]
    Threshold(#[from] ThresholdError),
    /// A cryptographic primitive failed (never in practice).
    #[error("cryptographic operation failed")]
    Crypto(#[from] CryptoError),
}

impl TracingError {
    /// Stable snake-case name of the error (the inner kind for wrapped protocol errors).
    pub fn kind(&self) -> &'static str {
        match self {
            Self::Decode(e) => e.kind(),
            Self::Open(e) => e.kind(),
            Self::Tan(e) => e.kind(),
            Self::HistoryNotFound => "history_not_found",
            Self::UnknownDailyKey => "unknown_daily_key",
            Self::UnknownBadgeKey => "unknown_badge_key",
            Self::InvalidLevel => "invalid_level",
            Self::InvalidDayRange => "invalid_day_range",
            Self::Threshold(e) => e.kind(),
            Self::Crypto(_) => "crypto",
        }
    }
}

/// Why a key committee member's operation (threshold daily keys, PROTOCOL.md §13) failed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum CommitteeError {
    /// A DKG or partial-decryption message is malformed.
    #[error("malformed message: {0}")]
    Decode(#[from] DecodeError),
    /// The office is not certified, a committee member's or the requester's certificate does not
    /// verify under the office's trust anchor, or a key for this day is already held.
    #[error("key management: {0}")]
    Key(#[from] KeyError),
    /// The threshold protocol refused: an invalid committee, a request that is not current or not
    /// from a committee member, a bad signature, too few qualified dealers.
    #[error("threshold protocol: {0}")]
    Threshold(#[from] ThresholdError),
    /// This office is not on the committee it was asked to join.
    #[error("this health office is not on the committee")]
    NotOnCommittee,
    /// A DKG state was handed to another office than the one that started it.
    #[error("the DKG was started by another health office")]
    OtherOffice,
    /// No share of this daily key is held (never generated, or erased by purge).
    #[error("no share of this daily key is held")]
    UnknownDailyKey,
    /// The daily key's retention has ended: its share must not be used (purge erases it).
    #[error("the daily key's retention has ended")]
    Expired,
    /// The office's policy hook refused the request.
    #[error("partial-decryption request refused by policy")]
    RefusedByPolicy,
}

impl CommitteeError {
    /// Stable snake-case name of the error (the inner kind for wrapped errors).
    pub fn kind(&self) -> &'static str {
        match self {
            Self::Decode(e) => e.kind(),
            Self::Key(e) => e.kind(),
            Self::Threshold(e) => e.kind(),
            Self::NotOnCommittee => "not_on_committee",
            Self::OtherOffice => "other_office",
            Self::UnknownDailyKey => "unknown_daily_key",
            Self::Expired => "expired",
            Self::RefusedByPolicy => "refused_by_policy",
        }
    }
}
