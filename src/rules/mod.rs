//! Rules: pure functions from the plan and the inspected facts to findings.
//!
//! Each module holds one family of rules and their message text (STYLE.md habit 9, with
//! families instead of one file per rule: the rules of a family share their walk over the
//! plan, and splitting them would repeat it). Every rule reports through [`Out`], which
//! applies the profile's severity and drops silenced rules, so no rule can forget to.

mod catalogue;
mod colour;
mod files;
mod formats;
mod hashes;
mod items;
mod pages;
mod quality;
mod records;

pub use hashes::State as HashState;
pub(crate) use records::delivered_pages;

use crate::catalogue::Catalogue;
use crate::delivery::plan::{Item, Plan};
use crate::delivery::relpath::RelPath;
use crate::finding::{self, Finding, Severity, Text};
use crate::inspect::facts::Inspection;
use crate::manifest::Manifest;
use crate::profile::Profile;

/// Everything the rules may look at: the inputs, and one group of entries with their
/// facts (see [`Judge`]).
pub struct Context<'a> {
    /// The acceptance profile.
    pub profile: &'a Profile,
    /// The catalogue.
    pub catalogue: &'a Catalogue,
    /// Per catalogue record (same index): where it was delivered, if anywhere.
    pub locations: &'a [Option<RelPath>],
    /// The entries judged now: a group holding every entry of the records it touches.
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
        let plan = self.plan;
        plan.record_items(r).iter().map(|&i| (&plan.items[i], self.facts[i].as_ref()))
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
        text: Text,
    ) {
        debug_assert!(crate::finding::registry::find(rule).is_some(), "unregistered rule {rule}");
        let severity = self.profile.severity(rule);
        if severity == Severity::Off {
            return;
        }
        let mut finding = Finding::new(rule, severity, text, self.profile.lang);
        finding.record = record.map(str::to_string);
        finding.path = path;
        self.findings.push(finding);
    }

    /// Reports a finding about a plan item.
    pub fn at(&mut self, ctx: &Context, item: &Item, rule: &'static str, text: Text) {
        self.emit(rule, ctx.code(item.record), Some(item.rel.escaped()), text);
    }

    /// Reports a finding about page `page` of a plan item.
    pub fn at_page(
        &mut self,
        ctx: &Context,
        item: &Item,
        page: u32,
        rule: &'static str,
        text: Text,
    ) {
        let before = self.findings.len();
        self.at(ctx, item, rule, text);
        if let Some(f) = self.findings.get_mut(before) {
            f.page = Some(page);
        }
    }
}

/// The rules over a whole check, fed as the delivery streams (issue #7): each group of
/// entries is judged as soon as it is complete ([`Judge::group`]), so its facts can go;
/// what only the whole delivery can tell (records never delivered, manifest entries never
/// seen, the catalogue's own problems) is judged at the end ([`Judge::finish`]). Holds
/// the findings, and an index of the manifests (which grows with their entries).
pub struct Judge<'a> {
    out: Out<'a>,
    hashes: hashes::Index<'a>,
}

impl<'a> Judge<'a> {
    /// A judge for a check with these inputs.
    pub fn new(profile: &'a Profile, manifests: &'a [Manifest], root: &std::path::Path) -> Self {
        let out = Out { profile, findings: Vec::new() };
        Judge { out, hashes: hashes::Index::new(manifests, root) }
    }

    /// Judges one group: every rule about its entries and the records they hold.
    pub fn group(&mut self, ctx: &Context) {
        let out = &mut self.out;
        records::check(ctx, out);
        catalogue::check(ctx, out);
        pages::check(ctx, out);
        files::check(ctx, out);
        formats::check(ctx, out);
        colour::check(ctx, out);
        self.hashes.check(ctx, out);
        quality::check(ctx, out);
    }

    /// A shard's end (issue #21): the findings of its groups (unsorted) and what it learnt
    /// about the manifests; the delivery is judged whole by `vouch merge`.
    pub fn into_part(self) -> (Vec<Finding>, HashState) {
        let state = self.hashes.state();
        (self.out.findings, state)
    }

    /// Takes in one shard's findings and manifest state (see [`Judge::into_part`]);
    /// `keep(old, new)` says whether a case twin already known comes first in walk order.
    pub fn absorb(
        &mut self,
        findings: Vec<Finding>,
        state: &HashState,
        keep: &dyn Fn(&str, &str) -> bool,
    ) {
        self.out.findings.extend(findings);
        self.hashes.absorb(state, keep);
    }

    /// Judges the delivery as a whole (`ctx.plan` holds no entries, only the walk errors
    /// of the top level) and returns every finding in report order. After an interrupted
    /// run, nothing is said of the files it never reached.
    pub fn finish(mut self, ctx: &Context, interrupted: bool) -> Vec<Finding> {
        let out = &mut self.out;
        records::check_delivery(ctx, out);
        catalogue::check_delivery(ctx, out);
        items::check(ctx, out);
        files::check(ctx, out);
        self.hashes.finish(ctx, out, interrupted);
        finding::sort(&mut out.findings);
        self.out.findings
    }
}
