//! The ZIP container (FORMAT.md §2): a strict reader for untrusted bundles, and the writer.
//!
//! Written by hand rather than with the `zip` crate's reader on purpose: the verifier must see
//! the exact bytes (local headers, central directory, gaps, trailing data) that general archive
//! readers are built to tolerate, because each tolerance is a known way to make a file that two
//! tools read differently. The reader never decompresses anything: v1 allows only STORED entries,
//! so every member is a byte range of the file, read in place.
//!
//! [`read`] (reader.rs) applies every rule of FORMAT.md §2 to an untrusted ZIP, reading it
//! through a [`ReadAt`] source; [`Writer`] (writer.rs) writes the one layout §2 allows. Both
//! take every header byte from layout.rs: the canonical layout, a function of the ordered entry
//! list, which the writer writes and the reader compares with the file byte for byte (§2.10).
//! The record signatures and lengths, the fixed date and the versions are here.

mod layout;
pub mod probe;
mod reader;
mod writer;

use crate::problem::Problem;
pub use crate::source::ReadAt;
pub use reader::{check_deferred_header, read, read_with_limits};
pub use writer::{EntryData, Output, Writer, CENTRAL_ENTRY_LEN};

/// One member of a bundle ZIP: where its bytes are, and what the central directory says of them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Member {
    /// The entry name exactly as stored (validated UTF-8).
    pub name: String,
    /// Offset of the first data byte in the file.
    pub data_offset: u64,
    /// Size in bytes (STORED: compressed = uncompressed).
    pub size: u64,
    /// CRC-32 from the central directory.
    pub crc32: u32,
    /// The offset of the local header when it was not read yet (a [`ReadAt::sparse`] source):
    /// its bytes, up to `data_offset`, must then pass [`check_deferred_header`] before the
    /// member's bytes are used. `None`: checked when the ZIP was read.
    pub header_at: Option<u64>,
}

/// Why a ZIP could not be read at all (so there are no members to check): the entry name when
/// one is at fault. Problems that leave the rest readable are [`Problem`]s of
/// [`Container::problems`] instead.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ContainerProblem {
    pub entry: Option<String>,
    pub message: String,
}

/// The members that passed every per-entry rule, and every problem found (each a `container`
/// problem at the entry's name).
#[derive(Debug, Default)]
pub struct Container {
    pub members: Vec<Member>,
    pub problems: Vec<Problem>,
}

const SIG_LOCAL: u32 = 0x0403_4b50;
const SIG_CENTRAL: u32 = 0x0201_4b50;
const SIG_EOCD: u32 = 0x0605_4b50;
const SIG_ZIP64_EOCD: u32 = 0x0606_4b50;
const SIG_ZIP64_LOCATOR: u32 = 0x0706_4b50;
const EOCD_LEN: u64 = 22;
const ZIP64_LOCATOR_LEN: u64 = 20;
const ZIP64_EOCD_LEN: u64 = 56;
const FLAG_UTF8: u16 = 0x0800;
/// The one modification date allowed (1980-01-01; the time field is 0).
const DOS_DATE_1980: u16 = 0x0021;
/// "Version made by" host byte of Unix: the external attributes carry a Unix mode.
const MADE_BY_UNIX: u16 = 3;
/// "Version needed to extract" of a STORED entry, and of one that needs ZIP64.
const VERSION_STORED: u16 = 10;
const VERSION_ZIP64: u16 = 45;
