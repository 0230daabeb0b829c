//! Attacks, section 6. venue descriptors (docs/THREAT-MODEL.md §3).

use super::*;

/// The venue QR payload of the town's printed QR, and its descriptor bytes.
fn printed(t: &Town) -> (Vec<u8>, Vec<u8>) {
    let qr = VenueQr::from_url(&t.venue_url).unwrap();
    (qr.payload().to_vec(), qr.descriptor().to_bytes())
}

#[test]
fn attack_venue_descriptor_not_signed_by_registrar() {
    let mut t = Town::new(9);
    let server_before = t.server.clone();
    let installed = t.venue.descriptor().cloned();
    let validity = Validity { not_before: NOW.minus_secs(DAY), not_after: NOW.plus_secs(DAY) };

    // Someone with a registrar key of its own signs a descriptor for the venue
    // (or for a venue of its own), claiming the real registrar …
    let rogue = RegistrarKey::generate(&mut t.rng);
    let venue_key = t.venue.public_key();
    let claims_registrar = VenueDescriptor::issue_venue(
        &rogue,
        t.registrar.id(),
        t.venue.venue_id(),
        "Café Luca",
        &venue_key,
        None,
        validity,
    )
    .unwrap();
    let url = VenueQr::new(HOST, &claims_registrar, None).unwrap().to_url();
    let err = Guest::scan_venue_qr(&url, &t.registrar_cert, NOW).unwrap_err();
    assert_eq!(err, ClientError::VenueRejected(VerifyError::BadSignature));
    assert_eq!(err.kind(), "bad_signature");
    // … or naming its own registrar id.
    let own_id = RegistrarId::random(&mut t.rng);
    let own = VenueDescriptor::issue_venue(&rogue, own_id, t.venue.venue_id(), "Café Luca", &venue_key, None, validity)
        .unwrap();
    let err = Guest::scan_venue_qr(&VenueQr::new(HOST, &own, None).unwrap().to_url(), &t.registrar_cert, NOW);
    assert_eq!(err.unwrap_err(), ClientError::VenueRejected(VerifyError::WrongIssuer));
    // The genuine descriptor with its signature zeroed.
    let (_, genuine) = printed(&t);
    let mut zeroed = genuine.clone();
    let n = zeroed.len();
    zeroed[n - 64..].fill(0);
    let err = Guest::scan_venue_qr(&descriptor_url(&zeroed), &t.registrar_cert, NOW).unwrap_err();
    assert_eq!(err, ClientError::VenueRejected(VerifyError::BadSignature));

    // A registrar certificate from another trust anchor does not verify
    // against the pinned one, so no app holds it as a verified certificate.
    let rogue_anchor = TrustAnchorKey::generate(&mut t.rng);
    let rogue_cert =
        RegistrarCertificate::issue(&rogue_anchor, own_id, "Registrar", &rogue.public_key(), certified()).unwrap();
    let err = RegistrarCertificateIn::from_slice(rogue_cert.as_bytes())
        .unwrap()
        .verify(&t.anchor.public_key(), NOW)
        .unwrap_err();
    assert_eq!(err, VerifyError::BadSignature);
    let mut scanner_registrar = Registrar::generate(&mut t.rng);
    let err = scanner_registrar.install_certificate(rogue_cert.as_bytes(), &t.anchor.public_key(), NOW).unwrap_err();
    assert_eq!(err.kind(), "bad_signature");

    // The venue owner's software refuses it too, and keeps its descriptor.
    for forged in [claims_registrar.as_bytes(), zeroed.as_slice()] {
        let err = t.venue.install_descriptor(forged, &t.registrar_cert, NOW).unwrap_err();
        assert_eq!(err, VenueError::UntrustedDescriptor(VerifyError::BadSignature));
        assert_eq!(err.kind(), "bad_signature");
    }
    assert_eq!(t.venue.descriptor().cloned(), installed);
    // Nothing was checked in or sent.
    assert!(t.alice.check_ins().is_empty());
    assert_eq!(t.server, server_before);
}

#[test]
fn attack_private_meeting_confusion() {
    let mut t = Town::new(10);
    let (payload, genuine) = printed(&t);
    let parts = parse_cose(&genuine);
    assert_eq!(parts.protected, protected_header(labels::COSE_VENUE_DESCRIPTOR));
    // The payload is [1, kind, venue_id, name, venue_key, table_count, not_before, not_after, signer].
    assert_eq!(&parts.payload[..3], &[0x89, 0x01, 0x00], "version 1, kind 0 (venue)");
    let meeting_type = protected_header(labels::COSE_PRIVATE_MEETING_DESCRIPTOR);
    let mut kind_1 = parts.payload.clone();
    kind_1[2] = 0x01;

    // CVE-2021-33839: the venue owner relabels its registrar-signed venue as a
    // private meeting, so that guests' apps would send their names to it.
    // (a) the content type, (b) the signed kind, (c) both.
    let relabelled = [
        cose(&meeting_type, &parts.payload, &parts.signature),
        cose(&parts.protected, &kind_1, &parts.signature),
        cose(&meeting_type, &kind_1, &parts.signature),
    ];
    // The kind must match the content type; a private meeting has no tables
    // (the venue has 12) and is signed by a host key, not a registrar id.
    let want = [
        DecodeError::InvalidField { field: "kind" },
        DecodeError::InvalidField { field: "kind" },
        DecodeError::InvalidField { field: "table_count" },
    ];
    for (bytes, want) in relabelled.iter().zip(want) {
        assert_eq!(VenueDescriptorIn::from_slice(bytes).unwrap_err(), want);
        let err = Guest::scan_venue_qr(&descriptor_url(bytes), &t.registrar_cert, NOW).unwrap_err();
        assert_eq!(err.kind(), want.kind());
        assert_eq!(err, ClientError::Invalid(want));
    }
    // (d) all of it, with its own host key as signer, keeping the registrar's signature.
    let d = &t.descriptor;
    let host_key = HostSigningKey::generate(&mut t.rng);
    let validity = d.validity();
    let as_meeting = cbor::array(&[
        cbor::uint(1),
        cbor::uint(1),
        cbor::bstr(d.venue_id().as_bytes()),
        cbor::tstr(d.name()),
        cbor::bstr(&d.venue_key().to_bytes()),
        vec![cbor::NULL],
        cbor::uint(validity.not_before.0),
        cbor::uint(validity.not_after.0),
        cbor::bstr(&host_key.public_key().to_bytes()),
    ]);
    let forged = cose(&meeting_type, &as_meeting, &parts.signature);
    let err = Guest::scan_venue_qr(&descriptor_url(&forged), &t.registrar_cert, NOW).unwrap_err();
    assert_eq!(err, ClientError::VenueRejected(VerifyError::BadSignature));

    // The kinds are distinct types: neither can stand in for the other.
    let venue_in = VenueDescriptorIn::from_slice(&genuine).unwrap();
    assert_eq!(venue_in.verify_private_meeting(NOW).unwrap_err(), VerifyError::WrongKind);
    let meeting_in = VenueDescriptorIn::from_slice(t.host.descriptor().as_bytes()).unwrap();
    assert_eq!(meeting_in.kind(), VenueKind::PrivateMeeting);
    assert_eq!(meeting_in.registrar_id(), None);
    assert_eq!(VerifiedMeeting::new(t.descriptor.clone()).unwrap_err(), ClientError::WrongKind);
    assert_eq!(VerifiedVenue::new(t.host.descriptor().clone(), None).unwrap_err().kind(), "wrong_kind");
    let err = t.venue.install_descriptor(t.host.descriptor().as_bytes(), &t.registrar_cert, NOW).unwrap_err();
    assert_eq!(err, VenueError::NotAVenueDescriptor);
    // A private meeting has no tables: a table number in its QR is refused.
    let with_table = cbor::array(&[cbor::uint(1), cbor::bstr(t.host.descriptor().as_bytes()), cbor::uint(3)]);
    assert_eq!(
        Guest::scan_venue_qr(&venue_url(&with_table), &t.registrar_cert, NOW).unwrap_err(),
        ClientError::Invalid(DecodeError::InvalidField { field: "table" })
    );

    // The genuine printed QR is a venue: the guest's name never goes to it.
    let ScannedVenue::Venue(venue) = Guest::scan_venue_qr(&venue_url(&payload), &t.registrar_cert, NOW).unwrap() else {
        panic!("a registrar-signed descriptor must scan as a venue");
    };
    let check_in = t.alice.self_check_in(&mut t.rng, &venue, &t.daily, NOW).unwrap();
    let data = AdditionalDataIn::from_slice(check_in.additional_data.unwrap().as_bytes()).unwrap();
    let content = t.venue.open_additional_data(&data).unwrap();
    assert_eq!((content.table, content.guest_name.as_deref()), (Some(7), None));
    // A private meeting scans as one, so the app can say that the name goes to the host.
    let scanned = Guest::scan_venue_qr(&t.meeting_url, &t.registrar_cert, NOW).unwrap();
    let ScannedVenue::PrivateMeeting(meeting) = scanned else { panic!("a self-signed meeting scans as a meeting") };
    assert_eq!(meeting.host_key(), Some(t.host.host_key()));
    let joined = t.bob.check_in_private_meeting(&mut t.rng, &meeting, &t.daily, "Max Musterfrau", NOW).unwrap();
    let stored = StoredCheckIn {
        record: joined.record.to_bytes(),
        additional_data: joined.additional_data.map(|a| a.to_bytes()),
    };
    let guests = t.host.read_guests(&[stored]);
    assert_eq!(guests.len(), 1);
    assert_eq!(guests[0].name.as_deref(), Some("Max Musterfrau"));
}

#[test]
fn attack_venue_descriptor_key_swap() {
    let mut t = Town::new(11);
    let server_before = t.server.clone();
    let installed = t.venue.descriptor().cloned();
    let (payload, genuine) = printed(&t);
    let attacker = VenuePrivateKey::generate(&mut t.rng);
    let real_key = t.venue.public_key().to_bytes();

    // The server (or a sticker over the printed code) swaps the venue key
    // inside the registrar-signed descriptor.
    let swapped = splice(&genuine, &real_key, &attacker.public_key().to_bytes());
    let url = venue_url(&splice(&payload, &real_key, &attacker.public_key().to_bytes()));
    let err = Guest::scan_venue_qr(&url, &t.registrar_cert, NOW).unwrap_err();
    assert_eq!(err, ClientError::VenueRejected(VerifyError::BadSignature));
    let err = VenueDescriptorIn::from_slice(&swapped).unwrap().verify(&t.registrar_cert, NOW).unwrap_err();
    assert_eq!(err.kind(), "bad_signature");
    let err = t.venue.install_descriptor(&swapped, &t.registrar_cert, NOW).unwrap_err();
    assert_eq!(err, VenueError::UntrustedDescriptor(VerifyError::BadSignature));

    // A registrar tricked into signing another key for the venue's id: the
    // venue's software notices that the key is not its own and keeps its descriptor.
    let validity = t.descriptor.validity();
    let mistaken = t
        .registrar
        .register_venue(t.venue.venue_id(), "Café Luca", &attacker.public_key(), Some(12), validity)
        .unwrap();
    let err = t.venue.install_descriptor(mistaken.as_bytes(), &t.registrar_cert, NOW).unwrap_err();
    assert_eq!(err, VenueError::KeyMismatch);
    assert_eq!(err.kind(), "key_mismatch");
    assert_eq!(t.venue.descriptor().cloned(), installed);

    // Check-ins are sealed only to the key of the verified descriptor: the
    // swapped-in key opens nothing.
    let ScannedVenue::Venue(venue) = Guest::scan_venue_qr(&t.venue_url, &t.registrar_cert, NOW).unwrap() else {
        panic!("the printed QR is a venue");
    };
    assert_eq!(venue.venue_key().to_bytes(), real_key);
    let check_in = t.alice.self_check_in(&mut t.rng, &venue, &t.daily, NOW).unwrap();
    let record = CheckInRecordIn::from(check_in.record);
    assert_eq!(record.open(&attacker).unwrap_err(), OpenError::DecryptionFailed);
    assert!(t.venue.open_record(&record).is_ok());
    assert_eq!(t.server, server_before);
}

#[test]
fn attack_self_checkin_with_substituted_venue_key() {
    let mut t = Town::new(12);
    let (payload, genuine) = printed(&t);
    let server_key = VenuePrivateKey::generate(&mut t.rng);
    let real_key = t.venue.public_key().to_bytes();
    let check_ins_before = t.alice.check_ins();

    // luca 2021 fetched the venue key for a self check-in from the server
    // unauthenticated. Here the key comes only from the signed descriptor:
    // a substituted key (in the payload the server serves, or in the whole
    // descriptor, signed by a registrar key the server made up) fails.
    let substituted = venue_url(&splice(&payload, &real_key, &server_key.public_key().to_bytes()));
    assert_eq!(
        Guest::scan_venue_qr(&substituted, &t.registrar_cert, NOW).unwrap_err(),
        ClientError::VenueRejected(VerifyError::BadSignature)
    );
    let made_up = RegistrarKey::generate(&mut t.rng);
    let parsed = VenueDescriptorIn::from_slice(&genuine).unwrap();
    let resigned = VenueDescriptor::issue_venue(
        &made_up,
        t.registrar.id(),
        parsed.venue_id(),
        parsed.name(),
        &server_key.public_key(),
        parsed.table_count(),
        parsed.validity(),
    )
    .unwrap();
    let url = VenueQr::new(HOST, &resigned, Some(7)).unwrap().to_url();
    assert_eq!(
        Guest::scan_venue_qr(&url, &t.registrar_cert, NOW).unwrap_err(),
        ClientError::VenueRejected(VerifyError::BadSignature)
    );
    assert_eq!(t.alice.check_ins(), check_ins_before, "no check-in was made");

    // The genuine self check-in: record and table number are sealed to the
    // descriptor's key; the server's key opens neither, the venue opens both.
    let ScannedVenue::Venue(venue) = Guest::scan_venue_qr(&t.venue_url, &t.registrar_cert, NOW).unwrap() else {
        panic!("the printed QR is a venue");
    };
    let check_in = t.alice.self_check_in(&mut t.rng, &venue, &t.daily, NOW).unwrap();
    assert!(t.server.check_in(check_in.record.as_bytes(), NOW).unwrap());
    let additional = check_in.additional_data.unwrap();
    t.server.additional_data(additional.as_bytes(), check_in.trace_id).unwrap();
    let record = t.server.record(check_in.trace_id);
    let data = AdditionalDataIn::from_slice(additional.as_bytes()).unwrap();
    assert_eq!(record.open(&server_key).unwrap_err(), OpenError::DecryptionFailed);
    assert_eq!(data.open(&server_key).unwrap_err().kind(), "decryption_failed");
    assert!(t.venue.open_record(&record).is_ok());
    assert_eq!(t.venue.open_additional_data(&data).unwrap().table, Some(7));
}
