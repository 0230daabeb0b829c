//! Test vectors: the printed venue QR URL (spec: docs/PROTOCOL.md §5.3).
//!
//! `expect` is the outcome of: decoding `url`, then verifying the embedded
//! descriptor at `now` — a venue with `registrar_certificate`, a private
//! meeting with its own host key.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::arithmetic_side_effects,
    clippy::cast_possible_truncation,
    clippy::panic
)]

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use luca_protocol::error::DecodeError;
use luca_protocol::ids::{RegistrarId, VenueId};
use luca_protocol::keys::{HostSigningKey, RegistrarKey, TrustAnchorKey, VenuePrivateKey};
use luca_protocol::qr::venue::VenueQr;
use luca_protocol::signed::registrar_certificate::{RegistrarCertificate, RegistrarCertificateIn};
use luca_protocol::signed::venue_descriptor::{VenueDescriptor, VenueKind};
use luca_protocol::time::Validity;
use serde_json::{Value, json};

use crate::common::{self, NOW, Topic, hex};

fn outcome(url: &str, reg: &RegistrarCertificate) -> String {
    let qr = match VenueQr::from_url(url) {
        Ok(q) => q,
        Err(e) => return e.kind().to_string(),
    };
    let d = qr.into_descriptor();
    let r = match d.kind() {
        VenueKind::Venue => d.verify(reg, NOW),
        VenueKind::PrivateMeeting => d.verify_private_meeting(NOW),
    };
    match r {
        Ok(_) => "ok".to_string(),
        Err(e) => e.kind().to_string(),
    }
}

/// CBOR head of a byte string of length `n` (n < 65536).
fn bstr_head(n: usize) -> Vec<u8> {
    match n {
        0..=23 => vec![0x40 | n as u8],
        24..=255 => vec![0x58, n as u8],
        _ => vec![0x59, (n >> 8) as u8, n as u8],
    }
}

/// `[version, descriptor, table-bytes]` built by hand (table given as raw CBOR).
fn payload(version: u8, descriptor: &[u8], table_cbor: &[u8]) -> Vec<u8> {
    let mut p = vec![0x83, version];
    p.extend(bstr_head(descriptor.len()));
    p.extend_from_slice(descriptor);
    p.extend_from_slice(table_cbor);
    p
}

fn url_of(p: &[u8]) -> String {
    format!("https://luca.example/v1/checkin#{}", URL_SAFE_NO_PAD.encode(p))
}

pub fn generate() -> Topic {
    let mut rng = common::rng("venue_qr");
    let mut t = Topic::new(
        "venue_qr",
        "Venue QR (docs/PROTOCOL.md §5.3): https://<host>[/<prefix>]/v1/checkin#<base64url(CBOR \
         [1, descriptor, table / null])>. `expect`: decode `url`, then verify the descriptor at `now` (venue: \
         with `registrar_certificate`; private meeting: with its own host key).",
    );
    let anchor = TrustAnchorKey::generate(&mut rng);
    let reg_key = RegistrarKey::generate(&mut rng);
    let reg_id = RegistrarId::random(&mut rng);
    let long = Validity { not_before: NOW.minus_secs(30 * 86_400), not_after: NOW.plus_secs(365 * 86_400) };
    let reg =
        RegistrarCertificate::issue(&anchor, reg_id, "luca venue registrar", &reg_key.public_key(), long).unwrap();
    let reg = RegistrarCertificateIn::from_slice(reg.as_bytes()).unwrap().verify(&anchor.public_key(), NOW).unwrap();
    let validity = Validity { not_before: NOW.minus_secs(86_400), not_after: NOW.plus_secs(90 * 86_400) };

    let venue_sk = VenuePrivateKey::generate(&mut rng);
    let venue = VenueDescriptor::issue_venue(
        &reg_key,
        reg_id,
        VenueId::random(&mut rng),
        "Café Luca",
        &venue_sk.public_key(),
        Some(12),
        validity,
    )
    .unwrap();
    let no_tables = VenueDescriptor::issue_venue(
        &reg_key,
        reg_id,
        VenueId::random(&mut rng),
        "Museum",
        &VenuePrivateKey::generate(&mut rng).public_key(),
        None,
        validity,
    )
    .unwrap();
    let host = HostSigningKey::generate(&mut rng);
    let meeting = VenueDescriptor::issue_private_meeting(
        &host,
        VenueId::random(&mut rng),
        "Birthday party",
        &VenuePrivateKey::generate(&mut rng).public_key(),
        validity,
    )
    .unwrap();

    let base = |extra: Value| {
        let mut m = serde_json::Map::new();
        m.insert("now".into(), json!(NOW.0));
        m.insert("trust_anchor_public_key".into(), hex(anchor.public_key().to_bytes()));
        m.insert("registrar_certificate".into(), hex(reg.as_bytes()));
        if let Value::Object(e) = extra {
            m.extend(e);
        }
        Value::Object(m)
    };

    // Positive cases.
    for (name, host_s, d, table) in [
        ("ok_venue_no_table", "luca.example", &venue, None),
        ("ok_venue_table_1", "luca.example", &venue, Some(1u16)),
        ("ok_venue_table_12_of_12", "luca.example", &venue, Some(12)),
        ("ok_venue_without_tables", "checkin.luca.example:8443", &no_tables, None),
        ("ok_private_meeting", "luca.example", &meeting, None),
    ] {
        let qr = VenueQr::new(host_s, d, table).unwrap();
        let url = qr.to_url();
        assert_eq!(outcome(&url, &reg), "ok", "{name}");
        assert_eq!(VenueQr::from_url(&url).unwrap().to_url(), url);
        t.case(
            name,
            "ok",
            base(json!({
                "url": url,
                "base_url": qr.base_url(),
                "payload": hex(qr.payload()),
                "descriptor": hex(d.as_bytes()),
                "kind": d.kind().to_u8(),
                "table": table,
                "table_count": d.table_count(),
            })),
        );
    }
    {
        // A path prefix before /v1/checkin is allowed and kept.
        let qr = VenueQr::new("luca.example", &venue, Some(5)).unwrap();
        let url = format!("https://luca.example/app/v1/checkin#{}", URL_SAFE_NO_PAD.encode(qr.payload()));
        assert_eq!(outcome(&url, &reg), "ok");
        t.case(
            "ok_path_prefix",
            "ok",
            base(json!({
                "url": url,
                "base_url": "https://luca.example/app/v1/checkin",
                "payload": hex(qr.payload()),
                "descriptor": hex(venue.as_bytes()),
                "kind": venue.kind().to_u8(),
                "table": 5,
                "table_count": venue.table_count(),
            })),
        );
    }

    let d = venue.as_bytes();
    let good = VenueQr::new("luca.example", &venue, None).unwrap();
    let good_url = good.to_url();
    let frag = URL_SAFE_NO_PAD.encode(good.payload());
    let mut sig_tampered = d.to_vec();
    *sig_tampered.last_mut().unwrap() ^= 0x01;
    let mut kind_swapped = d.to_vec();
    let pos = d.windows(12).position(|w| w == b"venue-descri").unwrap();
    kind_swapped[pos] = b'V';

    let mut negatives: Vec<(&str, String, &str)> = vec![
        ("too_long", format!("{good_url}{}", "A".repeat(2048 - good_url.len() + 1)), "too_long"),
        ("scheme_http", good_url.replacen("https://", "http://", 1), "invalid_url"),
        ("scheme_uppercase", good_url.replacen("https://", "HTTPS://", 1), "invalid_url"),
        ("wrong_path_version", good_url.replacen("/v1/checkin", "/v2/checkin", 1), "invalid_url"),
        ("path_trailing_slash", good_url.replacen("/v1/checkin", "/v1/checkin/", 1), "invalid_url"),
        ("query_string", good_url.replacen("/v1/checkin", "/v1/checkin?t=1", 1), "invalid_url"),
        ("no_fragment", good_url.replacen('#', "", 1), "invalid_url"),
        ("two_fragments", format!("{good_url}#"), "invalid_url"),
        ("empty_host", format!("https:///v1/checkin#{frag}"), "invalid_url"),
        ("userinfo_in_host", format!("https://user@luca.example/v1/checkin#{frag}"), "invalid_url"),
        ("percent_encoded_path", format!("https://luca.example/a%20b/v1/checkin#{frag}"), "invalid_url"),
        ("base64_padding", format!("{good_url}="), "invalid_base64"),
        (
            "base64_standard_alphabet",
            format!("https://luca.example/v1/checkin#{}", frag.replace('-', "+").replace('_', "/") + "+"),
            "invalid_base64",
        ),
        (
            "base64_impossible_length",
            // 4k + 1 symbols never encode a byte string.
            format!("https://luca.example/v1/checkin#{}", &frag[..(frag.len() - 1) / 4 * 4 + 1]),
            "invalid_base64",
        ),
        ("cbor_unsupported_version", url_of(&payload(0x02, d, &[0xf6])), "unsupported_version"),
        (
            "cbor_wrong_arity",
            url_of(&{
                let mut p = payload(0x01, d, &[]);
                p[0] = 0x82;
                p
            }),
            "wrong_arity",
        ),
        (
            "cbor_trailing_byte",
            url_of(&{
                let mut p = payload(0x01, d, &[0xf6]);
                p.push(0x00);
                p
            }),
            "trailing_bytes",
        ),
        ("cbor_truncated", url_of(&payload(0x01, d, &[])), "truncated"),
        ("cbor_empty", "https://luca.example/v1/checkin#".to_string(), "truncated"),
        ("cbor_non_canonical_table", url_of(&payload(0x01, d, &[0x18, 0x05])), "non_canonical"),
        ("cbor_table_not_uint", url_of(&payload(0x01, d, &[0x61, 0x31])), "unexpected_type"),
        ("table_over_u16", url_of(&payload(0x01, d, &[0x1a, 0x00, 0x01, 0x00, 0x00])), "invalid_field"),
        ("table_zero", url_of(&payload(0x01, d, &[0x00])), "invalid_field"),
        ("table_over_table_count", url_of(&payload(0x01, d, &[0x0d])), "invalid_field"),
        ("table_without_table_count", url_of(&payload(0x01, no_tables.as_bytes(), &[0x01])), "invalid_field"),
        ("table_on_private_meeting", url_of(&payload(0x01, meeting.as_bytes(), &[0x01])), "invalid_field"),
        ("descriptor_garbage", url_of(&payload(0x01, &[0x80], &[0xf6])), "wrong_arity"),
        ("descriptor_wrong_content_type", url_of(&payload(0x01, &kind_swapped, &[0xf6])), "wrong_content_type"),
        ("descriptor_tampered_signature", url_of(&payload(0x01, &sig_tampered, &[0xf6])), "bad_signature"),
    ];
    {
        // Non-zero unused bits in the last base64url symbol (payload length not a multiple of 3).
        const A: &str = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
        let p = payload(0x01, d, &[0xf6]);
        let p = if p.len().is_multiple_of(3) { payload(0x01, d, &[0x01]) } else { p };
        assert_ne!(p.len() % 3, 0);
        let mut u = url_of(&p);
        let last = u.pop().unwrap();
        let v = A.find(last).unwrap();
        u.push(A.as_bytes()[v | 1] as char);
        negatives.push(("base64_nonzero_trailing_bits", u, "invalid_base64"));
    }
    {
        // Descriptor expired at `now`.
        let old = Validity { not_before: NOW.minus_secs(10 * 86_400), not_after: NOW.minus_secs(86_400) };
        let expired = VenueDescriptor::issue_venue(
            &reg_key,
            reg_id,
            VenueId::random(&mut rng),
            "Closed bar",
            &VenuePrivateKey::generate(&mut rng).public_key(),
            None,
            old,
        )
        .unwrap();
        let url = VenueQr::new("luca.example", &expired, None).unwrap().to_url();
        negatives.push(("descriptor_expired", url, "expired"));
    }
    for (name, url, expected) in negatives {
        let got = outcome(&url, &reg);
        assert_ne!(got, "ok", "{name}");
        assert_eq!(got, expected, "{name}");
        t.case(name, &got, base(json!({ "url": url })));
    }

    // Wrong registrar certificate: wrong issuer.
    {
        let anchor2 = TrustAnchorKey::generate(&mut rng);
        let k2 = RegistrarKey::generate(&mut rng);
        let reg2 =
            RegistrarCertificate::issue(&anchor2, RegistrarId::random(&mut rng), "other", &k2.public_key(), long)
                .unwrap();
        let reg2 =
            RegistrarCertificateIn::from_slice(reg2.as_bytes()).unwrap().verify(&anchor2.public_key(), NOW).unwrap();
        let got = outcome(&good_url, &reg2);
        assert_eq!(got, "wrong_issuer");
        t.case(
            "wrong_registrar",
            &got,
            json!({
                "now": NOW.0,
                "trust_anchor_public_key": hex(anchor2.public_key().to_bytes()),
                "registrar_certificate": hex(reg2.as_bytes()),
                "url": good_url,
            }),
        );
    }

    // Appended (issue 13): steps 8 and 9 of §5.3 (the descriptor item's type and length, a negative table).
    let text_descriptor = [&[0x83u8, 0x01, 0x61, b'x'][..], &[0xf6]].concat();
    let long_descriptor = payload(0x01, &vec![0x80; 1025], &[0xf6]);
    for (name, url, expected) in [
        ("descriptor_as_text", url_of(&text_descriptor), "unexpected_type"),
        ("descriptor_1025_bytes", url_of(&long_descriptor), "wrong_length"),
        ("table_negative", url_of(&payload(0x01, d, &[0x20])), "invalid_field"),
    ] {
        let got = outcome(&url, &reg);
        assert_eq!(got, expected, "{name}");
        t.case(name, &got, base(json!({ "url": url })));
    }

    // `new` rejects what `from_url` would reject.
    assert_eq!(
        VenueQr::new("luca.example", &venue, Some(13)).unwrap_err(),
        DecodeError::InvalidField { field: "table" }
    );
    assert_eq!(VenueQr::new("bad host", &venue, None).unwrap_err(), DecodeError::InvalidUrl);
    t
}
