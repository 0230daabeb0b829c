//! # luca-healthoffice — the health-office role
//!
//! Which type to use:
//!
//! | you want to | use |
//! |---|---|
//! | hold master keys and daily keys | [`HealthOffice`] |
//! | rotate the daily key | [`HealthOffice::rotate_daily_key`] |
//! | open a check-in's inner record | [`HealthOffice::open_inner_record`] |
//! | open a history share fetched by TAN | [`HealthOffice::open_history_share`] |
//! | compute the trace ids of a shared history | [`trace_ids_of_history`] |

use std::collections::BTreeMap;

use luca_protocol::derive;
use luca_protocol::error::{DecodeError, OpenError};
use luca_protocol::ids::{DailyKeyId, HealthOfficeId, RequestId, TraceId, VenueId};
use luca_protocol::keys::{DailyPrivateKey, EncryptionPublicKey, HealthOfficeMasterKeys, SignaturePublicKey};
use luca_protocol::messages::checkin_record::InnerRecord;
use luca_protocol::messages::consent_response::{ConsentEntry, ConsentResponseIn};
use luca_protocol::messages::history_share::{HistoryShareIn, OpenedHistoryShare};
use luca_protocol::messages::tracing_request::{TracingRequest, TracingWindow};
use luca_protocol::qr::guest::CheckInSecrets;
use luca_protocol::signed::daily_key_announcement::{DailyKeyAnnouncement, KeyPurpose};
use luca_protocol::time::{UnixMinute, UnixTime, Validity};
use rand_core::CryptoRng;

/// Why a health-office operation failed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum HealthOfficeError {
    /// A message could not be decoded.
    #[error("malformed message: {0}")]
    Decode(#[from] DecodeError),
    /// Sealed content could not be opened.
    #[error("{0}")]
    Open(#[from] OpenError),
    /// The daily key named by a message is not held (never received, or erased).
    #[error("daily key not held")]
    UnknownDailyKey,
}

/// A health office: its id, master keys and the daily private keys it holds.
#[derive(Debug)]
pub struct HealthOffice {
    id: HealthOfficeId,
    keys: HealthOfficeMasterKeys,
    daily_keys: BTreeMap<DailyKeyId, (DailyKeyAnnouncement, DailyPrivateKey)>,
}

/// The result of [`HealthOffice::rotate_daily_key`].
#[derive(Debug)]
pub struct DailyKeyRotation {
    /// The signed announcement to publish.
    pub announcement: DailyKeyAnnouncement,
}

impl HealthOffice {
    /// A health office with fresh master keys.
    pub fn generate<R: CryptoRng>(rng: &mut R) -> Self {
        let id = HealthOfficeId::random(rng);
        let keys = HealthOfficeMasterKeys::generate(rng);
        Self { id, keys, daily_keys: BTreeMap::new() }
    }

    /// The office id.
    pub fn id(&self) -> HealthOfficeId {
        self.id
    }

    /// The public signing key (for the certificate request).
    pub fn signing_public_key(&self) -> SignaturePublicKey {
        self.keys.signing.public_key()
    }

    /// The public encryption key (for the certificate request).
    pub fn encryption_public_key(&self) -> EncryptionPublicKey {
        self.keys.encryption.public_key()
    }

    /// Generates the daily key for the UTC day of `now` and signs its announcement
    /// (usable for 7 days, retained 28 days).
    ///
    /// # Errors
    /// [`HealthOfficeError::Decode`] if the announcement could not be built.
    pub fn rotate_daily_key<R: CryptoRng>(
        &mut self,
        rng: &mut R,
        now: UnixTime,
    ) -> Result<DailyKeyRotation, HealthOfficeError> {
        let day = now.day();
        let key = DailyPrivateKey::generate(rng);
        let validity = Validity { not_before: day.start(), not_after: day.plus_days(7).start() };
        let announcement = DailyKeyAnnouncement::issue(
            &self.keys.signing,
            self.id,
            KeyPurpose::Daily,
            DailyKeyId::for_day(day).0,
            &key.public_key(),
            validity,
            day.plus_days(28).start(),
        )?;
        let id = DailyKeyId::for_day(day);
        let rotation = DailyKeyRotation { announcement: announcement.clone() };
        self.daily_keys.insert(id, (announcement, key));
        Ok(rotation)
    }

    /// Opens a guest check-in's inner record with the daily key it names.
    ///
    /// # Errors
    /// [`HealthOfficeError::UnknownDailyKey`] or [`HealthOfficeError::Open`].
    pub fn open_inner_record(&self, inner: &InnerRecord) -> Result<CheckInSecrets, HealthOfficeError> {
        match inner {
            InnerRecord::Guest(qr) => {
                let (_, key) = self.daily_keys.get(&qr.daily_key_id()).ok_or(HealthOfficeError::UnknownDailyKey)?;
                Ok(qr.open(key)?)
            }
            InnerRecord::Badge(_) => Err(HealthOfficeError::UnknownDailyKey),
        }
    }

    /// Opens a history share (fetched from the server by TAN).
    ///
    /// # Errors
    /// [`HealthOfficeError`] if it is malformed, names an unknown key, or does not open.
    pub fn open_history_share(&self, bytes: &[u8]) -> Result<OpenedHistoryShare, HealthOfficeError> {
        let share = HistoryShareIn::from_slice(bytes)?;
        let (_, key) = self.daily_keys.get(&share.daily_key_id()).ok_or(HealthOfficeError::UnknownDailyKey)?;
        Ok(share.open(key)?)
    }

    /// Signs a tracing request to `venue_id` for `window`, valid for `valid_for_secs` from `now`.
    ///
    /// # Errors
    /// [`HealthOfficeError::Decode`] if the window or validity break the request's rules.
    pub fn request_tracing<R: CryptoRng>(
        &self,
        rng: &mut R,
        venue_id: VenueId,
        window: TracingWindow,
        now: UnixTime,
        valid_for_secs: u64,
    ) -> Result<TracingRequest, HealthOfficeError> {
        Ok(TracingRequest::sign(
            &self.keys.signing,
            RequestId::random(rng),
            self.id,
            venue_id,
            window,
            now,
            now.plus_secs(valid_for_secs),
        )?)
    }

    /// Opens a venue's consent response to one of this office's tracing requests, and each
    /// inner record in it: the user id and data secret of every guest in the window.
    ///
    /// # Errors
    /// [`HealthOfficeError`] if the response is malformed, bound to another request or office,
    /// or an inner record names a daily key this office does not hold.
    pub fn open_consent_response(
        &self,
        bytes: &[u8],
        request: &TracingRequest,
    ) -> Result<Vec<(ConsentEntry, CheckInSecrets)>, HealthOfficeError> {
        let response = ConsentResponseIn::from_slice(bytes)?;
        let entries = response.open(request, &self.keys.encryption)?;
        entries
            .into_iter()
            .map(|e| {
                let secrets = self.open_inner_record(&e.inner)?;
                Ok((e, secrets))
            })
            .collect()
    }

    /// Erases daily private keys whose retention has ended.
    pub fn purge(&mut self, now: UnixTime) {
        self.daily_keys.retain(|_, (a, _)| now < a.retain_until());
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
