//! # luca-healthoffice — the health-office role, and the operator's issuance helpers
//!
//! ## Which type do I use?
//!
//! | you want to | use |
//! |---|---|
//! | create the office, get certified | [`HealthOffice::generate`] → [`HealthOffice::certificate_request`] → (trust anchor) → [`HealthOffice::install_certificate`] |
//! | rotate today's daily key and share it with the other offices | [`HealthOffice::rotate_daily_key`] → [`DailyKeyRotation`] |
//! | rotate the badge key | [`HealthOffice::rotate_badge_key`] |
//! | receive another office's daily or badge key | [`HealthOffice::import_key_share`] |
//! | join the key committee of a threshold daily key (PROTOCOL.md §13) | [`HealthOffice::start_committee_dkg`] → [`CommitteeDkg::receive`] → [`CommitteeDkgRound2::finish`] → [`CommitteeKeyInstalled`]; announce it with `t` members' [`HealthOffice::sign_committee_key`] (the committee key announcement, §13.4) |
//! | answer a tracing office's partial-decryption request (behind your policy) | [`HealthOffice::answer_partial_decryption`] |
//! | open consent responses and history shares sealed to a threshold daily key | [`HealthOffice::threshold_opening`] → [`ThresholdOpening::request_partials`] → [`PendingOpening::accept`] → [`PendingOpening::finish`] → [`ThresholdOpened`] |
//! | erase keys (and threshold key shares) past retention | [`HealthOffice::purge`] |
//! | fetch an infected guest's history by TAN | [`HealthOffice::fetch_history`] (or [`HealthOffice::open_history_share`]) |
//! | compute the trace ids of a history, or of a badge | [`trace_ids_of_history`] (parallel; [`trace_ids_of_history_sequential`]), [`trace_ids_of_badge`] |
//! | find the guest's check-ins among the server's records | [`match_check_ins`] (or [`match_trace_ids`]) → [`HistoryMatch`] |
//! | match millions of stored records, streamed, in bounded memory | [`TraceIdIndex::of_history`] (once) → [`TraceIdIndex::match_records`] (any iterator) |
//! | ask a venue for consent | [`HealthOffice::request_tracing`] (window: [`HistoryMatch::window`]) |
//! | open the venue's consent response | [`HealthOffice::open_consent_response`] → [`OpenedConsent`] |
//! | decrypt and verify a contact's data | [`HealthOffice::decrypt_contact`] → [`Contact`]; many at once: [`HealthOffice::decrypt_contacts`]; any number, streamed: [`HealthOffice::decrypt_contacts_streamed`] |
//! | export contacts (JSON, spreadsheet-safe CSV) | [`export::to_json`], [`export::to_csv`] |
//! | tell guests on their devices | [`HealthOffice::notification_list`] |
//! | persist a role object | `export_state()` / `import_state()` ([`state`]) |
//! | certify offices and the registrar, register venues, issue badges (operator) | the crate `luca-authority` ([`authority::TrustAnchor`], [`authority::Registrar`], re-exported here) |
//!
//! Like `luca-protocol`, this crate performs no I/O and reads no clock: time
//! ([`UnixTime`](luca_protocol::time::UnixTime)) and randomness (any
//! `rand_core::CryptoRng`) are parameters, and server queries are the
//! embedder's (closures or byte slices). Role objects own their secrets;
//! results are named structs.
//!
//! **Persistence** is the embedder's: `export_state()` returns the whole state
//! as deterministic CBOR **including every private key in the clear**, in a
//! buffer that wipes itself; whether and how to encrypt it at rest is the
//! embedder's choice. `import_state()` is strict ([`state`]).
//!
//! **Parallel batches.** The bulk work of tracing runs on [`rayon`]'s
//! *current* pool: [`trace_ids_of_history`] and [`trace_ids_of_badge`] (per
//! day and minute), [`TraceIdIndex::match_records`] (and [`match_trace_ids`],
//! [`match_check_ins`]: chunks of [`MATCH_CHUNK_RECORDS`] records),
//! [`HealthOffice::open_consent_response`] and [`ThresholdOpening::add_consent_response`] (per entry),
//! [`PendingOpening::finish`] (per guest QR),
//! [`HealthOffice::decrypt_contacts`] and [`HealthOffice::decrypt_contacts_streamed`]
//! (chunks of [`DECRYPT_CHUNK_CONTACTS`] contacts). Called outside any pool, that is
//! rayon's global pool (one thread per core, or `RAYON_NUM_THREADS`); to
//! choose the thread count, build a pool and call inside it:
//! `rayon::ThreadPoolBuilder::new().num_threads(2).build()?.install(|| office.open_consent_response(..))`.
//! Results are deterministic: the same inputs give the same outputs (order
//! included) whatever the thread count. Nothing else in the crate starts or
//! uses threads.
//!
//! **Errors**, one enum per concern, each with a stable `kind()`: [`KeyError`]
//! (certificates, keys), [`TracingError`] (tracing), [`CommitteeError`] (key
//! committee membership), [`StateError`]
//! (persistence), [`authority::AuthorityError`] (issuance). None carries a
//! secret or personal data.
//!
//! ## Example: from certification to a spreadsheet-safe export
//!
//! The guests' apps and the venue are played here with `luca-protocol`
//! directly (the `luca-client` and `luca-venue` crates wrap the same steps).
//!
//! ```
//! # use std::collections::HashMap;
//! # use luca_authority::TrustAnchor;
//! # use luca_healthoffice::{HealthOffice, export, match_check_ins};
//! # use luca_protocol::derive;
//! # use luca_protocol::ids::{DailyKeyId, UserId, VenueId};
//! # use luca_protocol::keys::{GuestSigningKey, VenuePrivateKey};
//! # use luca_protocol::messages::checkin_record::{CheckInRecord, CheckInRecordIn, InnerRecord};
//! # use luca_protocol::messages::consent_response::ConsentResponseBuilder;
//! # use luca_protocol::messages::contact_data::{ContactData, ContactFields};
//! # use luca_protocol::messages::history_share::HistoryShare;
//! # use luca_protocol::messages::tracing_request::TracingRequestIn;
//! # use luca_protocol::qr::guest::{DeviceType, GuestCheckInQr, QrFlags};
//! # use luca_protocol::secrets::{DailyTracingSecret, DataSecret};
//! # use luca_protocol::tan::Tan;
//! # use luca_protocol::time::{UnixTime, Validity};
//! # use rand_core::SeedableRng;
//! let mut rng = rand_chacha::ChaCha20Rng::seed_from_u64(7);
//! let now = UnixTime(1_795_942_800); // 2026-11-29T09:00:00Z
//! let year = Validity { not_before: now.minus_secs(3600), not_after: now.plus_secs(365 * 86_400) };
//!
//! // Onboarding: the trust anchor certifies the office.
//! let anchor = TrustAnchor::generate(&mut rng);
//! let mut office = HealthOffice::generate(&mut rng);
//! let cert = anchor.certify_health_office(&office.certificate_request("Gesundheitsamt Köln")?, year)?;
//! office.install_certificate(cert.as_bytes(), &anchor.public_key(), now)?;
//!
//! // Today's daily key (with other offices, `rotation.shares` go to them).
//! let rotation = office.rotate_daily_key(&mut rng, now, &[])?;
//! let daily = rotation.announcement;
//! let daily_id = DailyKeyId(daily.key_id());
//!
//! // Two guests check in at a venue (app and scanner played with luca-protocol).
//! let venue_id = VenueId::random(&mut rng);
//! let venue_key = VenuePrivateKey::generate(&mut rng);
//! let (mut records, mut contact_data, mut guests) = (Vec::new(), HashMap::new(), Vec::new());
//! for name in ["Erika", "=HYPERLINK(\"http://evil\")"] {
//!     let (user_id, data_secret) = (UserId::random(&mut rng), DataSecret::random(&mut rng));
//!     let tracing = DailyTracingSecret::random(&mut rng);
//!     let mut fields = ContactFields::default();
//!     fields.first_name = name.into();
//!     fields.last_name = "Mustermann".into();
//!     fields.phone = "+49 30 1234567".into();
//!     let signing = GuestSigningKey::generate(&mut rng);
//!     let data = ContactData::seal(&mut rng, &signing, user_id, &data_secret, &fields, now)?;
//!     contact_data.insert(user_id, data.to_bytes());
//!     let trace_id = derive::guest_trace_id(&tracing, &user_id, now.minute());
//!     let flags = QrFlags { device_type: DeviceType::Android, entry_policy: 0 };
//!     let qr = GuestCheckInQr::seal(
//!         &mut rng, daily_id, &daily.public_key(), flags, now.minute(), trace_id, &user_id, &data_secret,
//!     )?;
//!     let inner = InnerRecord::Guest(qr);
//!     let record = CheckInRecord::seal(&mut rng, venue_id, &venue_key.public_key(), &inner, trace_id, now.minute())?;
//!     records.push(record.to_bytes());
//!     guests.push((user_id, data_secret, tracing));
//! }
//!
//! // Erika tests positive, shares her history and reads the TAN out to the office.
//! let (user_id, data_secret, tracing) = &guests[0];
//! let days = [(now.day(), tracing)];
//! let share = HistoryShare::seal(&mut rng, daily_id, &daily.public_key(), user_id, data_secret, &days, now)?;
//! let tan = Tan::generate(&mut rng);
//! let history = office.fetch_history(&tan.to_string(), |t| (*t == tan).then(|| share.to_bytes()))?;
//!
//! // The office computes her trace ids itself and finds her check-in.
//! let matches = match_check_ins(&history, &records);
//! assert_eq!(matches.len(), 1);
//!
//! // Tracing request; the venue verifies it and consents.
//! use luca_healthoffice::{RECOMMENDED_REQUEST_LIFETIME_SECS as LIFETIME, RECOMMENDED_WINDOW_AFTER_SECS as AFTER};
//! use luca_healthoffice::RECOMMENDED_WINDOW_BEFORE_SECS as BEFORE;
//! let request = office.request_tracing(&mut rng, venue_id, matches[0].window(BEFORE, AFTER), now, LIFETIME)?;
//! let verified = TracingRequestIn::from_slice(request.as_bytes())?.verify(&cert, venue_id, now)?;
//! let mut builder = ConsentResponseBuilder::new(&verified, &cert)?;
//! for bytes in &records {
//!     let r = CheckInRecordIn::from_slice(bytes)?;
//!     builder.add(&mut rng, r.trace_id(), r.checkin_minute(), &r.open(&venue_key)?, None)?;
//! }
//! let consent = office.open_consent_response(builder.finish().as_bytes(), &request)?;
//! assert!(consent.unreadable.is_empty());
//!
//! // Decrypt and verify the contacts; export them safely.
//! let contacts = consent
//!     .check_ins
//!     .iter()
//!     .map(|c| office.decrypt_contact(&contact_data[&c.secrets.user_id], c))
//!     .collect::<Result<Vec<_>, _>>()?;
//! assert_eq!(contacts.len(), 2);
//! let csv = export::to_csv(&contacts);
//! assert!(csv.contains(",\"'=HYPERLINK(\"\"http://evil\"\")\","));
//!
//! // Tell the guests on their devices that their data was accessed (level 0).
//! let accessed: Vec<_> = contacts.iter().map(|c| c.trace_id).collect();
//! let list = office.notification_list(&mut rng, &accessed, &[], now)?;
//! assert_eq!(list.check(&accessed).len(), 2);
//!
//! // Persistence: the office's whole state, private keys included.
//! let saved = office.export_state();
//! assert_eq!(HealthOffice::import_state(&saved)?.export_state(), saved);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
#![forbid(unsafe_code)]

/// The trust anchor and the venue registrar: the crate `luca-authority`, re-exported under the path these roles had
/// when they lived here.
pub use luca_authority as authority;

mod committee;
mod error;
pub mod export;
mod office;
pub mod state;
mod threshold_open;
mod trace;

pub use committee::{
    CommitteeDkg, CommitteeDkgReceived, CommitteeDkgRound2, CommitteeDkgStarted, CommitteeKeyInfo,
    CommitteeKeyInstalled,
};
pub use error::{CommitteeError, KeyError, TracingError};
pub use office::{
    CertificateRequest, DAILY_KEY_RETENTION_DAYS, DAILY_KEY_USE_DAYS, DailyKeyRotation, HealthOffice, ImportedKey,
    MAX_HELD_KEYS, MAX_STATE_LEN, PurgeReport,
};
pub use state::StateError;
pub use threshold_open::{MAX_AUTHORIZATION_LEN, PendingOpening, ThresholdOpened, ThresholdOpening};
pub use trace::{
    ConsentedCheckIn, Contact, DECRYPT_CHUNK_CONTACTS, HistoryMatch, MATCH_CHUNK_RECORDS, MAX_BADGE_DAYS,
    OpenedConsent, RECOMMENDED_REQUEST_LIFETIME_SECS, RECOMMENDED_WINDOW_AFTER_SECS, RECOMMENDED_WINDOW_BEFORE_SECS,
    TraceIdIndex, UnreadableCheckIn, match_check_ins, match_trace_ids, trace_ids_of_badge, trace_ids_of_history,
    trace_ids_of_history_sequential,
};
