//! luca-client
