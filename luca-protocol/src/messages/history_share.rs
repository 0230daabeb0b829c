//! TODO(owner: helper) history_share
