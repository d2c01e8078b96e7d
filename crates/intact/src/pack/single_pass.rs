//! The single pass: each source file is read once, and the leak gate, SHA-256, CRC-32 and the
//! bundle entry all take the same bytes; the bundle is written into an unnamed file
//! ([`crate::staging`]) that gets its name only once the gate has passed the whole release.

use std::fs::File;
use std::io::{self, Read};

use sha2::{Digest as _, Sha256};

use super::plan::{payload_item, Plan};
use super::source::SourceFile;
use super::{PackError, PackSummary};
use crate::container;
use crate::digest::{Sha256Digest, CHUNK};
use crate::fs::{At as _, Mode, PathError};
use crate::gate;
use crate::progress::Progress;
use crate::staging;

/// One source file as the single pass read it.
struct Loaded {
    /// The whole content, when the gate loaded it; `None` for a file larger than the gate loads
    /// (it is streamed into the bundle; without a reviewed exception the gate refuses it).
    data: Option<Vec<u8>>,
    sha256: Sha256Digest,
    crc32: u32,
    findings: Vec<gate::Finding>,
}

/// A batch of the single pass holds files in order up to this many bytes (or
/// [`BATCH_FILES`] files); a file above [`gate::SEQUENTIAL_ABOVE`] is a batch of its own.
const BATCH_BYTES: u64 = 16 << 20;
const BATCH_FILES: usize = 512;

impl Plan<'_> {
    /// Batches of consecutive sources for the single pass.
    fn batches(&self) -> Vec<std::ops::Range<usize>> {
        let mut out = Vec::new();
        let mut start = 0;
        let mut bytes = 0u64;
        for (i, s) in self.sources.iter().enumerate() {
            let alone = s.size > gate::scan::SEQUENTIAL_ABOVE;
            if i > start && (alone || bytes + s.size > BATCH_BYTES || i - start >= BATCH_FILES) {
                out.push(start..i);
                start = i;
                bytes = 0;
            }
            bytes += s.size;
            if alone {
                out.push(start..i + 1);
                start = i + 1;
                bytes = 0;
            }
        }
        if start < self.sources.len() {
            out.push(start..self.sources.len());
        }
        out
    }

    /// Reads one source file whole (within the gate's bound), scans it and hashes it.
    fn load(&self, s: &SourceFile, progress: &dyn Progress) -> Result<Loaded, PackError> {
        let limits = &self.opts.gate.options.limits;
        let rel = self.rel(s);
        let changed = || PackError::Changed {
            path: s.abs.clone(),
        };
        if s.size > limits.max_file_bytes {
            // checked again while streaming: the size must still be the one listed
            return Ok(Loaded {
                data: None,
                sha256: Sha256Digest([0; 32]),
                crc32: 0,
                findings: vec![gate::scan::too_large(rel, s.size, limits)],
            });
        }
        let f = File::open(&s.abs).at(&s.abs)?;
        let mut data = Vec::with_capacity(s.size as usize + 1);
        (&f).take(s.size + 1).read_to_end(&mut data).at(&s.abs)?;
        if data.len() as u64 != s.size {
            return Err(changed());
        }
        let opts = &self.opts.gate.options;
        let ((sha256, crc32), findings) = if s.size > gate::scan::SEQUENTIAL_ABOVE {
            rayon::join(
                || rayon::join(|| Sha256Digest::of(&data), || crc32fast::hash(&data)),
                || gate::scan_bytes(rel, &data, opts),
            )
        } else {
            (
                (Sha256Digest::of(&data), crc32fast::hash(&data)),
                gate::scan_bytes(rel, &data, opts),
            )
        };
        progress.advance(1, s.size);
        Ok(Loaded {
            data: Some(data),
            sha256,
            crc32,
            findings,
        })
    }

    /// Writes one loaded file into the bundle; returns its SHA-256.
    fn write_one<W: container::Output + Send>(
        &self,
        zip: &mut container::Writer<W>,
        s: &SourceFile,
        loaded: &Loaded,
        progress: &dyn Progress,
    ) -> Result<Sha256Digest, PackError> {
        let name = format!("{}/{}", self.top, s.path.as_str());
        let out = &self.opts.out;
        if let Some(data) = &loaded.data {
            zip.start(&name, s.size, Some(loaded.crc32)).at(out)?;
            zip.write_data(data).at(out)?;
            return Ok(loaded.sha256);
        }
        // Too large for the gate to load: streamed in chunks, hashed on the way.
        zip.start(&name, s.size, None).at(out)?;
        let mut f = File::open(&s.abs).at(&s.abs)?;
        let mut sha = Sha256::new();
        let mut buf = vec![0u8; CHUNK * 4];
        let mut left = s.size;
        while left > 0 {
            let n = left.min(buf.len() as u64) as usize;
            f.read_exact(&mut buf[..n]).map_err(|e| match e.kind() {
                io::ErrorKind::UnexpectedEof => PackError::Changed {
                    path: s.abs.clone(),
                },
                _ => PathError::new(&s.abs, e).into(),
            })?;
            let chunk = &buf[..n];
            // hashing beside CRC-32 and writing
            let ((), written) = rayon::join(|| sha.update(chunk), || zip.write_data(chunk));
            written.at(out)?;
            left -= n as u64;
            progress.advance(0, n as u64);
        }
        if f.metadata().at(&s.abs)?.len() != s.size {
            return Err(PackError::Changed {
                path: s.abs.clone(),
            });
        }
        progress.advance(1, 0);
        Ok(Sha256Digest(sha.finalize().into()))
    }

    /// The single pass into the unnamed `file`, which is given its name (after the ledger is
    /// written) only once the gate has passed the release.
    pub(super) fn single_pass(
        &mut self,
        file: &File,
        progress: &dyn Progress,
    ) -> Result<PackSummary, PackError> {
        let summary = self.write_bundle(file, progress)?;
        let opts = self.opts;
        crate::fs::seal(file, &opts.out, Mode::Public, opts.sync)?;
        self.publish(summary, || {
            staging::publish(file, &opts.out, opts.force).map_err(|e| {
                if e.kind() == io::ErrorKind::AlreadyExists {
                    PackError::OutExists {
                        path: opts.out.clone(),
                    }
                } else {
                    PathError::new(&opts.out, e).into()
                }
            })
        })
    }

    /// Reads, scans, hashes and writes every file once, into the unnamed `file`.
    /// Batches overlap: while one is written, the next is read and scanned (in parallel).
    fn write_bundle(
        &mut self,
        file: &File,
        progress: &dyn Progress,
    ) -> Result<PackSummary, PackError> {
        use rayon::prelude::*;
        let mut zip = container::Writer::new(file);
        zip.reserve_central(
            self.sources
                .iter()
                .map(|s| container::CENTRAL_ENTRY_LEN + self.top.len() + 1 + s.path.as_str().len())
                .sum(),
        );
        self.start_zip(&mut zip).at(&self.opts.out)?;
        let mut items = Vec::with_capacity(self.sources.len());
        let mut findings = Vec::new();
        let load_batch = |r: std::ops::Range<usize>| -> Result<Vec<Loaded>, PackError> {
            self.sources[r.clone()]
                .par_iter()
                .map(|s| self.load(s, progress))
                .collect()
        };
        let mut write_batch = |r: std::ops::Range<usize>,
                               loaded: Vec<Loaded>|
         -> Result<Vec<gate::Finding>, PackError> {
            let mut found = Vec::new();
            for (s, l) in self.sources[r].iter().zip(loaded) {
                let digest = self.write_one(&mut zip, s, &l, progress)?;
                items.push(payload_item(self.opts, s, digest, self.ledger)?);
                found.extend(l.findings);
            }
            Ok(found)
        };
        progress.start(self.sources.len() as u64, self.payload_bytes);
        let mut pending: Option<(std::ops::Range<usize>, Vec<Loaded>)> = None;
        let mut result = Ok(());
        for r in self.batches() {
            // A big file is not read while another is still held: memory stays at about the
            // largest file.
            let big = r.len() == 1 && self.sources[r.start].size > gate::scan::SEQUENTIAL_ABOVE;
            let (written, next) = match pending.take() {
                Some((pr, pl)) if !big => {
                    rayon::join(|| write_batch(pr, pl), || load_batch(r.clone()))
                }
                Some((pr, pl)) => {
                    let w = write_batch(pr, pl);
                    (w, load_batch(r.clone()))
                }
                None => (Ok(Vec::new()), load_batch(r.clone())),
            };
            match (written, next) {
                (Ok(f), Ok(l)) => {
                    findings.extend(f);
                    pending = Some((r, l));
                }
                (Err(e), _) | (_, Err(e)) => {
                    result = Err(e);
                    break;
                }
            }
        }
        if let (Ok(()), Some((pr, pl))) = (&result, pending.take()) {
            match write_batch(pr, pl) {
                Ok(f) => findings.extend(f),
                Err(e) => result = Err(e),
            }
        }
        progress.finish();
        result?;
        let gate_report = self.gate_report(findings)?;
        drop(std::mem::take(&mut self.sources));
        self.finish_bundle(zip, items, &gate_report)
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;
    use std::path::PathBuf;

    use super::*;
    use crate::bagpath::BagPath;
    use crate::pack::tests::{options, sample, tree};

    #[test]
    fn batches_cover_every_source_once_in_order() {
        let t = tree(&sample());
        let o = options(t.path(), "out.zip");
        let sources: Vec<SourceFile> = [0u64, 5, BATCH_BYTES, gate::scan::SEQUENTIAL_ABOVE + 1, 7]
            .iter()
            .chain(std::iter::repeat_n(&1u64, BATCH_FILES + 3))
            .enumerate()
            .map(|(i, &size)| SourceFile {
                abs: PathBuf::from(format!("/x/{i:05}")),
                path: BagPath::parse(&format!("data/{i:05}")).unwrap(),
                size,
            })
            .collect();
        let plan = Plan {
            opts: &o,
            sources,
            ledger: &BTreeMap::new(),
            top: "c-r1".into(),
            created: String::new(),
            bag_info: String::new(),
            payload_bytes: 0,
        };
        let batches = plan.batches();
        let sources = &plan.sources;
        let flat: Vec<usize> = batches.iter().flat_map(|r| r.clone()).collect();
        assert_eq!(flat, (0..sources.len()).collect::<Vec<_>>());
        for r in &batches {
            let bytes: u64 = sources[r.clone()].iter().map(|s| s.size).sum();
            assert!(r.len() <= BATCH_FILES);
            assert!(r.len() == 1 || bytes <= BATCH_BYTES, "{r:?}");
        }
        // the big file is alone
        assert!(batches.contains(&(3..4)));
    }
}
