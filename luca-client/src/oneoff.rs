//! Guests without app or badge: a one-off identity for a single check-in.

use luca_protocol::derive;
use luca_protocol::ids::{UserId, VenueId};
use luca_protocol::keys::{EncryptionPublicKey, GuestSigningKey};
use luca_protocol::messages::checkin_record::CheckInRecord;
use luca_protocol::messages::contact_data::{ContactData, ContactFields};
use luca_protocol::qr::guest::DeviceType;
use luca_protocol::secrets::{DailyTracingSecret, DataSecret};
use luca_protocol::signed::daily_key_announcement::AnnouncedDailyKey;
use luca_protocol::time::UnixTime;
use rand_core::CryptoRng;

use crate::common::{seal_qr, seal_record, usable_daily_key};
use crate::error::ClientError;
use crate::venue::VerifiedVenue;

/// Where a one-off check-in is sealed to: a verified venue, or the venue id and
/// venue key a scanner of the venue holds.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct CheckInTarget {
    /// The venue.
    pub venue_id: VenueId,
    /// The venue key the check-in record is sealed to.
    pub venue_key: EncryptionPublicKey,
}

impl From<&VerifiedVenue> for CheckInTarget {
    fn from(venue: &VerifiedVenue) -> Self {
        Self { venue_id: venue.venue_id(), venue_key: venue.venue_key() }
    }
}

impl From<(VenueId, EncryptionPublicKey)> for CheckInTarget {
    fn from((venue_id, venue_key): (VenueId, EncryptionPublicKey)) -> Self {
        Self { venue_id, venue_key }
    }
}

/// A guest without app or badge, checked in once (e.g. by the venue's staff
/// entering the guest's contact data on the scanner).
///
/// A fresh user id, data secret, signing key and tracing secret are drawn for
/// the one check-in (device type `NoApp`) and dropped afterwards: nothing is
/// kept, so the guest cannot check out (the venue's checkout or the automatic
/// checkout after 24 h closes the check-in) and cannot share a history; a
/// health office tracing the venue still finds and decrypts the contact data.
#[derive(Debug)]
pub struct OneOffGuest {
    _private: (),
}

/// The result of [`OneOffGuest::check_in`]: both go to the server.
#[derive(Debug, Clone)]
pub struct OneOffCheckIn {
    /// The one-off identity's encrypted, signed contact data.
    pub contact_data: ContactData,
    /// The check-in record, sealed to the venue key.
    pub record: CheckInRecord,
}

impl OneOffGuest {
    /// Checks a guest in once at the minute of `now`: seals `fields` under a
    /// fresh identity, builds its check-in QR (sealed to `daily_key`) and seals
    /// the check-in record to `venue`'s key.
    ///
    /// # Errors
    /// [`ClientError::Invalid`] if a contact field breaks its limits;
    /// [`ClientError::DailyKeyNotValid`].
    pub fn check_in<R: CryptoRng>(
        rng: &mut R,
        fields: &ContactFields,
        daily_key: &impl AnnouncedDailyKey,
        venue: impl Into<CheckInTarget>,
        now: UnixTime,
    ) -> Result<OneOffCheckIn, ClientError> {
        let venue = venue.into();
        let key_id = usable_daily_key(daily_key, now)?;
        let user_id = UserId::random(rng);
        let data_secret = DataSecret::random(rng);
        let signing_key = GuestSigningKey::generate(rng);
        let contact_data = ContactData::seal(rng, &signing_key, user_id, &data_secret, fields, now)?;
        let tracing_secret = DailyTracingSecret::random(rng);
        let minute = now.minute();
        let trace_id = derive::guest_trace_id(&tracing_secret, &user_id, minute);
        let qr = seal_qr(rng, key_id, daily_key, DeviceType::NoApp, minute, trace_id, &user_id, &data_secret)?;
        let record = seal_record(rng, venue.venue_id, &venue.venue_key, &qr)?;
        Ok(OneOffCheckIn { contact_data, record })
    }
}
