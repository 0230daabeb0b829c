//! Error types, one per concern: scanning ([`ScanError`]), the venue owner's
//! operations ([`VenueError`]), private meetings ([`MeetingError`]) and state
//! import ([`StateError`]).
//!
//! Every error has a stable snake-case `kind()`. No error carries a secret,
//! personal data or input bytes.

use luca_protocol::CryptoError;
use luca_protocol::error::{DecodeError, SealError, VerifyError};

/// Why a scanned code was refused. Nothing is emitted or remembered on any of these.
#[derive(Debug, Clone, thiserror::Error, PartialEq, Eq)]
#[non_exhaustive]
pub enum ScanError {
    /// The text is not a well-formed guest check-in QR or badge QR (including a
    /// bad checksum: kind `bad_checksum`). [`kind`](Self::kind) is the decoder's kind.
    #[error("malformed code: {0}")]
    Malformed(#[from] DecodeError),
    /// The guest QR's minute is older than the freshness window.
    #[error("code is stale")]
    Stale,
    /// The guest QR's minute lies in the future beyond the freshness window.
    #[error("code is from the future")]
    FromFuture,
    /// The guest QR names a daily key the scanner does not know, or one not valid now.
    #[error("unknown or invalid daily key")]
    UnknownDailyKey,
    /// The trace id was already scanned within the window (replay).
    #[error("duplicate trace id")]
    DuplicateTraceId,
    /// A badge was scanned but the scanner has no registrar certificate to verify it with.
    #[error("badges are not accepted: no registrar certificate")]
    NoRegistrar,
    /// The badge attestation does not verify with the registrar certificate
    /// (wrong issuer, bad signature, certificate not valid now, issued in the future).
    #[error("untrusted badge: {0}")]
    UntrustedBadge(VerifyError),
    /// The same badge was already scanned within the window.
    #[error("duplicate badge")]
    DuplicateBadge,
    /// Sealing the outer layer failed.
    #[error("cryptographic operation failed")]
    Crypto,
}

impl ScanError {
    /// Stable snake-case name of the rejection; a wrapped decoder's or verifier's error has its own kind
    /// (the spec's vocabulary, the same for the same bad input at every entry point).
    pub fn kind(&self) -> &'static str {
        match self {
            Self::Malformed(e) => e.kind(),
            Self::Stale => "stale",
            Self::FromFuture => "from_future",
            Self::UnknownDailyKey => "unknown_daily_key",
            Self::DuplicateTraceId => "duplicate_trace_id",
            Self::NoRegistrar => "no_registrar",
            Self::UntrustedBadge(e) => e.kind(),
            Self::DuplicateBadge => "duplicate_badge",
            Self::Crypto => "crypto",
        }
    }
}

impl From<SealError> for ScanError {
    fn from(e: SealError) -> Self {
        match e {
            SealError::InvalidInput(d) => Self::Malformed(d),
            _ => Self::Crypto,
        }
    }
}

impl From<CryptoError> for ScanError {
    fn from(_: CryptoError) -> Self {
        Self::Crypto
    }
}

/// Why an operation of the venue owner failed: installing the venue
/// descriptor, printing the venue QR, answering a tracing request.
#[derive(Debug, Clone, thiserror::Error, PartialEq, Eq)]
#[non_exhaustive]
pub enum VenueError {
    /// The descriptor bytes do not decode as a venue descriptor.
    #[error("malformed venue descriptor: {0}")]
    MalformedDescriptor(DecodeError),
    /// The descriptor is a private-meeting descriptor, not a registrar-signed venue descriptor.
    #[error("not a venue descriptor")]
    NotAVenueDescriptor,
    /// The descriptor does not verify with the registrar certificate at `now`.
    #[error("untrusted venue descriptor: {0}")]
    UntrustedDescriptor(VerifyError),
    /// The descriptor names another venue id.
    #[error("descriptor names another venue")]
    WrongVenue,
    /// The descriptor names another venue key than this venue's.
    #[error("descriptor names another venue key")]
    KeyMismatch,
    /// No verified venue descriptor is installed (none yet, or imported and not re-verified).
    #[error("no verified venue descriptor installed")]
    NoDescriptor,
    /// The host of the venue QR URL is empty, too long or has a character outside `A–Z a–z 0–9 . - :`.
    #[error("invalid host for the venue QR")]
    InvalidHost,
    /// The table number is not in `1..=table_count` of the descriptor (or the venue has no tables).
    #[error("invalid table number")]
    InvalidTable,
    /// The venue QR could not be built for another reason.
    #[error("venue QR could not be built: {0}")]
    InvalidQr(DecodeError),
    /// The tracing request bytes do not decode.
    #[error("malformed tracing request: {0}")]
    MalformedRequest(DecodeError),
    /// The tracing request does not verify: another health office than the
    /// certificate, certificate not valid now, bad signature, expired, not yet
    /// valid. A request addressed to another venue is [`RequestForOtherVenue`](Self::RequestForOtherVenue).
    #[error("untrusted tracing request: {0}")]
    UntrustedRequest(VerifyError),
    /// The tracing request is addressed to another venue.
    #[error("tracing request for another venue")]
    RequestForOtherVenue,
    /// Re-sealing to the health office failed.
    #[error("cryptographic operation failed")]
    Crypto,
}

impl VenueError {
    /// Stable snake-case name of the error; a wrapped decoder's or verifier's error has its own kind
    /// (the spec's vocabulary, the same for the same bad input at every entry point).
    pub fn kind(&self) -> &'static str {
        match self {
            Self::MalformedDescriptor(e) => e.kind(),
            Self::NotAVenueDescriptor => "not_a_venue_descriptor",
            Self::UntrustedDescriptor(e) => e.kind(),
            Self::WrongVenue => "wrong_venue",
            Self::KeyMismatch => "key_mismatch",
            Self::NoDescriptor => "no_descriptor",
            Self::InvalidHost => "invalid_host",
            Self::InvalidTable => "invalid_table",
            Self::InvalidQr(e) => e.kind(),
            Self::MalformedRequest(e) => e.kind(),
            Self::UntrustedRequest(e) => e.kind(),
            Self::RequestForOtherVenue => "request_for_other_venue",
            Self::Crypto => "crypto",
        }
    }
}

/// Why a private meeting could not be set up or shown.
#[derive(Debug, Clone, thiserror::Error, PartialEq, Eq)]
#[non_exhaustive]
pub enum MeetingError {
    /// The meeting name is empty, longer than 128 bytes or has a control character.
    #[error("invalid meeting name")]
    InvalidName,
    /// The validity period is empty (`not_before >= not_after`).
    #[error("invalid validity period")]
    InvalidValidity,
    /// The host of the QR URL is empty, too long or has a character outside `A–Z a–z 0–9 . - :`.
    #[error("invalid host for the meeting QR")]
    InvalidHost,
    /// The descriptor or QR could not be built for another reason.
    #[error("meeting descriptor or QR could not be built: {0}")]
    Invalid(DecodeError),
}

impl MeetingError {
    /// Stable snake-case name of the error; a wrapped decoder's or verifier's error has its own kind
    /// (the spec's vocabulary, the same for the same bad input at every entry point).
    pub fn kind(&self) -> &'static str {
        match self {
            Self::InvalidName => "invalid_name",
            Self::InvalidValidity => "invalid_validity",
            Self::InvalidHost => "invalid_host",
            Self::Invalid(e) => e.kind(),
        }
    }
}

/// Why exported state bytes could not be imported: the state error of every role, from
/// [`luca_protocol::state`] (the same type as `luca_client::StateError` and `luca_healthoffice::StateError`).
pub use luca_protocol::state::StateError;
