//! Registration, check-in codes, checkout, history share, purge and notifications.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::arithmetic_side_effects,
    missing_docs
)]

mod common;

use common::{NOW, World, fields};
use luca_client::{CheckInEntry, ClientError, Guest, Notice, NotificationMatch};
use luca_protocol::derive;
use luca_protocol::error::DecodeError;
use luca_protocol::messages::checkout::CheckoutIn;
use luca_protocol::messages::contact_data::ContactDataIn;
use luca_protocol::messages::history_share::HistoryShareIn;
use luca_protocol::messages::notification_list::{NotificationList, NotificationListIn};
use luca_protocol::qr::guest::{DeviceType, GuestCheckInQr};
use luca_protocol::time::UnixMinute;

#[test]
fn register_seals_contact_data_that_opens_with_the_checkin_secrets() {
    let mut w = World::new(1);
    let (daily_private, daily) = w.daily_key(NOW.day());
    let reg = Guest::register(&mut w.rng, &fields("Erika"), DeviceType::Ios, NOW).unwrap();
    let mut guest = reg.guest;
    assert_eq!(reg.contact_data.user_id(), guest.user_id());
    assert_eq!(reg.contact_data.updated_at(), NOW);
    assert_eq!(guest.device(), DeviceType::Ios);
    // The health office's view: the QR's inner layer opens the contact data.
    let code = guest.check_in_code(&mut w.rng, &daily, NOW).unwrap();
    let secrets = code.qr.open(&daily_private).unwrap();
    assert_eq!(secrets.user_id, guest.user_id());
    let contact = ContactDataIn::from_slice(reg.contact_data.as_bytes())
        .unwrap()
        .verify()
        .unwrap()
        .into_unverified()
        .open(&secrets.user_id, &secrets.data_secret)
        .unwrap();
    assert_eq!(contact.fields, fields("Erika"));
    assert_eq!(contact.guest_key, reg.contact_data.guest_key());
}

#[test]
fn update_contact_data_is_an_update_of_the_registration() {
    let mut w = World::new(2);
    let (daily_private, daily) = w.daily_key(NOW.day());
    let reg = Guest::register(&mut w.rng, &fields("Erika"), DeviceType::Android, NOW).unwrap();
    let mut guest = reg.guest;
    let update = guest.update_contact_data(&mut w.rng, &fields("Erika Maria"), NOW.plus_secs(60)).unwrap();
    assert_eq!(update.user_id(), guest.user_id());
    assert_eq!(update.guest_key(), reg.contact_data.guest_key());
    update.is_update_of(&reg.contact_data).unwrap();
    let secrets = guest.check_in_code(&mut w.rng, &daily, NOW).unwrap().qr.open(&daily_private).unwrap();
    let opened = update.into_unverified().open(&secrets.user_id, &secrets.data_secret).unwrap();
    assert_eq!(opened.fields.first_name, "Erika Maria");
}

#[test]
fn register_rejects_an_invalid_field() {
    let mut w = World::new(3);
    let mut f = fields("Erika");
    f.first_name = String::new();
    let err = Guest::register(&mut w.rng, &f, DeviceType::Android, NOW).unwrap_err();
    let reason = luca_protocol::messages::contact_data::FieldProblem::TooShort { min: 1 };
    assert_eq!(
        err,
        ClientError::InvalidContactField(luca_protocol::messages::contact_data::ContactFieldError {
            field: "first_name",
            problem: reason
        })
    );
    assert_eq!((err.kind(), err.to_string().as_str()), ("invalid_field", "invalid input: first_name: empty"));
    let guest = w.guest();
    f.first_name = "A\u{202e}B".into();
    assert_eq!(
        guest.update_contact_data(&mut w.rng, &f, NOW).unwrap_err(),
        ClientError::InvalidContactField(luca_protocol::messages::contact_data::ContactFieldError {
            field: "first_name",
            problem: luca_protocol::messages::contact_data::FieldProblem::ForbiddenCharacter { code_point: 0x202e }
        })
    );
}

#[test]
fn check_in_code_is_a_valid_guest_qr_for_the_minute() {
    let mut w = World::new(4);
    let (daily_private, daily) = w.daily_key(NOW.day());
    let mut guest = w.guest();
    let code = guest.check_in_code(&mut w.rng, &daily, NOW.plus_secs(59)).unwrap();
    assert_eq!(code.minute, NOW.minute());
    let text = code.text();
    assert_eq!(text.len(), GuestCheckInQr::TEXT_LENGTH);
    let scanned = GuestCheckInQr::from_base32(&text).unwrap();
    assert_eq!(scanned, code.qr);
    assert_eq!(scanned.trace_id(), code.trace_id);
    assert_eq!(scanned.minute(), NOW.minute());
    assert_eq!(scanned.flags().device_type, DeviceType::Android);
    assert_eq!(scanned.daily_key_id(), daily.daily_key_id().unwrap());
    assert_eq!(scanned.open(&daily_private).unwrap().user_id, guest.user_id());
    let svg = code.svg().unwrap();
    assert!(svg.starts_with("<?xml") && svg.contains("<svg") && svg.ends_with("</svg>"), "{}", &svg[..40]);
    // The trace id is the hash of the checkout proof.
    let checkout = guest.checkout_code(&code, NOW.plus_secs(600)).unwrap();
    assert_eq!(checkout.trace_id(), code.trace_id);
    assert_eq!(guest.check_ins(), vec![CheckInEntry { trace_id: code.trace_id, minute: code.minute, venue_id: None }]);
}

#[test]
fn one_trace_id_per_minute() {
    let mut w = World::new(5);
    let (_, daily) = w.daily_key(NOW.day());
    let mut guest = w.guest();
    let a = guest.check_in_code(&mut w.rng, &daily, NOW).unwrap();
    let b = guest.check_in_code(&mut w.rng, &daily, NOW.plus_secs(30)).unwrap();
    let c = guest.check_in_code(&mut w.rng, &daily, NOW.plus_secs(60)).unwrap();
    assert_eq!(a.trace_id, b.trace_id);
    assert_ne!(a.qr, b.qr, "each code is sealed afresh");
    assert_ne!(a.trace_id, c.trace_id);
    assert_eq!(guest.own_trace_ids(), vec![a.trace_id, c.trace_id]);
    // Another guest has other trace ids in the same minute.
    let mut other = w.guest();
    assert_ne!(other.check_in_code(&mut w.rng, &daily, NOW).unwrap().trace_id, a.trace_id);
}

#[test]
fn check_in_code_rejects_a_daily_key_not_in_use() {
    let mut w = World::new(6);
    let (_, daily) = w.daily_key(NOW.day());
    let (_, badge_key) = w.badge_key(NOW.day());
    let mut guest = w.guest();
    let next_day = NOW.day().plus_days(1).start();
    for (key, at) in [(&daily, next_day), (&daily, NOW.day().start().minus_secs(1)), (&badge_key, NOW)] {
        let err = guest.check_in_code(&mut w.rng, key, at).unwrap_err();
        assert_eq!(err, ClientError::DailyKeyNotValid);
        assert_eq!(err.kind(), "daily_key_not_valid");
    }
    assert!(guest.check_ins().is_empty(), "nothing recorded");
    let err = guest.share_history(&mut w.rng, &daily, next_day).unwrap_err();
    assert_eq!(err, ClientError::DailyKeyNotValid);
}

#[test]
fn checkout_carries_the_proof_the_server_verifies() {
    let mut w = World::new(7);
    let (_, daily) = w.daily_key(NOW.day());
    let mut guest = w.guest();
    let code = guest.check_in_code(&mut w.rng, &daily, NOW).unwrap();
    let leave = NOW.plus_secs(2 * 3600);
    let checkout = guest.checkout(code.minute, leave).unwrap();
    let received = CheckoutIn::from_slice(checkout.as_bytes()).unwrap();
    assert_eq!(received.trace_id(), code.trace_id);
    assert_eq!(received.checkout_at(), leave);
    let verified = received.verify(code.minute, leave).unwrap();
    assert_eq!(verified.trace_id(), code.trace_id);
    // No secret for a day without check-ins.
    assert_eq!(guest.checkout(UnixMinute(code.minute.0 - 1440), leave).unwrap_err(), ClientError::NoTracingSecret);
    // Another guest's code cannot be checked out by this guest.
    let mut other = w.guest();
    let foreign = other.check_in_code(&mut w.rng, &daily, NOW).unwrap();
    let err = guest.checkout_code(&foreign, leave).unwrap_err();
    assert_eq!(err, ClientError::NotOwnCheckIn);
    assert_eq!(err.kind(), "not_own_check_in");
}

#[test]
fn share_history_holds_today_and_the_previous_14_days_that_exist() {
    let mut w = World::new(8);
    let today = NOW.day();
    let mut guest = w.guest();
    let mut codes = Vec::new();
    for back in [16, 14, 3, 0] {
        let day = today.minus_days(back);
        let (_, daily) = w.daily_key(day);
        let at = day.start().plus_secs(12 * 3600);
        codes.push((day, guest.check_in_code(&mut w.rng, &daily, at).unwrap()));
    }
    let (daily_private, daily) = w.daily_key(today);
    let share = guest.share_history(&mut w.rng, &daily, NOW).unwrap();
    assert_eq!(share.created_at(), NOW);
    assert_eq!(share.daily_key_id(), daily.daily_key_id().unwrap());
    let opened = HistoryShareIn::from_slice(share.as_bytes()).unwrap().open(&daily_private).unwrap();
    assert_eq!(opened.user_id, guest.user_id());
    let days: Vec<_> = opened.days.iter().map(|(d, _)| *d).collect();
    assert_eq!(days, vec![today.minus_days(14), today.minus_days(3), today]);
    // The office recomputes the trace ids of the shared days.
    for ((day, secret), (code_day, code)) in opened.days.iter().zip(&codes[1..]) {
        assert_eq!(day, code_day);
        assert_eq!(derive::guest_trace_id(secret, &opened.user_id, code.minute), code.trace_id);
    }
    // A guest without any check-in has nothing to share.
    let fresh = w.guest();
    let err = fresh.share_history(&mut w.rng, &daily, NOW).unwrap_err();
    assert_eq!(err, ClientError::NothingToShare);
    assert_eq!(err.kind(), "nothing_to_share");
}

#[test]
fn purge_erases_secrets_and_check_ins_before_today_minus_14() {
    let mut w = World::new(9);
    let today = NOW.day();
    let mut guest = w.guest();
    let mut minutes = Vec::new();
    for back in [20, 15, 14, 1, 0] {
        let day = today.minus_days(back);
        let (_, daily) = w.daily_key(day);
        minutes.push(guest.check_in_code(&mut w.rng, &daily, day.start().plus_secs(600)).unwrap().minute);
    }
    guest.purge(NOW);
    let kept: Vec<_> = guest.check_ins().iter().map(|e| e.minute).collect();
    assert_eq!(kept, minutes[2..].to_vec());
    assert_eq!(guest.checkout(minutes[1], NOW).unwrap_err(), ClientError::NoTracingSecret);
    assert_eq!(guest.checkout(minutes[0], NOW).unwrap_err(), ClientError::NoTracingSecret);
    guest.checkout(minutes[2], NOW).unwrap();
    // Fifteen days later everything is gone.
    guest.purge(today.plus_days(15).start());
    assert!(guest.check_ins().is_empty());
    assert_eq!(guest.checkout(minutes[4], NOW).unwrap_err(), ClientError::NoTracingSecret);
}

#[test]
fn notifications_name_the_office_the_check_in_and_the_level() {
    let mut w = World::new(10);
    let (_, daily) = w.daily_key(NOW.day());
    let mut guest = w.guest();
    let a = guest.check_in_code(&mut w.rng, &daily, NOW).unwrap();
    let b = guest.check_in_code(&mut w.rng, &daily, NOW.plus_secs(3600)).unwrap();
    let c = guest.check_in_code(&mut w.rng, &daily, NOW.plus_secs(7200)).unwrap();
    let mut other = w.guest();
    let foreign = other.check_in_code(&mut w.rng, &daily, NOW).unwrap();
    let entries = [(a.trace_id, 0), (b.trace_id, 1), (b.trace_id, 3), (b.trace_id, 0), (foreign.trace_id, 2)];
    let later = NOW.plus_secs(86_400);
    let list = NotificationList::build(&mut w.rng, &w.office.signing, w.office_id, &entries, later).unwrap();
    let list = NotificationListIn::from_slice(list.as_bytes()).unwrap().verify(&w.cert, later).unwrap();
    let entry =
        |code: &luca_client::CheckInCode| CheckInEntry { trace_id: code.trace_id, minute: code.minute, venue_id: None };
    assert_eq!(
        guest.check_notifications(&list),
        vec![
            NotificationMatch { office: w.office_id, check_in: entry(&a), notice: Notice::DataAccessed },
            NotificationMatch { office: w.office_id, check_in: entry(&b), notice: Notice::DataAccessed },
            NotificationMatch { office: w.office_id, check_in: entry(&b), notice: Notice::Warning { level: 3 } },
        ]
    );
    let _ = c;
    assert_eq!(
        other.check_notifications(&list),
        vec![NotificationMatch {
            office: w.office_id,
            check_in: entry(&foreign),
            notice: Notice::Warning { level: 2 }
        }]
    );
    // A list with only dummies matches nothing.
    let empty = NotificationList::build(&mut w.rng, &w.office.signing, w.office_id, &[], later).unwrap();
    assert!(guest.check_notifications(&empty).is_empty());
}

#[test]
fn debug_output_shows_no_secret_no_user_id_and_no_trace_id() {
    let mut w = World::new(11);
    let (_, daily) = w.daily_key(NOW.day());
    let mut guest = w.guest();
    let code = guest.check_in_code(&mut w.rng, &daily, NOW).unwrap();
    let debug = format!("{guest:?}");
    assert_eq!(debug, "Guest { device: Android, tracing_days: 1, check_ins: 1, .. }");
    assert!(!debug.contains(&code.trace_id.to_string()) && !debug.contains(&guest.user_id().to_string()));
}

#[test]
fn error_kinds_are_stable() {
    use luca_protocol::badge_serial::BadgeSerialError;
    use luca_protocol::error::VerifyError;
    use luca_protocol::qr::render::RenderError;
    let all = [
        // Wrapped decoder, verifier and serial errors have the spec's kind.
        (ClientError::Invalid(DecodeError::Truncated), "truncated"),
        (ClientError::Invalid(DecodeError::InvalidUrl), "invalid_url"),
        (
            ClientError::InvalidContactField(luca_protocol::messages::contact_data::ContactFieldError {
                field: "city",
                problem: luca_protocol::messages::contact_data::FieldProblem::NotNfc,
            }),
            "invalid_field",
        ),
        (ClientError::VenueRejected(VerifyError::Expired), "expired"),
        (ClientError::VenueRejected(VerifyError::BadSignature), "bad_signature"),
        (ClientError::WrongKind, "wrong_kind"),
        (ClientError::DailyKeyNotValid, "daily_key_not_valid"),
        (ClientError::VenueNotValid, "venue_not_valid"),
        (ClientError::NoTracingSecret, "no_tracing_secret"),
        (ClientError::NotOwnCheckIn, "not_own_check_in"),
        (ClientError::NothingToShare, "nothing_to_share"),
        (ClientError::StorageFull, "storage_full"),
        (ClientError::BadgeSerial(BadgeSerialError::WrongLength), "wrong_length"),
        (ClientError::Render(RenderError::DataTooLong), "render"),
        (ClientError::Crypto, "crypto"),
    ];
    for (e, kind) in all {
        assert_eq!(e.kind(), kind);
    }
}
