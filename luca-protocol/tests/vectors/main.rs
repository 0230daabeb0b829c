//! Test vectors: regenerates every file under `test-vectors/v1/` with the
//! deterministic generator and fails on any difference.
//!
//! Regenerate after an intended change with
//! `LUCA_REGENERATE_VECTORS=1 cargo test -p luca-protocol --test vectors`.

mod common;

use std::path::PathBuf;

fn topics() -> Vec<common::Topic> {
    vec![
        // TOPICS (each helper adds its line here)
    ]
}

#[test]
fn vectors_match_committed_files() {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../test-vectors/v1");
    let regenerate = std::env::var_os("LUCA_REGENERATE_VECTORS").is_some();
    let mut checked = 0usize;
    let mut cases = 0usize;
    for topic in topics() {
        let path = dir.join(format!("{}.json", topic.name));
        let fresh = topic.to_json();
        assert!(!topic.cases.is_empty(), "{}: no cases", topic.name);
        cases += topic.cases.len();
        if regenerate {
            std::fs::create_dir_all(&dir).unwrap();
            std::fs::write(&path, &fresh).unwrap();
        } else {
            let committed = std::fs::read_to_string(&path)
                .unwrap_or_else(|e| panic!("{}: {e} (regenerate with LUCA_REGENERATE_VECTORS=1)", path.display()));
            assert!(committed == fresh, "{}: generated vectors differ from the committed file", topic.name);
        }
        checked += 1;
    }
    println!("test vectors: {checked} files, {cases} cases");
    assert!(checked > 0);
}
