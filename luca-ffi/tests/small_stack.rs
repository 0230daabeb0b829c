//! Issue 14: the binding entry points that render a QR code, `render_qr_svg` and `Guest::check_in_code` (whose
//! record carries the SVG), run on a thread with a 64 KiB stack, as a Python `threading.Thread` has after
//! `threading.stack_size(64 * 1024)` (with `fast_qr` that was a segfault). The SVGs made there are read back on
//! the test thread with the independent reader `rqrr` and must decode to the exact text.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing, clippy::arithmetic_side_effects)]

#[path = "../../luca-protocol/tests/support/qr_read.rs"]
mod qr_read;

use luca_ffi::{
    ContactFields, DailyKeyAnnouncement, DeviceType, HealthOffice, LucaError, TrustAnchor, Validity, register_guest,
    render_qr_svg,
};
use qr_read::{RQRR_EC_LEVEL_M, ReadBack, parse_svg, read_grid};

const T0: u64 = 1_795_942_800; // 2026-11-29T09:00:00Z

/// The stack of the thread the entry points run on.
const SMALL_STACK: usize = 64 * 1024;

fn on_small_stack<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> T {
    std::thread::Builder::new().stack_size(SMALL_STACK).spawn(f).unwrap().join().unwrap()
}

fn read_svg(svg: &str) -> ReadBack {
    let (side, grid) = parse_svg(svg);
    read_grid(side, |x, y| grid[y * side + x])
}

#[test]
fn render_qr_svg_on_a_64_kib_stack() {
    let url = "https://luca.example/v1/checkin#gwFZARaEQ6EBJgOhBHgiYXBwbGljYXRpb24vbHVjYS52MS52ZW51ZS1kZXNjcmlwdG9y";
    let guest_like = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567".repeat(6)[..175].to_owned();
    for (text, version) in [(url.to_owned(), 6), (guest_like, 7)] {
        let input = text.clone();
        let svg = on_small_stack(move || render_qr_svg(input)).unwrap();
        let read = read_svg(&svg);
        assert_eq!(read.text, text);
        assert_eq!((read.version, read.ec_level), (version, RQRR_EC_LEVEL_M));
    }
    let err = on_small_stack(|| render_qr_svg("Q".repeat(3392))).unwrap_err();
    assert!(matches!(err, LucaError::Render { .. }), "{err:?}");
    assert_eq!(err.kind(), "data_too_long");
}

#[test]
fn check_in_code_on_a_64_kib_stack() -> Result<(), LucaError> {
    let year = Validity { not_before: T0 - 86_400, not_after: T0 + 365 * 86_400 };
    let anchor = TrustAnchor::new()?;
    let office = HealthOffice::new()?;
    let cert = office.install_certificate(
        anchor.certify_health_office(office.certificate_request("Gesundheitsamt".to_owned())?, year)?,
        anchor.public_key(),
        T0,
    )?;
    let rotation = office.rotate_daily_key(T0, vec![])?;
    let daily = DailyKeyAnnouncement::verify(rotation.announcement.to_bytes(), cert, T0)?;
    let fields = ContactFields {
        first_name: "Erika".to_owned(),
        last_name: "Mustermann".to_owned(),
        phone: "+49 30 1234567".to_owned(),
        email: String::new(),
        street: String::new(),
        house_number: String::new(),
        postcode: String::new(),
        city: "Köln".to_owned(),
    };
    let guest = register_guest(fields, DeviceType::Android, T0)?.guest;
    let code = on_small_stack(move || guest.check_in_code(daily, T0))?;
    assert_eq!(code.text.len(), 175);
    let read = read_svg(&code.svg);
    assert_eq!(read.text, code.text);
    assert_eq!((read.version, read.ec_level), (7, RQRR_EC_LEVEL_M));
    Ok(())
}
