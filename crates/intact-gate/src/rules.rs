//! Stable rule identifiers (kebab-case). They appear in reports, JSON and exception files; never
//! rename one.

use std::fmt;
use std::str::FromStr;

use serde::Serialize;

/// What a finding is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum RuleId {
    /// A deny-listed (withheld) string was found. Never exceptable.
    DenyListMatch,
    /// A PDF has more than one revision (incremental updates keep earlier content).
    PdfIncrementalUpdate,
    /// A PDF has an annotation other than a plain Link or a form Widget.
    PdfAnnotation,
    /// A PDF form field holds a filled-in text value.
    PdfFormFieldValue,
    /// A PDF has an embedded file (attachment).
    PdfAttachment,
    /// A PDF has JavaScript.
    PdfJavascript,
    /// Text is drawn under (or in the same dark colour over) a filled rectangle: a fake redaction.
    PdfTextUnderBox,
    /// A PDF stream (other than image data) cannot be decoded, so its text cannot be checked.
    PdfUndecodableStream,
    /// An image carries GPS position data (EXIF GPS IFD or XMP GPS properties).
    ImageGps,
    /// An image carries an embedded thumbnail (EXIF IFD1, Photoshop or XMP thumbnail).
    ImageThumbnail,
    /// An image has data after its end marker.
    ImageTrailingData,
    /// A Word-processing (OOXML) document has tracked changes.
    DocxTrackedChanges,
    /// An OOXML document has comments.
    DocxComments,
    /// An OpenDocument file has tracked changes.
    OdtTrackedChanges,
    /// An OpenDocument file has annotations (comments).
    OdtAnnotations,
    /// An office document carries a thumbnail picture of its content.
    OfficeThumbnail,
    /// A file cannot be read or parsed (corrupt, truncated, encrypted): fail closed.
    UnreadableFile,
    /// A binary file of a type the gate cannot inspect.
    UnsupportedFileType,
    /// A file is larger than the gate loads into memory.
    FileTooLargeToScan,
    /// Decompressed content exceeded the bound (zip bomb protection).
    DecompressionLimitExceeded,
    /// A symbolic link, device, socket or FIFO in the source tree.
    SpecialFile,
}

impl RuleId {
    /// Every rule, in a stable order.
    pub const ALL: [RuleId; 21] = [
        RuleId::DenyListMatch,
        RuleId::PdfIncrementalUpdate,
        RuleId::PdfAnnotation,
        RuleId::PdfFormFieldValue,
        RuleId::PdfAttachment,
        RuleId::PdfJavascript,
        RuleId::PdfTextUnderBox,
        RuleId::PdfUndecodableStream,
        RuleId::ImageGps,
        RuleId::ImageThumbnail,
        RuleId::ImageTrailingData,
        RuleId::DocxTrackedChanges,
        RuleId::DocxComments,
        RuleId::OdtTrackedChanges,
        RuleId::OdtAnnotations,
        RuleId::OfficeThumbnail,
        RuleId::UnreadableFile,
        RuleId::UnsupportedFileType,
        RuleId::FileTooLargeToScan,
        RuleId::DecompressionLimitExceeded,
        RuleId::SpecialFile,
    ];

    /// The stable kebab-case id.
    pub fn as_str(self) -> &'static str {
        match self {
            RuleId::DenyListMatch => "deny-list-match",
            RuleId::PdfIncrementalUpdate => "pdf-incremental-update",
            RuleId::PdfAnnotation => "pdf-annotation",
            RuleId::PdfFormFieldValue => "pdf-form-field-value",
            RuleId::PdfAttachment => "pdf-attachment",
            RuleId::PdfJavascript => "pdf-javascript",
            RuleId::PdfTextUnderBox => "pdf-text-under-box",
            RuleId::PdfUndecodableStream => "pdf-undecodable-stream",
            RuleId::ImageGps => "image-gps",
            RuleId::ImageThumbnail => "image-thumbnail",
            RuleId::ImageTrailingData => "image-trailing-data",
            RuleId::DocxTrackedChanges => "docx-tracked-changes",
            RuleId::DocxComments => "docx-comments",
            RuleId::OdtTrackedChanges => "odt-tracked-changes",
            RuleId::OdtAnnotations => "odt-annotations",
            RuleId::OfficeThumbnail => "office-thumbnail",
            RuleId::UnreadableFile => "unreadable-file",
            RuleId::UnsupportedFileType => "unsupported-file-type",
            RuleId::FileTooLargeToScan => "file-too-large-to-scan",
            RuleId::DecompressionLimitExceeded => "decompression-limit-exceeded",
            RuleId::SpecialFile => "special-file",
        }
    }

    /// Whether a reviewed exception may waive this rule. Deny-list matches never can.
    pub fn exceptable(self) -> bool {
        self != RuleId::DenyListMatch
    }

    /// The rules that run with or without a deny-list (all but [`RuleId::DenyListMatch`]).
    pub fn structural() -> Vec<RuleId> {
        RuleId::ALL
            .iter()
            .copied()
            .filter(|r| *r != RuleId::DenyListMatch)
            .collect()
    }
}

impl fmt::Display for RuleId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The text is not a known rule id.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown rule id")]
pub struct UnknownRule;

impl FromStr for RuleId {
    type Err = UnknownRule;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        RuleId::ALL
            .iter()
            .copied()
            .find(|r| r.as_str() == s)
            .ok_or(UnknownRule)
    }
}
