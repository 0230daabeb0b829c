//! The state codec: round trips byte for byte, and one test per rejection with its exact error.

#![allow(clippy::unwrap_used, clippy::indexing_slicing, clippy::panic)]

use ciborium::Value;

use super::*;
use crate::cbor;

/// `["t/x", 1, key: bstr .size 4, name: tstr, n: uint, opt: bstr / null, list: [* [uint, bstr]]]`, nesting depth 3.
const SPEC: StateSpec = StateSpec { state_type: "t/x", version: 1, header: Header::TypeFirst, arity: 7, max_len: 64 };
/// The same fields, version first.
const SPEC_VERSION_FIRST: StateSpec = StateSpec { header: Header::VersionFirst, ..SPEC };

fn sample(spec: &StateSpec) -> Vec<u8> {
    let mut w = StateWriter::new(spec);
    w.bytes(&[1, 2, 3, 4]).text("hi").uint(300).null().array(|w| {
        w.array(|w| {
            w.uint(5).bytes(&[9]);
        });
    });
    w.finish().to_vec()
}

/// The state bytes with the items `items` (encoded as `ciborium` does).
fn items(items: Vec<Value>) -> Vec<u8> {
    cbor::encode(&Value::Array(items))
}

fn sample_items() -> Vec<Value> {
    vec![
        Value::Text("t/x".into()),
        Value::Integer(1.into()),
        Value::Bytes(vec![1, 2, 3, 4]),
        Value::Text("hi".into()),
        Value::Integer(300.into()),
        Value::Null,
        Value::Array(vec![Value::Array(vec![Value::Integer(5.into()), Value::Bytes(vec![9])])]),
    ]
}

fn with(index: usize, value: Value) -> Vec<u8> {
    let mut it = sample_items();
    it[index] = value;
    items(it)
}

/// The sample's fields: key, name, n, opt, list.
type Fields = (Vec<u8>, String, u64, Option<Vec<u8>>, Vec<(u32, Vec<u8>)>);

/// Reads the sample's fields.
fn read(bytes: &[u8], spec: &StateSpec) -> Result<Fields, StateError> {
    let mut r = StateReader::open(bytes, spec)?;
    let key = r.fixed::<4>("key")?.to_vec();
    let name = r.text("name")?.to_string();
    let n = r.uint("n")?;
    let opt = r.opt_bytes("opt")?.map(|b| b.to_vec());
    let mut list = Vec::new();
    for mut e in r.list("list", 2, 2)? {
        list.push((e.u32("day")?, e.bytes("secret")?.to_vec()));
    }
    Ok((key, name, n, opt, list))
}

#[test]
fn round_trip_exact_bytes() {
    let bytes = sample(&SPEC);
    assert_eq!(
        bytes,
        [
            0x87, 0x63, b't', b'/', b'x', 0x01, 0x44, 1, 2, 3, 4, 0x62, b'h', b'i', 0x19, 0x01, 0x2c, 0xf6, 0x81, 0x82,
            0x05, 0x41, 0x09
        ]
    );
    assert_eq!(bytes, items(sample_items()), "the writer encodes as ciborium does");
    let expected = (vec![1, 2, 3, 4], "hi".to_owned(), 300, None, vec![(5, vec![9])]);
    assert_eq!(read(&bytes, &SPEC), Ok(expected.clone()));
    // Version first: the same bytes with the two header items swapped.
    let swapped = sample(&SPEC_VERSION_FIRST);
    assert_eq!(swapped[..6], [0x87, 0x01, 0x63, b't', b'/', b'x']);
    assert_eq!(swapped[6..], bytes[6..]);
    assert_eq!(read(&swapped, &SPEC_VERSION_FIRST), Ok(expected));
    assert_eq!(read(&swapped, &SPEC), Err(StateError::WrongStateType));
    assert_eq!(read(&bytes, &SPEC_VERSION_FIRST), Err(StateError::WrongStateType));
}

/// The writer gives ciborium's bytes at every head-size boundary, across buffer growth (the first buffer is
/// 256 bytes).
#[test]
fn writer_matches_ciborium_at_every_boundary() {
    let spec = StateSpec { max_len: 1 << 20, ..SPEC };
    for len in [0usize, 23, 24, 255, 256, 300, 65_535, 65_536] {
        let blob = vec![0xa5; len];
        let text = "é".repeat(len / 2);
        let count = len.min(1000);
        let mut w = StateWriter::new(&spec);
        w.bytes(&blob).text(&text).uint(len as u64).uint(u64::MAX).opt_bytes(Some(&blob[..len.min(3)])).array(|w| {
            for i in 0..count {
                w.uint(i as u64);
            }
        });
        let expected = items(vec![
            Value::Text("t/x".into()),
            Value::Integer(1.into()),
            Value::Bytes(blob.clone()),
            Value::Text(text.clone()),
            Value::Integer((len as u64).into()),
            Value::Integer(u64::MAX.into()),
            Value::Bytes(blob[..len.min(3)].to_vec()),
            Value::Array((0..count).map(|i| Value::Integer((i as u64).into())).collect()),
        ]);
        assert_eq!(w.finish().as_slice(), expected.as_slice(), "length {len}");
    }
}

#[test]
fn decode_too_long_before_parsing() {
    let mut long = sample(&SPEC);
    long.resize(65, 0xff);
    assert_eq!(read(&long, &SPEC), Err(StateError::TooLong { max: 64, got: 65 }));
    assert_eq!(read(&vec![0; 10_000_000], &SPEC), Err(StateError::TooLong { max: 64, got: 10_000_000 }));
}

#[test]
fn decode_truncated_malformed_deep() {
    let bytes = sample(&SPEC);
    assert_eq!(read(&[], &SPEC), Err(StateError::Truncated));
    assert_eq!(read(&bytes[..bytes.len() - 1], &SPEC), Err(StateError::Truncated));
    assert_eq!(read(&[0xff], &SPEC), Err(StateError::MalformedCbor));
    assert_eq!(read(&[0x81, 0x81, 0x81, 0x81, 0x01], &SPEC), Err(StateError::NestingTooDeep));
    assert_eq!(
        read(&with(6, Value::Array(vec![Value::Array(vec![Value::Array(vec![])])])), &SPEC),
        Err(StateError::NestingTooDeep)
    );
}

#[test]
fn decode_trailing_bytes() {
    let mut bytes = sample(&SPEC);
    bytes.push(0);
    assert_eq!(read(&bytes, &SPEC), Err(StateError::TrailingBytes));
}

#[test]
fn decode_non_shortest_integer() {
    // The version 1 as `18 01`.
    let mut bytes = sample(&SPEC);
    bytes.splice(5..6, [0x18, 0x01]);
    assert_eq!(read(&bytes, &SPEC), Err(StateError::NonCanonical));
    // 300 as `1a 00 00 01 2c`.
    let mut bytes = sample(&SPEC);
    bytes.splice(14..17, [0x1a, 0x00, 0x00, 0x01, 0x2c]);
    assert_eq!(read(&bytes, &SPEC), Err(StateError::NonCanonical));
    // An indefinite-length state array.
    let mut bytes = sample(&SPEC);
    bytes[0] = 0x9f;
    bytes.push(0xff);
    assert_eq!(read(&bytes, &SPEC), Err(StateError::NonCanonical));
}

#[test]
fn decode_map_float_tag_refused() {
    assert_eq!(read(&with(4, Value::Map(vec![])), &SPEC), Err(StateError::NonCanonical));
    let entry_map = Value::Map(vec![(Value::Integer(1.into()), Value::Integer(2.into()))]);
    assert_eq!(read(&with(6, Value::Array(vec![entry_map])), &SPEC), Err(StateError::NonCanonical));
    assert_eq!(read(&items(vec![Value::Map(vec![])]), &SPEC), Err(StateError::NonCanonical));
    assert_eq!(read(&with(4, Value::Float(1.0)), &SPEC), Err(StateError::NonCanonical));
    assert_eq!(read(&with(4, Value::Tag(1, Box::new(Value::Integer(0.into())))), &SPEC), Err(StateError::NonCanonical));
}

#[test]
fn decode_wrong_state_type() {
    assert_eq!(read(&[0x80], &SPEC), Err(StateError::WrongStateType));
    assert_eq!(read(&[0x01], &SPEC), Err(StateError::WrongStateType));
    assert_eq!(read(&[0x43, 1, 2, 3], &SPEC), Err(StateError::WrongStateType));
    assert_eq!(read(&with(0, Value::Text("t/y".into())), &SPEC), Err(StateError::WrongStateType));
    assert_eq!(read(&with(0, Value::Bytes(b"t/x".to_vec())), &SPEC), Err(StateError::WrongStateType));
    // The type is checked before the version and the arity.
    assert_eq!(
        read(&items(vec![Value::Text("t/y".into()), Value::Integer(2.into())]), &SPEC),
        Err(StateError::WrongStateType)
    );
}

#[test]
fn decode_wrong_version() {
    assert_eq!(read(&with(1, Value::Integer(2.into())), &SPEC), Err(StateError::UnsupportedVersion { got: 2 }));
    assert_eq!(read(&with(1, Value::Integer(0.into())), &SPEC), Err(StateError::UnsupportedVersion { got: 0 }));
    assert_eq!(read(&with(1, Value::Integer((-1).into())), &SPEC), Err(StateError::InvalidField { field: "version" }));
    assert_eq!(read(&with(1, Value::Text("1".into())), &SPEC), Err(StateError::UnexpectedType { field: "version" }));
    // The version is checked before the arity: a newer state of another shape says so.
    let newer = items(vec![Value::Text("t/x".into()), Value::Integer(2.into()), Value::Null]);
    assert_eq!(read(&newer, &SPEC), Err(StateError::UnsupportedVersion { got: 2 }));
    // No version at all.
    assert_eq!(
        read(&items(vec![Value::Text("t/x".into())]), &SPEC),
        Err(StateError::WrongArity { field: "state", expected: 7, got: 1 })
    );
}

#[test]
fn decode_wrong_arity() {
    let mut short = sample_items();
    short.pop();
    assert_eq!(read(&items(short), &SPEC), Err(StateError::WrongArity { field: "state", expected: 7, got: 6 }));
    let mut long = sample_items();
    long.push(Value::Null);
    assert_eq!(read(&items(long), &SPEC), Err(StateError::WrongArity { field: "state", expected: 7, got: 8 }));
    let entry = Value::Array(vec![Value::Integer(5.into())]);
    assert_eq!(
        read(&with(6, Value::Array(vec![entry])), &SPEC),
        Err(StateError::WrongArity { field: "list", expected: 2, got: 1 })
    );
}

#[test]
fn decode_field_rules() {
    let cases: Vec<(usize, Value, StateError)> = vec![
        (2, Value::Bytes(vec![0; 3]), StateError::WrongLength { field: "key", expected: 4, got: 3 }),
        (2, Value::Bytes(vec![0; 5]), StateError::WrongLength { field: "key", expected: 4, got: 5 }),
        (2, Value::Null, StateError::UnexpectedType { field: "key" }),
        (3, Value::Bytes(b"hi".to_vec()), StateError::UnexpectedType { field: "name" }),
        (4, Value::Integer((-3).into()), StateError::InvalidField { field: "n" }),
        (4, Value::Bool(true), StateError::UnexpectedType { field: "n" }),
        (4, Value::Array(vec![Value::Array(vec![])]), StateError::UnexpectedType { field: "n" }),
        (5, Value::Text("x".into()), StateError::UnexpectedType { field: "opt" }),
        (6, Value::Null, StateError::UnexpectedType { field: "list" }),
        (6, Value::Array(vec![Value::Null]), StateError::UnexpectedType { field: "list" }),
        (6, Value::Array(vec![Value::Array(vec![]); 3]), StateError::TooManyItems { field: "list", max: 2 }),
        (
            6,
            Value::Array(vec![Value::Array(vec![
                Value::Integer((u64::from(u32::MAX) + 1).into()),
                Value::Bytes(vec![]),
            ])]),
            StateError::InvalidField { field: "day" },
        ),
    ];
    for (index, value, expected) in cases {
        assert_eq!(read(&with(index, value.clone()), &SPEC), Err(expected), "item {index} = {value:?}");
    }
    // `opt` holds bytes.
    let (_, _, _, opt, _) = read(&with(5, Value::Bytes(vec![7, 7])), &SPEC).unwrap();
    assert_eq!(opt, Some(vec![7, 7]));
}

#[test]
fn reading_past_the_arity_is_wrong_arity() {
    let spec = StateSpec { arity: 3, ..SPEC };
    let bytes = items(vec![Value::Text("t/x".into()), Value::Integer(1.into()), Value::Integer(4.into())]);
    let mut r = StateReader::open(&bytes, &spec).unwrap();
    assert_eq!(r.uint("a"), Ok(4));
    assert_eq!(r.uint("b"), Err(StateError::WrongArity { field: "state", expected: 4, got: 3 }));
}

#[test]
fn field_errors_of_embedded_values() {
    use crate::error::DecodeError;
    assert_eq!(
        StateError::in_field("anchor", DecodeError::WrongLength { field: "public_key", expected: 65, got: 64 }),
        StateError::WrongLength { field: "anchor", expected: 65, got: 64 }
    );
    assert_eq!(
        StateError::in_field("anchor", DecodeError::InvalidPoint { field: "public_key" }),
        StateError::InvalidField { field: "anchor" }
    );
    assert_eq!(
        StateError::in_field("certificate", DecodeError::TooLong { max: 1, got: 2 }),
        StateError::InvalidField { field: "certificate" }
    );
}

#[test]
fn kinds_are_stable() {
    let kinds = [
        (StateError::TooLong { max: 1, got: 2 }, "too_long"),
        (StateError::Truncated, "truncated"),
        (StateError::MalformedCbor, "malformed_cbor"),
        (StateError::NestingTooDeep, "nesting_too_deep"),
        (StateError::TrailingBytes, "trailing_bytes"),
        (StateError::NonCanonical, "non_canonical"),
        (StateError::WrongStateType, "wrong_state_type"),
        (StateError::UnsupportedVersion { got: 2 }, "unsupported_version"),
        (StateError::WrongArity { field: "state", expected: 1, got: 2 }, "wrong_arity"),
        (StateError::UnexpectedType { field: "f" }, "unexpected_type"),
        (StateError::WrongLength { field: "f", expected: 1, got: 2 }, "wrong_length"),
        (StateError::TooManyItems { field: "f", max: 1 }, "too_many_items"),
        (StateError::InvalidField { field: "f" }, "invalid_field"),
        (StateError::Inconsistent { field: "f" }, "inconsistent"),
        (StateError::Verify(crate::error::VerifyError::BadSignature), "bad_signature"),
    ];
    for (e, kind) in kinds {
        assert_eq!(e.kind(), kind, "{e:?}");
    }
    assert_eq!(
        StateError::WrongArity { field: "state", expected: 7, got: 6 }.to_string(),
        "state: expected 7 items, got 6"
    );
}
