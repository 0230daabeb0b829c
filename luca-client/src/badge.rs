//! Badge owners: guests without a phone who carry a static badge.
//!
//! The badge's only secret is the serial printed on it. Everything else —
//! user id, data secret, signing key, tracing secret and the trace key printed
//! in the badge QR — derives from the serial through Argon2id and HKDF
//! ([`luca_protocol::badge_serial`]). Issuing badges (drawing the serial, the
//! registrar's attestation, printing) is the registrar's, not the guest's.

use core::fmt;

use luca_protocol::badge_serial::BadgeSerial;
use luca_protocol::derive::{self, BadgeSecrets};
use luca_protocol::ids::{TraceId, UserId};
use luca_protocol::messages::checkout::Checkout;
use luca_protocol::messages::contact_data::{ContactData, ContactFields};
use luca_protocol::time::{UnixMinute, UnixTime};
use rand_core::CryptoRng;

use crate::error::ClientError;

/// The owner of a badge, holding the secrets derived from its printed serial
/// (e.g. in the personalisation web form).
///
/// Not persisted: derive it again from the serial when needed. `Debug` is redacted.
pub struct BadgeOwner {
    secrets: BadgeSecrets,
}

impl fmt::Debug for BadgeOwner {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("BadgeOwner(<redacted>)")
    }
}

impl BadgeOwner {
    /// Derives the badge's secrets from the serial as typed by a person
    /// (`XXXX-XXXX-XXXX`, case-insensitive, hyphens and spaces ignored).
    /// One Argon2id evaluation: 32 MiB, about a second.
    ///
    /// # Errors
    /// [`ClientError::BadgeSerial`] if the text is not a serial; [`ClientError::Crypto`] never in practice.
    pub fn from_serial(serial_text: &str) -> Result<Self, ClientError> {
        let serial = BadgeSerial::parse(serial_text)?;
        Ok(Self { secrets: serial.derive_secrets()? })
    }

    /// The badge's user id (its contact data is stored under it).
    pub fn user_id(&self) -> UserId {
        self.secrets.user_id
    }

    /// Seals the owner's contact data under the badge's user id, encrypted
    /// with the badge's data secret and signed with the badge's signing key
    /// (personalisation; later calls are updates).
    ///
    /// # Errors
    /// [`ClientError::Invalid`] if a contact field breaks its limits.
    pub fn personalise<R: CryptoRng>(
        &self,
        rng: &mut R,
        fields: &ContactFields,
        now: UnixTime,
    ) -> Result<ContactData, ClientError> {
        let s = &self.secrets;
        Ok(ContactData::seal(rng, &s.signing_key, s.user_id, &s.data_secret, fields, now)?)
    }

    /// The badge's trace id of a check-in at `minute` (what a scanner computes from the badge QR).
    pub fn trace_id(&self, minute: UnixMinute) -> TraceId {
        derive::trace_id(&derive::badge_checkout_proof(&self.secrets.trace_key, minute))
    }

    /// A checkout of the badge's check-in at `minute`, carrying its checkout proof.
    pub fn checkout(&self, minute: UnixMinute, now: UnixTime) -> Checkout {
        Checkout::new(&derive::badge_checkout_proof(&self.secrets.trace_key, minute), now)
    }
}

/// Personalises a badge in one step: derives its secrets from the printed
/// serial ([`BadgeOwner::from_serial`], about a second) and seals `fields`
/// ([`BadgeOwner::personalise`]). Upload the result; nothing is kept.
///
/// The serial's text and the fields are checked (the fields capped, normalised and validated:
/// [`ContactFields::normalized`]) before the second-long key derivation, so invalid input fails at once.
///
/// # Errors
/// As [`BadgeOwner::from_serial`] and [`BadgeOwner::personalise`]: an invalid serial first, then an invalid field.
pub fn personalise_badge<R: CryptoRng>(
    rng: &mut R,
    serial_text: &str,
    fields: &ContactFields,
    now: UnixTime,
) -> Result<ContactData, ClientError> {
    BadgeSerial::parse(serial_text)?;
    fields.normalized()?;
    BadgeOwner::from_serial(serial_text)?.personalise(rng, fields, now)
}
