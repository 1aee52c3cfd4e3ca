//! Unit tests of catalogue reading: encodings, header detection, row problems, lookup.

use super::*;
use crate::profile::Profile;

fn spec() -> CatalogueSpec {
    Profile::load("dat31").unwrap().catalogue
}

fn read_with(bytes: &[u8], spec: &CatalogueSpec) -> Result<Catalogue, CatalogueError> {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("cat.csv");
    std::fs::write(&p, bytes).unwrap();
    Catalogue::read(&p, spec, &Options::default())
}

fn read(bytes: &[u8]) -> Result<Catalogue, CatalogueError> {
    read_with(bytes, &spec())
}

#[test]
fn gbk_catalogue_is_decoded() {
    let text = "档号,题名,页数\nJ001-WS-2020-0001,关于档案工作的通知,3\n";
    let (gbk, _, _) = encoding_rs::GBK.encode(text);
    let cat = read(&gbk).unwrap();
    assert_eq!(cat.encoding, "GB18030");
    assert_eq!(cat.records[0].id, "J001-WS-2020-0001");
    assert_eq!(cat.records[0].title.as_deref(), Some("关于档案工作的通知"));
    assert_eq!(cat.records[0].pages, 3);
}

#[test]
fn utf8_bom_and_excel_numbers() {
    let cat = read("\u{feff}档号,页数\nA-1,12.0\n\u{a0}A-2\u{200b},4\n,\n".as_bytes()).unwrap();
    assert_eq!(cat.encoding, "UTF-8 with BOM");
    assert_eq!(cat.records.len(), 2);
    assert_eq!((cat.records[0].pages, cat.records[1].id.as_str()), (12, "A-2"));
    assert!(cat.notes.iter().any(|n| n.contains("line 4 skipped: empty")), "{:?}", cat.notes);
}

#[test]
fn semicolons_tabs_and_quoted_newlines() {
    let cat =
        read("档号;题名;页数\nA-1;\"two\nlines; one title\";3\nA-2;x;4\n".as_bytes()).unwrap();
    assert_eq!(cat.records[0].title.as_deref(), Some("two\nlines; one title"));
    assert_eq!((cat.records[1].id.as_str(), cat.records[1].line), ("A-2", 4));
    let cat = read("题名\t档号\t页数\nt\tA-1\t3\n".as_bytes()).unwrap();
    assert_eq!(cat.records[0].id, "A-1");
}

#[test]
fn header_below_title_rows() {
    let cat = read("某馆文书档案目录,,\n,,\n档号,题名,页数\nA-1,t,3\n".as_bytes()).unwrap();
    assert_eq!(cat.records[0].line, 4);
    assert!(cat.notes.iter().any(|n| n.contains("line 1 above the header")), "{:?}", cat.notes);
}

#[test]
fn bad_rows_are_problems_naming_the_line() {
    let cat = read(b"dh,ys\nA-1,3\nA-2,three\nA-3,\nA-4,0\n,5\n").unwrap();
    let got: Vec<_> = cat.problems.iter().map(|p| (p.rule, p.record.as_deref())).collect();
    assert_eq!(
        got,
        [
            ("record-pages-invalid", Some("A-2")),
            ("record-pages-invalid", Some("A-3")),
            ("record-pages-invalid", Some("A-4")),
            ("record-id-invalid", None),
        ]
    );
    let en = |i: usize| cat.problems[i].message.render(crate::finding::Lang::En);
    let m = en(0);
    assert!(m.contains("cat.csv', line 3") && m.contains("'three'"), "{m}");
    assert!(en(2).contains("is 0"));
    assert!(en(3).contains("line 6") && en(3).contains("no reference code"));
    assert_eq!(cat.records.len(), 4);
    assert!(!cat.records[1].pages_known && cat.records[0].pages_known);
}

#[test]
fn missing_column_names_what_was_found() {
    let err = read(b"code,pages\nA-1,3\n").unwrap_err().to_string();
    assert!(err.contains("no reference-code column") && err.contains("[code, pages]"), "{err}");
}

#[test]
fn duplicate_codes_are_kept_for_a_finding() {
    let cat = read("dh,ys\nA-1,3\nＡ-1,4\n".as_bytes()).unwrap();
    assert_eq!(cat.records.len(), 1);
    assert_eq!(cat.duplicates[0].0.line, 3);
    assert_eq!(cat.duplicates[0].1, 2);
}

#[test]
fn lookup_says_how_a_name_matched() {
    let cat = read("档号,页数\nJ001-WS-0001,3\nＪ００２,1\n".as_bytes()).unwrap();
    assert_eq!(cat.lookup("J001-WS-0001"), Some((0, Match::Exact)));
    assert_eq!(cat.lookup("Ｊ００１－ＷＳ－０００１"), Some((0, Match::Normalized)));
    assert_eq!(cat.lookup("J001-WS-0001\u{200b}"), Some((0, Match::Normalized)));
    assert_eq!(cat.lookup("J002"), Some((1, Match::Normalized)));
    assert_eq!(cat.lookup("J003"), None);
}

#[test]
fn id_pattern_flags_rows_that_break_it() {
    let mut spec = spec();
    spec.id_pattern = Some(regex::Regex::new("^(?:[A-Z][0-9]{3}-[0-9]{4})$").unwrap());
    let cat = read_with("档号,页数\nJ001-0001,3\nJ1-1,2\nＪ００１－０００２,1\n".as_bytes(), &spec)
        .unwrap();
    assert_eq!(cat.problems.len(), 1, "{:?}", cat.problems);
    let p = &cat.problems[0];
    assert_eq!((p.rule, p.record.as_deref()), ("record-id-invalid", Some("J1-1")));
    assert!(
        p.message.render(crate::finding::Lang::En).contains("line 3")
            && p.message.render(crate::finding::Lang::En).contains("[A-Z][0-9]{3}-[0-9]{4}"),
        "{}",
        p.message.render(crate::finding::Lang::En)
    );
    assert_eq!(cat.records.len(), 3, "a code that breaks the syntax is still matched");
}

#[test]
fn csv_has_no_sheets() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("cat.csv");
    std::fs::write(&p, "dh,ys\nA,1\n").unwrap();
    let opts = Options { sheet: Some("案卷目录".into()), ..Options::default() };
    let err = Catalogue::read(&p, &spec(), &opts).unwrap_err().to_string();
    assert!(err.contains("no sheets") && err.contains("--sheet"), "{err}");
}

#[test]
fn volume_arrangement_reads_the_item_list() {
    let dir = tempfile::tempdir().unwrap();
    let (c, i) = (dir.path().join("vol.csv"), dir.path().join("items.csv"));
    std::fs::write(&c, "档号,页数\nV-1,10\nV-2,4\n").unwrap();
    let items = "案卷档号,件号,页号\nV-1,1,1\n,2,4-10\nV-2,V-2-1,1-4\nV-9,1,1\nV-2,V-2-2,x\n";
    std::fs::write(&i, items).unwrap();
    let mut spec = spec();
    spec.arrangement = Arrangement::Volume;
    let err = Catalogue::read(&c, &spec, &Options::default()).unwrap_err().to_string();
    assert!(err.contains("--items") && err.contains("卷内目录"), "{err}");
    let opts = Options { items: Some(i), ..Options::default() };
    let cat = Catalogue::read(&c, &spec, &opts).unwrap();
    let list = cat.items.as_ref().unwrap();
    let got: Vec<_> = list.items.iter().map(|it| (it.id.as_str(), it.volume, it.pages)).collect();
    use normalize::PageField::{Range, Start};
    assert_eq!(
        got,
        [
            ("V-1/1", 0, Some(Start(1))),
            ("V-1/2", 0, Some(Range(4, 10))),
            ("V-2-1", 1, Some(Range(1, 4))),
            ("V-2-2", 1, None),
        ]
    );
    let rules: Vec<_> = cat.problems.iter().map(|p| p.rule).collect();
    assert_eq!(rules, ["item-volume-unknown", "record-pages-invalid"]);
    assert!(
        cat.problems[0].message.render(crate::finding::Lang::En).contains("items.csv', line 5"),
        "{}",
        cat.problems[0].message.render(crate::finding::Lang::En)
    );
    assert!(cat.notes.iter().any(|n| n.contains("copied down")), "{:?}", cat.notes);
}
