//! Persistence of role objects: `export_state()` / `import_state()`.
//!
//! Every role object of this crate ([`HealthOffice`](crate::HealthOffice),
//! [`TrustAnchor`](crate::authority::TrustAnchor),
//! [`Registrar`](crate::authority::Registrar)) exports its whole state as one
//! deterministic CBOR array, written and read by the state codec of
//! `luca-protocol` ([`luca_protocol::state`]):
//!
//! ```cddl
//! state = [
//!   state_type: tstr, ; "luca-healthoffice/health-office", "…/trust-anchor" or "…/registrar"
//!   version: uint,    ; 2 for the health office (with its committee keys), 1 for the others
//!   * field,          ; per role, documented on its export_state()
//! ]
//! ```
//!
//! The bytes **contain private keys in the clear**. They come back in a
//! [`Zeroizing`](zeroize::Zeroizing) buffer; encrypting them at rest (and where they are stored)
//! is the embedder's choice and responsibility.
//!
//! Import is strict, in the order of [`luca_protocol::state`]: size cap
//! (`too_long`), non-empty (`truncated`), CBOR well-formed with bounded
//! nesting (`malformed_cbor`, `nesting_too_deep`), no trailing bytes
//! (`trailing_bytes`), deterministic encoding without maps (`non_canonical`);
//! an array whose state type is the role's ([`StateError::WrongStateType`]),
//! then the role's version (`unsupported_version`), the exact arity (`wrong_arity`),
//! fields of exact types and lengths (`unexpected_type`, `wrong_length`,
//! `invalid_field`, `too_many_items`), and finally consistency checks
//! ([`StateError::Inconsistent`], [`StateError::Verify`]). Decoded secrets are
//! wiped from the intermediate CBOR tree.

use luca_protocol::state::{Header, StateSpec};

/// Why exported state bytes could not be imported: the state error of every role, from
/// [`luca_protocol::state`] (the same type as `luca_client::StateError` and `luca_venue::StateError`).
pub use luca_protocol::state::StateError;

/// Size cap of a trust anchor's exported state, in bytes.
pub const MAX_ANCHOR_STATE_LEN: usize = 256;
/// Size cap of a registrar's exported state, in bytes.
pub const MAX_REGISTRAR_STATE_LEN: usize = 4096;

/// The health office's state (see [`HealthOffice::export_state`](crate::HealthOffice::export_state)).
pub(crate) const HEALTH_OFFICE_STATE: StateSpec = StateSpec {
    state_type: "luca-healthoffice/health-office",
    version: 2,
    header: Header::TypeFirst,
    arity: 10,
    max_len: crate::MAX_STATE_LEN,
};

/// The trust anchor's state (see [`TrustAnchor::export_state`](crate::authority::TrustAnchor::export_state)).
pub(crate) const TRUST_ANCHOR_STATE: StateSpec = StateSpec {
    state_type: "luca-healthoffice/trust-anchor",
    version: 1,
    header: Header::TypeFirst,
    arity: 3,
    max_len: MAX_ANCHOR_STATE_LEN,
};

/// The registrar's state (see [`Registrar::export_state`](crate::authority::Registrar::export_state)).
pub(crate) const REGISTRAR_STATE: StateSpec = StateSpec {
    state_type: "luca-healthoffice/registrar",
    version: 1,
    header: Header::TypeFirst,
    arity: 6,
    max_len: MAX_REGISTRAR_STATE_LEN,
};
