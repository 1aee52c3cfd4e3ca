//! Hash rules: do the delivered bytes match the vendor's manifests, file for file?
//! (hash-mismatch, hash-unlisted, hash-missing-file, hash-path-normalized,
//! manifest-line-invalid, bag-oxum-mismatch, bag-tag-mismatch)
//!
//! Fail closed: a listed file that exists but could not be hashed is not "verified"; it
//! carries its own file-unreadable finding. Junk, links and special files are judged by
//! their own rules, not here. A listed name matches a delivered one exactly, or after
//! Unicode NFC normalization (macOS writes NFD) with a warning; names differing only in
//! letter case never match, since on a case-sensitive file system they are two files.

use super::{Context, Out};
use crate::digest::Algorithm;
use crate::facts::Inspection;
use crate::manifest::Manifest;
use crate::plan::{Item, Role};
use crate::relpath::RelPath;
use crate::walk::Kind;
use std::collections::{BTreeMap, BTreeSet};
use unicode_normalization::UnicodeNormalization;

/// One listing of a path: its digests and where it was listed.
struct Listing<'a> {
    digests: &'a [(Algorithm, String)],
    at: String,
}

pub(super) fn check(ctx: &Context, out: &mut Out) {
    if ctx.manifests.is_empty() {
        return;
    }
    for m in ctx.manifests {
        manifest_level(out, m);
    }
    let mut listed: BTreeMap<&RelPath, Vec<Listing>> = BTreeMap::new();
    for m in ctx.manifests {
        for e in &m.entries {
            let at = format!("{}:{}", m.path.display(), e.line);
            listed.entry(&e.rel).or_default().push(Listing { digests: &e.digests, at });
        }
    }
    let nfc: BTreeMap<String, &RelPath> = listed.keys().map(|r| (nfc_key(r), *r)).collect();
    let mut matched: BTreeSet<&RelPath> = BTreeSet::new();
    for (item, facts) in ctx.items().filter(|(i, _)| is_judged(i)) {
        let key = listed.get_key_value(&item.rel).map(|(k, _)| *k).or_else(|| {
            let alt = nfc.get(&nfc_key(&item.rel)).copied()?;
            let message = format!("listed as '{}', a different Unicode form", alt.escaped());
            out.at(ctx, item, "hash-path-normalized", message);
            Some(alt)
        });
        match key {
            Some(key) => {
                matched.insert(key);
                compare(ctx, out, item, facts, &listed[key]);
            }
            None if item.role != Role::Ancillary => {
                let hint = case_hint(&item.rel, listed.keys().copied());
                let message = format!(
                    "the file is in no manifest, so its integrity cannot be verified{hint}"
                );
                out.at(ctx, item, "hash-unlisted", message);
            }
            None => {}
        }
    }
    let present: BTreeSet<&RelPath> = ctx.plan.items.iter().map(|i| &i.rel).collect();
    for (rel, listings) in &listed {
        if !matched.contains(rel) && !present.contains(rel) {
            let hint = case_hint(rel, present.iter().copied());
            let message = format!("listed in {} but not delivered{hint}", listings[0].at);
            out.emit(
                "hash-missing-file",
                ctx.code(record_of(ctx, rel)),
                Some(rel.escaped()),
                message,
            );
        }
    }
    for m in ctx.manifests {
        payload_oxum(ctx, out, m);
    }
}

/// Whether hash rules judge an item: regular files other than junk and vouch's inputs.
fn is_judged(item: &Item) -> bool {
    item.kind == Kind::File && !matches!(item.role, Role::Junk | Role::Input)
}

fn compare(
    ctx: &Context,
    out: &mut Out,
    item: &Item,
    facts: Option<&Inspection>,
    listings: &[Listing],
) {
    let Some(facts) = facts.filter(|f| f.read_error.is_none()) else { return };
    for listing in listings {
        for (alg, want) in listing.digests {
            let actual = facts.digest(*alg).unwrap_or("(not computed)");
            if actual != want {
                let message =
                    format!("{alg} is {actual}, the manifest ({}) says {want}", listing.at);
                out.at(ctx, item, "hash-mismatch", message);
            }
        }
    }
}

fn manifest_level(out: &mut Out, m: &Manifest) {
    for bad in &m.bad_lines {
        let message = format!("{}, line {}: {}", m.path.display(), bad.line, bad.problem);
        out.emit("manifest-line-invalid", None, None, message);
    }
    for problem in m.bag.iter().flat_map(|b| &b.problems) {
        let message = format!("bag of {}: {problem}", m.path.display());
        out.emit("bag-tag-mismatch", None, None, message);
    }
}

/// Checks a bag's Payload-Oxum (octets and file count of its `data/` folder) against
/// the regular files delivered there.
fn payload_oxum(ctx: &Context, out: &mut Out, m: &Manifest) {
    let Some((bag, (octets, files))) = m.bag.as_ref().and_then(|b| Some((b, b.oxum?))) else {
        return;
    };
    let payload = std::path::absolute(bag.dir.join("data")).unwrap_or_default();
    let root = ctx.root;
    let prefix = match payload.strip_prefix(root) {
        Ok(p) => p.to_path_buf(),
        Err(_) if payload == root => Default::default(),
        Err(_) => {
            let message =
                format!("{}: the delivery is not the bag's payload folder", m.path.display());
            out.emit("bag-oxum-mismatch", None, None, message);
            return;
        }
    };
    let (n, bytes) = ctx
        .plan
        .items
        .iter()
        .filter(|i| i.kind == Kind::File && i.rel.as_path().starts_with(&prefix))
        .fold((0u64, 0u64), |(n, b), i| (n + 1, b.saturating_add(i.size)));
    if (bytes, n) != (octets, files) {
        let message = format!(
            "bag-info.txt Payload-Oxum says {octets} bytes in {files} files, the payload holds \
             {bytes} bytes in {n} files"
        );
        out.emit("bag-oxum-mismatch", None, None, message);
    }
}

fn nfc_key(rel: &RelPath) -> String {
    rel.escaped().nfc().collect()
}

/// " (differs only in letter case from 'X')" when such a name exists.
fn case_hint<'a>(rel: &RelPath, among: impl Iterator<Item = &'a RelPath>) -> String {
    let key = nfc_key(rel).to_lowercase();
    among
        .filter(|o| *o != rel && nfc_key(o).to_lowercase() == key)
        .map(|o| format!(" (differs only in letter case from '{}')", o.escaped()))
        .next()
        .unwrap_or_default()
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
