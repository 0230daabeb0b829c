//! Test vectors: checkin_record (not yet written).
use crate::common::Topic;

pub fn generate() -> Topic {
    Topic::new("checkin_record", "")
}
