//! The `vouch ledger` commands: `verify` (exit 0 valid, 1 a bad line, 2 could not read)
//! and `export` (the register as CSV).

use crate::exit::Code;
use crate::profile::Profile;
use clap::{Args, Subcommand, ValueEnum};
use std::path::PathBuf;

/// `vouch ledger`.
#[derive(Debug, Args)]
pub struct LedgerArgs {
    /// What to do.
    #[command(subcommand)]
    pub command: LedgerCommand,
}

/// `vouch ledger` subcommands.
#[derive(Debug, Subcommand)]
pub enum LedgerCommand {
    /// Check the hash chain and every signature; name the first bad line.
    #[command(after_help = "\
Exit status: 0 valid, 1 a line is bad (it is named), 2 the ledger could not be read.
Without --public-key only the chain is checked; with it, every line must be signed by one of
the keys. Compare the printed head with a copy kept elsewhere to catch a cut-off tail.")]
    Verify(VerifyArgs),
    /// Write the media register (one row per medium) as a spreadsheet.
    Export(ExportArgs),
}

/// `vouch ledger verify`.
#[derive(Debug, Args)]
pub struct VerifyArgs {
    /// The ledger file.
    #[arg(value_name = "LEDGER")]
    pub ledger: PathBuf,
    /// A signer's public key; repeat for several. Every line must verify with one.
    #[arg(long, short = 'p', value_name = "KEY")]
    pub public_key: Vec<PathBuf>,
}

/// Export formats.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ExportFormat {
    /// CSV, UTF-8 with BOM, for Excel.
    Csv,
}

/// `vouch ledger export`.
#[derive(Debug, Args)]
pub struct ExportArgs {
    /// The ledger file.
    #[arg(value_name = "LEDGER")]
    pub ledger: PathBuf,
    /// The format.
    #[arg(long, value_enum, default_value_t = ExportFormat::Csv)]
    pub format: ExportFormat,
    /// Profile whose test intervals give the next due dates.
    #[arg(long, short = 'p', value_name = "NAME|FILE", default_value = "dat31")]
    pub profile: String,
    /// Write to this file (atomically) instead of stdout.
    #[arg(long, short = 'o', value_name = "FILE")]
    pub output: Option<PathBuf>,
}

/// Runs `vouch ledger …`.
pub fn command(args: LedgerArgs) -> anyhow::Result<Code> {
    match args.command {
        LedgerCommand::Verify(a) => verify(a),
        LedgerCommand::Export(a) => export(a),
    }
}

fn verify(args: VerifyArgs) -> anyhow::Result<Code> {
    let keys = args
        .public_key
        .iter()
        .map(|p| Ok((p.clone(), crate::sign::load_public_key(p)?)))
        .collect::<anyhow::Result<Vec<_>>>()?;
    let outcome = crate::ledger::verify::verify(&args.ledger, &keys)?;
    crate::cmd::print(crate::ledger::verify::render(&args.ledger, &outcome).as_bytes())?;
    Ok(if outcome.is_valid() { Code::Accepted } else { Code::Rejected })
}

fn export(args: ExportArgs) -> anyhow::Result<Code> {
    let profile = Profile::load(&args.profile)?;
    let ledger = crate::ledger::Ledger::read(&args.ledger)?;
    let entries: Vec<_> = ledger.entries().collect();
    let bytes = match args.format {
        ExportFormat::Csv => crate::ledger::export::render_csv(&entries, &profile.readback)?,
    };
    match &args.output {
        Some(out) => crate::output::write_atomic(out, &bytes)?,
        None => crate::cmd::print(&bytes)?,
    }
    Ok(Code::Accepted)
}
