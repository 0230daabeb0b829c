//! Threshold daily keys (PROTOCOL.md §13): a health office as a member of the key committee (the
//! DKG as byte-message rounds, its signature on the committee key announcement, its answers to
//! partial-decryption requests under its own policy) and as the tracing office (a threshold
//! opening of consent responses and history shares).
//!
//! The role crate's consuming transitions (`CommitteeDkg` → `CommitteeDkgRound2` → installed
//! share; `ThresholdOpening` → `PendingOpening` → opened) become objects holding their state in a
//! `Mutex<Option<..>>`: a step takes the state, and a step called out of order or a second time
//! is the error kind `invalid_state`.
//!
//! ```text
//! office.start_committee_dkg(certs, t, now) ─► CommitteeDkg (dealing: send to every member)
//!   dkg.receive(dealings) ─► complaints        (send to every member)
//!   dkg.justify(complaints) ─► justifications  (send to every member)
//!   dkg.finish(complaints, justifications) ─► the share is stored in the office
//! office.sign_committee_key(id) ─► draft + signature; draft.assemble(t signatures) ─► announcement bytes
//! CommitteeKeyAnnouncement::verify(bytes, certs, now) ─► guests' and scanners' `…_committee` methods
//!
//! office.threshold_opening() ─► ThresholdOpening: add_consent_response / add_history_share
//!   .request_partials(now, secs, authorization, responders) ─► PendingOpening: requests() to the responders,
//!   member.answer_partial_decryption(request, requester, now, policy) ─► response bytes
//!   pending.accept(daily_key_id, response) …; pending.finish() ─► OpenedConsent / OpenedHistory
//! ```

use std::sync::{Arc, Mutex};

use luca_healthoffice::{CommitteeError, TracingError};
use luca_protocol::error::{DecodeError, OpenError};
use luca_protocol::ids::{DailyKeyId, HealthOfficeId};
use luca_protocol::messages::consent_response::ConsentResponseIn;
use luca_protocol::messages::history_share::HistoryShareIn;
use luca_protocol::threshold::announcement;
use luca_protocol::threshold::dkg::Disqualification;
use luca_protocol::threshold::partial::PartialDecryptionRequest;
use luca_protocol::time::UnixTime;

use crate::error::LucaError;
use crate::office::{HealthOffice, OpenedConsent, OpenedHistory, TracingRequest};
use crate::rng::os_rng;
use crate::types::{count, health_office_id, lock};
use crate::verified::{DailyKeyAnnouncement, HealthOfficeCertificate};

/// Where a [`CommitteeDkg`] stands.
enum DkgStage {
    /// The dealing is out; waiting for every member's.
    Dealt(luca_healthoffice::CommitteeDkg),
    /// Complaints are out; waiting for every member's complaints and justifications.
    Received(luca_healthoffice::CommitteeDkgRound2),
}

/// This office's side of the distributed key generation of one threshold daily key, made by
/// [`HealthOffice::start_committee_dkg`]. Send [`dealing`](Self::dealing) to every member, then
/// [`receive`](Self::receive) everybody's dealings, [`justify`](Self::justify) and
/// [`finish`](Self::finish) with everybody's complaints and justifications. Each of `receive` and
/// `finish` runs once, in that order (else `Committee` / `invalid_state`); a step that fails ends
/// the DKG (start again).
#[derive(uniffi::Object)]
pub struct CommitteeDkg {
    office: Arc<HealthOffice>,
    daily_key_id: u16,
    dealing: Vec<u8>,
    stage: Mutex<Option<DkgStage>>,
}

impl core::fmt::Debug for CommitteeDkg {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("CommitteeDkg").field("daily_key_id", &self.daily_key_id).finish_non_exhaustive()
    }
}

/// A dealing set aside by [`CommitteeDkg::receive`]: its dealer counts as having dealt nothing.
#[derive(Clone, Debug, PartialEq, Eq, uniffi::Record)]
#[uniffi::export(Debug)]
pub struct RejectedDealing {
    /// Its position in the dealings given.
    pub index: u64,
    /// Why (stable kind: a decode kind, `bad_signature`, `not_a_member`, …).
    pub kind: String,
}

/// The result of [`CommitteeDkg::receive`].
#[derive(Clone, Debug, PartialEq, Eq, uniffi::Record)]
#[uniffi::export(Debug)]
pub struct DkgComplaints {
    /// This member's complaints (encoded), to send to every member; empty when every dealer was honest.
    pub complaints: Vec<Vec<u8>>,
    /// The dealings that did not decode or verify.
    pub rejected: Vec<RejectedDealing>,
}

/// A dealer the DKG disqualified.
#[derive(Clone, Debug, PartialEq, Eq, uniffi::Record)]
#[uniffi::export(Debug)]
pub struct DisqualifiedDealer {
    /// The dealer's member index.
    pub dealer: u16,
    /// Why: `no_dealing`, `inconsistent_share` or `unjustified` (`other` for a reason added later).
    pub reason: String,
    /// The member whose complaint disqualified it, if any.
    pub complainant: Option<u16>,
}

/// The result of [`CommitteeDkg::finish`]: this office's share of the daily key is stored.
#[derive(Clone, Debug, PartialEq, Eq, uniffi::Record)]
#[uniffi::export(Debug)]
pub struct CommitteeKeyInstalled {
    /// The daily key id.
    pub daily_key_id: u16,
    /// The daily public key guests and venues seal to (65 bytes).
    pub public_key: Vec<u8>,
    /// This office's member index.
    pub member: u16,
    /// The qualified dealers, in index order.
    pub qualified: Vec<u16>,
    /// The disqualified dealers.
    pub disqualified: Vec<DisqualifiedDealer>,
}

/// One member's signature on a committee key announcement.
#[derive(Clone, Debug, PartialEq, Eq, uniffi::Record)]
#[uniffi::export(Debug)]
pub struct CommitteeSignature {
    /// The member's index.
    pub member: u16,
    /// ES256 `r‖s` (64 bytes).
    pub signature: Vec<u8>,
}

/// What [`HealthOffice::committee_key`] tells about a held share of a threshold daily key.
#[derive(Clone, Debug, PartialEq, Eq, uniffi::Record)]
#[uniffi::export(Debug)]
pub struct CommitteeKeyInfo {
    /// The daily key id.
    pub daily_key_id: u16,
    /// `t`: how many members open together.
    pub threshold: u16,
    /// `n`: the committee's size.
    pub members: u16,
    /// This office's member index (1-based).
    pub member: u16,
    /// The daily public key (65 bytes).
    pub daily_public_key: Vec<u8>,
    /// When the share is erased (Unix seconds).
    pub retain_until: u64,
}

/// The result of [`HealthOffice::sign_committee_key`].
#[derive(Debug, uniffi::Record)]
#[uniffi::export(Debug)]
pub struct CommitteeKeySigning {
    /// The unsigned announcement this member signed.
    pub draft: Arc<CommitteeKeyDraft>,
    /// This member's signature: send it to whoever assembles the announcement.
    pub signature: CommitteeSignature,
}

/// The unsigned committee key announcement of one member's DKG result. Members whose DKG views
/// agree have drafts with the same [`payload`](Self::payload), so any `t` of their signatures
/// [`assemble`](Self::assemble) into the announcement.
#[derive(Debug, uniffi::Object)]
pub struct CommitteeKeyDraft {
    inner: announcement::CommitteeKeyDraft,
}

#[uniffi::export]
impl CommitteeKeyDraft {
    /// The exact payload bytes every member signs.
    pub fn payload(&self) -> Vec<u8> {
        self.inner.payload().to_vec()
    }

    /// The announcement bytes with `signatures` (sorted by member, duplicates dropped): publish them;
    /// guests and scanners accept them with [`CommitteeKeyAnnouncement::verify`](crate::CommitteeKeyAnnouncement::verify)
    /// if at least `t` signatures are valid.
    ///
    /// # Errors
    /// `InvalidInput` (`invalid_field`) for a signature that is not 64 bytes.
    pub fn assemble(&self, signatures: Vec<CommitteeSignature>) -> Result<Vec<u8>, LucaError> {
        let signatures = signatures
            .iter()
            .map(|s| {
                let signature =
                    s.signature.as_slice().try_into().map_err(|_| DecodeError::InvalidField { field: "signature" })?;
                Ok(announcement::CommitteeSignature { member: s.member, signature })
            })
            .collect::<Result<Vec<_>, LucaError>>()?;
        Ok(self.inner.assemble(&signatures))
    }
}

/// What a committee member's [`PartialDecryptionPolicy`] sees of a verified request.
#[derive(Clone, Debug, PartialEq, Eq, uniffi::Record)]
#[uniffi::export(Debug)]
pub struct PartialDecryptionRequestInfo {
    /// The requesting (tracing) office's id (16 bytes); its certificate and signature are verified.
    pub requester: Vec<u8>,
    /// The daily key id.
    pub daily_key_id: u16,
    /// The encapsulated keys to decrypt (65 bytes each).
    pub encs: Vec<Vec<u8>>,
    /// What the requester gave to justify the request (for example its signed tracing requests).
    pub authorization: Vec<u8>,
    /// When the request expires (Unix seconds).
    pub expires_at: u64,
}

impl PartialDecryptionRequestInfo {
    fn from_core(r: &PartialDecryptionRequest) -> Self {
        Self {
            requester: r.requester().as_bytes().to_vec(),
            daily_key_id: r.daily_key_id().0,
            encs: r.encs().iter().map(|e| e.to_vec()).collect(),
            authorization: r.authorization().to_vec(),
            expires_at: r.expires_at().0,
        }
    }
}

/// A committee member's own rule for answering partial-decryption requests, implemented by the
/// app (a uniffi callback interface). It is asked only about a request that is verified (a
/// current request of a committee member, signed by it) and while the office is not locked, so
/// it may call the office.
#[uniffi::export(callback_interface)]
pub trait PartialDecryptionPolicy: Send + Sync {
    /// Whether to answer `request`.
    ///
    /// # Errors
    /// [`PolicyError`] when the policy cannot decide (the request is then not answered); any
    /// other exception the foreign implementation raises arrives as [`PolicyError::Failed`] too.
    fn allow(&self, request: PartialDecryptionRequestInfo) -> Result<bool, PolicyError>;
}

/// Why a [`PartialDecryptionPolicy`] could not decide. The call it was asked in fails with
/// `Committee` / `policy_failed`; the reason stays with the app (it is not in that error).
#[derive(Debug, thiserror::Error, uniffi::Error)]
pub enum PolicyError {
    /// The policy failed (a foreign exception's description, or the app's own reason).
    #[error("the policy failed")]
    Failed {
        /// The reason, for the app's own logs.
        reason: String,
    },
}

impl From<uniffi::UnexpectedUniFFICallbackError> for PolicyError {
    fn from(e: uniffi::UnexpectedUniFFICallbackError) -> Self {
        Self::Failed { reason: e.reason }
    }
}

#[uniffi::export]
impl HealthOffice {
    /// Starts this office's side of the DKG of the threshold daily key of the UTC day of `now`
    /// among the offices of `members` (member `i` is `members[i - 1]`; every member passes the same
    /// list), any `threshold` of which can open.
    ///
    /// # Errors
    /// `Committee` (`not_certified`, `untrusted_certificate`, `key_already_held`,
    /// `invalid_committee`, `not_on_committee`, …); `Randomness`; `Poisoned`.
    pub fn start_committee_dkg(
        self: Arc<Self>,
        members: Vec<Arc<HealthOfficeCertificate>>,
        threshold: u16,
        now: u64,
    ) -> Result<Arc<CommitteeDkg>, LucaError> {
        let certs: Vec<_> = members.iter().map(|c| c.inner.clone()).collect();
        let mut rng = os_rng()?;
        let started = lock(&self.inner)?.start_committee_dkg(&mut rng, &certs, threshold, UnixTime(now))?;
        Ok(Arc::new(CommitteeDkg {
            daily_key_id: started.dkg.daily_key_id().0,
            dealing: started.dealing.as_bytes().to_vec(),
            stage: Mutex::new(Some(DkgStage::Dealt(started.dkg))),
            office: self,
        }))
    }

    /// The ids of the threshold daily keys of which this office holds a share, ascending.
    ///
    /// # Errors
    /// `Poisoned`.
    pub fn committee_key_ids(&self) -> Result<Vec<u16>, LucaError> {
        Ok(lock(&self.inner)?.committee_key_ids().map(|id| id.0).collect())
    }

    /// The held share of threshold daily key `daily_key_id`, if any: its committee's size and `t`,
    /// this office's member index, the daily public key and the end of retention (never the secret).
    ///
    /// # Errors
    /// `Poisoned`.
    pub fn committee_key(&self, daily_key_id: u16) -> Result<Option<CommitteeKeyInfo>, LucaError> {
        Ok(lock(&self.inner)?.committee_key(DailyKeyId(daily_key_id)).map(|k| CommitteeKeyInfo {
            daily_key_id,
            threshold: k.committee.threshold(),
            // Members are indexed 1..=n, so n is the largest index.
            members: k.committee.members().iter().fold(0, |n, m| n.max(m.index)),
            member: k.member,
            daily_public_key: k.public.daily_public_key().to_bytes().to_vec(),
            retain_until: k.retain_until.0,
        }))
    }

    /// The single-signature daily key announcement of threshold daily key `daily_key_id` (PROTOCOL.md
    /// §7.2), signed by this office alone: for a committee with `t = 1` or a transition. A threshold
    /// key is announced with the committee key announcement, which `t` members sign with
    /// [`sign_committee_key`](Self::sign_committee_key).
    ///
    /// # Errors
    /// `Committee` (`unknown_daily_key`, `not_certified`, a verification kind); `Poisoned`.
    pub fn announce_committee_key(&self, daily_key_id: u16, now: u64) -> Result<Arc<DailyKeyAnnouncement>, LucaError> {
        let inner = lock(&self.inner)?.announce_committee_key(DailyKeyId(daily_key_id), UnixTime(now))?;
        Ok(Arc::new(DailyKeyAnnouncement { inner }))
    }

    /// This member's signature on the committee key announcement of threshold daily key
    /// `daily_key_id` (whose share it holds), with the draft it signed.
    ///
    /// # Errors
    /// `Committee` (`unknown_daily_key`, a decode kind); `Poisoned`.
    pub fn sign_committee_key(&self, daily_key_id: u16) -> Result<CommitteeKeySigning, LucaError> {
        let (draft, signature) = lock(&self.inner)?.sign_committee_key(DailyKeyId(daily_key_id))?;
        Ok(CommitteeKeySigning {
            draft: Arc::new(CommitteeKeyDraft { inner: draft }),
            signature: CommitteeSignature { member: signature.member, signature: signature.signature.to_vec() },
        })
    }

    /// Answers a tracing office's partial-decryption request (`request`, as received) with this
    /// office's share, if `requester` (the requesting office's verified certificate) verifies under
    /// this office's trust anchor at `now`, the request is a current one of a committee member
    /// signed by it, and `policy` allows it. Returns the response bytes to send back.
    ///
    /// # Errors
    /// `Committee`: a decode kind, `unknown_daily_key`, `expired`, `untrusted_certificate`,
    /// `refused`, `bad_signature`, `refused_by_policy`, `policy_failed` (the policy raised an
    /// error); `Randomness`; `Poisoned`.
    pub fn answer_partial_decryption(
        &self,
        request: Vec<u8>,
        requester: Arc<HealthOfficeCertificate>,
        now: u64,
        policy: Box<dyn PartialDecryptionPolicy>,
    ) -> Result<Vec<u8>, LucaError> {
        let now = UnixTime(now);
        let mut rng = os_rng()?;
        // First pass: every check but the policy, keeping the verified request; the policy is then
        // asked without the office's lock held (it is foreign code, and may call the office).
        let mut verified = None;
        let first = lock(&self.inner)?.answer_partial_decryption(&mut rng, &request, &requester.inner, now, |r| {
            verified = Some(r.clone());
            false
        });
        match first {
            Err(CommitteeError::RefusedByPolicy) => {}
            Err(e) => return Err(e.into()),
            Ok(_) => return Err(CommitteeError::RefusedByPolicy.into()),
        }
        let Some(verified) = verified else { return Err(CommitteeError::RefusedByPolicy.into()) };
        match policy.allow(PartialDecryptionRequestInfo::from_core(&verified)) {
            Ok(true) => {}
            Ok(false) => return Err(CommitteeError::RefusedByPolicy.into()),
            Err(_) => {
                return Err(LucaError::Committee {
                    kind: "policy_failed",
                    message: "the partial-decryption policy could not decide".to_owned(),
                });
            }
        }
        // Second pass: the same checks again (the office may have changed meanwhile), answering only
        // the very request the policy allowed.
        let answer = lock(&self.inner)?
            .answer_partial_decryption(&mut rng, &request, &requester.inner, now, |r| *r == verified)?;
        Ok(answer.as_bytes().to_vec())
    }

    /// Starts a threshold opening of consent responses and history shares sealed to threshold
    /// daily keys of which this office holds a share (entries that need no committee open directly).
    pub fn threshold_opening(self: Arc<Self>) -> Arc<ThresholdOpening> {
        Arc::new(ThresholdOpening { office: self, added: Mutex::new(Some(Vec::new())) })
    }
}

fn disqualified(dealer: u16, d: &Disqualification) -> DisqualifiedDealer {
    let (reason, complainant) = match d {
        Disqualification::NoDealing => ("no_dealing", None),
        Disqualification::InconsistentShare { complainant } => ("inconsistent_share", Some(*complainant)),
        Disqualification::Unjustified { complainant } => ("unjustified", Some(*complainant)),
        _ => ("other", None),
    };
    DisqualifiedDealer { dealer, reason: reason.to_owned(), complainant }
}

#[uniffi::export]
impl CommitteeDkg {
    /// The daily key this DKG generates.
    pub fn daily_key_id(&self) -> u16 {
        self.daily_key_id
    }

    /// This member's dealing (encoded): send it to every other member.
    pub fn dealing(&self) -> Vec<u8> {
        self.dealing.clone()
    }

    /// Round 2: every member's dealing as received (this office's own may be among them). Returns
    /// the complaints to send to every member.
    ///
    /// # Errors
    /// `Committee` (`invalid_state` if called twice; `duplicate` for two valid dealings of one
    /// dealer: the DKG must not go on); `Poisoned`.
    pub fn receive(&self, dealings: Vec<Vec<u8>>) -> Result<DkgComplaints, LucaError> {
        let mut stage = lock(&self.stage)?;
        let dkg = match stage.take() {
            Some(DkgStage::Dealt(dkg)) => dkg,
            other => {
                *stage = other;
                return Err(LucaError::invalid_state("receive runs once, right after the start"));
            }
        };
        let received = dkg.receive(&*lock(&self.office.inner)?, &dealings)?;
        *stage = Some(DkgStage::Received(received.dkg));
        Ok(DkgComplaints {
            complaints: received.complaints.iter().map(|c| c.as_bytes().to_vec()).collect(),
            rejected: received
                .rejected
                .iter()
                .map(|(i, e)| RejectedDealing { index: count(*i), kind: e.kind().to_owned() })
                .collect(),
        })
    }

    /// The justifications this office must send as a dealer, for every member's `complaints` (as
    /// received) against it; usually none.
    ///
    /// # Errors
    /// `Committee` (`invalid_state` before [`receive`](Self::receive) or after
    /// [`finish`](Self::finish)); `Poisoned`.
    pub fn justify(&self, complaints: Vec<Vec<u8>>) -> Result<Vec<Vec<u8>>, LucaError> {
        let stage = lock(&self.stage)?;
        let Some(DkgStage::Received(dkg)) = stage.as_ref() else {
            return Err(LucaError::invalid_state("justify runs between receive and finish"));
        };
        let justifications = dkg.justify(&*lock(&self.office.inner)?, &complaints)?;
        Ok(justifications.iter().map(|j| j.as_bytes().to_vec()).collect())
    }

    /// Done: applies every member's complaints and every dealer's justifications (as received)
    /// and stores this office's share of the daily key in the office.
    ///
    /// # Errors
    /// `Committee` (`invalid_state` before [`receive`](Self::receive) or twice; `too_few`
    /// qualified dealers, `key_already_held`, …); `Poisoned`.
    pub fn finish(
        &self,
        complaints: Vec<Vec<u8>>,
        justifications: Vec<Vec<u8>>,
    ) -> Result<CommitteeKeyInstalled, LucaError> {
        let mut stage = lock(&self.stage)?;
        let dkg = match stage.take() {
            Some(DkgStage::Received(dkg)) => dkg,
            other => {
                *stage = other;
                return Err(LucaError::invalid_state("finish runs once, after receive"));
            }
        };
        let installed = dkg.finish(&mut *lock(&self.office.inner)?, &complaints, &justifications)?;
        Ok(CommitteeKeyInstalled {
            daily_key_id: installed.daily_key_id.0,
            public_key: installed.public_key.to_bytes().to_vec(),
            member: installed.member,
            qualified: installed.qualified,
            disqualified: installed.disqualified.iter().map(|(i, d)| disqualified(*i, d)).collect(),
        })
    }
}

/// What was added to a [`ThresholdOpening`].
enum Added {
    Consent(Vec<u8>, Arc<TracingRequest>),
    History(Vec<u8>),
}

/// Consent responses and history shares collected for one threshold opening, made by
/// [`HealthOffice::threshold_opening`]. Each is checked as it is added (decoding, binding to its
/// request); its entries are opened by [`request_partials`](Self::request_partials), which runs
/// once.
#[derive(uniffi::Object)]
pub struct ThresholdOpening {
    office: Arc<HealthOffice>,
    added: Mutex<Option<Vec<Added>>>,
}

impl core::fmt::Debug for ThresholdOpening {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("ThresholdOpening").finish_non_exhaustive()
    }
}

/// One partial-decryption request of a [`PendingOpening`].
#[derive(Clone, Debug, PartialEq, Eq, uniffi::Record)]
#[uniffi::export(Debug)]
pub struct PartialRequest {
    /// The daily key it is for: give it to [`PendingOpening::accept`] with each answer.
    pub daily_key_id: u16,
    /// The signed request: send it to every office of `responders`.
    pub request: Vec<u8>,
    /// The committee offices the request names (16-byte ids, in member order): each must answer.
    pub responders: Vec<Vec<u8>>,
}

#[uniffi::export]
impl ThresholdOpening {
    /// Adds a venue's consent response to `request` (one of this office's requests); returns the
    /// number of its entries.
    ///
    /// # Errors
    /// `Tracing` (a decode kind, `binding_mismatch`); `Committee` (`invalid_state` after
    /// [`request_partials`](Self::request_partials)); `Poisoned`.
    pub fn add_consent_response(&self, response: Vec<u8>, request: Arc<TracingRequest>) -> Result<u64, LucaError> {
        if request.inner.health_office_id() != lock(&self.office.inner)?.id() {
            return Err(TracingError::from(OpenError::BindingMismatch { field: "health_office_id" }).into());
        }
        let parsed = ConsentResponseIn::from_slice(&response).map_err(TracingError::from)?;
        let entries = parsed.bind(&request.inner).map_err(TracingError::from)?.entries().count();
        let mut added = lock(&self.added)?;
        let Some(list) = added.as_mut() else {
            return Err(LucaError::invalid_state("the partials were requested already"));
        };
        list.push(Added::Consent(response, request));
        Ok(count(entries))
    }

    /// Adds a history share (as fetched from the server by TAN).
    ///
    /// # Errors
    /// `Tracing` (a decode kind); `Committee` (`invalid_state` after
    /// [`request_partials`](Self::request_partials)); `Poisoned`.
    pub fn add_history_share(&self, share: Vec<u8>) -> Result<(), LucaError> {
        HistoryShareIn::from_slice(&share).map_err(TracingError::from)?;
        let mut added = lock(&self.added)?;
        let Some(list) = added.as_mut() else {
            return Err(LucaError::invalid_state("the partials were requested already"));
        };
        list.push(Added::History(share));
        Ok(())
    }

    /// Opens what the office's own keys open and signs one partial-decryption request per threshold
    /// daily key among the rest, valid from `now` for `validity_secs` (at most an hour), carrying
    /// `authorization` (what the members' policies check) and naming the members asked: of
    /// `responders` (16-byte office ids in order of preference, this office among them if it
    /// answers its own request), the first `t` on the key's committee. Every one of them must
    /// answer; if one does not, make a new opening naming another. Runs once; on error nothing is
    /// consumed.
    ///
    /// # Errors
    /// `Tracing` (as [`HealthOffice::open_consent_response`]; a decode kind for a validity of 0 or
    /// above an hour, an authorization above 64 KiB or a responder id that is not 16 bytes;
    /// `too_few` if fewer than `t` responders are on a key's committee); `Committee`
    /// (`invalid_state` if called twice); `Poisoned`.
    pub fn request_partials(
        &self,
        now: u64,
        validity_secs: u64,
        authorization: Vec<u8>,
        responders: Vec<Vec<u8>>,
    ) -> Result<Arc<PendingOpening>, LucaError> {
        let responders =
            responders.iter().map(|id| health_office_id(id)).collect::<Result<Vec<HealthOfficeId>, LucaError>>()?;
        let mut added = lock(&self.added)?;
        let Some(list) = added.as_ref() else {
            return Err(LucaError::invalid_state("the partials were requested already"));
        };
        let office = lock(&self.office.inner)?;
        let mut opening = office.threshold_opening();
        for item in list {
            match item {
                Added::Consent(bytes, request) => {
                    opening.add_consent_response(bytes, &request.inner)?;
                }
                Added::History(bytes) => opening.add_history_share(bytes)?,
            }
        }
        let pending = opening.request_partials(UnixTime(now), validity_secs, &authorization, &responders)?;
        let requests = pending
            .requests()
            .map(|r| {
                let committee = office.committee_key(r.daily_key_id()).map(|k| k.committee);
                let responders = r
                    .responders()
                    .iter()
                    .filter_map(|&i| committee.as_ref()?.member(i).ok().map(|m| m.office.as_bytes().to_vec()))
                    .collect();
                PartialRequest { daily_key_id: r.daily_key_id().0, request: r.as_bytes().to_vec(), responders }
            })
            .collect();
        drop(office);
        *added = None;
        Ok(Arc::new(PendingOpening { requests, state: Mutex::new(Some(pending)) }))
    }
}

/// A threshold opening waiting for the committee's partial decryptions: send each of
/// [`requests`](Self::requests) to the members, hand every answer to [`accept`](Self::accept),
/// then [`finish`](Self::finish) (once).
#[derive(uniffi::Object)]
pub struct PendingOpening {
    requests: Vec<PartialRequest>,
    state: Mutex<Option<luca_healthoffice::PendingOpening>>,
}

impl core::fmt::Debug for PendingOpening {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("PendingOpening").field("requests", &self.requests.len()).finish_non_exhaustive()
    }
}

/// A history share of a threshold opening: opened, or why not.
#[derive(Debug, uniffi::Record)]
#[uniffi::export(Debug)]
pub struct OpenedHistoryResult {
    /// The opened history, if it opened.
    pub history: Option<Arc<OpenedHistory>>,
    /// Else why (stable kind: `too_few`, `unknown_daily_key`, `decryption_failed`, …).
    pub error_kind: Option<String>,
}

/// The result of [`PendingOpening::finish`].
#[derive(Debug, uniffi::Record)]
#[uniffi::export(Debug)]
pub struct ThresholdOpened {
    /// The consent responses, in the order added, as [`HealthOffice::open_consent_response`] gives
    /// them: a guest QR whose daily key did not get `t` valid partials is `unreadable` (`too_few`).
    pub consents: Vec<OpenedConsent>,
    /// The history shares, in the order added.
    pub histories: Vec<OpenedHistoryResult>,
}

#[uniffi::export]
impl PendingOpening {
    /// The requests to send to the committee members, one per daily key, ascending by key id.
    pub fn requests(&self) -> Vec<PartialRequest> {
        self.requests.clone()
    }

    /// Accepts one member's answer (as received) to the request for `daily_key_id`; returns the
    /// member's index. A rejected answer is not kept (ask another member).
    ///
    /// # Errors
    /// `Tracing`: `unknown_daily_key` (no request for it), a decode kind, `wrong_partial` (naming
    /// the member whose partials are wrong, replayed or for another request), `bad_signature`,
    /// `not_a_member`; `Committee` (`invalid_state` after [`finish`](Self::finish)); `Poisoned`.
    pub fn accept(&self, daily_key_id: u16, response: Vec<u8>) -> Result<u16, LucaError> {
        let mut state = lock(&self.state)?;
        let pending = state.as_mut().ok_or_else(|| LucaError::invalid_state("the opening is finished"))?;
        Ok(pending.accept(DailyKeyId(daily_key_id), &response)?)
    }

    /// Combines the accepted partials of each daily key and opens every waiting entry.
    ///
    /// # Errors
    /// `Committee` (`invalid_state` if called twice); `Poisoned`.
    pub fn finish(&self) -> Result<ThresholdOpened, LucaError> {
        let pending = lock(&self.state)?.take().ok_or_else(|| LucaError::invalid_state("the opening is finished"))?;
        let opened = pending.finish();
        Ok(ThresholdOpened {
            consents: opened.consents.into_iter().map(OpenedConsent::from_core).collect(),
            histories: opened
                .histories
                .into_iter()
                .map(|h| match h {
                    Ok(inner) => {
                        OpenedHistoryResult { history: Some(Arc::new(OpenedHistory { inner })), error_kind: None }
                    }
                    Err(e) => OpenedHistoryResult { history: None, error_kind: Some(e.kind().to_owned()) },
                })
                .collect(),
        })
    }
}
