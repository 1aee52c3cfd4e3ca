//! `vouch diff OLD NEW`: what the later of two rounds' reports fixed, added and left
//! open, matched as `vouch check --previous` matches (rule, record, path, page).

use crate::cli::{DiffArgs, OutputFormat};
use crate::cmd::print;
use crate::exit::Code;
use crate::finding::Lang;
use crate::finding::text::t;
use crate::finding::{Finding, Since};
use crate::report::model::RoundInfo;
use crate::report::rounds::{self, Previous};
use std::fmt::Write as _;

/// The comparison as `--format json` prints it.
#[derive(serde::Serialize)]
struct Diff<'a> {
    round: RoundInfo,
    new_report: &'a str,
    new_report_sha256: &'a str,
    fixed: Vec<Finding>,
    new: Vec<&'a Finding>,
}

/// Runs `vouch diff`.
pub fn command(args: &DiffArgs) -> anyhow::Result<Code> {
    let old = rounds::read_previous(&args.old)?;
    let new = rounds::read_previous(&args.new)?;
    let change = rounds::compare(&old.findings, &new.findings);
    let added: Vec<&Finding> = new
        .findings
        .iter()
        .zip(&change.since)
        .filter(|(_, s)| **s == Since::New)
        .map(|(f, _)| f)
        .collect();
    let round = round_of(&old, &new, &change);
    let mut fixed = change.fixed;
    crate::finding::sort(&mut fixed);
    let diff =
        Diff { round, new_report: &new.path, new_report_sha256: &new.sha256, fixed, new: added };
    let text = match args.format {
        OutputFormat::Json => serde_json::to_string_pretty(&diff)? + "\n",
        OutputFormat::Human => human(&diff, args.lang.lang.unwrap_or_else(Lang::from_locale)),
    };
    print(text.as_bytes())?;
    Ok(Code::Accepted)
}

/// The later report's round: as it says, else the one after the earlier report's.
fn round_of(old: &Previous, new: &Previous, change: &rounds::Change) -> RoundInfo {
    RoundInfo {
        number: new.round.max(old.round.saturating_add(1)),
        previous: old.path.clone(),
        previous_sha256: old.sha256.clone(),
        fixed: change.fixed.len() as u64,
        new: change.new_count(),
        persisting: change.persisting_count(),
    }
}

fn human(d: &Diff, l: Lang) -> String {
    let mut s = rounds::headline(&d.round, l) + "\n";
    let lists = [("ui.fixed", d.fixed.iter().collect::<Vec<_>>()), ("ui.new", d.new.clone())];
    for (title, list) in lists {
        if !list.is_empty() {
            let _ = writeln!(s, "{}", t(l, title, &[]));
        }
        for f in list {
            let place = f.path.as_deref().or(f.record.as_deref()).unwrap_or("(delivery)");
            let message = f.text.as_ref().map_or_else(|| f.message.clone(), |x| x.render(l));
            let line = format!("  {:<24} {place}: {message}", f.rule);
            let _ = writeln!(s, "{}", crate::output::terminal(&line));
        }
    }
    s
}
