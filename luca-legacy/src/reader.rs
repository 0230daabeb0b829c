//! Fixed-layout byte parsing without indexing: each field is taken by its exact length.

use crate::error::DecodeError;

/// Takes fields off the front of a message; [`Reader::finish`] fails on trailing bytes.
pub(crate) struct Reader<'a> {
    rest: &'a [u8],
    what: &'static str,
    total: usize,
}

impl<'a> Reader<'a> {
    pub(crate) fn new(bytes: &'a [u8], what: &'static str) -> Self {
        Self { rest: bytes, what, total: bytes.len() }
    }

    /// The next `N` bytes.
    pub(crate) fn array<const N: usize>(&mut self) -> Result<[u8; N], DecodeError> {
        let (head, rest) = self.rest.split_first_chunk::<N>().ok_or(self.short())?;
        self.rest = rest;
        Ok(*head)
    }

    /// The next byte.
    pub(crate) fn byte(&mut self) -> Result<u8, DecodeError> {
        self.array::<1>().map(|[b]| b)
    }

    /// The next `n` bytes.
    pub(crate) fn slice(&mut self, n: usize) -> Result<&'a [u8], DecodeError> {
        if self.rest.len() < n {
            return Err(self.short());
        }
        let (head, rest) = self.rest.split_at(n);
        self.rest = rest;
        Ok(head)
    }

    fn short(&self) -> DecodeError {
        DecodeError::WrongLength { what: self.what, expected: self.total.saturating_add(1), got: self.total }
    }

    /// Fails unless every byte was taken.
    pub(crate) fn finish(self) -> Result<(), DecodeError> {
        if self.rest.is_empty() {
            Ok(())
        } else {
            Err(DecodeError::WrongLength {
                what: self.what,
                expected: self.total.saturating_sub(self.rest.len()),
                got: self.total,
            })
        }
    }
}

/// Splits a message into its body and its 4-byte checksum and checks `SHA256(body)[0..4]`.
pub(crate) fn check_checksum<'a>(bytes: &'a [u8], what: &'static str) -> Result<(&'a [u8], [u8; 4]), DecodeError> {
    let (body, sum) =
        bytes.split_last_chunk::<4>().ok_or(DecodeError::WrongLength { what, expected: 4, got: bytes.len() })?;
    let digest = crate::crypto::sha256(&[body]);
    if digest.first_chunk::<4>() != Some(sum) {
        return Err(DecodeError::BadChecksum);
    }
    Ok((body, *sum))
}

/// Bytes `OFF..OFF + N` of a fixed-size array, bounds checked at compile time (no panic, no fallback).
pub(crate) fn part<const OFF: usize, const N: usize, const M: usize>(a: &[u8; M]) -> [u8; N] {
    const { assert!(OFF + N <= M) };
    let mut out = [0u8; N];
    out.iter_mut().zip(a.iter().skip(OFF)).for_each(|(o, i)| *o = *i);
    out
}
