//! Issue 14, item 2: every public entry point of luca-venue that takes text rejects a 10 MB input with its
//! exact error, the length checked before any per-character work (and, for a private meeting, before any key is
//! drawn). The inputs start with a character the character rule rejects; where that rule has its own error
//! (the scanner's Base32), the length error shows that the length ran first. No timing is asserted.

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

use common::{NOW, Office, Registrar, rng, year};
use luca_protocol::error::DecodeError;
use luca_venue::{MeetingError, PrivateMeetingHost, ScanError, Venue, VenueError};
use rand_core::Rng as _;

/// Ten million bytes.
const TEN_MB: usize = 10_000_000;

/// 10 MB of text whose first character is `first` and the rest `a`.
fn ten_mb_starting_with(first: char) -> String {
    let mut s = String::with_capacity(TEN_MB);
    s.push(first);
    s.extend(std::iter::repeat_n('a', TEN_MB - first.len_utf8()));
    s
}

#[test]
fn scanner_text() {
    let mut rng = rng(31);
    let office = Office::new(&mut rng);
    let venue = Venue::generate(&mut rng);
    let mut scanner = venue.scanner();
    scanner.add_daily_key(office.announcement.clone());
    // `!` is not Base32: `TooLong` rather than `InvalidBase32`.
    let err = scanner.scan(&mut rng, &ten_mb_starting_with('!'), NOW).unwrap_err();
    assert_eq!(err, ScanError::Malformed(DecodeError::TooLong { max: 821, got: TEN_MB }));
}

#[test]
fn venue_name_and_host() {
    let mut rng = rng(32);
    let registrar = Registrar::new(&mut rng);
    let venue = Venue::generate(&mut rng);
    let request = venue.registration_request(&ten_mb_starting_with('\u{0}'), None);
    assert_eq!(request.validate(), Err(DecodeError::InvalidField { field: "name" }));
    let mut venue = venue;
    let d = registrar.descriptor(&venue, Some(4), year());
    venue.install_descriptor(d.as_bytes(), &registrar.cert, NOW).unwrap();
    assert_eq!(venue.printed_qr(&ten_mb_starting_with('!'), None).unwrap_err(), VenueError::InvalidHost);
}

#[test]
fn private_meeting_name_and_host() {
    let mut rng = rng(33);
    let validity = year();
    // The name is checked before any key is drawn: the RNG is left untouched.
    let mut untouched = rng.clone();
    let err = PrivateMeetingHost::new(&mut rng, &ten_mb_starting_with('\u{0}'), validity).err();
    assert_eq!(err, Some(MeetingError::InvalidName));
    assert_eq!(rng.next_u64(), untouched.next_u64());
    let host = PrivateMeetingHost::new(&mut rng, "Geburtstag", validity).unwrap();
    assert_eq!(host.qr(&ten_mb_starting_with('!')).unwrap_err(), MeetingError::InvalidHost);
}
