//! Guest state export and import: round trip and one test per rejection path.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::arithmetic_side_effects,
    clippy::cast_possible_truncation,
    missing_docs
)]

mod common;

use ciborium::Value;
use common::{NOW, World};
use luca_client::{Guest, MAX_STATE_LEN, StateError};
use luca_protocol::time::UnixMinute;

/// A guest with check-ins on three days, one of them at a venue.
fn guest_with_history(w: &mut World) -> Guest {
    let mut guest = w.guest();
    for back in [2, 1] {
        let day = NOW.day().minus_days(back);
        let (_, daily) = w.daily_key(day);
        guest.check_in_code(&mut w.rng, &daily, day.start().plus_secs(3600)).unwrap();
    }
    let (_, daily) = w.daily_key(NOW.day());
    let venue = w.verified_venue(Some(2));
    guest.self_check_in(&mut w.rng, &venue, &daily, NOW).unwrap();
    guest.check_in_code(&mut w.rng, &daily, NOW.plus_secs(120)).unwrap();
    guest
}

fn encode(v: &Value) -> Vec<u8> {
    let mut out = Vec::new();
    ciborium::ser::into_writer(v, &mut out).unwrap();
    out
}

fn items(bytes: &[u8]) -> Vec<Value> {
    match ciborium::de::from_reader::<Value, _>(bytes).unwrap() {
        Value::Array(items) => items,
        _ => panic!("not an array"),
    }
}

fn with_item(bytes: &[u8], index: usize, value: Value) -> Vec<u8> {
    let mut it = items(bytes);
    it[index] = value;
    encode(&Value::Array(it))
}

fn malformed(bytes: &[u8]) -> StateError {
    Guest::import_state(bytes).unwrap_err()
}

#[test]
fn round_trip_keeps_every_secret_and_check_in() {
    let mut w = World::new(30);
    let guest = guest_with_history(&mut w);
    let bytes = guest.export_state();
    assert_eq!(bytes.as_slice(), guest.export_state().as_slice(), "deterministic");
    let restored = Guest::import_state(&bytes).unwrap();
    assert_eq!(restored.export_state().as_slice(), bytes.as_slice());
    assert_eq!(restored.user_id(), guest.user_id());
    assert_eq!(restored.device(), guest.device());
    assert_eq!(restored.check_ins(), guest.check_ins());
    assert_eq!(restored.check_ins().len(), 4);
    assert_eq!(restored.check_ins()[2].venue_id, Some(w.venue.venue_id()));
    // The same secrets: same checkout proofs, same contact-data key and signing key.
    for entry in guest.check_ins() {
        assert_eq!(
            restored.checkout(entry.minute, NOW).unwrap().as_bytes(),
            guest.checkout(entry.minute, NOW).unwrap().as_bytes()
        );
    }
    let a = guest.update_contact_data(&mut common::rng(1), &common::fields("A"), NOW).unwrap();
    let b = restored.update_contact_data(&mut common::rng(1), &common::fields("A"), NOW).unwrap();
    assert_eq!(a.as_bytes(), b.as_bytes());
    // Layout: [1, "luca-client/guest", user_id, data_secret, signing_key, device, secrets, check_ins].
    let it = items(&bytes);
    assert_eq!(it.len(), 8);
    assert_eq!(it[0], Value::Integer(1.into()));
    assert_eq!(it[1], Value::Text("luca-client/guest".into()));
    assert_eq!(it[2], Value::Bytes(guest.user_id().as_bytes().to_vec()));
    assert_eq!(it[5], Value::Integer(1.into()));
    // A fresh guest round-trips too.
    let fresh = w.guest();
    assert!(Guest::import_state(&fresh.export_state()).unwrap().check_ins().is_empty());
}

#[test]
fn decode_size_cap_and_cbor_rules() {
    let mut w = World::new(31);
    let bytes = guest_with_history(&mut w).export_state().to_vec();
    let big = vec![0u8; MAX_STATE_LEN + 1];
    assert_eq!(malformed(&big), StateError::TooLong { max: MAX_STATE_LEN, got: MAX_STATE_LEN + 1 });
    assert_eq!(malformed(&[]), StateError::Truncated);
    assert_eq!(malformed(&bytes[..bytes.len() - 1]), StateError::Truncated);
    let mut trailing = bytes.clone();
    trailing.push(0);
    assert_eq!(malformed(&trailing), StateError::TrailingBytes);
    assert_eq!(malformed(&[0xff]), StateError::MalformedCbor);
    // Non-canonical: the version 1 as a two-byte integer.
    let mut long_int = bytes.clone();
    long_int.splice(1..2, [0x18, 0x01]);
    assert_eq!(malformed(&long_int), StateError::NonCanonical);
    // Non-canonical: an indefinite-length outer array.
    let mut indefinite = vec![0x9f];
    indefinite.extend_from_slice(&bytes[1..]);
    indefinite.push(0xff);
    assert_eq!(malformed(&indefinite), StateError::NonCanonical);
    // A map or a float anywhere is refused.
    assert_eq!(malformed(&with_item(&bytes, 5, Value::Float(1.0))), StateError::NonCanonical);
    assert_eq!(malformed(&with_item(&bytes, 5, Value::Map(vec![]))), StateError::NonCanonical);
    // Nesting deeper than 3.
    let deep = with_item(&bytes, 7, Value::Array(vec![Value::Array(vec![Value::Array(vec![])])]));
    assert_eq!(malformed(&deep), StateError::NestingTooDeep);
}

#[test]
fn decode_version_arity_and_type() {
    let mut w = World::new(32);
    let bytes = guest_with_history(&mut w).export_state().to_vec();
    assert_eq!(malformed(&with_item(&bytes, 0, Value::Integer(2.into()))), StateError::UnsupportedVersion { got: 2 });
    let mut short = items(&bytes);
    short.pop();
    assert_eq!(
        malformed(&encode(&Value::Array(short))),
        StateError::WrongArity { field: "state", expected: 8, got: 7 }
    );
    // Not an array, another state type, no state type: wrong_state_type, checked before the version.
    assert_eq!(malformed(&encode(&Value::Integer(1.into()))), StateError::WrongStateType);
    let other = with_item(&bytes, 1, Value::Text("luca-venue/venue".into()));
    assert_eq!(Guest::import_state(&other).unwrap_err(), StateError::WrongStateType);
    assert_eq!(StateError::WrongStateType.kind(), "wrong_state_type");
    assert_eq!(malformed(&with_item(&bytes, 1, Value::Integer(0.into()))), StateError::WrongStateType);
    let other_and_newer = with_item(&other, 0, Value::Integer(2.into()));
    assert_eq!(malformed(&other_and_newer), StateError::WrongStateType);
    assert_eq!(
        malformed(&with_item(&bytes, 0, Value::Text("1".into()))),
        StateError::UnexpectedType { field: "version" }
    );
}

#[test]
fn decode_field_rules() {
    let mut w = World::new(33);
    let bytes = guest_with_history(&mut w).export_state().to_vec();
    let cases: Vec<(usize, Value, StateError)> = vec![
        (2, Value::Bytes(vec![0; 15]), StateError::WrongLength { field: "user_id", expected: 16, got: 15 }),
        (2, Value::Text("x".into()), StateError::UnexpectedType { field: "user_id" }),
        (3, Value::Bytes(vec![0; 17]), StateError::WrongLength { field: "data_secret", expected: 16, got: 17 }),
        (4, Value::Bytes(vec![0; 32]), StateError::InvalidField { field: "signing_key" }),
        (4, Value::Bytes(vec![0xff; 32]), StateError::InvalidField { field: "signing_key" }),
        (5, Value::Integer(4.into()), StateError::InvalidField { field: "device_type" }),
        (5, Value::Integer(256.into()), StateError::InvalidField { field: "device_type" }),
        (5, Value::Integer((-1).into()), StateError::InvalidField { field: "device_type" }),
        (6, Value::Null, StateError::UnexpectedType { field: "tracing_secrets" }),
        (7, Value::Bytes(vec![]), StateError::UnexpectedType { field: "check_ins" }),
    ];
    for (index, value, expected) in cases {
        assert_eq!(malformed(&with_item(&bytes, index, value.clone())), expected, "item {index} = {value:?}");
    }
}

#[test]
fn decode_tracing_secret_rules() {
    let mut w = World::new(34);
    let bytes = guest_with_history(&mut w).export_state().to_vec();
    let secrets = match &items(&bytes)[6] {
        Value::Array(s) => s.clone(),
        _ => panic!(),
    };
    assert_eq!(secrets.len(), 3);
    // Days out of order.
    let swapped = vec![secrets[1].clone(), secrets[0].clone(), secrets[2].clone()];
    assert_eq!(
        malformed(&with_item(&bytes, 6, Value::Array(swapped))),
        StateError::InvalidField { field: "tracing_secrets" }
    );
    // A duplicate day.
    let dup = vec![secrets[0].clone(), secrets[0].clone(), secrets[1].clone(), secrets[2].clone()];
    assert_eq!(
        malformed(&with_item(&bytes, 6, Value::Array(dup))),
        StateError::InvalidField { field: "tracing_secrets" }
    );
    // Entry shape.
    let entry = |v: Value| with_item(&bytes, 6, Value::Array(vec![v]));
    assert_eq!(
        malformed(&entry(Value::Array(vec![Value::Integer(1.into())]))),
        StateError::WrongArity { field: "tracing_secrets", expected: 2, got: 1 }
    );
    assert_eq!(
        malformed(&entry(Value::Array(vec![Value::Integer(1.into()), Value::Bytes(vec![0; 31])]))),
        StateError::WrongLength { field: "tracing_secret", expected: 32, got: 31 }
    );
    assert_eq!(
        malformed(&entry(Value::Array(vec![Value::Integer((1u64 << 32).into()), Value::Bytes(vec![0; 32])]))),
        StateError::InvalidField { field: "day" }
    );
    assert_eq!(malformed(&entry(Value::Integer(1.into()))), StateError::UnexpectedType { field: "tracing_secrets" });
    // Too many days.
    let many: Vec<Value> =
        (0..33u32).map(|d| Value::Array(vec![Value::Integer(d.into()), Value::Bytes(vec![1; 32])])).collect();
    assert_eq!(
        malformed(&with_item(&bytes, 6, Value::Array(many))),
        StateError::TooManyItems { field: "tracing_secrets", max: 32 }
    );
}

#[test]
fn decode_check_in_rules() {
    let mut w = World::new(35);
    let guest = guest_with_history(&mut w);
    let bytes = guest.export_state().to_vec();
    let check_ins = match &items(&bytes)[7] {
        Value::Array(c) => c.clone(),
        _ => panic!(),
    };
    let set = |list: Vec<Value>| with_item(&bytes, 7, Value::Array(list));
    let field = StateError::InvalidField { field: "check_ins" };
    // Out of order, duplicated.
    let mut swapped = check_ins.clone();
    swapped.swap(0, 1);
    assert_eq!(malformed(&set(swapped)), field);
    let mut dup = check_ins.clone();
    dup.insert(0, check_ins[0].clone());
    assert_eq!(malformed(&set(dup)), field);
    // A trace id that is not the guest's for its minute.
    let entry = |minute: u32, trace: Vec<u8>, venue: Value| {
        Value::Array(vec![Value::Integer(minute.into()), Value::Bytes(trace), venue])
    };
    let first = guest.check_ins()[0];
    let mut flipped = first.trace_id.as_bytes().to_vec();
    flipped[0] ^= 1;
    assert_eq!(malformed(&set(vec![entry(first.minute.0, flipped, Value::Null)])), field);
    // The same trace id under another minute.
    let moved = entry(first.minute.0 + 1, first.trace_id.as_bytes().to_vec(), Value::Null);
    assert_eq!(malformed(&set(vec![moved])), field);
    // A minute whose day has no tracing secret.
    let orphan = entry(UnixMinute(first.minute.0 - 3 * 1440).0, first.trace_id.as_bytes().to_vec(), Value::Null);
    assert_eq!(malformed(&set(vec![orphan])), field);
    // Field types and lengths.
    let good = first.trace_id.as_bytes().to_vec();
    assert_eq!(
        malformed(&set(vec![entry(first.minute.0, good.clone(), Value::Bytes(vec![0; 15]))])),
        StateError::WrongLength { field: "venue_id", expected: 16, got: 15 }
    );
    assert_eq!(
        malformed(&set(vec![entry(first.minute.0, good[..15].to_vec(), Value::Null)])),
        StateError::WrongLength { field: "trace_id", expected: 16, got: 15 }
    );
    assert_eq!(
        malformed(&set(vec![Value::Array(vec![Value::Integer(first.minute.0.into()), Value::Bytes(good.clone())])])),
        StateError::WrongArity { field: "check_ins", expected: 3, got: 2 }
    );
    // The genuine single entry with a venue id is accepted.
    let ok = set(vec![entry(first.minute.0, good, Value::Bytes(vec![7; 16]))]);
    let restored = Guest::import_state(&ok).unwrap();
    assert_eq!(restored.check_ins()[0].venue_id.unwrap().as_bytes(), &[7; 16]);
}

/// A state with `days` days of tracing secrets ending today and `per_day` check-ins each (with venue ids).
fn synthetic_state(w: &mut World, days: u32, per_day: u32) -> Vec<u8> {
    use luca_protocol::derive;
    use luca_protocol::ids::UserId;
    use luca_protocol::secrets::DailyTracingSecret;
    let guest = w.guest();
    let bytes = guest.export_state().to_vec();
    let user = UserId::from_slice(match &items(&bytes)[2] {
        Value::Bytes(b) => b,
        _ => panic!(),
    })
    .unwrap();
    let mut secrets = Vec::new();
    let mut check_ins = Vec::new();
    for back in (0..days).rev() {
        let day = NOW.day().minus_days(back);
        let raw = [back as u8 + 1; 32];
        let secret = DailyTracingSecret::from_slice(&raw).unwrap();
        secrets.push(Value::Array(vec![Value::Integer(day.0.into()), Value::Bytes(raw.to_vec())]));
        for minute in day.minutes().take(per_day as usize) {
            let trace = derive::guest_trace_id(&secret, &user, minute);
            check_ins.push(Value::Array(vec![
                Value::Integer(minute.0.into()),
                Value::Bytes(trace.as_bytes().to_vec()),
                Value::Bytes(vec![9; 16]),
            ]));
        }
    }
    let with_secrets = with_item(&bytes, 6, Value::Array(secrets));
    with_item(&with_secrets, 7, Value::Array(check_ins))
}

#[test]
fn a_full_history_fits_the_size_cap_and_one_more_check_in_does_not_import() {
    let mut w = World::new(36);
    let full = synthetic_state(&mut w, 32, 1440);
    assert!(full.len() <= MAX_STATE_LEN, "{} bytes", full.len());
    let guest = Guest::import_state(&full).unwrap();
    assert_eq!(guest.check_ins().len(), luca_client::MAX_CHECK_INS);
    assert_eq!(guest.export_state().as_slice(), full.as_slice());
    let mut list = match &items(&full)[7] {
        Value::Array(c) => c.clone(),
        _ => panic!(),
    };
    list.push(list[0].clone());
    assert_eq!(
        malformed(&with_item(&full, 7, Value::Array(list))),
        StateError::TooManyItems { field: "check_ins", max: luca_client::MAX_CHECK_INS }
    );
}

#[test]
fn a_guest_with_32_days_of_secrets_refuses_a_33rd_day() {
    let mut w = World::new(37);
    let state = synthetic_state(&mut w, 32, 1);
    let mut guest = Guest::import_state(&state).unwrap();
    // 32 days end today; a check-in tomorrow needs a 33rd secret.
    let tomorrow = NOW.day().plus_days(1);
    let (_, daily) = w.daily_key(tomorrow);
    let err = guest.check_in_code(&mut w.rng, &daily, tomorrow.start()).unwrap_err();
    assert_eq!((err.clone(), err.kind()), (luca_client::ClientError::StorageFull, "storage_full"));
    assert_eq!(guest.export_state().as_slice(), state.as_slice(), "nothing changed");
    // Today still works, and purge makes room.
    let (_, today) = w.daily_key(NOW.day());
    guest.check_in_code(&mut w.rng, &today, NOW).unwrap();
    guest.purge(tomorrow.start());
    guest.check_in_code(&mut w.rng, &daily, tomorrow.start()).unwrap();
}

/// The state codec writes exactly what the former `ciborium` encoder wrote for the same tree (the exported
/// bytes are unchanged by the move to `luca_protocol::state`).
#[test]
fn exported_bytes_are_the_ciborium_encoding() {
    let mut w = World::new(38);
    for guest in [guest_with_history(&mut w), w.guest()] {
        let bytes = guest.export_state().to_vec();
        assert_eq!(encode(&Value::Array(items(&bytes))), bytes);
    }
}
