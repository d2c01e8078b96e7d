//! The one problem type: a finding about a bundle (or, in `pack`, about its inputs), with the
//! check it belongs to, where it is, and what is wrong. The operations layer (`intact`) reports
//! a bad source file or metadata row with it too.
//!
//! Every reader reports through it: opening a bundle ([`crate::bundle::Bundle::problems`]: the
//! `container` and `names` checks), the ZIP reader ([`crate::container::Container::problems`]),
//! the manifest line parser ([`crate::bag::parse_manifest`]: a path of `file:line`) and each
//! check of [`verify`](mod@crate::verify). The verification report (FORMAT.md §10) lists them
//! as they are.
//!
//! One other type remains, on purpose: [`crate::container::ContainerProblem`] is not a finding
//! but the reason there is no report at all (a file that is no readable ZIP). Its entry name
//! is optional rather than empty-when-absent because its message names the entry whenever
//! there is one, even an entry whose name is empty.

use serde::Serialize;

/// Which rule a problem breaks: the checks of FORMAT.md §9, in report order ([`Check::ALL`]),
/// then the two checks `intact pack` makes of its inputs before any bundle exists.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Check {
    Container,
    Names,
    Bag,
    Statement,
    Signatures,
    TagFiles,
    TagManifest,
    Manifest,
    Payload,
    Merkle,
    /// A source file `pack` cannot publish (path: the file's path as given).
    Source,
    /// A row of the item metadata given to `pack` (path: "row N" or "item N", METADATA.md).
    Metadata,
    /// Trusted time (FORMAT.md §16): fewer trusted time-stamp tokens than required, or tokens
    /// judged over another `release.json` than the one verified. Not a check of §9.
    Timestamps,
}

impl Check {
    /// The checks of FORMAT.md §9, in report order.
    pub const ALL: [Check; 10] = [
        Check::Container,
        Check::Names,
        Check::Bag,
        Check::Statement,
        Check::Signatures,
        Check::TagFiles,
        Check::TagManifest,
        Check::Manifest,
        Check::Payload,
        Check::Merkle,
    ];

    /// The stable name used in reports.
    pub fn name(self) -> &'static str {
        match self {
            Check::Container => "container",
            Check::Names => "names",
            Check::Bag => "bag",
            Check::Statement => "statement",
            Check::Signatures => "signatures",
            Check::TagFiles => "tag-files",
            Check::TagManifest => "tag-manifest",
            Check::Manifest => "manifest",
            Check::Payload => "payload",
            Check::Merkle => "merkle",
            Check::Source => "source",
            Check::Metadata => "metadata",
            Check::Timestamps => "timestamps",
        }
    }
}

/// One thing wrong with the bundle.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Problem {
    pub check: Check,
    /// Bag-relative path (or ZIP entry name for container problems); empty for the whole file.
    pub path: String,
    pub message: String,
}

impl Problem {
    /// A problem found by `check` at `path`.
    pub fn new(check: Check, path: impl Into<String>, message: impl Into<String>) -> Problem {
        Problem {
            check,
            path: path.into(),
            message: message.into(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_the_report_names_in_order() {
        let names: Vec<&str> = Check::ALL.iter().map(|c| c.name()).collect();
        let json: Vec<String> = Check::ALL
            .iter()
            .map(|c| serde_json::to_string(c).unwrap())
            .collect();
        for (n, j) in names.iter().zip(&json) {
            assert_eq!(format!("\"{n}\""), *j);
        }
        assert!(Check::ALL.windows(2).all(|w| w[0] < w[1]));
    }

    #[test]
    fn problem_serializes_as_the_report_shows_it() {
        let p = Problem::new(Check::TagManifest, "bagit.txt", "missing");
        assert_eq!(
            serde_json::to_string(&p).unwrap(),
            r#"{"check":"tag-manifest","path":"bagit.txt","message":"missing"}"#
        );
    }
}
