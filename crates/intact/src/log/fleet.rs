//! Many bundles verified at once within a memory bound (`log verify --bundles`, docs/MIRRORS.md,
//! "Verifying many bundles at once"). Each bundle's verification memory is estimated before it
//! starts, from what its central directory (or its folder) says cheaply — the number of members
//! and their names, and the sizes of the tag files a verifier holds, each capped by
//! [`Limits`] as FORMAT.md §9.1 bounds it — and a bundle is admitted only while the estimates
//! of the bundles running stay within the bound; one larger than the bound runs alone. Bundles
//! are admitted in their order and results are returned in it, so a report does not depend on
//! which bundle finished first.

use std::path::Path;
use std::sync::{Condvar, Mutex, MutexGuard};

use crate::bag::{ITEMS_PATH, MANIFEST_PATH, RELEASE_PATH};
use crate::bundle::Bundle;
use crate::limits::Limits;
use crate::progress::Progress;

/// Default memory bound of the bundles verified at once (1 GiB): what a small server can spare
/// beside its other work, and room for about fifty releases of 20,000 items at once (each
/// estimated at about 20 MB) or one of a million items (about 900 MB).
pub const DEFAULT_MEMORY_LIMIT: u64 = 1 << 30;

/// How many bundles are verified at a time, and within how much memory.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Fleet {
    /// The sum of the estimates of the bundles verified at once stays within this many bytes
    /// (a bundle whose estimate alone is larger runs alone).
    pub memory_limit: u64,
    /// Most bundles at a time; 0: as many as rayon's threads (the cores, or
    /// `RAYON_NUM_THREADS`).
    pub parallel: usize,
}

impl Default for Fleet {
    fn default() -> Fleet {
        Fleet {
            memory_limit: DEFAULT_MEMORY_LIMIT,
            parallel: 0,
        }
    }
}

impl Fleet {
    /// Bundles one at a time, whatever their size (what `log verify` did before).
    pub const SERIAL: Fleet = Fleet {
        memory_limit: 0,
        parallel: 1,
    };

    /// The number of worker threads for `jobs` jobs.
    fn workers(&self, jobs: usize) -> usize {
        let n = match self.parallel {
            0 => rayon::current_num_threads(),
            n => n,
        };
        n.clamp(1, jobs.max(1))
    }
}

/// What a verifier holds for any bundle besides what grows with it: the statement (at most
/// 1 MiB), the report, a read buffer per hashing thread, the trust policy's keys.
pub const BASE_BYTES: u64 = 4 << 20;
/// What a verifier holds per member of the central directory (or file of a folder) besides its
/// name: the member record (FORMAT.md §9.1, [`Limits::zip_entries`]).
pub const MEMBER_BYTES: u64 = 150;

/// The estimated memory of verifying `bundle` in full, from what opening it read: per member
/// its record and name; `manifest-sha256.txt` held whole and its lines parsed (twice its size,
/// at most [`Limits::payload_manifest_bytes`]); the item records of `manifest.json`, never more
/// than the file itself (FORMAT.md §9.1; at most [`Limits::manifest_bytes`]); the other tag
/// files (at most [`Limits::tag_bytes`]); and [`BASE_BYTES`].
pub fn verify_estimate(bundle: &Bundle, limits: &Limits) -> u64 {
    let mut total = BASE_BYTES;
    let mut tags = 0u64;
    for m in bundle.members.values() {
        let path = m.path.as_str();
        // Every tag file's size is listed (a tree's payload files' are not, and not needed).
        let size = m.listed_size().unwrap_or(0);
        total = total.saturating_add(MEMBER_BYTES + path.len() as u64);
        if path == ITEMS_PATH {
            total = total.saturating_add(size.min(limits.manifest_bytes));
        } else if path == MANIFEST_PATH {
            total = total.saturating_add(size.min(limits.payload_manifest_bytes).saturating_mul(2));
        } else if path == RELEASE_PATH {
            // counted in BASE_BYTES
        } else if !path.starts_with("data/") {
            tags = tags.saturating_add(size);
        }
    }
    total.saturating_add(tags.min(limits.tag_bytes))
}

/// The estimated memory of opening the bundle at `path` and reading its statement and item
/// records (the mirror's index of bundle ids), before it is opened: five times the bytes that
/// can hold its central directory and tag files — for a ZIP the file's size (its members are
/// STORED, so the central directory and `manifest.json` are within it), for a folder its two
/// manifests' sizes — plus [`BASE_BYTES`].
pub fn index_estimate(path: &Path, len: u64) -> u64 {
    if !path.is_dir() {
        return zip_index_estimate(len);
    }
    let top = bag_top(path);
    let held = [ITEMS_PATH, MANIFEST_PATH]
        .iter()
        .filter_map(|f| std::fs::metadata(top.join(f)).ok())
        .map(|m| m.len())
        .fold(0u64, u64::saturating_add);
    held.saturating_mul(5).saturating_add(BASE_BYTES)
}

/// [`index_estimate`] of a bundle ZIP of `len` bytes (a file, or an object in storage).
pub fn zip_index_estimate(len: u64) -> u64 {
    len.saturating_mul(5).saturating_add(BASE_BYTES)
}

/// The bag top directory of a folder bundle: the folder, or the one folder in it holding
/// `bagit.txt` (the folder itself when none does: its estimate is then the base).
fn bag_top(dir: &Path) -> std::path::PathBuf {
    if dir.join("bagit.txt").is_file() {
        return dir.to_owned();
    }
    std::fs::read_dir(dir)
        .into_iter()
        .flatten()
        .filter_map(Result::ok)
        .map(|e| e.path())
        .find(|p| p.join("bagit.txt").is_file())
        .unwrap_or_else(|| dir.to_owned())
}

/// Whether a bundle estimated at `estimate` bytes may start while `running` bundles estimated
/// at `held` bytes in all are being verified, under `bound`: when it fits, or when nothing runs
/// (so a bundle larger than the bound runs, alone).
pub fn admits(held: u64, running: usize, estimate: u64, bound: u64) -> bool {
    running == 0 || held.saturating_add(estimate) <= bound
}

/// The admission state shared by the workers.
struct Gate {
    state: Mutex<GateState>,
    changed: Condvar,
}

struct GateState {
    /// The next job to admit (jobs are admitted in order).
    next: usize,
    /// Sum of the estimates of the jobs running.
    held: u64,
    running: usize,
    /// A job failed: admit no more.
    stop: bool,
}

impl Gate {
    fn lock(&self) -> MutexGuard<'_, GateState> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Waits until the next job may start under `bound`; `None` when none is left to start.
    fn admit(&self, estimates: &[u64], bound: u64) -> Option<usize> {
        let mut s = self.lock();
        loop {
            if s.stop || s.next >= estimates.len() {
                return None;
            }
            let i = s.next;
            if admits(s.held, s.running, estimates[i], bound) {
                s.next += 1;
                s.held = s.held.saturating_add(estimates[i]);
                s.running += 1;
                return Some(i);
            }
            s = self.changed.wait(s).unwrap_or_else(|e| e.into_inner());
        }
    }

    /// Job of `estimate` bytes is over (`failed`: admit no more).
    fn release(&self, estimate: u64, failed: bool) {
        let mut s = self.lock();
        s.held = s.held.saturating_sub(estimate);
        s.running = s.running.saturating_sub(1);
        s.stop |= failed;
        drop(s);
        self.changed.notify_all();
    }
}

/// A job admitted: released when dropped, also when its work panicked (then as failed, so
/// the other workers stop rather than wait for it, and the panic reaches the caller).
struct Admitted<'g> {
    gate: &'g Gate,
    estimate: u64,
    failed: bool,
}

impl Drop for Admitted<'_> {
    fn drop(&mut self) {
        self.gate.release(self.estimate, self.failed);
    }
}

/// Runs `work` on every job, several at once on `fleet.workers` threads, admitting job `i`
/// (estimated at `estimates[i]` bytes) in order and only while [`admits`] says so. The results,
/// in the jobs' order; or the error of the first job in that order that failed (after one
/// fails no further job starts; every job before it was already admitted, so this is the error
/// a run one at a time would have stopped at).
pub fn run_bounded<J, T, E>(
    jobs: &[J],
    estimates: &[u64],
    fleet: &Fleet,
    work: impl Fn(&J) -> Result<T, E> + Sync,
) -> Result<Vec<T>, E>
where
    J: Sync,
    T: Send,
    E: Send,
{
    let n = jobs.len().min(estimates.len());
    let slots: Vec<Mutex<Option<Result<T, E>>>> = (0..n).map(|_| Mutex::new(None)).collect();
    let gate = Gate {
        state: Mutex::new(GateState {
            next: 0,
            held: 0,
            running: 0,
            stop: false,
        }),
        changed: Condvar::new(),
    };
    let bound = fleet.memory_limit;
    std::thread::scope(|scope| {
        for _ in 0..fleet.workers(n) {
            scope.spawn(|| {
                while let Some(i) = gate.admit(&estimates[..n], bound) {
                    let mut admitted = Admitted {
                        gate: &gate,
                        estimate: estimates[i],
                        failed: true,
                    };
                    let result = work(&jobs[i]);
                    admitted.failed = result.is_err();
                    *slots[i].lock().unwrap_or_else(|e| e.into_inner()) = Some(result);
                    drop(admitted);
                }
            });
        }
    });
    let mut out = Vec::with_capacity(n);
    for slot in slots {
        match slot.into_inner().unwrap_or_else(|e| e.into_inner()) {
            Some(Ok(t)) => out.push(t),
            Some(Err(e)) => return Err(e),
            // Only after a failure (admission stopped), which an earlier slot holds.
            None => {}
        }
    }
    Ok(out)
}

/// One progress over many bundles verified at once: the caller starts it once with the files
/// and bytes of all of them; each bundle's own start and finish are not passed on (they would
/// reset it), its advances are.
pub struct Shared<'a>(pub &'a dyn Progress);

impl Progress for Shared<'_> {
    fn start(&self, _: u64, _: u64) {}
    fn advance(&self, files: u64, bytes: u64) {
        self.0.advance(files, bytes);
    }
    fn finish(&self) {}
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
    use std::time::Duration;

    #[test]
    fn a_bundle_is_admitted_when_it_fits_or_runs_alone() {
        assert!(admits(0, 0, 10, 100));
        assert!(admits(90, 1, 10, 100));
        assert!(!admits(91, 1, 10, 100));
        // Larger than the bound: only alone.
        assert!(admits(0, 0, 1_000, 100));
        assert!(!admits(1, 1, 1_000, 100));
        // A zero bound: one at a time.
        assert!(admits(0, 0, 1, 0));
        assert!(!admits(1, 1, 1, 0));
        assert!(!admits(u64::MAX, 1, u64::MAX, u64::MAX - 1));
    }

    /// Runs jobs with these estimates under `bound` on `parallel` threads, each job checking
    /// what runs beside it; returns the results and the most jobs that ran at once.
    fn simulate(estimates: &[u64], bound: u64, parallel: usize) -> (Vec<usize>, usize) {
        let held = AtomicU64::new(0);
        let running = AtomicUsize::new(0);
        let most = AtomicUsize::new(0);
        let jobs: Vec<usize> = (0..estimates.len()).collect();
        let fleet = Fleet {
            memory_limit: bound,
            parallel,
        };
        let out = run_bounded(&jobs, estimates, &fleet, |&i| {
            let now = held.fetch_add(estimates[i], Ordering::SeqCst) + estimates[i];
            let count = running.fetch_add(1, Ordering::SeqCst) + 1;
            most.fetch_max(count, Ordering::SeqCst);
            assert!(now <= bound || count == 1, "job {i}: {now} held by {count}");
            // Earlier jobs take longer, so they finish after later ones.
            std::thread::sleep(Duration::from_millis(((estimates.len() - i) % 7) as u64));
            running.fetch_sub(1, Ordering::SeqCst);
            held.fetch_sub(estimates[i], Ordering::SeqCst);
            Ok::<usize, ()>(i * 10)
        })
        .unwrap();
        (out, most.load(Ordering::SeqCst))
    }

    #[test]
    fn the_bound_is_never_exceeded_but_by_a_lone_bundle_and_every_bundle_runs() {
        let estimates = [30, 50, 20, 500, 10, 10, 40, 100, 99, 1, 60, 30, 30, 30, 200];
        for bound in [0, 1, 50, 100, 150, 1_000] {
            for parallel in [1, 2, 4, 16] {
                let (out, most) = simulate(&estimates, bound, parallel);
                let want: Vec<usize> = (0..estimates.len()).map(|i| i * 10).collect();
                assert_eq!(out, want, "bound {bound}, {parallel} at a time");
                assert!(most <= parallel);
                if bound <= 1 {
                    assert_eq!(most, 1, "a tiny bound: one at a time");
                }
            }
        }
        // A large bound and enough threads: several at once.
        let (_, most) = simulate(&[1; 32], 1 << 30, 4);
        assert!(most >= 2, "{most}");
    }

    #[test]
    fn no_jobs_and_one_job() {
        let fleet = Fleet::default();
        let none: Vec<u8> = run_bounded(&[] as &[u8], &[], &fleet, |_| Ok::<u8, ()>(0)).unwrap();
        assert!(none.is_empty());
        let one = run_bounded(&[7u8], &[u64::MAX], &fleet, |&j| Ok::<u8, ()>(j)).unwrap();
        assert_eq!(one, [7]);
    }

    #[test]
    fn the_first_failure_in_order_is_the_one_returned_and_stops_admission() {
        let started = AtomicUsize::new(0);
        let jobs: Vec<usize> = (0..100).collect();
        let fleet = Fleet {
            memory_limit: 0,
            parallel: 4,
        };
        let r = run_bounded(&jobs, &[1; 100], &fleet, |&i| {
            started.fetch_add(1, Ordering::SeqCst);
            if i == 5 || i == 7 {
                Err(i)
            } else {
                Ok(i)
            }
        });
        assert_eq!(r, Err(5));
        // One at a time (bound 0): nothing after the failed job started.
        assert_eq!(started.load(Ordering::SeqCst), 6);
        // Many at once: still the first failure in order, whichever failed first.
        let fleet = Fleet {
            memory_limit: u64::MAX,
            parallel: 8,
        };
        let r = run_bounded(&jobs, &[1; 100], &fleet, |&i| {
            std::thread::sleep(Duration::from_millis(if i == 3 { 20 } else { 0 }));
            if i == 3 || i == 4 {
                Err(i)
            } else {
                Ok(i)
            }
        });
        assert_eq!(r, Err(3));
    }

    #[test]
    fn a_panic_in_one_job_reaches_the_caller_and_no_worker_waits_forever() {
        let jobs: Vec<usize> = (0..20).collect();
        let fleet = Fleet {
            memory_limit: 0,
            parallel: 3,
        };
        let r = std::panic::catch_unwind(|| {
            run_bounded(&jobs, &[1; 20], &fleet, |&i| {
                assert_ne!(i, 4, "job 4 fails");
                Ok::<usize, ()>(i)
            })
        });
        assert!(r.is_err());
    }

    #[test]
    fn the_estimate_follows_the_members_and_the_tag_files_within_the_limits() {
        let t = tempfile::tempdir().unwrap();
        let top = t.path().join("coll-r1");
        let write = |p: &str, n: usize| {
            let f = top.join(p);
            std::fs::create_dir_all(f.parent().unwrap()).unwrap();
            std::fs::write(f, vec![b'x'; n]).unwrap();
        };
        write("bagit.txt", 55);
        write("data/a.txt", 1_000_000);
        write("manifest-sha256.txt", 1_000);
        write(ITEMS_PATH, 10_000);
        write("bag-info.txt", 200);
        let b = Bundle::open(&top).unwrap();
        let names: u64 = b
            .members
            .values()
            .map(|m| m.path.as_str().len() as u64)
            .sum();
        let members = b.members.len() as u64;
        let want = BASE_BYTES + members * MEMBER_BYTES + names + 10_000 + 2 * 1_000 + 255;
        assert_eq!(verify_estimate(&b, &Limits::DEFAULT), want);
        // Capped where FORMAT.md §9.1 caps what is read.
        let small = Limits {
            manifest_bytes: 100,
            payload_manifest_bytes: 10,
            tag_bytes: 1,
            ..Limits::DEFAULT
        };
        let capped = BASE_BYTES + members * MEMBER_BYTES + names + 100 + 2 * 10 + 1;
        assert_eq!(verify_estimate(&b, &small), capped);
        // Before opening: a folder by its two manifests, found in the folder holding it too.
        assert_eq!(index_estimate(&top, 0), 5 * 11_000 + BASE_BYTES);
        assert_eq!(index_estimate(t.path(), 0), 5 * 11_000 + BASE_BYTES);
        let zip = t.path().join("r1.zip");
        std::fs::write(&zip, b"x").unwrap();
        assert_eq!(index_estimate(&zip, 7_000), 35_000 + BASE_BYTES);
    }

    #[test]
    fn one_progress_over_many_bundles() {
        struct Count(AtomicU64, AtomicU64);
        impl Progress for Count {
            fn start(&self, _: u64, _: u64) {
                self.1.fetch_add(1, Ordering::SeqCst);
            }
            fn advance(&self, _: u64, bytes: u64) {
                self.0.fetch_add(bytes, Ordering::SeqCst);
            }
            fn finish(&self) {
                self.1.fetch_add(1, Ordering::SeqCst);
            }
        }
        let c = Count(AtomicU64::new(0), AtomicU64::new(0));
        let s = Shared(&c);
        s.start(1, 2);
        s.advance(1, 5);
        s.advance(0, 6);
        s.finish();
        assert_eq!(c.0.load(Ordering::SeqCst), 11);
        assert_eq!(c.1.load(Ordering::SeqCst), 0);
    }
}
