//! OFD (GB/T 33190): a ZIP package of XML parts and resources, rooted at `OFD.xml`.
//!
//! Identification needs only the entry names, so the central directory is read by hand
//! ([`is_ofd`], used by sniffing; it also tells a truncated package from a plain ZIP).
//! Inspection (issue #3) then opens the package with the `zip` crate and inflates every
//! entry, which verifies each entry's CRC-32 (within `limits.max_inflated_bytes`); parses
//! `OFD.xml` and each document's `Document.xml` (`roxmltree`: no DTD fetching, no entity
//! expansion beyond its limits); counts the pages in each document's page list (what
//! `page-count-mismatch` compares); and, when decoding, parses every page's content,
//! resolves every `ImageObject` through the document's resource files to its media file,
//! and decodes that file by its content like a delivered file. The effective resolution
//! comes from the image's pixel size and the size it is drawn at: its `CTM` (in mm), else
//! its `Boundary`, else the page's `PhysicalBox`. A page's facts are its largest image's.

use super::endian::Endian::Little;
use super::reduce::ReducedImage;
use super::{Decoded, InspectOptions, examine, jbig2, sniff, xml};
use crate::inspect::facts::{ColourMode, Format, PageFacts};
use std::cell::{Cell, RefCell};
use std::collections::BTreeMap;
use std::io::{Cursor, Read};

const EOCD_SIG: u32 = 0x0605_4b50;
const EOCD_LEN: usize = 22;
const ZIP64_LOCATOR_SIG: u32 = 0x0706_4b50;
const ZIP64_EOCD_SIG: u32 = 0x0606_4b50;
const CENTRAL_SIG: u32 = 0x0201_4b50;
const LOCAL_SIG: u32 = 0x0403_4b50;
const ROOT_DOCUMENT: &[u8] = b"OFD.xml";
const ROOT: &str = "OFD.xml";

/// Whether a ZIP package is an OFD. A package whose central directory is damaged still
/// counts when its first entry is `OFD.xml`, so that [`inspect`] can report the damage.
pub(crate) fn is_ofd(bytes: &[u8]) -> bool {
    match central_directory_names(bytes) {
        Ok(names) => names.iter().any(|n| n.eq_ignore_ascii_case(ROOT_DOCUMENT)),
        Err(_) => first_local_name(bytes).is_some_and(|n| n.eq_ignore_ascii_case(ROOT_DOCUMENT)),
    }
}

/// OFD facts: the package verified, the pages counted, and every page image decoded if
/// asked.
pub(crate) fn inspect(bytes: &[u8], opts: &InspectOptions) -> Decoded {
    match central_directory_names(bytes) {
        Err(why) => {
            return Decoded::failed(format!(
                "OFD package (ZIP) is damaged: {why}; the file is truncated or corrupt"
            ));
        }
        Ok(names) => {
            if let Some(name) = repeated(&names) {
                return Decoded::failed(format!(
                    "OFD package (ZIP) lists entry '{name}' twice; readers disagree on which \
                     copy counts, so the page a person sees may not be the page checked"
                ));
            }
        }
    }
    let package = match Package::read(bytes, opts) {
        Ok(p) => p,
        Err(why) => return Decoded::failed(format!("OFD package (ZIP) is damaged: {why}")),
    };
    let documents = match package.documents() {
        Ok(d) => d,
        Err(why) => return Decoded::failed(format!("OFD structure is invalid: {why}")),
    };
    let total: usize = documents.iter().map(|d| d.pages.len()).sum();
    let mut decoded = Decoded {
        page_count: Some(u32::try_from(total).unwrap_or(u32::MAX)),
        ..Decoded::default()
    };
    if total == 0 {
        decoded.error = Some("OFD has no pages: its documents' page lists are empty".into());
        return decoded;
    }
    if opts.decode {
        let mut n = 0u32;
        'docs: for doc in &documents {
            for page in &doc.pages {
                n += 1;
                match package.page(doc, page, opts) {
                    Ok(Some((mut facts, reduced))) => {
                        facts.page = n;
                        decoded.pages.push(facts);
                        decoded.reduced.extend(reduced.map(|r| (n, r)));
                    }
                    Ok(None) => {}
                    Err(why) => {
                        decoded.error = Some(format!("OFD page {n} of {total} ({page}): {why}"));
                        break 'docs;
                    }
                }
            }
        }
    }
    decoded
}

/// Deflate cannot expand data much more than 1032 to 1; a package that inflates to more
/// than this many times its own size (counting every read) must reuse compressed data,
/// as overlapping-entry ZIP bombs do.
const MAX_PACKAGE_RATIO: u64 = 1032;

/// The package: every entry's CRC verified up front, entries inflated again one at a time
/// when needed (never all held at once), all reads charged to one budget.
struct Package<'a> {
    zip: RefCell<zip::ZipArchive<Cursor<&'a [u8]>>>,
    /// File entries by name: their index in the archive.
    names: BTreeMap<String, usize>,
    /// Bytes the package may still inflate to, in all (see [`MAX_PACKAGE_RATIO`]).
    budget: Cell<u64>,
    /// Each image file's outcome, so a file drawn many times is decoded once.
    images: RefCell<BTreeMap<String, Result<Option<Image>, String>>>,
    opts: &'a InspectOptions,
}

/// A decoded image file: its first page's facts and, when asked, that page reduced.
type Image = (PageFacts, Option<ReducedImage>);

/// One document of the package: where it lives, its page area and resources.
struct Document {
    /// Page content files, in page order.
    pages: Vec<String>,
    /// Default page size, mm.
    physical: Option<(f64, f64)>,
    /// Resource id -> media file path in the package.
    media: BTreeMap<String, String>,
}

/// The first entry name the central directory lists twice. (The `zip` crate keeps one
/// entry per name, so duplicates are only visible in the raw listing.)
fn repeated(names: &[&[u8]]) -> Option<String> {
    let mut seen = std::collections::BTreeSet::new();
    let dup = names.iter().find(|n| !seen.insert(**n))?;
    Some(String::from_utf8_lossy(dup).into_owned())
}

impl<'a> Package<'a> {
    fn read(bytes: &'a [u8], opts: &'a InspectOptions) -> Result<Package<'a>, String> {
        let zip = zip::ZipArchive::new(Cursor::new(bytes)).map_err(|e| e.to_string())?;
        let budget = (bytes.len() as u64).saturating_mul(MAX_PACKAGE_RATIO);
        let mut package = Package {
            zip: RefCell::new(zip),
            names: BTreeMap::new(),
            budget: Cell::new(budget.max(opts.max_inflated_bytes)),
            images: RefCell::new(BTreeMap::new()),
            opts,
        };
        let count = package.zip.borrow().len();
        for i in 0..count {
            if let Some(name) = package.inflate(i, None)? {
                package.names.insert(name, i);
            }
        }
        Ok(package)
    }

    /// Inflates entry `index` (into `keep`, or only to verify it), within the entry limit
    /// and the package budget; `None` for a directory.
    fn inflate(&self, index: usize, keep: Option<&mut Vec<u8>>) -> Result<Option<String>, String> {
        let mut zip = self.zip.borrow_mut();
        let mut entry = zip.by_index(index).map_err(|e| format!("entry {}: {e}", index + 1))?;
        if entry.is_dir() {
            return Ok(None);
        }
        let name = entry.name().map_err(|e| format!("entry {}: {e}", index + 1))?.into_owned();
        let limit = self.opts.max_inflated_bytes.min(self.budget.get());
        let mut reader = (&mut entry).take(limit.saturating_add(1));
        let read = match keep {
            Some(out) => reader.read_to_end(out).map(|n| n as u64),
            None => std::io::copy(&mut reader, &mut std::io::sink()),
        };
        let n = read.map_err(|e| format!("entry '{name}' cannot be read: {e}"))?;
        if n > self.opts.max_inflated_bytes {
            return Err(super::over_inflate_limit(&format!("entry '{name}'"), self.opts));
        }
        if n > self.budget.get() {
            return Err(format!(
                "the package inflates to more than {MAX_PACKAGE_RATIO} times its own size in \
                 all, which deflate cannot do without reusing data (overlapping entries: a ZIP \
                 bomb); over vouch's package limit, it was not decoded"
            ));
        }
        self.budget.set(self.budget.get() - n);
        // Reading to the end is what makes the crate compare the CRC; a short read
        // (size in the header larger than the data) must not pass either.
        if n != entry.size() {
            return Err(format!("entry '{name}' is shorter than its header says"));
        }
        Ok(Some(name))
    }

    /// The bytes of the file entry `path`, inflated now.
    fn entry(&self, path: &str) -> Result<Option<Vec<u8>>, String> {
        let Some(&index) = self.names.get(path) else { return Ok(None) };
        let mut out = Vec::new();
        self.inflate(index, Some(&mut out))?;
        Ok(Some(out))
    }

    /// The text of the XML part `path`; parse it with [`super::xml::parse`].
    fn text(&self, path: &str) -> Result<String, String> {
        let bytes = self.entry(path)?.ok_or_else(|| format!("'{path}' is missing"))?;
        String::from_utf8(bytes).map_err(|_| format!("'{path}' is not UTF-8"))
    }

    /// The documents `OFD.xml` names, with their page lists and resources.
    fn documents(&self) -> Result<Vec<Document>, String> {
        let src = self.text(ROOT)?;
        let root = xml::parse(&src, ROOT)?;
        let roots: Vec<String> = elements(&root, "DocRoot").map(|n| text(n).to_string()).collect();
        if roots.is_empty() {
            return Err("OFD.xml names no document (DocRoot)".into());
        }
        roots.iter().map(|r| self.document(&resolve("", r))).collect()
    }

    fn document(&self, path: &str) -> Result<Document, String> {
        let src = self.text(path)?;
        let xml = xml::parse(&src, path)?;
        let dir = path.rsplit_once('/').map_or(String::new(), |(d, _)| format!("{d}/"));
        let pages = elements(&xml, "Page")
            .map(|p| {
                p.attribute("BaseLoc")
                    .map(|b| resolve(&dir, b))
                    .ok_or_else(|| format!("a page of '{path}' has no BaseLoc"))
            })
            .collect::<Result<Vec<_>, _>>()?;
        let physical = elements(&xml, "PageArea")
            .next()
            .and_then(|a| a.children().find(|c| c.tag_name().name() == "PhysicalBox"))
            .and_then(|b| size(text(b)));
        let mut media = BTreeMap::new();
        let res_files = elements(&xml, "DocumentRes").chain(elements(&xml, "PublicRes"));
        for res in res_files.map(|r| resolve(&dir, text(r))).collect::<Vec<_>>() {
            let res_text = self.text(&res)?;
            let rx = xml::parse(&res_text, &res)?;
            let res_dir = res.rsplit_once('/').map_or(String::new(), |(d, _)| format!("{d}/"));
            let base = rx.root_element().attribute("BaseLoc").unwrap_or("");
            let base_dir = if base.is_empty() {
                res_dir.clone()
            } else {
                format!("{}/", resolve(&res_dir, base).trim_end_matches('/'))
            };
            for m in elements(&rx, "MultiMedia") {
                let (Some(id), Some(file)) =
                    (m.attribute("ID"), m.children().find(|c| c.tag_name().name() == "MediaFile"))
                else {
                    continue;
                };
                media.insert(id.to_string(), resolve(&base_dir, text(file)));
            }
        }
        Ok(Document { pages, physical, media })
    }

    /// Decodes the image file `file` (resource `id`), or recalls its outcome.
    fn image(&self, file: &str, id: &str, opts: &InspectOptions) -> Result<Option<Image>, String> {
        if let Some(known) = self.images.borrow().get(file) {
            return known.clone();
        }
        let outcome = self.entry(file).and_then(|bytes| {
            let bytes =
                bytes.ok_or_else(|| format!("image file '{file}' (resource {id}) is missing"))?;
            let format = sniff::sniff(&bytes);
            if let Some(source) = jbig2_source(file, format, &bytes) {
                return jbig2_image(source, opts)
                    .map_err(|why| format!("image file '{file}': {why}"));
            }
            if matches!(format, Format::Bmp | Format::Gif) {
                let reduce = opts.reduced && opts.pixels();
                return super::raster::decode(&bytes, format, opts, reduce)
                    .map(Some)
                    .map_err(|why| format!("image file '{file}': {why}"));
            }
            if !matches!(format, Format::Jpeg | Format::Tiff | Format::Png | Format::Jp2) {
                return Err(format!("image file '{file}' is not an image vouch can decode"));
            }
            let d = examine(format, &bytes, opts);
            let reduced = d.reduced.into_iter().next().map(|(_, r)| r);
            match d.error {
                Some(why) => Err(format!("image file '{file}': {why}")),
                None => Ok(d.pages.into_iter().next().map(|p| (p, reduced))),
            }
        });
        self.images.borrow_mut().insert(file.to_string(), outcome.clone());
        outcome
    }

    /// Decodes every image of one page; the facts (and reduced image) of its largest one.
    fn page(
        &self,
        doc: &Document,
        path: &str,
        opts: &InspectOptions,
    ) -> Result<Option<Image>, String> {
        let src = self.text(path)?;
        let xml = xml::parse(&src, path)?;
        let physical = elements(&xml, "Area")
            .next()
            .and_then(|a| a.children().find(|c| c.tag_name().name() == "PhysicalBox"))
            .and_then(|b| size(text(b)))
            .or(doc.physical);
        let mut best: Option<(f64, Image)> = None;
        let images: Vec<_> = elements(&xml, "ImageObject").collect();
        let count = images.len();
        for obj in images {
            let id = obj.attribute("ResourceID").ok_or("an ImageObject has no ResourceID")?;
            let file = doc
                .media
                .get(id)
                .ok_or_else(|| format!("image resource {id} is not in the document's resources"))?;
            let Some((mut facts, reduced)) = self.image(file, id, opts)? else { continue };
            let ctm = obj.attribute("CTM").and_then(|c| {
                let v = numbers(c);
                (v.len() == 6).then(|| (v[0].hypot(v[1]), v[2].hypot(v[3])))
            });
            let drawn = ctm.or_else(|| obj.attribute("Boundary").and_then(size));
            let (mm, source) = match (drawn, physical) {
                (Some(d), _) => (Some(d), "ofd-drawn"),
                (None, Some(p)) if count == 1 => (Some(p), "ofd-page"),
                _ => (None, ""),
            };
            facts.dpi = mm.and_then(|(w, h)| {
                super::dots_per_inch(
                    f64::from(facts.width) / (w / 25.4),
                    f64::from(facts.height) / (h / 25.4),
                    1.0,
                )
            });
            facts.dpi_source = facts.dpi.map(|_| source.to_string());
            let area = mm.map_or(0.0, |(w, h)| w * h);
            if best.as_ref().is_none_or(|(a, _)| area > *a) {
                best = Some((area, (facts, reduced)));
            }
        }
        Ok(best.map(|(_, f)| f))
    }
}

/// Elements named `local` (any namespace prefix), in document order.
fn elements<'a, 'i>(
    doc: &'a roxmltree::Document<'i>,
    local: &'static str,
) -> impl Iterator<Item = roxmltree::Node<'a, 'i>> {
    doc.descendants().filter(move |n| n.is_element() && n.tag_name().name() == local)
}

fn text<'a>(n: roxmltree::Node<'a, '_>) -> &'a str {
    n.text().unwrap_or("").trim()
}

fn numbers(s: &str) -> Vec<f64> {
    s.split_whitespace().filter_map(|v| v.parse::<f64>().ok()).collect()
}

/// Width and height of an OFD box `x y w h` (mm).
fn size(s: &str) -> Option<(f64, f64)> {
    let v = numbers(s);
    let [_, _, w, h] = v[..] else { return None };
    (w > 0.0 && h > 0.0).then_some((w, h))
}

/// A path inside the package: `loc` relative to folder `dir`, or absolute from the root
/// with a leading `/`; `.` and `..` resolved.
fn resolve(dir: &str, loc: &str) -> String {
    let joined =
        if let Some(abs) = loc.strip_prefix('/') { abs.to_string() } else { format!("{dir}{loc}") };
    let mut parts: Vec<&str> = Vec::new();
    for part in joined.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            p => parts.push(p),
        }
    }
    parts.join("/")
}

/// Names of the entries the central directory lists, in order.
fn central_directory_names(bytes: &[u8]) -> Result<Vec<&[u8]>, String> {
    let eocd = find_eocd(bytes).ok_or("no end-of-central-directory record")?;
    let (mut at, end, entries) = directory_extent(bytes, eocd)?;
    let mut names = Vec::new();
    while names.len() as u64 != entries {
        if Little.u32(bytes, at) != Some(CENTRAL_SIG) {
            return Err(format!("central directory entry {} is missing", names.len() + 1));
        }
        let field = |off: u64| Little.u16(bytes, at + off).map(u64::from);
        let (Some(name_len), Some(extra), Some(comment)) = (field(28), field(30), field(32)) else {
            return Err("central directory is cut short".into());
        };
        let name_start = at + 46;
        let next = name_start + name_len + extra + comment;
        let name = usize::try_from(name_start)
            .ok()
            .zip(usize::try_from(name_start + name_len).ok())
            .and_then(|(s, e)| bytes.get(s..e))
            .filter(|_| next <= end)
            .ok_or("central directory is cut short")?;
        names.push(name);
        at = next;
    }
    Ok(names)
}

/// Start, end and entry count of the central directory, following ZIP64 when the classic
/// record says its fields overflowed.
fn directory_extent(bytes: &[u8], eocd: u64) -> Result<(u64, u64, u64), String> {
    let classic = (
        Little.u32(bytes, eocd + 16).map(u64::from),
        Little.u32(bytes, eocd + 12).map(u64::from),
        Little.u16(bytes, eocd + 10).map(u64::from),
    );
    let (Some(mut start), Some(mut size), Some(mut entries)) = classic else {
        return Err("end-of-central-directory record is cut short".into());
    };
    if start == 0xFFFF_FFFF || size == 0xFFFF_FFFF || entries == 0xFFFF {
        let z64 = eocd.checked_sub(20).filter(|&l| Little.u32(bytes, l) == Some(ZIP64_LOCATOR_SIG));
        let record = z64.and_then(|l| Little.u64(bytes, l + 8)).ok_or("ZIP64 locator missing")?;
        if Little.u32(bytes, record) != Some(ZIP64_EOCD_SIG) {
            return Err("ZIP64 end-of-central-directory record missing".into());
        }
        let field = |off| Little.u64(bytes, record + off).ok_or("ZIP64 record is cut short");
        (entries, size, start) = (field(32)?, field(40)?, field(48)?);
    }
    let end = start.checked_add(size).filter(|&e| e <= eocd).ok_or_else(|| {
        format!("central directory at offset {start} ({size} bytes) lies past its end record")
    })?;
    Ok((start, end, entries))
}

/// Offset of the end-of-central-directory record: the last signature that leaves room for
/// the record (the archive comment after it is at most 65535 bytes).
fn find_eocd(bytes: &[u8]) -> Option<u64> {
    let last = bytes.len().checked_sub(EOCD_LEN)?;
    let first = last.saturating_sub(usize::from(u16::MAX));
    (first..=last).rev().find(|&i| Little.u32(bytes, i as u64) == Some(EOCD_SIG)).map(|i| i as u64)
}

/// Name of the first local entry, read from the front when the directory is unreadable.
fn first_local_name(bytes: &[u8]) -> Option<&[u8]> {
    if Little.u32(bytes, 0) != Some(LOCAL_SIG) {
        return None;
    }
    let len = usize::from(Little.u16(bytes, 26)?);
    bytes.get(30..30 + len)
}

/// A JBIG2 image file of an OFD page (issue #19): a stand-alone JBIG2 file (by its
/// header), or, named `.jb2`/`.jbig2`, an embedded stream of segments without a header.
fn jbig2_source<'a>(file: &str, format: Format, bytes: &'a [u8]) -> Option<jbig2::Source<'a>> {
    let ext = file.rsplit_once('.').map(|(_, e)| e.to_ascii_lowercase());
    match format {
        Format::Jbig2 => Some(jbig2::Source::File(bytes)),
        Format::Unknown if matches!(ext.as_deref(), Some("jb2" | "jbig2")) => {
            Some(jbig2::Source::Embedded { data: bytes, globals: None })
        }
        _ => None,
    }
}

/// A JBIG2 image decoded as an OFD page image: bilevel, its resolution the page's business.
fn jbig2_image(source: jbig2::Source<'_>, opts: &InspectOptions) -> Result<Option<Image>, String> {
    let page = jbig2::decode(source, opts, opts.reduced && opts.pixels())?;
    let facts = PageFacts {
        page: 1,
        width: page.width,
        height: page.height,
        dpi: None,
        dpi_source: None,
        colour: ColourMode::Bilevel,
        bits_per_sample: 1,
        compression: "jbig2".into(),
        icc: false,
        quality: None,
    };
    Ok(Some((facts, page.reduced)))
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// A stored (uncompressed) ZIP holding `entries`, as any ZIP tool would write it.
    pub(crate) fn zip(entries: &[(&str, &[u8])]) -> Vec<u8> {
        let (mut out, mut central) = (Vec::new(), Vec::new());
        for (name, data) in entries {
            let offset = out.len() as u32;
            let sizes = [(data.len() as u32).to_le_bytes(), (data.len() as u32).to_le_bytes()];
            out.extend_from_slice(&LOCAL_SIG.to_le_bytes());
            out.extend_from_slice(&[20, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
            out.extend_from_slice(&sizes.concat());
            out.extend_from_slice(&(name.len() as u16).to_le_bytes());
            out.extend_from_slice(&[0, 0]);
            out.extend_from_slice(name.as_bytes());
            out.extend_from_slice(data);
            central.extend_from_slice(&CENTRAL_SIG.to_le_bytes());
            central.extend_from_slice(&[20, 0, 20, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
            central.extend_from_slice(&sizes.concat());
            central.extend_from_slice(&(name.len() as u16).to_le_bytes());
            central.extend_from_slice(&[0; 12]);
            central.extend_from_slice(&offset.to_le_bytes());
            central.extend_from_slice(name.as_bytes());
        }
        let cd_start = out.len() as u32;
        out.extend_from_slice(&central);
        out.extend_from_slice(&EOCD_SIG.to_le_bytes());
        out.extend_from_slice(&[0, 0, 0, 0]);
        let n = (entries.len() as u16).to_le_bytes();
        out.extend_from_slice(&[n, n].concat());
        out.extend_from_slice(&(central.len() as u32).to_le_bytes());
        out.extend_from_slice(&cd_start.to_le_bytes());
        out.extend_from_slice(&[0, 0]);
        out
    }

    #[test]
    fn lists_central_directory_names() {
        let z = zip(&[("Doc_0/Document.xml", b"<a/>"), ("OFD.xml", b"<ofd/>")]);
        let names = central_directory_names(&z).unwrap();
        assert_eq!(names, vec![&b"Doc_0/Document.xml"[..], b"OFD.xml"]);
        assert!(is_ofd(&z));
    }

    fn fixture(name: &str) -> Vec<u8> {
        super::super::testutil::fixture(name)
    }

    /// The hand-assembled OFD (`ofd-src`) with its second page's image the file `name`
    /// holding `image` (of format `format` in DocumentRes.xml), zipped by the `zip` crate.
    fn ofd_with_page_2(name: &str, format: &str, image: &[u8]) -> Vec<u8> {
        use std::io::Write;
        let src = format!("{}/testdata/formats/ofd-src", env!("CARGO_MANIFEST_DIR"));
        let read = |rel: &str| std::fs::read(format!("{src}/{rel}")).unwrap();
        let res = String::from_utf8(read("Doc_0/DocumentRes.xml")).unwrap();
        let res = res.replace("Image_4.tif", name).replace("\"TIFF\"", &format!("\"{format}\""));
        let parts = [
            ("OFD.xml", read("OFD.xml")),
            ("Doc_0/Document.xml", read("Doc_0/Document.xml")),
            ("Doc_0/DocumentRes.xml", res.into_bytes()),
            ("Doc_0/Pages/Page_0/Content.xml", read("Doc_0/Pages/Page_0/Content.xml")),
            ("Doc_0/Pages/Page_1/Content.xml", read("Doc_0/Pages/Page_1/Content.xml")),
            ("Doc_0/Res/Image_3.jpg", fixture("baseline-grey-300dpi.jpg")),
            (&format!("Doc_0/Res/{name}"), image.to_vec()),
        ];
        let mut w = zip::ZipWriter::new(Cursor::new(Vec::new()));
        let stored = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Stored);
        for (name, data) in &parts {
            w.start_file(*name, stored).unwrap();
            w.write_all(data).unwrap();
        }
        w.finish().unwrap().into_inner()
    }

    /// Page images as OFD producers write them (issue #19): an embedded JBIG2 stream
    /// (`.jb2`), a BMP, a GIF; each decoded, bilevel or as its header says, at the drawn
    /// size's resolution; cut short, damage naming the file.
    #[test]
    fn jbig2_bmp_and_gif_page_images_are_decoded() {
        let mut px = vec![255u8; 240 * 320];
        px[240 * 100..240 * 200].fill(0);
        let (jb2, _) = super::super::jbig2::tests::mmr_stream(&px, 240, false);
        let bmp = super::super::raster::tests::bmp(240, 320, 128);
        let mut gif = Vec::new();
        image::codecs::gif::GifEncoder::new(&mut gif)
            .encode_frame(image::Frame::new(image::RgbaImage::new(240, 320)))
            .unwrap();
        let reduced = InspectOptions { reduced: true, ..Default::default() };
        for (name, format, bytes, colour, compression) in [
            ("Image_4.jb2", "JB2", &jb2, ColourMode::Bilevel, "jbig2"),
            ("Image_4.bmp", "BMP", &bmp, ColourMode::Rgb, "bmp"),
            ("Image_4.gif", "GIF", &gif, ColourMode::Palette, "gif"),
        ] {
            let d = inspect(&ofd_with_page_2(name, format, bytes), &reduced);
            assert_eq!(d.error, None, "{name}");
            let p = &d.pages[1];
            assert_eq!(
                (p.width, p.height, p.colour, p.compression.as_str()),
                (240, 320, colour, compression)
            );
            assert!((p.dpi.unwrap().x - 300.0).abs() < 0.01, "{name}");
            assert_eq!(d.reduced.len(), 2, "{name}");
            let cut = ofd_with_page_2(name, format, &bytes[..bytes.len() - 20]);
            let err = inspect(&cut, &InspectOptions::default()).error.unwrap();
            assert!(err.contains(name), "{err}");
        }
    }

    #[test]
    fn hand_assembled_ofd_decodes_both_pages() {
        let d = inspect(&fixture("scan-2page.ofd"), &InspectOptions::default());
        assert_eq!(d.error, None);
        assert_eq!((d.page_count, d.pages.len()), (Some(2), 2));
        let p: Vec<_> = d.pages.iter().map(|p| (p.page, p.compression.as_str())).collect();
        assert_eq!(p, [(1, "jpeg"), (2, "ccitt-g4")]);
        for page in &d.pages {
            let dpi = page.dpi.unwrap();
            assert!((dpi.x - 300.0).abs() < 0.01 && (dpi.y - 300.0).abs() < 0.01, "{dpi:?}");
            assert_eq!(page.dpi_source.as_deref(), Some("ofd-drawn"));
        }
        // Without decoding, the page list alone is counted.
        let opts = InspectOptions { decode: false, ..InspectOptions::default() };
        let quick = inspect(&fixture("scan-2page.ofd"), &opts);
        assert_eq!((quick.error, quick.page_count, quick.pages.len()), (None, Some(2), 0));
    }

    #[test]
    fn a_duplicated_entry_name_is_damage() {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/testdata/hostile/duplicate-entry.ofd");
        let d = inspect(&std::fs::read(path).unwrap(), &InspectOptions::default());
        let error = d.error.unwrap_or_default();
        assert!(error.contains("lists entry 'OFD.xml' twice"), "{error}");
    }

    #[test]
    fn a_stored_entry_with_a_bad_crc_is_damage() {
        let z = zip(&[("OFD.xml", b"<ofd:OFD/>")]);
        // The hand-made ZIP stores CRC 0; the real CRC of the content differs.
        let err = inspect(&z, &InspectOptions::default()).error.unwrap();
        assert!(err.contains("damaged") && err.contains("OFD.xml"), "{err}");
    }

    #[test]
    fn missing_image_and_inflate_limit_are_named() {
        let mut bytes = fixture("scan-2page.ofd");
        // Rename the JPEG's entry (in both headers) so the resource points at nothing.
        let name = b"Doc_0/Res/Image_3.jpg";
        while let Some(at) = bytes.windows(name.len()).position(|w| w == name) {
            bytes[at + 16] = b'X';
        }
        let err = inspect(&bytes, &InspectOptions::default()).error.unwrap();
        assert!(err.contains("OFD page 1 of 2") && err.contains("missing"), "{err}");
        let small = InspectOptions { max_inflated_bytes: 100, ..InspectOptions::default() };
        let err = inspect(&fixture("scan-2page.ofd"), &small).error.unwrap();
        assert!(err.contains("limits.max_inflated_bytes (100 bytes)"), "{err}");
    }

    #[test]
    fn paths_resolve_relative_and_absolute() {
        assert_eq!(resolve("Doc_0/", "Pages/Page_0/Content.xml"), "Doc_0/Pages/Page_0/Content.xml");
        assert_eq!(resolve("Doc_0/Res/", "../Pages/p.xml"), "Doc_0/Pages/p.xml");
        assert_eq!(resolve("Doc_0/", "/Doc_0/Res/a.jpg"), "Doc_0/Res/a.jpg");
    }

    #[test]
    fn a_zip_without_ofd_xml_is_not_ofd() {
        let z = zip(&[("word/document.xml", b"<w/>"), ("sub/OFD.xml", b"<x/>")]);
        assert!(!is_ofd(&z));
    }

    #[test]
    fn truncated_ofd_is_still_ofd_but_damaged() {
        let z = zip(&[("OFD.xml", b"<ofd/>"), ("Doc_0/Document.xml", b"<a/>")]);
        let cut = &z[..z.len() - 30];
        assert!(is_ofd(cut));
        let err = inspect(cut, &InspectOptions::default()).error.unwrap();
        assert!(err.contains("damaged"), "{err}");
    }

    #[test]
    fn central_directory_offset_past_end_is_an_error() {
        let mut z = zip(&[("OFD.xml", b"<ofd/>")]);
        let at = z.len() - 6;
        z[at..at + 4].copy_from_slice(&0x00FF_FFFFu32.to_le_bytes());
        assert!(central_directory_names(&z).unwrap_err().contains("past"));
    }
}
