//! Shared helpers for the luca examples.
