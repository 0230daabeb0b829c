//! The distributed key generation of a daily key among its committee: Pedersen's DKG with Feldman
//! commitments (the "JF-DKG" of Gennaro, Jarecki, Krawczyk and Rabin, *Secure Distributed Key
//! Generation for Discrete-Log Based Cryptosystems*, J. Cryptology 20(1), 2007, §3 Fig. 1), with
//! shares sent sealed with HPKE and signed, so that a complaint can carry its evidence.
//!
//! Round 1 — every member `i` draws a polynomial `f_i` of degree `t − 1`, publishes a
//! [`DkgDealing`]: the commitments `C_ik = a_ik · G` and, for every other member `j`, the
//! [signed share](SIGNED_SHARE_LEN) `f_i(j) ‖ sig_i(DKG_SHARE ‖ session ‖ i ‖ j ‖ f_i(j))` sealed
//! with HPKE to `j`'s certified encryption key (`info = HPKE_DKG_SHARE`, `aad = session ‖ i ‖ j`).
//!
//! Round 2 — every member `j` checks each dealing's signature, opens its share and checks
//! `f_i(j) · G = Σ_k C_ik · j^k`. Where that fails it publishes a [`DkgComplaint`]: with the signed
//! share as evidence when the share opened and carries the dealer's signature (anyone can then
//! check the dealer signed an inconsistent share), without evidence otherwise. A dealer answers
//! each complaint without evidence against it with a [`DkgJustification`]: the signed share it dealt
//! to the complainant, in the clear.
//!
//! Done — a dealer is disqualified when a complaint's evidence shows an inconsistent share it
//! signed, or when a complaint without evidence gets no justification, or a justification that
//! fails the same check. `QUAL` is the rest (at least `t`); member `j`'s share is `x_j = Σ_{i∈QUAL}
//! f_i(j)`, the daily public key `X = Σ_{i∈QUAL} C_i0`, and member `m`'s public share
//! `X_m = Σ_{i∈QUAL} Σ_k C_ik · m^k`.
//!
//! Dealings, complaints and justifications go to every member through the operator server, which
//! is not trusted to deliver the same set to all: agreement comes at the end, when the members sign
//! the daily key announcement with `X` and every `X_m` (PROTOCOL.md §13.4), which a guest accepts
//! only with `t` valid member signatures. Known limit (GJKR §4): with Feldman commitments a
//! coalition can bias the distribution of `X`; that does not help to decrypt HPKE ciphertexts
//! sealed to `X` (Gennaro, Jarecki, Krawczyk and Rabin, *Secure Applications of Pedersen's
//! Distributed Key Generation Protocol*, CT-RSA 2003).
//!
//! ```cddl
//! dkg-dealing = [ 1, session: bstr .size 32, dealer: uint,
//!                 commitments: [+ bstr .size 33],                 ; t compressed points
//!                 shares: [* [recipient: uint, enc: bstr .size 65, ct: bstr .size 112]] ]  ; n − 1, by recipient
//! dkg-complaint = [ 1, session: bstr .size 32, complainant: uint, dealer: uint,
//!                   evidence: bstr .size 96 / null ]              ; the signed share
//! dkg-justification = [ 1, session: bstr .size 32, dealer: uint, complainant: uint,
//!                       signed_share: bstr .size 96 ]
//! ```
//! each the payload of a COSE_Sign1 (ES256) by the sender's certified signing key, with content
//! types `application/luca.v1.dkg-dealing`, `…dkg-complaint`, `…dkg-justification`.

use rand_core::CryptoRng;
use zeroize::{Zeroize, Zeroizing};

use super::{Committee, PublicShares, SecretShare, ThresholdError, evaluate, evaluate_commitments};
use crate::cbor::{self, ArrayReader, ArrayWriter};
use crate::cose::{self, SignedObject};
use crate::crypto::group::{Point, Scalar};
use crate::crypto::{self, COMPRESSED_POINT_LEN, POINT_LEN, SCALAR_LEN, SIGNATURE_LEN};
use crate::error::DecodeError;
use crate::keys::{EncryptionPublicKey, HealthOfficeEncryptionKey, HealthOfficeSigningKey};
use crate::labels;

/// Protocol version of the DKG messages.
const VERSION: u64 = 1;
/// A signed share: the 32-byte share and the dealer's 64-byte signature.
pub const SIGNED_SHARE_LEN: usize = SCALAR_LEN + SIGNATURE_LEN;
/// A sealed signed share: 96 bytes and the AEAD tag.
pub const SEALED_SHARE_LEN: usize = SIGNED_SHARE_LEN + crypto::AEAD_TAG_LEN;
/// Size cap of any DKG message (a dealing for `n = t = 256`: about 59 KiB).
pub const MAX_LEN: usize = 64 * 1024;

/// The message a dealer signs inside a share: `DKG_SHARE ‖ session ‖ dealer ‖ recipient ‖ share`.
fn share_message(session: &[u8; 32], dealer: u16, recipient: u16, share: &[u8; SCALAR_LEN]) -> Vec<u8> {
    [labels::DKG_SHARE, session, &dealer.to_be_bytes(), &recipient.to_be_bytes(), share].concat()
}

/// The AAD of a sealed share: `session ‖ dealer ‖ recipient` (36 bytes).
fn share_aad(session: &[u8; 32], dealer: u16, recipient: u16) -> Vec<u8> {
    [session.as_slice(), &dealer.to_be_bytes(), &recipient.to_be_bytes()].concat()
}

fn index(r: &mut ArrayReader, field: &'static str) -> Result<u16, DecodeError> {
    r.u16(field)
}

/// A verified round-1 message: a dealer's commitments and sealed shares.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DkgDealing {
    raw: Vec<u8>,
    dealer: u16,
    commitments: Vec<[u8; COMPRESSED_POINT_LEN]>,
    /// `(recipient, enc, sealed signed share)`.
    shares: Vec<(u16, [u8; POINT_LEN], Vec<u8>)>,
}

/// A round-1 message as received: parsed, not yet checked against the committee.
#[derive(Clone, Debug)]
pub struct DkgDealingIn {
    signed: SignedObject,
    session: [u8; 32],
    inner: DkgDealing,
}

impl DkgDealingIn {
    /// Parses a dealing (size cap, COSE envelope, version, exact lengths, no trailing bytes).
    ///
    /// # Errors
    /// The specific [`DecodeError`].
    pub fn from_slice(bytes: &[u8]) -> Result<Self, DecodeError> {
        let signed = SignedObject::parse(bytes, MAX_LEN, labels::COSE_DKG_DEALING)?;
        let value = cbor::decode(signed.payload(), MAX_LEN, 3)?;
        let mut r = ArrayReader::open_message(value, "dkg_dealing", VERSION, 5)?;
        let session = r.fixed::<32>("session")?;
        let dealer = index(&mut r, "dealer")?;
        let commitments = r
            .array("commitments", super::MAX_COMMITTEE)?
            .into_iter()
            .map(|v| {
                let bytes = ArrayReader::fixed_value::<COMPRESSED_POINT_LEN>(v, "commitments")?;
                Point::from_compressed(&bytes).map_err(|_| DecodeError::InvalidPoint { field: "commitments" })?;
                Ok(bytes)
            })
            .collect::<Result<Vec<_>, DecodeError>>()?;
        let shares = r
            .array("shares", super::MAX_COMMITTEE)?
            .into_iter()
            .map(|v| {
                let mut e = ArrayReader::open(v, "shares")?;
                e.expect_len(3)?;
                let recipient = index(&mut e, "recipient")?;
                let enc = e.fixed::<POINT_LEN>("enc")?;
                EncryptionPublicKey::from_slice_field(&enc, "enc")?;
                let ct = e.fixed::<SEALED_SHARE_LEN>("ciphertext")?.to_vec();
                Ok((recipient, enc, ct))
            })
            .collect::<Result<Vec<_>, DecodeError>>()?;
        if commitments.is_empty() {
            return Err(DecodeError::InvalidField { field: "commitments" });
        }
        let inner = DkgDealing { raw: bytes.to_vec(), dealer, commitments, shares };
        Ok(Self { signed, session, inner })
    }

    /// The dealer's member index (unverified).
    #[must_use]
    pub fn dealer(&self) -> u16 {
        self.inner.dealer
    }

    /// Checks the dealing against `committee`: its session, a member as dealer, `t` commitments,
    /// one share for every other member in index order, and the dealer's signature.
    ///
    /// # Errors
    /// [`ThresholdError::WrongSession`], [`ThresholdError::NotAMember`], [`ThresholdError::BadSignature`],
    /// or [`ThresholdError::Decode`] for a wrong number of commitments or shares.
    pub fn verify(self, committee: &Committee) -> Result<DkgDealing, ThresholdError> {
        if self.session != committee.session_id() {
            return Err(ThresholdError::WrongSession);
        }
        let dealer = committee.member(self.inner.dealer)?;
        self.signed.verify(&dealer.signing_key.0).map_err(|_| ThresholdError::BadSignature { member: dealer.index })?;
        if self.inner.commitments.len() != usize::from(committee.threshold()) {
            return Err(DecodeError::WrongArity {
                field: "commitments",
                expected: usize::from(committee.threshold()),
                got: self.inner.commitments.len(),
            }
            .into());
        }
        let expected: Vec<u16> = committee.members().iter().map(|m| m.index).filter(|&i| i != dealer.index).collect();
        let got: Vec<u16> = self.inner.shares.iter().map(|s| s.0).collect();
        if got != expected {
            return Err(DecodeError::InvalidField { field: "shares" }.into());
        }
        Ok(self.inner)
    }
}

impl DkgDealing {
    /// The dealer's member index.
    #[must_use]
    pub fn dealer(&self) -> u16 {
        self.dealer
    }

    /// The exact bytes, as signed.
    #[must_use]
    pub fn as_bytes(&self) -> &[u8] {
        &self.raw
    }

    fn commitment_points(&self) -> Result<Vec<Point>, ThresholdError> {
        Ok(self.commitments.iter().map(Point::from_compressed).collect::<Result<Vec<_>, _>>()?)
    }

    /// The share this dealing holds for `recipient`, opened and checked.
    fn open_share(
        &self,
        committee: &Committee,
        recipient: u16,
        key: &HealthOfficeEncryptionKey,
    ) -> Result<Scalar, Option<[u8; SIGNED_SHARE_LEN]>> {
        let Some((_, enc, ct)) = self.shares.iter().find(|s| s.0 == recipient) else { return Err(None) };
        let session = committee.session_id();
        let aad = share_aad(&session, self.dealer, recipient);
        let Ok(pt) = crypto::hpke_open(&key.0, enc, labels::HPKE_DKG_SHARE, &aad, ct) else { return Err(None) };
        let Ok(signed): Result<[u8; SIGNED_SHARE_LEN], _> = pt.as_slice().try_into() else { return Err(None) };
        let signed = Zeroizing::new(signed);
        match check_signed_share(committee, self, recipient, &signed) {
            Ok(share) => Ok(share),
            Err(ShareFault::Unsigned) => Err(None),
            Err(ShareFault::Inconsistent) => Err(Some(*signed)),
        }
    }
}

/// What is wrong with a revealed signed share.
enum ShareFault {
    /// The signature is not the dealer's (or the share is not a scalar): proves nothing.
    Unsigned,
    /// Signed by the dealer, and not on the dealer's committed polynomial: the dealer cheated.
    Inconsistent,
}

fn check_signed_share(
    committee: &Committee,
    dealing: &DkgDealing,
    recipient: u16,
    signed: &[u8; SIGNED_SHARE_LEN],
) -> Result<Scalar, ShareFault> {
    let (share, sig) = signed.split_at(SCALAR_LEN);
    let share: [u8; SCALAR_LEN] = share.try_into().map_err(|_| ShareFault::Unsigned)?;
    let dealer = committee.member(dealing.dealer).map_err(|_| ShareFault::Unsigned)?;
    let msg = share_message(&committee.session_id(), dealing.dealer, recipient, &share);
    dealer.signing_key.0.verify(&msg, sig).map_err(|_| ShareFault::Unsigned)?;
    let Ok(value) = Scalar::from_bytes(&share) else { return Err(ShareFault::Inconsistent) };
    let commitments = dealing.commitment_points().map_err(|_| ShareFault::Inconsistent)?;
    if Point::mul_base(value) == evaluate_commitments(&commitments, recipient) {
        Ok(value)
    } else {
        Err(ShareFault::Inconsistent)
    }
}

/// A verified round-2 complaint of `complainant` against `dealer`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DkgComplaint {
    raw: Vec<u8>,
    complainant: u16,
    dealer: u16,
    evidence: Option<[u8; SIGNED_SHARE_LEN]>,
}

/// A complaint as received.
#[derive(Clone, Debug)]
pub struct DkgComplaintIn {
    signed: SignedObject,
    session: [u8; 32],
    inner: DkgComplaint,
}

impl DkgComplaintIn {
    /// Parses a complaint.
    ///
    /// # Errors
    /// The specific [`DecodeError`].
    pub fn from_slice(bytes: &[u8]) -> Result<Self, DecodeError> {
        let signed = SignedObject::parse(bytes, 1024, labels::COSE_DKG_COMPLAINT)?;
        let value = cbor::decode(signed.payload(), 1024, 1)?;
        let mut r = ArrayReader::open_message(value, "dkg_complaint", VERSION, 5)?;
        let session = r.fixed::<32>("session")?;
        let complainant = index(&mut r, "complainant")?;
        let dealer = index(&mut r, "dealer")?;
        let evidence = r.opt_fixed::<SIGNED_SHARE_LEN>("evidence")?;
        Ok(Self { signed, session, inner: DkgComplaint { raw: bytes.to_vec(), complainant, dealer, evidence } })
    }

    /// Checks session and the complainant's signature.
    ///
    /// # Errors
    /// [`ThresholdError::WrongSession`], [`ThresholdError::NotAMember`], [`ThresholdError::BadSignature`].
    pub fn verify(self, committee: &Committee) -> Result<DkgComplaint, ThresholdError> {
        if self.session != committee.session_id() {
            return Err(ThresholdError::WrongSession);
        }
        let member = committee.member(self.inner.complainant)?;
        committee.member(self.inner.dealer)?;
        self.signed.verify(&member.signing_key.0).map_err(|_| ThresholdError::BadSignature { member: member.index })?;
        Ok(self.inner)
    }
}

impl DkgComplaint {
    fn sign(
        committee: &Committee,
        complainant: u16,
        dealer: u16,
        evidence: Option<&[u8; SIGNED_SHARE_LEN]>,
        key: &HealthOfficeSigningKey,
    ) -> Self {
        let w = ArrayWriter::new(VERSION).bytes(&committee.session_id()).uint(complainant.into()).uint(dealer.into());
        let w = match evidence {
            Some(e) => w.bytes(e),
            None => w.null(),
        };
        let raw = cose::sign(labels::COSE_DKG_COMPLAINT, w.encode(), |m| key.sign(m));
        Self { raw, complainant, dealer, evidence: evidence.copied() }
    }

    /// The complainant.
    #[must_use]
    pub fn complainant(&self) -> u16 {
        self.complainant
    }

    /// The dealer complained about.
    #[must_use]
    pub fn dealer(&self) -> u16 {
        self.dealer
    }

    /// Whether the complaint carries the dealer-signed share as evidence.
    #[must_use]
    pub fn has_evidence(&self) -> bool {
        self.evidence.is_some()
    }

    /// The exact bytes.
    #[must_use]
    pub fn as_bytes(&self) -> &[u8] {
        &self.raw
    }
}

/// A verified justification: `dealer` reveals the signed share it dealt to `complainant`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DkgJustification {
    raw: Vec<u8>,
    dealer: u16,
    complainant: u16,
    signed_share: [u8; SIGNED_SHARE_LEN],
}

/// A justification as received.
#[derive(Clone, Debug)]
pub struct DkgJustificationIn {
    signed: SignedObject,
    session: [u8; 32],
    inner: DkgJustification,
}

impl DkgJustificationIn {
    /// Parses a justification.
    ///
    /// # Errors
    /// The specific [`DecodeError`].
    pub fn from_slice(bytes: &[u8]) -> Result<Self, DecodeError> {
        let signed = SignedObject::parse(bytes, 1024, labels::COSE_DKG_JUSTIFICATION)?;
        let value = cbor::decode(signed.payload(), 1024, 1)?;
        let mut r = ArrayReader::open_message(value, "dkg_justification", VERSION, 5)?;
        let session = r.fixed::<32>("session")?;
        let dealer = index(&mut r, "dealer")?;
        let complainant = index(&mut r, "complainant")?;
        let signed_share = r.fixed::<SIGNED_SHARE_LEN>("signed_share")?;
        Ok(Self { signed, session, inner: DkgJustification { raw: bytes.to_vec(), dealer, complainant, signed_share } })
    }

    /// Checks session and the dealer's signature.
    ///
    /// # Errors
    /// [`ThresholdError::WrongSession`], [`ThresholdError::NotAMember`], [`ThresholdError::BadSignature`].
    pub fn verify(self, committee: &Committee) -> Result<DkgJustification, ThresholdError> {
        if self.session != committee.session_id() {
            return Err(ThresholdError::WrongSession);
        }
        let member = committee.member(self.inner.dealer)?;
        committee.member(self.inner.complainant)?;
        self.signed.verify(&member.signing_key.0).map_err(|_| ThresholdError::BadSignature { member: member.index })?;
        Ok(self.inner)
    }
}

impl DkgJustification {
    /// The exact bytes.
    #[must_use]
    pub fn as_bytes(&self) -> &[u8] {
        &self.raw
    }

    /// The dealer.
    #[must_use]
    pub fn dealer(&self) -> u16 {
        self.dealer
    }
}

/// A member after round 1: it has published its dealing and waits for everybody's.
pub struct DkgRound1 {
    committee: Committee,
    me: u16,
    my_commitments: Vec<[u8; COMPRESSED_POINT_LEN]>,
    /// `f_me(me)`.
    own_share: Scalar,
    /// The signed shares it dealt, by recipient (kept for justifications).
    dealt: Vec<(u16, Zeroizing<[u8; SIGNED_SHARE_LEN]>)>,
}

impl core::fmt::Debug for DkgRound1 {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        write!(f, "DkgRound1 {{ me: {}, secrets: <redacted> }}", self.me)
    }
}

impl Drop for DkgRound1 {
    fn drop(&mut self) {
        self.own_share.zeroize();
    }
}

/// The result of [`DkgRound1::start`]: the state to keep and the dealing to publish.
#[derive(Debug)]
pub struct DkgStarted {
    /// The member's state for round 2.
    pub state: DkgRound1,
    /// The dealing to send to every member.
    pub dealing: DkgDealing,
}

impl DkgRound1 {
    /// Starts the DKG as member `me`: draws `f_me` of degree `t − 1`, commits to it and seals a
    /// signed share to every other member.
    ///
    /// # Errors
    /// [`ThresholdError::NotAMember`]; [`ThresholdError::Crypto`] only on an HPKE failure.
    pub fn start<R: CryptoRng>(
        rng: &mut R,
        committee: Committee,
        me: u16,
        signing_key: &HealthOfficeSigningKey,
    ) -> Result<DkgStarted, ThresholdError> {
        Self::deal(rng, committee, me, signing_key, &|_, share| share, &|_, _| {})
    }

    /// Round 1 with hooks a test uses to play a cheating dealer (`adjust` changes the share dealt
    /// to a recipient before it is signed, `corrupt` the sealed share); [`DkgRound1::start`] passes
    /// the identity.
    fn deal<R: CryptoRng>(
        rng: &mut R,
        committee: Committee,
        me: u16,
        signing_key: &HealthOfficeSigningKey,
        adjust: &dyn Fn(u16, Scalar) -> Scalar,
        corrupt: &dyn Fn(u16, &mut Vec<u8>),
    ) -> Result<DkgStarted, ThresholdError> {
        committee.member(me)?;
        let session = committee.session_id();
        let mut coeffs: Zeroizing<Vec<Scalar>> =
            Zeroizing::new((0..committee.threshold()).map(|_| Scalar::random(rng)).collect());
        let commitments = coeffs.iter().map(|a| Point::mul_base(*a).to_compressed()).collect::<Result<Vec<_>, _>>()?;
        let mut shares = Vec::with_capacity(committee.len().saturating_sub(1));
        let mut sealed_entries = Vec::with_capacity(committee.len().saturating_sub(1));
        let mut dealt = Vec::with_capacity(committee.len().saturating_sub(1));
        for member in committee.members().iter().filter(|m| m.index != me) {
            let share = adjust(member.index, evaluate(&coeffs, member.index)).to_bytes();
            let sig = signing_key.sign(&share_message(&session, me, member.index, &share));
            let mut signed = Zeroizing::new([0u8; SIGNED_SHARE_LEN]);
            let (s, g) = signed.split_at_mut(SCALAR_LEN);
            s.copy_from_slice(share.as_slice());
            g.copy_from_slice(&sig);
            let aad = share_aad(&session, me, member.index);
            let mut sealed =
                crypto::hpke_seal(rng, &member.encryption_key.0, labels::HPKE_DKG_SHARE, &aad, signed.as_slice())?;
            corrupt(member.index, &mut sealed.ct);
            sealed_entries.push(ciborium::Value::Array(vec![
                ciborium::Value::Integer(member.index.into()),
                ciborium::Value::Bytes(sealed.enc.to_vec()),
                ciborium::Value::Bytes(sealed.ct.clone()),
            ]));
            shares.push((member.index, sealed.enc, sealed.ct));
            dealt.push((member.index, signed));
        }
        let own_share = evaluate(&coeffs, me);
        coeffs.iter_mut().for_each(Zeroize::zeroize);
        let payload = ArrayWriter::new(VERSION)
            .bytes(&session)
            .uint(me.into())
            .value(ciborium::Value::Array(commitments.iter().map(|c| ciborium::Value::Bytes(c.to_vec())).collect()))
            .value(ciborium::Value::Array(sealed_entries))
            .encode();
        let raw = cose::sign(labels::COSE_DKG_DEALING, payload, |m| signing_key.sign(m));
        let dealing = DkgDealing { raw, dealer: me, commitments: commitments.clone(), shares };
        Ok(DkgStarted { state: Self { committee, me, my_commitments: commitments, own_share, dealt }, dealing })
    }

    /// Round 2: takes every dealing received (verified; this member's own included or not),
    /// opens and checks this member's shares, and returns the complaints to publish (empty when
    /// every dealer was honest).
    ///
    /// # Errors
    /// [`ThresholdError::Duplicate`] for two dealings of one dealer (equivocation is not resolved
    /// here: the operator server must not be able to show members different dealings, so a member
    /// refuses to go on).
    pub fn receive(
        self,
        dealings: &[DkgDealing],
        encryption_key: &HealthOfficeEncryptionKey,
        signing_key: &HealthOfficeSigningKey,
    ) -> Result<DkgRound2Started, ThresholdError> {
        let mut seen = Vec::new();
        let mut received = Vec::new();
        let mut complaints = Vec::new();
        for d in dealings.iter().filter(|d| d.dealer != self.me) {
            if seen.contains(&d.dealer) {
                return Err(ThresholdError::Duplicate { member: d.dealer });
            }
            seen.push(d.dealer);
            match d.open_share(&self.committee, self.me, encryption_key) {
                Ok(share) => received.push(Received { dealing: d.clone(), share: Some(share) }),
                Err(evidence) => {
                    complaints.push(DkgComplaint::sign(
                        &self.committee,
                        self.me,
                        d.dealer,
                        evidence.as_ref(),
                        signing_key,
                    ));
                    received.push(Received { dealing: d.clone(), share: None });
                }
            }
        }
        Ok(DkgRound2Started { complaints, state: DkgRound2 { round1: self, received } })
    }
}

struct Received {
    dealing: DkgDealing,
    share: Option<Scalar>,
}

impl Drop for Received {
    fn drop(&mut self) {
        if let Some(s) = self.share.as_mut() {
            s.zeroize();
        }
    }
}

/// The result of [`DkgRound1::receive`].
#[derive(Debug)]
pub struct DkgRound2Started {
    /// The member's state.
    pub state: DkgRound2,
    /// Its complaints, to send to every member.
    pub complaints: Vec<DkgComplaint>,
}

/// A member after round 2: it waits for the complaints and the justifications.
pub struct DkgRound2 {
    round1: DkgRound1,
    received: Vec<Received>,
}

impl core::fmt::Debug for DkgRound2 {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        write!(f, "DkgRound2 {{ me: {}, dealings: {}, secrets: <redacted> }}", self.round1.me, self.received.len())
    }
}

/// Why a dealer was disqualified.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Disqualification {
    /// No valid dealing from it.
    NoDealing,
    /// A complaint's evidence shows a share it signed that is not on its committed polynomial.
    InconsistentShare {
        /// Who complained.
        complainant: u16,
    },
    /// A complaint without evidence got no valid justification.
    Unjustified {
        /// Who complained.
        complainant: u16,
    },
}

/// The DKG's result for one member.
#[derive(Debug)]
pub struct DkgOutcome {
    /// This member's secret share `x_j`.
    pub share: SecretShare,
    /// The daily public key and every member's public share.
    pub public: PublicShares,
    /// The qualified dealers, in index order.
    pub qualified: Vec<u16>,
    /// The disqualified dealers and why.
    pub disqualified: Vec<(u16, Disqualification)>,
}

impl DkgRound2 {
    /// The justifications this member must publish as a dealer: for each complaint without
    /// evidence against it, the signed share it dealt to the complainant.
    #[must_use]
    pub fn justify(&self, complaints: &[DkgComplaint], signing_key: &HealthOfficeSigningKey) -> Vec<DkgJustification> {
        let r1 = &self.round1;
        complaints
            .iter()
            .filter(|c| c.dealer == r1.me && c.evidence.is_none())
            .filter_map(|c| {
                let (_, signed) = r1.dealt.iter().find(|(to, _)| *to == c.complainant)?;
                let payload = ArrayWriter::new(VERSION)
                    .bytes(&r1.committee.session_id())
                    .uint(r1.me.into())
                    .uint(c.complainant.into())
                    .bytes(signed.as_slice())
                    .encode();
                let raw = cose::sign(labels::COSE_DKG_JUSTIFICATION, payload, |m| signing_key.sign(m));
                Some(DkgJustification { raw, dealer: r1.me, complainant: c.complainant, signed_share: **signed })
            })
            .collect()
    }

    /// Done: applies every member's complaints and every dealer's justifications (all verified),
    /// decides `QUAL` and computes this member's share, the daily public key and the public shares.
    ///
    /// # Errors
    /// [`ThresholdError::TooFew`] when fewer than `t` dealers are qualified;
    /// [`ThresholdError::InconsistentShare`] when this member's share from a qualified dealer is
    /// still missing (cannot happen when the justifications were all delivered).
    pub fn finish(
        self,
        complaints: &[DkgComplaint],
        justifications: &[DkgJustification],
    ) -> Result<DkgOutcome, ThresholdError> {
        let committee = &self.round1.committee;
        let me = self.round1.me;
        let mut disqualified: Vec<(u16, Disqualification)> = Vec::new();
        let mut recovered: Vec<(u16, Scalar)> = Vec::new();
        for member in committee.members() {
            let dealer = member.index;
            if dealer == me {
                continue;
            }
            let Some(received) = self.received.iter().find(|r| r.dealing.dealer == dealer) else {
                disqualified.push((dealer, Disqualification::NoDealing));
                continue;
            };
            for c in complaints.iter().filter(|c| c.dealer == dealer) {
                let verdict = match &c.evidence {
                    Some(evidence) => match check_signed_share(committee, &received.dealing, c.complainant, evidence) {
                        Err(ShareFault::Inconsistent) => {
                            Some(Disqualification::InconsistentShare { complainant: c.complainant })
                        }
                        // Unsigned evidence proves nothing; a consistent share shows the complaint unfounded.
                        _ => None,
                    },
                    None => {
                        let answer = justifications
                            .iter()
                            .filter(|j| j.dealer == dealer && j.complainant == c.complainant)
                            .find_map(|j| {
                                check_signed_share(committee, &received.dealing, c.complainant, &j.signed_share).ok()
                            });
                        match answer {
                            Some(share) => {
                                if c.complainant == me {
                                    recovered.push((dealer, share));
                                }
                                None
                            }
                            None => Some(Disqualification::Unjustified { complainant: c.complainant }),
                        }
                    }
                };
                if let Some(reason) = verdict {
                    disqualified.push((dealer, reason));
                    break;
                }
            }
        }
        // This member's own dealing counts unless somebody showed it inconsistent or unjustified.
        for c in complaints.iter().filter(|c| c.dealer == me) {
            let own = DkgDealing {
                raw: Vec::new(),
                dealer: me,
                commitments: self.round1.my_commitments.clone(),
                shares: Vec::new(),
            };
            let verdict = match &c.evidence {
                Some(e) => {
                    matches!(check_signed_share(committee, &own, c.complainant, e), Err(ShareFault::Inconsistent))
                        .then_some(Disqualification::InconsistentShare { complainant: c.complainant })
                }
                None => (!justifications.iter().any(|j| {
                    j.dealer == me
                        && j.complainant == c.complainant
                        && check_signed_share(committee, &own, c.complainant, &j.signed_share).is_ok()
                }))
                .then_some(Disqualification::Unjustified { complainant: c.complainant }),
            };
            if let Some(reason) = verdict {
                disqualified.push((me, reason));
                break;
            }
        }
        disqualified.sort_by_key(|(d, _)| *d);
        let is_out = |i: u16| disqualified.iter().any(|(d, _)| *d == i);
        let qualified: Vec<u16> = committee.members().iter().map(|m| m.index).filter(|&i| !is_out(i)).collect();
        let t = usize::from(committee.threshold());
        if qualified.len() < t {
            return Err(ThresholdError::TooFew { needed: t, got: qualified.len() });
        }

        let mut share = Scalar::ZERO;
        let mut commitment_sets: Vec<Vec<Point>> = Vec::with_capacity(qualified.len());
        for &dealer in &qualified {
            if dealer == me {
                share = share.add(self.round1.own_share);
                commitment_sets.push(
                    self.round1.my_commitments.iter().map(Point::from_compressed).collect::<Result<Vec<_>, _>>()?,
                );
                continue;
            }
            let received = self
                .received
                .iter()
                .find(|r| r.dealing.dealer == dealer)
                .ok_or(ThresholdError::InconsistentShare { dealer })?;
            let value = received
                .share
                .or_else(|| recovered.iter().find(|(d, _)| *d == dealer).map(|(_, s)| *s))
                .ok_or(ThresholdError::InconsistentShare { dealer })?;
            share = share.add(value);
            commitment_sets.push(received.dealing.commitment_points()?);
        }
        let public = public_shares(committee, &commitment_sets)?;
        if share.is_zero() {
            return Err(ThresholdError::Crypto);
        }
        Ok(DkgOutcome { share: SecretShare { index: me, value: share }, public, qualified, disqualified })
    }
}

/// `X = Σ C_i0` and `X_m = Σ_i Σ_k C_ik · m^k` over the commitment sets of the qualified dealers.
///
/// By linearity the commitments are summed coefficient by coefficient first (`C_k = Σ_i C_ik`), so the
/// public shares cost `n · t` multiplications instead of `n · |QUAL| · t`.
fn public_shares(committee: &Committee, commitment_sets: &[Vec<Point>]) -> Result<PublicShares, ThresholdError> {
    let t = usize::from(committee.threshold());
    let mut summed = vec![Point::IDENTITY; t];
    for set in commitment_sets {
        if set.len() != t {
            return Err(ThresholdError::Crypto);
        }
        for (acc, c) in summed.iter_mut().zip(set) {
            *acc = acc.add(*c);
        }
    }
    let daily = summed.first().copied().ok_or(ThresholdError::Crypto)?;
    let daily_public_key = EncryptionPublicKey::from_slice(&daily.to_uncompressed()?)?;
    let shares = committee
        .members()
        .iter()
        .map(|m| Ok((m.index, evaluate_commitments(&summed, m.index).to_compressed()?)))
        .collect::<Result<Vec<_>, ThresholdError>>()?;
    Ok(PublicShares::from_parts(daily_public_key, committee.threshold(), shares))
}

impl PublicShares {
    /// The daily public key and every member's public share from the public transcript: the verified
    /// dealings of the `qualified` dealers (as every member's [`DkgOutcome::qualified`] says). Anyone
    /// holding the transcript (an auditor, the vectors' runner) can recompute what the announcement
    /// must carry.
    ///
    /// # Errors
    /// [`ThresholdError::TooFew`] for fewer than `t` qualified dealers, [`ThresholdError::NotAMember`]
    /// for a qualified dealer without a dealing.
    pub fn from_dealings(
        committee: &Committee,
        dealings: &[DkgDealing],
        qualified: &[u16],
    ) -> Result<Self, ThresholdError> {
        let t = usize::from(committee.threshold());
        if qualified.len() < t {
            return Err(ThresholdError::TooFew { needed: t, got: qualified.len() });
        }
        let sets = qualified
            .iter()
            .map(|&q| {
                let d = dealings.iter().find(|d| d.dealer == q).ok_or(ThresholdError::NotAMember { member: q })?;
                d.commitment_points()
            })
            .collect::<Result<Vec<_>, _>>()?;
        public_shares(committee, &sets)
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::indexing_slicing, clippy::arithmetic_side_effects)]
mod tests {
    use rand_chacha::ChaCha20Rng;
    use rand_core::SeedableRng as _;

    use super::*;
    use crate::ids::{DailyKeyId, HealthOfficeId};
    use crate::keys::{HealthOfficeMasterKeys, TrustAnchorKey};
    use crate::signed::health_office_certificate::HealthOfficeCertificate;
    use crate::time::{UnixTime, Validity};

    struct World {
        rng: ChaCha20Rng,
        keys: Vec<HealthOfficeMasterKeys>,
        committee: Committee,
    }

    fn world(n: usize, t: u16) -> World {
        let mut rng = ChaCha20Rng::seed_from_u64(77);
        let anchor = TrustAnchorKey::generate(&mut rng);
        let validity = Validity { not_before: UnixTime(0), not_after: UnixTime(u64::from(u32::MAX)) };
        let keys: Vec<_> = (0..n).map(|_| HealthOfficeMasterKeys::generate(&mut rng)).collect();
        let certs: Vec<_> = keys
            .iter()
            .enumerate()
            .map(|(i, k)| {
                HealthOfficeCertificate::issue(
                    &anchor,
                    HealthOfficeId::random(&mut rng),
                    &format!("Amt {i}"),
                    &k.signing.public_key(),
                    &k.encryption.public_key(),
                    validity,
                )
                .unwrap()
            })
            .collect();
        let committee = Committee::new(DailyKeyId(3), t, &certs).unwrap();
        World { rng, keys, committee }
    }

    /// Runs the DKG with dealer `cheat` dealing through `adjust`/`corrupt`, and the dealers in
    /// `silent` never justifying. Every message goes through its bytes and decoder.
    fn run(
        w: &mut World,
        cheat: u16,
        adjust: &dyn Fn(u16, Scalar) -> Scalar,
        corrupt: &dyn Fn(u16, &mut Vec<u8>),
        silent: &[u16],
    ) -> (Vec<Result<DkgOutcome, ThresholdError>>, Vec<DkgComplaint>) {
        let n = u16::try_from(w.committee.len()).unwrap();
        let started: Vec<DkgStarted> = (1..=n)
            .map(|i| {
                let key = &w.keys[usize::from(i - 1)].signing;
                if i == cheat {
                    DkgRound1::deal(&mut w.rng, w.committee.clone(), i, key, adjust, corrupt).unwrap()
                } else {
                    DkgRound1::start(&mut w.rng, w.committee.clone(), i, key).unwrap()
                }
            })
            .collect();
        let dealings: Vec<DkgDealing> = started
            .iter()
            .map(|s| DkgDealingIn::from_slice(s.dealing.as_bytes()).unwrap().verify(&w.committee).unwrap())
            .collect();
        let round2: Vec<DkgRound2Started> = started
            .into_iter()
            .zip(&w.keys)
            .map(|(s, k)| s.state.receive(&dealings, &k.encryption, &k.signing).unwrap())
            .collect();
        let complaints: Vec<DkgComplaint> = round2
            .iter()
            .flat_map(|r| r.complaints.iter())
            .map(|c| DkgComplaintIn::from_slice(c.as_bytes()).unwrap().verify(&w.committee).unwrap())
            .collect();
        let justifications: Vec<DkgJustification> = round2
            .iter()
            .zip(&w.keys)
            .zip(1u16..)
            .filter(|(_, i)| !silent.contains(i))
            .flat_map(|((r, k), _)| r.state.justify(&complaints, &k.signing))
            .map(|j| DkgJustificationIn::from_slice(j.as_bytes()).unwrap().verify(&w.committee).unwrap())
            .collect();
        let outcomes = round2.into_iter().map(|r| r.state.finish(&complaints, &justifications)).collect();
        (outcomes, complaints)
    }

    fn consistent(o: &DkgOutcome) -> bool {
        Point::mul_base(o.share.value) == o.public.share_point(o.share.index()).unwrap()
    }

    #[test]
    fn attack_dealer_signs_an_inconsistent_share_complaint_disqualifies_it_others_finish() {
        let mut w = world(5, 3);
        let (outcomes, complaints) =
            run(&mut w, 2, &|to, s| if to == 4 { s.add(Scalar::ONE) } else { s }, &|_, _| {}, &[]);
        assert_eq!(complaints.len(), 1);
        assert_eq!((complaints[0].complainant(), complaints[0].dealer(), complaints[0].has_evidence()), (4, 2, true));
        let outcomes: Vec<DkgOutcome> = outcomes.into_iter().map(Result::unwrap).collect();
        for o in &outcomes {
            assert_eq!(o.qualified, vec![1, 3, 4, 5]);
            assert_eq!(o.disqualified, vec![(2, Disqualification::InconsistentShare { complainant: 4 })]);
            assert_eq!(o.public, outcomes[0].public);
            assert!(consistent(o), "member {}'s share matches its public share", o.share.index());
        }
    }

    #[test]
    fn attack_dealer_seals_garbage_then_justifies_and_stays_qualified() {
        let mut w = world(4, 2);
        let (outcomes, complaints) = run(
            &mut w,
            1,
            &|_, s| s,
            &|to, ct| {
                if to == 3 {
                    ct[0] ^= 1
                }
            },
            &[],
        );
        assert_eq!(complaints.len(), 1);
        assert!(!complaints[0].has_evidence());
        let outcomes: Vec<DkgOutcome> = outcomes.into_iter().map(Result::unwrap).collect();
        for o in &outcomes {
            assert_eq!(o.qualified, vec![1, 2, 3, 4]);
            assert!(consistent(o));
            assert_eq!(o.public, outcomes[0].public);
        }
    }

    #[test]
    fn attack_dealer_seals_garbage_and_does_not_justify_is_disqualified() {
        let mut w = world(4, 2);
        let (outcomes, _) = run(
            &mut w,
            1,
            &|_, s| s,
            &|to, ct| {
                if to == 3 {
                    ct[5] ^= 1
                }
            },
            &[1],
        );
        let others: Vec<DkgOutcome> = outcomes.into_iter().skip(1).map(Result::unwrap).collect();
        for o in &others {
            assert_eq!(o.qualified, vec![2, 3, 4]);
            assert_eq!(o.disqualified, vec![(1, Disqualification::Unjustified { complainant: 3 })]);
            assert!(consistent(o));
            assert_eq!(o.public, others[0].public);
        }
    }

    #[test]
    fn attack_false_complaint_with_forged_evidence_disqualifies_nobody() {
        let mut w = world(3, 2);
        let started: Vec<DkgStarted> = (1..=3u16)
            .map(|i| DkgRound1::start(&mut w.rng, w.committee.clone(), i, &w.keys[usize::from(i - 1)].signing).unwrap())
            .collect();
        let dealings: Vec<DkgDealing> = started.iter().map(|s| s.dealing.clone()).collect();
        let round2: Vec<DkgRound2Started> = started
            .into_iter()
            .zip(&w.keys)
            .map(|(s, k)| s.state.receive(&dealings, &k.encryption, &k.signing).unwrap())
            .collect();
        // Member 3 accuses dealer 1 with made-up evidence: it cannot forge dealer 1's signature.
        let fake = DkgComplaint::sign(&w.committee, 3, 1, Some(&[5u8; SIGNED_SHARE_LEN]), &w.keys[2].signing);
        let fake = DkgComplaintIn::from_slice(fake.as_bytes()).unwrap().verify(&w.committee).unwrap();
        for r in round2 {
            let o = r.state.finish(std::slice::from_ref(&fake), &[]).unwrap();
            assert_eq!(o.qualified, vec![1, 2, 3]);
            assert!(o.disqualified.is_empty());
        }
    }

    #[test]
    fn too_many_disqualified_dealers_end_the_run() {
        let mut w = world(2, 2);
        let (outcomes, _) = run(&mut w, 1, &|_, s| s.add(Scalar::ONE), &|_, _| {}, &[]);
        assert_eq!(outcomes[1].as_ref().unwrap_err(), &ThresholdError::TooFew { needed: 2, got: 1 });
    }

    #[test]
    fn dealings_decode_strictly_and_verify_their_dealer() {
        let mut w = world(3, 2);
        let s = DkgRound1::start(&mut w.rng, w.committee.clone(), 1, &w.keys[0].signing).unwrap();
        let bytes = s.dealing.as_bytes();
        assert!(DkgDealingIn::from_slice(bytes).is_ok());
        assert!(DkgDealingIn::from_slice(&bytes[..bytes.len() - 1]).is_err());
        let mut long = bytes.to_vec();
        long.push(0);
        assert!(DkgDealingIn::from_slice(&long).is_err());
        assert!(matches!(DkgDealingIn::from_slice(&vec![0u8; MAX_LEN + 1]), Err(DecodeError::TooLong { .. })));
        // Signed with member 2's key but claiming dealer 1.
        let forged = DkgRound1::start(&mut w.rng, w.committee.clone(), 1, &w.keys[1].signing).unwrap();
        assert_eq!(
            DkgDealingIn::from_slice(forged.dealing.as_bytes()).unwrap().verify(&w.committee).unwrap_err(),
            ThresholdError::BadSignature { member: 1 }
        );
        assert_eq!(format!("{:?}", s.state), "DkgRound1 { me: 1, secrets: <redacted> }");
    }
}
