//! Test vectors: the guest check-in QR (spec: docs/PROTOCOL.md §5.1).
//!
//! Positive cases carry every field, the daily private key that opens the QR
//! and `ikm_e`, the 32 bytes the HPKE ephemeral key was derived from
//! (`DeriveKeyPair(ikm_e)`), so that the exact bytes can be reproduced.
//! Negative cases carry `qr_bytes` (if the failure is about bytes) and/or
//! `qr_text`, and `daily_private_key` where opening is part of the check.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::arithmetic_side_effects,
    clippy::cast_possible_truncation,
    clippy::panic
)]

use luca_protocol::derive;
use luca_protocol::error::DecodeError;
use luca_protocol::ids::{DailyKeyId, UserId};
use luca_protocol::keys::DailyPrivateKey;
use luca_protocol::qr::guest::{DeviceType, GuestCheckInQr, QrFlags};
use luca_protocol::secrets::{DailyTracingSecret, DataSecret};
use luca_protocol::time::UnixMinute;
use rand_chacha::ChaCha20Rng;
use rand_core::Rng as _;
use serde_json::{Value, json};

use crate::common::{self, NOW, Topic, hex};

fn b32(bytes: &[u8]) -> String {
    luca_protocol::qr::base32::encode(bytes)
}

fn with_checksum(mut b: Vec<u8>) -> Vec<u8> {
    let c = derive::qr_checksum(&b[..105]);
    b[105..109].copy_from_slice(&c);
    b
}

/// Result kind of decoding `bytes` and, if that succeeds, opening with `key`.
fn outcome(bytes: &[u8], key: &DailyPrivateKey) -> String {
    match GuestCheckInQr::from_bytes(bytes) {
        Err(e) => e.kind().to_string(),
        Ok(qr) => match qr.open(key) {
            Err(e) => e.kind().to_string(),
            Ok(_) => "ok".to_string(),
        },
    }
}

fn text_outcome(text: &str, key: &DailyPrivateKey) -> String {
    match GuestCheckInQr::from_base32(text) {
        Err(e) => e.kind().to_string(),
        Ok(qr) => outcome(qr.as_bytes(), key),
    }
}

struct Sealed {
    fields: Value,
    qr: GuestCheckInQr,
    sk: DailyPrivateKey,
}

fn seal_case(rng: &mut ChaCha20Rng, device_type: DeviceType, entry_policy: u8, minute: UnixMinute) -> Sealed {
    let sk = DailyPrivateKey::generate(rng);
    let pk = sk.public_key();
    let key_id = DailyKeyId::for_day(minute.day());
    let user_id = UserId::random(rng);
    let data_secret = DataSecret::random(rng);
    let tracing_secret = DailyTracingSecret::random(rng);
    let proof = derive::checkout_proof(&tracing_secret, &user_id, minute);
    let trace_id = derive::trace_id(&proof);
    let flags = QrFlags { device_type, entry_policy };
    // The HPKE ephemeral key is DeriveKeyPair of the next 32 bytes of the RNG.
    let mut ikm_e = [0u8; 32];
    rng.clone().fill_bytes(&mut ikm_e);
    let qr = GuestCheckInQr::seal(rng, key_id, &pk, flags, minute, trace_id, &user_id, &data_secret).unwrap();
    let b = qr.to_bytes();
    let opened = qr.open(&sk).unwrap();
    assert_eq!(opened.user_id, user_id);
    assert_eq!(opened.data_secret, data_secret);
    assert_eq!(GuestCheckInQr::from_base32(&qr.to_base32()).unwrap(), qr);
    assert_eq!(qr.to_base32(), b32(&b));
    let fields = json!({
        "daily_private_key": hex(sk.to_bytes().as_slice()),
        "daily_public_key": hex(pk.to_bytes()),
        "daily_key_id": key_id.0,
        "device_type": flags.device_type.code(),
        "entry_policy": entry_policy,
        "flags": flags.to_byte(),
        "minute": minute.0,
        "user_id": hex(user_id.as_bytes()),
        "data_secret": hex(data_secret.expose_secret()),
        "daily_tracing_secret": hex(tracing_secret.expose_secret()),
        "checkout_proof": hex(proof.expose_secret()),
        "trace_id": hex(trace_id.as_bytes()),
        "ikm_e": hex(ikm_e),
        "aad": hex(&b[..24]),
        "enc": hex(&b[24..57]),
        "ciphertext": hex(&b[57..105]),
        "checksum": hex(&b[105..109]),
        "body": hex(qr.body()),
        "qr_bytes": hex(b),
        "qr_text": qr.to_base32(),
    });
    Sealed { fields, qr, sk }
}

pub fn generate() -> Topic {
    let mut rng = common::rng("guest_qr");
    let mut t = Topic::new(
        "guest_qr",
        "Guest check-in QR (docs/PROTOCOL.md §5.1): 109-byte layout, HPKE inner layer to the daily key \
         (info luca/v1/hpke/checkin-inner, aad = bytes[0..24], enc compressed), checksum, Base32 text. \
         Negative cases: `expect` is the error of decoding `qr_bytes` (or `qr_text`) and then, if present, \
         opening with `daily_private_key`.",
    );
    let now = NOW.minute();

    let ok_cases = [
        ("ok_ios_no_policy", DeviceType::Ios, 0u8, now),
        ("ok_android_vaccinated_boostered", DeviceType::Android, QrFlags::VACCINATED | QrFlags::BOOSTERED, now),
        ("ok_web_app_quick_test", DeviceType::WebApp, QrFlags::QUICK_TEST, UnixMinute(now.0 + 1)),
        ("ok_no_app_all_policies", DeviceType::NoApp, 0xf8, UnixMinute(now.0 - 1439)),
    ];
    let mut first: Option<Sealed> = None;
    for (name, dt, pol, minute) in ok_cases {
        let s = seal_case(&mut rng, dt, pol, minute);
        t.case(name, "ok", s.fields.clone());
        if first.is_none() {
            first = Some(s);
        }
    }
    let base = first.unwrap();
    let valid = base.qr.to_bytes().to_vec();
    let key_hex = hex(base.sk.to_bytes().as_slice());

    let neg = |t: &mut Topic, name: &str, bytes: Vec<u8>, expected: &str| {
        let got = outcome(&bytes, &base.sk);
        assert_ne!(got, "ok", "{name}");
        assert_eq!(got, expected, "{name}");
        let text = b32(&bytes);
        // The text form of the same bytes fails the same way.
        assert_eq!(text_outcome(&text, &base.sk), got, "{name} (text)");
        t.case(name, &got, json!({ "daily_private_key": key_hex, "qr_bytes": hex(&bytes), "qr_text": text }));
    };

    neg(&mut t, "truncated", valid[..108].to_vec(), "wrong_length");
    neg(&mut t, "empty", Vec::new(), "wrong_length");
    let mut trailing = valid.clone();
    trailing.push(0x00);
    neg(&mut t, "trailing_byte", trailing, "wrong_length");

    for (name, pos) in [
        ("bad_checksum_flipped_header_byte", 6usize),
        ("bad_checksum_flipped_enc_byte", 40),
        ("bad_checksum_flipped_ciphertext_byte", 80),
        ("bad_checksum_flipped_checksum_byte", 107),
    ] {
        let mut b = valid.clone();
        b[pos] ^= 0x01;
        neg(&mut t, name, b, "bad_checksum");
    }

    let mut v2 = valid.clone();
    v2[0] = 0x02;
    neg(&mut t, "unsupported_version_checksum_recomputed", with_checksum(v2), "unsupported_version");
    let mut v0 = valid.clone();
    v0[0] = 0x00;
    neg(&mut t, "unsupported_version_not_recomputed", v0, "unsupported_version");

    for code in [4u8, 7] {
        let mut b = valid.clone();
        b[1] = (b[1] & 0xf8) | code;
        neg(&mut t, &format!("reserved_device_type_{code}"), with_checksum(b), "invalid_field");
    }

    let mut e4 = valid.clone();
    e4[24] = 0x04;
    neg(&mut t, "invalid_enc_prefix_04", with_checksum(e4), "invalid_point");
    let mut e0 = valid.clone();
    e0[24] = 0x00;
    neg(&mut t, "invalid_enc_prefix_00", with_checksum(e0), "invalid_point");
    let mut ep = valid.clone();
    ep[25..57].copy_from_slice(&[0xff; 32]);
    neg(&mut t, "invalid_enc_x_not_field_element", with_checksum(ep), "invalid_point");
    // An x coordinate that is a field element but not on the curve: search deterministically.
    {
        let mut found = false;
        for i in 0u8..=255 {
            let mut b = valid.clone();
            b[56] = i;
            let b = with_checksum(b);
            if matches!(GuestCheckInQr::from_bytes(&b), Err(DecodeError::InvalidPoint { .. })) {
                neg(&mut t, "invalid_enc_not_on_curve", b, "invalid_point");
                found = true;
                break;
            }
        }
        assert!(found);
    }

    // Well-formed, but the AEAD fails: tampered AAD / enc / ciphertext with recomputed checksum.
    for (name, pos, mask) in [
        ("tampered_entry_policy", 1usize, 0x08u8),
        ("tampered_daily_key_id", 3, 0x01),
        ("tampered_minute", 7, 0x01),
        ("tampered_trace_id", 8, 0x80),
        ("tampered_enc_sign", 24, 0x01),
        ("tampered_ciphertext", 60, 0x01),
        ("tampered_tag", 104, 0x01),
    ] {
        let mut b = valid.clone();
        b[pos] ^= mask;
        neg(&mut t, name, with_checksum(b), "decryption_failed");
    }

    // Wrong daily key.
    {
        let other = DailyPrivateKey::generate(&mut rng);
        let got = outcome(&valid, &other);
        assert_eq!(got, "decryption_failed");
        t.case(
            "wrong_daily_key",
            &got,
            json!({
                "daily_private_key": hex(other.to_bytes().as_slice()),
                "qr_bytes": hex(&valid),
                "qr_text": base.qr.to_base32(),
            }),
        );
    }

    // Non-canonical Base32 text of the valid QR.
    let text = base.qr.to_base32();
    let mut texts: Vec<(&str, String)> = vec![
        ("base32_lowercase", text.to_lowercase()),
        ("base32_padding", format!("{text}=")),
        ("base32_full_padding", format!("{text}=====")),
        ("base32_space", format!("{} {}", &text[..80], &text[80..])),
        ("base32_digit_one", format!("1{}", &text[1..])),
        ("base32_impossible_length_174", text[..174].to_string()),
    ];
    {
        // 109 bytes = 872 bits in 175 symbols: the last symbol has 3 unused bits, which must be zero.
        const A: &[u8; 32] = luca_protocol::qr::base32::ALPHABET;
        let last = text.as_bytes()[174];
        let v = A.iter().position(|c| *c == last).unwrap();
        let mut s = text[..174].to_string();
        s.push(char::from(A[v | 1]));
        assert_ne!(s, text);
        texts.push(("base32_nonzero_trailing_bits", s));
    }
    for (name, s) in texts {
        let got = text_outcome(&s, &base.sk);
        assert_eq!(got, "invalid_base32", "{name}");
        t.case(name, &got, json!({ "qr_text": s }));
    }

    // Appended (issue 13): the checksum is checked before the device type (steps 4 and 5 of §5.1): a reserved
    // device type with the checksum left as it was is `bad_checksum`, not `invalid_field`.
    let mut d5 = valid.clone();
    d5[1] = (d5[1] & 0xf8) | 5;
    neg(&mut t, "reserved_device_type_5_checksum_not_recomputed", d5, "bad_checksum");

    t
}
