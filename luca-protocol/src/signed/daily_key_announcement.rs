//! TODO(owner: helper) daily_key_announcement
