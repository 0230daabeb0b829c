//! TODO(owner: helper) key_share
