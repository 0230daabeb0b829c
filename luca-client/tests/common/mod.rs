//! The other parties of the tests, built with luca-protocol only.
#![allow(dead_code, unreachable_pub)]

use luca_client::{Guest, ScannedVenue, VerifiedMeeting, VerifiedVenue};
use luca_protocol::ids::{DailyKeyId, HealthOfficeId, RegistrarId, VenueId};
use luca_protocol::keys::{
    DailyPrivateKey, HealthOfficeMasterKeys, HostSigningKey, RegistrarKey, TrustAnchorKey, VenuePrivateKey,
};
use luca_protocol::messages::contact_data::ContactFields;
use luca_protocol::qr::guest::DeviceType;
use luca_protocol::qr::venue::VenueQr;
use luca_protocol::signed::daily_key_announcement::{DailyKeyAnnouncement, DailyKeyAnnouncementIn, KeyPurpose};
use luca_protocol::signed::health_office_certificate::{HealthOfficeCertificate, HealthOfficeCertificateIn};
use luca_protocol::signed::registrar_certificate::{RegistrarCertificate, RegistrarCertificateIn};
use luca_protocol::signed::venue_descriptor::VenueDescriptor;
use luca_protocol::time::{UnixTime, UtcDay, Validity};
use rand_chacha::ChaCha20Rng;
use rand_core::SeedableRng;

/// 2026-11-29T09:00:00Z.
pub const NOW: UnixTime = UnixTime(1_795_942_800);

pub fn rng(seed: u64) -> ChaCha20Rng {
    ChaCha20Rng::seed_from_u64(seed)
}

pub fn fields(first: &str) -> ContactFields {
    ContactFields {
        first_name: first.into(),
        last_name: "Mustermann".into(),
        phone: "+49 30 1234567".into(),
        email: "erika@example.org".into(),
        street: "Heidestraße".into(),
        house_number: "17".into(),
        postcode: "51147".into(),
        city: "Köln".into(),
    }
}

pub struct World {
    pub rng: ChaCha20Rng,
    pub anchor: TrustAnchorKey,
    pub office: HealthOfficeMasterKeys,
    pub office_id: HealthOfficeId,
    pub cert: HealthOfficeCertificate,
    pub registrar_key: RegistrarKey,
    pub registrar_id: RegistrarId,
    pub registrar: RegistrarCertificate,
    pub venue_key: VenuePrivateKey,
    pub venue: VenueDescriptor,
    pub host_key: HostSigningKey,
    pub meeting_key: VenuePrivateKey,
    pub meeting: VenueDescriptor,
}

pub fn year() -> Validity {
    Validity { not_before: NOW.minus_secs(30 * 86_400), not_after: NOW.plus_secs(365 * 86_400) }
}

impl World {
    pub fn new(seed: u64) -> Self {
        let mut rng = rng(seed);
        let anchor = TrustAnchorKey::generate(&mut rng);
        let office = HealthOfficeMasterKeys::generate(&mut rng);
        let office_id = HealthOfficeId::random(&mut rng);
        let cert = HealthOfficeCertificate::issue(
            &anchor,
            office_id,
            "Gesundheitsamt Köln",
            &office.signing.public_key(),
            &office.encryption.public_key(),
            year(),
        )
        .unwrap();
        let cert =
            HealthOfficeCertificateIn::from_slice(cert.as_bytes()).unwrap().verify(&anchor.public_key(), NOW).unwrap();
        let registrar_key = RegistrarKey::generate(&mut rng);
        let registrar_id = RegistrarId::random(&mut rng);
        let registrar =
            RegistrarCertificate::issue(&anchor, registrar_id, "Registrar", &registrar_key.public_key(), year())
                .unwrap();
        let registrar = RegistrarCertificateIn::from_slice(registrar.as_bytes())
            .unwrap()
            .verify(&anchor.public_key(), NOW)
            .unwrap();
        let venue_key = VenuePrivateKey::generate(&mut rng);
        let venue = VenueDescriptor::issue_venue(
            &registrar_key,
            registrar_id,
            VenueId::random(&mut rng),
            "Café Luca",
            &venue_key.public_key(),
            Some(12),
            year(),
        )
        .unwrap();
        let host_key = HostSigningKey::generate(&mut rng);
        let meeting_key = VenuePrivateKey::generate(&mut rng);
        let meeting = VenueDescriptor::issue_private_meeting(
            &host_key,
            VenueId::random(&mut rng),
            "Birthday",
            &meeting_key.public_key(),
            year(),
        )
        .unwrap();
        Self {
            rng,
            anchor,
            office,
            office_id,
            cert,
            registrar_key,
            registrar_id,
            registrar,
            venue_key,
            venue,
            host_key,
            meeting_key,
            meeting,
        }
    }

    /// The daily key of `day` (private half and verified announcement, valid for that day).
    pub fn daily_key(&mut self, day: UtcDay) -> (DailyPrivateKey, DailyKeyAnnouncement) {
        self.key(day, KeyPurpose::Daily, DailyKeyId::for_day(day).0)
    }

    /// A badge key announced for `day` (valid for a year).
    pub fn badge_key(&mut self, day: UtcDay) -> (DailyPrivateKey, DailyKeyAnnouncement) {
        self.key(day, KeyPurpose::Badge, 7)
    }

    fn key(&mut self, day: UtcDay, purpose: KeyPurpose, key_id: u16) -> (DailyPrivateKey, DailyKeyAnnouncement) {
        let private = DailyPrivateKey::generate(&mut self.rng);
        let (validity, retain) = match purpose {
            KeyPurpose::Daily => {
                (Validity { not_before: day.start(), not_after: day.plus_days(1).start() }, day.plus_days(28).start())
            }
            KeyPurpose::Badge => (
                Validity { not_before: day.start(), not_after: day.plus_days(365).start() },
                day.plus_days(365).start(),
            ),
        };
        let a = DailyKeyAnnouncement::issue(
            &self.office.signing,
            self.office_id,
            purpose,
            key_id,
            &private.public_key(),
            validity,
            retain,
        )
        .unwrap();
        let a = DailyKeyAnnouncementIn::from_slice(a.as_bytes()).unwrap().verify(&self.cert, day.start()).unwrap();
        (private, a)
    }

    pub fn guest(&mut self) -> Guest {
        Guest::register(&mut self.rng, &fields("Erika"), DeviceType::Android, NOW).unwrap().guest
    }

    pub fn venue_url(&self, table: Option<u16>) -> String {
        VenueQr::new("luca.example", &self.venue, table).unwrap().to_url()
    }

    pub fn meeting_url(&self) -> String {
        VenueQr::new("luca.example", &self.meeting, None).unwrap().to_url()
    }

    pub fn verified_venue(&self, table: Option<u16>) -> VerifiedVenue {
        match Guest::scan_venue_qr(&self.venue_url(table), &self.registrar, NOW).unwrap() {
            ScannedVenue::Venue(v) => v,
            ScannedVenue::PrivateMeeting(_) => panic!("expected a venue"),
        }
    }

    pub fn verified_meeting(&self) -> VerifiedMeeting {
        match Guest::scan_venue_qr(&self.meeting_url(), &self.registrar, NOW).unwrap() {
            ScannedVenue::PrivateMeeting(m) => m,
            ScannedVenue::Venue(_) => panic!("expected a private meeting"),
        }
    }
}
