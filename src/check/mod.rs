//! `vouch check`: the acceptance pipeline from catalogue to verdict.
//!
//! Reads as the pipeline of DESIGN.md: catalogue and manifests, walk, plan, inspect (in
//! parallel, each file read once), rules, report. Every per-file problem becomes a
//! finding; only setup problems (profile, catalogue, manifest, arguments) return `Err`.

pub mod journal;
pub mod merge;
pub mod part;
mod read_ahead;
pub mod shard;
pub mod stream;
mod worker;

use worker::{Inspector, inspect_chunk};

use crate::bundle::Attachment;
use crate::catalogue::{self, Catalogue};
use crate::delivery::plan::{self, Plan, Planned};
use crate::delivery::relpath::RelPath;
use crate::delivery::walk;
use crate::digest::Algorithm;
use crate::inspect::{self};
use crate::manifest::{self, Manifest};
use crate::profile::Profile;
use crate::report::thumbs;
use crate::report::{self, RunInfo, model::Report, model::Verdict};
use anyhow::Context as _;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::time::Instant;

/// A validated `check` invocation.
pub struct Config {
    /// The delivery root as given.
    pub delivery: PathBuf,
    /// The catalogue file.
    pub catalogue: PathBuf,
    /// Sheet and item list choices for reading the catalogue.
    pub catalogue_options: catalogue::Options,
    /// Manifest files.
    pub manifests: Vec<PathBuf>,
    /// Folder manifest paths are relative to, instead of each manifest's own folder.
    pub manifest_root: Option<PathBuf>,
    /// The acceptance profile.
    pub profile: Profile,
    /// Manifest format, when not detected.
    pub manifest_format: Option<manifest::Format>,
    /// Digest algorithm of coreutils manifests, when the file name does not say.
    pub manifest_algorithm: Option<Algorithm>,
    /// Algorithms of the accepted manifests to write.
    pub accepted_algorithms: Vec<Algorithm>,
    /// Where to keep the journal of completed inspections (the report folder's
    /// `journal.jsonl`); `None` runs without one.
    pub journal: Option<PathBuf>,
    /// Continue from the journal instead of starting afresh.
    pub resume: bool,
    /// Seed of the contact-sheet sample (default: derived from the inputs).
    pub sample_seed: Option<u64>,
    /// Worker threads (decoding; reading too, without `io_threads`).
    pub jobs: usize,
    /// Reader threads feeding the workers (`--io-threads`); `None`: each worker reads.
    pub io_threads: Option<usize>,
    /// Full decode of page files, or headers only (`--depth`).
    pub depth: inspect::Depth,
    /// Who runs the check.
    pub operator: String,
    /// Show a progress bar (if stderr is a terminal).
    pub progress: bool,
    /// The site's ClamAV daemon (`--clamd`; else the profile's `[safety] clamd`).
    pub clamd: Option<String>,
    /// Check only this shard's records and write a part (`--shard K/N`, issue #21).
    pub shard: Option<shard::Shard>,
}

impl Config {
    fn manifest_options(&self) -> manifest::Options<'_> {
        manifest::Options {
            base: self.manifest_root.as_deref(),
            format: self.manifest_format,
            algorithm: self.manifest_algorithm,
        }
    }
}

/// What a check produces.
pub struct Checked {
    /// The report.
    pub report: Report,
    /// The accepted manifests (`accepted-manifest-<alg>.txt`, bytes), for the bundle.
    pub accepted: Vec<Attachment>,
    /// The journal of a complete run: remove it ([`journal::Writer::finish`]) once the
    /// report is written. `None` when there is none or the run is incomplete (then it
    /// stays for `--resume`).
    pub journal: Option<journal::Writer>,
    /// The thumbnail spool, when there is a report folder: the contact sheet reads it; it
    /// is removed with the journal.
    pub thumbs: Option<thumbs::Spool>,
}

/// What one shard of a check produces (issue #21): its part, to be written into its
/// report folder with [`part::write`].
pub struct PartDone {
    /// The part's header.
    pub part: part::Part,
    /// Its findings and streamed files.
    pub files: Vec<Attachment>,
    /// As [`Checked::journal`].
    pub journal: Option<journal::Writer>,
    /// The thumbnail spool: it stays in the part folder for the merge.
    pub thumbs: Option<thumbs::Spool>,
}

/// What a run produced: a whole check's report, or one shard's part.
enum Done {
    Whole(Checked),
    Part(PartDone),
}

/// Runs the whole check and returns the report.
pub fn run(cfg: &Config) -> anyhow::Result<Checked> {
    match run_any(cfg)? {
        Done::Whole(checked) => Ok(checked),
        Done::Part(_) => anyhow::bail!("a check with --shard writes a part: use run_shard"),
    }
}

/// Runs shard `cfg.shard` of a check and returns its part.
pub fn run_shard(cfg: &Config) -> anyhow::Result<PartDone> {
    match run_any(cfg)? {
        Done::Part(part) => Ok(part),
        Done::Whole(_) => anyhow::bail!("run_shard needs a shard"),
    }
}

fn run_any(cfg: &Config) -> anyhow::Result<Done> {
    let started = Instant::now();
    let time = jiff::Timestamp::now().strftime("%Y-%m-%dT%H:%M:%SZ").to_string();
    let root = std::fs::canonicalize(&cfg.delivery)
        .with_context(|| format!("opening delivery '{}'", cfg.delivery.display()))?;
    if !root.is_dir() {
        anyhow::bail!("delivery '{}' is not a folder", cfg.delivery.display());
    }
    // Before anything is read: an unreachable clamd stops the run (exit 2).
    let safety = crate::safety::Safety::start(&cfg.profile, cfg.clamd.as_deref())?;
    let (catalogue, manifests) = read_inputs(cfg, &root)?;
    let inputs = inputs_inside(&root, cfg);
    let top = plan::top(walk::top(&root), &catalogue, &cfg.profile, &inputs);
    let algorithms: BTreeSet<Algorithm> = manifests
        .iter()
        .flat_map(|m| m.algorithms())
        .chain(cfg.accepted_algorithms.iter().copied())
        .collect();
    let (journal, previous, spool) = open_logs(cfg, &catalogue, &algorithms)?;
    let given = stream::Inputs {
        profile: &cfg.profile,
        catalogue: &catalogue,
        manifests: &manifests,
        root: &root,
        top: &top,
    };
    let delivery = Plan::default();
    let ctx = given.context(&delivery, &[]);
    let seed = report::sample_seed(&ctx, cfg.sample_seed);
    let mut stream = judge_stream(cfg, given, seed.0)?;
    let mine = match cfg.shard {
        Some(s) => {
            let dir =
                cfg.journal.as_deref().and_then(Path::parent).context("--shard needs --out")?;
            stream = stream.into_part(dir, &cfg.accepted_algorithms)?;
            Some(mine(&top, &shard::assign(&catalogue, s.count), s))
        }
        None => None,
    };
    let progress = (journal.as_ref(), &previous, spool.as_ref(), &safety);
    let walked = (&top, &catalogue, &inputs, mine.as_deref());
    let listed = inspect_all(&root, walked, cfg, &algorithms, progress, &mut stream)?;
    if let Some(s) = cfg.shard {
        let judged = stream.finish_part()?;
        let (found, summary) = safety.finish_part(|r| catalogue.records[r].id.clone());
        let given = part_inputs(cfg, (&root, &top, &catalogue, &manifests))?;
        let run = (time, started, listed);
        let (part, files) = finish_part(cfg, s, given, judged, (found, summary), run)?;
        return Ok(Done::Part(PartDone { part, files, journal, thumbs: spool }));
    }
    let run = (time, started, listed);
    let (report, accepted) = finish_whole(cfg, (&given, &catalogue), stream, safety, seed, run)?;
    if report.verdict == Verdict::Incomplete {
        // The journal stays, for --resume.
        return Ok(Done::Whole(Checked { report, accepted, journal: None, thumbs: None }));
    }
    Ok(Done::Whole(Checked { report, accepted, journal, thumbs: spool }))
}

/// A whole check's end: the delivery judged as a whole, the report built (marked
/// incomplete when the run was cut short), and the accepted manifests.
fn finish_whole(
    cfg: &Config,
    (given, catalogue): (&stream::Inputs, &Catalogue),
    stream: stream::Stream,
    safety: crate::safety::Safety,
    seed: (u64, String),
    (time, started, listed): (String, Instant, bool),
) -> anyhow::Result<(Report, Vec<Attachment>)> {
    let mut judged = stream.finish(listed)?;
    let (found, safety) = safety.finish(|r| catalogue.records[r].id.clone());
    judged.findings.extend(found);
    crate::finding::sort(&mut judged.findings);
    let run = RunInfo {
        time,
        operator: cfg.operator.clone(),
        delivery: cfg.delivery.display().to_string(),
        seconds: started.elapsed().as_secs_f64(),
        sample_seed: cfg.sample_seed,
        depth: cfg.depth,
    };
    let (inspected, missed) = (judged.tally.inspected, judged.tally.missed);
    let checked = std::mem::take(&mut judged.tally.checked);
    let streamed = report::Streamed {
        findings: judged.findings,
        tally: judged.tally,
        files: judged.files,
        sample: report::Drawn::new(seed, judged.sample),
    };
    let delivery = Plan::default();
    let ctx = given.context(&delivery, &[]);
    let mut report = report::build(&ctx, streamed, run);
    report.volume = crate::delivery::volume::of(given.root);
    report.safety = Some(safety);
    if missed > 0 || !listed {
        // Fail closed: a run cut short vouches for nothing, and writes no accepted
        // manifest (a partial one would later pass for the reference). The journal
        // stays, for --resume.
        report.verdict = Verdict::Incomplete;
        report::mark_not_checked(&mut report, &checked);
        report.incomplete = Some(interrupted(missed, inspected, listed, report.lang));
        return Ok((report, Vec::new()));
    }
    Ok((report, judged.accepted))
}

/// Why an interrupted run is incomplete.
fn interrupted(missed: u64, inspected: u64, listed: bool, lang: crate::finding::Lang) -> String {
    let (missed, inspected) = (missed.to_string(), inspected.to_string());
    let id = if listed { "ui.interrupted" } else { "ui.interrupted-unlisted" };
    crate::finding::text::t(lang, id, &[("missed", missed.as_str()), ("n", &inspected)])
}

/// Per top-level entry: whether it is shard `s`'s (its record's shard; entries of no
/// record are shard 0's).
fn mine(top: &plan::Top, assignment: &[u32], s: shard::Shard) -> Vec<bool> {
    top.entries.iter().map(|e| e.record.map_or(0, |r| assignment[r]) == s.index).collect()
}

/// The inputs of a shard, as its part records them.
fn part_inputs(
    cfg: &Config,
    (root, top, catalogue, manifests): (&Path, &plan::Top, &Catalogue, &[Manifest]),
) -> anyhow::Result<part::Inputs> {
    let abs = |p: &Path| -> anyhow::Result<String> {
        Ok(std::path::absolute(p)?.to_string_lossy().into_owned())
    };
    let profile = match cfg.profile.origin.strip_prefix("built-in:") {
        Some(name) => name.to_string(),
        None => abs(Path::new(&cfg.profile.origin))?,
    };
    let items = cfg.catalogue_options.items.as_deref().map(abs).transpose()?;
    let items_sha = catalogue.items.as_ref().map(|i| i.sha256.clone());
    let count = cfg.shard.map_or(1, |s| s.count);
    Ok(part::Inputs {
        version: env!("CARGO_PKG_VERSION").into(),
        delivery: cfg.delivery.display().to_string(),
        root: root.to_string_lossy().into_owned(),
        top_sha256: shard::top_digest(top),
        catalogue: (abs(&cfg.catalogue)?, catalogue.sha256.clone()),
        items: items.zip(items_sha),
        sheets: (cfg.catalogue_options.sheet.clone(), cfg.catalogue_options.items_sheet.clone()),
        profile: (profile, cfg.profile.effective_sha256.clone()),
        manifests: manifests
            .iter()
            .zip(&cfg.manifests)
            .map(|(m, p)| Ok((abs(p)?, m.sha256.clone())))
            .collect::<anyhow::Result<_>>()?,
        manifest_options: (
            cfg.manifest_root.as_deref().map(abs).transpose()?,
            cfg.manifest_format.map(|f| f.name().to_string()),
            cfg.manifest_algorithm.map(|a| a.name().to_string()),
        ),
        accepted: cfg.accepted_algorithms.iter().map(|a| a.name().to_string()).collect(),
        depth: format!("{:?}", cfg.depth).to_lowercase(),
        sample_seed: cfg.sample_seed,
        clamd: cfg.clamd.clone(),
        as_given: (
            cfg.profile.origin.clone(),
            catalogue.path.display().to_string(),
            catalogue.items.as_ref().map(|i| i.path.display().to_string()),
            manifests.iter().map(|m| m.path.display().to_string()).collect(),
        ),
        assignment_sha256: shard::digest(&shard::assign(catalogue, count)),
    })
}

/// A shard's end: its header (as a report whose verdict is `incomplete`, carrying the
/// part in `part`) and its files, for [`crate::bundle`] to write.
fn finish_part(
    cfg: &Config,
    s: shard::Shard,
    inputs: part::Inputs,
    judged: stream::JudgedPart,
    (mut found, safety): (Vec<crate::finding::Finding>, crate::safety::Summary),
    (time, started, listed): (String, Instant, bool),
) -> anyhow::Result<(part::Part, Vec<Attachment>)> {
    let stream::JudgedPart { mut findings, hashes, tally, files, lines } = judged;
    findings.append(&mut found);
    crate::finding::sort(&mut findings);
    let records = (0..tally.checked.len())
        .filter(|&r| tally.checked[r] || tally.delivered[r] != Some(0))
        .map(|r| (r, tally.delivered[r], tally.checked[r]))
        .collect();
    let run = part::ShardRun {
        shard: s.to_string(),
        host: shard::host(),
        start: time,
        seconds: (started.elapsed().as_secs_f64() * 1000.0).round() / 1000.0,
        version: env!("CARGO_PKG_VERSION").into(),
        cpu_seconds: shard::cpu_seconds(),
    };
    let part = part::Part {
        shard: s,
        complete: listed && tally.missed == 0,
        run,
        operator: cfg.operator.clone(),
        inputs,
        tally: (tally.files, tally.bytes, tally.inspected, tally.missed),
        records,
        hashes,
        safety,
        lines: (findings.len() as u64, lines.0, lines.1),
    };
    let mut attachments = vec![part::findings_file(&findings)?];
    attachments.extend(files);
    Ok((part, attachments))
}

/// The journal (with what an earlier run established, on `--resume`) and the thumbnail
/// spool, when there is a report folder.
fn open_logs(
    cfg: &Config,
    catalogue: &Catalogue,
    algorithms: &BTreeSet<Algorithm>,
) -> anyhow::Result<(Option<journal::Writer>, journal::Previous, Option<thumbs::Spool>)> {
    // A shard's task run again (preempted, requeued) resumes its own journal.
    let resume =
        cfg.resume || (cfg.shard.is_some() && cfg.journal.as_ref().is_some_and(|j| j.exists()));
    let (journal, previous) = match &cfg.journal {
        Some(path) => {
            let fp = fingerprint(cfg, catalogue, algorithms);
            let (w, p) = journal::open(path, &fp, resume)?;
            (Some(w), p)
        }
        None => (None, journal::Previous::default()),
    };
    if cfg.resume && cfg.progress {
        eprintln!("vouch: resuming: {} files already inspected", previous.len());
    }
    let spool = cfg.journal.as_ref().map(|j| j.with_file_name(thumbs::FILE_NAME));
    let spool = spool.map(|p| thumbs::Spool::open(&p, resume)).transpose()?;
    Ok((journal, previous, spool))
}

/// The judge of this check: spooling in the report folder (else the temporary folder),
/// writing the accepted manifests there when there is one.
fn judge_stream<'a>(
    cfg: &Config,
    given: stream::Inputs<'a>,
    seed: u64,
) -> anyhow::Result<stream::Stream<'a>> {
    let report_dir = cfg.journal.as_deref().and_then(Path::parent);
    let spool_dir = report_dir.map_or_else(std::env::temp_dir, Path::to_path_buf);
    let accepted = (report_dir, &cfg.accepted_algorithms[..]);
    stream::Stream::new(given, &spool_dir, (cfg.profile.sample_rate, seed), accepted)
}

/// What shapes the facts of a file: a journal written under another fingerprint cannot
/// be resumed from.
fn fingerprint(cfg: &Config, catalogue: &Catalogue, algorithms: &BTreeSet<Algorithm>) -> String {
    let algs: Vec<&str> = algorithms.iter().map(|a| a.name()).collect();
    let items = catalogue.items.as_ref().map_or("", |i| i.sha256.as_str());
    let text = format!(
        "vouch {}\nprofile {}\ncatalogue {}\nitems {items}\nalgorithms {}\ndepth {:?}{}",
        env!("CARGO_PKG_VERSION"),
        cfg.profile.effective_sha256,
        catalogue.sha256,
        algs.join(","),
        cfg.depth,
        // A file journaled clean without a malware scan is not clean with one (issue #20).
        cfg.clamd.as_deref().map_or(String::new(), |_| "\nclamd".into()),
    ) + &cfg.shard.map_or(String::new(), |s| format!("\nshard {s}"));
    crate::digest::digest_all(text.as_bytes(), &[Algorithm::Sha256])[&Algorithm::Sha256].clone()
}

/// Reads the catalogue and every manifest: the inputs that, when unusable, stop the run.
fn read_inputs(cfg: &Config, root: &Path) -> anyhow::Result<(Catalogue, Vec<Manifest>)> {
    let catalogue =
        Catalogue::read(&cfg.catalogue, &cfg.profile.catalogue, &cfg.catalogue_options)?;
    if cfg.progress {
        for note in &catalogue.notes {
            eprintln!("vouch: note: {}", crate::output::terminal(note));
        }
    }
    let manifests = cfg
        .manifests
        .iter()
        .map(|m| Manifest::read(m, root, cfg.manifest_options()))
        .collect::<anyhow::Result<Vec<_>>>()?;
    if cfg.progress {
        announce(&catalogue, &manifests);
    }
    Ok((catalogue, manifests))
}

/// Names the inputs as read, before the first file of the delivery is (on a real drive,
/// hours before the summary): the user sees at once that the right catalogue, encoding
/// and manifests were picked up.
fn announce(catalogue: &Catalogue, manifests: &[Manifest]) {
    let encoding: String = catalogue.encoding.into();
    let records = catalogue.records.len();
    let path = crate::output::terminal_path(&catalogue.path);
    eprintln!("vouch: catalogue {path} ({encoding}, {records} records)");
    for m in manifests {
        let algs: Vec<&str> = m.algorithms().iter().map(|a| a.name()).collect();
        let (path, format, n) =
            (crate::output::terminal_path(&m.path), m.format.name(), m.entries.len());
        eprintln!("vouch: manifest  {path} ({format}, {}, {n} entries)", algs.join(", "));
        if let Some(note) = &m.note {
            eprintln!("vouch: note: manifest '{path}': {}", crate::output::terminal(note));
        }
    }
    if manifests.is_empty() {
        eprintln!("vouch: no vendor manifest (-m): integrity against the vendor is not checked");
    }
}

/// vouch's own input files that sit inside the delivery: not part of what is judged.
fn inputs_inside(root: &Path, cfg: &Config) -> BTreeSet<RelPath> {
    std::iter::once(&cfg.catalogue)
        .chain(&cfg.catalogue_options.items)
        .chain(&cfg.manifests)
        .filter_map(|p| std::fs::canonicalize(p).ok())
        .filter_map(|p| p.strip_prefix(root).ok().map(RelPath::new))
        .collect()
}

/// Entries the walker thread lists and hands over at a time (and may list ahead of the
/// inspection, one batch queued and one being filled).
const WALK_BATCH: usize = 256;

/// Entries below one top-level entry as the walker thread sends them: the top-level
/// entry's index, and the entry classified (or a place that could not be listed).
type Walked = (usize, Result<Planned, walk::WalkError>);

/// Streams the delivery through inspection into the judge: a walker thread lists and
/// classifies the entries (one top-level entry at a time) into a bounded queue; they are
/// taken in chunks, each chunk's regular files inspected in parallel (each read once;
/// files the journal holds unchanged are not read again), and handed on in walk order.
/// Memory holds a chunk, never the delivery. Returns whether the whole delivery was
/// listed (not when Ctrl-C stopped the walk).
///
/// By default each of the `--jobs` workers reads and decodes its own files. With
/// `--io-threads N`, N readers read each chunk's files (one: strictly in on-disk order)
/// into a queue the workers decode from: see [`read_ahead`].
fn inspect_all(
    root: &Path,
    (top, catalogue, inputs, mine): (&plan::Top, &Catalogue, &BTreeSet<RelPath>, Option<&[bool]>),
    cfg: &Config,
    algorithms: &BTreeSet<Algorithm>,
    (journal, previous, spool, safety): (
        Option<&journal::Writer>,
        &journal::Previous,
        Option<&thumbs::Spool>,
        &crate::safety::Safety,
    ),
    stream: &mut stream::Stream,
) -> anyhow::Result<bool> {
    let bar = crate::progress::Progress::new(cfg.progress);
    if !bar.is_hidden() {
        count_for(&bar, root, (top, mine), &cfg.profile);
    }
    let inspector = Inspector { cfg, algorithms, journal, spool, bar: &bar, safety };
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(cfg.jobs)
        .build()
        .context("starting worker threads")?;
    // Small enough that walk, chunk and judge buffers stay well under a megabyte (the
    // 1,000 vs 1,000,000 files measure of BENCHMARKS.md), large enough that the workers
    // wait at a chunk's end for well under 1% of the time; longer with `--io-threads`,
    // which gives a single reader a longer run to sort into on-disk order.
    let chunk_len = if cfg.io_threads.is_some() { 4096 } else { WALK_BATCH };
    // Batches, not entries: a hand-over per entry would cost a context switch per file.
    let (tx, rx) = std::sync::mpsc::sync_channel::<Vec<Walked>>(1);
    let given = (catalogue, &cfg.profile, inputs);
    let listed = std::thread::scope(|s| {
        let walker = s.spawn(move || walk_into(root, (top, mine), given, &tx));
        // Owned by this closure, not borrowed: on an error (a full disk) it is dropped as
        // the closure returns, before the scope joins the walker, so a walker blocked on
        // `send` wakes and stops instead of hanging the run forever (issue #17).
        let rx = rx;
        while let Ok(mut chunk) = rx.recv() {
            while chunk.len() < chunk_len {
                let Ok(more) = rx.recv() else { break };
                chunk.extend(more);
            }
            let facts = inspect_chunk(root, &chunk, &inspector, previous, &pool)?;
            for ((t, next), facts) in chunk.into_iter().zip(facts) {
                match next {
                    Ok(planned) => stream.push(t, planned, facts)?,
                    Err(e) => stream.error(t, e)?,
                }
            }
        }
        anyhow::Ok(walker.join().unwrap_or(false))
    })?;
    bar.finish();
    Ok(listed)
}

/// The walker thread: lists and classifies every entry, one top-level entry at a time,
/// and sends them on in batches of [`WALK_BATCH`]. Returns whether it listed everything:
/// on Ctrl-C it stops at the next top-level entry, so an interrupted check ends promptly
/// instead of first listing the rest of a slow drive.
fn walk_into(
    root: &Path,
    (top, mine): (&plan::Top, Option<&[bool]>),
    given: (&Catalogue, &Profile, &BTreeSet<RelPath>),
    tx: &std::sync::mpsc::SyncSender<Vec<Walked>>,
) -> bool {
    let mut batch = Vec::with_capacity(WALK_BATCH);
    // The receiver is gone when the check stopped on an error: stop listing too.
    let mut gone = false;
    for t in 0..top.entries.len() {
        if crate::interrupt::requested() || gone {
            let _ = tx.send(batch);
            return false;
        }
        if mine.is_some_and(|m| !m[t]) {
            continue;
        }
        plan::stream(root, (top, t), given, |next| {
            batch.push((t, next));
            if batch.len() == WALK_BATCH {
                let full = std::mem::replace(&mut batch, Vec::with_capacity(WALK_BATCH));
                gone |= tx.send(full).is_err();
            }
        });
    }
    let _ = tx.send(batch);
    true
}

/// Grows the progress bar's totals by every regular file below the delivery's top level
/// and its bytes, from a thread of its own (a second, stat-only walk, mostly from the
/// cache): the check itself never holds the whole listing.
fn count_for(
    bar: &crate::progress::Progress,
    root: &Path,
    (top, mine): (&plan::Top, Option<&[bool]>),
    profile: &Profile,
) {
    let (bar, root) = (bar.clone(), root.to_path_buf());
    // A shard counts its own entries only.
    let entries: Vec<walk::Entry> = (top.entries.iter().enumerate())
        .filter(|(t, _)| mine.is_none_or(|m| m[*t]))
        .map(|(_, e)| e.entry.clone())
        .collect();
    let junk = profile.layout.junk.clone();
    std::thread::spawn(move || {
        let descend = |n: &std::ffi::OsStr| !crate::profile::is_junk(&junk, n);
        for e in &entries {
            if e.kind == walk::Kind::File {
                bar.listed(e.size);
            }
            walk::below(&root, e, &descend, |next| {
                if let Some(e) = next.ok().filter(|e| e.kind == walk::Kind::File) {
                    bar.listed(e.size);
                }
            });
        }
    });
}
