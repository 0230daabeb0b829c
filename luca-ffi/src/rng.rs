//! Randomness for the FFI objects.
//!
//! The role crates take any infallible `rand_core::CryptoRng`. Every call that
//! needs randomness draws a fresh generator from
//! [`luca_protocol::rng::system()`] — ChaCha20 keyed with 256 bits from the
//! operating system, failing with [`LucaError::Randomness`] before anything is
//! done rather than panicking — used for that one call and dropped with it.

use luca_protocol::rng::SystemRng;

use crate::error::LucaError;

/// A CSPRNG for one call, keyed from the operating system's generator.
pub(crate) fn os_rng() -> Result<SystemRng, LucaError> {
    luca_protocol::rng::system().map_err(|_| LucaError::Randomness)
}

#[cfg(test)]
mod tests {
    use rand_core::Rng;

    use super::*;

    #[test]
    fn os_rng_streams_differ() -> Result<(), LucaError> {
        let (mut a, mut b) = (os_rng()?, os_rng()?);
        assert_ne!(a.next_u64(), b.next_u64());
        Ok(())
    }
}
