//! Walk: list everything in the delivery once, exactly as it is on disk.
//!
//! Symbolic links are listed, never followed (a link loop or a link out of the delivery
//! must not send the check elsewhere). Names are kept as raw bytes. Entries come out
//! sorted by name at every level (in the order of their escaped paths, see [`order`]), so
//! every later stage and the report are deterministic. A check streams the walk one
//! top-level entry at a time ([`top`], [`below`]): nothing here grows with the delivery
//! but the listing of its top level.
//! Nothing is opened for reading here; only directory listings and `lstat`.

use crate::delivery::relpath::RelPath;
use std::ffi::OsStr;
use std::path::Path;
use walkdir::WalkDir;

/// What kind of thing an entry is, from `lstat` (links not followed).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// A regular file.
    File,
    /// A directory.
    Dir,
    /// A symbolic link (never followed).
    Symlink,
    /// A FIFO, socket or device: never opened. The name says which.
    Special(&'static str),
}

/// One entry below the delivery root.
#[derive(Clone, Debug)]
pub struct Entry {
    /// Path relative to the root.
    pub rel: RelPath,
    /// What it is.
    pub kind: Kind,
    /// Size in bytes (regular files; 0 otherwise).
    pub size: u64,
    /// Modification time, nanoseconds since the Unix epoch (regular files; 0 otherwise):
    /// with the size, how a resumed run knows a file is unchanged.
    pub mtime_ns: i128,
    /// Inode number (regular files on Unix; 0 otherwise): the on-disk order a single
    /// reader follows (`--io-threads 1`), as close to extent order as vouch can get
    /// without `unsafe` ioctls; on most file systems inodes of files written in one go
    /// are allocated in write order, near their data.
    pub ino: u64,
}

/// A place the walk could not list or stat.
#[derive(Clone, Debug)]
pub struct WalkError {
    /// Path relative to the root.
    pub rel: RelPath,
    /// The operating system's reason.
    pub message: String,
}

/// The delivery as listed.
#[derive(Debug, Default)]
pub struct Listing {
    /// Every entry, sorted by path.
    pub entries: Vec<Entry>,
    /// What could not be listed.
    pub errors: Vec<WalkError>,
}

/// Lists everything below `root` into memory. `descend` decides, from a directory's name,
/// whether to look inside it (junk folders such as `$RECYCLE.BIN` are listed but not
/// entered). For tools over small trees; `vouch check` streams with [`top`] and [`below`].
pub fn walk(root: &Path, descend: impl Fn(&OsStr) -> bool) -> Listing {
    let mut out = top(root);
    for t in std::mem::take(&mut out.entries) {
        let at = out.entries.len();
        out.entries.push(t);
        below(root, &out.entries[at].clone(), &descend, |next| match next {
            Ok(e) => out.entries.push(e),
            Err(e) => out.errors.push(e),
        });
    }
    out
}

/// The entries directly in `root`, in walk order: what the check classifies before it
/// reads anything (one entry per record folder or multi-page file, not per page).
pub fn top(root: &Path) -> Listing {
    let mut out = Listing::default();
    visit(root, WalkDir::new(root).max_depth(1), &|_| false, |next| match next {
        Ok(e) => out.entries.push(e),
        Err(e) => out.errors.push(e),
    });
    out
}

/// Streams everything below the top-level entry `top` (not `top` itself) in walk order,
/// holding only the listings of the folders being walked: a folder is entered when it
/// is a directory and `descend` accepts its name.
pub fn below(
    root: &Path,
    top: &Entry,
    descend: &impl Fn(&OsStr) -> bool,
    visit_one: impl FnMut(Result<Entry, WalkError>),
) {
    let name = top.rel.file_name().unwrap_or_default();
    if top.kind != Kind::Dir || !descend(name) {
        return;
    }
    visit(root, WalkDir::new(root.join(top.rel.as_path())), descend, visit_one);
}

/// Runs `walker` (links never followed, depth 0 left out, siblings in [`order`]) and
/// hands every entry or error below `root` to `visit_one`.
fn visit(
    root: &Path,
    walker: WalkDir,
    descend: &impl Fn(&OsStr) -> bool,
    mut visit_one: impl FnMut(Result<Entry, WalkError>),
) {
    let mut it = walker.follow_links(false).min_depth(1).sort_by(order).into_iter();
    while let Some(next) = it.next() {
        let entry = match next {
            Ok(entry) => entry,
            Err(e) => {
                let path = e.path().unwrap_or(root);
                let message = e.io_error().map_or_else(|| e.to_string(), |io| io.to_string());
                visit_one(Err(WalkError { rel: relative(root, path), message }));
                continue;
            }
        };
        let rel = relative(root, entry.path());
        let kind = kind_of(entry.file_type());
        if kind == Kind::Dir && !descend(entry.file_name()) {
            it.skip_current_dir();
        }
        let (size, mtime_ns, ino) = match (kind, entry.metadata()) {
            (Kind::File, Ok(m)) => (m.len(), mtime_of(&m), ino_of(&m)),
            (Kind::File, Err(e)) => {
                visit_one(Err(WalkError { rel: rel.clone(), message: e.to_string() }));
                (0, 0, 0)
            }
            _ => (0, 0, 0),
        };
        visit_one(Ok(Entry { rel, kind, size, mtime_ns, ino }));
    }
}

/// Sibling order that puts the files of the walk's depth-first order in the order of the
/// escaped paths the report lists (`A-B/1.jpg` before `A/1.jpg`, since `-` sorts before `/`): a
/// folder's name compares as if followed by `/`. So `files[]` can be written as the walk
/// goes, never sorted in memory (issue #7).
fn order(a: &walkdir::DirEntry, b: &walkdir::DirEntry) -> std::cmp::Ordering {
    // Without the escape (valid UTF-8, no `%`), a name is its own escaped form: compare
    // the bytes as they are, with no allocation (this runs n log n times per folder).
    fn plain(e: &walkdir::DirEntry) -> Option<impl Iterator<Item = &u8>> {
        let name = e.file_name().to_str().filter(|n| !n.contains('%'))?;
        let slash: &[u8] = if e.file_type().is_dir() { b"/" } else { b"" };
        Some(name.as_bytes().iter().chain(slash))
    }
    if let (Some(x), Some(y)) = (plain(a), plain(b)) {
        return x.cmp(y);
    }
    let key = |e: &walkdir::DirEntry| {
        let mut k = crate::delivery::relpath::escape(e.file_name());
        if e.file_type().is_dir() {
            k.push('/');
        }
        k
    };
    key(a).cmp(&key(b))
}

/// Modification time in nanoseconds since the epoch (negative before it; 0 if unknown).
fn mtime_of(m: &std::fs::Metadata) -> i128 {
    let Ok(t) = m.modified() else { return 0 };
    match t.duration_since(std::time::UNIX_EPOCH) {
        Ok(d) => d.as_nanos() as i128,
        Err(e) => -(e.duration().as_nanos() as i128),
    }
}

#[cfg(unix)]
fn ino_of(m: &std::fs::Metadata) -> u64 {
    std::os::unix::fs::MetadataExt::ino(m)
}

#[cfg(not(unix))]
fn ino_of(_: &std::fs::Metadata) -> u64 {
    0
}

fn relative(root: &Path, path: &Path) -> RelPath {
    RelPath::new(path.strip_prefix(root).unwrap_or(path))
}

fn kind_of(ft: std::fs::FileType) -> Kind {
    if ft.is_symlink() {
        Kind::Symlink
    } else if ft.is_dir() {
        Kind::Dir
    } else if ft.is_file() {
        Kind::File
    } else {
        Kind::Special(special_name(ft))
    }
}

#[cfg(unix)]
fn special_name(ft: std::fs::FileType) -> &'static str {
    use std::os::unix::fs::FileTypeExt;
    if ft.is_fifo() {
        "a FIFO"
    } else if ft.is_socket() {
        "a socket"
    } else if ft.is_block_device() {
        "a block device"
    } else if ft.is_char_device() {
        "a character device"
    } else {
        "not a regular file"
    }
}

#[cfg(not(unix))]
fn special_name(_: std::fs::FileType) -> &'static str {
    "not a regular file"
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;

    #[test]
    fn lists_sorted_and_never_follows_links() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        std::fs::create_dir(root.join("b")).unwrap();
        std::fs::write(root.join("b/2.jpg"), b"x").unwrap();
        std::fs::write(root.join("a.txt"), b"xy").unwrap();
        std::os::unix::fs::symlink(root.join("b"), root.join("b/loop")).unwrap();
        let listing = walk(root, |_| true);
        let names: Vec<_> = listing.entries.iter().map(|e| (e.rel.escaped(), e.kind)).collect();
        assert_eq!(
            names,
            [
                ("a.txt".to_string(), Kind::File),
                ("b".into(), Kind::Dir),
                ("b/2.jpg".into(), Kind::File),
                ("b/loop".into(), Kind::Symlink)
            ]
        );
        assert_eq!(listing.entries[0].size, 2);
        let ino =
            std::os::unix::fs::MetadataExt::ino(&std::fs::metadata(root.join("a.txt")).unwrap());
        assert_eq!(listing.entries[0].ino, ino);
        assert!(listing.errors.is_empty());
    }

    #[test]
    fn junk_folders_are_listed_but_not_entered() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join("$RECYCLE.BIN")).unwrap();
        std::fs::write(dir.path().join("$RECYCLE.BIN/x"), b"x").unwrap();
        let listing = walk(dir.path(), |n| n != "$RECYCLE.BIN");
        assert_eq!(listing.entries.len(), 1);
    }

    #[test]
    fn the_walk_order_is_the_order_of_escaped_paths() {
        use std::os::unix::ffi::OsStrExt;
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        for d in ["A", "A-B", "A/x", "a%"] {
            std::fs::create_dir(root.join(d)).unwrap();
        }
        let bad = OsStr::from_bytes(b"A/\xff.jpg");
        for f in ["A/1.jpg", "A-B/1.jpg", "A.txt", "A/x/0.jpg", "A/x-y.jpg", "a%/1", "a$"] {
            std::fs::write(root.join(f), b"x").unwrap();
        }
        std::fs::write(root.join(bad), b"x").unwrap();
        // Files, as the report lists them (a folder's own entry precedes its contents).
        let entries = walk(root, |_| true).entries;
        let files = entries.iter().filter(|e| e.kind == Kind::File);
        let got: Vec<String> = files.map(|e| e.rel.escaped()).collect();
        let mut want = got.clone();
        want.sort();
        assert_eq!(got, want);
        assert_eq!(got.len(), 8);
        assert!(
            got.iter().position(|p| p == "A-B/1.jpg") < got.iter().position(|p| p == "A/1.jpg")
        );
    }
}
