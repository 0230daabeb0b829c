//! TODO(owner: helper) badge
