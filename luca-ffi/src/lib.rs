//! # luca-ffi — bindings for apps (Kotlin, Swift) and scripts (Python)
//!
//! A thin wrapper over the role crates ([`luca_client`], [`luca_venue`],
//! [`luca_healthoffice`]) made with [uniffi](https://mozilla.github.io/uniffi-rs)
//! proc-macros (no UDL), layered like matrix-rust-sdk's crypto FFI: the role
//! crates carry no uniffi derive and stay the API; this crate only maps them.
//!
//! | role | objects and functions |
//! |---|---|
//! | guest app | [`register_guest`] → [`Guest`] (`check_in_code` → [`CheckInCode`] text and SVG, `self_check_in`, `check_in_private_meeting`, `checkout`, `share_history`, `check_notifications`, `purge`, `export_state` / `import_state`); [`ScannedVenue::scan`] for a printed venue QR |
//! | scanner, venue owner | [`Venue`] (`registration_request`, `install_descriptor`, `printed_qr_url`, `scanner`, `answer_tracing_request`); [`Scanner`] (`add_daily_key`, `scan` → [`ScanResult`] or the rejection's kind); [`PrivateMeetingHost`] |
//! | health office | [`HealthOffice`] (`certificate_request`, `install_certificate`, `rotate_daily_key`, `import_key_share`, `open_history_share` → [`OpenedHistory`] → `match_check_ins`, `request_tracing` → [`TracingRequest`], `open_consent_response` → [`ConsentedCheckIn`]s, `decrypt_contact` → [`Contact`], `notification_list`); [`contacts_to_csv`], [`contacts_to_json`]; [`normalize_tan`] |
//! | key committee member (threshold daily keys, PROTOCOL.md §13) | [`HealthOffice`] `start_committee_dkg` → [`CommitteeDkg`] (`dealing`, `receive`, `justify`, `finish`), `sign_committee_key` → [`CommitteeKeyDraft`] (`assemble` t signatures), `answer_partial_decryption` under a [`PartialDecryptionPolicy`] (callback interface); guests' `…_committee` methods and [`Scanner`]'s `add_committee_key` take a [`CommitteeKeyAnnouncement`] |
//! | tracing office (threshold) | [`HealthOffice`] `threshold_opening` → [`ThresholdOpening`] (`add_consent_response`, `add_history_share`, `request_partials`) → [`PendingOpening`] (`requests`, `accept`, `finish` → [`ThresholdOpened`]) |
//! | operator (tests, simulations) | [`TrustAnchor`], [`Registrar`], [`generate_tan`] |
//! | verified public objects | [`HealthOfficeCertificate`], [`RegistrarCertificate`], [`DailyKeyAnnouncement`], [`CommitteeKeyAnnouncement`], [`NotificationList`]: made only by verifying bytes, or by the role object that issued them |
//!
//! ## Boundary rules
//!
//! - **Secrets stay inside objects** (`#[derive(uniffi::Object)]`, shared as
//!   `Arc<Self>`, a `Mutex` inside where the state changes). They leave only
//!   sealed in messages, and in `export_state()` — which returns every private
//!   key of the object: the app stores those bytes encrypted.
//! - **Public data crosses by value** as records of `Vec<u8>` (ids 16 bytes,
//!   public keys 65 bytes uncompressed SEC1, messages as encoded), `String`
//!   and integers. Time is `u64` Unix seconds, check-in minutes `u32` Unix minutes.
//!   Every record exports its `Debug` (`#[uniffi::export(Debug)]`): Python `repr`, Kotlin
//!   `toString`, Swift `debugDescription` show its fields, except that records of personal data
//!   ([`ContactFields`], [`Contact`], [`MeetingGuest`]) print as `<redacted>`.
//! - **Errors** are one flat [`LucaError`]: the variant names the concern, the
//!   message is `"<kind>: <text>"` with the role crate's stable `kind()` first.
//!   One vocabulary: where the error is about the input (it does not decode, does not verify, a
//!   contact field breaks a rule), the kind is the spec's (docs/PROTOCOL.md, error kinds), the same
//!   whichever entry point took the input (`tests/error_vocabulary.rs`); contact-field messages name
//!   the field and why (`first_name: empty`). No message carries a secret, personal data or input bytes.
//! - **No panic crosses the boundary.** Every input goes through the role
//!   crates' total decoders; locks poisoned by an earlier panic are an error
//!   ([`LucaError::Poisoned`]); uniffi would catch a panic anyway.
//! - **Randomness** comes from the operating system: see [`rng`] —
//!   a failing OS generator is [`LucaError::Randomness`], not a panic.
//!
//! ## `unsafe`
//!
//! The scaffolding that uniffi's macros generate next to every exported item
//! is `unsafe` by nature (`extern "C"` functions under `#[unsafe(no_mangle)]`,
//! raw-pointer object handles, `RustBuffer`s). This crate nevertheless keeps
//! the workspace's lints unchanged, `unsafe_code = "forbid"` included, and
//! needs no relaxation: rustc's `unsafe_code` lint does not report inside
//! expansions of external (proc-)macros, so the generated code compiles while
//! any `unsafe` written in this crate is still rejected (checked: an
//! `unsafe {}` block added to a module fails the build). All the `unsafe` in
//! the binary is uniffi's, reviewed upstream. Should a future rustc start
//! linting external macro expansions, the fallback is this crate's own
//! `[lints]` table with `unsafe_code = "deny"` and `#[allow(unsafe_code)]` on
//! the modules that export items (`mod guest;` …) and on `setup_scaffolding!`.
//!
//! ## Building
//!
//! `cargo build -p luca-ffi --release` (or `--profile small-release` for
//! mobile) gives `libluca_ffi.so` / `.dylib` (cdylib) and `libluca_ffi.a`
//! (staticlib). Bindings, in library mode:
//!
//! ```sh
//! cargo run -p luca-ffi --features cli --bin uniffi-bindgen -- \
//!     generate --library target/release/libluca_ffi.so --language kotlin --out-dir out/
//! ```
//!
//! (`--language swift`, `--language python` alike; names in `luca-ffi/uniffi.toml`).
//! The generator reads the library's symbols: give it an unstripped build
//! (debug or release), not the stripped `small-release` one, which it cannot
//! read but which works with the bindings generated from the same source.
//! The `cli` feature (the generator) needs Rust 1.88; the library itself
//! keeps the workspace's 1.87.
//! `luca-ffi/tests/python/run.sh` builds, generates the Python module and runs
//! a whole check-in and trace through it.

mod authority;
mod committee;
mod error;
mod guest;
mod office;
pub mod rng;
mod types;
mod venue;
mod verified;

use luca_protocol::qr::render;
use luca_protocol::tan::Tan;

pub use authority::{Registrar, RegistrarRequest, TrustAnchor};
pub use committee::{
    CommitteeDkg, CommitteeKeyDraft, CommitteeKeyInfo, CommitteeKeyInstalled, CommitteeKeySigning, CommitteeSignature,
    DisqualifiedDealer, DkgComplaints, OpenedHistoryResult, PartialDecryptionPolicy, PartialDecryptionRequestInfo,
    PartialRequest, PendingOpening, PolicyError, RejectedDealing, ThresholdOpened, ThresholdOpening,
};
pub use error::LucaError;
pub use guest::{
    CheckInCode, CheckInEntry, Guest, GuestRegistration, NotificationMatch, ScannedVenue, SelfCheckIn, VenueKind,
    register_guest,
};
pub use office::{
    CertificateRequest, ConsentedCheckIn, Contact, DailyKeyRotation, HealthOffice, HistoryMatch, ImportedKey, KeyShare,
    OpenedConsent, OpenedHistory, PurgeReport, TracingRequest, UnreadableCheckIn, Warning, contacts_to_csv,
    contacts_to_json,
};
pub use types::{CheckInSource, ContactFields, DeviceType, KeyPurpose, StoredCheckIn, TracingWindow, Validity};
pub use venue::{
    ConsentAnswer, MeetingGuest, PrivateMeetingHost, RecordFailure, ScanResult, Scanner, Venue,
    VenueRegistrationRequest,
};
pub use verified::{
    CommitteeKeyAnnouncement, DailyKeyAnnouncement, HealthOfficeCertificate, NotificationList, RegistrarCertificate,
};

uniffi::setup_scaffolding!();

/// Renders any QR text (a guest code, a venue URL) as an SVG document.
///
/// # Errors
/// `Render` if the text does not fit in a QR code.
#[uniffi::export]
pub fn render_qr_svg(text: String) -> Result<String, LucaError> {
    Ok(render::render_svg(&text)?)
}

/// Validates a TAN as a guest read it out (check character; case and separators do not matter)
/// and returns its canonical form, under which the server stores the history share.
///
/// # Errors
/// `Tracing` (a TAN kind).
#[uniffi::export]
pub fn normalize_tan(text: String) -> Result<String, LucaError> {
    Ok(Tan::parse(&text)?.to_string())
}

/// A fresh TAN (what the server hands the guest for a history share): for tests and simulations.
///
/// # Errors
/// `Randomness`.
#[uniffi::export]
pub fn generate_tan() -> Result<String, LucaError> {
    let mut rng = rng::os_rng()?;
    Ok(Tan::generate(&mut rng).to_string())
}
