//! Criterion benchmarks of the health office's bulk work, on rayon pools of 1 and 2 threads.
//!
//! `cargo bench -p luca-benches --bench healthoffice` (RustCrypto backend) and
//! `cargo bench -p luca-benches --bench healthoffice --features aws-lc` (AWS-LC backend). Ids:
//! `<operation>/<variant>/<backend>`, the variant naming the size and, where the work is parallel, the thread
//! count (`threads_N`: a `rayon::ThreadPool` of N threads, the call made inside `install`). Fixtures are built with
//! the real role APIs (trust anchor, health office, guest app, venue scanner) from a seeded ChaCha20Rng, outside the
//! timed loops.
//!
//! - `trace_ids_14_days/{sequential,parallel}/threads_N/B`: the 20,160 trace ids of a 14-day history.
//! - `matching/records_N/threads_T/B`: one history's trace-id index against N stored records streamed from a lazy
//!   iterator (copies of a few hundred genuine records with made-up trace ids, 50 genuine matches planted).
//! - `consent_record/threads_T/B`: per check-in, opening a 256-entry consent response (consent layer + inner record:
//!   two HPKE opens) and decrypting and verifying each guest's contact data (ECDSA verify + AES-GCM).
//! - `daily_key_rotation/offices_N/B`: rotating today's key and sealing it to the N − 1 other offices;
//!   `daily_key_rotation/import_key_share/B`: importing one such share.
//! - `notification_list/build/entries_N/B`: building and signing a list of N trace ids (level 0).
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::arithmetic_side_effects,
    clippy::cast_possible_truncation,
    missing_docs
)]

mod common;

use std::hint::black_box;

use common::*;
use criterion::{BatchSize, Criterion, Throughput, criterion_group, criterion_main};
use luca_healthoffice::{
    ConsentedCheckIn, HealthOffice, TraceIdIndex, trace_ids_of_history, trace_ids_of_history_sequential,
};
use luca_protocol::ids::TraceId;
use rand_core::Rng as _;
use rayon::ThreadPool;

const THREADS: [usize; 2] = [1, 2];

fn pool(threads: usize) -> ThreadPool {
    rayon::ThreadPoolBuilder::new().num_threads(threads).build().unwrap()
}

fn trace_ids(c: &mut Criterion) {
    let fx = matching_fixture(1);
    let expected = trace_ids_of_history_sequential(&fx.history);
    assert_eq!(expected.len(), 20_160);
    let mut group = c.benchmark_group("trace_ids_14_days");
    group.throughput(Throughput::Elements(expected.len() as u64));
    group.bench_function(format!("sequential/threads_1/{BACKEND}"), |b| {
        b.iter(|| black_box(trace_ids_of_history_sequential(black_box(&fx.history))))
    });
    for threads in THREADS {
        let pool = pool(threads);
        assert_eq!(pool.install(|| trace_ids_of_history(&fx.history)), expected);
        group.bench_function(format!("parallel/threads_{threads}/{BACKEND}"), |b| {
            b.iter(|| pool.install(|| black_box(trace_ids_of_history(black_box(&fx.history)))))
        });
    }
    group.finish();
}

fn matching(c: &mut Criterion) {
    let fx = matching_fixture(2);
    let index = TraceIdIndex::of_history(&fx.history);
    let mut group = c.benchmark_group("matching");
    group.sample_size(10);
    for n in [10_000usize, 100_000, 1_000_000] {
        group.throughput(Throughput::Elements(n as u64));
        for threads in THREADS {
            let pool = pool(threads);
            if n == 10_000 {
                assert_eq!(pool.install(|| index.match_records(RecordStream::new(&fx, n))), fx.expected);
            }
            group.bench_function(format!("records_{n}/threads_{threads}/{BACKEND}"), |b| {
                b.iter(|| pool.install(|| black_box(index.match_records(RecordStream::new(&fx, n)))))
            });
        }
    }
    group.finish();
}

fn consent_record(c: &mut Criterion) {
    const N: usize = 256;
    let fx = consent_fixture(3, N);
    let run = || {
        let opened = fx.office.open_consent_response(&fx.response, &fx.request).unwrap();
        let items: Vec<(&[u8], &ConsentedCheckIn)> =
            opened.check_ins.iter().map(|c| (fx.contact_data[&c.secrets.user_id].as_slice(), c)).collect();
        fx.office.decrypt_contacts(&items)
    };
    let mut group = c.benchmark_group("consent_record");
    group.throughput(Throughput::Elements(N as u64));
    group.sample_size(10);
    for threads in THREADS {
        let pool = pool(threads);
        let contacts = pool.install(run);
        assert_eq!(contacts.len(), N);
        let traced: Vec<TraceId> = contacts.into_iter().map(|c| c.unwrap().trace_id).collect();
        assert_eq!(traced, fx.trace_ids);
        group.bench_function(format!("threads_{threads}/{BACKEND}"), |b| b.iter(|| pool.install(|| black_box(run()))));
    }
    group.finish();
}

fn daily_key_rotation(c: &mut Criterion) {
    let mut rng = rng(4);
    let Office { anchor, office: rotating, .. } = office(&mut rng, "Gesundheitsamt 0");
    let saved = rotating.export_state();
    let mut others = Vec::new();
    let certs: Vec<_> = (1..400)
        .map(|i| {
            let o = HealthOffice::generate(&mut rng);
            let cert = anchor
                .certify_health_office(&o.certificate_request(&format!("Gesundheitsamt {i}")).unwrap(), validity())
                .unwrap();
            others.push(o);
            cert
        })
        .collect();
    let mut group = c.benchmark_group("daily_key_rotation");
    group.sample_size(10);
    for n in [10usize, 100, 400] {
        group.throughput(Throughput::Elements((n - 1) as u64));
        let recipients = &certs[..n - 1];
        group.bench_function(format!("offices_{n}/{BACKEND}"), |b| {
            b.iter_batched(
                || HealthOffice::import_state(&saved).unwrap(),
                |mut office| {
                    let rotation = office.rotate_daily_key(&mut rng, NOW, recipients).unwrap();
                    assert_eq!(rotation.shares.len(), n - 1);
                    black_box(rotation)
                },
                BatchSize::SmallInput,
            )
        });
    }
    // One share, imported by its recipient (the first import stores the key; later ones find it held and do the
    // same checks and decryption).
    let mut issuer = HealthOffice::import_state(&saved).unwrap();
    let issuer_cert = issuer.certificate().unwrap().clone();
    let rotation = issuer.rotate_daily_key(&mut rng, NOW, &certs[..1]).unwrap();
    let mut recipient = others.swap_remove(0);
    recipient.install_certificate(certs[0].as_bytes(), &anchor.public_key(), NOW).unwrap();
    let share = rotation.shares[0].to_bytes();
    let announcement = rotation.announcement.to_bytes();
    recipient.import_key_share(&share, &announcement, &issuer_cert, NOW).unwrap();
    group.throughput(Throughput::Elements(1));
    group.sample_size(50);
    group.bench_function(format!("import_key_share/{BACKEND}"), |b| {
        b.iter(|| {
            let imported = recipient.import_key_share(&share, &announcement, &issuer_cert, NOW).unwrap();
            assert!(imported.already_held);
            black_box(imported)
        })
    });
    group.finish();
}

fn notification_list(c: &mut Criterion) {
    let mut rng = rng(5);
    let Office { office, .. } = office(&mut rng, "Gesundheitsamt Bench");
    let mut group = c.benchmark_group("notification_list");
    group.sample_size(10);
    for n in [1_000usize, 100_000] {
        let accessed: Vec<TraceId> = (0..n)
            .map(|_| {
                let mut id = [0u8; 16];
                rng.fill_bytes(&mut id);
                TraceId::from_array(id)
            })
            .collect();
        group.throughput(Throughput::Elements(n as u64));
        group.bench_function(format!("build/entries_{n}/{BACKEND}"), |b| {
            b.iter(|| black_box(office.notification_list(&mut rng, &accessed, &[], NOW).unwrap()))
        });
    }
    group.finish();
}

criterion_group!(benches, trace_ids, matching, consent_record, daily_key_rotation, notification_list);
criterion_main!(benches);
