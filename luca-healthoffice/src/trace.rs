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
use luca_protocol::messages::consent_response::{BoundConsentEntry, ConsentResponseIn};
use luca_protocol::messages::contact_data::{ContactDataIn, ContactFields};
use luca_protocol::messages::history_share::{HistoryShareIn, OpenedHistoryShare};
use luca_protocol::messages::notification_list::{MAX_LEVEL, NotificationList};
use luca_protocol::messages::tracing_request::{TracingRequest, TracingWindow};
use luca_protocol::qr::guest::CheckInSecrets;
use luca_protocol::secrets::BadgeTraceKey;
use luca_protocol::tan::Tan;
use luca_protocol::time::{MINUTES_PER_DAY, UnixMinute, UnixTime, UtcDay};
use rand_core::CryptoRng;
use rayon::prelude::*;

use crate::HealthOffice;
use crate::error::TracingError;

/// Most days [`trace_ids_of_badge`] computes at once: the retention of check-in records (28 days).
pub const MAX_BADGE_DAYS: u32 = 28;

/// Recommended start of a tracing window before the infected guest's check-in minute, for
/// [`HistoryMatch::window`]: 1 hour, so that guests who arrived earlier and were still there are covered.
pub const RECOMMENDED_WINDOW_BEFORE_SECS: u64 = 3600;
/// Recommended end of a tracing window after the infected guest's check-in minute, for
/// [`HistoryMatch::window`]: 3 hours, a long stay (the checkout, where there is one, narrows it in review).
pub const RECOMMENDED_WINDOW_AFTER_SECS: u64 = 3 * 3600;
/// Recommended lifetime of a tracing request, for [`HealthOffice::request_tracing`]: 1 day for the venue
/// owner to consent (at most [`MAX_LIFETIME_SECS`](luca_protocol::messages::tracing_request::MAX_LIFETIME_SECS)).
pub const RECOMMENDED_REQUEST_LIFETIME_SECS: u64 = 86_400;

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
    /// check-in minute to `after_secs` after it (saturating). Recommended:
    /// [`RECOMMENDED_WINDOW_BEFORE_SECS`], [`RECOMMENDED_WINDOW_AFTER_SECS`].
    pub fn window(&self, before_secs: u64, after_secs: u64) -> TracingWindow {
        let at = self.minute.start();
        TracingWindow { from: at.minus_secs(before_secs), to: at.plus_secs(after_secs) }
    }
}

/// Every (trace id, minute) of a shared history: 1,440 per shared day, computed by the office itself.
///
/// In order: by day, then by minute. Computed in parallel on rayon's current
/// pool (see the crate documentation, "Parallel batches"); the result is the
/// same as [`trace_ids_of_history_sequential`]'s, whatever the thread count.
pub fn trace_ids_of_history(share: &OpenedHistoryShare) -> Vec<(TraceId, UnixMinute)> {
    let user_id = &share.user_id;
    share
        .days
        .par_iter()
        .flat_map(|(day, secret)| {
            minutes_of(*day)
                .into_par_iter()
                .map(move |m| (derive::guest_trace_id(secret, user_id, UnixMinute(m)), UnixMinute(m)))
        })
        .collect()
}

/// [`trace_ids_of_history`] on the calling thread only (no rayon): the reference the parallel version is tested
/// against, and the choice of an embedder that wants no worker threads.
pub fn trace_ids_of_history_sequential(share: &OpenedHistoryShare) -> Vec<(TraceId, UnixMinute)> {
    share
        .days
        .iter()
        .flat_map(|(day, secret)| day.minutes().map(move |m| (derive::guest_trace_id(secret, &share.user_id, m), m)))
        .collect()
}

/// The minutes of `day` as a range (what [`UtcDay::minutes`] iterates), for rayon.
fn minutes_of(day: UtcDay) -> core::ops::Range<u32> {
    let first = day.first_minute().0;
    first..first.saturating_add(MINUTES_PER_DAY)
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

/// The badge's trace ids of `count` days from `first`, by day then minute, in parallel per day.
fn badge_trace_ids(trace_key: &BadgeTraceKey, first: UtcDay, count: u32) -> Vec<(TraceId, UnixMinute)> {
    (0..count)
        .into_par_iter()
        .flat_map(|i| {
            minutes_of(first.plus_days(i)).into_par_iter().map(|m| {
                let m = UnixMinute(m);
                (derive::trace_id(&derive::badge_checkout_proof(trace_key, m)), m)
            })
        })
        .collect()
}

/// Records [`TraceIdIndex::match_records`] decodes and matches per parallel chunk.
pub const MATCH_CHUNK_RECORDS: usize = 4_096;

/// Contacts [`HealthOffice::decrypt_contacts_streamed`] decrypts and verifies per parallel chunk.
pub const DECRYPT_CHUNK_CONTACTS: usize = 1_024;

/// The trace ids of a traced history (or badge), indexed for matching the
/// server's stored check-in records against them.
///
/// Build it once per history ([`of_history`](Self::of_history) or
/// [`new`](Self::new)); its memory is one hash-map entry per trace id (20,160
/// for 14 days), independent of the number of records matched. Matching
/// ([`match_records`](Self::match_records)) consumes any iterator of encoded
/// records, for example a lazy scan of the server's store, in bounded chunks
/// decoded and matched in parallel: memory is the index, one chunk of
/// records and the matches, however many records there are.
///
/// `Debug` prints the number of trace ids only.
#[derive(Clone, Default)]
pub struct TraceIdIndex {
    minutes: HashMap<TraceId, UnixMinute>,
}

impl fmt::Debug for TraceIdIndex {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TraceIdIndex").field("len", &self.minutes.len()).finish()
    }
}

impl TraceIdIndex {
    /// The index of `trace_ids` (trace id, minute); for a trace id listed
    /// twice, the later minute counts.
    pub fn new(trace_ids: &[(TraceId, UnixMinute)]) -> Self {
        Self { minutes: trace_ids.iter().copied().collect() }
    }

    /// The index of every trace id of a shared history ([`trace_ids_of_history`]).
    pub fn of_history(history: &OpenedHistoryShare) -> Self {
        Self::new(&trace_ids_of_history(history))
    }

    /// Number of trace ids indexed.
    pub fn len(&self) -> usize {
        self.minutes.len()
    }

    /// Whether no trace id is indexed (nothing matches).
    pub fn is_empty(&self) -> bool {
        self.minutes.is_empty()
    }

    /// Whether `trace_id` is indexed with exactly `minute`.
    pub fn contains(&self, trace_id: &TraceId, minute: UnixMinute) -> bool {
        self.minutes.get(trace_id) == Some(&minute)
    }

    /// The match of one encoded check-in record: `None` if it does not
    /// decode or its (trace id, minute) is not indexed.
    pub fn match_record(&self, bytes: &[u8]) -> Option<HistoryMatch> {
        let r = CheckInRecordIn::from_slice(bytes).ok()?;
        self.contains(&r.trace_id(), r.checkin_minute()).then(|| HistoryMatch {
            minute: r.checkin_minute(),
            venue_id: r.venue_id(),
            trace_id: r.trace_id(),
        })
    }

    /// The records among `records` (encoded check-in records, as the server
    /// stores them) whose trace id and minute are indexed, sorted by (minute,
    /// venue, trace id), without repetitions.
    ///
    /// Streams: takes [`MATCH_CHUNK_RECORDS`] records at a time from the
    /// iterator (on the calling thread), decodes and matches them in parallel
    /// on rayon's current pool, and drops them on the calling thread before
    /// taking the next chunk (the thread that produced them: freeing memory
    /// on another thread would contend for the allocator); memory is the
    /// index, one chunk and the matches. Linear in the number of records. A record that does not
    /// decode is skipped: it has no trace id to match (the server validated
    /// every record on receipt). The result does not depend on the thread
    /// count or the chunk size.
    pub fn match_records<I>(&self, records: I) -> Vec<HistoryMatch>
    where
        I: IntoIterator,
        I::Item: AsRef<[u8]> + Sync,
    {
        self.match_records_in_chunks(records, MATCH_CHUNK_RECORDS)
    }

    /// [`match_records`](Self::match_records) with `chunk_records` records per
    /// chunk (at least 1): a larger chunk spreads better over many threads, a
    /// smaller one holds less memory.
    pub fn match_records_in_chunks<I>(&self, records: I, chunk_records: usize) -> Vec<HistoryMatch>
    where
        I: IntoIterator,
        I::Item: AsRef<[u8]> + Sync,
    {
        let chunk_records = chunk_records.max(1);
        let mut records = records.into_iter();
        let mut chunk: Vec<I::Item> = Vec::with_capacity(chunk_records);
        let mut out: Vec<HistoryMatch> = Vec::new();
        loop {
            chunk.extend(records.by_ref().take(chunk_records));
            if chunk.is_empty() {
                break;
            }
            out.par_extend(chunk.par_iter().filter_map(|bytes| self.match_record(bytes.as_ref())));
            // Dropped here, by the thread that produced them.
            chunk.clear();
        }
        out.sort_unstable();
        out.dedup();
        out
    }
}

/// The records among `records` (encoded check-in records, as the server
/// stores them) whose trace id and minute are in `trace_ids`:
/// [`TraceIdIndex::new`] then [`TraceIdIndex::match_records`] (streaming, in
/// parallel).
///
/// Linear in the number of records (one hash-map lookup each). A record that
/// does not decode is skipped: it has no trace id to match (the server
/// validated every record on receipt). A trace id listed with another minute
/// than the record's does not match. The result is sorted by (minute, venue,
/// trace id), without repetitions.
pub fn match_trace_ids<I>(trace_ids: &[(TraceId, UnixMinute)], records: I) -> Vec<HistoryMatch>
where
    I: IntoIterator,
    I::Item: AsRef<[u8]> + Sync,
{
    TraceIdIndex::new(trace_ids).match_records(records)
}

/// The check-ins of a shared history among the server's `records`:
/// [`TraceIdIndex::of_history`] then [`TraceIdIndex::match_records`] (as
/// [`trace_ids_of_history`] then [`match_trace_ids`]).
pub fn match_check_ins<I>(history: &OpenedHistoryShare, records: I) -> Vec<HistoryMatch>
where
    I: IntoIterator,
    I::Item: AsRef<[u8]> + Sync,
{
    TraceIdIndex::of_history(history).match_records(records)
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

    /// Signs a tracing request to `venue_id` for `window`, valid for `valid_for_secs` from `now`
    /// (recommended: [`RECOMMENDED_REQUEST_LIFETIME_SECS`]).
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
    /// The response as a whole must be authentic: [`ConsentResponseIn::bind`]
    /// checks it against this request, this office and the venue and every
    /// entry's minute against the window; then each entry is opened
    /// ([`BoundConsentEntry::open`]: bound to the request, its trace id and
    /// minute) together with its inner record, in parallel on rayon's current
    /// pool. Any entry that fails to open rejects the whole response (the
    /// first failing entry in the response's order gives the error); an inner
    /// record that does not open lands in [`OpenedConsent::unreadable`]
    /// without hiding the others. The result, entries in the response's
    /// order, does not depend on the thread count.
    ///
    /// # Errors
    /// [`TracingError::Open`] with `BindingMismatch { field: "health_office_id" }`
    /// if `request` is not this office's; [`TracingError::Decode`] if the
    /// response is malformed; [`TracingError::Open`] if it is not bound to
    /// `request` (a minute outside the window is reported before any part
    /// that does not decrypt) or a part does not decrypt.
    pub fn open_consent_response(&self, bytes: &[u8], request: &TracingRequest) -> Result<OpenedConsent, TracingError> {
        if request.health_office_id() != self.id {
            return Err(OpenError::BindingMismatch { field: "health_office_id" }.into());
        }
        let response = ConsentResponseIn::from_slice(bytes)?;
        let bound = response.bind(request)?;
        let venue_id = request.venue_id();
        let handles: Vec<BoundConsentEntry<'_>> = bound.entries().collect();
        let opened: Vec<Result<Result<ConsentedCheckIn, UnreadableCheckIn>, OpenError>> =
            handles.par_iter().map(|h| self.open_consent_entry(venue_id, h)).collect();
        let mut check_ins = Vec::with_capacity(opened.len());
        let mut unreadable = Vec::new();
        for entry in opened {
            match entry? {
                Ok(c) => check_ins.push(c),
                Err(u) => unreadable.push(u),
            }
        }
        Ok(OpenedConsent { venue_id, request_id: request.request_id(), check_ins, unreadable })
    }

    /// One entry of a bound consent response: the entry (an error rejects the
    /// response), then its inner record (an error makes it unreadable).
    fn open_consent_entry(
        &self,
        venue_id: VenueId,
        handle: &BoundConsentEntry<'_>,
    ) -> Result<Result<ConsentedCheckIn, UnreadableCheckIn>, OpenError> {
        let e = handle.open(self.encryption_key())?;
        let source = e.inner.source();
        Ok(match self.open_inner_record(&e.inner) {
            Ok(secrets) => Ok(ConsentedCheckIn {
                venue_id,
                trace_id: e.trace_id,
                minute: e.checkin_minute,
                source,
                secrets,
                additional: e.additional,
            }),
            Err(error) => Err(UnreadableCheckIn { trace_id: e.trace_id, minute: e.checkin_minute, source, error }),
        })
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

    /// [`decrypt_contact`](Self::decrypt_contact) for many contacts at once:
    /// `items` are (contact data bytes as stored by the server, the consented
    /// check-in), decrypted and verified in parallel on rayon's current pool.
    /// One result per item, in the order of `items`; one failure does not
    /// affect the others. The result does not depend on the thread count.
    pub fn decrypt_contacts<B>(&self, items: &[(B, &ConsentedCheckIn)]) -> Vec<Result<Contact, TracingError>>
    where
        B: AsRef<[u8]> + Sync,
    {
        items.par_iter().map(|(bytes, check_in)| self.decrypt_contact(bytes.as_ref(), check_in)).collect()
    }

    /// [`decrypt_contacts`](Self::decrypt_contacts) for any number of
    /// contacts, streaming: takes [`DECRYPT_CHUNK_CONTACTS`] items at a time
    /// from `items` (for example contact data fetched lazily from the
    /// server's store), decrypts and verifies them in parallel on rayon's
    /// current pool and hands each result to `each`, in the order of `items`,
    /// before taking the next chunk. Memory is one chunk of inputs and
    /// results, however many contacts there are; the results do not depend on
    /// the thread count or the chunk size.
    pub fn decrypt_contacts_streamed<'c, I, B>(&self, items: I, each: impl FnMut(Result<Contact, TracingError>))
    where
        I: IntoIterator<Item = (B, &'c ConsentedCheckIn)>,
        B: AsRef<[u8]> + Sync,
    {
        self.decrypt_contacts_in_chunks(items, DECRYPT_CHUNK_CONTACTS, each);
    }

    /// [`decrypt_contacts_streamed`](Self::decrypt_contacts_streamed) with
    /// `chunk_contacts` items per chunk (at least 1).
    pub fn decrypt_contacts_in_chunks<'c, I, B>(
        &self,
        items: I,
        chunk_contacts: usize,
        mut each: impl FnMut(Result<Contact, TracingError>),
    ) where
        I: IntoIterator<Item = (B, &'c ConsentedCheckIn)>,
        B: AsRef<[u8]> + Sync,
    {
        let chunk_contacts = chunk_contacts.max(1);
        let mut items = items.into_iter();
        let mut chunk: Vec<(B, &ConsentedCheckIn)> = Vec::with_capacity(chunk_contacts);
        let mut results: Vec<Result<Contact, TracingError>> = Vec::with_capacity(chunk_contacts);
        loop {
            chunk.extend(items.by_ref().take(chunk_contacts));
            if chunk.is_empty() {
                break;
            }
            chunk
                .par_iter()
                .map(|(bytes, check_in)| self.decrypt_contact(bytes.as_ref(), check_in))
                .collect_into_vec(&mut results);
            results.drain(..).for_each(&mut each);
            // Dropped here, by the thread that produced them.
            chunk.clear();
        }
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
