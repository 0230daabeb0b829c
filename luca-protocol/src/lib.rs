//! # luca-protocol — the sans-I/O core of the luca check-in and tracing protocol
//!
//! Identifiers, keys, derivations, wire formats, QR payloads, HPKE sealing,
//! COSE signatures, certificates and server-side validation for protocol
//! version 1, specified normatively in `docs/PROTOCOL.md`. This crate performs
//! no I/O and reads no clock: time ([`time::UnixTime`]) and randomness (any
//! `rand_core::CryptoRng`) are parameters, so with a seeded RNG every output
//! is reproducible byte for byte — the test vectors in `test-vectors/v1/`
//! depend on it.
//!
//! **Randomness in production comes from [`rng::system()`]** (the operating
//! system's generator). The examples below seed `ChaCha20Rng` with a fixed
//! number so that their outputs are reproducible; code that copies that ships
//! predictable keys.
//!
//! ## Two rules before any type
//!
//! **Build the parties with the role crates; use this crate for the server and for the wire.** An app
//! embeds `luca-client` (guest), a venue's software `luca-venue` (venue owner, scanner, private-meeting
//! host), a health office's `luca-healthoffice`, the operator's `luca-authority` (trust anchor and
//! registrar): they keep the secrets, apply the protocol's order of checks and offer
//! consuming, named transitions. This crate's primitives are what those crates are made of; call them
//! directly to validate uploads on a server ([`server`], docs/SERVER.md), to implement the protocol
//! elsewhere, or in tests. The per-role examples (`examples/examples/`) show each role in under 100 lines.
//!
//! **`XxxIn` is what arrived; `Xxx` is what was checked.** Every message and signed object has two types:
//! `XxxIn` (for example [`signed::venue_descriptor::VenueDescriptorIn`]) is the result of parsing bytes: it
//! is well formed, keeps the exact bytes it arrived as, and has not been verified. Only its `verify`
//! (signature, certificate chain, validity at `now`) or `open` (decryption, with the bindings of its AAD)
//! yields `Xxx` ([`signed::venue_descriptor::VenueDescriptor`]) or the opened content, and only those are
//! what the role crates accept. A function that takes `Xxx` therefore cannot be handed something unchecked.
//!
//! ## Which type do I use?
//!
//! | you are | you need | types |
//! |---|---|---|
//! | guest app | a check-in QR for this minute | [`qr::guest::GuestCheckInQr::seal`], [`derive::guest_trace_id`] |
//! | guest app | contact data, checkout, history share | [`messages::contact_data::ContactData`], [`messages::checkout::Checkout`], [`messages::history_share::HistoryShare`] |
//! | guest app | a printed venue QR | [`qr::venue::VenueQr::from_url`] → [`signed::venue_descriptor::VenueDescriptorIn::verify`] |
//! | scanner | decode what it scanned | [`qr::scanned::ScannedQr::from_text`] |
//! | scanner, self check-in | a check-in record for the server | [`messages::checkin_record::CheckInRecord::seal`] |
//! | venue owner | open records, consent to a tracing request | [`messages::checkin_record::CheckInRecordIn::open`], [`messages::tracing_request::TracingRequestIn::verify`], [`messages::consent_response::ConsentResponseBuilder`] |
//! | health office | certificates, daily keys and their shares | [`signed::health_office_certificate`], [`signed::daily_key_announcement`], [`messages::key_share`] |
//! | health office | tracing | [`messages::history_share::HistoryShareIn::open`], [`messages::tracing_request::TracingRequest::sign`], [`messages::consent_response::ConsentResponseIn::open`], [`messages::notification_list::NotificationList::build`] |
//! | server | validate what it receives, without any secret | [`server`] (one function per message: structure, signatures and chains, freshness, checkout proofs, bindings to stored records), [`tan::Tan::parse`] |
//! | badge issuer, badge owner | the printed serial and every secret derived from it | [`badge_serial::BadgeSerial`], [`signed::badge_attestation::BadgeAttestation::issue`], [`qr::badge::BadgeQr`] |
//! | anyone | render a QR code (cargo feature `render`, on by default) | `qr::render` |
//!
//! Every decoder is total: size cap first, version first, exact lengths, no
//! trailing bytes, deterministic CBOR only, bounded nesting; every failure is
//! a specific [`error::DecodeError`]. Parsing yields an unverified `XxxIn`;
//! only verification (`verify`) or decryption (`open`) yields the type the
//! role crates accept. Decryption failures are deliberately opaque
//! ([`error::OpenError::DecryptionFailed`]).
//!
//! ## Example: a guest QR from seal to health office
//!
//! ```
//! use luca_protocol::derive;
//! use luca_protocol::ids::{DailyKeyId, UserId};
//! use luca_protocol::keys::DailyPrivateKey;
//! use luca_protocol::qr::guest::{DeviceType, GuestCheckInQr, QrFlags};
//! use luca_protocol::secrets::{DailyTracingSecret, DataSecret};
//! use luca_protocol::time::UnixTime;
//! use rand_core::SeedableRng;
//!
//! let mut rng = rand_chacha::ChaCha20Rng::seed_from_u64(7);
//! let now = UnixTime(1_795_942_800);
//! // Health office: today's daily key (its announcement is signed and certified in practice).
//! let daily = DailyPrivateKey::generate(&mut rng);
//! let key_id = DailyKeyId::for_day(now.day());
//! // Guest: secrets, trace id for this minute, QR sealed to the daily key.
//! let user_id = UserId::random(&mut rng);
//! let data_secret = DataSecret::random(&mut rng);
//! let tracing = DailyTracingSecret::random(&mut rng);
//! let trace_id = derive::guest_trace_id(&tracing, &user_id, now.minute());
//! let flags = QrFlags { device_type: DeviceType::Android, entry_policy: 0 };
//! let qr = GuestCheckInQr::seal(
//!     &mut rng, key_id, &daily.public_key(), flags, now.minute(), trace_id, &user_id, &data_secret,
//! )?;
//! let text = qr.to_base32(); // 175 characters: a version-7 QR code at EC level M
//! assert_eq!(text.len(), 175);
//! // Scanner: decode (checksum, version, lengths) — no secret needed.
//! let scanned = GuestCheckInQr::from_base32(&text)?;
//! assert_eq!(scanned.trace_id(), trace_id);
//! // Health office: open the inner layer with the daily key.
//! let secrets = scanned.open(&daily)?;
//! assert_eq!(secrets.user_id, user_id);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
#![forbid(unsafe_code)]

pub mod badge_serial;
pub(crate) mod cbor;
pub(crate) mod cose;
pub(crate) mod crypto;
pub mod derive;
pub mod error;
pub(crate) mod fixed;
pub mod ids;
pub mod keys;
pub mod labels;
pub mod messages;
pub mod qr;
#[cfg(feature = "system-rng")]
pub mod rng;
pub mod secrets;
pub mod server;
pub mod signed;
pub mod state;
pub mod tan;
pub mod threshold;
pub mod time;

pub use crypto::CryptoError;

/// The crypto backend compiled in: `"rustcrypto"` (the default, pure Rust) or `"aws-lc"` (the cargo feature
/// `aws-lc`). Both give byte-identical outputs; benchmarks and diagnostics name the backend with it.
pub const CRYPTO_BACKEND: &str = if cfg!(feature = "aws-lc") { "aws-lc" } else { "rustcrypto" };
