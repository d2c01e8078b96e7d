//! libFuzzer target `tlog_proof`: [`intact_fuzz::format::tlog_proof`] (docs/SECURITY.md).
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| intact_fuzz::format::tlog_proof(data));
