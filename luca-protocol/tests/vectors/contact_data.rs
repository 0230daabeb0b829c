//! Test vectors: contact data (spec: docs/PROTOCOL.md §8.1).
//!
//! Positive cases carry every input (the guest private key scalar, user id,
//! data secret, fields, `updated_at`), every intermediate value (key, nonce,
//! plaintext, AAD, ciphertext, payload) and the message. Each positive case is
//! rebuilt here independently from the spec (HKDF, AES-GCM, CBOR, COSE with
//! RFC 6979 signatures, straight from the primitive crates) and must match the
//! library's bytes exactly. Negative cases name the check they exercise:
//! `open` (health office: `ContactDataIn::from_slice` then `open(expected_user_id,
//! data_secret)`), `verify_signature` (server: `from_slice` then
//! `verify_signature`), `is_update_of` (server: `from_slice` of both, then
//! `contact_data.is_update_of(previous)`) or `validate` (guest: the fields only).

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::arithmetic_side_effects,
    clippy::panic
)]

use ciborium::Value as Cbor;
use luca_protocol::ids::UserId;
use luca_protocol::keys::GuestSigningKey;
use luca_protocol::messages::contact_data::{ContactData, ContactDataIn, ContactFields};
use luca_protocol::secrets::DataSecret;
use luca_protocol::time::UnixTime;
use rand_chacha::ChaCha20Rng;
use rand_core::Rng as _;
use serde_json::{Value, json};

use crate::common::{self, NOW, Topic, hex};

const CONTENT_TYPE: &str = "application/luca.v1.contact-data";

// ------------------------------------------------ independent implementation

fn cbor(v: &Cbor) -> Vec<u8> {
    let mut out = Vec::new();
    ciborium::ser::into_writer(v, &mut out).unwrap();
    out
}

fn key_of(data_secret: &[u8]) -> [u8; 16] {
    let mut out = [0u8; 16];
    hkdf::Hkdf::<sha2::Sha256>::new(None, data_secret).expand(b"luca/v1/contact-data-key", &mut out).unwrap();
    out
}

fn aad_of(user: &[u8], guest_key: &[u8], updated_at: u64) -> Vec<u8> {
    [b"luca/v1/aad/contact-data".as_slice(), user, guest_key, &updated_at.to_be_bytes()].concat()
}

fn aes_seal(key: &[u8; 16], nonce: &[u8; 12], aad: &[u8], pt: &[u8]) -> Vec<u8> {
    use aes_gcm::aead::{Aead as _, KeyInit as _, Payload};
    aes_gcm::Aes128Gcm::new(key.into()).encrypt(nonce.into(), Payload { msg: pt, aad }).unwrap()
}

fn plaintext_of(version: u64, f: &[&str; 8]) -> Vec<u8> {
    let mut items = vec![Cbor::Integer(version.into())];
    items.extend(f.iter().map(|s| Cbor::Text((*s).to_owned())));
    cbor(&Cbor::Array(items))
}

fn payload_of(version: u64, user: &[u8], guest_key: &[u8], updated_at: u64, nonce: &[u8], ct: &[u8]) -> Vec<u8> {
    cbor(&Cbor::Array(vec![
        Cbor::Integer(version.into()),
        Cbor::Bytes(user.to_vec()),
        Cbor::Bytes(guest_key.to_vec()),
        Cbor::Integer(updated_at.into()),
        Cbor::Bytes(nonce.to_vec()),
        Cbor::Bytes(ct.to_vec()),
    ]))
}

/// COSE_Sign1 (ES256, content type `content_type`) over `payload` by the P-256 scalar `sk`.
pub fn cose_sign(content_type: &str, sk: &[u8], payload: Vec<u8>) -> Vec<u8> {
    use coset::{CborSerializable as _, CoseSign1Builder, HeaderBuilder, iana};
    use p256::ecdsa::signature::Signer as _;
    let signer = p256::ecdsa::SigningKey::from_slice(sk).unwrap();
    let protected =
        HeaderBuilder::new().algorithm(iana::Algorithm::ES256).content_type(content_type.to_owned()).build();
    CoseSign1Builder::new()
        .protected(protected)
        .payload(payload)
        .create_signature(b"", |tbs| {
            let sig: p256::ecdsa::Signature = signer.sign(tbs);
            sig.to_bytes().to_vec()
        })
        .build()
        .to_vec()
        .unwrap()
}

// ------------------------------------------------------------------ helpers

fn contact_fields(f: &[&str; 8]) -> ContactFields {
    ContactFields {
        first_name: f[0].into(),
        last_name: f[1].into(),
        phone: f[2].into(),
        email: f[3].into(),
        street: f[4].into(),
        house_number: f[5].into(),
        postcode: f[6].into(),
        city: f[7].into(),
    }
}

fn fields_json(f: &[&str; 8]) -> Value {
    json!({
        "first_name": f[0], "last_name": f[1], "phone": f[2], "email": f[3],
        "street": f[4], "house_number": f[5], "postcode": f[6], "city": f[7],
    })
}

/// The fields of a negative case, each as hex of its UTF-8 bytes (hostile text is
/// never written raw into the vector file: no invisible bidi controls in JSON).
fn fields_hex_json(f: &[&str; 8]) -> Value {
    const NAMES: [&str; 8] =
        ["first_name", "last_name", "phone", "email", "street", "house_number", "postcode", "city"];
    Value::Object(NAMES.iter().zip(f).map(|(n, v)| ((*n).to_owned(), hex(v.as_bytes()))).collect())
}

fn open_outcome(bytes: &[u8], user: &UserId, secret: &DataSecret) -> String {
    match ContactDataIn::from_slice(bytes) {
        Err(e) => e.kind().to_string(),
        Ok(c) => match c.open(user, secret) {
            Err(e) => e.kind().to_string(),
            Ok(_) => "ok".to_string(),
        },
    }
}

fn verify_outcome(bytes: &[u8]) -> String {
    match ContactDataIn::from_slice(bytes) {
        Err(e) => e.kind().to_string(),
        Ok(c) => match c.verify_signature() {
            Err(e) => e.kind().to_string(),
            Ok(()) => "ok".to_string(),
        },
    }
}

fn update_outcome(bytes: &[u8], previous: &[u8]) -> String {
    let new = ContactDataIn::from_slice(bytes).unwrap();
    let old = ContactDataIn::from_slice(previous).unwrap();
    match new.is_update_of(&old) {
        Err(e) => e.kind().to_string(),
        Ok(()) => "ok".to_string(),
    }
}

/// The guest's identity used by most cases.
struct Guest {
    sk: GuestSigningKey,
    sk_bytes: Vec<u8>,
    guest_key: [u8; 65],
    user: UserId,
    secret: DataSecret,
}

impl Guest {
    fn new(rng: &mut ChaCha20Rng) -> Self {
        let sk = GuestSigningKey::generate(rng);
        let sk_bytes = sk.to_bytes().to_vec();
        let guest_key = sk.public_key().to_bytes();
        let user = UserId::random(rng);
        let secret = DataSecret::random(rng);
        Self { sk, sk_bytes, guest_key, user, secret }
    }

    fn base(&self) -> Value {
        json!({
            "guest_private_key": hex(&self.sk_bytes),
            "guest_key": hex(self.guest_key),
            "user_id": hex(self.user.as_bytes()),
            "data_secret": hex(self.secret.expose_secret()),
        })
    }

    fn secret(&self) -> DataSecret {
        DataSecret::from_slice(self.secret.expose_secret()).unwrap()
    }
}

fn merge(a: Value, b: Value) -> Value {
    let (Value::Object(mut a), Value::Object(b)) = (a, b) else { panic!("objects") };
    a.extend(b);
    Value::Object(a)
}

/// A sealed positive case: the message and its parts.
struct Sealed {
    bytes: Vec<u8>,
    nonce: [u8; 12],
    ciphertext: Vec<u8>,
    fields: Value,
}

/// Seals `f` through the library, rebuilds it independently, and returns both views.
fn seal(rng: &mut ChaCha20Rng, g: &Guest, f: &[&str; 8], updated_at: UnixTime) -> Sealed {
    let mut nonce = [0u8; 12];
    rng.clone().fill_bytes(&mut nonce);
    let cd = ContactData::seal(rng, &g.sk, g.user, &g.secret, &contact_fields(f), updated_at).unwrap();
    let key = key_of(g.secret.expose_secret());
    let pt = plaintext_of(1, f);
    let aad = aad_of(g.user.as_bytes(), &g.guest_key, updated_at.0);
    let ct = aes_seal(&key, &nonce, &aad, &pt);
    let payload = payload_of(1, g.user.as_bytes(), &g.guest_key, updated_at.0, &nonce, &ct);
    let bytes = cose_sign(CONTENT_TYPE, &g.sk_bytes, payload.clone());
    assert_eq!(cd.as_bytes(), bytes.as_slice(), "independent rebuild differs");
    let opened = ContactDataIn::from_slice(&bytes).unwrap().open(&g.user, &g.secret).unwrap();
    assert_eq!(opened.fields, contact_fields(f));
    let fields = merge(
        g.base(),
        json!({
            "check": "open",
            "expected_user_id": hex(g.user.as_bytes()),
            "fields": fields_json(f),
            "updated_at": updated_at.0,
            "contact_data_key": hex(key),
            "plaintext": hex(&pt),
            "nonce": hex(nonce),
            "aad": hex(&aad),
            "ciphertext": hex(&ct),
            "payload": hex(&payload),
            "contact_data": hex(&bytes),
        }),
    );
    Sealed { bytes, nonce, ciphertext: ct, fields }
}

const FULL: [&str; 8] =
    ["Erika", "Mustermann", "+49 (221) 1234-567", "erika@example.org", "Heidestraße", "17a", "51147", "Köln"];

pub fn generate() -> Topic {
    let mut rng = common::rng("contact_data");
    let mut t = Topic::new(
        "contact_data",
        "Encrypted and signed contact data (docs/PROTOCOL.md §8.1): COSE_Sign1 ES256, content type \
         application/luca.v1.contact-data, payload [1, user_id, guest_key, updated_at, nonce, ciphertext]; \
         AES-128-GCM under HKDF-SHA256(data_secret, info luca/v1/contact-data-key), \
         aad = luca/v1/aad/contact-data || user_id || guest_key || updated_at_be64. Size cap 8192 bytes. \
         `check` names the operation whose result `expect` is.",
    );
    let g = Guest::new(&mut rng);

    // ------------------------------------------------------------ positive
    let full = seal(&mut rng, &g, &FULL, NOW);
    t.case("ok_full", "ok", full.fields.clone());
    let minimal = ["Ali", "Yılmaz", "0301234567", "", "", "", "", ""];
    let s = seal(&mut rng, &g, &minimal, NOW);
    t.case("ok_minimal", "ok", s.fields);
    let formula = [
        "=cmd|' /C calc'!A0",
        "@SUM(1+1)*cmd|' /C calc'!A0",
        "+49 30 123",
        "=HYPERLINK(\"http://example.invalid\")",
        "+Hauptstraße",
        "-1",
        "=1+1",
        "\"; DROP TABLE guests; --",
    ];
    let s = seal(&mut rng, &g, &formula, NOW);
    t.case("ok_formula_looking_fields", "ok", s.fields);
    let a64 = "ä".repeat(32);
    let l64 = "M".repeat(64);
    let p32 = "+".to_owned() + &"1".repeat(31);
    let e254 = "e".repeat(242) + "@example.org";
    let s128 = "s".repeat(128);
    let h16 = "1".repeat(16);
    let c64 = "ö".repeat(32);
    let max = [
        a64.as_str(),
        l64.as_str(),
        p32.as_str(),
        e254.as_str(),
        s128.as_str(),
        h16.as_str(),
        h16.as_str(),
        c64.as_str(),
    ];
    let s = seal(&mut rng, &g, &max, NOW);
    t.case("ok_max_lengths", "ok", s.fields);

    // Update: a later version signed by the same key.
    let mut updated = FULL;
    updated[7] = "Berlin";
    let later = seal(&mut rng, &g, &updated, NOW.plus_secs(3600));
    let mut f = later.fields.clone();
    f["check"] = json!("is_update_of");
    f["previous"] = hex(&full.bytes);
    assert_eq!(update_outcome(&later.bytes, &full.bytes), "ok");
    t.case("ok_update", "ok", f);

    // ------------------------------------------------------ binding attacks
    let other_user = UserId::random(&mut rng);
    let attacker = GuestSigningKey::generate(&mut rng);
    let attacker_bytes = attacker.to_bytes().to_vec();
    let attacker_key = attacker.public_key().to_bytes();

    let negative =
        |t: &mut Topic, name: &str, bytes: &[u8], expected_user: &UserId, secret: &DataSecret, extra: Value| {
            let kind = open_outcome(bytes, expected_user, secret);
            assert_ne!(kind, "ok", "{name}");
            let f = merge(
                g.base(),
                merge(
                    json!({
                        "check": "open",
                        "expected_user_id": hex(expected_user.as_bytes()),
                        "data_secret": hex(secret.expose_secret()),
                        "contact_data": hex(bytes),
                    }),
                    extra,
                ),
            );
            t.case(name, &kind, f);
        };

    negative(
        &mut t,
        "swapped_between_users",
        &full.bytes,
        &other_user,
        &g.secret(),
        json!({"note": "the server returns this user's contact data for another user id"}),
    );
    let relabelled = cose_sign(
        CONTENT_TYPE,
        &attacker_bytes,
        payload_of(1, other_user.as_bytes(), &attacker_key, NOW.0, &full.nonce, &full.ciphertext),
    );
    negative(
        &mut t,
        "relabelled_to_other_user_and_resigned",
        &relabelled,
        &other_user,
        &g.secret(),
        json!({"attacker_private_key": hex(&attacker_bytes), "note": "user id changed, re-signed by the attacker's key placed in the payload"}),
    );
    let resigned_same = cose_sign(
        CONTENT_TYPE,
        &attacker_bytes,
        payload_of(1, g.user.as_bytes(), &g.guest_key, NOW.0, &full.nonce, &full.ciphertext),
    );
    negative(
        &mut t,
        "resigned_by_another_key",
        &resigned_same,
        &g.user,
        &g.secret(),
        json!({"attacker_private_key": hex(&attacker_bytes), "note": "payload unchanged (victim's guest_key), signed by another key"}),
    );
    let resigned_own = cose_sign(
        CONTENT_TYPE,
        &attacker_bytes,
        payload_of(1, g.user.as_bytes(), &attacker_key, NOW.0, &full.nonce, &full.ciphertext),
    );
    negative(
        &mut t,
        "resigned_with_attackers_guest_key",
        &resigned_own,
        &g.user,
        &g.secret(),
        json!({"attacker_private_key": hex(&attacker_bytes), "note": "guest_key replaced by the attacker's, signed by it: the signature verifies, the AAD does not"}),
    );
    let wrong_secret = DataSecret::random(&mut rng);
    negative(&mut t, "wrong_data_secret", &full.bytes, &g.user, &wrong_secret, json!({}));

    // ------------------------------------------------------------ tampering
    let mut ct = full.ciphertext.clone();
    ct[0] ^= 0x01;
    let tampered = payload_of(1, g.user.as_bytes(), &g.guest_key, NOW.0, &full.nonce, &ct);
    let mut not_resigned = full.bytes.clone();
    let pos = not_resigned.windows(full.ciphertext.len()).position(|w| w == full.ciphertext.as_slice()).unwrap();
    not_resigned[pos] ^= 0x01;
    negative(
        &mut t,
        "tampered_ciphertext",
        &not_resigned,
        &g.user,
        &g.secret(),
        json!({"note": "first ciphertext byte flipped, signature left as is"}),
    );
    negative(
        &mut t,
        "tampered_ciphertext_resigned",
        &cose_sign(CONTENT_TYPE, &g.sk_bytes, tampered),
        &g.user,
        &g.secret(),
        json!({"note": "first ciphertext byte flipped and re-signed with the guest key"}),
    );
    let mut nonce = full.nonce;
    nonce[11] ^= 0x80;
    negative(
        &mut t,
        "tampered_nonce_resigned",
        &cose_sign(
            CONTENT_TYPE,
            &g.sk_bytes,
            payload_of(1, g.user.as_bytes(), &g.guest_key, NOW.0, &nonce, &full.ciphertext),
        ),
        &g.user,
        &g.secret(),
        json!({}),
    );
    negative(
        &mut t,
        "tampered_updated_at_resigned",
        &cose_sign(
            CONTENT_TYPE,
            &g.sk_bytes,
            payload_of(1, g.user.as_bytes(), &g.guest_key, NOW.0 + 1, &full.nonce, &full.ciphertext),
        ),
        &g.user,
        &g.secret(),
        json!({}),
    );
    let mut bad_sig = full.bytes.clone();
    let last = bad_sig.len() - 1;
    bad_sig[last] ^= 0x01;
    let kind = verify_outcome(&bad_sig);
    assert_eq!(kind, "bad_signature");
    t.case(
        "tampered_signature",
        &kind,
        merge(g.base(), json!({"check": "verify_signature", "contact_data": hex(&bad_sig)})),
    );
    let kind = verify_outcome(&resigned_same);
    assert_eq!(kind, "bad_signature");
    t.case(
        "resigned_by_another_key_server_check",
        &kind,
        merge(g.base(), json!({"check": "verify_signature", "contact_data": hex(&resigned_same)})),
    );

    // ------------------------------------- hostile plaintext (guest key, data secret known)
    let raw = |rng: &mut ChaCha20Rng, version: u64, f: &[&str; 8]| {
        let mut nonce = [0u8; 12];
        rng.fill_bytes(&mut nonce);
        let pt = plaintext_of(version, f);
        let ct =
            aes_seal(&key_of(g.secret.expose_secret()), &nonce, &aad_of(g.user.as_bytes(), &g.guest_key, NOW.0), &pt);
        let bytes =
            cose_sign(CONTENT_TYPE, &g.sk_bytes, payload_of(1, g.user.as_bytes(), &g.guest_key, NOW.0, &nonce, &ct));
        (bytes, pt)
    };
    let hostile: [(&str, u64, [&str; 8]); 7] = [
        ("plaintext_control_char_in_last_name", 1, ["Erika", "Muster\nmann", "0301234567", "", "", "", "", ""]),
        ("plaintext_bidi_override_in_city", 1, ["Erika", "Mustermann", "0301234567", "", "", "", "", "\u{202e}nlöK"]),
        ("plaintext_nul_in_email", 1, ["Erika", "Mustermann", "0301234567", "a\u{0}@b", "", "", "", ""]),
        ("plaintext_phone_with_letters", 1, ["Erika", "Mustermann", "=1+1", "", "", "", "", ""]),
        ("plaintext_empty_first_name", 1, ["", "Mustermann", "0301234567", "", "", "", "", ""]),
        ("plaintext_wrong_version", 2, FULL),
        ("plaintext_city_not_nfc", 1, ["Erika", "Mustermann", "0301234567", "", "", "", "", "Ko\u{308}ln"]),
    ];
    for (name, version, f) in hostile {
        let (bytes, pt) = raw(&mut rng, version, &f);
        negative(
            &mut t,
            name,
            &bytes,
            &g.user,
            &g.secret(),
            json!({"fields_utf8_hex": fields_hex_json(&f), "plaintext": hex(&pt), "note": "encrypted and signed correctly, bypassing the guest-side validation"}),
        );
    }

    // ------------------------------------------------ guest-side validation
    let fe = "\u{feff}Erika";
    let c1 = "Heide\u{85}straße";
    let lrm = "\u{200f}51147";
    let alm = "\u{61c}17";
    let iso = "K\u{2067}öln";
    let tab = "Erika\tMustermann";
    let del = "Muster\u{7f}";
    let long_first = "a".repeat(65);
    let long_city = "c".repeat(65);
    let invalid: Vec<(&str, [&str; 8])> = vec![
        ("validate_bom_in_first_name", [fe, "M", "030123", "", "", "", "", ""]),
        ("validate_c1_control_in_street", ["E", "M", "030123", "", c1, "", "", ""]),
        ("validate_rlm_in_postcode", ["E", "M", "030123", "", "", "", lrm, ""]),
        ("validate_alm_in_house_number", ["E", "M", "030123", "", "", alm, "", ""]),
        ("validate_isolate_in_city", ["E", "M", "030123", "", "", "", "", iso]),
        ("validate_tab_in_first_name", [tab, "M", "030123", "", "", "", "", ""]),
        ("validate_del_in_last_name", ["E", del, "030123", "", "", "", "", ""]),
        ("validate_first_name_too_long", [&long_first, "M", "030123", "", "", "", "", ""]),
        ("validate_city_too_long", ["E", "M", "030123", "", "", "", "", &long_city]),
        ("validate_phone_too_short", ["E", "M", "12", "", "", "", "", ""]),
        ("validate_phone_two_digits", ["E", "M", "+(1) 2", "", "", "", "", ""]),
        ("validate_empty_last_name", ["E", "", "030123", "", "", "", "", ""]),
        ("validate_city_not_nfc", ["E", "M", "030123", "", "", "", "", "Ko\u{308}ln"]),
        ("validate_zero_width_space_in_email", ["E", "M", "030123", "eve\u{200b}@example.org", "", "", "", ""]),
        ("validate_line_separator_in_city", ["E", "M", "030123", "", "", "", "", "Köln\u{2028}"]),
        ("validate_paragraph_separator_in_house_number", ["E", "M", "030123", "", "", "1\u{2029}2", "", ""]),
        ("validate_soft_hyphen_in_last_name", ["E", "Muster\u{ad}mann", "030123", "", "", "", "", ""]),
        ("validate_word_joiner_in_first_name", ["Eri\u{2060}ka", "M", "030123", "", "", "", "", ""]),
        ("validate_tag_character_in_street", ["E", "M", "030123", "", "Haupt\u{e0041}straße", "", "", ""]),
    ];
    for (name, f) in invalid {
        let err = contact_fields(&f).validate().unwrap_err();
        t.case(name, err.kind(), json!({"check": "validate", "fields_utf8_hex": fields_hex_json(&f)}));
    }

    // ------------------------------------------------------------- decoding
    for (name, bytes) in common::truncations_and_trailing(&full.bytes) {
        negative(&mut t, &name, &bytes, &g.user, &g.secret(), json!({}));
    }
    let mut oversize = full.bytes.clone();
    oversize.resize(ContactDataIn::MAX_LEN + 1, 0);
    negative(
        &mut t,
        "oversize",
        &oversize,
        &g.user,
        &g.secret(),
        json!({"note": "a valid object padded to 8193 bytes"}),
    );
    negative(
        &mut t,
        "wrong_version",
        &cose_sign(
            CONTENT_TYPE,
            &g.sk_bytes,
            payload_of(2, g.user.as_bytes(), &g.guest_key, NOW.0, &full.nonce, &full.ciphertext),
        ),
        &g.user,
        &g.secret(),
        json!({}),
    );
    negative(
        &mut t,
        "wrong_content_type",
        &cose_sign(
            "application/luca.v1.venue-descriptor",
            &g.sk_bytes,
            payload_of(1, g.user.as_bytes(), &g.guest_key, NOW.0, &full.nonce, &full.ciphertext),
        ),
        &g.user,
        &g.secret(),
        json!({}),
    );
    let mut bad_point = g.guest_key;
    bad_point[64] ^= 0x01;
    negative(
        &mut t,
        "guest_key_not_on_curve",
        &cose_sign(
            CONTENT_TYPE,
            &g.sk_bytes,
            payload_of(1, g.user.as_bytes(), &bad_point, NOW.0, &full.nonce, &full.ciphertext),
        ),
        &g.user,
        &g.secret(),
        json!({}),
    );
    negative(
        &mut t,
        "ciphertext_too_long",
        &cose_sign(
            CONTENT_TYPE,
            &g.sk_bytes,
            payload_of(1, g.user.as_bytes(), &g.guest_key, NOW.0, &full.nonce, &[0u8; 4113]),
        ),
        &g.user,
        &g.secret(),
        json!({"note": "4113-byte ciphertext (cap 4096 + 16)"}),
    );
    negative(
        &mut t,
        "nonce_wrong_length",
        &cose_sign(
            CONTENT_TYPE,
            &g.sk_bytes,
            payload_of(1, g.user.as_bytes(), &g.guest_key, NOW.0, &full.nonce[..8], &full.ciphertext),
        ),
        &g.user,
        &g.secret(),
        json!({}),
    );

    // -------------------------------------------------------------- updates
    let update_case = |t: &mut Topic, name: &str, new: &[u8], previous: &[u8], note: &str| {
        let kind = update_outcome(new, previous);
        assert_ne!(kind, "ok", "{name}");
        t.case(
            name,
            &kind,
            json!({"check": "is_update_of", "contact_data": hex(new), "previous": hex(previous), "note": note}),
        );
    };
    update_case(
        &mut t,
        "update_replays_older_version",
        &full.bytes,
        &later.bytes,
        "the older version offered as an update of the newer one",
    );
    let same_time = seal(&mut rng, &g, &updated, NOW);
    update_case(&mut t, "update_not_newer", &same_time.bytes, &full.bytes, "same updated_at");
    let hijack =
        ContactData::seal(&mut rng, &attacker, g.user, &g.secret, &contact_fields(&updated), NOW.plus_secs(7200))
            .unwrap();
    update_case(
        &mut t,
        "update_by_another_key",
        hijack.as_bytes(),
        &full.bytes,
        "another guest key claims the user id",
    );
    let moved =
        ContactData::seal(&mut rng, &g.sk, other_user, &g.secret, &contact_fields(&updated), NOW.plus_secs(7200))
            .unwrap();
    update_case(&mut t, "update_for_another_user", moved.as_bytes(), &full.bytes, "same key, another user id");
    let forged = cose_sign(
        CONTENT_TYPE,
        &attacker_bytes,
        payload_of(1, g.user.as_bytes(), &g.guest_key, NOW.0 + 7200, &full.nonce, &full.ciphertext),
    );
    update_case(
        &mut t,
        "update_with_forged_signature",
        &forged,
        &full.bytes,
        "the victim's guest_key in the payload, signed by another key",
    );

    // ------------------------------------- invisible format characters (added last: earlier cases keep their bytes)
    // U+200C and U+200D are the only format characters allowed: Persian, Arabic and Indic names need them.
    let zwnj = ["علی\u{200c}رضا", "Rezaei", "0301234567", "", "", "", "", ""];
    let mut s = seal(&mut rng, &g, &zwnj, NOW);
    // Invisible characters are never written raw into the vector file: the fields as hex here too.
    if let Value::Object(m) = &mut s.fields {
        m.remove("fields");
        m.insert("fields_utf8_hex".to_owned(), fields_hex_json(&zwnj));
    }
    t.case("ok_zero_width_non_joiner_in_first_name", "ok", s.fields);
    let (bytes, pt) = raw(&mut rng, 1, &["Erika", "Muster\u{200b}mann", "0301234567", "", "", "", "", ""]);
    negative(
        &mut t,
        "plaintext_zero_width_space_in_last_name",
        &bytes,
        &g.user,
        &g.secret(),
        json!({"fields_utf8_hex": fields_hex_json(&["Erika", "Muster\u{200b}mann", "0301234567", "", "", "", "", ""]), "plaintext": hex(&pt), "note": "encrypted and signed correctly, bypassing the guest-side validation"}),
    );

    // ------------------------------------- appended (issue 13)
    // Which field an `invalid_field` names (§8.1 field rules, three passes); `error_field` is that field.
    let long_city = "c".repeat(65);
    let passes: [(&str, [&str; 8], &str); 2] = [
        (
            "plaintext_nfc_before_characters",
            ["Er\u{1}ika", "Mustermann", "0301234567", "", "", "", "", "Ko\u{308}ln"],
            "city",
        ),
        (
            "plaintext_max_length_before_nfc",
            ["E\u{301}rika", "Muster\u{7}mann", "0301234567", "", "", "", "", long_city.as_str()],
            "city",
        ),
    ];
    for (name, f, field) in passes {
        let (bytes, pt) = raw(&mut rng, 1, &f);
        let err = luca_protocol::messages::contact_data::ContactFields::from_plaintext(&pt).unwrap_err();
        assert_eq!(err, luca_protocol::error::DecodeError::InvalidField { field }, "{name}");
        negative(
            &mut t,
            name,
            &bytes,
            &g.user,
            &g.secret(),
            json!({"fields_utf8_hex": fields_hex_json(&f), "plaintext": hex(&pt), "error_field": field, "note": "encrypted and signed correctly; `error_field` is the field the error names"}),
        );
    }
    // Payload fields of the wrong length, sign or depth (§8.1 decoding, §2.1 step 3 with the limit 1).
    let payload_items = |user: Cbor, updated_at: Cbor| {
        cbor(&Cbor::Array(vec![
            Cbor::Integer(1.into()),
            user,
            Cbor::Bytes(g.guest_key.to_vec()),
            updated_at,
            Cbor::Bytes(full.nonce.to_vec()),
            Cbor::Bytes(full.ciphertext.clone()),
        ]))
    };
    let user_bytes = Cbor::Bytes(g.user.as_bytes().to_vec());
    let now_item = Cbor::Integer(NOW.0.into());
    for (name, expect, payload) in [
        (
            "payload_user_id_15_bytes",
            "wrong_length",
            payload_items(Cbor::Bytes(g.user.as_bytes()[..15].to_vec()), now_item.clone()),
        ),
        ("payload_updated_at_negative", "invalid_field", payload_items(user_bytes.clone(), Cbor::Integer((-1).into()))),
        (
            "payload_nested_array",
            "nesting_too_deep",
            payload_items(Cbor::Array(vec![user_bytes.clone()]), now_item.clone()),
        ),
    ] {
        let bytes = cose_sign(CONTENT_TYPE, &g.sk_bytes, payload);
        assert_eq!(open_outcome(&bytes, &g.user, &g.secret()), expect, "{name}");
        negative(&mut t, name, &bytes, &g.user, &g.secret(), json!({}));
    }

    t
}
