//! libFuzzer target `proof`: [`intact_fuzz::format::proof`] (docs/SECURITY.md).
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| intact_fuzz::format::proof(data));
