//! The uniffi bindings generator, pinned to this crate's uniffi version.
//!
//! `cargo run -p luca-ffi --features cli --bin uniffi-bindgen -- generate --library <path to libluca_ffi> --language python --out-dir <dir>`

fn main() {
    uniffi::uniffi_bindgen_main()
}
