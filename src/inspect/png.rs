//! PNG: full decode with the `png` crate, row by row, checking every checksum.
//!
//! Rows are decoded one at a time into the decoder's own line buffer, so memory stays at
//! one row whatever the image size. Every CRC (ancillary chunks too) and the Adler-32 are
//! verified, where the crate by default skips Adler-32 and drops ancillary chunks with bad
//! CRCs: a flipped bit in a delivered master is exactly what acceptance must catch. Reading continues to `IEND`, so a file cut after its image data is caught.

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
    let mut checks = png::DecodeOptions::default();
    checks.set_ignore_checksums(false);
    // By default a bad CRC on an ancillary chunk (pHYs, iCCP...) drops the chunk silently;
    // for acceptance a damaged resolution or profile is damage like any other.
    checks.set_skip_ancillary_crc_failures(false);
    let decoder = png::Decoder::new_with_options(Cursor::new(bytes), checks);
    let mut reader = decoder.read_info().map_err(|e| e.to_string())?;
    let page = facts(reader.info());
    if let Some(why) = over_pixel_limit("the image", page.width, page.height, opts) {
        return Err(why);
    }
    if !opts.pixels() {
        return Ok(page); // --depth quick: header only
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
        page: 1,
        width: info.width,
        height: info.height,
        dpi,
        dpi_source: dpi.map(|_| "png".to_string()),
        colour,
        bits_per_sample: info.bit_depth as u16,
        compression: "deflate".to_string(),
        icc: info.icc_profile.is_some(),
        quality: None,
    }
}

#[cfg(test)]
mod tests {
    use super::super::inspect_bytes;
    use super::super::testutil::{decode, no_decode, pattern};
    use crate::facts::{ColourMode, Format};
    use png::{BitDepth, ColorType, PixelDimensions, Unit};

    fn png(colour: ColorType, depth: BitDepth, phys: Option<(u32, Unit)>) -> Vec<u8> {
        let (w, h) = (48u32, 32u32);
        let mut out = Vec::new();
        let mut enc = png::Encoder::new(&mut out, w, h);
        enc.set_color(colour);
        enc.set_depth(depth);
        if colour == ColorType::Indexed {
            enc.set_palette((0..=255u8).flat_map(|v| [v, v, 255 - v]).collect::<Vec<u8>>());
        }
        enc.set_pixel_dims(phys.map(|(ppu, unit)| PixelDimensions { xppu: ppu, yppu: ppu, unit }));
        let samples = match colour {
            ColorType::Rgb => 3,
            ColorType::Rgba => 4,
            ColorType::GrayscaleAlpha => 2,
            _ => 1,
        };
        let row_bytes = (w as usize * samples * depth as usize).div_ceil(8);
        let mut writer = enc.write_header().unwrap();
        writer.write_image_data(&pattern(row_bytes * h as usize)).unwrap();
        writer.finish().unwrap();
        out
    }

    #[test]
    fn rgb_png_facts_with_phys_in_metres() {
        let bytes = png(ColorType::Rgb, BitDepth::Eight, Some((11811, Unit::Meter)));
        let i = inspect_bytes(&bytes, &decode());
        assert_eq!(i.decode_error, None);
        assert_eq!((i.format, i.page_count), (Some(Format::Png), Some(1)));
        let p = &i.pages[0];
        assert_eq!((p.width, p.height, p.colour, p.bits_per_sample), (48, 32, ColourMode::Rgb, 8));
        assert_eq!(p.compression, "deflate");
        assert!((p.dpi.unwrap().x - 299.9994).abs() < 1e-9, "{:?}", p.dpi);
    }

    #[test]
    fn phys_without_unit_or_absent_is_no_resolution() {
        for phys in [Some((11811, Unit::Unspecified)), None] {
            let i = inspect_bytes(&png(ColorType::Rgb, BitDepth::Eight, phys), &decode());
            assert_eq!((i.decode_error, i.pages[0].dpi), (None, None));
        }
    }

    #[test]
    fn colour_modes() {
        let cases = [
            (ColorType::Grayscale, BitDepth::One, ColourMode::Bilevel, 1),
            (ColorType::Grayscale, BitDepth::Eight, ColourMode::Grey, 8),
            (ColorType::GrayscaleAlpha, BitDepth::Sixteen, ColourMode::Grey, 16),
            (ColorType::Rgba, BitDepth::Eight, ColourMode::Rgb, 8),
            (ColorType::Indexed, BitDepth::Eight, ColourMode::Palette, 8),
        ];
        for (colour, depth, mode, bits) in cases {
            let i = inspect_bytes(&png(colour, depth, None), &decode());
            assert_eq!(i.decode_error, None, "{colour:?}");
            assert_eq!((i.pages[0].colour, i.pages[0].bits_per_sample), (mode, bits), "{colour:?}");
        }
    }

    #[test]
    fn a_flipped_bit_is_a_decode_error() {
        let mut bytes = png(ColorType::Rgb, BitDepth::Eight, None);
        let mid = bytes.len() / 2; // inside IDAT
        bytes[mid] ^= 0x10;
        let err = inspect_bytes(&bytes, &decode()).decode_error.unwrap();
        assert!(err.starts_with("PNG is corrupt or truncated"), "{err}");
    }

    #[test]
    fn a_flipped_bit_outside_the_pixels_is_caught_by_the_crc() {
        let mut bytes = png(ColorType::Rgb, BitDepth::Eight, Some((11811, Unit::Meter)));
        let phys = bytes.windows(4).position(|w| w == b"pHYs").unwrap();
        bytes[phys + 5] ^= 0x01; // the resolution would silently change
        let err = inspect_bytes(&bytes, &decode()).decode_error.unwrap();
        assert!(err.to_lowercase().contains("crc"), "{err}");
    }

    #[test]
    fn truncation_anywhere_is_a_decode_error() {
        let bytes = png(ColorType::Rgb, BitDepth::Eight, None);
        // In the image data, and just before the end (IEND lost).
        for cut in [bytes.len() / 2, bytes.len() - 4] {
            let i = inspect_bytes(&bytes[..cut], &decode());
            assert!(i.decode_error.is_some(), "cut at {cut}");
            assert!(i.pages.is_empty());
        }
    }

    #[test]
    fn no_decode_leaves_a_damaged_png_unjudged() {
        let bytes = png(ColorType::Rgb, BitDepth::Eight, None);
        let i = inspect_bytes(&bytes[..bytes.len() / 2], &no_decode());
        assert_eq!((i.page_count, i.decode_error, i.pages.len()), (Some(1), None, 0));
    }
}
