//! The signed report bundle, end to end through the real binary: rendering (HTML, CSV,
//! JUnit), determinism, signing with vouch and checking with the stock minisign tool,
//! and `vouch verify` catching every kind of change, and the contact sheet's thumbnails.
//! The delivery fixture is shared with sm2.rs (`util::Fixture`).

use crate::util::{Fixture, HOSTILE, code, copy_dir, text};
use sha2::{Digest, Sha256};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// report.rs's own helpers on the shared fixture.
impl Fixture {
    /// `vouch check` into `out`, with extra arguments.
    fn check(&self, out: &str, extra: &[&str]) -> Output {
        let mut args =
            vec!["check", "delivery", "-c", "cat.csv", "--out", out, "--operator", "张三"];
        args.extend_from_slice(extra);
        self.run(&args, &[])
    }

    /// An unprotected key pair `keys/NAME.key` + `keys/NAME.pub`.
    fn key(&self, name: &str) {
        let out = self.run(&["keygen", "--out-dir", "keys", "--name", name, "--no-password"], &[]);
        assert_eq!(code(&out), 0, "{}", text(&out));
    }

    /// A signed bundle in `out` (key `archive`).
    fn signed(&self, out: &str) {
        self.key("archive");
        let o = self.check(out, &["--sign-key", "keys/archive.key"]);
        assert_eq!(code(&o), 1, "the fixture is rejected: {}", text(&o));
    }
}

fn json(path: &Path) -> serde_json::Value {
    serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap()
}

fn flip_byte(path: &Path) {
    let mut bytes = std::fs::read(path).unwrap();
    let i = bytes.len() / 2;
    bytes[i] ^= 0x01;
    std::fs::write(path, bytes).unwrap();
}

fn tool(names: &[&str], install: &str) -> PathBuf {
    let path = std::env::var_os("PATH").unwrap_or_default();
    std::env::split_paths(&path)
        .flat_map(|dir| names.iter().map(move |n| dir.join(n)))
        .find(|p| p.is_file())
        .unwrap_or_else(|| {
            panic!("{} is not installed: `{install}` (.ci/run installs it)", names[0])
        })
}

#[test]
fn report_json_pins_every_other_bundle_file() {
    let f = Fixture::new();
    let o = f.check("out", &[]);
    assert_eq!(code(&o), 1, "{}", text(&o));
    let report = json(&f.path("out/report.json"));
    let listed = report["bundle"].as_array().unwrap();
    let names: Vec<&str> = listed.iter().map(|b| b["file"].as_str().unwrap()).collect();
    assert_eq!(names, ["findings.csv", "junit.xml", "report.html", "accepted-manifest-sha256.txt"]);
    for b in listed {
        let bytes = std::fs::read(f.path("out").join(b["file"].as_str().unwrap())).unwrap();
        assert_eq!(b["sha256"], hex::encode(Sha256::digest(&bytes)));
        assert_eq!(b["bytes"], bytes.len());
    }
    assert!(report["sample"]["seed"].is_u64(), "{}", report["sample"]);
    assert_eq!(report["sample"]["rate"], 0.05);
    assert_eq!(report["sample"]["pages"].as_array().unwrap().len(), 1, "5% of 2, rounded up");
}

#[test]
fn a_genuine_bundle_verifies() {
    let f = Fixture::new();
    f.signed("out");
    let o = f.verify("out", &["keys/archive.pub"]);
    assert_eq!(code(&o), 0, "{}", text(&o));
    let out = text(&o);
    for file in [
        "findings.csv: OK",
        "junit.xml: OK",
        "report.html: OK",
        "accepted-manifest-sha256.txt: OK",
        "report.json.minisig: OK",
    ] {
        assert!(out.contains(file), "{file} in:\n{out}");
    }
    assert!(out.trim_end().lines().last().unwrap().starts_with("VALID: 5 checks passed"), "{out}");
}

#[test]
fn one_changed_byte_in_any_bundle_file_is_named() {
    let f = Fixture::new();
    f.signed("out");
    for (file, named) in [
        ("report.html", "report.html: FAILED (changed"),
        ("findings.csv", "findings.csv: FAILED (changed"),
        ("junit.xml", "junit.xml: FAILED (changed"),
        ("report.json", "report.json.minisig: FAILED (report.json does not match"),
        ("report.json.minisig", "report.json.minisig: FAILED"),
    ] {
        let copy = format!("tampered-{file}");
        copy_dir(&f.path("out"), &f.path(&copy));
        flip_byte(&f.path(&copy).join(file));
        let o = f.verify(&copy, &["keys/archive.pub"]);
        assert_eq!(code(&o), 1, "{file}: {}", text(&o));
        assert!(text(&o).contains(named), "{file}: want {named:?} in:\n{}", text(&o));
        assert!(text(&o).contains("INVALID"), "{}", text(&o));
    }
}

#[test]
fn another_keys_signature_is_rejected() {
    let f = Fixture::new();
    f.signed("out");
    f.key("mallory");
    copy_dir(&f.path("out"), &f.path("forged"));
    std::fs::remove_file(f.path("forged/report.json.minisig")).unwrap();
    let o = f.run(&["sign", "forged", "--sign-key", "keys/mallory.key"], &[]);
    assert_eq!(code(&o), 0, "{}", text(&o));
    let o = f.verify("forged", &["keys/archive.pub"]);
    assert_eq!(code(&o), 1, "{}", text(&o));
    let out = text(&o);
    assert!(out.contains("report.json.minisig: FAILED (signed by key"), "{out}");
    assert!(out.contains("keys/archive.pub: FAILED"), "the archive's key signed nothing: {out}");
}

#[test]
fn both_parties_sign_and_each_signature_counts() {
    let f = Fixture::new();
    f.signed("out");
    f.key("vendor");
    let o = f.run(&["sign", "out", "--sign-key", "keys/vendor.key"], &[]);
    assert_eq!(code(&o), 2, "the first party's file is never replaced: {}", text(&o));
    assert!(text(&o).contains("--signature-name"), "{}", text(&o));
    let o =
        f.run(&["sign", "out", "--sign-key", "keys/vendor.key", "--signature-name", "vendor"], &[]);
    assert_eq!(code(&o), 0, "{}", text(&o));
    assert!(f.path("out/report.json.vendor.minisig").is_file());
    let both = ["keys/archive.pub", "keys/vendor.pub"];
    assert_eq!(code(&f.verify("out", &both)), 0, "{}", text(&f.verify("out", &both)));
    let o = f.verify("out", &["keys/archive.pub"]);
    assert_eq!(code(&o), 1, "a signature by a key not given is not trusted: {}", text(&o));
    assert!(text(&o).contains("report.json.vendor.minisig: FAILED"), "{}", text(&o));
    // Quiet still names each failed file, as `sha256sum --quiet` does.
    let o = f.run(&["verify", "out", "--public-key", "keys/archive.pub", "-q"], &[]);
    assert_eq!(code(&o), 1);
    assert!(text(&o).contains("report.json.vendor.minisig: FAILED"), "{}", text(&o));
    assert!(!text(&o).contains(": OK"), "quiet shows failures only: {}", text(&o));
    // The two parties' signature files swapped: each still verifies with its key, but the
    // signed signer contradicts the file name.
    copy_dir(&f.path("out"), &f.path("swapped"));
    let (first, vendor) =
        (f.path("swapped/report.json.minisig"), f.path("swapped/report.json.vendor.minisig"));
    let (a, b) = (std::fs::read(&first).unwrap(), std::fs::read(&vendor).unwrap());
    std::fs::write(&first, b).unwrap();
    std::fs::write(&vendor, a).unwrap();
    let o = f.verify("swapped", &both);
    assert_eq!(code(&o), 1, "{}", text(&o));
    assert!(text(&o).contains("swapped or renamed"), "{}", text(&o));
    // Signatures stripped: the hash list alone still checks, but only when asked.
    std::fs::remove_file(f.path("out/report.json.minisig")).unwrap();
    std::fs::remove_file(f.path("out/report.json.vendor.minisig")).unwrap();
    assert_eq!(code(&f.verify("out", &both)), 1);
    let o = f.run(&["verify", "out", "--hashes-only"], &[]);
    assert_eq!(code(&o), 0, "{}", text(&o));
    assert!(text(&o).contains("VALID (hash list only"), "{}", text(&o));
}

#[test]
fn a_changed_bundle_is_not_signed_and_unverifiable_setups_exit_2() {
    let f = Fixture::new();
    f.signed("out");
    std::fs::write(f.path("out/findings.csv"), "rule\n").unwrap();
    let o = f.run(&["sign", "out", "--sign-key", "keys/archive.key", "--signature-name", "x"], &[]);
    assert_eq!(code(&o), 2, "{}", text(&o));
    assert!(text(&o).contains("findings.csv: changed"), "{}", text(&o));
    let o = f.run(&["verify", "out"], &[]);
    assert_eq!(code(&o), 2, "no key and no --hashes-only: {}", text(&o));
    let o = f.run(&["verify", "keys", "--public-key", "keys/archive.pub"], &[]);
    assert_eq!(code(&o), 2, "{}", text(&o));
    assert!(text(&o).contains("report.json"), "{}", text(&o));
    let o = f.check("out2", &["--sign-key", "keys/none.key"]);
    assert_eq!(code(&o), 2, "{}", text(&o));
    assert!(text(&o).contains("keys/none.key"), "{}", text(&o));
}

#[test]
fn stock_minisign_verifies_the_signature_and_rejects_a_tampered_report() {
    let minisign = tool(&["minisign"], "apt-get install -y minisign");
    let f = Fixture::new();
    f.signed("out");
    let stock = |dir: &str| {
        let report = f.path(dir).join("report.json");
        Command::new(&minisign)
            .arg("-Vm")
            .arg(&report)
            .arg("-p")
            .arg(f.path("keys/archive.pub"))
            .output()
            .unwrap()
    };
    let o = stock("out");
    assert!(o.status.success(), "{}", text(&o));
    assert!(text(&o).contains("verdict:rejected"), "trusted comment: {}", text(&o));
    copy_dir(&f.path("out"), &f.path("tampered"));
    let report = f.path("tampered/report.json");
    let edited = std::fs::read_to_string(&report).unwrap().replace("rejected", "accepted");
    std::fs::write(&report, edited).unwrap();
    let o = stock("tampered");
    assert!(!o.status.success(), "minisign accepted a tampered report: {}", text(&o));
}

#[test]
fn a_password_protected_key_signs_with_the_password_from_the_environment() {
    let f = Fixture::new();
    let pw = [("VOUCH_KEY_PASSWORD", "correct horse")];
    let o = f.run(&["keygen", "--out-dir", "keys"], &pw);
    assert_eq!(code(&o), 0, "{}", text(&o));
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(f.path("keys/vouch.key")).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
    }
    let o = f.run(&["keygen", "--out-dir", "keys", "--no-password"], &[]);
    assert_eq!(code(&o), 2, "never overwrites a key: {}", text(&o));
    let wrong = [("VOUCH_KEY_PASSWORD", "wrong")];
    let o = f.run(
        &["check", "delivery", "-c", "cat.csv", "-o", "out", "--sign-key", "keys/vouch.key"],
        &wrong,
    );
    assert_eq!(code(&o), 2, "{}", text(&o));
    assert!(text(&o).contains("password"), "{}", text(&o));
    let o = f.run(
        &["check", "delivery", "-c", "cat.csv", "-o", "out", "--sign-key", "keys/vouch.key"],
        &pw,
    );
    assert_eq!(code(&o), 1, "{}", text(&o));
    assert_eq!(code(&f.verify("out", &["keys/vouch.pub"])), 0);
}

#[test]
fn findings_csv_has_a_bom_and_round_trips_chinese_names() {
    let f = Fixture::new();
    f.check("out", &[]);
    let bytes = std::fs::read(f.path("out/findings.csv")).unwrap();
    assert!(bytes.starts_with(b"\xEF\xBB\xBF"), "no BOM: {:?}", &bytes[..8]);
    let mut rows = csv::Reader::from_reader(&bytes[3..]);
    assert_eq!(rows.headers().unwrap(), vec!["rule", "severity", "record", "path", "message"]);
    let rows: Vec<csv::StringRecord> = rows.records().map(Result::unwrap).collect();
    let report = json(&f.path("out/report.json"));
    assert_eq!(rows.len(), report["findings"].as_array().unwrap().len());
    assert!(rows.iter().any(|r| &r[3] == HOSTILE), "hostile name round-trips: {rows:?}");
    assert!(rows.iter().any(|r| &r[0] == "record-missing" && &r[2] == "B-2"), "{rows:?}");
}

#[test]
fn junit_xml_parses_with_a_testcase_per_record_and_one_for_the_delivery() {
    let f = Fixture::new();
    f.check("out", &[]);
    let xml = std::fs::read_to_string(f.path("out/junit.xml")).unwrap();
    let doc = roxmltree::Document::parse(&xml).expect("junit.xml is well-formed XML");
    let cases: Vec<_> = doc.descendants().filter(|n| n.has_tag_name("testcase")).collect();
    let names: Vec<&str> = cases.iter().map(|c| c.attribute("name").unwrap()).collect();
    assert_eq!(names, ["A-1", "B-2", "delivery-level findings (no record)"]);
    let failed = |c: &roxmltree::Node| c.children().any(|n| n.has_tag_name("failure"));
    assert!(cases.iter().all(failed), "all three fail in this fixture");
    let delivery = cases[2].descendants().find(|n| n.has_tag_name("failure")).unwrap();
    assert!(delivery.text().unwrap().contains(HOSTILE), "escaped and parsed back");
    assert_eq!(doc.root_element().attribute("failures"), Some("3"));
}

/// report.json without the fields that may differ between runs: the time, the duration,
/// and the digest of report.html (which shows the time; compared separately).
fn stable(dir: &Path) -> (serde_json::Value, String) {
    let mut r = json(&dir.join("report.json"));
    let time = r["time"].as_str().unwrap().to_string();
    r["time"] = "TIME".into();
    r["totals"]["seconds"] = 0.into();
    for b in r["bundle"].as_array_mut().unwrap() {
        if b["file"] == "report.html" {
            b["sha256"] = "HTML".into();
        }
    }
    let html = std::fs::read_to_string(dir.join("report.html")).unwrap();
    let html = crate::util::html_without_time(&html, &time);
    (r, html)
}

#[test]
fn two_runs_give_the_same_report_apart_from_time_and_duration() {
    let f = Fixture::new();
    f.check("one", &[]);
    f.check("two", &[]);
    let (a, b) = (stable(&f.path("one")), stable(&f.path("two")));
    assert_eq!(a.0, b.0);
    assert_eq!(a.1, b.1, "report.html differs beyond the time");
    for file in ["findings.csv", "junit.xml"] {
        let read = |d: &str| std::fs::read(f.path(d).join(file)).unwrap();
        assert_eq!(read("one"), read("two"), "{file}");
    }
}

#[test]
fn terminal_summary_lists_failing_records_and_ends_with_the_verdict() {
    let f = Fixture::new();
    let o = f.check("out", &[]);
    let out = String::from_utf8(o.stdout).unwrap();
    let lines: Vec<&str> = out.lines().collect();
    // 0001.jpg holds bytes that are not a JPEG, so the decoder reports it too.
    assert!(lines.contains(&"A-1: FAILED (format-unreadable, file-empty)"), "{out}");
    assert!(lines.iter().any(|l| l.starts_with("B-2: MISSING")), "{out}");
    assert!(out.contains("report: "), "{out}");
    assert!(lines.last().unwrap().starts_with("REJECTED: "), "{out}");
    // Grouped by rule, errors first, each rule with its count (issue #16.7).
    let errors = out.find("errors:\n").expect("an errors section");
    let missing = out.find("\n  record-missing (1)\n").expect("record-missing and its count");
    assert!(errors < missing, "{out}");
    assert!(lines.contains(&"    A-1/0002.jpg: the file has zero bytes"), "{out}");
    // -q: one line per failing record, then the verdict, as `sha256sum --quiet`.
    let o = f.check("out", &["--quiet"]);
    let out = String::from_utf8(o.stdout).unwrap();
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines.len(), 3, "{out}");
    assert_eq!(lines[0], "A-1: FAILED (format-unreadable, file-empty)", "{out}");
    assert!(lines[1].starts_with("B-2: MISSING"), "{out}");
    assert!(lines[2].starts_with("REJECTED: "), "{out}");
}

#[test]
fn report_html_escapes_names_and_renders_a_page_in_chromium() {
    let chromium = tool(&["chromium", "chromium-browser"], "apt-get install -y chromium");
    let f = Fixture::new();
    f.check("out", &[]);
    let html = std::fs::read_to_string(f.path("out/report.html")).unwrap();
    assert!(!html.contains("<img src=x"), "a file name became markup");
    assert!(html.contains("&lt;img src=x onerror=alert(1)&gt;附件 &quot;甲,乙&quot;.txt"));
    assert!(!html.contains("<script") && !html.contains("http://") && !html.contains("https://"));
    assert!(html.contains("@page") && html.contains("档案馆") && html.contains("Vendor"));
    let shot = screenshot(&chromium, &f, "out/report.html", 1754);
    let (mean, var, dark) = luminance(&shot);
    assert!(var > 500.0, "screenshot looks blank: mean {mean:.1}, variance {var:.1}");
    assert!(dark > 0.005, "too little ink on the page: {:.3}% dark pixels", dark * 100.0);
}

/// A headless Chromium screenshot (PNG) of `html` (relative to the fixture), 1240 pixels
/// wide (A4 at 150 dpi) and `height` high.
fn screenshot(chromium: &Path, f: &Fixture, html: &str, height: u32) -> PathBuf {
    let shot = f.path(&format!("{html}.png"));
    let o = Command::new(chromium)
        .args(["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"])
        .args(["--disable-component-update", "--disable-sync", "--no-first-run"])
        .arg(format!("--user-data-dir={}", f.path("chromium").display()))
        .arg(format!("--screenshot={}", shot.display()))
        .arg(format!("--window-size=1240,{height}"))
        .arg(format!("file://{}", f.path(html).display()))
        .output()
        .unwrap();
    assert!(shot.is_file(), "no screenshot: {}", text(&o));
    shot
}

/// The luminance of every pixel of a PNG screenshot.
fn luma(path: &Path) -> Vec<f64> {
    let decoder = png::Decoder::new(std::io::BufReader::new(std::fs::File::open(path).unwrap()));
    let mut reader = decoder.read_info().unwrap();
    let mut buf = vec![0; reader.output_buffer_size().unwrap()];
    let info = reader.next_frame(&mut buf).unwrap();
    let channels = info.color_type.samples();
    assert_eq!(info.bit_depth, png::BitDepth::Eight);
    buf[..info.buffer_size()]
        .chunks(channels)
        .map(|p| {
            if channels >= 3 {
                0.299 * p[0] as f64 + 0.587 * p[1] as f64 + 0.114 * p[2] as f64
            } else {
                p[0] as f64
            }
        })
        .collect()
}

/// Chromium renders the contact sheet's thumbnails: the screenshot of report.html
/// differs from the same page with the images' data taken out exactly where
/// thumbnails are, by dark page content (the grey page's rules and disc).
#[test]
fn chromium_renders_the_contact_sheet_thumbnails() {
    let chromium = tool(&["chromium", "chromium-browser"], "apt-get install -y chromium");
    let f = image_fixture(0);
    let o =
        f.run(&["check", "images", "-c", "images.csv", "--profile", "dat31", "--out", "out"], &[]);
    assert_eq!(code(&o), 1, "{}", text(&o));
    let html = std::fs::read_to_string(f.path("out/report.html")).unwrap();
    assert!(html.contains("data:image/jpeg;base64,"));
    // The same page, every thumbnail's data replaced by nothing (an empty image).
    let blank: String = html
        .split("data:image/jpeg;base64,")
        .enumerate()
        .map(|(i, part)| {
            if i == 0 {
                part.to_string()
            } else {
                format!("data:,{}", &part[part.find('"').unwrap()..])
            }
        })
        .collect();
    std::fs::write(f.path("out/blank.html"), blank).unwrap();
    let with = luma(&screenshot(&chromium, &f, "out/report.html", 8000));
    let without = luma(&screenshot(&chromium, &f, "out/blank.html", 8000));
    assert_eq!(with.len(), without.len());
    let darker = with.iter().zip(&without).filter(|(a, b)| **a + 40.0 < **b).count();
    // Three thumbnails, each shown a column wide (~280 pixels), with dark rules and disc.
    assert!(darker > 5000, "only {darker} pixels darker where the thumbnails are: not rendered");
}

/// Mean and variance of luminance, and the fraction of dark pixels, of a PNG.
fn luminance(path: &Path) -> (f64, f64, f64) {
    let lum = luma(path);
    let n = lum.len() as f64;
    let mean = lum.iter().sum::<f64>() / n;
    let var = lum.iter().map(|l| (l - mean).powi(2)).sum::<f64>() / n;
    let dark = lum.iter().filter(|&&l| l < 128.0).count() as f64 / n;
    (mean, var, dark)
}

#[test]
fn the_contact_sheet_draw_follows_the_profile_rate_and_a_given_seed() {
    let f = Fixture::new();
    let profile = vouch::profile::BUILTIN[0].1.replace("sample_rate = 0.05", "sample_rate = 1.0");
    std::fs::write(f.path("all.toml"), profile).unwrap();
    f.check("out", &["--sample-seed", "7", "--profile", "all.toml"]);
    let report = json(&f.path("out/report.json"));
    assert_eq!(report["sample"]["seed"], 7);
    assert_eq!(report["sample"]["seed_source"], "given with --sample-seed");
    assert_eq!(report["sample"]["rate"], 1.0);
    assert_eq!(report["sample"]["pages"].as_array().unwrap().len(), 2, "every page file");
}

/// A delivery of real page images from testdata/formats, one record A-1 under dat31:
/// a good grey JPEG, a palette TIFF (`colour-mode-not-allowed`), a PackBits bilevel TIFF
/// (`compression-not-allowed`), a cut JPEG (`format-unreadable`), and `copies` extra
/// copies of the palette TIFF (for the per-rule cap).
fn image_fixture(copies: usize) -> Fixture {
    let f = Fixture::new();
    let d = f.path("images/A-1");
    std::fs::create_dir_all(&d).unwrap();
    let fixture = |name: &str| {
        std::fs::read(format!("{}/testdata/formats/{name}", env!("CARGO_MANIFEST_DIR"))).unwrap()
    };
    let jpeg = fixture("baseline-grey-300dpi.jpg");
    std::fs::write(d.join("0001.jpg"), &jpeg).unwrap();
    std::fs::write(d.join("0002.tif"), fixture("palette-lzw-300dpi.tif")).unwrap();
    std::fs::write(d.join("0003.tif"), fixture("packbits-bilevel-300dpi.tif")).unwrap();
    std::fs::write(d.join("0004.jpg"), &jpeg[..jpeg.len() / 2]).unwrap();
    let mut palette = fixture("palette-lzw-300dpi.tif");
    for n in 0..copies {
        palette.push(n as u8); // byte-unique: no page-duplicate-content
        std::fs::write(d.join(format!("{:04}.tif", 5 + n)), &palette).unwrap();
    }
    std::fs::write(f.path("images.csv"), format!("档号,页数\nA-1,{}\n", 4 + copies)).unwrap();
    f
}

/// (path, data URI or None) of every figure of the contact sheet, in order.
fn figures(html: &str) -> Vec<(String, Option<String>, String)> {
    html.split("<figure>")
        .skip(1)
        .map(|fig| {
            let fig = &fig[..fig.find("</figure>").unwrap()];
            let path = fig.split("<span class=\"path\">").nth(1).unwrap();
            let path = path[..path.find("</span>").unwrap()].to_string();
            let uri = fig.split("src=\"").nth(1).map(|u| u[..u.find('"').unwrap()].to_string());
            (path, uri, fig.to_string())
        })
        .collect()
}

fn decode_uri(uri: &str) -> image::DynamicImage {
    use ct_codecs::Decoder;
    let b64 = uri.strip_prefix("data:image/jpeg;base64,").expect("a base64 JPEG");
    let bytes = ct_codecs::Base64::decode_to_vec(b64, None).unwrap();
    image::load_from_memory_with_format(&bytes, image::ImageFormat::Jpeg).unwrap()
}

#[test]
fn the_contact_sheet_shows_each_flagged_and_drawn_page_with_its_own_thumbnail() {
    let f = image_fixture(0);
    let args = ["check", "images", "-c", "images.csv", "--profile", "dat31", "--out", "out"];
    let o = f.run(&[&args[..], &["--sample-seed", "7"]].concat(), &[("VOUCH_DEBUG_IO", "1")]);
    assert_eq!(code(&o), 1, "{}", text(&o));
    let report = json(&f.path("out/report.json"));
    let rules = |path: &str| -> Vec<String> {
        let found = report["findings"].as_array().unwrap().iter();
        found.filter(|x| x["path"] == path).map(|x| x["rule"].as_str().unwrap().into()).collect()
    };
    assert!(rules("A-1/0002.tif").contains(&"colour-mode-not-allowed".into()));
    assert!(rules("A-1/0003.tif").contains(&"compression-not-allowed".into()));
    assert!(rules("A-1/0004.jpg").contains(&"format-unreadable".into()));
    let drawn: Vec<&str> = report["sample"]["pages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["path"].as_str().unwrap())
        .collect();
    assert_eq!(drawn.len(), 1);
    let html = std::fs::read_to_string(f.path("out/report.html")).unwrap();
    let figs = figures(&html);
    let mut want: Vec<&str> = vec!["A-1/0002.tif", "A-1/0003.tif", "A-1/0004.jpg"];
    want.extend(drawn.iter().copied().filter(|p| rules(p).is_empty()));
    want.sort();
    assert_eq!(figs.iter().map(|f| f.0.as_str()).collect::<Vec<_>>(), want);
    // Each thumbnail is its own page at 1/8 scale: 240 × 320 pages, the palette one at
    // half size; the cut JPEG has a placeholder.
    for (path, uri, fig) in &figs {
        let size = match path.as_str() {
            "A-1/0002.tif" => Some((15, 20)),
            "A-1/0004.jpg" => None,
            _ => Some((30, 40)),
        };
        assert_eq!(
            uri.as_ref().map(|u| decode_uri(u)).map(|i| (i.width(), i.height())),
            size,
            "{path}"
        );
        assert_eq!(fig.contains("no thumbnail"), size.is_none(), "{path}");
        for rule in rules(path) {
            assert!(fig.contains(&format!("{rule}: ")), "{path}: {rule} not named");
        }
    }
    // Bilevel ink stays black: the PackBits page's thumbnail is not inverted (mostly
    // white paper).
    let bw = figs.iter().find(|f| f.0 == "A-1/0003.tif").unwrap();
    let mean = decode_uri(bw.1.as_ref().unwrap())
        .to_luma8()
        .pixels()
        .map(|p| u32::from(p[0]))
        .sum::<u32>()
        / 1200;
    assert!(mean > 128, "bilevel thumbnail mean {mean}: inverted");
    assert!(!f.path("out/thumbs.spool").exists(), "a complete run removes its spool");
    // One read of each file: the delivery (and catalogue) once, nothing read twice. What
    // vouch reads back of its own (the thumbnails, report.json to sign it, the spooled
    // files[] and sample: about 1 KiB a file) comes on top.
    let sizes: Vec<u64> = std::fs::read_dir(f.path("images/A-1"))
        .unwrap()
        .map(|e| e.unwrap().metadata().unwrap().len())
        .collect();
    let (payload, own) = (sizes.iter().sum::<u64>(), 1024 * sizes.len() as u64);
    let read = rchar(&text(&o));
    assert!(read < 2 * payload + own, "read {read} B for a {payload} B delivery");
}

/// Bytes read by a finished vouch, from its `VOUCH_DEBUG_IO` line (Linux `rchar`).
fn rchar(stderr: &str) -> u64 {
    let line = stderr.lines().find(|l| l.starts_with("vouch: io:")).expect("no io line");
    line.split_whitespace().skip_while(|w| *w != "rchar:").nth(1).unwrap().parse().unwrap()
}

#[test]
fn the_contact_sheet_caps_the_pages_shown_per_rule() {
    let f = image_fixture(14);
    let o =
        f.run(&["check", "images", "-c", "images.csv", "--profile", "dat31", "--out", "out"], &[]);
    assert_eq!(code(&o), 1, "{}", text(&o));
    let html = std::fs::read_to_string(f.path("out/report.html")).unwrap();
    let figs = figures(&html);
    let flagged = figs.iter().filter(|f| f.2.contains("colour-mode-not-allowed: ")).count();
    assert_eq!(flagged, 12, "15 palette pages, 12 shown");
    assert!(
        html.contains(
            "<code>colour-mode-not-allowed</code>: 另有 3 个页面未列出 3 more not shown."
        )
    );
}

/// A two-page TIFF whose second page is black: the quality finding names page 2, and
/// the contact sheet shows page 2's own thumbnail (not page 1's) under it.
#[test]
fn a_quality_finding_on_page_two_shows_page_two_on_the_contact_sheet() {
    use tiff::encoder::{Rational, TiffEncoder, colortype};
    let f = Fixture::new();
    let d = f.path("two/A-1");
    std::fs::create_dir_all(&d).unwrap();
    let (w, h) = (480u32, 640u32);
    // Page 1: ruled "text" on white paper; page 2: black.
    let ruled: Vec<u8> = (0..w * h)
        .map(|i| if (i / w) % 24 < 3 && (i % w) > 40 && (i % w) < 440 { 20 } else { 245 })
        .collect();
    let black = vec![8u8; (w * h) as usize];
    let mut bytes = std::io::Cursor::new(Vec::new());
    let mut enc = TiffEncoder::new(&mut bytes).unwrap();
    for pixels in [&ruled, &black] {
        let mut image = enc.new_image::<colortype::Gray8>(w, h).unwrap();
        image.resolution(tiff::tags::ResolutionUnit::Inch, Rational { n: 300, d: 1 });
        image.write_data(pixels).unwrap();
    }
    std::fs::write(d.join("0001.tif"), bytes.into_inner()).unwrap();
    std::fs::write(f.path("two.csv"), "档号,页数\nA-1,2\n").unwrap();
    let o = f.run(&["check", "two", "-c", "two.csv", "--profile", "dat31", "--out", "out"], &[]);
    let report = json(&f.path("out/report.json"));
    let quality: Vec<_> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|x| x["rule"] == "image-exposure")
        .map(|x| (x["path"].as_str().unwrap().to_string(), x["page"].as_u64()))
        .collect();
    assert_eq!(quality, [("A-1/0001.tif".to_string(), Some(2))], "{}", text(&o));
    let html = std::fs::read_to_string(f.path("out/report.html")).unwrap();
    let flagged: Vec<_> =
        figures(&html).into_iter().filter(|(.., fig)| fig.contains("image-exposure")).collect();
    assert_eq!(flagged.len(), 1);
    let (_, uri, fig) = &flagged[0];
    assert!(fig.contains("page 2 of 2"), "{fig}");
    let thumb = decode_uri(uri.as_deref().expect("a thumbnail")).to_luma8();
    let mean = thumb.pixels().map(|p| f64::from(p[0])).sum::<f64>() / thumb.len() as f64;
    assert!(mean < 40.0, "page 2 is black, the thumbnail's mean is {mean}");
}
