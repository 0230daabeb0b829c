//! Criterion benchmarks of the server-side validation helpers (`luca_protocol::server`), one per message the
//! operator server accepts: what a server implementer pays per message before storing or relaying it.
//!
//! `cargo bench -p luca-protocol --bench server` (ids `server/<message>/rustcrypto`) and with `--features aws-lc`
//! (`…/aws-lc`). Messages that carry a signature (contact data, daily key announcement, tracing request,
//! notification list) cost one ECDSA verification; the others only decoding and comparisons.
#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

mod common;

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use luca_protocol::derive;
use luca_protocol::ids::{DailyKeyId, HealthOfficeId, RequestId, UserId, VenueId};
use luca_protocol::keys::{DailyPrivateKey, GuestSigningKey, HealthOfficeMasterKeys, TrustAnchorKey, VenuePrivateKey};
use luca_protocol::messages::additional_data::{AdditionalData, AdditionalDataContent};
use luca_protocol::messages::checkin_record::{
    CheckInRecord, CheckInRecordIn, CheckInSource, DEFAULT_FRESHNESS_WINDOW_SECS, InnerRecord,
};
use luca_protocol::messages::checkout::Checkout;
use luca_protocol::messages::consent_response::ConsentResponseBuilder;
use luca_protocol::messages::contact_data::ContactData;
use luca_protocol::messages::history_share::HistoryShare;
use luca_protocol::messages::key_share::KeyShare;
use luca_protocol::messages::notification_list::NotificationList;
use luca_protocol::messages::tracing_request::{TracingRequest, TracingWindow};
use luca_protocol::qr::guest::{DeviceType, GuestCheckInQr, QrFlags};
use luca_protocol::secrets::{DailyTracingSecret, DataSecret};
use luca_protocol::server;
use luca_protocol::signed::daily_key_announcement::{DailyKeyAnnouncement, KeyPurpose};
use luca_protocol::time::{UnixTime, Validity};
use rand_chacha::ChaCha20Rng;
use rand_core::SeedableRng as _;

/// 2026-11-29T09:00:00Z.
const NOW: UnixTime = UnixTime(1_795_942_800);
/// The crypto backend compiled in.
const BACKEND: &str = luca_protocol::CRYPTO_BACKEND;
/// Check-ins in the consent response and entries in the notification list.
const ITEMS: usize = 64;

fn server_validation(c: &mut Criterion) {
    let mut rng = ChaCha20Rng::seed_from_u64(31);
    let anchor = TrustAnchorKey::generate(&mut rng);
    let keys = HealthOfficeMasterKeys::generate(&mut rng);
    let other_keys = HealthOfficeMasterKeys::generate(&mut rng);
    let year = Validity { not_before: NOW.minus_secs(86_400), not_after: NOW.plus_secs(365 * 86_400) };
    let office = HealthOfficeId::random(&mut rng);
    let cert = common::office_certificate(&anchor, office, "Gesundheitsamt A", &keys, year);
    let other =
        common::office_certificate(&anchor, HealthOfficeId::random(&mut rng), "Gesundheitsamt B", &other_keys, year);
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
    let venue_id = VenueId::random(&mut rng);
    let venue = VenuePrivateKey::generate(&mut rng);
    let (user_id, data_secret, tracing) =
        (UserId::random(&mut rng), DataSecret::random(&mut rng), DailyTracingSecret::random(&mut rng));

    let minute = NOW.minute();
    let trace_id = derive::guest_trace_id(&tracing, &user_id, minute);
    let flags = QrFlags { device_type: DeviceType::Ios, entry_policy: 0 };
    let qr = GuestCheckInQr::seal(
        &mut rng,
        DailyKeyId::for_day(day),
        &daily.public_key(),
        flags,
        minute,
        trace_id,
        &user_id,
        &data_secret,
    )
    .unwrap();
    let record =
        CheckInRecord::seal(&mut rng, venue_id, &venue.public_key(), &InnerRecord::Guest(qr.clone()), trace_id, minute)
            .unwrap();
    let stored = CheckInRecordIn::from_slice(record.as_bytes()).unwrap();
    let content = AdditionalDataContent { table: Some(3), guest_name: None };
    let additional = AdditionalData::seal(&mut rng, venue_id, &venue.public_key(), trace_id, &content).unwrap();
    let checkout_at = NOW.plus_secs(3_600);
    let checkout = Checkout::new(&derive::checkout_proof(&tracing, &user_id, minute), checkout_at);
    let fields = common::contact_fields();
    let guest_key = GuestSigningKey::generate(&mut rng);
    let contact = ContactData::seal(&mut rng, &guest_key, user_id, &data_secret, &fields, NOW).unwrap();
    let share = HistoryShare::seal(
        &mut rng,
        DailyKeyId::for_day(day),
        &daily.public_key(),
        &user_id,
        &data_secret,
        &[(day, &tracing)],
        NOW,
    )
    .unwrap();
    let key_share = KeyShare::seal_daily(&mut rng, DailyKeyId::for_day(day), office, &other, &daily).unwrap();
    let window = TracingWindow { from: NOW.minus_secs(3_600), to: NOW.plus_secs(3_600) };
    let request = TracingRequest::sign(
        &keys.signing,
        RequestId::random(&mut rng),
        office,
        venue_id,
        window,
        NOW,
        NOW.plus_secs(86_400),
    )
    .unwrap();
    let mut builder = ConsentResponseBuilder::new(&request, &cert).unwrap();
    for _ in 0..ITEMS {
        // The same inner record under distinct trace ids (the server never opens an entry).
        let trace = derive::guest_trace_id(&tracing, &UserId::random(&mut rng), minute);
        builder.add_unchecked(&mut rng, trace, minute, CheckInSource::Guest, qr.body(), None).unwrap();
    }
    let consent = builder.finish();
    let hashes: Vec<_> =
        (0..ITEMS).map(|_| (derive::guest_trace_id(&tracing, &UserId::random(&mut rng), minute), 0)).collect();
    let list = NotificationList::build(&mut rng, &keys.signing, office, &hashes, NOW).unwrap();
    let keys_held = [announcement.clone()];

    let mut group = c.benchmark_group("server");
    group.bench_function(format!("check_in_record/{BACKEND}"), |b| {
        b.iter(|| {
            server::check_in_record(black_box(record.as_bytes()), NOW.plus_secs(30), DEFAULT_FRESHNESS_WINDOW_SECS)
                .unwrap()
        })
    });
    group.bench_function(format!("additional_data/{BACKEND}"), |b| {
        b.iter(|| server::additional_data(black_box(additional.as_bytes()), &stored).unwrap())
    });
    group.bench_function(format!("checkout/{BACKEND}"), |b| {
        b.iter(|| server::checkout(black_box(&checkout.to_bytes()), &stored, checkout_at).unwrap())
    });
    group.bench_function(format!("contact_data/{BACKEND}"), |b| {
        b.iter(|| server::contact_data(black_box(contact.as_bytes()), None).unwrap())
    });
    group.bench_function(format!("history_share/{BACKEND}"), |b| {
        b.iter(|| server::history_share(black_box(share.as_bytes()), &keys_held, NOW.plus_secs(10)).unwrap())
    });
    group.bench_function(format!("daily_key_announcement/{BACKEND}"), |b| {
        b.iter(|| server::daily_key_announcement(black_box(announcement.as_bytes()), &cert, NOW).unwrap())
    });
    group.bench_function(format!("key_share/{BACKEND}"), |b| {
        b.iter(|| server::key_share(black_box(key_share.as_bytes()), &announcement, &other, NOW).unwrap())
    });
    group.bench_function(format!("tracing_request/{BACKEND}"), |b| {
        b.iter(|| server::tracing_request(black_box(request.as_bytes()), &cert, NOW).unwrap())
    });
    group.bench_function(format!("consent_response_{ITEMS}/{BACKEND}"), |b| {
        b.iter(|| server::consent_response(black_box(consent.as_bytes()), &request).unwrap())
    });
    group.bench_function(format!("notification_list_{ITEMS}/{BACKEND}"), |b| {
        b.iter(|| server::notification_list(black_box(list.as_bytes()), &cert, NOW).unwrap())
    });
    group.finish();
}

criterion_group!(benches, server_validation);
criterion_main!(benches);
