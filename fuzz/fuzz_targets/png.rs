//! PNG: the `png` crate with every checksum verified, row by row.
#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let i = vouch_fuzz::inspect(&vouch_fuzz::with_magic(b"\x89PNG\r\n\x1a\n", data));
    assert_eq!(i.format, Some(vouch::inspect::facts::Format::Png));
});
