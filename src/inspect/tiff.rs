//! TIFF: count pages by walking the IFD chain, then decode every strip or tile of every
//! page with the `tiff` crate.
//!
//! The page count comes from our own bounds-checked walk of the IFD chain, so it is
//! cheap (no decode) and stays right even when the decoder rejects a page. Pages are then
//! decoded one strip or tile at a time (`read_chunk`), not with `read_image`: memory stays
//! at one chunk, and planar images get every plane checked (`read_image` reads only the
//! first). Every IFD counts as a page, including reduced-resolution (thumbnail) IFDs;
//! deliveries under the usual specifications have none.

use super::endian::Endian;
use super::{Decoded, InspectOptions, dots_per_inch, over_pixel_limit};
use crate::facts::{ColourMode, Dpi, PageFacts};
use std::collections::HashSet;
use std::io::Cursor;
use tiff::decoder::ifd::Value;
use tiff::decoder::{ChunkType, Decoder, Limits};
use tiff::tags::Tag;

/// TIFF facts: structural page count always, decoded pages if asked.
pub(crate) fn inspect(bytes: &[u8], opts: &InspectOptions) -> Decoded {
    let pages = match ifd_chain(bytes) {
        Ok(offsets) => offsets.len(),
        Err(why) => return Decoded::failed(why),
    };
    let mut decoded = Decoded {
        page_count: Some(u32::try_from(pages).unwrap_or(u32::MAX)),
        ..Decoded::default()
    };
    if opts.decode {
        decoded.error = decode_pages(bytes, pages, opts, &mut decoded.pages).err();
    }
    decoded
}

/// Offsets of every IFD in the chain, refusing loops and directories outside the file.
fn ifd_chain(bytes: &[u8]) -> Result<Vec<u64>, String> {
    let bad_header = || "TIFF header is corrupt".to_string();
    let e = Endian::from_tiff_header(bytes).ok_or_else(bad_header)?;
    // Classic: 2-byte entry count, 12-byte entries, 4-byte offsets. BigTIFF: 8, 20, 8.
    let big = match e.u16(bytes, 2) {
        Some(42) => false,
        Some(43) => true,
        _ => return Err(bad_header()),
    };
    let offset = |at: u64| if big { e.u64(bytes, at) } else { e.u32(bytes, at).map(u64::from) };
    let mut next = offset(if big { 8 } else { 4 }).ok_or_else(bad_header)?;
    let (mut chain, mut seen) = (Vec::new(), HashSet::new());
    while next != 0 {
        let page = chain.len() + 1;
        if !seen.insert(next) {
            return Err(format!(
                "TIFF page {page}: the directory chain loops back to offset {next}"
            ));
        }
        let count = if big { e.u64(bytes, next) } else { e.u16(bytes, next).map(u64::from) };
        let next_at = count.and_then(|n| {
            let (head, entry) = if big { (8, 20) } else { (2, 12) };
            n.checked_mul(entry)?.checked_add(head)?.checked_add(next)
        });
        let Some(following) = next_at.and_then(offset) else {
            return Err(format!(
                "TIFF page {page}: its directory at offset {next} lies past the end of the \
                 file ({} bytes); the file is truncated or corrupt",
                bytes.len()
            ));
        };
        chain.push(next);
        next = following;
    }
    if chain.is_empty() {
        return Err("TIFF has no image directory: zero pages".into());
    }
    Ok(chain)
}

/// Decodes every page in order, pushing facts for each one fully decoded. Stops at the
/// first page that fails and says which.
fn decode_pages(
    bytes: &[u8],
    pages: usize,
    opts: &InspectOptions,
    out: &mut Vec<PageFacts>,
) -> Result<(), String> {
    let page_err = |n: usize, e: &dyn std::fmt::Display| {
        format!("TIFF page {n} of {pages} cannot be decoded: {e}")
    };
    let mut decoder =
        Decoder::new(Cursor::new(bytes)).map_err(|e| page_err(1, &e))?.with_limits(limits(opts));
    for n in 1..=pages {
        if n > 1 {
            decoder.next_image().map_err(|e| page_err(n, &e))?;
        }
        out.push(decode_page(&mut decoder, n, opts).map_err(|e| page_err(n, &e))?);
    }
    Ok(())
}

/// The decoder's own allocation limit, a backstop behind our pixel check: one chunk can be
/// the whole page, at up to 16 bytes per pixel (four 32-bit samples).
fn limits(opts: &InspectOptions) -> Limits {
    let mut limits = Limits::default();
    limits.decoding_buffer_size =
        usize::try_from(opts.max_pixels.saturating_mul(16)).unwrap_or(usize::MAX);
    limits
}

/// Facts of the current page, then a full decode of every chunk.
fn decode_page<R: std::io::Read + std::io::Seek>(
    decoder: &mut Decoder<R>,
    n: usize,
    opts: &InspectOptions,
) -> Result<PageFacts, String> {
    let (width, height) = decoder.dimensions().map_err(|e| e.to_string())?;
    let page = facts(decoder, width, height)?;
    if let Some(why) = over_pixel_limit(&format!("page {n}"), width, height, opts) {
        return Err(why);
    }
    let chunks = match decoder.get_chunk_type() {
        ChunkType::Strip => decoder.strip_count().map_err(|e| e.to_string())?,
        ChunkType::Tile => {
            // The decoder trusts TileOffsets' length; a short list would leave tiles unread.
            let needed = tiles_needed(decoder, width, height)?;
            let listed = decoder.tile_count().map_err(|e| e.to_string())?;
            if listed < needed {
                return Err(format!("the file lists {listed} tiles but the page needs {needed}"));
            }
            needed
        }
    };
    for chunk in 0..chunks {
        // Each chunk's pixels are dropped at once: decoding is the check.
        decoder.read_chunk(chunk).map_err(|e| format!("strip/tile {chunk}: {e}"))?;
    }
    Ok(page)
}

/// Tiles a page needs to cover it (every plane, if planar), from the tile size tags.
fn tiles_needed<R: std::io::Read + std::io::Seek>(
    d: &mut Decoder<R>,
    w: u32,
    h: u32,
) -> Result<u32, String> {
    let tw =
        tag_u32(d, Tag::TileWidth)?.filter(|&v| v > 0).ok_or("tile width is missing or zero")?;
    let th =
        tag_u32(d, Tag::TileLength)?.filter(|&v| v > 0).ok_or("tile length is missing or zero")?;
    let planes = match tag_u32(d, Tag::PlanarConfiguration)? {
        Some(2) => tag_u32(d, Tag::SamplesPerPixel)?.unwrap_or(1),
        _ => 1,
    };
    w.div_ceil(tw)
        .checked_mul(h.div_ceil(th))
        .and_then(|t| t.checked_mul(planes))
        .ok_or_else(|| "tile count overflows".to_string())
}

/// Compression, colour, bit depth and resolution from the page's tags.
fn facts<R: std::io::Read + std::io::Seek>(
    d: &mut Decoder<R>,
    width: u32,
    height: u32,
) -> Result<PageFacts, String> {
    let compression = tag_u32(d, Tag::Compression)?.unwrap_or(1);
    let photometric = tag_u32(d, Tag::PhotometricInterpretation)?;
    let bits = match d.find_tag(Tag::BitsPerSample).map_err(|e| e.to_string())? {
        Some(v) => v.into_u16_vec().map_err(|e| e.to_string())?.first().copied().unwrap_or(1),
        None => 1, // the TIFF 6.0 default
    };
    Ok(PageFacts {
        width,
        height,
        dpi: resolution(d)?,
        colour: colour(photometric, bits),
        bits_per_sample: bits,
        compression: compression_name(compression),
    })
}

/// Colour mode from PhotometricInterpretation and BitsPerSample.
fn colour(photometric: Option<u32>, bits: u16) -> ColourMode {
    match photometric {
        Some(0 | 1) if bits == 1 => ColourMode::Bilevel,
        Some(0 | 1) => ColourMode::Grey,
        // YCbCr is how JPEG-in-TIFF stores an RGB scan, as in a JFIF file.
        Some(2 | 6) => ColourMode::Rgb,
        Some(3) => ColourMode::Palette,
        Some(5) => ColourMode::Cmyk,
        _ => ColourMode::Other,
    }
}

/// The profile-facing name of a TIFF Compression value.
fn compression_name(code: u32) -> String {
    match code {
        1 => "none".into(),
        3 => "ccitt-g3".into(),
        4 => "ccitt-g4".into(),
        5 => "lzw".into(),
        6 | 7 => "jpeg".into(),
        8 | 32946 => "deflate".into(),
        32773 => "packbits".into(),
        n => format!("tiff-{n}"),
    }
}

/// X/YResolution in dpi. Unit 2 is inches, 3 centimetres; unit 1 ("no absolute unit") or
/// an absent unit gives no resolution (see the module notes in the report to the pipeline).
fn resolution<R: std::io::Read + std::io::Seek>(d: &mut Decoder<R>) -> Result<Option<Dpi>, String> {
    let factor = match tag_u32(d, Tag::ResolutionUnit)? {
        Some(2) => 1.0,
        Some(3) => 2.54,
        _ => return Ok(None),
    };
    let (x, y) = (tag_f64(d, Tag::XResolution)?, tag_f64(d, Tag::YResolution)?);
    Ok(x.zip(y).and_then(|(x, y)| dots_per_inch(x, y, factor)))
}

/// An unsigned scalar tag; an unreadable value is an error, an absent one `None`.
fn tag_u32<R: std::io::Read + std::io::Seek>(
    d: &mut Decoder<R>,
    tag: Tag,
) -> Result<Option<u32>, String> {
    d.find_tag_unsigned(tag).map_err(|e| format!("tag {tag:?}: {e}"))
}

/// A numeric tag as a float (RATIONAL in practice; some writers use other types).
fn tag_f64<R: std::io::Read + std::io::Seek>(
    d: &mut Decoder<R>,
    tag: Tag,
) -> Result<Option<f64>, String> {
    let value = d.find_tag(tag).map_err(|e| format!("tag {tag:?}: {e}"))?;
    Ok(value.and_then(number))
}

/// A tag value as a float; a list counts by its first element.
fn number(v: Value) -> Option<f64> {
    match v {
        Value::Rational(n, den) if den != 0 => Some(f64::from(n) / f64::from(den)),
        Value::Short(v) => Some(f64::from(v)),
        Value::Unsigned(v) => Some(f64::from(v)),
        Value::Float(v) => Some(f64::from(v)),
        Value::Double(v) => Some(v),
        Value::List(list) => list.into_iter().next().and_then(number),
        _ => None,
    }
}
