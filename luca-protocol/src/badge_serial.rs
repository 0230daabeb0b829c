//! The serial number printed on a badge: the badge's only secret.
//!
//! 60 random bits, printed as 12 Crockford Base32 characters in three groups,
//! `XXXX-XXXX-XXXX` (alphabet `0123456789ABCDEFGHJKMNPQRSTVWXYZ`, most
//! significant 5 bits first). Parsing is case-insensitive, ignores hyphens
//! and spaces, and maps the Crockford look-alikes `O`→`0` and `I`/`L`→`1`.
//! Every badge secret derives from the serial's value through Argon2id
//! ([`crate::derive::badge_seed`]) and HKDF ([`crate::derive::badge_secrets`]).

use core::fmt;

use rand_core::CryptoRng;
use zeroize::{Zeroize, ZeroizeOnDrop, Zeroizing};

/// Crockford Base32 alphabet.
pub const ALPHABET: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";
/// Number of symbols in a serial.
pub const SYMBOLS: usize = 12;
/// Bits of entropy in a serial.
pub const BITS: u32 = 60;

/// Why a typed serial was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum BadgeSerialError {
    /// Not 12 symbols after removing hyphens and spaces (or longer than 64 bytes of input).
    #[error("a badge serial has 12 symbols")]
    WrongLength,
    /// A character outside the Crockford alphabet.
    #[error("invalid character in badge serial")]
    InvalidCharacter,
}

impl BadgeSerialError {
    /// Stable snake-case name of the error.
    pub fn kind(&self) -> &'static str {
        match self {
            Self::WrongLength => "wrong_length",
            Self::InvalidCharacter => "invalid_character",
        }
    }
}

/// A badge serial. Secret: zeroized on drop, redacted in `Debug`, no `Display`.
#[derive(Zeroize, ZeroizeOnDrop)]
pub struct BadgeSerial(u64);

impl BadgeSerial {
    /// Draws a fresh serial (60 uniform bits).
    pub fn generate<R: CryptoRng>(rng: &mut R) -> Self {
        Self(rng.next_u64() >> (64 - BITS))
    }

    /// Parses a serial as typed by a person.
    ///
    /// # Errors
    /// [`BadgeSerialError::WrongLength`] or [`BadgeSerialError::InvalidCharacter`].
    pub fn parse(text: &str) -> Result<Self, BadgeSerialError> {
        if text.len() > 64 {
            return Err(BadgeSerialError::WrongLength);
        }
        let mut value: u64 = 0;
        let mut count = 0usize;
        for c in text.chars() {
            if c == '-' || c == ' ' {
                continue;
            }
            let c = match c.to_ascii_uppercase() {
                'O' => '0',
                'I' | 'L' => '1',
                other => other,
            };
            let digit = ALPHABET.iter().position(|&a| char::from(a) == c).ok_or(BadgeSerialError::InvalidCharacter)?;
            count = count.saturating_add(1);
            if count > SYMBOLS {
                return Err(BadgeSerialError::WrongLength);
            }
            value = (value << 5) | u64::try_from(digit).map_err(|_| BadgeSerialError::InvalidCharacter)?;
        }
        if count != SYMBOLS {
            value.zeroize();
            return Err(BadgeSerialError::WrongLength);
        }
        Ok(Self(value))
    }

    /// The printed form `XXXX-XXXX-XXXX`, in a buffer that wipes itself.
    pub fn to_printed(&self) -> Zeroizing<String> {
        let mut out = Zeroizing::new(String::with_capacity(14));
        for (i, shift) in (0..SYMBOLS).rev().map(|k| k.saturating_mul(5)).enumerate() {
            if i == 4 || i == 8 {
                out.push('-');
            }
            let idx =
                usize::try_from(self.0.checked_shr(u32::try_from(shift).unwrap_or(0)).unwrap_or(0) & 0x1f).unwrap_or(0);
            out.push(char::from(*ALPHABET.get(idx).unwrap_or(&b'0')));
        }
        out
    }

    /// The serial from its 60-bit value as a big-endian `u64` (the form [`Self::expose_secret`] returns).
    ///
    /// # Errors
    /// [`BadgeSerialError::WrongLength`] if the value has more than 60 bits.
    pub fn from_be_bytes(bytes: [u8; 8]) -> Result<Self, BadgeSerialError> {
        let mut value = Zeroizing::new(u64::from_be_bytes(bytes));
        if *value >> BITS != 0 {
            return Err(BadgeSerialError::WrongLength);
        }
        Ok(Self(core::mem::take(&mut *value)))
    }

    /// The badge's only secret: its 60-bit value as a big-endian `u64`, the Argon2id password of
    /// [`badge_seed`](crate::derive::badge_seed), in a buffer that wipes itself.
    pub fn expose_secret(&self) -> Zeroizing<[u8; 8]> {
        Zeroizing::new(self.0.to_be_bytes())
    }
}

impl fmt::Debug for BadgeSerial {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("BadgeSerial(<redacted>)")
    }
}

impl PartialEq for BadgeSerial {
    fn eq(&self, other: &Self) -> bool {
        use subtle::ConstantTimeEq as _;
        bool::from(self.0.ct_eq(&other.0))
    }
}

impl Eq for BadgeSerial {}

#[cfg(test)]
mod tests {
    use super::*;
    use rand_chacha::ChaCha20Rng;
    use rand_core::SeedableRng;

    #[test]
    fn print_and_parse_round_trip() {
        let mut rng = ChaCha20Rng::seed_from_u64(3);
        for _ in 0..100 {
            let s = BadgeSerial::generate(&mut rng);
            assert!(u64::from_be_bytes(*s.expose_secret()) < (1 << 60));
            let printed = s.to_printed();
            assert_eq!(printed.len(), 14);
            assert_eq!(BadgeSerial::parse(&printed).unwrap(), s);
            assert_eq!(BadgeSerial::parse(&printed.to_lowercase().replace('-', " ")).unwrap(), s);
        }
    }

    #[test]
    fn exact_values() {
        assert_eq!(*BadgeSerial::parse("0000-0000-0001").unwrap().expose_secret(), 1u64.to_be_bytes());
        assert_eq!(*BadgeSerial::parse("ZZZZ-ZZZZ-ZZZZ").unwrap().expose_secret(), ((1u64 << 60) - 1).to_be_bytes());
        assert_eq!(BadgeSerial::from_be_bytes((1u64 << 60).to_be_bytes()).unwrap_err(), BadgeSerialError::WrongLength);
        let max = BadgeSerial::from_be_bytes(((1u64 << 60) - 1).to_be_bytes()).unwrap();
        assert_eq!(max.to_printed().as_str(), "ZZZZ-ZZZZ-ZZZZ");
        assert_eq!(BadgeSerial::parse("oooo-iiii-llll").unwrap().to_printed().as_str(), "0000-1111-1111");
        assert_eq!(BadgeSerial(0x0123_4567_89ab_cdef >> 4).to_printed().as_str(), "04HM-ASW9-NF6Y");
    }

    #[test]
    fn rejects() {
        assert_eq!(BadgeSerial::parse("0000-0000-000").unwrap_err(), BadgeSerialError::WrongLength);
        assert_eq!(BadgeSerial::parse("0000-0000-00000").unwrap_err(), BadgeSerialError::WrongLength);
        assert_eq!(BadgeSerial::parse("0000-0000-000U").unwrap_err(), BadgeSerialError::InvalidCharacter);
        assert_eq!(format!("{:?}", BadgeSerial::parse("0000-0000-0001").unwrap()), "BadgeSerial(<redacted>)");
    }
}
