//! TODO(owner: helper) checkout
