//! Issue 14, item 2: every public entry point of luca-healthoffice that takes text rejects a 10 MB input with
//! its exact error, the length checked before any per-character work. The names start with a control
//! character and the TAN with a character outside its alphabet; for the TAN, whose length and character errors
//! differ, `WrongLength` shows that the length ran first. No timing is asserted.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::arithmetic_side_effects,
    unreachable_pub,
    missing_docs
)]

mod common;

use std::cell::Cell;

use common::{NOW, rng, world, year};
use luca_authority::{AuthorityError, Registrar, TrustAnchor};
use luca_healthoffice::{KeyError, TracingError};
use luca_protocol::error::DecodeError;
use luca_protocol::ids::VenueId;
use luca_protocol::keys::VenuePrivateKey;
use luca_protocol::tan::TanError;

/// Ten million bytes.
const TEN_MB: usize = 10_000_000;

/// 10 MB of text whose first character is `first` and the rest `a`.
fn ten_mb_starting_with(first: char) -> String {
    let mut s = String::with_capacity(TEN_MB);
    s.push(first);
    s.extend(std::iter::repeat_n('a', TEN_MB - first.len_utf8()));
    s
}

const NAME: DecodeError = DecodeError::InvalidField { field: "name" };

#[test]
fn office_certificate_request_name() {
    let w = world(41, 1);
    let err = w.offices[0].certificate_request(&ten_mb_starting_with('\u{0}')).unwrap_err();
    assert_eq!(err, KeyError::Decode(NAME));
}

#[test]
fn registrar_request_and_venue_name() {
    let mut rng = rng(42);
    let anchor = TrustAnchor::generate(&mut rng);
    let mut registrar = Registrar::generate(&mut rng);
    let name = ten_mb_starting_with('\u{0}');
    assert_eq!(registrar.registration_request(&name).unwrap_err(), AuthorityError::Invalid(NAME));
    let cert = anchor.certify_registrar(&registrar.registration_request("Registrar").unwrap(), year()).unwrap();
    registrar.install_certificate(cert.as_bytes(), &anchor.public_key(), NOW).unwrap();
    let venue_key = VenuePrivateKey::generate(&mut rng).public_key();
    let err = registrar.register_venue(VenueId::random(&mut rng), &name, &venue_key, None, year()).unwrap_err();
    assert_eq!(err, AuthorityError::Invalid(NAME));
}

#[test]
fn fetch_history_tan() {
    let w = world(43, 1);
    let asked = Cell::new(false);
    let err = w.offices[0]
        .fetch_history(&ten_mb_starting_with('!'), |_| {
            asked.set(true);
            None
        })
        .unwrap_err();
    assert_eq!(err, TracingError::Tan(TanError::WrongLength { got: TEN_MB }));
    assert!(!asked.get());
}
