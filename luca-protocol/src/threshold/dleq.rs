//! Batched Chaum–Pedersen discrete-log-equality proofs, as RFC 9497 §2.2 specifies them for P-256.
//!
//! A committee member proves, for its secret share `k`, that every partial `D[i] = k · C[i]` used
//! the same `k` as its public share `B = k · G`, with one proof `(c, s)` for the whole batch.
//! The construction is RFC 9497's `GenerateProof` / `VerifyProof` with `ComputeCompositesFast` /
//! `ComputeComposites` (§2.2.1, §2.2.2), `A = G`, `SerializeElement` the 33-byte compressed SEC1
//! point, `Hash` SHA-256 and `HashToScalar` of §4.3 (RFC 9380 `hash_to_field`,
//! `expand_message_xmd`/SHA-256, `L = 48`). The one difference is the context string: where
//! RFC 9497 writes `contextString = "OPRFV1-" ‖ mode ‖ "-" ‖ identifier`, luca uses
//! [`labels::THRESHOLD_DLEQ_CONTEXT`](crate::labels::THRESHOLD_DLEQ_CONTEXT), so the DSTs are
//! `"HashToScalar-luca/v1/threshold-dleq"` and the seed DST `"Seed-luca/v1/threshold-dleq"`.
//!
//! ```text
//! seed = SHA-256(I2OSP(33, 2) ‖ Bm ‖ I2OSP(len(seedDST), 2) ‖ seedDST)
//! d_i  = HashToScalar(I2OSP(32, 2) ‖ seed ‖ I2OSP(i, 2) ‖ I2OSP(33, 2) ‖ C_i ‖ I2OSP(33, 2) ‖ D_i ‖ "Composite")
//! M = Σ d_i · C_i,  Z = Σ d_i · D_i  (the prover: Z = k · M)
//! t2 = r · G,  t3 = r · M              (verifier: t2 = s·G + c·B, t3 = s·M + c·Z)
//! c  = HashToScalar(I2OSP(33,2) ‖ Bm ‖ I2OSP(33,2) ‖ M ‖ I2OSP(33,2) ‖ Z ‖ I2OSP(33,2) ‖ t2 ‖ I2OSP(33,2) ‖ t3 ‖ "Challenge")
//! s  = r − c · k;   proof = c ‖ s  (64 bytes)
//! ```

use rand_core::CryptoRng;

use crate::crypto::group::{Point, Scalar};
use crate::crypto::{self, COMPRESSED_POINT_LEN, CryptoError, SCALAR_LEN};
use crate::labels;

/// Length of an encoded proof: `c ‖ s`.
pub(crate) const PROOF_LEN: usize = 2 * SCALAR_LEN;
/// Largest batch one proof covers (the index `i` is a 2-byte integer in the transcript).
pub(crate) const MAX_BATCH: usize = u16::MAX as usize;

/// `I2OSP(33, 2)`: the length prefix of a serialized element.
const ELEMENT_LEN_PREFIX: [u8; 2] = [0, 33];
const _: () = assert!(COMPRESSED_POINT_LEN == 33);

/// A batched DLEQ proof `(c, s)`.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) struct DleqProof {
    c: Scalar,
    s: Scalar,
}

impl core::fmt::Debug for DleqProof {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str("DleqProof")
    }
}

impl DleqProof {
    /// `c ‖ s`, each 32 bytes big-endian.
    pub(crate) fn to_bytes(self) -> [u8; PROOF_LEN] {
        let mut out = [0u8; PROOF_LEN];
        let (c, s) = out.split_at_mut(SCALAR_LEN);
        c.copy_from_slice(self.c.to_bytes().as_slice());
        s.copy_from_slice(self.s.to_bytes().as_slice());
        out
    }

    /// Parses `c ‖ s` (each a canonical scalar).
    pub(crate) fn from_bytes(bytes: &[u8; PROOF_LEN]) -> Result<Self, CryptoError> {
        let (c, s) = bytes.split_at(SCALAR_LEN);
        let c: [u8; SCALAR_LEN] = c.try_into().map_err(|_| CryptoError)?;
        let s: [u8; SCALAR_LEN] = s.try_into().map_err(|_| CryptoError)?;
        Ok(Self { c: Scalar::from_bytes(&c)?, s: Scalar::from_bytes(&s)? })
    }
}

fn dst(prefix: &[u8]) -> Vec<u8> {
    [prefix, labels::THRESHOLD_DLEQ_CONTEXT].concat()
}

/// The composite weights `d_i` of `ComputeComposites` for public share `b` and pairs `(C_i, D_i)`.
fn weights(
    b: &[u8; COMPRESSED_POINT_LEN],
    cs: &[[u8; COMPRESSED_POINT_LEN]],
    ds: &[[u8; COMPRESSED_POINT_LEN]],
) -> Result<Vec<Scalar>, CryptoError> {
    if cs.len() != ds.len() || cs.len() > MAX_BATCH || cs.is_empty() {
        return Err(CryptoError);
    }
    let seed_dst = dst(b"Seed-");
    let seed_dst_len = u16::try_from(seed_dst.len()).map_err(|_| CryptoError)?.to_be_bytes();
    let seed = crypto::sha256(&[&ELEMENT_LEN_PREFIX, b, &seed_dst_len, &seed_dst]);
    let seed_len = [0u8, 32]; // I2OSP(len(seed), 2): a SHA-256 digest
    let h2s = dst(b"HashToScalar-");
    cs.iter()
        .zip(ds)
        .enumerate()
        .map(|(i, (c, d))| {
            let i = u16::try_from(i).map_err(|_| CryptoError)?.to_be_bytes();
            Scalar::hash(&[&seed_len, &seed, &i, &ELEMENT_LEN_PREFIX, c, &ELEMENT_LEN_PREFIX, d, b"Composite"], &h2s)
        })
        .collect()
}

fn challenge(b: &[u8; COMPRESSED_POINT_LEN], m: Point, z: Point, t2: Point, t3: Point) -> Result<Scalar, CryptoError> {
    let (m, z, t2, t3) = (m.to_compressed()?, z.to_compressed()?, t2.to_compressed()?, t3.to_compressed()?);
    let p = &ELEMENT_LEN_PREFIX;
    Scalar::hash(&[p, b, p, &m, p, &z, p, &t2, p, &t3, b"Challenge"], &dst(b"HashToScalar-"))
}

/// `Σ d_i · P_i`: public weights of public points, so in variable time (one multi-scalar multiplication).
fn composite(weights: &[Scalar], points: &[Point]) -> Point {
    let pairs: Vec<(Point, Scalar)> = points.iter().copied().zip(weights.iter().copied()).collect();
    Point::lincomb_vartime(&pairs)
}

/// `GenerateProof(k, G, B, C, D)` with `ComputeCompositesFast`: `B = k·G`, `D[i] = k·C[i]`. Returns the
/// proof and the compressed encodings of `D` (computed here anyway, with one inversion for the batch).
///
/// Constant time in `k` and the nonce `r`: `Z = k·M`, `t2 = r·G`, `t3 = r·M`; the composite `M` of the public
/// `C[i]` with public weights is a variable-time multi-scalar multiplication.
pub(crate) fn prove<R: CryptoRng>(
    rng: &mut R,
    k: Scalar,
    b: Point,
    cs: &[Point],
    ds: &[Point],
) -> Result<(DleqProof, Vec<[u8; COMPRESSED_POINT_LEN]>), CryptoError> {
    let bm = b.to_compressed()?;
    let c_bytes = Point::batch_to_compressed(cs)?;
    let d_bytes = Point::batch_to_compressed(ds)?;
    let d = weights(&bm, &c_bytes, &d_bytes)?;
    let m = composite(&d, cs);
    let z = m.mul(k);
    let mut r = Scalar::random(rng);
    let t2 = Point::mul_base(r);
    let t3 = m.mul(r);
    let c = challenge(&bm, m, z, t2, t3)?;
    let s = r.sub(c.mul(k));
    zeroize::Zeroize::zeroize(&mut r);
    Ok((DleqProof { c, s }, d_bytes))
}

/// `VerifyProof(G, B, C, D, proof)` with `ComputeComposites`. Everything here is public: the composites
/// and both verification equations are variable-time multi-scalar multiplications.
/// `d_bytes` are the compressed encodings of `ds`, as received (the caller decoded `ds` from them).
pub(crate) fn verify(
    b: Point,
    cs: &[Point],
    ds: &[Point],
    d_bytes: &[[u8; COMPRESSED_POINT_LEN]],
    proof: &DleqProof,
) -> Result<(), CryptoError> {
    let bm = b.to_compressed()?;
    let c_bytes = Point::batch_to_compressed(cs)?;
    let d = weights(&bm, &c_bytes, d_bytes)?;
    if ds.len() != d_bytes.len() {
        return Err(CryptoError);
    }
    let m = composite(&d, cs);
    let z = composite(&d, ds);
    let t2 = Point::lincomb_vartime(&[(Point::mul_base(Scalar::ONE), proof.s), (b, proof.c)]);
    let t3 = Point::lincomb_vartime(&[(m, proof.s), (z, proof.c)]);
    let expected = challenge(&bm, m, z, t2, t3)?;
    if expected == proof.c { Ok(()) } else { Err(CryptoError) }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use rand_chacha::ChaCha20Rng;
    use rand_core::SeedableRng as _;

    use super::*;

    fn setup(n: usize) -> (ChaCha20Rng, Scalar, Point, Vec<Point>, Vec<Point>) {
        let mut rng = ChaCha20Rng::seed_from_u64(42);
        let k = Scalar::random(&mut rng);
        let b = Point::mul_base(k);
        let cs: Vec<Point> = (0..n).map(|_| Point::mul_base(Scalar::random(&mut rng))).collect();
        let ds: Vec<Point> = cs.iter().map(|c| c.mul(k)).collect();
        (rng, k, b, cs, ds)
    }

    #[test]
    fn honest_batches_verify() {
        for n in [1, 2, 17] {
            let (mut rng, k, b, cs, ds) = setup(n);
            let (proof, _) = prove(&mut rng, k, b, &cs, &ds).unwrap();
            verify(b, &cs, &ds, &Point::batch_to_compressed(&ds).unwrap(), &proof).unwrap();
            assert_eq!(DleqProof::from_bytes(&proof.to_bytes()).unwrap(), proof);
        }
    }

    #[test]
    fn one_wrong_partial_in_a_batch_fails_the_proof() {
        let (mut rng, k, b, cs, mut ds) = setup(5);
        let (proof, _) = prove(&mut rng, k, b, &cs, &ds).unwrap();
        ds[3] = ds[3].add(Point::mul_base(Scalar::ONE));
        assert_eq!(verify(b, &cs, &ds, &Point::batch_to_compressed(&ds).unwrap(), &proof), Err(CryptoError));
        // A partial computed with another key, proven honestly for that key, fails against B.
        let (mut rng, _, b, cs, _) = setup(3);
        let other = Scalar::random(&mut rng);
        let ds: Vec<Point> = cs.iter().map(|c| c.mul(other)).collect();
        let (proof, _) = prove(&mut rng, other, b, &cs, &ds).unwrap();
        assert_eq!(verify(b, &cs, &ds, &Point::batch_to_compressed(&ds).unwrap(), &proof), Err(CryptoError));
    }

    #[test]
    fn swapped_or_reordered_partials_fail() {
        let (mut rng, k, b, cs, mut ds) = setup(3);
        let (proof, _) = prove(&mut rng, k, b, &cs, &ds).unwrap();
        ds.swap(0, 1);
        assert_eq!(verify(b, &cs, &ds, &Point::batch_to_compressed(&ds).unwrap(), &proof), Err(CryptoError));
    }

    #[test]
    fn empty_and_mismatched_batches_are_rejected() {
        let (mut rng, k, b, cs, ds) = setup(2);
        assert_eq!(prove(&mut rng, k, b, &[], &[]).map(|(p, _)| p), Err(CryptoError));
        let (proof, _) = prove(&mut rng, k, b, &cs, &ds).unwrap();
        assert_eq!(verify(b, &cs, &ds[..1], &Point::batch_to_compressed(&ds[..1]).unwrap(), &proof), Err(CryptoError));
    }
}
