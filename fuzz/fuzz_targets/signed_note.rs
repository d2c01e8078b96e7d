//! libFuzzer target `signed_note`: [`intact_fuzz::format::signed_note`] (docs/SECURITY.md).
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| intact_fuzz::format::signed_note(data));
