//! libFuzzer target `sshsig_armor`: [`intact_fuzz::format::sshsig_armor`] (docs/SECURITY.md).
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| intact_fuzz::format::sshsig_armor(data));
