//! `vouch merge`: the parts of a sharded check joined into the bundle one run writes
//! (issue #21).
//!
//! The parts are checked before anything is joined: each part's hash list (and, with
//! `--public-key`, its signature); one shard count; every shard once; the same inputs
//! (vouch version, profile, catalogue, item list, manifests, delivery root and its top
//! level, options) in every part, re-read here and found unchanged. Anything else is an
//! error naming the part (exit 2): a report joined from mismatched parts would vouch for
//! a delivery no one checked. With `--allow-partial`, missing shards give an `incomplete`
//! report that names them instead.
//!
//! Then the parts are replayed through the same judge and report builder as a single
//! run: the findings and manifest state of every shard go into [`rules::Judge`], whose
//! `finish` judges the delivery as a whole (records never delivered, manifest entries
//! never seen, duplicate ids, item ranges); `files[]`, the contact-sheet candidates and
//! the accepted manifests are interleaved back into walk order by their top-level entry
//! (a k-way merge of streams, memory flat in the number of files).

use super::part::{self, Header};
use super::{shard, stream};
use crate::bundle::{Attachment, AttachmentWriter};
use crate::catalogue::{self, Catalogue};
use crate::delivery::plan::{self, Plan};
use crate::delivery::relpath::RelPath;
use crate::digest::Algorithm;
use crate::finding::Finding;
use crate::inspect::facts::FileFacts;
use crate::manifest::{self, Manifest};
use crate::profile::Profile;
use crate::report::model::{Report, SamplePage, ShardRun, Verdict};
use crate::report::{self, RunInfo, tally::Tally};
use anyhow::{Context as _, bail};
use clap::ValueEnum as _;
use std::collections::{BTreeMap, BTreeSet};
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::time::Instant;

/// A validated `merge` invocation.
pub struct Config {
    /// The part folders (each a shard's `--out`).
    pub parts: Vec<PathBuf>,
    /// The report folder to write (prepared: exists, writable, outside the delivery).
    pub out: Option<PathBuf>,
    /// Keys every part must be signed with.
    pub public_keys: Vec<PathBuf>,
    /// Join what is there when shards are missing: the verdict is then `incomplete`.
    pub allow_partial: bool,
    /// The language of the merged report (`--lang`), else the profile's or the locale's.
    pub lang: Option<crate::finding::Lang>,
}

/// What the merge produced.
pub struct Merged {
    /// The report of the whole delivery.
    pub report: Report,
    /// The accepted manifests.
    pub accepted: Vec<Attachment>,
    /// The parts' thumbnail spools, for the contact sheet.
    pub thumbs: Vec<PathBuf>,
    /// `--depth quick` was used.
    pub quick: bool,
}

/// One part, checked.
struct Part {
    dir: PathBuf,
    header: Header,
}

impl Part {
    fn name(&self) -> String {
        format!("shard {} ('{}')", self.header.part.shard, self.dir.display())
    }
}

/// The delivery root the first part names (the report folder must lie outside it).
pub fn delivery_root(parts: &[PathBuf]) -> anyhow::Result<PathBuf> {
    let first = parts.first().context("give the part folders to merge")?;
    Ok(PathBuf::from(&part::read_header(first)?.part.inputs.root))
}

/// Joins the parts.
pub fn run(cfg: &Config) -> anyhow::Result<Merged> {
    let started = Instant::now();
    let parts = read_parts(cfg)?;
    let (parts, missing) = select(parts, cfg.allow_partial)?;
    let inputs = parts[0].header.part.inputs.clone();
    let mut loaded = load_inputs(&inputs)?;
    if let Some(lang) = cfg.lang {
        loaded.profile.lang = lang;
    }
    let Loaded { profile, catalogue, manifests, root, top } = &loaded;
    let count = parts[0].header.part.shard.count;
    if shard::digest(&shard::assign(catalogue, count)) != inputs.assignment_sha256 {
        bail!(
            "the parts assign records to shards differently than this vouch does from the \
             catalogue (overlapping shards): check every shard with the same vouch and catalogue"
        );
    }
    let given = stream::Inputs { profile, catalogue, manifests, root, top };
    let whole = Plan { walk_errors: top.errors.clone(), ..Plan::default() };
    let ctx = given.context(&whole, &[]);
    let seed = report::sample_seed(&ctx, inputs.sample_seed);
    let (judge, tally, summary) = absorb(&parts, &given)?;
    let out_dir = cfg.out.as_deref();
    let spool_dir = out_dir.map_or_else(std::env::temp_dir, Path::to_path_buf);
    let algorithms = accepted_algorithms(&inputs)?;
    let streams =
        interleave(&parts, (&spool_dir, out_dir), &algorithms, (profile.sample_rate, seed.0))?;
    let partial = !missing.is_empty();
    let mut findings = judge.finish(&ctx, partial);
    findings.extend(crate::safety::unscanned(profile, summary.scanned));
    crate::finding::sort(&mut findings);
    let (run, depth) = run_info(&parts, &inputs, started)?;
    let checked = tally.checked.clone();
    let built = report::Streamed {
        findings,
        tally,
        files: streams.files,
        sample: report::Drawn::new(seed, streams.sample),
    };
    let mut report = report::build(&ctx, built, run);
    report.volume = crate::delivery::volume::of(root);
    report.safety = Some(summary);
    report.shards = Some(parts.iter().map(|p| p.header.part.run.clone()).collect());
    let thumbs = parts.iter().map(|p| p.dir.join(crate::report::thumbs::FILE_NAME)).collect();
    let mut accepted = streams.accepted;
    if partial {
        report.verdict = Verdict::Incomplete;
        report::mark_not_checked(&mut report, &checked);
        report.incomplete = Some(without(&missing, count));
        accepted.clear();
    }
    Ok(Merged { report, accepted, thumbs, quick: depth == crate::inspect::Depth::Quick })
}

/// The run record of the merged report: the earliest shard's start, the first part's
/// operator, and (as `seconds`) the critical path when the shards ran side by side: the
/// slowest shard, then the merge.
fn run_info(
    parts: &[Part],
    inputs: &part::Inputs,
    started: Instant,
) -> anyhow::Result<(RunInfo, crate::inspect::Depth)> {
    let runs: Vec<&ShardRun> = parts.iter().map(|p| &p.header.part.run).collect();
    let depth = crate::inspect::Depth::from_str(&inputs.depth, true).map_err(anyhow::Error::msg)?;
    let run = RunInfo {
        time: runs.iter().map(|r| r.start.clone()).min().unwrap_or_default(),
        operator: parts[0].header.part.operator.clone(),
        delivery: inputs.delivery.clone(),
        seconds: runs.iter().map(|r| r.seconds).fold(0.0, f64::max)
            + started.elapsed().as_secs_f64(),
        sample_seed: inputs.sample_seed,
        depth,
    };
    Ok((run, depth))
}

/// Why a merge with `--allow-partial` is incomplete.
fn without(missing: &[u32], count: u32) -> String {
    format!(
        "merged without shard{} {} of {count} (--allow-partial): their records were not checked",
        if missing.len() == 1 { "" } else { "s" },
        missing.iter().map(|m| format!("{m}/{count}")).collect::<Vec<_>>().join(", ")
    )
}

/// Reads every part's header and checks its hash list and, with keys, its signatures.
fn read_parts(cfg: &Config) -> anyhow::Result<Vec<Part>> {
    if cfg.parts.is_empty() {
        bail!("give the part folders to merge (each the --out of a `vouch check --shard K/N`)");
    }
    let mut parts = Vec::new();
    for dir in &cfg.parts {
        let header = part::read_header(dir)?;
        if header.vouch_part != part::FORMAT {
            bail!(
                "'{}' is a part of format {}, this vouch reads {}",
                dir.display(),
                header.vouch_part,
                part::FORMAT
            );
        }
        let p = Part { dir: dir.clone(), header };
        let keys = &cfg.public_keys;
        let outcome = crate::bundle::verify::verify(dir, keys, keys.is_empty())?;
        if !outcome.is_valid() {
            let failed: Vec<String> = outcome
                .checks
                .iter()
                .filter(|c| !c.ok)
                .map(|c| format!("{}: {}", c.name, c.detail))
                .collect();
            let what =
                if keys.is_empty() { "its hash list" } else { "its hash list or signatures" };
            bail!("{} does not verify against {what}: {}", p.name(), failed.join("; "));
        }
        parts.push(p);
    }
    Ok(parts)
}

/// The parts to join, in shard order, and the shards missing (empty unless
/// `allow_partial`). Refuses mismatched, duplicated, unfinished or missing shards.
fn select(parts: Vec<Part>, allow_partial: bool) -> anyhow::Result<(Vec<Part>, Vec<u32>)> {
    let first = &parts[0];
    let count = first.header.part.shard.count;
    for p in &parts[1..] {
        if p.header.part.shard.count != count {
            bail!(
                "{} is one of {} shards, {} one of {count}",
                p.name(),
                p.header.part.shard.count,
                first.name()
            );
        }
        if let Some(field) = differs(&first.header.part.inputs, &p.header.part.inputs) {
            bail!(
                "{} was made from other inputs than {} ({field} differ): merge only the parts \
                 of one check",
                p.name(),
                first.name()
            );
        }
    }
    let mut by_shard: BTreeMap<u32, Part> = BTreeMap::new();
    for p in parts {
        let k = p.header.part.shard.index;
        if let Some(other) = by_shard.get(&k) {
            bail!(
                "shard {k}/{count} is given twice: '{}' and '{}'",
                other.dir.display(),
                p.dir.display()
            );
        }
        if !p.header.part.complete && !allow_partial {
            bail!(
                "{} was interrupted: run that shard again (it resumes), or --allow-partial",
                p.name()
            );
        }
        if p.header.part.complete {
            by_shard.insert(k, p);
        }
    }
    let missing: Vec<u32> = (0..count).filter(|k| !by_shard.contains_key(k)).collect();
    if !missing.is_empty() && !allow_partial {
        let names: Vec<String> = missing.iter().map(|k| format!("{k}/{count}")).collect();
        bail!(
            "shard{} {} {} missing: give every part, or --allow-partial for an incomplete \
             report",
            if names.len() == 1 { "" } else { "s" },
            names.join(", "),
            if names.len() == 1 { "is" } else { "are" },
        );
    }
    if by_shard.is_empty() {
        bail!("no complete part to merge");
    }
    Ok((by_shard.into_values().collect(), missing))
}

/// The first input two parts disagree on, named for the message.
fn differs(a: &part::Inputs, b: &part::Inputs) -> Option<&'static str> {
    let fields: [(&str, bool); 13] = [
        ("vouch versions", a.version == b.version),
        ("delivery roots", a.root == b.root && a.delivery == b.delivery),
        ("delivery top levels", a.top_sha256 == b.top_sha256),
        ("catalogues", a.catalogue.1 == b.catalogue.1),
        ("item lists", a.items.as_ref().map(|i| &i.1) == b.items.as_ref().map(|i| &i.1)),
        ("catalogue sheets", a.sheets == b.sheets),
        ("profiles", a.profile.1 == b.profile.1),
        ("manifests", a.manifests.iter().map(|m| &m.1).eq(b.manifests.iter().map(|m| &m.1))),
        ("manifest options", a.manifest_options == b.manifest_options),
        ("accepted algorithms", a.accepted == b.accepted),
        ("depths", a.depth == b.depth),
        ("sample seeds and clamd", a.sample_seed == b.sample_seed && a.clamd == b.clamd),
        ("record assignments", a.assignment_sha256 == b.assignment_sha256),
    ];
    // Paths as given (`as_given`) may differ: each shard may run from its own folder.
    fields.iter().find(|(_, same)| !same).map(|(name, _)| *name)
}

/// The inputs, re-read.
struct Loaded {
    profile: Profile,
    catalogue: Catalogue,
    manifests: Vec<Manifest>,
    root: PathBuf,
    top: plan::Top,
}

/// Re-reads the inputs the parts name and checks they are unchanged.
fn load_inputs(i: &part::Inputs) -> anyhow::Result<Loaded> {
    let changed = |what: &str, path: &str| {
        anyhow::anyhow!("the {what} '{path}' changed since the shards read it: check again")
    };
    let profile = Profile::load(&i.profile.0)?;
    if profile.effective_sha256 != i.profile.1 {
        return Err(changed("profile", &i.profile.0));
    }
    let root = std::fs::canonicalize(&i.root)
        .with_context(|| format!("opening the delivery '{}' the parts checked", i.root))?;
    let options = catalogue::Options {
        sheet: i.sheets.0.clone(),
        items: i.items.as_ref().map(|(p, _)| PathBuf::from(p)),
        items_sheet: i.sheets.1.clone(),
    };
    let catalogue = Catalogue::read(Path::new(&i.catalogue.0), &profile.catalogue, &options)?;
    if catalogue.sha256 != i.catalogue.1 {
        return Err(changed("catalogue", &i.catalogue.0));
    }
    if catalogue.items.as_ref().map(|l| &l.sha256) != i.items.as_ref().map(|l| &l.1) {
        return Err(changed("item list", i.items.as_ref().map_or("", |l| &l.0)));
    }
    let (base, format, algorithm) = &i.manifest_options;
    let base = base.as_ref().map(PathBuf::from);
    let opts = manifest::Options {
        base: base.as_deref(),
        format: format
            .as_deref()
            .map(|f| manifest::Format::from_str(f, true))
            .transpose()
            .map_err(anyhow::Error::msg)?,
        algorithm: algorithm
            .as_deref()
            .map(|a| Algorithm::from_str(a, true))
            .transpose()
            .map_err(anyhow::Error::msg)?,
    };
    let mut manifests = Vec::new();
    for (path, sha) in &i.manifests {
        let m = Manifest::read(Path::new(path), &root, opts)?;
        if &m.sha256 != sha {
            return Err(changed("manifest", path));
        }
        manifests.push(m);
    }
    let inside: BTreeSet<RelPath> = std::iter::once(&i.catalogue.0)
        .chain(i.items.iter().map(|l| &l.0))
        .chain(i.manifests.iter().map(|m| &m.0))
        .filter_map(|p| std::fs::canonicalize(p).ok())
        .filter_map(|p| p.strip_prefix(&root).ok().map(RelPath::new))
        .collect();
    let top = plan::top(crate::delivery::walk::top(&root), &catalogue, &profile, &inside);
    if shard::top_digest(&top) != i.top_sha256 {
        bail!(
            "the top level of the delivery '{}' changed since the shards listed it: check again",
            root.display()
        );
    }
    // The report names the inputs as the shards were given them, as a single run does.
    let (origin, cat, items, given) = &i.as_given;
    let mut profile = profile;
    profile.origin.clone_from(origin);
    let mut catalogue = catalogue;
    catalogue.path = PathBuf::from(cat);
    if let (Some(list), Some(path)) = (catalogue.items.as_mut(), items) {
        list.path = PathBuf::from(path);
    }
    for (m, path) in manifests.iter_mut().zip(given) {
        m.path = PathBuf::from(path);
    }
    Ok(Loaded { profile, catalogue, manifests, root, top })
}

fn rules_for<'a>(given: &stream::Inputs<'a>) -> crate::rules::Judge<'a> {
    crate::rules::Judge::new(given.profile, given.manifests, given.root)
}

/// Every part's findings, manifest state, counts and safety summary, joined.
fn absorb<'a>(
    parts: &[Part],
    given: &stream::Inputs<'a>,
) -> anyhow::Result<(crate::rules::Judge<'a>, Tally, crate::safety::Summary)> {
    let mut judge = rules_for(given);
    let n = given.catalogue.records.len();
    let mut tally =
        Tally { delivered: vec![Some(0); n], checked: vec![false; n], ..Tally::default() };
    // Where a case twin comes in walk order: its top-level entry's index.
    let tops: BTreeMap<String, usize> =
        given.top.entries.iter().enumerate().map(|(t, e)| (e.entry.rel.escaped(), t)).collect();
    let t_of = |p: &str| tops.get(p.split('/').next().unwrap_or(p)).copied().unwrap_or(usize::MAX);
    let keep = |old: &str, new: &str| t_of(old) <= t_of(new);
    let mut summary: Option<crate::safety::Summary> = None;
    for p in parts {
        let h = &p.header.part;
        let findings: Vec<Finding> =
            part::lines(&p.dir.join(part::FINDINGS))?.collect::<anyhow::Result<_>>()?;
        judge.absorb(findings, &h.hashes, &keep);
        let (files, bytes, inspected, missed) = h.tally;
        tally.files += files;
        tally.bytes = tally.bytes.saturating_add(bytes);
        tally.inspected += inspected;
        tally.missed += missed;
        for &(r, delivered, checked) in &h.records {
            let (Some(d), Some(c)) = (tally.delivered.get_mut(r), tally.checked.get_mut(r)) else {
                bail!("{} names record {r}, which the catalogue does not have", p.name());
            };
            (*d, *c) = (delivered, checked);
        }
        summary = Some(match summary {
            None => h.safety.clone(),
            Some(mut s) => {
                s.files_scanned += h.safety.files_scanned;
                s.bytes_scanned += h.safety.bytes_scanned;
                s.files_not_scanned += h.safety.files_not_scanned;
                s
            }
        });
    }
    Ok((judge, tally, summary.unwrap_or_default()))
}

fn accepted_algorithms(i: &part::Inputs) -> anyhow::Result<Vec<Algorithm>> {
    i.accepted.iter().map(|a| Algorithm::from_str(a, true).map_err(anyhow::Error::msg)).collect()
}

/// The parts' streams joined in walk order.
struct Streams {
    files: crate::report::model::Files,
    sample: (u64, crate::report::spool::Spooled<SamplePage>),
    accepted: Vec<Attachment>,
}

/// Interleaves the parts' `files[]`, sample candidates and accepted-manifest lines back
/// into walk order: spooled in `spool_dir`, the accepted manifests written into the report
/// folder (when there is one).
fn interleave(
    parts: &[Part],
    (spool_dir, out): (&Path, Option<&Path>),
    algorithms: &[Algorithm],
    (rate, seed): (f64, u64),
) -> anyhow::Result<Streams> {
    let mut files = crate::report::spool::Writer::<FileFacts>::new(spool_dir)?;
    let each = parts.iter().map(|p| part::lines::<(usize, FileFacts)>(&p.dir.join(part::FILES)));
    kmerge(each.collect::<anyhow::Result<_>>()?, |f| files.push(&f))?;
    let mut draw = crate::report::sample::Draw::new(rate, seed, spool_dir)?;
    let each = parts.iter().map(|p| part::lines::<(usize, SamplePage)>(&p.dir.join(part::SAMPLE)));
    kmerge(each.collect::<anyhow::Result<_>>()?, |page| draw.offer(page))?;
    let mut accepted = Vec::new();
    for &alg in algorithms.iter().filter(|_| out.is_some()) {
        let dir = out.context("a report folder")?;
        let mut w = AttachmentWriter::create(dir, &format!("accepted-manifest-{alg}.txt"))?;
        let each =
            parts.iter().map(|p| part::accepted_lines(&p.dir.join(part::accepted_name(alg))));
        kmerge(each.collect::<anyhow::Result<_>>()?, |line| Ok(w.write_all(&line)?))?;
        accepted.push(w.finish()?);
    }
    Ok(Streams { files: files.finish()?, sample: draw.finish()?, accepted })
}

/// Merges streams of values tagged with their top-level entry, each in walk order, into
/// one in walk order. A top-level entry is in one shard only, so the order is exact.
fn kmerge<T, I: Iterator<Item = anyhow::Result<(usize, T)>>>(
    mut streams: Vec<I>,
    mut each: impl FnMut(T) -> anyhow::Result<()>,
) -> anyhow::Result<()> {
    use std::cmp::Reverse;
    let mut heads: Vec<Option<T>> = Vec::with_capacity(streams.len());
    let mut heap = std::collections::BinaryHeap::new();
    for (i, s) in streams.iter_mut().enumerate() {
        match s.next().transpose()? {
            Some((t, v)) => {
                heap.push(Reverse((t, i)));
                heads.push(Some(v));
            }
            None => heads.push(None),
        }
    }
    while let Some(Reverse((_, i))) = heap.pop() {
        if let Some(v) = heads[i].take() {
            each(v)?;
        }
        if let Some((t, v)) = streams[i].next().transpose()? {
            heap.push(Reverse((t, i)));
            heads[i] = Some(v);
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kmerge_restores_walk_order() {
        let a = vec![(0, "a0"), (0, "a0b"), (3, "a3")];
        let b = vec![(1, "b1"), (2, "b2"), (4, "b4"), (4, "b4b")];
        let streams = vec![a.into_iter().map(Ok), b.into_iter().map(Ok)];
        let mut got = Vec::new();
        kmerge(streams, |v| {
            got.push(v);
            Ok(())
        })
        .unwrap();
        assert_eq!(got, ["a0", "a0b", "b1", "b2", "a3", "b4", "b4b"]);
    }
}
