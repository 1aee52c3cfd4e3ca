//! The `vouch ledger` commands: `verify` (exit 0 valid, 1 a bad line, 2 could not read)
//! and `export` (the register as CSV).

use crate::cli::{ExportArgs, ExportFormat, LedgerArgs, LedgerCommand, LedgerVerifyArgs};
use crate::exit::Code;

/// Runs `vouch ledger …`.
pub fn command(args: LedgerArgs) -> anyhow::Result<Code> {
    match args.command {
        LedgerCommand::Verify(a) => verify(a),
        LedgerCommand::Export(a) => export(a),
    }
}

fn verify(args: LedgerVerifyArgs) -> anyhow::Result<Code> {
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
    let profile = args.profile.load()?;
    let ledger = crate::ledger::Ledger::read(&args.ledger)?;
    let entries: Vec<_> = ledger.entries().collect();
    let bytes = match args.format {
        ExportFormat::Csv => crate::readback::register::render_csv(&entries, &profile.readback)?,
    };
    match &args.output {
        Some(out) => crate::output::write_atomic(out, &bytes)?,
        None => crate::cmd::print(&bytes)?,
    }
    Ok(Code::Accepted)
}
