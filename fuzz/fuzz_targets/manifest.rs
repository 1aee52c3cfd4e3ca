//! Manifests in all four formats: the first byte picks detection or a named format and
//! the manifest's file name (which may state the algorithm); the rest is the manifest.
//! Both entry points run: `parse_bytes` (format parsers only) and `Manifest::from_bytes`
//! (placing every path under a delivery root, refusing escapes).
#![no_main]
use std::path::Path;
use vouch::manifest::{self, Format, Manifest, Options};
const FORMATS: [Option<Format>; 5] =
    [None, Some(Format::Coreutils), Some(Format::Bsd), Some(Format::Bagit), Some(Format::Hashdeep)];
const NAMES: [&str; 4] =
    ["manifest-sha256.txt", "SHA512SUMS", "files.md5", "checksums.txt"];
/// A folder that does not exist, so the BagIt tag-file look-up finds nothing to read.
const ROOT: &str = "/nonexistent-vouch-fuzz/delivery";
libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    vouch_fuzz::init();
    let Some((&pick, rest)) = data.split_first() else { return };
    let format = FORMATS[usize::from(pick) % FORMATS.len()];
    let path = Path::new(ROOT).join(NAMES[usize::from(pick / 5) % NAMES.len()]);
    let opts = Options { format, ..Options::default() };
    let (got, lines) = manifest::parse_bytes(&path, rest, opts);
    if let Some(f) = format {
        assert_eq!(got, f);
    }
    for (n, _) in &lines {
        assert!(*n >= 1, "line numbers are 1-based");
    }
    if let Ok(m) = Manifest::from_bytes(&path, rest, Path::new(ROOT), opts) {
        assert_eq!(m.entries.len() + m.bad_lines.len(), lines.len());
        for e in &m.entries {
            let rel = e.rel.as_path();
            assert!(e.rel.depth() > 0 && rel.is_relative(), "escaped: {rel:?}");
            assert!(e.rel.components().all(|c| c != ".."), "escaped: {rel:?}");
        }
    }
});
