//! The report bundle: every file of a report folder, rendered, pinned and written.
//!
//! report.json is the record that gets signed, so it must pin everything else: the other
//! files (report.html, findings.csv, junit.xml, the accepted manifests) are rendered
//! first, their SHA-256 go into `report.bundle`, and only then is report.json written.
//! Signatures (`report.json.minisig`, `report.json.NAME.minisig`, and SM2's
//! `report.json.sm2.sig`, `report.json.NAME.sm2.sig`) sign report.json and so cover the
//! whole bundle; if a transfer strips them, the hash list
//! still shows which file changed. Files are written atomically, report.json last.
//!
//! Memory stays flat in the number of files (issue #7): report.json is streamed into a
//! temporary file and renamed into place, signed and printed from that file; an accepted
//! manifest can be written line by line ([`AttachmentWriter`]) and hashed as it goes.

pub mod sign;
pub mod verify;

use crate::output::{self, AtomicFile};
use crate::report::html::{self, ContactSheet};
use crate::report::model::{BundleFile, Report};
use crate::report::{csv, json, junit};
use crate::sign::Algorithm;
use anyhow::{Context, bail};
use sha2::{Digest, Sha256};
use std::io::Write;
use std::path::Path;

/// The canonical record's file name.
pub const REPORT_JSON: &str = "report.json";

/// A file of the bundle besides report.json, e.g. an accepted manifest: its name in the
/// report folder and its content, bytes in memory or a file already written (by an
/// [`AttachmentWriter`]). Dropped unwritten, a file's temporary is removed.
pub struct Attachment {
    name: String,
    content: Content,
}

enum Content {
    Bytes(Vec<u8>),
    File { file: AtomicFile, sha256: String, bytes: u64 },
}

impl Attachment {
    /// An attachment held in memory.
    pub fn bytes(name: impl Into<String>, bytes: Vec<u8>) -> Attachment {
        Attachment { name: name.into(), content: Content::Bytes(bytes) }
    }

    /// Its file name in the report folder.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// Its entry in `report.bundle`.
    fn pin(&self) -> BundleFile {
        let (sha256, bytes) = match &self.content {
            Content::Bytes(b) => (sha256_hex(b), b.len() as u64),
            Content::File { sha256, bytes, .. } => (sha256.clone(), *bytes),
        };
        BundleFile { file: self.name.clone(), sha256, bytes }
    }

    /// Writes (or renames) it into `dir`.
    fn write_into(self, dir: &Path) -> anyhow::Result<()> {
        let path = dir.join(&self.name);
        match self.content {
            Content::Bytes(b) => output::write_atomic(&path, &b),
            Content::File { file, .. } => file.persist(&path).map(drop),
        }
    }
}

/// Writes an attachment by streaming, e.g. an accepted manifest line by line, into a
/// temporary file in the report folder, hashing as it goes; [`AttachmentWriter::finish`]
/// makes it an [`Attachment`] that [`write_signed`] renames into place.
pub struct AttachmentWriter {
    name: String,
    file: AtomicFile,
    sha256: Sha256,
    bytes: u64,
}

impl AttachmentWriter {
    /// Starts the attachment `name` (a plain file name) in the report folder `dir`, the
    /// folder the bundle will be written to (a rename never crosses file systems).
    pub fn create(dir: &Path, name: &str) -> anyhow::Result<AttachmentWriter> {
        let plain = !name.is_empty()
            && !name.starts_with('.')
            && !name.contains(['/', '\\'])
            && name != REPORT_JSON
            && !is_signature_name(name);
        if !plain {
            bail!("'{name}' is not a plain file name for the report bundle");
        }
        let file = AtomicFile::create_in(dir)?;
        Ok(AttachmentWriter { name: name.into(), file, sha256: Sha256::new(), bytes: 0 })
    }

    /// Ends writing: the attachment, with its digest, ready for the bundle.
    pub fn finish(mut self) -> anyhow::Result<Attachment> {
        self.file.flush().with_context(|| format!("writing '{}'", self.name))?;
        let sha256 = hex::encode(self.sha256.finalize());
        let content = Content::File { file: self.file, sha256, bytes: self.bytes };
        Ok(Attachment { name: self.name, content })
    }
}

impl Write for AttachmentWriter {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let n = self.file.write(buf)?;
        self.sha256.update(&buf[..n]);
        self.bytes += n as u64;
        Ok(n)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.file.flush()
    }
}

/// Renders the other reports, puts them before `attachments`, and records the digests of
/// all in `report.bundle` (report.json is rendered from it afterwards).
pub fn render_files(
    report: &mut Report,
    contact: &ContactSheet,
    attachments: Vec<Attachment>,
) -> anyhow::Result<Vec<Attachment>> {
    let findings = csv::render(report)?;
    let digest = sha256_hex(&findings);
    let mut files = vec![
        Attachment::bytes("findings.csv", findings),
        Attachment::bytes("junit.xml", junit::render(report)?),
        Attachment::bytes("report.html", html::render(report, contact, &digest)),
    ];
    files.extend(attachments);
    report.bundle = pin(&files);
    Ok(files)
}

/// The `report.bundle` entries of `files`, in their order.
pub fn pin(files: &[Attachment]) -> Vec<BundleFile> {
    files.iter().map(Attachment::pin).collect()
}

/// Gives each page of the sheet its thumbnail from the spool, as a data URI (the HTML
/// stays one self-contained file).
fn attach_thumbnails(sheet: &mut ContactSheet, spools: &[&Path]) -> anyhow::Result<()> {
    use ct_codecs::Encoder;
    let wanted = sheet.items.iter().map(|i| (i.path.clone(), i.page)).collect();
    let mut found = std::collections::BTreeMap::new();
    // One spool per check; one per part of a sharded check (issue #21).
    for spool in spools {
        found.extend(crate::report::thumbs::read(spool, &wanted)?);
    }
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
/// would not match the new one), then the other `files`, then report.json, streamed by
/// `json` into a temporary file and renamed into place. Returns report.json, open at its
/// end (to sign or print what was written), and the names of the signatures removed.
pub fn write(
    dir: &Path,
    files: Vec<Attachment>,
    json: impl FnOnce(&mut AtomicFile) -> anyhow::Result<()>,
) -> anyhow::Result<(std::fs::File, Vec<String>)> {
    let removed = remove_signatures(dir)?;
    for file in files {
        file.write_into(dir)?;
    }
    let path = dir.join(REPORT_JSON);
    let mut out = AtomicFile::create_in(dir)?;
    json(&mut out).with_context(|| format!("writing '{}'", path.display()))?;
    Ok((out.persist(&path)?, removed))
}

/// Removes the signatures of an earlier report in `dir`; returns their names, sorted.
fn remove_signatures(dir: &Path) -> anyhow::Result<Vec<String>> {
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
    removed.sort();
    Ok(removed)
}

/// What [`write_signed`] wrote.
pub struct Written {
    /// report.json as written (and signed), open; read it from the start to print it.
    pub report: std::fs::File,
    /// The signature file, when a key was given.
    pub signature: Option<std::path::PathBuf>,
    /// Signatures of an earlier report in the folder, removed.
    pub removed: Vec<String>,
}

/// Renders the bundle into `dir`, its contact sheet with the thumbnails of the spool
/// `thumbs` (none, one, or one per shard of a merged check), and signs report.json with `key` (as `signer`), if given.
pub fn write_signed(
    dir: &Path,
    report: &mut Report,
    attachments: Vec<Attachment>,
    thumbs: &[&Path],
    (key, signer): (Option<&crate::sign::SigningKey>, Option<&str>),
) -> anyhow::Result<Written> {
    let mut contact = html::contact_sheet(report)?;
    if !thumbs.is_empty() {
        attach_thumbnails(&mut contact, thumbs)?;
    }
    let files = render_files(report, &contact, attachments)?;
    let (file, removed) = write(dir, files, |out| json::write(report, out))?;
    let signature = key.map(|k| sign::sign_with(dir, signer, k, &file)).transpose()?;
    Ok(Written { report: file, signature, removed })
}

/// Lowercase hex SHA-256.
pub fn sha256_hex(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

/// Lowercase hex SHA-256 and length of what `reader` gives, read in 64 KiB pieces.
pub fn sha256_reader(mut reader: impl std::io::Read) -> std::io::Result<(String, u64)> {
    let mut sha = Sha256::new();
    let mut buf = vec![0u8; 64 * 1024];
    let mut len = 0u64;
    loop {
        match reader.read(&mut buf) {
            Ok(0) => return Ok((hex::encode(sha.finalize()), len)),
            Ok(n) => {
                sha.update(&buf[..n]);
                len += n as u64;
            }
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
}

/// Lowercase hex SHA-256 of the file at `path`, read by streaming.
pub fn sha256_file(path: &Path) -> std::io::Result<String> {
    Ok(sha256_reader(std::fs::File::open(path)?)?.0)
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
            Some(middle) => middle.strip_prefix('.').is_some_and(crate::sign::is_valid_signer),
            None => false,
        }
    })
}

/// Whether a file name is a signature of report.json (see [`signature_name`]).
pub fn is_signature_name(name: &str) -> bool {
    signature_algorithm(name).is_some()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Names in `dir`, hidden ones (temporary files) included.
    fn all_names(dir: &Path) -> Vec<String> {
        let mut names: Vec<String> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    }

    /// A manifest of `n` lines, as bytes and as an attachment written line by line.
    fn manifest(dir: &Path, n: usize) -> (Vec<u8>, Attachment) {
        let mut bytes = Vec::new();
        let mut w = AttachmentWriter::create(dir, "accepted-manifest-sha256.txt").unwrap();
        for i in 0..n {
            let line = format!("{:064x}  A-{i}/0001.tif\n", i * 7919);
            bytes.extend_from_slice(line.as_bytes());
            w.write_all(line.as_bytes()).unwrap();
        }
        (bytes, w.finish().unwrap())
    }

    /// Writes a bundle of `files` whose report.json lists them, as the check's does.
    fn write_bundle(dir: &Path, files: Vec<Attachment>) -> std::fs::File {
        let listed = serde_json::json!({ "verdict": "accepted", "bundle": pin(&files) });
        let (file, removed) = write(dir, files, |out| {
            serde_json::to_writer_pretty(&mut *out, &listed)?;
            Ok(out.write_all(b"\n")?)
        })
        .unwrap();
        assert!(removed.is_empty());
        file
    }

    #[test]
    fn a_streamed_attachment_is_pinned_and_written_as_its_bytes_would_be() {
        let dir = tempfile::tempdir().unwrap();
        let (bytes, streamed) = manifest(dir.path(), 5000);
        let held = Attachment::bytes("accepted-manifest-sha256.txt", bytes.clone());
        assert_eq!(pin(std::slice::from_ref(&streamed)), pin(std::slice::from_ref(&held)));
        assert_eq!(streamed.name(), "accepted-manifest-sha256.txt");
        let extra = Attachment::bytes("findings.csv", b"rule\n".to_vec());
        let report = write_bundle(dir.path(), vec![extra, streamed]);
        assert_eq!(
            all_names(dir.path()),
            ["accepted-manifest-sha256.txt", "findings.csv", "report.json"],
            "no temporary file is left behind"
        );
        let path = dir.path().join("accepted-manifest-sha256.txt");
        assert_eq!(std::fs::read(&path).unwrap(), bytes);
        let (sha, len) = sha256_reader(crate::sign::from_start(&report).unwrap()).unwrap();
        let json = std::fs::read(dir.path().join(REPORT_JSON)).unwrap();
        assert_eq!((sha, len), (sha256_hex(&json), json.len() as u64));
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&path).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o644);
        }
    }

    #[test]
    fn an_attachment_dropped_unwritten_leaves_nothing_behind() {
        let dir = tempfile::tempdir().unwrap();
        let mut accepted = vec![manifest(dir.path(), 10).1];
        assert_eq!(all_names(dir.path()).len(), 1, "its temporary file");
        accepted.clear(); // as `app::quick_never_accepts` does
        assert!(all_names(dir.path()).is_empty());
        for bad in ["", ".x", "a/b", REPORT_JSON, "report.json.minisig"] {
            assert!(AttachmentWriter::create(dir.path(), bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn a_bundle_signed_from_its_file_verifies_with_either_algorithm() {
        use crate::sign::SigningKey;
        let dir = tempfile::tempdir().unwrap();
        let keys = tempfile::tempdir().unwrap();
        let report = write_bundle(dir.path(), vec![manifest(dir.path(), 3000).1]);
        let pair = minisign::KeyPair::generate_unencrypted_keypair().unwrap();
        let mini_pub = keys.path().join("m.pub");
        std::fs::write(&mini_pub, pair.pk.to_box().unwrap().into_string()).unwrap();
        use ::sm2::elliptic_curve::Generate;
        let sm2_key = ::sm2::SecretKey::generate();
        let sm2_pub = keys.path().join("s.pub.pem");
        use pkcs8::EncodePublicKey;
        let pem = sm2_key.public_key().to_public_key_pem(pkcs8::LineEnding::LF).unwrap();
        std::fs::write(&sm2_pub, pem).unwrap();
        let sm2_key = ::sm2::dsa::SigningKey::new(crate::sign::sm2::DIST_ID, &sm2_key).unwrap();
        let dir = dir.path();
        sign::sign_with(dir, None, &SigningKey::Minisign(pair.sk), &report).unwrap();
        sign::sign_with(dir, Some("b"), &SigningKey::Sm2(Box::new(sm2_key)), &report).unwrap();
        let o = crate::bundle::verify::verify(dir, &[mini_pub, sm2_pub], false).unwrap();
        assert!(o.is_valid(), "{}", crate::bundle::verify::render(&o, false));
        assert_eq!(o.checks.len(), 3, "{}", crate::bundle::verify::render(&o, false));
        let text = std::fs::read_to_string(dir.join("report.json.minisig")).unwrap();
        assert!(text.contains("\tverdict:accepted\t"), "{text}");
    }

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
        assert!(!crate::sign::is_valid_signer("../x"));
    }
}
