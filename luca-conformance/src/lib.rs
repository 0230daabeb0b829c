//! # luca-conformance — the one runner of the luca test vectors
//!
//! Reads a vector directory (`test-vectors/v1/*.json`, the format of `docs/PROTOCOL.md` and
//! `CONTRIBUTING.md`: `{"version": 1, "description", "generator", "cases": [{"name", "expect", ...}]}`)
//! and runs every case through the public API of `luca-protocol`: the decoder, verifier or opener the
//! case names, with the inputs under their protocol names. A case **passes** when the library's outcome
//! (`"ok"` or the error's stable `kind()`) equals the case's `expect` and, for `"ok"`, every output the
//! case lists and the runner can recompute agrees byte for byte.
//!
//! `cargo test -p luca-conformance` (over the repository's `test-vectors/v1`) and `luca vectors verify DIR`
//! call the same [`verify_dir`], so an auditor with a modified or extended vector directory runs exactly
//! what CI runs. Fields the runner does not know (a `rules` list, notes) are ignored; a file whose topic has
//! no checker fails every case with the kind [`UNKNOWN_TOPIC`].
//!
//! ```
//! let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("test-vectors/v1");
//! let report = luca_conformance::verify_dir(&dir)?;
//! assert_eq!(report.failed(), 0);
//! # Ok::<(), luca_conformance::RunError>(())
//! ```
#![forbid(unsafe_code)]

mod case;
mod legacy;
mod topics;

use std::path::{Path, PathBuf};

pub use case::CaseError;

/// The `got` of every case of a file whose topic has no checker.
pub const UNKNOWN_TOPIC: &str = "unknown_topic";
/// The `got` of a case the runner cannot read (a missing or malformed input field).
pub const MALFORMED_CASE: &str = "malformed_case";
/// The largest vector file read, in bytes (the committed files are far smaller).
pub const MAX_FILE_LEN: u64 = 64 * 1024 * 1024;

/// The topics (file names without `.json`) the runner checks, in the order of `docs/PROTOCOL.md`.
pub const TOPICS: &[&str] = topics::NAMES;

/// The legacy topics (`test-vectors/legacy/`: the original luca system's formats, through `luca-legacy`).
pub const LEGACY_TOPICS: &[&str] = legacy::NAMES;

/// The result of one case.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CaseReport {
    /// The case's `name`.
    pub name: String,
    /// The case's `expect`: `"ok"` or an error kind.
    pub expect: String,
    /// What the library gave: `"ok"`, an error kind, [`MALFORMED_CASE`] or [`UNKNOWN_TOPIC`].
    pub got: String,
    /// Outputs that disagree with the case (field names), or why the case could not be read.
    pub mismatches: Vec<String>,
}

impl CaseReport {
    /// `got == expect` and no output disagrees.
    pub fn passed(&self) -> bool {
        self.got == self.expect && self.mismatches.is_empty()
    }
}

/// The results of one vector file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileReport {
    /// The file name (`guest_qr.json`).
    pub file: String,
    /// The topic: the file name without `.json`.
    pub topic: String,
    /// One entry per case, in file order.
    pub cases: Vec<CaseReport>,
    /// Why the file could not be read as a vector file (then `cases` is empty and the file counts as one
    /// failure).
    pub error: Option<String>,
}

impl FileReport {
    /// Cases that passed.
    pub fn passed(&self) -> usize {
        self.cases.iter().filter(|c| c.passed()).count()
    }

    /// Cases that failed, plus one if the file itself could not be read.
    pub fn failed(&self) -> usize {
        self.cases.iter().filter(|c| !c.passed()).count().saturating_add(usize::from(self.error.is_some()))
    }

    /// Passed cases whose `expect` is an error kind (correctly rejected), by kind, sorted by kind.
    pub fn rejected_by_kind(&self) -> Vec<(String, usize)> {
        let mut out: Vec<(String, usize)> = Vec::new();
        for c in self.cases.iter().filter(|c| c.passed() && c.expect != "ok") {
            match out.iter_mut().find(|(k, _)| *k == c.expect) {
                Some((_, n)) => *n = n.saturating_add(1),
                None => out.push((c.expect.clone(), 1)),
            }
        }
        out.sort();
        out
    }
}

/// The results of a vector directory.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Report {
    /// One entry per `*.json` file, sorted by file name.
    pub files: Vec<FileReport>,
}

impl Report {
    /// Cases that passed, over all files.
    pub fn passed(&self) -> usize {
        self.files.iter().map(FileReport::passed).fold(0, usize::saturating_add)
    }

    /// Failures over all files (failed cases and unreadable files).
    pub fn failed(&self) -> usize {
        self.files.iter().map(FileReport::failed).fold(0, usize::saturating_add)
    }

    /// Number of cases read, over all files.
    pub fn cases(&self) -> usize {
        self.files.iter().map(|f| f.cases.len()).fold(0, usize::saturating_add)
    }
}

/// The vector directory could not be listed.
#[derive(Debug, thiserror::Error)]
pub enum RunError {
    /// The directory cannot be read (missing, not a directory, no permission).
    #[error("cannot read the vector directory {}: {reason}", dir.display())]
    Dir {
        /// The directory given.
        dir: PathBuf,
        /// The operating system's reason.
        reason: String,
    },
    /// The directory holds no `*.json` file.
    #[error("no *.json vector file in {}", dir.display())]
    Empty {
        /// The directory given.
        dir: PathBuf,
    },
}

/// Runs every case of every `*.json` file directly in `dir` (sorted by name).
///
/// A file that cannot be read or parsed is reported in its [`FileReport::error`] and counts as a failure;
/// the run goes on with the other files.
///
/// # Errors
/// [`RunError::Dir`] if `dir` cannot be listed, [`RunError::Empty`] if it holds no `*.json` file.
pub fn verify_dir(dir: &Path) -> Result<Report, RunError> {
    let entries =
        std::fs::read_dir(dir).map_err(|e| RunError::Dir { dir: dir.to_path_buf(), reason: e.kind().to_string() })?;
    let mut paths: Vec<PathBuf> = entries
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.is_file() && p.extension().is_some_and(|x| x == "json"))
        .collect();
    paths.sort();
    if paths.is_empty() {
        return Err(RunError::Empty { dir: dir.to_path_buf() });
    }
    Ok(Report { files: paths.iter().map(|p| verify_path(p)).collect() })
}

fn verify_path(path: &Path) -> FileReport {
    let file = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let topic = file.strip_suffix(".json").unwrap_or(&file).to_owned();
    let text = match std::fs::metadata(path) {
        Ok(m) if m.len() > MAX_FILE_LEN => Err(format!("larger than {MAX_FILE_LEN} bytes")),
        Ok(_) => std::fs::read_to_string(path).map_err(|e| e.kind().to_string()),
        Err(e) => Err(e.kind().to_string()),
    };
    match text {
        Ok(text) => {
            let mut r = verify_text(&topic, &text);
            r.file = file;
            r
        }
        Err(reason) => FileReport { file, topic, cases: Vec::new(), error: Some(reason) },
    }
}

/// Runs every case of one vector file's text, checked as topic `topic` (the file name without `.json`).
pub fn verify_text(topic: &str, text: &str) -> FileReport {
    let mut report =
        FileReport { file: format!("{topic}.json"), topic: topic.to_owned(), cases: Vec::new(), error: None };
    let doc: serde_json::Value = match serde_json::from_str(text) {
        Ok(d) => d,
        Err(e) => {
            report.error = Some(format!("not JSON (line {}, column {})", e.line(), e.column()));
            return report;
        }
    };
    let Some(cases) = doc.get("cases").and_then(|c| c.as_array()) else {
        report.error = Some("no \"cases\" array".to_owned());
        return report;
    };
    let checker = legacy::checker(topic).or_else(|| topics::checker(topic));
    for (i, value) in cases.iter().enumerate() {
        let name = value.get("name").and_then(|n| n.as_str()).map_or_else(|| format!("#{i}"), str::to_owned);
        let expect = value.get("expect").and_then(|n| n.as_str()).unwrap_or("").to_owned();
        let (got, mismatches) = match (checker, value.as_object()) {
            (None, _) => (UNKNOWN_TOPIC.to_owned(), vec![format!("no checker for topic {topic}")]),
            (Some(_), None) => (MALFORMED_CASE.to_owned(), vec!["case is not an object".to_owned()]),
            (Some(check), Some(map)) => {
                let mut c = case::Case::new(map);
                match check(&mut c) {
                    Ok(()) => ("ok".to_owned(), c.into_mismatches()),
                    Err(CaseError::Kind(k)) => (k, c.into_mismatches()),
                    Err(CaseError::Malformed(why)) => (MALFORMED_CASE.to_owned(), vec![why]),
                }
            }
        };
        report.cases.push(CaseReport { name, expect, got, mismatches });
    }
    report
}
