//! Report: turn the run's findings into one model and render it (DESIGN.md "Report").
//!
//! The JSON rendering is canonical; the terminal summary is for people. Renderers are
//! pure functions returning bytes (STYLE.md habit 14); writing them out, atomically, is
//! [`crate::output`]'s job.

pub mod bundle;
pub mod csv;
pub mod html;
pub mod human;
pub mod json;
pub mod junit;
mod markup;
pub mod model;
pub mod readback;
pub mod sample;

use crate::finding::{Finding, Severity};
use crate::plan::Role;
use crate::rules::{self, Context};
use crate::walk::Kind;
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

/// Builds the report of a completed run.
pub fn build(ctx: &Context, findings: Vec<Finding>, run: RunInfo) -> Report {
    let mut counts: BTreeMap<String, u64> = BTreeMap::new();
    for f in &findings {
        *counts.entry(f.rule.clone()).or_default() += 1;
    }
    let records = record_rows(ctx, &findings);
    let files = ctx.plan.items.iter().filter(|i| i.kind == Kind::File && i.role != Role::Input);
    let (n_files, bytes) = files.fold((0u64, 0u64), |(n, b), i| (n + 1, b.saturating_add(i.size)));
    let pages = records.iter().filter_map(|r| r.pages_delivered).sum();
    Report {
        schema: model::SCHEMA,
        tool: Tool { name: "vouch".into(), version: env!("CARGO_PKG_VERSION").into() },
        time: run.time,
        operator: run.operator,
        delivery: run.delivery,
        profile: ProfileRef {
            name: ctx.profile.name.clone(),
            origin: ctx.profile.origin.clone(),
            sha256: ctx.profile.sha256.clone(),
        },
        catalogue: InputRef {
            path: ctx.catalogue.path.display().to_string(),
            sha256: ctx.catalogue.sha256.clone(),
            format: ctx.catalogue.encoding.into(),
            entries: ctx.catalogue.records.len() as u64,
        },
        items: ctx.catalogue.items.as_ref().map(|l| InputRef {
            path: l.path.display().to_string(),
            sha256: l.sha256.clone(),
            format: l.format.into(),
            entries: l.items.len() as u64,
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
            })
            .collect(),
        verdict: Verdict::of(&findings),
        depth: run.depth,
        incomplete: None,
        totals: Totals {
            records: ctx.catalogue.records.len() as u64,
            files: n_files,
            pages,
            bytes,
            seconds: (run.seconds * 1000.0).round() / 1000.0,
        },
        counts,
        records,
        sample: draw_sample(ctx, run.sample_seed),
        bundle: Vec::new(),
        findings,
        // Attached by the caller once the facts are no longer borrowed ([`model::Files`]).
        files: model::Files::default(),
    }
}

/// Draws the contact-sheet sample from the plan's page files (see [`sample`]).
fn draw_sample(ctx: &Context, seed: Option<u64>) -> Sample {
    let pages: Vec<_> = ctx
        .plan
        .items
        .iter()
        .filter(|i| i.kind == Kind::File && i.is_page_file())
        .map(|i| (i.rel.escaped(), i.record))
        .collect();
    let digests = std::iter::once(ctx.profile.sha256.as_str())
        .chain(std::iter::once(ctx.catalogue.sha256.as_str()))
        .chain(ctx.manifests.iter().map(|m| m.sha256.as_str()));
    let (seed, seed_source) = match seed {
        Some(s) => (s, "given with --sample-seed".to_string()),
        None => (
            sample::seed_from_inputs(digests),
            "sha256 of the profile, catalogue and manifest digests".to_string(),
        ),
    };
    let paths: Vec<&str> = pages.iter().map(|(p, _)| p.as_str()).collect();
    let rate = ctx.profile.sample_rate;
    let drawn = sample::select(&paths, rate, seed);
    Sample {
        rate,
        seed,
        seed_source,
        population: pages.len() as u64,
        pages: drawn
            .into_iter()
            .map(|i| SamplePage {
                path: pages[i].0.clone(),
                record: ctx.code(pages[i].1).map(str::to_owned),
            })
            .collect(),
    }
}

fn record_rows(ctx: &Context, findings: &[Finding]) -> Vec<RecordRow> {
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
            let status = match (ctx.plan.locations[i].is_some(), worst.get(rec.id.as_str())) {
                (false, _) => "missing",
                (true, Some(Severity::Error)) => "failed",
                (true, Some(Severity::Warning)) => "warning",
                _ => "ok",
            };
            RecordRow {
                id: rec.id.clone(),
                title: rec.title.clone(),
                pages_expected: rec.pages,
                pages_delivered: rules::delivered_pages(ctx, i),
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
