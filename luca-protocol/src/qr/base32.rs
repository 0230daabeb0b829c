//! RFC 4648 §6 Base32, uppercase, without padding: the text form of the guest and badge QR codes.
//!
//! The decoder is strict (canonical text only), so every byte string has exactly one accepted text.

use crate::error::DecodeError;

/// The cap on every scanned QR text, in characters, checked before decoding: the Base32 text of the largest
/// badge QR payload (513 bytes, docs/PROTOCOL.md §5.2), and so of anything a guest or badge QR can hold.
pub const MAX_SCANNED_TEXT_LEN: usize = 821;

/// The RFC 4648 §6 alphabet.
pub const ALPHABET: &[u8; 32] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
/// RFC 4648 §6 Base32, uppercase, without padding.
pub fn encode(bytes: &[u8]) -> String {
    data_encoding::BASE32_NOPAD.encode(bytes)
}

/// Strict RFC 4648 §6 Base32 without padding: uppercase alphabet only, no
/// padding, a length that some byte string encodes to (≡ 0, 2, 4, 5 or 7 mod 8)
/// and zero unused trailing bits; anything else is [`DecodeError::InvalidBase32`].
///
/// The codec is `data-encoding`'s `BASE32_NOPAD`, whose decoder checks the
/// trailing bits (the test `rejects_non_canonical_text` pins every rule above).
///
/// # Errors
/// [`DecodeError::InvalidBase32`].
pub fn decode(text: &str) -> Result<Vec<u8>, DecodeError> {
    data_encoding::BASE32_NOPAD.decode(text.as_bytes()).map_err(|_| DecodeError::InvalidBase32)
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
