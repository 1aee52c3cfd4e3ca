//! Test files made by real encoders (`image` for JPEG, `png`, `tiff`), hand-assembled
//! PDFs with correct cross-reference offsets, and the committed libtiff fixtures.

use super::InspectOptions;
use super::endian::Endian;
use image::ExtendedColorType;
use image::codecs::jpeg::{JpegEncoder, PixelDensity, PixelDensityUnit};
use std::io::Cursor;
use tiff::encoder::{Compression, Rational, TiffEncoder, colortype};
use tiff::tags::ResolutionUnit;

/// Options that decode everything (the default).
pub(crate) fn decode() -> InspectOptions {
    InspectOptions::default()
}

/// Options that skip pixel decoding.
pub(crate) fn no_decode() -> InspectOptions {
    InspectOptions { decode: false, ..InspectOptions::default() }
}

/// A committed fixture from `testdata/formats/`.
pub(crate) fn fixture(name: &str) -> Vec<u8> {
    read_testdata("formats", name)
}

/// A committed regression file of `testdata/regressions/`.
pub(crate) fn regression(name: &str) -> Vec<u8> {
    read_testdata("regressions", name)
}

fn read_testdata(dir: &str, name: &str) -> Vec<u8> {
    let path = format!("{}/testdata/{dir}/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// Busy pixel values, so compressed data is long enough to cut in the middle.
pub(crate) fn pattern(len: usize) -> Vec<u8> {
    (0..len).map(|i| ((i * 7) ^ (i / 13 * 29)) as u8).collect()
}

/// A JPEG from the `image` encoder. `density` is (unit, x, y) with JFIF's unit numbers
/// (0 aspect ratio, 1 inch, 2 cm).
pub(crate) fn jpeg(w: u32, h: u32, grey: bool, density: (u8, u16, u16)) -> Vec<u8> {
    let (channels, colour) =
        if grey { (1, ExtendedColorType::L8) } else { (3, ExtendedColorType::Rgb8) };
    let unit = match density.0 {
        0 => PixelDensityUnit::PixelAspectRatio,
        1 => PixelDensityUnit::Inches,
        _ => PixelDensityUnit::Centimeters,
    };
    let mut out = Vec::new();
    let mut enc = JpegEncoder::new_with_quality(&mut out, 90);
    enc.set_pixel_density(PixelDensity { density: (density.1, density.2), unit });
    enc.encode(&pattern((w * h) as usize * channels), w, h, colour).unwrap();
    out
}

/// `jpeg` with its JFIF APP0 segment removed (the encoder writes it right after SOI).
pub(crate) fn without_app0(jpeg: &[u8]) -> Vec<u8> {
    assert_eq!(&jpeg[2..4], &[0xFF, 0xE0], "expected APP0 after SOI");
    let len = usize::from(u16::from_be_bytes([jpeg[4], jpeg[5]]));
    [&jpeg[..2], &jpeg[4 + len..]].concat()
}

/// `jpeg` with a marker segment inserted right after SOI.
pub(crate) fn with_segment(jpeg: &[u8], marker: u8, payload: &[u8]) -> Vec<u8> {
    let len = (payload.len() + 2) as u16;
    [&jpeg[..2], &[0xFF, marker], &len.to_be_bytes(), payload, &jpeg[2..]].concat()
}

/// An RGB TIFF of `pages` pages (page p is (40 + 8p) × 30), eight rows per strip.
pub(crate) fn tiff_rgb(
    pages: u32,
    compression: Compression,
    res: Option<(ResolutionUnit, u32)>,
) -> Vec<u8> {
    let mut out = Cursor::new(Vec::new());
    let mut enc = TiffEncoder::new(&mut out).unwrap().with_compression(compression);
    for p in 0..pages {
        let (w, h) = (40 + 8 * p, 30);
        let mut img = enc.new_image::<colortype::RGB8>(w, h).unwrap();
        img.rows_per_strip(8).unwrap();
        if let Some((unit, v)) = res {
            img.resolution(unit, Rational { n: v, d: 1 });
        }
        img.write_data(&pattern((w * h * 3) as usize)).unwrap();
    }
    out.into_inner()
}

/// Byte position of the first value of `tag` in the first IFD of a classic TIFF.
pub(crate) fn tag_value_pos(tiff: &[u8], tag: u16) -> usize {
    let e = Endian::from_tiff_header(tiff).unwrap();
    let ifd = u64::from(e.u32(tiff, 4).unwrap());
    let count = u64::from(e.u16(tiff, ifd).unwrap());
    let entry = (0..count).map(|i| ifd + 2 + 12 * i).find(|&at| e.u16(tiff, at) == Some(tag));
    let entry = entry.unwrap_or_else(|| panic!("tag {tag} not in IFD0"));
    let (ty, n) = (e.u16(tiff, entry + 2).unwrap(), e.u32(tiff, entry + 4).unwrap());
    let size = match ty {
        3 => 2,
        4 => 4,
        5 => 8,
        other => panic!("type {other}"),
    };
    if size * n <= 4 { (entry + 8) as usize } else { e.u32(tiff, entry + 8).unwrap() as usize }
}

/// A PDF with `pages` empty pages, cross-reference offsets computed as a writer would.
/// With `encrypt`, the trailer names a Standard security handler.
pub(crate) fn pdf(pages: usize, encrypt: bool) -> Vec<u8> {
    let kids: Vec<String> = (0..pages).map(|i| format!("{} 0 R", i + 3)).collect();
    let mut objects = vec![
        "<< /Type /Catalog /Pages 2 0 R >>".to_string(),
        format!("<< /Type /Pages /Kids [{}] /Count {pages} >>", kids.join(" ")),
    ];
    for _ in 0..pages {
        objects.push("<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>".into());
    }
    let mut trailer_extra = String::new();
    if encrypt {
        let zeros = "00".repeat(32);
        objects.push(format!("<< /Filter /Standard /V 1 /R 2 /O <{zeros}> /U <{zeros}> /P -4 >>"));
        trailer_extra = format!(" /Encrypt {} 0 R /ID [<{zeros}> <{zeros}>]", objects.len());
    }
    let mut out = b"%PDF-1.4\n".to_vec();
    let mut offsets = Vec::new();
    for (i, body) in objects.iter().enumerate() {
        offsets.push(out.len());
        out.extend_from_slice(format!("{} 0 obj\n{body}\nendobj\n", i + 1).as_bytes());
    }
    let xref = out.len();
    out.extend_from_slice(
        format!("xref\n0 {}\n0000000000 65535 f \n", objects.len() + 1).as_bytes(),
    );
    for off in offsets {
        out.extend_from_slice(format!("{off:010} 00000 n \n").as_bytes());
    }
    let size = objects.len() + 1;
    out.extend_from_slice(
        format!(
            "trailer\n<< /Size {size} /Root 1 0 R{trailer_extra} >>\nstartxref\n{xref}\n%%EOF\n"
        )
        .as_bytes(),
    );
    out
}
