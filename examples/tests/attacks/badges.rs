//! Attacks, section 13. badges (docs/THREAT-MODEL.md §3).

use super::*;

#[test]
fn attack_badge_photo() {
    let mut t = Town::new(22);
    // Office A rotates a badge key and shares it; the registrar issues a badge
    // (Argon2id of the printed serial); its owner personalises it with the serial.
    let rotation =
        t.office_a.rotate_badge_key(&mut t.rng, BadgeKeyId(1), NOW, std::slice::from_ref(&t.cert_b)).unwrap();
    let badge_key = server::daily_key_announcement(rotation.announcement.as_bytes(), &t.cert_a, NOW).unwrap();
    t.office_b.import_key_share(rotation.shares[0].as_bytes(), badge_key.as_bytes(), &t.cert_a, NOW).unwrap();
    let issued = t.registrar.issue_badge(&mut t.rng, &badge_key, NOW).unwrap();
    // The owner's secrets, derived from the serial (what `BadgeOwner::from_serial`
    // derives; one Argon2id evaluation here instead of two).
    let secrets = issued.serial.derive_secrets().unwrap();
    let berta = fields("Berta", "Badge", "+49 221 5555555");
    let personalised =
        ContactData::seal(&mut t.rng, &secrets.signing_key, secrets.user_id, &secrets.data_secret, &berta, NOW);
    t.server.contact_data(personalised.unwrap().as_bytes()).unwrap();
    let scan = t.scan(&issued.qr.to_base32(), NOW);
    assert_eq!(scan.source, CheckInSource::Badge);

    // The attacker has a photo of the badge QR: its text, nothing else.
    let photo = issued.qr.to_base32();
    let qr = BadgeQr::from_base32(&photo).unwrap();
    let bytes = qr.to_bytes();
    let attestation = qr.attestation();
    let trace_key = attestation.trace_key();

    // (a) The sealed user id and data secret open with no key the attacker has:
    // a fresh badge key, or keys made from anything in the QR.
    assert_eq!(
        attestation.open_unverified(&BadgePrivateKey::generate(&mut t.rng)).unwrap_err(),
        OpenError::DecryptionFailed
    );
    for window in bytes.windows(32).step_by(8) {
        if let Ok(key) = BadgePrivateKey::from_slice(window) {
            assert_eq!(attestation.open_unverified(&key).unwrap_err().kind(), "decryption_failed");
        }
    }

    // (b) None of the badge's secrets (derived from the serial, which the
    // photo does not show), nor the serial, is in the QR, and the trace key is
    // none of them.
    assert_eq!(secrets.user_id, issued.user_id);
    let tracing = secrets.tracing_secret.expose_secret();
    let signing = secrets.signing_key.to_bytes();
    let contact_key = derive::contact_data_key(&secrets.data_secret);
    let hidden: [(&str, &[u8]); 6] = [
        ("user id", secrets.user_id.as_bytes()),
        ("data secret", secrets.data_secret.expose_secret()),
        ("tracing secret", tracing),
        ("signing key", signing.as_slice()),
        ("serial", &*issued.serial.expose_secret()),
        ("contact-data key", contact_key.expose_secret()),
    ];
    for (what, secret) in hidden {
        assert!(!contains(&bytes, secret), "the {what} is not in the badge QR");
        assert!(!contains(secret, trace_key.expose_secret()), "the trace key is not the {what}");
        for half in secret.chunks(8) {
            assert!(!contains(&bytes, half), "no 8 bytes of the {what} are in the badge QR");
        }
    }
    assert!(!contains(&bytes, &tracing[..16]) && !contains(&bytes, &tracing[16..]));
    assert!(!contains(photo.as_bytes(), base32(secrets.user_id.as_bytes()).as_bytes()));

    // (c) What the photo does give — the badge's trace ids, the accepted
    // linkability of a static code: exactly the scanner's.
    let minute = NOW.minute();
    let photo_trace = derive::trace_id(&derive::badge_checkout_proof(&trace_key, minute));
    assert_eq!(photo_trace, scan.trace_id);
    assert_eq!(photo_trace, derive::trace_id(&derive::badge_checkout_proof(&secrets.trace_key, minute)));

    // (d) The badge's contact data on the server opens with nothing derivable
    // from the QR. The photo does not even name the user id to look it up
    // under; with the user id handed over, every 16 bytes of the QR, the trace
    // key, the trace id and the checkout proof fail as the data secret.
    let stored = t.server.contact_data[&issued.user_id].clone();
    let proof = derive::badge_checkout_proof(&trace_key, minute);
    let mut candidates: Vec<Vec<u8>> = bytes.windows(16).step_by(4).map(<[u8]>::to_vec).collect();
    candidates.push(trace_key.expose_secret().to_vec());
    candidates.push(photo_trace.as_bytes().to_vec());
    candidates.push(proof.expose_secret()[..16].to_vec());
    candidates.push(proof.expose_secret()[16..].to_vec());
    for candidate in &candidates {
        let data_secret = DataSecret::from_slice(candidate).unwrap();
        let err = ContactDataIn::from_slice(&stored).unwrap().open(&issued.user_id, &data_secret).unwrap_err();
        assert_eq!(err, OpenError::DecryptionFailed);
    }

    // Only a health office with the badge key, through the venue's consent,
    // reads the badge's user id and contact data.
    let (_, _, opened) = t.trace(NOW.plus_secs(HOUR));
    let check_in = &opened.check_ins[0];
    assert_eq!((check_in.source, check_in.secrets.user_id), (CheckInSource::Badge, issued.user_id));
    assert_eq!(t.contact(check_in).unwrap().fields, berta);
}
