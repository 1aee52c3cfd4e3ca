//! The image codecs of PDF image XObjects beyond DCT and JPX (issue #19): CCITTFax in
//! every form the filter allows (G4, G3 1-D and 2-D, byte-aligned, with or without an
//! end-of-block), and JBIG2 with its `/JBIG2Globals`; each decoded in full, bilevel, with
//! its reduced image when asked. Split from [`super::pdf`], which walks pages and
//! resources and hands each image's decoded bytes here.

use super::pdf::{deref, stream_bytes};
use super::reduce::{ReducedImage, Reducer};
use super::{InspectOptions, ccitt, ccitt_g3, jbig2};
use crate::inspect::facts::{ColourMode, PageFacts};
use lopdf::{Dictionary, Document};

/// What a codec needs besides the data: the document (to follow references), the codec's
/// own `DecodeParms`, and the options.
pub(super) struct Codec<'a> {
    pub(super) doc: &'a Document,
    pub(super) parms: Option<&'a Dictionary>,
    pub(super) opts: &'a InspectOptions,
}

impl Codec<'_> {
    fn int(&self, key: &[u8]) -> Option<i64> {
        let o = self.parms?.get(key).ok()?;
        deref(self.doc, o).as_i64().ok()
    }

    fn flag(&self, key: &[u8], default: bool) -> bool {
        let o = self.parms.and_then(|p| p.get(key).ok());
        o.and_then(|o| deref(self.doc, o).as_bool().ok()).unwrap_or(default)
    }
}

/// CCITTFaxDecode: K < 0 is G4, 0 is G3 1-D, > 0 G3 2-D; `height` is the XObject's, the
/// default of `/Rows`.
pub(super) fn ccitt(
    c: &Codec<'_>,
    data: &[u8],
    height: i64,
    facts: &mut PageFacts,
    reducing: bool,
) -> Result<Option<ReducedImage>, String> {
    let k = c.int(b"K").unwrap_or(0);
    let g3 = ccitt_g3::G3 {
        two_d: k > 0,
        byte_aligned: c.flag(b"EncodedByteAlign", false),
        end_of_block: c.flag(b"EndOfBlock", true),
        group4: k < 0,
        eols: c.flag(b"EndOfLine", false),
    };
    let columns = c.int(b"Columns").unwrap_or(1728);
    let rows = c.int(b"Rows").unwrap_or(height);
    let (Ok(columns), Ok(rows)) = (u32::try_from(columns), u32::try_from(rows)) else {
        return Err(format!("bad CCITT Columns/Rows {columns} × {rows}"));
    };
    facts.colour = ColourMode::Bilevel;
    facts.bits_per_sample = 1;
    facts.compression = if k < 0 { "ccitt-g4" } else { "ccitt-g3" }.into();
    if !c.opts.pixels() {
        return Ok(None);
    }
    ccitt_image(data, (columns, rows), g3, reducing)
}

/// JBIG2Decode, with the segments of `/JBIG2Globals` (through its own filters) first.
pub(super) fn jbig2(
    c: &Codec<'_>,
    data: &[u8],
    facts: &mut PageFacts,
    reducing: bool,
) -> Result<Option<ReducedImage>, String> {
    let globals = match c.parms.and_then(|p| p.get(b"JBIG2Globals").ok()) {
        Some(o) => {
            let g = deref(c.doc, o).as_stream().map_err(|e| format!("JBIG2Globals: {e}"))?;
            Some(stream_bytes(c.doc, g, "JBIG2Globals stream", c.opts)?)
        }
        None => None,
    };
    let source = jbig2::Source::Embedded { data, globals: globals.as_deref() };
    let page = jbig2::decode(source, c.opts, reducing)?;
    if (page.width, page.height) != (facts.width, facts.height) {
        return Err(format!(
            "the JBIG2 page is {} × {} but the XObject says {} × {}",
            page.width, page.height, facts.width, facts.height
        ));
    }
    facts.colour = ColourMode::Bilevel;
    facts.bits_per_sample = 1;
    facts.compression = "jbig2".into();
    Ok(page.reduced)
}

/// A CCITT image decoded in full: plain G4 by [`ccitt`], the rest (G3, byte-aligned G4)
/// by [`ccitt_g3`]; with `reducing`, at 1/8 scale too.
fn ccitt_image(
    data: &[u8],
    (columns, rows): (u32, u32),
    g3: ccitt_g3::G3,
    reducing: bool,
) -> Result<Option<ReducedImage>, String> {
    if g3.group4 && !g3.byte_aligned {
        return if reducing {
            g4_reduced(data, columns, rows).map(Some)
        } else {
            ccitt::check_g4(data, columns, rows, false).map(|()| None)
        };
    }
    if !reducing {
        return ccitt_g3::decode(data, (columns, rows), g3, None).map(|()| None);
    }
    let (mut reducer, mut grey) = (Reducer::new(columns, rows), Vec::new());
    let mut line = |y: u32, bits: &[u8]| {
        grey.clear();
        grey.extend(bits.iter().map(|&b| if b == 1 { 0 } else { 255 }));
        reducer.add_row(0, 1, y, &grey);
    };
    ccitt_g3::decode(data, (columns, rows), g3, Some(&mut line))?;
    Ok(Some(reducer.finish()))
}

/// A CCITT G4 image decoded (as [`ccitt::check_g4`]) at 1/8 scale; black-coded runs are
/// black ink (BlackIs1 only changes how the filter writes them).
fn g4_reduced(data: &[u8], columns: u32, rows: u32) -> Result<ReducedImage, String> {
    let (mut reducer, mut grey) = (Reducer::new(columns, rows), Vec::new());
    let mut line = |y: u32, bits: &[u8]| {
        grey.clear();
        grey.extend(bits.iter().map(|&b| if b == 1 { 0 } else { 255 }));
        reducer.add_row(0, 1, y, &grey);
    };
    ccitt::decode_g4(data, (columns, rows), false, Some(&mut line))?;
    Ok(reducer.finish())
}

/// A DCT stream without the white space some writers leave after its end-of-image marker
/// (`FF D9 0A`): libjpeg stops at the marker, and so do the references (issue #19).
pub(super) fn trim_after_eoi(data: &[u8]) -> &[u8] {
    let end = data
        .iter()
        .rposition(|b| !matches!(b, b'\n' | b'\r' | b' ' | b'\t' | 0x0C))
        .map_or(0, |i| i + 1);
    if data[..end].ends_with(&[0xFF, 0xD9]) { &data[..end] } else { data }
}
