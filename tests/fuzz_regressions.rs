//! Regression tests for issue #8: what the fuzzers found, and crafted hostile inputs for
//! every resource limit.
//!
//! Two kinds of test. Reproducers minimized from fuzzer crashes live in
//! `testdata/fuzz/<target>/` and each goes through the same public entry point its
//! fuzz target drives (inspection on a worker-sized 2 MiB stack, or the catalogue,
//! manifest or profile reader): no panic, and the sensible outcome (a `decode_error` or
//! a reader error). Crafted inputs (a PDF of 100,000 nested arrays, a looping TIFF
//! directory chain, OFD ZIP bombs, "billion laughs" and namespace-bomb XML, a JPEG
//! declaring 65535 × 65535) are built here and run through the real `vouch inspect`
//! binary under an address-space limit and a deadline: each must end as damage naming
//! the limit it hit, in bounded time and memory.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};
use vouch::inspect::facts::Inspection;
use vouch::inspect::{InspectOptions, inspect_bytes};

/// Stack of a rayon worker thread, where `vouch check` inspects files.
const WORKER_STACK: usize = 2 << 20;
/// Address space the binary may map while refusing a bomb (a limit hit must not need more).
const ADDRESS_SPACE_KB: u64 = 3 << 20;
/// Wall time a crafted input may take, generously above the milliseconds it needs.
const DEADLINE: Duration = Duration::from_secs(60);

fn testdata(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("testdata/fuzz").join(rel)
}

/// Inspects `bytes` as `vouch check` would, on a 2 MiB thread.
fn inspect_on_worker(bytes: Vec<u8>, opts: InspectOptions) -> Inspection {
    std::thread::Builder::new()
        .stack_size(WORKER_STACK)
        .spawn(move || inspect_bytes(&bytes, &opts))
        .unwrap()
        .join()
        .expect("inspect_bytes never panics")
}

/// The options the fuzz targets run with (fuzz/src/lib.rs).
fn fuzz_options() -> InspectOptions {
    InspectOptions { max_pixels: 1 << 24, max_inflated_bytes: 64 << 20, ..Default::default() }
}

/// Every reproducer in `testdata/fuzz/<target>/`.
fn reproducers(target: &str) -> Vec<(PathBuf, Vec<u8>)> {
    let dir = testdata(target);
    let mut files: Vec<PathBuf> = match std::fs::read_dir(&dir) {
        Ok(entries) => entries.map(|e| e.unwrap().path()).filter(|p| p.is_file()).collect(),
        Err(_) => Vec::new(),
    };
    files.sort();
    files.into_iter().map(|p| (p.clone(), std::fs::read(&p).unwrap())).collect()
}

/// Reproducers of the inspector targets: each is refused as damage, by vouch's own
/// message, not by a contained panic.
#[test]
fn inspector_reproducers_end_as_decode_errors() {
    for target in ["inspect", "jpeg", "tiff", "png", "jp2", "pdf", "ofd"] {
        for (path, bytes) in reproducers(target) {
            let i = inspect_on_worker(bytes, fuzz_options());
            let err =
                i.decode_error.unwrap_or_else(|| panic!("{}: no decode error", path.display()));
            assert!(!err.starts_with("decoder panicked"), "{}: {err}", path.display());
        }
    }
}

// ---- crafted inputs, through the real binary ----------------------------------------

/// Runs `vouch inspect --format json FILE` (with `profile`, if given) under the address
/// space limit; returns the file's `damage` and the time taken.
fn inspect_bounded(name: &str, bytes: &[u8], profile: Option<&str>) -> (String, Duration) {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join(name);
    std::fs::write(&file, bytes).unwrap();
    let mut args = vec!["inspect".to_string(), "--format".into(), "json".into()];
    if let Some(toml) = profile {
        let p = dir.path().join("limits.toml");
        std::fs::write(&p, toml).unwrap();
        args.extend(["--profile".into(), p.display().to_string()]);
    }
    args.push(file.display().to_string());
    let start = Instant::now();
    let mut child = Command::new("sh")
        .arg("-c")
        .arg(format!("ulimit -v {ADDRESS_SPACE_KB} && exec \"$0\" \"$@\""))
        .arg(env!("CARGO_BIN_EXE_vouch"))
        .args(&args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    while child.try_wait().unwrap().is_none() {
        if start.elapsed() > DEADLINE {
            child.kill().unwrap();
            panic!("{name}: still running after {DEADLINE:?}");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    let elapsed = start.elapsed();
    let out = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    // 1: inspected, damage found (a crash would be a signal or 101).
    assert_eq!(out.status.code(), Some(1), "{name}: {:?}\n{stderr}", out.status);
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let damage = json[0]["damage"].as_str().unwrap_or_else(|| panic!("{name}: {json}"));
    (damage.to_string(), elapsed)
}

fn assert_names(name: &str, damage: &str, limit: &str, elapsed: Duration) {
    assert!(damage.contains(limit), "{name}: {damage}");
    assert!(elapsed < DEADLINE, "{name}: {elapsed:?}");
}

/// The built-in profile with smaller limits, so a bomb over them stays small to build.
fn profile_with_limits(max_pixels: u64, max_inflated_bytes: u64) -> String {
    let src = vouch::profile::BUILTIN[0].1;
    let cut = src.find("[limits]").expect("dat31 has a [limits] section");
    let rest = &src[cut + "[limits]".len()..];
    let next = rest.find("\n[").map_or("", |i| &rest[i..]);
    format!(
        "{}[limits]\nmax_pixels = {max_pixels}\nmax_inflated_bytes = {max_inflated_bytes}\n{next}",
        &src[..cut]
    )
}

/// A classic PDF from object bodies (object 1 the catalogue), with a correct xref table.
fn pdf(objects: &[Vec<u8>]) -> Vec<u8> {
    let mut out = b"%PDF-1.7\n".to_vec();
    let mut offsets = Vec::new();
    for (i, body) in objects.iter().enumerate() {
        offsets.push(out.len());
        out.extend(format!("{} 0 obj\n", i + 1).as_bytes());
        out.extend(body);
        out.extend(b"\nendobj\n");
    }
    let xref = out.len();
    out.extend(format!("xref\n0 {}\n0000000000 65535 f \n", objects.len() + 1).as_bytes());
    for o in offsets {
        out.extend(format!("{o:010} 00000 n \n").as_bytes());
    }
    out.extend(
        format!(
            "trailer\n<< /Size {} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n",
            objects.len() + 1
        )
        .as_bytes(),
    );
    out
}

#[test]
fn pdf_with_100k_nested_arrays_names_the_nesting_limit() {
    let n = 100_000;
    let deep =
        [&b"<< /Type /Pages /Kids [] /Count 0 /X "[..], &b"[".repeat(n), &b"]".repeat(n), b" >>"]
            .concat();
    let bytes = pdf(&[b"<< /Type /Catalog /Pages 2 0 R >>".to_vec(), deep]);
    let (damage, t) = inspect_bounded("nested.pdf", &bytes, None);
    assert_names("nested.pdf", &damage, "PDF nesting limit (64 levels)", t);
}

#[test]
fn pdf_object_stream_bomb_names_the_inflate_limit() {
    let mut z = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::best());
    z.write_all(&vec![b' '; 64 << 20]).unwrap();
    let data = z.finish().unwrap();
    let objstm = [
        format!(
            "<< /Type /ObjStm /N 1 /First 4 /Filter /FlateDecode /Length {} >>\nstream\n",
            data.len()
        )
        .into_bytes(),
        data,
        b"\nendstream".to_vec(),
    ]
    .concat();
    let bytes = pdf(&[b"<< /Type /Catalog /Pages 3 0 R >>".to_vec(), objstm]);
    let (damage, t) =
        inspect_bounded("objstm.pdf", &bytes, Some(&profile_with_limits(1 << 24, 16 << 20)));
    assert_names("objstm.pdf", &damage, "limits.max_inflated_bytes (16777216 bytes)", t);
}

#[test]
fn tiff_ifd_loop_is_refused() {
    // One directory (ImageWidth only) whose next-directory offset points back at itself.
    let mut t = b"II*\0\x08\0\0\0\x01\0".to_vec();
    t.extend([0x00, 0x01, 4, 0, 1, 0, 0, 0, 1, 0, 0, 0]);
    t.extend(8u32.to_le_bytes());
    let (damage, time) = inspect_bounded("loop.tif", &t, None);
    assert_names("loop.tif", &damage, "the directory chain loops back to offset 8", time);
}

#[test]
fn tiff_overlapping_directories_name_the_directory_limit() {
    // 5,000 directories 4 bytes apart, each claiming 2,000 entries (over all the others):
    // 10 million entries to check in a 60 KB file, if the walk let them overlap.
    let (n, count, first) = (5000usize, 2000usize, 64usize);
    let next_at = |k: usize| first + 4 * k + 2 + 12 * count;
    let mut t = vec![0u8; next_at(n) + 4];
    t[..8].copy_from_slice(b"II*\0\x40\0\0\0");
    for k in 0..n {
        let at = first + 4 * k;
        t[at..at + 2].copy_from_slice(&(count as u16).to_le_bytes());
        let next = if k + 1 < n { (at + 4) as u32 } else { 0 };
        t[next_at(k)..next_at(k) + 4].copy_from_slice(&next.to_le_bytes());
    }
    let (damage, time) = inspect_bounded("overlap.tif", &t, None);
    assert_names("overlap.tif", &damage, "over vouch's TIFF directory limit", time);
}

/// A ZIP package of `entries`, deflated.
fn zip(entries: &[(&str, &[u8])]) -> Vec<u8> {
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .compression_level(Some(9));
    let mut w = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    for (name, content) in entries {
        w.start_file(*name, options).unwrap();
        w.write_all(content).unwrap();
    }
    w.finish().unwrap().into_inner()
}

const OFD_XML: &[u8] = br#"<ofd:OFD xmlns:ofd="http://www.ofdspec.org/2016"><ofd:DocBody><ofd:DocRoot>Doc_0/Document.xml</ofd:DocRoot></ofd:DocBody></ofd:OFD>"#;

#[test]
fn ofd_zip_bomb_names_the_inflate_limit() {
    let zeros = vec![0u8; 64 << 20];
    let bytes = zip(&[("OFD.xml", OFD_XML), ("Doc_0/Res/bomb.bin", &zeros)]);
    assert!(bytes.len() < 200_000, "a bomb: {} bytes", bytes.len());
    let (damage, t) =
        inspect_bounded("bomb.ofd", &bytes, Some(&profile_with_limits(1 << 24, 16 << 20)));
    assert_names("bomb.ofd", &damage, "limits.max_inflated_bytes (16777216 bytes)", t);
}

#[test]
fn ofd_overlapping_entries_name_the_package_limit() {
    // One 8 MiB entry of zeros, listed 400 times by the central directory (each record
    // pointing at the same local header): 3.2 GB to inflate from about 10 KB.
    let one = zip(&[("OFD.xml", &vec![b' '; 8 << 20])]);
    let eocd = one.len() - 22;
    let cd_start = u32::from_le_bytes(one[eocd + 16..eocd + 20].try_into().unwrap()) as usize;
    let record = &one[cd_start..eocd];
    let copies = 400u16;
    let mut out = one[..cd_start].to_vec();
    for k in 0..copies {
        // Distinct names of the same length ("OFD.xml" first): the reader keys by name.
        let mut r = record.to_vec();
        if k > 0 {
            r[46..53].copy_from_slice(format!("{k:03}.xml").as_bytes());
        }
        out.extend(r);
    }
    let mut end = one[eocd..].to_vec();
    end[8..10].copy_from_slice(&copies.to_le_bytes());
    end[10..12].copy_from_slice(&copies.to_le_bytes());
    end[12..16].copy_from_slice(&((record.len() * usize::from(copies)) as u32).to_le_bytes());
    out.extend(end);
    let i = inspect_on_worker(out, InspectOptions::default());
    let err = i.decode_error.unwrap();
    assert!(err.contains("over vouch's package limit"), "{err}");
}

#[test]
fn billion_laughs_xml_names_the_dtd_limit() {
    let mut dtd =
        String::from("<?xml version=\"1.0\"?>\n<!DOCTYPE lolz [\n<!ENTITY lol0 \"lol\">\n");
    for i in 1..10 {
        dtd += &format!("<!ENTITY lol{i} \"{}\">\n", format!("&lol{};", i - 1).repeat(10));
    }
    dtd += "]>\n<ofd:OFD xmlns:ofd=\"http://www.ofdspec.org/2016\"><ofd:DocBody>\
            <ofd:DocRoot>&lol9;</ofd:DocRoot></ofd:DocBody></ofd:OFD>";
    let bytes = zip(&[("OFD.xml", dtd.as_bytes())]);
    let (damage, t) = inspect_bounded("laughs.ofd", &bytes, None);
    assert_names("laughs.ofd", &damage, "vouch's XML limit: no DTD", t);
}

#[test]
fn deeply_nested_and_namespace_bomb_xml_name_their_limits() {
    let n = 100_000;
    let deep = format!("{}{}", "<a>".repeat(n), "</a>".repeat(n));
    let (damage, t) = inspect_bounded("deep.ofd", &zip(&[("OFD.xml", deep.as_bytes())]), None);
    assert_names("deep.ofd", &damage, "XML nesting limit (256 levels)", t);
    // Each element declaring a namespace cost roxmltree minutes at 8,000 deep.
    let ns: String = (0..8000).map(|i| format!("<a{i} xmlns:p{i}=\"u{i}\">")).collect();
    let (damage, t) = inspect_bounded("ns.ofd", &zip(&[("OFD.xml", ns.as_bytes())]), None);
    assert_names("ns.ofd", &damage, "XML namespace limit", t);
}

#[test]
fn jpeg_declaring_65535_squared_names_the_pixel_limit() {
    let mut j = b"\xFF\xD8\xFF\xC0\x00\x0B\x08\xFF\xFF\xFF\xFF\x01\x01\x11\x00".to_vec();
    j.extend(b"\xFF\xDA\x00\x08\x01\x01\x00\x00\x3F\x00");
    j.extend([0u8; 64]);
    j.extend(b"\xFF\xD9");
    let (damage, t) = inspect_bounded("huge.jpg", &j, None);
    assert_names(
        "huge.jpg",
        &damage,
        "65535 × 65535 = 4294836225 pixels, more than limits.max_pixels",
        t,
    );
}

#[test]
fn jpeg_with_255_progressive_components_is_refused_before_allocating() {
    // A progressive frame at the pixel limit with 255 components would need a coverage
    // map of gigabytes.
    let mut sof = vec![0xFF, 0xC2, 0, 0, 8, 0x40, 0x00, 0x40, 0x00, 255];
    for id in 0..=254u8 {
        sof.extend([id, 0x11, 0]);
    }
    let len = (sof.len() - 2) as u16;
    sof[2..4].copy_from_slice(&len.to_be_bytes());
    let j = [
        &b"\xFF\xD8"[..],
        &sof,
        b"\xFF\xDA\x00\x08\x01\x00\x00\x00\x00\x00",
        &[0u8; 16],
        b"\xFF\xD9",
    ]
    .concat();
    let (damage, t) = inspect_bounded("components.jpg", &j, None);
    assert!(!damage.starts_with("decoder panicked"), "{damage}");
    assert!(t < DEADLINE);
}

/// Inline image data with a million `EI`s standing alone but followed by binary data: the
/// end is searched in one pass, and a missing one is damage (issue #19).
#[test]
fn pdf_inline_image_without_its_ei_is_bounded_damage() {
    let content = [&b"BI /W 1 /H 1 /F /Fl ID "[..], &b" EI \x01\x02".repeat(1 << 20)].concat();
    let head = format!("<< /Length {} >>\nstream\n", content.len());
    let bytes = pdf(&[
        b"<< /Type /Catalog /Pages 2 0 R >>".to_vec(),
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>".to_vec(),
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 9 9] /Contents 4 0 R /Resources << >> >>"
            .to_vec(),
        [head.as_bytes(), &content, b"\nendstream"].concat(),
    ]);
    let (damage, t) = inspect_bounded("inline.pdf", &bytes, None);
    assert_names("inline.pdf", &damage, "has no EI after its data", t);
}

/// A damaged table in a file of object numbers near 2^32 and thousands of streams with
/// wrong lengths: the rebuild lists only what it found, so it stays small and quick; the
/// page then fails (its image is 0 pixels wide), which is damage (issue #19).
#[test]
fn pdf_rebuild_with_huge_object_numbers_is_bounded() {
    let mut bytes = pdf(&[
        b"<< /Type /Catalog /Pages 2 0 R >>".to_vec(),
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>".to_vec(),
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 9 9] /Contents 4000000000 0 R \
          /Resources << /XObject << /Im 4 0 R >> >> >>"
            .to_vec(),
        b"<< /Subtype /Image /Width 0 /Height 1 /Length 99 >>\nstream\nxx\nendstream".to_vec(),
    ]);
    let cut = bytes.windows(9).rposition(|w| w == b"startxref").unwrap();
    bytes.truncate(cut);
    for i in 0..5000u64 {
        let n = 4_000_000_000 - i;
        bytes.extend(
            format!("{n} 0 obj\n<< /Length 99 >>\nstream\nxx\nendstream\nendobj\n").as_bytes(),
        );
    }
    bytes.extend(b"startxref\n1\n%%EOF\n");
    let (damage, t) = inspect_bounded("rebuild.pdf", &bytes, None);
    assert_names("rebuild.pdf", &damage, "bad size 0", t);
}
