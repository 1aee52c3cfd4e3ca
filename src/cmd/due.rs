//! `vouch due`: which stored media are due for their readback test, and which to test.

use crate::cli::DueArgs;
use crate::ledger::{self, Ledger};
use crate::readback::due::{default_seed, plan, render_human, states};

/// Runs `vouch due`: exit 0 when nothing is due, 1 when a medium is due or overdue, or
/// needs recovery, so a scheduled job notices (DESIGN.md's exit-code table).
pub fn command(args: DueArgs) -> anyhow::Result<crate::exit::Code> {
    let profile = args.profile.load()?;
    let on = match &args.on {
        Some(text) => ledger::parse_date("--on", text)?,
        None => ledger::today(),
    };
    let ledger = Ledger::read(&args.ledger)?;
    let entries: Vec<_> = ledger.entries().collect();
    let states = states(&entries, &profile.readback, on)?;
    let seed = args.seed.unwrap_or_else(|| default_seed(on, &ledger));
    let p = plan(&states, on, &profile.readback, seed);
    let text = match args.format {
        crate::cli::OutputFormat::Json => serde_json::to_string_pretty(&p)? + "\n",
        crate::cli::OutputFormat::Human => render_human(&p, &profile.name),
    };
    crate::cmd::print(text.as_bytes())?;
    let due = p.types.iter().any(|t| !t.due.is_empty()) || !p.recovery.is_empty();
    Ok(if due { crate::exit::Code::Rejected } else { crate::exit::Code::Accepted })
}
