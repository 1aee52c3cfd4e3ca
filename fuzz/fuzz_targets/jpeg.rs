//! JPEG: the marker walk, the scan walker (`jpeg_scan`) and zune-jpeg, reached at once by
//! starting every input with SOI and a marker prefix.
#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let i = vouch_fuzz::inspect(&vouch_fuzz::with_magic(b"\xFF\xD8\xFF", data));
    assert_eq!(i.format, Some(vouch::inspect::facts::Format::Jpeg));
});
