//! Randomness for the FFI objects.
//!
//! The role crates take any infallible `rand_core::CryptoRng`. getrandom 0.4's
//! `SysRng` (the successor of rand_core's `OsRng`) is fallible, and its
//! infallible adapter `UnwrapErr` panics when the operating system's generator
//! fails. So that no call can panic for that reason, every call that needs
//! randomness draws a 256-bit seed from the operating system with
//! [`getrandom::fill`] — failing with [`LucaError::Randomness`] before anything
//! is done — and runs on a ChaCha20 stream keyed with it, used for that one call
//! and dropped with it (the construction of `rand`'s `ThreadRng`, without the
//! long-lived state).

use rand_chacha::ChaCha20Rng;
use rand_core::SeedableRng;
use zeroize::Zeroizing;

use crate::error::LucaError;

/// A CSPRNG for one call, keyed from the operating system's generator.
pub(crate) fn os_rng() -> Result<ChaCha20Rng, LucaError> {
    let mut seed = Zeroizing::new([0u8; 32]);
    getrandom::fill(seed.as_mut_slice()).map_err(|_| LucaError::Randomness)?;
    Ok(ChaCha20Rng::from_seed(*seed))
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
