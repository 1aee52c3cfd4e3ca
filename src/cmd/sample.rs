//! `vouch sample`: read back a sample of a stored medium against its manifest, write the
//! readback report and record the result in the media ledger.

use crate::cli::{OutputFormat, SampleArgs};
use crate::exit::Code;
use crate::finding::Severity;
use crate::ledger::{self, Event, Ledger, ReportPin};
use crate::manifest::{self, Manifest};
use crate::profile::Profile;
use crate::readback::model::{MediumRef, Report};
use crate::readback::reader::{Medium as _, Mount};
use crate::readback::run::{MIB, Tested, test};
use crate::report::model::{ProfileRef, Tool};
use anyhow::{Context, bail};
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

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
    let json = crate::readback::report::render_json(&report)?;
    let pin = written.as_ref().map(|(dir, _)| ReportPin {
        dir: dir.display().to_string(),
        sha256: crate::bundle::sha256_hex(&json),
    });
    if report.verdict == "incomplete" {
        // Not a test of the medium: no ledger line, so the medium stays due.
        let text = match args.format {
            OutputFormat::Json => String::from_utf8(json)?,
            OutputFormat::Human => interrupted(&report, written.as_ref()),
        };
        crate::cmd::print(text.as_bytes())?;
        return Ok(Code::Interrupted);
    }
    let line = append_result(&s, &report, pin)?;
    let text = match args.format {
        OutputFormat::Json => String::from_utf8(json)?,
        OutputFormat::Human => human(&report, args.quiet, written.as_ref(), line, &s.ledger.path),
    };
    crate::cmd::print(text.as_bytes())?;
    Ok(if report.verdict == "pass" { Code::Accepted } else { Code::Rejected })
}

fn prepare(args: &SampleArgs) -> anyhow::Result<Setup> {
    let profile = args.profile.load()?;
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
    let operator = args.operator.or_default();
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

fn build(s: &Setup, args: &SampleArgs, time: String, t: Tested) -> Report {
    let mut counts: BTreeMap<String, u64> = BTreeMap::new();
    t.findings.iter().for_each(|f| *counts.entry(f.rule.clone()).or_default() += 1);
    let failed = t.findings.iter().any(|f| f.severity == Severity::Error);
    Report {
        schema: crate::readback::model::SCHEMA,
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
    use crate::bundle::{self, Attachment};
    use std::io::Write;
    let files = vec![
        Attachment::bytes("files.csv", crate::readback::report::render_csv(report)?),
        Attachment::bytes("report.html", crate::readback::report::render_html(report)),
    ];
    report.bundle = bundle::pin(&files);
    let json = crate::readback::report::render_json(report)?;
    let (written, removed) = bundle::write(dir, files, |out| Ok(out.write_all(&json)?))?;
    for old in removed {
        eprintln!("vouch: removed '{old}' from '{}': it signed an earlier report", dir.display());
    }
    let sig = key
        .map(|k| {
            crate::sign::sign_into(
                &dir.join(crate::bundle::signature_name(None, crate::sign::Algorithm::Minisign)),
                (crate::bundle::REPORT_JSON, None),
                k,
                &written,
            )
        })
        .transpose()?;
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
