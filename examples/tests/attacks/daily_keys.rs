//! Attacks, section 4. daily keys (docs/THREAT-MODEL.md §3).

use super::*;

/// A guest QR for `minute` sealed to `key` under `key_id` — what a modified app sends.
fn forged_code(
    rng: &mut ChaCha20Rng,
    key_id: DailyKeyId,
    key: &EncryptionPublicKey,
    minute: UnixMinute,
) -> GuestCheckInQr {
    let (user_id, data_secret, tracing) =
        (UserId::random(rng), DataSecret::random(rng), DailyTracingSecret::random(rng));
    let trace_id = derive::guest_trace_id(&tracing, &user_id, minute);
    let flags = QrFlags { device_type: DeviceType::Android, entry_policy: 0 };
    GuestCheckInQr::seal(rng, key_id, key, flags, minute, trace_id, &user_id, &data_secret).unwrap()
}

#[test]
fn attack_qr_sealed_to_unknown_daily_key() {
    let mut t = Town::new(4);
    let today = DailyKeyId::for_day(NOW.day());
    let server_before = t.server.clone();
    let check_ins_before = t.alice.check_ins();

    // Sealed to a key nobody announced: tomorrow's id, and an arbitrary one.
    for key_id in [DailyKeyId::for_day(NOW.day().plus_days(1)), DailyKeyId(today.0 ^ 0x5a5a)] {
        let key = DailyPrivateKey::generate(&mut t.rng).public_key();
        let qr = forged_code(&mut t.rng, key_id, &key, NOW.minute());
        let err = t.scanner.scan(&mut t.rng, &qr.to_base32(), NOW).unwrap_err();
        assert_eq!(err, ScanError::UnknownDailyKey);
        assert_eq!(err.kind(), "unknown_daily_key");
        // Had it reached a health office, no office holds a key with that id.
        let inner = InnerRecord::Guest(qr);
        assert_eq!(t.office_a.open_inner_record(&inner).unwrap_err(), TracingError::UnknownDailyKey);
        assert_eq!(t.office_b.open_inner_record(&inner).unwrap_err().kind(), "unknown_daily_key");
    }

    // Sealed to a badge key under its id: a scanner ignores badge-key
    // announcements, and the guest app refuses them as daily keys.
    let badge = t.office_a.rotate_badge_key(&mut t.rng, BadgeKeyId(today.0), NOW, &[]).unwrap().announcement;
    let qr = forged_code(&mut t.rng, today, &badge.public_key(), NOW.minute());
    let mut scanner = t.venue.scanner();
    scanner.add_daily_key(badge.clone());
    assert_eq!(scanner.scan(&mut t.rng, &qr.to_base32(), NOW).unwrap_err(), ScanError::UnknownDailyKey);
    let err = t.alice.check_in_code(&mut t.rng, &badge, NOW).unwrap_err();
    assert_eq!(err, ClientError::DailyKeyNotValid);
    assert_eq!(err.kind(), "daily_key_not_valid");

    // Nothing was emitted, stored or remembered; a genuine code still checks in.
    assert_eq!(t.server, server_before);
    assert_eq!(t.alice.check_ins(), check_ins_before);
    let code = t.alice.check_in_code(&mut t.rng, &t.daily, NOW).unwrap();
    t.scan(&code.text(), NOW);
}

#[test]
fn attack_qr_sealed_to_expired_daily_key() {
    let mut t = Town::new(5);
    // Office A's daily key of eight days ago: its use period ended yesterday.
    let week_ago = NOW.minus_secs(8 * DAY);
    let old = t.office_a.rotate_daily_key(&mut t.rng, week_ago, &[]).unwrap().announcement;
    assert!(old.validity().not_after <= NOW);
    let server_before = t.server.clone();

    // Neither the app nor the scanner's operator can verify it for use now.
    let err = DailyKeyAnnouncementIn::from_slice(old.as_bytes()).unwrap().verify(&t.cert_a, NOW).unwrap_err();
    assert_eq!(err, VerifyError::Expired);
    assert_eq!(server::daily_key_announcement(old.as_bytes(), &t.cert_a, NOW).unwrap_err().kind(), "expired");
    // The guest app refuses to seal to it (even if handed the verified object).
    let before = t.alice.check_ins();
    assert_eq!(t.alice.check_in_code(&mut t.rng, &old, NOW).unwrap_err(), ClientError::DailyKeyNotValid);
    assert_eq!(t.alice.share_history(&mut t.rng, &old, NOW).unwrap_err().kind(), "daily_key_not_valid");
    assert_eq!(t.alice.check_ins(), before);

    // A scanner that still holds it (added a week ago) refuses codes sealed
    // to it now: the key id is known but the key is not valid now.
    t.scanner.add_daily_key(old.clone());
    let qr = forged_code(&mut t.rng, old.daily_key_id().unwrap(), &old.public_key(), NOW.minute());
    let err = t.scanner.scan(&mut t.rng, &qr.to_base32(), NOW).unwrap_err();
    assert_eq!(err, ScanError::UnknownDailyKey);
    assert_eq!(err.kind(), "unknown_daily_key");
    t.scanner.purge(NOW);
    assert_eq!(t.scanner.scan(&mut t.rng, &qr.to_base32(), NOW).unwrap_err(), ScanError::UnknownDailyKey);
    assert_eq!(t.server, server_before);

    // Today's genuine codes are unaffected.
    let code = t.alice.check_in_code(&mut t.rng, &t.daily, NOW).unwrap();
    t.scan(&code.text(), NOW);
}

#[test]
fn attack_qr_sealed_to_unsigned_daily_key() {
    let mut t = Town::new(6);
    let today = NOW.day();
    let server_before = t.server.clone();
    let b_keys_before = t.office_b.daily_keys().count();

    // The server substitutes its own key in today's announcement, claiming
    // office A issued it: signed by an uncertified key, …
    let rogue = HealthOfficeMasterKeys::generate(&mut t.rng);
    let rogue_daily = DailyPrivateKey::generate(&mut t.rng);
    let period = Validity { not_before: today.start(), not_after: today.plus_days(1).start() };
    let forged = DailyKeyAnnouncement::issue(
        &rogue.signing,
        t.cert_a.id(),
        KeyPurpose::Daily,
        DailyKeyId::for_day(today).0,
        &rogue_daily.public_key(),
        period,
        today.plus_days(28).start(),
    )
    .unwrap();
    // … or office A's genuine announcement with the public key swapped (not covered by A's signature).
    let swapped = splice(t.daily.as_bytes(), &t.daily.public_key().to_bytes(), &rogue_daily.public_key().to_bytes());
    for bytes in [forged.as_bytes(), swapped.as_slice()] {
        let err = DailyKeyAnnouncementIn::from_slice(bytes).unwrap().verify(&t.cert_a, NOW).unwrap_err();
        assert_eq!(err, VerifyError::BadSignature);
        let err = t.server.announcement(bytes, &t.cert_a, NOW).unwrap_err();
        assert_eq!(err, ServerError::Verify(VerifyError::BadSignature));
        assert_eq!(err.kind(), "bad_signature");
        // Office B does not take the key even with a share that opens.
        let share =
            KeyShare::seal_daily(&mut t.rng, DailyKeyId::for_day(today), t.cert_a.id(), &t.cert_b, &rogue_daily)
                .unwrap();
        let err = t.office_b.import_key_share(share.as_bytes(), bytes, &t.cert_a, NOW).unwrap_err();
        assert_eq!(err, KeyError::Verify(VerifyError::BadSignature));
    }
    // Signed as another office that the app then checks against A's certificate.
    let own_id = DailyKeyAnnouncement::issue(
        &rogue.signing,
        HealthOfficeId::random(&mut t.rng),
        KeyPurpose::Daily,
        DailyKeyId::for_day(today).0,
        &rogue_daily.public_key(),
        period,
        today.plus_days(28).start(),
    )
    .unwrap();
    assert_eq!(t.server.announcement(own_id.as_bytes(), &t.cert_a, NOW).unwrap_err().kind(), "wrong_issuer");
    assert_eq!(t.server, server_before);
    assert_eq!(t.office_b.daily_keys().count(), b_keys_before);

    // Without a verified announcement the app has nothing to seal to. A
    // modified app that seals to the rogue key under an id nobody announced
    // is refused by the scanner.
    let unannounced = DailyKeyId(DailyKeyId::for_day(today).0.wrapping_add(7));
    let qr = forged_code(&mut t.rng, unannounced, &rogue_daily.public_key(), NOW.minute());
    assert_eq!(t.scanner.scan(&mut t.rng, &qr.to_base32(), NOW).unwrap_err().kind(), "unknown_daily_key");
    // Under today's id the scanner cannot see which key the inner layer is
    // sealed to (HPKE hides the recipient): it emits a record, but no health
    // office can open it — the guest's own check-in is lost, nothing leaks to
    // an office, and only whoever holds the rogue key could read it if it ever
    // obtained the inner record (the outer layer is the venue's).
    let qr = forged_code(&mut t.rng, DailyKeyId::for_day(today), &rogue_daily.public_key(), NOW.minute());
    let scan = t.scanner.scan(&mut t.rng, &qr.to_base32(), NOW).unwrap();
    let inner = t.venue.open_record(&CheckInRecordIn::from(scan.record)).unwrap();
    assert_eq!(t.office_a.open_inner_record(&inner).unwrap_err(), TracingError::Open(OpenError::DecryptionFailed));
    assert_eq!(t.office_b.open_inner_record(&inner).unwrap_err().kind(), "decryption_failed");
}
