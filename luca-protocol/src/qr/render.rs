//! TODO(owner: helper) render
