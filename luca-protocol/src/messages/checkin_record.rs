//! TODO(owner: helper) checkin_record
