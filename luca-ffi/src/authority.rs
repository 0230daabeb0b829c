//! The operator's issuance roles: the trust anchor (certifies health offices
//! and the registrar) and the registrar (signs venue descriptors). Enough to
//! stand up a town in a test or a simulation; the trust anchor key belongs offline.

use std::sync::{Arc, Mutex};

use luca_authority as authority;
use luca_protocol::time::UnixTime;

use crate::error::LucaError;
use crate::office::CertificateRequest;
use crate::rng::os_rng;
use crate::types::{Validity, encryption_key, lock, registrar_id, signature_key, venue_id};
use crate::venue::VenueRegistrationRequest;
use crate::verified::RegistrarCertificate;

/// What the registrar sends to the trust anchor's operator to be certified.
#[derive(Clone, Debug, PartialEq, Eq, uniffi::Record)]
#[uniffi::export(Debug)]
pub struct RegistrarRequest {
    /// The registrar's id (16 bytes).
    pub registrar_id: Vec<u8>,
    /// The registrar's name (1..=128 bytes, no control character).
    pub name: String,
    /// The registrar's public signing key (65 bytes).
    pub signing_key: Vec<u8>,
}

/// The trust anchor: certifies health offices and the venue registrar.
#[derive(Debug, uniffi::Object)]
pub struct TrustAnchor {
    inner: authority::TrustAnchor,
}

#[uniffi::export]
impl TrustAnchor {
    /// A trust anchor with a fresh key.
    ///
    /// # Errors
    /// `Randomness`.
    #[uniffi::constructor]
    pub fn new() -> Result<Arc<Self>, LucaError> {
        let mut rng = os_rng()?;
        Ok(Arc::new(Self { inner: authority::TrustAnchor::generate(&mut rng) }))
    }

    /// Restores a trust anchor from [`export_state`](Self::export_state) bytes.
    ///
    /// # Errors
    /// `State`.
    #[uniffi::constructor]
    pub fn import_state(state: Vec<u8>) -> Result<Arc<Self>, LucaError> {
        Ok(Arc::new(Self { inner: authority::TrustAnchor::import_state(&state)? }))
    }

    /// The state: **the private key in the clear**.
    pub fn export_state(&self) -> Vec<u8> {
        self.inner.export_state().to_vec()
    }

    /// The public key everyone pins (65 bytes).
    pub fn public_key(&self) -> Vec<u8> {
        self.inner.public_key().to_bytes().to_vec()
    }

    /// Issues the certificate of the health office that sent `request`, valid for `validity`.
    ///
    /// # Errors
    /// `InvalidInput` (request ids or keys); `Authority` (`invalid_field`: name or validity).
    pub fn certify_health_office(&self, request: CertificateRequest, validity: Validity) -> Result<Vec<u8>, LucaError> {
        Ok(self.inner.certify_health_office(&request.to_core()?, validity.to_core())?.to_bytes())
    }

    /// Issues the registrar's certificate, valid for `validity`.
    ///
    /// # Errors
    /// `InvalidInput`; `Authority` (`invalid_field`).
    pub fn certify_registrar(&self, request: RegistrarRequest, validity: Validity) -> Result<Vec<u8>, LucaError> {
        let request = authority::RegistrarRequest {
            id: registrar_id(&request.registrar_id)?,
            name: request.name,
            signing_key: signature_key(&request.signing_key)?,
        };
        Ok(self.inner.certify_registrar(&request, validity.to_core())?.to_bytes())
    }
}

/// The venue registrar: signs venue descriptors.
#[derive(Debug, uniffi::Object)]
pub struct Registrar {
    inner: Mutex<authority::Registrar>,
}

#[uniffi::export]
impl Registrar {
    /// A registrar with a fresh id and key.
    ///
    /// # Errors
    /// `Randomness`.
    #[uniffi::constructor]
    pub fn new() -> Result<Arc<Self>, LucaError> {
        let mut rng = os_rng()?;
        Ok(Arc::new(Self { inner: Mutex::new(authority::Registrar::generate(&mut rng)) }))
    }

    /// Restores a registrar from [`export_state`](Self::export_state) bytes.
    ///
    /// # Errors
    /// `State`.
    #[uniffi::constructor]
    pub fn import_state(state: Vec<u8>) -> Result<Arc<Self>, LucaError> {
        Ok(Arc::new(Self { inner: Mutex::new(authority::Registrar::import_state(&state)?) }))
    }

    /// The state: **the private key in the clear**, and the certificate.
    ///
    /// # Errors
    /// `Poisoned`.
    pub fn export_state(&self) -> Result<Vec<u8>, LucaError> {
        Ok(lock(&self.inner)?.export_state().to_vec())
    }

    /// The registrar's id (16 bytes).
    ///
    /// # Errors
    /// `Poisoned`.
    pub fn registrar_id(&self) -> Result<Vec<u8>, LucaError> {
        Ok(lock(&self.inner)?.id().as_bytes().to_vec())
    }

    /// The request to send to the trust anchor's operator.
    ///
    /// # Errors
    /// `Authority` (`invalid_field`) for a bad name; `Poisoned`.
    pub fn registration_request(&self, name: String) -> Result<RegistrarRequest, LucaError> {
        let r = lock(&self.inner)?.registration_request(&name)?;
        Ok(RegistrarRequest {
            registrar_id: r.id.as_bytes().to_vec(),
            name: r.name,
            signing_key: r.signing_key.to_bytes().to_vec(),
        })
    }

    /// Verifies the registrar's certificate under `trust_anchor` (65 bytes) at `now` and installs it.
    ///
    /// # Errors
    /// `Authority` (a decode or verify kind, `certificate_mismatch`, `anchor_mismatch`); `InvalidInput`; `Poisoned`.
    pub fn install_certificate(
        &self,
        certificate: Vec<u8>,
        trust_anchor: Vec<u8>,
        now: u64,
    ) -> Result<Arc<RegistrarCertificate>, LucaError> {
        let anchor = signature_key(&trust_anchor)?;
        let mut registrar = lock(&self.inner)?;
        let cert = registrar.install_certificate(&certificate, &anchor, UnixTime(now))?;
        Ok(RegistrarCertificate::wrap(cert.clone()))
    }

    /// The installed certificate, if any.
    ///
    /// # Errors
    /// `Poisoned`.
    pub fn certificate(&self) -> Result<Option<Arc<RegistrarCertificate>>, LucaError> {
        Ok(lock(&self.inner)?.certificate().cloned().map(RegistrarCertificate::wrap))
    }

    /// Signs the descriptor of the venue that sent `request`, valid for `validity` (inside the
    /// registrar certificate's): the bytes to give to [`Venue::install_descriptor`](crate::venue::Venue::install_descriptor).
    ///
    /// # Errors
    /// `InvalidInput`; `Authority` (`not_certified`, `outside_certificate`, `invalid_field`); `Poisoned`.
    pub fn register_venue(&self, request: VenueRegistrationRequest, validity: Validity) -> Result<Vec<u8>, LucaError> {
        let id = venue_id(&request.venue_id)?;
        let key = encryption_key(&request.venue_key)?;
        let descriptor =
            lock(&self.inner)?.register_venue(id, &request.name, &key, request.table_count, validity.to_core())?;
        Ok(descriptor.to_bytes())
    }
}
