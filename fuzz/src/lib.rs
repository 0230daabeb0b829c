//! Fuzz targets of luca-protocol's decoders (cargo-fuzz crate, outside the workspace). The targets themselves
//! live in [`targets`], which the stable corpus replay test `luca-protocol/tests/corpus.rs` includes too; each
//! `fuzz_targets/<name>.rs` only hands libFuzzer's input to `targets::<name>`. See `fuzz/README.md`.

pub mod targets;
