//! Printed venue QR: venue or private meeting, self check-in, private-meeting check-in, and attacks.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::arithmetic_side_effects,
    missing_docs
)]

mod common;

use common::{NOW, World, year};
use luca_client::{CheckInEntry, ClientError, Guest, ScannedVenue, VerifiedMeeting, VerifiedVenue};
use luca_protocol::error::{DecodeError, OpenError, VerifyError};
use luca_protocol::ids::{RegistrarId, VenueId};
use luca_protocol::keys::{RegistrarKey, VenuePrivateKey};
use luca_protocol::messages::additional_data::AdditionalDataIn;
use luca_protocol::messages::checkin_record::{CheckInRecordIn, CheckInSource, InnerRecord};
use luca_protocol::qr::venue::VenueQr;
use luca_protocol::signed::venue_descriptor::VenueDescriptor;
use luca_protocol::time::Validity;

#[test]
fn scan_tells_a_venue_from_a_private_meeting() {
    let w = World::new(20);
    match Guest::scan_venue_qr(&w.venue_url(Some(7)), &w.registrar, NOW).unwrap() {
        ScannedVenue::Venue(v) => {
            assert_eq!(v.name(), "Café Luca");
            assert_eq!(v.venue_id(), w.venue.venue_id());
            assert_eq!(v.table(), Some(7));
            assert_eq!(v.table_count(), Some(12));
            assert_eq!(v.venue_key(), w.venue_key.public_key());
            assert_eq!(v.validity(), year());
            assert_eq!(v.descriptor(), &w.venue);
        }
        ScannedVenue::PrivateMeeting(_) => panic!("a venue was taken for a private meeting"),
    }
    let scanned = Guest::scan_venue_qr(&w.meeting_url(), &w.registrar, NOW).unwrap();
    assert_eq!((scanned.name(), scanned.venue_id()), ("Birthday", w.meeting.venue_id()));
    match scanned {
        ScannedVenue::PrivateMeeting(m) => {
            assert_eq!(m.host_key(), Some(w.host_key.public_key()));
            assert_eq!(m.venue_key(), w.meeting_key.public_key());
            assert_eq!(m.descriptor(), &w.meeting);
        }
        ScannedVenue::Venue(_) => panic!("a private meeting was taken for a venue"),
    }
    // Without a table.
    assert_eq!(w.verified_venue(None).table(), None);
}

#[test]
fn the_kinds_cannot_be_swapped() {
    let w = World::new(21);
    assert_eq!(VerifiedMeeting::new(w.venue.clone()).unwrap_err(), ClientError::WrongKind);
    assert_eq!(VerifiedVenue::new(w.meeting.clone(), None).unwrap_err(), ClientError::WrongKind);
    assert_eq!(
        VerifiedVenue::new(w.venue.clone(), Some(13)).unwrap_err(),
        ClientError::Invalid(DecodeError::InvalidField { field: "table" })
    );
    assert_eq!(VerifiedVenue::new(w.venue.clone(), Some(12)).unwrap().table(), Some(12));
}

#[test]
fn self_check_in_seals_to_the_descriptor_venue_key_with_the_table() {
    let mut w = World::new(22);
    let (daily_private, daily) = w.daily_key(NOW.day());
    let mut guest = w.guest();
    let venue = w.verified_venue(Some(7));
    let at = NOW.plus_secs(75);
    let c = guest.self_check_in(&mut w.rng, &venue, &daily, at).unwrap();
    assert_eq!(c.minute, at.minute());
    // The server's view.
    let record = CheckInRecordIn::from_slice(c.record.as_bytes()).unwrap();
    assert_eq!(record.venue_id(), w.venue.venue_id());
    assert_eq!(record.trace_id(), c.trace_id);
    assert_eq!(record.checkin_minute(), c.minute);
    assert_eq!(record.source(), CheckInSource::Guest);
    record.check_freshness(at, 120).unwrap();
    // The venue opens the outer layer, the health office the inner one.
    let InnerRecord::Guest(qr) = record.open(&w.venue_key).unwrap() else { panic!("not a guest record") };
    assert_eq!(qr.trace_id(), c.trace_id);
    assert_eq!(qr.open(&daily_private).unwrap().user_id, guest.user_id());
    // Only the venue key opens it.
    assert_eq!(record.open(&w.meeting_key).unwrap_err(), OpenError::DecryptionFailed);
    // Additional data: the table only, sealed to the venue key and bound to the check-in.
    let ad = AdditionalDataIn::from_slice(c.additional_data.as_ref().unwrap().as_bytes()).unwrap();
    assert_eq!((ad.venue_id(), ad.trace_id()), (w.venue.venue_id(), c.trace_id));
    let content = ad.open(&w.venue_key).unwrap();
    assert_eq!((content.table, content.guest_name.clone()), (Some(7), None));
    assert_eq!(ad.open(&VenuePrivateKey::generate(&mut w.rng)).unwrap_err(), OpenError::DecryptionFailed);
    // Remembered with its venue; checkout works.
    assert_eq!(
        guest.check_ins(),
        vec![CheckInEntry { trace_id: c.trace_id, minute: c.minute, venue_id: Some(w.venue.venue_id()) }]
    );
    assert_eq!(guest.checkout(c.minute, at.plus_secs(60)).unwrap().trace_id(), c.trace_id);
    // Without a table there is no additional data.
    let no_table = w.verified_venue(None);
    let c2 = guest.self_check_in(&mut w.rng, &no_table, &daily, at.plus_secs(3600)).unwrap();
    assert!(c2.additional_data.is_none());
}

#[test]
fn private_meeting_check_in_sends_the_name_to_the_host_only() {
    let mut w = World::new(23);
    let (daily_private, daily) = w.daily_key(NOW.day());
    let mut guest = w.guest();
    let meeting = w.verified_meeting();
    let c = guest.check_in_private_meeting(&mut w.rng, &meeting, &daily, "Erika Mustermann", NOW).unwrap();
    let record = CheckInRecordIn::from_slice(c.record.as_bytes()).unwrap();
    assert_eq!(record.venue_id(), w.meeting.venue_id());
    let InnerRecord::Guest(qr) = record.open(&w.meeting_key).unwrap() else { panic!("not a guest record") };
    assert_eq!(qr.open(&daily_private).unwrap().user_id, guest.user_id());
    let ad = AdditionalDataIn::from_slice(c.additional_data.as_ref().unwrap().as_bytes()).unwrap();
    let content = ad.open(&w.meeting_key).unwrap();
    assert_eq!(content.table, None);
    assert_eq!(content.guest_name.as_deref(), Some("Erika Mustermann"));
    assert_eq!(ad.open(&w.venue_key).unwrap_err(), OpenError::DecryptionFailed);
    assert_eq!(guest.check_ins()[0].venue_id, Some(w.meeting.venue_id()));
}

#[test]
fn private_meeting_rejects_an_invalid_name_and_records_nothing() {
    let mut w = World::new(24);
    let (_, daily) = w.daily_key(NOW.day());
    let mut guest = w.guest();
    let meeting = w.verified_meeting();
    for name in ["", "Erika\nMustermann", "\u{202e}akirE", &"x".repeat(130)] {
        let err = guest.check_in_private_meeting(&mut w.rng, &meeting, &daily, name, NOW).unwrap_err();
        assert_eq!(err, ClientError::Invalid(DecodeError::InvalidField { field: "guest_name" }), "{name:?}");
    }
    assert!(guest.check_ins().is_empty());
}

#[test]
fn expired_descriptors_are_refused() {
    let mut w = World::new(25);
    let (_, daily) = w.daily_key(NOW.day());
    let mut guest = w.guest();
    // Descriptors valid for two hours around NOW.
    let short = Validity { not_before: NOW.minus_secs(3600), not_after: NOW.plus_secs(3600) };
    let venue = VenueDescriptor::issue_venue(
        &w.registrar_key,
        w.registrar_id,
        VenueId::random(&mut w.rng),
        "Pop-up",
        &w.venue_key.public_key(),
        None,
        short,
    )
    .unwrap();
    let meeting = VenueDescriptor::issue_private_meeting(
        &w.host_key,
        VenueId::random(&mut w.rng),
        "Party",
        &w.meeting_key.public_key(),
        short,
    )
    .unwrap();
    let meeting_url = VenueQr::new("luca.example", &meeting, None).unwrap().to_url();
    let venue_url = VenueQr::new("luca.example", &venue, None).unwrap().to_url();
    let ScannedVenue::Venue(venue) = Guest::scan_venue_qr(&venue_url, &w.registrar, NOW).unwrap() else { panic!() };
    let ScannedVenue::PrivateMeeting(meeting) = Guest::scan_venue_qr(&meeting_url, &w.registrar, NOW).unwrap() else {
        panic!()
    };
    let after = short.not_after;
    let err = guest.self_check_in(&mut w.rng, &venue, &daily, after).unwrap_err();
    assert_eq!((err.clone(), err.kind()), (ClientError::VenueNotValid, "venue_not_valid"));
    assert_eq!(
        guest.check_in_private_meeting(&mut w.rng, &meeting, &daily, "Erika", after).unwrap_err(),
        ClientError::VenueNotValid
    );
    // Scanning an expired QR fails verification.
    for url in [&venue_url, &meeting_url] {
        let err = Guest::scan_venue_qr(url, &w.registrar, after).unwrap_err();
        assert_eq!(err, ClientError::VenueRejected(VerifyError::Expired));
        assert_eq!(err.kind(), "expired");
        let err = Guest::scan_venue_qr(url, &w.registrar, short.not_before.minus_secs(1)).unwrap_err();
        assert_eq!(err, ClientError::VenueRejected(VerifyError::NotYetValid));
    }
    // A daily key not in use is refused before anything is sealed.
    let next = NOW.day().plus_days(1).start();
    let (_, next_daily) = w.daily_key(next.day());
    let long_venue = w.verified_venue(None);
    assert_eq!(guest.self_check_in(&mut w.rng, &long_venue, &daily, next).unwrap_err(), ClientError::DailyKeyNotValid);
    assert!(guest.check_ins().is_empty());
    guest.self_check_in(&mut w.rng, &long_venue, &next_daily, next).unwrap();
    assert_eq!(guest.check_ins().len(), 1);
}

#[test]
fn descriptors_not_signed_by_the_certified_registrar_are_rejected() {
    let mut w = World::new(26);
    // Same registrar id, another key: the signature fails.
    let rogue_key = RegistrarKey::generate(&mut w.rng);
    let rogue = VenueDescriptor::issue_venue(
        &rogue_key,
        w.registrar_id,
        VenueId::random(&mut w.rng),
        "Rogue",
        &w.venue_key.public_key(),
        None,
        year(),
    )
    .unwrap();
    let url = VenueQr::new("luca.example", &rogue, None).unwrap().to_url();
    assert_eq!(
        Guest::scan_venue_qr(&url, &w.registrar, NOW).unwrap_err(),
        ClientError::VenueRejected(VerifyError::BadSignature)
    );
    // Another registrar id: wrong issuer.
    let other = VenueDescriptor::issue_venue(
        &rogue_key,
        RegistrarId::random(&mut w.rng),
        VenueId::random(&mut w.rng),
        "Rogue",
        &w.venue_key.public_key(),
        None,
        year(),
    )
    .unwrap();
    let url = VenueQr::new("luca.example", &other, None).unwrap().to_url();
    assert_eq!(
        Guest::scan_venue_qr(&url, &w.registrar, NOW).unwrap_err(),
        ClientError::VenueRejected(VerifyError::WrongIssuer)
    );
    // A validity beyond the registrar certificate's.
    let long = Validity { not_before: year().not_before, not_after: year().not_after.plus_secs(1) };
    let too_long = VenueDescriptor::issue_venue(
        &w.registrar_key,
        w.registrar_id,
        VenueId::random(&mut w.rng),
        "Long",
        &w.venue_key.public_key(),
        None,
        long,
    )
    .unwrap();
    let url = VenueQr::new("luca.example", &too_long, None).unwrap().to_url();
    assert_eq!(
        Guest::scan_venue_qr(&url, &w.registrar, NOW).unwrap_err(),
        ClientError::VenueRejected(VerifyError::InvalidValidity)
    );
}

#[test]
fn malformed_venue_urls_are_rejected() {
    let w = World::new(27);
    let url = w.venue_url(Some(3));
    assert_eq!(
        Guest::scan_venue_qr(&url.replacen("https://", "http://", 1), &w.registrar, NOW).unwrap_err(),
        ClientError::Invalid(DecodeError::InvalidUrl)
    );
    assert_eq!(
        Guest::scan_venue_qr(&format!("{url}="), &w.registrar, NOW).unwrap_err(),
        ClientError::Invalid(DecodeError::InvalidBase64)
    );
    // Flip one payload character: whatever fails, it fails and yields no venue.
    let (base, frag) = url.split_once('#').unwrap();
    let mut chars: Vec<char> = frag.chars().collect();
    for i in [10, chars.len() / 2, chars.len() - 10] {
        let orig = chars[i];
        chars[i] = if orig == 'A' { 'B' } else { 'A' };
        let bad = format!("{base}#{}", chars.iter().collect::<String>());
        assert!(Guest::scan_venue_qr(&bad, &w.registrar, NOW).is_err(), "position {i}");
        chars[i] = orig;
    }
}
