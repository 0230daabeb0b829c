//! Every derivation of protocol version 1. Labels are in [`crate::labels`].
//!
//! | output | derivation |
//! |---|---|
//! | checkout proof (32 B) | `HMAC-SHA256(key = daily_tracing_secret, "luca/v1/checkout-proof" ‖ user_id ‖ minute_be32)` |
//! | badge checkout proof (32 B) | `HMAC-SHA256(key = badge_trace_key, "luca/v1/badge-checkout-proof" ‖ minute_be32)` |
//! | trace id (16 B) | `SHA-256("luca/v1/trace-id" ‖ checkout_proof)[0..16]` |
//! | contact-data key (16 B) | `HKDF-SHA256(salt = "", ikm = data_secret, info = "luca/v1/contact-data-key", L = 16)` |
//! | notification hash (16 B) | `HMAC-SHA256(key = trace_id, "luca/v1/notification-hash" ‖ health_office_id ‖ level_u8)[0..16]` |
//! | badge seed (32 B) | `Argon2id(password = serial_be64, salt = "luca/v1/badge-kd", m = 32768 KiB, t = 3, p = 1, L = 32)` |
//! | badge secrets | `HKDF-SHA256(salt = "", ikm = seed, info = "luca/v1/badge-secrets", L = 96)` = `user_id(16) ‖ data_secret(16) ‖ tracing_secret(32) ‖ signing_ikm(32)`; signing key = RFC 9180 `DeriveKeyPair(signing_ikm)` |
//! | badge trace key (16 B) | `HKDF-SHA256(salt = "", ikm = tracing_secret, info = "luca/v1/badge-trace-key", L = 16)` |
//! | guest QR checksum (4 B) | `SHA-256("luca/v1/qr-checksum" ‖ qr_bytes[0..105])[0..4]` |
//! | tracing request hash (32 B) | `SHA-256("luca/v1/tracing-request-hash" ‖ tracing_request_bytes)` |

use zeroize::Zeroizing;

use crate::badge_serial::BadgeSerial;
use crate::crypto;
use crate::fixed::prefix;
use crate::ids::{HealthOfficeId, TraceId, UserId};
use crate::keys::GuestSigningKey;
use crate::labels;
use crate::secrets::{BadgeSeed, BadgeTraceKey, CheckoutProof, ContactDataKey, DailyTracingSecret, DataSecret};
use crate::time::UnixMinute;

/// Argon2id memory cost of the badge KDF, in KiB (32 MiB).
pub const BADGE_ARGON2_M_KIB: u32 = 32 * 1024;
/// Argon2id passes of the badge KDF.
pub const BADGE_ARGON2_T: u32 = 3;

/// The checkout proof of the guest check-in at `minute`.
pub fn checkout_proof(secret: &DailyTracingSecret, user_id: &UserId, minute: UnixMinute) -> CheckoutProof {
    let mac = Zeroizing::new(crypto::hmac_sha256(
        secret.expose_secret(),
        &[labels::CHECKOUT_PROOF, user_id.as_bytes(), &minute.to_be_bytes()],
    ));
    proof_from(&mac)
}

/// The checkout proof of a badge check-in at `minute`.
pub fn badge_checkout_proof(trace_key: &BadgeTraceKey, minute: UnixMinute) -> CheckoutProof {
    let mac = Zeroizing::new(crypto::hmac_sha256(
        trace_key.expose_secret(),
        &[labels::BADGE_CHECKOUT_PROOF, &minute.to_be_bytes()],
    ));
    proof_from(&mac)
}

fn proof_from(mac: &[u8; 32]) -> CheckoutProof {
    CheckoutProof::new_with(|b| b.copy_from_slice(mac))
}

/// The trace id whose checkout proof is `proof`.
pub fn trace_id(proof: &CheckoutProof) -> TraceId {
    let h = crypto::sha256(&[labels::TRACE_ID, proof.expose_secret()]);
    TraceId::from_array(prefix(&h))
}

/// The trace id of the guest check-in at `minute` (checkout proof, then hash).
pub fn guest_trace_id(secret: &DailyTracingSecret, user_id: &UserId, minute: UnixMinute) -> TraceId {
    trace_id(&checkout_proof(secret, user_id, minute))
}

/// Whether `proof` is the checkout proof of `trace`, in constant time.
pub fn proof_matches(proof: &CheckoutProof, trace: &TraceId) -> bool {
    use subtle::ConstantTimeEq as _;
    bool::from(trace_id(proof).as_bytes().ct_eq(trace.as_bytes()))
}

/// The AES-128-GCM key of a guest's contact data.
pub fn contact_data_key(data_secret: &DataSecret) -> ContactDataKey {
    ContactDataKey::new_with(|out| {
        crypto::hkdf_sha256_array(b"", data_secret.expose_secret(), labels::CONTACT_DATA_KEY, out);
    })
}

/// Length of a notification hash.
pub const NOTIFICATION_HASH_LEN: usize = 16;

/// The notification hash of `trace` for health office `office` at warning `level`
/// (level 0 = "your data was accessed", 1..=3 = warning levels).
pub fn notification_hash(trace: &TraceId, office: &HealthOfficeId, level: u8) -> [u8; NOTIFICATION_HASH_LEN] {
    let mac = crypto::hmac_sha256(trace.as_bytes(), &[labels::NOTIFICATION_HASH, office.as_bytes(), &[level]]);
    prefix(&mac)
}

/// The 4-byte guest QR checksum of `body` (the first 105 bytes of the QR payload).
pub fn qr_checksum(body: &[u8]) -> [u8; 4] {
    prefix(&crypto::sha256(&[labels::QR_CHECKSUM, body]))
}

/// The hash that binds a consent response to the exact bytes of a tracing request.
pub fn tracing_request_hash(request_bytes: &[u8]) -> [u8; 32] {
    crypto::sha256(&[labels::TRACING_REQUEST_HASH, request_bytes])
}

/// The secrets a badge derives from its printed serial.
#[derive(Debug)]
pub struct BadgeSecrets {
    /// The badge's user id (its contact data is stored under it).
    pub user_id: UserId,
    /// The badge's data secret.
    pub data_secret: DataSecret,
    /// The badge's tracing secret (static for the badge's life).
    pub tracing_secret: DailyTracingSecret,
    /// The key that signs the badge's contact data.
    pub signing_key: GuestSigningKey,
    /// The trace key printed in the badge QR (one-way from the tracing secret).
    pub trace_key: BadgeTraceKey,
}

/// Argon2id of the serial's 60-bit value (big-endian `u64`) into the badge seed.
///
/// # Errors
/// Only if the Argon2 parameters were invalid, which they are not.
pub fn badge_seed(serial: &BadgeSerial) -> Result<BadgeSeed, crate::CryptoError> {
    let mut out = Zeroizing::new([0u8; 32]);
    let pw = serial.expose_secret();
    crypto::argon2id(pw.as_slice(), labels::BADGE_ARGON2_SALT, BADGE_ARGON2_M_KIB, BADGE_ARGON2_T, out.as_mut_slice())?;
    BadgeSeed::from_slice(out.as_slice()).map_err(|_| crate::CryptoError)
}

impl BadgeSerial {
    /// Derives every badge secret (one Argon2id evaluation: 32 MiB, about a second): [`badge_seed`], then
    /// [`badge_secrets`].
    ///
    /// # Errors
    /// Only if Argon2id fails, which it does not with these parameters.
    pub fn derive_secrets(&self) -> Result<BadgeSecrets, crate::CryptoError> {
        badge_secrets(&badge_seed(self)?)
    }
}

/// Expands a badge seed into the badge's secrets.
///
/// # Errors
/// Only if the derived signing key could not be produced (probability ≈ 2^-256·255).
pub fn badge_secrets(seed: &BadgeSeed) -> Result<BadgeSecrets, crate::CryptoError> {
    let mut okm = Zeroizing::new([0u8; 96]);
    crypto::hkdf_sha256_array(b"", seed.expose_secret(), labels::BADGE_SECRETS, &mut okm);
    let (uid, rest) = okm.split_at(16);
    let (ds, rest) = rest.split_at(16);
    let (ts, sk) = rest.split_at(32);
    let user_id = UserId::from_slice(uid).map_err(|_| crate::CryptoError)?;
    let data_secret = DataSecret::from_slice(ds).map_err(|_| crate::CryptoError)?;
    let tracing_secret = DailyTracingSecret::from_slice(ts).map_err(|_| crate::CryptoError)?;
    let signing_key = GuestSigningKey(crypto::hpke_derive_keypair(sk)?);
    let trace_key = badge_trace_key(&tracing_secret);
    Ok(BadgeSecrets { user_id, data_secret, tracing_secret, signing_key, trace_key })
}

/// The badge trace key of a badge tracing secret.
pub fn badge_trace_key(tracing_secret: &DailyTracingSecret) -> BadgeTraceKey {
    BadgeTraceKey::new_with(|out| {
        crypto::hkdf_sha256_array(b"", tracing_secret.expose_secret(), labels::BADGE_TRACE_KEY, out);
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn badge_secrets_debug_redacts_every_field() {
        let seed = BadgeSeed::from_slice(&[7; 32]).unwrap();
        let secrets = badge_secrets(&seed).unwrap();
        let dbg = format!("{secrets:?}");
        assert!(!dbg.contains(&secrets.user_id.to_string()), "{dbg}");
        for field in ["UserId", "DataSecret", "DailyTracingSecret", "BadgeTraceKey"] {
            assert!(dbg.contains(&format!("{field}(<redacted>)")), "{field}: {dbg}");
        }
    }
}
