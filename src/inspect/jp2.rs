//! JPEG 2000 (JP2 file or raw J2K codestream): full decode with `hayro-jpeg2000`.
//!
//! Decoder choice (issue #3): `hayro-jpeg2000` is pure, memory-safe Rust, maintained as
//! part of the hayro PDF renderer, and has a strict mode that refuses a codestream without
//! its end-of-codestream marker or with inconsistent packet data, instead of rendering
//! what it has. `jpeg2k` needs OpenJPEG: either the C library (a C build in CI) or the
//! `openjp2` port, a mechanical translation of the C code with its `unsafe` kept, fed here
//! with hostile input. Version 0.3 is used because later versions need Rust 1.92, above
//! this crate's `rust-version`.
//!
//! The boxes are walked by hand first: every box must lie inside the file (a cut JP2 is
//! caught even where the codestream box runs "to the end of the file"), the pixel limit is
//! applied before decoding, and the resolution comes from the `res ` box: capture
//! resolution (`resc`, what the scanner sampled) before display resolution (`resd`).

use super::reduce::{Colour, PixelFormat, ReducedImage, Reducer};
use super::{Decoded, InspectOptions, over_pixel_limit};
use crate::inspect::facts::{ColourMode, Dpi, PageFacts};
use hayro_jpeg2000::{ColorSpace, DecodeSettings, DecoderContext, Image};

/// JP2 facts: one page, decoded if asked.
pub(crate) fn inspect(bytes: &[u8], opts: &InspectOptions) -> Decoded {
    let mut decoded = Decoded { page_count: Some(1), ..Decoded::default() };
    // The box structure is checked even without decoding: it is cheap and proves the
    // file is whole.
    let header = match header(bytes) {
        Ok(h) => h,
        Err(why) => return Decoded::failed(why),
    };
    if opts.decode {
        match decode(bytes, &header, opts) {
            Ok((page, reduced)) => {
                decoded.pages.push(page);
                decoded.reduced.extend(reduced.map(|r| (1, r)));
            }
            Err(why) => decoded.error = Some(why),
        }
    }
    decoded
}

/// What the JP2 boxes say besides the codestream.
#[derive(Debug, Default)]
struct Header {
    capture: Option<Dpi>,
    display: Option<Dpi>,
    icc: bool,
    palette: bool,
    /// The first `colr` box's enumerated colour space (method 1): 16 sRGB, 17 grey, 18
    /// sYCC, 12 CMYK...
    enumerated: Option<u32>,
}

/// Decodes one JPEG 2000 file or codestream (also a PDF JPXDecode stream) as page 1,
/// with its reduced image when [`InspectOptions::reduced`] asks.
pub(crate) fn decode_stream(
    bytes: &[u8],
    opts: &InspectOptions,
) -> Result<(PageFacts, Option<ReducedImage>), String> {
    let header = header(bytes)?;
    decode(bytes, &header, opts)
}

fn decode(
    bytes: &[u8],
    header: &Header,
    opts: &InspectOptions,
) -> Result<(PageFacts, Option<ReducedImage>), String> {
    let corrupt = |e: &hayro_jpeg2000::DecodeError| match unsupported_marker(bytes, e) {
        Some(feature) => super::unsupported(&feature),
        None => format!("JPEG 2000 image data is corrupt or truncated: {e}"),
    };
    let settings =
        DecodeSettings { strict: true, resolve_palette_indices: false, ..Default::default() };
    let image = Image::new(bytes, &settings).map_err(|e| corrupt(&e))?;
    let (width, height) = (image.width(), image.height());
    if let Some(why) = over_pixel_limit("the image", width, height, opts) {
        return Err(why);
    }
    let bits = u16::from(image.original_bit_depth());
    let channels = image.color_space().num_channels();
    let icc = header.icc || matches!(image.color_space(), ColorSpace::Icc { .. });
    let mut reduced = None;
    if opts.pixels() {
        let mut context = DecoderContext::default();
        let pixels = image.decode(&mut context).map_err(|e| corrupt(&e))?.data_u8();
        if opts.reduced {
            let n = u32::from(channels) + u32::from(image.has_alpha());
            let rgb = matches!(header.enumerated, Some(16 | 18));
            reduced = Some(reduce(&pixels, (width, height), n, image.color_space(), rgb));
        }
    }
    // The JP2 header's word first (issue #19): an sRGB image with a fourth, undefined
    // channel is RGB plus alpha as OpenJPEG reads it, not the CMYK the decoder guesses.
    let colour = match (header.palette, channels) {
        (true, _) => ColourMode::Palette,
        (false, 3 | 4) if matches!(header.enumerated, Some(16 | 18)) => ColourMode::Rgb,
        (false, 1) if bits == 1 => ColourMode::Bilevel,
        (false, 1) => ColourMode::Grey,
        (false, 3) => ColourMode::Rgb,
        (false, 4) => ColourMode::Cmyk,
        _ => ColourMode::Other,
    };
    let (dpi, source) = match (header.capture, header.display) {
        (Some(d), _) => (Some(d), Some("jp2-capture".to_string())),
        (None, Some(d)) => (Some(d), Some("jp2-display".to_string())),
        _ => (None, None),
    };
    let page = PageFacts {
        page: 1,
        width,
        height,
        dpi,
        dpi_source: source,
        colour,
        bits_per_sample: bits,
        compression: "jpeg2000".into(),
        icc,
        quality: None,
    };
    Ok((page, reduced))
}

/// The decoder's 8-bit interleaved pixels at 1/8 scale, row by row (alpha ignored).
fn reduce(
    pixels: &[u8],
    (w, h): (u32, u32),
    samples: u32,
    space: &ColorSpace,
    rgb: bool,
) -> ReducedImage {
    let colour = match space.num_channels() {
        3 => Colour::Rgb,
        4 if rgb => Colour::Rgb,
        4 if matches!(space, ColorSpace::CMYK) => Colour::Cmyk,
        _ => Colour::Grey { white_is_zero: false },
    };
    let format = PixelFormat { bits: 8, samples, colour, little_endian: false };
    let mut reducer = Reducer::new(w, h);
    let mut grey = Vec::new();
    let row_bytes = format.row_bytes(w).max(1);
    for (y, row) in pixels.chunks(row_bytes).take(h as usize).enumerate() {
        format.grey_row(row, w, &mut grey);
        reducer.add_row(0, 1, y as u32, &grey);
    }
    reducer.finish()
}

/// The feature a codestream uses that the decoder refused as an "unsupported marker",
/// where the marker is one ISO 15444 defines beyond Part 1 (HTJ2K's CAP, Part 2's
/// extensions); `None` for any other error, or a marker no part defines (damage).
fn unsupported_marker(bytes: &[u8], e: &hayro_jpeg2000::DecodeError) -> Option<String> {
    use hayro_jpeg2000::{DecodeError, MarkerError};
    if !matches!(e, DecodeError::Marker(MarkerError::Unsupported)) {
        return None;
    }
    let soc = bytes.windows(4).position(|w| w == [0xFF, 0x4F, 0xFF, 0x51])?;
    let mut at = soc + 2;
    // Main-header marker segments, each `FF xx` and a length, up to the first tile.
    while let [0xFF, m, l1, l0, ..] = *bytes.get(at..)? {
        let feature = match m {
            0x50 | 0x59 => "HTJ2K (JPEG 2000 Part 15, High-Throughput)",
            0x70..=0x79 => "JPEG 2000 Part 2 extensions",
            0x90 => return None,
            _ => {
                at += 2 + usize::from(u16::from_be_bytes([l1, l0]));
                continue;
            }
        };
        return Some(format!("{feature} (marker FF{m:02X})"));
    }
    None
}

const SIGNATURE: &[u8] = &[0, 0, 0, 0x0C, 0x6A, 0x50, 0x20, 0x20, 0x0D, 0x0A, 0x87, 0x0A];

/// Walks the boxes of a JP2 file (a raw codestream has none and no resolution).
fn header(bytes: &[u8]) -> Result<Header, String> {
    let mut header = Header::default();
    if !bytes.starts_with(SIGNATURE) {
        return if bytes.starts_with(&[0xFF, 0x4F, 0xFF, 0x51]) {
            Ok(header)
        } else {
            Err("not a JPEG 2000 file or codestream".into())
        };
    }
    let mut codestream = false;
    let mut jp2h = false;
    for (i, (kind, body)) in boxes(bytes)?.into_iter().enumerate() {
        order(i, &kind, jp2h)?;
        match &kind {
            b"jp2h" => {
                jp2h = true;
                let inner = boxes(body)?;
                if inner.first().map(|b| &b.0) != Some(b"ihdr") {
                    return Err("JP2 header box (jp2h) does not begin with an image header box \
                                (ihdr): the file is corrupt"
                        .into());
                }
                for (kind, body) in inner {
                    match &kind {
                        b"colr" => {
                            header.icc |= body.first() == Some(&2);
                            if let [1, _, _, a, b, c, d, ..] = *body {
                                let cs = u32::from_be_bytes([a, b, c, d]);
                                header.enumerated.get_or_insert(cs);
                            }
                        }
                        b"pclr" => header.palette = true,
                        b"res " => {
                            for (kind, body) in boxes(body)? {
                                match &kind {
                                    b"resc" => header.capture = resolution(body),
                                    b"resd" => header.display = resolution(body),
                                    _ => {}
                                }
                            }
                        }
                        _ => {}
                    }
                }
            }
            b"jp2c" => codestream = true,
            _ => {}
        }
    }
    if !codestream {
        return Err("JP2 has no codestream box (jp2c): the file is truncated or corrupt".into());
    }
    Ok(header)
}

/// The order ISO/IEC 15444-1 Annex I requires of the top-level boxes, which OpenJPEG
/// enforces (issue #17: files breaking it passed): the signature box first and only
/// there, the file type box second, the header box once and before the codestream.
fn order(i: usize, kind: &[u8; 4], jp2h: bool) -> Result<(), String> {
    let why = match kind {
        b"jP  " if i > 0 => format!(
            "a second signature box (box {}): it must be the first box and only there",
            i + 1
        ),
        b"ftyp" if i != 1 => format!("the file type box (ftyp) is box {}, not the second", i + 1),
        _ if i == 1 && kind != b"ftyp" => "the second box is not the file type box (ftyp)".into(),
        b"jp2h" if jp2h => "a second JP2 header box (jp2h)".into(),
        b"jp2c" if !jp2h => {
            "the codestream box (jp2c) comes before the JP2 header box (jp2h)".into()
        }
        _ => return Ok(()),
    };
    Err(format!("JP2 box order is wrong: {why}; the file is corrupt"))
}

/// A box: its four-character type and its body.
type JpBox<'a> = ([u8; 4], &'a [u8]);

/// The boxes of `data`, each inside it.
fn boxes(data: &[u8]) -> Result<Vec<JpBox<'_>>, String> {
    let mut out = Vec::new();
    let mut at = 0usize;
    let cut = |at: usize| {
        format!("JP2 box at byte {at} runs past the end of its container: truncated or corrupt")
    };
    while at < data.len() {
        let head = data.get(at..at + 8).ok_or_else(|| cut(at))?;
        let len = u64::from(u32::from_be_bytes([head[0], head[1], head[2], head[3]]));
        let kind: [u8; 4] = [head[4], head[5], head[6], head[7]];
        let (start, end) = match len {
            0 => (at + 8, data.len() as u64),
            1 => {
                let xl = data.get(at + 8..at + 16).ok_or_else(|| cut(at))?;
                let xl = u64::from_be_bytes(xl.try_into().map_err(|_| cut(at))?);
                (at + 16, (at as u64).saturating_add(xl))
            }
            n if n < 8 => return Err(format!("JP2 box at byte {at} has a bad length {n}")),
            n => (at + 8, at as u64 + n),
        };
        let end = usize::try_from(end).ok().filter(|&e| e <= data.len() && e >= start);
        let end = end.ok_or_else(|| cut(at))?;
        out.push((kind, &data[start..end]));
        at = end;
    }
    Ok(out)
}

/// A `resc`/`resd` box: VR_N, VR_D, HR_N, HR_D (u16), VR_E, HR_E (i8), in grid points per
/// metre; converted to dots per inch.
fn resolution(body: &[u8]) -> Option<Dpi> {
    let [vn1, vn0, vd1, vd0, hn1, hn0, hd1, hd0, ve, he, ..] = *body else { return None };
    let value = |n1, n0, d1, d0, e: u8| {
        let (n, d) = (u16::from_be_bytes([n1, n0]), u16::from_be_bytes([d1, d0]));
        (d != 0).then(|| f64::from(n) / f64::from(d) * 10f64.powi(i32::from(e as i8)))
    };
    let (y, x) = (value(vn1, vn0, vd1, vd0, ve)?, value(hn1, hn0, hd1, hd0, he)?);
    super::dots_per_inch(x, y, 0.0254)
}

#[cfg(test)]
mod tests {
    use super::super::inspect_bytes;
    use super::super::testutil::{decode, fixture, regression};
    use crate::inspect::facts::{ColourMode, Format};

    /// The fixture's raw codestream with `segment` inserted after its SIZ marker segment.
    fn with_main_header_segment(segment: &[u8]) -> Vec<u8> {
        let jp2 = fixture("grey-300dpi.jp2");
        let soc = jp2.windows(4).position(|w| w == [0xFF, 0x4F, 0xFF, 0x51]).unwrap();
        let cs = &jp2[soc..];
        let siz_end = 4 + usize::from(u16::from_be_bytes([cs[4], cs[5]]));
        [&cs[..siz_end], segment, &cs[siz_end..]].concat()
    }

    /// HTJ2K's CAP marker names Part 15; a marker no part defines stays damage (issue #19).
    #[test]
    fn htj2k_is_unsupported_and_an_unknown_marker_is_damage() {
        let plain = inspect_bytes(&with_main_header_segment(&[]), &decode());
        assert_eq!(plain.decode_error, None);
        let cap = [0xFF, 0x50, 0x00, 0x08, 0x00, 0x02, 0x00, 0x00, 0x00, 0x00];
        let ht = inspect_bytes(&with_main_header_segment(&cap), &decode());
        let feature = "HTJ2K (JPEG 2000 Part 15, High-Throughput) (marker FF50)";
        assert_eq!(ht.unsupported.as_deref(), Some(feature));
        let junk = [0xFF, 0x6A, 0x00, 0x04, 0x00, 0x00];
        let bad = inspect_bytes(&with_main_header_segment(&junk), &decode());
        assert_eq!(bad.unsupported, None);
        assert!(bad.decode_error.unwrap().contains("corrupt"));
    }

    /// sRGB with a fourth channel and no channel definitions is RGB plus alpha, as
    /// OpenJPEG reads it, not CMYK (issue #19).
    #[test]
    fn srgb_with_a_fourth_channel_is_rgb() {
        let i = inspect_bytes(&regression("jp2-srgb-4-channels-no-cdef.jp2"), &decode());
        assert_eq!(i.decode_error, None);
        assert_eq!(i.pages[0].colour, ColourMode::Rgb);
    }

    #[test]
    fn openjpeg_sample_decodes_with_capture_resolution() {
        let i = inspect_bytes(&fixture("grey-300dpi.jp2"), &decode());
        assert_eq!(i.decode_error, None);
        assert_eq!((i.format, i.page_count), (Some(Format::Jp2), Some(1)));
        let p = &i.pages[0];
        assert_eq!(
            (p.colour, p.bits_per_sample, p.compression.as_str()),
            (ColourMode::Grey, 8, "jpeg2000")
        );
        let dpi = p.dpi.unwrap();
        assert!((dpi.x - 300.0).abs() < 0.5 && (dpi.y - 300.0).abs() < 0.5, "{dpi:?}");
        assert_eq!(p.dpi_source.as_deref(), Some("jp2-capture"));
    }

    #[test]
    fn every_truncation_is_refused() {
        let bytes = fixture("grey-300dpi.jp2");
        for cut in (1..bytes.len()).step_by(7) {
            let i = inspect_bytes(&bytes[..cut], &decode());
            assert!(i.decode_error.is_some(), "cut at {cut} of {} passed", bytes.len());
        }
    }

    #[test]
    fn resolution_box_units() {
        // 11811 / 1 × 10^0 points per metre = 300 dpi on both axes.
        let body = [0x2E, 0x23, 0, 1, 0x2E, 0x23, 0, 1, 0, 0];
        let d = super::resolution(&body).unwrap();
        assert!((d.x - 299.9994).abs() < 1e-3, "{d:?}");
        assert_eq!(super::resolution(&body[..9]), None);
    }
}
