//! TODO(owner: helper) additional_data
