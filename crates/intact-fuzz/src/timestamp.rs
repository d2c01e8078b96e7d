//! Target of trusted time (FORMAT.md §16): an RFC 3161 token, as `verify --tsa-certs` reads it
//! from a file beside a bundle.

use std::path::Path;

use intact_format::limits::Limits;
use intact_format::timestamp::{check_token, read_reply, TsaRoots};

/// The statement the vectors' tokens are over (`tests/vectors/timestamps/release.json`).
const RELEASE_JSON: &[u8] = include_bytes!("../../../tests/vectors/timestamps/release.json");
/// The root of the vectors' ECDSA TSA.
const ROOT_PEM: &[u8] =
    include_bytes!("../../../tests/vectors/timestamps/cases/good-ecdsa-p256/tsa-roots.pem");

/// A time-stamp token checked against the vectors' root over their statement: no panic; a
/// trusted token is trusted again with the same time, and over no other statement. The same
/// bytes read as a TSA's reply and as a PEM roots file do not panic either.
pub fn timestamp_token(data: &[u8]) {
    let limits = Limits::DEFAULT;
    let roots = TsaRoots::parse(ROOT_PEM, Path::new("tsa-roots.pem")).expect("the root parses");
    if let Ok(stamp) = check_token(data, RELEASE_JSON, None, &roots, &limits) {
        let again = check_token(data, RELEASE_JSON, None, &roots, &limits);
        assert_eq!(again.ok(), Some(stamp), "a trusted token is trusted again");
        assert!(
            check_token(data, b"{}", None, &roots, &limits).is_err(),
            "a token is over one statement"
        );
    }
    let _ = read_reply(data, &limits);
    let _ = TsaRoots::parse(data, Path::new("fuzz.pem"));
}
