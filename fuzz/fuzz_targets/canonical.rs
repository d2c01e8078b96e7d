//! libFuzzer target `canonical`: [`intact_fuzz::format::canonical`] (docs/SECURITY.md).
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| intact_fuzz::format::canonical(data));
