//! Secret byte strings and private keys: zeroized on drop, redacted in `Debug`, never `Copy`, `Clone`,
//! `Serialize` or `Display`, compared in constant time.

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

            /// Imports the secret from exactly `LENGTH` bytes.
            ///
            /// # Errors
            /// [`DecodeError::WrongLength`] for any other length.
            pub fn from_slice(bytes: &[u8]) -> Result<Self, DecodeError> {
                let arr: &[u8; $len] = bytes
                    .try_into()
                    .map_err(|_| DecodeError::WrongLength { what: $field, expected: $len, got: bytes.len() })?;
                Ok(Self::new_with(|b| b.copy_from_slice(arr)))
            }

            /// Builds the secret in place (no intermediate copy to wipe).
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
    /// A guest's data secret (16 bytes): inside every legacy check-in; derives the contact-data keys
    /// (for a v4 badge it is the contact-data AES key itself).
    DataSecret,
    16,
    "data_secret"
);

secret_bytes!(
    /// A guest's (or badge's) tracing secret of one day (16 bytes): keys the trace ids.
    TracingSecret,
    16,
    "tracing_secret"
);

secret_bytes!(
    /// A badge's tracing seed (16 bytes, printed in the badge QR): derives its user id, verification key
    /// and tracing secret.
    TracingSeed,
    16,
    "tracing_seed"
);

/// A badge's verification key: keys the verification tag of its check-ins (v4 badges: 16 bytes, v3: 32).
#[derive(zeroize::Zeroize, zeroize::ZeroizeOnDrop)]
pub struct BadgeVerificationKey(pub(crate) Vec<u8>);

impl BadgeVerificationKey {
    /// Imports a key of 16 (v4) or 32 (v3) bytes.
    ///
    /// # Errors
    /// [`DecodeError::WrongLength`] for any other length.
    pub fn from_slice(bytes: &[u8]) -> Result<Self, DecodeError> {
        match bytes.len() {
            16 | 32 => Ok(Self(bytes.to_vec())),
            got => Err(DecodeError::WrongLength { what: "verification_key", expected: 16, got }),
        }
    }

    /// The key bytes. Copies made from this reference are the caller's to wipe.
    pub fn expose_secret(&self) -> &[u8] {
        &self.0
    }
}

impl core::fmt::Debug for BadgeVerificationKey {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str("BadgeVerificationKey(<redacted>)")
    }
}

impl ConstantTimeEq for BadgeVerificationKey {
    fn ct_eq(&self, other: &Self) -> subtle::Choice {
        self.0.as_slice().ct_eq(other.0.as_slice())
    }
}

impl PartialEq for BadgeVerificationKey {
    fn eq(&self, other: &Self) -> bool {
        bool::from(self.ct_eq(other))
    }
}

impl Eq for BadgeVerificationKey {}

secret_bytes!(
    /// A v3 badge's contact-data key (16 bytes).
    BadgeDataKey,
    16,
    "data_key"
);

secret_bytes!(
    /// A badge's guest signing key (32-byte P-256 scalar, checked to be in range).
    BadgeSigningKey,
    32,
    "signing_key"
);

secret_bytes!(
    /// The 7 bytes of entropy a printed badge serial number encodes: the seed of all its secrets.
    SerialEntropy,
    7,
    "entropy"
);

/// A guest's user id (16 bytes, a UUID in RFC 4122 byte order). Not a key, but it links every check-in
/// of a guest to their contact data: redacted in `Debug` like the secrets, compared in constant time.
#[derive(Clone, PartialEq, Eq)]
pub struct UserId([u8; 16]);

impl UserId {
    /// From its 16 bytes.
    pub fn from_bytes(bytes: [u8; 16]) -> Self {
        Self(bytes)
    }

    /// The 16 bytes.
    pub fn as_bytes(&self) -> &[u8; 16] {
        &self.0
    }

    /// The UUID text form, `xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx` (lower-case hex).
    pub fn to_uuid_string(&self) -> String {
        let mut s = String::with_capacity(36);
        for (i, b) in self.0.iter().enumerate() {
            if matches!(i, 4 | 6 | 8 | 10) {
                s.push('-');
            }
            s.push_str(&format!("{b:02x}"));
        }
        s
    }
}

impl core::fmt::Debug for UserId {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str("UserId(<redacted>)")
    }
}

macro_rules! private_key {
    ($(#[$m:meta])* $name:ident) => {
        $(#[$m])*
        pub struct $name(pub(crate) crate::crypto::EcSecret);

        impl $name {
            /// Imports a 32-byte big-endian scalar in `[1, n-1]` (the original system's raw key format;
            /// its tools showed it as 64 hex digits).
            ///
            /// # Errors
            /// [`DecodeError::WrongLength`] or [`DecodeError::InvalidField`].
            pub fn from_slice(bytes: &[u8]) -> Result<Self, DecodeError> {
                crate::crypto::EcSecret::from_slice(bytes, "private_key").map(Self)
            }

            /// The public key, uncompressed SEC1 (65 bytes).
            pub fn public_key_uncompressed(&self) -> [u8; 65] {
                self.0.public_uncompressed()
            }
        }

        impl core::fmt::Debug for $name {
            fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
                f.write_str(concat!(stringify!($name), "(<redacted>)"))
            }
        }
    };
}

private_key!(
    /// A health office's daily private key of the original system: opens the inner layer of v3/v4 guest
    /// codes and v3 check-in records.
    DailyPrivateKey
);

private_key!(
    /// A venue operator's private key of the original system: opens the outer layer of check-in records
    /// and additional data.
    VenuePrivateKey
);

private_key!(
    /// A health office's badge private key of the original system: opens the contact-data reference of
    /// static badges.
    BadgePrivateKey
);

/// What the inner layer of a check-in holds: the guest's user id and data secret.
#[derive(Debug, PartialEq, Eq)]
pub struct CheckInSecrets {
    /// The guest's user id.
    pub user_id: UserId,
    /// The guest's data secret.
    pub data_secret: DataSecret,
}
