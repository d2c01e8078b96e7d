//! libFuzzer target `bundle`: [`intact_fuzz::format::bundle`] (docs/SECURITY.md).
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| intact_fuzz::format::bundle(data));
