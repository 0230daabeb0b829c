//! Attacks, section 8. consent replays (docs/THREAT-MODEL.md §3).

use super::*;

#[test]
fn attack_consent_replayed_into_other_request() {
    let mut t = Town::new(14);
    for guest in [0, 1] {
        let g = if guest == 0 { &mut t.alice } else { &mut t.bob };
        let code = g.check_in_code(&mut t.rng, &t.daily, NOW).unwrap();
        t.scan(&code.text(), NOW);
    }
    let at = NOW.plus_secs(2 * HOUR);
    let (first, response, opened) = t.trace(at);
    assert_eq!(opened.check_ins.len(), 2, "the genuine answer opens");
    let stored = t.server.clone();

    // Office A asks again (same venue, same window): the server hands it the
    // earlier answer instead of forwarding the new request.
    let second = t.request(hour(), at);
    assert_ne!(first.request_hash(), second.request_hash());
    let err = t.server.consent_response(&response, &second).unwrap_err();
    assert_eq!(err, ServerError::Mismatch { field: "request_hash" });
    let err = t.office_a.open_consent_response(&response, &second).unwrap_err();
    assert_eq!(err, TracingError::Open(OpenError::BindingMismatch { field: "request_hash" }));
    assert_eq!(err.kind(), "binding_mismatch");

    // The server rewrites the response's request hash: it now passes the
    // server's check, but every entry is bound to the first request.
    let rewritten = splice(&response, &first.request_hash(), &second.request_hash());
    t.server.consent_response(&rewritten, &second).unwrap();
    let err = t.office_a.open_consent_response(&rewritten, &second).unwrap_err();
    assert_eq!(err, TracingError::Open(OpenError::DecryptionFailed));
    assert_eq!(err.kind(), "decryption_failed");

    // Into a request for another venue (the private meeting), rewritten likewise.
    let meeting = t.host.venue_id();
    let third = t.office_a.request_tracing(&mut t.rng, meeting, hour(), at, DAY).unwrap();
    let moved = splice(&rewritten, &second.request_hash(), &third.request_hash());
    let moved = splice(&moved, t.venue.venue_id().as_bytes(), meeting.as_bytes());
    let err = t.office_a.open_consent_response(&moved, &third).unwrap_err();
    assert_eq!(err, TracingError::Open(OpenError::DecryptionFailed));

    // An expired request replayed to the venue is not answered.
    let expired = t.office_a.request_tracing(&mut t.rng, t.venue.venue_id(), hour(), NOW, HOUR).unwrap();
    let records = t.server.check_ins_of(t.venue.venue_id());
    let err = t.venue.answer_tracing_request(&mut t.rng, expired.as_bytes(), &t.cert_a, &records, at).unwrap_err();
    assert_eq!(err, VenueError::UntrustedRequest(VerifyError::Expired));
    assert_eq!(err.kind(), "expired");

    // Nothing new was stored but the rewritten response the server forged itself.
    let mut expected = stored;
    expected.consent_responses.push(rewritten);
    assert_eq!(t.server, expected);
}

#[test]
fn attack_consent_redirected_to_other_office() {
    let mut t = Town::new(15);
    let code = t.alice.check_in_code(&mut t.rng, &t.daily, NOW).unwrap();
    t.scan(&code.text(), NOW);
    let at = NOW.plus_secs(2 * HOUR);
    let (request_a, response, opened) = t.trace(at);
    assert_eq!(opened.check_ins.len(), 1);

    // The server hands office A's consent to office B, with A's request …
    let err = t.office_b.open_consent_response(&response, &request_a).unwrap_err();
    assert_eq!(err, TracingError::Open(OpenError::BindingMismatch { field: "health_office_id" }));
    // … as the answer to B's own request for the venue …
    let request_b = t.office_b.request_tracing(&mut t.rng, t.venue.venue_id(), hour(), at, DAY).unwrap();
    let request_b = server::tracing_request(request_b.as_bytes(), &t.cert_b, at).unwrap();
    assert_eq!(
        server::consent_response(&response, &request_b).unwrap_err(),
        ServerError::Mismatch { field: "request_hash" }
    );
    let err = t.office_b.open_consent_response(&response, &request_b).unwrap_err();
    assert_eq!(err, TracingError::Open(OpenError::BindingMismatch { field: "request_hash" }));
    // … rewritten to name B and B's request: sealed to A's key and bound to A.
    let redirected = splice(&response, &request_a.request_hash(), &request_b.request_hash());
    let redirected = splice(&redirected, t.cert_a.id().as_bytes(), t.cert_b.id().as_bytes());
    server::consent_response(&redirected, &request_b).unwrap();
    let err = t.office_b.open_consent_response(&redirected, &request_b).unwrap_err();
    assert_eq!(err, TracingError::Open(OpenError::DecryptionFailed));
    assert_eq!(err.kind(), "decryption_failed");

    // The server asks the venue to seal A's request to B's key (it forwards
    // B's certificate), or forges a request in B's name: the venue refuses.
    let records = t.server.check_ins_of(t.venue.venue_id());
    let err = t.venue.answer_tracing_request(&mut t.rng, request_a.as_bytes(), &t.cert_b, &records, at).unwrap_err();
    assert_eq!(err, VenueError::UntrustedRequest(VerifyError::WrongIssuer));
    assert_eq!(ConsentResponseBuilder::new(&request_a, &t.cert_b).unwrap_err(), VerifyError::WrongIssuer);
    let forger = HealthOfficeMasterKeys::generate(&mut t.rng);
    let forged = TracingRequest::sign(
        &forger.signing,
        RequestId::random(&mut t.rng),
        t.cert_b.id(),
        t.venue.venue_id(),
        hour(),
        at,
        at.plus_secs(DAY),
    )
    .unwrap();
    let err = t.venue.answer_tracing_request(&mut t.rng, forged.as_bytes(), &t.cert_b, &records, at).unwrap_err();
    assert_eq!(err, VenueError::UntrustedRequest(VerifyError::BadSignature));
    assert_eq!(server::tracing_request(forged.as_bytes(), &t.cert_b, at).unwrap_err().kind(), "bad_signature");

    // Only B's own, genuine request gets B an answer it can open.
    let answer = t.venue.answer_tracing_request(&mut t.rng, request_b.as_bytes(), &t.cert_b, &records, at).unwrap();
    let opened_b = t.office_b.open_consent_response(answer.responses[0].as_bytes(), &request_b).unwrap();
    assert_eq!(opened_b.check_ins.len(), 1);
    assert_eq!(opened_b.check_ins[0].secrets.user_id, t.alice.user_id());
}

/// A faulty or malicious venue forwards a guest's inner record with a `enc_y` that is not the y-coordinate of the
/// QR's `enc` (PROTOCOL.md §8.5): the office, which checks y instead of taking a square root, refuses the response
/// before any decryption of the inner layer, and never opens the guest's secrets under a wrong point.
#[test]
fn attack_inner_record_with_forged_enc_y() {
    let mut t = Town::new(27);
    let code = t.alice.check_in_code(&mut t.rng, &t.daily, NOW).unwrap();
    t.scan(&code.text(), NOW);
    let at = NOW.plus_secs(2 * HOUR);
    let request = t.request(hour(), at);
    let (qr, y) = (&code.qr, code.qr.enc_y());
    // [1, 0, body, enc_y] with the y given.
    let inner = |y: &[u8]| {
        let mut b = vec![0x84, 0x01, 0x00, 0x58, 0x69];
        b.extend_from_slice(qr.body());
        b.extend_from_slice(&[0x58, 0x20]);
        b.extend_from_slice(y);
        b
    };
    let respond = |rng: &mut ChaCha20Rng, bytes: &[u8]| {
        let mut builder = ConsentResponseBuilder::new(&request, &t.cert_a).unwrap();
        builder.add_unchecked(rng, qr.trace_id(), qr.minute(), CheckInSource::Guest, bytes, None).unwrap();
        builder.finish().to_bytes()
    };
    // The genuine y opens: the forged ones below differ from it in nothing else.
    let genuine = respond(&mut t.rng, &inner(&y));
    let opened = t.office_a.open_consent_response(&genuine, &request).unwrap();
    assert_eq!(opened.check_ins[0].secrets.user_id, t.alice.user_id());

    let mut other_parity = y;
    other_parity[31] ^= 1;
    let mut off_curve = y;
    off_curve[0] ^= 0x80;
    for forged in [other_parity, off_curve, [0u8; 32], [0xff; 32]] {
        let response = respond(&mut t.rng, &inner(&forged));
        // The server sees a well-formed response bound to the request and relays it.
        t.server.consent_response(&response, &request).unwrap();
        let err = t.office_a.open_consent_response(&response, &request).unwrap_err();
        assert_eq!(err, TracingError::Open(OpenError::Malformed(DecodeError::InvalidPoint { field: "enc_y" })));
        assert_eq!(err.kind(), "invalid_point");
    }
    // Without enc_y (the three-item form), or with the QR's compressed point replaced by an uncompressed prefix.
    let three = respond(&mut t.rng, &[&[0x83, 0x01, 0x00, 0x58, 0x69][..], qr.body()].concat());
    let err = t.office_a.open_consent_response(&three, &request).unwrap_err();
    assert_eq!(
        err,
        TracingError::Open(OpenError::Malformed(DecodeError::WrongArity {
            field: "inner_record",
            expected: 4,
            got: 3
        }))
    );
    let mut prefix = inner(&y);
    prefix[5 + 24] = 0x04;
    let err = t.office_a.open_consent_response(&respond(&mut t.rng, &prefix), &request).unwrap_err();
    assert_eq!(err, TracingError::Open(OpenError::Malformed(DecodeError::InvalidPoint { field: "enc" })));
}
