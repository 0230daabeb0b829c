//! Criterion benchmarks of notification lists on the guest's device.
//!
//! `cargo bench -p luca-benches --bench notifications`. A guest with 14 days of check-ins (10 a day, made with
//! `Guest::check_in_code` against a health office's daily keys) and a health office's signed list of N entries
//! (`HealthOffice::notification_list`: 5 of the guest's check-ins at level 0, 3 at level 2, the rest other trace
//! ids), built from a seeded ChaCha20Rng outside the timed loops:
//!
//! - `notification_list/verify/list_N/B`: decoding and verifying the received list (`NotificationListIn::verify`:
//!   one ECDSA verification, N hashes decoded);
//! - `notification_list/device_match/list_N/B`: matching the verified list against the guest's check-ins
//!   (`Guest::check_notifications`: 4 hashes and binary searches per check-in).
//!
//! Ids end in the crypto backend (`rustcrypto`, or `aws-lc` with `--features luca-protocol/aws-lc`).
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::arithmetic_side_effects,
    clippy::cast_possible_truncation,
    missing_docs
)]

use std::hint::black_box;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use luca_authority::TrustAnchor;
use luca_client::{Guest, Notice};
use luca_healthoffice::HealthOffice;
use luca_protocol::ids::TraceId;
use luca_protocol::messages::contact_data::ContactFields;
use luca_protocol::messages::notification_list::NotificationListIn;
use luca_protocol::qr::guest::DeviceType;
use luca_protocol::time::{SECONDS_PER_DAY, UnixTime, Validity};
use rand_chacha::ChaCha20Rng;
use rand_core::{Rng as _, SeedableRng as _};

/// 2026-11-29T09:00:00Z.
const NOW: UnixTime = UnixTime(1_795_942_800);
const DAYS: u32 = 14;
const CHECK_INS_PER_DAY: u64 = 10;
/// The crypto backend compiled in.
const BACKEND: &str = luca_protocol::CRYPTO_BACKEND;

fn notification_list(c: &mut Criterion) {
    let mut rng = ChaCha20Rng::seed_from_u64(6);
    let anchor = TrustAnchor::generate(&mut rng);
    let mut office = HealthOffice::generate(&mut rng);
    let validity =
        Validity { not_before: NOW.minus_secs(20 * SECONDS_PER_DAY), not_after: NOW.plus_secs(365 * SECONDS_PER_DAY) };
    let cert = anchor.certify_health_office(&office.certificate_request("Gesundheitsamt").unwrap(), validity).unwrap();
    office.install_certificate(cert.as_bytes(), &anchor.public_key(), NOW).unwrap();
    let cert = office.certificate().unwrap().clone();

    let mut fields = ContactFields::default();
    fields.first_name = "Erika".into();
    fields.last_name = "Mustermann".into();
    fields.phone = "+49 30 1234567".into();
    let first_day = NOW.day().minus_days(DAYS - 1).start();
    let mut guest = Guest::register(&mut rng, &fields, DeviceType::Android, first_day).unwrap().guest;
    for back in (0..DAYS).rev() {
        let start = NOW.day().minus_days(back).start();
        let key = office.rotate_daily_key(&mut rng, start.plus_secs(60), &[]).unwrap().announcement;
        for j in 0..CHECK_INS_PER_DAY {
            guest.check_in_code(&mut rng, &key, start.plus_secs(8 * 3_600 + j * 3_600 + 5)).unwrap();
        }
    }
    let own = guest.own_trace_ids();
    assert_eq!(own.len(), (DAYS as u64 * CHECK_INS_PER_DAY) as usize);

    let mut group = c.benchmark_group("notification_list");
    for n in [1_000usize, 100_000] {
        // 5 of the guest's check-ins accessed, 3 warned, the rest of the list other guests' trace ids.
        let mut accessed: Vec<TraceId> = own.iter().step_by(30).copied().take(5).collect();
        while accessed.len() < n - 3 {
            let mut id = [0u8; 16];
            rng.fill_bytes(&mut id);
            accessed.push(TraceId::from_array(id));
        }
        let warned: Vec<(TraceId, u8)> = own.iter().skip(7).step_by(40).take(3).map(|t| (*t, 2)).collect();
        let list = office.notification_list(&mut rng, &accessed, &warned, NOW).unwrap();
        let bytes = list.to_bytes();
        let verified = NotificationListIn::from_slice(&bytes).unwrap().verify(&cert, NOW).unwrap();
        let found = guest.check_notifications(&verified);
        assert_eq!(found.len(), 8);
        assert_eq!(found.iter().filter(|m| m.notice == Notice::DataAccessed).count(), 5);

        group.throughput(Throughput::Elements(n as u64));
        group.bench_function(format!("verify/list_{n}/{BACKEND}"), |b| {
            b.iter(|| black_box(NotificationListIn::from_slice(black_box(&bytes)).unwrap().verify(&cert, NOW).unwrap()))
        });
        group.throughput(Throughput::Elements(own.len() as u64));
        group.bench_function(format!("device_match/list_{n}/{BACKEND}"), |b| {
            b.iter(|| black_box(guest.check_notifications(black_box(&verified))))
        });
    }
    group.finish();
}

criterion_group!(benches, notification_list);
criterion_main!(benches);
