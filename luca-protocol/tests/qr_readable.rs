//! The rendered QR codes are readable: each kind of code is rendered with `qr::render::render_matrix`, drawn
//! as a greyscale image (4 pixels per module, 4-module quiet zone) and decoded by an independent QR reader
//! (`rqrr`); the decoded text must equal the payload, and the guest code must be version 7.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing, clippy::arithmetic_side_effects)]

use luca_protocol::derive;
use luca_protocol::ids::{DailyKeyId, UserId};
use luca_protocol::keys::DailyPrivateKey;
use luca_protocol::qr::guest::{DeviceType, GuestCheckInQr, QrFlags};
use luca_protocol::qr::render;
use luca_protocol::secrets::{DailyTracingSecret, DataSecret};
use luca_protocol::tan::Tan;
use luca_protocol::time::UnixTime;
use rand_chacha::ChaCha20Rng;
use rand_core::SeedableRng;

/// Renders `text`, reads it back with rqrr, returns (decoded text, QR version).
fn read_back(text: &str) -> (String, usize) {
    const SCALE: usize = 4;
    const QUIET: usize = 4;
    let m = render::render_matrix(text).unwrap();
    let side = (m.width + 2 * QUIET) * SCALE;
    let mut img = rqrr::PreparedImage::prepare_from_greyscale(side, side, |x, y| {
        let (mx, my) = (x / SCALE, y / SCALE);
        let dark = mx >= QUIET && my >= QUIET && m.is_dark(mx - QUIET, my - QUIET);
        if dark { 0 } else { 255 }
    });
    let grids = img.detect_grids();
    assert_eq!(grids.len(), 1, "exactly one code in the image");
    let (meta, content) = grids[0].decode().unwrap();
    (content, meta.version.0)
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
        let (decoded, version) = read_back(&text);
        assert_eq!(decoded, text);
        assert_eq!(version, 7);
        // What the reader returns decodes to the same code, which still opens.
        assert_eq!(GuestCheckInQr::from_base32(&decoded).unwrap().open(&daily).unwrap().user_id, user);
    }
}

#[test]
fn other_codes_render_readably() {
    let mut rng = ChaCha20Rng::seed_from_u64(12);
    let tan = Tan::generate(&mut rng).to_string();
    let url = "https://luca.example/v1/checkin#gwFZARaEQ6EBJgOhBHgiYXBwbGljYXRpb24vbHVjYS52MS52ZW51ZS1kZXNjcmlwdG9y";
    for text in [tan.as_str(), url] {
        assert_eq!(read_back(text).0, text);
    }
}
