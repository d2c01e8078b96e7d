//! libFuzzer target `scrub_image`: [`intact_fuzz::ops::scrub_image`] (docs/SECURITY.md).
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| intact_fuzz::ops::scrub_image(data));
