//! The bag file parsers never panic, whatever bytes they are given.

use intact::bagit::parse;
use proptest::prelude::*;

fn versions() -> impl Strategy<Value = parse::Version> {
    prop_oneof![
        Just(parse::Version {
            major: 0,
            minor: 93
        }),
        Just(parse::Version {
            major: 0,
            minor: 97
        }),
        Just(parse::Version { major: 1, minor: 0 }),
    ]
}

/// Text biased towards the characters these formats care about.
fn bagish_text() -> impl Strategy<Value = String> {
    proptest::collection::vec(
        prop_oneof![
            Just(":".to_owned()),
            Just(" ".to_owned()),
            Just("\t".to_owned()),
            Just("\r".to_owned()),
            Just("\n".to_owned()),
            Just("%".to_owned()),
            Just("%25".to_owned()),
            Just("%0A".to_owned()),
            Just("data/".to_owned()),
            Just("../".to_owned()),
            Just("./".to_owned()),
            Just("*".to_owned()),
            Just("~".to_owned()),
            Just("Payload-Oxum".to_owned()),
            "[0-9a-f]{1,40}",
            "\\PC{0,8}",
        ],
        0..40,
    )
    .prop_map(|parts| parts.concat())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn manifest_parser_never_panics(text in bagish_text(), any_text in "\\PC*", v in versions()) {
        for kind in [parse::ManifestKind::Payload, parse::ManifestKind::Tag] {
            for alg in [None, Some(parse::Algorithm::Md5), Some(parse::Algorithm::Sha512)] {
                let _ = parse::manifest(&text, "manifest-md5.txt", kind, alg, v);
                let _ = parse::manifest(&any_text, "manifest-md5.txt", kind, alg, v);
            }
        }
    }

    #[test]
    fn metadata_parser_never_panics(text in bagish_text(), any_text in "\\PC*", v in versions()) {
        let _ = parse::metadata(&text, "bag-info.txt", v);
        let _ = parse::metadata(&any_text, "bag-info.txt", v);
        let _ = parse::Oxum::parse(&text);
    }

    #[test]
    fn declaration_fetch_and_paths_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..200), text in bagish_text(), v in versions()) {
        let _ = parse::declaration(&bytes);
        let _ = parse::fetch(&text, v);
        let _ = parse::filepath(&text, v);
        let _ = parse::percent_decode(&text);
    }

    #[test]
    fn decoded_paths_are_safe_and_normalized(text in bagish_text(), v in versions()) {
        if let Ok(p) = parse::filepath(&text, v) {
            prop_assert!(!p.path.starts_with('/'));
            prop_assert!(!p.path.starts_with('~'));
            prop_assert!(!p.path.split('/').any(|s| s == ".." || s == "." || s.is_empty()));
        }
    }
}
