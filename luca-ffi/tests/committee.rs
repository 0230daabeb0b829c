//! Threshold daily keys through the FFI, as the bindings drive them: five health offices run the
//! committee DKG (t = 3) in byte messages, three sign the committee key announcement, a guest
//! checks in at a scanner and a second one checks in himself under it; the first guest shares her
//! history; the tracing office opens it and the venue's consent response with the partial
//! decryptions of two co-offices (each answering under its own policy) and decrypts the contact.
//! Also: a request refused by a policy, a replayed answer named `wrong_partial`, steps called twice.

use std::sync::Arc;

use luca_ffi::{
    CommitteeKeyAnnouncement, CommitteeKeyInfo, ContactFields, DeviceType, HealthOffice, HealthOfficeCertificate,
    LucaError, PartialDecryptionPolicy, PartialDecryptionRequestInfo, PendingOpening, PolicyError, PrivateMeetingHost,
    Registrar, ScannedVenue, StoredCheckIn, TracingWindow, TrustAnchor, Validity, Venue, register_guest,
};

const T0: u64 = 1_795_942_800; // 2026-11-29T09:00:00Z
const N: usize = 5;
const T: u16 = 3;

fn fields(first: &str) -> ContactFields {
    ContactFields {
        first_name: first.to_owned(),
        last_name: "Mustermann".to_owned(),
        phone: "+49 30 1234567".to_owned(),
        email: String::new(),
        street: String::new(),
        house_number: String::new(),
        postcode: String::new(),
        city: "Köln".to_owned(),
    }
}

fn kind<T>(r: Result<T, LucaError>) -> Option<&'static str> {
    r.err().map(|e| e.kind())
}

/// A co-office's rule: only this requester, only with this authorization, and something to decrypt.
struct OnlyFor {
    requester: Vec<u8>,
    authorization: Vec<u8>,
}

impl PartialDecryptionPolicy for OnlyFor {
    fn allow(&self, request: PartialDecryptionRequestInfo) -> Result<bool, PolicyError> {
        Ok(request.requester == self.requester
            && request.authorization == self.authorization
            && !request.encs.is_empty())
    }
}

/// A policy that cannot decide.
struct Unreachable;

impl PartialDecryptionPolicy for Unreachable {
    fn allow(&self, _: PartialDecryptionRequestInfo) -> Result<bool, PolicyError> {
        Err(PolicyError::Failed { reason: "policy database unreachable".to_owned() })
    }
}

/// Every member runs the DKG; the messages go to everybody (the server is a vector). Returns the key id.
fn committee_dkg(offices: &[Arc<HealthOffice>], certs: &[Arc<HealthOfficeCertificate>]) -> Result<u16, LucaError> {
    let dkgs =
        offices.iter().map(|o| o.clone().start_committee_dkg(certs.to_vec(), T, T0)).collect::<Result<Vec<_>, _>>()?;
    let dealings: Vec<Vec<u8>> = dkgs.iter().map(|d| d.dealing()).collect();
    let mut complaints = Vec::new();
    for d in &dkgs {
        let received = d.receive(dealings.clone())?;
        assert!(received.rejected.is_empty());
        complaints.extend(received.complaints);
    }
    assert!(complaints.is_empty(), "honest members complain about nobody");
    // Called twice: the state is taken.
    let first = dkgs.first().ok_or(LucaError::Poisoned)?;
    assert_eq!(kind(first.receive(dealings.clone())), Some("invalid_state"));
    let mut justifications = Vec::new();
    for d in &dkgs {
        justifications.extend(d.justify(complaints.clone())?);
    }
    let mut key = None;
    let mut public = None;
    for (member, d) in (1u16..).zip(&dkgs) {
        let installed = d.finish(complaints.clone(), justifications.clone())?;
        assert_eq!(installed.member, member);
        assert_eq!(installed.qualified.len(), N);
        assert!(installed.disqualified.is_empty());
        assert!(public.as_ref().is_none_or(|p| *p == installed.public_key), "one daily public key");
        public = Some(installed.public_key);
        key = Some(installed.daily_key_id);
    }
    assert_eq!(kind(first.finish(vec![], vec![])), Some("invalid_state"));
    assert_eq!(kind(first.justify(vec![])), Some("invalid_state"));
    key.ok_or(LucaError::Poisoned)
}

/// Committee member `member` (1-based, the order of the certificates given to the DKG).
fn member(offices: &[Arc<HealthOffice>], member: u16) -> Result<&Arc<HealthOffice>, LucaError> {
    (1u16..).zip(offices).find_map(|(i, o)| (i == member).then_some(o)).ok_or(LucaError::Poisoned)
}

/// Members `members` (1-based) answer every request of `pending` under their policy, and the answers are accepted.
/// The office ids of committee members `members` (1-based, office `i` is member `i + 1`).
fn ids(certs: &[Arc<HealthOfficeCertificate>], members: &[u16]) -> Vec<Vec<u8>> {
    members.iter().filter_map(|&m| certs.get(usize::from(m).checked_sub(1)?)).map(|c| c.office_id()).collect()
}

fn threshold_round(
    offices: &[Arc<HealthOffice>],
    tracer: &Arc<HealthOfficeCertificate>,
    members: &[u16],
    pending: &PendingOpening,
    authorization: &[u8],
) -> Result<(), LucaError> {
    for request in pending.requests() {
        for &m in members {
            let policy = OnlyFor { requester: tracer.office_id(), authorization: authorization.to_vec() };
            let answer = member(offices, m)?.answer_partial_decryption(
                request.request.clone(),
                tracer.clone(),
                T0 + 3600,
                Box::new(policy),
            )?;
            assert_eq!(pending.accept(request.daily_key_id, answer)?, m);
        }
    }
    Ok(())
}

#[test]
fn five_offices_threshold_three_trace_a_contact() -> Result<(), LucaError> {
    let year = Validity { not_before: T0 - 86_400, not_after: T0 + 365 * 86_400 };
    let anchor = TrustAnchor::new()?;
    let mut offices = Vec::new();
    let mut certs = Vec::new();
    for i in 0..N {
        let office = HealthOffice::new()?;
        let request = office.certificate_request(format!("Gesundheitsamt {i}"))?;
        certs.push(office.install_certificate(
            anchor.certify_health_office(request, year)?,
            anchor.public_key(),
            T0,
        )?);
        offices.push(office);
    }

    // The DKG, then members 2, 4 and 5 sign the committee key announcement.
    let key_id = committee_dkg(&offices, &certs)?;
    assert_eq!(offices[3].committee_key_ids()?, vec![key_id]);
    let signings = [1, 3, 4].iter().map(|&i| offices[i].sign_committee_key(key_id)).collect::<Result<Vec<_>, _>>()?;
    assert!(signings.iter().all(|s| s.draft.payload() == signings[0].draft.payload()));
    let signatures: Vec<_> = signings.iter().map(|s| s.signature.clone()).collect();
    let too_few = signings[0].draft.assemble(signatures[..2].to_vec())?;
    assert_eq!(kind(CommitteeKeyAnnouncement::verify(too_few, certs.clone(), T0)), Some("too_few"));
    let bytes = signings[0].draft.assemble(signatures)?;
    let daily = CommitteeKeyAnnouncement::verify(bytes, certs.clone(), T0)?;
    assert_eq!((daily.key_id(), daily.threshold(), daily.signers()), (key_id, T, vec![2, 4, 5]));
    assert_eq!(daily.committee(), certs.iter().map(|c| c.office_id()).collect::<Vec<_>>());

    // A venue and its scanner; Erika at the scanner, Max checks in himself at table 2.
    let registrar = Registrar::new()?;
    let reg_cert = registrar.install_certificate(
        anchor.certify_registrar(registrar.registration_request("Registrar".to_owned())?, year)?,
        anchor.public_key(),
        T0,
    )?;
    let venue = Venue::new()?;
    let descriptor = registrar.register_venue(venue.registration_request("Café".to_owned(), Some(4))?, year)?;
    venue.install_descriptor(descriptor, reg_cert.clone(), T0)?;
    let scanner = venue.scanner()?;
    scanner.add_committee_key(daily.clone())?;
    let erika = register_guest(fields("Erika"), DeviceType::Android, T0)?;
    let code = erika.guest.check_in_code_committee(daily.clone(), T0)?;
    let scan = scanner.scan(code.text, T0 + 3)?;
    let max = register_guest(fields("Max"), DeviceType::Ios, T0)?;
    let scanned = ScannedVenue::scan(venue.printed_qr_url("luca.example".to_owned(), Some(2))?, reg_cert, T0 + 30)?;
    let own = max.guest.self_check_in_committee(scanned, daily.clone(), T0 + 30)?;
    let records = vec![
        StoredCheckIn { record: scan.record, additional_data: None },
        StoredCheckIn { record: own.record, additional_data: own.additional_data },
    ];

    // Office 1 traces: Erika's history share needs the committee (itself and members 2 and 4).
    let tracer = &offices[0];
    let tracer_cert = &certs[0];
    let share = erika.guest.share_history_committee(daily, T0 + 3600)?;
    assert_eq!(kind(tracer.open_history_share(share.clone())), Some("unknown_daily_key"));
    let opening = tracer.clone().threshold_opening();
    opening.add_history_share(share)?;
    let case = b"case 2026-4711".to_vec();
    let pending = opening.request_partials(T0 + 3600, 600, case.clone(), ids(&certs, &[1, 2, 4]))?;
    assert_eq!(
        kind(opening.request_partials(T0 + 3600, 600, case.clone(), ids(&certs, &[1, 2, 4]))),
        Some("invalid_state")
    );
    assert_eq!(kind(opening.add_history_share(vec![])), Some("truncated"));
    let requests = pending.requests();
    assert_eq!(requests.iter().map(|r| r.daily_key_id).collect::<Vec<_>>(), vec![key_id]);
    assert_eq!(requests[0].responders, ids(&certs, &[1, 2, 4]));

    // Member 5's policy refuses: it approves another case only.
    let refused = OnlyFor { requester: tracer_cert.office_id(), authorization: b"another case".to_vec() };
    assert_eq!(
        kind(offices[4].answer_partial_decryption(
            requests[0].request.clone(),
            tracer_cert.clone(),
            T0 + 3600,
            Box::new(refused)
        )),
        Some("refused_by_policy")
    );
    assert_eq!(
        kind(offices[4].answer_partial_decryption(
            requests[0].request.clone(),
            tracer_cert.clone(),
            T0 + 3600,
            Box::new(Unreachable)
        )),
        Some("policy_failed")
    );
    // Member 3 is not asked: it refuses, whatever its policy.
    assert_eq!(
        kind(offices[2].answer_partial_decryption(
            requests[0].request.clone(),
            tracer_cert.clone(),
            T0 + 3600,
            Box::new(OnlyFor { requester: tracer_cert.office_id(), authorization: case.clone() })
        )),
        Some("refused")
    );
    threshold_round(&offices, tracer_cert, &[1, 2, 4], &pending, &case)?;
    // Keep an answer to replay against the next opening.
    let policy = OnlyFor { requester: tracer_cert.office_id(), authorization: case.clone() };
    let old_answer = offices[1].answer_partial_decryption(
        requests[0].request.clone(),
        tracer_cert.clone(),
        T0 + 3600,
        Box::new(policy),
    )?;
    let opened = pending.finish()?;
    assert_eq!(kind(pending.finish()), Some("invalid_state"));
    assert_eq!(kind(pending.accept(key_id, old_answer.clone())), Some("invalid_state"));
    assert_eq!(opened.histories.len(), 1);
    let history = opened.histories[0].history.clone().ok_or(LucaError::Poisoned)?;
    assert_eq!(history.user_id(), erika.guest.user_id()?);
    let matches = history.match_check_ins(records.iter().map(|r| r.record.clone()).collect());
    assert_eq!(matches.len(), 1);

    // The venue consents; the consent response opens with the committee's partials.
    let start = u64::from(scan.minute) * 60 - 600;
    let request =
        tracer.request_tracing(venue.venue_id()?, TracingWindow { start, end: start + 3600 }, T0 + 3600, 86_400)?;
    let answer = venue.answer_tracing_request(request.to_bytes(), tracer_cert.clone(), records, T0 + 3600)?;
    assert_eq!(answer.consented, 2);
    let opening = tracer.clone().threshold_opening();
    for response in answer.responses {
        opening.add_consent_response(response, request.clone())?;
    }
    let pending = opening.request_partials(T0 + 3600, 600, case.clone(), ids(&certs, &[1, 4, 5]))?;
    // An answer to the earlier request is named: member 2's partials are wrong for this one.
    let err = pending.accept(key_id, old_answer).err();
    assert_eq!(err.as_ref().map(LucaError::kind), Some("wrong_partial"));
    assert!(matches!(err, Some(LucaError::Tracing { .. })));
    threshold_round(&offices, tracer_cert, &[1, 4, 5], &pending, &case)?;
    let opened = pending.finish()?;
    let mut contacts = Vec::new();
    for consent in opened.consents {
        assert!(consent.unreadable.is_empty());
        for check_in in consent.check_ins {
            if check_in.user_id() != history.user_id() {
                contacts.push(tracer.decrypt_contact(max.contact_data.clone(), check_in)?);
            }
        }
    }
    assert_eq!(contacts.len(), 1);
    let contact = contacts.first().ok_or(LucaError::Poisoned)?;
    assert_eq!(contact.fields, fields("Max"));
    assert_eq!(contact.fields.first_name, "Max");
    assert_eq!(contact.table, Some(2));
    assert_eq!(contact.user_id, max.guest.user_id()?);
    Ok(())
}

/// Two answers where three are needed: the history share stays closed (`too_few`).
#[test]
fn too_few_partials_leave_the_entry_unreadable() -> Result<(), LucaError> {
    let year = Validity { not_before: T0 - 86_400, not_after: T0 + 365 * 86_400 };
    let anchor = TrustAnchor::new()?;
    let mut offices = Vec::new();
    let mut certs = Vec::new();
    for i in 0..N {
        let office = HealthOffice::new()?;
        let request = office.certificate_request(format!("Amt {i}"))?;
        certs.push(office.install_certificate(
            anchor.certify_health_office(request, year)?,
            anchor.public_key(),
            T0,
        )?);
        offices.push(office);
    }
    let key_id = committee_dkg(&offices, &certs)?;
    let signings = [0, 1, 2].iter().map(|&i| offices[i].sign_committee_key(key_id)).collect::<Result<Vec<_>, _>>()?;
    let bytes = signings[0].draft.assemble(signings.iter().map(|s| s.signature.clone()).collect())?;
    let daily = CommitteeKeyAnnouncement::verify(bytes, certs.clone(), T0)?;
    let erika = register_guest(fields("Erika"), DeviceType::Android, T0)?;
    erika.guest.check_in_code_committee(daily.clone(), T0)?;
    let share = erika.guest.share_history_committee(daily, T0 + 60)?;
    let opening = offices[0].clone().threshold_opening();
    opening.add_history_share(share)?;
    // Fewer than t responders named: nothing is signed.
    let err = opening.request_partials(T0 + 3600, 600, vec![], ids(&certs, &[1, 2])).err();
    assert_eq!(err.as_ref().map(LucaError::kind), Some("too_few"));
    assert_eq!(kind(opening.request_partials(T0 + 3600, 600, vec![], vec![vec![0; 15]])), Some("wrong_length"));
    let pending = opening.request_partials(T0 + 3600, 600, vec![], ids(&certs, &[1, 2, 3]))?;
    threshold_round(&offices, &certs[0], &[1, 2], &pending, &[])?;
    let opened = pending.finish()?;
    assert!(
        opened.histories.first().is_some_and(|h| h.history.is_none() && h.error_kind.as_deref() == Some("too_few"))
    );
    // No share of another day's key is held.
    assert_eq!(kind(offices[1].sign_committee_key(key_id.wrapping_add(1))), Some("unknown_daily_key"));
    Ok(())
}

/// What the bindings tell about a held share, the single-signature announcement for `t = 1` or a
/// transition, verification for decryption after the use period, and a private-meeting check-in under
/// a committee key.
#[test]
fn committee_key_info_announcement_retention_and_a_private_meeting() -> Result<(), LucaError> {
    let year = Validity { not_before: T0 - 86_400, not_after: T0 + 365 * 86_400 };
    let anchor = TrustAnchor::new()?;
    let mut offices = Vec::new();
    let mut certs = Vec::new();
    for i in 0..N {
        let office = HealthOffice::new()?;
        let request = office.certificate_request(format!("Amt {i}"))?;
        certs.push(office.install_certificate(
            anchor.certify_health_office(request, year)?,
            anchor.public_key(),
            T0,
        )?);
        offices.push(office);
    }
    let key_id = committee_dkg(&offices, &certs)?;
    let signings = [0, 2, 4].iter().map(|&i| offices[i].sign_committee_key(key_id)).collect::<Result<Vec<_>, _>>()?;
    let bytes = signings[0].draft.assemble(signings.iter().map(|s| s.signature.clone()).collect())?;
    let daily = CommitteeKeyAnnouncement::verify(bytes.clone(), certs.clone(), T0)?;

    // The held share, as the bindings show it; none of another key.
    let info = offices[3].committee_key(key_id)?.expect("a share");
    let want = CommitteeKeyInfo {
        daily_key_id: key_id,
        threshold: T,
        members: u16::try_from(N).expect("five members fit in a u16"),
        member: 4,
        daily_public_key: daily.public_key(),
        retain_until: daily.retain_until(),
    };
    assert_eq!(info, want);
    assert!(format!("{info:?}").starts_with("CommitteeKeyInfo { daily_key_id: "));
    assert_eq!(offices[3].committee_key(key_id.wrapping_add(1))?, None);

    // One member's own announcement of the same key (t = 1 style): its key id and public key.
    let single = offices[1].announce_committee_key(key_id, T0)?;
    assert_eq!((single.key_id(), single.public_key()), (key_id, daily.public_key()));
    assert_eq!(single.issuer_id(), certs[1].office_id());
    assert_eq!(kind(offices[1].announce_committee_key(key_id.wrapping_add(1), T0)), Some("unknown_daily_key"));

    // After its use period a guest or scanner no longer accepts the key; a health office still
    // verifies it for decryption until its retention ends.
    let later = daily.validity().not_after + 60;
    assert_eq!(kind(CommitteeKeyAnnouncement::verify(bytes.clone(), certs.clone(), later)), Some("expired"));
    let kept = CommitteeKeyAnnouncement::verify_for_retention(bytes.clone(), certs.clone(), later)?;
    assert_eq!(kept.key_id(), key_id);
    assert_eq!(
        kind(CommitteeKeyAnnouncement::verify_for_retention(bytes, certs.clone(), daily.retain_until())),
        Some("expired")
    );

    // A private meeting under the committee key: the host reads the guest's name.
    let registrar = Registrar::new()?;
    let reg_cert = registrar.install_certificate(
        anchor.certify_registrar(registrar.registration_request("Registrar".to_owned())?, year)?,
        anchor.public_key(),
        T0,
    )?;
    let host = PrivateMeetingHost::new("Birthday".to_owned(), Validity { not_before: T0, not_after: T0 + 86_400 })?;
    let meeting = ScannedVenue::scan(host.qr_url("luca.example".to_owned())?, reg_cert.clone(), T0 + 60)?;
    let max = register_guest(fields("Max"), DeviceType::Ios, T0)?;
    let c = max.guest.check_in_private_meeting_committee(meeting, daily.clone(), "Max Schmidt".to_owned(), T0 + 60)?;
    let guests = host.read_guests(vec![StoredCheckIn { record: c.record, additional_data: c.additional_data }]);
    assert_eq!(guests.iter().map(|g| g.name.as_deref()).collect::<Vec<_>>(), [Some("Max Schmidt")]);
    let venue = Venue::new()?;
    let descriptor = registrar.register_venue(venue.registration_request("Café".to_owned(), None)?, year)?;
    venue.install_descriptor(descriptor, reg_cert.clone(), T0)?;
    let cafe = ScannedVenue::scan(venue.printed_qr_url("luca.example".to_owned(), None)?, reg_cert, T0 + 60)?;
    assert_eq!(
        kind(max.guest.check_in_private_meeting_committee(cafe, daily, "Max Schmidt".to_owned(), T0 + 60)),
        Some("wrong_kind")
    );
    Ok(())
}
