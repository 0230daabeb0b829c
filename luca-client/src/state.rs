//! Export and import of the guest's state, through the state codec of `luca-protocol`.

use std::collections::BTreeMap;

use luca_protocol::derive;
use luca_protocol::ids::{TraceId, UserId, VenueId};
use luca_protocol::keys::GuestSigningKey;
use luca_protocol::qr::guest::DeviceType;
use luca_protocol::secrets::{DailyTracingSecret, DataSecret};
use luca_protocol::state::{Header, StateKey, StateReader, StateSpec, StateWriter};
use luca_protocol::time::{UnixMinute, UtcDay};
use rand_core::CryptoRng;
use zeroize::Zeroizing;

use crate::error::StateError;
use crate::guest::{Guest, MAX_CHECK_INS, MAX_TRACING_DAYS};
use crate::history::CheckInEntry;

/// Version of the exported guest state.
pub const STATE_VERSION: u64 = 1;
/// Size cap of an exported guest state, in bytes (2 MiB; a full history is about 1.95 MB).
pub const MAX_STATE_LEN: usize = 2 * 1024 * 1024;

/// The guest state: version first (the layout version 1 was written in), 8 items.
const GUEST_STATE: StateSpec = StateSpec {
    state_type: "luca-client/guest",
    version: STATE_VERSION,
    header: Header::VersionFirst,
    arity: 8,
    max_len: MAX_STATE_LEN,
};

impl Guest {
    /// The state sealed under `key` (AES-256-GCM with the state type and version as associated data,
    /// [`StateKey`]): what to store where the platform gives no encryption at rest. Keep the key in the
    /// platform's keystore. [`export_state`](Self::export_state) is the plain form.
    ///
    /// # Errors
    /// [`StateError::TooLong`] only if the state outgrew its size cap.
    pub fn export_state_encrypted<R: CryptoRng>(&self, rng: &mut R, key: &StateKey) -> Result<Vec<u8>, StateError> {
        GUEST_STATE.seal(rng, key, &self.export_state())
    }

    /// Restores a state sealed by [`export_state_encrypted`](Self::export_state_encrypted).
    ///
    /// # Errors
    /// [`StateError::DecryptionFailed`] for a wrong key or a changed byte, the envelope's decoding errors,
    /// then those of [`import_state`](Self::import_state).
    pub fn import_state_encrypted(bytes: &[u8], key: &StateKey) -> Result<Self, StateError> {
        Self::import_state(&GUEST_STATE.open(key, bytes)?)
    }

    /// Exports the guest's state: deterministic CBOR, versioned, at most
    /// [`MAX_STATE_LEN`] bytes, written by [`luca_protocol::state`]:
    ///
    /// ```cddl
    /// guest-state = [                      ; deterministic CBOR, at most MAX_STATE_LEN bytes, nesting depth 3
    ///   1,                                 ; state version
    ///   "luca-client/guest",               ; state type
    ///   user_id: bstr .size 16,
    ///   data_secret: bstr .size 16,
    ///   signing_key: bstr .size 32,        ; P-256 scalar in [1, n-1]
    ///   device_type: uint,                 ; 0 iOS, 1 Android, 2 web app, 3 no app
    ///   tracing_secrets: [* [day: uint, tracing_secret: bstr .size 32]],
    ///                                      ; strictly ascending days, at most MAX_TRACING_DAYS
    ///   check_ins: [* [minute: uint, trace_id: bstr .size 16, venue_id: bstr .size 16 / null]],
    ///                                      ; strictly ascending minutes, at most MAX_CHECK_INS; each
    ///                                      ; trace id is the guest's trace id of its minute, whose day
    ///                                      ; has a tracing secret
    /// ]
    /// ```
    ///
    /// **The bytes contain every secret of the guest** (user id, data secret,
    /// signing key, tracing secrets) and its check-in history. Whether and how
    /// they are encrypted at rest (platform keystore, …) is the embedder's choice;
    /// the buffer wipes itself when dropped.
    pub fn export_state(&self) -> Zeroizing<Vec<u8>> {
        let mut w = StateWriter::new(&GUEST_STATE);
        w.bytes(self.user_id.as_bytes())
            .bytes(self.data_secret.expose_secret())
            .bytes(self.signing_key.to_bytes().as_slice())
            .uint(u64::from(self.device.code()))
            .array(|w| {
                for (day, secret) in &self.tracing_secrets {
                    w.array(|w| {
                        w.uint(u64::from(day.0)).bytes(secret.expose_secret());
                    });
                }
            })
            .array(|w| {
                for e in self.check_ins.values() {
                    w.array(|w| {
                        w.uint(u64::from(e.minute.0))
                            .bytes(e.trace_id.as_bytes())
                            .opt_bytes(e.venue_id.as_ref().map(|v| v.as_bytes().as_slice()));
                    });
                }
            });
        w.finish()
    }

    /// Imports a state made by [`export_state`](Self::export_state).
    ///
    /// Decoding is strict ([`luca_protocol::state`]), in this order: size cap
    /// ([`MAX_STATE_LEN`], `too_long`), deterministic CBOR of nesting depth ≤ 3
    /// without trailing bytes or maps, the state type `"luca-client/guest"`
    /// (`wrong_state_type`), version 1 (`unsupported_version`), 8 items
    /// (`wrong_arity`), then every field's type, length and range, the list
    /// caps (`too_many_items`), strictly ascending days and minutes, and each
    /// check-in's trace id against its day's tracing secret (`invalid_field`).
    ///
    /// # Errors
    /// The [`StateError`] of the first rule violated.
    pub fn import_state(bytes: &[u8]) -> Result<Self, StateError> {
        let mut r = StateReader::open(bytes, &GUEST_STATE)?;
        let user_id = UserId::from_array(*r.fixed::<16>("user_id")?);
        let data_secret = DataSecret::from_slice(r.fixed::<16>("data_secret")?.as_slice())
            .map_err(|_| StateError::InvalidField { field: "data_secret" })?;
        let signing_key = GuestSigningKey::from_slice(r.fixed::<32>("signing_key")?.as_slice())
            .map_err(|_| StateError::InvalidField { field: "signing_key" })?;
        let device = u8::try_from(r.uint("device_type")?)
            .ok()
            .and_then(DeviceType::from_code)
            .ok_or(StateError::InvalidField { field: "device_type" })?;

        let mut tracing_secrets: BTreeMap<UtcDay, DailyTracingSecret> = BTreeMap::new();
        for mut item in r.list("tracing_secrets", MAX_TRACING_DAYS, 2)? {
            let day = UtcDay(item.u32("day")?);
            let secret = DailyTracingSecret::from_slice(item.fixed::<32>("tracing_secret")?.as_slice())
                .map_err(|_| StateError::InvalidField { field: "tracing_secret" })?;
            if tracing_secrets.last_key_value().is_some_and(|(prev, _)| *prev >= day) {
                return Err(StateError::InvalidField { field: "tracing_secrets" });
            }
            tracing_secrets.insert(day, secret);
        }

        let mut check_ins: BTreeMap<UnixMinute, CheckInEntry> = BTreeMap::new();
        for mut item in r.list("check_ins", MAX_CHECK_INS, 3)? {
            let minute = UnixMinute(item.u32("minute")?);
            let trace_id = TraceId::from_array(*item.fixed::<16>("trace_id")?);
            let venue_id = item.opt_fixed::<16>("venue_id")?.map(|v| VenueId::from_array(*v));
            let ordered = check_ins.last_key_value().is_none_or(|(prev, _)| *prev < minute);
            let own = tracing_secrets
                .get(&minute.day())
                .is_some_and(|s| derive::guest_trace_id(s, &user_id, minute) == trace_id);
            if !ordered || !own {
                return Err(StateError::InvalidField { field: "check_ins" });
            }
            check_ins.insert(minute, CheckInEntry { trace_id, minute, venue_id });
        }
        Ok(Self { user_id, data_secret, signing_key, device, tracing_secrets, check_ins })
    }
}
