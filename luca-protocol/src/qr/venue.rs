//! TODO(owner: helper) venue
