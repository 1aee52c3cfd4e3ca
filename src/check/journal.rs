//! Journal: what a long check has already established, kept on disk as the run goes.
//!
//! A delivery of terabytes takes hours; a power cut, a `kill -9` or Ctrl-C must not cost
//! them. Every completed inspection (path, size, mtime, facts, digests) is appended to
//! `journal.jsonl` in the report folder as one line, written whole. `vouch check
//! --resume` reuses the entries whose file is unchanged (same size and mtime) and reads
//! only the rest, so the resumed run's report equals an uninterrupted one's. The first
//! line fingerprints everything that shapes the facts (vouch's version, the profile, the
//! catalogue, the digest algorithms): a journal of another configuration is refused, not
//! half-trusted. A torn last line (the process died mid-write) is dropped.

use crate::delivery::relpath::RelPath;
use crate::inspect::facts::Inspection;
use crate::output::AppendLog;
use anyhow::{Context, bail};
use serde::{Deserialize, Serialize};
use std::io::{BufRead, BufReader};
use std::path::Path;

/// The journal's file name in the report folder.
pub const FILE_NAME: &str = "journal.jsonl";

#[derive(Serialize, Deserialize)]
struct Header {
    vouch_journal: u32,
    fingerprint: String,
}

#[derive(Deserialize)]
struct Line {
    path: String,
    size: u64,
    mtime_ns: i128,
    facts: Inspection,
}

/// A [`Line`] to write, borrowing the facts instead of copying them.
#[derive(Serialize)]
struct LineRef<'a> {
    path: &'a str,
    size: u64,
    mtime_ns: i128,
    facts: &'a Inspection,
}

/// Entries of an earlier run: an index of the journal's lines by path, the facts left
/// on disk and read back when a file asks for them (issue #7: a resumed run of a million
/// files holds 24 bytes a file, not the facts).
#[derive(Default)]
pub struct Previous {
    journal: Option<std::fs::File>,
    /// (hash of the escaped path, offset of its line, line length), sorted.
    lines: Vec<(u64, u64, u32)>,
}

impl Previous {
    /// The earlier facts of a file, if it is unchanged since (same size and mtime). The
    /// last line for the path counts, as a later line supersedes an earlier one.
    pub fn get(&self, rel: &RelPath, size: u64, mtime_ns: i128) -> Option<Inspection> {
        let (file, path) = (self.journal.as_ref()?, rel.escaped());
        let hash = path_hash(&path);
        let from = self.lines.partition_point(|l| l.0 < hash);
        let to = self.lines.partition_point(|l| l.0 <= hash);
        let line = self.lines[from..to].iter().rev().find_map(|&(_, at, len)| {
            let mut raw = vec![0; len as usize];
            read_exact_at(file, &mut raw, at).ok()?;
            serde_json::from_slice::<Line>(&raw).ok().filter(|l| l.path == path)
        })?;
        (line.size == size && line.mtime_ns == mtime_ns).then_some(line.facts)
    }

    /// How many entries were read.
    pub fn len(&self) -> usize {
        self.lines.len()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.lines.is_empty()
    }
}

fn path_hash(path: &str) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut h = std::hash::DefaultHasher::new();
    path.hash(&mut h);
    h.finish()
}

/// Reads `buf.len()` bytes at `at` without moving a shared file position.
fn read_exact_at(file: &std::fs::File, buf: &mut [u8], at: u64) -> std::io::Result<()> {
    #[cfg(unix)]
    return std::os::unix::fs::FileExt::read_exact_at(file, buf, at);
    #[cfg(windows)]
    {
        let mut done = 0;
        while done < buf.len() {
            let n =
                std::os::windows::fs::FileExt::seek_read(file, &mut buf[done..], at + done as u64)?;
            if n == 0 {
                return Err(std::io::ErrorKind::UnexpectedEof.into());
            }
            done += n;
        }
        Ok(())
    }
}

/// Appends completed inspections, one whole line per write.
pub struct Writer {
    log: AppendLog,
}

/// Opens the journal at `path`. With `resume`, reads its entries (refusing another
/// configuration's journal) and continues it; otherwise starts it afresh.
pub fn open(path: &Path, fingerprint: &str, resume: bool) -> anyhow::Result<(Writer, Previous)> {
    let previous = if resume { read(path, fingerprint)? } else { (Previous::default(), 0) };
    let (previous, good_len) = previous;
    // Resuming, a torn last line is dropped, so the next line starts on a line of its own;
    // a journal without a whole header line starts afresh.
    let keep = (resume && good_len > 0).then_some(good_len);
    let log = AppendLog::open(path, "journal", keep)?;
    if keep.is_none() {
        let header = Header { vouch_journal: 1, fingerprint: fingerprint.to_string() };
        let mut line = serde_json::to_vec(&header)?;
        line.push(b'\n');
        log.try_append(&line)?;
    }
    Ok((Writer { log }, previous))
}

/// Reads a journal line by line: the index of its entries and the byte length of its
/// complete lines.
fn read(path: &Path, fingerprint: &str) -> anyhow::Result<(Previous, u64)> {
    let file = match std::fs::File::open(path) {
        Ok(f) => f,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            bail!("--resume: there is no journal '{}' to resume from", path.display())
        }
        Err(e) => return Err(e).with_context(|| format!("reading '{}'", path.display())),
    };
    let mut reader = BufReader::with_capacity(64 * 1024, &file);
    let mut raw = Vec::new();
    let mut next = |raw: &mut Vec<u8>| -> anyhow::Result<bool> {
        raw.clear();
        reader.read_until(b'\n', raw).with_context(|| format!("reading '{}'", path.display()))?;
        Ok(raw.last() == Some(&b'\n'))
    };
    let whole = next(&mut raw)?;
    let header: Option<Header> = whole.then(|| serde_json::from_slice(&raw).ok()).flatten();
    match header {
        Some(h) if h.vouch_journal == 1 && h.fingerprint == fingerprint => {}
        Some(_) => bail!(
            "--resume: the journal '{}' was written by another vouch version, profile, \
             catalogue or set of manifests; run without --resume to start afresh",
            path.display()
        ),
        None => bail!("--resume: '{}' is not a vouch journal", path.display()),
    }
    let mut good_len = raw.len() as u64;
    let mut lines = Vec::new();
    // Only whole, parseable lines count; anything after a torn one is dropped.
    while next(&mut raw)? {
        let Ok(line) = serde_json::from_slice::<Line>(&raw) else { break };
        let len = u32::try_from(raw.len()).context("a journal line over 4 GiB")?;
        lines.push((path_hash(&line.path), good_len, len));
        good_len += raw.len() as u64;
    }
    lines.sort_unstable();
    lines.shrink_to_fit();
    Ok((Previous { journal: Some(file), lines }, good_len))
}

impl Writer {
    /// Appends one completed inspection. A write error (disk full) stops journaling with
    /// a warning; the check itself goes on.
    pub fn record(&self, rel: &RelPath, size: u64, mtime_ns: i128, facts: &Inspection) {
        let line = LineRef { path: &rel.escaped(), size, mtime_ns, facts };
        let Ok(mut bytes) = serde_json::to_vec(&line) else { return };
        bytes.push(b'\n');
        self.log.append(&bytes, "a resume would redo this run");
    }

    /// Removes the journal once its run is complete and its report written.
    pub fn finish(self) -> anyhow::Result<()> {
        self.log.finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn facts(size: u64) -> Inspection {
        Inspection { size, sha256: Some("ab".repeat(32)), ..Inspection::default() }
    }

    #[test]
    fn resumes_unchanged_entries_and_drops_a_torn_line() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(FILE_NAME);
        let (w, prev) = open(&path, "fp", false).unwrap();
        assert!(prev.is_empty());
        w.record(&RelPath::new("a/0001.jpg"), 3, 7, &facts(3));
        w.record(&RelPath::new("a/0002.jpg"), 4, 8, &facts(4));
        drop(w);
        let mut bytes = std::fs::read(&path).unwrap();
        bytes.extend_from_slice(b"{\"path\":\"a/0003.jpg\",\"si");
        std::fs::write(&path, &bytes).unwrap();
        let (w, prev) = open(&path, "fp", true).unwrap();
        assert_eq!(prev.len(), 2);
        assert_eq!(prev.get(&RelPath::new("a/0001.jpg"), 3, 7), Some(facts(3)));
        assert_eq!(prev.get(&RelPath::new("a/0002.jpg"), 4, 9), None, "mtime changed");
        w.record(&RelPath::new("a/0003.jpg"), 5, 9, &facts(5));
        drop(w);
        let (_, prev) = open(&path, "fp", true).unwrap();
        assert_eq!(prev.len(), 3, "the torn line was trimmed before appending");
    }

    #[test]
    fn another_configuration_s_journal_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(FILE_NAME);
        drop(open(&path, "fp", false).unwrap());
        let err = open(&path, "other", true).err().unwrap().to_string();
        assert!(err.contains("without --resume"), "{err}");
    }
}
