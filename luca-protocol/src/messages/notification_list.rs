//! TODO(owner: helper) notification_list
