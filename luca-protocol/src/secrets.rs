//! Secret byte strings: zeroized on drop, redacted in `Debug`, never `Copy`,
//! `Clone`, `Serialize` or `Display`, compared in constant time.

use rand_core::CryptoRng;
use subtle::ConstantTimeEq;

use crate::error::DecodeError;

macro_rules! secret_bytes {
    ($(#[$m:meta])* $name:ident, $len:expr, $field:literal) => {
        $(#[$m])*
        #[derive(zeroize::Zeroize, zeroize::ZeroizeOnDrop)]
        pub struct $name(Box<[u8; $len]>);

        impl $name {
            /// Length in bytes.
            pub const LENGTH: usize = $len;

            /// Draws a fresh random secret.
            pub fn random<R: CryptoRng>(rng: &mut R) -> Self {
                let mut b = Box::new([0u8; $len]);
                rng.fill_bytes(b.as_mut_slice());
                Self(b)
            }

            /// Imports a secret from exactly `LENGTH` bytes.
            ///
            /// # Errors
            /// [`DecodeError::WrongLength`] for any other length.
            pub fn from_slice(bytes: &[u8]) -> Result<Self, DecodeError> {
                if bytes.len() != $len {
                    return Err(DecodeError::WrongLength { field: $field, expected: $len, got: bytes.len() });
                }
                let mut b = Box::new([0u8; $len]);
                b.copy_from_slice(bytes);
                Ok(Self(b))
            }

            /// Builds the secret in place (no intermediate copy to wipe).
            #[allow(dead_code)]
            pub(crate) fn new_with(fill: impl FnOnce(&mut [u8; $len])) -> Self {
                let mut b = Box::new([0u8; $len]);
                fill(&mut b);
                Self(b)
            }

            /// The secret bytes. Copies made from this reference are the caller's to wipe.
            pub fn expose_secret(&self) -> &[u8; $len] {
                &self.0
            }
        }

        impl core::fmt::Debug for $name {
            fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
                f.write_str(concat!(stringify!($name), "(<redacted>)"))
            }
        }

        impl ConstantTimeEq for $name {
            fn ct_eq(&self, other: &Self) -> subtle::Choice {
                self.0.as_slice().ct_eq(other.0.as_slice())
            }
        }

        impl PartialEq for $name {
            fn eq(&self, other: &Self) -> bool {
                bool::from(self.ct_eq(other))
            }
        }

        impl Eq for $name {}
    };
}

secret_bytes!(
    /// The guest's data secret (16 bytes): travels inside every check-in and
    /// derives the key of the guest's contact data.
    DataSecret,
    16,
    "data_secret"
);
secret_bytes!(
    /// A guest's tracing secret for one UTC day (32 bytes): derives that day's
    /// checkout proofs and trace ids. Erased after the retention window.
    DailyTracingSecret,
    32,
    "daily_tracing_secret"
);
secret_bytes!(
    /// The checkout proof of one check-in (32 bytes): only its holder can check
    /// out; its truncated hash is the trace id.
    CheckoutProof,
    32,
    "checkout_proof"
);
secret_bytes!(
    /// The AES-128-GCM key of a guest's contact data, derived from the data secret.
    ContactDataKey,
    16,
    "contact_data_key"
);
secret_bytes!(
    /// A badge's seed: Argon2id of the printed serial (32 bytes).
    BadgeSeed,
    32,
    "badge_seed"
);
secret_bytes!(
    /// A badge's trace key (16 bytes). Printed in the badge QR: anyone holding
    /// the QR can compute the badge's trace ids (documented linkability), but
    /// not its tracing secret, user id, data secret or contact data.
    BadgeTraceKey,
    16,
    "badge_trace_key"
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_is_redacted() {
        let s = DataSecret::from_slice(&[0xab; 16]).unwrap();
        assert_eq!(format!("{s:?}"), "DataSecret(<redacted>)");
        let t = DailyTracingSecret::from_slice(&[0x11; 32]).unwrap();
        assert_eq!(format!("{t:?}"), "DailyTracingSecret(<redacted>)");
        let p = CheckoutProof::from_slice(&[0x22; 32]).unwrap();
        assert_eq!(format!("{p:#?}"), "CheckoutProof(<redacted>)");
        let k = ContactDataKey::from_slice(&[0x33; 16]).unwrap();
        assert_eq!(format!("{k:?}"), "ContactDataKey(<redacted>)");
        let b = BadgeSeed::from_slice(&[0x44; 32]).unwrap();
        assert_eq!(format!("{b:?}"), "BadgeSeed(<redacted>)");
        let tk = BadgeTraceKey::from_slice(&[0x55; 16]).unwrap();
        assert_eq!(format!("{tk:?}"), "BadgeTraceKey(<redacted>)");
    }

    #[test]
    fn constant_time_equality() {
        let a = DataSecret::from_slice(&[1; 16]).unwrap();
        let b = DataSecret::from_slice(&[1; 16]).unwrap();
        let c = DataSecret::from_slice(&[2; 16]).unwrap();
        assert_eq!(a, b);
        assert_ne!(a, c);
    }

    #[test]
    fn wrong_length_rejected() {
        assert_eq!(
            DataSecret::from_slice(&[0; 15]).unwrap_err(),
            DecodeError::WrongLength { field: "data_secret", expected: 16, got: 15 }
        );
    }
}
