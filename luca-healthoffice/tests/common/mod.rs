//! Fixtures shared by the integration tests: a trust anchor with certified
//! offices, and the other parties (guests, venues) played with `luca-protocol`.

#![allow(dead_code, unreachable_pub)]

use luca_authority::TrustAnchor;
use luca_healthoffice::{CertificateRequest, HealthOffice};
use luca_protocol::derive;
use luca_protocol::ids::{DailyKeyId, HealthOfficeId, TraceId, UserId, VenueId};
use luca_protocol::keys::{GuestSigningKey, HealthOfficeMasterKeys, VenuePrivateKey};
use luca_protocol::messages::additional_data::AdditionalDataContent;
use luca_protocol::messages::checkin_record::{CheckInRecord, CheckInRecordIn, InnerRecord};
use luca_protocol::messages::consent_response::ConsentResponseBuilder;
use luca_protocol::messages::contact_data::{ContactData, ContactFields};
use luca_protocol::messages::history_share::HistoryShare;
use luca_protocol::messages::tracing_request::{TracingRequest, TracingRequestIn};
use luca_protocol::qr::guest::{DeviceType, GuestCheckInQr, QrFlags};
use luca_protocol::secrets::{DailyTracingSecret, DataSecret};
use luca_protocol::signed::daily_key_announcement::DailyKeyAnnouncement;
use luca_protocol::signed::health_office_certificate::{HealthOfficeCertificate, HealthOfficeCertificateIn};
use luca_protocol::time::{SECONDS_PER_DAY, UnixMinute, UnixTime, Validity};
use rand_chacha::ChaCha20Rng;
use rand_core::SeedableRng;

/// 2026-11-29T09:00:00Z.
pub const NOW: UnixTime = UnixTime(1_795_942_800);
/// 2026-11-29T00:00:00Z.
pub const DAY_START: UnixTime = UnixTime(1_795_910_400);
pub const DAY: u64 = SECONDS_PER_DAY;

pub fn rng(seed: u64) -> ChaCha20Rng {
    ChaCha20Rng::seed_from_u64(seed)
}

/// From a day before `NOW` for a year.
pub fn year() -> Validity {
    Validity { not_before: NOW.minus_secs(DAY), not_after: NOW.plus_secs(365 * DAY) }
}

pub struct World {
    pub rng: ChaCha20Rng,
    pub anchor: TrustAnchor,
    pub offices: Vec<HealthOffice>,
    pub certs: Vec<HealthOfficeCertificate>,
}

/// A trust anchor and `n` offices, each certified for `year()` and installed.
pub fn world(seed: u64, n: usize) -> World {
    let mut rng = rng(seed);
    let anchor = TrustAnchor::generate(&mut rng);
    let mut offices = Vec::new();
    let mut certs = Vec::new();
    for i in 0..n {
        let mut office = HealthOffice::generate(&mut rng);
        let cert = certify(&anchor, &office, &format!("Gesundheitsamt {i}"), year());
        office.install_certificate(cert.as_bytes(), &anchor.public_key(), NOW).unwrap();
        offices.push(office);
        certs.push(cert);
    }
    World { rng, anchor, offices, certs }
}

pub fn certify(anchor: &TrustAnchor, office: &HealthOffice, name: &str, validity: Validity) -> HealthOfficeCertificate {
    let cert = anchor.certify_health_office(&office.certificate_request(name).unwrap(), validity).unwrap();
    // What everyone else does: verify against the pinned anchor.
    HealthOfficeCertificateIn::from_slice(cert.as_bytes()).unwrap().verify(&anchor.public_key(), NOW).unwrap()
}

/// A protocol-level office whose keys the test holds (to forge shares and announcements).
pub struct RawOffice {
    pub id: HealthOfficeId,
    pub keys: HealthOfficeMasterKeys,
    pub cert: HealthOfficeCertificate,
}

pub fn raw_office(rng: &mut ChaCha20Rng, anchor: &TrustAnchor) -> RawOffice {
    let id = HealthOfficeId::random(rng);
    let keys = HealthOfficeMasterKeys::generate(rng);
    let request = CertificateRequest {
        id,
        name: "Raw office".into(),
        signing_key: keys.signing.public_key(),
        encryption_key: keys.encryption.public_key(),
    };
    let cert = anchor.certify_health_office(&request, year()).unwrap();
    RawOffice { id, keys, cert }
}

pub fn fields(first: &str) -> ContactFields {
    let mut f = ContactFields::default();
    f.first_name = first.into();
    f.last_name = "Mustermann".into();
    f.phone = "+49 30 1234567".into();
    f.email = "guest@example.org".into();
    f.street = "Heidestraße".into();
    f.house_number = "17".into();
    f.postcode = "51147".into();
    f.city = "Köln".into();
    f
}

/// A guest app, played with luca-protocol.
pub struct TestGuest {
    pub user_id: UserId,
    pub data_secret: DataSecret,
    pub tracing: DailyTracingSecret,
    pub signing: GuestSigningKey,
    pub fields: ContactFields,
}

impl TestGuest {
    pub fn new(rng: &mut ChaCha20Rng, first: &str) -> Self {
        Self {
            user_id: UserId::random(rng),
            data_secret: DataSecret::random(rng),
            tracing: DailyTracingSecret::random(rng),
            signing: GuestSigningKey::generate(rng),
            fields: fields(first),
        }
    }

    pub fn contact_data(&self, rng: &mut ChaCha20Rng) -> Vec<u8> {
        ContactData::seal(rng, &self.signing, self.user_id, &self.data_secret, &self.fields, NOW).unwrap().to_bytes()
    }

    pub fn trace_id(&self, minute: UnixMinute) -> TraceId {
        derive::guest_trace_id(&self.tracing, &self.user_id, minute)
    }

    pub fn qr(&self, rng: &mut ChaCha20Rng, daily: &DailyKeyAnnouncement, minute: UnixMinute) -> GuestCheckInQr {
        let flags = QrFlags { device_type: DeviceType::Android, entry_policy: 0 };
        GuestCheckInQr::seal(
            rng,
            DailyKeyId(daily.key_id()),
            &daily.public_key(),
            flags,
            minute,
            self.trace_id(minute),
            &self.user_id,
            &self.data_secret,
        )
        .unwrap()
    }

    /// The history of `NOW`'s day, sealed to `daily` at `NOW`.
    pub fn history(&self, rng: &mut ChaCha20Rng, daily: &DailyKeyAnnouncement) -> Vec<u8> {
        HistoryShare::seal(
            rng,
            DailyKeyId(daily.key_id()),
            &daily.public_key(),
            &self.user_id,
            &self.data_secret,
            &[(NOW.day(), &self.tracing)],
            NOW,
        )
        .unwrap()
        .to_bytes()
    }
}

/// A venue, played with luca-protocol.
pub struct TestVenue {
    pub id: VenueId,
    pub key: VenuePrivateKey,
}

impl TestVenue {
    pub fn new(rng: &mut ChaCha20Rng) -> Self {
        Self { id: VenueId::random(rng), key: VenuePrivateKey::generate(rng) }
    }

    /// The scanner's check-in record of `inner`.
    pub fn record(&self, rng: &mut ChaCha20Rng, inner: &InnerRecord, trace_id: TraceId, minute: UnixMinute) -> Vec<u8> {
        CheckInRecord::seal(rng, self.id, &self.key.public_key(), inner, trace_id, minute).unwrap().to_bytes()
    }

    /// The consent response to `request` (by `office`) with every record in the window, and the
    /// additional data `additional` gives for a trace id.
    pub fn consent(
        &self,
        rng: &mut ChaCha20Rng,
        request: &TracingRequest,
        office: &HealthOfficeCertificate,
        records: &[Vec<u8>],
        additional: impl Fn(TraceId) -> Option<AdditionalDataContent>,
    ) -> Vec<u8> {
        let verified = TracingRequestIn::from_slice(request.as_bytes()).unwrap().verify(office, self.id, NOW).unwrap();
        let mut builder = ConsentResponseBuilder::new(&verified, office).unwrap();
        for bytes in records {
            let r = CheckInRecordIn::from_slice(bytes).unwrap();
            if r.venue_id() == self.id && verified.window().contains_minute(r.checkin_minute()) {
                let inner = r.open(&self.key).unwrap();
                let extra = additional(r.trace_id());
                builder.add(rng, r.trace_id(), r.checkin_minute(), &inner, extra.as_ref()).unwrap();
            }
        }
        builder.finish().to_bytes()
    }
}

/// The minute `offset` minutes after `NOW`.
pub fn minute(offset: u32) -> UnixMinute {
    UnixMinute(NOW.minute().0 + offset)
}
