//! libFuzzer target `sshsig_blob`: [`intact_fuzz::format::sshsig_blob`] (docs/SECURITY.md).
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| intact_fuzz::format::sshsig_blob(data));
