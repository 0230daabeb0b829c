//! Rendering QR payload text as QR codes (SVG, terminal, module matrix).
//!
//! Every QR code of the protocol uses error-correction level **M** and the
//! smallest version that holds the text; the encoder picks the optimal mode
//! segmentation (numeric / alphanumeric / byte) from the text itself. Base32
//! text (guest and badge QR, alphabet `A–Z 2–7`) is encoded entirely in
//! alphanumeric (and numeric) segments, never byte mode: a 175-character
//! guest QR text always fits version 7-M.

use qrcode::render::{svg, unicode};
use qrcode::types::QrError;
use qrcode::{Color, EcLevel, QrCode, Version};

/// The error-correction level of every luca QR code.
pub const EC_LEVEL: EcLevel = EcLevel::M;

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

impl From<QrError> for RenderError {
    fn from(e: QrError) -> Self {
        match e {
            QrError::DataTooLong => Self::DataTooLong,
            _ => Self::Encoding,
        }
    }
}

fn encode(text: &str) -> Result<QrCode, RenderError> {
    Ok(QrCode::with_error_correction_level(text.as_bytes(), EC_LEVEL)?)
}

/// The QR version (1–40) that `text` is rendered at (EC level M, smallest fitting version).
///
/// # Errors
/// [`RenderError::DataTooLong`] if the text does not fit version 40.
pub fn qr_version(text: &str) -> Result<i16, RenderError> {
    match encode(text)?.version() {
        Version::Normal(v) => Ok(v),
        // The automatic encoder only produces normal versions.
        Version::Micro(_) => Err(RenderError::Encoding),
    }
}

/// An SVG document of the QR code of `text` (black modules on white, with the
/// 4-module quiet zone, at least 256 × 256 units).
///
/// # Errors
/// [`RenderError::DataTooLong`] if the text does not fit version 40.
pub fn render_svg(text: &str) -> Result<String, RenderError> {
    Ok(encode(text)?
        .render::<svg::Color<'_>>()
        .min_dimensions(256, 256)
        .dark_color(svg::Color("#000000"))
        .light_color(svg::Color("#ffffff"))
        .build())
}

/// The QR code of `text` for a terminal: two modules per character cell with
/// Unicode half blocks (`▀`, `▄`, `█`, space), lines separated by `\n`,
/// including the quiet zone.
///
/// Colours are inverted for the usual light-on-dark terminal: a *light* module
/// is printed as a block and a dark module as a space, so the code reads as
/// dark-on-light on a dark background.
///
/// # Errors
/// [`RenderError::DataTooLong`] if the text does not fit version 40.
pub fn render_terminal(text: &str) -> Result<String, RenderError> {
    Ok(encode(text)?
        .render::<unicode::Dense1x2>()
        .dark_color(unicode::Dense1x2::Light)
        .light_color(unicode::Dense1x2::Dark)
        .quiet_zone(true)
        .build())
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
}

/// The module matrix of the QR code of `text`.
///
/// # Errors
/// [`RenderError::DataTooLong`] if the text does not fit version 40.
pub fn render_matrix(text: &str) -> Result<QrMatrix, RenderError> {
    let code = encode(text)?;
    Ok(QrMatrix { width: code.width(), modules: code.to_colors().into_iter().map(|c| c == Color::Dark).collect() })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ids::{DailyKeyId, TraceId, UserId};
    use crate::keys::DailyPrivateKey;
    use crate::qr::guest::{DeviceType, GuestCheckInQr, QrFlags};
    use crate::secrets::DataSecret;
    use crate::time::UnixMinute;
    use qrcode::bits::Bits;
    use qrcode::optimize::Parser;
    use qrcode::types::Mode;
    use rand_chacha::ChaCha20Rng;
    use rand_core::SeedableRng;

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
            assert_eq!(qr_version(&text).unwrap(), 7);
            // The optimal segmentation never uses byte mode.
            for seg in Parser::new(text.as_bytes()).optimize(Version::Normal(7)) {
                assert!(matches!(seg.mode, Mode::Alphanumeric | Mode::Numeric), "{:?}", seg.mode);
            }
            // Pure alphanumeric mode alone also fits version 7-M.
            let mut bits = Bits::new(Version::Normal(7));
            bits.push_alphanumeric_data(text.as_bytes()).unwrap();
            bits.push_terminator(EcLevel::M).unwrap();
        }
    }

    #[test]
    fn renders() {
        let text = guest_text(1);
        let svg = render_svg(&text).unwrap();
        assert!(svg.starts_with("<?xml"));
        assert!(svg.contains("<svg"));
        let term = render_terminal(&text).unwrap();
        // Version 7: 45 modules + 2·4 quiet zone = 53 columns, ceil(53 / 2) = 27 lines.
        assert_eq!(term.lines().count(), 27);
        assert!(term.lines().all(|l| l.chars().count() == 53));
        let m = render_matrix(&text).unwrap();
        assert_eq!(m.width, 45);
        assert_eq!(m.modules.len(), 45 * 45);
        // Finder pattern corner is dark; outside is light.
        assert!(m.is_dark(0, 0));
        assert!(!m.is_dark(45, 0));
        assert!(!m.is_dark(0, 45));
    }

    #[test]
    fn too_long() {
        let text = "A".repeat(5000);
        assert_eq!(qr_version(&text).unwrap_err(), RenderError::DataTooLong);
        assert_eq!(render_svg(&text).unwrap_err(), RenderError::DataTooLong);
        assert_eq!(render_terminal(&text).unwrap_err(), RenderError::DataTooLong);
        assert_eq!(render_matrix(&text).unwrap_err(), RenderError::DataTooLong);
        assert_eq!(RenderError::DataTooLong.kind(), "data_too_long");
    }
}
