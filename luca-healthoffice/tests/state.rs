//! Persistence: export_state / import_state of the health office, the trust
//! anchor and the registrar; strict decoding, one test per rejection path.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::arithmetic_side_effects,
    missing_docs
)]

mod common;

use ciborium::Value;
use common::*;
use luca_authority::{Registrar, TrustAnchor};
use luca_healthoffice::{HealthOffice, MAX_STATE_LEN, StateError};
use luca_protocol::error::VerifyError;
use luca_protocol::ids::BadgeKeyId;
use luca_protocol::messages::checkin_record::InnerRecord;

fn to_value(bytes: &[u8]) -> Vec<Value> {
    match ciborium::de::from_reader::<Value, _>(bytes).unwrap() {
        Value::Array(items) => items,
        other => panic!("{other:?}"),
    }
}

fn to_bytes(items: Vec<Value>) -> Vec<u8> {
    let mut out = Vec::new();
    ciborium::ser::into_writer(&Value::Array(items), &mut out).unwrap();
    out
}

/// Office 0 of a world of 2: own daily and badge keys, office 1's daily key of tomorrow imported.
fn busy_office() -> (World, Vec<u8>) {
    let mut w = world(40, 2);
    let certs = w.certs.clone();
    w.offices[0].rotate_daily_key(&mut w.rng, NOW, &certs).unwrap();
    w.offices[0].rotate_badge_key(&mut w.rng, BadgeKeyId(9), NOW, &certs).unwrap();
    let tomorrow = NOW.plus_secs(DAY);
    let r = w.offices[1].rotate_daily_key(&mut w.rng, tomorrow, &certs).unwrap();
    w.offices[0].import_key_share(r.shares[0].as_bytes(), r.announcement.as_bytes(), &w.certs[1], tomorrow).unwrap();
    let state = w.offices[0].export_state().to_vec();
    (w, state)
}

#[test]
fn health_office_round_trip() {
    let (mut w, state) = busy_office();
    assert_eq!(w.offices[0].export_state().as_slice(), state.as_slice(), "deterministic");
    let restored = HealthOffice::import_state(&state).unwrap();
    assert_eq!(restored.export_state().as_slice(), state.as_slice());
    assert_eq!(restored.id(), w.offices[0].id());
    assert_eq!(restored.signing_public_key(), w.offices[0].signing_public_key());
    assert_eq!(restored.encryption_public_key(), w.offices[0].encryption_public_key());
    assert_eq!(restored.certificate(), w.offices[0].certificate());
    assert_eq!(restored.trust_anchor(), Some(w.anchor.public_key()));
    assert_eq!(restored.daily_keys().collect::<Vec<_>>(), w.offices[0].daily_keys().collect::<Vec<_>>());
    assert_eq!(restored.badge_keys().collect::<Vec<_>>(), w.offices[0].badge_keys().collect::<Vec<_>>());
    assert_eq!(restored.daily_keys().count(), 2);

    // The restored private keys work.
    let daily = restored.current_daily_key(NOW).unwrap().clone();
    let guest = TestGuest::new(&mut w.rng, "Erika");
    let inner = InnerRecord::Guest(guest.qr(&mut w.rng, &daily, NOW.minute()));
    assert_eq!(restored.open_inner_record(&inner).unwrap().user_id, guest.user_id);

    // Layout: tag, version, id, two scalars, anchor, certificate, two key lists of 3-item entries, the
    // committee keys (none here: tests/committee.rs).
    let items = to_value(&state);
    assert_eq!(items.len(), 10);
    assert_eq!(items[0], Value::Text("luca-healthoffice/health-office".into()));
    assert_eq!(items[1], Value::Integer(2.into()));
    assert_eq!(items[9], Value::Array(Vec::new()));
    assert_eq!(items[2], Value::Bytes(w.offices[0].id().as_bytes().to_vec()));
    assert_eq!(items[5], Value::Bytes(w.anchor.public_key().to_bytes().to_vec()));
    assert_eq!(items[6], Value::Bytes(w.certs[0].to_bytes()));
    let Value::Array(daily_list) = &items[7] else { panic!() };
    assert_eq!(daily_list.len(), 2);
}

#[test]
fn uncertified_office_round_trip() {
    let mut rng = rng(41);
    let office = HealthOffice::generate(&mut rng);
    let state = office.export_state();
    let restored = HealthOffice::import_state(&state).unwrap();
    assert_eq!(restored.id(), office.id());
    assert!(restored.certificate().is_none());
    assert_eq!(restored.export_state(), state);
    let items = to_value(&state);
    assert_eq!(items[5], Value::Null);
    assert_eq!(items[6], Value::Null);
}

#[test]
fn decode_state_too_long() {
    let e = HealthOffice::import_state(&vec![0u8; MAX_STATE_LEN + 1]).unwrap_err();
    assert_eq!(e, StateError::TooLong { max: MAX_STATE_LEN, got: MAX_STATE_LEN + 1 });
    assert_eq!(e.kind(), "too_long");
}

#[test]
fn decode_state_truncated() {
    let (_, state) = busy_office();
    assert_eq!(HealthOffice::import_state(&[]).unwrap_err().kind(), "truncated");
    assert_eq!(HealthOffice::import_state(&state[..state.len() - 1]).unwrap_err().kind(), "truncated");
}

#[test]
fn decode_state_trailing_bytes() {
    let (_, mut state) = busy_office();
    state.push(0);
    assert_eq!(HealthOffice::import_state(&state).unwrap_err(), StateError::TrailingBytes);
}

#[test]
fn decode_state_malformed_cbor() {
    assert_eq!(HealthOffice::import_state(&[0xff]).unwrap_err().kind(), "malformed_cbor");
}

#[test]
fn decode_state_non_canonical() {
    let (_, state) = busy_office();
    // Indefinite-length outer array.
    let mut indefinite = vec![0x9f];
    indefinite.extend_from_slice(&state[1..]);
    indefinite.push(0xff);
    assert_eq!(HealthOffice::import_state(&indefinite).unwrap_err(), StateError::NonCanonical);
    // The version 2 as a two-byte integer: 0x18 0x02.
    // Array head (1 byte), tag text head (2 bytes: 0x78 0x1f) and 31 bytes of text, then the version.
    let at = 1 + 2 + 31;
    assert_eq!(state[at], 0x02);
    let mut long_int = state[..at].to_vec();
    long_int.extend_from_slice(&[0x18, 0x02]);
    long_int.extend_from_slice(&state[at + 1..]);
    assert_eq!(HealthOffice::import_state(&long_int).unwrap_err().kind(), "non_canonical");
}

#[test]
fn decode_state_nesting_too_deep() {
    let deep = to_bytes(vec![Value::Array(vec![Value::Array(vec![Value::Array(vec![])])])]);
    assert_eq!(HealthOffice::import_state(&deep).unwrap_err().kind(), "nesting_too_deep");
}

#[test]
fn decode_state_wrong_state_type() {
    let mut rng = rng(42);
    let registrar = Registrar::generate(&mut rng).export_state();
    assert_eq!(HealthOffice::import_state(&registrar).unwrap_err(), StateError::WrongStateType);
    let office = HealthOffice::generate(&mut rng).export_state();
    assert_eq!(Registrar::import_state(&office).unwrap_err(), StateError::WrongStateType);
    assert_eq!(TrustAnchor::import_state(&office).unwrap_err().kind(), "wrong_state_type");
    assert_eq!(HealthOffice::import_state(&to_bytes(vec![])).unwrap_err(), StateError::WrongStateType);
    assert_eq!(HealthOffice::import_state(&[0x01]).unwrap_err(), StateError::WrongStateType);
}

#[test]
fn decode_state_unsupported_version() {
    let (_, state) = busy_office();
    let mut items = to_value(&state);
    // Version 1 (before the committee keys) is not read: an office restored from it would lose its shares.
    items[1] = Value::Integer(1.into());
    let e = HealthOffice::import_state(&to_bytes(items)).unwrap_err();
    assert_eq!(e, StateError::UnsupportedVersion { got: 1 });
}

#[test]
fn decode_state_wrong_arity() {
    let (_, state) = busy_office();
    let mut items = to_value(&state);
    items.push(Value::Null);
    let e = HealthOffice::import_state(&to_bytes(items)).unwrap_err();
    assert_eq!(e, StateError::WrongArity { field: "state", expected: 10, got: 11 });
    let mut items = to_value(&state);
    let Value::Array(list) = &mut items[7] else { panic!() };
    let Value::Array(entry) = &mut list[0] else { panic!() };
    entry.pop();
    let e = HealthOffice::import_state(&to_bytes(items)).unwrap_err();
    assert_eq!(e, StateError::WrongArity { field: "daily_keys", expected: 3, got: 2 });
}

#[test]
fn decode_state_unexpected_type() {
    let (_, state) = busy_office();
    let mut items = to_value(&state);
    items[2] = Value::Text("id".into());
    let e = HealthOffice::import_state(&to_bytes(items)).unwrap_err();
    assert_eq!(e, StateError::UnexpectedType { field: "health_office_id" });
    let mut items = to_value(&state);
    items[8] = Value::Null;
    let e = HealthOffice::import_state(&to_bytes(items)).unwrap_err();
    assert_eq!(e, StateError::UnexpectedType { field: "badge_keys" });
}

#[test]
fn decode_state_wrong_length() {
    let (_, state) = busy_office();
    let mut items = to_value(&state);
    items[3] = Value::Bytes(vec![1; 31]);
    let e = HealthOffice::import_state(&to_bytes(items)).unwrap_err();
    assert_eq!(e, StateError::WrongLength { field: "signing_key", expected: 32, got: 31 });
}

#[test]
fn decode_state_invalid_private_key() {
    let (_, state) = busy_office();
    let mut items = to_value(&state);
    items[4] = Value::Bytes(vec![0; 32]);
    let e = HealthOffice::import_state(&to_bytes(items)).unwrap_err();
    assert_eq!(e, StateError::InvalidField { field: "encryption_key" });
}

#[test]
fn decode_state_embedded_fields() {
    let (_, state) = busy_office();
    let set = |index: usize, value: Value| {
        let mut items = to_value(&state);
        items[index] = value;
        HealthOffice::import_state(&to_bytes(items)).unwrap_err()
    };
    assert_eq!(set(5, Value::Bytes(vec![4; 64])), StateError::WrongLength { field: "anchor", expected: 65, got: 64 });
    assert_eq!(set(5, Value::Bytes(vec![4; 65])), StateError::InvalidField { field: "anchor" });
    assert_eq!(set(6, Value::Bytes(vec![0x80])), StateError::InvalidField { field: "certificate" });
    // A held key whose announcement does not decode.
    let mut items = to_value(&state);
    let Value::Array(list) = &mut items[7] else { panic!() };
    let Value::Array(entry) = &mut list[0] else { panic!() };
    entry[0] = Value::Bytes(vec![0xff]);
    let e = HealthOffice::import_state(&to_bytes(items)).unwrap_err();
    assert_eq!(e, StateError::InvalidField { field: "announcement" });
}

#[test]
fn inconsistent_state_certificate() {
    let (w, state) = busy_office();
    // Another office's certificate.
    let mut items = to_value(&state);
    items[6] = Value::Bytes(w.certs[1].to_bytes());
    let e = HealthOffice::import_state(&to_bytes(items)).unwrap_err();
    assert_eq!(e, StateError::Inconsistent { field: "certificate" });
    assert_eq!(e.kind(), "inconsistent");
    // A certificate without an anchor.
    let mut items = to_value(&state);
    items[5] = Value::Null;
    assert_eq!(
        HealthOffice::import_state(&to_bytes(items)).unwrap_err(),
        StateError::Inconsistent { field: "certificate" }
    );
    // Another anchor: the certificate no longer verifies.
    let mut items = to_value(&state);
    let mut rng = rng(43);
    items[5] = Value::Bytes(TrustAnchor::generate(&mut rng).public_key().to_bytes().to_vec());
    let e = HealthOffice::import_state(&to_bytes(items)).unwrap_err();
    assert_eq!(e, StateError::Verify(VerifyError::BadSignature));
    assert_eq!(e.kind(), "bad_signature");
}

#[test]
fn inconsistent_state_keys() {
    let (_, state) = busy_office();
    let items = to_value(&state);
    let (Value::Array(daily), Value::Array(badge)) = (&items[7], &items[8]) else { panic!() };
    let entry = |list: &Vec<Value>, i: usize| match &list[i] {
        Value::Array(e) => e.clone(),
        _ => panic!(),
    };

    // A daily key's private key swapped for the badge key's.
    let mut d0 = entry(daily, 0);
    d0[2] = entry(badge, 0)[2].clone();
    let mut swapped = items.clone();
    swapped[7] = Value::Array(vec![Value::Array(d0), daily[1].clone()]);
    let e = HealthOffice::import_state(&to_bytes(swapped)).unwrap_err();
    assert_eq!(e, StateError::Inconsistent { field: "private_key" });

    // A badge key in the daily list.
    let mut moved = items.clone();
    moved[7] = Value::Array(vec![daily[0].clone(), badge[0].clone()]);
    let e = HealthOffice::import_state(&to_bytes(moved)).unwrap_err();
    assert_eq!(e, StateError::Inconsistent { field: "purpose" });

    // The same key twice.
    let mut twice = items.clone();
    twice[7] = Value::Array(vec![daily[0].clone(), daily[0].clone()]);
    let e = HealthOffice::import_state(&to_bytes(twice)).unwrap_err();
    assert_eq!(e, StateError::Inconsistent { field: "duplicate_key" });

    // Held keys without an anchor.
    let mut no_anchor = items.clone();
    no_anchor[5] = Value::Null;
    no_anchor[6] = Value::Null;
    let e = HealthOffice::import_state(&to_bytes(no_anchor)).unwrap_err();
    assert_eq!(e, StateError::Inconsistent { field: "anchor" });

    // A tampered announcement no longer verifies.
    let mut d0 = entry(daily, 0);
    let Value::Bytes(a) = &mut d0[0] else { panic!() };
    let last = a.len() - 1;
    a[last] ^= 1;
    let mut tampered = items.clone();
    tampered[7] = Value::Array(vec![Value::Array(d0), daily[1].clone()]);
    let e = HealthOffice::import_state(&to_bytes(tampered)).unwrap_err();
    assert_eq!(e, StateError::Verify(VerifyError::BadSignature));

    // Too many keys.
    let mut many = items.clone();
    many[7] = Value::Array(vec![daily[0].clone(); luca_healthoffice::MAX_HELD_KEYS + 1]);
    let e = HealthOffice::import_state(&to_bytes(many)).unwrap_err();
    assert_eq!(e.kind(), "too_many_items");
}

#[test]
fn trust_anchor_round_trip() {
    let mut rng = rng(44);
    let anchor = TrustAnchor::generate(&mut rng);
    let state = anchor.export_state();
    // Array head, tag (2 + 30), version, key (2 + 32).
    assert_eq!(state.len(), 1 + 2 + 30 + 1 + 2 + 32);
    let restored = TrustAnchor::import_state(&state).unwrap();
    assert_eq!(restored.public_key(), anchor.public_key());
    assert_eq!(restored.export_state(), state);
    let mut items = to_value(&state);
    items[2] = Value::Bytes(vec![0xff; 32]);
    assert_eq!(TrustAnchor::import_state(&to_bytes(items)).unwrap_err().kind(), "invalid_field");
}

#[test]
fn registrar_round_trip() {
    let mut rng = rng(45);
    let anchor = TrustAnchor::generate(&mut rng);
    let mut registrar = Registrar::generate(&mut rng);
    let bare = Registrar::import_state(&registrar.export_state()).unwrap();
    assert_eq!((bare.id(), bare.public_key(), bare.certificate()), (registrar.id(), registrar.public_key(), None));

    let cert = anchor.certify_registrar(&registrar.registration_request("Registrar").unwrap(), year()).unwrap();
    registrar.install_certificate(cert.as_bytes(), &anchor.public_key(), NOW).unwrap();
    let state = registrar.export_state();
    let restored = Registrar::import_state(&state).unwrap();
    assert_eq!(restored.certificate(), Some(&cert));
    assert_eq!(restored.export_state(), state);

    // Another registrar's certificate.
    let other = Registrar::generate(&mut rng);
    let other_cert = anchor.certify_registrar(&other.registration_request("Other").unwrap(), year()).unwrap();
    let mut items = to_value(&state);
    items[5] = Value::Bytes(other_cert.to_bytes());
    assert_eq!(
        Registrar::import_state(&to_bytes(items)).unwrap_err(),
        StateError::Inconsistent { field: "certificate" }
    );
}

/// The state codec writes exactly what the former `ciborium` encoder wrote for the same tree (the exported
/// bytes are unchanged by the move to `luca_protocol::state`).
#[test]
fn exported_bytes_are_the_ciborium_encoding() {
    let (w, office) = busy_office();
    let mut rng = rng(46);
    let mut registrar = Registrar::generate(&mut rng);
    let cert = w.anchor.certify_registrar(&registrar.registration_request("Registrar").unwrap(), year()).unwrap();
    registrar.install_certificate(cert.as_bytes(), &w.anchor.public_key(), NOW).unwrap();
    let states = [
        office,
        HealthOffice::generate(&mut rng).export_state().to_vec(),
        w.anchor.export_state().to_vec(),
        registrar.export_state().to_vec(),
        Registrar::generate(&mut rng).export_state().to_vec(),
    ];
    for state in states {
        assert_eq!(to_bytes(to_value(&state)), state);
    }
}
