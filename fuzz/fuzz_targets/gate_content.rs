//! libFuzzer target `gate_content`: [`intact_fuzz::gate::content`] (docs/SECURITY.md).
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| intact_fuzz::gate::content(data));
