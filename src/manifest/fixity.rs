//! Fixity alone: write a manifest of a tree, or verify a tree against a manifest.
//!
//! For users who need integrity and nothing else (`vouch manifest`), in the manner of
//! `sha256sum` and `b3sum --check`: every file read once, in parallel, in 1 MiB blocks so
//! memory stays flat; verification prints `path: OK` or `path: FAILED (reason)` and fails
//! closed: a listed file that cannot be read is FAILED, never skipped.

use crate::cmd::{default_jobs, print};
use crate::cli::ManifestArgs;
use crate::digest::{self, Algorithm};
use crate::exit::Code;
use crate::manifest::{self, Manifest, bagit, coreutils};
use crate::delivery::relpath::RelPath;
use crate::delivery::walk::{self, Kind};
use anyhow::{Context, bail};
use rayon::prelude::*;
use std::collections::BTreeSet;
use std::path::Path;

/// Output format of a written manifest.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum WriteFormat {
    /// `<hex>  <path>`, as sha256sum writes it (checkable with `sha256sum -c`).
    Coreutils,
    /// A BagIt `manifest-<alg>.txt` body: percent-encoded paths, relative to the bag.
    Bagit,
}

/// The digest of one file of a tree, or why it could not be read.
pub struct Hashed {
    /// Path below the tree's root.
    pub rel: RelPath,
    /// Hex digest, or the OS error.
    pub digest: Result<String, String>,
}

/// Hashes every regular file below `root` (sorted by path), skipping `skip`. Links and
/// special files are not followed or opened; they are returned in the second list.
pub fn hash_tree(
    root: &Path,
    alg: Algorithm,
    skip: &BTreeSet<RelPath>,
    on_file: impl Fn(u64) + Sync,
) -> (Vec<Hashed>, Vec<RelPath>) {
    let listing = walk::walk(root, |_| true);
    let mut others: Vec<RelPath> = listing.errors.into_iter().map(|e| e.rel).collect();
    let mut files = Vec::new();
    for e in listing.entries {
        match e.kind {
            Kind::File if !skip.contains(&e.rel) => files.push(e),
            Kind::File | Kind::Dir => {}
            Kind::Symlink | Kind::Special(_) => others.push(e.rel),
        }
    }
    let hashed = files
        .par_iter()
        .map(|e| {
            let digest = hash_file(&root.join(e.rel.as_path()), alg);
            on_file(e.size);
            Hashed { rel: e.rel.clone(), digest }
        })
        .collect();
    (hashed, others)
}

fn hash_file(path: &Path, alg: Algorithm) -> Result<String, String> {
    let file = std::fs::File::open(path).map_err(|e| e.to_string())?;
    let (_, mut digests) = digest::digest_reader(file, &[alg]).map_err(|e| e.to_string())?;
    digests.remove(&alg).ok_or_else(|| "no digest".into())
}

/// Renders a manifest of hashed files.
pub fn render(files: &[Hashed], format: WriteFormat) -> anyhow::Result<Vec<u8>> {
    let mut out = Vec::new();
    for f in files {
        let digest = f.digest.as_ref().map_err(|e| {
            anyhow::anyhow!(
                "'{}' could not be read ({e}); a manifest must not omit it",
                f.rel.escaped()
            )
        })?;
        let name = f.rel.as_path().as_os_str().as_encoded_bytes();
        match format {
            WriteFormat::Coreutils => out.extend(coreutils::format_line(digest, name)),
            WriteFormat::Bagit => {
                out.extend_from_slice(digest.as_bytes());
                out.extend_from_slice(b"  ");
                out.extend(bagit::percent_encode(name));
                out.push(b'\n');
            }
        }
    }
    Ok(out)
}

/// The outcome of verifying one manifest entry (or one unlisted file).
pub struct Checked {
    /// The path, escaped for display.
    pub path: String,
    /// `None` when OK, else why it FAILED.
    pub failure: Option<String>,
}

/// Verifies the files a manifest lists below `root`. With `complete`, files below
/// `root` that the manifest does not list fail too (as BagIt requires).
pub fn verify(
    manifest: &Manifest,
    root: &Path,
    complete: bool,
    on_file: impl Fn(u64) + Sync,
) -> Vec<Checked> {
    let mut checked: Vec<Checked> = manifest
        .bad_lines
        .iter()
        .map(|b| Checked {
            path: format!("{}:{}", manifest.path.display(), b.line),
            failure: Some(b.problem.clone()),
        })
        .collect();
    checked.par_extend(manifest.entries.par_iter().map(|e| {
        let failure = verify_entry(root, e);
        on_file(e.size.unwrap_or(0));
        Checked { path: display(&e.rel), failure }
    }));
    if complete {
        let listed: BTreeSet<&RelPath> = manifest.entries.iter().map(|e| &e.rel).collect();
        let itself = std::path::absolute(&manifest.path).ok();
        let itself = itself.as_deref().and_then(|p| p.strip_prefix(root).ok());
        // A bag's completeness is about its payload; its tag files are checked apart.
        let within = if manifest.format == manifest::Format::Bagit { "data" } else { "" };
        let listing = walk::walk(root, |_| true);
        let unlisted = listing.entries.iter().filter(|e| {
            e.kind != Kind::Dir
                && !listed.contains(&e.rel)
                && Some(e.rel.as_path()) != itself
                && e.rel.as_path().starts_with(within)
        });
        for e in unlisted {
            let failure = Some("not in the manifest".to_string());
            checked.push(Checked { path: display(&e.rel), failure });
        }
    }
    checked
}

/// A path for a `path: OK` line: escaped for non-UTF-8 bytes, and, as `sha256sum -c`
/// does, with a leading `\\` and `\\n` escapes when the name holds a newline or backslash,
/// so one file is always one line.
fn display(rel: &RelPath) -> String {
    let s = rel.escaped();
    if s.contains(['\n', '\r', '\\']) {
        format!("\\{}", s.replace('\\', "\\\\").replace('\n', "\\n").replace('\r', "\\r"))
    } else {
        s
    }
}

fn verify_entry(root: &Path, e: &manifest::Entry) -> Option<String> {
    let path = root.join(e.rel.as_path());
    let meta = match std::fs::symlink_metadata(&path) {
        Ok(m) => m,
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => return Some("missing".into()),
        Err(err) => return Some(err.to_string()),
    };
    if !meta.is_file() {
        return Some("not a regular file; not opened".into());
    }
    let algs: Vec<Algorithm> = e.digests.iter().map(|(a, _)| *a).collect();
    let file = match std::fs::File::open(&path) {
        Ok(f) => f,
        Err(err) => return Some(err.to_string()),
    };
    let (size, got) = match digest::digest_reader(file, &algs) {
        Ok(r) => r,
        Err(err) => return Some(format!("read error: {err}")),
    };
    if let Some(want) = e.size.filter(|&w| w != size) {
        return Some(format!("size {size}, listed {want}"));
    }
    let bad: Vec<String> = e
        .digests
        .iter()
        .filter(|(a, want)| got.get(a) != Some(want))
        .map(|(a, _)| format!("{a} mismatch"))
        .collect();
    (!bad.is_empty()).then(|| bad.join(", "))
}

/// Reads the manifest to verify, with `root` (default: its own folder).
pub fn load(
    manifest: &Path,
    root: Option<&Path>,
    opts: manifest::Options,
) -> anyhow::Result<(Manifest, std::path::PathBuf)> {
    let root = match root {
        Some(r) => r.to_path_buf(),
        None => manifest.parent().map(Path::to_path_buf).unwrap_or_default(),
    };
    let root =
        std::fs::canonicalize(if root.as_os_str().is_empty() { Path::new(".") } else { &root })
            .with_context(|| format!("opening folder '{}'", root.display()))?;
    if !root.is_dir() {
        bail!("'{}' is not a folder", root.display());
    }
    let base = opts.base.map(Path::to_path_buf).unwrap_or_else(|| root.clone());
    let m = Manifest::read(manifest, &root, manifest::Options { base: Some(&base), ..opts })?;
    Ok((m, root))
}

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
