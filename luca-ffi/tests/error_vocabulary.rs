//! Issue 14, item 5: one error vocabulary. The same bad input, given to every entry point that reads that kind of
//! input (through the bindings and through the Rust crates), gets the same error kind: the spec's kind, the one
//! the protocol crate's decoder or verifier names (docs/PROTOCOL.md, error kinds). Before, `ScannedVenue.scan("")`
//! said `invalid_input` and `Scanner.for_venue_qr("")` `invalid_url`; a 10 MB URL `invalid_input` at one and
//! `too_long` at the other; a rejected descriptor `venue_rejected` to the guest and `untrusted_descriptor` to the
//! venue; contact-field errors said `first_name: invalid value` without saying why.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing, clippy::arithmetic_side_effects)]

use luca_ffi::{
    ContactFields, DailyKeyAnnouncement, DeviceType, Guest, HealthOffice, HealthOfficeCertificate, LucaError,
    NotificationList, PrivateMeetingHost, Registrar, RegistrarCertificate, ScannedVenue, Scanner, TracingRequest,
    TrustAnchor, Validity, Venue, normalize_tan, register_guest,
};
use std::sync::Arc;

const T0: u64 = 1_795_942_800; // 2026-11-29T09:00:00Z

fn year() -> Validity {
    Validity { not_before: T0 - 86_400, not_after: T0 + 365 * 86_400 }
}

fn kind<T>(r: Result<T, LucaError>) -> &'static str {
    r.err().expect("an error").kind()
}

fn fields() -> ContactFields {
    ContactFields {
        first_name: "Erika".to_owned(),
        last_name: "Mustermann".to_owned(),
        phone: "+49 30 1234567".to_owned(),
        email: String::new(),
        street: String::new(),
        house_number: String::new(),
        postcode: String::new(),
        city: String::new(),
    }
}

/// Bad texts of every shape: empty, garbage, 10 MB, the right scheme with a wrong body.
fn bad_texts() -> Vec<String> {
    vec![
        String::new(),
        "x".to_owned(),
        " ".to_owned(),
        "!".repeat(10_000_000),
        "https://luca.example/".to_owned(),
        "https://luca.example/v1/checkin#".to_owned(),
        "https://luca.example/v1/checkin#!!!!".to_owned(),
        "https://luca.example/v1/checkin#AAAA".to_owned(),
        "luca://wrong".to_owned(),
        "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA".to_owned(),
    ]
}

/// Bad bytes of every shape: empty, an empty array, a lone tag, a COSE_Sign1 with nothing in it, 10 MB.
fn bad_bytes() -> Vec<Vec<u8>> {
    vec![vec![], vec![0x80], vec![0xd2], vec![0xd2, 0x84, 0x40, 0xa0, 0xf6, 0x40], vec![0xff; 3], vec![0; 10_000_000]]
}

struct Parties {
    anchor: Arc<TrustAnchor>,
    registrar_cert: Arc<RegistrarCertificate>,
    office: Arc<HealthOffice>,
    office_cert: Arc<HealthOfficeCertificate>,
}

fn parties() -> Parties {
    let anchor = TrustAnchor::new().unwrap();
    let registrar = Registrar::new().unwrap();
    let registrar_cert = registrar
        .install_certificate(
            anchor.certify_registrar(registrar.registration_request("Registrar".to_owned()).unwrap(), year()).unwrap(),
            anchor.public_key(),
            T0,
        )
        .unwrap();
    let office = HealthOffice::new().unwrap();
    let office_cert = office
        .install_certificate(
            anchor
                .certify_health_office(office.certificate_request("Gesundheitsamt".to_owned()).unwrap(), year())
                .unwrap(),
            anchor.public_key(),
            T0,
        )
        .unwrap();
    Parties { anchor, registrar_cert, office, office_cert }
}

/// A venue QR text: the guest's `ScannedVenue.scan` and the scanner's `Scanner.for_venue_qr` (bindings), the
/// guest's `Guest::scan_venue_qr` (Rust) and the decoder `VenueQr::from_url` agree on every bad text.
#[test]
fn venue_qr_text() {
    let p = parties();
    let registrar =
        luca_protocol::signed::registrar_certificate::RegistrarCertificateIn::from_slice(&p.registrar_cert.to_bytes())
            .unwrap()
            .verify(
                &luca_protocol::keys::SignaturePublicKey::from_slice(&p.anchor.public_key()).unwrap(),
                luca_protocol::time::UnixTime(T0),
            )
            .unwrap();
    for text in bad_texts() {
        let spec = luca_protocol::qr::venue::VenueQr::from_url(&text).unwrap_err().kind();
        let rust = luca_client::Guest::scan_venue_qr(&text, &registrar, luca_protocol::time::UnixTime(T0));
        let kinds = [
            kind(ScannedVenue::scan(text.clone(), p.registrar_cert.clone(), T0)),
            kind(Scanner::for_venue_qr(text.clone(), p.registrar_cert.clone(), T0)),
            rust.err().map_or("no error", |e| e.kind()),
        ];
        assert_eq!(kinds, [spec; 3], "{:?}", text.get(..40));
    }
}

/// A check-in code given to the scanner: its kind is the decoder's (`ScannedQr::from_text`).
#[test]
fn scanned_check_in_code() {
    let venue = Venue::new().unwrap();
    let scanner = venue.scanner().unwrap();
    for text in bad_texts() {
        let spec = luca_protocol::qr::scanned::ScannedQr::from_text(&text).unwrap_err().kind();
        assert_eq!(kind(scanner.scan(text.clone(), T0)), spec, "{:?}", text.get(..40));
    }
}

/// A TAN read out on the phone: `normalize_tan` (bindings) and `Tan::parse` agree.
#[test]
fn tan_text() {
    for text in bad_texts().into_iter().chain(["ACDE-FGHJ-KLMA".to_owned(), "acde fghj klmn".to_owned()]) {
        if let Err(e) = luca_protocol::tan::Tan::parse(&text) {
            assert_eq!(kind(normalize_tan(text.clone())), e.kind(), "{:?}", text.get(..40));
        }
    }
}

/// Exported state: every role's `import_state` gives the same kind for the same bad bytes, and every role
/// refuses another role's state with `wrong_state_type` (or `too_long`, the size cap coming first, for a state
/// larger than its own).
#[test]
fn state_bytes() {
    let p = parties();
    type Import = fn(Vec<u8>) -> &'static str;
    let imports: [(&str, Import); 6] = [
        ("trust anchor", |b| kind(TrustAnchor::import_state(b))),
        ("registrar", |b| kind(Registrar::import_state(b))),
        ("guest", |b| kind(Guest::import_state(b))),
        ("health office", |b| kind(HealthOffice::import_state(b))),
        ("venue", |b| kind(Venue::import_state(b))),
        ("private meeting host", |b| kind(PrivateMeetingHost::import_state(b))),
    ];
    for bytes in bad_bytes().into_iter().chain([b"luca".to_vec()]) {
        let kinds: Vec<_> = imports.iter().map(|(role, import)| (*role, import(bytes.clone()))).collect();
        let first = kinds[0].1;
        assert!(kinds.iter().all(|(_, k)| *k == first), "{kinds:?} for {:?}", bytes.get(..8));
    }
    // Each role's state given to every other role.
    let meeting = PrivateMeetingHost::new("Geburtstag".to_owned(), year()).unwrap();
    let guest = register_guest(fields(), DeviceType::Ios, T0).unwrap().guest;
    let states = [
        p.anchor.export_state(),
        Registrar::new().unwrap().export_state().unwrap(),
        guest.export_state().unwrap(),
        p.office.export_state().unwrap(),
        Venue::new().unwrap().export_state().unwrap(),
        meeting.export_state(),
    ];
    for (i, state) in states.iter().enumerate() {
        for (j, (role, import)) in imports.iter().enumerate() {
            if i != j {
                // The size cap comes first: a larger role's state may be `too_long` for a smaller one's cap.
                let k = import(state.clone());
                let larger = state.len() > states[j].len();
                assert!(k == "wrong_state_type" || (k == "too_long" && larger), "state {i} into the {role}: {k}");
            }
        }
    }
}

/// Signed objects as bytes: every verifier and every role method that takes one reports the decoder's kind.
#[test]
fn signed_object_bytes() {
    let p = parties();
    let venue = Venue::new().unwrap();
    let anchor_key = p.anchor.public_key();
    for bytes in bad_bytes() {
        let kinds = [
            kind(HealthOfficeCertificate::verify(bytes.clone(), anchor_key.clone(), T0)),
            kind(RegistrarCertificate::verify(bytes.clone(), anchor_key.clone(), T0)),
            kind(DailyKeyAnnouncement::verify(bytes.clone(), p.office_cert.clone(), T0)),
            kind(NotificationList::verify(bytes.clone(), p.office_cert.clone(), T0)),
            kind(TracingRequest::verify(bytes.clone(), p.office_cert.clone(), T0)),
            kind(venue.install_descriptor(bytes.clone(), p.registrar_cert.clone(), T0)),
            kind(venue.answer_tracing_request(bytes.clone(), p.office_cert.clone(), vec![], T0)),
        ];
        assert!(kinds.iter().all(|k| *k == kinds[0]), "{kinds:?} for {:?}", bytes.get(..8));
        let spec = luca_protocol::signed::registrar_certificate::RegistrarCertificateIn::from_slice(&bytes)
            .unwrap_err()
            .kind();
        assert_eq!(kinds[0], spec);
    }
}

/// Contact fields: registration, update (bindings and Rust) and the protocol's own check agree on the kind
/// (`invalid_field`) and each message names the field and the reason.
#[test]
fn contact_fields() {
    type Break = fn(&mut ContactFields);
    let cases: [(Break, &str); 6] = [
        (|f| f.first_name.clear(), "first_name: empty"),
        (|f| f.last_name = "x".repeat(10_000_000), "last_name: longer than 64 bytes"),
        (|f| f.city = "K\u{7}ln".to_owned(), "city: forbidden character U+0007"),
        (|f| f.street = "Haupt\u{202e}straße".to_owned(), "street: forbidden character U+202E"),
        (|f| f.phone = "call me".to_owned(), "phone: only digits, space and + ( ) / - are allowed"),
        (|f| f.phone = "+()".to_owned(), "phone: fewer than 3 digits"),
    ];
    let guest = register_guest(fields(), DeviceType::Android, T0).unwrap().guest;
    let mut rng = luca_protocol::rng::system().unwrap();
    for (break_it, reason) in cases {
        let mut f = fields();
        break_it(&mut f);
        let protocol = luca_protocol::messages::contact_data::ContactFields {
            first_name: f.first_name.clone(),
            last_name: f.last_name.clone(),
            phone: f.phone.clone(),
            email: f.email.clone(),
            street: f.street.clone(),
            house_number: f.house_number.clone(),
            postcode: f.postcode.clone(),
            city: f.city.clone(),
        };
        let spec = protocol.normalized().unwrap_err();
        assert_eq!((spec.kind(), spec.to_string().as_str()), ("invalid_field", reason));
        let rust = luca_client::Guest::register(
            &mut rng,
            &protocol,
            luca_protocol::qr::guest::DeviceType::Ios,
            luca_protocol::time::UnixTime(T0),
        )
        .unwrap_err();
        assert_eq!((rust.kind(), rust.to_string()), ("invalid_field", format!("invalid input: {reason}")));
        for e in [
            register_guest(f.clone(), DeviceType::Ios, T0).err().unwrap(),
            guest.update_contact_data(f.clone(), T0).unwrap_err(),
        ] {
            assert!(matches!(e, LucaError::Guest { .. }), "{e:?}");
            assert_eq!((e.kind(), e.to_string()), ("invalid_field", format!("invalid_field: invalid input: {reason}")));
        }
    }
}
