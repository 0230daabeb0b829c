//! Venue owner: registration, descriptor, printed QR, additional data, checkout, state.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::arithmetic_side_effects,
    clippy::cast_possible_truncation,
    unreachable_pub,
    missing_docs
)]

mod common;

use common::{NOW, Office, Registrar, guest_code, rng, year};
use luca_protocol::error::{DecodeError, OpenError, VerifyError};
use luca_protocol::ids::TraceId;
use luca_protocol::keys::{HostSigningKey, VenuePrivateKey};
use luca_protocol::messages::additional_data::{AdditionalData, AdditionalDataContent, AdditionalDataIn};
use luca_protocol::messages::checkin_record::CheckInRecordIn;
use luca_protocol::qr::venue::VenueQr;
use luca_protocol::signed::registrar_certificate::RegistrarCertificate;
use luca_protocol::signed::venue_descriptor::{VenueDescriptor, VenueKind};
use luca_protocol::time::Validity;
use luca_venue::{PrivateMeetingHost, StateError, Venue, VenueCheckout, VenueError, VenueRegistrationRequest};

#[test]
fn registration_request_and_validation() {
    let mut rng = rng(1);
    let venue = Venue::generate(&mut rng);
    let req = venue.registration_request("Café Luca", Some(12));
    assert_eq!(
        req,
        VenueRegistrationRequest {
            venue_id: venue.venue_id(),
            name: "Café Luca".into(),
            venue_key: venue.public_key(),
            table_count: Some(12),
        }
    );
    assert_eq!(req.validate(), Ok(()));
    assert_eq!(venue.registration_request("Bar", None).validate(), Ok(()));
    assert_eq!(venue.registration_request("Bar", Some(1000)).validate(), Ok(()));
    for (name, tables, field) in [
        ("", None, "name"),
        ("a\u{7}b", None, "name"),
        ("Bar", Some(0), "table_count"),
        ("Bar", Some(1001), "table_count"),
    ] {
        assert_eq!(venue.registration_request(name, tables).validate(), Err(DecodeError::InvalidField { field }));
    }
    assert_eq!(venue.registration_request(&"x".repeat(129), None).validate().unwrap_err().kind(), "invalid_field");
}

#[test]
fn install_descriptor_and_print_qr() {
    let mut rng = rng(2);
    let registrar = Registrar::new(&mut rng);
    let mut venue = Venue::generate(&mut rng);
    assert!(venue.descriptor().is_none());
    assert_eq!(venue.printed_qr("luca.example", None).unwrap_err(), VenueError::NoDescriptor);
    let d = registrar.descriptor(&venue, Some(12), year());
    venue.install_descriptor(d.as_bytes(), &registrar.cert, NOW).unwrap();
    assert_eq!(venue.descriptor(), Some(&d));
    for table in [None, Some(1), Some(12)] {
        let qr = venue.printed_qr("luca.example", table).unwrap();
        let parsed = VenueQr::from_url(&qr.to_url()).unwrap();
        assert_eq!(parsed.table(), table);
        assert_eq!(parsed.base_url(), "https://luca.example/v1/checkin");
        let verified = parsed.into_descriptor().verify(&registrar.cert, NOW).unwrap();
        assert_eq!(verified, d);
        assert_eq!(verified.kind(), VenueKind::Venue);
    }
    for table in [0, 13] {
        let err = venue.printed_qr("luca.example", Some(table)).unwrap_err();
        assert_eq!((err.clone(), err.kind()), (VenueError::InvalidTable, "invalid_table"));
    }
    for host in ["", "bad host", "luca.example/x"] {
        let err = venue.printed_qr(host, None).unwrap_err();
        assert_eq!((err.clone(), err.kind()), (VenueError::InvalidHost, "invalid_host"));
    }
}

fn reject(venue: &mut Venue, bytes: &[u8], cert: &RegistrarCertificate, want: VenueError, kind: &str) {
    let err = venue.install_descriptor(bytes, cert, NOW).unwrap_err();
    assert_eq!(err.kind(), kind);
    assert_eq!(err, want);
}

#[test]
fn install_descriptor_rejections() {
    let mut rng = rng(3);
    let registrar = Registrar::new(&mut rng);
    let mut venue = Venue::generate(&mut rng);
    let good = registrar.descriptor(&venue, None, year());

    // Not a descriptor.
    for bytes in [&[][..], &[0x80], &good.as_bytes()[1..]] {
        let err = venue.install_descriptor(bytes, &registrar.cert, NOW).unwrap_err();
        let VenueError::MalformedDescriptor(inner) = &err else { panic!("{err:?}") };
        assert_eq!(err.kind(), inner.kind());
    }
    assert_eq!(
        venue.install_descriptor(&[], &registrar.cert, NOW).unwrap_err(),
        VenueError::MalformedDescriptor(DecodeError::Truncated)
    );
    // A private meeting's descriptor for the same id and key (self-signed).
    let host = HostSigningKey::generate(&mut rng);
    let meeting =
        VenueDescriptor::issue_private_meeting(&host, venue.venue_id(), "Party", &venue.public_key(), year()).unwrap();
    reject(&mut venue, meeting.as_bytes(), &registrar.cert, VenueError::NotAVenueDescriptor, "not_a_venue_descriptor");
    // Another registrar's certificate.
    let other = Registrar::new(&mut rng);
    reject(
        &mut venue,
        good.as_bytes(),
        &other.cert,
        VenueError::UntrustedDescriptor(VerifyError::WrongIssuer),
        "wrong_issuer",
    );
    // Signed by another key under the registrar's id.
    let forged = Registrar { key: other.key, id: registrar.id, cert: other.cert }.descriptor(&venue, None, year());
    reject(
        &mut venue,
        forged.as_bytes(),
        &registrar.cert,
        VenueError::UntrustedDescriptor(VerifyError::BadSignature),
        "bad_signature",
    );
    // Tampered signature.
    let mut tampered = good.to_bytes();
    *tampered.last_mut().unwrap() ^= 1;
    reject(
        &mut venue,
        &tampered,
        &registrar.cert,
        VenueError::UntrustedDescriptor(VerifyError::BadSignature),
        "bad_signature",
    );
    // Expired, not yet valid.
    let past = Validity { not_before: NOW.minus_secs(7200), not_after: NOW.minus_secs(3600) };
    let expired = registrar.descriptor(&venue, None, past);
    reject(
        &mut venue,
        expired.as_bytes(),
        &registrar.cert,
        VenueError::UntrustedDescriptor(VerifyError::Expired),
        "expired",
    );
    let future = Validity { not_before: NOW.plus_secs(3600), not_after: NOW.plus_secs(7200) };
    let early = registrar.descriptor(&venue, None, future);
    reject(
        &mut venue,
        early.as_bytes(),
        &registrar.cert,
        VenueError::UntrustedDescriptor(VerifyError::NotYetValid),
        "not_yet_valid",
    );
    // Another venue's descriptor; this venue's id with another key.
    let stranger = Venue::generate(&mut rng);
    let theirs = registrar.descriptor(&stranger, None, year());
    reject(&mut venue, theirs.as_bytes(), &registrar.cert, VenueError::WrongVenue, "wrong_venue");
    let other_key = VenuePrivateKey::generate(&mut rng).public_key();
    let swapped = VenueDescriptor::issue_venue(
        &registrar.key,
        registrar.id,
        venue.venue_id(),
        "Café Luca",
        &other_key,
        None,
        year(),
    )
    .unwrap();
    reject(&mut venue, swapped.as_bytes(), &registrar.cert, VenueError::KeyMismatch, "key_mismatch");
    // Nothing was installed by any of these; a failure after a success keeps the installed one.
    assert!(venue.descriptor().is_none());
    venue.install_descriptor(good.as_bytes(), &registrar.cert, NOW).unwrap();
    reject(&mut venue, swapped.as_bytes(), &registrar.cert, VenueError::KeyMismatch, "key_mismatch");
    assert_eq!(venue.descriptor(), Some(&good));
}

#[test]
fn additional_data_and_records() {
    let mut rng = rng(4);
    let office = Office::new(&mut rng);
    let venue = Venue::generate(&mut rng);
    let stranger = Venue::generate(&mut rng);
    let trace_id = TraceId::random(&mut rng);
    let content = AdditionalDataContent { table: Some(3), guest_name: None };
    let sealed = AdditionalData::seal(&mut rng, venue.venue_id(), &venue.public_key(), trace_id, &content).unwrap();
    let data = AdditionalDataIn::from_slice(sealed.as_bytes()).unwrap();
    assert_eq!(venue.open_additional_data(&data).unwrap(), content);
    assert_eq!(stranger.open_additional_data(&data).unwrap_err(), OpenError::BindingMismatch { field: "venue_id" });
    // Sealed to another key under this venue's id.
    let other_key = VenuePrivateKey::generate(&mut rng).public_key();
    let wrong_key = AdditionalData::seal(&mut rng, venue.venue_id(), &other_key, trace_id, &content).unwrap();
    let wrong_key = AdditionalDataIn::from_slice(wrong_key.as_bytes()).unwrap();
    assert_eq!(venue.open_additional_data(&wrong_key).unwrap_err(), OpenError::DecryptionFailed);
    // Sealed to this venue's key under another venue id: the AAD no longer matches the key holder's view.
    let misbound =
        AdditionalData::seal(&mut rng, stranger.venue_id(), &venue.public_key(), trace_id, &content).unwrap();
    let misbound = AdditionalDataIn::from_slice(misbound.as_bytes()).unwrap();
    assert_eq!(venue.open_additional_data(&misbound).unwrap_err(), OpenError::BindingMismatch { field: "venue_id" });
    let mut tampered = sealed.to_bytes();
    *tampered.last_mut().unwrap() ^= 1;
    let tampered = AdditionalDataIn::from_slice(&tampered).unwrap();
    assert_eq!(venue.open_additional_data(&tampered).unwrap_err(), OpenError::DecryptionFailed);

    // Records: this venue's opens, another venue's does not.
    let mut scanner = stranger.scanner();
    scanner.add_daily_key(office.announcement.clone());
    let code = guest_code(&mut rng, &office.daily, NOW.minute());
    let scan = scanner.scan(&mut rng, &code.qr.to_base32(), NOW).unwrap();
    let record = CheckInRecordIn::from_slice(scan.record.as_bytes()).unwrap();
    assert_eq!(venue.open_record(&record).unwrap_err(), OpenError::BindingMismatch { field: "venue_id" });
    assert!(stranger.open_record(&record).is_ok());
}

#[test]
fn checkout_all_is_a_plain_request() {
    let mut rng = rng(5);
    let venue = Venue::generate(&mut rng);
    assert_eq!(venue.checkout_all(NOW), VenueCheckout { venue_id: venue.venue_id(), at: NOW });
}

#[test]
fn state_round_trip() {
    let mut rng = rng(6);
    let registrar = Registrar::new(&mut rng);
    let mut venue = Venue::generate(&mut rng);
    // Without a descriptor.
    let bytes = venue.export_state();
    assert_eq!(bytes.len(), 71);
    assert_eq!(&bytes[..19], b"\x85\x70luca-venue/venue\x01");
    assert_eq!(bytes[19], 0x50);
    assert_eq!(&bytes[20..36], venue.venue_id().as_bytes());
    assert_eq!(&bytes[36..38], &[0x58, 0x20]);
    assert_eq!(bytes[70], 0xf6);
    let back = Venue::import_state(&bytes).unwrap();
    assert_eq!(back.venue_id(), venue.venue_id());
    assert_eq!(back.public_key(), venue.public_key());
    assert!(back.descriptor().is_none());
    assert_eq!(back.export_state(), bytes);
    // With a descriptor: restored unverified, verified again with the registrar.
    let d = registrar.descriptor(&venue, Some(4), year());
    venue.install_descriptor(d.as_bytes(), &registrar.cert, NOW).unwrap();
    let bytes = venue.export_state();
    assert_eq!(venue.export_state(), bytes);
    let mut back = Venue::import_state(&bytes).unwrap();
    assert!(back.descriptor().is_none());
    assert_eq!(back.printed_qr("luca.example", None).unwrap_err(), VenueError::NoDescriptor);
    assert_eq!(back.export_state(), bytes);
    let other = Registrar::new(&mut rng);
    assert_eq!(
        back.reverify_descriptor(&other.cert, NOW).unwrap_err(),
        VenueError::UntrustedDescriptor(VerifyError::WrongIssuer)
    );
    assert_eq!(back.export_state(), bytes);
    back.reverify_descriptor(&registrar.cert, NOW).unwrap();
    assert_eq!(back.descriptor(), Some(&d));
    assert_eq!(back.printed_qr("luca.example", Some(2)).unwrap(), venue.printed_qr("luca.example", Some(2)).unwrap());
    // Re-verifying notices expiry and keeps the stored descriptor.
    assert_eq!(
        back.reverify_descriptor(&registrar.cert, year().not_after).unwrap_err(),
        VenueError::UntrustedDescriptor(VerifyError::Expired)
    );
    assert!(back.descriptor().is_none());
    assert_eq!(back.export_state(), bytes);
    assert_eq!(
        Venue::generate(&mut rng).reverify_descriptor(&registrar.cert, NOW).unwrap_err(),
        VenueError::NoDescriptor
    );
    // The imported key opens what the original's records hold.
    let content = AdditionalDataContent { table: Some(1), guest_name: None };
    let trace_id = TraceId::random(&mut rng);
    let sealed = AdditionalData::seal(&mut rng, venue.venue_id(), &venue.public_key(), trace_id, &content).unwrap();
    assert_eq!(back.open_additional_data(&AdditionalDataIn::from_slice(sealed.as_bytes()).unwrap()).unwrap(), content);
}

/// Encodes `[items…]` as CBOR with ciborium (test helper).
fn cbor(items: Vec<ciborium::Value>) -> Vec<u8> {
    let mut out = Vec::new();
    ciborium::ser::into_writer(&ciborium::Value::Array(items), &mut out).unwrap();
    out
}

#[test]
fn decode_state_errors() {
    use ciborium::Value as V;
    let mut rng = rng(7);
    let registrar = Registrar::new(&mut rng);
    let venue = Venue::generate(&mut rng);
    let good = venue.export_state().to_vec();
    let id = V::Bytes(venue.venue_id().as_bytes().to_vec());
    let key = V::Bytes(vec![0x11; 32]);
    let head = || vec![V::Text("luca-venue/venue".into()), V::Integer(1.into())];
    let with = |fields: Vec<V>| {
        let mut items = head();
        items.extend(fields);
        cbor(items)
    };
    assert!(Venue::import_state(&with(vec![id.clone(), key.clone(), V::Null])).is_ok());

    let mut trailing = good.clone();
    trailing.push(0);
    let mut non_canonical = vec![0x85, 0x78, 0x10]; // text length in a 1-byte argument
    non_canonical.extend_from_slice(&good[2..]);
    let meeting = PrivateMeetingHost::new(&mut rng, "Party", year()).unwrap().export_state().to_vec();
    let other_venue = Venue::generate(&mut rng);
    let theirs = registrar.descriptor(&other_venue, None, year()).to_bytes();
    let cases: Vec<(Vec<u8>, StateError)> = vec![
        (vec![0u8; 4097], StateError::TooLong { max: 4096, got: 4097 }),
        (vec![], StateError::Truncated),
        (vec![0xff], StateError::MalformedCbor),
        (good[..good.len() - 1].to_vec(), StateError::Truncated),
        (vec![0x81, 0x81, 0x81, 0x81, 0x01], StateError::NestingTooDeep),
        (vec![0x81, 0x81, 0x01], StateError::WrongStateType),
        (vec![0x01], StateError::WrongStateType),
        (trailing, StateError::TrailingBytes),
        (non_canonical, StateError::NonCanonical),
        (meeting, StateError::WrongStateType),
        (cbor(vec![]), StateError::WrongStateType),
        (
            cbor(vec![V::Text("luca-venue/venue".into()), V::Integer(2.into())]),
            StateError::UnsupportedVersion { got: 2 },
        ),
        (with(vec![id.clone(), key.clone()]), StateError::WrongArity { field: "state", expected: 5, got: 4 }),
        (
            with(vec![V::Bytes(vec![0; 15]), key.clone(), V::Null]),
            StateError::WrongLength { field: "venue_id", expected: 16, got: 15 },
        ),
        (with(vec![id.clone(), V::Bytes(vec![0; 32]), V::Null]), StateError::InvalidField { field: "private_key" }),
        (with(vec![id.clone(), V::Bytes(vec![0xff; 32]), V::Null]), StateError::InvalidField { field: "private_key" }),
        (with(vec![id.clone(), V::Text("k".into()), V::Null]), StateError::UnexpectedType { field: "private_key" }),
        (with(vec![id.clone(), key.clone(), V::Integer(0.into())]), StateError::UnexpectedType { field: "descriptor" }),
        (with(vec![id.clone(), key.clone(), V::Map(vec![])]), StateError::NonCanonical),
        (with(vec![id.clone(), key.clone(), V::Array(vec![])]), StateError::UnexpectedType { field: "descriptor" }),
        (with(vec![id.clone(), key.clone(), V::Bytes(vec![0; 10])]), StateError::InvalidField { field: "descriptor" }),
        (with(vec![id.clone(), key.clone(), V::Bytes(theirs)]), StateError::InvalidField { field: "descriptor" }),
    ];
    for (i, (bytes, want)) in cases.into_iter().enumerate() {
        let err = Venue::import_state(&bytes).unwrap_err();
        assert_eq!(err, want, "case {i}");
    }
    // Kinds.
    assert_eq!(StateError::TooLong { max: 1, got: 2 }.kind(), "too_long");
    assert_eq!(StateError::Truncated.kind(), "truncated");
    assert_eq!(StateError::MalformedCbor.kind(), "malformed_cbor");
    assert_eq!(StateError::NestingTooDeep.kind(), "nesting_too_deep");
    assert_eq!(StateError::TrailingBytes.kind(), "trailing_bytes");
    assert_eq!(StateError::NonCanonical.kind(), "non_canonical");
    assert_eq!(StateError::WrongStateType.kind(), "wrong_state_type");
    assert_eq!(StateError::UnsupportedVersion { got: 2 }.kind(), "unsupported_version");
    assert_eq!(StateError::WrongArity { field: "state", expected: 5, got: 4 }.kind(), "wrong_arity");
    assert_eq!(StateError::InvalidField { field: "x" }.kind(), "invalid_field");
    // A descriptor of this venue but under a key other than the stored one.
    let own = registrar.descriptor(&venue, None, year()).to_bytes();
    let other_key = V::Bytes(VenuePrivateKey::generate(&mut rng).to_bytes().to_vec());
    assert_eq!(
        Venue::import_state(&with(vec![id.clone(), other_key, V::Bytes(own.clone())])).unwrap_err(),
        StateError::InvalidField { field: "descriptor" }
    );
}

#[test]
fn errors_carry_no_secrets() {
    let mut rng = rng(8);
    let venue = Venue::generate(&mut rng);
    let dbg = format!("{venue:?}");
    assert!(dbg.contains("VenuePrivateKey(<redacted>)"), "{dbg}");
    let err = Venue::import_state(&[0xff; 10]).unwrap_err();
    assert_eq!(err.to_string(), "malformed CBOR");
}

/// The state codec writes exactly what the former `ciborium` encoder wrote for the same tree (the exported
/// bytes are unchanged by the move to `luca_protocol::state`).
#[test]
fn exported_bytes_are_the_ciborium_encoding() {
    let mut rng = rng(9);
    let registrar = Registrar::new(&mut rng);
    let mut venue = Venue::generate(&mut rng);
    let bare = venue.export_state().to_vec();
    venue.install_descriptor(registrar.descriptor(&venue, Some(4), year()).as_bytes(), &registrar.cert, NOW).unwrap();
    let host = PrivateMeetingHost::new(&mut rng, "Grüße", year()).unwrap();
    for state in [bare, venue.export_state().to_vec(), host.export_state().to_vec()] {
        let ciborium::Value::Array(items) = ciborium::de::from_reader(state.as_slice()).unwrap() else { panic!() };
        assert_eq!(cbor(items), state);
    }
}
