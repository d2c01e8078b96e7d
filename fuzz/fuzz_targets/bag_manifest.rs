//! libFuzzer target `bag_manifest`: [`intact_fuzz::bagit::bag_manifest`] (docs/SECURITY.md).
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| intact_fuzz::bagit::bag_manifest(data));
