//! libFuzzer target `statement`: [`intact_fuzz::format::statement`] (docs/SECURITY.md).
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| intact_fuzz::format::statement(data));
