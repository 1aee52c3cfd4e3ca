//! PNG: full decode with the `png` crate, row by row, checking every checksum.
//!
//! Rows are decoded one at a time into the decoder's own line buffer, so memory stays at
//! one row whatever the image size. Every CRC (ancillary chunks too) and the Adler-32 are
//! verified, where the crate by default skips Adler-32 and drops ancillary chunks with bad
//! CRCs: a flipped bit in a delivered master is exactly what acceptance must catch. Reading continues to `IEND`, so a file cut after its image data is caught.

use super::reduce::{Colour, PixelFormat, ReducedImage, Reducer, luma};
use super::{Decoded, InspectOptions, dots_per_inch, over_pixel_limit};
use crate::inspect::facts::{ColourMode, PageFacts};
use png::{BitDepth, ColorType, Unit};
use std::io::Cursor;

/// PNG facts: one page, decoded if asked.
pub(crate) fn inspect(bytes: &[u8], opts: &InspectOptions) -> Decoded {
    let mut decoded = Decoded { page_count: Some(frames(bytes)), ..Decoded::default() };
    if opts.decode {
        match decode(bytes, opts) {
            Ok((page, reduced)) => {
                decoded.pages.push(page);
                decoded.reduced.extend(reduced.map(|r| (1, r)));
            }
            Err(e) => decoded.error = Some(format!("PNG is corrupt or truncated: {e}")),
        }
    }
    decoded
}

fn decode(
    bytes: &[u8],
    opts: &InspectOptions,
) -> Result<(PageFacts, Option<ReducedImage>), String> {
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
        return Ok((page, None)); // --depth quick: header only
    }
    let mut reducer = opts.reduced.then(|| Reduce::new(reader.info()));
    let mut palette = Palette::new(reader.info());
    while let Some(row) = reader.next_row().map_err(|e| e.to_string())? {
        if let Some(p) = palette.as_mut() {
            p.row(row.data())?;
        }
        if let Some(r) = reducer.as_mut() {
            r.row(row.data());
        }
    }
    // An animated PNG's other frames (issue #19): each decoded row by row too. The
    // default image is the first frame when an fcTL comes before the IDAT.
    if let Some(ac) = reader.info().animation_control {
        let more = ac.num_frames.saturating_sub(u32::from(reader.info().frame_control.is_some()));
        for n in 0..more {
            let frame = |e: png::DecodingError| format!("APNG frame {}: {e}", n + 2);
            reader.next_frame_info().map_err(frame)?;
            while reader.next_row().map_err(frame)?.is_some() {}
        }
    }
    reader.finish().map_err(|e| e.to_string())?;
    Ok((page, reducer.map(|r| r.reducer.finish())))
}

/// Pages of a PNG: an animated PNG's frames (its `acTL` before the image data), else 1.
fn frames(bytes: &[u8]) -> u32 {
    let mut at = 8;
    while let Some(head) = bytes.get(at..at + 12) {
        let len = u32::from_be_bytes([head[0], head[1], head[2], head[3]]) as usize;
        match &head[4..8] {
            b"IDAT" => break,
            b"acTL" => {
                return u32::from_be_bytes([head[8], head[9], head[10], head[11]]).max(1);
            }
            _ => at = at.saturating_add(12).saturating_add(len),
        }
    }
    1
}

/// Feeds decoded rows to a [`Reducer`], following the Adam7 passes of an interlaced image
/// (the crate hands out each pass's rows in order but does not say where they go).
struct Reduce {
    reducer: Reducer,
    format: PixelFormat,
    /// Rows still to come: (first column, column step, row), last first.
    rows: Vec<(u32, u32, u32)>,
    width: u32,
    grey: Vec<u8>,
}

impl Reduce {
    fn new(info: &png::Info<'_>) -> Reduce {
        let (w, h) = (info.width, info.height);
        let passes: &[(u32, u32, u32, u32)] =
            if info.interlaced { &ADAM7 } else { &[(0, 0, 1, 1)] };
        let mut rows = Vec::new();
        for &(x0, y0, dx, dy) in passes.iter().filter(|p| p.0 < w) {
            rows.extend((y0..h).step_by(dy as usize).map(|y| (x0, dx, y)));
        }
        rows.reverse();
        let colour = match info.color_type {
            ColorType::Grayscale | ColorType::GrayscaleAlpha => {
                Colour::Grey { white_is_zero: false }
            }
            ColorType::Rgb | ColorType::Rgba => Colour::Rgb,
            ColorType::Indexed => Colour::Palette(
                info.palette
                    .as_deref()
                    .unwrap_or(&[])
                    .chunks_exact(3)
                    .map(|c| luma(c[0], c[1], c[2]))
                    .collect(),
            ),
        };
        let format = PixelFormat {
            bits: info.bit_depth as u32,
            samples: info.color_type.samples() as u32,
            colour,
            little_endian: false,
        };
        Reduce { reducer: Reducer::new(w, h), format, rows, width: w, grey: Vec::new() }
    }

    fn row(&mut self, data: &[u8]) {
        let Some((x0, dx, y)) = self.rows.pop() else { return };
        let width = self.width.saturating_sub(x0).div_ceil(dx);
        self.format.grey_row(data, width, &mut self.grey);
        self.reducer.add_row(x0, dx, y, &self.grey);
    }
}

/// The seven Adam7 passes: (first column, first row, column step, row step).
const ADAM7: [(u32, u32, u32, u32); 7] = [
    (0, 0, 8, 8),
    (4, 0, 8, 8),
    (0, 4, 4, 8),
    (2, 0, 4, 4),
    (0, 2, 2, 4),
    (1, 0, 2, 2),
    (0, 1, 1, 2),
];

/// An indexed image's pixels must index its palette (issue #17: libpng refuses an index
/// past the palette, and the image has no colour there; the crate decodes it silently).
/// Checked row by row, each row's own width (an interlaced pass is narrower), so the
/// unspecified padding bits at the end of a row are never read.
struct Palette {
    entries: usize,
    bits: usize,
    /// (pixels per row, rows) of each pass still to come, last first.
    passes: Vec<(usize, u32)>,
}

impl Palette {
    fn new(info: &png::Info<'_>) -> Option<Palette> {
        if info.color_type != ColorType::Indexed {
            return None;
        }
        let entries = info.palette.as_deref().map_or(0, |p| p.len() / 3);
        let (w, h) = (info.width, info.height);
        let passes: &[(u32, u32, u32, u32)] =
            if info.interlaced { &ADAM7 } else { &[(0, 0, 1, 1)] };
        let mut passes: Vec<(usize, u32)> = passes
            .iter()
            .filter(|p| p.0 < w && p.1 < h)
            .map(|&(x0, y0, dx, dy)| ((w - x0).div_ceil(dx) as usize, (h - y0).div_ceil(dy)))
            .collect();
        passes.reverse();
        Some(Palette { entries, bits: info.bit_depth as usize, passes })
    }

    fn row(&mut self, data: &[u8]) -> Result<(), String> {
        let Some(pass) = self.passes.last_mut() else { return Ok(()) };
        let width = pass.0;
        pass.1 -= 1;
        if pass.1 == 0 {
            self.passes.pop();
        }
        let per_byte = 8 / self.bits;
        let mask = (1u16 << self.bits) - 1;
        for x in 0..width {
            let Some(&byte) = data.get(x / per_byte) else { break };
            let shift = 8 - self.bits * (x % per_byte + 1);
            let index = usize::from((u16::from(byte) >> shift) & mask);
            if index >= self.entries {
                return Err(format!(
                    "pixel index {index} is past the palette's {} entries",
                    self.entries
                ));
            }
        }
        Ok(())
    }
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
    use crate::inspect::facts::{ColourMode, Format};
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

    /// A 20 × 12 page, white with a black 8 × 8 square at (8, 0), in `colour` (1-bit,
    /// 8-bit grey, RGB, 16-bit grey with alpha).
    fn square_png(colour: ColorType, depth: BitDepth) -> Vec<u8> {
        let grey = super::super::reduce::tests::square(20, 12, (8, 0, 8));
        let data: Vec<u8> = match (colour, depth) {
            (ColorType::Grayscale, BitDepth::One) => grey
                .chunks(20)
                .flat_map(|r| {
                    r.chunks(8)
                        .map(|c| c.iter().fold(0u8, |b, &v| (b << 1) | (v & 1)) << (8 - c.len()))
                        .collect::<Vec<_>>()
                })
                .collect(),
            (ColorType::Rgb, _) => grey.iter().flat_map(|&v| [v, v, v]).collect(),
            (ColorType::GrayscaleAlpha, BitDepth::Sixteen) => {
                grey.iter().flat_map(|&v| [v, 0, 0, 0]).collect()
            }
            _ => grey,
        };
        let mut out = Vec::new();
        let mut enc = png::Encoder::new(&mut out, 20, 12);
        enc.set_color(colour);
        enc.set_depth(depth);
        let mut writer = enc.write_header().unwrap();
        writer.write_image_data(&data).unwrap();
        writer.finish().unwrap();
        out
    }

    /// A 3 × 5 indexed 4-bit PNG with a palette of 3 entries: every pixel index 2, the
    /// padding nibble at each row's end 15 (unspecified, never read), and pixel (2, 4)
    /// index `last`.
    fn indexed(last: u8) -> Vec<u8> {
        let mut out = Vec::new();
        let mut enc = png::Encoder::new(&mut out, 3, 5);
        enc.set_color(ColorType::Indexed);
        enc.set_depth(BitDepth::Four);
        enc.set_palette(vec![0u8, 0, 0, 128, 128, 128, 255, 255, 255]);
        let mut rows = [0x22u8, 0x2F].repeat(5);
        rows[9] = (last << 4) | 0xF;
        let mut w = enc.write_header().unwrap();
        w.write_image_data(&rows).unwrap();
        w.finish().unwrap();
        out
    }

    #[test]
    fn a_pixel_past_the_palette_is_damage() {
        let ok = inspect_bytes(&indexed(2), &decode());
        assert_eq!(ok.decode_error, None, "index 2 of 3 entries; padding never read");
        let bad = inspect_bytes(&indexed(3), &decode());
        let err = bad.decode_error.unwrap();
        assert!(err.contains("pixel index 3 is past the palette's 3 entries"), "{err}");
    }

    #[test]
    fn a_black_square_reduces_in_every_layout() {
        let reduced = super::super::InspectOptions { reduced: true, ..decode() };
        for (colour, depth) in [
            (ColorType::Grayscale, BitDepth::One),
            (ColorType::Grayscale, BitDepth::Eight),
            (ColorType::Rgb, BitDepth::Eight),
            (ColorType::GrayscaleAlpha, BitDepth::Sixteen),
        ] {
            let i = inspect_bytes(&square_png(colour, depth), &reduced);
            assert_eq!(i.decode_error, None);
            let (page, r) = &i.reduced[0];
            assert_eq!((*page, r.width, r.height), (1, 3, 2), "{colour:?}");
            assert_eq!(r.pixels, [255, 0, 255, 255, 255, 255], "{colour:?}");
        }
        let plain = inspect_bytes(&square_png(ColorType::Rgb, BitDepth::Eight), &decode());
        assert!(plain.reduced.is_empty(), "only when asked");
    }

    /// An animated PNG counts a page per frame, and every frame is decoded (issue #19).
    #[test]
    fn apng_frames_are_pages() {
        let mut out = Vec::new();
        {
            let mut enc = png::Encoder::new(&mut out, 8, 4);
            enc.set_color(ColorType::Grayscale);
            enc.set_animated(3, 0).unwrap();
            let mut w = enc.write_header().unwrap();
            for f in 0..3u8 {
                w.write_image_data(&[f * 40; 32]).unwrap();
            }
            w.finish().unwrap();
        }
        let i = inspect_bytes(&out, &decode());
        assert_eq!((i.page_count, i.decode_error, i.pages.len()), (Some(3), None, 1));
        // The last frame's data cut: damage in a frame past the first is caught.
        let last = out.windows(4).rposition(|w| w == b"fdAT").unwrap();
        let mut cut = out.clone();
        cut[last + 12] ^= 0xFF;
        assert!(inspect_bytes(&cut, &decode()).decode_error.is_some());
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
