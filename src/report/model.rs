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
    /// Every finding, sorted by path then rule.
    pub findings: Vec<Finding>,
    /// Technical facts of every inspected file, sorted by path.
    pub files: Files,
}

/// The `files` list of report.json: the run's own facts, rendered as
/// [`FileFacts`](crate::facts::FileFacts) one at a time when the report is serialized,
/// never copied (issue #7: memory flat in the number of files). Shared, so cloning a
/// report does not copy it either.
#[derive(Clone, Debug, Default)]
pub struct Files(std::sync::Arc<FilesInner>);

#[derive(Debug, Default)]
struct FilesInner {
    /// Path of each slot.
    rels: Vec<crate::relpath::RelPath>,
    /// Facts of each slot; `None` (not inspected) is left out.
    facts: Vec<Option<crate::facts::Inspection>>,
    /// Slots in escaped-path order, when that differs from slot order.
    order: Option<Vec<u32>>,
}

impl Files {
    /// The files of `rels` (paths) and `facts` (same index; `None` is left out), listed
    /// sorted by escaped path as report.json has them.
    pub fn new(
        rels: Vec<crate::relpath::RelPath>,
        facts: Vec<Option<crate::facts::Inspection>>,
    ) -> Files {
        debug_assert_eq!(rels.len(), facts.len());
        let listed: Vec<u32> =
            (0..rels.len() as u32).filter(|&i| facts[i as usize].is_some()).collect();
        // Walk order (by name, component by component) is escaped-path order unless a
        // name holds a byte below '/' or a %XX escape; check in one pass, sort only then.
        let sorted = listed
            .windows(2)
            .all(|w| rels[w[0] as usize].escaped() <= rels[w[1] as usize].escaped());
        let order = (!sorted).then(|| {
            let mut order = listed;
            order.sort_by_cached_key(|&i| rels[i as usize].escaped());
            order
        });
        Files(std::sync::Arc::new(FilesInner { rels, facts, order }))
    }

    /// The listed files, in report order.
    pub fn iter(&self) -> impl Iterator<Item = crate::facts::FileFacts> + '_ {
        let inner = &*self.0;
        let slots: Box<dyn Iterator<Item = usize> + '_> = match &inner.order {
            Some(order) => Box::new(order.iter().map(|&i| i as usize)),
            None => Box::new(0..inner.facts.len()),
        };
        slots.filter_map(move |i| {
            let facts = inner.facts[i].as_ref()?;
            Some(crate::facts::FileFacts::new(inner.rels[i].escaped(), facts))
        })
    }

    /// How many files are listed.
    pub fn len(&self) -> usize {
        self.0.facts.iter().filter(|f| f.is_some()).count()
    }

    /// Whether none is.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

impl Serialize for Files {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(self.iter())
    }
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
    pub pages: Vec<SamplePage>,
}

/// One drawn page.
#[derive(Clone, Debug, Serialize)]
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::facts::Inspection;
    use crate::relpath::RelPath;

    #[test]
    fn files_are_listed_in_escaped_path_order_without_the_uninspected() {
        let rels = ["A/1.jpg", "A/50%.jpg", "A-B/1.jpg", "A-B/2.jpg"].map(RelPath::new).to_vec();
        let facts = |n: u64| Some(Inspection { size: n, ..Inspection::default() });
        let files = Files::new(rels, vec![facts(1), facts(2), facts(3), None]);
        let got: Vec<(String, u64)> = files.iter().map(|f| (f.path, f.size)).collect();
        let want = [("A-B/1.jpg", 3), ("A/1.jpg", 1), ("A/50%25.jpg", 2)];
        assert_eq!(got, want.map(|(p, n)| (p.to_string(), n)));
        assert_eq!(files.len(), 3);
        let json = serde_json::to_value(&files).unwrap();
        assert_eq!(json[0]["path"], "A-B/1.jpg");
    }
}
