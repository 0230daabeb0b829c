//! The venue's scanner: scanned guest and badge QR codes in, check-in records out.

use std::collections::{BTreeMap, HashMap};

use luca_protocol::derive;
use luca_protocol::ids::{DailyKeyId, TraceId, VenueId};
use luca_protocol::keys::EncryptionPublicKey;
use luca_protocol::messages::checkin_record::{CheckInRecord, CheckInSource, InnerRecord};
use luca_protocol::qr::badge::BadgeQr;
use luca_protocol::qr::guest::GuestCheckInQr;
use luca_protocol::qr::scanned::ScannedQr;
use luca_protocol::signed::badge_attestation::BadgeAttestationIn;
use luca_protocol::signed::daily_key_announcement::AnnouncedDailyKey;
use luca_protocol::signed::registrar_certificate::RegistrarCertificate;
use luca_protocol::signed::venue_descriptor::VenueDescriptor;
use luca_protocol::time::{UnixMinute, UnixTime, Validity};
use rand_core::CryptoRng;

use crate::error::ScanError;

/// Default freshness window of the scanner, in seconds (clock skew plus one QR refresh).
pub const DEFAULT_FRESHNESS_SECS: u64 = 120;

/// A successful scan: the check-in record to send to the server, and what it is about.
#[derive(Clone, Debug)]
pub struct ScanResult {
    /// The sealed check-in record (send [`CheckInRecord::as_bytes`] to the server).
    pub record: CheckInRecord,
    /// The check-in's trace id.
    pub trace_id: TraceId,
    /// The check-in minute (the guest QR's minute; for a badge, the minute of the scan).
    pub minute: UnixMinute,
    /// Guest app or badge.
    pub source: CheckInSource,
}

/// A venue's scanner: checks scanned guest and badge QR codes and emits check-in records.
///
/// It holds no secret: only the venue id and public key, the verified daily
/// key announcements added by the operator, optionally the registrar
/// certificate (to accept badges), and the trace ids and badges seen recently.
///
/// Guest QR, in order ([`scan`](Self::scan)): Base32 text, length, version,
/// checksum, flags and `enc` (the decoder; kind of the [`DecodeError`](luca_protocol::error::DecodeError));
/// freshness `|now − minute·60| ≤ window` ([`ScanError::Stale`] /
/// [`ScanError::FromFuture`]); the daily key id names a key added with
/// [`add_daily_key`](Self::add_daily_key) whose use period contains `now`
/// ([`ScanError::UnknownDailyKey`]); the trace id was not accepted within the
/// last two windows ([`ScanError::DuplicateTraceId`]: a replayed code is
/// fresh for at most two windows after its first scan).
///
/// Badge QR, in order: Base32 text and the badge decoder; a registrar
/// certificate is set ([`ScanError::NoRegistrar`]); the attestation verifies
/// with it at `now` ([`ScanError::UntrustedBadge`]); the same badge was not
/// accepted within the window ([`ScanError::DuplicateBadge`]); the trace id of
/// the current minute, computed from the badge's trace key, was not accepted
/// before ([`ScanError::DuplicateTraceId`]). The check-in minute of a badge is
/// the minute of `now`. The scanner does not check the badge key id: the
/// registrar checked it when it signed the attestation.
///
/// Only after every check does the scanner seal the inner record (the QR body,
/// or the attestation) to the venue key and remember the trace id.
#[derive(Debug)]
pub struct Scanner {
    venue_id: VenueId,
    venue_key: EncryptionPublicKey,
    /// The use periods of the verified daily keys, by id.
    daily_keys: BTreeMap<DailyKeyId, Validity>,
    registrar: Option<RegistrarCertificate>,
    seen: HashMap<TraceId, UnixTime>,
    seen_badges: HashMap<Vec<u8>, UnixTime>,
    window_secs: u64,
}

impl Scanner {
    /// A scanner for `venue_id` sealing to `venue_key`, with the default freshness window.
    pub fn new(venue_id: VenueId, venue_key: EncryptionPublicKey) -> Self {
        Self {
            venue_id,
            venue_key,
            daily_keys: BTreeMap::new(),
            registrar: None,
            seen: HashMap::new(),
            seen_badges: HashMap::new(),
            window_secs: DEFAULT_FRESHNESS_SECS,
        }
    }

    /// A scanner for the venue of a verified descriptor (a scanner device that
    /// was given the venue's printed QR instead of its keys).
    pub fn for_descriptor(descriptor: &VenueDescriptor) -> Self {
        Self::new(descriptor.venue_id(), descriptor.venue_key())
    }

    /// Sets the freshness window in seconds.
    pub fn with_freshness_window(mut self, secs: u64) -> Self {
        self.window_secs = secs;
        self
    }

    /// Accepts badges verified with this (verified) registrar certificate.
    pub fn with_registrar(mut self, registrar: RegistrarCertificate) -> Self {
        self.registrar = Some(registrar);
        self
    }

    /// Replaces the registrar certificate (e.g. after its renewal).
    pub fn set_registrar(&mut self, registrar: RegistrarCertificate) {
        self.registrar = Some(registrar);
    }

    /// The venue the scanner checks guests in to.
    pub fn venue_id(&self) -> VenueId {
        self.venue_id
    }

    /// The freshness window in seconds.
    pub fn freshness_window(&self) -> u64 {
        self.window_secs
    }

    /// Adds a verified daily key: a single-office announcement verified with its issuer's certificate,
    /// or a committee key announcement verified with `t` member signatures (PROTOCOL.md §13.4). A later
    /// announcement for the same day replaces the earlier; a badge key announcement is ignored.
    pub fn add_daily_key(&mut self, announcement: impl AnnouncedDailyKey) {
        if let Some(id) = announcement.daily_key_id() {
            self.daily_keys.insert(id, announcement.validity());
        }
    }

    /// Forgets daily keys whose use period has ended and trace ids and badges
    /// seen more than two windows before `now`. Scanning prunes the seen sets
    /// by itself; call this, e.g. hourly, to drop old daily keys.
    pub fn purge(&mut self, now: UnixTime) {
        self.daily_keys.retain(|_, v| now < v.not_after);
        self.prune_seen(now);
    }

    fn prune_seen(&mut self, now: UnixTime) {
        let keep = self.window_secs.saturating_mul(2);
        self.seen.retain(|_, t| t.plus_secs(keep) >= now);
        self.seen_badges.retain(|_, t| t.plus_secs(keep) >= now);
    }

    /// Checks a scanned QR text (guest check-in QR or badge QR) at `now` and
    /// seals its check-in record (checks: see [`Scanner`]). The HPKE
    /// ephemeral key comes from `rng`.
    ///
    /// # Errors
    /// A [`ScanError`] naming the first check that failed; nothing is emitted
    /// or remembered then.
    pub fn scan<R: CryptoRng>(&mut self, rng: &mut R, text: &str, now: UnixTime) -> Result<ScanResult, ScanError> {
        self.prune_seen(now);
        match ScannedQr::from_text(text)? {
            ScannedQr::Guest(qr) => self.scan_guest(rng, qr, now),
            ScannedQr::Badge(badge) => self.scan_badge(rng, badge, now),
        }
    }

    fn scan_guest<R: CryptoRng>(
        &mut self,
        rng: &mut R,
        qr: GuestCheckInQr,
        now: UnixTime,
    ) -> Result<ScanResult, ScanError> {
        let minute = qr.minute();
        let start = minute.start();
        if start.plus_secs(self.window_secs) < now {
            return Err(ScanError::Stale);
        }
        if start > now.plus_secs(self.window_secs) {
            return Err(ScanError::FromFuture);
        }
        let validity = self.daily_keys.get(&qr.daily_key_id()).ok_or(ScanError::UnknownDailyKey)?;
        if !validity.contains(now) {
            return Err(ScanError::UnknownDailyKey);
        }
        let trace_id = qr.trace_id();
        if self.seen.contains_key(&trace_id) {
            return Err(ScanError::DuplicateTraceId);
        }
        let record =
            CheckInRecord::seal(rng, self.venue_id, &self.venue_key, &InnerRecord::Guest(qr), trace_id, minute)?;
        self.seen.insert(trace_id, now);
        Ok(ScanResult { record, trace_id, minute, source: CheckInSource::Guest })
    }

    fn scan_badge<R: CryptoRng>(
        &mut self,
        rng: &mut R,
        badge: BadgeQr,
        now: UnixTime,
    ) -> Result<ScanResult, ScanError> {
        let registrar = self.registrar.as_ref().ok_or(ScanError::NoRegistrar)?;
        let attestation = badge.into_attestation().verify(registrar, now).map_err(ScanError::UntrustedBadge)?;
        let bytes = attestation.to_bytes();
        if self.seen_badges.get(&bytes).is_some_and(|t| t.plus_secs(self.window_secs) >= now) {
            return Err(ScanError::DuplicateBadge);
        }
        let minute = now.minute();
        let trace_id = derive::trace_id(&derive::badge_checkout_proof(&attestation.trace_key(), minute));
        if self.seen.contains_key(&trace_id) {
            return Err(ScanError::DuplicateTraceId);
        }
        // The inner record carries the attestation exactly as it was signed.
        let inner = InnerRecord::Badge(BadgeAttestationIn::from_slice(&bytes)?);
        let record = CheckInRecord::seal(rng, self.venue_id, &self.venue_key, &inner, trace_id, minute)?;
        self.seen.insert(trace_id, now);
        self.seen_badges.insert(bytes, now);
        Ok(ScanResult { record, trace_id, minute, source: CheckInSource::Badge })
    }
}
