//! Inspect: read each delivered file once and learn everything the rules need from it.
//!
//! One read into memory, then from the same bytes: the digest, the format by content, a
//! full decode of every page, and the technical metadata. Pixels are dropped before
//! returning, so an `Inspection` stays small. Each format lives in its own submodule and
//! answers with a [`Decoded`]; this module owns what is common: hashing, sniffing, the
//! pixel limit and the panic guard that turns a decoder bug into a finding.

mod ccitt;
mod ccitt_g3;
mod endian;
mod exif;
pub mod facts;
pub mod guard;
mod jbig2;
mod jp2;
mod jpeg;
mod jpeg_bits;
mod jpeg_scan;
mod ofd;
mod pdf;
mod pdf_codecs;
mod pdf_filters;
mod pdf_inline;
mod pdf_repair;
mod pdf_scan;
mod png;
pub mod quality;
mod raster;
pub(crate) mod reduce;
mod sniff;
mod tiff;
mod tiff_codecs;
mod tiff_reduce;
mod xml;

#[cfg(test)]
mod testutil;

use crate::digest::{self, Algorithm};
use crate::inspect::facts::{Dpi, Format, Inspection, PageFacts, ReadErrorKind};
use std::path::Path;

pub use reduce::ReducedImage;

/// What inspection should do beyond reading and hashing.
#[derive(Clone, Debug)]
pub struct InspectOptions {
    /// Decode pages (false: digest, format identification and structural page count only).
    pub decode: bool,
    /// Refuse to decode a page with more pixels than this (decompression-bomb limit).
    pub max_pixels: u64,
    /// Refuse to inflate a PDF stream or OFD (ZIP) entry to more bytes than this
    /// (decompression-bomb limit); the file is reported naming `limits.max_inflated_bytes`.
    pub max_inflated_bytes: u64,
    /// Which JPEG resolution field wins when JFIF and EXIF both carry one.
    pub jpeg_resolution: JpegResolution,
    /// Digests to compute besides SHA-256 (which is always computed), over the same bytes.
    pub algorithms: Vec<Algorithm>,
    /// With `decode`: whether image data is decoded (full) or only headers, tags and page
    /// trees are read for the page facts (quick).
    pub depth: Depth,
    /// With full depth: keep a reduced-scale grey image of every decoded page
    /// ([`Inspection::reduced`]) for quality measures and thumbnails.
    pub reduced: bool,
    /// With `reduced`: measure each page's image quality from its reduced image
    /// ([`PageFacts::quality`], issue #10); the profile's `quality.enabled`.
    pub quality: bool,
}

/// How deep `vouch check` looks into page files (issue #7): `--depth`, and `depth` in
/// report.json.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, serde::Serialize, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum Depth {
    /// Digests, structure and metadata: headers, tags, page trees and the page facts the
    /// rules judge (size, resolution, colour, compression), without decoding image data.
    /// A page whose image data is damaged passes; use it for a first look, never for
    /// acceptance.
    Quick,
    /// Everything quick does, plus every page's image data decoded in full: the default,
    /// and what acceptance needs.
    #[default]
    Full,
}

impl InspectOptions {
    /// True if image data is to be decoded in full (not just its headers read).
    pub(crate) fn pixels(&self) -> bool {
        self.decode && self.depth == Depth::Full
    }
}

/// Which of a JPEG's two resolution fields is believed first (the other is the fallback).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum JpegResolution {
    /// JFIF density (APP0), the field written for exactly this purpose.
    #[default]
    JfifFirst,
    /// EXIF X/YResolution (APP1), what many scanners' software keeps up to date.
    ExifFirst,
}

/// Default of `limits.max_pixels`: an A1 sheet at 600 dpi.
pub const DEFAULT_MAX_PIXELS: u64 = 300_000_000;
/// Default of `limits.max_inflated_bytes`: 1 GiB, four 16-bit RGB pages at the pixel
/// limit's scale would not fit, yet no honest scan stream comes near it.
pub const DEFAULT_MAX_INFLATED_BYTES: u64 = 1 << 30;

impl Default for InspectOptions {
    fn default() -> Self {
        InspectOptions {
            decode: true,
            max_pixels: DEFAULT_MAX_PIXELS,
            max_inflated_bytes: DEFAULT_MAX_INFLATED_BYTES,
            jpeg_resolution: JpegResolution::default(),
            algorithms: Vec::new(),
            depth: Depth::Full,
            reduced: false,
            quality: false,
        }
    }
}

/// What a format module learned beyond the digest and the format.
#[derive(Debug, Default)]
pub(crate) struct Decoded {
    /// Pages by the file's own structure.
    pub(crate) page_count: Option<u32>,
    /// Facts per fully decoded page.
    pub(crate) pages: Vec<PageFacts>,
    /// Why the file could not be fully decoded, for a person.
    pub(crate) error: Option<String>,
    /// What was repaired to read a damaged structure (kept only if nothing failed).
    pub(crate) repaired: Option<String>,
    /// A PDF's encryption, where it opened with the empty user password.
    pub(crate) encryption: Option<String>,
    /// With [`InspectOptions::reduced`]: (page number, page at reduced scale).
    pub(crate) reduced: Vec<(u32, ReducedImage)>,
}

impl Decoded {
    /// A structure that could not be read at all.
    pub(crate) fn failed(error: String) -> Decoded {
        Decoded { error: Some(error), ..Decoded::default() }
    }
}

/// What ends the sentence of every "feature not supported" error (issue #19). Decoders
/// pass errors up as `String`s that callers prefix with where they happened ("PDF page 2
/// of 5: image /Im0 (7 0 R): "); this ending is what tells a feature vouch lacks from
/// damage, however deep it was found. Build it with [`unsupported`] only.
const UNSUPPORTED: &str = ", which vouch cannot decode: the file cannot be verified";

/// The error for a `feature` vouch does not decode (named as a person knows it: "JPEG
/// arithmetic coding", "TIFF compression 34676 (LogLuv)"). Never worded as damage: the
/// file may be perfectly good.
pub(crate) fn unsupported(feature: &str) -> String {
    format!("uses {feature}{UNSUPPORTED}")
}

/// The feature an error made by [`unsupported`] names, wherever it was prefixed; `None`
/// for any other error (damage, a limit).
pub(crate) fn unsupported_feature(error: &str) -> Option<&str> {
    let head = error.strip_suffix(UNSUPPORTED)?;
    let at = head.rfind("uses ")?;
    Some(&head[at + "uses ".len()..])
}

/// Reads `path` once and inspects its bytes. Never panics; problems are recorded in the
/// returned `Inspection`.
pub fn inspect_file(path: &Path, opts: &InspectOptions) -> Inspection {
    match std::fs::read(path) {
        Ok(bytes) => inspect_bytes(&bytes, opts),
        Err(e) => Inspection {
            read_error: Some(e.to_string()),
            read_error_kind: Some(match e.kind() {
                std::io::ErrorKind::NotFound => ReadErrorKind::NotFound,
                _ => ReadErrorKind::Other,
            }),
            ..Inspection::default()
        },
    }
}

/// Inspects bytes already read. Never panics: a panicking decoder becomes a
/// `decode_error`. Empty input gets its size and digest only; the caller reports empty
/// files itself (`file-empty`).
pub fn inspect_bytes(bytes: &[u8], opts: &InspectOptions) -> Inspection {
    let mut algs = opts.algorithms.clone();
    algs.push(Algorithm::Sha256);
    algs.sort();
    algs.dedup();
    let digests = digest::digest_all(bytes, &algs);
    let mut inspection = Inspection {
        size: bytes.len() as u64,
        sha256: digests.get(&Algorithm::Sha256).cloned(),
        digests,
        ..Inspection::default()
    };
    if bytes.is_empty() {
        return inspection;
    }
    let format = guarded(|| sniff::sniff(bytes)).unwrap_or(Format::Unknown);
    let decoded = guarded(|| examine(format, bytes, opts))
        .unwrap_or_else(|why| Decoded::failed(format!("decoder panicked: {why}")));
    inspection.format = Some(format);
    inspection.page_count = decoded.page_count;
    inspection.pages = decoded.pages;
    inspection.unsupported =
        decoded.error.as_deref().and_then(unsupported_feature).map(str::to_string);
    inspection.repaired = decoded.repaired.filter(|_| decoded.error.is_none());
    inspection.encryption = decoded.encryption;
    inspection.decode_error = decoded.error;
    inspection.reduced = decoded.reduced;
    if opts.quality {
        measure_quality(&mut inspection);
    }
    // What only the measures need is not kept for the thumbnails.
    for (_, img) in &mut inspection.reduced {
        (img.darkest, img.block_variance) = (None, None);
    }
    inspection
}

/// Fills each page's quality measures from its reduced image, where there is one. A
/// measure that panics on some odd image leaves that page unmeasured, never the run.
fn measure_quality(inspection: &mut Inspection) {
    for (n, img) in &inspection.reduced {
        if let Some(page) = inspection.pages.iter_mut().find(|p| p.page == *n) {
            page.quality = guarded(|| crate::inspect::quality::measure(img, page)).ok().flatten();
        }
    }
}

/// Hands the bytes to the module for their format.
pub(crate) fn examine(format: Format, bytes: &[u8], opts: &InspectOptions) -> Decoded {
    match format {
        Format::Jpeg => jpeg::inspect(bytes, opts),
        Format::Png => png::inspect(bytes, opts),
        Format::Tiff => tiff::inspect(bytes, opts),
        // The page tree is the only way to count pages, so it is parsed even without
        // `decode`: a PDF that cannot be parsed has no page count to offer.
        Format::Pdf => pdf::inspect(bytes, opts),
        Format::Jp2 => jp2::inspect(bytes, opts),
        Format::Ofd => ofd::inspect(bytes, opts),
        // Decoded since issue #19 (OFD pages and PDF streams need it anyway); no profile
        // allows it as a page file.
        Format::Jbig2 => jbig2::inspect(bytes, opts),
        // Named but not decoded: the formats rule says whether it is allowed (it never
        // is), and no decoder's failure is passed off as damage.
        Format::Bmp
        | Format::Gif
        | Format::Webp
        | Format::Heic
        | Format::Avif
        | Format::Psd
        | Format::Djvu
        | Format::Jxl
        | Format::Jxr => Decoded::default(),
        Format::Unknown if opts.decode => Decoded::failed(format!(
            "not a recognized image or document format (starts with {})",
            sniff::leading_hex(bytes)
        )),
        Format::Unknown => Decoded::default(),
    }
}

/// Runs `f`, turning a panic into its message. Decoders are third-party code fed hostile
/// input; one bad file must become a finding, not take down a run over terabytes.
fn guarded<T>(f: impl FnOnce() -> T) -> Result<T, String> {
    crate::inspect::guard::catch(f)
}

/// The sentence for a page over the pixel limit, or `None` if it is within it.
/// `what` names it: "the image" or "the page" (the caller says which page).
pub(crate) fn over_pixel_limit(
    what: &str,
    w: u32,
    h: u32,
    opts: &InspectOptions,
) -> Option<String> {
    let pixels = u64::from(w) * u64::from(h);
    (pixels > opts.max_pixels).then(|| {
        format!(
            "{what} is {w} × {h} = {pixels} pixels, more than limits.max_pixels ({}); \
             it was not decoded (raise the limit to check it)",
            opts.max_pixels
        )
    })
}

/// The sentence for a stream or entry inflating past the byte limit.
pub(crate) fn over_inflate_limit(what: &str, opts: &InspectOptions) -> String {
    format!(
        "{what} inflates to more than limits.max_inflated_bytes ({} bytes); it was not \
         decoded (raise the limit to check it)",
        opts.max_inflated_bytes
    )
}

/// Inflates zlib (`zlib: true`) or raw deflate data, refusing to produce more than the
/// byte limit. Errors name `what`.
pub(crate) fn inflate(
    data: &[u8],
    zlib: bool,
    what: &str,
    opts: &InspectOptions,
) -> Result<Vec<u8>, String> {
    use std::io::Read;
    let limit = opts.max_inflated_bytes;
    let mut out = Vec::new();
    let reader: Box<dyn Read> = if zlib {
        Box::new(flate2::read::ZlibDecoder::new(data))
    } else {
        Box::new(flate2::read::DeflateDecoder::new(data))
    };
    reader
        .take(limit.saturating_add(1))
        .read_to_end(&mut out)
        .map_err(|e| format!("{what} cannot be inflated: {e}"))?;
    if out.len() as u64 > limit {
        return Err(over_inflate_limit(what, opts));
    }
    Ok(out)
}

/// Dots per inch from a resolution in some unit and that unit's factor (1 for inches,
/// 2.54 for centimetres, 0.0254 for metres). Zero, negative or non-numeric values carry no
/// resolution and give `None`.
pub(crate) fn dots_per_inch(x: f64, y: f64, factor: f64) -> Option<Dpi> {
    let ok = |v: f64| v.is_finite() && v > 0.0;
    (ok(x) && ok(y)).then_some(Dpi { x: x * factor, y: y * factor })
}

#[cfg(test)]
mod tests {
    use super::testutil::{decode, fixture, no_decode};
    use super::*;

    const EMPTY_SHA256: &str = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

    #[test]
    fn empty_input_has_size_and_digest_only() {
        let i = inspect_bytes(&[], &decode());
        let digests = [(Algorithm::Sha256, EMPTY_SHA256.to_string())].into();
        let want =
            Inspection { sha256: Some(EMPTY_SHA256.into()), digests, ..Inspection::default() };
        assert_eq!(i, want);
    }

    #[test]
    fn digest_is_lowercase_hex_sha256() {
        let i = inspect_bytes(b"abc", &no_decode());
        let want = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";
        assert_eq!((i.size, i.sha256.as_deref()), (3, Some(want)));
    }

    #[test]
    fn garbage_is_unknown_and_undecodable() {
        let i = inspect_bytes(b"GARBAGE bytes", &decode());
        assert_eq!(i.format, Some(Format::Unknown));
        assert_eq!(
            i.decode_error.as_deref(),
            Some("not a recognized image or document format (starts with 47 41 52 42)")
        );
        let quiet = inspect_bytes(b"GARBAGE bytes", &no_decode());
        assert_eq!((quiet.format, quiet.decode_error), (Some(Format::Unknown), None));
    }

    #[test]
    fn a_jp2_signature_alone_is_identified_but_unreadable() {
        let jp2 = [&[0, 0, 0, 0x0C, 0x6A, 0x50, 0x20, 0x20, 0x0D, 0x0A, 0x87, 0x0A][..], b"rest"]
            .concat();
        let i = inspect_bytes(&jp2, &decode());
        assert_eq!(i.format, Some(Format::Jp2));
        assert!(i.decode_error.is_some());
    }

    #[test]
    fn a_plain_zip_is_unknown() {
        let bytes = ofd::tests::zip(&[("readme.txt", b"hi")]);
        assert_eq!(inspect_bytes(&bytes, &no_decode()).format, Some(Format::Unknown));
    }

    #[test]
    fn inspect_file_reads_once_and_matches_inspect_bytes() {
        let path = format!("{}/testdata/formats/g4-2page-300dpi.tif", env!("CARGO_MANIFEST_DIR"));
        let from_file = inspect_file(Path::new(&path), &decode());
        assert_eq!(from_file, inspect_bytes(&fixture("g4-2page-300dpi.tif"), &decode()));
        assert_eq!(from_file.page_count, Some(2));
    }

    #[test]
    fn unreadable_file_sets_read_error_only() {
        let i = inspect_file(Path::new("/nonexistent/vouch/page-0001.tif"), &decode());
        assert!(i.read_error.is_some());
        assert_eq!(
            Inspection { read_error: None, read_error_kind: None, ..i },
            Inspection::default()
        );
    }

    /// An unsupported feature is found however deep the error was prefixed; damage never.
    #[test]
    fn unsupported_features_are_told_from_damage() {
        let e = format!("PDF page 2 of 5: image /Im0 (7 0 R): {}", unsupported("the filter /X"));
        assert_eq!(unsupported_feature(&e), Some("the filter /X"));
        assert_eq!(unsupported_feature("strip 0 lies past the end of the file: truncated"), None);
        let i = inspect_bytes(b"GARBAGE bytes", &decode());
        assert_eq!(i.unsupported, None);
    }

    #[test]
    fn a_panic_becomes_its_message() {
        assert_eq!(guarded(|| 7), Ok(7));
        assert_eq!(guarded(|| -> u8 { panic!("boom") }), Err("boom".to_string()));
        let n = 3;
        assert_eq!(guarded(|| -> u8 { panic!("page {n}") }), Err("page 3".to_string()));
    }

    /// `--depth quick` gives the rules the same page facts as a full decode, for every
    /// committed sample of every format.
    #[test]
    fn quick_reads_the_same_page_facts_as_full() {
        let dir = format!("{}/testdata/formats", env!("CARGO_MANIFEST_DIR"));
        let quick = InspectOptions { depth: Depth::Quick, ..decode() };
        let mut seen = 0;
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if !path.is_file() || path.extension().is_some_and(|e| e == "md") {
                continue;
            }
            let full = inspect_file(&path, &decode());
            assert_eq!(full.decode_error, None, "{}", path.display());
            assert_eq!(inspect_file(&path, &quick), full, "{}", path.display());
            seen += 1;
        }
        assert!(seen >= 15, "only {seen} samples");
    }

    #[test]
    fn quick_does_not_walk_a_jpeg_scan() {
        let mut bytes = fixture("baseline-grey-300dpi.jpg");
        let mid = bytes.len() / 2;
        bytes[mid..mid + 2].copy_from_slice(&[0xFF, 0xC0]);
        let quick = InspectOptions { depth: Depth::Quick, ..decode() };
        assert!(inspect_bytes(&bytes, &decode()).decode_error.is_some());
        let i = inspect_bytes(&bytes, &quick);
        assert_eq!((i.decode_error, i.pages.len()), (None, 1));
    }

    #[test]
    fn dots_per_inch_refuses_meaningless_values() {
        assert_eq!(dots_per_inch(300.0, 300.0, 1.0), Some(Dpi { x: 300.0, y: 300.0 }));
        assert_eq!(dots_per_inch(0.0, 300.0, 1.0), None);
        assert_eq!(dots_per_inch(f64::NAN, 300.0, 1.0), None);
    }
}

#[cfg(test)]
mod fail_closed {
    //! Every proper prefix of a valid file must be refused, or (a PDF cut after its table,
    //! which qpdf rebuilds) reported repaired: no prefix passes silently.

    use super::testutil::{decode, fixture, jpeg, pdf};
    use super::*;

    fn every_prefix_is_refused(name: &str, bytes: &[u8]) {
        assert_eq!(inspect_bytes(bytes, &decode()).decode_error, None, "{name} whole");
        for cut in 1..bytes.len() {
            let i = inspect_bytes(&bytes[..cut], &decode());
            let flagged = i.decode_error.is_some() || i.repaired.is_some();
            assert!(flagged, "{name} cut at {cut} of {} passed", bytes.len());
        }
    }

    #[test]
    fn truncated_jpeg_tiff_and_pdf_never_pass() {
        every_prefix_is_refused("jpeg", &jpeg(24, 16, false, (1, 300, 300)));
        every_prefix_is_refused("g4 tiff", &fixture("g4-2page-300dpi.tif"));
        every_prefix_is_refused("tiled tiff", &fixture("tiled-rgb-lzw.tif"));
        // A PDF may legally end without its final newline after %%EOF.
        let p = pdf(2, false);
        every_prefix_is_refused("pdf", &p[..p.len() - 1]);
    }
}
