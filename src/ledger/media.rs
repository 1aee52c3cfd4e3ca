//! `vouch media add`: register a stored medium, and the manifest it must match, in the
//! media ledger.
//!
//! The manifest is pinned by SHA-256 at registration, so years later a readback test can
//! prove it checks the medium against the reference that was accepted, not against a
//! file someone has since edited. The manifest's paths are relative to the medium's root
//! (as `vouch check` writes `accepted-manifest-sha256.txt`); registering reads the
//! manifest once to prove it is usable, and never needs the medium.

use crate::ledger::ManifestPin;
use crate::manifest::{self, Manifest};
use anyhow::{Context, bail};
use std::path::Path;

/// A medium id: 1–128 characters, no control characters, no surrounding spaces.
pub fn check_id(id: &str) -> anyhow::Result<()> {
    let ok = (1..=128).contains(&id.chars().count())
        && !id.chars().any(char::is_control)
        && id.trim() == id;
    if !ok {
        bail!("--id {id:?} must be 1–128 characters, no control characters or surrounding spaces");
    }
    Ok(())
}

/// Reads the manifest once (to prove it usable) and pins it by digest.
pub fn pin_manifest(path: &Path, format: Option<manifest::Format>) -> anyhow::Result<ManifestPin> {
    let abs = std::path::absolute(path)
        .with_context(|| format!("resolving manifest '{}'", path.display()))?;
    // Paths are placed lexically under a stand-in root: the medium is not needed here.
    let root = Path::new("/medium");
    let opts = manifest::Options { base: Some(root), format, algorithm: None };
    let m = Manifest::read(&abs, root, opts)?;
    if m.entries.is_empty() {
        bail!(
            "manifest '{}' lists no files; a medium must be registered with what it holds",
            path.display()
        );
    }
    if let Some(b) = m.bad_lines.first() {
        bail!(
            "manifest '{}', line {}: {}; register a manifest whose every line is usable",
            path.display(),
            b.line,
            b.problem
        );
    }
    Ok(ManifestPin {
        path: abs.display().to_string(),
        sha256: m.sha256,
        entries: m.entries.len() as u64,
    })
}
