//! Test vectors: consent responses (spec: docs/PROTOCOL.md §8.7).
//!
//! Every case, as the health office runs it: verify
//! `health_office_certificate` under `trust_anchor_public_key` at `now`;
//! verify `tracing_request` (the office's own request) against it for venue
//! `venue_id` at `now`; parse `consent_response`; open it with
//! `health_office_private_key` (the office's encryption key). `expect` is
//! `ok` or the kind of the first error. Positive cases list the decrypted
//! `entries` (in wire order) with each part's `aad` and `ephemeral_ikm`
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
use luca_protocol::ids::{BadgeKeyId, DailyKeyId, RegistrarId, RequestId, TraceId, UserId, VenueId};
use luca_protocol::keys::{
    BadgePrivateKey, DailyPrivateKey, HealthOfficeEncryptionKey, RegistrarKey, SignaturePublicKey, TrustAnchorKey,
};
use luca_protocol::messages::additional_data::AdditionalDataContent;
use luca_protocol::messages::checkin_record::{CheckInSource, InnerRecord};
use luca_protocol::messages::consent_response::{ConsentResponse, ConsentResponseBuilder, ConsentResponseIn};
use luca_protocol::messages::tracing_request::{TracingRequest, TracingRequestIn, TracingWindow};
use luca_protocol::qr::guest::{DeviceType, GuestCheckInQr, QrFlags};
use luca_protocol::secrets::{BadgeSeed, DailyTracingSecret, DataSecret};
use luca_protocol::signed::badge_attestation::{BadgeAttestation, BadgeAttestationIn};
use luca_protocol::signed::health_office_certificate::HealthOfficeCertificateIn;
use luca_protocol::time::UnixMinute;
use rand_chacha::ChaCha20Rng;
use serde_json::{Value, json};

use crate::checkin_record::peek_ikm;
use crate::common::{self, NOW, Topic, hex};
use crate::tracing_request::{Office, office, skip_item};

struct Ho<'a> {
    anchor: &'a SignaturePublicKey,
    office: &'a Office,
    request: &'a TracingRequest,
}

fn run(ho: &Ho<'_>, key: &HealthOfficeEncryptionKey, venue: VenueId, bytes: &[u8]) -> Result<Value, String> {
    let cert = HealthOfficeCertificateIn::from_slice(ho.office.cert.as_bytes())
        .unwrap()
        .verify(ho.anchor, NOW)
        .map_err(|e| e.kind().to_string())?;
    let request = TracingRequestIn::from_slice(ho.request.as_bytes())
        .unwrap()
        .verify(&cert, venue, NOW)
        .map_err(|e| e.kind().to_string())?;
    let resp = ConsentResponseIn::from_slice(bytes).map_err(|e| e.kind().to_string())?;
    let entries = resp.open(&request, key).map_err(|e| e.kind().to_string())?;
    Ok(Value::Array(
        entries
            .iter()
            .map(|e| {
                json!({
                    "trace_id": hex(e.trace_id.as_bytes()),
                    "checkin_minute": e.checkin_minute.0,
                    "source": e.inner.source().to_u8(),
                    "inner_record": hex(e.inner.to_bytes()),
                    "additional": e.additional.as_ref().map(|a| hex(a.to_bytes().unwrap().as_slice())),
                })
            })
            .collect(),
    ))
}

fn guest<R: rand_core::CryptoRng>(rng: &mut R, minute: UnixMinute) -> (TraceId, InnerRecord) {
    let daily = DailyPrivateKey::generate(rng);
    let secret = DailyTracingSecret::random(rng);
    let user_id = UserId::random(rng);
    let data_secret = DataSecret::random(rng);
    let trace = derive::guest_trace_id(&secret, &user_id, minute);
    let flags = QrFlags { device_type: DeviceType::Android, entry_policy: 0 };
    let qr = GuestCheckInQr::seal(
        rng,
        DailyKeyId::for_day(minute.day()),
        &daily.public_key(),
        flags,
        minute,
        trace,
        &user_id,
        &data_secret,
    )
    .unwrap();
    (trace, InnerRecord::Guest(qr))
}

fn aad(resp: &ConsentResponse, trace: &TraceId, minute: UnixMinute, part: u8) -> Vec<u8> {
    let mut a = resp.request_hash().to_vec();
    a.extend_from_slice(resp.health_office_id().as_bytes());
    a.extend_from_slice(resp.venue_id().as_bytes());
    a.extend_from_slice(trace.as_bytes());
    a.extend_from_slice(&minute.to_be_bytes());
    a.push(part);
    a
}

pub fn generate() -> Topic {
    let mut rng: ChaCha20Rng = common::rng("consent_response");
    let mut t = Topic::new(
        "consent_response",
        "Consent responses (docs/PROTOCOL.md §8.7): the venue re-seals each inner record (part 0) \
         and additional data content (part 1) with HPKE (info \"luca/v1/hpke/consent\", AAD request_hash ‖ \
         health_office_id ‖ venue_id ‖ trace_id ‖ checkin_minute_be32 ‖ part_u8) to the requesting health \
         office. Verify the certificate and the office's own tracing_request at now for venue_id, then open \
         consent_response with health_office_private_key.",
    );
    let anchor = TrustAnchorKey::generate(&mut rng);
    let anchor_pub = anchor.public_key();
    let a = office(&mut rng, &anchor, "Gesundheitsamt Vektor");
    let b = office(&mut rng, &anchor, "Gesundheitsamt Andere");
    let venue = VenueId::random(&mut rng);
    let window = TracingWindow { from: NOW.minus_secs(3 * 3_600), to: NOW };
    let sign = |o: &Office, id: RequestId| {
        TracingRequest::sign(&o.keys.signing, id, o.cert.id(), venue, window, NOW, NOW.plus_secs(86_400)).unwrap()
    };
    let req_a = sign(&a, RequestId::random(&mut rng));
    let req_a2 = sign(&a, RequestId::random(&mut rng));
    let req_b = sign(&b, RequestId::random(&mut rng));

    // Three check-ins in the window: guest (−60 min), badge with a table (−30 min), guest with a table (−10 min).
    let m = |offset: i32| UnixMinute(NOW.minute().0.checked_add_signed(offset).unwrap());
    let (t1, g1) = guest(&mut rng, m(-60));
    let (t3, g3) = guest(&mut rng, m(-10));
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
    let t2 = derive::trace_id(&derive::badge_checkout_proof(&badge.trace_key, m(-30)));
    let g2 = InnerRecord::Badge(BadgeAttestationIn::from_slice(att.as_bytes()).unwrap());
    let table = |n: u16| AdditionalDataContent { table: Some(n), guest_name: None };

    let mut builder = ConsentResponseBuilder::new(&req_a, &a.cert).unwrap();
    let mut ikms: Vec<(TraceId, [u8; 32], Option<[u8; 32]>)> = Vec::new();
    for (trace, minute, inner, add) in
        [(t3, m(-10), &g3, Some(table(7))), (t1, m(-60), &g1, None), (t2, m(-30), &g2, Some(table(12)))]
    {
        ikms.push((trace, peek_ikm(&rng, 0), add.as_ref().map(|_| peek_ikm(&rng, 1))));
        builder.add(&mut rng, trace, minute, inner, add.as_ref()).unwrap();
    }
    let resp = builder.finish();
    let valid = resp.to_bytes();

    let ho_a = Ho { anchor: &anchor_pub, office: &a, request: &req_a };
    let ho_a2 = Ho { anchor: &anchor_pub, office: &a, request: &req_a2 };
    let ho_b = Ho { anchor: &anchor_pub, office: &b, request: &req_b };
    let case = |t: &mut Topic,
                name: &str,
                expect: &str,
                ho: &Ho<'_>,
                key: &HealthOfficeEncryptionKey,
                bytes: &[u8],
                extra: Value| {
        let got = match run(ho, key, venue, bytes) {
            Ok(_) => "ok".to_string(),
            Err(k) => k,
        };
        assert_eq!(got, expect, "{name}");
        let mut fields = json!({
            "trust_anchor_public_key": hex(ho.anchor.to_bytes()),
            "health_office_certificate": hex(ho.office.cert.as_bytes()),
            "venue_id": hex(venue.as_bytes()),
            "now": NOW.0,
            "tracing_request": hex(ho.request.as_bytes()),
            "health_office_private_key": hex(key.to_bytes().as_slice()),
            "consent_response": hex(bytes),
        });
        for (k, v) in extra.as_object().unwrap() {
            fields[k] = v.clone();
        }
        t.case(name, expect, fields);
    };

    // The positive case, with the expected entries in wire order.
    let mut entries = run(&ho_a, &a.keys.encryption, venue, &valid).unwrap();
    for e in entries.as_array_mut().unwrap() {
        let trace = TraceId::from_slice(&hex::decode(e["trace_id"].as_str().unwrap()).unwrap()).unwrap();
        let minute = UnixMinute(u32::try_from(e["checkin_minute"].as_u64().unwrap()).unwrap());
        let (_, ikm0, ikm1) = ikms.iter().find(|(t, _, _)| *t == trace).unwrap();
        e["inner_aad"] = hex(aad(&resp, &trace, minute, 0));
        e["inner_ephemeral_ikm"] = hex(ikm0);
        if let Some(ikm1) = ikm1 {
            e["additional_aad"] = hex(aad(&resp, &trace, minute, 1));
            e["additional_ephemeral_ikm"] = hex(ikm1);
        }
    }
    assert_eq!(
        entries.as_array().unwrap().iter().map(|e| e["trace_id"].clone()).collect::<Vec<_>>(),
        vec![hex(t1.as_bytes()), hex(t2.as_bytes()), hex(t3.as_bytes())]
    );
    case(
        &mut t,
        "three_entries",
        "ok",
        &ho_a,
        &a.keys.encryption,
        &valid,
        json!({
            "request_hash": hex(req_a.request_hash()),
            "health_office_public_key": hex(a.keys.encryption.public_key().to_bytes()),
            "info": hex(b"luca/v1/hpke/consent"),
            "entries": entries,
        }),
    );
    let empty = ConsentResponseBuilder::new(&req_a, &a.cert).unwrap().finish().to_bytes();
    case(&mut t, "no_entries", "ok", &ho_a, &a.keys.encryption, &empty, json!({ "entries": [] }));

    // Layout: 0x85 0x01 0x58 0x20 request_hash(4..36) 0x50 health_office_id(37..53) 0x50 venue_id(54..70)
    // 0x83 entries…; entry at e: 0x86 0x50 trace_id(e+2..e+18) 0x1a minute(e+19..e+23) source(e+23) …
    assert_eq!(&valid[..4], &[0x85, 0x01, 0x58, 0x20]);
    assert_eq!(valid[70], 0x83);
    let e0 = 71;
    let e1 = skip_item(&valid, e0);
    let e2 = skip_item(&valid, e1);
    assert_eq!(skip_item(&valid, e2), valid.len());
    let mutate = |f: &dyn Fn(&mut Vec<u8>)| {
        let mut v = valid.clone();
        f(&mut v);
        v
    };
    let none = json!({});

    // Replay into another request of the same office, and redirection to another office.
    case(&mut t, "other_request_of_same_office", "binding_mismatch", &ho_a2, &a.keys.encryption, &valid, none.clone());
    let replayed = mutate(&|v| v[4..36].copy_from_slice(&req_a2.request_hash()));
    case(
        &mut t,
        "replayed_into_other_request",
        "decryption_failed",
        &ho_a2,
        &a.keys.encryption,
        &replayed,
        none.clone(),
    );
    case(&mut t, "given_to_other_office", "binding_mismatch", &ho_b, &b.keys.encryption, &valid, none.clone());
    let redirected = mutate(&|v| {
        v[4..36].copy_from_slice(&req_b.request_hash());
        v[37..53].copy_from_slice(b.cert.id().as_bytes());
    });
    case(
        &mut t,
        "redirected_to_other_office",
        "decryption_failed",
        &ho_b,
        &b.keys.encryption,
        &redirected,
        none.clone(),
    );
    case(&mut t, "wrong_office_key", "decryption_failed", &ho_a, &b.keys.encryption, &valid, none.clone());
    let other_venue = mutate(&|v| v[69] ^= 0x01);
    case(&mut t, "venue_id_changed", "binding_mismatch", &ho_a, &a.keys.encryption, &other_venue, none.clone());
    let other_ho = mutate(&|v| v[52] ^= 0x01);
    case(&mut t, "health_office_id_changed", "binding_mismatch", &ho_a, &a.keys.encryption, &other_ho, none.clone());

    // Entry tampering.
    let before_window = u32::try_from((window.from.0 - 3_600) / 60).unwrap();
    let entry_cases: [(&str, &str, Vec<u8>); 6] = [
        ("entry_trace_id_changed", "decryption_failed", mutate(&|v| v[e0 + 17] ^= 0x01)),
        ("entry_minute_changed", "decryption_failed", mutate(&|v| v[e0 + 22] ^= 0x01)),
        (
            "entry_minute_outside_window",
            "binding_mismatch",
            mutate(&|v| v[e0 + 19..e0 + 23].copy_from_slice(&before_window.to_be_bytes())),
        ),
        ("entry_source_changed", "binding_mismatch", mutate(&|v| v[e0 + 23] = 0x01)),
        ("entry_ciphertext_tampered", "decryption_failed", mutate(&|v| v[e1 - 2] ^= 0x01)),
        ("entries_unsorted", "invalid_field", {
            let mut v = valid[..e0].to_vec();
            v.extend_from_slice(&valid[e1..e2]);
            v.extend_from_slice(&valid[e0..e1]);
            v.extend_from_slice(&valid[e2..]);
            v
        }),
    ];
    for (name, expect, bytes) in entry_cases {
        case(&mut t, name, expect, &ho_a, &a.keys.encryption, &bytes, none.clone());
    }
    let duplicate = {
        let mut v = valid[..e1].to_vec();
        v.extend_from_slice(&valid[e0..e1]);
        v.extend_from_slice(&valid[e2..]);
        v
    };
    case(&mut t, "entries_duplicate", "invalid_field", &ho_a, &a.keys.encryption, &duplicate, none.clone());

    // A venue that re-seals an inner record under another check-in's trace id.
    let mut forged = ConsentResponseBuilder::new(&req_a, &a.cert).unwrap();
    forged.add_unchecked(&mut rng, t3, m(-60), CheckInSource::Guest, &g1.to_bytes(), None).unwrap();
    case(
        &mut t,
        "inner_trace_id_differs",
        "binding_mismatch",
        &ho_a,
        &a.keys.encryption,
        forged.finish().as_bytes(),
        none.clone(),
    );

    // Decode failures.
    let mut decode: Vec<(String, &str, Vec<u8>)> = Vec::new();
    for (name, b) in common::truncations_and_trailing(&valid) {
        let expect = if name == "trailing_byte" { "trailing_bytes" } else { "truncated" };
        decode.push((name, expect, b));
    }
    decode.push(("wrong_version".into(), "unsupported_version", mutate(&|v| v[1] = 0x02)));
    decode.push(("source_2".into(), "invalid_field", mutate(&|v| v[e0 + 23] = 0x02)));
    decode.push(("wrong_arity".into(), "wrong_arity", {
        let mut v = valid[..70].to_vec();
        v[0] = 0x84;
        v
    }));
    for (name, expect, bytes) in decode {
        case(&mut t, &name, expect, &ho_a, &a.keys.encryption, &bytes, none.clone());
    }
    let len = ConsentResponse::MAX_LEN + 1;
    let err = ConsentResponseIn::from_slice(&vec![0u8; len]).unwrap_err();
    assert_eq!(err.kind(), "too_long");
    t.case("too_long", err.kind(), json!({ "consent_response_length": len }));

    // Appended (issue 13): header and `entries` of the wrong shape (decoding steps 2 and 3), and entries whose
    // parts open but do not decode, or whose part 1 is tampered (opening steps 4.3 and 4.6).
    let mut more: Vec<(&str, &str, Vec<u8>)> = vec![
        (
            "request_hash_31_bytes",
            "wrong_length",
            mutate(&|v| {
                v[3] = 0x1f;
                v.remove(4);
            }),
        ),
        ("entries_null", "unexpected_type", [&valid[..70], &[0xf6][..]].concat()),
        (
            "entry_additional_tampered",
            "decryption_failed",
            mutate(&|v| {
                let at = v.len() - 2;
                v[at] ^= 0x01;
            }),
        ),
    ];
    let mut bad_inner = ConsentResponseBuilder::new(&req_a, &a.cert).unwrap();
    bad_inner.add_unchecked(&mut rng, t1, m(-60), CheckInSource::Guest, &[0x80], None).unwrap();
    more.push(("entry_inner_record_malformed", "wrong_arity", bad_inner.finish().to_bytes()));
    let mut bad_additional = ConsentResponseBuilder::new(&req_a, &a.cert).unwrap();
    bad_additional
        .add_unchecked(&mut rng, t1, m(-60), CheckInSource::Guest, &g1.to_bytes(), Some(&[0x83, 0x01, 0x00, 0xf6]))
        .unwrap();
    more.push(("entry_additional_malformed", "invalid_field", bad_additional.finish().to_bytes()));
    for (name, expect, bytes) in more {
        case(&mut t, name, expect, &ho_a, &a.keys.encryption, &bytes, none.clone());
    }
    t
}
