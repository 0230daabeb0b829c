//! Test vectors: contact_data (not yet written).
use crate::common::Topic;

pub fn generate() -> Topic {
    Topic::new("contact_data", "")
}
