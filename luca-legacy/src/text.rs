//! The text forms of the original QR codes: RFC 4648 Base32 (iOS, web app, Android ≥ 1.6.6) and Z85
//! (ZeroMQ RFC 32; Android ≤ 1.6.5, badges), and the German-keyboard fix the original scanners applied.
//!
//! A keyboard-wedge scanner set to a German (QWERTZ) layout types `Z` for `Y` and `Y` for `Z`; the
//! original web scanner retried a code that did not decode with those two letters swapped back (both
//! cases). [`candidates`] yields the as-scanned text first, then the swapped one. Other characters a
//! layout mismatch would change (Z85's punctuation) are not remapped: the original mapping for them is
//! not known (reference §4.1).

use data_encoding::{BASE32, BASE32_NOPAD};

use crate::error::DecodeError;

/// The longest scanned text any legacy format takes (a v3 badge in Z85 with its longest signature
/// and padding is under 250 characters), checked before anything else.
pub const MAX_TEXT_LEN: usize = 512;

/// Which text encoding a code arrived in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TextEncoding {
    /// RFC 4648 Base32, upper case, with or without `=` padding.
    Base32,
    /// Z85 (ZeroMQ RFC 32), a multiple of 5 characters.
    Z85,
}

impl TextEncoding {
    /// The name in reports.
    pub fn name(self) -> &'static str {
        match self {
            Self::Base32 => "base32",
            Self::Z85 => "z85",
        }
    }
}

/// One way of reading a scanned text: the bytes, the encoding, and whether the keyboard fix was applied.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TextReading {
    /// The decoded bytes.
    pub bytes: Vec<u8>,
    /// The encoding.
    pub encoding: TextEncoding,
    /// Whether `Y`/`Z` (and `y`/`z`) were swapped back first.
    pub keyboard_swapped: bool,
}

/// Decodes standard Z85 (ZeroMQ RFC 32): a multiple of 5 characters, each group a big-endian `u32`.
///
/// The `z85` crate decodes; a group starting with `#` is refused first. No standard group can start with
/// `#` (84 · 85⁴ > 2³² − 1), and the crate would read a last group of that shape as its own padding
/// extension, which the original apps never wrote.
pub fn decode_z85(text: &str) -> Result<Vec<u8>, DecodeError> {
    let b = text.as_bytes();
    if b.is_empty() {
        return Err(DecodeError::Empty);
    }
    if b.len() > MAX_TEXT_LEN {
        return Err(DecodeError::TooLong { max: MAX_TEXT_LEN, got: b.len() });
    }
    if !b.len().is_multiple_of(5) || b.chunks_exact(5).any(|group| group.first() == Some(&b'#')) {
        return Err(DecodeError::BadText);
    }
    z85::decode(b).map_err(|_| DecodeError::BadText)
}

/// Decodes RFC 4648 Base32 (upper case; canonical, padded or not).
pub fn decode_base32(text: &str) -> Result<Vec<u8>, DecodeError> {
    let b = text.as_bytes();
    if b.is_empty() {
        return Err(DecodeError::Empty);
    }
    if b.len() > MAX_TEXT_LEN {
        return Err(DecodeError::TooLong { max: MAX_TEXT_LEN, got: b.len() });
    }
    let codec = if b.ends_with(b"=") { &BASE32 } else { &BASE32_NOPAD };
    codec.decode(b).map_err(|_| DecodeError::BadText)
}

/// `Y`↔`Z` and `y`↔`z` swapped: the German-keyboard fix.
pub fn swap_keyboard(text: &str) -> String {
    text.chars()
        .map(|c| match c {
            'Y' => 'Z',
            'Z' => 'Y',
            'y' => 'z',
            'z' => 'y',
            c => c,
        })
        .collect()
}

/// Every reading of a scanned text, in the original scanners' order: Base32, Base32 after the keyboard
/// fix, Z85, Z85 after the keyboard fix (a fix is tried only if the text has a `Y` or `Z`).
///
/// # Errors
/// [`DecodeError::Empty`] or [`DecodeError::TooLong`] (checked first); [`DecodeError::BadText`] if no
/// reading decodes.
pub fn candidates(text: &str) -> Result<Vec<TextReading>, DecodeError> {
    if text.is_empty() {
        return Err(DecodeError::Empty);
    }
    if text.len() > MAX_TEXT_LEN {
        return Err(DecodeError::TooLong { max: MAX_TEXT_LEN, got: text.len() });
    }
    let swapped = swap_keyboard(text);
    let has_swap = swapped != text;
    let mut out = Vec::new();
    for (encoding, decode) in [
        (TextEncoding::Base32, decode_base32 as fn(&str) -> Result<Vec<u8>, DecodeError>),
        (TextEncoding::Z85, decode_z85),
    ] {
        if let Ok(bytes) = decode(text) {
            out.push(TextReading { bytes, encoding, keyboard_swapped: false });
        }
        if has_swap && let Ok(bytes) = decode(&swapped) {
            out.push(TextReading { bytes, encoding, keyboard_swapped: true });
        }
    }
    if out.is_empty() { Err(DecodeError::BadText) } else { Ok(out) }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::indexing_slicing)]
    use super::*;

    #[test]
    fn z85_rfc32_example() {
        // ZeroMQ RFC 32's test vector: 8 bytes, "HelloWorld".
        assert_eq!(decode_z85("HelloWorld").unwrap(), [0x86, 0x4F, 0xD2, 0x6F, 0xB5, 0x59, 0xF7, 0x5B]);
        assert_eq!(decode_z85("Hello"), Ok(vec![0x86, 0x4F, 0xD2, 0x6F]));
        assert_eq!(decode_z85("Hell"), Err(DecodeError::BadText));
        // "%nSc0" is 2^32 - 1; "%nSc1" is 2^32.
        assert_eq!(decode_z85("%nSc0"), Ok(vec![0xff; 4]));
        assert_eq!(decode_z85("%nSc1"), Err(DecodeError::BadText));
        assert_eq!(decode_z85("Hel o"), Err(DecodeError::BadText));
        // '#' ends a group, never starts one (the z85 crate's padding extension is refused).
        assert_eq!(decode_z85("0000#").unwrap(), [0, 0, 0, 84]);
        assert_eq!(decode_z85("Hello#0000"), Err(DecodeError::BadText));
        assert_eq!(decode_z85("Hello#0"), Err(DecodeError::BadText));
    }

    #[test]
    fn keyboard_fix_is_tried_second() {
        // "MZXW6YQ=" is Base32 of "foob"; typed on a German layout it reads "MYXW6ZQ=".
        let r = candidates("MYXW6ZQ=").unwrap();
        assert!(r.iter().any(|c| c.bytes == b"foob" && c.keyboard_swapped && c.encoding == TextEncoding::Base32));
        assert_eq!(candidates(""), Err(DecodeError::Empty));
        assert_eq!(candidates(&"A".repeat(513)), Err(DecodeError::TooLong { max: 512, got: 513 }));
        assert_eq!(candidates("~~~~~"), Err(DecodeError::BadText));
    }
}
