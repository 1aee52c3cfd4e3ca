//! OFD: the ZIP package, its XML parts, resource resolution and the page images.
//!
//! Mutating a whole ZIP mostly breaks its CRCs, so an input whose first byte is odd is a
//! set of parts (split at `\0\xFF`) packaged here into a valid OFD: `OFD.xml`, the
//! document, its resource file, one page, and an image; the second byte picks deflate or
//! stored. An even first byte takes the rest as raw package bytes (seeded with real OFDs).
#![no_main]
const NAMES: [&str; 5] = [
    "OFD.xml",
    "Doc_0/Document.xml",
    "Doc_0/DocumentRes.xml",
    "Doc_0/Pages/Page_0/Content.xml",
    "Doc_0/Res/image_0.jpg",
];
libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let Some((&pick, rest)) = data.split_first() else { return };
    let bytes = if pick % 2 == 0 {
        rest.to_vec()
    } else {
        let Some((&method, rest)) = rest.split_first() else { return };
        let parts = vouch_fuzz::parts(rest, NAMES.len());
        let entries: Vec<(&str, &[u8])> = NAMES.iter().copied().zip(parts).collect();
        vouch_fuzz::zip_of(&entries, method % 2 == 0)
    };
    vouch_fuzz::inspect(&bytes);
});
