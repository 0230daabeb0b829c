//! TODO(owner: helper) tan
