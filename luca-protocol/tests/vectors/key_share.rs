//! Test vectors: key shares (spec: docs/PROTOCOL.md §8.8).
//!
//! Every case is self-contained: the recipient's encryption private key and
//! id, the announced public key, the operation (`open_as`: `daily` or
//! `badge`) and the `key_share` bytes. Positive cases also carry what is
//! needed to reproduce the sealing byte for byte: the shared `private_key`,
//! the `aad` and the `ephemeral_ikm` (`enc` = the public key of RFC 9180
//! `DeriveKeyPair(ephemeral_ikm)`).
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::arithmetic_side_effects,
    clippy::panic,
    clippy::cast_possible_truncation
)]

use luca_protocol::ids::HealthOfficeId;
use luca_protocol::keys::{DailyPrivateKey, EncryptionPublicKey, HealthOfficeEncryptionKey};
use luca_protocol::labels;
use luca_protocol::messages::key_share::{KeyShare, KeyShareIn};
use luca_protocol::signed::daily_key_announcement::KeyPurpose;
use rand_chacha::ChaCha20Rng;
use rand_core::Rng as _;
use serde_json::json;

use crate::common::{self, Topic, hex};

/// Opens `bytes` as the case says; "ok" or the error kind.
fn run(
    bytes: &[u8],
    open_as: KeyPurpose,
    recipient_key: &HealthOfficeEncryptionKey,
    recipient_id: HealthOfficeId,
    announced: &EncryptionPublicKey,
) -> (String, Option<Vec<u8>>) {
    let share = match KeyShareIn::from_slice(bytes) {
        Ok(s) => s,
        Err(e) => return (e.kind().to_string(), None),
    };
    let opened = match open_as {
        KeyPurpose::Daily => share.open_daily(recipient_key, recipient_id, announced).map(|k| k.to_bytes().to_vec()),
        KeyPurpose::Badge => share.open_badge(recipient_key, recipient_id, announced).map(|k| k.to_bytes().to_vec()),
    };
    match opened {
        Ok(k) => ("ok".to_string(), Some(k)),
        Err(e) => (e.kind().to_string(), None),
    }
}

fn purpose_name(p: KeyPurpose) -> &'static str {
    match p {
        KeyPurpose::Daily => "daily",
        KeyPurpose::Badge => "badge",
    }
}

/// The 32 bytes the next HPKE seal draws from `rng` as its ephemeral IKM.
fn peek_ikm(rng: &ChaCha20Rng) -> [u8; 32] {
    let mut probe = rng.clone();
    let mut ikm = [0u8; 32];
    probe.fill_bytes(&mut ikm);
    ikm
}

struct Ctx {
    issuer: HealthOfficeId,
    recipient_id: HealthOfficeId,
    recipient_key: HealthOfficeEncryptionKey,
}

impl Ctx {
    #[allow(clippy::too_many_arguments)]
    fn negative(
        &self,
        t: &mut Topic,
        name: &str,
        expect: &str,
        bytes: &[u8],
        open_as: KeyPurpose,
        recipient_key: &HealthOfficeEncryptionKey,
        recipient_id: HealthOfficeId,
        announced: &EncryptionPublicKey,
    ) {
        let (got, _) = run(bytes, open_as, recipient_key, recipient_id, announced);
        assert_ne!(got, "ok", "{name} must fail");
        assert_eq!(got, expect, "{name}");
        t.case(
            name,
            &got,
            json!({
                "open_as": purpose_name(open_as),
                "recipient_id": hex(recipient_id.as_bytes()),
                "recipient_private_key": hex(recipient_key.to_bytes().as_slice()),
                "announced_public_key": hex(announced.to_bytes()),
                "key_share": hex(bytes),
            }),
        );
    }
}

pub fn generate() -> Topic {
    let mut rng = common::rng("key_share");
    let mut t = Topic::new(
        "key_share",
        "Key shares (docs/PROTOCOL.md §8.8): a daily or badge private key sealed with HPKE \
         (info \"luca/v1/hpke/key-share\", AAD purpose_u8 ‖ key_id_be16 ‖ issuer ‖ recipient) to another \
         health office's encryption key. Open with recipient_private_key as `open_as`; on success the \
         recovered private_key's public key equals announced_public_key.",
    );
    let ctx = Ctx {
        issuer: HealthOfficeId::random(&mut rng),
        recipient_id: HealthOfficeId::random(&mut rng),
        recipient_key: HealthOfficeEncryptionKey::generate(&mut rng),
    };
    let recipient_pub = ctx.recipient_key.public_key();

    // Positive cases: a daily key (key id = a UTC day number) and a badge key.
    let mut valid: Vec<(KeyPurpose, Vec<u8>, DailyPrivateKey)> = Vec::new();
    for (purpose, key_id) in [(KeyPurpose::Daily, 20_421u16), (KeyPurpose::Badge, 7u16)] {
        let key = DailyPrivateKey::generate(&mut rng);
        let ikm = peek_ikm(&rng);
        let share =
            KeyShare::seal_to(&mut rng, purpose, key_id, ctx.issuer, ctx.recipient_id, &recipient_pub, &key.to_bytes())
                .unwrap();
        let bytes = share.to_bytes();
        let announced = key.public_key();
        let (got, opened) = run(&bytes, purpose, &ctx.recipient_key, ctx.recipient_id, &announced);
        assert_eq!(got, "ok");
        assert_eq!(opened.as_deref(), Some(key.to_bytes().as_slice()));
        let mut aad = vec![purpose.to_u8()];
        aad.extend_from_slice(&key_id.to_be_bytes());
        aad.extend_from_slice(ctx.issuer.as_bytes());
        aad.extend_from_slice(ctx.recipient_id.as_bytes());
        t.case(
            &format!("{}_key_share", purpose_name(purpose)),
            "ok",
            json!({
                "open_as": purpose_name(purpose),
                "purpose": purpose.to_u8(),
                "key_id": key_id,
                "issuer": hex(ctx.issuer.as_bytes()),
                "recipient": hex(ctx.recipient_id.as_bytes()),
                "recipient_id": hex(ctx.recipient_id.as_bytes()),
                "recipient_private_key": hex(ctx.recipient_key.to_bytes().as_slice()),
                "recipient_public_key": hex(recipient_pub.to_bytes()),
                "private_key": hex(key.to_bytes().as_slice()),
                "announced_public_key": hex(announced.to_bytes()),
                "ephemeral_ikm": hex(ikm),
                "info": hex(b"luca/v1/hpke/key-share"),
                "aad": hex(&aad),
                "key_share": hex(&bytes),
            }),
        );
        valid.push((purpose, bytes, key));
    }

    let (_, daily, daily_key) = &valid[0];
    let announced = daily_key.public_key();
    let rk = &ctx.recipient_key;
    let rid = ctx.recipient_id;
    let d = KeyPurpose::Daily;

    // Open-stage failures.
    let wrong_key = HealthOfficeEncryptionKey::generate(&mut rng);
    ctx.negative(&mut t, "wrong_recipient_key", "decryption_failed", daily, d, &wrong_key, rid, &announced);
    let other_announced = DailyPrivateKey::generate(&mut rng).public_key();
    ctx.negative(&mut t, "wrong_announced_key", "binding_mismatch", daily, d, rk, rid, &other_announced);
    ctx.negative(&mut t, "other_recipient_id", "binding_mismatch", daily, d, rk, ctx.issuer, &announced);
    ctx.negative(
        &mut t,
        "daily_share_opened_as_badge",
        "binding_mismatch",
        daily,
        KeyPurpose::Badge,
        rk,
        rid,
        &announced,
    );

    // Layout: 0x87 0x01 purpose(1) 0x19 key_id(2) 0x50 issuer(16) 0x50 recipient(16) 0x58 0x41 enc(65) 0x58 0x30 ct(48).
    assert_eq!(&daily[..4], &[0x87, 0x01, 0x00, 0x19]);
    let mutate = |f: &dyn Fn(&mut Vec<u8>)| {
        let mut b = daily.clone();
        f(&mut b);
        b
    };
    let retargeted: [(&str, Vec<u8>, KeyPurpose); 5] = [
        ("key_id_changed", mutate(&|b| b[5] ^= 0x01), d),
        ("issuer_changed", mutate(&|b| b[7] ^= 0x01), d),
        ("purpose_changed_to_badge", mutate(&|b| b[2] = 0x01), KeyPurpose::Badge),
        ("ciphertext_tampered", mutate(&|b| *b.last_mut().unwrap() ^= 0x01), d),
        ("enc_replaced_by_other_point", mutate(&|b| b[42..107].copy_from_slice(&other_announced.to_bytes())), d),
    ];
    for (name, b, open_as) in retargeted {
        ctx.negative(&mut t, name, "decryption_failed", &b, open_as, rk, rid, &announced);
    }

    // Decode failures.
    let mut decode_cases: Vec<(String, &str, Vec<u8>)> = Vec::new();
    for (name, b) in common::truncations_and_trailing(daily) {
        let expect = if name == "trailing_byte" { "trailing_bytes" } else { "truncated" };
        decode_cases.push((name, expect, b));
    }
    decode_cases.push(("wrong_version".into(), "unsupported_version", mutate(&|b| b[1] = 0x02)));
    decode_cases.push(("purpose_2".into(), "invalid_field", mutate(&|b| b[2] = 0x02)));
    decode_cases.push(("enc_not_on_curve".into(), "invalid_point", mutate(&|b| b[106] ^= 0x01)));
    decode_cases.push(("enc_compressed_prefix".into(), "invalid_point", mutate(&|b| b[42] = 0x02)));
    // key_id 7 written in two bytes instead of one: not the deterministic encoding.
    let (_, badge, _) = &valid[1];
    let mut long = badge[..3].to_vec();
    long.extend_from_slice(&[0x18, 0x07]);
    long.extend_from_slice(&badge[4..]);
    decode_cases.push(("key_id_non_canonical".into(), "non_canonical", long));
    // Array of 6 items (ciphertext dropped).
    let mut short = daily[..daily.len() - 50].to_vec();
    short[0] = 0x86;
    decode_cases.push(("wrong_arity".into(), "wrong_arity", short));
    // Ciphertext of 47 bytes.
    let mut ct47 = daily[..daily.len() - 50].to_vec();
    ct47.extend_from_slice(&[0x58, 0x2f]);
    ct47.extend_from_slice(&daily[daily.len() - 48..daily.len() - 1]);
    decode_cases.push(("ciphertext_47_bytes".into(), "wrong_length", ct47));
    decode_cases.push(("too_long".into(), "too_long", vec![0u8; KeyShare::MAX_LEN + 1]));
    for (name, expect, b) in decode_cases {
        ctx.negative(&mut t, &name, expect, &b, d, rk, rid, &announced);
    }

    // Appended (issue 13): `key_id` above 16 bits and a short `issuer` (§8.8 decoding), and shares that open but
    // carry no private scalar in [1, n−1] (opening step 4): sealed by hand, since `seal_to` refuses them.
    let mut later = Vec::new();
    later.push(("key_id_65536", "invalid_field", [&daily[..3], &[0x1a, 0x00, 0x01, 0x00, 0x00], &daily[6..]].concat()));
    later.push((
        "issuer_15_bytes",
        "wrong_length",
        mutate(&|b| {
            b[6] = 0x4f;
            b.remove(7);
        }),
    ));
    let aad = [&daily[2..3], &daily[4..6], &daily[7..23], &daily[24..40]].concat();
    let mut seal_rng = common::rng("key_share/appended");
    for (name, scalar) in [
        ("private_key_zero", [0u8; 32]),
        (
            "private_key_n",
            <[u8; 32]>::try_from(
                hex::decode("ffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551").unwrap(),
            )
            .unwrap(),
        ),
    ] {
        let (enc, ct) =
            common::hpke_seal(&mut seal_rng, &rk.public_key().to_bytes(), labels::HPKE_KEY_SHARE, &aad, &scalar);
        later.push((name, "invalid_field", [&daily[..40], &[0x58, 0x41], &enc, &[0x58, 0x30], &ct].concat()));
    }
    for (name, expect, b) in later {
        ctx.negative(&mut t, name, expect, &b, d, rk, rid, &announced);
    }
    t
}
