//! Findings: the one currency every rule pays in.
//!
//! A finding is data, never an error: a broken file, a missing page or a wrong digest is
//! recorded here and the run goes on. The field names are part of the public report
//! schema (DESIGN.md), so they change only with a schema version bump.

pub mod labels;
pub mod messages;
pub mod registry;
mod registry_zh;
pub mod text;

pub use text::{Lang, Text};

use serde::{Deserialize, Serialize};

/// How much a finding weighs in the verdict; set per rule by the profile.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Blocks acceptance.
    Error,
    /// Reported, does not block acceptance.
    Warning,
    /// Silenced: the rule is not reported at all.
    Off,
}

impl Severity {
    /// The lowercase name used in profiles and reports.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Off => "off",
        }
    }
}

/// One thing found wrong with the delivery.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Finding {
    /// Stable rule id, e.g. `page-gap`.
    pub rule: String,
    /// Severity the profile gives that rule.
    pub severity: Severity,
    /// Reference code of the catalogue record concerned, if any.
    pub record: Option<String>,
    /// Path relative to the delivery root, `/`-separated, non-UTF-8 bytes as `%XX`.
    pub path: Option<String>,
    /// What is wrong and what would fix it, for a person.
    pub message: String,
    /// The page of the file concerned, from 1, where a rule judged one page (the image
    /// quality rules); absent otherwise. Additive to schema 1.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub page: Option<u32>,
    /// With `--previous`: whether the previous round's report had this finding (matched
    /// by rule, record, path and page). Additive to schema 1.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub since: Option<Since>,
    /// The message's id in the catalogue and the values it names, so a reader can
    /// render it in the other language (issue #22). Additive to schema 1.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub text: Option<Text>,
}

impl Finding {
    /// A finding of `rule` saying `text` in `lang`, about no record, path or page yet.
    pub fn new(rule: &str, severity: Severity, text: Text, lang: Lang) -> Finding {
        Finding {
            rule: rule.to_string(),
            severity,
            record: None,
            path: None,
            message: text.render(lang),
            page: None,
            since: None,
            text: Some(text),
        }
    }
}

/// Whether a finding was in the previous round's report (issue #22).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Since {
    /// Not in the previous round.
    New,
    /// In the previous round too: still open.
    Persisting,
}

impl Since {
    /// The lowercase name used in the report files.
    pub fn as_str(self) -> &'static str {
        match self {
            Since::New => "new",
            Since::Persisting => "persisting",
        }
    }
}

impl Finding {
    /// The order findings are reported in: by path (record-level findings without a
    /// path first), then rule, then record and message, so output is deterministic.
    pub fn sort_key(&self) -> (&Option<String>, &str, &Option<String>, &str) {
        (&self.path, &self.rule, &self.record, &self.message)
    }
}

/// Sorts findings into their stable report order.
pub fn sort(findings: &mut [Finding]) {
    findings.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
}
