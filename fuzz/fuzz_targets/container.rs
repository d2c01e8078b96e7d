//! libFuzzer target `container`: [`intact_fuzz::format::container`] (docs/SECURITY.md).
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| intact_fuzz::format::container(data));
