//! Threshold daily keys (PROTOCOL.md §13) through the public API: a committee of five offices with
//! `t = 3` runs the DKG, a guest seals a check-in QR and a history share to the daily public key,
//! and the tracing office opens both with partial decryptions of two co-offices — the same
//! plaintext as plain HPKE with the key reconstructed from three shares. Then the attacks.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::arithmetic_side_effects,
    clippy::panic,
    clippy::cast_possible_truncation
)]

use luca_protocol::ids::{DailyKeyId, HealthOfficeId, TraceId, UserId};
use luca_protocol::keys::{HealthOfficeMasterKeys, TrustAnchorKey};
use luca_protocol::messages::history_share::{HistoryShare, HistoryShareIn};
use luca_protocol::qr::guest::{DeviceType, GuestCheckInQr, QrFlags};
use luca_protocol::secrets::{DailyTracingSecret, DataSecret};
use luca_protocol::signed::health_office_certificate::HealthOfficeCertificate;
use luca_protocol::threshold::dkg::{DkgComplaintIn, DkgDealingIn, DkgJustificationIn, DkgOutcome, DkgRound1};
use luca_protocol::threshold::partial::{
    PartialDecryptionRequest, PartialDecryptionRequestIn, PartialDecryptionResponse, PartialDecryptionResponseIn,
    combine,
};
use luca_protocol::threshold::{Committee, SecretShare, ThresholdError};
use luca_protocol::time::{UnixTime, Validity};
use rand_chacha::ChaCha20Rng;
use rand_core::SeedableRng;

const NOW: UnixTime = UnixTime(1_796_000_000);

struct Office {
    keys: HealthOfficeMasterKeys,
    cert: HealthOfficeCertificate,
}

fn offices(rng: &mut ChaCha20Rng, n: usize, validity: Validity) -> Vec<Office> {
    let anchor = TrustAnchorKey::generate(rng);
    (0..n)
        .map(|i| {
            let keys = HealthOfficeMasterKeys::generate(rng);
            let cert = HealthOfficeCertificate::issue(
                &anchor,
                HealthOfficeId::random(rng),
                &format!("Gesundheitsamt {i}"),
                &keys.signing.public_key(),
                &keys.encryption.public_key(),
                validity,
            )
            .unwrap();
            Office { keys, cert }
        })
        .collect()
}

fn validity() -> Validity {
    Validity { not_before: NOW.minus_secs(86_400), not_after: NOW.plus_secs(365 * 86_400) }
}

/// Runs the whole DKG with every message going through its bytes and decoder.
fn run_dkg(rng: &mut ChaCha20Rng, committee: &Committee, offices: &[&Office]) -> Vec<DkgOutcome> {
    let started: Vec<_> = offices
        .iter()
        .zip(1u16..)
        .map(|(o, i)| DkgRound1::start(rng, committee.clone(), i, &o.keys.signing).unwrap())
        .collect();
    let dealing_bytes: Vec<Vec<u8>> = started.iter().map(|s| s.dealing.as_bytes().to_vec()).collect();
    let dealings: Vec<_> =
        dealing_bytes.iter().map(|b| DkgDealingIn::from_slice(b).unwrap().verify(committee).unwrap()).collect();
    let round2: Vec<_> = started
        .into_iter()
        .zip(offices)
        .map(|(s, o)| s.state.receive(&dealings, &o.keys.encryption, &o.keys.signing).unwrap())
        .collect();
    let complaints: Vec<_> = round2
        .iter()
        .flat_map(|r| r.complaints.iter())
        .map(|c| DkgComplaintIn::from_slice(c.as_bytes()).unwrap().verify(committee).unwrap())
        .collect();
    assert!(complaints.is_empty(), "honest dealers draw no complaint");
    let justifications: Vec<_> = round2
        .iter()
        .zip(offices)
        .flat_map(|(r, o)| r.state.justify(&complaints, &o.keys.signing))
        .map(|j| DkgJustificationIn::from_slice(j.as_bytes()).unwrap().verify(committee).unwrap())
        .collect();
    round2.into_iter().map(|r| r.state.finish(&complaints, &justifications).unwrap()).collect()
}

#[path = "support/reconstruct.rs"]
mod support_reconstruct;
use support_reconstruct::reconstruct;

struct Fixture {
    offices: Vec<Office>,
    committee: Committee,
    outcomes: Vec<DkgOutcome>,
    rng: ChaCha20Rng,
}

fn fixture(n: usize, t: u16) -> Fixture {
    let mut rng = ChaCha20Rng::seed_from_u64(2026);
    let offices = offices(&mut rng, n, validity());
    let certs: Vec<_> = offices.iter().map(|o| o.cert.clone()).collect();
    let committee = Committee::new(DailyKeyId(7), t, &certs).unwrap();
    let refs: Vec<&Office> = offices.iter().collect();
    let outcomes = run_dkg(&mut rng, &committee, &refs);
    Fixture { offices, committee, outcomes, rng }
}

fn guest_qr(rng: &mut ChaCha20Rng, f: &Fixture) -> (GuestCheckInQr, UserId, DataSecret) {
    let user_id = UserId::random(rng);
    let data_secret = DataSecret::random(rng);
    let flags = QrFlags { device_type: DeviceType::Android, entry_policy: 0 };
    let public = f.outcomes[0].public.daily_public_key();
    let qr = GuestCheckInQr::seal(
        rng,
        DailyKeyId(7),
        public,
        flags,
        NOW.minute(),
        TraceId::from_array([9; 16]),
        &user_id,
        &data_secret,
    )
    .unwrap();
    (qr, user_id, data_secret)
}

fn request(f: &Fixture, requester: usize, responders: &[u16], encs: &[[u8; 65]]) -> PartialDecryptionRequest {
    let o = &f.offices[requester];
    PartialDecryptionRequest::sign(
        &o.keys.signing,
        o.cert.id(),
        DailyKeyId(7),
        NOW,
        600,
        b"tracing request bytes",
        responders,
        encs,
    )
    .unwrap()
}

fn answer(f: &mut Fixture, member: usize, req: &PartialDecryptionRequest) -> PartialDecryptionResponse {
    let verified = PartialDecryptionRequestIn::from_slice(req.as_bytes())
        .unwrap()
        .verify(&f.offices[req_index(f, req)].cert, &f.committee, NOW)
        .unwrap();
    PartialDecryptionResponse::answer(&mut f.rng, &verified, &f.outcomes[member].share, &f.offices[member].keys.signing)
        .unwrap()
}

fn req_index(f: &Fixture, req: &PartialDecryptionRequest) -> usize {
    f.offices.iter().position(|o| o.cert.id() == req.requester()).unwrap()
}

fn received(
    f: &Fixture,
    req: &PartialDecryptionRequest,
    r: &PartialDecryptionResponse,
) -> Result<PartialDecryptionResponse, ThresholdError> {
    PartialDecryptionResponseIn::from_slice(r.as_bytes()).unwrap().verify(req, &f.committee, &f.outcomes[0].public)
}

#[test]
fn every_member_agrees_on_the_daily_key_and_public_shares() {
    let f = fixture(5, 3);
    for o in &f.outcomes {
        assert_eq!(o.public, f.outcomes[0].public);
        assert_eq!(o.qualified, vec![1, 2, 3, 4, 5]);
        assert!(o.disqualified.is_empty());
    }
    let shares: Vec<&SecretShare> = f.outcomes.iter().map(|o| &o.share).collect();
    for set in [[0usize, 1, 2], [1, 3, 4], [4, 0, 2]] {
        let key = reconstruct(&set.map(|i| shares[i])).unwrap();
        assert_eq!(&key.public_key(), f.outcomes[0].public.daily_public_key(), "any 3 shares give the key");
    }
    assert_eq!(format!("{:?}", shares[0]), "SecretShare { index: 1, value: <redacted> }");
}

#[test]
fn a_check_in_and_a_history_share_open_both_ways_with_the_same_plaintext() {
    let mut f = fixture(5, 3);
    let mut rng = ChaCha20Rng::seed_from_u64(5);
    let (qr, user_id, data_secret) = guest_qr(&mut rng, &f);
    let tracing = DailyTracingSecret::random(&mut rng);
    let share = HistoryShare::seal(
        &mut rng,
        DailyKeyId(7),
        f.outcomes[0].public.daily_public_key(),
        &user_id,
        &data_secret,
        &[(NOW.day(), &tracing)],
        NOW,
    )
    .unwrap();
    let share = HistoryShareIn::from_slice(share.as_bytes()).unwrap();

    // Threshold: office 1 (member 1) asks members 2 and 4; its own share is the third.
    let req = request(&f, 0, &[1, 2, 4], &[qr.enc(), share.enc()]);
    let responses: Vec<_> = [0usize, 1, 3].iter().map(|&m| answer(&mut f, m, &req)).collect();
    let verified: Vec<_> = responses.iter().map(|r| received(&f, &req, r).unwrap()).collect();
    let combined = combine(&req, &f.outcomes[0].public, &verified).unwrap();
    let by_threshold = qr.open_threshold(&combined).unwrap();
    let history = share.open_threshold(&combined).unwrap();

    // Plain HPKE with the key reconstructed from three shares: the same plaintexts.
    let key = reconstruct(&[&f.outcomes[2].share, &f.outcomes[3].share, &f.outcomes[4].share]).unwrap();
    let by_key = qr.open(&key).unwrap();
    assert_eq!(by_threshold.user_id, user_id);
    assert_eq!(by_key.user_id, user_id);
    assert!(by_threshold.data_secret == data_secret && by_key.data_secret == data_secret);
    let plain = share.open(&key).unwrap();
    assert_eq!(history.user_id, plain.user_id);
    assert!(history.days == plain.days);
}

#[test]
fn attack_t_minus_1_offices_cannot_open() {
    let mut f = fixture(5, 3);
    let mut rng = ChaCha20Rng::seed_from_u64(6);
    let (qr, _, _) = guest_qr(&mut rng, &f);
    let req = request(&f, 0, &[1, 2, 3], &[qr.enc()]);
    let answers: Vec<_> = [0usize, 1].iter().map(|&m| answer(&mut f, m, &req)).collect();
    let two: Vec<_> = answers.iter().map(|r| received(&f, &req, r).unwrap()).collect();
    assert_eq!(combine(&req, &f.outcomes[0].public, &two).unwrap_err(), ThresholdError::TooFew { needed: 3, got: 2 });
    // The same response twice is still one member.
    let dup = vec![two[0].clone(), two[0].clone(), two[1].clone()];
    assert_eq!(combine(&req, &f.outcomes[0].public, &dup).unwrap_err(), ThresholdError::TooFew { needed: 3, got: 2 });
    // Pooling two shares (the tracing office's and a colluder's) gives a key that opens nothing.
    let guess = reconstruct(&[&f.outcomes[0].share, &f.outcomes[1].share]).unwrap();
    assert_ne!(&guess.public_key(), f.outcomes[0].public.daily_public_key());
    assert!(qr.open(&guess).is_err());
}

#[test]
fn attack_wrong_replayed_or_misplaced_partials_are_detected_and_named() {
    let mut f = fixture(5, 3);
    let mut rng = ChaCha20Rng::seed_from_u64(7);
    let (qr_a, _, _) = guest_qr(&mut rng, &f);
    let (qr_b, _, _) = guest_qr(&mut rng, &f);
    let req_a = request(&f, 0, &[2, 3, 4], &[qr_a.enc()]);
    let req_b = request(&f, 0, &[2, 3, 4], &[qr_b.enc()]);

    // Member 3 answers with another scalar (a wrong partial, honestly signed by it).
    let fake = SecretShare::from_secret_bytes(3, &[7u8; 32]).unwrap();
    let verified = PartialDecryptionRequestIn::from_slice(req_a.as_bytes())
        .unwrap()
        .verify(&f.offices[0].cert, &f.committee, NOW)
        .unwrap();
    let wrong = PartialDecryptionResponse::answer(&mut f.rng, &verified, &fake, &f.offices[2].keys.signing).unwrap();
    assert_eq!(received(&f, &req_a, &wrong).unwrap_err(), ThresholdError::WrongPartial { member: 3 });

    // Member 2's genuine answer to request B, replayed as an answer to request A.
    let for_b = answer(&mut f, 1, &req_b);
    assert_eq!(received(&f, &req_a, &for_b).unwrap_err(), ThresholdError::WrongPartial { member: 2 });

    // Member 1 is asked to answer request A, which did not name it: it refuses; its answer to a
    // request that did name it is no answer to one that did not (named).
    let verified_a = PartialDecryptionRequestIn::from_slice(req_a.as_bytes())
        .unwrap()
        .verify(&f.offices[0].cert, &f.committee, NOW)
        .unwrap();
    assert_eq!(
        PartialDecryptionResponse::answer(&mut f.rng, &verified_a, &f.outcomes[0].share, &f.offices[0].keys.signing)
            .unwrap_err(),
        ThresholdError::Refused("this member is not among the responders")
    );
    let req_1 = request(&f, 0, &[1, 2, 3], &[qr_a.enc()]);
    let by_1 = answer(&mut f, 0, &req_1);
    let unasked = PartialDecryptionRequest::sign(
        &f.offices[0].keys.signing,
        f.offices[0].cert.id(),
        DailyKeyId(7),
        NOW,
        600,
        b"tracing request bytes",
        &[2, 3, 4],
        &[qr_a.enc()],
    )
    .unwrap();
    assert_eq!(received(&f, &unasked, &by_1).unwrap_err(), ThresholdError::WrongPartial { member: 1 });

    // A partial for the right enc and member but another responder set (the coefficient of
    // another set) fails the proof of this one.
    let req_a2 = request(&f, 0, &[2, 4, 5], &[qr_a.enc()]);
    let by_2_other_set = answer(&mut f, 1, &req_a2);
    assert_eq!(received(&f, &req_a, &by_2_other_set).unwrap_err(), ThresholdError::WrongPartial { member: 2 });

    // A response signed by member 4 but claiming to be member 5's.
    let by_4 = answer(&mut f, 3, &req_a);
    let mut bytes = by_4.as_bytes().to_vec();
    let pos = bytes.windows(2).position(|w| w == [0x58, 0x20]).unwrap() + 34; // after request_hash
    assert_eq!(bytes[pos], 4);
    bytes[pos] = 5;
    let forged = PartialDecryptionResponseIn::from_slice(&bytes).unwrap();
    assert_eq!(
        forged.verify(&req_a, &f.committee, &f.outcomes[0].public).unwrap_err(),
        ThresholdError::BadSignature { member: 5 }
    );
}

#[test]
fn attack_requests_a_co_office_must_refuse() {
    let f = fixture(5, 3);
    let mut rng = ChaCha20Rng::seed_from_u64(8);
    let (qr, _, _) = guest_qr(&mut rng, &f);
    let req = request(&f, 0, &[1, 2, 3], &[qr.enc()]);
    let parse = |r: &PartialDecryptionRequest| PartialDecryptionRequestIn::from_slice(r.as_bytes()).unwrap();
    // Expired (and not yet valid).
    assert_eq!(
        parse(&req).verify(&f.offices[0].cert, &f.committee, NOW.plus_secs(600)).unwrap_err(),
        ThresholdError::Refused("request not current")
    );
    assert_eq!(
        parse(&req).verify(&f.offices[0].cert, &f.committee, NOW.minus_secs(1)).unwrap_err(),
        ThresholdError::Refused("request not current")
    );
    // Presented with another office's certificate.
    assert_eq!(
        parse(&req).verify(&f.offices[1].cert, &f.committee, NOW).unwrap_err(),
        ThresholdError::Refused("certificate of another office")
    );
    // From a certified office that is not on the committee.
    let mut rng2 = ChaCha20Rng::seed_from_u64(99);
    let outsider = &offices(&mut rng2, 1, validity())[0];
    let out_req = PartialDecryptionRequest::sign(
        &outsider.keys.signing,
        outsider.cert.id(),
        DailyKeyId(7),
        NOW,
        600,
        b"x",
        &[1, 2, 3],
        &[qr.enc()],
    )
    .unwrap();
    assert_eq!(
        parse(&out_req).verify(&outsider.cert, &f.committee, NOW).unwrap_err(),
        ThresholdError::Refused("requester is not a committee member")
    );
    // From an office whose certificate has expired.
    let expired_at = validity().not_after;
    assert_eq!(
        parse(&req).verify(&f.offices[0].cert, &f.committee, expired_at).unwrap_err(),
        ThresholdError::Refused("requester certificate not valid now")
    );
    // Signed by somebody else in the name of member 1.
    let forged = PartialDecryptionRequest::sign(
        &f.offices[1].keys.signing,
        f.offices[0].cert.id(),
        DailyKeyId(7),
        NOW,
        600,
        b"x",
        &[1, 2, 3],
        &[qr.enc()],
    )
    .unwrap();
    assert_eq!(
        parse(&forged).verify(&f.offices[0].cert, &f.committee, NOW).unwrap_err(),
        ThresholdError::BadSignature { member: 1 }
    );
    // For another daily key.
    let other = PartialDecryptionRequest::sign(
        &f.offices[0].keys.signing,
        f.offices[0].cert.id(),
        DailyKeyId(8),
        NOW,
        600,
        b"x",
        &[1, 2, 3],
        &[qr.enc()],
    )
    .unwrap();
    assert_eq!(
        parse(&other).verify(&f.offices[0].cert, &f.committee, NOW).unwrap_err(),
        ThresholdError::Refused("another daily key")
    );
    // A responder set that is not t members of the committee: refused.
    for responders in [&[1u16, 2][..], &[1, 2, 3, 4], &[1, 2, 6]] {
        let r = request(&f, 0, responders, &[qr.enc()]);
        assert_eq!(
            parse(&r).verify(&f.offices[0].cert, &f.committee, NOW).unwrap_err(),
            ThresholdError::Refused("responders are not t members of the committee"),
            "{responders:?}"
        );
    }
    // Responders not strictly ascending, or index 0, do not even sign (nor decode, see the vectors).
    for responders in [&[2u16, 1, 3][..], &[1, 1, 3], &[0, 1, 2], &[]] {
        let r = PartialDecryptionRequest::sign(
            &f.offices[0].keys.signing,
            f.offices[0].cert.id(),
            DailyKeyId(7),
            NOW,
            600,
            b"x",
            responders,
            &[qr.enc()],
        );
        assert_eq!(
            r.unwrap_err(),
            ThresholdError::Decode(luca_protocol::error::DecodeError::InvalidField { field: "responders" }),
            "{responders:?}"
        );
    }
    // A request valid for longer than an hour does not decode.
    let bytes = req.as_bytes();
    assert!(PartialDecryptionRequestIn::from_slice(&bytes[..bytes.len() - 1]).is_err());
}

#[test]
fn attack_a_removed_members_old_share_opens_nothing_sealed_to_a_later_key() {
    let mut rng = ChaCha20Rng::seed_from_u64(10);
    let all = offices(&mut rng, 5, validity());
    let certs: Vec<_> = all.iter().map(|o| o.cert.clone()).collect();
    let day1 = Committee::new(DailyKeyId(7), 3, &certs).unwrap();
    let day1_out = run_dkg(&mut rng, &day1, &all.iter().collect::<Vec<_>>());
    // Office 5 leaves: day 2's committee is the other four.
    let day2 = Committee::new(DailyKeyId(8), 3, &certs[..4]).unwrap();
    let day2_out = run_dkg(&mut rng, &day2, &all[..4].iter().collect::<Vec<_>>());
    assert_ne!(day1_out[0].public.daily_public_key(), day2_out[0].public.daily_public_key());

    let user_id = UserId::random(&mut rng);
    let ds = DataSecret::random(&mut rng);
    let flags = QrFlags { device_type: DeviceType::Ios, entry_policy: 0 };
    let qr = GuestCheckInQr::seal(
        &mut rng,
        DailyKeyId(8),
        day2_out[0].public.daily_public_key(),
        flags,
        NOW.minute(),
        TraceId::from_array([1; 16]),
        &user_id,
        &ds,
    )
    .unwrap();
    // The removed office's request is refused by day 2's committee.
    let req5 = PartialDecryptionRequest::sign(
        &all[4].keys.signing,
        all[4].cert.id(),
        DailyKeyId(8),
        NOW,
        600,
        b"x",
        &[1, 2, 3],
        &[qr.enc()],
    )
    .unwrap();
    assert_eq!(
        PartialDecryptionRequestIn::from_slice(req5.as_bytes()).unwrap().verify(&all[4].cert, &day2, NOW).unwrap_err(),
        ThresholdError::Refused("requester is not a committee member")
    );
    // Its day-1 share, together with two day-1 shares of others, reconstructs day 1's key only.
    let old = reconstruct(&[&day1_out[4].share, &day1_out[0].share, &day1_out[1].share]).unwrap();
    assert_eq!(&old.public_key(), day1_out[0].public.daily_public_key());
    assert!(qr.open(&old).is_err());
    // A partial made with the old share, offered as member 4's on day 2, fails its proof.
    let req = PartialDecryptionRequest::sign(
        &all[0].keys.signing,
        all[0].cert.id(),
        DailyKeyId(8),
        NOW,
        600,
        b"x",
        &[1, 2, 4],
        &[qr.enc()],
    )
    .unwrap();
    let stale = SecretShare::from_secret_bytes(4, &day1_out[4].share.expose_secret()).unwrap();
    let resp = PartialDecryptionResponse::answer(&mut rng, &req, &stale, &all[3].keys.signing).unwrap();
    assert_eq!(
        PartialDecryptionResponseIn::from_slice(resp.as_bytes())
            .unwrap()
            .verify(&req, &day2, &day2_out[0].public)
            .unwrap_err(),
        ThresholdError::WrongPartial { member: 4 }
    );
}

#[test]
fn committees_check_their_parameters() {
    let mut rng = ChaCha20Rng::seed_from_u64(11);
    let o = offices(&mut rng, 3, validity());
    let certs: Vec<_> = o.iter().map(|o| o.cert.clone()).collect();
    assert!(matches!(Committee::new(DailyKeyId(1), 0, &certs), Err(ThresholdError::InvalidCommittee(_))));
    assert!(matches!(Committee::new(DailyKeyId(1), 4, &certs), Err(ThresholdError::InvalidCommittee(_))));
    assert!(matches!(Committee::new(DailyKeyId(1), 1, &[]), Err(ThresholdError::InvalidCommittee(_))));
    let twice = vec![certs[0].clone(), certs[0].clone()];
    assert!(matches!(Committee::new(DailyKeyId(1), 1, &twice), Err(ThresholdError::InvalidCommittee(_))));
    // t = 1: any single member opens (the old behaviour, explicit in the committee).
    let single = Committee::new(DailyKeyId(1), 1, &certs).unwrap();
    let out = run_dkg(&mut rng, &single, &o.iter().collect::<Vec<_>>());
    assert_eq!(&reconstruct(&[&out[1].share]).unwrap().public_key(), out[0].public.daily_public_key());
    // A dealing of one session does not verify in another.
    let other = Committee::new(DailyKeyId(2), 1, &certs).unwrap();
    let started = DkgRound1::start(&mut rng, single.clone(), 1, &o[0].keys.signing).unwrap();
    assert_eq!(
        DkgDealingIn::from_slice(started.dealing.as_bytes()).unwrap().verify(&other).unwrap_err(),
        ThresholdError::WrongSession
    );
}

mod announcement {
    use luca_protocol::threshold::announcement::{CommitteeKeyAnnouncementIn, CommitteeKeyDraft, CommitteeSignature};

    use super::*;

    fn day_validity() -> (Validity, UnixTime) {
        // Daily key 7 is for UTC day 7 of the 16-bit day counter's cycle: pick the day of NOW and its id.
        let start = NOW.day().start();
        (Validity { not_before: start, not_after: start.plus_secs(86_400) }, start.plus_secs(15 * 86_400))
    }

    /// A 5-office t = 3 committee for today's key id, and its DKG.
    fn today() -> Fixture {
        let mut rng = ChaCha20Rng::seed_from_u64(404);
        let offices = offices(&mut rng, 5, validity());
        let certs: Vec<_> = offices.iter().map(|o| o.cert.clone()).collect();
        let committee = Committee::new(DailyKeyId::for_day(NOW.day()), 3, &certs).unwrap();
        let refs: Vec<&Office> = offices.iter().collect();
        let outcomes = run_dkg(&mut rng, &committee, &refs);
        Fixture { offices, committee, outcomes, rng }
    }

    fn signed_by(f: &Fixture, members: &[u16]) -> Vec<u8> {
        let (v, retain) = day_validity();
        let draft = CommitteeKeyDraft::new(&f.committee, &f.outcomes[0].public, v, retain).unwrap();
        let sigs: Vec<CommitteeSignature> =
            members.iter().map(|&m| draft.sign(m, &f.offices[usize::from(m - 1)].keys.signing)).collect();
        draft.assemble(&sigs)
    }

    fn certs(f: &Fixture) -> Vec<HealthOfficeCertificate> {
        f.offices.iter().map(|o| o.cert.clone()).collect()
    }

    #[test]
    fn t_member_signatures_make_a_daily_key_a_guest_accepts() {
        let f = today();
        let bytes = signed_by(&f, &[1, 3, 5]);
        let a = CommitteeKeyAnnouncementIn::from_slice(&bytes).unwrap().verify(&certs(&f), NOW).unwrap();
        assert_eq!(a.public_key(), f.outcomes[0].public.daily_public_key());
        assert_eq!((a.threshold(), a.signers().to_vec(), a.committee().len()), (3, vec![1, 3, 5], 5));
        assert_eq!(a.public_shares(), f.outcomes[0].public, "the shares a tracing office verifies partials with");
        assert_eq!(a.as_bytes(), bytes.as_slice());
    }

    #[test]
    fn attack_announcement_with_fewer_than_t_committee_signatures_is_refused() {
        let f = today();
        let bytes = signed_by(&f, &[2, 4]);
        assert_eq!(
            CommitteeKeyAnnouncementIn::from_slice(&bytes).unwrap().verify(&certs(&f), NOW).unwrap_err(),
            ThresholdError::TooFew { needed: 3, got: 2 }
        );
    }

    #[test]
    fn attack_announcement_signed_by_non_members_is_refused() {
        let f = today();
        let (v, retain) = day_validity();
        let draft = CommitteeKeyDraft::new(&f.committee, &f.outcomes[0].public, v, retain).unwrap();
        // Two members and an outsider (certified, but not on the committee) claiming member 3's slot.
        let mut rng = ChaCha20Rng::seed_from_u64(405);
        let outsider = &offices(&mut rng, 1, validity())[0];
        let sigs = vec![
            draft.sign(1, &f.offices[0].keys.signing),
            draft.sign(2, &f.offices[1].keys.signing),
            draft.sign(3, &outsider.keys.signing),
        ];
        let mut all = certs(&f);
        all.push(outsider.cert.clone());
        let bytes = draft.assemble(&sigs);
        assert_eq!(
            CommitteeKeyAnnouncementIn::from_slice(&bytes).unwrap().verify(&all, NOW).unwrap_err(),
            ThresholdError::TooFew { needed: 3, got: 2 }
        );
        // A member whose certificate the verifier does not hold (revoked, unknown) does not count either.
        let bytes = signed_by(&f, &[1, 2, 3]);
        let without_3: Vec<_> = certs(&f).into_iter().filter(|c| c.id() != f.offices[2].cert.id()).collect();
        assert_eq!(
            CommitteeKeyAnnouncementIn::from_slice(&bytes).unwrap().verify(&without_3, NOW).unwrap_err(),
            ThresholdError::TooFew { needed: 3, got: 2 }
        );
    }

    #[test]
    fn announcements_are_checked_for_time_shares_and_layout() {
        let f = today();
        let bytes = signed_by(&f, &[1, 2, 3]);
        let (v, retain) = day_validity();
        let parse = || CommitteeKeyAnnouncementIn::from_slice(&bytes).unwrap();
        assert_eq!(parse().verify(&certs(&f), v.not_after).unwrap_err().kind(), "expired");
        assert_eq!(parse().verify(&certs(&f), v.not_before.minus_secs(1)).unwrap_err().kind(), "not_yet_valid");
        assert!(parse().verify_for_retention(&certs(&f), retain.minus_secs(1)).is_ok());
        // Public shares that are not on one polynomial with X: refused at decoding.
        let mut tampered = bytes.clone();
        let pos = tampered.windows(33).position(|w| w == f.outcomes[0].public.shares()[4].1).unwrap();
        tampered[pos + 32] ^= 1;
        assert!(CommitteeKeyAnnouncementIn::from_slice(&tampered).is_err());
        // Truncated, trailing bytes, oversized.
        assert!(CommitteeKeyAnnouncementIn::from_slice(&bytes[..bytes.len() - 1]).is_err());
        let mut long = bytes.clone();
        long.push(0);
        assert!(CommitteeKeyAnnouncementIn::from_slice(&long).is_err());
        assert_eq!(CommitteeKeyAnnouncementIn::from_slice(&vec![0u8; 40 * 1024]).unwrap_err().kind(), "too_long");
        // t = 1, said so in the object: one signature suffices.
        let mut rng = ChaCha20Rng::seed_from_u64(406);
        let o = offices(&mut rng, 2, validity());
        let c: Vec<_> = o.iter().map(|x| x.cert.clone()).collect();
        let single = Committee::new(DailyKeyId::for_day(NOW.day()), 1, &c).unwrap();
        let out = run_dkg(&mut rng, &single, &o.iter().collect::<Vec<_>>());
        let draft = CommitteeKeyDraft::new(&single, &out[0].public, v, retain).unwrap();
        let one = draft.assemble(&[draft.sign(2, &o[1].keys.signing)]);
        let a = CommitteeKeyAnnouncementIn::from_slice(&one).unwrap().verify(&c, NOW).unwrap();
        assert_eq!(a.threshold(), 1);
    }
}
