//! Test vectors: additional data (spec: docs/PROTOCOL.md §8.4).
//!
//! Positive cases carry the venue key pair, venue id, trace id, the content,
//! `ikm_e` (`DeriveKeyPair(ikm_e)` is the HPKE ephemeral key), plaintext, AAD,
//! `enc`, ciphertext and the message, rebuilt here independently (CBOR and
//! HPKE straight from the primitive crates). `check` names the operation:
//! `open` (`AdditionalDataIn::from_slice` then `open(venue_private_key)`),
//! `plaintext` (`AdditionalDataContent::from_slice(plaintext)`) or `validate`
//! (the content, guest side).

#![allow(clippy::unwrap_used, clippy::indexing_slicing, clippy::arithmetic_side_effects)]

use ciborium::Value as Cbor;
use luca_protocol::ids::{TraceId, VenueId};
use luca_protocol::keys::{EncryptionPublicKey, VenuePrivateKey};
use luca_protocol::messages::additional_data::{AdditionalData, AdditionalDataContent, AdditionalDataIn};
use rand_chacha::ChaCha20Rng;
use rand_core::Rng as _;
use serde_json::{Value, json};

use crate::common::{self, Topic, hex};
use crate::history_share::{cbor, hpke_open, hpke_seal};

const INFO: &[u8] = b"luca/v1/hpke/additional-data";

fn plaintext_of(version: u64, table: Cbor, name: Cbor) -> Vec<u8> {
    cbor(&Cbor::Array(vec![Cbor::Integer(version.into()), table, name]))
}

fn content_cbor(c: &AdditionalDataContent) -> (Cbor, Cbor) {
    (
        c.table.map_or(Cbor::Null, |t| Cbor::Integer(t.into())),
        c.guest_name.as_ref().map_or(Cbor::Null, |n| Cbor::Text(n.clone())),
    )
}

fn envelope_of(version: u64, venue: &[u8], trace: &[u8], enc: &[u8], ct: &[u8]) -> Vec<u8> {
    cbor(&Cbor::Array(vec![
        Cbor::Integer(version.into()),
        Cbor::Bytes(venue.to_vec()),
        Cbor::Bytes(trace.to_vec()),
        Cbor::Bytes(enc.to_vec()),
        Cbor::Bytes(ct.to_vec()),
    ]))
}

fn outcome(bytes: &[u8], key: &VenuePrivateKey) -> String {
    match AdditionalDataIn::from_slice(bytes) {
        Err(e) => e.kind().to_string(),
        Ok(a) => match a.open(key) {
            Err(e) => e.kind().to_string(),
            Ok(_) => "ok".to_string(),
        },
    }
}

fn content_json(c: &AdditionalDataContent) -> Value {
    json!({"table": c.table, "guest_name": c.guest_name})
}

struct Venue {
    sk: VenuePrivateKey,
    sk_bytes: Vec<u8>,
    pk: EncryptionPublicKey,
    id: VenueId,
}

fn merge(a: Value, b: Value) -> Value {
    let (Value::Object(mut a), Value::Object(b)) = (a, b) else { unreachable!() };
    a.extend(b);
    Value::Object(a)
}

fn base(v: &Venue) -> Value {
    json!({
        "venue_private_key": hex(&v.sk_bytes),
        "venue_public_key": hex(v.pk.to_bytes()),
        "venue_id": hex(v.id.as_bytes()),
    })
}

/// Seals `c` through the library and rebuilds it independently.
fn seal(rng: &mut ChaCha20Rng, v: &Venue, trace: TraceId, c: &AdditionalDataContent) -> (Vec<u8>, Value) {
    let mut ikm_e = [0u8; 32];
    rng.clone().fill_bytes(&mut ikm_e);
    let mut indep_rng = rng.clone();
    let ad = AdditionalData::seal(rng, v.id, &v.pk, trace, c).unwrap();
    let (table, name) = content_cbor(c);
    let pt = plaintext_of(1, table, name);
    assert_eq!(c.to_bytes().unwrap().as_slice(), pt.as_slice());
    let aad = [v.id.as_bytes().as_slice(), trace.as_bytes()].concat();
    let (enc, ct) = hpke_seal(&mut indep_rng, &v.pk.to_bytes(), INFO, &aad, &pt);
    let bytes = envelope_of(1, v.id.as_bytes(), trace.as_bytes(), &enc, &ct);
    assert_eq!(ad.as_bytes(), bytes.as_slice(), "independent rebuild differs");
    assert_eq!(hpke_open(&v.sk_bytes, &enc, INFO, &aad, &ct), pt);
    assert_eq!(AdditionalDataIn::from_slice(&bytes).unwrap().open(&v.sk).unwrap(), *c);
    let f = merge(
        base(v),
        json!({
            "check": "open",
            "trace_id": hex(trace.as_bytes()),
            "content": content_json(c),
            "plaintext": hex(&pt),
            "aad": hex(&aad),
            "ikm_e": hex(ikm_e),
            "enc": hex(&enc),
            "ciphertext": hex(&ct),
            "additional_data": hex(&bytes),
        }),
    );
    (bytes, f)
}

pub fn generate() -> Topic {
    let mut rng = common::rng("additional_data");
    let mut t = Topic::new(
        "additional_data",
        "Additional data (docs/PROTOCOL.md §8.4): [1, venue_id, trace_id, enc, ciphertext], HPKE base mode \
         (DHKEM P-256/HKDF-SHA256/AES-128-GCM) to the venue key, info luca/v1/hpke/additional-data, \
         aad = venue_id || trace_id; plaintext [1, table / null, guest_name / null]. Size cap 1024 bytes. \
         `check` names the operation whose result `expect` is.",
    );
    let sk = VenuePrivateKey::generate(&mut rng);
    let v = Venue { sk_bytes: sk.to_bytes().to_vec(), pk: sk.public_key(), id: VenueId::random(&mut rng), sk };
    let trace = TraceId::random(&mut rng);

    let table_only = AdditionalDataContent { table: Some(12), guest_name: None };
    let (table_bytes, f) = seal(&mut rng, &v, trace, &table_only);
    t.case("ok_table", "ok", f);
    let name_only = AdditionalDataContent { table: None, guest_name: Some("Erika Mustermann".into()) };
    let (_, f) = seal(&mut rng, &v, trace, &name_only);
    t.case("ok_private_meeting_guest_name", "ok", f);
    let both = AdditionalDataContent {
        table: Some(1000),
        guest_name: Some(format!("{} {}", "ä".repeat(32), "Ö".repeat(32))),
    };
    let (_, f) = seal(&mut rng, &v, trace, &both);
    t.case("ok_max_table_and_name", "ok", f);
    let formula = AdditionalDataContent { table: Some(1), guest_name: Some("=cmd|' /C calc'!A0".into()) };
    let (_, f) = seal(&mut rng, &v, trace, &formula);
    t.case("ok_formula_looking_name", "ok", f);

    let negative = |t: &mut Topic, name: &str, bytes: &[u8], key: &VenuePrivateKey, extra: Value| {
        let kind = outcome(bytes, key);
        assert_ne!(kind, "ok", "{name}");
        let f = merge(
            base(&v),
            merge(
                json!({"check": "open", "venue_private_key": hex(key.to_bytes().as_slice()), "additional_data": hex(bytes)}),
                extra,
            ),
        );
        t.case(name, &kind, f);
    };

    let Cbor::Array(items) = ciborium::de::from_reader::<Cbor, _>(table_bytes.as_slice()).unwrap() else {
        unreachable!()
    };
    let enc = items[3].as_bytes().unwrap().clone();
    let ct = items[4].as_bytes().unwrap().clone();
    let vid = v.id.to_bytes();
    let tid = trace.to_bytes();

    let other_key = VenuePrivateKey::generate(&mut rng);
    negative(&mut t, "wrong_venue_key", &table_bytes, &other_key, json!({}));
    let other_trace = TraceId::random(&mut rng);
    negative(
        &mut t,
        "moved_to_other_trace_id",
        &envelope_of(1, &vid, other_trace.as_bytes(), &enc, &ct),
        &v.sk,
        json!({"note": "attached to another check-in"}),
    );
    let other_venue = VenueId::random(&mut rng);
    negative(
        &mut t,
        "moved_to_other_venue_id",
        &envelope_of(1, other_venue.as_bytes(), &tid, &enc, &ct),
        &v.sk,
        json!({}),
    );
    let mut tct = ct.clone();
    tct[0] ^= 0x01;
    negative(&mut t, "tampered_ciphertext", &envelope_of(1, &vid, &tid, &enc, &tct), &v.sk, json!({}));
    let mut tenc = enc.clone();
    tenc[64] ^= 0x01;
    negative(&mut t, "enc_not_on_curve", &envelope_of(1, &vid, &tid, &tenc, &ct), &v.sk, json!({}));

    for (name, bytes) in common::truncations_and_trailing(&table_bytes) {
        negative(&mut t, &name, &bytes, &v.sk, json!({}));
    }
    negative(&mut t, "wrong_version", &envelope_of(2, &vid, &tid, &enc, &ct), &v.sk, json!({}));
    negative(&mut t, "venue_id_wrong_length", &envelope_of(1, &vid[..15], &tid, &enc, &ct), &v.sk, json!({}));
    negative(&mut t, "ciphertext_too_long", &envelope_of(1, &vid, &tid, &enc, &[0u8; 273]), &v.sk, json!({}));
    let mut oversize = table_bytes.clone();
    oversize.resize(AdditionalDataIn::MAX_LEN + 1, 0);
    negative(&mut t, "oversize", &oversize, &v.sk, json!({}));

    // Hostile plaintexts, correctly sealed to the venue key.
    let hostile: Vec<(&str, Vec<u8>)> = vec![
        ("plaintext_table_zero", plaintext_of(1, Cbor::Integer(0.into()), Cbor::Null)),
        ("plaintext_table_1001", plaintext_of(1, Cbor::Integer(1001.into()), Cbor::Null)),
        ("plaintext_both_null", plaintext_of(1, Cbor::Null, Cbor::Null)),
        ("plaintext_name_with_newline", plaintext_of(1, Cbor::Null, Cbor::Text("Erika\nMustermann".into()))),
        (
            "plaintext_name_with_bidi_override",
            plaintext_of(1, Cbor::Null, Cbor::Text("Erika \u{202e}nnamretsuM".into())),
        ),
        ("plaintext_name_too_long", plaintext_of(1, Cbor::Null, Cbor::Text("x".repeat(130)))),
        ("plaintext_name_as_bytes", plaintext_of(1, Cbor::Null, Cbor::Bytes(b"Erika".to_vec()))),
        ("plaintext_wrong_version", plaintext_of(2, Cbor::Integer(3.into()), Cbor::Null)),
    ];
    let aad = [vid.as_slice(), tid.as_slice()].concat();
    for (name, pt) in hostile {
        let mut ikm_e = [0u8; 32];
        rng.clone().fill_bytes(&mut ikm_e);
        let (enc, ct) = hpke_seal(&mut rng, &v.pk.to_bytes(), INFO, &aad, &pt);
        let bytes = envelope_of(1, &vid, &tid, &enc, &ct);
        let plain_kind = match AdditionalDataContent::from_slice(&pt) {
            Err(e) => e.kind().to_string(),
            Ok(_) => "ok".to_string(),
        };
        negative(
            &mut t,
            name,
            &bytes,
            &v.sk,
            json!({"trace_id": hex(tid), "plaintext": hex(&pt), "ikm_e": hex(ikm_e), "note": "correctly sealed, bypassing the guest-side rules"}),
        );
        t.case(&format!("{name}_plaintext_only"), &plain_kind, json!({"check": "plaintext", "plaintext": hex(&pt)}));
    }

    // Guest-side rules.
    for (name, c) in [
        ("validate_empty", AdditionalDataContent::default()),
        ("validate_table_zero", AdditionalDataContent { table: Some(0), guest_name: None }),
        ("validate_empty_name", AdditionalDataContent { table: None, guest_name: Some(String::new()) }),
        ("validate_name_with_bom", AdditionalDataContent { table: None, guest_name: Some("\u{feff}Erika".into()) }),
    ] {
        let kind = c.validate().unwrap_err().kind();
        t.case(
            name,
            kind,
            json!({
                "check": "validate",
                "content": {"table": c.table, "guest_name_utf8_hex": c.guest_name.as_ref().map(|n| hex(n.as_bytes()))},
            }),
        );
    }
    t
}
