//! `luca vectors verify`: the test-vector runner of `luca-conformance`, the same one `cargo test` runs.

use std::path::Path;

use serde_json::{Value, json};

use crate::output::Printer;
use crate::{Failure, Outcome};

/// `luca vectors` subcommands.
#[derive(clap::Subcommand, Debug)]
pub(crate) enum Command {
    /// Run every case of every `*.json` vector file in DIR through the library.
    ///
    /// Prints a table per file (cases, agreeing, rejected as expected by error kind, failed) and the cases that
    /// failed, then `N passed, N failed`. The runner is `luca_conformance::verify_dir`, the one the vectors test
    /// of `cargo test` uses: a modified or extended directory is checked exactly as CI checks the committed one.
    /// Fields the runner does not know are ignored; a file of an unknown topic fails.
    #[command(after_help = crate::EXIT_STATUS_HELP)]
    Verify(VerifyArgs),
}

/// Arguments of `luca vectors verify`.
#[derive(clap::Args, Debug)]
pub(crate) struct VerifyArgs {
    /// The vector directory (default: test-vectors/v1).
    #[arg(default_value = "test-vectors/v1")]
    dir: String,
}

/// Runs `luca vectors ...`.
pub(crate) fn run(cmd: &Command, out: &Printer) -> Outcome {
    let Command::Verify(a) = cmd;
    let report = luca_conformance::verify_dir(Path::new(&a.dir)).map_err(|e| Failure::Usage(e.to_string()))?;
    let mut human = String::new();
    let mut files = Vec::new();
    for f in &report.files {
        let rejected = f.rejected_by_kind();
        let agreeing = f.cases.iter().filter(|c| c.passed() && c.expect == "ok").count();
        human.push_str(&format!("{}\n", f.file));
        if let Some(e) = &f.error {
            human.push_str(&format!("  unreadable: {e}\n"));
        }
        human.push_str(&format!(
            "  cases {:>4}   agreeing {:>4}   rejected as expected {:>4}   failed {:>4}\n",
            f.cases.len(),
            agreeing,
            rejected.iter().map(|(_, n)| n).fold(0usize, |a, b| a.saturating_add(*b)),
            f.failed()
        ));
        for (kind, n) in &rejected {
            human.push_str(&format!("    {kind:<24} {n:>4}\n"));
        }
        let mut failed = Vec::new();
        for c in f.cases.iter().filter(|c| !c.passed()) {
            let detail =
                if c.mismatches.is_empty() { String::new() } else { format!(" ({})", c.mismatches.join(", ")) };
            human.push_str(&format!("  FAILED {}: expected {}, got {}{detail}\n", c.name, c.expect, c.got));
            failed.push(json!({"name": c.name, "expect": c.expect, "got": c.got, "mismatches": c.mismatches}));
        }
        let rejected_json: serde_json::Map<String, Value> =
            rejected.iter().map(|(k, n)| (k.clone(), json!(n))).collect();
        files.push(json!({
            "file": f.file,
            "topic": f.topic,
            "cases": f.cases.len(),
            "agreeing": agreeing,
            "rejected": rejected_json,
            "passed": f.passed(),
            "failed": f.failed(),
            "failures": failed,
            "error": f.error,
        }));
    }
    let (passed, failed) = (report.passed(), report.failed());
    human.push_str(&format!("{passed} passed, {failed} failed\n"));
    let doc = json!({"dir": a.dir, "files": files, "passed": passed, "failed": failed});
    out.emit(&human, &doc);
    if failed > 0 {
        return Err(Failure::Check(format!("{}: {failed} vector case(s) failed", a.dir)));
    }
    Ok(())
}
