//! Badge personalisation (Argon2id: about a second per derivation in debug builds) and one-off guests.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::arithmetic_side_effects,
    missing_docs
)]

mod common;

use common::{NOW, World, fields};
use luca_client::{BadgeOwner, CheckInTarget, ClientError, OneOffGuest, personalise_badge};
use luca_protocol::badge_serial::{BadgeSerial, BadgeSerialError};
use luca_protocol::derive;
use luca_protocol::ids::{BadgeKeyId, UserId};
use luca_protocol::keys::BadgePrivateKey;
use luca_protocol::messages::checkin_record::{CheckInRecordIn, InnerRecord};
use luca_protocol::messages::checkout::CheckoutIn;
use luca_protocol::messages::contact_data::ContactDataIn;
use luca_protocol::messages::contact_data::{ContactFieldError, FieldProblem};
use luca_protocol::qr::guest::DeviceType;
use luca_protocol::signed::badge_attestation::BadgeAttestation;

const SERIAL: &str = "7K3M-Q9TX-2BRD";

#[test]
fn badge_personalisation_seals_under_the_badge_identity() {
    let mut w = World::new(40);
    // The registrar's side at issuance: the same serial, the same secrets, an attestation.
    let secrets = BadgeSerial::parse(SERIAL).unwrap().derive_secrets().unwrap();
    let badge_key = BadgePrivateKey::generate(&mut w.rng);
    let attestation = BadgeAttestation::issue(
        &mut w.rng,
        &w.registrar_key,
        w.registrar_id,
        BadgeKeyId(7),
        &badge_key.public_key(),
        &secrets,
        NOW,
    )
    .unwrap();

    // The owner types the serial (lower case, spaces) in the personalisation form.
    let owner = BadgeOwner::from_serial("7k3m q9tx 2brd").unwrap();
    assert_eq!(owner.user_id(), secrets.user_id);
    assert_eq!(format!("{owner:?}"), "BadgeOwner(<redacted>)");
    let contact = owner.personalise(&mut w.rng, &fields("Badge"), NOW).unwrap();
    assert_eq!(contact.user_id(), secrets.user_id);
    assert_eq!(contact.guest_key(), secrets.signing_key.public_key());
    // The health office opens the attestation with the badge key, then the contact data.
    let (user_id, data_secret) = attestation.open(&badge_key).unwrap();
    assert_eq!(user_id, owner.user_id());
    let opened = ContactDataIn::from_slice(contact.as_bytes()).unwrap().open(&user_id, &data_secret).unwrap();
    assert_eq!(opened.fields, fields("Badge"));

    // The scanner's trace id (from the attestation's trace key) is the owner's, and the owner can check out.
    let minute = NOW.minute();
    let scanner_trace = derive::trace_id(&derive::badge_checkout_proof(&attestation.trace_key(), minute));
    assert_eq!(owner.trace_id(minute), scanner_trace);
    let checkout = owner.checkout(minute, NOW.plus_secs(600));
    let verified = CheckoutIn::from_slice(checkout.as_bytes()).unwrap().verify(minute, NOW.plus_secs(600)).unwrap();
    assert_eq!(verified.trace_id(), scanner_trace);

    // Invalid contact data is refused before anything is sealed.
    let mut bad = fields("Badge");
    bad.phone = "call me".into();
    assert_eq!(
        owner.personalise(&mut w.rng, &bad, NOW).unwrap_err(),
        ClientError::InvalidContactField(ContactFieldError { field: "phone", problem: FieldProblem::NotAPhoneNumber })
    );
}

#[test]
fn personalise_badge_in_one_step_and_serial_errors() {
    let mut w = World::new(41);
    let contact = personalise_badge(&mut w.rng, SERIAL, &fields("Badge"), NOW).unwrap();
    let expected = BadgeSerial::parse(SERIAL).unwrap().derive_secrets().unwrap();
    assert_eq!(contact.user_id(), expected.user_id);
    assert_eq!(contact.guest_key(), expected.signing_key.public_key());
    contact.into_unverified().verify().unwrap();
    // Serial errors come before the (slow) derivation.
    let err = personalise_badge(&mut w.rng, "7K3M-Q9TX-2BR", &fields("Badge"), NOW).unwrap_err();
    assert_eq!(err, ClientError::BadgeSerial(BadgeSerialError::WrongLength));
    assert_eq!(err.kind(), "wrong_length");
    assert_eq!(
        BadgeOwner::from_serial("7K3M-Q9TX-2BRU").unwrap_err(),
        ClientError::BadgeSerial(BadgeSerialError::InvalidCharacter)
    );
}

#[test]
fn one_off_guest_checks_in_once_with_a_fresh_identity() {
    let mut w = World::new(42);
    let (daily_private, daily) = w.daily_key(NOW.day());
    let venue = w.verified_venue(Some(3));
    let a = OneOffGuest::check_in(&mut w.rng, &fields("Walk-in"), &daily, &venue, NOW).unwrap();
    let target = CheckInTarget { venue_id: w.venue.venue_id(), venue_key: w.venue_key.public_key() };
    assert_eq!(CheckInTarget::from(&venue), target);
    let b = OneOffGuest::check_in(&mut w.rng, &fields("Walk-in"), &daily, (target.venue_id, target.venue_key), NOW)
        .unwrap();
    let mut users: Vec<UserId> = Vec::new();
    for c in [&a, &b] {
        let record = CheckInRecordIn::from_slice(c.record.as_bytes()).unwrap();
        assert_eq!(record.venue_id(), w.venue.venue_id());
        assert_eq!(record.checkin_minute(), NOW.minute());
        let InnerRecord::Guest(qr) = record.open(&w.venue_key).unwrap() else { panic!("not a guest record") };
        assert_eq!(qr.flags().device_type, DeviceType::NoApp);
        let secrets = qr.open(&daily_private).unwrap();
        assert_eq!(secrets.user_id, c.contact_data.user_id());
        let opened = ContactDataIn::from_slice(c.contact_data.as_bytes())
            .unwrap()
            .open(&secrets.user_id, &secrets.data_secret)
            .unwrap();
        assert_eq!(opened.fields.first_name, "Walk-in");
        users.push(secrets.user_id);
    }
    assert_ne!(users[0], users[1], "a fresh identity per check-in");
    assert_ne!(a.record.trace_id(), b.record.trace_id());
    // A daily key not in use, or invalid contact data: nothing is produced.
    let next = NOW.day().plus_days(1).start();
    assert_eq!(
        OneOffGuest::check_in(&mut w.rng, &fields("Walk-in"), &daily, &venue, next).unwrap_err(),
        ClientError::DailyKeyNotValid
    );
    let mut bad = fields("Walk-in");
    bad.last_name = String::new();
    assert_eq!(
        OneOffGuest::check_in(&mut w.rng, &bad, &daily, target, NOW).unwrap_err(),
        ClientError::InvalidContactField(ContactFieldError {
            field: "last_name",
            problem: FieldProblem::TooShort { min: 1 }
        })
    );
}
