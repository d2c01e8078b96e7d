//! The leak gate: a fail-closed scanner that refuses to let withheld data hidden in a file be
//! published.
//!
//! Entry points:
//! - [`DenyList::load`] reads the private list of withheld strings;
//! - [`scan_tree`] scans every file and folder under a source directory;
//! - [`scan_file`] / [`scan_bytes`] scan one file;
//! - [`scan_fields`] / [`scan_text_field`] scan text that will go into the manifest;
//! - [`scan_metadata_file`] scans every text cell of a CSV or JSON metadata file.
//!
//! Every finding names the file (relative to the source directory), a location inside it and a
//! stable [`RuleId`]. A withheld string is never reported, in any form: a deny-list entry is shown
//! as its number and length (`[withheld #3, 15 chars]`), and every path, location and reason of a
//! report passes through [`mask`] first. See `docs/REDACTION.md` for what is and is not checked.

pub mod confusables;
pub mod decode;
pub mod denylist;
pub mod error;
pub mod exceptions;
pub mod expand;
pub mod fields;
pub mod gif;
pub mod image;
pub mod mask;
pub mod names;
pub mod office;
pub mod pdf;
pub mod report;
pub mod rules;
pub mod scan;
pub mod sink;
pub mod text;
pub mod xmp;

pub use denylist::DenyList;
pub use error::GateError;
pub use exceptions::{load_exceptions, parse_exceptions, Exception};
pub use fields::{scan_fields, scan_metadata, scan_metadata_file, scan_text_field};
pub use mask::{mask_path, mask_report, mask_text, Listing};
pub use report::{Excepted, Finding, GateReport};
pub use rules::RuleId;
pub use scan::{scan_bytes, scan_file, scan_tree, scan_tree_with, Limits, ScanOptions, Visitor};
