//! The one place where cryptographic primitives are called.
//!
//! Protocol code never touches `p256`, `hpke`, `aes-gcm`, `hkdf`, `hmac`,
//! `sha2` or `argon2` directly: it calls the narrow functions re-exported here.
//! A second backend (for example a native one) replaces the module behind
//! this interface without touching protocol code. Every function is
//! deterministic given its inputs (randomness only ever comes from the
//! `CryptoRng` the caller passes in).
//!
//! Interface:
//!
//! | function | primitive |
//! |---|---|
//! | [`sha256`] | SHA-256 over concatenated parts |
//! | [`hmac_sha256`] | HMAC-SHA256 over concatenated parts |
//! | [`hkdf_sha256`] | HKDF-SHA256 extract-and-expand (RFC 5869) |
//! | [`aes128gcm_seal`] / [`aes128gcm_open`] | AES-128-GCM, 96-bit nonce, 128-bit tag |
//! | [`EcSecret`] / [`EcPublic`] | P-256 scalars and points (SEC1) |
//! | [`EcSecret::sign`] / [`EcPublic::verify`] | ECDSA P-256 / SHA-256, 64-byte `r‖s` |
//! | [`hpke_seal`] / [`hpke_open`] | HPKE base mode, suite 0x0010/0x0001/0x0001 |
//! | [`argon2id`] | Argon2id (RFC 9106) |
//! | [`group::Scalar`] / [`group::Point`] | P-256 group arithmetic and `HashToScalar` (threshold daily keys, §13) |
//! | [`hpke_dh::hpke_open_with_dh`] | HPKE base-mode open from a jointly computed DH value (§13) |
//!
//! Backends: `rustcrypto` (the default, pure Rust, every target) and, with the cargo feature `aws-lc`, `awslc`
//! (AWS-LC through `aws-lc-rs` for ECDH, ECDSA verification and AES-GCM; RFC 6979 signing, Argon2id, SHA-256,
//! HMAC and HKDF stay on RustCrypto there, see that module). Both give byte-identical outputs; the third-party
//! vectors and the protocol vectors run under both (`.ci/run`). [`crate::CRYPTO_BACKEND`] names the one compiled in.

// Under `aws-lc` the RustCrypto backend still provides signing, Argon2id and SEC1 encodings to the native one, and
// serves as the reference of the cross-backend tests; the rest of it is then unused.
#[cfg_attr(feature = "aws-lc", allow(dead_code, unused_imports))]
mod rustcrypto;

#[cfg(not(feature = "aws-lc"))]
pub(crate) use rustcrypto::*;

#[cfg(feature = "aws-lc")]
mod awslc;

#[cfg(feature = "aws-lc")]
pub(crate) use awslc::*;

/// Length of an uncompressed SEC1 P-256 point.
pub(crate) const POINT_LEN: usize = 65;
/// Length of a compressed SEC1 P-256 point.
pub(crate) const COMPRESSED_POINT_LEN: usize = 33;
/// Length of a P-256 scalar.
pub(crate) const SCALAR_LEN: usize = 32;
/// Length of a fixed-size ECDSA P-256 signature (`r‖s`).
pub(crate) const SIGNATURE_LEN: usize = 64;
/// Length of the AES-GCM tag.
pub(crate) const AEAD_TAG_LEN: usize = 16;
/// Length of an AES-GCM nonce.
pub(crate) const AEAD_NONCE_LEN: usize = 12;

/// The opaque failure of any cryptographic operation.
///
/// Deliberately carries no detail: a wrong key, a tampered ciphertext, a
/// wrong AAD or a wrong `info` are indistinguishable to the caller.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("cryptographic operation failed")]
pub struct CryptoError;

pub(crate) mod group;
pub(crate) mod hpke_dh;

#[cfg(test)]
mod third_party_tests;
