//! Fixity alone: write a manifest of a tree, or verify a tree against a manifest.
//!
//! For users who need integrity and nothing else (`vouch manifest`), in the manner of
//! `sha256sum` and `b3sum --check`: every file read once, in parallel, in 1 MiB blocks so
//! memory stays flat; verification prints `path: OK` or `path: FAILED (reason)` and fails
//! closed: a listed file that cannot be read is FAILED, never skipped.

use crate::delivery::relpath::RelPath;
use crate::delivery::walk::{self, Kind};
use crate::digest::{self, Algorithm};
use crate::manifest::{self, Manifest, bagit, coreutils};
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
