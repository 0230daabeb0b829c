//! Shared fixtures: the other parties, built with `luca-protocol` only.
#![allow(dead_code)]

use luca_protocol::derive::{self, BadgeSecrets};
use luca_protocol::ids::{BadgeKeyId, DailyKeyId, HealthOfficeId, RegistrarId, RequestId, TraceId, UserId};
use luca_protocol::keys::{
    BadgePrivateKey, DailyPrivateKey, HealthOfficeMasterKeys, RegistrarKey, TrustAnchorKey, VenuePrivateKey,
};
use luca_protocol::messages::tracing_request::{TracingRequest, TracingWindow};
use luca_protocol::qr::badge::BadgeQr;
use luca_protocol::qr::guest::{DeviceType, GuestCheckInQr, QrFlags};
use luca_protocol::secrets::{BadgeSeed, DailyTracingSecret, DataSecret};
use luca_protocol::signed::badge_attestation::BadgeAttestation;
use luca_protocol::signed::daily_key_announcement::{DailyKeyAnnouncement, DailyKeyAnnouncementIn, KeyPurpose};
use luca_protocol::signed::health_office_certificate::{HealthOfficeCertificate, HealthOfficeCertificateIn};
use luca_protocol::signed::registrar_certificate::{RegistrarCertificate, RegistrarCertificateIn};
use luca_protocol::signed::venue_descriptor::VenueDescriptor;
use luca_protocol::time::{UnixMinute, UnixTime, Validity};
use luca_venue::Venue;
use rand_chacha::ChaCha20Rng;
use rand_core::SeedableRng;

/// 2026-11-29T09:00:00Z, the start of a minute.
pub const NOW: UnixTime = UnixTime(1_795_942_800);

pub fn rng(seed: u64) -> ChaCha20Rng {
    ChaCha20Rng::seed_from_u64(seed)
}

pub fn year() -> Validity {
    Validity { not_before: NOW.minus_secs(86_400), not_after: NOW.plus_secs(365 * 86_400) }
}

/// The operator's registrar, certified by a trust anchor.
pub struct Registrar {
    pub key: RegistrarKey,
    pub id: RegistrarId,
    pub cert: RegistrarCertificate,
}

impl Registrar {
    pub fn new(rng: &mut ChaCha20Rng) -> Self {
        let anchor = TrustAnchorKey::generate(rng);
        let key = RegistrarKey::generate(rng);
        let id = RegistrarId::random(rng);
        let cert = RegistrarCertificate::issue(&anchor, id, "Registrar", &key.public_key(), year()).unwrap();
        let cert =
            RegistrarCertificateIn::from_slice(cert.as_bytes()).unwrap().verify(&anchor.public_key(), NOW).unwrap();
        Self { key, id, cert }
    }

    /// Signs the descriptor of a venue (id, key, table count as given), valid for `validity`.
    pub fn descriptor(&self, venue: &Venue, table_count: Option<u16>, validity: Validity) -> VenueDescriptor {
        let req = venue.registration_request("Café Luca", table_count);
        VenueDescriptor::issue_venue(
            &self.key,
            self.id,
            req.venue_id,
            &req.name,
            &req.venue_key,
            req.table_count,
            validity,
        )
        .unwrap()
    }

    /// A badge attestation (secrets from a random seed, no Argon2), issued at `issued_at`.
    pub fn badge(
        &self,
        rng: &mut ChaCha20Rng,
        issued_at: UnixTime,
    ) -> (BadgeAttestation, BadgeSecrets, BadgePrivateKey) {
        let badge_key = BadgePrivateKey::generate(rng);
        let secrets = derive::badge_secrets(&BadgeSeed::random(rng)).unwrap();
        let att = BadgeAttestation::issue(
            rng,
            &self.key,
            self.id,
            BadgeKeyId(7),
            &badge_key.public_key(),
            &secrets,
            issued_at,
        )
        .unwrap();
        (att, secrets, badge_key)
    }
}

/// A certified health office with today's daily key.
pub struct Office {
    pub keys: HealthOfficeMasterKeys,
    pub id: HealthOfficeId,
    pub cert: HealthOfficeCertificate,
    pub daily: DailyPrivateKey,
    pub announcement: DailyKeyAnnouncement,
}

impl Office {
    pub fn new(rng: &mut ChaCha20Rng) -> Self {
        let anchor = TrustAnchorKey::generate(rng);
        let keys = HealthOfficeMasterKeys::generate(rng);
        let id = HealthOfficeId::random(rng);
        let cert = HealthOfficeCertificate::issue(
            &anchor,
            id,
            "Gesundheitsamt",
            &keys.signing.public_key(),
            &keys.encryption.public_key(),
            year(),
        )
        .unwrap();
        let cert =
            HealthOfficeCertificateIn::from_slice(cert.as_bytes()).unwrap().verify(&anchor.public_key(), NOW).unwrap();
        let day = NOW.day();
        let (daily, announcement) = Self::daily_key(
            rng,
            &keys,
            id,
            &cert,
            Validity { not_before: day.start(), not_after: day.plus_days(1).start() },
        );
        Self { keys, id, cert, daily, announcement }
    }

    /// A daily key announced for `validity` (whose start names the day), verified at its start.
    pub fn daily_key(
        rng: &mut ChaCha20Rng,
        keys: &HealthOfficeMasterKeys,
        id: HealthOfficeId,
        cert: &HealthOfficeCertificate,
        validity: Validity,
    ) -> (DailyPrivateKey, DailyKeyAnnouncement) {
        let daily = DailyPrivateKey::generate(rng);
        let day = validity.not_before.day();
        let ann = DailyKeyAnnouncement::issue(
            &keys.signing,
            id,
            KeyPurpose::Daily,
            DailyKeyId::for_day(day).0,
            &daily.public_key(),
            validity,
            day.plus_days(28).start(),
        )
        .unwrap();
        let ann =
            DailyKeyAnnouncementIn::from_slice(ann.as_bytes()).unwrap().verify(cert, validity.not_before).unwrap();
        (daily, ann)
    }

    /// A tracing request to `venue_id` for `window`, issued at `issued_at`, valid for a day.
    pub fn request(
        &self,
        rng: &mut ChaCha20Rng,
        venue_id: luca_protocol::ids::VenueId,
        window: TracingWindow,
        issued_at: UnixTime,
    ) -> TracingRequest {
        TracingRequest::sign(
            &self.keys.signing,
            RequestId::random(rng),
            self.id,
            venue_id,
            window,
            issued_at,
            issued_at.plus_secs(86_400),
        )
        .unwrap()
    }
}

/// A guest's check-in QR at `minute`, sealed to `daily` (id of the minute's day).
pub struct GuestCode {
    pub qr: GuestCheckInQr,
    pub user_id: UserId,
    pub data_secret: DataSecret,
    pub trace_id: TraceId,
}

pub fn guest_code(rng: &mut ChaCha20Rng, daily: &DailyPrivateKey, minute: UnixMinute) -> GuestCode {
    let user_id = UserId::random(rng);
    let data_secret = DataSecret::random(rng);
    let tracing = DailyTracingSecret::random(rng);
    let trace_id = derive::guest_trace_id(&tracing, &user_id, minute);
    let qr = GuestCheckInQr::seal(
        rng,
        DailyKeyId::for_day(minute.day()),
        &daily.public_key(),
        QrFlags { device_type: DeviceType::Ios, entry_policy: 0 },
        minute,
        trace_id,
        &user_id,
        &data_secret,
    )
    .unwrap();
    GuestCode { qr, user_id, data_secret, trace_id }
}

/// The Base32 text of a badge QR.
pub fn badge_text(att: &BadgeAttestation) -> String {
    BadgeQr::new(att).unwrap().to_base32()
}

/// RFC 4648 Base32, uppercase, no padding (the QR text form).
pub fn base32(bytes: &[u8]) -> String {
    luca_protocol::qr::base32::encode(bytes)
}

/// A venue private key that is not the venue's.
pub fn other_key(rng: &mut ChaCha20Rng) -> VenuePrivateKey {
    VenuePrivateKey::generate(rng)
}
