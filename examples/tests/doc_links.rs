//! Docs that point at files must point at files that exist (issue 16, item 10).
//!
//! Every Markdown, Rust, TOML, shell and Python file of the repository (outside `target/`, `.git/`
//! and generated fuzz artefacts) is scanned for
//! - Markdown links `[text](relative/path)` (resolved from the linking file's folder; `http(s):`,
//!   `mailto:` and `#anchor` links are not files), and
//! - repository paths written in prose or code, such as `docs/PROTOCOL.md` or
//!   `luca-protocol/src/cbor.rs` (resolved from the repository root, or from the crate the
//!   mention is in),
//!
//! and the test fails listing each one whose file does not exist.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::arithmetic_side_effects,
    clippy::panic
)]

use std::path::{Path, PathBuf};

/// Top-level folders whose paths are checked when mentioned in text.
const ROOTS: &[&str] = &[
    "docs/",
    "examples/",
    "test-vectors/",
    "fuzz/",
    ".ci/",
    "luca-protocol/",
    "luca-client/",
    "luca-venue/",
    "luca-healthoffice/",
    "luca-ffi/",
    "luca-cli/",
    "luca-conformance/",
];
/// Extensions of the files a mention must name for it to be checked (a folder or glob is not).
const EXTENSIONS: &[&str] = &[".md", ".rs", ".json", ".toml", ".sh", ".py", ".txt", ".kt", ".swift"];
/// Files whose text is history, not a pointer (a changelog names what was removed).
const HISTORY: &[&str] = &["CHANGELOG.md"];

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("examples/ is one level below the root").to_path_buf()
}

fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    for entry in entries.flatten() {
        let path = entry.path();
        let name = entry.file_name().to_string_lossy().into_owned();
        if path.is_dir() {
            let skip = name.starts_with('.') && name != ".ci"
                || name.starts_with("target")
                || name == "corpus"
                || name == "artifacts"
                || name == "node_modules";
            if !skip {
                walk(&path, out);
            }
        } else if [".md", ".rs", ".toml", ".sh", ".py"].iter().any(|e| name.ends_with(e)) || name == "run" {
            out.push(path);
        }
    }
}

fn is_path_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.' | '/')
}

/// Markdown link targets in `text`.
fn markdown_links(text: &str) -> Vec<String> {
    let mut links = Vec::new();
    let mut rest = text;
    while let Some(i) = rest.find("](") {
        rest = &rest[i + 2..];
        let end = rest.find(|c: char| c == ')' || c.is_whitespace()).unwrap_or(rest.len());
        let target = rest[..end].split('#').next().unwrap_or("");
        let external = target.contains(':') || target.is_empty() || target.starts_with('<');
        let glob_or_code = target.contains(['*', '{', '$', '|', '"', '\'', '`', '\\', '&', '[']);
        if !external && !glob_or_code {
            links.push(target.to_owned());
        }
    }
    links
}

/// Repository paths mentioned in `text` (`docs/…`, `luca-protocol/src/…`, ending in a file
/// extension).
fn mentioned_paths(text: &str) -> Vec<String> {
    let mut found = Vec::new();
    for root in ROOTS {
        let mut from = 0;
        while let Some(i) = text[from..].find(root) {
            let start = from + i;
            from = start + root.len();
            // Only whole mentions: `docs/` must not be the tail of `…/docs/` or of a word.
            let before = text[..start].chars().next_back();
            if before.is_some_and(|c| is_path_char(c) && c != '.' || c == '/') {
                continue;
            }
            let end = text[start..].find(|c: char| !is_path_char(c)).map_or(text.len(), |e| start + e);
            let path = text[start..end].trim_end_matches(['.', '/']);
            if EXTENSIONS.iter().any(|e| path.ends_with(e)) && !path.contains("NN-") {
                found.push(path.to_owned());
            }
        }
    }
    found
}

#[test]
fn every_mentioned_file_exists() {
    let root = repo();
    let mut files = Vec::new();
    walk(&root, &mut files);
    assert!(files.len() > 50, "the walk found the repository ({} files)", files.len());
    let mut broken = Vec::new();
    let mut checked = 0usize;
    for file in &files {
        let name = file.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        // This file's own examples of what it scans for are not pointers.
        if HISTORY.contains(&name.as_str()) || file.ends_with("examples/tests/doc_links.rs") {
            continue;
        }
        let Ok(text) = std::fs::read_to_string(file) else { continue };
        let rel = file.strip_prefix(&root).unwrap_or(file).display().to_string();
        let dir = file.parent().unwrap_or(&root);
        if name.ends_with(".md") || name.ends_with(".rs") {
            for link in markdown_links(&text) {
                checked += 1;
                // Rustdoc intra-doc links (`[Foo](crate::x::Foo)`) have no slash and no extension.
                let looks_like_file = link.contains('/') || EXTENSIONS.iter().any(|e| link.ends_with(e));
                if looks_like_file && !dir.join(&link).exists() && !root.join(&link).exists() {
                    broken.push(format!("{rel}: link to {link}"));
                }
            }
        }
        // The crate a mention is in: `luca-protocol/src/x.rs` may say `tests/vectors/main.rs`.
        let crate_dir =
            file.strip_prefix(&root).ok().and_then(|r| r.components().next()).map(|c| root.join(c.as_os_str()));
        for path in mentioned_paths(&text) {
            checked += 1;
            let exists = root.join(&path).exists()
                || dir.join(&path).exists()
                || crate_dir.as_ref().is_some_and(|c| c.join(&path).exists());
            if !exists {
                broken.push(format!("{rel}: mentions {path}"));
            }
        }
    }
    assert!(checked > 100, "the scan found the links ({checked})");
    println!("{checked} links and path mentions in {} files checked", files.len());
    assert!(broken.is_empty(), "{} references to files that do not exist:\n{}", broken.len(), broken.join("\n"));
}

#[test]
fn the_scanner_finds_what_it_should() {
    assert_eq!(markdown_links("see [the spec](docs/PROTOCOL.md#s8) and [web](https://x.y/z)"), ["docs/PROTOCOL.md"]);
    assert_eq!(
        mentioned_paths("in `luca-protocol/src/cbor.rs:27`, docs/PROTOCOL.md. and target/docs/x.md"),
        ["docs/PROTOCOL.md", "luca-protocol/src/cbor.rs"]
    );
    assert!(mentioned_paths("docs/protocol/NN-*.md is gone").is_empty(), "patterns are not files");
}
