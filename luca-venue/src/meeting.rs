//! The private-meeting host: a self-signed descriptor, its QR code, the guests' names.

use core::fmt;
use std::collections::BTreeSet;

use luca_protocol::ids::{TraceId, VenueId};
use luca_protocol::keys::{EncryptionPublicKey, HostSigningKey, SignaturePublicKey, VenuePrivateKey};
use luca_protocol::qr::venue::{self as venue_qr, VenueQr};
use luca_protocol::signed::health_office_certificate::{HealthOfficeCertificate, check_name};
use luca_protocol::signed::venue_descriptor::VenueDescriptor;
use luca_protocol::state::{Header, StateKey, StateReader, StateSpec, StateWriter};
use luca_protocol::time::{UnixMinute, UnixTime, Validity};
use rand_core::CryptoRng;
use zeroize::{Zeroize, Zeroizing};

use crate::consent::{self, ConsentAnswer, Sorted, StoredCheckIn};
use crate::error::{MeetingError, StateError, VenueError};

/// A meeting host's exported state: type, version, venue id, host signing key, venue key, name, not_before,
/// not_after, at most 4096 bytes.
const HOST_STATE: StateSpec = StateSpec {
    state_type: "luca-venue/private-meeting-host",
    version: 1,
    header: Header::TypeFirst,
    arity: 8,
    max_len: crate::MAX_STATE_LEN,
};

/// A guest of a private meeting, as the host reads it.
///
/// The name is personal data: wiped on drop, redacted in `Debug`.
#[derive(Clone, PartialEq, Eq)]
pub struct MeetingGuest {
    /// The check-in's trace id.
    pub trace_id: TraceId,
    /// The check-in minute.
    pub minute: UnixMinute,
    /// The name the guest's app sent (`"first last"`); `None` if the check-in
    /// has no additional data, it did not open, or it carries no name.
    pub name: Option<String>,
}

impl Drop for MeetingGuest {
    fn drop(&mut self) {
        self.name.zeroize();
    }
}

impl fmt::Debug for MeetingGuest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("MeetingGuest")
            .field("trace_id", &self.trace_id)
            .field("minute", &self.minute)
            .field("name", &self.name.as_ref().map(|_| "<redacted>"))
            .finish()
    }
}

/// The host of a private meeting: its own signing key, a venue key pair and
/// the self-signed private-meeting descriptor.
///
/// Guests' apps verify the descriptor as a private meeting (kind and content
/// type are signed, so a registered venue can never pose as one), tell the
/// guest that their name goes to the host, and send it as additional data
/// sealed to the meeting's venue key. The protocol guarantees that the QR is
/// a private meeting's, not who the host is.
#[derive(Debug)]
pub struct PrivateMeetingHost {
    signing_key: HostSigningKey,
    key: VenuePrivateKey,
    descriptor: VenueDescriptor,
}

impl PrivateMeetingHost {
    /// Sets up a meeting named `name`, valid for `validity`: draws the host
    /// signing key, the venue key and the venue id from `rng` (in that order)
    /// and self-signs the private-meeting descriptor.
    ///
    /// # Errors
    /// [`MeetingError::InvalidName`] (1..=128 UTF-8 bytes, no control
    /// character), [`MeetingError::InvalidValidity`] (`not_before >= not_after`).
    pub fn new<R: CryptoRng>(rng: &mut R, name: &str, validity: Validity) -> Result<Self, MeetingError> {
        // The name rule before any key is drawn: an invalid (e.g. oversized) name fails at once.
        check_name(name).map_err(|_| MeetingError::InvalidName)?;
        let signing_key = HostSigningKey::generate(rng);
        let key = VenuePrivateKey::generate(rng);
        let venue_id = VenueId::random(rng);
        Self::assemble(signing_key, key, venue_id, name, validity)
    }

    fn assemble(
        signing_key: HostSigningKey,
        key: VenuePrivateKey,
        venue_id: VenueId,
        name: &str,
        validity: Validity,
    ) -> Result<Self, MeetingError> {
        // The descriptor's own rules first, so each failure has its typed error.
        check_name(name).map_err(|_| MeetingError::InvalidName)?;
        if !validity.is_well_formed() {
            return Err(MeetingError::InvalidValidity);
        }
        let descriptor =
            VenueDescriptor::issue_private_meeting(&signing_key, venue_id, name, &key.public_key(), validity)
                .map_err(MeetingError::Invalid)?;
        Ok(Self { signing_key, key, descriptor })
    }

    /// The meeting's venue id (check-ins are stored under it).
    pub fn venue_id(&self) -> VenueId {
        self.descriptor.venue_id()
    }

    /// The meeting's name.
    pub fn name(&self) -> &str {
        self.descriptor.name()
    }

    /// The meeting's validity period.
    pub fn validity(&self) -> Validity {
        self.descriptor.validity()
    }

    /// The meeting's venue public key (guests seal check-ins and names to it).
    pub fn public_key(&self) -> EncryptionPublicKey {
        self.key.public_key()
    }

    /// The host's signature public key (in the descriptor).
    pub fn host_key(&self) -> SignaturePublicKey {
        self.signing_key.public_key()
    }

    /// The self-signed private-meeting descriptor.
    pub fn descriptor(&self) -> &VenueDescriptor {
        &self.descriptor
    }

    /// The QR code to show guests: `https://<host>/v1/checkin#…` (no table).
    ///
    /// # Errors
    /// [`MeetingError::InvalidHost`] if `host` is empty, longer than 255
    /// characters or has a character outside `A–Z a–z 0–9 . - :`.
    pub fn qr(&self, host: &str) -> Result<VenueQr, MeetingError> {
        if !venue_qr::is_valid_host(host) {
            return Err(MeetingError::InvalidHost);
        }
        VenueQr::new(host, &self.descriptor, None).map_err(MeetingError::Invalid)
    }

    /// Reads the guests of the meeting from the check-ins the server hands
    /// over: opens each record of this meeting and its additional data (the
    /// guest's name). Records of another venue id, and records that do not
    /// decode or open with the meeting's key, are left out; a check-in whose
    /// additional data is missing or does not open is listed with `name: None`.
    /// The list is sorted by (minute, trace id), each check-in once.
    pub fn read_guests(&self, checkins: &[StoredCheckIn]) -> Vec<MeetingGuest> {
        let venue_id = self.venue_id();
        let mut seen = BTreeSet::new();
        let mut guests = Vec::new();
        for (index, stored) in checkins.iter().enumerate() {
            let Sorted::Opened(opened) = consent::open_stored(index, stored, venue_id, &self.key, |_| true) else {
                continue;
            };
            let opened = *opened;
            if !seen.insert((opened.minute, opened.trace_id)) {
                continue;
            }
            let name = match opened.additional {
                Some(Ok(mut content)) => content.guest_name.take(),
                Some(Err(_)) | None => None,
            };
            guests.push(MeetingGuest { trace_id: opened.trace_id, minute: opened.minute, name });
        }
        guests.sort_by_key(|g| (g.minute, g.trace_id));
        guests
    }

    /// Answers a health office's tracing request for the meeting, exactly as
    /// [`Venue::answer_tracing_request`](crate::Venue::answer_tracing_request)
    /// (guest names in the additional data are re-sealed to the office too).
    ///
    /// # Errors
    /// As [`Venue::answer_tracing_request`](crate::Venue::answer_tracing_request).
    pub fn answer_tracing_request<R: CryptoRng>(
        &self,
        rng: &mut R,
        request_bytes: &[u8],
        office: &HealthOfficeCertificate,
        records: &[StoredCheckIn],
        now: UnixTime,
    ) -> Result<ConsentAnswer, VenueError> {
        consent::answer(rng, self.venue_id(), &self.key, request_bytes, office, records, now)
    }

    /// The state sealed under `key` (AES-256-GCM with the state type and version as associated data,
    /// [`StateKey`]): what to store where the platform gives no encryption at rest. Keep the key in the
    /// platform's keystore. [`export_state`](Self::export_state) is the plain form.
    ///
    /// # Errors
    /// [`StateError::TooLong`] only if the state outgrew its size cap.
    pub fn export_state_encrypted<R: CryptoRng>(&self, rng: &mut R, key: &StateKey) -> Result<Vec<u8>, StateError> {
        HOST_STATE.seal(rng, key, &self.export_state())
    }

    /// Restores a state sealed by [`export_state_encrypted`](Self::export_state_encrypted).
    ///
    /// # Errors
    /// [`StateError::DecryptionFailed`] for a wrong key or a changed byte, the envelope's decoding errors,
    /// then those of [`import_state`](Self::import_state).
    pub fn import_state_encrypted(bytes: &[u8], key: &StateKey) -> Result<Self, StateError> {
        Self::import_state(&HOST_STATE.open(key, bytes)?)
    }

    /// The host's state, to persist: version 1, deterministic CBOR
    /// `["luca-venue/private-meeting-host", 1, venue_id, host_signing_key,
    /// venue_private_key, name, not_before, not_after]`. The descriptor is not
    /// stored: signing is deterministic (RFC 6979), so
    /// [`import_state`](Self::import_state) re-creates the same bytes.
    ///
    /// **The bytes contain the host's private keys**: whoever holds them can
    /// read the guests' names and sign descriptors as the host. Encrypting them
    /// at rest is the embedder's choice; the buffer wipes itself on drop.
    pub fn export_state(&self) -> Zeroizing<Vec<u8>> {
        let validity = self.validity();
        let mut w = StateWriter::new(&HOST_STATE);
        w.bytes(self.venue_id().as_bytes())
            .bytes(self.signing_key.to_bytes().as_slice())
            .bytes(self.key.to_bytes().as_slice())
            .text(self.name())
            .uint(validity.not_before.0)
            .uint(validity.not_after.0);
        w.finish()
    }

    /// Restores a host from [`export_state`](Self::export_state) bytes and
    /// re-signs the same descriptor.
    ///
    /// Checks, in order: size cap (4096 bytes), deterministic CBOR (`luca_protocol::state`)
    /// without trailing bytes, type `"luca-venue/private-meeting-host"`,
    /// version 1, 8 items, a 16-byte venue id, two valid 32-byte private keys,
    /// a text name and two unsigned times that make a valid descriptor.
    ///
    /// # Errors
    /// The [`StateError`] of the first check that fails.
    pub fn import_state(bytes: &[u8]) -> Result<Self, StateError> {
        let mut r = StateReader::open(bytes, &HOST_STATE)?;
        let venue_id = VenueId::from_array(*r.fixed::<16>("venue_id")?);
        let signing_key = HostSigningKey::from_slice(r.fixed::<32>("host_signing_key")?.as_slice())
            .map_err(|_| StateError::InvalidField { field: "host_signing_key" })?;
        let key = VenuePrivateKey::from_slice(r.fixed::<32>("venue_private_key")?.as_slice())
            .map_err(|_| StateError::InvalidField { field: "venue_private_key" })?;
        let name = r.text("name")?;
        let not_before = UnixTime(r.uint("not_before")?);
        let not_after = UnixTime(r.uint("not_after")?);
        Self::assemble(signing_key, key, venue_id, &name, Validity { not_before, not_after }).map_err(|e| match e {
            MeetingError::InvalidName => StateError::InvalidField { field: "name" },
            _ => StateError::InvalidField { field: "not_after" },
        })
    }
}
