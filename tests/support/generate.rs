//! Synthetic deliveries for vouch's tests: a catalogue, a delivery tree of real page files,
//! its sha256 manifest, and the findings each injected defect must produce.
//!
//! vouch's rules are only as trustworthy as the deliveries they are tried on. This module
//! builds one the way a vendor would (the `dat31` layout: a folder per reference code,
//! zero-padded page files, a multi-page PDF in place of a folder, a GBK catalogue written
//! as Excel does, a `sha256sum` manifest) and can inject each defect class exactly once, at
//! a deterministic place, writing down in `expected.json` exactly which findings (rule,
//! record, path) that defect must cause and nothing else. It is shared by the
//! `make-delivery` example and the integration tests, so the committed sample and the
//! tests' fixtures come from one generator.

#[path = "defects.rs"]
mod defects;
#[path = "encode.rs"]
pub mod encode;

use anyhow::{Context, Result, bail, ensure};
use encode::{Rng, TiffCompression, TiffResolution};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;
use std::ffi::OsStr;
use std::os::unix::ffi::OsStrExt;
use std::path::{Path, PathBuf};

/// One defect class: each is named by the rule it must make vouch report.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Defect {
    /// A catalogue record with no folder.
    RecordMissing,
    /// A folder named by a code the catalogue does not have.
    RecordUnexpected,
    /// A catalogue row repeated.
    RecordDuplicateId,
    /// The catalogue's page count is one more than delivered.
    PageCountMismatch,
    /// Pages renumbered to skip page 3 (count unchanged).
    PageGap,
    /// Page 3 delivered twice under two paddings (catalogue counts both).
    PageNumberDuplicate,
    /// A `cover.jpg` inside a record folder.
    PageNameInvalid,
    /// Page 3 a byte copy of page 2.
    PageDuplicateContent,
    /// Page 2 a truncated JPEG.
    FormatUnreadable,
    /// Page 2 a PNG named `.png`.
    FormatNotAllowed,
    /// Page 2 TIFF bytes named `.jpg`.
    FormatExtensionMismatch,
    /// Page 2 a JPEG at 150 dpi.
    ResolutionLow,
    /// Page 2 a JPEG with JFIF density unit 0.
    ResolutionMissing,
    /// The manifest's digest for page 1 is another file's.
    HashMismatch,
    /// Page 2 left out of the manifest.
    HashUnlisted,
    /// The manifest lists a page after the last one.
    HashMissingFile,
    /// The last page is a Unix socket.
    FileUnreadable,
    /// Page 2 has zero bytes.
    FileEmpty,
    /// A `Thumbs.db` in a record folder.
    FileJunk,
    /// An extra JPEG named with GBK bytes (档案.jpg).
    FileNameEncoding,
    /// A symlink loop `loop -> .` in a record folder.
    FileSymlink,
    /// A sub-folder `备份/` holding a scan, inside a record folder.
    DirUnexpected,
}

impl Defect {
    /// Every defect class, in the order they are assigned to records.
    pub const ALL: [Defect; 22] = [
        Defect::RecordMissing,
        Defect::RecordUnexpected,
        Defect::RecordDuplicateId,
        Defect::PageCountMismatch,
        Defect::PageGap,
        Defect::PageNumberDuplicate,
        Defect::PageNameInvalid,
        Defect::PageDuplicateContent,
        Defect::FormatUnreadable,
        Defect::FormatNotAllowed,
        Defect::FormatExtensionMismatch,
        Defect::ResolutionLow,
        Defect::ResolutionMissing,
        Defect::HashMismatch,
        Defect::HashUnlisted,
        Defect::HashMissingFile,
        Defect::FileUnreadable,
        Defect::FileEmpty,
        Defect::FileJunk,
        Defect::FileNameEncoding,
        Defect::FileSymlink,
        Defect::DirUnexpected,
    ];

    /// The rule id this defect must provoke.
    pub fn rule(self) -> &'static str {
        const RULES: [&str; 22] = [
            "record-missing",
            "record-unexpected",
            "record-duplicate-id",
            "page-count-mismatch",
            "page-gap",
            "page-number-duplicate",
            "page-name-invalid",
            "page-duplicate-content",
            "format-unreadable",
            "format-not-allowed",
            "format-extension-mismatch",
            "resolution-low",
            "resolution-missing",
            "hash-mismatch",
            "hash-unlisted",
            "hash-missing-file",
            "file-unreadable",
            "file-empty",
            "file-junk",
            "file-name-encoding",
            "file-symlink",
            "dir-unexpected",
        ];
        RULES[self as usize]
    }

    /// The defect named by `rule`, if there is one.
    pub fn from_rule(rule: &str) -> Option<Defect> {
        Defect::ALL.into_iter().find(|d| d.rule() == rule)
    }
}

/// What to generate.
#[derive(Clone, Debug)]
pub struct Options {
    /// Seed for every pixel, page count and title.
    pub seed: u64,
    /// Number of catalogue records; `None` for the smallest number that holds the defects
    /// plus the records that show every layout (at least 8).
    pub records: Option<usize>,
    /// Defects to inject, each once (order does not matter).
    pub defects: Vec<Defect>,
}

/// One finding a generated delivery must produce, as `expected.json` lists it.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Expected {
    /// Rule id.
    pub rule: String,
    /// Reference code, or null.
    pub record: Option<String>,
    /// Path relative to the delivery root, `%XX`-escaped, or null.
    pub path: Option<String>,
}

/// Where a generated delivery was written, and what vouch must find in it.
#[derive(Clone, Debug)]
pub struct Generated {
    /// `OUT/delivery`.
    pub delivery: PathBuf,
    /// `OUT/catalogue.csv` (GBK).
    pub catalogue: PathBuf,
    /// `OUT/delivery/manifest-sha256.txt`.
    pub manifest: PathBuf,
    /// `OUT/expected.json`.
    pub expected_file: PathBuf,
    /// The findings the defects must produce.
    pub expected: Vec<Expected>,
}

/// The fixed reference-code records of every delivery: record 1 is a multi-page PDF at
/// the root, record 2 a multi-page PDF in its folder; defects go to records 3, 4, ...
const FIRST_DEFECT_SLOT: usize = 2;
/// The 0-based index of the record with a Chinese reference code.
const CHINESE_CODE_INDEX: usize = 5;
/// The folder of the record-unexpected defect: a code no catalogue here has.
const UNEXPECTED_CODE: &str = "J001-WS-2020-Y-9999";
/// The manifest's name inside the delivery root.
pub const MANIFEST_NAME: &str = "manifest-sha256.txt";

/// Generates a delivery into `out` (which must not hold one already).
pub fn generate(out: &Path, opts: &Options) -> Result<Generated> {
    let mut defects = opts.defects.clone();
    defects.sort();
    defects.dedup();
    let needed = FIRST_DEFECT_SLOT + defects.len();
    let count = opts.records.unwrap_or(needed.max(8));
    ensure!(count >= needed, "{} defects need at least {needed} records", defects.len());
    ensure!(count < 9000, "at most 8999 records");
    let mut plan = Plan::new(opts.seed, count)?;
    for (slot, defect) in defects.iter().enumerate() {
        plan.inject(*defect, FIRST_DEFECT_SLOT + slot)?;
    }
    plan.write(out)
}

/// Reference code of the 0-based record `index`.
fn code(index: usize) -> String {
    if index == CHINESE_CODE_INDEX {
        format!("文书-2020-{:04}", index + 1)
    } else {
        format!("J001-WS-2020-Y-{:04}", index + 1)
    }
}

/// A plausible Chinese file title.
fn title(rng: &mut Rng) -> String {
    const ISSUERS: [&str; 6] = ["市档案局", "县人民政府", "市财政局", "教育局", "办公室", "人事处"];
    const SUBJECTS: [&str; 6] =
        ["年度工作计划", "档案数字化验收", "人员调配", "预算执行情况", "基建项目", "会议纪要"];
    const KINDS: [&str; 4] = ["通知", "报告", "请示", "批复"];
    let pick = |rng: &mut Rng, n: usize| rng.below(n as u64) as usize;
    let (i, s, k) = (pick(rng, 6), pick(rng, 6), pick(rng, 4));
    format!("{}关于{}的{}", ISSUERS[i], SUBJECTS[s], KINDS[k])
}

/// How the single-image pages of a record are encoded.
#[derive(Clone, Copy, Debug, PartialEq)]
enum PageKind {
    /// Greyscale JPEG, 300 dpi, `001.jpg`.
    JpegGrey,
    /// Colour JPEG at exactly the 200 dpi minimum, upper-case `001.JPG`.
    JpegColour,
    /// Bilevel CCITT G4 TIFF, 300 dpi, `001.tif`.
    G4Tiff,
    /// LZW greyscale TIFF, 300 dpi, four-digit `0001.tiff`.
    LzwTiff,
    /// Uncompressed greyscale TIFF, 118.11 px/cm (≈300 dpi), `001.tif`.
    RawTiff,
}

/// Page kinds in the order records 3, 4, 5, ... cycle through them: the bulky uncompressed
/// TIFF last, so a sample of six records stays small.
const KINDS: [PageKind; 5] = [
    PageKind::JpegGrey,
    PageKind::JpegColour,
    PageKind::G4Tiff,
    PageKind::LzwTiff,
    PageKind::RawTiff,
];

impl PageKind {
    fn ext(self) -> &'static str {
        match self {
            PageKind::JpegGrey => "jpg",
            PageKind::JpegColour => "JPG",
            PageKind::G4Tiff | PageKind::RawTiff => "tif",
            PageKind::LzwTiff => "tiff",
        }
    }

    fn digits(self) -> usize {
        if self == PageKind::LzwTiff { 4 } else { 3 }
    }

    fn encode(self, rng: &mut Rng) -> Result<Vec<u8>> {
        let grey = encode::render_grey(rng);
        match self {
            PageKind::JpegGrey => encode::jpeg(&grey, false, Some(300)),
            PageKind::JpegColour => encode::jpeg(&encode::to_rgb(&grey), true, Some(200)),
            PageKind::G4Tiff => Ok(encode::g4_tiff(&grey, 300)),
            PageKind::LzwTiff => {
                encode::grey_tiff(&grey, TiffCompression::Lzw, TiffResolution::dpi(300))
            }
            PageKind::RawTiff => {
                let res = TiffResolution { per_cm: true, n: 11811, d: 100 };
                encode::grey_tiff(&grey, TiffCompression::Uncompressed, res)
            }
        }
    }
}

/// How a record is delivered.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Layout {
    /// `<code>.pdf` directly at the root.
    RootPdf,
    /// `<code>/<code>.pdf`.
    FolderPdf,
    /// `<code>/001.ext`, `<code>/002.ext`, ...
    Pages(PageKind),
}

/// One catalogue record and how it is delivered.
#[derive(Clone, Debug)]
struct Record {
    code: String,
    title: String,
    /// The catalogue's 页数 (a defect may make it disagree with what is delivered).
    pages: u32,
    /// Pages actually written.
    delivered: u32,
    layout: Layout,
}

impl Record {
    /// Relative path of page `n` of a `Pages` record.
    fn page_path(&self, n: u32) -> Vec<u8> {
        let Layout::Pages(kind) = self.layout else { panic!("{} has no page files", self.code) };
        format!("{}/{:0w$}.{}", self.code, n, kind.ext(), w = kind.digits()).into_bytes()
    }

    /// Relative path of page `n` with another extension (same padding).
    fn page_path_ext(&self, n: u32, ext: &str) -> Vec<u8> {
        let Layout::Pages(kind) = self.layout else { panic!("{} has no page files", self.code) };
        format!("{}/{:0w$}.{ext}", self.code, n, w = kind.digits()).into_bytes()
    }

    /// Relative path of a file directly in the record's folder.
    fn in_folder(&self, name: &[u8]) -> Vec<u8> {
        [self.code.as_bytes(), b"/", name].concat()
    }
}

/// How a regular file appears in the manifest.
#[derive(Clone, Debug, PartialEq)]
enum Listing {
    /// With its own digest.
    Listed,
    /// Not at all (ancillary, junk, or the hash-unlisted defect).
    Unlisted,
    /// With this (wrong) digest.
    Digest(String),
}

/// One entry of the delivery tree (directories are implied by paths).
#[derive(Clone, Debug)]
enum Entry {
    File { bytes: Vec<u8>, listing: Listing },
    Socket,
    Symlink(Vec<u8>),
}

/// The whole delivery before it is written: records, tree, manifest extras, expectations.
struct Plan {
    rng: Rng,
    records: Vec<Record>,
    /// Codes whose catalogue row is repeated at the end.
    repeated: Vec<usize>,
    entries: BTreeMap<Vec<u8>, Entry>,
    /// Manifest lines for files that are not delivered: (path, digest).
    phantom: Vec<(Vec<u8>, String)>,
    expected: Vec<Expected>,
}

impl Plan {
    /// A clean delivery of `count` records.
    fn new(seed: u64, count: usize) -> Result<Plan> {
        let mut plan = Plan {
            rng: Rng::new(seed),
            records: Vec::new(),
            repeated: Vec::new(),
            entries: BTreeMap::new(),
            phantom: Vec::new(),
            expected: Vec::new(),
        };
        let readme = "本目录为数字化成果移交，清单见 manifest-sha256.txt。\n".as_bytes().to_vec();
        plan.entries.insert(b"readme.txt".to_vec(), file(readme, Listing::Unlisted));
        for index in 0..count {
            let layout = match index {
                0 => Layout::RootPdf,
                1 => Layout::FolderPdf,
                _ => Layout::Pages(KINDS[(index - FIRST_DEFECT_SLOT) % KINDS.len()]),
            };
            let pages = 3 + plan.rng.below(2) as u32;
            let title = title(&mut plan.rng);
            let record = Record { code: code(index), title, pages, delivered: pages, layout };
            plan.add_record_files(&record)?;
            plan.records.push(record);
        }
        Ok(plan)
    }

    /// Writes the clean files of `record`.
    fn add_record_files(&mut self, record: &Record) -> Result<()> {
        match record.layout {
            Layout::RootPdf | Layout::FolderPdf => {
                let mut jpegs = Vec::new();
                for _ in 0..record.pages {
                    jpegs.push(encode::jpeg(
                        &encode::render_grey(&mut self.rng),
                        false,
                        Some(300),
                    )?);
                }
                let name = format!("{}.pdf", record.code).into_bytes();
                let path =
                    if record.layout == Layout::RootPdf { name } else { record.in_folder(&name) };
                self.add(path, encode::pdf(&jpegs, 300)?);
            }
            Layout::Pages(kind) => {
                for n in 1..=record.pages {
                    let bytes = kind.encode(&mut self.rng)?;
                    self.add(record.page_path(n), bytes);
                }
            }
        }
        Ok(())
    }

    /// Adds a regular file listed in the manifest with its own digest.
    fn add(&mut self, path: Vec<u8>, bytes: Vec<u8>) {
        self.entries.insert(path, file(bytes, Listing::Listed));
    }

    /// Removes an entry that must exist, returning it.
    fn take(&mut self, path: &[u8]) -> Result<Entry> {
        self.entries.remove(path).with_context(|| format!("no entry {}", escape(path)))
    }

    /// A fresh 300 dpi greyscale JPEG page.
    fn jpeg_page(&mut self, dpi: Option<u16>) -> Result<Vec<u8>> {
        encode::jpeg(&encode::render_grey(&mut self.rng), false, dpi)
    }

    /// Records that the delivery must produce `rule` for `record` at `path`.
    fn expect(&mut self, rule: &str, record: Option<&str>, path: Option<&[u8]>) {
        self.expected.push(Expected {
            rule: rule.to_string(),
            record: record.map(str::to_string),
            path: path.map(escape),
        });
    }
}

/// A regular file entry.
fn file(bytes: Vec<u8>, listing: Listing) -> Entry {
    Entry::File { bytes, listing }
}

/// Lowercase hex SHA-256.
pub fn sha256_hex(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

/// The report's path escape: valid UTF-8 kept, `%` as `%25`, other bytes as `%XX`.
pub fn escape(path: &[u8]) -> String {
    let mut out = String::new();
    for chunk in path.utf8_chunks() {
        for c in chunk.valid().chars() {
            if c == '%' { out.push_str("%25") } else { out.push(c) }
        }
        for b in chunk.invalid() {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

impl Plan {
    /// Writes the tree, then the manifest, the GBK catalogue and `expected.json`.
    fn write(self, out: &Path) -> Result<Generated> {
        let delivery = out.join("delivery");
        if delivery.exists() {
            bail!("{} already exists; remove it first", delivery.display());
        }
        std::fs::create_dir_all(&delivery)
            .with_context(|| format!("creating {}", delivery.display()))?;
        for (path, entry) in &self.entries {
            write_entry(&delivery, path, entry)?;
        }
        let manifest = delivery.join(MANIFEST_NAME);
        std::fs::write(&manifest, self.manifest())
            .with_context(|| format!("writing {}", manifest.display()))?;
        let catalogue = out.join("catalogue.csv");
        std::fs::write(&catalogue, self.catalogue()?)
            .with_context(|| format!("writing {}", catalogue.display()))?;
        let expected_file = out.join("expected.json");
        let json = serde_json::to_string_pretty(&self.expected)? + "\n";
        std::fs::write(&expected_file, json)
            .with_context(|| format!("writing {}", expected_file.display()))?;
        Ok(Generated { delivery, catalogue, manifest, expected_file, expected: self.expected })
    }

    /// The manifest: `<hex>  <path>` per listed file and phantom line, sorted by path bytes.
    fn manifest(&self) -> Vec<u8> {
        let mut lines: Vec<(Vec<u8>, String)> = self.phantom.clone();
        for (path, entry) in &self.entries {
            match entry {
                Entry::File { bytes, listing: Listing::Listed } => {
                    lines.push((path.clone(), sha256_hex(bytes)))
                }
                Entry::File { listing: Listing::Digest(d), .. } => {
                    lines.push((path.clone(), d.clone()))
                }
                _ => {}
            }
        }
        lines.sort();
        let mut out = Vec::new();
        for (path, digest) in lines {
            out.extend_from_slice(digest.as_bytes());
            out.extend_from_slice(b"  ");
            out.extend_from_slice(&path);
            out.push(b'\n');
        }
        out
    }

    /// The catalogue as Excel in a Chinese locale saves CSV: GBK, CRLF line ends.
    fn catalogue(&self) -> Result<Vec<u8>> {
        let mut text = String::from("档号,题名,页数\r\n");
        let repeated = self.repeated.iter().map(|&i| &self.records[i]);
        for r in self.records.iter().chain(repeated) {
            text.push_str(&format!("{},{},{}\r\n", r.code, r.title, r.pages));
        }
        gbk(&text)
    }
}

/// Encodes `text` as GBK, failing on any character GBK cannot hold.
pub fn gbk(text: &str) -> Result<Vec<u8>> {
    let (bytes, _, unmappable) = encoding_rs::GBK.encode(text);
    ensure!(!unmappable, "text not representable in GBK: {text}");
    Ok(bytes.into_owned())
}

/// Creates one entry (and its parent folders) below `root`.
fn write_entry(root: &Path, rel: &[u8], entry: &Entry) -> Result<()> {
    let path = root.join(OsStr::from_bytes(rel));
    let parent = path.parent().expect("entries are below the root");
    std::fs::create_dir_all(parent).with_context(|| format!("creating {}", parent.display()))?;
    let done = match entry {
        Entry::File { bytes, .. } => std::fs::write(&path, bytes),
        Entry::Symlink(target) => std::os::unix::fs::symlink(OsStr::from_bytes(target), &path),
        // The listener is dropped at once; the socket file stays behind.
        Entry::Socket => std::os::unix::net::UnixListener::bind(&path).map(drop),
    };
    done.with_context(|| format!("creating {}", path.display()))
}
