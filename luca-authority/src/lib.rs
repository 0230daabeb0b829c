//! The certifying roles of a luca deployment, run by the system operator: the **trust anchor** (certifies the
//! health offices and the venue registrar; its key belongs offline) and the **venue registrar** (signs venue
//! descriptors, issues badges to guests without a phone). Sans-I/O: time and randomness are parameters.
//!
//! | you want to | use |
//! |---|---|
//! | certify a health office | [`TrustAnchor::certify_health_office`] with the office's [`CertificateRequest`] (`luca_healthoffice::HealthOffice::certificate_request`) |
//! | certify the registrar | [`Registrar::registration_request`] → [`TrustAnchor::certify_registrar`] → [`Registrar::install_certificate`] |
//! | register a venue (its signed descriptor, printed in its QR code) | [`Registrar::register_venue`] |
//! | issue a badge for a guest without a phone | [`Registrar::issue_badge`] → [`IssuedBadge`] |
//! | persist either role | `export_state` / `import_state` (or the `_encrypted` pair with a [`StateKey`]) |
//!
//! [`TrustAnchor`] exists for test deployments, simulations and the offline signing tool. `export_state()` returns
//! the private key in the clear, in a buffer that wipes itself; encrypting it at rest (`export_state_encrypted`)
//! and where it is stored are the embedder's choice. Errors: [`AuthorityError`] (issuance), [`StateError`]
//! (persistence); none carries a secret or personal data.
//!
//! These roles lived in `luca-healthoffice` as its `authority` module, which still re-exports them.
//!
//! ## Example: certify a health office and the registrar, register a venue
//!
//! ```
//! # use luca_authority::{CertificateRequest, Registrar, TrustAnchor};
//! # use luca_protocol::ids::{HealthOfficeId, VenueId};
//! # use luca_protocol::keys::{HealthOfficeMasterKeys, VenuePrivateKey};
//! # use luca_protocol::signed::health_office_certificate::HealthOfficeCertificateIn;
//! # use luca_protocol::signed::venue_descriptor::VenueDescriptorIn;
//! # use luca_protocol::time::{UnixTime, Validity};
//! # use rand_core::SeedableRng;
//! let mut rng = rand_chacha::ChaCha20Rng::seed_from_u64(7); // deterministic for the example: use luca_protocol::rng::system()
//! let now = UnixTime(1_795_942_800); // 2026-11-29T09:00:00Z
//! let year = Validity { not_before: now.minus_secs(3600), not_after: now.plus_secs(365 * 86_400) };
//! let anchor = TrustAnchor::generate(&mut rng);
//!
//! // A health office's request (luca_healthoffice::HealthOffice::certificate_request makes it).
//! let keys = HealthOfficeMasterKeys::generate(&mut rng);
//! let request = CertificateRequest {
//!     id: HealthOfficeId::random(&mut rng),
//!     name: "Gesundheitsamt Köln".into(),
//!     signing_key: keys.signing.public_key(),
//!     encryption_key: keys.encryption.public_key(),
//! };
//! let cert = anchor.certify_health_office(&request, year)?;
//! let verified = HealthOfficeCertificateIn::from_slice(cert.as_bytes())?.verify(&anchor.public_key(), now)?;
//! assert_eq!(verified.name(), "Gesundheitsamt Köln");
//!
//! // The registrar is certified, then registers a venue: the descriptor its QR code carries.
//! let mut registrar = Registrar::generate(&mut rng);
//! let cert = anchor.certify_registrar(&registrar.registration_request("luca Registrar")?, year)?;
//! let registrar_cert = registrar.install_certificate(cert.as_bytes(), &anchor.public_key(), now)?.clone();
//! let venue_key = VenuePrivateKey::generate(&mut rng);
//! let descriptor = registrar.register_venue(VenueId::random(&mut rng), "Café Luca", &venue_key.public_key(), None, year)?;
//! let descriptor = VenueDescriptorIn::from_slice(descriptor.as_bytes())?.verify(&registrar_cert, now)?;
//! assert_eq!(descriptor.name(), "Café Luca");
//!
//! // Persistence: the whole role in one self-wiping buffer.
//! let restored = Registrar::import_state(&registrar.export_state())?;
//! assert_eq!(restored.id(), registrar.id());
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use core::fmt;

use luca_protocol::CryptoError;
use luca_protocol::badge_serial::BadgeSerial;
use luca_protocol::error::{DecodeError, VerifyError};
use luca_protocol::ids::{BadgeKeyId, RegistrarId, UserId, VenueId};
use luca_protocol::keys::{EncryptionPublicKey, RegistrarKey, SignaturePublicKey, TrustAnchorKey};
use luca_protocol::qr::badge::BadgeQr;
use luca_protocol::signed::badge_attestation::BadgeAttestation;
use luca_protocol::signed::daily_key_announcement::{DailyKeyAnnouncement, KeyPurpose};
use luca_protocol::signed::health_office_certificate::{HealthOfficeCertificate, check_name};
use luca_protocol::signed::registrar_certificate::{RegistrarCertificate, RegistrarCertificateIn};
use luca_protocol::signed::venue_descriptor::VenueDescriptor;
use luca_protocol::time::{UnixTime, Validity};
use rand_core::CryptoRng;
use zeroize::Zeroizing;

use luca_protocol::ids::HealthOfficeId;
pub use luca_protocol::state::StateKey;
use luca_protocol::state::{Header, StateReader, StateSpec, StateWriter};

/// Why exported state bytes could not be imported: the state error of every role, from
/// [`luca_protocol::state`] (the same type as `luca_healthoffice::StateError`).
pub use luca_protocol::state::StateError;

/// Size cap of a trust anchor's exported state, in bytes.
pub const MAX_ANCHOR_STATE_LEN: usize = 256;
/// Size cap of a registrar's exported state, in bytes.
pub const MAX_REGISTRAR_STATE_LEN: usize = 4096;

/// The trust anchor's state (see [`TrustAnchor::export_state`]). The state types keep the names they were first
/// exported under (`luca-healthoffice/…`, the crate these roles lived in), so that stored states still import.
const TRUST_ANCHOR_STATE: StateSpec = StateSpec {
    state_type: "luca-healthoffice/trust-anchor",
    version: 1,
    header: Header::TypeFirst,
    arity: 3,
    max_len: MAX_ANCHOR_STATE_LEN,
};

/// The registrar's state (see [`Registrar::export_state`]).
const REGISTRAR_STATE: StateSpec = StateSpec {
    state_type: "luca-healthoffice/registrar",
    version: 1,
    header: Header::TypeFirst,
    arity: 6,
    max_len: MAX_REGISTRAR_STATE_LEN,
};

/// What a health office sends to the trust anchor's operator (out of band) to be certified.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CertificateRequest {
    /// The office's id (fixed in the certificate).
    pub id: HealthOfficeId,
    /// The office's name (the name rule of signed objects: 1..=128 bytes, no control character).
    pub name: String,
    /// The office's public signing key.
    pub signing_key: SignaturePublicKey,
    /// The office's public encryption key.
    pub encryption_key: EncryptionPublicKey,
}

/// Why an issuance operation failed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum AuthorityError {
    /// An input breaks a rule of the object to sign (name, validity, table count), or a certificate is malformed.
    #[error("invalid input: {0}")]
    Invalid(#[from] DecodeError),
    /// A certificate does not verify, or is not valid now.
    #[error("verification failed: {0}")]
    Verify(#[from] VerifyError),
    /// The registrar has no certificate installed yet.
    #[error("the registrar has no certificate")]
    NotCertified,
    /// The certificate does not name this registrar's id and key.
    #[error("the certificate is not this registrar's")]
    CertificateMismatch,
    /// The certificate chains to another trust anchor than the one already installed.
    #[error("another trust anchor than the installed one")]
    AnchorMismatch,
    /// The validity asked for does not lie inside the registrar certificate's validity.
    #[error("validity outside the registrar certificate")]
    OutsideCertificate,
    /// The announcement given as badge key announces a daily key.
    #[error("not a badge key")]
    WrongKeyPurpose,
    /// The badge key is not in its use period now.
    #[error("the badge key is not in use now")]
    KeyNotInUse,
    /// A cryptographic primitive failed (never in practice).
    #[error("cryptographic operation failed")]
    Crypto(#[from] CryptoError),
}

impl AuthorityError {
    /// Stable snake-case name of the error (the inner kind for wrapped protocol errors).
    pub fn kind(&self) -> &'static str {
        match self {
            Self::Invalid(e) => e.kind(),
            Self::Verify(e) => e.kind(),
            Self::NotCertified => "not_certified",
            Self::CertificateMismatch => "certificate_mismatch",
            Self::AnchorMismatch => "anchor_mismatch",
            Self::OutsideCertificate => "outside_certificate",
            Self::WrongKeyPurpose => "wrong_key_purpose",
            Self::KeyNotInUse => "key_not_in_use",
            Self::Crypto(_) => "crypto",
        }
    }
}

/// The trust anchor: certifies health offices and the venue registrar.
pub struct TrustAnchor {
    key: TrustAnchorKey,
}

impl fmt::Debug for TrustAnchor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TrustAnchor").field("public_key", &self.public_key()).finish_non_exhaustive()
    }
}

impl TrustAnchor {
    /// A trust anchor with a fresh key.
    pub fn generate<R: CryptoRng>(rng: &mut R) -> Self {
        Self { key: TrustAnchorKey::generate(rng) }
    }

    /// The public key everyone pins.
    pub fn public_key(&self) -> SignaturePublicKey {
        self.key.public_key()
    }

    /// Issues the certificate of the health office that sent `request`, valid for `validity`.
    ///
    /// # Errors
    /// [`AuthorityError::Invalid`] (`InvalidField`: `name` or `validity`).
    pub fn certify_health_office(
        &self,
        request: &CertificateRequest,
        validity: Validity,
    ) -> Result<HealthOfficeCertificate, AuthorityError> {
        Ok(HealthOfficeCertificate::issue(
            &self.key,
            request.id,
            &request.name,
            &request.signing_key,
            &request.encryption_key,
            validity,
        )?)
    }

    /// Issues the registrar's certificate, valid for `validity`.
    ///
    /// # Errors
    /// [`AuthorityError::Invalid`] (`InvalidField`: `name` or `validity`).
    pub fn certify_registrar(
        &self,
        request: &RegistrarRequest,
        validity: Validity,
    ) -> Result<RegistrarCertificate, AuthorityError> {
        Ok(RegistrarCertificate::issue(&self.key, request.id, &request.name, &request.signing_key, validity)?)
    }

    /// The state sealed under `key` (AES-256-GCM with the state type and version as associated data,
    /// [`StateKey`]): what to store where the platform gives no encryption at rest. Keep the key in the
    /// platform's keystore. [`export_state`](Self::export_state) is the plain form.
    ///
    /// # Errors
    /// [`StateError::TooLong`] only if the state outgrew its size cap.
    pub fn export_state_encrypted<R: CryptoRng>(&self, rng: &mut R, key: &StateKey) -> Result<Vec<u8>, StateError> {
        TRUST_ANCHOR_STATE.seal(rng, key, &self.export_state())
    }

    /// Restores a state sealed by [`export_state_encrypted`](Self::export_state_encrypted).
    ///
    /// # Errors
    /// [`StateError::DecryptionFailed`] for a wrong key or a changed byte, the envelope's decoding errors,
    /// then those of [`import_state`](Self::import_state).
    pub fn import_state_encrypted(bytes: &[u8], key: &StateKey) -> Result<Self, StateError> {
        Self::import_state(&TRUST_ANCHOR_STATE.open(key, bytes)?)
    }

    /// The state, **with the private key in the clear**:
    /// `["luca-healthoffice/trust-anchor", 1, key: bstr .size 32]`.
    pub fn export_state(&self) -> Zeroizing<Vec<u8>> {
        let mut w = StateWriter::new(&TRUST_ANCHOR_STATE);
        w.bytes(self.key.to_bytes().as_slice());
        w.finish()
    }

    /// Restores a state made by [`export_state`](Self::export_state) (strict, in the order of [`luca_protocol::state`]).
    ///
    /// # Errors
    /// [`StateError`].
    pub fn import_state(bytes: &[u8]) -> Result<Self, StateError> {
        let mut r = StateReader::open(bytes, &TRUST_ANCHOR_STATE)?;
        let key = TrustAnchorKey::from_slice(r.fixed::<32>("trust_anchor_key")?.as_slice())
            .map_err(|err| StateError::in_field("trust_anchor_key", err))?;
        Ok(Self { key })
    }
}

/// What the registrar sends to the trust anchor's operator to be certified.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RegistrarRequest {
    /// The registrar's id (fixed in the certificate).
    pub id: RegistrarId,
    /// The registrar's name (1..=128 bytes, no control character).
    pub name: String,
    /// The registrar's public signing key.
    pub signing_key: SignaturePublicKey,
}

/// A freshly issued badge: what to print on it.
#[derive(Debug)]
pub struct IssuedBadge {
    /// The serial to print on the badge (`serial.to_printed()`, `XXXX-XXXX-XXXX`): the badge's only secret.
    pub serial: BadgeSerial,
    /// The static QR code to print on the badge (`qr.to_base32()`, render with `luca_protocol::qr::render`).
    pub qr: BadgeQr,
    /// The badge's user id (its owner registers contact data under it, with secrets derived from the serial).
    pub user_id: UserId,
}

/// The venue registrar: signs venue descriptors and badge attestations.
pub struct Registrar {
    id: RegistrarId,
    key: RegistrarKey,
    anchor: Option<SignaturePublicKey>,
    certificate: Option<RegistrarCertificate>,
}

impl fmt::Debug for Registrar {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Registrar")
            .field("id", &self.id)
            .field("certified", &self.certificate.is_some())
            .finish_non_exhaustive()
    }
}

impl Registrar {
    /// A registrar with a fresh random id and key (id first).
    pub fn generate<R: CryptoRng>(rng: &mut R) -> Self {
        let id = RegistrarId::random(rng);
        let key = RegistrarKey::generate(rng);
        Self { id, key, anchor: None, certificate: None }
    }

    /// The registrar's id.
    pub fn id(&self) -> RegistrarId {
        self.id
    }

    /// The registrar's public signing key.
    pub fn public_key(&self) -> SignaturePublicKey {
        self.key.public_key()
    }

    /// The request to send to the trust anchor's operator.
    ///
    /// # Errors
    /// [`AuthorityError::Invalid`] (`InvalidField { field: "name" }`).
    pub fn registration_request(&self, name: &str) -> Result<RegistrarRequest, AuthorityError> {
        check_name(name)?;
        Ok(RegistrarRequest { id: self.id, name: name.to_owned(), signing_key: self.public_key() })
    }

    /// Verifies and installs the registrar's certificate (first one or a renewal).
    ///
    /// Checks, in order: decoding ([`AuthorityError::Invalid`]), verification
    /// under `anchor` at `now` ([`AuthorityError::Verify`]), the certificate
    /// names this registrar's id and key ([`AuthorityError::CertificateMismatch`]),
    /// `anchor` equals the one installed before, if any ([`AuthorityError::AnchorMismatch`]).
    ///
    /// # Errors
    /// As listed; on error nothing changes.
    pub fn install_certificate(
        &mut self,
        bytes: &[u8],
        anchor: &SignaturePublicKey,
        now: UnixTime,
    ) -> Result<&RegistrarCertificate, AuthorityError> {
        let cert = RegistrarCertificateIn::from_slice(bytes)?.verify(anchor, now)?;
        if cert.id() != self.id || cert.signing_key() != self.public_key() {
            return Err(AuthorityError::CertificateMismatch);
        }
        if self.anchor.is_some_and(|a| a != *anchor) {
            return Err(AuthorityError::AnchorMismatch);
        }
        self.anchor = Some(*anchor);
        Ok(self.certificate.insert(cert))
    }

    /// The installed certificate, if any (it may have expired since).
    pub fn certificate(&self) -> Option<&RegistrarCertificate> {
        self.certificate.as_ref()
    }

    /// Signs the descriptor of a registered venue (kind venue): what its printed QR code carries.
    ///
    /// # Errors
    /// [`AuthorityError::NotCertified`]; [`AuthorityError::OutsideCertificate`]
    /// if `validity` does not lie inside the registrar certificate's (verifiers
    /// would reject the descriptor); [`AuthorityError::Invalid`] (`InvalidField`:
    /// `name`, `table_count` — `Some(0)` or above 1000 —, `validity`).
    pub fn register_venue(
        &self,
        venue_id: VenueId,
        name: &str,
        venue_key: &EncryptionPublicKey,
        table_count: Option<u16>,
        validity: Validity,
    ) -> Result<VenueDescriptor, AuthorityError> {
        let cert = self.certificate.as_ref().ok_or(AuthorityError::NotCertified)?;
        if !cert.validity().covers(&validity) {
            return Err(AuthorityError::OutsideCertificate);
        }
        Ok(VenueDescriptor::issue_venue(&self.key, self.id, venue_id, name, venue_key, table_count, validity)?)
    }

    /// Issues a badge: draws a 60-bit serial, derives the badge secrets from
    /// it (Argon2id, about a second in an optimised build, several in a debug
    /// build), seals the badge's user id and data secret to `badge_key` and
    /// signs the attestation, issued at `now`.
    ///
    /// `badge_key` is a verified announcement of a health office's badge key.
    ///
    /// # Errors
    /// [`AuthorityError::NotCertified`]; [`AuthorityError::Verify`] if the
    /// registrar certificate is not valid at `now`; [`AuthorityError::WrongKeyPurpose`]
    /// for a daily key; [`AuthorityError::KeyNotInUse`] if `now` is outside the
    /// badge key's use period; [`AuthorityError::Crypto`] never in practice.
    pub fn issue_badge<R: CryptoRng>(
        &self,
        rng: &mut R,
        badge_key: &DailyKeyAnnouncement,
        now: UnixTime,
    ) -> Result<IssuedBadge, AuthorityError> {
        let cert = self.certificate.as_ref().ok_or(AuthorityError::NotCertified)?;
        cert.check_validity(now)?;
        if badge_key.purpose() != KeyPurpose::Badge {
            return Err(AuthorityError::WrongKeyPurpose);
        }
        if !badge_key.is_in_use_at(now) {
            return Err(AuthorityError::KeyNotInUse);
        }
        let serial = BadgeSerial::generate(rng);
        let secrets = serial.derive_secrets()?;
        let attestation = BadgeAttestation::issue(
            rng,
            &self.key,
            self.id,
            BadgeKeyId(badge_key.key_id()),
            &badge_key.public_key(),
            &secrets,
            now,
        )?;
        let qr = BadgeQr::new(&attestation)?;
        Ok(IssuedBadge { serial, qr, user_id: secrets.user_id })
    }

    /// The state sealed under `key` (AES-256-GCM with the state type and version as associated data,
    /// [`StateKey`]): what to store where the platform gives no encryption at rest. Keep the key in the
    /// platform's keystore. [`export_state`](Self::export_state) is the plain form.
    ///
    /// # Errors
    /// [`StateError::TooLong`] only if the state outgrew its size cap.
    pub fn export_state_encrypted<R: CryptoRng>(&self, rng: &mut R, key: &StateKey) -> Result<Vec<u8>, StateError> {
        REGISTRAR_STATE.seal(rng, key, &self.export_state())
    }

    /// Restores a state sealed by [`export_state_encrypted`](Self::export_state_encrypted).
    ///
    /// # Errors
    /// [`StateError::DecryptionFailed`] for a wrong key or a changed byte, the envelope's decoding errors,
    /// then those of [`import_state`](Self::import_state).
    pub fn import_state_encrypted(bytes: &[u8], key: &StateKey) -> Result<Self, StateError> {
        Self::import_state(&REGISTRAR_STATE.open(key, bytes)?)
    }

    /// The state, **with the private key in the clear**:
    ///
    /// ```cddl
    /// registrar-state = [
    ///   "luca-healthoffice/registrar", 1,
    ///   registrar_id: bstr .size 16,
    ///   key: bstr .size 32,            ; private scalar
    ///   anchor: bstr .size 65 / null,
    ///   certificate: bstr / null,      ; COSE bytes
    /// ]
    /// ```
    pub fn export_state(&self) -> Zeroizing<Vec<u8>> {
        let anchor = self.anchor.map(|a| a.to_bytes());
        let mut w = StateWriter::new(&REGISTRAR_STATE);
        w.bytes(self.id.as_bytes())
            .bytes(self.key.to_bytes().as_slice())
            .opt_bytes(anchor.as_ref().map(|a| a.as_slice()))
            .opt_bytes(self.certificate.as_ref().map(RegistrarCertificate::as_bytes));
        w.finish()
    }

    /// Restores a state made by [`export_state`](Self::export_state) (strict,
    /// in the order of [`luca_protocol::state`]; the certificate must verify under the anchor at
    /// its own start and name this id and key).
    ///
    /// # Errors
    /// [`StateError`].
    pub fn import_state(bytes: &[u8]) -> Result<Self, StateError> {
        let mut r = StateReader::open(bytes, &REGISTRAR_STATE)?;
        let id = RegistrarId::from_array(*r.fixed::<16>("registrar_id")?);
        let key = RegistrarKey::from_slice(r.fixed::<32>("registrar_key")?.as_slice())
            .map_err(|err| StateError::in_field("registrar_key", err))?;
        let anchor = r
            .opt_bytes("anchor")?
            .map(|b| SignaturePublicKey::from_slice(&b))
            .transpose()
            .map_err(|err| StateError::in_field("anchor", err))?;
        let certificate = match (&anchor, r.opt_bytes("certificate")?) {
            (Some(anchor), Some(bytes)) => {
                let parsed = RegistrarCertificateIn::from_slice(&bytes)
                    .map_err(|err| StateError::in_field("certificate", err))?;
                let at = parsed.validity().not_before;
                let cert = parsed.verify(anchor, at)?;
                if cert.id() != id || cert.signing_key() != key.public_key() {
                    return Err(StateError::Inconsistent { field: "certificate" });
                }
                Some(cert)
            }
            (None, None) => None,
            _ => return Err(StateError::Inconsistent { field: "certificate" }),
        };
        Ok(Self { id, key, anchor, certificate })
    }
}
