//! Native backend on AWS-LC through `aws-lc-rs` (cargo feature `aws-lc`).
//!
//! Same interface and byte-identical outputs as the RustCrypto backend ([`super::rustcrypto`]); the cross-backend
//! tests at the end of this file and the third-party vectors (RFC 9180, Wycheproof, RFC 4231/5869) check that.
//!
//! | function | here |
//! |---|---|
//! | ECDH P-256 (inside HPKE) | AWS-LC; a long-lived private key is parsed into AWS-LC once and kept ([`EcSecret`]) |
//! | [`EcPublic::verify`] | AWS-LC (ECDSA P-256 / SHA-256, fixed `r‖s`) |
//! | [`aes128gcm_seal`] / [`aes128gcm_open`] | AWS-LC |
//! | HPKE: [`hpke_seal`] / [`hpke_open`], contexts, [`hpke_derive_keypair`] | RFC 9180 base mode written on AWS-LC ECDH and AES-GCM and RustCrypto HKDF, in [`hpke`] (aws-lc-rs has no HPKE API) |
//! | [`sha256`], [`hmac_sha256`], [`hkdf_sha256`] | RustCrypto `sha2` / `hmac` / `hkdf`: on short inputs with a new key per call (trace ids, HPKE key schedules) they are about twice as fast as AWS-LC through `aws-lc-rs` on this project's machines (SHA-NI on both sides; the FFI call and context setup dominate), see docs/PERFORMANCE.md |
//! | [`EcSecret::sign`] | RustCrypto `p256`: AWS-LC signs with random nonces, the protocol needs RFC 6979 deterministic signatures (byte-identical outputs, reproducible vectors) |
//! | [`argon2id`] | RustCrypto `argon2`: AWS-LC has no Argon2 |
//! | SEC1 parsing/encoding of points and scalars | RustCrypto `p256` (cheap; keeps the exact acceptance rules of the default backend) |

use std::sync::{Arc, OnceLock};

use aws_lc_rs::{aead, agreement, signature};
use rand_core::CryptoRng;
use zeroize::Zeroizing;

use super::rustcrypto as rc;
use super::{AEAD_NONCE_LEN, AEAD_TAG_LEN, CryptoError, POINT_LEN, SCALAR_LEN, SIGNATURE_LEN};

pub(crate) use rc::{HpkeSealed, argon2id};

/// SHA-256 of the concatenation of `parts` (RustCrypto `sha2`, see the module docs).
pub(crate) fn sha256(parts: &[&[u8]]) -> [u8; 32] {
    rc::sha256(parts)
}

/// HMAC-SHA256 with `key` over the concatenation of `parts` (RustCrypto `hmac`, see the module docs).
pub(crate) fn hmac_sha256(key: &[u8], parts: &[&[u8]]) -> [u8; 32] {
    rc::hmac_sha256(key, parts)
}

pub(crate) use rc::hkdf_sha256_array;
#[cfg(test)]
pub(crate) use rc::{hkdf_sha256, hkdf_sha256_extract, hmac_sha256_verify};

/// HKDF-SHA256 keyed with a PRK (RustCrypto `hkdf`): the HMAC key schedule is done once, however many
/// `Expand`s follow.
type Prk = hkdf::Hkdf<sha2::Sha256>;

/// The PRK `prk` ready for `Expand`.
fn prk(prk: &[u8; 32]) -> Result<Prk, CryptoError> {
    Prk::from_prk(prk).map_err(|_| CryptoError)
}

/// HKDF-Expand (RFC 5869) with `info` given as concatenated parts.
fn hkdf_expand(prk: &Prk, info: &[&[u8]], out: &mut [u8]) -> Result<(), CryptoError> {
    prk.expand_multi_info(info, out).map_err(|_| CryptoError)
}

/// HMAC-SHA256 keyed with the empty salt (`Extract("", …)`, i.e. a key of zeros): keyed once per process and
/// cloned, which saves the two compression-function calls of the key schedule on every use.
fn empty_salt_hmac() -> hmac::Hmac<sha2::Sha256> {
    use hmac::KeyInit as _;
    static KEYED: OnceLock<hmac::Hmac<sha2::Sha256>> = OnceLock::new();
    // A key of one block of zeros is the empty key: HMAC pads shorter keys with zeros to the block size.
    KEYED.get_or_init(|| <hmac::Hmac<sha2::Sha256>>::new(&Default::default())).clone()
}

fn gcm_seal(
    alg: &'static aead::Algorithm,
    key: &[u8],
    nonce: &[u8; AEAD_NONCE_LEN],
    aad: &[u8],
    pt: &[u8],
) -> Result<Vec<u8>, CryptoError> {
    let key = aead::LessSafeKey::new(aead::UnboundKey::new(alg, key).map_err(|_| CryptoError)?);
    gcm_seal_with(&key, nonce, aad, pt)
}

fn gcm_seal_with(
    key: &aead::LessSafeKey,
    nonce: &[u8; AEAD_NONCE_LEN],
    aad: &[u8],
    pt: &[u8],
) -> Result<Vec<u8>, CryptoError> {
    let mut buf = Vec::with_capacity(pt.len().saturating_add(AEAD_TAG_LEN));
    buf.extend_from_slice(pt);
    key.seal_in_place_append_tag(aead::Nonce::assume_unique_for_key(*nonce), aead::Aad::from(aad), &mut buf)
        .map_err(|_| CryptoError)?;
    Ok(buf)
}

fn gcm_open(
    alg: &'static aead::Algorithm,
    key: &[u8],
    nonce: &[u8; AEAD_NONCE_LEN],
    aad: &[u8],
    ct: &[u8],
) -> Result<Zeroizing<Vec<u8>>, CryptoError> {
    let key = aead::LessSafeKey::new(aead::UnboundKey::new(alg, key).map_err(|_| CryptoError)?);
    gcm_open_with(&key, nonce, aad, ct)
}

fn gcm_open_with(
    key: &aead::LessSafeKey,
    nonce: &[u8; AEAD_NONCE_LEN],
    aad: &[u8],
    ct: &[u8],
) -> Result<Zeroizing<Vec<u8>>, CryptoError> {
    let mut buf = Zeroizing::new(ct.to_vec());
    let n = key
        .open_in_place(aead::Nonce::assume_unique_for_key(*nonce), aead::Aad::from(aad), buf.as_mut_slice())
        .map_err(|_| CryptoError)?
        .len();
    buf.truncate(n);
    Ok(buf)
}

/// AES-GCM seal with a 128-bit key (the protocol's only key size), 96-bit nonce; returns `ct ‖ tag`.
pub(crate) fn aes128gcm_seal(key: &[u8; 16], nonce: &[u8; 12], aad: &[u8], pt: &[u8]) -> Result<Vec<u8>, CryptoError> {
    gcm_seal(&aead::AES_128_GCM, key, nonce, aad, pt)
}

/// AES-GCM open with a 128-bit key and 96-bit nonce; `ct` includes the 16-byte tag.
pub(crate) fn aes128gcm_open(
    key: &[u8; 16],
    nonce: &[u8; 12],
    aad: &[u8],
    ct: &[u8],
) -> Result<Zeroizing<Vec<u8>>, CryptoError> {
    gcm_open(&aead::AES_128_GCM, key, nonce, aad, ct)
}

/// AES-256-GCM open (encrypted state export, and the third-party vectors).
pub(crate) fn aes256gcm_open(key: &[u8; 32], nonce: &[u8; 12], aad: &[u8], ct: &[u8]) -> Result<Vec<u8>, CryptoError> {
    gcm_open(&aead::AES_256_GCM, key, nonce, aad, ct).map(|p| p.to_vec())
}

/// AES-256-GCM seal (encrypted state export, and the third-party vectors).
pub(crate) fn aes256gcm_seal(key: &[u8; 32], nonce: &[u8; 12], aad: &[u8], pt: &[u8]) -> Result<Vec<u8>, CryptoError> {
    gcm_seal(&aead::AES_256_GCM, key, nonce, aad, pt)
}

/// A P-256 public point (never the identity), on the curve by construction.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) struct EcPublic(rc::EcPublic);

impl EcPublic {
    /// Parses an uncompressed (65-byte) SEC1 point. Compressed, hybrid and identity encodings are rejected.
    pub(crate) fn from_uncompressed(bytes: &[u8]) -> Result<Self, CryptoError> {
        rc::EcPublic::from_uncompressed(bytes).map(Self)
    }

    /// Parses a compressed (33-byte) SEC1 point.
    pub(crate) fn from_compressed(bytes: &[u8]) -> Result<Self, CryptoError> {
        rc::EcPublic::from_compressed(bytes).map(Self)
    }

    /// Parses any SEC1 encoding (used only to run third-party vectors).
    #[cfg(test)]
    pub(crate) fn from_sec1_any(bytes: &[u8]) -> Result<Self, CryptoError> {
        rc::EcPublic::from_sec1_any(bytes).map(Self)
    }

    /// The 65-byte uncompressed SEC1 encoding.
    pub(crate) fn to_uncompressed(self) -> [u8; POINT_LEN] {
        self.0.to_uncompressed()
    }

    /// The 33-byte compressed SEC1 encoding.
    pub(crate) fn to_compressed(self) -> [u8; super::COMPRESSED_POINT_LEN] {
        self.0.to_compressed()
    }

    /// Verifies a 64-byte `r‖s` ECDSA P-256 / SHA-256 signature over `msg`.
    pub(crate) fn verify(&self, msg: &[u8], sig: &[u8]) -> Result<(), CryptoError> {
        if sig.len() != SIGNATURE_LEN {
            return Err(CryptoError);
        }
        signature::UnparsedPublicKey::new(&signature::ECDSA_P256_SHA256_FIXED, self.to_uncompressed())
            .verify(msg, sig)
            .map_err(|_| CryptoError)
    }

    /// Verifies a DER ECDSA signature (used only to run third-party vectors).
    #[cfg(test)]
    pub(crate) fn verify_der(&self, msg: &[u8], sig: &[u8]) -> Result<(), CryptoError> {
        signature::UnparsedPublicKey::new(&signature::ECDSA_P256_SHA256_ASN1, self.to_uncompressed())
            .verify(msg, sig)
            .map_err(|_| CryptoError)
    }
}

/// A P-256 secret scalar; zeroized on drop by `p256` (and by AWS-LC, which clears every allocation it frees).
///
/// The AWS-LC form of the key (with its public point) is made on first use in an ECDH and kept, so a long-lived key
/// (a venue key, a daily key, a health office's encryption key) is parsed once, not once per message.
#[derive(Clone)]
pub(crate) struct EcSecret {
    scalar: rc::EcSecret,
    native: OnceLock<NativeKey>,
}

/// An AWS-LC ECDH key and its uncompressed public point.
#[derive(Clone)]
struct NativeKey {
    key: Arc<agreement::PrivateKey>,
    public: [u8; POINT_LEN],
}

impl EcSecret {
    fn new(scalar: rc::EcSecret) -> Self {
        Self { scalar, native: OnceLock::new() }
    }

    /// Draws a uniformly random non-zero scalar.
    pub(crate) fn random<R: CryptoRng>(rng: &mut R) -> Self {
        Self::new(rc::EcSecret::random(rng))
    }

    /// Parses a 32-byte big-endian scalar in `[1, n-1]`.
    pub(crate) fn from_bytes(bytes: &[u8]) -> Result<Self, CryptoError> {
        rc::EcSecret::from_bytes(bytes).map(Self::new)
    }

    /// The 32-byte big-endian scalar.
    pub(crate) fn to_bytes(&self) -> Zeroizing<[u8; SCALAR_LEN]> {
        self.scalar.to_bytes()
    }

    /// The public point (computed by AWS-LC).
    pub(crate) fn public(&self) -> EcPublic {
        match self.native().and_then(|n| EcPublic::from_uncompressed(&n.public)) {
            Ok(p) => p,
            Err(_) => EcPublic(self.scalar.public()),
        }
    }

    /// ECDSA P-256 / SHA-256, deterministic nonces (RFC 6979); 64-byte `r‖s`.
    ///
    /// Stays on RustCrypto: AWS-LC only signs with random nonces, and both backends must produce the same bytes.
    pub(crate) fn sign(&self, msg: &[u8]) -> [u8; SIGNATURE_LEN] {
        self.scalar.sign(msg)
    }

    /// The scalar as an AWS-LC ECDH key with its public point, parsed on first use (AWS-LC computes the public
    /// point while parsing). Two threads racing here both parse; one result is kept.
    fn native(&self) -> Result<&NativeKey, CryptoError> {
        if let Some(n) = self.native.get() {
            return Ok(n);
        }
        let key = agreement::PrivateKey::from_private_key(&agreement::ECDH_P256, self.to_bytes().as_slice())
            .map_err(|_| CryptoError)?;
        let public = public_of(&key)?;
        Ok(self.native.get_or_init(|| NativeKey { key: Arc::new(key), public }))
    }

    /// Raw ECDH x-coordinate (used only to run third-party vectors; protocol code
    /// never sees a raw shared secret, HPKE feeds it straight into HKDF).
    #[cfg(test)]
    pub(crate) fn ecdh_raw(&self, peer: &EcPublic) -> [u8; 32] {
        match self.native().and_then(|n| ecdh(&n.key, &peer.to_uncompressed())) {
            Ok(ss) => *ss,
            Err(_) => [0u8; 32],
        }
    }
}

/// The uncompressed public point of an AWS-LC ECDH key.
fn public_of(key: &agreement::PrivateKey) -> Result<[u8; POINT_LEN], CryptoError> {
    let pk = key.compute_public_key().map_err(|_| CryptoError)?;
    <[u8; POINT_LEN]>::try_from(pk.as_ref()).map_err(|_| CryptoError)
}

/// ECDH on P-256: the x-coordinate of `key · peer`; `peer` is an uncompressed point, validated by AWS-LC.
fn ecdh(key: &agreement::PrivateKey, peer: &[u8]) -> Result<Zeroizing<[u8; 32]>, CryptoError> {
    let peer = agreement::UnparsedPublicKey::new(&agreement::ECDH_P256, peer);
    agreement::agree(key, peer, CryptoError, |ss| <[u8; 32]>::try_from(ss).map(Zeroizing::new).map_err(|_| CryptoError))
}

mod hpke;

pub(crate) use hpke::{hpke_derive_keypair, hpke_open, hpke_seal};
// The multi-message contexts serve the RFC 9180 vectors (the protocol seals and opens single-shot).
#[cfg(test)]
use hpke::{HPKE_V1, KEM_SUITE_ID, labeled_extract};
#[cfg(test)]
pub(crate) use hpke::{HpkeReceiverContext, HpkeSenderContext};

#[cfg(test)]
mod cross_backend_tests {
    //! Both backends on the same random inputs must give the same bytes (and the same accept/reject verdicts).
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

    use rand_chacha::ChaCha20Rng;
    use rand_core::{Rng as _, SeedableRng as _};

    use super::super::rustcrypto as rc;
    use super::*;

    fn bytes(rng: &mut ChaCha20Rng, n: usize) -> Vec<u8> {
        let mut v = vec![0u8; n];
        rng.fill_bytes(&mut v);
        v
    }

    #[test]
    fn hashes_macs_kdf_aead_match() {
        let mut rng = ChaCha20Rng::seed_from_u64(1);
        for n in [0usize, 1, 31, 32, 55, 64, 65, 200, 1000] {
            let (k, m, s) = (bytes(&mut rng, n % 97), bytes(&mut rng, n), bytes(&mut rng, n % 40));
            assert_eq!(sha256(&[&m, &k]), rc::sha256(&[&m, &k]));
            assert_eq!(hmac_sha256(&k, &[&m, &s]), rc::hmac_sha256(&k, &[&m, &s]));
            // `LabeledExtract` with the empty salt (pre-keyed HMAC) and with a salt (keyed per call).
            for salt in [&b""[..], &k] {
                let parts: [&[u8]; 4] = [HPKE_V1, KEM_SUITE_ID, b"label", &m];
                assert_eq!(*labeled_extract(KEM_SUITE_ID, salt, b"label", &m), rc::hmac_sha256(salt, &parts));
            }
            let (mut a, mut b) = (vec![0u8; n.max(1)], vec![0u8; n.max(1)]);
            hkdf_sha256(&s, &k, &m, &mut a).unwrap();
            rc::hkdf_sha256(&s, &k, &m, &mut b).unwrap();
            assert_eq!(a, b);
            let key: [u8; 16] = bytes(&mut rng, 16).try_into().unwrap();
            let nonce: [u8; 12] = bytes(&mut rng, 12).try_into().unwrap();
            let ct = aes128gcm_seal(&key, &nonce, &s, &m).unwrap();
            assert_eq!(ct, rc::aes128gcm_seal(&key, &nonce, &s, &m).unwrap());
            assert_eq!(aes128gcm_open(&key, &nonce, &s, &ct).unwrap().as_slice(), m.as_slice());
            let mut bad = ct.clone();
            bad[0] ^= 1;
            assert!(aes128gcm_open(&key, &nonce, &s, &bad).is_err());
            assert!(rc::aes128gcm_open(&key, &nonce, &s, &bad).is_err());
        }
        let mut too_long = vec![0u8; 255 * 32 + 1];
        assert!(hkdf_sha256(b"", b"k", b"", &mut too_long).is_err());
        assert!(rc::hkdf_sha256(b"", b"k", b"", &mut too_long).is_err());
    }

    #[test]
    fn ec_and_hpke_match() {
        let mut rng = ChaCha20Rng::seed_from_u64(2);
        for i in 0..20u8 {
            let ikm = bytes(&mut rng, 32 + usize::from(i));
            let sk = hpke_derive_keypair(&ikm).unwrap();
            let sk_rc = rc::hpke_derive_keypair(&ikm).unwrap();
            assert_eq!(sk.to_bytes().as_slice(), sk_rc.to_bytes().as_slice());
            let pk = sk.public();
            assert_eq!(pk.to_uncompressed(), sk_rc.public().to_uncompressed());
            let msg = bytes(&mut rng, usize::from(i) * 7);
            let sig = sk.sign(&msg);
            assert_eq!(sig, sk_rc.sign(&msg));
            pk.verify(&msg, &sig).unwrap();
            let mut bad = sig;
            bad[usize::from(i) % 64] ^= 0x80;
            assert!(pk.verify(&msg, &bad).is_err());
            assert!(sk_rc.public().verify(&msg, &bad).is_err());

            let (info, aad, pt) = (bytes(&mut rng, 10), bytes(&mut rng, usize::from(i)), bytes(&mut rng, 100));
            let seed = rng.next_u64();
            let a = hpke_seal(&mut ChaCha20Rng::seed_from_u64(seed), &pk, &info, &aad, &pt).unwrap();
            let b = rc::hpke_seal(&mut ChaCha20Rng::seed_from_u64(seed), &sk_rc.public(), &info, &aad, &pt).unwrap();
            assert_eq!((a.enc, a.ct.clone()), (b.enc, b.ct));
            assert_eq!(hpke_open(&sk, &a.enc, &info, &aad, &a.ct).unwrap().as_slice(), pt.as_slice());
            assert_eq!(rc::hpke_open(&sk_rc, &a.enc, &info, &aad, &a.ct).unwrap().as_slice(), pt.as_slice());
            assert!(hpke_open(&sk, &a.enc, &info, b"other aad", &a.ct).is_err());
            let mut enc = a.enc;
            enc[64] ^= 1; // off the curve
            assert!(hpke_open(&sk, &enc, &info, &aad, &a.ct).is_err());
            assert!(rc::hpke_open(&sk_rc, &enc, &info, &aad, &a.ct).is_err());
            assert!(hpke_open(&sk, &pk.to_compressed(), &info, &aad, &a.ct).is_err());
        }
    }
}
