//! The report bundle: every file of a report folder, rendered, pinned and written.
//!
//! report.json is the record that gets signed, so it must pin everything else: the other
//! files (report.html, findings.csv, junit.xml, later the accepted manifests) are
//! rendered first, their SHA-256 go into `report.bundle`, and only then is report.json
//! rendered. Signatures (`report.json.minisig`, `report.json.NAME.minisig`, and SM2's
//! `report.json.sm2.sig`, `report.json.NAME.sm2.sig`) sign report.json and so cover the
//! whole bundle; if a transfer strips them, the hash list
//! still shows which file changed. Files are written atomically, report.json last.

use super::html::{self, ContactSheet};
use super::model::{BundleFile, Report};
use super::{csv, json, junit};
use crate::output;
use crate::sign::Algorithm;
use anyhow::Context;
use sha2::{Digest, Sha256};
use std::path::Path;

/// The canonical record's file name.
pub const REPORT_JSON: &str = "report.json";

/// A file of the bundle besides the rendered reports, e.g. an accepted manifest: its
/// name in the report folder and its bytes.
pub type Attachment = (String, Vec<u8>);

/// A rendered bundle, not yet written.
pub struct Bundle {
    /// The other files, in the order listed in report.json.
    pub files: Vec<Attachment>,
    /// report.json's bytes, with the digests of `files` inside.
    pub json: Vec<u8>,
}

/// Renders every file, records their digests in `report.bundle`, then renders report.json.
pub fn render(
    report: &mut Report,
    contact: &ContactSheet,
    attachments: &[Attachment],
) -> anyhow::Result<Bundle> {
    let mut files = vec![
        ("findings.csv".to_string(), csv::render(report)?),
        ("junit.xml".to_string(), junit::render(report)?),
        ("report.html".to_string(), html::render(report, contact)),
    ];
    files.extend(attachments.iter().cloned());
    report.bundle = files
        .iter()
        .map(|(name, bytes)| BundleFile {
            file: name.clone(),
            sha256: sha256_hex(bytes),
            bytes: bytes.len() as u64,
        })
        .collect();
    let json = json::render(report)?;
    Ok(Bundle { files, json })
}

/// Gives each page of the sheet its thumbnail from the spool, as a data URI (the HTML
/// stays one self-contained file).
fn attach_thumbnails(sheet: &mut ContactSheet, spool: &Path) -> anyhow::Result<()> {
    use ct_codecs::Encoder;
    let wanted = sheet.items.iter().map(|i| (i.path.clone(), i.page)).collect();
    let mut found = crate::thumbs::read(spool, &wanted)?;
    for item in &mut sheet.items {
        if let Some(t) = found.remove(&(item.path.clone(), item.page)) {
            let b64 = ct_codecs::Base64::encode_to_string(&t.jpeg)
                .map_err(|e| anyhow::anyhow!("encoding a thumbnail: {e}"))?;
            item.thumbnail = Some((format!("data:image/jpeg;base64,{b64}"), t.width, t.height));
        }
    }
    Ok(())
}

/// Writes the bundle into `dir`: first removes signatures of an earlier report there (they
/// would not match the new one), then the other files, then report.json. Returns the
/// names of the signatures removed.
pub fn write(dir: &Path, bundle: &Bundle) -> anyhow::Result<Vec<String>> {
    let mut removed = Vec::new();
    let entries = std::fs::read_dir(dir).with_context(|| format!("listing '{}'", dir.display()))?;
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        if is_signature_name(&name) {
            std::fs::remove_file(entry.path()).with_context(|| {
                format!("removing the stale signature '{}'", entry.path().display())
            })?;
            removed.push(name);
        }
    }
    for (name, bytes) in &bundle.files {
        write_shared(&dir.join(name), bytes)?;
    }
    write_shared(&dir.join(REPORT_JSON), &bundle.json)?;
    removed.sort();
    Ok(removed)
}

/// Writes atomically, then makes the file readable by all: a report is handed to the
/// vendor and the archive's systems, unlike the private temporary file it starts as.
fn write_shared(path: &Path, bytes: &[u8]) -> anyhow::Result<()> {
    output::write_atomic(path, bytes)?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::Permissions::from_mode(0o644);
        std::fs::set_permissions(path, mode)
            .with_context(|| format!("making '{}' readable", path.display()))?;
    }
    Ok(())
}

/// What [`write_signed`] wrote.
pub struct Written {
    /// report.json's bytes (what was signed).
    pub json: Vec<u8>,
    /// The signature file, when a key was given.
    pub signature: Option<std::path::PathBuf>,
    /// Signatures of an earlier report in the folder, removed.
    pub removed: Vec<String>,
}

/// Renders the bundle into `dir`, its contact sheet with the thumbnails of the spool
/// `thumbs` (if any), and signs report.json's bytes with `key` (as `signer`), if given.
pub fn write_signed(
    dir: &Path,
    report: &mut Report,
    attachments: &[Attachment],
    thumbs: Option<&Path>,
    (key, signer): (Option<&crate::sign::SigningKey>, Option<&str>),
) -> anyhow::Result<Written> {
    let mut contact = html::contact_sheet(report);
    if let Some(spool) = thumbs {
        attach_thumbnails(&mut contact, spool)?;
    }
    let bundle = render(report, &contact, attachments)?;
    let removed = write(dir, &bundle)?;
    let signature =
        key.map(|k| crate::sign::sign_with(dir, signer, k, &bundle.json)).transpose()?;
    Ok(Written { json: bundle.json, signature, removed })
}

/// Lowercase hex SHA-256.
pub fn sha256_hex(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

/// The suffix of a signature file of `algorithm`.
fn signature_suffix(algorithm: Algorithm) -> &'static str {
    match algorithm {
        Algorithm::Minisign => ".minisig",
        Algorithm::Sm2 => ".sm2.sig",
    }
}

/// The signature file of a signer: `report.json.minisig` or `report.json.NAME.minisig`
/// for minisign, `report.json.sm2.sig` or `report.json.NAME.sm2.sig` for SM2.
pub fn signature_name(signer: Option<&str>, algorithm: Algorithm) -> String {
    let suffix = signature_suffix(algorithm);
    match signer {
        None => format!("{REPORT_JSON}{suffix}"),
        Some(name) => format!("{REPORT_JSON}.{name}{suffix}"),
    }
}

/// The algorithm of a signature file of report.json, if `name` is one (see
/// [`signature_name`]).
pub fn signature_algorithm(name: &str) -> Option<Algorithm> {
    // SM2 first: `report.json.sm2.sig` must not parse as anything else.
    [Algorithm::Sm2, Algorithm::Minisign].into_iter().find(|&a| {
        match name.strip_prefix(REPORT_JSON).and_then(|r| r.strip_suffix(signature_suffix(a))) {
            Some("") => true,
            Some(middle) => middle.strip_prefix('.').is_some_and(is_valid_signer),
            None => false,
        }
    })
}

/// Whether a file name is a signature of report.json (see [`signature_name`]).
pub fn is_signature_name(name: &str) -> bool {
    signature_algorithm(name).is_some()
}

/// A signer name usable in a file name: 1–64 of `A-Z a-z 0-9 _ -`.
pub fn is_valid_signer(name: &str) -> bool {
    (1..=64).contains(&name.len())
        && name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
}

/// Refuses a signer (or key) name that [`is_valid_signer`] refuses; `what` names it in
/// the error (`--signature-name`, `signature name`, `key name`).
pub fn check_signer(what: &str, name: Option<&str>) -> anyhow::Result<()> {
    match name.filter(|n| !is_valid_signer(n)) {
        Some(name) => anyhow::bail!("{what} '{name}' must be 1–64 of A-Z a-z 0-9 _ -"),
        None => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signature_names_round_trip() {
        let (mini, sm2) = (Algorithm::Minisign, Algorithm::Sm2);
        assert_eq!(signature_name(None, mini), "report.json.minisig");
        assert_eq!(signature_name(Some("vendor"), mini), "report.json.vendor.minisig");
        assert_eq!(signature_name(None, sm2), "report.json.sm2.sig");
        assert_eq!(signature_name(Some("vendor"), sm2), "report.json.vendor.sm2.sig");
        assert_eq!(signature_algorithm("report.json.sm2.sig"), Some(sm2));
        assert_eq!(signature_algorithm("report.json.vendor.sm2.sig"), Some(sm2));
        assert_eq!(signature_algorithm("report.json.sm2.minisig"), Some(mini));
        assert!(!is_signature_name("report.json.sig"));
        assert!(!is_signature_name("report.json..sm2.sig"));
        assert!(!is_signature_name("report.json.a/b.sm2.sig"));
        assert!(is_signature_name("report.json.minisig"));
        assert!(is_signature_name("report.json.vendor.minisig"));
        assert!(!is_signature_name("report.json"));
        assert!(!is_signature_name("report.json..minisig"));
        assert!(!is_signature_name("report.json.a/b.minisig"));
        assert!(!is_valid_signer("../x"));
    }
}
