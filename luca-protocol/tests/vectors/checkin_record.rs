//! Test vectors: check-in records and inner records (spec: docs/PROTOCOL.md §8.5).
//!
//! `operation` says what to run:
//! * `open`: parse `checkin_record`, open it with `venue_private_key`; on
//!   success the result re-encodes to `inner_record`.
//! * `check_freshness`: parse `checkin_record`, check it at `now` with `window_secs`.
//! * `decode_inner`: parse `inner_record`.
//!
//! `expect` is `ok` or the kind of the first error. Positive `open` cases
//! carry what reproduces the seal byte for byte: `aad` and `ephemeral_ikm`
//! (`enc` = public key of RFC 9180 `DeriveKeyPair(ephemeral_ikm)`).
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::arithmetic_side_effects,
    clippy::panic,
    clippy::cast_possible_truncation
)]

use luca_protocol::derive;
use luca_protocol::ids::{BadgeKeyId, DailyKeyId, RegistrarId, TraceId, UserId, VenueId};
use luca_protocol::keys::{BadgePrivateKey, DailyPrivateKey, RegistrarKey, VenuePrivateKey};
use luca_protocol::messages::checkin_record::{
    CheckInRecord, CheckInRecordIn, CheckInSource, DEFAULT_FRESHNESS_WINDOW_SECS, InnerRecord,
};
use luca_protocol::qr::guest::{DeviceType, GuestCheckInQr, QrFlags};
use luca_protocol::secrets::{BadgeSeed, DailyTracingSecret, DataSecret};
use luca_protocol::signed::badge_attestation::{BadgeAttestation, BadgeAttestationIn};
use luca_protocol::time::{UnixMinute, UnixTime};
use rand_chacha::ChaCha20Rng;
use rand_core::Rng as _;
use serde_json::{Value, json};

use crate::common::{self, NOW, Topic, hex};

/// The 32 bytes the next HPKE seal draws from `rng` as its ephemeral IKM.
pub(crate) fn peek_ikm(rng: &ChaCha20Rng, skip: usize) -> [u8; 32] {
    let mut probe = rng.clone();
    let mut ikm = [0u8; 32];
    for _ in 0..=skip {
        probe.fill_bytes(&mut ikm);
    }
    ikm
}

fn open(record: &[u8], venue_key: &VenuePrivateKey) -> Result<Vec<u8>, String> {
    let r = CheckInRecordIn::from_slice(record).map_err(|e| e.kind().to_string())?;
    r.open(venue_key).map(|i| i.to_bytes()).map_err(|e| e.kind().to_string())
}

fn kind<T>(r: Result<T, String>) -> String {
    match r {
        Ok(_) => "ok".into(),
        Err(k) => k,
    }
}

fn source_u8(s: CheckInSource) -> u8 {
    s.to_u8()
}

pub fn generate() -> Topic {
    let mut rng = common::rng("checkin_record");
    let mut t = Topic::new(
        "checkin_record",
        "Check-in records (docs/PROTOCOL.md §8.5): the inner record [1, source, body, enc_y] (enc_y: the Y of \
         the guest QR's enc, or null for a badge) sealed with \
         HPKE (info \"luca/v1/hpke/checkin-outer\", AAD venue_id ‖ trace_id ‖ checkin_minute_be32 ‖ source_u8) \
         to the venue key. `operation`: open (with venue_private_key), check_freshness (at now, window_secs) \
         or decode_inner.",
    );
    let venue_id = VenueId::random(&mut rng);
    let venue_key = VenuePrivateKey::generate(&mut rng);
    let venue_pub = venue_key.public_key();
    let minute = NOW.minute();

    // A guest check-in.
    let daily = DailyPrivateKey::generate(&mut rng);
    let secret = DailyTracingSecret::random(&mut rng);
    let user_id = UserId::random(&mut rng);
    let data_secret = DataSecret::random(&mut rng);
    let guest_trace = derive::guest_trace_id(&secret, &user_id, minute);
    let qr = GuestCheckInQr::seal(
        &mut rng,
        DailyKeyId::for_day(minute.day()),
        &daily.public_key(),
        QrFlags { device_type: DeviceType::Ios, entry_policy: QrFlags::VACCINATED },
        minute,
        guest_trace,
        &user_id,
        &data_secret,
    )
    .unwrap();
    let guest_inner = InnerRecord::Guest(qr);

    // A badge check-in.
    let badge_key = BadgePrivateKey::generate(&mut rng);
    let badge = derive::badge_secrets(&BadgeSeed::random(&mut rng)).unwrap();
    let registrar = RegistrarKey::generate(&mut rng);
    let registrar_id = RegistrarId::random(&mut rng);
    let att = BadgeAttestation::issue(
        &mut rng,
        &registrar,
        registrar_id,
        BadgeKeyId(2),
        &badge_key.public_key(),
        &badge,
        NOW.minus_secs(90 * 86_400),
    )
    .unwrap();
    let badge_trace = derive::trace_id(&derive::badge_checkout_proof(&badge.trace_key, minute));
    let badge_inner = InnerRecord::Badge(BadgeAttestationIn::from_slice(att.as_bytes()).unwrap());

    let open_case = |t: &mut Topic, name: &str, expect: &str, key: &VenuePrivateKey, record: &[u8], extra: Value| {
        let got = kind(open(record, key));
        assert_eq!(got, expect, "{name}");
        let mut fields = json!({
            "operation": "open",
            "venue_private_key": hex(key.to_bytes().as_slice()),
            "checkin_record": hex(record),
        });
        for (k, v) in extra.as_object().unwrap() {
            fields[k] = v.clone();
        }
        t.case(name, expect, fields);
    };

    // Positive cases.
    let mut records = Vec::new();
    for (name, inner, trace) in
        [("guest_record", &guest_inner, guest_trace), ("badge_record", &badge_inner, badge_trace)]
    {
        let ikm = peek_ikm(&rng, 0);
        let rec = CheckInRecord::seal(&mut rng, venue_id, &venue_pub, inner, trace, minute).unwrap();
        let bytes = rec.to_bytes();
        let inner_bytes = inner.to_bytes();
        assert_eq!(open(&bytes, &venue_key).unwrap(), inner_bytes);
        let source = inner.source();
        let mut aad = venue_id.as_bytes().to_vec();
        aad.extend_from_slice(trace.as_bytes());
        aad.extend_from_slice(&minute.to_be_bytes());
        aad.push(source_u8(source));
        let mut extra = json!({
            "venue_public_key": hex(venue_pub.to_bytes()),
            "venue_id": hex(venue_id.as_bytes()),
            "trace_id": hex(trace.as_bytes()),
            "checkin_minute": minute.0,
            "source": source_u8(source),
            "inner_record": hex(&inner_bytes),
            "info": hex(b"luca/v1/hpke/checkin-outer"),
            "aad": hex(&aad),
            "ephemeral_ikm": hex(ikm),
        });
        match inner {
            InnerRecord::Guest(qr) => {
                extra["guest_qr_body"] = hex(qr.body());
                extra["daily_private_key"] = hex(daily.to_bytes().as_slice());
            }
            InnerRecord::Badge(att) => {
                extra["badge_attestation"] = hex(att.as_bytes());
                extra["badge_trace_key"] = hex(badge.trace_key.expose_secret());
                extra["badge_private_key"] = hex(badge_key.to_bytes().as_slice());
            }
        }
        open_case(&mut t, name, "ok", &venue_key, &bytes, extra);
        records.push(bytes);
    }
    let guest_rec = records[0].clone();

    // Record layout: 0x87 0x01 0x50 venue_id(3..19) 0x50 trace_id(20..36) 0x1a minute(37..41) source(41)
    // 0x58 0x41 enc(44..109) ciphertext head(109..111) ciphertext.
    assert_eq!(&guest_rec[..3], &[0x87, 0x01, 0x50]);
    assert_eq!(guest_rec[36], 0x1a);
    assert_eq!(&guest_rec[42..44], &[0x58, 0x41]);
    let mutate = |f: &dyn Fn(&mut Vec<u8>)| {
        let mut b = guest_rec.clone();
        f(&mut b);
        b
    };
    let none = json!({});

    // Re-targeting and tampering: the outer layer no longer opens.
    let other_key = VenuePrivateKey::generate(&mut rng);
    open_case(&mut t, "wrong_venue_key", "decryption_failed", &other_key, &guest_rec, none.clone());
    let other_point = other_key.public_key().to_bytes();
    let decryption_failures: [(&str, Vec<u8>); 6] = [
        ("retargeted_venue_id", mutate(&|b| b[18] ^= 0x01)),
        ("retargeted_trace_id", mutate(&|b| b[35] ^= 0x01)),
        ("retargeted_minute", mutate(&|b| b[40] ^= 0x01)),
        ("retargeted_source", mutate(&|b| b[41] = 0x01)),
        ("enc_replaced", mutate(&|b| b[44..109].copy_from_slice(&other_point))),
        ("ciphertext_tampered", mutate(&|b| *b.last_mut().unwrap() ^= 0x01)),
    ];
    for (name, b) in decryption_failures {
        open_case(&mut t, name, "decryption_failed", &venue_key, &b, none.clone());
    }

    // Well-sealed outer layers over inner records that do not belong to the envelope.
    let guest_bytes = guest_inner.to_bytes();
    let badge_bytes = badge_inner.to_bytes();
    let other_trace = TraceId::random(&mut rng);
    let next_badge_trace = derive::trace_id(&derive::badge_checkout_proof(&badge.trace_key, UnixMinute(minute.0 + 1)));
    type Mismatch<'a> = (&'a str, &'a str, &'a [u8], CheckInSource, TraceId, UnixMinute);
    let mismatches: [Mismatch<'_>; 5] = [
        ("inner_trace_id_differs", "binding_mismatch", &guest_bytes, CheckInSource::Guest, other_trace, minute),
        (
            "inner_minute_differs",
            "binding_mismatch",
            &guest_bytes,
            CheckInSource::Guest,
            guest_trace,
            UnixMinute(minute.0 + 1),
        ),
        ("inner_source_differs", "binding_mismatch", &guest_bytes, CheckInSource::Badge, guest_trace, minute),
        ("badge_trace_id_differs", "binding_mismatch", &badge_bytes, CheckInSource::Badge, next_badge_trace, minute),
        (
            "inner_wrong_version",
            "unsupported_version",
            &[0x83, 0x02, 0x00, 0x40],
            CheckInSource::Guest,
            guest_trace,
            minute,
        ),
    ];
    for (name, expect, inner, source, trace, m) in mismatches {
        let rec = CheckInRecord::seal_unchecked(&mut rng, venue_id, &venue_pub, inner, source, trace, m).unwrap();
        open_case(&mut t, name, expect, &venue_key, rec.as_bytes(), json!({ "inner_record": hex(inner) }));
    }

    // Decode failures.
    let mut decode: Vec<(String, &str, Vec<u8>)> = Vec::new();
    for (name, b) in common::truncations_and_trailing(&guest_rec) {
        let expect = if name == "trailing_byte" { "trailing_bytes" } else { "truncated" };
        decode.push((name, expect, b));
    }
    decode.push(("wrong_version".into(), "unsupported_version", mutate(&|b| b[1] = 0x02)));
    decode.push(("source_2".into(), "invalid_field", mutate(&|b| b[41] = 0x02)));
    decode.push(("enc_not_on_curve".into(), "invalid_point", mutate(&|b| b[108] ^= 0x01)));
    decode.push(("minute_over_u32".into(), "invalid_field", {
        let mut b = guest_rec[..36].to_vec();
        b.push(0x1b);
        b.extend_from_slice(&(1u64 << 32).to_be_bytes());
        b.extend_from_slice(&guest_rec[41..]);
        b
    }));
    decode.push(("minute_non_canonical".into(), "non_canonical", {
        let mut b = guest_rec[..36].to_vec();
        b.push(0x1b);
        b.extend_from_slice(&u64::from(minute.0).to_be_bytes());
        b.extend_from_slice(&guest_rec[41..]);
        b
    }));
    decode.push(("ciphertext_15_bytes".into(), "wrong_length", {
        let mut b = guest_rec[..109].to_vec();
        b.push(0x4f);
        b.extend_from_slice(&[0u8; 15]);
        b
    }));
    decode.push(("wrong_arity".into(), "wrong_arity", {
        let mut b = guest_rec[..109].to_vec();
        b[0] = 0x86;
        b
    }));
    decode.push(("too_long".into(), "too_long", vec![0u8; CheckInRecord::MAX_LEN + 1]));
    for (name, expect, b) in decode {
        open_case(&mut t, &name, expect, &venue_key, &b, none.clone());
    }

    // Server-side freshness (window 120 s by default).
    let start = minute.start();
    let w = DEFAULT_FRESHNESS_WINDOW_SECS;
    let fresh: [(&str, UnixTime, &str); 5] = [
        ("fresh_at_minute_start", start, "ok"),
        ("fresh_at_window_end", start.plus_secs(w), "ok"),
        ("stale", start.plus_secs(w + 1), "stale"),
        ("fresh_clock_skew", start.minus_secs(w), "ok"),
        ("from_future", start.minus_secs(w + 1), "from_future"),
    ];
    let parsed = CheckInRecordIn::from_slice(&guest_rec).unwrap();
    for (name, now, expect) in fresh {
        let got = match parsed.check_freshness(now, w) {
            Ok(()) => "ok".to_string(),
            Err(e) => e.kind().to_string(),
        };
        assert_eq!(got, expect, "{name}");
        t.case(
            name,
            expect,
            json!({
                "operation": "check_freshness",
                "now": now.0,
                "window_secs": w,
                "checkin_minute": minute.0,
                "checkin_record": hex(&guest_rec),
            }),
        );
    }

    // Inner record decoding.
    let inner_cases: Vec<(&str, &str, Vec<u8>)> = vec![
        ("inner_guest", "ok", guest_bytes.clone()),
        ("inner_badge", "ok", badge_bytes.clone()),
        ("inner_version_2", "unsupported_version", {
            let mut b = guest_bytes.clone();
            b[1] = 0x02;
            b
        }),
        ("inner_source_2", "invalid_field", {
            let mut b = guest_bytes.clone();
            b[2] = 0x02;
            b
        }),
        ("inner_guest_body_104_bytes", "wrong_length", {
            let mut b = vec![0x84, 0x01, 0x00, 0x58, 0x68];
            b.extend_from_slice(&guest_bytes[5..109]);
            b.extend_from_slice(&guest_bytes[110..]);
            b
        }),
        ("inner_guest_enc_y_31_bytes", "wrong_length", {
            let mut b = guest_bytes[..110].to_vec();
            b.extend_from_slice(&[0x58, 0x1f]);
            b.extend_from_slice(&guest_bytes[112..143]);
            b
        }),
        ("inner_guest_enc_y_other_parity", "invalid_point", {
            let mut b = guest_bytes.clone();
            b[143] ^= 0x01;
            b
        }),
        ("inner_guest_enc_y_off_curve", "invalid_point", {
            let mut b = guest_bytes.clone();
            b[112] ^= 0x80;
            b
        }),
        ("inner_guest_enc_prefix_04", "invalid_point", {
            let mut b = guest_bytes.clone();
            b[5 + 24] = 0x04;
            b
        }),
        ("inner_guest_enc_y_null", "unexpected_type", {
            let mut b = guest_bytes[..110].to_vec();
            b.push(0xf6);
            b
        }),
        ("inner_badge_with_enc_y", "unexpected_type", {
            let mut b = badge_bytes[..badge_bytes.len() - 1].to_vec();
            b.extend_from_slice(&guest_bytes[110..]);
            b
        }),
        ("inner_version_1_three_items", "wrong_arity", {
            let mut b = guest_bytes[..110].to_vec();
            b[0] = 0x83;
            b
        }),
        ("inner_trailing_byte", "trailing_bytes", {
            let mut b = guest_bytes.clone();
            b.push(0);
            b
        }),
        ("inner_too_long", "too_long", vec![0u8; InnerRecord::MAX_LEN + 1]),
    ];
    for (name, expect, b) in inner_cases {
        let got = kind(InnerRecord::from_slice(&b).map_err(|e| e.kind().to_string()));
        assert_eq!(got, expect, "{name}");
        t.case(name, expect, json!({ "operation": "decode_inner", "inner_record": hex(&b) }));
    }

    // Appended (issue 13): the inner record's `body` of another type, a badge body that is no attestation; the
    // outer record's `venue_id` length, a negative minute, a `source` of another type.
    let inner_more: Vec<(&str, &str, Vec<u8>)> = vec![
        ("inner_body_as_text", "unexpected_type", [&[0x84, 0x01, 0x00, 0x61, 0x41][..], &guest_bytes[110..]].concat()),
        ("inner_badge_body_empty_array", "wrong_arity", vec![0x84, 0x01, 0x01, 0x41, 0x80, 0xf6]),
    ];
    for (name, expect, b) in inner_more {
        let got = kind(InnerRecord::from_slice(&b).map_err(|e| e.kind().to_string()));
        assert_eq!(got, expect, "{name}");
        t.case(name, expect, json!({ "operation": "decode_inner", "inner_record": hex(&b) }));
    }
    let outer_more: Vec<(&str, &str, Vec<u8>)> = vec![
        ("venue_id_15_bytes", "wrong_length", [&[0x87, 0x01, 0x4f][..], &guest_rec[3..18], &guest_rec[19..]].concat()),
        ("minute_negative", "invalid_field", [&guest_rec[..36], &[0x20][..], &guest_rec[41..]].concat()),
        ("source_text", "unexpected_type", [&guest_rec[..41], &[0x61, 0x30][..], &guest_rec[42..]].concat()),
    ];
    for (name, expect, b) in outer_more {
        open_case(&mut t, name, expect, &venue_key, &b, none.clone());
    }
    t
}
