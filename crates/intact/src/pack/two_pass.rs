//! The two-pass way, where the file system has no unnamed files: the gate reads the whole
//! release first (computing SHA-256 and CRC-32 as it goes), then each file is copied into a
//! temporary file beside the output, checked to be unchanged since the gate read it.

use std::fs::File;
use std::io::{self, Read};
use std::path::Path;

use super::gate_pass::{run_gate, FactsByPath};
use super::plan::{payload_item, Plan};
use super::source::{Facts, Stamp};
use super::{PackError, PackSummary};
use crate::container;
use crate::digest::CHUNK;
use crate::fs::{At as _, AtomicFile, Mode, PathError};
use crate::gate;
use crate::progress::Progress;

impl Plan<'_> {
    /// Without unnamed files: the gate reads the whole release first (computing SHA-256 and
    /// CRC-32 as it goes), then the files are copied into a temp file beside the output.
    pub(super) fn two_pass(&mut self, progress: &dyn Progress) -> Result<PackSummary, PackError> {
        let opts = self.opts;
        progress.start(self.sources.len() as u64, self.payload_bytes);
        let gate_result = run_gate(opts, progress);
        progress.finish();
        let (gate_report, facts) = gate_result?;
        let tmp = AtomicFile::create(&opts.out)?;
        let summary = self.copy_bundle(tmp.file(), &facts, &gate_report)?;
        tmp.seal(Mode::Public, opts.sync)?;
        self.publish(summary, || Ok(tmp.persist(opts.force)?))
    }

    /// Copies every source file into `file` as the gate read it (`facts`), then the rest of the
    /// bundle.
    fn copy_bundle(
        &self,
        file: &File,
        facts: &FactsByPath,
        gate_report: &gate::GateReport,
    ) -> Result<PackSummary, PackError> {
        let opts = self.opts;
        let mut zip = container::Writer::new(file);
        self.start_zip(&mut zip).at(&opts.out)?;
        let mut items = Vec::with_capacity(self.sources.len());
        let mut buf = Vec::new();
        for s in &self.sources {
            let f = match facts.get(&s.abs) {
                Some(Ok(f)) => f,
                Some(Err(e)) => {
                    let e = io::Error::new(e.kind(), e.to_string());
                    return Err(PathError::new(&s.abs, e).into());
                }
                // not there when the gate walked the tree: it changed since it was listed
                None => {
                    return Err(PackError::Changed {
                        path: s.abs.clone(),
                    })
                }
            };
            if f.size != s.size {
                return Err(PackError::Changed {
                    path: s.abs.clone(),
                });
            }
            zip.start(
                &format!("{}/{}", self.top, s.path.as_str()),
                f.size,
                Some(f.crc32),
            )
            .at(&opts.out)?;
            copy_source(&mut zip, &s.abs, f, &mut buf)?;
            items.push(payload_item(opts, s, f.sha256, self.ledger)?);
        }
        self.finish_bundle(zip, items, gate_report)
    }
}

/// Copies one source file into the open entry of `zip`, refusing a file that is no longer what
/// the gate read (`Facts`): its stamp is checked before and after, and the CRC-32 of the bytes
/// copied must be the one computed from the bytes the gate scanned.
fn copy_source<W: container::Output>(
    zip: &mut container::Writer<W>,
    abs: &Path,
    facts: &Facts,
    buf: &mut Vec<u8>,
) -> Result<(), PackError> {
    let changed = || PackError::Changed {
        path: abs.to_owned(),
    };
    let mut f = File::open(abs).at(abs)?;
    let before = Stamp::of(&f.metadata().at(abs)?);
    if before != facts.stamp || before.len != facts.size {
        return Err(changed());
    }
    let data_err = |e: io::Error| match e.kind() {
        io::ErrorKind::InvalidData | io::ErrorKind::UnexpectedEof => changed(),
        _ => PathError::new(abs, e).into(),
    };
    buf.resize(CHUNK * 4, 0);
    let mut crc = crc32fast::Hasher::new();
    let mut left = facts.size;
    while left > 0 {
        let n = left.min(buf.len() as u64) as usize;
        f.read_exact(&mut buf[..n]).map_err(data_err)?;
        crc.update(&buf[..n]);
        zip.write_data(&buf[..n]).map_err(data_err)?;
        left -= n as u64;
    }
    let after = Stamp::of(&f.metadata().at(abs)?);
    if after != before || crc.finalize() != facts.crc32 {
        return Err(changed());
    }
    Ok(())
}
