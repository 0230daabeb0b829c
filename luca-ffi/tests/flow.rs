//! The FFI layer driven from Rust, as the bindings drive it: a check-in at a
//! scanner, the scanner's rejections by kind, and a self check-in traced by a
//! health office down to the decrypted contact. (The full flow, through the
//! generated Python module, is `tests/python/run.sh`.)

use luca_ffi::{
    ContactFields, DailyKeyAnnouncement, DeviceType, HealthOffice, LucaError, Registrar, ScannedVenue, StoredCheckIn,
    TracingWindow, TrustAnchor, Validity, Venue, normalize_tan, register_guest,
};

const T0: u64 = 1_795_942_800; // 2026-11-29T09:00:00Z

fn fields(first: &str) -> ContactFields {
    ContactFields {
        first_name: first.to_owned(),
        last_name: "Mustermann".to_owned(),
        phone: "+49 30 1234567".to_owned(),
        email: String::new(),
        street: String::new(),
        house_number: String::new(),
        postcode: String::new(),
        city: "Köln".to_owned(),
    }
}

fn kind<T>(r: Result<T, LucaError>) -> Option<&'static str> {
    r.err().map(|e| e.kind())
}

#[test]
fn check_in_trace_and_decrypt() -> Result<(), LucaError> {
    let year = Validity { not_before: T0 - 86_400, not_after: T0 + 365 * 86_400 };
    let anchor = TrustAnchor::new()?;
    let office = HealthOffice::new()?;
    let cert = office.install_certificate(
        anchor.certify_health_office(office.certificate_request("Gesundheitsamt".to_owned())?, year)?,
        anchor.public_key(),
        T0,
    )?;
    let rotation = office.rotate_daily_key(T0, vec![])?;
    let daily = DailyKeyAnnouncement::verify(rotation.announcement.to_bytes(), cert.clone(), T0)?;

    let registrar = Registrar::new()?;
    let reg_cert = registrar.install_certificate(
        anchor.certify_registrar(registrar.registration_request("Registrar".to_owned())?, year)?,
        anchor.public_key(),
        T0,
    )?;
    let venue = Venue::new()?;
    let descriptor = registrar.register_venue(venue.registration_request("Café".to_owned(), Some(4))?, year)?;
    venue.install_descriptor(descriptor, reg_cert.clone(), T0)?;
    let scanner = venue.scanner()?;
    scanner.add_daily_key(daily.clone())?;

    // Erika at the scanner; the scanner's rejections carry their kind, in the message too.
    let erika = register_guest(fields("Erika"), DeviceType::Android, T0)?;
    let code = erika.guest.check_in_code(daily.clone(), T0)?;
    let mut tampered = code.text.clone().into_bytes();
    if let Some(c) = tampered.get_mut(80) {
        *c = if *c == b'B' { b'C' } else { b'B' };
    }
    let tampered = String::from_utf8(tampered).map_err(|_| LucaError::Poisoned)?;
    let err = scanner.scan(tampered, T0 + 2).err();
    assert_eq!(err.as_ref().map(LucaError::kind), Some("bad_checksum"));
    assert!(matches!(err, Some(LucaError::Scan { .. })));
    assert!(err.is_some_and(|e| e.to_string().starts_with("bad_checksum: ")));
    assert_eq!(kind(scanner.scan(code.text.clone(), T0 + 600)), Some("stale"));
    let scan = scanner.scan(code.text.clone(), T0 + 3)?;
    assert_eq!(kind(scanner.scan(code.text, T0 + 5)), Some("duplicate_trace_id"));

    // Max checks in himself at table 2.
    let max = register_guest(fields("Max"), DeviceType::Ios, T0)?;
    let url = venue.printed_qr_url("luca.example".to_owned(), Some(2))?;
    let scanned = ScannedVenue::scan(url, reg_cert, T0 + 30)?;
    let own = max.guest.self_check_in(scanned, daily.clone(), T0 + 30)?;
    let records = vec![
        StoredCheckIn { record: scan.record, additional_data: None },
        StoredCheckIn { record: own.record, additional_data: own.additional_data },
    ];

    // Erika shares her history; the office traces her check-in and decrypts Max.
    let share = erika.guest.share_history(daily, T0 + 3600)?;
    assert!(kind(normalize_tan("not a tan".to_owned())).is_some());
    let history = office.open_history_share(share)?;
    let matches = history.match_check_ins(records.iter().map(|r| r.record.clone()).collect());
    assert_eq!(matches.len(), 1);
    let start = u64::from(scan.minute) * 60 - 600;
    let request =
        office.request_tracing(venue.venue_id()?, TracingWindow { start, end: start + 3600 }, T0 + 3600, 86_400)?;
    let answer = venue.answer_tracing_request(request.to_bytes(), cert, records, T0 + 3600)?;
    assert_eq!(answer.consented, 2);
    let mut contacts = Vec::new();
    for response in answer.responses {
        for check_in in office.open_consent_response(response, request.clone())?.check_ins {
            if check_in.user_id() != history.user_id() {
                contacts.push(office.decrypt_contact(max.contact_data.clone(), check_in)?);
            }
        }
    }
    assert_eq!(contacts.len(), 1);
    assert!(contacts.first().is_some_and(|c| c.fields == fields("Max") && c.table == Some(2)));
    Ok(())
}

#[test]
fn bad_inputs_are_errors_not_panics() {
    assert_eq!(kind(DailyKeyAnnouncement::verify(vec![], office_certificate(), T0)), Some("truncated"));
    assert_eq!(kind(luca_ffi::Guest::import_state(vec![0xff; 3])), Some("malformed_cbor"));
    assert_eq!(kind(luca_ffi::HealthOfficeCertificate::verify(vec![1, 2, 3], vec![4; 65], T0)), Some("invalid_point"));
    assert!(luca_ffi::contacts_to_csv(vec![]).is_ok());
}

/// A real, verified certificate for the input tests.
fn office_certificate() -> std::sync::Arc<luca_ffi::HealthOfficeCertificate> {
    let year = Validity { not_before: T0 - 86_400, not_after: T0 + 86_400 };
    let made = TrustAnchor::new().and_then(|anchor| {
        let office = HealthOffice::new()?;
        let bytes = anchor.certify_health_office(office.certificate_request("Amt".to_owned())?, year)?;
        office.install_certificate(bytes, anchor.public_key(), T0)
    });
    match made {
        Ok(cert) => cert,
        Err(e) => unreachable!("setup failed: {e}"),
    }
}
