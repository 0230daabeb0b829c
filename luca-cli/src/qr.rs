//! `luca qr render`: the QR code of a text, drawn by the library's renderer (`luca_protocol::qr::render`).

use luca_protocol::qr::render::{QUIET_ZONE, qr_version, render_matrix, render_svg, render_terminal};
use serde_json::json;

use crate::output::{Printer, set};
use crate::{Failure, Outcome, input};

/// Pixels per module in a PNG.
const PNG_SCALE: usize = 8;

/// `luca qr` subcommands.
#[derive(clap::Subcommand, Debug)]
pub(crate) enum Command {
    /// Render TEXT as a QR code (EC level M, smallest version), as SVG, PNG or in the terminal.
    ///
    /// The SVG and the terminal rendering are those of the library (`render_svg`, `render_terminal`); the PNG
    /// draws the library's module matrix (`render_matrix`) at 8 pixels per module with the 4-module quiet zone.
    #[command(after_help = crate::EXIT_STATUS_HELP)]
    Render(RenderArgs),
}

/// Arguments of `luca qr render`.
#[derive(clap::Args, Debug)]
#[command(group(clap::ArgGroup::new("target").required(true).args(["svg", "png", "terminal"])))]
pub(crate) struct RenderArgs {
    /// The text to encode; `-` reads standard input.
    text: String,
    /// Write an SVG file.
    #[arg(long, value_name = "FILE")]
    svg: Option<String>,
    /// Write a PNG file.
    #[arg(long, value_name = "FILE")]
    png: Option<String>,
    /// Print the code to the terminal (light modules as blocks, for dark terminals).
    #[arg(long)]
    terminal: bool,
}

/// Runs `luca qr ...`.
pub(crate) fn run(cmd: &Command, out: &Printer) -> Outcome {
    let Command::Render(a) = cmd;
    let (_, text) = input::read_text(Some(a.text.as_str()))?;
    if text.is_empty() {
        return Err(Failure::Usage("text: empty".to_owned()));
    }
    let fail = |e: luca_protocol::qr::render::RenderError| Failure::Check(format!("text: cannot render: {}", e.kind()));
    let version = qr_version(&text).map_err(fail)?;
    let matrix = render_matrix(&text).map_err(fail)?;
    let mut doc = json!({
        "text_length": text.len(),
        "qr_version": version,
        "ec_level": "M",
        "modules": matrix.width,
        "quiet_zone": QUIET_ZONE,
    });
    let human;
    if let Some(path) = &a.svg {
        let svg = render_svg(&text).map_err(fail)?;
        write(path, svg.as_bytes())?;
        set(&mut doc, "svg", json!(path));
        human = format!("wrote {path}: QR version {version}-M, {} modules\n", matrix.width);
    } else if let Some(path) = &a.png {
        let side = matrix.width.saturating_add(QUIET_ZONE.saturating_mul(2));
        let px = u32::try_from(side.saturating_mul(PNG_SCALE)).map_err(|_| Failure::Usage("code too large".into()))?;
        let img = image::GrayImage::from_fn(px, px, |x, y| {
            let m = |v: u32| (usize::try_from(v).unwrap_or(0) / PNG_SCALE).checked_sub(QUIET_ZONE);
            match (m(x), m(y)) {
                (Some(mx), Some(my)) if matrix.is_dark(mx, my) => image::Luma([0]),
                _ => image::Luma([255]),
            }
        });
        let mut buf = std::io::Cursor::new(Vec::new());
        img.write_to(&mut buf, image::ImageFormat::Png)
            .map_err(|_| Failure::Usage(format!("{path}: cannot encode the PNG")))?;
        write(path, buf.get_ref())?;
        set(&mut doc, "png", json!(path));
        human = format!("wrote {path}: QR version {version}-M, {} modules\n", matrix.width);
    } else {
        let t = render_terminal(&text).map_err(fail)?;
        set(&mut doc, "terminal", json!(t));
        human = format!("{t}\n");
    }
    out.emit(&human, &doc);
    Ok(())
}

fn write(path: &str, bytes: &[u8]) -> Result<(), Failure> {
    std::fs::write(path, bytes).map_err(|e| Failure::Usage(format!("{path}: cannot write: {}", e.kind())))
}
