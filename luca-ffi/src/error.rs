//! The one error type that crosses the boundary.

use luca_protocol::error::{DecodeError, VerifyError};

/// Why a call failed.
///
/// A flat error: each variant names the concern (and becomes an exception
/// class in Kotlin, Swift and Python); its message is `"<kind>: <text>"`,
/// where `<kind>` is the stable snake-case `kind()` of the role crate's error
/// (`bad_checksum`, `stale`, `duplicate_trace_id`, `decryption_failed`, …; see
/// `docs/PROTOCOL.md` and the role crates) and `<text>` its description.
/// Neither carries a secret, personal data or input bytes.
#[derive(Debug, thiserror::Error, uniffi::Error)]
#[uniffi(flat_error)]
pub enum LucaError {
    /// An argument does not decode: an id, a key, a certificate, a message or a QR code of the wrong
    /// length or shape (kind of the protocol's `DecodeError`).
    #[error("{kind}: {message}")]
    InvalidInput {
        /// Stable kind.
        kind: &'static str,
        /// Description.
        message: String,
    },
    /// A certificate, daily key announcement, notification list, venue descriptor or tracing request
    /// does not verify (kind of the protocol's `VerifyError`).
    #[error("{kind}: {message}")]
    Verification {
        /// Stable kind.
        kind: &'static str,
        /// Description.
        message: String,
    },
    /// A guest operation failed (`luca_client::ClientError`).
    #[error("{kind}: {message}")]
    Guest {
        /// Stable kind.
        kind: &'static str,
        /// Description.
        message: String,
    },
    /// The scanner refused a code (`luca_venue::ScanError`): the specific rejection reason.
    #[error("{kind}: {message}")]
    Scan {
        /// Stable kind.
        kind: &'static str,
        /// Description.
        message: String,
    },
    /// A venue owner's operation failed (`luca_venue::VenueError`).
    #[error("{kind}: {message}")]
    Venue {
        /// Stable kind.
        kind: &'static str,
        /// Description.
        message: String,
    },
    /// A private meeting could not be set up or shown (`luca_venue::MeetingError`).
    #[error("{kind}: {message}")]
    Meeting {
        /// Stable kind.
        kind: &'static str,
        /// Description.
        message: String,
    },
    /// A health office's certificate or key operation failed (`luca_healthoffice::KeyError`).
    #[error("{kind}: {message}")]
    Key {
        /// Stable kind.
        kind: &'static str,
        /// Description.
        message: String,
    },
    /// A tracing operation failed (`luca_healthoffice::TracingError`; TAN errors).
    #[error("{kind}: {message}")]
    Tracing {
        /// Stable kind.
        kind: &'static str,
        /// Description.
        message: String,
    },
    /// A key committee operation failed (`luca_healthoffice::CommitteeError`: the threshold DKG, the
    /// committee key signature, a partial-decryption answer): `refused_by_policy`, `not_on_committee`,
    /// `too_few`, `policy_failed`, …; `invalid_state` when a step of a [`CommitteeDkg`](crate::CommitteeDkg) or a
    /// threshold opening is called out of order or twice.
    #[error("{kind}: {message}")]
    Committee {
        /// Stable kind.
        kind: &'static str,
        /// Description.
        message: String,
    },
    /// A trust anchor or registrar operation failed (`luca_authority::AuthorityError`).
    #[error("{kind}: {message}")]
    Authority {
        /// Stable kind.
        kind: &'static str,
        /// Description.
        message: String,
    },
    /// Exported state bytes could not be imported (`luca_protocol::state::StateError`, the `StateError` of
    /// every role crate): `too_long`, `truncated`, `malformed_cbor`, `wrong_state_type`, `unsupported_version`, ….
    #[error("{kind}: {message}")]
    State {
        /// Stable kind.
        kind: &'static str,
        /// Description.
        message: String,
    },
    /// A QR code could not be rendered (`RenderError`).
    #[error("{kind}: {message}")]
    Render {
        /// Stable kind.
        kind: &'static str,
        /// Description.
        message: String,
    },
    /// The operating system's random number generator failed (kind `rng_unavailable`); nothing was done.
    #[error("rng_unavailable: the operating system's random number generator failed")]
    Randomness,
    /// An earlier call panicked while it held this object's lock (kind `poisoned`); the object is
    /// unusable: restore it from its last exported state.
    #[error("poisoned: an earlier call on this object failed unexpectedly")]
    Poisoned,
}

impl LucaError {
    /// The stable snake-case kind (the prefix of the message).
    pub fn kind(&self) -> &'static str {
        match self {
            Self::InvalidInput { kind, .. }
            | Self::Verification { kind, .. }
            | Self::Guest { kind, .. }
            | Self::Scan { kind, .. }
            | Self::Venue { kind, .. }
            | Self::Meeting { kind, .. }
            | Self::Key { kind, .. }
            | Self::Tracing { kind, .. }
            | Self::Committee { kind, .. }
            | Self::Authority { kind, .. }
            | Self::State { kind, .. }
            | Self::Render { kind, .. } => kind,
            Self::Randomness => "rng_unavailable",
            Self::Poisoned => "poisoned",
        }
    }
}

impl LucaError {
    /// A step called out of order or twice (kind `invalid_state`).
    pub(crate) fn invalid_state(message: &str) -> Self {
        Self::Committee { kind: "invalid_state", message: message.to_owned() }
    }
}

/// `From` impls for the role crates' errors: the variant, and the error's own `kind()` and `Display`.
macro_rules! from_kinded {
    ($($from:ty => $variant:ident),* $(,)?) => {
        $(
            impl From<$from> for LucaError {
                fn from(e: $from) -> Self {
                    Self::$variant { kind: e.kind(), message: e.to_string() }
                }
            }
        )*
    };
}

from_kinded! {
    DecodeError => InvalidInput,
    VerifyError => Verification,
    luca_client::ClientError => Guest,
    // The one state error of every role (`luca_client`, `luca_venue` and `luca_healthoffice` re-export it).
    luca_protocol::state::StateError => State,
    luca_venue::ScanError => Scan,
    luca_venue::VenueError => Venue,
    luca_venue::MeetingError => Meeting,
    luca_healthoffice::KeyError => Key,
    luca_healthoffice::TracingError => Tracing,
    luca_authority::AuthorityError => Authority,
    luca_healthoffice::CommitteeError => Committee,
    // A committee key announcement that does not verify (`too_few`, `expired`, …).
    luca_protocol::threshold::ThresholdError => Verification,
    luca_protocol::tan::TanError => Tracing,
    luca_protocol::qr::render::RenderError => Render,
}
