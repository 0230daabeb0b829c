//! History share: an infected guest's user id, data secret and recent daily
//! tracing secrets, sealed to the current daily key.
//!
//! The guest uploads it to the server, which stores it and answers with a TAN;
//! the guest reads the TAN out to the health office, which fetches the share
//! by TAN and opens it with the daily private key. The server never sees a
//! tracing secret; the health office computes the trace ids itself.

use ciborium::Value;
use zeroize::Zeroizing;

use crate::cbor::encode_secret;
use crate::cbor::{self, ArrayReader, ArrayWriter};
use crate::crypto::{self, AEAD_TAG_LEN, POINT_LEN};
use crate::error::SealError;
use crate::error::{DecodeError, OpenError};
use crate::ids::{DailyKeyId, UserId};
use crate::keys::{DailyPrivateKey, EncryptionPublicKey};
use crate::labels;
use crate::secrets::{DailyTracingSecret, DataSecret};
use crate::time::{UnixTime, UtcDay};

/// How many days before the day of `created_at` a guest shares at most: the
/// share holds the tracing secrets of at most `HISTORY_DAYS + 1` days
/// (today and the 14 previous days).
pub const HISTORY_DAYS: u32 = 14;
/// Maximum number of day entries in a history share (`HISTORY_DAYS + 1`).
pub const MAX_DAYS: usize = 15;

const VERSION: u64 = 1;
const ARITY: usize = 5;
const PLAINTEXT_ARITY: usize = 4;
/// The envelope is flat.
const MAX_DEPTH: usize = 1;
/// The plaintext nests `[.., [ [day, secret], .. ]]`.
const PLAINTEXT_MAX_DEPTH: usize = 3;
/// Length of the AAD.
const AAD_LEN: usize = 11;

/// Checks the day list rules: 1..=15 entries, strictly increasing, each
/// within `[day(created_at) - 14, day(created_at)]`.
fn check_days(days: impl Iterator<Item = UtcDay>, created_at: UnixTime) -> Result<(), DecodeError> {
    let err = DecodeError::InvalidField { field: "days" };
    let today = created_at.day();
    let first = today.minus_days(HISTORY_DAYS);
    let mut previous: Option<UtcDay> = None;
    for day in days {
        if previous.is_some_and(|p| day <= p) || day < first || day > today {
            return Err(err);
        }
        previous = Some(day);
    }
    if previous.is_none() {
        return Err(err);
    }
    Ok(())
}

/// AAD: `0x01 ‖ daily_key_id_be16 ‖ created_at_be64` (11 bytes).
fn aad(daily_key_id: DailyKeyId, created_at: UnixTime) -> [u8; AAD_LEN] {
    let mut aad = [0u8; AAD_LEN];
    let id = daily_key_id.0.to_be_bytes();
    let t = created_at.0.to_be_bytes();
    for (d, s) in aad.iter_mut().zip([1u8].iter().chain(id.iter()).chain(t.iter())) {
        *d = *s;
    }
    aad
}

/// A history share as received (server side, or health office after fetching by TAN).
///
/// ```cddl
/// history-share = [
///   1,                           ; version
///   daily_key_id: uint,          ; 0..=65535, the daily key it is sealed to
///   created_at: uint,            ; Unix seconds, set by the guest
///   enc: bstr .size 65,          ; HPKE encapsulated key, uncompressed SEC1
///   ciphertext: bstr,            ; 16..=1040 bytes: HPKE ct ‖ tag
/// ]
/// history-plaintext = [          ; at most 1024 bytes
///   1,                           ; version
///   user_id: bstr .size 16,
///   data_secret: bstr .size 16,
///   days: [1*15 [day: uint, tracing_secret: bstr .size 32]],
/// ]
/// ```
///
/// * HPKE base mode, DHKEM(P-256, HKDF-SHA256)/HKDF-SHA256/AES-128-GCM,
///   `info = "luca/v1/hpke/history-share"`, to the daily public key;
/// * AAD: `0x01 ‖ daily_key_id_be16 ‖ created_at_be64` (11 bytes);
/// * size cap: [`HistoryShareIn::MAX_LEN`] = 4096 bytes.
///
/// [`HistoryShareIn::from_slice`] checks, in order: size cap (`TooLong`),
/// deterministic CBOR of depth 1 without trailing bytes, version
/// (`UnsupportedVersion`), arity 5 (`WrongArity`), `daily_key_id` ≤ 65535
/// (`InvalidField`), `created_at` uint, `enc` 65 bytes (`WrongLength`) and a
/// valid point (`InvalidPoint`), `ciphertext` 16..=1040 bytes (`WrongLength`).
///
/// [`HistoryShareIn::open`] then: HPKE open (`DecryptionFailed`); the
/// plaintext: size cap 1024, deterministic CBOR of depth 3, version, arity 4,
/// `user_id` and `data_secret` 16 bytes, `days` an array of at most 15 items
/// (`TooManyItems`), each a 2-array (`WrongArity`) of a `u32` day and a
/// 32-byte secret; `days` non-empty, strictly increasing and every day in
/// `[day(created_at) − 14, day(created_at)]` (`InvalidField { field: "days" }`).
/// Plaintext errors are wrapped in `OpenError::Malformed`.
#[derive(Clone, Debug)]
pub struct HistoryShareIn {
    raw: Vec<u8>,
    daily_key_id: DailyKeyId,
    created_at: UnixTime,
    enc: [u8; POINT_LEN],
    ciphertext: Vec<u8>,
}

impl HistoryShareIn {
    /// Size cap of the encoded message.
    pub const MAX_LEN: usize = 4096;
    /// Size cap of the plaintext.
    pub const MAX_PLAINTEXT_LEN: usize = 1024;
    /// Maximum length of the ciphertext (plaintext cap plus the tag).
    pub const MAX_CIPHERTEXT_LEN: usize = Self::MAX_PLAINTEXT_LEN + AEAD_TAG_LEN;

    /// Parses a history share (structure only).
    ///
    /// # Errors
    /// The [`DecodeError`] of the first rule violated (see the type's documentation).
    pub fn from_slice(bytes: &[u8]) -> Result<Self, DecodeError> {
        let value = cbor::decode(bytes, Self::MAX_LEN, MAX_DEPTH)?;
        let mut r = ArrayReader::open_message(value, "history_share", VERSION, ARITY)?;
        let daily_key_id = DailyKeyId(r.u16("daily_key_id")?);
        let created_at = UnixTime(r.uint("created_at")?);
        let enc = r.fixed::<POINT_LEN>("enc")?;
        EncryptionPublicKey::from_slice_field(&enc, "enc")?;
        let ciphertext = r.bytes("ciphertext", Self::MAX_CIPHERTEXT_LEN)?;
        if ciphertext.len() < AEAD_TAG_LEN {
            return Err(DecodeError::WrongLength {
                field: "ciphertext",
                expected: AEAD_TAG_LEN,
                got: ciphertext.len(),
            });
        }
        Ok(Self { raw: bytes.to_vec(), daily_key_id, created_at, enc, ciphertext })
    }

    /// The daily key the share is sealed to.
    pub fn daily_key_id(&self) -> DailyKeyId {
        self.daily_key_id
    }

    /// When the guest created the share.
    pub fn created_at(&self) -> UnixTime {
        self.created_at
    }

    /// The exact bytes received.
    pub fn as_bytes(&self) -> &[u8] {
        &self.raw
    }

    /// Opens the share with the private half of daily key `daily_key_id()`
    /// (health-office side). The caller picks the key by `daily_key_id()`.
    ///
    /// # Errors
    /// [`OpenError::DecryptionFailed`] (wrong key, changed header, tampered
    /// ciphertext) or [`OpenError::Malformed`] (see the type's documentation).
    pub fn open(&self, daily_key: &DailyPrivateKey) -> Result<OpenedHistoryShare, OpenError> {
        let pt = crypto::hpke_open(
            &daily_key.0,
            &self.enc,
            labels::HPKE_HISTORY_SHARE,
            &aad(self.daily_key_id, self.created_at),
            &self.ciphertext,
        )?;
        parse_plaintext(&pt, self.created_at).map_err(OpenError::Malformed)
    }

    /// The HPKE `enc` (65-byte uncompressed point): what a tracing office asks the committee to
    /// open (PROTOCOL.md §13).
    #[must_use]
    pub fn enc(&self) -> [u8; crypto::POINT_LEN] {
        self.enc
    }

    /// Opens the share with the committee's combined partial decryptions (threshold daily keys,
    /// PROTOCOL.md §13); the same plaintext as [`open`](Self::open) with the daily private key.
    ///
    /// # Errors
    /// As [`open`](Self::open); [`OpenError::DecryptionFailed`] also if [`enc`](Self::enc) was not
    /// in the request.
    pub fn open_threshold(
        &self,
        combined: &crate::threshold::partial::CombinedPartials,
    ) -> Result<OpenedHistoryShare, OpenError> {
        let pt = combined
            .open(&self.enc, labels::HPKE_HISTORY_SHARE, &aad(self.daily_key_id, self.created_at), &self.ciphertext)
            .map_err(|_| OpenError::DecryptionFailed)?;
        parse_plaintext(&pt, self.created_at).map_err(OpenError::Malformed)
    }
}

fn parse_plaintext(pt: &[u8], created_at: UnixTime) -> Result<OpenedHistoryShare, DecodeError> {
    let value = cbor::decode(pt, HistoryShareIn::MAX_PLAINTEXT_LEN, PLAINTEXT_MAX_DEPTH)?;
    let mut r = ArrayReader::open_message(value, "history_plaintext", VERSION, PLAINTEXT_ARITY)?;
    let user_id = UserId::from_array(r.fixed::<16>("user_id")?);
    let data_secret = secret_bytes(&mut r, "data_secret", DataSecret::LENGTH)?;
    let data_secret = DataSecret::from_slice(&data_secret)?;
    let items = r.array("days", MAX_DAYS)?;
    let mut days = Vec::with_capacity(items.len());
    for item in items {
        let mut d = ArrayReader::open(item, "day_entry")?;
        d.expect_len(2)?;
        let day = UtcDay(d.u32("day")?);
        let secret = secret_bytes(&mut d, "tracing_secret", DailyTracingSecret::LENGTH)?;
        days.push((day, DailyTracingSecret::from_slice(&secret)?));
    }
    check_days(days.iter().map(|(d, _)| *d), created_at)?;
    Ok(OpenedHistoryShare { user_id, data_secret, days })
}

/// Reads a secret byte string of exactly `len` bytes into a self-wiping buffer.
fn secret_bytes(r: &mut ArrayReader, field: &'static str, len: usize) -> Result<Zeroizing<Vec<u8>>, DecodeError> {
    let b = Zeroizing::new(r.bytes(field, len)?);
    if b.len() != len {
        return Err(DecodeError::WrongLength { field, expected: len, got: b.len() });
    }
    Ok(b)
}

/// A history share sealed by this process (guest side). Layout: [`HistoryShareIn`].
#[derive(Clone, Debug)]
pub struct HistoryShare(HistoryShareIn);

impl HistoryShare {
    /// Size cap of the encoded message.
    pub const MAX_LEN: usize = HistoryShareIn::MAX_LEN;

    /// Seals a history share to the daily key `daily_key_id` / `daily_key`.
    ///
    /// `days` are `(day, tracing secret of that day)`, strictly increasing,
    /// 1..=15 of them, each within `[day(created_at) − 14, day(created_at)]`.
    /// Steps: check `days`; encode the plaintext; HPKE-seal it (ephemeral key
    /// drawn from `rng`) with `info = "luca/v1/hpke/history-share"` and the AAD
    /// `0x01 ‖ daily_key_id_be16 ‖ created_at_be64`; encode the envelope.
    ///
    /// # Errors
    /// [`SealError::InvalidInput`] with `InvalidField { field: "days" }` or
    /// `TooManyItems { field: "days", max: 15 }`; [`SealError::Crypto`] never in practice.
    pub fn seal<R: rand_core::CryptoRng>(
        rng: &mut R,
        daily_key_id: DailyKeyId,
        daily_key: &EncryptionPublicKey,
        user_id: &UserId,
        data_secret: &DataSecret,
        days: &[(UtcDay, &DailyTracingSecret)],
        created_at: UnixTime,
    ) -> Result<Self, SealError> {
        if days.len() > MAX_DAYS {
            return Err(DecodeError::TooManyItems { field: "days", max: MAX_DAYS }.into());
        }
        check_days(days.iter().map(|(d, _)| *d), created_at)?;
        let entries = days
            .iter()
            .map(|(day, secret)| {
                Value::Array(vec![Value::Integer(day.0.into()), Value::Bytes(secret.expose_secret().to_vec())])
            })
            .collect();
        let pt = encode_secret(
            ArrayWriter::new(VERSION)
                .bytes(user_id.as_bytes())
                .bytes(data_secret.expose_secret())
                .value(Value::Array(entries))
                .into_value(),
        );
        let sealed =
            crypto::hpke_seal(rng, &daily_key.0, labels::HPKE_HISTORY_SHARE, &aad(daily_key_id, created_at), &pt)?;
        let bytes = ArrayWriter::new(VERSION)
            .uint(u64::from(daily_key_id.0))
            .uint(created_at.0)
            .bytes(&sealed.enc)
            .bytes(&sealed.ct)
            .encode();
        Ok(Self(HistoryShareIn::from_slice(&bytes)?))
    }

    /// The daily key the share is sealed to.
    pub fn daily_key_id(&self) -> DailyKeyId {
        self.0.daily_key_id
    }

    /// When the share was created.
    pub fn created_at(&self) -> UnixTime {
        self.0.created_at
    }

    /// The encoded message.
    pub fn as_bytes(&self) -> &[u8] {
        self.0.as_bytes()
    }

    /// The encoded message, copied.
    pub fn to_bytes(&self) -> Vec<u8> {
        self.0.raw.clone()
    }

    /// The received-message view of the same bytes.
    pub fn into_unverified(self) -> HistoryShareIn {
        self.0
    }
}

/// An opened history share (health-office side).
#[derive(Debug)]
pub struct OpenedHistoryShare {
    /// The infected guest's user id.
    pub user_id: UserId,
    /// The guest's data secret (opens its contact data).
    pub data_secret: DataSecret,
    /// `(day, tracing secret of that day)`, strictly increasing.
    pub days: Vec<(UtcDay, DailyTracingSecret)>,
}

impl OpenedHistoryShare {
    /// Decodes a decrypted history-share plaintext
    /// (`[1, user_id, data_secret, [* [day, tracing_secret]]]`, docs/PROTOCOL.md §8.2) and checks its days
    /// against the share's `created_at`: what [`HistoryShareIn::open`] does after decryption. Public so that
    /// the plaintext decoder can be fuzzed and checked against other implementations; a health office opens
    /// shares with [`HistoryShareIn::open`].
    ///
    /// # Errors
    /// The [`DecodeError`] of the first rule broken (CBOR, version, arity, lengths, days).
    pub fn from_plaintext(plaintext: &[u8], created_at: UnixTime) -> Result<Self, DecodeError> {
        parse_plaintext(plaintext, created_at)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand_chacha::ChaCha20Rng;
    use rand_core::SeedableRng;

    const T: UnixTime = UnixTime(1_795_942_800);

    struct Fixture {
        rng: ChaCha20Rng,
        daily: DailyPrivateKey,
        id: DailyKeyId,
        user: UserId,
        secret: DataSecret,
        tracing: Vec<(UtcDay, DailyTracingSecret)>,
    }

    fn fixture(n: u32) -> Fixture {
        let mut rng = ChaCha20Rng::seed_from_u64(41);
        let daily = DailyPrivateKey::generate(&mut rng);
        let user = UserId::random(&mut rng);
        let secret = DataSecret::random(&mut rng);
        let today = T.day();
        let tracing = (0..n).rev().map(|i| (today.minus_days(i), DailyTracingSecret::random(&mut rng))).collect();
        Fixture { rng, daily, id: DailyKeyId::for_day(today), user, secret, tracing }
    }

    fn seal(fx: &mut Fixture) -> Result<HistoryShare, SealError> {
        let days: Vec<_> = fx.tracing.iter().map(|(d, s)| (*d, s)).collect();
        HistoryShare::seal(&mut fx.rng, fx.id, &fx.daily.public_key(), &fx.user, &fx.secret, &days, T)
    }

    fn envelope(version: u64, id: u64, t: u64, enc: &[u8], ct: &[u8]) -> Vec<u8> {
        ArrayWriter::new(version).uint(id).uint(t).bytes(enc).bytes(ct).encode()
    }

    /// Seals an arbitrary plaintext as a valid envelope.
    fn seal_raw(fx: &mut Fixture, pt: &[u8]) -> HistoryShareIn {
        let s =
            crypto::hpke_seal(&mut fx.rng, &fx.daily.public_key().0, labels::HPKE_HISTORY_SHARE, &aad(fx.id, T), pt)
                .unwrap();
        HistoryShareIn::from_slice(&envelope(1, u64::from(fx.id.0), T.0, &s.enc, &s.ct)).unwrap()
    }

    #[test]
    fn aad_layout() {
        assert_eq!(aad(DailyKeyId(0x1234), UnixTime(0x0102_0304_0506_0708)), [1, 0x12, 0x34, 1, 2, 3, 4, 5, 6, 7, 8]);
    }

    #[test]
    fn round_trip() {
        let mut fx = fixture(15);
        let hs = seal(&mut fx).unwrap();
        let parsed = HistoryShareIn::from_slice(hs.as_bytes()).unwrap();
        assert_eq!(parsed.daily_key_id(), fx.id);
        assert_eq!(parsed.created_at(), T);
        assert_eq!(parsed.as_bytes(), hs.to_bytes().as_slice());
        let opened = parsed.open(&fx.daily).unwrap();
        assert_eq!(opened.user_id, fx.user);
        assert_eq!(opened.data_secret, fx.secret);
        assert_eq!(opened.days.len(), 15);
        for ((d1, s1), (d2, s2)) in opened.days.iter().zip(&fx.tracing) {
            assert_eq!(d1, d2);
            assert_eq!(s1, s2);
        }
        let dbg = format!("{opened:?}");
        assert!(dbg.contains("DataSecret(<redacted>)") && dbg.contains("DailyTracingSecret(<redacted>)"));
        assert!(dbg.contains("UserId(<redacted>)") && !dbg.contains(&fx.user.to_string()), "{dbg}");
    }

    #[test]
    fn deterministic_for_a_seed() {
        assert_eq!(seal(&mut fixture(3)).unwrap().to_bytes(), seal(&mut fixture(3)).unwrap().to_bytes());
    }

    #[test]
    fn seal_day_rules() {
        let mut fx = fixture(16);
        assert_eq!(
            seal(&mut fx).unwrap_err(),
            SealError::InvalidInput(DecodeError::TooManyItems { field: "days", max: 15 })
        );
        let mut fx = fixture(0);
        assert_eq!(seal(&mut fx).unwrap_err(), SealError::InvalidInput(DecodeError::InvalidField { field: "days" }));
        // Not increasing.
        let mut fx = fixture(2);
        fx.tracing.swap(0, 1);
        assert_eq!(seal(&mut fx).unwrap_err(), SealError::InvalidInput(DecodeError::InvalidField { field: "days" }));
        // Duplicate day.
        let mut fx = fixture(2);
        fx.tracing[0].0 = fx.tracing[1].0;
        assert_eq!(seal(&mut fx).unwrap_err().kind(), "invalid_field");
        // A day after the creation day.
        let mut fx = fixture(1);
        fx.tracing[0].0 = T.day().plus_days(1);
        assert_eq!(seal(&mut fx).unwrap_err().kind(), "invalid_field");
    }

    #[test]
    fn decode_truncated_trailing_oversize() {
        let mut fx = fixture(2);
        let bytes = seal(&mut fx).unwrap().to_bytes();
        assert_eq!(HistoryShareIn::from_slice(&bytes[..bytes.len() - 1]).unwrap_err(), DecodeError::Truncated);
        assert_eq!(HistoryShareIn::from_slice(&[]).unwrap_err(), DecodeError::Truncated);
        let mut t = bytes.clone();
        t.push(0);
        assert_eq!(HistoryShareIn::from_slice(&t).unwrap_err(), DecodeError::TrailingBytes);
        assert_eq!(HistoryShareIn::from_slice(&[0; 4097]).unwrap_err(), DecodeError::TooLong { max: 4096, got: 4097 });
    }

    #[test]
    fn decode_fields() {
        let mut fx = fixture(1);
        let hs = seal(&mut fx).unwrap();
        let enc = hs.0.enc;
        let ct = hs.0.ciphertext.clone();
        let check = |b: Vec<u8>, e: DecodeError| assert_eq!(HistoryShareIn::from_slice(&b).unwrap_err(), e);
        check(envelope(2, 1, T.0, &enc, &ct), DecodeError::UnsupportedVersion { got: 2 });
        check(
            ArrayWriter::new(1).uint(1).uint(T.0).bytes(&enc).encode(),
            DecodeError::WrongArity { field: "history_share", expected: 5, got: 4 },
        );
        check(envelope(1, 65536, T.0, &enc, &ct), DecodeError::InvalidField { field: "daily_key_id" });
        check(envelope(1, 1, T.0, &enc[..33], &ct), DecodeError::WrongLength { field: "enc", expected: 65, got: 33 });
        let mut bad = enc;
        bad[64] ^= 1;
        check(envelope(1, 1, T.0, &bad, &ct), DecodeError::InvalidPoint { field: "enc" });
        check(
            envelope(1, 1, T.0, &enc, &[0; 15]),
            DecodeError::WrongLength { field: "ciphertext", expected: 16, got: 15 },
        );
        check(
            envelope(1, 1, T.0, &enc, &[0; 1041]),
            DecodeError::WrongLength { field: "ciphertext", expected: 1040, got: 1041 },
        );
        check(
            ArrayWriter::new(1).uint(1).value(ArrayWriter::new(1).into_value()).bytes(&enc).bytes(&ct).encode(),
            DecodeError::NestingTooDeep,
        );
    }

    #[test]
    fn wrong_key_and_changed_header_rejected() {
        let mut fx = fixture(2);
        let hs = seal(&mut fx).unwrap().into_unverified();
        let other = DailyPrivateKey::generate(&mut fx.rng);
        assert_eq!(hs.open(&other).unwrap_err(), OpenError::DecryptionFailed);
        // The server relabels the key id or the creation time.
        let b = envelope(1, u64::from(fx.id.0) + 1, T.0, &hs.enc, &hs.ciphertext);
        assert_eq!(HistoryShareIn::from_slice(&b).unwrap().open(&fx.daily).unwrap_err(), OpenError::DecryptionFailed);
        let b = envelope(1, u64::from(fx.id.0), T.0 - 86_400, &hs.enc, &hs.ciphertext);
        assert_eq!(HistoryShareIn::from_slice(&b).unwrap().open(&fx.daily).unwrap_err(), OpenError::DecryptionFailed);
        let mut ct = hs.ciphertext.clone();
        ct[3] ^= 0x80;
        let b = envelope(1, u64::from(fx.id.0), T.0, &hs.enc, &ct);
        assert_eq!(HistoryShareIn::from_slice(&b).unwrap().open(&fx.daily).unwrap_err(), OpenError::DecryptionFailed);
    }

    fn plaintext(version: u64, user: &[u8], secret: &[u8], days: Vec<Value>) -> Vec<u8> {
        ArrayWriter::new(version).bytes(user).bytes(secret).value(Value::Array(days)).encode()
    }

    fn entry(day: u64, secret: &[u8]) -> Value {
        Value::Array(vec![Value::Integer(day.into()), Value::Bytes(secret.to_vec())])
    }

    #[test]
    fn malformed_plaintext_rejected() {
        let mut fx = fixture(1);
        let today = u64::from(T.day().0);
        let u = [1u8; 16];
        let s = [2u8; 16];
        let ts = [3u8; 32];
        let mut open = |pt: Vec<u8>| seal_raw(&mut fx, &pt).open(&fx.daily).unwrap_err();
        let m = OpenError::Malformed;
        assert_eq!(open(plaintext(2, &u, &s, vec![entry(today, &ts)])), m(DecodeError::UnsupportedVersion { got: 2 }));
        assert_eq!(
            open(plaintext(1, &u[..15], &s, vec![entry(today, &ts)])),
            m(DecodeError::WrongLength { field: "user_id", expected: 16, got: 15 })
        );
        assert_eq!(
            open(plaintext(1, &u, &[2; 17], vec![entry(today, &ts)])),
            m(DecodeError::WrongLength { field: "data_secret", expected: 16, got: 17 })
        );
        assert_eq!(
            open(plaintext(1, &u, &[2; 15], vec![entry(today, &ts)])),
            m(DecodeError::WrongLength { field: "data_secret", expected: 16, got: 15 })
        );
        assert_eq!(
            open(plaintext(1, &u, &s, vec![entry(today, &ts[..31])])),
            m(DecodeError::WrongLength { field: "tracing_secret", expected: 32, got: 31 })
        );
        assert_eq!(open(plaintext(1, &u, &s, vec![])), m(DecodeError::InvalidField { field: "days" }));
        assert_eq!(
            open(plaintext(1, &u, &s, vec![entry(today, &ts), entry(today, &ts)])),
            m(DecodeError::InvalidField { field: "days" })
        );
        assert_eq!(
            open(plaintext(1, &u, &s, vec![entry(today - 15, &ts)])),
            m(DecodeError::InvalidField { field: "days" })
        );
        assert_eq!(
            open(plaintext(1, &u, &s, vec![entry(today + 1, &ts)])),
            m(DecodeError::InvalidField { field: "days" })
        );
        assert_eq!(
            open(plaintext(1, &u, &s, vec![entry(1 << 32, &ts)])),
            m(DecodeError::InvalidField { field: "day" })
        );
        assert_eq!(
            open(plaintext(1, &u, &s, (0..16).map(|i| entry(today - 15 + i, &ts)).collect())),
            m(DecodeError::TooManyItems { field: "days", max: 15 })
        );
        assert_eq!(
            open(plaintext(1, &u, &s, vec![Value::Array(vec![Value::Integer(today.into())])])),
            m(DecodeError::WrongArity { field: "day_entry", expected: 2, got: 1 })
        );
        let deep = ArrayWriter::new(1)
            .bytes(&u)
            .bytes(&s)
            .value(Value::Array(vec![Value::Array(vec![Value::Array(vec![])])]))
            .encode();
        assert_eq!(open(deep), m(DecodeError::NestingTooDeep));
        // 15 days ending today are fine through the raw path.
        let ok = plaintext(1, &u, &s, (0..15).map(|i| entry(today - 14 + i, &ts)).collect());
        assert_eq!(seal_raw(&mut fx, &ok).open(&fx.daily).unwrap().days.len(), 15);
    }
}
