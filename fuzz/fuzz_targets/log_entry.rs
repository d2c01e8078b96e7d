//! libFuzzer target `log_entry`: [`intact_fuzz::ops::log_entry`] (docs/SECURITY.md).
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| intact_fuzz::ops::log_entry(data));
