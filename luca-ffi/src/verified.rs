//! Verified public objects: certificates, daily key announcements, notification
//! lists and scanned venue QR codes.
//!
//! Each is made only by verifying its bytes (the constructor) or by the role
//! object that issued it, like the protocol's verified types; the role objects
//! accept nothing else. They hold no secret.

use std::sync::Arc;

use luca_protocol::messages::notification_list::{self, NotificationListIn};
use luca_protocol::signed::daily_key_announcement::{self, DailyKeyAnnouncementIn};
use luca_protocol::signed::health_office_certificate::{self, HealthOfficeCertificateIn};
use luca_protocol::signed::registrar_certificate::{self, RegistrarCertificateIn};
use luca_protocol::threshold::announcement::{self, CommitteeKeyAnnouncementIn};
use luca_protocol::time::UnixTime;

use crate::error::LucaError;
use crate::types::{KeyPurpose, Validity, signature_key};

/// A health office's certificate, verified under the trust anchor.
#[derive(Debug, uniffi::Object)]
pub struct HealthOfficeCertificate {
    pub(crate) inner: health_office_certificate::HealthOfficeCertificate,
}

impl HealthOfficeCertificate {
    pub(crate) fn wrap(inner: health_office_certificate::HealthOfficeCertificate) -> Arc<Self> {
        Arc::new(Self { inner })
    }
}

#[uniffi::export]
impl HealthOfficeCertificate {
    /// Decodes `certificate` and verifies it under the pinned `trust_anchor` public key (65 bytes) at `now`.
    ///
    /// # Errors
    /// `InvalidInput` if the bytes or the key do not decode; `Verification` (`bad_signature`,
    /// `expired`, `not_yet_valid`, …).
    #[uniffi::constructor]
    pub fn verify(certificate: Vec<u8>, trust_anchor: Vec<u8>, now: u64) -> Result<Arc<Self>, LucaError> {
        let anchor = signature_key(&trust_anchor)?;
        let cert = HealthOfficeCertificateIn::from_slice(&certificate)?.verify(&anchor, UnixTime(now))?;
        Ok(Self::wrap(cert))
    }

    /// The certificate's bytes (COSE_Sign1), as signed.
    pub fn to_bytes(&self) -> Vec<u8> {
        self.inner.to_bytes()
    }

    /// The health office's id (16 bytes).
    pub fn office_id(&self) -> Vec<u8> {
        self.inner.id().as_bytes().to_vec()
    }

    /// The health office's name.
    pub fn name(&self) -> String {
        self.inner.name().to_owned()
    }

    /// The validity period.
    pub fn validity(&self) -> Validity {
        Validity::from_core(self.inner.validity())
    }
}

/// The venue registrar's certificate, verified under the trust anchor.
#[derive(Debug, uniffi::Object)]
pub struct RegistrarCertificate {
    pub(crate) inner: registrar_certificate::RegistrarCertificate,
}

impl RegistrarCertificate {
    pub(crate) fn wrap(inner: registrar_certificate::RegistrarCertificate) -> Arc<Self> {
        Arc::new(Self { inner })
    }
}

#[uniffi::export]
impl RegistrarCertificate {
    /// Decodes `certificate` and verifies it under the pinned `trust_anchor` public key (65 bytes) at `now`.
    ///
    /// # Errors
    /// `InvalidInput`; `Verification`.
    #[uniffi::constructor]
    pub fn verify(certificate: Vec<u8>, trust_anchor: Vec<u8>, now: u64) -> Result<Arc<Self>, LucaError> {
        let anchor = signature_key(&trust_anchor)?;
        let cert = RegistrarCertificateIn::from_slice(&certificate)?.verify(&anchor, UnixTime(now))?;
        Ok(Self::wrap(cert))
    }

    /// The certificate's bytes (COSE_Sign1), as signed.
    pub fn to_bytes(&self) -> Vec<u8> {
        self.inner.to_bytes()
    }

    /// The registrar's id (16 bytes).
    pub fn registrar_id(&self) -> Vec<u8> {
        self.inner.id().as_bytes().to_vec()
    }

    /// The registrar's name.
    pub fn name(&self) -> String {
        self.inner.name().to_owned()
    }

    /// The validity period.
    pub fn validity(&self) -> Validity {
        Validity::from_core(self.inner.validity())
    }
}

/// A health office's signed announcement of a daily (or badge) public key, verified against the
/// issuing office's certificate.
#[derive(Debug, uniffi::Object)]
pub struct DailyKeyAnnouncement {
    pub(crate) inner: daily_key_announcement::DailyKeyAnnouncement,
}

impl DailyKeyAnnouncement {
    pub(crate) fn wrap(inner: daily_key_announcement::DailyKeyAnnouncement) -> Arc<Self> {
        Arc::new(Self { inner })
    }
}

#[uniffi::export]
impl DailyKeyAnnouncement {
    /// Decodes `announcement` and verifies it against `issuer` (the announcing office's verified
    /// certificate) at `now`: signature, issuer, use period inside the certificate.
    ///
    /// # Errors
    /// `InvalidInput`; `Verification`.
    #[uniffi::constructor]
    pub fn verify(
        announcement: Vec<u8>,
        issuer: Arc<HealthOfficeCertificate>,
        now: u64,
    ) -> Result<Arc<Self>, LucaError> {
        let verified = DailyKeyAnnouncementIn::from_slice(&announcement)?.verify(&issuer.inner, UnixTime(now))?;
        Ok(Self::wrap(verified))
    }

    /// The announcement's bytes (COSE_Sign1), as signed.
    pub fn to_bytes(&self) -> Vec<u8> {
        self.inner.to_bytes()
    }

    /// Daily or badge key.
    pub fn purpose(&self) -> KeyPurpose {
        KeyPurpose::from_core(self.inner.purpose())
    }

    /// The key id (daily: the UTC day number mod 2^16).
    pub fn key_id(&self) -> u16 {
        self.inner.key_id()
    }

    /// The daily (or badge) public key (65 bytes).
    pub fn public_key(&self) -> Vec<u8> {
        self.inner.public_key().to_bytes().to_vec()
    }

    /// The announcing office's id (16 bytes).
    pub fn issuer_id(&self) -> Vec<u8> {
        self.inner.issuer().as_bytes().to_vec()
    }

    /// The use period: guests and scanners encrypt to the key only inside it.
    pub fn validity(&self) -> Validity {
        Validity::from_core(self.inner.validity())
    }

    /// Whether the key is in its use period at `now`.
    pub fn is_in_use_at(&self, now: u64) -> bool {
        self.inner.is_in_use_at(UnixTime(now))
    }
}

/// A threshold daily key's committee key announcement (PROTOCOL.md §13.4), verified: at least `t`
/// valid signatures of listed committee members with current certificates. Guests seal to it
/// ([`Guest::check_in_code_committee`](crate::guest::Guest::check_in_code_committee), …) and
/// scanners accept check-ins for it ([`Scanner::add_committee_key`](crate::venue::Scanner::add_committee_key))
/// as for a [`DailyKeyAnnouncement`].
#[derive(Debug, uniffi::Object)]
pub struct CommitteeKeyAnnouncement {
    pub(crate) inner: announcement::CommitteeKeyAnnouncement,
}

#[uniffi::export]
impl CommitteeKeyAnnouncement {
    /// Decodes `announcement` and verifies it at `now` (in its use period) with `certificates`, the
    /// verifier's verified health-office certificates (those of the committee members among them).
    ///
    /// # Errors
    /// `InvalidInput`; `Verification` (`too_few` valid member signatures, `expired`, `not_yet_valid`).
    #[uniffi::constructor]
    pub fn verify(
        announcement: Vec<u8>,
        certificates: Vec<Arc<HealthOfficeCertificate>>,
        now: u64,
    ) -> Result<Arc<Self>, LucaError> {
        let certs: Vec<_> = certificates.iter().map(|c| c.inner.clone()).collect();
        let verified = CommitteeKeyAnnouncementIn::from_slice(&announcement)?.verify(&certs, UnixTime(now))?;
        Ok(Arc::new(Self { inner: verified }))
    }

    /// As [`verify`](Self::verify), for decryption (health offices): the key must be in its
    /// retention period, `[not_before, retain_until)`, rather than its use period.
    ///
    /// # Errors
    /// As [`verify`](Self::verify).
    #[uniffi::constructor]
    pub fn verify_for_retention(
        announcement: Vec<u8>,
        certificates: Vec<Arc<HealthOfficeCertificate>>,
        now: u64,
    ) -> Result<Arc<Self>, LucaError> {
        let certs: Vec<_> = certificates.iter().map(|c| c.inner.clone()).collect();
        let verified =
            CommitteeKeyAnnouncementIn::from_slice(&announcement)?.verify_for_retention(&certs, UnixTime(now))?;
        Ok(Arc::new(Self { inner: verified }))
    }

    /// The announcement's bytes, as verified.
    pub fn to_bytes(&self) -> Vec<u8> {
        self.inner.as_bytes().to_vec()
    }

    /// The daily key id.
    pub fn key_id(&self) -> u16 {
        self.inner.key_id().0
    }

    /// The daily public key (65 bytes).
    pub fn public_key(&self) -> Vec<u8> {
        self.inner.public_key().to_bytes().to_vec()
    }

    /// How many members open together.
    pub fn threshold(&self) -> u16 {
        self.inner.threshold()
    }

    /// The committee's office ids (16 bytes each), member 1 first.
    pub fn committee(&self) -> Vec<Vec<u8>> {
        self.inner.committee().iter().map(|id| id.as_bytes().to_vec()).collect()
    }

    /// The members whose signatures verified, ascending.
    pub fn signers(&self) -> Vec<u16> {
        self.inner.signers().to_vec()
    }

    /// The use period: guests and scanners encrypt to the key only inside it.
    pub fn validity(&self) -> Validity {
        Validity::from_core(self.inner.validity())
    }

    /// When the members erase their shares (Unix seconds).
    pub fn retain_until(&self) -> u64 {
        self.inner.retain_until().0
    }

    /// Whether the key is in its use period at `now`.
    pub fn is_in_use_at(&self, now: u64) -> bool {
        self.inner.validity().contains(UnixTime(now))
    }
}

/// A health office's signed notification list, verified against its certificate: guests match it
/// on their devices ([`Guest::check_notifications`](crate::guest::Guest::check_notifications)).
#[derive(Debug, uniffi::Object)]
pub struct NotificationList {
    pub(crate) inner: notification_list::NotificationList,
}

#[uniffi::export]
impl NotificationList {
    /// Decodes `list` and verifies it against `office` (the publishing office's verified certificate) at `now`.
    ///
    /// # Errors
    /// `InvalidInput`; `Verification`.
    #[uniffi::constructor]
    pub fn verify(list: Vec<u8>, office: Arc<HealthOfficeCertificate>, now: u64) -> Result<Arc<Self>, LucaError> {
        let verified = NotificationListIn::from_slice(&list)?.verify(&office.inner, UnixTime(now))?;
        Ok(Arc::new(Self { inner: verified }))
    }

    /// The publishing office's id (16 bytes).
    pub fn office_id(&self) -> Vec<u8> {
        self.inner.health_office_id().as_bytes().to_vec()
    }

    /// When the list was issued (Unix seconds).
    pub fn issued_at(&self) -> u64 {
        self.inner.issued_at().0
    }

    /// How many hashes the list holds (including padding).
    pub fn hash_count(&self) -> u64 {
        crate::types::count(self.inner.hashes().len())
    }
}
