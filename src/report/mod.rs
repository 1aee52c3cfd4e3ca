//! Report: turn the run's findings into one model and render it (DESIGN.md "Report").
//!
//! The JSON rendering is canonical; the terminal summary is for people. Renderers are
//! pure functions returning bytes (STYLE.md habit 14); writing them out, atomically, is
//! [`crate::output`]'s job.

pub mod csv;
pub mod html;
pub mod human;
pub mod json;
pub mod junit;
pub mod markup;
pub mod model;
pub mod rounds;
pub mod sample;
pub mod spool;
pub mod tally;
pub mod thumbs;

use crate::finding::{Finding, Severity};
use crate::rules::Context;
use model::{InputRef, ProfileRef, RecordRow, Report, Sample, SamplePage, Tool, Totals, Verdict};
use std::collections::BTreeMap;

/// Facts about the run that are not in the rules' context.
pub struct RunInfo {
    /// Start time, RFC 3339.
    pub time: String,
    /// Who ran it.
    pub operator: String,
    /// The delivery root as given.
    pub delivery: String,
    /// Wall-clock seconds.
    pub seconds: f64,
    /// Seed of the contact-sheet draw, when given (`--sample-seed`, e.g. drawn at the
    /// handover meeting); otherwise derived from the inputs.
    pub sample_seed: Option<u64>,
    /// How deep page files were checked.
    pub depth: crate::inspect::Depth,
}

/// What the streamed check produced, for [`build`].
pub struct Streamed {
    /// Every finding, in report order.
    pub findings: Vec<Finding>,
    /// The stream's counts.
    pub tally: tally::Tally,
    /// `files[]`.
    pub files: model::Files,
    /// The contact sheet's sample as drawn.
    pub sample: Drawn,
}

/// Builds the report of a run.
pub fn build(ctx: &Context, streamed: Streamed, run: RunInfo) -> Report {
    let Streamed { mut findings, tally, files, sample } = streamed;
    // One language throughout, also for findings journaled by a run in another (--resume).
    let lang = ctx.profile.lang;
    for f in findings.iter_mut() {
        if let Some(text) = &f.text {
            f.message = text.render(lang);
        }
    }
    let mut counts: BTreeMap<String, u64> = BTreeMap::new();
    for f in &findings {
        *counts.entry(f.rule.clone()).or_default() += 1;
    }
    let records = record_rows(ctx, &findings, &tally.delivered);
    let pages = records.iter().filter_map(|r| r.pages_delivered).sum();
    let Drawn { seed, seed_source, population, pages: drawn } = sample;
    Report {
        schema: model::SCHEMA,
        tool: Tool { name: "vouch".into(), version: env!("CARGO_PKG_VERSION").into() },
        time: run.time,
        operator: run.operator,
        delivery: run.delivery,
        lang,
        volume: None,
        profile: ProfileRef {
            name: ctx.profile.name.clone(),
            origin: ctx.profile.origin.clone(),
            sha256: ctx.profile.sha256.clone(),
            extends: ctx.profile.extends.clone(),
            effective_sha256: ctx.profile.effective_sha256.clone(),
        },
        catalogue: InputRef {
            path: ctx.catalogue.path.display().to_string(),
            sha256: ctx.catalogue.sha256.clone(),
            format: ctx.catalogue.encoding.into(),
            entries: ctx.catalogue.records.len() as u64,
            root: None,
            note: None,
        },
        items: ctx.catalogue.items.as_ref().map(|l| InputRef {
            path: l.path.display().to_string(),
            sha256: l.sha256.clone(),
            format: l.format.into(),
            entries: l.items.len() as u64,
            root: None,
            note: None,
        }),
        manifests: ctx
            .manifests
            .iter()
            .map(|m| InputRef {
                path: m.path.display().to_string(),
                sha256: m.sha256.clone(),
                format: {
                    let algs: Vec<_> = m.algorithms().iter().map(|a| a.name()).collect();
                    format!("{} ({})", m.format.name(), algs.join(", "))
                },
                entries: m.entries.len() as u64,
                root: Some(m.root.name()),
                note: m.note.clone(),
            })
            .collect(),
        verdict: Verdict::of(&findings),
        depth: run.depth,
        incomplete: None,
        totals: Totals {
            records: ctx.catalogue.records.len() as u64,
            files: tally.files,
            inspected: tally.inspected - tally.missed,
            pages,
            bytes: tally.bytes,
            seconds: (run.seconds * 1000.0).round() / 1000.0,
        },
        counts,
        records,
        sample: Sample {
            rate: ctx.profile.sample_rate,
            seed,
            seed_source,
            population,
            pages: drawn,
        },
        bundle: Vec::new(),
        round: None,
        fixed: None,
        safety: None,
        shards: None,
        findings,
        files,
    }
}

/// After an interrupted run: every delivered record the run did not list and inspect
/// whole is `not-checked` (never `ok`), its delivered page count unknown. `checked` holds
/// one flag per catalogue record, in catalogue order.
pub fn mark_not_checked(report: &mut Report, checked: &[bool]) {
    for (row, _) in
        report.records.iter_mut().zip(checked).filter(|(r, c)| !**c && r.status != "missing")
    {
        row.status = NOT_CHECKED.into();
        row.pages_delivered = None;
    }
}

/// The status of a record an interrupted run did not inspect whole.
pub const NOT_CHECKED: &str = "not-checked";

/// The contact sheet's sample as the check drew it.
pub struct Drawn {
    /// The seed of the draw.
    pub seed: u64,
    /// How the seed was chosen.
    pub seed_source: String,
    /// Page files the draw chose from.
    pub population: u64,
    /// The pages drawn.
    pub pages: crate::report::spool::Spooled<SamplePage>,
}

impl Drawn {
    /// The draw of `seed` (with how it was chosen) over `population` page files.
    pub fn new(
        (seed, seed_source): (u64, String),
        (population, pages): (u64, crate::report::spool::Spooled<SamplePage>),
    ) -> Drawn {
        Drawn { seed, seed_source, population, pages }
    }
}

/// The seed of the contact-sheet draw and how it was chosen: as given (`--sample-seed`),
/// else derived from the inputs' digests (see [`sample`]).
pub fn sample_seed(ctx: &Context, given: Option<u64>) -> (u64, String) {
    let digests = std::iter::once(ctx.profile.sha256.as_str())
        .chain(std::iter::once(ctx.catalogue.sha256.as_str()))
        .chain(ctx.manifests.iter().map(|m| m.sha256.as_str()));
    match given {
        Some(s) => (s, "given with --sample-seed".to_string()),
        None => (
            sample::seed_from_inputs(digests),
            "sha256 of the profile, catalogue and manifest digests".to_string(),
        ),
    }
}

fn record_rows(ctx: &Context, findings: &[Finding], delivered: &[Option<u64>]) -> Vec<RecordRow> {
    let mut worst: BTreeMap<&str, Severity> = BTreeMap::new();
    for f in findings {
        if let Some(r) = &f.record {
            let w = worst.entry(r).or_insert(f.severity);
            *w = (*w).min(f.severity);
        }
    }
    ctx.catalogue
        .records
        .iter()
        .enumerate()
        .map(|(i, rec)| {
            let status = match (ctx.locations[i].is_some(), worst.get(rec.id.as_str())) {
                (false, _) => "missing",
                (true, Some(Severity::Error)) => "failed",
                (true, Some(Severity::Warning)) => "warning",
                _ => "ok",
            };
            RecordRow {
                id: rec.id.clone(),
                title: rec.title.clone(),
                pages_expected: rec.pages,
                pages_delivered: delivered[i],
                status: status.into(),
            }
        })
        .collect()
}

/// Findings grouped for the per-record renderings: by record id (in report order), and
/// the rest (no record, or a record id the catalogue table does not have), so no
/// rendering can drop a finding.
pub struct Grouped<'a> {
    /// Findings per catalogue record id.
    pub by_record: BTreeMap<&'a str, Vec<&'a Finding>>,
    /// Delivery-level findings.
    pub delivery: Vec<&'a Finding>,
}

/// Groups a report's findings by record.
pub fn group(report: &Report) -> Grouped<'_> {
    let ids: std::collections::BTreeSet<&str> =
        report.records.iter().map(|r| r.id.as_str()).collect();
    let mut g = Grouped { by_record: BTreeMap::new(), delivery: Vec::new() };
    for f in &report.findings {
        match f.record.as_deref().filter(|r| ids.contains(r)) {
            Some(r) => g.by_record.entry(r).or_default().push(f),
            None => g.delivery.push(f),
        }
    }
    g
}
