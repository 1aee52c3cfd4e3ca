//! Hash rules: do the delivered bytes match the vendor's manifests, file for file?
//! (hash-mismatch, hash-unlisted, hash-missing-file, manifest-line-invalid)
//!
//! Fail closed: a listed file that exists but could not be hashed is not "verified"; it
//! carries its own file-unreadable finding. Junk, links and special files are judged by
//! their own rules, not here.

use super::{Context, Out};
use crate::plan::Role;
use crate::relpath::RelPath;
use crate::walk::Kind;
use std::collections::{BTreeMap, BTreeSet};

pub(super) fn check(ctx: &Context, out: &mut Out) {
    if ctx.manifests.is_empty() {
        return;
    }
    for m in ctx.manifests {
        for bad in &m.bad_lines {
            let message = format!("{}, line {}: {}", m.path.display(), bad.line, bad.problem);
            out.emit("manifest-line-invalid", None, None, message);
        }
    }
    // Every listed digest per path, with where it was listed.
    let mut listed: BTreeMap<&RelPath, Vec<(&str, String)>> = BTreeMap::new();
    for m in ctx.manifests {
        for e in &m.entries {
            let at = format!("{}:{}", m.path.display(), e.line);
            listed.entry(&e.rel).or_default().push((e.sha256.as_str(), at));
        }
    }
    let present: BTreeSet<&RelPath> = ctx.plan.items.iter().map(|i| &i.rel).collect();
    for (item, facts) in ctx.items() {
        let judged = item.kind == Kind::File
            && !matches!(item.role, Role::Junk | Role::Input | Role::Link | Role::Special(_));
        if !judged {
            continue;
        }
        match listed.get(&item.rel) {
            None if item.role != Role::Ancillary => out.at(
                ctx,
                item,
                "hash-unlisted",
                "the file is in no manifest, so its integrity cannot be verified".into(),
            ),
            None => {}
            Some(digests) => {
                let Some(actual) = facts.and_then(|f| f.sha256.as_deref()) else { continue };
                for (want, at) in digests.iter().filter(|(want, _)| *want != actual) {
                    let message = format!("SHA-256 is {actual}, the manifest ({at}) says {want}");
                    out.at(ctx, item, "hash-mismatch", message);
                }
            }
        }
    }
    for (rel, digests) in &listed {
        if !present.contains(rel) {
            let record = record_of(ctx, rel);
            let message = format!("listed in {} but not delivered", digests[0].1);
            out.emit("hash-missing-file", ctx.code(record), Some(rel.escaped()), message);
        }
    }
}

/// The record a path would belong to: its top-level folder's code, or the code a
/// root-level multi-page file is named by.
fn record_of(ctx: &Context, rel: &RelPath) -> Option<usize> {
    let top = rel.first()?.to_str()?;
    ctx.catalogue.get(top).or_else(|| {
        let stem = top.rsplit_once('.').map(|(s, _)| s)?;
        (rel.depth() == 1).then(|| ctx.catalogue.get(stem)).flatten()
    })
}
