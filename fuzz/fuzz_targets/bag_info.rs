//! libFuzzer target `bag_info`: [`intact_fuzz::bagit::bag_info`] (docs/SECURITY.md).
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| intact_fuzz::bagit::bag_info(data));
