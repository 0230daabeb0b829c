//! luca-protocol
#![forbid(unsafe_code)]
pub(crate) mod cbor;
pub(crate) mod cose;
pub(crate) mod crypto;
pub mod derive;
pub mod error;
pub mod ids;
pub mod keys;
pub mod labels;
pub mod messages;
pub mod qr;
pub mod secrets;
pub mod signed;
pub mod tan;
pub mod time;
pub use crypto::CryptoError;
