//! Scanner check-in: guest QR codes and badges, every rejection path.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::arithmetic_side_effects,
    clippy::cast_possible_truncation,
    unreachable_pub,
    missing_docs
)]

mod common;

use common::{NOW, Office, Registrar, badge_text, base32, guest_code, rng};
use luca_protocol::derive;
use luca_protocol::error::{DecodeError, VerifyError};
use luca_protocol::messages::checkin_record::{CheckInRecordIn, CheckInSource, InnerRecord};
use luca_protocol::qr::badge::BADGE_QR_TYPE_V1;
use luca_protocol::time::Validity;
use luca_venue::{DEFAULT_FRESHNESS_SECS, ScanError, Scanner, Venue};

struct Fx {
    rng: rand_chacha::ChaCha20Rng,
    office: Office,
    registrar: Registrar,
    venue: Venue,
    scanner: Scanner,
}

fn fx(seed: u64) -> Fx {
    let mut rng = rng(seed);
    let office = Office::new(&mut rng);
    let registrar = Registrar::new(&mut rng);
    let venue = Venue::generate(&mut rng);
    let mut scanner = venue.scanner().with_registrar(registrar.cert.clone());
    scanner.add_daily_key(office.announcement.clone());
    Fx { rng, office, registrar, venue, scanner }
}

#[test]
fn guest_scan_emits_a_record_the_venue_opens() {
    let mut f = fx(1);
    let code = guest_code(&mut f.rng, &f.office.daily, NOW.minute());
    assert_eq!(base32(code.qr.as_bytes()), code.qr.to_base32());
    let scan = f.scanner.scan(&mut f.rng, &code.qr.to_base32(), NOW.plus_secs(5)).unwrap();
    assert_eq!(scan.trace_id, code.trace_id);
    assert_eq!(scan.minute, NOW.minute());
    assert_eq!(scan.source, CheckInSource::Guest);
    assert_eq!(scan.record.venue_id(), f.venue.venue_id());
    assert_eq!(scan.record.trace_id(), code.trace_id);
    assert_eq!(scan.record.checkin_minute(), NOW.minute());
    assert_eq!(scan.record.source(), CheckInSource::Guest);
    let record = CheckInRecordIn::from_slice(scan.record.as_bytes()).unwrap();
    assert_eq!(record.check_freshness(NOW.plus_secs(5), 120), Ok(()));
    match f.venue.open_record(&record).unwrap() {
        InnerRecord::Guest(qr) => {
            assert_eq!(qr, code.qr);
            let secrets = qr.open(&f.office.daily).unwrap();
            assert_eq!(secrets.user_id, code.user_id);
            assert_eq!(secrets.data_secret, code.data_secret);
        }
        InnerRecord::Badge(_) => panic!("badge"),
    }
}

#[test]
fn scanner_for_descriptor_seals_to_the_descriptor_key() {
    let mut f = fx(2);
    let d = f.registrar.descriptor(&f.venue, None, common::year());
    let mut scanner = Scanner::for_descriptor(&d);
    assert_eq!(scanner.venue_id(), f.venue.venue_id());
    assert_eq!(scanner.freshness_window(), DEFAULT_FRESHNESS_SECS);
    scanner.add_daily_key(f.office.announcement.clone());
    let code = guest_code(&mut f.rng, &f.office.daily, NOW.minute());
    let scan = scanner.scan(&mut f.rng, &code.qr.to_base32(), NOW).unwrap();
    let record = CheckInRecordIn::from_slice(scan.record.as_bytes()).unwrap();
    assert!(f.venue.open_record(&record).is_ok());
}

#[test]
fn decode_tampered_qr_every_byte() {
    let mut f = fx(3);
    let code = guest_code(&mut f.rng, &f.office.daily, NOW.minute());
    let bytes = code.qr.to_bytes();
    for i in 0..bytes.len() {
        let mut b = bytes;
        b[i] ^= 0x01;
        let err = f.scanner.scan(&mut f.rng, &base32(&b), NOW).unwrap_err();
        let want = if i == 0 { DecodeError::UnsupportedVersion { got: 0 } } else { DecodeError::BadChecksum };
        assert_eq!(err, ScanError::Malformed(want), "byte {i}");
        assert_eq!(err.kind(), if i == 0 { "unsupported_version" } else { "bad_checksum" });
    }
    // Nothing was remembered: the genuine code still checks in.
    assert!(f.scanner.scan(&mut f.rng, &code.qr.to_base32(), NOW).is_ok());
}

#[test]
fn decode_text_errors() {
    let mut f = fx(4);
    let code = guest_code(&mut f.rng, &f.office.daily, NOW.minute());
    let text = code.qr.to_base32();
    let cases = [
        (String::new(), DecodeError::Truncated),
        (text.to_lowercase(), DecodeError::InvalidBase32),
        (format!("{text}="), DecodeError::InvalidBase32),
        (base32(&[0x21, 0, 0]), DecodeError::UnsupportedVersion { got: 0x21 }),
        ("A".repeat(822), DecodeError::TooLong { max: 821, got: 822 }),
        (base32(&code.qr.as_bytes()[..108]), DecodeError::WrongLength { field: "guest_qr", expected: 109, got: 108 }),
        (base32(&[BADGE_QR_TYPE_V1]), DecodeError::Truncated),
    ];
    for (text, want) in cases {
        assert_eq!(f.scanner.scan(&mut f.rng, &text, NOW).unwrap_err(), ScanError::Malformed(want), "{text}");
    }
}

#[test]
fn freshness_window_boundaries() {
    let mut f = fx(5);
    let mut scanner = f.venue.scanner().with_freshness_window(60);
    scanner.add_daily_key(f.office.announcement.clone());
    let m = NOW.plus_secs(600).minute();
    let text = |rng: &mut rand_chacha::ChaCha20Rng| guest_code(rng, &f.office.daily, m).qr.to_base32();
    // |now − minute·60| ≤ 60 is fresh.
    let t = text(&mut f.rng);
    assert_eq!(scanner.scan(&mut f.rng, &t, m.start().plus_secs(61)).unwrap_err(), ScanError::Stale);
    assert_eq!(ScanError::Stale.kind(), "stale");
    assert!(scanner.scan(&mut f.rng, &t, m.start().plus_secs(60)).is_ok());
    let t = text(&mut f.rng);
    assert_eq!(scanner.scan(&mut f.rng, &t, m.start().minus_secs(61)).unwrap_err(), ScanError::FromFuture);
    assert_eq!(ScanError::FromFuture.kind(), "from_future");
    assert!(scanner.scan(&mut f.rng, &t, m.start().minus_secs(60)).is_ok());
    // The default window is 120 s.
    let t = text(&mut f.rng);
    assert_eq!(f.scanner.scan(&mut f.rng, &t, m.start().plus_secs(121)).unwrap_err(), ScanError::Stale);
    assert!(f.scanner.scan(&mut f.rng, &t, m.start().plus_secs(120)).is_ok());
}

#[test]
fn unknown_or_invalid_daily_key() {
    let mut f = fx(6);
    // No daily key at all.
    let mut bare = f.venue.scanner();
    let code = guest_code(&mut f.rng, &f.office.daily, NOW.minute());
    let err = bare.scan(&mut f.rng, &code.qr.to_base32(), NOW).unwrap_err();
    assert_eq!((err.clone(), err.kind()), (ScanError::UnknownDailyKey, "unknown_daily_key"));
    // Nothing was remembered: after adding the key the same code checks in.
    bare.add_daily_key(f.office.announcement.clone());
    assert!(bare.scan(&mut f.rng, &code.qr.to_base32(), NOW).is_ok());
    // A key id of another day (tomorrow's key unknown to the scanner).
    let tomorrow = NOW.day().plus_days(1);
    let (other, _) = Office::daily_key(
        &mut f.rng,
        &f.office.keys,
        f.office.id,
        &f.office.cert,
        Validity { not_before: tomorrow.start(), not_after: tomorrow.plus_days(1).start() },
    );
    let late = tomorrow.start().plus_secs(30);
    let code = guest_code(&mut f.rng, &other, late.minute());
    assert_eq!(f.scanner.scan(&mut f.rng, &code.qr.to_base32(), late).unwrap_err(), ScanError::UnknownDailyKey);
    // Today's key, fresh code, but the key's use period ended at midnight.
    let end = NOW.day().plus_days(1).start();
    let code = guest_code(&mut f.rng, &f.office.daily, end.minus_secs(60).minute());
    assert_eq!(
        f.scanner.scan(&mut f.rng, &code.qr.to_base32(), end.plus_secs(10)).unwrap_err(),
        ScanError::UnknownDailyKey
    );
    assert!(f.scanner.scan(&mut f.rng, &code.qr.to_base32(), end.minus_secs(1)).is_ok());
    // A key announced for today, given with a validity starting later, is not valid yet.
    let code = guest_code(&mut f.rng, &f.office.daily, NOW.minute());
    let mut s = f.venue.scanner();
    let (later_key, later_ann) = Office::daily_key(
        &mut f.rng,
        &f.office.keys,
        f.office.id,
        &f.office.cert,
        Validity { not_before: NOW.plus_secs(3600), not_after: NOW.plus_secs(7200) },
    );
    s.add_daily_key(later_ann);
    let code2 = guest_code(&mut f.rng, &later_key, NOW.minute());
    assert_eq!(s.scan(&mut f.rng, &code2.qr.to_base32(), NOW).unwrap_err(), ScanError::UnknownDailyKey);
    assert_eq!(s.scan(&mut f.rng, &code.qr.to_base32(), NOW).unwrap_err(), ScanError::UnknownDailyKey);
}

#[test]
fn duplicate_trace_id_within_the_window() {
    let mut f = fx(7);
    let code = guest_code(&mut f.rng, &f.office.daily, NOW.minute());
    let text = code.qr.to_base32();
    assert!(f.scanner.scan(&mut f.rng, &text, NOW).is_ok());
    for dt in [0, 1, 60, 120] {
        let err = f.scanner.scan(&mut f.rng, &text, NOW.plus_secs(dt)).unwrap_err();
        assert_eq!((err.clone(), err.kind()), (ScanError::DuplicateTraceId, "duplicate_trace_id"), "{dt}");
    }
    // Once outside the window, the code is stale, not a duplicate.
    assert_eq!(f.scanner.scan(&mut f.rng, &text, NOW.plus_secs(121)).unwrap_err(), ScanError::Stale);
    // A replay first scanned at the earliest fresh moment is still refused at its last fresh moment.
    let m = NOW.plus_secs(1200).minute();
    let code = guest_code(&mut f.rng, &f.office.daily, m);
    let text = code.qr.to_base32();
    assert!(f.scanner.scan(&mut f.rng, &text, m.start().minus_secs(120)).is_ok());
    f.scanner.purge(m.start().plus_secs(120));
    assert_eq!(f.scanner.scan(&mut f.rng, &text, m.start().plus_secs(120)).unwrap_err(), ScanError::DuplicateTraceId);
}

#[test]
fn badge_scan() {
    let mut f = fx(8);
    let (att, secrets, badge_key) = f.registrar.badge(&mut f.rng, NOW.minus_secs(86_400));
    let text = badge_text(&att);
    let now = NOW.plus_secs(17);
    let scan = f.scanner.scan(&mut f.rng, &text, now).unwrap();
    let expected = derive::trace_id(&derive::badge_checkout_proof(&secrets.trace_key, NOW.minute()));
    assert_eq!(scan.trace_id, expected);
    assert_eq!(scan.minute, NOW.minute());
    assert_eq!(scan.source, CheckInSource::Badge);
    assert_eq!(scan.record.source(), CheckInSource::Badge);
    let record = CheckInRecordIn::from_slice(scan.record.as_bytes()).unwrap();
    match f.venue.open_record(&record).unwrap() {
        InnerRecord::Badge(a) => {
            assert_eq!(a.as_bytes(), att.as_bytes());
            let (uid, ds) = a.open_unverified(&badge_key).unwrap();
            assert_eq!(uid, secrets.user_id);
            assert_eq!(ds, secrets.data_secret);
        }
        InnerRecord::Guest(_) => panic!("guest"),
    }
    // The same badge again within the window.
    for dt in [1, 60, 120] {
        let err = f.scanner.scan(&mut f.rng, &text, now.plus_secs(dt)).unwrap_err();
        assert_eq!((err.clone(), err.kind()), (ScanError::DuplicateBadge, "duplicate_badge"));
    }
    // After the window, a new check-in with the trace id of the new minute.
    let later = now.plus_secs(121);
    let scan = f.scanner.scan(&mut f.rng, &text, later).unwrap();
    assert_eq!(scan.trace_id, derive::trace_id(&derive::badge_checkout_proof(&secrets.trace_key, later.minute())));
}

#[test]
fn badge_rejections() {
    let mut f = fx(9);
    let (att, _, _) = f.registrar.badge(&mut f.rng, NOW.minus_secs(60));
    let text = badge_text(&att);
    // No registrar certificate configured.
    let mut bare = f.venue.scanner();
    let err = bare.scan(&mut f.rng, &text, NOW).unwrap_err();
    assert_eq!((err.clone(), err.kind()), (ScanError::NoRegistrar, "no_registrar"));
    // Another registrar's certificate.
    let other = Registrar::new(&mut f.rng);
    bare.set_registrar(other.cert.clone());
    let err = bare.scan(&mut f.rng, &text, NOW).unwrap_err();
    assert_eq!((err.clone(), err.kind()), (ScanError::UntrustedBadge(VerifyError::WrongIssuer), "wrong_issuer"));
    // A badge attestation signed by another key under the right registrar id.
    let forger = Registrar { key: other.key, id: f.registrar.id, cert: other.cert };
    let (forged, _, _) = forger.badge(&mut f.rng, NOW.minus_secs(60));
    assert_eq!(
        f.scanner.scan(&mut f.rng, &badge_text(&forged), NOW).unwrap_err(),
        ScanError::UntrustedBadge(VerifyError::BadSignature)
    );
    // A tampered signature byte.
    let mut raw = luca_protocol::qr::badge::BadgeQr::new(&att).unwrap().to_bytes();
    *raw.last_mut().unwrap() ^= 1;
    assert_eq!(
        f.scanner.scan(&mut f.rng, &base32(&raw), NOW).unwrap_err(),
        ScanError::UntrustedBadge(VerifyError::BadSignature)
    );
    // Issued in the future.
    let (future, _, _) = f.registrar.badge(&mut f.rng, NOW.plus_secs(3600));
    assert_eq!(
        f.scanner.scan(&mut f.rng, &badge_text(&future), NOW).unwrap_err(),
        ScanError::UntrustedBadge(VerifyError::NotYetValid)
    );
    // The registrar certificate has expired.
    let after = common::year().not_after;
    assert_eq!(f.scanner.scan(&mut f.rng, &text, after).unwrap_err(), ScanError::UntrustedBadge(VerifyError::Expired));
    // None of these was remembered.
    assert!(f.scanner.scan(&mut f.rng, &text, NOW).is_ok());
}

#[test]
fn purge_forgets_expired_daily_keys() {
    let mut f = fx(10);
    let end = NOW.day().plus_days(1).start();
    f.scanner.purge(end.minus_secs(1));
    let code = guest_code(&mut f.rng, &f.office.daily, end.minus_secs(60).minute());
    assert!(f.scanner.scan(&mut f.rng, &code.qr.to_base32(), end.minus_secs(30)).is_ok());
    f.scanner.purge(end);
    // Re-adding is needed: a code of the key's last minute, scanned before its end, is now unknown.
    let code = guest_code(&mut f.rng, &f.office.daily, end.minus_secs(60).minute());
    assert_eq!(
        f.scanner.scan(&mut f.rng, &code.qr.to_base32(), end.minus_secs(1)).unwrap_err(),
        ScanError::UnknownDailyKey
    );
}

#[test]
fn badge_key_announcements_are_ignored() {
    let mut f = fx(11);
    use luca_protocol::keys::BadgePrivateKey;
    use luca_protocol::signed::daily_key_announcement::{DailyKeyAnnouncement, DailyKeyAnnouncementIn, KeyPurpose};
    let bk = BadgePrivateKey::generate(&mut f.rng);
    let validity = Validity { not_before: NOW.day().start(), not_after: NOW.day().plus_days(1).start() };
    let ann = DailyKeyAnnouncement::issue(
        &f.office.keys.signing,
        f.office.id,
        KeyPurpose::Badge,
        luca_protocol::ids::DailyKeyId::for_day(NOW.day()).0,
        &bk.public_key(),
        validity,
        validity.not_after,
    )
    .unwrap();
    let ann = DailyKeyAnnouncementIn::from_slice(ann.as_bytes()).unwrap().verify(&f.office.cert, NOW).unwrap();
    let mut s = f.venue.scanner();
    s.add_daily_key(ann);
    let code = guest_code(&mut f.rng, &bk_as_daily(&bk), NOW.minute());
    assert_eq!(s.scan(&mut f.rng, &code.qr.to_base32(), NOW).unwrap_err(), ScanError::UnknownDailyKey);
}

/// The badge key's scalar as a daily key (a QR sealed to a badge key).
fn bk_as_daily(bk: &luca_protocol::keys::BadgePrivateKey) -> luca_protocol::keys::DailyPrivateKey {
    luca_protocol::keys::DailyPrivateKey::from_slice(bk.to_bytes().as_slice()).unwrap()
}
