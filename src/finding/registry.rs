//! The rule catalogue: every stable rule id, what it means, and what it serves.
//!
//! Ids are a public interface (DESIGN.md): kebab-case, never renamed, never reused for
//! another meaning. `vouch rules` prints this table; profiles may only name ids listed
//! here, so a typo in a profile is an error rather than a silently ignored rule.

use crate::finding::Severity;

/// One rule's public description.
#[derive(Clone, Copy, Debug)]
pub struct RuleInfo {
    /// Stable id.
    pub id: &'static str,
    /// Severity when the profile says nothing.
    pub default: Severity,
    /// What a finding of this rule means.
    pub meaning: &'static str,
    /// The acceptance requirement it serves.
    pub serves: &'static str,
}

const fn rule(
    id: &'static str,
    default: Severity,
    meaning: &'static str,
    serves: &'static str,
) -> RuleInfo {
    RuleInfo { id, default, meaning, serves }
}

use Severity::{Error, Warning};

const COMPLETE: &str = "completeness: every catalogued record and page delivered, nothing extra";
const ORDER: &str = "page order: pages named and numbered in sequence";
const QUALITY: &str = "image quality: format, resolution, colour mode and compression per contract";
const IMAGE: &str =
    "image quality by eye: deskewed, cropped without black borders, sharp, well exposed, not blank";
const FIXITY: &str = "integrity: delivered bytes match the vendor's manifest";
const NAMING: &str = "naming: folders and files named exactly by the catalogue's codes";
const CATALOGUE: &str =
    "a usable catalogue: every row with a valid code and page count, items covering each volume";
const MEDIA: &str = "a clean, readable carrier: every file readable, no system junk";
const SAFETY: &str = "safety inspection (安全性检测): no malware, programs, active content or \
     hidden payloads in the delivered files";
const STORED: &str = "stored media stay readable: periodic machine-read tests, recovery on failure";

/// Every rule vouch can report, in the order `vouch rules` lists them.
pub const RULES: &[RuleInfo] = &[
    rule("record-missing", Error, "a catalogue record has no delivered files", COMPLETE),
    rule("record-unexpected", Error, "delivered files belong to no catalogue record", COMPLETE),
    rule(
        "record-duplicate-id",
        Error,
        "the catalogue lists the same reference code twice",
        COMPLETE,
    ),
    rule(
        "page-count-mismatch",
        Error,
        "pages delivered for a record differ from the catalogue's page count",
        COMPLETE,
    ),
    rule(
        "record-id-normalized",
        Warning,
        "a folder or file name matches its catalogue code only after normalization \
         (full-width forms, invisible characters, odd spaces or dashes)",
        NAMING,
    ),
    rule(
        "record-id-invalid",
        Error,
        "a catalogue row has no reference code, or one that breaks the profile's syntax",
        CATALOGUE,
    ),
    rule(
        "record-pages-invalid",
        Error,
        "a catalogue row's page count or page number (页号) is missing, not a whole number, or 0",
        CATALOGUE,
    ),
    rule("item-range-overlap", Error, "item page ranges inside a volume overlap", CATALOGUE),
    rule("item-range-gap", Error, "item page ranges leave pages of a volume to no item", CATALOGUE),
    rule(
        "item-range-outside",
        Error,
        "an item's page range goes beyond its volume's page count",
        CATALOGUE,
    ),
    rule(
        "item-out-of-sequence",
        Warning,
        "an item starts on an earlier page than the item listed before it in its volume",
        CATALOGUE,
    ),
    rule(
        "item-volume-unknown",
        Error,
        "an item names a volume code the catalogue does not list",
        CATALOGUE,
    ),
    rule("page-gap", Error, "page numbering skips a number", ORDER),
    rule("page-number-duplicate", Error, "two files carry the same page number", ORDER),
    rule(
        "page-name-invalid",
        Error,
        "a file name does not follow the profile's naming pattern",
        ORDER,
    ),
    rule("page-duplicate-content", Error, "two pages of a record are byte-identical", COMPLETE),
    rule(
        "page-near-duplicate",
        Error,
        "two pages of a record look the same though their bytes differ (scanned twice)",
        COMPLETE,
    ),
    rule(
        "image-skewed",
        Error,
        "the page's text lines are skewed beyond quality.max_skew_degrees",
        IMAGE,
    ),
    rule(
        "image-blank",
        Error,
        "the page is blank: ink covers at most quality.blank_max_ink_percent of it",
        IMAGE,
    ),
    // Warnings until measured precise (>= 0.99) on held-out pages (issue #15).
    rule(
        "image-blurred",
        Warning,
        "the page is blurred: sharpness below quality.min_sharpness (JPEG pages)",
        IMAGE,
    ),
    rule(
        "image-dark-border",
        Error,
        "a dark frame wider than quality.max_border_mm on a side of the page",
        IMAGE,
    ),
    rule(
        "image-exposure",
        Warning,
        "a mis-set scanner: paper darker than quality.min_paper (grey paper), or the ink, \
         where it is darkest, less than quality.min_contrast below the paper (clipped \
         highlights, a squeezed histogram)",
        IMAGE,
    ),
    rule(
        "format-unreadable",
        Error,
        "the file cannot be fully decoded: truncated, corrupt, zero pages",
        QUALITY,
    ),
    rule(
        "format-unsupported",
        Error,
        "the file uses a feature vouch cannot decode (named: JPEG arithmetic coding, a TIFF \
         compression, a PDF filter, a password): it may be sound but cannot be verified",
        QUALITY,
    ),
    rule(
        "format-repaired",
        Warning,
        "the file's structure is damaged but every page decodes after the repair readers \
         make (a PDF cross-reference table rebuilt by scanning): says what was repaired",
        QUALITY,
    ),
    rule("format-not-allowed", Error, "the format is not allowed by the profile", QUALITY),
    rule(
        "format-extension-mismatch",
        Error,
        "the content's format does not match the file extension",
        QUALITY,
    ),
    rule(
        "resolution-low",
        Error,
        "resolution below the profile's minimum for the page's colour mode",
        QUALITY,
    ),
    rule("resolution-missing", Error, "no resolution metadata", QUALITY),
    rule(
        "colour-mode-not-allowed",
        Error,
        "colour mode or bit depth not allowed by the profile",
        QUALITY,
    ),
    rule(
        "compression-not-allowed",
        Error,
        "compression not allowed for the colour mode (e.g. bilevel must be CCITT G4)",
        QUALITY,
    ),
    rule("hash-mismatch", Error, "the digest differs from the manifest", FIXITY),
    rule(
        "hash-no-manifest",
        Warning,
        "no vendor manifest was given: the delivered bytes are not checked against the \
         vendor's digests",
        FIXITY,
    ),
    rule("hash-unlisted", Error, "a delivered file is not in the manifest", FIXITY),
    rule("hash-missing-file", Error, "the manifest lists a file that is not delivered", FIXITY),
    rule(
        "hash-path-normalized",
        Warning,
        "a file matched its manifest line only after Unicode normalization (NFC/NFD)",
        FIXITY,
    ),
    rule(
        "bag-oxum-mismatch",
        Error,
        "a bag's Payload-Oxum (bytes and file count) differs from its payload",
        FIXITY,
    ),
    rule(
        "bag-tag-mismatch",
        Error,
        "a bag's tag files are missing or fail their tag manifest",
        FIXITY,
    ),
    rule(
        "manifest-paths-unresolved",
        Error,
        "no path a manifest lists names a delivered file, against its own folder or the \
         delivery root (one finding with the nearest match instead of one per file)",
        FIXITY,
    ),
    rule(
        "manifest-algorithm-doubtful",
        Warning,
        "every digest of a manifest differs, and its 64-digit digests may be another \
         algorithm than the one they were read as (SHA-256, SM3, BLAKE3)",
        FIXITY,
    ),
    rule(
        "manifest-line-invalid",
        Error,
        "a manifest line cannot be read, or names a path outside the delivery",
        FIXITY,
    ),
    rule(
        "file-unreadable",
        Error,
        "the operating system could not read the file, or it is not a regular file",
        MEDIA,
    ),
    rule("file-empty", Error, "zero bytes", MEDIA),
    rule(
        "file-changed",
        Error,
        "the file changed size or vanished while the check ran; what was read is not trusted",
        MEDIA,
    ),
    rule("file-junk", Warning, "system junk such as Thumbs.db, .DS_Store, desktop.ini", MEDIA),
    rule("file-name-encoding", Error, "the file name is not valid UTF-8", MEDIA),
    rule("file-symlink", Error, "a symbolic link inside the delivery (never followed)", MEDIA),
    rule("dir-unexpected", Error, "a folder where the layout expects none", ORDER),
    rule(
        "safety-malware",
        Error,
        "the site's ClamAV daemon found a signature in the file (named in the message)",
        SAFETY,
    ),
    rule(
        "safety-not-scanned",
        Error,
        "a file could not be scanned for malware (clamd failed or the file exceeds its \
         StreamMaxLength): fail closed; without a clamd, one finding on the delivery whose \
         severity [safety] malware_scan sets (required: error, optional: warning)",
        SAFETY,
    ),
    rule(
        "safety-active-content",
        Error,
        "JavaScript, launch actions, embedded files, RichMedia or XFA in a PDF; attachments, \
         scripts or programs in an OFD (what and where: object number, page)",
        SAFETY,
    ),
    rule(
        "safety-executable",
        Error,
        "a program (ELF, PE, Mach-O, #! script) or a ZIP/RAR/7z/CAB archive that is not an \
         allowed format, identified by content whatever the extension",
        SAFETY,
    ),
    rule(
        "safety-trailing-data",
        Warning,
        "bytes after a JPEG's end-of-image, a PNG's IEND, a JP2's last box or a PDF's last \
         %%EOF (a hidden payload); an error when they start with a program, archive or document",
        SAFETY,
    ),
    rule(
        "readback-mismatch",
        Error,
        "a file read back from a stored medium differs from its accepted manifest",
        STORED,
    ),
    rule(
        "readback-missing",
        Error,
        "a file of the accepted manifest is not on the stored medium",
        STORED,
    ),
    rule(
        "readback-io-error",
        Error,
        "a file on the stored medium could not be read to its end (the offset reached is given)",
        STORED,
    ),
    rule(
        "readback-slow",
        Warning,
        "a file read far slower than the medium's median: an early sign of a failing medium",
        STORED,
    ),
];

impl RuleInfo {
    /// What a finding of this rule means, in `lang`.
    pub fn meaning_in(&self, lang: crate::finding::Lang) -> &'static str {
        let zh = super::registry_zh::MEANINGS.iter().find(|(id, _)| *id == self.id);
        match (lang, zh) {
            (crate::finding::Lang::Zh, Some((_, zh))) => zh,
            _ => self.meaning,
        }
    }

    /// The requirement it serves, in `lang`.
    pub fn serves_in(&self, lang: crate::finding::Lang) -> &'static str {
        let zh = super::registry_zh::SERVES.iter().find(|(en, _)| self.serves.starts_with(en));
        match (lang, zh) {
            (crate::finding::Lang::Zh, Some((_, zh))) => zh,
            _ => self.serves,
        }
    }
}

/// Looks a rule up by id.
pub fn find(id: &str) -> Option<&'static RuleInfo> {
    RULES.iter().find(|r| r.id == id)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Issue #22: a rule described in one language only fails here.
    #[test]
    fn every_rule_is_described_in_chinese_too() {
        use super::super::registry_zh::{MEANINGS, SERVES};
        for r in RULES {
            assert!(MEANINGS.iter().any(|(id, _)| *id == r.id), "{}: no Chinese meaning", r.id);
            let serves = SERVES.iter().filter(|(en, _)| r.serves.starts_with(en)).count();
            assert_eq!(serves, 1, "{}: its requirement has no single Chinese text", r.id);
        }
        for (id, _) in MEANINGS {
            assert!(find(id).is_some(), "{id}: a Chinese meaning for no rule");
        }
    }

    #[test]
    fn ids_are_unique_and_kebab_case() {
        let mut seen = std::collections::BTreeSet::new();
        for r in RULES {
            assert!(seen.insert(r.id), "duplicate rule id {}", r.id);
            assert!(r.id.chars().all(|c| c.is_ascii_lowercase() || c == '-'), "{}", r.id);
        }
    }
}
