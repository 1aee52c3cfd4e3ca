//! The readback test itself: setup checks, the draw, the reads, the judgement, and what
//! is written afterwards (bundle, ledger line, stdout).

use super::model::{FileRow, ReadingInfo, SampleInfo};
use super::reader::{self, Cache, FileRead, Medium, Outcome};
use super::select::{self, Candidate};
use crate::finding::text::list;
use crate::finding::{self, Finding, Severity, Text};
use crate::manifest::{Entry, Manifest};
use crate::profile::Profile;
use crate::text;
use std::collections::BTreeSet;
use std::path::Path;

/// Bytes in a mebibyte, for read rates in MiB/s.
pub const MIB: f64 = 1024.0 * 1024.0;

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
    text: Text,
) {
    let severity = p.severity(rule);
    if severity != Severity::Off {
        let mut f = Finding::new(rule, severity, text, p.lang);
        f.record = record;
        f.path = Some(path.into());
        out.push(f);
    }
}

/// The status of one read, and its finding (rule, message) if it is bad.
fn judge(e: &Entry, r: &FileRead, manifest: &Path) -> (&'static str, Option<(&'static str, Text)>) {
    let at = text!("phrase.manifest-line", manifest = manifest.display(), line = e.line);
    let size = r.size.map_or_else(|| "?".into(), |s| s.to_string());
    match &r.outcome {
        Outcome::Missing => {
            ("missing", Some(("readback-missing", text!("readback-missing", at = at))))
        }
        Outcome::NotRegular(kind) => (
            "io-error",
            Some((
                "readback-io-error",
                text!(
                    "readback-io-error.not-regular",
                    kind = crate::finding::text::special_file(kind)
                ),
            )),
        ),
        Outcome::IoError { offset, error } => (
            "io-error",
            Some((
                "readback-io-error",
                text!("readback-io-error", offset = offset, size = size, error = error),
            )),
        ),
        Outcome::Read(got) => {
            let mut bad: Vec<Text> = e
                .digests
                .iter()
                .filter(|(a, want)| got.get(a) != Some(want))
                .map(|(a, want)| {
                    let got = got.get(a).map_or("?", String::as_str);
                    text!("phrase.digest-where", alg = a, got = got, at = at.clone(), want = want)
                })
                .collect();
            if let Some(want) = e.size.filter(|&w| w != r.bytes) {
                bad.push(text!("phrase.bytes-where", got = r.bytes, at = at.clone(), want = want));
            }
            if bad.is_empty() {
                ("ok", None)
            } else {
                (
                    "mismatch",
                    Some(("readback-mismatch", text!("readback-mismatch", what = list(bad)))),
                )
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
            let msg = text!(
                "readback-slow",
                speed = format!("{s:.1}"),
                percent = format!("{:.0}", cfg.slow_fraction * 100.0),
                median = format!("{m:.1}")
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::readback::reader::tests::Fake;

    /// A manifest of `files` (path, bytes) under a stand-in root, and the fake medium.
    fn setup(files: &[(&str, Vec<u8>)]) -> (tempfile::TempDir, Manifest, Fake) {
        let dir = tempfile::tempdir().unwrap();
        let text: String =
            files.iter().map(|(p, b)| format!("{}  {p}\n", crate::bundle::sha256_hex(b))).collect();
        let path = dir.path().join("accepted-manifest-sha256.txt");
        std::fs::write(&path, text).unwrap();
        let root = Path::new("/medium");
        let opts = crate::manifest::Options { base: Some(root), ..Default::default() };
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
