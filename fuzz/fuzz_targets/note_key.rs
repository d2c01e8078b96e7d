//! libFuzzer target `note_key`: [`intact_fuzz::format::note_key`] (docs/SECURITY.md).
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| intact_fuzz::format::note_key(data));
