//! Test vectors: daily_key_announcement (not yet written).
use crate::common::Topic;

pub fn generate() -> Topic {
    Topic::new("daily_key_announcement", "")
}
