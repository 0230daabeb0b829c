//! What a scanned printed venue QR turns out to be: a registered venue or a
//! private meeting — two types that cannot be mixed up.

use luca_protocol::ids::VenueId;
use luca_protocol::keys::{EncryptionPublicKey, SignaturePublicKey};
use luca_protocol::qr::venue::VenueQr;
use luca_protocol::signed::registrar_certificate::RegistrarCertificate;
use luca_protocol::signed::venue_descriptor::{VenueDescriptor, VenueKind};
use luca_protocol::time::{UnixTime, Validity};

use crate::error::ClientError;

/// A scanned venue QR, verified. Match on it: the app must show which one it is.
///
/// * [`ScannedVenue::Venue`]: a venue registered with the registrar (its
///   descriptor is signed by the registrar certificate). Check in with
///   [`Guest::self_check_in`](crate::Guest::self_check_in); only a table number
///   (if the QR has one) is sent to the venue.
/// * [`ScannedVenue::PrivateMeeting`]: a private meeting, self-signed by
///   whoever shows the QR. The app **must** tell the guest that their name
///   will be shared with the host, and only then call
///   [`Guest::check_in_private_meeting`](crate::Guest::check_in_private_meeting).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ScannedVenue {
    /// A registered venue.
    Venue(VerifiedVenue),
    /// A private meeting (self-signed by its host; not vouched for by the registrar).
    PrivateMeeting(VerifiedMeeting),
}

impl ScannedVenue {
    /// Parses a printed venue QR URL and verifies its descriptor at `now`: a
    /// venue against the registrar certificate, a private meeting against its
    /// own host key.
    ///
    /// # Errors
    /// [`ClientError::Invalid`] if the URL or descriptor is malformed (or the
    /// table number is outside the descriptor's table count);
    /// [`ClientError::VenueRejected`] with the [`VerifyError`](luca_protocol::error::VerifyError)
    /// of the descriptor (wrong issuer, bad signature, not yet valid, expired, invalid validity).
    pub fn from_url(url: &str, registrar: &RegistrarCertificate, now: UnixTime) -> Result<Self, ClientError> {
        let qr = VenueQr::from_url(url)?;
        let table = qr.table();
        let descriptor = qr.into_descriptor();
        match descriptor.kind() {
            VenueKind::Venue => VerifiedVenue::new(descriptor.verify(registrar, now)?, table).map(Self::Venue),
            VenueKind::PrivateMeeting => {
                if table.is_some() {
                    return Err(ClientError::Invalid(luca_protocol::error::DecodeError::InvalidField {
                        field: "table",
                    }));
                }
                VerifiedMeeting::new(descriptor.verify_private_meeting(now)?).map(Self::PrivateMeeting)
            }
        }
    }

    /// The venue's or meeting's id.
    pub fn venue_id(&self) -> VenueId {
        match self {
            Self::Venue(v) => v.venue_id(),
            Self::PrivateMeeting(m) => m.venue_id(),
        }
    }

    /// The venue's or meeting's name, as signed (to show, together with the kind).
    pub fn name(&self) -> &str {
        match self {
            Self::Venue(v) => v.name(),
            Self::PrivateMeeting(m) => m.name(),
        }
    }
}

/// A registered venue whose descriptor verified against the registrar
/// certificate, with the table number of the scanned QR (if any).
///
/// The table number is not authenticated (it is printed beside the signed
/// descriptor); it is checked against the signed table count.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct VerifiedVenue {
    descriptor: VenueDescriptor,
    table: Option<u16>,
}

impl VerifiedVenue {
    /// Wraps a verified descriptor of kind venue, with an optional table.
    ///
    /// # Errors
    /// [`ClientError::WrongKind`] for a private-meeting descriptor;
    /// [`ClientError::Invalid`] (`InvalidField { field: "table" }`) if the table
    /// is not in `1..=table_count` of the descriptor.
    pub fn new(descriptor: VenueDescriptor, table: Option<u16>) -> Result<Self, ClientError> {
        if descriptor.kind() != VenueKind::Venue {
            return Err(ClientError::WrongKind);
        }
        let table_ok = match (table, descriptor.table_count()) {
            (None, _) => true,
            (Some(t), Some(n)) => (1..=n).contains(&t),
            (Some(_), None) => false,
        };
        if !table_ok {
            return Err(ClientError::Invalid(luca_protocol::error::DecodeError::InvalidField { field: "table" }));
        }
        Ok(Self { descriptor, table })
    }

    /// The venue id.
    pub fn venue_id(&self) -> VenueId {
        self.descriptor.venue_id()
    }

    /// The venue's name (signed by the registrar).
    pub fn name(&self) -> &str {
        self.descriptor.name()
    }

    /// The table number from the QR, if any.
    pub fn table(&self) -> Option<u16> {
        self.table
    }

    /// The venue's number of tables, if it has any.
    pub fn table_count(&self) -> Option<u16> {
        self.descriptor.table_count()
    }

    /// The descriptor's validity period.
    pub fn validity(&self) -> Validity {
        self.descriptor.validity()
    }

    /// The venue key every check-in is sealed to.
    pub fn venue_key(&self) -> EncryptionPublicKey {
        self.descriptor.venue_key()
    }

    /// The verified descriptor.
    pub fn descriptor(&self) -> &VenueDescriptor {
        &self.descriptor
    }
}

/// A private meeting whose self-signed descriptor verified under its host key.
///
/// Nothing vouches for who the host is: the app shows the meeting's name and
/// that the guest's name goes to whoever showed this QR code.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct VerifiedMeeting {
    descriptor: VenueDescriptor,
}

impl VerifiedMeeting {
    /// Wraps a verified descriptor of kind private meeting.
    ///
    /// # Errors
    /// [`ClientError::WrongKind`] for a venue descriptor.
    pub fn new(descriptor: VenueDescriptor) -> Result<Self, ClientError> {
        if descriptor.kind() != VenueKind::PrivateMeeting {
            return Err(ClientError::WrongKind);
        }
        Ok(Self { descriptor })
    }

    /// The meeting's id.
    pub fn venue_id(&self) -> VenueId {
        self.descriptor.venue_id()
    }

    /// The meeting's name, as the host chose it.
    pub fn name(&self) -> &str {
        self.descriptor.name()
    }

    /// The host's signing key (e.g. to show a fingerprint).
    pub fn host_key(&self) -> Option<SignaturePublicKey> {
        self.descriptor.host_key()
    }

    /// The descriptor's validity period.
    pub fn validity(&self) -> Validity {
        self.descriptor.validity()
    }

    /// The host's venue key: the check-in and the guest's name are sealed to it.
    pub fn venue_key(&self) -> EncryptionPublicKey {
        self.descriptor.venue_key()
    }

    /// The verified descriptor.
    pub fn descriptor(&self) -> &VenueDescriptor {
        &self.descriptor
    }
}
