//! The rendered QR codes are readable: each kind of code is rendered with `qr::render::render_matrix`, drawn
//! as a greyscale image (4 pixels per module, 4-module quiet zone) and decoded by an independent QR reader
//! (`rqrr`); the decoded text must equal the payload, and the guest code must be version 7 at EC level M (as read
//! from the code's format information). The SVG rendering is parsed back to its module grid, which must be the
//! matrix plus the quiet zone, and that grid must decode too.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing, clippy::arithmetic_side_effects)]

use luca_protocol::derive;
use luca_protocol::ids::{DailyKeyId, UserId};
use luca_protocol::keys::DailyPrivateKey;
use luca_protocol::qr::guest::{DeviceType, GuestCheckInQr, QrFlags};
use luca_protocol::qr::{base32, render};
use luca_protocol::secrets::{DailyTracingSecret, DataSecret};
use luca_protocol::tan::Tan;
use luca_protocol::time::UnixTime;
use rand_chacha::ChaCha20Rng;
use rand_core::{Rng as _, SeedableRng};

#[path = "support/qr_read.rs"]
mod qr_read;
use qr_read::{RQRR_EC_LEVEL_M, ReadBack, parse_svg, read_grid};

/// Renders `text` with `render_matrix`, adds a 4-module quiet zone, reads it back with rqrr.
fn read_back(text: &str) -> ReadBack {
    const QUIET: usize = 4;
    let m = render::render_matrix(text).unwrap();
    read_grid(m.width + 2 * QUIET, |x, y| x >= QUIET && y >= QUIET && m.is_dark(x - QUIET, y - QUIET))
}

#[test]
fn guest_qr_renders_readably_as_version_7() {
    let mut rng = ChaCha20Rng::seed_from_u64(11);
    let now = UnixTime(1_795_942_800);
    let daily = DailyPrivateKey::generate(&mut rng);
    for _ in 0..5 {
        let user = UserId::random(&mut rng);
        let ds = DataSecret::random(&mut rng);
        let ts = DailyTracingSecret::random(&mut rng);
        let trace = derive::guest_trace_id(&ts, &user, now.minute());
        let flags = QrFlags { device_type: DeviceType::Ios, entry_policy: 0x10 };
        let qr = GuestCheckInQr::seal(
            &mut rng,
            DailyKeyId::for_day(now.day()),
            &daily.public_key(),
            flags,
            now.minute(),
            trace,
            &user,
            &ds,
        )
        .unwrap();
        let text = qr.to_base32();
        let read = read_back(&text);
        assert_eq!(read.text, text);
        assert_eq!(read.version, 7);
        assert_eq!(read.ec_level, RQRR_EC_LEVEL_M);
        assert_eq!(render::qr_version(&text).unwrap(), 7);
        // What the reader returns decodes to the same code, which still opens.
        assert_eq!(GuestCheckInQr::from_base32(&read.text).unwrap().open(&daily).unwrap().user_id, user);
    }
}

#[test]
fn other_codes_render_readably() {
    let mut rng = ChaCha20Rng::seed_from_u64(12);
    let tan = Tan::generate(&mut rng).to_string();
    let url = "https://luca.example/v1/checkin#gwFZARaEQ6EBJgOhBHgiYXBwbGljYXRpb24vbHVjYS52MS52ZW51ZS1kZXNjcmlwdG9y";
    for text in [tan.as_str(), url] {
        let read = read_back(text);
        assert_eq!(read.text, text);
        assert_eq!(read.ec_level, RQRR_EC_LEVEL_M);
    }
}

#[test]
fn guest_qr_svg_is_the_matrix_and_readable() {
    let mut rng = ChaCha20Rng::seed_from_u64(13);
    let mut payload = [0u8; 109];
    for _ in 0..3 {
        rng.fill_bytes(&mut payload);
        let text = base32::encode(&payload);
        assert_eq!(text.len(), 175);
        let m = render::render_matrix(&text).unwrap();
        assert_eq!(m.width, 45);
        let (side, grid) = parse_svg(&render::render_svg(&text).unwrap());
        // The matrix with a 4-module quiet zone, nothing else.
        assert_eq!(side, 45 + 2 * 4);
        for y in 0..side {
            for x in 0..side {
                let expected = (4..49).contains(&x) && (4..49).contains(&y) && m.is_dark(x - 4, y - 4);
                assert_eq!(grid[y * side + x], expected, "module ({x}, {y})");
            }
        }
        let read = read_grid(side, |x, y| grid[y * side + x]);
        assert_eq!(read.text, text);
        assert_eq!((read.version, read.ec_level), (7, RQRR_EC_LEVEL_M));
    }
}

#[test]
fn other_svgs_are_readable() {
    let url = "https://luca.example/v1/checkin#gwFZARaEQ6EBJgOhBHgiYXBwbGljYXRpb24vbHVjYS52MS52ZW51ZS1kZXNjcmlwdG9y";
    for text in ["0123456789", url] {
        let (side, grid) = parse_svg(&render::render_svg(text).unwrap());
        assert_eq!(read_grid(side, |x, y| grid[y * side + x]).text, text);
    }
}
