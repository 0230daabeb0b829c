//! TODO(owner: helper) tracing_request
