//! QR encoder comparison (issues 5 and 14): the `qrcode` crate against `qrcodegen`, which `qr::render` uses since
//! issue 14 (it replaced `fast_qr`, which built the matrix on the stack).
//!
//! `cargo bench -p luca-protocol --bench qr`. Both encode the same fixed 175-character guest check-in text (Base32
//! of 109 bytes from a seeded RNG) at EC level M and the smallest fitting version (7). Benchmark ids are
//! `qr_encoder/<crate>/<output>`: `matrix` is the module matrix, `svg` the SVG document (matrix included). The
//! `qrcodegen` figures go through `render::render_matrix` / `render::render_svg`, so they include everything the
//! protocol pays for; the `qrcode` figures call that crate directly with the settings the former `render.rs` used
//! (automatic version and segmentation, EC level M, SVG at least 256 × 256 black on white). docs/PERFORMANCE.md
//! has the results.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing, clippy::arithmetic_side_effects)]

use std::hint::black_box;

use criterion::{Criterion, criterion_main};
use luca_protocol::qr::{base32, render};
use qrcode::render::svg;
use qrcode::{Color, EcLevel, QrCode, Version};
use rand_chacha::ChaCha20Rng;
use rand_core::{Rng as _, SeedableRng as _};

/// Length of a guest check-in QR payload in bytes (175 Base32 characters).
const GUEST_QR_BYTES: usize = 109;

/// A fixed guest-QR-shaped text: Base32 of 109 seeded random bytes.
fn guest_text() -> String {
    let mut rng = ChaCha20Rng::seed_from_u64(5);
    let mut bytes = [0u8; GUEST_QR_BYTES];
    rng.fill_bytes(&mut bytes);
    base32::encode(&bytes)
}

fn qrcode_encode(text: &str) -> QrCode {
    QrCode::with_error_correction_level(text.as_bytes(), EcLevel::M).unwrap()
}

fn qr_encoder(c: &mut Criterion) {
    let text = guest_text();
    assert_eq!(text.len(), 175);
    // Both produce a version-7 code for it.
    assert_eq!(qrcode_encode(&text).version(), Version::Normal(7));
    assert_eq!(render::qr_version(&text).unwrap(), 7);

    let mut group = c.benchmark_group("qr_encoder");
    group.bench_function("qrcode/matrix", |b| {
        b.iter(|| {
            let code = qrcode_encode(black_box(&text));
            black_box(code.to_colors().into_iter().map(|c| c == Color::Dark).collect::<Vec<bool>>())
        })
    });
    group.bench_function("qrcode/svg", |b| {
        b.iter(|| {
            black_box(
                qrcode_encode(black_box(&text))
                    .render::<svg::Color<'_>>()
                    .min_dimensions(256, 256)
                    .dark_color(svg::Color("#000000"))
                    .light_color(svg::Color("#ffffff"))
                    .build(),
            )
        })
    });
    group
        .bench_function("qrcodegen/matrix", |b| b.iter(|| black_box(render::render_matrix(black_box(&text)).unwrap())));
    group.bench_function("qrcodegen/svg", |b| b.iter(|| black_box(render::render_svg(black_box(&text)).unwrap())));
    group.finish();
}

/// The criterion entry point (the macro's generated function carries no documentation).
#[allow(missing_docs)]
mod entry {
    use super::qr_encoder;
    criterion::criterion_group!(benches, qr_encoder);
}
criterion_main!(entry::benches);
