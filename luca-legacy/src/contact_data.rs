//! The original apps' encrypted contact data (reference §3.2, §4.6): AES-128-CTR and HMAC-SHA256 over
//! the contact JSON `{"v": 3, "fn", "ln", "pn", "e", "st", "hn", "pc", "c"}` (iOS wrote `"v": 2`; badges add
//! `"vs"`, the base64 verification key).
//!
//! ```text
//! app:    key = SHA256(data_secret ‖ 0x01)[0..16]   mac key = SHA256(data_secret ‖ 0x02)
//! badge:  key = data_secret                          mac key = SHA256(data_secret ‖ 0x02)
//! ciphertext = AES-128-CTR(key, iv, json);  mac = HMAC-SHA256(mac key, ciphertext)
//! signature  = ECDSA P-256 / SHA-256 (DER) by the guest key over ciphertext ‖ mac ‖ iv
//! ```
//! The badge's MAC key is the app's (the reference gives the badge's AES key only).

use crate::crypto::{self, EcPoint};
use crate::error::{ContactDataError, DecodeError, SignatureError};
use crate::reader::part;
use crate::secret::{BadgeVerificationKey, DataSecret};

/// The largest contact-data ciphertext accepted (every field of the original form at its longest).
pub const MAX_CONTACT_CIPHERTEXT: usize = 4096;

/// Whose contact data: the key differs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ContactOwner {
    /// A guest app: the AES key is `SHA256(data_secret ‖ 0x01)[0..16]`.
    App,
    /// A v4 badge: the data secret is the AES key.
    Badge,
}

/// Decrypted contact data of the original system (personal data: `Debug` is redacted).
#[derive(Clone, PartialEq, Eq)]
pub struct LegacyContactData {
    /// `v`: the format version (2 or 3).
    pub version: u8,
    /// `fn`.
    pub first_name: String,
    /// `ln`.
    pub last_name: String,
    /// `pn`.
    pub phone: String,
    /// `e`.
    pub email: String,
    /// `st`.
    pub street: String,
    /// `hn`.
    pub house_number: String,
    /// `pc`.
    pub postcode: String,
    /// `c`.
    pub city: String,
    /// `vs` (badges): the verification key (16 or 32 bytes), base64 in the JSON.
    pub verification_key: Option<Vec<u8>>,
}

impl core::fmt::Debug for LegacyContactData {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str("LegacyContactData(<redacted>)")
    }
}

impl LegacyContactData {
    /// The badge verification key (`vs`) as a secret.
    pub fn badge_verification_key(&self) -> Option<BadgeVerificationKey> {
        self.verification_key.as_deref().and_then(|k| BadgeVerificationKey::from_slice(k).ok())
    }
}

/// Checks the MAC, decrypts and parses contact data.
///
/// # Errors
/// [`ContactDataError::Decode`] for a wrong IV or MAC length or an oversized ciphertext,
/// [`ContactDataError::DecryptionFailed`] if the MAC does not verify (one opaque error),
/// [`ContactDataError::Format`] naming the JSON member that is missing or not of its type.
pub fn decrypt_contact_data(
    owner: ContactOwner,
    data_secret: &DataSecret,
    iv: &[u8],
    ciphertext: &[u8],
    mac: &[u8],
) -> Result<LegacyContactData, ContactDataError> {
    if ciphertext.len() > MAX_CONTACT_CIPHERTEXT {
        return Err(DecodeError::TooLong { max: MAX_CONTACT_CIPHERTEXT, got: ciphertext.len() }.into());
    }
    let iv: &[u8; 16] =
        iv.try_into().map_err(|_| DecodeError::WrongLength { what: "iv", expected: 16, got: iv.len() })?;
    if mac.len() != 32 {
        return Err(DecodeError::WrongLength { what: "mac", expected: 32, got: mac.len() }.into());
    }
    let secret = data_secret.expose_secret();
    let mac_key = zeroize::Zeroizing::new(crypto::sha256(&[secret, &[0x02]]));
    let expected = crypto::hmac_sha256(mac_key.as_slice(), &[ciphertext]);
    if !crypto::ct_eq(expected.as_slice(), mac) {
        return Err(ContactDataError::DecryptionFailed);
    }
    let key = zeroize::Zeroizing::new(match owner {
        ContactOwner::App => part::<0, 16, 32>(&crypto::sha256(&[secret, &[0x01]])),
        ContactOwner::Badge => *secret,
    });
    let mut plain = zeroize::Zeroizing::new(ciphertext.to_vec());
    crypto::aes128_ctr(&key, iv, plain.as_mut_slice());
    parse_contact_json(&plain)
}

/// Verifies the guest's signature over `ciphertext ‖ mac ‖ iv` with the guest public key (65 bytes).
///
/// # Errors
/// [`DecodeError`] for a key that is not a P-256 point; the inner [`SignatureError`] if the signature fails.
pub fn verify_contact_signature(
    guest_public_key: &[u8],
    ciphertext: &[u8],
    mac: &[u8],
    iv: &[u8],
    signature_der: &[u8],
) -> Result<Result<(), SignatureError>, DecodeError> {
    let key = EcPoint::from_uncompressed(guest_public_key, "guest_public_key")?;
    let msg = [ciphertext, mac, iv].concat();
    Ok(if key.verify_der(&msg, signature_der) { Ok(()) } else { Err(SignatureError) })
}

fn parse_contact_json(plain: &[u8]) -> Result<LegacyContactData, ContactDataError> {
    use base64::Engine as _;
    let value: serde_json::Value = serde_json::from_slice(plain).map_err(|_| ContactDataError::Format("not JSON"))?;
    let obj = value.as_object().ok_or(ContactDataError::Format("not a JSON object"))?;
    for key in obj.keys() {
        if !matches!(key.as_str(), "v" | "fn" | "ln" | "pn" | "e" | "st" | "hn" | "pc" | "c" | "vs") {
            return Err(ContactDataError::Format("unknown member"));
        }
    }
    let version = obj
        .get("v")
        .and_then(serde_json::Value::as_u64)
        .and_then(|v| u8::try_from(v).ok())
        .filter(|v| matches!(v, 2 | 3))
        .ok_or(ContactDataError::Format("v"))?;
    let text = |name: &'static str, required: bool| -> Result<String, ContactDataError> {
        match obj.get(name) {
            None if !required => Ok(String::new()),
            Some(serde_json::Value::String(s)) => Ok(s.clone()),
            _ => Err(ContactDataError::Format(name)),
        }
    };
    let verification_key = match obj.get("vs") {
        None => None,
        Some(serde_json::Value::String(s)) => {
            let b = base64::engine::general_purpose::STANDARD.decode(s).map_err(|_| ContactDataError::Format("vs"))?;
            if !matches!(b.len(), 16 | 32) {
                return Err(ContactDataError::Format("vs"));
            }
            Some(b)
        }
        Some(_) => return Err(ContactDataError::Format("vs")),
    };
    Ok(LegacyContactData {
        version,
        first_name: text("fn", true)?,
        last_name: text("ln", true)?,
        phone: text("pn", true)?,
        email: text("e", false)?,
        street: text("st", false)?,
        house_number: text("hn", false)?,
        postcode: text("pc", false)?,
        city: text("c", false)?,
        verification_key,
    })
}
