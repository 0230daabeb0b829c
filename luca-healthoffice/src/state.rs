//! Persistence of role objects: `export_state()` / `import_state()`.
//!
//! The [`HealthOffice`](crate::HealthOffice) exports its whole state as one
//! deterministic CBOR array, written and read by the state codec of
//! `luca-protocol` ([`luca_protocol::state`]) (as the trust anchor and the
//! registrar of `luca-authority` do):
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

/// The health office's state (see [`HealthOffice::export_state`](crate::HealthOffice::export_state)).
pub(crate) const HEALTH_OFFICE_STATE: StateSpec = StateSpec {
    state_type: "luca-healthoffice/health-office",
    version: 2,
    header: Header::TypeFirst,
    arity: 10,
    max_len: crate::MAX_STATE_LEN,
};
