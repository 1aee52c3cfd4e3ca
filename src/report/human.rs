//! The terminal summary: what a person at the acceptance desk reads first.
//!
//! One line per failing record, the first findings with their paths, counts per rule,
//! totals, and the verdict last (in the manner of b3sum and nextest), so the answer is the
//! line nearest the prompt.

use super::model::{Report, Verdict};
use crate::finding::Severity;
use crate::inspect::Depth;
use std::fmt::Write;
use std::path::Path;

/// How many findings the summary lists before pointing at the report.
const FIRST_FINDINGS: usize = 20;

/// Renders the summary. `quiet` prints only the verdict line; `bundle` is the line
/// saying where the report files went (see [`bundle_line`]).
pub fn render(report: &Report, quiet: bool, bundle: Option<&str>) -> String {
    let mut s = String::new();
    if !quiet {
        header(&mut s, report);
        records(&mut s, report);
        findings(&mut s, report);
        counts(&mut s, report);
        if let Some(line) = bundle {
            s.push_str(line);
        }
    }
    verdict(&mut s, report);
    s
}

fn header(s: &mut String, r: &Report) {
    let _ = writeln!(s, "vouch {} · profile {} · {}", r.tool.version, r.profile.name, r.delivery);
    let _ = writeln!(
        s,
        "catalogue {} ({}, {} records)",
        r.catalogue.path, r.catalogue.format, r.catalogue.entries
    );
    for m in &r.manifests {
        let _ = writeln!(s, "manifest  {} ({}, {} entries)", m.path, m.format, m.entries);
        if let Some(note) = &m.note {
            let _ = writeln!(s, "          note: {note}");
        }
    }
    if r.depth == Depth::Quick {
        let _ = writeln!(s, "{QUICK}");
    }
    s.push('\n');
}

fn records(s: &mut String, r: &Report) {
    let mut any = false;
    for row in r.records.iter().filter(|row| row.status != "ok") {
        let rules: Vec<&str> = r
            .findings
            .iter()
            .filter(|f| f.record.as_deref() == Some(&row.id))
            .map(|f| f.rule.as_str())
            .fold(Vec::new(), |mut v, rule| {
                if !v.contains(&rule) {
                    v.push(rule);
                }
                v
            });
        let status = row.status.to_uppercase();
        let _ = writeln!(s, "{}: {status} ({})", row.id, rules.join(", "));
        any = true;
    }
    if any {
        s.push('\n');
    }
}

fn findings(s: &mut String, r: &Report) {
    if r.findings.is_empty() {
        return;
    }
    let shown = r.findings.len().min(FIRST_FINDINGS);
    let _ = writeln!(s, "findings ({shown} of {}):", r.findings.len());
    for f in r.findings.iter().take(FIRST_FINDINGS) {
        let place = f.path.as_deref().or(f.record.as_deref()).unwrap_or("-");
        let _ = writeln!(s, "  {:<7} {:<26} {place}: {}", f.severity.as_str(), f.rule, f.message);
    }
    if r.findings.len() > FIRST_FINDINGS {
        let _ = writeln!(s, "  … {} more in report.json", r.findings.len() - FIRST_FINDINGS);
    }
    s.push('\n');
}

fn counts(s: &mut String, r: &Report) {
    if !r.counts.is_empty() {
        let _ = writeln!(s, "counts per rule:");
        for (rule, n) in &r.counts {
            let _ = writeln!(s, "  {rule:<26} {n}");
        }
        s.push('\n');
    }
    let t = &r.totals;
    let _ = writeln!(
        s,
        "{} records · {} files · {} pages · {} · {:.1} s",
        t.records,
        t.files,
        t.pages,
        bytes(t.bytes),
        t.seconds
    );
}

fn verdict(s: &mut String, r: &Report) {
    let errors = r.findings.iter().filter(|f| f.severity == Severity::Error).count();
    let warnings = r.findings.iter().filter(|f| f.severity == Severity::Warning).count();
    let why = match r.verdict {
        Verdict::Accepted if warnings == 0 => "no findings".to_string(),
        _ => format!("{errors} errors, {warnings} warnings"),
    };
    let depth = if r.depth == Depth::Quick { " (depth quick: image data not decoded)" } else { "" };
    let _ = writeln!(s, "{}: {why}{depth}", r.verdict.shout());
}

/// What a quick check is, in the summary's header.
const QUICK: &str = "depth     quick: digests, structure and metadata only; page image data \
                     was not decoded (run --depth full for acceptance)";

/// `report: DIR (files…)`, naming the signature when there is one.
pub fn bundle_line(dir: &Path, r: &Report, signature: Option<&Path>) -> String {
    let mut files: Vec<&str> = vec!["report.json"];
    files.extend(r.bundle.iter().map(|f| f.file.as_str()));
    let sig = signature.and_then(Path::file_name).map(|n| n.to_string_lossy());
    let signed = sig.map_or_else(|| "unsigned".to_string(), |n| format!("signed {n}"));
    format!("report: {} ({}; {signed})\n", dir.display(), files.join(", "))
}

/// Human byte count with binary units.
pub fn bytes(n: u64) -> String {
    const UNITS: [&str; 5] = ["B", "KiB", "MiB", "GiB", "TiB"];
    let mut v = n as f64;
    let mut unit = 0;
    while v >= 1024.0 && unit < UNITS.len() - 1 {
        v /= 1024.0;
        unit += 1;
    }
    if unit == 0 { format!("{n} B") } else { format!("{v:.1} {}", UNITS[unit]) }
}
