//! Test vectors: tan (not yet written).
use crate::common::Topic;

pub fn generate() -> Topic {
    Topic::new("tan", "")
}
