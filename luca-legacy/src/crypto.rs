//! The one place this crate calls cryptography (RustCrypto, the workspace's generation). Narrow on
//! purpose: the original system's primitives — SHA-256, HMAC-SHA256, HKDF-SHA256, AES-CTR, raw P-256
//! ECDH, ECDSA verification (DER and IEEE P1363), Argon2id — and nothing that encrypts for anyone.

use aes::cipher::{KeyIvInit as _, StreamCipher as _};
use p256::ecdsa::signature::Verifier as _;
use sha2::Digest as _;
use zeroize::Zeroizing;

use crate::error::DecodeError;

type HmacSha256 = hmac::Hmac<sha2::Sha256>;

/// SHA-256 of the concatenation of `parts`.
pub(crate) fn sha256(parts: &[&[u8]]) -> [u8; 32] {
    let mut h = sha2::Sha256::new();
    for p in parts {
        h.update(p);
    }
    h.finalize().into()
}

/// HMAC-SHA256 with `key` over the concatenation of `parts`.
pub(crate) fn hmac_sha256(key: &[u8], parts: &[&[u8]]) -> Zeroizing<[u8; 32]> {
    use hmac::{KeyInit as _, Mac as _};
    #[expect(
        clippy::expect_used,
        reason = "HMAC takes keys of any length (RFC 2104 §2); hmac 0.13's `new_from_slice` for `Hmac<Sha256>` \
                  always returns `Ok`"
    )]
    let mut mac = HmacSha256::new_from_slice(key).expect("HMAC accepts keys of any length");
    for p in parts {
        mac.update(p);
    }
    Zeroizing::new(mac.finalize().into_bytes().into())
}

/// HKDF-SHA256 (RFC 5869) with an empty salt, `N` output bytes (`N` ≤ 255 × 32, so expand cannot fail).
pub(crate) fn hkdf_sha256<const N: usize>(ikm: &[u8], info: &[u8]) -> Zeroizing<[u8; N]> {
    const { assert!(N <= 255 * 32) };
    let mut out = Zeroizing::new([0u8; N]);
    #[expect(clippy::expect_used, reason = "the output length is at most 255 × 32 bytes, checked at compile time")]
    hkdf::Hkdf::<sha2::Sha256>::new(None, ikm)
        .expand(info, out.as_mut_slice())
        .expect("HKDF-SHA256 output of at most 8160 bytes");
    out
}

/// AES-128-CTR (16-byte key) with the full 16-byte IV as the initial big-endian counter block, in place.
pub(crate) fn aes128_ctr(key: &[u8; 16], iv: &[u8; 16], buf: &mut [u8]) {
    let mut c = ctr::Ctr128BE::<aes::Aes128>::new(key.into(), iv.into());
    c.apply_keystream(buf);
}

/// AES-256-CTR (32-byte key), as [`aes128_ctr`].
pub(crate) fn aes256_ctr(key: &[u8; 32], iv: &[u8; 16], buf: &mut [u8]) {
    let mut c = ctr::Ctr128BE::<aes::Aes256>::new(key.into(), iv.into());
    c.apply_keystream(buf);
}

/// Constant-time equality of two byte strings (of public length).
pub(crate) fn ct_eq(a: &[u8], b: &[u8]) -> bool {
    use subtle::ConstantTimeEq as _;
    bool::from(a.ct_eq(b))
}

/// A P-256 point, checked on the curve.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct EcPoint(p256::PublicKey);

impl EcPoint {
    /// From compressed (33 bytes) SEC1 only.
    pub(crate) fn from_compressed(bytes: &[u8; 33], what: &'static str) -> Result<Self, DecodeError> {
        if !matches!(bytes.first(), Some(0x02 | 0x03)) {
            return Err(DecodeError::InvalidPoint(what));
        }
        p256::PublicKey::from_sec1_bytes(bytes).map(Self).map_err(|_| DecodeError::InvalidPoint(what))
    }

    /// From uncompressed (65 bytes) SEC1 only.
    pub(crate) fn from_uncompressed(bytes: &[u8], what: &'static str) -> Result<Self, DecodeError> {
        if bytes.len() != 65 {
            return Err(DecodeError::WrongLength { what, expected: 65, got: bytes.len() });
        }
        if bytes.first() != Some(&0x04) {
            return Err(DecodeError::InvalidPoint(what));
        }
        p256::PublicKey::from_sec1_bytes(bytes).map(Self).map_err(|_| DecodeError::InvalidPoint(what))
    }

    /// ECDSA P-256 / SHA-256 verification of a DER signature over `msg`.
    pub(crate) fn verify_der(&self, msg: &[u8], sig: &[u8]) -> bool {
        let Ok(sig) = p256::ecdsa::DerSignature::from_bytes(sig) else { return false };
        p256::ecdsa::VerifyingKey::from(self.0).verify(msg, &sig).is_ok()
    }

    /// ECDSA P-256 / SHA-256 verification of an IEEE P1363 (`r‖s`, 64 bytes) signature over `msg`.
    pub(crate) fn verify_p1363(&self, msg: &[u8], sig: &[u8; 64]) -> bool {
        let Ok(sig) = p256::ecdsa::Signature::from_slice(sig) else { return false };
        p256::ecdsa::VerifyingKey::from(self.0).verify(msg, &sig).is_ok()
    }
}

/// A P-256 secret scalar; zeroized on drop by `p256`.
pub(crate) struct EcSecret(p256::SecretKey);

impl EcSecret {
    /// A 32-byte big-endian scalar in `[1, n-1]`.
    pub(crate) fn from_slice(bytes: &[u8], what: &'static str) -> Result<Self, DecodeError> {
        if bytes.len() != 32 {
            return Err(DecodeError::WrongLength { what, expected: 32, got: bytes.len() });
        }
        p256::SecretKey::from_slice(bytes).map(Self).map_err(|_| DecodeError::InvalidField(what))
    }

    /// The uncompressed public point.
    pub(crate) fn public_uncompressed(&self) -> [u8; 65] {
        use p256::elliptic_curve::point::AffineCoordinates as _;
        let public = self.0.public_key();
        let point = public.as_affine();
        let mut out = [0x04u8; 65];
        let (x, y) = out.split_at_mut(1).1.split_at_mut(32);
        x.copy_from_slice(&point.x());
        y.copy_from_slice(&point.y());
        out
    }

    /// Raw ECDH: the 32-byte x-coordinate of `self · peer` (what the original system fed its KDFs).
    pub(crate) fn ecdh_x(&self, peer: &EcPoint) -> Zeroizing<[u8; 32]> {
        let ss = p256::ecdh::diffie_hellman(self.0.to_nonzero_scalar(), peer.0.as_affine());
        let mut out = Zeroizing::new([0u8; 32]);
        out.copy_from_slice(ss.raw_secret_bytes());
        out
    }
}

/// Whether 32 bytes are a valid P-256 secret scalar (`[1, n-1]`).
pub(crate) fn is_valid_scalar(bytes: &[u8; 32]) -> bool {
    p256::SecretKey::from_slice(bytes).is_ok()
}

/// Argon2id (RFC 9106, version 0x13) with memory `m_kib` KiB, `t` passes, one lane, `N` output bytes.
pub(crate) fn argon2id<const N: usize>(password: &[u8], salt: &[u8], m_kib: u32, t: u32) -> Zeroizing<[u8; N]> {
    let mut out = Zeroizing::new([0u8; N]);
    #[expect(
        clippy::expect_used,
        reason = "fixed, valid parameters (the original badge KDF's: 32 MiB, 11 passes, one lane, 16 bytes, a \
                  16-byte salt) and a 7-byte password: argon2 0.6 fails only on out-of-range parameters"
    )]
    argon2::Argon2::new(
        argon2::Algorithm::Argon2id,
        argon2::Version::V0x13,
        argon2::Params::new(m_kib, t, 1, Some(N)).expect("valid Argon2 parameters"),
    )
    .hash_password_into(password, salt, out.as_mut_slice())
    .expect("valid Argon2 input lengths");
    out
}
