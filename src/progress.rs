//! Progress on stderr: files, bytes, rate and ETA while a delivery is read.
//!
//! Hidden when stderr is not a terminal, with `--quiet`, or when stdout carries JSON,
//! so pipelines and logs get no control characters.

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use std::io::IsTerminal;

/// A byte-based bar over `total` bytes, or a hidden one.
pub fn bar(total: u64, wanted: bool) -> ProgressBar {
    if !wanted || !std::io::stderr().is_terminal() {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::with_draw_target(Some(total), ProgressDrawTarget::stderr_with_hz(8));
    let style = ProgressStyle::with_template(
        "{spinner} [{elapsed_precise}] {wide_bar} {bytes}/{total_bytes} {bytes_per_sec} ETA {eta} {msg}",
    )
    .unwrap_or_else(|_| ProgressStyle::default_bar());
    bar.set_style(style);
    bar
}

/// The check's progress: a byte bar whose message counts files done of files listed
/// (the total grows while a counting thread walks ahead). Cloned into that thread.
#[derive(Clone)]
pub struct Progress {
    bar: ProgressBar,
    /// Files listed so far, and files done.
    files: std::sync::Arc<[std::sync::atomic::AtomicU64; 2]>,
}

impl Progress {
    /// A bar for a check, hidden as [`bar`] says.
    pub fn new(wanted: bool) -> Progress {
        Progress { bar: bar(0, wanted), files: Default::default() }
    }

    /// Whether nothing is drawn (then nothing needs counting).
    pub fn is_hidden(&self) -> bool {
        self.bar.is_hidden()
    }

    /// One more file of `bytes` to read.
    pub fn listed(&self, bytes: u64) {
        self.files[0].fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        self.bar.inc_length(bytes);
        self.show();
    }

    /// One file of `bytes` read (or taken from the journal).
    pub fn done(&self, bytes: u64) {
        self.files[1].fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        self.bar.inc(bytes);
        self.show();
    }

    fn show(&self) {
        if !self.bar.is_hidden() {
            let [total, done] = &*self.files;
            let order = std::sync::atomic::Ordering::Relaxed;
            self.bar.set_message(format!("{}/{} files", done.load(order), total.load(order)));
        }
    }

    /// Removes the bar from the terminal.
    pub fn finish(&self) {
        self.bar.finish_and_clear();
    }
}
