//! The parties every per-role example needs around its own role, each made by its role crate, the way
//! production software makes them: a trust anchor, the venue registrar, one certified health office with
//! today's daily key, and one registered venue. Each example then plays one role in full.
//!
//! (This is the single-office setup, `t = 1`; the walkthrough runs a key committee, PROTOCOL.md §13.)

use luca_authority::{Registrar, TrustAnchor};
use luca_healthoffice::HealthOffice;
use luca_protocol::signed::daily_key_announcement::{DailyKeyAnnouncement, DailyKeyAnnouncementIn};
use luca_protocol::signed::health_office_certificate::HealthOfficeCertificate;
use luca_protocol::signed::registrar_certificate::RegistrarCertificate;
use luca_protocol::time::{UnixTime, Validity};
use luca_venue::Venue;
use rand_core::CryptoRng;

/// The host name printed venue QR codes point to.
pub const HOST: &str = "luca.example";

/// The current time from the system clock. (`luca-protocol` is sans-I/O: the embedder reads the clock.)
///
/// # Errors
/// If the clock is before 1970.
pub fn now() -> Result<UnixTime, std::time::SystemTimeError> {
    Ok(UnixTime(std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH)?.as_secs()))
}

/// Everything around one role: see the module documentation.
pub struct Town {
    /// The operator's trust anchor (certifies offices and the registrar).
    pub anchor: TrustAnchor,
    /// The venue registrar.
    pub registrar: Registrar,
    /// The registrar's certificate, verified: what apps and scanners pin.
    pub registrar_cert: RegistrarCertificate,
    /// A certified health office holding today's daily private key.
    pub office: HealthOffice,
    /// Its certificate, verified.
    pub office_cert: HealthOfficeCertificate,
    /// Today's daily key announcement, verified against the office's certificate.
    pub daily_key: DailyKeyAnnouncement,
    /// A registered venue ("Café Luca", 12 tables) with its descriptor installed.
    pub venue: Venue,
}

impl Town {
    /// Makes the town at `now`: certificates valid for a year, the daily key of `now`'s day.
    ///
    /// # Errors
    /// Only if a role crate refuses its own output (a bug).
    pub fn new<R: CryptoRng>(rng: &mut R, now: UnixTime) -> Result<Self, Box<dyn std::error::Error>> {
        let year = Validity { not_before: now.minus_secs(3600), not_after: now.plus_secs(365 * 86_400) };
        let anchor = TrustAnchor::generate(rng);
        let mut registrar = Registrar::generate(rng);
        let cert = anchor.certify_registrar(&registrar.registration_request("luca Venue Registrar")?, year)?;
        registrar.install_certificate(cert.as_bytes(), &anchor.public_key(), now)?;
        let registrar_cert = registrar.certificate().ok_or("registrar not certified")?.clone();

        let mut office = HealthOffice::generate(rng);
        let office_cert = anchor.certify_health_office(&office.certificate_request("Gesundheitsamt Köln")?, year)?;
        office.install_certificate(office_cert.as_bytes(), &anchor.public_key(), now)?;
        let rotation = office.rotate_daily_key(rng, now, &[])?;
        let daily_key =
            DailyKeyAnnouncementIn::from_slice(rotation.announcement.as_bytes())?.verify(&office_cert, now)?;

        let mut venue = Venue::generate(rng);
        let req = venue.registration_request("Café Luca", Some(12));
        let descriptor = registrar.register_venue(req.venue_id, &req.name, &req.venue_key, req.table_count, year)?;
        venue.install_descriptor(descriptor.as_bytes(), &registrar_cert, now)?;
        Ok(Self { anchor, registrar, registrar_cert, office, office_cert, daily_key, venue })
    }
}
