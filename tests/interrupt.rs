//! Interruption (issue #8): a run stopped by SIGINT or SIGTERM writes a report marked
//! `incomplete`, exits 130, and leaves no accepted manifest behind; nothing is vouched for.

use crate::util::check_args;
use std::process::Command;
use std::time::Duration;

const EXIT_INTERRUPTED: i32 = 130;

/// Sends `signal` to a running check 300 ms in; checks it exits 130 with an `incomplete`
/// report in `out`, and returns that report and the run's output.
fn interrupt(
    child: std::process::Child,
    signal: &str,
    out: &std::path::Path,
) -> (serde_json::Value, std::process::Output) {
    std::thread::sleep(Duration::from_millis(300));
    let status = Command::new("kill").args([signal, &child.id().to_string()]).status().unwrap();
    assert!(status.success());
    let output = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(EXIT_INTERRUPTED), "{stderr}");
    let report: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join("report.json")).unwrap()).unwrap();
    assert_eq!(report["verdict"], "incomplete");
    (report, output)
}

fn interrupted_run(signal: &str) {
    let dir = tempfile::tempdir().unwrap();
    let delivery = dir.path().join("delivery");
    std::fs::create_dir_all(delivery.join("A-1")).unwrap();
    // Large sparse files, read one at a time: the run is still reading when the
    // signal comes, however fast the machine.
    for n in 1..=4 {
        let f = std::fs::File::create(delivery.join(format!("A-1/{n:04}.jpg"))).unwrap();
        f.set_len(512 << 20).unwrap();
    }
    let catalogue = dir.path().join("cat.csv");
    std::fs::write(&catalogue, "档号,页数\nA-1,4\n").unwrap();
    let manifest = dir.path().join("manifest-sha256.txt");
    std::fs::write(&manifest, format!("{}  A-1/0001.jpg\n", "0".repeat(64))).unwrap();
    let out = dir.path().join("out");
    let mut args = check_args(&delivery, &catalogue, &manifest, &out);
    args.extend(["--jobs".into(), "1".into(), "--manifest-root".into(), delivery.clone().into()]);
    let (report, output) = interrupt(crate::util::spawn_vouch(&args), signal, &out);
    let why = report["incomplete"].as_str().unwrap();
    assert!(why.contains("of 4 files were not inspected"), "{why}");
    assert!(!out.join("accepted-manifest-sha256.txt").exists(), "no partial reference");
    let stdout: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(stdout["verdict"], "incomplete", "stdout carries the same report");
}

#[test]
fn sigint_writes_an_incomplete_report_and_exits_130() {
    interrupted_run("-INT");
}

#[test]
fn sigterm_does_the_same() {
    interrupted_run("-TERM");
}

#[test]
fn ctrl_c_stops_the_walk_too_and_the_report_says_so() {
    // 600 record folders of one large sparse page: the walk lists at most two batches
    // (512 entries) ahead of the inspection, so at the signal most of the delivery is
    // not yet listed, and it is not listed after (an interrupted check of a slow drive
    // must end promptly).
    let dir = tempfile::tempdir().unwrap();
    let delivery = dir.path().join("delivery");
    let mut rows = String::from("档号,页数\n");
    for r in 1..=600 {
        std::fs::create_dir_all(delivery.join(format!("A-{r:03}"))).unwrap();
        let f = std::fs::File::create(delivery.join(format!("A-{r:03}/0001.jpg"))).unwrap();
        f.set_len(16 << 20).unwrap();
        rows.push_str(&format!("A-{r:03},1\n"));
    }
    let catalogue = dir.path().join("cat.csv");
    std::fs::write(&catalogue, rows).unwrap();
    let out = dir.path().join("out");
    let args = ["check".as_ref(), delivery.as_os_str(), "-c".as_ref(), catalogue.as_os_str()];
    let mut args: Vec<std::ffi::OsString> = args.iter().map(|a| a.to_os_string()).collect();
    args.extend(["--out".into(), out.clone().into(), "--format".into(), "json".into()]);
    args.extend(["-q".into(), "--jobs".into(), "1".into()]);
    let (report, _) = interrupt(crate::util::spawn_vouch(&args), "-INT", &out);
    let why = report["incomplete"].as_str().unwrap();
    assert!(why.contains("the rest of the delivery was not listed"), "{why}");
    assert!(report["files"].as_array().unwrap().len() < 600);
    assert!(!out.join("accepted-manifest-sha256.txt").exists(), "no partial reference");
}

#[test]
fn an_interrupted_run_claims_nothing_it_did_not_read() {
    // 300 records of one large sparse page each, all listed in a manifest: at the signal
    // most are neither inspected nor listed. None of them may be `ok`, `missing` or a
    // `hash-missing-file`; the vendor's list says the run was interrupted; JUnit skips
    // them; the contact sheet draws only from inspected pages.
    let dir = tempfile::tempdir().unwrap();
    let delivery = dir.path().join("delivery");
    let (mut rows, mut manifest) = (String::from("档号,页数\n"), String::new());
    for r in 1..=300 {
        std::fs::create_dir_all(delivery.join(format!("A-{r:03}"))).unwrap();
        let f = std::fs::File::create(delivery.join(format!("A-{r:03}/0001.jpg"))).unwrap();
        f.set_len(16 << 20).unwrap();
        rows.push_str(&format!("A-{r:03},1\n"));
        manifest.push_str(&format!("{}  A-{r:03}/0001.jpg\n", "0".repeat(64)));
    }
    let catalogue = dir.path().join("cat.csv");
    std::fs::write(&catalogue, rows).unwrap();
    std::fs::write(delivery.join("manifest-sha256.txt"), manifest).unwrap();
    let out = dir.path().join("out");
    let mut args = check_args(&delivery, &catalogue, &delivery.join("manifest-sha256.txt"), &out);
    args.extend(["-q".into(), "--jobs".into(), "1".into(), "--sample-seed".into(), "1".into()]);
    let (report, _) = interrupt(crate::util::spawn_vouch(&args), "-INT", &out);
    let rules = crate::util::rules(&report);
    assert!(!rules.contains(&"hash-missing-file".to_string()), "{rules:?}");
    let statuses: Vec<&str> = report["records"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["status"].as_str().unwrap())
        .collect();
    assert!(statuses.iter().all(|s| *s == "failed" || *s == "not-checked"), "{statuses:?}");
    let not_checked = statuses.iter().filter(|s| **s == "not-checked").count();
    assert!(not_checked > 100, "{not_checked} not-checked");
    let totals = &report["totals"];
    assert!(totals["inspected"].as_u64() < totals["files"].as_u64(), "{totals}");
    let inspected: std::collections::BTreeSet<&str> =
        report["files"].as_array().unwrap().iter().map(|f| f["path"].as_str().unwrap()).collect();
    for page in report["sample"]["pages"].as_array().unwrap() {
        assert!(inspected.contains(page["path"].as_str().unwrap()), "{page} was never inspected");
    }
    let csv = std::fs::read_to_string(out.join("findings.csv")).unwrap();
    let first = csv.lines().nth(1).unwrap();
    assert!(first.starts_with("run-interrupted,error"), "{first}");
    let junit = std::fs::read_to_string(out.join("junit.xml")).unwrap();
    assert_eq!(junit.matches("<skipped").count(), not_checked, "{junit}");
    let html = std::fs::read_to_string(out.join("report.html")).unwrap();
    assert!(html.contains("not-checked"));
}
