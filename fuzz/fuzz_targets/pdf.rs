//! PDF: lopdf's parser, the cross-reference check, the page tree, content streams and
//! every image XObject's decoder.
#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let head = &data[..data.len().min(1019)];
    let bytes = if head.windows(5).any(|w| w == b"%PDF-") {
        data.to_vec()
    } else {
        [b"%PDF-1.7\n", data].concat()
    };
    vouch_fuzz::inspect(&bytes);
});
