//! libFuzzer target `allowed_signers`: [`intact_fuzz::format::allowed_signers`] (docs/SECURITY.md).
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| intact_fuzz::format::allowed_signers(data));
