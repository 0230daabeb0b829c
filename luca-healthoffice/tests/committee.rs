//! Threshold daily keys through the health-office role API (issue 11, items 7 and 8): five offices
//! with `t = 3` run the DKG, one announces the key, guests seal to it, and the tracing office opens
//! a history share and a consent response with the partial decryptions of two co-offices; the
//! policy hook, refused requests, a wrong partial named, and purge erasing the shares.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::arithmetic_side_effects,
    clippy::panic,
    clippy::cast_possible_truncation
)]

mod common;

use common::*;
use luca_healthoffice::{CommitteeError, CommitteeKeyInstalled, HealthOffice, KeyError, PendingOpening, TracingError};
use luca_protocol::ids::{DailyKeyId, HealthOfficeId};
use luca_protocol::messages::checkin_record::InnerRecord;
use luca_protocol::messages::tracing_request::TracingWindow;
use luca_protocol::signed::daily_key_announcement::DailyKeyAnnouncement;
use luca_protocol::signed::health_office_certificate::HealthOfficeCertificate;
use luca_protocol::threshold::ThresholdError;
use luca_protocol::threshold::dkg::DkgDealing;
use luca_protocol::threshold::partial::PartialDecryptionRequest;
use luca_protocol::time::UnixTime;

const KEY: DailyKeyId = DailyKeyId((NOW.0 / DAY) as u16);

/// Runs the DKG of `NOW`'s daily key among the first `n` offices with threshold `t`, every message
/// through its bytes; returns each member's result and office 0's announcement.
fn run_dkg(w: &mut World, n: usize, t: u16) -> (Vec<CommitteeKeyInstalled>, DailyKeyAnnouncement) {
    let members: Vec<HealthOfficeCertificate> = w.certs[..n].to_vec();
    let started: Vec<_> =
        (0..n).map(|i| w.offices[i].start_committee_dkg(&mut w.rng, &members, t, NOW).unwrap()).collect();
    let dealings: Vec<Vec<u8>> = started.iter().map(|s| s.dealing.as_bytes().to_vec()).collect();
    let received: Vec<_> =
        started.into_iter().enumerate().map(|(i, s)| s.dkg.receive(&w.offices[i], &dealings).unwrap()).collect();
    let complaints: Vec<Vec<u8>> =
        received.iter().flat_map(|r| r.complaints.iter().map(|c| c.as_bytes().to_vec())).collect();
    assert!(complaints.is_empty());
    assert!(received.iter().all(|r| r.rejected.is_empty()));
    let justifications: Vec<Vec<u8>> = received
        .iter()
        .enumerate()
        .flat_map(|(i, r)| r.dkg.justify(&w.offices[i], &complaints).unwrap())
        .map(|j| j.as_bytes().to_vec())
        .collect();
    let installed: Vec<_> = received
        .into_iter()
        .enumerate()
        .map(|(i, r)| r.dkg.finish(&mut w.offices[i], &complaints, &justifications).unwrap())
        .collect();
    let announcement = w.offices[0].announce_committee_key(KEY, NOW).unwrap();
    (installed, announcement)
}

/// Member `member` (0-based office) answers `request` from office `requester`, accepting everything.
fn answer(w: &mut World, member: usize, requester: usize, request: &PartialDecryptionRequest) -> Vec<u8> {
    let cert = w.certs[requester].clone();
    w.offices[member]
        .answer_partial_decryption(&mut w.rng, request.as_bytes(), &cert, NOW, |_| true)
        .unwrap()
        .as_bytes()
        .to_vec()
}

/// The office ids of `members` (indices into the world's offices), for `request_partials`.
fn ids(w: &World, members: &[usize]) -> Vec<HealthOfficeId> {
    members.iter().map(|&m| w.offices[m].id()).collect()
}

fn answer_all(w: &mut World, pending: &mut PendingOpening, members: &[usize]) {
    let requests: Vec<PartialDecryptionRequest> = pending.requests().cloned().collect();
    for request in &requests {
        for &m in members {
            let bytes = answer(w, m, 0, request);
            assert_eq!(pending.accept(request.daily_key_id(), &bytes).unwrap(), m as u16 + 1);
        }
    }
}

struct Scene {
    w: World,
    daily: DailyKeyAnnouncement,
    guests: Vec<TestGuest>,
    venue: TestVenue,
    records: Vec<Vec<u8>>,
}

/// Five offices, `t = 3`, two guests checked in at one venue with the threshold key.
fn scene(seed: u64) -> Scene {
    let mut w = world(seed, 5);
    let (_, daily) = run_dkg(&mut w, 5, 3);
    let guests = vec![TestGuest::new(&mut w.rng, "Erika"), TestGuest::new(&mut w.rng, "Max")];
    let venue = TestVenue::new(&mut w.rng);
    let records = guests
        .iter()
        .enumerate()
        .map(|(i, g)| {
            let m = minute(i as u32);
            let qr = g.qr(&mut w.rng, &daily, m);
            venue.record(&mut w.rng, &InnerRecord::Guest(qr), g.trace_id(m), m)
        })
        .collect();
    Scene { w, daily, guests, venue, records }
}

#[test]
fn five_offices_t3_open_a_history_and_a_consent_response_through_the_role_api() {
    let mut s = scene(1);
    // Every member holds a share of the same key, nobody the whole key.
    for (i, office) in s.w.offices.iter().enumerate() {
        let info = office.committee_key(KEY).unwrap();
        assert_eq!(info.member, i as u16 + 1);
        assert_eq!(info.committee.threshold(), 3);
        assert_eq!(info.committee.len(), 5);
        assert_eq!(info.public.daily_public_key(), &s.daily.public_key());
        assert_eq!(info.retain_until, DAY_START.plus_secs(28 * DAY));
        assert_eq!(office.daily_keys().count(), 0);
        assert_eq!(office.committee_key_ids().collect::<Vec<_>>(), vec![KEY]);
    }
    assert_eq!(s.daily.key_id(), KEY.0);
    assert_eq!(s.daily.issuer(), s.w.offices[0].id());
    assert_eq!(s.daily.validity().not_before, DAY_START);
    assert_eq!(s.daily.retain_until(), DAY_START.plus_secs(28 * DAY));

    // The history share: office 0 traces, with offices 2 and 4 (its own share is the third).
    let history = s.guests[0].history(&mut s.w.rng, &s.daily);
    assert_eq!(s.w.offices[0].open_history_share(&history).unwrap_err(), TracingError::UnknownDailyKey);
    let mut opening = s.w.offices[0].threshold_opening();
    opening.add_history_share(&history).unwrap();
    let mut pending = opening.request_partials(NOW, 600, b"TAN case 17", &ids(&s.w, &[0, 2, 4])).unwrap();
    assert_eq!(pending.requests().count(), 1);
    assert_eq!(pending.requests().next().unwrap().encs().len(), 1);
    answer_all(&mut s.w, &mut pending, &[0, 2, 4]);
    let opened = pending.finish();
    assert!(opened.consents.is_empty());
    let shared = opened.histories.into_iter().next().unwrap().unwrap();
    assert_eq!(shared.user_id, s.guests[0].user_id);
    assert_eq!(shared.days.len(), 1);

    // The consent response of the venue: both guests' QRs in one request.
    let window = TracingWindow { from: NOW.minus_secs(3600), to: NOW.plus_secs(3600) };
    let request = s.w.offices[0].request_tracing(&mut s.w.rng, s.venue.id, window, NOW, DAY).unwrap();
    let consent = s.venue.consent(&mut s.w.rng, &request, &s.w.certs[0], &s.records, |_| None);
    let plain = s.w.offices[0].open_consent_response(&consent, &request).unwrap();
    assert_eq!(plain.check_ins.len(), 0);
    assert_eq!(plain.unreadable.len(), 2);
    assert_eq!(plain.unreadable[0].error, TracingError::UnknownDailyKey);

    let mut opening = s.w.offices[0].threshold_opening();
    assert_eq!(opening.add_consent_response(&consent, &request).unwrap(), 2);
    let mut pending = opening.request_partials(NOW, 600, request.as_bytes(), &ids(&s.w, &[1, 3, 0])).unwrap();
    assert_eq!(pending.requests().next().unwrap().encs().len(), 2);
    answer_all(&mut s.w, &mut pending, &[1, 3, 0]);
    let opened = pending.finish();
    assert_eq!(opened.consents.len(), 1);
    let c = &opened.consents[0];
    assert_eq!(c.venue_id, s.venue.id);
    assert_eq!(c.request_id, request.request_id());
    assert!(c.unreadable.is_empty());
    assert_eq!(c.check_ins.len(), 2);
    for (check_in, guest) in c.check_ins.iter().zip(&s.guests) {
        assert_eq!(check_in.secrets.user_id, guest.user_id);
        let contact = s.w.offices[0].decrypt_contact(&guest.contact_data(&mut s.w.rng), check_in).unwrap();
        assert_eq!(contact.fields, guest.fields);
        assert_eq!(contact.venue_id, s.venue.id);
    }
}

#[test]
fn t1_any_single_member_opens_alone() {
    let mut w = world(2, 3);
    let (installed, daily) = run_dkg(&mut w, 3, 1);
    assert_eq!(installed.iter().map(|i| i.member).collect::<Vec<_>>(), vec![1, 2, 3]);
    assert!(installed.iter().all(|i| i.qualified == vec![1, 2, 3] && i.disqualified.is_empty()));
    let guest = TestGuest::new(&mut w.rng, "Aylin");
    let history = guest.history(&mut w.rng, &daily);
    for tracer in 0..3 {
        let mut opening = w.offices[tracer].threshold_opening();
        opening.add_history_share(&history).unwrap();
        let mut pending = opening.request_partials(NOW, 60, b"t = 1", &ids(&w, &[tracer])).unwrap();
        let request = pending.requests().next().unwrap().clone();
        let cert = w.certs[tracer].clone();
        let own = w.offices[tracer].answer_partial_decryption(&mut w.rng, request.as_bytes(), &cert, NOW, |_| true);
        pending.accept(KEY, own.unwrap().as_bytes()).unwrap();
        let opened = pending.finish();
        assert_eq!(opened.histories[0].as_ref().unwrap().user_id, guest.user_id);
    }
}

#[test]
fn the_policy_hook_sees_the_request_and_may_refuse() {
    let mut s = scene(3);
    let history = s.guests[0].history(&mut s.w.rng, &s.daily);
    let mut opening = s.w.offices[0].threshold_opening();
    opening.add_history_share(&history).unwrap();
    let mut pending = opening.request_partials(NOW, 600, b"TAN case 18", &ids(&s.w, &[0, 1, 2])).unwrap();
    let request = pending.requests().next().unwrap().clone();
    let cert = s.w.certs[0].clone();
    let mut seen = Vec::new();
    let refused = s.w.offices[1].answer_partial_decryption(&mut s.w.rng, request.as_bytes(), &cert, NOW, |r| {
        seen.push((r.requester(), r.authorization().to_vec(), r.encs().len()));
        false
    });
    assert_eq!(refused.unwrap_err(), CommitteeError::RefusedByPolicy);
    assert_eq!(seen, vec![(s.w.offices[0].id(), b"TAN case 18".to_vec(), 1)]);
    // A policy that accepts only this case.
    let only = |r: &PartialDecryptionRequest| r.authorization() == b"TAN case 18";
    let ok = s.w.offices[2].answer_partial_decryption(&mut s.w.rng, request.as_bytes(), &cert, NOW, only).unwrap();
    pending.accept(KEY, ok.as_bytes()).unwrap();
    let own = s.w.offices[0].answer_partial_decryption(&mut s.w.rng, request.as_bytes(), &cert, NOW, only).unwrap();
    pending.accept(KEY, own.as_bytes()).unwrap();
    // Two of three: the share stays closed.
    let opened = pending.finish();
    assert_eq!(
        opened.histories[0].as_ref().unwrap_err(),
        &TracingError::Threshold(ThresholdError::TooFew { needed: 3, got: 2 })
    );
}

#[test]
fn requests_a_co_office_refuses() {
    let mut s = scene(4);
    let history = s.guests[0].history(&mut s.w.rng, &s.daily);
    let mut opening = s.w.offices[0].threshold_opening();
    opening.add_history_share(&history).unwrap();
    let pending = opening.request_partials(NOW, 600, b"case", &ids(&s.w, &[0, 1, 2])).unwrap();
    let request = pending.requests().next().unwrap().clone();
    let cert0 = s.w.certs[0].clone();
    let co = &s.w.offices[1];
    let rng = &mut s.w.rng;

    // Expired request (and not yet valid).
    let at = |now: UnixTime, rng: &mut _| co.answer_partial_decryption(rng, request.as_bytes(), &cert0, now, |_| true);
    assert_eq!(
        at(NOW.plus_secs(600), rng).unwrap_err(),
        CommitteeError::Threshold(ThresholdError::Refused("request not current"))
    );
    assert_eq!(
        at(NOW.minus_secs(1), rng).unwrap_err(),
        CommitteeError::Threshold(ThresholdError::Refused("request not current"))
    );
    // A member the request does not name (members 1, 2 and 3 are asked).
    assert_eq!(
        s.w.offices[3].answer_partial_decryption(rng, request.as_bytes(), &cert0, NOW, |_| true).unwrap_err(),
        CommitteeError::Threshold(ThresholdError::Refused("this member is not among the responders"))
    );
    // The daily key's retention has ended (the share is not purged yet, but not used either).
    assert_eq!(at(DAY_START.plus_secs(28 * DAY), rng).unwrap_err(), CommitteeError::Expired);

    // From a certified office outside the committee.
    let outsider = raw_office(rng, &s.w.anchor);
    let out = PartialDecryptionRequest::sign(
        &outsider.keys.signing,
        outsider.id,
        KEY,
        NOW,
        600,
        b"case",
        &[1, 2, 3],
        request.encs(),
    )
    .unwrap();
    assert_eq!(
        co.answer_partial_decryption(rng, out.as_bytes(), &outsider.cert, NOW, |_| true).unwrap_err(),
        CommitteeError::Threshold(ThresholdError::Refused("requester is not a committee member"))
    );
    // With a requester certificate of another trust anchor.
    let other = world(5, 1);
    assert_eq!(
        co.answer_partial_decryption(rng, request.as_bytes(), &other.certs[0], NOW, |_| true).unwrap_err(),
        CommitteeError::Key(KeyError::UntrustedCertificate)
    );
    // For a daily key this office holds no share of.
    let keys = &outsider.keys.signing;
    let other_key = PartialDecryptionRequest::sign(
        keys,
        outsider.id,
        DailyKeyId(KEY.0 + 1),
        NOW,
        600,
        b"x",
        &[1, 2, 3],
        request.encs(),
    )
    .unwrap();
    assert_eq!(
        co.answer_partial_decryption(rng, other_key.as_bytes(), &outsider.cert, NOW, |_| true).unwrap_err(),
        CommitteeError::UnknownDailyKey
    );
    // Garbage.
    assert_eq!(
        co.answer_partial_decryption(rng, b"\x00", &cert0, NOW, |_| true).unwrap_err().kind(),
        "unexpected_type"
    );
}

#[test]
fn a_wrong_partial_is_named_and_not_kept() {
    let mut s = scene(6);
    let history = s.guests[0].history(&mut s.w.rng, &s.daily);
    let other_history = s.guests[1].history(&mut s.w.rng, &s.daily);
    let mut opening = s.w.offices[0].threshold_opening();
    opening.add_history_share(&history).unwrap();
    let mut pending = opening.request_partials(NOW, 600, b"case A", &ids(&s.w, &[0, 1, 2])).unwrap();
    let mut other = s.w.offices[0].threshold_opening();
    other.add_history_share(&other_history).unwrap();
    let other = other.request_partials(NOW, 600, b"case B", &ids(&s.w, &[0, 1, 2])).unwrap();
    let request = pending.requests().next().unwrap().clone();
    let request_b = other.requests().next().unwrap().clone();

    // Member 3's genuine answer to request B, replayed into request A.
    let replayed = answer(&mut s.w, 2, 0, &request_b);
    assert_eq!(
        pending.accept(KEY, &replayed).unwrap_err(),
        TracingError::Threshold(ThresholdError::WrongPartial { member: 3 })
    );
    // An answer for a daily key the opening has no request for.
    let good = answer(&mut s.w, 2, 0, &request);
    assert_eq!(pending.accept(DailyKeyId(KEY.0 + 1), &good).unwrap_err(), TracingError::UnknownDailyKey);
    // The wrong one was not kept: with members 1, 2 and 3's genuine answers the share opens.
    for (m, bytes) in [(0usize, None), (1, None), (2, Some(good))] {
        let bytes = bytes.unwrap_or_else(|| answer(&mut s.w, m, 0, &request));
        pending.accept(KEY, &bytes).unwrap();
    }
    assert_eq!(pending.finish().histories[0].as_ref().unwrap().user_id, s.guests[0].user_id);
}

#[test]
fn purge_erases_the_shares_of_expired_daily_keys() {
    let mut s = scene(7);
    let retain_until = DAY_START.plus_secs(28 * DAY);
    let history = s.guests[0].history(&mut s.w.rng, &s.daily);
    let mut opening = s.w.offices[0].threshold_opening();
    opening.add_history_share(&history).unwrap();
    let request =
        opening.request_partials(NOW, 600, b"case", &ids(&s.w, &[0, 1, 2])).unwrap().requests().next().unwrap().clone();

    let report = s.w.offices[1].purge(retain_until.minus_secs(1));
    assert_eq!((report.daily_keys_erased, report.daily_key_shares_erased), (0, 0));
    assert!(s.w.offices[1].committee_key(KEY).is_some());
    let report = s.w.offices[1].purge(retain_until);
    assert_eq!((report.daily_keys_erased, report.badge_keys_erased, report.daily_key_shares_erased), (0, 0, 1));
    assert!(s.w.offices[1].committee_key(KEY).is_none());
    assert_eq!(s.w.offices[1].committee_key_ids().count(), 0);
    let cert0 = s.w.certs[0].clone();
    assert_eq!(
        s.w.offices[1].answer_partial_decryption(&mut s.w.rng, request.as_bytes(), &cert0, NOW, |_| true).unwrap_err(),
        CommitteeError::UnknownDailyKey
    );
    assert_eq!(s.w.offices[1].announce_committee_key(KEY, NOW).unwrap_err(), CommitteeError::UnknownDailyKey);
    assert!(format!("{:?}", s.w.offices[1]).contains("daily_key_shares: 0"));
}

#[test]
fn the_dkg_checks_its_office_and_committee() {
    let mut w = world(8, 4);
    let three: Vec<HealthOfficeCertificate> = w.certs[..3].to_vec();
    // Office 3 is not on a committee of offices 0..3.
    assert_eq!(
        w.offices[3].start_committee_dkg(&mut w.rng, &three, 2, NOW).unwrap_err(),
        CommitteeError::NotOnCommittee
    );
    assert_eq!(
        w.offices[0].start_committee_dkg(&mut w.rng, &three, 0, NOW).unwrap_err(),
        CommitteeError::Threshold(ThresholdError::InvalidCommittee("t must be 1..=n"))
    );
    assert_eq!(
        w.offices[0].start_committee_dkg(&mut w.rng, &three, 4, NOW).unwrap_err(),
        CommitteeError::Threshold(ThresholdError::InvalidCommittee("t must be 1..=n"))
    );
    // A member certified by another trust anchor.
    let stranger = world(9, 1).certs[0].clone();
    let mixed = vec![w.certs[0].clone(), stranger];
    assert_eq!(
        w.offices[0].start_committee_dkg(&mut w.rng, &mixed, 1, NOW).unwrap_err(),
        CommitteeError::Key(KeyError::UntrustedCertificate)
    );
    // An uncertified office.
    let bare = HealthOffice::generate(&mut w.rng);
    assert_eq!(
        bare.start_committee_dkg(&mut w.rng, &three, 2, NOW).unwrap_err(),
        CommitteeError::Key(KeyError::NotCertified)
    );
    // A DKG state handed to another office.
    let started = w.offices[0].start_committee_dkg(&mut w.rng, &three, 2, NOW).unwrap();
    assert_eq!(started.dkg.daily_key_id(), KEY);
    let dealing: &DkgDealing = &started.dealing;
    let dealings = vec![dealing.as_bytes().to_vec(), b"garbage".to_vec()];
    assert_eq!(started.dkg.receive(&w.offices[1], &dealings).unwrap_err(), CommitteeError::OtherOffice);
    // A malformed dealing is set aside and its dealer counts as having dealt nothing.
    let started = w.offices[0].start_committee_dkg(&mut w.rng, &three, 2, NOW).unwrap();
    let received = started.dkg.receive(&w.offices[0], &[b"garbage".to_vec()]).unwrap();
    assert_eq!(received.rejected.len(), 1);
    assert_eq!(received.rejected[0].0, 0);
    let none: [&[u8]; 0] = [];
    assert_eq!(
        received.dkg.finish(&mut w.offices[0], &none, &none).unwrap_err(),
        CommitteeError::Threshold(ThresholdError::TooFew { needed: 2, got: 1 })
    );
    // A second DKG of the same day's key once a share is held.
    let (_, _) = run_dkg(&mut w, 3, 2);
    assert_eq!(
        w.offices[0].start_committee_dkg(&mut w.rng, &three, 2, NOW).unwrap_err(),
        CommitteeError::Key(KeyError::KeyAlreadyHeld)
    );
}

#[test]
fn what_the_office_opens_itself_needs_no_partials() {
    let mut s = scene(10);
    // Office 0 also holds a whole daily key with the same id (another public key).
    let whole = s.w.offices[0].rotate_daily_key(&mut s.w.rng, NOW, &[]).unwrap().announcement;
    assert_eq!(whole.key_id(), KEY.0);
    assert_ne!(whole.public_key(), s.daily.public_key());
    let jonas = TestGuest::new(&mut s.w.rng, "Jonas");
    let m = minute(5);
    let qr = jonas.qr(&mut s.w.rng, &whole, m);
    let record = s.venue.record(&mut s.w.rng, &InnerRecord::Guest(qr), jonas.trace_id(m), m);
    s.records.push(record);

    let window = TracingWindow { from: NOW.minus_secs(3600), to: NOW.plus_secs(3600) };
    let request = s.w.offices[0].request_tracing(&mut s.w.rng, s.venue.id, window, NOW, DAY).unwrap();
    let consent = s.venue.consent(&mut s.w.rng, &request, &s.w.certs[0], &s.records, |_| None);
    let mut opening = s.w.offices[0].threshold_opening();
    assert_eq!(opening.add_consent_response(&consent, &request).unwrap(), 3);
    let mut pending = opening.request_partials(NOW, 600, request.as_bytes(), &ids(&s.w, &[0, 1, 2])).unwrap();
    // Only the two QRs sealed to the threshold key are asked for.
    assert_eq!(pending.requests().map(|r| r.encs().len()).collect::<Vec<_>>(), vec![2]);
    answer_all(&mut s.w, &mut pending, &[0, 1, 2]);
    let opened = pending.finish();
    let users: Vec<_> = opened.consents[0].check_ins.iter().map(|c| c.secrets.user_id).collect();
    assert_eq!(users, vec![s.guests[0].user_id, s.guests[1].user_id, jonas.user_id]);
    assert!(opened.consents[0].unreadable.is_empty());

    // A history share sealed to the whole key: no request at all.
    let history = jonas.history(&mut s.w.rng, &whole);
    let mut opening = s.w.offices[0].threshold_opening();
    opening.add_history_share(&history).unwrap();
    let pending = opening.request_partials(NOW, 600, b"case", &ids(&s.w, &[0, 1, 2])).unwrap();
    assert_eq!(pending.requests().count(), 0);
    assert_eq!(pending.finish().histories[0].as_ref().unwrap().user_id, jonas.user_id);

    // An authorization the co-offices would not decode is refused before anything is signed.
    let opening = s.w.offices[0].threshold_opening();
    let long = vec![0u8; luca_healthoffice::MAX_AUTHORIZATION_LEN + 1];
    assert_eq!(opening.request_partials(NOW, 600, &long, &[]).unwrap_err().kind(), "too_long");

    // Fewer than t responders on the key's committee (an office twice counts once; an office
    // off the committee not at all): nothing is signed.
    let history = s.guests[0].history(&mut s.w.rng, &s.daily);
    let outsider = world(99, 1).offices[0].id();
    for responders in [ids(&s.w, &[0, 1]), ids(&s.w, &[0, 1, 1]), [ids(&s.w, &[0, 1]), vec![outsider]].concat()] {
        let mut opening = s.w.offices[0].threshold_opening();
        opening.add_history_share(&history).unwrap();
        assert_eq!(
            opening.request_partials(NOW, 600, b"case", &responders).unwrap_err(),
            TracingError::Threshold(ThresholdError::TooFew { needed: 3, got: 2 })
        );
    }
    // More than t: the first t in the order given are asked.
    let mut opening = s.w.offices[0].threshold_opening();
    opening.add_history_share(&history).unwrap();
    let pending = opening.request_partials(NOW, 600, b"case", &ids(&s.w, &[4, 0, 2, 1])).unwrap();
    assert_eq!(pending.requests().next().unwrap().responders(), &[1, 3, 5]);
}

#[test]
fn finishing_is_the_same_on_one_thread_or_two() {
    let mut s = scene(11);
    let window = TracingWindow { from: NOW.minus_secs(3600), to: NOW.plus_secs(3600) };
    let request = s.w.offices[0].request_tracing(&mut s.w.rng, s.venue.id, window, NOW, DAY).unwrap();
    let consent = s.venue.consent(&mut s.w.rng, &request, &s.w.certs[0], &s.records, |_| None);
    let mut results = Vec::new();
    for threads in [1, 2] {
        let mut opening = s.w.offices[0].threshold_opening();
        opening.add_consent_response(&consent, &request).unwrap();
        let mut pending = opening.request_partials(NOW, 600, b"case", &ids(&s.w, &[0, 1, 2])).unwrap();
        answer_all(&mut s.w, &mut pending, &[0, 1, 2]);
        let pool = rayon::ThreadPoolBuilder::new().num_threads(threads).build().unwrap();
        let opened = pool.install(|| pending.finish());
        let seen: Vec<_> =
            opened.consents[0].check_ins.iter().map(|c| (c.trace_id, c.minute, c.secrets.user_id)).collect();
        results.push(seen);
    }
    assert_eq!(results[0].len(), 2);
    assert_eq!(results[0], results[1]);
}

/// The state's `committee_keys` list, re-encoded after `change` edits its entries.
fn with_committee_entries(state: &[u8], change: impl FnOnce(&mut Vec<ciborium::Value>)) -> Vec<u8> {
    let mut v: ciborium::Value = ciborium::from_reader(state).unwrap();
    let items = v.as_array_mut().unwrap();
    let entries = items.last_mut().unwrap().as_array_mut().unwrap();
    change(entries);
    let mut out = Vec::new();
    ciborium::into_writer(&v, &mut out).unwrap();
    out
}

#[test]
fn shares_survive_the_exported_state_and_a_restored_committee_opens() {
    let mut s = scene(12);
    for i in 0..5 {
        let saved = s.w.offices[i].export_state();
        let restored = HealthOffice::import_state(&saved).unwrap();
        let (before, after) = (s.w.offices[i].committee_key(KEY).unwrap(), restored.committee_key(KEY).unwrap());
        assert_eq!((after.member, &after.committee, &after.public), (before.member, &before.committee, &before.public));
        assert_eq!(after.retain_until, before.retain_until);
        assert_eq!(restored.export_state(), saved);
        s.w.offices[i] = restored;
    }
    // The restored offices open a history share together, as before the restart.
    let history = s.guests[1].history(&mut s.w.rng, &s.daily);
    let mut opening = s.w.offices[0].threshold_opening();
    opening.add_history_share(&history).unwrap();
    let mut pending = opening.request_partials(NOW, 600, b"TAN case 18", &ids(&s.w, &[0, 1, 3])).unwrap();
    answer_all(&mut s.w, &mut pending, &[0, 1, 3]);
    let shared = pending.finish().histories.into_iter().next().unwrap().unwrap();
    assert_eq!(shared.user_id, s.guests[1].user_id);

    // A stored share is checked against its committee and public shares.
    let inconsistent = Err(luca_healthoffice::StateError::Inconsistent { field: "committee_keys" });
    let saved = s.w.offices[0].export_state();
    let other = s.w.offices[1].export_state();
    let theirs = with_committee_entries(&other, |_| ());
    let entry_of_1 = {
        let v: ciborium::Value = ciborium::from_reader(theirs.as_slice()).unwrap();
        v.as_array().unwrap().last().unwrap().as_array().unwrap()[0].clone()
    };
    // Another member's entry (its index and share) in this office's state.
    let swapped = with_committee_entries(&saved, |e| e[0] = entry_of_1.clone());
    assert_eq!(HealthOffice::import_state(&swapped).map(|_| ()), inconsistent);
    // Another member's share under this office's index: not the secret of its public share.
    let share_1 = entry_of_1.as_array().unwrap()[5].clone();
    let wrong_share = with_committee_entries(&saved, |e| e[0].as_array_mut().unwrap()[5] = share_1);
    assert_eq!(HealthOffice::import_state(&wrong_share).map(|_| ()), inconsistent);
    // A public share changed, the day changed, the key stored twice.
    let public_changed = with_committee_entries(&saved, |e| {
        let entry = e[0].as_array_mut().unwrap();
        let mut shares = entry[7].as_bytes().unwrap().clone();
        let first = shares[2..35].to_vec();
        shares[2 * 35 + 2..3 * 35].copy_from_slice(&first);
        entry[7] = ciborium::Value::Bytes(shares);
    });
    assert_eq!(HealthOffice::import_state(&public_changed).map(|_| ()), inconsistent);
    let day_changed = with_committee_entries(&saved, |e| {
        let entry = e[0].as_array_mut().unwrap();
        let day = u64::try_from(entry[1].as_integer().unwrap()).unwrap();
        entry[1] = ciborium::Value::Integer((day + 1).into());
    });
    assert_eq!(HealthOffice::import_state(&day_changed).map(|_| ()), inconsistent);
    let twice = with_committee_entries(&saved, |e| e.push(e[0].clone()));
    assert_eq!(HealthOffice::import_state(&twice).map(|_| ()), inconsistent);
    // The encrypted state carries the shares too.
    let key = luca_protocol::state::StateKey::generate(&mut s.w.rng);
    let sealed = s.w.offices[2].export_state_encrypted(&mut s.w.rng, &key).unwrap();
    let back = HealthOffice::import_state_encrypted(&sealed, &key).unwrap();
    assert_eq!(back.committee_key(KEY).unwrap().member, 3);
}

#[test]
fn t_member_signatures_make_the_committee_key_announcement_fewer_do_not() {
    use luca_protocol::threshold::announcement::CommitteeKeyAnnouncementIn;
    let mut w = world(91, 5);
    let (installed, _) = run_dkg(&mut w, 5, 3);
    let signed: Vec<_> = w.offices.iter().map(|o| o.sign_committee_key(KEY).unwrap()).collect();
    // Every member's draft is the same bytes: their DKG views agree.
    assert!(signed.iter().all(|(d, _)| d.payload() == signed[0].0.payload()));
    let draft = &signed[0].0;
    let sigs: Vec<_> = signed.iter().map(|(_, s)| s.clone()).collect();
    let three = draft.assemble(&sigs[1..4]);
    let ann = CommitteeKeyAnnouncementIn::from_slice(&three).unwrap().verify(&w.certs, NOW).unwrap();
    assert_eq!(ann.signers(), &[2, 3, 4]);
    assert_eq!(ann.key_id(), KEY);
    assert_eq!(ann.public_key(), &installed[0].public_key);
    let two = draft.assemble(&sigs[..2]);
    assert_eq!(
        CommitteeKeyAnnouncementIn::from_slice(&two).unwrap().verify(&w.certs, NOW).unwrap_err(),
        ThresholdError::TooFew { needed: 3, got: 2 }
    );
    assert_eq!(w.offices[0].sign_committee_key(DailyKeyId(KEY.0 + 1)).unwrap_err(), CommitteeError::UnknownDailyKey);
}
