//! `vouch check --depth quick|full` (issue #7): quick reads digests, structure and the
//! page facts the rules judge without decoding image data, and says so; full (the
//! default) still proves every page decodes.

use crate::support::generate::Defect;
use crate::util::{EXIT_ACCEPTED, EXIT_REJECTED, check_args, generated, vouch};
use serde_json::Value;
use std::ffi::OsString;
use std::path::{Path, PathBuf};

/// A JPEG page of the delivery whose entropy data gets a marker in its middle: headers
/// and end-of-image intact, so only a decode can tell.
fn damage_a_scan(delivery: &Path) -> PathBuf {
    let page = walkdir::WalkDir::new(delivery)
        .sort_by_file_name()
        .into_iter()
        .map(|e| e.unwrap().into_path())
        .find(|p| p.extension().is_some_and(|e| e == "jpg"))
        .expect("a JPEG page");
    let mut bytes = std::fs::read(&page).unwrap();
    let sos = bytes.windows(2).position(|w| w == [0xFF, 0xDA]).unwrap();
    let mid = sos + (bytes.len() - sos) / 2;
    bytes[mid..mid + 2].copy_from_slice(&[0xFF, 0xC0]);
    std::fs::write(&page, bytes).unwrap();
    page
}

fn rules(report: &Value) -> Vec<String> {
    let list = report["findings"].as_array().unwrap();
    list.iter().map(|f| f["rule"].as_str().unwrap().to_string()).collect()
}

#[test]
fn quick_judges_metadata_but_not_image_data_and_says_so() {
    let (dir, g) = generated(&[Defect::ResolutionLow]);
    damage_a_scan(&g.delivery);
    let args = |depth: Option<&str>, out: &str| {
        let mut a = check_args(&g.delivery, &g.catalogue, &g.manifest, &dir.path().join(out));
        if let Some(d) = depth {
            a.extend([OsString::from("--depth"), d.into()]);
        }
        a
    };
    let full = vouch(args(None, "full"));
    full.assert_code(EXIT_REJECTED);
    let full = full.json();
    assert_eq!(full["depth"], "full");
    assert!(rules(&full).contains(&"format-unreadable".into()), "{:?}", rules(&full));

    let quick = vouch(args(Some("quick"), "quick"));
    quick.assert_code(EXIT_REJECTED);
    let quick = quick.json();
    assert_eq!(quick["depth"], "quick");
    let r = rules(&quick);
    assert!(!r.contains(&"format-unreadable".into()), "quick decoded image data: {r:?}");
    // Metadata is still judged: the planted low resolution is found without a decode.
    assert!(r.contains(&"resolution-low".into()), "{r:?}");
    assert_eq!(quick["totals"]["pages"], full["totals"]["pages"]);

    let mut human = args(Some("quick"), "human");
    human.retain(|a| a != "--format" && a != "json");
    let human = vouch(human);
    let last = human.stdout.trim_end().lines().last().unwrap_or("").to_string();
    assert!(last.contains("depth quick"), "verdict line: {last}\n{}", human.stdout);
    assert!(human.stdout.contains("was not decoded"), "{}", human.stdout);
}

/// Fail closed (issue #8): a quick run of a clean delivery is `incomplete`, exit 1, with
/// no accepted manifest; the same delivery checked in full is accepted.
#[test]
fn quick_never_accepts() {
    let (dir, g) = generated(&[]);
    let out = |name: &str| dir.path().join(name);
    let mut args = check_args(&g.delivery, &g.catalogue, &g.manifest, &out("quick"));
    args.extend([OsString::from("--depth"), "quick".into()]);
    let quick = vouch(args);
    quick.assert_code(EXIT_REJECTED);
    let report = quick.json();
    assert_eq!(
        (report["verdict"].as_str(), report["findings"].as_array().map(Vec::len)),
        (Some("incomplete"), Some(0))
    );
    assert!(report["incomplete"].as_str().unwrap_or("").contains("depth quick"), "{report}");
    let names: Vec<String> = std::fs::read_dir(out("quick"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert!(names.iter().all(|n| !n.starts_with("accepted-manifest")), "{names:?}");

    let full = vouch(check_args(&g.delivery, &g.catalogue, &g.manifest, &out("full")));
    full.assert_code(EXIT_ACCEPTED);
    assert_eq!(full.json()["verdict"], "accepted");
    assert!(out("full").join("accepted-manifest-sha256.txt").exists());
}
