//! The check `signatures` (FORMAT.md §7, docs/TRUST.md): every signature file sound, and enough
//! trusted signers.

use time::OffsetDateTime;

use crate::bag;
use crate::problem::{Check, Problem};
use crate::trust::{self, Revocations, SignatureCheck, TrustPolicy};

/// One member under `intact/signatures/`: its bag path, and its bytes when they could be read
/// (one that could not is a `container` problem already, and is not checked again).
pub(super) struct SignatureFile<'a> {
    pub(super) path: &'a str,
    pub(super) bytes: Option<&'a [u8]>,
}

/// Whom to trust, and how many of them must have signed.
pub(super) struct Trust<'a> {
    pub(super) policy: &'a TrustPolicy,
    pub(super) revocations: &'a Revocations,
    /// Distinct trusted principals required (0: none, for a consistency check).
    pub(super) threshold: usize,
}

/// What the signatures say: one result per signature file, and the distinct trusted
/// principals among the valid ones.
#[derive(Default)]
pub(super) struct Signatures {
    pub(super) checks: Vec<SignatureCheck>,
    pub(super) signers: Vec<String>,
}

/// Check `signatures` (FORMAT.md §7): each signature file is a well-formed SSHSIG for
/// `intact-release` that verifies over `release_json` and is named after its key; keys are
/// judged by `trust` at time `at` (the release's `created`, or the caller's), and at least
/// `trust.threshold` distinct trusted principals signed. Without `release_json` or a time
/// nothing can be checked, which is itself a problem.
pub(super) fn check_signatures(
    files: &[SignatureFile],
    release_json: Option<&[u8]>,
    at: Option<OffsetDateTime>,
    trust: &Trust,
) -> (Vec<Problem>, Signatures) {
    let dir = bag::SIGNATURES_DIR.trim_end_matches('/');
    let (Some(release_json), Some(at)) = (release_json, at) else {
        let p = Problem::new(
            Check::Signatures,
            dir,
            "signatures cannot be checked without a readable statement",
        );
        return (vec![p], Signatures::default());
    };
    let mut problems = Vec::new();
    let mut checks = Vec::new();
    for file in files {
        let Some(bytes) = file.bytes else {
            continue;
        };
        let check = trust::check_signature(
            file.path,
            bag::SIGNATURES_DIR,
            bytes,
            release_json,
            trust.policy,
            trust.revocations,
            at,
        );
        if check.status.is_broken() {
            problems.push(Problem::new(
                Check::Signatures,
                file.path,
                check.detail.clone(),
            ));
        }
        checks.push(check);
    }
    let signers = trust::valid_principals(&checks);
    if signers.len() < trust.threshold {
        let message = if files.is_empty() {
            "unsigned: no signature in intact/signatures/".to_string()
        } else {
            format!(
                "{} valid signature(s) by trusted principals; {} required",
                signers.len(),
                trust.threshold
            )
        };
        problems.push(Problem::new(Check::Signatures, dir, message));
    }
    (problems, Signatures { checks, signers })
}

#[cfg(test)]
mod tests {
    use super::super::fixture;
    use super::*;
    use crate::release;
    use crate::trust::SignatureStatus;

    /// `check_signatures` over the fixture's statement, with `files` as `(path, bytes)`.
    fn check(files: &[(&str, &[u8])], threshold: usize) -> (Vec<Problem>, Signatures) {
        let release_json = &fixture::files()[bag::RELEASE_PATH];
        let files: Vec<SignatureFile> = files
            .iter()
            .map(|(path, b)| SignatureFile {
                path,
                bytes: Some(b),
            })
            .collect();
        let policy = fixture::policy();
        let revocations = Revocations::default();
        let trust = Trust {
            policy: &policy,
            revocations: &revocations,
            threshold,
        };
        let at = release::parse_created("2026-01-15T09:00:00Z");
        let (problems, s) = check_signatures(&files, Some(release_json), at, &trust);
        assert!(problems.iter().all(|p| p.check == Check::Signatures));
        (problems, s)
    }

    fn valid_signature() -> (String, Vec<u8>) {
        let files = fixture::files();
        files
            .into_iter()
            .find(|(p, _)| p.starts_with(bag::SIGNATURES_DIR))
            .unwrap()
    }

    #[test]
    fn passes_a_valid_signature_by_a_trusted_key() {
        let (path, bytes) = valid_signature();
        let (problems, s) = check(&[(&path, &bytes)], 1);
        assert_eq!(problems, []);
        assert_eq!(s.signers, ["demo-office"]);
        assert_eq!(s.checks[0].status, SignatureStatus::Valid);
    }

    #[test]
    fn fails_an_unsigned_bundle_or_too_few_signers() {
        let (problems, _) = check(&[], 1);
        assert_eq!(problems.len(), 1);
        assert_eq!(problems[0].path, "intact/signatures");
        assert!(problems[0].message.starts_with("unsigned"));
        let (path, bytes) = valid_signature();
        let (problems, _) = check(&[(&path, &bytes)], 2);
        assert_eq!(problems.len(), 1);
        assert!(problems[0]
            .message
            .contains("1 valid signature(s) by trusted principals; 2 required"));
        let (problems, _) = check(&[], 0);
        assert_eq!(problems, [], "a consistency check needs no signer");
    }

    #[test]
    fn fails_a_malformed_or_misnamed_signature() {
        let (path, bytes) = valid_signature();
        let (problems, s) = check(&[(&path, b"hello")], 0);
        assert_eq!(problems.len(), 1);
        assert_eq!(problems[0].path, path);
        assert!(problems[0].message.contains("not an SSH signature"));
        assert_eq!(s.checks[0].status, SignatureStatus::Malformed);
        assert!(problems[0].message.contains("does not start with the line"));
        let other = format!("intact/signatures/{}.sig", "ab".repeat(32));
        let (problems, _) = check(&[(&other, &bytes)], 0);
        assert_eq!(problems.len(), 1);
        assert!(problems[0]
            .message
            .contains("not named after its key's fingerprint"));
        let (problems, _) = check(&[("intact/signatures/office.sig", &bytes)], 0);
        assert_eq!(problems.len(), 1);
        assert!(problems[0]
            .message
            .contains("not named after its key's fingerprint"));
    }

    #[test]
    fn fails_a_signature_over_another_statement() {
        let (path, bytes) = valid_signature();
        let files = [SignatureFile {
            path: &path,
            bytes: Some(&bytes),
        }];
        let policy = fixture::policy();
        let revocations = Revocations::default();
        let trust = Trust {
            policy: &policy,
            revocations: &revocations,
            threshold: 1,
        };
        let at = release::parse_created("2026-01-15T09:00:00Z");
        let (problems, s) = check_signatures(&files, Some(b"{}"), at, &trust);
        assert_eq!(problems.len(), 2);
        assert!(problems[0]
            .message
            .contains("does not match this release.json"));
        assert!(problems[1].message.contains("0 valid signature(s)"));
        assert!(s.signers.is_empty());
        let (problems, _) = check_signatures(&files, None, at, &trust);
        assert_eq!(problems.len(), 1);
        assert!(problems[0]
            .message
            .contains("cannot be checked without a readable statement"));
    }

    /// Issue 14: text around the armor, another wrapping, a CRLF armor, and an SSHSIG prefix
    /// naming `ssh-rsa` followed by text each break the bundle; none rides along.
    #[test]
    fn fails_any_signature_file_that_is_not_exactly_ssh_keygen_s_armor() {
        let (path, bytes) = valid_signature();
        let text = String::from_utf8(bytes.clone()).unwrap();
        let body: String = text.lines().filter(|l| !l.starts_with("-----")).collect();
        let mut rewrapped = String::from("-----BEGIN SSH SIGNATURE-----\n");
        for c in body.as_bytes().chunks(64) {
            rewrapped.push_str(std::str::from_utf8(c).unwrap());
            rewrapped.push('\n');
        }
        rewrapped.push_str("-----END SSH SIGNATURE-----\n");
        let mut junk = b"SSHSIG\0\0\0\x01\0\0\0\x07ssh-rsa".to_vec();
        junk.extend(b"hidden words");
        let dressed_junk = format!("note\n{}after\n", crate::sshsig::armor(&junk));
        let variants = [
            format!("{text}anything after the end\n"),
            format!("anything before\n{text}"),
            format!("{text}\n"),
            text.replace('\n', "\r\n"),
            rewrapped,
            crate::sshsig::armor(&junk),
            dressed_junk,
        ];
        for v in &variants {
            let (problems, s) = check(&[(&path, v.as_bytes())], 0);
            assert_eq!(problems.len(), 1, "{v:?}");
            assert_eq!(problems[0].path, path);
            assert_eq!(s.checks[0].status, SignatureStatus::Malformed, "{v:?}");
        }
    }

    /// A well-formed signature by a key type intact does not verify, named after its key, does
    /// not count and does not break the bundle.
    #[test]
    fn passes_over_a_well_formed_ecdsa_signature_that_does_not_count() {
        let dir = tempfile::tempdir().unwrap();
        let key = dir.path().join("ec");
        let msg = dir.path().join("release.json");
        std::fs::write(&msg, &fixture::files()[bag::RELEASE_PATH]).unwrap();
        for args in [
            vec!["-q", "-t", "ecdsa", "-N", "", "-f"],
            vec!["-q", "-Y", "sign", "-n", "intact-release", "-f"],
        ] {
            let mut c = std::process::Command::new("ssh-keygen");
            c.args(&args).arg(&key);
            if args.contains(&"sign") {
                c.arg(&msg);
            }
            assert!(c.status().unwrap().success());
        }
        let sig = std::fs::read(dir.path().join("release.json.sig")).unwrap();
        let blob = crate::sshsig::read_exact(&sig).unwrap().key_blob;
        let name = format!(
            "{}{}",
            bag::SIGNATURES_DIR,
            crate::sign::signature_file_name(&blob)
        );
        let (problems, s) = check(&[(&name, &sig)], 0);
        assert_eq!(problems, []);
        assert_eq!(s.checks[0].status, SignatureStatus::UnsupportedKey);
        assert!(s.signers.is_empty());
        let other = format!("intact/signatures/{}.sig", "ab".repeat(32));
        let (problems, _) = check(&[(&other, &sig)], 0);
        assert!(problems[0].message.contains("not named after its key"));
    }
}
