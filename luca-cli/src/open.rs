//! `luca open`: decrypt one layer with a private key read from a file or standard input (never argv).

use luca_protocol::ids::UserId;
use luca_protocol::keys::{BadgePrivateKey, DailyPrivateKey, VenuePrivateKey};
use luca_protocol::messages::additional_data::AdditionalDataIn;
use luca_protocol::messages::checkin_record::{CheckInRecordIn, InnerRecord};
use luca_protocol::messages::contact_data::ContactDataIn;
use luca_protocol::messages::history_share::HistoryShareIn;
use luca_protocol::qr::guest::GuestCheckInQr;
use luca_protocol::secrets::DataSecret;
use luca_protocol::signed::badge_attestation::BadgeAttestationIn;
use serde_json::{Map, Value, json};

use crate::output::{Printer, lines};
use crate::{Failure, Outcome, input};

/// What to open, and with which key.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub(crate) enum What {
    /// A guest check-in QR (Base32 text or its bytes), with the daily private key.
    GuestQr,
    /// An inner record of a check-in record: a guest QR body with the daily private key, or a badge
    /// attestation with the badge private key (its signature is not checked here: luca decode).
    InnerRecord,
    /// A badge attestation, with the badge private key (signature not checked here: luca decode).
    BadgeAttestation,
    /// A history share, with the daily private key of its daily_key_id.
    HistoryShare,
    /// A check-in record, with the venue private key: the inner record inside.
    CheckinRecord,
    /// Additional data (table number, guest name), with the venue private key.
    AdditionalData,
    /// Contact data, with the guest's data secret (16 bytes) as the key and --user-id.
    ContactData,
    /// The original system's v3/v4 guest QR (Base32 or Z85 text, or its bytes), with the daily private key.
    LegacyGuestQr,
    /// The original system's 75-byte inner check-in record: an app record with the daily private key and
    /// --timestamp (the check-in's minute, for the verification tag), a badge record with --badge.
    LegacyInnerRecord,
    /// The original system's v3/v4 badge QR (Z85 text, or its bytes), with the badge private key.
    LegacyBadgeQr,
    /// The original system's encrypted contact data, as its server stored it: a JSON object with base64
    /// `data`, `iv`, `mac` (and optionally `signature` and `publicKey`, checked first), with the data secret
    /// (16 bytes) as the key; --badge for a badge's contact data.
    LegacyContactData,
    /// The original system's check-in upload (JSON: traceId, scannerId, timestamp, data, iv, mac, publicKey,
    /// deviceType), with the venue (operator) private key: the inner record inside.
    LegacyCheckinRecord,
    /// The original system's additional-data upload (JSON: traceId, data, iv, mac, publicKey), with the venue
    /// private key.
    LegacyAdditionalData,
}

/// Arguments of `luca open`.
#[derive(clap::Args, Debug)]
pub(crate) struct Args {
    /// What the input is.
    #[arg(value_enum)]
    what: What,
    /// The input file (raw, hex or base64; a guest QR also as its Base32 text); `-` or nothing reads
    /// standard input.
    input: Option<String>,
    /// The key file: the 32-byte private key (raw, or 64 hex digits), or for contact-data the 16-byte data
    /// secret (raw, or 32 hex digits). `-` reads it from standard input. Never give a key on the command line.
    #[arg(long, value_name = "FILE")]
    key: String,
    /// contact-data: the user id the data must belong to (32 hex digits).
    #[arg(long, value_name = "HEX")]
    user_id: Option<String>,
    /// inner-record, legacy-inner-record: the key is a badge private key (default: a daily private key);
    /// legacy-contact-data: the contact data is a badge's.
    #[arg(long)]
    badge: bool,
    /// legacy-inner-record: the check-in's timestamp (Unix seconds, its minute) that the tag binds.
    #[arg(long, value_name = "UNIX_SECONDS")]
    timestamp: Option<u32>,
}

fn h(b: impl AsRef<[u8]>) -> Value {
    Value::String(hex::encode(b))
}

fn key_err(path: &str) -> impl Fn(luca_protocol::error::DecodeError) -> Failure + '_ {
    move |_| Failure::Usage(format!("key file {}: not a valid P-256 private key", input::display_name(path)))
}

/// Runs `luca open`.
pub(crate) fn run(args: &Args, out: &Printer) -> Outcome {
    let in_path = args.input.clone().unwrap_or_else(|| "-".to_owned());
    if in_path == "-" && args.key == "-" {
        return Err(Failure::Usage("the key and the input cannot both come from standard input".to_owned()));
    }
    let source = input::display_name(&in_path);
    let key_len = if matches!(args.what, What::ContactData | What::LegacyContactData) { 16 } else { 32 };
    let key = input::read_key(&args.key, key_len)?;
    let raw = input::read_bytes(&in_path, input::MAX_INPUT_LEN)?;
    if raw.is_empty() {
        return Err(Failure::Usage(format!("{source}: empty input")));
    }
    let bytes = || input::decode_bytes(&source, &raw, None).map(|(_, b)| b);
    let rejected = |kind: &str, what: &str, section: &str| {
        Failure::Check(format!("{source}: {what}: {kind} (docs/PROTOCOL.md {section})"))
    };
    let mut m = Map::new();
    let what_name;
    match args.what {
        What::GuestQr => {
            what_name = "guest_qr";
            let text = String::from_utf8_lossy(&raw).trim().to_owned();
            let qr = match GuestCheckInQr::from_base32(&text) {
                Ok(q) => q,
                Err(_) => GuestCheckInQr::from_bytes(&bytes()?).map_err(|e| rejected(e.kind(), "guest_qr", "§5.1"))?,
            };
            let sk = DailyPrivateKey::from_slice(&key).map_err(key_err(&args.key))?;
            let s = qr.open(&sk).map_err(|e| rejected(e.kind(), "guest_qr", "§5.1 (Opening)"))?;
            m.insert("daily_key_id".into(), json!(qr.daily_key_id().0));
            m.insert("minute".into(), json!(qr.minute().0));
            m.insert("trace_id".into(), h(qr.trace_id().as_bytes()));
            m.insert("user_id".into(), h(s.user_id.as_bytes()));
            m.insert("data_secret".into(), h(s.data_secret.expose_secret()));
        }
        What::InnerRecord => {
            what_name = "inner_record";
            let inner = InnerRecord::from_slice(&bytes()?).map_err(|e| rejected(e.kind(), "inner_record", "§8.5"))?;
            open_inner(&inner, &key, args, &mut m).map_err(|(k, s)| rejected(&k, "inner_record", s))?;
        }
        What::BadgeAttestation => {
            what_name = "badge_attestation";
            let a = BadgeAttestationIn::from_slice(&bytes()?).map_err(|e| rejected(e.kind(), what_name, "§7.4"))?;
            let sk = BadgePrivateKey::from_slice(&key).map_err(key_err(&args.key))?;
            let (u, d) = a.open_unverified(&sk).map_err(|e| rejected(e.kind(), what_name, "§7.4 (Opening)"))?;
            m.insert("badge_key_id".into(), json!(a.badge_key_id().0));
            m.insert("user_id".into(), h(u.as_bytes()));
            m.insert("data_secret".into(), h(d.expose_secret()));
            m.insert("signature".into(), json!("not checked (luca decode --trust-anchor --registrar)"));
        }
        What::HistoryShare => {
            what_name = "history_share";
            let s = HistoryShareIn::from_slice(&bytes()?).map_err(|e| rejected(e.kind(), what_name, "§8.2"))?;
            let sk = DailyPrivateKey::from_slice(&key).map_err(key_err(&args.key))?;
            let o = s.open(&sk).map_err(|e| rejected(e.kind(), what_name, "§8.2 (Opening)"))?;
            m.insert("daily_key_id".into(), json!(s.daily_key_id().0));
            m.insert("created_at".into(), json!(s.created_at().0));
            m.insert("user_id".into(), h(o.user_id.as_bytes()));
            m.insert("data_secret".into(), h(o.data_secret.expose_secret()));
            let days: Vec<Value> =
                o.days.iter().map(|(d, t)| json!({"day": d.0, "tracing_secret": h(t.expose_secret())})).collect();
            m.insert("days".into(), Value::Array(days));
        }
        What::CheckinRecord => {
            what_name = "checkin_record";
            let r = CheckInRecordIn::from_slice(&bytes()?).map_err(|e| rejected(e.kind(), what_name, "§8.5"))?;
            let sk = VenuePrivateKey::from_slice(&key).map_err(key_err(&args.key))?;
            let inner = r.open(&sk).map_err(|e| rejected(e.kind(), what_name, "§8.5 (Opening)"))?;
            m.insert("venue_id".into(), h(r.venue_id().as_bytes()));
            m.insert("trace_id".into(), h(r.trace_id().as_bytes()));
            m.insert("checkin_minute".into(), json!(r.checkin_minute().0));
            m.insert("inner_record".into(), h(inner.to_bytes()));
            m.insert("inner".into(), Value::Object(crate::decode::inner_fields(&inner)));
        }
        What::AdditionalData => {
            what_name = "additional_data";
            let a = AdditionalDataIn::from_slice(&bytes()?).map_err(|e| rejected(e.kind(), what_name, "§8.4"))?;
            let sk = VenuePrivateKey::from_slice(&key).map_err(key_err(&args.key))?;
            let c = a.open(&sk).map_err(|e| rejected(e.kind(), what_name, "§8.4 (Opening)"))?;
            m.insert("venue_id".into(), h(a.venue_id().as_bytes()));
            m.insert("trace_id".into(), h(a.trace_id().as_bytes()));
            m.insert("table".into(), json!(c.table));
            m.insert("guest_name".into(), json!(c.guest_name));
        }
        What::ContactData => {
            what_name = "contact_data";
            let uid = args
                .user_id
                .as_deref()
                .and_then(|u| hex::decode(u).ok())
                .and_then(|b| UserId::from_slice(&b).ok())
                .ok_or_else(|| Failure::Usage("contact-data needs --user-id with 32 hex digits".to_owned()))?;
            let ds = DataSecret::from_slice(&key).map_err(|_| {
                Failure::Usage(format!("key file {}: not a data secret", input::display_name(&args.key)))
            })?;
            let c = ContactDataIn::from_slice(&bytes()?).map_err(|e| rejected(e.kind(), what_name, "§8.1"))?;
            let o = c.open(&uid, &ds).map_err(|e| rejected(e.kind(), what_name, "§8.1 (Opening)"))?;
            let f = &o.fields;
            m.insert("user_id".into(), h(o.user_id.as_bytes()));
            m.insert("guest_key".into(), h(o.guest_key.to_bytes()));
            m.insert("updated_at".into(), json!(o.updated_at.0));
            m.insert(
                "fields".into(),
                json!({"first_name": f.first_name, "last_name": f.last_name, "phone": f.phone, "email": f.email,
                    "street": f.street, "house_number": f.house_number, "postcode": f.postcode, "city": f.city}),
            );
        }
        What::LegacyGuestQr
        | What::LegacyInnerRecord
        | What::LegacyBadgeQr
        | What::LegacyContactData
        | What::LegacyCheckinRecord
        | What::LegacyAdditionalData => {
            what_name = legacy(args, &key, &raw, &source, &mut m)?;
        }
    }
    let doc = json!({"input": source, "type": what_name, "result": "ok", "opened": m});
    let mut human = format!("{source}: {what_name} opened\n");
    lines(crate::output::get(&doc, "opened"), 2, &mut human);
    out.emit(&human, &doc);
    Ok(())
}

fn open_inner(
    inner: &InnerRecord,
    key: &[u8],
    args: &Args,
    m: &mut Map<String, Value>,
) -> Result<(), (String, &'static str)> {
    m.insert("source".into(), json!(inner.source().to_u8()));
    let bad_key = || ("invalid key".to_owned(), "§8.5");
    let (u, d) = match inner {
        InnerRecord::Guest(qr) => {
            if args.badge {
                return Err(("a guest record needs the daily private key, not --badge".to_owned(), "§8.5"));
            }
            let sk = DailyPrivateKey::from_slice(key).map_err(|_| bad_key())?;
            let s = qr.open(&sk).map_err(|e| (e.kind().to_owned(), "§5.1 (Opening)"))?;
            m.insert("trace_id".into(), h(qr.trace_id().as_bytes()));
            (s.user_id, s.data_secret)
        }
        InnerRecord::Badge(a) => {
            let sk = BadgePrivateKey::from_slice(key).map_err(|_| bad_key())?;
            a.open_unverified(&sk).map_err(|e| (e.kind().to_owned(), "§7.4 (Opening)"))?
        }
    };
    m.insert("user_id".into(), h(u.as_bytes()));
    m.insert("data_secret".into(), h(d.expose_secret()));
    Ok(())
}

/// The legacy layers (luca-legacy): opened with the original system's keys.
fn legacy(
    args: &Args,
    key: &[u8],
    raw: &[u8],
    source: &str,
    m: &mut Map<String, Value>,
) -> Result<&'static str, Failure> {
    use luca_legacy::{BadgePrivateKey, DailyPrivateKey, LegacyCode, ScannedLegacyCode};
    let rejected = |kind: &str, what: &str, module: &str| {
        Failure::Check(format!("{source}: {what}: {kind} (luca-legacy {module}, the original system's format)"))
    };
    let bad_key =
        |_| Failure::Usage(format!("key file {}: not a valid P-256 private key", input::display_name(&args.key)));
    let text = String::from_utf8_lossy(raw).trim().to_owned();
    let code = || match ScannedLegacyCode::from_text(&text) {
        Ok(s) => Ok(s.code),
        Err(e) => {
            let bytes = input::decode_bytes(source, raw, None).map(|(_, b)| b)?;
            LegacyCode::from_bytes(&bytes).map_err(|_| rejected(e.kind(), "legacy code", "code"))
        }
    };
    let secrets = |m: &mut Map<String, Value>, s: luca_legacy::CheckInSecrets| {
        m.insert("user_id".into(), h(s.user_id.as_bytes()));
        m.insert("user_uuid".into(), json!(s.user_id.to_uuid_string()));
        m.insert("data_secret".into(), h(s.data_secret.expose_secret()));
    };
    Ok(match args.what {
        What::LegacyGuestQr => {
            let LegacyCode::Guest(qr) = code()? else {
                return Err(rejected("not_a_guest_code", "legacy_guest_qr", "guest_qr"));
            };
            let sk = DailyPrivateKey::from_slice(key).map_err(bad_key)?;
            let s = qr.open(&sk).map_err(|e| rejected(e.kind(), "legacy_guest_qr", "guest_qr"))?;
            m.insert("version".into(), json!(qr.version().byte()));
            m.insert("key_id".into(), json!(qr.key_id()));
            m.insert("timestamp".into(), json!(qr.timestamp()));
            m.insert("trace_id".into(), h(qr.trace_id()));
            secrets(m, s);
            "legacy_guest_qr"
        }
        What::LegacyBadgeQr => {
            let LegacyCode::Badge(qr) = code()? else {
                return Err(rejected("not_a_badge_code", "legacy_badge_qr", "badge_qr"));
            };
            let sk = BadgePrivateKey::from_slice(key).map_err(bad_key)?;
            let s = qr.open(&sk).map_err(|e| rejected(e.kind(), "legacy_badge_qr", "badge_qr"))?;
            m.insert("version".into(), json!(qr.version().byte()));
            m.insert("key_id".into(), json!(qr.key_id()));
            secrets(m, s);
            "legacy_badge_qr"
        }
        What::LegacyInnerRecord => {
            let bytes = input::decode_bytes(source, raw, None).map(|(_, b)| b)?;
            let record = luca_legacy::LegacyInnerRecord::from_bytes(&bytes)
                .map_err(|e| rejected(e.kind(), "legacy_inner_record", "inner_record"))?;
            m.insert("version".into(), json!(record.version().byte()));
            m.insert("key_id".into(), json!(record.key_id()));
            let s = if args.badge {
                let sk = BadgePrivateKey::from_slice(key).map_err(bad_key)?;
                m.insert("verification_tag".into(), json!("not checked (keyed by the badge's verification key)"));
                record.open_badge(&sk)
            } else {
                let ts = args.timestamp.ok_or_else(|| {
                    Failure::Usage("legacy-inner-record needs --timestamp (or --badge for a badge record)".to_owned())
                })?;
                let sk = DailyPrivateKey::from_slice(key).map_err(bad_key)?;
                record.open(&sk, ts)
            };
            secrets(m, s.map_err(|e| rejected(e.kind(), "legacy_inner_record", "inner_record"))?);
            "legacy_inner_record"
        }
        What::LegacyCheckinRecord => {
            let record = luca_legacy::LegacyCheckInRecord::from_json(&text)
                .map_err(|e| rejected(e.kind(), "legacy_checkin_record", "checkin_record"))?;
            let sk = luca_legacy::VenuePrivateKey::from_slice(key).map_err(bad_key)?;
            let inner = record.open(&sk).map_err(|e| rejected(e.kind(), "legacy_checkin_record", "checkin_record"))?;
            m.insert("trace_id".into(), h(record.trace_id()));
            m.insert("scanner_id".into(), json!(record.scanner_id()));
            m.insert("timestamp".into(), json!(record.timestamp()));
            m.insert("device_type".into(), json!(record.device_type()));
            m.insert("inner_record".into(), h(inner.as_bytes()));
            m.insert(
                "inner".into(),
                json!({"version": inner.version().byte(), "key_id": inner.key_id(),
                    "ephemeral_public_key": hex::encode(inner.ephemeral_public_key()),
                    "verification_tag": hex::encode(inner.verification_tag()), "enc_data": hex::encode(inner.enc_data())}),
            );
            "legacy_checkin_record"
        }
        What::LegacyAdditionalData => {
            let a = luca_legacy::LegacyAdditionalData::from_json(&text)
                .map_err(|e| rejected(e.kind(), "legacy_additional_data", "checkin_record"))?;
            let sk = luca_legacy::VenuePrivateKey::from_slice(key).map_err(bad_key)?;
            let plain = a.open(&sk).map_err(|e| rejected(e.kind(), "legacy_additional_data", "checkin_record"))?;
            m.insert("trace_id".into(), h(a.trace_id()));
            m.insert("data".into(), serde_json::from_str(&plain).unwrap_or(Value::Null));
            "legacy_additional_data"
        }
        _ => {
            let doc: Value = serde_json::from_slice(raw)
                .map_err(|_| Failure::Usage(format!("{source}: not a JSON object with data, iv and mac")))?;
            let b64 = |name: &str| -> Result<Option<Vec<u8>>, Failure> {
                match doc.get(name) {
                    None => Ok(None),
                    Some(v) => v
                        .as_str()
                        .and_then(|s| input::decode_bytes(source, s.as_bytes(), Some(input::Encoding::Base64)).ok())
                        .map(|(_, b)| Some(b))
                        .ok_or_else(|| Failure::Usage(format!("{source}: {name}: not base64"))),
                }
            };
            let need =
                |name: &str, v: Option<Vec<u8>>| v.ok_or_else(|| Failure::Usage(format!("{source}: no {name} member")));
            let (ct, iv, mac) = (need("data", b64("data")?)?, need("iv", b64("iv")?)?, need("mac", b64("mac")?)?);
            if let (Some(sig), Some(pk)) = (b64("signature")?, b64("publicKey")?) {
                luca_legacy::verify_contact_signature(&pk, &ct, &mac, &iv, &sig)
                    .map_err(|e| rejected(e.kind(), "legacy_contact_data", "contact_data"))?
                    .map_err(|e| rejected(e.kind(), "legacy_contact_data", "contact_data"))?;
                m.insert("signature".into(), json!("ok"));
            } else {
                m.insert("signature".into(), json!("not checked (no signature and publicKey members)"));
            }
            let ds = luca_legacy::DataSecret::from_slice(key).map_err(|_| {
                Failure::Usage(format!("key file {}: not a data secret", input::display_name(&args.key)))
            })?;
            let owner = if args.badge { luca_legacy::ContactOwner::Badge } else { luca_legacy::ContactOwner::App };
            let d = luca_legacy::decrypt_contact_data(owner, &ds, &iv, &ct, &mac)
                .map_err(|e| rejected(e.kind(), "legacy_contact_data", "contact_data"))?;
            m.insert(
                "fields".into(),
                json!({"v": d.version, "first_name": d.first_name, "last_name": d.last_name, "phone": d.phone,
                    "email": d.email, "street": d.street, "house_number": d.house_number, "postcode": d.postcode,
                    "city": d.city}),
            );
            if let Some(vs) = &d.verification_key {
                m.insert("verification_key".into(), h(vs));
            }
            "legacy_contact_data"
        }
    })
}
