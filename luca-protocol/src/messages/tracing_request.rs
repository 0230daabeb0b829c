//! Tracing request: a health office asks a venue (through the server) to open
//! its check-ins of a time window for it.
//!
//! The venue answers with a [`ConsentResponse`](crate::messages::consent_response::ConsentResponse)
//! bound to the exact bytes of this request ([`TracingRequest::request_hash`]).

use crate::cbor::{self, ArrayReader, ArrayWriter};
use crate::cose::{self, SignedObject};
use crate::derive;
use crate::error::{DecodeError, VerifyError};
use crate::ids::{HealthOfficeId, RequestId, VenueId};
use crate::keys::HealthOfficeSigningKey;
use crate::labels;
use crate::signed::health_office_certificate::HealthOfficeCertificate;
use crate::time::{SECONDS_PER_DAY, UnixMinute, UnixTime};

/// Protocol version of the payload.
const VERSION: u64 = 1;
/// Items in the payload array, version included.
const ARITY: usize = 8;
/// Payload CBOR nesting: one flat array.
const MAX_DEPTH: usize = 1;

/// Longest tracing window: 7 days.
pub const MAX_WINDOW_SECS: u64 = 7 * SECONDS_PER_DAY;
/// Longest request lifetime (`expires_at − issued_at`): 14 days.
pub const MAX_LIFETIME_SECS: u64 = 14 * SECONDS_PER_DAY;
/// Tolerated clock skew: a request is accepted from `issued_at − 300 s` on.
pub const CLOCK_SKEW_SECS: u64 = 300;

/// The half-open time window `[from, to)` (Unix seconds) whose check-ins a request covers.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
pub struct TracingWindow {
    /// First second of the window.
    pub from: UnixTime,
    /// First second after the window.
    pub to: UnixTime,
}

impl TracingWindow {
    /// Whether `from < to` and `to − from ≤ 7 days`.
    pub fn is_well_formed(&self) -> bool {
        self.from < self.to && self.to.0.saturating_sub(self.from.0) <= MAX_WINDOW_SECS
    }

    /// Whether `t` lies in `[from, to)`.
    pub fn contains(&self, t: UnixTime) -> bool {
        self.from <= t && t < self.to
    }

    /// Whether the check-in minute `m` is covered: `from ≤ m·60 < to` (its first second lies in the window).
    pub fn contains_minute(&self, m: UnixMinute) -> bool {
        self.contains(m.start())
    }
}

/// The fields of a tracing request payload.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Fields {
    request_id: RequestId,
    health_office_id: HealthOfficeId,
    venue_id: VenueId,
    window: TracingWindow,
    issued_at: UnixTime,
    expires_at: UnixTime,
}

impl Fields {
    /// The payload rules shared by signing and decoding.
    fn check(&self) -> Result<(), DecodeError> {
        if !self.window.is_well_formed() {
            return Err(DecodeError::InvalidField { field: "to" });
        }
        if !(self.issued_at < self.expires_at
            && self.expires_at.0.saturating_sub(self.issued_at.0) <= MAX_LIFETIME_SECS)
        {
            return Err(DecodeError::InvalidField { field: "expires_at" });
        }
        Ok(())
    }

    fn encode(&self) -> Vec<u8> {
        ArrayWriter::new(VERSION)
            .bytes(self.request_id.as_bytes())
            .bytes(self.health_office_id.as_bytes())
            .bytes(self.venue_id.as_bytes())
            .uint(self.window.from.0)
            .uint(self.window.to.0)
            .uint(self.issued_at.0)
            .uint(self.expires_at.0)
            .encode()
    }

    fn decode(payload: &[u8]) -> Result<Self, DecodeError> {
        let value = cbor::decode(payload, TracingRequest::MAX_LEN, MAX_DEPTH)?;
        let mut r = ArrayReader::open_message(value, "tracing_request", VERSION, ARITY)?;
        let request_id = RequestId::from_array(r.fixed::<16>("request_id")?);
        let health_office_id = HealthOfficeId::from_array(r.fixed::<16>("health_office_id")?);
        let venue_id = VenueId::from_array(r.fixed::<16>("venue_id")?);
        let from = UnixTime(r.uint("from")?);
        let to = UnixTime(r.uint("to")?);
        let issued_at = UnixTime(r.uint("issued_at")?);
        let expires_at = UnixTime(r.uint("expires_at")?);
        let f =
            Self { request_id, health_office_id, venue_id, window: TracingWindow { from, to }, issued_at, expires_at };
        f.check()?;
        Ok(f)
    }
}

/// A tracing request, signed by the requesting health office (verified, or made by [`TracingRequest::sign`]).
///
/// COSE_Sign1 / ES256 (RFC 9052; `protected = {1: -7, 3: content type}`, empty
/// unprotected header, attached payload, 64-byte `r ‖ s` signature) with content type
/// `"application/luca.v1.tracing-request"` ([`labels::COSE_TRACING_REQUEST`]),
/// signed by the health office's signing key; size cap of the whole COSE
/// object [`TracingRequest::MAX_LEN`] = 512 bytes. Payload (deterministic CBOR):
///
/// ```cddl
/// tracing-request = [
///   1,                               ; version
///   request_id: bstr .size 16,       ; random, chosen by the health office
///   health_office_id: bstr .size 16, ; the requesting health office
///   venue_id: bstr .size 16,         ; the venue asked for consent
///   from: uint,                      ; window start, Unix seconds (inclusive)
///   to: uint,                        ; window end, Unix seconds (exclusive); from < to, to − from ≤ 604800
///   issued_at: uint,                 ; Unix seconds
///   expires_at: uint,                ; Unix seconds; issued_at < expires_at ≤ issued_at + 1209600
/// ]
/// ```
///
/// Decoding ([`TracingRequestIn::from_slice`]), in order: COSE envelope (size
/// cap `TooLong`, CBOR errors, `UnsupportedAlgorithm`, `WrongContentType`,
/// `UnexpectedHeader`, signature length `WrongLength`); payload: CBOR (nesting
/// depth 1, deterministic), array, version 1 (`UnsupportedVersion`), 8 items
/// (`WrongArity`), ids 16 bytes (`WrongLength`), integers unsigned
/// (`UnexpectedType` / `InvalidField`); window `from < to ≤ from + 7 days`
/// (`InvalidField { field: "to" }`); `issued_at < expires_at ≤ issued_at +
/// 14 days` (`InvalidField { field: "expires_at" }`).
///
/// Verification ([`TracingRequestIn::verify`]), in order:
/// `health_office_id` equals the certificate's id (`WrongIssuer`); the
/// certificate is valid at `now` (its `check_validity` error: `Expired` /
/// `NotYetValid`); the signature verifies under the certificate's signing key
/// (`BadSignature`); `venue_id` equals the verifying venue's id (`WrongKind`:
/// the request is addressed to another venue); `now < expires_at`
/// (`Expired`); `now ≥ issued_at − 300` (`NotYetValid`).
///
/// The request hash `SHA-256("luca/v1/tracing-request-hash" ‖ cose_bytes)`
/// is taken over the exact COSE bytes.
#[derive(Clone, Debug)]
pub struct TracingRequest {
    raw: Vec<u8>,
    fields: Fields,
}

impl TracingRequest {
    /// Size cap of the COSE object.
    pub const MAX_LEN: usize = 512;

    /// Signs a tracing request of health office `office` (whose certified
    /// signing key is `key`) to `venue_id`, for check-ins in `window`.
    ///
    /// # Errors
    /// [`DecodeError::InvalidField`] (`"to"` or `"expires_at"`) if the window or
    /// the validity violates the rules of [`TracingRequest`].
    pub fn sign(
        key: &HealthOfficeSigningKey,
        request_id: RequestId,
        office: HealthOfficeId,
        venue_id: VenueId,
        window: TracingWindow,
        issued_at: UnixTime,
        expires_at: UnixTime,
    ) -> Result<Self, DecodeError> {
        let fields = Fields { request_id, health_office_id: office, venue_id, window, issued_at, expires_at };
        fields.check()?;
        let raw = cose::sign(labels::COSE_TRACING_REQUEST, fields.encode(), |m| key.sign(m));
        Ok(Self { raw, fields })
    }

    /// The COSE object.
    pub fn as_bytes(&self) -> &[u8] {
        &self.raw
    }

    /// The COSE object, owned.
    pub fn to_bytes(&self) -> Vec<u8> {
        self.raw.clone()
    }

    /// `SHA-256("luca/v1/tracing-request-hash" ‖ as_bytes())`: binds a consent response to this request.
    pub fn request_hash(&self) -> [u8; 32] {
        derive::tracing_request_hash(&self.raw)
    }

    /// The request id.
    pub fn request_id(&self) -> RequestId {
        self.fields.request_id
    }

    /// The requesting health office.
    pub fn health_office_id(&self) -> HealthOfficeId {
        self.fields.health_office_id
    }

    /// The venue asked for consent.
    pub fn venue_id(&self) -> VenueId {
        self.fields.venue_id
    }

    /// The window of check-ins requested.
    pub fn window(&self) -> TracingWindow {
        self.fields.window
    }

    /// When the request was issued.
    pub fn issued_at(&self) -> UnixTime {
        self.fields.issued_at
    }

    /// When the request expires.
    pub fn expires_at(&self) -> UnixTime {
        self.fields.expires_at
    }
}

/// A received, not yet verified tracing request (layout and rules: see [`TracingRequest`]).
#[derive(Clone, Debug)]
pub struct TracingRequestIn {
    signed: SignedObject,
    fields: Fields,
}

impl TracingRequestIn {
    /// Parses a tracing request (rules: see [`TracingRequest`]).
    ///
    /// # Errors
    /// The [`DecodeError`] of the first rule that fails.
    pub fn from_slice(bytes: &[u8]) -> Result<Self, DecodeError> {
        let signed = SignedObject::parse(bytes, TracingRequest::MAX_LEN, labels::COSE_TRACING_REQUEST)?;
        let fields = Fields::decode(signed.payload())?;
        Ok(Self { signed, fields })
    }

    /// The COSE object exactly as received.
    pub fn as_bytes(&self) -> &[u8] {
        self.signed.as_bytes()
    }

    /// The claimed requesting health office (look up its certificate by this id).
    pub fn health_office_id(&self) -> HealthOfficeId {
        self.fields.health_office_id
    }

    /// The venue the request is addressed to (unauthenticated until verified).
    pub fn venue_id(&self) -> VenueId {
        self.fields.venue_id
    }

    /// The request id (unauthenticated until verified).
    pub fn request_id(&self) -> RequestId {
        self.fields.request_id
    }

    /// The requested window (unauthenticated until verified).
    pub fn window(&self) -> TracingWindow {
        self.fields.window
    }

    /// When the request was issued (unauthenticated until verified).
    pub fn issued_at(&self) -> UnixTime {
        self.fields.issued_at
    }

    /// When the request expires (unauthenticated until verified).
    pub fn expires_at(&self) -> UnixTime {
        self.fields.expires_at
    }

    /// Verifies the request for venue `venue_id` at `now` against the
    /// requesting health office's verified certificate.
    ///
    /// # Errors
    /// In order: [`VerifyError::WrongIssuer`], the certificate's validity error,
    /// [`VerifyError::BadSignature`], [`VerifyError::WrongKind`] (another venue),
    /// [`VerifyError::Expired`], [`VerifyError::NotYetValid`].
    pub fn verify(
        self,
        office: &HealthOfficeCertificate,
        venue_id: VenueId,
        now: UnixTime,
    ) -> Result<TracingRequest, VerifyError> {
        if office.id() != self.fields.health_office_id {
            return Err(VerifyError::WrongIssuer);
        }
        office.check_validity(now)?;
        self.signed.verify(&office.signing_key().0)?;
        if self.fields.venue_id != venue_id {
            return Err(VerifyError::WrongKind);
        }
        if now >= self.fields.expires_at {
            return Err(VerifyError::Expired);
        }
        if now < self.fields.issued_at.minus_secs(CLOCK_SKEW_SECS) {
            return Err(VerifyError::NotYetValid);
        }
        Ok(TracingRequest { raw: self.signed.as_bytes().to_vec(), fields: self.fields })
    }
}

/// Test support shared by the health-office messages' unit tests.
#[cfg(test)]
pub(crate) mod test_support {
    use rand_core::CryptoRng;

    use crate::ids::HealthOfficeId;
    use crate::keys::{HealthOfficeMasterKeys, TrustAnchorKey};
    use crate::signed::health_office_certificate::HealthOfficeCertificate;
    use crate::time::{UnixTime, Validity};

    /// A fixed clock: 2026-11-29T09:00:00Z.
    pub(crate) const NOW: UnixTime = UnixTime(1_795_942_800);

    /// A certified health office: its master keys and its certificate, valid
    /// from 30 days before [`NOW`] to 365 days after.
    pub(crate) fn office<R: CryptoRng>(rng: &mut R) -> (HealthOfficeMasterKeys, HealthOfficeCertificate) {
        let anchor = TrustAnchorKey::generate(rng);
        let keys = HealthOfficeMasterKeys::generate(rng);
        let id = HealthOfficeId::random(rng);
        let validity = Validity { not_before: NOW.minus_secs(30 * 86_400), not_after: NOW.plus_secs(365 * 86_400) };
        let cert = HealthOfficeCertificate::issue(
            &anchor,
            id,
            "Gesundheitsamt Test",
            &keys.signing.public_key(),
            &keys.encryption.public_key(),
            validity,
        )
        .unwrap();
        (keys, cert)
    }
}

#[cfg(test)]
mod tests {
    use super::test_support::{NOW, office};
    use super::*;
    use rand_chacha::ChaCha20Rng;
    use rand_core::SeedableRng;

    const HOUR: u64 = 3_600;

    struct Setup {
        keys: crate::keys::HealthOfficeMasterKeys,
        cert: HealthOfficeCertificate,
        venue: VenueId,
        request_id: RequestId,
        window: TracingWindow,
    }

    fn setup() -> Setup {
        let mut rng = ChaCha20Rng::seed_from_u64(51);
        let (keys, cert) = office(&mut rng);
        let venue = VenueId::random(&mut rng);
        let request_id = RequestId::random(&mut rng);
        let window = TracingWindow { from: NOW.minus_secs(48 * HOUR), to: NOW.minus_secs(24 * HOUR) };
        Setup { keys, cert, venue, request_id, window }
    }

    fn sign_with(
        s: &Setup,
        window: TracingWindow,
        issued_at: UnixTime,
        expires_at: UnixTime,
    ) -> Result<TracingRequest, DecodeError> {
        TracingRequest::sign(&s.keys.signing, s.request_id, s.cert.id(), s.venue, window, issued_at, expires_at)
    }

    fn request(s: &Setup) -> TracingRequest {
        sign_with(s, s.window, NOW, NOW.plus_secs(72 * HOUR)).unwrap()
    }

    /// Re-signs a payload edited by `edit` without the payload checks.
    fn resigned(s: &Setup, edit: impl FnOnce(&mut Fields)) -> Vec<u8> {
        let mut f = Fields::decode(
            SignedObject::parse(request(s).as_bytes(), 512, labels::COSE_TRACING_REQUEST).unwrap().payload(),
        )
        .unwrap();
        edit(&mut f);
        cose::sign(labels::COSE_TRACING_REQUEST, f.encode(), |m| s.keys.signing.sign(m))
    }

    #[test]
    fn round_trip() {
        let s = setup();
        let req = request(&s);
        assert!(req.as_bytes().len() <= TracingRequest::MAX_LEN);
        let parsed = TracingRequestIn::from_slice(req.as_bytes()).unwrap();
        assert_eq!(parsed.health_office_id(), s.cert.id());
        assert_eq!(parsed.venue_id(), s.venue);
        assert_eq!(parsed.request_id(), s.request_id);
        let v = parsed.verify(&s.cert, s.venue, NOW).unwrap();
        assert_eq!(v.as_bytes(), req.as_bytes());
        assert_eq!(v.request_hash(), req.request_hash());
        assert_eq!(v.request_hash(), derive::tracing_request_hash(req.as_bytes()));
        assert_eq!(v.window(), s.window);
        assert_eq!(v.issued_at(), NOW);
        assert_eq!(v.expires_at(), NOW.plus_secs(72 * HOUR));
        assert_eq!(v.request_id(), s.request_id);
        assert_eq!(v.health_office_id(), s.cert.id());
        assert_eq!(v.venue_id(), s.venue);
        // Deterministic.
        assert_eq!(request(&setup()).to_bytes(), req.to_bytes());
    }

    #[test]
    fn window_contains_minute() {
        let w = TracingWindow { from: UnixTime(600), to: UnixTime(1200) };
        assert!(!w.contains_minute(UnixMinute(9)));
        assert!(w.contains_minute(UnixMinute(10)));
        assert!(w.contains_minute(UnixMinute(19)));
        assert!(!w.contains_minute(UnixMinute(20)));
    }

    #[test]
    fn sign_rejects_bad_window() {
        let s = setup();
        let exp = NOW.plus_secs(HOUR);
        let empty = TracingWindow { from: NOW, to: NOW };
        assert_eq!(sign_with(&s, empty, NOW, exp).unwrap_err(), DecodeError::InvalidField { field: "to" });
        let long = TracingWindow { from: NOW, to: NOW.plus_secs(MAX_WINDOW_SECS + 1) };
        assert_eq!(sign_with(&s, long, NOW, exp).unwrap_err(), DecodeError::InvalidField { field: "to" });
        let max = TracingWindow { from: NOW, to: NOW.plus_secs(MAX_WINDOW_SECS) };
        assert!(sign_with(&s, max, NOW, exp).is_ok());
    }

    #[test]
    fn sign_rejects_bad_lifetime() {
        let s = setup();
        assert_eq!(sign_with(&s, s.window, NOW, NOW).unwrap_err(), DecodeError::InvalidField { field: "expires_at" });
        assert_eq!(
            sign_with(&s, s.window, NOW, NOW.plus_secs(MAX_LIFETIME_SECS + 1)).unwrap_err(),
            DecodeError::InvalidField { field: "expires_at" }
        );
        assert!(sign_with(&s, s.window, NOW, NOW.plus_secs(MAX_LIFETIME_SECS)).is_ok());
    }

    #[test]
    fn decode_bad_window_and_lifetime() {
        let s = setup();
        let b = resigned(&s, |f| f.window.to = f.window.from);
        assert_eq!(TracingRequestIn::from_slice(&b).unwrap_err(), DecodeError::InvalidField { field: "to" });
        let b = resigned(&s, |f| f.expires_at = f.issued_at);
        assert_eq!(TracingRequestIn::from_slice(&b).unwrap_err(), DecodeError::InvalidField { field: "expires_at" });
    }

    #[test]
    fn decode_truncated_trailing_too_long() {
        let s = setup();
        let b = request(&s).to_bytes();
        assert_eq!(TracingRequestIn::from_slice(&b[..b.len() - 1]).unwrap_err(), DecodeError::Truncated);
        assert_eq!(TracingRequestIn::from_slice(&[]).unwrap_err(), DecodeError::Truncated);
        let mut t = b.clone();
        t.push(0);
        assert_eq!(TracingRequestIn::from_slice(&t).unwrap_err(), DecodeError::TrailingBytes);
        assert_eq!(TracingRequestIn::from_slice(&[0u8; 513]).unwrap_err(), DecodeError::TooLong { max: 512, got: 513 });
    }

    #[test]
    fn decode_wrong_version_and_arity() {
        let s = setup();
        let payload = ArrayWriter::new(2).uint(0).encode();
        let b = cose::sign(labels::COSE_TRACING_REQUEST, payload, |m| s.keys.signing.sign(m));
        assert_eq!(TracingRequestIn::from_slice(&b).unwrap_err(), DecodeError::UnsupportedVersion { got: 2 });
        let payload = ArrayWriter::new(1).uint(0).encode();
        let b = cose::sign(labels::COSE_TRACING_REQUEST, payload, |m| s.keys.signing.sign(m));
        assert_eq!(
            TracingRequestIn::from_slice(&b).unwrap_err(),
            DecodeError::WrongArity { field: "tracing_request", expected: 8, got: 2 }
        );
    }

    #[test]
    fn decode_wrong_id_length() {
        let s = setup();
        let payload = ArrayWriter::new(1)
            .bytes(&[0; 15])
            .bytes(&[0; 16])
            .bytes(&[0; 16])
            .uint(1)
            .uint(2)
            .uint(3)
            .uint(4)
            .encode();
        let b = cose::sign(labels::COSE_TRACING_REQUEST, payload, |m| s.keys.signing.sign(m));
        assert_eq!(
            TracingRequestIn::from_slice(&b).unwrap_err(),
            DecodeError::WrongLength { field: "request_id", expected: 16, got: 15 }
        );
    }

    #[test]
    fn decode_wrong_content_type() {
        let s = setup();
        let payload = Fields::decode(
            SignedObject::parse(request(&s).as_bytes(), 512, labels::COSE_TRACING_REQUEST).unwrap().payload(),
        )
        .unwrap()
        .encode();
        let b = cose::sign(labels::COSE_NOTIFICATION_LIST, payload, |m| s.keys.signing.sign(m));
        assert_eq!(TracingRequestIn::from_slice(&b).unwrap_err(), DecodeError::WrongContentType);
    }

    #[test]
    fn verify_wrong_issuer() {
        let s = setup();
        let mut rng = ChaCha20Rng::seed_from_u64(99);
        let (_, other) = office(&mut rng);
        let r = TracingRequestIn::from_slice(request(&s).as_bytes()).unwrap();
        assert_eq!(r.verify(&other, s.venue, NOW).unwrap_err(), VerifyError::WrongIssuer);
    }

    #[test]
    fn verify_bad_signature() {
        let s = setup();
        let mut rng = ChaCha20Rng::seed_from_u64(98);
        let impostor = HealthOfficeSigningKey::generate(&mut rng);
        let b = TracingRequest::sign(&impostor, s.request_id, s.cert.id(), s.venue, s.window, NOW, NOW.plus_secs(HOUR))
            .unwrap()
            .to_bytes();
        let r = TracingRequestIn::from_slice(&b).unwrap();
        assert_eq!(r.verify(&s.cert, s.venue, NOW).unwrap_err(), VerifyError::BadSignature);
        // Tampered payload byte (the venue id's last byte).
        let mut t = request(&s).to_bytes();
        let pos = t.windows(16).position(|w| w == s.venue.as_bytes()).unwrap() + 15;
        t[pos] ^= 1;
        let r = TracingRequestIn::from_slice(&t).unwrap();
        let mut other_venue = s.venue.to_bytes();
        other_venue[15] ^= 1;
        assert_eq!(r.verify(&s.cert, VenueId::from_array(other_venue), NOW).unwrap_err(), VerifyError::BadSignature);
    }

    #[test]
    fn verify_other_venue() {
        let s = setup();
        let r = TracingRequestIn::from_slice(request(&s).as_bytes()).unwrap();
        assert_eq!(r.verify(&s.cert, VenueId::from_array([9; 16]), NOW).unwrap_err(), VerifyError::WrongKind);
    }

    #[test]
    fn verify_expired_and_not_yet_valid() {
        let s = setup();
        let r = request(&s);
        let exp = r.expires_at();
        let parse = || TracingRequestIn::from_slice(r.as_bytes()).unwrap();
        assert_eq!(parse().verify(&s.cert, s.venue, exp).unwrap_err(), VerifyError::Expired);
        assert!(parse().verify(&s.cert, s.venue, exp.minus_secs(1)).is_ok());
        assert_eq!(
            parse().verify(&s.cert, s.venue, NOW.minus_secs(CLOCK_SKEW_SECS + 1)).unwrap_err(),
            VerifyError::NotYetValid
        );
        assert!(parse().verify(&s.cert, s.venue, NOW.minus_secs(CLOCK_SKEW_SECS)).is_ok());
    }

    #[test]
    fn verify_certificate_expired() {
        let s = setup();
        let r = TracingRequestIn::from_slice(request(&s).as_bytes()).unwrap();
        assert_eq!(r.verify(&s.cert, s.venue, s.cert.validity().not_after).unwrap_err(), VerifyError::Expired);
    }
}
