//! luca-venue
