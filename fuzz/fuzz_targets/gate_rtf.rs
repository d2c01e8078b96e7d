//! libFuzzer target `gate_rtf`: [`intact_fuzz::gate::rtf`] (docs/SECURITY.md).
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| intact_fuzz::gate::rtf(data));
