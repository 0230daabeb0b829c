//! What the trust anchor's two certificates (the health-office certificate and the registrar certificate,
//! docs/PROTOCOL.md §7.1) share: a COSE_Sign1 object over a flat payload with a name and a validity period,
//! decoded, issued and verified the same way. Each certificate type keeps its own payload ([`Body`]) and
//! accessors; the envelope, the order of the checks and the exact received bytes live here once.

use crate::cose::{self, SignedObject};
use crate::error::{DecodeError, VerifyError};
use crate::keys::{SignaturePublicKey, TrustAnchorKey};
use crate::signed::rules::{check_name, check_period};
use crate::time::{UnixTime, Validity};

/// A certificate's payload.
pub(crate) trait Body: Sized {
    /// Size cap of the whole COSE object, in bytes.
    const MAX_LEN: usize;
    /// The COSE content type (`labels::COSE_*_CERTIFICATE`).
    const CONTENT_TYPE: &'static str;
    /// Decodes the payload (its size cap is [`Self::MAX_LEN`]).
    fn decode(payload: &[u8]) -> Result<Self, DecodeError>;
    /// The deterministic CBOR payload.
    fn encode(&self) -> Vec<u8>;
    /// The certified name.
    fn name(&self) -> &str;
    /// The validity period.
    fn validity(&self) -> Validity;
}

/// A certificate as received: envelope and payload decoded, signature not yet checked; keeps the exact bytes.
#[derive(Clone, Debug)]
pub(crate) struct Received<B> {
    obj: SignedObject,
    body: B,
}

impl<B: Body> Received<B> {
    /// Decodes the COSE envelope (size cap first), then the payload.
    pub(crate) fn parse(bytes: &[u8]) -> Result<Self, DecodeError> {
        let obj = SignedObject::parse(bytes, B::MAX_LEN, B::CONTENT_TYPE)?;
        let body = B::decode(obj.payload())?;
        Ok(Self { obj, body })
    }

    /// Signs `body` with the trust anchor's key (deterministic, RFC 6979) after the issuer-side rules: the name
    /// rule (`InvalidField{name}`), then a well-formed validity period (`InvalidField{validity}`).
    pub(crate) fn issue(anchor: &TrustAnchorKey, body: B) -> Result<Self, DecodeError> {
        check_name(body.name())?;
        if !body.validity().is_well_formed() {
            return Err(DecodeError::InvalidField { field: "validity" });
        }
        let bytes = cose::sign(B::CONTENT_TYPE, body.encode(), |m| anchor.sign(m));
        Self::parse(&bytes)
    }

    /// The ES256 signature under the trust anchor's key (`BadSignature`), then the validity period at `now`
    /// (`InvalidValidity`, `NotYetValid`, `Expired`).
    pub(crate) fn verify(&self, anchor: &SignaturePublicKey, now: UnixTime) -> Result<(), VerifyError> {
        self.obj.verify(&anchor.0)?;
        check_period(&self.body.validity(), now)
    }

    /// The decoded payload.
    pub(crate) fn body(&self) -> &B {
        &self.body
    }

    /// The exact bytes received.
    pub(crate) fn as_bytes(&self) -> &[u8] {
        self.obj.as_bytes()
    }
}
