//! TIFF: the IFD chain walk and every compression's chunk check. The first byte picks the
//! header (classic or BigTIFF, either byte order) when the input does not bring its own.
#![no_main]
const HEADERS: [&[u8]; 4] = [b"II*\0", b"MM\0*", b"II+\0", b"MM\0+"];
libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let Some((&pick, rest)) = data.split_first() else { return };
    let bytes = if HEADERS.iter().any(|h| rest.starts_with(h)) {
        rest.to_vec()
    } else {
        [HEADERS[usize::from(pick % 4)], rest].concat()
    };
    let i = vouch_fuzz::inspect(&bytes);
    assert_eq!(i.format, Some(vouch::inspect::facts::Format::Tiff));
});
