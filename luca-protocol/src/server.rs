//! Server-side validation: what an operator server checks on every message it
//! receives, using only public data — never a secret.
//!
//! Each function decodes (size cap, version, strict CBOR), verifies what can
//! be verified without a secret (signatures and certificate chains, freshness
//! windows, checkout proofs, bindings to records the server already holds) and
//! returns the parsed message for storage. A server MUST store nothing when a
//! function returns an error.
//!
//! | message received | function | checks beyond decoding |
//! |---|---|---|
//! | check-in record | [`check_in_record`] | freshness of the check-in minute |
//! | additional data | [`additional_data`] | belongs to a stored record (venue id, trace id) |
//! | checkout | [`checkout`] | proof hashes to the record's trace id; time order |
//! | contact data | [`contact_data`] | guest signature; an update keeps user id and key and is newer |
//! | history share | [`history_share`] | names a daily key in use when it was made; made recently |
//! | daily key announcement | [`daily_key_announcement`] | issuer certificate, signature, validity rules |
//! | key share | [`key_share`] | matches its announcement; recipient is certified |
//! | tracing request | [`tracing_request`] | requesting office's certificate and signature, expiry |
//! | consent response | [`consent_response`] | bound to the stored request (hash, office, venue) |
//! | notification list | [`notification_list`] | office certificate and signature; padded and sorted |
//! | TAN | [`crate::tan::Tan::parse`] | alphabet, length, check character |

use crate::error::{DecodeError, VerifyError};
use crate::messages::additional_data::AdditionalDataIn;
use crate::messages::checkin_record::{CheckInRecordIn, FreshnessError};
use crate::messages::checkout::{Checkout, CheckoutError, CheckoutIn};
use crate::messages::consent_response::ConsentResponseIn;
use crate::messages::contact_data::ContactDataIn;
use crate::messages::history_share::HistoryShareIn;
use crate::messages::key_share::KeyShareIn;
use crate::messages::notification_list::{NotificationList, NotificationListIn};
use crate::messages::tracing_request::{TracingRequest, TracingRequestIn};
use crate::signed::daily_key_announcement::{AnnouncedDailyKey, DailyKeyAnnouncement, DailyKeyAnnouncementIn};
use crate::signed::health_office_certificate::HealthOfficeCertificate;
use crate::threshold::announcement::{CommitteeKeyAnnouncement, CommitteeKeyAnnouncementIn};
use crate::time::UnixTime;

/// Recommended freshness window of [`check_in_record`]: a check-in minute at most 120 s from the server's
/// clock (the scanner's default too, so that what a scanner accepts the server accepts).
pub const CHECK_IN_WINDOW_SECS: u64 = crate::messages::checkin_record::DEFAULT_FRESHNESS_WINDOW_SECS;

/// Recommended lifetime of a TAN and of the history share it releases, in seconds: 1 hour from the upload.
/// The guest reads the TAN to the health office by phone at once; the server deletes the share when the
/// office has fetched it, or after this (docs/SERVER.md, TANs).
pub const TAN_LIFETIME_SECS: u64 = 3600;

/// How far a history share's `created_at` may lie from the server's clock, in seconds.
pub const HISTORY_SHARE_SKEW_SECS: u64 = 300;

/// Why the server rejects a message.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ServerError {
    /// The bytes are not a well-formed message.
    #[error(transparent)]
    Decode(#[from] DecodeError),
    /// A signature, certificate chain or validity period does not hold.
    #[error(transparent)]
    Verify(#[from] VerifyError),
    /// A check-in is outside the freshness window.
    #[error(transparent)]
    Freshness(#[from] FreshnessError),
    /// A checkout is not acceptable.
    #[error(transparent)]
    Checkout(#[from] CheckoutError),
    /// The message names a daily key that is unknown or was not in use at the time.
    #[error("unknown daily key")]
    UnknownDailyKey,
    /// A committee key announcement was refused (PROTOCOL.md §13.4).
    #[error(transparent)]
    Threshold(#[from] crate::threshold::ThresholdError),
    /// The message contradicts the stored object it refers to.
    #[error("does not match the stored {field}")]
    Mismatch {
        /// Which field disagrees.
        field: &'static str,
    },
}

impl ServerError {
    /// Stable snake-case name of the error.
    pub fn kind(&self) -> &'static str {
        match self {
            Self::Decode(e) => e.kind(),
            Self::Verify(e) => e.kind(),
            Self::Freshness(e) => e.kind(),
            Self::Checkout(e) => e.kind(),
            Self::UnknownDailyKey => "unknown_daily_key",
            Self::Mismatch { .. } => "mismatch",
            Self::Threshold(e) => e.kind(),
        }
    }
}

/// A check-in record from a scanner or a guest's self check-in: decoded, and its
/// minute within `window_secs` of `now` (recommended: [`CHECK_IN_WINDOW_SECS`]). (Duplicate trace ids per venue are the
/// server's storage concern: it keeps the first record.)
///
/// # Errors
/// [`ServerError::Decode`] or [`ServerError::Freshness`].
pub fn check_in_record(bytes: &[u8], now: UnixTime, window_secs: u64) -> Result<CheckInRecordIn, ServerError> {
    let record = CheckInRecordIn::from_slice(bytes)?;
    record.check_freshness(now, window_secs)?;
    Ok(record)
}

/// Additional data for the stored check-in `record`.
///
/// # Errors
/// [`ServerError::Decode`], or [`ServerError::Mismatch`] if it names another venue or trace id.
pub fn additional_data(bytes: &[u8], record: &CheckInRecordIn) -> Result<AdditionalDataIn, ServerError> {
    let data = AdditionalDataIn::from_slice(bytes)?;
    if data.venue_id() != record.venue_id() {
        return Err(ServerError::Mismatch { field: "venue_id" });
    }
    if data.trace_id() != record.trace_id() {
        return Err(ServerError::Mismatch { field: "trace_id" });
    }
    Ok(data)
}

/// A checkout of the stored check-in `record`: the proof must hash to its trace id.
///
/// # Errors
/// [`ServerError::Decode`], [`ServerError::Mismatch`] (another trace id) or [`ServerError::Checkout`].
pub fn checkout(bytes: &[u8], record: &CheckInRecordIn, now: UnixTime) -> Result<Checkout, ServerError> {
    let checkout = CheckoutIn::from_slice(bytes)?;
    if checkout.trace_id() != record.trace_id() {
        return Err(ServerError::Mismatch { field: "trace_id" });
    }
    Ok(checkout.verify(record.checkin_minute(), now)?)
}

/// Contact data at registration (`previous = None`) or as an update of the stored `previous`.
///
/// # Errors
/// [`ServerError::Decode`] or [`ServerError::Verify`] (bad signature; an update with another
/// user id or key, or not newer).
pub fn contact_data(bytes: &[u8], previous: Option<&ContactDataIn>) -> Result<ContactDataIn, ServerError> {
    let data = ContactDataIn::from_slice(bytes)?;
    match previous {
        None => data.verify_signature()?,
        Some(prev) => data.is_update_of(prev)?,
    }
    Ok(data)
}

/// A history share: made within [`HISTORY_SHARE_SKEW_SECS`] of `now`, sealed to one of the
/// `daily_keys` (verified announcements) that was in use at `created_at`.
///
/// # Errors
/// [`ServerError::Decode`], [`ServerError::Verify`] (`created_at` too far from now) or
/// [`ServerError::UnknownDailyKey`].
pub fn history_share(
    bytes: &[u8],
    daily_keys: &[impl AnnouncedDailyKey],
    now: UnixTime,
) -> Result<HistoryShareIn, ServerError> {
    let share = HistoryShareIn::from_slice(bytes)?;
    let created = share.created_at();
    if created > now.plus_secs(HISTORY_SHARE_SKEW_SECS) {
        return Err(VerifyError::NotYetValid.into());
    }
    if created.plus_secs(HISTORY_SHARE_SKEW_SECS) < now {
        return Err(VerifyError::Expired.into());
    }
    let known =
        daily_keys.iter().any(|k| k.daily_key_id() == Some(share.daily_key_id()) && k.validity().contains(created));
    if !known {
        return Err(ServerError::UnknownDailyKey);
    }
    Ok(share)
}

/// A daily (or badge) key announcement from the HO that `issuer` certifies.
///
/// # Errors
/// [`ServerError::Decode`] or [`ServerError::Verify`].
pub fn daily_key_announcement(
    bytes: &[u8],
    issuer: &HealthOfficeCertificate,
    now: UnixTime,
) -> Result<DailyKeyAnnouncement, ServerError> {
    Ok(DailyKeyAnnouncementIn::from_slice(bytes)?.verify(issuer, now)?)
}

/// A committee key announcement (PROTOCOL.md §13.4) with at least `t` valid signatures of listed
/// members among `certificates` (the verified, current health-office certificates the server holds).
///
/// # Errors
/// [`ServerError::Decode`] or [`ServerError::Threshold`] (`too_few`, `expired`, `not_yet_valid`).
pub fn committee_key_announcement(
    bytes: &[u8],
    certificates: &[HealthOfficeCertificate],
    now: UnixTime,
) -> Result<CommitteeKeyAnnouncement, ServerError> {
    Ok(CommitteeKeyAnnouncementIn::from_slice(bytes)?.verify(certificates, now)?)
}

/// A key share for the verified `announcement`, addressed to the certified `recipient`.
///
/// # Errors
/// [`ServerError::Decode`], [`ServerError::Mismatch`] (purpose, key id, issuer or recipient)
/// or [`ServerError::Verify`] (recipient certificate not valid now).
pub fn key_share(
    bytes: &[u8],
    announcement: &DailyKeyAnnouncement,
    recipient: &HealthOfficeCertificate,
    now: UnixTime,
) -> Result<KeyShareIn, ServerError> {
    let share = KeyShareIn::from_slice(bytes)?;
    if share.purpose() != announcement.purpose() {
        return Err(ServerError::Mismatch { field: "purpose" });
    }
    if share.key_id() != announcement.key_id() {
        return Err(ServerError::Mismatch { field: "key_id" });
    }
    if share.issuer() != announcement.issuer() {
        return Err(ServerError::Mismatch { field: "issuer" });
    }
    if share.recipient() != recipient.id() {
        return Err(ServerError::Mismatch { field: "recipient" });
    }
    recipient.check_validity(now)?;
    Ok(share)
}

/// A tracing request from the HO that `office` certifies (to be forwarded to the venue it names).
///
/// # Errors
/// [`ServerError::Decode`] or [`ServerError::Verify`].
pub fn tracing_request(
    bytes: &[u8],
    office: &HealthOfficeCertificate,
    now: UnixTime,
) -> Result<TracingRequest, ServerError> {
    let request = TracingRequestIn::from_slice(bytes)?;
    let venue = request.venue_id();
    Ok(request.verify(office, venue, now)?)
}

/// A consent response to the stored, verified `request`.
///
/// # Errors
/// [`ServerError::Decode`] or [`ServerError::Mismatch`] (request hash, office or venue).
pub fn consent_response(bytes: &[u8], request: &TracingRequest) -> Result<ConsentResponseIn, ServerError> {
    let response = ConsentResponseIn::from_slice(bytes)?;
    if response.request_hash() != request.request_hash() {
        return Err(ServerError::Mismatch { field: "request_hash" });
    }
    if response.health_office_id() != request.health_office_id() {
        return Err(ServerError::Mismatch { field: "health_office_id" });
    }
    if response.venue_id() != request.venue_id() {
        return Err(ServerError::Mismatch { field: "venue_id" });
    }
    Ok(response)
}

/// A notification list from the HO that `office` certifies.
///
/// # Errors
/// [`ServerError::Decode`] or [`ServerError::Verify`].
pub fn notification_list(
    bytes: &[u8],
    office: &HealthOfficeCertificate,
    now: UnixTime,
) -> Result<NotificationList, ServerError> {
    Ok(NotificationListIn::from_slice(bytes)?.verify(office, now)?)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::derive;
    use crate::ids::{DailyKeyId, HealthOfficeId, RequestId, UserId, VenueId};
    use crate::keys::{DailyPrivateKey, GuestSigningKey, HealthOfficeMasterKeys, TrustAnchorKey, VenuePrivateKey};
    use crate::messages::additional_data::{AdditionalData, AdditionalDataContent};
    use crate::messages::checkin_record::{CheckInRecord, InnerRecord};
    use crate::messages::contact_data::{ContactData, ContactFields};
    use crate::messages::history_share::HistoryShare;
    use crate::messages::key_share::KeyShare;
    use crate::messages::tracing_request::TracingWindow;
    use crate::qr::guest::{DeviceType, GuestCheckInQr, QrFlags};
    use crate::secrets::{DailyTracingSecret, DataSecret};
    use crate::signed::daily_key_announcement::KeyPurpose;
    use crate::time::Validity;
    use rand_chacha::ChaCha20Rng;
    use rand_core::SeedableRng;

    const NOW: UnixTime = UnixTime(1_795_942_800);

    struct World {
        rng: ChaCha20Rng,
        cert: HealthOfficeCertificate,
        other: HealthOfficeCertificate,
        keys: HealthOfficeMasterKeys,
        daily: DailyPrivateKey,
        announcement: DailyKeyAnnouncement,
        venue_id: VenueId,
        venue: VenuePrivateKey,
        user_id: UserId,
        data_secret: DataSecret,
        tracing: DailyTracingSecret,
    }

    fn world() -> World {
        let mut rng = ChaCha20Rng::seed_from_u64(42);
        let anchor = TrustAnchorKey::generate(&mut rng);
        let keys = HealthOfficeMasterKeys::generate(&mut rng);
        let other_keys = HealthOfficeMasterKeys::generate(&mut rng);
        let year = Validity { not_before: NOW.minus_secs(86_400), not_after: NOW.plus_secs(365 * 86_400) };
        let office = HealthOfficeId::random(&mut rng);
        let cert = HealthOfficeCertificate::issue(
            &anchor,
            office,
            "Office A",
            &keys.signing.public_key(),
            &keys.encryption.public_key(),
            year,
        )
        .unwrap();
        let other = HealthOfficeCertificate::issue(
            &anchor,
            HealthOfficeId::random(&mut rng),
            "Office B",
            &other_keys.signing.public_key(),
            &other_keys.encryption.public_key(),
            year,
        )
        .unwrap();
        let daily = DailyPrivateKey::generate(&mut rng);
        let day = NOW.day();
        let announcement = DailyKeyAnnouncement::issue(
            &keys.signing,
            office,
            KeyPurpose::Daily,
            DailyKeyId::for_day(day).0,
            &daily.public_key(),
            Validity { not_before: day.start(), not_after: day.plus_days(7).start() },
            day.plus_days(28).start(),
        )
        .unwrap();
        World {
            venue_id: VenueId::random(&mut rng),
            venue: VenuePrivateKey::generate(&mut rng),
            user_id: UserId::random(&mut rng),
            data_secret: DataSecret::random(&mut rng),
            tracing: DailyTracingSecret::random(&mut rng),
            rng,
            cert,
            other,
            keys,
            daily,
            announcement,
        }
    }

    fn record(w: &mut World) -> CheckInRecord {
        let minute = NOW.minute();
        let trace = derive::guest_trace_id(&w.tracing, &w.user_id, minute);
        let flags = QrFlags { device_type: DeviceType::Ios, entry_policy: 0 };
        let qr = GuestCheckInQr::seal(
            &mut w.rng,
            DailyKeyId::for_day(NOW.day()),
            &w.daily.public_key(),
            flags,
            minute,
            trace,
            &w.user_id,
            &w.data_secret,
        )
        .unwrap();
        CheckInRecord::seal(&mut w.rng, w.venue_id, &w.venue.public_key(), &InnerRecord::Guest(qr), trace, minute)
            .unwrap()
    }

    #[test]
    fn check_in_record_freshness() {
        let mut w = world();
        let r = record(&mut w);
        assert!(check_in_record(r.as_bytes(), NOW.plus_secs(30), 120).is_ok());
        assert_eq!(check_in_record(r.as_bytes(), NOW.plus_secs(600), 120).unwrap_err().kind(), "stale");
        assert_eq!(check_in_record(r.as_bytes(), NOW.minus_secs(600), 120).unwrap_err().kind(), "from_future");
        // Without its array header the record is the integer 1 followed by trailing bytes.
        assert_eq!(check_in_record(&r.as_bytes()[1..], NOW, 120).unwrap_err().kind(), "trailing_bytes");
    }

    #[test]
    fn checkout_needs_the_proof_of_that_record() {
        let mut w = world();
        let r = CheckInRecordIn::from_slice(record(&mut w).as_bytes()).unwrap();
        let proof = derive::checkout_proof(&w.tracing, &w.user_id, NOW.minute());
        let good = Checkout::new(&proof, NOW.plus_secs(3600));
        assert!(checkout(good.to_bytes().as_slice(), &r, NOW.plus_secs(3600)).is_ok());
        // A proof for another minute names another trace id.
        let other = derive::checkout_proof(&w.tracing, &w.user_id, UnixTime(NOW.0 + 60).minute());
        let bad = Checkout::new(&other, NOW.plus_secs(3600));
        assert_eq!(
            checkout(bad.to_bytes().as_slice(), &r, NOW.plus_secs(3600)).unwrap_err(),
            ServerError::Mismatch { field: "trace_id" }
        );
    }

    #[test]
    fn additional_data_must_belong_to_the_record() {
        let mut w = world();
        let r = CheckInRecordIn::from_slice(record(&mut w).as_bytes()).unwrap();
        let content = AdditionalDataContent { table: Some(3), guest_name: None };
        let ok = AdditionalData::seal(&mut w.rng, w.venue_id, &w.venue.public_key(), r.trace_id(), &content).unwrap();
        assert!(additional_data(ok.as_bytes(), &r).is_ok());
        let other_venue = VenueId::random(&mut w.rng);
        let bad = AdditionalData::seal(&mut w.rng, other_venue, &w.venue.public_key(), r.trace_id(), &content).unwrap();
        assert_eq!(additional_data(bad.as_bytes(), &r).unwrap_err(), ServerError::Mismatch { field: "venue_id" });
    }

    #[test]
    fn contact_data_registration_and_update() {
        let mut w = world();
        let key = GuestSigningKey::generate(&mut w.rng);
        let fields = ContactFields {
            first_name: "Erika".into(),
            last_name: "Mustermann".into(),
            phone: "+49 30 1234567".into(),
            email: "erika@example.org".into(),
            street: "Heidestraße".into(),
            house_number: "17".into(),
            postcode: "51147".into(),
            city: "Köln".into(),
        };
        let first = ContactData::seal(&mut w.rng, &key, w.user_id, &w.data_secret, &fields, NOW).unwrap();
        let stored = contact_data(first.as_bytes(), None).unwrap();
        let update =
            ContactData::seal(&mut w.rng, &key, w.user_id, &w.data_secret, &fields, NOW.plus_secs(60)).unwrap();
        assert!(contact_data(update.as_bytes(), Some(&stored)).is_ok());
        let thief = GuestSigningKey::generate(&mut w.rng);
        let hijack =
            ContactData::seal(&mut w.rng, &thief, w.user_id, &w.data_secret, &fields, NOW.plus_secs(120)).unwrap();
        assert_eq!(contact_data(hijack.as_bytes(), Some(&stored)).unwrap_err().kind(), "key_mismatch");
    }

    #[test]
    fn history_share_needs_a_daily_key_in_use() {
        let mut w = world();
        let day = NOW.day();
        let share = HistoryShare::seal(
            &mut w.rng,
            DailyKeyId::for_day(day),
            &w.daily.public_key(),
            &w.user_id,
            &w.data_secret,
            &[(day, &w.tracing)],
            NOW,
        )
        .unwrap();
        let keys = [w.announcement.clone()];
        assert!(history_share(share.as_bytes(), &keys, NOW.plus_secs(10)).is_ok());
        assert_eq!(
            history_share(share.as_bytes(), &[] as &[DailyKeyAnnouncement], NOW).unwrap_err(),
            ServerError::UnknownDailyKey
        );
        assert_eq!(history_share(share.as_bytes(), &keys, NOW.plus_secs(3600)).unwrap_err().kind(), "expired");
    }

    #[test]
    fn announcement_key_share_request_consent_and_notifications() {
        let mut w = world();
        assert!(daily_key_announcement(w.announcement.as_bytes(), &w.cert, NOW).is_ok());
        assert_eq!(
            daily_key_announcement(w.announcement.as_bytes(), &w.other, NOW).unwrap_err().kind(),
            "wrong_issuer"
        );

        let share =
            KeyShare::seal_daily(&mut w.rng, DailyKeyId::for_day(NOW.day()), w.cert.id(), &w.other, &w.daily).unwrap();
        assert!(key_share(share.as_bytes(), &w.announcement, &w.other, NOW).is_ok());
        assert_eq!(
            key_share(share.as_bytes(), &w.announcement, &w.cert, NOW).unwrap_err(),
            ServerError::Mismatch { field: "recipient" }
        );

        let window = TracingWindow { from: NOW.minus_secs(3600), to: NOW.plus_secs(3600) };
        let request = TracingRequest::sign(
            &w.keys.signing,
            RequestId::random(&mut w.rng),
            w.cert.id(),
            w.venue_id,
            window,
            NOW,
            NOW.plus_secs(86_400),
        )
        .unwrap();
        let verified = tracing_request(request.as_bytes(), &w.cert, NOW).unwrap();
        assert_eq!(tracing_request(request.as_bytes(), &w.other, NOW).unwrap_err().kind(), "wrong_issuer");

        let r = record(&mut w);
        let rin = CheckInRecordIn::from_slice(r.as_bytes()).unwrap();
        let inner = rin.open(&w.venue).unwrap();
        let mut builder = crate::messages::consent_response::ConsentResponseBuilder::new(&verified, &w.cert).unwrap();
        builder.add(&mut w.rng, rin.trace_id(), rin.checkin_minute(), &inner, None).unwrap();
        let response = builder.finish();
        assert!(consent_response(response.as_bytes(), &verified).is_ok());
        let other_request = TracingRequest::sign(
            &w.keys.signing,
            RequestId::random(&mut w.rng),
            w.cert.id(),
            w.venue_id,
            window,
            NOW,
            NOW.plus_secs(86_400),
        )
        .unwrap();
        assert_eq!(
            consent_response(response.as_bytes(), &other_request).unwrap_err(),
            ServerError::Mismatch { field: "request_hash" }
        );

        let list =
            NotificationList::build(&mut w.rng, &w.keys.signing, w.cert.id(), &[(rin.trace_id(), 0)], NOW).unwrap();
        assert!(notification_list(list.as_bytes(), &w.cert, NOW).is_ok());
        assert_eq!(notification_list(list.as_bytes(), &w.other, NOW).unwrap_err().kind(), "wrong_issuer");
    }
}
