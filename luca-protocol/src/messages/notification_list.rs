//! Notification list: a health office tells guests, on their own devices,
//! that their data was accessed or that they were at risk.
//!
//! The list holds keyed hashes `notification_hash(trace_id, health_office_id,
//! level)` (see [`crate::derive::notification_hash`]): level 0 for every trace
//! id whose data the health office accessed, levels 1..=3 for contacts it
//! warns. A guest's device recomputes the hashes of its own recent trace ids
//! and looks them up ([`NotificationList::check`]).

use std::collections::BTreeSet;

use ciborium::Value;
use rand_core::CryptoRng;

use crate::cbor::{self, ArrayReader, ArrayWriter};
use crate::cose::{self, SignedObject};
use crate::derive::{self, NOTIFICATION_HASH_LEN};
use crate::error::{DecodeError, VerifyError};
use crate::ids::{HealthOfficeId, TraceId};
use crate::keys::HealthOfficeSigningKey;
use crate::labels;
use crate::signed::health_office_certificate::HealthOfficeCertificate;
use crate::time::UnixTime;

/// Protocol version of the payload.
const VERSION: u64 = 1;
/// Items in the payload array, version included.
const ARITY: usize = 4;
/// Payload CBOR nesting: the array and the hash list.
const MAX_DEPTH: usize = 2;

/// Highest warning level (levels are 0 = data accessed, 1..=3 = warnings).
pub const MAX_LEVEL: u8 = 3;
/// Most hashes a list may carry (2^18).
pub const MAX_HASHES: usize = 262_144;
/// Fewest hashes a list carries: lists are padded to a power of two ≥ 64.
pub const MIN_HASHES: usize = 64;
/// Tolerated clock skew: a list is accepted if `issued_at ≤ now + 300`.
pub const CLOCK_SKEW_SECS: u64 = 300;

/// A notification hash.
pub type NotificationHash = [u8; NOTIFICATION_HASH_LEN];

/// One of the caller's trace ids found in a list, with the highest level it was listed at.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct NotificationMatch {
    /// The matched trace id.
    pub trace_id: TraceId,
    /// The highest level listed for it: 0 = data accessed, 1..=3 = warning level.
    pub level: u8,
}

#[derive(Clone, Debug, PartialEq, Eq)]
struct Fields {
    health_office_id: HealthOfficeId,
    issued_at: UnixTime,
    hashes: Vec<NotificationHash>,
}

impl Fields {
    fn encode(&self) -> Vec<u8> {
        let hashes = self.hashes.iter().map(|h| Value::Bytes(h.to_vec())).collect();
        ArrayWriter::new(VERSION)
            .bytes(self.health_office_id.as_bytes())
            .uint(self.issued_at.0)
            .value(Value::Array(hashes))
            .encode()
    }

    fn decode(payload: &[u8]) -> Result<Self, DecodeError> {
        let value = cbor::decode(payload, NotificationList::MAX_LEN, MAX_DEPTH)?;
        let mut r = ArrayReader::open_message(value, "notification_list", VERSION, ARITY)?;
        let health_office_id = HealthOfficeId::from_array(r.fixed::<16>("health_office_id")?);
        let issued_at = UnixTime(r.uint("issued_at")?);
        let items = r.array("hashes", MAX_HASHES)?;
        let mut hashes: Vec<NotificationHash> = Vec::with_capacity(items.len());
        for item in items {
            let h = match item {
                Value::Bytes(b) => {
                    let got = b.len();
                    NotificationHash::try_from(b.as_slice()).map_err(|_| DecodeError::WrongLength {
                        field: "hashes",
                        expected: NOTIFICATION_HASH_LEN,
                        got,
                    })?
                }
                _ => return Err(DecodeError::UnexpectedType { field: "hashes" }),
            };
            if hashes.last().is_some_and(|prev| *prev >= h) {
                return Err(DecodeError::InvalidField { field: "hashes" });
            }
            hashes.push(h);
        }
        if !is_padded_len(hashes.len()) {
            return Err(DecodeError::InvalidField { field: "hashes" });
        }
        Ok(Self { health_office_id, issued_at, hashes })
    }
}

/// Whether `n` is a power of two ≥ 64 (and ≤ the cap).
fn is_padded_len(n: usize) -> bool {
    (MIN_HASHES..=MAX_HASHES).contains(&n) && n.is_power_of_two()
}

/// A signed notification list (verified, or made by [`NotificationList::build`]).
///
/// COSE_Sign1 / ES256 (RFC 9052; `protected = {1: -7, 3: content type}`, empty
/// unprotected header, attached payload, 64-byte `r ‖ s` signature) with content type
/// `"application/luca.v1.notification-list"` ([`labels::COSE_NOTIFICATION_LIST`]),
/// signed by the health office's signing key; size cap of the whole COSE
/// object [`NotificationList::MAX_LEN`] = 5 MiB (5,242,880 bytes). Payload
/// (deterministic CBOR):
///
/// ```cddl
/// notification-list = [
///   1,                               ; version
///   health_office_id: bstr .size 16, ; the publishing health office
///   issued_at: uint,                 ; Unix seconds
///   hashes: [* bstr .size 16],       ; strictly ascending (bytewise); count a power of two, 64 ≤ count ≤ 262144
/// ]
/// ```
///
/// Each real entry is `notification_hash(trace_id, health_office_id, level) =
/// HMAC-SHA256(key = trace_id, "luca/v1/notification-hash" ‖ health_office_id ‖ level_u8)[0..16]`;
/// the list is padded with uniformly random 16-byte dummies to the next power
/// of two ≥ 64, sorted and de-duplicated.
///
/// Decoding ([`NotificationListIn::from_slice`]), in order: COSE envelope (size
/// cap `TooLong`, CBOR errors, `UnsupportedAlgorithm`, `WrongContentType`,
/// `UnexpectedHeader`, signature `WrongLength`); payload CBOR (nesting depth ≤ 2,
/// deterministic), version 1 (`UnsupportedVersion`), 4 items (`WrongArity`),
/// `health_office_id` 16 bytes (`WrongLength`), `issued_at` unsigned
/// (`UnexpectedType`); `hashes` an array (`UnexpectedType`) of at most 262,144
/// items (`TooManyItems`); each a byte string (`UnexpectedType`) of 16 bytes
/// (`WrongLength`), strictly greater than the previous one (`InvalidField {
/// field: "hashes" }`); the count a power of two ≥ 64 (`InvalidField { field:
/// "hashes" }`).
///
/// Verification ([`NotificationListIn::verify`]), in order:
/// `health_office_id` equals the certificate's id (`WrongIssuer`); the
/// certificate is valid at `now` (its `check_validity` error); the signature
/// verifies (`BadSignature`); `issued_at ≤ now + 300` (`NotYetValid`).
#[derive(Clone, Debug)]
pub struct NotificationList {
    raw: Vec<u8>,
    fields: Fields,
}

impl NotificationList {
    /// Size cap of the COSE object: 5 MiB.
    pub const MAX_LEN: usize = 5 * 1024 * 1024;

    /// Builds and signs the list of health office `office` (whose certified
    /// signing key is `key`) for `entries` (trace id, level): level 0 = the
    /// health office accessed this check-in's data, 1..=3 = warning level.
    /// A trace id may appear at several levels.
    ///
    /// # Errors
    /// [`DecodeError::InvalidField`] (`"level"`) if a level exceeds 3;
    /// [`DecodeError::TooManyItems`] (`"hashes"`) if more than 262,144 distinct
    /// hashes result.
    pub fn build<R: CryptoRng>(
        rng: &mut R,
        key: &HealthOfficeSigningKey,
        office: HealthOfficeId,
        entries: &[(TraceId, u8)],
        issued_at: UnixTime,
    ) -> Result<Self, DecodeError> {
        let mut set: BTreeSet<NotificationHash> = BTreeSet::new();
        for (trace_id, level) in entries {
            if *level > MAX_LEVEL {
                return Err(DecodeError::InvalidField { field: "level" });
            }
            set.insert(derive::notification_hash(trace_id, &office, *level));
            if set.len() > MAX_HASHES {
                return Err(DecodeError::TooManyItems { field: "hashes", max: MAX_HASHES });
            }
        }
        let target = set.len().max(MIN_HASHES).checked_next_power_of_two().unwrap_or(MAX_HASHES).min(MAX_HASHES);
        while set.len() < target {
            let mut dummy = [0u8; NOTIFICATION_HASH_LEN];
            rng.fill_bytes(&mut dummy);
            set.insert(dummy);
        }
        let fields = Fields { health_office_id: office, issued_at, hashes: set.into_iter().collect() };
        let raw = cose::sign(labels::COSE_NOTIFICATION_LIST, fields.encode(), |m| key.sign(m));
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

    /// The publishing health office.
    pub fn health_office_id(&self) -> HealthOfficeId {
        self.fields.health_office_id
    }

    /// When the list was issued.
    pub fn issued_at(&self) -> UnixTime {
        self.fields.issued_at
    }

    /// The hashes (real and dummy, indistinguishable), strictly ascending.
    pub fn hashes(&self) -> &[NotificationHash] {
        &self.fields.hashes
    }

    /// Looks up the caller's own trace ids: for each trace id in `trace_ids`
    /// (in order) that appears at some level, one match with the highest
    /// level listed for it. Runs on the guest's device; 4 hashes and 4 binary
    /// searches per trace id.
    pub fn check(&self, trace_ids: &[TraceId]) -> Vec<NotificationMatch> {
        let office = self.fields.health_office_id;
        trace_ids
            .iter()
            .filter_map(|trace_id| {
                (0..=MAX_LEVEL)
                    .rev()
                    .find(|level| {
                        self.fields.hashes.binary_search(&derive::notification_hash(trace_id, &office, *level)).is_ok()
                    })
                    .map(|level| NotificationMatch { trace_id: *trace_id, level })
            })
            .collect()
    }
}

/// A received, not yet verified notification list (layout and rules: see [`NotificationList`]).
#[derive(Clone, Debug)]
pub struct NotificationListIn {
    signed: SignedObject,
    fields: Fields,
}

impl NotificationListIn {
    /// Parses a notification list (rules: see [`NotificationList`]).
    ///
    /// # Errors
    /// The [`DecodeError`] of the first rule that fails.
    pub fn from_slice(bytes: &[u8]) -> Result<Self, DecodeError> {
        let signed = SignedObject::parse(bytes, NotificationList::MAX_LEN, labels::COSE_NOTIFICATION_LIST)?;
        let fields = Fields::decode(signed.payload())?;
        Ok(Self { signed, fields })
    }

    /// The COSE object exactly as received.
    pub fn as_bytes(&self) -> &[u8] {
        self.signed.as_bytes()
    }

    /// The claimed publishing health office (look up its certificate by this id).
    pub fn health_office_id(&self) -> HealthOfficeId {
        self.fields.health_office_id
    }

    /// When the list claims to be issued (unauthenticated until verified).
    pub fn issued_at(&self) -> UnixTime {
        self.fields.issued_at
    }

    /// The number of hashes in the list (real and dummy; unauthenticated until verified).
    pub fn hash_count(&self) -> usize {
        self.fields.hashes.len()
    }

    /// Verifies the list at `now` against the publishing health office's verified certificate.
    ///
    /// # Errors
    /// In order: [`VerifyError::WrongIssuer`], the certificate's validity
    /// error, [`VerifyError::BadSignature`], [`VerifyError::NotYetValid`].
    pub fn verify(self, office: &HealthOfficeCertificate, now: UnixTime) -> Result<NotificationList, VerifyError> {
        if office.id() != self.fields.health_office_id {
            return Err(VerifyError::WrongIssuer);
        }
        office.check_validity(now)?;
        self.signed.verify(&office.signing_key().0)?;
        if self.fields.issued_at > now.plus_secs(CLOCK_SKEW_SECS) {
            return Err(VerifyError::NotYetValid);
        }
        Ok(NotificationList { raw: self.signed.as_bytes().to_vec(), fields: self.fields })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::messages::tracing_request::test_support::{NOW, office};
    use rand_chacha::ChaCha20Rng;
    use rand_core::SeedableRng;

    fn trace(n: u8) -> TraceId {
        TraceId::from_array([n; 16])
    }

    fn setup() -> (ChaCha20Rng, crate::keys::HealthOfficeMasterKeys, HealthOfficeCertificate) {
        let mut rng = ChaCha20Rng::seed_from_u64(54);
        let (keys, cert) = office(&mut rng);
        (rng, keys, cert)
    }

    fn entries() -> Vec<(TraceId, u8)> {
        vec![(trace(1), 0), (trace(2), 1), (trace(2), 3), (trace(3), 2), (trace(1), 0)]
    }

    /// Signs a payload with the given hashes (no padding or order checks).
    fn signed_with(keys: &crate::keys::HealthOfficeMasterKeys, office: HealthOfficeId, hashes: Vec<Value>) -> Vec<u8> {
        let payload = ArrayWriter::new(1).bytes(office.as_bytes()).uint(NOW.0).value(Value::Array(hashes)).encode();
        cose::sign(labels::COSE_NOTIFICATION_LIST, payload, |m| keys.signing.sign(m))
    }

    fn sorted_hashes(n: usize) -> Vec<Value> {
        (0..n).map(|i| Value::Bytes((i as u128).to_be_bytes().to_vec())).collect()
    }

    #[test]
    fn build_verify_check() {
        let (mut rng, keys, cert) = setup();
        let list = NotificationList::build(&mut rng, &keys.signing, cert.id(), &entries(), NOW).unwrap();
        assert_eq!(list.hashes().len(), 64);
        assert!(list.hashes().windows(2).all(|w| w[0] < w[1]));
        for (t, l) in entries() {
            assert!(list.hashes().binary_search(&derive::notification_hash(&t, &cert.id(), l)).is_ok());
        }
        let v = NotificationListIn::from_slice(list.as_bytes()).unwrap().verify(&cert, NOW).unwrap();
        assert_eq!(v.as_bytes(), list.as_bytes());
        assert_eq!(v.health_office_id(), cert.id());
        assert_eq!(v.issued_at(), NOW);
        let m = v.check(&[trace(9), trace(2), trace(1), trace(3)]);
        assert_eq!(
            m,
            vec![
                NotificationMatch { trace_id: trace(2), level: 3 },
                NotificationMatch { trace_id: trace(1), level: 0 },
                NotificationMatch { trace_id: trace(3), level: 2 },
            ]
        );
        // Deterministic.
        let (mut rng2, keys2, cert2) = setup();
        let again = NotificationList::build(&mut rng2, &keys2.signing, cert2.id(), &entries(), NOW).unwrap();
        assert_eq!(again.to_bytes(), list.to_bytes());
    }

    #[test]
    fn padding_to_power_of_two() {
        let (mut rng, keys, cert) = setup();
        let empty = NotificationList::build(&mut rng, &keys.signing, cert.id(), &[], NOW).unwrap();
        assert_eq!(empty.hashes().len(), 64);
        let many: Vec<(TraceId, u8)> = (0..65u8).map(|i| (trace(i), 0)).collect();
        let l = NotificationList::build(&mut rng, &keys.signing, cert.id(), &many, NOW).unwrap();
        assert_eq!(l.hashes().len(), 128);
        let exact: Vec<(TraceId, u8)> = (0..64u8).map(|i| (trace(i), 1)).collect();
        let l = NotificationList::build(&mut rng, &keys.signing, cert.id(), &exact, NOW).unwrap();
        assert_eq!(l.hashes().len(), 64);
    }

    #[test]
    fn build_rejects_level_above_3() {
        let (mut rng, keys, cert) = setup();
        assert_eq!(
            NotificationList::build(&mut rng, &keys.signing, cert.id(), &[(trace(1), 4)], NOW).unwrap_err(),
            DecodeError::InvalidField { field: "level" }
        );
    }

    #[test]
    fn decode_unsorted_duplicate_and_unpadded() {
        let (_, keys, cert) = setup();
        let mut h = sorted_hashes(64);
        h.swap(3, 4);
        assert_eq!(
            NotificationListIn::from_slice(&signed_with(&keys, cert.id(), h)).unwrap_err(),
            DecodeError::InvalidField { field: "hashes" }
        );
        let mut h = sorted_hashes(64);
        h[4] = h[3].clone();
        assert_eq!(
            NotificationListIn::from_slice(&signed_with(&keys, cert.id(), h)).unwrap_err(),
            DecodeError::InvalidField { field: "hashes" }
        );
        for n in [0, 32, 63, 65, 96] {
            assert_eq!(
                NotificationListIn::from_slice(&signed_with(&keys, cert.id(), sorted_hashes(n))).unwrap_err(),
                DecodeError::InvalidField { field: "hashes" }
            );
        }
        assert!(NotificationListIn::from_slice(&signed_with(&keys, cert.id(), sorted_hashes(128))).is_ok());
    }

    #[test]
    fn decode_wrong_hash_length_and_type() {
        let (_, keys, cert) = setup();
        let mut h = sorted_hashes(64);
        h[10] = Value::Bytes(vec![0; 15]);
        assert_eq!(
            NotificationListIn::from_slice(&signed_with(&keys, cert.id(), h)).unwrap_err(),
            DecodeError::WrongLength { field: "hashes", expected: 16, got: 15 }
        );
        let mut h = sorted_hashes(64);
        h[10] = Value::Integer(1.into());
        assert_eq!(
            NotificationListIn::from_slice(&signed_with(&keys, cert.id(), h)).unwrap_err(),
            DecodeError::UnexpectedType { field: "hashes" }
        );
    }

    #[test]
    fn decode_too_many_items() {
        let (_, keys, cert) = setup();
        let b = signed_with(&keys, cert.id(), sorted_hashes(MAX_HASHES + 1));
        assert!(b.len() <= NotificationList::MAX_LEN);
        assert_eq!(
            NotificationListIn::from_slice(&b).unwrap_err(),
            DecodeError::TooManyItems { field: "hashes", max: MAX_HASHES }
        );
        assert!(NotificationListIn::from_slice(&signed_with(&keys, cert.id(), sorted_hashes(MAX_HASHES))).is_ok());
    }

    #[test]
    fn decode_truncated_trailing_too_long_version() {
        let (mut rng, keys, cert) = setup();
        let b = NotificationList::build(&mut rng, &keys.signing, cert.id(), &entries(), NOW).unwrap().to_bytes();
        assert_eq!(NotificationListIn::from_slice(&b[..b.len() - 1]).unwrap_err(), DecodeError::Truncated);
        let mut t = b.clone();
        t.push(0);
        assert_eq!(NotificationListIn::from_slice(&t).unwrap_err(), DecodeError::TrailingBytes);
        assert_eq!(
            NotificationListIn::from_slice(&vec![0u8; NotificationList::MAX_LEN + 1]).unwrap_err(),
            DecodeError::TooLong { max: NotificationList::MAX_LEN, got: NotificationList::MAX_LEN + 1 }
        );
        let payload = ArrayWriter::new(2).encode();
        let b = cose::sign(labels::COSE_NOTIFICATION_LIST, payload, |m| keys.signing.sign(m));
        assert_eq!(NotificationListIn::from_slice(&b).unwrap_err(), DecodeError::UnsupportedVersion { got: 2 });
        let payload = ArrayWriter::new(1).uint(1).encode();
        let b = cose::sign(labels::COSE_NOTIFICATION_LIST, payload, |m| keys.signing.sign(m));
        assert_eq!(
            NotificationListIn::from_slice(&b).unwrap_err(),
            DecodeError::WrongArity { field: "notification_list", expected: 4, got: 2 }
        );
    }

    #[test]
    fn verify_wrong_issuer_bad_signature_not_yet_valid() {
        let (mut rng, keys, cert) = setup();
        let (other_keys, other) = office(&mut rng);
        let list = NotificationList::build(&mut rng, &keys.signing, cert.id(), &entries(), NOW).unwrap();
        let parse = || NotificationListIn::from_slice(list.as_bytes()).unwrap();
        assert_eq!(parse().verify(&other, NOW).unwrap_err(), VerifyError::WrongIssuer);
        let forged = NotificationList::build(&mut rng, &other_keys.signing, cert.id(), &entries(), NOW).unwrap();
        assert_eq!(
            NotificationListIn::from_slice(forged.as_bytes()).unwrap().verify(&cert, NOW).unwrap_err(),
            VerifyError::BadSignature
        );
        assert_eq!(parse().verify(&cert, NOW.minus_secs(CLOCK_SKEW_SECS + 1)).unwrap_err(), VerifyError::NotYetValid);
        assert!(parse().verify(&cert, NOW.minus_secs(CLOCK_SKEW_SECS)).is_ok());
        assert_eq!(parse().verify(&cert, cert.validity().not_after).unwrap_err(), VerifyError::Expired);
    }

    #[test]
    fn check_is_office_specific() {
        let (mut rng, keys, cert) = setup();
        let list = NotificationList::build(&mut rng, &keys.signing, cert.id(), &entries(), NOW).unwrap();
        // The same trace ids hashed for another office are not in the list.
        let other = HealthOfficeId::from_array([0xee; 16]);
        assert!(list.hashes().binary_search(&derive::notification_hash(&trace(1), &other, 0)).is_err());
        assert!(list.check(&[trace(4)]).is_empty());
    }
}
