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

use crate::facts::Inspection;
use crate::output::AppendLog;
use crate::relpath::RelPath;
use anyhow::{Context, bail};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::path::Path;

/// The journal's file name in the report folder.
pub const FILE_NAME: &str = "journal.jsonl";

#[derive(Serialize, Deserialize)]
struct Header {
    vouch_journal: u32,
    fingerprint: String,
}

#[derive(Serialize, Deserialize)]
struct Line {
    path: String,
    size: u64,
    mtime_ns: i128,
    facts: Inspection,
}

/// Entries of an earlier run, by escaped path.
#[derive(Default)]
pub struct Previous {
    entries: HashMap<String, (u64, i128, Inspection)>,
}

impl Previous {
    /// The earlier facts of a file, if it is unchanged since (same size and mtime).
    pub fn get(&self, rel: &RelPath, size: u64, mtime_ns: i128) -> Option<&Inspection> {
        match self.entries.get(&rel.escaped()) {
            Some((s, m, facts)) if *s == size && *m == mtime_ns => Some(facts),
            _ => None,
        }
    }

    /// How many entries were read.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
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

/// Reads a journal: its entries and the byte length of its complete lines.
fn read(path: &Path, fingerprint: &str) -> anyhow::Result<(Previous, u64)> {
    let bytes = match std::fs::read(path) {
        Ok(b) => b,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            bail!("--resume: there is no journal '{}' to resume from", path.display())
        }
        Err(e) => return Err(e).with_context(|| format!("reading '{}'", path.display())),
    };
    let mut lines = bytes.split_inclusive(|&b| b == b'\n');
    let header: Option<Header> = lines.next().and_then(|l| serde_json::from_slice(l).ok());
    match header {
        Some(h) if h.vouch_journal == 1 && h.fingerprint == fingerprint => {}
        Some(_) => bail!(
            "--resume: the journal '{}' was written by another vouch version, profile, \
             catalogue or set of manifests; run without --resume to start afresh",
            path.display()
        ),
        None => bail!("--resume: '{}' is not a vouch journal", path.display()),
    }
    let mut previous = Previous::default();
    let mut good_len = bytes.len() - lines.clone().map(<[u8]>::len).sum::<usize>();
    for raw in lines {
        // Only whole, parseable lines count; anything after a torn one is dropped.
        let Some(line) =
            raw.strip_suffix(b"\n").and_then(|l| serde_json::from_slice::<Line>(l).ok())
        else {
            break;
        };
        good_len += raw.len();
        previous.entries.insert(line.path, (line.size, line.mtime_ns, line.facts));
    }
    Ok((previous, good_len as u64))
}

impl Writer {
    /// Appends one completed inspection. A write error (disk full) stops journaling with
    /// a warning; the check itself goes on.
    pub fn record(&self, rel: &RelPath, size: u64, mtime_ns: i128, facts: &Inspection) {
        let line = Line { path: rel.escaped(), size, mtime_ns, facts: facts.clone() };
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
        assert_eq!(prev.get(&RelPath::new("a/0001.jpg"), 3, 7), Some(&facts(3)));
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
