//! Onboarding, certificates, daily and badge key rotation, key shares, erasure.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::arithmetic_side_effects,
    missing_docs
)]

mod common;

use common::*;
use luca_authority::TrustAnchor;
use luca_healthoffice::{HealthOffice, ImportedKey, KeyError, PurgeReport, TracingError};
use luca_protocol::error::{DecodeError, OpenError, VerifyError};
use luca_protocol::ids::{BadgeKeyId, DailyKeyId};
use luca_protocol::keys::{BadgePrivateKey, DailyPrivateKey};
use luca_protocol::messages::checkin_record::InnerRecord;
use luca_protocol::messages::key_share::KeyShare;
use luca_protocol::signed::daily_key_announcement::{DailyKeyAnnouncement, DailyKeyAnnouncementIn, KeyPurpose};
use luca_protocol::time::{UnixTime, Validity};

#[test]
fn certificate_request_names_the_office() {
    let mut rng = rng(1);
    let office = HealthOffice::generate(&mut rng);
    let request = office.certificate_request("Gesundheitsamt Köln").unwrap();
    assert_eq!(request.id, office.id());
    assert_eq!(request.name, "Gesundheitsamt Köln");
    assert_eq!(request.signing_key, office.signing_public_key());
    assert_eq!(request.encryption_key, office.encryption_public_key());
}

#[test]
fn certificate_request_rejects_bad_names() {
    let mut rng = rng(2);
    let office = HealthOffice::generate(&mut rng);
    for name in ["", "Amt\nKöln", &"x".repeat(129)] {
        let e = office.certificate_request(name).unwrap_err();
        assert_eq!(e, KeyError::Decode(DecodeError::InvalidField { field: "name" }));
        assert_eq!(e.kind(), "invalid_field");
    }
}

#[test]
fn install_certificate() {
    let mut rng = rng(3);
    let anchor = TrustAnchor::generate(&mut rng);
    let mut office = HealthOffice::generate(&mut rng);
    assert!(office.certificate().is_none());
    let cert = certify(&anchor, &office, "Gesundheitsamt Köln", year());
    let installed = office.install_certificate(cert.as_bytes(), &anchor.public_key(), NOW).unwrap();
    assert_eq!(installed, &cert);
    assert_eq!(installed.name(), "Gesundheitsamt Köln");
    assert_eq!(office.certificate(), Some(&cert));
    assert_eq!(office.trust_anchor(), Some(anchor.public_key()));
}

#[test]
fn install_certificate_rejections() {
    let mut rng = rng(4);
    let anchor = TrustAnchor::generate(&mut rng);
    let other_anchor = TrustAnchor::generate(&mut rng);
    let mut office = HealthOffice::generate(&mut rng);
    let other = HealthOffice::generate(&mut rng);
    let cert = certify(&anchor, &office, "Amt", year());

    let e = office.install_certificate(&[], &anchor.public_key(), NOW).unwrap_err();
    assert!(matches!(e, KeyError::Decode(_)), "{e:?}");

    let e = office.install_certificate(cert.as_bytes(), &other_anchor.public_key(), NOW).unwrap_err();
    assert_eq!(e, KeyError::Verify(VerifyError::BadSignature));

    let e = office.install_certificate(cert.as_bytes(), &anchor.public_key(), year().not_after).unwrap_err();
    assert_eq!(e, KeyError::Verify(VerifyError::Expired));
    assert_eq!(e.kind(), "expired");

    let e = office.install_certificate(cert.as_bytes(), &anchor.public_key(), NOW.minus_secs(2 * DAY)).unwrap_err();
    assert_eq!(e, KeyError::Verify(VerifyError::NotYetValid));

    let others = certify(&anchor, &other, "Amt", year());
    let e = office.install_certificate(others.as_bytes(), &anchor.public_key(), NOW).unwrap_err();
    assert_eq!(e, KeyError::CertificateMismatch);
    assert_eq!(e.kind(), "certificate_mismatch");

    // Our id, someone else's keys.
    let mut request = office.certificate_request("Amt").unwrap();
    request.encryption_key = other.encryption_public_key();
    let forged = anchor.certify_health_office(&request, year()).unwrap();
    let e = office.install_certificate(forged.as_bytes(), &anchor.public_key(), NOW).unwrap_err();
    assert_eq!(e, KeyError::CertificateMismatch);
    assert!(office.certificate().is_none());

    // One trust anchor for the office's life.
    office.install_certificate(cert.as_bytes(), &anchor.public_key(), NOW).unwrap();
    let cert2 = certify(&other_anchor, &office, "Amt", year());
    let e = office.install_certificate(cert2.as_bytes(), &other_anchor.public_key(), NOW).unwrap_err();
    assert_eq!(e, KeyError::AnchorMismatch);
    assert_eq!(e.kind(), "anchor_mismatch");
    assert_eq!(office.certificate(), Some(&cert));

    // A renewal under the same anchor replaces the certificate.
    let renewal = certify(&anchor, &office, "Amt neu", year());
    office.install_certificate(renewal.as_bytes(), &anchor.public_key(), NOW).unwrap();
    assert_eq!(office.certificate().unwrap().name(), "Amt neu");
}

#[test]
fn rotate_daily_key_announces_and_shares() {
    let mut w = world(5, 4);
    // Office 3's certificate has expired by NOW: no share for it.
    let expired = {
        let v = Validity { not_before: NOW.minus_secs(10 * DAY), not_after: NOW.minus_secs(DAY) };
        w.anchor.certify_health_office(&w.offices[3].certificate_request("Alt").unwrap(), v).unwrap()
    };
    let offices = vec![w.certs[0].clone(), w.certs[1].clone(), w.certs[2].clone(), w.certs[1].clone(), expired];
    let rotation = w.offices[0].rotate_daily_key(&mut w.rng, NOW, &offices).unwrap();

    let a = &rotation.announcement;
    assert_eq!(a.purpose(), KeyPurpose::Daily);
    assert_eq!(a.daily_key_id(), Some(DailyKeyId::for_day(NOW.day())));
    assert_eq!(a.key_id(), u16::try_from(NOW.day().0 % 65_536).unwrap());
    assert_eq!(a.issuer(), w.offices[0].id());
    assert_eq!(a.validity(), Validity { not_before: DAY_START, not_after: DAY_START.plus_secs(7 * DAY) });
    assert_eq!(a.retain_until(), DAY_START.plus_secs(28 * DAY));
    // Guests and scanners verify it against the issuer's certificate.
    let verified = DailyKeyAnnouncementIn::from_slice(a.as_bytes()).unwrap().verify(&w.certs[0], NOW).unwrap();
    assert_eq!(&verified, a);

    // One share per other valid office, in the order given, each id once, not to itself.
    let recipients: Vec<_> = rotation.shares.iter().map(KeyShare::recipient).collect();
    assert_eq!(recipients, vec![w.offices[1].id(), w.offices[2].id()]);
    for s in &rotation.shares {
        assert_eq!(s.purpose(), KeyPurpose::Daily);
        assert_eq!(s.key_id(), a.key_id());
        assert_eq!(s.issuer(), w.offices[0].id());
    }
    assert_eq!(w.offices[0].daily_keys().collect::<Vec<_>>(), vec![a]);
    assert_eq!(w.offices[0].current_daily_key(NOW), Some(a));
    assert_eq!(w.offices[0].current_daily_key(NOW.plus_secs(DAY)), None);
}

#[test]
fn rotation_is_clipped_to_the_certificate() {
    let mut rng = rng(6);
    let anchor = TrustAnchor::generate(&mut rng);
    let mut office = HealthOffice::generate(&mut rng);
    // Valid from 08:00 today for two days.
    let start = NOW.minus_secs(3600);
    let v = Validity { not_before: start, not_after: start.plus_secs(2 * DAY) };
    let cert = certify(&anchor, &office, "Amt", v);
    office.install_certificate(cert.as_bytes(), &anchor.public_key(), NOW).unwrap();
    let rotation = office.rotate_daily_key(&mut rng, NOW, &[]).unwrap();
    assert_eq!(rotation.announcement.validity(), v);
    assert_eq!(rotation.announcement.retain_until(), DAY_START.plus_secs(28 * DAY));
    DailyKeyAnnouncementIn::from_slice(rotation.announcement.as_bytes()).unwrap().verify(&cert, NOW).unwrap();

    let badge = office.rotate_badge_key(&mut rng, BadgeKeyId(1), NOW, &[]).unwrap();
    assert_eq!(badge.announcement.validity(), Validity { not_before: NOW, not_after: v.not_after });
    assert_eq!(badge.announcement.retain_until(), v.not_after.plus_secs(28 * DAY));
}

#[test]
fn rotate_daily_key_rejections() {
    let mut w = world(7, 2);
    let mut uncertified = HealthOffice::generate(&mut w.rng);
    assert_eq!(uncertified.rotate_daily_key(&mut w.rng, NOW, &[]).unwrap_err(), KeyError::NotCertified);
    assert_eq!(KeyError::NotCertified.kind(), "not_certified");

    let e = w.offices[0].rotate_daily_key(&mut w.rng, year().not_after, &[]).unwrap_err();
    assert_eq!(e, KeyError::Verify(VerifyError::Expired));

    // A recipient certified by another trust anchor: refused, nothing generated.
    let rogue_anchor = TrustAnchor::generate(&mut w.rng);
    let rogue = HealthOffice::generate(&mut w.rng);
    let rogue_cert = certify(&rogue_anchor, &rogue, "Falsches Amt", year());
    let e = w.offices[0].rotate_daily_key(&mut w.rng, NOW, &[w.certs[1].clone(), rogue_cert]).unwrap_err();
    assert_eq!(e, KeyError::UntrustedCertificate);
    assert_eq!(e.kind(), "untrusted_certificate");
    assert_eq!(w.offices[0].daily_keys().count(), 0);

    w.offices[0].rotate_daily_key(&mut w.rng, NOW, &[]).unwrap();
    let e = w.offices[0].rotate_daily_key(&mut w.rng, NOW.plus_secs(3600), &[]).unwrap_err();
    assert_eq!(e, KeyError::KeyAlreadyHeld);
    assert_eq!(e.kind(), "key_already_held");
    // The next day is a new key.
    w.offices[0].rotate_daily_key(&mut w.rng, NOW.plus_secs(DAY), &[]).unwrap();
    assert_eq!(w.offices[0].daily_keys().count(), 2);
}

#[test]
fn rotate_badge_key() {
    let mut w = world(8, 2);
    let certs = w.certs.clone();
    let rotation = w.offices[0].rotate_badge_key(&mut w.rng, BadgeKeyId(7), NOW, &certs).unwrap();
    let a = &rotation.announcement;
    assert_eq!(a.purpose(), KeyPurpose::Badge);
    assert_eq!(a.badge_key_id(), Some(BadgeKeyId(7)));
    assert_eq!(a.validity(), Validity { not_before: NOW, not_after: year().not_after });
    assert_eq!(a.retain_until(), year().not_after.plus_secs(28 * DAY));
    DailyKeyAnnouncementIn::from_slice(a.as_bytes()).unwrap().verify(&w.certs[0], NOW).unwrap();
    assert_eq!(rotation.shares.len(), 1);
    assert_eq!(rotation.shares[0].purpose(), KeyPurpose::Badge);
    assert_eq!(rotation.shares[0].recipient(), w.offices[1].id());
    assert_eq!(w.offices[0].current_badge_key(NOW), Some(a));
    assert_eq!(w.offices[0].badge_keys().count(), 1);

    let e = w.offices[0].rotate_badge_key(&mut w.rng, BadgeKeyId(7), NOW, &[]).unwrap_err();
    assert_eq!(e, KeyError::KeyAlreadyHeld);
    // The newer badge key is the current one.
    let later = NOW.plus_secs(30 * DAY);
    let newer = w.offices[0].rotate_badge_key(&mut w.rng, BadgeKeyId(8), later, &[]).unwrap();
    assert_eq!(w.offices[0].current_badge_key(later), Some(&newer.announcement));
    assert_eq!(w.offices[0].current_badge_key(NOW), Some(a));

    // The other office imports the share.
    let share = rotation.shares[0].to_bytes();
    let imported = w.offices[1].import_key_share(&share, a.as_bytes(), &w.certs[0], NOW).unwrap();
    assert_eq!(imported, ImportedKey { purpose: KeyPurpose::Badge, key_id: 7, already_held: false });
    assert_eq!(w.offices[1].badge_keys().collect::<Vec<_>>(), vec![a]);
}

#[test]
fn import_key_share_opens_the_issuers_check_ins() {
    let mut w = world(9, 3);
    let certs = w.certs.clone();
    let rotation = w.offices[0].rotate_daily_key(&mut w.rng, NOW, &certs).unwrap();
    let a = rotation.announcement.clone();
    let share_for_1 = rotation.shares.iter().find(|s| s.recipient() == w.offices[1].id()).unwrap().to_bytes();

    let guest = TestGuest::new(&mut w.rng, "Erika");
    let qr = guest.qr(&mut w.rng, &a, NOW.minute());
    let inner = InnerRecord::Guest(qr);
    assert_eq!(w.offices[1].open_inner_record(&inner).unwrap_err(), TracingError::UnknownDailyKey);

    let imported = w.offices[1].import_key_share(&share_for_1, a.as_bytes(), &w.certs[0], NOW).unwrap();
    assert_eq!(imported, ImportedKey { purpose: KeyPurpose::Daily, key_id: a.key_id(), already_held: false });
    assert_eq!(w.offices[1].current_daily_key(NOW), Some(&a));
    let secrets = w.offices[1].open_inner_record(&inner).unwrap();
    assert_eq!(secrets.user_id, guest.user_id);
    assert_eq!(secrets.data_secret, guest.data_secret);

    // Idempotent.
    let again = w.offices[1].import_key_share(&share_for_1, a.as_bytes(), &w.certs[0], NOW).unwrap();
    assert!(again.already_held);
    assert_eq!(w.offices[1].daily_keys().count(), 1);

    // Office 2 cannot use office 1's share.
    let e = w.offices[2].import_key_share(&share_for_1, a.as_bytes(), &w.certs[0], NOW).unwrap_err();
    assert_eq!(e, KeyError::Open(OpenError::BindingMismatch { field: "recipient" }));
    assert_eq!(e.kind(), "binding_mismatch");
}

#[test]
fn import_key_share_rejections() {
    let mut w = world(10, 2);
    let raw = raw_office(&mut w.rng, &w.anchor);
    let raw_cert = raw.cert.clone();
    let me = w.offices[0].id();
    let my_cert = w.certs[0].clone();
    let day = NOW.day();
    let key_id = DailyKeyId::for_day(day);
    let validity = Validity { not_before: DAY_START, not_after: DAY_START.plus_secs(DAY) };
    let key = DailyPrivateKey::generate(&mut w.rng);
    let announce = |key: &DailyPrivateKey, purpose: KeyPurpose, id: u16| {
        DailyKeyAnnouncement::issue(
            &raw.keys.signing,
            raw.id,
            purpose,
            id,
            &key.public_key(),
            validity,
            DAY_START.plus_secs(28 * DAY),
        )
        .unwrap()
    };
    let a = announce(&key, KeyPurpose::Daily, key_id.0);
    let good = KeyShare::seal_daily(&mut w.rng, key_id, raw.id, &my_cert, &key).unwrap().to_bytes();
    let office = &mut w.offices[0];

    // An uncertified office has no trust anchor to check the issuer against.
    let mut uncertified = HealthOffice::generate(&mut w.rng);
    assert_eq!(uncertified.import_key_share(&good, a.as_bytes(), &raw_cert, NOW).unwrap_err(), KeyError::NotCertified);

    // The issuer's certificate must chain to this office's anchor.
    let rogue_anchor = TrustAnchor::generate(&mut w.rng);
    let rogue = raw_office(&mut w.rng, &rogue_anchor);
    let e = office.import_key_share(&good, a.as_bytes(), &rogue.cert, NOW).unwrap_err();
    assert_eq!(e, KeyError::UntrustedCertificate);

    // Announcement against another office's certificate.
    let e = office.import_key_share(&good, a.as_bytes(), &my_cert, NOW).unwrap_err();
    assert_eq!(e, KeyError::Verify(VerifyError::WrongIssuer));
    assert_eq!(e.kind(), "wrong_issuer");

    // Past retention.
    let e = office.import_key_share(&good, a.as_bytes(), &raw_cert, DAY_START.plus_secs(28 * DAY)).unwrap_err();
    assert_eq!(e, KeyError::Verify(VerifyError::Expired));

    // Malformed share and announcement.
    let e = office.import_key_share(&good[..good.len() - 1], a.as_bytes(), &raw_cert, NOW).unwrap_err();
    assert!(matches!(e, KeyError::Decode(_)), "{e:?}");
    let e = office.import_key_share(&good, &a.as_bytes()[1..], &raw_cert, NOW).unwrap_err();
    assert!(matches!(e, KeyError::Decode(_)), "{e:?}");

    // The share of another key id, purpose or issuer than the announcement.
    let other_day = KeyShare::seal_daily(&mut w.rng, DailyKeyId(key_id.0 + 1), raw.id, &my_cert, &key).unwrap();
    let e = office.import_key_share(other_day.as_bytes(), a.as_bytes(), &raw_cert, NOW).unwrap_err();
    assert_eq!(e, KeyError::ShareMismatch { field: "key_id" });
    assert_eq!(e.kind(), "share_mismatch");
    let badge_key = BadgePrivateKey::from_slice(key.to_bytes().as_slice()).unwrap();
    let as_badge = KeyShare::seal_badge(&mut w.rng, BadgeKeyId(key_id.0), raw.id, &my_cert, &badge_key).unwrap();
    let e = office.import_key_share(as_badge.as_bytes(), a.as_bytes(), &raw_cert, NOW).unwrap_err();
    assert_eq!(e, KeyError::ShareMismatch { field: "purpose" });
    let other_issuer = KeyShare::seal_daily(&mut w.rng, key_id, me, &my_cert, &key).unwrap();
    let e = office.import_key_share(other_issuer.as_bytes(), a.as_bytes(), &raw_cert, NOW).unwrap_err();
    assert_eq!(e, KeyError::ShareMismatch { field: "issuer" });

    // A share of another private key than the announced one.
    let wrong_key = DailyPrivateKey::generate(&mut w.rng);
    let wrong = KeyShare::seal_daily(&mut w.rng, key_id, raw.id, &my_cert, &wrong_key).unwrap();
    let e = office.import_key_share(wrong.as_bytes(), a.as_bytes(), &raw_cert, NOW).unwrap_err();
    assert_eq!(e, KeyError::Open(OpenError::BindingMismatch { field: "public_key" }));

    // A share addressed to this office's id but sealed to another encryption key.
    let forged_bytes = KeyShare::seal_to(
        &mut w.rng,
        KeyPurpose::Daily,
        key_id.0,
        raw.id,
        me,
        &raw_cert.encryption_key(),
        &key.to_bytes(),
    )
    .unwrap()
    .to_bytes();
    let e = office.import_key_share(&forged_bytes, a.as_bytes(), &raw_cert, NOW).unwrap_err();
    assert_eq!(e, KeyError::Open(OpenError::DecryptionFailed));
    assert_eq!(e.kind(), "decryption_failed");

    assert_eq!(office.daily_keys().count(), 0);
    let ok = office.import_key_share(&good, a.as_bytes(), &raw_cert, NOW).unwrap();
    assert!(!ok.already_held);
}

#[test]
fn two_keys_for_one_day_are_both_kept() {
    // Offices 0 and 1 both rotate the same day (a race); office 1 keeps its own and imports 0's.
    let mut w = world(11, 2);
    let certs = w.certs.clone();
    let r0 = w.offices[0].rotate_daily_key(&mut w.rng, NOW, &certs).unwrap();
    let r1 = w.offices[1].rotate_daily_key(&mut w.rng, NOW, &certs).unwrap();
    let imported =
        w.offices[1].import_key_share(r0.shares[0].as_bytes(), r0.announcement.as_bytes(), &w.certs[0], NOW).unwrap();
    assert!(!imported.already_held);
    assert_eq!(w.offices[1].daily_keys().count(), 2);
    let guest = TestGuest::new(&mut w.rng, "Erika");
    for a in [&r0.announcement, &r1.announcement] {
        let inner = InnerRecord::Guest(guest.qr(&mut w.rng, a, NOW.minute()));
        assert_eq!(w.offices[1].open_inner_record(&inner).unwrap().user_id, guest.user_id);
    }
}

#[test]
fn purge_erases_at_retain_until() {
    let mut w = world(12, 1);
    let daily = w.offices[0].rotate_daily_key(&mut w.rng, NOW, &[]).unwrap().announcement;
    let badge = w.offices[0].rotate_badge_key(&mut w.rng, BadgeKeyId(1), NOW, &[]).unwrap().announcement;
    let guest = TestGuest::new(&mut w.rng, "Erika");
    let inner = InnerRecord::Guest(guest.qr(&mut w.rng, &daily, NOW.minute()));

    let end = daily.retain_until();
    assert_eq!(w.offices[0].purge(UnixTime(end.0 - 1)), PurgeReport::default());
    assert!(w.offices[0].open_inner_record(&inner).is_ok());
    assert_eq!(
        w.offices[0].purge(end),
        PurgeReport { daily_keys_erased: 1, badge_keys_erased: 0, daily_key_shares_erased: 0 }
    );
    assert_eq!(w.offices[0].daily_keys().count(), 0);
    assert_eq!(w.offices[0].open_inner_record(&inner).unwrap_err(), TracingError::UnknownDailyKey);
    assert_eq!(
        w.offices[0].open_history_share(&guest.history(&mut w.rng, &daily)).unwrap_err().kind(),
        "unknown_daily_key"
    );

    assert_eq!(
        w.offices[0].purge(badge.retain_until()),
        PurgeReport { daily_keys_erased: 0, badge_keys_erased: 1, daily_key_shares_erased: 0 }
    );
    assert_eq!(w.offices[0].badge_keys().count(), 0);
}

#[test]
fn debug_output_holds_no_secret() {
    let w = world(13, 1);
    let text = format!("{:?}", w.offices[0]);
    assert_eq!(
        text,
        format!(
            "HealthOffice {{ id: {:?}, certified: true, daily_keys: 0, badge_keys: 0, daily_key_shares: 0, .. }}",
            w.offices[0].id()
        )
    );
    assert!(format!("{:?}", w.anchor).starts_with("TrustAnchor { public_key: SignaturePublicKey("));
}
