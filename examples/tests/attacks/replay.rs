//! Attacks, section 2. and 3. replay, duplicates (docs/THREAT-MODEL.md §3).

use super::*;

#[test]
fn attack_replay_qr_outside_window() {
    let mut t = Town::new(2);
    let code = t.alice.check_in_code(&mut t.rng, &t.daily, NOW).unwrap();
    let server_before = t.server.clone();

    // A screenshot shown more than the window (120 s) after its minute began,
    // or a code made for a minute more than the window ahead.
    let late = t.scanner.scan(&mut t.rng, &code.text(), NOW.plus_secs(DEFAULT_FRESHNESS_SECS + 1)).unwrap_err();
    assert_eq!(late, ScanError::Stale);
    assert_eq!(late.kind(), "stale");
    let early = t.scanner.scan(&mut t.rng, &code.text(), NOW.minus_secs(DEFAULT_FRESHNESS_SECS + 1)).unwrap_err();
    assert_eq!(early, ScanError::FromFuture);
    assert_eq!(early.kind(), "from_future");
    let old = t.alice.check_in_code(&mut t.rng, &t.daily, NOW.minus_secs(HOUR)).unwrap();
    assert_eq!(t.scanner.scan(&mut t.rng, &old.text(), NOW).unwrap_err(), ScanError::Stale);
    assert_eq!(t.server, server_before, "no record was emitted");

    // A rogue scanner (or the server) seals the old code into a well-formed
    // record now: the server's own freshness check refuses it.
    let inner = InnerRecord::Guest(old.qr.clone());
    let venue_key = t.venue.public_key();
    let record =
        CheckInRecord::seal(&mut t.rng, t.venue.venue_id(), &venue_key, &inner, old.trace_id, old.minute).unwrap();
    assert_eq!(t.server.check_in(record.as_bytes(), NOW).unwrap_err().kind(), "stale");
    // A genuine record delivered (or replayed by the server) after the window.
    let scan = t.scanner.scan(&mut t.rng, &code.text(), NOW.plus_secs(30)).unwrap();
    let err = t.server.check_in(scan.record.as_bytes(), NOW.plus_secs(DEFAULT_FRESHNESS_SECS + 1)).unwrap_err();
    assert_eq!(err, ServerError::Freshness(luca_protocol::messages::checkin_record::FreshnessError::Stale));
    assert_eq!(err.kind(), "stale");
    assert_eq!(
        server::check_in_record(
            scan.record.as_bytes(),
            NOW.minus_secs(DEFAULT_FRESHNESS_SECS + 1),
            DEFAULT_FRESHNESS_SECS
        )
        .unwrap_err()
        .kind(),
        "from_future"
    );
    assert_eq!(t.server, server_before, "nothing was stored");

    // Within the window the same record is accepted (the refusals left no trace).
    assert!(t.server.check_in(scan.record.as_bytes(), NOW.plus_secs(DEFAULT_FRESHNESS_SECS)).unwrap());
    assert_eq!(t.server.records.len(), 1);
}

#[test]
fn attack_duplicate_trace_id_in_window() {
    let mut t = Town::new(3);
    let code = t.alice.check_in_code(&mut t.rng, &t.daily, NOW).unwrap();
    let first = t.scan(&code.text(), NOW.plus_secs(5));
    let stored = t.server.clone();

    // A screenshot of the same code, shown again inside the window at the
    // same scanner: refused, nothing emitted.
    let again = t.scanner.scan(&mut t.rng, &code.text(), NOW.plus_secs(60)).unwrap_err();
    assert_eq!(again, ScanError::DuplicateTraceId);
    assert_eq!(again.kind(), "duplicate_trace_id");
    // Still refused at the end of the window (seen trace ids are kept for two windows).
    let last = t.scanner.scan(&mut t.rng, &code.text(), NOW.plus_secs(DEFAULT_FRESHNESS_SECS)).unwrap_err();
    assert_eq!(last, ScanError::DuplicateTraceId);

    // The same screenshot relayed to a second scanner of the venue, and to a
    // scanner of another venue: each has its own memory and emits a record,
    // but the server keeps the first record per trace id.
    let mut second = t.fresh_scanner();
    let relay_same = second.scan(&mut t.rng, &code.text(), NOW.plus_secs(30)).unwrap();
    let mut other = Venue::generate(&mut t.rng);
    let validity = Validity { not_before: NOW.minus_secs(DAY), not_after: NOW.plus_secs(DAY) };
    let descriptor =
        t.registrar.register_venue(other.venue_id(), "Bar Relais", &other.public_key(), None, validity).unwrap();
    other.install_descriptor(descriptor.as_bytes(), &t.registrar_cert, NOW).unwrap();
    let mut other_scanner = other.scanner();
    other_scanner.add_daily_key(t.daily.clone());
    let relay_other = other_scanner.scan(&mut t.rng, &code.text(), NOW.plus_secs(40)).unwrap();
    assert!(!t.server.check_in(relay_same.record.as_bytes(), NOW.plus_secs(30)).unwrap());
    assert!(!t.server.check_in(relay_other.record.as_bytes(), NOW.plus_secs(40)).unwrap());
    assert_eq!(t.server, stored, "only the first record is kept");
    assert_eq!(t.server.records[&code.trace_id], first.record.to_bytes());
    assert!(t.server.check_ins_of(other.venue_id()).is_empty());

    // Nothing else was remembered: Bob's code still checks in at the first scanner.
    let bob = t.bob.check_in_code(&mut t.rng, &t.daily, NOW.plus_secs(60)).unwrap();
    t.scan(&bob.text(), NOW.plus_secs(70));
    assert_eq!(t.server.records.len(), 2);
}
