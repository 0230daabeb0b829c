//! Criterion benchmarks of threshold daily keys (PROTOCOL.md §13), next to the primitives they are judged
//! against, in one run: `cargo bench -p luca-protocol --bench threshold` (add `--features aws-lc` for the
//! native backend; the group arithmetic is RustCrypto `p256` in both).
//!
//! Ids: `threshold/primitive/p256/variable_base_mul` (one variable-base scalar multiplication, the
//! reference), `threshold/single_open` (today's single-office HPKE open of a guest QR's inner layer),
//! `threshold/co_office/<batch>` (one co-office answering a request of `batch` encs: partials and the batched
//! DLEQ proof; throughput per enc), `threshold/tracing_office/t<t>/<batch>` (verifying `t` responses,
//! combining and opening `batch` guest QRs; throughput per record) and `threshold/dkg/n<n>` (one member's
//! whole DKG: dealing, receiving `n − 1` dealings, finishing). docs/PERFORMANCE.md has the figures and ratios.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::arithmetic_side_effects,
    clippy::cast_possible_truncation
)]

use std::hint::black_box;

use criterion::{BatchSize, Criterion, Throughput};
use luca_protocol::ids::{DailyKeyId, HealthOfficeId, TraceId, UserId};
use luca_protocol::keys::{DailyPrivateKey, HealthOfficeMasterKeys, TrustAnchorKey};
use luca_protocol::qr::guest::{DeviceType, GuestCheckInQr, QrFlags};
use luca_protocol::secrets::DataSecret;
use luca_protocol::signed::health_office_certificate::HealthOfficeCertificate;
use luca_protocol::threshold::Committee;
use luca_protocol::threshold::dkg::{DkgDealing, DkgOutcome, DkgRound1};
use luca_protocol::threshold::partial::{
    PartialDecryptionRequest, PartialDecryptionRequestIn, PartialDecryptionResponse, PartialDecryptionResponseIn,
    combine,
};
use luca_protocol::time::{UnixTime, Validity};
use rand_chacha::ChaCha20Rng;
use rand_core::SeedableRng as _;

const NOW: UnixTime = UnixTime(1_796_000_000);
const KEY: DailyKeyId = DailyKeyId(20_787);

struct World {
    keys: Vec<HealthOfficeMasterKeys>,
    certs: Vec<HealthOfficeCertificate>,
    committee: Committee,
    outcomes: Vec<DkgOutcome>,
}

fn world(rng: &mut ChaCha20Rng, n: usize, t: u16) -> World {
    let anchor = TrustAnchorKey::generate(rng);
    let validity = Validity { not_before: NOW.minus_secs(86_400), not_after: NOW.plus_secs(86_400) };
    let keys: Vec<_> = (0..n).map(|_| HealthOfficeMasterKeys::generate(rng)).collect();
    let certs: Vec<_> = keys
        .iter()
        .map(|k| {
            HealthOfficeCertificate::issue(
                &anchor,
                HealthOfficeId::random(rng),
                "Amt",
                &k.signing.public_key(),
                &k.encryption.public_key(),
                validity,
            )
            .unwrap()
        })
        .collect();
    let committee = Committee::new(KEY, t, &certs).unwrap();
    let (dealings, states) = deal(rng, &committee, &keys);
    let outcomes = states
        .into_iter()
        .zip(&keys)
        .map(|(s, k)| s.receive(&dealings, &k.encryption, &k.signing).unwrap().state.finish(&[], &[]).unwrap())
        .collect();
    World { keys, certs, committee, outcomes }
}

fn deal(
    rng: &mut ChaCha20Rng,
    committee: &Committee,
    keys: &[HealthOfficeMasterKeys],
) -> (Vec<DkgDealing>, Vec<DkgRound1>) {
    let started: Vec<_> = (1..=committee.len() as u16)
        .map(|i| DkgRound1::start(rng, committee.clone(), i, &keys[usize::from(i - 1)].signing).unwrap())
        .collect();
    let dealings = started.iter().map(|s| s.dealing.clone()).collect();
    (dealings, started.into_iter().map(|s| s.state).collect())
}

fn qrs(rng: &mut ChaCha20Rng, w: &World, n: usize) -> Vec<GuestCheckInQr> {
    let flags = QrFlags { device_type: DeviceType::Ios, entry_policy: 0 };
    (0..n)
        .map(|_| {
            let (u, d) = (UserId::random(rng), DataSecret::random(rng));
            GuestCheckInQr::seal(
                rng,
                KEY,
                w.outcomes[0].public.daily_public_key(),
                flags,
                NOW.minute(),
                TraceId::from_array([1; 16]),
                &u,
                &d,
            )
            .unwrap()
        })
        .collect()
}

fn request(w: &World, qrs: &[GuestCheckInQr]) -> PartialDecryptionRequest {
    let encs: Vec<[u8; 65]> = qrs.iter().map(GuestCheckInQr::enc).collect();
    // The first t members answer (member 1, the tracing office, among them).
    let responders: Vec<u16> = (1..=w.committee.threshold()).collect();
    let req = PartialDecryptionRequest::sign(
        &w.keys[0].signing,
        w.certs[0].id(),
        KEY,
        NOW,
        600,
        b"tracing request",
        &responders,
        &encs,
    )
    .unwrap();
    PartialDecryptionRequestIn::from_slice(req.as_bytes()).unwrap().verify(&w.certs[0], &w.committee, NOW).unwrap()
}

fn primitives(c: &mut Criterion) {
    use p256::elliptic_curve::Field as _;
    let mut rng = ChaCha20Rng::seed_from_u64(1);
    let k = p256::Scalar::random(&mut rng);
    let p = p256::ProjectivePoint::GENERATOR * p256::Scalar::random(&mut rng);
    c.bench_function("threshold/primitive/p256/variable_base_mul", |b| {
        b.iter(|| black_box(black_box(p) * black_box(k)))
    });
    // A daily key the single office holds (the comparison: today's open).
    let single = DailyPrivateKey::generate(&mut rng);
    let flags = QrFlags { device_type: DeviceType::Ios, entry_policy: 0 };
    let (u, d) = (UserId::random(&mut rng), DataSecret::random(&mut rng));
    let qr_single = GuestCheckInQr::seal(
        &mut rng,
        KEY,
        &single.public_key(),
        flags,
        NOW.minute(),
        TraceId::from_array([1; 16]),
        &u,
        &d,
    )
    .unwrap();
    c.bench_function("threshold/single_open", |b| b.iter(|| black_box(qr_single.open(&single).unwrap())));
}

fn co_office(c: &mut Criterion) {
    let mut rng = ChaCha20Rng::seed_from_u64(2);
    let w = world(&mut rng, 5, 3);
    let mut g = c.benchmark_group("threshold/co_office");
    g.sample_size(10);
    for batch in [1usize, 100, 10_000] {
        let qs = qrs(&mut rng, &w, batch);
        let req = request(&w, &qs);
        g.throughput(Throughput::Elements(batch as u64));
        g.bench_function(format!("{batch}"), |b| {
            b.iter(|| {
                black_box(
                    PartialDecryptionResponse::answer(&mut rng, &req, &w.outcomes[1].share, &w.keys[1].signing)
                        .unwrap(),
                )
            })
        });
    }
    g.finish();
}

fn tracing_office(c: &mut Criterion) {
    let mut rng = ChaCha20Rng::seed_from_u64(3);
    let mut g = c.benchmark_group("threshold/tracing_office");
    g.sample_size(10);
    for t in [2u16, 3, 5] {
        let w = world(&mut rng, 5, t);
        for batch in [1usize, 100, 10_000] {
            let qs = qrs(&mut rng, &w, batch);
            let req = request(&w, &qs);
            let responses: Vec<Vec<u8>> = (0..usize::from(t))
                .map(|m| {
                    PartialDecryptionResponse::answer(&mut rng, &req, &w.outcomes[m].share, &w.keys[m].signing)
                        .unwrap()
                        .as_bytes()
                        .to_vec()
                })
                .collect();
            g.throughput(Throughput::Elements(batch as u64));
            // The combination and the opens alone, on responses verified beforehand: what the
            // threshold path costs beyond the proofs, against the single-office open.
            let verified: Vec<_> = responses
                .iter()
                .map(|r| {
                    PartialDecryptionResponseIn::from_slice(r)
                        .unwrap()
                        .verify(&req, &w.committee, &w.outcomes[0].public)
                        .unwrap()
                })
                .collect();
            g.bench_function(format!("t{t}/{batch}/combine_and_open"), |b| {
                b.iter(|| {
                    let combined = combine(&req, &w.outcomes[0].public, &verified).unwrap();
                    for q in &qs {
                        black_box(q.open_threshold(&combined).unwrap());
                    }
                })
            });
            g.bench_function(format!("t{t}/{batch}"), |b| {
                b.iter(|| {
                    let verified: Vec<_> = responses
                        .iter()
                        .map(|r| {
                            PartialDecryptionResponseIn::from_slice(r)
                                .unwrap()
                                .verify(&req, &w.committee, &w.outcomes[0].public)
                                .unwrap()
                        })
                        .collect();
                    let combined = combine(&req, &w.outcomes[0].public, &verified).unwrap();
                    for q in &qs {
                        black_box(q.open_threshold(&combined).unwrap());
                    }
                })
            });
        }
    }
    g.finish();
}

fn dkg(c: &mut Criterion) {
    let mut rng = ChaCha20Rng::seed_from_u64(4);
    let mut g = c.benchmark_group("threshold/dkg");
    g.sample_size(10);
    for n in [5usize, 16, 64] {
        let t = u16::try_from(n / 2 + 1).unwrap();
        let w = world(&mut rng, n, t);
        let (dealings, _) = deal(&mut rng, &w.committee, &w.keys);
        g.bench_function(format!("n{n}"), |b| {
            b.iter_batched(
                || ChaCha20Rng::seed_from_u64(5),
                |mut r| {
                    let s = DkgRound1::start(&mut r, w.committee.clone(), 1, &w.keys[0].signing).unwrap();
                    let r2 = s.state.receive(&dealings[1..], &w.keys[0].encryption, &w.keys[0].signing).unwrap();
                    black_box(r2.state.finish(&[], &[]).unwrap())
                },
                BatchSize::SmallInput,
            )
        });
    }
    g.finish();
}

/// The criterion entry point (the macro's generated function carries no documentation).
#[allow(missing_docs)]
mod entry {
    use super::{co_office, dkg, primitives, tracing_office};
    criterion::criterion_group!(benches, primitives, co_office, tracing_office, dkg);
}

fn main() {
    entry::benches();
    criterion::Criterion::default().configure_from_args().final_summary();
}
