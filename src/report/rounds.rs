//! Rounds of acceptance: the vendor fixes what a report lists and delivers again, and the
//! next report says what was fixed, what is new and what is still open (issue #22).
//!
//! A finding of this round is matched to one of the previous round by rule, record, path
//! and page, never by its message (a message carries measured values that change when
//! nothing was fixed). Matching counts: two findings with the same key in the previous
//! round and one now is one persisting and one fixed. `vouch check --previous DIR` marks
//! each finding `since` and lists `fixed`; `vouch diff OLD NEW` compares two bundles.

use super::model::{Report, RoundInfo};
use crate::finding::{Finding, Since};
use anyhow::Context;
use serde::Deserialize;
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;
use std::path::Path;

/// What a finding is matched by.
type Key = (String, Option<String>, Option<String>, Option<u32>);

fn key(f: &Finding) -> Key {
    (f.rule.clone(), f.record.clone(), f.path.clone(), f.page)
}

/// An earlier round's report, as much of it as a comparison needs.
pub struct Previous {
    /// report.json as given.
    pub path: String,
    /// SHA-256 of its bytes, recorded so the comparison is pinned to that report.
    pub sha256: String,
    /// Its round number (1 when it was a first round).
    pub round: u32,
    /// Its findings.
    pub findings: Vec<Finding>,
}

/// The fields of a report.json a comparison reads; the rest is skipped.
#[derive(Deserialize)]
struct Stored {
    findings: Vec<Finding>,
    #[serde(default)]
    round: Option<StoredRound>,
}

#[derive(Deserialize)]
struct StoredRound {
    number: u32,
}

/// Reads the report of an earlier round: `dir` is its bundle folder (or its report.json).
pub fn read_previous(dir: &Path) -> anyhow::Result<Previous> {
    let path = if dir.is_dir() { dir.join("report.json") } else { dir.to_path_buf() };
    let bytes = std::fs::read(&path).with_context(|| {
        format!("reading the previous round's report '{}' (give its bundle folder)", path.display())
    })?;
    let stored: Stored = serde_json::from_slice(&bytes).with_context(|| {
        format!("'{}' is not a vouch report.json: cannot compare rounds with it", path.display())
    })?;
    Ok(Previous {
        path: path.display().to_string(),
        sha256: hex::encode(Sha256::digest(&bytes)),
        round: stored.round.map_or(1, |r| r.number),
        findings: stored.findings,
    })
}

/// What changed between two lists of findings.
pub struct Change {
    /// Findings of the earlier list that are gone.
    pub fixed: Vec<Finding>,
    /// Per finding of the later list: whether the earlier one had it.
    pub since: Vec<Since>,
}

impl Change {
    /// Findings of the later list the earlier one did not have.
    pub fn new_count(&self) -> u64 {
        self.since.iter().filter(|s| **s == Since::New).count() as u64
    }

    /// Findings of the later list the earlier one had too.
    pub fn persisting_count(&self) -> u64 {
        self.since.len() as u64 - self.new_count()
    }
}

/// Compares `later` with `earlier`, matching by key with multiplicity.
pub fn compare(earlier: &[Finding], later: &[Finding]) -> Change {
    let mut left: BTreeMap<Key, Vec<&Finding>> = BTreeMap::new();
    for f in earlier {
        left.entry(key(f)).or_default().push(f);
    }
    let since = later
        .iter()
        .map(|f| match left.get_mut(&key(f)).and_then(Vec::pop) {
            Some(_) => Since::Persisting,
            None => Since::New,
        })
        .collect();
    let fixed = left.into_values().flatten().cloned().collect();
    Change { fixed, since }
}

/// Marks the report as the round after `previous`: `since` on every finding, `fixed`,
/// and `round`.
pub fn apply(report: &mut Report, previous: Previous) {
    let change = compare(&previous.findings, &report.findings);
    for (f, since) in report.findings.iter_mut().zip(&change.since) {
        f.since = Some(*since);
    }
    report.round = Some(RoundInfo {
        number: previous.round.saturating_add(1),
        previous: previous.path,
        previous_sha256: previous.sha256,
        fixed: change.fixed.len() as u64,
        new: change.new_count(),
        persisting: change.persisting_count(),
    });
    let mut fixed = change.fixed;
    crate::finding::sort(&mut fixed);
    report.fixed = Some(fixed);
}

/// "round 2: 3 fixed, 1 new, 5 still open".
pub fn headline(r: &RoundInfo, lang: crate::finding::Lang) -> String {
    let n = |v: u64| v.to_string();
    let (number, fixed, new, open) =
        (n(r.number.into()), n(r.fixed), n(r.new), n(r.new + r.persisting));
    let args = [("round", number.as_str()), ("fixed", &fixed), ("new", &new), ("open", &open)];
    crate::finding::text::t(lang, "ui.round", &args)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::finding::Severity;

    fn f(rule: &str, path: &str, message: &str) -> Finding {
        Finding {
            rule: rule.into(),
            severity: Severity::Error,
            record: Some("A-1".into()),
            path: Some(path.into()),
            message: message.into(),
            page: None,
            since: None,
            text: None,
        }
    }

    #[test]
    fn matches_by_rule_record_path_and_page_with_multiplicity_not_by_message() {
        let earlier =
            [f("page-gap", "A-1", "page 2"), f("page-gap", "A-1", "page 3"), f("x", "b", "")];
        let later = [f("page-gap", "A-1", "page 9"), f("y", "c", "")];
        let c = compare(&earlier, &later);
        assert_eq!(c.since, [Since::Persisting, Since::New]);
        let fixed: Vec<&str> = c.fixed.iter().map(|f| f.rule.as_str()).collect();
        assert_eq!(fixed, ["page-gap", "x"], "one of the two page-gaps is gone");
        assert_eq!((c.new_count(), c.persisting_count()), (1, 1));
    }
}
