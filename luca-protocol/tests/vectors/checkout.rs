//! Test vectors: checkout (spec: docs/PROTOCOL.md §8.3).
//!
//! Every case names `check: "verify"`: `CheckoutIn::from_slice(checkout)` then
//! `verify(checkin_minute, now)`. Positive cases also carry the derivation
//! inputs of the proof (`daily_tracing_secret`, `user_id`, `checkin_minute`),
//! the proof and the trace id; the message is rebuilt here independently.

#![allow(clippy::unwrap_used, clippy::indexing_slicing, clippy::arithmetic_side_effects)]

use ciborium::Value as Cbor;
use luca_protocol::derive;
use luca_protocol::ids::UserId;
use luca_protocol::messages::checkout::{Checkout, CheckoutIn, auto_checkout_time};
use luca_protocol::secrets::DailyTracingSecret;
use luca_protocol::time::{UnixMinute, UnixTime};
use serde_json::json;

use crate::common::{self, NOW, Topic, hex};

fn encode(version: u64, trace: &[u8], t: u64, proof: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    ciborium::ser::into_writer(
        &Cbor::Array(vec![
            Cbor::Integer(version.into()),
            Cbor::Bytes(trace.to_vec()),
            Cbor::Integer(t.into()),
            Cbor::Bytes(proof.to_vec()),
        ]),
        &mut out,
    )
    .unwrap();
    out
}

fn outcome(bytes: &[u8], minute: UnixMinute, now: UnixTime) -> String {
    match CheckoutIn::from_slice(bytes) {
        Err(e) => e.kind().to_string(),
        Ok(c) => match c.verify(minute, now) {
            Err(e) => e.kind().to_string(),
            Ok(_) => "ok".to_string(),
        },
    }
}

pub fn generate() -> Topic {
    let mut rng = common::rng("checkout");
    let mut t = Topic::new(
        "checkout",
        "Checkout (docs/PROTOCOL.md §8.3): [1, trace_id, checkout_at, proof], size cap 128 bytes; \
         verify: SHA-256(\"luca/v1/trace-id\" || proof)[0..16] = trace_id, checkin_minute*60 <= checkout_at <= now + 300, \
         checkout_at <= checkin_minute*60 + 86400. `check` = verify(checkin_minute, now).",
    );
    let secret = DailyTracingSecret::random(&mut rng);
    let user = UserId::random(&mut rng);
    let minute = NOW.minus_secs(2 * 3600).minute();
    let proof = derive::checkout_proof(&secret, &user, minute);
    let trace = derive::trace_id(&proof);
    let base = json!({
        "check": "verify",
        "daily_tracing_secret": hex(secret.expose_secret()),
        "user_id": hex(user.as_bytes()),
        "checkin_minute": minute.0,
        "checkout_proof": hex(proof.expose_secret()),
        "trace_id": hex(trace.as_bytes()),
        "auto_checkout_time": auto_checkout_time(minute).0,
    });
    let case = |t: &mut Topic, name: &str, bytes: &[u8], checkout_at: Option<u64>, now: UnixTime, note: &str| {
        let kind = outcome(bytes, minute, now);
        let mut f = base.clone();
        f["now"] = json!(now.0);
        if let Some(c) = checkout_at {
            f["checkout_at"] = json!(c);
        }
        f["checkout"] = hex(bytes);
        if !note.is_empty() {
            f["note"] = json!(note);
        }
        t.case(name, &kind, f);
        kind
    };
    let build = |at: UnixTime| {
        let c = Checkout::new(&proof, at);
        let indep = encode(1, trace.as_bytes(), at.0, proof.expose_secret());
        assert_eq!(c.as_bytes(), indep.as_slice(), "independent rebuild differs");
        indep
    };

    // Positive.
    for (name, at, now) in [
        ("ok_now", NOW, NOW),
        ("ok_at_checkin_minute_start", minute.start(), NOW),
        ("ok_clock_skew_300s", NOW.plus_secs(300), NOW),
        ("ok_at_auto_checkout_time", auto_checkout_time(minute), auto_checkout_time(minute).plus_secs(3600)),
    ] {
        assert_eq!(case(&mut t, name, &build(at), Some(at.0), now, ""), "ok", "{name}");
    }

    // Time rules.
    let neg = |t: &mut Topic, name: &str, bytes: &[u8], at: Option<u64>, now: UnixTime, note: &str| {
        let kind = case(t, name, bytes, at, now, note);
        assert_ne!(kind, "ok", "{name}");
    };
    let at = minute.start().minus_secs(1);
    neg(&mut t, "before_checkin", &build(at), Some(at.0), NOW, "one second before the check-in minute");
    let at = NOW.plus_secs(301);
    neg(&mut t, "in_future", &build(at), Some(at.0), NOW, "301 s after now");
    let at = auto_checkout_time(minute).plus_secs(1);
    neg(&mut t, "after_max_stay", &build(at), Some(at.0), at.plus_secs(60), "after the automatic checkout");

    // Checkout without the proof.
    neg(
        &mut t,
        "proof_unknown_zero",
        &encode(1, trace.as_bytes(), NOW.0, &[0u8; 32]),
        Some(NOW.0),
        NOW,
        "someone who knows only the trace id: all-zero proof",
    );
    let next = derive::checkout_proof(&secret, &user, UnixMinute(minute.0 + 1));
    neg(
        &mut t,
        "proof_of_another_checkin",
        &encode(1, trace.as_bytes(), NOW.0, next.expose_secret()),
        Some(NOW.0),
        NOW,
        "the proof of the same guest's next minute",
    );
    let mut trace_as_proof = [0u8; 32];
    trace_as_proof[..16].copy_from_slice(trace.as_bytes());
    neg(
        &mut t,
        "trace_id_as_proof",
        &encode(1, trace.as_bytes(), NOW.0, &trace_as_proof),
        Some(NOW.0),
        NOW,
        "the trace id padded with zeros",
    );
    let mut flipped = proof.expose_secret().to_vec();
    flipped[31] ^= 1;
    neg(&mut t, "tampered_proof", &encode(1, trace.as_bytes(), NOW.0, &flipped), Some(NOW.0), NOW, "");
    let mut other_trace = *trace.as_bytes();
    other_trace[0] ^= 1;
    neg(
        &mut t,
        "tampered_trace_id",
        &encode(1, &other_trace, NOW.0, proof.expose_secret()),
        Some(NOW.0),
        NOW,
        "checking out another check-in with this proof",
    );

    // Decoding.
    let ok = build(NOW);
    for (name, bytes) in common::truncations_and_trailing(&ok) {
        neg(&mut t, &name, &bytes, None, NOW, "");
    }
    neg(&mut t, "wrong_version", &encode(2, trace.as_bytes(), NOW.0, proof.expose_secret()), Some(NOW.0), NOW, "");
    neg(
        &mut t,
        "trace_id_wrong_length",
        &encode(1, &trace.as_bytes()[..15], NOW.0, proof.expose_secret()),
        Some(NOW.0),
        NOW,
        "",
    );
    neg(
        &mut t,
        "proof_wrong_length",
        &encode(1, trace.as_bytes(), NOW.0, &proof.expose_secret()[..31]),
        Some(NOW.0),
        NOW,
        "",
    );
    let mut oversize = ok.clone();
    oversize.resize(CheckoutIn::MAX_LEN + 1, 0);
    neg(&mut t, "oversize", &oversize, None, NOW, "");
    let mut non_canonical = ok.clone();
    // checkout_at as a 64-bit integer (0x1b + 8 bytes) instead of the shortest 32-bit form.
    let pos = 1 + 1 + 17;
    assert_eq!(non_canonical[pos], 0x1a);
    let wide: Vec<u8> = [vec![0x1b], NOW.0.to_be_bytes().to_vec()].concat();
    non_canonical.splice(pos..pos + 5, wide);
    neg(&mut t, "non_canonical_integer", &non_canonical, Some(NOW.0), NOW, "checkout_at not in shortest form");
    let nested: Vec<u8> = {
        let mut out = Vec::new();
        ciborium::ser::into_writer(
            &Cbor::Array(vec![
                Cbor::Integer(1.into()),
                Cbor::Array(vec![Cbor::Bytes(trace.as_bytes().to_vec())]),
                Cbor::Integer(NOW.0.into()),
                Cbor::Bytes(proof.expose_secret().to_vec()),
            ]),
            &mut out,
        )
        .unwrap();
        out
    };
    neg(&mut t, "nested_array", &nested, None, NOW, "");

    // Appended (issue 13): the rules of docs/PROTOCOL.md §2.1 that no other case pinned, on the smallest
    // message. `with_at` replaces the `checkout_at` item (bytes 19..24 of `ok`) by another CBOR item.
    assert_eq!(ok[19], 0x1a);
    let with_at = |item: &[u8]| [&ok[..19], item, &ok[24..]].concat();
    let with_version = |item: &[u8]| [&[0x84][..], item, &ok[2..]].concat();
    let indefinite = [&[0x9f][..], &ok[1..], &[0xff]].concat();
    for (name, bytes, expect, note) in [
        (
            "checkout_at_negative",
            with_at(&[0x20]),
            "invalid_field",
            "checkout_at = -1: a negative integer in a uint field",
        ),
        ("checkout_at_text", with_at(&[0x61, 0x31]), "unexpected_type", "checkout_at = \"1\""),
        ("checkout_at_false", with_at(&[0xf4]), "unexpected_type", "checkout_at = false"),
        ("empty_array", vec![0x80], "wrong_arity", "[]: no version item"),
        ("not_an_array_map", vec![0xa0], "unexpected_type", "{} instead of an array"),
        ("not_an_array_uint", vec![0x01], "unexpected_type", "the integer 1 instead of an array"),
        ("version_text", with_version(&[0x61, 0x31]), "unexpected_type", "version = \"1\""),
        ("version_negative", with_version(&[0x20]), "invalid_field", "version = -1"),
        ("version_2_short", vec![0x82, 0x02, 0x40], "unsupported_version", "[2, h''] : version before arity"),
        ("map_item_depth_2", with_at(&[0xa0]), "nesting_too_deep", "a map in a message of nesting limit 1"),
        (
            "tag_item_depth_2",
            [&ok[..19], &[0xc1], &ok[19..]].concat(),
            "nesting_too_deep",
            "tag 1 on checkout_at: a tag counts as a level",
        ),
        ("simple_value_16", with_at(&[0xf0]), "malformed_cbor", "simple value 16"),
        ("simple_value_32", with_at(&[0xf8, 0x20]), "malformed_cbor", "simple value 32 (two bytes)"),
        ("undefined_item", with_at(&[0xf7]), "non_canonical", "undefined"),
        ("two_byte_false", with_at(&[0xf8, 0x14]), "non_canonical", "false in the two-byte form f8 14"),
        ("half_float_item", with_at(&[0xf9, 0x00, 0x00]), "non_canonical", "a half-precision float"),
        ("indefinite_array", indefinite, "non_canonical", "the message as an indefinite-length array"),
        ("invalid_utf8_text", with_at(&[0x61, 0xff]), "malformed_cbor", "a text string that is not UTF-8"),
        ("reserved_additional_info", with_at(&[0x1c]), "malformed_cbor", "additional information 28 (reserved)"),
        ("break_outside_indefinite", with_at(&[0xff]), "malformed_cbor", "a break byte outside an indefinite item"),
    ] {
        assert_eq!(case(&mut t, name, &bytes, None, NOW, note), expect, "{name}");
    }
    t
}
