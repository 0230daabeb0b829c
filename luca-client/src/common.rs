//! Steps shared by the guest, the badge owner and the one-off guest.

use luca_protocol::ids::{DailyKeyId, TraceId, UserId, VenueId};
use luca_protocol::keys::EncryptionPublicKey;
use luca_protocol::messages::checkin_record::{CheckInRecord, InnerRecord};
use luca_protocol::qr::guest::{DeviceType, GuestCheckInQr, QrFlags};
use luca_protocol::secrets::DataSecret;
use luca_protocol::signed::daily_key_announcement::AnnouncedDailyKey;
use luca_protocol::time::{UnixMinute, UnixTime};
use rand_core::CryptoRng;

use crate::error::ClientError;

/// The daily key id of `daily_key` if it is a daily key (not a badge key) in use at `now`.
pub(crate) fn usable_daily_key(daily_key: &impl AnnouncedDailyKey, now: UnixTime) -> Result<DailyKeyId, ClientError> {
    let key_id = daily_key.daily_key_id().ok_or(ClientError::DailyKeyNotValid)?;
    if !daily_key.is_in_use_at(now) {
        return Err(ClientError::DailyKeyNotValid);
    }
    Ok(key_id)
}

/// Seals a guest check-in QR for `minute` to the daily key.
#[allow(clippy::too_many_arguments)]
pub(crate) fn seal_qr<R: CryptoRng>(
    rng: &mut R,
    key_id: DailyKeyId,
    daily_key: &impl AnnouncedDailyKey,
    device: DeviceType,
    minute: UnixMinute,
    trace_id: TraceId,
    user_id: &UserId,
    data_secret: &DataSecret,
) -> Result<GuestCheckInQr, ClientError> {
    let flags = QrFlags { device_type: device, entry_policy: 0 };
    Ok(GuestCheckInQr::seal(rng, key_id, &daily_key.public_key(), flags, minute, trace_id, user_id, data_secret)?)
}

/// Plays the scanner: wraps the QR as the inner record and seals the check-in record to the venue key.
pub(crate) fn seal_record<R: CryptoRng>(
    rng: &mut R,
    venue_id: VenueId,
    venue_key: &EncryptionPublicKey,
    qr: &GuestCheckInQr,
) -> Result<CheckInRecord, ClientError> {
    let inner = InnerRecord::Guest(qr.clone());
    Ok(CheckInRecord::seal(rng, venue_id, venue_key, &inner, qr.trace_id(), qr.minute())?)
}
