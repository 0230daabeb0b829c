//! HPKE base-mode single-shot open (RFC 9180 §6.1) from a Diffie–Hellman value computed elsewhere:
//! the threshold opening of PROTOCOL.md §13 computes `dh = x(skR · enc)` jointly, so `Decap` cannot
//! run inside an HPKE library; everything after it is the RFC's, written out here:
//!
//! - DHKEM(P-256, HKDF-SHA256) `ExtractAndExpand` (§4.1): `eae_prk = LabeledExtract("", "eae_prk",
//!   dh)`, `shared_secret = LabeledExpand(eae_prk, "shared_secret", enc ‖ pkR, 32)`, with
//!   `suite_id = "KEM" ‖ I2OSP(0x0010, 2)`;
//! - `KeySchedule` for mode base (§5.1), with `suite_id = "HPKE" ‖ 0x0010 ‖ 0x0001 ‖ 0x0001`;
//! - the first `Open` of the context (§5.2): sequence number 0, so the nonce is `base_nonce`.
//!
//! Tests open the RFC 9180 A.3.1 vector (`third_party_tests.rs`, `rfc9180_open_from_dh_value`) and
//! ciphertexts of [`super::hpke_seal`] this way.

use zeroize::Zeroizing;

use super::{AEAD_NONCE_LEN, CryptoError, POINT_LEN};

type Prk = hkdf::Hkdf<sha2::Sha256>;

/// `suite_id` of DHKEM(P-256, HKDF-SHA256) (RFC 9180 §4.1).
const KEM_SUITE_ID: &[u8] = b"KEM\x00\x10";
/// `suite_id` of the HPKE suite P-256 / HKDF-SHA256 / AES-128-GCM (RFC 9180 §5.1).
const HPKE_SUITE_ID: &[u8] = b"HPKE\x00\x10\x00\x01\x00\x01";
/// The RFC 9180 label prefix.
const HPKE_V1: &[u8] = b"HPKE-v1";
/// `mode_base`.
const MODE_BASE: u8 = 0x00;

/// `LabeledExtract(salt, label, ikm)`.
fn labeled_extract(suite_id: &[u8], salt: &[u8], label: &[u8], ikm: &[u8]) -> Zeroizing<[u8; 32]> {
    use hmac::{KeyInit as _, Mac as _};
    // HKDF-Extract(salt, m) = HMAC-SHA256(salt, m); an empty salt is HashLen zeros (RFC 5869 §2.2),
    // which HMAC's zero padding of the key makes identical to the empty key.
    let mut mac = <hmac::Hmac<sha2::Sha256> as hmac::KeyInit>::new_from_slice(salt)
        .unwrap_or_else(|_| <hmac::Hmac<sha2::Sha256>>::new(&Default::default()));
    for part in [HPKE_V1, suite_id, label, ikm] {
        mac.update(part);
    }
    Zeroizing::new(mac.finalize().into_bytes().into())
}

/// `LabeledExpand(prk, label, info, L)` into `out` (`L = out.len()`, at most 255 · 32).
fn labeled_expand(
    suite_id: &[u8],
    prk: &[u8; 32],
    label: &[u8],
    info: &[u8],
    out: &mut [u8],
) -> Result<(), CryptoError> {
    let len = u16::try_from(out.len()).map_err(|_| CryptoError)?.to_be_bytes();
    Prk::from_prk(prk)
        .map_err(|_| CryptoError)?
        .expand_multi_info(&[&len, HPKE_V1, suite_id, label, info], out)
        .map_err(|_| CryptoError)
}

/// `SetupBaseR` from `dh` followed by one `Open(aad, ct)`.
///
/// `dh` is the 32-byte x-coordinate of `skR · enc`; `enc` and `pk_r` are the 65-byte uncompressed
/// points that make `kem_context = enc ‖ pkR`.
pub(crate) fn hpke_open_with_dh(
    dh: &[u8; 32],
    enc: &[u8; POINT_LEN],
    pk_r: &[u8; POINT_LEN],
    info: &[u8],
    aad: &[u8],
    ct: &[u8],
) -> Result<Zeroizing<Vec<u8>>, CryptoError> {
    // ExtractAndExpand (RFC 9180 §4.1).
    let eae_prk = labeled_extract(KEM_SUITE_ID, b"", b"eae_prk", dh);
    let mut kem_context = [0u8; 2 * POINT_LEN];
    let (e, p) = kem_context.split_at_mut(POINT_LEN);
    e.copy_from_slice(enc);
    p.copy_from_slice(pk_r);
    let mut shared_secret = Zeroizing::new([0u8; 32]);
    labeled_expand(KEM_SUITE_ID, &eae_prk, b"shared_secret", &kem_context, shared_secret.as_mut_slice())?;

    // KeySchedule, mode base, default PSK (RFC 9180 §5.1).
    let psk_id_hash = labeled_extract(HPKE_SUITE_ID, b"", b"psk_id_hash", b"");
    let info_hash = labeled_extract(HPKE_SUITE_ID, b"", b"info_hash", info);
    let mut ks_context = [0u8; 1 + 32 + 32];
    let (mode, rest) = ks_context.split_at_mut(1);
    let (psk, inf) = rest.split_at_mut(32);
    mode.copy_from_slice(&[MODE_BASE]);
    psk.copy_from_slice(psk_id_hash.as_slice());
    inf.copy_from_slice(info_hash.as_slice());
    let secret = labeled_extract(HPKE_SUITE_ID, shared_secret.as_slice(), b"secret", b"");
    let mut key = Zeroizing::new([0u8; 16]);
    labeled_expand(HPKE_SUITE_ID, &secret, b"key", &ks_context, key.as_mut_slice())?;
    let mut base_nonce = [0u8; AEAD_NONCE_LEN];
    labeled_expand(HPKE_SUITE_ID, &secret, b"base_nonce", &ks_context, &mut base_nonce)?;

    // The context's first Open: seq = 0, nonce = base_nonce XOR 0.
    super::aes128gcm_open(&key, &base_nonce, aad, ct)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use rand_chacha::ChaCha20Rng;
    use rand_core::SeedableRng as _;

    use super::super::group::{Point, Scalar};
    use super::super::{EcSecret, hpke_seal};
    use super::*;

    /// What the backend's HPKE seals, this path opens.
    #[test]
    fn opens_what_hpke_seal_sealed() {
        let mut rng = ChaCha20Rng::seed_from_u64(9);
        for len in [0usize, 1, 33, 200] {
            let sk = EcSecret::random(&mut rng);
            let pk = sk.public();
            let pt = vec![0xa5; len];
            let sealed = hpke_seal(&mut rng, &pk, b"luca/test", b"aad", &pt).unwrap();
            let dh = Point::from_uncompressed(&sealed.enc)
                .unwrap()
                .mul(Scalar::from_secret(&sk).unwrap())
                .x_coordinate()
                .unwrap();
            let opened =
                hpke_open_with_dh(&dh, &sealed.enc, &pk.to_uncompressed(), b"luca/test", b"aad", &sealed.ct).unwrap();
            assert_eq!(opened.as_slice(), pt.as_slice());
            assert_eq!(
                hpke_open_with_dh(&dh, &sealed.enc, &pk.to_uncompressed(), b"luca/other", b"aad", &sealed.ct),
                Err(CryptoError)
            );
        }
    }
}
