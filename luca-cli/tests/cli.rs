//! Integration tests of the `luca` binary: every subcommand run as a process on inputs from the committed
//! test vectors, with exact outputs (`--json` parsed) and exit statuses, and garbage that must end in exit
//! status 1 or 2 with one error line, never a panic.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::arithmetic_side_effects,
    clippy::cast_possible_truncation,
    missing_docs
)]

use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use serde_json::{Value, json};

struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

impl Run {
    fn json(&self) -> Value {
        serde_json::from_str(&self.stdout).unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.stdout))
    }

    /// Exit status 1 or 2, exactly one error line starting `luca: `, no panic.
    fn assert_clean_failure(&self, code: i32, what: &str) {
        assert_eq!(self.code, code, "{what}: stdout {} stderr {}", self.stdout, self.stderr);
        let lines: Vec<&str> = self.stderr.lines().collect();
        assert_eq!(lines.len(), 1, "{what}: {}", self.stderr);
        assert!(lines[0].starts_with("luca: "), "{what}: {}", self.stderr);
        assert!(!self.stderr.contains("panicked") && !self.stdout.contains("panicked"), "{what}");
    }
}

fn luca(args: &[&str], stdin: Option<&[u8]>) -> Run {
    let mut child = Command::new(env!("CARGO_BIN_EXE_luca"))
        .args(args)
        .current_dir(repo())
        .stdin(if stdin.is_some() { Stdio::piped() } else { Stdio::null() })
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    if let Some(input) = stdin {
        let mut pipe = child.stdin.take().unwrap();
        // The binary may stop reading early (size cap): a broken pipe is fine.
        let _ = pipe.write_all(input);
    }
    let out = child.wait_with_output().unwrap();
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn vectors(topic: &str) -> Vec<Value> {
    let p = repo().join(format!("test-vectors/v1/{topic}.json"));
    let v: Value = serde_json::from_str(&std::fs::read_to_string(p).unwrap()).unwrap();
    v["cases"].as_array().unwrap().clone()
}

fn case(topic: &str, name: &str) -> Value {
    vectors(topic).into_iter().find(|c| c["name"] == name).unwrap_or_else(|| panic!("{topic}/{name}"))
}

/// A fresh temp directory for one test.
fn tmp(tag: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("luca-cli-test-{tag}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

fn write(dir: &Path, name: &str, content: &str) -> String {
    let p = dir.join(name);
    std::fs::write(&p, content).unwrap();
    p.to_str().unwrap().to_owned()
}

fn total_cases(dir: &Path) -> usize {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .map(|p| {
            let v: Value = serde_json::from_str(&std::fs::read_to_string(p).unwrap()).unwrap();
            v["cases"].as_array().unwrap().len()
        })
        .sum()
}

// ------------------------------------------------------------------------------------------------ vectors

#[test]
fn vectors_verify_passes_on_the_repository() {
    let n = total_cases(&repo().join("test-vectors/v1"));
    let r = luca(&["vectors", "verify", "test-vectors/v1"], None);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(r.stdout.lines().last().unwrap(), format!("{n} passed, 0 failed"));
    assert!(
        r.stdout.contains("guest_qr.json\n  cases   35   agreeing    4   rejected as expected   31   failed    0\n")
    );
    assert!(r.stdout.contains("    bad_checksum                5\n"));
    let j = luca(&["--json", "vectors", "verify"], None).json();
    assert_eq!((j["passed"].as_u64().unwrap() as usize, j["failed"].as_u64().unwrap()), (n, 0));
    assert_eq!(j["files"].as_array().unwrap().len(), 19);
    let g = j["files"].as_array().unwrap().iter().find(|f| f["topic"] == "guest_qr").unwrap();
    assert_eq!(g["rejected"]["decryption_failed"], json!(8));
    assert_eq!(g["failures"], json!([]));
}

#[test]
fn vectors_verify_fails_on_a_tampered_copy() {
    let d = tmp("tampered");
    for e in std::fs::read_dir(repo().join("test-vectors/v1")).unwrap() {
        let p = e.unwrap().path();
        std::fs::copy(&p, d.join(p.file_name().unwrap())).unwrap();
    }
    let n = total_cases(&d);
    let p = d.join("checkout.json");
    let mut v: Value = serde_json::from_str(&std::fs::read_to_string(&p).unwrap()).unwrap();
    let c = v["cases"].as_array_mut().unwrap().iter_mut().find(|c| c["name"] == "ok_now").unwrap();
    c["expect"] = json!("bad_proof");
    std::fs::write(&p, serde_json::to_string_pretty(&v).unwrap()).unwrap();
    let r = luca(&["vectors", "verify", d.to_str().unwrap()], None);
    assert_eq!(r.code, 1);
    assert_eq!(r.stdout.lines().last().unwrap(), format!("{} passed, 1 failed", n - 1));
    assert!(r.stdout.contains("  FAILED ok_now: expected bad_proof, got ok\n"), "{}", r.stdout);
    assert_eq!(r.stderr, format!("luca: {}: 1 vector case(s) failed\n", d.display()));
    std::fs::remove_dir_all(&d).unwrap();
}

#[test]
fn vectors_verify_on_a_missing_directory_is_bad_usage() {
    let r = luca(&["vectors", "verify", "no/such/dir"], None);
    r.assert_clean_failure(2, "missing dir");
    assert_eq!(r.stderr, "luca: cannot read the vector directory no/such/dir: entity not found\n");
}

// ------------------------------------------------------------------------------------------------ inspect

#[test]
fn inspect_guest_qr_prints_every_field() {
    let c = case("guest_qr", "ok_android_vaccinated_boostered");
    let r = luca(&["--json", "inspect", c["qr_text"].as_str().unwrap()], None);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let j = r.json();
    assert_eq!(j["kind"], "guest_qr");
    assert_eq!(j["result"], "ok");
    for f in [
        "trace_id",
        "minute",
        "daily_key_id",
        "flags",
        "device_type",
        "entry_policy",
        "enc",
        "ciphertext",
        "checksum",
        "qr_bytes",
    ] {
        assert_eq!(j["fields"][f], c[f], "{f}");
    }
    assert_eq!(j["checks"]["checksum"], "ok");
    // The same from standard input, human-readable.
    let r = luca(&["inspect"], Some(format!("{}\n", c["qr_text"].as_str().unwrap()).as_bytes()));
    assert_eq!(r.code, 0);
    assert!(r.stdout.starts_with("standard input: guest_qr\n"));
    assert!(r.stdout.contains(&format!("  trace_id: {}\n", c["trace_id"].as_str().unwrap())));
    assert!(r.stdout.ends_with("result: ok\n"));
}

#[test]
fn inspect_agrees_with_every_guest_qr_and_tan_vector() {
    for c in vectors("guest_qr") {
        let Some(text) = c["qr_text"].as_str() else { continue };
        if text.is_empty() {
            // An empty text is bad usage, not a code.
            luca(&["inspect", text], None).assert_clean_failure(2, "empty");
            continue;
        }
        let r = luca(&["--json", "inspect", text], None);
        let expect = c["expect"].as_str().unwrap();
        // Without the daily key a scanner cannot see decryption failures.
        if expect == "ok" || expect == "decryption_failed" {
            assert_eq!(r.code, 0, "{}", c["name"]);
            assert_eq!(r.json()["result"], "ok");
        } else {
            r.assert_clean_failure(1, c["name"].as_str().unwrap());
            assert_eq!(r.json()["error"]["kind"], expect, "{}", c["name"]);
        }
    }
    for c in vectors("tan") {
        let Some(input) = c["input"].as_str() else { continue };
        if input.trim().is_empty() {
            continue;
        }
        let r = luca(&["--json", "inspect", input], None);
        let j = r.json();
        if input.chars().count() > 20 {
            // Longer than any typed TAN: inspected as a scanned QR text, and rejected.
            assert_eq!((r.code, j["kind"].as_str()), (1, Some("scanned_qr")), "{}", c["name"]);
            continue;
        }
        assert_eq!(j["kind"], "tan", "{}", c["name"]);
        match c["expect"].as_str().unwrap() {
            "ok" => assert_eq!((r.code, &j["fields"]["tan"]), (0, &c["tan"]), "{}", c["name"]),
            kind => {
                assert_eq!((r.code, j["error"]["kind"].as_str().unwrap()), (1, kind), "{}", c["name"]);
                assert_eq!(j["error"]["section"], "§6 (TAN: Parsing)");
            }
        }
    }
}

#[test]
fn inspect_rejection_names_kind_and_section() {
    let c = case("guest_qr", "bad_checksum_flipped_header_byte");
    let r = luca(&["inspect", c["qr_text"].as_str().unwrap()], None);
    r.assert_clean_failure(1, "bad checksum");
    assert_eq!(r.stderr, "luca: text: rejected: bad_checksum (docs/PROTOCOL.md §5.1 (Guest check-in QR: Decoding))\n");
    assert_eq!(
        r.stdout,
        "text: guest_qr\nrejected: bad_checksum (docs/PROTOCOL.md §5.1 (Guest check-in QR: Decoding))\n"
    );
}

#[test]
fn inspect_badge_qr_verifies_with_trust_anchor_and_registrar() {
    let d = tmp("badge");
    let ok = case("badge_qr", "ok_1");
    let anchor = write(&d, "anchor.hex", ok["trust_anchor_public_key"].as_str().unwrap());
    let reg = write(&d, "registrar.hex", ok["registrar_certificate"].as_str().unwrap());
    let now = ok["now"].to_string();
    let text = ok["qr_text"].as_str().unwrap();
    let r = luca(&["--json", "inspect", text, "--trust-anchor", &anchor, "--registrar", &reg, "--now", &now], None);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let j = r.json();
    assert_eq!((j["kind"].as_str(), j["checks"]["signature"].as_str()), (Some("badge_qr"), Some("ok")));
    assert_eq!(j["fields"]["attestation"], ok["attestation"]);
    assert_eq!(j["fields"]["registrar_id"], ok["registrar_id"]);
    assert_eq!(j["fields"]["trace_key"], ok["badge_trace_key"]);
    // Without keys: decoded, signature not checked.
    let j = luca(&["--json", "inspect", text], None).json();
    assert_eq!(j["checks"]["signature"], "not checked (needs --trust-anchor and --registrar)");
    // Another registrar: wrong_issuer.
    let w = case("badge_qr", "wrong_registrar");
    let anchor2 = write(&d, "anchor2.hex", w["trust_anchor_public_key"].as_str().unwrap());
    let reg2 = write(&d, "registrar2.hex", w["registrar_certificate"].as_str().unwrap());
    let r = luca(&["--json", "inspect", text, "--trust-anchor", &anchor2, "--registrar", &reg2, "--now", &now], None);
    r.assert_clean_failure(1, "wrong registrar");
    assert_eq!(r.json()["error"], json!({"kind": "wrong_issuer", "section": "§7.4 (Badge attestation: Verification)"}));
    std::fs::remove_dir_all(&d).unwrap();
}

#[test]
fn inspect_agrees_with_every_venue_qr_vector() {
    let d = tmp("venue");
    for c in vectors("venue_qr") {
        let anchor = write(&d, "anchor.hex", c["trust_anchor_public_key"].as_str().unwrap());
        let reg = write(&d, "registrar.hex", c["registrar_certificate"].as_str().unwrap());
        let now = c["now"].to_string();
        let url = c["url"].as_str().unwrap();
        let r = luca(
            &["--json", "inspect", "--trust-anchor", &anchor, "--registrar", &reg, "--now", &now, "--", url],
            None,
        );
        let name = c["name"].as_str().unwrap();
        if url.len() > 8 * 1024 {
            r.assert_clean_failure(2, name);
            continue;
        }
        let j = r.json();
        assert_eq!(j["kind"], "venue_qr", "{name}");
        match c["expect"].as_str().unwrap() {
            "ok" => {
                assert_eq!(r.code, 0, "{name}: {}", r.stdout);
                assert_eq!(j["fields"]["payload"], c["payload"], "{name}");
                assert_eq!(j["fields"]["base_url"], c["base_url"], "{name}");
                assert_eq!(j["fields"]["table"], c["table"], "{name}");
            }
            kind => {
                r.assert_clean_failure(1, name);
                assert_eq!(j["error"]["kind"], kind, "{name}");
            }
        }
    }
    std::fs::remove_dir_all(&d).unwrap();
}

// ------------------------------------------------------------------------------------------------ decode

#[test]
fn decode_detects_every_type_of_the_vectors() {
    let d = tmp("decode");
    let samples = [
        ("certificates", "health_office_certificate", "certificate", "health_office_certificate"),
        ("certificates", "registrar_certificate", "certificate", "registrar_certificate"),
        ("daily_key_announcement", "daily_key", "announcement", "daily_key_announcement"),
        ("venue_descriptor", "venue_with_tables", "descriptor", "venue_descriptor"),
        ("badge_attestation", "badge_attestation", "attestation", "badge_attestation"),
        ("contact_data", "ok_full", "contact_data", "contact_data"),
        ("tracing_request", "", "tracing_request", "tracing_request"),
        ("notification_list", "small_list", "notification_list", "notification_list"),
        ("history_share", "ok_one_day", "history_share", "history_share"),
        ("checkout", "ok_now", "checkout", "checkout"),
        ("additional_data", "ok_table", "additional_data", "additional_data"),
        ("checkin_record", "guest_record", "checkin_record", "checkin_record"),
        ("consent_response", "three_entries", "consent_response", "consent_response"),
        ("key_share", "daily_key_share", "key_share", "key_share"),
    ];
    for (topic, name, field, ty) in samples {
        let c = if name.is_empty() {
            vectors(topic).into_iter().find(|c| c["expect"] == "ok").unwrap()
        } else {
            case(topic, name)
        };
        let f = write(&d, "msg.hex", c[field].as_str().unwrap());
        let r = luca(&["--json", "decode", &f], None);
        assert_eq!(r.code, 0, "{ty}: {}", r.stderr);
        let j = r.json();
        assert_eq!((j["type"].as_str(), j["input_encoding"].as_str()), (Some(ty), Some("hex")), "{ty}");
        assert_eq!(j["length"].as_u64().unwrap() as usize, c[field].as_str().unwrap().len() / 2);
    }
    // Fields by their spec names, and verification with the trust anchor.
    let c = case("certificates", "health_office_certificate");
    let f = write(&d, "cert.hex", c["certificate"].as_str().unwrap());
    let a = write(&d, "anchor.hex", c["anchor_public_key"].as_str().unwrap());
    let now = c["now"].to_string();
    let j = luca(&["--json", "decode", &f, "--trust-anchor", &a, "--now", &now], None).json();
    assert_eq!(j["fields"]["health_office_id"], c["health_office_id"]);
    assert_eq!(j["fields"]["subject_name"], c["subject_name"]);
    assert_eq!(j["fields"]["not_after"], c["not_after"]);
    assert_eq!(j["verification"], json!({"result": "ok"}));
    assert_eq!(j["cose"]["alg"], "ES256 (-7)");
    assert_eq!(j["cose"]["content_type"], "application/luca.v1.health-office-certificate");
    assert_eq!(j["cose"]["protected"], r#"{1: -7, 3: "application/luca.v1.health-office-certificate"}"#);
    assert_eq!(j["cose"]["unprotected"], "{}");
    assert!(j["cbor"].as_str().unwrap().starts_with("[h'a2012603782d"));
    // Too late: the certificate has expired.
    let r = luca(&["--json", "decode", &f, "--trust-anchor", &a, "--now", "1830297600"], None);
    r.assert_clean_failure(1, "expired");
    assert_eq!(r.json()["verification"], json!({"result": "expired"}));
    std::fs::remove_dir_all(&d).unwrap();
}

#[test]
fn decode_reads_raw_base64_and_given_types() {
    let c = case("checkout", "ok_now");
    let bytes = hex::decode(c["checkout"].as_str().unwrap()).unwrap();
    let r = luca(&["--json", "decode", "--as", "checkout", "--input", "raw"], Some(&bytes));
    assert_eq!(r.code, 0, "{}", r.stderr);
    let j = r.json();
    assert_eq!(j["fields"], json!({"trace_id": c["trace_id"], "checkout_at": c["checkout_at"]}));
    assert_eq!(j["input_encoding"], "raw");
    use base64::Engine as _;
    let b64 = base64::engine::general_purpose::STANDARD.encode(&bytes);
    let j = luca(&["--json", "decode"], Some(b64.as_bytes())).json();
    assert_eq!((j["type"].as_str(), j["input_encoding"].as_str()), (Some("checkout"), Some("base64")));
    // Given as another type: rejected by that type's decoder.
    let r = luca(&["--json", "decode", "--as", "key_share"], Some(c["checkout"].as_str().unwrap().as_bytes()));
    r.assert_clean_failure(1, "as key_share");
    assert_eq!(r.json()["error"]["kind"], "wrong_arity");
    // A truncated certificate: the content type names the type, its decoder the error.
    let cert = case("certificates", "health_office_certificate");
    let short = &cert["certificate"].as_str().unwrap()[..200];
    let r = luca(&["--json", "decode", "--as", "health_office_certificate"], Some(short.as_bytes()));
    r.assert_clean_failure(1, "truncated");
    assert_eq!(r.json()["error"], json!({"kind": "truncated", "section": "§7.1"}));
}

// ------------------------------------------------------------------------------------------------ open

#[test]
fn open_guest_qr_with_a_key_file_or_standard_input() {
    let d = tmp("open");
    let c = case("guest_qr", "ok_ios_no_policy");
    let key = write(&d, "daily.key", &format!("{}\n", c["daily_private_key"].as_str().unwrap()));
    let qr = write(&d, "qr.txt", c["qr_text"].as_str().unwrap());
    let r = luca(&["--json", "open", "guest-qr", &qr, "--key", &key], None);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let o = &r.json()["opened"];
    assert_eq!((&o["user_id"], &o["data_secret"], &o["trace_id"]), (&c["user_id"], &c["data_secret"], &c["trace_id"]));
    // Raw 32-byte key on standard input.
    let raw = hex::decode(c["daily_private_key"].as_str().unwrap()).unwrap();
    let r = luca(&["--json", "open", "guest-qr", &qr, "--key", "-"], Some(&raw));
    assert_eq!(r.json()["opened"]["user_id"], c["user_id"]);
    // Wrong key: opaque failure, exit 1, no key material in the error.
    let w = case("guest_qr", "wrong_daily_key");
    let wrong = write(&d, "wrong.key", w["daily_private_key"].as_str().unwrap());
    let r = luca(&["open", "guest-qr", &qr, "--key", &wrong], None);
    r.assert_clean_failure(1, "wrong key");
    assert_eq!(r.stderr, format!("luca: {qr}: guest_qr: decryption_failed (docs/PROTOCOL.md §5.1 (Opening))\n"));
    // A key file that is not a key: bad usage; its content never echoed.
    let bad = write(&d, "bad.key", "0123456789abcdef secret words");
    let r = luca(&["open", "guest-qr", &qr, "--key", &bad], None);
    r.assert_clean_failure(2, "bad key file");
    assert!(!r.stderr.contains("secret words") && !r.stderr.contains("0123456789abcdef"));
    assert_eq!(r.stderr, format!("luca: key file {bad}: not a 32-byte key (expected 32 raw bytes or 64 hex digits)\n"));
    // No key at all; both from standard input.
    luca(&["open", "guest-qr", &qr], None).assert_clean_failure(2, "no key");
    luca(&["open", "guest-qr", "--key", "-"], Some(b"x")).assert_clean_failure(2, "two stdins");
    std::fs::remove_dir_all(&d).unwrap();
}

#[test]
fn open_every_other_layer_from_the_vectors() {
    let d = tmp("open-all");
    let hs = case("history_share", "ok_one_day");
    let k = write(&d, "k", hs["daily_private_key"].as_str().unwrap());
    let f = write(&d, "f", hs["history_share"].as_str().unwrap());
    let o = luca(&["--json", "open", "history-share", &f, "--key", &k], None).json()["opened"].clone();
    assert_eq!((&o["user_id"], &o["data_secret"], &o["days"]), (&hs["user_id"], &hs["data_secret"], &hs["days"]));

    let cr = case("checkin_record", "guest_record");
    let k = write(&d, "k", cr["venue_private_key"].as_str().unwrap());
    let f = write(&d, "f", cr["checkin_record"].as_str().unwrap());
    let o = luca(&["--json", "open", "checkin-record", &f, "--key", &k], None).json()["opened"].clone();
    assert_eq!((&o["inner_record"], &o["trace_id"]), (&cr["inner_record"], &cr["trace_id"]));
    // Its inner record, with the daily key.
    let k = write(&d, "k", cr["daily_private_key"].as_str().unwrap());
    let f = write(&d, "f", cr["inner_record"].as_str().unwrap());
    let r = luca(&["--json", "open", "inner-record", &f, "--key", &k], None);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(r.json()["opened"]["trace_id"], cr["trace_id"]);

    let ad = case("additional_data", "ok_table");
    let k = write(&d, "k", ad["venue_private_key"].as_str().unwrap());
    let f = write(&d, "f", ad["additional_data"].as_str().unwrap());
    let o = luca(&["--json", "open", "additional-data", &f, "--key", &k], None).json()["opened"].clone();
    assert_eq!((&o["table"], &o["guest_name"]), (&ad["content"]["table"], &ad["content"]["guest_name"]));

    let ba = case("badge_attestation", "badge_attestation");
    let k = write(&d, "k", ba["badge_private_key"].as_str().unwrap());
    let f = write(&d, "f", ba["attestation"].as_str().unwrap());
    let o = luca(&["--json", "open", "badge-attestation", &f, "--key", &k], None).json()["opened"].clone();
    assert_eq!((&o["user_id"], &o["data_secret"]), (&ba["user_id"], &ba["data_secret"]));

    let cd = case("contact_data", "ok_full");
    let k = write(&d, "k", cd["data_secret"].as_str().unwrap());
    let f = write(&d, "f", cd["contact_data"].as_str().unwrap());
    let uid = cd["user_id"].as_str().unwrap();
    let o = luca(&["--json", "open", "contact-data", &f, "--key", &k, "--user-id", uid], None).json()["opened"].clone();
    assert_eq!(o["fields"], cd["fields"]);
    std::fs::remove_dir_all(&d).unwrap();
}

// ------------------------------------------------------------------------------------------------ qr render

#[test]
fn qr_render_round_trips_through_png_jpeg_and_svg() {
    let d = tmp("qr");
    let c = case("guest_qr", "ok_ios_no_policy");
    let text = c["qr_text"].as_str().unwrap();
    let png = d.join("q.png");
    let r = luca(&["--json", "qr", "render", text, "--png", png.to_str().unwrap()], None);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!((r.json()["qr_version"].as_u64(), r.json()["modules"].as_u64()), (Some(7), Some(45)));
    let j = luca(&["--json", "inspect", "--image", png.to_str().unwrap()], None).json();
    assert_eq!((j["kind"].as_str(), &j["fields"]["qr_bytes"]), (Some("guest_qr"), &c["qr_bytes"]));
    // A JPEG photo of the same code.
    let img = image::open(&png).unwrap();
    let jpg = d.join("q.jpg");
    img.to_rgb8().save(&jpg).unwrap();
    let j = luca(&["--json", "inspect", "--image", jpg.to_str().unwrap()], None).json();
    assert_eq!(j["fields"]["qr_bytes"], c["qr_bytes"]);
    // The library's SVG, read back from its module grid.
    let svg = d.join("q.svg");
    assert_eq!(luca(&["qr", "render", text, "--svg", svg.to_str().unwrap()], None).code, 0);
    assert_eq!(std::fs::read_to_string(&svg).unwrap(), luca_protocol::qr::render::render_svg(text).unwrap());
    let j = luca(&["--json", "inspect", "--image", svg.to_str().unwrap()], None).json();
    assert_eq!(j["fields"]["trace_id"], c["trace_id"]);
    // The terminal rendering is the library's.
    let r = luca(&["qr", "render", text, "--terminal"], None);
    assert_eq!(r.stdout, format!("{}\n", luca_protocol::qr::render::render_terminal(text).unwrap()));
    // A picture without a code; a file that is no picture.
    image::GrayImage::from_pixel(64, 64, image::Luma([255])).save(d.join("blank.png")).unwrap();
    let r = luca(&["inspect", "--image", d.join("blank.png").to_str().unwrap()], None);
    r.assert_clean_failure(1, "blank");
    let no = write(&d, "no.png", "not a picture");
    luca(&["inspect", "--image", &no], None).assert_clean_failure(2, "not a picture");
    // Exactly one target.
    luca(&["qr", "render", text], None).assert_clean_failure(2, "no target");
    std::fs::remove_dir_all(&d).unwrap();
}

// ------------------------------------------------------------------------------------------------ robustness

/// Deterministic pseudo-random bytes (xorshift), no external RNG.
fn garbage(seed: u64, len: usize) -> Vec<u8> {
    let mut x = seed | 1;
    (0..len)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            (x >> 24) as u8
        })
        .collect()
}

#[test]
fn garbage_never_panics_and_fails_with_one_line() {
    let d = tmp("garbage");
    let key = write(&d, "k", &"11".repeat(32));
    let big = vec![b'A'; 10 * 1024 * 1024];
    let guest = case("guest_qr", "ok_ios_no_policy");
    let truncated = &guest["qr_text"].as_str().unwrap()[..100];
    let tan = "AAAA-AAAA-AAAB";
    let mut inputs: Vec<(String, Vec<u8>)> = vec![
        ("empty".into(), Vec::new()),
        ("newline".into(), b"\n".to_vec()),
        ("10 MB".into(), big.clone()),
        ("truncated guest QR".into(), truncated.as_bytes().to_vec()),
        ("a TAN".into(), tan.as_bytes().to_vec()),
        ("a venue URL".into(), b"https://luca.example/v1/checkin#AAAA".to_vec()),
        // The original formats: a legacy code of the other kind, and one cut short.
        (
            "a legacy badge QR".into(),
            legacy_case("legacy_badge_qr", "v4_from_serial")["text"].as_str().unwrap().as_bytes().to_vec(),
        ),
        (
            "a truncated legacy guest QR".into(),
            legacy_case("legacy_guest_qr", "v3_base32_ios")["text"].as_str().unwrap().as_bytes()[..150].to_vec(),
        ),
        (
            "a legacy venue URL".into(),
            legacy_case("legacy_venue_qr", "venue_table_3")["url"].as_str().unwrap().as_bytes().to_vec(),
        ),
    ];
    for seed in 1..=12u64 {
        inputs.push((format!("random {seed}"), garbage(seed, (seed as usize) * 37)));
    }
    for (name, input) in &inputs {
        for args in [
            vec!["inspect"],
            vec!["--json", "inspect"],
            vec!["decode"],
            vec!["--json", "decode", "--input", "raw"],
            vec!["open", "guest-qr", "-", "--key", key.as_str()],
            vec!["open", "checkin-record", "-", "--key", key.as_str()],
            vec!["open", "history-share", "-", "--key", key.as_str()],
            vec!["open", "legacy-guest-qr", "-", "--key", key.as_str()],
            vec!["open", "legacy-inner-record", "-", "--key", key.as_str(), "--timestamp", "1636970400"],
            vec!["open", "legacy-badge-qr", "-", "--key", key.as_str()],
            vec!["open", "legacy-checkin-record", "-", "--key", key.as_str()],
            vec!["open", "legacy-additional-data", "-", "--key", key.as_str()],
        ] {
            if args.contains(&"inspect") && (name == "a legacy badge QR" || name == "a legacy venue URL") {
                continue; // valid codes for inspect; every open below is of another kind or keyed wrongly
            }
            let r = luca(&args, Some(input));
            assert!(r.code == 1 || r.code == 2, "{name} {args:?}: exit {} {}", r.code, r.stderr);
            r.assert_clean_failure(r.code, &format!("{name} {args:?}"));
        }
    }
    // Inputs over the caps are bad usage, named.
    let r = luca(&["decode"], Some(&vec![b'0'; 18 * 1024 * 1024]));
    r.assert_clean_failure(2, "over cap");
    assert_eq!(r.stderr, "luca: standard input: larger than 17825792 bytes\n");
    let r = luca(&["inspect"], Some(&big));
    assert_eq!(r.stderr, "luca: standard input: larger than 8192 bytes\n");
    // Every garbage file as a picture.
    for seed in 1..=4u64 {
        let p = d.join(format!("g{seed}.png"));
        let mut b = b"\x89PNG\r\n\x1a\n".to_vec();
        b.extend(garbage(seed, 300));
        std::fs::write(&p, b).unwrap();
        let r = luca(&["inspect", "--image", p.to_str().unwrap()], None);
        r.assert_clean_failure(2, "garbage png");
    }
    // Unknown subcommands and options: one line, exit 2.
    luca(&["frobnicate"], None).assert_clean_failure(2, "unknown subcommand");
    luca(&["decode", "--as", "nothing"], None).assert_clean_failure(2, "unknown type");
    luca(&["open", "guest-qr", "--key"], None).assert_clean_failure(2, "missing key path");
    std::fs::remove_dir_all(&d).unwrap();
}

#[test]
fn help_documents_the_exit_statuses() {
    for args in [vec!["--help"], vec!["inspect", "--help"], vec!["vectors", "verify", "--help"], vec!["open", "--help"]]
    {
        let r = luca(&args, None);
        assert_eq!(r.code, 0, "{args:?}");
        assert!(
            r.stdout.contains(
                "Exit status: 0 success; 1 a check failed (a rejected code or message, a failed test vector, a failed \
                 verification or opening); 2 bad usage or unreadable input."
            ),
            "{args:?}: {}",
            r.stdout
        );
    }
    let r = luca(&["open", "--help"], None);
    assert!(r.stdout.contains("Keys are never taken from the command line"));
}

// ------------------------------------------------------------------------------------------------ legacy

fn legacy(topic: &str) -> Vec<Value> {
    let p = repo().join(format!("test-vectors/legacy/{topic}.json"));
    let v: Value = serde_json::from_str(&std::fs::read_to_string(p).unwrap()).unwrap();
    v["cases"].as_array().unwrap().clone()
}

fn legacy_case(topic: &str, name: &str) -> Value {
    legacy(topic).into_iter().find(|c| c["name"] == name).unwrap_or_else(|| panic!("{topic}/{name}"))
}

#[test]
fn vectors_verify_passes_on_the_legacy_vectors() {
    let n = total_cases(&repo().join("test-vectors/legacy"));
    let r = luca(&["vectors", "verify", "test-vectors/legacy"], None);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(r.stdout.lines().last().unwrap(), format!("{n} passed, 0 failed"));
    assert!(r.stdout.contains("legacy_published.json\n  cases    4   agreeing    4"), "{}", r.stdout);
}

#[test]
fn inspect_agrees_with_every_legacy_code_vector() {
    for c in legacy("legacy_guest_qr") {
        let expect = c["expect"].as_str().unwrap();
        if expect != "ok" && expect != "decryption_failed" {
            continue;
        }
        let r = luca(&["--json", "inspect", c["text"].as_str().unwrap()], None);
        assert_eq!(r.code, 0, "{}: {}", c["name"], r.stderr);
        let j = r.json();
        assert_eq!(j["kind"], "legacy_guest_qr", "{}", c["name"]);
        let f = &j["fields"];
        if expect == "ok" {
            for k in [
                "version",
                "encoding",
                "keyboard_swapped",
                "device_type",
                "entry_policy",
                "key_id",
                "timestamp",
                "trace_id",
                "bytes",
            ] {
                assert_eq!(f[k], c[k], "{} {k}", c["name"]);
            }
        }
    }
    let bad = legacy_case("legacy_guest_qr", "bad_checksum");
    let r = luca(&["--json", "inspect", bad["text"].as_str().unwrap()], None);
    assert_eq!(r.code, 1);
    let j = r.json();
    assert_eq!((&j["kind"], &j["error"]["kind"]), (&json!("legacy_guest_qr"), &json!("bad_checksum")));
    assert_eq!(
        r.stderr,
        "luca: text: rejected: bad_checksum (luca-legacy guest_qr (the original system's v3/v4 format))\n"
    );
    // Badges, with the attestation key from a file.
    let d = tmp("legacy-inspect");
    for name in ["v4_from_serial", "v3_attestation", "v3b_attestation", "v4_other_attestation_key"] {
        let c = legacy_case("legacy_badge_qr", name);
        let key = write(&d, "attest.key", c["attestation_key"].as_str().unwrap());
        let r = luca(&["--json", "inspect", c["text"].as_str().unwrap(), "--attestation-key", &key], None);
        let j = r.json();
        assert_eq!(j["kind"], "legacy_badge_qr", "{name}");
        if c["expect"] == "ok" {
            assert_eq!(r.code, 0, "{name}: {}", r.stderr);
            let form = c["attestation"].as_str().unwrap();
            assert!(j["checks"]["attestation"].as_str().unwrap().starts_with(&format!("ok ({form}:")), "{name}: {j}");
            assert_eq!((&j["fields"]["user_id"], &j["fields"]["tracing_seed"]), (&c["user_id"], &c["tracing_seed"]));
        } else {
            assert_eq!((r.code, &j["error"]["kind"]), (1, &json!("bad_signature")), "{name}");
        }
    }
    std::fs::remove_dir_all(&d).unwrap();
}

#[test]
fn open_legacy_layers_from_the_vectors() {
    let d = tmp("legacy-open");
    let opened = |args: &[&str]| {
        let r = luca(args, None);
        assert_eq!(r.code, 0, "{args:?}: {}", r.stderr);
        r.json()["opened"].clone()
    };
    for c in legacy("legacy_guest_qr").into_iter().filter(|c| c["expect"] == "ok") {
        let key = write(&d, "daily.key", c["daily_private_key"].as_str().unwrap());
        let qr = write(&d, "qr.txt", c["text"].as_str().unwrap());
        let o = opened(&["--json", "open", "legacy-guest-qr", &qr, "--key", &key]);
        assert_eq!(
            (&o["user_id"], &o["data_secret"], &o["trace_id"]),
            (&c["user_id"], &c["data_secret"], &c["trace_id"])
        );
    }
    let w = legacy_case("legacy_guest_qr", "wrong_daily_key");
    let (key, qr) = (
        write(&d, "wrong.key", w["daily_private_key"].as_str().unwrap()),
        write(&d, "w.txt", w["text"].as_str().unwrap()),
    );
    let r = luca(&["open", "legacy-guest-qr", &qr, "--key", &key], None);
    r.assert_clean_failure(1, "wrong daily key");
    assert_eq!(
        r.stderr,
        format!(
            "luca: {qr}: legacy_guest_qr: decryption_failed (luca-legacy guest_qr, the original system's format)\n"
        )
    );
    // Inner records: an app record with --timestamp, a badge record with --badge.
    let c = legacy_case("legacy_inner_record", "v3_app_check_in");
    let (key, rec) = (
        write(&d, "d.key", c["daily_private_key"].as_str().unwrap()),
        write(&d, "r.hex", c["record"].as_str().unwrap()),
    );
    let ts = c["timestamp"].to_string();
    let o = opened(&["--json", "open", "legacy-inner-record", &rec, "--key", &key, "--timestamp", &ts]);
    assert_eq!((&o["user_id"], &o["data_secret"]), (&c["user_id"], &c["data_secret"]));
    luca(&["open", "legacy-inner-record", &rec, "--key", &key], None).assert_clean_failure(2, "no timestamp");
    let c = legacy_case("legacy_inner_record", "v4_badge_check_in");
    let (key, rec) = (
        write(&d, "b.key", c["badge_private_key"].as_str().unwrap()),
        write(&d, "b.hex", c["record"].as_str().unwrap()),
    );
    let o = opened(&["--json", "open", "legacy-inner-record", &rec, "--key", &key, "--badge"]);
    assert_eq!((&o["user_id"], &o["data_secret"]), (&c["user_id"], &c["data_secret"]));
    // A badge QR.
    let c = legacy_case("legacy_badge_qr", "v4_from_serial");
    let (key, qr) = (
        write(&d, "bq.key", c["badge_private_key"].as_str().unwrap()),
        write(&d, "bq.txt", c["text"].as_str().unwrap()),
    );
    let o = opened(&["--json", "open", "legacy-badge-qr", &qr, "--key", &key]);
    assert_eq!((&o["user_id"], &o["data_secret"]), (&c["user_id"], &c["data_secret"]));
    // Contact data as the original server stored it (base64 JSON), signature checked first.
    use base64::Engine as _;
    let b64 =
        |field: &Value| base64::engine::general_purpose::STANDARD.encode(hex::decode(field.as_str().unwrap()).unwrap());
    let c = legacy_case("legacy_contact_data", "app_v3");
    let stored = json!({"data": b64(&c["ciphertext"]), "iv": b64(&c["iv"]), "mac": b64(&c["mac"]),
        "signature": b64(&c["signature"]), "publicKey": b64(&c["guest_public_key"])});
    let (key, data) =
        (write(&d, "ds.key", c["data_secret"].as_str().unwrap()), write(&d, "cd.json", &stored.to_string()));
    let o = opened(&["--json", "open", "legacy-contact-data", &data, "--key", &key]);
    assert_eq!(o["signature"], "ok");
    assert_eq!((&o["fields"]["first_name"], &o["fields"]["city"]), (&json!("Erika"), &json!("Köln")));
    let mut forged = stored.clone();
    forged["signature"] = json!(b64(&legacy_case("legacy_contact_data", "bad_signature")["signature"]));
    let data = write(&d, "forged.json", &forged.to_string());
    let r = luca(&["open", "legacy-contact-data", &data, "--key", &key], None);
    r.assert_clean_failure(1, "forged signature");
    assert!(!r.stderr.contains("Erika"), "{}", r.stderr);
    // A check-in upload: the venue key opens the outer layer; the daily key then opens the inner record.
    let c = legacy_case("legacy_checkin_record", "android_check_in");
    let (key, up) = (
        write(&d, "v.key", c["venue_private_key"].as_str().unwrap()),
        write(&d, "up.json", c["upload"].as_str().unwrap()),
    );
    let o = opened(&["--json", "open", "legacy-checkin-record", &up, "--key", &key]);
    assert_eq!(
        (&o["inner_record"], &o["scanner_id"], &o["timestamp"]),
        (&c["inner_record"], &c["scanner_id"], &c["timestamp"])
    );
    let (dk, rec) = (
        write(&d, "dd.key", c["daily_private_key"].as_str().unwrap()),
        write(&d, "in.hex", c["inner_record"].as_str().unwrap()),
    );
    let ts = c["timestamp"].to_string();
    let o = opened(&["--json", "open", "legacy-inner-record", &rec, "--key", &dk, "--timestamp", &ts]);
    assert_eq!((&o["user_id"], &o["data_secret"]), (&c["user_id"], &c["data_secret"]));
    let c = legacy_case("legacy_checkin_record", "additional_data_table");
    let (key, up) = (
        write(&d, "v2.key", c["venue_private_key"].as_str().unwrap()),
        write(&d, "ad.json", c["additional_upload"].as_str().unwrap()),
    );
    assert_eq!(opened(&["--json", "open", "legacy-additional-data", &up, "--key", &key])["data"], json!({"table": 3}));
    // Venue and meeting URLs: inspect shows the table, never a meeting host's name.
    for c in legacy("legacy_venue_qr").into_iter().filter(|c| c["expect"] == "ok") {
        let r = luca(&["--json", "inspect", c["url"].as_str().unwrap()], None);
        assert_eq!(r.code, 0, "{}: {}", c["name"], r.stderr);
        let j = r.json();
        assert_eq!(
            (&j["kind"], &j["fields"]["scanner_id"]),
            (&json!("legacy_venue_qr"), &c["scanner_id"]),
            "{}",
            c["name"]
        );
        if c["kind"] == "venue" {
            assert_eq!(j["fields"]["table"], c["table"]);
        } else {
            assert!(!r.stdout.contains("Erika") && !r.stdout.contains("Mustermann"), "{}", r.stdout);
        }
    }
    std::fs::remove_dir_all(&d).unwrap();
}
