//! Manifests: the vendor's list of digests, and where each listed path lands.
//!
//! Reads every format vendors hand over (auto-detected, or named): GNU coreutils
//! `sha256sum`/`md5sum`/... output, BSD tag lines, BagIt bags, and hashdeep audit files.
//! A manifest's paths are relative to its own folder, as `sha256sum -c` run there
//! resolves them, unless the user names another root. A line that cannot be read, or
//! whose path leads outside the delivery, is kept with its line number for a finding,
//! and is never opened.

pub mod bagit;
pub mod bsd;
pub mod coreutils;
pub mod fixity;
pub mod hashdeep;
mod place;

use crate::delivery::relpath::RelPath;
use crate::digest::Algorithm;
use anyhow::{Context, bail};
use place::place;
use sha2::{Digest, Sha256};
use std::collections::BTreeSet;
use std::path::{Component, Path, PathBuf};

/// A manifest format.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// GNU coreutils `sha256sum`, `sha512sum`, `sha1sum`, `md5sum` (also `sm3sum`,
    /// `b3sum`): `<hex>  <path>`; vouch's accepted manifests use it too.
    Coreutils,
    /// BSD tag lines: `SHA256 (path) = <hex>`.
    Bsd,
    /// A BagIt bag's `manifest-<alg>.txt`.
    Bagit,
    /// A hashdeep/md5deep audit file.
    Hashdeep,
}

impl Format {
    /// Name for reports.
    pub fn name(self) -> &'static str {
        match self {
            Format::Coreutils => "coreutils",
            Format::Bsd => "bsd",
            Format::Bagit => "bagit",
            Format::Hashdeep => "hashdeep",
        }
    }
}

/// One line as a format parser read it, before its path is placed.
#[derive(Clone, Debug, PartialEq)]
pub struct Parsed {
    /// The listed name, raw bytes, unescaped.
    pub name: Vec<u8>,
    /// Digests listed for it.
    pub digests: Vec<(Algorithm, String)>,
    /// Size in bytes, where the format lists it.
    pub size: Option<u64>,
}

/// One usable manifest line.
#[derive(Clone, Debug)]
pub struct Entry {
    /// The listed path, relative to the delivery root.
    pub rel: RelPath,
    /// Lowercase hex digests listed for it.
    pub digests: Vec<(Algorithm, String)>,
    /// Listed size, where the format has one.
    pub size: Option<u64>,
    /// Line number in the manifest.
    pub line: u64,
}

/// A manifest line that could not be used.
#[derive(Clone, Debug)]
pub struct BadLine {
    /// Line number in the manifest.
    pub line: u64,
    /// What is wrong.
    pub problem: String,
}

/// A manifest, read.
#[derive(Clone, Debug)]
pub struct Manifest {
    /// The manifest file as given.
    pub path: PathBuf,
    /// SHA-256 of the manifest's bytes, pinned in the report.
    pub sha256: String,
    /// Its format.
    pub format: Format,
    /// Usable entries.
    pub entries: Vec<Entry>,
    /// Lines that could not be used.
    pub bad_lines: Vec<BadLine>,
    /// The bag around a BagIt manifest.
    pub bag: Option<bagit::Bag>,
    /// The folder its paths were resolved against.
    pub root: Base,
    /// Where its listed paths land, when they do not land where they were resolved: the
    /// manifest names no delivered file (with the nearest match found), or resolves
    /// against the delivery root instead of its own folder.
    pub note: Option<String>,
    /// None of its sampled paths names a delivered file, against its own folder or the
    /// delivery root: its entries are not judged one by one (one finding says so).
    pub unresolved: bool,
}

/// The folder a manifest's paths were resolved against (`manifests[].root`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Base {
    /// Its own folder, as `sha256sum -c` run there resolves them.
    ManifestFolder,
    /// The delivery root: none of its paths resolved against its own folder but they do
    /// against the root (a hashdeep audit made inside the delivery and saved beside it).
    DeliveryRoot,
    /// The folder the user named (`--manifest-root`).
    Given,
}

impl Base {
    /// Name for reports.
    pub fn name(self) -> &'static str {
        match self {
            Base::ManifestFolder => "manifest-folder",
            Base::DeliveryRoot => "delivery-root",
            Base::Given => "given",
        }
    }
}

/// How to read a manifest.
#[derive(Clone, Copy, Debug, Default)]
pub struct Options<'a> {
    /// Folder its paths are relative to (default: the manifest's own folder).
    pub base: Option<&'a Path>,
    /// Format (default: detected).
    pub format: Option<Format>,
    /// Algorithm of a coreutils manifest (default: from the file name, else the length).
    pub algorithm: Option<Algorithm>,
}

impl Manifest {
    /// Every algorithm the manifest's entries need.
    pub fn algorithms(&self) -> BTreeSet<Algorithm> {
        self.entries.iter().flat_map(|e| e.digests.iter().map(|(a, _)| *a)).collect()
    }

    /// Reads a manifest; `root` is the canonical delivery root.
    pub fn read(path: &Path, root: &Path, opts: Options) -> anyhow::Result<Manifest> {
        let bytes = std::fs::read(path)
            .with_context(|| format!("reading manifest '{}'", path.display()))?;
        Manifest::from_bytes(path, &bytes, root, opts)
    }

    /// Reads a manifest already in memory; `path` is where it lives (its folder is the
    /// default base, its name may state the algorithm), `root` the canonical delivery
    /// root. Looks at the disk for where a sample of its paths land ([`place`]) and, for
    /// a BagIt manifest, for the tag files around it.
    pub fn from_bytes(
        path: &Path,
        bytes: &[u8],
        root: &Path,
        opts: Options,
    ) -> anyhow::Result<Manifest> {
        // Parsed lazily, twice: once for a sample of names to place the paths, once into
        // entries. No vector of every parsed line is held (issue #17: memory per entry).
        let format = opts.format.unwrap_or_else(|| detect(path, bytes));
        let parse = || parse_lines(path, bytes, format, opts.algorithm);
        let placed = place(path, &place::sample(bytes, parse()), root, opts.base)?;
        let mut m = Manifest {
            path: path.to_path_buf(),
            sha256: hex::encode(Sha256::digest(bytes)),
            format,
            entries: Vec::new(),
            bad_lines: Vec::new(),
            bag: (format == Format::Bagit).then(|| bagit::read_bag(path)),
            root: placed.base,
            note: placed.note,
            unresolved: placed.unresolved,
        };
        for (line, parsed) in parse() {
            match parsed.and_then(|p| Ok((locate(&p.name, &placed.dir, root)?, p))) {
                Ok((rel, mut p)) => {
                    p.digests.shrink_to_fit();
                    m.entries.push(Entry { rel, digests: p.digests, size: p.size, line })
                }
                Err(problem) => m.bad_lines.push(BadLine { line, problem }),
            }
        }
        m.entries.shrink_to_fit();
        if m.entries.is_empty() && !m.bad_lines.is_empty() {
            let first = &m.bad_lines[0];
            bail!(
                "manifest '{}' ({} format): no line could be read; line {}: {} \
                 (name the format with --manifest-format if it was detected wrongly)",
                path.display(),
                format.name(),
                first.line,
                first.problem
            );
        }
        Ok(m)
    }
}

/// The hint when every digest of a manifest differs and its digests have 64 digits: the
/// length SHA-256, SM3 and BLAKE3 share, so a manifest whose name states no algorithm may
/// have been read with the wrong one. `flag` is the option that names it.
pub fn algorithm_hint(algorithms: &BTreeSet<Algorithm>, flag: &str) -> Option<String> {
    let ambiguous = [Algorithm::Sha256, Algorithm::Sm3, Algorithm::Blake3];
    let [read] = algorithms.iter().copied().collect::<Vec<_>>()[..] else { return None };
    ambiguous.contains(&read).then(|| {
        let others: Vec<&str> =
            ambiguous.iter().filter(|a| **a != read).map(|a| a.name()).collect();
        format!(
            "every digest differs: its 64-digit digests were read as {read}; if the manifest \
             was made with {} (b3sum, sm3sum, `vouch manifest -a`), say so with `{flag} {}` or \
             a file name that names the algorithm (manifest-blake3.txt)",
            others.join(" or "),
            others.join("|")
        )
    })
}

/// Non-blank lines with their 1-based numbers, CR stripped.
pub fn split_lines(bytes: &[u8]) -> impl Iterator<Item = (u64, &[u8])> {
    bytes
        .split(|&b| b == b'\n')
        .enumerate()
        .map(|(i, raw)| (i as u64 + 1, raw.strip_suffix(b"\r").unwrap_or(raw)))
        .filter(|(_, raw)| !raw.iter().all(u8::is_ascii_whitespace))
}

/// Detects the format from the content and the file name.
pub fn detect(path: &Path, bytes: &[u8]) -> Format {
    if hashdeep::looks_like(bytes) {
        Format::Hashdeep
    } else if bagit::is_bag_manifest(path) {
        Format::Bagit
    } else if split_lines(bytes).next().is_some_and(|(_, l)| bsd::looks_like(l)) {
        Format::Bsd
    } else {
        Format::Coreutils
    }
}

/// Every data line of a manifest: its 1-based number and what the format parser read.
pub type Lines = Vec<(u64, Result<Parsed, String>)>;

/// Parses a manifest's bytes in any of the four formats, touching nothing on disk: the
/// format is `opts.format` or detected, and `name` (the manifest's file name) is only
/// looked at for the algorithm it states. Paths are returned as listed, not yet placed
/// under a delivery root (that is [`Manifest::from_bytes`]); `opts.base` is unused.
pub fn parse_bytes(name: &Path, bytes: &[u8], opts: Options) -> (Format, Lines) {
    let format = opts.format.unwrap_or_else(|| detect(name, bytes));
    (format, parse_lines(name, bytes, format, opts.algorithm).collect())
}

/// One parsed data line at a time, in the manifest's order.
type LineIter<'a> = Box<dyn Iterator<Item = (u64, Result<Parsed, String>)> + 'a>;

fn parse_lines<'a>(
    path: &Path,
    bytes: &'a [u8],
    format: Format,
    alg: Option<Algorithm>,
) -> LineIter<'a> {
    match format {
        Format::Hashdeep => Box::new(hashdeep::parse(bytes)),
        Format::Bsd => Box::new(split_lines(bytes).map(|(n, l)| (n, bsd::parse_line(l)))),
        Format::Bagit => match alg.or_else(|| bagit::algorithm_of(path)) {
            Some(alg) => {
                Box::new(split_lines(bytes).map(move |(n, l)| (n, bagit::parse_line(l, alg))))
            }
            None => Box::new(std::iter::once((
                1,
                Err("the file name names no algorithm (manifest-<alg>.txt)".into()),
            ))),
        },
        Format::Coreutils => {
            let alg = alg.or_else(|| algorithm_in_name(path));
            Box::new(split_lines(bytes).map(move |(n, l)| (n, coreutils::parse_line(l, alg))))
        }
    }
}

/// The algorithm a manifest's file name states (`manifest-sm3.txt`, `SHA512SUMS`,
/// `files.md5`, `b3sums`), so 64-digit SM3 and BLAKE3 digests are not taken as SHA-256.
fn algorithm_in_name(path: &Path) -> Option<Algorithm> {
    let name = path.file_name()?.to_string_lossy().to_lowercase();
    [
        ("sha512", Algorithm::Sha512),
        ("sha256", Algorithm::Sha256),
        ("sha1", Algorithm::Sha1),
        ("md5", Algorithm::Md5),
        ("sm3", Algorithm::Sm3),
        ("blake3", Algorithm::Blake3),
        ("b3sum", Algorithm::Blake3),
    ]
    .into_iter()
    .find_map(|(needle, alg)| name.contains(needle).then_some(alg))
}

/// Resolves a listed name against `base`, lexically, and returns it relative to `root`.
fn locate(name: &[u8], base: &Path, root: &Path) -> Result<RelPath, String> {
    let listed = path_from_bytes(name);
    if listed.is_absolute() {
        return Err(format!("the path '{}' is absolute; it is never opened", listed.display()));
    }
    let mut full = base.to_path_buf();
    for c in listed.components() {
        match c {
            Component::Normal(p) => full.push(p),
            Component::ParentDir => {
                full.pop();
            }
            _ => {}
        }
    }
    match full.strip_prefix(root) {
        Ok(rel) if rel.as_os_str().is_empty() => Err("the path names the delivery root".into()),
        Ok(rel) => Ok(RelPath::new(rel)),
        Err(_) => Err(format!(
            "the path '{}' leads outside the delivery; it is never opened",
            listed.display()
        )),
    }
}

#[cfg(unix)]
fn path_from_bytes(bytes: &[u8]) -> PathBuf {
    use std::os::unix::ffi::OsStrExt;
    PathBuf::from(std::ffi::OsStr::from_bytes(bytes))
}

#[cfg(not(unix))]
fn path_from_bytes(bytes: &[u8]) -> PathBuf {
    PathBuf::from(String::from_utf8_lossy(bytes).into_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    const H: &str = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

    fn read_named(name: &str, text: &str) -> anyhow::Result<Manifest> {
        let dir = tempfile::tempdir().unwrap();
        let root = std::fs::canonicalize(dir.path()).unwrap();
        let p = root.join(name);
        std::fs::write(&p, text).unwrap();
        Manifest::read(&p, &root, Options::default())
    }

    fn read(text: &str) -> anyhow::Result<Manifest> {
        read_named("manifest-sha256.txt", text)
    }

    #[test]
    fn reads_text_binary_escaped_and_crlf_lines() {
        let text = format!(
            "{H}  a/0001.jpg\r\n{H} *b.tif\n\\{H}  c\\nd\\\\e\n\n{}  ./a/../f\n",
            H.to_uppercase()
        );
        let m = read(&text).unwrap();
        let paths: Vec<_> = m.entries.iter().map(|e| e.rel.escaped()).collect();
        assert_eq!(paths, ["a/0001.jpg", "b.tif", "c\nd\\e", "f"]);
        assert!(m.entries.iter().all(|e| e.digests == [(Algorithm::Sha256, H.to_string())]));
        assert_eq!(m.entries[3].line, 5);
    }

    #[test]
    fn bad_and_escaping_lines_are_reported_with_line_numbers() {
        let m = read(&format!("{H}  ok\nnot a line\n{H}  ../outside\n{H}  /etc/passwd\n")).unwrap();
        let lines: Vec<_> = m.bad_lines.iter().map(|b| b.line).collect();
        assert_eq!(lines, [2, 3, 4]);
        assert!(m.bad_lines[1].problem.contains("outside the delivery"));
    }

    #[test]
    fn a_manifest_with_no_usable_line_is_an_error() {
        let err = read("hello\nworld\n").unwrap_err().to_string();
        assert!(err.contains("line 1"), "{err}");
    }

    #[test]
    fn the_file_name_says_sm3() {
        let m = read_named("manifest-sm3.txt", &format!("{H}  a\n")).unwrap();
        assert_eq!(m.algorithms().into_iter().collect::<Vec<_>>(), [Algorithm::Sm3]);
    }

    #[test]
    fn formats_are_detected() {
        let bsd = read_named("CHECKSUMS", &format!("SHA256 (a) = {H}\n")).unwrap();
        assert_eq!(bsd.format, Format::Bsd);
        let deep = read_named("audit.txt", "%%%% HASHDEEP-1.0\n%%%% size,md5,filename\n").err();
        assert!(deep.is_none(), "an empty hashdeep file reads as no entries");
    }
}
