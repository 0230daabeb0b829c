//! The inner record of a check-in: what the guest QR (or the badge) carries inside the check-in
//! record's outer layer, and what the health office eventually decrypts ([`InnerRecord`]), with its
//! [`CheckInSource`]. The check-in record itself is [`super::checkin_record`].

use core::fmt;

use ciborium::Value;

use crate::cbor::{self, ArrayReader, ArrayWriter};
use crate::derive;
use crate::error::{DecodeError, OpenError};
use crate::ids::TraceId;
use crate::qr::guest::GuestCheckInQr;
use crate::signed::badge_attestation::BadgeAttestationIn;
use crate::time::UnixMinute;

/// Protocol version of the inner record.
const VERSION: u64 = 1;
/// Items of the inner record, version included.
const INNER_ARITY: usize = 4;
/// CBOR nesting: one flat array.
const MAX_DEPTH: usize = 1;

/// Where a check-in's inner record comes from.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
pub enum CheckInSource {
    /// A guest app's dynamic check-in QR (wire value 0).
    Guest,
    /// A static badge (wire value 1).
    Badge,
}

impl CheckInSource {
    /// The wire value: 0 guest, 1 badge.
    pub fn to_u8(self) -> u8 {
        match self {
            Self::Guest => 0,
            Self::Badge => 1,
        }
    }

    /// Parses the wire value.
    ///
    /// # Errors
    /// [`DecodeError::InvalidField`] (`"source"`) for any value but 0 and 1.
    pub fn from_u8(v: u8) -> Result<Self, DecodeError> {
        match v {
            0 => Ok(Self::Guest),
            1 => Ok(Self::Badge),
            _ => Err(DecodeError::InvalidField { field: "source" }),
        }
    }
}

/// The inner record of a check-in: what the health office eventually decrypts.
///
/// ```cddl
/// inner-record = [
///   1,                 ; version
///   source: 0 / 1,     ; 0 guest, 1 badge
///   body: bstr,        ; guest: the QR's 105-byte body (bytes 0..105, without checksum)
///                      ; badge: the badge attestation (COSE_Sign1 bytes, ≤ 512)
///   enc_y: bstr .size 32 / null,  ; guest: the y-coordinate of the QR's `enc` (big-endian); badge: null
/// ]
/// ```
///
/// `enc_y` spares every reader of the record the square root of point
/// decompression (7 % of the health office's per-record work, see
/// `docs/PERFORMANCE.md`): the scanner decompressed `enc` when it checked
/// the QR, and a reader checks the given y instead, which is cheaper. The
/// check leaves no freedom: for an x there are at most two points, and the
/// prefix's parity names one.
///
/// Size cap [`InnerRecord::MAX_LEN`] = 600 bytes. Decoding, in order: size
/// cap (`TooLong`); CBOR well-formed, nesting depth 1, deterministic, no
/// trailing bytes; array (`UnexpectedType`), version 1
/// (`UnsupportedVersion`), 4 items (`WrongArity`); `source` ∈ {0, 1}
/// (`InvalidField`); `body` a byte string (`UnexpectedType`, `WrongLength` if
/// over 600 bytes); `enc_y` a byte string for a guest, null for a badge
/// (`UnexpectedType { field: "enc_y" }`); then the body's own decoder:
/// guest → [`GuestCheckInQr::from_body_and_enc_y`] (`WrongLength` unless
/// 105 and 32 bytes, `UnsupportedVersion`, `InvalidField`, `InvalidPoint {
/// field: "enc" }` unless `enc` starts with `0x02`/`0x03`, `InvalidPoint {
/// field: "enc_y" }` unless (x, `enc_y`) is on the curve with the prefix's
/// parity); badge → [`BadgeAttestationIn::from_slice`].
///
/// Binding to an envelope (trace id `t`, minute `m`), used by
/// [`CheckInRecordIn::open`](super::checkin_record::CheckInRecordIn::open) and the consent response: guest — the QR's
/// trace id equals `t` (`BindingMismatch { field: "trace_id" }`) and its
/// minute equals `m` (`BindingMismatch { field: "minute" }`); badge —
/// `trace_id(badge_checkout_proof(trace_key, m)) = t`
/// (`BindingMismatch { field: "trace_id" }`).
// The badge variant is larger (≈ 630 bytes); records are few and short-lived, boxing is not worth the API cost.
#[allow(clippy::large_enum_variant)]
pub enum InnerRecord {
    /// A guest check-in: the guest QR.
    Guest(GuestCheckInQr),
    /// A badge check-in: the badge attestation (unverified: health offices open it with the badge key).
    Badge(BadgeAttestationIn),
}

impl fmt::Debug for InnerRecord {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Guest(qr) => f.debug_tuple("Guest").field(qr).finish(),
            Self::Badge(att) => f.debug_tuple("Badge").field(att).finish(),
        }
    }
}

impl InnerRecord {
    /// Size cap of the encoded inner record.
    pub const MAX_LEN: usize = 600;

    /// Where the record comes from.
    pub fn source(&self) -> CheckInSource {
        match self {
            Self::Guest(_) => CheckInSource::Guest,
            Self::Badge(_) => CheckInSource::Badge,
        }
    }

    /// The bytes carried in `body`.
    pub(crate) fn body(&self) -> &[u8] {
        match self {
            Self::Guest(qr) => qr.body(),
            Self::Badge(att) => att.as_bytes(),
        }
    }

    /// The encoding `[1, source, body, enc_y / null]`.
    pub fn to_bytes(&self) -> Vec<u8> {
        let w = ArrayWriter::new(VERSION).uint(u64::from(self.source().to_u8())).bytes(self.body());
        match self {
            Self::Guest(qr) => w.bytes(&qr.enc_y()),
            Self::Badge(_) => w.null(),
        }
        .encode()
    }

    /// Parses an inner record (rules: see [`InnerRecord`]).
    ///
    /// # Errors
    /// The [`DecodeError`] of the first rule that fails.
    pub fn from_slice(bytes: &[u8]) -> Result<Self, DecodeError> {
        let value = cbor::decode(bytes, Self::MAX_LEN, MAX_DEPTH)?;
        let mut r = ArrayReader::open_message(value, "inner_record", VERSION, INNER_ARITY)?;
        let source = CheckInSource::from_u8(r.u8("source")?)?;
        let body = r.bytes("body", Self::MAX_LEN)?;
        match (source, r.value("enc_y")?) {
            (CheckInSource::Guest, Value::Bytes(enc_y)) => {
                GuestCheckInQr::from_body_and_enc_y(&body, &enc_y).map(Self::Guest)
            }
            (CheckInSource::Badge, Value::Null) => BadgeAttestationIn::from_slice(&body).map(Self::Badge),
            _ => Err(DecodeError::UnexpectedType { field: "enc_y" }),
        }
    }

    /// Checks that the record belongs to the check-in (`trace_id`, `minute`) (rules: see [`InnerRecord`]).
    ///
    /// # Errors
    /// [`OpenError::BindingMismatch`] with `field` `"trace_id"` or `"minute"`.
    pub fn check_binding(&self, trace_id: TraceId, minute: UnixMinute) -> Result<(), OpenError> {
        match self {
            Self::Guest(qr) => {
                if qr.trace_id() != trace_id {
                    return Err(OpenError::BindingMismatch { field: "trace_id" });
                }
                if qr.minute() != minute {
                    return Err(OpenError::BindingMismatch { field: "minute" });
                }
            }
            Self::Badge(att) => {
                let proof = derive::badge_checkout_proof(&att.trace_key(), minute);
                if !derive::proof_matches(&proof, &trace_id) {
                    return Err(OpenError::BindingMismatch { field: "trace_id" });
                }
            }
        }
        Ok(())
    }
}
