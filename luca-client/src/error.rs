//! Errors of the guest role: one enum per concern, each with a stable [`kind`](ClientError::kind).
//!
//! No error carries a secret, personal data or input bytes.

use luca_protocol::CryptoError;
use luca_protocol::badge_serial::BadgeSerialError;
use luca_protocol::error::{DecodeError, SealError, VerifyError};
use luca_protocol::qr::render::RenderError;

/// Why a guest operation failed. Nothing is recorded in the guest's state when an operation fails.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ClientError {
    /// An input (guest name, venue QR, …) breaks a protocol rule. [`kind`](Self::kind) is the decoder's kind.
    #[error("invalid input: {0}")]
    Invalid(DecodeError),
    /// A contact field breaks a field rule: which field and why (kind `invalid_field`).
    #[error("invalid input: {0}")]
    InvalidContactField(luca_protocol::messages::contact_data::ContactFieldError),
    /// The venue descriptor of a scanned venue QR did not verify (signature, issuer, validity).
    /// [`kind`](Self::kind) is the verifier's kind (`bad_signature`, `wrong_issuer`, `expired`, …).
    #[error("venue descriptor rejected: {0}")]
    VenueRejected(VerifyError),
    /// A descriptor of the other kind was given (a private meeting where a venue is required, or back).
    #[error("descriptor is of the wrong kind")]
    WrongKind,
    /// The daily key is not a daily key (purpose `Daily`) valid at `now`.
    #[error("the daily key is not valid now")]
    DailyKeyNotValid,
    /// The venue or private meeting is not valid at `now` (its descriptor expired or is not yet valid).
    #[error("the venue is not valid now")]
    VenueNotValid,
    /// No tracing secret exists for the requested day (erased by `purge`, or never created).
    #[error("no tracing secret for that day")]
    NoTracingSecret,
    /// The check-in code is not one of this guest's.
    #[error("not a check-in of this guest")]
    NotOwnCheckIn,
    /// There is nothing to share: the guest holds no tracing secret of today or the previous 14 days.
    #[error("no tracing secret in the history window")]
    NothingToShare,
    /// The guest's check-in history is full (only possible with a clock jumping far back and forth).
    #[error("check-in history is full")]
    StorageFull,
    /// The typed badge serial is not a badge serial.
    #[error("invalid badge serial: {0}")]
    BadgeSerial(BadgeSerialError),
    /// A QR code could not be rendered.
    #[error("QR rendering failed: {0}")]
    Render(RenderError),
    /// A cryptographic primitive failed (never in practice).
    #[error("cryptographic operation failed")]
    Crypto,
}

impl ClientError {
    /// Stable snake-case name of the error. An error that wraps a decoder's, verifier's or badge serial's
    /// error has that error's kind: the spec's vocabulary (docs/PROTOCOL.md, error kinds), the same kind
    /// every crate and binding gives for the same bad input.
    pub fn kind(&self) -> &'static str {
        match self {
            Self::Invalid(e) => e.kind(),
            Self::InvalidContactField(e) => e.kind(),
            Self::VenueRejected(e) => e.kind(),
            Self::WrongKind => "wrong_kind",
            Self::DailyKeyNotValid => "daily_key_not_valid",
            Self::VenueNotValid => "venue_not_valid",
            Self::NoTracingSecret => "no_tracing_secret",
            Self::NotOwnCheckIn => "not_own_check_in",
            Self::NothingToShare => "nothing_to_share",
            Self::StorageFull => "storage_full",
            Self::BadgeSerial(e) => e.kind(),
            Self::Render(_) => "render",
            Self::Crypto => "crypto",
        }
    }
}

impl From<DecodeError> for ClientError {
    fn from(e: DecodeError) -> Self {
        Self::Invalid(e)
    }
}

impl From<VerifyError> for ClientError {
    fn from(e: VerifyError) -> Self {
        Self::VenueRejected(e)
    }
}

impl From<CryptoError> for ClientError {
    fn from(_: CryptoError) -> Self {
        Self::Crypto
    }
}

impl From<SealError> for ClientError {
    fn from(e: SealError) -> Self {
        match e {
            SealError::InvalidInput(d) => Self::Invalid(d),
            SealError::InvalidContactField(e) => Self::InvalidContactField(e),
            _ => Self::Crypto,
        }
    }
}

impl From<luca_protocol::messages::contact_data::ContactFieldError> for ClientError {
    fn from(e: luca_protocol::messages::contact_data::ContactFieldError) -> Self {
        Self::InvalidContactField(e)
    }
}

impl From<BadgeSerialError> for ClientError {
    fn from(e: BadgeSerialError) -> Self {
        Self::BadgeSerial(e)
    }
}

impl From<RenderError> for ClientError {
    fn from(e: RenderError) -> Self {
        Self::Render(e)
    }
}

/// Why exported state bytes could not be imported: the state error of every role, from
/// [`luca_protocol::state`] (the same type as `luca_venue::StateError` and `luca_healthoffice::StateError`).
pub use luca_protocol::state::StateError;
