//! The media ledger: an append-only, hash-chained, optionally signed record of every
//! medium registered and every readback test run on it.
//!
//! An auditor must be able to trust it years later, so every line is one JSON object
//! `{"entry":{…},"signature":…}` whose entry carries `seq` (its line number) and `prev`,
//! the SHA-256 of the previous line's bytes: editing, deleting or reordering a line
//! breaks the chain at that point. With a key, the entry's exact bytes carry a minisign
//! signature, so the chain cannot be recomputed by someone without the key. Appends take
//! an exclusive `flock`, re-read and re-check the whole file under it, write the line in
//! one `write` on an `O_APPEND` descriptor and `fsync` it: concurrent runs serialise, and
//! a crash leaves at most one torn last line, which every reader reports (never extends).
//! What the chain cannot show on its own is a cut-off tail; `vouch ledger verify` prints
//! the head digest to compare with one written down elsewhere (see docs/readback.md).

pub mod media;
pub mod verify;

use crate::profile::readback::MediaType;
use anyhow::{Context, bail};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;
use std::io::{Read, Seek, Write};
use std::path::{Path, PathBuf};

/// `prev` of the first line.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// One ledger entry: the signed part of a line.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Entry {
    /// 1-based line number.
    pub seq: u64,
    /// SHA-256 of the previous line (without its newline), or [`GENESIS`].
    pub prev: String,
    /// When it was written, RFC 3339 UTC.
    pub time: String,
    /// Who wrote it.
    pub operator: String,
    /// `vouch <version>`.
    pub tool: String,
    /// What happened.
    #[serde(flatten)]
    pub event: Event,
}

/// What a ledger line records.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum Event {
    /// A medium was registered with the manifest it must match.
    Medium(Medium),
    /// A readback test was run on a medium.
    Readback(Readback),
}

/// A registered medium.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Medium {
    /// The custodian's identifier, unique in the ledger.
    pub id: String,
    /// magnetic, optical or flash.
    #[serde(rename = "type")]
    pub media_type: MediaType,
    /// When the data was written to it, `YYYY-MM-DD`.
    pub written: String,
    /// Free text, e.g. the shelf mark.
    pub label: Option<String>,
    /// The manifest it must match.
    pub manifest: ManifestPin,
}

/// A manifest pinned by digest.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ManifestPin {
    /// Its path as given (made absolute).
    pub path: String,
    /// SHA-256 of its bytes.
    pub sha256: String,
    /// Usable entries in it.
    pub entries: u64,
}

/// The outcome of one readback test.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Readback {
    /// The medium tested.
    pub id: String,
    /// The civil date of the test (local time), `YYYY-MM-DD`.
    pub date: String,
    /// `pass`, or `fail` (recovery needed).
    pub result: String,
    /// The sampling rate asked for.
    pub rate: f64,
    /// The seed of the draw.
    pub seed: u64,
    /// Files drawn and read.
    pub files_sampled: u64,
    /// Files the manifest lists.
    pub files_listed: u64,
    /// Bytes read.
    pub bytes_read: u64,
    /// Findings per rule id.
    pub counts: BTreeMap<String, u64>,
    /// SHA-256 of the manifest the files were checked against.
    pub manifest_sha256: String,
    /// The report bundle, when one was written.
    pub report: Option<ReportPin>,
}

/// A report bundle pinned by its report.json digest.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ReportPin {
    /// The report folder (absolute).
    pub dir: String,
    /// SHA-256 of its report.json.
    pub sha256: String,
}

/// One line of a ledger file, read and checked.
#[derive(Clone, Debug)]
pub struct Line {
    /// The parsed entry.
    pub entry: Entry,
    /// The entry's exact bytes as written (what the signature signs).
    pub entry_text: String,
    /// The minisign signature of `entry_text`, if any.
    pub signature: Option<String>,
    /// SHA-256 of the whole line without its newline (the next line's `prev`).
    pub sha256: String,
}

/// A ledger problem: the 1-based line and what is wrong.
#[derive(Clone, Debug, PartialEq)]
pub struct Broken {
    /// The first bad line.
    pub line: u64,
    /// What is wrong with it, for a person.
    pub problem: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Envelope {
    #[allow(dead_code)]
    entry: serde::de::IgnoredAny,
    signature: Option<String>,
}

const PREFIX: &str = "{\"entry\":";

/// Reads the lines of a ledger's bytes and checks their chain (not signatures): the
/// first line that is not well-formed, out of sequence, off the chain or torn is `Err`.
pub fn parse(bytes: &[u8]) -> Result<Vec<Line>, Broken> {
    match read_lines(bytes) {
        (lines, None) => Ok(lines),
        (_, Some(broken)) => Err(broken),
    }
}

/// The good lines up to the first broken one, and that one.
pub fn read_lines(bytes: &[u8]) -> (Vec<Line>, Option<Broken>) {
    let mut lines: Vec<Line> = Vec::new();
    let mut rest = bytes;
    while !rest.is_empty() {
        let number = lines.len() as u64 + 1;
        let Some(end) = rest.iter().position(|&b| b == b'\n') else {
            let problem = "is incomplete: it has no newline, so a write was cut off (a crash \
                           or a full disk); no entry is added after it until it is dealt with";
            return (lines, Some(Broken { line: number, problem: problem.into() }));
        };
        let prev = lines.last().map_or(GENESIS, |l| l.sha256.as_str());
        match parse_line(&rest[..end], number, prev) {
            Ok(line) => lines.push(line),
            Err(problem) => return (lines, Some(Broken { line: number, problem })),
        }
        rest = &rest[end + 1..];
    }
    (lines, None)
}

fn parse_line(raw: &[u8], number: u64, prev: &str) -> Result<Line, String> {
    let text = std::str::from_utf8(raw).map_err(|_| "is not UTF-8 text".to_string())?;
    let envelope: Envelope = serde_json::from_str(text)
        .map_err(|e| format!("is not a ledger line ({e}): it was edited or damaged"))?;
    let entry_text = entry_slice(text).ok_or("does not begin with {\"entry\":")?;
    let entry: Entry = serde_json::from_str(entry_text)
        .map_err(|e| format!("holds no valid entry ({e}): it was edited or damaged"))?;
    if entry.seq != number {
        return Err(format!(
            "carries seq {} where {number} belongs: lines were deleted, inserted or reordered",
            entry.seq
        ));
    }
    if entry.prev != prev {
        return Err(format!(
            "does not chain: its `prev` is not the SHA-256 of line {} (that line was edited, \
             or lines were deleted or reordered)",
            number - 1
        ));
    }
    Ok(Line {
        entry_text: entry_text.to_string(),
        entry,
        signature: envelope.signature,
        sha256: hex::encode(Sha256::digest(raw)),
    })
}

/// The exact text of the `entry` value of a line `{"entry":…,"signature":…}`.
fn entry_slice(text: &str) -> Option<&str> {
    let rest = text.strip_prefix(PREFIX)?;
    let mut stream = serde_json::Deserializer::from_str(rest).into_iter::<serde::de::IgnoredAny>();
    stream.next()?.ok()?;
    Some(&rest[..stream.byte_offset()])
}

/// A ledger file read and checked (chain only).
pub struct Ledger {
    /// The file.
    pub path: PathBuf,
    /// Its lines.
    pub lines: Vec<Line>,
}

impl Ledger {
    /// Reads and checks a ledger (its chain, not its signatures).
    pub fn read(path: &Path) -> anyhow::Result<Ledger> {
        let bytes = std::fs::read(path).with_context(|| {
            format!(
                "reading ledger '{}' (register a medium with `vouch media add`)",
                path.display()
            )
        })?;
        let lines = parse(&bytes).map_err(|b| broken_error(path, &b))?;
        Ok(Ledger { path: path.to_path_buf(), lines })
    }

    /// Every entry, in order.
    pub fn entries(&self) -> impl Iterator<Item = &Entry> {
        self.lines.iter().map(|l| &l.entry)
    }

    /// The registration of medium `id`, with its line number.
    pub fn medium(&self, id: &str) -> Option<(u64, &Medium)> {
        self.entries().find_map(|e| match &e.event {
            Event::Medium(m) if m.id == id => Some((e.seq, m)),
            _ => None,
        })
    }
}

/// The error for a broken ledger: names the file, the line and what to do.
pub fn broken_error(path: &Path, b: &Broken) -> anyhow::Error {
    anyhow::anyhow!(
        "ledger '{}', line {}: {}; nothing was appended. Run `vouch ledger verify {}`, keep a \
         copy of the file as evidence, and restore the ledger from its last verified copy",
        path.display(),
        b.line,
        b.problem,
        path.display()
    )
}

/// Appends one entry under an exclusive lock. `make` sees the current lines (read and
/// checked under the lock) and returns the event, or refuses (e.g. a duplicate id).
pub fn append(
    path: &Path,
    operator: &str,
    key: Option<&minisign::SecretKey>,
    make: impl FnOnce(&[Line]) -> anyhow::Result<Event>,
) -> anyhow::Result<Entry> {
    let is_new = !path.exists();
    let mut file = std::fs::OpenOptions::new()
        .read(true)
        .append(true)
        .create(true)
        .open(path)
        .with_context(|| format!("opening ledger '{}' for appending", path.display()))?;
    rustix::fs::flock(&file, rustix::fs::FlockOperation::LockExclusive)
        .with_context(|| format!("locking ledger '{}'", path.display()))?;
    let mut bytes = Vec::new();
    file.rewind()
        .and_then(|_| file.read_to_end(&mut bytes))
        .with_context(|| format!("reading ledger '{}'", path.display()))?;
    let lines = parse(&bytes).map_err(|b| broken_error(path, &b))?;
    let entry = Entry {
        seq: lines.len() as u64 + 1,
        prev: lines.last().map_or_else(|| GENESIS.to_string(), |l| l.sha256.clone()),
        time: jiff::Timestamp::now().strftime("%Y-%m-%dT%H:%M:%SZ").to_string(),
        operator: operator.to_string(),
        tool: format!("vouch {}", env!("CARGO_PKG_VERSION")),
        event: make(&lines)?,
    };
    let line = render_line(&entry, key)?;
    file.write_all(line.as_bytes())
        .and_then(|_| file.sync_data())
        .with_context(|| format!("appending to ledger '{}'", path.display()))?;
    if is_new {
        sync_dir(path);
    }
    Ok(entry)
}

/// One line, newline included: the entry's JSON, signed when a key is given.
pub fn render_line(entry: &Entry, key: Option<&minisign::SecretKey>) -> anyhow::Result<String> {
    let text = serde_json::to_string(entry)?;
    let signature = key.map(|k| sign_entry(&text, entry.seq, k)).transpose()?;
    let signature = serde_json::to_string(&signature)?;
    Ok(format!("{PREFIX}{text},\"signature\":{signature}}}\n"))
}

fn sign_entry(text: &str, seq: u64, key: &minisign::SecretKey) -> anyhow::Result<String> {
    let pk = minisign::PublicKey::from_secret_key(key).map_err(|e| anyhow::anyhow!("key: {e}"))?;
    let id = crate::sign::key_id(key.keynum());
    let trusted = format!("vouch ledger entry seq:{seq}");
    let untrusted = format!("signature from vouch secret key {id}");
    let sig = minisign::sign(Some(&pk), key, text.as_bytes(), Some(&trusted), Some(&untrusted))
        .map_err(|e| anyhow::anyhow!("signing ledger entry {seq}: {e}"))?;
    Ok(sig.into_string())
}

/// Flushes a new ledger's directory entry, so the file itself survives a crash.
fn sync_dir(path: &Path) {
    let dir = path.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    if let Ok(d) = std::fs::File::open(dir) {
        let _ = d.sync_all();
    }
}

/// A civil date `YYYY-MM-DD`, or an error naming what was given and the form wanted.
pub fn parse_date(what: &str, text: &str) -> anyhow::Result<jiff::civil::Date> {
    let d: jiff::civil::Date = text.parse().map_err(|e| {
        anyhow::anyhow!("{what} '{text}' is not a date: write it as YYYY-MM-DD ({e})")
    })?;
    if d.to_string() != text {
        bail!("{what} '{text}' is not a date: write it as YYYY-MM-DD");
    }
    Ok(d)
}

/// Today's civil date in the local time zone.
pub fn today() -> jiff::civil::Date {
    jiff::Zoned::now().date()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn medium(id: &str) -> Event {
        Event::Medium(Medium {
            id: id.into(),
            media_type: MediaType::Optical,
            written: "2020-01-31".into(),
            label: None,
            manifest: ManifestPin { path: "/m.txt".into(), sha256: "ab".repeat(32), entries: 3 },
        })
    }

    fn ledger_of(n: usize, key: Option<&minisign::SecretKey>) -> (tempfile::TempDir, PathBuf) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("media.jsonl");
        for i in 0..n {
            append(&path, "tester", key, |_| Ok(medium(&format!("M{i}")))).unwrap();
        }
        (dir, path)
    }

    fn lines(path: &Path) -> Vec<String> {
        std::fs::read_to_string(path).unwrap().lines().map(str::to_owned).collect()
    }

    fn first_bad(text: &str) -> Option<u64> {
        parse(text.as_bytes()).err().map(|b| b.line)
    }

    #[test]
    fn appends_chain_and_read_back() {
        let (_d, path) = ledger_of(3, None);
        let l = Ledger::read(&path).unwrap();
        assert_eq!(l.lines.len(), 3);
        assert_eq!(l.lines[0].entry.prev, GENESIS);
        assert_eq!(l.lines[2].entry.prev, l.lines[1].sha256);
        assert_eq!(l.medium("M1").map(|(n, _)| n), Some(2));
    }

    #[test]
    fn edits_deletions_reorders_and_torn_lines_are_named() {
        let (_d, path) = ledger_of(4, None);
        let l = lines(&path);
        let join = |v: &[String]| v.iter().map(|s| format!("{s}\n")).collect::<String>();
        let mut edited = l.clone();
        edited[1] = edited[1].replace("M1", "M9");
        assert_eq!(first_bad(&join(&edited)), Some(3), "an edit breaks the next line's prev");
        let deleted = [l[0].clone(), l[2].clone(), l[3].clone()];
        assert_eq!(first_bad(&join(&deleted)), Some(2));
        let reordered = [l[0].clone(), l[2].clone(), l[1].clone(), l[3].clone()];
        assert_eq!(first_bad(&join(&reordered)), Some(2));
        let torn = format!("{}{}", join(&l[..3]), &l[3][..40]);
        let err = parse(torn.as_bytes()).unwrap_err();
        assert_eq!(err.line, 4);
        assert!(err.problem.contains("incomplete"), "{}", err.problem);
        assert_eq!(first_bad(&join(&l)), None);
    }

    #[test]
    fn appending_to_a_torn_ledger_is_refused_and_changes_nothing() {
        let (_d, path) = ledger_of(2, None);
        let mut f = std::fs::OpenOptions::new().append(true).open(&path).unwrap();
        f.write_all(b"{\"entry\":{\"seq\":3").unwrap();
        let before = std::fs::read(&path).unwrap();
        let err = append(&path, "t", None, |_| Ok(medium("X"))).unwrap_err().to_string();
        assert!(err.contains("line 3") && err.contains("incomplete"), "{err}");
        assert_eq!(std::fs::read(&path).unwrap(), before);
    }

    #[test]
    fn signatures_catch_an_edit_of_the_last_line() {
        let pair = minisign::KeyPair::generate_unencrypted_keypair().unwrap();
        let (_d, path) = ledger_of(3, Some(&pair.sk));
        let keys = vec![(PathBuf::from("k.pub"), pair.pk.clone())];
        let ok = verify::verify(&path, &keys).unwrap();
        assert!(ok.is_valid() && ok.signatures == 3, "{ok:?}");
        let mut l = lines(&path);
        l[2] = l[2].replace("\"M2\"", "\"M7\"");
        std::fs::write(&path, l.iter().map(|s| format!("{s}\n")).collect::<String>()).unwrap();
        assert!(verify::verify(&path, &[]).unwrap().is_valid(), "the chain alone cannot see it");
        let bad = verify::verify(&path, &keys).unwrap();
        assert_eq!(bad.broken.map(|b| b.line), Some(3));
        let other = minisign::KeyPair::generate_unencrypted_keypair().unwrap();
        let foreign = verify::verify(&path, &[(PathBuf::from("o.pub"), other.pk)]).unwrap();
        assert_eq!(foreign.broken.map(|b| b.line), Some(1));
    }

    #[test]
    fn dates_must_be_iso() {
        assert!(parse_date("--on", "2024-02-29").is_ok());
        assert!(parse_date("--on", "2023-02-29").is_err());
        assert!(parse_date("--on", "29.02.2024").is_err());
    }
}
