//! Attacks, section 15. history shares (docs/THREAT-MODEL.md §3).

use super::*;

#[test]
fn attack_server_reads_history_share() {
    let mut t = Town::new(23);
    let code = t.alice.check_in_code(&mut t.rng, &t.daily, NOW).unwrap();
    t.scan(&code.text(), NOW);
    let code = t.bob.check_in_code(&mut t.rng, &t.daily, NOW).unwrap();
    t.scan(&code.text(), NOW);
    let at = NOW.plus_secs(HOUR);
    let share = t.alice.share_history(&mut t.rng, &t.daily, at).unwrap().to_bytes();
    let tan = t.server.history_share(&mut t.rng, &share, std::slice::from_ref(&t.daily), at).unwrap();

    // The server holds the share: it opens with no key the server can make.
    let parsed = HistoryShareIn::from_slice(&share).unwrap();
    for _ in 0..3 {
        let err = parsed.open(&DailyPrivateKey::generate(&mut t.rng)).unwrap_err();
        assert_eq!(err, OpenError::DecryptionFailed);
        assert_eq!(err.kind(), "decryption_failed");
    }
    // A share sealed to a key the server substituted (under an id nobody
    // announced) is refused on upload; the app seals only to verified keys.
    let substitute = DailyPrivateKey::generate(&mut t.rng);
    let day = at.day();
    let user_id = UserId::random(&mut t.rng);
    let secret = DailyTracingSecret::random(&mut t.rng);
    let data_secret = DataSecret::random(&mut t.rng);
    let forged = luca_protocol::messages::history_share::HistoryShare::seal(
        &mut t.rng,
        DailyKeyId(DailyKeyId::for_day(day).0.wrapping_add(1)),
        &substitute.public_key(),
        &user_id,
        &data_secret,
        &[(day, &secret)],
        at,
    )
    .unwrap();
    let before = t.server.clone();
    let err = t.server.history_share(&mut t.rng, forged.as_bytes(), std::slice::from_ref(&t.daily), at).unwrap_err();
    assert_eq!(err, ServerError::UnknownDailyKey);
    assert_eq!(err.kind(), "unknown_daily_key");
    // A share replayed later than 300 s is refused.
    let err =
        t.server.history_share(&mut t.rng, &share, std::slice::from_ref(&t.daily), at.plus_secs(301)).unwrap_err();
    assert_eq!(err.kind(), "expired");
    assert_eq!(t.server, before);

    // The health office opens it (by TAN, checked before anything is fetched)
    // and computes the trace ids itself.
    let err = t.office_a.fetch_history("AAAA-AAAA-AAAC", |_| panic!("no lookup for a TAN with a wrong check symbol"));
    assert_eq!(err.unwrap_err().kind(), "bad_check_character");
    let history = t.office_a.fetch_history(&tan.to_string(), |t2| t.server.history_by_tan(t2)).unwrap();
    assert_eq!(history.user_id, t.alice.user_id());
    let matches = match_check_ins(&history, t.server.records.values());
    assert_eq!(matches.len(), 1, "only Alice's check-in, not Bob's");

    // None of what the share protects is in what the server sees: not in the
    // share, not in the tracing request, not in the consent response.
    let request = t.request(matches[0].window(HOUR, HOUR), at);
    let (_, response, opened) = t.trace(at);
    assert_eq!(opened.check_ins.len(), 2);
    let mut seen = vec![share.clone(), request.to_bytes(), response];
    seen.extend(t.server.announcements.iter().cloned());
    let alice_traces: Vec<TraceId> =
        luca_healthoffice::trace_ids_of_history(&history).into_iter().map(|(t, _)| t).collect();
    for bytes in &seen {
        for (_, secret) in &history.days {
            assert!(!contains(bytes, secret.expose_secret()), "no tracing secret");
            assert!(!contains(bytes, &secret.expose_secret()[..16]));
        }
        assert!(!contains(bytes, history.user_id.as_bytes()), "no user id");
        assert!(!contains(bytes, history.data_secret.expose_secret()), "no data secret");
    }
    // The share and the request carry no trace id either: the server never
    // learns which of its records belong to the infected guest.
    for bytes in &seen[..2] {
        assert!(alice_traces.iter().all(|t| !contains(bytes, t.as_bytes())));
    }
}
