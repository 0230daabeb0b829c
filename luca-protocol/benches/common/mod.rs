//! Fixtures shared by the benchmarks of this crate (`protocol.rs`, `server.rs`).

use luca_protocol::ids::HealthOfficeId;
use luca_protocol::keys::{HealthOfficeMasterKeys, TrustAnchorKey};
use luca_protocol::messages::contact_data::ContactFields;
use luca_protocol::signed::health_office_certificate::HealthOfficeCertificate;
use luca_protocol::time::Validity;

/// A full set of contact fields, as a guest registers them.
pub(crate) fn contact_fields() -> ContactFields {
    ContactFields {
        first_name: "Erika".into(),
        last_name: "Mustermann".into(),
        phone: "+49 30 1234567".into(),
        email: "erika@example.org".into(),
        street: "Heidestraße".into(),
        house_number: "17".into(),
        postcode: "51147".into(),
        city: "Köln".into(),
    }
}

/// The certificate the trust anchor issues to the health office `id` with `keys`.
pub(crate) fn office_certificate(
    anchor: &TrustAnchorKey,
    id: HealthOfficeId,
    name: &str,
    keys: &HealthOfficeMasterKeys,
    validity: Validity,
) -> HealthOfficeCertificate {
    HealthOfficeCertificate::issue(
        anchor,
        id,
        name,
        &keys.signing.public_key(),
        &keys.encryption.public_key(),
        validity,
    )
    .expect("a valid certificate")
}
