//! Interruption: Ctrl-C or SIGTERM stops a long run cleanly.
//!
//! The first signal stops scheduling new files; files already being read finish (each is
//! bounded), the report is written marked `incomplete`, and vouch exits 130. A second
//! signal exits at once with 130: output files are only ever renamed into place whole,
//! so nothing half-written is left under a final name. This one flag is the only global
//! mutable state in vouch.

use std::sync::atomic::{AtomicBool, Ordering};

static REQUESTED: AtomicBool = AtomicBool::new(false);

/// Installs the handler for SIGINT and SIGTERM. Call once, early.
pub fn install() {
    let _ = ctrlc::set_handler(|| {
        if REQUESTED.swap(true, Ordering::SeqCst) {
            eprintln!("\nvouch: interrupted again; stopping now");
            std::process::exit(crate::exit::Code::Interrupted as i32);
        }
        eprintln!("\nvouch: interrupted; finishing the files being read, then writing the report");
    });
}

/// Whether an interruption was requested.
pub fn requested() -> bool {
    REQUESTED.load(Ordering::SeqCst)
}

/// Requests an interruption as a signal would (for tests and embedding).
pub fn request() {
    REQUESTED.store(true, Ordering::SeqCst);
}
