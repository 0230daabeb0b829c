//! Randomness for production use: [`system()`].
//!
//! Every function of this crate that needs randomness takes it as a parameter
//! (`&mut impl CryptoRng`), so that with a seeded generator every output is
//! reproducible byte for byte — that is what the test vectors and the examples
//! that print fixed values rely on. **A seeded generator is for tests only.**
//! An application that copies `ChaCha20Rng::seed_from_u64(1)` from a test ships
//! the same "random" keys, trace-id secrets and TANs as everyone else.
//!
//! In production, take the generator from [`system()`]: a ChaCha20 stream keyed
//! with 256 bits from the operating system's generator (`getrandom`), the
//! construction of `rand`'s `ThreadRng`. It is fallible instead of panicking when
//! the operating system has no randomness to give, so that no call of this crate
//! can panic for that reason.
//!
//! ```
//! # fn main() -> Result<(), luca_protocol::rng::RandomnessUnavailable> {
//! use luca_protocol::keys::HealthOfficeMasterKeys;
//!
//! let mut rng = luca_protocol::rng::system()?;
//! let master_keys = HealthOfficeMasterKeys::generate(&mut rng);
//! # let _ = master_keys;
//! # Ok(())
//! # }
//! ```

use core::convert::Infallible;
use core::fmt;

use rand_chacha::ChaCha20Rng;
use rand_core::{SeedableRng, TryCryptoRng, TryRng};
use zeroize::Zeroizing;

/// The operating system's random number generator could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("the operating system's random number generator is unavailable")]
pub struct RandomnessUnavailable;

/// A cryptographically secure generator keyed from the operating system; made
/// by [`system()`].
///
/// Its state is never printed (`Debug` is redacted) and it is neither `Clone`
/// nor `Copy`, so that no two users can draw the same stream.
pub struct SystemRng(ChaCha20Rng);

impl fmt::Debug for SystemRng {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SystemRng(<redacted>)")
    }
}

/// A generator for production use: ChaCha20 keyed with 256 bits from the
/// operating system's generator. Use one per thread or per operation; it does
/// not reseed itself.
///
/// # Errors
///
/// [`RandomnessUnavailable`] when the operating system's generator fails
/// (nothing has been generated then).
#[must_use = "the generator is the point of calling this"]
pub fn system() -> Result<SystemRng, RandomnessUnavailable> {
    let mut seed = Zeroizing::new([0u8; 32]);
    getrandom::fill(seed.as_mut_slice()).map_err(|_| RandomnessUnavailable)?;
    Ok(SystemRng(ChaCha20Rng::from_seed(*seed)))
}

impl TryRng for SystemRng {
    type Error = Infallible;

    fn try_next_u32(&mut self) -> Result<u32, Infallible> {
        self.0.try_next_u32()
    }

    fn try_next_u64(&mut self) -> Result<u64, Infallible> {
        self.0.try_next_u64()
    }

    fn try_fill_bytes(&mut self, dst: &mut [u8]) -> Result<(), Infallible> {
        self.0.try_fill_bytes(dst)
    }
}

impl TryCryptoRng for SystemRng {}

#[cfg(test)]
mod tests {
    use rand_core::Rng;

    use super::*;

    #[test]
    fn two_system_generators_draw_different_streams() -> Result<(), RandomnessUnavailable> {
        let (mut a, mut b) = (system()?, system()?);
        let (mut x, mut y) = ([0u8; 32], [0u8; 32]);
        a.fill_bytes(&mut x);
        b.fill_bytes(&mut y);
        assert_ne!(x, y);
        assert_ne!(x, [0u8; 32]);
        Ok(())
    }

    #[test]
    fn debug_is_redacted() -> Result<(), RandomnessUnavailable> {
        assert_eq!(format!("{:?}", system()?), "SystemRng(<redacted>)");
        Ok(())
    }
}
