//! Test vectors: badge_qr (not yet written).
use crate::common::Topic;

pub fn generate() -> Topic {
    Topic::new("badge_qr", "")
}
