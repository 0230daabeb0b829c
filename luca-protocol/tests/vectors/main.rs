//! Test vectors: regenerates every file under `test-vectors/v1/` with the
//! deterministic generator and fails on any difference.
//!
//! That every committed case passes the one vector runner (`luca-conformance`,
//! the runner of `luca vectors verify`) is `luca-conformance`'s own test
//! (`luca-conformance/tests/vectors.rs`): together the two show that the runner
//! agrees with every generated case, without a dev-dependency from this crate on
//! a crate that depends on it (which `cargo publish` cannot order).
//!
//! Regenerate after an intended change with
//! `LUCA_REGENERATE_VECTORS=1 cargo test -p luca-protocol --test vectors`, then
//! run `cargo test -p luca-conformance`.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::arithmetic_side_effects,
    clippy::cast_possible_truncation,
    unreachable_pub,
    missing_docs
)]

mod additional_data;
mod badge_attestation;
mod badge_qr;
mod certificates;
mod checkin_record;
mod checkout;
mod common;
mod consent_response;
mod contact_data;
mod coverage;
mod daily_key_announcement;
mod derivations;
mod guest_qr;
mod history_share;
mod key_share;
mod notification_list;
mod rules;
#[path = "../support/reconstruct.rs"]
mod support_reconstruct;
mod tan;
mod threshold;
mod tracing_request;
mod venue_descriptor;
mod venue_qr;

use std::path::PathBuf;

fn topics() -> Vec<common::Topic> {
    vec![
        derivations::generate(),
        guest_qr::generate(),
        badge_qr::generate(),
        venue_qr::generate(),
        tan::generate(),
        certificates::generate(),
        daily_key_announcement::generate(),
        venue_descriptor::generate(),
        badge_attestation::generate(),
        contact_data::generate(),
        history_share::generate(),
        checkout::generate(),
        additional_data::generate(),
        checkin_record::generate(),
        tracing_request::generate(),
        consent_response::generate(),
        key_share::generate(),
        notification_list::generate(),
        threshold::generate(),
    ]
}

#[test]
fn vectors_match_committed_files() {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("test-vectors/v1");
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
