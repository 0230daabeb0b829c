//! The generator's own encoders of the original luca formats (reference §3, §4), written on the primitives
//! directly: luca-legacy only decodes, so these check it rather than mirror it.

use aes::cipher::{KeyIvInit as _, StreamCipher as _};
use hmac::{KeyInit as _, Mac as _};
use p256::ecdsa::signature::Signer as _;
use p256::elliptic_curve::point::AffineCoordinates as _;
use rand_chacha::ChaCha20Rng;
use rand_core::Rng as _;
use sha2::Digest as _;

pub struct Keypair {
    pub secret: p256::SecretKey,
}

impl Keypair {
    pub fn generate(rng: &mut ChaCha20Rng) -> Self {
        loop {
            let mut b = [0u8; 32];
            rng.fill_bytes(&mut b);
            if let Ok(secret) = p256::SecretKey::from_slice(&b) {
                return Self { secret };
            }
        }
    }

    pub fn private_bytes(&self) -> [u8; 32] {
        self.secret.to_bytes().into()
    }

    pub fn compressed(&self) -> [u8; 33] {
        p256::CompressedPoint::from(&self.secret.public_key()).into()
    }

    pub fn uncompressed(&self) -> [u8; 65] {
        let p = self.secret.public_key();
        let a = p.as_affine();
        let mut out = [4u8; 65];
        out[1..33].copy_from_slice(&a.x());
        out[33..].copy_from_slice(&a.y());
        out
    }

    /// ECDH x-coordinate with `peer`'s public key.
    pub fn ecdh(&self, peer: &Keypair) -> [u8; 32] {
        let ss = p256::ecdh::diffie_hellman(self.secret.to_nonzero_scalar(), peer.secret.public_key().as_affine());
        let mut out = [0u8; 32];
        out.copy_from_slice(ss.raw_secret_bytes());
        out
    }

    pub fn sign_p1363(&self, msg: &[u8]) -> [u8; 64] {
        let sk = p256::ecdsa::SigningKey::from(&self.secret);
        let sig: p256::ecdsa::Signature = sk.sign(msg);
        sig.to_bytes().into()
    }

    pub fn sign_der(&self, msg: &[u8]) -> Vec<u8> {
        let sk = p256::ecdsa::SigningKey::from(&self.secret);
        let sig: p256::ecdsa::Signature = sk.sign(msg);
        sig.to_der().as_bytes().to_vec()
    }
}

pub fn sha256(parts: &[&[u8]]) -> [u8; 32] {
    let mut h = sha2::Sha256::new();
    for p in parts {
        h.update(p);
    }
    h.finalize().into()
}

pub fn hmac(key: &[u8], parts: &[&[u8]]) -> [u8; 32] {
    let mut m = hmac::Hmac::<sha2::Sha256>::new_from_slice(key).unwrap();
    for p in parts {
        m.update(p);
    }
    m.finalize().into_bytes().into()
}

pub fn hkdf<const N: usize>(ikm: &[u8], info: &[u8]) -> [u8; N] {
    let mut out = [0u8; N];
    hkdf::Hkdf::<sha2::Sha256>::new(None, ikm).expand(info, &mut out).unwrap();
    out
}

pub fn ctr128(key: &[u8], iv: &[u8], buf: &mut [u8]) {
    ctr::Ctr128BE::<aes::Aes128>::new_from_slices(key, iv).unwrap().apply_keystream(buf);
}

pub fn ctr256(key: &[u8], iv: &[u8], buf: &mut [u8]) {
    ctr::Ctr128BE::<aes::Aes256>::new_from_slices(key, iv).unwrap().apply_keystream(buf);
}

pub fn bytes<const N: usize>(rng: &mut ChaCha20Rng) -> [u8; N] {
    let mut b = [0u8; N];
    rng.fill_bytes(&mut b);
    b
}

/// `body ‖ SHA256(body)[0..4]`.
pub fn with_checksum(mut body: Vec<u8>) -> Vec<u8> {
    let sum = sha256(&[&body]);
    body.extend_from_slice(&sum[..4]);
    body
}

pub fn base32(b: &[u8]) -> String {
    data_encoding::BASE32.encode(b)
}

pub fn z85(b: &[u8]) -> String {
    assert_eq!(b.len() % 4, 0);
    z85::encode(b)
}

/// §3.1.
pub fn trace_id(tracing_secret: &[u8; 16], user_id: &[u8; 16], ts: u32) -> [u8; 16] {
    let minute = ts - ts % 60;
    hmac(tracing_secret, &[user_id, &minute.to_le_bytes()])[..16].try_into().unwrap()
}

/// A guest's inner layer (§3.3): enc_data, ephemeral compressed key, tag.
pub fn inner_layer(
    rng: &mut ChaCha20Rng,
    daily: &Keypair,
    user_id: &[u8; 16],
    data_secret: &[u8; 16],
    ts: u32,
) -> ([u8; 32], [u8; 33], [u8; 8]) {
    let e = Keypair::generate(rng);
    let dh = e.ecdh(daily);
    let key = &sha256(&[&dh, &[1]])[..16];
    let epub = e.compressed();
    let mut enc = [0u8; 32];
    enc[..16].copy_from_slice(user_id);
    enc[16..].copy_from_slice(data_secret);
    ctr128(key, &epub[..16], &mut enc);
    let auth = sha256(&[data_secret, &[2]]);
    let tag: [u8; 8] = hmac(&auth, &[&ts.to_le_bytes(), &enc])[..8].try_into().unwrap();
    (enc, epub, tag)
}

pub struct GuestCode {
    pub version: u8,
    pub device_type: u8,
    pub entry_policy: Option<u8>,
    pub key_id: u8,
    pub ts: u32,
    pub trace_id: [u8; 16],
    pub enc: [u8; 32],
    pub epub: [u8; 33],
    pub tag: [u8; 8],
}

impl GuestCode {
    /// The body before the checksum.
    pub fn body(&self) -> Vec<u8> {
        let mut b = vec![self.version, self.device_type];
        if let Some(p) = self.entry_policy {
            b.push(p);
        }
        b.push(self.key_id);
        b.extend_from_slice(&self.ts.to_le_bytes());
        b.extend_from_slice(&self.trace_id);
        b.extend_from_slice(&self.enc);
        b.extend_from_slice(&self.epub);
        b.extend_from_slice(&self.tag);
        b
    }

    pub fn bytes(&self) -> Vec<u8> {
        with_checksum(self.body())
    }
}

/// v4 badge: `L2` of the tracing seed (§3.5).
pub fn badge_v4_tracing(seed: &[u8; 16]) -> ([u8; 16], Vec<u8>, [u8; 16]) {
    let l2: [u8; 48] = hkdf(seed, b"badge_tracing_assets");
    let mut id: [u8; 16] = l2[..16].try_into().unwrap();
    id[6] = (id[6] & 0x0f) | 0x40;
    id[8] = (id[8] & 0x3f) | 0x80;
    (id, l2[16..32].to_vec(), l2[32..].try_into().unwrap())
}

/// v3 badge: what the tracing seed derives (§3.5).
pub fn badge_v3_tracing(seed: &[u8; 16]) -> ([u8; 16], Vec<u8>, [u8; 16]) {
    let mut id: [u8; 16] = sha256(&[seed, &[1]])[..16].try_into().unwrap();
    id[4] |= 0xf0;
    (id, sha256(&[seed, &[2]]).to_vec(), sha256(&[seed, &[3]])[..16].try_into().unwrap())
}

/// A badge's contact-data reference (§3.5): AES-128 (v4) or AES-256 (v3) CTR, key HMAC(iv, dh).
pub fn badge_reference(e: &Keypair, badge: &Keypair, v4: bool, user_id: &[u8; 16], secret: &[u8; 16]) -> [u8; 32] {
    let epub = e.compressed();
    let iv = &epub[..16];
    let k = hmac(iv, &[&e.ecdh(badge)]);
    let mut enc = [0u8; 32];
    enc[..16].copy_from_slice(user_id);
    enc[16..].copy_from_slice(secret);
    if v4 {
        ctr128(&k[..16], iv, &mut enc)
    } else {
        ctr256(&k, iv, &mut enc)
    }
    enc
}

/// Crockford Base32 of 7 bytes: 12 symbols.
pub fn crockford(entropy: &[u8; 7]) -> String {
    const S: &[u8] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";
    let mut v: u64 = 0;
    for b in entropy {
        v = (v << 8) | u64::from(*b);
    }
    v <<= 4; // 56 bits + 4 zero bits = 12 symbols
    (0..12).rev().map(|i| S[((v >> (i * 5)) & 31) as usize] as char).collect()
}

/// The app's contact-data encryption (§3.2, §4.6): ciphertext and MAC.
pub fn contact_data(key: &[u8], data_secret: &[u8; 16], iv: &[u8; 16], json: &[u8]) -> (Vec<u8>, [u8; 32]) {
    let mut ct = json.to_vec();
    ctr128(key, iv, &mut ct);
    let mac = hmac(&sha256(&[data_secret, &[2]]), &[&ct]);
    (ct, mac)
}

/// DLIES (§1.1): ephemeral key (65 bytes), random IV, AES-128-CTR(SHA256(dh ‖ 1)[0..16]), HMAC(SHA256(dh ‖ 2)).
pub fn dlies(rng: &mut ChaCha20Rng, recipient: &Keypair, plaintext: &[u8]) -> ([u8; 65], [u8; 16], Vec<u8>, [u8; 32]) {
    let e = Keypair::generate(rng);
    let dh = e.ecdh(recipient);
    let iv: [u8; 16] = bytes(rng);
    let mut data = plaintext.to_vec();
    ctr128(&sha256(&[&dh, &[1]])[..16], &iv, &mut data);
    let mac = hmac(&sha256(&[&dh, &[2]]), &[&data]);
    (e.uncompressed(), iv, data, mac)
}

pub fn b64(b: &[u8]) -> String {
    use base64::Engine as _;
    base64::engine::general_purpose::STANDARD.encode(b)
}

pub fn b64url(b: &[u8]) -> String {
    use base64::Engine as _;
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(b)
}
