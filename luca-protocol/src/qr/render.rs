//! Rendering QR payload text as QR codes (SVG, terminal, module matrix).
//!
//! Every QR code of the protocol uses error-correction level **M** ([`EC_LEVEL`]) and the smallest version
//! that holds the text. The whole text is one segment in the most compact mode it allows: numeric if it is
//! only digits, alphanumeric if it only uses the 45-character QR alphanumeric set (`0–9 A–Z`, space,
//! `$ % * + - . / :`), byte mode otherwise. Base32 text (guest and badge QR, alphabet `A–Z 2–7`) is therefore
//! always alphanumeric, never byte mode: a 175-character guest QR text needs `4 + 9 + 87·11 + 6 = 976` bits
//! and always fits version 7-M (alphanumeric capacity 178 characters; version 6-M holds 154).
//!
//! # Encoder
//!
//! The module matrix (data encoding, Reed–Solomon blocks, placement, mask choice by the penalty rules of the
//! standard) comes from the [`qrcodegen`](https://docs.rs/qrcodegen) crate; mode, EC level and version are chosen
//! here (one segment, [`EC_LEVEL`] without boosting, the smallest fitting version, the mask of lowest penalty).
//! The SVG and terminal renderings are written here from the module matrix, so their format does not depend on the
//! encoder. It replaced `fast_qr` (issue 14), which built the matrix on the stack; it is about half as fast as
//! `fast_qr` and about 4 × faster than the `qrcode` crate. The measured comparison
//! (`cargo bench -p luca-protocol --bench qr`) is in `docs/PERFORMANCE.md`; readability is checked by decoding the
//! rendered codes with an independent reader (`tests/qr_readable.rs`).
//!
//! No type of the encoder crate appears in this module's API.
//!
//! # Stack use
//!
//! Every buffer of the encoder (segment bits, codewords, the module grid and its mask trials) is a `Vec`: the
//! functions of this module need only a few KB of thread stack and run on any thread, e.g. one with a 64 KB stack
//! (`tests/small_stack.rs`). A text longer than the largest QR code's capacity is rejected by its length before any
//! per-character work.

use qrcodegen::{QrCode, QrCodeEcc, QrSegment, Version};

/// The error-correction levels of QR codes (ISO/IEC 18004), by how much of the code can be recovered.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum EcLevel {
    /// Low: about 7 % of the codewords can be restored.
    L,
    /// Medium: about 15 %.
    M,
    /// Quartile: about 25 %.
    Q,
    /// High: about 30 %.
    H,
}

/// The error-correction level of every luca QR code.
pub const EC_LEVEL: EcLevel = EcLevel::M;

/// Quiet zone (light border) around the code in the SVG and terminal renderings, in modules.
pub const QUIET_ZONE: usize = 4;

/// The SVG rendering is at least this many units wide and high (a whole number of units per module).
const SVG_MIN_SIZE: usize = 256;

/// Why a text could not be rendered as a QR code.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum RenderError {
    /// The text does not fit the largest QR code (version 40) at EC level M.
    #[error("text too long for a QR code")]
    DataTooLong,
    /// The QR encoder failed for another reason.
    #[error("QR encoding failed")]
    Encoding,
}

impl RenderError {
    /// Stable snake-case name of the error.
    pub fn kind(&self) -> &'static str {
        match self {
            Self::DataTooLong => "data_too_long",
            Self::Encoding => "encoding",
        }
    }
}

fn encoder_ecc(level: EcLevel) -> QrCodeEcc {
    match level {
        EcLevel::L => QrCodeEcc::Low,
        EcLevel::M => QrCodeEcc::Medium,
        EcLevel::Q => QrCodeEcc::Quartile,
        EcLevel::H => QrCodeEcc::High,
    }
}

/// The segment modes of [`mode_for`] (ISO/IEC 18004, 7.4).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Mode {
    /// Digits only, 10 bits per 3 digits.
    Numeric,
    /// The 45 characters of [`is_qr_alphanumeric`], 11 bits per 2 characters.
    Alphanumeric,
    /// Any bytes, 8 bits each.
    Byte,
}

/// The largest number of characters a version-40 code at EC level M holds in `mode` (ISO/IEC 18004, table 7).
const fn v40_m_capacity(mode: Mode) -> usize {
    match mode {
        Mode::Numeric => 5596,
        Mode::Alphanumeric => 3391,
        Mode::Byte => 2331,
    }
}

/// Whether `c` is one of the 45 characters of the QR alphanumeric mode.
const fn is_qr_alphanumeric(c: u8) -> bool {
    matches!(c, b'0'..=b'9' | b'A'..=b'Z' | b' ' | b'$' | b'%' | b'*' | b'+' | b'-' | b'.' | b'/' | b':')
}

/// The most compact single mode that can encode all of `text`.
fn mode_for(text: &[u8]) -> Mode {
    if text.iter().all(u8::is_ascii_digit) {
        Mode::Numeric
    } else if text.iter().copied().all(is_qr_alphanumeric) {
        Mode::Alphanumeric
    } else {
        Mode::Byte
    }
}

/// `text` as one segment in the mode of [`mode_for`].
///
/// # Errors
/// [`RenderError::DataTooLong`] if the text is longer than version 40 holds in that mode; a text longer than the
/// numeric capacity (the largest of all modes) is rejected before its characters are looked at.
fn segment(text: &str) -> Result<QrSegment, RenderError> {
    let bytes = text.as_bytes();
    if bytes.len() > v40_m_capacity(Mode::Numeric) {
        return Err(RenderError::DataTooLong);
    }
    let mode = mode_for(bytes);
    if bytes.len() > v40_m_capacity(mode) {
        return Err(RenderError::DataTooLong);
    }
    // `mode_for` checked the characters each constructor requires (digits; the 45-character set).
    Ok(match mode {
        Mode::Numeric => QrSegment::make_numeric(text),
        Mode::Alphanumeric => QrSegment::make_alphanumeric(text),
        Mode::Byte => QrSegment::make_bytes(bytes),
    })
}

/// Encodes `text` at [`EC_LEVEL`], as one segment of [`segment`], at the smallest version that holds it.
fn encode(text: &str) -> Result<QrCode, RenderError> {
    let segment = segment(text)?;
    QrCode::encode_segments_advanced(
        std::slice::from_ref(&segment),
        encoder_ecc(EC_LEVEL),
        Version::MIN,
        Version::MAX,
        None,
        false,
    )
    .map_err(|_| RenderError::DataTooLong)
}

/// The QR version (1–40) that `text` is rendered at (EC level M, smallest fitting version).
///
/// # Errors
/// [`RenderError::DataTooLong`] if the text does not fit version 40.
pub fn qr_version(text: &str) -> Result<i16, RenderError> {
    Ok(i16::from(encode(text)?.version().value()))
}

/// An SVG document of the QR code of `text`: black (`#000000`) modules on a white (`#ffffff`) square with the
/// 4-module quiet zone, one SVG unit per module (`viewBox`) and a whole number of units per module in `width` and
/// `height`, at least 256 × 256. The dark modules are one `<path>` of one rectangle per horizontal run
/// (`M{x} {y}h{n}v1H{x}z`, quiet zone included in the coordinates); no external references, no scripts.
///
/// # Errors
/// [`RenderError::DataTooLong`] if the text does not fit version 40.
pub fn render_svg(text: &str) -> Result<String, RenderError> {
    Ok(svg(&render_matrix(text)?))
}

fn svg(m: &QrMatrix) -> String {
    let side = m.width.saturating_add(QUIET_ZONE.saturating_mul(2));
    let scale = SVG_MIN_SIZE.div_ceil(side.max(1));
    let px = side.saturating_mul(scale);
    // About 18 bytes per run; a run covers about 2 modules on average.
    let mut out = String::with_capacity(m.modules.len().saturating_mul(5).saturating_add(300));
    out.push_str(
        r#"<?xml version="1.0" standalone="yes"?><svg xmlns="http://www.w3.org/2000/svg" version="1.1" width=""#,
    );
    push_decimal(&mut out, px);
    out.push_str(r#"" height=""#);
    push_decimal(&mut out, px);
    out.push_str(r#"" viewBox="0 0 "#);
    push_decimal(&mut out, side);
    out.push(' ');
    push_decimal(&mut out, side);
    out.push_str(r#"" shape-rendering="crispEdges"><rect width=""#);
    push_decimal(&mut out, side);
    out.push_str(r#"" height=""#);
    push_decimal(&mut out, side);
    out.push_str(r##"" fill="#ffffff"/><path fill="#000000" d=""##);
    for (y, row) in m.rows().enumerate() {
        let y = y.saturating_add(QUIET_ZONE);
        let mut start = None;
        // A light sentinel after the row closes a run that reaches the right edge.
        for (x, dark) in row.iter().copied().chain([false]).enumerate() {
            match (dark, start) {
                (true, None) => start = Some(x),
                (false, Some(s)) => {
                    let x0 = s.saturating_add(QUIET_ZONE);
                    let n = x.saturating_sub(s);
                    out.push('M');
                    push_decimal(&mut out, x0);
                    out.push(' ');
                    push_decimal(&mut out, y);
                    out.push('h');
                    push_decimal(&mut out, n);
                    out.push_str("v1H");
                    push_decimal(&mut out, x0);
                    out.push('z');
                    start = None;
                }
                _ => {}
            }
        }
    }
    out.push_str(r#""/></svg>"#);
    out
}

/// Appends `n` in decimal (faster than `write!` for the many short numbers of a path).
fn push_decimal(out: &mut String, n: usize) {
    if n >= 10 {
        push_decimal(out, n / 10);
    }
    out.push(match n % 10 {
        0 => '0',
        1 => '1',
        2 => '2',
        3 => '3',
        4 => '4',
        5 => '5',
        6 => '6',
        7 => '7',
        8 => '8',
        _ => '9',
    });
}

/// The QR code of `text` for a terminal: two modules per character cell with
/// Unicode half blocks (`▀`, `▄`, `█`, space), lines separated by `\n`,
/// including the 4-module quiet zone.
///
/// Colours are inverted for the usual light-on-dark terminal: a *light* module
/// is printed as a block and a dark module as a space, so the code reads as
/// dark-on-light on a dark background.
///
/// # Errors
/// [`RenderError::DataTooLong`] if the text does not fit version 40.
pub fn render_terminal(text: &str) -> Result<String, RenderError> {
    Ok(terminal(&render_matrix(text)?))
}

fn terminal(m: &QrMatrix) -> String {
    let side = m.width.saturating_add(QUIET_ZONE.saturating_mul(2));
    // Ink (a block) where the module, quiet zone included, is light.
    let ink = |x: usize, y: usize| match (x.checked_sub(QUIET_ZONE), y.checked_sub(QUIET_ZONE)) {
        (Some(mx), Some(my)) => !m.is_dark(mx, my),
        _ => true,
    };
    let lines = side.div_ceil(2);
    // Each half-block character is 3 bytes in UTF-8.
    let mut out = String::with_capacity(lines.saturating_mul(side.saturating_mul(3).saturating_add(1)));
    for line in 0..lines {
        if line > 0 {
            out.push('\n');
        }
        let top = line.saturating_mul(2);
        let bottom = top.saturating_add(1);
        for x in 0..side {
            // An odd last row has nothing below it: its lower half stays blank.
            let below = bottom < side && ink(x, bottom);
            out.push(match (ink(x, top), below) {
                (false, false) => ' ',
                (false, true) => '▄',
                (true, false) => '▀',
                (true, true) => '█',
            });
        }
    }
    out
}

/// The module matrix of a QR code (no quiet zone), e.g. for rendering a PNG.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct QrMatrix {
    /// Modules per side.
    pub width: usize,
    /// `width × width` modules, row by row; `true` = dark.
    pub modules: Vec<bool>,
}

impl QrMatrix {
    /// Whether the module at column `x`, row `y` is dark (`false` outside the matrix).
    pub fn is_dark(&self, x: usize, y: usize) -> bool {
        if x >= self.width {
            return false;
        }
        y.checked_mul(self.width)
            .and_then(|r| r.checked_add(x))
            .and_then(|i| self.modules.get(i).copied())
            .unwrap_or(false)
    }

    /// The rows of the matrix, top to bottom.
    fn rows(&self) -> std::slice::ChunksExact<'_, bool> {
        self.modules.chunks_exact(self.width.max(1))
    }
}

/// The module matrix of the QR code of `text`.
///
/// # Errors
/// [`RenderError::DataTooLong`] if the text does not fit version 40.
pub fn render_matrix(text: &str) -> Result<QrMatrix, RenderError> {
    let code = encode(text)?;
    let size = code.size();
    let width = usize::try_from(size).map_err(|_| RenderError::Encoding)?;
    let modules = (0..size).flat_map(|y| (0..size).map(move |x| (x, y))).map(|(x, y)| code.get_module(x, y)).collect();
    Ok(QrMatrix { width, modules })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ids::{DailyKeyId, TraceId, UserId};
    use crate::keys::DailyPrivateKey;
    use crate::qr::guest::{DeviceType, GuestCheckInQr, QrFlags};
    use crate::secrets::DataSecret;
    use crate::time::UnixMinute;
    use rand_chacha::ChaCha20Rng;
    use rand_core::SeedableRng;

    /// Alphanumeric capacity (characters) of version 7 at EC level M (ISO/IEC 18004, table 7).
    const V7_M_ALPHANUMERIC_CAPACITY: usize = 178;
    /// ... and of version 6-M.
    const V6_M_ALPHANUMERIC_CAPACITY: usize = 154;

    fn guest_text(seed: u64) -> String {
        let mut rng = ChaCha20Rng::seed_from_u64(seed);
        let sk = DailyPrivateKey::generate(&mut rng);
        let trace_id = TraceId::random(&mut rng);
        let user_id = UserId::random(&mut rng);
        let data_secret = DataSecret::random(&mut rng);
        GuestCheckInQr::seal(
            &mut rng,
            DailyKeyId(1),
            &sk.public_key(),
            QrFlags { device_type: DeviceType::Ios, entry_policy: 0 },
            UnixMinute(29_932_380),
            trace_id,
            &user_id,
            &data_secret,
        )
        .unwrap()
        .to_base32()
    }

    #[test]
    fn guest_text_is_alphanumeric_and_version_7() {
        for seed in 0..8 {
            let text = guest_text(seed);
            assert_eq!(text.len(), 175);
            // Only the 45-character alphanumeric set: encoded in alphanumeric mode, never byte mode.
            assert!(text.bytes().all(is_qr_alphanumeric));
            assert_eq!(mode_for(text.as_bytes()), Mode::Alphanumeric);
            assert!(text.len() <= V7_M_ALPHANUMERIC_CAPACITY && text.len() > V6_M_ALPHANUMERIC_CAPACITY);
            // What the encoder built: one alphanumeric segment, EC level M (not boosted), version 7.
            assert_eq!(segment(&text).map(|s| s.mode()), Ok(qrcodegen::QrSegmentMode::Alphanumeric));
            let code = encode(&text).unwrap();
            assert_eq!(code.error_correction_level(), QrCodeEcc::Medium);
            assert_eq!(code.version(), Version::new(7));
            assert_eq!(qr_version(&text).unwrap(), 7);
        }
    }

    /// The length is checked before any character: 10 MB of text fails at once, in every mode.
    #[test]
    fn huge_text_is_rejected_by_its_length() {
        for unit in ["7", "Q", "q", "\u{e4}"] {
            let text = unit.repeat(10_000_000 / unit.len());
            assert_eq!(segment(&text).err(), Some(RenderError::DataTooLong));
            assert_eq!(render_svg(&text).unwrap_err(), RenderError::DataTooLong);
        }
        assert_eq!(segment(&"7".repeat(5597)).err(), Some(RenderError::DataTooLong));
        assert_eq!(segment(&"7".repeat(5596)).map(|s| s.mode()), Ok(qrcodegen::QrSegmentMode::Numeric));
    }

    #[test]
    fn mode_choice() {
        assert_eq!(mode_for(b"0123456789"), Mode::Numeric);
        assert_eq!(mode_for(b"ABCXYZ234567 $%*+-./:"), Mode::Alphanumeric);
        assert_eq!(mode_for(b"https://luca.example/"), Mode::Byte);
        assert_eq!(mode_for(b"ABC#"), Mode::Byte);
        assert_eq!(mode_for("ÄBC".as_bytes()), Mode::Byte);
        assert_eq!(EC_LEVEL, EcLevel::M);
    }

    /// The smallest fitting version follows the capacity tables of the standard (ISO/IEC 18004, table 7) at the
    /// version 6/7/8 boundaries and at version 40 (5596 digits, 3391 alphanumeric characters, 2331 bytes), and
    /// agrees with the `qrcode` crate's choice for single-mode text.
    #[test]
    fn version_choice_matches_capacities() {
        // (character, capacity of 6-M, of 7-M, of 40-M)
        for (unit, v6, v7, v40) in [("7", 255, 293, 5596), ("Q", 154, 178, 3391), ("q", 106, 122, 2331)] {
            for (len, version) in [(1, 1), (v6, 6), (v6 + 1, 7), (v7, 7), (v7 + 1, 8)] {
                let text = unit.repeat(len);
                assert_eq!(qr_version(&text).unwrap(), version, "{unit} × {len}");
                let reference =
                    qrcode::QrCode::with_error_correction_level(text.as_bytes(), qrcode::EcLevel::M).unwrap().version();
                assert_eq!(reference, qrcode::Version::Normal(version), "{unit} × {len}");
            }
            assert_eq!(qr_version(&unit.repeat(v40)).unwrap(), 40);
            assert_eq!(qr_version(&unit.repeat(v40 + 1)).unwrap_err(), RenderError::DataTooLong);
        }
        assert_eq!(qr_version("").unwrap(), 1);
    }

    #[test]
    fn renders() {
        let text = guest_text(1);
        let svg = render_svg(&text).unwrap();
        assert!(svg.starts_with(r#"<?xml version="1.0" standalone="yes"?><svg xmlns="http://www.w3.org/2000/svg""#));
        // 45 modules + 2·4 quiet zone = 53 units; 5 units per module reach 256.
        assert!(svg.contains(r#" width="265" height="265" viewBox="0 0 53 53" "#));
        assert!(svg.contains(r##"<rect width="53" height="53" fill="#ffffff"/><path fill="#000000" d="M4 4h7v1H4z"##));
        assert!(svg.ends_with(r#"z"/></svg>"#));
        assert!(!svg.contains("href") && !svg.contains("url(") && !svg.contains("<script"));
        let term = render_terminal(&text).unwrap();
        // Version 7: 45 modules + 2·4 quiet zone = 53 columns, ceil(53 / 2) = 27 lines.
        assert_eq!(term.lines().count(), 27);
        assert!(term.lines().all(|l| l.chars().count() == 53));
        let lines: Vec<&str> = term.lines().collect();
        // Quiet zone (light = ink) above; rows 4–5 (quiet zone, then the finder pattern: dark, light ring, dark).
        assert_eq!(lines[0], "█".repeat(53));
        assert!(lines[2].starts_with("████ ▄▄▄▄▄ █"), "{}", lines[2]);
        // The last line holds only the bottom quiet-zone row: upper halves.
        assert_eq!(lines[26], "▀".repeat(53));
        let m = render_matrix(&text).unwrap();
        assert_eq!(m.width, 45);
        assert_eq!(m.modules.len(), 45 * 45);
        // Finder pattern corner is dark, its inner ring light; outside is light.
        assert!(m.is_dark(0, 0));
        assert!(!m.is_dark(1, 1));
        assert!(m.is_dark(2, 2));
        assert!(!m.is_dark(7, 0));
        assert!(!m.is_dark(45, 0));
        assert!(!m.is_dark(0, 45));
    }

    #[test]
    fn svg_size_is_at_least_256() {
        // Version 1: 21 + 8 = 29 units, 9 units per module = 261.
        let svg = render_svg("1").unwrap();
        assert!(svg.contains(r#" width="261" height="261" viewBox="0 0 29 29" "#), "{svg}");
        // Version 40: 177 + 8 = 185 units, 2 per module = 370.
        let svg = render_svg(&"Q".repeat(3391)).unwrap();
        assert!(svg.contains(r#" width="370" height="370" viewBox="0 0 185 185" "#));
    }

    #[test]
    fn too_long() {
        let text = "A".repeat(5000);
        assert_eq!(qr_version(&text).unwrap_err(), RenderError::DataTooLong);
        assert_eq!(render_svg(&text).unwrap_err(), RenderError::DataTooLong);
        assert_eq!(render_terminal(&text).unwrap_err(), RenderError::DataTooLong);
        assert_eq!(render_matrix(&text).unwrap_err(), RenderError::DataTooLong);
        assert_eq!(RenderError::DataTooLong.kind(), "data_too_long");
        assert_eq!(RenderError::Encoding.kind(), "encoding");
    }
}
