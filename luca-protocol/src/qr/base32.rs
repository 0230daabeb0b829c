//! RFC 4648 §6 Base32, uppercase, without padding: the text form of the guest and badge QR codes.
//!
//! The decoder is strict (canonical text only), so every byte string has exactly one accepted text.

use crate::error::DecodeError;

/// The RFC 4648 §6 alphabet.
pub const ALPHABET: &[u8; 32] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
/// Right shifts that extract the eight 5-bit symbols of a 40-bit group, most significant first.
const SHIFTS: [u32; 8] = [35, 30, 25, 20, 15, 10, 5, 0];

/// RFC 4648 §6 Base32, uppercase, without padding.
pub fn encode(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len().saturating_mul(8).div_ceil(5));
    for chunk in bytes.chunks(5) {
        let mut group = [0u8; 8];
        if let Some(dst) = group.get_mut(3..3usize.saturating_add(chunk.len())) {
            dst.copy_from_slice(chunk);
        }
        let v = u64::from_be_bytes(group);
        // Symbols needed for n bytes: ceil(8n / 5) (n = 1..=5 → 2, 4, 5, 7, 8).
        let symbols = chunk.len().saturating_mul(8).div_ceil(5);
        for shift in SHIFTS.iter().take(symbols) {
            let idx = usize::try_from(v.checked_shr(*shift).unwrap_or(0) & 0x1f).unwrap_or(0);
            if let Some(c) = ALPHABET.get(idx) {
                out.push(char::from(*c));
            }
        }
    }
    out
}

fn value(c: u8) -> Option<u64> {
    match c {
        b'A'..=b'Z' => Some(u64::from(c.wrapping_sub(b'A'))),
        b'2'..=b'7' => Some(u64::from(c.wrapping_sub(b'2').wrapping_add(26))),
        _ => None,
    }
}

/// Strict RFC 4648 §6 Base32 without padding: uppercase alphabet only, no
/// padding, a length that some byte string encodes to (≡ 0, 2, 4, 5 or 7 mod 8)
/// and zero unused trailing bits; anything else is [`DecodeError::InvalidBase32`].
///
/// # Errors
/// [`DecodeError::InvalidBase32`].
pub fn decode(text: &str) -> Result<Vec<u8>, DecodeError> {
    let mut out = Vec::with_capacity(text.len().saturating_mul(5) / 8);
    for chunk in text.as_bytes().chunks(8) {
        // Bytes encoded by k symbols: 2 → 1, 4 → 2, 5 → 3, 7 → 4, 8 → 5; other k are impossible.
        let n = match chunk.len() {
            2 => 1,
            4 => 2,
            5 => 3,
            7 => 4,
            8 => 5,
            _ => return Err(DecodeError::InvalidBase32),
        };
        let mut v: u64 = 0;
        for i in 0..8 {
            let d = match chunk.get(i) {
                Some(c) => value(*c).ok_or(DecodeError::InvalidBase32)?,
                None => 0,
            };
            v = v.checked_shl(5).unwrap_or(0) | d;
        }
        let group = v.to_be_bytes();
        let (_, five) = group.split_at(3);
        let (data, rest) = five.split_at(n);
        if rest.iter().any(|b| *b != 0) {
            // Non-zero unused trailing bits.
            return Err(DecodeError::InvalidBase32);
        }
        out.extend_from_slice(data);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base32_rfc4648_vectors() {
        let cases: [(&[u8], &str); 7] = [
            (b"", ""),
            (b"f", "MY"),
            (b"fo", "MZXQ"),
            (b"foo", "MZXW6"),
            (b"foob", "MZXW6YQ"),
            (b"fooba", "MZXW6YTB"),
            (b"foobar", "MZXW6YTBOI"),
        ];
        for (bin, text) in cases {
            assert_eq!(encode(bin), text);
            assert_eq!(decode(text).unwrap(), bin);
        }
    }

    #[test]
    fn rejects_non_canonical_text() {
        for bad in [
            "mzxw6ytb",
            "MZXW6YQ=",
            "MZXW6YTBOI======",
            "MZ XW",
            "MZXW6YTB1",
            "M",
            "MZX",
            "MZXW6Y",
            "MZ",
            "MZXR",
            "MZXW6YR",
            "MZXW7",
            "MÄ",
        ] {
            // "MZ" would be "f" only with zero trailing bits: "MY" is canonical, "MZ" is not.
            assert_eq!(decode(bad), Err(DecodeError::InvalidBase32), "{bad}");
        }
    }
}
