//! The venue owner: key pair, registration, descriptor, printed QR, records, consent.

use luca_protocol::error::{DecodeError, OpenError};
use luca_protocol::ids::VenueId;
use luca_protocol::keys::{EncryptionPublicKey, VenuePrivateKey};
use luca_protocol::messages::additional_data::{AdditionalDataContent, AdditionalDataIn};
use luca_protocol::messages::checkin_record::{CheckInRecordIn, InnerRecord};
use luca_protocol::qr::venue::{self as venue_qr, VenueQr};
use luca_protocol::signed::health_office_certificate::{HealthOfficeCertificate, check_name};
use luca_protocol::signed::registrar_certificate::RegistrarCertificate;
use luca_protocol::signed::venue_descriptor::{MAX_TABLE_COUNT, VenueDescriptor, VenueDescriptorIn, VenueKind};
use luca_protocol::state::{Header, StateKey, StateReader, StateSpec, StateWriter};
use luca_protocol::time::UnixTime;
use rand_core::CryptoRng;
use zeroize::Zeroizing;

use crate::consent::{self, ConsentAnswer, StoredCheckIn};
use crate::error::{StateError, VenueError};
use crate::scanner::Scanner;

/// A venue's exported state: type, version, venue id, private key, descriptor, at most 4096 bytes.
const VENUE_STATE: StateSpec = StateSpec {
    state_type: "luca-venue/venue",
    version: 1,
    header: Header::TypeFirst,
    arity: 5,
    max_len: crate::MAX_STATE_LEN,
};

/// What a venue sends to the registrar to be registered (a plain public
/// struct: the registrar, e.g. in `luca-healthoffice`, signs a
/// [`VenueDescriptor`] from it with `VenueDescriptor::issue_venue`).
///
/// It carries no secret. How the registrar authenticates the venue owner
/// (business registration, an account) is outside the protocol.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct VenueRegistrationRequest {
    /// The venue's id.
    pub venue_id: VenueId,
    /// The venue's name as guests will see it.
    pub name: String,
    /// The venue's encryption public key (outer layer of its check-ins).
    pub venue_key: EncryptionPublicKey,
    /// The number of tables, if guests may choose a table (`1..=1000`).
    pub table_count: Option<u16>,
}

impl VenueRegistrationRequest {
    /// Checks the rules the registrar's `VenueDescriptor::issue_venue` applies:
    /// the name rule (1..=128 UTF-8 bytes, no control character) and a table
    /// count in `1..=1000`.
    ///
    /// # Errors
    /// [`DecodeError::InvalidField`] with `field` `"name"` or `"table_count"`.
    pub fn validate(&self) -> Result<(), DecodeError> {
        check_name(&self.name)?;
        if let Some(n) = self.table_count
            && (n == 0 || n > MAX_TABLE_COUNT)
        {
            return Err(DecodeError::InvalidField { field: "table_count" });
        }
        Ok(())
    }
}

/// The owner's request to check out every guest still checked in at the venue.
///
/// It carries **no cryptographic proof**: the server accepts it only from the
/// venue owner's authenticated session, and applies it to the venue's open
/// records (those without a checkout), closing them at `at`. Independently,
/// the server closes every record automatically after the maximum stay
/// (`luca_protocol::messages::checkout::auto_checkout_time`, check-in + 24 h).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct VenueCheckout {
    /// The venue whose open check-ins are closed.
    pub venue_id: VenueId,
    /// The checkout time applied to them.
    pub at: UnixTime,
}

/// The venue's descriptor, as far as this venue knows it.
#[derive(Debug)]
enum Descriptor {
    None,
    /// Verified with the registrar certificate by [`Venue::install_descriptor`].
    Verified(VenueDescriptor),
    /// Restored by [`Venue::import_state`]: to verify again before use.
    Imported(VenueDescriptorIn),
}

/// A venue owner: the venue id, its private key and its registrar-signed descriptor.
///
/// The private key opens the outer layer of the venue's check-in records and
/// its additional data; it never leaves this object except through
/// [`export_state`](Self::export_state).
#[derive(Debug)]
pub struct Venue {
    venue_id: VenueId,
    key: VenuePrivateKey,
    descriptor: Descriptor,
}

impl Venue {
    /// A new venue with a fresh id and key pair (drawn in that order from `rng`).
    pub fn generate<R: CryptoRng>(rng: &mut R) -> Self {
        let venue_id = VenueId::random(rng);
        let key = VenuePrivateKey::generate(rng);
        Self { venue_id, key, descriptor: Descriptor::None }
    }

    /// The venue id.
    pub fn venue_id(&self) -> VenueId {
        self.venue_id
    }

    /// The venue public key (goes into the venue descriptor).
    pub fn public_key(&self) -> EncryptionPublicKey {
        self.key.public_key()
    }

    /// The request to send to the registrar. Call [`VenueRegistrationRequest::validate`]
    /// to check the name and table count before sending.
    pub fn registration_request(&self, name: &str, table_count: Option<u16>) -> VenueRegistrationRequest {
        VenueRegistrationRequest {
            venue_id: self.venue_id,
            name: name.to_owned(),
            venue_key: self.public_key(),
            table_count,
        }
    }

    /// Verifies and installs the registrar-signed descriptor of this venue.
    ///
    /// Checks, in order: the bytes decode as a venue descriptor; it is of kind
    /// venue (not a private meeting); it verifies with `registrar` at `now`
    /// (registrar id, certificate validity, signature, period within the
    /// certificate's, `now` within the period); it names this venue's id and
    /// this venue's key. On any failure the installed descriptor is unchanged.
    ///
    /// # Errors
    /// [`VenueError::MalformedDescriptor`], [`VenueError::NotAVenueDescriptor`],
    /// [`VenueError::UntrustedDescriptor`], [`VenueError::WrongVenue`],
    /// [`VenueError::KeyMismatch`], in that order.
    pub fn install_descriptor(
        &mut self,
        descriptor: &[u8],
        registrar: &RegistrarCertificate,
        now: UnixTime,
    ) -> Result<(), VenueError> {
        let parsed = VenueDescriptorIn::from_slice(descriptor).map_err(VenueError::MalformedDescriptor)?;
        let verified = self.verify_descriptor(parsed, registrar, now)?;
        self.descriptor = Descriptor::Verified(verified);
        Ok(())
    }

    fn verify_descriptor(
        &self,
        parsed: VenueDescriptorIn,
        registrar: &RegistrarCertificate,
        now: UnixTime,
    ) -> Result<VenueDescriptor, VenueError> {
        if parsed.kind() != VenueKind::Venue {
            return Err(VenueError::NotAVenueDescriptor);
        }
        let verified = parsed.verify(registrar, now).map_err(VenueError::UntrustedDescriptor)?;
        if verified.venue_id() != self.venue_id {
            return Err(VenueError::WrongVenue);
        }
        if verified.venue_key() != self.public_key() {
            return Err(VenueError::KeyMismatch);
        }
        Ok(verified)
    }

    /// Verifies the installed (or imported) descriptor again at `now`, e.g.
    /// after [`import_state`](Self::import_state) or to notice its expiry. On
    /// failure the descriptor is kept, unverified, until a new one is installed.
    ///
    /// # Errors
    /// [`VenueError::NoDescriptor`] if none is stored; otherwise as
    /// [`install_descriptor`](Self::install_descriptor).
    pub fn reverify_descriptor(&mut self, registrar: &RegistrarCertificate, now: UnixTime) -> Result<(), VenueError> {
        let parsed = match &self.descriptor {
            Descriptor::None => return Err(VenueError::NoDescriptor),
            Descriptor::Imported(d) => d.clone(),
            Descriptor::Verified(d) => {
                VenueDescriptorIn::from_slice(d.as_bytes()).map_err(VenueError::MalformedDescriptor)?
            }
        };
        match self.verify_descriptor(parsed.clone(), registrar, now) {
            Ok(verified) => {
                self.descriptor = Descriptor::Verified(verified);
                Ok(())
            }
            Err(e) => {
                self.descriptor = Descriptor::Imported(parsed);
                Err(e)
            }
        }
    }

    /// The installed, verified descriptor (`None` before
    /// [`install_descriptor`](Self::install_descriptor), and after
    /// [`import_state`](Self::import_state) until
    /// [`reverify_descriptor`](Self::reverify_descriptor)).
    pub fn descriptor(&self) -> Option<&VenueDescriptor> {
        match &self.descriptor {
            Descriptor::Verified(d) => Some(d),
            Descriptor::None | Descriptor::Imported(_) => None,
        }
    }

    /// The printed venue QR code `https://<host>/v1/checkin#…` for the whole
    /// venue (`table = None`) or one table. Guests' apps check in by
    /// themselves from it (self check-in); the table number goes into the
    /// check-in's additional data. It is not authenticated (anyone printing a
    /// code chooses it), only checked against the signed table count.
    ///
    /// # Errors
    /// [`VenueError::NoDescriptor`] without a verified descriptor;
    /// [`VenueError::InvalidHost`]; [`VenueError::InvalidTable`] for a table
    /// outside `1..=table_count`.
    pub fn printed_qr(&self, host: &str, table: Option<u16>) -> Result<VenueQr, VenueError> {
        let descriptor = self.descriptor().ok_or(VenueError::NoDescriptor)?;
        // The protocol's own checks, in VenueQr::new's order, so each failure has its typed error.
        if !venue_qr::is_valid_host(host) {
            return Err(VenueError::InvalidHost);
        }
        if !venue_qr::is_valid_table(descriptor, table) {
            return Err(VenueError::InvalidTable);
        }
        VenueQr::new(host, descriptor, table).map_err(VenueError::InvalidQr)
    }

    /// A scanner for this venue (it needs only the venue id and public key).
    /// Add verified daily keys (and a registrar certificate for badges) before scanning.
    pub fn scanner(&self) -> Scanner {
        Scanner::new(self.venue_id, self.public_key())
    }

    /// Opens the outer layer of one of this venue's check-in records.
    ///
    /// # Errors
    /// [`OpenError::BindingMismatch`] (`"venue_id"`) if the record names
    /// another venue; otherwise the errors of [`CheckInRecordIn::open`]
    /// (sealed to another key, re-targeted, tampered with).
    pub fn open_record(&self, record: &CheckInRecordIn) -> Result<InnerRecord, OpenError> {
        if record.venue_id() != self.venue_id {
            return Err(OpenError::BindingMismatch { field: "venue_id" });
        }
        record.open(&self.key)
    }

    /// Opens additional data (table number; guest name only for private
    /// meetings) sealed to this venue.
    ///
    /// The caller checks that [`AdditionalDataIn::trace_id`] is the check-in it
    /// expects (the trace id is bound by the encryption, not checked here).
    ///
    /// # Errors
    /// [`OpenError::BindingMismatch`] (`"venue_id"`) if it names another
    /// venue; [`OpenError::DecryptionFailed`] if it is sealed to another key
    /// or was tampered with; [`OpenError::Malformed`] for bad content.
    pub fn open_additional_data(&self, data: &AdditionalDataIn) -> Result<AdditionalDataContent, OpenError> {
        if data.venue_id() != self.venue_id {
            return Err(OpenError::BindingMismatch { field: "venue_id" });
        }
        data.open(&self.key)
    }

    /// The request to check out every guest still checked in, at `now`
    /// (see [`VenueCheckout`]: no cryptographic proof, authenticated by the owner's session).
    pub fn checkout_all(&self, now: UnixTime) -> VenueCheckout {
        VenueCheckout { venue_id: self.venue_id, at: now }
    }

    /// Answers a health office's tracing request: the venue's consent.
    ///
    /// Steps: parse and verify the request against `office` (the requesting
    /// health office's verified certificate) for this venue at `now`; then for
    /// each stored check-in, in order: decode the record; skip a record of
    /// another venue or whose minute lies outside the request's window
    /// (`from ≤ minute·60 < to`) without opening it; open the outer layer;
    /// open its additional data, if any; re-seal both to the office, bound to
    /// the request ([`ConsentResponseBuilder`](luca_protocol::messages::consent_response::ConsentResponseBuilder)).
    ///
    /// A check-in that fails to decode or open does **not** abort the answer:
    /// it is left out and reported in [`ConsentAnswer::failed`] (the server
    /// may hand over garbage; the other guests must still be traceable). A
    /// check-in whose additional data fails is consented without it and
    /// reported in [`ConsentAnswer::additional_data_failed`]. A repeated
    /// check-in (same minute and trace id) is answered once.
    ///
    /// `office` is the certificate of the health office the request names:
    /// look it up by `TracingRequestIn::from_slice(request_bytes)?.health_office_id()`
    /// ([`TracingRequestIn`](luca_protocol::messages::tracing_request::TracingRequestIn))
    /// and verify it against the trust anchor first.
    ///
    /// # Errors
    /// [`VenueError::MalformedRequest`], [`VenueError::UntrustedRequest`],
    /// [`VenueError::RequestForOtherVenue`]: nothing is opened or sealed.
    /// [`VenueError::Crypto`] if HPKE fails (never in practice).
    pub fn answer_tracing_request<R: CryptoRng>(
        &self,
        rng: &mut R,
        request_bytes: &[u8],
        office: &HealthOfficeCertificate,
        records: &[StoredCheckIn],
        now: UnixTime,
    ) -> Result<ConsentAnswer, VenueError> {
        consent::answer(rng, self.venue_id, &self.key, request_bytes, office, records, now)
    }

    /// The state sealed under `key` (AES-256-GCM with the state type and version as associated data,
    /// [`StateKey`]): what to store where the platform gives no encryption at rest. Keep the key in the
    /// platform's keystore. [`export_state`](Self::export_state) is the plain form.
    ///
    /// # Errors
    /// [`StateError::TooLong`] only if the state outgrew its size cap.
    pub fn export_state_encrypted<R: CryptoRng>(&self, rng: &mut R, key: &StateKey) -> Result<Vec<u8>, StateError> {
        VENUE_STATE.seal(rng, key, &self.export_state())
    }

    /// Restores a state sealed by [`export_state_encrypted`](Self::export_state_encrypted).
    ///
    /// # Errors
    /// [`StateError::DecryptionFailed`] for a wrong key or a changed byte, the envelope's decoding errors,
    /// then those of [`import_state`](Self::import_state).
    pub fn import_state_encrypted(bytes: &[u8], key: &StateKey) -> Result<Self, StateError> {
        Self::import_state(&VENUE_STATE.open(key, bytes)?)
    }

    /// The venue's state, to persist: version 1, deterministic CBOR
    /// `["luca-venue/venue", 1, venue_id, private_key, descriptor / null]`.
    ///
    /// **The bytes contain the venue's private key**: whoever holds them can
    /// open the outer layer of every check-in of the venue. Encrypting them at
    /// rest is the embedder's choice; the buffer wipes itself on drop.
    pub fn export_state(&self) -> Zeroizing<Vec<u8>> {
        let descriptor = match &self.descriptor {
            Descriptor::None => None,
            Descriptor::Verified(d) => Some(d.as_bytes()),
            Descriptor::Imported(d) => Some(d.as_bytes()),
        };
        let mut w = StateWriter::new(&VENUE_STATE);
        w.bytes(self.venue_id.as_bytes()).bytes(self.key.to_bytes().as_slice()).opt_bytes(descriptor);
        w.finish()
    }

    /// Restores a venue from [`export_state`](Self::export_state) bytes.
    ///
    /// Checks, in order: size cap (4096 bytes), deterministic CBOR (`luca_protocol::state`)
    /// without trailing bytes, type `"luca-venue/venue"`, version 1, 5 items,
    /// a 16-byte venue id, a valid 32-byte private key, and a descriptor that
    /// decodes, is of kind venue and names this venue id and key. The
    /// descriptor's signature and validity are not checked here (they need
    /// the registrar certificate and the time): call
    /// [`reverify_descriptor`](Self::reverify_descriptor) before
    /// [`printed_qr`](Self::printed_qr).
    ///
    /// # Errors
    /// The [`StateError`] of the first check that fails.
    pub fn import_state(bytes: &[u8]) -> Result<Self, StateError> {
        let mut r = StateReader::open(bytes, &VENUE_STATE)?;
        let venue_id = VenueId::from_array(*r.fixed::<16>("venue_id")?);
        let key = VenuePrivateKey::from_slice(r.fixed::<32>("private_key")?.as_slice())
            .map_err(|_| StateError::InvalidField { field: "private_key" })?;
        let descriptor = match r.opt_bytes("descriptor")? {
            None => Descriptor::None,
            Some(bytes) => {
                let bad = StateError::InvalidField { field: "descriptor" };
                let d = VenueDescriptorIn::from_slice(&bytes).map_err(|_| bad.clone())?;
                if d.kind() != VenueKind::Venue || d.venue_id() != venue_id || d.venue_key() != key.public_key() {
                    return Err(bad);
                }
                Descriptor::Imported(d)
            }
        };
        Ok(Self { venue_id, key, descriptor })
    }
}
