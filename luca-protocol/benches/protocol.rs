//! Criterion benchmarks of the protocol's hot paths, side by side with the bare primitives they need, in one run.
//!
//! `cargo bench -p luca-protocol --bench protocol` (RustCrypto backend) and
//! `cargo bench -p luca-protocol --bench protocol --features aws-lc` (AWS-LC backend). Benchmark ids are
//! `<operation>/<backend>` for protocol operations and `primitive/<library>/<operation>` for the bare primitives;
//! docs/PERFORMANCE.md has the tables and ratios.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing, clippy::arithmetic_side_effects)]

mod common;

use std::hint::black_box;

use criterion::{Criterion, Throughput};
use luca_protocol::derive;
use luca_protocol::ids::{DailyKeyId, HealthOfficeId, RequestId, UserId, VenueId};
use luca_protocol::keys::{
    DailyPrivateKey, EncryptionPublicKey, GuestSigningKey, HealthOfficeMasterKeys, TrustAnchorKey, VenuePrivateKey,
};
use luca_protocol::messages::checkin_record::{CheckInRecord, CheckInRecordIn, InnerRecord};
use luca_protocol::messages::consent_response::{ConsentResponseBuilder, ConsentResponseIn};
use luca_protocol::messages::contact_data::{ContactData, ContactDataIn};
use luca_protocol::messages::tracing_request::{TracingRequest, TracingWindow};
use luca_protocol::qr::guest::{DeviceType, GuestCheckInQr, QrFlags};
use luca_protocol::qr::render;
use luca_protocol::secrets::{DailyTracingSecret, DataSecret};
use luca_protocol::time::{UnixMinute, UnixTime, Validity};
use rand_chacha::ChaCha20Rng;
use rand_core::SeedableRng as _;

/// The crypto backend compiled in.
const BACKEND: &str = luca_protocol::CRYPTO_BACKEND;
/// Minutes in a 14-day history.
const HISTORY_MINUTES: u32 = 14 * 24 * 60;
/// A fixed check-in minute (2026-11-18 10:40 UTC).
const MINUTE: UnixMinute = UnixMinute(29_378_080);

struct Guest {
    secret: DailyTracingSecret,
    user_id: UserId,
    data_secret: DataSecret,
}

fn guest(rng: &mut ChaCha20Rng) -> Guest {
    Guest {
        secret: DailyTracingSecret::random(rng),
        user_id: UserId::random(rng),
        data_secret: DataSecret::random(rng),
    }
}

fn flags() -> QrFlags {
    QrFlags { device_type: DeviceType::Android, entry_policy: 0 }
}

fn seal_qr(rng: &mut ChaCha20Rng, g: &Guest, daily: &DailyPrivateKey) -> GuestCheckInQr {
    seal_qr_to(rng, g, &daily.public_key())
}

/// A guest's check-in QR for [`MINUTE`]: the trace id and the HPKE seal to `daily`.
fn seal_qr_to(rng: &mut ChaCha20Rng, g: &Guest, daily: &EncryptionPublicKey) -> GuestCheckInQr {
    let trace_id = derive::guest_trace_id(&g.secret, &g.user_id, MINUTE);
    GuestCheckInQr::seal(
        rng,
        DailyKeyId::for_day(MINUTE.day()),
        daily,
        flags(),
        MINUTE,
        trace_id,
        &g.user_id,
        &g.data_secret,
    )
    .unwrap()
}

/// Guest QR complete (trace id, HPKE seal, Base32 text, QR matrix, SVG) and its parts.
fn guest_qr(c: &mut Criterion) {
    let mut rng = ChaCha20Rng::seed_from_u64(1);
    let daily = DailyPrivateKey::generate(&mut rng);
    let daily_pub = daily.public_key();
    let g = guest(&mut rng);
    let mut group = c.benchmark_group("guest_qr");
    group.bench_function(format!("complete/{BACKEND}"), |b| {
        b.iter(|| {
            // Exactly the work of `crypto_only` below, then the Base32 text and the SVG (which builds the matrix).
            let text = seal_qr_to(&mut rng, &g, &daily_pub).to_base32();
            black_box(render::render_svg(&text).unwrap())
        })
    });
    group.bench_function(format!("crypto_only/{BACKEND}"), |b| {
        b.iter(|| black_box(seal_qr_to(&mut rng, &g, &daily_pub)))
    });
    let text = seal_qr(&mut rng, &g, &daily).to_base32();
    group.bench_function("qr_matrix", |b| b.iter(|| black_box(render::render_matrix(black_box(&text)).unwrap())));
    group.bench_function("svg", |b| b.iter(|| black_box(render::render_svg(black_box(&text)).unwrap())));
    group.finish();
}

/// Scanner processing per check-in: decode the scanned text, wrap, seal the outer layer to the venue key.
fn scanner(c: &mut Criterion) {
    let mut rng = ChaCha20Rng::seed_from_u64(2);
    let daily = DailyPrivateKey::generate(&mut rng);
    let venue = VenuePrivateKey::generate(&mut rng);
    let venue_pub = venue.public_key();
    let venue_id = VenueId::random(&mut rng);
    let g = guest(&mut rng);
    let text = seal_qr(&mut rng, &g, &daily).to_base32();
    c.bench_function(&format!("scanner_checkin/{BACKEND}"), |b| {
        b.iter(|| {
            let qr = GuestCheckInQr::from_base32(black_box(&text)).unwrap();
            let (trace_id, minute) = (qr.trace_id(), qr.minute());
            let record =
                CheckInRecord::seal(&mut rng, venue_id, &venue_pub, &InnerRecord::Guest(qr), trace_id, minute).unwrap();
            black_box(record.to_bytes())
        })
    });
}

/// Trace ids of a 14-day history (20,160 minutes), and the bare HMAC + SHA-256 it needs.
fn trace_ids(c: &mut Criterion) {
    let mut rng = ChaCha20Rng::seed_from_u64(3);
    let g = guest(&mut rng);
    let first = UnixMinute(MINUTE.0 - HISTORY_MINUTES);
    let mut group = c.benchmark_group("trace_ids_14_days");
    group.throughput(Throughput::Elements(u64::from(HISTORY_MINUTES)));
    group.sample_size(10);
    group.bench_function(BACKEND, |b| {
        b.iter(|| {
            let mut acc = 0u8;
            for m in 0..HISTORY_MINUTES {
                acc ^= derive::guest_trace_id(&g.secret, &g.user_id, UnixMinute(first.0 + m)).as_bytes()[0];
            }
            black_box(acc)
        })
    });
    group.finish();
}

/// Two-layer decrypt per record: the venue opens the outer layer, the health office opens the guest QR inside.
fn two_layer_decrypt(c: &mut Criterion) {
    let mut rng = ChaCha20Rng::seed_from_u64(4);
    let daily = DailyPrivateKey::generate(&mut rng);
    let venue = VenuePrivateKey::generate(&mut rng);
    let venue_id = VenueId::random(&mut rng);
    let g = guest(&mut rng);
    let qr = seal_qr(&mut rng, &g, &daily);
    let (trace_id, minute) = (qr.trace_id(), qr.minute());
    let record =
        CheckInRecord::seal(&mut rng, venue_id, &venue.public_key(), &InnerRecord::Guest(qr), trace_id, minute)
            .unwrap();
    let bytes = record.to_bytes();
    let mut group = c.benchmark_group("two_layer_decrypt");
    group.bench_function(format!("per_record/{BACKEND}"), |b| {
        b.iter(|| {
            let rec = CheckInRecordIn::from_slice(black_box(&bytes)).unwrap();
            let inner = rec.open(&venue).unwrap();
            match inner {
                InnerRecord::Guest(qr) => black_box(qr.open(&daily).unwrap()),
                InnerRecord::Badge(_) => unreachable!(),
            }
        })
    });
    group.bench_function(format!("outer_only/{BACKEND}"), |b| {
        b.iter(|| black_box(CheckInRecordIn::from_slice(black_box(&bytes)).unwrap().open(&venue).unwrap()))
    });
    group.finish();
}

/// Check-ins per consent response in [`health_office_record`].
const CONSENT_RECORDS: usize = 64;

/// The health office's two-layer decrypt and verify per record: open the consent response's entry (layer 1, HPKE
/// to the office's encryption key), open the guest QR inside (layer 2, HPKE to the daily key), then decrypt and
/// verify the guest's contact data (AES-GCM and the guest's ECDSA signature). One iteration handles a response of
/// [`CONSENT_RECORDS`] check-ins; the figure per record is the iteration time divided by that number.
struct HoRecords {
    request: TracingRequest,
    office: HealthOfficeMasterKeys,
    daily: DailyPrivateKey,
    contacts: std::collections::HashMap<UserId, Vec<u8>>,
    response: Vec<u8>,
}

impl HoRecords {
    fn new() -> Self {
        let mut rng = ChaCha20Rng::seed_from_u64(6);
        let anchor = TrustAnchorKey::generate(&mut rng);
        let office = HealthOfficeMasterKeys::generate(&mut rng);
        let now = UnixTime(MINUTE.start().0 + 3_600);
        let validity = Validity { not_before: UnixTime(now.0 - 86_400), not_after: UnixTime(now.0 + 365 * 86_400) };
        let cert = common::office_certificate(
            &anchor,
            HealthOfficeId::random(&mut rng),
            "Gesundheitsamt Benchmark",
            &office,
            validity,
        );
        let venue_id = VenueId::random(&mut rng);
        let window = TracingWindow { from: UnixTime(MINUTE.start().0 - 3 * 3_600), to: now };
        let request = TracingRequest::sign(
            &office.signing,
            RequestId::random(&mut rng),
            cert.id(),
            venue_id,
            window,
            now,
            UnixTime(now.0 + 86_400),
        )
        .unwrap();
        let daily = DailyPrivateKey::generate(&mut rng);
        let fields = common::contact_fields();
        let mut builder = ConsentResponseBuilder::new(&request, &cert).unwrap();
        let mut contacts = std::collections::HashMap::new();
        for _ in 0..CONSENT_RECORDS {
            let g = guest(&mut rng);
            let qr = seal_qr(&mut rng, &g, &daily);
            let signing = GuestSigningKey::generate(&mut rng);
            let data = ContactData::seal(&mut rng, &signing, g.user_id, &g.data_secret, &fields, now).unwrap();
            contacts.insert(g.user_id, data.to_bytes());
            builder.add(&mut rng, qr.trace_id(), qr.minute(), &InnerRecord::Guest(qr), None).unwrap();
        }
        let response = builder.finish().to_bytes();
        Self { request, office, daily, contacts, response }
    }

    /// One response of [`CONSENT_RECORDS`] records, opened, decrypted and verified.
    fn run(&self) {
        let entries = ConsentResponseIn::from_slice(black_box(&self.response))
            .unwrap()
            .open(&self.request, &self.office.encryption);
        for e in entries.unwrap() {
            let secrets = match &e.inner {
                InnerRecord::Guest(qr) => qr.open(&self.daily).unwrap(),
                InnerRecord::Badge(_) => unreachable!(),
            };
            let data = ContactDataIn::from_slice(&self.contacts[&secrets.user_id]).unwrap();
            black_box(data.open(&secrets.user_id, &secrets.data_secret).unwrap());
        }
    }
}

fn health_office_record(c: &mut Criterion) {
    let records = HoRecords::new();
    let mut group = c.benchmark_group("health_office_record");
    group.throughput(Throughput::Elements(CONSENT_RECORDS as u64));
    group.bench_function(format!("consent_{CONSENT_RECORDS}/{BACKEND}"), |b| b.iter(|| records.run()));
    group.finish();
}

/// The bare primitives, RustCrypto (always) and AWS-LC (with the `aws-lc` feature), measured in the same run.
fn primitives(c: &mut Criterion) {
    rustcrypto_primitives(c);
    #[cfg(feature = "aws-lc")]
    awslc_primitives(c);
}

fn rustcrypto_primitives(c: &mut Criterion) {
    use aes_gcm::aead::{Aead as _, KeyInit as _, Payload};
    use hmac::Mac as _;
    use hpke::Kem as _;
    use p256::ecdsa::signature::{Signer as _, Verifier as _};
    use sha2::Digest as _;

    type Kem = hpke::kem::DhP256HkdfSha256;
    type Kdf = hpke::kdf::HkdfSha256;
    type Aead = hpke::aead::AesGcm128;

    let mut rng = ChaCha20Rng::seed_from_u64(6);
    let sk = <p256::SecretKey as p256::elliptic_curve::Generate>::generate_from_rng(&mut rng);
    let peer = <p256::SecretKey as p256::elliptic_curve::Generate>::generate_from_rng(&mut rng).public_key();
    let mut group = c.benchmark_group("primitive/rustcrypto");
    group.bench_function("ecdh_p256", |b| {
        b.iter(|| black_box(p256::ecdh::diffie_hellman(sk.to_nonzero_scalar(), peer.as_affine())))
    });
    let sk_bytes = sk.to_bytes();
    group.bench_function("ecdh_p256_incl_public_key", |b| {
        b.iter(|| {
            let k = p256::SecretKey::from_slice(black_box(&sk_bytes)).unwrap();
            black_box(k.public_key());
            black_box(p256::ecdh::diffie_hellman(k.to_nonzero_scalar(), peer.as_affine()))
        })
    });
    let compressed = {
        use p256::elliptic_curve::sec1::ToSec1Point as _;
        peer.to_sec1_point(true).as_bytes().to_vec()
    };
    group.bench_function("p256_decompress_point", |b| {
        b.iter(|| black_box(p256::PublicKey::from_sec1_bytes(black_box(&compressed)).unwrap()))
    });
    let uncompressed = {
        use p256::elliptic_curve::sec1::ToSec1Point as _;
        peer.to_sec1_point(false).as_bytes().to_vec()
    };
    group.bench_function("p256_parse_uncompressed_point", |b| {
        b.iter(|| black_box(p256::PublicKey::from_sec1_bytes(black_box(&uncompressed)).unwrap()))
    });
    group.bench_function("p256_serialize_uncompressed_point", |b| {
        use p256::elliptic_curve::sec1::ToSec1Point as _;
        b.iter(|| black_box(black_box(&peer).to_sec1_point(false)))
    });
    let signing = p256::ecdsa::SigningKey::from(&sk);
    let verifying = p256::ecdsa::VerifyingKey::from(sk.public_key());
    let msg = [7u8; 200];
    let sig: p256::ecdsa::Signature = signing.sign(&msg);
    group.bench_function("ecdsa_p256_sign", |b| {
        b.iter(|| black_box::<p256::ecdsa::Signature>(signing.sign(black_box(&msg))))
    });
    group.bench_function("ecdsa_p256_verify", |b| b.iter(|| verifying.verify(black_box(&msg), &sig).unwrap()));
    let key = [9u8; 32];
    group.bench_function("hmac_sha256_64B", |b| {
        b.iter(|| {
            let mut mac = <hmac::Hmac<sha2::Sha256> as hmac::KeyInit>::new_from_slice(&key).unwrap();
            mac.update(black_box(&msg[..64]));
            black_box(mac.finalize().into_bytes())
        })
    });
    group.bench_function("sha256_64B", |b| b.iter(|| black_box(sha2::Sha256::digest(black_box(&msg[..64])))));
    let gcm = aes_gcm::Aes128Gcm::new(&[3u8; 16].into());
    let nonce = [4u8; 12];
    let ct = gcm.encrypt(&nonce.into(), Payload { msg: &msg[..112], aad: b"aad" }).unwrap();
    group.bench_function("aes128gcm_seal_112B", |b| {
        b.iter(|| {
            let k = aes_gcm::Aes128Gcm::new(&[3u8; 16].into());
            black_box(k.encrypt(&nonce.into(), Payload { msg: black_box(&msg[..112]), aad: b"aad" }).unwrap())
        })
    });
    group.bench_function("aes128gcm_open_112B", |b| {
        b.iter(|| {
            let k = aes_gcm::Aes128Gcm::new(&[3u8; 16].into());
            black_box(k.decrypt(&nonce.into(), Payload { msg: black_box(&ct), aad: b"aad" }).unwrap())
        })
    });
    let (sk_r, pk_r) = Kem::gen_keypair_with_rng(&mut rng);
    let seal = |r: &mut ChaCha20Rng| {
        let (enc, mut ctx) =
            hpke::setup_sender_with_rng::<Aead, Kdf, Kem>(&hpke::OpModeS::Base, &pk_r, b"info", r).unwrap();
        (enc, ctx.seal(&msg[..112], b"aad").unwrap())
    };
    group.bench_function("hpke_seal_112B", |b| b.iter(|| black_box(seal(&mut rng))));
    let (enc, sealed) = seal(&mut rng);
    group.bench_function("hpke_open_112B", |b| {
        b.iter(|| {
            let mut ctx = hpke::setup_receiver::<Aead, Kdf, Kem>(&hpke::OpModeR::Base, &sk_r, &enc, b"info").unwrap();
            black_box(ctx.open(black_box(&sealed), b"aad").unwrap())
        })
    });
    group.finish();
}

/// The AWS-LC primitives the health office's per-record path needs, each on one fixed input (what `openssl speed`
/// and most primitive benchmarks measure).
#[cfg(feature = "aws-lc")]
struct AwsLcPrimitives {
    sk: aws_lc_rs::agreement::PrivateKey,
    peer: Vec<u8>,
    pk: Vec<u8>,
    msg: [u8; 200],
    sig: Vec<u8>,
    ct: Vec<u8>,
}

#[cfg(feature = "aws-lc")]
impl AwsLcPrimitives {
    const NONCE: [u8; 12] = [4u8; 12];

    fn new() -> Self {
        use aws_lc_rs::{aead, agreement, signature};
        let rng = aws_lc_rs::rand::SystemRandom::new();
        let sk = agreement::PrivateKey::generate(&agreement::ECDH_P256).unwrap();
        let peer = agreement::PrivateKey::generate(&agreement::ECDH_P256).unwrap().compute_public_key().unwrap();
        let pkcs8 = signature::EcdsaKeyPair::generate_pkcs8(&signature::ECDSA_P256_SHA256_FIXED_SIGNING, &rng).unwrap();
        let kp =
            signature::EcdsaKeyPair::from_pkcs8(&signature::ECDSA_P256_SHA256_FIXED_SIGNING, pkcs8.as_ref()).unwrap();
        let msg = [7u8; 200];
        let sig = kp.sign(&rng, &msg).unwrap().as_ref().to_vec();
        let pk = signature::KeyPair::public_key(&kp).as_ref().to_vec();
        let mut ct = msg[..112].to_vec();
        Self::gcm_key(&[3u8; 16])
            .seal_in_place_append_tag(aead::Nonce::assume_unique_for_key(Self::NONCE), aead::Aad::from(b"aad"), &mut ct)
            .unwrap();
        Self { sk, peer: peer.as_ref().to_vec(), pk, msg, sig, ct }
    }

    fn gcm_key(key: &[u8; 16]) -> aws_lc_rs::aead::LessSafeKey {
        use aws_lc_rs::aead;
        aead::LessSafeKey::new(aead::UnboundKey::new(&aead::AES_128_GCM, key).unwrap())
    }

    fn ecdh(sk: &aws_lc_rs::agreement::PrivateKey, peer: &[u8]) {
        use aws_lc_rs::agreement;
        agreement::agree(sk, agreement::UnparsedPublicKey::new(&agreement::ECDH_P256, peer), (), |s| {
            Ok(black_box(s.len()))
        })
        .unwrap();
    }

    fn verify(pk: &[u8], msg: &[u8], sig: &[u8]) {
        use aws_lc_rs::signature;
        signature::UnparsedPublicKey::new(&signature::ECDSA_P256_SHA256_FIXED, pk).verify(black_box(msg), sig).unwrap();
    }

    fn gcm_open(key: &[u8; 16], ct: &[u8]) {
        use aws_lc_rs::aead;
        let mut buf = black_box(ct).to_vec();
        let n = Self::gcm_key(key)
            .open_in_place(aead::Nonce::assume_unique_for_key(Self::NONCE), aead::Aad::from(b"aad"), &mut buf)
            .unwrap()
            .len();
        black_box(n);
    }
}

/// The same primitives over inputs as varied as the health office's records: [`CONSENT_RECORDS`] records, each with
/// its own two peer points (the consent entry's and the guest QR's `enc`), its own AES-GCM key and its own guest
/// key, message and signature, against one office key and one daily key. A loop over one fixed input (above) lets
/// the branch predictor learn the variable-time verification; this one does not. With `varied = false` every record
/// is the first one: the same composition over one fixed input, which shows that the difference to the fixed-input
/// loops comes from the inputs, not from composing the primitives (docs/PERFORMANCE.md).
#[cfg(feature = "aws-lc")]
struct AwsLcRecordPrimitives {
    office: aws_lc_rs::agreement::PrivateKey,
    daily: aws_lc_rs::agreement::PrivateKey,
    records: Vec<AwsLcRecordInput>,
}

#[cfg(feature = "aws-lc")]
#[derive(Clone)]
struct AwsLcRecordInput {
    consent_enc: Vec<u8>,
    qr_enc: Vec<u8>,
    gcm_key: [u8; 16],
    ct: Vec<u8>,
    guest_key: Vec<u8>,
    msg: [u8; 200],
    sig: Vec<u8>,
}

#[cfg(feature = "aws-lc")]
impl AwsLcRecordPrimitives {
    fn new(varied: bool) -> Self {
        use aws_lc_rs::{aead, agreement, signature};
        let rng = aws_lc_rs::rand::SystemRandom::new();
        let point = || {
            agreement::PrivateKey::generate(&agreement::ECDH_P256)
                .unwrap()
                .compute_public_key()
                .unwrap()
                .as_ref()
                .to_vec()
        };
        let records: Vec<AwsLcRecordInput> = (0..if varied { CONSENT_RECORDS } else { 1 })
            .map(|i| {
                let gcm_key = [u8::try_from(i).unwrap(); 16];
                let mut msg = [7u8; 200];
                msg[0] = u8::try_from(i).unwrap();
                let mut ct = msg[..112].to_vec();
                AwsLcPrimitives::gcm_key(&gcm_key)
                    .seal_in_place_append_tag(
                        aead::Nonce::assume_unique_for_key(AwsLcPrimitives::NONCE),
                        aead::Aad::from(b"aad"),
                        &mut ct,
                    )
                    .unwrap();
                let pkcs8 =
                    signature::EcdsaKeyPair::generate_pkcs8(&signature::ECDSA_P256_SHA256_FIXED_SIGNING, &rng).unwrap();
                let kp =
                    signature::EcdsaKeyPair::from_pkcs8(&signature::ECDSA_P256_SHA256_FIXED_SIGNING, pkcs8.as_ref())
                        .unwrap();
                let sig = kp.sign(&rng, &msg).unwrap().as_ref().to_vec();
                let guest_key = signature::KeyPair::public_key(&kp).as_ref().to_vec();
                AwsLcRecordInput { consent_enc: point(), qr_enc: point(), gcm_key, ct, guest_key, msg, sig }
            })
            .collect();
        let records = records.into_iter().cycle().take(CONSENT_RECORDS).collect();
        Self {
            office: agreement::PrivateKey::generate(&agreement::ECDH_P256).unwrap(),
            daily: agreement::PrivateKey::generate(&agreement::ECDH_P256).unwrap(),
            records,
        }
    }

    /// 2 × ECDH + AES-GCM open + ECDSA verify for each of the [`CONSENT_RECORDS`] records.
    fn run(&self) {
        for r in &self.records {
            AwsLcPrimitives::ecdh(&self.office, &r.consent_enc);
            AwsLcPrimitives::ecdh(&self.daily, &r.qr_enc);
            AwsLcPrimitives::gcm_open(&r.gcm_key, &r.ct);
            AwsLcPrimitives::verify(&r.guest_key, &r.msg, &r.sig);
        }
    }
}

#[cfg(feature = "aws-lc")]
fn awslc_primitives(c: &mut Criterion) {
    use aws_lc_rs::encoding::AsBigEndian as _;
    use aws_lc_rs::{agreement, digest, hmac, signature};

    let p = AwsLcPrimitives::new();
    let mut group = c.benchmark_group("primitive/aws-lc");
    group.bench_function("ecdh_p256", |b| b.iter(|| AwsLcPrimitives::ecdh(&p.sk, &p.peer)));
    let sk_bytes: aws_lc_rs::encoding::EcPrivateKeyBin<'static> = p.sk.as_be_bytes().unwrap();
    group.bench_function("ecdh_p256_incl_key_parse", |b| {
        b.iter(|| {
            let k = agreement::PrivateKey::from_private_key(&agreement::ECDH_P256, sk_bytes.as_ref()).unwrap();
            AwsLcPrimitives::ecdh(&k, &p.peer)
        })
    });
    let rng = aws_lc_rs::rand::SystemRandom::new();
    let pkcs8 = signature::EcdsaKeyPair::generate_pkcs8(&signature::ECDSA_P256_SHA256_FIXED_SIGNING, &rng).unwrap();
    let kp = signature::EcdsaKeyPair::from_pkcs8(&signature::ECDSA_P256_SHA256_FIXED_SIGNING, pkcs8.as_ref()).unwrap();
    group.bench_function("ecdsa_p256_sign_random_nonce", |b| {
        b.iter(|| black_box(kp.sign(&rng, black_box(&p.msg)).unwrap()))
    });
    group.bench_function("ecdsa_p256_verify", |b| b.iter(|| AwsLcPrimitives::verify(&p.pk, &p.msg, &p.sig)));
    group.bench_function("hmac_sha256_64B", |b| {
        b.iter(|| {
            let k = hmac::Key::new(hmac::HMAC_SHA256, &[9u8; 32]);
            black_box(hmac::sign(&k, black_box(&p.msg[..64])))
        })
    });
    group.bench_function("sha256_64B", |b| {
        b.iter(|| black_box(digest::digest(&digest::SHA256, black_box(&p.msg[..64]))))
    });
    group.bench_function("aes128gcm_seal_112B", |b| {
        b.iter(|| {
            let mut buf = black_box(&p.msg[..112]).to_vec();
            AwsLcPrimitives::gcm_key(&[3u8; 16])
                .seal_in_place_append_tag(
                    aws_lc_rs::aead::Nonce::assume_unique_for_key(AwsLcPrimitives::NONCE),
                    aws_lc_rs::aead::Aad::from(b"aad"),
                    &mut buf,
                )
                .unwrap();
            black_box(buf)
        })
    });
    group.bench_function("aes128gcm_open_112B", |b| b.iter(|| AwsLcPrimitives::gcm_open(&[3u8; 16], &p.ct)));
    let varied = AwsLcRecordPrimitives::new(true);
    let same = AwsLcRecordPrimitives::new(false);
    group.throughput(Throughput::Elements(CONSENT_RECORDS as u64));
    group.bench_function(format!("ho_record_primitives_{CONSENT_RECORDS}"), |b| b.iter(|| varied.run()));
    group.bench_function(format!("ho_record_primitives_{CONSENT_RECORDS}_same_input"), |b| b.iter(|| same.run()));
    group.finish();
}

/// The HO per-record ratio measured pairwise: criterion measures each benchmark in turn, seconds apart, and on a
/// shared machine the speed drifts by several per cent between them (docs/PERFORMANCE.md). Here the protocol path
/// and its bare primitives alternate in short rounds (about 0.1 s each), so a drift hits both sides of a round
/// alike, and the ratio is the median over the rounds.
///
/// Runs after the criterion benchmarks under `aws-lc` when no filter is given or the filter is a substring of
/// `paired/health_office_record`; prints one line starting with `paired/` that `perf_tables.py` reads.
#[cfg(feature = "aws-lc")]
mod paired {
    use std::time::Instant;

    use super::{AwsLcPrimitives, AwsLcRecordPrimitives, CONSENT_RECORDS, HoRecords};

    /// Rounds; each takes about 0.1 s.
    const ROUNDS: usize = 41;
    /// Responses of [`CONSENT_RECORDS`] records per side and round.
    const BATCHES: usize = 4;
    /// Calls of each isolated primitive per round.
    const CALLS: usize = 200;
    /// The id of the printed line.
    const ID: &str = "paired/health_office_record/aws-lc";

    /// Whether the command line selects this measurement (see the module docs).
    pub(super) fn selected() -> bool {
        let args: Vec<String> = std::env::args().skip(1).collect();
        if !args.iter().any(|a| a == "--bench") || args.iter().any(|a| a == "--list" || a == "--test") {
            return false;
        }
        // Criterion's options that take a value: their values are not filters.
        const WITH_VALUE: [&str; 14] = [
            "--warm-up-time",
            "--measurement-time",
            "--sample-size",
            "--save-baseline",
            "--baseline",
            "--baseline-lenient",
            "--load-baseline",
            "--color",
            "--output-format",
            "--profile-time",
            "--noise-threshold",
            "--confidence-level",
            "--significance-level",
            "--nresamples",
        ];
        let mut filter = None;
        let mut it = args.iter();
        while let Some(a) = it.next() {
            if WITH_VALUE.contains(&a.as_str()) {
                it.next();
            } else if !a.starts_with('-') {
                filter = Some(a.as_str());
            }
        }
        filter.is_none_or(|f| ID.contains(f))
    }

    /// Seconds per call of `f`, over `n` calls.
    fn per_call(n: usize, mut f: impl FnMut()) -> f64 {
        let t = Instant::now();
        for _ in 0..n {
            f();
        }
        t.elapsed().as_secs_f64() / n as f64
    }

    fn median(v: &mut [f64]) -> f64 {
        v.sort_by(f64::total_cmp);
        v[v.len() / 2]
    }

    /// The `percent`th percentile (nearest rank below).
    fn percentile(v: &mut [f64], percent: usize) -> f64 {
        v.sort_by(f64::total_cmp);
        v[(v.len() - 1) * percent / 100]
    }

    pub(super) fn run() {
        let ours = HoRecords::new();
        let varied = AwsLcRecordPrimitives::new(true);
        let p = AwsLcPrimitives::new();
        let records = (BATCHES * CONSENT_RECORDS) as f64;
        // Warm up both sides.
        per_call(BATCHES * 2, || ours.run());
        per_call(BATCHES * 2, || varied.run());
        let (mut t_ours, mut t_iso, mut t_var, mut r_iso, mut r_var) = (vec![], vec![], vec![], vec![], vec![]);
        for round in 0..ROUNDS {
            let ours_per_record = || per_call(BATCHES, || ours.run()) * BATCHES as f64 / records;
            let varied_per_record = || per_call(BATCHES, || varied.run()) * BATCHES as f64 / records;
            // Alternate which side goes first.
            let (ours_s, var_s) = if round % 2 == 0 {
                let o = ours_per_record();
                (o, varied_per_record())
            } else {
                let v = varied_per_record();
                (ours_per_record(), v)
            };
            let ecdh = per_call(CALLS, || AwsLcPrimitives::ecdh(&p.sk, &p.peer));
            let verify = per_call(CALLS, || AwsLcPrimitives::verify(&p.pk, &p.msg, &p.sig));
            let gcm = per_call(CALLS * 10, || AwsLcPrimitives::gcm_open(&[3u8; 16], &p.ct));
            let iso = 2.0 * ecdh + gcm + verify;
            t_ours.push(ours_s);
            t_iso.push(iso);
            t_var.push(var_s);
            r_iso.push(iso / ours_s);
            r_var.push(var_s / ours_s);
        }
        let us = |s: f64| s * 1e6;
        println!(
            "{ID}: rounds {ROUNDS}; per record (medians): ours {:.2} µs, bare isolated {:.2} µs, bare varied {:.2} µs; \
             ratio bare isolated / ours: median {:.3} (p10 {:.3}, p90 {:.3}); \
             ratio bare varied / ours: median {:.3} (p10 {:.3}, p90 {:.3})",
            us(median(&mut t_ours)),
            us(median(&mut t_iso)),
            us(median(&mut t_var)),
            median(&mut r_iso),
            percentile(&mut r_iso, 10),
            percentile(&mut r_iso, 90),
            median(&mut r_var),
            percentile(&mut r_var, 10),
            percentile(&mut r_var, 90),
        );
    }
}

/// The criterion entry point (the macro's generated function carries no documentation).
#[allow(missing_docs)]
mod entry {
    use super::{guest_qr, health_office_record, primitives, scanner, trace_ids, two_layer_decrypt};
    criterion::criterion_group!(
        benches,
        guest_qr,
        scanner,
        trace_ids,
        two_layer_decrypt,
        health_office_record,
        primitives
    );
}
fn main() {
    entry::benches();
    #[cfg(feature = "aws-lc")]
    if paired::selected() {
        paired::run();
    }
    criterion::Criterion::default().configure_from_args().final_summary();
}
