//! Criterion benchmarks of the venue role's hot paths.
//!
//! `cargo bench -p luca-venue` (RustCrypto backend) and `cargo bench -p luca-venue --features aws-lc` (AWS-LC).
//! Ids are `<operation>/<backend>`; docs/PERFORMANCE.md has the tables.
//!
//! - `scanner/checkin/<backend>`: [`Scanner::scan`] of a guest QR text, per check-in: Base32 decoding, version and
//!   checksum, freshness, daily key id, duplicate check, outer HPKE seal to the venue key.
//! - `consent/record_<n>/<backend>`: [`Venue::answer_tracing_request`] for `n` stored check-ins in the window:
//!   request verification (once), then per record the outer open and the re-seal to the health office.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing, clippy::arithmetic_side_effects)]

use std::hint::black_box;
use std::time::{Duration, Instant};

use criterion::{Criterion, Throughput, criterion_main};
use luca_protocol::derive;
use luca_protocol::ids::{DailyKeyId, HealthOfficeId, RegistrarId, RequestId, UserId};
use luca_protocol::keys::{DailyPrivateKey, HealthOfficeMasterKeys, RegistrarKey, TrustAnchorKey};
use luca_protocol::messages::tracing_request::{TracingRequest, TracingWindow};
use luca_protocol::qr::guest::{DeviceType, GuestCheckInQr, QrFlags};
use luca_protocol::secrets::{DailyTracingSecret, DataSecret};
use luca_protocol::signed::daily_key_announcement::{DailyKeyAnnouncement, KeyPurpose};
use luca_protocol::signed::health_office_certificate::HealthOfficeCertificate;
use luca_protocol::signed::registrar_certificate::RegistrarCertificate;
use luca_protocol::signed::venue_descriptor::VenueDescriptor;
use luca_protocol::time::{UnixTime, Validity};
use luca_venue::{Scanner, StoredCheckIn, Venue};
use rand_chacha::ChaCha20Rng;
use rand_core::SeedableRng as _;

/// The crypto backend compiled into luca-protocol.
const BACKEND: &str = luca_protocol::CRYPTO_BACKEND;
/// A fixed "now" (2026-11-29 05:00 UTC).
const NOW: UnixTime = UnixTime(1_795_928_400);
/// Distinct guest QR codes prepared for the scanner benchmark (a scanner rejects a trace id it has seen).
const SCAN_CODES: usize = 1_000;
/// Stored check-ins answered per consent.
const CONSENT_RECORDS: usize = 64;

struct Town {
    rng: ChaCha20Rng,
    venue: Venue,
    office_keys: HealthOfficeMasterKeys,
    office: HealthOfficeCertificate,
    daily: DailyPrivateKey,
    announcement: DailyKeyAnnouncement,
}

fn town() -> Town {
    let mut rng = ChaCha20Rng::seed_from_u64(11);
    let year = Validity { not_before: NOW.minus_secs(86_400), not_after: NOW.plus_secs(365 * 86_400) };
    let anchor = TrustAnchorKey::generate(&mut rng);
    let (registrar_key, registrar_id) = (RegistrarKey::generate(&mut rng), RegistrarId::random(&mut rng));
    let registrar =
        RegistrarCertificate::issue(&anchor, registrar_id, "Registrar", &registrar_key.public_key(), year).unwrap();
    let (office_keys, office_id) = (HealthOfficeMasterKeys::generate(&mut rng), HealthOfficeId::random(&mut rng));
    let office = HealthOfficeCertificate::issue(
        &anchor,
        office_id,
        "Gesundheitsamt",
        &office_keys.signing.public_key(),
        &office_keys.encryption.public_key(),
        year,
    )
    .unwrap();
    let mut venue = Venue::generate(&mut rng);
    let request = venue.registration_request("Café Luca", Some(12));
    let descriptor = VenueDescriptor::issue_venue(
        &registrar_key,
        registrar_id,
        request.venue_id,
        &request.name,
        &request.venue_key,
        request.table_count,
        year,
    )
    .unwrap();
    venue.install_descriptor(descriptor.as_bytes(), &registrar, NOW).unwrap();
    let daily = DailyPrivateKey::generate(&mut rng);
    let day = NOW.day();
    let use_period = Validity { not_before: day.start(), not_after: day.plus_days(1).start() };
    let announcement = DailyKeyAnnouncement::issue(
        &office_keys.signing,
        office_id,
        KeyPurpose::Daily,
        DailyKeyId::for_day(day).0,
        &daily.public_key(),
        use_period,
        day.plus_days(28).start(),
    )
    .unwrap();
    Town { rng, venue, office_keys, office, daily, announcement }
}

/// A guest's QR text for the check-in minute of `NOW`.
fn guest_qr(t: &mut Town) -> String {
    let (user_id, data_secret, tracing) =
        (UserId::random(&mut t.rng), DataSecret::random(&mut t.rng), DailyTracingSecret::random(&mut t.rng));
    let trace_id = derive::guest_trace_id(&tracing, &user_id, NOW.minute());
    let flags = QrFlags { device_type: DeviceType::Android, entry_policy: 0 };
    GuestCheckInQr::seal(
        &mut t.rng,
        DailyKeyId::for_day(NOW.day()),
        &t.daily.public_key(),
        flags,
        NOW.minute(),
        trace_id,
        &user_id,
        &data_secret,
    )
    .unwrap()
    .to_base32()
}

fn scanner(t: &Town) -> Scanner {
    let mut s = t.venue.scanner();
    s.add_daily_key(t.announcement.clone());
    s
}

fn scan(c: &mut Criterion) {
    let mut t = town();
    let codes: Vec<String> = (0..SCAN_CODES).map(|_| guest_qr(&mut t)).collect();
    let mut rng = ChaCha20Rng::seed_from_u64(12);
    let at = NOW.plus_secs(5);
    c.bench_function(&format!("scanner/checkin/{BACKEND}"), |b| {
        b.iter_custom(|iters| {
            // A fresh scanner for every SCAN_CODES scans (it remembers trace ids); only the scans are timed.
            let mut elapsed = Duration::ZERO;
            let mut s = scanner(&t);
            for i in 0..iters {
                let i = usize::try_from(i).unwrap() % SCAN_CODES;
                if i == 0 {
                    s = scanner(&t);
                }
                let start = Instant::now();
                black_box(s.scan(&mut rng, &codes[i], at).unwrap());
                elapsed += start.elapsed();
            }
            elapsed
        })
    });
}

fn consent(c: &mut Criterion) {
    let mut t = town();
    let mut s = scanner(&t);
    let mut stored = Vec::with_capacity(CONSENT_RECORDS);
    for _ in 0..CONSENT_RECORDS {
        let text = guest_qr(&mut t);
        let scan = s.scan(&mut t.rng, &text, NOW.plus_secs(5)).unwrap();
        stored.push(StoredCheckIn { record: scan.record.to_bytes(), additional_data: None });
    }
    let later = NOW.plus_secs(3 * 86_400);
    let window = TracingWindow { from: NOW.minus_secs(1_800), to: NOW.plus_secs(1_800) };
    let request = TracingRequest::sign(
        &t.office_keys.signing,
        RequestId::random(&mut t.rng),
        t.office.id(),
        t.venue.venue_id(),
        window,
        later,
        later.plus_secs(86_400),
    )
    .unwrap();
    let mut rng = ChaCha20Rng::seed_from_u64(13);
    let mut group = c.benchmark_group("consent");
    group.throughput(Throughput::Elements(CONSENT_RECORDS as u64));
    group.bench_function(format!("record_{CONSENT_RECORDS}/{BACKEND}"), |b| {
        b.iter(|| {
            let answer =
                t.venue.answer_tracing_request(&mut rng, black_box(request.as_bytes()), &t.office, &stored, later);
            assert_eq!(answer.as_ref().map(|a| a.consented).ok(), Some(CONSENT_RECORDS));
            black_box(answer.unwrap())
        })
    });
    group.finish();
}

/// The criterion entry point (the macro's generated function carries no documentation).
#[allow(missing_docs)]
mod entry {
    use super::{consent, scan};
    criterion::criterion_group!(benches, scan, consent);
}
criterion_main!(entry::benches);
