//! The committee key announcement: a threshold daily key, its committee, `t` and the public shares,
//! signed by at least `t` committee members (PROTOCOL.md §13.4).
//!
//! ```cddl
//! committee-key-announcement = [
//!   version: 1,
//!   payload: bstr .cbor committee-key,
//!   signatures: [+ [member: uint, signature: bstr .size 64]],   ; distinct members, ascending
//! ]
//! committee-key = [
//!   version: 1,
//!   key_id: uint .size 2,            ; UTC day number of not_before, mod 2^16
//!   public_key: bstr .size 65,       ; the daily public key X (uncompressed SEC1)
//!   not_before: uint, not_after: uint, retain_until: uint,
//!   threshold: uint,                 ; t, 1..=n
//!   committee: [+ bstr .size 16],    ; the members' health_office_ids, member i at position i
//!   public_shares: [+ bstr .size 33] ; X_i, compressed, one per member
//! ]
//! ```
//!
//! `signature` is member `i`'s ES256 signature (`r‖s`) over the COSE `Sig_structure` of a COSE_Sign1
//! with content type `application/luca.v1.committee-key-announcement` and this `payload`: the signature
//! such a COSE_Sign1 would carry, so every signer signs exactly the payload bytes received.
//!
//! Verification ([`CommitteeKeyAnnouncementIn::verify`]) against the verifier's current health-office
//! certificates: the payload's rules (the period rules of a daily key, distinct offices, `1 ≤ t ≤ n`, one
//! public share per member, and the public shares on one polynomial of degree `t − 1` whose value at 0 is
//! `X`), the key in use at `now`, then the signatures — each by a distinct listed member whose certificate
//! is among the given ones, valid at `now` and covering the key's period — and at least `t` of them.

use crate::cbor::{self, ArrayReader, ArrayWriter};
use crate::cose;
use crate::crypto::group::Point;
use crate::crypto::{COMPRESSED_POINT_LEN, SIGNATURE_LEN};
use crate::error::DecodeError;
use crate::ids::{DailyKeyId, HealthOfficeId};
use crate::keys::{EncryptionPublicKey, HealthOfficeSigningKey};
use crate::labels;
use crate::signed::daily_key_announcement::{AnnouncedDailyKey, DAILY_KEY_MAX_USE_SECS, DAILY_KEY_RETENTION_SECS};
use crate::signed::health_office_certificate::HealthOfficeCertificate;
use crate::signed::rules::check_period;
use crate::time::{UnixTime, Validity};

use super::{Committee, MAX_COMMITTEE, PublicShares, ThresholdError, lagrange_at};

/// Size cap of an announcement (256 members: about 27 KiB).
pub const MAX_LEN: usize = 32 * 1024;
const VERSION: u64 = 1;

/// The signed content of a committee key announcement.
#[derive(Clone, Debug, PartialEq, Eq)]
struct Body {
    key_id: DailyKeyId,
    public_key: EncryptionPublicKey,
    validity: Validity,
    retain_until: UnixTime,
    threshold: u16,
    committee: Vec<HealthOfficeId>,
    public_shares: Vec<[u8; COMPRESSED_POINT_LEN]>,
}

impl Body {
    fn encode(&self) -> Vec<u8> {
        ArrayWriter::new(VERSION)
            .uint(self.key_id.0.into())
            .bytes(&self.public_key.to_bytes())
            .uint(self.validity.not_before.0)
            .uint(self.validity.not_after.0)
            .uint(self.retain_until.0)
            .uint(self.threshold.into())
            .value(ciborium::Value::Array(
                self.committee.iter().map(|c| ciborium::Value::Bytes(c.as_bytes().to_vec())).collect(),
            ))
            .value(ciborium::Value::Array(
                self.public_shares.iter().map(|p| ciborium::Value::Bytes(p.to_vec())).collect(),
            ))
            .encode()
    }

    fn decode(payload: &[u8]) -> Result<Self, DecodeError> {
        let value = cbor::decode(payload, MAX_LEN, 2)?;
        let mut r = ArrayReader::open_message(value, "committee_key", VERSION, 9)?;
        let key_id = DailyKeyId(r.u16("key_id")?);
        let public_key = EncryptionPublicKey::from_slice_field(&r.fixed::<65>("public_key")?, "public_key")?;
        let validity =
            Validity { not_before: UnixTime(r.uint("not_before")?), not_after: UnixTime(r.uint("not_after")?) };
        let retain_until = UnixTime(r.uint("retain_until")?);
        let threshold = r.u16("threshold")?;
        let committee = r
            .array("committee", MAX_COMMITTEE)?
            .into_iter()
            .map(|v| ArrayReader::fixed_value::<16>(v, "committee").map(HealthOfficeId::from_array))
            .collect::<Result<Vec<_>, _>>()?;
        let public_shares = r
            .array("public_shares", MAX_COMMITTEE)?
            .into_iter()
            .map(|v| {
                let p = ArrayReader::fixed_value::<COMPRESSED_POINT_LEN>(v, "public_shares")?;
                Point::from_compressed(&p).map_err(|_| DecodeError::InvalidPoint { field: "public_shares" })?;
                Ok(p)
            })
            .collect::<Result<Vec<_>, DecodeError>>()?;
        let body = Self { key_id, public_key, validity, retain_until, threshold, committee, public_shares };
        body.check()?;
        Ok(body)
    }

    /// The rules that depend on the payload alone.
    fn check(&self) -> Result<(), DecodeError> {
        let n = self.committee.len();
        if n == 0 || self.threshold == 0 || usize::from(self.threshold) > n {
            return Err(DecodeError::InvalidField { field: "threshold" });
        }
        if self.public_shares.len() != n {
            return Err(DecodeError::InvalidField { field: "public_shares" });
        }
        for (i, c) in self.committee.iter().enumerate() {
            if self.committee.iter().skip(i.saturating_add(1)).any(|d| d == c) {
                return Err(DecodeError::InvalidField { field: "committee" });
            }
        }
        if DailyKeyId::for_day(self.validity.not_before.day()) != self.key_id {
            return Err(DecodeError::InvalidField { field: "key_id" });
        }
        let v = &self.validity;
        let periods = v.is_well_formed()
            && v.not_after.0.saturating_sub(v.not_before.0) <= DAILY_KEY_MAX_USE_SECS
            && self.retain_until >= v.not_after
            && self.retain_until.0.saturating_sub(v.not_before.0) <= DAILY_KEY_RETENTION_SECS;
        if !periods {
            return Err(DecodeError::InvalidField { field: "validity" });
        }
        self.check_shares()
    }

    /// The public shares lie on one polynomial of degree `t − 1` in the exponent whose value at 0 is `X`:
    /// interpolating from members `1..=t`, `X` and every further `X_j` come out as announced.
    fn check_shares(&self) -> Result<(), DecodeError> {
        let bad = DecodeError::InvalidField { field: "public_shares" };
        let t = usize::from(self.threshold);
        let points = self
            .public_shares
            .iter()
            .map(Point::from_compressed)
            .collect::<Result<Vec<_>, _>>()
            .map_err(|_| bad.clone())?;
        let base: Vec<u16> = (1..=self.threshold).collect();
        let at = |x: u16| -> Result<Point, DecodeError> {
            // Σ_i L_i(x) X_i, with L_i(x) = Π_{m≠i} (x − m)/(i − m), from the first t shares.
            let mut acc = Point::IDENTITY;
            for (&i, p) in base.iter().zip(&points) {
                let coeff = lagrange_at(i, x, &base).map_err(|_| bad.clone())?;
                acc = acc.add(p.mul(coeff));
            }
            Ok(acc)
        };
        let x = Point::from_uncompressed(&self.public_key.to_bytes()).map_err(|_| bad.clone())?;
        if at(0)? != x {
            return Err(bad);
        }
        for (j, p) in points.iter().enumerate().skip(t) {
            let index = u16::try_from(j.saturating_add(1)).map_err(|_| bad.clone())?;
            if at(index)? != *p {
                return Err(bad);
            }
        }
        Ok(())
    }
}

/// An announcement as received: parsed, not yet verified.
#[derive(Clone, Debug)]
pub struct CommitteeKeyAnnouncementIn {
    raw: Vec<u8>,
    payload: Vec<u8>,
    body: Body,
    signatures: Vec<(u16, [u8; SIGNATURE_LEN])>,
}

/// A verified committee key announcement: the daily key a guest or scanner may seal to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CommitteeKeyAnnouncement {
    raw: Vec<u8>,
    body: Body,
    signers: Vec<u16>,
}

/// The unsigned announcement every committee member signs (built from the DKG's result).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CommitteeKeyDraft {
    payload: Vec<u8>,
}

/// One member's signature on a [`CommitteeKeyDraft`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CommitteeSignature {
    /// The member's index.
    pub member: u16,
    /// ES256 `r‖s` over the payload's `Sig_structure`.
    pub signature: [u8; SIGNATURE_LEN],
}

impl CommitteeKeyDraft {
    /// The draft for the committee's DKG result `public`, used in `validity`, erased at `retain_until`.
    ///
    /// # Errors
    /// [`ThresholdError::Decode`] when the periods break the daily-key rules (§7.2) or the public shares
    /// are not the committee's.
    pub fn new(
        committee: &Committee,
        public: &PublicShares,
        validity: Validity,
        retain_until: UnixTime,
    ) -> Result<Self, ThresholdError> {
        let body = Body {
            key_id: committee.daily_key_id(),
            public_key: *public.daily_public_key(),
            validity,
            retain_until,
            threshold: committee.threshold(),
            committee: committee.members().iter().map(|m| m.office).collect(),
            public_shares: public.shares().iter().map(|(_, p)| *p).collect(),
        };
        body.check()?;
        Ok(Self { payload: body.encode() })
    }

    /// The exact payload bytes every member signs.
    #[must_use]
    pub fn payload(&self) -> &[u8] {
        &self.payload
    }

    /// Member `member`'s signature. A member signs only after checking the payload is what its own DKG
    /// produced (the same key, committee and public shares).
    #[must_use]
    pub fn sign(&self, member: u16, signing_key: &HealthOfficeSigningKey) -> CommitteeSignature {
        let signature = signing_key.sign(&cose::signing_input(labels::COSE_COMMITTEE_KEY_ANNOUNCEMENT, &self.payload));
        CommitteeSignature { member, signature }
    }

    /// The announcement with `signatures` (sorted by member; duplicates dropped).
    #[must_use]
    pub fn assemble(&self, signatures: &[CommitteeSignature]) -> Vec<u8> {
        let mut sigs: Vec<&CommitteeSignature> = signatures.iter().collect();
        sigs.sort_by_key(|s| s.member);
        sigs.dedup_by_key(|s| s.member);
        ArrayWriter::new(VERSION)
            .bytes(&self.payload)
            .value(ciborium::Value::Array(
                sigs.iter()
                    .map(|s| {
                        ciborium::Value::Array(vec![
                            ciborium::Value::Integer(s.member.into()),
                            ciborium::Value::Bytes(s.signature.to_vec()),
                        ])
                    })
                    .collect(),
            ))
            .encode()
    }
}

impl CommitteeKeyAnnouncementIn {
    /// Parses an announcement (size cap, CBOR rules, version, exact lengths, the payload's rules,
    /// signatures by distinct members in ascending order).
    ///
    /// # Errors
    /// The specific [`DecodeError`].
    pub fn from_slice(bytes: &[u8]) -> Result<Self, DecodeError> {
        let value = cbor::decode(bytes, MAX_LEN, 3)?;
        let mut r = ArrayReader::open_message(value, "committee_key_announcement", VERSION, 3)?;
        let payload = r.bytes("payload", MAX_LEN)?;
        let body = Body::decode(&payload)?;
        let mut signatures = Vec::new();
        for v in r.array("signatures", MAX_COMMITTEE)? {
            let mut s = ArrayReader::open(v, "signatures")?;
            s.expect_len(2)?;
            let member = s.u16("member")?;
            let signature = s.fixed::<SIGNATURE_LEN>("signature")?;
            if member == 0
                || usize::from(member) > body.committee.len()
                || signatures.last().is_some_and(|(m, _)| *m >= member)
            {
                return Err(DecodeError::InvalidField { field: "signatures" });
            }
            signatures.push((member, signature));
        }
        if signatures.is_empty() {
            return Err(DecodeError::InvalidField { field: "signatures" });
        }
        Ok(Self { raw: bytes.to_vec(), payload, body, signatures })
    }

    /// Verifies the announcement for sealing at `now` (guests, scanners): the key is in use
    /// (`not_before ≤ now < not_after`), and at least `t` of its signatures are valid, each by the
    /// listed member whose certificate — among `certificates`, the verifier's verified health-office
    /// certificates — is valid at `now` and covers the key's use period.
    ///
    /// # Errors
    /// [`ThresholdError::Verify`] (`expired`, `not_yet_valid`), or [`ThresholdError::TooFew`] with the number
    /// of valid member signatures found.
    pub fn verify(
        self,
        certificates: &[HealthOfficeCertificate],
        now: UnixTime,
    ) -> Result<CommitteeKeyAnnouncement, ThresholdError> {
        check_period(&self.body.validity, now)?;
        self.verify_signatures(certificates, now)
    }

    /// As [`verify`](Self::verify), for decryption (health offices): the key must be in
    /// `[not_before, retain_until)`.
    ///
    /// # Errors
    /// As [`verify`](Self::verify).
    pub fn verify_for_retention(
        self,
        certificates: &[HealthOfficeCertificate],
        now: UnixTime,
    ) -> Result<CommitteeKeyAnnouncement, ThresholdError> {
        check_period(&Validity { not_before: self.body.validity.not_before, not_after: self.body.retain_until }, now)?;
        self.verify_signatures(certificates, now)
    }

    fn verify_signatures(
        self,
        certificates: &[HealthOfficeCertificate],
        now: UnixTime,
    ) -> Result<CommitteeKeyAnnouncement, ThresholdError> {
        let input = cose::signing_input(labels::COSE_COMMITTEE_KEY_ANNOUNCEMENT, &self.payload);
        let mut signers = Vec::new();
        for (member, sig) in &self.signatures {
            let Some(office) = usize::from(*member).checked_sub(1).and_then(|i| self.body.committee.get(i)) else {
                continue;
            };
            let Some(cert) = certificates.iter().find(|c| c.id() == *office) else { continue };
            if cert.check_validity(now).is_err() || !cert.validity().covers(&self.body.validity) {
                continue;
            }
            if cert.signing_key().0.verify(&input, sig).is_ok() {
                signers.push(*member);
            }
        }
        let t = usize::from(self.body.threshold);
        if signers.len() < t {
            return Err(ThresholdError::TooFew { needed: t, got: signers.len() });
        }
        Ok(CommitteeKeyAnnouncement { raw: self.raw, body: self.body, signers })
    }
}

impl CommitteeKeyAnnouncement {
    /// The exact bytes received.
    #[must_use]
    pub fn as_bytes(&self) -> &[u8] {
        &self.raw
    }

    /// The daily key id.
    #[must_use]
    pub fn key_id(&self) -> DailyKeyId {
        self.body.key_id
    }

    /// The daily public key guests and venues seal to.
    #[must_use]
    pub fn public_key(&self) -> &EncryptionPublicKey {
        &self.body.public_key
    }

    /// The use period.
    #[must_use]
    pub fn validity(&self) -> Validity {
        self.body.validity
    }

    /// When every member erases its share.
    #[must_use]
    pub fn retain_until(&self) -> UnixTime {
        self.body.retain_until
    }

    /// `t`.
    #[must_use]
    pub fn threshold(&self) -> u16 {
        self.body.threshold
    }

    /// The members' office ids, member `i` at position `i − 1`.
    #[must_use]
    pub fn committee(&self) -> &[HealthOfficeId] {
        &self.body.committee
    }

    /// The members whose signatures verified.
    #[must_use]
    pub fn signers(&self) -> &[u16] {
        &self.signers
    }

    /// The public shares, for verifying partial decryptions (PROTOCOL.md §13.3).
    #[must_use]
    pub fn public_shares(&self) -> PublicShares {
        let shares = (1u16..).zip(self.body.public_shares.iter().copied()).collect();
        PublicShares::from_parts(self.body.public_key, self.body.threshold, shares)
    }
}

/// A verified committee key is a daily key a guest may seal to and a scanner may accept check-ins for.
impl AnnouncedDailyKey for CommitteeKeyAnnouncement {
    fn daily_key_id(&self) -> Option<DailyKeyId> {
        Some(self.key_id())
    }
    fn public_key(&self) -> EncryptionPublicKey {
        *CommitteeKeyAnnouncement::public_key(self)
    }
    fn validity(&self) -> Validity {
        CommitteeKeyAnnouncement::validity(self)
    }
}
