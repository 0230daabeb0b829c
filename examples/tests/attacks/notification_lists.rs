//! Attacks, section 16. and 17. notification lists (docs/THREAT-MODEL.md §3).

use super::*;

#[test]
fn attack_notification_list_reveals_count_and_order() {
    let mut t = Town::new(24);
    let traces: Vec<TraceId> = (0..65).map(|_| TraceId::random(&mut t.rng)).collect();
    let office = t.cert_a.id();
    let real = |ids: &[TraceId]| -> Vec<[u8; 16]> {
        let mut h: Vec<[u8; 16]> = ids.iter().map(|id| derive::notification_hash(id, &office, 0)).collect();
        h.sort_unstable();
        h.dedup();
        h
    };

    // Lists of 1, 40 and 64 accessed check-ins look alike: 64 hashes, the same size.
    let mut sizes = Vec::new();
    for n in [1, 40, 64] {
        let list = t.office_a.notification_list(&mut t.rng, &traces[..n], &[], NOW).unwrap();
        let list = t.server.notification_list(list.as_bytes(), &t.cert_a, NOW).unwrap();
        assert_eq!(list.hashes().len(), 64);
        assert!(list.hashes().windows(2).all(|w| w[0] < w[1]), "strictly ascending");
        sizes.push(list.as_bytes().len());
    }
    assert!(sizes.windows(2).all(|w| w[0] == w[1]), "{sizes:?}");
    // The count is hidden only up to the next power of two (stated in PROTOCOL.md §8.9).
    let list = t.office_a.notification_list(&mut t.rng, &traces, &[], NOW).unwrap();
    assert_eq!(list.hashes().len(), 128);

    // The order of access is not in the list: the real hashes appear in hash
    // order whatever order the office accessed them in, and a repeated access is listed once.
    let five = &traces[..5];
    let mut reversed = five.to_vec();
    reversed.reverse();
    let repeated = [five, five, &five[..1]].concat();
    for accessed in [five.to_vec(), reversed, repeated] {
        let list = t.office_a.notification_list(&mut t.rng, &accessed, &[], NOW).unwrap();
        let listed: Vec<[u8; 16]> = list.hashes().iter().copied().filter(|h| real(five).contains(h)).collect();
        assert_eq!(listed, real(five));
        assert_eq!(list.hashes().len(), 64);
    }

    // Apps and the server accept only padded, sorted lists: an office (or its
    // software) cannot publish one that leaks count or order.
    let (keys, request) = office_keys(&mut t.rng, "Gesundheitsamt Test");
    let cert = t.anchor.certify_health_office(&request, certified()).unwrap();
    let signing = keys.signing.to_bytes();
    let in_access_order: Vec<Vec<u8>> =
        five.iter().map(|id| cbor::bstr(&derive::notification_hash(id, &request.id, 0))).collect();
    let unpadded = cbor::array(&[
        cbor::uint(1),
        cbor::bstr(request.id.as_bytes()),
        cbor::uint(NOW.0),
        cbor::array(&in_access_order),
    ]);
    let mut sorted_64: Vec<[u8; 16]> = (0..64u8).map(|i| [i; 16]).collect();
    sorted_64.swap(3, 60);
    let unsorted: Vec<Vec<u8>> = sorted_64.iter().map(|h| cbor::bstr(h)).collect();
    let unsorted =
        cbor::array(&[cbor::uint(1), cbor::bstr(request.id.as_bytes()), cbor::uint(NOW.0), cbor::array(&unsorted)]);
    let before = t.server.clone();
    for payload in [unpadded, unsorted] {
        let bytes = sign_cose(labels::COSE_NOTIFICATION_LIST, &payload, signing.as_slice());
        let err = NotificationListIn::from_slice(&bytes).unwrap_err();
        assert_eq!(err, DecodeError::InvalidField { field: "hashes" });
        assert_eq!(t.server.notification_list(&bytes, &cert, NOW).unwrap_err().kind(), "invalid_field");
    }
    assert_eq!(t.server, before);
    // (The same crafting, padded and sorted, verifies: the refusals above are the layout's.)
    let padded: Vec<Vec<u8>> = (0..64u8).map(|i| cbor::bstr(&[i; 16])).collect();
    let padded =
        cbor::array(&[cbor::uint(1), cbor::bstr(request.id.as_bytes()), cbor::uint(NOW.0), cbor::array(&padded)]);
    let bytes = sign_cose(labels::COSE_NOTIFICATION_LIST, &padded, signing.as_slice());
    assert!(server::notification_list(&bytes, &cert, NOW).is_ok());

    // Residual risk (THREAT-MODEL.md §4): level-0 hashes are keyed by the trace
    // id, so the server can recompute them for the trace ids it stores.
    let list = t.office_a.notification_list(&mut t.rng, &traces[..40], &[], NOW).unwrap();
    assert_eq!(list.check(&traces).len(), 40);

    // A guest matches the list on the device.
    let code = t.alice.check_in_code(&mut t.rng, &t.daily, NOW).unwrap();
    let list = t.office_a.notification_list(&mut t.rng, &[code.trace_id], &[], NOW).unwrap();
    let found = t.alice.check_notifications(&list);
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].notice, luca_client::Notice::DataAccessed);
}

#[test]
fn attack_forged_notification_list() {
    let mut t = Town::new(25);
    let code = t.alice.check_in_code(&mut t.rng, &t.daily, NOW).unwrap();
    t.scan(&code.text(), NOW);
    let before = t.server.clone();
    let warning = [(code.trace_id, 3)];

    // Someone without a certified key "warns" Alice in office A's name.
    let rogue = HealthOfficeMasterKeys::generate(&mut t.rng);
    let forged = NotificationList::build(&mut t.rng, &rogue.signing, t.cert_a.id(), &warning, NOW).unwrap();
    let err = NotificationListIn::from_slice(forged.as_bytes()).unwrap().verify(&t.cert_a, NOW).unwrap_err();
    assert_eq!(err, VerifyError::BadSignature);
    let err = t.server.notification_list(forged.as_bytes(), &t.cert_a, NOW).unwrap_err();
    assert_eq!(err, ServerError::Verify(VerifyError::BadSignature));
    assert_eq!(err.kind(), "bad_signature");

    // An office certified by another trust anchor, in its own name.
    let rogue_anchor = TrustAnchor::generate(&mut t.rng);
    let (office_c, cert_c) = certified_office(&mut t.rng, &rogue_anchor, "Gesundheitsamt Nirgendwo");
    let list_c = office_c.notification_list(&mut t.rng, &[], &warning, NOW).unwrap();
    let err = HealthOfficeCertificateIn::from_slice(cert_c.as_bytes()).unwrap().verify(&t.anchor.public_key(), NOW);
    assert_eq!(err.unwrap_err(), VerifyError::BadSignature, "no app holds C's certificate as verified");
    assert_eq!(t.server.notification_list(list_c.as_bytes(), &t.cert_a, NOW).unwrap_err().kind(), "wrong_issuer");

    // Office B's genuine list relabelled as office A's.
    let list_b = t.office_b.notification_list(&mut t.rng, &[], &warning, NOW).unwrap();
    let relabelled = splice(list_b.as_bytes(), t.cert_b.id().as_bytes(), t.cert_a.id().as_bytes());
    assert_eq!(t.server.notification_list(&relabelled, &t.cert_a, NOW).unwrap_err().kind(), "bad_signature");
    // A list dated an hour ahead, and one from an office whose certificate has expired.
    let ahead = t.office_b.notification_list(&mut t.rng, &[], &warning, NOW.plus_secs(HOUR)).unwrap();
    let err = t.server.notification_list(ahead.as_bytes(), &t.cert_b, NOW).unwrap_err();
    assert_eq!(err, ServerError::Verify(VerifyError::NotYetValid));
    let (keys_d, request_d) = office_keys(&mut t.rng, "Gesundheitsamt Gestern");
    let expired = Validity { not_before: NOW.minus_secs(60 * DAY), not_after: NOW.minus_secs(DAY) };
    let cert_d = t.anchor.certify_health_office(&request_d, expired).unwrap();
    let list_d = NotificationList::build(&mut t.rng, &keys_d.signing, request_d.id, &warning, NOW).unwrap();
    assert_eq!(t.server.notification_list(list_d.as_bytes(), &cert_d, NOW).unwrap_err().kind(), "expired");
    assert_eq!(t.server, before, "no forged list was published");

    // Alice's app matches only verified lists: office A's genuine list
    // without her, then with a warning for her.
    let someone = TraceId::random(&mut t.rng);
    let genuine = t.office_a.notification_list(&mut t.rng, &[], &[(someone, 1)], NOW).unwrap();
    let genuine = t.server.notification_list(genuine.as_bytes(), &t.cert_a, NOW).unwrap();
    assert!(t.alice.check_notifications(&genuine).is_empty());
    let warned = t.office_a.notification_list(&mut t.rng, &[], &warning, NOW).unwrap();
    let warned = t.server.notification_list(warned.as_bytes(), &t.cert_a, NOW).unwrap();
    let found = t.alice.check_notifications(&warned);
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].notice, luca_client::Notice::Warning { level: 3 });
}
