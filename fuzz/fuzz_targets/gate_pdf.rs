//! libFuzzer target `gate_pdf`: [`intact_fuzz::gate::pdf`] (docs/SECURITY.md).
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| intact_fuzz::gate::pdf(data));
