//! QR payloads (guest check-in, badge, venue) and their rendering.

pub mod badge;
pub mod base32;
pub mod guest;
#[cfg(feature = "render")]
pub mod render;
pub mod scanned;
pub mod venue;
