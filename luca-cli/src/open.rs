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
    /// inner-record: the key is a badge private key (default: a daily private key for a guest QR body).
    #[arg(long)]
    badge: bool,
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
    let key_len = if args.what == What::ContactData { 16 } else { 32 };
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
