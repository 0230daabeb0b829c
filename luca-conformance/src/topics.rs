//! One checker per vector topic: what each case's fields mean is documented in the topic's generator
//! (`luca-protocol/tests/vectors/<topic>.rs`) and in the file's `description`.
//!
//! Each checker runs the library in the order the generator did, returns `Err(CaseError::Kind)` with the
//! first error's kind, and on success compares every output the case lists that the public API exposes.

use luca_protocol::badge_serial::BadgeSerial;
use luca_protocol::derive;
use luca_protocol::ids::{DailyKeyId, HealthOfficeId, TraceId, UserId, VenueId};
use luca_protocol::keys::{
    BadgePrivateKey, DailyPrivateKey, HealthOfficeEncryptionKey, SignaturePublicKey, VenuePrivateKey,
};
use luca_protocol::messages::additional_data::{AdditionalDataContent, AdditionalDataIn};
use luca_protocol::messages::checkin_record::{CheckInRecordIn, InnerRecord};
use luca_protocol::messages::checkout::{CheckoutIn, auto_checkout_time};
use luca_protocol::messages::consent_response::ConsentResponseIn;
use luca_protocol::messages::contact_data::{ContactDataIn, ContactFields};
use luca_protocol::messages::history_share::{HistoryShare, HistoryShareIn};
use luca_protocol::messages::key_share::KeyShareIn;
use luca_protocol::messages::notification_list::NotificationListIn;
use luca_protocol::messages::tracing_request::TracingRequestIn;
use luca_protocol::qr::badge::BadgeQr;
use luca_protocol::qr::guest::GuestCheckInQr;
use luca_protocol::qr::scanned::ScannedQr;
use luca_protocol::qr::venue::VenueQr;
use luca_protocol::secrets::{BadgeSeed, BadgeTraceKey, CheckoutProof, DailyTracingSecret, DataSecret};
use luca_protocol::signed::badge_attestation::BadgeAttestationIn;
use luca_protocol::signed::daily_key_announcement::{DailyKeyAnnouncementIn, KeyPurpose};
use luca_protocol::signed::health_office_certificate::{HealthOfficeCertificate, HealthOfficeCertificateIn};
use luca_protocol::signed::registrar_certificate::{RegistrarCertificate, RegistrarCertificateIn};
use luca_protocol::signed::venue_descriptor::{VenueDescriptorIn, VenueKind};
use luca_protocol::tan::Tan;
use luca_protocol::threshold::announcement::CommitteeKeyAnnouncementIn;
use luca_protocol::threshold::dkg::{DkgComplaintIn, DkgDealingIn, DkgJustificationIn};
use luca_protocol::threshold::partial::{
    PartialDecryptionRequest, PartialDecryptionRequestIn, PartialDecryptionResponseIn, combine,
};
use luca_protocol::threshold::{Committee, PublicShares};
use luca_protocol::time::{UnixMinute, UnixTime, UtcDay};
use serde_json::{Value, json};

use crate::case::{Case, CaseError, Checker, Step, nested_hex, nested_u64};

/// Topic names, in the order of docs/PROTOCOL.md.
pub(crate) const NAMES: &[&str] = &[
    "derivations",
    "guest_qr",
    "badge_qr",
    "venue_qr",
    "tan",
    "certificates",
    "daily_key_announcement",
    "venue_descriptor",
    "badge_attestation",
    "contact_data",
    "history_share",
    "checkout",
    "additional_data",
    "checkin_record",
    "tracing_request",
    "consent_response",
    "key_share",
    "notification_list",
    "threshold",
];

pub(crate) fn checker(topic: &str) -> Option<Checker> {
    Some(match topic {
        "derivations" => derivations,
        "guest_qr" => guest_qr,
        "badge_qr" => badge_qr,
        "venue_qr" => venue_qr,
        "tan" => tan,
        "certificates" => certificates,
        "daily_key_announcement" => daily_key_announcement,
        "venue_descriptor" => venue_descriptor,
        "badge_attestation" => badge_attestation,
        "contact_data" => contact_data,
        "history_share" => history_share,
        "checkout" => checkout,
        "additional_data" => additional_data,
        "checkin_record" => checkin_record,
        "tracing_request" => tracing_request,
        "consent_response" => consent_response,
        "key_share" => key_share,
        "notification_list" => notification_list,
        "threshold" => threshold,
        _ => return None,
    })
}

fn bad(what: &str) -> CaseError {
    CaseError::Malformed(what.to_owned())
}

/// The outcome of a step as a kind (`"ok"` or the error's kind); a malformed case stays an error.
fn kind_of<T>(r: Step<T>) -> Step<String> {
    match r {
        Ok(_) => Ok("ok".to_owned()),
        Err(CaseError::Kind(k)) => Ok(k),
        Err(e @ CaseError::Malformed(_)) => Err(e),
    }
}

fn now(c: &Case<'_>) -> Step<UnixTime> {
    c.u64("now").map(UnixTime)
}

fn anchor(c: &Case<'_>, field: &str) -> Step<SignaturePublicKey> {
    c.parse(field, SignaturePublicKey::from_slice)
}

/// The registrar certificate of a case, verified with its trust anchor at `now` (a refusal is the case's
/// outcome).
fn registrar(c: &Case<'_>, anchor_field: &str, now: UnixTime) -> Step<RegistrarCertificate> {
    let a = anchor(c, anchor_field)?;
    let bytes = c.hex("registrar_certificate")?;
    Ok(RegistrarCertificateIn::from_slice(&bytes)?.verify(&a, now)?)
}

fn health_office(c: &Case<'_>, anchor_field: &str, field: &str, now: UnixTime) -> Step<HealthOfficeCertificate> {
    let a = anchor(c, anchor_field)?;
    let bytes = c.hex(field)?;
    Ok(HealthOfficeCertificateIn::from_slice(&bytes)?.verify(&a, now)?)
}

fn u16_of(v: u64, what: &str) -> Step<u16> {
    u16::try_from(v).map_err(|_| bad(what))
}

// ---------------------------------------------------------------------------------------------------------
// derivations

fn derivations(c: &mut Case<'_>) -> Step {
    match c.str("function")? {
        "checkout_proof" | "guest_trace_id" => {
            let secret = c.parse("daily_tracing_secret", DailyTracingSecret::from_slice)?;
            let user = c.parse("user_id", UserId::from_slice)?;
            let minute = UnixMinute(c.u32("minute")?);
            let proof = derive::checkout_proof(&secret, &user, minute);
            c.expect_hex("minute_be32", &minute.to_be_bytes())?;
            c.expect_hex("checkout_proof", proof.expose_secret())?;
            c.expect_hex("trace_id", derive::trace_id(&proof).as_bytes())?;
            c.expect_hex("trace_id", derive::guest_trace_id(&secret, &user, minute).as_bytes())?;
        }
        "trace_id" => {
            let proof = c.parse("checkout_proof", CheckoutProof::from_slice)?;
            c.expect_hex("trace_id", derive::trace_id(&proof).as_bytes())?;
        }
        "badge_checkout_proof" => {
            let key = c.parse("badge_trace_key", BadgeTraceKey::from_slice)?;
            let proof = derive::badge_checkout_proof(&key, UnixMinute(c.u32("minute")?));
            c.expect_hex("checkout_proof", proof.expose_secret())?;
            c.expect_hex("trace_id", derive::trace_id(&proof).as_bytes())?;
        }
        "contact_data_key" => {
            let ds = c.parse("data_secret", DataSecret::from_slice)?;
            c.expect_hex("contact_data_key", derive::contact_data_key(&ds).expose_secret())?;
        }
        "notification_hash" => {
            let trace = c.parse("trace_id", TraceId::from_slice)?;
            let office = c.parse("health_office_id", HealthOfficeId::from_slice)?;
            let level = u8::try_from(c.u64("level")?).map_err(|_| bad("field level: out of range"))?;
            c.expect_hex("notification_hash", &derive::notification_hash(&trace, &office, level))?;
        }
        "qr_checksum" => {
            let body = c.hex("body")?;
            c.expect_hex("checksum", &derive::qr_checksum(&body))?;
        }
        "tracing_request_hash" => {
            let req = c.hex("tracing_request")?;
            c.expect_hex("tracing_request_hash", &derive::tracing_request_hash(&req))?;
        }
        "badge_seed" => {
            let value = c.u64("serial_value")?;
            c.expect_hex("serial_be64", &value.to_be_bytes())?;
            c.expect_json("argon2_m_kib", &json!(derive::BADGE_ARGON2_M_KIB));
            c.expect_json("argon2_t", &json!(derive::BADGE_ARGON2_T));
            let serial = BadgeSerial::from_be_bytes(value.to_be_bytes())?;
            let seed = derive::badge_seed(&serial)?;
            c.expect_hex("badge_seed", seed.expose_secret())?;
            badge_secrets_outputs(c, &seed)?;
        }
        "badge_secrets" => {
            let seed = c.parse("badge_seed", BadgeSeed::from_slice)?;
            badge_secrets_outputs(c, &seed)?;
        }
        "badge_trace_key" => {
            let ts = c.parse("tracing_secret", DailyTracingSecret::from_slice)?;
            c.expect_hex("badge_trace_key", derive::badge_trace_key(&ts).expose_secret())?;
        }
        "badge_serial" => {
            // `serial_text` is a non-canonical input (the parser's tolerance); without it the
            // canonical `serial_printed` is the input and must come back unchanged.
            let text = match c.opt_str("serial_text")? {
                Some(text) => text,
                None => c.str("serial_printed")?,
            };
            let serial = BadgeSerial::parse(text)?;
            let be64 = serial.expose_secret();
            c.expect_json("serial_value", &json!(u64::from_be_bytes(*be64)));
            c.expect_hex("serial_be64", &be64[..])?;
            let printed = serial.to_printed();
            c.expect_json("serial_printed", &json!(printed.as_str()));
        }
        _ => return Err(bad("field function: unknown derivation")),
    }
    Ok(())
}

fn badge_secrets_outputs(c: &mut Case<'_>, seed: &BadgeSeed) -> Step {
    let s = derive::badge_secrets(seed)?;
    c.expect_hex("user_id", s.user_id.as_bytes())?;
    c.expect_hex("data_secret", s.data_secret.expose_secret())?;
    c.expect_hex("tracing_secret", s.tracing_secret.expose_secret())?;
    c.expect_hex("signing_private_key", s.signing_key.to_bytes().as_slice())?;
    c.expect_hex("signing_public_key", &s.signing_key.public_key().to_bytes())?;
    c.expect_hex("badge_trace_key", s.trace_key.expose_secret())
}

// ---------------------------------------------------------------------------------------------------------
// QR codes and the TAN

fn guest_open(qr: GuestCheckInQr, key: Option<&DailyPrivateKey>) -> Step<(GuestCheckInQr, Option<[Vec<u8>; 2]>)> {
    match key {
        None => Ok((qr, None)),
        Some(k) => {
            let s = qr.open(k)?;
            let opened = [s.user_id.as_bytes().to_vec(), s.data_secret.expose_secret().to_vec()];
            Ok((qr, Some(opened)))
        }
    }
}

fn guest_qr(c: &mut Case<'_>) -> Step {
    let key = if c.has("daily_private_key") {
        Some(c.parse("daily_private_key", DailyPrivateKey::from_slice)?)
    } else {
        None
    };
    let from_bytes = c.opt_hex("qr_bytes")?.map(|b| GuestCheckInQr::from_bytes(&b).map_err(CaseError::from));
    let from_text = c.opt_str("qr_text")?.map(|t| GuestCheckInQr::from_base32(t).map_err(CaseError::from));
    let (primary, other) = match (from_text, from_bytes) {
        (Some(t), b) => (t, b),
        (None, Some(b)) => (b, None),
        (None, None) => return Err(bad("neither qr_text nor qr_bytes")),
    };
    // The bytes and their text form must fail (or pass) the same way.
    if let Some(other) = other {
        let a = kind_of(primary.clone().and_then(|q| guest_open(q, key.as_ref())))?;
        let b = kind_of(other.and_then(|q| guest_open(q, key.as_ref())))?;
        if a != b {
            c.mismatch(format!("qr_bytes gives {b}, qr_text gives {a}"));
        }
    }
    let (qr, opened) = guest_open(primary?, key.as_ref())?;
    let b = qr.to_bytes();
    c.expect_hex("qr_bytes", &b)?;
    c.expect_hex("body", qr.body())?;
    c.expect_hex("aad", qr.header())?;
    c.expect_hex("checksum", &qr.checksum())?;
    c.expect_hex("enc", &qr.enc_compressed())?;
    c.expect_hex("ciphertext", &qr.ciphertext())?;
    c.expect_hex("trace_id", qr.trace_id().as_bytes())?;
    c.expect_json("minute", &json!(qr.minute().0));
    c.expect_json("daily_key_id", &json!(qr.daily_key_id().0));
    let flags = qr.flags();
    c.expect_json("flags", &json!(flags.to_byte()));
    c.expect_json("device_type", &json!(flags.device_type.code()));
    c.expect_json("entry_policy", &json!(flags.entry_policy));
    let text = qr.to_base32();
    c.expect_json("qr_text", &json!(text));
    if let Some([user, secret]) = opened {
        c.expect_hex("user_id", &user)?;
        c.expect_hex("data_secret", &secret)?;
    }
    if let Some(k) = &key {
        c.expect_hex("daily_public_key", &k.public_key().to_bytes())?;
    }
    Ok(())
}

fn badge_qr(c: &mut Case<'_>) -> Step {
    if c.opt_str("decoder")? == Some("scanned_qr") {
        let scanned = ScannedQr::from_text(c.str("qr_text")?)?;
        let to = match scanned {
            ScannedQr::Guest(_) => "guest",
            ScannedQr::Badge(_) => "badge",
        };
        c.expect_json("dispatched_to", &json!(to));
        return Ok(());
    }
    let qr = match c.opt_str("qr_text")? {
        Some(t) => BadgeQr::from_base32(t)?,
        None => BadgeQr::from_bytes(&c.hex("qr_bytes")?)?,
    };
    let now = now(c)?;
    let reg = registrar(c, "trust_anchor_public_key", now)?;
    let sk = c.parse("badge_private_key", BadgePrivateKey::from_slice)?;
    c.expect_hex("qr_bytes", qr.as_bytes())?;
    c.expect_json("qr_text", &json!(qr.to_base32()));
    let att = qr.into_attestation().verify(&reg, now)?;
    let (user, secret) = att.open(&sk)?;
    c.expect_hex("attestation", att.as_bytes())?;
    c.expect_hex("user_id", user.as_bytes())?;
    c.expect_hex("data_secret", secret.expose_secret())?;
    c.expect_hex("badge_trace_key", att.trace_key().expose_secret())?;
    c.expect_hex("badge_public_key", &sk.public_key().to_bytes())?;
    c.expect_hex("registrar_id", att.registrar_id().as_bytes())?;
    c.expect_json("badge_key_id", &json!(att.badge_key_id().0));
    c.expect_json("issued_at", &json!(att.issued_at().0));
    Ok(())
}

fn venue_qr(c: &mut Case<'_>) -> Step {
    let qr = VenueQr::from_url(c.str("url")?)?;
    let now = now(c)?;
    let reg = registrar(c, "trust_anchor_public_key", now)?;
    let d = qr.descriptor().clone();
    let d = match d.kind() {
        VenueKind::Venue => d.verify(&reg, now)?,
        VenueKind::PrivateMeeting => d.verify_private_meeting(now)?,
    };
    c.expect_json("base_url", &json!(qr.base_url()));
    c.expect_hex("payload", qr.payload())?;
    c.expect_json("table", &json!(qr.table()));
    c.expect_hex("descriptor", d.as_bytes())?;
    c.expect_json("kind", &json!(d.kind().to_u8()));
    c.expect_json("table_count", &json!(d.table_count()));
    c.expect_json("url", &json!(qr.to_url()));
    Ok(())
}

/// Replays the bytes a generator consumed (then zeros): reproduces `Tan::generate` from a vector.
struct Replay<'a> {
    bytes: &'a [u8],
}

impl rand_core::TryRng for Replay<'_> {
    type Error = core::convert::Infallible;

    fn try_next_u32(&mut self) -> Result<u32, Self::Error> {
        let mut b = [0u8; 4];
        self.try_fill_bytes(&mut b)?;
        Ok(u32::from_le_bytes(b))
    }

    fn try_next_u64(&mut self) -> Result<u64, Self::Error> {
        let mut b = [0u8; 8];
        self.try_fill_bytes(&mut b)?;
        Ok(u64::from_le_bytes(b))
    }

    fn try_fill_bytes(&mut self, dst: &mut [u8]) -> Result<(), Self::Error> {
        for d in dst {
            match self.bytes.split_first() {
                Some((b, rest)) => {
                    *d = *b;
                    self.bytes = rest;
                }
                None => *d = 0,
            }
        }
        Ok(())
    }
}

impl rand_core::TryCryptoRng for Replay<'_> {}

fn tan(c: &mut Case<'_>) -> Step {
    if c.has("input") {
        let tan = Tan::parse(c.str("input")?)?;
        c.expect_json("tan", &json!(tan.to_string()));
        return Ok(());
    }
    let shown = Tan::parse(c.str("tan")?)?;
    c.expect_json("tan", &json!(shown.to_string()));
    c.expect_json("tan_compact", &json!(shown.as_str()));
    if let Some(bytes) = c.opt_hex("rng_bytes")? {
        let generated = Tan::generate(&mut Replay { bytes: &bytes });
        c.expect_json("tan", &json!(generated.to_string()));
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------------------------
// Signed objects

fn certificates(c: &mut Case<'_>) -> Step {
    let a = anchor(c, "anchor_public_key")?;
    let now = now(c)?;
    let bytes = c.hex("certificate")?;
    match c.str("object")? {
        "health_office_certificate" => {
            let cert = HealthOfficeCertificateIn::from_slice(&bytes)?.verify(&a, now)?;
            c.expect_hex("health_office_id", cert.id().as_bytes())?;
            c.expect_json("subject_name", &json!(cert.name()));
            c.expect_hex("signing_key", &cert.signing_key().to_bytes())?;
            c.expect_hex("encryption_key", &cert.encryption_key().to_bytes())?;
            c.expect_json("not_before", &json!(cert.validity().not_before.0));
            c.expect_json("not_after", &json!(cert.validity().not_after.0));
        }
        "registrar_certificate" => {
            let cert = RegistrarCertificateIn::from_slice(&bytes)?.verify(&a, now)?;
            c.expect_hex("registrar_id", cert.id().as_bytes())?;
            c.expect_json("subject_name", &json!(cert.name()));
            c.expect_hex("signing_key", &cert.signing_key().to_bytes())?;
            c.expect_json("not_before", &json!(cert.validity().not_before.0));
            c.expect_json("not_after", &json!(cert.validity().not_after.0));
        }
        _ => return Err(bad("field object: unknown certificate type")),
    }
    Ok(())
}

fn daily_key_announcement(c: &mut Case<'_>) -> Step {
    let bytes = c.hex("announcement")?;
    let ann = DailyKeyAnnouncementIn::from_slice(&bytes)?;
    let now = now(c)?;
    let cert = health_office(c, "anchor_public_key", "issuer_certificate", now)?;
    let ann = match c.str("mode")? {
        "verify" => ann.verify(&cert, now)?,
        "verify_for_retention" => ann.verify_for_retention(&cert, now)?,
        _ => return Err(bad("field mode: unknown")),
    };
    c.expect_hex("issuer", ann.issuer().as_bytes())?;
    c.expect_json("key_id", &json!(ann.key_id()));
    c.expect_json("purpose", &json!(ann.purpose().to_u8()));
    c.expect_hex("public_key", &ann.public_key().to_bytes())?;
    c.expect_json("not_before", &json!(ann.validity().not_before.0));
    c.expect_json("not_after", &json!(ann.validity().not_after.0));
    c.expect_json("retain_until", &json!(ann.retain_until().0));
    if c.has("private_key") {
        let purpose = ann.purpose();
        let bytes = c.hex("private_key")?;
        let public = match purpose {
            KeyPurpose::Daily => DailyPrivateKey::from_slice(&bytes).map(|k| k.public_key().to_bytes()),
            KeyPurpose::Badge => BadgePrivateKey::from_slice(&bytes).map(|k| k.public_key().to_bytes()),
        }
        .map_err(|_| bad("field private_key: not a P-256 scalar"))?;
        if public != ann.public_key().to_bytes() {
            c.mismatch("private_key");
        }
    }
    Ok(())
}

fn venue_descriptor(c: &mut Case<'_>) -> Step {
    let bytes = c.hex("descriptor")?;
    let d = VenueDescriptorIn::from_slice(&bytes)?;
    let now = now(c)?;
    let reg = registrar(c, "anchor_public_key", now)?;
    let d = d.verify(&reg, now)?;
    c.expect_json("kind", &json!(d.kind().to_u8()));
    c.expect_hex("venue_id", d.venue_id().as_bytes())?;
    c.expect_json("venue_name", &json!(d.name()));
    c.expect_hex("venue_key", &d.venue_key().to_bytes())?;
    c.expect_json("table_count", &json!(d.table_count()));
    c.expect_json("not_before", &json!(d.validity().not_before.0));
    c.expect_json("not_after", &json!(d.validity().not_after.0));
    if c.has("venue_private_key") {
        let sk = c.parse("venue_private_key", VenuePrivateKey::from_slice)?;
        c.expect_hex("venue_key", &sk.public_key().to_bytes())?;
    }
    Ok(())
}

fn badge_attestation(c: &mut Case<'_>) -> Step {
    let bytes = c.hex("attestation")?;
    let a = BadgeAttestationIn::from_slice(&bytes)?;
    let now = now(c)?;
    let reg = registrar(c, "anchor_public_key", now)?;
    let a = a.verify(&reg, now)?;
    let sk = c.parse("badge_private_key", BadgePrivateKey::from_slice)?;
    let (user, secret) = a.open(&sk)?;
    c.expect_hex("user_id", user.as_bytes())?;
    c.expect_hex("data_secret", secret.expose_secret())?;
    c.expect_hex("trace_key", a.trace_key().expose_secret())?;
    c.expect_json("badge_key_id", &json!(a.badge_key_id().0));
    c.expect_json("issued_at", &json!(a.issued_at().0));
    c.expect_hex("registrar_id", a.registrar_id().as_bytes())?;
    c.expect_hex("badge_public_key", &sk.public_key().to_bytes())?;
    Ok(())
}

// ---------------------------------------------------------------------------------------------------------
// Messages

const FIELD_NAMES: [&str; 8] =
    ["first_name", "last_name", "phone", "email", "street", "house_number", "postcode", "city"];

fn fields_json(f: &ContactFields) -> Value {
    json!({
        "first_name": f.first_name, "last_name": f.last_name, "phone": f.phone, "email": f.email,
        "street": f.street, "house_number": f.house_number, "postcode": f.postcode, "city": f.city,
    })
}

fn fields_from_hex(v: &Value) -> Step<ContactFields> {
    let mut out: [String; 8] = Default::default();
    for (slot, name) in out.iter_mut().zip(FIELD_NAMES) {
        let bytes = nested_hex(v, name)?;
        *slot = String::from_utf8(bytes).map_err(|_| bad("fields_utf8_hex: not UTF-8"))?;
    }
    let [first_name, last_name, phone, email, street, house_number, postcode, city] = out;
    Ok(ContactFields { first_name, last_name, phone, email, street, house_number, postcode, city })
}

fn contact_data(c: &mut Case<'_>) -> Step {
    match c.str("check")? {
        "open" => {
            let data = ContactDataIn::from_slice(&c.hex("contact_data")?)?;
            let user_field = if c.has("expected_user_id") { "expected_user_id" } else { "user_id" };
            let user = c.parse(user_field, UserId::from_slice)?;
            let ds = c.parse("data_secret", DataSecret::from_slice)?;
            let opened = data.open(&user, &ds)?;
            c.expect_hex("user_id", opened.user_id.as_bytes())?;
            c.expect_hex("guest_key", &opened.guest_key.to_bytes())?;
            c.expect_json("updated_at", &json!(opened.updated_at.0));
            c.expect_json("fields", &fields_json(&opened.fields));
            c.expect_hex("contact_data_key", derive::contact_data_key(&ds).expose_secret())?;
            if c.has("fields_utf8_hex") {
                let want = fields_from_hex(c.value("fields_utf8_hex")?)?;
                if want != opened.fields {
                    c.mismatch("fields_utf8_hex");
                }
            }
            if c.has("plaintext") {
                let pt = opened.fields.to_plaintext();
                c.expect_hex("plaintext", &pt)?;
            }
        }
        "verify_signature" => {
            let data = ContactDataIn::from_slice(&c.hex("contact_data")?)?;
            data.verify_signature()?;
        }
        "is_update_of" => {
            let new = ContactDataIn::from_slice(&c.hex("contact_data")?)?;
            let old = ContactDataIn::from_slice(&c.hex("previous")?)?;
            new.is_update_of(&old)?;
        }
        "validate" => {
            let fields = fields_from_hex(c.value("fields_utf8_hex")?)?;
            fields.validate()?;
            if c.has("plaintext") {
                let pt = fields.to_plaintext();
                c.expect_hex("plaintext", &pt)?;
            }
        }
        _ => return Err(bad("field check: unknown")),
    }
    Ok(())
}

fn history_share(c: &mut Case<'_>) -> Step {
    match c.str("check")? {
        "open" => {
            let share = HistoryShareIn::from_slice(&c.hex("history_share")?)?;
            let key = c.parse("daily_private_key", DailyPrivateKey::from_slice)?;
            let opened = share.open(&key)?;
            c.expect_json("daily_key_id", &json!(share.daily_key_id().0));
            c.expect_json("created_at", &json!(share.created_at().0));
            c.expect_hex("user_id", opened.user_id.as_bytes())?;
            c.expect_hex("data_secret", opened.data_secret.expose_secret())?;
            let days: Vec<Value> = opened
                .days
                .iter()
                .map(|(d, s)| json!({"day": d.0, "tracing_secret": hex::encode(s.expose_secret())}))
                .collect();
            c.expect_json("days", &Value::Array(days));
            c.expect_hex("daily_public_key", &key.public_key().to_bytes())?;
        }
        "seal" => {
            let created_at = UnixTime(c.u64("created_at")?);
            let mut secrets = Vec::new();
            for d in c.value("days")?.as_array().ok_or_else(|| bad("field days: not an array"))? {
                let day = u32::try_from(nested_u64(d, "day")?).map_err(|_| bad("field day: out of range"))?;
                secrets.push((UtcDay(day), DailyTracingSecret::from_slice(&nested_hex(d, "tracing_secret")?)?));
            }
            let refs: Vec<(UtcDay, &DailyTracingSecret)> = secrets.iter().map(|(d, s)| (*d, s)).collect();
            // Only the guest-side rules are checked here: the key and identities are fixed placeholders.
            let mut rng = <rand_chacha::ChaCha20Rng as rand_core::SeedableRng>::from_seed([7; 32]);
            let key = DailyPrivateKey::generate(&mut rng);
            let id = luca_protocol::ids::DailyKeyId::for_day(created_at.day());
            let user = UserId::random(&mut rng);
            let ds = DataSecret::random(&mut rng);
            HistoryShare::seal(&mut rng, id, &key.public_key(), &user, &ds, &refs, created_at)?;
        }
        _ => return Err(bad("field check: unknown")),
    }
    Ok(())
}

fn checkout(c: &mut Case<'_>) -> Step {
    let minute = UnixMinute(c.u32("checkin_minute")?);
    c.expect_json("auto_checkout_time", &json!(auto_checkout_time(minute).0));
    if c.has("daily_tracing_secret") && c.has("user_id") {
        let secret = c.parse("daily_tracing_secret", DailyTracingSecret::from_slice)?;
        let user = c.parse("user_id", UserId::from_slice)?;
        let proof = derive::checkout_proof(&secret, &user, minute);
        c.expect_hex("checkout_proof", proof.expose_secret())?;
        c.expect_hex("trace_id", derive::trace_id(&proof).as_bytes())?;
    }
    let co = CheckoutIn::from_slice(&c.hex("checkout")?)?;
    let co = co.verify(minute, now(c)?)?;
    c.expect_hex("trace_id", co.trace_id().as_bytes())?;
    c.expect_json("checkout_at", &json!(co.checkout_at().0));
    Ok(())
}

fn content_json(content: &AdditionalDataContent) -> Value {
    json!({"table": content.table, "guest_name": content.guest_name})
}

fn additional_data(c: &mut Case<'_>) -> Step {
    match c.str("check")? {
        "open" => {
            let ad = AdditionalDataIn::from_slice(&c.hex("additional_data")?)?;
            let key = c.parse("venue_private_key", VenuePrivateKey::from_slice)?;
            let content = ad.open(&key)?;
            c.expect_hex("venue_id", ad.venue_id().as_bytes())?;
            c.expect_hex("trace_id", ad.trace_id().as_bytes())?;
            c.expect_json("content", &content_json(&content));
            c.expect_hex("plaintext", &content.to_bytes()?)?;
            c.expect_hex("venue_public_key", &key.public_key().to_bytes())?;
        }
        "plaintext" => {
            let content = AdditionalDataContent::from_slice(&c.hex("plaintext")?)?;
            c.expect_hex("plaintext", &content.to_bytes()?)?;
        }
        "validate" => {
            let v = c.value("content")?;
            let table = match v.get("table") {
                None | Some(Value::Null) => None,
                Some(t) => Some(u16_of(t.as_u64().ok_or_else(|| bad("field table: not an integer"))?, "table")?),
            };
            let guest_name = match v.get("guest_name_utf8_hex") {
                None | Some(Value::Null) => None,
                Some(_) => Some(
                    String::from_utf8(nested_hex(v, "guest_name_utf8_hex")?)
                        .map_err(|_| bad("guest_name_utf8_hex: not UTF-8"))?,
                ),
            };
            AdditionalDataContent { table, guest_name }.validate()?;
        }
        _ => return Err(bad("field check: unknown")),
    }
    Ok(())
}

fn checkin_record(c: &mut Case<'_>) -> Step {
    match c.str("operation")? {
        "open" => {
            let rec = CheckInRecordIn::from_slice(&c.hex("checkin_record")?)?;
            let key = c.parse("venue_private_key", VenuePrivateKey::from_slice)?;
            let inner = rec.open(&key)?;
            c.expect_hex("inner_record", &inner.to_bytes())?;
            c.expect_hex("venue_id", rec.venue_id().as_bytes())?;
            c.expect_hex("trace_id", rec.trace_id().as_bytes())?;
            c.expect_json("checkin_minute", &json!(rec.checkin_minute().0));
            c.expect_json("source", &json!(rec.source().to_u8()));
            c.expect_hex("venue_public_key", &key.public_key().to_bytes())?;
            match &inner {
                InnerRecord::Guest(qr) => c.expect_hex("guest_qr_body", qr.body())?,
                InnerRecord::Badge(att) => c.expect_hex("badge_attestation", att.as_bytes())?,
            }
        }
        "check_freshness" => {
            let rec = CheckInRecordIn::from_slice(&c.hex("checkin_record")?)?;
            c.expect_json("checkin_minute", &json!(rec.checkin_minute().0));
            rec.check_freshness(now(c)?, c.u64("window_secs")?)?;
        }
        "decode_inner" => {
            let bytes = c.hex("inner_record")?;
            let inner = InnerRecord::from_slice(&bytes)?;
            if inner.to_bytes() != bytes {
                c.mismatch("inner_record re-encoding");
            }
        }
        _ => return Err(bad("field operation: unknown")),
    }
    Ok(())
}

fn tracing_request(c: &mut Case<'_>) -> Step {
    let now = now(c)?;
    let cert = health_office(c, "trust_anchor_public_key", "health_office_certificate", now)?;
    let bytes = c.hex("tracing_request")?;
    let venue = c.parse("venue_id", VenueId::from_slice)?;
    let req = TracingRequestIn::from_slice(&bytes)?.verify(&cert, venue, now)?;
    if req.as_bytes() != bytes.as_slice() {
        c.mismatch("tracing_request (verified bytes differ)");
    }
    c.expect_hex("request_id", req.request_id().as_bytes())?;
    c.expect_hex("health_office_id", req.health_office_id().as_bytes())?;
    c.expect_json("from", &json!(req.window().from.0));
    c.expect_json("to", &json!(req.window().to.0));
    c.expect_json("issued_at", &json!(req.issued_at().0));
    c.expect_json("expires_at", &json!(req.expires_at().0));
    c.expect_hex("request_hash", &req.request_hash())?;
    Ok(())
}

fn consent_response(c: &mut Case<'_>) -> Step {
    if c.has("consent_response_length") {
        let len = usize::try_from(c.u64("consent_response_length")?).map_err(|_| bad("length out of range"))?;
        ConsentResponseIn::from_slice(&vec![0u8; len])?;
        return Ok(());
    }
    let now = now(c)?;
    let cert = health_office(c, "trust_anchor_public_key", "health_office_certificate", now)?;
    let venue = c.parse("venue_id", VenueId::from_slice)?;
    let request = TracingRequestIn::from_slice(&c.hex("tracing_request")?)?.verify(&cert, venue, now)?;
    let resp = ConsentResponseIn::from_slice(&c.hex("consent_response")?)?;
    let key = c.parse("health_office_private_key", HealthOfficeEncryptionKey::from_slice)?;
    let entries = resp.open(&request, &key)?;
    c.expect_hex("request_hash", &request.request_hash())?;
    c.expect_hex("health_office_public_key", &key.public_key().to_bytes())?;
    if let Some(want) = c.value("entries").ok().and_then(Value::as_array) {
        if want.len() != entries.len() {
            c.mismatch("entries (count)");
        }
        for (i, (w, e)) in want.iter().zip(&entries).enumerate() {
            let additional = match &e.additional {
                Some(a) => Value::String(hex::encode(a.to_bytes()?.as_slice())),
                None => Value::Null,
            };
            let got = [
                ("trace_id", Value::String(hex::encode(e.trace_id.as_bytes()))),
                ("checkin_minute", json!(e.checkin_minute.0)),
                ("source", json!(e.inner.source().to_u8())),
                ("inner_record", Value::String(hex::encode(e.inner.to_bytes()))),
                ("additional", additional),
            ];
            for (k, v) in got {
                if w.get(k).is_some_and(|x| *x != v) {
                    c.mismatch(format!("entries[{i}].{k}"));
                }
            }
        }
    }
    Ok(())
}

fn key_share(c: &mut Case<'_>) -> Step {
    let share = KeyShareIn::from_slice(&c.hex("key_share")?)?;
    let key = c.parse("recipient_private_key", HealthOfficeEncryptionKey::from_slice)?;
    let id = c.parse("recipient_id", HealthOfficeId::from_slice)?;
    let announced = c.parse("announced_public_key", luca_protocol::keys::EncryptionPublicKey::from_slice)?;
    let private = match c.str("open_as")? {
        "daily" => share.open_daily(&key, id, &announced)?.to_bytes(),
        "badge" => share.open_badge(&key, id, &announced)?.to_bytes(),
        _ => return Err(bad("field open_as: unknown")),
    };
    c.expect_hex("private_key", private.as_slice())?;
    c.expect_json("purpose", &json!(share.purpose().to_u8()));
    c.expect_json("key_id", &json!(share.key_id()));
    c.expect_hex("issuer", share.issuer().as_bytes())?;
    c.expect_hex("recipient", share.recipient().as_bytes())?;
    c.expect_hex("recipient_public_key", &key.public_key().to_bytes())?;
    Ok(())
}

fn notification_list(c: &mut Case<'_>) -> Step {
    let now = now(c)?;
    let cert = health_office(c, "trust_anchor_public_key", "health_office_certificate", now)?;
    let bytes = if c.has("notification_list_length") {
        let len = usize::try_from(c.u64("notification_list_length")?).map_err(|_| bad("length out of range"))?;
        vec![0u8; len]
    } else {
        c.hex("notification_list")?
    };
    let list = NotificationListIn::from_slice(&bytes)?.verify(&cert, now)?;
    c.expect_hex("health_office_id", list.health_office_id().as_bytes())?;
    c.expect_json("issued_at", &json!(list.issued_at().0));
    c.expect_json("hash_count", &json!(list.hashes().len()));
    if let Some(entries) = c.value("entries").ok().and_then(Value::as_array) {
        for (i, e) in entries.iter().enumerate() {
            let trace = TraceId::from_slice(&nested_hex(e, "trace_id")?)?;
            let level = u8::try_from(nested_u64(e, "level")?).map_err(|_| bad("level out of range"))?;
            let h = derive::notification_hash(&trace, &list.health_office_id(), level);
            if nested_hex(e, "notification_hash")? != h {
                c.mismatch(format!("entries[{i}].notification_hash"));
            }
            if !list.hashes().iter().any(|x| x[..] == h[..]) {
                c.mismatch(format!("entries[{i}] not in the list"));
            }
        }
    }
    if let Some(ids) = c.value("device_trace_ids").ok().and_then(Value::as_array) {
        let mut traces = Vec::new();
        for v in ids {
            let b = v.as_str().and_then(crate::case::hex_of).ok_or_else(|| bad("device_trace_ids: not hex"))?;
            traces.push(TraceId::from_slice(&b)?);
        }
        let matches: Vec<Value> = list
            .check(&traces)
            .iter()
            .map(|m| json!({"trace_id": hex::encode(m.trace_id.as_bytes()), "level": m.level}))
            .collect();
        c.expect_json("matches", &Value::Array(matches));
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------------------------
// threshold (§13)

/// The committee of a threshold case: its certificates, verified with the trust anchor at `now`.
fn committee(c: &Case<'_>) -> Step<Committee> {
    let now = now(c)?;
    let a = anchor(c, "trust_anchor_public_key")?;
    let certs = c
        .value("committee")?
        .as_array()
        .ok_or_else(|| bad("field committee: not an array"))?
        .iter()
        .map(|v| {
            let bytes = v.as_str().and_then(crate::case::hex_of).ok_or_else(|| bad("field committee: not hex"))?;
            Ok(HealthOfficeCertificateIn::from_slice(&bytes)?.verify(&a, now)?)
        })
        .collect::<Step<Vec<_>>>()?;
    let id = DailyKeyId(u16_of(c.u64("daily_key_id")?, "daily_key_id")?);
    let t = u16_of(c.u64("threshold")?, "threshold")?;
    Ok(Committee::new(id, t, &certs)?)
}

fn hex_list(c: &Case<'_>, field: &str) -> Step<Vec<Vec<u8>>> {
    c.value(field)?
        .as_array()
        .ok_or_else(|| bad(&format!("field {field}: not an array")))?
        .iter()
        .map(|v| v.as_str().and_then(crate::case::hex_of).ok_or_else(|| bad(&format!("field {field}: not hex"))))
        .collect()
}

fn public_of(c: &Case<'_>, committee: &Committee) -> Step<PublicShares> {
    let dealings = hex_list(c, "dealings")?
        .iter()
        .map(|b| Ok(DkgDealingIn::from_slice(b)?.verify(committee)?))
        .collect::<Step<Vec<_>>>()?;
    let qualified = c
        .value("qualified")?
        .as_array()
        .ok_or_else(|| bad("field qualified: not an array"))?
        .iter()
        .map(|v| v.as_u64().ok_or_else(|| bad("field qualified: not a number")).and_then(|n| u16_of(n, "qualified")))
        .collect::<Step<Vec<_>>>()?;
    Ok(PublicShares::from_dealings(committee, &dealings, &qualified)?)
}

fn request_of(c: &Case<'_>, committee: &Committee) -> Step<PartialDecryptionRequest> {
    let bytes = c.hex("request")?;
    let req = PartialDecryptionRequestIn::from_slice(&bytes)?;
    let now = now(c)?;
    let cert = if c.has("requester_certificate") {
        health_office(c, "trust_anchor_public_key", "requester_certificate", now)?
    } else {
        committee
            .member_of(req.requester())
            .and_then(|m| {
                // The requester's certificate is the committee's.
                let list = hex_list(c, "committee").ok()?;
                let a = anchor(c, "trust_anchor_public_key").ok()?;
                list.iter()
                    .filter_map(|b| HealthOfficeCertificateIn::from_slice(b).ok()?.verify(&a, now).ok())
                    .find(|cert| cert.id() == m.office)
            })
            .ok_or_else(|| bad("requester not in the committee"))?
    };
    Ok(req.verify(&cert, committee, now)?)
}

fn threshold(c: &mut Case<'_>) -> Step {
    let committee = committee(c)?;
    match c.str("step")? {
        "dealing" => {
            let d = DkgDealingIn::from_slice(&c.hex("dealing")?)?.verify(&committee)?;
            c.expect_json("dealer", &json!(d.dealer()));
        }
        "complaint" => {
            let x = DkgComplaintIn::from_slice(&c.hex("complaint")?)?.verify(&committee)?;
            c.expect_json("complainant", &json!(x.complainant()));
            c.expect_json("dealer", &json!(x.dealer()));
            c.expect_json("has_evidence", &json!(x.has_evidence()));
        }
        "justification" => {
            let x = DkgJustificationIn::from_slice(&c.hex("justification")?)?.verify(&committee)?;
            c.expect_json("dealer", &json!(x.dealer()));
        }
        "public_shares" => {
            let public = public_of(c, &committee)?;
            c.expect_hex("daily_public_key", &public.daily_public_key().to_bytes())?;
            let shares: Vec<Value> = public.shares().iter().map(|(_, p)| json!(crate::case::to_hex(p))).collect();
            c.expect_json("public_shares", &json!(shares));
        }
        "request" => {
            let req = request_of(c, &committee)?;
            c.expect_hex("request_hash", &req.request_hash())?;
            let encs: Vec<Value> = req.encs().iter().map(|e| json!(crate::case::to_hex(e))).collect();
            c.expect_json("encs", &json!(encs));
            c.expect_json("responders", &json!(req.responders()));
        }
        "response" => {
            let req = request_of(c, &committee)?;
            let public = public_of(c, &committee)?;
            let r = PartialDecryptionResponseIn::from_slice(&c.hex("response")?)?.verify(&req, &committee, &public)?;
            c.expect_json("member", &json!(r.member()));
        }
        "open" => {
            let req = request_of(c, &committee)?;
            let public = public_of(c, &committee)?;
            let responses = hex_list(c, "responses")?
                .iter()
                .map(|b| Ok(PartialDecryptionResponseIn::from_slice(b)?.verify(&req, &committee, &public)?))
                .collect::<Step<Vec<_>>>()?;
            let combined = combine(&req, &public, &responses)?;
            let qr = GuestCheckInQr::from_bytes(&c.hex("guest_qr")?)?;
            let share = HistoryShareIn::from_slice(&c.hex("history_share")?)?;
            let by_threshold = qr.open_threshold(&combined)?;
            let history = share.open_threshold(&combined)?;
            c.expect_hex("user_id", by_threshold.user_id.as_bytes())?;
            c.expect_hex("data_secret", by_threshold.data_secret.expose_secret())?;
            c.expect_hex("user_id", history.user_id.as_bytes())?;
            let key = c.parse("daily_private_key", DailyPrivateKey::from_slice)?;
            if &key.public_key() != public.daily_public_key() {
                c.mismatch("daily_private_key is not the committee's daily key");
            }
            let by_key = qr.open(&key)?;
            c.expect_hex("user_id", by_key.user_id.as_bytes())?;
            c.expect_hex("data_secret", by_key.data_secret.expose_secret())?;
            let plain = share.open(&key)?;
            if plain.days != history.days {
                c.mismatch("history share days differ between the two ways");
            }
        }
        "announcement" => {
            let now = now(c)?;
            let a = anchor(c, "trust_anchor_public_key")?;
            let mut certs = Vec::new();
            for field in ["committee", "other_certificates"] {
                if c.has(field) {
                    for b in hex_list(c, field)? {
                        certs.push(HealthOfficeCertificateIn::from_slice(&b)?.verify(&a, now)?);
                    }
                }
            }
            let ann = CommitteeKeyAnnouncementIn::from_slice(&c.hex("announcement")?)?.verify(&certs, now)?;
            c.expect_hex("daily_public_key", &ann.public_key().to_bytes())?;
            c.expect_json("signers", &json!(ann.signers()));
            let shares: Vec<Value> =
                ann.public_shares().shares().iter().map(|(_, p)| json!(crate::case::to_hex(p))).collect();
            c.expect_json("public_shares", &json!(shares));
            if ann.key_id() != committee.daily_key_id() || ann.threshold() != committee.threshold() {
                c.mismatch("announcement of another key or threshold");
            }
        }
        _ => return Err(bad("field step: unknown")),
    }
    Ok(())
}
