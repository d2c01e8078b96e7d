//! BagIt versions and the rules that changed between the drafts (0.93–0.97) and RFC 8493 (1.0).

use std::fmt;

/// A declared `BagIt-Version: M.N`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Version {
    pub major: u32,
    pub minor: u32,
}

/// The versions this validator knows the rules of.
pub const KNOWN: [Version; 6] = [
    Version {
        major: 0,
        minor: 93,
    },
    Version {
        major: 0,
        minor: 94,
    },
    Version {
        major: 0,
        minor: 95,
    },
    Version {
        major: 0,
        minor: 96,
    },
    Version {
        major: 0,
        minor: 97,
    },
    Version { major: 1, minor: 0 },
];

impl Version {
    pub const V1_0: Version = Version { major: 1, minor: 0 };

    /// Parses `M.N` where M and N are ASCII digits (no sign, no spaces, no leading dot).
    pub fn parse(s: &str) -> Option<Version> {
        let (major, minor) = s.split_once('.')?;
        let digits =
            |p: &str| !p.is_empty() && p.len() <= 9 && p.bytes().all(|b| b.is_ascii_digit());
        if !digits(major) || !digits(minor) {
            return None;
        }
        Some(Version {
            major: major.parse().ok()?,
            minor: minor.parse().ok()?,
        })
    }

    pub fn is_known(self) -> bool {
        KNOWN.contains(&self)
    }

    /// RFC 8493 §2.1.3: from 1.0 on, CR, LF and `%` in manifest and fetch paths are
    /// percent-encoded. The drafts encoded nothing.
    pub fn percent_encodes_paths(self) -> bool {
        self >= Self::V1_0
    }

    /// Drafts 0.93–0.95 called the metadata file `package-info.txt`; 0.96 renamed it.
    pub fn metadata_file_name(self) -> &'static str {
        if self
            < (Version {
                major: 0,
                minor: 96,
            })
        {
            "package-info.txt"
        } else {
            "bag-info.txt"
        }
    }

    /// From 1.0 on, listing a file twice in one manifest is an error even with the same
    /// checksum; the drafts tolerated it.
    pub fn forbids_duplicate_entries(self) -> bool {
        self >= Self::V1_0
    }

    /// From 1.0 on, every payload file must be in every payload manifest; the drafts only
    /// required each file to be in some manifest.
    pub fn requires_every_manifest(self) -> bool {
        self >= Self::V1_0
    }

    /// From 1.0 on, a metadata label must not start or end with whitespace.
    pub fn forbids_label_whitespace(self) -> bool {
        self >= Self::V1_0
    }
}

impl fmt::Display for Version {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{}", self.major, self.minor)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_digits_dot_digits() {
        assert_eq!(
            Version::parse("0.97"),
            Some(Version {
                major: 0,
                minor: 97
            })
        );
        assert_eq!(Version::parse("1.0"), Some(Version::V1_0));
        for bad in [
            ".97", "1.", "1", "1.0 ", " 1.0", "1.0.1", "a.b", "+1.0", "1.-0", "",
        ] {
            assert_eq!(Version::parse(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn version_rules() {
        let v093 = Version {
            major: 0,
            minor: 93,
        };
        let v097 = Version {
            major: 0,
            minor: 97,
        };
        assert_eq!(v093.metadata_file_name(), "package-info.txt");
        assert_eq!(v097.metadata_file_name(), "bag-info.txt");
        assert!(!v097.percent_encodes_paths());
        assert!(Version::V1_0.percent_encodes_paths());
        assert!(!v097.forbids_duplicate_entries());
        assert!(Version::V1_0.forbids_duplicate_entries());
        assert!(v093 < v097 && v097 < Version::V1_0);
    }
}
