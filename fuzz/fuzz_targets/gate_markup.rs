//! libFuzzer target `gate_markup`: [`intact_fuzz::gate::markup`] (docs/SECURITY.md).
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| intact_fuzz::gate::markup(data));
