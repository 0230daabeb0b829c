//! Test vectors: tracing_request (not yet written).
use crate::common::Topic;

pub fn generate() -> Topic {
    Topic::new("tracing_request", "")
}
