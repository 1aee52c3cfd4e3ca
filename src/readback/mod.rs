//! `vouch sample`: read back a seeded sample of a stored medium and verify it against the
//! manifest it was registered with.
//!
//! Setup problems (unknown medium, a changed reference manifest, an unmounted medium, an
//! unwritable report folder) stop the run before any reading, with exit status 2. Then
//! the drawn files ([`select`]) are read one after another, in path order, from the
//! medium itself ([`reader`]): one at a time, because a disk or tape read in parallel
//! seeks and its per-file throughput stops meaning anything. Every problem with a file is
//! a finding and the test goes on with the next file. The report bundle is written and
//! signed, the result is appended to the ledger, and the exit status says pass (0) or
//! fail: recovery needed (1).

pub mod due;
pub mod model;
pub mod reader;
pub mod report;
pub mod run;
pub mod select;

use crate::cli::OutputFormat;
use clap::Args;
use std::path::PathBuf;

pub use run::command;

/// `vouch sample`.
#[derive(Debug, Args)]
#[command(after_help = "\
Reads from the medium only (read-only, O_NOATIME where permitted); drops each file's cached
pages first so the bytes come from the medium, not from memory. One file at a time.

Example:
  vouch sample /mnt/hdd42 --ledger media.jsonl --id HDD-0042 --out readback-2026/ --sign-key me.key
Exit status: 0 pass, 1 fail (recovery needed), 2 could not run.")]
pub struct SampleArgs {
    /// Where the medium is mounted: the folder the manifest's paths are relative to.
    #[arg(value_name = "MOUNT")]
    pub mount: PathBuf,
    /// The media ledger the medium is registered in; the result is appended to it.
    #[arg(long, value_name = "LEDGER")]
    pub ledger: PathBuf,
    /// The medium's id in the ledger.
    #[arg(long, value_name = "ID")]
    pub id: String,
    /// Fraction of the files, and of the bytes, to read; 1 reads everything
    /// [default: the profile's `readback.rate`, which is also the least allowed].
    #[arg(long, value_name = "RATE")]
    pub rate: Option<f64>,
    /// Seed of the draw [default: from the ledger's last line and the id, so each test
    /// draws afresh and anyone can redraw it].
    #[arg(long, value_name = "N")]
    pub seed: Option<u64>,
    /// A copy of the registered manifest to use instead of the registered path; its
    /// SHA-256 must equal the registered one.
    #[arg(long, value_name = "MANIFEST")]
    pub manifest: Option<PathBuf>,
    /// Profile whose `[readback]` section applies (built-in name or TOML file).
    #[arg(long, short = 'p', value_name = "NAME|FILE", default_value = "dat31")]
    pub profile: String,
    /// Write the report bundle (report.json, report.html, files.csv) into this folder.
    #[arg(long, short = 'o', value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// Sign report.json and the ledger entry with this minisign secret key.
    #[arg(long, value_name = "KEY")]
    pub sign_key: Option<PathBuf>,
    /// Who runs the test [default: $USER].
    #[arg(long, value_name = "NAME")]
    pub operator: Option<String>,
    /// What to print on stdout.
    #[arg(long, value_enum, default_value_t = OutputFormat::Human)]
    pub format: OutputFormat,
    /// Print only failures and the verdict; no progress bar.
    #[arg(long, short = 'q')]
    pub quiet: bool,
}
