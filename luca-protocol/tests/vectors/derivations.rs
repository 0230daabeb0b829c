//! Test vectors: derivations (not yet written).
use crate::common::Topic;

pub fn generate() -> Topic {
    Topic::new("derivations", "")
}
