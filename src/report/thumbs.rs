//! Thumbnails for the contact sheet (issue #5), spooled to disk as the check goes.
//!
//! A thumbnail must come from the one decode that proves its page intact: no second read
//! of a delivery file, no extra full decode. The decoders hand out each page at 1/8 scale
//! ([`ReducedImage`]); right after a file is inspected, [`spool`] turns its pages into
//! small grey JPEGs, appends them to `thumbs.spool` in the report folder and drops the
//! reduced images, so memory stays flat however many pages the delivery has. Only when
//! the report is rendered are the few thumbnails the contact sheet shows read back
//! ([`read`]).
//!
//! The spool is written before the journal records the file, so every file the journal
//! holds has its thumbnails, and a resumed run (`--resume`) renders the same report.html
//! as an uninterrupted one. Records are self-delimiting and appended whole; a torn last
//! record (the process died mid-write) is cut off on resume. A file spooled twice (killed
//! between spool and journal, then redone) has identical records: the last one wins.
//! Like the journal, the spool is removed once a complete run's report is written.
//!
//! Cost (benches/e2e.sh's 2,000-page A4 delivery, release build): about 1 ms of CPU a
//! page to reduce the non-JPEG pages and 1 ms to encode and spool each thumbnail, +17%
//! CPU over a check without them; its thumbnails averaged 1.6 KB.

use crate::delivery::relpath::RelPath;
use crate::inspect::ReducedImage;
use crate::inspect::facts::Inspection;
use crate::output::AppendLog;
use anyhow::Context;
use std::collections::{BTreeMap, BTreeSet};
use std::io::{BufReader, Read};
use std::path::Path;

/// The spool's file name in the report folder, next to the journal.
pub const FILE_NAME: &str = "thumbs.spool";

/// The longest side of a thumbnail, in pixels (a page at 300 dpi reduces to about
/// 310 × 440, so an A4 page's thumbnail is about 170 × 240: readable layout, ~5 KB).
pub const MAX_SIDE: u32 = 240;

/// JPEG quality of thumbnails.
const QUALITY: u8 = 75;

/// Each record starts with this, then: path length (u32 LE), path (escaped, UTF-8), page,
/// width, height, JPEG length (u32 LE each), JPEG bytes.
const MAGIC: &[u8; 4] = b"VTH1";

/// A thumbnail read back from the spool.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Thumb {
    /// Pixels across.
    pub width: u32,
    /// Pixels down.
    pub height: u32,
    /// A baseline greyscale JPEG.
    pub jpeg: Vec<u8>,
}

/// Thumbnails by (escaped path, page).
pub type Thumbs = BTreeMap<(String, u32), Thumb>;

/// The spool being written.
pub struct Spool {
    log: AppendLog,
}

impl Spool {
    /// Opens the spool at `path`: afresh, or with `resume` continuing the one there (its
    /// torn tail cut off; a missing one is started).
    pub fn open(path: &Path, resume: bool) -> anyhow::Result<Spool> {
        let keep = if resume { Some(scan(path, &BTreeSet::new(), false)?.1) } else { None };
        Ok(Spool { log: AppendLog::open(path, "thumbnail spool", keep)? })
    }

    /// Where the spool is.
    pub fn path(&self) -> &Path {
        self.log.path()
    }

    /// Appends the thumbnails of one file's pages, in one write. A write error (disk
    /// full) stops spooling with a warning; the check goes on, and the contact sheet
    /// shows placeholders for pages without a thumbnail.
    pub fn add(&self, rel: &RelPath, pages: &[(u32, ReducedImage)]) {
        let path = rel.escaped();
        let mut bytes = Vec::new();
        for (page, image) in pages {
            if let Some(t) = thumbnail(image) {
                record(&mut bytes, &path, *page, &t);
            }
        }
        if bytes.is_empty() {
            return;
        }
        self.log.append(&bytes, "the contact sheet will lack thumbnails");
    }

    /// Removes the spool once its run is complete and its report written.
    pub fn finish(self) -> anyhow::Result<()> {
        self.log.finish()
    }
}

/// The hook after inspecting a file: spools its reduced pages (if there is a spool) and
/// drops them, so they never stay with the facts.
pub fn spool(spool: Option<&Spool>, rel: &RelPath, facts: &mut Inspection) {
    let pages = std::mem::take(&mut facts.reduced);
    if let Some(s) = spool {
        s.add(rel, &pages);
    }
}

fn record(out: &mut Vec<u8>, path: &str, page: u32, t: &Thumb) {
    out.extend_from_slice(MAGIC);
    out.extend_from_slice(&(path.len() as u32).to_le_bytes());
    out.extend_from_slice(path.as_bytes());
    for v in [page, t.width, t.height, t.jpeg.len() as u32] {
        out.extend_from_slice(&v.to_le_bytes());
    }
    out.extend_from_slice(&t.jpeg);
}

/// A page's thumbnail: its reduced image shrunk (area average) to at most [`MAX_SIDE`]
/// on the long side, as a grey JPEG. The same image always gives the same bytes. `None`
/// for an empty image.
pub fn thumbnail(image: &ReducedImage) -> Option<Thumb> {
    let (w, h) = (image.width, image.height);
    if w == 0 || h == 0 || image.pixels.len() as u64 != u64::from(w) * u64::from(h) {
        return None;
    }
    let long = w.max(h);
    let (tw, th) = if long > MAX_SIDE {
        let scale = |v: u32| (u64::from(v) * u64::from(MAX_SIDE)).div_ceil(u64::from(long)) as u32;
        (scale(w).max(1), scale(h).max(1))
    } else {
        (w, h)
    };
    let pixels = shrink(image, tw, th);
    let mut jpeg = Vec::new();
    let encoder = image::codecs::jpeg::JpegEncoder::new_with_quality(&mut jpeg, QUALITY);
    image::ImageEncoder::write_image(encoder, &pixels, tw, th, image::ExtendedColorType::L8)
        .ok()?;
    Some(Thumb { width: tw, height: th, jpeg })
}

/// Area-average resample of `image` to `tw` × `th` (no larger than it).
fn shrink(image: &ReducedImage, tw: u32, th: u32) -> Vec<u8> {
    if (tw, th) == (image.width, image.height) {
        return image.pixels.clone();
    }
    let (w, h) = (u64::from(image.width), u64::from(image.height));
    let span = |i: u32, out: u32, len: u64| {
        let a = u64::from(i) * len / u64::from(out);
        let b = (u64::from(i + 1) * len).div_ceil(u64::from(out));
        a..b.max(a + 1).min(len)
    };
    let mut out = Vec::with_capacity(tw as usize * th as usize);
    for ty in 0..th {
        let ys = span(ty, th, h);
        for tx in 0..tw {
            let xs = span(tx, tw, w);
            let (mut sum, mut n) = (0u64, 0u64);
            for y in ys.clone() {
                let row = &image.pixels[(y * w) as usize..][..w as usize];
                sum += row[xs.start as usize..xs.end as usize]
                    .iter()
                    .map(|&v| u64::from(v))
                    .sum::<u64>();
                n += xs.end - xs.start;
            }
            out.push(((sum + n / 2) / n.max(1)) as u8);
        }
    }
    out
}

/// Reads back the thumbnails of the `wanted` (escaped path, page) pairs. A missing spool
/// gives none.
pub fn read(
    path: &Path,
    wanted: &BTreeSet<(String, u32)>,
) -> anyhow::Result<BTreeMap<(String, u32), Thumb>> {
    match path.try_exists() {
        Ok(true) => Ok(scan(path, wanted, true)?.0),
        _ => Ok(BTreeMap::new()),
    }
}

/// Walks the spool's whole records: the wanted thumbnails (when `keep`) and the byte
/// length of the whole records (where a torn tail starts). A missing file is empty.
fn scan(
    path: &Path,
    wanted: &BTreeSet<(String, u32)>,
    keep: bool,
) -> anyhow::Result<(Thumbs, u64)> {
    let file = match std::fs::File::open(path) {
        Ok(f) => f,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok((BTreeMap::new(), 0)),
        Err(e) => return Err(e).with_context(|| format!("reading '{}'", path.display())),
    };
    let total = file.metadata()?.len();
    let mut r = BufReader::new(file);
    let (mut found, mut at) = (BTreeMap::new(), 0u64);
    let u32_at = |r: &mut BufReader<std::fs::File>| -> Option<u32> {
        let mut b = [0u8; 4];
        r.read_exact(&mut b).ok().map(|()| u32::from_le_bytes(b))
    };
    loop {
        let mut magic = [0u8; 4];
        if r.read_exact(&mut magic).is_err() || &magic != MAGIC {
            break;
        }
        let Some(len) = u32_at(&mut r) else { break };
        let mut name = vec![0u8; len as usize];
        if u64::from(len) > total || r.read_exact(&mut name).is_err() {
            break;
        }
        let fields: Option<Vec<u32>> = (0..4).map(|_| u32_at(&mut r)).collect();
        let Some([page, width, height, n]) =
            fields.as_deref().and_then(|f| <[u32; 4]>::try_from(f).ok())
        else {
            break;
        };
        let end = at + 4 + 4 + u64::from(len) + 16 + u64::from(n);
        if end > total {
            break;
        }
        let key = (String::from_utf8_lossy(&name).into_owned(), page);
        if keep && wanted.contains(&key) {
            let mut jpeg = vec![0u8; n as usize];
            r.read_exact(&mut jpeg)?;
            found.insert(key, Thumb { width, height, jpeg });
        } else {
            r.seek_relative(i64::from(n))?;
        }
        at = end;
    }
    Ok((found, at))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn page(w: u32, h: u32) -> ReducedImage {
        let pixels = (0..w * h).map(|i| if i % w < w / 2 { 0 } else { 255 }).collect();
        ReducedImage::new(w, h, pixels)
    }

    #[test]
    fn thumbnails_are_small_deterministic_jpegs() {
        let a4 = thumbnail(&page(310, 439)).unwrap();
        assert_eq!((a4.width, a4.height), (170, 240));
        assert!(a4.jpeg.starts_with(&[0xFF, 0xD8]) && a4.jpeg.len() < 20_000);
        assert_eq!(thumbnail(&page(310, 439)).unwrap(), a4);
        let img = image::load_from_memory(&a4.jpeg).unwrap();
        assert_eq!((img.width(), img.height()), (170, 240));
        let luma = img.to_luma8();
        assert!(luma.get_pixel(20, 120)[0] < 40 && luma.get_pixel(150, 120)[0] > 215);
        let small = thumbnail(&page(1, 1)).unwrap();
        assert_eq!((small.width, small.height), (1, 1));
        assert_eq!(thumbnail(&ReducedImage::new(0, 0, Vec::new())), None);
        let wide = thumbnail(&page(1000, 3)).unwrap();
        assert_eq!((wide.width, wide.height), (240, 1));
    }

    #[test]
    fn the_spool_survives_a_torn_tail_and_the_last_record_wins() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(FILE_NAME);
        let s = Spool::open(&path, false).unwrap();
        s.add(&RelPath::new("a/0001.tif"), &[(1, page(16, 16)), (2, page(8, 24))]);
        s.add(&RelPath::new("a/0002.jpg"), &[(1, page(40, 30))]);
        drop(s);
        let mut bytes = std::fs::read(&path).unwrap();
        let whole = bytes.len();
        bytes.extend_from_within(..30);
        std::fs::write(&path, &bytes).unwrap();
        let s = Spool::open(&path, true).unwrap();
        assert_eq!(std::fs::metadata(&path).unwrap().len(), whole as u64, "torn tail cut");
        s.add(&RelPath::new("a/0002.jpg"), &[(1, page(30, 40))]);
        drop(s);
        let wanted: BTreeSet<_> =
            [("a/0001.tif".to_string(), 2), ("a/0002.jpg".to_string(), 1)].into();
        let got = read(&path, &wanted).unwrap();
        let dims: Vec<_> = got.values().map(|t| (t.width, t.height)).collect();
        assert_eq!(dims, [(8, 24), (30, 40)]);
        assert!(read(&dir.path().join("none"), &wanted).unwrap().is_empty());
        Spool::open(&path, true).unwrap().finish().unwrap();
        assert!(!path.exists());
    }
}
