//! libFuzzer target `bundle_tree`: [`intact_fuzz::format::bundle_tree`] (docs/SECURITY.md).
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| intact_fuzz::format::bundle_tree(data));
