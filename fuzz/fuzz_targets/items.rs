//! libFuzzer target `items`: [`intact_fuzz::format::items`] (docs/SECURITY.md).
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| intact_fuzz::format::items(data));
