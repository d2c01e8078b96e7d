//! libFuzzer target `gate_mime`: [`intact_fuzz::gate::mime`] (docs/SECURITY.md).
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| intact_fuzz::gate::mime(data));
