//! # luca-venue — the venue role: owner, scanner, private-meeting host
//!
//! Which type do I use?
//!
//! | you want to | use |
//! |---|---|
//! | create a venue (id and key pair) and ask the registrar to register it | [`Venue::generate`], [`Venue::registration_request`] → [`VenueRegistrationRequest`] |
//! | install the registrar-signed venue descriptor | [`Venue::install_descriptor`] |
//! | print the venue QR code (self check-in, optionally per table) | [`Venue::printed_qr`] → `VenueQr` |
//! | turn scanned guest QR codes and badges into check-in records | [`Scanner`] (from [`Venue::scanner`] or [`Scanner::for_descriptor`]) → [`ScanResult`] |
//! | read a check-in's table number | [`Venue::open_additional_data`] |
//! | check out every guest still checked in | [`Venue::checkout_all`] → [`VenueCheckout`] |
//! | answer a health office's tracing request (consent) | [`Venue::answer_tracing_request`] with [`StoredCheckIn`]s → [`ConsentAnswer`] |
//! | host a private meeting and read the guests' names | [`PrivateMeetingHost`] ([`qr`](PrivateMeetingHost::qr), [`read_guests`](PrivateMeetingHost::read_guests) → [`MeetingGuest`]) |
//! | persist a venue or a meeting host | `export_state` / `import_state` on [`Venue`] and [`PrivateMeetingHost`] |
//!
//! Role objects own their secrets: the venue's private key (outer layer of
//! its check-ins and additional data) and a meeting host's signing key never
//! leave them except through `export_state`. Like `luca-protocol`, this crate
//! performs no I/O and reads no clock: time ([`UnixTime`](luca_protocol::time::UnixTime))
//! and randomness (any `rand_core::CryptoRng`) are parameters.
//!
//! The scanner checks, in order: the QR's Base32 text, version and checksum;
//! for a guest QR its freshness (default ±120 s), that its daily key id
//! names a currently valid, verified daily key, and that its trace id was not
//! seen within the window; for a badge the registrar's signature on its
//! attestation. Only then does it seal the outer layer to the venue key (see
//! [`Scanner`]).
//!
//! ## Persistence
//!
//! `export_state()` returns deterministic, versioned CBOR in a buffer that
//! wipes itself; `import_state(&[u8])` decodes it strictly (size cap 4096
//! bytes, exact shape), both through the state codec of `luca-protocol`
//! ([`luca_protocol::state`], whose [`StateError`] this crate re-exports). **The bytes contain private keys**: encrypting them
//! at rest is the embedder's choice. A venue's descriptor is stored with it
//! and verified again after import ([`Venue::reverify_descriptor`]). The
//! [`Scanner`] holds no secret and has no state to export: rebuild it from the
//! venue (or its descriptor) and add the current verified daily keys; its
//! memory of recently seen trace ids is lost on restart.
//!
//! ## Example: register, scan, consent
//!
//! ```
//! use luca_protocol::derive;
//! use luca_protocol::ids::{DailyKeyId, HealthOfficeId, RegistrarId, RequestId, UserId};
//! use luca_protocol::keys::{DailyPrivateKey, HealthOfficeMasterKeys, RegistrarKey, TrustAnchorKey};
//! use luca_protocol::messages::consent_response::ConsentResponseIn;
//! use luca_protocol::messages::tracing_request::{TracingRequest, TracingWindow};
//! use luca_protocol::qr::guest::{DeviceType, GuestCheckInQr, QrFlags};
//! use luca_protocol::secrets::{DailyTracingSecret, DataSecret};
//! use luca_protocol::signed::daily_key_announcement::{DailyKeyAnnouncement, KeyPurpose};
//! use luca_protocol::signed::health_office_certificate::HealthOfficeCertificate;
//! use luca_protocol::signed::registrar_certificate::RegistrarCertificate;
//! use luca_protocol::signed::venue_descriptor::VenueDescriptor;
//! use luca_protocol::time::{UnixTime, Validity};
//! use luca_venue::{StoredCheckIn, Venue};
//! use rand_core::SeedableRng;
//!
//! let mut rng = rand_chacha::ChaCha20Rng::seed_from_u64(7);
//! let now = UnixTime(1_795_942_800);
//! let year = Validity { not_before: now.minus_secs(86_400), not_after: now.plus_secs(365 * 86_400) };
//! // The operator's trust anchor certifies the registrar and a health office
//! // (everyone verifies these certificates against the pinned anchor).
//! let anchor = TrustAnchorKey::generate(&mut rng);
//! let (registrar_key, registrar_id) = (RegistrarKey::generate(&mut rng), RegistrarId::random(&mut rng));
//! let registrar = RegistrarCertificate::issue(&anchor, registrar_id, "Registrar", &registrar_key.public_key(), year)?;
//! let (office_keys, office_id) = (HealthOfficeMasterKeys::generate(&mut rng), HealthOfficeId::random(&mut rng));
//! let office = HealthOfficeCertificate::issue(
//!     &anchor, office_id, "Gesundheitsamt", &office_keys.signing.public_key(),
//!     &office_keys.encryption.public_key(), year,
//! )?;
//!
//! // Venue owner: a key pair, the registration request, the signed descriptor, the printed QR.
//! let mut venue = Venue::generate(&mut rng);
//! let request = venue.registration_request("Café Luca", Some(12));
//! request.validate()?;
//! let descriptor = VenueDescriptor::issue_venue(
//!     &registrar_key, registrar_id, request.venue_id, &request.name, &request.venue_key,
//!     request.table_count, year,
//! )?; // by the registrar
//! venue.install_descriptor(descriptor.as_bytes(), &registrar, now)?;
//! let url = venue.printed_qr("luca.example", Some(3))?.to_url();
//! assert!(url.starts_with("https://luca.example/v1/checkin#"));
//!
//! // Scanner: today's verified daily key, then a guest's QR code.
//! let daily = DailyPrivateKey::generate(&mut rng);
//! let day = now.day();
//! let use_period = Validity { not_before: day.start(), not_after: day.plus_days(1).start() };
//! let announcement = DailyKeyAnnouncement::issue(
//!     &office_keys.signing, office_id, KeyPurpose::Daily, DailyKeyId::for_day(day).0,
//!     &daily.public_key(), use_period, day.plus_days(28).start(),
//! )?;
//! let mut scanner = venue.scanner();
//! scanner.add_daily_key(announcement);
//! let (user_id, data_secret, tracing) =
//!     (UserId::random(&mut rng), DataSecret::random(&mut rng), DailyTracingSecret::random(&mut rng));
//! let trace_id = derive::guest_trace_id(&tracing, &user_id, now.minute());
//! let flags = QrFlags { device_type: DeviceType::Android, entry_policy: 0 };
//! let qr = GuestCheckInQr::seal(
//!     &mut rng, DailyKeyId::for_day(day), &daily.public_key(), flags, now.minute(), trace_id, &user_id,
//!     &data_secret,
//! )?;
//! let scan = scanner.scan(&mut rng, &qr.to_base32(), now.plus_secs(5))?;
//! assert_eq!(scan.trace_id, trace_id);
//! // A second scan of the same code is a replay.
//! assert_eq!(scanner.scan(&mut rng, &qr.to_base32(), now.plus_secs(9)).unwrap_err().kind(), "duplicate_trace_id");
//!
//! // Days later, a health office asks for the check-ins of an hour; the venue consents.
//! let later = now.plus_secs(3 * 86_400);
//! let window = TracingWindow { from: now.minus_secs(1800), to: now.plus_secs(1800) };
//! let tracing_request = TracingRequest::sign(
//!     &office_keys.signing, RequestId::random(&mut rng), office_id, venue.venue_id(), window, later,
//!     later.plus_secs(86_400),
//! )?;
//! let stored = [StoredCheckIn { record: scan.record.to_bytes(), additional_data: None }];
//! let answer = venue.answer_tracing_request(&mut rng, tracing_request.as_bytes(), &office, &stored, later)?;
//! assert_eq!((answer.consented, answer.failed.len(), answer.responses.len()), (1, 0, 1));
//!
//! // Only the requesting health office can open the response, and only for its request.
//! for response in &answer.responses {
//!     let entries = ConsentResponseIn::from_slice(response.as_bytes())?
//!         .open(&tracing_request, &office_keys.encryption)?;
//!     assert_eq!(entries.len(), 1);
//!     assert_eq!(entries.first().map(|e| e.trace_id), Some(trace_id));
//! }
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
#![forbid(unsafe_code)]

mod consent;
mod error;
mod meeting;
mod scanner;
mod venue;

pub use consent::{ConsentAnswer, RecordFailure, StoredCheckIn};
pub use error::{MeetingError, ScanError, StateError, VenueError};
pub use meeting::{MeetingGuest, PrivateMeetingHost};
pub use scanner::{DEFAULT_FRESHNESS_SECS, ScanResult, Scanner};
pub use venue::{Venue, VenueCheckout, VenueRegistrationRequest};

/// Size cap of the exported state of a [`Venue`] or a [`PrivateMeetingHost`], in bytes.
pub const MAX_STATE_LEN: usize = 4096;
