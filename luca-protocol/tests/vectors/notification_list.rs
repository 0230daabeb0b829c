//! Test vectors: notification lists (spec: docs/PROTOCOL.md §8.9).
//!
//! Every case: verify `health_office_certificate` under
//! `trust_anchor_public_key` at `now`, parse `notification_list`, verify it
//! against the certificate at `now`; `expect` is `ok` or the kind of the first
//! error. Positive cases carry the listed `entries` (trace id, level), their
//! `real_hashes`, and a device-side lookup: `device_trace_ids` and the
//! expected `matches` (highest level per matched trace id, in query order).
//! The dummies are random, so only verification and lookups are reproducible,
//! not the list bytes (unless the same RNG stream is used). A `too_long` case
//! carries `notification_list_length` (that many zero bytes) instead of hex.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::arithmetic_side_effects,
    clippy::panic,
    clippy::cast_possible_truncation
)]

use luca_protocol::derive;
use luca_protocol::ids::TraceId;
use luca_protocol::keys::{SignaturePublicKey, TrustAnchorKey};
use luca_protocol::messages::notification_list::{NotificationList, NotificationListIn, NotificationMatch};
use luca_protocol::signed::health_office_certificate::{HealthOfficeCertificate, HealthOfficeCertificateIn};
use luca_protocol::time::{UnixTime, Validity};
use serde_json::{Value, json};

use crate::common::{self, NOW, Topic, hex};
use crate::tracing_request::{join_cose, office, split_cose, with_payload};

fn verify(anchor: &SignaturePublicKey, cert: &[u8], now: UnixTime, list: &[u8]) -> Result<NotificationList, String> {
    let cert =
        HealthOfficeCertificateIn::from_slice(cert).unwrap().verify(anchor, now).map_err(|e| e.kind().to_string())?;
    NotificationListIn::from_slice(list)
        .map_err(|e| e.kind().to_string())?
        .verify(&cert, now)
        .map_err(|e| e.kind().to_string())
}

pub fn generate() -> Topic {
    let mut rng = common::rng("notification_list");
    let mut t = Topic::new(
        "notification_list",
        "Notification lists (docs/PROTOCOL.md §8.9): COSE_Sign1 (content type \
         application/luca.v1.notification-list) over [1, health_office_id, issued_at, hashes], hashes = \
         notification_hash(trace_id, health_office_id, level) of the entries plus random dummies, padded to \
         a power of two >= 64, strictly ascending. Verify the certificate at now, then the list.",
    );
    let anchor = TrustAnchorKey::generate(&mut rng);
    let ho = office(&mut rng, &anchor, "Gesundheitsamt Vektor");
    let other = office(&mut rng, &anchor, "Gesundheitsamt Andere");
    let anchor_pub = ho.anchor_public;
    let cert = ho.cert.as_bytes().to_vec();
    let office_id = ho.cert.id();

    let base = |t: &mut Topic, name: &str, expect: &str, cert: &[u8], now: UnixTime, list: &[u8], extra: Value| {
        let got = match verify(&anchor_pub, cert, now, list) {
            Ok(_) => "ok".to_string(),
            Err(k) => k,
        };
        assert_eq!(got, expect, "{name}");
        let mut fields = json!({
            "trust_anchor_public_key": hex(anchor_pub.to_bytes()),
            "health_office_certificate": hex(cert),
            "now": now.0,
            "notification_list": hex(list),
        });
        for (k, v) in extra.as_object().unwrap() {
            fields[k] = v.clone();
        }
        t.case(name, expect, fields);
    };

    // Positive cases: a small list (padded to 64) and one of 70 hashes (padded to 128).
    let mut first_valid = Vec::new();
    for (name, n_traces) in [("small_list", 6usize), ("list_of_70_entries", 70usize)] {
        let traces: Vec<TraceId> = (0..n_traces).map(|_| TraceId::random(&mut rng)).collect();
        let mut entries: Vec<(TraceId, u8)> = Vec::new();
        for (i, tr) in traces.iter().enumerate() {
            entries.push((*tr, u8::try_from(i % 4).unwrap()));
        }
        // Trace 1 is also warned at level 3 (highest level wins); trace 0 only "data accessed".
        entries.push((traces[1], 3));
        let list = NotificationList::build(&mut rng, &ho.keys.signing, office_id, &entries, NOW).unwrap();
        let bytes = list.to_bytes();
        let expected_len = if n_traces < 64 { 64 } else { 128 };
        assert_eq!(list.hashes().len(), expected_len);
        let verified = verify(&anchor_pub, &cert, NOW, &bytes).unwrap();
        let outsider = TraceId::random(&mut rng);
        let query = vec![traces[0], outsider, traces[1], traces[2], traces[3]];
        let matches = verified.check(&query);
        assert_eq!(
            matches,
            vec![
                NotificationMatch { trace_id: traces[0], level: 0 },
                NotificationMatch { trace_id: traces[1], level: 3 },
                NotificationMatch { trace_id: traces[2], level: 2 },
                NotificationMatch { trace_id: traces[3], level: 3 },
            ]
        );
        let (_, payload, _) = split_cose(&bytes);
        base(
            &mut t,
            name,
            "ok",
            &cert,
            NOW,
            &bytes,
            json!({
                "health_office_id": hex(office_id.as_bytes()),
                "health_office_signing_key": hex(ho.keys.signing.to_bytes().as_slice()),
                "issued_at": NOW.0,
                "entries": entries.iter().map(|(tr, l)| json!({
                    "trace_id": hex(tr.as_bytes()),
                    "level": l,
                    "notification_hash": hex(derive::notification_hash(tr, &office_id, *l)),
                })).collect::<Vec<_>>(),
                "hash_count": expected_len,
                "payload": hex(&payload),
                "device_trace_ids": query.iter().map(|tr| hex(tr.as_bytes())).collect::<Vec<_>>(),
                "matches": matches.iter().map(|m| json!({"trace_id": hex(m.trace_id.as_bytes()), "level": m.level})).collect::<Vec<_>>(),
            }),
        );
        if first_valid.is_empty() {
            first_valid = bytes;
        }
    }
    let valid = first_valid;
    let none = json!({});

    // Verification failures.
    base(&mut t, "valid_within_clock_skew", "ok", &cert, NOW.minus_secs(300), &valid, none.clone());
    base(&mut t, "issued_in_the_future", "not_yet_valid", &cert, NOW.minus_secs(301), &valid, none.clone());
    base(&mut t, "certificate_of_other_office", "wrong_issuer", other.cert.as_bytes(), NOW, &valid, none.clone());
    let forged = NotificationList::build(&mut rng, &other.keys.signing, office_id, &[], NOW).unwrap().to_bytes();
    base(&mut t, "signed_by_other_key", "bad_signature", &cert, NOW, &forged, none.clone());
    let mut sig_tampered = valid.clone();
    *sig_tampered.last_mut().unwrap() ^= 0x01;
    base(&mut t, "signature_tampered", "bad_signature", &cert, NOW, &sig_tampered, none.clone());
    // Changing issued_at keeps the payload well-formed: only the signature fails.
    let issued_tampered = with_payload(&valid, |p| p[23] ^= 0x01);
    base(&mut t, "issued_at_tampered", "bad_signature", &cert, NOW, &issued_tampered, none.clone());
    let short_cert = HealthOfficeCertificate::issue(
        &anchor,
        office_id,
        "Gesundheitsamt Vektor",
        &ho.keys.signing.public_key(),
        &ho.keys.encryption.public_key(),
        Validity { not_before: NOW.minus_secs(30 * 86_400), not_after: NOW.minus_secs(3_600) },
    )
    .unwrap();
    base(&mut t, "certificate_expired", "expired", short_cert.as_bytes(), NOW, &valid, none.clone());

    // Decode failures. Payload: 0x84 0x01 0x50 health_office_id(16) 0x1a issued_at(4) 0x98 0x40
    // then 64 × (0x50 hash(16)), the first hash at offset 26.
    let (protected, payload, sig) = split_cose(&valid);
    assert_eq!(&payload[..3], &[0x84, 0x01, 0x50]);
    assert_eq!(&payload[24..27], &[0x98, 0x40, 0x50]);
    let hash = |i: usize| 26 + 17 * i + 1;
    let mut cases: Vec<(String, &str, Vec<u8>)> = vec![
        (
            "hashes_unsorted".into(),
            "invalid_field",
            with_payload(&valid, |p| {
                let (a, b) = (p[hash(0)..hash(0) + 16].to_vec(), p[hash(1)..hash(1) + 16].to_vec());
                p[hash(0)..hash(0) + 16].copy_from_slice(&b);
                p[hash(1)..hash(1) + 16].copy_from_slice(&a);
            }),
        ),
        (
            "hashes_duplicate".into(),
            "invalid_field",
            with_payload(&valid, |p| {
                let a = p[hash(0)..hash(0) + 16].to_vec();
                p[hash(1)..hash(1) + 16].copy_from_slice(&a);
            }),
        ),
        (
            "hashes_63_not_padded".into(),
            "invalid_field",
            with_payload(&valid, |p| {
                p[25] = 0x3f;
                p.drain(26..26 + 17);
            }),
        ),
        (
            "hash_of_15_bytes".into(),
            "wrong_length",
            with_payload(&valid, |p| {
                p[26] = 0x4f;
                p.remove(27);
            }),
        ),
        ("payload_wrong_version".into(), "unsupported_version", with_payload(&valid, |p| p[1] = 0x02)),
        (
            "payload_wrong_arity".into(),
            "wrong_arity",
            with_payload(&valid, |p| {
                p.truncate(24);
                p[0] = 0x83;
            }),
        ),
        ("payload_trailing_byte".into(), "trailing_bytes", with_payload(&valid, |p| p.push(0))),
    ];
    for (name, b) in common::truncations_and_trailing(&valid) {
        let expect = if name == "trailing_byte" { "trailing_bytes" } else { "truncated" };
        cases.push((name, expect, b));
    }
    let ct_pos = protected.windows(12).position(|w| w == b"notification").unwrap();
    let mut wrong_ct = protected.clone();
    wrong_ct[ct_pos] = b'N';
    cases.push(("wrong_content_type".into(), "wrong_content_type", join_cose(&wrong_ct, &payload, &sig)));
    for (name, expect, b) in cases {
        base(&mut t, &name, expect, &cert, NOW, &b, none.clone());
    }

    // Oversize: the cap is checked before parsing.
    let len = NotificationList::MAX_LEN + 1;
    let err = NotificationListIn::from_slice(&vec![0u8; len]).unwrap_err();
    assert_eq!(err.kind(), "too_long");
    t.case(
        "too_long",
        err.kind(),
        json!({
            "trust_anchor_public_key": hex(anchor_pub.to_bytes()),
            "health_office_certificate": hex(&cert),
            "now": NOW.0,
            "notification_list_length": len,
        }),
    );
    // Appended (issue 13): `health_office_id` and `hashes` of the wrong shape (§8.9 decoding steps 2 and 3).
    for (name, expect, b) in [
        (
            "health_office_id_15_bytes",
            "wrong_length",
            with_payload(&valid, |p| {
                p[2] = 0x4f;
                p.remove(3);
            }),
        ),
        (
            "hashes_not_an_array",
            "unexpected_type",
            with_payload(&valid, |p| {
                p.truncate(24);
                p.push(0x40);
            }),
        ),
    ] {
        base(&mut t, name, expect, &cert, NOW, &b, none.clone());
    }
    t
}
