//! Tracing: history shares, trace ids, matching against the server's
//! check-in records, tracing requests, consent responses, contact data and
//! notification lists.

use core::fmt;
use core::ops::RangeInclusive;
use std::collections::HashMap;

use luca_protocol::badge_serial::BadgeSerial;
use luca_protocol::derive;
use luca_protocol::error::OpenError;
use luca_protocol::ids::{BadgeKeyId, RequestId, TraceId, UserId, VenueId};
use luca_protocol::messages::additional_data::AdditionalDataContent;
use luca_protocol::messages::checkin_record::{CheckInRecordIn, CheckInSource, InnerRecord};
use luca_protocol::messages::consent_response::ConsentResponseIn;
use luca_protocol::messages::contact_data::{ContactDataIn, ContactFields};
use luca_protocol::messages::history_share::{HistoryShareIn, OpenedHistoryShare};
use luca_protocol::messages::notification_list::{MAX_LEVEL, NotificationList};
use luca_protocol::messages::tracing_request::{TracingRequest, TracingWindow};
use luca_protocol::qr::guest::CheckInSecrets;
use luca_protocol::secrets::BadgeTraceKey;
use luca_protocol::tan::Tan;
use luca_protocol::time::{UnixMinute, UnixTime, UtcDay};
use rand_core::CryptoRng;

use crate::HealthOffice;
use crate::error::TracingError;

/// Most days [`trace_ids_of_badge`] computes at once: the retention of check-in records (28 days).
pub const MAX_BADGE_DAYS: u32 = 28;

/// One of the server's check-in records whose trace id belongs to a traced history.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct HistoryMatch {
    /// The check-in minute.
    pub minute: UnixMinute,
    /// The venue the record names (authenticated only when the venue opens it on consent).
    pub venue_id: VenueId,
    /// The record's trace id.
    pub trace_id: TraceId,
}

impl HistoryMatch {
    /// The tracing window around this check-in: from `before_secs` before the
    /// check-in minute to `after_secs` after it (saturating).
    pub fn window(&self, before_secs: u64, after_secs: u64) -> TracingWindow {
        let at = self.minute.start();
        TracingWindow { from: at.minus_secs(before_secs), to: at.plus_secs(after_secs) }
    }
}

/// Every (trace id, minute) of a shared history: 1,440 per shared day, computed by the office itself.
pub fn trace_ids_of_history(share: &OpenedHistoryShare) -> Vec<(TraceId, UnixMinute)> {
    share
        .days
        .iter()
        .flat_map(|(day, secret)| day.minutes().map(move |m| (derive::guest_trace_id(secret, &share.user_id, m), m)))
        .collect()
}

/// Every (trace id, minute) of a badge over `days` (inclusive), from its printed serial:
/// `trace_id(badge_checkout_proof(trace_key, minute))`, 1,440 per day.
///
/// Derives the badge secrets first (one Argon2id evaluation of 32 MiB, about
/// a second in an optimised build).
///
/// # Errors
/// [`TracingError::InvalidDayRange`] if the range is empty or longer than
/// [`MAX_BADGE_DAYS`]; [`TracingError::Crypto`] never in practice.
pub fn trace_ids_of_badge(
    serial: &BadgeSerial,
    days: RangeInclusive<UtcDay>,
) -> Result<Vec<(TraceId, UnixMinute)>, TracingError> {
    let (first, last) = (*days.start(), *days.end());
    let count = last.0.checked_sub(first.0).and_then(|d| d.checked_add(1)).ok_or(TracingError::InvalidDayRange)?;
    if count > MAX_BADGE_DAYS {
        return Err(TracingError::InvalidDayRange);
    }
    let secrets = serial.derive_secrets()?;
    Ok(badge_trace_ids(&secrets.trace_key, first, count))
}

fn badge_trace_ids(trace_key: &BadgeTraceKey, first: UtcDay, count: u32) -> Vec<(TraceId, UnixMinute)> {
    (0..count)
        .map(|i| first.plus_days(i))
        .flat_map(|day| day.minutes())
        .map(|m| (derive::trace_id(&derive::badge_checkout_proof(trace_key, m)), m))
        .collect()
}

/// The records among `records` (encoded check-in records, as the server
/// stores them) whose trace id and minute are in `trace_ids`.
///
/// Linear in the number of records (one hash-map lookup each). A record that
/// does not decode is skipped: it has no trace id to match (the server
/// validated every record on receipt). A trace id listed with another minute
/// than the record's does not match. The result is sorted by (minute, venue,
/// trace id), without repetitions.
pub fn match_trace_ids<I>(trace_ids: &[(TraceId, UnixMinute)], records: I) -> Vec<HistoryMatch>
where
    I: IntoIterator,
    I::Item: AsRef<[u8]>,
{
    let index: HashMap<TraceId, UnixMinute> = trace_ids.iter().copied().collect();
    let mut out: Vec<HistoryMatch> = records
        .into_iter()
        .filter_map(|bytes| CheckInRecordIn::from_slice(bytes.as_ref()).ok())
        .filter(|r| index.get(&r.trace_id()) == Some(&r.checkin_minute()))
        .map(|r| HistoryMatch { minute: r.checkin_minute(), venue_id: r.venue_id(), trace_id: r.trace_id() })
        .collect();
    out.sort_unstable();
    out.dedup();
    out
}

/// The check-ins of a shared history among the server's `records`:
/// [`trace_ids_of_history`] then [`match_trace_ids`].
pub fn match_check_ins<I>(history: &OpenedHistoryShare, records: I) -> Vec<HistoryMatch>
where
    I: IntoIterator,
    I::Item: AsRef<[u8]>,
{
    match_trace_ids(&trace_ids_of_history(history), records)
}

/// One check-in of a consent response, opened down to the guest's (or badge's) secrets.
///
/// `Debug` prints the venue, trace id, minute and source only.
pub struct ConsentedCheckIn {
    /// The consenting venue.
    pub venue_id: VenueId,
    /// The check-in's trace id.
    pub trace_id: TraceId,
    /// The check-in minute.
    pub minute: UnixMinute,
    /// Guest app or badge.
    pub source: CheckInSource,
    /// The guest's user id and data secret (open its contact data with [`HealthOffice::decrypt_contact`]).
    pub secrets: CheckInSecrets,
    /// The additional data (table number, guest name for a private meeting), if any.
    pub additional: Option<AdditionalDataContent>,
}

impl fmt::Debug for ConsentedCheckIn {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ConsentedCheckIn")
            .field("venue_id", &self.venue_id)
            .field("trace_id", &self.trace_id)
            .field("minute", &self.minute)
            .field("source", &self.source)
            .finish_non_exhaustive()
    }
}

/// A check-in of a consent response whose inner record did not open.
#[derive(Debug)]
pub struct UnreadableCheckIn {
    /// The check-in's trace id.
    pub trace_id: TraceId,
    /// The check-in minute.
    pub minute: UnixMinute,
    /// Guest app or badge.
    pub source: CheckInSource,
    /// Why it did not open (e.g. a daily key this office does not hold, or a guest QR that was garbage).
    pub error: TracingError,
}

/// The result of [`HealthOffice::open_consent_response`].
#[derive(Debug)]
pub struct OpenedConsent {
    /// The consenting venue.
    pub venue_id: VenueId,
    /// The tracing request the response answers.
    pub request_id: RequestId,
    /// The check-ins whose inner records opened, in the response's order (minute, trace id).
    pub check_ins: Vec<ConsentedCheckIn>,
    /// The check-ins whose inner records did not open: one bad check-in does not hide the others.
    pub unreadable: Vec<UnreadableCheckIn>,
}

/// A traced contact: decrypted, verified contact data and where and when it checked in.
///
/// Personal data: `Debug` prints only the venue, trace id and minute. Every
/// field is attacker-controlled text (validated by the protocol, but export it
/// with [`crate::export`]).
#[derive(Clone, PartialEq, Eq)]
pub struct Contact {
    /// The guest's (or badge's) user id.
    pub user_id: UserId,
    /// The check-in's trace id.
    pub trace_id: TraceId,
    /// The check-in minute.
    pub minute: UnixMinute,
    /// The venue.
    pub venue_id: VenueId,
    /// The decrypted contact fields.
    pub fields: ContactFields,
    /// The table number from the additional data, if any.
    pub table: Option<u16>,
}

impl fmt::Debug for Contact {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Contact")
            .field("venue_id", &self.venue_id)
            .field("trace_id", &self.trace_id)
            .field("minute", &self.minute)
            .field("user_id", &"<redacted>")
            .field("fields", &"<redacted>")
            .field("table", &"<redacted>")
            .finish()
    }
}

impl HealthOffice {
    /// Opens the inner record of a check-in: a guest QR with the daily key it
    /// names, a badge attestation with the badge key it names (the
    /// attestation's HPKE AAD binds its badge key id and trace key; the
    /// registrar's signature is the scanner's check).
    ///
    /// # Errors
    /// [`TracingError::UnknownDailyKey`] / [`TracingError::UnknownBadgeKey`]
    /// if no key with that id is held; [`TracingError::Open`]
    /// (`decryption_failed`) if none of the held keys with that id opens it.
    pub fn open_inner_record(&self, inner: &InnerRecord) -> Result<CheckInSecrets, TracingError> {
        match inner {
            InnerRecord::Guest(qr) => {
                first_that_opens(self.daily.candidates(qr.daily_key_id().0), TracingError::UnknownDailyKey, |k| {
                    qr.open(k)
                })
            }
            InnerRecord::Badge(att) => {
                let BadgeKeyId(id) = att.badge_key_id();
                first_that_opens(self.badge.candidates(id), TracingError::UnknownBadgeKey, |k| {
                    att.open_unverified(k).map(|(user_id, data_secret)| CheckInSecrets { user_id, data_secret })
                })
            }
        }
    }

    /// Opens a history share (fetched from the server by TAN) with the daily key it names.
    ///
    /// # Errors
    /// [`TracingError::Decode`] if malformed, [`TracingError::UnknownDailyKey`],
    /// [`TracingError::Open`] if it does not open or its plaintext breaks the rules.
    pub fn open_history_share(&self, bytes: &[u8]) -> Result<OpenedHistoryShare, TracingError> {
        let share = HistoryShareIn::from_slice(bytes)?;
        first_that_opens(self.daily.candidates(share.daily_key_id().0), TracingError::UnknownDailyKey, |k| {
            share.open(k)
        })
    }

    /// The TAN flow: validates the TAN as the guest read it out (check
    /// character, before anything is fetched), fetches the share with
    /// `lookup` (the server query; `None` if nothing is stored under the TAN)
    /// and opens it.
    ///
    /// # Errors
    /// [`TracingError::Tan`], [`TracingError::HistoryNotFound`], then as
    /// [`open_history_share`](Self::open_history_share).
    pub fn fetch_history(
        &self,
        tan_text: &str,
        lookup: impl FnOnce(&Tan) -> Option<Vec<u8>>,
    ) -> Result<OpenedHistoryShare, TracingError> {
        let tan = Tan::parse(tan_text)?;
        let bytes = lookup(&tan).ok_or(TracingError::HistoryNotFound)?;
        self.open_history_share(&bytes)
    }

    /// Signs a tracing request to `venue_id` for `window`, valid for `valid_for_secs` from `now`.
    ///
    /// # Errors
    /// [`TracingError::Decode`] if the window or validity break the request's
    /// rules (window at most 7 days, lifetime at most 14 days).
    pub fn request_tracing<R: CryptoRng>(
        &self,
        rng: &mut R,
        venue_id: VenueId,
        window: TracingWindow,
        now: UnixTime,
        valid_for_secs: u64,
    ) -> Result<TracingRequest, TracingError> {
        Ok(TracingRequest::sign(
            self.signing_key(),
            RequestId::random(rng),
            self.id,
            venue_id,
            window,
            now,
            now.plus_secs(valid_for_secs),
        )?)
    }

    /// Opens a venue's consent response to `request` (one of this office's
    /// requests) and the inner record of each check-in in it, with the
    /// additional data content.
    ///
    /// The response as a whole must be authentic ([`ConsentResponseIn::open`]:
    /// bound to this request, this office and the venue, every entry in the
    /// window and bound to its trace id and minute); each inner record is then
    /// opened on its own, and one that does not open lands in
    /// [`OpenedConsent::unreadable`] without hiding the others.
    ///
    /// # Errors
    /// [`TracingError::Open`] with `BindingMismatch { field: "health_office_id" }`
    /// if `request` is not this office's; [`TracingError::Decode`] if the
    /// response is malformed; [`TracingError::Open`] if it is not bound to
    /// `request` or a part does not decrypt.
    pub fn open_consent_response(&self, bytes: &[u8], request: &TracingRequest) -> Result<OpenedConsent, TracingError> {
        if request.health_office_id() != self.id {
            return Err(OpenError::BindingMismatch { field: "health_office_id" }.into());
        }
        let entries = ConsentResponseIn::from_slice(bytes)?.open(request, self.encryption_key())?;
        let venue_id = request.venue_id();
        let mut check_ins = Vec::with_capacity(entries.len());
        let mut unreadable = Vec::new();
        for e in entries {
            let source = e.inner.source();
            match self.open_inner_record(&e.inner) {
                Ok(secrets) => check_ins.push(ConsentedCheckIn {
                    venue_id,
                    trace_id: e.trace_id,
                    minute: e.checkin_minute,
                    source,
                    secrets,
                    additional: e.additional,
                }),
                Err(error) => {
                    unreadable.push(UnreadableCheckIn { trace_id: e.trace_id, minute: e.checkin_minute, source, error })
                }
            }
        }
        Ok(OpenedConsent { venue_id, request_id: request.request_id(), check_ins, unreadable })
    }

    /// Decrypts and verifies the contact data (as stored by the server under
    /// the guest's user id) of a consented check-in.
    ///
    /// [`ContactDataIn::open`], in order: the data's user id is the
    /// check-in's (`binding_mismatch`, field `user_id`: data swapped between
    /// users), the guest signature verifies under the embedded guest key
    /// (`binding_mismatch`, field `signature`), AES-128-GCM with the key
    /// derived from the check-in's data secret (`decryption_failed`), the
    /// plaintext and its field rules (`Malformed`).
    ///
    /// # Errors
    /// [`TracingError::Decode`] if malformed, [`TracingError::Open`] as listed.
    pub fn decrypt_contact(
        &self,
        contact_data_bytes: &[u8],
        check_in: &ConsentedCheckIn,
    ) -> Result<Contact, TracingError> {
        let opened = ContactDataIn::from_slice(contact_data_bytes)?
            .open(&check_in.secrets.user_id, &check_in.secrets.data_secret)?;
        Ok(Contact {
            user_id: opened.user_id,
            trace_id: check_in.trace_id,
            minute: check_in.minute,
            venue_id: check_in.venue_id,
            table: check_in.additional.as_ref().and_then(|a| a.table),
            fields: opened.fields,
        })
    }

    /// Builds and signs this office's notification list: level 0 for every
    /// trace id in `accessed` (the office accessed that check-in's data),
    /// levels 1..=3 for the contacts in `warned`; padded with dummies and
    /// sorted ([`NotificationList::build`]).
    ///
    /// # Errors
    /// [`TracingError::InvalidLevel`] for a warning level outside 1..=3;
    /// [`TracingError::Decode`] (`too_many_items`) beyond 262,144 hashes.
    pub fn notification_list<R: CryptoRng>(
        &self,
        rng: &mut R,
        accessed: &[TraceId],
        warned: &[(TraceId, u8)],
        now: UnixTime,
    ) -> Result<NotificationList, TracingError> {
        if warned.iter().any(|(_, level)| *level == 0 || *level > MAX_LEVEL) {
            return Err(TracingError::InvalidLevel);
        }
        let entries: Vec<(TraceId, u8)> = accessed.iter().map(|t| (*t, 0)).chain(warned.iter().copied()).collect();
        Ok(NotificationList::build(rng, self.signing_key(), self.id, &entries, now)?)
    }
}

/// Tries each held key with the id in turn (usually one): `missing` if there
/// is none; `decryption_failed` if none decrypts; any other error (the content
/// decrypted but is malformed or contradicts its envelope) at once.
fn first_that_opens<'a, K: 'a, T>(
    candidates: impl Iterator<Item = &'a crate::office::HeldKey<K>>,
    missing: TracingError,
    open: impl Fn(&K) -> Result<T, OpenError>,
) -> Result<T, TracingError> {
    let mut result = Err(missing);
    for held in candidates {
        match open(&held.key) {
            Err(OpenError::DecryptionFailed) => result = Err(OpenError::DecryptionFailed.into()),
            other => return other.map_err(TracingError::from),
        }
    }
    result
}
