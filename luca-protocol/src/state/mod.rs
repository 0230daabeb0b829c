//! The one codec of the role crates' persisted states (`export_state` / `import_state` of `luca-client`,
//! `luca-venue` and `luca-healthoffice`): strict deterministic CBOR, written and read through this crate's own
//! CBOR rules, with one error type, [`StateError`].
//!
//! # Layout
//!
//! A state is one CBOR array: a two-item header, the state type and its version, then the role's fields:
//!
//! ```cddl
//! state = [
//!   state_type: tstr,        ; e.g. "luca-venue/venue", "luca-healthoffice/registrar"
//!   version: uint,           ; 1
//!   * field,                 ; per role, documented on its export_state()
//! ]
//! guest-state = [            ; luca-client's guest (Header::VersionFirst): the same header, version first
//!   version: uint,
//!   state_type: tstr,        ; "luca-client/guest"
//!   * field,
//! ]
//! field = uint / bstr / tstr / null / [* field]
//! ```
//!
//! Each role declares its state once, as a [`StateSpec`]: the type string, the version, which header item
//! comes first ([`Header`]), the arity (header included) and the size cap. The nesting limit is the same for
//! every state, [`MAX_DEPTH`], so that another role's state is reported as such (`wrong_state_type`), not as
//! too deep.
//!
//! # Encoding
//!
//! [`StateWriter`] writes the deterministic encoding of RFC 8949 §4.2.1 directly (shortest-form heads,
//! definite lengths) into a buffer that wipes itself ([`Zeroizing`](zeroize::Zeroizing)); when the buffer must
//! grow, the old one is wiped before it is freed, so no copy of a secret is left behind. Every array head is
//! written with the number of items actually written into it, so encoding cannot fail: the writer is
//! infallible by type.
//!
//! # Decoding
//!
//! [`StateReader::open`] checks, in this order, each rule with its own [`StateError`]:
//!
//! 1. the size cap, before any parsing ([`StateError::TooLong`]);
//! 2. the CBOR rules of the wire messages (PROTOCOL.md §2.1): not empty and complete
//!    ([`StateError::Truncated`]), well-formed ([`StateError::MalformedCbor`]), at most
//!    [`MAX_DEPTH`] nested arrays ([`StateError::NestingTooDeep`]), no trailing bytes
//!    ([`StateError::TrailingBytes`]), deterministic encoding with no float, tag, simple value other than
//!    `false`, `true`, `null`, **and no map** — no role state holds one ([`StateError::NonCanonical`]);
//! 3. an array whose state-type item is the expected text ([`StateError::WrongStateType`]; a non-array, an
//!    empty array and another role's state are all of another type);
//! 4. the version: an integer ([`StateError::UnexpectedType`] with field `version`), not negative
//!    ([`StateError::InvalidField`]), equal to [`StateSpec::version`] ([`StateError::UnsupportedVersion`]);
//! 5. the exact arity ([`StateError::WrongArity`] with field `state`);
//! 6. then each field in order, as the role reads it: major type ([`StateError::UnexpectedType`]), exact
//!    length ([`StateError::WrongLength`]), range ([`StateError::InvalidField`], a negative integer
//!    included), list caps
//!    ([`StateError::TooManyItems`]) and entry arity ([`StateError::WrongArity`] with the list's name).
//!
//! The role then checks what only it can ([`StateError::InvalidField`], [`StateError::Inconsistent`],
//! [`StateError::Verify`]). Every value decoded and not handed out is wiped when the reader is dropped, and
//! everything handed out that may be a secret comes in a self-wiping buffer.
//!
//! ```
//! use luca_protocol::state::{Header, StateError, StateReader, StateSpec, StateWriter};
//!
//! // ["example/counters", 1, secret: bstr .size 16, counters: [* [name: tstr, count: uint]]]
//! const SPEC: StateSpec = StateSpec {
//!     state_type: "example/counters",
//!     version: 1,
//!     header: Header::TypeFirst,
//!     arity: 4,
//!     max_len: 256,
//! };
//! let mut w = StateWriter::new(&SPEC);
//! w.bytes(&[7; 16]).array(|w| {
//!     w.array(|w| {
//!         w.text("a").uint(1);
//!     });
//! });
//! let bytes = w.finish();
//! assert_eq!(bytes[..3], [0x84, 0x70, b'e']);
//!
//! let mut r = StateReader::open(&bytes, &SPEC)?;
//! assert_eq!(*r.fixed::<16>("secret")?, [7; 16]);
//! for mut counter in r.list("counters", 8, 2)? {
//!     assert_eq!((counter.text("name")?.as_str(), counter.uint("count")?), ("a", 1));
//! }
//! // Another state type, a newer version:
//! let other = StateSpec { state_type: "example/other", ..SPEC };
//! assert_eq!(StateReader::open(&bytes, &other).err(), Some(StateError::WrongStateType));
//! let older = StateSpec { version: 0, ..SPEC };
//! assert_eq!(StateReader::open(&bytes, &older).err(), Some(StateError::UnsupportedVersion { got: 1 }));
//! # Ok::<(), StateError>(())
//! ```

mod error;
mod read;
mod write;

#[cfg(test)]
mod tests;

mod sealed;

pub use error::StateError;
pub use read::{StateList, StateReader};
pub use sealed::StateKey;
pub use write::StateWriter;

/// Deepest nesting of arrays in any state, the state array itself counted: state → list → entry.
pub const MAX_DEPTH: usize = 3;

/// Which item of the two-item header comes first.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Header {
    /// `[state_type, version, fields…]`: the states of `luca-venue` and `luca-healthoffice`.
    TypeFirst,
    /// `[version, state_type, fields…]`: the guest state of `luca-client` (version 1 was written so).
    VersionFirst,
}

/// The declaration of one role state: what [`StateWriter`] writes and [`StateReader`] accepts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StateSpec {
    /// The state type, a text item of the header (e.g. `"luca-venue/venue"`).
    pub state_type: &'static str,
    /// The only version written and read.
    pub version: u64,
    /// The order of the header items.
    pub header: Header,
    /// Number of items of the state array, the two header items included.
    pub arity: usize,
    /// Size cap of the encoded state, in bytes, checked before any parsing.
    pub max_len: usize,
}

impl StateSpec {
    /// Positions of the state type and of the version in the state array.
    const fn header_positions(&self) -> (usize, usize) {
        match self.header {
            Header::TypeFirst => (0, 1),
            Header::VersionFirst => (1, 0),
        }
    }
}
