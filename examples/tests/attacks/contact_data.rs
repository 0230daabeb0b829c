//! Attacks, section 10. contact data (docs/THREAT-MODEL.md §3).

use super::*;

#[test]
fn attack_contact_data_swapped_between_users() {
    let mut t = Town::new(17);
    for guest in [0, 1] {
        let g = if guest == 0 { &mut t.alice } else { &mut t.bob };
        let code = g.check_in_code(&mut t.rng, &t.daily, NOW).unwrap();
        t.scan(&code.text(), NOW);
    }
    let opened = t.trace_alice(NOW.plus_secs(HOUR));
    let (alice_id, bob_id) = (t.alice.user_id(), t.bob.user_id());
    let alice_in = opened.check_ins.iter().find(|c| c.secrets.user_id == alice_id).unwrap();
    let bob_in = opened.check_ins.iter().find(|c| c.secrets.user_id == bob_id).unwrap();
    let (alice_data, bob_data) = (t.server.contact_data[&alice_id].clone(), t.server.contact_data[&bob_id].clone());
    let before = t.server.clone();

    // The server serves Bob's contact data for Alice's check-in.
    let err = t.office_a.decrypt_contact(&bob_data, alice_in).unwrap_err();
    assert_eq!(err, TracingError::Open(OpenError::BindingMismatch { field: "user_id" }));
    assert_eq!(err.kind(), "binding_mismatch");
    // … with Alice's user id written into it: the guest's signature breaks.
    let relabelled = splice(&bob_data, bob_id.as_bytes(), alice_id.as_bytes());
    let err = t.office_a.decrypt_contact(&relabelled, alice_in).unwrap_err();
    assert_eq!(err, TracingError::Open(OpenError::BindingMismatch { field: "signature" }));
    // The server itself refuses the relabelled data, as a registration or as
    // an update of Alice's (it carries Bob's key).
    assert_eq!(server::contact_data(&relabelled, None).unwrap_err().kind(), "bad_signature");
    let err = t.server.contact_data(&relabelled).unwrap_err();
    assert_eq!(err, ServerError::Verify(VerifyError::KeyMismatch));
    assert_eq!(err.kind(), "key_mismatch");
    // Swapping the ciphertexts and nonces between the two objects breaks the signatures.
    let a = ContactDataIn::from_slice(&alice_data).unwrap();
    let b = ContactDataIn::from_slice(&bob_data).unwrap();
    assert_eq!(a.updated_at(), b.updated_at());
    let (pa, pb) = (parse_cose(&alice_data), parse_cose(&bob_data));
    // The payload is [1, user_id, guest_key, updated_at, nonce, ciphertext].
    let (ia, ib) = (flat_items(&pa.payload), flat_items(&pb.payload));
    let swapped_payload = cbor::array(&[&ia[..4], &ib[4..]].concat());
    let swapped = cose(&pa.protected, &swapped_payload, &pa.signature);
    let err = t.office_a.decrypt_contact(&swapped, alice_in).unwrap_err();
    assert_eq!(err, TracingError::Open(OpenError::BindingMismatch { field: "signature" }));
    assert_eq!(t.server, before, "nothing was stored");

    // Each check-in decrypts only its own guest's data.
    let alice = t.contact(alice_in).unwrap();
    let bob = t.contact(bob_in).unwrap();
    assert_eq!((alice.fields.first_name.as_str(), bob.fields.first_name.as_str()), ("Erika", "Max"));
    assert_eq!((alice.user_id, bob.user_id), (alice_id, bob_id));
}

#[test]
fn attack_contact_data_signed_by_other_key() {
    let mut t = Town::new(18);
    let code = t.alice.check_in_code(&mut t.rng, &t.daily, NOW).unwrap();
    t.scan(&code.text(), NOW);
    let alice_id = t.alice.user_id();
    let stored = t.server.contact_data[&alice_id].clone();

    // Mallory uploads an "update" of Alice's contact data, signed by her own key.
    let mallory = GuestSigningKey::generate(&mut t.rng);
    let hers = fields("Mallory", "Mustermann", "+49 30 6666666");
    let secret = DataSecret::random(&mut t.rng);
    let hijack =
        ContactData::seal(&mut t.rng, &mallory, alice_id, &secret, &hers, NOW.plus_secs(60)).unwrap().to_bytes();
    let err = t.server.contact_data(&hijack).unwrap_err();
    assert_eq!(err, ServerError::Verify(VerifyError::KeyMismatch));
    assert_eq!(err.kind(), "key_mismatch");
    // Alice's own data re-signed by Mallory (signature replaced) …
    let parts = parse_cose(&stored);
    let resigned = sign_cose(labels::COSE_CONTACT_DATA, &parts.payload, mallory.to_bytes().as_slice());
    assert_eq!(server::contact_data(&resigned, None).unwrap_err().kind(), "bad_signature");
    // … or with Mallory's key written in as the signer, then re-signed.
    let alice_key = ContactDataIn::from_slice(&stored).unwrap().guest_key();
    let payload = splice(&parts.payload, &alice_key.to_bytes(), &mallory.public_key().to_bytes());
    let rekeyed = sign_cose(labels::COSE_CONTACT_DATA, &payload, mallory.to_bytes().as_slice());
    assert_eq!(t.server.contact_data(&rekeyed).unwrap_err().kind(), "key_mismatch");
    assert_eq!(t.server.contact_data[&alice_id], stored, "the server kept Alice's data");

    // A malicious server serves them anyway when office A traces Alice's check-in.
    let opened = t.trace_alice(NOW.plus_secs(HOUR));
    let check_in = &opened.check_ins[0];
    assert_eq!(check_in.secrets.user_id, alice_id);
    let err = t.office_a.decrypt_contact(&hijack, check_in).unwrap_err();
    assert_eq!(err, TracingError::Open(OpenError::DecryptionFailed));
    assert_eq!(err.kind(), "decryption_failed");
    let err = t.office_a.decrypt_contact(&resigned, check_in).unwrap_err();
    assert_eq!(err, TracingError::Open(OpenError::BindingMismatch { field: "signature" }));
    // The signer's key is AEAD associated data: Alice's ciphertext under Mallory's key does not open.
    let err = t.office_a.decrypt_contact(&rekeyed, check_in).unwrap_err();
    assert_eq!(err, TracingError::Open(OpenError::DecryptionFailed));

    // An old version of Alice's data replayed after an update is refused.
    let update =
        t.alice.update_contact_data(&mut t.rng, &fields("Erika", "Musterfrau", "+49 30 1234567"), NOW.plus_secs(60));
    t.server.contact_data(update.unwrap().as_bytes()).unwrap();
    let err = t.server.contact_data(&stored).unwrap_err();
    assert_eq!(err, ServerError::Verify(VerifyError::InvalidValidity));

    // Office A decrypts only what Alice signed.
    let contact = t.contact(check_in).unwrap();
    assert_eq!(contact.fields.last_name, "Musterfrau");
    assert_ne!(contact.fields.first_name, "Mallory");
}
