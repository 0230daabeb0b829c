//! Consent response: the venue's answer to a verified tracing request.
//!
//! The venue opens the outer layer of each of its check-in records in the
//! requested window and re-seals each inner record (and the plaintext of any
//! additional data) to the requesting health office's certified encryption
//! key, bound to the exact request. The server only relays the response: it
//! can neither read it nor redirect it to another request or health office.

use ciborium::Value;
use rand_core::CryptoRng;
use zeroize::Zeroizing;

use crate::cbor::{self, ArrayReader, ArrayWriter};
use crate::crypto::{self, AEAD_TAG_LEN, POINT_LEN};
use crate::error::SealError;
use crate::error::{DecodeError, OpenError, VerifyError};
use crate::ids::{HealthOfficeId, TraceId, VenueId};
use crate::keys::{EncryptionPublicKey, HealthOfficeEncryptionKey};
use crate::labels;
use crate::messages::additional_data::AdditionalDataContent;
use crate::messages::checkin_record::{self, CheckInSource, InnerRecord};
use crate::messages::tracing_request::{TracingRequest, TracingWindow};
use crate::signed::health_office_certificate::HealthOfficeCertificate;
use crate::time::UnixMinute;

/// Protocol version of a consent response.
const VERSION: u64 = 1;
/// Items of the top-level array, version included.
const ARITY: usize = 5;
/// Items of an entry.
const ENTRY_ARITY: usize = 6;
/// Items of an entry's `additional` part.
const ADDITIONAL_ARITY: usize = 2;
/// CBOR nesting: response → entries → entry → additional.
const MAX_DEPTH: usize = 4;

/// Most entries in one response.
pub const MAX_ENTRIES: usize = 20_000;
/// Largest ciphertext of part 0 (inner record cap + tag).
pub const MAX_INNER_CIPHERTEXT_LEN: usize = InnerRecord::MAX_LEN + AEAD_TAG_LEN;
/// Largest ciphertext of part 1 (additional data plaintext cap + tag).
pub const MAX_ADDITIONAL_CIPHERTEXT_LEN: usize = AdditionalDataContent::MAX_LEN + AEAD_TAG_LEN;
/// Length of the AAD of each part:
/// `request_hash(32) ‖ health_office_id(16) ‖ venue_id(16) ‖ trace_id(16) ‖ checkin_minute_be32 ‖ part_u8`.
pub const AAD_LEN: usize = 85;
/// Part number of the inner record.
const PART_INNER: u8 = 0;
/// Part number of the additional data content.
const PART_ADDITIONAL: u8 = 1;
/// Bytes of the encoding outside the entries, at most (array, version, hash, two ids, entries head).
const HEADER_MAX_LEN: usize = 1 + 1 + 34 + 17 + 17 + 3;

/// One decrypted entry of a consent response (health-office side).
#[derive(Debug)]
pub struct ConsentEntry {
    /// The check-in's trace id.
    pub trace_id: TraceId,
    /// The check-in minute.
    pub checkin_minute: UnixMinute,
    /// The inner record (guest QR or badge attestation), still sealed to a daily or badge key.
    pub inner: InnerRecord,
    /// The additional data (table number, guest name), if the check-in had any.
    pub additional: Option<AdditionalDataContent>,
}

/// A sealed part: `enc` and ciphertext.
#[derive(Clone, Debug, PartialEq, Eq)]
struct Sealed {
    enc: [u8; POINT_LEN],
    ciphertext: Vec<u8>,
}

/// One entry as it travels.
#[derive(Clone, Debug, PartialEq, Eq)]
struct Entry {
    trace_id: TraceId,
    checkin_minute: UnixMinute,
    source: CheckInSource,
    inner: Sealed,
    additional: Option<Sealed>,
}

impl Entry {
    fn key(&self) -> (UnixMinute, TraceId) {
        (self.checkin_minute, self.trace_id)
    }

    fn to_value(&self) -> Value {
        let w = ArrayWriter::default()
            .bytes(self.trace_id.as_bytes())
            .uint(u64::from(self.checkin_minute.0))
            .uint(u64::from(self.source.to_u8()))
            .bytes(&self.inner.enc)
            .bytes(&self.inner.ciphertext);
        let w = match &self.additional {
            Some(a) => w.value(ArrayWriter::default().bytes(&a.enc).bytes(&a.ciphertext).into_value()),
            None => w.null(),
        };
        w.into_value()
    }

    fn from_value(v: Value) -> Result<Self, DecodeError> {
        let mut r = ArrayReader::open(v, "entry")?;
        r.expect_len(ENTRY_ARITY)?;
        let trace_id = TraceId::from_array(r.fixed::<16>("trace_id")?);
        let checkin_minute = UnixMinute(r.u32("checkin_minute")?);
        let source = CheckInSource::from_u8(r.u8("source")?)?;
        let inner = read_sealed(&mut r, MAX_INNER_CIPHERTEXT_LEN)?;
        let additional = match r.value("additional")? {
            Value::Null => None,
            v @ Value::Array(_) => {
                let mut a = ArrayReader::open(v, "additional")?;
                a.expect_len(ADDITIONAL_ARITY)?;
                Some(read_sealed(&mut a, MAX_ADDITIONAL_CIPHERTEXT_LEN)?)
            }
            _ => {
                return Err(DecodeError::UnexpectedType { field: "additional" });
            }
        };
        Ok(Self { trace_id, checkin_minute, source, inner, additional })
    }
}

/// Reads `enc` (65 bytes, a valid point) and `ciphertext` (16..=max bytes).
fn read_sealed(r: &mut ArrayReader, max: usize) -> Result<Sealed, DecodeError> {
    let enc = r.fixed::<POINT_LEN>("enc")?;
    EncryptionPublicKey::from_slice_field(&enc, "enc")?;
    let ciphertext = r.bytes("ciphertext", max)?;
    if ciphertext.len() < AEAD_TAG_LEN {
        return Err(DecodeError::WrongLength { field: "ciphertext", expected: AEAD_TAG_LEN, got: ciphertext.len() });
    }
    Ok(Sealed { enc, ciphertext })
}

/// The binding of one part.
#[derive(Clone, Copy, Debug)]
struct Binding<'a> {
    request_hash: &'a [u8; 32],
    health_office_id: &'a HealthOfficeId,
    venue_id: &'a VenueId,
}

impl Binding<'_> {
    /// `request_hash ‖ health_office_id ‖ venue_id ‖ trace_id ‖ checkin_minute_be32 ‖ part_u8`.
    fn aad(&self, trace_id: &TraceId, minute: UnixMinute, part: u8) -> [u8; AAD_LEN] {
        crate::fixed::concat_fixed!(
            self.request_hash,
            self.health_office_id.as_bytes(),
            self.venue_id.as_bytes(),
            trace_id.as_bytes(),
            minute.to_be_bytes(),
            [part],
        )
    }
}

/// The parsed fields of a consent response.
#[derive(Clone, Debug, PartialEq, Eq)]
struct Fields {
    request_hash: [u8; 32],
    health_office_id: HealthOfficeId,
    venue_id: VenueId,
    entries: Vec<Entry>,
}

impl Fields {
    fn binding(&self) -> Binding<'_> {
        Binding { request_hash: &self.request_hash, health_office_id: &self.health_office_id, venue_id: &self.venue_id }
    }

    fn encode(&self) -> Vec<u8> {
        ArrayWriter::new(VERSION)
            .bytes(&self.request_hash)
            .bytes(self.health_office_id.as_bytes())
            .bytes(self.venue_id.as_bytes())
            .value(Value::Array(self.entries.iter().map(Entry::to_value).collect()))
            .encode()
    }

    fn decode(bytes: &[u8]) -> Result<Self, DecodeError> {
        let value = cbor::decode(bytes, ConsentResponse::MAX_LEN, MAX_DEPTH)?;
        let mut r = ArrayReader::open_message(value, "consent_response", VERSION, ARITY)?;
        let request_hash = r.fixed::<32>("request_hash")?;
        let health_office_id = HealthOfficeId::from_array(r.fixed::<16>("health_office_id")?);
        let venue_id = VenueId::from_array(r.fixed::<16>("venue_id")?);
        let items = r.array("entries", MAX_ENTRIES)?;
        let mut entries: Vec<Entry> = Vec::with_capacity(items.len());
        for item in items {
            let e = Entry::from_value(item)?;
            if entries.last().is_some_and(|prev| prev.key() >= e.key()) {
                return Err(DecodeError::InvalidField { field: "entries" });
            }
            entries.push(e);
        }
        Ok(Self { request_hash, health_office_id, venue_id, entries })
    }

    /// The response-level checks of opening, in order: request hash, office id, venue id.
    fn check_envelope(&self, request: &TracingRequest) -> Result<(), OpenError> {
        if self.request_hash != request.request_hash() {
            return Err(OpenError::BindingMismatch { field: "request_hash" });
        }
        if self.health_office_id != request.health_office_id() {
            return Err(OpenError::BindingMismatch { field: "health_office_id" });
        }
        if self.venue_id != request.venue_id() {
            return Err(OpenError::BindingMismatch { field: "venue_id" });
        }
        Ok(())
    }

    /// The handle of entry `entry` under `window` (the envelope checked by the caller).
    fn handle<'a>(&'a self, window: TracingWindow, entry: &'a Entry) -> BoundConsentEntry<'a> {
        BoundConsentEntry { binding: self.binding(), window, entry }
    }
}

/// Opens one entry: exactly the per-entry rules of [`ConsentResponse`] (opening), in order.
fn open_entry(
    binding: &Binding<'_>,
    window: TracingWindow,
    e: &Entry,
    office_key: &HealthOfficeEncryptionKey,
) -> Result<ConsentEntry, OpenError> {
    if !window.contains_minute(e.checkin_minute) {
        return Err(OpenError::BindingMismatch { field: "checkin_minute" });
    }
    let aad = binding.aad(&e.trace_id, e.checkin_minute, PART_INNER);
    let pt = crypto::hpke_open(&office_key.0, &e.inner.enc, labels::HPKE_CONSENT, &aad, &e.inner.ciphertext)?;
    let inner = InnerRecord::from_slice(&pt).map_err(OpenError::Malformed)?;
    if inner.source() != e.source {
        return Err(OpenError::BindingMismatch { field: "source" });
    }
    inner.check_binding(e.trace_id, e.checkin_minute)?;
    let additional = match &e.additional {
        None => None,
        Some(a) => {
            let aad = binding.aad(&e.trace_id, e.checkin_minute, PART_ADDITIONAL);
            let pt = crypto::hpke_open(&office_key.0, &a.enc, labels::HPKE_CONSENT, &aad, &a.ciphertext)?;
            Some(AdditionalDataContent::from_slice(&pt).map_err(OpenError::Malformed)?)
        }
    };
    Ok(ConsentEntry { trace_id: e.trace_id, checkin_minute: e.checkin_minute, inner, additional })
}

/// Builds a consent response (venue side), entry by entry.
///
/// Create it for a request the venue has verified
/// ([`TracingRequestIn::verify`](crate::messages::tracing_request::TracingRequestIn::verify))
/// and the requesting health office's verified certificate; [`add`](Self::add)
/// the inner record (from [`CheckInRecordIn::open`](crate::messages::checkin_record::CheckInRecordIn::open))
/// and additional data of each check-in in the window; [`finish`](Self::finish).
#[derive(Debug)]
pub struct ConsentResponseBuilder {
    request_hash: [u8; 32],
    health_office_id: HealthOfficeId,
    venue_id: VenueId,
    window: TracingWindow,
    office_key: EncryptionPublicKey,
    entries: Vec<Entry>,
    encoded_len: usize,
}

impl ConsentResponseBuilder {
    /// Starts a response to `request`, sealed to `office`'s encryption key.
    ///
    /// # Errors
    /// [`VerifyError::WrongIssuer`] if `office` is not the requesting health office.
    pub fn new(request: &TracingRequest, office: &HealthOfficeCertificate) -> Result<Self, VerifyError> {
        if office.id() != request.health_office_id() {
            return Err(VerifyError::WrongIssuer);
        }
        Ok(Self {
            request_hash: request.request_hash(),
            health_office_id: request.health_office_id(),
            venue_id: request.venue_id(),
            window: request.window(),
            office_key: office.encryption_key(),
            entries: Vec::new(),
            encoded_len: HEADER_MAX_LEN,
        })
    }

    /// Re-seals the check-in (`trace_id`, `checkin_minute`): its inner record
    /// and, if present, its additional data content.
    ///
    /// # Errors
    /// [`SealError::InvalidInput`] with `InvalidField { field: "checkin_minute" }`
    /// if the minute is outside the request's window; with `InvalidField {
    /// field: "trace_id" / "minute" }` if `inner` does not belong to the
    /// check-in; with the `InvalidField` of [`AdditionalDataContent::validate`];
    /// with `TooManyItems { field: "entries" }` after 20,000 entries or
    /// `TooLong` when the response would exceed [`ConsentResponse::MAX_LEN`]
    /// (send the rest in another response to the same request);
    /// [`SealError::Crypto`] if HPKE fails.
    pub fn add<R: CryptoRng>(
        &mut self,
        rng: &mut R,
        trace_id: TraceId,
        checkin_minute: UnixMinute,
        inner: &InnerRecord,
        additional: Option<&AdditionalDataContent>,
    ) -> Result<(), SealError> {
        if !self.window.contains_minute(checkin_minute) {
            return Err(SealError::InvalidInput(DecodeError::InvalidField { field: "checkin_minute" }));
        }
        inner.check_binding(trace_id, checkin_minute).map_err(checkin_record::binding_to_seal_error)?;
        let additional_pt: Option<Zeroizing<Vec<u8>>> = additional.map(AdditionalDataContent::to_bytes).transpose()?;
        self.add_unchecked(
            rng,
            trace_id,
            checkin_minute,
            inner.source(),
            &inner.to_bytes(),
            additional_pt.as_deref().map(Vec::as_slice),
        )
    }

    /// Seals arbitrary parts for (`trace_id`, `checkin_minute`, `source`)
    /// without the window, binding and content checks of [`add`](Self::add):
    /// what a faulty or malicious venue could send. For test vectors and
    /// negative tests only; the health office's [`ConsentResponseIn::open`]
    /// rejects what `add` would have refused.
    ///
    /// # Errors
    /// As [`add`](Self::add) for the entry count and size; [`SealError::Crypto`]
    /// if HPKE fails or a part exceeds its cap.
    #[doc(hidden)]
    pub fn add_unchecked<R: CryptoRng>(
        &mut self,
        rng: &mut R,
        trace_id: TraceId,
        checkin_minute: UnixMinute,
        source: CheckInSource,
        inner: &[u8],
        additional: Option<&[u8]>,
    ) -> Result<(), SealError> {
        if self.entries.len() >= MAX_ENTRIES {
            return Err(SealError::InvalidInput(DecodeError::TooManyItems { field: "entries", max: MAX_ENTRIES }));
        }
        if inner.len() > InnerRecord::MAX_LEN || additional.is_some_and(|a| a.len() > AdditionalDataContent::MAX_LEN) {
            return Err(SealError::Crypto(crate::CryptoError));
        }
        let binding = Binding {
            request_hash: &self.request_hash,
            health_office_id: &self.health_office_id,
            venue_id: &self.venue_id,
        };
        let aad = binding.aad(&trace_id, checkin_minute, PART_INNER);
        let sealed = crypto::hpke_seal(rng, &self.office_key.0, labels::HPKE_CONSENT, &aad, inner)?;
        let inner_part = Sealed { enc: sealed.enc, ciphertext: sealed.ct };
        let additional_part = match additional {
            None => None,
            Some(pt) => {
                let aad = binding.aad(&trace_id, checkin_minute, PART_ADDITIONAL);
                let sealed = crypto::hpke_seal(rng, &self.office_key.0, labels::HPKE_CONSENT, &aad, pt)?;
                Some(Sealed { enc: sealed.enc, ciphertext: sealed.ct })
            }
        };
        let entry = Entry { trace_id, checkin_minute, source, inner: inner_part, additional: additional_part };
        let len = self.encoded_len.saturating_add(cbor::encode(&entry.to_value()).len());
        if len > ConsentResponse::MAX_LEN {
            return Err(SealError::InvalidInput(DecodeError::TooLong { max: ConsentResponse::MAX_LEN, got: len }));
        }
        self.encoded_len = len;
        self.entries.push(entry);
        Ok(())
    }

    /// Number of entries added so far.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether no entry was added.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Sorts the entries by (minute, trace id), drops repeated check-ins (the
    /// first added wins) and encodes the response.
    pub fn finish(self) -> ConsentResponse {
        let mut entries = self.entries;
        entries.sort_by_key(Entry::key);
        entries.dedup_by(|later, earlier| later.key() == earlier.key());
        let fields = Fields {
            request_hash: self.request_hash,
            health_office_id: self.health_office_id,
            venue_id: self.venue_id,
            entries,
        };
        ConsentResponse { raw: fields.encode(), fields }
    }
}

/// A consent response made by [`ConsentResponseBuilder`], ready to send.
///
/// Wire format (deterministic CBOR, size cap [`ConsentResponse::MAX_LEN`] = 16 MiB):
///
/// ```cddl
/// consent-response = [
///   1,                               ; version
///   request_hash: bstr .size 32,     ; SHA-256("luca/v1/tracing-request-hash" ‖ tracing request COSE bytes)
///   health_office_id: bstr .size 16, ; the requesting health office
///   venue_id: bstr .size 16,         ; the consenting venue
///   entries: [* entry],              ; ≤ 20000, strictly ascending by (checkin_minute, trace_id)
/// ]
/// entry = [
///   trace_id: bstr .size 16,
///   checkin_minute: uint,            ; fits u32
///   source: 0 / 1,                   ; 0 guest, 1 badge
///   enc: bstr .size 65,              ; part 0 (inner record)
///   ciphertext: bstr,                ; 16..=616 bytes
///   additional: null / [
///     enc: bstr .size 65,            ; part 1 (additional data content)
///     ciphertext: bstr,              ; 16..=272 bytes
///   ],
/// ]
/// ```
///
/// Each part is an HPKE base-mode seal (DHKEM(P-256, HKDF-SHA256) /
/// HKDF-SHA256 / AES-128-GCM) to the requesting health office's certified
/// encryption key, `info` = `"luca/v1/hpke/consent"` ([`labels::HPKE_CONSENT`]),
/// AAD (85 bytes) = `request_hash ‖ health_office_id ‖ venue_id ‖ trace_id ‖
/// checkin_minute_be32 ‖ part_u8`; plaintext of part 0 = the [`InnerRecord`]
/// encoding, of part 1 = the [`AdditionalDataContent`] encoding.
///
/// Decoding ([`ConsentResponseIn::from_slice`]), in order: size cap
/// (`TooLong`); CBOR well-formed, nesting depth ≤ 4, deterministic, no
/// trailing bytes; array, version 1 (`UnsupportedVersion`), 5 items
/// (`WrongArity`); `request_hash` 32 bytes, ids 16 bytes (`WrongLength`);
/// `entries` an array (`UnexpectedType`) of ≤ 20,000 items (`TooManyItems`);
/// per entry: an array (`UnexpectedType { field: "entry" }`) of 6 items
/// (`WrongArity { field: "entry" }`), `trace_id` 16 bytes, `checkin_minute` ≤
/// 2^32−1 (`InvalidField`), `source` ∈ {0, 1} (`InvalidField`), `enc` 65
/// bytes (`WrongLength`) and a valid point (`InvalidPoint`), `ciphertext`
/// 16..=616 bytes (`WrongLength`), `additional` null or an array
/// (`UnexpectedType`) of 2 items (`WrongArity`) with `enc` as above and a
/// 16..=272-byte ciphertext; entries strictly ascending by (`checkin_minute`,
/// `trace_id` bytewise) (`InvalidField { field: "entries" }`).
///
/// Opening ([`ConsentResponseIn::open`], the health office), in order:
/// `request_hash` equals the hash of the health office's own request
/// (`BindingMismatch { field: "request_hash" }`); `health_office_id` and
/// `venue_id` equal the request's (`BindingMismatch`); then per entry, in
/// order: `checkin_minute` in the request's window (`BindingMismatch { field:
/// "checkin_minute" }`); part 0 opens (`DecryptionFailed`); it decodes as an
/// inner record (`Malformed`); its source equals `source` (`BindingMismatch {
/// field: "source" }`); its binding to (`trace_id`, `checkin_minute`) (see
/// [`InnerRecord`]); part 1, if present, opens (`DecryptionFailed`) and
/// decodes (`Malformed`). Any failure rejects the whole response.
///
/// To open entries independently (e.g. on several threads),
/// [`ConsentResponseIn::bind`] does the response-level checks and every
/// entry's window check without decrypting, and [`BoundConsentEntry::open`]
/// the per-entry rules above for one entry (see `bind` for why that is as
/// strongly bound as [`ConsentResponseIn::open`]).
#[derive(Clone, Debug)]
pub struct ConsentResponse {
    raw: Vec<u8>,
    fields: Fields,
}

impl ConsentResponse {
    /// Size cap of the encoded response: 16 MiB.
    pub const MAX_LEN: usize = 16 * 1024 * 1024;

    /// The encoded response.
    pub fn as_bytes(&self) -> &[u8] {
        &self.raw
    }

    /// The encoded response, owned.
    pub fn to_bytes(&self) -> Vec<u8> {
        self.raw.clone()
    }

    /// The hash of the request answered.
    pub fn request_hash(&self) -> [u8; 32] {
        self.fields.request_hash
    }

    /// The requesting health office.
    pub fn health_office_id(&self) -> HealthOfficeId {
        self.fields.health_office_id
    }

    /// The consenting venue.
    pub fn venue_id(&self) -> VenueId {
        self.fields.venue_id
    }

    /// Number of entries.
    pub fn len(&self) -> usize {
        self.fields.entries.len()
    }

    /// Whether the response has no entry (no check-in in the window).
    pub fn is_empty(&self) -> bool {
        self.fields.entries.is_empty()
    }
}

/// A received consent response, not yet opened (layout and rules: see [`ConsentResponse`]).
#[derive(Clone, Debug)]
pub struct ConsentResponseIn {
    raw: Vec<u8>,
    fields: Fields,
}

impl From<ConsentResponse> for ConsentResponseIn {
    fn from(r: ConsentResponse) -> Self {
        Self { raw: r.raw, fields: r.fields }
    }
}

impl ConsentResponseIn {
    /// Parses a consent response (rules: see [`ConsentResponse`]).
    ///
    /// # Errors
    /// The [`DecodeError`] of the first rule that fails.
    pub fn from_slice(bytes: &[u8]) -> Result<Self, DecodeError> {
        let fields = Fields::decode(bytes)?;
        Ok(Self { raw: bytes.to_vec(), fields })
    }

    /// The response exactly as received.
    pub fn as_bytes(&self) -> &[u8] {
        &self.raw
    }

    /// The claimed request hash (the health office looks up its request by it).
    pub fn request_hash(&self) -> [u8; 32] {
        self.fields.request_hash
    }

    /// The claimed requesting health office.
    pub fn health_office_id(&self) -> HealthOfficeId {
        self.fields.health_office_id
    }

    /// The claimed consenting venue.
    pub fn venue_id(&self) -> VenueId {
        self.fields.venue_id
    }

    /// Number of entries.
    pub fn len(&self) -> usize {
        self.fields.entries.len()
    }

    /// Whether the response has no entry.
    pub fn is_empty(&self) -> bool {
        self.fields.entries.is_empty()
    }

    /// Opens every entry with the health office's encryption key, checking the
    /// response against `request` (the health office's own signed request).
    ///
    /// # Errors
    /// The [`OpenError`] of the first rule that fails (see [`ConsentResponse`]).
    pub fn open(
        &self,
        request: &TracingRequest,
        office_key: &HealthOfficeEncryptionKey,
    ) -> Result<Vec<ConsentEntry>, OpenError> {
        // The envelope here, each entry's minute inside its handle: the order of the rules in
        // `ConsentResponse` (a minute outside the window is reported when its entry comes).
        self.fields.check_envelope(request)?;
        let window = request.window();
        self.fields.entries.iter().map(|e| self.fields.handle(window, e).open(office_key)).collect()
    }

    /// Checks the response against `request` (the health office's own signed
    /// request) without decrypting anything, and returns handles to open its
    /// entries one by one, in any order, on any thread
    /// ([`BoundConsentEntry::open`]).
    ///
    /// Checks, in order: `request_hash`, `health_office_id` and `venue_id`
    /// equal the request's, then every entry's `checkin_minute` lies in the
    /// request's window (`BindingMismatch` with that field name). Opening all
    /// the handles and keeping the first error in entry order is
    /// [`open`](Self::open), except that a minute outside the window is
    /// reported here, before any decryption error of an earlier entry; either
    /// way the response is rejected.
    ///
    /// # Security
    /// Opening an entry on its own gives up nothing that [`open`](Self::open)
    /// checks:
    /// - the handle can only be obtained from this function, after the
    ///   response-level checks against the office's own request;
    /// - each part's AAD carries the request hash, the office id and the venue
    ///   id of the checked response together with the entry's trace id, minute
    ///   and part number, so a part decrypts only inside the entry, response,
    ///   request and office it was sealed for (moved, swapped, re-dated or
    ///   replayed parts fail with `DecryptionFailed` exactly as in `open`);
    /// - the handle repeats the window check and applies the source check and
    ///   the inner record's binding to (trace id, minute) of its entry, as
    ///   `open` does.
    ///
    /// What per-entry opening changes is only who decides about the rest of the
    /// response: `open` rejects the whole response on the first bad entry. A
    /// caller that opens entries separately must do the same (a failure means
    /// tampering or a faulty venue), not keep the entries that opened.
    ///
    /// # Errors
    /// `BindingMismatch` with field `request_hash`, `health_office_id`,
    /// `venue_id` or `checkin_minute`, for the first check that fails.
    pub fn bind(&self, request: &TracingRequest) -> Result<BoundConsentResponse<'_>, OpenError> {
        self.fields.check_envelope(request)?;
        let window = request.window();
        if self.fields.entries.iter().any(|e| !window.contains_minute(e.checkin_minute)) {
            return Err(OpenError::BindingMismatch { field: "checkin_minute" });
        }
        Ok(BoundConsentResponse { fields: &self.fields, window })
    }
}

/// A consent response checked against the health office's own request by
/// [`ConsentResponseIn::bind`]: its entries can be opened independently
/// (for example on several threads). `Send` and `Sync`.
#[derive(Clone, Copy, Debug)]
pub struct BoundConsentResponse<'a> {
    fields: &'a Fields,
    window: TracingWindow,
}

impl<'a> BoundConsentResponse<'a> {
    /// The request hash (equal to the request's).
    pub fn request_hash(&self) -> [u8; 32] {
        self.fields.request_hash
    }

    /// The requesting health office (equal to the request's).
    pub fn health_office_id(&self) -> HealthOfficeId {
        self.fields.health_office_id
    }

    /// The consenting venue (equal to the request's).
    pub fn venue_id(&self) -> VenueId {
        self.fields.venue_id
    }

    /// The request's window (every entry's minute lies in it).
    pub fn window(&self) -> TracingWindow {
        self.window
    }

    /// Number of entries.
    pub fn len(&self) -> usize {
        self.fields.entries.len()
    }

    /// Whether the response has no entry.
    pub fn is_empty(&self) -> bool {
        self.fields.entries.is_empty()
    }

    /// The entry at `index` (wire order), if there is one.
    pub fn entry(&self, index: usize) -> Option<BoundConsentEntry<'a>> {
        let fields: &'a Fields = self.fields;
        fields.entries.get(index).map(|e| fields.handle(self.window, e))
    }

    /// Every entry, in wire order (ascending by minute, then trace id).
    pub fn entries(&self) -> impl ExactSizeIterator<Item = BoundConsentEntry<'a>> + DoubleEndedIterator + Clone + 'a {
        let fields: &'a Fields = self.fields;
        let window = self.window;
        fields.entries.iter().map(move |e| fields.handle(window, e))
    }
}

/// One entry of a [`BoundConsentResponse`], not yet decrypted. `Copy`, `Send` and `Sync`.
#[derive(Clone, Copy, Debug)]
pub struct BoundConsentEntry<'a> {
    binding: Binding<'a>,
    window: TracingWindow,
    entry: &'a Entry,
}

impl BoundConsentEntry<'_> {
    /// The entry's trace id (as received; authenticated once [`open`](Self::open) succeeds).
    pub fn trace_id(&self) -> TraceId {
        self.entry.trace_id
    }

    /// The entry's check-in minute (as received; authenticated once [`open`](Self::open) succeeds).
    pub fn checkin_minute(&self) -> UnixMinute {
        self.entry.checkin_minute
    }

    /// The entry's claimed source (checked against the inner record by [`open`](Self::open)).
    pub fn source(&self) -> CheckInSource {
        self.entry.source
    }

    /// Opens this entry with the health office's encryption key: the per-entry
    /// rules of [`ConsentResponse`] (opening), in order: minute in the window,
    /// part 0 opens with its AAD (bound to the request, office, venue, trace
    /// id, minute and part), decodes as an inner record, its source and its
    /// binding to (trace id, minute) match, part 1 (if any) opens and decodes.
    ///
    /// # Errors
    /// The [`OpenError`] of the first rule that fails, as
    /// [`ConsentResponseIn::open`] gives it for this entry.
    pub fn open(&self, office_key: &HealthOfficeEncryptionKey) -> Result<ConsentEntry, OpenError> {
        open_entry(&self.binding, self.window, self.entry, office_key)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ids::RequestId;
    use crate::keys::HealthOfficeMasterKeys;
    use crate::messages::checkin_record::test_support::{badge, badge_trace_id, guest};
    use crate::messages::tracing_request::test_support::{NOW, office};
    use rand_chacha::ChaCha20Rng;
    use rand_core::SeedableRng;

    struct Setup {
        rng: ChaCha20Rng,
        keys: HealthOfficeMasterKeys,
        cert: HealthOfficeCertificate,
        other_keys: HealthOfficeMasterKeys,
        other_cert: HealthOfficeCertificate,
        venue_id: VenueId,
        request: TracingRequest,
    }

    fn window() -> TracingWindow {
        TracingWindow { from: NOW.minus_secs(7_200), to: NOW.plus_secs(3_600) }
    }

    fn request_for(
        keys: &HealthOfficeMasterKeys,
        cert: &HealthOfficeCertificate,
        venue: VenueId,
        id: u8,
    ) -> TracingRequest {
        TracingRequest::sign(
            &keys.signing,
            RequestId::from_array([id; 16]),
            cert.id(),
            venue,
            window(),
            NOW,
            NOW.plus_secs(86_400),
        )
        .unwrap()
    }

    fn setup() -> Setup {
        let mut rng = ChaCha20Rng::seed_from_u64(52);
        let (keys, cert) = office(&mut rng);
        let (other_keys, other_cert) = office(&mut rng);
        let venue_id = VenueId::random(&mut rng);
        let request = request_for(&keys, &cert, venue_id, 1);
        Setup { rng, keys, cert, other_keys, other_cert, venue_id, request }
    }

    fn minute(offset_min: i32) -> UnixMinute {
        UnixMinute(NOW.minute().0.checked_add_signed(offset_min).unwrap())
    }

    fn table(n: u16) -> AdditionalDataContent {
        AdditionalDataContent { table: Some(n), guest_name: None }
    }

    /// A response with two guest check-ins and one badge check-in (with a table).
    fn response(s: &mut Setup) -> (ConsentResponse, Vec<TraceId>) {
        let mut b = ConsentResponseBuilder::new(&s.request, &s.cert).unwrap();
        let (_, t1, g1) = guest(&mut s.rng, minute(-10));
        let (_, t2, g2) = guest(&mut s.rng, minute(-60));
        let (_, secrets, att) = badge(&mut s.rng);
        let t3 = badge_trace_id(&secrets, minute(-30));
        b.add(&mut s.rng, t1, minute(-10), &g1, None).unwrap();
        b.add(&mut s.rng, t3, minute(-30), &InnerRecord::Badge(att), Some(&table(12))).unwrap();
        b.add(&mut s.rng, t2, minute(-60), &g2, None).unwrap();
        // The same check-in again: dropped by finish.
        b.add(&mut s.rng, t1, minute(-10), &g1, Some(&table(3))).unwrap();
        assert_eq!(b.len(), 4);
        (b.finish(), vec![t2, t3, t1])
    }

    fn edited(bytes: &[u8], edit: impl FnOnce(&mut Fields)) -> Vec<u8> {
        let mut f = Fields::decode(bytes).unwrap();
        edit(&mut f);
        f.encode()
    }

    fn open_err(s: &Setup, bytes: &[u8]) -> OpenError {
        ConsentResponseIn::from_slice(bytes).unwrap().open(&s.request, &s.keys.encryption).unwrap_err()
    }

    #[test]
    fn round_trip_sorted_and_deduplicated() {
        let mut s = setup();
        let (resp, order) = response(&mut s);
        assert_eq!(resp.len(), 3);
        assert_eq!(resp.request_hash(), s.request.request_hash());
        assert_eq!(resp.health_office_id(), s.cert.id());
        assert_eq!(resp.venue_id(), s.venue_id);
        let parsed = ConsentResponseIn::from_slice(resp.as_bytes()).unwrap();
        assert_eq!(parsed.as_bytes(), resp.as_bytes());
        assert_eq!(parsed.len(), 3);
        let entries = parsed.open(&s.request, &s.keys.encryption).unwrap();
        let got: Vec<TraceId> = entries.iter().map(|e| e.trace_id).collect();
        assert_eq!(got, order);
        assert_eq!(entries[0].checkin_minute, minute(-60));
        assert!(matches!(entries[0].inner, InnerRecord::Guest(_)));
        assert!(entries[0].additional.is_none());
        assert!(matches!(entries[1].inner, InnerRecord::Badge(_)));
        assert_eq!(entries[1].additional, Some(table(12)));
        // The first of two identical check-ins wins (no table).
        assert!(entries[2].additional.is_none());
        // Deterministic.
        let mut s2 = setup();
        assert_eq!(response(&mut s2).0.to_bytes(), resp.to_bytes());
    }

    /// An edit of a response's fields.
    type Edit = fn(&mut Fields);

    fn same_entry(a: &ConsentEntry, b: &ConsentEntry) {
        assert_eq!(a.trace_id, b.trace_id);
        assert_eq!(a.checkin_minute, b.checkin_minute);
        assert_eq!(a.inner.to_bytes(), b.inner.to_bytes());
        assert_eq!(a.additional, b.additional);
    }

    #[test]
    fn bound_handles_are_send_and_sync() {
        fn send_sync<T: Send + Sync>() {}
        send_sync::<BoundConsentResponse<'static>>();
        send_sync::<BoundConsentEntry<'static>>();
        send_sync::<ConsentEntry>();
        send_sync::<ConsentResponseIn>();
        send_sync::<HealthOfficeEncryptionKey>();
    }

    #[test]
    fn bind_then_open_each_entry_equals_open() {
        let mut s = setup();
        let (resp, order) = response(&mut s);
        let parsed = ConsentResponseIn::from_slice(resp.as_bytes()).unwrap();
        let all = parsed.open(&s.request, &s.keys.encryption).unwrap();
        let bound = parsed.bind(&s.request).unwrap();
        assert_eq!(bound.len(), 3);
        assert!(!bound.is_empty());
        assert_eq!(bound.request_hash(), s.request.request_hash());
        assert_eq!(bound.health_office_id(), s.cert.id());
        assert_eq!(bound.venue_id(), s.venue_id);
        assert_eq!(bound.window(), window());
        assert_eq!(bound.entries().len(), 3);
        assert_eq!(bound.entries().map(|h| h.trace_id()).collect::<Vec<_>>(), order);
        assert_eq!(
            bound.entries().map(|h| (h.checkin_minute(), h.source())).collect::<Vec<_>>(),
            vec![
                (minute(-60), CheckInSource::Guest),
                (minute(-30), CheckInSource::Badge),
                (minute(-10), CheckInSource::Guest)
            ]
        );
        assert!(bound.entry(3).is_none());
        // Any order: last entry first.
        for (i, h) in bound.entries().enumerate().rev() {
            same_entry(&h.open(&s.keys.encryption).unwrap(), &all[i]);
            same_entry(&bound.entry(i).unwrap().open(&s.keys.encryption).unwrap(), &all[i]);
        }
        // Another office's key opens no entry.
        assert_eq!(bound.entry(0).unwrap().open(&s.other_keys.encryption).unwrap_err(), OpenError::DecryptionFailed);

        let empty = ConsentResponseIn::from(ConsentResponseBuilder::new(&s.request, &s.cert).unwrap().finish());
        let bound = empty.bind(&s.request).unwrap();
        assert!(bound.is_empty());
        assert_eq!(bound.entries().count(), 0);
        assert!(bound.entry(0).is_none());
    }

    #[test]
    fn bind_rejects_as_open_does() {
        let mut s = setup();
        let (resp, _) = response(&mut s);
        let other = request_for(&s.keys, &s.cert, s.venue_id, 2);
        let parsed = ConsentResponseIn::from_slice(resp.as_bytes()).unwrap();
        assert_eq!(parsed.bind(&other).unwrap_err(), OpenError::BindingMismatch { field: "request_hash" });
        let cases: [(Edit, &str); 3] = [
            (|f| f.health_office_id = HealthOfficeId::from_array([5; 16]), "health_office_id"),
            (|f| f.venue_id = VenueId::from_array([5; 16]), "venue_id"),
            (|f| f.entries[2].checkin_minute = minute(61), "checkin_minute"),
        ];
        for (edit, field) in cases {
            let b = edited(resp.as_bytes(), edit);
            let parsed = ConsentResponseIn::from_slice(&b).unwrap();
            assert_eq!(parsed.bind(&s.request).unwrap_err(), OpenError::BindingMismatch { field });
            assert_eq!(open_err(&s, &b), OpenError::BindingMismatch { field });
        }
    }

    #[test]
    fn tampered_entry_fails_on_its_own_with_the_error_of_open() {
        let mut s = setup();
        let (resp, _) = response(&mut s);
        let edits: [(Edit, OpenError); 5] = [
            (|f| f.entries[1].inner.ciphertext[3] ^= 1, OpenError::DecryptionFailed),
            (|f| f.entries[1].trace_id = TraceId::from_array([0xff; 16]), OpenError::DecryptionFailed),
            (|f| f.entries[1].source = CheckInSource::Guest, OpenError::BindingMismatch { field: "source" }),
            (|f| f.entries[1].additional.as_mut().unwrap().ciphertext[0] ^= 1, OpenError::DecryptionFailed),
            (
                |f| {
                    // Part 1 under part 0's encapsulated key.
                    let enc = f.entries[1].inner.enc;
                    f.entries[1].additional.as_mut().unwrap().enc = enc;
                },
                OpenError::DecryptionFailed,
            ),
        ];
        let good =
            ConsentResponseIn::from_slice(resp.as_bytes()).unwrap().open(&s.request, &s.keys.encryption).unwrap();
        for (i, (edit, expected)) in edits.into_iter().enumerate() {
            let b = edited(resp.as_bytes(), edit);
            let parsed = ConsentResponseIn::from_slice(&b).unwrap();
            assert_eq!(parsed.open(&s.request, &s.keys.encryption).unwrap_err(), expected, "edit {i}");
            let bound = parsed.bind(&s.request).unwrap();
            assert_eq!(bound.entry(1).unwrap().open(&s.keys.encryption).unwrap_err(), expected, "edit {i}");
            // The untouched entries still open on their own (the caller rejects the response).
            same_entry(&bound.entry(0).unwrap().open(&s.keys.encryption).unwrap(), &good[0]);
            same_entry(&bound.entry(2).unwrap().open(&s.keys.encryption).unwrap(), &good[2]);
        }
    }

    #[test]
    fn open_keeps_entry_order_bind_checks_every_minute_first() {
        let mut s = setup();
        let (resp, _) = response(&mut s);
        // Entry 0 does not decrypt, entry 2 lies outside the window.
        let b = edited(resp.as_bytes(), |f| {
            f.entries[0].inner.ciphertext[0] ^= 1;
            f.entries[2].checkin_minute = minute(61);
        });
        let parsed = ConsentResponseIn::from_slice(&b).unwrap();
        assert_eq!(parsed.open(&s.request, &s.keys.encryption).unwrap_err(), OpenError::DecryptionFailed);
        assert_eq!(parsed.bind(&s.request).unwrap_err(), OpenError::BindingMismatch { field: "checkin_minute" });
    }

    #[test]
    fn empty_response() {
        let s = setup();
        let resp = ConsentResponseBuilder::new(&s.request, &s.cert).unwrap().finish();
        assert!(resp.is_empty());
        let parsed = ConsentResponseIn::from(resp);
        assert!(parsed.is_empty());
        assert!(parsed.open(&s.request, &s.keys.encryption).unwrap().is_empty());
    }

    #[test]
    fn builder_rejects_other_office() {
        let s = setup();
        assert_eq!(ConsentResponseBuilder::new(&s.request, &s.other_cert).unwrap_err(), VerifyError::WrongIssuer);
    }

    #[test]
    fn add_rejections() {
        let mut s = setup();
        let mut b = ConsentResponseBuilder::new(&s.request, &s.cert).unwrap();
        let (_, t, g) = guest(&mut s.rng, minute(-121));
        assert_eq!(
            b.add(&mut s.rng, t, minute(-121), &g, None).unwrap_err(),
            SealError::InvalidInput(DecodeError::InvalidField { field: "checkin_minute" })
        );
        let (_, t, g) = guest(&mut s.rng, minute(60));
        assert_eq!(
            b.add(&mut s.rng, t, minute(60), &g, None).unwrap_err(),
            SealError::InvalidInput(DecodeError::InvalidField { field: "checkin_minute" })
        );
        let (_, t, g) = guest(&mut s.rng, minute(-5));
        assert_eq!(
            b.add(&mut s.rng, TraceId::from_array([1; 16]), minute(-5), &g, None).unwrap_err(),
            SealError::InvalidInput(DecodeError::InvalidField { field: "trace_id" })
        );
        assert_eq!(
            b.add(&mut s.rng, t, minute(-6), &g, None).unwrap_err(),
            SealError::InvalidInput(DecodeError::InvalidField { field: "minute" })
        );
        assert_eq!(
            b.add(&mut s.rng, t, minute(-5), &g, Some(&table(0))).unwrap_err(),
            SealError::InvalidInput(DecodeError::InvalidField { field: "table" })
        );
        assert!(b.is_empty());
        b.add(&mut s.rng, t, minute(-5), &g, None).unwrap();
        let e = b.entries[0].clone();
        b.entries.resize(MAX_ENTRIES, e);
        assert_eq!(
            b.add(&mut s.rng, t, minute(-5), &g, None).unwrap_err(),
            SealError::InvalidInput(DecodeError::TooManyItems { field: "entries", max: MAX_ENTRIES })
        );
    }

    #[test]
    fn add_rejects_oversize() {
        let mut s = setup();
        let mut b = ConsentResponseBuilder::new(&s.request, &s.cert).unwrap();
        let (_, t, g) = guest(&mut s.rng, minute(-5));
        b.encoded_len = ConsentResponse::MAX_LEN - 10;
        assert!(matches!(
            b.add(&mut s.rng, t, minute(-5), &g, None).unwrap_err(),
            SealError::InvalidInput(DecodeError::TooLong { .. })
        ));
    }

    #[test]
    fn open_other_request() {
        let mut s = setup();
        let (resp, _) = response(&mut s);
        let other = request_for(&s.keys, &s.cert, s.venue_id, 2);
        let parsed = ConsentResponseIn::from_slice(resp.as_bytes()).unwrap();
        assert_eq!(
            parsed.open(&other, &s.keys.encryption).unwrap_err(),
            OpenError::BindingMismatch { field: "request_hash" }
        );
        // Replayed into the other request with the hash rewritten: the AAD no longer matches.
        let replay = edited(resp.as_bytes(), |f| f.request_hash = other.request_hash());
        assert_eq!(
            ConsentResponseIn::from_slice(&replay).unwrap().open(&other, &s.keys.encryption).unwrap_err(),
            OpenError::DecryptionFailed
        );
    }

    #[test]
    fn open_redirected_to_other_office() {
        let mut s = setup();
        let (resp, _) = response(&mut s);
        let theirs = request_for(&s.other_keys, &s.other_cert, s.venue_id, 1);
        let redirected = edited(resp.as_bytes(), |f| {
            f.request_hash = theirs.request_hash();
            f.health_office_id = s.other_cert.id();
        });
        let parsed = ConsentResponseIn::from_slice(&redirected).unwrap();
        assert_eq!(parsed.open(&theirs, &s.other_keys.encryption).unwrap_err(), OpenError::DecryptionFailed);
        let parsed = ConsentResponseIn::from_slice(resp.as_bytes()).unwrap();
        assert_eq!(
            parsed.open(&theirs, &s.other_keys.encryption).unwrap_err(),
            OpenError::BindingMismatch { field: "request_hash" }
        );
    }

    #[test]
    fn open_envelope_mismatches() {
        let mut s = setup();
        let (resp, _) = response(&mut s);
        let b = edited(resp.as_bytes(), |f| f.health_office_id = HealthOfficeId::from_array([5; 16]));
        assert_eq!(open_err(&s, &b), OpenError::BindingMismatch { field: "health_office_id" });
        let b = edited(resp.as_bytes(), |f| f.venue_id = VenueId::from_array([5; 16]));
        assert_eq!(open_err(&s, &b), OpenError::BindingMismatch { field: "venue_id" });
    }

    #[test]
    fn open_wrong_key() {
        let mut s = setup();
        let (resp, _) = response(&mut s);
        let parsed = ConsentResponseIn::from(resp);
        assert_eq!(parsed.open(&s.request, &s.other_keys.encryption).unwrap_err(), OpenError::DecryptionFailed);
    }

    #[test]
    fn open_tampered_entries() {
        let mut s = setup();
        let (resp, _) = response(&mut s);
        let b = edited(resp.as_bytes(), |f| f.entries[0].checkin_minute = minute(-59));
        assert_eq!(open_err(&s, &b), OpenError::DecryptionFailed);
        let b = edited(resp.as_bytes(), |f| f.entries[0].checkin_minute = minute(-200));
        assert_eq!(open_err(&s, &b), OpenError::BindingMismatch { field: "checkin_minute" });
        let b = edited(resp.as_bytes(), |f| f.entries[0].trace_id = TraceId::from_array([0; 16]));
        assert_eq!(open_err(&s, &b), OpenError::DecryptionFailed);
        let b = edited(resp.as_bytes(), |f| f.entries[0].inner.ciphertext[3] ^= 1);
        assert_eq!(open_err(&s, &b), OpenError::DecryptionFailed);
        // The badge entry's additional part moved to another entry.
        let b = edited(resp.as_bytes(), |f| f.entries[0].additional = f.entries[1].additional.clone());
        assert_eq!(open_err(&s, &b), OpenError::DecryptionFailed);
        // Part 0 replayed as part 1 of the same entry.
        let b = edited(resp.as_bytes(), |f| f.entries[0].additional = Some(f.entries[0].inner.clone()));
        assert_eq!(open_err(&s, &b), OpenError::DecryptionFailed);
        // The source is not in the AAD but must match the inner record.
        let b = edited(resp.as_bytes(), |f| f.entries[0].source = CheckInSource::Badge);
        assert_eq!(open_err(&s, &b), OpenError::BindingMismatch { field: "source" });
    }

    #[test]
    fn open_inner_binding_mismatch() {
        let mut s = setup();
        // A venue that re-seals a guest's inner record under another trace id.
        let (_, _, g) = guest(&mut s.rng, minute(-10));
        let forged_trace = TraceId::from_array([9; 16]);
        let req_hash = s.request.request_hash();
        let office_id = s.cert.id();
        let binding = Binding { request_hash: &req_hash, health_office_id: &office_id, venue_id: &s.venue_id };
        let aad = binding.aad(&forged_trace, minute(-10), PART_INNER);
        let sealed =
            crypto::hpke_seal(&mut s.rng, &s.cert.encryption_key().0, labels::HPKE_CONSENT, &aad, &g.to_bytes())
                .unwrap();
        let f = Fields {
            request_hash: req_hash,
            health_office_id: office_id,
            venue_id: s.venue_id,
            entries: vec![Entry {
                trace_id: forged_trace,
                checkin_minute: minute(-10),
                source: CheckInSource::Guest,
                inner: Sealed { enc: sealed.enc, ciphertext: sealed.ct },
                additional: None,
            }],
        };
        assert_eq!(open_err(&s, &f.encode()), OpenError::BindingMismatch { field: "trace_id" });
    }

    #[test]
    fn decode_unsorted_and_duplicate_entries() {
        let mut s = setup();
        let (resp, _) = response(&mut s);
        let b = edited(resp.as_bytes(), |f| f.entries.swap(0, 1));
        assert_eq!(ConsentResponseIn::from_slice(&b).unwrap_err(), DecodeError::InvalidField { field: "entries" });
        let b = edited(resp.as_bytes(), |f| f.entries[1] = f.entries[0].clone());
        assert_eq!(ConsentResponseIn::from_slice(&b).unwrap_err(), DecodeError::InvalidField { field: "entries" });
        // Same minute: ordered by trace id.
        let b = edited(resp.as_bytes(), |f| {
            let mut e = f.entries[0].clone();
            e.trace_id = TraceId::from_array([0; 16]);
            f.entries.insert(1, e);
        });
        assert_eq!(ConsentResponseIn::from_slice(&b).unwrap_err(), DecodeError::InvalidField { field: "entries" });
    }

    #[test]
    fn decode_too_many_entries() {
        let mut s = setup();
        let (resp, _) = response(&mut s);
        let b = edited(resp.as_bytes(), |f| {
            let e = f.entries[0].clone();
            f.entries = (0..=MAX_ENTRIES)
                .map(|i| {
                    let mut e = e.clone();
                    e.checkin_minute = UnixMinute(u32::try_from(i).unwrap());
                    e
                })
                .collect();
        });
        assert_eq!(
            ConsentResponseIn::from_slice(&b).unwrap_err(),
            DecodeError::TooManyItems { field: "entries", max: MAX_ENTRIES }
        );
    }

    #[test]
    fn decode_truncated_trailing_too_long_version() {
        let mut s = setup();
        let (resp, _) = response(&mut s);
        let b = resp.to_bytes();
        assert_eq!(ConsentResponseIn::from_slice(&b[..b.len() - 1]).unwrap_err(), DecodeError::Truncated);
        assert_eq!(ConsentResponseIn::from_slice(&[]).unwrap_err(), DecodeError::Truncated);
        let mut t = b.clone();
        t.push(0);
        assert_eq!(ConsentResponseIn::from_slice(&t).unwrap_err(), DecodeError::TrailingBytes);
        let mut v = b.clone();
        v[1] = 2;
        assert_eq!(ConsentResponseIn::from_slice(&v).unwrap_err(), DecodeError::UnsupportedVersion { got: 2 });
        assert_eq!(
            ConsentResponseIn::from_slice(&vec![0u8; ConsentResponse::MAX_LEN + 1]).unwrap_err(),
            DecodeError::TooLong { max: ConsentResponse::MAX_LEN, got: ConsentResponse::MAX_LEN + 1 }
        );
        let short = ArrayWriter::new(1).bytes(&[0; 32]).encode();
        assert_eq!(
            ConsentResponseIn::from_slice(&short).unwrap_err(),
            DecodeError::WrongArity { field: "consent_response", expected: 5, got: 2 }
        );
    }

    #[test]
    fn decode_entry_rules() {
        let mut s = setup();
        let (resp, _) = response(&mut s);
        let f = Fields::decode(resp.as_bytes()).unwrap();
        let with_entry = |entry: Value| {
            ArrayWriter::new(1)
                .bytes(&f.request_hash)
                .bytes(f.health_office_id.as_bytes())
                .bytes(f.venue_id.as_bytes())
                .value(Value::Array(vec![entry]))
                .encode()
        };
        let e = &f.entries[1];
        let base = |additional: Value, ct: &[u8], source: u64| {
            ArrayWriter::default()
                .bytes(e.trace_id.as_bytes())
                .uint(u64::from(e.checkin_minute.0))
                .uint(source)
                .bytes(&e.inner.enc)
                .bytes(ct)
                .value(additional)
                .into_value()
        };
        let ok = with_entry(base(Value::Null, &e.inner.ciphertext, 1));
        assert!(ConsentResponseIn::from_slice(&ok).is_ok());
        assert_eq!(
            ConsentResponseIn::from_slice(&with_entry(base(Value::Null, &e.inner.ciphertext, 2))).unwrap_err(),
            DecodeError::InvalidField { field: "source" }
        );
        assert_eq!(
            ConsentResponseIn::from_slice(&with_entry(base(Value::Null, &[0; 15], 1))).unwrap_err(),
            DecodeError::WrongLength { field: "ciphertext", expected: 16, got: 15 }
        );
        assert_eq!(
            ConsentResponseIn::from_slice(&with_entry(base(Value::Null, &[0; 617], 1))).unwrap_err(),
            DecodeError::WrongLength { field: "ciphertext", expected: 616, got: 617 }
        );
        assert_eq!(
            ConsentResponseIn::from_slice(&with_entry(base(Value::Integer(0.into()), &e.inner.ciphertext, 1)))
                .unwrap_err(),
            DecodeError::UnexpectedType { field: "additional" }
        );
        let one = ArrayWriter::default().bytes(&e.inner.enc).into_value();
        assert_eq!(
            ConsentResponseIn::from_slice(&with_entry(base(one, &e.inner.ciphertext, 1))).unwrap_err(),
            DecodeError::WrongArity { field: "additional", expected: 2, got: 1 }
        );
        let big = ArrayWriter::default().bytes(&e.inner.enc).bytes(&[0; 273]).into_value();
        assert_eq!(
            ConsentResponseIn::from_slice(&with_entry(base(big, &e.inner.ciphertext, 1))).unwrap_err(),
            DecodeError::WrongLength { field: "ciphertext", expected: 272, got: 273 }
        );
        let nested = ArrayWriter::default().value(Value::Array(vec![])).bytes(&[0; 20]).into_value();
        assert_eq!(
            ConsentResponseIn::from_slice(&with_entry(base(nested, &e.inner.ciphertext, 1))).unwrap_err(),
            DecodeError::NestingTooDeep
        );
        let short_entry = ArrayWriter::default().bytes(e.trace_id.as_bytes()).into_value();
        assert_eq!(
            ConsentResponseIn::from_slice(&with_entry(short_entry)).unwrap_err(),
            DecodeError::WrongArity { field: "entry", expected: 6, got: 1 }
        );
        assert_eq!(
            ConsentResponseIn::from_slice(&with_entry(Value::Integer(1.into()))).unwrap_err(),
            DecodeError::UnexpectedType { field: "entry" }
        );
        let mut bad_enc = e.inner.enc;
        bad_enc[64] ^= 1;
        let bad = ArrayWriter::default()
            .bytes(e.trace_id.as_bytes())
            .uint(u64::from(e.checkin_minute.0))
            .uint(1)
            .bytes(&bad_enc)
            .bytes(&e.inner.ciphertext)
            .null()
            .into_value();
        assert_eq!(
            ConsentResponseIn::from_slice(&with_entry(bad)).unwrap_err(),
            DecodeError::InvalidPoint { field: "enc" }
        );
    }

    #[test]
    fn aad_layout() {
        let h = [1u8; 32];
        let o = HealthOfficeId::from_array([2; 16]);
        let v = VenueId::from_array([3; 16]);
        let b = Binding { request_hash: &h, health_office_id: &o, venue_id: &v };
        let a = b.aad(&TraceId::from_array([4; 16]), UnixMinute(0x0506_0708), 1);
        let mut expected = vec![1u8; 32];
        expected.extend_from_slice(&[2; 16]);
        expected.extend_from_slice(&[3; 16]);
        expected.extend_from_slice(&[4; 16]);
        expected.extend_from_slice(&[5, 6, 7, 8, 1]);
        assert_eq!(a.as_slice(), expected.as_slice());
    }
}
