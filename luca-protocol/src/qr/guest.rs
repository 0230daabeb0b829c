//! TODO(owner: helper) guest
