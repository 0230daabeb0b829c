//! The vectors test: every case of the repository's `test-vectors/v1` passes the runner that
//! `luca vectors verify` uses, and the runner fails a tampered copy.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::arithmetic_side_effects,
    missing_docs
)]

use std::path::PathBuf;

fn dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("test-vectors/v1")
}

/// Number of cases in the committed files, counted without the runner.
fn committed_case_count() -> usize {
    let mut n = 0;
    for e in std::fs::read_dir(dir()).unwrap() {
        let p = e.unwrap().path();
        if p.extension().is_some_and(|x| x == "json") {
            let v: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&p).unwrap()).unwrap();
            n += v["cases"].as_array().unwrap().len();
        }
    }
    n
}

#[test]
fn every_committed_case_passes() {
    let report = luca_conformance::verify_dir(&dir()).unwrap();
    let failures: Vec<String> = report
        .files
        .iter()
        .flat_map(|f| {
            f.cases
                .iter()
                .filter(|c| !c.passed())
                .map(move |c| format!("{}/{}: expect {}, got {} {:?}", f.topic, c.name, c.expect, c.got, c.mismatches))
        })
        .collect();
    assert!(failures.is_empty(), "{} failures:\n{}", failures.len(), failures.join("\n"));
    assert_eq!(report.failed(), 0);
    assert_eq!(report.cases(), committed_case_count());
    assert_eq!(report.passed(), report.cases());
    assert_eq!(report.files.len(), luca_conformance::TOPICS.len());
}

/// A fresh copy of the committed vector directory under the system temp dir.
fn copy_to_temp(tag: &str) -> PathBuf {
    let dst = std::env::temp_dir().join(format!("luca-conformance-{tag}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dst);
    std::fs::create_dir_all(&dst).unwrap();
    for e in std::fs::read_dir(dir()).unwrap() {
        let p = e.unwrap().path();
        std::fs::copy(&p, dst.join(p.file_name().unwrap())).unwrap();
    }
    dst
}

fn edit(dir: &std::path::Path, file: &str, f: impl FnOnce(&mut serde_json::Value)) {
    let p = dir.join(file);
    let mut v: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&p).unwrap()).unwrap();
    f(&mut v);
    std::fs::write(&p, serde_json::to_string_pretty(&v).unwrap()).unwrap();
}

fn case_of<'a>(report: &'a luca_conformance::Report, topic: &str, name: &str) -> &'a luca_conformance::CaseReport {
    let f = report.files.iter().find(|f| f.topic == topic).unwrap();
    f.cases.iter().find(|c| c.name == name).unwrap()
}

#[test]
fn tampered_copy_fails_exactly_the_tampered_cases() {
    let tmp = copy_to_temp("tampered");
    // An output changed, an expectation changed, an input changed.
    edit(&tmp, "derivations.json", |v| {
        let c = &mut v["cases"][0];
        let t = c["trace_id"].as_str().unwrap().to_owned();
        c["trace_id"] = serde_json::json!(format!("{}{}", if t.starts_with('0') { "1" } else { "0" }, &t[1..]));
    });
    edit(&tmp, "guest_qr.json", |v| {
        let c = v["cases"].as_array_mut().unwrap().iter_mut().find(|c| c["name"] == "wrong_daily_key").unwrap();
        c["expect"] = serde_json::json!("ok");
    });
    edit(&tmp, "tan.json", |v| {
        let c = v["cases"].as_array_mut().unwrap().iter_mut().find(|c| c["name"] == "parse_all_a").unwrap();
        c["input"] = serde_json::json!("AAAA-AAAA-AAAC");
    });
    let report = luca_conformance::verify_dir(&tmp).unwrap();
    assert_eq!(report.failed(), 3);
    assert_eq!(report.passed(), committed_case_count() - 3);
    let d = case_of(&report, "derivations", "checkout_proof_1");
    assert_eq!((d.got.as_str(), d.mismatches.clone()), ("ok", vec!["trace_id".to_owned()]));
    let g = case_of(&report, "guest_qr", "wrong_daily_key");
    assert_eq!((g.expect.as_str(), g.got.as_str()), ("ok", "decryption_failed"));
    let t = case_of(&report, "tan", "parse_all_a");
    assert_eq!((t.expect.as_str(), t.got.as_str()), ("ok", "bad_check_character"));
    std::fs::remove_dir_all(&tmp).unwrap();
}

#[test]
fn unknown_fields_are_ignored_unknown_topics_and_broken_files_fail() {
    let tmp = copy_to_temp("extended");
    // Extra fields on every case (as a `rules` list would add) change nothing.
    edit(&tmp, "checkout.json", |v| {
        for c in v["cases"].as_array_mut().unwrap() {
            c["rules"] = serde_json::json!(["PROTOCOL.md §8.3"]);
            c["some_future_field"] = serde_json::json!({"x": 1});
        }
    });
    // A topic without a checker fails each of its cases; a file that is not JSON fails once.
    std::fs::write(tmp.join("new_topic.json"), r#"{"version":1,"cases":[{"name":"a","expect":"ok"}]}"#).unwrap();
    std::fs::write(tmp.join("broken.json"), "{ not json").unwrap();
    let report = luca_conformance::verify_dir(&tmp).unwrap();
    assert_eq!(report.failed(), 2);
    assert_eq!(report.passed(), committed_case_count());
    let n = case_of(&report, "new_topic", "a");
    assert_eq!(n.got, luca_conformance::UNKNOWN_TOPIC);
    let b = report.files.iter().find(|f| f.topic == "broken").unwrap();
    assert_eq!(b.error.as_deref(), Some("not JSON (line 1, column 3)"));
    std::fs::remove_dir_all(&tmp).unwrap();
}

#[test]
fn a_missing_input_is_a_malformed_case() {
    let r = luca_conformance::verify_text(
        "guest_qr",
        r#"{"cases":[{"name":"x","expect":"wrong_length"},{"name":"y","expect":"wrong_length","qr_bytes":"ABCD"}]}"#,
    );
    assert_eq!(r.cases[0].got, luca_conformance::MALFORMED_CASE);
    assert_eq!(r.cases[0].mismatches, vec!["neither qr_text nor qr_bytes".to_owned()]);
    assert_eq!(r.cases[1].got, luca_conformance::MALFORMED_CASE);
    assert_eq!(r.cases[1].mismatches, vec!["field qr_bytes: not lowercase hex".to_owned()]);
    assert_eq!(r.failed(), 2);
}

#[test]
fn unreadable_directories_are_errors() {
    let missing = std::env::temp_dir().join("luca-conformance-does-not-exist");
    assert!(matches!(luca_conformance::verify_dir(&missing), Err(luca_conformance::RunError::Dir { .. })));
    let empty = std::env::temp_dir().join(format!("luca-conformance-empty-{}", std::process::id()));
    std::fs::create_dir_all(&empty).unwrap();
    assert!(matches!(luca_conformance::verify_dir(&empty), Err(luca_conformance::RunError::Empty { .. })));
    std::fs::remove_dir_all(&empty).unwrap();
}
