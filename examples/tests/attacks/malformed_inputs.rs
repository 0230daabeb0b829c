//! Attacks, section 12. malformed inputs (docs/THREAT-MODEL.md §3).

use super::*;

/// The error kind each malformed variant must produce at one decoder.
struct Kinds {
    /// Size cap + 1 bytes.
    too_long: &'static str,
    /// The last byte missing.
    truncated: &'static str,
    /// A zero byte appended.
    trailing: &'static str,
    /// 64 nested one-item arrays (within every cap).
    deep: &'static str,
    /// 10,000 nested one-item arrays.
    deep_10k: &'static str,
    /// The version byte set to another version.
    version: &'static str,
    /// No bytes at all.
    empty: &'static str,
}

impl Kinds {
    /// The rules of every CBOR message, COSE object and role state (§2.1):
    /// size cap first, then CBOR (bounded nesting, no trailing bytes), then the version.
    fn cbor(cap: usize) -> Self {
        Self {
            too_long: "too_long",
            truncated: "truncated",
            trailing: "trailing_bytes",
            deep: "nesting_too_deep",
            deep_10k: if 10_001 > cap { "too_long" } else { "nesting_too_deep" },
            version: "unsupported_version",
            empty: "truncated",
        }
    }

    /// A fixed-length layout (the guest QR): every wrong length is `wrong_length`.
    fn fixed() -> Self {
        Self {
            too_long: "wrong_length",
            truncated: "wrong_length",
            trailing: "wrong_length",
            deep: "wrong_length",
            deep_10k: "wrong_length",
            version: "unsupported_version",
            empty: "wrong_length",
        }
    }
}

type Path<'a> = (&'static str, Box<dyn FnMut(&[u8]) -> Result<(), &'static str> + 'a>);

/// A valid sample of one decoder's input, and how to break it.
struct Sample<'s> {
    name: &'static str,
    bytes: &'s [u8],
    cap: usize,
    /// Offset of the version byte, and the other version written there.
    version: (usize, u8),
    /// Bytes before the nested arrays (a QR type byte).
    prefix: &'static [u8],
    kinds: Kinds,
}

impl<'s> Sample<'s> {
    /// A CBOR message `[1, …]`.
    fn cbor(name: &'static str, bytes: &'s [u8], cap: usize) -> Self {
        Self { name, bytes, cap, version: (1, 2), prefix: &[], kinds: Kinds::cbor(cap) }
    }

    /// A COSE_Sign1 object whose payload is `[1, …]`.
    fn cose(name: &'static str, bytes: &'s [u8], cap: usize) -> Self {
        let parts = parse_cose(bytes);
        assert!((0x80..0x98).contains(&parts.payload[0]), "{name}: a short array head");
        Self { version: (parts.payload_at + 1, 2), ..Self::cbor(name, bytes, cap) }
    }

    /// A role state `[tag, version, …]` (version 1; the health office's is 2, and its version 1 is refused).
    fn state(name: &'static str, bytes: &'s [u8], cap: usize, tag: &str) -> Self {
        let at = find(bytes, tag.as_bytes()).unwrap() + tag.len();
        let other = if bytes[at] == 0x01 { 2 } else { 1 };
        Self { version: (at, other), ..Self::cbor(name, bytes, cap) }
    }

    /// Feeds the sample and its malformed variants to every path and checks the kinds.
    fn check(&self, mut paths: Vec<Path<'_>>) {
        let (name, valid, k) = (self.name, self.bytes, &self.kinds);
        let (at, other) = self.version;
        assert!(valid.len() <= self.cap, "{name}: the sample is within the cap");
        assert!(matches!(valid[at], 0x01 | 0x02 | 0x11), "{name}: the version byte");
        let mut oversized = valid.to_vec();
        oversized.resize(self.cap + 1, 0);
        let mut trailing = valid.to_vec();
        trailing.push(0);
        let nested = |depth: usize| [self.prefix.to_vec(), vec![0x81; depth], vec![0x01]].concat();
        let mut version = valid.to_vec();
        version[at] = other;
        let cases: [(&str, Vec<u8>, &str); 7] = [
            ("oversized", oversized, k.too_long),
            ("truncated", valid[..valid.len() - 1].to_vec(), k.truncated),
            ("trailing byte", trailing, k.trailing),
            ("nested 64", nested(64), k.deep),
            ("nested 10000", nested(10_000), k.deep_10k),
            ("wrong version", version, k.version),
            ("empty", Vec::new(), k.empty),
        ];
        for (path, decode) in &mut paths {
            assert_eq!(decode(valid), Ok(()), "{name} via {path}: the valid sample");
            for (case, bytes, kind) in &cases {
                assert_eq!(decode(bytes), Err(*kind), "{name} via {path}: {case}");
            }
        }
    }
}

/// A decoding result reduced to `Ok(())` or the error's kind.
fn kind_of<T, E>(result: Result<T, E>, kind: impl Fn(&E) -> &'static str) -> Result<(), &'static str> {
    result.map(drop).map_err(|e| kind(&e))
}

/// A path through `decode`, reporting `DecodeError::kind`.
fn path<'a, T>(name: &'static str, decode: impl Fn(&[u8]) -> Result<T, DecodeError> + 'a) -> Path<'a> {
    (name, Box::new(move |b| kind_of(decode(b), DecodeError::kind)))
}

/// A path through a role's or the server's function, reporting its error's kind.
fn via<'a, E: 'a>(
    name: &'static str,
    mut run: impl FnMut(&[u8]) -> Result<(), E> + 'a,
    kind: impl Fn(&E) -> &'static str + 'a,
) -> Path<'a> {
    (name, Box::new(move |b| kind_of(run(b), &kind)))
}

#[test]
fn attack_malformed_inputs_every_decoder() {
    let mut t = Town::new(21);
    let later = NOW.plus_secs(HOUR);
    // One valid sample of every message, made by the roles themselves.
    let code = t.alice.check_in_code(&mut t.rng, &t.daily, NOW).unwrap();
    let scan = t.scan(&code.text(), NOW);
    let ScannedVenue::Venue(venue) = Guest::scan_venue_qr(&t.venue_url, &t.registrar_cert, NOW).unwrap() else {
        panic!("the printed QR is a venue");
    };
    let self_check_in = t.alice.self_check_in(&mut t.rng, &venue, &t.daily, NOW.plus_secs(60)).unwrap();
    let own_record = CheckInRecordIn::from(self_check_in.record.clone());
    let additional = self_check_in.additional_data.unwrap().to_bytes();
    let content = AdditionalDataContent { table: Some(7), guest_name: None }.to_bytes().unwrap().to_vec();
    let checkout = t.alice.checkout(code.minute, later).unwrap().to_bytes().to_vec();
    let share = t.alice.share_history(&mut t.rng, &t.daily, NOW).unwrap().to_bytes();
    let (request, response, opened) = t.trace(later);
    let consented = &opened.check_ins[0];
    let list = t.office_a.notification_list(&mut t.rng, &[code.trace_id], &[], NOW).unwrap().to_bytes();
    // A badge without Argon2id: secrets from a random seed, signed in the
    // registrar's name by a key the test made (decoders do not verify).
    let registrar_key = RegistrarKey::generate(&mut t.rng);
    let secrets = derive::badge_secrets(&BadgeSeed::random(&mut t.rng)).unwrap();
    let badge_key = BadgePrivateKey::generate(&mut t.rng).public_key();
    let (registrar_id, rng) = (t.registrar.id(), &mut t.rng);
    let attestation =
        BadgeAttestation::issue(rng, &registrar_key, registrar_id, BadgeKeyId(1), &badge_key, &secrets, NOW).unwrap();
    let badge = BadgeQr::new(&attestation).unwrap().to_bytes();
    let guest_qr = code.qr.to_bytes();
    let record = t.server.record(code.trace_id);
    let contact_data = t.server.contact_data[&t.alice.user_id()].clone();
    let (anchor, cert_a, cert_b, rc) =
        (t.anchor.public_key(), t.cert_a.clone(), t.cert_b.clone(), t.registrar_cert.clone());
    let daily = t.daily.clone();

    // §5.1, §5.2 QR codes: the guest QR (binary, Base32 text, forwarded body),
    // the badge QR, and the scanned-text dispatch of a scanner.
    Sample { version: (0, 0x02), prefix: &[0x01], kinds: Kinds::fixed(), ..Sample::cbor("guest QR", &guest_qr, 109) }
        .check(vec![path("from_bytes", GuestCheckInQr::from_bytes)]);
    // The Base32 text is capped at 821 characters (the scanned-text cap) before it is decoded (issue 14).
    let kinds = Kinds { deep_10k: "too_long", ..Kinds::fixed() };
    Sample { version: (0, 0x02), prefix: &[0x01], kinds, ..Sample::cbor("guest QR text", &guest_qr, 109) }
        .check(vec![path("from_base32", |b| GuestCheckInQr::from_base32(&base32(b)))]);
    let body = code.qr.body().to_vec();
    Sample { version: (0, 0x02), prefix: &[0x01], kinds: Kinds::fixed(), ..Sample::cbor("guest QR body", &body, 105) }
        .check(vec![path("from_body", GuestCheckInQr::from_body)]);
    // A scanner caps the text at 821 characters before decoding it.
    let mut scanner = t.fresh_scanner();
    let rng = &mut t.rng;
    let kinds = Kinds { deep_10k: "too_long", empty: "truncated", ..Kinds::fixed() };
    Sample { version: (0, 0x02), prefix: &[0x01], kinds, ..Sample::cbor("scanned guest QR", &guest_qr, 109) }.check(
        vec![
            path("ScannedQr::from_text", |b| ScannedQr::from_text(&base32(b))),
            via("Scanner::scan", |b| scanner.scan(rng, &base32(b), NOW).map(drop), ScanError::kind),
        ],
    );
    let mut scanner = t.fresh_scanner();
    let rng = &mut t.rng;
    Sample { version: (0, 0x12), prefix: &[0x11], ..Sample::cbor("badge QR", &badge, BadgeQr::MAX_LEN) }.check(vec![
        path("from_bytes", BadgeQr::from_bytes),
        path("from_base32", |b| BadgeQr::from_base32(&base32(b))),
        path("ScannedQr::from_text", |b| ScannedQr::from_text(&base32(b))),
        // The scanner refuses the valid sample only when verifying its signature.
        via(
            "Scanner::scan",
            |b| match scanner.scan(rng, &base32(b), NOW) {
                Err(ScanError::UntrustedBadge(VerifyError::BadSignature)) => Ok(()),
                other => other.map(drop),
            },
            ScanError::kind,
        ),
    ]);
    // The badge QR's attestation with its payload version changed.
    let mut badge_version = badge.clone();
    badge_version[1 + Sample::cose("attestation in the badge QR", &badge[1..], 512).version.0] = 0x02;
    assert_eq!(BadgeQr::from_bytes(&badge_version).unwrap_err(), DecodeError::UnsupportedVersion { got: 2 });

    // §5.3 the venue QR: URL cap 2048, then base64url, then the payload's cap of 1200 and CBOR.
    let payload = VenueQr::from_url(&t.venue_url).unwrap().payload().to_vec();
    Sample::cbor("venue QR", &payload, VenueQr::MAX_PAYLOAD_LEN).check(vec![
        path("VenueQr::from_url", |b| VenueQr::from_url(&venue_url(b))),
        via(
            "Guest::scan_venue_qr",
            |b| match Guest::scan_venue_qr(&venue_url(b), &rc, NOW) {
                Err(ClientError::Invalid(e)) => Err(e),
                other => other.map(drop).map_err(|e| panic!("not a decoding error: {e}")),
            },
            DecodeError::kind,
        ),
    ]);
    let too_long = format!("{}{}", t.venue_url, "A".repeat(VenueQr::MAX_URL_LEN + 1 - t.venue_url.len()));
    assert_eq!(VenueQr::from_url(&too_long).unwrap_err(), DecodeError::TooLong { max: 2048, got: 2049 });
    assert_eq!(VenueQr::from_url(&t.venue_url.replace("/v1/", "/v2/")).unwrap_err(), DecodeError::InvalidUrl);
    assert_eq!(VenueQr::from_url(&format!("{}=", t.venue_url)).unwrap_err(), DecodeError::InvalidBase64);

    // §6 the TAN and §4.2 the badge serial, as typed by a person (no version, no CBOR).
    let tan = Tan::generate(&mut t.rng).to_string();
    assert!(Tan::parse(&tan).is_ok());
    let last = if tan.ends_with('A') { 'C' } else { 'A' };
    for (text, kind) in [
        ("A".repeat(Tan::MAX_INPUT_LEN + 1), "wrong_length"),
        (tan[..tan.len() - 1].to_owned(), "wrong_length"),
        (format!("{tan}A"), "wrong_length"),
        (String::new(), "wrong_length"),
        (tan.replace('-', "/"), "invalid_character"),
        (format!("{}{last}", &tan[..tan.len() - 1]), "bad_check_character"),
    ] {
        assert_eq!(Tan::parse(&text).unwrap_err().kind(), kind, "TAN {text:?}");
    }
    let serial = luca_protocol::badge_serial::BadgeSerial::generate(&mut t.rng).to_printed();
    assert!(luca_protocol::badge_serial::BadgeSerial::parse(&serial).is_ok());
    for (text, kind) in [
        ("0".repeat(65), "wrong_length"),
        (serial[..serial.len() - 1].to_owned(), "wrong_length"),
        (format!("{}0", serial.as_str()), "wrong_length"),
        (serial.replace('-', "U"), "invalid_character"),
    ] {
        assert_eq!(luca_protocol::badge_serial::BadgeSerial::parse(&text).unwrap_err().kind(), kind, "serial");
    }

    // §7 signed objects (the version is the payload's).
    let office_a = &mut t.office_a;
    Sample::cose("health-office certificate", &cert_a.to_bytes(), 1024).check(vec![
        path("from_slice", HealthOfficeCertificateIn::from_slice),
        via(
            "HealthOffice::install_certificate",
            |b| office_a.install_certificate(b, &anchor, NOW).map(drop),
            KeyError::kind,
        ),
    ]);
    let registrar = &mut t.registrar;
    let authority_kind = luca_authority::AuthorityError::kind;
    Sample::cose("registrar certificate", &rc.to_bytes(), 1024).check(vec![
        path("from_slice", RegistrarCertificateIn::from_slice),
        via(
            "Registrar::install_certificate",
            |b| registrar.install_certificate(b, &anchor, NOW).map(drop),
            authority_kind,
        ),
    ]);
    let share_bytes = t.daily_share.to_bytes();
    let office_b = &mut t.office_b;
    Sample::cose("daily key announcement", &daily.to_bytes(), 512).check(vec![
        path("from_slice", DailyKeyAnnouncementIn::from_slice),
        via("server", |b| server::daily_key_announcement(b, &cert_a, NOW).map(drop), ServerError::kind),
        via(
            "HealthOffice::import_key_share",
            |b| office_b.import_key_share(&share_bytes, b, &cert_a, NOW).map(drop),
            KeyError::kind,
        ),
    ]);
    let venue_owner = &mut t.venue;
    Sample::cose("venue descriptor", &t.descriptor.to_bytes(), 1024).check(vec![
        path("from_slice", VenueDescriptorIn::from_slice),
        via(
            "Venue::install_descriptor",
            |b| match venue_owner.install_descriptor(b, &rc, NOW) {
                Err(VenueError::MalformedDescriptor(e)) => Err(e),
                other => other.map_err(|e| panic!("not a decoding error: {e}")),
            },
            DecodeError::kind,
        ),
    ]);
    Sample::cose("private-meeting descriptor", &t.host.descriptor().to_bytes(), 1024)
        .check(vec![path("from_slice", VenueDescriptorIn::from_slice)]);
    Sample::cose("badge attestation", &attestation.to_bytes(), 512)
        .check(vec![path("from_slice", BadgeAttestationIn::from_slice)]);

    // §8 messages.
    let office_a = &t.office_a;
    Sample::cose("contact data", &contact_data, ContactDataIn::MAX_LEN).check(vec![
        path("from_slice", ContactDataIn::from_slice),
        via("server", |b| server::contact_data(b, None).map(drop), ServerError::kind),
        via("HealthOffice::decrypt_contact", |b| office_a.decrypt_contact(b, consented).map(drop), TracingError::kind),
    ]);
    let keys = [daily.clone()];
    Sample::cbor("history share", &share, HistoryShareIn::MAX_LEN).check(vec![
        path("from_slice", HistoryShareIn::from_slice),
        via("server", |b| server::history_share(b, &keys, NOW).map(drop), ServerError::kind),
        via("HealthOffice::open_history_share", |b| office_a.open_history_share(b).map(drop), TracingError::kind),
    ]);
    Sample::cbor("checkout", &checkout, CheckoutIn::MAX_LEN).check(vec![
        path("from_slice", CheckoutIn::from_slice),
        via("server", |b| server::checkout(b, &record, later).map(drop), ServerError::kind),
    ]);
    Sample::cbor("additional data", &additional, AdditionalDataIn::MAX_LEN).check(vec![
        path("from_slice", AdditionalDataIn::from_slice),
        via("server", |b| server::additional_data(b, &own_record).map(drop), ServerError::kind),
    ]);
    Sample::cbor("additional data content", &content, AdditionalDataContent::MAX_LEN)
        .check(vec![path("from_slice", AdditionalDataContent::from_slice)]);
    Sample::cbor("check-in record", &scan.record.to_bytes(), CheckInRecord::MAX_LEN).check(vec![
        path("from_slice", CheckInRecordIn::from_slice),
        via("server", |b| server::check_in_record(b, NOW, DEFAULT_FRESHNESS_SECS).map(drop), ServerError::kind),
    ]);
    Sample::cbor("inner record", &InnerRecord::Guest(code.qr.clone()).to_bytes(), InnerRecord::MAX_LEN)
        .check(vec![path("from_slice", InnerRecord::from_slice)]);
    let (venue_owner, rng) = (&t.venue, &mut t.rng);
    let records = t.server.check_ins_of(venue_owner.venue_id());
    Sample::cose("tracing request", &request.to_bytes(), TracingRequest::MAX_LEN).check(vec![
        path("from_slice", TracingRequestIn::from_slice),
        via("server", |b| server::tracing_request(b, &cert_a, later).map(drop), ServerError::kind),
        via(
            "Venue::answer_tracing_request",
            |b| match venue_owner.answer_tracing_request(rng, b, &cert_a, &records, later) {
                Err(VenueError::MalformedRequest(e)) => Err(e),
                other => other.map(drop).map_err(|e| panic!("not a decoding error: {e}")),
            },
            DecodeError::kind,
        ),
    ]);
    let cap = luca_protocol::messages::consent_response::ConsentResponse::MAX_LEN;
    Sample::cbor("consent response", &response, cap).check(vec![
        path("from_slice", ConsentResponseIn::from_slice),
        via("server", |b| server::consent_response(b, &request).map(drop), ServerError::kind),
        via(
            "HealthOffice::open_consent_response",
            |b| office_a.open_consent_response(b, &request).map(drop),
            TracingError::kind,
        ),
    ]);
    let (office_b, daily_bytes) = (&mut t.office_b, daily.to_bytes());
    Sample::cbor("key share", &share_bytes, KeyShare::MAX_LEN).check(vec![
        path("from_slice", KeyShareIn::from_slice),
        via("server", |b| server::key_share(b, &daily, &cert_b, NOW).map(drop), ServerError::kind),
        via(
            "HealthOffice::import_key_share",
            |b| office_b.import_key_share(b, &daily_bytes, &cert_a, NOW).map(drop),
            KeyError::kind,
        ),
    ]);
    Sample::cose("notification list", &list, NotificationList::MAX_LEN).check(vec![
        path("from_slice", NotificationListIn::from_slice),
        via("server", |b| server::notification_list(b, &cert_a, NOW).map(drop), ServerError::kind),
    ]);

    // The role crates' persisted states.
    let state = t.alice.export_state();
    Sample::cbor("guest state", &state, luca_client::MAX_STATE_LEN).check(vec![via(
        "Guest::import_state",
        |b| Guest::import_state(b).map(drop),
        luca_client::StateError::kind,
    )]);
    let state = t.venue.export_state();
    Sample::state("venue state", &state, luca_venue::MAX_STATE_LEN, "luca-venue/venue").check(vec![via(
        "Venue::import_state",
        |b| Venue::import_state(b).map(drop),
        luca_venue::StateError::kind,
    )]);
    let state = t.host.export_state();
    let tag = "luca-venue/private-meeting-host";
    Sample::state("meeting host state", &state, luca_venue::MAX_STATE_LEN, tag).check(vec![via(
        "PrivateMeetingHost::import_state",
        |b| PrivateMeetingHost::import_state(b).map(drop),
        luca_venue::StateError::kind,
    )]);
    let office_kind = luca_healthoffice::StateError::kind;
    let state = t.office_a.export_state();
    let cap = luca_healthoffice::MAX_STATE_LEN;
    Sample::state("health office state", &state, cap, "luca-healthoffice/health-office").check(vec![via(
        "HealthOffice::import_state",
        |b| HealthOffice::import_state(b).map(drop),
        office_kind,
    )]);
    let state = t.anchor.export_state();
    let cap = luca_authority::MAX_ANCHOR_STATE_LEN;
    Sample::state("trust anchor state", &state, cap, "luca-healthoffice/trust-anchor").check(vec![via(
        "TrustAnchor::import_state",
        |b| TrustAnchor::import_state(b).map(drop),
        office_kind,
    )]);
    let state = t.registrar.export_state();
    let cap = luca_authority::MAX_REGISTRAR_STATE_LEN;
    Sample::state("registrar state", &state, cap, "luca-healthoffice/registrar").check(vec![via(
        "Registrar::import_state",
        |b| Registrar::import_state(b).map(drop),
        office_kind,
    )]);
}

/// An `import_state` of one role, reporting the one state error of every role.
type StateImport = fn(&[u8]) -> Result<(), luca_protocol::state::StateError>;

/// Every role's `import_state` goes through the one state codec: the same bad input gives the same error
/// (`luca_client::StateError`, `luca_venue::StateError` and `luca_healthoffice::StateError` are one type), and
/// every role's state is `wrong_state_type` to every other role.
#[test]
fn attack_state_imports_agree_on_bad_input() {
    use luca_protocol::state::StateError;
    let t = Town::new(28);
    let imports: [(&str, StateImport, Vec<u8>); 6] = [
        ("Guest", |b| Guest::import_state(b).map(drop), t.alice.export_state().to_vec()),
        ("Venue", |b| Venue::import_state(b).map(drop), t.venue.export_state().to_vec()),
        ("PrivateMeetingHost", |b| PrivateMeetingHost::import_state(b).map(drop), t.host.export_state().to_vec()),
        ("HealthOffice", |b| HealthOffice::import_state(b).map(drop), t.office_a.export_state().to_vec()),
        ("TrustAnchor", |b| TrustAnchor::import_state(b).map(drop), t.anchor.export_state().to_vec()),
        ("Registrar", |b| Registrar::import_state(b).map(drop), t.registrar.export_state().to_vec()),
    ];
    let ten_mb = vec![0u8; 10_000_000];
    let too_long = |e: StateError| match e {
        StateError::TooLong { got, .. } => (e.kind(), got),
        other => panic!("{other:?}"),
    };
    for (name, import, own) in &imports {
        assert_eq!(import(own), Ok(()), "{name}: its own state");
        assert_eq!(import(&[]), Err(StateError::Truncated), "{name}: empty");
        assert_eq!(import(b"\x80"), Err(StateError::WrongStateType), "{name}: an empty array");
        assert_eq!(import(&ten_mb).map_err(too_long), Err(("too_long", 10_000_000)), "{name}: 10 MB");
        assert_eq!(import(&[0xff]), Err(StateError::MalformedCbor), "{name}: 0xff");
        assert_eq!(import(&[0x81, 0x01, 0x00]), Err(StateError::TrailingBytes), "{name}: trailing byte");
        assert_eq!(import(&[0x81, 0x18, 0x01]), Err(StateError::NonCanonical), "{name}: 1 as 18 01");
        assert_eq!(import(&[0xa0]), Err(StateError::NonCanonical), "{name}: a map");
        assert_eq!(import(&[0x81, 0x81, 0x81, 0x81, 0x01]), Err(StateError::NestingTooDeep), "{name}: depth 4");
        // Another role's state: of another type, unless it is over this role's size cap (checked first).
        for (other, _, state) in imports.iter().filter(|(other, ..)| other != name) {
            match import(state) {
                Err(StateError::TooLong { max, got }) => assert!(got == state.len() && got > max, "{name}: {other}"),
                result => assert_eq!(result, Err(StateError::WrongStateType), "{name}: the state of {other}"),
            }
        }
    }
}

#[test]
fn attack_sealed_state_with_a_wrong_key_a_changed_byte_or_another_roles_envelope() {
    use luca_protocol::state::{StateError, StateKey};
    let mut t = Town::new(29);
    let key = StateKey::generate(&mut t.rng);
    let thief = StateKey::generate(&mut t.rng);
    type Open = fn(&[u8], &StateKey) -> Result<Vec<u8>, StateError>;
    let sealed: [(&str, Open, Vec<u8>, Vec<u8>); 6] = [
        (
            "Guest",
            |b, k| Guest::import_state_encrypted(b, k).map(|x| x.export_state().to_vec()),
            t.alice.export_state_encrypted(&mut t.rng, &key).unwrap(),
            t.alice.export_state().to_vec(),
        ),
        (
            "Venue",
            |b, k| Venue::import_state_encrypted(b, k).map(|x| x.export_state().to_vec()),
            t.venue.export_state_encrypted(&mut t.rng, &key).unwrap(),
            t.venue.export_state().to_vec(),
        ),
        (
            "PrivateMeetingHost",
            |b, k| PrivateMeetingHost::import_state_encrypted(b, k).map(|x| x.export_state().to_vec()),
            t.host.export_state_encrypted(&mut t.rng, &key).unwrap(),
            t.host.export_state().to_vec(),
        ),
        (
            "HealthOffice",
            |b, k| HealthOffice::import_state_encrypted(b, k).map(|x| x.export_state().to_vec()),
            t.office_a.export_state_encrypted(&mut t.rng, &key).unwrap(),
            t.office_a.export_state().to_vec(),
        ),
        (
            "TrustAnchor",
            |b, k| TrustAnchor::import_state_encrypted(b, k).map(|x| x.export_state().to_vec()),
            t.anchor.export_state_encrypted(&mut t.rng, &key).unwrap(),
            t.anchor.export_state().to_vec(),
        ),
        (
            "Registrar",
            |b, k| Registrar::import_state_encrypted(b, k).map(|x| x.export_state().to_vec()),
            t.registrar.export_state_encrypted(&mut t.rng, &key).unwrap(),
            t.registrar.export_state().to_vec(),
        ),
    ];
    for (name, open, bytes, plain) in &sealed {
        assert_eq!(open(bytes, &key).as_deref(), Ok(plain.as_slice()), "{name}: restores exactly its state");
        assert_eq!(open(bytes, &thief), Err(StateError::DecryptionFailed), "{name}: another key");
        let mut changed = bytes.clone();
        let last = changed.len() - 1;
        changed[last] ^= 1;
        assert_eq!(open(&changed, &key), Err(StateError::DecryptionFailed), "{name}: a changed byte");
        let head = &plain[..plain.len().min(16)];
        assert!(!bytes.windows(head.len()).any(|w| w == head), "{name}: the plain state does not show");
        for (other, _, other_bytes, _) in sealed.iter().filter(|(o, ..)| o != name) {
            match open(other_bytes, &key) {
                Err(StateError::TooLong { .. }) | Err(StateError::WrongStateType) => {}
                result => panic!("{name} opened the sealed state of {other}: {result:?}"),
            }
        }
    }
}
