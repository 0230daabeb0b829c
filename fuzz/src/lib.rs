//! Fuzz targets of luca-protocol's decoders (cargo-fuzz crate, outside the workspace). The targets themselves
//! live in [`targets`], the file `luca-protocol/tests/support/fuzz_targets.rs` (inside luca-protocol, so that
//! its published package carries them for its property tests), which the stable corpus replay test
//! `luca-protocol/tests/corpus.rs` includes too; each `fuzz_targets/<name>.rs` only hands libFuzzer's input to
//! `targets::<name>`. See `fuzz/README.md`.

#[path = "../../luca-protocol/tests/support/fuzz_targets.rs"]
pub mod targets;
