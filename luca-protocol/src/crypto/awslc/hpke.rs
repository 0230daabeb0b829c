//! HPKE, RFC 9180, on AWS-LC: base mode, DHKEM(P-256, HKDF-SHA256) / HKDF-SHA256 / AES-128-GCM
//! (suite 0x0010 / 0x0001 / 0x0001), written here because `aws-lc-rs` (1.19, the version in `Cargo.lock`)
//! exposes no HPKE API, although AWS-LC itself implements it. The ECDH and AES-128-GCM calls are AWS-LC's
//! (the parent module), the labeled HKDF calls RustCrypto's; outputs are byte-identical to the `hpke`
//! crate of the default backend (the cross-backend tests, and RFC 9180's own vectors under both backends).
//!
//! | RFC 9180 | here |
//! |---|---|
//! | §4 `LabeledExtract`, `LabeledExpand` | [`labeled_extract`], [`labeled_expand`] |
//! | §4.1 DHKEM `ExtractAndExpand`, `Encap`, `Decap` | [`kem_shared_secret`], [`hpke_seal`], [`HpkeReceiverContext::new`] |
//! | §5.1 `KeySchedule` (base mode, empty psk and psk_id) | `key_schedule` |
//! | §5.2 `Seal`, `Open`, `ComputeNonce` (sequence numbers) | [`HpkeSenderContext`], [`HpkeReceiverContext`] |
//! | §5.3 `Export` | [`HpkeReceiverContext::export`] |
//! | §6.1 single-shot `Seal` / `Open` | [`hpke_seal`], [`hpke_open`] |
//! | §7.1.3 `DeriveKeyPair` | [`hpke_derive_keypair`] |

#![allow(clippy::wildcard_imports)]

use super::*;

/// `suite_id` of the KEM (§4.1): `"KEM" ‖ I2OSP(kem_id, 2)`.
pub(super) const KEM_SUITE_ID: &[u8] = b"KEM\x00\x10";
/// `suite_id` of the key schedule (§5.1): `"HPKE" ‖ kem_id ‖ kdf_id ‖ aead_id`.
pub(super) const HPKE_SUITE_ID: &[u8] = b"HPKE\x00\x10\x00\x01\x00\x01";
/// Version label of every labeled KDF call (§4).
pub(super) const HPKE_V1: &[u8] = b"HPKE-v1";
/// `mode_base` (§5).
pub(super) const MODE_BASE: u8 = 0x00;
/// Nk of AES-128-GCM.
pub(super) const NK: usize = 16;
/// Nh of HKDF-SHA256 (also Nsecret and Nsk of the KEM).
pub(super) const NH: usize = 32;

/// `LabeledExtract(salt, label, ikm)` (§4): `Extract(salt, "HPKE-v1" ‖ suite_id ‖ label ‖ ikm)`.
pub(super) fn labeled_extract(suite_id: &[u8], salt: &[u8], label: &[u8], ikm: &[u8]) -> Zeroizing<[u8; NH]> {
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
pub(super) fn labeled_expand(
    suite_id: &[u8],
    prk: &Prk,
    label: &[u8],
    info: &[u8],
    out: &mut [u8],
) -> Result<(), CryptoError> {
    let l = u16::try_from(out.len()).map_err(|_| CryptoError)?.to_be_bytes();
    hkdf_expand(prk, &[&l, HPKE_V1, suite_id, label, info], out)
}

/// `DeriveKeyPair(ikm)` (§7.1.3) for P-256: rejection sampling over `LabeledExpand(dkp_prk, "candidate", counter)`
/// (bitmask 0xff, so no masking).
pub(super) fn derive_scalar(ikm: &[u8]) -> Result<EcSecret, CryptoError> {
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
pub(super) fn kem_shared_secret(dh: &[u8; 32], enc: &[u8], pk_rm: &[u8]) -> Result<Zeroizing<[u8; NH]>, CryptoError> {
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
pub(super) fn psk_id_hash() -> &'static [u8; NH] {
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
