//! Test vectors: health-office and registrar certificates (spec: docs/PROTOCOL.md §7.1).
//!
//! Every case is self-contained: `object` names the decoder
//! (`health_office_certificate` or `registrar_certificate`), `certificate` the
//! bytes, `anchor_public_key` and `now` the verification inputs, `expect` the
//! outcome of "decode, then verify against the anchor at `now`". Positive cases
//! also carry the trust anchor's private key, the decoded fields, the payload
//! and the `Sig_structure` (the certificate is reproducible byte for byte:
//! signatures use RFC 6979 nonces).
//!
//! Negative cases are built with an independent COSE_Sign1 encoder (this file,
//! on `ciborium` and `p256` directly), which the positive cases cross-check
//! against the library. The other signed-object generators reuse it.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::arithmetic_side_effects,
    clippy::panic
)]

use ciborium::Value;
use luca_protocol::ids::{HealthOfficeId, RegistrarId};
use luca_protocol::keys::{HealthOfficeMasterKeys, RegistrarKey, SignaturePublicKey, TrustAnchorKey};
use luca_protocol::signed::health_office_certificate::{HealthOfficeCertificate, HealthOfficeCertificateIn};
use luca_protocol::signed::registrar_certificate::{RegistrarCertificate, RegistrarCertificateIn};
use luca_protocol::time::{SECONDS_PER_DAY, UnixTime, Validity};
use p256::ecdsa::signature::Signer as _;
use serde_json::json;

use crate::common::{self, Topic, hex};

// ------------------------------------------------------------- independent COSE

/// Deterministic CBOR of `v` (ciborium writes shortest forms, definite lengths).
pub(crate) fn cbor(v: &Value) -> Vec<u8> {
    let mut out = Vec::new();
    ciborium::ser::into_writer(v, &mut out).unwrap();
    out
}

/// CBOR unsigned integer.
pub(crate) fn u(v: u64) -> Value {
    Value::Integer(v.into())
}

/// CBOR byte string.
pub(crate) fn b(v: &[u8]) -> Value {
    Value::Bytes(v.to_vec())
}

/// CBOR text string.
pub(crate) fn t(v: &str) -> Value {
    Value::Text(v.to_owned())
}

/// A CBOR array message.
pub(crate) fn msg(items: Vec<Value>) -> Vec<u8> {
    cbor(&Value::Array(items))
}

/// The protected header `{1: alg, 3: content_type}`.
pub(crate) fn protected_with(alg: i64, content_type: &str) -> Vec<u8> {
    cbor(&Value::Map(vec![(Value::Integer(1.into()), Value::Integer(alg.into())), (u(3), t(content_type))]))
}

/// `Sig_structure = ["Signature1", protected, h'', payload]`.
pub(crate) fn sig_structure(protected: &[u8], payload: &[u8]) -> Vec<u8> {
    msg(vec![t("Signature1"), b(protected), b(&[]), b(payload)])
}

/// ECDSA P-256 / SHA-256 (RFC 6979), `r ‖ s`.
pub(crate) fn ecdsa(scalar: &[u8], m: &[u8]) -> Vec<u8> {
    let sk = p256::ecdsa::SigningKey::from_slice(scalar).unwrap();
    let sig: p256::ecdsa::Signature = sk.sign(m);
    sig.to_bytes().to_vec()
}

/// A COSE_Sign1 with the given protected bytes and unprotected map.
pub(crate) fn sign1_raw(protected: &[u8], unprotected: Vec<(Value, Value)>, payload: &[u8], scalar: &[u8]) -> Vec<u8> {
    let sig = ecdsa(scalar, &sig_structure(protected, payload));
    cbor(&Value::Array(vec![b(protected), Value::Map(unprotected), b(payload), b(&sig)]))
}

/// A well-formed luca COSE_Sign1 (ES256, `content_type`, empty unprotected header).
pub(crate) fn sign1(content_type: &str, payload: &[u8], scalar: &[u8]) -> Vec<u8> {
    sign1_raw(&protected_with(-7, content_type), Vec::new(), payload, scalar)
}

/// The same object with the unprotected header `{4: h'00'}` (kid); the signature still verifies.
pub(crate) fn with_unprotected(content_type: &str, payload: &[u8], scalar: &[u8]) -> Vec<u8> {
    sign1_raw(&protected_with(-7, content_type), vec![(u(4), b(&[0]))], payload, scalar)
}

/// The object's bytes with the last signature byte flipped.
pub(crate) fn flip_last(bytes: &[u8]) -> Vec<u8> {
    let mut v = bytes.to_vec();
    *v.last_mut().unwrap() ^= 0x01;
    v
}

/// Replaces the first occurrence of `from` by `to` (same length).
pub(crate) fn replace(bytes: &[u8], from: &[u8], to: &[u8]) -> Vec<u8> {
    assert_eq!(from.len(), to.len());
    let pos = bytes.windows(from.len()).position(|w| w == from).expect("pattern present");
    let mut v = bytes.to_vec();
    v[pos..pos + from.len()].copy_from_slice(to);
    v
}

/// Encodes a message whose version integer is written non-canonically (`0x18 0x01`).
pub(crate) fn non_canonical_version(payload: &[u8]) -> Vec<u8> {
    assert_eq!(payload[1], 0x01);
    let mut v = vec![payload[0], 0x18, 0x01];
    v.extend_from_slice(&payload[2..]);
    v
}

/// Truncated, empty, trailing byte, and padded beyond `max_len`: (name, bytes, expected kind).
pub(crate) fn framing_cases(valid: &[u8], max_len: usize) -> Vec<(String, Vec<u8>, &'static str)> {
    let mut out = Vec::new();
    for (name, bytes) in common::truncations_and_trailing(valid) {
        let expect = if name == "trailing_byte" { "trailing_bytes" } else { "truncated" };
        out.push((name, bytes, expect));
    }
    let mut big = valid.to_vec();
    big.resize(max_len + 1, 0);
    out.push(("oversize".to_string(), big, "too_long"));
    out
}

/// Time constants of the signed-object vectors.
pub(crate) const DAY: u64 = SECONDS_PER_DAY;
/// 2026-01-01T00:00:00Z.
pub(crate) const Y2026: u64 = 1_767_225_600;
/// 2028-01-01T00:00:00Z.
pub(crate) const Y2028: u64 = 1_830_297_600;

// -------------------------------------------------------------------- topic

fn run_ho(bytes: &[u8], anchor: &SignaturePublicKey, now: UnixTime) -> String {
    match HealthOfficeCertificateIn::from_slice(bytes) {
        Err(e) => e.kind().to_string(),
        Ok(c) => match c.verify(anchor, now) {
            Ok(_) => "ok".to_string(),
            Err(e) => e.kind().to_string(),
        },
    }
}

fn run_reg(bytes: &[u8], anchor: &SignaturePublicKey, now: UnixTime) -> String {
    match RegistrarCertificateIn::from_slice(bytes) {
        Err(e) => e.kind().to_string(),
        Ok(c) => match c.verify(anchor, now) {
            Ok(_) => "ok".to_string(),
            Err(e) => e.kind().to_string(),
        },
    }
}

const HO_CT: &str = "application/luca.v1.health-office-certificate";
const REG_CT: &str = "application/luca.v1.registrar-certificate";

struct Ctx {
    anchor_pub: SignaturePublicKey,
}

impl Ctx {
    fn negative(&self, t: &mut Topic, object: &str, name: &str, expect: &str, bytes: &[u8], now: UnixTime) {
        let got = if object == "health_office_certificate" {
            run_ho(bytes, &self.anchor_pub, now)
        } else {
            run_reg(bytes, &self.anchor_pub, now)
        };
        assert_ne!(got, "ok", "{name} must fail");
        assert_eq!(got, expect, "{name}");
        t.case(
            name,
            &got,
            json!({
                "object": object,
                "anchor_public_key": hex(self.anchor_pub.to_bytes()),
                "now": now.0,
                "certificate": hex(bytes),
            }),
        );
    }
}

#[allow(clippy::too_many_lines, clippy::type_complexity)]
pub fn generate() -> Topic {
    let mut rng = common::rng("certificates");
    let mut topic = Topic::new(
        "certificates",
        "Health-office and registrar certificates (docs/PROTOCOL.md §7.1): COSE_Sign1/ES256 by the \
         trust anchor over [1, health_office_id, name, signing_key, encryption_key, not_before, not_after] \
         (content type application/luca.v1.health-office-certificate) or [1, registrar_id, name, signing_key, \
         not_before, not_after] (application/luca.v1.registrar-certificate). Decode `certificate` as `object`, \
         then verify its signature under anchor_public_key and its validity at `now`; `expect` is \"ok\" or \
         the first error kind.",
    );
    let anchor = TrustAnchorKey::generate(&mut rng);
    let anchor_priv = anchor.to_bytes();
    let anchor_pub = anchor.public_key();
    let ho = HealthOfficeMasterKeys::generate(&mut rng);
    let ho_id = HealthOfficeId::random(&mut rng);
    let reg = RegistrarKey::generate(&mut rng);
    let reg_id = RegistrarId::random(&mut rng);
    let other = TrustAnchorKey::generate(&mut rng);
    let ctx = Ctx { anchor_pub };
    let now = common::NOW;
    let validity = Validity { not_before: UnixTime(Y2026), not_after: UnixTime(Y2028) };
    let ho_name = "Gesundheitsamt Köln";
    let reg_name = "luca Venue Registrar";

    let ho_payload = |version: u64, name: &str, nb: u64, na: u64| {
        msg(vec![
            u(version),
            b(ho_id.as_bytes()),
            t(name),
            b(&ho.signing.public_key().to_bytes()),
            b(&ho.encryption.public_key().to_bytes()),
            u(nb),
            u(na),
        ])
    };
    let reg_payload = |version: u64, name: &str, nb: u64, na: u64| {
        msg(vec![u(version), b(reg_id.as_bytes()), t(name), b(&reg.public_key().to_bytes()), u(nb), u(na)])
    };

    // ---------------------------------------------------------------- positive
    let ho_cert = HealthOfficeCertificate::issue(
        &anchor,
        ho_id,
        ho_name,
        &ho.signing.public_key(),
        &ho.encryption.public_key(),
        validity,
    )
    .unwrap();
    let ho_bytes = ho_cert.to_bytes();
    let p = ho_payload(1, ho_name, Y2026, Y2028);
    assert_eq!(ho_bytes, sign1(HO_CT, &p, anchor_priv.as_slice()), "independent COSE encoder agrees");
    assert_eq!(run_ho(&ho_bytes, &anchor_pub, now), "ok");
    let prot = protected_with(-7, HO_CT);
    topic.case(
        "health_office_certificate",
        "ok",
        json!({
            "object": "health_office_certificate",
            "anchor_private_key": hex(anchor_priv.as_slice()),
            "anchor_public_key": hex(anchor_pub.to_bytes()),
            "now": now.0,
            "health_office_id": hex(ho_id.as_bytes()),
            "subject_name": ho_name,
            "signing_key": hex(ho.signing.public_key().to_bytes()),
            "encryption_key": hex(ho.encryption.public_key().to_bytes()),
            "not_before": Y2026,
            "not_after": Y2028,
            "payload": hex(&p),
            "protected": hex(&prot),
            "sig_structure": hex(sig_structure(&prot, &p)),
            "certificate": hex(&ho_bytes),
        }),
    );

    let reg_cert = RegistrarCertificate::issue(&anchor, reg_id, reg_name, &reg.public_key(), validity).unwrap();
    let reg_bytes = reg_cert.to_bytes();
    let p = reg_payload(1, reg_name, Y2026, Y2028);
    assert_eq!(reg_bytes, sign1(REG_CT, &p, anchor_priv.as_slice()), "independent COSE encoder agrees");
    assert_eq!(run_reg(&reg_bytes, &anchor_pub, now), "ok");
    let prot = protected_with(-7, REG_CT);
    topic.case(
        "registrar_certificate",
        "ok",
        json!({
            "object": "registrar_certificate",
            "anchor_private_key": hex(anchor_priv.as_slice()),
            "anchor_public_key": hex(anchor_pub.to_bytes()),
            "now": now.0,
            "registrar_id": hex(reg_id.as_bytes()),
            "subject_name": reg_name,
            "signing_key": hex(reg.public_key().to_bytes()),
            "not_before": Y2026,
            "not_after": Y2028,
            "payload": hex(&p),
            "protected": hex(&prot),
            "sig_structure": hex(sig_structure(&prot, &p)),
            "certificate": hex(&reg_bytes),
        }),
    );

    // Validity boundaries: valid from not_before (inclusive) to not_after (exclusive).
    for (object, bytes) in [("health_office_certificate", &ho_bytes), ("registrar_certificate", &reg_bytes)] {
        let short = if object == "health_office_certificate" { "ho" } else { "registrar" };
        let at_nb = UnixTime(Y2026);
        let got = if short == "ho" { run_ho(bytes, &anchor_pub, at_nb) } else { run_reg(bytes, &anchor_pub, at_nb) };
        assert_eq!(got, "ok");
        topic.case(
            &format!("{short}_ok_at_not_before"),
            "ok",
            json!({
                "object": object,
                "anchor_public_key": hex(anchor_pub.to_bytes()),
                "now": at_nb.0,
                "certificate": hex(bytes),
            }),
        );
        ctx.negative(&mut topic, object, &format!("{short}_expired_at_not_after"), "expired", bytes, UnixTime(Y2028));
        ctx.negative(
            &mut topic,
            object,
            &format!("{short}_not_yet_valid"),
            "not_yet_valid",
            bytes,
            UnixTime(Y2026 - 1),
        );
    }

    // ---------------------------------------------------------------- negative
    let a = anchor_priv.as_slice();
    let o = other.to_bytes();
    let o = o.as_slice();
    type Payload<'a> = &'a dyn Fn(u64, &str, u64, u64) -> Vec<u8>;
    let objects: [(&str, &str, &str, &str, Payload<'_>, &[u8]); 2] = [
        ("health_office_certificate", "ho", HO_CT, ho_name, &ho_payload, &ho_bytes),
        ("registrar_certificate", "registrar", REG_CT, reg_name, &reg_payload, &reg_bytes),
    ];
    for (object, short, ct, name, payload, valid) in objects {
        let other_ct = if ct == HO_CT { REG_CT } else { HO_CT };
        let good = payload(1, name, Y2026, Y2028);
        let cases: Vec<(String, &str, Vec<u8>)> = vec![
            ("tampered_signature".into(), "bad_signature", flip_last(valid)),
            (
                "tampered_name".into(),
                "bad_signature",
                replace(valid, name.as_bytes(), &{
                    let mut n = name.as_bytes().to_vec();
                    n[0] ^= 0x20;
                    n
                }),
            ),
            ("signed_by_wrong_key".into(), "bad_signature", sign1(ct, &good, o)),
            ("expired".into(), "expired", sign1(ct, &payload(1, name, Y2026, now.0 - DAY), a)),
            ("not_yet_valid".into(), "not_yet_valid", sign1(ct, &payload(1, name, now.0 + DAY, Y2028), a)),
            ("not_before_after_not_after".into(), "invalid_validity", sign1(ct, &payload(1, name, Y2028, Y2026), a)),
            ("not_before_equals_not_after".into(), "invalid_validity", sign1(ct, &payload(1, name, now.0, now.0), a)),
            ("wrong_version".into(), "unsupported_version", sign1(ct, &payload(2, name, Y2026, Y2028), a)),
            ("non_canonical_payload".into(), "non_canonical", sign1(ct, &non_canonical_version(&good), a)),
            ("wrong_content_type".into(), "wrong_content_type", sign1(other_ct, &good, a)),
            (
                "unsupported_algorithm".into(),
                "unsupported_algorithm",
                sign1_raw(&protected_with(-35, ct), Vec::new(), &good, a),
            ),
            ("unprotected_header_present".into(), "unexpected_header", with_unprotected(ct, &good, a)),
            ("name_with_control_char".into(), "invalid_field", sign1(ct, &payload(1, "Amt\u{7}Köln", Y2026, Y2028), a)),
            ("name_with_c1_control_char".into(), "invalid_field", sign1(ct, &payload(1, "Amt\u{85}", Y2026, Y2028), a)),
            ("name_empty".into(), "invalid_field", sign1(ct, &payload(1, "", Y2026, Y2028), a)),
            ("name_129_bytes".into(), "invalid_field", sign1(ct, &payload(1, &"x".repeat(129), Y2026, Y2028), a)),
        ];
        for (case, expect, bytes) in cases {
            ctx.negative(&mut topic, object, &format!("{short}_{case}"), expect, &bytes, now);
        }
        for (case, bytes, expect) in framing_cases(valid, 1024) {
            ctx.negative(&mut topic, object, &format!("{short}_{case}"), expect, &bytes, now);
        }
        // The 128-byte name limit itself is accepted.
        let max_name = "x".repeat(128);
        let bytes = sign1(ct, &payload(1, &max_name, Y2026, Y2028), a);
        let got = if short == "ho" { run_ho(&bytes, &anchor_pub, now) } else { run_reg(&bytes, &anchor_pub, now) };
        assert_eq!(got, "ok");
        topic.case(
            &format!("{short}_name_128_bytes"),
            "ok",
            json!({
                "object": object,
                "anchor_public_key": hex(anchor_pub.to_bytes()),
                "now": now.0,
                "certificate": hex(&bytes),
            }),
        );
    }

    // Field-level decode failures (health-office certificate).
    let hb = |items: Vec<Value>| sign1(HO_CT, &msg(items), a);
    let sk = ho.signing.public_key().to_bytes();
    let ek = ho.encryption.public_key().to_bytes();
    let mut bad_point = ek;
    bad_point[64] ^= 0x01;
    let field_cases: Vec<(&str, &str, Vec<u8>)> = vec![
        ("ho_wrong_arity", "wrong_arity", hb(vec![u(1), b(ho_id.as_bytes()), t("HO"), b(&sk), b(&ek), u(Y2026)])),
        (
            "ho_id_15_bytes",
            "wrong_length",
            hb(vec![u(1), b(&ho_id.as_bytes()[..15]), t("HO"), b(&sk), b(&ek), u(Y2026), u(Y2028)]),
        ),
        (
            "ho_signing_key_compressed",
            "wrong_length",
            hb(vec![u(1), b(ho_id.as_bytes()), t("HO"), b(&sk[..33]), b(&ek), u(Y2026), u(Y2028)]),
        ),
        (
            "ho_encryption_key_not_on_curve",
            "invalid_point",
            hb(vec![u(1), b(ho_id.as_bytes()), t("HO"), b(&sk), b(&bad_point), u(Y2026), u(Y2028)]),
        ),
        (
            "ho_name_as_bytes",
            "unexpected_type",
            hb(vec![u(1), b(ho_id.as_bytes()), b(b"HO"), b(&sk), b(&ek), u(Y2026), u(Y2028)]),
        ),
        (
            "ho_not_before_null",
            "unexpected_type",
            hb(vec![u(1), b(ho_id.as_bytes()), t("HO"), b(&sk), b(&ek), Value::Null, u(Y2028)]),
        ),
    ];
    for (name, expect, bytes) in field_cases {
        ctx.negative(&mut topic, "health_office_certificate", name, expect, &bytes, now);
    }

    // A registrar certificate handed to the health-office decoder and vice versa.
    ctx.negative(
        &mut topic,
        "health_office_certificate",
        "registrar_certificate_as_ho",
        "wrong_content_type",
        &reg_bytes,
        now,
    );
    ctx.negative(
        &mut topic,
        "registrar_certificate",
        "ho_certificate_as_registrar",
        "wrong_content_type",
        &ho_bytes,
        now,
    );

    // Appended (issue 13): the envelope rules of §2.2 one by one, and which error wins when several apply;
    // the nesting limit 2 of §7.1 payloads. Every object carries a valid signature of the anchor over its
    // payload, so only the envelope rule under test fails.
    let gp = msg(vec![u(1), b(ho_id.as_bytes()), t("Hx"), b(&sk), b(&ek), u(Y2026), u(Y2028)]);
    let prot = protected_with(-7, HO_CT);
    let sig = ecdsa(a, &sig_structure(&prot, &gp));
    let env = |items: Vec<Value>| cbor(&Value::Array(items));
    let with_prot = |p: &[u8]| env(vec![b(p), Value::Map(vec![]), b(&gp), b(&ecdsa(a, &sig_structure(p, &gp)))]);
    let ct_item = |c: &str| cbor(&t(c));
    let raw_prot = |parts: &[&[u8]]| parts.concat();
    let kid = vec![(u(4), b(&[0]))];
    let field_payload = |id: Value| msg(vec![u(1), id, t("HO"), b(&sk), b(&ek), u(Y2026), u(Y2028)]);
    let mut bad_utf8 = gp.clone();
    assert_eq!(&bad_utf8[19..22], &[0x62, b'H', b'x']);
    bad_utf8[21] = 0xff;
    let envelope_cases: Vec<(&str, &str, Vec<u8>)> = vec![
        (
            "ho_envelope_tagged",
            "non_canonical",
            cbor(&Value::Tag(18, Box::new(Value::Array(vec![b(&prot), Value::Map(vec![]), b(&gp), b(&sig)])))),
        ),
        (
            "ho_envelope_not_array",
            "unexpected_type",
            cbor(&b(&env(vec![b(&prot), Value::Map(vec![]), b(&gp), b(&sig)]))),
        ),
        ("ho_envelope_three_items", "wrong_arity", env(vec![b(&prot), Value::Map(vec![]), b(&gp)])),
        ("ho_envelope_empty_array", "wrong_arity", vec![0x80]),
        (
            "ho_protected_as_map",
            "malformed_cbor",
            env(vec![
                Value::Map(vec![(u(1), Value::Integer((-7).into())), (u(3), t(HO_CT))]),
                Value::Map(vec![]),
                b(&gp),
                b(&sig),
            ]),
        ),
        ("ho_protected_not_a_map", "malformed_cbor", with_prot(&[0x01])),
        (
            "ho_protected_duplicate_key",
            "malformed_cbor",
            with_prot(&raw_prot(&[&[0xa3, 0x01, 0x26, 0x01, 0x26, 0x03], &ct_item(HO_CT)])),
        ),
        ("ho_unprotected_not_a_map", "malformed_cbor", env(vec![b(&prot), b(&[]), b(&gp), b(&sig)])),
        ("ho_payload_not_bstr", "malformed_cbor", env(vec![b(&prot), Value::Map(vec![]), u(5), b(&sig)])),
        ("ho_signature_not_bstr", "malformed_cbor", env(vec![b(&prot), Value::Map(vec![]), b(&gp), t("sig")])),
        (
            "ho_protected_extra_parameter",
            "unexpected_header",
            with_prot(&raw_prot(&[&[0xa3, 0x01, 0x26, 0x03], &ct_item(HO_CT), &[0x04, 0x41, 0x00]])),
        ),
        (
            "ho_protected_crit_parameter",
            "unexpected_header",
            with_prot(&raw_prot(&[&[0xa3, 0x01, 0x26, 0x02, 0x81, 0x04, 0x03], &ct_item(HO_CT)])),
        ),
        (
            "ho_protected_keys_reversed",
            "unexpected_header",
            with_prot(&raw_prot(&[&[0xa2, 0x03], &ct_item(HO_CT), &[0x01, 0x26]])),
        ),
        (
            "ho_protected_non_shortest_alg",
            "unexpected_header",
            with_prot(&raw_prot(&[&[0xa2, 0x01, 0x38, 0x06, 0x03], &ct_item(HO_CT)])),
        ),
        ("ho_protected_without_content_type", "unexpected_header", with_prot(&[0xa1, 0x01, 0x26])),
        ("ho_protected_content_type_not_text", "unexpected_header", with_prot(&[0xa2, 0x01, 0x26, 0x03, 0x18, 0x32])),
        ("ho_protected_empty", "unsupported_algorithm", with_prot(&[])),
        ("ho_protected_es384_and_other_content_type", "unsupported_algorithm", with_prot(&protected_with(-35, REG_CT))),
        (
            "ho_protected_extra_parameter_and_other_content_type",
            "wrong_content_type",
            with_prot(&raw_prot(&[&[0xa3, 0x01, 0x26, 0x03], &ct_item(REG_CT), &[0x04, 0x41, 0x00]])),
        ),
        (
            "ho_unprotected_present_and_other_content_type",
            "wrong_content_type",
            sign1_raw(&protected_with(-7, REG_CT), kid.clone(), &gp, a),
        ),
        ("ho_payload_detached", "invalid_field", env(vec![b(&prot), Value::Map(vec![]), Value::Null, b(&sig)])),
        (
            "ho_payload_detached_and_unprotected_present",
            "unexpected_header",
            env(vec![b(&prot), Value::Map(kid.clone()), Value::Null, b(&sig)]),
        ),
        ("ho_signature_63_bytes", "wrong_length", env(vec![b(&prot), Value::Map(vec![]), b(&gp), b(&sig[..63])])),
        (
            "ho_payload_detached_and_signature_63_bytes",
            "invalid_field",
            env(vec![b(&prot), Value::Map(vec![]), Value::Null, b(&sig[..63])]),
        ),
        ("ho_payload_array_as_field", "unexpected_type", sign1(HO_CT, &field_payload(Value::Array(vec![])), a)),
        ("ho_payload_map_as_field", "unexpected_type", sign1(HO_CT, &field_payload(Value::Map(vec![])), a)),
        (
            "ho_payload_depth_3",
            "nesting_too_deep",
            sign1(HO_CT, &field_payload(Value::Array(vec![Value::Array(vec![])])), a),
        ),
        ("ho_name_invalid_utf8", "malformed_cbor", sign1(HO_CT, &bad_utf8, a)),
    ];
    assert_eq!(run_ho(&with_prot(&prot), &anchor_pub, now), "ok", "the envelope builder itself");
    for (name, expect, bytes) in envelope_cases {
        ctx.negative(&mut topic, "health_office_certificate", name, expect, &bytes, now);
    }
    topic
}
