//! Test vectors: certificates (not yet written).
use crate::common::Topic;

pub fn generate() -> Topic {
    Topic::new("certificates", "")
}
