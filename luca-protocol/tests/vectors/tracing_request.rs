//! Test vectors: tracing requests (spec: docs/PROTOCOL.md §8.6).
//!
//! Every case: verify `health_office_certificate` under
//! `trust_anchor_public_key` at `now`, parse `tracing_request`, verify it
//! against the certificate for venue `venue_id` at `now`; `expect` is `ok` or
//! the kind of the first error. Positive cases carry the payload fields, the
//! health office's signing key (ECDSA with RFC 6979 nonces: the signature is
//! reproducible) and the `request_hash`.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::arithmetic_side_effects,
    clippy::panic,
    clippy::cast_possible_truncation
)]

use luca_protocol::ids::{HealthOfficeId, RequestId, VenueId};
use luca_protocol::keys::{HealthOfficeMasterKeys, HealthOfficeSigningKey, SignaturePublicKey, TrustAnchorKey};
use luca_protocol::messages::tracing_request::{TracingRequest, TracingRequestIn, TracingWindow};
use luca_protocol::signed::health_office_certificate::{HealthOfficeCertificate, HealthOfficeCertificateIn};
use luca_protocol::time::{UnixTime, Validity};
use serde_json::json;

use crate::common::{self, NOW, Topic, hex};

const HOUR: u64 = 3_600;
const DAY: u64 = 86_400;

// ------------------------------------------------ minimal CBOR / COSE surgery

/// Reads a CBOR head at `pos`: (major type, argument, position after the head).
pub(crate) fn read_head(b: &[u8], pos: usize) -> (u8, u64, usize) {
    let ib = b[pos];
    let major = ib >> 5;
    let info = ib & 0x1f;
    match info {
        0..=23 => (major, u64::from(info), pos + 1),
        24 => (major, u64::from(b[pos + 1]), pos + 2),
        25 => (major, u64::from(u16::from_be_bytes([b[pos + 1], b[pos + 2]])), pos + 3),
        26 => (major, u64::from(u32::from_be_bytes(b[pos + 1..pos + 5].try_into().unwrap())), pos + 5),
        27 => (major, u64::from_be_bytes(b[pos + 1..pos + 9].try_into().unwrap()), pos + 9),
        _ => panic!("unsupported CBOR head"),
    }
}

/// Position after the CBOR item at `pos` (unsigned/negative integers, byte and text strings, arrays, simple values).
pub(crate) fn skip_item(b: &[u8], pos: usize) -> usize {
    let (major, n, p) = read_head(b, pos);
    match major {
        0 | 1 | 7 => p,
        2 | 3 => p + usize::try_from(n).unwrap(),
        4 => (0..n).fold(p, |q, _| skip_item(b, q)),
        _ => panic!("unsupported CBOR item"),
    }
}

/// Writes a CBOR head in the shortest form.
pub(crate) fn head(major: u8, n: u64) -> Vec<u8> {
    let m = major << 5;
    if n < 24 {
        vec![m | n as u8]
    } else if n <= 0xff {
        vec![m | 24, n as u8]
    } else if n <= 0xffff {
        let mut v = vec![m | 25];
        v.extend_from_slice(&(n as u16).to_be_bytes());
        v
    } else if n <= 0xffff_ffff {
        let mut v = vec![m | 26];
        v.extend_from_slice(&(n as u32).to_be_bytes());
        v
    } else {
        let mut v = vec![m | 27];
        v.extend_from_slice(&n.to_be_bytes());
        v
    }
}

/// A CBOR byte string.
pub(crate) fn bstr(b: &[u8]) -> Vec<u8> {
    let mut v = head(2, b.len() as u64);
    v.extend_from_slice(b);
    v
}

/// Splits a COSE_Sign1 `[protected, {}, payload, signature]` into its three byte strings.
pub(crate) fn split_cose(b: &[u8]) -> (Vec<u8>, Vec<u8>, Vec<u8>) {
    assert_eq!(b[0], 0x84);
    let mut pos = 1;
    let mut take = |expect_major: u8| {
        let (major, n, p) = read_head(b, pos);
        assert_eq!(major, expect_major);
        let n = usize::try_from(n).unwrap();
        let out = b[p..p + n].to_vec();
        pos = p + n;
        out
    };
    let protected = take(2);
    let empty = take(5);
    assert!(empty.is_empty());
    let payload = take(2);
    let sig = take(2);
    (protected, payload, sig)
}

/// Joins the three byte strings back into a COSE_Sign1 (empty unprotected map).
pub(crate) fn join_cose(protected: &[u8], payload: &[u8], sig: &[u8]) -> Vec<u8> {
    let mut v = vec![0x84];
    v.extend(bstr(protected));
    v.push(0xa0);
    v.extend(bstr(payload));
    v.extend(bstr(sig));
    v
}

/// Replaces the payload of `cose` (keeping its now-invalid signature).
pub(crate) fn with_payload(cose: &[u8], edit: impl FnOnce(&mut Vec<u8>)) -> Vec<u8> {
    let (protected, mut payload, sig) = split_cose(cose);
    edit(&mut payload);
    join_cose(&protected, &payload, &sig)
}

// ------------------------------------------------------------------ setup

pub(crate) struct Office {
    pub(crate) anchor_public: SignaturePublicKey,
    pub(crate) keys: HealthOfficeMasterKeys,
    pub(crate) cert: HealthOfficeCertificate,
}

/// A trust anchor and one health office certified from 30 days before NOW to 365 days after.
pub(crate) fn office(rng: &mut rand_chacha::ChaCha20Rng, anchor: &TrustAnchorKey, name: &str) -> Office {
    let keys = HealthOfficeMasterKeys::generate(rng);
    let id = HealthOfficeId::random(rng);
    let validity = Validity { not_before: NOW.minus_secs(30 * DAY), not_after: NOW.plus_secs(365 * DAY) };
    let cert = HealthOfficeCertificate::issue(
        anchor,
        id,
        name,
        &keys.signing.public_key(),
        &keys.encryption.public_key(),
        validity,
    )
    .unwrap();
    Office { anchor_public: anchor.public_key(), keys, cert }
}

fn run(anchor: &SignaturePublicKey, cert: &[u8], venue: VenueId, now: UnixTime, req: &[u8]) -> String {
    let cert = match HealthOfficeCertificateIn::from_slice(cert).unwrap().verify(anchor, now) {
        Ok(c) => c,
        Err(e) => return e.kind().to_string(),
    };
    match TracingRequestIn::from_slice(req) {
        Err(e) => e.kind().to_string(),
        Ok(r) => match r.verify(&cert, venue, now) {
            Ok(v) => {
                assert_eq!(v.as_bytes(), req);
                "ok".to_string()
            }
            Err(e) => e.kind().to_string(),
        },
    }
}

pub fn generate() -> Topic {
    let mut rng = common::rng("tracing_request");
    let mut t = Topic::new(
        "tracing_request",
        "Tracing requests (docs/PROTOCOL.md §8.6): COSE_Sign1 (content type \
         application/luca.v1.tracing-request) by a health office. Verify the certificate under \
         trust_anchor_public_key at now, then the request against it for venue venue_id at now.",
    );
    let anchor = TrustAnchorKey::generate(&mut rng);
    let ho = office(&mut rng, &anchor, "Gesundheitsamt Vektor");
    let other = office(&mut rng, &anchor, "Gesundheitsamt Andere");
    let venue = VenueId::random(&mut rng);
    let request_id = RequestId::random(&mut rng);
    let window = TracingWindow { from: NOW.minus_secs(3 * DAY), to: NOW.minus_secs(DAY) };
    let issued_at = NOW;
    let expires_at = NOW.plus_secs(7 * DAY);
    let sign = |key: &HealthOfficeSigningKey, window: TracingWindow| {
        TracingRequest::sign(key, request_id, ho.cert.id(), venue, window, issued_at, expires_at).unwrap()
    };
    let req = sign(&ho.keys.signing, window);
    let valid = req.to_bytes();
    let cert = ho.cert.as_bytes().to_vec();
    let anchor_pub = ho.anchor_public;
    let (_, payload, _) = split_cose(&valid);

    let case = |t: &mut Topic, name: &str, expect: &str, cert: &[u8], venue: VenueId, now: UnixTime, bytes: &[u8]| {
        let got = run(&anchor_pub, cert, venue, now, bytes);
        assert_eq!(got, expect, "{name}");
        let mut fields = json!({
            "trust_anchor_public_key": hex(anchor_pub.to_bytes()),
            "health_office_certificate": hex(cert),
            "venue_id": hex(venue.as_bytes()),
            "now": now.0,
            "tracing_request": hex(bytes),
        });
        if expect == "ok" {
            let extra = json!({
                "health_office_signing_key": hex(ho.keys.signing.to_bytes().as_slice()),
                "request_id": hex(request_id.as_bytes()),
                "health_office_id": hex(ho.cert.id().as_bytes()),
                "from": window.from.0,
                "to": window.to.0,
                "issued_at": issued_at.0,
                "expires_at": expires_at.0,
                "payload": hex(&payload),
                "request_hash": hex(luca_protocol::derive::tracing_request_hash(bytes)),
            });
            for (k, v) in extra.as_object().unwrap() {
                fields[k] = v.clone();
            }
        }
        t.case(name, expect, fields);
    };

    assert_eq!(req.request_hash(), luca_protocol::derive::tracing_request_hash(&valid));
    case(&mut t, "valid", "ok", &cert, venue, NOW, &valid);
    case(&mut t, "valid_last_second", "ok", &cert, venue, expires_at.minus_secs(1), &valid);
    case(&mut t, "valid_within_clock_skew", "ok", &cert, venue, issued_at.minus_secs(300), &valid);

    // Verification failures.
    case(&mut t, "expired", "expired", &cert, venue, expires_at, &valid);
    case(&mut t, "not_yet_valid", "not_yet_valid", &cert, venue, issued_at.minus_secs(301), &valid);
    case(&mut t, "other_venue", "wrong_kind", &cert, VenueId::random(&mut rng), NOW, &valid);
    case(&mut t, "certificate_of_other_office", "wrong_issuer", other.cert.as_bytes(), venue, NOW, &valid);
    let forged = sign(&other.keys.signing, window).to_bytes();
    case(&mut t, "signed_by_other_key", "bad_signature", &cert, venue, NOW, &forged);
    let tampered_venue = with_payload(&valid, |p| p[52] ^= 0x01);
    case(&mut t, "payload_venue_id_tampered", "bad_signature", &cert, venue, NOW, &tampered_venue);
    let tampered_window = with_payload(&valid, |p| p[62] ^= 0x01);
    case(&mut t, "payload_to_tampered", "bad_signature", &cert, venue, NOW, &tampered_window);
    let mut sig_tampered = valid.clone();
    *sig_tampered.last_mut().unwrap() ^= 0x01;
    case(&mut t, "signature_tampered", "bad_signature", &cert, venue, NOW, &sig_tampered);
    let short_cert = HealthOfficeCertificate::issue(
        &anchor,
        ho.cert.id(),
        "Gesundheitsamt Vektor",
        &ho.keys.signing.public_key(),
        &ho.keys.encryption.public_key(),
        Validity { not_before: NOW.minus_secs(30 * DAY), not_after: NOW.minus_secs(HOUR) },
    )
    .unwrap();
    case(&mut t, "certificate_expired", "expired", short_cert.as_bytes(), venue, NOW, &valid);

    // Decode failures. Payload layout: 0x88 0x01 0x50 request_id 0x50 health_office_id 0x50 venue_id
    // 0x1a from 0x1a to 0x1a issued_at 0x1a expires_at (73 bytes).
    assert_eq!(payload.len(), 73);
    assert_eq!(&payload[..3], &[0x88, 0x01, 0x50]);
    assert_eq!(payload[53], 0x1a);
    let set_u32 = |p: &mut Vec<u8>, at: usize, v: u64| {
        p[at + 1..at + 5].copy_from_slice(&u32::try_from(v).unwrap().to_be_bytes())
    };
    let mut decode_cases: Vec<(String, &str, Vec<u8>)> = vec![
        ("payload_wrong_version".into(), "unsupported_version", with_payload(&valid, |p| p[1] = 0x02)),
        ("payload_window_empty".into(), "invalid_field", with_payload(&valid, |p| set_u32(p, 58, window.from.0))),
        (
            "payload_window_inverted".into(),
            "invalid_field",
            with_payload(&valid, |p| set_u32(p, 58, window.from.0 - 1)),
        ),
        (
            "payload_window_over_7_days".into(),
            "invalid_field",
            with_payload(&valid, |p| set_u32(p, 58, window.from.0 + 7 * DAY + 1)),
        ),
        ("payload_expires_at_issued_at".into(), "invalid_field", with_payload(&valid, |p| set_u32(p, 68, issued_at.0))),
        (
            "payload_lifetime_over_14_days".into(),
            "invalid_field",
            with_payload(&valid, |p| set_u32(p, 68, issued_at.0 + 14 * DAY + 1)),
        ),
        ("payload_trailing_byte".into(), "trailing_bytes", with_payload(&valid, |p| p.push(0x00))),
        (
            "payload_wrong_arity".into(),
            "wrong_arity",
            with_payload(&valid, |p| {
                p.truncate(68);
                p[0] = 0x87;
            }),
        ),
        (
            "payload_request_id_15_bytes".into(),
            "wrong_length",
            with_payload(&valid, |p| {
                p[2] = 0x4f;
                p.remove(3);
            }),
        ),
        ("payload_from_negative".into(), "invalid_field", with_payload(&valid, |p| p[53] = 0x3a)),
    ];
    for (name, b) in common::truncations_and_trailing(&valid) {
        let expect = if name == "trailing_byte" { "trailing_bytes" } else { "truncated" };
        decode_cases.push((name, expect, b));
    }
    let (protected, _, sig) = split_cose(&valid);
    let ct_pos = protected.windows(7).position(|w| w == b"request").unwrap();
    let mut wrong_ct = protected.clone();
    wrong_ct[ct_pos] = b'R';
    decode_cases.push(("wrong_content_type".into(), "wrong_content_type", join_cose(&wrong_ct, &payload, &sig)));
    let mut wrong_alg = protected.clone();
    assert_eq!(&wrong_alg[..3], &[0xa2, 0x01, 0x26]);
    wrong_alg[2] = 0x27;
    decode_cases.push(("wrong_algorithm".into(), "unsupported_algorithm", join_cose(&wrong_alg, &payload, &sig)));
    decode_cases.push(("too_long".into(), "too_long", vec![0u8; TracingRequest::MAX_LEN + 1]));
    // Appended (issue 13): the payload's nesting limit is 1 (§8.6): an array in place of `request_id`.
    decode_cases.push((
        "payload_nested_array".into(),
        "nesting_too_deep",
        with_payload(&valid, |p| {
            p.splice(2..19, [0x80]);
        }),
    ));
    for (name, expect, b) in decode_cases {
        case(&mut t, &name, expect, &cert, venue, NOW, &b);
    }
    t
}
