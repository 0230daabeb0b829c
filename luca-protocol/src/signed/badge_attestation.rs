//! TODO(owner: helper) badge_attestation
