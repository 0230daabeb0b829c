//! Secret hygiene of errors: every error that the test-vector inputs produce, through every decoder, is
//! formatted (`Display` and `Debug`) and checked to carry no secret and no personal data of the case — no
//! key, secret, proof, serial or contact field of the vector, in hex or as text — and no long hex run at all
//! (errors name fields and lengths, never input bytes).

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::arithmetic_side_effects,
    missing_docs
)]

use std::path::PathBuf;

use luca_protocol::badge_serial::BadgeSerial;
use luca_protocol::messages::additional_data::{AdditionalDataContent, AdditionalDataIn};
use luca_protocol::messages::checkin_record::{CheckInRecordIn, InnerRecord};
use luca_protocol::messages::checkout::CheckoutIn;
use luca_protocol::messages::consent_response::ConsentResponseIn;
use luca_protocol::messages::contact_data::ContactDataIn;
use luca_protocol::messages::history_share::HistoryShareIn;
use luca_protocol::messages::key_share::KeyShareIn;
use luca_protocol::messages::notification_list::NotificationListIn;
use luca_protocol::messages::tracing_request::TracingRequestIn;
use luca_protocol::qr::badge::BadgeQr;
use luca_protocol::qr::guest::GuestCheckInQr;
use luca_protocol::qr::scanned::ScannedQr;
use luca_protocol::qr::venue::VenueQr;
use luca_protocol::signed::badge_attestation::BadgeAttestationIn;
use luca_protocol::signed::daily_key_announcement::DailyKeyAnnouncementIn;
use luca_protocol::signed::health_office_certificate::HealthOfficeCertificateIn;
use luca_protocol::signed::registrar_certificate::RegistrarCertificateIn;
use luca_protocol::signed::venue_descriptor::VenueDescriptorIn;
use luca_protocol::tan::Tan;
use serde_json::Value;

fn fmt<T, E: std::fmt::Display + std::fmt::Debug>(r: Result<T, E>) -> Option<String> {
    r.err().map(|e| format!("{e} | {e:?}"))
}

type Binary = fn(&[u8]) -> Option<String>;
type Text = fn(&str) -> Option<String>;

const BINARY: &[(&str, Binary)] = &[
    ("guest_qr", |d| fmt(GuestCheckInQr::from_bytes(d))),
    ("guest_qr_body", |d| fmt(GuestCheckInQr::from_body(d))),
    ("badge_qr", |d| fmt(BadgeQr::from_bytes(d))),
    ("health_office_certificate", |d| fmt(HealthOfficeCertificateIn::from_slice(d))),
    ("registrar_certificate", |d| fmt(RegistrarCertificateIn::from_slice(d))),
    ("daily_key_announcement", |d| fmt(DailyKeyAnnouncementIn::from_slice(d))),
    ("venue_descriptor", |d| fmt(VenueDescriptorIn::from_slice(d))),
    ("badge_attestation", |d| fmt(BadgeAttestationIn::from_slice(d))),
    ("additional_data", |d| fmt(AdditionalDataIn::from_slice(d))),
    ("additional_data_content", |d| fmt(AdditionalDataContent::from_slice(d))),
    ("checkin_record", |d| fmt(CheckInRecordIn::from_slice(d))),
    ("inner_record", |d| fmt(InnerRecord::from_slice(d))),
    ("checkout", |d| fmt(CheckoutIn::from_slice(d))),
    ("consent_response", |d| fmt(ConsentResponseIn::from_slice(d))),
    ("contact_data", |d| fmt(ContactDataIn::from_slice(d))),
    ("history_share", |d| fmt(HistoryShareIn::from_slice(d))),
    ("key_share", |d| fmt(KeyShareIn::from_slice(d))),
    ("notification_list", |d| fmt(NotificationListIn::from_slice(d))),
    ("tracing_request", |d| fmt(TracingRequestIn::from_slice(d))),
];

const TEXT: &[(&str, Text)] = &[
    ("guest_qr_base32", |s| fmt(GuestCheckInQr::from_base32(s))),
    ("scanned_qr", |s| fmt(ScannedQr::from_text(s))),
    ("venue_qr_url", |s| fmt(VenueQr::from_url(s))),
    ("tan", |s| fmt(Tan::parse(s))),
    ("badge_serial", |s| fmt(BadgeSerial::parse(s))),
];

/// Field names whose values are secrets or personal data.
fn is_sensitive(name: &str) -> bool {
    const MARKS: [&str; 12] = [
        "secret",
        "private",
        "proof",
        "seed",
        "serial",
        "plaintext",
        "trace_key",
        "fields",
        "name",
        "ikm",
        "tan",
        "data_key",
    ];
    // The case's own header (`name`, `expect`) is not data.
    MARKS.iter().any(|m| name.contains(m)) && name != "name" && name != "expect"
}

fn hex_bytes(s: &str) -> Option<Vec<u8>> {
    if s.is_empty() || !s.len().is_multiple_of(2) || !s.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    hex::decode(s).ok()
}

/// Every string in `v` with the name of the field it stands in.
fn strings<'a>(v: &'a Value, name: &str, out: &mut Vec<(String, &'a str)>) {
    match v {
        Value::String(s) => out.push((name.to_owned(), s)),
        Value::Array(a) => a.iter().for_each(|x| strings(x, name, out)),
        Value::Object(o) => o.iter().for_each(|(k, x)| {
            let path = if name.is_empty() { k.clone() } else { format!("{name}.{k}") };
            strings(x, &path, out);
        }),
        _ => {}
    }
}

fn longest_hex_run(s: &str) -> usize {
    let (mut best, mut run) = (0, 0);
    for c in s.chars() {
        if c.is_ascii_hexdigit() {
            run += 1;
            best = best.max(run);
        } else {
            run = 0;
        }
    }
    best
}

#[test]
fn errors_carry_no_secret_or_personal_data() {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("test-vectors/v1");
    let mut formatted = 0usize;
    let mut files = 0usize;
    let mut sensitive = 0usize;
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        let doc: Value = serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
        files += 1;
        for case in doc["cases"].as_array().unwrap() {
            let mut all = Vec::new();
            strings(case, "", &mut all);
            // What must never appear: sensitive values as hex and, where they are text, as text.
            let mut forbidden: Vec<String> = Vec::new();
            for (name, s) in &all {
                if is_sensitive(name) && s.len() >= 8 {
                    forbidden.push(s.to_lowercase());
                    if let Some(b) = hex_bytes(s)
                        && let Ok(t) = String::from_utf8(b)
                        && t.chars().count() >= 4
                    {
                        forbidden.push(t);
                    }
                }
            }
            sensitive += forbidden.len();
            let check = |what: &str, err: &str| {
                let lower = err.to_lowercase();
                for f in &forbidden {
                    assert!(
                        !lower.contains(&f.to_lowercase()),
                        "{}: {what} leaks a sensitive value {f:?}: {err}",
                        path.display()
                    );
                }
                assert!(longest_hex_run(err) < 16, "{}: {what} carries input bytes: {err}", path.display());
            };
            for (_, s) in &all {
                if let Some(bytes) = hex_bytes(s) {
                    for (what, decode) in BINARY {
                        if let Some(err) = decode(&bytes) {
                            check(what, &err);
                            formatted += 1;
                        }
                    }
                } else {
                    for (what, decode) in TEXT {
                        if let Some(err) = decode(s) {
                            check(what, &err);
                            formatted += 1;
                        }
                    }
                }
            }
        }
    }
    println!(
        "error hygiene: {formatted} errors formatted from {files} vector files, none carries any of {sensitive} \
         sensitive values"
    );
    assert!(files >= 18);
    assert!(sensitive > 500);
    assert!(formatted > 1000);
}
