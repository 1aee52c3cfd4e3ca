//! The readback report: what was read from which medium, how fast, and what was wrong.
//!
//! Its own model beside the acceptance report's (a readback test has no catalogue and no
//! records table, but has throughput), with the same conventions: `schema`, `tool`,
//! `time`, `operator`, the inputs pinned by digest, `counts`, `bundle` (the digest of
//! every other file of the folder, so `vouch verify` checks a readback bundle as it
//! checks an acceptance bundle) and `findings` in the shared finding shape. Field names
//! are a public interface, versioned by [`SCHEMA`].

use crate::finding::Finding;
use crate::ledger::ManifestPin;
use crate::profile::readback::MediaType;
use crate::readback::reader::Cache;
use crate::report::model::{BundleFile, ProfileRef, Tool};
use serde::Serialize;
use std::collections::BTreeMap;

/// Version of the readback report schema.
pub const SCHEMA: u32 = 1;

/// The readback report.
#[derive(Clone, Debug, Serialize)]
pub struct Report {
    /// Report schema version.
    pub schema: u32,
    /// Always `readback`, to tell it from an acceptance report.
    pub kind: &'static str,
    /// The tool.
    pub tool: Tool,
    /// When the test started, RFC 3339 UTC.
    pub time: String,
    /// Who ran it.
    pub operator: String,
    /// The medium tested.
    pub medium: MediumRef,
    /// Where it was mounted, as given.
    pub mount: String,
    /// The manifest the files were checked against (its digest equals the registered one).
    pub manifest: ManifestPin,
    /// The profile whose `[readback]` section applied.
    pub profile: ProfileRef,
    /// The draw.
    pub sample: SampleInfo,
    /// How honestly the medium itself was read.
    pub reading: ReadingInfo,
    /// `pass` or `fail` (an error-severity finding: recovery needed).
    pub verdict: &'static str,
    /// Findings per rule id.
    pub counts: BTreeMap<String, u64>,
    /// One row per file read, in reading order (path order).
    pub files: Vec<FileRow>,
    /// SHA-256 of every other file of the report folder.
    pub bundle: Vec<BundleFile>,
    /// Every finding, in path order.
    pub findings: Vec<Finding>,
}

/// The medium, as registered.
#[derive(Clone, Debug, Serialize)]
pub struct MediumRef {
    /// Its id.
    pub id: String,
    /// Its type.
    #[serde(rename = "type")]
    pub media_type: MediaType,
    /// Its label.
    pub label: Option<String>,
    /// When it was written.
    pub written: String,
    /// The ledger file.
    pub ledger: String,
    /// The ledger line that registered it.
    pub ledger_line: u64,
}

/// The draw.
#[derive(Clone, Debug, Serialize)]
pub struct SampleInfo {
    /// The rate asked for, of files and of bytes.
    pub rate: f64,
    /// The seed.
    pub seed: u64,
    /// Where the seed came from.
    pub seed_source: String,
    /// Files the manifest lists.
    pub files_listed: u64,
    /// Their bytes, as far as known (files missing from the medium count 0).
    pub bytes_listed: u64,
    /// Files drawn.
    pub files_sampled: u64,
    /// Their bytes.
    pub bytes_sampled: u64,
    /// Records (top-level folders) listed, and touched by the draw.
    pub records_listed: u64,
    /// Records the draw reads from.
    pub records_sampled: u64,
}

/// How the medium was read.
#[derive(Clone, Debug, Default, Serialize)]
pub struct ReadingInfo {
    /// Files whose cached pages were dropped before reading.
    pub cache_dropped: u64,
    /// Files on an in-memory filesystem (no medium below the cache).
    pub cache_in_memory: u64,
    /// Files whose cache could not be dropped.
    pub cache_not_dropped: u64,
    /// Files opened with `O_NOATIME` (others were opened without: not their owner).
    pub noatime: u64,
    /// Bytes read.
    pub bytes_read: u64,
    /// Seconds spent reading.
    pub seconds: f64,
    /// Median throughput of the files large enough to time, MiB/s.
    pub median_mib_s: Option<f64>,
    /// Files under this throughput are `readback-slow`, MiB/s.
    pub slow_below_mib_s: Option<f64>,
    /// Files smaller than this are not timed.
    pub timed_min_bytes: u64,
}

/// One file read back.
#[derive(Clone, Debug, Serialize)]
pub struct FileRow {
    /// Path below the medium's root, escaped.
    pub path: String,
    /// Its top-level folder (record), if any.
    pub record: Option<String>,
    /// `ok`, `mismatch`, `missing`, `io-error` or `slow`.
    pub status: &'static str,
    /// Its size on the medium, when it could be opened.
    pub size: Option<u64>,
    /// Bytes read (the offset reached, for an I/O error).
    pub bytes_read: u64,
    /// Seconds from open to the last byte.
    pub seconds: f64,
    /// Throughput, MiB/s, for files large enough to time.
    pub mib_s: Option<f64>,
    /// Cache state before reading.
    pub cache: Option<Cache>,
    /// Whether it was opened with `O_NOATIME`.
    pub noatime: bool,
}
