#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let _ = luca_fuzz::targets::guest_qr_bytes(data);
});
