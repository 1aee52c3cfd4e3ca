//! TIFF: count pages by walking the IFD chain, then decode every strip or tile of every
//! page with the `tiff` crate.
//!
//! The page count comes from our own bounds-checked walk of the IFD chain, so it is
//! cheap (no decode) and stays right even when the decoder rejects a page. Pages are then
//! decoded one strip or tile at a time (`read_chunk`), not with `read_image`: memory stays
//! at one chunk, and planar images get every plane checked (`read_image` reads only the
//! first). Every IFD counts as a page, including reduced-resolution (thumbnail) IFDs;
//! deliveries under the usual specifications have none.
//!
//! The delivered compressions are decoded by our own paths from the raw chunks, with the
//! crate reading only the tags (issue #3): JPEG (7) chunks go through [`super::jpeg`]
//! with their tables, so JPEG-in-TIFF is as strictly checked as a JPEG file (the crate's
//! decoder fills a cut chunk with grey); CCITT G4 (4) chunks must hold every row
//! ([`super::ccitt`]; the crate pads a strip that ends early with white rows); none, LZW,
//! Deflate and PackBits chunks must decode to every byte of the whole chunk, edge tiles'
//! padding included, as libtiff decodes them (the crate reads only rows inside the
//! image). Other compressions are `format-unsupported`, named (issue #19).

use super::endian::Endian;
use super::reduce::ReducedImage;
use super::tiff_codecs::{deflate_len, expect_len, lzw_len, packbits_len};
use super::tiff_reduce::{Layout, PageReduce};
use super::{Decoded, InspectOptions, ccitt, ccitt_g3, dots_per_inch, jpeg, over_pixel_limit};
use crate::inspect::facts::{ColourMode, Dpi, PageFacts};
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
        let out = (&mut decoded.pages, &mut decoded.reduced);
        decoded.error = decode_pages(bytes, pages, opts, out).err();
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
    // Directories of an honest file never overlap, so together their entries fit in the
    // file; overlapping ones could make this walk quadratic in the file size.
    let (mut entry_bytes, entry_size) = (0u64, if big { 20u64 } else { 12 });
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
        let entries = count.unwrap_or(0);
        entry_bytes = entry_bytes.saturating_add(entries.saturating_mul(entry_size));
        if entry_bytes > bytes.len() as u64 {
            return Err(format!(
                "TIFF page {page}: the image directories overlap, listing more entries in \
                 all than the file ({} bytes) can hold; over vouch's TIFF directory limit, \
                 the file was not decoded",
                bytes.len()
            ));
        }
        if let Some(tag) = value_outside(bytes, e, big, next, entries) {
            return Err(format!(
                "TIFF page {page}: the value of tag {tag} lies past the end of the file \
                 ({} bytes); the file is truncated or corrupt",
                bytes.len()
            ));
        }
        chain.push(next);
        next = following;
    }
    if chain.is_empty() {
        return Err("TIFF has no image directory: zero pages".into());
    }
    Ok(chain)
}

/// The first tag of the directory at `ifd` whose value is stored outside the entry and
/// does not lie wholly inside the file (libtiff refuses such a directory too).
fn value_outside(bytes: &[u8], e: Endian, big: bool, ifd: u64, entries: u64) -> Option<u16> {
    let (head, size, inline) = if big { (8u64, 20u64, 8u64) } else { (2, 12, 4) };
    for i in 0..entries {
        let at = ifd + head + i * size;
        let (tag, ty) = (e.u16(bytes, at)?, e.u16(bytes, at + 2)?);
        let count = if big { e.u64(bytes, at + 4)? } else { u64::from(e.u32(bytes, at + 4)?) };
        let unit: u64 = match ty {
            1 | 2 | 6 | 7 => 1,
            3 | 8 => 2,
            4 | 9 | 11 | 13 => 4,
            5 | 10 | 12 | 16 | 17 | 18 => 8,
            _ => continue, // unknown types are skipped by readers
        };
        let len = count.saturating_mul(unit);
        if len <= inline {
            continue;
        }
        let value = if big { e.u64(bytes, at + 12)? } else { u64::from(e.u32(bytes, at + 8)?) };
        if value.checked_add(len).is_none_or(|end| end > bytes.len() as u64) {
            return Some(tag);
        }
    }
    None
}

/// Decodes every page in order, pushing facts for each one fully decoded. Stops at the
/// first page that fails and says which.
fn decode_pages(
    bytes: &[u8],
    pages: usize,
    opts: &InspectOptions,
    (out, reduced): (&mut Vec<PageFacts>, &mut Vec<(u32, ReducedImage)>),
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
        let (mut page, image) =
            decode_page(&mut decoder, bytes, opts).map_err(|e| page_err(n, &e))?;
        page.page = u32::try_from(n).unwrap_or(u32::MAX);
        reduced.extend(image.map(|i| (page.page, i)));
        out.push(page);
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

/// Facts of the current page, then a full decode of every chunk; with
/// [`InspectOptions::reduced`], the page at 1/8 scale from the chunks as they decode (our
/// own compressions only: others give none).
fn decode_page<R: std::io::Read + std::io::Seek>(
    decoder: &mut Decoder<R>,
    bytes: &[u8],
    opts: &InspectOptions,
) -> Result<(PageFacts, Option<ReducedImage>), String> {
    let (width, height) = decoder.dimensions().map_err(|e| e.to_string())?;
    let page = facts(decoder, width, height)?;
    if let Some(why) = over_pixel_limit("the page", width, height, opts) {
        return Err(why);
    }
    if !opts.pixels() {
        return Ok((page, None)); // --depth quick: tags only
    }
    let compression = tag_u32(decoder, Tag::Compression)?.unwrap_or(1);
    if compression != 7 {
        subsampling_unsupported(decoder)?;
    }
    if matches!(compression, 1..=5 | 7 | 8 | 32946 | 32773) {
        let reduced = own_chunks(decoder, bytes, compression, (width, height), opts)?;
        return Ok((page, reduced));
    }
    // The crate decodes no compression beyond ours (its zstd and WebP are not built).
    Err(super::unsupported(&compression_feature(compression)))
}

/// YCbCr samples stored subsampled outside JPEG (YCbCrSubsampling other than 1 × 1 with
/// PhotometricInterpretation 6): their chunks are laid out in blocks vouch's decoders do
/// not read, so the page is unsupported by name, never "truncated" (issue #19).
fn subsampling_unsupported<R: std::io::Read + std::io::Seek>(
    d: &mut Decoder<R>,
) -> Result<(), String> {
    if tag_u32(d, Tag::PhotometricInterpretation)? != Some(6) {
        return Ok(());
    }
    let sub = match d.find_tag(Tag::Unknown(530)).map_err(|e| e.to_string())? {
        Some(v) => v.into_u16_vec().map_err(|e| format!("YCbCrSubsampling: {e}"))?,
        None => vec![2, 2], // the TIFF 6.0 default
    };
    match sub[..] {
        [1, 1] => Ok(()),
        [h, v, ..] => Err(super::unsupported(&format!("TIFF YCbCr subsampling {h}×{v}"))),
        _ => Err(super::unsupported("TIFF YCbCr subsampling")),
    }
}

/// A TIFF compression vouch does not decode, as a person knows it.
fn compression_feature(code: u32) -> String {
    let name = match code {
        2 => "CCITT Modified Huffman",
        3 => "CCITT Group 3",
        6 => "old-style JPEG",
        34676 => "SGI LogLuv",
        34677 => "SGI LogL",
        34712 => "JPEG 2000",
        34661 => "JBIG",
        32809 => "ThunderScan",
        34887 => "LERC",
        34925 => "LZMA",
        50000 => "Zstandard",
        50001 => "WebP",
        _ => "",
    };
    if name.is_empty() {
        format!("TIFF compression {code}")
    } else {
        format!("TIFF compression {code} ({name})")
    }
}

/// Decodes every chunk of a page from the raw bytes (compressions none, G4, LZW, JPEG,
/// Deflate, PackBits): each must produce every row of its whole chunk, edge tiles
/// included (the crate reads only the rows inside the image, so damage in an edge tile's
/// padding went unseen, where libtiff reports it).
fn own_chunks<R: std::io::Read + std::io::Seek>(
    d: &mut Decoder<R>,
    bytes: &[u8],
    compression: u32,
    (width, height): (u32, u32),
    opts: &InspectOptions,
) -> Result<Option<ReducedImage>, String> {
    let tiled = matches!(d.get_chunk_type(), ChunkType::Tile);
    let (kind, offsets, counts) = if tiled {
        ("tile", Tag::TileOffsets, Tag::TileByteCounts)
    } else {
        ("strip", Tag::StripOffsets, Tag::StripByteCounts)
    };
    let list = |d: &mut Decoder<R>, tag: Tag| -> Result<Vec<u64>, String> {
        d.find_tag_unsigned_vec::<u64>(tag)
            .map_err(|e| format!("tag {tag:?}: {e}"))?
            .ok_or_else(|| format!("tag {tag:?} is missing"))
    };
    let (offsets, counts) = (list(d, offsets)?, list(d, counts)?);
    // Rows and columns each chunk codes: whole tiles, or strips of RowsPerStrip rows.
    let (cw, ch) = if tiled {
        let w = tag_u32(d, Tag::TileWidth)?.ok_or("TileWidth is missing")?;
        (w, tag_u32(d, Tag::TileLength)?.ok_or("TileLength is missing")?)
    } else {
        (width, tag_u32(d, Tag::RowsPerStrip)?.unwrap_or(height).clamp(1, height.max(1)))
    };
    if cw == 0 || ch == 0 {
        return Err(format!("{kind} size {cw} × {ch}"));
    }
    let spp = tag_u32(d, Tag::SamplesPerPixel)?.unwrap_or(1).max(1);
    let planes = if tag_u32(d, Tag::PlanarConfiguration)? == Some(2) { spp } else { 1 };
    let bps = match d.find_tag(Tag::BitsPerSample).map_err(|e| e.to_string())? {
        Some(v) => {
            u32::from(v.into_u16_vec().map_err(|e| e.to_string())?.first().copied().unwrap_or(1))
        }
        None => 1,
    };
    let per_plane = if tiled {
        width.div_ceil(cw) as usize * height.div_ceil(ch) as usize
    } else {
        height.div_ceil(ch) as usize
    };
    let chunks = per_plane.saturating_mul(planes as usize);
    if offsets.len() < chunks || counts.len() < chunks {
        return Err(format!("the page needs {chunks} {kind}s but lists {}", offsets.len()));
    }
    let lsb_first = tag_u32(d, Tag::FillOrder)? == Some(2);
    let g3 = g3_coding(d, compression)?;
    let tables = match d.find_tag(Tag::JPEGTables).map_err(|e| e.to_string())? {
        Some(v) => Some(v.into_u8_vec().map_err(|e| format!("JPEGTables: {e}"))?),
        None => None,
    };
    let row_bytes = (u64::from(cw) * u64::from(bps) * u64::from(spp / planes)).div_ceil(8);
    // The work of decoding is bounded like the decoder's own buffer (`limits`): a page of
    // at most `max_pixels` with up to 16 bytes per pixel, whatever the tags claim.
    let page_bytes = row_bytes.saturating_mul(u64::from(ch)).saturating_mul(chunks as u64);
    if page_bytes > opts.max_pixels.saturating_mul(16) {
        return Err(format!(
            "the page's {chunks} {kind}s would decode to {page_bytes} bytes ({bps} bits × {spp} \
             samples per pixel), more than 16 bytes for each of limits.max_pixels ({}); it was \
             not decoded",
            opts.max_pixels
        ));
    }
    let mut reduce = if opts.reduced {
        let layout = Layout { tiled, chunk: (cw, ch), per_plane, bps, spp, planes };
        PageReduce::new(d, (width, height), layout)?
    } else {
        None
    };
    let mut keep = Vec::new();
    for (i, (&off, &len)) in offsets.iter().zip(&counts).take(chunks).enumerate() {
        let data = usize::try_from(off)
            .ok()
            .zip(usize::try_from(len).ok())
            .and_then(|(o, l)| bytes.get(o..o.checked_add(l)?))
            .ok_or_else(|| {
                format!("{kind} {i} lies past the end of the file: truncated or corrupt")
            })?;
        let rows = if tiled { ch } else { ch.min(height - (i % per_plane) as u32 * ch) };
        let expected = row_bytes.saturating_mul(u64::from(rows));
        keep.clear();
        let k = reduce.as_ref().map(|_| &mut keep);
        let result = match compression {
            1 => expect_len(data.len() as u64, expected)
                .map(|()| k.into_iter().for_each(|k| k.extend_from_slice(data))),
            4 => match reduce.as_mut() {
                Some(r) => r.g4_chunk(i, data, rows, lsb_first),
                None => ccitt::check_g4(data, cw, rows, lsb_first),
            },
            2 | 3 => {
                let bits: Vec<u8>;
                let data = if lsb_first {
                    bits = data.iter().map(|b| b.reverse_bits()).collect();
                    &bits[..]
                } else {
                    data
                };
                match reduce.as_mut() {
                    Some(r) => r.fax_chunk(i, rows, |size, line| {
                        ccitt_g3::decode(data, size, g3, Some(line))
                    }),
                    None => ccitt_g3::decode(data, (cw, rows), g3, None),
                }
            }
            5 => lzw_len(data, expected, k).and_then(|n| expect_len(n, expected)),
            7 => jpeg_chunk(tables.as_deref(), data, opts, reduce.as_mut().map(|r| (r, i))),
            8 | 32946 => deflate_len(data, expected, k).and_then(|n| expect_len(n, expected)),
            _ => packbits_len(data, expected, k).and_then(|n| expect_len(n, expected)),
        };
        result.map_err(|e| format!("{kind} {i}: {e}"))?;
        if let Some(r) = reduce.as_mut().filter(|_| !keep.is_empty()) {
            r.samples(i, &mut keep, rows);
        }
    }
    Ok(reduce.map(PageReduce::finish))
}

/// How a CCITT G3 (3) or Modified Huffman (2) page is coded: T4Options bit 0 is 2-D,
/// and Modified Huffman rows are byte-aligned; bit 1 (uncompressed mode) is unsupported.
fn g3_coding<R: std::io::Read + std::io::Seek>(
    d: &mut Decoder<R>,
    compression: u32,
) -> Result<ccitt_g3::G3, String> {
    let t4 = if compression == 3 { tag_u32(d, Tag::Unknown(292))?.unwrap_or(0) } else { 0 };
    if t4 & 2 != 0 {
        return Err(super::unsupported("CCITT G3 uncompressed mode (T4Options bit 1)"));
    }
    Ok(ccitt_g3::G3 {
        two_d: t4 & 1 != 0,
        byte_aligned: compression == 2,
        end_of_block: compression == 3,
        group4: false,
        eols: compression == 3,
    })
}

/// A JPEG-in-TIFF chunk, with the page's shared tables spliced in, decoded as a JPEG;
/// with `reduce`, its 1/8-scale luma from the same walk goes into the page's.
fn jpeg_chunk(
    tables: Option<&[u8]>,
    data: &[u8],
    opts: &InspectOptions,
    reduce: Option<(&mut PageReduce, usize)>,
) -> Result<(), String> {
    let stream = match tables {
        Some(t) if t.len() >= 4 && data.len() >= 2 => [&t[..t.len() - 2], &data[2..]].concat(),
        _ => data.to_vec(),
    };
    match reduce {
        Some((r, i)) => jpeg::decode_reduced(&stream, opts).map(|(_, tile)| r.dc_tile(i, &tile)),
        None => jpeg::decode(&stream, opts).map(drop),
    }
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
    let dpi = resolution(d)?;
    let icc = d.find_tag(Tag::IccProfile).map_err(|e| e.to_string())?.is_some();
    Ok(PageFacts {
        page: 1,
        width,
        height,
        dpi,
        dpi_source: dpi.map(|_| "tiff".to_string()),
        colour: colour(photometric, bits),
        bits_per_sample: bits,
        compression: compression_name(compression),
        icc,
        quality: None,
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
        2 => "ccitt-mh".into(),
        3 => "ccitt-g3".into(),
        4 => "ccitt-g4".into(),
        5 => "lzw".into(),
        6 | 7 => "jpeg".into(),
        8 | 32946 => "deflate".into(),
        32773 => "packbits".into(),
        n => format!("tiff-{n}"),
    }
}

/// X/YResolution in dpi. Unit 2 is inches, 3 centimetres, and an absent unit is inches,
/// the TIFF 6.0 default that libtiff and every reader apply (issue #19). Unit 1 ("no
/// absolute unit") gives no resolution: `resolution-missing` says so.
fn resolution<R: std::io::Read + std::io::Seek>(d: &mut Decoder<R>) -> Result<Option<Dpi>, String> {
    let factor = match tag_u32(d, Tag::ResolutionUnit)? {
        Some(2) | None => 1.0,
        Some(3) => 2.54,
        Some(_) => return Ok(None),
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

#[cfg(test)]
mod tests {
    use super::super::inspect_bytes;
    use super::super::testutil::{decode, fixture, no_decode, tag_value_pos, tiff_rgb};
    use crate::inspect::facts::{ColourMode, Dpi, Format};
    use tiff::encoder::Compression;
    use tiff::tags::ResolutionUnit;

    #[test]
    fn three_page_lzw_tiff_facts() {
        let bytes = tiff_rgb(3, Compression::Lzw, Some((ResolutionUnit::Inch, 400)));
        let i = inspect_bytes(&bytes, &decode());
        assert_eq!(i.decode_error, None);
        assert_eq!((i.format, i.page_count, i.pages.len()), (Some(Format::Tiff), Some(3), 3));
        for (n, p) in i.pages.iter().enumerate() {
            assert_eq!((p.width, p.height), (40 + 8 * n as u32, 30));
            assert_eq!(
                (p.colour, p.bits_per_sample, p.compression.as_str()),
                (ColourMode::Rgb, 8, "lzw")
            );
            assert_eq!(p.dpi, Some(Dpi { x: 400.0, y: 400.0 }));
        }
    }

    #[test]
    fn uncompressed_in_centimetres_and_without_unit() {
        let cm = inspect_bytes(
            &tiff_rgb(1, Compression::Uncompressed, Some((ResolutionUnit::Centimeter, 100))),
            &decode(),
        );
        assert_eq!(cm.decode_error, None);
        assert_eq!(cm.pages[0].compression, "none");
        assert!((cm.pages[0].dpi.unwrap().y - 254.0).abs() < 1e-9);
        // The encoder's default is ResolutionUnit 1 ("no absolute unit") at 1/1.
        let none = inspect_bytes(&tiff_rgb(1, Compression::Uncompressed, None), &decode());
        assert_eq!((none.decode_error, none.pages[0].dpi), (None, None));
    }

    /// TIFF 6.0: ResolutionUnit absent means inches (issue #19).
    #[test]
    fn an_absent_resolution_unit_is_inches() {
        let mut bytes = tiff_rgb(1, Compression::Uncompressed, Some((ResolutionUnit::Inch, 400)));
        let entry = tag_value_pos(&bytes, 296) - 8;
        bytes[entry..entry + 2].copy_from_slice(&300u16.to_le_bytes()); // ColorResponseUnit
        let i = inspect_bytes(&bytes, &decode());
        assert_eq!(i.decode_error, None);
        assert_eq!(i.pages[0].dpi, Some(Dpi { x: 400.0, y: 400.0 }));
    }

    /// A compression vouch lacks is named and unsupported, never "truncated" (issue #19).
    #[test]
    fn compressions_vouch_lacks_are_unsupported_by_name() {
        let mut bytes = tiff_rgb(1, Compression::Uncompressed, Some((ResolutionUnit::Inch, 300)));
        let at = tag_value_pos(&bytes, 259);
        bytes[at..at + 2].copy_from_slice(&34676u16.to_le_bytes());
        let i = inspect_bytes(&bytes, &decode());
        assert_eq!(i.unsupported.as_deref(), Some("TIFF compression 34676 (SGI LogLuv)"));
        let err = i.decode_error.unwrap();
        assert!(!err.contains("corrupt") && !err.contains("truncated"), "{err}");
        let at = tag_value_pos(&bytes, 259);
        bytes[at..at + 2].copy_from_slice(&6u16.to_le_bytes());
        let old_jpeg = inspect_bytes(&bytes, &decode());
        assert_eq!(old_jpeg.unsupported.as_deref(), Some("TIFF compression 6 (old-style JPEG)"));
        // Uncompressed YCbCr, subsampled by TIFF 6.0's default 2 × 2 (no tag 530).
        let mut ycc = tiff_rgb(1, Compression::Uncompressed, Some((ResolutionUnit::Inch, 300)));
        let at = tag_value_pos(&ycc, 262);
        ycc[at..at + 2].copy_from_slice(&6u16.to_le_bytes());
        let i = inspect_bytes(&ycc, &decode());
        assert_eq!(i.unsupported.as_deref(), Some("TIFF YCbCr subsampling 2×2"));
    }

    #[test]
    fn ccitt_g4_from_libtiff() {
        let i = inspect_bytes(&fixture("g4-2page-300dpi.tif"), &decode());
        assert_eq!(i.decode_error, None);
        assert_eq!(i.page_count, Some(2));
        let sizes: Vec<_> = i.pages.iter().map(|p| (p.width, p.height)).collect();
        assert_eq!(sizes, [(200, 120), (160, 100)]);
        for p in &i.pages {
            assert_eq!(
                (p.colour, p.bits_per_sample, p.compression.as_str()),
                (ColourMode::Bilevel, 1, "ccitt-g4")
            );
            assert_eq!(p.dpi, Some(Dpi { x: 300.0, y: 300.0 }));
        }
    }

    #[test]
    fn bigtiff_from_libtiff() {
        let i = inspect_bytes(&fixture("bigtiff-g4.tif"), &decode());
        assert_eq!(i.decode_error, None);
        assert_eq!(
            (i.page_count, i.pages[0].width, i.pages[0].compression.as_str()),
            (Some(1), 200, "ccitt-g4")
        );
    }

    #[test]
    fn tiled_tiff_from_libtiff() {
        let i = inspect_bytes(&fixture("tiled-rgb-lzw.tif"), &decode());
        assert_eq!(i.decode_error, None);
        let p = &i.pages[0];
        assert_eq!(
            (p.width, p.height, p.colour, p.compression.as_str()),
            (64, 48, ColourMode::Rgb, "lzw")
        );
        assert!((p.dpi.unwrap().x - 299.72).abs() < 1e-9, "{:?}", p.dpi);
    }

    #[test]
    fn strip_offset_past_eof_is_a_decode_error() {
        let mut bytes = tiff_rgb(1, Compression::Uncompressed, None);
        let at = tag_value_pos(&bytes, 273); // StripOffsets
        let past = (bytes.len() as u32 + 1000).to_le_bytes();
        bytes[at..at + 4].copy_from_slice(&past);
        let i = inspect_bytes(&bytes, &decode());
        let err = i.decode_error.unwrap();
        assert!(err.starts_with("TIFF page 1 of 1 cannot be decoded"), "{err}");
        assert_eq!((i.page_count, i.pages.len()), (Some(1), 0));
    }

    #[test]
    fn corrupt_g4_data_is_a_decode_error() {
        let mut bytes = fixture("g4-2page-300dpi.tif");
        // libtiff wrote page 1's strip at offset 8, before its IFD at 516.
        bytes[100..300].fill(0x00);
        let i = inspect_bytes(&bytes, &decode());
        let err = i.decode_error.unwrap();
        assert!(err.starts_with("TIFF page 1 of 2 cannot be decoded"), "{err}");
        assert_eq!(i.page_count, Some(2));
    }

    #[test]
    fn a_missing_tile_is_a_decode_error() {
        let mut bytes = fixture("tiled-rgb-lzw.tif");
        // Drop the last of the 4 tiles from both TileOffsets and TileByteCounts.
        let e = super::Endian::Little;
        let ifd = u64::from(e.u32(&bytes, 4).unwrap());
        let n = u64::from(e.u16(&bytes, ifd).unwrap());
        for tag in [324, 325] {
            let entry = (0..n).map(|i| ifd + 2 + 12 * i).find(|&at| e.u16(&bytes, at) == Some(tag));
            let at = entry.unwrap() as usize;
            bytes[at + 4..at + 8].copy_from_slice(&3u32.to_le_bytes());
        }
        let err = inspect_bytes(&bytes, &decode()).decode_error.unwrap();
        assert!(err.starts_with("TIFF page 1 of 1 cannot be decoded"), "{err}");
    }

    #[test]
    fn ifd_past_eof_is_reported_even_without_decoding() {
        let mut bytes = tiff_rgb(2, Compression::Uncompressed, None);
        let len = bytes.len() as u32;
        bytes[4..8].copy_from_slice(&(len + 8).to_le_bytes());
        for opts in [decode(), no_decode()] {
            let i = inspect_bytes(&bytes, &opts);
            let err = i.decode_error.unwrap();
            assert!(err.contains("page 1") && err.contains("past the end"), "{err}");
            assert_eq!(i.page_count, None);
        }
    }

    #[test]
    fn looping_ifd_chain_is_an_error_not_a_hang() {
        let mut bytes = tiff_rgb(1, Compression::Uncompressed, None);
        let e = super::Endian::Little;
        let ifd = e.u32(&bytes, 4).unwrap();
        let n = u32::from(e.u16(&bytes, u64::from(ifd)).unwrap());
        let next = (ifd + 2 + 12 * n) as usize;
        bytes[next..next + 4].copy_from_slice(&ifd.to_le_bytes());
        let err = inspect_bytes(&bytes, &no_decode()).decode_error.unwrap();
        assert!(err.contains("loops"), "{err}");
    }

    #[test]
    fn no_decode_counts_pages_only() {
        let i = inspect_bytes(&tiff_rgb(3, Compression::Lzw, None), &no_decode());
        assert_eq!((i.page_count, i.pages.len(), i.decode_error), (Some(3), 0, None));
    }

    #[test]
    fn pixel_limit_names_the_page() {
        let opts = super::InspectOptions { max_pixels: 1300, ..decode() };
        let i = inspect_bytes(&tiff_rgb(2, Compression::Uncompressed, None), &opts);
        let err = i.decode_error.unwrap();
        // Page 1 is 40 × 30 = 1200 pixels, page 2 is 48 × 30 = 1440.
        assert!(
            err.starts_with("TIFF page 2 of 2 cannot be decoded: the page is 48 × 30"),
            "{err}"
        );
        assert!(err.contains("limits.max_pixels (1300)"), "{err}");
        assert_eq!(i.pages.len(), 1);
    }

    #[test]
    fn decode_work_is_bounded_by_the_pixel_limit() {
        // 40 × 30 RGB claiming 64 bits per sample: 28,800 bytes to decode, more than 16
        // bytes for each of 1,200 pixels (issue #8).
        let mut bytes = tiff_rgb(1, Compression::Uncompressed, None);
        let at = tag_value_pos(&bytes, 258); // BitsPerSample, three SHORTs
        for k in 0..3 {
            bytes[at + 2 * k..at + 2 * k + 2].copy_from_slice(&64u16.to_le_bytes());
        }
        let opts = super::InspectOptions { max_pixels: 1200, ..decode() };
        let err = inspect_bytes(&bytes, &opts).decode_error.unwrap();
        assert!(err.contains("more than 16 bytes for each of limits.max_pixels (1200)"), "{err}");
    }

    /// Every compression and layout the libtiff samples cover, with its facts.
    #[test]
    fn libtiff_samples_of_every_compression() {
        let cases = [
            ("deflate-grey-300dpi.tif", ColourMode::Grey, 8, "deflate"),
            ("jpeg-ycbcr-300dpi.tif", ColourMode::Rgb, 8, "jpeg"),
            ("planar-rgb-deflate.tif", ColourMode::Rgb, 8, "deflate"),
            ("packbits-bilevel-300dpi.tif", ColourMode::Bilevel, 1, "packbits"),
        ];
        for (name, colour, bits, compression) in cases {
            let i = inspect_bytes(&fixture(name), &decode());
            assert_eq!(i.decode_error, None, "{name}");
            let p = &i.pages[0];
            assert_eq!(
                (p.colour, p.bits_per_sample, p.compression.as_str()),
                (colour, bits, compression),
                "{name}"
            );
            assert_eq!(p.dpi, Some(Dpi { x: 300.0, y: 300.0 }), "{name}");
        }
        let mixed = inspect_bytes(&fixture("mixed-g4-lzw-2page.tif"), &decode());
        let pages: Vec<_> = mixed.pages.iter().map(|p| (p.page, p.compression.as_str())).collect();
        assert_eq!(pages, [(1, "ccitt-g4"), (2, "lzw")]);
    }

    #[test]
    fn every_truncation_of_the_libtiff_samples_is_refused() {
        for name in [
            "deflate-grey-300dpi.tif",
            "jpeg-ycbcr-300dpi.tif",
            "planar-rgb-deflate.tif",
            "mixed-g4-lzw-2page.tif",
        ] {
            let bytes = fixture(name);
            for cut in (1..bytes.len()).step_by(97) {
                assert!(
                    inspect_bytes(&bytes[..cut], &decode()).decode_error.is_some(),
                    "{name} cut at {cut}"
                );
            }
        }
    }

    #[test]
    fn compression_and_colour_names() {
        assert_eq!(super::compression_name(32946), "deflate");
        assert_eq!(super::compression_name(32773), "packbits");
        assert_eq!(super::compression_name(7), "jpeg");
        assert_eq!(super::compression_name(3), "ccitt-g3");
        assert_eq!(super::compression_name(34712), "tiff-34712");
        assert_eq!(super::colour(Some(0), 1), ColourMode::Bilevel);
        assert_eq!(super::colour(Some(1), 8), ColourMode::Grey);
        assert_eq!(super::colour(Some(5), 8), ColourMode::Cmyk);
        assert_eq!(super::colour(Some(3), 8), ColourMode::Palette);
        assert_eq!(super::colour(Some(8), 8), ColourMode::Other);
    }
}
