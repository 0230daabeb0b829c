//! Issue 14, item 2: every public constructor of luca-protocol that takes text rejects a 10 MB input with its
//! exact too-long error, and checks the length before any per-character work. Where the length error and a
//! character error are distinct, the input's first character is one the character rule rejects, so the expected
//! length error shows that the length ran first; for the contact fields (whose errors name the field) the unit
//! tests in `messages::contact_data` show it with a forbidden character in an earlier field. No timing is
//! asserted.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing, clippy::arithmetic_side_effects)]

use luca_protocol::badge_serial::{BadgeSerial, BadgeSerialError};
use luca_protocol::error::{DecodeError, SealError};
use luca_protocol::ids::{HealthOfficeId, RegistrarId, TraceId, UserId, VenueId};
use luca_protocol::keys::{
    GuestSigningKey, HealthOfficeMasterKeys, HostSigningKey, RegistrarKey, TrustAnchorKey, VenuePrivateKey,
};
use luca_protocol::messages::additional_data::{AdditionalData, AdditionalDataContent};
use luca_protocol::messages::contact_data::{ContactData, ContactFieldError, ContactFields, FieldProblem};
use luca_protocol::qr::badge::BadgeQr;
use luca_protocol::qr::guest::GuestCheckInQr;
use luca_protocol::qr::render::{self, RenderError};
use luca_protocol::qr::scanned::ScannedQr;
use luca_protocol::qr::venue::VenueQr;
use luca_protocol::secrets::DataSecret;
use luca_protocol::signed::health_office_certificate::{HealthOfficeCertificate, check_name};
use luca_protocol::signed::registrar_certificate::RegistrarCertificate;
use luca_protocol::signed::venue_descriptor::VenueDescriptor;
use luca_protocol::tan::{Tan, TanError};
use luca_protocol::time::{UnixTime, Validity};
use rand_chacha::ChaCha20Rng;
use rand_core::SeedableRng;

/// Ten million bytes.
const TEN_MB: usize = 10_000_000;

const NOW: UnixTime = UnixTime(1_795_942_800);

fn validity() -> Validity {
    Validity { not_before: NOW, not_after: NOW.plus_secs(86_400) }
}

/// 10 MB of text whose first character is `first` and the rest `a`.
fn ten_mb_starting_with(first: char) -> String {
    let mut s = String::with_capacity(TEN_MB);
    s.push(first);
    s.extend(std::iter::repeat_n('a', TEN_MB - first.len_utf8()));
    s
}

fn fields() -> ContactFields {
    let mut f = ContactFields::default();
    f.first_name = "Erika".into();
    f.last_name = "Mustermann".into();
    f.phone = "+49 30 1234567".into();
    f
}

#[test]
fn contact_data_seal_with_eight_ten_mb_fields() {
    let mut rng = ChaCha20Rng::seed_from_u64(1);
    let key = GuestSigningKey::generate(&mut rng);
    let (user, secret) = (UserId::random(&mut rng), DataSecret::random(&mut rng));
    let big = "e\u{301}".repeat(TEN_MB / 3);
    let f = ContactFields {
        first_name: big.clone(),
        last_name: big.clone(),
        phone: big.clone(),
        email: big.clone(),
        street: big.clone(),
        house_number: big.clone(),
        postcode: big.clone(),
        city: big,
    };
    let expected = ContactFieldError { field: "first_name", problem: FieldProblem::TooLong { max: 64 } };
    assert_eq!(
        ContactData::seal(&mut rng, &key, user, &secret, &f, NOW).unwrap_err(),
        SealError::InvalidContactField(expected)
    );
    assert_eq!(f.normalized().unwrap_err(), expected);
    assert_eq!(f.validate().unwrap_err(), DecodeError::InvalidField { field: "first_name" });
    // The decoder's cap comes before CBOR.
    assert_eq!(
        ContactFields::from_plaintext(big_bytes().as_slice()).unwrap_err(),
        DecodeError::TooLong { max: 4096, got: TEN_MB }
    );
}

fn big_bytes() -> Vec<u8> {
    vec![0xff; TEN_MB]
}

#[test]
fn names_of_signed_objects() {
    let mut rng = ChaCha20Rng::seed_from_u64(2);
    let name = ten_mb_starting_with('\u{0}');
    let expected = DecodeError::InvalidField { field: "name" };
    assert_eq!(check_name(&name).unwrap_err(), expected);
    let anchor = TrustAnchorKey::generate(&mut rng);
    let office = HealthOfficeMasterKeys::generate(&mut rng);
    let err = HealthOfficeCertificate::issue(
        &anchor,
        HealthOfficeId::random(&mut rng),
        &name,
        &office.signing.public_key(),
        &office.encryption.public_key(),
        validity(),
    )
    .unwrap_err();
    assert_eq!(err, expected);
    let registrar = RegistrarKey::generate(&mut rng);
    let err =
        RegistrarCertificate::issue(&anchor, RegistrarId::random(&mut rng), &name, &registrar.public_key(), validity())
            .unwrap_err();
    assert_eq!(err, expected);
    let venue_key = VenuePrivateKey::generate(&mut rng).public_key();
    let err = VenueDescriptor::issue_venue(
        &registrar,
        RegistrarId::random(&mut rng),
        VenueId::random(&mut rng),
        &name,
        &venue_key,
        None,
        validity(),
    )
    .unwrap_err();
    assert_eq!(err, expected);
    let host = HostSigningKey::generate(&mut rng);
    let err = VenueDescriptor::issue_private_meeting(&host, VenueId::random(&mut rng), &name, &venue_key, validity())
        .unwrap_err();
    assert_eq!(err, expected);
}

#[test]
fn private_meeting_guest_name() {
    let mut rng = ChaCha20Rng::seed_from_u64(3);
    let content = AdditionalDataContent { table: None, guest_name: Some(ten_mb_starting_with('\u{202e}')) };
    let expected = DecodeError::InvalidField { field: "guest_name" };
    assert_eq!(content.validate().unwrap_err(), expected);
    assert_eq!(content.to_bytes().unwrap_err(), expected);
    let venue_key = VenuePrivateKey::generate(&mut rng).public_key();
    let (venue_id, trace_id) = (VenueId::random(&mut rng), TraceId::random(&mut rng));
    let err = AdditionalData::seal(&mut rng, venue_id, &venue_key, trace_id, &content).unwrap_err();
    assert_eq!(err, SealError::InvalidInput(expected));
}

#[test]
fn tan_and_badge_serial() {
    // `!` is not in either alphabet: the length error shows the cap ran first.
    let text = ten_mb_starting_with('!');
    assert_eq!(Tan::parse(&text).unwrap_err(), TanError::WrongLength { got: TEN_MB });
    assert_eq!(BadgeSerial::parse(&text).err(), Some(BadgeSerialError::WrongLength));
}

#[test]
fn qr_texts() {
    // `!` is not Base32: `TooLong` rather than `InvalidBase32` shows the cap ran before decoding.
    let text = ten_mb_starting_with('!');
    let expected = DecodeError::TooLong { max: 821, got: TEN_MB };
    assert_eq!(GuestCheckInQr::from_base32(&text).unwrap_err(), expected);
    assert_eq!(BadgeQr::from_base32(&text).unwrap_err(), expected);
    assert_eq!(ScannedQr::from_text(&text).unwrap_err(), expected);
    // Just over the cap too; at it, the decoder runs (and fails on `!`).
    let over = format!("!{}", "A".repeat(821));
    assert_eq!(GuestCheckInQr::from_base32(&over).unwrap_err(), DecodeError::TooLong { max: 821, got: 822 });
    assert_eq!(GuestCheckInQr::from_base32(&over[..821]).unwrap_err(), DecodeError::InvalidBase32);
}

#[test]
fn venue_qr_url_and_host() {
    let url = ten_mb_starting_with('!');
    assert_eq!(VenueQr::from_url(&url).unwrap_err(), DecodeError::TooLong { max: 2048, got: TEN_MB });
    // The host rule (at most 255 characters of `A–Z a–z 0–9 . - :`) fails with `InvalidUrl` either way.
    let mut rng = ChaCha20Rng::seed_from_u64(4);
    let host = HostSigningKey::generate(&mut rng);
    let venue_key = VenuePrivateKey::generate(&mut rng).public_key();
    let descriptor =
        VenueDescriptor::issue_private_meeting(&host, VenueId::random(&mut rng), "Meeting", &venue_key, validity())
            .unwrap();
    assert_eq!(VenueQr::new(&url, &descriptor, None).unwrap_err(), DecodeError::InvalidUrl);
}

#[test]
fn qr_rendering() {
    let text = ten_mb_starting_with('\u{e4}');
    assert_eq!(render::qr_version(&text).unwrap_err(), RenderError::DataTooLong);
    assert_eq!(render::render_matrix(&text).unwrap_err(), RenderError::DataTooLong);
    assert_eq!(render::render_svg(&text).unwrap_err(), RenderError::DataTooLong);
    assert_eq!(render::render_terminal(&text).unwrap_err(), RenderError::DataTooLong);
}

#[test]
fn contact_fields_each_field() {
    let names = ["first_name", "last_name", "phone", "email", "street", "house_number", "postcode", "city"];
    for (i, field) in names.into_iter().enumerate() {
        let mut f = fields();
        let slot = [
            &mut f.first_name,
            &mut f.last_name,
            &mut f.phone,
            &mut f.email,
            &mut f.street,
            &mut f.house_number,
            &mut f.postcode,
            &mut f.city,
        ]
        .into_iter()
        .nth(i)
        .unwrap();
        *slot = ten_mb_starting_with('\u{0}');
        assert_eq!(f.normalized().unwrap_err().field, field);
        assert_eq!(
            f.normalized().unwrap_err().problem,
            FieldProblem::TooLong { max: [64, 64, 32, 254, 128, 16, 16, 64][i] }
        );
    }
}
