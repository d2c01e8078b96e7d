//! libFuzzer target `bagit_txt`: [`intact_fuzz::bagit::bagit_txt`] (docs/SECURITY.md).
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| intact_fuzz::bagit::bagit_txt(data));
