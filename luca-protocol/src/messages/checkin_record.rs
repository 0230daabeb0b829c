//! Check-in record: what a scanner (or a guest's self check-in) sends to the server.
//!
//! The inner record ([`InnerRecord`], in [`super::inner_record`], re-exported here) is what the guest QR (or the badge)
//! carries: the guest QR's body, already sealed to a daily key, or the badge
//! attestation, whose inner layer is sealed to a badge key. The scanner seals
//! the inner record to the venue's encryption key (the outer layer), bound to
//! the venue id, trace id, check-in minute and source. The server stores the
//! record; only the venue can open the outer layer, only health offices the
//! inner one.

use rand_core::CryptoRng;

use crate::cbor::{self, ArrayReader, ArrayWriter};
use crate::crypto::{self, AEAD_TAG_LEN, POINT_LEN};
use crate::error::SealError;
use crate::error::{DecodeError, OpenError};
use crate::ids::{TraceId, VenueId};
use crate::keys::{EncryptionPublicKey, VenuePrivateKey};
use crate::labels;
use crate::time::{UnixMinute, UnixTime};

/// Protocol version of the inner record and of the check-in record.
const VERSION: u64 = 1;
/// Items of the check-in record, version included.
const RECORD_ARITY: usize = 7;
/// CBOR nesting of both messages: one flat array.
const MAX_DEPTH: usize = 1;

/// Default freshness window of the server-side check ([`CheckInRecordIn::check_freshness`]): 120 s.
pub const DEFAULT_FRESHNESS_WINDOW_SECS: u64 = 120;
/// Length of the outer-layer AAD: `venue_id(16) ‖ trace_id(16) ‖ checkin_minute_be32 ‖ source_u8`.
pub const AAD_LEN: usize = 37;
/// Largest outer ciphertext: the inner record's cap plus the AEAD tag.
pub const MAX_CIPHERTEXT_LEN: usize = InnerRecord::MAX_LEN + AEAD_TAG_LEN;

pub use super::inner_record::{CheckInSource, InnerRecord};

/// Maps a binding failure at sealing time to the sealer's error.
pub(crate) fn binding_to_seal_error(e: OpenError) -> SealError {
    match e {
        OpenError::BindingMismatch { field } => SealError::InvalidInput(DecodeError::InvalidField { field }),
        OpenError::Malformed(d) => SealError::InvalidInput(d),
        OpenError::DecryptionFailed => SealError::Crypto(crate::CryptoError),
    }
}

/// Why a check-in record is not fresh enough for the server to accept it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum FreshnessError {
    /// The check-in minute started more than the window before `now`.
    #[error("check-in is stale")]
    Stale,
    /// The check-in minute starts more than the window after `now`.
    #[error("check-in is from the future")]
    FromFuture,
}

impl FreshnessError {
    /// Stable snake-case name of the error, as used in test vectors.
    pub fn kind(&self) -> &'static str {
        match self {
            Self::Stale => "stale",
            Self::FromFuture => "from_future",
        }
    }
}

/// The parsed fields of a check-in record.
#[derive(Clone, Debug, PartialEq, Eq)]
struct Fields {
    venue_id: VenueId,
    trace_id: TraceId,
    checkin_minute: UnixMinute,
    source: CheckInSource,
    enc: [u8; POINT_LEN],
    ciphertext: Vec<u8>,
}

/// `venue_id(16) ‖ trace_id(16) ‖ checkin_minute_be32 ‖ source_u8`.
fn aad(venue_id: &VenueId, trace_id: &TraceId, minute: UnixMinute, source: CheckInSource) -> [u8; AAD_LEN] {
    crate::fixed::concat_fixed!(venue_id.as_bytes(), trace_id.as_bytes(), minute.to_be_bytes(), [source.to_u8()])
}

impl Fields {
    fn aad(&self) -> [u8; AAD_LEN] {
        aad(&self.venue_id, &self.trace_id, self.checkin_minute, self.source)
    }

    fn encode(&self) -> Vec<u8> {
        ArrayWriter::new(VERSION)
            .bytes(self.venue_id.as_bytes())
            .bytes(self.trace_id.as_bytes())
            .uint(u64::from(self.checkin_minute.0))
            .uint(u64::from(self.source.to_u8()))
            .bytes(&self.enc)
            .bytes(&self.ciphertext)
            .encode()
    }

    fn decode(bytes: &[u8]) -> Result<Self, DecodeError> {
        let value = cbor::decode(bytes, CheckInRecord::MAX_LEN, MAX_DEPTH)?;
        let mut r = ArrayReader::open_message(value, "checkin_record", VERSION, RECORD_ARITY)?;
        let venue_id = VenueId::from_array(r.fixed::<16>("venue_id")?);
        let trace_id = TraceId::from_array(r.fixed::<16>("trace_id")?);
        let checkin_minute = UnixMinute(r.u32("checkin_minute")?);
        let source = CheckInSource::from_u8(r.u8("source")?)?;
        let enc = r.fixed::<POINT_LEN>("enc")?;
        EncryptionPublicKey::from_slice_field(&enc, "enc")?;
        let ciphertext = r.bytes("ciphertext", MAX_CIPHERTEXT_LEN)?;
        if ciphertext.len() < AEAD_TAG_LEN {
            return Err(DecodeError::WrongLength {
                field: "ciphertext",
                expected: AEAD_TAG_LEN,
                got: ciphertext.len(),
            });
        }
        Ok(Self { venue_id, trace_id, checkin_minute, source, enc, ciphertext })
    }

    fn open(&self, venue_key: &VenuePrivateKey) -> Result<InnerRecord, OpenError> {
        let pt = crypto::hpke_open(&venue_key.0, &self.enc, labels::HPKE_CHECKIN_OUTER, &self.aad(), &self.ciphertext)?;
        let inner = InnerRecord::from_slice(&pt).map_err(OpenError::Malformed)?;
        if inner.source() != self.source {
            return Err(OpenError::BindingMismatch { field: "source" });
        }
        inner.check_binding(self.trace_id, self.checkin_minute)?;
        Ok(inner)
    }
}

/// A check-in record sealed by a scanner (or a guest's self check-in), ready to send.
///
/// Wire format (deterministic CBOR, size cap [`CheckInRecord::MAX_LEN`] = 1024 bytes):
///
/// ```cddl
/// checkin-record = [
///   1,                          ; version
///   venue_id: bstr .size 16,
///   trace_id: bstr .size 16,
///   checkin_minute: uint,       ; UTC minute, fits u32
///   source: 0 / 1,              ; 0 guest, 1 badge
///   enc: bstr .size 65,         ; HPKE encapsulated key, uncompressed SEC1
///   ciphertext: bstr,           ; 16..=616 bytes: HPKE ciphertext of the inner record ‖ tag
/// ]
/// ```
///
/// Outer layer: HPKE base mode (DHKEM(P-256, HKDF-SHA256) / HKDF-SHA256 /
/// AES-128-GCM) to the venue's encryption public key, `info` =
/// `"luca/v1/hpke/checkin-outer"` ([`labels::HPKE_CHECKIN_OUTER`]), AAD (37
/// bytes) = `venue_id ‖ trace_id ‖ checkin_minute_be32 ‖ source_u8`,
/// plaintext = the [`InnerRecord`] encoding.
///
/// Decoding ([`CheckInRecordIn::from_slice`]), in order: size cap
/// (`TooLong`); CBOR well-formed, nesting depth 1, deterministic, no trailing
/// bytes (`Truncated`, `MalformedCbor`, `NestingTooDeep`, `NonCanonical`,
/// `TrailingBytes`); array (`UnexpectedType`), version 1
/// (`UnsupportedVersion`), 7 items (`WrongArity`); `venue_id`, `trace_id` 16
/// bytes (`WrongLength`); `checkin_minute` unsigned ≤ 2^32−1 (`InvalidField`);
/// `source` ∈ {0, 1} (`InvalidField`); `enc` 65 bytes (`WrongLength`) and a
/// valid uncompressed point (`InvalidPoint`); `ciphertext` 16..=616 bytes
/// (`WrongLength`). Non-byte-string / non-integer items: `UnexpectedType`.
///
/// Opening ([`CheckInRecordIn::open`], the venue), in order: HPKE open
/// (`DecryptionFailed`: wrong key, or any change of venue id, trace id,
/// minute, source, `enc` or ciphertext); inner record decodes
/// (`Malformed(…)`); its source equals `source` (`BindingMismatch { field:
/// "source" }`); the inner record's binding to (`trace_id`, `checkin_minute`)
/// (see [`InnerRecord`]).
///
/// Server-side freshness ([`CheckInRecordIn::check_freshness`]): with `s =
/// checkin_minute · 60`, `s > now + window` → `FromFuture`, `s + window < now`
/// → `Stale` (default window 120 s).
#[derive(Clone, Debug)]
pub struct CheckInRecord {
    raw: Vec<u8>,
    fields: Fields,
}

impl CheckInRecord {
    /// Size cap of the encoded record.
    pub const MAX_LEN: usize = 1024;

    /// Seals `inner` to the venue key `venue_key` of venue `venue_id`, as the
    /// check-in `trace_id` at `checkin_minute`.
    ///
    /// # Errors
    /// [`SealError::InvalidInput`] with `InvalidField { field: "trace_id" }` or
    /// `{ field: "minute" }` if `inner` does not belong to (`trace_id`,
    /// `checkin_minute`) (the rule the venue applies when opening);
    /// [`SealError::Crypto`] if HPKE fails.
    pub fn seal<R: CryptoRng>(
        rng: &mut R,
        venue_id: VenueId,
        venue_key: &EncryptionPublicKey,
        inner: &InnerRecord,
        trace_id: TraceId,
        checkin_minute: UnixMinute,
    ) -> Result<Self, SealError> {
        inner.check_binding(trace_id, checkin_minute).map_err(binding_to_seal_error)?;
        Ok(Self::seal_unchecked(rng, venue_id, venue_key, &inner.to_bytes(), inner.source(), trace_id, checkin_minute)?)
    }

    /// Seals arbitrary `inner_bytes` under an arbitrary envelope, without the
    /// checks of [`seal`](Self::seal): what a faulty or malicious scanner could
    /// send. For test vectors and negative tests only; the venue's
    /// [`CheckInRecordIn::open`] rejects what `seal` would have refused.
    ///
    /// # Errors
    /// [`crate::CryptoError`] if HPKE fails or `inner_bytes` exceeds 600 bytes.
    #[doc(hidden)]
    pub fn seal_unchecked<R: CryptoRng>(
        rng: &mut R,
        venue_id: VenueId,
        venue_key: &EncryptionPublicKey,
        inner_bytes: &[u8],
        source: CheckInSource,
        trace_id: TraceId,
        checkin_minute: UnixMinute,
    ) -> Result<Self, crate::CryptoError> {
        if inner_bytes.len() > InnerRecord::MAX_LEN {
            return Err(crate::CryptoError);
        }
        let aad = aad(&venue_id, &trace_id, checkin_minute, source);
        let sealed = crypto::hpke_seal(rng, &venue_key.0, labels::HPKE_CHECKIN_OUTER, &aad, inner_bytes)?;
        let fields = Fields { venue_id, trace_id, checkin_minute, source, enc: sealed.enc, ciphertext: sealed.ct };
        let raw = fields.encode();
        Ok(Self { raw, fields })
    }

    /// The encoded record.
    pub fn as_bytes(&self) -> &[u8] {
        &self.raw
    }

    /// The encoded record, owned.
    pub fn to_bytes(&self) -> Vec<u8> {
        self.raw.clone()
    }

    /// The venue.
    pub fn venue_id(&self) -> VenueId {
        self.fields.venue_id
    }

    /// The check-in's trace id.
    pub fn trace_id(&self) -> TraceId {
        self.fields.trace_id
    }

    /// The check-in minute.
    pub fn checkin_minute(&self) -> UnixMinute {
        self.fields.checkin_minute
    }

    /// Guest or badge.
    pub fn source(&self) -> CheckInSource {
        self.fields.source
    }
}

/// A received check-in record (layout and rules: see [`CheckInRecord`]).
///
/// The server validates it with [`from_slice`](Self::from_slice) and
/// [`check_freshness`](Self::check_freshness) (and rejects a trace id it
/// already stored); the venue [`open`](Self::open)s it on consent.
#[derive(Clone, Debug)]
pub struct CheckInRecordIn {
    raw: Vec<u8>,
    fields: Fields,
}

impl From<CheckInRecord> for CheckInRecordIn {
    fn from(r: CheckInRecord) -> Self {
        Self { raw: r.raw, fields: r.fields }
    }
}

impl CheckInRecordIn {
    /// Parses a check-in record (rules: see [`CheckInRecord`]).
    ///
    /// # Errors
    /// The [`DecodeError`] of the first rule that fails.
    pub fn from_slice(bytes: &[u8]) -> Result<Self, DecodeError> {
        let fields = Fields::decode(bytes)?;
        Ok(Self { raw: bytes.to_vec(), fields })
    }

    /// The record exactly as received.
    pub fn as_bytes(&self) -> &[u8] {
        &self.raw
    }

    /// The record exactly as received, owned.
    pub fn to_bytes(&self) -> Vec<u8> {
        self.raw.clone()
    }

    /// The venue (bound by the outer layer's AAD).
    pub fn venue_id(&self) -> VenueId {
        self.fields.venue_id
    }

    /// The check-in's trace id (bound by the AAD and by the inner record).
    pub fn trace_id(&self) -> TraceId {
        self.fields.trace_id
    }

    /// The check-in minute (bound by the AAD and by the inner record).
    pub fn checkin_minute(&self) -> UnixMinute {
        self.fields.checkin_minute
    }

    /// Guest or badge (bound by the AAD and by the inner record).
    pub fn source(&self) -> CheckInSource {
        self.fields.source
    }

    /// Server-side freshness: the check-in minute's first second `s` must
    /// satisfy `|now − s| ≤ window_secs` (use [`DEFAULT_FRESHNESS_WINDOW_SECS`]).
    ///
    /// # Errors
    /// [`FreshnessError::FromFuture`] if `s > now + window_secs`,
    /// [`FreshnessError::Stale`] if `s + window_secs < now`.
    pub fn check_freshness(&self, now: UnixTime, window_secs: u64) -> Result<(), FreshnessError> {
        let start = self.fields.checkin_minute.start();
        if start.abs_diff(now) <= window_secs {
            Ok(())
        } else if start > now {
            Err(FreshnessError::FromFuture)
        } else {
            Err(FreshnessError::Stale)
        }
    }

    /// Opens the outer layer with the venue's private key and checks the inner
    /// record against the envelope (rules: see [`CheckInRecord`]).
    ///
    /// # Errors
    /// [`OpenError::DecryptionFailed`], [`OpenError::Malformed`],
    /// [`OpenError::BindingMismatch`] (`"source"`, `"trace_id"`, `"minute"`).
    pub fn open(&self, venue_key: &VenuePrivateKey) -> Result<InnerRecord, OpenError> {
        self.fields.open(venue_key)
    }
}

/// Test support shared by the check-in record and consent response unit tests.
#[cfg(test)]
pub(crate) mod test_support {
    use rand_core::CryptoRng;

    use super::InnerRecord;
    use crate::derive::{self, BadgeSecrets};
    use crate::ids::{BadgeKeyId, DailyKeyId, RegistrarId, TraceId, UserId};
    use crate::keys::{BadgePrivateKey, DailyPrivateKey, RegistrarKey};
    use crate::qr::guest::{DeviceType, GuestCheckInQr, QrFlags};
    use crate::secrets::{BadgeSeed, DailyTracingSecret, DataSecret};
    use crate::signed::badge_attestation::{BadgeAttestation, BadgeAttestationIn};
    use crate::time::{UnixMinute, UnixTime};

    /// A guest check-in at `minute`: the daily key it is sealed to, its trace id and the QR.
    pub(crate) fn guest<R: CryptoRng>(rng: &mut R, minute: UnixMinute) -> (DailyPrivateKey, TraceId, InnerRecord) {
        let daily = DailyPrivateKey::generate(rng);
        let secret = DailyTracingSecret::random(rng);
        let user_id = UserId::random(rng);
        let data_secret = DataSecret::random(rng);
        let trace_id = derive::guest_trace_id(&secret, &user_id, minute);
        let flags = QrFlags { device_type: DeviceType::Android, entry_policy: 0 };
        let qr = GuestCheckInQr::seal(
            rng,
            DailyKeyId::for_day(minute.day()),
            &daily.public_key(),
            flags,
            minute,
            trace_id,
            &user_id,
            &data_secret,
        )
        .unwrap();
        (daily, trace_id, InnerRecord::Guest(qr))
    }

    /// A badge: its key, secrets and attestation (unverified form).
    pub(crate) fn badge<R: CryptoRng>(rng: &mut R) -> (BadgePrivateKey, BadgeSecrets, BadgeAttestationIn) {
        let badge_key = BadgePrivateKey::generate(rng);
        let secrets = derive::badge_secrets(&BadgeSeed::random(rng)).unwrap();
        let registrar = RegistrarKey::generate(rng);
        let registrar_id = RegistrarId::random(rng);
        let att = BadgeAttestation::issue(
            rng,
            &registrar,
            registrar_id,
            BadgeKeyId(1),
            &badge_key.public_key(),
            &secrets,
            UnixTime(1_795_000_000),
        )
        .unwrap();
        let att_in = BadgeAttestationIn::from_slice(att.as_bytes()).unwrap();
        (badge_key, secrets, att_in)
    }

    /// The badge's trace id at `minute`.
    pub(crate) fn badge_trace_id(secrets: &BadgeSecrets, minute: UnixMinute) -> TraceId {
        derive::trace_id(&derive::badge_checkout_proof(&secrets.trace_key, minute))
    }
}

#[cfg(test)]
mod tests {
    use super::test_support::{badge, badge_trace_id, guest};
    use super::*;
    use crate::messages::tracing_request::test_support::NOW;
    use crate::qr::guest::GuestCheckInQr;
    use rand_chacha::ChaCha20Rng;
    use rand_core::SeedableRng;

    struct Setup {
        rng: ChaCha20Rng,
        venue_id: VenueId,
        venue_key: VenuePrivateKey,
        minute: UnixMinute,
    }

    fn setup() -> Setup {
        let mut rng = ChaCha20Rng::seed_from_u64(50);
        let venue_id = VenueId::random(&mut rng);
        let venue_key = VenuePrivateKey::generate(&mut rng);
        Setup { rng, venue_id, venue_key, minute: NOW.minute() }
    }

    fn guest_record(s: &mut Setup) -> (TraceId, CheckInRecord) {
        let (_, trace_id, inner) = guest(&mut s.rng, s.minute);
        let r =
            CheckInRecord::seal(&mut s.rng, s.venue_id, &s.venue_key.public_key(), &inner, trace_id, s.minute).unwrap();
        (trace_id, r)
    }

    /// Seals `pt` under the given envelope without any check (what a malicious scanner could do).
    fn raw_record(s: &mut Setup, trace_id: TraceId, minute: UnixMinute, source: CheckInSource, pt: &[u8]) -> Vec<u8> {
        let aad = aad(&s.venue_id, &trace_id, minute, source);
        let sealed =
            crypto::hpke_seal(&mut s.rng, &s.venue_key.public_key().0, labels::HPKE_CHECKIN_OUTER, &aad, pt).unwrap();
        Fields {
            venue_id: s.venue_id,
            trace_id,
            checkin_minute: minute,
            source,
            enc: sealed.enc,
            ciphertext: sealed.ct,
        }
        .encode()
    }

    fn edited(bytes: &[u8], edit: impl FnOnce(&mut Fields)) -> Vec<u8> {
        let mut f = Fields::decode(bytes).unwrap();
        edit(&mut f);
        f.encode()
    }

    #[test]
    fn round_trip_guest() {
        let mut s = setup();
        let (trace_id, rec) = guest_record(&mut s);
        assert!(rec.as_bytes().len() <= CheckInRecord::MAX_LEN);
        assert_eq!(rec.venue_id(), s.venue_id);
        assert_eq!(rec.trace_id(), trace_id);
        assert_eq!(rec.checkin_minute(), s.minute);
        assert_eq!(rec.source(), CheckInSource::Guest);
        let parsed = CheckInRecordIn::from_slice(rec.as_bytes()).unwrap();
        assert_eq!(parsed.as_bytes(), rec.as_bytes());
        assert_eq!(parsed.venue_id(), s.venue_id);
        assert_eq!(parsed.trace_id(), trace_id);
        assert_eq!(parsed.checkin_minute(), s.minute);
        assert_eq!(parsed.source(), CheckInSource::Guest);
        let inner = parsed.open(&s.venue_key).unwrap();
        let InnerRecord::Guest(qr) = &inner else { panic!("not a guest record") };
        assert_eq!(qr.trace_id(), trace_id);
        assert_eq!(qr.minute(), s.minute);
        // Deterministic.
        let mut s2 = setup();
        assert_eq!(guest_record(&mut s2).1.to_bytes(), rec.to_bytes());
    }

    #[test]
    fn round_trip_badge() {
        let mut s = setup();
        let (badge_key, secrets, att) = badge(&mut s.rng);
        let trace_id = badge_trace_id(&secrets, s.minute);
        let att_bytes = att.to_bytes();
        let inner = InnerRecord::Badge(att);
        let rec =
            CheckInRecord::seal(&mut s.rng, s.venue_id, &s.venue_key.public_key(), &inner, trace_id, s.minute).unwrap();
        assert_eq!(rec.source(), CheckInSource::Badge);
        let opened = CheckInRecordIn::from(rec).open(&s.venue_key).unwrap();
        let InnerRecord::Badge(att) = opened else { panic!("not a badge record") };
        assert_eq!(att.as_bytes(), att_bytes.as_slice());
        let (user_id, _) = att.open_unverified(&badge_key).unwrap();
        assert_eq!(user_id, secrets.user_id);
    }

    #[test]
    fn inner_record_round_trip_and_layout() {
        let mut s = setup();
        let (_, _, inner) = guest(&mut s.rng, s.minute);
        let b = inner.to_bytes();
        // [1, 0, bstr(105), bstr(32)] = 0x84 0x01 0x00 0x58 0x69 ‖ body ‖ 0x58 0x20 ‖ enc_y.
        assert_eq!(&b[..5], &[0x84, 0x01, 0x00, 0x58, 0x69]);
        assert_eq!(&b[110..112], &[0x58, 0x20]);
        assert_eq!(b.len(), 144);
        let InnerRecord::Guest(qr) = &inner else { panic!("not a guest record") };
        assert_eq!(&b[5..110], qr.body());
        assert_eq!(b[112..], qr.enc_y());
        // enc_y is the y-coordinate of the decompressed enc.
        let decompressed = GuestCheckInQr::from_body(qr.body()).unwrap();
        assert_eq!(decompressed.enc_y(), qr.enc_y());
        let again = InnerRecord::from_slice(&b).unwrap();
        assert_eq!(again.to_bytes(), b);
        assert_eq!(again.source(), CheckInSource::Guest);
    }

    #[test]
    fn decode_inner_record_rejections() {
        let mut s = setup();
        let (_, _, inner) = guest(&mut s.rng, s.minute);
        let b = inner.to_bytes();
        let mut v = b.clone();
        v[1] = 2;
        assert_eq!(InnerRecord::from_slice(&v).unwrap_err(), DecodeError::UnsupportedVersion { got: 2 });
        let mut v = b.clone();
        v[2] = 2;
        assert_eq!(InnerRecord::from_slice(&v).unwrap_err(), DecodeError::InvalidField { field: "source" });
        let short = ArrayWriter::new(1).uint(0).bytes(&b[5..109]).bytes(&b[112..]).encode();
        assert_eq!(
            InnerRecord::from_slice(&short).unwrap_err(),
            DecodeError::WrongLength { field: "guest_qr_body", expected: 105, got: 104 }
        );
        let body = &b[5..110];
        let y = &b[112..];
        let with_y = |body: &[u8], y: &[u8]| ArrayWriter::new(1).uint(0).bytes(body).bytes(y).encode();
        assert!(InnerRecord::from_slice(&with_y(body, y)).is_ok());
        assert_eq!(
            InnerRecord::from_slice(&with_y(body, &y[1..])).unwrap_err(),
            DecodeError::WrongLength { field: "enc_y", expected: 32, got: 31 }
        );
        // A y of the other parity (the other point with this x has p - y, always of the other parity), a y of the
        // right parity off the curve, a compressed prefix that is not 0x02/0x03.
        let mut other_parity = y.to_vec();
        other_parity[31] ^= 1;
        assert_eq!(
            InnerRecord::from_slice(&with_y(body, &other_parity)).unwrap_err(),
            DecodeError::InvalidPoint { field: "enc_y" }
        );
        let mut off_curve = y.to_vec();
        off_curve[0] ^= 0x80;
        assert_eq!(
            InnerRecord::from_slice(&with_y(body, &off_curve)).unwrap_err(),
            DecodeError::InvalidPoint { field: "enc_y" }
        );
        let mut prefix = body.to_vec();
        prefix[24] = 0x04;
        assert_eq!(
            InnerRecord::from_slice(&with_y(&prefix, y)).unwrap_err(),
            DecodeError::InvalidPoint { field: "enc" }
        );
        let no_y = ArrayWriter::new(1).uint(0).bytes(body).null().encode();
        assert_eq!(InnerRecord::from_slice(&no_y).unwrap_err(), DecodeError::UnexpectedType { field: "enc_y" });
        let badge_with_y = ArrayWriter::new(1).uint(1).bytes(body).bytes(y).encode();
        assert_eq!(InnerRecord::from_slice(&badge_with_y).unwrap_err(), DecodeError::UnexpectedType { field: "enc_y" });
        // A guest body labelled as a badge: not a COSE object.
        let mut v = b.clone();
        v[2] = 1;
        assert!(InnerRecord::from_slice(&v).is_err());
        assert_eq!(InnerRecord::from_slice(&[0u8; 601]).unwrap_err(), DecodeError::TooLong { max: 600, got: 601 });
        assert_eq!(InnerRecord::from_slice(&b[..b.len() - 1]).unwrap_err(), DecodeError::Truncated);
        let mut t = b.clone();
        t.push(0);
        assert_eq!(InnerRecord::from_slice(&t).unwrap_err(), DecodeError::TrailingBytes);
        let arity = ArrayWriter::new(1).uint(0).encode();
        assert_eq!(
            InnerRecord::from_slice(&arity).unwrap_err(),
            DecodeError::WrongArity { field: "inner_record", expected: 4, got: 2 }
        );
    }

    #[test]
    fn seal_rejects_foreign_inner_record() {
        let mut s = setup();
        let (_, trace_id, inner) = guest(&mut s.rng, s.minute);
        let pk = s.venue_key.public_key();
        let other = TraceId::from_array([1; 16]);
        assert_eq!(
            CheckInRecord::seal(&mut s.rng, s.venue_id, &pk, &inner, other, s.minute).unwrap_err(),
            SealError::InvalidInput(DecodeError::InvalidField { field: "trace_id" })
        );
        assert_eq!(
            CheckInRecord::seal(&mut s.rng, s.venue_id, &pk, &inner, trace_id, UnixMinute(s.minute.0 + 1)).unwrap_err(),
            SealError::InvalidInput(DecodeError::InvalidField { field: "minute" })
        );
        let (_, secrets, att) = badge(&mut s.rng);
        let inner = InnerRecord::Badge(att);
        // The badge's trace id of the next minute is not this minute's.
        let next = badge_trace_id(&secrets, UnixMinute(s.minute.0 + 1));
        assert_eq!(
            CheckInRecord::seal(&mut s.rng, s.venue_id, &pk, &inner, next, s.minute).unwrap_err(),
            SealError::InvalidInput(DecodeError::InvalidField { field: "trace_id" })
        );
    }

    #[test]
    fn open_wrong_venue_key() {
        let mut s = setup();
        let (_, rec) = guest_record(&mut s);
        let wrong = VenuePrivateKey::generate(&mut s.rng);
        assert_eq!(CheckInRecordIn::from(rec).open(&wrong).unwrap_err(), OpenError::DecryptionFailed);
    }

    #[test]
    fn open_retargeted_record() {
        let mut s = setup();
        let (_, rec) = guest_record(&mut s);
        let open = |b: &[u8]| CheckInRecordIn::from_slice(b).unwrap().open(&s.venue_key).unwrap_err();
        let edits: [&dyn Fn(&mut Fields); 6] = [
            &|f| f.venue_id = VenueId::from_array([7; 16]),
            &|f| f.trace_id = TraceId::from_array([7; 16]),
            &|f| f.checkin_minute = UnixMinute(f.checkin_minute.0 + 1),
            &|f| f.source = CheckInSource::Badge,
            &|f| f.ciphertext[0] ^= 1,
            &|f| f.enc = VenuePrivateKey::generate(&mut ChaCha20Rng::seed_from_u64(1)).public_key().to_bytes(),
        ];
        for edit in edits {
            assert_eq!(open(&edited(rec.as_bytes(), edit)), OpenError::DecryptionFailed);
        }
    }

    #[test]
    fn open_inner_binding_mismatch() {
        let mut s = setup();
        let (_, trace_id, inner) = guest(&mut s.rng, s.minute);
        let pt = inner.to_bytes();
        let m = s.minute;
        let b = raw_record(&mut s, TraceId::from_array([3; 16]), m, CheckInSource::Guest, &pt);
        assert_eq!(
            CheckInRecordIn::from_slice(&b).unwrap().open(&s.venue_key).unwrap_err(),
            OpenError::BindingMismatch { field: "trace_id" }
        );
        let b = raw_record(&mut s, trace_id, UnixMinute(m.0 - 1), CheckInSource::Guest, &pt);
        assert_eq!(
            CheckInRecordIn::from_slice(&b).unwrap().open(&s.venue_key).unwrap_err(),
            OpenError::BindingMismatch { field: "minute" }
        );
        let b = raw_record(&mut s, trace_id, m, CheckInSource::Badge, &pt);
        assert_eq!(
            CheckInRecordIn::from_slice(&b).unwrap().open(&s.venue_key).unwrap_err(),
            OpenError::BindingMismatch { field: "source" }
        );
        let (_, secrets, att) = badge(&mut s.rng);
        let pt = InnerRecord::Badge(att).to_bytes();
        let wrong = badge_trace_id(&secrets, UnixMinute(m.0 + 1));
        let b = raw_record(&mut s, wrong, m, CheckInSource::Badge, &pt);
        assert_eq!(
            CheckInRecordIn::from_slice(&b).unwrap().open(&s.venue_key).unwrap_err(),
            OpenError::BindingMismatch { field: "trace_id" }
        );
    }

    #[test]
    fn open_malformed_inner() {
        let mut s = setup();
        let m = s.minute;
        let b = raw_record(&mut s, TraceId::from_array([3; 16]), m, CheckInSource::Guest, &[0x83, 0x02, 0x00, 0x40]);
        assert_eq!(
            CheckInRecordIn::from_slice(&b).unwrap().open(&s.venue_key).unwrap_err(),
            OpenError::Malformed(DecodeError::UnsupportedVersion { got: 2 })
        );
    }

    #[test]
    fn decode_truncated_trailing_too_long() {
        let mut s = setup();
        let (_, rec) = guest_record(&mut s);
        let b = rec.to_bytes();
        assert_eq!(CheckInRecordIn::from_slice(&b[..b.len() - 1]).unwrap_err(), DecodeError::Truncated);
        assert_eq!(CheckInRecordIn::from_slice(&[]).unwrap_err(), DecodeError::Truncated);
        let mut t = b.clone();
        t.push(0);
        assert_eq!(CheckInRecordIn::from_slice(&t).unwrap_err(), DecodeError::TrailingBytes);
        assert_eq!(
            CheckInRecordIn::from_slice(&[0u8; 1025]).unwrap_err(),
            DecodeError::TooLong { max: 1024, got: 1025 }
        );
    }

    #[test]
    fn decode_wrong_version_arity_nesting() {
        let mut s = setup();
        let (_, rec) = guest_record(&mut s);
        let mut b = rec.to_bytes();
        b[1] = 2;
        assert_eq!(CheckInRecordIn::from_slice(&b).unwrap_err(), DecodeError::UnsupportedVersion { got: 2 });
        let short = ArrayWriter::new(1).bytes(&[0; 16]).encode();
        assert_eq!(
            CheckInRecordIn::from_slice(&short).unwrap_err(),
            DecodeError::WrongArity { field: "checkin_record", expected: 7, got: 2 }
        );
        let nested = ArrayWriter::new(1).value(ArrayWriter::new(1).into_value()).encode();
        assert_eq!(CheckInRecordIn::from_slice(&nested).unwrap_err(), DecodeError::NestingTooDeep);
    }

    #[test]
    fn decode_field_rules() {
        let mut s = setup();
        let (_, rec) = guest_record(&mut s);
        let f = Fields::decode(rec.as_bytes()).unwrap();
        let with = |minute: u64, source: u64, enc: &[u8], ct: &[u8]| {
            ArrayWriter::new(1)
                .bytes(f.venue_id.as_bytes())
                .bytes(f.trace_id.as_bytes())
                .uint(minute)
                .uint(source)
                .bytes(enc)
                .bytes(ct)
                .encode()
        };
        let m = u64::from(f.checkin_minute.0);
        assert_eq!(
            CheckInRecordIn::from_slice(&with(1 << 32, 0, &f.enc, &f.ciphertext)).unwrap_err(),
            DecodeError::InvalidField { field: "checkin_minute" }
        );
        assert_eq!(
            CheckInRecordIn::from_slice(&with(m, 2, &f.enc, &f.ciphertext)).unwrap_err(),
            DecodeError::InvalidField { field: "source" }
        );
        assert_eq!(
            CheckInRecordIn::from_slice(&with(m, 0, &f.enc[..64], &f.ciphertext)).unwrap_err(),
            DecodeError::WrongLength { field: "enc", expected: 65, got: 64 }
        );
        let mut bad = f.enc;
        bad[0] = 0x02;
        assert_eq!(
            CheckInRecordIn::from_slice(&with(m, 0, &bad, &f.ciphertext)).unwrap_err(),
            DecodeError::InvalidPoint { field: "enc" }
        );
        assert_eq!(
            CheckInRecordIn::from_slice(&with(m, 0, &f.enc, &[0; 15])).unwrap_err(),
            DecodeError::WrongLength { field: "ciphertext", expected: 16, got: 15 }
        );
        assert_eq!(
            CheckInRecordIn::from_slice(&with(m, 0, &f.enc, &[0; 617])).unwrap_err(),
            DecodeError::WrongLength { field: "ciphertext", expected: 616, got: 617 }
        );
        let wrong_venue = ArrayWriter::new(1)
            .bytes(&[0; 17])
            .bytes(f.trace_id.as_bytes())
            .uint(m)
            .uint(0)
            .bytes(&f.enc)
            .bytes(&f.ciphertext)
            .encode();
        assert_eq!(
            CheckInRecordIn::from_slice(&wrong_venue).unwrap_err(),
            DecodeError::WrongLength { field: "venue_id", expected: 16, got: 17 }
        );
    }

    #[test]
    fn freshness() {
        let mut s = setup();
        let (_, rec) = guest_record(&mut s);
        let r = CheckInRecordIn::from(rec);
        let start = s.minute.start();
        let w = DEFAULT_FRESHNESS_WINDOW_SECS;
        assert_eq!(r.check_freshness(start, w), Ok(()));
        assert_eq!(r.check_freshness(start.plus_secs(w), w), Ok(()));
        assert_eq!(r.check_freshness(start.plus_secs(w + 1), w), Err(FreshnessError::Stale));
        assert_eq!(r.check_freshness(start.minus_secs(w), w), Ok(()));
        assert_eq!(r.check_freshness(start.minus_secs(w + 1), w), Err(FreshnessError::FromFuture));
        assert_eq!(FreshnessError::Stale.kind(), "stale");
        assert_eq!(FreshnessError::FromFuture.kind(), "from_future");
    }

    #[test]
    fn aad_layout() {
        let a = aad(
            &VenueId::from_array([1; 16]),
            &TraceId::from_array([2; 16]),
            UnixMinute(0x0102_0304),
            CheckInSource::Badge,
        );
        let mut expected = vec![1u8; 16];
        expected.extend_from_slice(&[2; 16]);
        expected.extend_from_slice(&[1, 2, 3, 4, 1]);
        assert_eq!(a.as_slice(), expected.as_slice());
    }
}
