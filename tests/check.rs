//! `vouch check` end to end: generated deliveries in, report and exit status out.
//!
//! These tests hold the binary to the contract of the `dat31` profile: every planted
//! defect gives exactly its findings and nothing else, a clean delivery none, a bad
//! catalogue or output folder stops the run with exit 2 and a message naming the problem,
//! and the delivery is never modified.

use crate::support::generate::{self, Defect, Expected};
use crate::util::{
    EXIT_ACCEPTED, EXIT_COULD_NOT_RUN, EXIT_REJECTED, assert_same_findings, check, check_args,
    findings, generated, snapshot, vouch,
};
use std::path::Path;

#[test]
fn defective_delivery_gives_exactly_the_expected_findings() {
    let (dir, g) = generated(&Defect::ALL);
    let out = dir.path().join("report");
    let run = check(&g, &out);
    let report = run.json();
    assert_same_findings(&findings(&report), &g.expected, &run.stderr);
    run.assert_code(EXIT_REJECTED);
    assert_eq!(report["verdict"], "rejected");
    for f in report["findings"].as_array().unwrap() {
        let severity = if f["rule"] == "file-junk" { "warning" } else { "error" };
        assert_eq!(f["severity"], severity, "severity of {f}");
        assert!(f["message"].as_str().is_some_and(|m| !m.is_empty()), "message of {f}");
    }
    let written = std::fs::read(out.join("report.json")).expect("OUTDIR/report.json written");
    let written: serde_json::Value = serde_json::from_slice(&written).unwrap();
    assert_eq!(written, report, "report.json is the report printed on stdout");
    let listed: Vec<Expected> =
        serde_json::from_slice(&std::fs::read(&g.expected_file).unwrap()).unwrap();
    assert_eq!(listed, g.expected, "expected.json on disk");
}

#[test]
fn clean_delivery_is_accepted_with_no_findings() {
    let (dir, g) = generated(&[]);
    let run = check(&g, &dir.path().join("report"));
    let report = run.json();
    assert_same_findings(&findings(&report), &[], &run.stderr);
    run.assert_code(EXIT_ACCEPTED);
    assert_eq!(report["verdict"], "accepted");
}

#[test]
fn junk_alone_is_a_warning_and_does_not_block_acceptance() {
    let (dir, g) = generated(&[Defect::FileJunk]);
    let run = check(&g, &dir.path().join("report"));
    let report = run.json();
    assert_same_findings(&findings(&report), &g.expected, &run.stderr);
    run.assert_code(EXIT_ACCEPTED);
    assert_eq!(report["verdict"], "accepted");
    assert_eq!(report["findings"][0]["severity"], "warning");
}

#[test]
fn gbk_catalogue_raw_name_symlink_loop_and_empty_file_complete_with_findings() {
    let defects = [Defect::FileNameEncoding, Defect::FileSymlink, Defect::FileEmpty];
    let (dir, g) = generated(&defects);
    let run = check(&g, &dir.path().join("report"));
    assert_same_findings(&findings(&run.json()), &g.expected, &run.stderr);
    run.assert_code(EXIT_REJECTED);
    assert!(!run.stderr.contains("panicked"), "no panic:\n{}", run.stderr);
}

#[test]
fn check_leaves_every_entry_of_the_delivery_untouched() {
    let (dir, g) = generated(&Defect::ALL);
    let before = snapshot(&g.delivery);
    let run = check(&g, &dir.path().join("report"));
    run.assert_code(EXIT_REJECTED);
    let after = snapshot(&g.delivery);
    assert_eq!(before.len(), after.len(), "entries added or removed");
    for (path, state) in &before {
        let name = generate::escape(path);
        assert_eq!(
            Some(state),
            after.get(path),
            "{name} changed (kind/content, mtime, mode, size)"
        );
    }
}

#[test]
fn out_inside_the_delivery_is_refused() {
    let (_dir, g) = generated(&[]);
    let before = snapshot(&g.delivery);
    let run = vouch(check_args(&g.delivery, &g.catalogue, &g.manifest, &g.delivery.join("report")));
    run.assert_code(EXIT_COULD_NOT_RUN);
    assert_eq!(snapshot(&g.delivery), before, "nothing written into the delivery");
}

/// A report folder on a nearly full disk is refused at the start (exit 2), not after the
/// run. Needs a small tmpfs: mounted where the test runs as root (CI does); elsewhere
/// the test says so and checks nothing more.
#[test]
fn a_report_folder_on_a_full_disk_is_refused_at_the_start() {
    let (dir, g) = generated(&[]);
    let tiny = dir.path().join("tiny");
    std::fs::create_dir(&tiny).unwrap();
    let mount = std::process::Command::new("mount")
        .args(["-t", "tmpfs", "-o", "size=1m", "tmpfs"])
        .arg(&tiny)
        .output();
    if !mount.is_ok_and(|o| o.status.success()) {
        eprintln!("SKIPPED: cannot mount a tmpfs here (not root?)");
        return;
    }
    let run = vouch(check_args(&g.delivery, &g.catalogue, &g.manifest, &tiny.join("report")));
    let _ = std::process::Command::new("umount").arg(&tiny).status();
    run.assert_code(EXIT_COULD_NOT_RUN);
    assert!(run.stderr.contains("MiB free"), "{}", run.stderr);
}

/// Rewrites the generated GBK catalogue line by line (line 1 is the header).
fn rewrite_catalogue(
    g: &generate::Generated,
    edit: impl Fn(usize, &str) -> String,
) -> std::path::PathBuf {
    let bytes = std::fs::read(&g.catalogue).unwrap();
    let (text, _, _) = encoding_rs::GBK.decode(&bytes);
    let lines: Vec<String> =
        text.split_terminator("\r\n").enumerate().map(|(i, l)| edit(i + 1, l)).collect();
    let path = g.catalogue.with_file_name("broken-catalogue.csv");
    std::fs::write(&path, generate::gbk(&(lines.join("\r\n") + "\r\n")).unwrap()).unwrap();
    path
}

/// Asserts stderr names `file` and points at `line` (as "line N", "行 N" or "file:N").
fn assert_names_file_and_line(stderr: &str, file: &Path, line: usize) {
    let name = file.file_name().unwrap().to_str().unwrap();
    assert!(stderr.contains(name), "stderr does not name {name}:\n{stderr}");
    let pattern =
        format!(r"(?i)(line\s*{line}\b|第\s*{line}\s*行|{}:{line}\b)", regex::escape(name));
    let re = regex::Regex::new(&pattern).unwrap();
    assert!(re.is_match(stderr), "stderr does not point at line {line}:\n{stderr}");
}

/// A bad row is a finding naming the file and line, not a refusal: one run lists every
/// bad row of a catalogue (issue #9), and the verdict is still `rejected`.
#[test]
fn non_numeric_page_count_is_a_finding_naming_file_and_line() {
    let (dir, g) = generated(&[]);
    // Data line 3 is line 4 of the file: its 页数 becomes 三 ("three" in words).
    let bad = rewrite_catalogue(&g, |n, l| {
        if n == 4 { format!("{},三", l.rsplit_once(',').unwrap().0) } else { l.to_string() }
    });
    let run = vouch(check_args(&g.delivery, &bad, &g.manifest, &dir.path().join("report")));
    run.assert_code(EXIT_REJECTED);
    let report = run.json();
    let found: Vec<&serde_json::Value> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["rule"] == "record-pages-invalid")
        .collect();
    assert_eq!(found.len(), 1, "{}", report["findings"]);
    let message = found[0]["message"].as_str().unwrap();
    assert_names_file_and_line(message, &bad, 4);
    assert!(message.contains("页数"), "the message names the column: {message}");
}

#[test]
fn catalogue_without_reference_code_column_is_refused_naming_file_and_column() {
    let (dir, g) = generated(&[]);
    let bad =
        rewrite_catalogue(
            &g,
            |n, l| if n == 1 { l.replace("档号", "编号") } else { l.to_string() },
        );
    let run = vouch(check_args(&g.delivery, &bad, &g.manifest, &dir.path().join("report")));
    run.assert_code(EXIT_COULD_NOT_RUN);
    assert_names_file_and_line(&run.stderr, &bad, 1);
    assert!(run.stderr.contains("档号"), "stderr names the missing column:\n{}", run.stderr);
}
