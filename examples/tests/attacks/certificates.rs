//! Attacks, section 5. certificates of health offices (docs/THREAT-MODEL.md §3).

use super::*;

#[test]
fn attack_daily_key_from_uncertified_office() {
    let mut t = Town::new(7);
    let server_before = t.server.clone();
    let (a_daily, a_badge) = (t.office_a.daily_keys().count(), t.office_a.badge_keys().count());

    // Office C is certified by a trust anchor of its own making.
    let rogue_anchor = TrustAnchor::generate(&mut t.rng);
    let (mut office_c, cert_c) = certified_office(&mut t.rng, &rogue_anchor, "Gesundheitsamt Nirgendwo");
    let rotation = office_c.rotate_daily_key(&mut t.rng, NOW, &[]).unwrap();

    // Apps, scanners and the server verify C's certificate against the pinned anchor.
    let err = HealthOfficeCertificateIn::from_slice(cert_c.as_bytes())
        .unwrap()
        .verify(&t.anchor.public_key(), NOW)
        .unwrap_err();
    assert_eq!(err, VerifyError::BadSignature);
    // C's announcement does not verify as A's (nor as B's).
    for cert in [&t.cert_a, &t.cert_b] {
        let err = t.server.announcement(rotation.announcement.as_bytes(), cert, NOW).unwrap_err();
        assert_eq!(err, ServerError::Verify(VerifyError::WrongIssuer));
        assert_eq!(err.kind(), "wrong_issuer");
    }

    // A share sealed to office A of a key announced by an office of that
    // anchor: A re-verifies the issuer's certificate under its own anchor.
    let (rogue, request) = office_keys(&mut t.rng, "Gesundheitsamt Nirgendwo");
    let rogue_cert = rogue_anchor.certify_health_office(&request, certified()).unwrap();
    let rogue_daily = DailyPrivateKey::generate(&mut t.rng);
    let today = NOW.day();
    let announcement = DailyKeyAnnouncement::issue(
        &rogue.signing,
        request.id,
        KeyPurpose::Daily,
        DailyKeyId::for_day(today).0,
        &rogue_daily.public_key(),
        Validity { not_before: today.start(), not_after: today.plus_days(1).start() },
        today.plus_days(28).start(),
    )
    .unwrap();
    let share =
        KeyShare::seal_daily(&mut t.rng, DailyKeyId::for_day(today), request.id, &t.cert_a, &rogue_daily).unwrap();
    let err = t.office_a.import_key_share(share.as_bytes(), announcement.as_bytes(), &rogue_cert, NOW).unwrap_err();
    assert_eq!(err, KeyError::UntrustedCertificate);
    assert_eq!(err.kind(), "untrusted_certificate");

    // Nor does A share its own keys with C.
    let err = t.office_a.rotate_badge_key(&mut t.rng, BadgeKeyId(9), NOW, std::slice::from_ref(&cert_c)).unwrap_err();
    assert_eq!(err, KeyError::UntrustedCertificate);
    // An office without any certificate cannot even rotate.
    let mut uncertified = HealthOffice::generate(&mut t.rng);
    assert_eq!(uncertified.rotate_daily_key(&mut t.rng, NOW, &[]).unwrap_err().kind(), "not_certified");

    assert_eq!(t.server, server_before);
    assert_eq!((t.office_a.daily_keys().count(), t.office_a.badge_keys().count()), (a_daily, a_badge));
}

#[test]
fn attack_daily_key_from_expired_office() {
    let mut t = Town::new(8);
    let server_before = t.server.clone();
    let a_daily = t.office_a.daily_keys().count();
    let today = NOW.day();
    let period = Validity { not_before: today.start(), not_after: today.plus_days(1).start() };

    // Office D's certificate ended ten days ago; D still signs today's key.
    let (keys_d, request) = office_keys(&mut t.rng, "Gesundheitsamt Gestern");
    let expired = Validity { not_before: NOW.minus_secs(60 * DAY), not_after: NOW.minus_secs(10 * DAY) };
    let cert_d = t.anchor.certify_health_office(&request, expired).unwrap();
    let daily_d = DailyPrivateKey::generate(&mut t.rng);
    let announcement = DailyKeyAnnouncement::issue(
        &keys_d.signing,
        request.id,
        KeyPurpose::Daily,
        DailyKeyId::for_day(today).0,
        &daily_d.public_key(),
        period,
        today.plus_days(28).start(),
    )
    .unwrap();
    // The certificate does not verify now …
    let err = HealthOfficeCertificateIn::from_slice(cert_d.as_bytes())
        .unwrap()
        .verify(&t.anchor.public_key(), NOW)
        .unwrap_err();
    assert_eq!(err, VerifyError::Expired);
    // … and a copy verified while it was valid does not carry the announcement.
    let stale = HealthOfficeCertificateIn::from_slice(cert_d.as_bytes())
        .unwrap()
        .verify(&t.anchor.public_key(), NOW.minus_secs(20 * DAY))
        .unwrap();
    let err = DailyKeyAnnouncementIn::from_slice(announcement.as_bytes()).unwrap().verify(&stale, NOW).unwrap_err();
    assert_eq!(err, VerifyError::Expired);
    assert_eq!(t.server.announcement(announcement.as_bytes(), &stale, NOW).unwrap_err().kind(), "expired");
    let share = KeyShare::seal_daily(&mut t.rng, DailyKeyId::for_day(today), request.id, &t.cert_a, &daily_d).unwrap();
    let err = t.office_a.import_key_share(share.as_bytes(), announcement.as_bytes(), &stale, NOW).unwrap_err();
    assert_eq!(err, KeyError::UntrustedCertificate);

    // An office whose certificate is not yet valid, likewise.
    let (_, request_e) = office_keys(&mut t.rng, "Gesundheitsamt Morgen");
    let future = Validity { not_before: NOW.plus_secs(10 * DAY), not_after: NOW.plus_secs(400 * DAY) };
    let cert_e = t.anchor.certify_health_office(&request_e, future).unwrap();
    let err = HealthOfficeCertificateIn::from_slice(cert_e.as_bytes())
        .unwrap()
        .verify(&t.anchor.public_key(), NOW)
        .unwrap_err();
    assert_eq!(err.kind(), "not_yet_valid");

    // An office about to expire cannot announce a key beyond its certificate.
    let (keys_f, request_f) = office_keys(&mut t.rng, "Gesundheitsamt Bald");
    let ending = Validity { not_before: NOW.minus_secs(30 * DAY), not_after: NOW.plus_secs(HOUR) };
    let cert_f = t.anchor.certify_health_office(&request_f, ending).unwrap();
    let beyond = DailyKeyAnnouncement::issue(
        &keys_f.signing,
        request_f.id,
        KeyPurpose::Daily,
        DailyKeyId::for_day(today).0,
        &DailyPrivateKey::generate(&mut t.rng).public_key(),
        period,
        today.plus_days(28).start(),
    )
    .unwrap();
    let err = t.server.announcement(beyond.as_bytes(), &cert_f, NOW).unwrap_err();
    assert_eq!(err, ServerError::Verify(VerifyError::InvalidValidity));

    // A health office with an expired certificate cannot rotate; others do
    // not share their keys with it.
    let mut office_g = HealthOffice::generate(&mut t.rng);
    let short = Validity { not_before: NOW.minus_secs(30 * DAY), not_after: NOW.minus_secs(DAY) };
    let cert_g = t.anchor.certify_health_office(&office_g.certificate_request("Gesundheitsamt Alt").unwrap(), short);
    let cert_g = office_g
        .install_certificate(cert_g.unwrap().as_bytes(), &t.anchor.public_key(), NOW.minus_secs(2 * DAY))
        .unwrap()
        .clone();
    let err = office_g.rotate_daily_key(&mut t.rng, NOW, &[]).unwrap_err();
    assert_eq!(err, KeyError::Verify(VerifyError::Expired));
    let rotation =
        t.office_a.rotate_badge_key(&mut t.rng, BadgeKeyId(3), NOW, &[cert_g, stale, t.cert_b.clone()]).unwrap();
    let recipients: Vec<HealthOfficeId> = rotation.shares.iter().map(KeyShare::recipient).collect();
    assert_eq!(recipients, [t.cert_b.id()], "expired offices receive no share");

    assert_eq!(t.server, server_before);
    assert_eq!(t.office_a.daily_keys().count(), a_daily);
}
