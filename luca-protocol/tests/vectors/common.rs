//! Shared harness of the deterministic test-vector generator.
//!
//! Every topic module exposes `pub fn generate() -> Topic`. Randomness comes
//! from ChaCha20 seeded with SHA-256 of the topic name (so adding a case to
//! one topic never changes another), time from [`NOW`].

#![allow(dead_code)]

use luca_protocol::time::UnixTime;
use rand_chacha::ChaCha20Rng;
use rand_core::SeedableRng;
use serde_json::{Map, Value, json};

/// The fixed clock of every vector: 2026-11-29T09:00:00Z.
pub const NOW: UnixTime = UnixTime(1_795_942_800);

/// A deterministic RNG for `topic` (seed = the topic name, zero-padded / truncated to 32 bytes).
pub fn rng(topic: &str) -> ChaCha20Rng {
    let mut seed = [0u8; 32];
    for (d, s) in seed.iter_mut().zip(topic.as_bytes()) {
        *d = *s;
    }
    ChaCha20Rng::from_seed(seed)
}

/// Lowercase hex.
pub fn hex(bytes: impl AsRef<[u8]>) -> Value {
    Value::String(hex::encode(bytes))
}

/// One vector file.
pub struct Topic {
    /// File name without `.json`.
    pub name: &'static str,
    /// What the file covers.
    pub description: String,
    /// The cases, in order.
    pub cases: Vec<Value>,
}

impl Topic {
    pub fn new(name: &'static str, description: impl Into<String>) -> Self {
        Self { name, description: description.into(), cases: Vec::new() }
    }

    /// Adds a case. `expect` is `"ok"` or an error kind (`DecodeError::kind()` etc.).
    /// `fields` are the case's inputs and outputs, named as in docs/PROTOCOL.md. The case's `rules` (the
    /// docs/PROTOCOL.md rule ids it breaks or exercises) come from [`crate::rules`]; a negative case must have
    /// at least one.
    pub fn case(&mut self, name: &str, expect: &str, fields: Value) {
        let mut m = Map::new();
        m.insert("name".into(), json!(name));
        m.insert("expect".into(), json!(expect));
        let rules = crate::rules::rules_for(self.name, name);
        assert!(expect == "ok" || !rules.is_empty(), "{}/{name}: a negative case names no rule (rules.rs)", self.name);
        if !rules.is_empty() {
            m.insert("rules".into(), json!(rules));
        }
        if let Value::Object(f) = fields {
            for (k, v) in f {
                assert!(
                    k != "name" && k != "expect" && k != "rules",
                    "{name}: field {k} would overwrite the case header"
                );
                m.insert(k, v);
            }
        }
        self.cases.push(Value::Object(m));
    }

    /// The JSON document, pretty-printed with a trailing newline.
    pub fn to_json(&self) -> String {
        let doc = json!({
            "version": 1,
            "description": self.description,
            "generator": "luca-protocol/tests/vectors (cargo test -p luca-protocol --test vectors)",
            "cases": self.cases,
        });
        let mut s = serde_json::to_string_pretty(&doc).expect("json");
        s.push('\n');
        s
    }
}

/// Standard negative inputs for a decoder: truncated by one byte, empty, and
/// one trailing byte, as (name, mutated bytes) pairs; the caller runs its
/// decoder and records the error kind.
pub fn truncations_and_trailing(valid: &[u8]) -> Vec<(String, Vec<u8>)> {
    let mut out = Vec::new();
    out.push(("truncated_by_one".to_string(), valid[..valid.len() - 1].to_vec()));
    out.push(("empty".to_string(), Vec::new()));
    let mut t = valid.to_vec();
    t.push(0);
    out.push(("trailing_byte".to_string(), t));
    out
}

/// HPKE base-mode single-shot seal (RFC 9180; DHKEM(P-256, HKDF-SHA256), HKDF-SHA256, AES-128-GCM) of any
/// plaintext to the 65-byte public key `pk`: `(enc, ciphertext)`. For negative cases whose plaintext the
/// library refuses to seal (it is what a faulty or hostile sender could send).
pub fn hpke_seal(rng: &mut ChaCha20Rng, pk: &[u8], info: &[u8], aad: &[u8], pt: &[u8]) -> (Vec<u8>, Vec<u8>) {
    use hpke::{Deserializable as _, Serializable as _};
    type Kem = hpke::kem::DhP256HkdfSha256;
    let pk = <Kem as hpke::Kem>::PublicKey::from_bytes(pk).expect("point");
    let (enc, mut ctx) = hpke::setup_sender_with_rng::<hpke::aead::AesGcm128, hpke::kdf::HkdfSha256, Kem>(
        &hpke::OpModeS::Base,
        &pk,
        info,
        rng,
    )
    .expect("setup");
    let ct = ctx.seal(pt, aad).expect("seal");
    (enc.to_bytes().to_vec(), ct)
}
