//! Test vectors: guest_qr (not yet written).
use crate::common::Topic;

pub fn generate() -> Topic {
    Topic::new("guest_qr", "")
}
