//! TODO(owner: helper) contact_data
