//! Report: turn the run's findings into one model and render it (DESIGN.md "Report").
//!
//! The JSON rendering is canonical; the terminal summary is for people. Renderers are
//! pure functions returning bytes (STYLE.md habit 14); writing them out, atomically, is
//! [`crate::output`]'s job.

pub mod human;
pub mod json;
pub mod model;

use crate::finding::{Finding, Severity};
use crate::plan::Role;
use crate::rules::{self, Context};
use crate::walk::Kind;
use model::{InputRef, ProfileRef, RecordRow, Report, Tool, Totals, Verdict};
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
        totals: Totals {
            records: ctx.catalogue.records.len() as u64,
            files: n_files,
            pages,
            bytes,
            seconds: (run.seconds * 1000.0).round() / 1000.0,
        },
        counts,
        records,
        findings,
        files: crate::facts::files_of(ctx.items().map(|(i, f)| (i.rel.escaped(), f))),
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
