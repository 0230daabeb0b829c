//! The TAN: the short code an infected guest reads out to the health office
//! so that it can fetch the guest's history share.
//!
//! A TAN is 12 symbols from the 26-symbol alphabet [`ALPHABET`]
//! (`ACDEFGHJKLMNPQRTUVWXY34679`: no `0`/`O`, `1`/`I`, `2`/`Z`, `5`/`S`,
//! `8`/`B`), 11 random symbols followed by one check symbol computed with the
//! Luhn mod N algorithm (N = 26) over the alphabet. It is displayed in three
//! groups of four, `XXXX-XXXX-XXXX`.
//!
//! | step | rule |
//! |---|---|
//! | random symbols | 11 symbols, each drawn uniformly: draw one byte `b` from the RNG until `b < 234` (= 9·26), symbol index `b mod 26` |
//! | check symbol | Luhn mod 26: from the rightmost random symbol leftwards, multiply the symbol index alternately by 2, 1, 2, …; replace each product `p` by `p div 26 + p mod 26`; sum; check index = `(26 − sum mod 26) mod 26` |
//! | validation | the same sum over all 12 symbols with factors 1, 2, 1, … from the right (check symbol first) is `≡ 0 mod 26` |
//! | parsing | leading/trailing ASCII whitespace (U+0009, U+000A, U+000C, U+000D, U+0020) is trimmed; ASCII spaces and `-` anywhere are ignored; letters are case-insensitive; at most [`Tan::MAX_INPUT_LEN`] bytes |
//!
//! Parse errors, in order: input longer than `MAX_INPUT_LEN` bytes →
//! [`TanError::WrongLength`]; a character outside the alphabet (after the
//! rules above) → [`TanError::InvalidCharacter`]; not exactly 12 symbols →
//! [`TanError::WrongLength`]; check symbol wrong → [`TanError::BadCheckCharacter`].

use core::fmt;

use rand_core::CryptoRng;
use subtle::ConstantTimeEq;

/// The TAN alphabet: 26 symbols, symbol index = position in this string.
pub const ALPHABET: &[u8; 26] = b"ACDEFGHJKLMNPQRTUVWXY34679";

const N: u32 = 26;
/// Bytes at or above this value are rejected when drawing a symbol (9 · 26 = 234).
const REJECT_FROM: u8 = 234;
const RANDOM_SYMBOLS: usize = 11;
const SYMBOLS: usize = 12;

/// Why a TAN could not be parsed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum TanError {
    /// The TAN does not have exactly 12 symbols (or the input exceeds [`Tan::MAX_INPUT_LEN`]).
    #[error("a TAN has 12 characters, got {got}")]
    WrongLength {
        /// The number of symbols found (or of input bytes, if over the input cap).
        got: usize,
    },
    /// A character is not in the TAN alphabet (nor a space or hyphen).
    #[error("invalid character in TAN")]
    InvalidCharacter,
    /// The check character does not match: a typo.
    #[error("TAN check character does not match")]
    BadCheckCharacter,
}

impl TanError {
    /// Stable snake-case name of the error, as used in test vectors.
    pub fn kind(&self) -> &'static str {
        match self {
            Self::WrongLength { .. } => "wrong_length",
            Self::InvalidCharacter => "invalid_character",
            Self::BadCheckCharacter => "bad_check_character",
        }
    }
}

/// A TAN (12 symbols, the last a Luhn mod 26 check symbol).
///
/// Treated as sensitive: `Debug` is redacted, equality is constant-time and
/// the symbols are wiped on drop. `Display` prints the grouped form
/// `XXXX-XXXX-XXXX` (the TAN is meant to be shown to its owner).
#[derive(zeroize::Zeroize, zeroize::ZeroizeOnDrop)]
pub struct Tan(String);

impl Tan {
    /// Number of symbols (including the check symbol).
    pub const LENGTH: usize = SYMBOLS;
    /// Length of the displayed form `XXXX-XXXX-XXXX`.
    pub const DISPLAY_LENGTH: usize = 14;
    /// Longest input [`parse`](Self::parse) looks at.
    pub const MAX_INPUT_LEN: usize = 64;

    /// Draws a fresh TAN: 11 uniformly random symbols (rejection sampling, no
    /// modulo bias) and the check symbol.
    pub fn generate<R: CryptoRng>(rng: &mut R) -> Self {
        let mut idx = [0u8; SYMBOLS];
        for slot in idx.iter_mut().take(RANDOM_SYMBOLS) {
            *slot = draw_symbol(rng);
        }
        let (random, check) = idx.split_at_mut(RANDOM_SYMBOLS);
        if let Some(c) = check.first_mut() {
            *c = check_index(random);
        }
        Self(to_ascii(&idx))
    }

    /// Parses a TAN as typed by a person (rules in the module documentation).
    ///
    /// # Errors
    /// [`TanError::WrongLength`], [`TanError::InvalidCharacter`], [`TanError::BadCheckCharacter`].
    pub fn parse(text: &str) -> Result<Self, TanError> {
        if text.len() > Self::MAX_INPUT_LEN {
            return Err(TanError::WrongLength { got: text.len() });
        }
        let mut idx = [0u8; SYMBOLS];
        let mut n = 0usize;
        for c in text.trim_matches(|c: char| c.is_ascii_whitespace()).bytes().filter(|c| !matches!(c, b' ' | b'-')) {
            let i = symbol_index(c.to_ascii_uppercase()).ok_or(TanError::InvalidCharacter)?;
            if let Some(slot) = idx.get_mut(n) {
                *slot = i;
            }
            n = n.saturating_add(1);
        }
        if n != SYMBOLS {
            return Err(TanError::WrongLength { got: n });
        }
        if luhn_sum(&idx, false) != 0 {
            return Err(TanError::BadCheckCharacter);
        }
        Ok(Self(to_ascii(&idx)))
    }

    /// The 12 symbols without separators, uppercase (e.g. for a server-side lookup).
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Tan {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        use fmt::Write as _;
        for (i, c) in self.0.chars().enumerate() {
            if i == 4 || i == 8 {
                f.write_char('-')?;
            }
            f.write_char(c)?;
        }
        Ok(())
    }
}

impl fmt::Debug for Tan {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Tan(<redacted>)")
    }
}

impl ConstantTimeEq for Tan {
    fn ct_eq(&self, other: &Self) -> subtle::Choice {
        self.0.as_bytes().ct_eq(other.0.as_bytes())
    }
}

impl PartialEq for Tan {
    fn eq(&self, other: &Self) -> bool {
        bool::from(self.ct_eq(other))
    }
}

impl Eq for Tan {}

fn draw_symbol<R: CryptoRng>(rng: &mut R) -> u8 {
    loop {
        let mut b = [0u8; 1];
        rng.fill_bytes(&mut b);
        let [b] = b;
        if b < REJECT_FROM {
            // b < 234 = 9·26, so b mod 26 is uniform over 0..26.
            return b.checked_rem(26).unwrap_or(0);
        }
    }
}

fn symbol_index(c: u8) -> Option<u8> {
    ALPHABET.iter().position(|a| *a == c).and_then(|p| u8::try_from(p).ok())
}

/// The symbols of `idx` (each `< 26`: drawn by [`draw_symbol`] or found by [`symbol_index`]).
fn to_ascii(idx: &[u8; SYMBOLS]) -> String {
    idx.iter().filter_map(|i| ALPHABET.get(usize::from(*i))).map(|c| char::from(*c)).collect()
}

/// Luhn mod N sum of `idx`, from the right; the rightmost symbol gets factor 2
/// if `double_first`, else 1; factors alternate. Returns `sum mod 26`.
fn luhn_sum(idx: &[u8], double_first: bool) -> u32 {
    let mut double = double_first;
    let mut sum: u32 = 0;
    for i in idx.iter().rev() {
        let factor: u32 = if double { 2 } else { 1 };
        let p = u32::from(*i).saturating_mul(factor);
        let addend = (p / N).saturating_add(p.checked_rem(N).unwrap_or(0));
        sum = sum.saturating_add(addend);
        double = !double;
    }
    sum.checked_rem(N).unwrap_or(0)
}

/// The check symbol index for `random` (the symbols before it).
fn check_index(random: &[u8]) -> u8 {
    let r = luhn_sum(random, true);
    u8::try_from(N.saturating_sub(r).checked_rem(N).unwrap_or(0)).unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand_chacha::ChaCha20Rng;
    use rand_core::SeedableRng;

    #[test]
    fn alphabet_is_26_distinct_unambiguous_symbols() {
        assert_eq!(ALPHABET.len(), 26);
        let mut v = ALPHABET.to_vec();
        v.sort_unstable();
        v.dedup();
        assert_eq!(v.len(), 26);
        for c in b"0O1I2Z5S8B" {
            assert!(!ALPHABET.contains(c), "{}", char::from(*c));
        }
    }

    #[test]
    fn generate_parse_round_trip() {
        let mut rng = ChaCha20Rng::seed_from_u64(1);
        for _ in 0..200 {
            let t = Tan::generate(&mut rng);
            let shown = t.to_string();
            assert_eq!(shown.len(), Tan::DISPLAY_LENGTH);
            assert_eq!(shown.as_bytes()[4], b'-');
            assert_eq!(shown.as_bytes()[9], b'-');
            assert_eq!(Tan::parse(&shown).unwrap(), t);
            assert_eq!(Tan::parse(t.as_str()).unwrap(), t);
            assert_eq!(Tan::parse(&format!("  {}  ", shown.to_lowercase())).unwrap(), t);
            assert_eq!(Tan::parse(&shown.replace('-', " ")).unwrap(), t);
        }
    }

    #[test]
    fn known_check_symbol() {
        // All-'A' (index 0): sum 0, check index 0 → "AAAAAAAAAAAA".
        let t = Tan::parse("AAAA-AAAA-AAAA").unwrap();
        assert_eq!(t.to_string(), "AAAA-AAAA-AAAA");
        // "AAAAAAAAAAC?": index 1 at the rightmost random position, factor 2 → sum 2 → check (26-2)=24 → '7'.
        assert_eq!(check_index(&[0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1]), 24);
        assert_eq!(ALPHABET[24], b'7');
        Tan::parse("AAAAAAAAAAC7").unwrap();
        // Index 13 doubled = 26 → 1 + 0 = 1 → check 25 ('9').
        assert_eq!(check_index(&[0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 13]), 25);
    }

    #[test]
    fn every_single_substitution_is_caught() {
        let mut rng = ChaCha20Rng::seed_from_u64(2);
        let t = Tan::generate(&mut rng);
        let s = t.as_str().as_bytes().to_vec();
        for pos in 0..12 {
            for c in ALPHABET.iter().filter(|c| **c != s[pos]) {
                let mut m = s.clone();
                m[pos] = *c;
                assert_eq!(Tan::parse(core::str::from_utf8(&m).unwrap()).unwrap_err(), TanError::BadCheckCharacter);
            }
        }
    }

    #[test]
    fn decode_errors() {
        assert_eq!(Tan::parse("AAAA-AAAA-AAA").unwrap_err(), TanError::WrongLength { got: 11 });
        assert_eq!(Tan::parse("AAAA-AAAA-AAAAA").unwrap_err(), TanError::WrongLength { got: 13 });
        assert_eq!(Tan::parse("").unwrap_err(), TanError::WrongLength { got: 0 });
        assert_eq!(Tan::parse(&"A".repeat(65)).unwrap_err(), TanError::WrongLength { got: 65 });
        assert_eq!(Tan::parse("AAAA-AAAA-AAA0").unwrap_err(), TanError::InvalidCharacter);
        assert_eq!(Tan::parse("AAAA_AAAA_AAAA").unwrap_err(), TanError::InvalidCharacter);
        assert_eq!(Tan::parse("AAAA-AAAA-AAAÄ").unwrap_err(), TanError::InvalidCharacter);
        assert_eq!(Tan::parse("AAAA-AAAA-AAAC").unwrap_err(), TanError::BadCheckCharacter);
        assert_eq!(TanError::BadCheckCharacter.kind(), "bad_check_character");
    }

    #[test]
    fn debug_is_redacted() {
        let t = Tan::parse("AAAAAAAAAAAA").unwrap();
        assert_eq!(format!("{t:?}"), "Tan(<redacted>)");
    }

    #[test]
    fn symbols_are_roughly_uniform() {
        let mut rng = ChaCha20Rng::seed_from_u64(3);
        let mut counts = [0u32; 26];
        for _ in 0..2000 {
            let t = Tan::generate(&mut rng);
            for c in t.as_str().bytes().take(11) {
                counts[symbol_index(c).unwrap() as usize] += 1;
            }
        }
        // 22000 draws, expectation 846 per symbol.
        for c in counts {
            assert!((700..1000).contains(&c), "{counts:?}");
        }
    }
}
