//! The commands: validate arguments into a configuration, run, print, pick the exit code.
//!
//! Machine output goes to stdout, everything else to stderr. A closed stdout (a pipe to
//! `head`) is not an error: the exit status still carries the verdict.

pub mod diff;
pub mod due;
pub mod inspect;
pub mod ledger;
pub mod manifest;
pub mod media;
pub mod merge;
pub mod sample;

use crate::bundle;
use crate::bundle::Attachment;
use crate::catalogue;
use crate::check::{self, Config};
use crate::cli::{
    CatalogueCommand, CatalogueInspectArgs, CheckArgs, Cli, Command, KeygenArgs, OutputFormat,
    ProfilesArgs, RulesArgs, SignArgs, VerifyArgs,
};
use crate::exit::Code;
use crate::finding::registry::RULES;
use crate::finding::text::t;
use crate::inspect::Depth;
use crate::output;
use crate::profile::{BUILTIN, Profile};
use crate::report::{human, json, model::Report, model::Verdict, rounds};
use anyhow::{Context, bail};
use std::io::Write;
use std::num::NonZeroUsize;
use std::path::Path;

/// Runs one command.
pub fn run(cli: Cli) -> anyhow::Result<Code> {
    let code = dispatch(cli);
    // For tests and benchmarks that prove each file is read once: the kernel's count of
    // bytes this process read (Linux /proc/self/io), on stderr.
    if std::env::var_os("VOUCH_DEBUG_IO").is_some()
        && let Ok(io) = std::fs::read_to_string("/proc/self/io")
    {
        eprint!("vouch: io: {}", io.replace('\n', " ").trim_end());
        eprintln!();
    }
    code
}

fn dispatch(cli: Cli) -> anyhow::Result<Code> {
    match cli.command {
        Command::Check(args) => check_command(*args),
        Command::Rules(args) => rules_command(args),
        Command::Profiles(args) => profiles_command(args),
        Command::Manifest(args) => manifest::command(args),
        Command::Keygen(args) => keygen_command(args),
        Command::Sign(args) => sign_command(args),
        Command::Verify(args) => verify_command(args),
        Command::Catalogue(CatalogueCommand::Inspect(args)) => catalogue_inspect(args),
        Command::Inspect(args) => {
            let (bytes, code) = crate::cmd::inspect::run(&args)?;
            print(&bytes)?;
            Ok(code)
        }
        Command::Media(args) => media::command(args),
        Command::Ledger(args) => crate::cmd::ledger::command(args),
        Command::Due(args) => due::command(args),
        Command::Diff(args) => diff::command(&args),
        Command::Merge(args) => merge::command(args),
        Command::Sample(args) => sample::command(args),
    }
}

fn check_command(mut args: CheckArgs) -> anyhow::Result<Code> {
    let profile = args.profile.load()?;
    let root = std::fs::canonicalize(&args.delivery).map_err(|e| {
        anyhow::anyhow!("delivery '{}' cannot be opened: {e}", args.delivery.display())
    })?;
    let bag = crate::manifest::bagit::as_delivery(&root, &mut args.delivery, &mut args.manifest)?;
    if let Some(note) = bag.filter(|_| !args.quiet) {
        eprintln!("vouch: note: {}", output::terminal(&note));
    }
    bounded_inputs(&args, &profile)?;
    // The report folder is checked before hours of reading, not after.
    let out = args.out.as_deref().map(|o| output::prepare_dir(o, &root)).transpose()?;
    // So is the signing key: its password is asked now, not after hours of reading.
    crate::sign::check_signer("--signature-name", args.signature_name.as_deref())?;
    let key = args.sign_key.as_deref().map(crate::sign::load_signing_key).transpose()?;
    // So is the previous round's report.
    let previous = args.previous.as_deref().map(rounds::read_previous).transpose()?;
    let (format, quiet, signer) = (args.format, args.quiet, args.signature_name.clone());
    let shard = args.shard.as_deref().map(|s| {
        check::shard::parse(s, args.shards, &|k| std::env::var(k).ok().filter(|v| !v.is_empty()))
    });
    let mut cfg = check_config(args, profile, out.as_deref());
    if let Some(shard) = shard {
        cfg.shard = Some(shard?);
        let dir = out.as_deref().context("--shard needs --out")?;
        return merge::shard(&cfg, dir, (key.as_ref(), signer.as_deref()), quiet);
    }
    let check::Checked { mut report, mut accepted, journal, thumbs } = check::run(&cfg)?;
    if let Some(previous) = previous {
        rounds::apply(&mut report, previous);
    }
    if cfg.depth == Depth::Quick {
        quick_never_accepts(&mut report, &mut accepted);
    }
    let (written_json, written) = match &out {
        Some(dir) => {
            let signer = (key.as_ref(), signer.as_deref());
            let spool = thumbs.as_ref().map(crate::report::thumbs::Spool::path);
            let (json, line) = write_bundle(dir, &mut report, accepted, spool, signer)?;
            (Some(json), Some(line))
        }
        // Without a bundle the JSON is streamed to stdout when asked for, never held.
        None => (None, None),
    };
    // The report of a complete run is written: its journal and thumbnails have served.
    if let Some(journal) = journal {
        journal.finish()?;
        thumbs.map(crate::report::thumbs::Spool::finish).transpose()?;
    }
    match format {
        OutputFormat::Json => match &written_json {
            Some(file) => print_file(file)?,
            None => print_json(&report)?,
        },
        OutputFormat::Human => print(human::render(&report, quiet, written.as_deref()).as_bytes())?,
    }
    Ok(match report.verdict {
        Verdict::Accepted => Code::Accepted,
        Verdict::Rejected => Code::Rejected,
        Verdict::Incomplete if crate::interrupt::requested() => Code::Interrupted,
        // Completed, but not deep enough to vouch for anything (`--depth quick`).
        Verdict::Incomplete => Code::Rejected,
    })
}

/// The catalogue, item list and manifests are read whole: each must be a regular file
/// within the profile's `[limits]` (issue #17).
fn bounded_inputs(args: &CheckArgs, profile: &Profile) -> anyhow::Result<()> {
    use crate::input::{Bounded, check};
    let catalogues = std::iter::once(&args.catalogue).chain(&args.items);
    for path in catalogues {
        let (limit, key) = (profile.max_catalogue_bytes, "limits.max_catalogue_bytes");
        check(&Bounded { path, what: "catalogue", limit, key })?;
    }
    for path in &args.manifest {
        let (limit, key) = (profile.max_manifest_bytes, "limits.max_manifest_bytes");
        check(&Bounded { path, what: "manifest", limit, key })?;
    }
    Ok(())
}

/// Fail closed (issue #8): a quick run decodes no image data, so it cannot accept. What
/// would have been `accepted` is `incomplete`, with no accepted manifest to pin; a
/// rejection stands (the findings are real).
pub(crate) fn quick_never_accepts(report: &mut Report, accepted: &mut Vec<Attachment>) {
    if report.verdict == Verdict::Accepted {
        report.verdict = Verdict::Incomplete;
        report.incomplete = Some(t(report.lang, "ui.incomplete-quick", &[]));
        accepted.clear();
    }
}

/// The validated configuration of a check (STYLE.md habit 7: raw flags in, `Config` out).
fn check_config(args: CheckArgs, profile: Profile, out: Option<&Path>) -> Config {
    Config {
        delivery: args.delivery,
        catalogue: args.catalogue,
        catalogue_options: catalogue::Options {
            sheet: args.sheet,
            items: args.items,
            items_sheet: args.items_sheet,
        },
        manifests: args.manifest,
        manifest_root: args.manifest_root,
        manifest_format: args.manifest_format,
        manifest_algorithm: args.manifest_algorithm,
        accepted_algorithms: if args.accepted_algorithm.is_empty() {
            vec![crate::digest::Algorithm::Sha256]
        } else {
            args.accepted_algorithm
        },
        profile,
        journal: out.map(|dir| dir.join(crate::check::journal::FILE_NAME)),
        resume: args.resume,
        sample_seed: args.sample_seed,
        jobs: args.jobs.map_or_else(crate::cli::default_jobs, |n| n.get()),
        io_threads: args.io_threads.map(NonZeroUsize::get),
        depth: args.depth,
        operator: args.operator.or_default(),
        progress: !args.quiet && args.format == OutputFormat::Human,
        clamd: args.clamd.clone(),
        shard: None,
    }
}

/// Writes and signs the bundle; returns report.json as written (open) and the summary's
/// line saying where the bundle went.
pub(crate) fn write_bundle(
    dir: &Path,
    report: &mut crate::report::model::Report,
    accepted: Vec<Attachment>,
    thumbs: Option<&Path>,
    (key, signer): (Option<&crate::sign::SigningKey>, Option<&str>),
) -> anyhow::Result<(std::fs::File, String)> {
    let thumbs: Vec<&Path> = thumbs.into_iter().collect();
    let w = bundle::write_signed(dir, report, accepted, &thumbs, (key, signer))?;
    let resigned = w.signature.as_deref().and_then(|p| p.file_name());
    for old in w.removed.iter().filter(|o| resigned != Some(std::ffi::OsStr::new(o))) {
        let (old, dir) = (output::terminal(old), output::terminal_path(dir));
        eprintln!("vouch: removed '{old}' from '{dir}': it signed an earlier report");
    }
    let line = human::bundle_line(dir, report, w.signature.as_deref());
    Ok((w.report, line))
}

fn rules_command(args: RulesArgs) -> anyhow::Result<Code> {
    let profile = args.profile.load()?;
    let l = profile.lang;
    let text = match args.format {
        OutputFormat::Json => {
            let rows: Vec<_> = RULES
                .iter()
                .map(|r| {
                    serde_json::json!({
                        "rule": r.id, "severity": profile.severity(r.id),
                        "meaning": r.meaning_in(l), "serves": r.serves_in(l),
                    })
                })
                .collect();
            serde_json::to_string_pretty(&rows)? + "\n"
        }
        OutputFormat::Human => {
            let mut s = t(l, "ui.rules-head", &[("profile", &profile.name)]) + "\n";
            for r in RULES {
                let sev = profile.severity(r.id).as_str();
                let serves = t(l, "ui.rules-serves", &[("what", r.serves_in(l))]);
                s +=
                    &format!("  {:<26} {sev:<8} {}\n  {:<35}{serves}\n", r.id, r.meaning_in(l), "");
            }
            s
        }
    };
    print(text.as_bytes())?;
    Ok(Code::Accepted)
}

fn profiles_command(args: ProfilesArgs) -> anyhow::Result<Code> {
    if let Some(name) = args.show {
        let Some((_, src, _)) = BUILTIN.iter().find(|(n, ..)| *n == name) else {
            let names: Vec<_> = BUILTIN.iter().map(|(n, ..)| *n).collect();
            bail!("no built-in profile '{name}'; built-in profiles: {}", names.join(", "));
        };
        print(src.as_bytes())?;
        return Ok(Code::Accepted);
    }
    let mut s =
        String::from("built-in profiles (use with --profile NAME; --show NAME prints one):\n");
    for (name, _, differs) in BUILTIN {
        let p = Profile::load(name)?;
        s += &format!("  {name:<10} {}\n  {:<10} {differs}\n", p.title, "");
    }
    print(s.as_bytes())?;
    Ok(Code::Accepted)
}

fn keygen_command(args: KeygenArgs) -> anyhow::Result<Code> {
    let k = crate::sign::keygen(&args.out_dir, &args.name, args.algorithm, args.no_password)?;
    let text = format!(
        "key {}\nsecret key: {} (keep it; mode 0600)\npublic key: {} (hand it to whoever verifies)\n",
        k.id,
        k.secret.display(),
        k.public.display()
    );
    print(text.as_bytes())?;
    Ok(Code::Accepted)
}

fn catalogue_inspect(args: CatalogueInspectArgs) -> anyhow::Result<Code> {
    let profile = args.profile.load()?;
    let what =
        if args.items { catalogue::inspect::As::Items } else { catalogue::inspect::As::Records };
    let text =
        catalogue::inspect::render(&args.file, &profile, args.sheet.as_deref(), what, args.rows)?;
    print(text.as_bytes())?;
    Ok(Code::Accepted)
}

fn sign_command(args: SignArgs) -> anyhow::Result<Code> {
    let path = crate::bundle::sign::sign_bundle(
        &args.dir,
        &args.sign_key,
        args.signature_name.as_deref(),
    )?;
    print(format!("signed: {}\n", path.display()).as_bytes())?;
    Ok(Code::Accepted)
}

/// Exit 0 when the bundle is valid, 1 when it is not (the codes `check` uses for
/// accepted and rejected), 2 when it could not be verified.
fn verify_command(args: VerifyArgs) -> anyhow::Result<Code> {
    let outcome = crate::bundle::verify::verify(&args.dir, &args.public_key, args.hashes_only)?;
    print(crate::bundle::verify::render(&outcome, args.quiet).as_bytes())?;
    Ok(if outcome.is_valid() { Code::Accepted } else { Code::Rejected })
}

/// What to do about an error that stopped a run, when its cause says more than its
/// message: a full disk (ENOSPC, or a quota) is named as such, with the way on.
pub fn hint(err: &anyhow::Error) -> Option<&'static str> {
    let full = err
        .chain()
        .filter_map(io_kind)
        .any(|k| matches!(k, std::io::ErrorKind::StorageFull | std::io::ErrorKind::QuotaExceeded));
    full.then_some(
        "the disk is full (no space left on device): free some space, or choose a report \
         folder on another disk, and run again (--resume keeps what was already inspected)",
    )
}

/// The kind of an I/O error in an error's chain (also inside a JSON writer's error).
fn io_kind(e: &(dyn std::error::Error + 'static)) -> Option<std::io::ErrorKind> {
    let io = e.downcast_ref::<std::io::Error>().map(std::io::Error::kind);
    io.or_else(|| e.downcast_ref::<serde_json::Error>().and_then(|j| j.io_error_kind()))
}

/// Writes to stdout; a closed pipe is not an error.
pub(crate) fn print(bytes: &[u8]) -> anyhow::Result<()> {
    let mut stdout = std::io::stdout().lock();
    match stdout.write_all(bytes).and_then(|_| stdout.flush()) {
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        other => Ok(other?),
    }
}

/// Copies the written report.json (open) to stdout, streamed; a closed pipe is not an
/// error.
pub(crate) fn print_file(report: &std::fs::File) -> anyhow::Result<()> {
    let mut from = crate::sign::from_start(report)?;
    let mut stdout = std::io::stdout().lock();
    match std::io::copy(&mut from, &mut stdout).and_then(|_| stdout.flush()) {
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        other => Ok(other.map(drop).context("printing report.json")?),
    }
}

/// Streams the report's JSON to stdout (the bytes [`json::write`] writes into report.json).
pub(crate) fn print_json(report: &crate::report::model::Report) -> anyhow::Result<()> {
    let broken_pipe = |e: &anyhow::Error| {
        e.chain().any(|c| {
            let io = c.downcast_ref::<std::io::Error>().map(std::io::Error::kind);
            let js = c.downcast_ref::<serde_json::Error>().and_then(|j| j.io_error_kind());
            io.or(js) == Some(std::io::ErrorKind::BrokenPipe)
        })
    };
    match json::write(report, std::io::stdout().lock()) {
        Err(e) if broken_pipe(&e) => Ok(()),
        other => other,
    }
}
