//! Replays the committed fuzz corpus (`fuzz/corpus/<target>/`) and every fuzz finding (`fuzz/regressions/<target>/`)
//! through the decoders on stable Rust, as part of the ordinary `cargo test`.
//!
//! The targets are the ones the cargo-fuzz crate runs: `tests/support/fuzz_targets.rs`, included here with `#[path]`, maps
//! each target name to its function. Every input must give `Ok` or `Err`; a panic (including a failed round-trip
//! assertion of a `roundtrip_*` target) fails the test with the file that caused it. The test also fails if it
//! replayed nothing, if a directory has no target of that name, or if a target has no seed.
//!
//! The seed part of the corpus is generated from the test vectors:
//! `cargo test -p luca-protocol --test corpus -- --ignored regenerate_seed_corpus` (re)writes the `seed-*` files
//! (the valid and invalid messages of `test-vectors/v1/*.json`, plus a few deterministic mutations of each); files
//! the fuzzer found are named otherwise and are left alone.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::arithmetic_side_effects,
    clippy::cast_possible_truncation,
    unreachable_pub,
    missing_docs,
    dead_code
)]

#[path = "support/fuzz_targets.rs"]
mod targets;

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::io::Write as _;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};

use rand_chacha::ChaCha20Rng;
use rand_core::{Rng as _, SeedableRng};
use sha2::{Digest as _, Sha256};
use targets::{Outcome, TARGETS};

fn fuzz_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../fuzz")
}

/// The regular files of `dir`, sorted; none if `dir` does not exist.
fn files(dir: &Path) -> Vec<PathBuf> {
    let Ok(entries) = fs::read_dir(dir) else { return Vec::new() };
    let mut out: Vec<PathBuf> = entries.map(|e| e.unwrap().path()).filter(|p| p.is_file()).collect();
    out.sort();
    out
}

/// The subdirectories of `dir`, by name.
fn subdirs(dir: &Path) -> BTreeMap<String, PathBuf> {
    let Ok(entries) = fs::read_dir(dir) else { return BTreeMap::new() };
    entries
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_dir())
        .map(|p| (p.file_name().unwrap().to_string_lossy().into_owned(), p))
        .collect()
}

#[derive(Default)]
struct Tally {
    accepted: usize,
    rejected: usize,
}

#[test]
fn corpus_and_regressions_replay_without_panic() {
    let root = fuzz_dir();
    let mut tallies: BTreeMap<&'static str, (Tally, Tally)> =
        TARGETS.iter().map(|(n, _)| (*n, Default::default())).collect();
    let mut unmapped = Vec::new();
    let mut panics = Vec::new();
    let mut replayed = 0usize;
    for (kind, regression) in [("corpus", false), ("regressions", true)] {
        for (name, dir) in subdirs(&root.join(kind)) {
            let Some((target_name, target)) = TARGETS.iter().find(|(n, _)| *n == name) else {
                unmapped.push(format!("fuzz/{kind}/{name}"));
                continue;
            };
            let (seeds, found) = tallies.get_mut(target_name).unwrap();
            let tally = if regression { found } else { seeds };
            for file in files(&dir) {
                let data = fs::read(&file).unwrap();
                match catch_unwind(AssertUnwindSafe(|| target(&data))) {
                    Ok(Outcome::Accepted) => tally.accepted += 1,
                    Ok(Outcome::Rejected) => tally.rejected += 1,
                    Err(_) => panics.push(file.strip_prefix(&root).unwrap_or(&file).display().to_string()),
                }
                replayed += 1;
            }
        }
    }
    println!("{:<28} {:>9} {:>9} {:>12}", "target", "accepted", "rejected", "regressions");
    for (name, (seeds, found)) in &tallies {
        println!("{name:<28} {:>9} {:>9} {:>12}", seeds.accepted, seeds.rejected, found.accepted + found.rejected);
    }
    // Written to stderr directly (not `eprintln!`), so that it shows in an ordinary `cargo test` run too.
    let _ = writeln!(
        std::io::stderr(),
        "fuzz corpus replay: {replayed} inputs replayed through {} targets, {} panicked",
        TARGETS.len(),
        panics.len()
    );
    assert!(unmapped.is_empty(), "corpus directories without a target of that name: {unmapped:?}");
    assert!(replayed > 0, "no corpus input replayed: is fuzz/corpus/ missing?");
    let empty: Vec<&str> = tallies.iter().filter(|(_, (s, _))| s.accepted + s.rejected == 0).map(|(n, _)| *n).collect();
    assert!(empty.is_empty(), "targets without any seed in fuzz/corpus/<target>/: {empty:?}");
    let never_accepted: Vec<&str> = tallies.iter().filter(|(_, (s, _))| s.accepted == 0).map(|(n, _)| *n).collect();
    assert!(never_accepted.is_empty(), "targets whose seeds are all rejected: {never_accepted:?}");
    assert!(panics.is_empty(), "decoders panicked on: {panics:?}");
}

#[test]
fn every_target_has_a_fuzz_target_file() {
    let root = fuzz_dir();
    let manifest = fs::read_to_string(root.join("Cargo.toml")).unwrap();
    for (name, _) in TARGETS {
        assert!(root.join(format!("fuzz_targets/{name}.rs")).is_file(), "fuzz/fuzz_targets/{name}.rs missing");
        assert!(manifest.contains(&format!("name = \"{name}\"")), "fuzz/Cargo.toml has no [[bin]] {name}");
    }
    let files: BTreeSet<String> = files(&root.join("fuzz_targets"))
        .iter()
        .filter_map(|p| p.file_stem().map(|s| s.to_string_lossy().into_owned()))
        .collect();
    let names: BTreeSet<String> = TARGETS.iter().map(|(n, _)| (*n).to_owned()).collect();
    assert_eq!(files, names, "fuzz/fuzz_targets/ and targets::TARGETS disagree");
}

// ------------------------------------------------------------------ seed corpus generation

/// Fields of the vector files read as text (UTF-8 bytes) rather than hex.
const TEXT_FIELDS: &[&str] = &[
    "qr_text",
    "url",
    "input",
    "tan",
    "tan_compact",
    "serial_printed",
    "text",
    "serial",
    "upload",
    "additional_upload",
];

/// Where each decoder target's seeds come from: (vector file, field) pairs.
const SOURCES: &[(&str, &[(&str, &str)])] = &[
    // The legacy targets' seeds come from test-vectors/legacy (`../legacy/<file>` from test-vectors/v1).
    ("legacy_code_bytes", &[("../legacy/legacy_guest_qr", "bytes")]),
    ("legacy_scanned_text", &[("../legacy/legacy_guest_qr", "text"), ("../legacy/legacy_badge_qr", "text")]),
    ("legacy_inner_record", &[("../legacy/legacy_inner_record", "record")]),
    ("legacy_badge_serial", &[("../legacy/legacy_badge_serial", "serial")]),
    (
        "legacy_checkin_json",
        &[("../legacy/legacy_checkin_record", "upload"), ("../legacy/legacy_checkin_record", "additional_upload")],
    ),
    ("legacy_venue_url", &[("../legacy/legacy_venue_qr", "url")]),
    (
        "guest_qr_bytes",
        &[("guest_qr", "qr_bytes"), ("guest_qr", "body"), ("derivations", "body"), ("checkin_record", "guest_qr_body")],
    ),
    ("guest_qr_base32", &[("guest_qr", "qr_text")]),
    ("badge_qr_bytes", &[("badge_qr", "qr_bytes")]),
    ("badge_qr_base32", &[("badge_qr", "qr_text")]),
    ("scanned_qr_text", &[("guest_qr", "qr_text"), ("badge_qr", "qr_text")]),
    ("venue_qr_url", &[("venue_qr", "url")]),
    ("venue_qr_payload", &[("venue_qr", "payload")]),
    (
        "health_office_certificate",
        &[
            ("certificates", "certificate"),
            ("daily_key_announcement", "issuer_certificate"),
            ("tracing_request", "health_office_certificate"),
        ],
    ),
    ("registrar_certificate", &[("certificates", "certificate"), ("venue_descriptor", "registrar_certificate")]),
    ("daily_key_announcement", &[("daily_key_announcement", "announcement")]),
    ("venue_descriptor", &[("venue_descriptor", "descriptor"), ("venue_qr", "descriptor")]),
    (
        "badge_attestation",
        &[("badge_attestation", "attestation"), ("badge_qr", "attestation"), ("checkin_record", "badge_attestation")],
    ),
    ("additional_data", &[("additional_data", "additional_data")]),
    ("additional_data_content", &[("additional_data", "plaintext")]),
    ("checkin_record", &[("checkin_record", "checkin_record")]),
    ("inner_record", &[("checkin_record", "inner_record")]),
    ("checkout", &[("checkout", "checkout")]),
    ("consent_response", &[("consent_response", "consent_response")]),
    ("contact_data", &[("contact_data", "contact_data"), ("contact_data", "previous")]),
    ("contact_fields_plaintext", &[("contact_data", "plaintext")]),
    ("history_share", &[("history_share", "history_share")]),
    ("history_share_plaintext", &[("history_share", "plaintext")]),
    ("key_share", &[("key_share", "key_share")]),
    ("notification_list", &[("notification_list", "notification_list")]),
    ("tracing_request", &[("tracing_request", "tracing_request"), ("derivations", "tracing_request")]),
    ("tan", &[("tan", "input"), ("tan", "tan"), ("tan", "tan_compact")]),
    ("badge_serial", &[("derivations", "serial_printed")]),
];

/// The round-trip targets: (target, [decoder target of each selector value, in order]).
const ROUND_TRIPS: &[(&str, &[&str])] = &[
    (
        "roundtrip_qr",
        &[
            "guest_qr_bytes",
            "guest_qr_base32",
            "badge_qr_bytes",
            "badge_qr_base32",
            "scanned_qr_text",
            "venue_qr_url",
            "venue_qr_payload",
        ],
    ),
    (
        "roundtrip_signed",
        &[
            "health_office_certificate",
            "registrar_certificate",
            "daily_key_announcement",
            "venue_descriptor",
            "badge_attestation",
            "contact_data",
            "tracing_request",
            "notification_list",
        ],
    ),
    (
        "roundtrip_messages",
        &[
            "additional_data",
            "additional_data_content",
            "checkin_record",
            "inner_record",
            "checkout",
            "consent_response",
            "history_share",
            "key_share",
        ],
    ),
    ("roundtrip_text", &["tan", "badge_serial"]),
];

/// Largest input that gets mutated copies (keeps the committed corpus small).
const MUTATE_MAX_LEN: usize = 1200;

/// The values of `field` in every case of `test-vectors/v1/<file>.json`, each with whether its case expects `ok`.
fn vector_values(file: &str, field: &str) -> Vec<(Vec<u8>, bool)> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(format!("test-vectors/v1/{file}.json"));
    let doc: serde_json::Value = serde_json::from_str(&fs::read_to_string(&path).unwrap()).unwrap();
    let mut out = Vec::new();
    for case in doc["cases"].as_array().unwrap() {
        let Some(v) = case.get(field).and_then(|v| v.as_str()) else { continue };
        let ok = case["expect"] == "ok";
        if TEXT_FIELDS.contains(&field) {
            out.push((v.as_bytes().to_vec(), ok));
        } else {
            out.push((hex::decode(v).unwrap_or_else(|e| panic!("{file}.json {field}: {e}")), ok));
        }
    }
    assert!(!out.is_empty(), "{file}.json has no field {field}");
    out
}

/// A few deterministic mutations of a seed: one flipped bit, one byte overwritten with an interesting value, one
/// byte inserted, and (for text) the lowercase form.
fn mutations(seed: &[u8], rng: &mut ChaCha20Rng) -> Vec<Vec<u8>> {
    let mut out = Vec::new();
    if seed.is_empty() || seed.len() > MUTATE_MAX_LEN {
        return out;
    }
    let pos = |rng: &mut ChaCha20Rng| (rng.next_u32() as usize) % seed.len();
    let mut flipped = seed.to_vec();
    let p = pos(rng);
    flipped[p] ^= 1 << (rng.next_u32() % 8);
    out.push(flipped);
    let mut overwritten = seed.to_vec();
    let p = pos(rng);
    overwritten[p] = [0x00, 0x01, 0x18, 0x19, 0x1a, 0x1b, 0x40, 0x58, 0x5f, 0x60, 0x7f, 0x80, 0x9f, 0xf6, 0xff]
        [(rng.next_u32() % 15) as usize];
    out.push(overwritten);
    let mut inserted = seed.to_vec();
    let p = pos(rng);
    inserted.insert(p, rng.next_u32() as u8);
    out.push(inserted);
    if let Ok(t) = std::str::from_utf8(seed)
        && t.bytes().any(|c| c.is_ascii_uppercase())
    {
        out.push(t.to_ascii_lowercase().into_bytes());
    }
    out
}

fn seed_name(data: &[u8]) -> String {
    format!("seed-{}", hex::encode(&Sha256::digest(data)[..10]))
}

/// Writes `inputs` into `fuzz/corpus/<target>/`, replacing the previous `seed-*` files.
fn write_seeds(target: &str, inputs: &BTreeSet<Vec<u8>>) {
    let dir = fuzz_dir().join("corpus").join(target);
    fs::create_dir_all(&dir).unwrap();
    for old in files(&dir) {
        if old.file_name().unwrap().to_string_lossy().starts_with("seed-") {
            fs::remove_file(old).unwrap();
        }
    }
    for input in inputs {
        fs::write(dir.join(seed_name(input)), input).unwrap();
    }
}

#[test]
#[ignore = "regenerates the seed corpus in fuzz/corpus/; run explicitly with --ignored"]
fn regenerate_seed_corpus() {
    let mut originals: BTreeMap<&str, BTreeSet<Vec<u8>>> = BTreeMap::new();
    for (target, sources) in SOURCES {
        let mut rng =
            ChaCha20Rng::seed_from_u64(u64::from_le_bytes(Sha256::digest(target.as_bytes())[..8].try_into().unwrap()));
        let mut inputs = BTreeSet::new();
        for (file, field) in *sources {
            for (v, ok) in vector_values(file, field) {
                // The negative cases are mutations already: mutate the valid ones only.
                if ok {
                    inputs.extend(mutations(&v, &mut rng));
                }
                originals.entry(*target).or_default().insert(v.clone());
                inputs.insert(v);
            }
        }
        write_seeds(target, &inputs);
    }
    // Round-trip targets: the selector byte, then every vector value (not the mutations) that the round trip
    // accepts.
    for (target, decoders) in ROUND_TRIPS {
        let f = targets::target(target).unwrap();
        let mut inputs = BTreeSet::new();
        for (sel, decoder) in decoders.iter().enumerate() {
            for seed in &originals[decoder] {
                let mut input = vec![sel as u8];
                input.extend_from_slice(seed);
                if f(&input) == Outcome::Accepted {
                    inputs.insert(input);
                }
            }
        }
        write_seeds(target, &inputs);
    }
    let names: BTreeSet<&str> = SOURCES.iter().map(|(n, _)| *n).chain(ROUND_TRIPS.iter().map(|(n, _)| *n)).collect();
    let all: BTreeSet<&str> = TARGETS.iter().map(|(n, _)| *n).collect();
    assert_eq!(names, all, "SOURCES/ROUND_TRIPS and targets::TARGETS disagree");
}
