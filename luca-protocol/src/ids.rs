//! Public identifiers: user id, venue id, health-office id, registrar id,
//! daily key id, badge key id, trace id, tracing request id.
//!
//! All 16-byte identifiers are uniformly random (except the trace id, which
//! is derived, see [`crate::derive`]) and encoded as raw bytes on the wire and
//! as lowercase hex in JSON and `Display`.

use core::fmt;

use rand_core::CryptoRng;

use crate::error::DecodeError;

macro_rules! id16 {
    (@common $(#[$m:meta])* $name:ident, $field:literal) => {
        $(#[$m])*
        #[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub struct $name([u8; 16]);

        impl $name {
            /// Length in bytes.
            pub const LENGTH: usize = 16;

            /// Wraps raw bytes.
            pub const fn from_array(bytes: [u8; 16]) -> Self {
                Self(bytes)
            }

            /// Parses exactly 16 bytes.
            ///
            /// # Errors
            /// [`DecodeError::WrongLength`] for any other length.
            pub fn from_slice(bytes: &[u8]) -> Result<Self, DecodeError> {
                <[u8; 16]>::try_from(bytes).map(Self).map_err(|_| DecodeError::WrongLength {
                    field: $field,
                    expected: 16,
                    got: bytes.len(),
                })
            }

            /// Draws a fresh random identifier.
            pub fn random<R: CryptoRng>(rng: &mut R) -> Self {
                let mut b = [0u8; 16];
                rng.fill_bytes(&mut b);
                Self(b)
            }

            /// The raw bytes.
            pub const fn as_bytes(&self) -> &[u8; 16] {
                &self.0
            }

            /// The raw bytes, by value.
            pub const fn to_bytes(self) -> [u8; 16] {
                self.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                for b in &self.0 {
                    write!(f, "{b:02x}")?;
                }
                Ok(())
            }
        }

    };
    ($(#[$m:meta])* $name:ident, $field:literal) => {
        id16!(@common $(#[$m])* $name, $field);

        impl fmt::Debug for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, concat!(stringify!($name), "({})"), self)
            }
        }
    };
    ($(#[$m:meta])* $name:ident, $field:literal, redacted) => {
        id16!(@common $(#[$m])* $name, $field);

        /// Redacted: the identifier is personal data (CONTRIBUTING.md, "Secrets and personal data"); its hex form
        /// is only ever written on purpose, through `Display`.
        impl fmt::Debug for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(concat!(stringify!($name), "(<redacted>)"))
            }
        }
    };
}

id16!(
    /// A guest's user id: 128 random bits chosen by the guest app at registration.
    /// The operator server stores the guest's encrypted contact data under it.
    ///
    /// Its `Debug` is redacted (personal data: it links a guest's check-ins to their contact data).
    UserId,
    "user_id",
    redacted
);
id16!(
    /// A venue's id (also of a private meeting), chosen at registration.
    VenueId,
    "venue_id"
);
id16!(
    /// A health office's id, fixed in its certificate.
    HealthOfficeId,
    "health_office_id"
);
id16!(
    /// The venue registrar's id, fixed in its certificate.
    RegistrarId,
    "registrar_id"
);
id16!(
    /// A trace id: the public handle of one check-in, `SHA-256(label ‖ checkout_proof)[0..16]`.
    TraceId,
    "trace_id"
);
id16!(
    /// The id of one tracing request (health office to venue).
    RequestId,
    "request_id"
);

/// A daily key id: the UTC day number (mod 2^16) of the day the daily key was issued for.
///
/// One daily key exists per UTC day system-wide; the id is 2 bytes in the guest QR.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Debug)]
pub struct DailyKeyId(pub u16);

impl DailyKeyId {
    /// The id of the daily key issued for `day`.
    pub fn for_day(day: crate::time::UtcDay) -> Self {
        // The low 16 bits of the day number.
        let [_, _, hi, lo] = day.0.to_be_bytes();
        Self(u16::from_be_bytes([hi, lo]))
    }
}

impl fmt::Display for DailyKeyId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

/// A badge key id: numbers the long-lived badge keys (one every few months).
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Debug)]
pub struct BadgeKeyId(pub u16);

impl fmt::Display for BadgeKeyId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn user_id_debug_is_redacted_public_ids_are_not() {
        let id = [0xab; 16];
        assert_eq!(format!("{:?}", UserId::from_array(id)), "UserId(<redacted>)");
        assert_eq!(UserId::from_array(id).to_string(), "ab".repeat(16));
        assert_eq!(format!("{:?}", VenueId::from_array(id)), format!("VenueId({})", "ab".repeat(16)));
    }
}
