//! # luca-client — the guest role
//!
//! Which type do I use?
//!
//! | you want to | use |
//! |---|---|
//! | create a guest account and its encrypted, signed contact data | [`Guest::register`] → [`Registration`] |
//! | update the contact data | [`Guest::update_contact_data`] |
//! | show a check-in QR code for the current minute (scanner check-in) | [`Guest::check_in_code`] → [`CheckInCode`] (`text()`, `svg()`) |
//! | scan a printed venue QR | [`Guest::scan_venue_qr`] → [`ScannedVenue`]: [`VerifiedVenue`] or [`VerifiedMeeting`] |
//! | check in at a registered venue yourself (table number as additional data) | [`Guest::self_check_in`] → [`SelfCheckIn`] |
//! | check in at a private meeting (your name goes to the host) | [`Guest::check_in_private_meeting`] → [`SelfCheckIn`] |
//! | check out | [`Guest::checkout`], [`Guest::checkout_code`] |
//! | share today and the previous 14 days with a health office (TAN flow) | [`Guest::share_history`] |
//! | learn whether a health office accessed your data or warns you | [`Guest::check_notifications`] → [`NotificationMatch`] |
//! | erase tracing secrets and check-ins past retention | [`Guest::purge`] |
//! | persist the guest | [`Guest::export_state`] / [`Guest::import_state`] |
//! | personalise a badge from its printed serial | [`personalise_badge`], [`BadgeOwner`] |
//! | check in a guest without app or badge (one-off identity) | [`OneOffGuest::check_in`] → [`OneOffCheckIn`] |
//!
//! The guest owns its secrets (user id, data secret, signing key, one tracing
//! secret per UTC day); they leave the [`Guest`] only inside sealed messages
//! and in [`Guest::export_state`]. Like `luca-protocol`, this crate is
//! sans-I/O: time ([`UnixTime`](luca_protocol::time::UnixTime)) and randomness
//! (any `rand_core::CryptoRng`) are parameters, and nothing here talks to a
//! server — every result is a message for the embedder to upload.
//!
//! Every object a guest relies on is verified before this crate accepts it:
//! daily keys are [`DailyKeyAnnouncement`](luca_protocol::signed::daily_key_announcement::DailyKeyAnnouncement)s
//! (verified against a certified health office), venues come from
//! [`Guest::scan_venue_qr`] (verified against the registrar certificate, or
//! as a self-signed private meeting), notification lists are verified
//! [`NotificationList`](luca_protocol::messages::notification_list::NotificationList)s.
//! A venue and a private meeting are different types: a guest's name can only
//! be sent to a [`VerifiedMeeting`].
//!
//! ## Example: register, self check-in, check out, share the history, persist
//!
//! ```
//! use luca_client::{Guest, ScannedVenue};
//! use luca_protocol::messages::contact_data::ContactFields;
//! use luca_protocol::qr::guest::DeviceType;
//! use luca_protocol::time::UnixTime;
//! use rand_core::SeedableRng;
//! use luca_protocol::ids::{DailyKeyId, HealthOfficeId, RegistrarId, VenueId};
//! use luca_protocol::keys::{HealthOfficeMasterKeys, RegistrarKey, TrustAnchorKey, VenuePrivateKey};
//! use luca_protocol::qr::venue::VenueQr;
//! use luca_protocol::signed::daily_key_announcement::{DailyKeyAnnouncement, DailyKeyAnnouncementIn, KeyPurpose};
//! use luca_protocol::signed::health_office_certificate::{HealthOfficeCertificate, HealthOfficeCertificateIn};
//! use luca_protocol::signed::registrar_certificate::{RegistrarCertificate, RegistrarCertificateIn};
//! use luca_protocol::signed::venue_descriptor::VenueDescriptor;
//! use luca_protocol::time::Validity;
//!
//! let mut rng = rand_chacha::ChaCha20Rng::seed_from_u64(1);
//! let now = UnixTime(1_795_942_800); // 2026-11-29T09:00:00Z
//! // The other parties, built here with luca-protocol (in production they are other programs:
//! // luca-healthoffice for the office, trust anchor and registrar, luca-venue for the venue).
//! let year = Validity { not_before: now.minus_secs(86_400), not_after: now.plus_secs(365 * 86_400) };
//! let anchor = TrustAnchorKey::generate(&mut rng);
//! let ho = HealthOfficeMasterKeys::generate(&mut rng);
//! let ho_id = HealthOfficeId::random(&mut rng);
//! let cert = HealthOfficeCertificate::issue(&anchor, ho_id, "Gesundheitsamt", &ho.signing.public_key(),
//!     &ho.encryption.public_key(), year)?;
//! let cert = HealthOfficeCertificateIn::from_slice(cert.as_bytes())?.verify(&anchor.public_key(), now)?;
//! let day = now.day();
//! let daily_pk = VenuePrivateKey::generate(&mut rng).public_key();
//! let announcement = DailyKeyAnnouncement::issue(&ho.signing, ho_id, KeyPurpose::Daily, DailyKeyId::for_day(day).0, &daily_pk,
//!     Validity { not_before: day.start(), not_after: day.plus_days(1).start() }, day.plus_days(28).start())?;
//! let registrar_key = RegistrarKey::generate(&mut rng);
//! let registrar_id = RegistrarId::random(&mut rng);
//! let registrar = RegistrarCertificate::issue(&anchor, registrar_id, "Registrar", &registrar_key.public_key(), year)?;
//! let venue_key = VenuePrivateKey::generate(&mut rng);
//! let descriptor = VenueDescriptor::issue_venue(&registrar_key, registrar_id, VenueId::random(&mut rng),
//!     "Café Luca", &venue_key.public_key(), Some(12), year)?;
//! let url = VenueQr::new("luca.example", &descriptor, Some(7))?.to_url();
//! // The app verifies what it fetched: the daily key against the certified
//! // health office, the registrar certificate against the pinned trust anchor.
//! let daily = DailyKeyAnnouncementIn::from_slice(announcement.as_bytes())?.verify(&cert, now)?;
//! let registrar = RegistrarCertificateIn::from_slice(registrar.as_bytes())?.verify(&anchor.public_key(), now)?;
//!
//! // Registration: upload `contact_data`, keep `guest`.
//! let fields = ContactFields {
//!     first_name: "Erika".into(), last_name: "Mustermann".into(),
//!     phone: "+49 30 1234567".into(), email: "erika@example.org".into(),
//!     street: "Heidestraße".into(), house_number: "17".into(),
//!     postcode: "51147".into(), city: "Köln".into(),
//! };
//! let registration = Guest::register(&mut rng, &fields, DeviceType::Android, now)?;
//! let mut guest = registration.guest;
//! assert_eq!(registration.contact_data.user_id(), guest.user_id());
//!
//! // The guest scans the printed QR at table 7: a registered venue, not a private meeting.
//! let venue = match Guest::scan_venue_qr(&url, &registrar, now)? {
//!     ScannedVenue::Venue(venue) => venue,
//!     // A private meeting: tell the guest their name goes to the host, then `check_in_private_meeting`.
//!     ScannedVenue::PrivateMeeting(meeting) => return Err(format!("{} is a private meeting", meeting.name()).into()),
//! };
//! assert_eq!((venue.name(), venue.table()), ("Café Luca", Some(7)));
//! let check_in = guest.self_check_in(&mut rng, &venue, &daily, now)?;
//! // Upload `check_in.record` and `check_in.additional_data` (the table, sealed to the venue key).
//! assert!(check_in.additional_data.is_some());
//!
//! // Leaving: the checkout carries the proof only this guest can compute.
//! let checkout = guest.checkout(check_in.minute, now.plus_secs(3600))?;
//! assert_eq!(checkout.trace_id(), check_in.trace_id);
//!
//! // Tested positive: the history goes to the health office under today's daily key.
//! let share = guest.share_history(&mut rng, &daily, now.plus_secs(7200))?;
//! let _ = share;
//!
//! // Persistence is the embedder's: the bytes hold every secret of the guest.
//! let saved = guest.export_state();
//! let restored = Guest::import_state(&saved)?;
//! assert_eq!(restored.check_ins(), guest.check_ins());
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

mod badge;
mod common;
mod error;
mod guest;
mod history;
mod notify;
mod oneoff;
mod state;
mod venue;

pub use badge::{BadgeOwner, personalise_badge};
pub use error::{ClientError, StateError};
pub use guest::{CheckInCode, Guest, MAX_CHECK_INS, MAX_TRACING_DAYS, Registration, SelfCheckIn};
pub use history::CheckInEntry;
pub use notify::{Notice, NotificationMatch};
pub use oneoff::{CheckInTarget, OneOffCheckIn, OneOffGuest};
pub use state::{MAX_STATE_LEN, STATE_VERSION};
pub use venue::{ScannedVenue, VerifiedMeeting, VerifiedVenue};
