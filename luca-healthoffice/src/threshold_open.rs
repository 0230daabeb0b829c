//! The tracing office's side of threshold daily keys (PROTOCOL.md §13): open consent responses and
//! history shares whose guest QRs are sealed to daily keys of which it holds only a share.
//!
//! ```text
//! HealthOffice::threshold_opening ─► ThresholdOpening
//!   .add_consent_response(bytes, &tracing_request) / .add_history_share(bytes)   (any number)
//!   .request_partials(now, validity, authorization, responders) ─► PendingOpening
//!     .requests()                      one PartialDecryptionRequest per daily key: send to its responders
//!     .accept(daily_key_id, response)  each co-office's answer (and this office's own), verified
//!     .finish() ─► ThresholdOpened { consents: Vec<OpenedConsent>, histories }
//! ```
//!
//! The results are the types of [`HealthOffice::open_consent_response`] and
//! [`HealthOffice::open_history_share`], so [`HealthOffice::decrypt_contact`] and the rest of the
//! tracing flow work unchanged. Entries that need no committee (badge check-ins, guest QRs of a
//! whole daily key this office holds) are opened directly when added.

use luca_protocol::error::{DecodeError, OpenError};
use luca_protocol::ids::{DailyKeyId, HealthOfficeId, RequestId, TraceId, VenueId};
use luca_protocol::messages::additional_data::AdditionalDataContent;
use luca_protocol::messages::checkin_record::{CheckInSource, InnerRecord};
use luca_protocol::messages::consent_response::{BoundConsentEntry, ConsentEntry, ConsentResponseIn};
use luca_protocol::messages::history_share::{HistoryShareIn, OpenedHistoryShare};
use luca_protocol::messages::tracing_request::TracingRequest;
use luca_protocol::qr::guest::GuestCheckInQr;
use luca_protocol::threshold::partial::{
    CombinedPartials, PartialDecryptionRequest, PartialDecryptionResponse, PartialDecryptionResponseIn, combine,
};
use luca_protocol::threshold::{Committee, PublicShares, ThresholdError};
use luca_protocol::time::{UnixMinute, UnixTime};
use rayon::prelude::*;

use crate::error::TracingError;
use crate::{ConsentedCheckIn, HealthOffice, OpenedConsent, UnreadableCheckIn};

/// Longest authorization a partial-decryption request carries (what its decoder accepts), in bytes.
pub const MAX_AUTHORIZATION_LEN: usize = 64 * 1024;

/// What a consent entry is, apart from its inner record.
struct EntryMeta {
    venue_id: VenueId,
    trace_id: TraceId,
    minute: UnixMinute,
    source: CheckInSource,
    additional: Option<AdditionalDataContent>,
}

impl EntryMeta {
    fn opened(self, secrets: luca_protocol::qr::guest::CheckInSecrets) -> ConsentedCheckIn {
        ConsentedCheckIn {
            venue_id: self.venue_id,
            trace_id: self.trace_id,
            minute: self.minute,
            source: self.source,
            secrets,
            additional: self.additional,
        }
    }

    fn unreadable(self, error: TracingError) -> UnreadableCheckIn {
        UnreadableCheckIn { trace_id: self.trace_id, minute: self.minute, source: self.source, error }
    }
}

/// One check-in of a consent response: opened (or unreadable) already, or waiting for partials.
enum Slot {
    Done(Result<ConsentedCheckIn, UnreadableCheckIn>),
    Pending { meta: EntryMeta, qr: GuestCheckInQr },
}

/// One history share: opened (or failed) already, or waiting for partials.
enum HistorySlot {
    Done(Result<OpenedHistoryShare, TracingError>),
    Pending(HistoryShareIn),
}

struct ConsentSlots {
    venue_id: VenueId,
    request_id: RequestId,
    slots: Vec<Slot>,
}

/// Consent responses and history shares collected for one threshold opening (see the module
/// documentation). Borrows the office, which opens what needs no committee as it is added.
pub struct ThresholdOpening<'o> {
    office: &'o HealthOffice,
    consents: Vec<ConsentSlots>,
    histories: Vec<HistorySlot>,
}

impl core::fmt::Debug for ThresholdOpening<'_> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("ThresholdOpening")
            .field("consents", &self.consents.len())
            .field("histories", &self.histories.len())
            .finish_non_exhaustive()
    }
}

/// One request of a [`PendingOpening`], with the committee data to check its answers.
struct PendingRequest {
    request: PartialDecryptionRequest,
    committee: Committee,
    public: PublicShares,
    responses: Vec<PartialDecryptionResponse>,
}

/// A threshold opening waiting for the committee's partial decryptions: send each of
/// [`requests`](Self::requests) to the members (this office included), hand every answer to
/// [`accept`](Self::accept), then [`finish`](Self::finish).
#[must_use = "the requests must be sent and the answers accepted, then finish opens"]
pub struct PendingOpening {
    requests: Vec<PendingRequest>,
    consents: Vec<ConsentSlots>,
    histories: Vec<HistorySlot>,
}

impl core::fmt::Debug for PendingOpening {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("PendingOpening")
            .field("requests", &self.requests.len())
            .field("consents", &self.consents.len())
            .field("histories", &self.histories.len())
            .finish_non_exhaustive()
    }
}

/// The result of [`PendingOpening::finish`].
#[derive(Debug)]
#[must_use]
pub struct ThresholdOpened {
    /// The consent responses, in the order added, each as [`HealthOffice::open_consent_response`]
    /// gives it: a guest QR whose daily key did not get `t` valid partials lands in
    /// [`OpenedConsent::unreadable`] with [`TracingError::Threshold`] ([`ThresholdError::TooFew`]).
    pub consents: Vec<OpenedConsent>,
    /// The history shares, in the order added, each opened or why not.
    pub histories: Vec<Result<OpenedHistoryShare, TracingError>>,
}

impl HealthOffice {
    /// Starts a threshold opening of consent responses and history shares (see
    /// [`ThresholdOpening`]).
    pub fn threshold_opening(&self) -> ThresholdOpening<'_> {
        ThresholdOpening { office: self, consents: Vec::new(), histories: Vec::new() }
    }

    /// Whether this office holds a share of threshold daily key `id`.
    fn holds_share(&self, id: DailyKeyId) -> bool {
        self.committee_keys.contains_key(&id.0)
    }
}

impl ThresholdOpening<'_> {
    /// Adds a venue's consent response to `request` (one of this office's): checked and its
    /// entries opened with the office's encryption key exactly as by
    /// [`HealthOffice::open_consent_response`] (in parallel on rayon's current pool); badge
    /// check-ins, and guest QRs that a whole daily key this office holds opens, are opened now;
    /// the other guest QRs of daily keys of which it holds a share wait for partials. Returns the
    /// number of entries.
    ///
    /// # Errors
    /// As [`HealthOffice::open_consent_response`]; on error nothing is added.
    pub fn add_consent_response(&mut self, bytes: &[u8], request: &TracingRequest) -> Result<usize, TracingError> {
        let office = self.office;
        if request.health_office_id() != office.id {
            return Err(OpenError::BindingMismatch { field: "health_office_id" }.into());
        }
        let response = ConsentResponseIn::from_slice(bytes)?;
        let bound = response.bind(request)?;
        let venue_id = request.venue_id();
        let handles: Vec<BoundConsentEntry<'_>> = bound.entries().collect();
        let slots: Vec<Result<Slot, OpenError>> =
            handles.par_iter().map(|h| h.open(office.encryption_key()).map(|e| slot_of(office, venue_id, e))).collect();
        let slots = slots.into_iter().collect::<Result<Vec<_>, _>>()?;
        let n = slots.len();
        self.consents.push(ConsentSlots { venue_id, request_id: request.request_id(), slots });
        Ok(n)
    }

    /// Adds a history share (as fetched from the server by TAN): opened now if a whole daily key
    /// this office holds opens it, else waiting for partials if it holds a share of its daily key
    /// (else the [`HealthOffice::open_history_share`] error is its result).
    ///
    /// # Errors
    /// [`TracingError::Decode`] if malformed (nothing is added).
    pub fn add_history_share(&mut self, bytes: &[u8]) -> Result<(), TracingError> {
        let share = HistoryShareIn::from_slice(bytes)?;
        let slot = match self.office.open_history_share(bytes) {
            Err(_) if self.office.holds_share(share.daily_key_id()) => HistorySlot::Pending(share),
            direct => HistorySlot::Done(direct),
        };
        self.histories.push(slot);
        Ok(())
    }

    /// Signs one [`PartialDecryptionRequest`] per daily key among the waiting guest QRs and
    /// history shares, for all their encs, valid from `now` for `validity_secs` (at most an
    /// hour), carrying `authorization` (what the co-offices' policy checks: for example the signed
    /// tracing requests or the TAN case the encs come from), and naming the members asked: of
    /// `responders` (offices in order of preference, this office among them if it should answer
    /// its own request), the first `t` that are on the key's committee. Every one of them must
    /// answer (each applies its Lagrange coefficient over that set, PROTOCOL.md §13.3); if one
    /// does not, make a new opening naming another.
    ///
    /// # Errors
    /// [`TracingError::Decode`] (`too_long`) for an authorization above
    /// [`MAX_AUTHORIZATION_LEN`] (co-offices would not decode the request);
    /// [`TracingError::Threshold`] with [`ThresholdError::TooFew`] if fewer than `t` of
    /// `responders` are on a key's committee, with [`ThresholdError::Decode`] for a validity of 0
    /// or above an hour, or more than 65,535 encs under one daily key.
    pub fn request_partials(
        self,
        now: UnixTime,
        validity_secs: u64,
        authorization: &[u8],
        responders: &[HealthOfficeId],
    ) -> Result<PendingOpening, TracingError> {
        if authorization.len() > MAX_AUTHORIZATION_LEN {
            return Err(DecodeError::TooLong { max: MAX_AUTHORIZATION_LEN, got: authorization.len() }.into());
        }
        let office = self.office;
        let mut encs: std::collections::BTreeMap<u16, Vec<[u8; 65]>> = std::collections::BTreeMap::new();
        for c in &self.consents {
            for s in &c.slots {
                if let Slot::Pending { qr, .. } = s {
                    encs.entry(qr.daily_key_id().0).or_default().push(qr.enc());
                }
            }
        }
        for h in &self.histories {
            if let HistorySlot::Pending(share) = h {
                encs.entry(share.daily_key_id().0).or_default().push(share.enc());
            }
        }
        let mut requests = Vec::with_capacity(encs.len());
        for (id, encs) in encs {
            // `needs_committee` put only keys with a held share here.
            let key = office.committee_keys.get(&id).ok_or(TracingError::UnknownDailyKey)?;
            let t = usize::from(key.committee.threshold());
            let mut asked: Vec<u16> = Vec::with_capacity(t);
            for office_id in responders {
                if let Some(m) = key.committee.member_of(*office_id)
                    && asked.len() < t
                    && !asked.contains(&m.index)
                {
                    asked.push(m.index);
                }
            }
            if asked.len() < t {
                return Err(ThresholdError::TooFew { needed: t, got: asked.len() }.into());
            }
            asked.sort_unstable();
            let request = PartialDecryptionRequest::sign(
                office.signing_key(),
                office.id,
                DailyKeyId(id),
                now,
                validity_secs,
                authorization,
                &asked,
                &encs,
            )?;
            requests.push(PendingRequest {
                request,
                committee: key.committee.clone(),
                public: key.public.clone(),
                responses: Vec::new(),
            });
        }
        Ok(PendingOpening { requests, consents: self.consents, histories: self.histories })
    }
}

/// A consent entry's slot: opened now if the office's own keys open it (badge keys, whole daily
/// keys), else pending if it is a guest QR of a daily key the office holds a share of.
fn slot_of(office: &HealthOffice, venue_id: VenueId, e: ConsentEntry) -> Slot {
    let meta = EntryMeta {
        venue_id,
        trace_id: e.trace_id,
        minute: e.checkin_minute,
        source: e.inner.source(),
        additional: e.additional,
    };
    // Without a whole key of the id this fails at once (`unknown_daily_key`), without crypto.
    match (office.open_inner_record(&e.inner), e.inner) {
        (Ok(secrets), _) => Slot::Done(Ok(meta.opened(secrets))),
        (Err(_), InnerRecord::Guest(qr)) if office.holds_share(qr.daily_key_id()) => Slot::Pending { meta, qr },
        (Err(error), _) => Slot::Done(Err(meta.unreadable(error))),
    }
}

impl PendingOpening {
    /// The requests to send to the committee members, one per daily key, ascending by key id.
    pub fn requests(&self) -> impl Iterator<Item = &PartialDecryptionRequest> {
        self.requests.iter().map(|r| &r.request)
    }

    /// Accepts one member's answer (as received) to the request for `daily_key_id`: it must be
    /// signed by a committee member, answer exactly that request and carry a valid DLEQ proof for
    /// every partial. Returns the member's index. A rejected answer is not kept (ask another
    /// member).
    ///
    /// # Errors
    /// [`TracingError::UnknownDailyKey`] if no request is for `daily_key_id`;
    /// [`TracingError::Decode`] if malformed; [`TracingError::Threshold`] with
    /// [`ThresholdError::WrongPartial`] naming the member whose partials are wrong, replayed or
    /// for another request, [`ThresholdError::BadSignature`] or [`ThresholdError::NotAMember`].
    pub fn accept(&mut self, daily_key_id: DailyKeyId, response: &[u8]) -> Result<u16, TracingError> {
        let pending = self
            .requests
            .iter_mut()
            .find(|r| r.request.daily_key_id() == daily_key_id)
            .ok_or(TracingError::UnknownDailyKey)?;
        let verified = PartialDecryptionResponseIn::from_slice(response)?.verify(
            &pending.request,
            &pending.committee,
            &pending.public,
        )?;
        let member = verified.member();
        pending.responses.push(verified);
        Ok(member)
    }

    /// Combines the accepted partials of each daily key (the sum of every responder's partial)
    /// and opens every waiting guest QR and history share, the guest QRs in parallel on rayon's
    /// current pool. Entries keep the order of their responses; the result does not depend on the
    /// thread count.
    pub fn finish(self) -> ThresholdOpened {
        let combined: Vec<(DailyKeyId, Result<CombinedPartials, ThresholdError>)> = self
            .requests
            .iter()
            .map(|r| (r.request.daily_key_id(), combine(&r.request, &r.public, &r.responses)))
            .collect();
        let for_key = |id: DailyKeyId| -> Result<&CombinedPartials, TracingError> {
            match combined.iter().find(|(k, _)| *k == id) {
                Some((_, Ok(c))) => Ok(c),
                Some((_, Err(e))) => Err(TracingError::Threshold(e.clone())),
                None => Err(TracingError::UnknownDailyKey),
            }
        };
        let consents = self
            .consents
            .into_iter()
            .map(|c| {
                let opened: Vec<Result<ConsentedCheckIn, UnreadableCheckIn>> = c
                    .slots
                    .into_par_iter()
                    .map(|slot| match slot {
                        Slot::Done(r) => r,
                        Slot::Pending { meta, qr } => {
                            match for_key(qr.daily_key_id()).and_then(|k| Ok(qr.open_threshold(k)?)) {
                                Ok(secrets) => Ok(meta.opened(secrets)),
                                Err(error) => Err(meta.unreadable(error)),
                            }
                        }
                    })
                    .collect();
                let mut check_ins = Vec::with_capacity(opened.len());
                let mut unreadable = Vec::new();
                for r in opened {
                    match r {
                        Ok(ci) => check_ins.push(ci),
                        Err(u) => unreadable.push(u),
                    }
                }
                OpenedConsent { venue_id: c.venue_id, request_id: c.request_id, check_ins, unreadable }
            })
            .collect();
        let histories = self
            .histories
            .into_iter()
            .map(|h| match h {
                HistorySlot::Done(r) => r,
                HistorySlot::Pending(share) => for_key(share.daily_key_id()).and_then(|k| Ok(share.open_threshold(k)?)),
            })
            .collect();
        ThresholdOpened { consents, histories }
    }
}
