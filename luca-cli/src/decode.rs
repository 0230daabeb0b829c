//! `luca decode`: a v1 message or signed object, every field by its docs/PROTOCOL.md name.

use luca_protocol::error::DecodeError;
use luca_protocol::keys::SignaturePublicKey;
use luca_protocol::messages::additional_data::AdditionalDataIn;
use luca_protocol::messages::checkin_record::{CheckInRecordIn, InnerRecord};
use luca_protocol::messages::checkout::CheckoutIn;
use luca_protocol::messages::consent_response::ConsentResponseIn;
use luca_protocol::messages::contact_data::ContactDataIn;
use luca_protocol::messages::history_share::HistoryShareIn;
use luca_protocol::messages::key_share::KeyShareIn;
use luca_protocol::messages::notification_list::NotificationListIn;
use luca_protocol::messages::tracing_request::TracingRequestIn;
use luca_protocol::qr::badge::BadgeQr;
use luca_protocol::qr::guest::GuestCheckInQr;
use luca_protocol::signed::badge_attestation::BadgeAttestationIn;
use luca_protocol::signed::daily_key_announcement::DailyKeyAnnouncementIn;
use luca_protocol::signed::health_office_certificate::{HealthOfficeCertificate, HealthOfficeCertificateIn};
use luca_protocol::signed::registrar_certificate::{RegistrarCertificate, RegistrarCertificateIn};
use luca_protocol::signed::venue_descriptor::{VenueDescriptorIn, VenueKind};
use luca_protocol::time::UnixTime;
use serde_json::{Map, Value, json};

use crate::input::{self, Encoding};
use crate::output::{Printer, get, lines, set};
use crate::{Failure, Outcome, cbor_diag};

/// The message types `decode` knows, by their docs/PROTOCOL.md names, in the order detection tries them.
pub(crate) const TYPES: &[&str] = &[
    "health_office_certificate",
    "registrar_certificate",
    "daily_key_announcement",
    "venue_descriptor",
    "badge_attestation",
    "contact_data",
    "tracing_request",
    "notification_list",
    "history_share",
    "checkout",
    "additional_data",
    "checkin_record",
    "inner_record",
    "consent_response",
    "key_share",
    "guest_qr",
    "badge_qr",
];

/// Arguments of `luca decode`.
#[derive(clap::Args, Debug)]
pub(crate) struct Args {
    /// The file to decode; `-` or nothing reads standard input.
    file: Option<String>,
    /// How the input is written (default: detected: hex, else base64, else raw bytes).
    #[arg(long, value_enum, value_name = "ENCODING")]
    input: Option<Encoding>,
    /// The message type (default: detected). One of the names of `luca decode --help`'s list.
    #[arg(long = "as", value_name = "NAME", value_parser = clap::builder::PossibleValuesParser::new(TYPES))]
    as_type: Option<String>,
    /// The trust anchor's public key (65-byte SEC1, raw or hex): verifies certificates, and with
    /// --registrar or --health-office the objects they sign.
    #[arg(long, value_name = "FILE")]
    trust_anchor: Option<String>,
    /// A registrar certificate (raw, hex or base64): verifies a venue descriptor or badge attestation.
    #[arg(long, value_name = "FILE", requires = "trust_anchor")]
    registrar: Option<String>,
    /// A health-office certificate (raw, hex or base64): verifies a daily key announcement, tracing
    /// request or notification list.
    #[arg(long, value_name = "FILE", requires = "trust_anchor")]
    health_office: Option<String>,
    /// The time of verification, in Unix seconds (default: now).
    #[arg(long, value_name = "UNIX_SECONDS")]
    now: Option<u64>,
}

/// One decoded object: its fields, and its verification (given the keys).
struct Decoded {
    fields: Map<String, Value>,
    verify: Verify,
}

/// A verification against `T` at a time: `Err` holds the error kind.
type Check<T> = Box<dyn FnOnce(&T, UnixTime) -> Result<(), String>>;

/// What verifying a decoded object needs.
enum Verify {
    /// Nothing can be verified without private keys (encrypted messages: `luca open`).
    Nothing(&'static str),
    /// Self-contained: the object's own key or rules.
    Own(Result<(), String>),
    /// Against the trust anchor.
    Anchor(Check<SignaturePublicKey>),
    /// Against a verified registrar certificate.
    Registrar(Check<RegistrarCertificate>),
    /// Against a verified health-office certificate.
    Office(Check<HealthOfficeCertificate>),
}

fn h(b: impl AsRef<[u8]>) -> Value {
    Value::String(hex::encode(b))
}

fn obj(v: Value) -> Map<String, Value> {
    match v {
        Value::Object(m) => m,
        _ => Map::new(),
    }
}

fn vk<T, E: KindStr>(r: Result<T, E>) -> Result<(), String> {
    r.map(|_| ()).map_err(|e| e.kind_str().to_owned())
}

trait KindStr {
    fn kind_str(&self) -> &'static str;
}
impl KindStr for luca_protocol::error::VerifyError {
    fn kind_str(&self) -> &'static str {
        self.kind()
    }
}

/// Decodes `bytes` as type `name` with the library's decoder.
fn decode_as(name: &str, bytes: &[u8]) -> Result<Decoded, DecodeError> {
    Ok(match name {
        "health_office_certificate" => {
            let c = HealthOfficeCertificateIn::from_slice(bytes)?;
            let fields = obj(json!({
                "health_office_id": h(c.id().as_bytes()), "subject_name": c.name(),
                "signing_key": h(c.signing_key().to_bytes()), "encryption_key": h(c.encryption_key().to_bytes()),
                "not_before": c.validity().not_before.0, "not_after": c.validity().not_after.0,
            }));
            Decoded { fields, verify: Verify::Anchor(Box::new(move |a, now| vk(c.verify(a, now)))) }
        }
        "registrar_certificate" => {
            let c = RegistrarCertificateIn::from_slice(bytes)?;
            let fields = obj(json!({
                "registrar_id": h(c.id().as_bytes()), "subject_name": c.name(),
                "signing_key": h(c.signing_key().to_bytes()),
                "not_before": c.validity().not_before.0, "not_after": c.validity().not_after.0,
            }));
            Decoded { fields, verify: Verify::Anchor(Box::new(move |a, now| vk(c.verify(a, now)))) }
        }
        "daily_key_announcement" => {
            let a = DailyKeyAnnouncementIn::from_slice(bytes)?;
            let fields = obj(json!({
                "purpose": a.purpose().to_u8(), "key_id": a.key_id(), "issuer": h(a.issuer().as_bytes()),
                "public_key": h(a.public_key().to_bytes()), "not_before": a.validity().not_before.0,
                "not_after": a.validity().not_after.0, "retain_until": a.retain_until().0,
            }));
            Decoded { fields, verify: Verify::Office(Box::new(move |c, now| vk(a.verify(c, now)))) }
        }
        "venue_descriptor" => {
            let d = VenueDescriptorIn::from_slice(bytes)?;
            let fields = obj(json!({
                "kind": d.kind().to_u8(), "venue_id": h(d.venue_id().as_bytes()), "venue_name": d.name(),
                "venue_key": h(d.venue_key().to_bytes()), "table_count": d.table_count(),
                "not_before": d.validity().not_before.0, "not_after": d.validity().not_after.0,
                "registrar_id": d.registrar_id().map(|r| h(r.as_bytes())),
                "host_key": d.host_key().map(|k| h(k.to_bytes())),
            }));
            let verify = match d.kind() {
                VenueKind::PrivateMeeting => {
                    let now = UnixTime(crate::system_now());
                    Verify::Own(vk(d.verify_private_meeting(now)))
                }
                VenueKind::Venue => Verify::Registrar(Box::new(move |r, now| vk(d.verify(r, now)))),
            };
            Decoded { fields, verify }
        }
        "badge_attestation" => {
            let a = BadgeAttestationIn::from_slice(bytes)?;
            Decoded {
                fields: attestation_fields(&a),
                verify: Verify::Registrar(Box::new(move |r, now| vk(a.verify(r, now)))),
            }
        }
        "contact_data" => {
            let c = ContactDataIn::from_slice(bytes)?;
            let fields = obj(json!({
                "user_id": h(c.user_id().as_bytes()), "guest_key": h(c.guest_key().to_bytes()),
                "updated_at": c.updated_at().0,
            }));
            let own = vk(c.verify_signature());
            Decoded { fields, verify: Verify::Own(own) }
        }
        "tracing_request" => {
            let r = TracingRequestIn::from_slice(bytes)?;
            let fields = obj(json!({
                "request_id": h(r.request_id().as_bytes()), "health_office_id": h(r.health_office_id().as_bytes()),
                "venue_id": h(r.venue_id().as_bytes()), "from": r.window().from.0, "to": r.window().to.0,
                "issued_at": r.issued_at().0, "expires_at": r.expires_at().0,
                "request_hash": h(luca_protocol::derive::tracing_request_hash(r.as_bytes())),
            }));
            let venue = r.venue_id();
            Decoded { fields, verify: Verify::Office(Box::new(move |c, now| vk(r.verify(c, venue, now)))) }
        }
        "notification_list" => {
            let l = NotificationListIn::from_slice(bytes)?;
            let fields = obj(json!({
                "health_office_id": h(l.health_office_id().as_bytes()), "issued_at": l.issued_at().0,
                "hash_count": l.hash_count(),
            }));
            Decoded { fields, verify: Verify::Office(Box::new(move |c, now| vk(l.verify(c, now)))) }
        }
        "history_share" => {
            let s = HistoryShareIn::from_slice(bytes)?;
            let fields = obj(json!({"daily_key_id": s.daily_key_id().0, "created_at": s.created_at().0}));
            Decoded { fields, verify: Verify::Nothing("encrypted to a daily key: luca open history-share") }
        }
        "checkout" => {
            let c = CheckoutIn::from_slice(bytes)?;
            let fields = obj(json!({"trace_id": h(c.trace_id().as_bytes()), "checkout_at": c.checkout_at().0}));
            Decoded {
                fields,
                verify: Verify::Nothing("the checkout proof is checked by the server against its check-in"),
            }
        }
        "additional_data" => {
            let a = AdditionalDataIn::from_slice(bytes)?;
            let fields = obj(json!({"venue_id": h(a.venue_id().as_bytes()), "trace_id": h(a.trace_id().as_bytes())}));
            Decoded { fields, verify: Verify::Nothing("encrypted to the venue key: luca open additional-data") }
        }
        "checkin_record" => {
            let r = CheckInRecordIn::from_slice(bytes)?;
            let fields = obj(json!({
                "venue_id": h(r.venue_id().as_bytes()), "trace_id": h(r.trace_id().as_bytes()),
                "checkin_minute": r.checkin_minute().0, "source": r.source().to_u8(),
            }));
            Decoded { fields, verify: Verify::Nothing("encrypted to the venue key: luca open checkin-record") }
        }
        "inner_record" => {
            let i = InnerRecord::from_slice(bytes)?;
            Decoded {
                fields: inner_fields(&i),
                verify: Verify::Nothing("sealed to a daily or badge key: luca open inner-record"),
            }
        }
        "consent_response" => {
            let c = ConsentResponseIn::from_slice(bytes)?;
            let fields = obj(json!({
                "request_hash": h(c.request_hash()), "health_office_id": h(c.health_office_id().as_bytes()),
                "venue_id": h(c.venue_id().as_bytes()), "entries": c.len(),
            }));
            Decoded { fields, verify: Verify::Nothing("encrypted to the health office's key") }
        }
        "key_share" => {
            let k = KeyShareIn::from_slice(bytes)?;
            let fields = obj(json!({
                "purpose": k.purpose().to_u8(), "key_id": k.key_id(), "issuer": h(k.issuer().as_bytes()),
                "recipient": h(k.recipient().as_bytes()),
            }));
            Decoded { fields, verify: Verify::Nothing("encrypted to the recipient health office's key") }
        }
        "guest_qr" => {
            let q = GuestCheckInQr::from_bytes(bytes)?;
            Decoded { fields: guest_fields(&q), verify: Verify::Nothing("sealed to a daily key: luca open guest-qr") }
        }
        "badge_qr" => {
            let q = BadgeQr::from_bytes(bytes)?;
            let a = q.into_attestation();
            Decoded {
                fields: attestation_fields(&a),
                verify: Verify::Registrar(Box::new(move |r, now| vk(a.verify(r, now)))),
            }
        }
        _ => return Err(DecodeError::InvalidField { field: "type" }),
    })
}

pub(crate) fn guest_fields(q: &GuestCheckInQr) -> Map<String, Value> {
    let f = q.flags();
    obj(json!({
        "qr_type_version": q.qr_type_version(), "flags": f.to_byte(),
        "device_type": f.device_type.code(), "entry_policy": f.entry_policy,
        "daily_key_id": q.daily_key_id().0, "minute": q.minute().0, "trace_id": h(q.trace_id().as_bytes()),
        "enc": h(q.enc_compressed()), "ciphertext": h(q.ciphertext()),
        "checksum": h(q.checksum()),
    }))
}

pub(crate) fn attestation_fields(a: &BadgeAttestationIn) -> Map<String, Value> {
    obj(json!({
        "badge_key_id": a.badge_key_id().0, "trace_key": h(a.trace_key().expose_secret()),
        "issued_at": a.issued_at().0, "registrar_id": h(a.registrar_id().as_bytes()),
    }))
}

pub(crate) fn inner_fields(i: &InnerRecord) -> Map<String, Value> {
    let mut m = obj(json!({"source": i.source().to_u8()}));
    match i {
        InnerRecord::Guest(q) => {
            m.insert("guest_qr_body".into(), h(q.body()));
            m.insert("guest_qr".into(), Value::Object(guest_fields(q)));
        }
        InnerRecord::Badge(a) => {
            m.insert("badge_attestation".into(), Value::Object(attestation_fields(a)));
        }
    }
    m
}

/// The type named by a COSE_Sign1 content type `application/luca.v1.<name>` (private meetings share the
/// venue descriptor's decoder).
fn type_of_content_type(ct: &str) -> Option<&'static str> {
    let name = ct.strip_prefix("application/luca.v1.")?.replace('-', "_");
    let name = if name == "private_meeting_descriptor" { "venue_descriptor".to_owned() } else { name };
    TYPES.iter().copied().find(|t| *t == name)
}

/// Runs `luca decode`.
pub(crate) fn run(args: &Args, out: &Printer) -> Outcome {
    let path = args.file.clone().unwrap_or_else(|| "-".to_owned());
    let source = input::display_name(&path);
    let raw = input::read_bytes(&path, input::MAX_INPUT_LEN)?;
    if raw.is_empty() {
        return Err(Failure::Usage(format!("{source}: empty input")));
    }
    let (encoding, bytes) = input::decode_bytes(&source, &raw, args.input)?;
    let now = UnixTime(args.now.unwrap_or_else(crate::system_now));
    let cbor = cbor_diag::parse(&bytes);
    let cose = cbor.as_ref().and_then(cbor_diag::cose_sign1);

    // The type: given, else named by the COSE content type, else the one decoder that accepts the bytes.
    let chosen: Result<(String, Decoded), (String, DecodeError)> = if let Some(t) = &args.as_type {
        decode_as(t, &bytes).map(|d| (t.clone(), d)).map_err(|e| (t.clone(), e))
    } else if let Some(t) = cose.as_ref().and_then(|c| get(c, "content_type").as_str()).and_then(type_of_content_type) {
        decode_as(t, &bytes).map(|d| (t.to_owned(), d)).map_err(|e| (t.to_owned(), e))
    } else {
        let mut accepted: Vec<(String, Decoded)> =
            TYPES.iter().filter_map(|t| decode_as(t, &bytes).ok().map(|d| ((*t).to_owned(), d))).collect();
        match accepted.len() {
            0 => {
                let doc = json!({"input": source, "input_encoding": encoding.name(), "length": bytes.len(),
                    "type": Value::Null, "result": "rejected",
                    "cbor": cbor.as_ref().map(cbor_diag::diag),
                    "error": {"kind": "unknown_type", "section": "§2 (Encodings)"}});
                out.emit(&format!("{source}: no v1 message type accepts these {} bytes\n", bytes.len()), &doc);
                return Err(Failure::Check(format!(
                    "{source}: not a v1 message or signed object (no decoder accepts it; try --as NAME)"
                )));
            }
            1 => accepted.pop().ok_or_else(|| Failure::Usage("internal".into())).map(Ok)?,
            _ => {
                let names: Vec<&str> = accepted.iter().map(|(n, _)| n.as_str()).collect();
                return Err(Failure::Usage(format!(
                    "{source}: ambiguous, decodes as {}; give --as NAME",
                    names.join(", ")
                )));
            }
        }
    };
    let (type_name, decoded) = match chosen {
        Ok(x) => x,
        Err((t, e)) => {
            let doc = json!({"input": source, "input_encoding": encoding.name(), "length": bytes.len(), "type": t,
                "result": "rejected", "cbor": cbor.as_ref().map(cbor_diag::diag), "cose": cose,
                "error": {"kind": e.kind(), "section": section(&t)}});
            let human = format!("{source}: {t}\nrejected: {} (docs/PROTOCOL.md {})\n", e.kind(), section(&t));
            out.emit(&human, &doc);
            return Err(Failure::Check(format!(
                "{source}: {t} rejected: {} (docs/PROTOCOL.md {})",
                e.kind(),
                section(&t)
            )));
        }
    };

    let verification = verify(decoded.verify, args, now)?;
    let mut doc = json!({
        "input": source, "input_encoding": encoding.name(), "length": bytes.len(), "type": type_name,
        "fields": decoded.fields, "cbor": cbor.as_ref().map(cbor_diag::diag), "cose": cose,
        "verification": verification,
    });
    let failed = verification.get("result").and_then(Value::as_str).is_some_and(|r| r != "ok" && r != "not_checked");
    set(&mut doc, "result", json!(if failed { "rejected" } else { "ok" }));
    let mut human = format!("{source}: {type_name} ({} bytes, {})\n", bytes.len(), encoding.name());
    lines(get(&doc, "fields"), 2, &mut human);
    if let Some(c) = &get(&doc, "cose").as_object().cloned() {
        human.push_str("COSE_Sign1:\n");
        lines(&Value::Object(c.clone()), 2, &mut human);
    }
    if let Some(d) = get(&doc, "cbor").as_str() {
        human.push_str(&format!("CBOR: {d}\n"));
    }
    human.push_str("verification:\n");
    lines(&verification, 2, &mut human);
    out.emit(&human, &doc);
    if failed {
        let kind = get(&verification, "result").as_str().unwrap_or("failed");
        return Err(Failure::Check(format!(
            "{source}: {type_name} does not verify: {kind} (docs/PROTOCOL.md {})",
            section(&type_name)
        )));
    }
    Ok(())
}

fn verify(v: Verify, args: &Args, now: UnixTime) -> Result<Value, Failure> {
    let anchor = args.trust_anchor.as_deref().map(crate::inspect::read_anchor).transpose()?;
    let status = |r: Result<(), String>| match r {
        Ok(()) => json!({"result": "ok"}),
        Err(k) => json!({"result": k}),
    };
    Ok(match v {
        Verify::Nothing(why) => json!({"result": "not_checked", "reason": why}),
        Verify::Own(r) => status(r),
        Verify::Anchor(f) => match anchor {
            None => json!({"result": "not_checked", "reason": "needs --trust-anchor"}),
            Some(a) => status(f(&a, now)),
        },
        Verify::Registrar(f) => match (anchor, &args.registrar) {
            (Some(a), Some(path)) => {
                let bytes = input::read_object(path)?;
                match RegistrarCertificateIn::from_slice(&bytes) {
                    Err(e) => json!({"result": e.kind(), "reason": "the registrar certificate does not decode"}),
                    Ok(c) => match c.verify(&a, now) {
                        Ok(reg) => status(f(&reg, now)),
                        Err(e) => json!({"result": e.kind(), "reason": "the registrar certificate does not verify"}),
                    },
                }
            }
            _ => json!({"result": "not_checked", "reason": "needs --trust-anchor and --registrar"}),
        },
        Verify::Office(f) => match (anchor, &args.health_office) {
            (Some(a), Some(path)) => {
                let bytes = input::read_object(path)?;
                match HealthOfficeCertificateIn::from_slice(&bytes) {
                    Err(e) => json!({"result": e.kind(), "reason": "the health-office certificate does not decode"}),
                    Ok(c) => match c.verify(&a, now) {
                        Ok(cert) => status(f(&cert, now)),
                        Err(e) => {
                            json!({"result": e.kind(), "reason": "the health-office certificate does not verify"})
                        }
                    },
                }
            }
            _ => json!({"result": "not_checked", "reason": "needs --trust-anchor and --health-office"}),
        },
    })
}

/// The section of docs/PROTOCOL.md that specifies a type.
pub(crate) fn section(t: &str) -> &'static str {
    match t {
        "health_office_certificate" | "registrar_certificate" => "§7.1",
        "daily_key_announcement" => "§7.2",
        "venue_descriptor" => "§7.3",
        "badge_attestation" => "§7.4",
        "contact_data" => "§8.1",
        "history_share" => "§8.2",
        "checkout" => "§8.3",
        "additional_data" => "§8.4",
        "checkin_record" | "inner_record" => "§8.5",
        "tracing_request" => "§8.6",
        "consent_response" => "§8.7",
        "key_share" => "§8.8",
        "notification_list" => "§8.9",
        "guest_qr" => "§5.1",
        "badge_qr" => "§5.2",
        _ => "§2",
    }
}
