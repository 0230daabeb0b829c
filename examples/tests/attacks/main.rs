//! The attack suite: every attack of `docs/THREAT-MODEL.md` §3, mounted through
//! the public APIs of the role crates (guest app, scanner, venue, private-meeting
//! host, health office, registrar, trust anchor) and of `luca_protocol::server`,
//! which stands in for the operator server — assumed malicious, or the
//! attacker's channel.
//!
//! Each test asserts the exact error (variant or `kind()`) and that nothing was
//! stored, accepted or decrypted: the scanner emitted no record and a later
//! genuine scan still works, the in-memory server store is unchanged, the health
//! office obtained no contact, the victim's data is not in the output.
//!
//! Every test builds the same small town from a seeded ChaCha20 RNG ([`Town::new`]):
//! a trust anchor, a registrar, two certified health offices sharing today's
//! daily key, a venue with its descriptor, printed QR code and scanner, a
//! private-meeting host and two registered guests. Badges (Argon2id, slow in a
//! debug build) are issued only in the badge test.
//!
//! One file per section of the threat model's attacks (`tests/attacks/<topic>.rs`); the town and the
//! byte-crafting helpers they share are here.
//!
//! Run: `cargo test --workspace attack_`.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::arithmetic_side_effects,
    clippy::cast_possible_truncation,
    clippy::too_many_lines,
    missing_docs
)]

use luca_protocol::messages::contact_data::{ContactFieldError, FieldProblem};
use std::collections::BTreeMap;
use std::collections::btree_map::Entry;

use aes_gcm::aead::{Aead as _, KeyInit as _, Payload};
use luca_authority::{Registrar, TrustAnchor};
use luca_client::{ClientError, Guest, ScannedVenue, VerifiedMeeting, VerifiedVenue};
use luca_healthoffice::{
    CertificateRequest, ConsentedCheckIn, Contact, HealthOffice, KeyError, OpenedConsent, TracingError, export,
    match_check_ins,
};
use luca_protocol::derive;
use luca_protocol::error::{DecodeError, OpenError, VerifyError};
use luca_protocol::ids::{BadgeKeyId, DailyKeyId, HealthOfficeId, RegistrarId, RequestId, TraceId, UserId, VenueId};
use luca_protocol::keys::{
    BadgePrivateKey, DailyPrivateKey, EncryptionPublicKey, GuestSigningKey, HealthOfficeMasterKeys, HostSigningKey,
    RegistrarKey, TrustAnchorKey, VenuePrivateKey,
};
use luca_protocol::labels;
use luca_protocol::messages::additional_data::{AdditionalDataContent, AdditionalDataIn};
use luca_protocol::messages::checkin_record::{CheckInRecord, CheckInRecordIn, CheckInSource, InnerRecord};
use luca_protocol::messages::checkout::{Checkout, CheckoutError, CheckoutIn};
use luca_protocol::messages::consent_response::{ConsentResponseBuilder, ConsentResponseIn};
use luca_protocol::messages::contact_data::{ContactData, ContactDataIn, ContactFields};
use luca_protocol::messages::history_share::HistoryShareIn;
use luca_protocol::messages::key_share::{KeyShare, KeyShareIn};
use luca_protocol::messages::notification_list::{NotificationList, NotificationListIn};
use luca_protocol::messages::tracing_request::{TracingRequest, TracingRequestIn, TracingWindow};
use luca_protocol::qr::badge::BadgeQr;
use luca_protocol::qr::guest::{DeviceType, GuestCheckInQr, QrFlags};
use luca_protocol::qr::scanned::ScannedQr;
use luca_protocol::qr::venue::VenueQr;
use luca_protocol::secrets::{BadgeSeed, CheckoutProof, DailyTracingSecret, DataSecret};
use luca_protocol::server::{self, ServerError};
use luca_protocol::signed::badge_attestation::{BadgeAttestation, BadgeAttestationIn};
use luca_protocol::signed::daily_key_announcement::{DailyKeyAnnouncement, DailyKeyAnnouncementIn, KeyPurpose};
use luca_protocol::signed::health_office_certificate::{HealthOfficeCertificate, HealthOfficeCertificateIn};
use luca_protocol::signed::registrar_certificate::{RegistrarCertificate, RegistrarCertificateIn};
use luca_protocol::signed::venue_descriptor::{VenueDescriptor, VenueDescriptorIn, VenueKind};
use luca_protocol::tan::Tan;
use luca_protocol::time::{UnixMinute, UnixTime, Validity};
use luca_venue::{
    ConsentAnswer, DEFAULT_FRESHNESS_SECS, MeetingError, PrivateMeetingHost, ScanError, ScanResult, Scanner,
    StoredCheckIn, Venue, VenueError,
};
use rand_chacha::ChaCha20Rng;
use rand_core::SeedableRng;

// ------------------------------------------------------------------ the town

/// 2026-11-29T09:00:00Z, the first second of a minute.
const NOW: UnixTime = UnixTime(1_795_942_800);
const DAY: u64 = 86_400;
const HOUR: u64 = 3_600;
/// Where printed venue QR codes point.
const HOST: &str = "luca.example";

/// The validity of every certificate of the town: from 30 days ago for a year.
fn certified() -> Validity {
    Validity { not_before: NOW.minus_secs(30 * DAY), not_after: NOW.plus_secs(365 * DAY) }
}

/// The tracing window used throughout: an hour either side of `NOW`.
fn hour() -> TracingWindow {
    TracingWindow { from: NOW.minus_secs(HOUR), to: NOW.plus_secs(HOUR) }
}

fn fields(first: &str, last: &str, phone: &str) -> ContactFields {
    let mut f = ContactFields::default();
    f.first_name = first.into();
    f.last_name = last.into();
    f.phone = phone.into();
    f.email = format!("{}@example.org", first.to_lowercase());
    f.street = "Heidestraße".into();
    f.house_number = "17".into();
    f.postcode = "51147".into();
    f.city = "Köln".into();
    f
}

/// The operator server: validates with `luca_protocol::server` and stores only
/// what passed. `PartialEq` lets a test show that an attack left it unchanged.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
struct Server {
    /// The first check-in record received per trace id, at any venue.
    records: BTreeMap<TraceId, Vec<u8>>,
    additional_data: BTreeMap<TraceId, Vec<u8>>,
    checkouts: BTreeMap<TraceId, Vec<u8>>,
    contact_data: BTreeMap<UserId, Vec<u8>>,
    /// History shares by TAN (grouped form).
    history_shares: BTreeMap<String, Vec<u8>>,
    announcements: Vec<Vec<u8>>,
    consent_responses: Vec<Vec<u8>>,
    notification_lists: Vec<Vec<u8>>,
}

impl Server {
    /// A check-in record: stored unless a record with its trace id is already
    /// stored (the first one is kept). Returns whether it was stored.
    fn check_in(&mut self, bytes: &[u8], now: UnixTime) -> Result<bool, ServerError> {
        let record = server::check_in_record(bytes, now, DEFAULT_FRESHNESS_SECS)?;
        match self.records.entry(record.trace_id()) {
            Entry::Vacant(e) => {
                e.insert(bytes.to_vec());
                Ok(true)
            }
            Entry::Occupied(_) => Ok(false),
        }
    }

    fn record(&self, trace_id: TraceId) -> CheckInRecordIn {
        CheckInRecordIn::from_slice(&self.records[&trace_id]).unwrap()
    }

    fn additional_data(&mut self, bytes: &[u8], trace_id: TraceId) -> Result<(), ServerError> {
        server::additional_data(bytes, &self.record(trace_id))?;
        self.additional_data.insert(trace_id, bytes.to_vec());
        Ok(())
    }

    /// A checkout of the stored check-in named by the checkout's trace id.
    fn checkout(&mut self, bytes: &[u8], now: UnixTime) -> Result<(), ServerError> {
        let trace_id = CheckoutIn::from_slice(bytes)?.trace_id();
        let Some(stored) = self.records.get(&trace_id) else {
            return Err(ServerError::Mismatch { field: "trace_id" });
        };
        let record = CheckInRecordIn::from_slice(stored)?;
        server::checkout(bytes, &record, now)?;
        self.checkouts.insert(trace_id, bytes.to_vec());
        Ok(())
    }

    /// Contact data at registration, or as an update of what is stored under its user id.
    fn contact_data(&mut self, bytes: &[u8]) -> Result<(), ServerError> {
        let user_id = ContactDataIn::from_slice(bytes)?.user_id();
        let previous = self.contact_data.get(&user_id).map(|b| ContactDataIn::from_slice(b).unwrap());
        server::contact_data(bytes, previous.as_ref())?;
        self.contact_data.insert(user_id, bytes.to_vec());
        Ok(())
    }

    /// A history share; returns the TAN the guest reads to the health office.
    fn history_share(
        &mut self,
        rng: &mut ChaCha20Rng,
        bytes: &[u8],
        daily_keys: &[DailyKeyAnnouncement],
        now: UnixTime,
    ) -> Result<Tan, ServerError> {
        server::history_share(bytes, daily_keys, now)?;
        let tan = Tan::generate(rng);
        self.history_shares.insert(tan.to_string(), bytes.to_vec());
        Ok(tan)
    }

    fn history_by_tan(&self, tan: &Tan) -> Option<Vec<u8>> {
        self.history_shares.get(&tan.to_string()).cloned()
    }

    fn announcement(
        &mut self,
        bytes: &[u8],
        issuer: &HealthOfficeCertificate,
        now: UnixTime,
    ) -> Result<DailyKeyAnnouncement, ServerError> {
        let verified = server::daily_key_announcement(bytes, issuer, now)?;
        self.announcements.push(bytes.to_vec());
        Ok(verified)
    }

    fn consent_response(&mut self, bytes: &[u8], request: &TracingRequest) -> Result<(), ServerError> {
        server::consent_response(bytes, request)?;
        self.consent_responses.push(bytes.to_vec());
        Ok(())
    }

    fn notification_list(
        &mut self,
        bytes: &[u8],
        office: &HealthOfficeCertificate,
        now: UnixTime,
    ) -> Result<NotificationList, ServerError> {
        let list = server::notification_list(bytes, office, now)?;
        self.notification_lists.push(bytes.to_vec());
        Ok(list)
    }

    /// The stored check-ins of `venue_id`, as handed to the venue for consent.
    fn check_ins_of(&self, venue_id: VenueId) -> Vec<StoredCheckIn> {
        self.records
            .iter()
            .filter(|(_, r)| CheckInRecordIn::from_slice(r).unwrap().venue_id() == venue_id)
            .map(|(t, r)| StoredCheckIn { record: r.clone(), additional_data: self.additional_data.get(t).cloned() })
            .collect()
    }
}

/// The small town every test starts from.
struct Town {
    rng: ChaCha20Rng,
    anchor: TrustAnchor,
    registrar: Registrar,
    registrar_cert: RegistrarCertificate,
    office_a: HealthOffice,
    cert_a: HealthOfficeCertificate,
    office_b: HealthOffice,
    cert_b: HealthOfficeCertificate,
    /// Today's daily key, rotated by office A, verified as fetched from the server.
    daily: DailyKeyAnnouncement,
    /// Office A's key share of today's daily key for office B.
    daily_share: KeyShare,
    venue: Venue,
    descriptor: VenueDescriptor,
    /// The venue's printed QR code at table 7.
    venue_url: String,
    scanner: Scanner,
    host: PrivateMeetingHost,
    meeting_url: String,
    alice: Guest,
    bob: Guest,
    server: Server,
}

/// A health office certified by `anchor` and installed.
fn certified_office(
    rng: &mut ChaCha20Rng,
    anchor: &TrustAnchor,
    name: &str,
) -> (HealthOffice, HealthOfficeCertificate) {
    let mut office = HealthOffice::generate(rng);
    let cert = anchor.certify_health_office(&office.certificate_request(name).unwrap(), certified()).unwrap();
    let cert = office.install_certificate(cert.as_bytes(), &anchor.public_key(), NOW).unwrap().clone();
    (office, cert)
}

/// Health-office master keys held by the test (to craft what a rogue or
/// careless office could sign), with a request for a certificate.
fn office_keys(rng: &mut ChaCha20Rng, name: &str) -> (HealthOfficeMasterKeys, CertificateRequest) {
    let keys = HealthOfficeMasterKeys::generate(rng);
    let request = CertificateRequest {
        id: HealthOfficeId::random(rng),
        name: name.into(),
        signing_key: keys.signing.public_key(),
        encryption_key: keys.encryption.public_key(),
    };
    (keys, request)
}

fn register(rng: &mut ChaCha20Rng, server: &mut Server, f: &ContactFields) -> Guest {
    let registration = Guest::register(rng, f, DeviceType::Android, NOW).unwrap();
    server.contact_data(registration.contact_data.as_bytes()).unwrap();
    registration.guest
}

impl Town {
    fn new(seed: u64) -> Self {
        let mut rng = ChaCha20Rng::seed_from_u64(seed);
        let anchor = TrustAnchor::generate(&mut rng);
        let mut registrar = Registrar::generate(&mut rng);
        let request = registrar.registration_request("luca Registrar").unwrap();
        let cert = anchor.certify_registrar(&request, certified()).unwrap();
        let registrar_cert = registrar.install_certificate(cert.as_bytes(), &anchor.public_key(), NOW).unwrap().clone();

        let (mut office_a, cert_a) = certified_office(&mut rng, &anchor, "Gesundheitsamt Köln");
        let (mut office_b, cert_b) = certified_office(&mut rng, &anchor, "Gesundheitsamt Bonn");
        let mut rotation = office_a.rotate_daily_key(&mut rng, NOW, std::slice::from_ref(&cert_b)).unwrap();
        let daily_share = rotation.shares.pop().unwrap();
        let imported =
            office_b.import_key_share(daily_share.as_bytes(), rotation.announcement.as_bytes(), &cert_a, NOW).unwrap();
        assert!(!imported.already_held);
        let mut server = Server::default();
        let daily = server.announcement(rotation.announcement.as_bytes(), &cert_a, NOW).unwrap();

        let mut venue = Venue::generate(&mut rng);
        let request = venue.registration_request("Café Luca", Some(12));
        request.validate().unwrap();
        let validity = Validity { not_before: NOW.minus_secs(DAY), not_after: NOW.plus_secs(180 * DAY) };
        let descriptor = registrar
            .register_venue(request.venue_id, &request.name, &request.venue_key, request.table_count, validity)
            .unwrap();
        venue.install_descriptor(descriptor.as_bytes(), &registrar_cert, NOW).unwrap();
        let venue_url = venue.printed_qr(HOST, Some(7)).unwrap().to_url();
        let mut scanner = venue.scanner().with_registrar(registrar_cert.clone());
        scanner.add_daily_key(daily.clone());

        let meeting = Validity { not_before: NOW.minus_secs(HOUR), not_after: NOW.plus_secs(DAY) };
        let host = PrivateMeetingHost::new(&mut rng, "Erikas Geburtstag", meeting).unwrap();
        let meeting_url = host.qr(HOST).unwrap().to_url();

        let alice = register(&mut rng, &mut server, &fields("Erika", "Mustermann", "+49 30 1234567"));
        let bob = register(&mut rng, &mut server, &fields("Max", "Musterfrau", "+49 221 7654321"));
        Self {
            rng,
            anchor,
            registrar,
            registrar_cert,
            office_a,
            cert_a,
            office_b,
            cert_b,
            daily,
            daily_share,
            venue,
            descriptor,
            venue_url,
            scanner,
            host,
            meeting_url,
            alice,
            bob,
            server,
        }
    }

    /// Another scanner of the venue (own memory of seen trace ids), with today's key.
    fn fresh_scanner(&self) -> Scanner {
        let mut scanner = self.venue.scanner().with_registrar(self.registrar_cert.clone());
        scanner.add_daily_key(self.daily.clone());
        scanner
    }

    /// Scans `text` at the venue's scanner at `now` and uploads the record.
    fn scan(&mut self, text: &str, now: UnixTime) -> ScanResult {
        let scan = self.scanner.scan(&mut self.rng, text, now).unwrap();
        assert!(self.server.check_in(scan.record.as_bytes(), now).unwrap());
        scan
    }

    /// Office A's tracing request to the venue, as the server forwards it.
    fn request(&mut self, window: TracingWindow, at: UnixTime) -> TracingRequest {
        let request = self.office_a.request_tracing(&mut self.rng, self.venue.venue_id(), window, at, DAY).unwrap();
        server::tracing_request(request.as_bytes(), &self.cert_a, at).unwrap()
    }

    /// The venue's consent to `request` (made by office A), over the server's records.
    fn answer(&mut self, request: &TracingRequest, at: UnixTime) -> ConsentAnswer {
        let stored = self.server.check_ins_of(self.venue.venue_id());
        self.venue.answer_tracing_request(&mut self.rng, request.as_bytes(), &self.cert_a, &stored, at).unwrap()
    }

    /// Office A traces the venue's hour around `NOW`: request, consent, opening.
    fn trace(&mut self, at: UnixTime) -> (TracingRequest, Vec<u8>, OpenedConsent) {
        let request = self.request(hour(), at);
        let answer = self.answer(&request, at);
        assert_eq!(answer.responses.len(), 1);
        let response = answer.responses[0].to_bytes();
        self.server.consent_response(&response, &request).unwrap();
        let opened = self.office_a.open_consent_response(&response, &request).unwrap();
        (request, response, opened)
    }

    /// Alice tests positive at `at`: she shares her history, office A fetches it
    /// by TAN, matches the server's records itself, traces the venue and opens
    /// the consent response.
    fn trace_alice(&mut self, at: UnixTime) -> OpenedConsent {
        let share = self.alice.share_history(&mut self.rng, &self.daily, at).unwrap();
        let tan =
            self.server.history_share(&mut self.rng, share.as_bytes(), std::slice::from_ref(&self.daily), at).unwrap();
        let history = self.office_a.fetch_history(&tan.to_string(), |t| self.server.history_by_tan(t)).unwrap();
        let matches = match_check_ins(&history, self.server.records.values());
        assert!(!matches.is_empty());
        assert!(matches.iter().all(|m| m.venue_id == self.venue.venue_id()));
        let (_, _, opened) = self.trace(at);
        opened
    }

    /// Office A decrypts the contact data the server holds for a consented check-in.
    fn contact(&self, check_in: &ConsentedCheckIn) -> Result<Contact, TracingError> {
        self.office_a.decrypt_contact(&self.server.contact_data[&check_in.secrets.user_id], check_in)
    }
}

// ------------------------------------------------------------- byte crafting

/// RFC 4648 §6 Base32, uppercase, no padding (what a scanner reads).
fn base32(bytes: &[u8]) -> String {
    luca_protocol::qr::base32::encode(bytes)
}

/// RFC 4648 §5 base64url without padding (the venue QR fragment).
fn base64url(bytes: &[u8]) -> String {
    use base64::Engine as _;
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

/// Deterministic CBOR, just enough to craft messages.
mod cbor {
    pub(crate) fn head(major: u8, n: u64) -> Vec<u8> {
        let m = major << 5;
        match n {
            0..=23 => vec![m | n as u8],
            24..=0xff => vec![m | 24, n as u8],
            0x100..=0xffff => [vec![m | 25], (n as u16).to_be_bytes().to_vec()].concat(),
            0x1_0000..=0xffff_ffff => [vec![m | 26], (n as u32).to_be_bytes().to_vec()].concat(),
            _ => [vec![m | 27], n.to_be_bytes().to_vec()].concat(),
        }
    }
    pub(crate) fn uint(n: u64) -> Vec<u8> {
        head(0, n)
    }
    pub(crate) fn bstr(b: &[u8]) -> Vec<u8> {
        [head(2, b.len() as u64), b.to_vec()].concat()
    }
    pub(crate) fn tstr(s: &str) -> Vec<u8> {
        [head(3, s.len() as u64), s.as_bytes().to_vec()].concat()
    }
    pub(crate) fn array(items: &[Vec<u8>]) -> Vec<u8> {
        [head(4, items.len() as u64), items.concat()].concat()
    }
    pub(crate) const NULL: u8 = 0xf6;

    /// The major type, argument and end of the head at `pos`.
    pub(crate) fn read_head(b: &[u8], pos: usize) -> (u8, usize, usize) {
        let (major, info) = (b[pos] >> 5, b[pos] & 0x1f);
        match info {
            0..=23 => (major, usize::from(info), pos + 1),
            24 => (major, usize::from(b[pos + 1]), pos + 2),
            25 => (major, usize::from(u16::from_be_bytes([b[pos + 1], b[pos + 2]])), pos + 3),
            26 => {
                let n = u32::from_be_bytes([b[pos + 1], b[pos + 2], b[pos + 3], b[pos + 4]]);
                (major, usize::try_from(n).unwrap(), pos + 5)
            }
            _ => panic!("head too long for a test message"),
        }
    }
}

/// The parts of a COSE_Sign1 object: protected header bytes, payload, signature.
struct Cose {
    protected: Vec<u8>,
    payload: Vec<u8>,
    /// Offset of the payload inside the object.
    payload_at: usize,
    signature: Vec<u8>,
}

fn parse_cose(b: &[u8]) -> Cose {
    assert_eq!(b[0], 0x84, "an untagged COSE_Sign1 array");
    let (major, len, start) = cbor::read_head(b, 1);
    assert_eq!(major, 2);
    let protected = b[start..start + len].to_vec();
    assert_eq!(b[start + len], 0xa0, "an empty unprotected header");
    let (major, len, payload_at) = cbor::read_head(b, start + len + 1);
    assert_eq!(major, 2);
    let payload = b[payload_at..payload_at + len].to_vec();
    let (major, len, sig_at) = cbor::read_head(b, payload_at + len);
    assert_eq!((major, len), (2, 64));
    Cose { protected, payload, payload_at, signature: b[sig_at..].to_vec() }
}

/// `{1: -7 (ES256), 3: content_type}`, exactly as luca's decoders require.
fn protected_header(content_type: &str) -> Vec<u8> {
    [vec![0xa2, 0x01, 0x26, 0x03], cbor::tstr(content_type)].concat()
}

fn cose(protected: &[u8], payload: &[u8], signature: &[u8]) -> Vec<u8> {
    [vec![0x84], cbor::bstr(protected), vec![0xa0], cbor::bstr(payload), cbor::bstr(signature)].concat()
}

/// ES256 over the COSE `Sig_structure` with the P-256 private scalar `key`.
fn sign_cose(content_type: &str, payload: &[u8], key: &[u8]) -> Vec<u8> {
    use p256::ecdsa::signature::Signer as _;
    let protected = protected_header(content_type);
    let tbs = cbor::array(&[cbor::tstr("Signature1"), cbor::bstr(&protected), cbor::bstr(&[]), cbor::bstr(payload)]);
    let signature: p256::ecdsa::Signature = p256::ecdsa::SigningKey::from_slice(key).unwrap().sign(&tbs);
    cose(&protected, payload, &signature.to_bytes())
}

/// The encoded items of a flat CBOR array of integers, strings and nulls.
fn flat_items(array: &[u8]) -> Vec<Vec<u8>> {
    let (major, n, mut pos) = cbor::read_head(array, 0);
    assert_eq!(major, 4);
    let mut items = Vec::new();
    for _ in 0..n {
        let (major, len, body) = cbor::read_head(array, pos);
        let end = if matches!(major, 2 | 3) { body + len } else { body };
        items.push(array[pos..end].to_vec());
        pos = end;
    }
    assert_eq!(pos, array.len());
    items
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    find(haystack, needle).is_some()
}

/// `bytes` with the one occurrence of `from` replaced by `to` (same length).
fn splice(bytes: &[u8], from: &[u8], to: &[u8]) -> Vec<u8> {
    assert_eq!(from.len(), to.len());
    let at = find(bytes, from).expect("the field to replace");
    assert!(find(&bytes[at + 1..], from).is_none(), "the field occurs once");
    let mut out = bytes.to_vec();
    out[at..at + to.len()].copy_from_slice(to);
    out
}

/// A venue QR URL carrying an arbitrary payload.
fn venue_url(payload: &[u8]) -> String {
    format!("https://{HOST}/v1/checkin#{}", base64url(payload))
}

/// The URL of a (possibly forged) descriptor, without a table.
fn descriptor_url(descriptor: &[u8]) -> String {
    venue_url(&cbor::array(&[cbor::uint(1), cbor::bstr(descriptor), vec![cbor::NULL]]))
}

/// What a malicious app bypassing `ContactData::seal` produces: its own
/// plaintext, encrypted and signed exactly as the protocol prescribes.
fn craft_contact_data(
    nonce_byte: u8,
    key: &GuestSigningKey,
    user_id: UserId,
    data_secret: &DataSecret,
    texts: [&str; 8],
    updated_at: UnixTime,
) -> Vec<u8> {
    let plaintext = cbor::array(&[vec![cbor::uint(1)], texts.iter().map(|t| cbor::tstr(t)).collect()].concat());
    let guest_key = key.public_key().to_bytes();
    let nonce = [nonce_byte; 12];
    let aad = [labels::AAD_CONTACT_DATA, user_id.as_bytes(), &guest_key, &updated_at.0.to_be_bytes()].concat();
    let cipher = aes_gcm::Aes128Gcm::new(derive::contact_data_key(data_secret).expose_secret().into());
    let ciphertext = cipher.encrypt((&nonce).into(), Payload { msg: &plaintext, aad: &aad }).unwrap();
    let payload = cbor::array(&[
        cbor::uint(1),
        cbor::bstr(user_id.as_bytes()),
        cbor::bstr(&guest_key),
        cbor::uint(updated_at.0),
        cbor::bstr(&nonce),
        cbor::bstr(&ciphertext),
    ]);
    sign_cose(labels::COSE_CONTACT_DATA, &payload, key.to_bytes().as_slice())
}

mod badges;
mod certificates;
mod checkout;
mod consent_replays;
mod contact_data;
mod daily_keys;
mod guest_qr;
mod history_shares;
mod malformed_inputs;
mod notification_lists;
mod replay;
mod retargeted_records;
mod spreadsheet_and_control_characters;
mod venue_descriptors;
