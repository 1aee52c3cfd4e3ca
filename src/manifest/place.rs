//! Where a manifest's listed paths land: the one resolution every command shares.
//!
//! Paths in a manifest are relative to its own folder, as `sha256sum -c` run there
//! resolves them; that folder is found however the user typed the manifest's path (a
//! bare name, `./`, `../`, absolute, through symlinked folders), by canonicalizing it.
//! Vendors also save a manifest made inside the delivery beside it (`cd delivery &&
//! hashdeep -r -l . > ../audit.txt`): when none of a sample of its paths names a file
//! against its own folder but they do against the delivery root, the root is used and
//! the report says so. When they land nowhere but a nearest match is found (a prefix too
//! many or too few), the manifest is `unresolved`: one finding names the match instead of
//! one false integrity error per file. Only a sample of entries is looked up on disk, so
//! the cost does not grow with the manifest.

use super::{Base, Parsed, locate, path_from_bytes};
use crate::delivery::relpath::RelPath;
use anyhow::Context;
use std::path::{Component, Path, PathBuf};

/// Entries looked up on disk to decide where a manifest's paths land.
const SAMPLE: usize = 64;

/// Top-level folders of the delivery tried as a missing prefix for the nearest match.
const PREFIXES: usize = 256;

/// Where a manifest's paths are resolved, and what the report says about it.
pub(super) struct Placed {
    /// The folder listed paths are resolved against.
    pub dir: PathBuf,
    /// Which folder that is.
    pub base: Base,
    /// A notice for the report, when the paths do not land where a user would expect.
    pub note: Option<String>,
    /// Whether the paths name no delivered file anywhere (see the module comment).
    pub unresolved: bool,
}

/// Decides where the paths of the manifest at `path` land below `root` (canonical).
pub(super) fn place(
    path: &Path,
    names: &[Vec<u8>],
    root: &Path,
    given: Option<&Path>,
) -> anyhow::Result<Placed> {
    if let Some(dir) = given {
        let dir = std::fs::canonicalize(dir)
            .or_else(|_| std::path::absolute(dir))
            .with_context(|| format!("resolving the manifest root '{}'", dir.display()))?;
        return Ok(Placed { dir, base: Base::Given, note: None, unresolved: false });
    }
    let folder = folder_of(path)?;
    let names: Vec<&[u8]> = names.iter().map(Vec::as_slice).collect();
    let plain =
        |dir: PathBuf| Placed { dir, base: Base::ManifestFolder, note: None, unresolved: false };
    if names.is_empty() || hits(&names, &folder, root) > 0 {
        return Ok(plain(folder));
    }
    if folder != root && hits(&names, root, root) > 0 {
        let note = format!(
            "its paths name no file against its own folder '{}' but do against the delivery \
             root, so they were resolved against the delivery root",
            folder.display()
        );
        return Ok(Placed {
            dir: root.to_path_buf(),
            base: Base::DeliveryRoot,
            note: Some(note),
            unresolved: false,
        });
    }
    Ok(match nearest(&names, root) {
        Some(hint) => Placed {
            note: Some(format!(
                "none of the {} paths looked up names a delivered file, against its own \
                 folder '{}' or the delivery root; nearest match: {hint}",
                names.len(),
                folder.display()
            )),
            unresolved: true,
            ..plain(folder)
        },
        None => plain(folder),
    })
}

/// The canonical folder a manifest sits in; a bare name's is the working directory.
fn folder_of(path: &Path) -> anyhow::Result<PathBuf> {
    let parent = path.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    std::fs::canonicalize(parent)
        .with_context(|| format!("resolving the folder of manifest '{}'", path.display()))
}

/// About [`SAMPLE`] listed names, spread evenly over the manifest's lines (spaced by its
/// line count, so the parsed lines are never all held).
pub(super) fn sample(
    bytes: &[u8],
    lines: impl Iterator<Item = (u64, Result<Parsed, String>)>,
) -> Vec<Vec<u8>> {
    let count = bytes.iter().filter(|&&b| b == b'\n').count() + 1;
    let step = count.div_ceil(SAMPLE).max(1);
    lines.step_by(step).filter_map(|(_, p)| p.ok()).map(|p| p.name).take(SAMPLE).collect()
}

/// How many of `names`, resolved against `dir`, name an existing entry below `root`.
fn hits(names: &[&[u8]], dir: &Path, root: &Path) -> usize {
    names
        .iter()
        .filter_map(|n| locate(n, dir, root).ok())
        .filter(|rel| root.join(rel.as_path()).symlink_metadata().is_ok())
        .count()
}

/// Where one of the listed names is delivered after all: with leading folders dropped
/// (`data/J001/0001.jpg` delivered as `J001/0001.jpg`), or below a top-level folder
/// (`0001.jpg` delivered as `J001/0001.jpg`).
fn nearest(names: &[&[u8]], root: &Path) -> Option<String> {
    let tops: Vec<PathBuf> = std::fs::read_dir(root)
        .ok()?
        .flatten()
        .filter(|e| e.file_type().is_ok_and(|t| t.is_dir()))
        .take(PREFIXES)
        .map(|e| PathBuf::from(e.file_name()))
        .collect();
    names.iter().take(8).find_map(|name| {
        let listed = path_from_bytes(name);
        let parts: Vec<_> = listed.components().collect();
        let shorter = (1..parts.len()).map(|k| parts[k..].iter().collect::<PathBuf>());
        let longer = tops.iter().map(|t| t.join(&listed));
        let normal = |c: &PathBuf| c.components().all(|p| matches!(p, Component::Normal(_)));
        let hit = shorter.chain(longer).filter(normal).find(|c| root.join(c).is_file())?;
        Some(format!(
            "'{}' is delivered as '{}'",
            RelPath::new(listed.clone()).escaped(),
            RelPath::new(hit).escaped()
        ))
    })
}
