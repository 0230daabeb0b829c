//! The guest app's role object.

use core::fmt;
use std::collections::BTreeMap;

use luca_protocol::derive;
use luca_protocol::ids::{TraceId, UserId, VenueId};
use luca_protocol::keys::{EncryptionPublicKey, GuestSigningKey};
use luca_protocol::messages::additional_data::{AdditionalData, AdditionalDataContent};
use luca_protocol::messages::checkin_record::CheckInRecord;
use luca_protocol::messages::checkout::Checkout;
use luca_protocol::messages::contact_data::{ContactData, ContactFields};
use luca_protocol::messages::history_share::{HISTORY_DAYS, HistoryShare};
use luca_protocol::messages::notification_list::NotificationList;
use luca_protocol::qr::guest::{DeviceType, GuestCheckInQr};
use luca_protocol::qr::render;
use luca_protocol::secrets::{DailyTracingSecret, DataSecret};
use luca_protocol::signed::daily_key_announcement::AnnouncedDailyKey;
use luca_protocol::signed::registrar_certificate::RegistrarCertificate;
use luca_protocol::time::{MINUTES_PER_DAY, UnixMinute, UnixTime, UtcDay};
use rand_core::CryptoRng;

use crate::common::{seal_qr, seal_record, usable_daily_key};
use crate::error::ClientError;
use crate::history::CheckInEntry;
use crate::notify::{self, NotificationMatch};
use crate::venue::{ScannedVenue, VerifiedMeeting, VerifiedVenue};

/// Most days with a tracing secret a guest holds (retention keeps 15; the rest is slack for clock changes).
pub const MAX_TRACING_DAYS: usize = 32;
/// Most check-ins a guest remembers: one per minute over [`MAX_TRACING_DAYS`] days.
pub const MAX_CHECK_INS: usize = MAX_TRACING_DAYS * MINUTES_PER_DAY as usize;

/// A guest: the app's secrets (user id, data secret, signing key, one tracing
/// secret per UTC day) and the check-ins it made.
///
/// Persist it with [`export_state`](Self::export_state) /
/// [`import_state`](Self::import_state). `Debug` shows neither a secret, nor the
/// user id, nor a trace id.
pub struct Guest {
    pub(crate) user_id: UserId,
    pub(crate) data_secret: DataSecret,
    pub(crate) signing_key: GuestSigningKey,
    pub(crate) device: DeviceType,
    pub(crate) tracing_secrets: BTreeMap<UtcDay, DailyTracingSecret>,
    pub(crate) check_ins: BTreeMap<UnixMinute, CheckInEntry>,
}

impl fmt::Debug for Guest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Guest")
            .field("device", &self.device)
            .field("tracing_days", &self.tracing_secrets.len())
            .field("check_ins", &self.check_ins.len())
            .finish_non_exhaustive()
    }
}

/// The result of [`Guest::register`].
#[derive(Debug)]
pub struct Registration {
    /// The new guest (keep it, it holds the secrets).
    pub guest: Guest,
    /// The encrypted, signed contact data to upload.
    pub contact_data: ContactData,
}

/// A check-in QR code for one minute, to show to a scanner.
#[derive(Debug, Clone)]
pub struct CheckInCode {
    /// The QR payload.
    pub qr: GuestCheckInQr,
    /// Its trace id.
    pub trace_id: TraceId,
    /// Its minute.
    pub minute: UnixMinute,
}

impl CheckInCode {
    /// The Base32 text to render as a QR code (175 characters, version 7 at EC level M).
    pub fn text(&self) -> String {
        self.qr.to_base32()
    }

    /// The QR code as an SVG document ([`render::render_svg`]).
    ///
    /// # Errors
    /// [`ClientError::Render`] (never for a guest QR: its text always fits).
    pub fn svg(&self) -> Result<String, ClientError> {
        Ok(render::render_svg(&self.text())?)
    }
}

/// The result of a self check-in or a private-meeting check-in: what to upload to the server.
#[derive(Debug, Clone)]
pub struct SelfCheckIn {
    /// The check-in record, sealed to the venue key of the signed descriptor.
    pub record: CheckInRecord,
    /// The table number (venue) or the guest's name (private meeting), sealed to the same venue key.
    pub additional_data: Option<AdditionalData>,
    /// The check-in's trace id.
    pub trace_id: TraceId,
    /// The check-in minute.
    pub minute: UnixMinute,
}

/// A check-in prepared but not yet recorded in the guest's state.
struct Pending {
    new_secret: Option<DailyTracingSecret>,
    minute: UnixMinute,
    trace_id: TraceId,
}

impl Guest {
    /// Creates a guest with fresh secrets and seals its contact data.
    ///
    /// # Errors
    /// [`ClientError::Invalid`] if a contact field breaks its limits.
    pub fn register<R: CryptoRng>(
        rng: &mut R,
        fields: &ContactFields,
        device: DeviceType,
        now: UnixTime,
    ) -> Result<Registration, ClientError> {
        let user_id = UserId::random(rng);
        let data_secret = DataSecret::random(rng);
        let signing_key = GuestSigningKey::generate(rng);
        let contact_data = ContactData::seal(rng, &signing_key, user_id, &data_secret, fields, now)?;
        let guest = Self {
            user_id,
            data_secret,
            signing_key,
            device,
            tracing_secrets: BTreeMap::new(),
            check_ins: BTreeMap::new(),
        };
        Ok(Registration { guest, contact_data })
    }

    /// The guest's user id.
    pub fn user_id(&self) -> UserId {
        self.user_id
    }

    /// The device type shown in the guest's check-in codes.
    pub fn device(&self) -> DeviceType {
        self.device
    }

    /// Seals new contact data (an update), with the same user id and signing key.
    ///
    /// # Errors
    /// [`ClientError::Invalid`] if a contact field breaks its limits.
    pub fn update_contact_data<R: CryptoRng>(
        &self,
        rng: &mut R,
        fields: &ContactFields,
        now: UnixTime,
    ) -> Result<ContactData, ClientError> {
        Ok(ContactData::seal(rng, &self.signing_key, self.user_id, &self.data_secret, fields, now)?)
    }

    /// Parses and verifies a printed venue QR (see [`ScannedVenue::from_url`]).
    ///
    /// # Errors
    /// As [`ScannedVenue::from_url`].
    pub fn scan_venue_qr(
        url: &str,
        registrar: &RegistrarCertificate,
        now: UnixTime,
    ) -> Result<ScannedVenue, ClientError> {
        ScannedVenue::from_url(url, registrar, now)
    }

    /// Computes the trace id of `minute`, drawing the day's tracing secret if there is none yet.
    /// Nothing is stored until [`commit`](Self::commit).
    fn prepare<R: CryptoRng>(&self, rng: &mut R, minute: UnixMinute) -> Result<Pending, ClientError> {
        let day = minute.day();
        let (new_secret, trace_id) = match self.tracing_secrets.get(&day) {
            Some(secret) => (None, derive::guest_trace_id(secret, &self.user_id, minute)),
            None => {
                if self.tracing_secrets.len() >= MAX_TRACING_DAYS {
                    return Err(ClientError::StorageFull);
                }
                let secret = DailyTracingSecret::random(rng);
                let trace_id = derive::guest_trace_id(&secret, &self.user_id, minute);
                (Some(secret), trace_id)
            }
        };
        if !self.check_ins.contains_key(&minute) && self.check_ins.len() >= MAX_CHECK_INS {
            return Err(ClientError::StorageFull);
        }
        Ok(Pending { new_secret, minute, trace_id })
    }

    /// Records a prepared check-in (after everything was sealed).
    fn commit(&mut self, pending: Pending, venue_id: Option<VenueId>) {
        if let Some(secret) = pending.new_secret {
            self.tracing_secrets.insert(pending.minute.day(), secret);
        }
        let entry = self.check_ins.entry(pending.minute).or_insert(CheckInEntry {
            trace_id: pending.trace_id,
            minute: pending.minute,
            venue_id: None,
        });
        if venue_id.is_some() {
            entry.venue_id = venue_id;
        }
    }

    fn seal_code<R: CryptoRng>(
        &self,
        rng: &mut R,
        daily_key: &impl AnnouncedDailyKey,
        now: UnixTime,
    ) -> Result<(Pending, GuestCheckInQr), ClientError> {
        let key_id = usable_daily_key(daily_key, now)?;
        let minute = now.minute();
        let pending = self.prepare(rng, minute)?;
        let qr =
            seal_qr(rng, key_id, daily_key, self.device, minute, pending.trace_id, &self.user_id, &self.data_secret)?;
        Ok((pending, qr))
    }

    /// A fresh check-in QR code for the minute of `now`, sealed to `daily_key`,
    /// to show to a scanner. The check-in is remembered (venue unknown).
    ///
    /// # Errors
    /// [`ClientError::DailyKeyNotValid`] if the announcement is not a daily
    /// key in use at `now`; [`ClientError::StorageFull`].
    pub fn check_in_code<R: CryptoRng>(
        &mut self,
        rng: &mut R,
        daily_key: &impl AnnouncedDailyKey,
        now: UnixTime,
    ) -> Result<CheckInCode, ClientError> {
        let (pending, qr) = self.seal_code(rng, daily_key, now)?;
        let code = CheckInCode { trace_id: pending.trace_id, minute: pending.minute, qr };
        self.commit(pending, None);
        Ok(code)
    }

    /// Self check-in at a registered venue from its printed QR: the guest plays
    /// the scanner. Builds its check-in QR for the minute of `now`, wraps it as
    /// the inner record and seals the check-in record to the venue key of the
    /// registrar-signed descriptor (never a key from the server); a table
    /// number from the QR is sealed to the same key as additional data.
    ///
    /// # Errors
    /// [`ClientError::VenueNotValid`] if the descriptor is not valid at `now`;
    /// [`ClientError::DailyKeyNotValid`]; [`ClientError::StorageFull`].
    pub fn self_check_in<R: CryptoRng>(
        &mut self,
        rng: &mut R,
        venue: &VerifiedVenue,
        daily_key: &impl AnnouncedDailyKey,
        now: UnixTime,
    ) -> Result<SelfCheckIn, ClientError> {
        if !venue.descriptor().is_valid_at(now) {
            return Err(ClientError::VenueNotValid);
        }
        let content = venue.table().map(|table| AdditionalDataContent { table: Some(table), guest_name: None });
        self.seal_self_check_in(rng, venue.venue_id(), &venue.venue_key(), content, daily_key, now)
    }

    /// Check-in at a private meeting: like [`self_check_in`](Self::self_check_in),
    /// and the guest's name (`"first last"`) is sealed as additional data to the
    /// host's venue key. Only a [`VerifiedMeeting`] is accepted: a registered
    /// venue never receives a name. The app must have shown the guest that the
    /// name goes to the host before calling this.
    ///
    /// # Errors
    /// [`ClientError::Invalid`] if the name breaks the guest-name rule (1..=129
    /// UTF-8 bytes, no control or bidi characters); [`ClientError::VenueNotValid`];
    /// [`ClientError::DailyKeyNotValid`]; [`ClientError::StorageFull`].
    pub fn check_in_private_meeting<R: CryptoRng>(
        &mut self,
        rng: &mut R,
        meeting: &VerifiedMeeting,
        daily_key: &impl AnnouncedDailyKey,
        guest_name: &str,
        now: UnixTime,
    ) -> Result<SelfCheckIn, ClientError> {
        let content = AdditionalDataContent { table: None, guest_name: Some(guest_name.to_owned()) };
        content.validate()?;
        if !meeting.descriptor().is_valid_at(now) {
            return Err(ClientError::VenueNotValid);
        }
        self.seal_self_check_in(rng, meeting.venue_id(), &meeting.venue_key(), Some(content), daily_key, now)
    }

    fn seal_self_check_in<R: CryptoRng>(
        &mut self,
        rng: &mut R,
        venue_id: VenueId,
        venue_key: &EncryptionPublicKey,
        content: Option<AdditionalDataContent>,
        daily_key: &impl AnnouncedDailyKey,
        now: UnixTime,
    ) -> Result<SelfCheckIn, ClientError> {
        let (pending, qr) = self.seal_code(rng, daily_key, now)?;
        let record = seal_record(rng, venue_id, venue_key, &qr)?;
        let additional_data =
            content.map(|c| AdditionalData::seal(rng, venue_id, venue_key, pending.trace_id, &c)).transpose()?;
        let result = SelfCheckIn { record, additional_data, trace_id: pending.trace_id, minute: pending.minute };
        self.commit(pending, Some(venue_id));
        Ok(result)
    }

    /// A checkout of the guest's check-in at `minute`, carrying its checkout proof.
    ///
    /// # Errors
    /// [`ClientError::NoTracingSecret`] if that day's secret is gone (purged) or never existed.
    pub fn checkout(&self, minute: UnixMinute, now: UnixTime) -> Result<Checkout, ClientError> {
        let secret = self.tracing_secrets.get(&minute.day()).ok_or(ClientError::NoTracingSecret)?;
        let proof = derive::checkout_proof(secret, &self.user_id, minute);
        Ok(Checkout::new(&proof, now))
    }

    /// A checkout of the check-in made with `code`.
    ///
    /// # Errors
    /// [`ClientError::NoTracingSecret`]; [`ClientError::NotOwnCheckIn`] if the
    /// code is not one of this guest's.
    pub fn checkout_code(&self, code: &CheckInCode, now: UnixTime) -> Result<Checkout, ClientError> {
        let checkout = self.checkout(code.minute, now)?;
        if checkout.trace_id() != code.trace_id || code.qr.trace_id() != code.trace_id {
            return Err(ClientError::NotOwnCheckIn);
        }
        Ok(checkout)
    }

    /// The trace ids of the guest's remembered check-ins, oldest first.
    pub fn own_trace_ids(&self) -> Vec<TraceId> {
        self.check_ins.values().map(|e| e.trace_id).collect()
    }

    /// The guest's remembered check-ins, oldest first.
    pub fn check_ins(&self) -> Vec<CheckInEntry> {
        self.check_ins.values().copied().collect()
    }

    /// Seals the user id, the data secret and the tracing secrets of today and
    /// the previous 14 days (those the guest holds) to `daily_key`, for the
    /// health office (upload it; read the TAN the server returns to the office).
    ///
    /// # Errors
    /// [`ClientError::DailyKeyNotValid`]; [`ClientError::NothingToShare`] if
    /// the guest holds no tracing secret in that window.
    pub fn share_history<R: CryptoRng>(
        &self,
        rng: &mut R,
        daily_key: &impl AnnouncedDailyKey,
        now: UnixTime,
    ) -> Result<HistoryShare, ClientError> {
        let key_id = usable_daily_key(daily_key, now)?;
        let first = now.day().minus_days(HISTORY_DAYS);
        let days: Vec<(UtcDay, &DailyTracingSecret)> =
            self.tracing_secrets.range(first..=now.day()).map(|(d, s)| (*d, s)).collect();
        if days.is_empty() {
            return Err(ClientError::NothingToShare);
        }
        Ok(HistoryShare::seal(rng, key_id, &daily_key.public_key(), &self.user_id, &self.data_secret, &days, now)?)
    }

    /// Matches a verified notification list against the guest's own check-ins,
    /// on the device: for each remembered check-in, whether the list's health
    /// office accessed its data (level 0) and the highest warning level (1..=3)
    /// it was listed at. Oldest check-in first; access before warning.
    pub fn check_notifications(&self, list: &NotificationList) -> Vec<NotificationMatch> {
        notify::matches(list, self.check_ins.values())
    }

    /// Erases the tracing secrets and remembered check-ins of days before
    /// today − 14 (the retention window of a history share).
    pub fn purge(&mut self, now: UnixTime) {
        let first = now.day().minus_days(HISTORY_DAYS);
        self.tracing_secrets.retain(|d, _| *d >= first);
        self.check_ins.retain(|m, _| m.day() >= first);
    }
}
