//! Test vectors: key_share (not yet written).
use crate::common::Topic;

pub fn generate() -> Topic {
    Topic::new("key_share", "")
}
