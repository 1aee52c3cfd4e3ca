//! The report model: one structure, rendered as JSON (canonical, signed) and for people.
//!
//! Field names are a public interface (DESIGN.md). Adding a field is fine; renaming or
//! removing one needs a bump of [`SCHEMA`] and a note in the changelog.

use crate::finding::{Finding, Severity};
use serde::Serialize;
use std::collections::BTreeMap;

/// Version of the report schema.
pub const SCHEMA: u32 = 1;

/// The acceptance report.
#[derive(Clone, Debug, Serialize)]
pub struct Report {
    /// Report schema version.
    pub schema: u32,
    /// The tool that wrote it.
    pub tool: Tool,
    /// When the run started, RFC 3339 UTC.
    pub time: String,
    /// Who ran it.
    pub operator: String,
    /// The delivery root, as given on the command line.
    pub delivery: String,
    /// The language the messages and labels are in (`en`, `zh`; issue #22). Additive to
    /// schema 1; absent in reports of earlier versions (English).
    pub lang: crate::finding::Lang,
    /// The delivery root's absolute path and the volume it is on (issue #22), where the
    /// platform says. Additive to schema 1.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub volume: Option<crate::delivery::volume::Volume>,
    /// The acceptance profile.
    pub profile: ProfileRef,
    /// The catalogue read.
    pub catalogue: InputRef,
    /// The item list (卷内目录) read for a volume arrangement, if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub items: Option<InputRef>,
    /// Every manifest read.
    pub manifests: Vec<InputRef>,
    /// accepted, rejected or incomplete.
    pub verdict: Verdict,
    /// Why the run is incomplete (interrupted), when it is; the verdict is then
    /// `incomplete` and nothing is vouched for.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub incomplete: Option<String>,
    /// How deep page files were checked: `full` (every page's image data decoded) or
    /// `quick` (digests, structure and metadata only; damaged image data goes unnoticed).
    pub depth: crate::inspect::Depth,
    /// What was checked.
    pub totals: Totals,
    /// Findings per rule id.
    pub counts: BTreeMap<String, u64>,
    /// One row per catalogue record.
    pub records: Vec<RecordRow>,
    /// The seeded random sample of pages picked for the contact sheet.
    pub sample: Sample,
    /// SHA-256 of every other file of the report bundle (not report.json itself, not
    /// signatures), so the bundle stays checkable by this list alone.
    pub bundle: Vec<BundleFile>,
    /// With `--previous` (issue #22): which round this is and how it compares with the
    /// previous round's report (pinned by digest). Additive to schema 1.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub round: Option<RoundInfo>,
    /// With `--previous`: the previous round's findings that are gone, sorted as findings.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fixed: Option<Vec<Finding>>,
    /// The safety inspection (issue #20): which malware scan ran, against which
    /// signatures, and the content checks. Absent from reports that ran none (readback).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub safety: Option<crate::safety::Summary>,
    /// A merged report of a sharded check (issue #21): the run record of every shard
    /// joined. Additive to schema 1; absent from a single run's report.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub shards: Option<Vec<ShardRun>>,
    /// Every finding, sorted by path then rule.
    pub findings: Vec<Finding>,
    /// Technical facts of every inspected file, sorted by path.
    pub files: Files,
}

/// `files[]` of report.json: the facts of every file inspected, in escaped-path order
/// (the walk's order), spooled to disk as the check streams (issue #7) and serialized
/// from there.
pub type Files = crate::report::spool::Spooled<crate::inspect::facts::FileFacts>;

/// One shard's run record (issue #21): in its part, and in the merged report's `shards`.
#[derive(Clone, Debug, PartialEq, Serialize, serde::Deserialize)]
pub struct ShardRun {
    /// `K/N`.
    pub shard: String,
    /// The machine it ran on.
    pub host: String,
    /// When it started, RFC 3339 UTC.
    pub start: String,
    /// Wall-clock seconds.
    pub seconds: f64,
    /// vouch's version.
    pub version: String,
    /// CPU seconds (user + system) of the shard's process.
    pub cpu_seconds: f64,
}

/// Tool name and version.
#[derive(Clone, Debug, Serialize)]
pub struct Tool {
    /// "vouch".
    pub name: String,
    /// Crate version.
    pub version: String,
}

/// The profile applied.
#[derive(Clone, Debug, Serialize)]
pub struct ProfileRef {
    /// Profile name.
    pub name: String,
    /// `built-in:<name>` or the file path.
    pub origin: String,
    /// SHA-256 of the profile's TOML text.
    pub sha256: String,
    /// The profiles it extends, nearest first (issue #15; empty when none).
    pub extends: Vec<String>,
    /// SHA-256 of the effective profile: the `extends` chain merged, as canonical TOML.
    pub effective_sha256: String,
}

/// An input file (catalogue or manifest), pinned by digest.
#[derive(Clone, Debug, Serialize)]
pub struct InputRef {
    /// Path as given.
    pub path: String,
    /// SHA-256 of its bytes.
    pub sha256: String,
    /// What kind of content: the catalogue's encoding, a manifest's digest algorithm.
    pub format: String,
    /// Records (catalogue) or entries (manifest) read from it.
    pub entries: u64,
    /// A manifest's: the folder its paths were resolved against, `manifest-folder`,
    /// `delivery-root` (none resolved against its own folder) or `given` (--manifest-root).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub root: Option<&'static str>,
    /// A notice about where its paths land, when they do not land where expected.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// The decision.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Verdict {
    /// No error-severity finding.
    Accepted,
    /// At least one error-severity finding.
    Rejected,
    /// The run did not finish; nothing is vouched for.
    Incomplete,
}

impl Verdict {
    /// From the findings of a completed run.
    pub fn of(findings: &[Finding]) -> Verdict {
        if findings.iter().any(|f| f.severity == Severity::Error) {
            Verdict::Rejected
        } else {
            Verdict::Accepted
        }
    }

    /// Uppercase word for terminals.
    /// The verdict for a person reading `lang`: the English word, with the Chinese one
    /// before it in Chinese (scripts grepping for the English word still find it).
    pub fn shout_in(self, lang: crate::finding::Lang) -> String {
        let id = match self {
            Verdict::Accepted => "ui.accepted",
            Verdict::Rejected => "ui.rejected",
            Verdict::Incomplete => "ui.incomplete",
        };
        crate::finding::text::t(lang, id, &[("word", self.shout())])
    }

    /// The verdict in capitals, as the summary's last line starts.
    pub fn shout(self) -> &'static str {
        match self {
            Verdict::Accepted => "ACCEPTED",
            Verdict::Rejected => "REJECTED",
            Verdict::Incomplete => "INCOMPLETE",
        }
    }
}

/// Totals of the run.
#[derive(Clone, Debug, Default, Serialize)]
pub struct Totals {
    /// Catalogue records.
    pub records: u64,
    /// Regular files listed in the delivery (vouch's own inputs excluded).
    pub files: u64,
    /// Of the files to inspect, those inspected: fewer than listed only when the run was
    /// interrupted.
    pub inspected: u64,
    /// Pages delivered (page files, plus pages inside multi-page files).
    pub pages: u64,
    /// Bytes of those files.
    pub bytes: u64,
    /// Wall-clock seconds of the run.
    pub seconds: f64,
}

/// One catalogue record's outcome.
#[derive(Clone, Debug, Serialize)]
pub struct RecordRow {
    /// Reference code.
    pub id: String,
    /// Title, if the catalogue has one.
    pub title: Option<String>,
    /// Pages the catalogue expects.
    pub pages_expected: u32,
    /// Pages delivered; null where a multi-page file could not be counted.
    pub pages_delivered: Option<u64>,
    /// `ok`, `failed` (an error finding), `warning` or `missing`.
    pub status: String,
}

/// The pages drawn for a person to look at (the contact sheet): reproducible from the
/// seed and the delivery's page paths with [`crate::report::sample::select`].
#[derive(Clone, Debug, Default, Serialize)]
pub struct Sample {
    /// Fraction of page files drawn (0.05 = 5%).
    pub rate: f64,
    /// The seed of the draw.
    pub seed: u64,
    /// How the seed was chosen, e.g. `sha256 of the input digests`.
    pub seed_source: String,
    /// Page files the draw was made from.
    pub population: u64,
    /// The drawn page files, as delivery-relative paths in path order.
    pub pages: crate::report::spool::Spooled<SamplePage>,
}

/// One drawn page.
#[derive(Clone, Debug, Serialize, serde::Deserialize)]
pub struct SamplePage {
    /// Delivery-relative path (`%XX` escaped).
    pub path: String,
    /// Reference code of its record, if any.
    pub record: Option<String>,
}

/// One file of the report bundle, pinned by digest.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct BundleFile {
    /// File name inside the report folder (no folders).
    pub file: String,
    /// SHA-256 of its bytes, lowercase hex.
    pub sha256: String,
    /// Its size in bytes.
    pub bytes: u64,
}

/// `round` of report.json: this round against the previous one.
#[derive(Clone, Debug, Serialize)]
pub struct RoundInfo {
    /// 1 + the previous report's round (a report without one was round 1).
    pub number: u32,
    /// The previous round's report.json, as given.
    pub previous: String,
    /// SHA-256 of the previous round's report.json.
    pub previous_sha256: String,
    /// Findings of the previous round that are gone.
    pub fixed: u64,
    /// Findings not in the previous round.
    pub new: u64,
    /// Findings in the previous round too.
    pub persisting: u64,
}
