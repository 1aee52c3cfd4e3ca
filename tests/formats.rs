//! Reference agreement (issue #3): vouch's verdict on every file of a corpus, compared
//! with the tools an archive's technicians already trust.
//!
//! The corpus is every committed sample of `testdata/formats/` (made by libjpeg via
//! ImageMagick, libtiff, OpenJPEG, img2pdf, Info-ZIP, and a JBIG2 file vouch's own test
//! writes: no JBIG2 encoder is packaged), each also truncated at several
//! points, truncated and closed with a JPEG end-of-image marker, and with single bits
//! flipped at deterministic places. `vouch inspect --format json` judges them all in one
//! run (no crash, no hang: the run has a timeout and must not panic); the references are
//! `jpeginfo -c` (JPEG), `tiffinfo -D` (TIFF, reading every strip), `qpdf --check` (PDF),
//! `opj_decompress` (JPEG 2000), `unzip -t` (OFD, the package's CRCs), `jbig2dec` (JBIG2,
//! issue #19) for decodability,
//! and `exiftool` (JFIF, EXIF, TIFF and JP2 `resc` fields) and `pdfimages -list`
//! (effective ppi of PDF images) for resolution.
//!
//! Every disagreement must fall into one of the [`ACCEPTED`] categories, each with its
//! reason; anything else fails the test. The agreement rate is printed (run with
//! `--nocapture` to see it). Two guarantees are asserted outright: every truncated file
//! is refused, and every undamaged sample is accepted with the reference's resolution.
//! A missing tool fails the test with the command that installs it: never a silent pass.

use crate::util::vouch;
use serde_json::Value;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

const INSTALL: &str = "apt-get install -y jpeginfo libtiff-tools qpdf libimage-exiftool-perl \
                       libopenjp2-tools poppler-utils unzip jbig2dec";

/// The tools the suite needs; a missing one is a failure naming the install command.
const TOOLS: [&str; 8] = [
    "jpeginfo",
    "tiffinfo",
    "qpdf",
    "exiftool",
    "opj_decompress",
    "pdfimages",
    "unzip",
    "jbig2dec",
];

/// How a corpus file was made from its sample.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Damage {
    None,
    /// The first `n` bytes.
    Cut(usize),
    /// The first `n` bytes, then `FF D9` (a cut JPEG closed by a careless repair).
    CutClosed(usize),
    /// Bit `bit` of byte `at` inverted.
    Flip(usize, u8),
}

struct Case {
    sample: String,
    /// Bytes of the undamaged sample.
    size: usize,
    format: &'static str,
    damage: Damage,
    path: PathBuf,
}

/// Which corpus files a category covers.
#[derive(Clone, Copy, PartialEq)]
enum Kind {
    /// Bit flips only.
    Flip,
    /// The cut that removes only the file's very last meaningful byte.
    LastByte,
    /// Any other cut.
    Cut,
}

/// Disagreement categories accepted, each with its reason; matched on (format, kind of
/// damage, vouch's verdict).
struct Accepted {
    format: &'static str,
    kind: Kind,
    vouch_ok: bool,
    reason: &'static str,
}

const ACCEPTED: &[Accepted] = &[
    Accepted {
        format: "pdf",
        kind: Kind::Flip,
        vouch_ok: false,
        reason: "qpdf --check verifies the PDF's structure and the streams it can filter \
                 (Flate, LZW); it does not decode DCT, CCITT or JPX images, whose damage \
                 vouch finds",
    },
    Accepted {
        format: "pdf",
        kind: Kind::Flip,
        vouch_ok: true,
        reason: "a flip in the linearization dictionary or its hint data: advisory data for \
                 page-at-a-time loading that readers (and vouch) ignore; qpdf --check \
                 checks it and warns",
    },
    Accepted {
        format: "pdf",
        kind: Kind::LastByte,
        vouch_ok: false,
        reason: "cut inside the closing `%%EOF` (or just before it): qpdf reads the file \
                 without its end marker and says nothing; vouch (lopdf) requires it, so it \
                 rebuilds the table and reports format-repaired (a warning), never a silent pass",
    },
    Accepted {
        format: "tiff",
        kind: Kind::LastByte,
        vouch_ok: false,
        reason: "cut inside the last directory's next-directory offset: libtiff stops \
                 reading the chain silently; vouch refuses a directory that runs past the \
                 end of the file, failing closed",
    },
    Accepted {
        format: "tiff",
        kind: Kind::Flip,
        vouch_ok: false,
        reason: "vouch stops where libtiff only warns or reads on: a G4 strip whose lines \
                 no longer decode to the page width (libtiff: 'Line length mismatch' \
                 warnings), a JPEG-in-TIFF chunk with corrupt entropy data (libjpeg \
                 warnings), a Deflate strip corrupt after its last row or in its Adler-32 \
                 (libtiff stops inflating once it has every row)",
    },
    Accepted {
        format: "jpeg",
        kind: Kind::Flip,
        vouch_ok: false,
        reason: "vouch refuses what libjpeg passes silently: entropy data left over after \
                 a scan's last block (libjpeg-turbo's bit buffer swallows up to a few bytes \
                 without its 'extraneous bytes' warning; e.g. a stuffed FF 00 turned into \
                 DF 00), or a flipped bit in a table libjpeg tolerates",
    },
    Accepted {
        format: "jbig2",
        kind: Kind::Cut,
        vouch_ok: false,
        reason: "jbig2dec decodes a JBIG2 file cut short without a word (exit 0, no \
                 message): MMR data that stops early leaves the rest of the region white; \
                 vouch requires every segment whole and every row decoded, failing closed",
    },
    Accepted {
        format: "jbig2",
        kind: Kind::LastByte,
        vouch_ok: false,
        reason: "cut inside the closing end-of-page segment: jbig2dec has the page's rows \
                 and ignores the cut header; vouch refuses a segment header cut short (the \
                 file is truncated), failing closed",
    },
    Accepted {
        format: "jbig2",
        kind: Kind::Flip,
        vouch_ok: false,
        reason: "a flipped bit in MMR data or in a segment's data length: jbig2dec renders \
                 what it can and exits 0 without a message; vouch refuses data that no \
                 longer decodes to the region's rows or runs past the end of the file",
    },
];

fn tool_path(name: &str) -> PathBuf {
    let found = std::env::var_os("PATH")
        .into_iter()
        .flat_map(|p| std::env::split_paths(&p).collect::<Vec<_>>())
        .map(|d| d.join(name))
        .find(|p| p.is_file());
    found.unwrap_or_else(|| {
        panic!("the reference tool `{name}` is not installed; install it with: {INSTALL}")
    })
}

fn samples() -> Vec<(String, &'static str, Vec<u8>)> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("testdata/formats");
    let mut out = Vec::new();
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        let ext = path.extension().and_then(|e| e.to_str()).unwrap_or("");
        let format = match ext {
            "jpg" => "jpeg",
            "tif" => "tiff",
            "jp2" => "jp2",
            "pdf" => "pdf",
            "ofd" => "ofd",
            "jb2" => "jbig2",
            _ => continue,
        };
        let name = path.file_name().unwrap().to_str().unwrap().to_string();
        out.push((name, format, std::fs::read(&path).unwrap()));
    }
    out.sort();
    out
}

/// Deterministic positions for flips: spread over the file, past the first 16 bytes
/// (a flipped magic number is another format, not damage).
fn flips(len: usize, seed: usize) -> Vec<(usize, u8)> {
    let mut x = 0x9E37_79B9u64 ^ (seed as u64).wrapping_mul(0x85EB_CA6B);
    (0..6)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            (16 + (x as usize) % (len - 16), (x >> 32) as u8 % 8)
        })
        .collect()
}

fn corpus(dir: &Path) -> Vec<Case> {
    let mut cases = Vec::new();
    // Flip seeds number the samples as they were before JBIG2 joined (issue #19), so every
    // older sample keeps its flips; JBIG2 samples get their own seeds.
    let mut older = 0..;
    let mut newer = 1000..;
    for (name, format, bytes) in samples() {
        let i = if format == "jbig2" { newer.next() } else { older.next() }.unwrap();
        let len = bytes.len();
        let mut damages = vec![Damage::None];
        for frac in [10, 35, 60, 85, 98] {
            damages.push(Damage::Cut(len * frac / 100));
        }
        // The last byte that matters: a PDF may end without its final newline.
        let trailing = bytes.iter().rev().take_while(|b| b.is_ascii_whitespace()).count();
        damages.push(Damage::Cut(len - trailing - 1));
        if format == "jpeg" {
            damages.extend([50, 90].map(|f| Damage::CutClosed(len * f / 100)));
        }
        damages.extend(flips(len, i).into_iter().map(|(at, bit)| Damage::Flip(at, bit)));
        for (k, damage) in damages.into_iter().enumerate() {
            let data = match damage {
                Damage::None => bytes.clone(),
                Damage::Cut(n) => bytes[..n].to_vec(),
                Damage::CutClosed(n) => [&bytes[..n], &[0xFF, 0xD9]].concat(),
                Damage::Flip(at, bit) => {
                    let mut b = bytes.clone();
                    b[at] ^= 1 << bit;
                    b
                }
            };
            let ext = name.rsplit_once('.').unwrap().1;
            let path = dir.join(format!("{k:02}-{}.{ext}", name.rsplit_once('.').unwrap().0));
            std::fs::write(&path, data).unwrap();
            cases.push(Case { sample: name.clone(), size: len, format, damage, path });
        }
    }
    cases
}

fn run(tool: &str, args: &[&str], file: &Path) -> (bool, String) {
    let out = Command::new(tool_path(tool)).args(args).arg(file).output().unwrap();
    let text =
        String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr);
    (out.status.success(), text)
}

/// The reference tool's verdict: decodes completely, and what it said.
fn reference(case: &Case, scratch: &Path) -> (bool, String) {
    let f = &case.path;
    match case.format {
        "jpeg" => {
            let (_, text) = run("jpeginfo", &["-c"], f);
            (text.trim_end().ends_with("OK"), text)
        }
        "tiff" => {
            let (ok, text) = run("tiffinfo", &["-D"], f);
            (ok && !text.contains("Error") && !text.contains("error"), text)
        }
        "pdf" => run("qpdf", &["--check"], f),
        "jp2" => {
            let out = scratch.join("out.pgm");
            let o = Command::new(tool_path("opj_decompress"))
                .arg("-i")
                .arg(f)
                .arg("-o")
                .arg(&out)
                .output()
                .unwrap();
            let text = String::from_utf8_lossy(&o.stderr).into_owned();
            (o.status.success() && !text.contains("ERROR"), text)
        }
        "ofd" => run("unzip", &["-tqq"], f),
        "jbig2" => {
            let out = scratch.join("out.pbm");
            let o = Command::new(tool_path("jbig2dec"))
                .args(["-t", "pbm", "-o"])
                .arg(&out)
                .arg(f)
                .output()
                .unwrap();
            let text = String::from_utf8_lossy(&o.stdout).into_owned()
                + &String::from_utf8_lossy(&o.stderr);
            (o.status.success() && !text.contains("FATAL") && !text.contains("error"), text)
        }
        _ => unreachable!(),
    }
}

/// Resolution per page by the reference tools, for the files they describe.
fn reference_dpi(case: &Case, exif: &BTreeMap<String, Value>) -> Option<Vec<(f64, f64)>> {
    let key = case.path.display().to_string();
    let e = exif.get(&key)?;
    let num = |k: &str| e.get(k).and_then(Value::as_f64);
    match case.format {
        "jpeg" => {
            // Compared with the field vouch reports using (see `compare`).
            None
        }
        "tiff" => {
            let mut pages = Vec::new();
            for n in 0.. {
                let g = format!("IFD{n}");
                let (Some(x), Some(y)) =
                    (num(&format!("{g}:XResolution")), num(&format!("{g}:YResolution")))
                else {
                    break;
                };
                let f = match num(&format!("{g}:ResolutionUnit")) {
                    Some(3.0) => 2.54,
                    _ => 1.0,
                };
                pages.push((x * f, y * f));
            }
            Some(pages)
        }
        "jp2" => {
            let (x, y) = (num("Jpeg2000:CaptureXResolution")?, num("Jpeg2000:CaptureYResolution")?);
            let (ex, ey) = (
                num("Jpeg2000:CaptureXResolutionUnit").unwrap_or(0.0),
                num("Jpeg2000:CaptureYResolutionUnit").unwrap_or(0.0),
            );
            Some(vec![(x * 10f64.powf(ex) * 0.0254, y * 10f64.powf(ey) * 0.0254)])
        }
        _ => None,
    }
}

/// The JPEG field vouch used (by `dpi_source`), as exiftool reads it.
fn jpeg_field(source: &str, e: &Value) -> Option<(f64, f64)> {
    let num = |k: &str| e.get(k).and_then(Value::as_f64);
    let (g, inch, cm) = match source {
        "jfif" => ("JFIF", 1.0, 2.0),
        "exif" => ("IFD0", 2.0, 3.0),
        _ => return None,
    };
    let unit = num(&format!("{g}:ResolutionUnit"))?;
    let f = if unit == inch {
        1.0
    } else if unit == cm {
        2.54
    } else {
        return None;
    };
    Some((num(&format!("{g}:XResolution"))? * f, num(&format!("{g}:YResolution"))? * f))
}

/// `pdfimages -list`: x-ppi and y-ppi of each page's first image.
fn pdf_ppi(path: &Path) -> Vec<(f64, f64)> {
    let (_, text) = run("pdfimages", &["-list"], path);
    let mut pages: BTreeMap<u32, (f64, f64)> = BTreeMap::new();
    for line in text.lines().skip(2) {
        let cols: Vec<&str> = line.split_whitespace().collect();
        if cols.len() < 14 {
            continue;
        }
        let (Ok(page), Ok(x), Ok(y)) =
            (cols[0].parse::<u32>(), cols[12].parse::<f64>(), cols[13].parse::<f64>())
        else {
            continue;
        };
        pages.entry(page).or_insert((x, y));
    }
    pages.into_values().collect()
}

fn close(a: (f64, f64), b: (f64, f64)) -> bool {
    // pdfimages rounds to whole ppi.
    (a.0 - b.0).abs() <= 1.0 && (a.1 - b.1).abs() <= 1.0
}

#[test]
fn vouch_agrees_with_the_reference_tools() {
    for t in TOOLS {
        tool_path(t);
    }
    let dir = tempfile::tempdir().unwrap();
    let scratch = tempfile::tempdir().unwrap();
    let cases = corpus(dir.path());
    let mut args: Vec<String> = vec!["inspect".into(), "--format".into(), "json".into()];
    args.extend(cases.iter().map(|c| c.path.display().to_string()));
    let run_ = vouch(&args);
    assert!(!run_.stderr.contains("panicked"), "a decoder panicked:\n{}", run_.stderr);
    assert!(matches!(run_.code, Some(0 | 1)), "vouch inspect failed:\n{}", run_.stderr);
    let facts: Vec<Value> = serde_json::from_str(&run_.stdout).expect("JSON on stdout");
    let by_path: BTreeMap<String, &Value> =
        facts.iter().map(|f| (f["path"].as_str().unwrap().to_string(), f)).collect();
    let exif_out = Command::new(tool_path("exiftool"))
        .args(["-j", "-n", "-G1", "-a", "-q", "-q"])
        .args(cases.iter().map(|c| &c.path))
        .output()
        .unwrap();
    let exif: BTreeMap<String, Value> = serde_json::from_slice::<Vec<Value>>(&exif_out.stdout)
        .unwrap_or_default()
        .into_iter()
        .filter_map(|v| Some((v["SourceFile"].as_str()?.to_string(), v)))
        .collect();

    let (mut agree, mut accepted, mut unexplained) = (0usize, BTreeMap::new(), Vec::new());
    let (mut dpi_checked, mut dpi_agree, mut dpi_wrong) = (0usize, 0usize, Vec::new());
    let (mut flips_caught, mut flips_total) = (0usize, 0usize);
    let mut broken = Vec::new();
    for case in &cases {
        let key = case.path.display().to_string();
        let v = by_path[&key];
        // A structure read after repair (format-repaired, a warning) is not a clean pass:
        // qpdf says the same with warnings and exit 3.
        let repaired = !v["repaired"].is_null();
        let vouch_ok = v["damage"].is_null() && !repaired;
        let (ref_ok, said) = reference(case, scratch.path());
        let label = format!("{} {:?}", case.sample, case.damage);
        // Repaired, the file must be one qpdf reads too (with or without its warnings).
        if repaired && !(ref_ok || said.contains("succeeded with warnings")) {
            broken
                .push(format!("{label}: vouch repaired what qpdf cannot read: {}", v["repaired"]));
        }
        match case.damage {
            Damage::None if !vouch_ok => {
                broken.push(format!("{label}: vouch refuses a good sample: {}", v["damage"]))
            }
            Damage::Cut(_) | Damage::CutClosed(_) if vouch_ok => {
                broken.push(format!("{label}: vouch accepts a truncated file"))
            }
            Damage::None | Damage::Cut(_) | Damage::CutClosed(_) => {}
            Damage::Flip(..) => {
                flips_total += 1;
                flips_caught += usize::from(!vouch_ok);
            }
        }
        if vouch_ok == ref_ok {
            agree += 1;
        } else {
            let kind = match case.damage {
                Damage::Flip(..) => Some(Kind::Flip),
                Damage::Cut(n) if n + 8 >= case.size => Some(Kind::LastByte),
                Damage::Cut(_) => Some(Kind::Cut),
                _ => None,
            };
            let why = ACCEPTED.iter().find(|a| {
                a.format == case.format && a.vouch_ok == vouch_ok && Some(a.kind) == kind
            });
            match why {
                Some(a) => accepted.entry(a.reason).or_insert_with(Vec::new).push(label.clone()),
                None => unexplained.push(format!(
                    "{label}: vouch {} ({}), reference {} ({})",
                    if vouch_ok { "ok" } else { "damaged" },
                    v["damage"],
                    if ref_ok { "ok" } else { "damaged" },
                    said.trim().lines().last().unwrap_or("")
                )),
            }
        }
        // Resolution, where both decode the file and the reference reads resolution.
        if !(vouch_ok && ref_ok) {
            continue;
        }
        let pages = v["page_facts"].as_array().unwrap();
        let ours: Vec<Option<(f64, f64)>> = pages
            .iter()
            .map(|p| Some((p["dpi"]["x"].as_f64()?, p["dpi"]["y"].as_f64()?)))
            .collect();
        let theirs: Option<Vec<(f64, f64)>> = match case.format {
            "jpeg" => {
                let src = pages[0]["dpi_source"].as_str().unwrap_or("");
                exif.get(&key).and_then(|e| jpeg_field(src, e)).map(|d| vec![d])
            }
            "pdf" => Some(pdf_ppi(&case.path)),
            _ => reference_dpi(case, &exif),
        };
        let Some(theirs) = theirs else { continue };
        dpi_checked += 1;
        let same = ours.len() == theirs.len()
            && ours.iter().zip(&theirs).all(|(o, t)| o.is_some_and(|o| close(o, *t)));
        if same {
            dpi_agree += 1;
        } else if matches!(case.damage, Damage::Flip(..)) && theirs.is_empty() {
            // exiftool gives up on a directory with one broken entry (e.g. a flipped
            // count); libtiff and vouch skip that entry and read the resolution tags.
            dpi_agree += 1;
            println!(
                "  accepted resolution disagreement (exiftool read no resolution from a damaged directory): {label}"
            );
        } else {
            dpi_wrong.push(format!("{label}: vouch {ours:?}, reference {theirs:?}"));
        }
    }
    let total = cases.len();
    let rate = 100.0 * agree as f64 / total as f64;
    println!("reference agreement on decodability: {agree}/{total} = {rate:.1}%");
    for (reason, cases) in &accepted {
        println!("  accepted disagreement ×{}: {reason}", cases.len());
        for c in cases {
            println!("      {c}");
        }
    }
    for w in &dpi_wrong {
        println!("  resolution disagreement: {w}");
    }
    println!("resolution agreement: {dpi_agree}/{dpi_checked}");
    println!("bit flips refused by vouch: {flips_caught}/{flips_total}");
    assert!(broken.is_empty(), "guarantees broken:\n{}", broken.join("\n"));
    assert!(unexplained.is_empty(), "unexplained disagreements:\n{}", unexplained.join("\n"));
    assert!(dpi_wrong.is_empty(), "resolution disagreements:\n{}", dpi_wrong.join("\n"));
}

/// The colour, compression, per-mode resolution and OFD page-count rules on a delivery
/// made of the committed samples: each planted case gives exactly its finding.
#[test]
fn colour_compression_resolution_and_ofd_pages_are_judged() {
    use crate::support::generate::Expected;
    use crate::util::{EXIT_REJECTED, assert_same_findings, findings};
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("delivery");
    let samples = Path::new(env!("CARGO_MANIFEST_DIR")).join("testdata/formats");
    let put = |rel: &str, sample: &str| {
        let to = root.join(rel);
        std::fs::create_dir_all(to.parent().unwrap()).unwrap();
        std::fs::copy(samples.join(sample), to).unwrap();
    };
    // a bilevel page in PackBits (must be G4), a palette page, a good JPEG.
    put("A-1/001.tif", "packbits-bilevel-300dpi.tif");
    put("A-1/002.tif", "palette-lzw-300dpi.tif");
    put("A-1/003.jpg", "baseline-grey-300dpi.jpg");
    // an OFD of 2 pages where the catalogue says 3.
    put("A-2.ofd", "scan-2page.ofd");
    // JPEG 2000 at 200 dpi (7874 px/m, 199.9996 dpi: rounding must not make it
    // low) and a G4 + LZW TIFF: all fine.
    put("A-3/001.jp2", "rgb-200dpi.jp2");
    put("A-3/002.tif", "mixed-g4-lzw-2page.tif");
    // a (two-IFD) G4 page file at 150 dpi: under DA/T 31-2017's 200 dpi (issue #15:
    // dat31 asks 200 dpi in every colour mode, so a 200 dpi bilevel page is accepted).
    std::fs::create_dir_all(root.join("A-4")).unwrap();
    let catalogue = dir.path().join("catalogue.csv");
    std::fs::write(&catalogue, "档号,题名,页数\nA-1,甲,3\nA-2,乙,3\nA-3,丙,2\nA-4,丁,1\n").unwrap();
    let g4 = std::fs::read(samples.join("g4-2page-300dpi.tif")).unwrap();
    std::fs::write(root.join("A-4/001.tif"), retag_resolution(&g4, 150)).unwrap();
    let run = vouch([
        "check".as_ref(),
        root.as_os_str(),
        "--catalogue".as_ref(),
        catalogue.as_os_str(),
        "--format".as_ref(),
        "json".as_ref(),
    ]);
    let e = |rule: &str, record: &str, path: Option<&str>| Expected {
        rule: rule.into(),
        record: Some(record.into()),
        path: path.map(str::to_string),
    };
    let want = [
        e("compression-not-allowed", "A-1", Some("A-1/001.tif")),
        e("colour-mode-not-allowed", "A-1", Some("A-1/002.tif")),
        e("compression-not-allowed", "A-1", Some("A-1/002.tif")),
        e("page-count-mismatch", "A-2", Some("A-2.ofd")),
        e("resolution-low", "A-4", Some("A-4/001.tif")),
        // Run without a vendor manifest, which the report says (issue #16).
        Expected { rule: "hash-no-manifest".into(), record: None, path: None },
    ];
    let report = run.json();
    let got = findings(&report);
    // page-count-mismatch may be reported at the record's location; compare leniently.
    let norm = |v: Vec<Expected>| -> Vec<Expected> {
        v.into_iter()
            .map(|mut f| {
                if f.rule == "page-count-mismatch" {
                    f.path = None;
                }
                f
            })
            .collect()
    };
    assert_same_findings(&norm(got), &norm(want.to_vec()), &run.stderr);
    run.assert_code(EXIT_REJECTED);
    let files = report["files"].as_array().expect("report lists files");
    let paths: Vec<&str> = files.iter().map(|f| f["path"].as_str().unwrap()).collect();
    let mut sorted = paths.clone();
    sorted.sort();
    assert_eq!(paths, sorted, "files sorted by path");
    let ofd = files.iter().find(|f| f["path"] == "A-2.ofd").unwrap();
    assert_eq!((ofd["format"].as_str(), ofd["pages"].as_u64()), (Some("ofd"), Some(2)));
    let msg = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["rule"] == "resolution-low")
        .unwrap()["message"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(msg.contains("150×150 dpi") && msg.contains("200 dpi for bilevel pages"), "{msg}");
}

/// Issue #19: a feature vouch cannot decode is `format-unsupported` at that file, never
/// `format-unreadable`, and a good page beside it gives nothing.
#[test]
fn unsupported_features_are_not_damage() {
    use crate::support::generate::Expected;
    use crate::util::{EXIT_REJECTED, assert_same_findings, findings};
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("delivery/A-1");
    std::fs::create_dir_all(&root).unwrap();
    let data = Path::new(env!("CARGO_MANIFEST_DIR")).join("testdata");
    // A G4 page relabelled SGI LogLuv (34676), a compression vouch does not decode.
    let g4 = std::fs::read(data.join("formats/g4-2page-300dpi.tif")).unwrap();
    std::fs::write(root.join("001.tif"), retag_compression(&g4, 34676)).unwrap();
    let mut jpeg = std::fs::read(data.join("formats/baseline-grey-300dpi.jpg")).unwrap();
    let sof = jpeg.windows(2).position(|w| w == [0xFF, 0xC0]).unwrap();
    jpeg[sof + 1] = 0xC9; // arithmetic coding
    std::fs::write(root.join("002.jpg"), jpeg).unwrap();
    std::fs::copy(data.join("formats/bigtiff-g4.tif"), root.join("003.tif")).unwrap();
    // CCITT G3, decoded since issue #19: judged like any page, not unsupported.
    std::fs::copy(data.join("regressions/g3-1d-2page.tif"), root.join("004.tif")).unwrap();
    let catalogue = dir.path().join("catalogue.csv");
    std::fs::write(&catalogue, "档号,题名,页数\nA-1,甲,4\n").unwrap();
    let delivery = dir.path().join("delivery");
    let run = vouch([
        "check".as_ref(),
        delivery.as_os_str(),
        "--catalogue".as_ref(),
        catalogue.as_os_str(),
        "--format".as_ref(),
        "json".as_ref(),
    ]);
    let e = |rule: &str, path: &str| Expected {
        rule: rule.into(),
        record: Some("A-1".into()),
        path: Some(path.into()),
    };
    let want = [
        e("format-unsupported", "A-1/001.tif"),
        e("format-unsupported", "A-1/002.jpg"),
        // Decoded now, and judged: the profile wants bilevel pages in G4.
        e("compression-not-allowed", "A-1/004.tif"),
        Expected { rule: "hash-no-manifest".into(), record: None, path: None },
    ];
    let report = run.json();
    assert_same_findings(&findings(&report), &want, &run.stderr);
    run.assert_code(EXIT_REJECTED);
    let list = report["findings"].as_array().unwrap();
    for f in list.iter().filter(|f| f["rule"] == "format-unsupported") {
        let msg = f["message"].as_str().unwrap();
        assert!(!msg.contains("corrupt") && !msg.contains("truncated"), "{msg}");
    }
    let files = report["files"].as_array().unwrap();
    let feature = |p: &str| files.iter().find(|f| f["path"] == p).unwrap()["unsupported"].clone();
    assert_eq!(feature("A-1/001.tif"), "TIFF compression 34676 (SGI LogLuv)");
    assert_eq!(feature("A-1/002.jpg"), "JPEG arithmetic coding (SOF9)");
    assert_eq!(feature("A-1/003.tif"), Value::Null);
    assert_eq!(feature("A-1/004.tif"), Value::Null);
}

/// A copy of a classic little-endian TIFF with Compression (259) set to `code` in every
/// directory (the data is left as it is).
fn retag_compression(tiff: &[u8], code: u16) -> Vec<u8> {
    retag(tiff, |out, tag, entry| {
        if tag == 259 {
            out[entry + 8..entry + 10].copy_from_slice(&code.to_le_bytes());
        }
    })
}

/// A copy of a classic little-endian TIFF with every X/YResolution
/// rational set to `dpi`/1 (both IFDs of the libtiff sample).
fn retag_resolution(tiff: &[u8], dpi: u32) -> Vec<u8> {
    retag(tiff, |out, tag, entry| {
        if matches!(tag, 282 | 283) {
            let at = u32_at(out, entry + 8);
            out[at..at + 4].copy_from_slice(&dpi.to_le_bytes());
            out[at + 4..at + 8].copy_from_slice(&1u32.to_le_bytes());
        }
    })
}

/// A copy of a classic little-endian TIFF, `edit` called with (copy, tag, entry offset)
/// for every entry of every directory.
fn retag(tiff: &[u8], mut edit: impl FnMut(&mut [u8], usize, usize)) -> Vec<u8> {
    let mut out = tiff.to_vec();
    let u16_at = |b: &[u8], at: usize| u16::from_le_bytes([b[at], b[at + 1]]) as usize;
    let mut ifd = u32_at(tiff, 4);
    while ifd != 0 {
        let n = u16_at(tiff, ifd);
        for i in 0..n {
            let entry = ifd + 2 + 12 * i;
            edit(&mut out, u16_at(tiff, entry), entry);
        }
        ifd = u32_at(tiff, ifd + 2 + 12 * n);
    }
    out
}

/// The little-endian u32 at `at`.
fn u32_at(b: &[u8], at: usize) -> usize {
    u32::from_le_bytes(b[at..at + 4].try_into().unwrap()) as usize
}
