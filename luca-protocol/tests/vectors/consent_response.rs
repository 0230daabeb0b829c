//! Test vectors: consent_response (not yet written).
use crate::common::Topic;

pub fn generate() -> Topic {
    Topic::new("consent_response", "")
}
