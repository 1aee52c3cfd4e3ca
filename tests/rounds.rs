//! Rounds of acceptance (issue #22): the vendor fixes one defect, leaves one and
//! introduces one; the second round's report says exactly which, by `--previous` and by
//! `vouch diff`, matched by rule, record, path and page.

use crate::util::{EXIT_ACCEPTED, EXIT_REJECTED, generated, vouch};
use serde_json::Value;
use std::path::{Path, PathBuf};

/// JPEG page files of a delivery, one per record folder, in name order.
fn pages(root: &Path) -> Vec<PathBuf> {
    let mut folders: Vec<PathBuf> = std::fs::read_dir(root)
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.is_dir())
        .collect();
    folders.sort();
    folders
        .iter()
        .filter_map(|d| {
            let mut jpegs: Vec<PathBuf> = std::fs::read_dir(d)
                .unwrap()
                .flatten()
                .map(|e| e.path())
                .filter(|p| p.extension().is_some_and(|x| x == "jpg"))
                .collect();
            jpegs.sort();
            jpegs.into_iter().next()
        })
        .collect()
}

fn rel(root: &Path, p: &Path) -> String {
    p.strip_prefix(root).unwrap().display().to_string()
}

fn check(
    g: &crate::support::generate::Generated,
    out: &Path,
    previous: Option<&Path>,
) -> crate::util::Run {
    let mut args = crate::util::check_args(&g.delivery, &g.catalogue, &g.manifest, out);
    if let Some(p) = previous {
        args.extend(["--previous".into(), p.into()]);
    }
    vouch(args)
}

fn list<'a>(report: &'a Value, field: &str) -> &'a Vec<Value> {
    report[field].as_array().unwrap_or_else(|| panic!("report has `{field}`"))
}

#[test]
fn a_second_round_names_what_was_fixed_what_is_new_and_what_is_still_open() {
    let (dir, g) = generated(&[]);
    let pages = pages(&g.delivery);
    let (fixed_page, new_page) = (&pages[0], &pages[1]);
    let junk = pages[1].parent().unwrap().join("Thumbs.db");
    // Round 1: a page missing and a junk file.
    let kept = std::fs::read(fixed_page).unwrap();
    std::fs::remove_file(fixed_page).unwrap();
    std::fs::write(&junk, b"junk").unwrap();
    let out1 = dir.path().join("round1");
    check(&g, &out1, None).assert_code(EXIT_REJECTED);
    // Round 2: the page is back, the junk stays, another page is truncated.
    std::fs::write(fixed_page, kept).unwrap();
    let bytes = std::fs::read(new_page).unwrap();
    std::fs::write(new_page, &bytes[..bytes.len() / 2]).unwrap();
    let out2 = dir.path().join("round2");
    let run = check(&g, &out2, Some(&out1));
    run.assert_code(EXIT_REJECTED);
    let report = run.json();
    let fixed_rel = rel(&g.delivery, fixed_page);
    let fixed_record = fixed_rel.split('/').next().unwrap();
    let fixed = list(&report, "fixed");
    assert!(!fixed.is_empty());
    for f in fixed {
        let at_page = f["path"] == fixed_rel.as_str() || f["record"] == fixed_record;
        assert!(at_page, "fixed, but not where the page came back: {f}");
    }
    let new_rel = rel(&g.delivery, new_page);
    let junk_rel = rel(&g.delivery, &junk);
    let (mut new, mut persisting) = (0, 0);
    for f in list(&report, "findings") {
        match f["since"].as_str() {
            Some("new") => {
                assert_eq!(f["path"], new_rel.as_str(), "new, but not where it was injected: {f}");
                new += 1;
            }
            Some("persisting") => {
                assert_eq!(f["path"], junk_rel.as_str(), "persisting, but not the junk: {f}");
                persisting += 1;
            }
            other => panic!("a finding without `since`: {other:?} {f}"),
        }
    }
    assert!(new > 0 && persisting == 1, "{new} new, {persisting} persisting");
    let round = &report["round"];
    assert_eq!(round["number"], 2);
    assert_eq!(
        (round["fixed"].as_u64(), round["new"].as_u64()),
        (Some(fixed.len() as u64), Some(new))
    );
    let csv = std::fs::read_to_string(out2.join("findings.csv")).unwrap();
    assert!(csv.lines().next().unwrap().ends_with(",since"), "{csv}");
    // The terminal summary opens with the round line.
    let human = vouch([
        "check".into(),
        g.delivery.clone().into_os_string(),
        "-c".into(),
        g.catalogue.clone().into_os_string(),
        "-m".into(),
        g.manifest.clone().into_os_string(),
        "--previous".into(),
        out1.clone().into_os_string(),
    ]);
    let line =
        format!("round 2: {} fixed, {new} new, {} still open", fixed.len(), new + persisting);
    assert_eq!(human.stdout.lines().next(), Some(line.as_str()), "{}", human.stdout);
    // `vouch diff` agrees with --previous.
    let diff = vouch([
        "diff".into(),
        out1.into_os_string(),
        out2.into_os_string(),
        "--format".into(),
        "json".into(),
    ]);
    diff.assert_code(EXIT_ACCEPTED);
    let d = diff.json();
    assert_eq!(d["round"]["fixed"], round["fixed"]);
    assert_eq!(d["round"]["new"], round["new"]);
    assert_eq!(d["round"]["persisting"], round["persisting"]);
    assert_eq!(d["fixed"].as_array().unwrap().len(), fixed.len());
}
