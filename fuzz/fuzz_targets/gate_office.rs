//! libFuzzer target `gate_office`: [`intact_fuzz::gate::office`] (docs/SECURITY.md).
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| intact_fuzz::gate::office(data));
