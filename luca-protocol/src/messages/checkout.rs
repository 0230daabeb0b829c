//! Checkout (guest, or a health office that traced the guest → server).
//!
//! A checkout reveals the check-in's checkout proof, the secret whose hash is
//! the trace id. Revealing it is intended: it authorises this one checkout and
//! nothing else (it is derived per check-in minute). Someone who knows only
//! the public trace id cannot check a guest out.

use zeroize::Zeroizing;

use crate::cbor::{self, ArrayReader, ArrayWriter};
use crate::derive;
use crate::error::DecodeError;
use crate::ids::TraceId;
use crate::secrets::CheckoutProof;
use crate::time::{UnixMinute, UnixTime};

/// Maximum stay: a check-in without checkout is checked out automatically
/// this many seconds after the start of its check-in minute (24 hours).
pub const MAX_STAY_SECS: u64 = 24 * 3600;
/// Tolerated clock skew of a checkout time into the future, in seconds.
pub const CHECKOUT_CLOCK_SKEW_SECS: u64 = 300;

const VERSION: u64 = 1;
const ARITY: usize = 4;
const MAX_DEPTH: usize = 1;

/// The automatic checkout time of a check-in at `checkin_minute`:
/// `checkin_minute × 60 + MAX_STAY_SECS`.
pub fn auto_checkout_time(checkin_minute: UnixMinute) -> UnixTime {
    checkin_minute.start().plus_secs(MAX_STAY_SECS)
}

/// Why a well-formed checkout is not acceptable.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum CheckoutError {
    /// The proof is not the checkout proof of the trace id: `SHA-256("luca/v1/trace-id" ‖ proof)[0..16] ≠ trace_id`.
    #[error("checkout proof does not match the trace id")]
    BadProof,
    /// `checkout_at` is before the start of the check-in minute.
    #[error("checkout before check-in")]
    BeforeCheckin,
    /// `checkout_at` is more than [`CHECKOUT_CLOCK_SKEW_SECS`] after `now`.
    #[error("checkout time in the future")]
    InFuture,
    /// `checkout_at` is after the automatic checkout ([`auto_checkout_time`]):
    /// the check-in was already checked out automatically.
    #[error("checkout after the maximum stay")]
    AfterMaxStay,
}

impl CheckoutError {
    /// Stable snake-case name of the error, as used in test vectors.
    pub fn kind(&self) -> &'static str {
        match self {
            Self::BadProof => "bad_proof",
            Self::BeforeCheckin => "before_checkin",
            Self::InFuture => "in_future",
            Self::AfterMaxStay => "after_max_stay",
        }
    }
}

/// A checkout as received by the server (proof not yet checked).
///
/// ```cddl
/// checkout = [
///   1,                          ; version
///   trace_id: bstr .size 16,
///   checkout_at: uint,          ; Unix seconds
///   proof: bstr .size 32,       ; the check-in's checkout proof
/// ]
/// ```
///
/// Size cap: [`CheckoutIn::MAX_LEN`] = 128 bytes (an encoded checkout is 54–62 bytes).
///
/// [`CheckoutIn::from_slice`] checks, in order: size cap (`TooLong`),
/// deterministic CBOR of depth 1 without trailing bytes, version
/// (`UnsupportedVersion`), arity 4 (`WrongArity`), `trace_id` 16 bytes,
/// `checkout_at` uint, `proof` 32 bytes (`WrongLength`, `UnexpectedType`).
///
/// [`CheckoutIn::verify`] then checks, in order, against the check-in the
/// server stored under `trace_id`:
/// 1. `SHA-256("luca/v1/trace-id" ‖ proof)[0..16] = trace_id` (constant time), else `BadProof`;
/// 2. `checkout_at ≥ checkin_minute × 60`, else `BeforeCheckin`;
/// 3. `checkout_at ≤ now + 300`, else `InFuture`;
/// 4. `checkout_at ≤ checkin_minute × 60 + 86400`, else `AfterMaxStay`.
pub struct CheckoutIn {
    raw: Zeroizing<Vec<u8>>,
    trace_id: TraceId,
    checkout_at: UnixTime,
    proof: CheckoutProof,
}

impl core::fmt::Debug for CheckoutIn {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("CheckoutIn")
            .field("trace_id", &self.trace_id)
            .field("checkout_at", &self.checkout_at)
            .field("proof", &self.proof)
            .finish_non_exhaustive()
    }
}

impl CheckoutIn {
    /// Size cap of the encoded message.
    pub const MAX_LEN: usize = 128;

    /// Parses a checkout (structure only).
    ///
    /// # Errors
    /// The [`DecodeError`] of the first rule violated (see the type's documentation).
    pub fn from_slice(bytes: &[u8]) -> Result<Self, DecodeError> {
        let value = cbor::decode(bytes, Self::MAX_LEN, MAX_DEPTH)?;
        let mut r = ArrayReader::open_message(value, "checkout", VERSION, ARITY)?;
        let trace_id = TraceId::from_array(r.fixed::<16>("trace_id")?);
        let checkout_at = UnixTime(r.uint("checkout_at")?);
        let proof = Zeroizing::new(r.bytes("proof", CheckoutProof::LENGTH)?);
        if proof.len() != CheckoutProof::LENGTH {
            return Err(DecodeError::WrongLength { field: "proof", expected: CheckoutProof::LENGTH, got: proof.len() });
        }
        let proof = CheckoutProof::from_slice(&proof)?;
        Ok(Self { raw: Zeroizing::new(bytes.to_vec()), trace_id, checkout_at, proof })
    }

    /// The trace id of the check-in to check out (the server looks the check-in up by it).
    pub fn trace_id(&self) -> TraceId {
        self.trace_id
    }

    /// The claimed checkout time.
    pub fn checkout_at(&self) -> UnixTime {
        self.checkout_at
    }

    /// The exact bytes received.
    pub fn as_bytes(&self) -> &[u8] {
        &self.raw
    }

    /// Checks the proof and the time against the stored check-in (server side).
    ///
    /// `checkin_minute` is the minute of the check-in stored under
    /// [`trace_id`](Self::trace_id); `now` is the server's clock.
    ///
    /// # Errors
    /// [`CheckoutError`] as listed in the type's documentation, in that order.
    pub fn verify(self, checkin_minute: UnixMinute, now: UnixTime) -> Result<Checkout, CheckoutError> {
        if !derive::proof_matches(&self.proof, &self.trace_id) {
            return Err(CheckoutError::BadProof);
        }
        if self.checkout_at < checkin_minute.start() {
            return Err(CheckoutError::BeforeCheckin);
        }
        if self.checkout_at > now.plus_secs(CHECKOUT_CLOCK_SKEW_SECS) {
            return Err(CheckoutError::InFuture);
        }
        if self.checkout_at > auto_checkout_time(checkin_minute) {
            return Err(CheckoutError::AfterMaxStay);
        }
        Ok(Checkout(self))
    }
}

/// A checkout built by this process, or one whose proof and time verified.
/// Layout and rules: [`CheckoutIn`].
#[derive(Debug)]
pub struct Checkout(CheckoutIn);

impl Checkout {
    /// Size cap of the encoded message.
    pub const MAX_LEN: usize = CheckoutIn::MAX_LEN;

    /// Builds the checkout of the check-in whose checkout proof is `proof`
    /// (guest, or health office); the trace id is computed from the proof.
    pub fn new(proof: &CheckoutProof, checkout_at: UnixTime) -> Self {
        let trace_id = derive::trace_id(proof);
        let raw = Zeroizing::new(
            ArrayWriter::new(VERSION)
                .bytes(trace_id.as_bytes())
                .uint(checkout_at.0)
                .bytes(proof.expose_secret())
                .encode(),
        );
        let proof = CheckoutProof::new_with(|b| b.copy_from_slice(proof.expose_secret()));
        Self(CheckoutIn { raw, trace_id, checkout_at, proof })
    }

    /// The trace id of the checked-out check-in.
    pub fn trace_id(&self) -> TraceId {
        self.0.trace_id
    }

    /// The checkout time.
    pub fn checkout_at(&self) -> UnixTime {
        self.0.checkout_at
    }

    /// The encoded message.
    pub fn as_bytes(&self) -> &[u8] {
        &self.0.raw
    }

    /// The encoded message, copied (it contains the checkout proof).
    pub fn to_bytes(&self) -> Zeroizing<Vec<u8>> {
        self.0.raw.clone()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ids::UserId;
    use crate::secrets::DailyTracingSecret;
    use rand_chacha::ChaCha20Rng;
    use rand_core::SeedableRng;

    const NOW: UnixTime = UnixTime(1_795_942_800);

    fn proof() -> (CheckoutProof, UnixMinute) {
        let mut rng = ChaCha20Rng::seed_from_u64(42);
        let secret = DailyTracingSecret::random(&mut rng);
        let user = UserId::random(&mut rng);
        let minute = NOW.minus_secs(3600).minute();
        (derive::checkout_proof(&secret, &user, minute), minute)
    }

    fn encode(version: u64, trace: &[u8], t: u64, proof: &[u8]) -> Vec<u8> {
        ArrayWriter::new(version).bytes(trace).uint(t).bytes(proof).encode()
    }

    #[test]
    fn round_trip() {
        let (p, minute) = proof();
        let c = Checkout::new(&p, NOW);
        assert_eq!(c.trace_id(), derive::trace_id(&p));
        assert_eq!(c.as_bytes().len(), 58);
        let parsed = CheckoutIn::from_slice(c.as_bytes()).unwrap();
        assert_eq!(parsed.trace_id(), c.trace_id());
        assert_eq!(parsed.checkout_at(), NOW);
        assert_eq!(parsed.as_bytes(), c.to_bytes().as_slice());
        let v = parsed.verify(minute, NOW).unwrap();
        assert_eq!(v.checkout_at(), NOW);
        assert!(!format!("{v:?}").contains(&hex(p.expose_secret())));
    }

    fn hex(b: &[u8]) -> String {
        b.iter().map(|x| format!("{x:02x}")).collect()
    }

    #[test]
    fn checkout_without_proof_rejected() {
        // Someone who knows only the trace id makes up a proof.
        let (p, minute) = proof();
        let trace = derive::trace_id(&p);
        let forged = encode(1, trace.as_bytes(), NOW.0, &[0u8; 32]);
        let c = CheckoutIn::from_slice(&forged).unwrap();
        assert_eq!(c.verify(minute, NOW).unwrap_err(), CheckoutError::BadProof);
        // The proof of another check-in (the next minute).
        let mut rng = ChaCha20Rng::seed_from_u64(42);
        let secret = DailyTracingSecret::random(&mut rng);
        let user = UserId::random(&mut rng);
        let other = derive::checkout_proof(&secret, &user, UnixMinute(minute.0 + 1));
        let forged = encode(1, trace.as_bytes(), NOW.0, other.expose_secret());
        let c = CheckoutIn::from_slice(&forged).unwrap();
        assert_eq!(c.verify(minute, NOW).unwrap_err(), CheckoutError::BadProof);
        assert_eq!(CheckoutError::BadProof.kind(), "bad_proof");
    }

    #[test]
    fn times() {
        let (p, minute) = proof();
        let verify = |t: UnixTime| CheckoutIn::from_slice(Checkout::new(&p, t).as_bytes()).unwrap().verify(minute, NOW);
        assert_eq!(verify(minute.start().minus_secs(1)).unwrap_err(), CheckoutError::BeforeCheckin);
        verify(minute.start()).unwrap();
        verify(NOW.plus_secs(300)).unwrap();
        assert_eq!(verify(NOW.plus_secs(301)).unwrap_err(), CheckoutError::InFuture);
        // A late checkout after the automatic one.
        let late_now = auto_checkout_time(minute).plus_secs(3600);
        let verify_late =
            |t: UnixTime| CheckoutIn::from_slice(Checkout::new(&p, t).as_bytes()).unwrap().verify(minute, late_now);
        verify_late(auto_checkout_time(minute)).unwrap();
        assert_eq!(verify_late(auto_checkout_time(minute).plus_secs(1)).unwrap_err(), CheckoutError::AfterMaxStay);
        assert_eq!(auto_checkout_time(minute), UnixTime(minute.start().0 + 86_400));
    }

    #[test]
    fn decode_errors() {
        let (p, _) = proof();
        let c = Checkout::new(&p, NOW);
        let b = c.as_bytes();
        let t = c.trace_id();
        let pr = p.expose_secret();
        let check = |b: &[u8], e: DecodeError| assert_eq!(CheckoutIn::from_slice(b).unwrap_err(), e);
        check(&b[..b.len() - 1], DecodeError::Truncated);
        check(&[], DecodeError::Truncated);
        let mut tr = b.to_vec();
        tr.push(0);
        check(&tr, DecodeError::TrailingBytes);
        check(&[0u8; 129], DecodeError::TooLong { max: 128, got: 129 });
        check(&encode(2, t.as_bytes(), NOW.0, pr), DecodeError::UnsupportedVersion { got: 2 });
        check(
            &ArrayWriter::new(1).bytes(t.as_bytes()).uint(NOW.0).encode(),
            DecodeError::WrongArity { field: "checkout", expected: 4, got: 3 },
        );
        check(
            &encode(1, &t.as_bytes()[..15], NOW.0, pr),
            DecodeError::WrongLength { field: "trace_id", expected: 16, got: 15 },
        );
        check(
            &encode(1, t.as_bytes(), NOW.0, &pr[..31]),
            DecodeError::WrongLength { field: "proof", expected: 32, got: 31 },
        );
        check(
            &encode(1, t.as_bytes(), NOW.0, &[0; 33]),
            DecodeError::WrongLength { field: "proof", expected: 32, got: 33 },
        );
        check(
            &ArrayWriter::new(1).bytes(t.as_bytes()).text("now").bytes(pr).encode(),
            DecodeError::UnexpectedType { field: "checkout_at" },
        );
        check(
            &ArrayWriter::new(1).value(ArrayWriter::new(1).into_value()).uint(0).bytes(pr).encode(),
            DecodeError::NestingTooDeep,
        );
        // Non-canonical integer (checkout_at 0 as 0x18 0x00).
        let mut nc = encode(1, t.as_bytes(), 0, pr);
        let pos = 1 + 1 + 17;
        assert_eq!(nc[pos], 0x00);
        nc.splice(pos..=pos, [0x18, 0x00]);
        check(&nc, DecodeError::NonCanonical);
    }
}
