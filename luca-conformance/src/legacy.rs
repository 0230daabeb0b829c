//! Checkers of the legacy topics (`test-vectors/legacy/`): the original luca system's formats, run through
//! `luca-legacy`. What each case's fields mean is in the generator (`tests/legacy/main.rs`) and in each
//! file's `description`.

use luca_legacy::{
    BadgePrivateKey, BadgeVerificationKey, ContactOwner, DailyPrivateKey, DataSecret, LegacyBadgeSerial, LegacyCode,
    LegacyInnerRecord, ScannedLegacyCode, TracingSecret, UserId, decrypt_contact_data, hashed_trace_id_v3,
    hashed_trace_id_v4, trace_id, verify_contact_signature,
};
use serde_json::{Value, json};

use crate::case::{Case, CaseError, Checker, Step};

pub(crate) const NAMES: &[&str] = &[
    "legacy_guest_qr",
    "legacy_inner_record",
    "legacy_badge_serial",
    "legacy_badge_qr",
    "legacy_contact_data",
    "legacy_trace",
    "legacy_checkin_record",
    "legacy_venue_qr",
    "legacy_published",
];

pub(crate) fn checker(topic: &str) -> Option<Checker> {
    Some(match topic {
        "legacy_guest_qr" => guest_qr,
        "legacy_inner_record" => inner_record,
        "legacy_badge_serial" => badge_serial,
        "legacy_badge_qr" => badge_qr,
        "legacy_contact_data" => contact_data,
        "legacy_trace" | "legacy_published" => trace,
        "legacy_checkin_record" => checkin_record,
        "legacy_venue_qr" => venue_qr,
        _ => return None,
    })
}

fn kind(k: &str) -> CaseError {
    CaseError::Kind(k.to_owned())
}

fn malformed(field: &str, e: &luca_legacy::DecodeError) -> CaseError {
    CaseError::Malformed(format!("field {field}: {}", e.kind()))
}

fn array16(c: &Case<'_>, field: &str) -> Step<[u8; 16]> {
    <[u8; 16]>::try_from(c.hex(field)?.as_slice())
        .map_err(|_| CaseError::Malformed(format!("field {field}: not 16 bytes")))
}

fn guest_qr(c: &mut Case<'_>) -> Step {
    let scanned = ScannedLegacyCode::from_text(c.str("text")?).map_err(|e| kind(e.kind()))?;
    let LegacyCode::Guest(qr) = &scanned.code else { return Err(kind("not_a_guest_code")) };
    c.expect_hex("bytes", qr.as_bytes())?;
    c.expect_json("version", &json!(qr.version().byte()));
    c.expect_json("encoding", &json!(scanned.encoding.name()));
    c.expect_json("keyboard_swapped", &json!(scanned.keyboard_swapped));
    c.expect_json("device_type", &json!(qr.device_type().name()));
    c.expect_json("entry_policy", &json!(qr.entry_policy()));
    c.expect_json("key_id", &json!(qr.key_id()));
    c.expect_json("timestamp", &json!(qr.timestamp()));
    c.expect_hex("trace_id", qr.trace_id())?;
    if let Some(k) = c.opt_hex("daily_private_key")? {
        let key = DailyPrivateKey::from_slice(&k).map_err(|e| malformed("daily_private_key", &e))?;
        let s = qr.open(&key).map_err(|e| kind(e.kind()))?;
        c.expect_hex("user_id", s.user_id.as_bytes())?;
        c.expect_hex("data_secret", s.data_secret.expose_secret())?;
    }
    Ok(())
}

fn inner_record(c: &mut Case<'_>) -> Step {
    let record = LegacyInnerRecord::from_bytes(&c.hex("record")?).map_err(|e| kind(e.kind()))?;
    c.expect_json("version", &json!(record.version().byte()));
    c.expect_json("key_id", &json!(record.key_id()));
    let timestamp = c.u32("timestamp")?;
    let opened = if let Some(k) = c.opt_hex("daily_private_key")? {
        let key = DailyPrivateKey::from_slice(&k).map_err(|e| malformed("daily_private_key", &e))?;
        Some(record.open(&key, timestamp).map_err(|e| kind(e.kind()))?)
    } else if let Some(k) = c.opt_hex("badge_private_key")? {
        let key = BadgePrivateKey::from_slice(&k).map_err(|e| malformed("badge_private_key", &e))?;
        Some(record.open_badge(&key).map_err(|e| kind(e.kind()))?)
    } else {
        None
    };
    if let Some(s) = opened {
        c.expect_hex("user_id", s.user_id.as_bytes())?;
        c.expect_hex("data_secret", s.data_secret.expose_secret())?;
    }
    if let Some(vk) = c.opt_hex("verification_key")? {
        let vk = BadgeVerificationKey::from_slice(&vk).map_err(|e| malformed("verification_key", &e))?;
        c.expect_json("badge_tag_valid", &json!(record.verify_badge_tag(&vk, timestamp)));
    }
    Ok(())
}

fn badge_serial(c: &mut Case<'_>) -> Step {
    let serial = LegacyBadgeSerial::parse(c.str("serial")?).map_err(|e| kind(e.kind()))?;
    let s = serial.secrets().map_err(|e| kind(e.kind()))?;
    c.expect_json(
        "revision",
        &json!(match s.revision {
            luca_legacy::BadgeRevision::V3 => 3,
            luca_legacy::BadgeRevision::V4 => 4,
        }),
    );
    c.expect_hex("tracing_seed", s.tracing_seed.expose_secret())?;
    c.expect_hex("user_id", s.tracing.user_id.as_bytes())?;
    c.expect_hex("verification_key", s.tracing.verification_key.expose_secret())?;
    c.expect_hex("tracing_secret", s.tracing.tracing_secret.expose_secret())?;
    c.expect_hex("signing_key", s.signing_key.expose_secret())?;
    match (&s.data_secret, &s.data_key) {
        (Some(ds), _) => c.expect_hex("data_secret", ds.expose_secret())?,
        (_, Some(k)) => c.expect_hex("data_key", k.expose_secret())?,
        (None, None) => c.mismatch("data_secret"),
    }
    Ok(())
}

fn badge_qr(c: &mut Case<'_>) -> Step {
    let scanned = ScannedLegacyCode::from_text(c.str("text")?).map_err(|e| kind(e.kind()))?;
    let LegacyCode::Badge(qr) = &scanned.code else { return Err(kind("not_a_badge_code")) };
    c.expect_json("version", &json!(qr.version().byte()));
    c.expect_json("key_id", &json!(qr.key_id()));
    c.expect_hex("tracing_seed", qr.tracing_seed().expose_secret())?;
    let derived = qr.tracing_secrets();
    c.expect_hex("user_id", derived.user_id.as_bytes())?;
    c.expect_hex("verification_key", derived.verification_key.expose_secret())?;
    c.expect_hex("tracing_secret", derived.tracing_secret.expose_secret())?;
    if c.has("trace_id") {
        let t = trace_id(&derived.tracing_secret, &derived.user_id, c.u32("timestamp")?);
        c.expect_hex("trace_id", &t)?;
    }
    if let Some(k) = c.opt_hex("attestation_key")? {
        let form =
            qr.verify_attestation(&k).map_err(|e| malformed("attestation_key", &e))?.map_err(|e| kind(e.kind()))?;
        let name = match form {
            luca_legacy::AttestationForm::V3 => "v3",
            luca_legacy::AttestationForm::V3b => "v3b",
            luca_legacy::AttestationForm::V4 => "v4",
        };
        c.expect_json("attestation", &json!(name));
    }
    if let Some(k) = c.opt_hex("badge_private_key")? {
        let key = BadgePrivateKey::from_slice(&k).map_err(|e| malformed("badge_private_key", &e))?;
        let s = qr.open(&key).map_err(|e| kind(e.kind()))?;
        c.expect_hex("user_id", s.user_id.as_bytes())?;
        c.expect_hex("data_secret", s.data_secret.expose_secret())?;
    }
    if let Some(serial) = c.opt_str("serial")? {
        let s = LegacyBadgeSerial::parse(serial).map_err(|e| kind(e.kind()))?.secrets().map_err(|e| kind(e.kind()))?;
        if s.tracing_seed != *qr.tracing_seed() {
            c.mismatch("serial");
        }
    }
    Ok(())
}

fn contact_data(c: &mut Case<'_>) -> Step {
    let owner = match c.str("owner")? {
        "app" => ContactOwner::App,
        "badge" => ContactOwner::Badge,
        _ => return Err(CaseError::Malformed("field owner: app or badge".to_owned())),
    };
    let ds = DataSecret::from_slice(&c.hex("data_secret")?).map_err(|e| malformed("data_secret", &e))?;
    let (iv, ct, mac) = (c.hex("iv")?, c.hex("ciphertext")?, c.hex("mac")?);
    if let Some(sig) = c.opt_hex("signature")? {
        verify_contact_signature(&c.hex("guest_public_key")?, &ct, &mac, &iv, &sig)
            .map_err(|e| malformed("guest_public_key", &e))?
            .map_err(|e| kind(e.kind()))?;
    }
    let d = decrypt_contact_data(owner, &ds, &iv, &ct, &mac).map_err(|e| kind(e.kind()))?;
    c.expect_json(
        "contact",
        &json!({
            "version": d.version, "fn": d.first_name, "ln": d.last_name, "pn": d.phone, "e": d.email,
            "st": d.street, "hn": d.house_number, "pc": d.postcode, "c": d.city,
        }),
    );
    if c.has("verification_key") {
        c.expect_hex("verification_key", d.verification_key.as_ref().map_or(&[][..], |k| k.as_slice()))?;
    }
    Ok(())
}

fn trace(c: &mut Case<'_>) -> Step {
    let out: Vec<u8> = match c.str("kind")? {
        "trace_id" => {
            let secret =
                TracingSecret::from_slice(&c.hex("tracing_secret")?).map_err(|e| malformed("tracing_secret", &e))?;
            trace_id(&secret, &UserId::from_bytes(array16(c, "user_id")?), c.u32("timestamp")?).to_vec()
        }
        "hashed_v3" => hashed_trace_id_v3(&array16(c, "health_office_id")?, &array16(c, "trace_id")?).to_vec(),
        "hashed_v4" => {
            let level = u8::try_from(c.u64("warning_level")?)
                .map_err(|_| CaseError::Malformed("field warning_level".to_owned()))?;
            let length =
                usize::try_from(c.u64("length")?).map_err(|_| CaseError::Malformed("field length".to_owned()))?;
            hashed_trace_id_v4(&array16(c, "trace_id")?, &array16(c, "health_office_id")?, level, length)
                .map_err(|e| kind(e.kind()))?
        }
        "ecdh" => luca_legacy::ecdh_x_coordinate(&c.hex("private_key")?, &c.hex("public_key")?)
            .map_err(|e| kind(e.kind()))?
            .to_vec(),
        other => return Err(CaseError::Malformed(format!("field kind: unknown {other}"))),
    };
    c.expect_hex("output", &out)?;
    if let Some(own) = c.opt_hex("own_public_key")? {
        let key = DailyPrivateKey::from_slice(&c.hex("private_key")?).map_err(|e| malformed("private_key", &e))?;
        if key.public_key_uncompressed().as_slice() != own.as_slice() {
            c.mismatch("own_public_key");
        }
    }
    let _: Option<&Value> = None;
    Ok(())
}

fn checkin_record(c: &mut Case<'_>) -> Step {
    let venue_key = |c: &Case<'_>| -> Step<luca_legacy::VenuePrivateKey> {
        luca_legacy::VenuePrivateKey::from_slice(&c.hex("venue_private_key")?)
            .map_err(|e| malformed("venue_private_key", &e))
    };
    if let Some(json_text) = c.opt_str("additional_upload")? {
        let a = luca_legacy::LegacyAdditionalData::from_json(json_text).map_err(|e| kind(e.kind()))?;
        c.expect_hex("trace_id", a.trace_id())?;
        let plain = a.open(&venue_key(c)?).map_err(|e| kind(e.kind()))?;
        c.expect_json("plaintext", &json!(plain.as_str()));
        return Ok(());
    }
    let r = luca_legacy::LegacyCheckInRecord::from_json(c.str("upload")?).map_err(|e| kind(e.kind()))?;
    c.expect_hex("trace_id", r.trace_id())?;
    c.expect_json("scanner_id", &json!(r.scanner_id()));
    c.expect_json("timestamp", &json!(r.timestamp()));
    c.expect_json("device_type", &json!(r.device_type()));
    if c.has("venue_private_key") {
        let inner = r.open(&venue_key(c)?).map_err(|e| kind(e.kind()))?;
        c.expect_hex("inner_record", inner.as_bytes())?;
        if let Some(k) = c.opt_hex("daily_private_key")? {
            let key = DailyPrivateKey::from_slice(&k).map_err(|e| malformed("daily_private_key", &e))?;
            let s = inner.open(&key, r.timestamp()).map_err(|e| kind(e.kind()))?;
            c.expect_hex("user_id", s.user_id.as_bytes())?;
            c.expect_hex("data_secret", s.data_secret.expose_secret())?;
        }
    }
    Ok(())
}

fn venue_qr(c: &mut Case<'_>) -> Step {
    let q = luca_legacy::LegacyVenueQr::from_url(c.str("url")?).map_err(|e| kind(e.kind()))?;
    c.expect_json("host", &json!(q.host()));
    c.expect_json(
        "kind",
        &json!(match q.kind() {
            luca_legacy::LegacyVenueKind::Venue => "venue",
            luca_legacy::LegacyVenueKind::PrivateMeeting => "private_meeting",
        }),
    );
    c.expect_json("scanner_id", &json!(q.scanner_id()));
    c.expect_json("table", &json!(q.table()));
    c.expect_json("cwa_payload", &json!(q.cwa_payload()));
    Ok(())
}
