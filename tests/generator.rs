//! Checks the test-data generator against decoders that are not vouch's own code paths.
//!
//! The end-to-end tests trust `expected.json`; these tests are why that trust is earned.
//! Each generated file is decoded by an independent library (zune-jpeg in strict mode, the
//! `tiff` crate incl. its G4 decoder, `png`, `lopdf`) and each defect is checked to be what
//! it claims to be, before any vouch binary is involved.

use crate::support::generate::{self, Defect, Options, encode, escape};
use std::collections::BTreeMap;
use std::os::unix::ffi::OsStrExt;
use std::os::unix::fs::FileTypeExt;
use std::path::Path;
use tiff::tags::Tag;
use zune_core::bytestream::ZCursor;
use zune_core::options::DecoderOptions;

/// Decodes a JPEG strictly; returns its JFIF (density unit, x density) or the decoder's
/// error. zune-jpeg does not report JFIF density, so the APP0 segment is read by hand.
fn jpeg_density(bytes: &[u8]) -> Result<(u8, u16), String> {
    let opts = DecoderOptions::default().set_strict_mode(true);
    let mut dec = zune_jpeg::JpegDecoder::new_with_options(ZCursor::new(bytes), opts);
    dec.decode().map_err(|e| format!("{e:?}"))?;
    let info = dec.info().ok_or("no info")?;
    assert_eq!((info.width, info.height), (encode::WIDTH as u16, encode::HEIGHT as u16));
    assert_eq!(&bytes[2..4], b"\xff\xe0", "APP0 right after SOI");
    assert_eq!(&bytes[6..11], b"JFIF\0");
    Ok((bytes[13], u16::from_be_bytes([bytes[14], bytes[15]])))
}

/// Fully decodes a single-image TIFF; returns (dpi, compression tag, pixels).
fn tiff_decode(bytes: &[u8]) -> (f64, u16, Vec<u8>) {
    let mut dec = tiff::decoder::Decoder::new(std::io::Cursor::new(bytes)).expect("TIFF header");
    let pixels = match dec.read_image().expect("TIFF decodes") {
        tiff::decoder::DecodingResult::U8(p) => p,
        other => panic!("unexpected sample type {:?}", std::mem::discriminant(&other)),
    };
    let tiff::decoder::ifd::Value::Rational(n, d) = dec.get_tag(Tag::XResolution).unwrap() else {
        panic!("XResolution is not a RATIONAL")
    };
    let x = f64::from(n) / f64::from(d);
    let unit = dec.get_tag_u32(Tag::ResolutionUnit).expect("ResolutionUnit");
    let dpi = if unit == 3 { x * 2.54 } else { x };
    let compression = dec.get_tag_u32(Tag::Compression).unwrap() as u16;
    assert!(!dec.more_images(), "single-image TIFF");
    (dpi, compression, pixels)
}

/// Loads a PDF, decodes every page's image, returns the page count.
fn pdf_pages(bytes: &[u8]) -> usize {
    let doc = lopdf::Document::load_mem(bytes).expect("PDF parses");
    let pages = doc.get_pages();
    for page_id in pages.values() {
        let page = doc.get_dictionary(*page_id).unwrap();
        let resources = page.get(b"Resources").unwrap().as_dict().unwrap();
        let xobjects = resources.get(b"XObject").unwrap().as_dict().unwrap();
        let image_id = xobjects.get(b"Im0").unwrap().as_reference().unwrap();
        let image = doc.get_object(image_id).unwrap().as_stream().unwrap();
        assert_eq!(jpeg_density(&image.content), Ok((1, 300)));
    }
    pages.len()
}

/// Regular files of a delivery by relative path bytes (manifest excluded).
fn regular_files(root: &Path) -> BTreeMap<Vec<u8>, Vec<u8>> {
    walkdir::WalkDir::new(root)
        .into_iter()
        .map(Result::unwrap)
        .filter(|e| e.file_type().is_file() && e.file_name() != generate::MANIFEST_NAME)
        .map(|e| {
            let rel = e.path().strip_prefix(root).unwrap().as_os_str().as_bytes().to_vec();
            (rel, std::fs::read(e.path()).unwrap())
        })
        .collect()
}

/// The catalogue, decoded from GBK: (code, pages) per row.
fn catalogue_rows(path: &Path) -> Vec<(String, u32)> {
    let bytes = std::fs::read(path).unwrap();
    let (text, _, bad) = encoding_rs::GBK.decode(&bytes);
    assert!(!bad, "catalogue is valid GBK");
    let mut lines = text.split("\r\n").filter(|l| !l.is_empty());
    assert_eq!(lines.next(), Some("档号,题名,页数"));
    lines
        .map(|l| {
            let cols: Vec<&str> = l.split(',').collect();
            (cols[0].to_string(), cols[2].parse().unwrap())
        })
        .collect()
}

/// The manifest as path bytes → digest.
fn manifest(path: &Path) -> BTreeMap<Vec<u8>, String> {
    let bytes = std::fs::read(path).unwrap();
    bytes
        .split(|&b| b == b'\n')
        .filter(|l| !l.is_empty())
        .map(|l| (l[66..].to_vec(), String::from_utf8(l[..64].to_vec()).unwrap()))
        .collect()
}

fn gen_into(dir: &Path, defects: Vec<Defect>) -> generate::Generated {
    generate::generate(dir, &Options { seed: 11, records: None, defects }).unwrap()
}

#[test]
fn clean_pages_decode_fully_with_their_resolution() {
    let dir = tempfile::tempdir().unwrap();
    let g = gen_into(dir.path(), vec![]);
    assert!(g.expected.is_empty());
    let mut pages: BTreeMap<String, u32> = BTreeMap::new();
    for (rel, bytes) in regular_files(&g.delivery) {
        let rel = String::from_utf8(rel).unwrap();
        let ext = rel.rsplit('.').next().unwrap().to_ascii_lowercase();
        let code = rel.split('/').next().unwrap().trim_end_matches(".pdf").to_string();
        let count = match ext.as_str() {
            "jpg" | "jpeg" => {
                let (unit, dpi) = jpeg_density(&bytes).unwrap();
                assert!(unit == 1 && (dpi == 300 || dpi == 200), "{rel}: unit {unit} {dpi} dpi");
                1
            }
            "tif" | "tiff" => {
                let (dpi, _, _) = tiff_decode(&bytes);
                assert!((dpi - 300.0).abs() < 0.01, "{rel}: {dpi} dpi");
                1
            }
            "pdf" => pdf_pages(&bytes) as u32,
            "txt" => continue,
            _ => panic!("unexpected file {rel}"),
        };
        *pages.entry(code).or_default() += count;
    }
    let catalogue: BTreeMap<String, u32> = catalogue_rows(&g.catalogue).into_iter().collect();
    assert_eq!(pages, catalogue, "delivered pages per record = catalogue 页数");
    assert!(catalogue.contains_key("文书-2020-0006"));
}

#[test]
fn clean_manifest_lists_every_page_file_with_its_digest() {
    let dir = tempfile::tempdir().unwrap();
    let g = gen_into(dir.path(), vec![]);
    let mut files = regular_files(&g.delivery);
    assert!(files.remove(&b"readme.txt"[..]).is_some(), "ancillary readme, not listed");
    let digests: BTreeMap<_, _> =
        files.into_iter().map(|(p, b)| (p, generate::sha256_hex(&b))).collect();
    assert_eq!(manifest(&g.manifest), digests);
}

#[test]
fn g4_tiff_round_trips_through_the_tiff_crate() {
    let grey = encode::render_grey(&mut encode::Rng::new(5));
    let (dpi, compression, packed) = tiff_decode(&encode::g4_tiff(&grey, 300));
    assert_eq!((dpi, compression), (300.0, 4));
    let row_bytes = (encode::WIDTH as usize).div_ceil(8);
    for (y, row) in grey.chunks(encode::WIDTH as usize).enumerate() {
        for (x, &p) in row.iter().enumerate() {
            let bit = packed[y * row_bytes + x / 8] >> (7 - x % 8) & 1;
            // The tiff crate normalises WhiteIsZero to BlackIsZero: a set bit is paper.
            assert_eq!(bit == 1, p >= 128, "pixel ({x},{y})");
        }
    }
}

#[test]
fn grey_tiff_in_centimetres_and_png_carry_their_resolution() {
    let grey = encode::render_grey(&mut encode::Rng::new(6));
    let res = encode::TiffResolution { per_cm: true, n: 11811, d: 100 };
    let (dpi, compression, pixels) =
        tiff_decode(&encode::grey_tiff(&grey, encode::TiffCompression::Uncompressed, res).unwrap());
    assert!((dpi - 300.0).abs() < 0.01 && compression == 1 && pixels == grey);
    let png_bytes = encode::png(&grey, 300).unwrap();
    let reader = png::Decoder::new(std::io::Cursor::new(png_bytes)).read_info().unwrap();
    let dims = reader.info().pixel_dims.unwrap();
    assert_eq!((dims.xppu, dims.unit), (11811, png::Unit::Meter));
}

#[test]
fn generation_is_deterministic_by_seed() {
    let (a, b, c) =
        (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let opts = |seed| Options { seed, records: Some(9), defects: vec![Defect::PageGap] };
    for (dir, seed) in [(&a, 3), (&b, 3), (&c, 4)] {
        generate::generate(dir.path(), &opts(seed)).unwrap();
    }
    let files = |d: &tempfile::TempDir| regular_files(&d.path().join("delivery"));
    assert_eq!(files(&a), files(&b));
    assert_ne!(files(&a), files(&c));
    let manifest_of = |d: &tempfile::TempDir| {
        std::fs::read(d.path().join("delivery/manifest-sha256.txt")).unwrap()
    };
    assert_eq!(manifest_of(&a), manifest_of(&b));
}

#[test]
fn escape_keeps_utf8_and_escapes_bytes_and_percent() {
    assert_eq!(escape(b"a/\xb5\xb5\xb0\xb8.jpg"), "a/%B5%B5%B0%B8.jpg");
    assert_eq!(escape("文书/100%.jpg".as_bytes()), "文书/100%25.jpg");
}

/// One planted defect, looked at on disk: what the generator claims for each rule.
fn check_planted(g: &generate::Generated, rule: &str, record: &str, path: &Path) {
    let listed = manifest(&g.manifest);
    let rel = path.strip_prefix(&g.delivery).unwrap().as_os_str().as_bytes().to_vec();
    let read = || std::fs::read(path).unwrap();
    let catalogue = catalogue_rows(&g.catalogue);
    let pages_in = |code: &str| catalogue.iter().find(|(c, _)| c == code).unwrap().1;
    let names = || -> Vec<String> {
        let mut v: Vec<String> = std::fs::read_dir(g.delivery.join(record))
            .unwrap()
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .collect();
        v.sort();
        v
    };
    let numbers = || -> Vec<u32> {
        names().iter().map(|n| n.split('.').next().unwrap().parse().unwrap()).collect()
    };
    match rule {
        "record-missing" => {
            assert!(!g.delivery.join(record).exists());
            assert!(!listed.keys().any(|k| k.starts_with(record.as_bytes())));
        }
        "record-duplicate-id" => {
            assert_eq!(catalogue.iter().filter(|(c, _)| c == record).count(), 2)
        }
        "page-count-mismatch" => assert_eq!(names().len() as u32 + 1, pages_in(record)),
        "page-gap" => {
            assert_eq!(
                numbers(),
                [1, 2, 4].into_iter().chain(5..=names().len() as u32 + 1).collect::<Vec<_>>()
            );
            assert_eq!(names().len() as u32, pages_in(record));
        }
        "page-number-duplicate" => {
            assert_eq!(numbers().iter().filter(|&&n| n == 3).count(), 2);
            assert_eq!(names().len() as u32, pages_in(record));
        }
        "page-name-invalid" | "file-name-encoding" => {
            assert_eq!(jpeg_density(&read()), Ok((1, 300)));
            assert!(listed.contains_key(&rel));
        }
        "page-duplicate-content" => {
            let previous = path
                .with_file_name(path.file_name().unwrap().to_str().unwrap().replace("003", "002"));
            assert_eq!(read(), std::fs::read(previous).unwrap());
        }
        "format-unreadable" => assert!(jpeg_density(&read()).is_err(), "truncated JPEG decodes"),
        "format-not-allowed" => assert!(read().starts_with(b"\x89PNG\r\n\x1a\n")),
        "format-extension-mismatch" => assert_eq!(tiff_decode(&read()).0, 300.0),
        "resolution-low" => assert_eq!(jpeg_density(&read()), Ok((1, 150))),
        "resolution-missing" => assert_eq!(jpeg_density(&read()), Ok((0, 1))),
        "hash-mismatch" => assert_ne!(listed[&rel], generate::sha256_hex(&read())),
        "hash-missing-file" => assert!(listed.contains_key(&rel) && !path.exists()),
        "file-empty" => assert!(read().is_empty() && listed[&rel] == generate::sha256_hex(b"")),
        _ => check_planted_entry(rule, path, listed.contains_key(&rel)),
    }
}

/// The defects about entries that are not plain page files, and the unlisted ones.
fn check_planted_entry(rule: &str, path: &Path, listed: bool) {
    let meta = std::fs::symlink_metadata(path).unwrap();
    match rule {
        "record-unexpected" => assert!(meta.is_dir() && path.join("001.jpg").is_file()),
        "hash-unlisted" | "file-junk" => assert!(meta.is_file() && !listed),
        "file-unreadable" => assert!(meta.file_type().is_socket() && !listed),
        "file-symlink" => {
            assert!(meta.file_type().is_symlink() && !listed);
            assert_eq!(std::fs::read_link(path).unwrap(), Path::new("."));
        }
        "dir-unexpected" => assert!(meta.is_dir() && path.join("scan.jpg").is_file()),
        _ => panic!("no check for rule {rule}"),
    }
}

#[test]
fn every_defect_is_planted_once_as_described() {
    let dir = tempfile::tempdir().unwrap();
    let g = gen_into(dir.path(), Defect::ALL.to_vec());
    let rules: Vec<&str> = g.expected.iter().map(|e| e.rule.as_str()).collect();
    assert_eq!(rules, Defect::ALL.map(Defect::rule));
    for e in &g.expected {
        let record = e.record.clone().unwrap_or_default();
        let rel = match (e.rule.as_str(), &e.path) {
            ("file-name-encoding", _) => [record.as_bytes(), b"/\xb5\xb5\xb0\xb8.jpg"].concat(),
            (_, Some(p)) => p.as_bytes().to_vec(),
            (_, None) => record.as_bytes().to_vec(),
        };
        let path = g.delivery.join(std::ffi::OsStr::from_bytes(&rel));
        check_planted(&g, &e.rule, &record, &path);
    }
}
