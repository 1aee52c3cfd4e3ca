//! Judge: the rules applied group by group as the check streams, and what the report
//! keeps of each file written out as it goes (issue #7: memory flat in the number of
//! files).
//!
//! Entries arrive in walk order with their facts. They are held only until their group
//! is complete — a run of top-level entries holding every entry of the records it
//! touches, usually one record folder — then judged, counted, spooled (`files[]`, the
//! sample, the accepted manifests) and dropped. What needs the whole delivery is judged
//! at the end ([`crate::rules::Judge::finish`]).

use crate::bundle::{Attachment, AttachmentWriter};
use crate::catalogue::Catalogue;
use crate::delivery::plan::{Plan, Planned, Top};
use crate::delivery::walk::{Kind, WalkError};
use crate::digest::Algorithm;
use crate::finding::Finding;
use crate::inspect::facts::{FileFacts, Inspection};
use crate::manifest::Manifest;
use crate::profile::Profile;
use crate::report::model::{Files, SamplePage};
use crate::report::sample::Draw;
use crate::report::spool::{Spooled, Writer};
use crate::report::tally::Tally;
use crate::rules::{self, Context};
use anyhow::Context as _;
use std::io::Write;
use std::path::Path;

/// The inputs every group is judged against.
#[derive(Clone, Copy)]
pub struct Inputs<'a> {
    /// The acceptance profile.
    pub profile: &'a Profile,
    /// The catalogue.
    pub catalogue: &'a Catalogue,
    /// The manifests given.
    pub manifests: &'a [Manifest],
    /// The canonical delivery root.
    pub root: &'a Path,
    /// The delivery's top level.
    pub top: &'a Top,
}

impl<'a> Inputs<'a> {
    /// The rules' view of `plan` with its `facts`.
    pub fn context<'b>(&'b self, plan: &'b Plan, facts: &'b [Option<Inspection>]) -> Context<'b> {
        Context {
            profile: self.profile,
            catalogue: self.catalogue,
            locations: &self.top.locations,
            plan,
            facts,
            manifests: self.manifests,
            root: self.root,
        }
    }
}

/// Everything the stream produced.
pub struct Judged {
    /// Every finding, in report order.
    pub findings: Vec<Finding>,
    /// The counts.
    pub tally: Tally,
    /// `files[]`.
    pub files: Files,
    /// The sample's population and pages.
    pub sample: (u64, Spooled<SamplePage>),
    /// The accepted manifests, when a report folder was given.
    pub accepted: Vec<Attachment>,
}

/// What one shard's stream produced (issue #21).
pub struct JudgedPart {
    /// The findings of its groups, unsorted.
    pub findings: Vec<Finding>,
    /// What it learnt about the manifests.
    pub hashes: rules::HashState,
    /// Its counts.
    pub tally: Tally,
    /// Its streamed part files.
    pub files: Vec<Attachment>,
    /// Lines of `files[]` and sample candidates written.
    pub lines: (u64, u64),
}

/// The judge of one check, fed entry by entry.
pub struct Stream<'a> {
    inputs: Inputs<'a>,
    rules: rules::Judge<'a>,
    group: Plan,
    facts: Vec<Option<Inspection>>,
    /// The top-level entry of each entry of the group (same index).
    ts: Vec<usize>,
    /// One shard's streamed files (issue #21), instead of the report's own.
    part: Option<super::part::Writers>,
    /// The group cannot close before this top-level entry is in.
    open_until: Option<usize>,
    current: Option<usize>,
    tally: Tally,
    files: Writer<FileFacts>,
    sample: Draw,
    accepted: Vec<(Algorithm, AttachmentWriter)>,
}

impl<'a> Stream<'a> {
    /// A judge spooling in `spool_dir`; accepted manifests of `algorithms` are written
    /// into `report_dir`, when there is one.
    pub fn new(
        inputs: Inputs<'a>,
        spool_dir: &Path,
        (rate, seed): (f64, u64),
        (report_dir, algorithms): (Option<&Path>, &[Algorithm]),
    ) -> anyhow::Result<Self> {
        let accepted = match report_dir {
            Some(dir) => algorithms
                .iter()
                .map(|&a| {
                    Ok((a, AttachmentWriter::create(dir, &format!("accepted-manifest-{a}.txt"))?))
                })
                .collect::<anyhow::Result<_>>()?,
            None => Vec::new(),
        };
        let records = inputs.catalogue.records.len();
        let tally = Tally {
            delivered: vec![Some(0); records],
            checked: vec![false; records],
            ..Tally::default()
        };
        Ok(Stream {
            rules: rules::Judge::new(inputs.profile, inputs.manifests, inputs.root),
            inputs,
            group: Plan::default(),
            facts: Vec::new(),
            ts: Vec::new(),
            part: None,
            open_until: None,
            current: None,
            tally,
            files: Writer::new(spool_dir)?,
            sample: Draw::new(rate, seed, spool_dir)?,
            accepted,
        })
    }

    /// Takes the next entry, below top-level entry `t`, with its facts (`None`: not
    /// inspected).
    pub fn push(
        &mut self,
        t: usize,
        planned: Planned,
        facts: Option<Inspection>,
    ) -> anyhow::Result<()> {
        self.enter(t)?;
        if planned.item.is_inspected() {
            self.tally.inspected += 1;
            self.tally.missed += u64::from(facts.is_none());
        }
        self.group.push(planned);
        self.facts.push(facts);
        self.ts.push(t);
        Ok(())
    }

    /// Takes a place below top-level entry `t` that could not be listed.
    pub fn error(&mut self, t: usize, error: WalkError) -> anyhow::Result<()> {
        self.enter(t)?;
        self.group.walk_errors.push(error);
        Ok(())
    }

    /// Moves on to top-level entry `t`: closes the group first if no record of it can
    /// have entries at or after `t`.
    fn enter(&mut self, t: usize) -> anyhow::Result<()> {
        if self.current == Some(t) {
            return Ok(());
        }
        if self.open_until.is_none_or(|u| u < t) {
            self.flush()?;
        }
        self.current = Some(t);
        let top = self.inputs.top;
        if let Some(last) = top.entries[t].record.and_then(|r| top.last[r]) {
            self.open_until = Some(self.open_until.map_or(last, |u| u.max(last)));
        }
        Ok(())
    }

    /// Judges the group, writes out what the report keeps of it, and lets it go.
    fn flush(&mut self) -> anyhow::Result<()> {
        let plan = std::mem::take(&mut self.group);
        let facts = std::mem::take(&mut self.facts);
        let ts = std::mem::take(&mut self.ts);
        self.open_until = None;
        let ctx = self.inputs.context(&plan, &facts);
        self.rules.group(&ctx);
        for r in plan.records() {
            self.tally.delivered[r] = rules::delivered_pages(&ctx, r);
            self.tally.checked[r] = true;
        }
        for ((item, facts), &t) in plan.items.iter().zip(&facts).zip(&ts) {
            if let Some(r) = item.record.filter(|_| item.is_inspected() && facts.is_none()) {
                self.tally.checked[r] = false;
            }
            if item.kind == Kind::File && item.role != crate::delivery::plan::Role::Input {
                self.tally.files += 1;
                self.tally.bytes = self.tally.bytes.saturating_add(item.size);
            }
            let path = item.rel.escaped();
            // The contact sheet draws only from pages that were inspected.
            if item.kind == Kind::File && item.is_page_file() && facts.is_some() {
                let record = ctx.code(item.record).map(str::to_owned);
                let page = SamplePage { path: path.clone(), record };
                match &mut self.part {
                    Some(part) => part.sample(t, &page)?,
                    None => self.sample.offer(page)?,
                }
            }
            let Some(facts) = facts else { continue };
            let name = item.rel.as_path().as_os_str().as_encoded_bytes();
            if let Some(part) = &mut self.part {
                part.file(t, &FileFacts::new(path, facts))?;
                for alg in part.algorithms() {
                    if let Some(digest) = facts.digest(alg) {
                        let line = crate::manifest::coreutils::format_line(digest, name);
                        part.accepted(t, alg, &line)?;
                    }
                }
                continue;
            }
            self.files.push(&FileFacts::new(path, facts))?;
            for (alg, out) in &mut self.accepted {
                if let Some(digest) = facts.digest(*alg) {
                    out.write_all(&crate::manifest::coreutils::format_line(digest, name))?;
                }
            }
        }
        Ok(())
    }

    /// Makes this the stream of one shard (issue #21): what the report keeps of each file
    /// goes to the part's files in `dir`, tagged with its top-level entry, and the
    /// delivery is not judged whole ([`Stream::finish_part`]).
    pub fn into_part(mut self, dir: &Path, algorithms: &[Algorithm]) -> anyhow::Result<Self> {
        self.part = Some(super::part::Writers::create(dir, algorithms)?);
        self.accepted.clear();
        Ok(self)
    }

    /// Judges the last group of a shard: its findings and manifest state, its counts, and
    /// its streamed files.
    pub fn finish_part(mut self) -> anyhow::Result<JudgedPart> {
        self.flush()?;
        let (findings, hashes) = self.rules.into_part();
        let writers = self.part.take().context("a shard's stream has its part")?;
        let (files, lines) = writers.finish()?;
        Ok(JudgedPart { findings, hashes, tally: self.tally, files, lines })
    }

    /// Judges the last group and the delivery as a whole; `listed` says whether the whole
    /// delivery was listed (not when Ctrl-C stopped the walk).
    pub fn finish(mut self, listed: bool) -> anyhow::Result<Judged> {
        self.flush()?;
        let delivery = Plan { walk_errors: self.inputs.top.errors.clone(), ..Plan::default() };
        let interrupted = !listed || self.tally.missed > 0;
        let findings = self.rules.finish(&self.inputs.context(&delivery, &[]), interrupted);
        // A run cut short writes no accepted manifest (dropped writers leave nothing).
        let accepted = match self.tally.missed {
            0 => {
                self.accepted.into_iter().map(|(_, w)| w.finish()).collect::<anyhow::Result<_>>()?
            }
            _ => Vec::new(),
        };
        Ok(Judged {
            findings,
            tally: self.tally,
            files: self.files.finish()?,
            sample: self.sample.finish()?,
            accepted,
        })
    }
}
