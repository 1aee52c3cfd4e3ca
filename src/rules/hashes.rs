//! Hash rules: do the delivered bytes match the vendor's manifests, file for file?
//! (hash-mismatch, hash-unlisted, hash-missing-file, hash-path-normalized,
//! manifest-line-invalid, manifest-paths-unresolved, bag-oxum-mismatch, bag-tag-mismatch,
//! hash-no-manifest, manifest-algorithm-doubtful)
//!
//! Fail closed: a listed file that exists but could not be hashed is not "verified"; it
//! carries its own file-unreadable finding. Junk, links and special files are judged by
//! their own rules, not here. A listed name matches a delivered one exactly, or after
//! Unicode NFC normalization (macOS writes NFD) with a warning; names differing only in
//! letter case never match, since on a case-sensitive file system they are two files.

use super::{Context, Out};
use crate::delivery::plan::{Item, Role};
use crate::delivery::relpath::RelPath;
use crate::delivery::walk::Kind;
use crate::digest::Algorithm;
use crate::finding::text::{Arg, IntoArg};
use crate::inspect::facts::Inspection;
use crate::manifest::{self, Manifest};
use crate::text;
use std::collections::{BTreeMap, BTreeSet};
use unicode_normalization::UnicodeNormalization;

/// One listing of a path: its digests and where it was listed.
struct Listing<'a> {
    digests: &'a [(Algorithm, String)],
    at: String,
    /// Index of the manifest that lists it.
    manifest: usize,
}

/// A bag's payload as the delivery shows it so far.
struct Payload {
    /// The payload folder (`data/`) below the delivery root; `Err` when the delivery is
    /// not inside the bag's payload.
    folder: Result<std::path::PathBuf, ()>,
    /// Regular files delivered there so far.
    files: u64,
    /// Their bytes.
    bytes: u64,
}

/// The manifests, indexed once for the whole check, and what the delivery has shown of
/// their entries so far. Grows with the manifests' entries, not with the delivery.
pub(super) struct Index<'a> {
    manifests: &'a [Manifest],
    listed: BTreeMap<&'a RelPath, Vec<Listing<'a>>>,
    nfc: BTreeMap<String, &'a RelPath>,
    /// Listed paths delivered (as any entry), or matched by a file in another Unicode form.
    seen: BTreeSet<&'a RelPath>,
    /// Listed paths by their letter-case-blind key, for the case hint of a missing file.
    caseless: BTreeMap<String, Vec<&'a RelPath>>,
    /// For a listed path not delivered as such: a delivered one differing only in case
    /// (escaped).
    case_twin: BTreeMap<&'a RelPath, String>,
    /// Per manifest: its bag's payload folder below the delivery root (`Err` when the
    /// delivery is not it), and the regular files and bytes delivered there so far.
    payload: Vec<Option<Payload>>,
    /// Per manifest: digests compared that agree, and that differ (for the hint that the
    /// algorithm was misread when every one differs).
    compared: Vec<(u64, u64)>,
    /// Whether any manifest's paths land in the delivery: when none does, one finding per
    /// manifest says so, and no delivered file is called unlisted.
    judging: bool,
}

impl<'a> Index<'a> {
    pub(super) fn new(manifests: &'a [Manifest], root: &std::path::Path) -> Self {
        let mut listed: BTreeMap<&RelPath, Vec<Listing>> = BTreeMap::new();
        for (i, m) in manifests.iter().enumerate().filter(|(_, m)| !m.unresolved) {
            for e in &m.entries {
                let at = format!("{}:{}", m.path.display(), e.line);
                let listing = Listing { digests: &e.digests, at, manifest: i };
                listed.entry(&e.rel).or_default().push(listing);
            }
        }
        let nfc = listed.keys().map(|r| (nfc_key(r), *r)).collect();
        let mut caseless: BTreeMap<String, Vec<&RelPath>> = BTreeMap::new();
        for rel in listed.keys() {
            caseless.entry(nfc_key(rel).to_lowercase()).or_default().push(rel);
        }
        let payload = manifests
            .iter()
            .map(|m| payload_of(m, root).map(|folder| Payload { folder, files: 0, bytes: 0 }))
            .collect();
        let (seen, case_twin) = Default::default();
        let judging = manifests.iter().any(|m| !m.unresolved);
        let compared = vec![(0, 0); manifests.len()];
        Index { manifests, listed, nfc, seen, caseless, case_twin, payload, compared, judging }
    }

    /// Compares the files of a group with the manifests.
    pub(super) fn check(&mut self, ctx: &Context, out: &mut Out) {
        if self.manifests.is_empty() {
            return;
        }
        for (item, facts) in ctx.items() {
            let caseless = nfc_key(&item.rel).to_lowercase();
            self.note(item, &caseless);
            if self.judging && is_judged(item) {
                self.judge(ctx, out, (item, &caseless), facts);
            }
        }
    }

    /// Records what an entry shows: a listed path present, a case twin, payload totals.
    fn note(&mut self, item: &Item, caseless: &str) {
        if let Some((key, _)) = self.listed.get_key_value(&item.rel) {
            self.seen.insert(*key);
        }
        let twins: Vec<&'a RelPath> = self.case_twins(&item.rel, caseless).collect();
        for listed in twins {
            self.case_twin.entry(listed).or_insert_with(|| item.rel.escaped());
        }
        for p in self.payload.iter_mut().flatten() {
            let inside = p.folder.as_ref().is_ok_and(|f| item.rel.as_path().starts_with(f));
            if item.kind == Kind::File && inside {
                p.files += 1;
                p.bytes = p.bytes.saturating_add(item.size);
            }
        }
    }

    /// Listed paths other than `rel` with its letter-case-blind key `caseless`, in path
    /// order.
    fn case_twins<'b>(
        &'b self,
        rel: &'b RelPath,
        caseless: &str,
    ) -> impl Iterator<Item = &'a RelPath> + 'b {
        self.caseless.get(caseless).into_iter().flatten().copied().filter(move |l| *l != rel)
    }

    fn judge(
        &mut self,
        ctx: &Context,
        out: &mut Out,
        (item, caseless): (&Item, &str),
        facts: Option<&Inspection>,
    ) {
        let key = self.listed.get_key_value(&item.rel).map(|(k, _)| *k).or_else(|| {
            let alt = self.nfc.get(&nfc_key(&item.rel)).copied()?;
            let text = text!("hash-path-normalized", listed = alt.escaped());
            out.at(ctx, item, "hash-path-normalized", text);
            Some(alt)
        });
        match key {
            Some(key) => {
                self.seen.insert(key);
                compare(ctx, out, (item, facts), &self.listed[key], &mut self.compared);
            }
            None if item.role != Role::Ancillary => {
                let twin = self.case_twins(&item.rel, caseless).next();
                let hint = case_hint(twin.map(|t| t.escaped()).as_deref());
                out.at(ctx, item, "hash-unlisted", text!("hash-unlisted", hint = hint));
            }
            None => {}
        }
    }

    /// What only the whole delivery tells: manifest lines and bags, entries never
    /// delivered, payload totals. After an interrupted run, an entry whose file exists
    /// but was never reached is not a finding (nothing was verified about it), and bag
    /// totals are not compared.
    pub(super) fn finish(&mut self, ctx: &Context, out: &mut Out, interrupted: bool) {
        if self.manifests.is_empty() {
            out.emit("hash-no-manifest", None, None, text!("hash-no-manifest"));
        }
        for (m, &(agree, differ)) in self.manifests.iter().zip(&self.compared) {
            manifest_level(out, m);
            let every = agree == 0 && differ > 1;
            let hint = manifest::algorithm_hint(&m.algorithms(), "--manifest-algorithm");
            if let Some(hint) = hint.filter(|_| every) {
                let text =
                    text!("manifest-algorithm-doubtful", manifest = m.path.display(), hint = hint);
                out.emit("manifest-algorithm-doubtful", None, None, text);
            }
        }
        for (rel, listings) in &self.listed {
            if self.seen.contains(rel) {
                continue;
            }
            if interrupted && ctx.root.join(rel.as_path()).symlink_metadata().is_ok() {
                continue;
            }
            let hint = case_hint(self.case_twin.get(rel).map(String::as_str));
            let text = text!("hash-missing-file", at = &listings[0].at, hint = hint);
            let record = ctx.code(record_of(ctx, rel));
            out.emit("hash-missing-file", record, Some(rel.escaped()), text);
        }
        for (m, payload) in self.manifests.iter().zip(&self.payload).filter(|_| !interrupted) {
            payload_oxum(out, m, payload.as_ref());
        }
    }
}

/// What one shard of a check learnt about the manifests (issue #21), for `vouch merge`
/// to judge them as a single run would: listed paths seen (by their index in path
/// order), case twins (escaped), bag payload totals and digest comparisons per manifest.
#[derive(Clone, Debug, Default, serde::Serialize, serde::Deserialize)]
pub struct State {
    /// Indices, in path order of the listed paths, of those delivered.
    pub seen: Vec<u64>,
    /// (index of a listed path, a delivered path differing only in case, escaped).
    pub twins: Vec<(u64, String)>,
    /// Per manifest: regular files and bytes delivered in its bag's payload folder.
    pub payload: Vec<(u64, u64)>,
    /// Per manifest: digests compared that agree, and that differ.
    pub compared: Vec<(u64, u64)>,
}

impl Index<'_> {
    /// What this index learnt, to be merged with other shards' ([`Index::absorb`]).
    pub(super) fn state(&self) -> State {
        let keys = self.listed.keys().enumerate();
        let at: BTreeMap<&RelPath, u64> = keys.map(|(i, k)| (*k, i as u64)).collect();
        State {
            seen: self.seen.iter().map(|r| at[r]).collect(),
            twins: self.case_twin.iter().map(|(r, t)| (at[r], t.clone())).collect(),
            payload: self
                .payload
                .iter()
                .map(|p| p.as_ref().map_or((0, 0), |p| (p.files, p.bytes)))
                .collect(),
            compared: self.compared.clone(),
        }
    }

    /// Takes in another shard's [`State`]. A case twin already known stays when `keep`
    /// says it comes first in walk order.
    pub(super) fn absorb(&mut self, state: &State, keep: &dyn Fn(&str, &str) -> bool) {
        let keys: Vec<&RelPath> = self.listed.keys().copied().collect();
        let key = |i: u64| keys.get(i as usize).copied();
        self.seen.extend(state.seen.iter().filter_map(|&i| key(i)));
        for (i, twin) in &state.twins {
            let Some(k) = key(*i) else { continue };
            match self.case_twin.get(k) {
                Some(old) if keep(old, twin) => {}
                _ => {
                    self.case_twin.insert(k, twin.clone());
                }
            }
        }
        for (p, (files, bytes)) in self.payload.iter_mut().zip(&state.payload) {
            if let Some(p) = p {
                p.files += files;
                p.bytes = p.bytes.saturating_add(*bytes);
            }
        }
        for (c, (agree, differ)) in self.compared.iter_mut().zip(&state.compared) {
            c.0 += agree;
            c.1 += differ;
        }
    }
}

/// Whether hash rules judge an item: regular files other than junk and vouch's inputs.
fn is_judged(item: &Item) -> bool {
    item.kind == Kind::File && !matches!(item.role, Role::Junk | Role::Input)
}

fn compare(
    ctx: &Context,
    out: &mut Out,
    (item, facts): (&Item, Option<&Inspection>),
    listings: &[Listing],
    compared: &mut [(u64, u64)],
) {
    let Some(facts) = facts.filter(|f| f.read_error.is_none()) else { return };
    for listing in listings {
        for (alg, want) in listing.digests {
            let actual = facts.digest(*alg).unwrap_or("(not computed)");
            let tally = &mut compared[listing.manifest];
            if actual == want {
                tally.0 += 1;
            } else {
                tally.1 += 1;
                let text = text!(
                    "hash-mismatch",
                    alg = alg,
                    actual = actual,
                    at = &listing.at,
                    want = want
                );
                out.at(ctx, item, "hash-mismatch", text);
            }
        }
    }
}

fn manifest_level(out: &mut Out, m: &Manifest) {
    if let Some(note) = m.note.as_ref().filter(|_| m.unresolved) {
        let text = text!("manifest-paths-unresolved", manifest = m.path.display(), note = note);
        out.emit("manifest-paths-unresolved", None, None, text);
    }
    for bad in &m.bad_lines {
        let text = text!(
            "manifest-line-invalid",
            manifest = m.path.display(),
            line = bad.line,
            problem = &bad.problem
        );
        out.emit("manifest-line-invalid", None, None, text);
    }
    for problem in m.bag.iter().flat_map(|b| &b.problems) {
        let text = text!("bag-tag-mismatch", manifest = m.path.display(), problem = problem);
        out.emit("bag-tag-mismatch", None, None, text);
    }
}

/// A bag's payload folder (`data/`) below the delivery root, `Err` when the delivery is
/// not inside it; `None` for a manifest without a Payload-Oxum.
fn payload_of(m: &Manifest, root: &std::path::Path) -> Option<Result<std::path::PathBuf, ()>> {
    m.bag.as_ref().and_then(|b| b.oxum)?;
    let bag = m.bag.as_ref()?;
    let payload = std::path::absolute(bag.dir.join("data")).unwrap_or_default();
    Some(match payload.strip_prefix(root) {
        Ok(p) => Ok(p.to_path_buf()),
        Err(_) if payload == root => Ok(Default::default()),
        Err(_) => Err(()),
    })
}

/// Checks a bag's Payload-Oxum (octets and file count of its `data/` folder) against
/// the regular files delivered there.
fn payload_oxum(out: &mut Out, m: &Manifest, payload: Option<&Payload>) {
    let (Some((octets, files)), Some(p)) = (m.bag.as_ref().and_then(|b| b.oxum), payload) else {
        return;
    };
    let (n, bytes) = (p.files, p.bytes);
    if p.folder.is_err() {
        let text = text!("bag-oxum-mismatch.outside", manifest = m.path.display());
        out.emit("bag-oxum-mismatch", None, None, text);
    } else if (bytes, n) != (octets, files) {
        let text = text!("bag-oxum-mismatch", octets = octets, files = files, bytes = bytes, n = n);
        out.emit("bag-oxum-mismatch", None, None, text);
    }
}

fn nfc_key(rel: &RelPath) -> String {
    rel.escaped().nfc().collect()
}

/// " (differs only in letter case from 'X')".
fn case_hint(other: Option<&str>) -> Arg {
    match other {
        Some(other) => text!("phrase.case-hint", other = other).into_arg(),
        None => Arg::Plain(String::new()),
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
