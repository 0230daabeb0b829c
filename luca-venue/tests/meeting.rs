//! Private-meeting host: self-signed descriptor, QR, guests' names, consent, state.

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

use common::{NOW, Office, Registrar, guest_code, rng};
use luca_protocol::error::VerifyError;
use luca_protocol::messages::additional_data::{AdditionalData, AdditionalDataContent};
use luca_protocol::messages::checkin_record::{CheckInRecord, InnerRecord};
use luca_protocol::messages::consent_response::ConsentResponseIn;
use luca_protocol::messages::tracing_request::TracingWindow;
use luca_protocol::qr::venue::VenueQr;
use luca_protocol::signed::venue_descriptor::VenueKind;
use luca_protocol::time::{UnixTime, Validity};
use luca_venue::{MeetingError, MeetingGuest, PrivateMeetingHost, StateError, StoredCheckIn, Venue, VenueError};
use rand_chacha::ChaCha20Rng;

/// A guest's self check-in at the meeting at `at`, with their name (or none).
fn self_check_in(
    rng: &mut ChaCha20Rng,
    office: &Office,
    host: &PrivateMeetingHost,
    at: UnixTime,
    name: Option<&str>,
) -> (StoredCheckIn, luca_protocol::ids::TraceId) {
    // The guest verifies the QR as a private meeting before sharing the name.
    let qr = VenueQr::from_url(&host.qr("luca.example").unwrap().to_url()).unwrap();
    let d = qr.into_descriptor().verify_private_meeting(at).unwrap();
    let code = guest_code(rng, &office.daily, at.minute());
    let record = CheckInRecord::seal(
        rng,
        d.venue_id(),
        &d.venue_key(),
        &InnerRecord::Guest(code.qr),
        code.trace_id,
        at.minute(),
    )
    .unwrap();
    let additional = name.map(|n| {
        let content = AdditionalDataContent { table: None, guest_name: Some(n.to_owned()) };
        AdditionalData::seal(rng, d.venue_id(), &d.venue_key(), code.trace_id, &content).unwrap().to_bytes()
    });
    (StoredCheckIn { record: record.to_bytes(), additional_data: additional }, code.trace_id)
}

fn evening() -> Validity {
    Validity { not_before: NOW.minus_secs(3600), not_after: NOW.plus_secs(6 * 3600) }
}

#[test]
fn descriptor_and_qr() {
    let mut rng = rng(1);
    let registrar = Registrar::new(&mut rng);
    let host = PrivateMeetingHost::new(&mut rng, "Birthday", evening()).unwrap();
    assert_eq!(host.name(), "Birthday");
    assert_eq!(host.validity(), evening());
    let d = host.descriptor();
    assert_eq!(d.kind(), VenueKind::PrivateMeeting);
    assert_eq!(d.venue_id(), host.venue_id());
    assert_eq!(d.venue_key(), host.public_key());
    assert_eq!(d.host_key(), Some(host.host_key()));
    assert_eq!(d.table_count(), None);
    let url = host.qr("luca.example:8443").unwrap().to_url();
    assert!(url.starts_with("https://luca.example:8443/v1/checkin#"));
    let parsed = VenueQr::from_url(&url).unwrap();
    assert_eq!(parsed.table(), None);
    assert_eq!(&parsed.clone().into_descriptor().verify_private_meeting(NOW).unwrap(), d);
    // It verifies only as what it is: never as a registrar-signed venue.
    assert_eq!(parsed.descriptor().registrar_id(), None);
    let mut venue = Venue::generate(&mut rng);
    assert_eq!(
        venue.install_descriptor(d.as_bytes(), &registrar.cert, NOW).unwrap_err(),
        VenueError::NotAVenueDescriptor
    );
    // Outside its validity.
    assert_eq!(
        VenueQr::from_url(&url).unwrap().into_descriptor().verify_private_meeting(evening().not_after).unwrap_err(),
        VerifyError::Expired
    );
}

#[test]
fn setup_rejections() {
    let mut rng = rng(2);
    for name in ["", "a\nb", &"x".repeat(129)] {
        let err = PrivateMeetingHost::new(&mut rng, name, evening()).unwrap_err();
        assert_eq!((err.clone(), err.kind()), (MeetingError::InvalidName, "invalid_name"));
    }
    let empty = Validity { not_before: NOW, not_after: NOW };
    let err = PrivateMeetingHost::new(&mut rng, "Party", empty).unwrap_err();
    assert_eq!((err.clone(), err.kind()), (MeetingError::InvalidValidity, "invalid_validity"));
    let host = PrivateMeetingHost::new(&mut rng, "Party", evening()).unwrap();
    for bad in ["", "a b", "x/y", &"h".repeat(256)] {
        let err = host.qr(bad).unwrap_err();
        assert_eq!((err.clone(), err.kind()), (MeetingError::InvalidHost, "invalid_host"));
    }
}

#[test]
fn read_guests_names() {
    let mut rng = rng(3);
    let office = Office::new(&mut rng);
    let host = PrivateMeetingHost::new(&mut rng, "Birthday", evening()).unwrap();
    let other = PrivateMeetingHost::new(&mut rng, "Other party", evening()).unwrap();
    let (erika, t_erika) = self_check_in(&mut rng, &office, &host, NOW.plus_secs(300), Some("Erika Mustermann"));
    let (max, t_max) = self_check_in(&mut rng, &office, &host, NOW, Some("Max Muster"));
    let (anon, t_anon) = self_check_in(&mut rng, &office, &host, NOW.plus_secs(120), None);
    let (elsewhere, _) = self_check_in(&mut rng, &office, &other, NOW, Some("Not Here"));
    // Additional data that does not open (sealed to the other meeting under this id is impossible
    // for the guest; the server swaps in another check-in's data).
    let (mut swapped, t_swapped) = self_check_in(&mut rng, &office, &host, NOW.plus_secs(60), Some("Swapped"));
    swapped.additional_data = max.additional_data.clone();
    let garbage = StoredCheckIn { record: vec![0x80], additional_data: None };
    let checkins = vec![erika, max.clone(), anon, elsewhere, swapped, garbage, max];
    let guests = host.read_guests(&checkins);
    let names: Vec<(luca_protocol::ids::TraceId, Option<&str>)> =
        guests.iter().map(|g| (g.trace_id, g.name.as_deref())).collect();
    assert_eq!(
        names,
        vec![(t_max, Some("Max Muster")), (t_swapped, None), (t_anon, None), (t_erika, Some("Erika Mustermann")),]
    );
    assert_eq!(
        guests.iter().map(|g| g.minute).collect::<Vec<_>>(),
        vec![NOW.minute(), NOW.plus_secs(60).minute(), NOW.plus_secs(120).minute(), NOW.plus_secs(300).minute()]
    );
    // Names are redacted in Debug.
    let dbg = format!("{:?}", guests[0]);
    assert!(dbg.contains("<redacted>") && !dbg.contains("Max"), "{dbg}");
    let _: &MeetingGuest = &guests[0];
    // The other host reads only its own guest.
    let theirs = other.read_guests(&checkins);
    assert_eq!(theirs.len(), 1);
    assert_eq!(theirs[0].name.as_deref(), Some("Not Here"));
}

#[test]
fn meeting_answers_tracing_requests() {
    let mut rng = rng(4);
    let office = Office::new(&mut rng);
    let host = PrivateMeetingHost::new(&mut rng, "Birthday", evening()).unwrap();
    let (stored, trace_id) = self_check_in(&mut rng, &office, &host, NOW, Some("Erika Mustermann"));
    let later = NOW.plus_secs(86_400);
    let window = TracingWindow { from: NOW.minus_secs(600), to: NOW.plus_secs(600) };
    let request = office.request(&mut rng, host.venue_id(), window, later);
    let answer = host.answer_tracing_request(&mut rng, request.as_bytes(), &office.cert, &[stored], later).unwrap();
    assert_eq!(answer.consented, 1);
    let entries = ConsentResponseIn::from_slice(answer.responses[0].as_bytes())
        .unwrap()
        .open(&request, &office.keys.encryption)
        .unwrap();
    assert_eq!(entries[0].trace_id, trace_id);
    assert_eq!(entries[0].additional.as_ref().unwrap().guest_name.as_deref(), Some("Erika Mustermann"));
    let venue_id = Venue::generate(&mut rng).venue_id();
    let venue_request = office.request(&mut rng, venue_id, window, later);
    assert_eq!(
        host.answer_tracing_request(&mut rng, venue_request.as_bytes(), &office.cert, &[], later).unwrap_err(),
        VenueError::RequestForOtherVenue
    );
}

#[test]
fn state_round_trip_and_errors() {
    let mut rng = rng(5);
    let office = Office::new(&mut rng);
    let host = PrivateMeetingHost::new(&mut rng, "Birthday", evening()).unwrap();
    let bytes = host.export_state();
    assert_eq!(host.export_state(), bytes);
    assert_eq!(&bytes[..35], b"\x88\x78\x1fluca-venue/private-meeting-host\x01");
    let back = PrivateMeetingHost::import_state(&bytes).unwrap();
    assert_eq!(back.descriptor(), host.descriptor());
    assert_eq!(back.descriptor().as_bytes(), host.descriptor().as_bytes());
    assert_eq!(back.qr("luca.example").unwrap(), host.qr("luca.example").unwrap());
    assert_eq!(back.export_state(), bytes);
    let (stored, _) = self_check_in(&mut rng, &office, &host, NOW, Some("Max Muster"));
    assert_eq!(back.read_guests(&[stored])[0].name.as_deref(), Some("Max Muster"));

    use ciborium::Value as V;
    let enc = |items: Vec<V>| {
        let mut out = Vec::new();
        ciborium::ser::into_writer(&V::Array(items), &mut out).unwrap();
        out
    };
    let fields = |name: &str, nb: u64, na: u64, key: Vec<u8>| {
        enc(vec![
            V::Text("luca-venue/private-meeting-host".into()),
            V::Integer(1.into()),
            V::Bytes(vec![7; 16]),
            V::Bytes(key),
            V::Bytes(vec![0x22; 32]),
            V::Text(name.into()),
            V::Integer(nb.into()),
            V::Integer(na.into()),
        ])
    };
    assert!(PrivateMeetingHost::import_state(&fields("Party", 1, 2, vec![0x11; 32])).is_ok());
    let venue_state = Venue::generate(&mut rng).export_state();
    for (bytes, want) in [
        (venue_state.to_vec(), StateError::WrongStateType),
        (fields("", 1, 2, vec![0x11; 32]), StateError::InvalidField { field: "name" }),
        (fields("Party", 2, 2, vec![0x11; 32]), StateError::InvalidField { field: "not_after" }),
        (fields("Party", 1, 2, vec![0; 32]), StateError::InvalidField { field: "host_signing_key" }),
        (
            fields("Party", 1, 2, vec![0x11; 31]),
            StateError::WrongLength { field: "host_signing_key", expected: 32, got: 31 },
        ),
        (bytes[..bytes.len() - 1].to_vec(), StateError::Truncated),
    ] {
        assert_eq!(PrivateMeetingHost::import_state(&bytes).unwrap_err(), want);
    }
    let dbg = format!("{host:?}");
    assert!(dbg.contains("HostSigningKey(<redacted>)") && dbg.contains("VenuePrivateKey(<redacted>)"), "{dbg}");
}
