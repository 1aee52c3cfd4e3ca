//! BMP and GIF images on OFD pages (GB/T 33190 allows them; issue #19), decoded with the
//! `image` crate, which vouch already uses to write thumbnails.
//!
//! A delivered BMP or GIF page file is still only named (`format-not-allowed`): no
//! archival profile accepts them. Inside an OFD they are the producer's choice, and the
//! page is verified like any other: the size is read from the header and checked against
//! the pixel limit before anything is decoded, then the whole image is decoded (the first
//! frame of a GIF, which is what an OFD reader shows).

use super::reduce::{ReducedImage, reduce_grey};
use super::{InspectOptions, over_pixel_limit};
use crate::inspect::facts::{ColourMode, Format, PageFacts};
use image::{ImageFormat, ImageReader};
use std::io::Cursor;

/// Decodes a BMP or GIF image file; its facts (resolution is the page's business) and,
/// with `reduce`, its 1/8-scale grey image.
pub(crate) fn decode(
    bytes: &[u8],
    format: Format,
    opts: &InspectOptions,
    reduce: bool,
) -> Result<(PageFacts, Option<ReducedImage>), String> {
    let (kind, name) = match format {
        Format::Bmp => (ImageFormat::Bmp, "BMP"),
        _ => (ImageFormat::Gif, "GIF"),
    };
    let corrupt = |e: image::ImageError| format!("{name} is corrupt or truncated: {e}");
    let reader = || ImageReader::with_format(Cursor::new(bytes), kind);
    let (width, height) = reader().into_dimensions().map_err(corrupt)?;
    if let Some(why) = over_pixel_limit("the image", width, height, opts) {
        return Err(why);
    }
    let (colour, bits) = header_colour(bytes, format);
    let facts = PageFacts {
        page: 1,
        width,
        height,
        dpi: None,
        dpi_source: None,
        colour,
        bits_per_sample: bits,
        compression: name.to_ascii_lowercase(),
        icc: false,
        quality: None,
    };
    if !opts.pixels() {
        return Ok((facts, None));
    }
    let mut r = reader();
    let mut limits = image::Limits::default();
    limits.max_alloc = Some(opts.max_pixels.saturating_mul(4));
    r.limits(limits);
    let image = r.decode().map_err(corrupt)?;
    let reduced = reduce.then(|| reduce_grey(width, height, image.to_luma8().as_raw()));
    Ok((facts, reduced))
}

/// Colour mode and bits per sample from the header: a GIF is always indexed (8-bit
/// indices); a BMP's bits per pixel (byte 28) say bilevel (1), indexed (4, 8) or RGB.
fn header_colour(bytes: &[u8], format: Format) -> (ColourMode, u16) {
    if format == Format::Gif {
        return (ColourMode::Palette, 8);
    }
    match bytes.get(28..30).map(|b| u16::from_le_bytes([b[0], b[1]])) {
        Some(1) => (ColourMode::Bilevel, 1),
        Some(n @ (2 | 4 | 8)) => (ColourMode::Palette, n),
        _ => (ColourMode::Rgb, 8),
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// A `w` × `h` 24-bit BMP, bottom-up, every pixel `grey`.
    pub(crate) fn bmp(w: u32, h: u32, grey: u8) -> Vec<u8> {
        let row = (w * 3).div_ceil(4) * 4;
        let size = 54 + row * h;
        let mut b = b"BM".to_vec();
        for v in [size, 0, 54, 40, w, h] {
            b.extend_from_slice(&v.to_le_bytes());
        }
        b.extend_from_slice(&1u16.to_le_bytes());
        b.extend_from_slice(&24u16.to_le_bytes());
        for v in [0, row * h, 11811, 11811, 0, 0] {
            b.extend_from_slice(&v.to_le_bytes());
        }
        b.resize(size as usize, grey);
        b
    }

    #[test]
    fn a_bmp_decodes_and_a_cut_one_is_damage() {
        let opts = InspectOptions::default();
        let (facts, reduced) = decode(&bmp(40, 24, 0), Format::Bmp, &opts, true).unwrap();
        assert_eq!((facts.width, facts.height, facts.colour), (40, 24, ColourMode::Rgb));
        assert_eq!(reduced.unwrap().pixels[0], 0);
        let whole = bmp(40, 24, 0);
        let err = decode(&whole[..whole.len() - 50], Format::Bmp, &opts, false).unwrap_err();
        assert!(err.contains("BMP"), "{err}");
        let small = InspectOptions { max_pixels: 100, ..InspectOptions::default() };
        assert!(decode(&whole, Format::Bmp, &small, false).unwrap_err().contains("max_pixels"));
    }

    #[test]
    fn a_gif_decodes_as_palette() {
        let mut gif = Vec::new();
        {
            let mut enc = image::codecs::gif::GifEncoder::new(&mut gif);
            let frame = image::RgbaImage::from_fn(16, 8, |x, _| {
                if x < 8 { image::Rgba([0, 0, 0, 255]) } else { image::Rgba([255; 4]) }
            });
            enc.encode_frame(image::Frame::new(frame)).unwrap();
        }
        let opts = InspectOptions::default();
        let (facts, reduced) = decode(&gif, Format::Gif, &opts, true).unwrap();
        let f = (facts.width, facts.height, facts.colour, facts.compression.as_str());
        assert_eq!(f, (16, 8, ColourMode::Palette, "gif"));
        assert_eq!(reduced.unwrap().pixels, [0, 255]);
        assert!(decode(&gif[..gif.len() - 6], Format::Gif, &opts, false).is_err());
    }
}
