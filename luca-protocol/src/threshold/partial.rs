//! Threshold opening: the partial-decryption request a tracing office sends to co-offices of the
//! committee, their responses `D_j = λ_j·x_j · enc` with one batched DLEQ proof each, and their
//! sum, the Diffie–Hellman values that complete HPKE (`kem_context = enc ‖ pkR`).
//!
//! ```cddl
//! partial-decryption-request = [ 1, daily_key_id: uint, requester: bstr .size 16,
//!                                issued_at: uint, expires_at: uint,
//!                                authorization: bstr,                ; the signed tracing request (COSE bytes)
//!                                responders: [+ uint],               ; the t member indices asked, ascending
//!                                encs: [+ bstr .size 65] ]           ; at most 65,535
//! partial-decryption-response = [ 1, request_hash: bstr .size 32, member: uint,
//!                                 partials: [+ bstr .size 33],       ; λ_j·x_j·enc for each enc, in order
//!                                 proof: bstr .size 64 ]             ; DLEQ (c ‖ s) over the batch
//! ```
//! The request names the `t` members it asks (`responders`, the set `S`), so each of them applies its
//! own Lagrange coefficient `λ_j` over `S` (as FROST's signers do, RFC 9591 §5.2): its partials are
//! `D_ij = λ_j·x_j·enc_i`, proven against `λ_j·X_j`, and the tracing office only adds them,
//! `x·enc_i = Σ_{j∈S} D_ij`. A responder that fails is replaced by a new request naming another.
//! each the payload of a COSE_Sign1 (ES256) by the sender's certified signing key
//! (`application/luca.v1.partial-decryption-request` / `…-response`). `request_hash =
//! SHA-256(PARTIAL_DECRYPTION_REQUEST_HASH ‖ request bytes)`: a response answers one request only,
//! so a partial replayed into another request fails, and a co-office refuses a request that has
//! expired.

use rand_core::CryptoRng;

use super::dleq::{self, DleqProof, PROOF_LEN};
use super::{Committee, PublicShares, SecretShare, ThresholdError, lagrange_at_zero};
use crate::cbor::{self, ArrayReader, ArrayWriter};
use crate::cose::{self, SignedObject};
use crate::crypto::group::Point;
use crate::crypto::{self, COMPRESSED_POINT_LEN, POINT_LEN};
use crate::error::DecodeError;
use crate::ids::{DailyKeyId, HealthOfficeId};
use crate::keys::{EncryptionPublicKey, HealthOfficeSigningKey};
use crate::labels;
use crate::signed::health_office_certificate::HealthOfficeCertificate;
use crate::time::UnixTime;

/// Protocol version of the partial-decryption messages.
const VERSION: u64 = 1;
/// Size cap of a request (65,535 encs and a tracing request).
pub const MAX_REQUEST_LEN: usize = 4 * 1024 * 1024 + 8 * 1024;
/// Size cap of a response.
pub const MAX_RESPONSE_LEN: usize = 3 * 1024 * 1024;
/// Longest validity of a request, in seconds (one hour).
pub const MAX_REQUEST_VALIDITY_SECS: u64 = 3600;

/// A verified partial-decryption request.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PartialDecryptionRequest {
    raw: Vec<u8>,
    daily_key_id: DailyKeyId,
    requester: HealthOfficeId,
    issued_at: UnixTime,
    expires_at: UnixTime,
    authorization: Vec<u8>,
    responders: Vec<u16>,
    encs: Vec<[u8; POINT_LEN]>,
}

/// A partial-decryption request as received.
#[derive(Clone, Debug)]
pub struct PartialDecryptionRequestIn {
    signed: SignedObject,
    inner: PartialDecryptionRequest,
}

impl PartialDecryptionRequest {
    /// Signs a request to the committee members `responders` (their indices, strictly ascending:
    /// exactly `t` of them, which each co-office checks) for the partials of `encs` under
    /// `daily_key_id`, valid from `now` for `validity_secs` (at most [`MAX_REQUEST_VALIDITY_SECS`]),
    /// authorised by `authorization` (the signed tracing request, or the history-share fetch, that
    /// the encs come from).
    ///
    /// # Errors
    /// [`ThresholdError::Decode`] for no encs, more than 65,535, an `enc` that is not a point,
    /// no responders, more than 256, an index 0 or indices not strictly ascending, or a validity
    /// of 0 or above the maximum.
    #[allow(clippy::too_many_arguments)]
    pub fn sign(
        signing_key: &HealthOfficeSigningKey,
        requester: HealthOfficeId,
        daily_key_id: DailyKeyId,
        now: UnixTime,
        validity_secs: u64,
        authorization: &[u8],
        responders: &[u16],
        encs: &[[u8; POINT_LEN]],
    ) -> Result<Self, ThresholdError> {
        check_responders(responders)?;
        if encs.is_empty() || encs.len() > dleq::MAX_BATCH {
            return Err(DecodeError::InvalidField { field: "encs" }.into());
        }
        if validity_secs == 0 || validity_secs > MAX_REQUEST_VALIDITY_SECS {
            return Err(DecodeError::InvalidField { field: "expires_at" }.into());
        }
        for enc in encs {
            EncryptionPublicKey::from_slice_field(enc, "encs")?;
        }
        let expires_at = now.plus_secs(validity_secs);
        let payload = ArrayWriter::new(VERSION)
            .uint(daily_key_id.0.into())
            .bytes(requester.as_bytes())
            .uint(now.0)
            .uint(expires_at.0)
            .bytes(authorization)
            .value(ciborium::Value::Array(responders.iter().map(|&i| ciborium::Value::Integer(i.into())).collect()))
            .value(ciborium::Value::Array(encs.iter().map(|e| ciborium::Value::Bytes(e.to_vec())).collect()))
            .encode();
        let raw = cose::sign(labels::COSE_PARTIAL_DECRYPTION_REQUEST, payload, |m| signing_key.sign(m));
        Ok(Self {
            raw,
            daily_key_id,
            requester,
            issued_at: now,
            expires_at,
            authorization: authorization.to_vec(),
            responders: responders.to_vec(),
            encs: encs.to_vec(),
        })
    }

    /// The exact bytes, as signed.
    #[must_use]
    pub fn as_bytes(&self) -> &[u8] {
        &self.raw
    }

    /// `SHA-256(PARTIAL_DECRYPTION_REQUEST_HASH ‖ bytes)`, which every response names.
    #[must_use]
    pub fn request_hash(&self) -> [u8; 32] {
        crypto::sha256(&[labels::PARTIAL_DECRYPTION_REQUEST_HASH, &self.raw])
    }

    /// The daily key.
    #[must_use]
    pub fn daily_key_id(&self) -> DailyKeyId {
        self.daily_key_id
    }

    /// The tracing office.
    #[must_use]
    pub fn requester(&self) -> HealthOfficeId {
        self.requester
    }

    /// The authorization (signed tracing request or history-share fetch), exact bytes.
    #[must_use]
    pub fn authorization(&self) -> &[u8] {
        &self.authorization
    }

    /// The member indices asked (the set `S` of the Lagrange coefficients), ascending.
    #[must_use]
    pub fn responders(&self) -> &[u16] {
        &self.responders
    }

    /// The encs to open, in order.
    #[must_use]
    pub fn encs(&self) -> &[[u8; POINT_LEN]] {
        &self.encs
    }

    /// When the request stops being answered.
    #[must_use]
    pub fn expires_at(&self) -> UnixTime {
        self.expires_at
    }
}

impl PartialDecryptionRequestIn {
    /// Parses a request.
    ///
    /// # Errors
    /// The specific [`DecodeError`].
    pub fn from_slice(bytes: &[u8]) -> Result<Self, DecodeError> {
        let signed = SignedObject::parse(bytes, MAX_REQUEST_LEN, labels::COSE_PARTIAL_DECRYPTION_REQUEST)?;
        let value = cbor::decode(signed.payload(), MAX_REQUEST_LEN, 2)?;
        let mut r = ArrayReader::open_message(value, "partial_decryption_request", VERSION, 8)?;
        let daily_key_id = DailyKeyId(r.u16("daily_key_id")?);
        let requester = HealthOfficeId::from_array(r.fixed::<16>("requester")?);
        let issued_at = UnixTime(r.uint("issued_at")?);
        let expires_at = UnixTime(r.uint("expires_at")?);
        if expires_at <= issued_at || expires_at.0.saturating_sub(issued_at.0) > MAX_REQUEST_VALIDITY_SECS {
            return Err(DecodeError::InvalidField { field: "expires_at" });
        }
        let authorization = r.bytes("authorization", 64 * 1024)?;
        let responders = r
            .array("responders", super::MAX_COMMITTEE)?
            .into_iter()
            .map(|v| ArrayReader::u16_value(v, "responders"))
            .collect::<Result<Vec<u16>, DecodeError>>()?;
        check_responders(&responders)?;
        let encs = r
            .array("encs", dleq::MAX_BATCH)?
            .into_iter()
            .map(|v| {
                let enc = ArrayReader::fixed_value::<POINT_LEN>(v, "encs")?;
                EncryptionPublicKey::from_slice_field(&enc, "encs")?;
                Ok(enc)
            })
            .collect::<Result<Vec<_>, DecodeError>>()?;
        if encs.is_empty() {
            return Err(DecodeError::InvalidField { field: "encs" });
        }
        let inner = PartialDecryptionRequest {
            raw: bytes.to_vec(),
            daily_key_id,
            requester,
            issued_at,
            expires_at,
            authorization,
            responders,
            encs,
        };
        Ok(Self { signed, inner })
    }

    /// The tracing office that claims to have sent it (unverified).
    #[must_use]
    pub fn requester(&self) -> HealthOfficeId {
        self.inner.requester
    }

    /// The daily key it claims to be for (unverified): which committee to verify it against.
    #[must_use]
    pub fn daily_key_id(&self) -> DailyKeyId {
        self.inner.daily_key_id
    }

    /// Checks the request as a co-office must before answering: the requester's certificate is
    /// `requester` (verified by the caller against the trust anchor) and current, the requester is
    /// on `committee` for this daily key, the signature is its, and the request is current
    /// (`issued_at ≤ now < expires_at`).
    ///
    /// What the encs are is then for the co-office's policy to check against
    /// [`PartialDecryptionRequest::authorization`] (the role crate checks that every `enc`
    /// belongs to a record or history share the signed tracing request covers).
    ///
    /// # Errors
    /// [`ThresholdError::Refused`] with the reason, or [`ThresholdError::BadSignature`].
    pub fn verify(
        self,
        requester: &HealthOfficeCertificate,
        committee: &Committee,
        now: UnixTime,
    ) -> Result<PartialDecryptionRequest, ThresholdError> {
        if requester.id() != self.inner.requester {
            return Err(ThresholdError::Refused("certificate of another office"));
        }
        if requester.check_validity(now).is_err() {
            return Err(ThresholdError::Refused("requester certificate not valid now"));
        }
        if self.inner.daily_key_id != committee.daily_key_id() {
            return Err(ThresholdError::Refused("another daily key"));
        }
        if self.inner.responders.len() != usize::from(committee.threshold())
            || self.inner.responders.iter().any(|&i| committee.member(i).is_err())
        {
            return Err(ThresholdError::Refused("responders are not t members of the committee"));
        }
        let member = committee
            .member_of(self.inner.requester)
            .ok_or(ThresholdError::Refused("requester is not a committee member"))?;
        if member.signing_key != requester.signing_key() {
            return Err(ThresholdError::Refused("requester certificate is not the committee's"));
        }
        self.signed.verify(&member.signing_key.0).map_err(|_| ThresholdError::BadSignature { member: member.index })?;
        if now < self.inner.issued_at || now >= self.inner.expires_at {
            return Err(ThresholdError::Refused("request not current"));
        }
        Ok(self.inner)
    }
}

/// A verified partial-decryption response of one committee member.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PartialDecryptionResponse {
    raw: Vec<u8>,
    request_hash: [u8; 32],
    member: u16,
    partials: Vec<[u8; COMPRESSED_POINT_LEN]>,
    proof: [u8; PROOF_LEN],
    /// The partials as points (kept by verification, so the combination decodes nothing again).
    points: Vec<Point>,
}

/// A response as received.
#[derive(Clone, Debug)]
pub struct PartialDecryptionResponseIn {
    signed: SignedObject,
    inner: PartialDecryptionResponse,
}

impl PartialDecryptionResponse {
    /// Answers `request` as the member holding `share`: with `λ_j` its Lagrange coefficient at 0
    /// over the request's responders, `D = λ_j·x_j · enc` for every enc and one DLEQ proof for the
    /// batch against `λ_j·X_j`, signed. The request must have been verified
    /// ([`PartialDecryptionRequestIn::verify`]) and accepted by the member's policy.
    ///
    /// # Errors
    /// [`ThresholdError::Refused`] if the member is not among the request's responders;
    /// [`ThresholdError::Crypto`] only for an `enc` that is not a point (the decoder rejects those).
    pub fn answer<R: CryptoRng>(
        rng: &mut R,
        request: &PartialDecryptionRequest,
        share: &SecretShare,
        signing_key: &HealthOfficeSigningKey,
    ) -> Result<Self, ThresholdError> {
        if !request.responders.contains(&share.index) {
            return Err(ThresholdError::Refused("this member is not among the responders"));
        }
        let mut k = lagrange_at_zero(share.index, &request.responders)?.mul(share.value);
        let cs = request.encs.iter().map(Point::from_uncompressed).collect::<Result<Vec<_>, _>>()?;
        let ds: Vec<Point> = cs.iter().map(|c| c.mul(k)).collect();
        let proved = dleq::prove(rng, k, Point::mul_base(k), &cs, &ds);
        zeroize::Zeroize::zeroize(&mut k);
        let (proof, partials) = proved?;
        let proof = proof.to_bytes();
        let request_hash = request.request_hash();
        let payload = ArrayWriter::new(VERSION)
            .bytes(&request_hash)
            .uint(share.index.into())
            .value(ciborium::Value::Array(partials.iter().map(|d| ciborium::Value::Bytes(d.to_vec())).collect()))
            .bytes(&proof)
            .encode();
        let raw = cose::sign(labels::COSE_PARTIAL_DECRYPTION_RESPONSE, payload, |m| signing_key.sign(m));
        Ok(Self { raw, request_hash, member: share.index, partials, proof, points: ds })
    }

    /// The exact bytes.
    #[must_use]
    pub fn as_bytes(&self) -> &[u8] {
        &self.raw
    }

    /// The member that answered.
    #[must_use]
    pub fn member(&self) -> u16 {
        self.member
    }
}

impl PartialDecryptionResponseIn {
    /// Parses a response.
    ///
    /// # Errors
    /// The specific [`DecodeError`].
    pub fn from_slice(bytes: &[u8]) -> Result<Self, DecodeError> {
        let signed = SignedObject::parse(bytes, MAX_RESPONSE_LEN, labels::COSE_PARTIAL_DECRYPTION_RESPONSE)?;
        let value = cbor::decode(signed.payload(), MAX_RESPONSE_LEN, 2)?;
        let mut r = ArrayReader::open_message(value, "partial_decryption_response", VERSION, 5)?;
        let request_hash = r.fixed::<32>("request_hash")?;
        let member = r.u16("member")?;
        let partials = r
            .array("partials", dleq::MAX_BATCH)?
            .into_iter()
            .map(|v| {
                let d = ArrayReader::fixed_value::<COMPRESSED_POINT_LEN>(v, "partials")?;
                Point::from_compressed(&d).map_err(|_| DecodeError::InvalidPoint { field: "partials" })?;
                Ok(d)
            })
            .collect::<Result<Vec<_>, DecodeError>>()?;
        let proof = r.fixed::<PROOF_LEN>("proof")?;
        Ok(Self {
            signed,
            inner: PartialDecryptionResponse {
                raw: bytes.to_vec(),
                request_hash,
                member,
                partials,
                proof,
                points: Vec::new(),
            },
        })
    }

    /// The member that claims to have answered (unverified).
    #[must_use]
    pub fn member(&self) -> u16 {
        self.inner.member
    }

    /// Checks the response as the tracing office must before using it: it answers `request`,
    /// comes from a committee member (signature) among the request's responders, has one partial
    /// per enc, and the DLEQ proof shows every partial is `λ_j·x_j · enc` for the member's public
    /// share `X_j` (against `λ_j·X_j`).
    ///
    /// # Errors
    /// [`ThresholdError::WrongPartial`] naming the member for a partial that is wrong, for another
    /// enc, replayed from another request, or missing; [`ThresholdError::BadSignature`];
    /// [`ThresholdError::NotAMember`].
    pub fn verify(
        self,
        request: &PartialDecryptionRequest,
        committee: &Committee,
        public: &PublicShares,
    ) -> Result<PartialDecryptionResponse, ThresholdError> {
        let member = committee.member(self.inner.member)?;
        self.signed.verify(&member.signing_key.0).map_err(|_| ThresholdError::BadSignature { member: member.index })?;
        let wrong = ThresholdError::WrongPartial { member: member.index };
        if self.inner.request_hash != request.request_hash()
            || self.inner.partials.len() != request.encs.len()
            || !request.responders.contains(&member.index)
        {
            return Err(wrong);
        }
        let cs = request.encs.iter().map(Point::from_uncompressed).collect::<Result<Vec<_>, _>>()?;
        let ds = self.inner.partials.iter().map(Point::from_compressed).collect::<Result<Vec<_>, _>>()?;
        let proof = DleqProof::from_bytes(&self.inner.proof).map_err(|_| wrong.clone())?;
        let lambda = lagrange_at_zero(member.index, &request.responders)?;
        let b = Point::lincomb_vartime(&[(public.share_point(member.index)?, lambda)]);
        dleq::verify(b, &cs, &ds, &self.inner.partials, &proof).map_err(|_| wrong)?;
        let mut verified = self.inner;
        verified.points = ds;
        Ok(verified)
    }
}

/// The combined Diffie–Hellman values of a request: `x · enc` for every enc, ready for HPKE.
#[derive(Clone)]
pub struct CombinedPartials {
    daily_public_key: [u8; POINT_LEN],
    encs: Vec<[u8; POINT_LEN]>,
    dh: Vec<zeroize::Zeroizing<[u8; 32]>>,
}

impl core::fmt::Debug for CombinedPartials {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        write!(f, "CombinedPartials {{ encs: {}, dh: <redacted> }}", self.encs.len())
    }
}

/// Combines the verified responses of the request's responders: `x · enc = Σ_{j∈S} D_j` (each
/// responder applied its own Lagrange coefficient), with one field inversion for all the encs.
///
/// # Errors
/// [`ThresholdError::InvalidCommittee`] if the request does not name exactly `t` responders;
/// [`ThresholdError::TooFew`] if not every responder has answered; [`ThresholdError::WrongPartial`]
/// for a response to another request or from a member the request did not ask.
pub fn combine(
    request: &PartialDecryptionRequest,
    public: &PublicShares,
    responses: &[PartialDecryptionResponse],
) -> Result<CombinedPartials, ThresholdError> {
    if request.responders.len() != usize::from(public.threshold()) {
        return Err(ThresholdError::InvalidCommittee("the request must name exactly t responders"));
    }
    let mut chosen: Vec<&PartialDecryptionResponse> = Vec::with_capacity(request.responders.len());
    for r in responses {
        if r.request_hash != request.request_hash()
            || r.partials.len() != request.encs.len()
            || r.points.len() != request.encs.len()
            || !request.responders.contains(&r.member)
        {
            return Err(ThresholdError::WrongPartial { member: r.member });
        }
        if !chosen.iter().any(|c| c.member == r.member) {
            chosen.push(r);
        }
    }
    if chosen.len() < request.responders.len() {
        return Err(ThresholdError::TooFew { needed: request.responders.len(), got: chosen.len() });
    }
    let sums: Vec<Point> = (0..request.encs.len())
        .map(|k| chosen.iter().try_fold(Point::IDENTITY, |acc, r| r.points.get(k).map(|d| acc.add(*d))))
        .collect::<Option<_>>()
        .ok_or(ThresholdError::Crypto)?;
    let dh = Point::batch_x_coordinates(&sums)?;
    Ok(CombinedPartials { daily_public_key: public.daily_public_key().to_bytes(), encs: request.encs.clone(), dh })
}

/// `responders` as a request carries them: 1 to 256 member indices, none 0, strictly ascending.
fn check_responders(responders: &[u16]) -> Result<(), DecodeError> {
    let ascending = responders.windows(2).all(|w| matches!(w, [a, b] if a < b));
    if responders.is_empty() || responders.len() > super::MAX_COMMITTEE || responders.contains(&0) || !ascending {
        return Err(DecodeError::InvalidField { field: "responders" });
    }
    Ok(())
}

impl CombinedPartials {
    /// The encs, in the request's order.
    #[must_use]
    pub fn encs(&self) -> &[[u8; POINT_LEN]] {
        &self.encs
    }

    /// HPKE-opens a ciphertext sealed to the daily key with `enc` (one of the request's): RFC 9180
    /// base mode with the combined DH value, `info` and `aad` as the message type specifies.
    ///
    /// # Errors
    /// [`ThresholdError::Crypto`] for an `enc` not in the request or a failed open (opaque).
    pub fn open(
        &self,
        enc: &[u8; POINT_LEN],
        info: &[u8],
        aad: &[u8],
        ct: &[u8],
    ) -> Result<zeroize::Zeroizing<Vec<u8>>, ThresholdError> {
        let i = self.encs.iter().position(|e| e == enc).ok_or(ThresholdError::Crypto)?;
        let dh = self.dh.get(i).ok_or(ThresholdError::Crypto)?;
        Ok(crypto::hpke_dh::hpke_open_with_dh(dh, enc, &self.daily_public_key, info, aad, ct)?)
    }
}
