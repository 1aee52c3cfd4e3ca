//! Technical facts about one delivered file: what inspection found out.
//!
//! This is the contract between the inspect stage (which reads and decodes files) and the
//! rules (which judge them). An `Inspection` is small on purpose: pixels are dropped before
//! it is returned, so memory stays bounded however many files a delivery holds.

use serde::{Deserialize, Serialize};
use std::fmt;

/// A file format, identified by content (magic bytes), never by extension.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Format {
    /// JPEG (JFIF/EXIF), `FF D8 FF`.
    Jpeg,
    /// TIFF, little or big endian (`II*\0`, `MM\0*`), incl. BigTIFF.
    Tiff,
    /// PNG.
    Png,
    /// JPEG 2000, JP2 container or raw codestream.
    Jp2,
    /// PDF, `%PDF-`.
    Pdf,
    /// OFD (GB/T 33190): a ZIP holding `OFD.xml`.
    Ofd,
    /// Image formats vouch recognises by content but does not decode (no archival
    /// profile accepts them): each is named, so a disallowed page says
    /// `format-not-allowed` for what it is, never "damaged" or "unknown".
    /// Windows bitmap, `BM`.
    Bmp,
    /// GIF, `GIF87a`/`GIF89a`.
    Gif,
    /// WebP, `RIFF….WEBP`.
    Webp,
    /// HEIF/HEIC (ISO base media `ftyp` with a HEIF brand).
    Heic,
    /// AVIF (ISO base media `ftyp` with an AVIF brand).
    Avif,
    /// Photoshop document, `8BPS`.
    Psd,
    /// DjVu, `AT&TFORM….DJVU`.
    Djvu,
    /// A JBIG2 file (the stand-alone file format of ITU T.88 Annex D).
    Jbig2,
    /// JPEG XL, codestream or container.
    Jxl,
    /// JPEG XR (HD Photo), `II\xBC\x01`.
    Jxr,
    /// Anything else.
    Unknown,
}

impl Format {
    /// The lowercase name used in profiles and reports.
    pub fn name(self) -> &'static str {
        match self {
            Format::Jpeg => "jpeg",
            Format::Tiff => "tiff",
            Format::Png => "png",
            Format::Jp2 => "jp2",
            Format::Pdf => "pdf",
            Format::Ofd => "ofd",
            Format::Bmp => "bmp",
            Format::Gif => "gif",
            Format::Webp => "webp",
            Format::Heic => "heic",
            Format::Avif => "avif",
            Format::Psd => "psd",
            Format::Djvu => "djvu",
            Format::Jbig2 => "jbig2",
            Format::Jxl => "jxl",
            Format::Jxr => "jxr",
            Format::Unknown => "unknown",
        }
    }

    /// Whether vouch decodes and verifies this format (the formats a profile may allow).
    pub fn is_decoded(self) -> bool {
        Format::NAMES.contains(&self.name())
    }

    /// Every known format name, for validating profiles.
    pub const NAMES: [&'static str; 6] = ["jpeg", "tiff", "png", "jp2", "pdf", "ofd"];

    /// The format a file name's extension claims, if it is one vouch knows.
    pub fn from_extension(ext: &str) -> Option<Format> {
        match ext.to_ascii_lowercase().as_str() {
            "jpg" | "jpeg" | "jpe" | "jfif" => Some(Format::Jpeg),
            "tif" | "tiff" => Some(Format::Tiff),
            "png" => Some(Format::Png),
            "jp2" | "j2k" | "jpx" | "jpf" | "j2c" => Some(Format::Jp2),
            "pdf" => Some(Format::Pdf),
            "ofd" => Some(Format::Ofd),
            "bmp" | "dib" => Some(Format::Bmp),
            "gif" => Some(Format::Gif),
            "webp" => Some(Format::Webp),
            "heic" | "heif" => Some(Format::Heic),
            "avif" => Some(Format::Avif),
            "psd" => Some(Format::Psd),
            "djvu" | "djv" => Some(Format::Djvu),
            "jb2" | "jbig2" => Some(Format::Jbig2),
            "jxl" => Some(Format::Jxl),
            "jxr" | "wdp" | "hdp" => Some(Format::Jxr),
            _ => None,
        }
    }
}

impl fmt::Display for Format {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// Colour mode of a page image.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ColourMode {
    /// 1 bit per pixel, black and white.
    Bilevel,
    /// Greyscale (any bit depth above 1).
    Grey,
    /// RGB colour.
    Rgb,
    /// CMYK colour.
    Cmyk,
    /// Indexed colour with a palette.
    Palette,
    /// Anything else (YCCK, LAB, multi-channel...).
    Other,
}

impl ColourMode {
    /// Every colour mode, for validating profiles.
    pub const ALL: [ColourMode; 6] = [
        ColourMode::Bilevel,
        ColourMode::Grey,
        ColourMode::Rgb,
        ColourMode::Cmyk,
        ColourMode::Palette,
        ColourMode::Other,
    ];

    /// The lowercase name used in profiles and reports.
    pub fn name(self) -> &'static str {
        match self {
            ColourMode::Bilevel => "bilevel",
            ColourMode::Grey => "grey",
            ColourMode::Rgb => "rgb",
            ColourMode::Cmyk => "cmyk",
            ColourMode::Palette => "palette",
            ColourMode::Other => "other",
        }
    }
}

/// Resolution in dots per inch, converted from whatever unit the file used.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct Dpi {
    /// Horizontal.
    pub x: f64,
    /// Vertical.
    pub y: f64,
}

impl Dpi {
    /// The lower of the two axes: what a minimum is compared against.
    pub fn min(self) -> f64 {
        self.x.min(self.y)
    }
}

/// Facts about one decoded page (a JPEG, a TIFF IFD, the image on a PDF or OFD page).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PageFacts {
    /// Page number inside the file, from 1 (always 1 for single-image formats). A PDF or
    /// OFD page that carries no image has no `PageFacts`, so numbers may skip.
    pub page: u32,
    /// Pixel width.
    pub width: u32,
    /// Pixel height.
    pub height: u32,
    /// Resolution, `None` where the file carries no resolution metadata.
    pub dpi: Option<Dpi>,
    /// Where `dpi` came from: `jfif`, `exif`, `tiff`, `png`, `jp2-capture`, `jp2-display`,
    /// `pdf-page` (the image fills the MediaBox), `pdf-drawn` (its size on the page),
    /// `ofd-drawn`, `ofd-page`; `None` with `dpi`. Units are converted to inches.
    pub dpi_source: Option<String>,
    /// Colour mode.
    pub colour: ColourMode,
    /// Bits per sample (1 for bilevel, 8 for ordinary greyscale/colour).
    pub bits_per_sample: u16,
    /// Compression, lowercase: `none`, `jpeg`, `ccitt-g4`, `ccitt-g3`, `lzw`, `deflate`,
    /// `packbits`, `png`, `jpeg2000`, ...
    pub compression: String,
    /// An ICC colour profile is embedded (JPEG APP2, TIFF tag 34675, PNG iCCP, JP2 `colr`
    /// method 2, PDF ICCBased).
    pub icc: bool,
    /// Image-quality measures (issue #10), with a full check whose profile measures
    /// quality; absent otherwise (and in reports and journals written before).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub quality: Option<crate::inspect::quality::PageQuality>,
}

/// Everything inspection learned from one read of one file.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Inspection {
    /// Bytes read.
    pub size: u64,
    /// Lowercase hex SHA-256 of the bytes read; `None` if the file could not be read.
    pub sha256: Option<String>,
    /// Every digest asked for (always SHA-256), lowercase hex, from the same one read;
    /// empty if the file could not be read.
    pub digests: std::collections::BTreeMap<crate::digest::Algorithm, String>,
    /// Format by content; `None` if the file was not read or is empty.
    pub format: Option<Format>,
    /// Pages as counted by the file's own structure (TIFF IFDs, PDF page tree, OFD page
    /// list; 1 for single-image formats); `None` where the structure could not be read.
    pub page_count: Option<u32>,
    /// Facts per fully decoded page, in order. Empty where pages were not decoded
    /// (decode not requested, decode failed, or a format whose pages are not yet decoded).
    pub pages: Vec<PageFacts>,
    /// The operating system could not read the file (permission, I/O error).
    pub read_error: Option<String>,
    /// What kind of read error, where the rules treat kinds differently.
    pub read_error_kind: Option<ReadErrorKind>,
    /// The file was read but could not be fully decoded: truncated, corrupt, zero pages,
    /// a limit exceeded, or a decoder panic. Says what and where, for a person.
    pub decode_error: Option<String>,
    /// With `decode_error`, when the reason is a feature vouch cannot decode rather than
    /// damage (issue #19): the feature, named ("JPEG arithmetic coding"). The file may be
    /// sound; it cannot be verified (`format-unsupported`, not `format-unreadable`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unsupported: Option<String>,
    /// Without `decode_error`: the file's structure was damaged, but every page decoded
    /// after the repair a reader makes (issue #19); says what was repaired, for a person
    /// (`format-repaired`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub repaired: Option<String>,
    /// A PDF that is encrypted but opened with the empty user password: its cipher and
    /// handler, for a person (issue #19). PDF/A forbids encryption.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub encryption: Option<String>,
    /// With `InspectOptions::reduced`: each decoded page at reduced scale, as (page
    /// number, image). Transient: the caller takes it for thumbnails and drops it; it is
    /// never serialized (journal, report), so memory and files stay small.
    #[serde(skip)]
    pub reduced: Vec<(u32, crate::inspect::ReducedImage)>,
}

impl Inspection {
    /// The lowercase hex digest of `alg` from the one read, if computed. Use this, not
    /// `digests` directly: the facts a check keeps for the whole run are [`compact`]ed.
    ///
    /// [`compact`]: Inspection::compact
    pub fn digest(&self, alg: crate::digest::Algorithm) -> Option<&str> {
        match self.digests.get(&alg) {
            Some(d) => Some(d),
            None if alg == crate::digest::Algorithm::Sha256 => self.sha256.as_deref(),
            None => None,
        }
    }

    /// Drops the copy of `sha256` that `digests` holds (issue #7: a check keeps the facts
    /// of every file until the report is written; with SHA-256 alone the map's copy and
    /// its node cost about 370 bytes a file). [`digest`](Inspection::digest) still finds
    /// it. Serialized facts (journal) are written before this.
    pub fn compact(&mut self) {
        let sha = crate::digest::Algorithm::Sha256;
        if self.sha256.is_some() && self.digests.get(&sha) == self.sha256.as_ref() {
            self.digests.remove(&sha);
            if self.digests.is_empty() {
                // Frees the map's node (remove alone keeps an empty root allocated).
                self.digests = std::collections::BTreeMap::new();
            }
        }
    }
}

/// Kinds of read error the rules tell apart.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ReadErrorKind {
    /// The file was listed by the walk but was gone when it was opened.
    NotFound,
    /// Any other error (permission, I/O).
    Other,
}

/// Per-file facts as the report lists them (`files` in report.json) and `vouch inspect`
/// prints them: what each delivered file is, page by page.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct FileFacts {
    /// Path relative to the delivery root (`/`, `%XX`-escaped), or as given to `inspect`.
    pub path: String,
    /// Format by content; `null` where the file was not read.
    pub format: Option<Format>,
    /// Bytes.
    pub size: u64,
    /// SHA-256 of the bytes read, so the signed report pins every file; `null` where the
    /// file could not be read.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sha256: Option<String>,
    /// Pages by the file's own structure.
    pub pages: Option<u32>,
    /// Facts per decoded page.
    pub page_facts: Vec<PageFacts>,
    /// Why the file could not be read or fully decoded; `null` when it decoded completely.
    pub damage: Option<String>,
    /// With `damage`, when the reason is a feature vouch cannot decode, not damage: the
    /// feature (issue #19). Absent otherwise.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unsupported: Option<String>,
    /// What was repaired to read a damaged structure whose pages all decoded (issue #19).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub repaired: Option<String>,
    /// A PDF's encryption, where it opened with the empty user password (issue #19).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub encryption: Option<String>,
}

impl FileFacts {
    /// The facts of `inspection` under `path`.
    pub fn new(path: String, inspection: &Inspection) -> FileFacts {
        FileFacts {
            path,
            format: inspection.format,
            size: inspection.size,
            sha256: inspection.sha256.clone(),
            pages: inspection.page_count,
            page_facts: inspection.pages.clone(),
            damage: inspection.read_error.clone().or_else(|| inspection.decode_error.clone()),
            unsupported: inspection.unsupported.clone(),
            repaired: inspection.repaired.clone(),
            encryption: inspection.encryption.clone(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::digest::{Algorithm, digest_all};

    #[test]
    fn compacted_facts_still_give_every_digest() {
        let all = digest_all(b"abc", &[Algorithm::Sha256, Algorithm::Md5]);
        for algs in [vec![Algorithm::Sha256], vec![Algorithm::Sha256, Algorithm::Md5]] {
            let digests: std::collections::BTreeMap<_, _> =
                algs.iter().map(|a| (*a, all[a].clone())).collect();
            let sha256 = Some(all[&Algorithm::Sha256].clone());
            let mut facts = Inspection { sha256, digests, ..Inspection::default() };
            facts.compact();
            assert!(!facts.digests.contains_key(&Algorithm::Sha256));
            for a in &algs {
                assert_eq!(facts.digest(*a), Some(all[a].as_str()), "{a}");
            }
            assert_eq!(facts.digest(Algorithm::Blake3), None);
        }
    }
}
