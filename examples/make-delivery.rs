//! Writes a synthetic digitized-archive delivery for trying and testing vouch.
//!
//! The same generator builds the integration tests' fixtures and the committed sample in
//! `testdata/sample/`; this command is how a person makes one to look at or to check:
//!
//! ```text
//! cargo run --example make-delivery -- OUT [--defects] [--defect RULE]... [--records N] [--seed S]
//! ```
//!
//! writes `OUT/delivery/` (with `manifest-sha256.txt`), `OUT/catalogue.csv` (GBK) and
//! `OUT/expected.json` (the findings the injected defects must produce).

#[path = "../tests/support/generate.rs"]
mod generate;

use anyhow::{Context, Result, bail};
use clap::Parser;
use generate::{Defect, Options};
use std::path::PathBuf;
use std::process::ExitCode;

/// Writes a synthetic delivery: page images, GBK catalogue, sha256 manifest, expected findings.
#[derive(Parser, Debug)]
#[command(name = "make-delivery")]
struct Cli {
    /// Output folder; `OUT/delivery` must not exist yet.
    out: PathBuf,
    /// Inject every defect class once.
    #[arg(long)]
    defects: bool,
    /// Inject the defect that provokes this rule (repeatable), e.g. `page-gap`.
    #[arg(long = "defect", value_name = "RULE")]
    defect: Vec<String>,
    /// Number of catalogue records (default: enough for the defects, at least 8).
    #[arg(long)]
    records: Option<usize>,
    /// Seed for all content.
    #[arg(long, default_value_t = 1)]
    seed: u64,
}

fn main() -> ExitCode {
    match run(Cli::parse()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("make-delivery: {e:#}");
            ExitCode::FAILURE
        }
    }
}

fn run(cli: Cli) -> Result<()> {
    let mut defects = if cli.defects { Defect::ALL.to_vec() } else { Vec::new() };
    for rule in &cli.defect {
        match Defect::from_rule(rule) {
            Some(d) => defects.push(d),
            None => bail!("no defect for rule `{rule}`; known: {}", known_rules()),
        }
    }
    let opts = Options { seed: cli.seed, records: cli.records, defects };
    let generated = generate::generate(&cli.out, &opts)
        .with_context(|| format!("generating into {}", cli.out.display()))?;
    println!("delivery   {}", generated.delivery.display());
    println!("catalogue  {}", generated.catalogue.display());
    println!("manifest   {}", generated.manifest.display());
    println!(
        "expected   {} ({} findings)",
        generated.expected_file.display(),
        generated.expected.len()
    );
    Ok(())
}

fn known_rules() -> String {
    Defect::ALL.map(Defect::rule).join(", ")
}
