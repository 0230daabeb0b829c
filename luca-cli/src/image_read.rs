//! Reading a QR code from a picture: PNG or JPEG (the `image` crate) or an SVG rendered by luca's own
//! renderer (its module grid is read back from the path), decoded with the `rqrr` QR reader.

use std::io::Cursor;

use crate::{Failure, input};

/// The largest picture file read.
const MAX_IMAGE_FILE_LEN: usize = 32 * 1024 * 1024;
/// The largest picture side, in pixels.
const MAX_SIDE: u32 = 8192;
/// Pixels per module when an SVG's module grid is drawn for the reader.
const SVG_SCALE: usize = 4;

/// The text of the one QR code in the picture at `path`.
pub(crate) fn read_qr(path: &str) -> Result<String, Failure> {
    let name = input::display_name(path);
    let bytes = input::read_bytes(path, MAX_IMAGE_FILE_LEN)?;
    let (head, _) = bytes.split_at(bytes.len().min(512));
    let is_svg = String::from_utf8_lossy(head).contains("<svg");
    let mut img = if is_svg {
        let text = std::str::from_utf8(&bytes).map_err(|_| Failure::Usage(format!("{name}: SVG is not UTF-8")))?;
        let (side, dark) = svg_grid(text)
            .ok_or_else(|| Failure::Usage(format!("{name}: not an SVG rendered by luca (luca qr render --svg)")))?;
        let px = side.saturating_mul(SVG_SCALE);
        rqrr::PreparedImage::prepare_from_greyscale(px, px, |x, y| {
            let i = (y / SVG_SCALE).saturating_mul(side).saturating_add(x / SVG_SCALE);
            if dark.get(i).copied().unwrap_or(false) { 0 } else { 255 }
        })
    } else {
        let mut reader = image::ImageReader::new(Cursor::new(&bytes))
            .with_guessed_format()
            .map_err(|e| Failure::Usage(format!("{name}: cannot read: {}", e.kind())))?;
        if !matches!(reader.format(), Some(image::ImageFormat::Png | image::ImageFormat::Jpeg)) {
            return Err(Failure::Usage(format!("{name}: not a PNG, JPEG or luca SVG picture")));
        }
        let mut limits = image::Limits::default();
        limits.max_image_width = Some(MAX_SIDE);
        limits.max_image_height = Some(MAX_SIDE);
        limits.max_alloc = Some(512 * 1024 * 1024);
        reader.limits(limits);
        let luma = reader
            .decode()
            .map_err(|e| Failure::Usage(format!("{name}: cannot decode the picture ({})", image_error(&e))))?
            .to_luma8();
        let (w, h) = (luma.width(), luma.height());
        rqrr::PreparedImage::prepare_from_greyscale(
            usize::try_from(w).unwrap_or(0),
            usize::try_from(h).unwrap_or(0),
            |x, y| {
                let (x, y) = (u32::try_from(x).unwrap_or(0), u32::try_from(y).unwrap_or(0));
                luma.get_pixel_checked(x, y).map_or(255, |p| p.0[0])
            },
        )
    };
    let grids = img.detect_grids();
    let grid = match grids.as_slice() {
        [] => return Err(Failure::Check(format!("{name}: no QR code found in the picture"))),
        [g] => g,
        _ => return Err(Failure::Usage(format!("{name}: {} QR codes in the picture; give one", grids.len()))),
    };
    let (_, text) =
        grid.decode().map_err(|_| Failure::Check(format!("{name}: the QR code in the picture cannot be read")))?;
    Ok(text.trim().to_owned())
}

fn image_error(e: &image::ImageError) -> &'static str {
    match e {
        image::ImageError::Limits(_) => "picture too large",
        image::ImageError::Unsupported(_) => "unsupported picture format",
        image::ImageError::IoError(_) => "read error",
        _ => "malformed picture",
    }
}

/// The module grid (quiet zone included) of an SVG written by `luca_protocol::qr::render::render_svg`:
/// `viewBox="0 0 S S"` and one path of runs `M{x} {y}h{n}v1H{x}z`. Anything else is `None`.
pub(crate) fn svg_grid(svg: &str) -> Option<(usize, Vec<bool>)> {
    let vb = svg.split("viewBox=\"0 0 ").nth(1)?;
    let side: usize = vb.split(' ').next()?.parse().ok()?;
    if side == 0 || side > 400 {
        return None;
    }
    let d = svg.split(" d=\"").nth(1)?.split('"').next()?;
    let mut dark = vec![false; side.checked_mul(side)?];
    for run in d.split('z').filter(|r| !r.is_empty()) {
        let rest = run.strip_prefix('M')?;
        let (x, rest) = rest.split_once(' ')?;
        let (y, rest) = rest.split_once('h')?;
        let (n, rest) = rest.split_once("v1H")?;
        let (x, y, n): (usize, usize, usize) = (x.parse().ok()?, y.parse().ok()?, n.parse().ok()?);
        if rest.parse::<usize>().ok()? != x || y >= side || x.checked_add(n)? > side {
            return None;
        }
        for i in x..x.saturating_add(n) {
            *dark.get_mut(y.checked_mul(side)?.checked_add(i)?)? = true;
        }
    }
    Some((side, dark))
}
