//! Generates the labelled image-quality set (issue #10), checks it with a vouch binary
//! and prints the accuracy table of BENCHMARKS.md ("Image quality"), with each page's
//! measures when asked:
//!
//! ```text
//! cargo build --release && cargo run --release --example quality-set -- OUT \
//!     --vouch target/release/vouch [--pages]
//! ```

#[path = "../tests/support/quality_set.rs"]
mod quality_set;

use anyhow::{Context, Result, ensure};
use clap::Parser;
use std::path::PathBuf;

/// Writes the labelled set to OUT, runs `vouch check` on it, prints the scores.
#[derive(Parser, Debug)]
struct Cli {
    /// Output folder (must not exist yet).
    out: PathBuf,
    /// The vouch binary to run.
    #[arg(long)]
    vouch: PathBuf,
    /// Also print every page's labels and measures.
    #[arg(long)]
    pages: bool,
    /// The held-out half (pages no threshold was fitted on) instead of the fitted one.
    #[arg(long)]
    held_out: bool,
}

fn main() -> Result<()> {
    let cli = Cli::parse();
    ensure!(!cli.out.exists(), "{} exists", cli.out.display());
    let specs = if cli.held_out { quality_set::held_out() } else { quality_set::specs() };
    let set = quality_set::generate(&cli.out, &specs)?;
    let output = std::process::Command::new(&cli.vouch)
        .arg("check")
        .arg(&set.delivery)
        .arg("--catalogue")
        .arg(&set.catalogue)
        .args(["--profile", "dat31", "--format", "json", "--out"])
        .arg(cli.out.join("report"))
        .output()
        .context("running vouch")?;
    let report: serde_json::Value =
        serde_json::from_slice(&output.stdout).context("vouch's stdout is not a JSON report")?;
    if cli.pages {
        for p in &set.pages {
            let q = quality_set::quality(&report, &p.path).cloned().unwrap_or_default();
            println!(
                "{} {:?} {:?} {} dpi skew {} {:?} {q}",
                p.path,
                p.spec.content,
                p.spec.mode,
                p.spec.dpi,
                p.spec.skew,
                p.spec.expected()
            );
        }
    }
    let score = quality_set::Score::of(&set, &report);
    for (rule, .., misses) in &score.rules {
        if !misses.is_empty() {
            println!("{rule}: {}", misses.join(" "));
        }
    }
    print!("{}", score.table());
    Ok(())
}
