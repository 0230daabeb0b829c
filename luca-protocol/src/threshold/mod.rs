//! Threshold daily keys (PROTOCOL.md §13): no single health office can open what is sealed to a
//! daily key.
//!
//! A **key committee** of `n` certified health offices runs a distributed key generation for each
//! daily key; afterwards each member holds a secret share `x_j` of a daily private key `x` that is
//! never assembled, and everybody knows the daily public key `X = x·G` and every member's public
//! share `X_j = x_j·G`. Guests, venues and scanners seal to `X` exactly as before (RFC 9180 HPKE);
//! to open a ciphertext with ephemeral key `enc`, the tracing office names `t` members `S` and asks
//! each for its partial `D_j = λ_j·x_j · enc` (`λ_j` its Lagrange coefficient over `S`), with a
//! batched DLEQ proof against `λ_j·X_j`, and adds them into `x · enc`, the Diffie–Hellman value
//! HPKE's `Decap` would have computed.
//!
//! | type | role |
//! |---|---|
//! | [`Committee`] | the members (from their verified certificates), `t`, the daily key id, the session id |
//! | [`dkg::DkgRound1`] → [`dkg::DkgRound2`] → [`dkg::DkgOutcome`] | one member's side of the DKG (consuming transitions) |
//! | [`dkg::DkgDealing`] / [`dkg::DkgDealingIn`] | round 1: a dealer's Feldman commitments and sealed shares, signed |
//! | [`announcement::CommitteeKeyAnnouncement`] | the daily key, `t`, the committee and the public shares, signed by ≥ `t` members |
//! | [`dkg::DkgComplaint`] / [`dkg::DkgComplaintIn`] | round 2: a publicly verifiable complaint against a dealer |
//! | [`SecretShare`] | a member's share `x_j` (secret: zeroized, redacted, never serialized in the clear) |
//! | [`partial::PartialDecryptionRequest`] / [`partial::PartialDecryptionResponse`] | the opening protocol |
//! | [`partial::combine`] / [`partial::CombinedPartials`] | the combination (a sum) and the HPKE open |
//!
//! The whole protocol, five offices and `t = 3`, from the DKG to an opened history share, is in
//! `luca-protocol/tests/threshold.rs`; PROTOCOL.md §13 is the normative text.

pub mod announcement;
pub mod dkg;
pub(crate) mod dleq;
pub mod partial;

use core::fmt;

use zeroize::{Zeroize, ZeroizeOnDrop};

use crate::crypto::group::{Point, Scalar};
use crate::crypto::{self, COMPRESSED_POINT_LEN, CryptoError};
use crate::error::DecodeError;
use crate::ids::{DailyKeyId, HealthOfficeId};
use crate::keys::{EncryptionPublicKey, SignaturePublicKey};
use crate::labels;
use crate::signed::health_office_certificate::HealthOfficeCertificate;

/// Largest committee (member indices are 1..=n, a 2-byte integer on the wire).
pub const MAX_COMMITTEE: usize = 256;

/// Why a threshold operation failed. Names the member at fault where there is one.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ThresholdError {
    /// `t` is outside `1..=n`, or `n` is 0 or above [`MAX_COMMITTEE`], or an office appears twice.
    #[error("invalid committee: {0}")]
    InvalidCommittee(&'static str),
    /// A message could not be decoded.
    #[error("malformed message: {0}")]
    Decode(#[from] DecodeError),
    /// A signature does not verify with the claimed member's certified signing key.
    #[error("bad signature from committee member {member}")]
    BadSignature {
        /// The member index the message claims.
        member: u16,
    },
    /// The message names a member index that is not in the committee.
    #[error("no committee member {member}")]
    NotAMember {
        /// The index named.
        member: u16,
    },
    /// The message belongs to another DKG session or committee (another daily key, `t` or membership).
    #[error("message of another session")]
    WrongSession,
    /// Two messages from the same member where one is expected.
    #[error("duplicate message from committee member {member}")]
    Duplicate {
        /// The member.
        member: u16,
    },
    /// A dealer's share does not match its Feldman commitments, or does not decrypt: the dealer is
    /// disqualified.
    #[error("committee member {dealer} dealt an inconsistent share")]
    InconsistentShare {
        /// The dealer.
        dealer: u16,
    },
    /// A complaint that does not hold up (the revealed share is consistent, or its proof is wrong).
    #[error("unfounded complaint by committee member {member}")]
    UnfoundedComplaint {
        /// The complainant.
        member: u16,
    },
    /// Fewer than `t` dealers remain qualified, or fewer than `t` partials were given.
    #[error("only {got} of the {needed} needed")]
    TooFew {
        /// Needed.
        needed: usize,
        /// Available.
        got: usize,
    },
    /// A member's partial decryptions fail their DLEQ proof (a wrong partial, a partial for another
    /// `enc`, or a replayed one): nothing is opened with them.
    #[error("committee member {member} returned a wrong partial decryption")]
    WrongPartial {
        /// The member.
        member: u16,
    },
    /// The request is not one this member answers (not signed by a current committee member,
    /// expired, an `enc` outside the tracing request, or refused by policy).
    #[error("partial-decryption request refused: {0}")]
    Refused(&'static str),
    /// A time or validity check of a certificate or announcement failed.
    #[error("verification failed: {0}")]
    Verify(#[from] crate::error::VerifyError),
    /// Opening failed (deliberately opaque).
    #[error("cryptographic operation failed")]
    Crypto,
}

impl From<CryptoError> for ThresholdError {
    fn from(_: CryptoError) -> Self {
        Self::Crypto
    }
}

impl ThresholdError {
    /// Stable snake-case name of the error.
    #[must_use]
    pub fn kind(&self) -> &'static str {
        match self {
            Self::InvalidCommittee(_) => "invalid_committee",
            Self::Decode(e) => e.kind(),
            Self::Verify(e) => e.kind(),
            Self::BadSignature { .. } => "bad_signature",
            Self::NotAMember { .. } => "not_a_member",
            Self::WrongSession => "wrong_session",
            Self::Duplicate { .. } => "duplicate",
            Self::InconsistentShare { .. } => "inconsistent_share",
            Self::UnfoundedComplaint { .. } => "unfounded_complaint",
            Self::TooFew { .. } => "too_few",
            Self::WrongPartial { .. } => "wrong_partial",
            Self::Refused(_) => "refused",
            Self::Crypto => "crypto",
        }
    }
}

/// One committee member: a certified health office, with its index `1..=n`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CommitteeMember {
    /// The index (1-based; the point at which its share of every polynomial is evaluated).
    pub index: u16,
    /// The office.
    pub office: HealthOfficeId,
    /// Its certified signing key (signs its DKG messages and partial decryptions).
    pub signing_key: SignaturePublicKey,
    /// Its certified encryption key (receives its DKG shares).
    pub encryption_key: EncryptionPublicKey,
}

/// The key committee of one daily key: its members in order, `t`, and the session id every DKG
/// message is bound to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Committee {
    daily_key_id: DailyKeyId,
    threshold: u16,
    members: Vec<CommitteeMember>,
    session: [u8; 32],
}

impl Committee {
    /// The committee of daily key `daily_key_id` made of the offices of `certificates`, in that
    /// order (member `i` is `certificates[i - 1]`), any `threshold` of which can open.
    ///
    /// The certificates must already be verified (the type says so) and current; the caller (the
    /// role crate) decides who is on the committee.
    ///
    /// # Errors
    /// [`ThresholdError::InvalidCommittee`] unless `1 ≤ t ≤ n ≤ 256` and the offices are distinct.
    pub fn new(
        daily_key_id: DailyKeyId,
        threshold: u16,
        certificates: &[HealthOfficeCertificate],
    ) -> Result<Self, ThresholdError> {
        let n = certificates.len();
        if n == 0 || n > MAX_COMMITTEE {
            return Err(ThresholdError::InvalidCommittee("n must be 1..=256"));
        }
        if threshold == 0 || usize::from(threshold) > n {
            return Err(ThresholdError::InvalidCommittee("t must be 1..=n"));
        }
        let mut members = Vec::with_capacity(n);
        for (i, cert) in certificates.iter().enumerate() {
            if members.iter().any(|m: &CommitteeMember| m.office == cert.id()) {
                return Err(ThresholdError::InvalidCommittee("an office appears twice"));
            }
            let index = u16::try_from(i.saturating_add(1))
                .map_err(|_| ThresholdError::InvalidCommittee("n must be 1..=256"))?;
            members.push(CommitteeMember {
                index,
                office: cert.id(),
                signing_key: cert.signing_key(),
                encryption_key: cert.encryption_key(),
            });
        }
        let session = session_id(daily_key_id, threshold, &members);
        Ok(Self { daily_key_id, threshold, members, session })
    }

    /// Rebuilds a committee from its members, as a role crate stored them (its encrypted state):
    /// the members' keys were verified when the committee was made with [`Committee::new`].
    ///
    /// # Errors
    /// [`ThresholdError::InvalidCommittee`] unless `1 ≤ t ≤ n ≤ 256`, the indices are `1..=n` in
    /// order and the offices are distinct.
    pub fn from_members(
        daily_key_id: DailyKeyId,
        threshold: u16,
        members: Vec<CommitteeMember>,
    ) -> Result<Self, ThresholdError> {
        let n = members.len();
        if n == 0 || n > MAX_COMMITTEE {
            return Err(ThresholdError::InvalidCommittee("n must be 1..=256"));
        }
        if threshold == 0 || usize::from(threshold) > n {
            return Err(ThresholdError::InvalidCommittee("t must be 1..=n"));
        }
        for (i, m) in members.iter().enumerate() {
            if usize::from(m.index) != i.saturating_add(1) {
                return Err(ThresholdError::InvalidCommittee("indices must be 1..=n in order"));
            }
            if members.iter().take(i).any(|other| other.office == m.office) {
                return Err(ThresholdError::InvalidCommittee("an office appears twice"));
            }
        }
        let session = session_id(daily_key_id, threshold, &members);
        Ok(Self { daily_key_id, threshold, members, session })
    }

    /// The daily key this committee generates.
    #[must_use]
    pub fn daily_key_id(&self) -> DailyKeyId {
        self.daily_key_id
    }

    /// `t`: how many members it takes to open.
    #[must_use]
    pub fn threshold(&self) -> u16 {
        self.threshold
    }

    /// `n`.
    #[must_use]
    pub fn len(&self) -> usize {
        self.members.len()
    }

    /// Whether the committee is empty (never: [`Committee::new`] refuses that).
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.members.is_empty()
    }

    /// The members in index order.
    #[must_use]
    pub fn members(&self) -> &[CommitteeMember] {
        &self.members
    }

    /// The member with index `index`.
    ///
    /// # Errors
    /// [`ThresholdError::NotAMember`].
    pub fn member(&self, index: u16) -> Result<&CommitteeMember, ThresholdError> {
        usize::from(index)
            .checked_sub(1)
            .and_then(|i| self.members.get(i))
            .ok_or(ThresholdError::NotAMember { member: index })
    }

    /// The member that is `office`, if any.
    #[must_use]
    pub fn member_of(&self, office: HealthOfficeId) -> Option<&CommitteeMember> {
        self.members.iter().find(|m| m.office == office)
    }

    /// The session id: `SHA-256(DKG_SESSION ‖ daily_key_id ‖ t ‖ n ‖ (office ‖ signing key ‖
    /// encryption key)*)`, all integers big-endian 16-bit, keys 65-byte uncompressed.
    #[must_use]
    pub fn session_id(&self) -> [u8; 32] {
        self.session
    }
}

fn session_id(daily_key_id: DailyKeyId, t: u16, members: &[CommitteeMember]) -> [u8; 32] {
    let n = u16::try_from(members.len()).unwrap_or(u16::MAX).to_be_bytes();
    let head = [labels::DKG_SESSION, &daily_key_id.0.to_be_bytes(), &t.to_be_bytes(), &n];
    let keys: Vec<([u8; 65], [u8; 65])> =
        members.iter().map(|m| (m.signing_key.to_bytes(), m.encryption_key.to_bytes())).collect();
    let mut parts: Vec<&[u8]> = head.to_vec();
    for (m, (sig, enc)) in members.iter().zip(&keys) {
        parts.push(m.office.as_bytes());
        parts.push(sig);
        parts.push(enc);
    }
    crypto::sha256(&parts)
}

/// A committee member's secret share `x_j` of a daily private key. Zeroized on drop, redacted in
/// `Debug`, never `Copy`, `Serialize` or `Display`; exported only through the role crates' state.
#[derive(Clone, PartialEq, Eq, Zeroize, ZeroizeOnDrop)]
pub struct SecretShare {
    #[zeroize(skip)]
    index: u16,
    value: Scalar,
}

impl fmt::Debug for SecretShare {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "SecretShare {{ index: {}, value: <redacted> }}", self.index)
    }
}

impl SecretShare {
    /// The member index this share belongs to.
    #[must_use]
    pub fn index(&self) -> u16 {
        self.index
    }

    /// The 32-byte big-endian share, for the role crate's encrypted state.
    #[must_use]
    pub fn expose_secret(&self) -> zeroize::Zeroizing<[u8; 32]> {
        self.value.to_bytes()
    }

    /// The share of member `index` from its 32-byte encoding (the role crate's state).
    ///
    /// # Errors
    /// [`DecodeError::InvalidField`] for a non-canonical or zero scalar or index 0.
    pub fn from_secret_bytes(index: u16, bytes: &[u8; 32]) -> Result<Self, DecodeError> {
        let value = Scalar::from_bytes(bytes).map_err(|_| DecodeError::InvalidField { field: "share" })?;
        if value.is_zero() || index == 0 {
            return Err(DecodeError::InvalidField { field: "share" });
        }
        Ok(Self { index, value })
    }
}

/// The public outcome of a DKG: the daily public key and every member's public share.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PublicShares {
    daily_public_key: EncryptionPublicKey,
    threshold: u16,
    /// `(index, X_j)` for every member, compressed points.
    shares: Vec<(u16, [u8; COMPRESSED_POINT_LEN])>,
}

impl PublicShares {
    /// The daily public key `X` guests and venues seal to.
    #[must_use]
    pub fn daily_public_key(&self) -> &EncryptionPublicKey {
        &self.daily_public_key
    }

    /// `t`.
    #[must_use]
    pub fn threshold(&self) -> u16 {
        self.threshold
    }

    /// `(index, compressed X_j)` of every member, in index order.
    #[must_use]
    pub fn shares(&self) -> &[(u16, [u8; COMPRESSED_POINT_LEN])] {
        &self.shares
    }

    /// Rebuilds the public outcome of a DKG from its parts, as a role crate stored them, and checks
    /// it: every share a point of P-256, the shares those of members `1..=n` in order with
    /// `1 ≤ t ≤ n`, and all of them on one polynomial of degree below `t` whose value at 0 is the
    /// daily public key (each share beyond the first `t`, and the daily key, equal the Lagrange
    /// combination of the first `t`).
    ///
    /// # Errors
    /// [`ThresholdError::InvalidCommittee`] for the shape, [`ThresholdError::Crypto`] for a point
    /// that does not decode or shares that are not consistent.
    pub fn from_stored(
        daily_public_key: EncryptionPublicKey,
        threshold: u16,
        shares: Vec<(u16, [u8; COMPRESSED_POINT_LEN])>,
    ) -> Result<Self, ThresholdError> {
        let (n, t) = (shares.len(), usize::from(threshold));
        if t == 0 || t > n || n > MAX_COMMITTEE {
            return Err(ThresholdError::InvalidCommittee("t must be 1..=n, n at most 256"));
        }
        if shares.iter().enumerate().any(|(i, (index, _))| usize::from(*index) != i.saturating_add(1)) {
            return Err(ThresholdError::InvalidCommittee("indices must be 1..=n in order"));
        }
        let points =
            shares.iter().map(|(_, p)| Point::from_compressed(p)).collect::<Result<Vec<Point>, CryptoError>>()?;
        let basis: Vec<u16> = shares.iter().take(t).map(|(i, _)| *i).collect();
        let at = |x: u16| -> Result<Point, ThresholdError> {
            let pairs = basis
                .iter()
                .zip(&points)
                .map(|(&j, p)| Ok((*p, lagrange_at(j, x, &basis)?)))
                .collect::<Result<Vec<_>, CryptoError>>()?;
            Ok(Point::lincomb_vartime(&pairs))
        };
        if at(0)? != Point::from_uncompressed(&daily_public_key.to_bytes())? {
            return Err(ThresholdError::Crypto);
        }
        for ((index, _), point) in shares.iter().zip(&points).skip(t) {
            if at(*index)? != *point {
                return Err(ThresholdError::Crypto);
            }
        }
        Ok(Self { daily_public_key, threshold, shares })
    }

    /// Whether `share` is the secret of its member's public share (`x_i · G = X_i`): a stored share
    /// belongs to these public shares.
    #[must_use]
    pub fn matches_share(&self, share: &SecretShare) -> bool {
        self.share_point(share.index).is_ok_and(|p| p == Point::mul_base(share.value))
    }

    /// Member `index`'s public share.
    pub(crate) fn share_point(&self, index: u16) -> Result<Point, ThresholdError> {
        let (_, bytes) =
            self.shares.iter().find(|(i, _)| *i == index).ok_or(ThresholdError::NotAMember { member: index })?;
        Ok(Point::from_compressed(bytes)?)
    }

    /// From parts (the announcement decoder, the DKG).
    pub(crate) fn from_parts(
        daily_public_key: EncryptionPublicKey,
        threshold: u16,
        shares: Vec<(u16, [u8; COMPRESSED_POINT_LEN])>,
    ) -> Self {
        Self { daily_public_key, threshold, shares }
    }
}

/// The Lagrange coefficient at 0 of index `i` over the distinct, non-zero indices `set`:
/// `λ_i = Π_{j ∈ set, j ≠ i} j / (j − i)`.
pub(crate) fn lagrange_at_zero(i: u16, set: &[u16]) -> Result<Scalar, CryptoError> {
    lagrange_at(i, 0, set)
}

/// The Lagrange basis polynomial of index `i` over the distinct, non-zero indices `set`, at `x`:
/// `L_i(x) = Π_{m ∈ set, m ≠ i} (x − m) / (i − m)` (at `x = 0` the coefficient `λ_i` above).
pub(crate) fn lagrange_at(i: u16, x: u16, set: &[u16]) -> Result<Scalar, CryptoError> {
    let (xs, xi) = (Scalar::from_u64(u64::from(x)), Scalar::from_u64(u64::from(i)));
    let mut num = Scalar::ONE;
    let mut den = Scalar::ONE;
    for &m in set.iter().filter(|&&m| m != i) {
        let xm = Scalar::from_u64(u64::from(m));
        num = num.mul(xs.sub(xm));
        den = den.mul(xi.sub(xm));
    }
    Ok(num.mul(den.invert()?))
}

/// `f(x)` for the polynomial with coefficients `coeffs` (constant first), by Horner's rule.
pub(crate) fn evaluate(coeffs: &[Scalar], x: u16) -> Scalar {
    let x = Scalar::from_u64(u64::from(x));
    coeffs.iter().rev().fold(Scalar::ZERO, |acc, c| acc.mul(x).add(*c))
}

/// `Σ_k C_k · x^k` for Feldman commitments `C_k = a_k · G`.
pub(crate) fn evaluate_commitments(commitments: &[Point], x: u16) -> Point {
    let x = Scalar::from_u64(u64::from(x));
    commitments.iter().rev().fold(Point::IDENTITY, |acc, c| acc.mul(x).add(*c))
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use rand_chacha::ChaCha20Rng;
    use rand_core::SeedableRng as _;

    use super::*;

    #[test]
    fn lagrange_reconstructs_the_constant_term_from_any_t_points() {
        let mut rng = ChaCha20Rng::seed_from_u64(3);
        let coeffs: Vec<Scalar> = (0..3).map(|_| Scalar::random(&mut rng)).collect();
        for set in [[1u16, 2, 3], [2, 4, 5], [5, 1, 3]] {
            let secret = set
                .iter()
                .fold(Scalar::ZERO, |acc, &i| acc.add(lagrange_at_zero(i, &set).unwrap().mul(evaluate(&coeffs, i))));
            assert!(secret == coeffs[0]);
        }
        // Two points of a degree-2 polynomial do not give its constant term.
        let set = [1u16, 2];
        let guess = set
            .iter()
            .fold(Scalar::ZERO, |acc, &i| acc.add(lagrange_at_zero(i, &set).unwrap().mul(evaluate(&coeffs, i))));
        assert!(guess != coeffs[0]);
    }

    #[test]
    fn commitments_evaluate_like_the_polynomial() {
        let mut rng = ChaCha20Rng::seed_from_u64(4);
        let coeffs: Vec<Scalar> = (0..4).map(|_| Scalar::random(&mut rng)).collect();
        let commitments: Vec<Point> = coeffs.iter().map(|a| Point::mul_base(*a)).collect();
        for x in [1u16, 7, 256] {
            assert!(evaluate_commitments(&commitments, x) == Point::mul_base(evaluate(&coeffs, x)));
        }
    }

    /// Public shares of a random polynomial of degree t - 1 over n members, and the shares.
    fn polynomial(rng: &mut ChaCha20Rng, t: usize, n: u16) -> (PublicShares, Vec<SecretShare>) {
        let coeffs: Vec<Scalar> = (0..t).map(|_| Scalar::random(rng)).collect();
        let daily = EncryptionPublicKey::from_slice(&Point::mul_base(coeffs[0]).to_uncompressed().unwrap()).unwrap();
        let secrets: Vec<SecretShare> =
            (1..=n).map(|i| SecretShare { index: i, value: evaluate(&coeffs, i) }).collect();
        let shares = secrets.iter().map(|s| (s.index, Point::mul_base(s.value).to_compressed().unwrap())).collect();
        (PublicShares::from_parts(daily, u16::try_from(t).unwrap(), shares), secrets)
    }

    #[test]
    fn stored_public_shares_are_checked() {
        let mut rng = ChaCha20Rng::seed_from_u64(5);
        let (public, secrets) = polynomial(&mut rng, 3, 5);
        let stored = || (public.daily_public_key, public.threshold, public.shares.clone());
        let (d, t, sh) = stored();
        assert_eq!(PublicShares::from_stored(d, t, sh).unwrap(), public);
        assert!(secrets.iter().all(|s| public.matches_share(s)));
        assert!(!public.matches_share(&SecretShare { index: 2, value: secrets[0].value }));
        assert!(!public.matches_share(&SecretShare { index: 9, value: secrets[0].value }));
        // A share off the polynomial, beyond the first t, or a swapped daily key.
        let (d, t, mut sh) = stored();
        sh[4].1 = sh[0].1;
        assert_eq!(PublicShares::from_stored(d, t, sh), Err(ThresholdError::Crypto));
        let (other, _) = polynomial(&mut rng, 3, 5);
        let (_, t, sh) = stored();
        assert_eq!(PublicShares::from_stored(other.daily_public_key, t, sh), Err(ThresholdError::Crypto));
        // Shape: t = 0, t > n, indices out of order, a point off the curve.
        let (d, _, sh) = stored();
        assert!(matches!(PublicShares::from_stored(d, 0, sh), Err(ThresholdError::InvalidCommittee(_))));
        let (d, _, sh) = stored();
        assert!(matches!(PublicShares::from_stored(d, 6, sh), Err(ThresholdError::InvalidCommittee(_))));
        let (d, t, mut sh) = stored();
        sh.swap(0, 1);
        assert!(matches!(PublicShares::from_stored(d, t, sh), Err(ThresholdError::InvalidCommittee(_))));
        let (d, t, mut sh) = stored();
        sh[1].1 = [0xff; COMPRESSED_POINT_LEN];
        assert_eq!(PublicShares::from_stored(d, t, sh), Err(ThresholdError::Crypto));
    }

    #[test]
    fn committee_from_members_checks_its_shape_and_keeps_the_session() {
        let mut rng = ChaCha20Rng::seed_from_u64(6);
        let member = |rng: &mut ChaCha20Rng, index: u16| CommitteeMember {
            index,
            office: HealthOfficeId::random(rng),
            signing_key: crate::keys::HealthOfficeSigningKey::generate(rng).public_key(),
            encryption_key: crate::keys::HealthOfficeEncryptionKey::generate(rng).public_key(),
        };
        let members: Vec<CommitteeMember> = (1..=3).map(|i| member(&mut rng, i)).collect();
        let c = Committee::from_members(DailyKeyId(7), 2, members.clone()).unwrap();
        assert_eq!(
            (c.threshold(), c.len(), c.members(), c.session_id()),
            (2, 3, &members[..], session_id(DailyKeyId(7), 2, &members))
        );
        let mut twice = members.clone();
        twice[2].office = twice[0].office;
        assert!(Committee::from_members(DailyKeyId(7), 2, twice).is_err());
        let mut gap = members.clone();
        gap[2].index = 4;
        assert!(Committee::from_members(DailyKeyId(7), 2, gap).is_err());
        assert!(Committee::from_members(DailyKeyId(7), 4, members.clone()).is_err());
        assert!(Committee::from_members(DailyKeyId(7), 0, members).is_err());
        assert!(Committee::from_members(DailyKeyId(7), 1, Vec::new()).is_err());
    }

    #[test]
    fn secret_share_is_redacted() {
        let share = SecretShare { index: 2, value: Scalar::from_u64(12345) };
        assert_eq!(format!("{share:?}"), "SecretShare { index: 2, value: <redacted> }");
    }
}
