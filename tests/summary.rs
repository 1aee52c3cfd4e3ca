//! The terminal (issues #16.7 and #17): the summary names report files only when they
//! were written, and no name reaches a terminal line with its control characters raw,
//! in any command.

use std::path::Path;
use std::process::Output;

/// A name that, printed raw, clears the screen and prints a green ACCEPTED.
const HOSTILE: &str = "0008\x1b[2J\x1b[32mACCEPTED\x1b[0m.tif";
/// How it must be shown: each control character as `%XX`, as the report files do.
const SHOWN: &str = "0008%1B[2J%1B[32mACCEPTED%1B[0m.tif";

fn vouch(dir: &Path, args: &[&str]) -> Output {
    crate::util::vouch_command().args(args).current_dir(dir).output().unwrap()
}

/// Asserts `o` shows the hostile name escaped and has no raw control character (bar the
/// line ends and the tabs of its own layout).
fn escaped(o: &Output, what: &str) {
    let all =
        format!("{}{}", String::from_utf8_lossy(&o.stdout), String::from_utf8_lossy(&o.stderr));
    assert!(all.contains(SHOWN), "{what}: the name is not shown escaped:\n{all}");
    let raw = all.chars().find(|c| c.is_control() && !matches!(c, '\n' | '\t'));
    assert_eq!(raw, None, "{what}: a raw control character reached the terminal:\n{all:?}");
}

#[test]
fn without_out_the_summary_names_no_report_file() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("delivery")).unwrap();
    let rows: String = (1..=10).map(|i| format!("R-{i:02},1\n")).collect();
    std::fs::write(dir.path().join("cat.csv"), format!("档号,页数\n{rows}")).unwrap();
    let o = vouch(dir.path(), &["check", "delivery", "-c", "cat.csv"]);
    let out = String::from_utf8(o.stdout).unwrap();
    assert_eq!(o.status.code(), Some(1), "{out}");
    assert!(!out.contains("report.json") && !out.contains("report: "), "{out}");
    assert!(out.contains("  record-missing (10)\n"), "{out}");
    assert!(out.contains("… 7 more (not shown; --out DIR writes them all)"), "{out}");
    let o = vouch(dir.path(), &["check", "delivery", "-c", "cat.csv", "--out", "out"]);
    let out = String::from_utf8(o.stdout).unwrap();
    assert!(out.contains("… 7 more (in the report)") && out.contains("report: "), "{out}");
}

#[test]
fn control_characters_in_names_never_reach_the_terminal_raw() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::create_dir_all(d.join("delivery/A-1")).unwrap();
    std::fs::write(d.join("delivery").join(HOSTILE), b"II*\0not a tiff").unwrap();
    std::fs::write(d.join("cat.csv"), "档号,页数\nA-1,1\n").unwrap();
    let check = vouch(d, &["check", "delivery", "-c", "cat.csv", "--out", "out"]);
    escaped(&check, "check's summary");
    let inspect = vouch(d, &["inspect", &format!("delivery/{HOSTILE}")]);
    escaped(&inspect, "inspect");
    let sum = "0".repeat(64);
    std::fs::write(d.join("delivery/manifest-sha256.txt"), format!("{sum}  {HOSTILE}\n")).unwrap();
    let fixity = vouch(d, &["manifest", "--verify", "delivery/manifest-sha256.txt"]);
    escaped(&fixity, "manifest --verify");
    std::fs::write(d.join("out").join(HOSTILE), "planted").unwrap();
    let verify = vouch(d, &["verify", "out", "--hashes-only"]);
    escaped(&verify, "verify");
    let missing = vouch(d, &["check", "delivery", "-c", &format!("{HOSTILE}.csv")]);
    assert_eq!(missing.status.code(), Some(2));
    escaped(&missing, "an error message");
}
