//! Test vectors: threshold daily keys (spec: docs/PROTOCOL.md §13).
//!
//! One committee of five health offices with `t = 3` (their certificates, the trust anchor's public key
//! and `now` are in every case) runs the DKG from the topic RNG. Every case names its `step`:
//! - `dealing`, `complaint`, `justification`: decode and verify one DKG message against the committee;
//! - `public_shares`: from the `dealings` of the `qualified` dealers, the daily public key and the public
//!   shares every member computes (outputs `daily_public_key`, `public_shares`);
//! - `request`: verify a partial-decryption request as a co-office (`requester_certificate`, `now`);
//! - `response`: verify a response to `request` against the public shares of `dealings`;
//! - `open`: combine the `responses` and open `guest_qr` and `history_share` with them, and the same
//!   with `daily_private_key` (reconstructed from three shares by the generator): both ways give
//!   `user_id` and `data_secret`.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::arithmetic_side_effects,
    clippy::panic,
    clippy::cast_possible_truncation
)]

use luca_protocol::ids::{DailyKeyId, HealthOfficeId, TraceId, UserId};
use luca_protocol::keys::{DailyPrivateKey, HealthOfficeMasterKeys, TrustAnchorKey};
use luca_protocol::messages::history_share::{HistoryShare, HistoryShareIn};
use luca_protocol::qr::guest::{DeviceType, GuestCheckInQr, QrFlags};
use luca_protocol::secrets::{DailyTracingSecret, DataSecret};
use luca_protocol::signed::health_office_certificate::HealthOfficeCertificate;
use luca_protocol::threshold::dkg::{DkgComplaintIn, DkgDealing, DkgDealingIn, DkgJustificationIn, DkgRound1};
use luca_protocol::threshold::partial::{
    PartialDecryptionRequest, PartialDecryptionRequestIn, PartialDecryptionResponse, PartialDecryptionResponseIn,
    combine,
};
use luca_protocol::threshold::{Committee, PublicShares, SecretShare};
use luca_protocol::time::{UnixTime, Validity};
use serde_json::{Value, json};

use crate::common::{self, Topic, hex};

const NOW: UnixTime = UnixTime(1_796_000_000);
const DAILY_KEY_ID: DailyKeyId = DailyKeyId(20_787);
const T: u16 = 3;
/// The members every request of the file asks (and that answer): 1, 2 and 4.
const RESPONDERS: &[u16] = &[1, 2, 4];

struct World {
    anchor_pub: Vec<u8>,
    keys: Vec<HealthOfficeMasterKeys>,
    certs: Vec<HealthOfficeCertificate>,
    committee: Committee,
}

impl World {
    /// The fields every case carries: the committee, from its certificates alone.
    fn base(&self) -> serde_json::Map<String, Value> {
        let mut m = serde_json::Map::new();
        m.insert("trust_anchor_public_key".into(), hex(&self.anchor_pub));
        m.insert("now".into(), json!(NOW.0));
        m.insert("daily_key_id".into(), json!(DAILY_KEY_ID.0));
        m.insert("threshold".into(), json!(T));
        m.insert("committee".into(), json!(self.certs.iter().map(|c| hex(c.as_bytes())).collect::<Vec<_>>()));
        m
    }
}

fn with(base: serde_json::Map<String, Value>, extra: Value) -> Value {
    let mut m = base;
    if let Value::Object(e) = extra {
        m.extend(e);
    }
    Value::Object(m)
}

fn kind<T>(r: Result<T, luca_protocol::threshold::ThresholdError>) -> String {
    match r {
        Ok(_) => "ok".into(),
        Err(e) => e.kind().into(),
    }
}

fn reconstruct(shares: &[&SecretShare]) -> DailyPrivateKey {
    crate::support_reconstruct::reconstruct(shares).unwrap()
}

pub fn generate() -> Topic {
    let mut rng = common::rng("threshold");
    let mut t = Topic::new(
        "threshold",
        "Threshold daily keys (docs/PROTOCOL.md §13): a committee of 5 certified health offices, t = 3, runs \
         the Pedersen DKG with Feldman commitments (dealings, complaints, justifications, each COSE_Sign1); \
         partial decryptions D_j = x_j · enc with one batched DLEQ proof (RFC 9497 §2.2, context string \
         \"luca/v1/threshold-dleq\") per response; t of them combine with Lagrange coefficients into x · enc \
         and open RFC 9180 HPKE (kem_context = enc ‖ pkR). Every case carries the committee (certificates \
         verified with trust_anchor_public_key at now, daily_key_id, threshold) and names its `step`.",
    );
    let anchor = TrustAnchorKey::generate(&mut rng);
    let validity = Validity { not_before: NOW.minus_secs(86_400), not_after: NOW.plus_secs(365 * 86_400) };
    let keys: Vec<HealthOfficeMasterKeys> = (0..5).map(|_| HealthOfficeMasterKeys::generate(&mut rng)).collect();
    let certs: Vec<HealthOfficeCertificate> = keys
        .iter()
        .enumerate()
        .map(|(i, k)| {
            HealthOfficeCertificate::issue(
                &anchor,
                HealthOfficeId::random(&mut rng),
                &format!("Gesundheitsamt {}", i + 1),
                &k.signing.public_key(),
                &k.encryption.public_key(),
                validity,
            )
            .unwrap()
        })
        .collect();
    let committee = Committee::new(DAILY_KEY_ID, T, &certs).unwrap();
    let w = World { anchor_pub: anchor.public_key().to_bytes().to_vec(), keys, certs, committee };

    // The DKG.
    let started: Vec<_> = (1..=5u16)
        .map(|i| DkgRound1::start(&mut rng, w.committee.clone(), i, &w.keys[usize::from(i - 1)].signing).unwrap())
        .collect();
    let dealings: Vec<DkgDealing> = started.iter().map(|s| s.dealing.clone()).collect();
    let dealing_hex: Vec<Value> = dealings.iter().map(|d| hex(d.as_bytes())).collect();
    let round2: Vec<_> = started
        .into_iter()
        .zip(&w.keys)
        .map(|(s, k)| s.state.receive(&dealings, &k.encryption, &k.signing).unwrap())
        .collect();
    assert!(round2.iter().all(|r| r.complaints.is_empty()));
    let outcomes: Vec<_> = round2.into_iter().map(|r| r.state.finish(&[], &[]).unwrap()).collect();
    let public = &outcomes[0].public;
    let qualified = json!([1, 2, 3, 4, 5]);

    for (i, d) in dealings.iter().enumerate() {
        let got = kind(DkgDealingIn::from_slice(d.as_bytes()).map_err(Into::into).and_then(|x| x.verify(&w.committee)));
        assert_eq!(got, "ok");
        t.case(
            &format!("dealing_{}", i + 1),
            "ok",
            with(w.base(), json!({"step": "dealing", "dealing": hex(d.as_bytes()), "dealer": i + 1})),
        );
    }
    // Negative dealings.
    let d1 = dealings[0].as_bytes().to_vec();
    let mut negatives: Vec<(&str, Vec<u8>)> = Vec::new();
    negatives.push(("dealing_truncated_by_one", d1[..d1.len() - 1].to_vec()));
    let mut trailing = d1.clone();
    trailing.push(0);
    negatives.push(("dealing_trailing_byte", trailing));
    let mut sig = d1.clone();
    let last = sig.len() - 1;
    sig[last] ^= 1;
    negatives.push(("dealing_tampered_signature", sig));
    let forged = DkgRound1::start(&mut rng, w.committee.clone(), 2, &w.keys[0].signing).unwrap();
    negatives.push(("dealing_signed_by_another_member", forged.dealing.as_bytes().to_vec()));
    let other_committee = Committee::new(DailyKeyId(DAILY_KEY_ID.0 + 1), T, &w.certs).unwrap();
    let other = DkgRound1::start(&mut rng, other_committee, 1, &w.keys[0].signing).unwrap();
    negatives.push(("dealing_of_another_session", other.dealing.as_bytes().to_vec()));
    for (name, bytes) in negatives {
        let got = kind(DkgDealingIn::from_slice(&bytes).map_err(Into::into).and_then(|x| x.verify(&w.committee)));
        assert_ne!(got, "ok", "{name}");
        t.case(name, &got, with(w.base(), json!({"step": "dealing", "dealing": hex(&bytes)})));
    }

    // A committee the runner must refuse to build: t = 0 and t > n.
    for (name, threshold) in [("committee_threshold_zero", 0u16), ("committee_threshold_above_n", 6)] {
        assert!(Committee::new(DAILY_KEY_ID, threshold, &w.certs).is_err());
        let mut base = w.base();
        base.insert("threshold".into(), json!(threshold));
        t.case(
            name,
            "invalid_committee",
            with(base, json!({"step": "dealing", "dealing": hex(dealings[0].as_bytes())})),
        );
    }

    // Public shares from the transcript.
    let computed = PublicShares::from_dealings(&w.committee, &dealings, &[1, 2, 3, 4, 5]).unwrap();
    assert_eq!(&computed, public);
    let shares_hex: Vec<Value> = public.shares().iter().map(|(_, p)| hex(p)).collect();
    t.case(
        "public_shares",
        "ok",
        with(
            w.base(),
            json!({
                "step": "public_shares",
                "dealings": dealing_hex,
                "qualified": qualified,
                "daily_public_key": hex(public.daily_public_key().to_bytes()),
                "public_shares": shares_hex,
            }),
        ),
    );
    t.case(
        "public_shares_too_few_qualified",
        "too_few",
        with(w.base(), json!({"step": "public_shares", "dealings": dealing_hex, "qualified": [1, 2]})),
    );

    // A complaint and its justification: member 4 runs round 2 with a wrong encryption key (it lost its
    // key), so no share opens; it complains against every dealer without evidence, each dealer
    // justifies, and the complaint resolves (nobody is disqualified).
    {
        let mut crng = common::rng("threshold-complaint");
        let s: Vec<_> = (1..=5u16)
            .map(|i| DkgRound1::start(&mut crng, w.committee.clone(), i, &w.keys[usize::from(i - 1)].signing).unwrap())
            .collect();
        let ds: Vec<DkgDealing> = s.iter().map(|x| x.dealing.clone()).collect();
        let lost = HealthOfficeMasterKeys::generate(&mut crng).encryption;
        let r2: Vec<_> = s
            .into_iter()
            .zip(&w.keys)
            .zip(1u16..)
            .map(|((x, k), i)| x.state.receive(&ds, if i == 4 { &lost } else { &k.encryption }, &k.signing).unwrap())
            .collect();
        let complaints: Vec<_> = r2.iter().flat_map(|r| r.complaints.clone()).collect();
        assert_eq!(complaints.len(), 4);
        let justifications: Vec<_> =
            r2.iter().zip(&w.keys).flat_map(|(r, k)| r.state.justify(&complaints, &k.signing)).collect();
        assert_eq!(justifications.len(), 4);
        let c = &complaints[0];
        assert_eq!(
            kind(DkgComplaintIn::from_slice(c.as_bytes()).map_err(Into::into).and_then(|x| x.verify(&w.committee))),
            "ok"
        );
        t.case("complaint_without_evidence", "ok", with(w.base(), json!({
            "step": "complaint", "complaint": hex(c.as_bytes()), "complainant": c.complainant(), "dealer": c.dealer(), "has_evidence": false,
        })));
        let j = &justifications[0];
        assert_eq!(
            kind(DkgJustificationIn::from_slice(j.as_bytes()).map_err(Into::into).and_then(|x| x.verify(&w.committee))),
            "ok"
        );
        t.case(
            "justification",
            "ok",
            with(w.base(), json!({"step": "justification", "justification": hex(j.as_bytes()), "dealer": j.dealer()})),
        );
        let other = Committee::new(DailyKeyId(DAILY_KEY_ID.0 + 1), T, &w.certs).unwrap();
        assert_eq!(
            kind(DkgComplaintIn::from_slice(c.as_bytes()).map_err(Into::into).and_then(|x| x.verify(&other))),
            "wrong_session"
        );
        let mut base = w.base();
        base.insert("daily_key_id".into(), json!(DAILY_KEY_ID.0 + 1));
        t.case(
            "complaint_of_another_session",
            "wrong_session",
            with(base, json!({"step": "complaint", "complaint": hex(c.as_bytes())})),
        );
        let mut sig = c.as_bytes().to_vec();
        let l = sig.len() - 1;
        sig[l] ^= 1;
        let got = kind(DkgComplaintIn::from_slice(&sig).map_err(Into::into).and_then(|x| x.verify(&w.committee)));
        t.case(
            "complaint_tampered_signature",
            &got,
            with(w.base(), json!({"step": "complaint", "complaint": hex(&sig)})),
        );
        // Every member finishes with the full QUAL, member 4 with the shares the dealers revealed.
        for r in r2 {
            let o = r.state.finish(&complaints, &justifications).unwrap();
            assert_eq!(o.qualified, vec![1, 2, 3, 4, 5]);
        }
    }

    // Partial decryption.
    let user_id = UserId::random(&mut rng);
    let data_secret = DataSecret::random(&mut rng);
    let flags = QrFlags { device_type: DeviceType::Android, entry_policy: 0 };
    let qr = GuestCheckInQr::seal(
        &mut rng,
        DAILY_KEY_ID,
        public.daily_public_key(),
        flags,
        NOW.minute(),
        TraceId::from_array([0x5a; 16]),
        &user_id,
        &data_secret,
    )
    .unwrap();
    let tracing = DailyTracingSecret::random(&mut rng);
    let share = HistoryShare::seal(
        &mut rng,
        DAILY_KEY_ID,
        public.daily_public_key(),
        &user_id,
        &data_secret,
        &[(NOW.day(), &tracing)],
        NOW,
    )
    .unwrap();
    let share_in = HistoryShareIn::from_slice(share.as_bytes()).unwrap();
    let requester = &w.keys[0];
    let request = PartialDecryptionRequest::sign(
        &requester.signing,
        w.certs[0].id(),
        DAILY_KEY_ID,
        NOW,
        600,
        b"signed tracing request",
        RESPONDERS,
        &[qr.enc(), share_in.enc()],
    )
    .unwrap();
    let req_hex = hex(request.as_bytes());
    let verify_req = |bytes: &[u8], cert: &HealthOfficeCertificate, now: UnixTime| {
        kind(
            PartialDecryptionRequestIn::from_slice(bytes)
                .map_err(Into::into)
                .and_then(|r| r.verify(cert, &w.committee, now)),
        )
    };
    assert_eq!(verify_req(request.as_bytes(), &w.certs[0], NOW), "ok");
    t.case(
        "request",
        "ok",
        with(
            w.base(),
            json!({
                "step": "request", "request": req_hex, "requester_certificate": hex(w.certs[0].as_bytes()),
                "request_hash": hex(request.request_hash()), "encs": [hex(qr.enc()), hex(share_in.enc())], "responders": RESPONDERS,
            }),
        ),
    );
    let expired_at = NOW.plus_secs(600);
    let mut req_negatives: Vec<(&str, Vec<u8>, &HealthOfficeCertificate, UnixTime)> = vec![
        ("request_expired", request.as_bytes().to_vec(), &w.certs[0], expired_at),
        ("request_not_yet_valid", request.as_bytes().to_vec(), &w.certs[0], NOW.minus_secs(1)),
        ("request_with_another_offices_certificate", request.as_bytes().to_vec(), &w.certs[1], NOW),
    ];
    let forged = PartialDecryptionRequest::sign(
        &w.keys[1].signing,
        w.certs[0].id(),
        DAILY_KEY_ID,
        NOW,
        600,
        b"x",
        RESPONDERS,
        &[qr.enc()],
    )
    .unwrap();
    req_negatives.push(("request_signed_by_another_member", forged.as_bytes().to_vec(), &w.certs[0], NOW));
    let other_key = PartialDecryptionRequest::sign(
        &requester.signing,
        w.certs[0].id(),
        DailyKeyId(DAILY_KEY_ID.0 + 1),
        NOW,
        600,
        b"x",
        RESPONDERS,
        &[qr.enc()],
    )
    .unwrap();
    req_negatives.push(("request_for_another_daily_key", other_key.as_bytes().to_vec(), &w.certs[0], NOW));
    // Responder sets a co-office refuses: two members where t = 3, four, and one outside the committee.
    for (name, responders) in [
        ("request_names_fewer_than_t_responders", &[1u16, 2][..]),
        ("request_names_more_than_t_responders", &[1, 2, 3, 4]),
        ("request_names_a_responder_outside_the_committee", &[1, 2, 6]),
    ] {
        let r = PartialDecryptionRequest::sign(
            &requester.signing,
            w.certs[0].id(),
            DAILY_KEY_ID,
            NOW,
            600,
            b"x",
            responders,
            &[qr.enc()],
        )
        .unwrap();
        req_negatives.push((name, r.as_bytes().to_vec(), &w.certs[0], NOW));
    }
    let r = request.as_bytes();
    req_negatives.push(("request_truncated_by_one", r[..r.len() - 1].to_vec(), &w.certs[0], NOW));
    for (name, bytes, cert, now) in req_negatives {
        let got = verify_req(&bytes, cert, now);
        assert_ne!(got, "ok", "{name}");
        let mut base = w.base();
        base.insert("now".into(), json!(now.0));
        t.case(
            name,
            &got,
            with(
                base,
                json!({"step": "request", "request": hex(&bytes), "requester_certificate": hex(cert.as_bytes())}),
            ),
        );
    }
    // Requests the signer refuses to make, signed by the requester's key outside the library: a validity
    // above an hour, and one that ends before it starts.
    // Likewise responders that are not strictly ascending member indices, and none.
    for (name, issued, expires, responders) in [
        ("request_valid_longer_than_an_hour", NOW.0, NOW.0 + 3601, &[1i64, 2, 4][..]),
        ("request_expires_before_issued", NOW.0, NOW.0, &[1, 2, 4]),
        ("request_responders_not_ascending", NOW.0, NOW.0 + 600, &[2, 1, 4]),
        ("request_responder_twice", NOW.0, NOW.0 + 600, &[1, 2, 2]),
        ("request_responder_index_0", NOW.0, NOW.0 + 600, &[0, 1, 2]),
        ("request_responder_negative", NOW.0, NOW.0 + 600, &[-1, 1, 2]),
        ("request_without_responders", NOW.0, NOW.0 + 600, &[]),
    ] {
        use ciborium::Value as C;
        let payload = C::Array(vec![
            C::Integer(1.into()),
            C::Integer(DAILY_KEY_ID.0.into()),
            C::Bytes(w.certs[0].id().as_bytes().to_vec()),
            C::Integer(issued.into()),
            C::Integer(expires.into()),
            C::Bytes(b"x".to_vec()),
            C::Array(responders.iter().map(|&i| C::Integer(i.into())).collect()),
            C::Array(vec![C::Bytes(qr.enc().to_vec())]),
        ]);
        let mut bytes = Vec::new();
        ciborium::into_writer(&payload, &mut bytes).unwrap();
        let signed = crate::contact_data::cose_sign(
            luca_protocol::labels::COSE_PARTIAL_DECRYPTION_REQUEST,
            requester.signing.to_bytes().as_slice(),
            bytes,
        );
        let got = verify_req(&signed, &w.certs[0], NOW);
        assert_eq!(got, "invalid_field", "{name}");
        t.case(name, &got, with(w.base(), json!({"step": "request", "request": hex(&signed), "requester_certificate": hex(w.certs[0].as_bytes())})));
    }
    // An office outside the committee.
    {
        let outsider_keys = HealthOfficeMasterKeys::generate(&mut rng);
        let outsider = HealthOfficeCertificate::issue(
            &anchor,
            HealthOfficeId::random(&mut rng),
            "Gesundheitsamt 6",
            &outsider_keys.signing.public_key(),
            &outsider_keys.encryption.public_key(),
            validity,
        )
        .unwrap();
        let out_req = PartialDecryptionRequest::sign(
            &outsider_keys.signing,
            outsider.id(),
            DAILY_KEY_ID,
            NOW,
            600,
            b"x",
            RESPONDERS,
            &[qr.enc()],
        )
        .unwrap();
        let got = verify_req(out_req.as_bytes(), &outsider, NOW);
        t.case("request_from_outside_the_committee", &got, with(w.base(), json!({"step": "request", "request": hex(out_req.as_bytes()), "requester_certificate": hex(outsider.as_bytes())})));
    }

    // Responses of members 1, 2 and 4.
    let verified_req = PartialDecryptionRequestIn::from_slice(request.as_bytes())
        .unwrap()
        .verify(&w.certs[0], &w.committee, NOW)
        .unwrap();
    let responses: Vec<PartialDecryptionResponse> = [0usize, 1, 3]
        .iter()
        .map(|&m| {
            PartialDecryptionResponse::answer(&mut rng, &verified_req, &outcomes[m].share, &w.keys[m].signing).unwrap()
        })
        .collect();
    let verify_resp = |resp: &[u8], req: &PartialDecryptionRequest| {
        kind(
            PartialDecryptionResponseIn::from_slice(resp)
                .map_err(Into::into)
                .and_then(|r| r.verify(req, &w.committee, public)),
        )
    };
    for (resp, m) in responses.iter().zip([1, 2, 4]) {
        assert_eq!(verify_resp(resp.as_bytes(), &request), "ok");
        t.case(&format!("response_member_{m}"), "ok", with(w.base(), json!({
            "step": "response", "request": req_hex, "response": hex(resp.as_bytes()), "dealings": dealing_hex, "qualified": qualified, "member": m,
        })));
    }
    let fake = SecretShare::from_secret_bytes(4, &[7u8; 32]).unwrap();
    let wrong = PartialDecryptionResponse::answer(&mut rng, &verified_req, &fake, &w.keys[3].signing).unwrap();
    let other_req = PartialDecryptionRequest::sign(
        &requester.signing,
        w.certs[0].id(),
        DAILY_KEY_ID,
        NOW,
        600,
        b"another",
        RESPONDERS,
        &[qr.enc(), share_in.enc()],
    )
    .unwrap();
    let other_verified = PartialDecryptionRequestIn::from_slice(other_req.as_bytes())
        .unwrap()
        .verify(&w.certs[0], &w.committee, NOW)
        .unwrap();
    let replayed =
        PartialDecryptionResponse::answer(&mut rng, &other_verified, &outcomes[1].share, &w.keys[1].signing).unwrap();
    let mut tampered = responses[0].as_bytes().to_vec();
    let l = tampered.len() - 1;
    tampered[l] ^= 1;
    for (name, bytes) in [
        ("response_wrong_partial", wrong.as_bytes().to_vec()),
        ("response_to_another_request", replayed.as_bytes().to_vec()),
        ("response_tampered_signature", tampered),
    ] {
        let got = verify_resp(&bytes, &request);
        assert_ne!(got, "ok", "{name}");
        t.case(name, &got, with(w.base(), json!({
            "step": "response", "request": req_hex, "response": hex(&bytes), "dealings": dealing_hex, "qualified": qualified,
        })));
    }

    // Open both ways.
    let combined = combine(&request, public, &responses).unwrap();
    let by_threshold = qr.open_threshold(&combined).unwrap();
    let key = reconstruct(&[&outcomes[2].share, &outcomes[3].share, &outcomes[4].share]);
    assert_eq!(&key.public_key(), public.daily_public_key());
    let by_key = qr.open(&key).unwrap();
    assert!(by_threshold.user_id == by_key.user_id && by_threshold.data_secret == by_key.data_secret);
    let h1 = share_in.open_threshold(&combined).unwrap();
    let h2 = share_in.open(&key).unwrap();
    assert!(h1.user_id == h2.user_id && h1.days == h2.days);
    let resp_hex: Vec<Value> = responses.iter().map(|r| hex(r.as_bytes())).collect();
    t.case("open_both_ways", "ok", with(w.base(), json!({
        "step": "open", "request": req_hex, "responses": resp_hex, "dealings": dealing_hex, "qualified": qualified,
        "guest_qr": hex(qr.to_bytes()), "history_share": hex(share.as_bytes()),
        "daily_private_key": hex(key.to_bytes().as_slice()),
        "user_id": hex(user_id.as_bytes()), "data_secret": hex(data_secret.expose_secret()),
    })));
    t.case("open_with_two_responses", "too_few", with(w.base(), json!({
        "step": "open", "request": req_hex, "responses": resp_hex[..2].to_vec(), "dealings": dealing_hex, "qualified": qualified,
        "guest_qr": hex(qr.to_bytes()), "history_share": hex(share.as_bytes()),
    })));

    // The committee key announcement (§13.4), appended: signed by members 1, 3 and 5.
    {
        use luca_protocol::threshold::announcement::{CommitteeKeyAnnouncementIn, CommitteeKeyDraft};
        let start = NOW.day().start();
        let v = Validity { not_before: start, not_after: start.plus_secs(86_400) };
        let retain = start.plus_secs(15 * 86_400);
        let draft = CommitteeKeyDraft::new(&w.committee, public, v, retain).unwrap();
        let sign = |members: &[u16]| {
            let sigs: Vec<_> = members.iter().map(|&m| draft.sign(m, &w.keys[usize::from(m - 1)].signing)).collect();
            draft.assemble(&sigs)
        };
        let verify = |bytes: &[u8], certs: &[HealthOfficeCertificate], now: UnixTime| {
            kind(CommitteeKeyAnnouncementIn::from_slice(bytes).map_err(Into::into).and_then(|a| a.verify(certs, now)))
        };
        let good = sign(&[1, 3, 5]);
        assert_eq!(verify(&good, &w.certs, NOW), "ok");
        t.case("announcement_signed_by_t_members", "ok", with(w.base(), json!({
            "step": "announcement", "announcement": hex(&good), "daily_public_key": hex(public.daily_public_key().to_bytes()),
            "signers": [1, 3, 5], "public_shares": shares_hex,
        })));
        let two = sign(&[2, 4]);
        t.case(
            "announcement_signed_by_fewer_than_t",
            &verify(&two, &w.certs, NOW),
            with(w.base(), json!({"step": "announcement", "announcement": hex(&two)})),
        );
        let outsider_keys = HealthOfficeMasterKeys::generate(&mut rng);
        let outsider = HealthOfficeCertificate::issue(
            &anchor,
            HealthOfficeId::random(&mut rng),
            "Gesundheitsamt 7",
            &outsider_keys.signing.public_key(),
            &outsider_keys.encryption.public_key(),
            validity,
        )
        .unwrap();
        let by_outsider = draft.assemble(&[
            draft.sign(1, &w.keys[0].signing),
            draft.sign(2, &w.keys[1].signing),
            draft.sign(3, &outsider_keys.signing),
        ]);
        let mut with_outsider = w.certs.clone();
        with_outsider.push(outsider.clone());
        let got = verify(&by_outsider, &with_outsider, NOW);
        assert_eq!(got, "too_few");
        t.case("announcement_signed_by_a_non_member", &got, with(w.base(), json!({
            "step": "announcement", "announcement": hex(&by_outsider), "other_certificates": [hex(outsider.as_bytes())],
        })));
        let mut base = w.base();
        base.insert("now".into(), json!(v.not_after.0));
        t.case(
            "announcement_expired",
            &verify(&good, &w.certs, v.not_after),
            with(base, json!({"step": "announcement", "announcement": hex(&good)})),
        );
        t.case(
            "announcement_truncated_by_one",
            &verify(&good[..good.len() - 1], &w.certs, NOW),
            with(w.base(), json!({"step": "announcement", "announcement": hex(&good[..good.len() - 1])})),
        );
    }
    t
}
