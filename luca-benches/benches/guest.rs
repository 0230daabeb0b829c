//! Criterion benchmarks of the guest app's check-in code, at the role level.
//!
//! `cargo bench -p luca-benches --bench guest` (ids end in the crypto backend: `rustcrypto`, or `aws-lc` with
//! `--features luca-protocol/aws-lc`):
//!
//! - `guest_code/complete/B`: [`Guest::check_in_code`] (trace id, HPKE seal to the daily key, bookkeeping) and
//!   [`CheckInCode::svg`] (Base32 text, QR matrix, SVG): what the app does every minute while it shows its code;
//! - `guest_code/crypto_and_state/B`: [`Guest::check_in_code`] alone.
//!
//! The code is made again and again for the same minute, so the guest's list of check-ins does not grow.
#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use luca_authority::TrustAnchor;
use luca_client::Guest;
use luca_healthoffice::HealthOffice;
use luca_protocol::messages::contact_data::ContactFields;
use luca_protocol::qr::guest::DeviceType;
use luca_protocol::time::{SECONDS_PER_DAY, UnixTime, Validity};
use rand_chacha::ChaCha20Rng;
use rand_core::SeedableRng as _;

/// 2026-11-29T09:00:00Z.
const NOW: UnixTime = UnixTime(1_795_942_800);
/// The crypto backend compiled in.
const BACKEND: &str = luca_protocol::CRYPTO_BACKEND;

fn guest_code(c: &mut Criterion) {
    let mut rng = ChaCha20Rng::seed_from_u64(21);
    let anchor = TrustAnchor::generate(&mut rng);
    let mut office = HealthOffice::generate(&mut rng);
    let validity =
        Validity { not_before: NOW.minus_secs(SECONDS_PER_DAY), not_after: NOW.plus_secs(365 * SECONDS_PER_DAY) };
    let cert = anchor.certify_health_office(&office.certificate_request("Gesundheitsamt").unwrap(), validity).unwrap();
    office.install_certificate(cert.as_bytes(), &anchor.public_key(), NOW).unwrap();
    let key = office.rotate_daily_key(&mut rng, NOW, &[]).unwrap().announcement;
    let mut fields = ContactFields::default();
    fields.first_name = "Erika".into();
    fields.last_name = "Mustermann".into();
    fields.phone = "+49 30 1234567".into();
    let mut guest = Guest::register(&mut rng, &fields, DeviceType::Android, NOW).unwrap().guest;
    let at = NOW.plus_secs(30);
    assert_eq!(guest.check_in_code(&mut rng, &key, at).unwrap().text().len(), 175);

    let mut group = c.benchmark_group("guest_code");
    group.bench_function(format!("complete/{BACKEND}"), |b| {
        b.iter(|| {
            let code = guest.check_in_code(&mut rng, &key, at).unwrap();
            black_box(code.svg().unwrap())
        })
    });
    group.bench_function(format!("crypto_and_state/{BACKEND}"), |b| {
        b.iter(|| black_box(guest.check_in_code(&mut rng, &key, at).unwrap()))
    });
    group.finish();
}

criterion_group!(benches, guest_code);
criterion_main!(benches);
