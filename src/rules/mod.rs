//! Rules: pure functions from the plan and the inspected facts to findings.
//!
//! Each module holds one family of rules and their message text (STYLE.md habit 9, with
//! families instead of one file per rule: the rules of a family share their walk over the
//! plan, and splitting them would repeat it). Every rule reports through [`Out`], which
//! applies the profile's severity and drops silenced rules, so no rule can forget to.

pub mod registry;

mod catalogue;
mod colour;
mod files;
mod formats;
mod hashes;
mod items;
mod pages;
mod quality;
mod records;

pub(crate) use records::delivered_pages;

use crate::catalogue::Catalogue;
use crate::facts::Inspection;
use crate::finding::{self, Finding, Severity};
use crate::manifest::Manifest;
use crate::plan::{Item, Plan};
use crate::profile::Profile;

/// Everything the rules may look at.
pub struct Context<'a> {
    /// The acceptance profile.
    pub profile: &'a Profile,
    /// The catalogue.
    pub catalogue: &'a Catalogue,
    /// The classified delivery.
    pub plan: &'a Plan,
    /// Inspection of each plan item (same index), where it was inspected.
    pub facts: &'a [Option<Inspection>],
    /// The manifests given.
    pub manifests: &'a [Manifest],
    /// The canonical delivery root.
    pub root: &'a std::path::Path,
}

impl Context<'_> {
    /// The reference code of a record index.
    pub fn code(&self, record: Option<usize>) -> Option<&str> {
        record.map(|r| self.catalogue.records[r].id.as_str())
    }

    /// The items of record `r`, with their facts, in path order.
    pub fn record_items(&self, r: usize) -> impl Iterator<Item = (&Item, Option<&Inspection>)> {
        self.plan.by_record[r].iter().map(|&i| (&self.plan.items[i], self.facts[i].as_ref()))
    }

    /// Items with their facts.
    pub fn items(&self) -> impl Iterator<Item = (&Item, Option<&Inspection>)> {
        self.plan.items.iter().zip(self.facts.iter().map(Option::as_ref))
    }
}

/// Collects findings, applying the profile's severities.
pub struct Out<'a> {
    profile: &'a Profile,
    findings: Vec<Finding>,
}

impl Out<'_> {
    /// Reports one finding of `rule` (an id from the registry).
    pub fn emit(
        &mut self,
        rule: &'static str,
        record: Option<&str>,
        path: Option<String>,
        message: String,
    ) {
        debug_assert!(registry::find(rule).is_some(), "unregistered rule {rule}");
        let severity = self.profile.severity(rule);
        if severity == Severity::Off {
            return;
        }
        let record = record.map(str::to_string);
        let page = None;
        self.findings.push(Finding {
            rule: rule.to_string(),
            severity,
            record,
            path,
            message,
            page,
        });
    }

    /// Reports a finding about a plan item.
    pub fn at(&mut self, ctx: &Context, item: &Item, rule: &'static str, message: String) {
        self.emit(rule, ctx.code(item.record), Some(item.rel.escaped()), message);
    }

    /// Reports a finding about page `page` of a plan item.
    pub fn at_page(
        &mut self,
        ctx: &Context,
        item: &Item,
        page: u32,
        rule: &'static str,
        message: String,
    ) {
        let before = self.findings.len();
        self.at(ctx, item, rule, message);
        if let Some(f) = self.findings.get_mut(before) {
            f.page = Some(page);
        }
    }
}

/// Runs every rule and returns the findings in report order.
pub fn evaluate(ctx: &Context) -> Vec<Finding> {
    let mut out = Out { profile: ctx.profile, findings: Vec::new() };
    records::check(ctx, &mut out);
    catalogue::check(ctx, &mut out);
    items::check(ctx, &mut out);
    pages::check(ctx, &mut out);
    files::check(ctx, &mut out);
    formats::check(ctx, &mut out);
    colour::check(ctx, &mut out);
    hashes::check(ctx, &mut out);
    quality::check(ctx, &mut out);
    finding::sort(&mut out.findings);
    out.findings
}
