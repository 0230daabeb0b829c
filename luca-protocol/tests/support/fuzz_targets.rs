//! The decoders under fuzzing, shared by the cargo-fuzz targets (`fuzz/fuzz_targets/*.rs`, one per entry of
//! [`TARGETS`]) and by the corpus replay test (`luca-protocol/tests/corpus.rs`, which includes this file with
//! `#[path]` and runs every file of `fuzz/corpus/<target>/` and `fuzz/regressions/<target>/` through
//! `TARGETS[target]` on stable Rust).
//!
//! Contract of every function here: any input gives [`Outcome::Accepted`] or [`Outcome::Rejected`]; a panic is a
//! bug. Decoder targets only decode (and, on success, read every accessor and format the value; on failure, the
//! error's `kind()` and `Display`). Round-trip targets (`roundtrip_*`) take a selector byte (`data[0] % N`) that
//! picks one decoder and feed it the rest; for every accepted input they assert, with `assert!` (a panic, so the
//! fuzzer reports it), that encoding the decoded value gives back the exact input (all formats are canonical) and
//! that decoding that encoding gives the same value.
//!
//! Text decoders receive the input as UTF-8; inputs that are not UTF-8 are rejected before the decoder.

use std::fmt::Debug;
use std::hint::black_box;

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;

use luca_protocol::badge_serial::BadgeSerial;
use luca_protocol::messages::additional_data::{AdditionalDataContent, AdditionalDataIn};
use luca_protocol::messages::checkin_record::{CheckInRecordIn, InnerRecord};
use luca_protocol::messages::checkout::CheckoutIn;
use luca_protocol::messages::consent_response::ConsentResponseIn;
use luca_protocol::messages::contact_data::{ContactDataIn, ContactFields};
use luca_protocol::messages::history_share::{HistoryShareIn, OpenedHistoryShare};
use luca_protocol::messages::key_share::KeyShareIn;
use luca_protocol::messages::notification_list::NotificationListIn;
use luca_protocol::messages::tracing_request::TracingRequestIn;
use luca_protocol::qr::badge::BadgeQr;
use luca_protocol::qr::guest::GuestCheckInQr;
use luca_protocol::qr::scanned::ScannedQr;
use luca_protocol::qr::venue::VenueQr;
use luca_protocol::signed::badge_attestation::BadgeAttestationIn;
use luca_protocol::signed::daily_key_announcement::DailyKeyAnnouncementIn;
use luca_protocol::signed::health_office_certificate::HealthOfficeCertificateIn;
use luca_protocol::signed::registrar_certificate::RegistrarCertificateIn;
use luca_protocol::signed::venue_descriptor::VenueDescriptorIn;
use luca_protocol::tan::Tan;

/// What a target did with one input.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// The decoder returned `Ok` (and, for a round-trip target, every round-trip assertion held).
    Accepted,
    /// The decoder returned `Err` (or the input was not UTF-8 for a text decoder).
    Rejected,
}

/// A fuzz target: bytes in, an outcome out; a panic is a finding.
pub type Target = fn(&[u8]) -> Outcome;

/// The URL prefix the `venue_qr_payload` target puts before the base64url encoding of its input.
pub const VENUE_QR_PREFIX: &str = "https://luca.example/v1/checkin#";

/// Every target: its name (= `fuzz/fuzz_targets/<name>.rs` = `fuzz/corpus/<name>/`) and its function.
pub const TARGETS: &[(&str, Target)] = &[
    // QR codes: binary and text forms.
    ("guest_qr_bytes", guest_qr_bytes),
    ("guest_qr_base32", guest_qr_base32),
    ("badge_qr_bytes", badge_qr_bytes),
    ("badge_qr_base32", badge_qr_base32),
    ("scanned_qr_text", scanned_qr_text),
    ("venue_qr_url", venue_qr_url),
    ("venue_qr_payload", venue_qr_payload),
    // Signed objects.
    ("health_office_certificate", health_office_certificate),
    ("registrar_certificate", registrar_certificate),
    ("daily_key_announcement", daily_key_announcement),
    ("venue_descriptor", venue_descriptor),
    ("badge_attestation", badge_attestation),
    // Messages.
    ("additional_data", additional_data),
    ("additional_data_content", additional_data_content),
    ("checkin_record", checkin_record),
    ("inner_record", inner_record),
    ("checkout", checkout),
    ("consent_response", consent_response),
    ("contact_data", contact_data),
    ("contact_fields_plaintext", contact_fields_plaintext),
    ("history_share", history_share),
    ("history_share_plaintext", history_share_plaintext),
    ("key_share", key_share),
    ("notification_list", notification_list),
    ("tracing_request", tracing_request),
    // Typed codes.
    ("tan", tan),
    ("badge_serial", badge_serial),
    // The original luca system's formats (luca-legacy, read-only).
    ("legacy_code_bytes", legacy_code_bytes),
    ("legacy_scanned_text", legacy_scanned_text),
    ("legacy_inner_record", legacy_inner_record),
    ("legacy_badge_serial", legacy_badge_serial),
    ("legacy_checkin_json", legacy_checkin_json),
    ("legacy_venue_url", legacy_venue_url),
    // Round trips.
    ("roundtrip_qr", roundtrip_qr),
    ("roundtrip_signed", roundtrip_signed),
    ("roundtrip_messages", roundtrip_messages),
    ("roundtrip_text", roundtrip_text),
];

/// The target named `name`.
pub fn target(name: &str) -> Option<Target> {
    TARGETS.iter().find(|(n, _)| *n == name).map(|(_, f)| *f)
}

// ------------------------------------------------------------------ helpers

/// Formats `v` (Debug must never panic) and hands the result to the optimiser barrier.
fn touch<T: Debug>(v: &T) {
    black_box(format!("{v:?}"));
}

/// Reads an error's stable kind and message, then maps the result to an [`Outcome`].
fn outcome<T: Debug, E: Debug + std::fmt::Display>(r: &Result<T, E>, kind: impl Fn(&E) -> &'static str) -> Outcome {
    match r {
        Ok(v) => {
            touch(v);
            Outcome::Accepted
        }
        Err(e) => {
            black_box(kind(e));
            black_box(e.to_string());
            touch(e);
            Outcome::Rejected
        }
    }
}

fn decode_outcome<T: Debug>(r: &Result<T, luca_protocol::error::DecodeError>) -> Outcome {
    outcome(r, luca_protocol::error::DecodeError::kind)
}

fn text(data: &[u8]) -> Option<&str> {
    std::str::from_utf8(data).ok()
}

fn either(a: Outcome, b: Outcome) -> Outcome {
    if a == Outcome::Accepted || b == Outcome::Accepted { Outcome::Accepted } else { Outcome::Rejected }
}

/// Asserts that two decodings of the same bytes are the same value (as far as `Debug` shows it).
fn same<T: Debug>(what: &str, a: &T, b: &T) {
    assert_eq!(format!("{a:?}"), format!("{b:?}"), "{what}: re-decoding gave another value");
}

/// Splits the selector byte off a round-trip input.
fn select(data: &[u8], n: u8) -> Option<(u8, &[u8])> {
    let (first, rest) = data.split_first()?;
    Some((first.checked_rem(n)?, rest))
}

// ------------------------------------------------------------------ QR codes

/// `GuestCheckInQr::from_bytes` (109 bytes) and `GuestCheckInQr::from_body` (105 bytes).
pub fn guest_qr_bytes(data: &[u8]) -> Outcome {
    let full = GuestCheckInQr::from_bytes(data);
    if let Ok(q) = &full {
        black_box((q.flags(), q.daily_key_id(), q.minute(), q.trace_id(), q.header(), q.body()));
    }
    either(decode_outcome(&full), decode_outcome(&GuestCheckInQr::from_body(data)))
}

/// `GuestCheckInQr::from_base32`.
pub fn guest_qr_base32(data: &[u8]) -> Outcome {
    let Some(t) = text(data) else { return Outcome::Rejected };
    decode_outcome(&GuestCheckInQr::from_base32(t))
}

/// `BadgeQr::from_bytes`.
pub fn badge_qr_bytes(data: &[u8]) -> Outcome {
    let r = BadgeQr::from_bytes(data);
    if let Ok(q) = &r {
        touch(q.attestation());
    }
    decode_outcome(&r)
}

/// `BadgeQr::from_base32`.
pub fn badge_qr_base32(data: &[u8]) -> Outcome {
    let Some(t) = text(data) else { return Outcome::Rejected };
    decode_outcome(&BadgeQr::from_base32(t))
}

/// `ScannedQr::from_text` (guest or badge QR text).
pub fn scanned_qr_text(data: &[u8]) -> Outcome {
    let Some(t) = text(data) else { return Outcome::Rejected };
    decode_outcome(&ScannedQr::from_text(t))
}

/// `VenueQr::from_url` on the whole URL.
pub fn venue_qr_url(data: &[u8]) -> Outcome {
    let Some(t) = text(data) else { return Outcome::Rejected };
    let r = VenueQr::from_url(t);
    if let Ok(q) = &r {
        black_box((q.base_url(), q.payload(), q.table()));
        touch(q.descriptor());
    }
    decode_outcome(&r)
}

/// The venue QR's binary payload: `VenueQr::from_url(VENUE_QR_PREFIX ‖ base64url(data))`, so that the fuzzer
/// mutates the CBOR rather than the URL text.
pub fn venue_qr_payload(data: &[u8]) -> Outcome {
    decode_outcome(&VenueQr::from_url(&venue_url(data)))
}

fn venue_url(payload: &[u8]) -> String {
    format!("{VENUE_QR_PREFIX}{}", URL_SAFE_NO_PAD.encode(payload))
}

// ------------------------------------------------------------------ signed objects

/// `HealthOfficeCertificateIn::from_slice`.
pub fn health_office_certificate(data: &[u8]) -> Outcome {
    let r = HealthOfficeCertificateIn::from_slice(data);
    if let Ok(c) = &r {
        black_box((c.id(), c.name(), c.signing_key(), c.encryption_key(), c.validity()));
    }
    decode_outcome(&r)
}

/// `RegistrarCertificateIn::from_slice`.
pub fn registrar_certificate(data: &[u8]) -> Outcome {
    let r = RegistrarCertificateIn::from_slice(data);
    if let Ok(c) = &r {
        black_box((c.id(), c.name(), c.signing_key(), c.validity()));
    }
    decode_outcome(&r)
}

/// `DailyKeyAnnouncementIn::from_slice`.
pub fn daily_key_announcement(data: &[u8]) -> Outcome {
    let r = DailyKeyAnnouncementIn::from_slice(data);
    if let Ok(a) = &r {
        black_box((a.purpose(), a.key_id(), a.issuer(), a.public_key(), a.validity(), a.retain_until()));
    }
    decode_outcome(&r)
}

/// `VenueDescriptorIn::from_slice`.
pub fn venue_descriptor(data: &[u8]) -> Outcome {
    let r = VenueDescriptorIn::from_slice(data);
    if let Ok(d) = &r {
        black_box((d.kind(), d.venue_id(), d.name(), d.venue_key(), d.table_count(), d.validity()));
        black_box((d.registrar_id(), d.host_key()));
    }
    decode_outcome(&r)
}

/// `BadgeAttestationIn::from_slice`.
pub fn badge_attestation(data: &[u8]) -> Outcome {
    let r = BadgeAttestationIn::from_slice(data);
    if let Ok(a) = &r {
        black_box((a.badge_key_id(), a.trace_key(), a.issued_at(), a.registrar_id()));
    }
    decode_outcome(&r)
}

// ------------------------------------------------------------------ messages

/// `AdditionalDataIn::from_slice`.
pub fn additional_data(data: &[u8]) -> Outcome {
    decode_outcome(&AdditionalDataIn::from_slice(data))
}

/// `AdditionalDataContent::from_slice` (the decrypted plaintext).
pub fn additional_data_content(data: &[u8]) -> Outcome {
    let r = AdditionalDataContent::from_slice(data);
    if let Ok(c) = &r {
        black_box(c.to_bytes().is_ok());
    }
    decode_outcome(&r)
}

/// `ContactFields::from_plaintext` (the decrypted contact data, after the guest's AES-GCM layer). An accepted
/// plaintext must also round-trip: `to_plaintext` gives back the exact input and decodes to equal fields.
pub fn contact_fields_plaintext(data: &[u8]) -> Outcome {
    let r = ContactFields::from_plaintext(data);
    if let Ok(fields) = &r {
        let bytes = fields.to_plaintext();
        assert_eq!(bytes.as_slice(), data, "contact fields: encoding differs from the accepted plaintext");
        assert_eq!(ContactFields::from_plaintext(&bytes).as_ref(), Ok(fields), "contact fields: round trip");
    }
    decode_outcome(&r)
}

/// The `created_at` the `history_share_plaintext` target checks the days against (2026-11-29T09:00:00Z, the
/// `now` of the test vectors, so that their plaintexts are accepted seeds).
pub const HISTORY_CREATED_AT: u64 = 1_795_942_800;

/// `OpenedHistoryShare::from_plaintext` (the decrypted history share, after the daily key's HPKE layer).
pub fn history_share_plaintext(data: &[u8]) -> Outcome {
    decode_outcome(&OpenedHistoryShare::from_plaintext(data, luca_protocol::time::UnixTime(HISTORY_CREATED_AT)))
}

/// `CheckInRecordIn::from_slice`.
pub fn checkin_record(data: &[u8]) -> Outcome {
    let r = CheckInRecordIn::from_slice(data);
    if let Ok(c) = &r {
        black_box((c.venue_id(), c.trace_id(), c.checkin_minute(), c.source()));
    }
    decode_outcome(&r)
}

/// `InnerRecord::from_slice` (the decrypted plaintext of a check-in record).
pub fn inner_record(data: &[u8]) -> Outcome {
    let r = InnerRecord::from_slice(data);
    if let Ok(i) = &r {
        black_box((i.source(), i.to_bytes()));
    }
    decode_outcome(&r)
}

/// `CheckoutIn::from_slice`.
pub fn checkout(data: &[u8]) -> Outcome {
    let r = CheckoutIn::from_slice(data);
    if let Ok(c) = &r {
        black_box((c.trace_id(), c.checkout_at()));
    }
    decode_outcome(&r)
}

/// `ConsentResponseIn::from_slice`.
pub fn consent_response(data: &[u8]) -> Outcome {
    let r = ConsentResponseIn::from_slice(data);
    if let Ok(c) = &r {
        black_box((c.request_hash(), c.health_office_id(), c.venue_id(), c.len(), c.is_empty()));
    }
    decode_outcome(&r)
}

/// `ContactDataIn::from_slice`.
pub fn contact_data(data: &[u8]) -> Outcome {
    let r = ContactDataIn::from_slice(data);
    if let Ok(c) = &r {
        black_box((c.user_id(), c.guest_key(), c.updated_at()));
    }
    decode_outcome(&r)
}

/// `HistoryShareIn::from_slice`.
pub fn history_share(data: &[u8]) -> Outcome {
    let r = HistoryShareIn::from_slice(data);
    if let Ok(h) = &r {
        black_box((h.daily_key_id(), h.created_at()));
    }
    decode_outcome(&r)
}

/// `KeyShareIn::from_slice`.
pub fn key_share(data: &[u8]) -> Outcome {
    let r = KeyShareIn::from_slice(data);
    if let Ok(k) = &r {
        black_box((k.purpose(), k.key_id(), k.issuer(), k.recipient()));
    }
    decode_outcome(&r)
}

/// `NotificationListIn::from_slice`.
pub fn notification_list(data: &[u8]) -> Outcome {
    let r = NotificationListIn::from_slice(data);
    if let Ok(n) = &r {
        black_box(n.health_office_id());
    }
    decode_outcome(&r)
}

/// `TracingRequestIn::from_slice`.
pub fn tracing_request(data: &[u8]) -> Outcome {
    let r = TracingRequestIn::from_slice(data);
    if let Ok(t) = &r {
        black_box((t.health_office_id(), t.venue_id(), t.request_id()));
    }
    decode_outcome(&r)
}

// ------------------------------------------------------------------ typed codes

/// `Tan::parse`.
pub fn tan(data: &[u8]) -> Outcome {
    let Some(t) = text(data) else { return Outcome::Rejected };
    let r = Tan::parse(t);
    if let Ok(tan) = &r {
        black_box((tan.as_str(), tan.to_string()));
    }
    outcome(&r, luca_protocol::tan::TanError::kind)
}

/// `BadgeSerial::parse`.
pub fn badge_serial(data: &[u8]) -> Outcome {
    let Some(t) = text(data) else { return Outcome::Rejected };
    let r = BadgeSerial::parse(t);
    if let Ok(s) = &r {
        black_box((s.expose_secret(), s.to_printed()));
    }
    outcome(&r, luca_protocol::badge_serial::BadgeSerialError::kind)
}

// ------------------------------------------------------------------ round trips

/// Round trips of the QR codes. Selector: 0 guest binary, 1 guest Base32, 2 badge binary, 3 badge Base32,
/// 4 scanned text, 5 venue URL, 6 venue payload.
pub fn roundtrip_qr(data: &[u8]) -> Outcome {
    let Some((sel, d)) = select(data, 7) else { return Outcome::Rejected };
    let ok = match sel {
        0 => rt_guest_bytes(d),
        1 => text(d).is_some_and(rt_guest_text),
        2 => rt_badge_bytes(d),
        3 => text(d).is_some_and(rt_badge_text),
        4 => text(d).is_some_and(rt_scanned),
        5 => text(d).is_some_and(rt_venue_url),
        _ => rt_venue_url(&venue_url(d)),
    };
    if ok { Outcome::Accepted } else { Outcome::Rejected }
}

fn rt_guest_bytes(d: &[u8]) -> bool {
    let Ok(q) = GuestCheckInQr::from_bytes(d) else { return false };
    assert_eq!(q.as_bytes(), d, "guest QR: as_bytes");
    assert_eq!(q.to_bytes().as_slice(), d, "guest QR: to_bytes");
    let t = q.to_base32();
    assert_eq!(t.len(), GuestCheckInQr::TEXT_LENGTH, "guest QR: text length");
    assert_eq!(GuestCheckInQr::from_base32(&t).as_ref(), Ok(&q), "guest QR: Base32 round trip");
    assert_eq!(GuestCheckInQr::from_body(q.body()).as_ref(), Ok(&q), "guest QR: body round trip");
    assert_eq!(q.header(), d.get(..24).unwrap_or_default(), "guest QR: header");
    true
}

fn rt_guest_text(t: &str) -> bool {
    let Ok(q) = GuestCheckInQr::from_base32(t) else { return false };
    assert_eq!(q.to_base32(), t, "guest QR: Base32 text is not canonical");
    assert_eq!(GuestCheckInQr::from_bytes(q.as_bytes()).as_ref(), Ok(&q), "guest QR: binary round trip");
    true
}

fn rt_badge_bytes(d: &[u8]) -> bool {
    let Ok(q) = BadgeQr::from_bytes(d) else { return false };
    assert_eq!(q.as_bytes(), d, "badge QR: as_bytes");
    assert_eq!(q.to_bytes(), d, "badge QR: to_bytes");
    assert_eq!(q.attestation().as_bytes(), d.get(1..).unwrap_or_default(), "badge QR: attestation bytes");
    let t = q.to_base32();
    assert!(t.len() <= BadgeQr::MAX_TEXT_LEN, "badge QR: text over the cap");
    assert_eq!(BadgeQr::from_base32(&t).as_ref(), Ok(&q), "badge QR: Base32 round trip");
    assert_eq!(ScannedQr::from_text(&t), Ok(ScannedQr::Badge(q)), "badge QR: scanned dispatch");
    true
}

fn rt_badge_text(t: &str) -> bool {
    let Ok(q) = BadgeQr::from_base32(t) else { return false };
    assert_eq!(q.to_base32(), t, "badge QR: Base32 text is not canonical");
    assert_eq!(BadgeQr::from_bytes(q.as_bytes()).as_ref(), Ok(&q), "badge QR: binary round trip");
    true
}

fn rt_scanned(t: &str) -> bool {
    let Ok(s) = ScannedQr::from_text(t) else { return false };
    let again = match &s {
        ScannedQr::Guest(q) => q.to_base32(),
        ScannedQr::Badge(q) => q.to_base32(),
    };
    assert_eq!(again, t, "scanned QR: text is not canonical");
    assert_eq!(ScannedQr::from_text(&again).as_ref(), Ok(&s), "scanned QR: round trip");
    true
}

fn rt_venue_url(u: &str) -> bool {
    let Ok(q) = VenueQr::from_url(u) else { return false };
    let url = q.to_url();
    assert_eq!(url, u, "venue QR: URL is not canonical");
    let q2 = VenueQr::from_url(&url).expect("venue QR: re-decoding its own URL");
    assert_eq!(q2, q, "venue QR: round trip");
    assert_eq!(q2.table(), q.table(), "venue QR: table");
    same("venue QR", q2.descriptor(), q.descriptor());
    let d = VenueDescriptorIn::from_slice(q.descriptor().as_bytes()).expect("venue QR: descriptor re-decodes");
    same("venue QR descriptor", &d, q.descriptor());
    true
}

/// Round trips of the signed objects. Selector: 0 health-office certificate, 1 registrar certificate, 2 daily key
/// announcement, 3 venue descriptor, 4 badge attestation, 5 contact data, 6 tracing request, 7 notification list.
pub fn roundtrip_signed(data: &[u8]) -> Outcome {
    let Some((sel, d)) = select(data, 8) else { return Outcome::Rejected };
    let ok = match sel {
        0 => rt_bytes(
            d,
            HealthOfficeCertificateIn::from_slice,
            |c| c.as_bytes(),
            |a, b| {
                assert_eq!(a.to_bytes(), b.to_bytes());
                assert_eq!(
                    (a.id(), a.name(), a.signing_key(), a.validity()),
                    (b.id(), b.name(), b.signing_key(), b.validity())
                );
                assert!(a.encryption_key() == b.encryption_key());
            },
        ),
        1 => rt_bytes(
            d,
            RegistrarCertificateIn::from_slice,
            |c| c.as_bytes(),
            |a, b| {
                assert_eq!(a.to_bytes(), b.to_bytes());
                assert_eq!(
                    (a.id(), a.name(), a.signing_key(), a.validity()),
                    (b.id(), b.name(), b.signing_key(), b.validity())
                );
            },
        ),
        2 => rt_bytes(
            d,
            DailyKeyAnnouncementIn::from_slice,
            |c| c.as_bytes(),
            |a, b| {
                assert_eq!(a.to_bytes(), b.to_bytes());
                assert_eq!((a.purpose(), a.key_id(), a.issuer()), (b.purpose(), b.key_id(), b.issuer()));
                assert_eq!(
                    (a.public_key(), a.validity(), a.retain_until()),
                    (b.public_key(), b.validity(), b.retain_until())
                );
            },
        ),
        3 => rt_bytes(
            d,
            VenueDescriptorIn::from_slice,
            |c| c.as_bytes(),
            |a, b| {
                assert_eq!(a.to_bytes(), b.to_bytes());
                assert_eq!(
                    (a.kind(), a.venue_id(), a.name(), a.venue_key()),
                    (b.kind(), b.venue_id(), b.name(), b.venue_key())
                );
                assert_eq!((a.table_count(), a.validity()), (b.table_count(), b.validity()));
                assert_eq!((a.registrar_id(), a.host_key()), (b.registrar_id(), b.host_key()));
            },
        ),
        4 => rt_bytes(
            d,
            BadgeAttestationIn::from_slice,
            |c| c.as_bytes(),
            |a, b| {
                assert_eq!(a.to_bytes(), b.to_bytes());
                assert_eq!(
                    (a.badge_key_id(), a.issued_at(), a.registrar_id()),
                    (b.badge_key_id(), b.issued_at(), b.registrar_id())
                );
                assert!(a.trace_key() == b.trace_key());
            },
        ),
        5 => rt_bytes(
            d,
            ContactDataIn::from_slice,
            |c| c.as_bytes(),
            |a, b| {
                assert_eq!((a.user_id(), a.guest_key(), a.updated_at()), (b.user_id(), b.guest_key(), b.updated_at()));
            },
        ),
        6 => rt_bytes(
            d,
            TracingRequestIn::from_slice,
            |c| c.as_bytes(),
            |a, b| {
                assert_eq!(
                    (a.health_office_id(), a.venue_id(), a.request_id()),
                    (b.health_office_id(), b.venue_id(), b.request_id())
                );
            },
        ),
        _ => rt_bytes(
            d,
            NotificationListIn::from_slice,
            |c| c.as_bytes(),
            |a, b| {
                assert_eq!(a.health_office_id(), b.health_office_id());
            },
        ),
    };
    if ok { Outcome::Accepted } else { Outcome::Rejected }
}

/// Round trips of the messages. Selector: 0 additional data, 1 additional data content, 2 check-in record, 3 inner
/// record, 4 checkout, 5 consent response, 6 history share, 7 key share.
pub fn roundtrip_messages(data: &[u8]) -> Outcome {
    let Some((sel, d)) = select(data, 8) else { return Outcome::Rejected };
    let ok = match sel {
        0 => rt_bytes(
            d,
            AdditionalDataIn::from_slice,
            |c| c.as_bytes(),
            |a, b| {
                assert_eq!((a.venue_id(), a.trace_id()), (b.venue_id(), b.trace_id()));
            },
        ),
        1 => rt_additional_content(d),
        2 => rt_bytes(
            d,
            CheckInRecordIn::from_slice,
            |c| c.as_bytes(),
            |a, b| {
                assert_eq!(a.to_bytes(), b.to_bytes());
                assert_eq!(
                    (a.venue_id(), a.trace_id(), a.checkin_minute(), a.source()),
                    (b.venue_id(), b.trace_id(), b.checkin_minute(), b.source())
                );
            },
        ),
        3 => rt_inner_record(d),
        4 => rt_bytes(
            d,
            CheckoutIn::from_slice,
            |c| c.as_bytes(),
            |a, b| {
                assert_eq!((a.trace_id(), a.checkout_at()), (b.trace_id(), b.checkout_at()));
            },
        ),
        5 => rt_bytes(
            d,
            ConsentResponseIn::from_slice,
            |c| c.as_bytes(),
            |a, b| {
                assert_eq!(
                    (a.request_hash(), a.health_office_id(), a.venue_id()),
                    (b.request_hash(), b.health_office_id(), b.venue_id())
                );
                assert_eq!((a.len(), a.is_empty()), (b.len(), b.is_empty()));
            },
        ),
        6 => rt_bytes(
            d,
            HistoryShareIn::from_slice,
            |c| c.as_bytes(),
            |a, b| {
                assert_eq!((a.daily_key_id(), a.created_at()), (b.daily_key_id(), b.created_at()));
            },
        ),
        _ => rt_bytes(
            d,
            KeyShareIn::from_slice,
            |c| c.as_bytes(),
            |a, b| {
                assert_eq!(a.to_bytes(), b.to_bytes());
                assert_eq!(
                    (a.purpose(), a.key_id(), a.issuer(), a.recipient()),
                    (b.purpose(), b.key_id(), b.issuer(), b.recipient())
                );
            },
        ),
    };
    if ok { Outcome::Accepted } else { Outcome::Rejected }
}

/// Decodes `d`; if accepted, asserts that the encoding is `d` and that re-decoding it gives the same value
/// (`Debug` and `eq`).
fn rt_bytes<T: Debug, E: Debug>(
    d: &[u8],
    decode: impl Fn(&[u8]) -> Result<T, E>,
    encode: impl Fn(&T) -> &[u8],
    eq: impl Fn(&T, &T),
) -> bool {
    let Ok(v) = decode(d) else { return false };
    assert_eq!(encode(&v), d, "encoding differs from the accepted input");
    let again = decode(encode(&v)).expect("re-decoding an accepted encoding failed");
    assert_eq!(encode(&again), d, "re-encoding differs");
    same("re-decoding", &v, &again);
    eq(&v, &again);
    true
}

fn rt_additional_content(d: &[u8]) -> bool {
    let Ok(c) = AdditionalDataContent::from_slice(d) else { return false };
    let bytes = c.to_bytes().expect("additional data content: an accepted value must encode");
    assert_eq!(bytes.as_slice(), d, "additional data content: encoding differs");
    assert_eq!(AdditionalDataContent::from_slice(&bytes).as_ref(), Ok(&c), "additional data content: round trip");
    true
}

fn rt_inner_record(d: &[u8]) -> bool {
    let Ok(r) = InnerRecord::from_slice(d) else { return false };
    let bytes = r.to_bytes();
    assert_eq!(bytes, d, "inner record: encoding differs");
    let again = InnerRecord::from_slice(&bytes).expect("inner record: re-decoding");
    assert_eq!(again.to_bytes(), d, "inner record: re-encoding differs");
    assert_eq!(again.source(), r.source(), "inner record: source");
    same("inner record", &r, &again);
    true
}

/// Round trips of the typed codes. Selector: 0 TAN, 1 badge serial.
pub fn roundtrip_text(data: &[u8]) -> Outcome {
    let Some((sel, d)) = select(data, 2) else { return Outcome::Rejected };
    let Some(t) = text(d) else { return Outcome::Rejected };
    let ok = match sel {
        0 => rt_tan(t),
        _ => rt_badge_serial(t),
    };
    if ok { Outcome::Accepted } else { Outcome::Rejected }
}

fn rt_tan(t: &str) -> bool {
    let Ok(tan) = Tan::parse(t) else { return false };
    let compact = tan.as_str();
    assert_eq!(compact.len(), Tan::LENGTH, "TAN: compact length");
    assert!(
        compact.bytes().all(|c| luca_protocol::tan::ALPHABET.contains(&c)),
        "TAN: compact form outside the alphabet"
    );
    assert!(Tan::parse(compact).as_ref().is_ok_and(|x| *x == tan), "TAN: compact round trip");
    let shown = tan.to_string();
    assert_eq!(shown.len(), Tan::DISPLAY_LENGTH, "TAN: display length");
    assert!(Tan::parse(&shown).as_ref().is_ok_and(|x| *x == tan), "TAN: display round trip");
    true
}

fn rt_badge_serial(t: &str) -> bool {
    let Ok(s) = BadgeSerial::parse(t) else { return false };
    assert!(
        u64::from_be_bytes(*s.expose_secret()) < (1u64 << luca_protocol::badge_serial::BITS),
        "badge serial: value over 60 bits"
    );
    let printed = s.to_printed();
    assert_eq!(printed.len(), 14, "badge serial: printed length");
    let again = BadgeSerial::parse(&printed).expect("badge serial: printed form re-parses");
    assert!(again == s, "badge serial: round trip");
    assert_eq!(*again.to_printed(), *printed, "badge serial: printed form is not canonical");
    true
}

// ------------------------------------------------------------------ legacy formats (luca-legacy)

fn legacy_outcome<T: Debug>(r: &Result<T, luca_legacy::DecodeError>) -> Outcome {
    outcome(r, luca_legacy::DecodeError::kind)
}

/// `LegacyCode::from_bytes` (v3/v4 guest and badge QR bytes), and the badge QR's derivations when it decodes.
pub fn legacy_code_bytes(data: &[u8]) -> Outcome {
    let r = luca_legacy::LegacyCode::from_bytes(data);
    if let Ok(luca_legacy::LegacyCode::Badge(b)) = &r {
        black_box(b.tracing_secrets());
        black_box(b.verify_attestation(&[0u8; 65]).is_err());
    }
    legacy_outcome(&r)
}

/// `ScannedLegacyCode::from_text` (Base32 and Z85, with the keyboard fix).
pub fn legacy_scanned_text(data: &[u8]) -> Outcome {
    let Some(t) = text(data) else { return Outcome::Rejected };
    black_box(luca_legacy::looks_legacy(t));
    legacy_outcome(&luca_legacy::ScannedLegacyCode::from_text(t))
}

/// `LegacyInnerRecord::from_bytes` (75 bytes).
pub fn legacy_inner_record(data: &[u8]) -> Outcome {
    legacy_outcome(&luca_legacy::LegacyInnerRecord::from_bytes(data))
}

/// `LegacyBadgeSerial::parse` (not `secrets`: the v4 derivation is Argon2id with 32 MiB, too slow to fuzz).
pub fn legacy_badge_serial(data: &[u8]) -> Outcome {
    let Some(t) = text(data) else { return Outcome::Rejected };
    outcome(&luca_legacy::LegacyBadgeSerial::parse(t), luca_legacy::SerialError::kind)
}

/// `LegacyCheckInRecord::from_json` and `LegacyAdditionalData::from_json` (the scanner's uploads).
pub fn legacy_checkin_json(data: &[u8]) -> Outcome {
    let Some(t) = text(data) else { return Outcome::Rejected };
    either(
        legacy_outcome(&luca_legacy::LegacyCheckInRecord::from_json(t)),
        legacy_outcome(&luca_legacy::LegacyAdditionalData::from_json(t)),
    )
}

/// `LegacyVenueQr::from_url`.
pub fn legacy_venue_url(data: &[u8]) -> Outcome {
    let Some(t) = text(data) else { return Outcome::Rejected };
    let r = luca_legacy::LegacyVenueQr::from_url(t);
    if let Ok(q) = &r {
        black_box((q.table(), q.cwa_payload(), q.additional_data().map(|m| m.len())));
    }
    legacy_outcome(&r)
}
