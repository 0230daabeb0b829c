//! Test vectors: history_share (not yet written).
use crate::common::Topic;

pub fn generate() -> Topic {
    Topic::new("history_share", "")
}
