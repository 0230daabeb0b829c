//! TODO(owner: helper) venue_descriptor
