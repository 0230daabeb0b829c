//! The guest's dynamic check-in QR code (refreshed every minute).
//!
//! See [`GuestCheckInQr`] for the layout, the sealing procedure and every
//! validation rule. The text form is RFC 4648 Base32 without padding
//! ([`crate::qr::base32`], shared with the badge QR).

use core::fmt;

use rand_core::CryptoRng;
use zeroize::Zeroizing;

use crate::crypto::{self, EcPublic};
use crate::derive;
use crate::error::{DecodeError, OpenError};
use crate::ids::{DailyKeyId, TraceId, UserId};
use crate::keys::{DailyPrivateKey, EncryptionPublicKey};
use crate::labels;
use crate::qr::base32;
use crate::secrets::DataSecret;
use crate::time::UnixMinute;

/// The type/version byte of a guest check-in QR, protocol version 1.
pub const GUEST_QR_TYPE_V1: u8 = 0x01;

const OFF_FLAGS: usize = 1;
const OFF_KEY_ID: usize = 2;
const OFF_MINUTE: usize = 4;
const OFF_TRACE_ID: usize = 8;
/// End of the header (= the HPKE AAD), start of `enc`.
const OFF_ENC: usize = 24;
const OFF_CT: usize = 57;
const OFF_CHECKSUM: usize = 105;
const LEN: usize = 109;
const CT_LEN: usize = 48;
const PT_LEN: usize = 32;
/// Length of the y-coordinate of `enc` that an inner record carries ([`GuestCheckInQr::enc_y`]).
pub const ENC_Y_LEN: usize = 32;

/// Whether the parser checks the checksum: not when it has just computed it itself (a body read back).
#[derive(Clone, Copy, PartialEq, Eq)]
enum Checksum {
    Verify,
    JustComputed,
}

/// How `enc` is recovered from the compressed point in the payload.
enum EncForm<'a> {
    /// Decompress it (a square root): the QR as scanned.
    Compressed,
    /// Check a given y-coordinate instead (on the curve, the prefix's parity): the QR in an inner record.
    WithY(&'a [u8; ENC_Y_LEN]),
}

impl EncForm<'_> {
    fn point(&self, compressed: &[u8]) -> Result<EcPublic, DecodeError> {
        match self {
            Self::Compressed => {
                EcPublic::from_compressed(compressed).map_err(|_| DecodeError::InvalidPoint { field: "enc" })
            }
            Self::WithY(y) => {
                let (prefix, x) = compressed.split_first().ok_or(DecodeError::InvalidPoint { field: "enc" })?;
                let x = <&[u8; ENC_Y_LEN]>::try_from(x).map_err(|_| DecodeError::InvalidPoint { field: "enc" })?;
                let odd = match prefix {
                    0x02 => 0,
                    0x03 => 1,
                    _ => return Err(DecodeError::InvalidPoint { field: "enc" }),
                };
                if y.last().map(|b| b & 1) != Some(odd) {
                    return Err(DecodeError::InvalidPoint { field: "enc_y" });
                }
                let mut uncompressed = [0u8; crypto::POINT_LEN];
                uncompressed[0] = 0x04;
                uncompressed[1..=ENC_Y_LEN].copy_from_slice(x.as_slice());
                uncompressed[1 + ENC_Y_LEN..].copy_from_slice(y.as_slice());
                EcPublic::from_uncompressed(&uncompressed).map_err(|_| DecodeError::InvalidPoint { field: "enc_y" })
            }
        }
    }
}

/// The device a guest check-in QR was produced on (flags bits 0–2).
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
pub enum DeviceType {
    /// iOS app (0).
    Ios,
    /// Android app (1).
    Android,
    /// Web app (2).
    WebApp,
    /// No app: a one-off identity made for a single check-in at the venue (3).
    NoApp,
}

impl DeviceType {
    /// The 3-bit code of the device type.
    pub const fn code(self) -> u8 {
        match self {
            Self::Ios => 0,
            Self::Android => 1,
            Self::WebApp => 2,
            Self::NoApp => 3,
        }
    }

    /// The device type of a 3-bit code; `None` for the reserved codes 4–7 (and anything larger).
    pub const fn from_code(code: u8) -> Option<Self> {
        match code {
            0 => Some(Self::Ios),
            1 => Some(Self::Android),
            2 => Some(Self::WebApp),
            3 => Some(Self::NoApp),
            _ => None,
        }
    }
}

/// The flags byte of a guest check-in QR: device type (bits 0–2) and entry policy (bits 3–7).
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
pub struct QrFlags {
    /// The device the QR was produced on.
    pub device_type: DeviceType,
    /// Entry-policy bits, as they appear in the flags byte (any combination of
    /// [`QrFlags::QUICK_TEST`], [`QrFlags::PCR_TEST`], [`QrFlags::RECOVERED`],
    /// [`QrFlags::VACCINATED`], [`QrFlags::BOOSTERED`]). Bits 0–2 are not part of
    /// the entry policy and are ignored when the flags byte is built.
    pub entry_policy: u8,
}

impl QrFlags {
    /// Entry policy: negative quick test.
    pub const QUICK_TEST: u8 = 0x08;
    /// Entry policy: negative PCR test.
    pub const PCR_TEST: u8 = 0x10;
    /// Entry policy: recovered.
    pub const RECOVERED: u8 = 0x20;
    /// Entry policy: vaccinated.
    pub const VACCINATED: u8 = 0x40;
    /// Entry policy: boostered.
    pub const BOOSTERED: u8 = 0x80;
    /// The bits of the flags byte that carry the entry policy.
    pub const ENTRY_POLICY_MASK: u8 = 0xf8;
    /// The bits of the flags byte that carry the device type.
    pub const DEVICE_TYPE_MASK: u8 = 0x07;

    /// The flags byte: `device_type.code() | (entry_policy & 0xf8)`.
    pub const fn to_byte(self) -> u8 {
        self.device_type.code() | (self.entry_policy & Self::ENTRY_POLICY_MASK)
    }

    /// Parses a flags byte.
    ///
    /// # Errors
    /// [`DecodeError::InvalidField`] (`"flags"`) if the device type is one of the reserved codes 4–7.
    pub fn from_byte(byte: u8) -> Result<Self, DecodeError> {
        let device_type =
            DeviceType::from_code(byte & Self::DEVICE_TYPE_MASK).ok_or(DecodeError::InvalidField { field: "flags" })?;
        Ok(Self { device_type, entry_policy: byte & Self::ENTRY_POLICY_MASK })
    }
}

/// What the inner layer of a guest check-in QR carries: the guest's user id and data secret.
#[derive(Debug)]
pub struct CheckInSecrets {
    /// The guest's user id.
    pub user_id: UserId,
    /// The guest's data secret.
    pub data_secret: DataSecret,
}

/// The guest's dynamic check-in QR payload: a fixed binary layout of 109 bytes.
///
/// | offset | length | field |
/// |---:|---:|---|
/// | 0 | 1 | `qr_type_version` = `0x01` (guest check-in, protocol version 1) |
/// | 1 | 1 | `flags`: bits 0–2 device type (0 iOS, 1 Android, 2 web app, 3 no-app one-off guest, 4–7 reserved), bits 3–7 entry policy (`0x08` quick test, `0x10` PCR test, `0x20` recovered, `0x40` vaccinated, `0x80` boostered) |
/// | 2 | 2 | `daily_key_id`, `u16_be` |
/// | 4 | 4 | `minute`, `u32_be` (UTC minutes since the epoch) |
/// | 8 | 16 | `trace_id` |
/// | 24 | 33 | `enc`: the HPKE encapsulated key as a compressed SEC1 point (`0x02`/`0x03` prefix) |
/// | 57 | 48 | `ciphertext`: HPKE ciphertext of `user_id (16) ‖ data_secret (16)` ‖ tag (16) |
/// | 105 | 4 | `checksum` = `SHA-256("luca/v1/qr-checksum" ‖ bytes[0..105])[0..4]` |
///
/// Sealing: HPKE base mode (DHKEM P-256 / HKDF-SHA256 / AES-128-GCM) to the
/// daily public key, `info` = `"luca/v1/hpke/checkin-inner"`
/// ([`labels::HPKE_CHECKIN_INNER`]), `aad` = `bytes[0..24]` (type/version,
/// flags, key id, minute, trace id). The 65-byte `enc` of RFC 9180 is
/// compressed to 33 bytes; an opener expands it back before decapsulation.
///
/// Text form: RFC 4648 Base32, uppercase, no padding, 175 characters (fits a
/// version-7 QR code at EC level M in alphanumeric mode).
///
/// Size: exactly [`LENGTH`](Self::LENGTH) = 109 bytes; there is no size cap
/// beyond the fixed length.
///
/// Decoding ([`from_bytes`](Self::from_bytes)) checks, in this order:
/// 1. length = 109, else [`DecodeError::WrongLength`] (`"guest_qr"`) — longer inputs too;
/// 2. `qr_type_version` = `0x01`, else [`DecodeError::UnsupportedVersion`];
/// 3. checksum, else [`DecodeError::BadChecksum`];
/// 4. device type not reserved (4–7), else [`DecodeError::InvalidField`] (`"flags"`);
/// 5. `enc` is a valid compressed P-256 point, else [`DecodeError::InvalidPoint`] (`"enc"`).
///
/// [`from_base32`](Self::from_base32) first decodes canonical Base32
/// ([`DecodeError::InvalidBase32`] for lowercase, padding, characters outside
/// the alphabet, an impossible length or non-zero trailing bits), then applies
/// the rules above. Opening ([`open`](Self::open)) fails with the opaque
/// [`OpenError::DecryptionFailed`] for a wrong daily key or any tampered header,
/// `enc` or ciphertext byte.
#[derive(Clone, PartialEq, Eq)]
pub struct GuestCheckInQr {
    raw: [u8; LEN],
    flags: QrFlags,
    daily_key_id: DailyKeyId,
    minute: UnixMinute,
    trace_id: TraceId,
    /// `enc` as a whole point, recovered once while parsing (the decoder must check the point anyway; opening needs
    /// it whole): decompressed from a scanned QR, or checked against the `enc_y` an inner record carries.
    enc: EcPublic,
}

impl GuestCheckInQr {
    /// Length of the binary payload.
    pub const LENGTH: usize = LEN;
    /// Length of the body (everything but the checksum): what a scanner forwards as the inner record.
    pub const BODY_LENGTH: usize = OFF_CHECKSUM;
    /// Length of the Base32 text.
    pub const TEXT_LENGTH: usize = 175;

    /// Seals a new check-in QR for `minute` to the daily key `daily_key` (id `daily_key_id`).
    ///
    /// Bits 0–2 of `flags.entry_policy` are ignored (see [`QrFlags::to_byte`]).
    ///
    /// # Errors
    /// [`crate::CryptoError`] if HPKE fails (in practice: never for a valid key).
    #[allow(clippy::too_many_arguments)]
    pub fn seal<R: CryptoRng>(
        rng: &mut R,
        daily_key_id: DailyKeyId,
        daily_key: &EncryptionPublicKey,
        flags: QrFlags,
        minute: UnixMinute,
        trace_id: TraceId,
        user_id: &UserId,
        data_secret: &DataSecret,
    ) -> Result<Self, crypto::CryptoError> {
        let mut raw = [0u8; LEN];
        let header = header_bytes(flags, daily_key_id, minute, &trace_id);
        let mut pt = Zeroizing::new([0u8; PT_LEN]);
        let (uid, ds) = pt.split_at_mut(16);
        uid.copy_from_slice(user_id.as_bytes());
        ds.copy_from_slice(data_secret.expose_secret());
        let sealed = crypto::hpke_seal(rng, &daily_key.0, labels::HPKE_CHECKIN_INNER, &header, pt.as_slice())?;
        let enc_point = EcPublic::from_uncompressed(&sealed.enc)?;
        let enc = enc_point.to_compressed();
        if sealed.ct.len() != CT_LEN {
            return Err(crypto::CryptoError);
        }
        raw[..OFF_ENC].copy_from_slice(&header);
        raw[OFF_ENC..OFF_CT].copy_from_slice(&enc);
        raw[OFF_CT..OFF_CHECKSUM].copy_from_slice(&sealed.ct);
        let checksum = derive::qr_checksum(&raw[..OFF_CHECKSUM]);
        raw[OFF_CHECKSUM..].copy_from_slice(&checksum);
        Ok(Self { raw, flags, daily_key_id, minute, trace_id, enc: enc_point })
    }

    /// Parses the 109-byte binary payload (rules in the type documentation).
    ///
    /// # Errors
    /// [`DecodeError::WrongLength`], [`DecodeError::UnsupportedVersion`],
    /// [`DecodeError::BadChecksum`], [`DecodeError::InvalidField`], [`DecodeError::InvalidPoint`].
    pub fn from_bytes(bytes: &[u8]) -> Result<Self, DecodeError> {
        let raw = <[u8; LEN]>::try_from(bytes).map_err(|_| DecodeError::WrongLength {
            field: "guest_qr",
            expected: LEN,
            got: bytes.len(),
        })?;
        Self::parse(raw)
    }

    /// Parses the Base32 text of a QR code.
    ///
    /// # Errors
    /// [`DecodeError::TooLong`] for a text over [`base32::MAX_SCANNED_TEXT_LEN`] characters (the cap on every scanned QR
    /// text, checked before decoding), [`DecodeError::InvalidBase32`] for non-canonical Base32 text, then as
    /// [`from_bytes`](Self::from_bytes).
    pub fn from_base32(text: &str) -> Result<Self, DecodeError> {
        let max = base32::MAX_SCANNED_TEXT_LEN;
        if text.len() > max {
            return Err(DecodeError::TooLong { max, got: text.len() });
        }
        let bytes = base32::decode(text)?;
        Self::from_bytes(&bytes)
    }

    /// Rebuilds a QR payload from its 105-byte body (the inner record a scanner
    /// forwarded), recomputing the checksum, and parses it.
    ///
    /// # Errors
    /// [`DecodeError::WrongLength`] (`"guest_qr_body"`) if `body` is not 105 bytes,
    /// then as [`from_bytes`](Self::from_bytes) (except that the checksum always matches).
    pub fn from_body(body: &[u8]) -> Result<Self, DecodeError> {
        if body.len() != OFF_CHECKSUM {
            return Err(DecodeError::WrongLength { field: "guest_qr_body", expected: OFF_CHECKSUM, got: body.len() });
        }
        let mut raw = [0u8; LEN];
        raw[..OFF_CHECKSUM].copy_from_slice(body);
        let checksum = derive::qr_checksum(body);
        raw[OFF_CHECKSUM..].copy_from_slice(&checksum);
        Self::parse_checked(raw, EncForm::Compressed, Checksum::JustComputed)
    }

    /// Rebuilds a QR payload from its 105-byte body and the y-coordinate of its `enc` (what an inner record
    /// carries), recomputing the checksum, and parses it without a square root: `enc` must be `0x02`/`0x03` ‖ x
    /// and (x, `enc_y`) a point on the curve whose y has the prefix's parity, which is exactly the point that
    /// decompressing `enc` gives.
    ///
    /// # Errors
    /// [`DecodeError::WrongLength`] (`"guest_qr_body"`, `"enc_y"`), then as [`from_bytes`](Self::from_bytes)
    /// (except that the checksum always matches), with [`DecodeError::InvalidPoint`] (`"enc"`) for a prefix
    /// other than `0x02`/`0x03` and (`"enc_y"`) for a y that is not that point's.
    pub fn from_body_and_enc_y(body: &[u8], enc_y: &[u8]) -> Result<Self, DecodeError> {
        if body.len() != OFF_CHECKSUM {
            return Err(DecodeError::WrongLength { field: "guest_qr_body", expected: OFF_CHECKSUM, got: body.len() });
        }
        let enc_y = <&[u8; ENC_Y_LEN]>::try_from(enc_y).map_err(|_| DecodeError::WrongLength {
            field: "enc_y",
            expected: ENC_Y_LEN,
            got: enc_y.len(),
        })?;
        let mut raw = [0u8; LEN];
        raw[..OFF_CHECKSUM].copy_from_slice(body);
        let checksum = derive::qr_checksum(body);
        raw[OFF_CHECKSUM..].copy_from_slice(&checksum);
        Self::parse_checked(raw, EncForm::WithY(enc_y), Checksum::JustComputed)
    }

    fn parse(raw: [u8; LEN]) -> Result<Self, DecodeError> {
        Self::parse_checked(raw, EncForm::Compressed, Checksum::Verify)
    }

    fn parse_checked(raw: [u8; LEN], enc_form: EncForm<'_>, checksum: Checksum) -> Result<Self, DecodeError> {
        let version = raw[0];
        if version != GUEST_QR_TYPE_V1 {
            return Err(DecodeError::UnsupportedVersion { got: u64::from(version) });
        }
        if checksum == Checksum::Verify && derive::qr_checksum(&raw[..OFF_CHECKSUM]) != raw[OFF_CHECKSUM..] {
            return Err(DecodeError::BadChecksum);
        }
        let flags = QrFlags::from_byte(raw[OFF_FLAGS])?;
        let enc = enc_form.point(&raw[OFF_ENC..OFF_CT])?;
        let daily_key_id = DailyKeyId(u16::from_be_bytes([raw[OFF_KEY_ID], raw[OFF_KEY_ID + 1]]));
        let minute = UnixMinute(u32::from_be_bytes([
            raw[OFF_MINUTE],
            raw[OFF_MINUTE + 1],
            raw[OFF_MINUTE + 2],
            raw[OFF_MINUTE + 3],
        ]));
        let trace_id = TraceId::from_slice(&raw[OFF_TRACE_ID..OFF_ENC])?;
        Ok(Self { raw, flags, daily_key_id, minute, trace_id, enc })
    }

    /// The y-coordinate of `enc` (32 bytes, big-endian): what an inner record carries next to the body so that
    /// its readers need no square root (see [`from_body_and_enc_y`](Self::from_body_and_enc_y)).
    pub fn enc_y(&self) -> [u8; ENC_Y_LEN] {
        let mut y = [0u8; ENC_Y_LEN];
        y.copy_from_slice(&self.enc.to_uncompressed()[1 + ENC_Y_LEN..]);
        y
    }

    /// The type and version byte (`0x01` for protocol version 1).
    #[must_use]
    pub fn qr_type_version(&self) -> u8 {
        self.raw[0]
    }

    /// `enc` as carried in the QR: the 33-byte compressed point.
    #[must_use]
    pub fn enc_compressed(&self) -> [u8; OFF_CT - OFF_ENC] {
        let mut out = [0u8; OFF_CT - OFF_ENC];
        out.copy_from_slice(&self.raw[OFF_ENC..OFF_CT]);
        out
    }

    /// The inner layer's ciphertext with its tag (48 bytes).
    #[must_use]
    pub fn ciphertext(&self) -> [u8; CT_LEN] {
        let mut out = [0u8; CT_LEN];
        out.copy_from_slice(&self.raw[OFF_CT..OFF_CHECKSUM]);
        out
    }

    /// The 4-byte checksum.
    #[must_use]
    pub fn checksum(&self) -> [u8; LEN - OFF_CHECKSUM] {
        let mut out = [0u8; LEN - OFF_CHECKSUM];
        out.copy_from_slice(&self.raw[OFF_CHECKSUM..]);
        out
    }

    /// The 109-byte binary payload, by value.
    pub fn to_bytes(&self) -> [u8; LEN] {
        self.raw
    }

    /// The 109-byte binary payload.
    pub fn as_bytes(&self) -> &[u8] {
        &self.raw
    }

    /// The Base32 text (175 characters, uppercase, no padding).
    pub fn to_base32(&self) -> String {
        base32::encode(&self.raw)
    }

    /// Bytes `0..105` (everything but the checksum): the inner record a scanner forwards.
    pub fn body(&self) -> &[u8] {
        &self.raw[..OFF_CHECKSUM]
    }

    /// The header bytes `0..24`, the HPKE AAD.
    pub fn header(&self) -> &[u8] {
        &self.raw[..OFF_ENC]
    }

    /// The flags (device type, entry policy).
    pub fn flags(&self) -> QrFlags {
        self.flags
    }

    /// The id of the daily key the QR is sealed to.
    pub fn daily_key_id(&self) -> DailyKeyId {
        self.daily_key_id
    }

    /// The minute the QR was made for.
    pub fn minute(&self) -> UnixMinute {
        self.minute
    }

    /// The check-in's trace id.
    pub fn trace_id(&self) -> TraceId {
        self.trace_id
    }

    /// Opens the inner layer with the daily private key named by [`daily_key_id`](Self::daily_key_id).
    ///
    /// # Errors
    /// [`OpenError::DecryptionFailed`] for a wrong key or any tampered byte of
    /// header, `enc` or ciphertext (opaque).
    pub fn open(&self, daily_key: &DailyPrivateKey) -> Result<CheckInSecrets, OpenError> {
        let enc = self.enc.to_uncompressed();
        let pt = crypto::hpke_open(
            &daily_key.0,
            &enc,
            labels::HPKE_CHECKIN_INNER,
            &self.raw[..OFF_ENC],
            &self.raw[OFF_CT..OFF_CHECKSUM],
        )?;
        Self::secrets(&pt)
    }

    /// The HPKE `enc` of the inner layer (65-byte uncompressed point): what a tracing office asks
    /// the committee to open (PROTOCOL.md §13).
    #[must_use]
    pub fn enc(&self) -> [u8; crypto::POINT_LEN] {
        self.enc.to_uncompressed()
    }

    /// Opens the inner layer with the committee's combined partial decryptions (threshold daily
    /// keys, PROTOCOL.md §13); the same plaintext as [`open`](Self::open) with the daily private key.
    ///
    /// # Errors
    /// [`OpenError::DecryptionFailed`] if [`enc`](Self::enc) was not in the request, or for any
    /// tampered byte (opaque).
    pub fn open_threshold(
        &self,
        combined: &crate::threshold::partial::CombinedPartials,
    ) -> Result<CheckInSecrets, OpenError> {
        let pt = combined
            .open(&self.enc(), labels::HPKE_CHECKIN_INNER, &self.raw[..OFF_ENC], &self.raw[OFF_CT..OFF_CHECKSUM])
            .map_err(|_| OpenError::DecryptionFailed)?;
        Self::secrets(&pt)
    }

    fn secrets(pt: &[u8]) -> Result<CheckInSecrets, OpenError> {
        let (uid, ds) = pt.split_at_checked(16).ok_or(OpenError::Malformed(DecodeError::WrongLength {
            field: "checkin_secrets",
            expected: PT_LEN,
            got: pt.len(),
        }))?;
        let user_id = UserId::from_slice(uid).map_err(OpenError::Malformed)?;
        let data_secret = DataSecret::from_slice(ds).map_err(OpenError::Malformed)?;
        Ok(CheckInSecrets { user_id, data_secret })
    }
}

impl fmt::Debug for GuestCheckInQr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("GuestCheckInQr")
            .field("flags", &self.flags)
            .field("daily_key_id", &self.daily_key_id)
            .field("minute", &self.minute)
            .field("trace_id", &self.trace_id)
            .finish_non_exhaustive()
    }
}

fn header_bytes(flags: QrFlags, key_id: DailyKeyId, minute: UnixMinute, trace_id: &TraceId) -> [u8; OFF_ENC] {
    let mut h = [0u8; OFF_ENC];
    h[0] = GUEST_QR_TYPE_V1;
    h[OFF_FLAGS] = flags.to_byte();
    h[OFF_KEY_ID..OFF_MINUTE].copy_from_slice(&key_id.0.to_be_bytes());
    h[OFF_MINUTE..OFF_TRACE_ID].copy_from_slice(&minute.to_be_bytes());
    h[OFF_TRACE_ID..OFF_ENC].copy_from_slice(trace_id.as_bytes());
    h
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::derive;
    use crate::secrets::DailyTracingSecret;
    use qrcode::{EcLevel, QrCode, Version};
    use rand_chacha::ChaCha20Rng;
    use rand_core::SeedableRng;

    struct Fixture {
        sk: DailyPrivateKey,
        user_id: UserId,
        data_secret: DataSecret,
        qr: GuestCheckInQr,
    }

    fn fixture(seed: u64) -> Fixture {
        let mut rng = ChaCha20Rng::seed_from_u64(seed);
        let sk = DailyPrivateKey::generate(&mut rng);
        let user_id = UserId::random(&mut rng);
        let data_secret = DataSecret::random(&mut rng);
        let tracing = DailyTracingSecret::random(&mut rng);
        let minute = UnixMinute(29_932_380);
        let trace_id = derive::guest_trace_id(&tracing, &user_id, minute);
        let flags =
            QrFlags { device_type: DeviceType::Android, entry_policy: QrFlags::VACCINATED | QrFlags::BOOSTERED };
        let qr = GuestCheckInQr::seal(
            &mut rng,
            DailyKeyId(20_786),
            &sk.public_key(),
            flags,
            minute,
            trace_id,
            &user_id,
            &data_secret,
        )
        .unwrap();
        Fixture { sk, user_id, data_secret, qr }
    }

    fn recompute_checksum(b: &mut [u8; LEN]) {
        let c = derive::qr_checksum(&b[..OFF_CHECKSUM]);
        b[OFF_CHECKSUM..].copy_from_slice(&c);
    }

    #[test]
    fn round_trip_and_open() {
        let f = fixture(1);
        let qr = &f.qr;
        assert_eq!(qr.as_bytes().len(), 109);
        assert_eq!(qr.as_bytes()[0], 0x01);
        assert_eq!(qr.as_bytes()[1], 0x01 | 0x40 | 0x80);
        assert_eq!(&qr.as_bytes()[2..4], &20_786u16.to_be_bytes());
        assert_eq!(&qr.as_bytes()[4..8], &29_932_380u32.to_be_bytes());
        assert_eq!(&qr.as_bytes()[8..24], qr.trace_id().as_bytes());
        assert!(matches!(qr.as_bytes()[24], 0x02 | 0x03));
        let parsed = GuestCheckInQr::from_bytes(qr.as_bytes()).unwrap();
        assert_eq!(&parsed, qr);
        assert_eq!(parsed.flags(), qr.flags());
        assert_eq!(parsed.daily_key_id(), DailyKeyId(20_786));
        assert_eq!(parsed.minute(), UnixMinute(29_932_380));
        let text = qr.to_base32();
        assert_eq!(text.len(), GuestCheckInQr::TEXT_LENGTH);
        assert_eq!(GuestCheckInQr::from_base32(&text).unwrap(), *qr);
        let secrets = parsed.open(&f.sk).unwrap();
        assert_eq!(secrets.user_id, f.user_id);
        assert_eq!(secrets.data_secret, f.data_secret);
        assert_eq!(
            format!("{secrets:?}"),
            "CheckInSecrets { user_id: UserId(<redacted>), data_secret: DataSecret(<redacted>) }"
        );
        let from_body = GuestCheckInQr::from_body(qr.body()).unwrap();
        assert_eq!(from_body, *qr);
        assert_eq!(qr.header(), &qr.as_bytes()[..24]);
    }

    #[test]
    fn deterministic_for_a_seed() {
        assert_eq!(fixture(5).qr.to_bytes(), fixture(5).qr.to_bytes());
        assert_ne!(fixture(5).qr.to_bytes(), fixture(6).qr.to_bytes());
    }

    #[test]
    fn decode_wrong_length() {
        let f = fixture(2);
        let b = f.qr.to_bytes();
        assert_eq!(
            GuestCheckInQr::from_bytes(&b[..108]).unwrap_err(),
            DecodeError::WrongLength { field: "guest_qr", expected: 109, got: 108 }
        );
        let mut long = b.to_vec();
        long.push(0);
        assert_eq!(
            GuestCheckInQr::from_bytes(&long).unwrap_err(),
            DecodeError::WrongLength { field: "guest_qr", expected: 109, got: 110 }
        );
        assert_eq!(
            GuestCheckInQr::from_bytes(&[]).unwrap_err(),
            DecodeError::WrongLength { field: "guest_qr", expected: 109, got: 0 }
        );
        assert_eq!(
            GuestCheckInQr::from_body(&b[..104]).unwrap_err(),
            DecodeError::WrongLength { field: "guest_qr_body", expected: 105, got: 104 }
        );
    }

    #[test]
    fn decode_unsupported_version() {
        let mut b = fixture(3).qr.to_bytes();
        b[0] = 0x02;
        assert_eq!(GuestCheckInQr::from_bytes(&b).unwrap_err(), DecodeError::UnsupportedVersion { got: 2 });
        recompute_checksum(&mut b);
        assert_eq!(GuestCheckInQr::from_bytes(&b).unwrap_err(), DecodeError::UnsupportedVersion { got: 2 });
        b[0] = 0x11;
        recompute_checksum(&mut b);
        assert_eq!(GuestCheckInQr::from_bytes(&b).unwrap_err(), DecodeError::UnsupportedVersion { got: 0x11 });
    }

    #[test]
    fn decode_bad_checksum() {
        let mut b = fixture(4).qr.to_bytes();
        b[60] ^= 0x01;
        assert_eq!(GuestCheckInQr::from_bytes(&b).unwrap_err(), DecodeError::BadChecksum);
        let mut c = fixture(4).qr.to_bytes();
        c[108] ^= 0x80;
        assert_eq!(GuestCheckInQr::from_bytes(&c).unwrap_err(), DecodeError::BadChecksum);
    }

    #[test]
    fn decode_reserved_device_type() {
        for code in 4u8..8 {
            let mut b = fixture(7).qr.to_bytes();
            b[1] = (b[1] & 0xf8) | code;
            recompute_checksum(&mut b);
            assert_eq!(GuestCheckInQr::from_bytes(&b).unwrap_err(), DecodeError::InvalidField { field: "flags" });
        }
    }

    #[test]
    fn decode_invalid_enc() {
        let mut b = fixture(8).qr.to_bytes();
        b[24] = 0x04;
        recompute_checksum(&mut b);
        assert_eq!(GuestCheckInQr::from_bytes(&b).unwrap_err(), DecodeError::InvalidPoint { field: "enc" });
        // x = 0 is not on P-256 (0 + 0 + b is not a square? check: it must fail for at least one prefix).
        let mut c = fixture(8).qr.to_bytes();
        c[24..57].copy_from_slice(&[0xff; 33]);
        c[24] = 0x02;
        recompute_checksum(&mut c);
        assert_eq!(GuestCheckInQr::from_bytes(&c).unwrap_err(), DecodeError::InvalidPoint { field: "enc" });
    }

    #[test]
    fn open_with_wrong_key_fails() {
        let f = fixture(9);
        let other = fixture(10);
        assert_eq!(f.qr.open(&other.sk).unwrap_err(), OpenError::DecryptionFailed);
    }

    #[test]
    fn every_byte_flip_is_caught() {
        let f = fixture(11);
        let valid = f.qr.to_bytes();
        for pos in 0..LEN {
            for mask in [0x01u8, 0x80] {
                let mut b = valid;
                b[pos] ^= mask;
                // Without the checksum recomputed, decoding fails.
                assert!(GuestCheckInQr::from_bytes(&b).is_err(), "pos {pos} mask {mask:#x} decoded");
                if pos >= OFF_CHECKSUM {
                    assert_eq!(GuestCheckInQr::from_bytes(&b).unwrap_err(), DecodeError::BadChecksum);
                    continue;
                }
                // With the checksum recomputed, either decoding or opening fails.
                recompute_checksum(&mut b);
                match GuestCheckInQr::from_bytes(&b) {
                    Err(e) => assert!(
                        matches!(
                            e,
                            DecodeError::UnsupportedVersion { .. }
                                | DecodeError::InvalidField { field: "flags" }
                                | DecodeError::InvalidPoint { field: "enc" }
                        ),
                        "pos {pos}: {e:?}"
                    ),
                    Ok(qr) => assert_eq!(qr.open(&f.sk).unwrap_err(), OpenError::DecryptionFailed, "pos {pos}"),
                }
            }
        }
    }

    #[test]
    fn flags_byte() {
        for (code, dt) in
            [(0, DeviceType::Ios), (1, DeviceType::Android), (2, DeviceType::WebApp), (3, DeviceType::NoApp)]
        {
            assert_eq!(dt.code(), code);
            assert_eq!(DeviceType::from_code(code), Some(dt));
            let f = QrFlags::from_byte(code | 0x18).unwrap();
            assert_eq!(f, QrFlags { device_type: dt, entry_policy: QrFlags::QUICK_TEST | QrFlags::PCR_TEST });
            assert_eq!(f.to_byte(), code | 0x18);
        }
        // Low bits of entry_policy are ignored when building the byte.
        assert_eq!(QrFlags { device_type: DeviceType::Ios, entry_policy: 0x27 }.to_byte(), 0x20);
    }

    #[test]
    fn decode_non_canonical_base32() {
        let f = fixture(12);
        let text = f.qr.to_base32();
        assert_eq!(GuestCheckInQr::from_base32(&text.to_lowercase()).unwrap_err(), DecodeError::InvalidBase32);
        assert_eq!(GuestCheckInQr::from_base32(&format!("{text}=")).unwrap_err(), DecodeError::InvalidBase32);
        // 109 bytes leave 3 unused bits in the last symbol; setting one is non-canonical.
        let last = text.as_bytes()[174];
        let bumped = char::from(base32::ALPHABET[(base32::ALPHABET.iter().position(|c| *c == last).unwrap() ^ 1) % 32]);
        let mut t = text[..174].to_string();
        t.push(bumped);
        assert_eq!(GuestCheckInQr::from_base32(&t).unwrap_err(), DecodeError::InvalidBase32);
    }

    /// The budget: the Base32 text fits a version-7 QR code at EC level M.
    #[test]
    fn fits_version_7_at_ec_level_m() {
        for seed in 0..16 {
            let text = fixture(100 + seed).qr.to_base32();
            let code = QrCode::with_error_correction_level(text.as_bytes(), EcLevel::M).unwrap();
            match code.version() {
                Version::Normal(v) => assert!(v <= 7, "version {v}"),
                Version::Micro(_) => panic!("micro QR"),
            }
            QrCode::with_version(text.as_bytes(), Version::Normal(7), EcLevel::M).unwrap();
        }
    }
}
