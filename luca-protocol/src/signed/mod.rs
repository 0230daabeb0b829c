//! Signed objects (COSE_Sign1 / ES256): certificates, announcements, descriptors, attestations.

pub mod badge_attestation;
mod certificate;
pub mod daily_key_announcement;
pub mod health_office_certificate;
pub mod registrar_certificate;
pub mod rules;
pub mod venue_descriptor;
