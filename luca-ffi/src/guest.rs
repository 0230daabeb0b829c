//! The guest app: registration, check-in codes, self and private-meeting
//! check-ins, checkout, history sharing, notifications, persistence.

use std::sync::{Arc, Mutex};

use luca_client::Notice;
use luca_protocol::time::{UnixMinute, UnixTime};

use crate::error::LucaError;
use crate::rng::os_rng;
use crate::types::{ContactFields, DeviceType, Validity, lock};
use luca_protocol::signed::daily_key_announcement::AnnouncedDailyKey;

use crate::verified::{CommitteeKeyAnnouncement, DailyKeyAnnouncement, NotificationList, RegistrarCertificate};

/// A guest: its secrets (user id, data secret, signing key, one tracing secret per UTC day) and
/// the check-ins it made. They leave the object only sealed inside messages and in
/// [`export_state`](Self::export_state).
#[derive(Debug, uniffi::Object)]
pub struct Guest {
    inner: Mutex<luca_client::Guest>,
}

impl Guest {
    fn code(&self, daily_key: &impl AnnouncedDailyKey, now: u64) -> Result<CheckInCode, LucaError> {
        let mut rng = os_rng()?;
        let code = lock(&self.inner)?.check_in_code(&mut rng, daily_key, UnixTime(now))?;
        Ok(CheckInCode {
            text: code.text(),
            svg: code.svg()?,
            trace_id: code.trace_id.as_bytes().to_vec(),
            minute: code.minute.0,
        })
    }

    fn self_check_in_with(
        &self,
        venue: &luca_client::VerifiedVenue,
        daily_key: &impl AnnouncedDailyKey,
        now: u64,
    ) -> Result<SelfCheckIn, LucaError> {
        let mut rng = os_rng()?;
        let c = lock(&self.inner)?.self_check_in(&mut rng, venue, daily_key, UnixTime(now))?;
        Ok(SelfCheckIn::from_core(venue.venue_id(), &c))
    }

    fn share_history_with(&self, daily_key: &impl AnnouncedDailyKey, now: u64) -> Result<Vec<u8>, LucaError> {
        let mut rng = os_rng()?;
        let share = lock(&self.inner)?.share_history(&mut rng, daily_key, UnixTime(now))?;
        Ok(share.to_bytes())
    }
}

/// The result of [`register_guest`].
#[derive(Debug, uniffi::Record)]
#[uniffi::export(Debug)]
pub struct GuestRegistration {
    /// The new guest (keep it: it holds the secrets).
    pub guest: Arc<Guest>,
    /// The encrypted, signed contact data to upload to the server.
    pub contact_data: Vec<u8>,
}

/// Creates a guest with fresh secrets and seals its contact data.
///
/// # Errors
/// `Guest` (`invalid_field`, the message naming the field and why) if a contact field breaks its limits;
/// `Randomness`.
#[uniffi::export]
pub fn register_guest(
    fields: ContactFields,
    device_type: DeviceType,
    now: u64,
) -> Result<GuestRegistration, LucaError> {
    let mut rng = os_rng()?;
    let reg = luca_client::Guest::register(&mut rng, &fields.to_core(), device_type.to_core(), UnixTime(now))?;
    Ok(GuestRegistration {
        contact_data: reg.contact_data.to_bytes(),
        guest: Arc::new(Guest { inner: Mutex::new(reg.guest) }),
    })
}

/// A check-in QR code for one minute, to show to a scanner.
#[derive(Clone, Debug, PartialEq, Eq, uniffi::Record)]
#[uniffi::export(Debug)]
pub struct CheckInCode {
    /// The Base32 text to render as a QR code (175 characters, version 7 at EC level M).
    pub text: String,
    /// The same QR code as an SVG document.
    pub svg: String,
    /// The check-in's trace id (16 bytes).
    pub trace_id: Vec<u8>,
    /// The check-in minute (Unix minutes): pass it to [`Guest::checkout`].
    pub minute: u32,
}

/// A self check-in or private-meeting check-in: what to upload to the server.
#[derive(Clone, Debug, PartialEq, Eq, uniffi::Record)]
#[uniffi::export(Debug)]
pub struct SelfCheckIn {
    /// The venue or private meeting (16 bytes).
    pub venue_id: Vec<u8>,
    /// The check-in record, sealed to the venue key of the verified descriptor.
    pub record: Vec<u8>,
    /// The table number (venue) or the guest's name (private meeting), sealed to the same key.
    pub additional_data: Option<Vec<u8>>,
    /// The check-in's trace id (16 bytes).
    pub trace_id: Vec<u8>,
    /// The check-in minute (Unix minutes).
    pub minute: u32,
}

/// One check-in the guest remembers.
#[derive(Clone, Debug, PartialEq, Eq, uniffi::Record)]
#[uniffi::export(Debug)]
pub struct CheckInEntry {
    /// The trace id (16 bytes).
    pub trace_id: Vec<u8>,
    /// The check-in minute (Unix minutes).
    pub minute: u32,
    /// The venue or private meeting, if known (self check-ins; not a code shown to a scanner).
    pub venue_id: Option<Vec<u8>>,
}

impl CheckInEntry {
    fn from_core(e: &luca_client::CheckInEntry) -> Self {
        Self {
            trace_id: e.trace_id.as_bytes().to_vec(),
            minute: e.minute.0,
            venue_id: e.venue_id.map(|v| v.as_bytes().to_vec()),
        }
    }
}

/// What a health office's notification list says about one of the guest's check-ins.
#[derive(Clone, Debug, PartialEq, Eq, uniffi::Record)]
#[uniffi::export(Debug)]
pub struct NotificationMatch {
    /// The health office that published the list (16 bytes).
    pub office_id: Vec<u8>,
    /// The check-in the notice is about.
    pub check_in: CheckInEntry,
    /// 0: the office accessed the guest's data of this check-in; 1..=3: a warning of that level.
    pub level: u8,
}

#[uniffi::export]
impl Guest {
    /// Restores a guest from [`export_state`](Self::export_state) bytes (strict decoding).
    ///
    /// # Errors
    /// `State` with the first rule violated.
    #[uniffi::constructor]
    pub fn import_state(state: Vec<u8>) -> Result<Arc<Self>, LucaError> {
        Ok(Arc::new(Self { inner: Mutex::new(luca_client::Guest::import_state(&state)?) }))
    }

    /// The guest's whole state: **every secret of the guest** and its check-in history, as
    /// deterministic CBOR. Store it encrypted (platform keystore); wipe copies after use.
    ///
    /// # Errors
    /// `Poisoned`.
    pub fn export_state(&self) -> Result<Vec<u8>, LucaError> {
        Ok(lock(&self.inner)?.export_state().to_vec())
    }

    /// The guest's user id (16 bytes): the server stores the contact data under it.
    ///
    /// # Errors
    /// `Poisoned`.
    pub fn user_id(&self) -> Result<Vec<u8>, LucaError> {
        Ok(lock(&self.inner)?.user_id().as_bytes().to_vec())
    }

    /// The device type shown in the guest's check-in codes.
    ///
    /// # Errors
    /// `Poisoned`.
    pub fn device_type(&self) -> Result<DeviceType, LucaError> {
        Ok(DeviceType::from_core(lock(&self.inner)?.device()))
    }

    /// Seals updated contact data (same user id and signing key), to upload.
    ///
    /// # Errors
    /// `Guest` (`invalid_field`, naming the field and why); `Randomness`; `Poisoned`.
    pub fn update_contact_data(&self, fields: ContactFields, now: u64) -> Result<Vec<u8>, LucaError> {
        let mut rng = os_rng()?;
        let data = lock(&self.inner)?.update_contact_data(&mut rng, &fields.to_core(), UnixTime(now))?;
        Ok(data.to_bytes())
    }

    /// A fresh check-in QR code for the minute of `now`, sealed to `daily_key`, to show to a
    /// scanner; the check-in is remembered (venue unknown).
    ///
    /// # Errors
    /// `Guest` (`daily_key_not_valid`, `storage_full`, `render`); `Randomness`; `Poisoned`.
    pub fn check_in_code(&self, daily_key: Arc<DailyKeyAnnouncement>, now: u64) -> Result<CheckInCode, LucaError> {
        self.code(&daily_key.inner, now)
    }

    /// As [`check_in_code`](Self::check_in_code), sealed to a threshold daily key announced by its committee.
    ///
    /// # Errors
    /// As [`check_in_code`](Self::check_in_code).
    pub fn check_in_code_committee(
        &self,
        daily_key: Arc<CommitteeKeyAnnouncement>,
        now: u64,
    ) -> Result<CheckInCode, LucaError> {
        self.code(&daily_key.inner, now)
    }

    /// Self check-in at a registered venue scanned with [`ScannedVenue::scan`]: the guest plays the
    /// scanner and seals the record (and the table number) to the venue key of the verified descriptor.
    ///
    /// # Errors
    /// `Guest`: `wrong_kind` for a private meeting (use
    /// [`check_in_private_meeting`](Self::check_in_private_meeting)), `venue_not_valid`,
    /// `daily_key_not_valid`, `storage_full`; `Randomness`; `Poisoned`.
    pub fn self_check_in(
        &self,
        venue: Arc<ScannedVenue>,
        daily_key: Arc<DailyKeyAnnouncement>,
        now: u64,
    ) -> Result<SelfCheckIn, LucaError> {
        let luca_client::ScannedVenue::Venue(v) = &venue.inner else {
            return Err(luca_client::ClientError::WrongKind.into());
        };
        self.self_check_in_with(v, &daily_key.inner, now)
    }

    /// As [`self_check_in`](Self::self_check_in), sealed to a threshold daily key announced by its committee.
    ///
    /// # Errors
    /// As [`self_check_in`](Self::self_check_in).
    pub fn self_check_in_committee(
        &self,
        venue: Arc<ScannedVenue>,
        daily_key: Arc<CommitteeKeyAnnouncement>,
        now: u64,
    ) -> Result<SelfCheckIn, LucaError> {
        let luca_client::ScannedVenue::Venue(v) = &venue.inner else {
            return Err(luca_client::ClientError::WrongKind.into());
        };
        self.self_check_in_with(v, &daily_key.inner, now)
    }

    /// Check-in at a private meeting scanned with [`ScannedVenue::scan`]; `guest_name`
    /// (`"first last"`) is sealed to the host. Tell the guest that the name goes to the host first.
    ///
    /// # Errors
    /// `Guest`: `wrong_kind` for a registered venue, `invalid_field` for a bad name,
    /// `venue_not_valid`, `daily_key_not_valid`, `storage_full`; `Randomness`; `Poisoned`.
    pub fn check_in_private_meeting(
        &self,
        meeting: Arc<ScannedVenue>,
        daily_key: Arc<DailyKeyAnnouncement>,
        guest_name: String,
        now: u64,
    ) -> Result<SelfCheckIn, LucaError> {
        let luca_client::ScannedVenue::PrivateMeeting(m) = &meeting.inner else {
            return Err(luca_client::ClientError::WrongKind.into());
        };
        let mut rng = os_rng()?;
        let c =
            lock(&self.inner)?.check_in_private_meeting(&mut rng, m, &daily_key.inner, &guest_name, UnixTime(now))?;
        Ok(SelfCheckIn::from_core(m.venue_id(), &c))
    }

    /// As [`check_in_private_meeting`](Self::check_in_private_meeting), sealed to a threshold daily key
    /// announced by its committee.
    ///
    /// # Errors
    /// As [`check_in_private_meeting`](Self::check_in_private_meeting).
    pub fn check_in_private_meeting_committee(
        &self,
        meeting: Arc<ScannedVenue>,
        daily_key: Arc<CommitteeKeyAnnouncement>,
        guest_name: String,
        now: u64,
    ) -> Result<SelfCheckIn, LucaError> {
        let luca_client::ScannedVenue::PrivateMeeting(m) = &meeting.inner else {
            return Err(luca_client::ClientError::WrongKind.into());
        };
        let mut rng = os_rng()?;
        let c =
            lock(&self.inner)?.check_in_private_meeting(&mut rng, m, &daily_key.inner, &guest_name, UnixTime(now))?;
        Ok(SelfCheckIn::from_core(m.venue_id(), &c))
    }

    /// A checkout of the guest's check-in at `minute` (Unix minutes), carrying the proof only this
    /// guest can compute: upload it.
    ///
    /// # Errors
    /// `Guest` (`no_tracing_secret`); `Poisoned`.
    pub fn checkout(&self, minute: u32, now: u64) -> Result<Vec<u8>, LucaError> {
        let checkout = lock(&self.inner)?.checkout(UnixMinute(minute), UnixTime(now))?;
        Ok(checkout.to_bytes().to_vec())
    }

    /// The remembered check-ins, oldest first.
    ///
    /// # Errors
    /// `Poisoned`.
    pub fn check_ins(&self) -> Result<Vec<CheckInEntry>, LucaError> {
        Ok(lock(&self.inner)?.check_ins().iter().map(CheckInEntry::from_core).collect())
    }

    /// Seals the user id, the data secret and the tracing secrets of today and the previous 14 days
    /// to `daily_key`, for a health office: upload it, and read the TAN the server returns to the office.
    ///
    /// # Errors
    /// `Guest` (`daily_key_not_valid`, `nothing_to_share`); `Randomness`; `Poisoned`.
    pub fn share_history(&self, daily_key: Arc<DailyKeyAnnouncement>, now: u64) -> Result<Vec<u8>, LucaError> {
        self.share_history_with(&daily_key.inner, now)
    }

    /// As [`share_history`](Self::share_history), sealed to a threshold daily key announced by its
    /// committee: `t` of its members open it together.
    ///
    /// # Errors
    /// As [`share_history`](Self::share_history).
    pub fn share_history_committee(
        &self,
        daily_key: Arc<CommitteeKeyAnnouncement>,
        now: u64,
    ) -> Result<Vec<u8>, LucaError> {
        self.share_history_with(&daily_key.inner, now)
    }

    /// Matches a verified notification list against the guest's own check-ins, on the device:
    /// data accessed (level 0) and the highest warning level (1..=3) per check-in.
    ///
    /// # Errors
    /// `Poisoned`.
    pub fn check_notifications(&self, list: Arc<NotificationList>) -> Result<Vec<NotificationMatch>, LucaError> {
        let matches = lock(&self.inner)?.check_notifications(&list.inner);
        Ok(matches
            .iter()
            .map(|m| NotificationMatch {
                office_id: m.office.as_bytes().to_vec(),
                check_in: CheckInEntry::from_core(&m.check_in),
                level: match m.notice {
                    Notice::DataAccessed => 0,
                    Notice::Warning { level } => level,
                },
            })
            .collect())
    }

    /// Erases tracing secrets and check-ins of days before today − 14.
    ///
    /// # Errors
    /// `Poisoned`.
    pub fn purge(&self, now: u64) -> Result<(), LucaError> {
        lock(&self.inner)?.purge(UnixTime(now));
        Ok(())
    }
}

impl SelfCheckIn {
    fn from_core(venue_id: luca_protocol::ids::VenueId, c: &luca_client::SelfCheckIn) -> Self {
        Self {
            venue_id: venue_id.as_bytes().to_vec(),
            record: c.record.to_bytes(),
            additional_data: c.additional_data.as_ref().map(|a| a.to_bytes()),
            trace_id: c.trace_id.as_bytes().to_vec(),
            minute: c.minute.0,
        }
    }
}

/// Whether a scanned venue QR is a registered venue or a private meeting.
#[derive(Clone, Copy, Debug, PartialEq, Eq, uniffi::Enum)]
pub enum VenueKind {
    /// A venue registered by the registrar (table number possible; no name is ever sent to it).
    Venue,
    /// A private meeting, self-signed by its host: the guest's name goes to the host.
    PrivateMeeting,
}

/// A printed venue or private-meeting QR code, scanned and verified.
#[derive(Debug, uniffi::Object)]
pub struct ScannedVenue {
    inner: luca_client::ScannedVenue,
}

#[uniffi::export]
impl ScannedVenue {
    /// Parses a scanned venue QR URL and verifies its descriptor: a venue against `registrar` (the
    /// verified registrar certificate), a private meeting as self-signed; valid at `now`.
    ///
    /// # Errors
    /// `Guest`: the decoder's kind (`invalid_url`, `too_long`, `invalid_base64`, …) for text that is not a venue QR,
    /// the verifier's (`bad_signature`, `wrong_issuer`, `expired`, …) for a descriptor that does not verify.
    #[uniffi::constructor]
    pub fn scan(url: String, registrar: Arc<RegistrarCertificate>, now: u64) -> Result<Arc<Self>, LucaError> {
        let inner = luca_client::Guest::scan_venue_qr(&url, &registrar.inner, UnixTime(now))?;
        Ok(Arc::new(Self { inner }))
    }

    /// Venue or private meeting.
    pub fn kind(&self) -> VenueKind {
        match self.inner {
            luca_client::ScannedVenue::Venue(_) => VenueKind::Venue,
            luca_client::ScannedVenue::PrivateMeeting(_) => VenueKind::PrivateMeeting,
        }
    }

    /// The venue id (16 bytes).
    pub fn venue_id(&self) -> Vec<u8> {
        self.inner.venue_id().as_bytes().to_vec()
    }

    /// The venue's or meeting's name, as signed.
    pub fn name(&self) -> String {
        self.inner.name().to_owned()
    }

    /// The table number of the QR code, if any (venues only).
    pub fn table(&self) -> Option<u16> {
        match &self.inner {
            luca_client::ScannedVenue::Venue(v) => v.table(),
            luca_client::ScannedVenue::PrivateMeeting(_) => None,
        }
    }

    /// The descriptor's validity period.
    pub fn validity(&self) -> Validity {
        match &self.inner {
            luca_client::ScannedVenue::Venue(v) => Validity::from_core(v.validity()),
            luca_client::ScannedVenue::PrivateMeeting(m) => Validity::from_core(m.validity()),
        }
    }
}
