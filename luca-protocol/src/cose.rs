//! COSE_Sign1 (RFC 9052) with ES256, the envelope of every signed luca object.
//!
//! ```cddl
//! signed-object = [                ; COSE_Sign1, untagged
//!   protected: bstr .cbor {        ; exactly these two parameters, in this order
//!     1 => -7,                     ; alg: ES256
//!     3 => tstr,                   ; content type: the object's label, e.g. "application/luca.v1.venue-descriptor"
//!   },
//!   unprotected: {},               ; empty
//!   payload: bstr,                 ; the object's deterministic CBOR (never detached)
//!   signature: bstr .size 64,      ; ECDSA P-256 / SHA-256, r ‖ s
//! ]
//! ```
//!
//! The signature covers `Sig_structure = ["Signature1", protected, h'', payload]`
//! built from the exact received bytes (external AAD is empty: every binding
//! lives inside the payload). The content type separates the signing domains:
//! a signature made for one object type never verifies as another.

use ciborium::Value;
use coset::{AsCborValue as _, CborSerializable as _, CoseSign1, CoseSign1Builder, HeaderBuilder, iana};

use crate::cbor;
use crate::crypto::{EcPublic, SIGNATURE_LEN};
use crate::error::{DecodeError, VerifyError};

/// Nesting needed by COSE_Sign1 plus headers; payloads are decoded separately.
const COSE_DEPTH: usize = 4;

/// Signs `payload` under `content_type` with `sign` (an ECDSA P-256 signer returning `r‖s`).
pub(crate) fn sign(content_type: &str, payload: Vec<u8>, sign: impl FnOnce(&[u8]) -> [u8; SIGNATURE_LEN]) -> Vec<u8> {
    let protected =
        HeaderBuilder::new().algorithm(iana::Algorithm::ES256).content_type(content_type.to_owned()).build();
    let cose = CoseSign1Builder::new()
        .protected(protected)
        .payload(payload)
        .create_signature(b"", |tbs| sign(tbs).to_vec())
        .build();
    cose.to_vec().unwrap_or_default()
}

/// A parsed, not yet verified COSE_Sign1 object that keeps its exact bytes.
#[derive(Clone, Debug)]
pub(crate) struct SignedObject {
    raw: Vec<u8>,
    cose: CoseSign1,
}

impl SignedObject {
    /// Parses `bytes` (size cap `max_len`) and checks the envelope: ES256, the
    /// expected content type, no other header parameter, an attached payload
    /// and a 64-byte signature.
    pub(crate) fn parse(bytes: &[u8], max_len: usize, content_type: &str) -> Result<Self, DecodeError> {
        let value = cbor::decode(bytes, max_len, COSE_DEPTH)?;
        let Value::Array(items) = &value else {
            return Err(DecodeError::UnexpectedType { field: "cose_sign1" });
        };
        if items.len() != 4 {
            return Err(DecodeError::WrongArity { field: "cose_sign1", expected: 4, got: items.len() });
        }
        let cose = CoseSign1::from_cbor_value(value).map_err(|_| DecodeError::MalformedCbor)?;
        let expected = expected_protected(content_type);
        let got = cose.protected.original_data.as_deref().unwrap_or_default();
        if got != expected.as_slice() {
            // Tell apart the cases a caller can act on.
            return Err(match (&cose.protected.header.alg, &cose.protected.header.content_type) {
                (
                    Some(coset::RegisteredLabelWithPrivate::Assigned(iana::Algorithm::ES256)),
                    Some(coset::ContentType::Text(t)),
                ) if t != content_type => DecodeError::WrongContentType,
                (Some(coset::RegisteredLabelWithPrivate::Assigned(iana::Algorithm::ES256)), _) => {
                    DecodeError::UnexpectedHeader
                }
                _ => DecodeError::UnsupportedAlgorithm,
            });
        }
        if !cose.unprotected.is_empty() {
            return Err(DecodeError::UnexpectedHeader);
        }
        if cose.payload.is_none() {
            return Err(DecodeError::InvalidField { field: "payload" });
        }
        if cose.signature.len() != SIGNATURE_LEN {
            return Err(DecodeError::WrongLength {
                field: "signature",
                expected: SIGNATURE_LEN,
                got: cose.signature.len(),
            });
        }
        Ok(Self { raw: bytes.to_vec(), cose })
    }

    /// The payload bytes exactly as received.
    pub(crate) fn payload(&self) -> &[u8] {
        self.cose.payload.as_deref().unwrap_or_default()
    }

    /// The whole object exactly as received.
    pub(crate) fn as_bytes(&self) -> &[u8] {
        &self.raw
    }

    /// Verifies the signature under `key` over the received bytes.
    pub(crate) fn verify(&self, key: &EcPublic) -> Result<(), VerifyError> {
        self.cose.verify_signature(b"", |sig, tbs| key.verify(tbs, sig)).map_err(|_| VerifyError::BadSignature)
    }
}

fn expected_protected(content_type: &str) -> Vec<u8> {
    cbor::encode(&Value::Map(vec![
        (Value::Integer(1.into()), Value::Integer((-7).into())),
        (Value::Integer(3.into()), Value::Text(content_type.to_owned())),
    ]))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::crypto::EcSecret;
    use rand_chacha::ChaCha20Rng;
    use rand_core::SeedableRng;

    #[test]
    fn round_trip_and_domain_separation() {
        let mut rng = ChaCha20Rng::seed_from_u64(7);
        let sk = EcSecret::random(&mut rng);
        let bytes = sign("application/luca.v1.test", vec![0x81, 0x01], |m| sk.sign(m));
        let obj = SignedObject::parse(&bytes, 1024, "application/luca.v1.test").unwrap();
        assert_eq!(obj.payload(), &[0x81, 0x01]);
        assert_eq!(obj.as_bytes(), bytes.as_slice());
        obj.verify(&sk.public()).unwrap();
        assert_eq!(
            SignedObject::parse(&bytes, 1024, "application/luca.v1.other").unwrap_err(),
            DecodeError::WrongContentType
        );
        let other = EcSecret::random(&mut rng);
        assert_eq!(obj.verify(&other.public()), Err(VerifyError::BadSignature));
        // Flip one payload bit: still parses, no longer verifies.
        let mut t = bytes.clone();
        let pos = t.len() - 64 - 3;
        t[pos] ^= 0x01;
        if let Ok(o) = SignedObject::parse(&t, 1024, "application/luca.v1.test") {
            assert_eq!(o.verify(&sk.public()), Err(VerifyError::BadSignature));
        }
    }
}
