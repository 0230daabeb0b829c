//! No library function returns a zero or empty value in place of an error (issue 16, item 2).
//!
//! Library code (`luca-*/src`, up to each file's test module) is scanned for the patterns that turn an
//! error into a value: `unwrap_or_default()`, `unwrap_or(0)`, `unwrap_or(&[0…`, `unwrap_or([0…`,
//! `unwrap_or(Vec::new())`, `let _ = …` and `.is_err() {`. Every occurrence must be listed in [`REVIEWED`]
//! with the reason it is not a silent fallback; a new occurrence fails the test until it is reviewed (made
//! impossible by type, propagated, or listed with its reason), and an entry that no longer matches fails
//! too, so the list stays the review of what is there.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::arithmetic_side_effects,
    clippy::panic
)]

use std::path::{Path, PathBuf};

const PATTERNS: &[&str] = &[
    "unwrap_or_default()",
    "unwrap_or(0)",
    "unwrap_or(&[0",
    "unwrap_or([0",
    "unwrap_or(Vec::new())",
    "let _ = ",
    ".is_err() {",
];

/// `(file, text of the line, why it is not an error turned into a value)`.
const REVIEWED: &[(&str, &str, &str)] = &[
    (
        "luca-healthoffice/src/export.rs",
        "Cow::Owned(c.table.map(|t| t.to_string()).unwrap_or_default()),",
        "no table is an empty CSV cell: an absent value, not an error",
    ),
    (
        "luca-conformance/src/lib.rs",
        "let file = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();",
        "the report's label of a path without a file name; the path itself is read and errors are reported",
    ),
    (
        "luca-cli/src/inspect.rs",
        "r.field(\"qr_type_version\", json!(qr.as_bytes().first().copied().unwrap_or(0)));",
        "a decoded badge QR is never empty (its decoder checked the length); display only",
    ),
    (
        "luca-cli/src/main.rs",
        "std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_secs()).unwrap_or(0)",
        "a clock before 1970 makes `now` 0, so every validity check then reports not_yet_valid: visible, not silent",
    ),
    (
        "luca-cli/src/main.rs",
        "let _ = e.print();",
        "printing clap's usage error to a closed stderr: nothing left to report to",
    ),
    (
        "luca-cli/src/qr.rs",
        "let m = |v: u32| (usize::try_from(v).unwrap_or(0) / PNG_SCALE).checked_sub(QUIET_ZONE);",
        "u32 → usize cannot fail on the 32- and 64-bit targets the CLI builds for",
    ),
    ("luca-cli/src/image_read.rs", "usize::try_from(w).unwrap_or(0),", "u32 → usize cannot fail on 32/64-bit targets"),
    ("luca-cli/src/image_read.rs", "usize::try_from(h).unwrap_or(0),", "u32 → usize cannot fail on 32/64-bit targets"),
    (
        "luca-cli/src/image_read.rs",
        "let (x, y) = (u32::try_from(x).unwrap_or(0), u32::try_from(y).unwrap_or(0));",
        "pixel coordinates below an image size that came from u32",
    ),
    (
        "luca-protocol/src/badge_serial.rs",
        "usize::try_from(self.0.checked_shr(u32::try_from(shift).unwrap_or(0)).unwrap_or(0) & 0x1f).unwrap_or(0);",
        "shift < 64 and a 5-bit value by construction of the 12-symbol loop; total arithmetic without panics",
    ),
    (
        "luca-protocol/src/cbor.rs",
        "let _ = field;",
        "marks a parameter kept for the error's field name; no value is produced",
    ),
    (
        "luca-protocol/src/tan.rs",
        "return b.checked_rem(26).unwrap_or(0);",
        "remainder by a non-zero constant is never None",
    ),
    (
        "luca-protocol/src/tan.rs",
        "let addend = (p / N).saturating_add(p.checked_rem(N).unwrap_or(0));",
        "remainder by the non-zero constant N is never None",
    ),
    (
        "luca-protocol/src/tan.rs",
        "sum.checked_rem(N).unwrap_or(0)",
        "remainder by the non-zero constant N is never None",
    ),
    (
        "luca-protocol/src/tan.rs",
        "u8::try_from(N.saturating_sub(r).checked_rem(N).unwrap_or(0)).unwrap_or(0)",
        "a remainder mod 26 fits u8 and the divisor is non-zero",
    ),
    (
        "luca-protocol/src/cose.rs",
        "let got = cose.protected.original_data.as_deref().unwrap_or_default();",
        "only classifies an envelope already rejected (which error kind to report); never accepts anything",
    ),
    (
        "luca-protocol/src/threshold/partial.rs",
        "if requester.check_validity(now).is_err() {",
        "the error path: the request is refused with its reason",
    ),
];

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap().to_path_buf()
}

fn library_files(root: &Path) -> Vec<PathBuf> {
    fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
        for e in std::fs::read_dir(dir).into_iter().flatten().flatten() {
            let p = e.path();
            if p.is_dir() {
                walk(&p, out);
            } else if p.extension().is_some_and(|x| x == "rs") {
                let name = p.file_name().unwrap().to_string_lossy().into_owned();
                if name != "tests.rs" && !name.ends_with("_tests.rs") {
                    out.push(p);
                }
            }
        }
    }
    let mut out = Vec::new();
    for e in std::fs::read_dir(root).unwrap().flatten() {
        let name = e.file_name().to_string_lossy().into_owned();
        if name.starts_with("luca-") && e.path().join("src").is_dir() {
            walk(&e.path().join("src"), &mut out);
        }
    }
    out.sort();
    out
}

/// `(file, trimmed line)` of every pattern occurrence before the file's test module.
fn occurrences(root: &Path) -> Vec<(String, String)> {
    let mut found = Vec::new();
    for file in library_files(root) {
        let rel = file.strip_prefix(root).unwrap().to_string_lossy().replace('\\', "/");
        let text = std::fs::read_to_string(&file).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        for (i, line) in lines.iter().enumerate() {
            let t = line.trim();
            if t.starts_with("#[cfg(test)]") && lines.get(i + 1).is_some_and(|n| n.contains("mod ")) {
                break;
            }
            if !t.starts_with("//") && PATTERNS.iter().any(|p| t.contains(p)) {
                found.push((rel.clone(), t.to_owned()));
            }
        }
    }
    found
}

#[test]
fn every_fallback_pattern_in_library_code_is_reviewed() {
    let root = repo();
    let found = occurrences(&root);
    assert!(library_files(&root).len() > 50, "the scan found the library sources");
    let unreviewed: Vec<String> = found
        .iter()
        .filter(|(f, l)| !REVIEWED.iter().any(|(rf, rl, _)| rf == f && rl == l))
        .map(|(f, l)| format!("{f}: {l}"))
        .collect();
    assert!(
        unreviewed.is_empty(),
        "a zero or empty value where an error may have been (make it impossible by type, propagate it, or review it in REVIEWED):\n{}",
        unreviewed.join("\n")
    );
    let stale: Vec<String> = REVIEWED
        .iter()
        .filter(|(rf, rl, _)| !found.iter().any(|(f, l)| f == rf && l == rl))
        .map(|(f, l, _)| format!("{f}: {l}"))
        .collect();
    assert!(stale.is_empty(), "reviewed entries that no longer occur (remove them):\n{}", stale.join("\n"));
}

#[test]
fn the_scan_sees_a_fallback() {
    let dir = std::env::temp_dir().join(format!("luca-fallback-scan-{}", std::process::id()));
    let src = dir.join("luca-x").join("src");
    std::fs::create_dir_all(&src).unwrap();
    std::fs::write(
        src.join("lib.rs"),
        "fn key() -> [u8; 16] {\n    derive().unwrap_or([0u8; 16])\n}\n#[cfg(test)]\nmod tests {\n    let _ = 1;\n}\n",
    )
    .unwrap();
    assert_eq!(occurrences(&dir), vec![("luca-x/src/lib.rs".to_owned(), "derive().unwrap_or([0u8; 16])".to_owned())]);
    std::fs::remove_dir_all(&dir).unwrap();
}
