//! libFuzzer target `gate_image`: [`intact_fuzz::gate::image`] (docs/SECURITY.md).
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| intact_fuzz::gate::image(data));
