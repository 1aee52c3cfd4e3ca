//! Signing a bundle: which file a party's signature goes to (the bundle's naming), and
//! signing an existing bundle only after its hash list still holds. The key code in
//! `sign` knows keys and bytes; the file names are the bundle's.

use super::REPORT_JSON;
use crate::sign::{SigningKey, load_signing_key, minisign, sm2};
use anyhow::bail;
use std::path::{Path, PathBuf};

/// Signs report.json (the open `report`, read from its start) with `key` into `dir`, as
/// the signature file of `signer` for the key's algorithm.
pub fn sign_with(
    dir: &Path,
    signer: Option<&str>,
    key: &SigningKey,
    report: &std::fs::File,
) -> anyhow::Result<PathBuf> {
    crate::sign::check_signer("signature name", signer)?;
    let path = dir.join(super::signature_name(signer, key.algorithm()));
    match key {
        SigningKey::Minisign(k) => minisign::sign_into(&path, (REPORT_JSON, signer), k, report),
        SigningKey::Sm2(k) => sm2::sign_into(&path, k, report),
    }
}

/// `vouch sign DIR`: signs an existing bundle after checking that every file still
/// matches report.json's hash list (a changed bundle is never signed). The hash list and
/// the signature come from the same open file.
pub fn sign_bundle(dir: &Path, key_path: &Path, signer: Option<&str>) -> anyhow::Result<PathBuf> {
    let report = super::verify::open_report(dir)?;
    let failed: Vec<String> = super::verify::check_hashes(dir, &report)
        .into_iter()
        .filter(|c| !c.ok)
        .map(|c| format!("{}: {}", c.name, c.detail))
        .collect();
    if !failed.is_empty() {
        bail!(
            "refusing to sign '{}': the bundle does not match its hash list ({})",
            dir.display(),
            failed.join("; ")
        );
    }
    let key = load_signing_key(key_path)?;
    sign_with(dir, signer, &key, &report)
}
