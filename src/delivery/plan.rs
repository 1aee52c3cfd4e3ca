//! Plan: map every delivered entry to a catalogue record and page, or to nothing.
//!
//! This is where the profile's layout is applied: record folders named by reference
//! code, page files named by sequence number, multi-page files named by the code. The
//! plan only classifies; judging (which classification is a finding) is the rules'.

use crate::catalogue::{Catalogue, Match};
use crate::delivery::relpath::RelPath;
use crate::delivery::walk::{Entry, Kind, Listing, WalkError};
use crate::profile::Profile;
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// What an entry is to the delivery's layout. A FIFO, socket or device gets the role its
/// name gives it (a socket named `0003.tif` still takes page 3's place, so one defect
/// yields one finding rather than a cascade of gaps and count mismatches); its kind keeps
/// it from ever being opened.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Role {
    /// A record's top-level folder.
    RecordDir,
    /// A page file inside a record folder, with its sequence number.
    Page(u32),
    /// A multi-page file named by its record's code.
    Multipage,
    /// A file in a record folder whose name fits no pattern.
    Stray,
    /// A folder inside a record folder.
    NestedDir,
    /// Anything below a nested folder.
    InNestedDir,
    /// A top-level entry matching no catalogue record.
    Unexpected,
    /// Anything below an unexpected top-level folder.
    InUnexpected,
    /// A root-level file that is not a record: manifests, catalogues, notes.
    Ancillary,
    /// System junk (Thumbs.db, .DS_Store, ...).
    Junk,
    /// A symbolic link (never followed).
    Link,
    /// One of vouch's own inputs (the catalogue or a manifest) stored in the delivery.
    Input,
}

/// One planned entry.
#[derive(Clone, Debug)]
pub struct Item {
    /// Path below the delivery root.
    pub rel: RelPath,
    /// Regular file, folder, link or special file.
    pub kind: Kind,
    /// Size in bytes (regular files).
    pub size: u64,
    /// Modification time, ns since the epoch (regular files).
    pub mtime_ns: i128,
    /// Inode number (regular files on Unix): the single reader's on-disk order.
    pub ino: u64,
    /// Index of the catalogue record this entry falls in, if any.
    pub record: Option<usize>,
    /// What it is to the layout.
    pub role: Role,
}

impl Item {
    /// Whether the file is read and inspected (regular, and not junk or vouch's input).
    pub fn is_inspected(&self) -> bool {
        self.kind == Kind::File && !matches!(self.role, Role::Junk | Role::Input)
    }

    /// Whether the entry's own name (its last component) is not valid UTF-8.
    pub fn file_name_is_not_utf8(&self) -> bool {
        self.rel.file_name().is_some_and(|n| n.to_str().is_none())
    }

    /// Whether its pages are decoded and judged against the profile.
    pub fn is_page_file(&self) -> bool {
        matches!(self.role, Role::Page(_) | Role::Multipage)
    }
}

/// The delivery's top level, classified before anything is read: where each record was
/// delivered, and after which top-level entry all of a record's entries have been seen
/// (so the rules can judge it and let its facts go). Grows with the top level (records),
/// never with the pages.
#[derive(Debug, Default)]
pub struct Top {
    /// Every top-level entry, in walk order.
    pub entries: Vec<TopEntry>,
    /// Per catalogue record (same index): where it was delivered (its folder, or its
    /// root-level multi-page file), if anywhere.
    pub locations: Vec<Option<RelPath>>,
    /// Per catalogue record: the index in `entries` of its last top-level entry.
    pub last: Vec<Option<usize>>,
    /// Places the walk could not list at the top level.
    pub errors: Vec<WalkError>,
}

/// One top-level entry, classified.
#[derive(Clone, Debug)]
pub struct TopEntry {
    /// The entry as listed.
    pub entry: Entry,
    /// What it is to the layout.
    pub role: Role,
    /// The record it is, if any.
    pub record: Option<usize>,
    /// Its name matched the record's code only after normalization.
    pub normalized: bool,
}

/// One classified entry as the walk streams it.
#[derive(Clone, Debug)]
pub struct Planned {
    /// The entry.
    pub item: Item,
    /// Its name matched its record's code only after normalization.
    pub normalized: bool,
}

/// Entries judged together: a run of top-level entries with everything below them,
/// holding every entry of the records it touches (usually one record folder or file).
#[derive(Debug, Default)]
pub struct Plan {
    /// Every entry, in path order.
    pub items: Vec<Item>,
    /// Per catalogue record present here: indices into `items` of its entries.
    pub by_record: BTreeMap<usize, Vec<usize>>,
    /// Places the walk could not list.
    pub walk_errors: Vec<WalkError>,
    /// Indices into `items` of entries whose name matched their record's code only after
    /// normalization (full-width forms, invisible characters): `record-id-normalized`.
    pub normalized: Vec<usize>,
}

impl Plan {
    /// Adds an entry (in walk order).
    pub fn push(&mut self, planned: Planned) {
        let at = self.items.len();
        if planned.normalized {
            self.normalized.push(at);
        }
        if let Some(r) = planned.item.record {
            self.by_record.entry(r).or_default().push(at);
        }
        self.items.push(planned.item);
    }

    /// Indices into `items` of record `r`'s entries (none if it is not here).
    pub fn record_items(&self, r: usize) -> &[usize] {
        self.by_record.get(&r).map_or(&[], Vec::as_slice)
    }

    /// The records present here, in catalogue order.
    pub fn records(&self) -> impl Iterator<Item = usize> + '_ {
        self.by_record.keys().copied()
    }
}

/// Classifies the top-level listing. `inputs` are vouch's own input files found inside
/// the delivery.
pub fn top(
    listing: Listing,
    cat: &Catalogue,
    profile: &Profile,
    inputs: &BTreeSet<RelPath>,
) -> Top {
    let mut top = Top {
        locations: vec![None; cat.records.len()],
        last: vec![None; cat.records.len()],
        errors: listing.errors,
        entries: Vec::with_capacity(listing.entries.len()),
    };
    for entry in listing.entries {
        let ((role, record), matched) = if inputs.contains(&entry.rel) {
            ((Role::Input, None), None)
        } else {
            classify_top(&entry, cat, profile)
        };
        if let Some(r) = record {
            top.locations[r].get_or_insert_with(|| entry.rel.clone());
            top.last[r] = Some(top.entries.len());
        }
        let normalized = matched == Some(Match::Normalized);
        top.entries.push(TopEntry { entry, role, record, normalized });
    }
    top
}

/// Streams top-level entry `t` of `top` and everything below it, classified, in walk
/// order; places that could not be listed come as errors.
pub fn stream(
    root: &Path,
    (top, t): (&Top, usize),
    (cat, profile, inputs): (&Catalogue, &Profile, &BTreeSet<RelPath>),
    mut emit: impl FnMut(Result<Planned, WalkError>),
) {
    let first = &top.entries[t];
    let (role, record) = (first.role, first.record);
    let Entry { rel, kind, size, mtime_ns, ino } = first.entry.clone();
    let item = Item { rel, kind, size, mtime_ns, ino, record, role };
    emit(Ok(Planned { item, normalized: first.normalized }));
    let mut nested: Option<RelPath> = None;
    let descend = |name: &std::ffi::OsStr| !profile.is_junk(name);
    crate::delivery::walk::below(root, &first.entry, &descend, |next| {
        let entry = match next {
            Ok(entry) => entry,
            Err(e) => return emit(Err(e)),
        };
        let (role, matched) = if inputs.contains(&entry.rel) {
            (Role::Input, None)
        } else {
            classify_below(&entry, (role, record), nested.as_ref(), cat, profile)
        };
        if role == Role::NestedDir {
            nested = Some(entry.rel.clone());
        }
        let record = if role == Role::Input { None } else { record };
        let Entry { rel, kind, size, mtime_ns, ino } = entry;
        let item = Item { rel, kind, size, mtime_ns, ino, record, role };
        emit(Ok(Planned { item, normalized: matched == Some(Match::Normalized) }));
    });
}

/// Role of a top-level entry, the record it belongs to, and how its name matched.
fn classify_top(
    entry: &Entry,
    cat: &Catalogue,
    profile: &Profile,
) -> ((Role, Option<usize>), Option<Match>) {
    let name = entry.rel.file_name().unwrap_or_default();
    match entry.kind {
        Kind::Symlink => return ((Role::Link, None), None),
        _ if profile.is_junk(name) => return ((Role::Junk, None), None),
        _ => {}
    }
    let Some(name) = name.to_str() else { return ((Role::Unexpected, None), None) };
    if entry.kind == Kind::Dir {
        return match cat.lookup(name) {
            Some((r, how)) => ((Role::RecordDir, Some(r)), Some(how)),
            None => ((Role::Unexpected, None), None),
        };
    }
    if let Some((r, how)) = multipage_record(name, cat, profile) {
        return ((Role::Multipage, Some(r)), Some(how));
    }
    if profile.layout.ancillary.iter().any(|re| re.is_match(name)) {
        return ((Role::Ancillary, None), None);
    }
    ((Role::Unexpected, None), None)
}

/// The record a `<code>.<ext>` multi-page file name stands for, and how it matched.
fn multipage_record(name: &str, cat: &Catalogue, profile: &Profile) -> Option<(usize, Match)> {
    let (stem, ext) = name.rsplit_once('.')?;
    let ext = ext.to_ascii_lowercase();
    profile.layout.multipage_extensions.contains(&ext).then(|| cat.lookup(stem)).flatten()
}

/// Role of an entry below the top level, given its top-level entry's role; for a
/// multi-page file named by the code, how its name matched.
fn classify_below(
    entry: &Entry,
    (top_role, record): (Role, Option<usize>),
    nested: Option<&RelPath>,
    cat: &Catalogue,
    profile: &Profile,
) -> (Role, Option<Match>) {
    let name = entry.rel.file_name().unwrap_or_default();
    let role = match entry.kind {
        Kind::Symlink => Role::Link,
        _ if profile.is_junk(name) => Role::Junk,
        _ if top_role != Role::RecordDir => Role::InUnexpected,
        _ if nested.is_some_and(|n| entry.rel.as_path().starts_with(n.as_path())) => {
            Role::InNestedDir
        }
        Kind::Dir => Role::NestedDir,
        _ => return classify_file(name.to_str(), record, cat, profile),
    };
    (role, None)
}

/// Role of a file directly in a record folder: a page, the record's multi-page file, or
/// stray.
fn classify_file(
    name: Option<&str>,
    record: Option<usize>,
    cat: &Catalogue,
    profile: &Profile,
) -> (Role, Option<Match>) {
    let Some(name) = name else { return (Role::Stray, None) };
    if let Some(number) = page_number(name, profile) {
        return (Role::Page(number), None);
    }
    match multipage_record(name, cat, profile) {
        Some((r, how)) if Some(r) == record => (Role::Multipage, Some(how)),
        _ => (Role::Stray, None),
    }
}

fn page_number(name: &str, profile: &Profile) -> Option<u32> {
    let caps = profile.layout.page.captures(name)?;
    caps.name("page")?.as_str().parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The whole delivery below `root` as one plan, with its top level (`vouch check`
    /// streams instead).
    fn whole(
        root: &Path,
        cat: &Catalogue,
        profile: &Profile,
        inputs: &BTreeSet<RelPath>,
    ) -> (Top, Plan) {
        let top = top(crate::delivery::walk::top(root), cat, profile, inputs);
        let mut plan = Plan::default();
        for t in 0..top.entries.len() {
            stream(root, (&top, t), (cat, profile, inputs), |next| match next {
                Ok(p) => plan.push(p),
                Err(e) => plan.walk_errors.push(e),
            });
        }
        plan.walk_errors.splice(0..0, top.errors.iter().cloned());
        (top, plan)
    }

    fn fixture() -> (tempfile::TempDir, Catalogue, Profile) {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("d");
        for f in ["A-1/0001.jpg", "A-1/0002.tif", "A-1/A-1.pdf", "A-1/scan.jpg", "A-1/x/0003.jpg"]
            .iter()
            .chain(&[
                "A-2.pdf",
                "Z-9/0001.jpg",
                "manifest-sha256.txt",
                "notes.doc",
                "A-1/Thumbs.db",
            ])
        {
            let p = root.join(f);
            std::fs::create_dir_all(p.parent().unwrap()).unwrap();
            std::fs::write(p, b"x").unwrap();
        }
        let csv = dir.path().join("c.csv");
        std::fs::write(&csv, "dh,ys\nA-1,3\nA-2,2\nA-3,1\n").unwrap();
        let profile = Profile::load("dat31").unwrap();
        let cat = Catalogue::read(&csv, &profile.catalogue, &Default::default()).unwrap();
        (dir, cat, profile)
    }

    #[test]
    fn classifies_the_dat31_layout() {
        let (dir, cat, profile) = fixture();
        let root = dir.path().join("d");
        let (top, plan) = whole(&root, &cat, &profile, &BTreeSet::new());
        let got: Vec<_> = plan.items.iter().map(|i| (i.rel.escaped(), i.role, i.record)).collect();
        let want = [
            ("A-1", Role::RecordDir, Some(0)),
            ("A-1/0001.jpg", Role::Page(1), Some(0)),
            ("A-1/0002.tif", Role::Page(2), Some(0)),
            ("A-1/A-1.pdf", Role::Multipage, Some(0)),
            ("A-1/Thumbs.db", Role::Junk, Some(0)),
            ("A-1/scan.jpg", Role::Stray, Some(0)),
            ("A-1/x", Role::NestedDir, Some(0)),
            ("A-1/x/0003.jpg", Role::InNestedDir, Some(0)),
            ("A-2.pdf", Role::Multipage, Some(1)),
            ("Z-9", Role::Unexpected, None),
            ("Z-9/0001.jpg", Role::InUnexpected, None),
            ("manifest-sha256.txt", Role::Ancillary, None),
            ("notes.doc", Role::Unexpected, None),
        ];
        let want: Vec<_> = want.iter().map(|(p, r, i)| (p.to_string(), *r, *i)).collect();
        assert_eq!(got, want);
        assert_eq!(top.locations[0].as_ref().unwrap().escaped(), "A-1");
        assert_eq!(top.locations[1].as_ref().unwrap().escaped(), "A-2.pdf");
        assert!(top.locations[2].is_none());
        assert!(plan.normalized.is_empty());
    }

    #[test]
    fn full_width_and_zero_width_names_match_after_normalization() {
        let (dir, cat, profile) = fixture();
        let root = dir.path().join("n");
        for f in ["Ａ－１/0001.jpg", "A-2\u{200b}.pdf", "A-3\u{a0}/A-3.pdf", "A-3\u{a0}/Ａ-3.pdf"]
        {
            let p = root.join(f);
            std::fs::create_dir_all(p.parent().unwrap()).unwrap();
            std::fs::write(p, b"x").unwrap();
        }
        let (_, plan) = whole(&root, &cat, &profile, &BTreeSet::new());
        let got: Vec<_> = plan.items.iter().map(|i| (i.role, i.record)).collect();
        assert_eq!(
            got,
            [
                (Role::Multipage, Some(1)),
                (Role::RecordDir, Some(2)),
                (Role::Multipage, Some(2)),
                (Role::Multipage, Some(2)),
                (Role::RecordDir, Some(0)),
                (Role::Page(1), Some(0)),
            ]
        );
        assert_eq!(plan.normalized, [0, 1, 3, 4]);
    }
}
