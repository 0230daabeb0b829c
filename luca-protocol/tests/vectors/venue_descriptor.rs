//! Test vectors: venue_descriptor (not yet written).
use crate::common::Topic;

pub fn generate() -> Topic {
    Topic::new("venue_descriptor", "")
}
