//! TODO(owner: helper) registrar_certificate
