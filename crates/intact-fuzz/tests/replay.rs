//! Replays every fuzz target's corpus (`fuzz/corpus/<target>/`) and every crash the fuzzers
//! found (`fuzz/regressions/<target>/`) as plain stable tests: no nightly, no fuzzer. Each input
//! runs through its target (which panics when an invariant fails) under a counting allocator,
//! and its peak allocation must stay under the bound the fuzzers run with (512 MiB).

use std::alloc::{GlobalAlloc, Layout, System};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;

/// Counts the bytes allocated now and the peak since the last reset.
struct Counting;

static NOW: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let p = unsafe { System.alloc(layout) };
        if !p.is_null() {
            let now = NOW.fetch_add(layout.size(), Ordering::Relaxed) + layout.size();
            PEAK.fetch_max(now, Ordering::Relaxed);
        }
        p
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { System.dealloc(ptr, layout) };
        NOW.fetch_sub(layout.size(), Ordering::Relaxed);
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        let p = unsafe { System.realloc(ptr, layout, new_size) };
        if !p.is_null() {
            if new_size >= layout.size() {
                let grow = new_size - layout.size();
                let now = NOW.fetch_add(grow, Ordering::Relaxed) + grow;
                PEAK.fetch_max(now, Ordering::Relaxed);
            } else {
                NOW.fetch_sub(layout.size() - new_size, Ordering::Relaxed);
            }
        }
        p
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

/// The allocation bound of one input (the fuzzers' `-malloc_limit_mb` / `-rss_limit_mb`).
const MAX_PEAK_BYTES: usize = 512 << 20;

/// One input at a time, so that the peak is that input's.
static ONE_AT_A_TIME: Mutex<()> = Mutex::new(());

fn fuzz_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fuzz")
}

/// The files of `fuzz/<kind>/<target>/`, sorted (none when the folder does not exist).
fn inputs(kind: &str, target: &str) -> Vec<PathBuf> {
    let Ok(rd) = std::fs::read_dir(fuzz_dir().join(kind).join(target)) else {
        return Vec::new();
    };
    let mut files: Vec<PathBuf> = rd
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.is_file())
        .collect();
    files.sort();
    files
}

/// Runs one input through `target`, failing with the file's name on a panic or on too high a
/// peak allocation.
fn replay_one(name: &str, target: intact_fuzz::Target, path: &Path) {
    let data = std::fs::read(path).expect("readable corpus file");
    let _guard = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
    let base = NOW.load(Ordering::Relaxed);
    PEAK.store(base, Ordering::Relaxed);
    let result = std::panic::catch_unwind(|| target(&data));
    let peak = PEAK.load(Ordering::Relaxed).saturating_sub(base);
    assert!(
        result.is_ok(),
        "{name}: {} fails its invariants",
        path.display()
    );
    assert!(
        peak <= MAX_PEAK_BYTES,
        "{name}: {} allocated {peak} bytes at its peak",
        path.display()
    );
}

/// Replays the corpus and the regressions of the target `name`; the corpus must not be empty.
fn replay(name: &str) {
    let target = intact_fuzz::target(name).expect("a known target");
    let corpus = inputs("corpus", name);
    assert!(!corpus.is_empty(), "fuzz/corpus/{name}/ has no seed");
    for path in corpus.iter().chain(&inputs("regressions", name)) {
        replay_one(name, target, path);
    }
}

macro_rules! replay_tests {
    ($($name:ident),* $(,)?) => {
        $(#[test] fn $name() { replay(stringify!($name)); })*

        /// Every target has a replay test here, and every corpus folder a target.
        #[test]
        fn every_target_is_replayed() {
            let tested = [$(stringify!($name)),*];
            for (name, _) in intact_fuzz::TARGETS {
                assert!(tested.contains(name), "no replay test for target {name}");
            }
            for kind in ["corpus", "regressions"] {
                let Ok(rd) = std::fs::read_dir(fuzz_dir().join(kind)) else { continue };
                for e in rd.flatten() {
                    let n = e.file_name().to_string_lossy().into_owned();
                    assert!(intact_fuzz::target(&n).is_some(), "fuzz/{kind}/{n}: no such target");
                }
            }
        }
    };
}

replay_tests!(
    container,
    bundle,
    bundle_tree,
    canonical,
    items,
    statement,
    sshsig_armor,
    sshsig_blob,
    allowed_signers,
    revocations,
    proof,
    timestamp_token,
    signed_note,
    note_key,
    tlog_proof,
    log_entry,
    mirror_state,
    scrub_image,
    bag_info,
    bag_manifest,
    bagit_txt,
    gate_pdf,
    gate_image,
    gate_office,
    gate_rtf,
    gate_markup,
    gate_mime,
    gate_text,
    gate_content,
);
