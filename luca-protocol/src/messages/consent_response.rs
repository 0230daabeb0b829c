//! TODO(owner: helper) consent_response
