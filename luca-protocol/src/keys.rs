//! Public and private keys of the luca key hierarchy.
//!
//! | key | type | held by | purpose |
//! |---|---|---|---|
//! | trust anchor | [`TrustAnchorKey`] → [`SignaturePublicKey`] | system operator, offline | issues [`HealthOfficeCertificate`](crate::signed::health_office_certificate::HealthOfficeCertificate)s and the [`RegistrarCertificate`](crate::signed::registrar_certificate::RegistrarCertificate) |
//! | registrar | [`RegistrarKey`] | operator | signs venue descriptors and badge attestations |
//! | health-office signing | [`HealthOfficeSigningKey`] | each health office | signs daily key announcements, tracing requests, notification lists |
//! | health-office encryption | [`HealthOfficeEncryptionKey`] → [`EncryptionPublicKey`] | each health office | receives daily key shares and consent responses |
//! | daily key | [`DailyPrivateKey`] | all health offices | inner layer of check-ins and history shares |
//! | badge key | [`BadgePrivateKey`] | all health offices | inner layer of badges |
//! | venue key | [`VenuePrivateKey`] | venue owner or meeting host | outer layer of check-ins, additional data |
//! | guest signing | [`GuestSigningKey`] | guest | signs contact data |
//! | meeting host signing | [`HostSigningKey`] | private-meeting host | signs the private-meeting descriptor |
//!
//! Public keys are 65-byte uncompressed SEC1 points on the wire; every other
//! encoding (compressed, hybrid, identity) is rejected, except the guest QR's
//! `enc`, which is compressed (33 bytes) and expanded before use.
//! Private keys are 32-byte big-endian scalars in `[1, n-1]`.

use core::fmt;

use rand_core::CryptoRng;
use zeroize::Zeroizing;

use crate::crypto::{self, EcPublic, EcSecret};
use crate::error::DecodeError;

macro_rules! public_key {
    ($(#[$m:meta])* $name:ident) => {
        $(#[$m])*
        #[derive(Clone, Copy, PartialEq, Eq)]
        pub struct $name(pub(crate) EcPublic);

        impl $name {
            /// Encoded length: uncompressed SEC1.
            pub const LENGTH: usize = crypto::POINT_LEN;

            /// Parses a 65-byte uncompressed SEC1 point.
            ///
            /// # Errors
            /// [`DecodeError::WrongLength`] or [`DecodeError::InvalidPoint`].
            pub fn from_slice(bytes: &[u8]) -> Result<Self, DecodeError> {
                Self::from_slice_field(bytes, "public_key")
            }

            pub(crate) fn from_slice_field(bytes: &[u8], field: &'static str) -> Result<Self, DecodeError> {
                if bytes.len() != Self::LENGTH {
                    return Err(DecodeError::WrongLength { field, expected: Self::LENGTH, got: bytes.len() });
                }
                EcPublic::from_uncompressed(bytes).map(Self).map_err(|_| DecodeError::InvalidPoint { field })
            }

            /// The 65-byte uncompressed SEC1 encoding.
            pub fn to_bytes(&self) -> [u8; crypto::POINT_LEN] {
                self.0.to_uncompressed()
            }
        }

        impl fmt::Debug for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, concat!(stringify!($name), "("))?;
                for b in self.to_bytes().iter().take(9) {
                    write!(f, "{b:02x}")?;
                }
                write!(f, "…)")
            }
        }
    };
}

public_key!(
    /// An ECDSA P-256 verification key (trust anchor, registrar, health office, guest, meeting host).
    SignaturePublicKey
);
public_key!(
    /// An HPKE (DHKEM P-256) recipient public key (daily, badge, venue, health-office encryption key).
    EncryptionPublicKey
);

macro_rules! private_key {
    ($(#[$m:meta])* $name:ident, $public:ident) => {
        $(#[$m])*
        pub struct $name(pub(crate) EcSecret);

        impl $name {
            /// Draws a fresh key from `rng`.
            pub fn generate<R: CryptoRng>(rng: &mut R) -> Self {
                Self(EcSecret::random(rng))
            }

            /// Imports a 32-byte big-endian scalar in `[1, n-1]`.
            ///
            /// # Errors
            /// [`DecodeError::WrongLength`] or [`DecodeError::InvalidField`].
            pub fn from_slice(bytes: &[u8]) -> Result<Self, DecodeError> {
                if bytes.len() != crypto::SCALAR_LEN {
                    return Err(DecodeError::WrongLength {
                        field: "private_key",
                        expected: crypto::SCALAR_LEN,
                        got: bytes.len(),
                    });
                }
                EcSecret::from_bytes(bytes).map(Self).map_err(|_| DecodeError::InvalidField { field: "private_key" })
            }

            /// Exports the 32-byte scalar, in a buffer that wipes itself.
            pub fn to_bytes(&self) -> Zeroizing<[u8; crypto::SCALAR_LEN]> {
                self.0.to_bytes()
            }

            /// The public key.
            pub fn public_key(&self) -> $public {
                $public(self.0.public())
            }
        }

        impl fmt::Debug for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(concat!(stringify!($name), "(<redacted>)"))
            }
        }
    };
}

macro_rules! signing_key {
    ($(#[$m:meta])* $name:ident) => {
        private_key!($(#[$m])* $name, SignaturePublicKey);

        impl $name {
            /// ECDSA P-256 / SHA-256 signature (`r‖s`, 64 bytes), deterministic (RFC 6979).
            pub(crate) fn sign(&self, msg: &[u8]) -> [u8; crypto::SIGNATURE_LEN] {
                self.0.sign(msg)
            }
        }
    };
}

signing_key!(
    /// The trust anchor's signing key: issues health-office and registrar certificates. Kept offline.
    TrustAnchorKey
);
signing_key!(
    /// The venue registrar's signing key: signs venue descriptors and badge attestations.
    RegistrarKey
);
signing_key!(
    /// A health office's long-term signing key (certified by the trust anchor).
    HealthOfficeSigningKey
);
signing_key!(
    /// A guest's signing key: signs the guest's encrypted contact data.
    GuestSigningKey
);
signing_key!(
    /// A private-meeting host's signing key: signs the private-meeting descriptor.
    HostSigningKey
);

private_key!(
    /// A health office's long-term HPKE encryption key (certified by the trust anchor).
    HealthOfficeEncryptionKey,
    EncryptionPublicKey
);
private_key!(
    /// The private half of a daily key (shared by all health offices, erased after retention).
    DailyPrivateKey,
    EncryptionPublicKey
);
private_key!(
    /// The private half of a badge key (shared by all health offices).
    BadgePrivateKey,
    EncryptionPublicKey
);
private_key!(
    /// A venue's (or meeting host's) HPKE private key: opens the outer layer of check-ins.
    VenuePrivateKey,
    EncryptionPublicKey
);

/// A health office's long-term master keys: one for signing, one for encryption.
#[derive(Debug)]
pub struct HealthOfficeMasterKeys {
    /// Signs daily key announcements, tracing requests and notification lists.
    pub signing: HealthOfficeSigningKey,
    /// Receives daily key shares and consent responses.
    pub encryption: HealthOfficeEncryptionKey,
}

impl HealthOfficeMasterKeys {
    /// Draws both keys from `rng` (signing first).
    pub fn generate<R: CryptoRng>(rng: &mut R) -> Self {
        let signing = HealthOfficeSigningKey::generate(rng);
        let encryption = HealthOfficeEncryptionKey::generate(rng);
        Self { signing, encryption }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand_chacha::ChaCha20Rng;
    use rand_core::SeedableRng;

    fn hex_of(b: &[u8]) -> String {
        b.iter().map(|x| format!("{x:02x}")).collect()
    }

    #[test]
    fn private_keys_are_redacted() {
        let mut rng = ChaCha20Rng::seed_from_u64(1);
        assert_eq!(format!("{:?}", DailyPrivateKey::generate(&mut rng)), "DailyPrivateKey(<redacted>)");
        assert_eq!(format!("{:?}", GuestSigningKey::generate(&mut rng)), "GuestSigningKey(<redacted>)");
        assert_eq!(format!("{:?}", TrustAnchorKey::generate(&mut rng)), "TrustAnchorKey(<redacted>)");
        assert_eq!(format!("{:?}", RegistrarKey::generate(&mut rng)), "RegistrarKey(<redacted>)");
        assert_eq!(format!("{:?}", HostSigningKey::generate(&mut rng)), "HostSigningKey(<redacted>)");
        assert_eq!(format!("{:?}", BadgePrivateKey::generate(&mut rng)), "BadgePrivateKey(<redacted>)");
        assert_eq!(format!("{:?}", VenuePrivateKey::generate(&mut rng)), "VenuePrivateKey(<redacted>)");
        // No private key's Debug shows its scalar.
        let k = DailyPrivateKey::generate(&mut rng);
        assert!(!format!("{k:?}").contains(&hex_of(k.to_bytes().as_slice())));
        let m = HealthOfficeMasterKeys::generate(&mut rng);
        assert_eq!(
            format!("{m:?}"),
            "HealthOfficeMasterKeys { signing: HealthOfficeSigningKey(<redacted>), encryption: HealthOfficeEncryptionKey(<redacted>) }"
        );
    }

    #[test]
    fn public_key_rejects_compressed_and_identity() {
        let mut rng = ChaCha20Rng::seed_from_u64(2);
        let pk = VenuePrivateKey::generate(&mut rng).public_key();
        let bytes = pk.to_bytes();
        assert_eq!(EncryptionPublicKey::from_slice(&bytes).unwrap(), pk);
        assert!(matches!(EncryptionPublicKey::from_slice(&bytes[..33]), Err(DecodeError::WrongLength { .. })));
        let mut bad = bytes;
        bad[64] ^= 1;
        assert!(matches!(EncryptionPublicKey::from_slice(&bad), Err(DecodeError::InvalidPoint { .. })));
        assert!(matches!(EncryptionPublicKey::from_slice(&[0u8; 65]), Err(DecodeError::InvalidPoint { .. })));
    }
}
