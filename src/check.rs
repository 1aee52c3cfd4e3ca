//! `vouch check`: the acceptance pipeline from catalogue to verdict.
//!
//! Reads as the pipeline of DESIGN.md: catalogue and manifests, walk, plan, inspect (in
//! parallel, each file read once), rules, report. Every per-file problem becomes a
//! finding; only setup problems (profile, catalogue, manifest, arguments) return `Err`.

use crate::catalogue::{self, Catalogue};
use crate::digest::Algorithm;
use crate::facts::Inspection;
use crate::fixity::{self, Hashed};
use crate::inspect::{self, InspectOptions};
use crate::journal;
use crate::manifest::{self, Manifest};
use crate::plan::{self, Plan};
use crate::profile::Profile;
use crate::relpath::RelPath;
use crate::report::{self, RunInfo, bundle::Attachment, model::Report, model::Verdict};
use crate::rules::{self, Context};
use crate::thumbs;
use crate::walk;
use anyhow::Context as _;
use rayon::prelude::*;
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
    /// Worker threads.
    pub jobs: usize,
    /// Full decode of page files, or headers only (`--depth`).
    pub depth: inspect::Depth,
    /// Who runs the check.
    pub operator: String,
    /// Show a progress bar (if stderr is a terminal).
    pub progress: bool,
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

/// Runs the whole check and returns the report.
pub fn run(cfg: &Config) -> anyhow::Result<Checked> {
    let started = Instant::now();
    let time = jiff::Timestamp::now().strftime("%Y-%m-%dT%H:%M:%SZ").to_string();
    let root = std::fs::canonicalize(&cfg.delivery)
        .with_context(|| format!("opening delivery '{}'", cfg.delivery.display()))?;
    if !root.is_dir() {
        anyhow::bail!("delivery '{}' is not a folder", cfg.delivery.display());
    }
    let (catalogue, manifests) = read_inputs(cfg, &root)?;
    let inputs = inputs_inside(&root, cfg);
    let listing = walk::walk(&root, |name| !cfg.profile.is_junk(name));
    let plan = plan::build(listing, &catalogue, &cfg.profile, &inputs);
    let algorithms: BTreeSet<Algorithm> = manifests
        .iter()
        .flat_map(|m| m.algorithms())
        .chain(cfg.accepted_algorithms.iter().copied())
        .collect();
    let (journal, previous) = match &cfg.journal {
        Some(path) => {
            let fp = fingerprint(cfg, &catalogue, &algorithms);
            let (w, p) = journal::open(path, &fp, cfg.resume)?;
            (Some(w), p)
        }
        None => (None, journal::Previous::default()),
    };
    if cfg.resume && cfg.progress {
        eprintln!("vouch: resuming: {} files already inspected", previous.len());
    }
    let spool = cfg.journal.as_ref().map(|j| j.with_file_name(thumbs::FILE_NAME));
    let spool = spool.map(|p| thumbs::Spool::open(&p, cfg.resume)).transpose()?;
    let progress = (journal.as_ref(), &previous, spool.as_ref());
    let facts = inspect_all(&root, &plan, cfg, &algorithms, progress)?;
    let ctx = Context {
        profile: &cfg.profile,
        catalogue: &catalogue,
        plan: &plan,
        facts: &facts,
        manifests: &manifests,
        root: &root,
    };
    let findings = rules::evaluate(&ctx);
    let run = RunInfo {
        time,
        operator: cfg.operator.clone(),
        delivery: cfg.delivery.display().to_string(),
        seconds: started.elapsed().as_secs_f64(),
        sample_seed: cfg.sample_seed,
        depth: cfg.depth,
    };
    let report = report::build(&ctx, findings, run);
    let checked = conclude(report, &plan, &facts, &cfg.accepted_algorithms, journal)?;
    Ok(Checked { thumbs: spool, ..checked })
}

/// Marks a run cut short as `incomplete`, or renders the accepted manifests of a
/// complete one.
fn conclude(
    mut report: Report,
    plan: &Plan,
    facts: &[Option<Inspection>],
    algorithms: &[Algorithm],
    journal: Option<journal::Writer>,
) -> anyhow::Result<Checked> {
    let inspected = plan.items.iter().filter(|i| i.is_inspected()).count();
    let missed = plan.items.iter().zip(facts).filter(|(i, f)| i.is_inspected() && f.is_none());
    let missed = missed.count();
    if missed > 0 {
        // Fail closed: a run cut short vouches for nothing, and writes no accepted
        // manifest (a partial one would later pass for the reference). The journal
        // stays, for --resume.
        report.verdict = Verdict::Incomplete;
        report.incomplete =
            Some(format!("interrupted: {missed} of {inspected} files were not inspected"));
        return Ok(Checked { report, accepted: Vec::new(), journal: None, thumbs: None });
    }
    let accepted = algorithms
        .iter()
        .map(|&alg| {
            Ok((format!("accepted-manifest-{alg}.txt"), accepted_manifest(plan, facts, alg)?))
        })
        .collect::<anyhow::Result<_>>()?;
    Ok(Checked { report, accepted, journal, thumbs: None })
}

/// What shapes the facts of a file: a journal written under another fingerprint cannot
/// be resumed from.
fn fingerprint(cfg: &Config, catalogue: &Catalogue, algorithms: &BTreeSet<Algorithm>) -> String {
    let algs: Vec<&str> = algorithms.iter().map(|a| a.name()).collect();
    let items = catalogue.items.as_ref().map_or("", |i| i.sha256.as_str());
    let text = format!(
        "vouch {}\nprofile {}\ncatalogue {}\nitems {items}\nalgorithms {}\ndepth {:?}",
        env!("CARGO_PKG_VERSION"),
        cfg.profile.sha256,
        catalogue.sha256,
        algs.join(","),
        cfg.depth
    );
    crate::digest::digest_all(text.as_bytes(), &[Algorithm::Sha256])[&Algorithm::Sha256].clone()
}

/// Reads the catalogue and every manifest: the inputs that, when unusable, stop the run.
fn read_inputs(cfg: &Config, root: &Path) -> anyhow::Result<(Catalogue, Vec<Manifest>)> {
    let catalogue =
        Catalogue::read(&cfg.catalogue, &cfg.profile.catalogue, &cfg.catalogue_options)?;
    if cfg.progress {
        for note in &catalogue.notes {
            eprintln!("vouch: note: {note}");
        }
    }
    let manifests = cfg
        .manifests
        .iter()
        .map(|m| Manifest::read(m, root, cfg.manifest_options()))
        .collect::<anyhow::Result<Vec<_>>>()?;
    Ok((catalogue, manifests))
}

/// The accepted manifest: every regular file judged (junk and vouch's own inputs left
/// out), with its digest from the one read, in `sha256sum -c` form relative to the
/// delivery root. A file that could not be read is left out: it has its own finding and
/// the delivery is not accepted.
fn accepted_manifest(
    plan: &Plan,
    facts: &[Option<Inspection>],
    alg: Algorithm,
) -> anyhow::Result<Vec<u8>> {
    let hashed: Vec<Hashed> = plan
        .items
        .iter()
        .zip(facts)
        .filter_map(|(item, f)| {
            let digest = f.as_ref()?.digests.get(&alg)?.clone();
            Some(Hashed { rel: item.rel.clone(), digest: Ok(digest) })
        })
        .collect();
    fixity::render(&hashed, fixity::WriteFormat::Coreutils)
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

/// Inspects every regular file of the plan in parallel, each read once; files the journal
/// already holds unchanged are not read again. The result has one slot per plan item,
/// `None` where the item is not inspected (or the run was interrupted first).
fn inspect_all(
    root: &Path,
    plan: &Plan,
    cfg: &Config,
    algorithms: &BTreeSet<Algorithm>,
    (journal, previous, spool): (
        Option<&journal::Writer>,
        &journal::Previous,
        Option<&thumbs::Spool>,
    ),
) -> anyhow::Result<Vec<Option<Inspection>>> {
    let total: u64 = plan.items.iter().filter(|i| i.is_inspected()).map(|i| i.size).sum();
    let bar = crate::progress::bar(total, cfg.progress);
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(cfg.jobs)
        .build()
        .context("starting worker threads")?;
    let facts = pool.install(|| {
        plan.items
            .par_iter()
            .map(|item| {
                if !item.is_inspected() || crate::interrupt::requested() {
                    return None;
                }
                let opts = InspectOptions {
                    decode: item.is_page_file(),
                    algorithms: algorithms.iter().copied().collect(),
                    depth: cfg.depth,
                    reduced: cfg.depth == inspect::Depth::Full,
                    ..cfg.profile.inspect_options()
                };
                if let Some(done) = previous.get(&item.rel, item.size, item.mtime_ns) {
                    bar.inc(item.size);
                    return Some(done.clone());
                }
                let mut facts = inspect::inspect_file(&root.join(item.rel.as_path()), &opts);
                // Reduced page images become thumbnails, spooled before the journal records
                // the file; never kept with the facts.
                thumbs::spool(spool, &item.rel, &mut facts);
                if let Some(j) = journal {
                    j.record(&item.rel, item.size, item.mtime_ns, &facts);
                }
                bar.inc(item.size);
                Some(facts)
            })
            .collect()
    });
    bar.finish_and_clear();
    Ok(facts)
}
