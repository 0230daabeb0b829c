//! Test vectors: the static badge QR and the dispatch of scanned QR texts
//! (spec: docs/PROTOCOL.md §5.2).
//!
//! `expect` is the outcome of: decoding (`qr_text` with the Base32 decoder, or
//! `qr_bytes` if there is no text), then verifying the attestation with
//! `registrar_certificate` (itself verified with `trust_anchor_public_key`) at `now`, then opening it
//! with `badge_private_key`. Every such case carries the anchor, so that the runner
//! (`luca-conformance`) can check it from the file alone.
//! Cases with `"decoder": "scanned_qr"` decode `qr_text` with the scanner's
//! dispatch (first byte 0x01 guest, 0x11 badge).

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::arithmetic_side_effects,
    clippy::cast_possible_truncation,
    clippy::panic
)]

use luca_protocol::derive;
use luca_protocol::ids::{BadgeKeyId, RegistrarId};
use luca_protocol::keys::{BadgePrivateKey, RegistrarKey, TrustAnchorKey};
use luca_protocol::qr::badge::BadgeQr;
use luca_protocol::qr::scanned::ScannedQr;
use luca_protocol::secrets::BadgeSeed;
use luca_protocol::signed::badge_attestation::BadgeAttestation;
use luca_protocol::signed::registrar_certificate::{RegistrarCertificate, RegistrarCertificateIn};
use luca_protocol::time::{UnixTime, Validity};
use rand_chacha::ChaCha20Rng;
use serde_json::{Value, json};

use crate::common::{self, NOW, Topic, hex};

fn b32(bytes: &[u8]) -> String {
    luca_protocol::qr::base32::encode(bytes)
}

struct Registrar {
    anchor_pk: Vec<u8>,
    key: RegistrarKey,
    id: RegistrarId,
    cert: RegistrarCertificate,
}

fn registrar(rng: &mut ChaCha20Rng, name: &str) -> Registrar {
    let anchor = TrustAnchorKey::generate(rng);
    let key = RegistrarKey::generate(rng);
    let id = RegistrarId::random(rng);
    let validity = Validity { not_before: NOW.minus_secs(30 * 86_400), not_after: NOW.plus_secs(365 * 86_400) };
    let cert = RegistrarCertificate::issue(&anchor, id, name, &key.public_key(), validity).unwrap();
    let cert = RegistrarCertificateIn::from_slice(cert.as_bytes()).unwrap().verify(&anchor.public_key(), NOW).unwrap();
    Registrar { anchor_pk: anchor.public_key().to_bytes().to_vec(), key, id, cert }
}

fn outcome_badge(
    qr: Result<BadgeQr, luca_protocol::error::DecodeError>,
    reg: &RegistrarCertificate,
    sk: &BadgePrivateKey,
) -> String {
    let qr = match qr {
        Ok(q) => q,
        Err(e) => return e.kind().to_string(),
    };
    let att = match qr.into_attestation().verify(reg, NOW) {
        Ok(a) => a,
        Err(e) => return e.kind().to_string(),
    };
    match att.open(sk) {
        Ok(_) => "ok".to_string(),
        Err(e) => e.kind().to_string(),
    }
}

pub fn generate() -> Topic {
    let mut rng = common::rng("badge_qr");
    let mut t = Topic::new(
        "badge_qr",
        "Badge QR (docs/PROTOCOL.md §5.2): 0x11 ‖ badge attestation (COSE_Sign1), Base32 text; and \
         the scanner's dispatch of a QR text on its first byte. `expect`: decode `qr_text` (else `qr_bytes`), \
         verify the attestation with `registrar_certificate` at `now`, open with `badge_private_key`.",
    );
    let reg = registrar(&mut rng, "luca venue registrar");
    let badge_sk = BadgePrivateKey::generate(&mut rng);
    let badge_key_id = BadgeKeyId(7);

    let mut first: Option<(BadgeQr, Value)> = None;
    for (i, issued) in [NOW.minus_secs(86_400), NOW].into_iter().enumerate() {
        let seed = BadgeSeed::random(&mut rng);
        let s = derive::badge_secrets(&seed).unwrap();
        let att = BadgeAttestation::issue(&mut rng, &reg.key, reg.id, badge_key_id, &badge_sk.public_key(), &s, issued)
            .unwrap();
        let qr = BadgeQr::new(&att).unwrap();
        let text = qr.to_base32();
        assert_eq!(text, b32(qr.as_bytes()));
        assert_eq!(outcome_badge(BadgeQr::from_base32(&text), &reg.cert, &badge_sk), "ok");
        let fields = json!({
            "now": NOW.0,
            "trust_anchor_public_key": hex(&reg.anchor_pk),
            "registrar_certificate": hex(reg.cert.as_bytes()),
            "registrar_id": hex(reg.id.as_bytes()),
            "badge_private_key": hex(badge_sk.to_bytes().as_slice()),
            "badge_public_key": hex(badge_sk.public_key().to_bytes()),
            "badge_key_id": badge_key_id.0,
            "badge_seed": hex(seed.expose_secret()),
            "user_id": hex(s.user_id.as_bytes()),
            "data_secret": hex(s.data_secret.expose_secret()),
            "badge_trace_key": hex(s.trace_key.expose_secret()),
            "issued_at": issued.0,
            "attestation": hex(att.as_bytes()),
            "qr_bytes": hex(qr.as_bytes()),
            "qr_text": text,
        });
        t.case(&format!("ok_{}", i + 1), "ok", fields.clone());
        if first.is_none() {
            first = Some((qr, fields));
        }
    }
    let (base, base_fields) = first.unwrap();
    let valid = base.to_bytes();
    let common_fields = |extra: Value| {
        let mut m = serde_json::Map::new();
        for k in ["now", "trust_anchor_public_key", "registrar_certificate", "badge_private_key"] {
            m.insert(k.into(), base_fields[k].clone());
        }
        if let Value::Object(e) = extra {
            m.extend(e);
        }
        Value::Object(m)
    };

    // Byte-level negatives (text = Base32 of the bytes, which decodes to them).
    let mut bytes_cases: Vec<(&str, Vec<u8>, &str)> = Vec::new();
    bytes_cases.push(("truncated", valid[..valid.len() - 1].to_vec(), "truncated"));
    bytes_cases.push(("empty", Vec::new(), "truncated"));
    bytes_cases.push(("type_byte_only", vec![0x11], "truncated"));
    let mut tr = valid.clone();
    tr.push(0);
    bytes_cases.push(("trailing_byte", tr, "trailing_bytes"));
    let mut v = valid.clone();
    v[0] = 0x12;
    bytes_cases.push(("unsupported_version_0x12", v, "unsupported_version"));
    let mut g = valid.clone();
    g[0] = 0x01;
    bytes_cases.push(("guest_type_byte", g, "unsupported_version"));
    bytes_cases.push(("too_long", vec![0x11; 514], "too_long"));
    let mut sig = valid.clone();
    let last = sig.len() - 1;
    sig[last] ^= 0x01;
    bytes_cases.push(("tampered_signature", sig, "bad_signature"));
    let mut ct = valid.clone();
    // The content type string sits in the protected header: flip a character of it.
    let pos = valid.windows(5).position(|w| w == b"badge").unwrap();
    ct[pos] = b'B';
    bytes_cases.push(("wrong_content_type", ct, "wrong_content_type"));
    for (name, bytes, expected) in bytes_cases {
        let text = b32(&bytes);
        let got = outcome_badge(BadgeQr::from_base32(&text), &reg.cert, &badge_sk);
        assert_eq!(got, expected, "{name}");
        assert_eq!(outcome_badge(BadgeQr::from_bytes(&bytes), &reg.cert, &badge_sk), got, "{name} (bytes)");
        t.case(name, &got, common_fields(json!({ "qr_bytes": hex(&bytes), "qr_text": text })));
    }

    // Wrong registrar certificate: wrong issuer.
    {
        let other = registrar(&mut rng, "another registrar");
        let got = outcome_badge(BadgeQr::from_bytes(&valid), &other.cert, &badge_sk);
        assert_eq!(got, "wrong_issuer");
        t.case(
            "wrong_registrar",
            &got,
            json!({
                "now": NOW.0,
                "trust_anchor_public_key": hex(&other.anchor_pk),
                "registrar_certificate": hex(other.cert.as_bytes()),
                "badge_private_key": base_fields["badge_private_key"].clone(),
                "qr_bytes": hex(&valid),
                "qr_text": base.to_base32(),
            }),
        );
    }
    // Wrong badge key: decryption failed.
    {
        let other = BadgePrivateKey::generate(&mut rng);
        let got = outcome_badge(BadgeQr::from_bytes(&valid), &reg.cert, &other);
        assert_eq!(got, "decryption_failed");
        t.case(
            "wrong_badge_key",
            &got,
            json!({
                "now": NOW.0,
                "trust_anchor_public_key": base_fields["trust_anchor_public_key"].clone(),
                "registrar_certificate": base_fields["registrar_certificate"].clone(),
                "badge_private_key": hex(other.to_bytes().as_slice()),
                "qr_bytes": hex(&valid),
                "qr_text": base.to_base32(),
            }),
        );
    }
    // Attestation issued in the future: not yet valid.
    {
        let seed = BadgeSeed::random(&mut rng);
        let s = derive::badge_secrets(&seed).unwrap();
        let future = UnixTime(NOW.0 + 3600);
        let att = BadgeAttestation::issue(&mut rng, &reg.key, reg.id, badge_key_id, &badge_sk.public_key(), &s, future)
            .unwrap();
        let qr = BadgeQr::new(&att).unwrap();
        let got = outcome_badge(BadgeQr::from_bytes(qr.as_bytes()), &reg.cert, &badge_sk);
        assert_eq!(got, "not_yet_valid");
        t.case(
            "issued_in_the_future",
            &got,
            common_fields(json!({ "qr_bytes": hex(qr.as_bytes()), "qr_text": qr.to_base32() })),
        );
    }

    // Text-level negatives.
    let text = base.to_base32();
    for (name, s, expected) in [
        ("base32_lowercase", text.to_lowercase(), "invalid_base32"),
        ("base32_padding", format!("{text}="), "invalid_base32"),
        ("text_too_long", "A".repeat(822), "too_long"),
    ] {
        let got = outcome_badge(BadgeQr::from_base32(&s), &reg.cert, &badge_sk);
        assert_eq!(got, expected, "{name}");
        t.case(name, &got, common_fields(json!({ "qr_text": s })));
    }

    // Scanner dispatch.
    let scanned = |s: &str| match ScannedQr::from_text(s) {
        Ok(ScannedQr::Guest(_)) => "ok_guest".to_string(),
        Ok(ScannedQr::Badge(_)) => "ok_badge".to_string(),
        Err(e) => e.kind().to_string(),
    };
    assert_eq!(scanned(&text), "ok_badge");
    t.case("scanned_badge", "ok", json!({ "decoder": "scanned_qr", "qr_text": text, "dispatched_to": "badge" }));
    for (name, s, expected) in [
        ("scanned_unknown_type_0x21", b32(&[0x21; 109]), "unsupported_version"),
        ("scanned_guest_v2_type_0x02", b32(&[0x02; 109]), "unsupported_version"),
        ("scanned_empty", String::new(), "truncated"),
        ("scanned_too_long", "A".repeat(822), "too_long"),
        ("scanned_lowercase", text.to_lowercase(), "invalid_base32"),
        ("scanned_guest_prefix_wrong_length", b32(&[0x01; 50]), "wrong_length"),
    ] {
        let got = scanned(&s);
        assert_eq!(got, expected, "{name}");
        t.case(name, &got, json!({ "decoder": "scanned_qr", "qr_text": s }));
    }
    t
}
