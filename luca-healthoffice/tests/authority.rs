//! Trust anchor and registrar: certificates, venue registration, badge issuance.

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
use luca_authority::{AuthorityError, Registrar, RegistrarRequest, TrustAnchor};
use luca_protocol::error::{DecodeError, VerifyError};
use luca_protocol::ids::{BadgeKeyId, VenueId};
use luca_protocol::keys::VenuePrivateKey;
use luca_protocol::messages::checkin_record::InnerRecord;
use luca_protocol::qr::badge::BadgeQr;
use luca_protocol::qr::scanned::ScannedQr;
use luca_protocol::signed::badge_attestation::BadgeAttestationIn;
use luca_protocol::signed::health_office_certificate::HealthOfficeCertificateIn;
use luca_protocol::signed::registrar_certificate::{RegistrarCertificate, RegistrarCertificateIn};
use luca_protocol::signed::venue_descriptor::{VenueDescriptorIn, VenueKind};
use luca_protocol::time::{UnixTime, Validity};

fn certified_registrar(anchor: &TrustAnchor, rng: &mut rand_chacha::ChaCha20Rng) -> (Registrar, RegistrarCertificate) {
    let mut registrar = Registrar::generate(rng);
    let cert = anchor.certify_registrar(&registrar.registration_request("Venue registrar").unwrap(), year()).unwrap();
    registrar.install_certificate(cert.as_bytes(), &anchor.public_key(), NOW).unwrap();
    (registrar, cert)
}

#[test]
fn trust_anchor_certifies_health_offices() {
    let w = world(50, 1);
    let request = w.offices[0].certificate_request("Gesundheitsamt Köln").unwrap();
    let cert = w.anchor.certify_health_office(&request, year()).unwrap();
    let verified =
        HealthOfficeCertificateIn::from_slice(cert.as_bytes()).unwrap().verify(&w.anchor.public_key(), NOW).unwrap();
    assert_eq!(verified.id(), request.id);
    assert_eq!(verified.name(), "Gesundheitsamt Köln");
    assert_eq!(verified.signing_key(), request.signing_key);
    assert_eq!(verified.encryption_key(), request.encryption_key);
    assert_eq!(verified.validity(), year());

    let empty = Validity { not_before: NOW, not_after: NOW };
    let e = w.anchor.certify_health_office(&request, empty).unwrap_err();
    assert_eq!(e, AuthorityError::Invalid(DecodeError::InvalidField { field: "validity" }));
    assert_eq!(e.kind(), "invalid_field");
    let mut bad = request;
    bad.name = "Amt\u{7}".into();
    assert_eq!(w.anchor.certify_health_office(&bad, year()).unwrap_err().kind(), "invalid_field");
}

#[test]
fn registrar_certification() {
    let mut rng = rng(51);
    let anchor = TrustAnchor::generate(&mut rng);
    let mut registrar = Registrar::generate(&mut rng);
    let request = registrar.registration_request("Venue registrar").unwrap();
    assert_eq!(
        request,
        RegistrarRequest { id: registrar.id(), name: "Venue registrar".into(), signing_key: registrar.public_key() }
    );
    assert_eq!(registrar.registration_request("").unwrap_err().kind(), "invalid_field");

    let cert = anchor.certify_registrar(&request, year()).unwrap();
    let verified =
        RegistrarCertificateIn::from_slice(cert.as_bytes()).unwrap().verify(&anchor.public_key(), NOW).unwrap();
    assert_eq!(
        (verified.id(), verified.name(), verified.signing_key()),
        (request.id, "Venue registrar", request.signing_key)
    );

    // Rejections: another anchor, expired, another registrar's certificate.
    let other_anchor = TrustAnchor::generate(&mut rng);
    let e = registrar.install_certificate(cert.as_bytes(), &other_anchor.public_key(), NOW).unwrap_err();
    assert_eq!(e, AuthorityError::Verify(VerifyError::BadSignature));
    let e = registrar.install_certificate(cert.as_bytes(), &anchor.public_key(), year().not_after).unwrap_err();
    assert_eq!(e, AuthorityError::Verify(VerifyError::Expired));
    let other = Registrar::generate(&mut rng);
    let others = anchor.certify_registrar(&other.registration_request("Other").unwrap(), year()).unwrap();
    let e = registrar.install_certificate(others.as_bytes(), &anchor.public_key(), NOW).unwrap_err();
    assert_eq!(e, AuthorityError::CertificateMismatch);
    assert_eq!(e.kind(), "certificate_mismatch");
    assert!(matches!(
        registrar.install_certificate(&[1, 2], &anchor.public_key(), NOW),
        Err(AuthorityError::Invalid(_))
    ));
    assert!(registrar.certificate().is_none());

    assert_eq!(registrar.install_certificate(cert.as_bytes(), &anchor.public_key(), NOW).unwrap(), &cert);
    let cert2 = other_anchor.certify_registrar(&request, year()).unwrap();
    let e = registrar.install_certificate(cert2.as_bytes(), &other_anchor.public_key(), NOW).unwrap_err();
    assert_eq!(e, AuthorityError::AnchorMismatch);
    assert_eq!(registrar.certificate(), Some(&cert));
}

#[test]
fn register_venue() {
    let mut rng = rng(52);
    let anchor = TrustAnchor::generate(&mut rng);
    let venue_id = VenueId::random(&mut rng);
    let venue_key = VenuePrivateKey::generate(&mut rng).public_key();
    let validity = Validity { not_before: NOW, not_after: NOW.plus_secs(90 * DAY) };

    let uncertified = Registrar::generate(&mut rng);
    let e = uncertified.register_venue(venue_id, "Café Hostile", &venue_key, Some(20), validity).unwrap_err();
    assert_eq!(e, AuthorityError::NotCertified);
    assert_eq!(e.kind(), "not_certified");

    let (registrar, cert) = certified_registrar(&anchor, &mut rng);
    let descriptor = registrar.register_venue(venue_id, "Café Hostile", &venue_key, Some(20), validity).unwrap();
    // A guest app verifies it with the registrar certificate.
    let verified = VenueDescriptorIn::from_slice(descriptor.as_bytes()).unwrap().verify(&cert, NOW).unwrap();
    assert_eq!(verified.kind(), VenueKind::Venue);
    assert_eq!(verified.venue_id(), venue_id);
    assert_eq!(verified.name(), "Café Hostile");
    assert_eq!(verified.venue_key(), venue_key);
    assert_eq!(verified.table_count(), Some(20));
    assert_eq!(verified.validity(), validity);
    assert_eq!(verified.registrar_id(), Some(registrar.id()));

    let beyond = Validity { not_before: NOW, not_after: year().not_after.plus_secs(1) };
    let e = registrar.register_venue(venue_id, "Café", &venue_key, None, beyond).unwrap_err();
    assert_eq!(e, AuthorityError::OutsideCertificate);
    assert_eq!(e.kind(), "outside_certificate");
    for tables in [Some(0), Some(1001)] {
        let e = registrar.register_venue(venue_id, "Café", &venue_key, tables, validity).unwrap_err();
        assert_eq!(e, AuthorityError::Invalid(DecodeError::InvalidField { field: "table_count" }));
    }
    let e = registrar.register_venue(venue_id, "", &venue_key, None, validity).unwrap_err();
    assert_eq!(e, AuthorityError::Invalid(DecodeError::InvalidField { field: "name" }));
}

#[test]
fn issue_badge() {
    let mut w = world(53, 1);
    let badge_key = w.offices[0].rotate_badge_key(&mut w.rng, BadgeKeyId(4), NOW, &[]).unwrap().announcement;
    let (registrar, cert) = certified_registrar(&w.anchor, &mut w.rng);
    let badge = registrar.issue_badge(&mut w.rng, &badge_key, NOW).unwrap();

    assert_eq!(badge.serial.to_printed().len(), 14);
    // The printed QR is what a scanner reads.
    let ScannedQr::Badge(scanned) = ScannedQr::from_text(&badge.qr.to_base32()).unwrap() else { panic!() };
    assert_eq!(scanned, badge.qr);
    let att = scanned.into_attestation().verify(&cert, NOW).unwrap();
    assert_eq!(att.badge_key_id(), BadgeKeyId(4));
    assert_eq!(att.issued_at(), NOW);
    assert_eq!(att.registrar_id(), registrar.id());
    // Only a health office holding the badge key learns the user id.
    let inner = InnerRecord::Badge(BadgeAttestationIn::from_slice(att.as_bytes()).unwrap());
    assert_eq!(w.offices[0].open_inner_record(&inner).unwrap().user_id, badge.user_id);
    // Debug never shows the serial, nor the user id (personal data).
    let dbg = format!("{badge:?}");
    assert!(dbg.contains("BadgeSerial(<redacted>)") && dbg.contains("UserId(<redacted>)"), "{dbg}");
    assert!(!dbg.contains(&badge.user_id.to_string()), "{dbg}");
    assert_eq!(BadgeQr::from_bytes(badge.qr.as_bytes()).unwrap(), badge.qr);
}

#[test]
fn issue_badge_rejections() {
    let mut w = world(54, 1);
    let badge_key = w.offices[0].rotate_badge_key(&mut w.rng, BadgeKeyId(4), NOW, &[]).unwrap().announcement;
    let daily_key = w.offices[0].rotate_daily_key(&mut w.rng, NOW, &[]).unwrap().announcement;

    let uncertified = Registrar::generate(&mut w.rng);
    assert_eq!(uncertified.issue_badge(&mut w.rng, &badge_key, NOW).unwrap_err(), AuthorityError::NotCertified);

    let (registrar, _) = certified_registrar(&w.anchor, &mut w.rng);
    let e = registrar.issue_badge(&mut w.rng, &daily_key, NOW).unwrap_err();
    assert_eq!(e, AuthorityError::WrongKeyPurpose);
    assert_eq!(e.kind(), "wrong_key_purpose");
    let e = registrar.issue_badge(&mut w.rng, &badge_key, UnixTime(NOW.0 - 1)).unwrap_err();
    assert_eq!(e, AuthorityError::KeyNotInUse);
    assert_eq!(e.kind(), "key_not_in_use");
    let e = registrar.issue_badge(&mut w.rng, &badge_key, year().not_after).unwrap_err();
    assert_eq!(e, AuthorityError::Verify(VerifyError::Expired));
}
