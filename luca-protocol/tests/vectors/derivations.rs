//! Test vectors: every derivation of `luca_protocol::derive` (spec: docs/PROTOCOL.md §4.1, §4.2).
//!
//! Each case names the derivation in `function`; inputs and outputs are
//! lowercase hex (integers as JSON numbers).

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::arithmetic_side_effects,
    clippy::cast_possible_truncation,
    clippy::panic
)]

use luca_protocol::derive;
use luca_protocol::ids::{HealthOfficeId, TraceId, UserId};
use luca_protocol::secrets::{BadgeTraceKey, CheckoutProof, DailyTracingSecret, DataSecret};
use luca_protocol::time::UnixMinute;
use rand_core::Rng as _;
use serde_json::json;

use crate::common::{self, NOW, Topic, hex};

pub fn generate() -> Topic {
    let mut rng = common::rng("derivations");
    let mut t = Topic::new(
        "derivations",
        "Every derivation of protocol v1 (docs/PROTOCOL.md §4.1, §4.2): checkout proof, badge checkout proof, \
         trace id, contact-data key, notification hash, guest QR checksum, tracing request hash, badge seed \
         (Argon2id), badge secrets and badge trace key. `function` names the derivation.",
    );
    let now = NOW.minute();

    // checkout_proof + trace_id + guest_trace_id
    for (i, minute) in [now, UnixMinute(now.0 + 1), UnixMinute(0), UnixMinute(u32::MAX)].into_iter().enumerate() {
        let secret = DailyTracingSecret::random(&mut rng);
        let user_id = UserId::random(&mut rng);
        let proof = derive::checkout_proof(&secret, &user_id, minute);
        let trace = derive::trace_id(&proof);
        assert_eq!(derive::guest_trace_id(&secret, &user_id, minute), trace);
        assert!(derive::proof_matches(&proof, &trace));
        t.case(
            &format!("checkout_proof_{}", i + 1),
            "ok",
            json!({
                "function": "checkout_proof",
                "daily_tracing_secret": hex(secret.expose_secret()),
                "user_id": hex(user_id.as_bytes()),
                "minute": minute.0,
                "minute_be32": hex(minute.to_be_bytes()),
                "checkout_proof": hex(proof.expose_secret()),
                "trace_id": hex(trace.as_bytes()),
            }),
        );
    }

    // trace_id alone, from an arbitrary proof
    for i in 0..2 {
        let mut p = [0u8; 32];
        rng.fill_bytes(&mut p);
        let proof = CheckoutProof::from_slice(&p).unwrap();
        t.case(
            &format!("trace_id_{}", i + 1),
            "ok",
            json!({
                "function": "trace_id",
                "checkout_proof": hex(p),
                "trace_id": hex(derive::trace_id(&proof).as_bytes()),
            }),
        );
    }

    // guest_trace_id: one day's first and last minute for one secret (what an HO computes)
    {
        let secret = DailyTracingSecret::random(&mut rng);
        let user_id = UserId::random(&mut rng);
        let day = NOW.day();
        let first = day.first_minute();
        let last = day.minutes().last().unwrap();
        for (name, minute) in [("guest_trace_id_first_minute", first), ("guest_trace_id_last_minute", last)] {
            t.case(
                name,
                "ok",
                json!({
                    "function": "guest_trace_id",
                    "daily_tracing_secret": hex(secret.expose_secret()),
                    "user_id": hex(user_id.as_bytes()),
                    "minute": minute.0,
                    "trace_id": hex(derive::guest_trace_id(&secret, &user_id, minute).as_bytes()),
                }),
            );
        }
    }

    // badge_checkout_proof
    for i in 0..2u32 {
        let mut k = [0u8; 16];
        rng.fill_bytes(&mut k);
        let key = BadgeTraceKey::from_slice(&k).unwrap();
        let minute = UnixMinute(now.0 + i);
        let proof = derive::badge_checkout_proof(&key, minute);
        t.case(
            &format!("badge_checkout_proof_{}", i + 1),
            "ok",
            json!({
                "function": "badge_checkout_proof",
                "badge_trace_key": hex(k),
                "minute": minute.0,
                "checkout_proof": hex(proof.expose_secret()),
                "trace_id": hex(derive::trace_id(&proof).as_bytes()),
            }),
        );
    }

    // contact_data_key
    for i in 0..2 {
        let ds = DataSecret::random(&mut rng);
        t.case(
            &format!("contact_data_key_{}", i + 1),
            "ok",
            json!({
                "function": "contact_data_key",
                "data_secret": hex(ds.expose_secret()),
                "contact_data_key": hex(derive::contact_data_key(&ds).expose_secret()),
            }),
        );
    }

    // notification_hash, levels 0..=3 for one trace id and office
    {
        let trace = TraceId::random(&mut rng);
        let office = HealthOfficeId::random(&mut rng);
        for level in 0u8..=3 {
            t.case(
                &format!("notification_hash_level_{level}"),
                "ok",
                json!({
                    "function": "notification_hash",
                    "trace_id": hex(trace.as_bytes()),
                    "health_office_id": hex(office.as_bytes()),
                    "level": level,
                    "notification_hash": hex(derive::notification_hash(&trace, &office, level)),
                }),
            );
        }
    }

    // qr_checksum over a 105-byte body
    for i in 0..2 {
        let mut body = [0u8; 105];
        rng.fill_bytes(&mut body);
        body[0] = 0x01;
        t.case(
            &format!("qr_checksum_{}", i + 1),
            "ok",
            json!({
                "function": "qr_checksum",
                "body": hex(body),
                "checksum": hex(derive::qr_checksum(&body)),
            }),
        );
    }

    // tracing_request_hash over arbitrary bytes
    for (i, len) in [0usize, 1, 300].into_iter().enumerate() {
        let mut req = vec![0u8; len];
        rng.fill_bytes(&mut req);
        t.case(
            &format!("tracing_request_hash_{}", i + 1),
            "ok",
            json!({
                "function": "tracing_request_hash",
                "tracing_request": hex(&req),
                "tracing_request_hash": hex(derive::tracing_request_hash(&req)),
            }),
        );
    }

    // badge_seed (one Argon2id case, slow) and badge_secrets
    {
        let serial_value = rng.next_u64() & ((1u64 << 60) - 1);
        let serial = luca_protocol::badge_serial::BadgeSerial::from_be_bytes(serial_value.to_be_bytes()).unwrap();
        let seed = derive::badge_seed(&serial).unwrap();
        let s = derive::badge_secrets(&seed).unwrap();
        assert_eq!(derive::badge_trace_key(&s.tracing_secret), s.trace_key);
        t.case(
            "badge_seed_and_secrets",
            "ok",
            json!({
                "function": "badge_seed",
                "serial_value": serial_value,
                "serial_be64": hex(serial_value.to_be_bytes()),
                "argon2_m_kib": derive::BADGE_ARGON2_M_KIB,
                "argon2_t": derive::BADGE_ARGON2_T,
                "argon2_p": 1,
                "badge_seed": hex(seed.expose_secret()),
                "user_id": hex(s.user_id.as_bytes()),
                "data_secret": hex(s.data_secret.expose_secret()),
                "tracing_secret": hex(s.tracing_secret.expose_secret()),
                "signing_private_key": hex(s.signing_key.to_bytes().as_slice()),
                "signing_public_key": hex(s.signing_key.public_key().to_bytes()),
                "badge_trace_key": hex(s.trace_key.expose_secret()),
            }),
        );
    }

    // badge_secrets alone, from arbitrary seeds (fast)
    for i in 0..2 {
        let mut sd = [0u8; 32];
        rng.fill_bytes(&mut sd);
        let seed = luca_protocol::secrets::BadgeSeed::from_slice(&sd).unwrap();
        let s = derive::badge_secrets(&seed).unwrap();
        t.case(
            &format!("badge_secrets_{}", i + 1),
            "ok",
            json!({
                "function": "badge_secrets",
                "badge_seed": hex(sd),
                "user_id": hex(s.user_id.as_bytes()),
                "data_secret": hex(s.data_secret.expose_secret()),
                "tracing_secret": hex(s.tracing_secret.expose_secret()),
                "signing_private_key": hex(s.signing_key.to_bytes().as_slice()),
                "signing_public_key": hex(s.signing_key.public_key().to_bytes()),
                "badge_trace_key": hex(s.trace_key.expose_secret()),
            }),
        );
    }

    // badge_trace_key alone
    {
        let ts = DailyTracingSecret::random(&mut rng);
        t.case(
            "badge_trace_key_1",
            "ok",
            json!({
                "function": "badge_trace_key",
                "tracing_secret": hex(ts.expose_secret()),
                "badge_trace_key": hex(derive::badge_trace_key(&ts).expose_secret()),
            }),
        );
    }

    // badge serial: printed form <-> 60-bit value (the Argon2id password)
    for i in 0..3 {
        let serial = luca_protocol::badge_serial::BadgeSerial::generate(&mut rng);
        t.case(
            &format!("badge_serial_{}", i + 1),
            "ok",
            json!({
                "function": "badge_serial",
                "serial_printed": serial.to_printed().as_str(),
                "serial_value": u64::from_be_bytes(*serial.expose_secret()),
                "serial_be64": hex(*serial.expose_secret()),
            }),
        );
    }
    for (name, text, kind) in [
        ("badge_serial_too_short", "0000-0000-000", "wrong_length"),
        ("badge_serial_too_long", "0000-0000-00000", "wrong_length"),
        ("badge_serial_letter_u", "0000-0000-000U", "invalid_character"),
    ] {
        let err = luca_protocol::badge_serial::BadgeSerial::parse(text).unwrap_err();
        assert_eq!(err.kind(), kind);
        t.case(name, kind, json!({ "function": "badge_serial", "serial_printed": text }));
    }
    // Appended (issue 13): the parser rules of §4.2 that no case pinned (lowercase, the aliases O/I/L,
    // separators anywhere, the 64-byte input cap checked before any character).
    let cap_ok = format!("{}7ZZZ-ZZZZ-ZZZZ", " ".repeat(50));
    let cap_over = format!(" {cap_ok}");
    assert_eq!((cap_ok.len(), cap_over.len()), (64, 65));
    for (name, text) in [
        ("badge_serial_lowercase", "7zzz-zzzz-zzzz"),
        ("badge_serial_aliases", "O1IL-oil0-0000"),
        ("badge_serial_spaces_and_hyphens", " 7Z-ZZ ZZZ--ZZZZ Z "),
        ("badge_serial_64_bytes", cap_ok.as_str()),
        ("badge_serial_65_bytes", cap_over.as_str()),
    ] {
        match luca_protocol::badge_serial::BadgeSerial::parse(text) {
            Ok(serial) => t.case(
                name,
                "ok",
                json!({
                    "function": "badge_serial",
                    "serial_text": text,
                    "serial_printed": serial.to_printed().as_str(),
                    "serial_value": u64::from_be_bytes(*serial.expose_secret()),
                    "serial_be64": hex(*serial.expose_secret()),
                }),
            ),
            Err(e) => t.case(name, e.kind(), json!({ "function": "badge_serial", "serial_text": text })),
        }
    }
    let parse =
        |s: &str| luca_protocol::badge_serial::BadgeSerial::parse(s).map(|v| *v.expose_secret()).map_err(|e| e.kind());
    assert_eq!(parse("7zzz-zzzz-zzzz"), parse("7ZZZ-ZZZZ-ZZZZ"));
    assert_eq!(parse("O1IL-oil0-0000"), parse("0111-0110-0000"));
    assert_eq!(parse(&cap_over), Err("wrong_length"));

    t
}
