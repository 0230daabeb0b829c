//! Test support, shared by the QR tests of several crates (`#[path]`-included): reads a module grid back with the
//! independent QR reader `rqrr`, and parses the SVG of `luca_protocol::qr::render::render_svg` back to its grid.

#![allow(dead_code, unreachable_pub)]
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing, clippy::arithmetic_side_effects)]

/// What the reader found: decoded text, QR version, EC level.
pub struct ReadBack {
    /// The decoded text.
    pub text: String,
    /// The QR version (1–40).
    pub version: usize,
    /// The EC level, as `rqrr` numbers it.
    pub ec_level: u16,
}

/// `rqrr`'s number for EC level M (the two format-information bits, `00`).
pub const RQRR_EC_LEVEL_M: u16 = 0;

/// Draws a `side × side` module grid (quiet zone included) at 4 pixels per module and reads it with rqrr.
pub fn read_grid(side: usize, dark: impl Fn(usize, usize) -> bool) -> ReadBack {
    const SCALE: usize = 4;
    let mut img = rqrr::PreparedImage::prepare_from_greyscale(side * SCALE, side * SCALE, |x, y| {
        if dark(x / SCALE, y / SCALE) { 0 } else { 255 }
    });
    let grids = img.detect_grids();
    assert_eq!(grids.len(), 1, "exactly one code in the image");
    let (meta, content) = grids[0].decode().unwrap();
    ReadBack { text: content, version: meta.version.0, ec_level: meta.ecc_level }
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
pub fn parse_svg(svg: &str) -> (usize, Vec<bool>) {
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
