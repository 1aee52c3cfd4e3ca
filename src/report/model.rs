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
    /// The acceptance profile.
    pub profile: ProfileRef,
    /// The catalogue read.
    pub catalogue: InputRef,
    /// Every manifest read.
    pub manifests: Vec<InputRef>,
    /// accepted, rejected or incomplete.
    pub verdict: Verdict,
    /// What was checked.
    pub totals: Totals,
    /// Findings per rule id.
    pub counts: BTreeMap<String, u64>,
    /// One row per catalogue record.
    pub records: Vec<RecordRow>,
    /// Every finding, sorted by path then rule.
    pub findings: Vec<Finding>,
    /// Technical facts of every inspected file, sorted by path.
    pub files: Vec<crate::facts::FileFacts>,
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
    /// Regular files in the delivery (vouch's own inputs excluded).
    pub files: u64,
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
