//! `vouch manifest`: write a manifest of a folder, or verify a folder against one
//! (fixity only), printing `path: OK` / `path: FAILED (why)` as sha256sum does.

use crate::cli::ManifestArgs;
use crate::cli::default_jobs;
use crate::cmd::print;
use crate::delivery::relpath::RelPath;
use crate::delivery::walk;
use crate::digest::Algorithm;
use crate::exit::Code;
use crate::manifest;
use crate::manifest::fixity::{hash_tree, load, render, verify};
use anyhow::{Context, bail};
use std::collections::BTreeSet;
use std::path::Path;

/// Runs `vouch manifest`.
pub fn command(args: ManifestArgs) -> anyhow::Result<Code> {
    let jobs = args.jobs.map_or_else(default_jobs, |n| n.get());
    let pool = rayon::ThreadPoolBuilder::new().num_threads(jobs).build()?;
    match args.verify.clone() {
        Some(m) => pool.install(|| verify_command(&m, &args)),
        None => pool.install(|| write_command(&args)),
    }
}

fn write_command(args: &ManifestArgs) -> anyhow::Result<Code> {
    let Some(dir) = &args.dir else {
        bail!("name the folder to list: `vouch manifest DIR` (or verify with --verify MANIFEST)");
    };
    let root = std::fs::canonicalize(dir)
        .with_context(|| format!("opening folder '{}'", dir.display()))?;
    let alg = args.algorithm.unwrap_or(Algorithm::Sha256);
    // The manifest being written is not part of what it lists.
    let skip: BTreeSet<RelPath> = args
        .output
        .iter()
        .filter_map(|o| std::path::absolute(o).ok())
        .filter_map(|o| o.strip_prefix(&root).ok().map(RelPath::new))
        .collect();
    let total = walk::walk(&root, |_| true).entries.iter().map(|e| e.size).sum();
    let bar = crate::progress::bar(total, args.output.is_some());
    let (files, others) = hash_tree(&root, alg, &skip, |n| bar.inc(n));
    bar.finish_and_clear();
    for o in &others {
        let name = crate::output::terminal(&o.escaped()).into_owned();
        eprintln!("vouch: '{name}' is a link, a special file or unlistable; not listed");
    }
    let bytes = render(&files, args.format)?;
    match &args.output {
        Some(out) => crate::output::write_atomic(out, &bytes)?,
        None => print(&bytes)?,
    }
    eprintln!("vouch: {} files listed ({alg})", files.len());
    Ok(Code::Accepted)
}

/// Prints one line per file checked, names escaped for the terminal (control characters
/// as `%XX`, after the `sha256sum -c` escapes of [`display`]).
fn verify_command(manifest: &Path, args: &ManifestArgs) -> anyhow::Result<Code> {
    use crate::output::terminal;
    let opts =
        manifest::Options { base: None, format: args.manifest_format, algorithm: args.algorithm };
    let (m, root) = load(manifest, args.dir.as_deref(), opts)?;
    let total = m.entries.iter().filter_map(|e| e.size).sum();
    let bar = crate::progress::bar(total, !args.quiet);
    let checked = verify(&m, &root, args.complete, |n| bar.inc(n));
    bar.finish_and_clear();
    let mut out = String::new();
    let mut failed: u64 = 0;
    for c in &checked {
        match &c.failure {
            None if args.quiet => {}
            None => out += &format!("{}: OK\n", terminal(&c.path)),
            Some(why) => {
                failed = failed.saturating_add(1);
                out += &format!("{}: FAILED ({})\n", terminal(&c.path), terminal(why));
            }
        }
    }
    print(out.as_bytes())?;
    if failed > 0 {
        eprintln!("vouch: WARNING: {failed} of {} FAILED", checked.len());
        let mismatched = checked.iter().flat_map(|c| &c.failure).all(|f| f.ends_with(" mismatch"));
        let every = failed == checked.len() as u64 && failed > 1 && mismatched;
        if let Some(hint) = manifest::algorithm_hint(&m.algorithms(), "-a").filter(|_| every) {
            eprintln!("vouch: hint: {hint}");
        }
        return Ok(Code::Rejected);
    }
    Ok(Code::Accepted)
}
