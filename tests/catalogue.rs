//! Catalogues as archives keep them (issue #9): spreadsheets and encodings read to the
//! same records, volume arrangement with item ranges, codes typed with full-width and
//! invisible characters. Drives the library for reading and the real binary for checks.

use serde_json::Value;
use sha2::Digest as _;
use std::path::{Path, PathBuf};
use vouch::catalogue::{Catalogue, Options};
use vouch::profile::Profile;

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("testdata/catalogues").join(name)
}

/// A profile file: dat31 with `[catalogue]` lines replaced.
fn profile(dir: &Path, replace: &[(&str, &str)]) -> PathBuf {
    let src =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("profiles/dat31.toml"));
    let mut src = src.unwrap();
    for (from, to) in replace {
        assert!(src.contains(from), "dat31.toml has no '{from}'");
        src = src.replacen(from, to, 1);
    }
    let p = dir.join("profile.toml");
    std::fs::write(&p, src).unwrap();
    p
}

/// Files `<folder>/0001.jpg`… with a few bytes each.
fn delivery(root: &Path, folders: &[(&str, u32)]) {
    for (folder, pages) in folders {
        for n in 1..=*pages {
            let p = root.join(folder).join(format!("{n:04}.jpg"));
            std::fs::create_dir_all(p.parent().unwrap()).unwrap();
            std::fs::write(p, format!("{folder} page {n}")).unwrap();
        }
    }
}

/// Runs `vouch check ARGS --format json -q` and returns (exit status, stdout, stderr).
fn check(args: &[&std::ffi::OsStr]) -> (i32, String, String) {
    let json: [&std::ffi::OsStr; 4] =
        ["check".as_ref(), "--format".as_ref(), "json".as_ref(), "-q".as_ref()];
    let all: Vec<&std::ffi::OsStr> =
        json[..1].iter().chain(args).chain(&json[1..]).copied().collect();
    vouch(&all)
}

/// Runs `vouch` and returns (exit status, stdout, stderr).
fn vouch(args: &[&std::ffi::OsStr]) -> (i32, String, String) {
    let out = crate::util::vouch_command().args(args).output().unwrap();
    let text = |b: &[u8]| String::from_utf8_lossy(b).into_owned();
    (out.status.code().unwrap_or(-1), text(&out.stdout), text(&out.stderr))
}

/// The findings of a `check --format json` run: (rule, severity, record, message).
fn findings(stdout: &str) -> Vec<(String, String, String, String)> {
    let report: Value = serde_json::from_str(stdout).expect("JSON report");
    let s = |v: &Value| v.as_str().unwrap_or_default().to_string();
    report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| (s(&f["rule"]), s(&f["severity"]), s(&f["record"]), s(&f["message"])))
        .collect()
}

const CATALOGUE_RULES: &[&str] = &["record-", "item-", "page-count-mismatch", "page-gap"];

fn catalogue_findings(stdout: &str) -> Vec<(String, String, String, String)> {
    let mut f = findings(stdout);
    f.retain(|(rule, ..)| CATALOGUE_RULES.iter().any(|p| rule.starts_with(p)));
    f.sort();
    f
}

#[test]
fn spreadsheets_and_encodings_read_to_the_same_records() {
    let spec = Profile::load("dat31").unwrap().catalogue;
    let want = [
        ("J001-WS-2020-0001", 3, "关于档案工作的通知"),
        ("J001-WS-2020-0002", 12, "会议纪要，第一次, with a comma"),
        ("20200003", 5, "以数字存储的档号"),
        ("J001-WS-2020-0004", 1, "多行\n题名"),
    ];
    let files = [
        ("records.xlsx", "XLSX"),
        ("records.xls", "XLS"),
        ("records.ods", "ODS"),
        ("records-utf8.csv", "UTF-8"),
        ("records-utf8-bom.csv", "UTF-8 with BOM"),
        ("records-gbk.csv", "GB18030"),
        ("records-utf16.txt", "UTF-16LE"),
        ("records-semicolon.csv", "UTF-8"),
    ];
    for (file, format) in files {
        let cat = Catalogue::read(&fixture(file), &spec, &Options::default())
            .unwrap_or_else(|e| panic!("{file}: {e}"));
        assert_eq!(cat.encoding, format, "{file}");
        let got: Vec<_> = cat
            .records
            .iter()
            .map(|r| (r.id.as_str(), r.pages, r.title.as_deref().unwrap_or_default()))
            .collect();
        assert_eq!(got, want, "{file}");
        assert!(cat.problems.is_empty() && cat.duplicates.is_empty(), "{file}: {:?}", cat.problems);
        assert!(
            cat.notes
                .iter()
                .any(|n| n.contains("6 skipped: empty") || n.contains("5 skipped: empty")),
            "{file}: {:?}",
            cat.notes
        );
    }
}

#[test]
fn volume_workbook_with_merged_volume_codes_has_no_range_findings() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("delivery");
    delivery(&root, &[("J001-WS-2020-Y-0001", 10), ("J001-WS-2020-Y-0002", 6)]);
    let p = profile(dir.path(), &[("arrangement = \"item\"", "arrangement = \"volume\"")]);
    let cat = fixture("volumes.xlsx");
    let args = [root.as_os_str(), "-c".as_ref(), cat.as_os_str(), "-p".as_ref(), p.as_os_str()];
    let (_, stdout, stderr) = check(&args);
    assert_eq!(catalogue_findings(&stdout), [], "{stderr}");
}

#[test]
fn volume_delivery_reports_exactly_the_injected_range_defects() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("delivery");
    delivery(&root, &[("V-1", 10), ("V-2", 8), ("V-3", 6), ("V-4", 5)]);
    let volumes = dir.path().join("volumes.csv");
    std::fs::write(
        &volumes,
        "档号,案卷题名,页数\nV-1,good,10\nV-2,overlap,8\nV-3,gap,6\nV-4,outside,5\n",
    )
    .unwrap();
    let items = dir.path().join("items.csv");
    let list = "案卷档号,档号,页号\n\
                V-1,V-1-01,1\nV-1,V-1-02,4\nV-1,V-1-03,8-10\n\
                V-2,V-2-01,1-5\nV-2,V-2-02,5-8\n\
                V-3,V-3-01,1-2\nV-3,V-3-02,4-6\n\
                V-4,V-4-01,1\nV-4,V-4-02,3-7\n";
    std::fs::write(&items, list).unwrap();
    let p = profile(dir.path(), &[("arrangement = \"item\"", "arrangement = \"volume\"")]);
    let args = [
        root.as_os_str(),
        "-c".as_ref(),
        volumes.as_os_str(),
        "--items".as_ref(),
        items.as_os_str(),
        "-p".as_ref(),
        p.as_os_str(),
    ];
    let (code, stdout, stderr) = check(&args);
    assert_eq!(code, 1, "rejected: {stderr}");
    let report: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    let want = hex::encode(sha2::Sha256::digest(std::fs::read(&items).unwrap()));
    assert_eq!(report["items"]["sha256"], want.as_str(), "the item list is pinned");
    let got = catalogue_findings(&stdout);
    let rules: Vec<_> =
        got.iter().map(|(r, s, rec, _)| (r.as_str(), s.as_str(), rec.as_str())).collect();
    assert_eq!(
        rules,
        [
            ("item-range-gap", "error", "V-3-02"),
            ("item-range-outside", "error", "V-4-02"),
            ("item-range-overlap", "error", "V-2-02"),
        ],
        "{got:#?}"
    );
    assert!(
        got[0]
            .3
            .contains("page 3 belongs to no item: it lies between item 'V-3-01' and item 'V-3-02'"),
        "{}",
        got[0].3
    );
    assert!(
        got[1].3.contains("pages 3–7") && got[1].3.contains("items.csv', line 10"),
        "{}",
        got[1].3
    );
    assert!(got[2].3.contains("volume 'V-2'") && got[2].3.contains("page 5"), "{}", got[2].3);
    // Without the item list, a volume arrangement cannot run.
    let (code, _, stderr) = check(&args[..3].iter().chain(&args[5..]).copied().collect::<Vec<_>>());
    assert_eq!(code, 2);
    assert!(stderr.contains("--items FILE") && stderr.contains("volumes.csv"), "{stderr}");
}

#[test]
fn full_width_and_zero_width_codes_match_with_a_warning_and_bad_codes_name_their_row() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("delivery");
    delivery(
        &root,
        &[
            ("Ｊ００１－ＷＳ－２０２０－Ｙ－０００１", 2),
            ("J001-WS-2020-Y-0002\u{200b}", 1),
            ("J001-WS-2020-Y-0003", 1),
        ],
    );
    let cat = dir.path().join("cat.csv");
    let rows = "档号,页数\nJ001-WS-2020-Y-0001,2\nJ001-WS-2020-Y-0002,1\nJ001-WS-2020-Y-0003,1\nJ001-WS-20-0004,1\n";
    std::fs::write(&cat, rows).unwrap();
    let pattern = "# id_pattern = '[A-Z][0-9]{3}-[A-Z]{2}-[0-9]{4}-(Y|D30|D10)-[0-9]{4}'";
    let p = profile(dir.path(), &[(pattern, &pattern[2..])]);
    let args = [root.as_os_str(), "-c".as_ref(), cat.as_os_str(), "-p".as_ref(), p.as_os_str()];
    let (_, stdout, stderr) = check(&args);
    let got = catalogue_findings(&stdout);
    let rules: Vec<_> =
        got.iter().map(|(r, s, rec, _)| (r.as_str(), s.as_str(), rec.as_str())).collect();
    assert_eq!(
        rules,
        [
            ("record-id-invalid", "error", "J001-WS-20-0004"),
            ("record-id-normalized", "warning", "J001-WS-2020-Y-0001"),
            ("record-id-normalized", "warning", "J001-WS-2020-Y-0002"),
            ("record-missing", "error", "J001-WS-20-0004"),
        ],
        "{got:#?}\n{stderr}"
    );
    assert!(got[0].3.contains("cat.csv', line 5"), "{}", got[0].3);
    assert!(
        got[1].3.contains("full-width") && got[1].3.contains("rename it to 'J001-WS-2020-Y-0001'"),
        "{}",
        got[1].3
    );
    assert!(got[2].3.contains("invisible"), "{}", got[2].3);
}

#[test]
fn catalogue_inspect_shows_sheet_header_and_mapping() {
    let file = fixture("records.xlsx");
    let (code, stdout, _) = vouch(&["catalogue".as_ref(), "inspect".as_ref(), file.as_os_str()]);
    assert_eq!(code, 0);
    for want in [
        "XLSX workbook, sheets: 案卷目录, 说明",
        "header:   row 2: 档号 | 题名 | 页数 | 备注",
        "column A '档号'",
        "column C '页数'",
        "row 1 skipped: a merged cell",
        "row 5     reference-code=\"20200003\"  page-count=\"5\"",
    ] {
        assert!(stdout.contains(want), "no '{want}' in\n{stdout}");
    }
    let args = [
        "catalogue".as_ref(),
        "inspect".as_ref(),
        file.as_os_str(),
        "--sheet".as_ref(),
        "卷".as_ref(),
    ];
    let (code, _, stderr) = vouch(&args);
    assert_eq!(code, 2);
    assert!(
        stderr.contains("records.xlsx") && stderr.contains("its sheets are: 案卷目录, 说明"),
        "{stderr}"
    );
}

/// Catalogues built to exhaust memory are refused with exit 2, naming the limit and
/// the fix, in bounded memory (issue #8).
#[test]
fn hostile_workbooks_are_refused_naming_the_limit() {
    let cases = [
        ("hostile/stray-cell.xlsx", "the cell at XFD1048576"),
        ("hostile/repeated-rows.ods", "reach row 20001, column 16384"),
    ];
    for (name, says) in cases {
        let file = fixture(name);
        let (code, _, stderr) =
            vouch(&["catalogue".as_ref(), "inspect".as_ref(), file.as_os_str()]);
        assert_eq!(code, 2, "{name}: {stderr}");
        assert!(stderr.contains(says) && stderr.contains("catalogue limit"), "{name}: {stderr}");
    }
}

#[test]
fn a_zip_bomb_workbook_is_refused_before_it_is_unpacked() {
    use std::io::Write;
    let dir = tempfile::tempdir().unwrap();
    let bomb = dir.path().join("bomb.xlsx");
    let mut zip = zip::ZipWriter::new(std::fs::File::create(&bomb).unwrap());
    let original = std::fs::read(fixture("records.xlsx")).unwrap();
    let mut src = zip::ZipArchive::new(std::io::Cursor::new(original)).unwrap();
    for i in 0..src.len() {
        zip.raw_copy_file(src.by_index(i).unwrap()).unwrap();
    }
    let deflate = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .compression_level(Some(9));
    zip.start_file("xl/media/filler.bin", deflate).unwrap();
    let zeros = vec![0u8; 1 << 20];
    for _ in 0..600 {
        zip.write_all(&zeros).unwrap();
    }
    zip.finish().unwrap();
    assert!(std::fs::metadata(&bomb).unwrap().len() < 4 << 20);
    let (code, _, stderr) = vouch(&["catalogue".as_ref(), "inspect".as_ref(), bomb.as_os_str()]);
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("unpacks to more than 512 MiB"), "{stderr}");
}

#[test]
fn a_record_delivered_in_two_places_is_judged_once_with_all_its_pages() {
    // The check judges a record once its last top-level entry is walked (issue #7): here
    // A-1's two folders sit apart in walk order, with A-2 between them. Judged too early,
    // A-1 would count 1 of its 2 pages, twice.
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("delivery");
    delivery(&root, &[("A-1", 1), ("A-2", 1), ("A-3", 1)]);
    let moved = root.join("Ａ-1/0002.jpg");
    std::fs::create_dir_all(moved.parent().unwrap()).unwrap();
    std::fs::write(&moved, "A-1 page 2").unwrap();
    let cat = dir.path().join("cat.csv");
    std::fs::write(&cat, "档号,页数\nA-1,2\nA-2,1\nA-3,2\n").unwrap();
    let (_, stdout, stderr) = check(&[root.as_os_str(), "-c".as_ref(), cat.as_os_str()]);
    let mut got: Vec<(String, String)> = findings(&stdout)
        .into_iter()
        .filter(|(rule, ..)| rule.starts_with("record-") || rule.starts_with("page-"))
        .map(|(rule, _, record, _)| (rule, record))
        .collect();
    got.sort();
    let want = [("page-count-mismatch", "A-3"), ("record-id-normalized", "A-1")];
    assert_eq!(got, want.map(|(r, c)| (r.to_string(), c.to_string())), "{stderr}");
    let report: Value = serde_json::from_str(&stdout).unwrap();
    let delivered: Vec<&Value> =
        report["records"].as_array().unwrap().iter().map(|r| &r["pages_delivered"]).collect();
    assert_eq!(delivered, [&Value::from(2), &Value::from(1), &Value::from(1)]);
}
