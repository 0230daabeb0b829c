//! Test vectors: venue_qr (not yet written).
use crate::common::Topic;

pub fn generate() -> Topic {
    Topic::new("venue_qr", "")
}
