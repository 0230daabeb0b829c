//! Pure-Rust backend on the RustCrypto crates (the default).

use aes_gcm::aead::{Aead as _, KeyInit as _, Payload};
use hpke::{Deserializable as _, Kem as _, Serializable as _};
use p256::ecdsa::signature::{Signer as _, Verifier as _};
use rand_core::CryptoRng;
use sha2::Digest as _;
use zeroize::Zeroizing;

use super::{CryptoError, POINT_LEN, SCALAR_LEN, SIGNATURE_LEN};

type Kem = hpke::kem::DhP256HkdfSha256;
type Kdf = hpke::kdf::HkdfSha256;
type Aead = hpke::aead::AesGcm128;
type HmacSha256 = hmac::Hmac<sha2::Sha256>;

/// The SEC1 tag of an uncompressed point.
const SEC1_UNCOMPRESSED_TAG: u8 = 0x04;

/// SHA-256 of the concatenation of `parts`.
pub(crate) fn sha256(parts: &[&[u8]]) -> [u8; 32] {
    let mut h = sha2::Sha256::new();
    for p in parts {
        h.update(p);
    }
    h.finalize().into()
}

/// HMAC-SHA256 with `key` over the concatenation of `parts`.
pub(crate) fn hmac_sha256(key: &[u8], parts: &[&[u8]]) -> [u8; 32] {
    use hmac::{KeyInit as _, Mac as _};
    #[expect(
        clippy::expect_used,
        reason = "HMAC takes keys of any length (RFC 2104 §2: longer keys are hashed, shorter ones padded); \
                  hmac 0.13's `new_from_slice` for `Hmac<Sha256>` always returns `Ok`"
    )]
    let mut mac = HmacSha256::new_from_slice(key).expect("HMAC accepts keys of any length");
    for p in parts {
        mac.update(p);
    }
    mac.finalize().into_bytes().into()
}

#[cfg(test)]
/// Constant-time check of an HMAC-SHA256 tag, possibly truncated (at least 16 bytes).
pub(crate) fn hmac_sha256_verify(key: &[u8], msg: &[u8], tag: &[u8]) -> Result<(), CryptoError> {
    use subtle::ConstantTimeEq as _;
    if tag.len() < 16 || tag.len() > 32 {
        return Err(CryptoError);
    }
    let full = hmac_sha256(key, &[msg]);
    let prefix = full.get(..tag.len()).ok_or(CryptoError)?;
    if bool::from(prefix.ct_eq(tag)) { Ok(()) } else { Err(CryptoError) }
}

/// HKDF-SHA256 (RFC 5869): extract with `salt` (empty = zero salt), expand with `info` into `out`.
///
/// Fails only if `out` is longer than 255 × 32 bytes. Protocol code, whose output lengths are all fixed,
/// uses [`hkdf_sha256_array`], which cannot fail.
pub(crate) fn hkdf_sha256(salt: &[u8], ikm: &[u8], info: &[u8], out: &mut [u8]) -> Result<(), CryptoError> {
    let salt = if salt.is_empty() { None } else { Some(salt) };
    hkdf::Hkdf::<sha2::Sha256>::new(salt, ikm).expand(info, out).map_err(|_| CryptoError)
}

/// [`hkdf_sha256`] into a fixed-size output; `N ≤ 255 × 32` (RFC 5869 §2.3) is checked at compile time, so
/// it cannot fail.
pub(crate) fn hkdf_sha256_array<const N: usize>(salt: &[u8], ikm: &[u8], info: &[u8], out: &mut [u8; N]) {
    const { assert!(N <= 255 * 32, "RFC 5869 §2.3: L <= 255 * HashLen") };
    #[expect(
        clippy::expect_used,
        reason = "HKDF-Expand fails only for L > 255 * HashLen, excluded at compile time by the assertion above"
    )]
    hkdf_sha256(salt, ikm, info, out).expect("HKDF output length checked at compile time");
}

/// HKDF-SHA256 extract step only (the PRK), for RFC 5869 vectors.
#[cfg(test)]
pub(crate) fn hkdf_sha256_extract(salt: &[u8], ikm: &[u8]) -> [u8; 32] {
    let salt = if salt.is_empty() { None } else { Some(salt) };
    let (prk, _) = hkdf::Hkdf::<sha2::Sha256>::extract(salt, ikm);
    prk.into()
}

/// AES-GCM seal with a 128-bit key (the protocol's only key size), 96-bit nonce; returns `ct ‖ tag`.
pub(crate) fn aes128gcm_seal(key: &[u8; 16], nonce: &[u8; 12], aad: &[u8], pt: &[u8]) -> Result<Vec<u8>, CryptoError> {
    let cipher = aes_gcm::Aes128Gcm::new(key.into());
    cipher.encrypt(nonce.into(), Payload { msg: pt, aad }).map_err(|_| CryptoError)
}

/// AES-GCM open with a 128-bit key and 96-bit nonce; `ct` includes the 16-byte tag.
pub(crate) fn aes128gcm_open(
    key: &[u8; 16],
    nonce: &[u8; 12],
    aad: &[u8],
    ct: &[u8],
) -> Result<Zeroizing<Vec<u8>>, CryptoError> {
    let cipher = aes_gcm::Aes128Gcm::new(key.into());
    cipher.decrypt(nonce.into(), Payload { msg: ct, aad }).map(Zeroizing::new).map_err(|_| CryptoError)
}

/// AES-256-GCM open (encrypted state export, and the third-party vectors).
pub(crate) fn aes256gcm_open(key: &[u8; 32], nonce: &[u8; 12], aad: &[u8], ct: &[u8]) -> Result<Vec<u8>, CryptoError> {
    let cipher = aes_gcm::Aes256Gcm::new(key.into());
    cipher.decrypt(nonce.into(), Payload { msg: ct, aad }).map_err(|_| CryptoError)
}

/// AES-256-GCM seal (encrypted state export, and the third-party vectors).
pub(crate) fn aes256gcm_seal(key: &[u8; 32], nonce: &[u8; 12], aad: &[u8], pt: &[u8]) -> Result<Vec<u8>, CryptoError> {
    let cipher = aes_gcm::Aes256Gcm::new(key.into());
    cipher.encrypt(nonce.into(), Payload { msg: pt, aad }).map_err(|_| CryptoError)
}

/// A P-256 public point (never the identity), on the curve by construction.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) struct EcPublic(p256::PublicKey);

impl EcPublic {
    /// Parses an uncompressed (65-byte) SEC1 point. Compressed, hybrid and identity encodings are rejected.
    pub(crate) fn from_uncompressed(bytes: &[u8]) -> Result<Self, CryptoError> {
        if bytes.len() != POINT_LEN || bytes.first() != Some(&0x04) {
            return Err(CryptoError);
        }
        p256::PublicKey::from_sec1_bytes(bytes).map(Self).map_err(|_| CryptoError)
    }

    /// Parses a compressed (33-byte) SEC1 point.
    pub(crate) fn from_compressed(bytes: &[u8]) -> Result<Self, CryptoError> {
        if bytes.len() != super::COMPRESSED_POINT_LEN || !matches!(bytes.first(), Some(0x02 | 0x03)) {
            return Err(CryptoError);
        }
        p256::PublicKey::from_sec1_bytes(bytes).map(Self).map_err(|_| CryptoError)
    }

    /// Parses any SEC1 encoding (used only to run third-party vectors).
    #[cfg(test)]
    pub(crate) fn from_sec1_any(bytes: &[u8]) -> Result<Self, CryptoError> {
        p256::PublicKey::from_sec1_bytes(bytes).map(Self).map_err(|_| CryptoError)
    }

    /// The 65-byte uncompressed SEC1 encoding.
    pub(crate) fn to_uncompressed(self) -> [u8; POINT_LEN] {
        use p256::elliptic_curve::point::AffineCoordinates as _;
        // SEC1 §2.3.3: 0x04 ‖ x ‖ y; a public key is never the identity, so both coordinates exist.
        let point = self.0.as_affine();
        crate::fixed::concat_fixed!([SEC1_UNCOMPRESSED_TAG], point.x(), point.y())
    }

    /// The 33-byte compressed SEC1 encoding.
    pub(crate) fn to_compressed(self) -> [u8; super::COMPRESSED_POINT_LEN] {
        p256::CompressedPoint::from(&self.0).into()
    }

    /// Verifies a 64-byte `r‖s` ECDSA P-256 / SHA-256 signature over `msg`.
    pub(crate) fn verify(&self, msg: &[u8], sig: &[u8]) -> Result<(), CryptoError> {
        if sig.len() != SIGNATURE_LEN {
            return Err(CryptoError);
        }
        let sig = p256::ecdsa::Signature::from_slice(sig).map_err(|_| CryptoError)?;
        let vk = p256::ecdsa::VerifyingKey::from(self.0);
        vk.verify(msg, &sig).map_err(|_| CryptoError)
    }

    /// Verifies a DER ECDSA signature (used only to run third-party vectors).
    #[cfg(test)]
    pub(crate) fn verify_der(&self, msg: &[u8], sig: &[u8]) -> Result<(), CryptoError> {
        let sig = p256::ecdsa::DerSignature::from_bytes(sig).map_err(|_| CryptoError)?;
        let vk = p256::ecdsa::VerifyingKey::from(self.0);
        vk.verify(msg, &sig).map_err(|_| CryptoError)
    }
}

/// A P-256 secret scalar; zeroized on drop by `p256`.
#[derive(Clone)]
pub(crate) struct EcSecret(p256::SecretKey);

impl EcSecret {
    /// Draws a uniformly random non-zero scalar.
    pub(crate) fn random<R: CryptoRng>(rng: &mut R) -> Self {
        Self(<p256::SecretKey as p256::elliptic_curve::Generate>::generate_from_rng(rng))
    }

    /// Parses a 32-byte big-endian scalar in `[1, n-1]`.
    pub(crate) fn from_bytes(bytes: &[u8]) -> Result<Self, CryptoError> {
        if bytes.len() != SCALAR_LEN {
            return Err(CryptoError);
        }
        p256::SecretKey::from_slice(bytes).map(Self).map_err(|_| CryptoError)
    }

    /// The 32-byte big-endian scalar.
    pub(crate) fn to_bytes(&self) -> Zeroizing<[u8; SCALAR_LEN]> {
        let b = Zeroizing::new(self.0.to_bytes());
        Zeroizing::new((*b).into())
    }

    /// The public point.
    pub(crate) fn public(&self) -> EcPublic {
        EcPublic(self.0.public_key())
    }

    /// ECDSA P-256 / SHA-256, deterministic nonces (RFC 6979); 64-byte `r‖s`.
    pub(crate) fn sign(&self, msg: &[u8]) -> [u8; SIGNATURE_LEN] {
        let sk = p256::ecdsa::SigningKey::from(&self.0);
        let sig: p256::ecdsa::Signature = sk.sign(msg);
        sig.to_bytes().into()
    }

    /// Raw ECDH x-coordinate (used only to run third-party vectors; protocol code
    /// never sees a raw shared secret, HPKE feeds it straight into HKDF).
    #[cfg(test)]
    pub(crate) fn ecdh_raw(&self, peer: &EcPublic) -> [u8; 32] {
        let ss = p256::ecdh::diffie_hellman(self.0.to_nonzero_scalar(), peer.0.as_affine());
        let mut out = [0u8; 32];
        out.copy_from_slice(ss.raw_secret_bytes());
        out
    }
}

/// HPKE `DeriveKeyPair(ikm)` (RFC 9180 §7.1.3) for DHKEM(P-256, HKDF-SHA256).
pub(crate) fn hpke_derive_keypair(ikm: &[u8]) -> Result<EcSecret, CryptoError> {
    let (sk, _) = Kem::derive_keypair(ikm);
    let bytes = Zeroizing::new(sk.to_bytes());
    EcSecret::from_bytes(&bytes)
}

/// The result of an HPKE seal: the 65-byte `enc` and the ciphertext with its tag.
pub(crate) struct HpkeSealed {
    /// Uncompressed ephemeral public key.
    pub(crate) enc: [u8; POINT_LEN],
    /// AEAD ciphertext ‖ 16-byte tag.
    pub(crate) ct: Vec<u8>,
}

fn hpke_pk(pk: &EcPublic) -> Result<<Kem as hpke::Kem>::PublicKey, CryptoError> {
    <Kem as hpke::Kem>::PublicKey::from_bytes(&pk.to_uncompressed()).map_err(|_| CryptoError)
}

fn hpke_sk(sk: &EcSecret) -> Result<<Kem as hpke::Kem>::PrivateKey, CryptoError> {
    <Kem as hpke::Kem>::PrivateKey::from_bytes(sk.to_bytes().as_slice()).map_err(|_| CryptoError)
}

/// HPKE base-mode single-shot seal (RFC 9180 §6.1) to `recipient`.
///
/// The ephemeral key is `DeriveKeyPair(32 bytes drawn from rng)`.
pub(crate) fn hpke_seal<R: CryptoRng>(
    rng: &mut R,
    recipient: &EcPublic,
    info: &[u8],
    aad: &[u8],
    pt: &[u8],
) -> Result<HpkeSealed, CryptoError> {
    let mut ctx = HpkeSenderContext::new(rng, recipient, info)?;
    let ct = ctx.seal(aad, pt)?;
    Ok(HpkeSealed { enc: ctx.enc, ct })
}

/// An HPKE base-mode sender context (several messages, sequence numbers counted by HPKE).
pub(crate) struct HpkeSenderContext {
    enc: [u8; POINT_LEN],
    ctx: hpke::aead::AeadCtxS<Aead, Kdf, Kem>,
}

impl HpkeSenderContext {
    /// `SetupBaseS(pkR, info)` with the ephemeral key drawn from `rng`.
    pub(crate) fn new<R: CryptoRng>(rng: &mut R, recipient: &EcPublic, info: &[u8]) -> Result<Self, CryptoError> {
        let pk = hpke_pk(recipient)?;
        let (encapped, ctx) = hpke::setup_sender_with_rng::<Aead, Kdf, Kem>(&hpke::OpModeS::Base, &pk, info, rng)
            .map_err(|_| CryptoError)?;
        let enc_bytes = encapped.to_bytes();
        let mut enc = [0u8; POINT_LEN];
        if enc_bytes.len() != POINT_LEN {
            return Err(CryptoError);
        }
        enc.copy_from_slice(&enc_bytes);
        Ok(Self { enc, ctx })
    }

    /// The serialized `enc` (65-byte uncompressed point).
    #[cfg(test)]
    pub(crate) fn enc(&self) -> [u8; POINT_LEN] {
        self.enc
    }

    /// `ContextS.Seal(aad, pt)`.
    pub(crate) fn seal(&mut self, aad: &[u8], pt: &[u8]) -> Result<Vec<u8>, CryptoError> {
        self.ctx.seal(pt, aad).map_err(|_| CryptoError)
    }

    /// `ContextS.Export(exporter_context, L)`.
    #[cfg(test)]
    pub(crate) fn export(&self, exporter_context: &[u8], out: &mut [u8]) -> Result<(), CryptoError> {
        self.ctx.export(exporter_context, out).map_err(|_| CryptoError)
    }
}

/// An HPKE base-mode receiver context.
pub(crate) struct HpkeReceiverContext {
    ctx: hpke::aead::AeadCtxR<Aead, Kdf, Kem>,
}

impl HpkeReceiverContext {
    /// `SetupBaseR(enc, skR, info)`; `enc` is the 65-byte uncompressed point.
    pub(crate) fn new(recipient: &EcSecret, enc: &[u8], info: &[u8]) -> Result<Self, CryptoError> {
        let sk = hpke_sk(recipient)?;
        let encapped = <Kem as hpke::Kem>::EncappedKey::from_bytes(enc).map_err(|_| CryptoError)?;
        let ctx = hpke::setup_receiver::<Aead, Kdf, Kem>(&hpke::OpModeR::Base, &sk, &encapped, info)
            .map_err(|_| CryptoError)?;
        Ok(Self { ctx })
    }

    /// `ContextR.Open(aad, ct)`.
    pub(crate) fn open(&mut self, aad: &[u8], ct: &[u8]) -> Result<Zeroizing<Vec<u8>>, CryptoError> {
        self.ctx.open(ct, aad).map(Zeroizing::new).map_err(|_| CryptoError)
    }

    /// `ContextR.Export(exporter_context, L)`.
    #[cfg(test)]
    pub(crate) fn export(&self, exporter_context: &[u8], out: &mut [u8]) -> Result<(), CryptoError> {
        self.ctx.export(exporter_context, out).map_err(|_| CryptoError)
    }
}

/// HPKE base-mode single-shot open. `enc` is the 65-byte uncompressed point.
pub(crate) fn hpke_open(
    recipient: &EcSecret,
    enc: &[u8],
    info: &[u8],
    aad: &[u8],
    ct: &[u8],
) -> Result<Zeroizing<Vec<u8>>, CryptoError> {
    HpkeReceiverContext::new(recipient, enc, info)?.open(aad, ct)
}

/// Argon2id (RFC 9106, version 0x13) with memory `m_kib` KiB, `t` passes, one lane.
pub(crate) fn argon2id(password: &[u8], salt: &[u8], m_kib: u32, t: u32, out: &mut [u8]) -> Result<(), CryptoError> {
    let params = argon2::Params::new(m_kib, t, 1, Some(out.len())).map_err(|_| CryptoError)?;
    let a = argon2::Argon2::new(argon2::Algorithm::Argon2id, argon2::Version::V0x13, params);
    a.hash_password_into(password, salt, out).map_err(|_| CryptoError)
}
