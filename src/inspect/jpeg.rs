//! JPEG: full decode with `zune-jpeg`, plus the header facts the decoder does not expose.
//!
//! The headers (frame size, precision, components, JFIF density, EXIF resolution) are
//! read by a small marker walk of our own, before decoding, so the pixel limit is applied
//! before any allocation. The decoder runs in strict mode: in its default tolerant mode a
//! truncated scan is silently filled with grey, which would let a broken page pass.
//!
//! Trailing bytes: a JPEG must end with its EOI marker (`FF D9`). Only trailing `00`
//! bytes are tolerated after it (some writers pad files to a block size). Anything else
//! after the image, or no EOI at all, is a decode error: either the file is truncated or
//! something was appended that the archive did not ask for.

use super::{Decoded, InspectOptions, dots_per_inch, exif, over_pixel_limit};
use crate::facts::{ColourMode, Dpi, PageFacts};
use zune_core::bytestream::ZCursor;
use zune_core::colorspace::ColorSpace;
use zune_core::options::DecoderOptions;
use zune_jpeg::JpegDecoder;

/// What the marker walk found before the first scan.
#[derive(Debug, Default)]
struct Header {
    width: u32,
    height: u32,
    precision: u8,
    components: u8,
    jfif: Option<Dpi>,
    exif: Option<Dpi>,
}

/// JPEG facts: one page, decoded if asked.
pub(crate) fn inspect(bytes: &[u8], opts: &InspectOptions) -> Decoded {
    let mut decoded = Decoded { page_count: Some(1), ..Decoded::default() };
    if opts.decode {
        match decode(bytes, opts) {
            Ok(page) => decoded.pages.push(page),
            Err(why) => decoded.error = Some(why),
        }
    }
    decoded
}

fn decode(bytes: &[u8], opts: &InspectOptions) -> Result<PageFacts, String> {
    let header = read_header(bytes)?;
    if let Some(why) = over_pixel_limit("the image", header.width, header.height, opts) {
        return Err(why);
    }
    check_ends_with_eoi(bytes)?;
    // Grey decodes to one byte per pixel; everything else to RGB (CMYK/YCCK are
    // converted), which is enough to prove every scan decodes.
    let out = if header.components == 1 { ColorSpace::Luma } else { ColorSpace::RGB };
    let options = DecoderOptions::default()
        .set_strict_mode(true)
        .set_max_width(usize::from(u16::MAX))
        .set_max_height(usize::from(u16::MAX))
        .jpeg_set_out_colorspace(out);
    let pixels =
        JpegDecoder::new_with_options(ZCursor::new(bytes), options).decode().map_err(|e| {
            // zune-jpeg quotes some of its messages; a report reads better without.
            let why = e.to_string();
            format!("JPEG image data is corrupt or truncated: {}", why.trim_matches('"'))
        })?;
    drop(pixels);
    Ok(PageFacts {
        width: header.width,
        height: header.height,
        // JFIF wins: it is the field written for exactly this purpose.
        dpi: header.jfif.or(header.exif),
        colour: match header.components {
            1 => ColourMode::Grey,
            3 => ColourMode::Rgb,
            4 => ColourMode::Cmyk,
            _ => ColourMode::Other,
        },
        bits_per_sample: u16::from(header.precision),
        compression: "jpeg".to_string(),
    })
}

/// Walks the marker segments from SOI to the first SOS.
fn read_header(bytes: &[u8]) -> Result<Header, String> {
    let cut = || "JPEG is truncated inside its headers".to_string();
    let mut header = Header::default();
    let mut at = 2; // after SOI
    loop {
        if bytes.get(at) != Some(&0xFF) {
            return Err(match bytes.get(at) {
                None => cut(),
                Some(_) => format!("JPEG headers are corrupt: no marker at byte {at}"),
            });
        }
        while bytes.get(at) == Some(&0xFF) {
            at += 1; // fill bytes before a marker
        }
        let marker = *bytes.get(at).ok_or_else(cut)?;
        at += 1;
        match marker {
            0x01 | 0xD0..=0xD8 => continue, // standalone markers carry no length
            0xD9 => return Err("JPEG ends before any image data".into()),
            0xDA => break,
            _ => {}
        }
        let len = bytes.get(at..at + 2).map(|l| usize::from(u16::from_be_bytes([l[0], l[1]])));
        let seg =
            len.filter(|&l| l >= 2).and_then(|l| bytes.get(at + 2..at + l)).ok_or_else(cut)?;
        read_segment(marker, seg, &mut header);
        at += seg.len() + 2;
    }
    if header.components == 0 || header.width == 0 || header.height == 0 {
        return Err("JPEG has no usable frame header (SOF) before its image data".into());
    }
    Ok(header)
}

/// Takes what we need from one marker segment (`seg` excludes marker and length).
fn read_segment(marker: u8, seg: &[u8], header: &mut Header) {
    match marker {
        0xE0 if seg.starts_with(b"JFIF\0") => header.jfif = jfif_density(&seg[5..]),
        0xE1 if seg.starts_with(b"Exif\0\0") => header.exif = exif::resolution(&seg[6..]),
        // SOF0..SOF15 except DHT (C4), JPG (C8) and DAC (CC).
        0xC0..=0xCF if !matches!(marker, 0xC4 | 0xC8 | 0xCC) => {
            if let [precision, h1, h0, w1, w0, components, ..] = *seg {
                header.precision = precision;
                header.height = u32::from(u16::from_be_bytes([h1, h0]));
                header.width = u32::from(u16::from_be_bytes([w1, w0]));
                header.components = components;
            }
        }
        _ => {}
    }
}

/// JFIF density after the `JFIF\0` identifier: version (2), unit (1), x (2), y (2).
/// Unit 0 is a pixel aspect ratio only, which is no resolution.
fn jfif_density(body: &[u8]) -> Option<Dpi> {
    let [_, _, unit, x1, x0, y1, y0, ..] = *body else { return None };
    let (x, y) = (f64::from(u16::from_be_bytes([x1, x0])), f64::from(u16::from_be_bytes([y1, y0])));
    match unit {
        1 => dots_per_inch(x, y, 1.0),
        2 => dots_per_inch(x, y, 2.54),
        _ => None,
    }
}

/// A complete JPEG ends with EOI; only zero padding may follow it.
fn check_ends_with_eoi(bytes: &[u8]) -> Result<(), String> {
    let end = bytes.iter().rposition(|&b| b != 0).map_or(0, |i| i + 1);
    if bytes[..end].ends_with(&[0xFF, 0xD9]) {
        Ok(())
    } else {
        Err("JPEG does not end with an end-of-image marker (FF D9): \
             the file is truncated or has data appended after the image"
            .into())
    }
}
