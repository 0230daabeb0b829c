//! History sharing by TAN, trace ids, matching, tracing requests, consent
//! responses (guests and badges), contact decryption, notification lists.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::arithmetic_side_effects,
    missing_docs
)]

mod common;

use std::cell::Cell;
use std::collections::HashMap;

use common::*;
use luca_authority::Registrar;
use luca_healthoffice::{
    HistoryMatch, MAX_BADGE_DAYS, TracingError, match_check_ins, match_trace_ids, trace_ids_of_badge,
    trace_ids_of_history,
};
use luca_protocol::badge_serial::BadgeSerial;
use luca_protocol::derive;
use luca_protocol::error::{DecodeError, OpenError};
use luca_protocol::ids::{BadgeKeyId, DailyKeyId, TraceId};
use luca_protocol::keys::{DailyPrivateKey, GuestSigningKey};
use luca_protocol::messages::additional_data::AdditionalDataContent;
use luca_protocol::messages::checkin_record::{CheckInRecord, CheckInSource, InnerRecord};
use luca_protocol::messages::contact_data::ContactData;
use luca_protocol::messages::notification_list::NotificationListIn;
use luca_protocol::messages::tracing_request::{TracingRequestIn, TracingWindow};
use luca_protocol::qr::guest::{DeviceType, GuestCheckInQr, QrFlags};
use luca_protocol::signed::badge_attestation::BadgeAttestationIn;
use luca_protocol::tan::{Tan, TanError};
use luca_protocol::time::{UnixMinute, UtcDay};

#[test]
fn fetch_history_by_tan() {
    let mut w = world(20, 1);
    let daily = w.offices[0].rotate_daily_key(&mut w.rng, NOW, &[]).unwrap().announcement;
    let guest = TestGuest::new(&mut w.rng, "Erika");
    let share = guest.history(&mut w.rng, &daily);
    let tan = Tan::generate(&mut w.rng);
    let mut server = HashMap::new();
    server.insert(tan.as_str().to_owned(), share.clone());
    let lookup = |t: &Tan| server.get(t.as_str()).cloned();

    // As read out over the phone: lowercase, spaces.
    let typed = tan.to_string().to_lowercase().replace('-', " ");
    let history = w.offices[0].fetch_history(&typed, lookup).unwrap();
    assert_eq!(history.user_id, guest.user_id);
    assert_eq!(history.data_secret, guest.data_secret);
    assert_eq!(history.days.len(), 1);
    assert_eq!(history.days[0].0, NOW.day());
    assert_eq!(history.days[0].1, guest.tracing);

    // A typo is caught by the check character, before the server is asked.
    let mut typo = tan.as_str().to_owned();
    let last = typo.pop().unwrap();
    typo.push(if last == 'A' { 'C' } else { 'A' });
    let asked = Cell::new(false);
    let e = w.offices[0]
        .fetch_history(&typo, |_| {
            asked.set(true);
            None
        })
        .unwrap_err();
    assert_eq!(e, TracingError::Tan(TanError::BadCheckCharacter));
    assert_eq!(e.kind(), "bad_check_character");
    assert!(!asked.get());

    let other = Tan::generate(&mut w.rng);
    let e = w.offices[0].fetch_history(&other.to_string(), lookup).unwrap_err();
    assert_eq!(e, TracingError::HistoryNotFound);
    assert_eq!(e.kind(), "history_not_found");
}

#[test]
fn open_history_share_rejections() {
    let mut w = world(21, 1);
    let daily = w.offices[0].rotate_daily_key(&mut w.rng, NOW, &[]).unwrap().announcement;
    let guest = TestGuest::new(&mut w.rng, "Erika");
    let share = guest.history(&mut w.rng, &daily);

    let e = w.offices[0].open_history_share(&share[..share.len() - 1]).unwrap_err();
    assert!(matches!(e, TracingError::Decode(_)), "{e:?}");

    // Sealed to a key id the office does not hold.
    let mut other = world(22, 1);
    let foreign = other.offices[0].rotate_daily_key(&mut other.rng, NOW.plus_secs(DAY), &[]).unwrap().announcement;
    let e = w.offices[0].open_history_share(&guest.history(&mut w.rng, &foreign)).unwrap_err();
    assert_eq!(e, TracingError::UnknownDailyKey);

    // Sealed to another key under today's id.
    let foreign_today = other.offices[0].rotate_daily_key(&mut other.rng, NOW, &[]).unwrap().announcement;
    let e = w.offices[0].open_history_share(&guest.history(&mut w.rng, &foreign_today)).unwrap_err();
    assert_eq!(e, TracingError::Open(OpenError::DecryptionFailed));
    assert_eq!(e.kind(), "decryption_failed");
}

#[test]
fn trace_ids_of_a_history() {
    let mut w = world(23, 1);
    let daily = w.offices[0].rotate_daily_key(&mut w.rng, NOW, &[]).unwrap().announcement;
    let guest = TestGuest::new(&mut w.rng, "Erika");
    let history = w.offices[0].open_history_share(&guest.history(&mut w.rng, &daily)).unwrap();
    let ids = trace_ids_of_history(&history);
    assert_eq!(ids.len(), 1440);
    let first = NOW.day().first_minute();
    assert_eq!(ids[0], (guest.trace_id(first), first));
    assert_eq!(ids[540], (guest.trace_id(NOW.minute()), NOW.minute()));
    assert_eq!(ids[1439].1, UnixMinute(first.0 + 1439));
}

#[test]
fn match_check_ins_finds_exactly_the_guests_records() {
    let mut w = world(24, 1);
    let daily = w.offices[0].rotate_daily_key(&mut w.rng, NOW, &[]).unwrap().announcement;
    let infected = TestGuest::new(&mut w.rng, "Erika");
    let other = TestGuest::new(&mut w.rng, "Max");
    let (v1, v2) = (TestVenue::new(&mut w.rng), TestVenue::new(&mut w.rng));
    let mut records = Vec::new();
    let mut check_in = |rng: &mut _, g: &TestGuest, v: &TestVenue, m: UnixMinute| {
        let inner = InnerRecord::Guest(g.qr(rng, &daily, m));
        let r = v.record(rng, &inner, g.trace_id(m), m);
        records.push(r.clone());
        r
    };
    let r1 = check_in(&mut w.rng, &infected, &v1, minute(0));
    check_in(&mut w.rng, &other, &v1, minute(0));
    check_in(&mut w.rng, &infected, &v2, minute(120));
    check_in(&mut w.rng, &other, &v2, minute(121));
    // The same record twice (a server duplicate), garbage, and a copy of the
    // infected guest's trace id at another minute (an outer envelope the server made up).
    records.push(r1);
    records.push(vec![0x83, 0x01]);
    let inner = InnerRecord::Guest(infected.qr(&mut w.rng, &daily, minute(0)));
    let forged = CheckInRecord::seal_unchecked(
        &mut w.rng,
        v2.id,
        &v2.key.public_key(),
        &inner.to_bytes(),
        CheckInSource::Guest,
        infected.trace_id(minute(0)),
        minute(5),
    )
    .unwrap();
    records.push(forged.to_bytes());

    let history = w.offices[0].open_history_share(&infected.history(&mut w.rng, &daily)).unwrap();
    let matches = match_check_ins(&history, &records);
    assert_eq!(
        matches,
        vec![
            HistoryMatch { minute: minute(0), venue_id: v1.id, trace_id: infected.trace_id(minute(0)) },
            HistoryMatch { minute: minute(120), venue_id: v2.id, trace_id: infected.trace_id(minute(120)) },
        ]
    );
    // The same with byte slices and the low-level function.
    let slices: Vec<&[u8]> = records.iter().map(Vec::as_slice).collect();
    assert_eq!(match_trace_ids(&trace_ids_of_history(&history), slices), matches);
    assert_eq!(match_trace_ids(&[], &records), vec![]);
}

#[test]
fn history_match_window() {
    let m = HistoryMatch {
        minute: NOW.minute(),
        venue_id: luca_protocol::ids::VenueId::from_array([0; 16]),
        trace_id: TraceId::from_array([0; 16]),
    };
    assert_eq!(m.window(600, 3600), TracingWindow { from: NOW.minus_secs(600), to: NOW.plus_secs(3600) });
}

struct Scene {
    w: World,
    venue: TestVenue,
    guests: Vec<TestGuest>,
    records: Vec<Vec<u8>>,
    contact_data: HashMap<luca_protocol::ids::UserId, Vec<u8>>,
}

/// Office 0 with today's daily key; three guests at one venue, minutes 0, 10 and 20.
fn scene(seed: u64) -> Scene {
    let mut w = world(seed, 2);
    let daily = w.offices[0].rotate_daily_key(&mut w.rng, NOW, &[]).unwrap().announcement;
    let venue = TestVenue::new(&mut w.rng);
    let mut guests = Vec::new();
    let mut records = Vec::new();
    let mut contact_data = HashMap::new();
    for (i, name) in ["Erika", "Max", "Anna"].into_iter().enumerate() {
        let g = TestGuest::new(&mut w.rng, name);
        let m = minute(10 * u32::try_from(i).unwrap());
        let inner = InnerRecord::Guest(g.qr(&mut w.rng, &daily, m));
        records.push(venue.record(&mut w.rng, &inner, g.trace_id(m), m));
        contact_data.insert(g.user_id, g.contact_data(&mut w.rng));
        guests.push(g);
    }
    Scene { w, venue, guests, records, contact_data }
}

fn window() -> TracingWindow {
    TracingWindow { from: NOW.minus_secs(3600), to: NOW.plus_secs(3600) }
}

#[test]
fn consent_and_contacts() {
    let Scene { mut w, venue, guests, records, contact_data } = scene(25);
    let request = w.offices[0].request_tracing(&mut w.rng, venue.id, window(), NOW, 86_400).unwrap();
    assert_eq!(request.health_office_id(), w.offices[0].id());
    assert_eq!(request.venue_id(), venue.id);
    assert_eq!(request.window(), window());
    assert_eq!(request.expires_at(), NOW.plus_secs(86_400));
    // The venue verifies it against the office's certificate.
    TracingRequestIn::from_slice(request.as_bytes()).unwrap().verify(&w.certs[0], venue.id, NOW).unwrap();

    let table_of = |t: TraceId| {
        (t == guests[1].trace_id(minute(10))).then(|| AdditionalDataContent { table: Some(12), guest_name: None })
    };
    let response = venue.consent(&mut w.rng, &request, &w.certs[0], &records, table_of);
    let consent = w.offices[0].open_consent_response(&response, &request).unwrap();
    assert_eq!(consent.venue_id, venue.id);
    assert_eq!(consent.request_id, request.request_id());
    assert!(consent.unreadable.is_empty());
    assert_eq!(consent.check_ins.len(), 3);
    for (c, (i, g)) in consent.check_ins.iter().zip(guests.iter().enumerate()) {
        let m = minute(10 * u32::try_from(i).unwrap());
        assert_eq!((c.venue_id, c.trace_id, c.minute, c.source), (venue.id, g.trace_id(m), m, CheckInSource::Guest));
        assert_eq!(c.secrets.user_id, g.user_id);
        assert_eq!(c.secrets.data_secret, g.data_secret);
    }
    assert_eq!(consent.check_ins[1].additional, Some(AdditionalDataContent { table: Some(12), guest_name: None }));
    assert_eq!(consent.check_ins[0].additional, None);
    let debug = format!("{:?}", consent.check_ins[0]);
    assert_eq!(
        debug,
        format!(
            "ConsentedCheckIn {{ venue_id: {:?}, trace_id: {:?}, minute: {:?}, source: Guest, .. }}",
            venue.id,
            guests[0].trace_id(minute(0)),
            minute(0)
        )
    );

    for (c, g) in consent.check_ins.iter().zip(&guests) {
        let contact = w.offices[0].decrypt_contact(&contact_data[&g.user_id], c).unwrap();
        assert_eq!(contact.user_id, g.user_id);
        assert_eq!(contact.trace_id, c.trace_id);
        assert_eq!(contact.minute, c.minute);
        assert_eq!(contact.venue_id, venue.id);
        assert_eq!(contact.fields, g.fields);
        assert_eq!(contact.table, if c.trace_id == guests[1].trace_id(minute(10)) { Some(12) } else { None });
        let debug = format!("{contact:?}");
        assert!(!debug.contains(&g.fields.first_name) && !debug.contains(&g.user_id.to_string()), "{debug}");
    }
}

#[test]
fn consent_response_rejections() {
    let Scene { mut w, venue, records, .. } = scene(26);
    let request = w.offices[0].request_tracing(&mut w.rng, venue.id, window(), NOW, 86_400).unwrap();
    let response = venue.consent(&mut w.rng, &request, &w.certs[0], &records, |_| None);

    // Replayed into another request of the same office.
    let other = w.offices[0].request_tracing(&mut w.rng, venue.id, window(), NOW, 86_400).unwrap();
    let e = w.offices[0].open_consent_response(&response, &other).unwrap_err();
    assert_eq!(e, TracingError::Open(OpenError::BindingMismatch { field: "request_hash" }));

    // Another office's request, or the response opened by another office.
    let theirs = w.offices[1].request_tracing(&mut w.rng, venue.id, window(), NOW, 86_400).unwrap();
    let e = w.offices[0].open_consent_response(&response, &theirs).unwrap_err();
    assert_eq!(e, TracingError::Open(OpenError::BindingMismatch { field: "health_office_id" }));
    let e = w.offices[1].open_consent_response(&response, &request).unwrap_err();
    assert_eq!(e, TracingError::Open(OpenError::BindingMismatch { field: "health_office_id" }));

    let e = w.offices[0].open_consent_response(&response[..10], &request).unwrap_err();
    assert!(matches!(e, TracingError::Decode(_)), "{e:?}");

    // A window longer than 7 days cannot be requested.
    let long = TracingWindow { from: NOW.minus_secs(8 * DAY), to: NOW };
    let e = w.offices[0].request_tracing(&mut w.rng, venue.id, long, NOW, 86_400).unwrap_err();
    assert_eq!(e.kind(), "invalid_field");
}

#[test]
fn unreadable_check_ins_do_not_hide_the_others() {
    let Scene { mut w, venue, guests, mut records, .. } = scene(27);
    // A guest QR sealed to a key the office does not hold under today's id (garbage to the office),
    // and one naming a daily key id the office does not hold at all.
    let stranger = TestGuest::new(&mut w.rng, "Mallory");
    let wrong_key = DailyPrivateKey::generate(&mut w.rng);
    let flags = QrFlags { device_type: DeviceType::Ios, entry_policy: 0 };
    let today = DailyKeyId::for_day(NOW.day());
    let mut seal = |rng: &mut _, id: DailyKeyId, m: UnixMinute| {
        let qr = GuestCheckInQr::seal(
            rng,
            id,
            &wrong_key.public_key(),
            flags,
            m,
            stranger.trace_id(m),
            &stranger.user_id,
            &stranger.data_secret,
        )
        .unwrap();
        records.push(venue.record(rng, &InnerRecord::Guest(qr), stranger.trace_id(m), m));
    };
    seal(&mut w.rng, today, minute(1));
    seal(&mut w.rng, DailyKeyId(today.0.wrapping_add(3)), minute(2));

    let request = w.offices[0].request_tracing(&mut w.rng, venue.id, window(), NOW, 86_400).unwrap();
    let response = venue.consent(&mut w.rng, &request, &w.certs[0], &records, |_| None);
    let consent = w.offices[0].open_consent_response(&response, &request).unwrap();
    let read: Vec<_> = consent.check_ins.iter().map(|c| c.secrets.user_id).collect();
    assert_eq!(read, guests.iter().map(|g| g.user_id).collect::<Vec<_>>());
    assert_eq!(consent.unreadable.len(), 2);
    let u = &consent.unreadable;
    assert_eq!(
        (u[0].trace_id, u[0].minute, u[0].source),
        (stranger.trace_id(minute(1)), minute(1), CheckInSource::Guest)
    );
    assert_eq!(u[0].error, TracingError::Open(OpenError::DecryptionFailed));
    assert_eq!((u[1].trace_id, u[1].minute), (stranger.trace_id(minute(2)), minute(2)));
    assert_eq!(u[1].error, TracingError::UnknownDailyKey);
    assert_eq!(u[1].error.kind(), "unknown_daily_key");
}

#[test]
fn decrypt_contact_rejections() {
    let Scene { mut w, venue, guests, records, contact_data } = scene(28);
    let request = w.offices[0].request_tracing(&mut w.rng, venue.id, window(), NOW, 86_400).unwrap();
    let response = venue.consent(&mut w.rng, &request, &w.certs[0], &records, |_| None);
    let consent = w.offices[0].open_consent_response(&response, &request).unwrap();
    let erika = &consent.check_ins[0];
    let office = &w.offices[0];

    // Contact data of another user.
    let e = office.decrypt_contact(&contact_data[&guests[1].user_id], erika).unwrap_err();
    assert_eq!(e, TracingError::Open(OpenError::BindingMismatch { field: "user_id" }));

    // Tampered signature.
    let mut bytes = contact_data[&guests[0].user_id].clone();
    let last = bytes.len() - 1;
    bytes[last] ^= 1;
    let e = office.decrypt_contact(&bytes, erika).unwrap_err();
    assert_eq!(e, TracingError::Open(OpenError::BindingMismatch { field: "signature" }));

    // Erika's user id, signed by someone else's key and encrypted under another data secret.
    let g = &guests[0];
    let forged_secret = luca_protocol::secrets::DataSecret::random(&mut w.rng);
    let eve = GuestSigningKey::generate(&mut w.rng);
    let forged = ContactData::seal(&mut w.rng, &eve, g.user_id, &forged_secret, &fields("Eve"), NOW).unwrap();
    let e = office.decrypt_contact(forged.as_bytes(), erika).unwrap_err();
    assert_eq!(e, TracingError::Open(OpenError::DecryptionFailed));

    let e = office.decrypt_contact(&[0xa0], erika).unwrap_err();
    assert!(matches!(e, TracingError::Decode(_)), "{e:?}");
}

#[test]
fn badge_issue_check_in_trace_and_consent() {
    let mut w = world(29, 1);
    let certs = w.certs.clone();
    let badge_key = w.offices[0].rotate_badge_key(&mut w.rng, BadgeKeyId(3), NOW, &certs).unwrap().announcement;
    w.offices[0].rotate_daily_key(&mut w.rng, NOW, &[]).unwrap();
    let mut registrar = Registrar::generate(&mut w.rng);
    let rcert = w.anchor.certify_registrar(&registrar.registration_request("Registrar").unwrap(), year()).unwrap();
    registrar.install_certificate(rcert.as_bytes(), &w.anchor.public_key(), NOW).unwrap();
    let badge = registrar.issue_badge(&mut w.rng, &badge_key, NOW).unwrap();

    // The scanner: verify the attestation, compute this minute's trace id from the trace key.
    let att = BadgeAttestationIn::from_slice(badge.qr.attestation().as_bytes()).unwrap();
    let verified = BadgeAttestationIn::from_slice(att.as_bytes()).unwrap().verify(&rcert, NOW).unwrap();
    assert_eq!(verified.badge_key_id(), BadgeKeyId(3));
    let m = minute(30);
    let trace_id = derive::trace_id(&derive::badge_checkout_proof(&att.trace_key(), m));
    let venue = TestVenue::new(&mut w.rng);
    let records = vec![venue.record(&mut w.rng, &InnerRecord::Badge(att), trace_id, m)];

    // The badge owner tests positive and reads the serial out: the office computes the trace ids.
    let serial = BadgeSerial::parse(&badge.serial.to_printed()).unwrap();
    let ids = trace_ids_of_badge(&serial, NOW.day()..=NOW.day()).unwrap();
    assert_eq!(ids.len(), 1440);
    assert_eq!(ids[540 + 30], (trace_id, m));
    let matches = match_trace_ids(&ids, &records);
    assert_eq!(matches, vec![HistoryMatch { minute: m, venue_id: venue.id, trace_id }]);

    // Consent: the badge's inner record opens with the badge key.
    let request = w.offices[0].request_tracing(&mut w.rng, venue.id, matches[0].window(60, 60), NOW, 86_400).unwrap();
    let response = venue.consent(&mut w.rng, &request, &w.certs[0], &records, |_| None);
    let consent = w.offices[0].open_consent_response(&response, &request).unwrap();
    assert!(consent.unreadable.is_empty());
    assert_eq!(consent.check_ins.len(), 1);
    assert_eq!(consent.check_ins[0].source, CheckInSource::Badge);
    assert_eq!(consent.check_ins[0].secrets.user_id, badge.user_id);

    // An office without the badge key cannot read it.
    let mut other = world(30, 1);
    other.offices[0].rotate_daily_key(&mut other.rng, NOW, &[]).unwrap();
    let inner = InnerRecord::Badge(BadgeAttestationIn::from_slice(badge.qr.attestation().as_bytes()).unwrap());
    assert_eq!(other.offices[0].open_inner_record(&inner).unwrap_err(), TracingError::UnknownBadgeKey);
    assert_eq!(TracingError::UnknownBadgeKey.kind(), "unknown_badge_key");
}

#[test]
fn trace_ids_of_badge_day_range() {
    let serial = BadgeSerial::parse("0000-0000-0001").unwrap();
    let d = NOW.day();
    // Checked before the (slow) derivation.
    let e = trace_ids_of_badge(&serial, d..=UtcDay(d.0 - 1)).unwrap_err();
    assert_eq!(e, TracingError::InvalidDayRange);
    assert_eq!(e.kind(), "invalid_day_range");
    let e = trace_ids_of_badge(&serial, d..=d.plus_days(MAX_BADGE_DAYS)).unwrap_err();
    assert_eq!(e, TracingError::InvalidDayRange);
}

#[test]
fn notification_list() {
    let mut w = world(31, 1);
    let t = |n: u8| TraceId::from_array([n; 16]);
    let list = w.offices[0].notification_list(&mut w.rng, &[t(1), t(2)], &[(t(2), 3), (t(3), 1)], NOW).unwrap();
    assert_eq!(list.health_office_id(), w.offices[0].id());
    assert_eq!(list.issued_at(), NOW);
    assert_eq!(list.hashes().len(), 64);
    // A device verifies it and checks its own trace ids.
    let verified = NotificationListIn::from_slice(list.as_bytes()).unwrap().verify(&w.certs[0], NOW).unwrap();
    let found: Vec<_> = verified.check(&[t(1), t(2), t(3), t(4)]).into_iter().map(|m| (m.trace_id, m.level)).collect();
    assert_eq!(found, vec![(t(1), 0), (t(2), 3), (t(3), 1)]);

    for level in [0, 4] {
        let e = w.offices[0].notification_list(&mut w.rng, &[], &[(t(1), level)], NOW).unwrap_err();
        assert_eq!(e, TracingError::InvalidLevel);
        assert_eq!(e.kind(), "invalid_level");
    }
}

#[test]
fn decode_errors_keep_their_kind() {
    assert_eq!(TracingError::Decode(DecodeError::TrailingBytes).kind(), "trailing_bytes");
    assert_eq!(TracingError::Crypto(luca_protocol::CryptoError).kind(), "crypto");
}
