//! A PDF image XObject's stream through every filter chain vouch decodes (issue #19):
//! ASCIIHex, ASCII85, RunLength, LZW (both EarlyChange), Flate with predictors, chains
//! of them, and the codecs after them (JBIG2, CCITT G3 1-D/2-D, byte-aligned G4). The
//! first byte picks the dictionary, the rest is the stream, so the fuzzer works on the
//! filters' data rather than on PDF syntax.
#![no_main]

const DICTS: &[&str] = &[
    "/Filter /ASCIIHexDecode",
    "/Filter /ASCII85Decode",
    "/Filter /RunLengthDecode",
    "/Filter /LZWDecode",
    "/Filter /LZWDecode /DecodeParms << /EarlyChange 0 >>",
    "/Filter [/ASCII85Decode /FlateDecode]",
    "/Filter [/ASCIIHexDecode /LZWDecode] /DecodeParms [null << /Predictor 12 /Columns 16 >>]",
    "/Filter [/RunLengthDecode /DCTDecode]",
    "/Filter [/ASCII85Decode /CCITTFaxDecode] /DecodeParms [null << /K -1 /Columns 16 >>]",
    "/Filter /JBIG2Decode",
    "/Filter /CCITTFaxDecode /DecodeParms << /K 0 /Columns 16 /EndOfLine true >>",
    "/Filter /CCITTFaxDecode /DecodeParms << /K 0 /Columns 16 /EncodedByteAlign true >>",
    "/Filter /CCITTFaxDecode /DecodeParms << /K 2 /Columns 16 /EndOfBlock false >>",
    "/Filter /CCITTFaxDecode /DecodeParms << /K -1 /Columns 16 /EncodedByteAlign true >>",
    "/Filter [/FlateDecode /JBIG2Decode]",
];

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let Some((&pick, stream)) = data.split_first() else { return };
    let filter = DICTS[usize::from(pick) % DICTS.len()];
    let dict = format!("/Width 16 /Height 8 /ColorSpace /DeviceGray /BitsPerComponent 8 {filter}");
    vouch_fuzz::inspect(&vouch_fuzz::image_pdf(&dict, stream));
});
