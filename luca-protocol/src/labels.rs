//! Every domain-separation string of protocol version 1, in one place.
//!
//! All labels are ASCII, namespaced `luca/v1/…` (COSE content types, which
//! must be media types, `application/luca.v1.…`) and versioned with the
//! protocol. A change of any label is a change of the wire protocol and
//! needs a new protocol version. `docs/PROTOCOL.md` §3 lists the same table.

/// Prefix shared by every label.
pub const NAMESPACE: &str = "luca/v1/";

// ---------------------------------------------------------------- derivations

/// HMAC message prefix of the checkout proof:
/// `checkout_proof = HMAC-SHA256(daily_tracing_secret, LABEL ‖ user_id ‖ minute_be32)`.
pub const CHECKOUT_PROOF: &[u8] = b"luca/v1/checkout-proof";
/// HMAC message prefix of a badge's checkout proof:
/// `HMAC-SHA256(badge_trace_key, LABEL ‖ minute_be32)`.
pub const BADGE_CHECKOUT_PROOF: &[u8] = b"luca/v1/badge-checkout-proof";
/// SHA-256 prefix of the trace id: `trace_id = SHA-256(LABEL ‖ checkout_proof)[0..16]`.
pub const TRACE_ID: &[u8] = b"luca/v1/trace-id";
/// HKDF `info` of the contact-data key: `HKDF-SHA256(salt = "", ikm = data_secret, info = LABEL, L = 16)`.
pub const CONTACT_DATA_KEY: &[u8] = b"luca/v1/contact-data-key";
/// HMAC message prefix of a notification hash:
/// `HMAC-SHA256(key = trace_id, LABEL ‖ health_office_id ‖ level)[0..16]`.
pub const NOTIFICATION_HASH: &[u8] = b"luca/v1/notification-hash";
/// Argon2id salt of the badge seed (16 bytes, fixed).
pub const BADGE_ARGON2_SALT: &[u8] = b"luca/v1/badge-kd";
/// HKDF `info` that expands the badge seed into the badge's secrets.
pub const BADGE_SECRETS: &[u8] = b"luca/v1/badge-secrets";
/// HKDF `info` of the badge trace key (public in the badge QR) from the badge tracing secret.
pub const BADGE_TRACE_KEY: &[u8] = b"luca/v1/badge-trace-key";
/// SHA-256 prefix of the guest QR checksum.
pub const QR_CHECKSUM: &[u8] = b"luca/v1/qr-checksum";
/// SHA-256 prefix of a request hash (binds a consent response to the exact tracing request bytes).
pub const TRACING_REQUEST_HASH: &[u8] = b"luca/v1/tracing-request-hash";

// ------------------------------------------------------- threshold daily keys (§13)

/// The context string of the batched DLEQ proofs (RFC 9497 §2.2 with this in place of
/// `"OPRFV1-" ‖ mode ‖ "-" ‖ identifier`): DSTs `"HashToScalar-" ‖ LABEL` and `"Seed-" ‖ LABEL`.
pub const THRESHOLD_DLEQ_CONTEXT: &[u8] = b"luca/v1/threshold-dleq";
/// SHA-256 prefix of a DKG session id:
/// `SHA-256(LABEL ‖ daily_key_id_be16 ‖ t_be16 ‖ n_be16 ‖ (office_id ‖ signing_key ‖ encryption_key)*)`.
pub const DKG_SESSION: &[u8] = b"luca/v1/dkg-session";
/// Signature prefix of a DKG share: the dealer signs `LABEL ‖ session ‖ dealer_be16 ‖ recipient_be16 ‖ share`.
pub const DKG_SHARE: &[u8] = b"luca/v1/dkg-share";
/// HPKE `info`: a DKG dealer's share sealed to one committee member.
pub const HPKE_DKG_SHARE: &[u8] = b"luca/v1/hpke/dkg-share";
/// SHA-256 prefix of a partial-decryption request's hash (what a response is bound to).
pub const PARTIAL_DECRYPTION_REQUEST_HASH: &[u8] = b"luca/v1/partial-decryption-request-hash";

// ----------------------------------------------------------------- HPKE info

/// HPKE `info`: guest QR inner layer, sealed to a daily key.
pub const HPKE_CHECKIN_INNER: &[u8] = b"luca/v1/hpke/checkin-inner";
/// HPKE `info`: badge inner layer, sealed to a badge key at issuance.
pub const HPKE_BADGE_INNER: &[u8] = b"luca/v1/hpke/badge-inner";
/// HPKE `info`: check-in outer layer, sealed by the scanner to the venue key.
pub const HPKE_CHECKIN_OUTER: &[u8] = b"luca/v1/hpke/checkin-outer";
/// HPKE `info`: additional data (table number, meeting guest name), sealed to the venue key.
pub const HPKE_ADDITIONAL_DATA: &[u8] = b"luca/v1/hpke/additional-data";
/// HPKE `info`: history share, sealed to a daily key.
pub const HPKE_HISTORY_SHARE: &[u8] = b"luca/v1/hpke/history-share";
/// HPKE `info`: daily (or badge) private key share, sealed to a health office's encryption key.
pub const HPKE_KEY_SHARE: &[u8] = b"luca/v1/hpke/key-share";
/// HPKE `info`: consent re-seal of an inner record to the requesting health office.
pub const HPKE_CONSENT: &[u8] = b"luca/v1/hpke/consent";

// -------------------------------------------------------------------- AAD

/// AES-GCM AAD prefix of contact data.
pub const AAD_CONTACT_DATA: &[u8] = b"luca/v1/aad/contact-data";

// ------------------------------------------------ COSE content types (signed)

/// COSE content type (header label 3) of a health-office certificate.
pub const COSE_HEALTH_OFFICE_CERTIFICATE: &str = "application/luca.v1.health-office-certificate";
/// COSE content type of a registrar certificate.
pub const COSE_REGISTRAR_CERTIFICATE: &str = "application/luca.v1.registrar-certificate";
/// COSE content type of a daily key announcement.
pub const COSE_DAILY_KEY_ANNOUNCEMENT: &str = "application/luca.v1.daily-key-announcement";
/// COSE content type of a venue descriptor signed by the registrar.
pub const COSE_VENUE_DESCRIPTOR: &str = "application/luca.v1.venue-descriptor";
/// COSE content type of a private-meeting descriptor signed by its host.
pub const COSE_PRIVATE_MEETING_DESCRIPTOR: &str = "application/luca.v1.private-meeting-descriptor";
/// COSE content type of a badge attestation.
pub const COSE_BADGE_ATTESTATION: &str = "application/luca.v1.badge-attestation";
/// COSE content type of encrypted and signed contact data.
pub const COSE_CONTACT_DATA: &str = "application/luca.v1.contact-data";
/// COSE content type of a tracing request.
pub const COSE_TRACING_REQUEST: &str = "application/luca.v1.tracing-request";
/// COSE content type of a notification list.
pub const COSE_NOTIFICATION_LIST: &str = "application/luca.v1.notification-list";
/// COSE content type of a DKG dealing (round 1).
pub const COSE_DKG_DEALING: &str = "application/luca.v1.dkg-dealing";
/// COSE content type of a DKG complaint (round 2).
pub const COSE_DKG_COMPLAINT: &str = "application/luca.v1.dkg-complaint";
/// COSE content type of a DKG justification (a dealer reveals a share complained about).
pub const COSE_DKG_JUSTIFICATION: &str = "application/luca.v1.dkg-justification";
/// COSE content type of a partial-decryption request.
pub const COSE_PARTIAL_DECRYPTION_REQUEST: &str = "application/luca.v1.partial-decryption-request";
/// COSE content type of a partial-decryption response.
pub const COSE_PARTIAL_DECRYPTION_RESPONSE: &str = "application/luca.v1.partial-decryption-response";
/// COSE content type whose `Sig_structure` every committee member signs in a committee key announcement.
pub const COSE_COMMITTEE_KEY_ANNOUNCEMENT: &str = "application/luca.v1.committee-key-announcement";
/// AEAD associated-data prefix of a sealed (encrypted) role state:
/// `LABEL ‖ I2OSP(len(state_type), 2) ‖ state_type ‖ version_be64`.
pub const STATE_SEAL: &[u8] = b"luca/v1/state-seal";
