//! The health office: certification, daily keys and their shares, the tracing
//! flow (history share → trace ids → tracing request → consent → contacts),
//! export and notification lists.

use std::sync::{Arc, Mutex};

use luca_healthoffice::export;
use luca_protocol::ids::TraceId;
use luca_protocol::messages::history_share::OpenedHistoryShare;
use luca_protocol::messages::tracing_request::{self, TracingRequestIn};
use luca_protocol::time::{UnixMinute, UnixTime};

use crate::error::LucaError;
use crate::rng::os_rng;
use crate::types::{
    CheckInSource, ContactFields, KeyPurpose, TracingWindow, count, encryption_key, health_office_id, lock,
    signature_key, trace_id, user_id, venue_id,
};
use crate::verified::{DailyKeyAnnouncement, HealthOfficeCertificate};

/// What a health office sends to the trust anchor's operator to be certified.
#[derive(Clone, Debug, PartialEq, Eq, uniffi::Record)]
#[uniffi::export(Debug)]
pub struct CertificateRequest {
    /// The office's id (16 bytes).
    pub office_id: Vec<u8>,
    /// The office's name (1..=128 bytes, no control character).
    pub name: String,
    /// The office's public signing key (65 bytes).
    pub signing_key: Vec<u8>,
    /// The office's public encryption key (65 bytes).
    pub encryption_key: Vec<u8>,
}

impl CertificateRequest {
    pub(crate) fn to_core(&self) -> Result<luca_healthoffice::CertificateRequest, LucaError> {
        Ok(luca_healthoffice::CertificateRequest {
            id: health_office_id(&self.office_id)?,
            name: self.name.clone(),
            signing_key: signature_key(&self.signing_key)?,
            encryption_key: encryption_key(&self.encryption_key)?,
        })
    }
}

/// A private key sealed to one other health office.
#[derive(Clone, Debug, PartialEq, Eq, uniffi::Record)]
#[uniffi::export(Debug)]
pub struct KeyShare {
    /// The receiving office (16 bytes).
    pub recipient: Vec<u8>,
    /// The sealed share: deliver it with the announcement's bytes.
    pub share: Vec<u8>,
}

/// A new daily key: its signed announcement (publish it) and its shares (deliver each to its recipient).
#[derive(Debug, uniffi::Record)]
#[uniffi::export(Debug)]
pub struct DailyKeyRotation {
    /// The verified announcement.
    pub announcement: Arc<DailyKeyAnnouncement>,
    /// The private key sealed to every other currently valid office given.
    pub shares: Vec<KeyShare>,
}

/// The result of [`HealthOffice::import_key_share`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, uniffi::Record)]
#[uniffi::export(Debug)]
pub struct ImportedKey {
    /// Daily or badge key.
    pub purpose: KeyPurpose,
    /// The key id.
    pub key_id: u16,
    /// Whether the office already held this very key.
    pub already_held: bool,
}

/// How many private keys [`HealthOffice::purge`] erased.
#[derive(Clone, Copy, Debug, PartialEq, Eq, uniffi::Record)]
#[uniffi::export(Debug)]
pub struct PurgeReport {
    /// Daily private keys erased.
    pub daily_keys_erased: u64,
    /// Badge private keys erased.
    pub badge_keys_erased: u64,
}

/// A warning to publish in a notification list.
#[derive(Clone, Debug, PartialEq, Eq, uniffi::Record)]
#[uniffi::export(Debug)]
pub struct Warning {
    /// The contact's trace id (16 bytes).
    pub trace_id: Vec<u8>,
    /// The warning level, 1..=3.
    pub level: u8,
}

/// A check-in of a consent response that did not open.
#[derive(Clone, Debug, PartialEq, Eq, uniffi::Record)]
#[uniffi::export(Debug)]
pub struct UnreadableCheckIn {
    /// Its trace id (16 bytes).
    pub trace_id: Vec<u8>,
    /// Its minute (Unix minutes).
    pub minute: u32,
    /// Guest app or badge.
    pub source: CheckInSource,
    /// Why (stable kind: `unknown_daily_key`, `decryption_failed`, …).
    pub kind: String,
}

/// A venue's consent response, opened.
#[derive(Debug, uniffi::Record)]
#[uniffi::export(Debug)]
pub struct OpenedConsent {
    /// The consenting venue (16 bytes).
    pub venue_id: Vec<u8>,
    /// The request it answers (16 bytes).
    pub request_id: Vec<u8>,
    /// The check-ins, opened down to the guests' secrets (which stay inside the objects).
    pub check_ins: Vec<Arc<ConsentedCheckIn>>,
    /// The check-ins that did not open.
    pub unreadable: Vec<UnreadableCheckIn>,
}

impl OpenedConsent {
    pub(crate) fn from_core(opened: luca_healthoffice::OpenedConsent) -> Self {
        Self {
            venue_id: opened.venue_id.as_bytes().to_vec(),
            request_id: opened.request_id.as_bytes().to_vec(),
            unreadable: opened
                .unreadable
                .iter()
                .map(|u| UnreadableCheckIn {
                    trace_id: u.trace_id.as_bytes().to_vec(),
                    minute: u.minute.0,
                    source: CheckInSource::from_core(u.source),
                    kind: u.error.kind().to_owned(),
                })
                .collect(),
            check_ins: opened.check_ins.into_iter().map(|c| Arc::new(ConsentedCheckIn { inner: c })).collect(),
        }
    }
}

/// A traced contact: decrypted, verified contact data and where and when it checked in. Every
/// text field is attacker-controlled: export with [`contacts_to_csv`] / [`contacts_to_json`].
#[derive(Clone, PartialEq, Eq, uniffi::Record)]
#[uniffi::export(Debug)]
pub struct Contact {
    /// The guest's user id (16 bytes).
    pub user_id: Vec<u8>,
    /// The check-in's trace id (16 bytes).
    pub trace_id: Vec<u8>,
    /// The check-in minute (Unix minutes).
    pub minute: u32,
    /// The venue (16 bytes).
    pub venue_id: Vec<u8>,
    /// The decrypted contact fields.
    pub fields: ContactFields,
    /// The table number, if any.
    pub table: Option<u16>,
}

impl core::fmt::Debug for Contact {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Contact").field("minute", &self.minute).finish_non_exhaustive()
    }
}

impl Contact {
    fn from_core(c: &luca_healthoffice::Contact) -> Self {
        Self {
            user_id: c.user_id.as_bytes().to_vec(),
            trace_id: c.trace_id.as_bytes().to_vec(),
            minute: c.minute.0,
            venue_id: c.venue_id.as_bytes().to_vec(),
            fields: ContactFields::from_core(&c.fields),
            table: c.table,
        }
    }

    fn to_core(&self) -> Result<luca_healthoffice::Contact, LucaError> {
        Ok(luca_healthoffice::Contact {
            user_id: user_id(&self.user_id)?,
            trace_id: trace_id(&self.trace_id)?,
            minute: UnixMinute(self.minute),
            venue_id: venue_id(&self.venue_id)?,
            fields: self.fields.to_core(),
            table: self.table,
        })
    }
}

fn contacts(list: &[Contact]) -> Result<Vec<luca_healthoffice::Contact>, LucaError> {
    list.iter().map(Contact::to_core).collect()
}

/// The contacts as a JSON array of objects whose values are all strings.
///
/// # Errors
/// `InvalidInput` if an id of a contact has the wrong length.
#[uniffi::export]
pub fn contacts_to_json(contacts: Vec<Contact>) -> Result<String, LucaError> {
    Ok(export::to_json(&self::contacts(&contacts)?))
}

/// The contacts as CSV, safe to open in a spreadsheet (formula injection neutralised).
///
/// # Errors
/// `InvalidInput` if an id of a contact has the wrong length.
#[uniffi::export]
pub fn contacts_to_csv(contacts: Vec<Contact>) -> Result<String, LucaError> {
    Ok(export::to_csv(&self::contacts(&contacts)?))
}

/// A health office: master keys, certificate, daily keys; the tracing flow.
#[derive(Debug, uniffi::Object)]
pub struct HealthOffice {
    pub(crate) inner: Mutex<luca_healthoffice::HealthOffice>,
}

#[uniffi::export]
impl HealthOffice {
    /// A health office with a fresh id and master keys.
    ///
    /// # Errors
    /// `Randomness`.
    #[uniffi::constructor]
    pub fn new() -> Result<Arc<Self>, LucaError> {
        let mut rng = os_rng()?;
        Ok(Arc::new(Self { inner: Mutex::new(luca_healthoffice::HealthOffice::generate(&mut rng)) }))
    }

    /// Restores an office from [`export_state`](Self::export_state) bytes.
    ///
    /// # Errors
    /// `State`.
    #[uniffi::constructor]
    pub fn import_state(state: Vec<u8>) -> Result<Arc<Self>, LucaError> {
        Ok(Arc::new(Self { inner: Mutex::new(luca_healthoffice::HealthOffice::import_state(&state)?) }))
    }

    /// The office's whole state: **every private key in the clear**. Store it encrypted.
    ///
    /// # Errors
    /// `Poisoned`.
    pub fn export_state(&self) -> Result<Vec<u8>, LucaError> {
        Ok(lock(&self.inner)?.export_state().to_vec())
    }

    /// The office id (16 bytes).
    ///
    /// # Errors
    /// `Poisoned`.
    pub fn office_id(&self) -> Result<Vec<u8>, LucaError> {
        Ok(lock(&self.inner)?.id().as_bytes().to_vec())
    }

    /// The request to send to the trust anchor's operator.
    ///
    /// # Errors
    /// `Key` (`invalid_field`) if `name` breaks the name rule; `Poisoned`.
    pub fn certificate_request(&self, name: String) -> Result<CertificateRequest, LucaError> {
        let r = lock(&self.inner)?.certificate_request(&name)?;
        Ok(CertificateRequest {
            office_id: r.id.as_bytes().to_vec(),
            name: r.name,
            signing_key: r.signing_key.to_bytes().to_vec(),
            encryption_key: r.encryption_key.to_bytes().to_vec(),
        })
    }

    /// Verifies this office's certificate under `trust_anchor` (65 bytes) at `now` and installs it.
    ///
    /// # Errors
    /// `Key` (a decode or verify kind, `certificate_mismatch`, `anchor_mismatch`); `InvalidInput`; `Poisoned`.
    pub fn install_certificate(
        &self,
        certificate: Vec<u8>,
        trust_anchor: Vec<u8>,
        now: u64,
    ) -> Result<Arc<HealthOfficeCertificate>, LucaError> {
        let anchor = signature_key(&trust_anchor)?;
        let mut office = lock(&self.inner)?;
        let cert = office.install_certificate(&certificate, &anchor, UnixTime(now))?;
        Ok(HealthOfficeCertificate::wrap(cert.clone()))
    }

    /// The installed certificate, if any.
    ///
    /// # Errors
    /// `Poisoned`.
    pub fn certificate(&self) -> Result<Option<Arc<HealthOfficeCertificate>>, LucaError> {
        Ok(lock(&self.inner)?.certificate().cloned().map(HealthOfficeCertificate::wrap))
    }

    /// Generates today's daily key, signs its announcement and seals the private key to every
    /// other office among `offices` whose certificate is valid at `now`.
    ///
    /// # Errors
    /// `Key` (`not_certified`, `key_already_held`, `untrusted_certificate`, …); `Randomness`; `Poisoned`.
    pub fn rotate_daily_key(
        &self,
        now: u64,
        offices: Vec<Arc<HealthOfficeCertificate>>,
    ) -> Result<DailyKeyRotation, LucaError> {
        let certs: Vec<_> = offices.iter().map(|c| c.inner.clone()).collect();
        let mut rng = os_rng()?;
        let rotation = lock(&self.inner)?.rotate_daily_key(&mut rng, UnixTime(now), &certs)?;
        Ok(DailyKeyRotation {
            shares: rotation
                .shares
                .iter()
                .map(|s| KeyShare { recipient: s.recipient().as_bytes().to_vec(), share: s.as_bytes().to_vec() })
                .collect(),
            announcement: DailyKeyAnnouncement::wrap(rotation.announcement),
        })
    }

    /// Imports a daily (or badge) key that another office (`issuer`, its verified certificate) rotated.
    ///
    /// # Errors
    /// `Key` (`untrusted_certificate`, `share_mismatch`, `binding_mismatch`, `decryption_failed`, …); `Poisoned`.
    pub fn import_key_share(
        &self,
        share: Vec<u8>,
        announcement: Vec<u8>,
        issuer: Arc<HealthOfficeCertificate>,
        now: u64,
    ) -> Result<ImportedKey, LucaError> {
        let k = lock(&self.inner)?.import_key_share(&share, &announcement, &issuer.inner, UnixTime(now))?;
        Ok(ImportedKey { purpose: KeyPurpose::from_core(k.purpose), key_id: k.key_id, already_held: k.already_held })
    }

    /// The held daily key of the UTC day of `now` that is in use at `now`, if any.
    ///
    /// # Errors
    /// `Poisoned`.
    pub fn current_daily_key(&self, now: u64) -> Result<Option<Arc<DailyKeyAnnouncement>>, LucaError> {
        Ok(lock(&self.inner)?.current_daily_key(UnixTime(now)).cloned().map(DailyKeyAnnouncement::wrap))
    }

    /// Opens a history share (fetched from the server under the TAN, see [`normalize_tan`](crate::normalize_tan))
    /// with the daily key it names.
    ///
    /// # Errors
    /// `Tracing` (a decode kind, `unknown_daily_key`, `decryption_failed`, …); `Poisoned`.
    pub fn open_history_share(&self, share: Vec<u8>) -> Result<Arc<OpenedHistory>, LucaError> {
        let opened = lock(&self.inner)?.open_history_share(&share)?;
        Ok(Arc::new(OpenedHistory { inner: opened }))
    }

    /// Signs a tracing request to `venue_id` for `window`, valid for `valid_for_secs` from `now`.
    ///
    /// # Errors
    /// `Tracing` (`invalid_field`: window over 7 days, lifetime over 14 days); `InvalidInput`;
    /// `Randomness`; `Poisoned`.
    pub fn request_tracing(
        &self,
        venue_id: Vec<u8>,
        window: TracingWindow,
        now: u64,
        valid_for_secs: u64,
    ) -> Result<Arc<TracingRequest>, LucaError> {
        let venue = crate::types::venue_id(&venue_id)?;
        let mut rng = os_rng()?;
        let request =
            lock(&self.inner)?.request_tracing(&mut rng, venue, window.to_core(), UnixTime(now), valid_for_secs)?;
        Ok(Arc::new(TracingRequest { inner: request }))
    }

    /// Opens a venue's consent response to `request` (one of this office's requests) and each
    /// check-in in it; one that does not open is listed in `unreadable` without hiding the others.
    ///
    /// # Errors
    /// `Tracing` (`binding_mismatch`, `decryption_failed`, a decode kind); `Poisoned`.
    pub fn open_consent_response(
        &self,
        response: Vec<u8>,
        request: Arc<TracingRequest>,
    ) -> Result<OpenedConsent, LucaError> {
        let opened = lock(&self.inner)?.open_consent_response(&response, &request.inner)?;
        Ok(OpenedConsent::from_core(opened))
    }

    /// Decrypts and verifies `contact_data` (as the server stores it under the check-in's user id)
    /// with the secrets of a consented check-in.
    ///
    /// # Errors
    /// `Tracing` (`binding_mismatch` for data of another user or a bad signature, `decryption_failed`,
    /// a decode kind); `Poisoned`.
    pub fn decrypt_contact(
        &self,
        contact_data: Vec<u8>,
        check_in: Arc<ConsentedCheckIn>,
    ) -> Result<Contact, LucaError> {
        let contact = lock(&self.inner)?.decrypt_contact(&contact_data, &check_in.inner)?;
        Ok(Contact::from_core(&contact))
    }

    /// Builds and signs this office's notification list: level 0 for each trace id in `accessed`
    /// (their data was accessed), a warning for each of `warned`.
    ///
    /// # Errors
    /// `Tracing` (`invalid_level`, `too_many_items`); `InvalidInput`; `Randomness`; `Poisoned`.
    pub fn notification_list(
        &self,
        accessed: Vec<Vec<u8>>,
        warned: Vec<Warning>,
        now: u64,
    ) -> Result<Vec<u8>, LucaError> {
        let accessed = accessed.iter().map(|t| trace_id(t)).collect::<Result<Vec<TraceId>, _>>()?;
        let warned =
            warned.iter().map(|w| Ok((trace_id(&w.trace_id)?, w.level))).collect::<Result<Vec<_>, LucaError>>()?;
        let mut rng = os_rng()?;
        let list = lock(&self.inner)?.notification_list(&mut rng, &accessed, &warned, UnixTime(now))?;
        Ok(list.to_bytes())
    }

    /// Erases the private keys whose retention ended at `now`.
    ///
    /// # Errors
    /// `Poisoned`.
    pub fn purge(&self, now: u64) -> Result<PurgeReport, LucaError> {
        let r = lock(&self.inner)?.purge(UnixTime(now));
        Ok(PurgeReport { daily_keys_erased: count(r.daily_keys_erased), badge_keys_erased: count(r.badge_keys_erased) })
    }
}

/// A check-in among the server's records whose trace id belongs to a traced history.
#[derive(Clone, Debug, PartialEq, Eq, uniffi::Record)]
#[uniffi::export(Debug)]
pub struct HistoryMatch {
    /// The check-in minute (Unix minutes).
    pub minute: u32,
    /// The venue the record names (16 bytes).
    pub venue_id: Vec<u8>,
    /// The record's trace id (16 bytes).
    pub trace_id: Vec<u8>,
}

/// An infected guest's opened history share: its user id, data secret and tracing secrets, which
/// stay inside.
#[derive(Debug, uniffi::Object)]
pub struct OpenedHistory {
    pub(crate) inner: OpenedHistoryShare,
}

#[uniffi::export]
impl OpenedHistory {
    /// The infected guest's user id (16 bytes): tell the guest's own check-ins from its contacts.
    pub fn user_id(&self) -> Vec<u8> {
        self.inner.user_id.as_bytes().to_vec()
    }

    /// The shared UTC days (day numbers since 1970-01-01), ascending.
    pub fn days(&self) -> Vec<u32> {
        self.inner.days.iter().map(|(day, _)| day.0).collect()
    }

    /// Computes the history's trace ids (1,440 per day) and returns the records among `records`
    /// (encoded check-in records, as the server stores them) that carry one at its minute, sorted
    /// by minute. Records that do not decode are skipped.
    pub fn match_check_ins(&self, records: Vec<Vec<u8>>) -> Vec<HistoryMatch> {
        luca_healthoffice::match_check_ins(&self.inner, &records)
            .iter()
            .map(|m| HistoryMatch {
                minute: m.minute.0,
                venue_id: m.venue_id.as_bytes().to_vec(),
                trace_id: m.trace_id.as_bytes().to_vec(),
            })
            .collect()
    }
}

/// A signed tracing request of this office: send [`to_bytes`](Self::to_bytes) to the venue, and
/// keep the object to open the venue's consent response.
#[derive(Debug, uniffi::Object)]
pub struct TracingRequest {
    pub(crate) inner: tracing_request::TracingRequest,
}

#[uniffi::export]
impl TracingRequest {
    /// Restores a request from its bytes, verified against `office` (the issuing office's verified
    /// certificate) at `now` (before it expires).
    ///
    /// # Errors
    /// `InvalidInput`; `Verification` (`wrong_issuer`, `bad_signature`, `expired`, …).
    #[uniffi::constructor]
    pub fn verify(request: Vec<u8>, office: Arc<HealthOfficeCertificate>, now: u64) -> Result<Arc<Self>, LucaError> {
        let parsed = TracingRequestIn::from_slice(&request)?;
        let venue = parsed.venue_id();
        Ok(Arc::new(Self { inner: parsed.verify(&office.inner, venue, UnixTime(now))? }))
    }

    /// The request's bytes (COSE_Sign1), as signed.
    pub fn to_bytes(&self) -> Vec<u8> {
        self.inner.to_bytes()
    }

    /// The request id (16 bytes).
    pub fn request_id(&self) -> Vec<u8> {
        self.inner.request_id().as_bytes().to_vec()
    }

    /// The venue asked (16 bytes).
    pub fn venue_id(&self) -> Vec<u8> {
        self.inner.venue_id().as_bytes().to_vec()
    }

    /// The window of check-ins asked for.
    pub fn window(&self) -> TracingWindow {
        TracingWindow::from_core(self.inner.window())
    }

    /// When the request expires (Unix seconds).
    pub fn expires_at(&self) -> u64 {
        self.inner.expires_at().0
    }
}

/// One check-in of a consent response, opened down to the guest's (or badge's) secrets, which stay
/// inside: pass it to [`HealthOffice::decrypt_contact`].
#[derive(uniffi::Object)]
pub struct ConsentedCheckIn {
    inner: luca_healthoffice::ConsentedCheckIn,
}

impl core::fmt::Debug for ConsentedCheckIn {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        self.inner.fmt(f)
    }
}

#[uniffi::export]
impl ConsentedCheckIn {
    /// The consenting venue (16 bytes).
    pub fn venue_id(&self) -> Vec<u8> {
        self.inner.venue_id.as_bytes().to_vec()
    }

    /// The check-in's trace id (16 bytes).
    pub fn trace_id(&self) -> Vec<u8> {
        self.inner.trace_id.as_bytes().to_vec()
    }

    /// The check-in minute (Unix minutes).
    pub fn minute(&self) -> u32 {
        self.inner.minute.0
    }

    /// Guest app or badge.
    pub fn source(&self) -> CheckInSource {
        CheckInSource::from_core(self.inner.source)
    }

    /// The guest's user id (16 bytes): fetch its contact data from the server under it.
    pub fn user_id(&self) -> Vec<u8> {
        self.inner.secrets.user_id.as_bytes().to_vec()
    }

    /// The table number from the additional data, if any.
    pub fn table(&self) -> Option<u16> {
        self.inner.additional.as_ref().and_then(|a| a.table)
    }

    /// The guest's name from the additional data of a private meeting, if any.
    pub fn guest_name(&self) -> Option<String> {
        self.inner.additional.as_ref().and_then(|a| a.guest_name.clone())
    }
}
