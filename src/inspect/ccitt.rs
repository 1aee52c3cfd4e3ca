//! CCITT Group 4 (T.6) data, for TIFF compression 4 and PDF `CCITTFaxDecode` with `K < 0`.
//!
//! The `fax` crate's `decode_g4` pads an image whose data stops early (at an end-of-block
//! code) with white lines, which is right for viewing and wrong for acceptance: a strip
//! that lost its last rows would pass. So lines are counted here with its
//! `Group4Decoder`: the data must hold exactly the declared number of rows.

//! With a line callback ([`decode_g4`]) each decoded row is also handed out as bits, 1
//! for a black-coded run, for the reduced image.

use fax::decoder::{DecodeStatus, Group4Decoder};

/// Decodes `data` as `rows` lines of `width` pixels; `lsb_first` for TIFF FillOrder 2.
pub(crate) fn check_g4(data: &[u8], width: u32, rows: u32, lsb_first: bool) -> Result<(), String> {
    decode_g4(data, (width, rows), lsb_first, None)
}

/// Where decoded rows go: (row number, one sample per pixel).
pub(crate) type LineSink<'a> = &'a mut dyn FnMut(u32, &[u8]);

/// [`check_g4`], handing each decoded row to `line` as one sample per pixel: 1 where
/// the code says black, 0 where it says white (libtiff's convention: what those mean is
/// the photometric interpretation's business).
pub(crate) fn decode_g4(
    data: &[u8],
    (width, rows): (u32, u32),
    lsb_first: bool,
    mut line: Option<LineSink<'_>>,
) -> Result<(), String> {
    let width = u16::try_from(width)
        .map_err(|_| format!("CCITT G4 width {width} is beyond what the decoder supports"))?;
    let bytes = data.iter().map(|&b| Ok::<u8, ()>(if lsb_first { b.reverse_bits() } else { b }));
    let mut decoder =
        Group4Decoder::new(bytes, width).map_err(|()| "CCITT G4 data is empty".to_string())?;
    let mut row = Vec::new();
    for line_no in 0..rows {
        let line_at = line_no;
        match decoder.advance() {
            Ok(DecodeStatus::Incomplete) => {
                if let Some(f) = line.as_mut() {
                    runs_to_row(decoder.transition(), usize::from(width), &mut row);
                    f(line_no, &row);
                }
            }
            Ok(DecodeStatus::End) => {
                return Err(format!(
                    "CCITT G4 data ends after {line_at} of {rows} rows: truncated or corrupt"
                ));
            }
            Err(_) => {
                return Err(format!(
                    "CCITT G4 data is corrupt or truncated at row {} of {rows}",
                    line_at + 1
                ));
            }
        }
    }
    more_rows(&mut decoder, (width, rows))
}

/// After the declared rows the data must end (an end-of-block code, or fill bits). A
/// further whole row means the rows are not what the header says (issue #17: a G4 TIFF
/// whose ImageWidth was changed to 2 decodes as thousands of 2-pixel rows, each cut off
/// at the width; libtiff: "Line length mismatch").
fn more_rows<R: Iterator<Item = Result<u8, ()>>>(
    decoder: &mut Group4Decoder<R>,
    (width, rows): (u16, u32),
) -> Result<(), String> {
    match decoder.advance() {
        Ok(DecodeStatus::Incomplete) => Err(format!(
            "CCITT G4 data codes more than the {rows} rows of {width} pixels declared: line \
             length mismatch (the width or the row count is wrong)"
        )),
        _ => Ok(()),
    }
}

/// One row from its colour changes (starting white, as `fax::decoder::pels` reads
/// them): run by run, not pixel by pixel.
pub(crate) fn runs_to_row(changes: &[u16], width: usize, row: &mut Vec<u8>) {
    row.clear();
    let mut black = false;
    for &at in changes {
        let at = usize::from(at).min(width);
        row.resize(at.max(row.len()), u8::from(black));
        black = !black;
    }
    row.resize(width, u8::from(black));
}

#[cfg(test)]
mod tests {
    use super::*;
    use fax::Color;

    #[test]
    fn rows_come_out_as_black_bits() {
        // A 16 × 2 page: row 0 white, row 1 black in columns 4..12, G4-encoded by `fax`.
        let mut enc = fax::encoder::Encoder::new(fax::VecWriter::new());
        let rows: [Vec<Color>; 2] = [
            vec![Color::White; 16],
            (0..16)
                .map(|x| if (4..12).contains(&x) { Color::Black } else { Color::White })
                .collect(),
        ];
        for r in &rows {
            enc.encode_line(r.iter().copied(), 16).unwrap();
        }
        let data = enc.finish().unwrap().finish();
        let mut seen = Vec::new();
        decode_g4(&data, (16, 2), false, Some(&mut |y, bits: &[u8]| seen.push((y, bits.to_vec()))))
            .unwrap();
        let black: Vec<u8> = (0..16).map(|x| u8::from((4..12).contains(&x))).collect();
        assert_eq!(seen, [(0, vec![0; 16]), (1, black)]);
        // The same data declared 2 pixels wide: rows longer than the width.
        let err = check_g4(&data, 2, 2, false).unwrap_err();
        assert!(err.contains("line length mismatch"), "{err}");
    }
}
