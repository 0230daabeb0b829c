//! Attacks, section 9. checkout (docs/THREAT-MODEL.md §3).

use super::*;

#[test]
fn attack_checkout_without_proof() {
    let mut t = Town::new(16);
    let code = t.alice.check_in_code(&mut t.rng, &t.daily, NOW).unwrap();
    t.scan(&code.text(), NOW);
    let record = t.server.record(code.trace_id);
    let later = NOW.plus_secs(HOUR);
    let before = t.server.clone();

    // Someone who knows only the trace id (the server's staff, a scanner, a
    // photo of the QR) sends a checkout for it with a made-up proof.
    let made_up = Checkout::new(&CheckoutProof::random(&mut t.rng), later);
    let forged = splice(made_up.as_bytes(), made_up.trace_id().as_bytes(), code.trace_id.as_bytes());
    assert_eq!(CheckoutIn::from_slice(&forged).unwrap().trace_id(), code.trace_id);
    let err = t.server.checkout(&forged, later).unwrap_err();
    assert_eq!(err, ServerError::Checkout(CheckoutError::BadProof));
    assert_eq!(err.kind(), "bad_proof");
    // The trace id itself, twice, as the proof.
    let mut doubled = [0u8; 32];
    doubled[..16].copy_from_slice(code.trace_id.as_bytes());
    doubled[16..].copy_from_slice(code.trace_id.as_bytes());
    let guess = Checkout::new(&CheckoutProof::from_slice(&doubled).unwrap(), later);
    let guess = splice(guess.as_bytes(), guess.trace_id().as_bytes(), code.trace_id.as_bytes());
    assert_eq!(t.server.checkout(&guess, later).unwrap_err().kind(), "bad_proof");
    // A valid proof of another check-in (the attacker's own, or the guest's
    // of another minute) names another trace id.
    let other_minute = t.alice.check_in_code(&mut t.rng, &t.daily, NOW.plus_secs(60)).unwrap();
    let own = t.alice.checkout(other_minute.minute, later).unwrap();
    assert_eq!(
        server::checkout(own.as_bytes(), &record, later).unwrap_err(),
        ServerError::Mismatch { field: "trace_id" }
    );
    assert_eq!(t.server, before, "no checkout was stored");

    // The guest's own proof, with time tricks, is still checked.
    let early = t.alice.checkout(code.minute, NOW.minus_secs(1)).unwrap();
    assert_eq!(t.server.checkout(early.as_bytes(), later).unwrap_err().kind(), "before_checkin");
    let future = t.alice.checkout(code.minute, later.plus_secs(301)).unwrap();
    assert_eq!(t.server.checkout(future.as_bytes(), later).unwrap_err().kind(), "in_future");
    assert_eq!(t.server, before);

    // Only the guest, who holds the tracing secret, checks out.
    let genuine = t.alice.checkout_code(&code, later).unwrap();
    t.server.checkout(genuine.as_bytes(), later).unwrap();
    assert_eq!(t.server.checkouts.len(), 1);
}
