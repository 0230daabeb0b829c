//! Test vectors: badge attestations (spec: docs/PROTOCOL.md §7.4).
//!
//! Every case is self-contained: the trust anchor's public key, the
//! registrar's certificate, the `attestation` bytes, `now` and the
//! `badge_private_key`. `expect` is the outcome of: decode the attestation,
//! decode the registrar certificate and verify it under the anchor at `now`,
//! verify the attestation against it at `now`, open it with the badge private
//! key. The positive case carries the whole chain from the printed serial:
//! `serial_value` → `badge_seed` (Argon2id) → badge secrets → HPKE seal
//! (`ephemeral_ikm`, `info`, `aad`, `plaintext`) → payload → signature.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::arithmetic_side_effects,
    clippy::panic
)]

use luca_protocol::derive;
use luca_protocol::ids::{BadgeKeyId, RegistrarId};
use luca_protocol::keys::{BadgePrivateKey, RegistrarKey, SignaturePublicKey, TrustAnchorKey};
use luca_protocol::signed::badge_attestation::{BadgeAttestation, BadgeAttestationIn};
use luca_protocol::signed::registrar_certificate::{RegistrarCertificate, RegistrarCertificateIn};
use luca_protocol::time::{UnixTime, Validity};
use rand_chacha::ChaCha20Rng;
use rand_core::Rng as _;
use serde_json::{Value as Json, json};

use crate::certificates::{
    DAY, Y2026, Y2028, b, flip_last, framing_cases, msg, non_canonical_version, protected_with, replace, sig_structure,
    sign1, u, with_unprotected,
};
use crate::common::{self, Topic, hex};

const CT: &str = "application/luca.v1.badge-attestation";

/// Decode, verify the certificate, verify, open: "ok" with the opened `user_id ‖ data_secret`, or the error kind.
fn run(
    bytes: &[u8],
    cert: &[u8],
    anchor: &SignaturePublicKey,
    now: UnixTime,
    key: &BadgePrivateKey,
) -> (String, Vec<u8>) {
    let a = match BadgeAttestationIn::from_slice(bytes) {
        Ok(a) => a,
        Err(e) => return (e.kind().to_string(), Vec::new()),
    };
    let cert = match RegistrarCertificateIn::from_slice(cert).map(|c| c.verify(anchor, now)) {
        Ok(Ok(c)) => c,
        Ok(Err(e)) => return (e.kind().to_string(), Vec::new()),
        Err(e) => return (e.kind().to_string(), Vec::new()),
    };
    let a = match a.verify(&cert, now) {
        Ok(a) => a,
        Err(e) => return (e.kind().to_string(), Vec::new()),
    };
    match a.open(key) {
        Ok((uid, ds)) => {
            let mut out = uid.as_bytes().to_vec();
            out.extend_from_slice(ds.expose_secret());
            ("ok".to_string(), out)
        }
        Err(e) => (e.kind().to_string(), Vec::new()),
    }
}

/// The 32 bytes the next HPKE seal draws from `rng` as its ephemeral IKM.
fn peek_ikm(rng: &ChaCha20Rng) -> [u8; 32] {
    let mut probe = rng.clone();
    let mut ikm = [0u8; 32];
    probe.fill_bytes(&mut ikm);
    ikm
}

/// The payload items, for re-encoding with changes.
#[derive(Clone)]
struct Parts {
    key_id: u64,
    trace_key: Vec<u8>,
    enc: Vec<u8>,
    ct: Vec<u8>,
    issued_at: u64,
    registrar_id: Vec<u8>,
}

impl Parts {
    fn encode(&self, version: u64) -> Vec<u8> {
        msg(vec![
            u(version),
            u(self.key_id),
            b(&self.trace_key),
            b(&self.enc),
            b(&self.ct),
            u(self.issued_at),
            b(&self.registrar_id),
        ])
    }

    fn with(&self, f: impl FnOnce(&mut Self)) -> Self {
        let mut p = self.clone();
        f(&mut p);
        p
    }
}

struct Ctx {
    anchor_pub: SignaturePublicKey,
    cert: Vec<u8>,
    badge_key: BadgePrivateKey,
}

impl Ctx {
    #[allow(clippy::too_many_arguments)]
    fn case_with(
        &self,
        t: &mut Topic,
        name: &str,
        expect: &str,
        bytes: &[u8],
        cert: &[u8],
        key: &BadgePrivateKey,
        now: UnixTime,
        extra: Json,
    ) -> Vec<u8> {
        let (got, opened) = run(bytes, cert, &self.anchor_pub, now, key);
        assert_eq!(got, expect, "{name}");
        let mut fields = json!({
            "anchor_public_key": hex(self.anchor_pub.to_bytes()),
            "registrar_certificate": hex(cert),
            "badge_private_key": hex(key.to_bytes().as_slice()),
            "now": now.0,
            "attestation": hex(bytes),
        });
        if let (Json::Object(f), Json::Object(e)) = (&mut fields, extra) {
            f.extend(e);
        }
        t.case(name, &got, fields);
        opened
    }

    fn case(&self, t: &mut Topic, name: &str, expect: &str, bytes: &[u8], now: UnixTime) {
        self.case_with(t, name, expect, bytes, &self.cert, &self.badge_key, now, json!({}));
    }
}

#[allow(clippy::too_many_lines)]
pub fn generate() -> Topic {
    let mut rng = common::rng("badge_attestation");
    let mut topic = Topic::new(
        "badge_attestation",
        "Badge attestations (docs/PROTOCOL.md §7.4): COSE_Sign1/ES256 by the registrar, content \
         type application/luca.v1.badge-attestation, payload [1, badge_key_id, trace_key, enc, ciphertext, \
         issued_at, registrar_id]; enc/ciphertext = HPKE base-mode seal of user_id ‖ data_secret to the badge key, \
         info \"luca/v1/hpke/badge-inner\", aad 0x01 ‖ badge_key_id_be16 ‖ trace_key. Decode `attestation`; decode \
         registrar_certificate and verify it under anchor_public_key at `now`; verify the attestation at `now`; \
         open it with badge_private_key. `expect` is \"ok\" or the first error kind.",
    );
    let anchor = TrustAnchorKey::generate(&mut rng);
    let anchor_pub = anchor.public_key();
    let reg = RegistrarKey::generate(&mut rng);
    let reg_id = RegistrarId::random(&mut rng);
    let other_reg = RegistrarKey::generate(&mut rng);
    let badge_key = BadgePrivateKey::generate(&mut rng);
    let other_badge_key = BadgePrivateKey::generate(&mut rng);
    let reg_cert = |nb: u64, na: u64| {
        RegistrarCertificate::issue(
            &anchor,
            reg_id,
            "luca Venue Registrar",
            &reg.public_key(),
            Validity { not_before: UnixTime(nb), not_after: UnixTime(na) },
        )
        .unwrap()
        .to_bytes()
    };
    let cert = reg_cert(Y2026, Y2028);
    let now = common::NOW;
    let issued_at = now.0 - 30 * DAY;
    let badge_key_id = BadgeKeyId(1);

    // ---------------------------------------------------------------- positive
    // The printed serial's 60-bit value; one Argon2id call.
    let serial_value: u64 = 0x0a5b_3c2d_1e0f_9687;
    let serial = luca_protocol::badge_serial::BadgeSerial::from_be_bytes(serial_value.to_be_bytes()).unwrap();
    let seed = derive::badge_seed(&serial).unwrap();
    let secrets = derive::badge_secrets(&seed).unwrap();
    let ikm = peek_ikm(&rng);
    let att = BadgeAttestation::issue(
        &mut rng,
        &reg,
        reg_id,
        badge_key_id,
        &badge_key.public_key(),
        &secrets,
        UnixTime(issued_at),
    )
    .unwrap();
    let bytes = att.to_bytes();
    let rs = reg.to_bytes();
    let rs = rs.as_slice();
    let tk = secrets.trace_key.expose_secret().to_vec();

    // Read enc and ciphertext back from the payload (the layout is fixed: see the spec's byte table).
    // Payload: 87 01 <key_id 01> 50 <trace_key 16> 58 41 <enc 65> 58 30 <ct 48> 1a <issued_at 4> 50 <registrar_id 16>.
    let prefix = [0x87u8, 0x01, 0x01, 0x50];
    let start = bytes.windows(4).position(|w| w == prefix).unwrap();
    let p_len = 4 + 16 + 2 + 65 + 2 + 48 + 5 + 17;
    let payload = bytes[start..start + p_len].to_vec();
    let enc = payload[22..87].to_vec();
    let ct = payload[89..137].to_vec();
    let parts = Parts {
        key_id: 1,
        trace_key: tk.clone(),
        enc: enc.clone(),
        ct: ct.clone(),
        issued_at,
        registrar_id: reg_id.as_bytes().to_vec(),
    };
    assert_eq!(parts.encode(1), payload, "payload layout");
    assert_eq!(bytes, sign1(CT, &payload, rs), "independent encoder agrees");
    let mut aad = vec![0x01];
    aad.extend_from_slice(&badge_key_id.0.to_be_bytes());
    aad.extend_from_slice(&tk);
    let mut plaintext = secrets.user_id.as_bytes().to_vec();
    plaintext.extend_from_slice(secrets.data_secret.expose_secret());
    let prot = protected_with(-7, CT);
    let ctx = Ctx { anchor_pub, cert: cert.clone(), badge_key };
    let opened = ctx.case_with(
        &mut topic,
        "badge_attestation",
        "ok",
        &bytes,
        &cert,
        &ctx.badge_key,
        now,
        json!({
            "serial_value": serial_value,
            "serial_value_be64": hex(serial_value.to_be_bytes()),
            "badge_seed": hex(seed.expose_secret()),
            "user_id": hex(secrets.user_id.as_bytes()),
            "data_secret": hex(secrets.data_secret.expose_secret()),
            "tracing_secret": hex(secrets.tracing_secret.expose_secret()),
            "trace_key": hex(&tk),
            "registrar_private_key": hex(rs),
            "registrar_id": hex(reg_id.as_bytes()),
            "badge_key_id": badge_key_id.0,
            "badge_public_key": hex(ctx.badge_key.public_key().to_bytes()),
            "ephemeral_ikm": hex(ikm),
            "info": hex(b"luca/v1/hpke/badge-inner"),
            "aad": hex(&aad),
            "plaintext": hex(&plaintext),
            "enc": hex(&enc),
            "ciphertext": hex(&ct),
            "issued_at": issued_at,
            "payload": hex(&payload),
            "sig_structure": hex(sig_structure(&prot, &payload)),
        }),
    );
    assert_eq!(opened, plaintext, "opened user_id ‖ data_secret");

    // ---------------------------------------------------------------- time and issuer
    ctx.case(&mut topic, "ok_at_issued_at", "ok", &bytes, UnixTime(issued_at));
    ctx.case(&mut topic, "issued_after_now", "not_yet_valid", &bytes, UnixTime(issued_at - 1));
    let expired_cert = reg_cert(Y2026, now.0);
    ctx.case_with(
        &mut topic,
        "registrar_certificate_expired",
        "expired",
        &bytes,
        &expired_cert,
        &ctx.badge_key,
        now,
        json!({}),
    );
    let resigned = |p: &Parts| sign1(CT, &p.encode(1), rs);
    let n = |name: &str, expect: &str, b: &[u8], topic: &mut Topic| ctx.case(topic, name, expect, b, now);
    n("other_registrar_id", "wrong_issuer", &resigned(&parts.with(|p| p.registrar_id = vec![0x42; 16])), &mut topic);
    n("issued_at_in_future", "not_yet_valid", &resigned(&parts.with(|p| p.issued_at = now.0 + 1)), &mut topic);

    // ---------------------------------------------------------------- signature
    n("tampered_signature", "bad_signature", &flip_last(&bytes), &mut topic);
    let mut tk2 = tk.clone();
    tk2[0] ^= 0x01;
    n("trace_key_changed", "bad_signature", &replace(&bytes, &tk, &tk2), &mut topic);
    n("signed_by_other_key", "bad_signature", &sign1(CT, &payload, other_reg.to_bytes().as_slice()), &mut topic);

    // ---------------------------------------------------------------- opening (re-signed by the registrar)
    ctx.case_with(
        &mut topic,
        "wrong_badge_private_key",
        "decryption_failed",
        &bytes,
        &cert,
        &other_badge_key,
        now,
        json!({}),
    );
    n(
        "trace_key_changed_and_resigned",
        "decryption_failed",
        &resigned(&parts.with(|p| p.trace_key[15] ^= 0x01)),
        &mut topic,
    );
    n("badge_key_id_changed_and_resigned", "decryption_failed", &resigned(&parts.with(|p| p.key_id = 2)), &mut topic);
    n("ciphertext_tampered_and_resigned", "decryption_failed", &resigned(&parts.with(|p| p.ct[0] ^= 0x01)), &mut topic);
    let other_point = other_badge_key.public_key().to_bytes().to_vec();
    n(
        "enc_replaced_and_resigned",
        "decryption_failed",
        &resigned(&parts.with(|p| p.enc = other_point.clone())),
        &mut topic,
    );

    // ---------------------------------------------------------------- decoding
    let decode_cases: Vec<(&str, &str, Vec<u8>)> = vec![
        ("enc_not_on_curve", "invalid_point", resigned(&parts.with(|p| p.enc[64] ^= 0x01))),
        ("enc_compressed", "wrong_length", resigned(&parts.with(|p| p.enc.truncate(33)))),
        ("ciphertext_47_bytes", "wrong_length", resigned(&parts.with(|p| p.ct.truncate(47)))),
        ("trace_key_15_bytes", "wrong_length", resigned(&parts.with(|p| p.trace_key.truncate(15)))),
        ("registrar_id_17_bytes", "wrong_length", resigned(&parts.with(|p| p.registrar_id.push(0)))),
        ("badge_key_id_above_u16", "invalid_field", resigned(&parts.with(|p| p.key_id = 65_536))),
        ("wrong_version", "unsupported_version", sign1(CT, &parts.encode(2), rs)),
        ("non_canonical_payload", "non_canonical", sign1(CT, &non_canonical_version(&payload), rs)),
        ("wrong_arity", "wrong_arity", sign1(CT, &msg(vec![u(1), u(1), b(&tk), b(&enc), b(&ct), u(issued_at)]), rs)),
        ("wrong_content_type", "wrong_content_type", sign1("application/luca.v1.venue-descriptor", &payload, rs)),
        ("unprotected_header_present", "unexpected_header", with_unprotected(CT, &payload, rs)),
    ];
    for (name, expect, b) in decode_cases {
        n(name, expect, &b, &mut topic);
    }
    for (name, b, expect) in framing_cases(&bytes, 512) {
        n(&name, expect, &b, &mut topic);
    }
    // Appended (issue 13): `issued_at` of another CBOR type (§7.4 decoding, §2.1 step 8).
    let issued_at_null = msg(vec![u(1), u(1), b(&tk), b(&enc), b(&ct), ciborium::Value::Null, b(&parts.registrar_id)]);
    n("issued_at_null", "unexpected_type", &sign1(CT, &issued_at_null, rs), &mut topic);
    topic
}
