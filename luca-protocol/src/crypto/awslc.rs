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
//! | HPKE: [`hpke_seal`] / [`hpke_open`], contexts, [`hpke_derive_keypair`] | RFC 9180 base mode written here on AWS-LC ECDH and AES-GCM and RustCrypto HKDF |
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

// ---------------------------------------------------------------------------
// HPKE, RFC 9180: base mode, DHKEM(P-256, HKDF-SHA256) / HKDF-SHA256 / AES-128-GCM (0x0010 / 0x0001 / 0x0001)
// ---------------------------------------------------------------------------

/// `suite_id` of the KEM (§4.1): `"KEM" ‖ I2OSP(kem_id, 2)`.
const KEM_SUITE_ID: &[u8] = b"KEM\x00\x10";
/// `suite_id` of the key schedule (§5.1): `"HPKE" ‖ kem_id ‖ kdf_id ‖ aead_id`.
const HPKE_SUITE_ID: &[u8] = b"HPKE\x00\x10\x00\x01\x00\x01";
/// Version label of every labeled KDF call (§4).
const HPKE_V1: &[u8] = b"HPKE-v1";
/// `mode_base` (§5).
const MODE_BASE: u8 = 0x00;
/// Nk of AES-128-GCM.
const NK: usize = 16;
/// Nh of HKDF-SHA256 (also Nsecret and Nsk of the KEM).
const NH: usize = 32;

/// `LabeledExtract(salt, label, ikm)` (§4): `Extract(salt, "HPKE-v1" ‖ suite_id ‖ label ‖ ikm)`.
fn labeled_extract(suite_id: &[u8], salt: &[u8], label: &[u8], ikm: &[u8]) -> Zeroizing<[u8; NH]> {
    use hmac::Mac as _;
    if !salt.is_empty() {
        return Zeroizing::new(hmac_sha256(salt, &[HPKE_V1, suite_id, label, ikm]));
    }
    let mut mac = empty_salt_hmac();
    for part in [HPKE_V1, suite_id, label, ikm] {
        mac.update(part);
    }
    Zeroizing::new(mac.finalize().into_bytes().into())
}

/// `LabeledExpand(prk, label, info, L)` (§4): `Expand(prk, I2OSP(L, 2) ‖ "HPKE-v1" ‖ suite_id ‖ label ‖ info, L)`.
fn labeled_expand(suite_id: &[u8], prk: &Prk, label: &[u8], info: &[u8], out: &mut [u8]) -> Result<(), CryptoError> {
    let l = u16::try_from(out.len()).map_err(|_| CryptoError)?.to_be_bytes();
    hkdf_expand(prk, &[&l, HPKE_V1, suite_id, label, info], out)
}

/// `DeriveKeyPair(ikm)` (§7.1.3) for P-256: rejection sampling over `LabeledExpand(dkp_prk, "candidate", counter)`
/// (bitmask 0xff, so no masking).
fn derive_scalar(ikm: &[u8]) -> Result<EcSecret, CryptoError> {
    let dkp_prk = prk(&labeled_extract(KEM_SUITE_ID, b"", b"dkp_prk", ikm))?;
    for counter in 0..=255u8 {
        let mut candidate = Zeroizing::new([0u8; SCALAR_LEN]);
        labeled_expand(KEM_SUITE_ID, &dkp_prk, b"candidate", &[counter], candidate.as_mut_slice())?;
        // `from_bytes` accepts exactly the scalars in [1, n-1]: zero and values ≥ n are the rejected candidates.
        if let Ok(sk) = EcSecret::from_bytes(candidate.as_slice()) {
            return Ok(sk);
        }
    }
    Err(CryptoError)
}

/// HPKE `DeriveKeyPair(ikm)` (RFC 9180 §7.1.3) for DHKEM(P-256, HKDF-SHA256).
pub(crate) fn hpke_derive_keypair(ikm: &[u8]) -> Result<EcSecret, CryptoError> {
    derive_scalar(ikm)
}

/// `ExtractAndExpand(dh, kem_context)` (§4.1), `kem_context = enc ‖ pkRm`.
fn kem_shared_secret(dh: &[u8; 32], enc: &[u8], pk_rm: &[u8]) -> Result<Zeroizing<[u8; NH]>, CryptoError> {
    let eae_prk = labeled_extract(KEM_SUITE_ID, b"", b"eae_prk", dh);
    let mut ss = Zeroizing::new([0u8; NH]);
    let l = u16::try_from(NH).map_err(|_| CryptoError)?.to_be_bytes();
    hkdf_expand(&prk(&eae_prk)?, &[&l, HPKE_V1, KEM_SUITE_ID, b"shared_secret", enc, pk_rm], ss.as_mut_slice())?;
    Ok(ss)
}

/// The encryption context shared by both sides (§5.2): AEAD key, base nonce, sequence number, exporter secret.
struct Context {
    key: aead::LessSafeKey,
    base_nonce: [u8; AEAD_NONCE_LEN],
    seq: u64,
    /// Only `Export` reads it: protocol code exports nothing, so only test builds (the RFC 9180 vectors) derive it.
    #[cfg(test)]
    exporter_secret: Zeroizing<[u8; NH]>,
}

/// `psk_id_hash = LabeledExtract("", "psk_id_hash", "")` of the key schedule (§5.1): the same for every base-mode
/// context, so derived once.
fn psk_id_hash() -> &'static [u8; NH] {
    static PSK_ID_HASH: OnceLock<[u8; NH]> = OnceLock::new();
    PSK_ID_HASH.get_or_init(|| *labeled_extract(HPKE_SUITE_ID, b"", b"psk_id_hash", b""))
}

impl Context {
    /// `KeySchedule(mode_base, shared_secret, info, default_psk, default_psk_id)` (§5.1).
    fn key_schedule(shared_secret: &[u8; NH], info: &[u8]) -> Result<Self, CryptoError> {
        let info_hash = labeled_extract(HPKE_SUITE_ID, b"", b"info_hash", info);
        let mut ksc = [0u8; 1 + 2 * NH];
        ksc[0] = MODE_BASE;
        ksc[1..=NH].copy_from_slice(psk_id_hash());
        ksc[1 + NH..].copy_from_slice(info_hash.as_slice());
        let secret = prk(&labeled_extract(HPKE_SUITE_ID, shared_secret, b"secret", b""))?;
        let mut key = Zeroizing::new([0u8; NK]);
        labeled_expand(HPKE_SUITE_ID, &secret, b"key", &ksc, key.as_mut_slice())?;
        let mut base_nonce = [0u8; AEAD_NONCE_LEN];
        labeled_expand(HPKE_SUITE_ID, &secret, b"base_nonce", &ksc, &mut base_nonce)?;
        #[cfg(test)]
        let exporter_secret = {
            let mut exporter_secret = Zeroizing::new([0u8; NH]);
            labeled_expand(HPKE_SUITE_ID, &secret, b"exp", &ksc, exporter_secret.as_mut_slice())?;
            exporter_secret
        };
        let key =
            aead::LessSafeKey::new(aead::UnboundKey::new(&aead::AES_128_GCM, key.as_slice()).map_err(|_| CryptoError)?);
        Ok(Self {
            key,
            base_nonce,
            seq: 0,
            #[cfg(test)]
            exporter_secret,
        })
    }

    /// `ComputeNonce(seq)` (§5.2): `base_nonce XOR I2OSP(seq, Nn)`.
    fn nonce(&self) -> [u8; AEAD_NONCE_LEN] {
        let mut nonce = self.base_nonce;
        for (n, s) in nonce.iter_mut().rev().zip(self.seq.to_le_bytes()) {
            *n ^= s;
        }
        nonce
    }

    /// `IncrementSeq()` (§5.2); fails instead of wrapping.
    fn increment(&mut self) -> Result<(), CryptoError> {
        self.seq = self.seq.checked_add(1).ok_or(CryptoError)?;
        Ok(())
    }

    fn seal(&mut self, aad: &[u8], pt: &[u8]) -> Result<Vec<u8>, CryptoError> {
        let ct = gcm_seal_with(&self.key, &self.nonce(), aad, pt)?;
        self.increment()?;
        Ok(ct)
    }

    fn open(&mut self, aad: &[u8], ct: &[u8]) -> Result<Zeroizing<Vec<u8>>, CryptoError> {
        let pt = gcm_open_with(&self.key, &self.nonce(), aad, ct)?;
        self.increment()?;
        Ok(pt)
    }

    #[cfg(test)]
    fn export(&self, exporter_context: &[u8], out: &mut [u8]) -> Result<(), CryptoError> {
        labeled_expand(HPKE_SUITE_ID, &prk(&self.exporter_secret)?, b"sec", exporter_context, out)
    }
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
    ctx: Context,
}

impl HpkeSenderContext {
    /// `SetupBaseS(pkR, info)` with the ephemeral key drawn from `rng`.
    ///
    /// `Encap(pkR)` (§4.1) with `GenerateKeyPair() = DeriveKeyPair(random(Nsk))`, as the default backend does.
    pub(crate) fn new<R: CryptoRng>(rng: &mut R, recipient: &EcPublic, info: &[u8]) -> Result<Self, CryptoError> {
        let mut ikm = Zeroizing::new([0u8; SCALAR_LEN]);
        rng.fill_bytes(ikm.as_mut_slice());
        let sk_e = derive_scalar(ikm.as_slice())?;
        let sk_e = sk_e.native()?;
        let enc = sk_e.public;
        let pk_rm = recipient.to_uncompressed();
        let dh = ecdh(&sk_e.key, &pk_rm)?;
        let shared_secret = kem_shared_secret(&dh, &enc, &pk_rm)?;
        let ctx = Context::key_schedule(&shared_secret, info)?;
        Ok(Self { enc, ctx })
    }

    /// The serialized `enc` (65-byte uncompressed point).
    #[cfg(test)]
    pub(crate) fn enc(&self) -> [u8; POINT_LEN] {
        self.enc
    }

    /// `ContextS.Seal(aad, pt)`.
    pub(crate) fn seal(&mut self, aad: &[u8], pt: &[u8]) -> Result<Vec<u8>, CryptoError> {
        self.ctx.seal(aad, pt)
    }

    /// `ContextS.Export(exporter_context, L)`.
    #[cfg(test)]
    pub(crate) fn export(&self, exporter_context: &[u8], out: &mut [u8]) -> Result<(), CryptoError> {
        self.ctx.export(exporter_context, out)
    }
}

/// An HPKE base-mode receiver context.
pub(crate) struct HpkeReceiverContext {
    ctx: Context,
}

impl HpkeReceiverContext {
    /// `SetupBaseR(enc, skR, info)`; `enc` is the 65-byte uncompressed point.
    pub(crate) fn new(recipient: &EcSecret, enc: &[u8], info: &[u8]) -> Result<Self, CryptoError> {
        // Same acceptance as the default backend: exactly a 65-byte uncompressed point on the curve (AWS-LC checks
        // the point when it parses it for the agreement).
        if enc.len() != POINT_LEN || enc.first() != Some(&0x04) {
            return Err(CryptoError);
        }
        let sk_r = recipient.native()?;
        let dh = ecdh(&sk_r.key, enc)?;
        let shared_secret = kem_shared_secret(&dh, enc, &sk_r.public)?;
        Ok(Self { ctx: Context::key_schedule(&shared_secret, info)? })
    }

    /// `ContextR.Open(aad, ct)`.
    pub(crate) fn open(&mut self, aad: &[u8], ct: &[u8]) -> Result<Zeroizing<Vec<u8>>, CryptoError> {
        self.ctx.open(aad, ct)
    }

    /// `ContextR.Export(exporter_context, L)`.
    #[cfg(test)]
    pub(crate) fn export(&self, exporter_context: &[u8], out: &mut [u8]) -> Result<(), CryptoError> {
        self.ctx.export(exporter_context, out)
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
