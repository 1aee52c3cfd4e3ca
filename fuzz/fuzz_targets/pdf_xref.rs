//! A PDF's cross-reference section damaged every way (issue #19): the fuzz data replaces
//! everything from the `xref` keyword of a sound one-page PDF on, so the fuzzer works on
//! tables, trailers and `startxref`, and on the rebuild by scanning that vouch makes when
//! they are damaged (and on the stream lengths it recovers).
#![no_main]

libfuzzer_sys::fuzz_target!(|tail: &[u8]| {
    let good = vouch_fuzz::image_pdf(
        "/Width 16 /Height 8 /ColorSpace /DeviceGray /BitsPerComponent 8",
        &[128; 128],
    );
    let at = good.windows(6).rposition(|w| w == b"\nxref\n").map_or(good.len(), |i| i + 1);
    vouch_fuzz::inspect(&[&good[..at], tail].concat());
});
