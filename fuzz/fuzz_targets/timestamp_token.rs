//! libFuzzer target `timestamp_token`: [`intact_fuzz::timestamp::timestamp_token`] (docs/SECURITY.md).
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| intact_fuzz::timestamp::timestamp_token(data));
