//! # luca-venue — the venue role: owner, scanner, private-meeting host
//!
//! Which type to use:
//!
//! | you want to | use |
//! |---|---|
//! | hold a venue's key pair and open its check-in records | [`Venue`] |
//! | turn scanned guest QR codes into check-in records | [`Scanner`] (from [`Venue::scanner`]) |
//!
//! The scanner checks, in order: the QR's Base32 text and checksum, its version,
//! freshness (default ±120 s), that its daily key id names a currently valid,
//! verified daily key, and that its trace id was not seen within the window;
//! only then does it seal the outer layer to the venue key.

use std::collections::{BTreeMap, HashMap};

use luca_protocol::CryptoError;
use luca_protocol::error::SealError;
use luca_protocol::error::{DecodeError, OpenError};
use luca_protocol::ids::{DailyKeyId, TraceId, VenueId};
use luca_protocol::keys::{EncryptionPublicKey, VenuePrivateKey};
use luca_protocol::messages::checkin_record::{CheckInRecord, CheckInRecordIn, InnerRecord};
use luca_protocol::qr::guest::GuestCheckInQr;
use luca_protocol::signed::daily_key_announcement::DailyKeyAnnouncement;
use luca_protocol::time::UnixTime;
use rand_core::CryptoRng;

/// Default freshness window of the scanner, in seconds (clock skew plus one QR refresh).
pub const DEFAULT_FRESHNESS_SECS: u64 = 120;

/// Why a scanned code was refused. Nothing is emitted or stored on any of these.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[non_exhaustive]
pub enum ScanError {
    /// The text is not a well-formed guest check-in QR (including a bad checksum).
    #[error("malformed code: {0}")]
    Malformed(#[from] DecodeError),
    /// The QR's minute is older than the freshness window.
    #[error("code is stale")]
    Stale,
    /// The QR's minute lies in the future beyond the freshness window.
    #[error("code is from the future")]
    FromFuture,
    /// The QR names a daily key the scanner does not know, or one not valid now.
    #[error("unknown or invalid daily key")]
    UnknownDailyKey,
    /// The trace id was already scanned within the window (replay).
    #[error("duplicate trace id")]
    DuplicateTraceId,
    /// Sealing the outer layer failed.
    #[error("cryptographic operation failed")]
    Crypto,
}

impl ScanError {
    /// Stable snake-case name of the rejection.
    pub fn kind(&self) -> &'static str {
        match self {
            Self::Malformed(e) => e.kind(),
            Self::Stale => "stale",
            Self::FromFuture => "from_future",
            Self::UnknownDailyKey => "unknown_daily_key",
            Self::DuplicateTraceId => "duplicate_trace_id",
            Self::Crypto => "crypto",
        }
    }
}

impl From<SealError> for ScanError {
    fn from(e: SealError) -> Self {
        match e {
            SealError::InvalidInput(d) => Self::Malformed(d),
            _ => Self::Crypto,
        }
    }
}

impl From<CryptoError> for ScanError {
    fn from(_: CryptoError) -> Self {
        Self::Crypto
    }
}

/// A venue: its id and private key.
#[derive(Debug)]
pub struct Venue {
    venue_id: VenueId,
    key: VenuePrivateKey,
}

impl Venue {
    /// A new venue with a fresh id and key pair.
    pub fn generate<R: CryptoRng>(rng: &mut R) -> Self {
        let venue_id = VenueId::random(rng);
        let key = VenuePrivateKey::generate(rng);
        Self { venue_id, key }
    }

    /// The venue id.
    pub fn venue_id(&self) -> VenueId {
        self.venue_id
    }

    /// The venue public key (goes into the venue descriptor).
    pub fn public_key(&self) -> EncryptionPublicKey {
        self.key.public_key()
    }

    /// A scanner for this venue (it needs only the public key).
    pub fn scanner(&self) -> Scanner {
        Scanner::new(self.venue_id, self.public_key())
    }

    /// Opens the outer layer of one of this venue's check-in records.
    ///
    /// # Errors
    /// [`OpenError`] if the record is not for this venue or was re-targeted or tampered with.
    pub fn open_record(&self, record: &CheckInRecordIn) -> Result<InnerRecord, OpenError> {
        record.open(&self.key)
    }
}

/// A venue's scanner: checks scanned guest QR codes and emits check-in records.
#[derive(Debug)]
pub struct Scanner {
    venue_id: VenueId,
    venue_key: EncryptionPublicKey,
    daily_keys: BTreeMap<DailyKeyId, DailyKeyAnnouncement>,
    seen: HashMap<TraceId, UnixTime>,
    window_secs: u64,
}

impl Scanner {
    /// A scanner for `venue_id` sealing to `venue_key`, with the default freshness window.
    pub fn new(venue_id: VenueId, venue_key: EncryptionPublicKey) -> Self {
        Self {
            venue_id,
            venue_key,
            daily_keys: BTreeMap::new(),
            seen: HashMap::new(),
            window_secs: DEFAULT_FRESHNESS_SECS,
        }
    }

    /// Sets the freshness window in seconds.
    pub fn with_freshness_window(mut self, secs: u64) -> Self {
        self.window_secs = secs;
        self
    }

    /// Adds a verified daily key announcement (verify it with its issuer's certificate first).
    pub fn add_daily_key(&mut self, announcement: DailyKeyAnnouncement) {
        if let Some(id) = announcement.daily_key_id() {
            self.daily_keys.insert(id, announcement);
        }
    }

    /// Checks a scanned guest QR text and seals its check-in record.
    ///
    /// # Errors
    /// A [`ScanError`] naming the first check that failed; nothing is recorded then.
    pub fn scan<R: CryptoRng>(&mut self, rng: &mut R, text: &str, now: UnixTime) -> Result<CheckInRecord, ScanError> {
        let qr = GuestCheckInQr::from_base32(text)?;
        let start = qr.minute().start();
        if start.plus_secs(self.window_secs) < now {
            return Err(ScanError::Stale);
        }
        if start > now.plus_secs(self.window_secs) {
            return Err(ScanError::FromFuture);
        }
        let key = self.daily_keys.get(&qr.daily_key_id()).ok_or(ScanError::UnknownDailyKey)?;
        if !key.validity().contains(now) {
            return Err(ScanError::UnknownDailyKey);
        }
        let window = self.window_secs.saturating_mul(2);
        self.seen.retain(|_, t| t.plus_secs(window) >= now);
        if self.seen.contains_key(&qr.trace_id()) {
            return Err(ScanError::DuplicateTraceId);
        }
        let trace_id = qr.trace_id();
        let minute = qr.minute();
        let record =
            CheckInRecord::seal(rng, self.venue_id, &self.venue_key, &InnerRecord::Guest(qr), trace_id, minute)?;
        self.seen.insert(trace_id, now);
        Ok(record)
    }
}
