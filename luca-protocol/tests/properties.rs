//! Property tests (proptest) of the wire formats:
//!
//! * round trips of every message (encode → decode gives the same value and the same bytes);
//! * seal/open of every HPKE use (guest QR, check-in record, additional data, history share, key share, consent
//!   response, badge attestation) and of the contact data (AES-GCM);
//! * any single-bit change of a sealed or signed message is rejected, by decoding, verification or opening;
//! * decoders never panic on arbitrary bytes, nor on inputs up to twice their size cap (and reject everything over
//!   the cap with the cap's error);
//! * the Base32 and base64url text forms reject non-canonical encodings (lowercase, padding, non-zero trailing
//!   bits, characters of another alphabet).
//!
//! Case counts are kept small (debug builds, P-256 in unoptimised code): the cargo-fuzz targets in `fuzz/` do the
//! volume. Failing cases are shrunk and saved under `tests/proptest-regressions/`; commit such a file only if it
//! records a real bug.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::arithmetic_side_effects,
    clippy::cast_possible_truncation,
    unreachable_pub,
    missing_docs,
    dead_code
)]

#[path = "support/fuzz_targets.rs"]
mod targets;

use std::sync::OnceLock;

use luca_protocol::badge_serial::BadgeSerial;
use luca_protocol::derive;
use luca_protocol::error::{DecodeError, OpenError};
use luca_protocol::ids::{BadgeKeyId, DailyKeyId, HealthOfficeId, RegistrarId, RequestId, TraceId, UserId, VenueId};
use luca_protocol::keys::{
    BadgePrivateKey, DailyPrivateKey, GuestSigningKey, HealthOfficeMasterKeys, HostSigningKey, RegistrarKey,
    TrustAnchorKey, VenuePrivateKey,
};
use luca_protocol::messages::additional_data::{AdditionalData, AdditionalDataContent, AdditionalDataIn};
use luca_protocol::messages::checkin_record::{CheckInRecord, CheckInRecordIn, CheckInSource, InnerRecord};
use luca_protocol::messages::checkout::{Checkout, CheckoutIn};
use luca_protocol::messages::consent_response::{ConsentResponseBuilder, ConsentResponseIn};
use luca_protocol::messages::contact_data::{ContactData, ContactDataIn, ContactFields};
use luca_protocol::messages::history_share::{HistoryShare, HistoryShareIn};
use luca_protocol::messages::key_share::{KeyShare, KeyShareIn};
use luca_protocol::messages::notification_list::{NotificationList, NotificationListIn};
use luca_protocol::messages::tracing_request::{TracingRequest, TracingRequestIn, TracingWindow};
use luca_protocol::qr::badge::BadgeQr;
use luca_protocol::qr::guest::{DeviceType, GuestCheckInQr, QrFlags};
use luca_protocol::qr::scanned::ScannedQr;
use luca_protocol::qr::venue::VenueQr;
use luca_protocol::secrets::{BadgeSeed, DailyTracingSecret, DataSecret};
use luca_protocol::signed::badge_attestation::{BadgeAttestation, BadgeAttestationIn};
use luca_protocol::signed::daily_key_announcement::{DailyKeyAnnouncement, DailyKeyAnnouncementIn, KeyPurpose};
use luca_protocol::signed::health_office_certificate::{HealthOfficeCertificate, HealthOfficeCertificateIn};
use luca_protocol::signed::registrar_certificate::{RegistrarCertificate, RegistrarCertificateIn};
use luca_protocol::signed::venue_descriptor::{VenueDescriptor, VenueDescriptorIn, VenueKind};
use luca_protocol::tan::Tan;
use luca_protocol::time::{SECONDS_PER_DAY, UnixMinute, UnixTime, UtcDay, Validity};
use proptest::prelude::*;
use rand_chacha::ChaCha20Rng;
use rand_core::SeedableRng;

/// The clock of every property: 2026-11-29T09:00:00Z (as the test vectors).
const NOW: UnixTime = UnixTime(1_795_942_800);

fn rng(seed: u64) -> ChaCha20Rng {
    ChaCha20Rng::seed_from_u64(seed)
}

/// Everything the messages are made for and checked against, made once.
struct World {
    anchor: TrustAnchorKey,
    office_keys: HealthOfficeMasterKeys,
    office: HealthOfficeCertificate,
    peer_keys: HealthOfficeMasterKeys,
    peer: HealthOfficeCertificate,
    registrar_key: RegistrarKey,
    registrar: RegistrarCertificate,
    daily: DailyPrivateKey,
    daily_id: DailyKeyId,
    announcement: DailyKeyAnnouncement,
    badge_key: BadgePrivateKey,
    badge_id: BadgeKeyId,
    venue_key: VenuePrivateKey,
    venue: VenueDescriptor,
    window: TracingWindow,
    request: TracingRequest,
}

fn world() -> &'static World {
    static WORLD: OnceLock<World> = OnceLock::new();
    WORLD.get_or_init(|| {
        let mut rng = rng(2026);
        let anchor = TrustAnchorKey::generate(&mut rng);
        let long = Validity {
            not_before: NOW.minus_secs(30 * SECONDS_PER_DAY),
            not_after: NOW.plus_secs(365 * SECONDS_PER_DAY),
        };
        let office_keys = HealthOfficeMasterKeys::generate(&mut rng);
        let office = HealthOfficeCertificate::issue(
            &anchor,
            HealthOfficeId::random(&mut rng),
            "Gesundheitsamt Musterstadt",
            &office_keys.signing.public_key(),
            &office_keys.encryption.public_key(),
            long,
        )
        .unwrap();
        let peer_keys = HealthOfficeMasterKeys::generate(&mut rng);
        let peer = HealthOfficeCertificate::issue(
            &anchor,
            HealthOfficeId::random(&mut rng),
            "Gesundheitsamt Nachbarstadt",
            &peer_keys.signing.public_key(),
            &peer_keys.encryption.public_key(),
            long,
        )
        .unwrap();
        let registrar_key = RegistrarKey::generate(&mut rng);
        let registrar = RegistrarCertificate::issue(
            &anchor,
            RegistrarId::random(&mut rng),
            "Registrar",
            &registrar_key.public_key(),
            long,
        )
        .unwrap();
        let daily = DailyPrivateKey::generate(&mut rng);
        let daily_id = DailyKeyId::for_day(NOW.day());
        let day_start = NOW.day().start();
        let announcement = DailyKeyAnnouncement::issue(
            &office_keys.signing,
            office.id(),
            KeyPurpose::Daily,
            daily_id.0,
            &daily.public_key(),
            Validity { not_before: day_start, not_after: day_start.plus_secs(SECONDS_PER_DAY) },
            day_start.plus_secs(28 * SECONDS_PER_DAY),
        )
        .unwrap();
        let badge_key = BadgePrivateKey::generate(&mut rng);
        let venue_key = VenuePrivateKey::generate(&mut rng);
        let venue = VenueDescriptor::issue_venue(
            &registrar_key,
            registrar.id(),
            VenueId::random(&mut rng),
            "Café am Markt",
            &venue_key.public_key(),
            Some(20),
            long,
        )
        .unwrap();
        let window = TracingWindow { from: NOW.minus_secs(7_200), to: NOW.plus_secs(3_600) };
        let request = TracingRequest::sign(
            &office_keys.signing,
            RequestId::random(&mut rng),
            office.id(),
            venue.venue_id(),
            window,
            NOW,
            NOW.plus_secs(SECONDS_PER_DAY),
        )
        .unwrap();
        World {
            anchor,
            office_keys,
            office,
            peer_keys,
            peer,
            registrar_key,
            registrar,
            daily,
            daily_id,
            announcement,
            badge_key,
            badge_id: BadgeKeyId(7),
            venue_key,
            venue,
            window,
            request,
        }
    })
}

/// A guest check-in at `minute`: the inner record (a sealed guest QR), its trace id and the guest's secrets.
fn guest_checkin(rng: &mut ChaCha20Rng, minute: UnixMinute) -> (InnerRecord, TraceId, UserId, DataSecret) {
    let w = world();
    let user_id = UserId::random(rng);
    let data_secret = DataSecret::random(rng);
    let tracing = DailyTracingSecret::random(rng);
    let trace_id = derive::guest_trace_id(&tracing, &user_id, minute);
    let flags = QrFlags { device_type: DeviceType::Ios, entry_policy: QrFlags::VACCINATED };
    let qr =
        GuestCheckInQr::seal(rng, w.daily_id, &w.daily.public_key(), flags, minute, trace_id, &user_id, &data_secret)
            .unwrap();
    (InnerRecord::Guest(qr), trace_id, user_id, data_secret)
}

/// A badge of fresh secrets (no Argon2: from a random seed) and its attestation.
fn badge(rng: &mut ChaCha20Rng) -> (derive::BadgeSecrets, BadgeAttestation) {
    let w = world();
    let secrets = derive::badge_secrets(&BadgeSeed::random(rng)).unwrap();
    let att = BadgeAttestation::issue(
        rng,
        &w.registrar_key,
        w.registrar.id(),
        w.badge_id,
        &w.badge_key.public_key(),
        &secrets,
        NOW.minus_secs(3_600),
    )
    .unwrap();
    (secrets, att)
}

/// A badge check-in at `minute`: the inner record and its trace id.
fn badge_checkin(rng: &mut ChaCha20Rng, minute: UnixMinute) -> (InnerRecord, TraceId) {
    let (secrets, att) = badge(rng);
    let trace_id = derive::trace_id(&derive::badge_checkout_proof(&secrets.trace_key, minute));
    (InnerRecord::Badge(BadgeAttestationIn::from_slice(att.as_bytes()).unwrap()), trace_id)
}

fn valid_fields() -> impl Strategy<Value = ContactFields> {
    (
        "[A-Za-zÄÖÜäöüß' -]{1,20}",
        "[A-Za-zÄÖÜäöüß' -]{1,20}",
        "\\+?[0-9]{3,12}",
        "([a-z0-9.]{1,20}@[a-z]{1,10}\\.de)?",
        "[A-Za-zß .-]{0,30}",
        "[0-9]{0,4}[a-z]?",
        "[0-9]{5}",
        "[A-Za-zäöü -]{0,30}",
    )
        .prop_map(|(first_name, last_name, phone, email, street, house_number, postcode, city)| ContactFields {
            first_name,
            last_name,
            phone,
            email,
            street,
            house_number,
            postcode,
            city,
        })
}

fn valid_name() -> impl Strategy<Value = String> {
    "[A-Za-z0-9ÄÖÜäöüß&'. -]{1,60}"
}

fn valid_additional_content() -> impl Strategy<Value = AdditionalDataContent> {
    (proptest::option::of(1u16..=1000), proptest::option::of("[A-Za-zÄÖÜäöüß .-]{1,40}"))
        .prop_filter("at least one part", |(t, n)| t.is_some() || n.is_some())
        .prop_map(|(table, guest_name)| AdditionalDataContent { table, guest_name })
}

// ------------------------------------------------------------------ round trips, seal/open

proptest! {
    #![proptest_config(ProptestConfig::with_cases(8))]

    #[test]
    fn guest_qr_seal_open_round_trip(seed: u64, device in 0u8..4, policy: u8, offset in -720i64..720) {
        let w = world();
        let mut rng = rng(seed);
        let minute = UnixMinute((i64::from(NOW.minute().0) + offset) as u32);
        let user_id = UserId::random(&mut rng);
        let data_secret = DataSecret::random(&mut rng);
        let trace_id = TraceId::random(&mut rng);
        let flags = QrFlags { device_type: DeviceType::from_code(device).unwrap(), entry_policy: policy & QrFlags::ENTRY_POLICY_MASK };
        let qr = GuestCheckInQr::seal(&mut rng, w.daily_id, &w.daily.public_key(), flags, minute, trace_id, &user_id, &data_secret).unwrap();
        let bytes = qr.to_bytes();
        let decoded = GuestCheckInQr::from_bytes(&bytes).unwrap();
        prop_assert_eq!(&decoded, &qr);
        prop_assert_eq!(decoded.as_bytes(), &bytes[..]);
        prop_assert_eq!((decoded.flags(), decoded.daily_key_id(), decoded.minute(), decoded.trace_id()), (flags, w.daily_id, minute, trace_id));
        let text = qr.to_base32();
        prop_assert_eq!(text.len(), GuestCheckInQr::TEXT_LENGTH);
        prop_assert!(GuestCheckInQr::from_base32(&text).is_ok_and(|x| x == qr));
        prop_assert!(GuestCheckInQr::from_body(qr.body()).is_ok_and(|x| x == qr));
        prop_assert_eq!(ScannedQr::from_text(&text), Ok(ScannedQr::Guest(qr.clone())));
        let secrets = decoded.open(&w.daily).unwrap();
        prop_assert_eq!(secrets.user_id, user_id);
        prop_assert!(secrets.data_secret == data_secret);
        prop_assert_eq!(decoded.open(&DailyPrivateKey::generate(&mut rng)).unwrap_err(), OpenError::DecryptionFailed);
    }

    #[test]
    fn badge_attestation_and_badge_qr_round_trip(seed: u64) {
        let w = world();
        let mut rng = rng(seed);
        let (secrets, att) = badge(&mut rng);
        let decoded = BadgeAttestationIn::from_slice(att.as_bytes()).unwrap();
        prop_assert_eq!(decoded.as_bytes(), att.as_bytes());
        prop_assert_eq!((decoded.badge_key_id(), decoded.issued_at(), decoded.registrar_id()), (w.badge_id, att.issued_at(), w.registrar.id()));
        prop_assert!(decoded.trace_key() == secrets.trace_key);
        let verified = decoded.verify(&w.registrar, NOW).unwrap();
        let (user_id, data_secret) = verified.open(&w.badge_key).unwrap();
        prop_assert_eq!(user_id, secrets.user_id);
        prop_assert!(data_secret == secrets.data_secret);
        prop_assert_eq!(verified.open(&BadgePrivateKey::generate(&mut rng)).unwrap_err(), OpenError::DecryptionFailed);
        let qr = BadgeQr::new(&att).unwrap();
        prop_assert!(BadgeQr::from_bytes(qr.as_bytes()).is_ok_and(|x| x == qr));
        let text = qr.to_base32();
        prop_assert!(BadgeQr::from_base32(&text).is_ok_and(|x| x == qr));
        prop_assert_eq!(ScannedQr::from_text(&text), Ok(ScannedQr::Badge(qr)));
    }

    #[test]
    fn certificates_round_trip(seed: u64, name in valid_name(), before in 1u64..1_000_000, after in 1u64..1_000_000) {
        let w = world();
        let mut rng = rng(seed);
        let validity = Validity { not_before: NOW.minus_secs(before), not_after: NOW.plus_secs(after) };
        let keys = HealthOfficeMasterKeys::generate(&mut rng);
        let id = HealthOfficeId::random(&mut rng);
        let cert = HealthOfficeCertificate::issue(&w.anchor, id, &name, &keys.signing.public_key(), &keys.encryption.public_key(), validity).unwrap();
        let decoded = HealthOfficeCertificateIn::from_slice(cert.as_bytes()).unwrap();
        prop_assert_eq!(decoded.as_bytes(), cert.as_bytes());
        prop_assert_eq!((decoded.id(), decoded.name(), decoded.validity()), (id, name.as_str(), validity));
        prop_assert!(decoded.signing_key() == keys.signing.public_key() && decoded.encryption_key() == keys.encryption.public_key());
        prop_assert_eq!(decoded.verify(&w.anchor.public_key(), NOW).unwrap(), cert);
        let reg_key = RegistrarKey::generate(&mut rng);
        let reg_id = RegistrarId::random(&mut rng);
        let reg = RegistrarCertificate::issue(&w.anchor, reg_id, &name, &reg_key.public_key(), validity).unwrap();
        let decoded = RegistrarCertificateIn::from_slice(reg.as_bytes()).unwrap();
        prop_assert_eq!((decoded.id(), decoded.name(), decoded.validity()), (reg_id, name.as_str(), validity));
        prop_assert_eq!(decoded.verify(&w.anchor.public_key(), NOW).unwrap(), reg);
    }

    #[test]
    fn daily_key_announcement_round_trip(seed: u64, day_offset in -3i64..=3, badge_purpose: bool, key_id: u16) {
        let w = world();
        let mut rng = rng(seed);
        let key = DailyPrivateKey::generate(&mut rng);
        let day = UtcDay((i64::from(NOW.day().0) + day_offset) as u32);
        let start = day.start();
        let (purpose, key_id, validity, retain) = if badge_purpose {
            (KeyPurpose::Badge, key_id, Validity { not_before: start, not_after: start.plus_secs(90 * SECONDS_PER_DAY) }, start.plus_secs(100 * SECONDS_PER_DAY))
        } else {
            (KeyPurpose::Daily, DailyKeyId::for_day(day).0, Validity { not_before: start, not_after: start.plus_secs(SECONDS_PER_DAY) }, start.plus_secs(28 * SECONDS_PER_DAY))
        };
        let ann = DailyKeyAnnouncement::issue(&w.office_keys.signing, w.office.id(), purpose, key_id, &key.public_key(), validity, retain).unwrap();
        let decoded = DailyKeyAnnouncementIn::from_slice(ann.as_bytes()).unwrap();
        prop_assert_eq!(decoded.as_bytes(), ann.as_bytes());
        prop_assert_eq!((decoded.purpose(), decoded.key_id(), decoded.issuer()), (purpose, key_id, w.office.id()));
        prop_assert_eq!((decoded.validity(), decoded.retain_until()), (validity, retain));
        prop_assert!(decoded.public_key() == key.public_key());
        prop_assert_eq!(decoded.verify_for_retention(&w.office, start.plus_secs(60)).unwrap(), ann);
    }

    #[test]
    fn venue_descriptor_and_venue_qr_round_trip(
        seed: u64,
        name in valid_name(),
        private_meeting: bool,
        table_count in proptest::option::of(1u16..=1000),
        table_pick: u16,
        host in "[a-z0-9-]{1,20}(\\.[a-z]{2,6}){1,2}(:[0-9]{2,5})?",
    ) {
        let w = world();
        let mut rng = rng(seed);
        let venue_id = VenueId::random(&mut rng);
        let venue_key = VenuePrivateKey::generate(&mut rng).public_key();
        let validity = Validity { not_before: NOW.minus_secs(60), not_after: NOW.plus_secs(SECONDS_PER_DAY) };
        let (d, table_count) = if private_meeting {
            let host_key = HostSigningKey::generate(&mut rng);
            (VenueDescriptor::issue_private_meeting(&host_key, venue_id, &name, &venue_key, validity).unwrap(), None)
        } else {
            (VenueDescriptor::issue_venue(&w.registrar_key, w.registrar.id(), venue_id, &name, &venue_key, table_count, validity).unwrap(), table_count)
        };
        let decoded = VenueDescriptorIn::from_slice(d.as_bytes()).unwrap();
        prop_assert_eq!(decoded.as_bytes(), d.as_bytes());
        let kind = if private_meeting { VenueKind::PrivateMeeting } else { VenueKind::Venue };
        prop_assert_eq!((decoded.kind(), decoded.venue_id(), decoded.name(), decoded.table_count()), (kind, venue_id, name.as_str(), table_count));
        prop_assert!(decoded.venue_key() == venue_key);
        let verified = if private_meeting { decoded.verify_private_meeting(NOW) } else { decoded.verify(&w.registrar, NOW) };
        prop_assert_eq!(verified.unwrap(), d.clone());
        let table = table_count.map(|n| table_pick % n + 1);
        let qr = VenueQr::new(&host, &d, table).unwrap();
        let url = qr.to_url();
        let parsed = VenueQr::from_url(&url).unwrap();
        prop_assert_eq!(&parsed, &qr);
        prop_assert_eq!(parsed.to_url(), url);
        prop_assert_eq!(parsed.table(), table);
        prop_assert_eq!(parsed.descriptor().as_bytes(), d.as_bytes());
        prop_assert_eq!(parsed.base_url(), format!("https://{host}/v1/checkin"));
    }

    #[test]
    fn contact_data_seal_open_round_trip(seed: u64, fields in valid_fields(), updated_at in 1u64..4_000_000_000) {
        let mut rng = rng(seed);
        let key = GuestSigningKey::generate(&mut rng);
        let user_id = UserId::random(&mut rng);
        let data_secret = DataSecret::random(&mut rng);
        let sealed = ContactData::seal(&mut rng, &key, user_id, &data_secret, &fields, UnixTime(updated_at)).unwrap();
        let decoded = ContactDataIn::from_slice(sealed.as_bytes()).unwrap();
        prop_assert_eq!(decoded.as_bytes(), sealed.as_bytes());
        prop_assert_eq!((decoded.user_id(), decoded.updated_at()), (user_id, UnixTime(updated_at)));
        prop_assert!(decoded.guest_key() == key.public_key());
        let verified = decoded.clone().verify().unwrap();
        prop_assert_eq!(verified.as_bytes(), sealed.as_bytes());
        let opened = decoded.clone().open(&user_id, &data_secret).unwrap();
        prop_assert!(opened.fields == fields);
        prop_assert_eq!(decoded.open(&user_id, &DataSecret::random(&mut rng)).unwrap_err(), OpenError::DecryptionFailed);
    }

    #[test]
    fn history_share_seal_open_round_trip(seed: u64, day_mask in 1u16..(1 << 15), created_offset in 0u64..SECONDS_PER_DAY) {
        let w = world();
        let mut rng = rng(seed);
        let created_at = NOW.day().start().plus_secs(created_offset);
        let today = created_at.day();
        let days: Vec<(UtcDay, DailyTracingSecret)> = (0..15u32)
            .filter(|i| day_mask & (1 << i) != 0)
            .map(|i| (today.minus_days(14 - i), DailyTracingSecret::random(&mut rng)))
            .collect();
        let refs: Vec<(UtcDay, &DailyTracingSecret)> = days.iter().map(|(d, s)| (*d, s)).collect();
        let user_id = UserId::random(&mut rng);
        let data_secret = DataSecret::random(&mut rng);
        let share = HistoryShare::seal(&mut rng, w.daily_id, &w.daily.public_key(), &user_id, &data_secret, &refs, created_at).unwrap();
        let decoded = HistoryShareIn::from_slice(share.as_bytes()).unwrap();
        prop_assert_eq!(decoded.as_bytes(), share.as_bytes());
        prop_assert_eq!((decoded.daily_key_id(), decoded.created_at()), (w.daily_id, created_at));
        let opened = decoded.open(&w.daily).unwrap();
        prop_assert_eq!(opened.user_id, user_id);
        prop_assert!(opened.data_secret == data_secret);
        prop_assert_eq!(opened.days.len(), days.len());
        for ((d1, s1), (d2, s2)) in opened.days.iter().zip(&days) {
            prop_assert!(d1 == d2 && s1 == s2);
        }
        prop_assert_eq!(decoded.open(&DailyPrivateKey::generate(&mut rng)).unwrap_err(), OpenError::DecryptionFailed);
    }

    #[test]
    fn additional_data_seal_open_round_trip(seed: u64, content in valid_additional_content()) {
        let w = world();
        let mut rng = rng(seed);
        let plain = content.to_bytes().unwrap();
        prop_assert!(AdditionalDataContent::from_slice(&plain).is_ok_and(|x| x == content));
        let trace_id = TraceId::random(&mut rng);
        let sealed = AdditionalData::seal(&mut rng, w.venue.venue_id(), &w.venue_key.public_key(), trace_id, &content).unwrap();
        let decoded = AdditionalDataIn::from_slice(sealed.as_bytes()).unwrap();
        prop_assert_eq!(decoded.as_bytes(), sealed.as_bytes());
        prop_assert_eq!((decoded.venue_id(), decoded.trace_id()), (w.venue.venue_id(), trace_id));
        prop_assert_eq!(decoded.open(&w.venue_key).unwrap(), content);
        prop_assert_eq!(decoded.open(&VenuePrivateKey::generate(&mut rng)).unwrap_err(), OpenError::DecryptionFailed);
    }

    #[test]
    fn checkin_record_seal_open_round_trip(seed: u64, is_badge: bool, offset in -5i64..5) {
        let w = world();
        let mut rng = rng(seed);
        let minute = UnixMinute((i64::from(NOW.minute().0) + offset) as u32);
        let (inner, trace_id) = if is_badge {
            badge_checkin(&mut rng, minute)
        } else {
            let (inner, trace_id, _, _) = guest_checkin(&mut rng, minute);
            (inner, trace_id)
        };
        let inner_bytes = inner.to_bytes();
        let reparsed = InnerRecord::from_slice(&inner_bytes).unwrap();
        prop_assert_eq!(reparsed.to_bytes(), inner_bytes.clone());
        let record = CheckInRecord::seal(&mut rng, w.venue.venue_id(), &w.venue_key.public_key(), &inner, trace_id, minute).unwrap();
        let decoded = CheckInRecordIn::from_slice(record.as_bytes()).unwrap();
        prop_assert_eq!(decoded.as_bytes(), record.as_bytes());
        let source = if is_badge { CheckInSource::Badge } else { CheckInSource::Guest };
        prop_assert_eq!((decoded.venue_id(), decoded.trace_id(), decoded.checkin_minute(), decoded.source()), (w.venue.venue_id(), trace_id, minute, source));
        prop_assert_eq!(decoded.open(&w.venue_key).unwrap().to_bytes(), inner_bytes);
        prop_assert_eq!(decoded.open(&VenuePrivateKey::generate(&mut rng)).unwrap_err(), OpenError::DecryptionFailed);
    }

    #[test]
    fn tracing_request_round_trip(seed: u64, from_back in 1u64..SECONDS_PER_DAY, len in 1u64..(7 * SECONDS_PER_DAY), life in 1u64..(14 * SECONDS_PER_DAY)) {
        let w = world();
        let mut rng = rng(seed);
        let window = TracingWindow { from: NOW.minus_secs(from_back), to: NOW.minus_secs(from_back).plus_secs(len) };
        let request_id = RequestId::random(&mut rng);
        let req = TracingRequest::sign(&w.office_keys.signing, request_id, w.office.id(), w.venue.venue_id(), window, NOW, NOW.plus_secs(life)).unwrap();
        let decoded = TracingRequestIn::from_slice(req.as_bytes()).unwrap();
        prop_assert_eq!(decoded.as_bytes(), req.as_bytes());
        prop_assert_eq!((decoded.request_id(), decoded.health_office_id(), decoded.venue_id()), (request_id, w.office.id(), w.venue.venue_id()));
        let verified = decoded.verify(&w.office, w.venue.venue_id(), NOW).unwrap();
        prop_assert_eq!((verified.window(), verified.issued_at(), verified.expires_at()), (window, NOW, NOW.plus_secs(life)));
        prop_assert_eq!(verified.request_hash(), req.request_hash());
    }

    #[test]
    fn consent_response_seal_open_round_trip(seed: u64, kinds in proptest::collection::vec((any::<bool>(), any::<bool>(), 0u32..120), 0..3)) {
        let w = world();
        let mut rng = rng(seed);
        let mut builder = ConsentResponseBuilder::new(&w.request, &w.office).unwrap();
        let mut expected = Vec::new();
        for (is_badge, with_additional, back) in kinds {
            let minute = UnixMinute(NOW.minute().0 - back);
            let (inner, trace_id) = if is_badge {
                badge_checkin(&mut rng, minute)
            } else {
                let (inner, trace_id, _, _) = guest_checkin(&mut rng, minute);
                (inner, trace_id)
            };
            let additional = with_additional.then(|| AdditionalDataContent { table: Some(3), guest_name: None });
            builder.add(&mut rng, trace_id, minute, &inner, additional.as_ref()).unwrap();
            expected.push((minute, trace_id, inner.to_bytes(), additional));
        }
        expected.sort_by_key(|(m, t, _, _)| (*m, *t));
        let response = builder.finish();
        let decoded = ConsentResponseIn::from_slice(response.as_bytes()).unwrap();
        prop_assert_eq!(decoded.as_bytes(), response.as_bytes());
        prop_assert_eq!((decoded.request_hash(), decoded.health_office_id(), decoded.venue_id()), (w.request.request_hash(), w.office.id(), w.venue.venue_id()));
        prop_assert_eq!(decoded.len(), expected.len());
        let opened = decoded.open(&w.request, &w.office_keys.encryption).unwrap();
        prop_assert_eq!(opened.len(), expected.len());
        for (entry, (minute, trace_id, inner, additional)) in opened.iter().zip(&expected) {
            prop_assert_eq!((entry.checkin_minute, entry.trace_id), (*minute, *trace_id));
            prop_assert_eq!(&entry.inner.to_bytes(), inner);
            prop_assert_eq!(&entry.additional, additional);
        }
        if !expected.is_empty() {
            prop_assert_eq!(decoded.open(&w.request, &w.peer_keys.encryption).unwrap_err(), OpenError::DecryptionFailed);
        }
    }

    #[test]
    fn key_share_seal_open_round_trip(seed: u64, badge_purpose: bool, key_id: u16) {
        let w = world();
        let mut rng = rng(seed);
        let key = DailyPrivateKey::generate(&mut rng);
        let share = if badge_purpose {
            KeyShare::seal(&mut rng, KeyPurpose::Badge, key_id, w.office.id(), &w.peer, &key.to_bytes()).unwrap()
        } else {
            KeyShare::seal_daily(&mut rng, DailyKeyId(key_id), w.office.id(), &w.peer, &key).unwrap()
        };
        let decoded = KeyShareIn::from_slice(share.as_bytes()).unwrap();
        prop_assert_eq!(decoded.as_bytes(), share.as_bytes());
        let purpose = if badge_purpose { KeyPurpose::Badge } else { KeyPurpose::Daily };
        prop_assert_eq!((decoded.purpose(), decoded.key_id(), decoded.issuer(), decoded.recipient()), (purpose, key_id, w.office.id(), w.peer.id()));
        let opened = if badge_purpose {
            decoded.open_badge(&w.peer_keys.encryption, w.peer.id(), &key.public_key()).unwrap().to_bytes()
        } else {
            decoded.open_daily(&w.peer_keys.encryption, w.peer.id(), &key.public_key()).unwrap().to_bytes()
        };
        prop_assert_eq!(*opened, *key.to_bytes());
        let wrong = if badge_purpose {
            decoded.open_badge(&w.office_keys.encryption, w.peer.id(), &key.public_key()).map(|_| ())
        } else {
            decoded.open_daily(&w.office_keys.encryption, w.peer.id(), &key.public_key()).map(|_| ())
        };
        prop_assert_eq!(wrong.unwrap_err(), OpenError::DecryptionFailed);
    }

    #[test]
    fn notification_list_round_trip(seed: u64, entries in proptest::collection::vec((any::<[u8; 16]>(), 0u8..=3), 0..80)) {
        let w = world();
        let mut rng = rng(seed);
        let entries: Vec<(TraceId, u8)> = entries.into_iter().map(|(t, l)| (TraceId::from_array(t), l)).collect();
        let list = NotificationList::build(&mut rng, &w.office_keys.signing, w.office.id(), &entries, NOW).unwrap();
        let decoded = NotificationListIn::from_slice(list.as_bytes()).unwrap();
        prop_assert_eq!(decoded.as_bytes(), list.as_bytes());
        prop_assert_eq!(decoded.health_office_id(), w.office.id());
        let verified = decoded.verify(&w.office, NOW).unwrap();
        prop_assert_eq!(verified.hashes(), list.hashes());
        let n = verified.hashes().len();
        prop_assert!(n >= 64 && n.is_power_of_two());
        let found = verified.check(&entries.iter().map(|(t, _)| *t).collect::<Vec<_>>());
        prop_assert_eq!(found.len(), entries.len());
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn checkout_round_trip(seed: u64, back in 0u32..1_000, stay in 0u64..SECONDS_PER_DAY) {
        let mut rng = rng(seed);
        let tracing = DailyTracingSecret::random(&mut rng);
        let user_id = UserId::random(&mut rng);
        let minute = UnixMinute(NOW.minute().0 - back);
        let proof = derive::checkout_proof(&tracing, &user_id, minute);
        let at = minute.start().plus_secs(stay);
        let checkout = Checkout::new(&proof, at);
        let decoded = CheckoutIn::from_slice(checkout.as_bytes()).unwrap();
        prop_assert_eq!(decoded.as_bytes(), checkout.as_bytes());
        prop_assert_eq!((decoded.trace_id(), decoded.checkout_at()), (derive::guest_trace_id(&tracing, &user_id, minute), at));
        let verified = decoded.verify(minute, at).unwrap();
        prop_assert_eq!(verified.as_bytes(), checkout.as_bytes());
    }

    #[test]
    fn additional_data_content_round_trip(content in valid_additional_content()) {
        let bytes = content.to_bytes().unwrap();
        prop_assert!(AdditionalDataContent::from_slice(&bytes).is_ok_and(|x| x == content));
    }

    #[test]
    fn tan_round_trip(seed: u64, spaces in proptest::collection::vec(0usize..12, 0..4)) {
        let tan = Tan::generate(&mut rng(seed));
        let shown = tan.to_string();
        prop_assert!(Tan::parse(&shown).is_ok_and(|t| t == tan));
        prop_assert!(Tan::parse(tan.as_str()).is_ok_and(|t| t == tan));
        prop_assert!(Tan::parse(&shown.to_ascii_lowercase()).is_ok_and(|t| t == tan));
        let mut typed: String = tan.as_str().to_owned();
        for at in spaces {
            typed.insert(at.min(typed.len()), ' ');
        }
        let padded = format!("  {typed}\n");
        prop_assert!(Tan::parse(&padded).is_ok_and(|t| t == tan));
    }

    #[test]
    fn badge_serial_round_trip(seed: u64) {
        let serial = BadgeSerial::generate(&mut rng(seed));
        let printed = serial.to_printed();
        let parsed = BadgeSerial::parse(&printed).unwrap();
        prop_assert!(parsed == serial);
        prop_assert!(BadgeSerial::parse(&printed.to_ascii_lowercase()).unwrap() == serial);
        prop_assert_eq!(*parsed.expose_secret(), *serial.expose_secret());
    }
}

// ------------------------------------------------------------------ single-bit changes

/// The full check a receiver applies to a message (decode, verify, open): `true` if it accepts the bytes.
type Acceptor = Box<dyn Fn(&[u8]) -> bool + Send + Sync>;

/// A sealed or signed message and its receiver's check.
struct Sample {
    name: &'static str,
    bytes: Vec<u8>,
    accepts: Acceptor,
}

fn samples() -> &'static [Sample] {
    static SAMPLES: OnceLock<Vec<Sample>> = OnceLock::new();
    SAMPLES.get_or_init(|| {
        let w = world();
        let mut rng = rng(99);
        let minute = NOW.minute();
        let (guest_inner, guest_trace, _, _) = guest_checkin(&mut rng, minute);
        let InnerRecord::Guest(qr) = &guest_inner else { unreachable!() };
        let (_, att) = badge(&mut rng);
        let badge_qr = BadgeQr::new(&att).unwrap();
        let guest_key = GuestSigningKey::generate(&mut rng);
        let user_id = UserId::random(&mut rng);
        let data_secret = DataSecret::random(&mut rng);
        let mut fields = ContactFields::default();
        fields.first_name = "Erika".into();
        fields.last_name = "Mustermann".into();
        fields.phone = "+49 30 1234567".into();
        let contact = ContactData::seal(&mut rng, &guest_key, user_id, &data_secret, &fields, NOW).unwrap();
        let record = CheckInRecord::seal(
            &mut rng,
            w.venue.venue_id(),
            &w.venue_key.public_key(),
            &guest_inner,
            guest_trace,
            minute,
        )
        .unwrap();
        let content = AdditionalDataContent { table: Some(4), guest_name: Some("Erika M".into()) };
        let additional =
            AdditionalData::seal(&mut rng, w.venue.venue_id(), &w.venue_key.public_key(), guest_trace, &content)
                .unwrap();
        let tracing = DailyTracingSecret::random(&mut rng);
        let history = HistoryShare::seal(
            &mut rng,
            w.daily_id,
            &w.daily.public_key(),
            &user_id,
            &data_secret,
            &[(NOW.day(), &tracing)],
            NOW,
        )
        .unwrap();
        let share = KeyShare::seal_daily(&mut rng, w.daily_id, w.office.id(), &w.peer, &w.daily).unwrap();
        let mut builder = ConsentResponseBuilder::new(&w.request, &w.office).unwrap();
        builder.add(&mut rng, guest_trace, minute, &guest_inner, Some(&content)).unwrap();
        let (badge_inner, badge_trace) = badge_checkin(&mut rng, minute);
        builder.add(&mut rng, badge_trace, minute, &badge_inner, None).unwrap();
        let consent = builder.finish();
        let list =
            NotificationList::build(&mut rng, &w.office_keys.signing, w.office.id(), &[(guest_trace, 1)], NOW).unwrap();
        let samples = vec![
            Sample {
                name: "guest_qr",
                bytes: qr.to_bytes().to_vec(),
                accepts: Box::new(|b| GuestCheckInQr::from_bytes(b).is_ok_and(|q| q.open(&world().daily).is_ok())),
            },
            Sample {
                name: "guest_qr_text",
                bytes: qr.to_base32().into_bytes(),
                accepts: Box::new(|b| {
                    std::str::from_utf8(b)
                        .is_ok_and(|t| GuestCheckInQr::from_base32(t).is_ok_and(|q| q.open(&world().daily).is_ok()))
                }),
            },
            Sample {
                name: "badge_qr",
                bytes: badge_qr.to_bytes(),
                accepts: Box::new(|b| {
                    BadgeQr::from_bytes(b).is_ok_and(|q| {
                        q.into_attestation()
                            .verify(&world().registrar, NOW)
                            .is_ok_and(|a| a.open(&world().badge_key).is_ok())
                    })
                }),
            },
            Sample {
                name: "badge_attestation",
                bytes: att.to_bytes(),
                accepts: Box::new(|b| {
                    BadgeAttestationIn::from_slice(b).is_ok_and(|a| {
                        a.verify(&world().registrar, NOW).is_ok_and(|a| a.open(&world().badge_key).is_ok())
                    })
                }),
            },
            Sample {
                name: "health_office_certificate",
                bytes: w.office.to_bytes(),
                accepts: Box::new(|b| {
                    HealthOfficeCertificateIn::from_slice(b)
                        .is_ok_and(|c| c.verify(&world().anchor.public_key(), NOW).is_ok())
                }),
            },
            Sample {
                name: "registrar_certificate",
                bytes: w.registrar.to_bytes(),
                accepts: Box::new(|b| {
                    RegistrarCertificateIn::from_slice(b)
                        .is_ok_and(|c| c.verify(&world().anchor.public_key(), NOW).is_ok())
                }),
            },
            Sample {
                name: "daily_key_announcement",
                bytes: w.announcement.to_bytes(),
                accepts: Box::new(|b| {
                    DailyKeyAnnouncementIn::from_slice(b).is_ok_and(|a| a.verify(&world().office, NOW).is_ok())
                }),
            },
            Sample {
                name: "venue_descriptor",
                bytes: w.venue.to_bytes(),
                accepts: Box::new(|b| {
                    VenueDescriptorIn::from_slice(b).is_ok_and(|d| d.verify(&world().registrar, NOW).is_ok())
                }),
            },
            Sample {
                name: "contact_data",
                bytes: contact.to_bytes(),
                // `open` checks the signature (under the embedded key), then decrypts.
                accepts: Box::new(move |b| {
                    ContactDataIn::from_slice(b).is_ok_and(|c| c.open(&user_id, &data_secret).is_ok())
                }),
            },
            Sample {
                name: "tracing_request",
                bytes: w.request.to_bytes(),
                accepts: Box::new(|b| {
                    TracingRequestIn::from_slice(b)
                        .is_ok_and(|r| r.verify(&world().office, world().venue.venue_id(), NOW).is_ok())
                }),
            },
            Sample {
                name: "notification_list",
                bytes: list.to_bytes(),
                accepts: Box::new(|b| {
                    NotificationListIn::from_slice(b).is_ok_and(|l| l.verify(&world().office, NOW).is_ok())
                }),
            },
            Sample {
                name: "checkin_record",
                bytes: record.to_bytes(),
                accepts: Box::new(|b| CheckInRecordIn::from_slice(b).is_ok_and(|r| r.open(&world().venue_key).is_ok())),
            },
            Sample {
                name: "additional_data",
                bytes: additional.to_bytes(),
                accepts: Box::new(|b| {
                    AdditionalDataIn::from_slice(b).is_ok_and(|a| a.open(&world().venue_key).is_ok())
                }),
            },
            Sample {
                name: "history_share",
                bytes: history.to_bytes(),
                accepts: Box::new(|b| HistoryShareIn::from_slice(b).is_ok_and(|h| h.open(&world().daily).is_ok())),
            },
            Sample {
                name: "key_share",
                bytes: share.to_bytes(),
                accepts: Box::new(|b| {
                    let w = world();
                    KeyShareIn::from_slice(b).is_ok_and(|s| {
                        s.open_daily(&w.peer_keys.encryption, w.peer.id(), &w.daily.public_key()).is_ok()
                    })
                }),
            },
            Sample {
                name: "consent_response",
                bytes: consent.to_bytes(),
                accepts: Box::new(|b| {
                    let w = world();
                    ConsentResponseIn::from_slice(b)
                        .is_ok_and(|c| c.open(&w.request, &w.office_keys.encryption).is_ok())
                }),
            },
        ];
        for s in &samples {
            assert!((s.accepts)(&s.bytes), "{}: the untouched message must be accepted", s.name);
        }
        samples
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(192))]

    #[test]
    fn any_single_bit_change_of_a_sealed_or_signed_message_is_rejected(which: usize, bit: usize) {
        let samples = samples();
        let s = &samples[which % samples.len()];
        let bit = bit % (s.bytes.len() * 8);
        let mut tampered = s.bytes.clone();
        tampered[bit / 8] ^= 1 << (bit % 8);
        prop_assert!(!(s.accepts)(&tampered), "{}: bit {} flipped, still accepted", s.name, bit);
    }
}

// ------------------------------------------------------------------ hostile bytes

/// A decoder under a size cap: name, cap (bytes, or characters for text), the error kind of every input over the
/// cap (`None`: no single kind), and the decoder (its error kind on rejection).
type Decoder = fn(&[u8]) -> Result<(), &'static str>;

fn kind<T>(r: Result<T, DecodeError>) -> Result<(), &'static str> {
    r.map(|_| ()).map_err(|e| e.kind())
}

fn as_text(b: &[u8]) -> &str {
    std::str::from_utf8(b).unwrap_or("\u{fffd}")
}

const CAPPED: &[(&str, usize, Option<&str>, Decoder)] = &[
    ("guest_qr_bytes", GuestCheckInQr::LENGTH, Some("wrong_length"), |b| kind(GuestCheckInQr::from_bytes(b))),
    ("guest_qr_base32", GuestCheckInQr::TEXT_LENGTH, None, |b| kind(GuestCheckInQr::from_base32(as_text(b)))),
    ("badge_qr_bytes", BadgeQr::MAX_LEN, Some("too_long"), |b| kind(BadgeQr::from_bytes(b))),
    ("badge_qr_base32", BadgeQr::MAX_TEXT_LEN, Some("too_long"), |b| kind(BadgeQr::from_base32(as_text(b)))),
    ("scanned_qr_text", BadgeQr::MAX_TEXT_LEN, Some("too_long"), |b| kind(ScannedQr::from_text(as_text(b)))),
    ("venue_qr_url", VenueQr::MAX_URL_LEN, Some("too_long"), |b| kind(VenueQr::from_url(as_text(b)))),
    ("health_office_certificate", HealthOfficeCertificate::MAX_LEN, Some("too_long"), |b| {
        kind(HealthOfficeCertificateIn::from_slice(b))
    }),
    ("registrar_certificate", RegistrarCertificate::MAX_LEN, Some("too_long"), |b| {
        kind(RegistrarCertificateIn::from_slice(b))
    }),
    ("daily_key_announcement", DailyKeyAnnouncement::MAX_LEN, Some("too_long"), |b| {
        kind(DailyKeyAnnouncementIn::from_slice(b))
    }),
    ("venue_descriptor", VenueDescriptor::MAX_LEN, Some("too_long"), |b| kind(VenueDescriptorIn::from_slice(b))),
    ("badge_attestation", BadgeAttestation::MAX_LEN, Some("too_long"), |b| kind(BadgeAttestationIn::from_slice(b))),
    ("additional_data", AdditionalDataIn::MAX_LEN, Some("too_long"), |b| kind(AdditionalDataIn::from_slice(b))),
    ("additional_data_content", AdditionalDataContent::MAX_LEN, Some("too_long"), |b| {
        kind(AdditionalDataContent::from_slice(b))
    }),
    ("checkin_record", CheckInRecord::MAX_LEN, Some("too_long"), |b| kind(CheckInRecordIn::from_slice(b))),
    ("inner_record", InnerRecord::MAX_LEN, Some("too_long"), |b| kind(InnerRecord::from_slice(b))),
    ("checkout", CheckoutIn::MAX_LEN, Some("too_long"), |b| kind(CheckoutIn::from_slice(b))),
    ("consent_response", luca_protocol::messages::consent_response::ConsentResponse::MAX_LEN, Some("too_long"), |b| {
        kind(ConsentResponseIn::from_slice(b))
    }),
    ("contact_data", ContactDataIn::MAX_LEN, Some("too_long"), |b| kind(ContactDataIn::from_slice(b))),
    ("history_share", HistoryShareIn::MAX_LEN, Some("too_long"), |b| kind(HistoryShareIn::from_slice(b))),
    ("key_share", KeyShare::MAX_LEN, Some("too_long"), |b| kind(KeyShareIn::from_slice(b))),
    ("notification_list", NotificationList::MAX_LEN, Some("too_long"), |b| kind(NotificationListIn::from_slice(b))),
    ("tracing_request", TracingRequest::MAX_LEN, Some("too_long"), |b| kind(TracingRequestIn::from_slice(b))),
    ("tan", Tan::MAX_INPUT_LEN, Some("wrong_length"), |b| Tan::parse(as_text(b)).map(|_| ()).map_err(|e| e.kind())),
    ("badge_serial", 64, Some("wrong_length"), |b| BadgeSerial::parse(as_text(b)).map(|_| ()).map_err(|e| e.kind())),
];

/// An input of `len` bytes: `prefix`, then `prefix` repeated (or `fill` if `prefix` is empty), ASCII-only when
/// `ascii` (so that text decoders see text of that length).
fn input(prefix: &[u8], fill: u8, len: usize, ascii: bool) -> Vec<u8> {
    let mut out = vec![fill; len];
    if !prefix.is_empty() {
        for (i, b) in out.iter_mut().enumerate() {
            *b = prefix[i % prefix.len()];
        }
    }
    if ascii {
        for b in &mut out {
            *b &= 0x7f;
        }
    }
    out
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(384))]

    /// Every fuzz target (`tests/support/fuzz_targets.rs`: every decoder, and the round trips with their assertions) on
    /// arbitrary bytes: `Ok` or `Err`, never a panic.
    #[test]
    fn decoders_never_panic_on_arbitrary_bytes(which: usize, bytes in proptest::collection::vec(any::<u8>(), 0..2_048)) {
        let (name, target) = targets::TARGETS[which % targets::TARGETS.len()];
        let r = std::panic::catch_unwind(|| target(&bytes));
        prop_assert!(r.is_ok(), "{} panicked", name);
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(192))]

    /// Inputs of any length up to twice the cap (arbitrary prefix, repeated): never a panic; over the cap, the
    /// cap's error, whatever the content.
    #[test]
    fn decoders_never_panic_up_to_twice_the_cap(
        which: usize,
        len_seed: u64,
        prefix in proptest::collection::vec(any::<u8>(), 0..96),
        fill: u8,
        ascii: bool,
    ) {
        let (name, cap, over_cap, decode) = CAPPED[which % CAPPED.len()];
        let len = (len_seed % (2 * cap as u64 + 1)) as usize;
        let bytes = input(&prefix, fill, len, ascii);
        let r = std::panic::catch_unwind(|| decode(&bytes));
        prop_assert!(r.is_ok(), "{}: panicked on {} bytes", name, len);
        let r = r.unwrap();
        if len > cap && (ascii || !matches!(name, "guest_qr_base32" | "badge_qr_base32" | "scanned_qr_text" | "venue_qr_url" | "tan" | "badge_serial")) {
            if let Some(expected) = over_cap {
                prop_assert_eq!(r, Err(expected), "{}: {} bytes over a cap of {}", name, len, cap);
            } else {
                prop_assert!(r.is_err(), "{}: accepted {} bytes", name, len);
            }
        }
    }
}

// ------------------------------------------------------------------ canonical text forms

const BASE32: &[u8; 32] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
const BASE64URL: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/// Characters outside both alphabets (and not `#`, which the venue URL grammar reserves).
const OUTSIDE: &[u8] = b"0189=+/ .~a";

/// Non-canonical variants of the valid Base32 text of `n` bytes: one letter lowercased, padding appended, a non-zero
/// unused trailing bit (if the last symbol has unused bits), one character replaced by one outside the alphabet.
fn base32_variants(text: &str, n: usize, pick: usize, pad: usize) -> Vec<(&'static str, String)> {
    let mut out = Vec::new();
    let letters: Vec<usize> =
        text.bytes().enumerate().filter(|(_, c)| c.is_ascii_uppercase()).map(|(i, _)| i).collect();
    if !letters.is_empty() {
        let i = letters[pick % letters.len()];
        let mut t = text.as_bytes().to_vec();
        t[i] = t[i].to_ascii_lowercase();
        out.push(("lowercase", String::from_utf8(t).unwrap()));
    }
    out.push(("padding", format!("{text}{}", "=".repeat(1 + pad % 6))));
    let unused = text.len() * 5 - n * 8;
    if unused > 0 {
        let (head, last) = text.split_at(text.len() - 1);
        let v = BASE32.iter().position(|c| *c == last.as_bytes()[0]).unwrap();
        out.push(("trailing bits", format!("{head}{}", char::from(BASE32[v | (1 << (pick % unused))]))));
    }
    let mut t = text.as_bytes().to_vec();
    t[pick % text.len()] = OUTSIDE[pad % OUTSIDE.len()];
    out.push(("alphabet", String::from_utf8(t).unwrap()));
    out
}

/// Non-canonical variants of a venue QR URL whose fragment is the base64url text of `n` bytes: padding appended, a
/// non-zero unused trailing bit, one fragment character replaced by one outside the base64url alphabet.
fn base64url_variants(url: &str, n: usize, pick: usize, pad: usize) -> Vec<(&'static str, String)> {
    let (base, fragment) = url.split_once('#').unwrap();
    let mut out = vec![("padding", format!("{url}{}", "=".repeat(1 + pad % 2)))];
    let unused = fragment.len() * 6 - n * 8;
    if unused > 0 {
        let (head, last) = fragment.split_at(fragment.len() - 1);
        let v = BASE64URL.iter().position(|c| *c == last.as_bytes()[0]).unwrap();
        out.push(("trailing bits", format!("{base}#{head}{}", char::from(BASE64URL[v | (1 << (pick % unused))]))));
    }
    let mut t = fragment.as_bytes().to_vec();
    t[pick % fragment.len()] = b"=+/ .~%"[pad % 7];
    out.push(("alphabet", format!("{base}#{}", String::from_utf8(t).unwrap())));
    out
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(24))]

    #[test]
    fn text_forms_reject_non_canonical_encodings(seed: u64, pick: usize, pad: usize, table in 1u16..=20) {
        let w = world();
        let mut rng = rng(seed);
        let (inner, _, _, _) = guest_checkin(&mut rng, NOW.minute());
        let InnerRecord::Guest(qr) = inner else { unreachable!() };
        let text = qr.to_base32();
        for (what, t) in base32_variants(&text, GuestCheckInQr::LENGTH, pick, pad) {
            prop_assert_eq!(GuestCheckInQr::from_base32(&t).unwrap_err(), DecodeError::InvalidBase32, "guest QR, {}: {}", what, t);
            prop_assert_eq!(ScannedQr::from_text(&t).unwrap_err(), DecodeError::InvalidBase32, "scanned guest QR, {}", what);
        }
        let badge_qr = BadgeQr::new(&badge(&mut rng).1).unwrap();
        let text = badge_qr.to_base32();
        for (what, t) in base32_variants(&text, badge_qr.as_bytes().len(), pick, pad) {
            prop_assert_eq!(BadgeQr::from_base32(&t).unwrap_err(), DecodeError::InvalidBase32, "badge QR, {}: {}", what, t);
            prop_assert_eq!(ScannedQr::from_text(&t).unwrap_err(), DecodeError::InvalidBase32, "scanned badge QR, {}", what);
        }
        let venue = VenueQr::new("luca.example", &w.venue, Some(table)).unwrap();
        let url = venue.to_url();
        prop_assert!(VenueQr::from_url(&url).is_ok_and(|x| x == venue));
        for (what, u) in base64url_variants(&url, venue.payload().len(), pick, pad) {
            prop_assert_eq!(VenueQr::from_url(&u).unwrap_err(), DecodeError::InvalidBase64, "venue QR, {}: {}", what, u);
        }
    }
}
