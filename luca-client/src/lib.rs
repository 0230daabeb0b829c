//! # luca-client — the guest role
//!
//! Which type to use:
//!
//! | you want to | use |
//! |---|---|
//! | create a guest account and its encrypted, signed contact data | [`Guest::register`] |
//! | show a check-in QR code for the current minute | [`Guest::check_in_code`] → [`CheckInCode`] |
//! | check out of a check-in | [`Guest::checkout`] |
//! | share the last 14 days with a health office (TAN flow) | [`Guest::share_history`] |
//! | erase tracing secrets past retention | [`Guest::purge`] |
//!
//! The guest owns its secrets (user id, data secret, signing key, one tracing
//! secret per UTC day); time and randomness are parameters, as in
//! `luca-protocol`. Persistence is the embedder's: the secrets never leave
//! this object except inside sealed messages.
//!
//! ```
//! # use luca_client::Guest;
//! # use luca_protocol::messages::contact_data::ContactFields;
//! # use luca_protocol::qr::guest::DeviceType;
//! # use luca_protocol::time::UnixTime;
//! # use rand_core::SeedableRng;
//! let mut rng = rand_chacha::ChaCha20Rng::seed_from_u64(1);
//! let fields = ContactFields {
//!     first_name: "Erika".into(), last_name: "Mustermann".into(),
//!     phone: "+49 30 1234567".into(), email: "erika@example.org".into(),
//!     street: "Heidestraße".into(), house_number: "17".into(),
//!     postcode: "51147".into(), city: "Köln".into(),
//! };
//! let registration = Guest::register(&mut rng, &fields, DeviceType::Android, UnixTime(1_795_942_800))?;
//! // `registration.contact_data` goes to the server; keep `registration.guest`.
//! assert_eq!(registration.contact_data.user_id(), registration.guest.user_id());
//! # Ok::<(), luca_client::ClientError>(())
//! ```

use std::collections::BTreeMap;

use luca_protocol::CryptoError;
use luca_protocol::derive;
use luca_protocol::error::DecodeError;
use luca_protocol::error::SealError;
use luca_protocol::ids::{TraceId, UserId};
use luca_protocol::keys::GuestSigningKey;
use luca_protocol::messages::checkout::Checkout;
use luca_protocol::messages::contact_data::{ContactData, ContactFields};
use luca_protocol::messages::history_share::{HISTORY_DAYS, HistoryShare};
use luca_protocol::qr::guest::{DeviceType, GuestCheckInQr, QrFlags};
use luca_protocol::secrets::{DailyTracingSecret, DataSecret};
use luca_protocol::signed::daily_key_announcement::DailyKeyAnnouncement;
use luca_protocol::time::{UnixMinute, UnixTime, UtcDay};
use rand_core::CryptoRng;

/// Why a guest operation failed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ClientError {
    /// Contact data or another input is not acceptable.
    #[error("invalid input: {0}")]
    Invalid(#[from] DecodeError),
    /// The daily key is not a currently valid daily key.
    #[error("the daily key is not valid now")]
    DailyKeyNotValid,
    /// No tracing secret exists for the requested day (erased or never created).
    #[error("no tracing secret for that day")]
    NoTracingSecret,
    /// A cryptographic operation failed.
    #[error("cryptographic operation failed")]
    Crypto(#[from] CryptoError),
}

/// A guest: the app's secrets and its recent check-ins.
#[derive(Debug)]
pub struct Guest {
    user_id: UserId,
    data_secret: DataSecret,
    signing_key: GuestSigningKey,
    device: DeviceType,
    tracing_secrets: BTreeMap<UtcDay, DailyTracingSecret>,
    check_ins: Vec<(TraceId, UnixMinute)>,
}

/// The result of [`Guest::register`].
#[derive(Debug)]
pub struct Registration {
    /// The new guest (keep it, it holds the secrets).
    pub guest: Guest,
    /// The encrypted, signed contact data to upload.
    pub contact_data: ContactData,
}

/// A check-in QR code for one minute.
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
    /// The Base32 text to render as a QR code.
    pub fn text(&self) -> String {
        self.qr.to_base32()
    }
}

impl From<SealError> for ClientError {
    fn from(e: SealError) -> Self {
        match e {
            SealError::InvalidInput(d) => Self::Invalid(d),
            SealError::Crypto(c) => Self::Crypto(c),
            _ => Self::Crypto(CryptoError),
        }
    }
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
        let guest =
            Self { user_id, data_secret, signing_key, device, tracing_secrets: BTreeMap::new(), check_ins: Vec::new() };
        Ok(Registration { guest, contact_data })
    }

    /// The guest's user id.
    pub fn user_id(&self) -> UserId {
        self.user_id
    }

    /// Seals new contact data (an update), signed with the same key.
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

    fn tracing_secret<R: CryptoRng>(&mut self, rng: &mut R, day: UtcDay) -> &DailyTracingSecret {
        self.tracing_secrets.entry(day).or_insert_with(|| DailyTracingSecret::random(rng))
    }

    /// A fresh check-in QR code for the minute of `now`, sealed to `daily_key`.
    ///
    /// # Errors
    /// [`ClientError::DailyKeyNotValid`] if the announcement is not a daily key valid at `now`.
    pub fn check_in_code<R: CryptoRng>(
        &mut self,
        rng: &mut R,
        daily_key: &DailyKeyAnnouncement,
        now: UnixTime,
    ) -> Result<CheckInCode, ClientError> {
        let key_id = daily_key.daily_key_id().ok_or(ClientError::DailyKeyNotValid)?;
        if !daily_key.validity().contains(now) {
            return Err(ClientError::DailyKeyNotValid);
        }
        let minute = now.minute();
        let user_id = self.user_id;
        let secret = self.tracing_secret(rng, minute.day());
        let trace_id = derive::guest_trace_id(secret, &user_id, minute);
        let flags = QrFlags { device_type: self.device, entry_policy: 0 };
        let qr = GuestCheckInQr::seal(
            rng,
            key_id,
            &daily_key.public_key(),
            flags,
            minute,
            trace_id,
            &self.user_id,
            &self.data_secret,
        )?;
        self.check_ins.push((trace_id, minute));
        Ok(CheckInCode { qr, trace_id, minute })
    }

    /// A checkout of the check-in at `minute`, carrying its proof.
    ///
    /// # Errors
    /// [`ClientError::NoTracingSecret`] if that day's secret is gone.
    pub fn checkout(&self, minute: UnixMinute, now: UnixTime) -> Result<Checkout, ClientError> {
        let secret = self.tracing_secrets.get(&minute.day()).ok_or(ClientError::NoTracingSecret)?;
        let proof = derive::checkout_proof(secret, &self.user_id, minute);
        Ok(Checkout::new(&proof, now))
    }

    /// The trace ids of the guest's own check-ins (for notification matching on the device).
    pub fn own_trace_ids(&self) -> Vec<TraceId> {
        self.check_ins.iter().map(|(t, _)| *t).collect()
    }

    /// Seals the tracing secrets of today and the previous 14 days and the user id to `daily_key`.
    ///
    /// # Errors
    /// [`ClientError::DailyKeyNotValid`] or a sealing error.
    pub fn share_history<R: CryptoRng>(
        &self,
        rng: &mut R,
        daily_key: &DailyKeyAnnouncement,
        now: UnixTime,
    ) -> Result<HistoryShare, ClientError> {
        let key_id = daily_key.daily_key_id().ok_or(ClientError::DailyKeyNotValid)?;
        if !daily_key.validity().contains(now) {
            return Err(ClientError::DailyKeyNotValid);
        }
        let first = now.day().minus_days(HISTORY_DAYS);
        let days: Vec<(UtcDay, &DailyTracingSecret)> =
            self.tracing_secrets.range(first..=now.day()).map(|(d, s)| (*d, s)).collect();
        Ok(HistoryShare::seal(rng, key_id, &daily_key.public_key(), &self.user_id, &self.data_secret, &days, now)?)
    }

    /// Erases tracing secrets (and the check-in list) older than the retention window.
    pub fn purge(&mut self, now: UnixTime) {
        let first = now.day().minus_days(HISTORY_DAYS);
        self.tracing_secrets.retain(|d, _| *d >= first);
        self.check_ins.retain(|(_, m)| m.day() >= first);
    }
}
