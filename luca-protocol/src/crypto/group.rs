//! P-256 group arithmetic for the threshold daily keys (PROTOCOL.md §13): scalars, points, the
//! variable-base and fixed-base multiplications, and `HashToScalar` (RFC 9380 `hash_to_field` with
//! `expand_message_xmd`/SHA-256, `L = 48`, as RFC 9497 §4.3 uses it for P-256).
//!
//! Both backends share this module: AWS-LC exposes no group arithmetic, so the native backend
//! uses RustCrypto `p256` here too (as it does for RFC 6979 signing).

// Field and group operations of `p256` are modular: `+`, `-` and `*` cannot overflow.
#![allow(clippy::arithmetic_side_effects)]

use p256::elliptic_curve::Field as _;
use p256::elliptic_curve::group::Group as _;
use p256::elliptic_curve::group::GroupEncoding as _;
use p256::elliptic_curve::sec1::{FromSec1Point as _, ToSec1Point as _};
use p256::{AffinePoint, NistP256, ProjectivePoint};
use rand_core::CryptoRng;
use zeroize::{Zeroize, Zeroizing};

#[cfg(test)]
use super::EcSecret;
use super::{COMPRESSED_POINT_LEN, CryptoError, EcPublic, POINT_LEN, SCALAR_LEN};

/// A scalar modulo the P-256 group order (may be zero; secret ones are wiped on drop).
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) struct Scalar(p256::Scalar);

impl Zeroize for Scalar {
    fn zeroize(&mut self) {
        self.0 = p256::Scalar::ZERO;
    }
}

impl Scalar {
    /// Zero.
    pub(crate) const ZERO: Self = Self(p256::Scalar::ZERO);
    /// One.
    pub(crate) const ONE: Self = Self(p256::Scalar::ONE);

    /// A uniformly random scalar (zero with negligible probability).
    pub(crate) fn random<R: CryptoRng>(rng: &mut R) -> Self {
        Self(p256::Scalar::random(rng))
    }

    /// The scalar `n` (member indices and powers of them).
    pub(crate) fn from_u64(n: u64) -> Self {
        Self(p256::Scalar::from(n))
    }

    /// Parses a canonical 32-byte big-endian scalar (`< n`; zero allowed).
    pub(crate) fn from_bytes(bytes: &[u8; SCALAR_LEN]) -> Result<Self, CryptoError> {
        use p256::elliptic_curve::PrimeField as _;
        Option::<p256::Scalar>::from(p256::Scalar::from_repr((*bytes).into())).map(Self).ok_or(CryptoError)
    }

    /// The 32-byte big-endian encoding.
    pub(crate) fn to_bytes(self) -> Zeroizing<[u8; SCALAR_LEN]> {
        Zeroizing::new(self.0.to_bytes().into())
    }

    /// The secret scalar of a P-256 private key.
    #[cfg(test)]
    pub(crate) fn from_secret(secret: &EcSecret) -> Result<Self, CryptoError> {
        Self::from_bytes(&secret.to_bytes())
    }

    /// `self + other`.
    pub(crate) fn add(self, other: Self) -> Self {
        Self(self.0 + other.0)
    }

    /// `self - other`.
    pub(crate) fn sub(self, other: Self) -> Self {
        Self(self.0 - other.0)
    }

    /// `self · other`.
    pub(crate) fn mul(self, other: Self) -> Self {
        Self(self.0 * other.0)
    }

    /// `self⁻¹`; fails for zero.
    pub(crate) fn invert(self) -> Result<Self, CryptoError> {
        Option::<p256::Scalar>::from(self.0.invert()).map(Self).ok_or(CryptoError)
    }

    /// Whether this is zero.
    pub(crate) fn is_zero(self) -> bool {
        bool::from(self.0.is_zero())
    }

    /// `HashToScalar(msg, DST)` of RFC 9497 §4.3 (P-256): `hash_to_field` of RFC 9380 §5.2 with
    /// `expand_message_xmd`/SHA-256 and `L = 48`, over the concatenation of `msg`.
    pub(crate) fn hash(msg: &[&[u8]], dst: &[u8]) -> Result<Self, CryptoError> {
        use p256::elliptic_curve::consts::U48;
        p256::hash2curve::hash_to_scalar::<NistP256, p256::hash2curve::ExpandMsgXmd<sha2::Sha256>, U48>(msg, &[dst])
            .map(Self)
            .map_err(|_| CryptoError)
    }
}

/// A point of the P-256 group (the identity included, which no decoder accepts).
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) struct Point(ProjectivePoint);

impl core::fmt::Debug for Point {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str("Point")
    }
}

impl Point {
    /// The identity.
    pub(crate) const IDENTITY: Self = Self(ProjectivePoint::IDENTITY);

    /// `k · G`.
    pub(crate) fn mul_base(k: Scalar) -> Self {
        Self(ProjectivePoint::mul_by_generator(&k.0))
    }

    /// `k · self` (variable base, constant time in `k`).
    pub(crate) fn mul(self, k: Scalar) -> Self {
        Self(self.0 * k.0)
    }

    /// `self + other`.
    pub(crate) fn add(self, other: Self) -> Self {
        Self(self.0 + other.0)
    }

    /// `Σ k_i · P_i` in **variable time** (a wNAF multi-scalar multiplication sharing one doubling chain,
    /// `p256`'s `lincomb_vartime`). Only for public points with public scalars: the DLEQ composites and the
    /// proof verifier's equations, never a secret scalar.
    pub(crate) fn lincomb_vartime(pairs: &[(Point, Scalar)]) -> Self {
        use p256::elliptic_curve::ops::LinearCombination as _;
        let pairs: Vec<(ProjectivePoint, p256::Scalar)> = pairs.iter().map(|(p, k)| (p.0, k.0)).collect();
        Self(ProjectivePoint::lincomb_vartime(pairs.as_slice()))
    }

    /// The 33-byte compressed encodings of `points`, with one field inversion for all of them (batch
    /// normalisation, RustCrypto `group`'s `CurveGroup::batch_normalize`); fails if any is the identity.
    pub(crate) fn batch_to_compressed(points: &[Point]) -> Result<Vec<[u8; COMPRESSED_POINT_LEN]>, CryptoError> {
        use p256::elliptic_curve::group::Curve as _;
        if points.iter().any(|p| p.is_identity()) {
            return Err(CryptoError);
        }
        let projective: Vec<ProjectivePoint> = points.iter().map(|p| p.0).collect();
        let mut affine = vec![AffinePoint::IDENTITY; projective.len()];
        ProjectivePoint::batch_normalize(&projective, &mut affine);
        affine
            .iter()
            .map(|a| {
                let bytes = a.to_bytes();
                <[u8; COMPRESSED_POINT_LEN]>::try_from(bytes.as_slice()).map_err(|_| CryptoError)
            })
            .collect()
    }

    /// The x-coordinates (as [`Point::x_coordinate`]) of `points`, with one field inversion for all
    /// of them (batch normalisation); fails if any is the identity. Constant time in the points.
    pub(crate) fn batch_x_coordinates(points: &[Point]) -> Result<Vec<Zeroizing<[u8; 32]>>, CryptoError> {
        use p256::elliptic_curve::group::Curve as _;
        use p256::elliptic_curve::point::AffineCoordinates as _;
        if points.iter().any(|p| p.is_identity()) {
            return Err(CryptoError);
        }
        let projective: Zeroizing<Vec<ProjectivePoint>> = Zeroizing::new(points.iter().map(|p| p.0).collect());
        let mut affine = Zeroizing::new(vec![AffinePoint::IDENTITY; projective.len()]);
        ProjectivePoint::batch_normalize(&projective, &mut affine);
        affine
            .iter()
            .map(|a| {
                let x = a.x();
                let mut out = Zeroizing::new([0u8; 32]);
                out.copy_from_slice(x.as_slice());
                Ok(out)
            })
            .collect()
    }

    /// Whether this is the identity.
    pub(crate) fn is_identity(self) -> bool {
        self == Self::IDENTITY
    }

    /// Parses a compressed (33-byte) SEC1 point; the identity has no such encoding.
    pub(crate) fn from_compressed(bytes: &[u8; COMPRESSED_POINT_LEN]) -> Result<Self, CryptoError> {
        if !matches!(bytes.first(), Some(0x02 | 0x03)) {
            return Err(CryptoError);
        }
        let point = Option::<AffinePoint>::from(AffinePoint::from_bytes(bytes.into())).ok_or(CryptoError)?;
        Ok(Self(point.into()))
    }

    /// Parses an uncompressed (65-byte) SEC1 point (an HPKE `enc`, a public key).
    pub(crate) fn from_uncompressed(bytes: &[u8; POINT_LEN]) -> Result<Self, CryptoError> {
        let public = EcPublic::from_uncompressed(bytes)?;
        Self::from_public(&public)
    }

    /// The point of a public key.
    pub(crate) fn from_public(public: &EcPublic) -> Result<Self, CryptoError> {
        let point = AffinePoint::from_sec1_bytes(&public.to_uncompressed()).map_err(|_| CryptoError)?;
        Ok(Self(point.into()))
    }

    /// The 33-byte compressed SEC1 encoding; fails for the identity.
    pub(crate) fn to_compressed(self) -> Result<[u8; COMPRESSED_POINT_LEN], CryptoError> {
        if self.is_identity() {
            return Err(CryptoError);
        }
        let bytes = self.0.to_affine().to_bytes();
        let mut out = [0u8; COMPRESSED_POINT_LEN];
        if bytes.len() != COMPRESSED_POINT_LEN {
            return Err(CryptoError);
        }
        out.copy_from_slice(&bytes);
        Ok(out)
    }

    /// The 65-byte uncompressed SEC1 encoding; fails for the identity.
    pub(crate) fn to_uncompressed(self) -> Result<[u8; POINT_LEN], CryptoError> {
        if self.is_identity() {
            return Err(CryptoError);
        }
        let encoded = self.0.to_affine().to_sec1_point(false);
        let mut out = [0u8; POINT_LEN];
        let bytes = encoded.as_bytes();
        if bytes.len() != POINT_LEN {
            return Err(CryptoError);
        }
        out.copy_from_slice(bytes);
        Ok(out)
    }

    /// The x-coordinate (the DH value of DHKEM(P-256), RFC 9180 §4.1 / SEC1 §3.3.1); fails for the
    /// identity.
    #[cfg(test)]
    pub(crate) fn x_coordinate(self) -> Result<Zeroizing<[u8; 32]>, CryptoError> {
        let sec1 = Zeroizing::new(self.to_uncompressed()?);
        let mut x = Zeroizing::new([0u8; 32]);
        x.copy_from_slice(sec1.get(1..33).ok_or(CryptoError)?);
        Ok(x)
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::indexing_slicing)]
mod tests {
    use rand_chacha::ChaCha20Rng;
    use rand_core::SeedableRng as _;

    use super::*;

    /// The variable-time multi-scalar multiplication equals the sum of constant-time multiplications, for
    /// every batch size the DLEQ proof uses at its edges, and with zero scalars and repeated points.
    #[test]
    fn lincomb_vartime_is_the_sum_of_products() {
        let mut rng = ChaCha20Rng::seed_from_u64(9);
        for n in [1usize, 2, 3, 17, 100] {
            let mut pairs: Vec<(Point, Scalar)> =
                (0..n).map(|_| (Point::mul_base(Scalar::random(&mut rng)), Scalar::random(&mut rng))).collect();
            if n > 2 {
                pairs[1].1 = Scalar::ZERO;
                pairs[2].0 = pairs[0].0;
            }
            let naive = pairs.iter().fold(Point::IDENTITY, |acc, (p, k)| acc.add(p.mul(*k)));
            assert!(Point::lincomb_vartime(&pairs) == naive, "n = {n}");
        }
        assert!(Point::lincomb_vartime(&[]).is_identity());
    }

    /// Batch x-coordinates equal the one-at-a-time x-coordinate, and refuse the identity.
    #[test]
    fn batch_x_coordinates_match_x_coordinate() {
        let mut rng = ChaCha20Rng::seed_from_u64(11);
        let points: Vec<Point> = (0..9).map(|_| Point::mul_base(Scalar::random(&mut rng))).collect();
        let one_by_one: Vec<[u8; 32]> = points.iter().map(|p| *p.x_coordinate().unwrap()).collect();
        let batch: Vec<[u8; 32]> = Point::batch_x_coordinates(&points).unwrap().iter().map(|x| **x).collect();
        assert_eq!(batch, one_by_one);
        let mut with_identity = points;
        with_identity[2] = Point::IDENTITY;
        assert_eq!(Point::batch_x_coordinates(&with_identity).map(|v| v.len()), Err(CryptoError));
    }

    /// Batch compression equals compressing one point at a time, and refuses the identity.
    #[test]
    fn batch_to_compressed_matches_to_compressed() {
        let mut rng = ChaCha20Rng::seed_from_u64(10);
        let points: Vec<Point> = (0..33).map(|_| Point::mul_base(Scalar::random(&mut rng))).collect();
        let one_by_one: Vec<_> = points.iter().map(|p| p.to_compressed().unwrap()).collect();
        assert_eq!(Point::batch_to_compressed(&points).unwrap(), one_by_one);
        assert_eq!(Point::batch_to_compressed(&[]).unwrap(), Vec::<[u8; COMPRESSED_POINT_LEN]>::new());
        let mut with_identity = points;
        with_identity[5] = Point::IDENTITY;
        assert_eq!(Point::batch_to_compressed(&with_identity), Err(CryptoError));
    }
}
