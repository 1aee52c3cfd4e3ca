//! A PDF page's content stream, with its inline images (`BI` ... `ID` ... `EI`), found by
//! vouch's own splitter and decoded like XObjects (issue #19). The fuzz data is the whole
//! content stream of a one-page PDF, so the fuzzer works on operators, inline image
//! dictionaries (abbreviated keys, filters, a named colour space `/P0`) and their data.
#![no_main]

const GREY: &str = "/Width 16 /Height 8 /ColorSpace /DeviceGray /BitsPerComponent 8";

libfuzzer_sys::fuzz_target!(|content: &[u8]| {
    vouch_fuzz::inspect(&vouch_fuzz::pdf_with_content(content, GREY, &[128; 128]));
});
