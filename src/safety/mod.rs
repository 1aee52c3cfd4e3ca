//! Safety inspection (安全性检测, issue #20): the fourth property of a record after
//! authenticity, integrity and usability. A delivery comes from a vendor's machines and
//! is copied onto the archive's, so every file is checked, from the same one read that
//! hashes and decodes it, for
//!
//! - programs and foreign archives where pages belong ([`programs`], `safety-executable`),
//! - bytes hidden after a page's end ([`trailing`], `safety-trailing-data`),
//! - active content in PDF and OFD ([`active`], `safety-active-content`),
//! - malware, by the site's ClamAV daemon ([`clamd`], `safety-malware`,
//!   `safety-not-scanned`).
//!
//! Workers report into one [`Safety`] (findings and counts behind a lock: findings are
//! rare, so the lock is cold); the check adds its findings to the report and its
//! [`Summary`] to report.json's `safety` block.

pub mod active;
pub mod clamd;
pub mod programs;
pub mod trailing;

use crate::delivery::plan::{Item, Role};
use crate::finding::text::{Arg, IntoArg};
use crate::finding::{Finding, Severity, Text};
use crate::inspect::facts::Format;
use crate::profile::Profile;
use crate::profile::safety::MalwareScan;
use crate::text;
use serde::Serialize;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};

/// report.json's `safety` block: what the safety inspection ran, and against which
/// signatures, so the report proves what the delivery was checked against.
#[derive(Clone, Debug, Default, PartialEq, Serialize, serde::Deserialize)]
pub struct Summary {
    /// `[safety] malware_scan`: `required`, `optional` or `off`.
    pub malware_scan: String,
    /// Whether a malware scan ran (a clamd was given and answered).
    pub scanned: bool,
    /// The clamd address used, when one was.
    pub clamd: Option<String>,
    /// clamd's engine, e.g. `ClamAV 1.4.3`.
    pub engine: Option<String>,
    /// The signature database's version (the daily database's number).
    pub database_version: Option<String>,
    /// The signature database's date, as clamd gives it.
    pub database_date: Option<String>,
    /// Files clamd scanned clean or with a detection.
    pub files_scanned: u64,
    /// Bytes sent to clamd.
    pub bytes_scanned: u64,
    /// Files clamd could not scan (each a `safety-not-scanned` finding).
    pub files_not_scanned: u64,
    /// The content checks that ran on every file read.
    pub content_checks: Vec<String>,
}

/// The content checks every file read goes through.
const CONTENT_CHECKS: [&str; 3] =
    ["safety-executable", "safety-trailing-data", "safety-active-content"];

/// The safety inspection of one check, shared by every worker.
pub struct Safety<'a> {
    profile: &'a Profile,
    scanner: Option<(clamd::Address, String)>,
    found: Mutex<Vec<(Option<usize>, Finding)>>,
    scanned: AtomicU64,
    bytes: AtomicU64,
    failed: AtomicU64,
}

impl<'a> Safety<'a> {
    /// Starts the safety inspection: asks the clamd given (`--clamd`, else the profile's
    /// `[safety] clamd`) for its version, so an unreachable daemon stops the run before
    /// anything of the delivery is read.
    pub fn start(profile: &'a Profile, clamd: Option<&str>) -> anyhow::Result<Safety<'a>> {
        let given = clamd.or(profile.safety.clamd.as_deref());
        let scanner = match given {
            Some(text) => {
                let addr = clamd::Address::parse(text);
                let version = clamd::version(&addr).map_err(|e| {
                    anyhow::anyhow!(
                        "clamd at '{}' did not answer VERSION: {e}; start clamd there, or \
                         name the right socket or host:port with --clamd or [safety] clamd",
                        addr.display()
                    )
                })?;
                Some((addr, version))
            }
            None => None,
        };
        Ok(Safety {
            profile,
            scanner,
            found: Mutex::default(),
            scanned: AtomicU64::new(0),
            bytes: AtomicU64::new(0),
            failed: AtomicU64::new(0),
        })
    }

    /// Counts a file an earlier run of this check journaled (`--resume`): the journal's
    /// fingerprint holds the clamd setting, and only files that gave no safety finding
    /// are journaled, so with a clamd it was scanned clean then.
    pub fn resumed(&self, bytes: u64) {
        if self.scanner.is_some() && bytes > 0 {
            self.scanned.fetch_add(1, Ordering::Relaxed);
            self.bytes.fetch_add(bytes, Ordering::Relaxed);
        }
    }

    /// Inspects the bytes of one file as read (`format`: its format by content). Returns
    /// whether it gave a finding.
    pub fn inspect(&self, item: &Item, bytes: &[u8], format: Option<Format>) -> bool {
        if bytes.is_empty() {
            return false;
        }
        let mut notes = Vec::new();
        self.content(item, bytes, format, &mut notes);
        if let Some((addr, _)) = &self.scanner {
            self.malware(addr, bytes, &mut notes);
        }
        let flagged = !notes.is_empty();
        let findings = notes.into_iter().filter_map(|(rule, severity, text)| {
            let severity = severity.unwrap_or_else(|| self.profile.severity(rule));
            let mut f = Finding::new(rule, severity, text, self.profile.lang);
            f.path = Some(item.rel.escaped());
            (self.profile.severity(rule) != Severity::Off).then_some((item.record, f))
        });
        let findings: Vec<_> = findings.collect();
        if !findings.is_empty() {
            self.found.lock().unwrap_or_else(|p| p.into_inner()).extend(findings);
        }
        flagged
    }

    /// The content checks: programs and archives, hidden payloads, active content.
    fn content(&self, item: &Item, bytes: &[u8], format: Option<Format>, notes: &mut Vec<Note>) {
        let allowed = format.is_some_and(|f| self.profile.allowed_formats.contains(&f));
        if let Some(what) = programs::program(bytes) {
            notes.push(("safety-executable", None, executable(what)));
        } else if let Some(what) = programs::archive(bytes).filter(|_| !allowed) {
            // Catalogues (XLSX, ODS) and other notes beside the records may be ZIPs.
            if item.role != Role::Ancillary {
                notes.push(("safety-executable", None, executable(what)));
            }
        }
        if let Some(note) = format.and_then(|f| trailing_note(f, bytes)) {
            notes.push(note);
        }
        let active = match format {
            Some(Format::Pdf) => (text!("phrase.the-pdf"), active::pdf(bytes)),
            Some(Format::Ofd) => (text!("phrase.the-ofd"), active::ofd(bytes)),
            _ => (Text::default(), Vec::new()),
        };
        if !active.1.is_empty() {
            notes.push(("safety-active-content", None, active::message(active.0, &active.1)));
        }
    }

    /// clamd's verdict on the file.
    fn malware(&self, addr: &clamd::Address, bytes: &[u8], notes: &mut Vec<Note>) {
        match clamd::scan(addr, bytes) {
            clamd::Scan::Clean => {}
            clamd::Scan::Found(name) => {
                notes.push(("safety-malware", None, text!("safety-malware", name = name)))
            }
            clamd::Scan::Failed(why) => {
                self.failed.fetch_add(1, Ordering::Relaxed);
                let text = text!("safety-not-scanned.failed", why = why);
                notes.push(("safety-not-scanned", None, text));
                return;
            }
        }
        self.scanned.fetch_add(1, Ordering::Relaxed);
        self.bytes.fetch_add(bytes.len() as u64, Ordering::Relaxed);
    }

    /// Every finding (with its record's code from `code`), the delivery-level
    /// `safety-not-scanned` when no malware scan ran, and the summary.
    pub fn finish(self, code: impl Fn(usize) -> String) -> (Vec<Finding>, Summary) {
        let profile = self.profile;
        let (mut findings, summary) = self.finish_part(code);
        findings.extend(unscanned(profile, summary.scanned));
        (findings, summary)
    }

    /// The findings of the files read (with their record's code from `code`) and the
    /// summary, without the delivery-level finding: one shard of a check (issue #21)
    /// says nothing of the delivery; `vouch merge` adds it once ([`unscanned`]).
    pub fn finish_part(self, code: impl Fn(usize) -> String) -> (Vec<Finding>, Summary) {
        let found = self.found.into_inner().unwrap_or_else(|p| p.into_inner());
        let findings: Vec<Finding> = found
            .into_iter()
            .map(|(r, mut f)| {
                f.record = r.map(&code);
                f
            })
            .collect();
        let mode = self.profile.safety.malware_scan;
        let summary =
            summary(mode, self.scanner.as_ref(), &self.scanned, &self.bytes, &self.failed);
        (findings, summary)
    }
}

/// The delivery-level `safety-not-scanned` of a check where no malware scan ran
/// (`scanned` false) and the profile asks for one.
pub fn unscanned(profile: &Profile, scanned: bool) -> Option<Finding> {
    let mode = profile.safety.malware_scan;
    let severity = match mode {
        MalwareScan::Required => Severity::Error,
        MalwareScan::Optional => Severity::Warning,
        MalwareScan::Off => return None,
    };
    if scanned || profile.severity("safety-not-scanned") == Severity::Off {
        return None;
    }
    let text = text!("safety-not-scanned", mode = mode.name());
    Some(Finding::new("safety-not-scanned", severity, text, profile.lang))
}

/// One finding of a file: rule, a severity other than the profile's (an escalation),
/// message.
type Note = (&'static str, Option<Severity>, Text);

fn executable(what: &str) -> Text {
    text!("safety-executable", what = what)
}

/// `safety-trailing-data`: an error when the hidden bytes start with a program, archive
/// or document (unless the profile silences the rule), else the profile's severity.
fn trailing_note(format: Format, bytes: &[u8]) -> Option<Note> {
    let end = trailing::content_end(format, bytes)?;
    let hidden = trailing::payload(format, bytes, end)?;
    let n = bytes.len() - end;
    let (severity, what) = match programs::container(hidden) {
        Some(what) => {
            (Some(Severity::Error), text!("phrase.starting-with", what = what).into_arg())
        }
        None => (None, Arg::Plain(String::new())),
    };
    let ends = match format {
        Format::Pdf => text!("phrase.pdf-eof"),
        Format::Jpeg => text!("phrase.jpeg-eoi"),
        Format::Png => text!("phrase.png-iend"),
        _ => text!("phrase.jp2-last-box"),
    };
    let text = text!("safety-trailing-data", n = n, end = ends, offset = end, what = what);
    Some(("safety-trailing-data", severity, text))
}

fn summary(
    mode: MalwareScan,
    scanner: Option<&(clamd::Address, String)>,
    scanned: &AtomicU64,
    bytes: &AtomicU64,
    failed: &AtomicU64,
) -> Summary {
    // `ClamAV 1.4.3/27520/Mon Jan  5 09:31:02 2026`; without a database: `ClamAV 1.4.3`.
    let parts: Vec<&str> = scanner.map_or(Vec::new(), |(_, v)| v.splitn(3, '/').collect());
    let part = |i: usize| parts.get(i).map(|s| s.trim().to_string()).filter(|s| !s.is_empty());
    Summary {
        malware_scan: mode.name().into(),
        scanned: scanner.is_some(),
        clamd: scanner.map(|(a, _)| a.display()),
        engine: part(0),
        database_version: part(1),
        database_date: part(2),
        files_scanned: scanned.load(Ordering::Relaxed),
        bytes_scanned: bytes.load(Ordering::Relaxed),
        files_not_scanned: failed.load(Ordering::Relaxed),
        content_checks: CONTENT_CHECKS.iter().map(|s| s.to_string()).collect(),
    }
}
