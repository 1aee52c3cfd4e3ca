//! The readback test itself: setup checks, the draw, the reads, the judgement, and what
//! is written afterwards (bundle, ledger line, stdout).

use super::SampleArgs;
use super::model::{FileRow, MediumRef, ReadingInfo, Report, SampleInfo};
use super::reader::{self, Cache, FileRead, Medium, Mount, Outcome};
use super::select::{self, Candidate};
use crate::cli::OutputFormat;
use crate::exit::Code;
use crate::finding::{self, Finding, Severity};
use crate::ledger::{self, Event, Ledger, ReportPin};
use crate::manifest::{self, Entry, Manifest};
use crate::profile::Profile;
use crate::report::model::{ProfileRef, Tool};
use anyhow::{Context, bail};
use sha2::{Digest, Sha256};
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

const MIB: f64 = 1024.0 * 1024.0;

/// Everything checked before the first byte is read.
struct Setup {
    profile: Profile,
    ledger: Ledger,
    medium: MediumRef,
    root: PathBuf,
    manifest: Manifest,
    pin: ledger::ManifestPin,
    rate: f64,
    seed: u64,
    seed_source: String,
    out: Option<PathBuf>,
    key: Option<minisign::SecretKey>,
    operator: String,
}

/// Runs `vouch sample`.
pub fn command(args: SampleArgs) -> anyhow::Result<Code> {
    let time = jiff::Timestamp::now().strftime("%Y-%m-%dT%H:%M:%SZ").to_string();
    let s = prepare(&args)?;
    let medium = Mount { root: s.root.clone() };
    let bar = crate::progress::bar(0, !args.quiet && args.format == OutputFormat::Human);
    let tested =
        test(&s.manifest, &medium, &s.profile, s.rate, s.seed, &s.seed_source, |n| bar.inc(n));
    bar.finish_and_clear();
    let mut report = build(&s, &args, time, tested);
    let written = match &s.out {
        Some(dir) => Some(write_bundle(dir, &mut report, s.key.as_ref())?),
        None => None,
    };
    let json = crate::report::readback::render_json(&report)?;
    let pin = written.as_ref().map(|(dir, _)| ReportPin {
        dir: dir.display().to_string(),
        sha256: crate::report::bundle::sha256_hex(&json),
    });
    if report.verdict == "incomplete" {
        // Not a test of the medium: no ledger line, so the medium stays due.
        let text = match args.format {
            OutputFormat::Json => String::from_utf8(json)?,
            OutputFormat::Human => interrupted(&report, written.as_ref()),
        };
        crate::app::print(text.as_bytes())?;
        return Ok(Code::Interrupted);
    }
    let line = append_result(&s, &report, pin)?;
    let text = match args.format {
        OutputFormat::Json => String::from_utf8(json)?,
        OutputFormat::Human => human(&report, args.quiet, written.as_ref(), line, &s.ledger.path),
    };
    crate::app::print(text.as_bytes())?;
    Ok(if report.verdict == "pass" { Code::Accepted } else { Code::Rejected })
}

fn prepare(args: &SampleArgs) -> anyhow::Result<Setup> {
    let profile = Profile::load(&args.profile)?;
    let rate = check_rate(args.rate, &profile)?;
    let ledger = Ledger::read(&args.ledger)?;
    let Some((line, registered)) = ledger.medium(&args.id) else {
        bail!(
            "medium '{}' is not registered in ledger '{}': register it with `vouch media add`",
            args.id,
            args.ledger.display()
        );
    };
    let root = std::fs::canonicalize(&args.mount)
        .with_context(|| format!("opening mount point '{}'", args.mount.display()))?;
    if !root.is_dir() {
        bail!("'{}' is not a folder: give the folder the medium is mounted at", root.display());
    }
    refuse_inside(&args.ledger, &root, "the ledger")?;
    let out = args.out.as_deref().map(|o| crate::output::prepare_dir(o, &root)).transpose()?;
    let key = args.sign_key.as_deref().map(crate::sign::load_secret_key).transpose()?;
    let pin = registered.manifest.clone();
    let manifest = load_manifest(args.manifest.as_deref(), &pin, line, &root)?;
    if !manifest.entries.iter().any(|e| Mount { root: root.clone() }.size(&e.rel).is_some()) {
        bail!(
            "none of the {} files of the manifest is under '{}': is the medium mounted there, \
             and is that the folder its paths are relative to?",
            manifest.entries.len(),
            root.display()
        );
    }
    let (seed, seed_source) = match args.seed {
        Some(s) => (s, "given with --seed".to_string()),
        None => (
            default_seed(&ledger, &args.id),
            "sha256 of the ledger's last line and the medium id".into(),
        ),
    };
    let medium = MediumRef {
        id: registered.id.clone(),
        media_type: registered.media_type,
        label: registered.label.clone(),
        written: registered.written.clone(),
        ledger: args.ledger.display().to_string(),
        ledger_line: line,
    };
    let operator = args.operator.clone().unwrap_or_else(crate::app::default_operator);
    Ok(Setup {
        profile,
        ledger,
        medium,
        root,
        manifest,
        pin,
        rate,
        seed,
        seed_source,
        out,
        key,
        operator,
    })
}

fn check_rate(given: Option<f64>, profile: &Profile) -> anyhow::Result<f64> {
    let least = profile.readback.rate;
    let rate = given.unwrap_or(least);
    if !(rate > 0.0 && rate <= 1.0) {
        bail!("--rate {rate} must be above 0 and at most 1 (0.10 = 10%, 1 = everything)");
    }
    if rate < least {
        bail!(
            "--rate {rate} is below the least rate of profile '{}' ({least}); sample at least \
             that, or use a profile whose `readback.rate` allows less",
            profile.name
        );
    }
    Ok(rate)
}

/// Refuses a file vouch writes (the ledger) that lies on the medium.
fn refuse_inside(path: &Path, root: &Path, what: &str) -> anyhow::Result<()> {
    let abs = std::path::absolute(path)?;
    let dir = abs.parent().and_then(|p| std::fs::canonicalize(p).ok()).unwrap_or_default();
    if dir.starts_with(root) {
        bail!(
            "{what} '{}' is on the medium '{}'; vouch never writes to a sampled medium: keep it \
             elsewhere",
            path.display(),
            root.display()
        );
    }
    Ok(())
}

/// Reads the reference manifest and proves it is the one registered.
fn load_manifest(
    given: Option<&Path>,
    pin: &ledger::ManifestPin,
    line: u64,
    root: &Path,
) -> anyhow::Result<Manifest> {
    let path = given.map_or_else(|| PathBuf::from(&pin.path), Path::to_path_buf);
    let opts = manifest::Options { base: Some(root), format: None, algorithm: None };
    let m = Manifest::read(&path, root, opts)?;
    if m.sha256 != pin.sha256 {
        bail!(
            "manifest '{}' is not the one registered on ledger line {line}: its SHA-256 is {}, \
             the registered one {}. A changed reference cannot vouch for the medium: find the \
             registered copy and pass it with --manifest",
            path.display(),
            m.sha256,
            pin.sha256
        );
    }
    Ok(m)
}

fn default_seed(ledger: &Ledger, id: &str) -> u64 {
    let mut h = Sha256::new();
    h.update(b"vouch-readback-v1\n");
    h.update(ledger.lines.last().map_or(ledger::GENESIS, |l| l.sha256.as_str()).as_bytes());
    h.update(b"\n");
    h.update(id.as_bytes());
    u64::from_be_bytes(h.finalize()[..8].try_into().expect("8 bytes"))
}

/// What a test found, before it becomes a report.
pub struct Tested {
    /// The draw.
    pub sample: SampleInfo,
    /// How the reading went.
    pub reading: ReadingInfo,
    /// One row per file read.
    pub files: Vec<FileRow>,
    /// The findings.
    pub findings: Vec<Finding>,
    /// Files of the draw left unread because the run was interrupted (Ctrl-C, SIGTERM).
    pub unread: u64,
}

/// Draws the sample of `m`'s files and reads each back from `medium`.
pub fn test(
    m: &Manifest,
    medium: &dyn Medium,
    profile: &Profile,
    rate: f64,
    seed: u64,
    seed_source: &str,
    on_file: impl Fn(u64),
) -> Tested {
    let paths: Vec<String> = m.entries.iter().map(|e| e.rel.escaped()).collect();
    let sizes: Vec<u64> =
        m.entries.iter().map(|e| e.size.or_else(|| medium.size(&e.rel)).unwrap_or(0)).collect();
    let cands: Vec<Candidate> =
        paths.iter().zip(&sizes).map(|(p, &size)| Candidate { path: p, size }).collect();
    let drawn = select::select(&cands, rate, seed);
    let mut files = Vec::with_capacity(drawn.len());
    let mut findings = Vec::new();
    let mut unread = 0;
    for &i in &drawn {
        if crate::interrupt::requested() {
            unread += 1;
            continue;
        }
        let e = &m.entries[i];
        let algs: Vec<_> = e.digests.iter().map(|(a, _)| *a).collect();
        let r = reader::read_back(medium, &e.rel, &algs);
        on_file(r.bytes);
        let (status, problem) = judge(e, &r, &m.path);
        let record = Some(select::stratum(&paths[i]).to_string()).filter(|s| !s.is_empty());
        if let Some((rule, message)) = problem {
            push(&mut findings, profile, rule, record.clone(), &paths[i], message);
        }
        files.push(row(&paths[i], record, status, &r));
    }
    let reading = mark_slow(&mut files, &mut findings, profile);
    let strata = |idx: &mut dyn Iterator<Item = usize>| {
        idx.map(|i| select::stratum(&paths[i])).collect::<BTreeSet<_>>().len() as u64
    };
    let sample = SampleInfo {
        rate,
        seed,
        seed_source: seed_source.to_string(),
        files_listed: paths.len() as u64,
        bytes_listed: sizes.iter().sum(),
        files_sampled: drawn.len() as u64,
        bytes_sampled: drawn.iter().map(|&i| sizes[i]).sum(),
        records_listed: strata(&mut (0..paths.len())),
        records_sampled: strata(&mut drawn.iter().copied()),
    };
    finding::sort(&mut findings);
    Tested { sample, reading, files, findings, unread }
}

fn push(
    out: &mut Vec<Finding>,
    p: &Profile,
    rule: &str,
    record: Option<String>,
    path: &str,
    message: String,
) {
    let severity = p.severity(rule);
    if severity != Severity::Off {
        let path = Some(path.into());
        out.push(Finding { rule: rule.into(), severity, record, path, message, page: None });
    }
}

/// The status of one read, and its finding (rule, message) if it is bad.
fn judge(
    e: &Entry,
    r: &FileRead,
    manifest: &Path,
) -> (&'static str, Option<(&'static str, String)>) {
    let at = format!("manifest '{}' line {}", manifest.display(), e.line);
    let size = r.size.map_or_else(|| "?".into(), |s| s.to_string());
    match &r.outcome {
        Outcome::Missing => (
            "missing",
            Some((
                "readback-missing",
                format!("not on the medium, though {at} lists it: restore it from another copy"),
            )),
        ),
        Outcome::NotRegular(kind) => (
            "io-error",
            Some((
                "readback-io-error",
                format!(
                    "is {kind} on the medium, not a regular file, so it was not opened (byte 0 of \
             the listed file reached): restore the file from another copy"
                ),
            )),
        ),
        Outcome::IoError { offset, error } => (
            "io-error",
            Some((
                "readback-io-error",
                format!(
                    "read failed at byte {offset} of {size} ({error}); the medium is failing: copy \
             its data to a new medium now"
                ),
            )),
        ),
        Outcome::Read(got) => {
            let mut bad: Vec<String> = e
                .digests
                .iter()
                .filter(|(a, want)| got.get(a) != Some(want))
                .map(|(a, want)| {
                    format!(
                        "{a} {} where {at} lists {want}",
                        got.get(a).map_or("?", String::as_str)
                    )
                })
                .collect();
            if let Some(want) = e.size.filter(|&w| w != r.bytes) {
                bad.push(format!("{} bytes where {at} lists {want}", r.bytes));
            }
            if bad.is_empty() {
                ("ok", None)
            } else {
                let msg = format!(
                    "read back {}: the medium no longer holds the accepted bytes; restore this file from another copy",
                    bad.join("; ")
                );
                ("mismatch", Some(("readback-mismatch", msg)))
            }
        }
    }
}

fn row(path: &str, record: Option<String>, status: &'static str, r: &FileRead) -> FileRow {
    let mib_s = (r.bytes > 0 && r.seconds > 0.0).then(|| round3(r.bytes as f64 / MIB / r.seconds));
    FileRow {
        path: path.to_string(),
        record,
        status,
        size: r.size,
        bytes_read: r.bytes,
        seconds: (r.seconds * 1e6).round() / 1e6,
        mib_s,
        cache: r.cache.clone(),
        noatime: r.noatime,
    }
}

fn round3(x: f64) -> f64 {
    (x * 1000.0).round() / 1000.0
}

/// Marks files read far slower than the median as `readback-slow`; sums up the reading.
fn mark_slow(files: &mut [FileRow], findings: &mut Vec<Finding>, p: &Profile) -> ReadingInfo {
    let cfg = &p.readback;
    let timed = |f: &FileRow| f.status == "ok" && f.bytes_read >= cfg.slow_min_bytes.max(1);
    let speeds: Vec<f64> = files.iter().filter(|f| timed(f)).filter_map(|f| f.mib_s).collect();
    let median = median(&speeds).filter(|_| speeds.len() >= 3);
    let threshold = median.map(|m| round3(m * cfg.slow_fraction));
    for f in files.iter_mut().filter(|f| timed(f)) {
        let (Some(t), Some(s), Some(m)) = (threshold, f.mib_s, median) else { continue };
        if s < t {
            f.status = "slow";
            let msg = format!(
                "read at {s:.1} MiB/s, under {:.0}% of the medium's median {m:.1} MiB/s: an \
                 early sign of a failing medium; plan to copy it to a new one",
                cfg.slow_fraction * 100.0
            );
            push(findings, p, "readback-slow", f.record.clone(), &f.path.clone(), msg);
        }
    }
    let count = |c: fn(&Cache) -> bool| {
        files.iter().filter(|f| f.cache.as_ref().is_some_and(c)).count() as u64
    };
    ReadingInfo {
        cache_dropped: count(|c| *c == Cache::Dropped),
        cache_in_memory: count(|c| *c == Cache::InMemory),
        cache_not_dropped: count(|c| matches!(c, Cache::NotDropped(_))),
        noatime: files.iter().filter(|f| f.noatime).count() as u64,
        bytes_read: files.iter().map(|f| f.bytes_read).sum(),
        seconds: round3(files.iter().map(|f| f.seconds).sum()),
        median_mib_s: median,
        slow_below_mib_s: threshold,
        timed_min_bytes: cfg.slow_min_bytes,
    }
}

fn median(xs: &[f64]) -> Option<f64> {
    let mut v = xs.to_vec();
    v.sort_by(f64::total_cmp);
    let n = v.len();
    match n {
        0 => None,
        _ if n % 2 == 1 => Some(round3(v[n / 2])),
        _ => Some(round3((v[n / 2 - 1] + v[n / 2]) / 2.0)),
    }
}

fn build(s: &Setup, args: &SampleArgs, time: String, t: Tested) -> Report {
    let mut counts: BTreeMap<String, u64> = BTreeMap::new();
    t.findings.iter().for_each(|f| *counts.entry(f.rule.clone()).or_default() += 1);
    let failed = t.findings.iter().any(|f| f.severity == Severity::Error);
    Report {
        schema: super::model::SCHEMA,
        kind: "readback",
        tool: Tool { name: "vouch".into(), version: env!("CARGO_PKG_VERSION").into() },
        time,
        operator: s.operator.clone(),
        medium: s.medium.clone(),
        mount: args.mount.display().to_string(),
        manifest: s.pin.clone(),
        profile: ProfileRef {
            name: s.profile.name.clone(),
            origin: s.profile.origin.clone(),
            sha256: s.profile.sha256.clone(),
            extends: s.profile.extends.clone(),
            effective_sha256: s.profile.effective_sha256.clone(),
        },
        sample: t.sample,
        reading: t.reading,
        // An interrupted test vouches for nothing, whatever it read so far.
        verdict: match (t.unread, failed) {
            (1.., _) => "incomplete",
            (0, true) => "fail",
            (0, false) => "pass",
        },
        counts,
        files: t.files,
        bundle: Vec::new(),
        findings: t.findings,
    }
}

/// Writes report.html, files.csv and report.json into `dir`, and signs report.json.
fn write_bundle(
    dir: &Path,
    report: &mut Report,
    key: Option<&minisign::SecretKey>,
) -> anyhow::Result<(PathBuf, Option<PathBuf>)> {
    use crate::report::bundle::{self, Attachment};
    use std::io::Write;
    let files = vec![
        Attachment::bytes("files.csv", crate::report::readback::render_csv(report)?),
        Attachment::bytes("report.html", crate::report::readback::render_html(report)),
    ];
    report.bundle = bundle::pin(&files);
    let json = crate::report::readback::render_json(report)?;
    let (written, removed) = bundle::write(dir, files, |out| Ok(out.write_all(&json)?))?;
    for old in removed {
        eprintln!("vouch: removed '{old}' from '{}': it signed an earlier report", dir.display());
    }
    let sig = key.map(|k| crate::sign::sign_into(dir, None, k, &written)).transpose()?;
    Ok((dir.to_path_buf(), sig))
}

/// Appends the test's result to the ledger; returns the line number.
fn append_result(s: &Setup, r: &Report, report: Option<ReportPin>) -> anyhow::Result<u64> {
    let event = ledger::Readback {
        id: s.medium.id.clone(),
        date: ledger::today().to_string(),
        result: r.verdict.to_string(),
        rate: s.rate,
        seed: s.seed,
        files_sampled: r.sample.files_sampled,
        files_listed: r.sample.files_listed,
        bytes_read: r.reading.bytes_read,
        counts: r.counts.clone(),
        manifest_sha256: s.pin.sha256.clone(),
        report,
    };
    let entry =
        ledger::append(&s.ledger.path, &s.operator, s.key.as_ref(), |_| Ok(Event::Readback(event)))
            .with_context(|| {
                format!(
                    "the test ran ({}) but its result could not be recorded in the ledger",
                    r.verdict
                )
            })?;
    Ok(entry.seq)
}

/// The terminal summary of an interrupted test.
fn interrupted(r: &Report, written: Option<&(PathBuf, Option<PathBuf>)>) -> String {
    let read = r.files.len();
    let report = written.map(|(dir, _)| format!("report: {}\n", dir.display()));
    format!(
        "{}INCOMPLETE: interrupted after {read} of {} sampled files; nothing is vouched for \
         and no result was recorded in the ledger: run the test again\n",
        report.unwrap_or_default(),
        r.sample.files_sampled
    )
}

fn human(
    r: &Report,
    quiet: bool,
    written: Option<&(PathBuf, Option<PathBuf>)>,
    line: u64,
    ledger: &Path,
) -> String {
    let (sm, rd) = (&r.sample, &r.reading);
    let pct = |a: u64, b: u64| if b == 0 { 100.0 } else { a as f64 * 100.0 / b as f64 };
    let mut s = String::new();
    if !quiet {
        s += &format!(
            "{}: {} of {} files drawn ({:.1}% of files, {:.1}% of bytes, {} of {} records; seed {})\n",
            r.medium.id,
            sm.files_sampled,
            sm.files_listed,
            pct(sm.files_sampled, sm.files_listed),
            pct(sm.bytes_sampled, sm.bytes_listed),
            sm.records_sampled,
            sm.records_listed,
            sm.seed
        );
        s += &format!(
            "read {:.1} MiB in {:.1} s; median {}; cache dropped for {} of {} files{}\n",
            rd.bytes_read as f64 / MIB,
            rd.seconds,
            rd.median_mib_s.map_or_else(
                || "not timed (too few large files)".into(),
                |m| format!("{m:.1} MiB/s")
            ),
            rd.cache_dropped,
            r.files.len(),
            if rd.cache_in_memory > 0 {
                " (in-memory filesystem: no medium below the cache)"
            } else {
                ""
            },
        );
    }
    for f in &r.findings {
        s += &format!("{}: FAILED ({}: {})\n", f.path.as_deref().unwrap_or("-"), f.rule, f.message);
    }
    if let Some((dir, sig)) = written {
        let signed = sig.as_ref().and_then(|p| p.file_name()).map_or_else(
            || "not signed".to_string(),
            |n| format!("signed: {}", n.to_string_lossy()),
        );
        s += &format!("report: {} ({signed})\n", dir.display());
    }
    s += &format!("ledger: line {line} appended to {}\n", ledger.display());
    s += match r.verdict {
        "pass" => "PASS: every file drawn reads back as accepted\n",
        _ => "FAIL: recovery needed (see the findings above)\n",
    };
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::readback::reader::tests::Fake;

    /// A manifest of `files` (path, bytes) under a stand-in root, and the fake medium.
    fn setup(files: &[(&str, Vec<u8>)]) -> (tempfile::TempDir, Manifest, Fake) {
        let dir = tempfile::tempdir().unwrap();
        let text: String = files
            .iter()
            .map(|(p, b)| format!("{}  {p}\n", crate::report::bundle::sha256_hex(b)))
            .collect();
        let path = dir.path().join("accepted-manifest-sha256.txt");
        std::fs::write(&path, text).unwrap();
        let root = Path::new("/medium");
        let opts = manifest::Options { base: Some(root), ..Default::default() };
        let m = Manifest::read(&path, root, opts).unwrap();
        let mut fake = Fake::default();
        for (p, b) in files {
            fake.files.insert(p.to_string(), (b.clone(), None));
        }
        (dir, m, fake)
    }

    fn rules(t: &Tested) -> Vec<(String, String)> {
        t.findings.iter().map(|f| (f.path.clone().unwrap(), f.rule.clone())).collect()
    }

    #[test]
    fn an_io_error_part_way_is_reported_with_its_offset_and_the_next_file_is_read() {
        let files: Vec<(&str, Vec<u8>)> =
            vec![("A/1", vec![1; 5000]), ("A/2", vec![2; 3 << 20]), ("B/1", vec![3; 7000])];
        let (_d, m, mut fake) = setup(&files);
        fake.files.get_mut("A/2").unwrap().1 = Some(1_500_000);
        let p = Profile::load("dat31").unwrap();
        let t = test(&m, &fake, &p, 1.0, 1, "test", |_| {});
        assert_eq!(rules(&t), [("A/2".to_string(), "readback-io-error".to_string())]);
        assert!(
            t.findings[0].message.contains("at byte 1500000 of 3145728"),
            "{}",
            t.findings[0].message
        );
        let status: Vec<_> =
            t.files.iter().map(|f| (f.path.as_str(), f.status, f.bytes_read)).collect();
        assert_eq!(
            status,
            [("A/1", "ok", 5000), ("A/2", "io-error", 1_500_000), ("B/1", "ok", 7000)]
        );
        assert_eq!(t.findings[0].record.as_deref(), Some("A"));
    }

    #[test]
    fn changed_and_missing_files_are_findings() {
        let files: Vec<(&str, Vec<u8>)> =
            vec![("a", vec![1; 10]), ("b", vec![2; 10]), ("c", vec![3; 10])];
        let (_d, m, mut fake) = setup(&files);
        fake.files.get_mut("a").unwrap().0[3] = 9;
        fake.files.remove("c");
        let p = Profile::load("dat31").unwrap();
        let t = test(&m, &fake, &p, 1.0, 1, "test", |_| {});
        let want = [("a", "readback-mismatch"), ("c", "readback-missing")];
        assert_eq!(rules(&t), want.map(|(a, b)| (a.to_string(), b.to_string())));
        assert_eq!(t.sample.files_sampled, 3);
    }

    #[test]
    fn a_file_far_below_the_median_is_slow() {
        let row = |path: &str, mib_s: f64| FileRow {
            path: path.into(),
            record: None,
            status: "ok",
            size: Some(8 << 20),
            bytes_read: 8 << 20,
            seconds: 8.0 / mib_s,
            mib_s: Some(mib_s),
            cache: Some(Cache::Dropped),
            noatime: true,
        };
        let mut files = vec![row("a", 100.0), row("b", 90.0), row("c", 20.0), row("d", 110.0)];
        let mut findings = Vec::new();
        let p = Profile::load("dat31").unwrap();
        let info = mark_slow(&mut files, &mut findings, &p);
        assert_eq!(info.median_mib_s, Some(95.0));
        assert_eq!(info.slow_below_mib_s, Some(23.75));
        assert_eq!(findings.len(), 1);
        assert_eq!(
            (findings[0].path.as_deref(), findings[0].rule.as_str()),
            (Some("c"), "readback-slow")
        );
        assert_eq!(files[2].status, "slow");
        let mut two = vec![row("a", 100.0), row("b", 1.0)];
        assert!(
            mark_slow(&mut two, &mut Vec::new(), &p).median_mib_s.is_none(),
            "too few to judge"
        );
    }
}
