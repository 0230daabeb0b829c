//! Issue 14, item 2, through the bindings: every entry point that takes text rejects a 10 MB input with its
//! exact error kind, the length checked before any per-character work. `register_guest` with eight 10 MB fields
//! took 16 s before failing with `invalid_input`; it now fails at once (no timing is asserted). With a forbidden
//! character in `first_name` and 10 MB in `last_name` the error names `last_name`: the length caps ran before the
//! character rules (the old code named `first_name`).

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing, clippy::arithmetic_side_effects)]

use luca_ffi::{
    ContactFields, DailyKeyAnnouncement, DeviceType, Guest, HealthOffice, LucaError, PrivateMeetingHost, Registrar,
    RegistrarCertificate, ScannedVenue, TrustAnchor, Validity, Venue, normalize_tan, register_guest, render_qr_svg,
};
use std::sync::Arc;

const T0: u64 = 1_795_942_800; // 2026-11-29T09:00:00Z

/// Ten million bytes.
const TEN_MB: usize = 10_000_000;

/// 10 MB of text whose first character is `first` and the rest `a`.
fn ten_mb_starting_with(first: char) -> String {
    let mut s = String::with_capacity(TEN_MB);
    s.push(first);
    s.extend(std::iter::repeat_n('a', TEN_MB - first.len_utf8()));
    s
}

fn year() -> Validity {
    Validity { not_before: T0 - 86_400, not_after: T0 + 365 * 86_400 }
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

/// Every field 10 MB of decomposed `é` (text NFC would change).
fn eight_ten_mb_fields() -> ContactFields {
    let big = "e\u{301}".repeat(TEN_MB / 3);
    ContactFields {
        first_name: big.clone(),
        last_name: big.clone(),
        phone: big.clone(),
        email: big.clone(),
        street: big.clone(),
        house_number: big.clone(),
        postcode: big.clone(),
        city: big,
    }
}

fn forbidden_then_ten_mb() -> ContactFields {
    let mut f = fields();
    f.first_name = "Max\u{202e}".to_owned();
    f.last_name = "e\u{301}".repeat(TEN_MB / 3);
    f
}

/// `(variant name, kind, message)` of an error.
fn describe<T>(r: Result<T, LucaError>) -> (String, &'static str, String) {
    let e = r.err().expect("an error");
    let variant = format!("{e:?}").split([' ', '{', '(']).next().unwrap_or_default().to_owned();
    (variant, e.kind(), e.to_string())
}

fn registrar() -> (Registrar, Arc<RegistrarCertificate>, Arc<TrustAnchor>) {
    let anchor = TrustAnchor::new().unwrap();
    let registrar = Registrar::new().unwrap();
    let cert = registrar
        .install_certificate(
            anchor.certify_registrar(registrar.registration_request("Registrar".to_owned()).unwrap(), year()).unwrap(),
            anchor.public_key(),
            T0,
        )
        .unwrap();
    (Arc::try_unwrap(registrar).ok().unwrap(), cert, anchor)
}

#[test]
fn register_guest_and_update_contact_data() {
    let (variant, kind, message) = describe(register_guest(eight_ten_mb_fields(), DeviceType::Ios, T0));
    assert_eq!((variant.as_str(), kind), ("Guest", "invalid_field"));
    assert_eq!(message, "invalid_field: invalid input: first_name: longer than 64 bytes");
    let (_, kind, message) = describe(register_guest(forbidden_then_ten_mb(), DeviceType::Ios, T0));
    assert_eq!(kind, "invalid_field");
    assert_eq!(message, "invalid_field: invalid input: last_name: longer than 64 bytes");
    let guest: Arc<Guest> = register_guest(fields(), DeviceType::Android, T0).unwrap().guest;
    for (f, field) in [(eight_ten_mb_fields(), "first_name"), (forbidden_then_ten_mb(), "last_name")] {
        let (variant, kind, message) = describe(guest.update_contact_data(f, T0));
        assert_eq!((variant.as_str(), kind), ("Guest", "invalid_field"));
        assert_eq!(message, format!("invalid_field: invalid input: {field}: longer than 64 bytes"));
    }
}

#[test]
fn texts_of_the_guest_app() {
    let (_, cert, _) = registrar();
    let url = ten_mb_starting_with('!');
    let (variant, kind, message) = describe(ScannedVenue::scan(url, cert, T0));
    assert_eq!((variant.as_str(), kind), ("Guest", "too_long"));
    assert!(message.ends_with("input of 10000000 bytes exceeds the size cap of 2048 bytes"), "{message}");
    assert_eq!(describe(normalize_tan(ten_mb_starting_with('!'))).1, "wrong_length");
    assert_eq!(describe(render_qr_svg(ten_mb_starting_with('!'))).1, "data_too_long");
}

#[test]
fn private_meeting_name_host_and_guest_name() {
    let validity = Validity { not_before: T0 - 3600, not_after: T0 + 86_400 };
    let (variant, kind, _) = describe(PrivateMeetingHost::new(ten_mb_starting_with('\u{0}'), validity));
    assert_eq!((variant.as_str(), kind), ("Meeting", "invalid_name"));
    let host = PrivateMeetingHost::new("Geburtstag".to_owned(), validity).unwrap();
    assert_eq!(describe(host.qr_url(ten_mb_starting_with('!'))).1, "invalid_host");

    let (_, reg_cert, anchor) = registrar();
    let office = HealthOffice::new().unwrap();
    let cert = office
        .install_certificate(
            anchor
                .certify_health_office(office.certificate_request("Gesundheitsamt".to_owned()).unwrap(), year())
                .unwrap(),
            anchor.public_key(),
            T0,
        )
        .unwrap();
    let rotation = office.rotate_daily_key(T0, vec![]).unwrap();
    let daily = DailyKeyAnnouncement::verify(rotation.announcement.to_bytes(), cert, T0).unwrap();
    let meeting = ScannedVenue::scan(host.qr_url("luca.example".to_owned()).unwrap(), reg_cert, T0).unwrap();
    let guest = register_guest(fields(), DeviceType::Ios, T0).unwrap().guest;
    let name = ten_mb_starting_with('\u{202e}');
    let (variant, kind, message) = describe(guest.check_in_private_meeting(meeting, daily, name, T0));
    assert_eq!((variant.as_str(), kind), ("Guest", "invalid_field"));
    assert!(message.contains("guest_name"), "{message}");
}

#[test]
fn names_and_texts_of_offices_registrars_and_venues() {
    let office = HealthOffice::new().unwrap();
    assert_eq!(describe(office.certificate_request(ten_mb_starting_with('\u{0}'))).1, "invalid_field");
    let (registrar, cert, _) = registrar();
    assert_eq!(describe(registrar.registration_request(ten_mb_starting_with('\u{0}'))).1, "invalid_field");
    let venue = Venue::new().unwrap();
    let request = venue.registration_request(ten_mb_starting_with('\u{0}'), None).unwrap();
    assert_eq!(request.name.len(), TEN_MB);
    assert_eq!(describe(registrar.register_venue(request, year())).1, "invalid_field");
    let ok = registrar.register_venue(venue.registration_request("Café".to_owned(), None).unwrap(), year()).unwrap();
    venue.install_descriptor(ok, cert.clone(), T0).unwrap();
    assert_eq!(describe(venue.printed_qr_url(ten_mb_starting_with('!'), None)).1, "invalid_host");
    let scanner = venue.scanner().unwrap();
    assert_eq!(describe(scanner.scan(ten_mb_starting_with('!'), T0)).1, "too_long");
    assert_eq!(describe(luca_ffi::Scanner::for_venue_qr(ten_mb_starting_with('!'), cert, T0)).1, "too_long");
}
