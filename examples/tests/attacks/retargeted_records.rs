//! Attacks, section 7. check-in records re-targeted (docs/THREAT-MODEL.md §3).

use super::*;

#[test]
fn attack_checkin_record_retargeted() {
    let mut t = Town::new(13);
    let code = t.alice.check_in_code(&mut t.rng, &t.daily, NOW).unwrap();
    let scan = t.scan(&code.text(), NOW);
    let bytes = scan.record.to_bytes();
    let minute = NOW.minute();

    // A second venue, registered like the first.
    let mut other = Venue::generate(&mut t.rng);
    let validity = Validity { not_before: NOW.minus_secs(DAY), not_after: NOW.plus_secs(DAY) };
    let descriptor = t.registrar.register_venue(other.venue_id(), "Bar Relais", &other.public_key(), None, validity);
    other.install_descriptor(descriptor.unwrap().as_bytes(), &t.registrar_cert, NOW).unwrap();

    // The server edits the envelope of the stored record: another venue,
    // another minute, another trace id, another source.
    let venue_id = t.venue.venue_id();
    let other_trace = TraceId::random(&mut t.rng);
    let minute_field = [vec![0x1a], minute.to_be_bytes().to_vec()].concat();
    let later_field = [vec![0x1a], UnixMinute(minute.0 + 1).to_be_bytes().to_vec()].concat();
    let source_at = find(&bytes, &minute_field).unwrap() + 5;
    assert_eq!(bytes[source_at], 0x00, "source guest");
    let mut badge_source = bytes.clone();
    badge_source[source_at] = 0x01;
    let to_other_venue = splice(&bytes, venue_id.as_bytes(), other.venue_id().as_bytes());
    let edits = [
        splice(&bytes, &minute_field, &later_field),
        splice(&bytes, code.trace_id.as_bytes(), other_trace.as_bytes()),
        badge_source,
    ];
    for edited in &edits {
        let record = CheckInRecordIn::from_slice(edited).unwrap();
        assert_eq!(t.venue.open_record(&record).unwrap_err(), OpenError::DecryptionFailed);
    }
    // Moved to the other venue: that venue cannot open it, and the first
    // venue no longer accepts it as its own.
    let moved = CheckInRecordIn::from_slice(&to_other_venue).unwrap();
    assert_eq!(other.open_record(&moved).unwrap_err(), OpenError::DecryptionFailed);
    assert_eq!(t.venue.open_record(&moved).unwrap_err(), OpenError::BindingMismatch { field: "venue_id" });

    // A rogue scanner re-seals the captured inner record (it holds the venue's
    // public key) under another trace id or minute: the inner QR repeats both.
    let inner = InnerRecord::Guest(code.qr.clone());
    let venue_key = t.venue.public_key();
    let resealed = [
        (other_trace, minute, OpenError::BindingMismatch { field: "trace_id" }),
        (code.trace_id, UnixMinute(minute.0 + 1), OpenError::BindingMismatch { field: "minute" }),
    ];
    for (trace_id, m, want) in resealed {
        let err = CheckInRecord::seal(&mut t.rng, venue_id, &venue_key, &inner, trace_id, m).unwrap_err();
        assert_eq!(err.kind(), "invalid_field", "the honest sealer refuses");
        let record = CheckInRecord::seal_unchecked(
            &mut t.rng,
            venue_id,
            &venue_key,
            &inner.to_bytes(),
            CheckInSource::Guest,
            trace_id,
            m,
        )
        .unwrap();
        assert_eq!(t.venue.open_record(&CheckInRecordIn::from(record)).unwrap_err(), want);
    }

    // On consent, the venue leaves every re-targeted record out and office A
    // decrypts nothing from them.
    let request = t.request(hour(), NOW.plus_secs(HOUR));
    let stored: Vec<StoredCheckIn> =
        edits.iter().map(|e| StoredCheckIn { record: e.clone(), additional_data: None }).collect();
    let answer = t
        .venue
        .answer_tracing_request(&mut t.rng, request.as_bytes(), &t.cert_a, &stored, NOW.plus_secs(HOUR))
        .unwrap();
    assert_eq!((answer.consented, answer.failed.len()), (0, 3));
    assert!(answer.failed.iter().all(|f| f.error == OpenError::DecryptionFailed));
    let opened = t.office_a.open_consent_response(answer.responses[0].as_bytes(), &request).unwrap();
    assert!(opened.check_ins.is_empty() && opened.unreadable.is_empty());
    let other_request =
        t.office_a.request_tracing(&mut t.rng, other.venue_id(), hour(), NOW.plus_secs(HOUR), DAY).unwrap();
    let moved_in = [StoredCheckIn { record: to_other_venue, additional_data: None }];
    let answer =
        other.answer_tracing_request(&mut t.rng, other_request.as_bytes(), &t.cert_a, &moved_in, NOW.plus_secs(HOUR));
    let answer = answer.unwrap();
    assert_eq!((answer.consented, answer.failed[0].error.kind()), (0, "decryption_failed"));

    // The untouched record still opens: only the genuine check-in is traced.
    let (_, _, opened) = t.trace(NOW.plus_secs(HOUR));
    assert_eq!(opened.check_ins.len(), 1);
    assert_eq!(opened.check_ins[0].secrets.user_id, t.alice.user_id());
}
