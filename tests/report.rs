//! The signed report bundle, end to end through the real binary: rendering (HTML, CSV,
//! JUnit), determinism, signing with vouch and checking with the stock minisign tool,
//! and `vouch verify` catching every kind of change. Helpers live here, not in a shared
//! util module, so this file stands on its own.

use sha2::{Digest, Sha256};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const BIN: &str = env!("CARGO_BIN_EXE_vouch");
/// A hostile, non-ASCII top-level file name: markup, quotes, a comma, Chinese.
const HOSTILE: &str = "<img src=x onerror=alert(1)>附件 \"甲,乙\".txt";

/// A tiny delivery in a temp dir: A-1 delivered with an empty page, B-2 missing, one
/// hostile unexpected file; findings that need no image decoding.
struct Fixture {
    dir: tempfile::TempDir,
}

impl Fixture {
    fn new() -> Fixture {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path().join("delivery");
        std::fs::create_dir_all(d.join("A-1")).unwrap();
        std::fs::write(d.join("A-1/0001.jpg"), b"not decoded here").unwrap();
        std::fs::write(d.join("A-1/0002.jpg"), b"").unwrap();
        std::fs::write(d.join(HOSTILE), "x").unwrap();
        let cat = "档号,页数,题名\nA-1,2,会议记录\nB-2,3,\"账簿, 第一册\"\n";
        std::fs::write(dir.path().join("cat.csv"), cat).unwrap();
        Fixture { dir }
    }

    fn path(&self, rel: &str) -> PathBuf {
        self.dir.path().join(rel)
    }

    /// `vouch check` into `out`, with extra arguments.
    fn check(&self, out: &str, extra: &[&str]) -> Output {
        let mut args =
            vec!["check", "delivery", "-c", "cat.csv", "--out", out, "--operator", "张三"];
        args.extend_from_slice(extra);
        self.run(&args, &[])
    }

    fn run(&self, args: &[&str], env: &[(&str, &str)]) -> Output {
        let mut cmd = Command::new(BIN);
        cmd.args(args).current_dir(self.dir.path()).env_remove("VOUCH_KEY_PASSWORD");
        cmd.envs(env.iter().copied());
        cmd.output().unwrap()
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

    fn verify(&self, out: &str, keys: &[&str]) -> Output {
        let mut args = vec!["verify", out];
        for k in keys {
            args.extend(["--public-key", k]);
        }
        self.run(&args, &[])
    }
}

fn code(o: &Output) -> i32 {
    o.status.code().expect("exited")
}

fn text(o: &Output) -> String {
    format!("{}{}", String::from_utf8_lossy(&o.stdout), String::from_utf8_lossy(&o.stderr))
}

fn json(path: &Path) -> serde_json::Value {
    serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap()
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        std::fs::copy(e.path(), to.join(e.file_name())).unwrap();
    }
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
    let html = std::fs::read_to_string(dir.join("report.html")).unwrap().replace(&time, "TIME");
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
    let o = f.check("out", &["--quiet"]);
    let out = String::from_utf8(o.stdout).unwrap();
    assert_eq!(out.lines().count(), 1, "{out}");
    assert!(out.starts_with("REJECTED: "), "{out}");
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
    let shot = f.path("shot.png");
    let o = Command::new(chromium)
        .args(["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"])
        .args(["--disable-component-update", "--disable-sync", "--no-first-run"])
        .arg(format!("--user-data-dir={}", f.path("chromium").display()))
        .arg(format!("--screenshot={}", shot.display()))
        .arg("--window-size=1240,1754")
        .arg(format!("file://{}", f.path("out/report.html").display()))
        .output()
        .unwrap();
    assert!(shot.is_file(), "no screenshot: {}", text(&o));
    let (mean, var, dark) = luminance(&shot);
    assert!(var > 500.0, "screenshot looks blank: mean {mean:.1}, variance {var:.1}");
    assert!(dark > 0.005, "too little ink on the page: {:.3}% dark pixels", dark * 100.0);
}

/// Mean and variance of luminance, and the fraction of dark pixels, of a PNG.
fn luminance(path: &Path) -> (f64, f64, f64) {
    let decoder = png::Decoder::new(std::io::BufReader::new(std::fs::File::open(path).unwrap()));
    let mut reader = decoder.read_info().unwrap();
    let mut buf = vec![0; reader.output_buffer_size().unwrap()];
    let info = reader.next_frame(&mut buf).unwrap();
    let channels = info.color_type.samples();
    assert_eq!(info.bit_depth, png::BitDepth::Eight);
    let lum: Vec<f64> = buf[..info.buffer_size()]
        .chunks(channels)
        .map(|p| {
            if channels >= 3 {
                0.299 * p[0] as f64 + 0.587 * p[1] as f64 + 0.114 * p[2] as f64
            } else {
                p[0] as f64
            }
        })
        .collect();
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
