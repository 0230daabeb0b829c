//! Issue 14, item 2: every public entry point of luca-client that takes text rejects a 10 MB input with its
//! exact error, the length checked before any per-character work (normalisation, and for a badge the
//! second-long Argon2id derivation). With a forbidden character in `first_name` (found only by looking at the
//! characters) and 10 MB in `last_name`, the error names `last_name`: the length caps of all fields ran first
//! (the old code normalised the 10 MB and then named `first_name`). No timing is asserted.

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
use luca_client::{BadgeOwner, ClientError, Guest, OneOffGuest, ScannedVenue, personalise_badge};
use luca_protocol::badge_serial::{BadgeSerial, BadgeSerialError};
use luca_protocol::error::DecodeError;
use luca_protocol::messages::contact_data::ContactFields;
use luca_protocol::qr::guest::DeviceType;

/// Ten million bytes.
const TEN_MB: usize = 10_000_000;

/// 10 MB of decomposed `é` (`e` + U+0301): text that NFC would change.
fn ten_mb() -> String {
    "e\u{301}".repeat(TEN_MB / 3)
}

/// Every field 10 MB.
fn eight_ten_mb_fields() -> ContactFields {
    let big = ten_mb();
    let mut f = fields("Erika");
    for slot in [&mut f.first_name, &mut f.last_name, &mut f.phone, &mut f.email, &mut f.street, &mut f.house_number] {
        *slot = big.clone();
    }
    f.postcode = big.clone();
    f.city = big;
    f
}

/// A forbidden character in `first_name`, 10 MB in `last_name`.
fn forbidden_then_ten_mb() -> ContactFields {
    let mut f = fields("Max\u{202e}");
    f.last_name = ten_mb();
    f
}

/// Both fields tested (`first_name`, `last_name`) are capped at 64 bytes.
fn invalid(field: &'static str) -> ClientError {
    use luca_protocol::messages::contact_data::{ContactFieldError, FieldProblem};
    ClientError::InvalidContactField(ContactFieldError { field, problem: FieldProblem::TooLong { max: 64 } })
}

#[test]
fn register_and_update_contact_data() {
    let mut w = World::new(21);
    for (f, field) in [(eight_ten_mb_fields(), "first_name"), (forbidden_then_ten_mb(), "last_name")] {
        let err = Guest::register(&mut w.rng, &f, DeviceType::Ios, NOW).unwrap_err();
        assert_eq!((err.kind(), err), ("invalid_field", invalid(field)));
        let guest = w.guest();
        assert_eq!(guest.update_contact_data(&mut w.rng, &f, NOW).unwrap_err(), invalid(field));
    }
}

#[test]
fn one_off_check_in() {
    let mut w = World::new(22);
    let (_, daily) = w.daily_key(NOW.day());
    for (f, field) in [(eight_ten_mb_fields(), "first_name"), (forbidden_then_ten_mb(), "last_name")] {
        let venue = w.verified_venue(None);
        assert_eq!(OneOffGuest::check_in(&mut w.rng, &f, &daily, &venue, NOW).unwrap_err(), invalid(field));
    }
}

#[test]
fn badge_serial_and_personalisation() {
    let mut w = World::new(23);
    // `!` is not in the serial alphabet: `WrongLength` shows the length cap ran first.
    let text = format!("!{}", "A".repeat(TEN_MB - 1));
    let expected = ClientError::BadgeSerial(BadgeSerialError::WrongLength);
    assert_eq!(BadgeOwner::from_serial(&text).err(), Some(expected.clone()));
    assert_eq!(personalise_badge(&mut w.rng, &text, &fields("Erika"), NOW).unwrap_err(), expected);
    // A valid serial with oversized fields: rejected before the key derivation, by the length of the field.
    let serial = BadgeSerial::generate(&mut w.rng).to_printed();
    for (f, field) in [(eight_ten_mb_fields(), "first_name"), (forbidden_then_ten_mb(), "last_name")] {
        assert_eq!(personalise_badge(&mut w.rng, &serial, &f, NOW).unwrap_err(), invalid(field));
    }
}

#[test]
fn venue_qr_url() {
    let w = World::new(24);
    let url = format!("!{}", "a".repeat(TEN_MB - 1));
    let expected = ClientError::Invalid(DecodeError::TooLong { max: 2048, got: TEN_MB });
    assert_eq!(ScannedVenue::from_url(&url, &w.registrar, NOW).err(), Some(expected.clone()));
    assert_eq!(Guest::scan_venue_qr(&url, &w.registrar, NOW).err(), Some(expected));
}

#[test]
fn private_meeting_guest_name() {
    let mut w = World::new(25);
    let (_, daily) = w.daily_key(NOW.day());
    let mut guest = w.guest();
    let meeting = w.verified_meeting();
    let name = format!("\u{202e}{}", "a".repeat(TEN_MB - 3));
    let err = guest.check_in_private_meeting(&mut w.rng, &meeting, &daily, &name, NOW).unwrap_err();
    assert_eq!(err, ClientError::Invalid(DecodeError::InvalidField { field: "guest_name" }));
    assert!(guest.check_ins().is_empty());
}
