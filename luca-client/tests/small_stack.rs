//! Issue 14: the guest app's QR rendering (`CheckInCode::svg`) and the check-in code itself run on a thread with
//! a 64 KiB stack. The SVG made there is read back on the test thread with the independent reader `rqrr` and
//! must decode to the exact text of the code.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::arithmetic_side_effects,
    missing_docs
)]

mod common;

#[path = "support/qr_read.rs"]
mod qr_read;

use common::{NOW, World, fields};
use luca_client::Guest;
use luca_protocol::qr::guest::{DeviceType, GuestCheckInQr};
use qr_read::{RQRR_EC_LEVEL_M, parse_svg, read_grid};

/// The stack of the thread the entry points run on.
const SMALL_STACK: usize = 64 * 1024;

#[test]
fn check_in_code_and_its_svg_on_a_64_kib_stack() {
    let mut w = World::new(14);
    let (daily_private, daily) = w.daily_key(NOW.day());
    let mut guest = Guest::register(&mut w.rng, &fields("Erika"), DeviceType::Ios, NOW).unwrap().guest;
    let user_id = guest.user_id();
    let mut rng = common::rng(140);
    let (code, svg) = std::thread::Builder::new()
        .stack_size(SMALL_STACK)
        .spawn(move || {
            let code = guest.check_in_code(&mut rng, &daily, NOW).unwrap();
            let svg = code.svg().unwrap();
            (code, svg)
        })
        .unwrap()
        .join()
        .unwrap();
    let text = code.text();
    assert_eq!(text.len(), 175);
    let (side, grid) = parse_svg(&svg);
    assert_eq!(side, 45 + 2 * 4);
    let read = read_grid(side, |x, y| grid[y * side + x]);
    assert_eq!(read.text, text);
    assert_eq!((read.version, read.ec_level), (7, RQRR_EC_LEVEL_M));
    // The code read back is the guest's code for the minute.
    let read_qr = GuestCheckInQr::from_base32(&read.text).unwrap();
    assert_eq!(read_qr.trace_id(), code.trace_id);
    assert_eq!(read_qr.open(&daily_private).unwrap().user_id, user_id);
}
