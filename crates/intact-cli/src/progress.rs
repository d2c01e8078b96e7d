//! The progress bars of `pack`, `verify`, `extract`, `log append`, `log verify` and `scan`: drawn on standard error, and only when that is a
//! terminal, so that scripts and logs never see it.

use std::io::IsTerminal;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use intact::progress::{Progress, Silent};

/// The progress bar on stderr for pack and verify (files, bytes, throughput, ETA), or nothing
/// with `--quiet` or when stderr is not a terminal.
pub fn bar(quiet: bool, verb: &'static str) -> Box<dyn Progress> {
    if quiet || !std::io::stderr().is_terminal() {
        return Box::new(Silent);
    }
    let files = Arc::new(AtomicU64::new(0));
    let total = Arc::new(AtomicU64::new(0));
    let (f, t) = (files.clone(), total.clone());
    let style = indicatif::ProgressStyle::with_template(
        "{prefix} {files} files  {bytes}/{total_bytes}  {binary_bytes_per_sec}  ETA {eta}  {wide_bar}",
    )
    .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar())
    .with_key(
        "files",
        move |_: &indicatif::ProgressState, w: &mut dyn std::fmt::Write| {
            let _ = write!(
                w,
                "{}/{}",
                f.load(Ordering::Relaxed),
                t.load(Ordering::Relaxed)
            );
        },
    );
    let bar = indicatif::ProgressBar::new(0)
        .with_style(style)
        .with_prefix(verb);
    Box::new(Bar { bar, files, total })
}

/// A counter on stderr for work whose size is not known ahead (`scan`: files and bytes read so
/// far), or nothing with `--quiet` or when stderr is not a terminal.
pub fn counter(quiet: bool, verb: &'static str) -> Box<dyn Progress> {
    if quiet || !std::io::stderr().is_terminal() {
        return Box::new(Silent);
    }
    let style = indicatif::ProgressStyle::with_template(
        "{prefix} {spinner} {msg} files  {bytes}  {binary_bytes_per_sec}",
    )
    .unwrap_or_else(|_| indicatif::ProgressStyle::default_spinner());
    let bar = indicatif::ProgressBar::no_length()
        .with_style(style)
        .with_prefix(verb)
        .with_message("0");
    bar.enable_steady_tick(std::time::Duration::from_millis(250));
    let files = Arc::new(AtomicU64::new(0));
    let total = Arc::new(AtomicU64::new(0));
    Box::new(Bar { bar, files, total })
}

/// A terminal progress bar; cleared when dropped, whether the command succeeded or not.
struct Bar {
    bar: indicatif::ProgressBar,
    files: Arc<AtomicU64>,
    total: Arc<AtomicU64>,
}

impl Progress for Bar {
    fn start(&self, files: u64, bytes: u64) {
        self.total.store(files, Ordering::Relaxed);
        self.files.store(0, Ordering::Relaxed);
        if bytes == 0 && files > 0 {
            // Sizes not known ahead (a tree's payload files): bytes counted, no bar to fill.
            self.bar.unset_length();
        } else {
            self.bar.set_length(bytes);
        }
        self.bar.reset();
        self.bar
            .enable_steady_tick(std::time::Duration::from_millis(250));
    }

    fn advance(&self, files: u64, bytes: u64) {
        if files > 0 {
            let n = self.files.fetch_add(files, Ordering::Relaxed) + files;
            if self.bar.length().is_none() {
                self.bar.set_message(n.to_string());
            }
        }
        if bytes > 0 {
            self.bar.inc(bytes);
        }
    }

    fn finish(&self) {
        self.bar.finish_and_clear();
    }
}

impl Drop for Bar {
    fn drop(&mut self) {
        self.bar.finish_and_clear();
    }
}
