//! The terminal summary: what a person at the acceptance desk reads first.
//!
//! The failing records, then the findings grouped by rule (errors before warnings, each
//! rule with its count and its first three findings, so one noisy rule cannot bury the
//! rest), totals, where the report went (only when it was written), and the verdict last
//! with its reasons (in the manner of b3sum and nextest), so the answer is the line
//! nearest the prompt. `-q` prints one line per failing record and the verdict, as
//! `sha256sum --quiet` prints only failures.
//!
//! Every pass is linear in the findings (issue #17: a million missing records once took
//! hours here), and every name is escaped for the terminal ([`crate::output::terminal`]).

use super::model::{Report, Verdict};
use crate::finding::text::t;
use crate::finding::{Finding, Lang, Severity};
use crate::inspect::Depth;
use crate::output::terminal;
use std::collections::{BTreeMap, HashMap};
use std::fmt::Write;
use std::path::Path;

/// How many findings of each rule the summary shows.
const PER_RULE: usize = 3;

/// How many failing records the full summary lists (`-q` lists them all).
const FIRST_RECORDS: usize = 20;

/// The rule saying no vendor manifest was given: the verdict names it in words.
const NO_MANIFEST: &str = "hash-no-manifest";

/// Renders the summary. `quiet` prints only the failing records and the verdict line;
/// `bundle` is the line saying where the report files went (see [`bundle_line`]), `None`
/// when none were written.
pub fn render(report: &Report, quiet: bool, bundle: Option<&str>) -> String {
    let mut s = String::new();
    if let Some(round) = &report.round {
        let _ = writeln!(s, "{}", super::rounds::headline(round, report.lang));
    }
    let rules = rules_by_record(&report.findings);
    let groups = groups(&report.findings);
    if quiet {
        records(&mut s, report, &rules, usize::MAX);
    } else {
        header(&mut s, report);
        if records(&mut s, report, &rules, FIRST_RECORDS) > 0 {
            s.push('\n');
        }
        findings(&mut s, &groups, bundle.is_some(), report.lang);
        totals(&mut s, report);
        malware_scan(&mut s, report);
        if let Some(line) = bundle {
            s.push_str(line);
        }
    }
    verdict(&mut s, report, &groups);
    s
}

fn header(s: &mut String, r: &Report) {
    let l = r.lang;
    let (version, profile, delivery) =
        (&r.tool.version, terminal(&r.profile.name), terminal(&r.delivery));
    let args = [("version", version.as_str()), ("profile", &profile), ("delivery", &delivery)];
    let _ = writeln!(s, "{}", t(l, "ui.head", &args));
    let (path, entries) = (terminal(&r.catalogue.path), r.catalogue.entries.to_string());
    let args = [("path", path.as_ref()), ("format", &r.catalogue.format), ("n", &entries)];
    let _ = writeln!(s, "{}", t(l, "ui.head-catalogue", &args));
    for m in &r.manifests {
        let (path, entries) = (terminal(&m.path), m.entries.to_string());
        let args = [("path", path.as_ref()), ("format", &m.format), ("n", &entries)];
        let _ = writeln!(s, "{}", t(l, "ui.head-manifest", &args));
        if let Some(note) = &m.note {
            let _ = writeln!(s, "{}", t(l, "ui.head-note", &[("note", &terminal(note))]));
        }
    }
    if r.depth == Depth::Quick {
        let _ = writeln!(s, "{}", t(l, "ui.head-quick", &[]));
    }
    s.push('\n');
}

/// The distinct rules of each record's findings, in report order: one pass.
fn rules_by_record(findings: &[Finding]) -> HashMap<&str, Vec<&str>> {
    let mut by: HashMap<&str, Vec<&str>> = HashMap::new();
    for f in findings {
        let Some(record) = f.record.as_deref() else { continue };
        let rules = by.entry(record).or_default();
        // A record has a few distinct rules at most (bounded by the registry).
        if !rules.contains(&f.rule.as_str()) {
            rules.push(&f.rule);
        }
    }
    by
}

/// One line per record that is not ok: `ID: STATUS (rules)`, the first `limit` of them.
/// Returns how many were shown.
fn records(s: &mut String, r: &Report, rules: &HashMap<&str, Vec<&str>>, limit: usize) -> usize {
    let failing = r.records.iter().filter(|row| row.status != "ok");
    let l = r.lang;
    let mut shown = 0usize;
    let mut more = 0usize;
    for row in failing {
        if shown == limit {
            more += 1;
            continue;
        }
        let list = rules.get(row.id.as_str()).map_or_else(String::new, |v| v.join(", "));
        let status = status_word(l, &row.status);
        let _ = writeln!(s, "{}: {status} ({list})", terminal(&row.id));
        shown += 1;
    }
    if more > 0 {
        let _ = writeln!(s, "{}", t(l, "ui.more-records", &[("n", &more.to_string())]));
    }
    shown
}

/// One rule's findings: how many, and the first [`PER_RULE`] in report order.
#[derive(Default)]
struct Group<'a> {
    count: u64,
    first: Vec<&'a Finding>,
}

/// The findings grouped by (severity, rule), errors first: one pass.
fn groups(findings: &[Finding]) -> Groups<'_> {
    let mut groups = Groups::new();
    for f in findings {
        let rank = match f.severity {
            Severity::Error => 0,
            Severity::Warning => 1,
            Severity::Off => continue,
        };
        let g = groups.entry((rank, f.rule.as_str())).or_default();
        g.count += 1;
        if g.first.len() < PER_RULE {
            g.first.push(f);
        }
    }
    groups
}

/// Rules ranked errors first, each with its findings.
type Groups<'a> = BTreeMap<(u8, &'a str), Group<'a>>;

fn findings(s: &mut String, groups: &Groups, written: bool, l: Lang) {
    let mut last_rank = None;
    for ((rank, rule), g) in groups {
        if last_rank != Some(*rank) {
            let _ =
                writeln!(s, "{}", t(l, if *rank == 0 { "ui.errors" } else { "ui.warnings" }, &[]));
            last_rank = Some(*rank);
        }
        let _ = writeln!(
            s,
            "  {}",
            t(l, "ui.rule-count", &[("rule", rule), ("n", &g.count.to_string())])
        );
        for f in &g.first {
            let place = f.path.as_deref().or(f.record.as_deref()).unwrap_or("-");
            let _ = writeln!(s, "    {}: {}", terminal(place), terminal(&f.message));
        }
        let more = g.count.saturating_sub(g.first.len() as u64);
        if more > 0 {
            let id = if written { "ui.more-in-report" } else { "ui.more-not-shown" };
            let _ = writeln!(s, "    {}", t(l, id, &[("n", &more.to_string())]));
        }
    }
    if !groups.is_empty() {
        s.push('\n');
    }
}

/// Which signatures the files were scanned against, when a clamd scanned them (issue
/// #20; without one, report.json and report.html say no malware scan ran).
fn malware_scan(s: &mut String, r: &Report) {
    let Some(x) = r.safety.as_ref().filter(|x| x.scanned) else { return };
    let l = r.lang;
    let engine = terminal(x.engine.as_deref().unwrap_or("clamd"));
    let db = match (&x.database_version, &x.database_date) {
        (Some(v), Some(d)) => t(l, "ui.signatures", &[("version", v), ("date", d)]),
        _ => t(l, "ui.no-signatures", &[]),
    };
    let (scanned, not) = (x.files_scanned.to_string(), x.files_not_scanned.to_string());
    let args = [("engine", engine.as_ref()), ("db", &db), ("n", &scanned), ("not", &not)];
    let _ = writeln!(s, "{}", t(l, "ui.malware-scan", &args));
}

fn totals(s: &mut String, r: &Report) {
    let x = &r.totals;
    let (records, files, pages) = (x.records.to_string(), x.files.to_string(), x.pages.to_string());
    let (size, secs) = (bytes(x.bytes), format!("{:.1}", x.seconds));
    let args = [
        ("records", records.as_str()),
        ("files", &files),
        ("pages", &pages),
        ("bytes", &size),
        ("s", &secs),
    ];
    let _ = writeln!(s, "{}", t(r.lang, "ui.totals", &args));
}

/// The verdict and its reasons: the count of errors and warnings, each with its rules
/// (`hash-no-manifest` said in words), and why a run is incomplete.
fn verdict(s: &mut String, r: &Report, groups: &Groups) {
    let quick = r.depth == Depth::Quick;
    let line = verdict_line(r.verdict, r.incomplete.as_deref(), quick, groups, r.lang);
    let _ = writeln!(s, "{line}");
}

fn verdict_line(
    v: Verdict,
    incomplete: Option<&str>,
    quick: bool,
    groups: &Groups,
    l: Lang,
) -> String {
    let reasons = |rank: u8| -> (u64, String) {
        let mut n = 0;
        let mut why = Vec::new();
        for ((_, rule), g) in groups.range((rank, "")..(rank + 1, "")) {
            n += g.count;
            why.push(match *rule {
                NO_MANIFEST => t(l, "ui.why-no-manifest", &[]),
                _ => format!("{} {rule}", g.count),
            });
        }
        (n, why.join(if l == Lang::Zh { "；" } else { "; " }))
    };
    let ((errors, why_e), (warnings, why_w)) = (reasons(0), reasons(1));
    let counted = |n: u64, what: &str| {
        let id = match (what, n == 1) {
            ("error", true) => "ui.one-error",
            ("error", false) => "ui.n-errors",
            (_, true) => "ui.one-warning",
            (_, false) => "ui.n-warnings",
        };
        t(l, id, &[("n", &n.to_string())])
    };
    let sep = if l == Lang::Zh { "；" } else { ", " };
    let line = match (v, warnings) {
        (Verdict::Accepted, 0) => t(l, "ui.accepted-clean", &[]),
        (Verdict::Accepted, w) => {
            let args = [("warnings", counted(w, "warning")), ("why", why_w)];
            t(l, "ui.accepted-with", &args.each_ref().map(|(k, v)| (*k, v.as_str())))
        }
        (v, w) => {
            let mut parts: Vec<String> =
                incomplete.map(|i| terminal(i).into_owned()).into_iter().collect();
            let because = |n: String, why: &str| t(l, "ui.because", &[("n", &n), ("why", why)]);
            if errors > 0 {
                parts.push(because(counted(errors, "error"), &why_e));
            }
            if w > 0 {
                parts.push(because(counted(w, "warning"), &why_w));
            }
            if parts.is_empty() {
                parts.push(t(l, "ui.no-findings", &[]));
            }
            t(l, "ui.verdict", &[("verdict", &v.shout_in(l)), ("why", &parts.join(sep))])
        }
    };
    match quick && incomplete.is_none() {
        true => t(l, "ui.verdict-quick", &[("line", &line)]),
        false => line,
    }
}

/// A record's status for the summary (`FAILED`, 不合格).
fn status_word(l: Lang, status: &str) -> String {
    let id = format!("ui.status-{status}");
    match crate::finding::messages::template(&id, l) {
        Some(_) => t(l, &id, &[]),
        None => status.to_uppercase(),
    }
}

/// `report: DIR (files…)`, naming the signature when there is one.
pub fn bundle_line(dir: &Path, r: &Report, signature: Option<&Path>) -> String {
    let mut files: Vec<&str> = vec!["report.json"];
    files.extend(r.bundle.iter().map(|f| f.file.as_str()));
    let sig = signature.and_then(Path::file_name).map(|n| n.to_string_lossy());
    let l = r.lang;
    let signed =
        sig.map_or_else(|| t(l, "ui.unsigned", &[]), |n| t(l, "ui.signed", &[("name", &n)]));
    let dir = crate::output::terminal_path(dir);
    format!(
        "{}\n",
        t(l, "ui.report-line", &[("dir", &dir), ("files", &files.join(", ")), ("signed", &signed)])
    )
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

#[cfg(test)]
mod tests {
    use super::*;

    fn finding(rule: &str, severity: Severity, path: &str) -> Finding {
        Finding {
            rule: rule.into(),
            severity,
            record: None,
            path: Some(path.into()),
            message: format!("{rule} here"),
            page: None,
            since: None,
            text: None,
        }
    }

    #[test]
    fn groups_rank_errors_first_and_keep_three_of_each_rule() {
        let mut list: Vec<Finding> = (0..1000)
            .map(|i| finding("record-missing", Severity::Error, &format!("{i}")))
            .collect();
        list.push(finding("file-unexpected", Severity::Warning, "a"));
        list.push(finding("hash-mismatch", Severity::Error, "z"));
        let groups = groups(&list);
        let order: Vec<(u8, &str, u64, usize)> =
            groups.iter().map(|((r, rule), g)| (*r, *rule, g.count, g.first.len())).collect();
        assert_eq!(
            order,
            [
                (0, "hash-mismatch", 1, 1),
                (0, "record-missing", 1000, 3),
                (1, "file-unexpected", 1, 1)
            ]
        );
        let first: Vec<&str> = groups[&(0, "record-missing")]
            .first
            .iter()
            .map(|f| f.path.as_deref().unwrap())
            .collect();
        assert_eq!(first, ["0", "1", "2"], "the first three in report order");
        let mut s = String::new();
        findings(&mut s, &groups, false, Lang::En);
        assert!(s.contains("… 997 more (not shown; --out DIR writes them all)"), "{s}");
        assert!(!s.contains("report.json"), "no report file named when none was written: {s}");
        assert!(s.find("errors:").unwrap() < s.find("warnings:").unwrap(), "{s}");
    }

    #[test]
    fn the_verdict_line_gives_its_reasons() {
        let none = Groups::new();
        assert_eq!(
            verdict_line(Verdict::Accepted, None, false, &none, Lang::En),
            "ACCEPTED: no findings"
        );
        let list = [finding(NO_MANIFEST, Severity::Warning, "-")];
        assert_eq!(
            verdict_line(Verdict::Accepted, None, false, &groups(&list), Lang::En),
            "ACCEPTED with 1 warning: no vendor manifest, integrity against the vendor not checked"
        );
        let list = [
            finding("hash-mismatch", Severity::Error, "a"),
            finding("hash-mismatch", Severity::Error, "b"),
            finding("page-gap", Severity::Error, "c"),
            finding(NO_MANIFEST, Severity::Warning, "-"),
        ];
        assert_eq!(
            verdict_line(Verdict::Rejected, None, false, &groups(&list), Lang::En),
            "REJECTED: 3 errors (2 hash-mismatch; 1 page-gap), 1 warning (no vendor manifest, \
             integrity against the vendor not checked)"
        );
        let why = Some("interrupted: 3 of 9 files were not inspected");
        assert_eq!(
            verdict_line(Verdict::Incomplete, why, false, &none, Lang::En),
            "INCOMPLETE: interrupted: 3 of 9 files were not inspected"
        );
    }

    #[test]
    fn names_reach_the_summary_escaped() {
        let list = [finding(
            "file-unexpected",
            Severity::Warning,
            "0008\x1b[2J\x1b[32mACCEPTED\x1b[0m.tif",
        )];
        let mut s = String::new();
        findings(&mut s, &groups(&list), true, Lang::En);
        assert!(s.contains("0008%1B[2J%1B[32mACCEPTED%1B[0m.tif"), "{s}");
        assert!(!s.contains('\x1b'), "{s}");
    }
}
