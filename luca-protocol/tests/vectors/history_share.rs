//! Test vectors: history share (spec: docs/PROTOCOL.md §8.2).
//!
//! Positive cases carry the daily key pair, every plaintext input, `ikm_e`
//! (the 32 bytes the HPKE ephemeral key is derived from:
//! `DeriveKeyPair(ikm_e)`), the plaintext, AAD, `enc`, ciphertext and the
//! message; each is rebuilt here independently (CBOR and HPKE straight from
//! the primitive crates) and must match the library's bytes exactly.
//! `check` names the operation: `open` (`HistoryShareIn::from_slice` then
//! `open(daily_private_key)`) or `seal` (the guest-side rules, no bytes).

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::arithmetic_side_effects,
    clippy::cast_possible_truncation
)]

use ciborium::Value as Cbor;
use luca_protocol::ids::{DailyKeyId, UserId};
use luca_protocol::keys::{DailyPrivateKey, EncryptionPublicKey};
use luca_protocol::messages::history_share::{HistoryShare, HistoryShareIn};
use luca_protocol::secrets::{DailyTracingSecret, DataSecret};
use luca_protocol::time::{UnixTime, UtcDay};
use rand_chacha::ChaCha20Rng;
use rand_core::Rng as _;
use serde_json::{Value, json};

use crate::common::{self, NOW, Topic, hex};

const INFO: &[u8] = b"luca/v1/hpke/history-share";

/// A hostile plaintext case: name, version, days.
type Hostile<'a> = (&'a str, u64, Vec<(u64, Vec<u8>)>);

// ------------------------------------------------ independent implementation

type Kem = hpke::kem::DhP256HkdfSha256;
type Kdf = hpke::kdf::HkdfSha256;
type Aead = hpke::aead::AesGcm128;

pub(crate) fn cbor(v: &Cbor) -> Vec<u8> {
    let mut out = Vec::new();
    ciborium::ser::into_writer(v, &mut out).unwrap();
    out
}

/// HPKE base-mode seal of `pt` to the 65-byte public key `pk`; returns `(enc, ct)`.
pub(crate) fn hpke_seal(rng: &mut ChaCha20Rng, pk: &[u8], info: &[u8], aad: &[u8], pt: &[u8]) -> (Vec<u8>, Vec<u8>) {
    use hpke::{Deserializable as _, Serializable as _};
    let pk = <Kem as hpke::Kem>::PublicKey::from_bytes(pk).unwrap();
    let (enc, ct) =
        hpke::single_shot_seal_with_rng::<Aead, Kdf, Kem>(&hpke::OpModeS::Base, &pk, info, pt, aad, rng).unwrap();
    (enc.to_bytes().to_vec(), ct)
}

/// HPKE base-mode open with the 32-byte private key `sk`.
pub(crate) fn hpke_open(sk: &[u8], enc: &[u8], info: &[u8], aad: &[u8], ct: &[u8]) -> Vec<u8> {
    use hpke::Deserializable as _;
    let sk = <Kem as hpke::Kem>::PrivateKey::from_bytes(sk).unwrap();
    let enc = <Kem as hpke::Kem>::EncappedKey::from_bytes(enc).unwrap();
    hpke::single_shot_open::<Aead, Kdf, Kem>(&hpke::OpModeR::Base, &sk, &enc, info, ct, aad).unwrap()
}

fn aad_of(key_id: u16, created_at: u64) -> Vec<u8> {
    [[1u8].as_slice(), &key_id.to_be_bytes(), &created_at.to_be_bytes()].concat()
}

fn plaintext_of(version: u64, user: &[u8], secret: &[u8], days: &[(u64, Vec<u8>)]) -> Vec<u8> {
    let days =
        days.iter().map(|(d, s)| Cbor::Array(vec![Cbor::Integer((*d).into()), Cbor::Bytes(s.clone())])).collect();
    cbor(&Cbor::Array(vec![
        Cbor::Integer(version.into()),
        Cbor::Bytes(user.to_vec()),
        Cbor::Bytes(secret.to_vec()),
        Cbor::Array(days),
    ]))
}

fn envelope_of(version: u64, key_id: u64, created_at: u64, enc: &[u8], ct: &[u8]) -> Vec<u8> {
    cbor(&Cbor::Array(vec![
        Cbor::Integer(version.into()),
        Cbor::Integer(key_id.into()),
        Cbor::Integer(created_at.into()),
        Cbor::Bytes(enc.to_vec()),
        Cbor::Bytes(ct.to_vec()),
    ]))
}

// ------------------------------------------------------------------ helpers

fn outcome(bytes: &[u8], key: &DailyPrivateKey) -> String {
    match HistoryShareIn::from_slice(bytes) {
        Err(e) => e.kind().to_string(),
        Ok(h) => match h.open(key) {
            Err(e) => e.kind().to_string(),
            Ok(_) => "ok".to_string(),
        },
    }
}

fn days_json(days: &[(u64, Vec<u8>)]) -> Value {
    Value::Array(days.iter().map(|(d, s)| json!({"day": d, "tracing_secret": hex(s)})).collect())
}

struct Keys {
    sk: DailyPrivateKey,
    sk_bytes: Vec<u8>,
    pk: EncryptionPublicKey,
    id: DailyKeyId,
}

fn base(k: &Keys) -> Value {
    json!({
        "daily_private_key": hex(&k.sk_bytes),
        "daily_public_key": hex(k.pk.to_bytes()),
        "daily_key_id": k.id.0,
    })
}

fn merge(a: Value, b: Value) -> Value {
    let (Value::Object(mut a), Value::Object(b)) = (a, b) else { unreachable!() };
    a.extend(b);
    Value::Object(a)
}

/// Seals `n` days ending today through the library and rebuilds it independently.
fn seal(rng: &mut ChaCha20Rng, k: &Keys, n: u32, created_at: UnixTime) -> (Vec<u8>, Value) {
    let user = UserId::random(rng);
    let secret = DataSecret::random(rng);
    let today = created_at.day();
    let tracing: Vec<(UtcDay, DailyTracingSecret)> =
        (0..n).rev().map(|i| (today.minus_days(i), DailyTracingSecret::random(rng))).collect();
    let days: Vec<(UtcDay, &DailyTracingSecret)> = tracing.iter().map(|(d, s)| (*d, s)).collect();
    let mut ikm_e = [0u8; 32];
    rng.clone().fill_bytes(&mut ikm_e);
    let mut indep_rng = rng.clone();
    let hs = HistoryShare::seal(rng, k.id, &k.pk, &user, &secret, &days, created_at).unwrap();
    let raw_days: Vec<(u64, Vec<u8>)> =
        tracing.iter().map(|(d, s)| (u64::from(d.0), s.expose_secret().to_vec())).collect();
    let pt = plaintext_of(1, user.as_bytes(), secret.expose_secret(), &raw_days);
    let aad = aad_of(k.id.0, created_at.0);
    let (enc, ct) = hpke_seal(&mut indep_rng, &k.pk.to_bytes(), INFO, &aad, &pt);
    let bytes = envelope_of(1, u64::from(k.id.0), created_at.0, &enc, &ct);
    assert_eq!(hs.as_bytes(), bytes.as_slice(), "independent rebuild differs");
    assert_eq!(hpke_open(&k.sk_bytes, &enc, INFO, &aad, &ct), pt);
    let opened = HistoryShareIn::from_slice(&bytes).unwrap().open(&k.sk).unwrap();
    assert_eq!(opened.user_id, user);
    assert_eq!(opened.days.len(), n as usize);
    let fields = merge(
        base(k),
        json!({
            "check": "open",
            "created_at": created_at.0,
            "user_id": hex(user.as_bytes()),
            "data_secret": hex(secret.expose_secret()),
            "days": days_json(&raw_days),
            "plaintext": hex(&pt),
            "aad": hex(&aad),
            "ikm_e": hex(ikm_e),
            "enc": hex(&enc),
            "ciphertext": hex(&ct),
            "history_share": hex(&bytes),
        }),
    );
    (bytes, fields)
}

pub fn generate() -> Topic {
    let mut rng = common::rng("history_share");
    let mut t = Topic::new(
        "history_share",
        "History share (docs/PROTOCOL.md §8.2): [1, daily_key_id, created_at, enc, ciphertext], \
         HPKE base mode (DHKEM P-256/HKDF-SHA256/AES-128-GCM) to the daily key, info luca/v1/hpke/history-share, \
         aad = 0x01 || daily_key_id_be16 || created_at_be64; plaintext [1, user_id, data_secret, [* [day, tracing_secret]]], \
         1..=15 strictly increasing days within [day(created_at) - 14, day(created_at)]. Size cap 4096 bytes. \
         `check` names the operation whose result `expect` is.",
    );
    let sk = DailyPrivateKey::generate(&mut rng);
    let k = Keys { sk_bytes: sk.to_bytes().to_vec(), pk: sk.public_key(), id: DailyKeyId::for_day(NOW.day()), sk };

    let (one, f) = seal(&mut rng, &k, 1, NOW);
    t.case("ok_one_day", "ok", f);
    let (full, f) = seal(&mut rng, &k, 15, NOW);
    t.case("ok_fifteen_days", "ok", f);

    let negative = |t: &mut Topic, name: &str, bytes: &[u8], key: &DailyPrivateKey, extra: Value| {
        let kind = outcome(bytes, key);
        assert_ne!(kind, "ok", "{name}");
        let f = merge(
            base(&k),
            merge(
                json!({"check": "open", "daily_private_key": hex(key.to_bytes().as_slice()), "history_share": hex(bytes)}),
                extra,
            ),
        );
        t.case(name, &kind, f);
    };

    // Wrong key, relabelled header, tampering.
    let other = DailyPrivateKey::generate(&mut rng);
    negative(&mut t, "wrong_daily_key", &full, &other, json!({"note": "opened with another daily private key"}));
    let h = HistoryShareIn::from_slice(&one).unwrap();
    let parts = |b: &[u8]| -> (Vec<u8>, Vec<u8>) {
        let Cbor::Array(items) = ciborium::de::from_reader::<Cbor, _>(b).unwrap() else { unreachable!() };
        (items[3].as_bytes().unwrap().clone(), items[4].as_bytes().unwrap().clone())
    };
    let (enc, ct) = parts(&one);
    let id = u64::from(k.id.0);
    let created = h.created_at().0;
    negative(&mut t, "relabelled_daily_key_id", &envelope_of(1, id - 1, created, &enc, &ct), &k.sk, json!({}));
    negative(&mut t, "changed_created_at", &envelope_of(1, id, created - 60, &enc, &ct), &k.sk, json!({}));
    let mut tct = ct.clone();
    tct[5] ^= 0x04;
    negative(&mut t, "tampered_ciphertext", &envelope_of(1, id, created, &enc, &tct), &k.sk, json!({}));
    let mut tenc = enc.clone();
    tenc[64] ^= 0x01;
    negative(&mut t, "enc_not_on_curve", &envelope_of(1, id, created, &tenc, &ct), &k.sk, json!({}));
    negative(&mut t, "enc_compressed", &envelope_of(1, id, created, &enc[..33], &ct), &k.sk, json!({}));

    // Decoding.
    for (name, bytes) in common::truncations_and_trailing(&one) {
        negative(&mut t, &name, &bytes, &k.sk, json!({}));
    }
    negative(&mut t, "wrong_version", &envelope_of(2, id, created, &enc, &ct), &k.sk, json!({}));
    negative(&mut t, "daily_key_id_too_large", &envelope_of(1, 65_536, created, &enc, &ct), &k.sk, json!({}));
    negative(&mut t, "ciphertext_too_long", &envelope_of(1, id, created, &enc, &[0u8; 1041]), &k.sk, json!({}));
    negative(&mut t, "ciphertext_shorter_than_tag", &envelope_of(1, id, created, &enc, &[0u8; 15]), &k.sk, json!({}));
    let mut oversize = full.clone();
    oversize.resize(HistoryShareIn::MAX_LEN + 1, 0);
    negative(&mut t, "oversize", &oversize, &k.sk, json!({}));
    let nested = cbor(&Cbor::Array(vec![
        Cbor::Integer(1.into()),
        Cbor::Array(vec![Cbor::Integer(1.into())]),
        Cbor::Integer(created.into()),
        Cbor::Bytes(enc.clone()),
        Cbor::Bytes(ct.clone()),
    ]));
    negative(&mut t, "nested_array", &nested, &k.sk, json!({}));

    // Hostile plaintexts (sealed correctly to the daily key).
    let today = u64::from(NOW.day().0);
    let user = UserId::random(&mut rng);
    let ds = DataSecret::random(&mut rng);
    let mut ts = [0u8; 32];
    rng.fill_bytes(&mut ts);
    let ts = ts.to_vec();
    let hostile: Vec<Hostile<'_>> = vec![
        ("plaintext_no_days", 1, vec![]),
        ("plaintext_days_not_increasing", 1, vec![(today, ts.clone()), (today - 1, ts.clone())]),
        ("plaintext_duplicate_day", 1, vec![(today - 1, ts.clone()), (today - 1, ts.clone())]),
        ("plaintext_day_after_created_at", 1, vec![(today + 1, ts.clone())]),
        ("plaintext_day_older_than_14_days", 1, vec![(today - 15, ts.clone())]),
        ("plaintext_sixteen_days", 1, (0..16).map(|i| (today - 15 + i, ts.clone())).collect()),
        ("plaintext_short_tracing_secret", 1, vec![(today, ts[..31].to_vec())]),
        ("plaintext_wrong_version", 2, vec![(today, ts.clone())]),
    ];
    for (name, version, days) in hostile {
        let pt = plaintext_of(version, user.as_bytes(), ds.expose_secret(), &days);
        let mut ikm_e = [0u8; 32];
        rng.clone().fill_bytes(&mut ikm_e);
        let (enc, ct) = hpke_seal(&mut rng, &k.pk.to_bytes(), INFO, &aad_of(k.id.0, NOW.0), &pt);
        let bytes = envelope_of(1, id, NOW.0, &enc, &ct);
        negative(
            &mut t,
            name,
            &bytes,
            &k.sk,
            json!({
                "created_at": NOW.0,
                "user_id": hex(user.as_bytes()),
                "data_secret": hex(ds.expose_secret()),
                "days": days_json(&days),
                "plaintext": hex(&pt),
                "ikm_e": hex(ikm_e),
                "note": "correctly sealed to the daily key, bypassing the guest-side rules",
            }),
        );
    }

    // Guest-side rules.
    let mk = |rng: &mut ChaCha20Rng, days: Vec<UtcDay>| -> Vec<(UtcDay, DailyTracingSecret)> {
        days.into_iter().map(|d| (d, DailyTracingSecret::random(rng))).collect()
    };
    let d = NOW.day();
    let seal_cases: Vec<(&str, Vec<UtcDay>)> = vec![
        ("seal_no_days", vec![]),
        ("seal_sixteen_days", (0..16).rev().map(|i| d.minus_days(i)).collect()),
        ("seal_days_not_increasing", vec![d, d.minus_days(1)]),
        ("seal_day_in_future", vec![d.plus_days(1)]),
    ];
    for (name, days) in seal_cases {
        let tracing = mk(&mut rng, days);
        let refs: Vec<(UtcDay, &DailyTracingSecret)> = tracing.iter().map(|(d, s)| (*d, s)).collect();
        let err = HistoryShare::seal(&mut rng, k.id, &k.pk, &user, &ds, &refs, NOW).unwrap_err();
        let raw: Vec<(u64, Vec<u8>)> =
            tracing.iter().map(|(d, s)| (u64::from(d.0), s.expose_secret().to_vec())).collect();
        t.case(name, err.kind(), json!({"check": "seal", "created_at": NOW.0, "days": days_json(&raw)}));
    }
    // Appended (issue 13): a negative integer in a uint field (§2.1 step 8).
    let negative_created = cbor(&Cbor::Array(vec![
        Cbor::Integer(1.into()),
        Cbor::Integer(id.into()),
        Cbor::Integer((-1).into()),
        Cbor::Bytes(enc.clone()),
        Cbor::Bytes(ct.clone()),
    ]));
    assert_eq!(outcome(&negative_created, &k.sk), "invalid_field");
    negative(&mut t, "created_at_negative", &negative_created, &k.sk, json!({}));

    t
}
