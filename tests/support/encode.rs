//! Page encoders for the synthetic deliveries: real files written by real encoders.
//!
//! vouch fully decodes every page, so its tests need pages that a scanner's software could
//! have written, not byte patterns that merely start with the right magic. Each function
//! here renders a small "scanned page" (light paper, rows of dark text-like strokes) and
//! encodes it with a real encoder, carrying a real resolution: JPEG (JFIF density), CCITT
//! G4 TIFF, LZW or uncompressed greyscale TIFF, PNG (pHYs) and multi-page PDF of JPEG pages.
//! Everything is a pure function of a seed, so a fixture regenerates byte for byte.

use anyhow::{Context, Result};
use image::ExtendedColorType;
use image::codecs::jpeg::{JpegEncoder, PixelDensity};
use lopdf::{Document, Object, Stream, dictionary};
use std::io::Cursor;

/// Page width in pixels: small enough for tests that run in seconds, big enough to be real.
pub const WIDTH: u32 = 200;
/// Page height in pixels (a portrait page, roughly A4 proportions).
pub const HEIGHT: u32 = 280;

/// A tiny xorshift generator: deterministic by seed, no dependency, good enough for pixels.
#[derive(Clone, Debug)]
pub struct Rng(u64);

impl Rng {
    /// A generator for `seed` (any value, including 0).
    pub fn new(seed: u64) -> Self {
        Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1)
    }

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        self.0 = x;
        x
    }

    /// A number in `0..n` (`n` > 0).
    pub fn below(&mut self, n: u64) -> u64 {
        self.next_u64() % n
    }
}

/// Renders one greyscale page: paper of a random light tone, lines of "characters" made of
/// short horizontal and vertical strokes, a margin on every side.
pub fn render_grey(rng: &mut Rng) -> Vec<u8> {
    let (w, h) = (WIDTH as usize, HEIGHT as usize);
    let paper = 232 + rng.below(20) as u8;
    let mut px = vec![paper; w * h];
    let mut y = 24 + rng.below(8) as usize;
    while y + 10 < h - 20 {
        let mut x = 18 + rng.below(10) as usize;
        let line_end = w - 18 - rng.below(40) as usize;
        while x + 9 < line_end {
            draw_glyph(&mut px, w, x, y, rng);
            x += 10 + if rng.below(6) == 0 { 6 } else { 0 };
        }
        y += 18;
    }
    px
}

/// Draws one 8×9 "character": a few strokes of dark ink at random positions in its cell.
fn draw_glyph(px: &mut [u8], w: usize, x: usize, y: usize, rng: &mut Rng) {
    let ink = 20 + rng.below(50) as u8;
    for _ in 0..3 {
        if rng.below(2) == 0 {
            let row = y + rng.below(9) as usize;
            px[row * w + x..row * w + x + 8].fill(ink);
        } else {
            let col = x + rng.below(8) as usize;
            for row in y..y + 9 {
                px[row * w + col] = ink;
            }
        }
    }
}

/// Turns a greyscale page into colour: yellowed paper and blue-black ink.
pub fn to_rgb(grey: &[u8]) -> Vec<u8> {
    let (paper, ink) = ([246.0, 236.0, 212.0], [28.0, 32.0, 70.0]);
    let mut out = Vec::with_capacity(grey.len() * 3);
    for &g in grey {
        let t = f32::from(g) / 255.0;
        for c in 0..3 {
            out.push((ink[c] + (paper[c] - ink[c]) * t) as u8);
        }
    }
    out
}

/// Encodes a page as baseline JPEG. `dpi: None` writes JFIF density unit 0 (aspect ratio
/// only), i.e. a JPEG without resolution metadata.
pub fn jpeg(pixels: &[u8], colour: bool, dpi: Option<u16>) -> Result<Vec<u8>> {
    let mut out = Vec::new();
    let mut enc = JpegEncoder::new_with_quality(&mut out, 70);
    enc.set_pixel_density(dpi.map_or_else(PixelDensity::default, PixelDensity::dpi));
    let colour_type = if colour { ExtendedColorType::Rgb8 } else { ExtendedColorType::L8 };
    enc.encode(pixels, WIDTH, HEIGHT, colour_type).context("encoding JPEG")?;
    Ok(out)
}

/// Encodes a greyscale page as PNG with a pHYs chunk of `dpi` (in pixels per metre).
pub fn png(pixels: &[u8], dpi: u32) -> Result<Vec<u8>> {
    let mut out = Vec::new();
    let mut enc = png::Encoder::new(&mut out, WIDTH, HEIGHT);
    enc.set_color(png::ColorType::Grayscale);
    enc.set_depth(png::BitDepth::Eight);
    let ppm = (f64::from(dpi) / 0.0254).round() as u32;
    enc.set_pixel_dims(Some(png::PixelDimensions { xppu: ppm, yppu: ppm, unit: png::Unit::Meter }));
    let mut writer = enc.write_header().context("writing PNG header")?;
    writer.write_image_data(pixels).context("encoding PNG")?;
    writer.finish().context("finishing PNG")?;
    Ok(out)
}

/// How a greyscale TIFF's strip is compressed.
#[derive(Clone, Copy, Debug)]
pub enum TiffCompression {
    /// LZW (TIFF compression 5).
    Lzw,
    /// None (TIFF compression 1).
    Uncompressed,
}

/// Resolution as a TIFF writes it: ResolutionUnit 2 (inch) or 3 (centimetre), and the
/// X/Y resolution rational `n/d` in that unit.
#[derive(Clone, Copy, Debug)]
pub struct TiffResolution {
    /// True for pixels per centimetre, false for pixels per inch.
    pub per_cm: bool,
    /// Numerator.
    pub n: u32,
    /// Denominator.
    pub d: u32,
}

impl TiffResolution {
    /// `dpi` pixels per inch.
    pub fn dpi(dpi: u32) -> Self {
        TiffResolution { per_cm: false, n: dpi, d: 1 }
    }
}

/// Encodes an 8-bit greyscale page as a single-strip TIFF with the `tiff` crate.
pub fn grey_tiff(
    pixels: &[u8],
    compression: TiffCompression,
    res: TiffResolution,
) -> Result<Vec<u8>> {
    use tiff::encoder::{Compression, Rational, TiffEncoder, colortype};
    use tiff::tags::ResolutionUnit;
    let compression = match compression {
        TiffCompression::Lzw => Compression::Lzw,
        TiffCompression::Uncompressed => Compression::Uncompressed,
    };
    let mut out = Cursor::new(Vec::new());
    let mut enc = TiffEncoder::new(&mut out)?.with_compression(compression);
    let mut image = enc.new_image::<colortype::Gray8>(WIDTH, HEIGHT)?;
    image.rows_per_strip(HEIGHT)?;
    let unit = if res.per_cm { ResolutionUnit::Centimeter } else { ResolutionUnit::Inch };
    image.resolution(unit, Rational { n: res.n, d: res.d });
    image.write_data(pixels).context("encoding greyscale TIFF")?;
    Ok(out.into_inner())
}

/// Encodes a page as a bilevel CCITT Group 4 TIFF (pixels darker than mid-grey are black).
///
/// The TIFF is written by hand because the `tiff` crate can decode G4 but not encode it;
/// the `fax` crate encodes the G4 data but its own `tiff::wrap` hard-codes 200 dpi. The
/// layout is the minimal baseline one: header, one IFD, two rationals, one strip.
pub fn g4_tiff(pixels: &[u8], dpi: u32) -> Vec<u8> {
    g4_tiff_sized(pixels, (WIDTH, HEIGHT), dpi)
}

/// [`g4_tiff`] of a page of another size (`width` × `height` pixels).
pub fn g4_tiff_sized(pixels: &[u8], (width, height): (u32, u32), dpi: u32) -> Vec<u8> {
    let mut enc = fax::encoder::Encoder::new(fax::VecWriter::new());
    for row in pixels.chunks(width as usize) {
        let pels = row.iter().map(|&p| if p < 128 { fax::Color::Black } else { fax::Color::White });
        enc.encode_line(pels, width as u16).expect("VecWriter cannot fail");
    }
    let data = enc.finish().expect("VecWriter cannot fail").finish();
    wrap_g4(&data, (width, height), dpi)
}

/// Wraps G4 data in a little-endian TIFF: 12 IFD entries in tag order, then the X and Y
/// resolution rationals, then the strip.
fn wrap_g4(data: &[u8], (width, height): (u32, u32), dpi: u32) -> Vec<u8> {
    const ENTRIES: u32 = 12;
    let rationals = 8 + 2 + 12 * ENTRIES + 4;
    let strip = rationals + 16;
    // (tag, type, value): type 3 SHORT, 4 LONG, 5 RATIONAL (value = offset).
    let entries: [(u16, u16, u32); ENTRIES as usize] = [
        (256, 4, width),             // ImageWidth
        (257, 4, height),            // ImageLength
        (258, 3, 1),                 // BitsPerSample
        (259, 3, 4),                 // Compression: CCITT T.6 (G4)
        (262, 3, 0),                 // PhotometricInterpretation: WhiteIsZero
        (273, 4, strip),             // StripOffsets
        (277, 3, 1),                 // SamplesPerPixel
        (278, 4, height),            // RowsPerStrip
        (279, 4, data.len() as u32), // StripByteCounts
        (282, 5, rationals),         // XResolution
        (283, 5, rationals + 8),     // YResolution
        (296, 3, 2),                 // ResolutionUnit: inch
    ];
    let mut out = Vec::with_capacity(strip as usize + data.len());
    out.extend_from_slice(b"II*\0");
    out.extend_from_slice(&8u32.to_le_bytes());
    out.extend_from_slice(&(ENTRIES as u16).to_le_bytes());
    for (tag, ty, value) in entries {
        out.extend_from_slice(&tag.to_le_bytes());
        out.extend_from_slice(&ty.to_le_bytes());
        out.extend_from_slice(&1u32.to_le_bytes());
        out.extend_from_slice(&value.to_le_bytes());
    }
    out.extend_from_slice(&0u32.to_le_bytes()); // no next IFD
    for _ in 0..2 {
        out.extend_from_slice(&dpi.to_le_bytes());
        out.extend_from_slice(&1u32.to_le_bytes());
    }
    debug_assert_eq!(out.len(), strip as usize);
    out.extend_from_slice(data);
    out
}

/// Builds a PDF with one page per JPEG (greyscale, `WIDTH`×`HEIGHT`), each drawn as a
/// DCTDecode image XObject filling a page sized so the image sits at `dpi`.
pub fn pdf(jpegs: &[Vec<u8>], dpi: u32) -> Result<Vec<u8>> {
    let mut doc = Document::with_version("1.5");
    let pages_id = doc.new_object_id();
    let (w, h) = (pt(WIDTH, dpi), pt(HEIGHT, dpi));
    let mut kids = Vec::new();
    for jpeg in jpegs {
        let image = Stream::new(
            dictionary! {
                "Type" => "XObject", "Subtype" => "Image",
                "Width" => i64::from(WIDTH), "Height" => i64::from(HEIGHT),
                "ColorSpace" => "DeviceGray", "BitsPerComponent" => 8, "Filter" => "DCTDecode",
            },
            jpeg.clone(),
        );
        let image_id = doc.add_object(image);
        let draw = format!("q {w} 0 0 {h} 0 0 cm /Im0 Do Q");
        let content_id = doc.add_object(Stream::new(dictionary! {}, draw.into_bytes()));
        let page = dictionary! {
            "Type" => "Page", "Parent" => pages_id,
            "MediaBox" => vec![0.into(), 0.into(), Object::Real(w), Object::Real(h)],
            "Contents" => content_id,
            "Resources" => dictionary! { "XObject" => dictionary! { "Im0" => image_id } },
        };
        kids.push(doc.add_object(page).into());
    }
    let count = kids.len() as i64;
    let pages = dictionary! { "Type" => "Pages", "Kids" => kids, "Count" => count };
    doc.objects.insert(pages_id, Object::Dictionary(pages));
    let catalog_id = doc.add_object(dictionary! { "Type" => "Catalog", "Pages" => pages_id });
    doc.trailer.set("Root", catalog_id);
    let mut out = Vec::new();
    doc.save_to(&mut out).context("writing PDF")?;
    Ok(out)
}

/// Pixels at `dpi` to PDF points (1/72 inch).
fn pt(pixels: u32, dpi: u32) -> f32 {
    pixels as f32 * 72.0 / dpi as f32
}
