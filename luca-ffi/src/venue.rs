//! The venue role: the owner (registration, printed QR, consent), its scanners
//! and the private-meeting host.

use std::sync::{Arc, Mutex};

use luca_protocol::qr::venue::VenueQr;
use luca_protocol::time::UnixTime;

use crate::error::LucaError;
use crate::rng::os_rng;
use crate::types::{CheckInSource, StoredCheckIn, Validity, count, lock};
use crate::verified::{CommitteeKeyAnnouncement, DailyKeyAnnouncement, HealthOfficeCertificate, RegistrarCertificate};

/// What the venue owner sends to the registrar to be registered.
#[derive(Clone, Debug, PartialEq, Eq, uniffi::Record)]
#[uniffi::export(Debug)]
pub struct VenueRegistrationRequest {
    /// The venue id (16 bytes).
    pub venue_id: Vec<u8>,
    /// The venue's name (1..=128 bytes, no control character).
    pub name: String,
    /// The venue's public key (65 bytes).
    pub venue_key: Vec<u8>,
    /// The number of tables (1..=1000), if the venue has numbered tables.
    pub table_count: Option<u16>,
}

/// A venue: its id and private key (outer layer of its check-ins), and its registrar-signed descriptor.
#[derive(Debug, uniffi::Object)]
pub struct Venue {
    inner: Mutex<luca_venue::Venue>,
}

/// One stored check-in the venue could not open while answering a tracing request.
#[derive(Clone, Debug, PartialEq, Eq, uniffi::Record)]
#[uniffi::export(Debug)]
pub struct RecordFailure {
    /// Its index in the records given.
    pub index: u64,
    /// Its trace id, if the record decoded (16 bytes).
    pub trace_id: Option<Vec<u8>>,
    /// Why (stable kind: `decryption_failed`, `binding_mismatch`, a decode kind).
    pub kind: String,
}

impl RecordFailure {
    fn from_core(f: &luca_venue::RecordFailure) -> Self {
        Self {
            index: count(f.index),
            trace_id: f.trace_id.map(|t| t.as_bytes().to_vec()),
            kind: f.error.kind().to_owned(),
        }
    }
}

/// A venue's answer to a tracing request: the consent responses to upload for the health office,
/// and what was left out.
#[derive(Clone, Debug, PartialEq, Eq, uniffi::Record)]
#[uniffi::export(Debug)]
pub struct ConsentAnswer {
    /// The consent responses (one, or several if the records do not fit in one).
    pub responses: Vec<Vec<u8>>,
    /// Check-ins re-sealed to the health office.
    pub consented: u64,
    /// Records of another venue, skipped.
    pub other_venue: u64,
    /// Records outside the request's window, skipped.
    pub outside_window: u64,
    /// Repeated records, skipped.
    pub duplicates: u64,
    /// Records that did not open, skipped.
    pub failed: Vec<RecordFailure>,
    /// Records whose additional data did not open (the record itself was consented).
    pub additional_data_failed: Vec<RecordFailure>,
}

impl ConsentAnswer {
    fn from_core(a: &luca_venue::ConsentAnswer) -> Self {
        Self {
            responses: a.responses.iter().map(|r| r.to_bytes()).collect(),
            consented: count(a.consented),
            other_venue: count(a.other_venue),
            outside_window: count(a.outside_window),
            duplicates: count(a.duplicates),
            failed: a.failed.iter().map(RecordFailure::from_core).collect(),
            additional_data_failed: a.additional_data_failed.iter().map(RecordFailure::from_core).collect(),
        }
    }
}

fn stored(records: &[StoredCheckIn]) -> Vec<luca_venue::StoredCheckIn> {
    records.iter().map(StoredCheckIn::to_core).collect()
}

#[uniffi::export]
impl Venue {
    /// A venue with a fresh id and key pair.
    ///
    /// # Errors
    /// `Randomness`.
    #[uniffi::constructor]
    pub fn new() -> Result<Arc<Self>, LucaError> {
        let mut rng = os_rng()?;
        Ok(Arc::new(Self { inner: Mutex::new(luca_venue::Venue::generate(&mut rng)) }))
    }

    /// Restores a venue from [`export_state`](Self::export_state) bytes. Its descriptor must be
    /// verified again with [`reverify_descriptor`](Self::reverify_descriptor) before use.
    ///
    /// # Errors
    /// `State`.
    #[uniffi::constructor]
    pub fn import_state(state: Vec<u8>) -> Result<Arc<Self>, LucaError> {
        Ok(Arc::new(Self { inner: Mutex::new(luca_venue::Venue::import_state(&state)?) }))
    }

    /// The venue's state: **its private key** and descriptor. Store it encrypted.
    ///
    /// # Errors
    /// `Poisoned`.
    pub fn export_state(&self) -> Result<Vec<u8>, LucaError> {
        Ok(lock(&self.inner)?.export_state().to_vec())
    }

    /// The venue id (16 bytes).
    ///
    /// # Errors
    /// `Poisoned`.
    pub fn venue_id(&self) -> Result<Vec<u8>, LucaError> {
        Ok(lock(&self.inner)?.venue_id().as_bytes().to_vec())
    }

    /// The venue's public key (65 bytes).
    ///
    /// # Errors
    /// `Poisoned`.
    pub fn public_key(&self) -> Result<Vec<u8>, LucaError> {
        Ok(lock(&self.inner)?.public_key().to_bytes().to_vec())
    }

    /// The request to send to the registrar ([`Registrar::register_venue`](crate::authority::Registrar::register_venue)).
    ///
    /// # Errors
    /// `Poisoned`.
    pub fn registration_request(
        &self,
        name: String,
        table_count: Option<u16>,
    ) -> Result<VenueRegistrationRequest, LucaError> {
        let r = lock(&self.inner)?.registration_request(&name, table_count);
        Ok(VenueRegistrationRequest {
            venue_id: r.venue_id.as_bytes().to_vec(),
            name: r.name,
            venue_key: r.venue_key.to_bytes().to_vec(),
            table_count: r.table_count,
        })
    }

    /// Verifies the registrar-signed descriptor against `registrar` at `now` and installs it.
    ///
    /// # Errors
    /// `Venue` (the decoder's or verifier's kind for a descriptor that does not decode or verify, `wrong_venue`,
    /// `key_mismatch`, …); `Poisoned`.
    pub fn install_descriptor(
        &self,
        descriptor: Vec<u8>,
        registrar: Arc<RegistrarCertificate>,
        now: u64,
    ) -> Result<(), LucaError> {
        Ok(lock(&self.inner)?.install_descriptor(&descriptor, &registrar.inner, UnixTime(now))?)
    }

    /// Verifies the stored descriptor again (after [`import_state`](Self::import_state) or a
    /// registrar renewal).
    ///
    /// # Errors
    /// As [`install_descriptor`](Self::install_descriptor); `no_descriptor`.
    pub fn reverify_descriptor(&self, registrar: Arc<RegistrarCertificate>, now: u64) -> Result<(), LucaError> {
        Ok(lock(&self.inner)?.reverify_descriptor(&registrar.inner, UnixTime(now))?)
    }

    /// The URL to print as the venue's QR code (`https://<host>/v1/checkin#…`), optionally for one table.
    ///
    /// # Errors
    /// `Venue` (`no_descriptor`, `invalid_host`, `invalid_table`); `Poisoned`.
    pub fn printed_qr_url(&self, host: String, table: Option<u16>) -> Result<String, LucaError> {
        Ok(lock(&self.inner)?.printed_qr(&host, table)?.to_url())
    }

    /// A scanner for this venue (no badges until [`Scanner::set_registrar`]; add the daily keys).
    ///
    /// # Errors
    /// `Poisoned`.
    pub fn scanner(&self) -> Result<Arc<Scanner>, LucaError> {
        Ok(Arc::new(Scanner { inner: Mutex::new(lock(&self.inner)?.scanner()) }))
    }

    /// Answers a health office's tracing request (consent): verifies `request` against `office`
    /// (the requesting office's verified certificate) at `now` and re-seals the check-ins among
    /// `records` (the server's records of the window) to that office.
    ///
    /// # Errors
    /// `Venue` (the decoder's or verifier's kind for a request that does not decode or verify,
    /// `request_for_other_venue`, `crypto`);
    /// `Randomness`; `Poisoned`.
    pub fn answer_tracing_request(
        &self,
        request: Vec<u8>,
        office: Arc<HealthOfficeCertificate>,
        records: Vec<StoredCheckIn>,
        now: u64,
    ) -> Result<ConsentAnswer, LucaError> {
        let mut rng = os_rng()?;
        let answer = lock(&self.inner)?.answer_tracing_request(
            &mut rng,
            &request,
            &office.inner,
            &stored(&records),
            UnixTime(now),
        )?;
        Ok(ConsentAnswer::from_core(&answer))
    }
}

/// A scanner's result: the check-in record to send to the server, and what it is about.
#[derive(Clone, Debug, PartialEq, Eq, uniffi::Record)]
#[uniffi::export(Debug)]
pub struct ScanResult {
    /// The sealed check-in record.
    pub record: Vec<u8>,
    /// The check-in's trace id (16 bytes).
    pub trace_id: Vec<u8>,
    /// The check-in minute (Unix minutes).
    pub minute: u32,
    /// Guest app or badge.
    pub source: CheckInSource,
}

/// A venue's scanner: checks scanned guest and badge QR codes and seals check-in records. It holds
/// no secret (the venue id and public key, verified daily keys, recently seen trace ids).
#[derive(Debug, uniffi::Object)]
pub struct Scanner {
    inner: Mutex<luca_venue::Scanner>,
}

#[uniffi::export]
impl Scanner {
    /// A scanner for the venue of a printed venue QR code (a scanner device given the venue's QR
    /// instead of its keys): the descriptor is verified against `registrar` at `now`, which also
    /// lets the scanner accept badges.
    ///
    /// # Errors
    /// `InvalidInput` (not a venue QR URL); `Verification` (descriptor does not verify, or is a
    /// private meeting: `wrong_kind`).
    #[uniffi::constructor]
    pub fn for_venue_qr(url: String, registrar: Arc<RegistrarCertificate>, now: u64) -> Result<Arc<Self>, LucaError> {
        let descriptor = VenueQr::from_url(&url)?.into_descriptor().verify(&registrar.inner, UnixTime(now))?;
        let scanner = luca_venue::Scanner::for_descriptor(&descriptor).with_registrar(registrar.inner.clone());
        Ok(Arc::new(Self { inner: Mutex::new(scanner) }))
    }

    /// The venue the scanner checks guests in to (16 bytes).
    ///
    /// # Errors
    /// `Poisoned`.
    pub fn venue_id(&self) -> Result<Vec<u8>, LucaError> {
        Ok(lock(&self.inner)?.venue_id().as_bytes().to_vec())
    }

    /// Adds a verified daily key announcement; a later one for the same day replaces the earlier.
    ///
    /// # Errors
    /// `Poisoned`.
    pub fn add_daily_key(&self, daily_key: Arc<DailyKeyAnnouncement>) -> Result<(), LucaError> {
        lock(&self.inner)?.add_daily_key(daily_key.inner.clone());
        Ok(())
    }

    /// Adds a verified committee key announcement of a threshold daily key; a later one for the
    /// same day replaces the earlier (also a [`DailyKeyAnnouncement`]'s).
    ///
    /// # Errors
    /// `Poisoned`.
    pub fn add_committee_key(&self, daily_key: Arc<CommitteeKeyAnnouncement>) -> Result<(), LucaError> {
        lock(&self.inner)?.add_daily_key(daily_key.inner.clone());
        Ok(())
    }

    /// Accepts badges verified with this registrar certificate.
    ///
    /// # Errors
    /// `Poisoned`.
    pub fn set_registrar(&self, registrar: Arc<RegistrarCertificate>) -> Result<(), LucaError> {
        lock(&self.inner)?.set_registrar(registrar.inner.clone());
        Ok(())
    }

    /// The freshness window in seconds (default 120).
    ///
    /// # Errors
    /// `Poisoned`.
    pub fn freshness_window(&self) -> Result<u64, LucaError> {
        Ok(lock(&self.inner)?.freshness_window())
    }

    /// Checks a scanned QR text (guest check-in code or badge) at `now` and seals its check-in
    /// record. Nothing is emitted or remembered on a rejection.
    ///
    /// # Errors
    /// `Scan` with the specific rejection: the decoder's kind for a malformed code (`bad_checksum`,
    /// `invalid_base32`, `wrong_length`, …), `stale`, `from_future`, `unknown_daily_key`,
    /// `duplicate_trace_id`, `no_registrar`, the verifier's kind for an untrusted badge, `duplicate_badge`; `Randomness`; `Poisoned`.
    pub fn scan(&self, text: String, now: u64) -> Result<ScanResult, LucaError> {
        let mut rng = os_rng()?;
        let r = lock(&self.inner)?.scan(&mut rng, &text, UnixTime(now))?;
        Ok(ScanResult {
            record: r.record.to_bytes(),
            trace_id: r.trace_id.as_bytes().to_vec(),
            minute: r.minute.0,
            source: CheckInSource::from_core(r.source),
        })
    }

    /// Forgets daily keys whose use period has ended and trace ids seen long enough ago.
    ///
    /// # Errors
    /// `Poisoned`.
    pub fn purge(&self, now: u64) -> Result<(), LucaError> {
        lock(&self.inner)?.purge(UnixTime(now));
        Ok(())
    }
}

/// A guest of a private meeting, as the host reads it.
#[derive(Clone, PartialEq, Eq, uniffi::Record)]
#[uniffi::export(Debug)]
pub struct MeetingGuest {
    /// The check-in's trace id (16 bytes).
    pub trace_id: Vec<u8>,
    /// The check-in minute (Unix minutes).
    pub minute: u32,
    /// The name the guest's app sent, if it opened.
    pub name: Option<String>,
}

impl core::fmt::Debug for MeetingGuest {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("MeetingGuest").field("minute", &self.minute).finish_non_exhaustive()
    }
}

/// The host of a private meeting: its signing key, a venue key pair and the self-signed descriptor.
#[derive(Debug, uniffi::Object)]
pub struct PrivateMeetingHost {
    inner: luca_venue::PrivateMeetingHost,
}

#[uniffi::export]
impl PrivateMeetingHost {
    /// Sets up a meeting named `name`, valid for `validity`.
    ///
    /// # Errors
    /// `Meeting` (`invalid_name`, `invalid_validity`); `Randomness`.
    #[uniffi::constructor]
    pub fn new(name: String, validity: Validity) -> Result<Arc<Self>, LucaError> {
        let mut rng = os_rng()?;
        let inner = luca_venue::PrivateMeetingHost::new(&mut rng, &name, validity.to_core())?;
        Ok(Arc::new(Self { inner }))
    }

    /// Restores a host from [`export_state`](Self::export_state) bytes.
    ///
    /// # Errors
    /// `State`.
    #[uniffi::constructor]
    pub fn import_state(state: Vec<u8>) -> Result<Arc<Self>, LucaError> {
        Ok(Arc::new(Self { inner: luca_venue::PrivateMeetingHost::import_state(&state)? }))
    }

    /// The host's state: **its private keys** and the descriptor. Store it encrypted.
    pub fn export_state(&self) -> Vec<u8> {
        self.inner.export_state().to_vec()
    }

    /// The meeting's venue id (16 bytes).
    pub fn venue_id(&self) -> Vec<u8> {
        self.inner.venue_id().as_bytes().to_vec()
    }

    /// The meeting's name.
    pub fn name(&self) -> String {
        self.inner.name().to_owned()
    }

    /// The URL to show as the meeting's QR code.
    ///
    /// # Errors
    /// `Meeting` (`invalid_host`).
    pub fn qr_url(&self, host: String) -> Result<String, LucaError> {
        Ok(self.inner.qr(&host)?.to_url())
    }

    /// Reads the guests' names from the meeting's check-ins (as the server stores them).
    pub fn read_guests(&self, records: Vec<StoredCheckIn>) -> Vec<MeetingGuest> {
        self.inner
            .read_guests(&stored(&records))
            .iter()
            .map(|g| MeetingGuest {
                trace_id: g.trace_id.as_bytes().to_vec(),
                minute: g.minute.0,
                name: g.name.clone(),
            })
            .collect()
    }

    /// Answers a health office's tracing request for the meeting, as [`Venue::answer_tracing_request`].
    ///
    /// # Errors
    /// As [`Venue::answer_tracing_request`].
    pub fn answer_tracing_request(
        &self,
        request: Vec<u8>,
        office: Arc<HealthOfficeCertificate>,
        records: Vec<StoredCheckIn>,
        now: u64,
    ) -> Result<ConsentAnswer, LucaError> {
        let mut rng = os_rng()?;
        let answer =
            self.inner.answer_tracing_request(&mut rng, &request, &office.inner, &stored(&records), UnixTime(now))?;
        Ok(ConsentAnswer::from_core(&answer))
    }
}
