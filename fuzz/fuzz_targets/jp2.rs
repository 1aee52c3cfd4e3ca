//! JPEG 2000: the JP2 box walk and hayro-jpeg2000. An even first byte makes a JP2 file
//! (signature box prefixed), an odd one a raw codestream (SOC + SIZ prefixed).
#![no_main]
const JP2: &[u8] = &[0, 0, 0, 0x0C, 0x6A, 0x50, 0x20, 0x20, 0x0D, 0x0A, 0x87, 0x0A];
const J2K: &[u8] = &[0xFF, 0x4F, 0xFF, 0x51];
libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let Some((&pick, rest)) = data.split_first() else { return };
    let bytes = if rest.starts_with(JP2) || rest.starts_with(J2K) {
        rest.to_vec()
    } else {
        [if pick % 2 == 0 { JP2 } else { J2K }, rest].concat()
    };
    let i = vouch_fuzz::inspect(&bytes);
    assert_eq!(i.format, Some(vouch::inspect::facts::Format::Jp2));
});
