//! The validation report: every problem found, with where it is, plus payload counts.

use std::fmt;
use std::path::{Path, PathBuf};

/// How bad a problem is: an error makes the bag invalid, a warning does not.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Severity {
    Error,
    Warning,
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
        })
    }
}

/// Stable machine-readable problem codes. The strings (see [`Code::as_str`]) are part of the
/// JSON report and documented in docs/BAGIT.md; never rename one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Code {
    // bag declaration (bagit.txt)
    MissingBagitTxt,
    BagitTxtBom,
    MalformedBagitTxt,
    InvalidVersion,
    UnsupportedVersion,
    MissingEncoding,
    UnsupportedEncoding,
    NonUtf8TagEncoding,
    // any tag file
    InvalidEncoding,
    TagFileBom,
    BlankLine,
    UnreadableFile,
    // bag metadata (bag-info.txt)
    MalformedMetadataLine,
    LabelWhitespace,
    MetadataSeparator,
    MalformedPayloadOxum,
    RepeatedPayloadOxum,
    PayloadOxumMismatch,
    PayloadOxumUnchecked,
    NoPayloadOxum,
    // structure
    MissingPayloadDir,
    NoPayloadManifest,
    // manifests
    UnknownAlgorithm,
    MalformedManifestLine,
    MalformedChecksum,
    Md5sumBinaryMarker,
    DotSlashPrefix,
    NonNormalizedPath,
    UnencodedPercent,
    UnsafePath,
    PathNotInPayload,
    PayloadFileInTagManifest,
    DuplicateEntry,
    ConflictingEntry,
    // completeness
    MissingFile,
    NotAFile,
    UnlistedFile,
    NotInEveryManifest,
    AssumesCaseInsensitiveFs,
    AssumesNormalizingFs,
    MissingSystemFile,
    CaseCollision,
    NormalizationCollision,
    SystemFile,
    Symlink,
    SpecialFile,
    NonUtf8Filename,
    // fixity
    ChecksumMismatch,
    // fetch.txt
    FetchFile,
    MalformedFetchLine,
    MalformedFetchUrl,
    FetchNotInManifest,
    NotYetFetched,
}

impl Code {
    /// The stable string for this code, e.g. `"missing-file"`.
    pub fn as_str(self) -> &'static str {
        match self {
            Code::MissingBagitTxt => "missing-bagit-txt",
            Code::BagitTxtBom => "bagit-txt-bom",
            Code::MalformedBagitTxt => "malformed-bagit-txt",
            Code::InvalidVersion => "invalid-version",
            Code::UnsupportedVersion => "unsupported-version",
            Code::MissingEncoding => "missing-encoding",
            Code::UnsupportedEncoding => "unsupported-encoding",
            Code::NonUtf8TagEncoding => "non-utf8-tag-encoding",
            Code::InvalidEncoding => "invalid-encoding",
            Code::TagFileBom => "tag-file-bom",
            Code::BlankLine => "blank-line",
            Code::UnreadableFile => "unreadable-file",
            Code::MalformedMetadataLine => "malformed-metadata-line",
            Code::LabelWhitespace => "label-whitespace",
            Code::MetadataSeparator => "metadata-separator",
            Code::MalformedPayloadOxum => "malformed-payload-oxum",
            Code::RepeatedPayloadOxum => "repeated-payload-oxum",
            Code::PayloadOxumMismatch => "payload-oxum-mismatch",
            Code::PayloadOxumUnchecked => "payload-oxum-unchecked",
            Code::NoPayloadOxum => "no-payload-oxum",
            Code::MissingPayloadDir => "missing-payload-dir",
            Code::NoPayloadManifest => "no-payload-manifest",
            Code::UnknownAlgorithm => "unknown-algorithm",
            Code::MalformedManifestLine => "malformed-manifest-line",
            Code::MalformedChecksum => "malformed-checksum",
            Code::Md5sumBinaryMarker => "md5sum-binary-marker",
            Code::DotSlashPrefix => "dot-slash-prefix",
            Code::NonNormalizedPath => "non-normalized-path",
            Code::UnencodedPercent => "unencoded-percent",
            Code::UnsafePath => "unsafe-path",
            Code::PathNotInPayload => "path-not-in-payload",
            Code::PayloadFileInTagManifest => "payload-file-in-tag-manifest",
            Code::DuplicateEntry => "duplicate-entry",
            Code::ConflictingEntry => "conflicting-entry",
            Code::MissingFile => "missing-file",
            Code::NotAFile => "not-a-file",
            Code::UnlistedFile => "unlisted-file",
            Code::NotInEveryManifest => "not-in-every-manifest",
            Code::AssumesCaseInsensitiveFs => "assumes-case-insensitive-fs",
            Code::AssumesNormalizingFs => "assumes-normalizing-fs",
            Code::MissingSystemFile => "missing-system-file",
            Code::CaseCollision => "case-collision",
            Code::NormalizationCollision => "normalization-collision",
            Code::SystemFile => "system-file",
            Code::Symlink => "symlink",
            Code::SpecialFile => "special-file",
            Code::NonUtf8Filename => "non-utf8-filename",
            Code::ChecksumMismatch => "checksum-mismatch",
            Code::FetchFile => "fetch-file",
            Code::MalformedFetchLine => "malformed-fetch-line",
            Code::MalformedFetchUrl => "malformed-fetch-url",
            Code::FetchNotInManifest => "fetch-not-in-manifest",
            Code::NotYetFetched => "not-yet-fetched",
        }
    }
}

impl fmt::Display for Code {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One thing wrong (error) or worth knowing (warning) about a bag.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub severity: Severity,
    /// The bag file the problem is in or about, relative to the bag root
    /// (e.g. `manifest-md5.txt`, `data/a.txt`); empty for the bag as a whole.
    pub file: PathBuf,
    /// 1-based line number in `file`, when the problem is on a line.
    pub line: Option<usize>,
    pub code: Code,
    pub message: String,
}

impl Problem {
    pub fn error(
        code: Code,
        file: impl Into<PathBuf>,
        line: Option<usize>,
        message: impl Into<String>,
    ) -> Self {
        Problem {
            severity: Severity::Error,
            file: file.into(),
            line,
            code,
            message: message.into(),
        }
    }

    pub fn warning(
        code: Code,
        file: impl Into<PathBuf>,
        line: Option<usize>,
        message: impl Into<String>,
    ) -> Self {
        Problem {
            severity: Severity::Warning,
            file: file.into(),
            line,
            code,
            message: message.into(),
        }
    }
}

/// The result of validating one bag.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BagReport {
    /// The bag directory as given.
    pub bag: PathBuf,
    /// `BagIt-Version` as declared in bagit.txt, when it could be read.
    pub version: Option<String>,
    pub problems: Vec<Problem>,
    /// Regular files found in the payload directory.
    pub files: u64,
    /// Total size of those files, in bytes.
    pub bytes: u64,
    /// Algorithms of the payload manifests, sorted (e.g. `["md5", "sha256"]`).
    pub algorithms: Vec<String>,
}

impl BagReport {
    /// True when no problem is an error.
    pub fn valid(&self) -> bool {
        self.errors() == 0
    }

    pub fn errors(&self) -> usize {
        self.problems
            .iter()
            .filter(|p| p.severity == Severity::Error)
            .count()
    }

    pub fn warnings(&self) -> usize {
        self.problems
            .iter()
            .filter(|p| p.severity == Severity::Warning)
            .count()
    }

    /// Whether any problem has this code.
    pub fn has(&self, code: Code) -> bool {
        self.problems.iter().any(|p| p.code == code)
    }

    /// The stable JSON form documented in docs/BAGIT.md. Paths that are not UTF-8 are written
    /// lossily (U+FFFD for undecodable bytes).
    pub fn to_json(&self) -> serde_json::Value {
        let problems: Vec<serde_json::Value> = self
            .problems
            .iter()
            .map(|p| {
                serde_json::json!({
                    "severity": p.severity.to_string(),
                    "file": p.file.to_string_lossy(),
                    "line": p.line,
                    "code": p.code.as_str(),
                    "message": p.message,
                })
            })
            .collect();
        serde_json::json!({
            "bag": self.bag.to_string_lossy(),
            "valid": self.valid(),
            "version": self.version,
            "errors": self.errors(),
            "warnings": self.warnings(),
            "problems": problems,
            "files": self.files,
            "bytes": self.bytes,
            "algorithms": self.algorithms,
        })
    }

    /// One human-readable line per problem: `BAG/FILE:LINE: error|warning: message [code]`.
    pub fn problem_lines(&self) -> Vec<String> {
        self.problems
            .iter()
            .map(|p| format_problem(&self.bag, p))
            .collect()
    }
}

fn format_problem(bag: &Path, p: &Problem) -> String {
    let mut location = bag.join(&p.file).display().to_string();
    if let Some(line) = p.line {
        location.push_str(&format!(":{line}"));
    }
    format!("{location}: {}: {} [{}]", p.severity, p.message, p.code)
}
