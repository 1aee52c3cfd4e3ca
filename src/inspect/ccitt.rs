//! CCITT Group 4 (T.6) data, for TIFF compression 4 and PDF `CCITTFaxDecode` with `K < 0`.
//!
//! The `fax` crate's `decode_g4` pads an image whose data stops early (at an end-of-block
//! code) with white lines, which is right for viewing and wrong for acceptance: a strip
//! that lost its last rows would pass. So lines are counted here with its
//! `Group4Decoder`: the data must hold exactly the declared number of rows.

use fax::decoder::{DecodeStatus, Group4Decoder};

/// Decodes `data` as `rows` lines of `width` pixels; `lsb_first` for TIFF FillOrder 2.
pub(crate) fn check_g4(data: &[u8], width: u32, rows: u32, lsb_first: bool) -> Result<(), String> {
    let width = u16::try_from(width)
        .map_err(|_| format!("CCITT G4 width {width} is beyond what the decoder supports"))?;
    let bytes = data.iter().map(|&b| Ok::<u8, ()>(if lsb_first { b.reverse_bits() } else { b }));
    let mut decoder =
        Group4Decoder::new(bytes, width).map_err(|()| "CCITT G4 data is empty".to_string())?;
    for line in 0..rows {
        match decoder.advance() {
            Ok(DecodeStatus::Incomplete) => {}
            Ok(DecodeStatus::End) => {
                return Err(format!(
                    "CCITT G4 data ends after {line} of {rows} rows: truncated or corrupt"
                ));
            }
            Err(_) => {
                return Err(format!(
                    "CCITT G4 data is corrupt or truncated at row {} of {rows}",
                    line + 1
                ));
            }
        }
    }
    Ok(())
}
