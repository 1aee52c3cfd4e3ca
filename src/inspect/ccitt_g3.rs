//! CCITT Group 3 (T.4) 1-D and 2-D, and Modified Huffman: TIFF compressions 2 and 3, and
//! PDF `CCITTFaxDecode` with `K ≥ 0` or `EncodedByteAlign` (issue #19), decoded with
//! `hayro-ccitt` (pure Rust, the CCITT decoder of the hayro family `hayro-jbig2` already
//! brings in). Group 4 keeps its own path ([`super::ccitt`]).
//!
//! Strictness as for G4: the data must decode to exactly the declared rows, each of the
//! declared width. The decoder stops at the row count, at the end of the data, or at an
//! end-of-block (six EOLs) when allowed; fewer rows than declared is damage.

use super::ccitt::LineSink;
use hayro_ccitt::{DecodeSettings, DecoderContext, EncodingMode};

/// How the data is coded.
#[derive(Clone, Copy, Debug)]
pub(crate) struct G3 {
    /// 2-D coding (T.4 two-dimensional, `K > 0`; TIFF T4Options bit 0); 1-D otherwise.
    pub(crate) two_d: bool,
    /// Each row starts on a byte boundary (Modified Huffman; PDF `EncodedByteAlign`).
    pub(crate) byte_aligned: bool,
    /// The data may end with an end-of-block (RTC, six EOLs) before the declared rows
    /// (PDF `EndOfBlock`, true by default).
    pub(crate) end_of_block: bool,
    /// Group 4 (for PDF `EncodedByteAlign`, which `fax` does not support).
    pub(crate) group4: bool,
    /// Every row is preceded by an EOL (TIFF compression 3; PDF `EndOfLine true`).
    pub(crate) eols: bool,
}

/// Decodes `data` as `rows` rows of `width` pixels; each row goes to `line`, if given,
/// as one sample per pixel (1 where the code says black). `what` names the coding.
pub(crate) fn decode(
    data: &[u8],
    (width, rows): (u32, u32),
    g3: G3,
    line: Option<LineSink<'_>>,
) -> Result<(), String> {
    if g3.eols && !g3.two_d && !g3.byte_aligned && !g3.group4 {
        return decode_1d_with_eols(data, (width, rows), line);
    }
    let what = if g3.group4 { "CCITT G4" } else { "CCITT G3" };
    let encoding = match (g3.group4, g3.two_d) {
        (true, _) => EncodingMode::Group4,
        (false, true) => EncodingMode::Group3_2D { k: 2 },
        (false, false) => EncodingMode::Group3_1D,
    };
    let settings = DecodeSettings {
        columns: width,
        rows,
        end_of_block: g3.end_of_block,
        end_of_line: false,
        rows_are_byte_aligned: g3.byte_aligned,
        encoding,
        invert_black: false,
    };
    let mut ctx = DecoderContext::new(settings);
    let mut sink = Rows { row: Vec::new(), y: 0, width, line };
    let result = hayro_ccitt::decode(data, &mut sink, &mut ctx);
    let y = sink.y;
    result.map_err(|e| format!("{what} data is corrupt at row {} of {rows}: {e:?}", y + 1))?;
    if y < rows {
        return Err(format!("{what} data ends after {y} of {rows} rows: truncated or corrupt"));
    }
    Ok(())
}

/// G3 1-D with an EOL before every row (TIFF compression 3; PDF K = 0 with EOLs), by
/// `fax`'s decoder: every row must come to exactly `width` pixels before its EOL, as
/// libtiff requires ("Premature EOL", "Line length mismatch"). `hayro-ccitt` cuts an
/// overlong row at the width silently, so a damaged row could pass there.
fn decode_1d_with_eols(
    data: &[u8],
    (width, rows): (u32, u32),
    mut line: Option<LineSink<'_>>,
) -> Result<(), String> {
    use fax::decoder::{DecodeStatus, Group3Decoder};
    // An EOL after the data (fill bits, then 000000000001), as RTC would end it: the
    // decoder then reads the last row's last code, which it cannot at the very end of
    // its input. A row cut short still ends early at it: line length mismatch.
    let bytes = data.iter().chain(&[0x00, 0x01]).map(|&b| Ok::<u8, ()>(b));
    let mut decoder = Group3Decoder::new(bytes)
        .map_err(|_| "CCITT G3 data does not begin with an EOL: corrupt".to_string())?;
    let mut row = Vec::new();
    for y in 0..rows {
        let status = decoder
            .advance()
            .map_err(|_| format!("CCITT G3 data is corrupt at row {} of {rows}", y + 1))?;
        let changes = decoder.transitions();
        let got = changes.last().copied().map_or(0, u32::from);
        if got != width {
            return Err(format!(
                "CCITT G3 row {} of {rows} codes {got} pixels, not {width}: line length \
                 mismatch (corrupt)",
                y + 1
            ));
        }
        if let Some(f) = line.as_mut() {
            super::ccitt::runs_to_row(changes, width as usize, &mut row);
            f(y, &row);
        }
        if status == DecodeStatus::End && y + 1 < rows {
            return Err(format!(
                "CCITT G3 data ends after {} of {rows} rows: truncated or corrupt",
                y + 1
            ));
        }
    }
    Ok(())
}

/// Collects each row's pixels (1 for black) for the line sink, and counts rows.
struct Rows<'a> {
    row: Vec<u8>,
    y: u32,
    width: u32,
    line: Option<LineSink<'a>>,
}

impl hayro_ccitt::Decoder for Rows<'_> {
    fn push_pixel(&mut self, white: bool) {
        if self.line.is_some() {
            self.row.push(u8::from(!white));
        }
    }

    fn push_pixel_chunk(&mut self, white: bool, chunk_count: u32) {
        if self.line.is_some() {
            let n = chunk_count as usize * 8;
            self.row.resize(self.row.len() + n, u8::from(!white));
        }
    }

    fn next_line(&mut self) {
        if let Some(f) = self.line.as_mut() {
            self.row.resize(self.width as usize, 0);
            f(self.y, &self.row);
        }
        self.row.clear();
        self.y += 1;
    }
}

#[cfg(test)]
mod tests {
    use super::super::testutil::{decode, fixture, regression};
    use super::super::{InspectOptions, inspect_bytes};

    /// libtiff's G3 files (1-D; 2-D with fill bits, 16-row strips) decode to the same
    /// pixels as the G4 file they were made from, and no proper prefix passes.
    #[test]
    fn libtiff_g3_decodes_like_its_g4_twin_and_every_prefix_is_refused() {
        let opts = InspectOptions { reduced: true, ..decode() };
        let g4 = inspect_bytes(&fixture("g4-2page-300dpi.tif"), &opts);
        for name in ["g3-1d-2page.tif", "g3-2d-fill-strips16.tif"] {
            let bytes = regression(name);
            let i = inspect_bytes(&bytes, &opts);
            assert_eq!((i.decode_error.as_deref(), i.pages.len()), (None, 2), "{name}");
            assert_eq!(i.pages[0].compression, "ccitt-g3");
            for ((_, a), (_, b)) in i.reduced.iter().zip(&g4.reduced) {
                assert_eq!(a.pixels, b.pixels, "{name}");
            }
        }
        // Page 1's strip (libtiff writes it first, at byte 8) with its second half zeroed
        // or flipped: the directory is intact, only the decode can tell.
        let bytes = regression("g3-1d-2page.tif");
        let count_at = super::super::testutil::tag_value_pos(&bytes, 279);
        let count = u32::from_le_bytes(bytes[count_at..count_at + 4].try_into().unwrap()) as usize;
        for fill in [0x00, 0xFF, 0x5A] {
            let mut bad = bytes.clone();
            bad[8 + count / 2..8 + count].fill(fill);
            let i = inspect_bytes(&bad, &decode());
            let err = i.decode_error.unwrap_or_default();
            assert!(err.contains("TIFF page 1 of 2") && i.unsupported.is_none(), "{fill}: {err}");
        }
    }
}
