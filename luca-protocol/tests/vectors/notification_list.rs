//! Test vectors: notification_list (not yet written).
use crate::common::Topic;

pub fn generate() -> Topic {
    Topic::new("notification_list", "")
}
