//! libFuzzer target `mirror_state`: [`intact_fuzz::ops::mirror_state`] (docs/SECURITY.md).
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| intact_fuzz::ops::mirror_state(data));
