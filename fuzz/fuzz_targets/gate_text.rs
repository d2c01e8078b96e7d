//! libFuzzer target `gate_text`: [`intact_fuzz::gate::text`] (docs/SECURITY.md).
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| intact_fuzz::gate::text(data));
