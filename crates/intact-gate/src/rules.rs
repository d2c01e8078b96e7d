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

    /// How to fix a finding of this rule, in one sentence (shown once per rule under the
    /// findings, and in the JSON report's `hints`).
    pub fn hint(self) -> &'static str {
        match self {
            RuleId::DenyListMatch => "remove the withheld string from the file (redact it in the source document and export again, or leave the file out); no exception can waive it",
            RuleId::PdfIncrementalUpdate => "fix: intact scrub SRC -o OUT --pdf-revisions (rewrites the PDF as one revision, so earlier content is gone; docs/SCRUB.md)",
            RuleId::PdfAnnotation => "annotations (comments, highlights, sticky notes) are content: read them, then flatten them, or delete them with fix: intact scrub SRC -o OUT --pdf-annotations",
            RuleId::PdfFormFieldValue => "flatten the form (print to PDF) or clear the filled-in fields",
            RuleId::PdfAttachment => "publish the embedded files as items of their own, then fix: intact scrub SRC -o OUT --pdf-attachments (removes them from the PDF)",
            RuleId::PdfJavascript => "fix: intact scrub SRC -o OUT --pdf-javascript (removes the JavaScript and automatic actions)",
            RuleId::PdfTextUnderBox => "a box drawn over text hides nothing: delete the text itself (true redaction), then export the PDF again",
            RuleId::PdfUndecodableStream => "export the PDF again with standard compression, or add a reviewed exception after checking it by eye",
            RuleId::ImageGps => "fix: intact scrub SRC -o OUT (removes the EXIF GPS IFD and XMP GPS properties of JPEG, PNG and WebP without re-encoding; docs/SCRUB.md); a TIFF or other file: remove the location by hand and review it",
            RuleId::ImageThumbnail => "fix: intact scrub SRC -o OUT (removes the EXIF, XMP and Photoshop thumbnails of JPEG, PNG and WebP, which may show the unredacted picture; docs/SCRUB.md); a TIFF or other file: remove the thumbnail by hand and review it",
            RuleId::ImageTrailingData => "a PNG: fix: intact scrub SRC -o OUT (cuts the data after IEND); a JPEG or other image: look at the data after the image's end, then cut it (save the image again)",
            RuleId::DocxTrackedChanges => "accept or reject every tracked change and save again (or export to PDF)",
            RuleId::DocxComments => "delete the comments and save again (or export to PDF)",
            RuleId::OdtTrackedChanges => "accept or reject every tracked change and save again (or export to PDF)",
            RuleId::OdtAnnotations => "delete the comments and save again (or export to PDF)",
            RuleId::OfficeThumbnail => "fix: intact scrub SRC -o OUT (removes the thumbnail and the document properties of DOCX, XLSX, PPTX and OpenDocument files; docs/SCRUB.md)",
            RuleId::UnreadableFile => "replace the file with a readable copy (not encrypted, not truncated), or leave it out",
            RuleId::UnsupportedFileType => "convert the file to a type the gate inspects (PDF, text, JPEG/PNG/GIF/TIFF, DOCX/ODT), or add a reviewed exception after checking it by eye",
            RuleId::FileTooLargeToScan => "split the file, or add a reviewed exception after checking it by other means",
            RuleId::DecompressionLimitExceeded => "repack the file with less compression or fewer parts, or add a reviewed exception after checking it",
            RuleId::SpecialFile => "replace the link or special file with the regular file it stands for, or remove it",
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

#[cfg(test)]
mod hint_tests {
    use super::*;

    #[test]
    fn every_rule_has_a_hint() {
        for r in RuleId::ALL {
            assert!(r.hint().len() > 20, "{r}");
        }
    }

    /// The findings `intact scrub` removes say so; the others say what a person must do.
    #[test]
    fn findings_scrub_fixes_name_it() {
        for r in RuleId::ALL {
            let scrub = matches!(
                r,
                RuleId::ImageGps
                    | RuleId::ImageThumbnail
                    | RuleId::ImageTrailingData
                    | RuleId::PdfIncrementalUpdate
                    | RuleId::PdfAnnotation
                    | RuleId::PdfAttachment
                    | RuleId::PdfJavascript
                    | RuleId::OfficeThumbnail
            );
            assert_eq!(r.hint().contains("fix: intact scrub"), scrub, "{r}");
        }
    }
}
