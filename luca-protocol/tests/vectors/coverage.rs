//! Rule coverage: every rule id `[R<section>-<n>]` of docs/PROTOCOL.md against the `rules` of the vector cases.
//!
//! `rule_coverage` fails when an id appears twice in the spec or under another section than its own, when a
//! case names an id the spec does not have, when a decoding or verification rule has no negative case, and when
//! the two lists below are stale (a listed rule that has gained a negative case, or an unknown id).
//! `rule_index_is_current` checks that Appendix A of docs/PROTOCOL.md (the rule index) is what
//! [`rule_index`] generates; `LUCA_REGENERATE_VECTORS=1` rewrites it, like the vector files.

use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;

use serde_json::Value;

/// Rules that cannot have a negative vector, each with the reason: obligations of a role (user interface,
/// storage, logging) outside any message a vector could carry, or rules about the vectors themselves.
const ALLOWED: &[(&str, &str)] = &[
    (
        "R1.2-3",
        "a MUST NOT on verifiers (do not depend on RFC 6979 nonces): no input breaks it; the Wycheproof ECDSA P1363 vectors (crypto/third_party_tests.rs) verify signatures with other nonces",
    ),
    ("R2.3-2", "a rule about implementations and the vector set itself (keep passing v1), not about an input"),
    ("R5.3-13", "user-interface obligation of the app (say it is a private meeting); no decoder output"),
    ("R5.4-1", "scanner obligation (read any QR level and version); QR symbols are not vectors (tests/qr_readable.rs)"),
    ("R5.4-2", "scanner obligation (read any segmentation); QR symbols are not vectors (tests/qr_readable.rs)"),
    ("R6-1", "SHOULD on logging and comparison of TANs; no observable output"),
    ("R7.2-14", "process obligation (erase the private key at retain_until): the role crates' purge operations"),
    ("R7.3-1", "user-interface obligation (show a private meeting as such); no decoder output"),
    ("R8.1-6", "exporter obligation (luca-healthoffice export tests), not a decoding rule"),
    ("R8.3-10", "server SHOULD (first checkout only) needs the server's stored state, which no message carries"),
    ("R8.4-1", "SHOULD on the app before sealing; the decoder cannot know the descriptor"),
    ("R8.4-10", "server SHOULD (additional data only for a stored record) needs server state"),
    (
        "R8.5-18",
        "server SHOULD (reject a stored trace id) needs the server's stored state; the scanner side is luca-venue's DuplicateTraceId",
    ),
    ("R8.6-14", "venue-owner user interface (show office and window, answer once)"),
    (
        "R8.7-1",
        "builder refusal of another certificate (wrong_issuer) before any bytes exist; unit test in messages/consent_response.rs",
    ),
    (
        "R8.8-1",
        "sealer refusal of a non-scalar before any bytes exist; unit test open_not_a_scalar (the recipient side, R8.8-12, has vectors)",
    ),
    ("R8.9-1", "builder refusal of a level above 3 before any bytes exist; unit test build_rejects_level_above_3"),
    ("R8.9-15", "device obligation (download whole lists); no message"),
    ("R8.9-16", "device obligation (never report matches); no message"),
    ("R9.2-1", "process obligation (erase daily keys at retain_until): the role crates' purge operations"),
    ("R9.6-1", "user-interface obligation of the guest app (tell the guest the name goes to the host)"),
    ("R11-1", "the rule that makes the vectors normative: every case pins it, no single one"),
    (
        "R13.2-4",
        "disqualification needs a dealer's valid signature on an inconsistent share, which no honest API produces; the attack_dealer_* unit tests of luca-protocol/src/threshold/dkg.rs cheat through the dealer's hooks",
    ),
];

/// Construction rules (derivations, encodings, normalisations a decoder applies before rejecting): no input
/// is invalid for them, so they are pinned by the positive cases that name them, which reproduce the exact
/// bytes; a wrong implementation fails those.
const POSITIVE_ONLY: &[&str] = &[
    "R2.1-16", "R4.1-1", "R4.1-2", "R4.1-3", "R4.1-4", "R4.1-5", "R4.1-6", "R4.1-7", "R4.1-8", "R4.1-9", "R4.1-10",
    "R4.1-11", "R4.1-12", "R4.2-2", "R4.2-3", "R4.2-4", "R5.1-1", "R5.1-2", "R5.3-14", "R6-2", "R6-3", "R6-5",
    "R8.9-14", "R13.2-2", "R13.3-3", "R13.3-6",
];

/// The heading that starts the generated appendix; everything from it to the end of the file is generated.
const APPENDIX_HEADING: &str = "## Appendix A. Rule index";

/// One rule of the spec.
#[derive(Debug)]
pub struct Rule {
    /// `R5.1-4`.
    pub id: String,
    /// `5.1`.
    pub section: String,
    /// The requirement's first line, as in the spec (markdown).
    pub line: String,
}

fn spec_path() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("PROTOCOL.md")
}

/// The section number of a heading line (`## 5. QR codes` → `5`, `### 5.1 Guest` → `5.1`), if it has one.
fn heading_section(line: &str) -> Option<String> {
    let rest = line.trim_start_matches('#');
    if rest.len() == line.len() {
        return None;
    }
    let word = rest.trim_start().split(' ').next()?;
    let number = word.trim_end_matches('.');
    (!number.is_empty() && number.chars().all(|c| c.is_ascii_digit() || c == '.')).then(|| number.to_string())
}

/// The first line of the requirement that starts at `text` (what follows a rule id), for the index.
fn first_line(text: &str) -> String {
    let mut out = String::new();
    for (i, line) in text.lines().enumerate() {
        let t = line.trim();
        if i > 0
            && (t.is_empty() || t.starts_with('|') || t.starts_with('#') || t.starts_with("- ") || t.starts_with("```"))
        {
            break;
        }
        if i > 0 && t.split_once(". ").is_some_and(|(n, _)| !n.is_empty() && n.chars().all(|c| c.is_ascii_digit())) {
            break;
        }
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(t);
    }
    if let Some(k) = out.find("[R") {
        out.truncate(k);
    }
    // A table row: the check, then its error kind.
    let out = if out.contains(" | ") {
        let cells: Vec<&str> = out.split('|').map(str::trim).filter(|c| !c.is_empty()).collect();
        cells.join(" → ")
    } else {
        match out.find(". ") {
            Some(k) => out[..=k].to_string(),
            None => out,
        }
    };
    let out = out.trim().trim_end_matches(';').trim_end_matches(',').trim().to_string();
    const MAX: usize = 110;
    if out.chars().count() > MAX {
        let cut: String = out.chars().take(MAX).collect();
        format!("{}…", cut.trim_end())
    } else {
        out
    }
}

/// The rules of `spec` (the appendix excluded), in document order; errors for duplicates and misplaced ids.
pub fn parse_spec(spec: &str) -> Result<Vec<Rule>, Vec<String>> {
    let body = spec.split(APPENDIX_HEADING).next().unwrap_or(spec);
    let mut rules = Vec::new();
    let mut errors = Vec::new();
    let mut seen = BTreeSet::new();
    let mut section = String::new();
    let mut offset = 0;
    for line in body.split_inclusive('\n') {
        if let Some(s) = heading_section(line.trim_end()) {
            section = s;
        }
        let mut rest = line;
        let mut at = offset;
        while let Some(k) = rest.find("[R") {
            let tail = &rest[k + 2..];
            let Some(end) = tail.find(']') else { break };
            let id = &tail[..end];
            let parsed = id.split_once('-').filter(|(sec, n)| {
                !sec.is_empty()
                    && sec.chars().all(|c| c.is_ascii_digit() || c == '.')
                    && !n.is_empty()
                    && n.chars().all(|c| c.is_ascii_digit())
            });
            if let Some((sec, _)) = parsed {
                let id = format!("R{id}");
                if !seen.insert(id.clone()) {
                    errors.push(format!("{id} appears twice in docs/PROTOCOL.md"));
                }
                if sec != section {
                    errors.push(format!("{id} stands in §{section}, not in §{sec}"));
                }
                let after = at + k + 2 + end + 1;
                rules.push(Rule { id, section: sec.to_string(), line: first_line(body[after..].trim_start()) });
            }
            at += k + 2;
            rest = tail;
        }
        offset += line.len();
    }
    if errors.is_empty() { Ok(rules) } else { Err(errors) }
}

/// For each rule id, `(file, case, negative?)` of every case that names it.
type Pins = BTreeMap<String, Vec<(String, String, bool)>>;

/// [`Pins`] of the generated vectors (generated once per test run).
fn pins() -> &'static Pins {
    static PINS: std::sync::OnceLock<Pins> = std::sync::OnceLock::new();
    PINS.get_or_init(generate_pins)
}

fn generate_pins() -> Pins {
    let mut out: Pins = BTreeMap::new();
    for topic in crate::topics() {
        for case in &topic.cases {
            let name = case["name"].as_str().unwrap_or_default().to_string();
            let negative = case["expect"] != "ok";
            let rules: Vec<&str> = case
                .get("rules")
                .and_then(Value::as_array)
                .map(|r| r.iter().filter_map(Value::as_str).collect())
                .unwrap_or_default();
            assert!(!negative || !rules.is_empty(), "{}/{name}: negative case without rules", topic.name);
            for r in rules {
                out.entry(r.to_string()).or_default().push((topic.name.to_string(), name.clone(), negative));
            }
        }
    }
    out
}

/// `file: a, b; other: c` for the cases in `list` with the given polarity.
fn case_list(list: &[(String, String, bool)], negative: bool) -> String {
    let mut by_file: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for (file, case, n) in list {
        if *n == negative {
            by_file.entry(file).or_default().push(case);
        }
    }
    by_file.iter().map(|(f, cs)| format!("{f}: {}", cs.join(", "))).collect::<Vec<_>>().join("; ")
}

/// Appendix A of docs/PROTOCOL.md, from its heading to the end of the file.
pub fn rule_index(rules: &[Rule], pins: &Pins) -> String {
    let allowed: BTreeMap<&str, &str> = ALLOWED.iter().copied().collect();
    let positive_only: BTreeSet<&str> = POSITIVE_ONLY.iter().copied().collect();
    let empty = Vec::new();
    let (mut negative, mut positive) = (0usize, 0usize);
    let mut rows = String::new();
    for r in rules {
        let list = pins.get(&r.id).unwrap_or(&empty);
        let pinned = if let Some(reason) = allowed.get(r.id.as_str()) {
            format!("none: {reason}")
        } else if positive_only.contains(r.id.as_str()) {
            positive += 1;
            format!("positive cases: {}", case_list(list, false))
        } else {
            negative += 1;
            case_list(list, true)
        };
        rows.push_str(&format!(
            "| `{}` | §{} | {} | {} |\n",
            r.id,
            r.section,
            r.line.replace('|', "\\|"),
            pinned.replace('|', "\\|")
        ));
    }
    format!(
        "{APPENDIX_HEADING}\n\n\
         Generated from the rule ids of this document and the `rules` fields of `test-vectors/v1/*.json` by\n\
         `luca-protocol/tests/vectors/coverage.rs` (the test `rule_index_is_current` fails when it is stale;\n\
         regenerate with `LUCA_REGENERATE_VECTORS=1 cargo test -p luca-protocol --test vectors`). Each rule names\n\
         the vector cases (`file: case, …`) that break it; construction rules (derivations and encodings, which\n\
         no input can break) name the positive cases that reproduce them; the few rules that no vector can\n\
         test give the reason instead.\n\n\
         Rules: {}, pinned by a negative vector: {negative}, construction rules pinned by positive vectors:\n\
         {positive}, without a vector: {}.\n\n\
         | rule | section | requirement | pinned by |\n|---|---|---|---|\n{rows}",
        rules.len(),
        rules.len() - negative - positive,
    )
}

#[test]
fn rule_coverage() {
    let spec = std::fs::read_to_string(spec_path()).unwrap();
    let rules = parse_spec(&spec).unwrap_or_else(|e| panic!("docs/PROTOCOL.md rule ids:\n{}", e.join("\n")));
    let ids: BTreeSet<&str> = rules.iter().map(|r| r.id.as_str()).collect();
    let pins = pins();
    let mut errors = Vec::new();
    for (id, list) in pins {
        if !ids.contains(id.as_str()) {
            errors.push(format!(
                "{id}: named by {} but not in docs/PROTOCOL.md",
                case_list(list, true) + &case_list(list, false)
            ));
        }
    }
    let allowed: BTreeMap<&str, &str> = ALLOWED.iter().copied().collect();
    let positive_only: BTreeSet<&str> = POSITIVE_ONLY.iter().copied().collect();
    for id in allowed.keys().chain(positive_only.iter()) {
        if !ids.contains(id) {
            errors.push(format!("{id}: listed in coverage.rs but not in docs/PROTOCOL.md"));
        }
        if allowed.contains_key(id) && positive_only.contains(id) {
            errors.push(format!("{id}: listed both as allowed and as positive-only"));
        }
    }
    let (mut negative, mut positive) = (0usize, 0usize);
    for r in &rules {
        let list = pins.get(&r.id).map(Vec::as_slice).unwrap_or_default();
        let has_negative = list.iter().any(|(_, _, n)| *n);
        let has_positive = list.iter().any(|(_, _, n)| !*n);
        if allowed.contains_key(r.id.as_str()) {
            if !list.is_empty() {
                errors.push(format!("{}: allowed without a vector, but named by cases: remove it from ALLOWED", r.id));
            }
        } else if positive_only.contains(r.id.as_str()) {
            if has_negative {
                errors.push(format!("{}: has a negative case now: remove it from POSITIVE_ONLY", r.id));
            } else if !has_positive {
                errors.push(format!("{}: construction rule named by no positive case", r.id));
            }
            positive += 1;
        } else if has_negative {
            negative += 1;
        } else {
            errors.push(format!("{} (§{}): no negative vector case breaks it: {}", r.id, r.section, r.line));
        }
    }
    println!(
        "rules: {}, pinned by a negative vector: {negative}, construction rules pinned by positive vectors: {positive}, \
         allowed without a vector: {}",
        rules.len(),
        allowed.len()
    );
    for (id, reason) in ALLOWED {
        println!("  allowed {id}: {reason}");
    }
    assert!(errors.is_empty(), "rule coverage:\n{}", errors.join("\n"));
    assert_eq!(negative + positive + allowed.len(), rules.len());
}

#[test]
fn rule_index_is_current() {
    let path = spec_path();
    let spec = std::fs::read_to_string(&path).unwrap();
    let rules = parse_spec(&spec).unwrap_or_else(|e| panic!("docs/PROTOCOL.md rule ids:\n{}", e.join("\n")));
    let index = rule_index(&rules, pins());
    let body = spec.split(APPENDIX_HEADING).next().unwrap_or(&spec);
    let fresh = format!("{body}{index}");
    if std::env::var_os("LUCA_REGENERATE_VECTORS").is_some() {
        if fresh != spec {
            std::fs::write(&path, &fresh).unwrap();
        }
    } else {
        assert!(
            fresh == spec,
            "docs/PROTOCOL.md: Appendix A (rule index) is stale (regenerate with LUCA_REGENERATE_VECTORS=1 cargo test \
             -p luca-protocol --test vectors)"
        );
    }
}

#[test]
fn spec_parser_finds_ids_and_their_lines() {
    let spec = "## 2. X\n\n### 2.1 Y\n\n1. [R2.1-1] The input is short (`too_long`). More.\n\
                | 3 | [R2.1-2] a check | `kind` |\n";
    let rules = parse_spec(spec).unwrap();
    assert_eq!(rules.len(), 2);
    assert_eq!((rules[0].id.as_str(), rules[0].section.as_str()), ("R2.1-1", "2.1"));
    assert_eq!(rules[0].line, "The input is short (`too_long`).");
    assert_eq!(rules[1].line, "a check → `kind`");
    let errors = parse_spec("### 2.1 Y\n[R2.1-1] a\n[R2.1-1] b\n[R3-1] c\n").unwrap_err();
    assert_eq!(
        errors,
        vec!["R2.1-1 appears twice in docs/PROTOCOL.md".to_string(), "R3-1 stands in §2.1, not in §3".to_string()]
    );
}
