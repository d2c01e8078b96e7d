//! libFuzzer target `revocations`: [`intact_fuzz::format::revocations`] (docs/SECURITY.md).
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| intact_fuzz::format::revocations(data));
