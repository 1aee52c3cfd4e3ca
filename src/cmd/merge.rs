//! `vouch check --shard K/N` and `vouch merge`: one check over many machines (issue #21).
//!
//! A shard writes a part into its report folder and prints where; the merge joins the
//! parts into the bundle a single run writes, with the exit status of `check`.

use crate::check::{self, merge, part};
use crate::cli::{MergeArgs, OutputFormat};
use crate::exit::Code;
use crate::output;
use crate::report::{human, model::Verdict};
use anyhow::Context as _;
use std::path::Path;

/// Runs one shard of a check (`cfg.shard`) and writes its part into `dir`. Exit 0 when
/// the part is complete, 130 when Ctrl-C cut it short (run it again: it resumes).
pub fn shard(
    cfg: &check::Config,
    dir: &Path,
    signer: (Option<&crate::sign::SigningKey>, Option<&str>),
    quiet: bool,
) -> anyhow::Result<Code> {
    let done = check::run_shard(cfg)?;
    let check::PartDone { part, files, journal, thumbs } = done;
    let complete = part.complete;
    let (shard, files_n) = (part.shard, part.tally.0);
    let spool = thumbs.as_ref().map(|t| t.path().to_path_buf());
    let signature = part::write(dir, part, files, spool.as_deref(), signer)?;
    // The journal has served once the part is complete; the spool stays for the merge.
    if let Some(journal) = journal.filter(|_| complete) {
        journal.finish()?;
    }
    if !quiet {
        let state = if complete { "complete" } else { "INTERRUPTED (run it again to resume)" };
        let signed = signature.map_or(String::new(), |s| format!(", signed {}", s.display()));
        let line = format!(
            "shard {shard}: {files_n} files, part {state} in {}{signed}\n",
            output::terminal_path(dir)
        );
        super::print(line.as_bytes())?;
    }
    Ok(if complete { Code::Accepted } else { Code::Interrupted })
}

/// `vouch merge PART_DIR… --out DIR`.
pub fn command(args: MergeArgs) -> anyhow::Result<Code> {
    let root = merge::delivery_root(&args.parts)?;
    let root = std::fs::canonicalize(&root)
        .with_context(|| format!("opening the delivery '{}' the parts checked", root.display()))?;
    let out = output::prepare_dir(&args.out, &root)?;
    crate::sign::check_signer("--signature-name", args.signature_name.as_deref())?;
    let key = args.sign_key.as_deref().map(crate::sign::load_signing_key).transpose()?;
    let cfg = merge::Config {
        parts: args.parts,
        out: Some(out.clone()),
        public_keys: args.public_key,
        allow_partial: args.allow_partial,
        lang: args.lang.lang,
    };
    let merge::Merged { mut report, mut accepted, thumbs, quick } = merge::run(&cfg)?;
    if quick {
        super::quick_never_accepts(&mut report, &mut accepted);
    }
    let signer = (key.as_ref(), args.signature_name.as_deref());
    let spools: Vec<&Path> = thumbs.iter().map(|p| p.as_path()).collect();
    let w = crate::bundle::write_signed(&out, &mut report, accepted, &spools, signer)?;
    let line = human::bundle_line(&out, &report, w.signature.as_deref());
    match args.format {
        OutputFormat::Json => super::print_file(&w.report)?,
        OutputFormat::Human => {
            super::print(human::render(&report, args.quiet, Some(&line)).as_bytes())?
        }
    }
    Ok(match report.verdict {
        Verdict::Accepted => Code::Accepted,
        Verdict::Rejected => Code::Rejected,
        Verdict::Incomplete => Code::Rejected,
    })
}
