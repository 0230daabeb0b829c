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
use coset::{AsCborValue as _, CoseSign1, iana};

use crate::cbor;
use crate::crypto::{EcPublic, SIGNATURE_LEN};
use crate::error::{DecodeError, VerifyError};

/// Nesting needed by COSE_Sign1 plus headers; payloads are decoded separately.
const COSE_DEPTH: usize = 4;

/// Signs `payload` under `content_type` with `sign` (an ECDSA P-256 signer returning `r‖s`): the COSE_Sign1
/// `[protected, {}, payload, signature]` with the only protected header luca accepts. Written with the same
/// CBOR writer as the `Sig_structure` it signs (what `coset`'s builder produces; the test `sign_is_cosets`
/// compares the two), so it cannot fail.
pub(crate) fn sign(content_type: &str, payload: Vec<u8>, sign: impl FnOnce(&[u8]) -> [u8; SIGNATURE_LEN]) -> Vec<u8> {
    let protected = expected_protected(content_type);
    let signature = sign(&sig_structure(&protected, &payload));
    let mut out = Vec::with_capacity(protected.len().saturating_add(payload.len()).saturating_add(80));
    cbor::write_head(&mut out, cbor::MAJOR_ARRAY, 4);
    write_bytes(&mut out, &protected);
    cbor::write_head(&mut out, cbor::MAJOR_MAP, 0);
    write_bytes(&mut out, &payload);
    write_bytes(&mut out, &signature);
    out
}

/// Appends the byte string `item` (head and content).
fn write_bytes(out: &mut Vec<u8>, item: &[u8]) {
    cbor::write_head(out, cbor::MAJOR_BYTES, item.len() as u64);
    out.extend_from_slice(item);
}

/// A parsed, not yet verified COSE_Sign1 object that keeps its exact bytes.
#[derive(Clone, Debug)]
pub(crate) struct SignedObject {
    raw: Vec<u8>,
    /// The protected header's bytes as received (always [`expected_protected`] of the content type).
    protected: Vec<u8>,
    payload: Vec<u8>,
    signature: Vec<u8>,
}

impl SignedObject {
    /// Parses `bytes` (size cap `max_len`) and checks the envelope: ES256, the
    /// expected content type, no other header parameter, an attached payload
    /// and a 64-byte signature.
    pub(crate) fn parse(bytes: &[u8], max_len: usize, content_type: &str) -> Result<Self, DecodeError> {
        let value = cbor::decode(bytes, max_len, COSE_DEPTH)?;
        let Value::Array(items) = value else {
            return Err(DecodeError::UnexpectedType { field: "cose_sign1" });
        };
        let items = <[Value; 4]>::try_from(items).map_err(|items| DecodeError::WrongArity {
            field: "cose_sign1",
            expected: 4,
            got: items.len(),
        })?;
        let expected = expected_protected(content_type);
        match items {
            // The only envelope that passes every check below: taken as it is, without parsing the header again.
            [Value::Bytes(protected), Value::Map(unprotected), Value::Bytes(payload), Value::Bytes(signature)]
                if protected == expected && unprotected.is_empty() && signature.len() == SIGNATURE_LEN =>
            {
                Ok(Self { raw: bytes.to_vec(), protected, payload, signature })
            }
            items => Err(envelope_error(items, &expected, content_type)),
        }
    }

    /// The payload bytes exactly as received.
    pub(crate) fn payload(&self) -> &[u8] {
        &self.payload
    }

    /// The whole object exactly as received.
    pub(crate) fn as_bytes(&self) -> &[u8] {
        &self.raw
    }

    /// Verifies the signature under `key` over the received bytes.
    pub(crate) fn verify(&self, key: &EcPublic) -> Result<(), VerifyError> {
        key.verify(&sig_structure(&self.protected, &self.payload), &self.signature)
            .map_err(|_| VerifyError::BadSignature)
    }
}

/// Why a four-item array is not an acceptable envelope, in the order the checks are specified: a COSE_Sign1 at all
/// (`coset`), then algorithm and content type, the unprotected header, the payload, the signature length.
fn envelope_error(items: [Value; 4], expected: &[u8], content_type: &str) -> DecodeError {
    let cose = match CoseSign1::from_cbor_value(Value::Array(items.into())) {
        Ok(cose) => cose,
        Err(_) => return DecodeError::MalformedCbor,
    };
    let got = cose.protected.original_data.as_deref().unwrap_or_default();
    if got != expected {
        // Tell apart the cases a caller can act on.
        return match (&cose.protected.header.alg, &cose.protected.header.content_type) {
            (
                Some(coset::RegisteredLabelWithPrivate::Assigned(iana::Algorithm::ES256)),
                Some(coset::ContentType::Text(t)),
            ) if t != content_type => DecodeError::WrongContentType,
            (Some(coset::RegisteredLabelWithPrivate::Assigned(iana::Algorithm::ES256)), _) => {
                DecodeError::UnexpectedHeader
            }
            _ => DecodeError::UnsupportedAlgorithm,
        };
    }
    if !cose.unprotected.is_empty() {
        return DecodeError::UnexpectedHeader;
    }
    if cose.payload.is_none() {
        return DecodeError::InvalidField { field: "payload" };
    }
    DecodeError::WrongLength { field: "signature", expected: SIGNATURE_LEN, got: cose.signature.len() }
}

/// `Sig_structure = ["Signature1", protected, h'', payload]` (RFC 9052 §4.4), the bytes a COSE_Sign1 signature
/// covers, from the exact received `protected` and `payload` bytes (what `coset`'s `tbs_data` builds through a
/// value tree; the test `sig_structure_is_cosets` compares the two).
/// What an ES256 signer of a COSE_Sign1 with `content_type` over `payload` signs: the `Sig_structure`
/// (RFC 9052 §4.4) with this crate's fixed protected header. Objects signed by several parties (the
/// committee key announcement, PROTOCOL.md §13.4) carry one such signature per signer.
pub(crate) fn signing_input(content_type: &str, payload: &[u8]) -> Vec<u8> {
    sig_structure(&expected_protected(content_type), payload)
}

fn sig_structure(protected: &[u8], payload: &[u8]) -> Vec<u8> {
    const CONTEXT: &[u8] = b"Signature1";
    let mut out = Vec::with_capacity(protected.len().saturating_add(payload.len()).saturating_add(32));
    cbor::write_head(&mut out, cbor::MAJOR_ARRAY, 4);
    for (major, item) in [
        (cbor::MAJOR_TEXT, CONTEXT),
        (cbor::MAJOR_BYTES, protected),
        (cbor::MAJOR_BYTES, &[]),
        (cbor::MAJOR_BYTES, payload),
    ] {
        cbor::write_head(&mut out, major, item.len() as u64);
        out.extend_from_slice(item);
    }
    out
}

/// The only protected header luca accepts: `{1: -7, 3: content_type}` (alg ES256, then the content type).
fn expected_protected(content_type: &str) -> Vec<u8> {
    let mut out = Vec::with_capacity(content_type.len().saturating_add(8));
    cbor::write_head(&mut out, cbor::MAJOR_MAP, 2);
    // 1 => -7 (alg: ES256), 3 => (content type).
    out.extend_from_slice(&[0x01, 0x26, 0x03]);
    cbor::write_head(&mut out, cbor::MAJOR_TEXT, content_type.len() as u64);
    out.extend_from_slice(content_type.as_bytes());
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::crypto::EcSecret;
    use coset::{CborSerializable as _, CoseSign1Builder, HeaderBuilder};
    use rand_chacha::ChaCha20Rng;
    use rand_core::SeedableRng;

    #[test]
    fn sign_is_cosets() {
        let mut rng = ChaCha20Rng::seed_from_u64(11);
        let sk = EcSecret::random(&mut rng);
        let long = format!("application/{}", "x".repeat(300));
        for (content_type, payload_len) in [("application/luca.v1.test", 2usize), ("a/b", 0), (long.as_str(), 70_000)] {
            let payload = vec![0x5a; payload_len];
            let ours = sign(content_type, payload.clone(), |m| sk.sign(m));
            let protected =
                HeaderBuilder::new().algorithm(iana::Algorithm::ES256).content_type(content_type.to_owned()).build();
            let cosets = CoseSign1Builder::new()
                .protected(protected)
                .payload(payload)
                .create_signature(b"", |tbs| sk.sign(tbs).to_vec())
                .build()
                .to_vec()
                .unwrap();
            assert_eq!(ours, cosets);
        }
    }

    #[test]
    fn sig_structure_is_cosets() {
        let mut rng = ChaCha20Rng::seed_from_u64(9);
        let sk = EcSecret::random(&mut rng);
        // Content types must be media types (`coset` checks): the short and long text heads, empty and long payloads.
        let long = format!("application/{}", "x".repeat(300));
        for (content_type, payload_len) in
            [("application/luca.v1.test", 2usize), ("a/b", 0), (long.as_str(), 3_000), ("application/luca.v1.x", 300)]
        {
            let bytes = sign(content_type, vec![0x5a; payload_len], |m| sk.sign(m));
            let obj = SignedObject::parse(&bytes, 100_000, content_type).unwrap();
            let cose = CoseSign1::from_slice(&bytes).unwrap();
            let protected = cose.protected.original_data.as_deref().unwrap();
            assert_eq!(sig_structure(protected, obj.payload()), cose.tbs_data(b""));
            assert_eq!(expected_protected(content_type), protected);
            obj.verify(&sk.public()).unwrap();
        }
    }

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
