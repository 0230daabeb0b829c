//! Reading inputs: texts, files or standard input, with a size cap; key files; byte encodings.

use std::io::Read as _;
use std::path::Path;

use base64::Engine as _;
use zeroize::Zeroizing;

use crate::Failure;

/// The largest input read from a file or standard input (every v1 message is far smaller, except a
/// consent response of up to 16 MiB).
pub(crate) const MAX_INPUT_LEN: usize = 17 * 1024 * 1024;
/// The largest scanned text (`inspect`): above every QR code's capacity.
pub(crate) const MAX_TEXT_LEN: usize = 8 * 1024;

/// Reads `path` (`-` = standard input) up to `cap` bytes; more is an error naming the input.
pub(crate) fn read_bytes(path: &str, cap: usize) -> Result<Vec<u8>, Failure> {
    let name = display_name(path);
    let mut buf = Vec::new();
    let limit = u64::try_from(cap).unwrap_or(u64::MAX).saturating_add(1);
    let res = if path == "-" {
        std::io::stdin().lock().take(limit).read_to_end(&mut buf)
    } else {
        std::fs::File::open(Path::new(path)).and_then(|f| f.take(limit).read_to_end(&mut buf))
    };
    res.map_err(|e| Failure::Usage(format!("{name}: cannot read: {}", e.kind())))?;
    if buf.len() > cap {
        return Err(Failure::Usage(format!("{name}: larger than {cap} bytes")));
    }
    Ok(buf)
}

/// `standard input` for `-`, else the path.
pub(crate) fn display_name(path: &str) -> String {
    if path == "-" { "standard input".to_owned() } else { path.to_owned() }
}

/// The text to inspect: `arg`, or standard input for `-` / none; surrounding whitespace removed.
pub(crate) fn read_text(arg: Option<&str>) -> Result<(String, String), Failure> {
    match arg {
        Some(t) if t != "-" => {
            if t.len() > MAX_TEXT_LEN {
                return Err(Failure::Usage(format!("text: longer than {MAX_TEXT_LEN} bytes")));
            }
            Ok(("text".to_owned(), t.trim().to_owned()))
        }
        _ => {
            let b = read_bytes("-", MAX_TEXT_LEN)?;
            let s = String::from_utf8(b).map_err(|_| Failure::Usage("standard input: not UTF-8 text".to_owned()))?;
            Ok(("standard input".to_owned(), s.trim().to_owned()))
        }
    }
}

/// How the bytes of a message are written.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub(crate) enum Encoding {
    /// The bytes themselves.
    Raw,
    /// Hexadecimal digits (upper or lower case; whitespace ignored).
    Hex,
    /// Base64, standard or URL-safe alphabet, padded or not (whitespace ignored).
    Base64,
}

impl Encoding {
    pub(crate) fn name(self) -> &'static str {
        match self {
            Self::Raw => "raw",
            Self::Hex => "hex",
            Self::Base64 => "base64",
        }
    }
}

fn strip_ws(b: &[u8]) -> Vec<u8> {
    b.iter().copied().filter(|c| !c.is_ascii_whitespace()).collect()
}

fn from_hex(b: &[u8]) -> Option<Vec<u8>> {
    let s = strip_ws(b);
    if s.is_empty() || !s.iter().all(u8::is_ascii_hexdigit) {
        return None;
    }
    hex::decode(&s).ok()
}

fn from_base64(b: &[u8]) -> Option<Vec<u8>> {
    use base64::engine::general_purpose::{STANDARD, STANDARD_NO_PAD, URL_SAFE, URL_SAFE_NO_PAD};
    let s = strip_ws(b);
    if s.is_empty() {
        return None;
    }
    [STANDARD, STANDARD_NO_PAD, URL_SAFE, URL_SAFE_NO_PAD].iter().find_map(|e| e.decode(&s).ok())
}

/// Decodes `bytes` as `enc`, or detects the encoding: hex if it is only hex digits (and whitespace),
/// else base64 if it is valid base64, else raw.
pub(crate) fn decode_bytes(name: &str, bytes: &[u8], enc: Option<Encoding>) -> Result<(Encoding, Vec<u8>), Failure> {
    match enc {
        Some(Encoding::Raw) => Ok((Encoding::Raw, bytes.to_vec())),
        Some(Encoding::Hex) => from_hex(bytes)
            .map(|b| (Encoding::Hex, b))
            .ok_or_else(|| Failure::Usage(format!("{name}: not hexadecimal"))),
        Some(Encoding::Base64) => from_base64(bytes)
            .map(|b| (Encoding::Base64, b))
            .ok_or_else(|| Failure::Usage(format!("{name}: not base64"))),
        None => Ok(if let Some(b) = from_hex(bytes) {
            (Encoding::Hex, b)
        } else if let Some(b) = from_base64(bytes) {
            (Encoding::Base64, b)
        } else {
            (Encoding::Raw, bytes.to_vec())
        }),
    }
}

/// Reads a binary object from a file (`-` = standard input): raw, hex or base64, detected.
pub(crate) fn read_object(path: &str) -> Result<Vec<u8>, Failure> {
    let raw = read_bytes(path, MAX_INPUT_LEN)?;
    Ok(decode_bytes(&display_name(path), &raw, None)?.1)
}

/// Reads a key file (`-` = standard input): exactly `len` raw bytes, or `2·len` hexadecimal digits
/// (whitespace ignored). The error never contains the file's content.
pub(crate) fn read_key(path: &str, len: usize) -> Result<Zeroizing<Vec<u8>>, Failure> {
    let name = format!("key file {}", display_name(path));
    let raw = Zeroizing::new(read_bytes(path, 4096)?);
    if raw.len() == len {
        return Ok(raw);
    }
    let digits = Zeroizing::new(strip_ws(&raw));
    if digits.len() == len.saturating_mul(2)
        && digits.iter().all(u8::is_ascii_hexdigit)
        && let Ok(b) = hex::decode(digits.as_slice())
    {
        return Ok(Zeroizing::new(b));
    }
    Err(Failure::Usage(format!(
        "{name}: not a {len}-byte key (expected {len} raw bytes or {} hex digits)",
        len.saturating_mul(2)
    )))
}
