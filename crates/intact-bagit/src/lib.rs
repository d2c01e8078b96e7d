//! BagIt validation (RFC 8493 and the drafts 0.93–0.97 before it).
//!
//! [`validate`] checks a bag directory and returns a [`BagReport`] listing every problem with a
//! stable [`Code`]; see docs/BAGIT.md for what is checked and how versions differ.

mod algorithm;
mod completeness;
mod declaration;
mod encoding;
mod error;
mod fetch;
mod filepath;
mod fixity;
mod manifest;
mod metadata;
mod payload;
mod report;
mod validator;
mod version;

pub use error::BagitError;
pub use report::{BagReport, Code, Problem, Severity};
pub use validator::{validate, ValidateOptions};

/// Parsers exposed for property tests and for other tools that read bag files.
pub mod parse {
    pub use super::algorithm::Algorithm;
    pub use super::declaration::{parse as declaration, Declaration};
    pub use super::fetch::{parse as fetch, FetchEntry};
    pub use super::filepath::{check as filepath, percent_decode};
    pub use super::manifest::{
        parse as manifest, parse_line as manifest_line, Entry as ManifestEntry,
        Kind as ManifestKind,
    };
    pub use super::metadata::{parse as metadata, Element as MetadataElement, Oxum};
    pub use super::version::Version;
}
