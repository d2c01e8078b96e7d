//! Progress of long operations (pack, verify), reported to whoever draws it.
//!
//! The library never draws anything: the CLI passes a [`Progress`] that owns a terminal bar,
//! and library callers pass their own or none.

/// Receives progress of one operation. Called from several threads at once.
pub trait Progress: Sync {
    /// The work ahead: `files` files of `bytes` bytes in all (0 bytes when the sizes are not
    /// known ahead, as for a tree's payload files, which are sized as they are read).
    fn start(&self, files: u64, bytes: u64);
    /// `files` more files and `bytes` more bytes are done (either may be 0).
    fn advance(&self, files: u64, bytes: u64);
    /// The operation is over (successfully or not).
    fn finish(&self);
}

/// Reports nothing.
pub struct Silent;

impl Progress for Silent {
    fn start(&self, _: u64, _: u64) {}
    fn advance(&self, _: u64, _: u64) {}
    fn finish(&self) {}
}
