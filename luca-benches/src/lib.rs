//! Benchmarks of the luca role crates, in `benches/` (this library is empty):
//!
//! * `guest`: the guest's device (check-in codes, history share), `cargo bench -p luca-benches --bench guest`;
//! * `notifications`: notification matching on the guest's device;
//! * `healthoffice`: trace ids, matching, consent records, key rotation, notification lists (1 and 2 threads);
//! * `matching_memory`: peak memory of matching, one process per N.
//!
//! Their fixtures are built with the real role APIs (guest app, scanner, health office), which is why they live
//! in a crate above every role crate. Figures and the commands that produced them: docs/PERFORMANCE.md.
