//! [`StateWriter`]: deterministic CBOR into a self-wiping buffer.

use zeroize::Zeroizing;

use super::{Header, StateSpec};
use crate::cbor::{self, MAJOR_ARRAY, MAJOR_BYTES, MAJOR_TEXT};

/// Major type 0, an unsigned integer.
const MAJOR_UINT: u8 = 0;
/// `null` (major type 7, simple value 22).
const NULL: u8 = 0xf6;
/// Longest head of a data item: the initial byte and an 8-byte argument.
const MAX_HEAD: usize = 9;
/// First capacity of the buffer.
const INITIAL_CAPACITY: usize = 256;

/// Writes one role state (see [the module documentation](crate::state)): [`new`](Self::new) writes the
/// header, each call appends one field, [`array`](Self::array) a nested array, [`finish`](Self::finish) returns
/// the bytes.
///
/// Infallible: every array head is written with the number of items written into it, every head in its
/// shortest form. The caller writes the fields its [`StateSpec::arity`] promises (its `import_state` rejects
/// anything else, which the role's round-trip tests show).
pub struct StateWriter {
    /// The encoding so far, without the head of the state array.
    buf: Zeroizing<Vec<u8>>,
    /// Items written at the current nesting level.
    count: usize,
}

impl core::fmt::Debug for StateWriter {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("StateWriter").field("len", &self.buf.len()).finish_non_exhaustive()
    }
}

impl StateWriter {
    /// A state of `spec`: its header written, in `spec`'s order.
    pub fn new(spec: &StateSpec) -> Self {
        let mut w = Self { buf: Zeroizing::new(Vec::with_capacity(INITIAL_CAPACITY)), count: 0 };
        match spec.header {
            Header::TypeFirst => w.text(spec.state_type).uint(spec.version),
            Header::VersionFirst => w.uint(spec.version).text(spec.state_type),
        };
        w
    }

    /// Makes room for `additional` more bytes. A larger buffer is a new allocation: the old one is wiped when
    /// it is dropped (a `Vec`'s own reallocation would free it unwiped).
    fn reserve(&mut self, additional: usize) {
        let needed = self.buf.len().saturating_add(additional);
        if needed <= self.buf.capacity() {
            return;
        }
        let mut grown = Zeroizing::new(Vec::with_capacity(needed.max(self.buf.capacity().saturating_mul(2))));
        grown.extend_from_slice(&self.buf);
        self.buf = grown;
    }

    /// Appends one data item: its head and `payload`.
    fn item(&mut self, major: u8, arg: u64, payload: &[u8]) -> &mut Self {
        self.reserve(MAX_HEAD.saturating_add(payload.len()));
        cbor::write_head(&mut self.buf, major, arg);
        self.buf.extend_from_slice(payload);
        self.count = self.count.saturating_add(1);
        self
    }

    /// Appends an unsigned integer.
    pub fn uint(&mut self, v: u64) -> &mut Self {
        self.item(MAJOR_UINT, v, &[])
    }

    /// Appends a byte string.
    pub fn bytes(&mut self, v: &[u8]) -> &mut Self {
        self.item(MAJOR_BYTES, len_arg(v.len()), v)
    }

    /// Appends a text string.
    pub fn text(&mut self, v: &str) -> &mut Self {
        self.item(MAJOR_TEXT, len_arg(v.len()), v.as_bytes())
    }

    /// Appends `null`.
    pub fn null(&mut self) -> &mut Self {
        self.reserve(1);
        self.buf.push(NULL);
        self.count = self.count.saturating_add(1);
        self
    }

    /// Appends a byte string, or `null` for `None`.
    pub fn opt_bytes(&mut self, v: Option<&[u8]>) -> &mut Self {
        match v {
            Some(v) => self.bytes(v),
            None => self.null(),
        }
    }

    /// Appends an array of the items `items` writes (any number, nested arrays included).
    pub fn array(&mut self, items: impl FnOnce(&mut Self)) -> &mut Self {
        let start = self.buf.len();
        let outer = core::mem::replace(&mut self.count, 0);
        items(self);
        let inner = core::mem::replace(&mut self.count, outer.saturating_add(1));
        self.insert_head(start, inner);
        self
    }

    /// Inserts the head of an array of `count` items at `start`.
    fn insert_head(&mut self, start: usize, count: usize) {
        let mut head = Vec::with_capacity(MAX_HEAD);
        cbor::write_head(&mut head, MAJOR_ARRAY, len_arg(count));
        self.reserve(head.len());
        self.buf.extend_from_slice(&head);
        if let Some(tail) = self.buf.get_mut(start..) {
            tail.rotate_right(head.len());
        }
    }

    /// The encoded state, in a buffer that wipes itself.
    pub fn finish(mut self) -> Zeroizing<Vec<u8>> {
        let count = self.count;
        self.insert_head(0, count);
        self.buf
    }
}

/// A length or count as a CBOR argument (`usize` is at most 64 bits on every supported target).
fn len_arg(len: usize) -> u64 {
    u64::try_from(len).unwrap_or(u64::MAX)
}
