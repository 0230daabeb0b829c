//! A health office as a member of the key committee of a threshold daily key (PROTOCOL.md §13):
//! its side of the distributed key generation, the announcement of the resulting key, and its
//! answers to partial-decryption requests.
//!
//! The DKG is a chain of consuming transitions around the protocol's
//! [`DkgRound1`] → [`DkgRound2`] → [`DkgOutcome`](luca_protocol::threshold::dkg::DkgOutcome):
//!
//! ```text
//! HealthOffice::start_committee_dkg ─► CommitteeDkgStarted { dkg: CommitteeDkg, dealing }
//!   CommitteeDkg::receive(dealings) ─► CommitteeDkgReceived { dkg: CommitteeDkgRound2, complaints }
//!     CommitteeDkgRound2::justify(complaints) (a dealer complained about answers)
//!     CommitteeDkgRound2::finish(complaints, justifications) ─► CommitteeKeyInstalled
//! ```
//!
//! `finish` stores the office's [`SecretShare`], the [`PublicShares`] and the [`Committee`] under
//! the daily key id; [`HealthOffice::purge`] erases them when the daily key's retention ends (the
//! rule of whole daily keys, [`DAILY_KEY_RETENTION_DAYS`](crate::DAILY_KEY_RETENTION_DAYS)).
//! [`HealthOffice::export_state`] carries them (`committee_keys`), and `import_state` checks each
//! against its committee and public shares.
//!
//! A co-office answers a tracing office's request with
//! [`HealthOffice::answer_partial_decryption`]: the request is verified, then the office's own
//! policy (a closure) decides, then the stored share answers.

use luca_protocol::ids::{DailyKeyId, HealthOfficeId};
use luca_protocol::keys::EncryptionPublicKey;
use luca_protocol::signed::daily_key_announcement::{DailyKeyAnnouncement, KeyPurpose};
use luca_protocol::signed::health_office_certificate::{HealthOfficeCertificate, HealthOfficeCertificateIn};
use luca_protocol::state::{StateError, StateReader, StateWriter};
use luca_protocol::threshold::announcement::{CommitteeKeyDraft, CommitteeSignature};
use luca_protocol::threshold::dkg::{
    Disqualification, DkgComplaint, DkgComplaintIn, DkgDealing, DkgDealingIn, DkgJustification, DkgJustificationIn,
    DkgRound1, DkgRound2,
};
use luca_protocol::threshold::partial::{
    PartialDecryptionRequest, PartialDecryptionRequestIn, PartialDecryptionResponse,
};
use luca_protocol::threshold::{Committee, PublicShares, SecretShare, ThresholdError};
use luca_protocol::time::{UnixTime, UtcDay, Validity};
use rand_core::CryptoRng;

use crate::error::{CommitteeError, KeyError};
use crate::{DAILY_KEY_RETENTION_DAYS, DAILY_KEY_USE_DAYS, HealthOffice, MAX_HELD_KEYS};

/// A held share of a threshold daily key, with what it takes to use it.
pub(crate) struct CommitteeKey {
    pub(crate) committee: Committee,
    pub(crate) share: SecretShare,
    pub(crate) public: PublicShares,
    /// The daily key's UTC day (its use period starts there).
    day: UtcDay,
    /// End of retention: [`DAILY_KEY_RETENTION_DAYS`] after the start of the day.
    retain_until: UnixTime,
}

impl CommitteeKey {
    /// Whether the retention of the daily key has ended at `now`.
    pub(crate) fn must_be_erased_at(&self, now: UnixTime) -> bool {
        now >= self.retain_until
    }

    /// Items of a committee-key entry of the health-office state.
    pub(crate) const STATE_ARITY: usize = 8;
    /// Bytes of one member in the entry's `members`: office id, signing key, encryption key.
    const MEMBER_LEN: usize = 16 + 65 + 65;
    /// Bytes of one public share in the entry's `public_shares`: index (big-endian), compressed point.
    const PUBLIC_SHARE_LEN: usize = 2 + 33;

    /// Writes the entry `[daily_key_id, day, threshold, members, member, share, daily_public_key,
    /// public_shares]` (see [`HealthOffice::export_state`]).
    pub(crate) fn export(&self, w: &mut StateWriter) {
        let members: Vec<u8> = self
            .committee
            .members()
            .iter()
            .flat_map(|m| [&m.office.as_bytes()[..], &m.signing_key.to_bytes(), &m.encryption_key.to_bytes()].concat())
            .collect();
        let shares: Vec<u8> =
            self.public.shares().iter().flat_map(|(i, p)| [&i.to_be_bytes()[..], p].concat()).collect();
        w.array(|w| {
            w.uint(u64::from(self.committee.daily_key_id().0))
                .uint(u64::from(self.day.0))
                .uint(u64::from(self.committee.threshold()))
                .bytes(&members)
                .uint(u64::from(self.share.index()))
                .bytes(self.share.expose_secret().as_slice())
                .bytes(&self.public.daily_public_key().to_bytes())
                .bytes(&shares);
        });
    }

    /// Reads an entry written by [`Self::export`] and checks it: the key id is the day's, the
    /// committee well formed with `office` on it under `keys` at the entry's member index, the public
    /// shares consistent (one polynomial through the daily public key) and the share the secret of
    /// this member's public share.
    pub(crate) fn import(
        mut r: StateReader,
        office: HealthOfficeId,
        signing: &luca_protocol::keys::SignaturePublicKey,
        encryption: &EncryptionPublicKey,
    ) -> Result<Self, StateError> {
        const F: &str = "committee_keys";
        let small = |v: u64| u16::try_from(v).map_err(|_| StateError::InvalidField { field: F });
        let daily_key_id = DailyKeyId(small(r.uint(F)?)?);
        let day = UtcDay(u32::try_from(r.uint(F)?).map_err(|_| StateError::InvalidField { field: F })?);
        let threshold = small(r.uint(F)?)?;
        let member_bytes = r.bytes(F)?;
        let index = small(r.uint(F)?)?;
        let share = r.fixed::<32>(F)?;
        let daily_public_key = EncryptionPublicKey::from_slice(&r.bytes(F)?).map_err(|e| StateError::in_field(F, e))?;
        let share_bytes = r.bytes(F)?;
        if DailyKeyId::for_day(day) != daily_key_id
            || member_bytes.is_empty()
            || member_bytes.len() % Self::MEMBER_LEN != 0
            || share_bytes.len() % Self::PUBLIC_SHARE_LEN != 0
        {
            return Err(StateError::Inconsistent { field: F });
        }
        let mut members = Vec::new();
        for (i, m) in member_bytes.chunks_exact(Self::MEMBER_LEN).enumerate() {
            let (id, keys) = m.split_at(16);
            let (sig, enc) = keys.split_at(65);
            let id: [u8; 16] = id.try_into().map_err(|_| StateError::InvalidField { field: F })?;
            members.push(luca_protocol::threshold::CommitteeMember {
                index: u16::try_from(i.saturating_add(1)).map_err(|_| StateError::InvalidField { field: F })?,
                office: HealthOfficeId::from_array(id),
                signing_key: luca_protocol::keys::SignaturePublicKey::from_slice(sig)
                    .map_err(|e| StateError::in_field(F, e))?,
                encryption_key: EncryptionPublicKey::from_slice(enc).map_err(|e| StateError::in_field(F, e))?,
            });
        }
        let committee = Committee::from_members(daily_key_id, threshold, members)
            .map_err(|_| StateError::Inconsistent { field: F })?;
        let me = committee.member_of(office).ok_or(StateError::Inconsistent { field: F })?;
        if me.index != index || me.signing_key != *signing || me.encryption_key != *encryption {
            return Err(StateError::Inconsistent { field: F });
        }
        let mut shares = Vec::new();
        for c in share_bytes.chunks_exact(Self::PUBLIC_SHARE_LEN) {
            let (i, p) = c.split_at(2);
            let i: [u8; 2] = i.try_into().map_err(|_| StateError::InvalidField { field: F })?;
            let p: [u8; 33] = p.try_into().map_err(|_| StateError::InvalidField { field: F })?;
            shares.push((u16::from_be_bytes(i), p));
        }
        if shares.len() != committee.len() {
            return Err(StateError::Inconsistent { field: F });
        }
        let public = PublicShares::from_stored(daily_public_key, threshold, shares)
            .map_err(|_| StateError::Inconsistent { field: F })?;
        let share = SecretShare::from_secret_bytes(index, &share).map_err(|e| StateError::in_field(F, e))?;
        if !public.matches_share(&share) {
            return Err(StateError::Inconsistent { field: F });
        }
        Ok(Self { committee, share, public, day, retain_until: day.plus_days(DAILY_KEY_RETENTION_DAYS).start() })
    }
}

/// Shared by every DKG state: which office runs it, for which committee and day.
struct DkgContext {
    office: HealthOfficeId,
    committee: Committee,
    day: UtcDay,
    retain_until: UnixTime,
}

impl DkgContext {
    fn check_office(&self, office: &HealthOffice) -> Result<(), CommitteeError> {
        if office.id != self.office { Err(CommitteeError::OtherOffice) } else { Ok(()) }
    }
}

/// A committee member after round 1 of the DKG: its dealing is out, it waits for everybody's.
///
/// `Debug` prints no secret.
pub struct CommitteeDkg {
    ctx: DkgContext,
    state: DkgRound1,
}

impl core::fmt::Debug for CommitteeDkg {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("CommitteeDkg")
            .field("daily_key_id", &self.ctx.committee.daily_key_id())
            .field("state", &self.state)
            .finish()
    }
}

/// The result of [`HealthOffice::start_committee_dkg`].
#[derive(Debug)]
#[must_use = "the dealing must be sent to every member and the state kept for round 2"]
pub struct CommitteeDkgStarted {
    /// The state for round 2.
    pub dkg: CommitteeDkg,
    /// The dealing to send (through the server) to every other member.
    pub dealing: DkgDealing,
}

/// A committee member after round 2: it waits for the complaints and justifications.
pub struct CommitteeDkgRound2 {
    ctx: DkgContext,
    state: DkgRound2,
}

impl core::fmt::Debug for CommitteeDkgRound2 {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("CommitteeDkgRound2")
            .field("daily_key_id", &self.ctx.committee.daily_key_id())
            .field("state", &self.state)
            .finish()
    }
}

/// The result of [`CommitteeDkg::receive`].
#[derive(Debug)]
#[must_use = "the complaints must be sent to every member and the state kept to finish"]
pub struct CommitteeDkgReceived {
    /// The state to finish with.
    pub dkg: CommitteeDkgRound2,
    /// This member's complaints, to send to every member (empty when every dealer was honest).
    pub complaints: Vec<DkgComplaint>,
    /// The dealings that did not decode or verify, by position in the input, and why (their
    /// dealers count as having dealt nothing: [`Disqualification::NoDealing`]).
    pub rejected: Vec<(usize, ThresholdError)>,
}

/// The result of [`CommitteeDkgRound2::finish`]: the share is stored in the office.
#[derive(Clone, Debug, PartialEq, Eq)]
#[must_use]
pub struct CommitteeKeyInstalled {
    /// The daily key.
    pub daily_key_id: DailyKeyId,
    /// The daily public key guests and venues seal to (announce it with `t` members'
    /// [`HealthOffice::sign_committee_key`]).
    pub public_key: EncryptionPublicKey,
    /// This office's member index.
    pub member: u16,
    /// The qualified dealers, in index order.
    pub qualified: Vec<u16>,
    /// The disqualified dealers and why.
    pub disqualified: Vec<(u16, Disqualification)>,
}

/// What [`HealthOffice::committee_key`] tells about a held share (no secret).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CommitteeKeyInfo {
    /// The committee (members, `t`).
    pub committee: Committee,
    /// The daily public key and every member's public share.
    pub public: PublicShares,
    /// This office's member index.
    pub member: u16,
    /// When the share is erased by [`HealthOffice::purge`].
    pub retain_until: UnixTime,
}

impl HealthOffice {
    /// Starts this office's side of the DKG of the daily key of the UTC day of `now` (key id the
    /// day number mod 2^16, as [`rotate_daily_key`](Self::rotate_daily_key)), among the offices
    /// of `members` in that order (member `i` is `members[i - 1]`; every member must pass the same
    /// list), any `threshold` of which can open.
    ///
    /// Every member's certificate is re-verified under this office's trust anchor and must be
    /// valid at `now`; this office must be on the list with its own keys.
    ///
    /// # Errors
    /// [`KeyError::NotCertified`], [`KeyError::Verify`] (this office's certificate not valid at
    /// `now`), [`KeyError::UntrustedCertificate`] (a member's), [`KeyError::KeyAlreadyHeld`] (a
    /// share of this day's key is held), [`KeyError::TooManyKeys`], all as [`CommitteeError::Key`];
    /// [`CommitteeError::Threshold`] ([`ThresholdError::InvalidCommittee`]) unless `1 ≤ t ≤ n ≤
    /// 256` and the offices are distinct; [`CommitteeError::NotOnCommittee`].
    pub fn start_committee_dkg<R: CryptoRng>(
        &self,
        rng: &mut R,
        members: &[HealthOfficeCertificate],
        threshold: u16,
        now: UnixTime,
    ) -> Result<CommitteeDkgStarted, CommitteeError> {
        let (_, anchor) = self.valid_certificate(now)?;
        let day = now.day();
        let daily_key_id = DailyKeyId::for_day(day);
        if self.committee_keys.contains_key(&daily_key_id.0) {
            return Err(KeyError::KeyAlreadyHeld.into());
        }
        if self.committee_keys.len() >= MAX_HELD_KEYS {
            return Err(KeyError::TooManyKeys.into());
        }
        for cert in members {
            if !cert.is_valid_at(now) {
                return Err(KeyError::UntrustedCertificate.into());
            }
            HealthOfficeCertificateIn::from_slice(cert.as_bytes())
                .map_err(|_| KeyError::UntrustedCertificate)?
                .verify(&anchor, now)
                .map_err(|_| KeyError::UntrustedCertificate)?;
        }
        let committee = Committee::new(daily_key_id, threshold, members)?;
        let me = committee
            .member_of(self.id)
            .filter(|m| m.signing_key == self.signing_public_key() && m.encryption_key == self.encryption_public_key())
            .ok_or(CommitteeError::NotOnCommittee)?
            .index;
        let started = DkgRound1::start(rng, committee.clone(), me, self.signing_key())?;
        let ctx = DkgContext {
            office: self.id,
            committee,
            day,
            retain_until: day.plus_days(DAILY_KEY_RETENTION_DAYS).start(),
        };
        Ok(CommitteeDkgStarted { dkg: CommitteeDkg { ctx, state: started.state }, dealing: started.dealing })
    }

    /// The held share of threshold daily key `daily_key_id`, if any: its committee, public
    /// shares, this office's index and the end of retention (never the secret).
    pub fn committee_key(&self, daily_key_id: DailyKeyId) -> Option<CommitteeKeyInfo> {
        self.committee_keys.get(&daily_key_id.0).map(|k| CommitteeKeyInfo {
            committee: k.committee.clone(),
            public: k.public.clone(),
            member: k.share.index(),
            retain_until: k.retain_until,
        })
    }

    /// The ids of every threshold daily key of which this office holds a share, ascending.
    pub fn committee_key_ids(&self) -> impl Iterator<Item = DailyKeyId> + '_ {
        self.committee_keys.keys().map(|&id| DailyKeyId(id))
    }

    /// Signs the daily key announcement of threshold daily key `daily_key_id` (whose share this
    /// office holds) over the DKG's daily public key, as one committee member: purpose daily, use
    /// period from the start of its day for [`DAILY_KEY_USE_DAYS`] days clipped to this office's
    /// certificate, retention until the end of the share's retention.
    ///
    /// This is the single-signature [`DailyKeyAnnouncement`] of §7.2: guests trust it through this one
    /// office's certificate, so it suits only a committee with `t = 1` or a transition. A threshold
    /// key is announced with the committee key announcement of PROTOCOL.md §13.4, which `t` members
    /// sign with [`HealthOffice::sign_committee_key`].
    ///
    /// # Errors
    /// [`CommitteeError::UnknownDailyKey`]; [`KeyError::NotCertified`] / [`KeyError::Verify`] if
    /// this office's certificate is not valid at `now`; [`KeyError::Decode`] if the announcement
    /// cannot be built (the use period is empty after clipping), as [`CommitteeError::Key`].
    pub fn announce_committee_key(
        &self,
        daily_key_id: DailyKeyId,
        now: UnixTime,
    ) -> Result<DailyKeyAnnouncement, CommitteeError> {
        let key = self.committee_keys.get(&daily_key_id.0).ok_or(CommitteeError::UnknownDailyKey)?;
        let (cert, _) = self.valid_certificate(now)?;
        let cv = cert.validity();
        let validity = Validity {
            not_before: key.day.start().max(cv.not_before),
            not_after: key.day.plus_days(DAILY_KEY_USE_DAYS).start().min(cv.not_after),
        };
        DailyKeyAnnouncement::issue(
            self.signing_key(),
            self.id,
            KeyPurpose::Daily,
            daily_key_id.0,
            key.public.daily_public_key(),
            validity,
            key.retain_until,
        )
        .map_err(|e| CommitteeError::Key(e.into()))
    }

    /// This member's signature on the committee key announcement of `daily_key_id` (PROTOCOL.md §13.4),
    /// with the draft it signed: the daily public key, `t`, the committee and the public shares of this
    /// office's own DKG result, used from the start of the key's day for [`DAILY_KEY_USE_DAYS`] days and
    /// erased at its retention end. Members whose DKG views agree produce the same draft bytes, so any
    /// `t` of their signatures assemble ([`CommitteeKeyDraft::assemble`]) into one announcement; a member
    /// whose view differs signs other bytes, and its signature does not count.
    ///
    /// # Errors
    /// [`CommitteeError::UnknownDailyKey`], or [`CommitteeError::Threshold`] if the periods break the
    /// daily-key rules.
    pub fn sign_committee_key(
        &self,
        daily_key_id: DailyKeyId,
    ) -> Result<(CommitteeKeyDraft, CommitteeSignature), CommitteeError> {
        let key = self.committee_keys.get(&daily_key_id.0).ok_or(CommitteeError::UnknownDailyKey)?;
        let member = key.committee.member_of(self.id).ok_or(CommitteeError::UnknownDailyKey)?.index;
        let validity =
            Validity { not_before: key.day.start(), not_after: key.day.plus_days(DAILY_KEY_USE_DAYS).start() };
        let draft = CommitteeKeyDraft::new(&key.committee, &key.public, validity, key.retain_until)?;
        let signature = draft.sign(member, self.signing_key());
        Ok((draft, signature))
    }

    /// Answers a tracing office's partial-decryption request (`request_bytes`, as received) with
    /// this office's share of the daily key it names, if everything allows it. In order:
    ///
    /// 1. the request decodes ([`CommitteeError::Decode`]);
    /// 2. this office holds a share of its daily key ([`CommitteeError::UnknownDailyKey`]) whose
    ///    retention has not ended ([`CommitteeError::Expired`]);
    /// 3. `requester` (the certificate of the office the request names, fetched by the caller)
    ///    verifies under this office's trust anchor at `now` ([`KeyError::UntrustedCertificate`],
    ///    [`KeyError::NotCertified`] as [`CommitteeError::Key`]);
    /// 4. [`PartialDecryptionRequestIn::verify`]: the requester is a member of the committee,
    ///    signed it, it is current at `now` and names `t` members as its responders
    ///    ([`CommitteeError::Threshold`] with [`ThresholdError::Refused`] or
    ///    [`ThresholdError::BadSignature`]);
    /// 5. `policy` accepts it ([`CommitteeError::RefusedByPolicy`]): the office's own rule, for
    ///    example that the [`authorization`](PartialDecryptionRequest::authorization) is a
    ///    tracing request it approves and the encs are that request's;
    /// 6. this office is among the responders ([`ThresholdError::Refused`]); the partials (with its
    ///    Lagrange coefficient over the responders) and their DLEQ proof, signed.
    ///
    /// # Errors
    /// As listed.
    pub fn answer_partial_decryption<R: CryptoRng>(
        &self,
        rng: &mut R,
        request_bytes: &[u8],
        requester: &HealthOfficeCertificate,
        now: UnixTime,
        mut policy: impl FnMut(&PartialDecryptionRequest) -> bool,
    ) -> Result<PartialDecryptionResponse, CommitteeError> {
        let parsed = PartialDecryptionRequestIn::from_slice(request_bytes)?;
        let key = self.committee_keys.get(&parsed.daily_key_id().0).ok_or(CommitteeError::UnknownDailyKey)?;
        if key.must_be_erased_at(now) {
            return Err(CommitteeError::Expired);
        }
        let anchor = self.trust_anchor().ok_or(KeyError::NotCertified)?;
        HealthOfficeCertificateIn::from_slice(requester.as_bytes())
            .map_err(|_| KeyError::UntrustedCertificate)?
            .verify(&anchor, now)
            .map_err(|_| KeyError::UntrustedCertificate)?;
        let request = parsed.verify(requester, &key.committee, now)?;
        if !policy(&request) {
            return Err(CommitteeError::RefusedByPolicy);
        }
        Ok(PartialDecryptionResponse::answer(rng, &request, &key.share, self.signing_key())?)
    }
}

impl CommitteeDkg {
    /// The daily key this DKG generates.
    pub fn daily_key_id(&self) -> DailyKeyId {
        self.ctx.committee.daily_key_id()
    }

    /// Round 2: takes every member's dealing as received (bytes; this office's own may be among
    /// them), decodes and verifies each against the committee, opens and checks this office's
    /// shares, and returns the complaints to publish. A dealing that does not decode or verify is
    /// set aside in [`CommitteeDkgReceived::rejected`]; its dealer has then dealt nothing.
    ///
    /// # Errors
    /// [`CommitteeError::OtherOffice`] if `office` did not start this DKG;
    /// [`CommitteeError::Threshold`] with [`ThresholdError::Duplicate`] for two valid dealings of
    /// one dealer (equivocation: the DKG must not go on).
    pub fn receive<B: AsRef<[u8]>>(
        self,
        office: &HealthOffice,
        dealings: &[B],
    ) -> Result<CommitteeDkgReceived, CommitteeError> {
        self.ctx.check_office(office)?;
        let mut verified = Vec::with_capacity(dealings.len());
        let mut rejected = Vec::new();
        for (i, bytes) in dealings.iter().enumerate() {
            match DkgDealingIn::from_slice(bytes.as_ref())
                .map_err(ThresholdError::from)
                .and_then(|d| d.verify(&self.ctx.committee))
            {
                Ok(d) => verified.push(d),
                Err(e) => rejected.push((i, e)),
            }
        }
        let next = self.state.receive(&verified, office.encryption_key(), office.signing_key())?;
        Ok(CommitteeDkgReceived {
            dkg: CommitteeDkgRound2 { ctx: self.ctx, state: next.state },
            complaints: next.complaints,
            rejected,
        })
    }
}

/// Decodes and verifies each message, keeping those that pass (others prove nothing and are ignored).
fn verified_complaints<B: AsRef<[u8]>>(committee: &Committee, complaints: &[B]) -> Vec<DkgComplaint> {
    complaints.iter().filter_map(|b| DkgComplaintIn::from_slice(b.as_ref()).ok()?.verify(committee).ok()).collect()
}

impl CommitteeDkgRound2 {
    /// The daily key this DKG generates.
    pub fn daily_key_id(&self) -> DailyKeyId {
        self.ctx.committee.daily_key_id()
    }

    /// The justifications this office must publish as a dealer: for each complaint against it
    /// without evidence, the signed share it dealt to the complainant. `complaints` are every
    /// member's, as received (those that do not decode or verify are ignored).
    ///
    /// # Errors
    /// [`CommitteeError::OtherOffice`].
    pub fn justify<B: AsRef<[u8]>>(
        &self,
        office: &HealthOffice,
        complaints: &[B],
    ) -> Result<Vec<DkgJustification>, CommitteeError> {
        self.ctx.check_office(office)?;
        let complaints = verified_complaints(&self.ctx.committee, complaints);
        Ok(self.state.justify(&complaints, office.signing_key()))
    }

    /// Done: applies every member's complaints and every dealer's justifications (as received;
    /// those that do not decode or verify are ignored), and stores this office's share, the public
    /// shares and the committee under the daily key id.
    ///
    /// # Errors
    /// [`CommitteeError::OtherOffice`]; [`KeyError::KeyAlreadyHeld`] / [`KeyError::TooManyKeys`]
    /// as [`CommitteeError::Key`] (a share of this key was stored meanwhile; nothing changes);
    /// [`CommitteeError::Threshold`] with [`ThresholdError::TooFew`] when fewer than `t` dealers
    /// are qualified, or [`ThresholdError::InconsistentShare`].
    pub fn finish<C: AsRef<[u8]>, J: AsRef<[u8]>>(
        self,
        office: &mut HealthOffice,
        complaints: &[C],
        justifications: &[J],
    ) -> Result<CommitteeKeyInstalled, CommitteeError> {
        self.ctx.check_office(office)?;
        let daily_key_id = self.ctx.committee.daily_key_id();
        if office.committee_keys.contains_key(&daily_key_id.0) {
            return Err(KeyError::KeyAlreadyHeld.into());
        }
        if office.committee_keys.len() >= MAX_HELD_KEYS {
            return Err(KeyError::TooManyKeys.into());
        }
        let complaints = verified_complaints(&self.ctx.committee, complaints);
        let justifications: Vec<DkgJustification> = justifications
            .iter()
            .filter_map(|b| DkgJustificationIn::from_slice(b.as_ref()).ok()?.verify(&self.ctx.committee).ok())
            .collect();
        let outcome = self.state.finish(&complaints, &justifications)?;
        let installed = CommitteeKeyInstalled {
            daily_key_id,
            public_key: *outcome.public.daily_public_key(),
            member: outcome.share.index(),
            qualified: outcome.qualified,
            disqualified: outcome.disqualified,
        };
        office.committee_keys.insert(
            daily_key_id.0,
            CommitteeKey {
                committee: self.ctx.committee,
                share: outcome.share,
                public: outcome.public,
                day: self.ctx.day,
                retain_until: self.ctx.retain_until,
            },
        );
        Ok(installed)
    }
}
