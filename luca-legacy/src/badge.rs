//! Static badges of the original system: the printed serial number and the secrets it seeds
//! (reference §3.5).
//!
//! ```text
//! serial  = Crockford Base32 of 7 random bytes, 12 symbols XXXX-XXXX-XXXX; the last symbol says the
//!           revision: 0/g v3, 2/h v4 (mapped back to 0/g before decoding)
//! v4:  seed = Argon2id(entropy, salt "da3ae5ecd280924e", t = 11, m = 32 MiB, p = 1, 16 bytes)
//!      L1 = HKDF-SHA256(seed, "", "badge_crypto_assets", 64): data_secret | tracing_seed | signing key
//!      L2 = HKDF-SHA256(tracing_seed, "", "badge_tracing_assets", 48): user_id (UUIDv4 bits set)
//!           | verification_key (16) | tracing_secret
//! v3:  crypto_seed = SHA256(entropy ‖ 01); tracing_seed = SHA256(entropy ‖ 02)[0..16]
//!      data_key = SHA256(crypto_seed ‖ 01)[0..16]; signing key = SHA256(crypto_seed ‖ 02)
//!      user_id = SHA256(tracing_seed ‖ 01)[0..16], hex digit 8 set to f
//!      verification_key = SHA256(tracing_seed ‖ 02) (32); tracing_secret = SHA256(tracing_seed ‖ 03)[0..16]
//! ```
//! The reference marks two details INFERRED (the original `@lucaapp/crypto` source was not found): the
//! UUIDv4 bits of the v4 user id, and which hex digit of the v3 user id is forced (digit 8 counting from
//! 0, the high nibble of byte 4, is taken here). Secrets derived from a serial are correct for the
//! original badges only as far as these readings are.

use data_encoding::{Encoding, Specification};

use crate::crypto;
use crate::error::SerialError;
use crate::reader::part;
use crate::secret::{
    BadgeDataKey, BadgeSigningKey, BadgeVerificationKey, DataSecret, SerialEntropy, TracingSecret, TracingSeed, UserId,
};

/// The Argon2id salt of the v4 badge KDF (ASCII).
pub const BADGE_ARGON2_SALT: &[u8; 16] = b"da3ae5ecd280924e";
/// The Argon2id passes of the v4 badge KDF.
pub const BADGE_ARGON2_PASSES: u32 = 11;
/// The Argon2id memory of the v4 badge KDF, KiB (32 MiB).
pub const BADGE_ARGON2_MEMORY_KIB: u32 = 32 * 1024;
/// HKDF `info` of the v4 badge's first expansion.
pub const BADGE_CRYPTO_ASSETS: &[u8] = b"badge_crypto_assets";
/// HKDF `info` of the v4 badge's second expansion.
pub const BADGE_TRACING_ASSETS: &[u8] = b"badge_tracing_assets";

/// The badge revision a serial number or badge QR is of.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BadgeRevision {
    /// v3 badges (SHA-256 derivations).
    V3,
    /// v4 badges (Argon2id and HKDF).
    V4,
}

/// Crockford's Base32 (upper case; `o`→0, `i`/`l`→1, lower case accepted; hyphens ignored), 7 bytes in 12
/// symbols with 4 zero trailing bits.
fn crockford() -> Result<Encoding, SerialError> {
    let mut spec = Specification::new();
    spec.symbols.push_str("0123456789ABCDEFGHJKMNPQRSTVWXYZ");
    spec.translate.from.push_str("abcdefghjkmnpqrstvwxyzOoIiLl");
    spec.translate.to.push_str("ABCDEFGHJKMNPQRSTVWXYZ001111");
    spec.ignore.push_str("- ");
    spec.encoding().map_err(|_| SerialError::BadFormat)
}

/// A printed badge serial number, parsed: its revision and its 7 bytes of entropy (secret).
#[derive(Debug)]
pub struct LegacyBadgeSerial {
    revision: BadgeRevision,
    entropy: SerialEntropy,
}

impl LegacyBadgeSerial {
    /// Parses `XXXX-XXXX-XXXX` (hyphens and spaces optional, any case).
    ///
    /// # Errors
    /// [`SerialError::BadFormat`] (not 12 symbols, a symbol outside Crockford's alphabet, non-zero
    /// trailing bits), [`SerialError::UnknownRevision`] (a last symbol other than `0`, `g`, `2`, `h`).
    pub fn parse(text: &str) -> Result<Self, SerialError> {
        if text.len() > 32 {
            return Err(SerialError::BadFormat);
        }
        let mut symbols: Vec<char> = text.chars().filter(|c| *c != '-' && *c != ' ').collect();
        if symbols.len() != 12 {
            return Err(SerialError::BadFormat);
        }
        let last = symbols.last_mut().ok_or(SerialError::BadFormat)?;
        let revision = match last.to_ascii_lowercase() {
            '0' | 'g' => BadgeRevision::V3,
            '2' => {
                *last = '0';
                BadgeRevision::V4
            }
            'h' => {
                *last = 'g';
                BadgeRevision::V4
            }
            _ => return Err(SerialError::UnknownRevision),
        };
        let normalised: String = symbols.iter().collect();
        let bytes =
            zeroize::Zeroizing::new(crockford()?.decode(normalised.as_bytes()).map_err(|_| SerialError::BadFormat)?);
        let entropy = SerialEntropy::from_slice(&bytes).map_err(|_| SerialError::BadFormat)?;
        Ok(Self { revision, entropy })
    }

    /// The badge revision.
    pub fn revision(&self) -> BadgeRevision {
        self.revision
    }

    /// Every secret of the badge (for v4 this runs Argon2id with 32 MiB and 11 passes).
    ///
    /// # Errors
    /// [`SerialError::KeyOutOfRange`] if the derived signing key is not a valid P-256 scalar (the
    /// original issuer skipped such serials).
    pub fn secrets(&self) -> Result<BadgeSecrets, SerialError> {
        let e = self.entropy.expose_secret();
        match self.revision {
            BadgeRevision::V4 => {
                let seed = crypto::argon2id::<16>(e, BADGE_ARGON2_SALT, BADGE_ARGON2_MEMORY_KIB, BADGE_ARGON2_PASSES);
                let l1 = crypto::hkdf_sha256::<64>(seed.as_slice(), BADGE_CRYPTO_ASSETS);
                let signing = zeroize::Zeroizing::new(part::<32, 32, 64>(&l1));
                if !crypto::is_valid_scalar(&signing) {
                    return Err(SerialError::KeyOutOfRange);
                }
                let tracing_seed = TracingSeed::new_with(|b| *b = part::<16, 16, 64>(&l1));
                Ok(BadgeSecrets {
                    revision: BadgeRevision::V4,
                    tracing: BadgeTracingSecrets::from_seed(BadgeRevision::V4, &tracing_seed),
                    tracing_seed,
                    data_secret: Some(DataSecret::new_with(|b| *b = part::<0, 16, 64>(&l1))),
                    data_key: None,
                    signing_key: BadgeSigningKey::new_with(|b| *b = *signing),
                })
            }
            BadgeRevision::V3 => {
                let crypto_seed = zeroize::Zeroizing::new(crypto::sha256(&[e, &[0x01]]));
                let tracing_full = zeroize::Zeroizing::new(crypto::sha256(&[e, &[0x02]]));
                let tracing_seed = TracingSeed::new_with(|b| *b = part::<0, 16, 32>(&tracing_full));
                let data_key = zeroize::Zeroizing::new(crypto::sha256(&[crypto_seed.as_slice(), &[0x01]]));
                let signing = zeroize::Zeroizing::new(crypto::sha256(&[crypto_seed.as_slice(), &[0x02]]));
                if !crypto::is_valid_scalar(&signing) {
                    return Err(SerialError::KeyOutOfRange);
                }
                Ok(BadgeSecrets {
                    revision: BadgeRevision::V3,
                    tracing: BadgeTracingSecrets::from_seed(BadgeRevision::V3, &tracing_seed),
                    tracing_seed,
                    data_secret: None,
                    data_key: Some(BadgeDataKey::new_with(|b| *b = part::<0, 16, 32>(&data_key))),
                    signing_key: BadgeSigningKey::new_with(|b| *b = *signing),
                })
            }
        }
    }
}

/// What a badge's tracing seed derives (computable from the badge QR alone, as the original scanners did).
#[derive(Debug, PartialEq, Eq)]
pub struct BadgeTracingSecrets {
    /// The badge's user id.
    pub user_id: UserId,
    /// The key of the check-ins' verification tags.
    pub verification_key: BadgeVerificationKey,
    /// The tracing secret of the badge's trace ids (a badge has one, not one per day).
    pub tracing_secret: TracingSecret,
}

impl BadgeTracingSecrets {
    /// Derives them from the tracing seed of a badge of `revision`.
    pub fn from_seed(revision: BadgeRevision, seed: &TracingSeed) -> Self {
        let s = seed.expose_secret();
        match revision {
            BadgeRevision::V4 => {
                let l2 = crypto::hkdf_sha256::<48>(s, BADGE_TRACING_ASSETS);
                Self {
                    user_id: UserId::from_bytes(to_uuid4(part::<0, 16, 48>(&l2))),
                    verification_key: BadgeVerificationKey(part::<16, 16, 48>(&l2).to_vec()),
                    tracing_secret: TracingSecret::new_with(|b| *b = part::<32, 16, 48>(&l2)),
                }
            }
            BadgeRevision::V3 => {
                let mut raw = part::<0, 16, 32>(&crypto::sha256(&[s, &[0x01]]));
                if let Some(b) = raw.get_mut(4) {
                    *b |= 0xf0;
                }
                let vk = zeroize::Zeroizing::new(crypto::sha256(&[s, &[0x02]]));
                let ts = zeroize::Zeroizing::new(crypto::sha256(&[s, &[0x03]]));
                Self {
                    user_id: UserId::from_bytes(raw),
                    verification_key: BadgeVerificationKey(vk.to_vec()),
                    tracing_secret: TracingSecret::new_with(|b| *b = part::<0, 16, 32>(&ts)),
                }
            }
        }
    }
}

/// UUID version 4 and RFC 4122 variant bits set.
fn to_uuid4(mut b: [u8; 16]) -> [u8; 16] {
    if let Some(x) = b.get_mut(6) {
        *x = (*x & 0x0f) | 0x40;
    }
    if let Some(x) = b.get_mut(8) {
        *x = (*x & 0x3f) | 0x80;
    }
    b
}

/// Every secret of a badge, derived from its serial number.
#[derive(Debug)]
pub struct BadgeSecrets {
    /// The revision.
    pub revision: BadgeRevision,
    /// The tracing seed (printed in the badge QR).
    pub tracing_seed: TracingSeed,
    /// What the tracing seed derives.
    pub tracing: BadgeTracingSecrets,
    /// v4: the data secret (the contact-data AES key itself).
    pub data_secret: Option<DataSecret>,
    /// v3: the contact-data key.
    pub data_key: Option<BadgeDataKey>,
    /// The badge's guest signing key.
    pub signing_key: BadgeSigningKey,
}
