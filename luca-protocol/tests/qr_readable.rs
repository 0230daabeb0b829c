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

/// What the reader found: decoded text, QR version, EC level.
struct ReadBack {
    text: String,
    version: usize,
    ec_level: u16,
}

/// `rqrr`'s number for EC level M (the two format-information bits, `00`).
const RQRR_EC_LEVEL_M: u16 = 0;

/// Draws a `side × side` module grid (quiet zone included) at 4 pixels per module and reads it with rqrr.
fn read_grid(side: usize, dark: impl Fn(usize, usize) -> bool) -> ReadBack {
    const SCALE: usize = 4;
    let mut img = rqrr::PreparedImage::prepare_from_greyscale(side * SCALE, side * SCALE, |x, y| {
        if dark(x / SCALE, y / SCALE) { 0 } else { 255 }
    });
    let grids = img.detect_grids();
    assert_eq!(grids.len(), 1, "exactly one code in the image");
    let (meta, content) = grids[0].decode().unwrap();
    ReadBack { text: content, version: meta.version.0, ec_level: meta.ecc_level }
}

/// Renders `text` with `render_matrix`, adds a 4-module quiet zone, reads it back with rqrr.
fn read_back(text: &str) -> ReadBack {
    const QUIET: usize = 4;
    let m = render::render_matrix(text).unwrap();
    read_grid(m.width + 2 * QUIET, |x, y| x >= QUIET && y >= QUIET && m.is_dark(x - QUIET, y - QUIET))
}

/// The value of attribute `name` in the first tag of `svg` that starts with `tag`.
fn attr<'a>(svg: &'a str, tag: &str, name: &str) -> &'a str {
    let start = svg.find(tag).expect("tag present");
    let end = start + svg[start..].find('>').unwrap();
    let element = &svg[start..end];
    let key = format!(" {name}=\"");
    let from = element.find(&key).expect("attribute present") + key.len();
    &element[from..from + element[from..].find('"').unwrap()]
}

/// Parses the SVG of `render_svg` back to its module grid (quiet zone included): (side, dark modules row by row).
/// Accepts only what `render_svg` is documented to write: a white background square and one black path of
/// `M{x} {y}h{n}v1H{x}z` rectangles on the unit grid of the `viewBox`.
fn parse_svg(svg: &str) -> (usize, Vec<bool>) {
    assert!(svg.starts_with("<?xml "));
    assert!(svg.ends_with("</svg>"));
    assert!(!svg.contains("href") && !svg.contains("url(") && !svg.contains("<script") && !svg.contains("<image"));
    let view_box: Vec<usize> = attr(svg, "<svg", "viewBox").split(' ').map(|v| v.parse().unwrap()).collect();
    let side = view_box[2];
    assert_eq!(view_box, [0, 0, side, side]);
    let px: usize = attr(svg, "<svg", "width").parse().unwrap();
    assert_eq!(attr(svg, "<svg", "height"), px.to_string());
    assert!(px >= 256 && px.is_multiple_of(side), "{px} units for {side} modules");
    assert_eq!(attr(svg, "<rect", "width"), side.to_string());
    assert_eq!(attr(svg, "<rect", "height"), side.to_string());
    assert_eq!(attr(svg, "<rect", "fill"), "#ffffff");
    assert_eq!(svg.matches("<path").count(), 1);
    assert_eq!(attr(svg, "<path", "fill"), "#000000");
    let d = attr(svg, "<path", "d");
    let mut grid = vec![false; side * side];
    for rect in d.strip_prefix('M').unwrap().split('M') {
        // "{x} {y}h{n}v1H{x}z"
        let (x, rest) = rect.split_once(' ').unwrap();
        let (y, rest) = rest.split_once('h').unwrap();
        let (n, rest) = rest.split_once("v1H").unwrap();
        assert_eq!(rest, format!("{x}z"), "{rect}");
        let (x, y, n): (usize, usize, usize) = (x.parse().unwrap(), y.parse().unwrap(), n.parse().unwrap());
        assert!(n >= 1 && x + n <= side && y < side, "{rect}");
        for cell in &mut grid[y * side + x..y * side + x + n] {
            assert!(!*cell, "overlapping rectangles at {rect}");
            *cell = true;
        }
    }
    (side, grid)
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
