//! Strict CBOR: the only entry points by which CBOR enters or leaves the crate.
//!
//! Decoding enforces, in this order: the size cap (before any parsing), a
//! non-empty input, bounded nesting, well-formedness, no trailing bytes, and
//! the deterministic encoding of RFC 8949 §4.2.1 (shortest-form integers and
//! lengths, definite lengths only), checked in the same single pass over the
//! bytes that parses them, without re-encoding: an input is accepted exactly
//! when it equals the re-encoding of what was parsed. Messages are CBOR arrays whose first item is the
//! version; [`ArrayReader`] checks the version before the arity, so a newer
//! message with a different shape still reports `UnsupportedVersion`.

use ciborium::Value;
use zeroize::{Zeroize, Zeroizing};

use crate::error::DecodeError;

/// Overwrites every byte string and text string inside `value` (at any depth) with zeros: the one place where
/// decoded or to-be-encoded CBOR trees that may hold secrets (plaintexts, role states) are wiped.
pub(crate) fn wipe(value: &mut Value) {
    match value {
        Value::Bytes(b) => b.zeroize(),
        Value::Text(t) => t.zeroize(),
        Value::Array(items) => items.iter_mut().for_each(wipe),
        Value::Map(entries) => entries.iter_mut().for_each(|(k, v)| {
            wipe(k);
            wipe(v);
        }),
        Value::Tag(_, inner) => wipe(inner),
        _ => {}
    }
}

/// Parses one CBOR data item from `bytes` under the rules above.
///
/// Messages as this crate writes them take one pass ([`deterministic_value`]); anything else goes through
/// `ciborium` and the checks in the order above, which name the first rule it breaks. Every value parsed and then
/// rejected is wiped ([`wipe`]) before it is dropped; the caller wipes the value it is given, if it holds secrets.
pub(crate) fn decode(bytes: &[u8], max_len: usize, max_depth: usize) -> Result<Value, DecodeError> {
    if bytes.len() > max_len {
        return Err(DecodeError::TooLong { max: max_len, got: bytes.len() });
    }
    if bytes.is_empty() {
        return Err(DecodeError::Truncated);
    }
    let mut rest = bytes;
    if let Some(value) = deterministic_value(&mut rest, max_depth)
        && rest.is_empty()
    {
        return Ok(value);
    }
    // Rejected (or outside what the single pass takes): the general parser finds the first broken rule.
    let mut value = parse_general(bytes, max_depth)?;
    if !is_deterministic(bytes) {
        wipe(&mut value);
        return Err(DecodeError::NonCanonical);
    }
    Ok(value)
}

/// Parses `bytes` as exactly one well-formed CBOR item of at most `max_depth` nested arrays and maps, in any
/// encoding (`ciborium`): the error of the first rule broken, in the order of the module docs, up to trailing bytes.
fn parse_general(bytes: &[u8], max_depth: usize) -> Result<Value, DecodeError> {
    let mut rest = bytes;
    let mut value: Value =
        ciborium::de::from_reader_with_recursion_limit(&mut rest, max_depth).map_err(|e| match e {
            ciborium::de::Error::RecursionLimitExceeded => DecodeError::NestingTooDeep,
            ciborium::de::Error::Io(_) => DecodeError::Truncated,
            ciborium::de::Error::Syntax(_) | ciborium::de::Error::Semantic(..) => DecodeError::MalformedCbor,
        })?;
    if !rest.is_empty() {
        wipe(&mut value);
        return Err(DecodeError::TrailingBytes);
    }
    Ok(value)
}

/// Deepest nesting [`is_deterministic`] follows; `decode` has bounded the input's nesting already (to at most
/// a few levels), this only keeps the walk itself bounded whatever it is given.
const WALK_MAX_DEPTH: usize = 32;

/// Whether `bytes` is exactly one data item in the encoding this crate writes (the deterministic encoding of
/// RFC 8949 §4.2.1, restricted to what luca messages use): every argument in its shortest form, definite lengths
/// only, no tags, no floats, no simple values but `false`, `true` and `null`; map keys are not reordered (COSE
/// headers are checked by the COSE layer). For input `ciborium` parses, this is exactly "re-encoding the parsed
/// value gives the input back, and it holds no float or tag" (the test `walk_agrees_with_reencoding`).
fn is_deterministic(bytes: &[u8]) -> bool {
    let mut rest = bytes;
    deterministic_value(&mut rest, WALK_MAX_DEPTH).is_some() && rest.is_empty()
}

/// Reads one data item in the deterministic encoding (see [`is_deterministic`]) from the front of `rest`, with
/// valid UTF-8 in text strings and at most `containers` nested arrays and maps (counted as `ciborium`'s recursion
/// limit counts them): the value `ciborium` would give for it. `None` if the item is not one; what was read of it
/// is wiped.
fn deterministic_value(rest: &mut &[u8], containers: usize) -> Option<Value> {
    let (&initial, tail) = rest.split_first()?;
    *rest = tail;
    let (major, info) = (initial >> 5, initial & 0x1f);
    if major == 7 {
        // false, true, null; floats, `undefined` and other simple values are refused.
        return match info {
            20 => Some(Value::Bool(false)),
            21 => Some(Value::Bool(true)),
            22 => Some(Value::Null),
            _ => None,
        };
    }
    let argument = match info {
        0..=23 => u64::from(info),
        24 => shortest(take::<1>(rest)?, 24)?,
        25 => shortest(take::<2>(rest)?, 0x100)?,
        26 => shortest(take::<4>(rest)?, 0x1_0000)?,
        27 => shortest(take::<8>(rest)?, 0x1_0000_0000)?,
        // 28–30 are reserved, 31 is an indefinite length.
        _ => return None,
    };
    match major {
        0 => Some(Value::Integer(argument.into())),
        1 => {
            let negative = (-1i128).checked_sub(i128::from(argument))?;
            Some(Value::Integer(ciborium::value::Integer::try_from(negative).ok()?))
        }
        2 => Some(Value::Bytes(take_slice(rest, argument)?.to_vec())),
        3 => Some(Value::Text(core::str::from_utf8(take_slice(rest, argument)?).ok()?.to_owned())),
        4 | 5 => {
            let inner = containers.checked_sub(1)?;
            let count = usize::try_from(argument).ok()?;
            // Every item takes at least one byte: a count beyond the input fails at its end, and never allocates
            // more than the input's length.
            let capacity = count.min(rest.len());
            // Filled in place, so that a failure part-way wipes what was read.
            let mut value = if major == 4 {
                Value::Array(Vec::with_capacity(capacity))
            } else {
                Value::Map(Vec::with_capacity(capacity))
            };
            for _ in 0..count {
                let complete = match &mut value {
                    Value::Array(items) => deterministic_value(rest, inner).map(|item| items.push(item)).is_some(),
                    Value::Map(entries) => match deterministic_value(rest, inner) {
                        Some(mut key) => match deterministic_value(rest, inner) {
                            Some(item) => {
                                entries.push((key, item));
                                true
                            }
                            None => {
                                wipe(&mut key);
                                false
                            }
                        },
                        None => false,
                    },
                    _ => false,
                };
                if !complete {
                    wipe(&mut value);
                    return None;
                }
            }
            Some(value)
        }
        // Tags.
        _ => None,
    }
}

/// Takes `len` bytes from the front of `rest`.
fn take_slice<'a>(rest: &mut &'a [u8], len: u64) -> Option<&'a [u8]> {
    let len = usize::try_from(len).ok()?;
    let (head, tail) = rest.split_at_checked(len)?;
    *rest = tail;
    Some(head)
}

/// The big-endian integer `bytes`, if it is at least `min` (the smallest value that needs that many bytes).
fn shortest<const N: usize>(bytes: [u8; N], min: u64) -> Option<u64> {
    let value = bytes.iter().fold(0u64, |acc, &b| (acc << 8) | u64::from(b));
    (value >= min).then_some(value)
}

/// Takes `N` bytes from the front of `rest`.
fn take<const N: usize>(rest: &mut &[u8]) -> Option<[u8; N]> {
    let (head, tail) = rest.split_first_chunk::<N>()?;
    *rest = tail;
    Some(*head)
}

/// Floats and maps never occur in luca messages except COSE headers, which
/// are checked by the COSE layer; tags never occur at all.
/// Encodes a plaintext `value` into a self-wiping buffer and wipes `value`.
pub(crate) fn encode_secret(mut value: Value) -> Zeroizing<Vec<u8>> {
    let out = Zeroizing::new(encode(&value));
    wipe(&mut value);
    out
}

#[cfg(test)]
fn reject_unsupported(v: &Value) -> bool {
    match v {
        Value::Float(_) | Value::Tag(..) => true,
        Value::Array(items) => items.iter().any(reject_unsupported),
        Value::Map(entries) => entries.iter().any(|(k, v)| reject_unsupported(k) || reject_unsupported(v)),
        _ => false,
    }
}

/// Deterministic encoding of `value`.
pub(crate) fn encode(value: &Value) -> Vec<u8> {
    let mut out = Vec::new();
    #[expect(
        clippy::expect_used,
        reason = "ciborium's serializer fails only on a writer error (none for a Vec) or on a tag used outside a \
                  `Value::Tag` (ciborium 0.2.2 src/ser/mod.rs:417, unreachable from a `Value`)"
    )]
    ciborium::ser::into_writer(value, &mut out).expect("serialising a CBOR value into a Vec cannot fail");
    out
}

/// Major type of a byte string.
pub(crate) const MAJOR_BYTES: u8 = 2;
/// Major type of a text string.
pub(crate) const MAJOR_TEXT: u8 = 3;
/// Major type of an array.
pub(crate) const MAJOR_ARRAY: u8 = 4;
/// Major type of a map.
pub(crate) const MAJOR_MAP: u8 = 5;

/// Appends the head of a data item of major type `major` (0–7) with argument `arg` (a length, a count or an
/// unsigned value) in its shortest form, as the deterministic encoding requires: for building fixed structures
/// (COSE's `Sig_structure` and protected header) without a [`Value`] tree.
pub(crate) fn write_head(out: &mut Vec<u8>, major: u8, arg: u64) {
    let major = (major & 0x07) << 5;
    let bytes = arg.to_be_bytes();
    let [_, _, _, _, b4, b5, b6, b7] = bytes;
    match arg {
        0..=23 => out.push(major | b7),
        24..=0xff => out.extend_from_slice(&[major | 24, b7]),
        0x100..=0xffff => out.extend_from_slice(&[major | 25, b6, b7]),
        0x1_0000..=0xffff_ffff => out.extend_from_slice(&[major | 26, b4, b5, b6, b7]),
        _ => {
            out.push(major | 27);
            out.extend_from_slice(&bytes);
        }
    }
}

/// Builds a CBOR array message.
#[derive(Default)]
pub(crate) struct ArrayWriter(Vec<Value>);

impl ArrayWriter {
    pub(crate) fn new(version: u64) -> Self {
        Self(vec![Value::Integer(version.into())])
    }
    pub(crate) fn uint(mut self, v: u64) -> Self {
        self.0.push(Value::Integer(v.into()));
        self
    }
    pub(crate) fn bytes(mut self, v: &[u8]) -> Self {
        self.0.push(Value::Bytes(v.to_vec()));
        self
    }
    pub(crate) fn text(mut self, v: &str) -> Self {
        self.0.push(Value::Text(v.to_owned()));
        self
    }
    pub(crate) fn null(mut self) -> Self {
        self.0.push(Value::Null);
        self
    }
    pub(crate) fn opt_uint(self, v: Option<u64>) -> Self {
        match v {
            Some(v) => self.uint(v),
            None => self.null(),
        }
    }
    pub(crate) fn value(mut self, v: Value) -> Self {
        self.0.push(v);
        self
    }
    pub(crate) fn into_value(self) -> Value {
        Value::Array(self.0)
    }
    pub(crate) fn encode(self) -> Vec<u8> {
        encode(&self.into_value())
    }
}

/// Reads the items of a CBOR array message, field by field, in order.
pub(crate) struct ArrayReader {
    items: std::vec::IntoIter<Value>,
    name: &'static str,
    len: usize,
}

impl ArrayReader {
    /// Opens `value` as an array named `name` (for errors), without checking its length yet.
    pub(crate) fn open(value: Value, name: &'static str) -> Result<Self, DecodeError> {
        match value {
            Value::Array(items) => {
                let len = items.len();
                Ok(Self { items: items.into_iter(), name, len })
            }
            _ => Err(DecodeError::UnexpectedType { field: name }),
        }
    }

    /// Opens a versioned message: array, version first, then exact arity (version included).
    pub(crate) fn open_message(
        value: Value,
        name: &'static str,
        version: u64,
        arity: usize,
    ) -> Result<Self, DecodeError> {
        let mut r = Self::open(value, name)?;
        let got = r.uint("version")?;
        if got != version {
            return Err(DecodeError::UnsupportedVersion { got });
        }
        r.expect_len(arity)?;
        Ok(r)
    }

    /// Requires the array to have exactly `n` items in total.
    pub(crate) fn expect_len(&self, n: usize) -> Result<(), DecodeError> {
        if self.len != n {
            return Err(DecodeError::WrongArity { field: self.name, expected: n, got: self.len });
        }
        Ok(())
    }

    fn next(&mut self, field: &'static str) -> Result<Value, DecodeError> {
        let _ = field;
        self.items.next().ok_or(DecodeError::WrongArity {
            field: self.name,
            expected: self.len.saturating_add(1),
            got: self.len,
        })
    }

    /// Next item as an unsigned integer.
    pub(crate) fn uint(&mut self, field: &'static str) -> Result<u64, DecodeError> {
        match self.next(field)? {
            Value::Integer(i) => u64::try_from(i).map_err(|_| DecodeError::InvalidField { field }),
            _ => Err(DecodeError::UnexpectedType { field }),
        }
    }

    /// Next item as an unsigned integer that fits `u32`.
    pub(crate) fn u32(&mut self, field: &'static str) -> Result<u32, DecodeError> {
        u32::try_from(self.uint(field)?).map_err(|_| DecodeError::InvalidField { field })
    }

    /// Next item as an unsigned integer that fits `u16`.
    pub(crate) fn u16(&mut self, field: &'static str) -> Result<u16, DecodeError> {
        u16::try_from(self.uint(field)?).map_err(|_| DecodeError::InvalidField { field })
    }

    /// Next item as an unsigned integer that fits `u8`.
    pub(crate) fn u8(&mut self, field: &'static str) -> Result<u8, DecodeError> {
        u8::try_from(self.uint(field)?).map_err(|_| DecodeError::InvalidField { field })
    }

    /// Next item as `null` (→ `None`) or an unsigned integer.
    pub(crate) fn opt_uint(&mut self, field: &'static str) -> Result<Option<u64>, DecodeError> {
        match self.next(field)? {
            Value::Null => Ok(None),
            Value::Integer(i) => u64::try_from(i).map(Some).map_err(|_| DecodeError::InvalidField { field }),
            _ => Err(DecodeError::UnexpectedType { field }),
        }
    }

    /// Next item as a byte string of any length up to `max`.
    pub(crate) fn bytes(&mut self, field: &'static str, max: usize) -> Result<Vec<u8>, DecodeError> {
        match self.next(field)? {
            Value::Bytes(b) if b.len() <= max => Ok(b),
            Value::Bytes(b) => Err(DecodeError::WrongLength { field, expected: max, got: b.len() }),
            _ => Err(DecodeError::UnexpectedType { field }),
        }
    }

    /// Next item as a byte string of exactly `N` bytes.
    pub(crate) fn fixed<const N: usize>(&mut self, field: &'static str) -> Result<[u8; N], DecodeError> {
        match self.next(field)? {
            Value::Bytes(b) => {
                let got = b.len();
                <[u8; N]>::try_from(b.as_slice()).map_err(|_| DecodeError::WrongLength { field, expected: N, got })
            }
            _ => Err(DecodeError::UnexpectedType { field }),
        }
    }

    /// Next item as a UTF-8 text string of at most `max` bytes.
    pub(crate) fn text(&mut self, field: &'static str, max: usize) -> Result<String, DecodeError> {
        match self.next(field)? {
            Value::Text(t) if t.len() <= max => Ok(t),
            Value::Text(_) => Err(DecodeError::InvalidField { field }),
            _ => Err(DecodeError::UnexpectedType { field }),
        }
    }

    /// Next item as an array of at most `max` items.
    pub(crate) fn array(&mut self, field: &'static str, max: usize) -> Result<Vec<Value>, DecodeError> {
        match self.next(field)? {
            Value::Array(a) if a.len() <= max => Ok(a),
            Value::Array(_) => Err(DecodeError::TooManyItems { field, max }),
            _ => Err(DecodeError::UnexpectedType { field }),
        }
    }

    /// Next item, whatever its type.
    pub(crate) fn value(&mut self, field: &'static str) -> Result<Value, DecodeError> {
        self.next(field)
    }

    /// Next item as `null` (→ `None`) or a byte string of exactly `N` bytes.
    pub(crate) fn opt_fixed<const N: usize>(&mut self, field: &'static str) -> Result<Option<[u8; N]>, DecodeError> {
        match self.next(field)? {
            Value::Null => Ok(None),
            v => Self::fixed_value(v, field).map(Some),
        }
    }

    /// `value` (an item of an array read with [`ArrayReader::array`]) as an unsigned integer that
    /// fits `u16`: another type is `unexpected_type`, a negative or larger integer `invalid_field`.
    pub(crate) fn u16_value(value: Value, field: &'static str) -> Result<u16, DecodeError> {
        match value {
            Value::Integer(i) => u16::try_from(i).map_err(|_| DecodeError::InvalidField { field }),
            _ => Err(DecodeError::UnexpectedType { field }),
        }
    }

    /// `value` (an item of an array read with [`ArrayReader::array`]) as a byte string of exactly `N` bytes.
    pub(crate) fn fixed_value<const N: usize>(value: Value, field: &'static str) -> Result<[u8; N], DecodeError> {
        match value {
            Value::Bytes(b) => {
                let got = b.len();
                <[u8; N]>::try_from(b.as_slice()).map_err(|_| DecodeError::WrongLength { field, expected: N, got })
            }
            _ => Err(DecodeError::UnexpectedType { field }),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rejects_non_canonical_integer() {
        // [1] with the integer 1 encoded in two bytes (0x18 0x01).
        assert_eq!(decode(&[0x81, 0x18, 0x01], 64, 4), Err(DecodeError::NonCanonical));
        assert!(decode(&[0x81, 0x01], 64, 4).is_ok());
    }

    #[test]
    fn rejects_indefinite_length() {
        assert_eq!(decode(&[0x9f, 0x01, 0xff], 64, 4), Err(DecodeError::NonCanonical));
    }

    #[test]
    fn rejects_trailing_truncated_deep_and_oversized() {
        assert_eq!(decode(&[0x81, 0x01, 0x00], 64, 4), Err(DecodeError::TrailingBytes));
        assert_eq!(decode(&[0x82, 0x01], 64, 4), Err(DecodeError::Truncated));
        assert_eq!(decode(&[], 64, 4), Err(DecodeError::Truncated));
        assert_eq!(decode(&[0x81, 0x81, 0x81, 0x81, 0x81, 0x01], 64, 3), Err(DecodeError::NestingTooDeep));
        assert_eq!(decode(&[0u8; 65], 64, 4), Err(DecodeError::TooLong { max: 64, got: 65 }));
        // A byte string claiming 2^32 bytes in a 10-byte input: no allocation, truncated.
        assert_eq!(decode(&[0x5a, 0xff, 0xff, 0xff, 0xff, 0, 0, 0, 0, 0], 64, 4), Err(DecodeError::Truncated));
    }

    /// The check `decode` made before [`is_deterministic`]: re-encode the parsed value and compare.
    fn reencodes_identically(bytes: &[u8]) -> Option<bool> {
        let value = parse_general(bytes, 16).ok()?;
        Some(!reject_unsupported(&value) && encode(&value) == bytes)
    }

    /// `decode` as it was before the single pass: `ciborium`, then trailing bytes, then the re-encoding check.
    fn decode_by_reencoding(bytes: &[u8], max_len: usize, max_depth: usize) -> Result<Value, DecodeError> {
        if bytes.len() > max_len {
            return Err(DecodeError::TooLong { max: max_len, got: bytes.len() });
        }
        if bytes.is_empty() {
            return Err(DecodeError::Truncated);
        }
        let value = parse_general(bytes, max_depth)?;
        if reject_unsupported(&value) || encode(&value) != bytes {
            return Err(DecodeError::NonCanonical);
        }
        Ok(value)
    }

    /// `decode` (single pass, `ciborium` for the rest) gives exactly what decoding by re-encoding gave, at every
    /// depth limit; and the single pass takes every input that decodes.
    fn assert_decode_unchanged(b: &[u8]) {
        for max_depth in 0..5 {
            let got = decode(b, 1 << 24, max_depth);
            assert_eq!(got, decode_by_reencoding(b, 1 << 24, max_depth), "{b:02x?} at depth {max_depth}");
            let mut rest = b;
            let single = deterministic_value(&mut rest, max_depth).filter(|_| rest.is_empty());
            assert_eq!(single, got.ok(), "{b:02x?} at depth {max_depth}");
        }
    }

    #[test]
    fn walk_agrees_with_reencoding() {
        use rand_chacha::ChaCha20Rng;
        use rand_core::{Rng as _, SeedableRng as _};

        // Hand-picked: every head form of every major type, at and around the shortest-form boundaries.
        let picked: &[&[u8]] = &[
            &[0x00],
            &[0x17],
            &[0x18, 0x17],
            &[0x18, 0x18],
            &[0x19, 0x00, 0xff],
            &[0x19, 0x01, 0x00],
            &[0x1a, 0x00, 0x00, 0xff, 0xff],
            &[0x1a, 0x00, 0x01, 0x00, 0x00],
            &[0x1b, 0, 0, 0, 0, 0xff, 0xff, 0xff, 0xff],
            &[0x1b, 0, 0, 0, 1, 0, 0, 0, 0],
            &[0x1b, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff],
            &[0x20],
            &[0x38, 0x17],
            &[0x38, 0x18],
            &[0x3b, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff],
            &[0x40],
            &[0x41, 0x00],
            &[0x58, 0x01, 0x00],
            &[0x5f, 0x41, 0x00, 0xff],
            &[0x60],
            &[0x61, 0x61],
            &[0x78, 0x01, 0x61],
            &[0x7f, 0x61, 0x61, 0xff],
            &[0x80],
            &[0x81, 0x00],
            &[0x98, 0x01, 0x00],
            &[0x9f, 0x00, 0xff],
            &[0xa0],
            &[0xa1, 0x01, 0x02],
            &[0xa1, 0x02, 0x01],
            &[0xa2, 0x02, 0x00, 0x01, 0x00],
            &[0xb8, 0x01, 0x01, 0x02],
            &[0xbf, 0x01, 0x02, 0xff],
            &[0xc0, 0x00],
            &[0xc2, 0x41, 0x01],
            &[0xc2, 0x49, 1, 0, 0, 0, 0, 0, 0, 0, 0],
            &[0xd8, 0x18, 0x00],
            &[0xf4],
            &[0xf5],
            &[0xf6],
            &[0xf7],
            &[0xf8, 0x20],
            &[0xf9, 0x00, 0x00],
            &[0xfa, 0, 0, 0, 0],
            &[0xfb, 0, 0, 0, 0, 0, 0, 0, 0],
            &[0x82, 0x81, 0x80, 0xa1, 0x60, 0xf6],
        ];
        for &b in picked {
            if let Some(expected) = reencodes_identically(b) {
                assert_eq!(is_deterministic(b), expected, "{b:02x?}");
            }
            assert_decode_unchanged(b);
        }
        // Random mutations of deterministic messages: flipped, inserted and deleted bytes.
        let mut rng = ChaCha20Rng::seed_from_u64(8949);
        let seed = ArrayWriter::new(1)
            .uint(300)
            .bytes(&[7; 40])
            .text("grüße")
            .null()
            .value(ArrayWriter::default().uint(70_000).uint(5_000_000_000).value(Value::Bool(true)).into_value())
            .value(Value::Map(vec![(Value::Integer(1.into()), Value::Integer((-7).into()))]))
            .encode();
        let mut checked = 0usize;
        for _ in 0..200_000 {
            let mut b = seed.clone();
            for _ in 0..rng.next_u32() % 3 + 1 {
                let i = rng.next_u32() as usize % b.len();
                match rng.next_u32() % 3 {
                    0 => b[i] = rng.next_u32().to_le_bytes()[0],
                    1 => b.insert(i, rng.next_u32().to_le_bytes()[0]),
                    _ => {
                        b.remove(i);
                    }
                }
                if b.is_empty() {
                    b.push(0);
                }
            }
            if let Some(expected) = reencodes_identically(&b) {
                assert_eq!(is_deterministic(&b), expected, "{b:02x?}");
                checked += 1;
            }
            assert_decode_unchanged(&b);
        }
        assert!(checked > 10_000, "only {checked} mutations parsed");
    }

    /// Every byte string of the test vectors (`test-vectors/v1/*.json`: messages of every kind, valid and broken,
    /// the source of the fuzz corpus's seeds) decodes as it did before the single pass. (The fuzz corpus itself,
    /// with its mutations, is replayed by `tests/corpus.rs` in the repository; `walk_agrees_with_reencoding`
    /// mutates at random.)
    #[test]
    fn vector_messages_decode_unchanged() {
        fn hex_strings(v: &serde_json::Value, out: &mut Vec<Vec<u8>>) {
            match v {
                serde_json::Value::String(s) if s.len() >= 2 && s.len() % 2 == 0 => {
                    if let Ok(b) = hex::decode(s) {
                        out.push(b);
                    }
                }
                serde_json::Value::Array(items) => items.iter().for_each(|i| hex_strings(i, out)),
                serde_json::Value::Object(map) => map.values().for_each(|i| hex_strings(i, out)),
                _ => {}
            }
        }
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("test-vectors/v1");
        let mut files = 0usize;
        let mut strings = Vec::new();
        for file in std::fs::read_dir(dir).unwrap() {
            let path = file.unwrap().path();
            if path.extension().is_some_and(|e| e == "json") {
                let doc: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
                hex_strings(&doc, &mut strings);
                files += 1;
            }
        }
        let mut cbor = 0usize;
        for b in &strings {
            assert_decode_unchanged(b);
            if decode(b, 1 << 24, 4).is_ok() {
                cbor += 1;
            }
        }
        // The v1 vectors only grow (PROTOCOL.md §2.3): today's counts are floors.
        assert!(files >= 19, "only {files} vector files");
        assert!(strings.len() >= 3108 && cbor >= 1143, "only {} byte strings, {cbor} of them CBOR", strings.len());
    }

    #[test]
    fn heads_are_the_shortest_form() {
        for arg in [0u64, 1, 23, 24, 255, 256, 65_535, 65_536, 0xffff_ffff, 0x1_0000_0000, u64::MAX] {
            for (major, value) in [
                (0u8, Value::Integer(arg.into())),
                (MAJOR_ARRAY, Value::Array(vec![Value::Null; usize::try_from(arg.min(300)).unwrap()])),
            ] {
                let mut head = Vec::new();
                let arg = if major == MAJOR_ARRAY { arg.min(300) } else { arg };
                write_head(&mut head, major, arg);
                let encoded = encode(&value);
                assert_eq!(head.as_slice(), &encoded[..head.len()], "major {major} arg {arg}");
                assert!(is_deterministic(&encoded));
            }
        }
    }

    #[test]
    fn version_checked_before_arity() {
        let v = ArrayWriter::new(2).uint(5).into_value();
        assert_eq!(ArrayReader::open_message(v, "m", 1, 3).err(), Some(DecodeError::UnsupportedVersion { got: 2 }));
    }
}
