//! A report that reads on paper (issue #22): the acceptance report of the generated
//! 60-record delivery with every defect class prints on at most 12 A4 pages in headless
//! Chromium, and no table cell overflows its column (reference codes and path parts are
//! never broken inside, so a cell that cannot hold one would overflow instead).

use crate::support::generate::{self, Defect, Options};
use crate::util::{check, text};
use std::path::Path;
use std::process::Command;

const MAX_PAGES: u32 = 12;

/// A DOM check appended to a copy of report.html (the report itself carries no script):
/// the cells whose content is wider than the cell, written into the page title.
const OVERFLOW_PROBE: &str = "<script>window.onload = () => { \
  const bad = [...document.querySelectorAll('td')].filter(td => !td.classList.contains('title') \
    && td.scrollWidth > td.clientWidth + 1).map(td => td.textContent.slice(0, 40)); \
  document.title = 'OVERFLOW:' + JSON.stringify(bad); };</script>";

fn chromium() -> Command {
    let mut c = Command::new("chromium");
    c.args(["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"])
        .args(["--disable-component-update", "--disable-sync", "--no-first-run"]);
    c
}

fn pages(pdf: &Path) -> u32 {
    let o =
        Command::new("pdfinfo").arg(pdf).output().expect("pdfinfo (apt-get install poppler-utils)");
    let info = String::from_utf8_lossy(&o.stdout).into_owned();
    let line = info.lines().find(|l| l.starts_with("Pages:")).unwrap_or_else(|| panic!("{info}"));
    line["Pages:".len()..].trim().parse().unwrap()
}

#[test]
fn the_report_of_a_60_record_delivery_prints_on_few_pages_without_overflowing_cells() {
    let dir = tempfile::tempdir().unwrap();
    let opts = Options { seed: 7, records: Some(60), defects: Defect::ALL.to_vec() };
    let g = generate::generate(dir.path(), &opts).expect("generator");
    let out = dir.path().join("out");
    check(&g, &out);
    let html = out.join("report.html");
    let pdf = dir.path().join("report.pdf");
    let profile = format!("--user-data-dir={}", dir.path().join("chromium").display());
    let o = chromium()
        .arg(&profile)
        .arg("--no-pdf-header-footer")
        .arg(format!("--print-to-pdf={}", pdf.display()))
        .arg(format!("file://{}", html.display()))
        .output()
        .expect("chromium runs (apt-get install chromium)");
    assert!(pdf.is_file(), "no PDF: {}", text(&o));
    let n = pages(&pdf);
    assert!(n <= MAX_PAGES, "{n} printed pages, at most {MAX_PAGES}");
    // The same page with the probe, laid out at the A4 text width (190 mm ≈ 718 px).
    let probed = dir.path().join("probed.html");
    let page = std::fs::read_to_string(&html)
        .unwrap()
        .replace("</body>", &format!("{OVERFLOW_PROBE}</body>"));
    std::fs::write(&probed, page).unwrap();
    let o = chromium()
        .arg(&profile)
        .args(["--window-size=760,2000", "--virtual-time-budget=3000", "--dump-dom"])
        .arg(format!("file://{}", probed.display()))
        .output()
        .unwrap();
    let dom = String::from_utf8_lossy(&o.stdout);
    let title = dom.split("<title>").nth(1).and_then(|t| t.split("</title>").next()).unwrap_or("");
    assert_eq!(title, "OVERFLOW:[]", "cells overflowing their column: {title}");
}
