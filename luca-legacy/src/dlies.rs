//! DLIES as the original system used it for the outer layer of check-ins and for additional data
//! (reference §1.1, §4.5, §4.6), decryption only:
//!
//! ```text
//! dh  = ECDH(recipient private key, ephemeral public key (65 bytes, uncompressed))   x-coordinate
//! mac = HMAC-SHA256(SHA256(dh ‖ 0x02), ciphertext)         checked first, in constant time
//! plaintext = AES-128-CTR(SHA256(dh ‖ 0x01)[0..16], iv (16 bytes), ciphertext)
//! ```
//! The transport is JSON with base64 members (`data`, `iv`, `mac`, `publicKey`, and the record's own);
//! [`crate::checkin_record`] reads it.

use zeroize::Zeroizing;

use crate::crypto::{self, EcPoint};
use crate::error::{DecodeError, OpenError};
use crate::reader::part;
use crate::secret::VenuePrivateKey;

/// A DLIES ciphertext of the original system, lengths checked, ephemeral key on the curve.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DliesCiphertext {
    ephemeral: EcPoint,
    public_key: [u8; 65],
    iv: [u8; 16],
    data: Vec<u8>,
    mac: [u8; 32],
}

impl DliesCiphertext {
    /// From its parts: the 65-byte ephemeral key, the 16-byte IV, the ciphertext (at most `max` bytes) and the
    /// 32-byte MAC.
    ///
    /// # Errors
    /// [`DecodeError::WrongLength`], [`DecodeError::TooLong`], [`DecodeError::InvalidPoint`].
    pub fn from_parts(public_key: &[u8], iv: &[u8], data: &[u8], mac: &[u8], max: usize) -> Result<Self, DecodeError> {
        if data.len() > max {
            return Err(DecodeError::TooLong { max, got: data.len() });
        }
        let iv: [u8; 16] =
            iv.try_into().map_err(|_| DecodeError::WrongLength { what: "iv", expected: 16, got: iv.len() })?;
        let mac: [u8; 32] =
            mac.try_into().map_err(|_| DecodeError::WrongLength { what: "mac", expected: 32, got: mac.len() })?;
        let ephemeral = EcPoint::from_uncompressed(public_key, "public_key")?;
        let public_key: [u8; 65] = public_key.try_into().map_err(|_| DecodeError::WrongLength {
            what: "public_key",
            expected: 65,
            got: public_key.len(),
        })?;
        Ok(Self { ephemeral, public_key, iv, data: data.to_vec(), mac })
    }

    /// The ephemeral public key (uncompressed SEC1).
    pub fn public_key(&self) -> &[u8; 65] {
        &self.public_key
    }
    /// The IV.
    pub fn iv(&self) -> &[u8; 16] {
        &self.iv
    }
    /// The ciphertext.
    pub fn data(&self) -> &[u8] {
        &self.data
    }
    /// The MAC.
    pub fn mac(&self) -> &[u8; 32] {
        &self.mac
    }

    /// Checks the MAC and decrypts with the venue's private key.
    ///
    /// # Errors
    /// [`OpenError`] for a wrong key or a tampered ciphertext (one opaque error).
    pub fn open(&self, key: &VenuePrivateKey) -> Result<Zeroizing<Vec<u8>>, OpenError> {
        let dh = key.0.ecdh_x(&self.ephemeral);
        let auth = Zeroizing::new(crypto::sha256(&[dh.as_slice(), &[0x02]]));
        let mac = crypto::hmac_sha256(auth.as_slice(), &[&self.data]);
        if !crypto::ct_eq(mac.as_slice(), &self.mac) {
            return Err(OpenError);
        }
        let enc_key = Zeroizing::new(part::<0, 16, 32>(&crypto::sha256(&[dh.as_slice(), &[0x01]])));
        let mut plain = Zeroizing::new(self.data.clone());
        crypto::aes128_ctr(&enc_key, &self.iv, plain.as_mut_slice());
        Ok(plain)
    }
}
