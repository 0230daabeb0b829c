//! Test vectors: additional_data (not yet written).
use crate::common::Topic;

pub fn generate() -> Topic {
    Topic::new("additional_data", "")
}
