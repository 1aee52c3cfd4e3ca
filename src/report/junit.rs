//! junit.xml: the acceptance as a test suite, for CI dashboards and ticket systems.
//!
//! One testcase per catalogue record (failed when it has an error-severity finding or was
//! not delivered, with its findings as the failure text) and one for the delivery-level
//! findings that belong to no record. Warnings never fail a testcase; they are listed in
//! `system-out`. A record an interrupted run did not inspect whole is `skipped`, never a
//! pass. No timestamps or durations, so the file is deterministic and its digest
//! in report.json is the same on every run over the same delivery.

use super::markup::escape;
use super::model::{RecordRow, Report};
use crate::finding::Lang;
use crate::finding::text::t;
use crate::finding::{Finding, Severity};
use std::fmt::Write;

/// Renders junit.xml.
pub fn render(report: &Report) -> anyhow::Result<Vec<u8>> {
    let grouped = super::group(report);
    let mut cases = String::new();
    let mut failures = 0usize;
    let skipped = report.records.iter().filter(|r| r.status == super::NOT_CHECKED).count();
    let l = report.lang;
    for row in &report.records {
        let found = grouped.by_record.get(row.id.as_str()).map_or(&[][..], Vec::as_slice);
        failures += usize::from(testcase(&mut cases, ("record", &row.id, l), found, Some(row)));
    }
    let delivery = t(l, "ui.junit-delivery", &[]);
    let case = ("delivery", delivery.as_str(), l);
    failures += usize::from(testcase(&mut cases, case, &grouped.delivery, None));
    let tests = report.records.len() + 1;
    let mut s = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    let _ = writeln!(
        s,
        "<testsuites name=\"vouch\" tests=\"{tests}\" failures=\"{failures}\" errors=\"0\">"
    );
    let _ = writeln!(
        s,
        "  <testsuite name=\"vouch check {}\" tests=\"{tests}\" failures=\"{failures}\" \
         errors=\"0\" skipped=\"{skipped}\">",
        escape(&report.delivery)
    );
    properties(&mut s, report);
    s.push_str(&cases);
    s.push_str("  </testsuite>\n</testsuites>\n");
    Ok(s.into_bytes())
}

fn properties(s: &mut String, r: &Report) {
    s.push_str("    <properties>\n");
    let props = [
        ("verdict", r.verdict.shout().to_lowercase()),
        ("profile", r.profile.name.clone()),
        ("profile.sha256", r.profile.sha256.clone()),
        ("catalogue.sha256", r.catalogue.sha256.clone()),
        ("tool", format!("{} {}", r.tool.name, r.tool.version)),
    ];
    for (name, value) in props {
        let _ = writeln!(s, "      <property name=\"{name}\" value=\"{}\"/>", escape(&value));
    }
    s.push_str("    </properties>\n");
}

/// Writes one testcase; returns whether it failed.
fn testcase(
    s: &mut String,
    (class, name, l): (&str, &str, Lang),
    found: &[&Finding],
    row: Option<&RecordRow>,
) -> bool {
    let errors: Vec<&&Finding> = found.iter().filter(|f| f.severity == Severity::Error).collect();
    let missing = row.is_some_and(|r| r.status == "missing");
    let failed = !errors.is_empty() || missing;
    let _ = write!(s, "    <testcase classname=\"{class}\" name=\"{}\"", escape(name));
    if row.is_some_and(|r| r.status == super::NOT_CHECKED) && !failed {
        let why = escape(&t(l, "ui.junit-skipped", &[]));
        let _ = writeln!(s, ">\n      <skipped message=\"{why}\"/>");
        s.push_str("    </testcase>\n");
        return false;
    }
    if found.is_empty() && !failed {
        s.push_str("/>\n");
        return false;
    }
    s.push_str(">\n");
    if failed {
        let mut rules: Vec<&str> = errors.iter().map(|f| f.rule.as_str()).collect();
        rules.sort_unstable();
        rules.dedup();
        let message = match (errors.len(), missing) {
            (0, _) => t(l, "ui.junit-not-delivered", &[]),
            (n, _) => {
                t(l, "ui.junit-errors", &[("n", &n.to_string()), ("rules", &rules.join(", "))])
            }
        };
        let _ = write!(
            s,
            "      <failure message=\"{}\" type=\"{}\">",
            escape(&message),
            escape(rules.first().copied().unwrap_or("record-missing"))
        );
        s.push_str(&escape(&lines(errors.iter().copied().copied(), l)));
        s.push_str("</failure>\n");
    }
    let warnings = found.iter().copied().filter(|f| f.severity != Severity::Error);
    let warnings = lines(warnings, l);
    if !warnings.is_empty() {
        let _ = writeln!(s, "      <system-out>{}</system-out>", escape(&warnings));
    }
    s.push_str("    </testcase>\n");
    failed
}

fn lines<'a>(found: impl Iterator<Item = &'a Finding>, l: Lang) -> String {
    let mut out = String::new();
    for f in found {
        let place = f.path.as_deref().or(f.record.as_deref()).unwrap_or("-");
        let severity = crate::finding::labels::severity(l, f.severity);
        let _ = writeln!(out, "{severity} {} {place}: {}", f.rule, f.message);
    }
    out
}
