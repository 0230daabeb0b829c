//! Issue 14: every public QR rendering entry point of luca-protocol runs on a thread with a 64 KiB stack (as a
//! Python `threading.Thread` after `threading.stack_size(64 * 1024)` has, or a small worker thread of an app).
//! `fast_qr` built the module matrix on the stack and overflowed such a thread (a segfault in Python). The outputs
//! made on the small thread are read back on the test thread: the matrix, the SVG and the terminal rendering each
//! decode with the independent reader `rqrr` to the exact payload, at version 7 / EC level M for the guest QR.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::arithmetic_side_effects
)]

use luca_protocol::ids::{DailyKeyId, TraceId, UserId};
use luca_protocol::keys::DailyPrivateKey;
use luca_protocol::qr::guest::{DeviceType, GuestCheckInQr, QrFlags};
use luca_protocol::qr::render::{self, QUIET_ZONE, QrMatrix, RenderError};
use luca_protocol::secrets::DataSecret;
use luca_protocol::time::UnixMinute;
use rand_chacha::ChaCha20Rng;
use rand_core::SeedableRng;

#[path = "support/qr_read.rs"]
mod qr_read;
use qr_read::{RQRR_EC_LEVEL_M, ReadBack, parse_svg, read_grid};

/// The stack of the thread the entry points run on.
const SMALL_STACK: usize = 64 * 1024;

/// Runs `f` on a new thread with a [`SMALL_STACK`] stack and returns its result (a stack overflow aborts the
/// whole test process instead).
fn on_small_stack<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> T {
    std::thread::Builder::new().stack_size(SMALL_STACK).spawn(f).unwrap().join().unwrap()
}

/// A sealed guest check-in QR text (175 Base32 characters), made on the test thread.
fn guest_text() -> String {
    let mut rng = ChaCha20Rng::seed_from_u64(14);
    let daily = DailyPrivateKey::generate(&mut rng);
    let (trace_id, user_id, data_secret) =
        (TraceId::random(&mut rng), UserId::random(&mut rng), DataSecret::random(&mut rng));
    GuestCheckInQr::seal(
        &mut rng,
        DailyKeyId(1),
        &daily.public_key(),
        QrFlags { device_type: DeviceType::Android, entry_policy: 0 },
        UnixMinute(29_932_380),
        trace_id,
        &user_id,
        &data_secret,
    )
    .unwrap()
    .to_base32()
}

/// What the four entry points return for one text.
struct Rendered {
    version: Result<i16, RenderError>,
    matrix: Result<QrMatrix, RenderError>,
    svg: Result<String, RenderError>,
    terminal: Result<String, RenderError>,
}

fn render_all(text: String) -> Rendered {
    on_small_stack(move || Rendered {
        version: render::qr_version(&text),
        matrix: render::render_matrix(&text),
        svg: render::render_svg(&text),
        terminal: render::render_terminal(&text),
    })
}

fn read_matrix(m: &QrMatrix) -> ReadBack {
    let q = QUIET_ZONE;
    read_grid(m.width + 2 * q, |x, y| x >= q && y >= q && m.is_dark(x - q, y - q))
}

fn read_svg(svg: &str) -> ReadBack {
    let (side, grid) = parse_svg(svg);
    read_grid(side, |x, y| grid[y * side + x])
}

/// Parses `render_terminal`'s half blocks back to the module grid (quiet zone included; ink = light module).
fn read_terminal(term: &str) -> ReadBack {
    let lines: Vec<Vec<char>> = term.split('\n').map(|l| l.chars().collect()).collect();
    let side = lines[0].len();
    assert!(lines.iter().all(|l| l.len() == side));
    assert_eq!(lines.len(), side.div_ceil(2));
    read_grid(side, |x, y| {
        let (top_ink, bottom_ink) = match lines[y / 2][x] {
            '█' => (true, true),
            '▀' => (true, false),
            '▄' => (false, true),
            ' ' => (false, false),
            c => panic!("unexpected character {c:?}"),
        };
        !(if y % 2 == 0 { top_ink } else { bottom_ink })
    })
}

#[test]
fn guest_qr_renders_on_a_64_kib_stack() {
    let text = guest_text();
    assert_eq!(text.len(), 175);
    let r = render_all(text.clone());
    assert_eq!(r.version, Ok(7));
    let matrix = r.matrix.unwrap();
    assert_eq!(matrix.width, 45);
    for read in [read_matrix(&matrix), read_svg(&r.svg.unwrap()), read_terminal(&r.terminal.unwrap())] {
        assert_eq!(read.text, text);
        assert_eq!((read.version, read.ec_level), (7, RQRR_EC_LEVEL_M));
    }
}

/// Numeric, alphanumeric and byte mode, and the largest code (version 40).
#[test]
fn every_mode_and_version_40_render_on_a_64_kib_stack() {
    let url = "https://luca.example/v1/checkin#gwFZARaEQ6EBJgOhBHgiYXBwbGljYXRpb24vbHVjYS52MS52ZW51ZS1kZXNjcmlwdG9y";
    for (text, version, width) in [
        ("0123456789".to_owned(), 1, 21),
        ("LUCA BADGE 2345".to_owned(), 1, 21),
        (url.to_owned(), 6, 41),
        ("Q".repeat(3391), 40, 177),
    ] {
        let r = render_all(text.clone());
        assert_eq!(r.version, Ok(version), "{text}");
        let matrix = r.matrix.unwrap();
        assert_eq!(matrix.width, width);
        for read in [read_matrix(&matrix), read_svg(&r.svg.unwrap()), read_terminal(&r.terminal.unwrap())] {
            assert_eq!(read.text, text);
            assert_eq!((read.version, read.ec_level), (version as usize, RQRR_EC_LEVEL_M));
        }
    }
}

/// A text over every capacity fails with `DataTooLong` on the small stack too, 10 MB of it included.
#[test]
fn too_long_text_fails_on_a_64_kib_stack() {
    for text in ["Q".repeat(3392), "q".repeat(2332), "7".repeat(5597), "Ä".repeat(5_000_000)] {
        let r = render_all(text);
        assert_eq!(r.version, Err(RenderError::DataTooLong));
        assert_eq!(r.matrix, Err(RenderError::DataTooLong));
        assert_eq!(r.svg, Err(RenderError::DataTooLong));
        assert_eq!(r.terminal, Err(RenderError::DataTooLong));
    }
}
