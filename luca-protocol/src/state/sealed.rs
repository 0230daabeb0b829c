//! Encrypted state export (issue 14, item 7): a role's exported state sealed with AES-256-GCM under a
//! [`StateKey`] the platform's keystore holds, with the state type and version as associated data — as
//! vodozemac's pickling does. The plain form ([`StateWriter`](super::StateWriter) output, the role crates'
//! `export_state`) stays available for callers that encrypt at rest themselves.
//!
//! ```cddl
//! sealed-state = [ 1, state_type: tstr, version: uint, nonce: bstr .size 12, ciphertext: bstr ]
//! ; ciphertext = AES-256-GCM(key, nonce, aad, state) ‖ tag
//! ; aad = STATE_SEAL ‖ I2OSP(len(state_type), 2) ‖ state_type ‖ I2OSP(version, 8)
//! ```
//!
//! Opening checks, in order: the size cap (the state's cap plus 64 bytes), the CBOR rules, the envelope's
//! version, the state type and version the role expects, then the AEAD (a wrong key or any changed byte
//! is [`StateError::DecryptionFailed`], deliberately opaque); the plaintext then goes through the role's
//! strict state decoder as before.

use core::fmt;

use rand_core::CryptoRng;
use zeroize::Zeroizing;

use super::{StateError, StateSpec};
use crate::cbor::{self, ArrayReader, ArrayWriter};
use crate::crypto;
use crate::labels;

/// Bytes the envelope adds to a state at most (array head, type, version, nonce, tag).
const OVERHEAD: usize = 64;
const VERSION: u64 = 1;

/// The 32-byte key that seals exported states. Zeroized on drop, redacted in `Debug`; generate it once
/// per device or server and keep it in the platform's keystore, never beside the sealed state.
pub struct StateKey(Zeroizing<[u8; 32]>);

impl fmt::Debug for StateKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("StateKey(<redacted>)")
    }
}

impl StateKey {
    /// A fresh random key.
    pub fn generate<R: CryptoRng>(rng: &mut R) -> Self {
        let mut k = Zeroizing::new([0u8; 32]);
        rng.fill_bytes(k.as_mut_slice());
        Self(k)
    }

    /// The key from its 32 bytes (as the keystore returns them).
    #[must_use]
    pub fn from_bytes(bytes: [u8; 32]) -> Self {
        Self(Zeroizing::new(bytes))
    }

    /// The 32 bytes, to hand to the keystore.
    #[must_use]
    pub fn expose_secret(&self) -> &[u8; 32] {
        &self.0
    }
}

fn aad(spec: &StateSpec) -> Vec<u8> {
    let t = spec.state_type.as_bytes();
    let len = u16::try_from(t.len()).unwrap_or(u16::MAX).to_be_bytes();
    [labels::STATE_SEAL, &len, t, &spec.version.to_be_bytes()].concat()
}

impl StateSpec {
    /// Seals `state` (this role's plain export) under `key` with a random nonce.
    ///
    /// # Errors
    /// [`StateError::TooLong`] for a state above this role's size cap (nothing else can fail: AES-GCM
    /// seals up to 2^36 bytes).
    pub fn seal<R: CryptoRng>(&self, rng: &mut R, key: &StateKey, state: &[u8]) -> Result<Vec<u8>, StateError> {
        if state.len() > self.max_len {
            return Err(StateError::TooLong { max: self.max_len, got: state.len() });
        }
        let mut nonce = [0u8; crypto::AEAD_NONCE_LEN];
        rng.fill_bytes(&mut nonce);
        let ct = crypto::aes256gcm_seal(&key.0, &nonce, &aad(self), state)
            .map_err(|_| StateError::TooLong { max: self.max_len, got: state.len() })?;
        Ok(ArrayWriter::new(VERSION).text(self.state_type).uint(self.version).bytes(&nonce).bytes(&ct).encode())
    }

    /// Opens a sealed state of this role under `key`; the result is the plain state, to be imported with
    /// the role's `import_state`.
    ///
    /// # Errors
    /// The envelope's decoding errors, [`StateError::WrongStateType`], [`StateError::UnsupportedVersion`],
    /// or [`StateError::DecryptionFailed`].
    pub fn open(&self, key: &StateKey, sealed: &[u8]) -> Result<Zeroizing<Vec<u8>>, StateError> {
        let cap = self.max_len.saturating_add(OVERHEAD);
        let value = cbor::decode(sealed, cap, 1).map_err(StateError::from_cbor)?;
        let mut r = ArrayReader::open_message(value, "sealed_state", VERSION, 5).map_err(StateError::from_cbor)?;
        let state_type = r.text("state_type", 255).map_err(StateError::from_cbor)?;
        if state_type != self.state_type {
            return Err(StateError::WrongStateType);
        }
        let version = r.uint("version").map_err(StateError::from_cbor)?;
        if version != self.version {
            return Err(StateError::UnsupportedVersion { got: version });
        }
        let nonce = r.fixed::<{ crypto::AEAD_NONCE_LEN }>("nonce").map_err(StateError::from_cbor)?;
        let ct = r.bytes("ciphertext", cap).map_err(StateError::from_cbor)?;
        crypto::aes256gcm_open(&key.0, &nonce, &aad(self), &ct)
            .map(Zeroizing::new)
            .map_err(|_| StateError::DecryptionFailed)
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::indexing_slicing, clippy::arithmetic_side_effects)]
mod tests {
    use rand_chacha::ChaCha20Rng;
    use rand_core::SeedableRng as _;

    use super::super::Header;
    use super::*;

    const SPEC: StateSpec =
        StateSpec { state_type: "t/x", version: 1, header: Header::TypeFirst, arity: 3, max_len: 64 };

    fn key(seed: u64) -> StateKey {
        StateKey::generate(&mut ChaCha20Rng::seed_from_u64(seed))
    }

    #[test]
    fn round_trip_and_exact_layout() {
        let mut rng = ChaCha20Rng::seed_from_u64(1);
        let k = key(7);
        let sealed = SPEC.seal(&mut rng, &k, b"plain state").unwrap();
        assert_eq!(SPEC.open(&k, &sealed).unwrap().as_slice(), b"plain state");
        // [1, "t/x", 1, h'<12>', h'<11 + 16>']
        assert_eq!(&sealed[..8], &[0x85, 0x01, 0x63, b't', b'/', b'x', 0x01, 0x4c]);
        assert_eq!(sealed.len(), 8 + 12 + 2 + 11 + 16);
        // A fresh nonce every time.
        assert_ne!(SPEC.seal(&mut rng, &k, b"plain state").unwrap(), sealed);
    }

    #[test]
    fn wrong_key_and_changed_bytes_are_opaque_failures() {
        let mut rng = ChaCha20Rng::seed_from_u64(2);
        let sealed = SPEC.seal(&mut rng, &key(1), b"state").unwrap();
        assert_eq!(SPEC.open(&key(2), &sealed).unwrap_err(), StateError::DecryptionFailed);
        // Every byte of the nonce and of the ciphertext (the heads in between change the shape instead).
        for i in (8..20).chain(21..sealed.len()) {
            let mut t = sealed.clone();
            t[i] ^= 1;
            assert_eq!(SPEC.open(&key(1), &t).unwrap_err(), StateError::DecryptionFailed, "byte {i}");
        }
        assert_eq!(StateError::DecryptionFailed.kind(), "decryption_failed");
    }

    #[test]
    fn the_envelope_names_type_and_version_and_they_are_bound() {
        let mut rng = ChaCha20Rng::seed_from_u64(3);
        let k = key(1);
        let other_type = StateSpec { state_type: "t/y", ..SPEC };
        let other_version = StateSpec { version: 2, ..SPEC };
        let sealed = other_type.seal(&mut rng, &k, b"s").unwrap();
        assert_eq!(SPEC.open(&k, &sealed).unwrap_err(), StateError::WrongStateType);
        let sealed = other_version.seal(&mut rng, &k, b"s").unwrap();
        assert_eq!(SPEC.open(&k, &sealed).unwrap_err(), StateError::UnsupportedVersion { got: 2 });
        // Relabelled envelope (type changed in the clear): the AAD no longer matches.
        let sealed = SPEC.seal(&mut rng, &k, b"s").unwrap();
        let mut relabelled = sealed.clone();
        relabelled[5] = b'y';
        assert_eq!(other_type.open(&k, &relabelled).unwrap_err(), StateError::DecryptionFailed);
    }

    #[test]
    fn sizes_and_shapes() {
        let mut rng = ChaCha20Rng::seed_from_u64(4);
        let k = key(1);
        assert_eq!(SPEC.seal(&mut rng, &k, &[0u8; 65]).unwrap_err(), StateError::TooLong { max: 64, got: 65 });
        assert!(matches!(SPEC.open(&k, &vec![0u8; 10 * 1024 * 1024]).unwrap_err(), StateError::TooLong { .. }));
        assert_eq!(SPEC.open(&k, b"").unwrap_err(), StateError::Truncated);
        let sealed = SPEC.seal(&mut rng, &k, b"s").unwrap();
        assert_eq!(SPEC.open(&k, &sealed[..sealed.len() - 1]).unwrap_err(), StateError::Truncated);
        let mut long = sealed.clone();
        long.push(0);
        assert_eq!(SPEC.open(&k, &long).unwrap_err(), StateError::TrailingBytes);
        assert_eq!(format!("{k:?}"), "StateKey(<redacted>)");
    }
}
