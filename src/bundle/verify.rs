//! `vouch verify`: is this report bundle exactly what was signed?
//!
//! Two independent checks, both fail-closed (STYLE.md habit 4). The hash list: every
//! file report.json lists must exist and match its SHA-256, which shows *which* file
//! changed even when signatures were stripped. The signatures: with `--public-key`, every
//! signature file must verify against one of the given keys, and every given key must
//! have signed; a signature by an unknown key, a changed report.json or a missing
//! signature is a failure. Without keys the signatures cannot be trusted, so checking the
//! hash list alone must be asked for by name (`--hashes-only`). minisign and SM2 keys
//! and signatures mix freely: a signature file's name says its algorithm, and only keys of
//! that algorithm can verify it (an SM2 signature names no key, so each SM2 key is tried).

use crate::bundle::{self, REPORT_JSON};
use crate::report::model::BundleFile;
use crate::sign::{self, Algorithm, PublicKey};
use anyhow::{Context, bail};
use minisign::SignatureBox;
use std::fmt::Write;
use std::path::{Path, PathBuf};

/// One check and its outcome, printed as `name: OK (detail)` or `name: FAILED (detail)`.
#[derive(Clone, Debug)]
pub struct Check {
    /// The file (or key) checked.
    pub name: String,
    /// Whether it passed.
    pub ok: bool,
    /// What was found, for a person.
    pub detail: String,
}

impl Check {
    fn pass(name: &str, detail: impl Into<String>) -> Check {
        Check { name: name.into(), ok: true, detail: detail.into() }
    }
    fn fail(name: &str, detail: impl Into<String>) -> Check {
        Check { name: name.into(), ok: false, detail: detail.into() }
    }
}

/// The outcome of verifying a bundle.
pub struct Outcome {
    /// Every check, hash list first, then signatures.
    pub checks: Vec<Check>,
    /// Things that are neither failures nor passes (unlisted files, unchecked signatures).
    pub notes: Vec<String>,
    /// SHA-256 of report.json, to compare with a digest recorded at handover.
    pub report_sha256: String,
    /// Whether signatures were checked (public keys were given).
    pub signatures_checked: bool,
}

impl Outcome {
    /// Valid when every check passed and there was at least one.
    pub fn is_valid(&self) -> bool {
        !self.checks.is_empty() && self.checks.iter().all(|c| c.ok)
    }
}

/// Verifies the bundle in `dir`. `Err` only when verification cannot run: no such
/// folder, no report.json, an unreadable public key, or neither keys nor `hashes_only`.
pub fn verify(dir: &Path, keys: &[PathBuf], hashes_only: bool) -> anyhow::Result<Outcome> {
    if keys.is_empty() && !hashes_only {
        bail!(
            "give --public-key KEY (once per signer) to check the signatures, or \
             --hashes-only to check only the hash list (which proves no authorship)"
        );
    }
    let report = open_report(dir)?;
    let keys = keys
        .iter()
        .map(|p| Ok((p.clone(), sign::load_verifying_key(p)?)))
        .collect::<anyhow::Result<Vec<_>>>()?;
    let listing = listed(&report);
    let mut checks = check_listed(dir, &listing);
    let mut notes = unlisted(dir, &listing)?;
    let sigs = signature_files(dir)?;
    if keys.is_empty() {
        notes.extend(sigs.iter().map(|s| format!("{s}: not checked (no --public-key given)")));
    } else {
        checks.extend(check_signatures(dir, &report, &sigs, &keys));
    }
    let (report_sha256, _) = bundle::sha256_reader(sign::from_start(&report)?)
        .with_context(|| format!("reading '{}'", dir.join(REPORT_JSON).display()))?;
    Ok(Outcome { checks, notes, report_sha256, signatures_checked: !keys.is_empty() })
}

/// Opens the bundle's report.json; every check then streams through this one file.
pub fn open_report(dir: &Path) -> anyhow::Result<std::fs::File> {
    let path = dir.join(REPORT_JSON);
    std::fs::File::open(&path)
        .with_context(|| format!("reading '{}': is this a vouch report folder?", path.display()))
}

/// The bundle entries report.json lists, or why it lists none. Parsed by streaming: only
/// `bundle` is kept, the rest (a million `files`, issue #7) is skipped as it is read.
fn listed(report: &std::fs::File) -> Result<Vec<BundleFile>, String> {
    #[derive(serde::Deserialize)]
    struct Listing {
        bundle: Option<serde_json::Value>,
    }
    let reader = sign::from_start(report).map_err(|e| format!("cannot be read: {e:#}"))?;
    let listing: Listing = serde_json::from_reader(reader).map_err(|e| match e.classify() {
        serde_json::error::Category::Io => format!("cannot be read: {e}"),
        _ => format!("not valid JSON ({e}): it was changed or damaged"),
    })?;
    let list = listing.bundle.ok_or("lists no bundle digests (no `bundle` field)")?;
    let files: Vec<BundleFile> = serde_json::from_value(list)
        .map_err(|e| format!("its `bundle` field is malformed ({e})"))?;
    if files.is_empty() {
        return Err("its `bundle` field lists no files".into());
    }
    Ok(files)
}

/// Checks every file report.json (the open `report`) lists against its digest.
pub fn check_hashes(dir: &Path, report: &std::fs::File) -> Vec<Check> {
    check_listed(dir, &listed(report))
}

fn check_listed(dir: &Path, listing: &Result<Vec<BundleFile>, String>) -> Vec<Check> {
    match listing {
        Ok(files) => files.iter().map(|f| check_file(dir, f)).collect(),
        Err(why) => vec![Check::fail(REPORT_JSON, why)],
    }
}

fn check_file(dir: &Path, f: &BundleFile) -> Check {
    let name = f.file.as_str();
    let plain = !name.is_empty()
        && !name.starts_with('.')
        && !name.contains(['/', '\\'])
        && name != REPORT_JSON
        && !bundle::is_signature_name(name);
    if !plain {
        return Check::fail(name, "report.json lists a name that is not a plain bundle file");
    }
    match bundle::sha256_file(&dir.join(name)) {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            Check::fail(name, "missing: report.json lists it")
        }
        Err(e) => Check::fail(name, format!("cannot be read: {e}")),
        Ok(got) => {
            if got == f.sha256.to_ascii_lowercase() {
                Check::pass(name, format!("sha256 {}", &got[..16]))
            } else {
                Check::fail(
                    name,
                    format!("changed: sha256 is {got}, report.json lists {}", f.sha256),
                )
            }
        }
    }
}

/// Names in `dir` sorted, hidden ones too: a temporary file a killed run left
/// (`.vouch-*`) is named as not covered, like any other file (issue #17).
fn names(dir: &Path) -> anyhow::Result<Vec<String>> {
    let entries = std::fs::read_dir(dir)
        .with_context(|| format!("listing report folder '{}'", dir.display()))?;
    let mut names: Vec<String> =
        entries.flatten().map(|e| e.file_name().to_string_lossy().into_owned()).collect();
    names.sort();
    Ok(names)
}

fn signature_files(dir: &Path) -> anyhow::Result<Vec<String>> {
    Ok(names(dir)?.into_iter().filter(|n| bundle::is_signature_name(n)).collect())
}

/// Files in the folder that neither report.json's list nor the signatures cover.
fn unlisted(dir: &Path, listing: &Result<Vec<BundleFile>, String>) -> anyhow::Result<Vec<String>> {
    let listed: Vec<&str> =
        listing.as_ref().map_or(&[][..], |l| &l[..]).iter().map(|f| f.file.as_str()).collect();
    Ok(names(dir)?
        .into_iter()
        .filter(|n| {
            n != REPORT_JSON && !bundle::is_signature_name(n) && !listed.contains(&n.as_str())
        })
        .map(|n| format!("{n}: not covered by report.json (not part of what was signed)"))
        .collect())
}

/// Each signature must verify with a given key, and each given key must have signed.
fn check_signatures(
    dir: &Path,
    report: &std::fs::File,
    sigs: &[String],
    keys: &[(PathBuf, PublicKey)],
) -> Vec<Check> {
    let mut used = vec![false; keys.len()];
    let mut checks: Vec<Check> = sigs
        .iter()
        .map(|name| {
            let (check, key) = check_signature(dir, name, report, keys);
            if let Some(k) = key {
                used[k] = true;
            }
            check
        })
        .collect();
    for ((path, pk), used) in keys.iter().zip(used) {
        if !used {
            let detail = format!(
                "key {} signed nothing in this folder: its signature is missing or was replaced",
                pk.id()
            );
            checks.push(Check::fail(&path.display().to_string(), detail));
        }
    }
    checks
}

/// Checks one signature file; returns the index of the key it verified with.
fn check_signature(
    dir: &Path,
    name: &str,
    report: &std::fs::File,
    keys: &[(PathBuf, PublicKey)],
) -> (Check, Option<usize>) {
    let bytes = match std::fs::read(dir.join(name)) {
        Ok(b) => b,
        Err(e) => return (Check::fail(name, format!("cannot be read: {e}")), None),
    };
    match bundle::signature_algorithm(name) {
        Some(Algorithm::Sm2) => check_sm2(name, &bytes, report, keys),
        _ => check_minisign(name, &bytes, report, keys),
    }
}

fn check_minisign(
    name: &str,
    bytes: &[u8],
    report: &std::fs::File,
    keys: &[(PathBuf, PublicKey)],
) -> (Check, Option<usize>) {
    let sig = match std::str::from_utf8(bytes)
        .map_err(|e| e.to_string())
        .and_then(|text| SignatureBox::from_string(text).map_err(|e| e.to_string()))
    {
        Ok(s) => s,
        Err(e) => return (Check::fail(name, format!("not a minisign signature: {e}")), None),
    };
    let id = sign::key_id(sig.keynum());
    let Some((k, pk)) = keys.iter().enumerate().find_map(|(k, (_, pk))| match pk {
        PublicKey::Minisign(pk) if pk.keynum() == sig.keynum() => Some((k, pk)),
        _ => None,
    }) else {
        let why = format!("signed by key {id}, which is none of the given --public-key keys");
        return (Check::fail(name, why), None);
    };
    let key_file = keys[k].0.display();
    let verified = sign::from_start(report).and_then(|data| {
        minisign::verify(pk, &sig, data, true, false, false).map_err(|e| anyhow::anyhow!("{e}"))
    });
    match verified {
        Ok(()) => {
            let trusted = sig.trusted_comment().unwrap_or_default();
            if let Some(why) = signer_contradiction(name, &trusted) {
                return (Check::fail(name, why), Some(k));
            }
            let comment = trusted.replace('\t', " ");
            let detail = format!("signed by key {id} ({key_file}); {comment}");
            (Check::pass(name, detail), Some(k))
        }
        Err(e) => {
            let detail = format!(
                "{REPORT_JSON} does not match this signature by key {id} ({key_file}): {e}; \
                 report.json or the signature changed after signing"
            );
            (Check::fail(name, detail), Some(k))
        }
    }
}

/// Why a minisign signature's signed `signer:` contradicts its file name (the party a
/// file name says signed, `report.json.NAME.minisig`, or `first` for
/// `report.json.minisig`), if it does: signature files swapped or renamed.
fn signer_contradiction(name: &str, trusted: &str) -> Option<String> {
    let middle = name.strip_prefix(REPORT_JSON)?.strip_suffix(".minisig")?;
    let named = middle.strip_prefix('.').unwrap_or("first");
    let signed = trusted.split('\t').find_map(|f| f.strip_prefix("signer:"))?;
    (signed != named).then(|| {
        format!(
            "the signature verifies, but it was signed as signer '{signed}' while its file name \
             says '{named}': signature files were swapped or renamed"
        )
    })
}

/// An SM2 signature names no key: it passes if one of the given SM2 keys verifies it.
fn check_sm2(
    name: &str,
    der: &[u8],
    report: &std::fs::File,
    keys: &[(PathBuf, PublicKey)],
) -> (Check, Option<usize>) {
    let sm2_keys: Vec<(usize, &PathBuf, &sm2::PublicKey)> = keys
        .iter()
        .enumerate()
        .filter_map(|(k, (path, pk))| match pk {
            PublicKey::Sm2(pk) => Some((k, path, pk.as_ref())),
            PublicKey::Minisign(_) => None,
        })
        .collect();
    if sm2_keys.is_empty() {
        let why = "an SM2 signature, but no SM2 --public-key (PEM) was given to check it";
        return (Check::fail(name, why), None);
    }
    let mut why = String::new();
    for &(k, path, pk) in &sm2_keys {
        let verified = sign::from_start(report)
            .map_err(|e| format!("{e:#}"))
            .and_then(|data| sign::sm2::verify(pk, data, der));
        match verified {
            Ok(()) => {
                let detail = format!(
                    "SM2/SM3 signature by key {} ({}), ID {}",
                    sign::sm2::key_id(pk),
                    path.display(),
                    sign::sm2::DIST_ID
                );
                return (Check::pass(name, detail), Some(k));
            }
            Err(e) => why = e,
        }
    }
    let tried: Vec<String> = sm2_keys
        .iter()
        .map(|(_, p, pk)| format!("{} {}", sign::sm2::key_id(pk), p.display()))
        .collect();
    let detail = format!(
        "{REPORT_JSON} does not match this SM2 signature with any given SM2 key ({}): {why}; \
         report.json or the signature changed after signing, or another key made it",
        tried.join(", ")
    );
    (Check::fail(name, detail), None)
}

/// The b3sum-style text: one line per check, notes, report.json's digest, verdict last.
/// Quiet: only the failed checks and the verdict, as `sha256sum --quiet` prints failures.
/// Names are escaped for the terminal ([`terminal`]): a file in the folder named with
/// control characters cannot forge a line.
pub fn render(o: &Outcome, quiet: bool) -> String {
    use crate::output::terminal;
    let mut s = String::new();
    for c in o.checks.iter().filter(|c| !quiet || !c.ok) {
        let word = if c.ok { "OK" } else { "FAILED" };
        let _ = writeln!(s, "{}: {word} ({})", terminal(&c.name), terminal(&c.detail));
    }
    if !quiet {
        for n in &o.notes {
            let _ = writeln!(s, "note: {}", terminal(n));
        }
        let _ = writeln!(s, "{REPORT_JSON} sha256 {}", o.report_sha256);
    }
    let failed = o.checks.iter().filter(|c| !c.ok).count();
    let scope = if o.signatures_checked { "" } else { " (hash list only, no signature checked)" };
    if o.is_valid() {
        let _ = writeln!(s, "VALID{scope}: {} checks passed", o.checks.len());
    } else {
        let _ = writeln!(s, "INVALID{scope}: {failed} of {} checks failed", o.checks.len());
    }
    s
}
