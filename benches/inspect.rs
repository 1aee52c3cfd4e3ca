//! Inspection cost per page (issue #7): `inspect_bytes` (SHA-256, sniff, decode, facts)
//! on one page in memory, at `--depth full` and `--depth quick`, single-threaded.
//! `cargo bench --bench inspect`.
//!
//! Pages: an A4 colour page at 300 dpi encoded here (the `image` crate's JPEG encoder,
//! quality 85, a gradient with noise so it is about 1 MB), beside zune-jpeg's full
//! decode of the same bytes (the decoder vouch used before the scan walk became the
//! proof). TIFF and PDF pages come from `$VOUCH_BENCH_DIR` when it holds the pages
//! `benches/e2e.sh` renders (default `/tmp/vouch-e2e/src`: `b1.tif` bilevel G4, `l1.tif`
//! LZW colour, and one of its PDFs), else from the small committed samples.
#![allow(missing_docs)] // criterion_group! generates an undocumented function

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use image::codecs::jpeg::{JpegEncoder, PixelDensity, PixelDensityUnit};
use std::path::{Path, PathBuf};
use vouch::inspect::{Depth, InspectOptions, inspect_bytes};

/// An A4 300-dpi colour page: a vertical gradient, noise, and dark bands like text lines.
fn a4_colour_jpeg() -> Vec<u8> {
    let (w, h) = (2480u32, 3508u32);
    let mut x = 0x2545_F491_4F6C_DD1Du64;
    let mut px = Vec::with_capacity((w * h * 3) as usize);
    for y in 0..h {
        let base = 235 - (y * 20 / h) as i32;
        let line = (y / 40) % 3 == 0 && y % 40 < 22;
        for col in 0..w {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            let ink = line && (col / 30) % 4 != 3 && col > 200 && col < w - 200;
            let v = if ink { 40 } else { base } + (x % 41) as i32 - 20;
            let v = v.clamp(0, 255) as u8;
            px.extend([v, v.saturating_sub(6), v.saturating_sub(18)]);
        }
    }
    let mut out = Vec::new();
    let mut enc = JpegEncoder::new_with_quality(&mut out, 85);
    enc.set_pixel_density(PixelDensity { density: (300, 300), unit: PixelDensityUnit::Inches });
    enc.encode(&px, w, h, image::ExtendedColorType::Rgb8).expect("encode");
    out
}

/// A page from the e2e render folder, else a committed sample.
fn page(rendered: &str, sample: &str) -> (String, Vec<u8>) {
    let dir = std::env::var_os("VOUCH_BENCH_DIR")
        .map_or_else(|| PathBuf::from("/tmp/vouch-e2e/src"), PathBuf::from);
    let path = dir.join(rendered);
    let path = if path.is_file() {
        path
    } else {
        Path::new(env!("CARGO_MANIFEST_DIR")).join("testdata/formats").join(sample)
    };
    (path.display().to_string(), std::fs::read(&path).expect("bench page"))
}

fn first_pdf() -> (String, Vec<u8>) {
    let dir = std::env::var_os("VOUCH_BENCH_DIR").map_or_else(
        || PathBuf::from("/tmp/vouch-e2e/delivery"),
        |d| PathBuf::from(d).join("../delivery"),
    );
    let found = std::fs::read_dir(&dir).ok().and_then(|entries| {
        let mut pdfs: Vec<PathBuf> = entries
            .filter_map(|e| Some(e.ok()?.path()))
            .filter(|p| p.extension().is_some_and(|e| e == "pdf"))
            .collect();
        pdfs.sort();
        pdfs.into_iter().next()
    });
    match found {
        Some(p) => (p.display().to_string(), std::fs::read(&p).expect("bench pdf")),
        None => page("-", "img2pdf-jpeg-2page.pdf"),
    }
}

fn inspect(c: &mut Criterion) {
    let full = InspectOptions::default();
    let quick = InspectOptions { depth: Depth::Quick, ..InspectOptions::default() };
    let jpeg = ("A4 colour JPEG (encoded here)".to_string(), a4_colour_jpeg());
    let pages = [
        ("jpeg", jpeg),
        ("tiff-g4", page("b1.tif", "g4-2page-300dpi.tif")),
        ("tiff-lzw", page("l1.tif", "tiled-rgb-lzw.tif")),
        ("pdf", first_pdf()),
    ];
    for (name, (from, bytes)) in &pages {
        eprintln!("inspect/{name}: {from}, {} bytes", bytes.len());
        assert_eq!(inspect_bytes(bytes, &full).decode_error, None, "{from}");
        let mut group = c.benchmark_group(format!("inspect/{name}"));
        group.throughput(Throughput::Bytes(bytes.len() as u64));
        group.sample_size(10);
        group.bench_function("full", |b| b.iter(|| inspect_bytes(bytes, &full)));
        group.bench_function("quick", |b| b.iter(|| inspect_bytes(bytes, &quick)));
        if *name == "jpeg" {
            group.bench_function("zune-jpeg decode (before #7)", |b| {
                b.iter(|| {
                    let opts = zune_core::options::DecoderOptions::default().set_strict_mode(true);
                    let cursor = zune_core::bytestream::ZCursor::new(bytes.as_slice());
                    zune_jpeg::JpegDecoder::new_with_options(cursor, opts).decode().unwrap()
                })
            });
        }
        group.finish();
    }
}

criterion_group!(benches, inspect);
criterion_main!(benches);
