//! What a scanner read: a guest check-in QR or a badge QR, told apart by the first byte of the Base32-decoded
//! text (docs/PROTOCOL.md §5.2, "Scanned-text dispatch").

use crate::error::DecodeError;
use crate::qr::badge::{BADGE_QR_TYPE_V1, BadgeQr};
use crate::qr::base32;
use crate::qr::guest::{GUEST_QR_TYPE_V1, GuestCheckInQr};

/// A QR text a scanner read: a guest check-in QR or a badge QR.
#[derive(Debug, PartialEq, Eq)]
pub enum ScannedQr {
    /// A guest's dynamic check-in QR (type/version byte `0x01`).
    Guest(GuestCheckInQr),
    /// A static badge QR (type/version byte `0x11`).
    Badge(BadgeQr),
}

impl ScannedQr {
    /// Decodes a scanned QR text: Base32 once, then dispatch on the first byte.
    ///
    /// Rules, in order: text longer than [`base32::MAX_SCANNED_TEXT_LEN`] →
    /// [`DecodeError::TooLong`]; non-canonical Base32 → [`DecodeError::InvalidBase32`];
    /// no bytes → [`DecodeError::Truncated`]; first byte `0x01` → [`GuestCheckInQr::from_bytes`],
    /// `0x11` → [`BadgeQr::from_bytes`], anything else → [`DecodeError::UnsupportedVersion`].
    ///
    /// # Errors
    /// As listed above, then the errors of the chosen decoder.
    pub fn from_text(text: &str) -> Result<Self, DecodeError> {
        if text.len() > base32::MAX_SCANNED_TEXT_LEN {
            return Err(DecodeError::TooLong { max: base32::MAX_SCANNED_TEXT_LEN, got: text.len() });
        }
        let bytes = base32::decode(text)?;
        match bytes.first() {
            None => Err(DecodeError::Truncated),
            Some(&GUEST_QR_TYPE_V1) => GuestCheckInQr::from_bytes(&bytes).map(Self::Guest),
            Some(&BADGE_QR_TYPE_V1) => BadgeQr::from_bytes(&bytes).map(Self::Badge),
            Some(other) => Err(DecodeError::UnsupportedVersion { got: u64::from(*other) }),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ids::{DailyKeyId, TraceId, UserId};
    use crate::keys::DailyPrivateKey;
    use crate::qr::guest::{DeviceType, QrFlags};
    use crate::secrets::DataSecret;
    use crate::time::UnixMinute;
    use rand_chacha::ChaCha20Rng;
    use rand_core::SeedableRng;

    fn guest_qr() -> GuestCheckInQr {
        let mut rng = ChaCha20Rng::seed_from_u64(99);
        let sk = DailyPrivateKey::generate(&mut rng);
        let trace_id = TraceId::random(&mut rng);
        let user_id = UserId::random(&mut rng);
        let data_secret = DataSecret::random(&mut rng);
        GuestCheckInQr::seal(
            &mut rng,
            DailyKeyId(1),
            &sk.public_key(),
            QrFlags { device_type: DeviceType::Ios, entry_policy: 0 },
            UnixMinute(1),
            trace_id,
            &user_id,
            &data_secret,
        )
        .unwrap()
    }

    #[test]
    fn scanned_dispatch() {
        let g = guest_qr();
        assert_eq!(ScannedQr::from_text(&g.to_base32()).unwrap(), ScannedQr::Guest(g.clone()));
        assert_eq!(ScannedQr::from_text("").unwrap_err(), DecodeError::Truncated);
        assert_eq!(
            ScannedQr::from_text(&base32::encode(&[0x21, 0, 0])).unwrap_err(),
            DecodeError::UnsupportedVersion { got: 0x21 }
        );
        assert_eq!(
            ScannedQr::from_text(&base32::encode(&[0x02; 109])).unwrap_err(),
            DecodeError::UnsupportedVersion { got: 2 }
        );
        assert_eq!(ScannedQr::from_text(&g.to_base32().to_lowercase()).unwrap_err(), DecodeError::InvalidBase32);
        let long = "A".repeat(822);
        assert_eq!(ScannedQr::from_text(&long).unwrap_err(), DecodeError::TooLong { max: 821, got: 822 });
        // A badge QR type byte is routed to the badge decoder and reports its errors.
        assert_eq!(ScannedQr::from_text(&base32::encode(&[0x11])).unwrap_err(), DecodeError::Truncated);
        // A guest QR prefix is routed to the guest decoder and reports its errors.
        let mut b = g.to_bytes().to_vec();
        b.pop();
        assert!(matches!(
            ScannedQr::from_text(&base32::encode(&b)).unwrap_err(),
            DecodeError::WrongLength { field: "guest_qr", .. }
        ));
    }
}
