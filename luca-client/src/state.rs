//! Export and import of the guest's state.

use std::collections::BTreeMap;

use ciborium::Value;
use luca_protocol::derive;
use luca_protocol::error::DecodeError;
use luca_protocol::ids::{TraceId, UserId, VenueId};
use luca_protocol::keys::GuestSigningKey;
use luca_protocol::qr::guest::DeviceType;
use luca_protocol::secrets::{DailyTracingSecret, DataSecret};
use luca_protocol::time::{UnixMinute, UtcDay};
use zeroize::Zeroizing;

use crate::cbor::{self, Reader};
use crate::error::StateError;
use crate::guest::{CheckInEntry, Guest, MAX_CHECK_INS, MAX_TRACING_DAYS};

/// Version of the exported guest state.
pub const STATE_VERSION: u64 = 1;
/// Type tag of the exported guest state.
const GUEST_TAG: &str = "luca-client/guest";
/// Size cap of an exported guest state, in bytes (2 MiB; a full history is about 1.95 MB).
pub const MAX_STATE_LEN: usize = 2 * 1024 * 1024;
const ARITY: usize = 8;
const MAX_DEPTH: usize = 3;
/// Upper bound of one encoded tracing-secret or check-in entry.
const ENTRY_BOUND: usize = 48;

fn bytes(b: &[u8]) -> Value {
    Value::Bytes(b.to_vec())
}

fn uint(n: u64) -> Value {
    Value::Integer(n.into())
}

impl Guest {
    /// Exports the guest's state: deterministic CBOR, versioned, at most
    /// [`MAX_STATE_LEN`] bytes:
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
        let secrets = self
            .tracing_secrets
            .iter()
            .map(|(day, s)| Value::Array(vec![uint(u64::from(day.0)), bytes(s.expose_secret())]))
            .collect();
        let check_ins = self
            .check_ins
            .values()
            .map(|e| {
                Value::Array(vec![
                    uint(u64::from(e.minute.0)),
                    bytes(e.trace_id.as_bytes()),
                    e.venue_id.map_or(Value::Null, |v| bytes(v.as_bytes())),
                ])
            })
            .collect();
        let value = Value::Array(vec![
            uint(STATE_VERSION),
            Value::Text(GUEST_TAG.to_owned()),
            bytes(self.user_id.as_bytes()),
            bytes(self.data_secret.expose_secret()),
            bytes(self.signing_key.to_bytes().as_slice()),
            uint(u64::from(self.device.code())),
            Value::Array(secrets),
            Value::Array(check_ins),
        ]);
        let entries = self.tracing_secrets.len().saturating_add(self.check_ins.len());
        cbor::encode_secret(value, entries.saturating_mul(ENTRY_BOUND).saturating_add(256))
    }

    /// Imports a state made by [`export_state`](Self::export_state).
    ///
    /// Decoding is strict, in this order: size cap ([`MAX_STATE_LEN`],
    /// `too_long`), deterministic CBOR of nesting depth ≤ 3 without trailing
    /// bytes, version 1 (`unsupported_version`), 8 items (`wrong_arity`), the
    /// type tag ([`StateError::WrongType`]), then every field's type, length
    /// and range, the list caps (`too_many_items`), strictly ascending days and
    /// minutes, and each check-in's trace id against its day's tracing secret
    /// (`invalid_field`).
    ///
    /// # Errors
    /// [`StateError::Malformed`] with the first rule violated, or [`StateError::WrongType`].
    pub fn import_state(bytes: &[u8]) -> Result<Self, StateError> {
        let value = cbor::decode(bytes, MAX_STATE_LEN, MAX_DEPTH)?;
        let mut r = Reader::open_versioned(value, "guest_state", STATE_VERSION, ARITY)?;
        if !r.tag(GUEST_TAG)? {
            return Err(StateError::WrongType);
        }
        let user_id = UserId::from_array(*r.fixed::<16>("user_id")?);
        let data_secret = DataSecret::from_slice(r.fixed::<16>("data_secret")?.as_slice())?;
        let signing_key = GuestSigningKey::from_slice(r.fixed::<32>("signing_key")?.as_slice())
            .map_err(|_| DecodeError::InvalidField { field: "signing_key" })?;
        let device = u8::try_from(r.uint("device_type")?)
            .ok()
            .and_then(DeviceType::from_code)
            .ok_or(DecodeError::InvalidField { field: "device_type" })?;

        let mut list = r.list("tracing_secrets", MAX_TRACING_DAYS)?;
        let mut tracing_secrets: BTreeMap<UtcDay, DailyTracingSecret> = BTreeMap::new();
        while list.remaining() > 0 {
            let mut item = Reader::open(list.next()?, "tracing_secrets")?;
            item.expect_len(2)?;
            let day = UtcDay(item.u32("day")?);
            let secret = DailyTracingSecret::from_slice(item.fixed::<32>("tracing_secret")?.as_slice())?;
            if tracing_secrets.last_key_value().is_some_and(|(prev, _)| *prev >= day) {
                return Err(DecodeError::InvalidField { field: "tracing_secrets" }.into());
            }
            tracing_secrets.insert(day, secret);
        }

        let mut list = r.list("check_ins", MAX_CHECK_INS)?;
        let mut check_ins: BTreeMap<UnixMinute, CheckInEntry> = BTreeMap::new();
        while list.remaining() > 0 {
            let mut item = Reader::open(list.next()?, "check_ins")?;
            item.expect_len(3)?;
            let minute = UnixMinute(item.u32("minute")?);
            let trace_id = TraceId::from_array(*item.fixed::<16>("trace_id")?);
            let venue_id = item.opt_fixed::<16>("venue_id")?.map(|v| VenueId::from_array(*v));
            let ordered = check_ins.last_key_value().is_none_or(|(prev, _)| *prev < minute);
            let own = tracing_secrets
                .get(&minute.day())
                .is_some_and(|s| derive::guest_trace_id(s, &user_id, minute) == trace_id);
            if !ordered || !own {
                return Err(DecodeError::InvalidField { field: "check_ins" }.into());
            }
            check_ins.insert(minute, CheckInEntry { trace_id, minute, venue_id });
        }
        Ok(Self { user_id, data_secret, signing_key, device, tracing_secrets, check_ins })
    }
}
