#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let _ = luca_fuzz::targets::legacy_checkin_json(data);
});
