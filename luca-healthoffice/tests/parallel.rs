//! Parallel batches: trace ids, streaming matching, consent opening and contact decryption give the same
//! results (order included) as the sequential reference, whatever rayon pool they run in.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::arithmetic_side_effects,
    clippy::cast_possible_truncation,
    missing_docs
)]

mod common;

use std::collections::HashMap;

use common::*;
use luca_authority::Registrar;
use luca_healthoffice::{
    ConsentedCheckIn, HealthOffice, HistoryMatch, MATCH_CHUNK_RECORDS, OpenedConsent, TraceIdIndex, TracingError,
    match_check_ins, match_trace_ids, trace_ids_of_badge, trace_ids_of_history, trace_ids_of_history_sequential,
};
use luca_protocol::badge_serial::BadgeSerial;
use luca_protocol::derive;
use luca_protocol::error::{DecodeError, OpenError};
use luca_protocol::ids::{BadgeKeyId, DailyKeyId, TraceId, UserId};
use luca_protocol::keys::{DailyPrivateKey, HealthOfficeEncryptionKey};
use luca_protocol::messages::additional_data::AdditionalDataContent;
use luca_protocol::messages::checkin_record::{CheckInRecordIn, CheckInSource, InnerRecord};
use luca_protocol::messages::consent_response::{ConsentResponseBuilder, ConsentResponseIn};
use luca_protocol::messages::history_share::{HistoryShare, OpenedHistoryShare};
use luca_protocol::messages::tracing_request::{TracingRequest, TracingRequestIn, TracingWindow};
use luca_protocol::qr::guest::{DeviceType, GuestCheckInQr, QrFlags};
use luca_protocol::secrets::DailyTracingSecret;
use luca_protocol::signed::daily_key_announcement::DailyKeyAnnouncement;
use luca_protocol::time::{MINUTES_PER_DAY, UnixMinute};

/// Runs `f` in a rayon pool of `threads` threads.
fn in_pool<T: Send>(threads: usize, f: impl FnOnce() -> T + Send) -> T {
    rayon::ThreadPoolBuilder::new().num_threads(threads).build().unwrap().install(f)
}

const POOLS: [usize; 3] = [1, 2, 3];

#[test]
fn parallel_types_are_send_and_sync() {
    fn send_sync<T: Send + Sync>() {}
    send_sync::<HealthOffice>();
    send_sync::<TraceIdIndex>();
    send_sync::<ConsentedCheckIn>();
    send_sync::<OpenedConsent>();
    send_sync::<TracingError>();
}

/// Office 0 with today's daily key, and a guest's 15-day history (the 14 days before today, and today) opened by it.
fn fifteen_day_history(
    seed: u64,
) -> (World, DailyKeyAnnouncement, TestGuest, Vec<DailyTracingSecret>, OpenedHistoryShare) {
    let mut w = world(seed, 1);
    let daily = w.offices[0].rotate_daily_key(&mut w.rng, NOW, &[]).unwrap().announcement;
    let guest = TestGuest::new(&mut w.rng, "Erika");
    // 14 earlier days with their own secrets; today the guest's (its QR codes of today carry that day's trace ids).
    let secrets: Vec<DailyTracingSecret> = (0..14).map(|_| DailyTracingSecret::random(&mut w.rng)).collect();
    let days: Vec<_> = secrets
        .iter()
        .chain([&guest.tracing])
        .enumerate()
        .map(|(i, s)| (NOW.day().minus_days(14 - i as u32), s))
        .collect();
    let share = HistoryShare::seal(
        &mut w.rng,
        DailyKeyId(daily.key_id()),
        &daily.public_key(),
        &guest.user_id,
        &guest.data_secret,
        &days,
        NOW,
    )
    .unwrap();
    let history = w.offices[0].open_history_share(share.as_bytes()).unwrap();
    (w, daily, guest, secrets, history)
}

#[test]
fn trace_ids_of_history_parallel_equals_sequential() {
    let (_, _, guest, secrets, history) = fifteen_day_history(40);
    let sequential = trace_ids_of_history_sequential(&history);
    assert_eq!(sequential.len(), 15 * 1440);
    let first_day = NOW.day().minus_days(14);
    // Day by day, minute by minute.
    for (i, (trace_id, minute)) in sequential.iter().enumerate() {
        let day = first_day.plus_days((i / 1440) as u32);
        let expected = UnixMinute(day.first_minute().0 + (i % 1440) as u32);
        assert_eq!(*minute, expected);
        if i % 997 == 0 {
            let secret = secrets.get(i / 1440).unwrap_or(&guest.tracing);
            assert_eq!(*trace_id, derive::guest_trace_id(secret, &guest.user_id, expected));
        }
    }
    assert_eq!(sequential[15 * 1440 - 1].1, UnixMinute(NOW.day().first_minute().0 + MINUTES_PER_DAY - 1));
    for threads in POOLS {
        assert_eq!(in_pool(threads, || trace_ids_of_history(&history)), sequential, "{threads} threads");
    }
    // Outside any pool: rayon's global pool.
    assert_eq!(trace_ids_of_history(&history), sequential);
}

#[test]
fn trace_ids_of_badge_in_parallel_are_in_day_and_minute_order() {
    let mut w = world(41, 1);
    let badge_key = w.offices[0].rotate_badge_key(&mut w.rng, BadgeKeyId(4), NOW, &[]).unwrap().announcement;
    let mut registrar = Registrar::generate(&mut w.rng);
    let rcert = w.anchor.certify_registrar(&registrar.registration_request("Registrar").unwrap(), year()).unwrap();
    registrar.install_certificate(rcert.as_bytes(), &w.anchor.public_key(), NOW).unwrap();
    let badge = registrar.issue_badge(&mut w.rng, &badge_key, NOW).unwrap();
    let trace_key = badge.qr.attestation().trace_key();
    let serial = BadgeSerial::parse(&badge.serial.to_printed()).unwrap();
    let days = NOW.day().minus_days(2)..=NOW.day();
    let ids = in_pool(2, || trace_ids_of_badge(&serial, days.clone())).unwrap();
    let expected: Vec<(TraceId, UnixMinute)> = (0..3)
        .flat_map(|d| NOW.day().minus_days(2).plus_days(d).minutes())
        .map(|m| (derive::trace_id(&derive::badge_checkout_proof(&trace_key, m)), m))
        .collect();
    assert_eq!(ids.len(), 3 * 1440);
    assert_eq!(ids, expected);
}

/// The position of `trace_id`'s 16 bytes in an encoded record.
fn trace_id_offset(record: &[u8], trace_id: &TraceId) -> usize {
    record.windows(16).position(|w| w == trace_id.as_bytes()).unwrap()
}

#[test]
fn streaming_matching_equals_the_reference_in_any_pool_and_chunk_size() {
    let (mut w, daily, infected, _, history) = fifteen_day_history(42);
    let other = TestGuest::new(&mut w.rng, "Max");
    let venues = [TestVenue::new(&mut w.rng), TestVenue::new(&mut w.rng)];
    // Genuine records: the infected guest at minutes 0, 7 and 300 (venue 0, 1, 0); the other guest at minute 7.
    let mut genuine = Vec::new();
    let mut expected = Vec::new();
    for (m, v) in [(0, 0), (7, 1), (300, 0)] {
        let m = minute(m);
        let inner = InnerRecord::Guest(infected.qr(&mut w.rng, &daily, m));
        genuine.push(venues[v].record(&mut w.rng, &inner, infected.trace_id(m), m));
        expected.push(HistoryMatch { minute: m, venue_id: venues[v].id, trace_id: infected.trace_id(m) });
    }
    let inner = InnerRecord::Guest(other.qr(&mut w.rng, &daily, minute(7)));
    let template = venues[1].record(&mut w.rng, &inner, other.trace_id(minute(7)), minute(7));
    let offset = trace_id_offset(&template, &other.trace_id(minute(7)));
    // 10,000 records: copies of the other guest's record with made-up trace ids, the genuine ones at
    // positions 17, 5000 and 9999, a duplicate, garbage, and one of the infected guest's trace ids at a wrong minute.
    let mut records: Vec<Vec<u8>> = (0u32..10_000)
        .map(|i| {
            let mut r = template.clone();
            let mut id = [0u8; 16];
            id[..4].copy_from_slice(&i.to_be_bytes());
            id[4..8].copy_from_slice(b"fake");
            r[offset..offset + 16].copy_from_slice(&id);
            r
        })
        .collect();
    records[17] = genuine[0].clone();
    records[5_000] = genuine[1].clone();
    records[9_999] = genuine[2].clone();
    records[3] = genuine[1].clone();
    records[4] = vec![0x83, 0x01];
    let mut wrong_minute = template.clone();
    wrong_minute[offset..offset + 16].copy_from_slice(infected.trace_id(minute(8)).as_bytes());
    records[5] = wrong_minute;
    for r in records.iter().filter(|r| r.len() > 2) {
        CheckInRecordIn::from_slice(r).unwrap();
    }
    expected.sort();
    assert_eq!(expected.iter().map(|m| m.minute).collect::<Vec<_>>(), vec![minute(0), minute(7), minute(300)]);

    let index = TraceIdIndex::of_history(&history);
    assert_eq!(index.len(), 15 * 1440);
    assert!(!index.is_empty());
    assert!(index.contains(&infected.trace_id(minute(7)), minute(7)));
    assert!(!index.contains(&infected.trace_id(minute(7)), minute(8)));
    assert_eq!(format!("{index:?}"), "TraceIdIndex { len: 21600 }");
    assert_eq!(index.match_record(&genuine[1]), Some(expected[1]));
    assert_eq!(index.match_record(&template), None);
    assert_eq!(index.match_record(&[0x83, 0x01]), None);

    for threads in POOLS {
        let got = in_pool(threads, || {
            let by_ref = index.match_records(&records);
            // A lazy iterator that owns each record it yields (as a store scan would).
            let lazy = index.match_records((0..records.len()).map(|i| records[i].clone()));
            let chunks: Vec<_> = [0, 1, 3, 4_095, MATCH_CHUNK_RECORDS, 20_000]
                .map(|c| index.match_records_in_chunks(&records, c))
                .into();
            (by_ref, lazy, chunks)
        });
        assert_eq!(got.0, expected, "{threads} threads");
        assert_eq!(got.1, expected, "{threads} threads, lazy");
        for c in got.2 {
            assert_eq!(c, expected, "{threads} threads, chunks");
        }
    }
    // The free functions delegate to the index.
    assert_eq!(match_check_ins(&history, &records), expected);
    assert_eq!(match_trace_ids(&trace_ids_of_history(&history), records.iter().map(Vec::as_slice)), expected);
    assert_eq!(TraceIdIndex::new(&[]).match_records(&records), vec![]);
    assert!(TraceIdIndex::default().is_empty());
    assert_eq!(index.match_records(Vec::<Vec<u8>>::new()), vec![]);
}

/// A consent scene: office 0 with today's daily key, `n` guests checked in at one venue (minute i), two check-ins
/// the office cannot read (a wrong key under today's id, an unknown key id), and a table number every third guest.
struct ConsentScene {
    w: World,
    venue: TestVenue,
    guests: Vec<TestGuest>,
    request: TracingRequest,
    response: Vec<u8>,
    contact_data: HashMap<UserId, Vec<u8>>,
}

fn window() -> TracingWindow {
    TracingWindow { from: NOW.minus_secs(3600), to: NOW.plus_secs(3 * 3600) }
}

fn consent_scene(seed: u64, n: u32) -> ConsentScene {
    let mut w = world(seed, 1);
    let daily = w.offices[0].rotate_daily_key(&mut w.rng, NOW, &[]).unwrap().announcement;
    let venue = TestVenue::new(&mut w.rng);
    let mut records = Vec::new();
    let mut guests = Vec::new();
    let mut contact_data = HashMap::new();
    for i in 0..n {
        let g = TestGuest::new(&mut w.rng, &format!("Gast {i}"));
        let m = minute(i);
        let inner = InnerRecord::Guest(g.qr(&mut w.rng, &daily, m));
        records.push(venue.record(&mut w.rng, &inner, g.trace_id(m), m));
        contact_data.insert(g.user_id, g.contact_data(&mut w.rng));
        guests.push(g);
    }
    let stranger = TestGuest::new(&mut w.rng, "Mallory");
    let wrong_key = DailyPrivateKey::generate(&mut w.rng);
    let today = DailyKeyId::for_day(NOW.day());
    for (id, m) in [(today, minute(n / 2)), (DailyKeyId(today.0.wrapping_add(3)), minute(n + 1))] {
        let flags = QrFlags { device_type: DeviceType::Ios, entry_policy: 0 };
        let qr = GuestCheckInQr::seal(
            &mut w.rng,
            id,
            &wrong_key.public_key(),
            flags,
            m,
            stranger.trace_id(m),
            &stranger.user_id,
            &stranger.data_secret,
        )
        .unwrap();
        records.push(venue.record(&mut w.rng, &InnerRecord::Guest(qr), stranger.trace_id(m), m));
    }
    let request = w.offices[0].request_tracing(&mut w.rng, venue.id, window(), NOW, 86_400).unwrap();
    let with_table: Vec<TraceId> =
        guests.iter().enumerate().filter(|(i, _)| i % 3 == 0).map(|(i, g)| g.trace_id(minute(i as u32))).collect();
    let response = venue.consent(&mut w.rng, &request, &w.certs[0], &records, |t| {
        with_table.contains(&t).then_some(AdditionalDataContent { table: Some(7), guest_name: None })
    });
    ConsentScene { w, venue, guests, request, response, contact_data }
}

/// A check-in of a consent response: trace id, minute, and (user id, table) or the error kind.
type Outcome = (TraceId, UnixMinute, Result<(UserId, Option<u16>), String>);

/// The sequential reference: the protocol's `open`, then each inner record in turn.
fn reference(office: &HealthOffice, s: &ConsentScene) -> Vec<Outcome> {
    ConsentResponseIn::from_slice(&s.response)
        .unwrap()
        .open(&s.request, &office_key(office))
        .unwrap()
        .into_iter()
        .map(|e| {
            let r = office
                .open_inner_record(&e.inner)
                .map(|secrets| (secrets.user_id, e.additional.as_ref().and_then(|a| a.table)))
                .map_err(|e| e.kind().to_owned());
            (e.trace_id, e.checkin_minute, r)
        })
        .collect()
}

/// The office's encryption key, read from its exported state (the test plays the office's own storage):
/// `["luca-healthoffice/health-office", 2, id, signing_key, encryption_key, …]`.
fn office_key(office: &HealthOffice) -> HealthOfficeEncryptionKey {
    let state: ciborium::Value = ciborium::from_reader(office.export_state().as_slice()).unwrap();
    let items = state.into_array().unwrap();
    let key = HealthOfficeEncryptionKey::from_slice(items[4].as_bytes().unwrap()).unwrap();
    assert_eq!(key.public_key(), office.encryption_public_key());
    key
}

fn flatten(c: &OpenedConsent) -> Vec<Outcome> {
    let mut v: Vec<_> = c
        .check_ins
        .iter()
        .map(|c| (c.trace_id, c.minute, Ok((c.secrets.user_id, c.additional.as_ref().and_then(|a| a.table)))))
        .chain(c.unreadable.iter().map(|u| (u.trace_id, u.minute, Err(u.error.kind().to_owned()))))
        .collect();
    v.sort_by_key(|(t, m, _)| (*m, *t));
    v
}

fn same_consent(a: &OpenedConsent, b: &OpenedConsent) {
    assert_eq!((a.venue_id, a.request_id), (b.venue_id, b.request_id));
    assert_eq!(a.check_ins.len(), b.check_ins.len());
    for (x, y) in a.check_ins.iter().zip(&b.check_ins) {
        assert_eq!((x.venue_id, x.trace_id, x.minute, x.source), (y.venue_id, y.trace_id, y.minute, y.source));
        assert_eq!(x.secrets.user_id, y.secrets.user_id);
        assert_eq!(x.secrets.data_secret, y.secrets.data_secret);
        assert_eq!(x.additional, y.additional);
    }
    assert_eq!(a.unreadable.len(), b.unreadable.len());
    for (x, y) in a.unreadable.iter().zip(&b.unreadable) {
        assert_eq!((x.trace_id, x.minute, x.source, &x.error), (y.trace_id, y.minute, y.source, &y.error));
    }
}

#[test]
fn open_consent_response_is_the_same_in_every_pool() {
    let s = consent_scene(43, 24);
    let office = &s.w.offices[0];
    let one = in_pool(1, || office.open_consent_response(&s.response, &s.request)).unwrap();
    assert_eq!(one.venue_id, s.venue.id);
    assert_eq!(one.request_id, s.request.request_id());
    assert_eq!(one.check_ins.len(), 24);
    assert_eq!(one.unreadable.len(), 2);
    // In the response's order (minute, trace id), and equal to the sequential reference.
    let users: Vec<UserId> = one.check_ins.iter().map(|c| c.secrets.user_id).collect();
    assert_eq!(users, s.guests.iter().map(|g| g.user_id).collect::<Vec<_>>());
    assert_eq!(one.unreadable[0].minute, minute(12));
    assert_eq!(one.unreadable[0].error, TracingError::Open(OpenError::DecryptionFailed));
    assert_eq!(one.unreadable[1].minute, minute(25));
    assert_eq!(one.unreadable[1].error, TracingError::UnknownDailyKey);
    assert_eq!(one.check_ins[3].additional, Some(AdditionalDataContent { table: Some(7), guest_name: None }));
    assert_eq!(one.check_ins[4].additional, None);
    assert_eq!(flatten(&one), reference(office, &s));
    for threads in [2, 4] {
        let many = in_pool(threads, || office.open_consent_response(&s.response, &s.request)).unwrap();
        same_consent(&one, &many);
    }
    same_consent(&one, &office.open_consent_response(&s.response, &s.request).unwrap());
}

#[test]
fn a_bad_entry_rejects_the_response_with_the_first_error_in_entry_order() {
    let mut w = world(44, 1);
    let daily = w.offices[0].rotate_daily_key(&mut w.rng, NOW, &[]).unwrap().announcement;
    let venue = TestVenue::new(&mut w.rng);
    let request = w.offices[0].request_tracing(&mut w.rng, venue.id, window(), NOW, 86_400).unwrap();
    let verified =
        TracingRequestIn::from_slice(request.as_bytes()).unwrap().verify(&w.certs[0], venue.id, NOW).unwrap();
    let mut builder = ConsentResponseBuilder::new(&verified, &w.certs[0]).unwrap();
    let mut guests: Vec<TestGuest> = Vec::new();
    for i in 0..16u32 {
        let g = TestGuest::new(&mut w.rng, "Gast");
        let m = minute(i);
        let qr = InnerRecord::Guest(g.qr(&mut w.rng, &daily, m));
        let inner = match i {
            // Entry 5: another guest's inner record under this trace id (a faulty venue).
            5 => InnerRecord::Guest(guests[0].qr(&mut w.rng, &daily, m)).to_bytes(),
            // Entry 11: garbage instead of an inner record.
            11 => vec![0x82, 0x01, 0x02],
            _ => qr.to_bytes(),
        };
        builder.add_unchecked(&mut w.rng, g.trace_id(m), m, CheckInSource::Guest, &inner, None).unwrap();
        guests.push(g);
    }
    let response = builder.finish().to_bytes();
    let expected = TracingError::Open(OpenError::BindingMismatch { field: "trace_id" });
    let parsed = ConsentResponseIn::from_slice(&response).unwrap();
    let bound = parsed.bind(&verified).unwrap();
    assert_eq!(bound.entry(11).unwrap().open(&office_key(&w.offices[0])).unwrap_err().kind(), "wrong_arity");
    for threads in [1, 2, 4] {
        let e = in_pool(threads, || w.offices[0].open_consent_response(&response, &request)).unwrap_err();
        assert_eq!(e, expected, "{threads} threads");
    }
    // As the protocol's sequential open reports it.
    assert_eq!(TracingError::Open(parsed.open(&verified, &office_key(&w.offices[0])).unwrap_err()), expected);
}

#[test]
fn decrypt_contacts_equals_decrypt_contact_in_order() {
    let s = consent_scene(45, 12);
    let office = &s.w.offices[0];
    let consent = office.open_consent_response(&s.response, &s.request).unwrap();
    // Each check-in with its own contact data, except item 4 (another guest's data) and item 9 (garbage).
    let garbage = vec![0xa0];
    let items: Vec<(&[u8], &ConsentedCheckIn)> = consent
        .check_ins
        .iter()
        .enumerate()
        .map(|(i, c)| {
            let bytes: &[u8] = match i {
                4 => &s.contact_data[&s.guests[5].user_id],
                9 => &garbage,
                _ => &s.contact_data[&c.secrets.user_id],
            };
            (bytes, c)
        })
        .collect();
    let sequential: Vec<_> = items.iter().map(|(b, c)| office.decrypt_contact(b, c)).collect();
    assert_eq!(sequential.len(), 12);
    assert_eq!(sequential[4], Err(TracingError::Open(OpenError::BindingMismatch { field: "user_id" })));
    assert!(
        matches!(sequential[9], Err(TracingError::Decode(DecodeError::UnexpectedType { .. }))),
        "{:?}",
        sequential[9]
    );
    for (i, r) in sequential.iter().enumerate().filter(|(i, _)| *i != 4 && *i != 9) {
        let c = r.as_ref().unwrap();
        assert_eq!(c.user_id, s.guests[i].user_id);
        assert_eq!(c.fields, s.guests[i].fields);
        assert_eq!(c.table, if i % 3 == 0 { Some(7) } else { None });
    }
    for threads in POOLS {
        assert_eq!(in_pool(threads, || office.decrypt_contacts(&items)), sequential, "{threads} threads");
    }
    // Owned byte buffers work too.
    let owned: Vec<(Vec<u8>, &ConsentedCheckIn)> = items.iter().map(|(b, c)| (b.to_vec(), *c)).collect();
    assert_eq!(office.decrypt_contacts(&owned), sequential);
    assert_eq!(office.decrypt_contacts::<&[u8]>(&[]), vec![]);

    // Streamed, from a lazy iterator of owned buffers: the same results in the same order, whatever the chunk
    // size and the thread count.
    for threads in POOLS {
        for chunk in [1, 5, 12, 100] {
            let mut streamed = Vec::new();
            let lazy = items.iter().map(|(b, c)| (b.to_vec(), *c));
            in_pool(threads, || office.decrypt_contacts_in_chunks(lazy, chunk, |r| streamed.push(r)));
            assert_eq!(streamed, sequential, "{threads} threads, chunks of {chunk}");
        }
        let mut streamed = Vec::new();
        in_pool(threads, || office.decrypt_contacts_streamed(items.iter().copied(), |r| streamed.push(r)));
        assert_eq!(streamed, sequential, "{threads} threads");
    }
    let mut none = 0;
    office.decrypt_contacts_streamed(std::iter::empty::<(&[u8], &ConsentedCheckIn)>(), |_| none += 1);
    assert_eq!(none, 0);
}
