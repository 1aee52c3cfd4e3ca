//! The partial bundle one shard writes (issue #21): everything `vouch merge` needs to
//! write the bundle a single run would, and nothing it would have to guess.
//!
//! A part folder holds, next to the shard's journal and thumbnail spool:
//!
//! - `report.json`: the part's header ([`Header`]): which shard of how many, the run
//!   record, the inputs by digest, the counts, the per-record tallies and what the shard
//!   learnt about the manifests; its `verdict` is always `incomplete` (a part vouches for
//!   nothing) and its `bundle` pins the other files, so `vouch verify` and `vouch sign`
//!   work on a part as on a report, and a signed part is checked by the merge;
//! - `part-findings.jsonl`: the findings of the shard's files and records;
//! - `part-files.jsonl`, `part-sample.jsonl`, `part-accepted-<alg>.txt`: `files[]`, the
//!   contact-sheet candidates and the accepted-manifest lines, each tagged with the index
//!   of its top-level entry, so the merge interleaves the shards back into walk order.
//!
//! Lines are written as the shard streams (memory flat in the number of files) into
//! temporary files renamed into place with the header last: a part folder either has a
//! complete header or none.

use crate::bundle::{Attachment, AttachmentWriter};
use crate::digest::Algorithm;
use crate::finding::Finding;
use crate::inspect::facts::FileFacts;
use crate::report::model::{BundleFile, SamplePage};
use anyhow::Context as _;
use serde::{Deserialize, Serialize};
use std::io::{BufRead, Write};
use std::path::Path;

/// Version of the part format.
pub const FORMAT: u32 = 1;

/// The findings file of a part.
pub const FINDINGS: &str = "part-findings.jsonl";
/// The `files[]` file of a part.
pub const FILES: &str = "part-files.jsonl";
/// The contact-sheet candidates of a part.
pub const SAMPLE: &str = "part-sample.jsonl";

/// The accepted-manifest lines of a part for `alg`.
pub fn accepted_name(alg: Algorithm) -> String {
    format!("part-accepted-{alg}.txt")
}

/// A part's report.json.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Header {
    /// The part format ([`FORMAT`]).
    pub vouch_part: u32,
    /// Always `incomplete`: a part vouches for nothing on its own.
    pub verdict: String,
    /// Why: it is one shard; merge the parts.
    pub incomplete: String,
    /// What the merge needs.
    pub part: Part,
    /// SHA-256 of every other file of the part.
    pub bundle: Vec<BundleFile>,
}

pub use crate::report::model::ShardRun;

/// The inputs a shard was made from: every shard and the merge must agree on all of them.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Inputs {
    /// vouch's version.
    pub version: String,
    /// The delivery as given.
    pub delivery: String,
    /// The canonical delivery root.
    pub root: String,
    /// SHA-256 of the classified top-level listing.
    pub top_sha256: String,
    /// The catalogue (absolute) and its SHA-256.
    pub catalogue: (String, String),
    /// The item list, if any (absolute), and its SHA-256.
    pub items: Option<(String, String)>,
    /// Sheet choices: catalogue sheet, item-list sheet.
    pub sheets: (Option<String>, Option<String>),
    /// The profile as given (a built-in name, or an absolute path) and its effective
    /// SHA-256.
    pub profile: (String, String),
    /// Every manifest (absolute) and its SHA-256.
    pub manifests: Vec<(String, String)>,
    /// `--manifest-root` (absolute), `--manifest-format`, `--manifest-algorithm`.
    pub manifest_options: (Option<String>, Option<String>, Option<String>),
    /// Accepted-manifest algorithms.
    pub accepted: Vec<String>,
    /// `--depth`.
    pub depth: String,
    /// `--sample-seed`.
    pub sample_seed: Option<u64>,
    /// `--clamd` as given.
    pub clamd: Option<String>,
    /// The paths as given (the report names them so): profile origin, catalogue, item
    /// list, manifests.
    pub as_given: (String, String, Option<String>, Vec<String>),
    /// Digest of the record-to-shard assignment ([`super::shard::digest`]).
    pub assignment_sha256: String,
}

/// What a shard established, besides its streamed files.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Part {
    /// Which shard.
    pub shard: super::shard::Shard,
    /// Whether the shard listed and inspected all its files (not interrupted).
    pub complete: bool,
    /// The run record.
    pub run: ShardRun,
    /// Who ran it.
    pub operator: String,
    /// The inputs.
    pub inputs: Inputs,
    /// Regular files, bytes, files to inspect, of those not inspected.
    pub tally: (u64, u64, u64, u64),
    /// Per record of this shard that was delivered: (record index, pages delivered,
    /// checked whole).
    pub records: Vec<(usize, Option<u64>, bool)>,
    /// What the shard learnt about the manifests.
    pub hashes: crate::rules::HashState,
    /// The safety summary of the shard's files.
    pub safety: crate::safety::Summary,
    /// Lines of each streamed file: findings, files, sample candidates.
    pub lines: (u64, u64, u64),
}

/// The streamed files of a part as the shard writes them.
pub struct Writers {
    files: AttachmentWriter,
    sample: AttachmentWriter,
    accepted: Vec<(Algorithm, AttachmentWriter)>,
    lines: (u64, u64),
}

impl Writers {
    /// Starts the streamed files in the part folder `dir`.
    pub fn create(dir: &Path, algorithms: &[Algorithm]) -> anyhow::Result<Writers> {
        let accepted = algorithms
            .iter()
            .map(|&a| Ok((a, AttachmentWriter::create(dir, &accepted_name(a))?)))
            .collect::<anyhow::Result<_>>()?;
        Ok(Writers {
            files: AttachmentWriter::create(dir, FILES)?,
            sample: AttachmentWriter::create(dir, SAMPLE)?,
            accepted,
            lines: (0, 0),
        })
    }

    /// `files[]` entry of top-level entry `t`.
    pub fn file(&mut self, t: usize, facts: &FileFacts) -> anyhow::Result<()> {
        self.lines.0 += 1;
        json_line(&mut self.files, &(t, facts))
    }

    /// A contact-sheet candidate of top-level entry `t`.
    pub fn sample(&mut self, t: usize, page: &SamplePage) -> anyhow::Result<()> {
        self.lines.1 += 1;
        json_line(&mut self.sample, &(t, page))
    }

    /// An accepted-manifest line of top-level entry `t` for `alg`.
    pub fn accepted(&mut self, t: usize, alg: Algorithm, line: &[u8]) -> anyhow::Result<()> {
        if let Some((_, w)) = self.accepted.iter_mut().find(|(a, _)| *a == alg) {
            write!(w, "{t} ")?;
            w.write_all(line)?;
        }
        Ok(())
    }

    /// The algorithms of the accepted manifests.
    pub fn algorithms(&self) -> Vec<Algorithm> {
        self.accepted.iter().map(|(a, _)| *a).collect()
    }

    /// Ends writing: the files, ready to be written with the header, and their line
    /// counts (files, sample).
    pub fn finish(self) -> anyhow::Result<(Vec<Attachment>, (u64, u64))> {
        let mut out = vec![self.files.finish()?, self.sample.finish()?];
        for (_, w) in self.accepted {
            out.push(w.finish()?);
        }
        Ok((out, self.lines))
    }
}

/// The findings file of a part, as bytes.
pub fn findings_file(findings: &[Finding]) -> anyhow::Result<Attachment> {
    let mut bytes = Vec::new();
    for f in findings {
        serde_json::to_writer(&mut bytes, f)?;
        bytes.push(b'\n');
    }
    Ok(Attachment::bytes(FINDINGS, bytes))
}

fn json_line(w: &mut impl Write, value: &impl Serialize) -> anyhow::Result<()> {
    serde_json::to_writer(&mut *w, value).context("writing a part file")?;
    w.write_all(b"\n").context("writing a part file")?;
    Ok(())
}

/// Reads a part's header, naming the folder when it is not a complete part.
pub fn read_header(dir: &Path) -> anyhow::Result<Header> {
    let path = dir.join(crate::bundle::REPORT_JSON);
    let bytes = std::fs::read(&path).with_context(|| {
        format!(
            "'{}' has no report.json: is it the --out folder of a `vouch check --shard`? \
             (a shard that has not finished writes none)",
            dir.display()
        )
    })?;
    serde_json::from_slice::<Header>(&bytes).with_context(|| {
        format!(
            "'{}' is not the report.json of a shard's part (vouch check --shard)",
            path.display()
        )
    })
}

/// Reads one line-per-value file of a part, value by value.
pub fn lines<T: serde::de::DeserializeOwned>(
    path: &Path,
) -> anyhow::Result<impl Iterator<Item = anyhow::Result<T>> + use<T>> {
    let file =
        std::fs::File::open(path).with_context(|| format!("reading '{}'", path.display()))?;
    let reader = std::io::BufReader::with_capacity(64 * 1024, file);
    let path = path.to_path_buf();
    Ok(reader.lines().map(move |line| {
        let line = line.with_context(|| format!("reading '{}'", path.display()))?;
        serde_json::from_str(&line)
            .with_context(|| format!("a damaged line in '{}'", path.display()))
    }))
}

/// Reads an accepted-manifest part file: (top-level index, line with its `\n`).
pub fn accepted_lines(
    path: &Path,
) -> anyhow::Result<impl Iterator<Item = anyhow::Result<(usize, Vec<u8>)>> + use<>> {
    let file =
        std::fs::File::open(path).with_context(|| format!("reading '{}'", path.display()))?;
    let mut reader = std::io::BufReader::with_capacity(64 * 1024, file);
    let path = path.to_path_buf();
    Ok(std::iter::from_fn(move || {
        let mut raw = Vec::new();
        match reader.read_until(b'\n', &mut raw) {
            Ok(0) => None,
            Ok(_) => Some(
                split_tagged(&raw)
                    .with_context(|| format!("a damaged line in '{}'", path.display())),
            ),
            Err(e) => Some(Err(e).with_context(|| format!("reading '{}'", path.display()))),
        }
    }))
}

fn split_tagged(raw: &[u8]) -> anyhow::Result<(usize, Vec<u8>)> {
    let space = raw.iter().position(|&b| b == b' ').context("no tag")?;
    let t = std::str::from_utf8(&raw[..space])?.parse()?;
    Ok((t, raw[space + 1..].to_vec()))
}

/// Writes a shard's part into its report folder `dir`: the streamed files, then the
/// header pinning them and the thumbnail spool (if any), and signs the header with `key`
/// (as `signer`), if given. Returns the signature file.
pub fn write(
    dir: &Path,
    part: Part,
    files: Vec<Attachment>,
    thumbs: Option<&Path>,
    (key, signer): (Option<&crate::sign::SigningKey>, Option<&str>),
) -> anyhow::Result<Option<std::path::PathBuf>> {
    let mut bundle = crate::bundle::pin(&files);
    if let Some(spool) = thumbs.filter(|p| p.exists()) {
        let (sha256, bytes) = crate::bundle::sha256_reader(std::fs::File::open(spool)?)
            .with_context(|| format!("reading '{}'", spool.display()))?;
        let file = crate::report::thumbs::FILE_NAME.to_string();
        bundle.push(BundleFile { file, sha256, bytes });
    }
    let s = part.shard;
    let header = Header {
        vouch_part: FORMAT,
        verdict: "incomplete".into(),
        incomplete: format!(
            "shard {s} of a sharded check: a part vouches for nothing; join all {} parts \
             with `vouch merge`",
            s.count
        ),
        part,
        bundle,
    };
    let (file, _) = crate::bundle::write(dir, files, |out| {
        serde_json::to_writer_pretty(&mut *out, &header)?;
        Ok(out.write_all(b"\n")?)
    })?;
    key.map(|k| crate::bundle::sign::sign_with(dir, signer, k, &file)).transpose()
}
