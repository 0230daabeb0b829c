//! TODO(owner: helper) health_office_certificate
