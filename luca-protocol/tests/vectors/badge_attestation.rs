//! Test vectors: badge_attestation (not yet written).
use crate::common::Topic;

pub fn generate() -> Topic {
    Topic::new("badge_attestation", "")
}
