//! PNG: full decode with the `png` crate, row by row, checking every checksum.
//!
//! Rows are decoded one at a time into the decoder's own line buffer, so memory stays at
//! one row whatever the image size. CRC and Adler-32 are both verified (the crate skips
//! Adler-32 by default): a flipped bit in a delivered master is exactly what acceptance
//! must catch. Reading continues to `IEND`, so a file cut after its image data is caught.

use super::{Decoded, InspectOptions, dots_per_inch, over_pixel_limit};
use crate::facts::{ColourMode, PageFacts};
use png::{BitDepth, ColorType, Unit};
use std::io::Cursor;

/// PNG facts: one page, decoded if asked.
pub(crate) fn inspect(bytes: &[u8], opts: &InspectOptions) -> Decoded {
    let mut decoded = Decoded { page_count: Some(1), ..Decoded::default() };
    if opts.decode {
        match decode(bytes, opts) {
            Ok(page) => decoded.pages.push(page),
            Err(e) => decoded.error = Some(format!("PNG is corrupt or truncated: {e}")),
        }
    }
    decoded
}

fn decode(bytes: &[u8], opts: &InspectOptions) -> Result<PageFacts, String> {
    let mut decoder = png::Decoder::new(Cursor::new(bytes));
    decoder.ignore_checksums(false);
    let mut reader = decoder.read_info().map_err(|e| e.to_string())?;
    let page = facts(reader.info());
    if let Some(why) = over_pixel_limit("the image", page.width, page.height, opts) {
        return Err(why);
    }
    while reader.next_row().map_err(|e| e.to_string())?.is_some() {}
    reader.finish().map_err(|e| e.to_string())?;
    Ok(page)
}

/// Technical facts from the header chunks (IHDR, pHYs).
fn facts(info: &png::Info<'_>) -> PageFacts {
    let colour = match (info.color_type, info.bit_depth) {
        (ColorType::Grayscale, BitDepth::One) => ColourMode::Bilevel,
        (ColorType::Grayscale | ColorType::GrayscaleAlpha, _) => ColourMode::Grey,
        (ColorType::Rgb | ColorType::Rgba, _) => ColourMode::Rgb,
        (ColorType::Indexed, _) => ColourMode::Palette,
    };
    // pHYs in pixels per metre is a resolution; "unit unknown" is only an aspect ratio.
    let dpi = info
        .pixel_dims
        .filter(|d| d.unit == Unit::Meter)
        .and_then(|d| dots_per_inch(f64::from(d.xppu), f64::from(d.yppu), 0.0254));
    PageFacts {
        width: info.width,
        height: info.height,
        dpi,
        colour,
        bits_per_sample: info.bit_depth as u16,
        compression: "deflate".to_string(),
    }
}
