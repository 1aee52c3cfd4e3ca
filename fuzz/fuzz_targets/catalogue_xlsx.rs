//! Catalogue as a workbook: calamine's XLSX reader, merged cells, header mapping.
//!
//! An odd first byte assembles a minimal XLSX from parts of the input (split at `\0\xFF`):
//! workbook, its relationships, one sheet, shared strings, content types; the second byte
//! picks deflate or stored. An even first byte takes the rest as raw workbook bytes
//! (seeded with real XLSX/ODS files).
#![no_main]
use std::path::Path;
use vouch::catalogue::{Catalogue, Options};
use vouch::profile::Profile;
const NAMES: [&str; 5] = [
    "xl/workbook.xml",
    "xl/_rels/workbook.xml.rels",
    "xl/worksheets/sheet1.xml",
    "xl/sharedStrings.xml",
    "[Content_Types].xml",
];
/// The built-in profile, parsed once (its regexes are costly to compile per input).
fn profile() -> &'static Profile {
    static PROFILE: std::sync::OnceLock<Profile> = std::sync::OnceLock::new();
    PROFILE.get_or_init(|| Profile::load("dat31").expect("built-in profile"))
}
libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    vouch_fuzz::init();
    let Some((&pick, rest)) = data.split_first() else { return };
    let bytes = if pick % 2 == 0 {
        vouch_fuzz::with_magic(b"PK\x03\x04", rest)
    } else {
        let Some((&method, rest)) = rest.split_first() else { return };
        let parts = vouch_fuzz::parts(rest, NAMES.len());
        let entries: Vec<(&str, &[u8])> = NAMES.iter().copied().zip(parts).collect();
        vouch_fuzz::zip_of(&entries, method % 2 == 0)
    };
    let _ = Catalogue::from_bytes(
        Path::new("catalogue.xlsx"),
        &bytes,
        &profile().catalogue,
        &Options::default(),
    );
});
