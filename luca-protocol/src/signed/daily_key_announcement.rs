//! Daily (and badge) key announcement: a health office publishes the public
//! half of a daily key (inner layer of check-ins) or of a badge key (inner
//! layer of badges), with its use and retention periods.

use crate::cbor::{self, ArrayReader, ArrayWriter};
use crate::cose::{self, SignedObject};
use crate::error::{DecodeError, VerifyError};
use crate::ids::{BadgeKeyId, DailyKeyId, HealthOfficeId};
use crate::keys::{EncryptionPublicKey, HealthOfficeSigningKey};
use crate::labels;
use crate::signed::health_office_certificate::HealthOfficeCertificate;
use crate::signed::rules::{PAYLOAD_DEPTH, check_period, read_validity};
use crate::time::{SECONDS_PER_DAY, UnixTime, Validity};

/// Longest use period of a daily key (`not_after - not_before`): 7 days.
pub const DAILY_KEY_MAX_USE_SECS: u64 = 7 * SECONDS_PER_DAY;
/// Longest retention of a daily key, counted from `not_before` (`retain_until - not_before`): 28 days.
pub const DAILY_KEY_RETENTION_SECS: u64 = 28 * SECONDS_PER_DAY;
/// Longest use period of a badge key (`not_after - not_before`): 3 × 365 days.
pub const BADGE_KEY_MAX_USE_SECS: u64 = 3 * 365 * SECONDS_PER_DAY;
/// Longest retention of a badge key after its use period (`retain_until - not_after`): 28 days,
/// so a badge key's retention is at most its use period plus 28 days.
pub const BADGE_KEY_RETENTION_AFTER_USE_SECS: u64 = 28 * SECONDS_PER_DAY;

/// What an announced key is for.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
pub enum KeyPurpose {
    /// A daily key (wire value 0): inner layer of guest check-ins and history shares.
    Daily,
    /// A badge key (wire value 1): inner layer of badge attestations.
    Badge,
}

impl KeyPurpose {
    /// The wire value: 0 daily, 1 badge.
    pub fn to_u8(self) -> u8 {
        match self {
            Self::Daily => 0,
            Self::Badge => 1,
        }
    }

    /// Parses the wire value.
    ///
    /// # Errors
    /// [`DecodeError::InvalidField`] with `field: "purpose"` for any value but 0 and 1.
    pub fn from_u8(v: u8) -> Result<Self, DecodeError> {
        match v {
            0 => Ok(Self::Daily),
            1 => Ok(Self::Badge),
            _ => Err(DecodeError::InvalidField { field: "purpose" }),
        }
    }
}

/// The decoded payload.
#[derive(Clone, Debug)]
struct Body {
    purpose: KeyPurpose,
    key_id: u16,
    issuer: HealthOfficeId,
    public_key: EncryptionPublicKey,
    validity: Validity,
    retain_until: UnixTime,
}

const ARITY: usize = 8;

impl Body {
    fn encode(&self) -> Vec<u8> {
        ArrayWriter::new(1)
            .uint(u64::from(self.purpose.to_u8()))
            .uint(u64::from(self.key_id))
            .bytes(self.issuer.as_bytes())
            .bytes(&self.public_key.to_bytes())
            .uint(self.validity.not_before.0)
            .uint(self.validity.not_after.0)
            .uint(self.retain_until.0)
            .encode()
    }

    fn decode(payload: &[u8]) -> Result<Self, DecodeError> {
        let value = cbor::decode(payload, DailyKeyAnnouncement::MAX_LEN, PAYLOAD_DEPTH)?;
        let mut r = ArrayReader::open_message(value, "daily_key_announcement", 1, ARITY)?;
        let purpose = KeyPurpose::from_u8(r.u8("purpose")?)?;
        let key_id = r.u16("key_id")?;
        let issuer = HealthOfficeId::from_array(r.fixed::<16>("issuer")?);
        let public_key = EncryptionPublicKey::from_slice_field(&r.fixed::<65>("public_key")?, "public_key")?;
        let validity = read_validity(&mut r)?;
        let retain_until = UnixTime(r.uint("retain_until")?);
        check_key_id(purpose, key_id, validity.not_before)?;
        Ok(Self { purpose, key_id, issuer, public_key, validity, retain_until })
    }

    /// The period rules that depend on the announcement alone.
    fn periods_ok(&self) -> bool {
        let v = &self.validity;
        let use_secs = v.not_after.0.saturating_sub(v.not_before.0);
        let retention_ok = match self.purpose {
            KeyPurpose::Daily => {
                use_secs <= DAILY_KEY_MAX_USE_SECS
                    && self.retain_until.0.saturating_sub(v.not_before.0) <= DAILY_KEY_RETENTION_SECS
            }
            KeyPurpose::Badge => {
                use_secs <= BADGE_KEY_MAX_USE_SECS
                    && self.retain_until.0.saturating_sub(v.not_after.0) <= BADGE_KEY_RETENTION_AFTER_USE_SECS
            }
        };
        v.is_well_formed() && self.retain_until >= v.not_after && retention_ok
    }
}

/// A daily key's id must be the day number (mod 2^16) of its `not_before`.
fn check_key_id(purpose: KeyPurpose, key_id: u16, not_before: UnixTime) -> Result<(), DecodeError> {
    if purpose == KeyPurpose::Daily && DailyKeyId::for_day(not_before.day()) != DailyKeyId(key_id) {
        return Err(DecodeError::InvalidField { field: "key_id" });
    }
    Ok(())
}

/// A key announcement as received: well-formed, not yet verified.
///
/// Only [`verify`](Self::verify) or [`verify_for_retention`](Self::verify_for_retention)
/// yields a [`DailyKeyAnnouncement`]. See [`DailyKeyAnnouncement`] for the layout and every rule.
#[derive(Clone, Debug)]
pub struct DailyKeyAnnouncementIn {
    obj: SignedObject,
    body: Body,
}

/// A verified announcement of a daily key or a badge key by a certified health office.
///
/// COSE_Sign1 (RFC 9052, ES256; `docs/protocol` §2.2) with content type
/// `"application/luca.v1.daily-key-announcement"`
/// ([`labels::COSE_DAILY_KEY_ANNOUNCEMENT`]), signed by the issuing health
/// office's [`HealthOfficeSigningKey`] (certified in its [`HealthOfficeCertificate`]).
/// Payload (deterministic CBOR):
///
/// ```cddl
/// daily-key-announcement = [
///   version: 1,
///   purpose: 0 / 1,              ; 0 = daily key, 1 = badge key
///   key_id: uint .size 2,        ; 0..=65535; daily: UTC day number of not_before, mod 2^16
///   issuer: bstr .size 16,       ; health_office_id of the signing health office
///   public_key: bstr .size 65,   ; EncryptionPublicKey (HPKE recipient), uncompressed SEC1
///   not_before: uint,            ; Unix seconds: first second of use
///   not_after: uint,             ; Unix seconds: end of use (guests and scanners stop encrypting)
///   retain_until: uint,          ; Unix seconds: every health office erases the private key
/// ]
/// ```
///
/// Size cap: [`MAX_LEN`](Self::MAX_LEN) = 512 bytes for the whole COSE object.
///
/// Decoding ([`DailyKeyAnnouncementIn::from_slice`]), in order:
/// 1. the COSE envelope (size cap → `TooLong`, CBOR rules, ES256, content
///    type → `WrongContentType`, no other header → `UnexpectedHeader`);
/// 2. the payload: CBOR rules, first item 1 (else `UnsupportedVersion`), 8 items (else `WrongArity`);
/// 3. fields in order: `purpose` 0 or 1 (else `InvalidField{purpose}`),
///    `key_id` ≤ 65535 (else `InvalidField{key_id}`), `issuer` 16 bytes,
///    `public_key` 65 bytes and a valid point, `not_before`, `not_after`, `retain_until` unsigned;
/// 4. purpose daily: `key_id == floor(not_before / 86400) mod 65536`, else `InvalidField{key_id}`.
///
/// Verification against the issuer's verified certificate, in order:
/// 1. `issuer == certificate.id()` → [`VerifyError::WrongIssuer`];
/// 2. the certificate is valid at `now` → [`VerifyError::NotYetValid`] / [`VerifyError::Expired`];
/// 3. the ES256 signature under `certificate.signing_key()` → [`VerifyError::BadSignature`];
/// 4. periods, all → [`VerifyError::InvalidValidity`]: `not_before < not_after`;
///    `retain_until >= not_after`; daily: `not_after - not_before <= 7 d`
///    ([`DAILY_KEY_MAX_USE_SECS`]) and `retain_until - not_before <= 28 d`
///    ([`DAILY_KEY_RETENTION_SECS`]); badge: `not_after - not_before <= 1095 d`
///    ([`BADGE_KEY_MAX_USE_SECS`]) and `retain_until - not_after <= 28 d`
///    ([`BADGE_KEY_RETENTION_AFTER_USE_SECS`]); `[not_before, not_after)` lies
///    within the certificate's validity (`retain_until` may outlast it);
/// 5. [`verify`](DailyKeyAnnouncementIn::verify) (guests, scanners: encrypt
///    only to a key in use): `now ∈ [not_before, not_after)`;
///    [`verify_for_retention`](DailyKeyAnnouncementIn::verify_for_retention)
///    (health offices decrypting older check-ins): `now ∈ [not_before, retain_until)`;
///    before → [`VerifyError::NotYetValid`], at or after the end → [`VerifyError::Expired`].
#[derive(Clone, Debug)]
pub struct DailyKeyAnnouncement {
    inner: DailyKeyAnnouncementIn,
}

impl DailyKeyAnnouncementIn {
    /// Parses an announcement (envelope and payload), without checking the signature.
    ///
    /// # Errors
    /// Any [`DecodeError`] listed on [`DailyKeyAnnouncement`].
    pub fn from_slice(bytes: &[u8]) -> Result<Self, DecodeError> {
        let obj = SignedObject::parse(bytes, DailyKeyAnnouncement::MAX_LEN, labels::COSE_DAILY_KEY_ANNOUNCEMENT)?;
        let body = Body::decode(obj.payload())?;
        Ok(Self { obj, body })
    }

    /// Verifies the announcement for use at `now` (guest app, scanner): the key
    /// must be in its use period `[not_before, not_after)`.
    ///
    /// # Errors
    /// [`VerifyError::WrongIssuer`], [`VerifyError::NotYetValid`],
    /// [`VerifyError::Expired`], [`VerifyError::BadSignature`] or
    /// [`VerifyError::InvalidValidity`], in the order listed on [`DailyKeyAnnouncement`].
    pub fn verify(self, issuer: &HealthOfficeCertificate, now: UnixTime) -> Result<DailyKeyAnnouncement, VerifyError> {
        self.verify_common(issuer, now)?;
        check_period(&self.body.validity, now)?;
        Ok(DailyKeyAnnouncement { inner: self })
    }

    /// Verifies the announcement for decryption at `now` (health offices): the
    /// key must be in `[not_before, retain_until)`.
    ///
    /// # Errors
    /// As [`verify`](Self::verify), with `retain_until` in place of `not_after` in the last step.
    pub fn verify_for_retention(
        self,
        issuer: &HealthOfficeCertificate,
        now: UnixTime,
    ) -> Result<DailyKeyAnnouncement, VerifyError> {
        self.verify_common(issuer, now)?;
        let retention = Validity { not_before: self.body.validity.not_before, not_after: self.body.retain_until };
        check_period(&retention, now)?;
        Ok(DailyKeyAnnouncement { inner: self })
    }

    fn verify_common(&self, issuer: &HealthOfficeCertificate, now: UnixTime) -> Result<(), VerifyError> {
        if self.body.issuer != issuer.id() {
            return Err(VerifyError::WrongIssuer);
        }
        issuer.check_validity(now)?;
        self.obj.verify(&issuer.signing_key().0)?;
        if !self.body.periods_ok() || !issuer.validity().covers(&self.body.validity) {
            return Err(VerifyError::InvalidValidity);
        }
        Ok(())
    }

    /// What the key is for (unverified).
    pub fn purpose(&self) -> KeyPurpose {
        self.body.purpose
    }

    /// The key id as on the wire (unverified).
    pub fn key_id(&self) -> u16 {
        self.body.key_id
    }

    /// The issuing health office (unverified).
    pub fn issuer(&self) -> HealthOfficeId {
        self.body.issuer
    }

    /// The announced public key (unverified).
    pub fn public_key(&self) -> EncryptionPublicKey {
        self.body.public_key
    }

    /// The use period (unverified).
    pub fn validity(&self) -> Validity {
        self.body.validity
    }

    /// When the private key must be erased (unverified).
    pub fn retain_until(&self) -> UnixTime {
        self.body.retain_until
    }

    /// The exact bytes received.
    pub fn as_bytes(&self) -> &[u8] {
        self.obj.as_bytes()
    }

    /// A copy of the exact bytes received.
    pub fn to_bytes(&self) -> Vec<u8> {
        self.obj.as_bytes().to_vec()
    }
}

impl DailyKeyAnnouncement {
    /// Size cap of the encoded announcement (COSE object), in bytes.
    pub const MAX_LEN: usize = 512;

    /// Signs an announcement with the issuing health office's signing key. Deterministic (RFC 6979).
    ///
    /// # Errors
    /// [`DecodeError::InvalidField`]: `key_id` for a daily key whose id is not
    /// the day number of `validity.not_before`; `validity` if
    /// `not_before >= not_after` or the use period is longer than allowed for
    /// `purpose`; `retain_until` if it is before `not_after` or beyond the
    /// allowed retention.
    pub fn issue(
        issuer_key: &HealthOfficeSigningKey,
        issuer: HealthOfficeId,
        purpose: KeyPurpose,
        key_id: u16,
        public_key: &EncryptionPublicKey,
        validity: Validity,
        retain_until: UnixTime,
    ) -> Result<Self, DecodeError> {
        check_key_id(purpose, key_id, validity.not_before)?;
        let body = Body { purpose, key_id, issuer, public_key: *public_key, validity, retain_until };
        if !body.periods_ok() {
            let use_ok = Body { retain_until: validity.not_after, ..body.clone() }.periods_ok();
            let field = if use_ok { "retain_until" } else { "validity" };
            return Err(DecodeError::InvalidField { field });
        }
        let bytes = cose::sign(labels::COSE_DAILY_KEY_ANNOUNCEMENT, body.encode(), |m| issuer_key.sign(m));
        let inner = DailyKeyAnnouncementIn::from_slice(&bytes)?;
        Ok(Self { inner })
    }

    /// What the key is for.
    pub fn purpose(&self) -> KeyPurpose {
        self.inner.purpose()
    }

    /// The key id as on the wire.
    pub fn key_id(&self) -> u16 {
        self.inner.key_id()
    }

    /// The daily key id, if this is a daily key.
    pub fn daily_key_id(&self) -> Option<DailyKeyId> {
        (self.purpose() == KeyPurpose::Daily).then_some(DailyKeyId(self.key_id()))
    }

    /// The badge key id, if this is a badge key.
    pub fn badge_key_id(&self) -> Option<BadgeKeyId> {
        (self.purpose() == KeyPurpose::Badge).then_some(BadgeKeyId(self.key_id()))
    }

    /// The issuing health office.
    pub fn issuer(&self) -> HealthOfficeId {
        self.inner.issuer()
    }

    /// The announced public key (the HPKE recipient key).
    pub fn public_key(&self) -> EncryptionPublicKey {
        self.inner.public_key()
    }

    /// The use period `[not_before, not_after)`.
    pub fn validity(&self) -> Validity {
        self.inner.validity()
    }

    /// When every health office must have erased the private key.
    pub fn retain_until(&self) -> UnixTime {
        self.inner.retain_until()
    }

    /// Whether the key may be used for encryption at `now` (`now ∈ [not_before, not_after)`).
    pub fn is_in_use_at(&self, now: UnixTime) -> bool {
        self.validity().contains(now)
    }

    /// Whether the private key must have been erased at `now` (`now >= retain_until`).
    pub fn must_be_erased_at(&self, now: UnixTime) -> bool {
        now >= self.retain_until()
    }

    /// The exact announcement bytes.
    pub fn as_bytes(&self) -> &[u8] {
        self.inner.as_bytes()
    }

    /// A copy of the exact announcement bytes.
    pub fn to_bytes(&self) -> Vec<u8> {
        self.inner.to_bytes()
    }
}

impl PartialEq for DailyKeyAnnouncement {
    fn eq(&self, other: &Self) -> bool {
        self.as_bytes() == other.as_bytes()
    }
}

impl Eq for DailyKeyAnnouncement {}

/// A verified daily key a guest may seal to and a scanner may accept check-ins for: the
/// single-office [`DailyKeyAnnouncement`] (§7.2) or the committee's
/// `CommitteeKeyAnnouncement` signed by `t` members (§13.4, `luca_protocol::threshold::announcement`,
/// which implements this trait). Only verification yields either, so a value of this trait is always verified.
pub trait AnnouncedDailyKey {
    /// The daily key id, or `None` for a badge key (which guests never seal check-ins to).
    fn daily_key_id(&self) -> Option<DailyKeyId>;
    /// The HPKE recipient key.
    fn public_key(&self) -> EncryptionPublicKey;
    /// The use period `[not_before, not_after)`.
    fn validity(&self) -> Validity;
    /// Whether the key may be used for encryption at `now`.
    fn is_in_use_at(&self, now: UnixTime) -> bool {
        self.validity().contains(now)
    }
}

impl AnnouncedDailyKey for DailyKeyAnnouncement {
    fn daily_key_id(&self) -> Option<DailyKeyId> {
        DailyKeyAnnouncement::daily_key_id(self)
    }
    fn public_key(&self) -> EncryptionPublicKey {
        DailyKeyAnnouncement::public_key(self)
    }
    fn validity(&self) -> Validity {
        DailyKeyAnnouncement::validity(self)
    }
    fn is_in_use_at(&self, now: UnixTime) -> bool {
        DailyKeyAnnouncement::is_in_use_at(self, now)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::keys::{DailyPrivateKey, HealthOfficeMasterKeys, TrustAnchorKey};
    use crate::signed::health_office_certificate::tests::add_unprotected;
    use rand_chacha::ChaCha20Rng;
    use rand_core::SeedableRng;

    const DAY: u64 = SECONDS_PER_DAY;
    // 2026-11-29T00:00:00Z and 09:00.
    const D0: UnixTime = UnixTime(1_795_910_400);
    const NOW: UnixTime = UnixTime(1_795_942_800);

    struct Fx {
        ho: HealthOfficeMasterKeys,
        cert: HealthOfficeCertificate,
        id: HealthOfficeId,
        key: EncryptionPublicKey,
    }

    fn fx() -> Fx {
        let mut rng = ChaCha20Rng::seed_from_u64(32);
        let anchor = TrustAnchorKey::generate(&mut rng);
        let ho = HealthOfficeMasterKeys::generate(&mut rng);
        let id = HealthOfficeId::random(&mut rng);
        let cert = HealthOfficeCertificate::issue(
            &anchor,
            id,
            "HO",
            &ho.signing.public_key(),
            &ho.encryption.public_key(),
            Validity { not_before: D0.minus_secs(100 * DAY), not_after: D0.plus_secs(1200 * DAY) },
        )
        .unwrap();
        let key = DailyPrivateKey::generate(&mut rng).public_key();
        Fx { ho, cert, id, key }
    }

    fn day_id() -> u16 {
        DailyKeyId::for_day(D0.day()).0
    }

    fn daily(f: &Fx) -> DailyKeyAnnouncement {
        DailyKeyAnnouncement::issue(
            &f.ho.signing,
            f.id,
            KeyPurpose::Daily,
            day_id(),
            &f.key,
            Validity { not_before: D0, not_after: D0.plus_secs(DAY) },
            D0.plus_secs(28 * DAY),
        )
        .unwrap()
    }

    #[allow(clippy::too_many_arguments)]
    fn payload(f: &Fx, version: u64, purpose: u64, key_id: u64, issuer: &[u8], nb: u64, na: u64, ru: u64) -> Vec<u8> {
        ArrayWriter::new(version)
            .uint(purpose)
            .uint(key_id)
            .bytes(issuer)
            .bytes(&f.key.to_bytes())
            .uint(nb)
            .uint(na)
            .uint(ru)
            .encode()
    }

    fn forge(f: &Fx, p: Vec<u8>) -> Vec<u8> {
        cose::sign(labels::COSE_DAILY_KEY_ANNOUNCEMENT, p, |m| f.ho.signing.sign(m))
    }

    fn parse(b: &[u8]) -> Result<DailyKeyAnnouncementIn, DecodeError> {
        DailyKeyAnnouncementIn::from_slice(b)
    }

    #[test]
    fn round_trip_daily() {
        let f = fx();
        let a = daily(&f);
        let v = parse(a.as_bytes()).unwrap().verify(&f.cert, NOW).unwrap();
        assert_eq!(v, a);
        assert_eq!(v.purpose(), KeyPurpose::Daily);
        assert_eq!(v.key_id(), day_id());
        assert_eq!(v.daily_key_id(), Some(DailyKeyId(day_id())));
        assert_eq!(v.badge_key_id(), None);
        assert_eq!(v.issuer(), f.id);
        assert_eq!(v.public_key(), f.key);
        assert_eq!(v.validity(), Validity { not_before: D0, not_after: D0.plus_secs(DAY) });
        assert_eq!(v.retain_until(), D0.plus_secs(28 * DAY));
        assert!(v.is_in_use_at(NOW));
        assert!(!v.must_be_erased_at(NOW));
        assert!(v.must_be_erased_at(D0.plus_secs(28 * DAY)));
        assert!(a.as_bytes().len() <= DailyKeyAnnouncement::MAX_LEN);
        let obj = SignedObject::parse(a.as_bytes(), 512, labels::COSE_DAILY_KEY_ANNOUNCEMENT).unwrap();
        let p = payload(&f, 1, 0, u64::from(day_id()), f.id.as_bytes(), D0.0, D0.0 + DAY, D0.0 + 28 * DAY);
        assert_eq!(obj.payload(), p.as_slice());
        assert_eq!(daily(&f).to_bytes(), a.to_bytes());
    }

    #[test]
    fn round_trip_badge() {
        let f = fx();
        let a = DailyKeyAnnouncement::issue(
            &f.ho.signing,
            f.id,
            KeyPurpose::Badge,
            7,
            &f.key,
            Validity { not_before: D0.minus_secs(DAY), not_after: D0.plus_secs(300 * DAY) },
            D0.plus_secs(328 * DAY),
        )
        .unwrap();
        let v = parse(a.as_bytes()).unwrap().verify(&f.cert, NOW).unwrap();
        assert_eq!(v.purpose(), KeyPurpose::Badge);
        assert_eq!(v.badge_key_id(), Some(BadgeKeyId(7)));
        assert_eq!(v.daily_key_id(), None);
    }

    #[test]
    fn verify_use_and_retention_windows() {
        let f = fx();
        let a = daily(&f);
        let p = || parse(a.as_bytes()).unwrap();
        assert!(p().verify(&f.cert, D0).is_ok());
        assert_eq!(p().verify(&f.cert, D0.minus_secs(1)).unwrap_err(), VerifyError::NotYetValid);
        assert_eq!(p().verify(&f.cert, D0.plus_secs(DAY)).unwrap_err(), VerifyError::Expired);
        assert!(p().verify_for_retention(&f.cert, D0.plus_secs(DAY)).is_ok());
        assert!(p().verify_for_retention(&f.cert, D0.plus_secs(28 * DAY - 1)).is_ok());
        assert_eq!(p().verify_for_retention(&f.cert, D0.plus_secs(28 * DAY)).unwrap_err(), VerifyError::Expired);
        assert_eq!(p().verify_for_retention(&f.cert, D0.minus_secs(1)).unwrap_err(), VerifyError::NotYetValid);
    }

    #[test]
    fn verify_wrong_issuer() {
        let f = fx();
        let p = payload(&f, 1, 0, u64::from(day_id()), &[9; 16], D0.0, D0.0 + DAY, D0.0 + 28 * DAY);
        assert_eq!(parse(&forge(&f, p)).unwrap().verify(&f.cert, NOW).unwrap_err(), VerifyError::WrongIssuer);
    }

    #[test]
    fn verify_issuer_certificate_expired() {
        let mut rng = ChaCha20Rng::seed_from_u64(33);
        let f = fx();
        let anchor = TrustAnchorKey::generate(&mut rng);
        let short = HealthOfficeCertificate::issue(
            &anchor,
            f.id,
            "HO",
            &f.ho.signing.public_key(),
            &f.ho.encryption.public_key(),
            Validity { not_before: D0.minus_secs(10 * DAY), not_after: NOW },
        )
        .unwrap();
        assert_eq!(parse(daily(&f).as_bytes()).unwrap().verify(&short, NOW).unwrap_err(), VerifyError::Expired);
        // Certificate valid at now, but the key's use period outlasts it.
        let short2 = HealthOfficeCertificate::issue(
            &anchor,
            f.id,
            "HO",
            &f.ho.signing.public_key(),
            &f.ho.encryption.public_key(),
            Validity { not_before: D0.minus_secs(10 * DAY), not_after: NOW.plus_secs(1) },
        )
        .unwrap();
        assert_eq!(
            parse(daily(&f).as_bytes()).unwrap().verify(&short2, NOW).unwrap_err(),
            VerifyError::InvalidValidity
        );
    }

    #[test]
    fn verify_wrong_key_and_tampered() {
        let mut rng = ChaCha20Rng::seed_from_u64(34);
        let f = fx();
        let other = HealthOfficeSigningKey::generate(&mut rng);
        let p = payload(&f, 1, 0, u64::from(day_id()), f.id.as_bytes(), D0.0, D0.0 + DAY, D0.0 + 28 * DAY);
        let b = cose::sign(labels::COSE_DAILY_KEY_ANNOUNCEMENT, p, |m| other.sign(m));
        assert_eq!(parse(&b).unwrap().verify(&f.cert, NOW).unwrap_err(), VerifyError::BadSignature);
        let mut t = daily(&f).to_bytes();
        let last = t.len() - 1;
        t[last] ^= 0x80;
        assert_eq!(parse(&t).unwrap().verify(&f.cert, NOW).unwrap_err(), VerifyError::BadSignature);
        // Swapped public key, same length: bad signature.
        let mut t = daily(&f).to_bytes();
        let key = f.key.to_bytes();
        let pos = t.windows(65).position(|w| w == key).unwrap();
        let other_key = DailyPrivateKey::generate(&mut rng).public_key().to_bytes();
        t[pos..pos + 65].copy_from_slice(&other_key);
        assert_eq!(parse(&t).unwrap().verify(&f.cert, NOW).unwrap_err(), VerifyError::BadSignature);
    }

    #[test]
    fn verify_invalid_periods() {
        let f = fx();
        let id = u64::from(day_id());
        let i = f.id.as_bytes();
        let cases = [
            // inverted
            payload(&f, 1, 0, id, i, D0.0 + 100, D0.0, D0.0 + 28 * DAY),
            // use longer than 7 days
            payload(&f, 1, 0, id, i, D0.0, D0.0 + 7 * DAY + 1, D0.0 + 28 * DAY),
            // retention longer than 28 days
            payload(&f, 1, 0, id, i, D0.0, D0.0 + DAY, D0.0 + 28 * DAY + 1),
            // retain_until before not_after
            payload(&f, 1, 0, id, i, D0.0, D0.0 + DAY, D0.0 + DAY - 1),
            // badge: use longer than 3 years
            payload(&f, 1, 1, 3, i, D0.0, D0.0 + 1095 * DAY + 1, D0.0 + 1096 * DAY),
            // badge: retention more than 28 days after use
            payload(&f, 1, 1, 3, i, D0.0, D0.0 + DAY, D0.0 + 29 * DAY + 1),
        ];
        for p in cases {
            assert_eq!(
                parse(&forge(&f, p)).unwrap().verify_for_retention(&f.cert, NOW).unwrap_err(),
                VerifyError::InvalidValidity
            );
        }
        // The limits themselves are accepted.
        let ok = payload(&f, 1, 0, id, i, D0.0, D0.0 + 7 * DAY, D0.0 + 28 * DAY);
        assert!(parse(&forge(&f, ok)).unwrap().verify(&f.cert, NOW).is_ok());
        let ok = payload(&f, 1, 1, 3, i, D0.0, D0.0 + 1095 * DAY, D0.0 + 1123 * DAY);
        assert!(parse(&forge(&f, ok)).unwrap().verify(&f.cert, NOW).is_ok());
    }

    #[test]
    fn decode_field_rules() {
        let f = fx();
        let id = u64::from(day_id());
        let i = f.id.as_bytes();
        let e = |p: Vec<u8>| parse(&forge(&f, p)).unwrap_err();
        assert_eq!(
            e(payload(&f, 1, 2, id, i, D0.0, D0.0 + DAY, D0.0 + DAY)),
            DecodeError::InvalidField { field: "purpose" }
        );
        assert_eq!(
            e(payload(&f, 1, 256, id, i, D0.0, D0.0 + DAY, D0.0 + DAY)),
            DecodeError::InvalidField { field: "purpose" }
        );
        assert_eq!(
            e(payload(&f, 1, 1, 65_536, i, D0.0, D0.0 + DAY, D0.0 + DAY)),
            DecodeError::InvalidField { field: "key_id" }
        );
        assert_eq!(
            e(payload(&f, 1, 0, id + 1, i, D0.0, D0.0 + DAY, D0.0 + DAY)),
            DecodeError::InvalidField { field: "key_id" }
        );
        assert_eq!(
            e(payload(&f, 1, 0, id, &[1; 17], D0.0, D0.0 + DAY, D0.0 + DAY)),
            DecodeError::WrongLength { field: "issuer", expected: 16, got: 17 }
        );
        assert_eq!(
            e(payload(&f, 2, 0, id, i, D0.0, D0.0 + DAY, D0.0 + DAY)),
            DecodeError::UnsupportedVersion { got: 2 }
        );
        let short = ArrayWriter::new(1).uint(0).encode();
        assert_eq!(e(short), DecodeError::WrongArity { field: "daily_key_announcement", expected: 8, got: 2 });
        let bad_point = ArrayWriter::new(1)
            .uint(1)
            .uint(1)
            .bytes(i)
            .bytes(&[0; 65])
            .uint(D0.0)
            .uint(D0.0 + 1)
            .uint(D0.0 + 1)
            .encode();
        assert_eq!(e(bad_point), DecodeError::InvalidPoint { field: "public_key" });
    }

    #[test]
    fn decode_envelope_rules() {
        let f = fx();
        let b = daily(&f).to_bytes();
        assert_eq!(parse(&b[..b.len() - 1]).unwrap_err(), DecodeError::Truncated);
        let mut t = b.clone();
        t.push(0);
        assert_eq!(parse(&t).unwrap_err(), DecodeError::TrailingBytes);
        assert_eq!(parse(&[0u8; 513]).unwrap_err(), DecodeError::TooLong { max: 512, got: 513 });
        assert_eq!(parse(&add_unprotected(&b)).unwrap_err(), DecodeError::UnexpectedHeader);
        let p = payload(&f, 1, 0, u64::from(day_id()), f.id.as_bytes(), D0.0, D0.0 + DAY, D0.0 + 28 * DAY);
        let other = cose::sign(labels::COSE_VENUE_DESCRIPTOR, p, |m| f.ho.signing.sign(m));
        assert_eq!(parse(&other).unwrap_err(), DecodeError::WrongContentType);
    }

    #[test]
    fn issue_rejections() {
        let f = fx();
        let i = |purpose, key_id, nb: UnixTime, na: UnixTime, ru: UnixTime| {
            DailyKeyAnnouncement::issue(
                &f.ho.signing,
                f.id,
                purpose,
                key_id,
                &f.key,
                Validity { not_before: nb, not_after: na },
                ru,
            )
            .map(|_| ())
        };
        let d = KeyPurpose::Daily;
        let id = day_id();
        assert_eq!(
            i(d, id.wrapping_add(1), D0, D0.plus_secs(DAY), D0.plus_secs(DAY)).unwrap_err().kind(),
            "invalid_field"
        );
        assert_eq!(i(d, id, D0, D0, D0.plus_secs(DAY)), Err(DecodeError::InvalidField { field: "validity" }));
        assert_eq!(
            i(d, id, D0, D0.plus_secs(8 * DAY), D0.plus_secs(9 * DAY)),
            Err(DecodeError::InvalidField { field: "validity" })
        );
        assert_eq!(
            i(d, id, D0, D0.plus_secs(DAY), D0.plus_secs(29 * DAY)),
            Err(DecodeError::InvalidField { field: "retain_until" })
        );
        assert_eq!(i(d, id, D0, D0.plus_secs(DAY), D0), Err(DecodeError::InvalidField { field: "retain_until" }));
        assert_eq!(i(KeyPurpose::Badge, 0, D0, D0.plus_secs(DAY), D0.plus_secs(DAY)), Ok(()));
    }
}
