//! Readback sampling end to end: `vouch media add`, `sample`, `ledger verify|export` and
//! `due` driven as the real binary, on a medium built in a temporary folder and then
//! damaged the ways media fail: a changed file, a removed file, a FIFO or a folder where
//! a file was; the ledger edited, cut, reordered and written by many runs at once.

use crate::util::{EXIT_ACCEPTED, EXIT_COULD_NOT_RUN, EXIT_REJECTED, snapshot, vouch};
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// A medium of three records with four files each, its manifest, and a key pair.
struct Fixture {
    _dir: tempfile::TempDir,
    base: PathBuf,
    medium: PathBuf,
    manifest: PathBuf,
    ledger: PathBuf,
}

impl Fixture {
    fn new() -> Fixture {
        let dir = tempfile::tempdir().unwrap();
        let base = dir.path().to_path_buf();
        let medium = base.join("medium");
        let mut manifest = String::new();
        for (r, record) in ["R1", "R2", "R3"].iter().enumerate() {
            std::fs::create_dir_all(medium.join(record)).unwrap();
            for i in 1..=4usize {
                let rel = format!("{record}/{i:04}.tif");
                let bytes: Vec<u8> =
                    (0..(i * 40_000 + r * 777)).map(|k| (k * 31 + i) as u8).collect();
                std::fs::write(medium.join(&rel), &bytes).unwrap();
                manifest += &format!("{}  {rel}\n", vouch::bundle::sha256_hex(&bytes));
            }
        }
        std::fs::create_dir(base.join("acceptance")).unwrap();
        let manifest_path = base.join("acceptance/accepted-manifest-sha256.txt");
        std::fs::write(&manifest_path, manifest).unwrap();
        let ledger = base.join("media.jsonl");
        Fixture { _dir: dir, base, medium, manifest: manifest_path, ledger }
    }

    fn keygen(&self) -> (PathBuf, PathBuf) {
        let dir = self.base.join("keys");
        vouch(["keygen", "--no-password", "--name", "k", "--out-dir", &s(&dir)])
            .assert_code(EXIT_ACCEPTED);
        (dir.join("k.key"), dir.join("k.pub"))
    }

    fn add_args(&self, id: &str, kind: &str, written: &str) -> Vec<String> {
        [
            "media",
            "add",
            "--ledger",
            &s(&self.ledger),
            "--id",
            id,
            "--type",
            kind,
            "--written",
            written,
            "--manifest",
            &s(&self.manifest),
        ]
        .map(String::from)
        .to_vec()
    }

    fn add(&self, id: &str, kind: &str, written: &str) {
        vouch(self.add_args(id, kind, written)).assert_code(EXIT_ACCEPTED);
    }

    fn sample_args(&self, id: &str, extra: &[&str]) -> Vec<String> {
        let mut a = ["sample", &s(&self.medium), "--ledger", &s(&self.ledger), "--id", id]
            .map(String::from)
            .to_vec();
        a.extend(extra.iter().map(|x| x.to_string()));
        a
    }
}

fn s(p: &Path) -> String {
    p.display().to_string()
}

fn findings(report: &Value) -> Vec<(String, String)> {
    let list = report["findings"].as_array().expect("findings");
    list.iter()
        .map(|f| (f["path"].as_str().unwrap().to_string(), f["rule"].as_str().unwrap().to_string()))
        .collect()
}

#[test]
fn readback_reports_changed_removed_and_unreadable_files_and_reads_the_rest() {
    let f = Fixture::new();
    f.add("HDD-1", "magnetic", "2024-02-29");
    let m = &f.medium;
    std::fs::write(m.join("R1/0002.tif"), vec![0u8; 80_000]).unwrap(); // same size, other bytes
    std::fs::remove_file(m.join("R2/0001.tif")).unwrap();
    std::fs::remove_file(m.join("R3/0003.tif")).unwrap();
    rustix::fs::mkfifoat(rustix::fs::CWD, m.join("R3/0003.tif"), rustix::fs::Mode::RUSR).unwrap();
    std::fs::remove_file(m.join("R1/0004.tif")).unwrap();
    std::fs::create_dir(m.join("R1/0004.tif")).unwrap();
    let before = snapshot(m);
    let out = f.base.join("readback");
    let run = vouch(f.sample_args(
        "HDD-1",
        &["--rate", "1", "--seed", "7", "--format", "json", "--out", &s(&out)],
    ));
    run.assert_code(EXIT_REJECTED);
    assert_eq!(snapshot(m), before, "the medium was changed");
    let report = run.json();
    let want = [
        ("R1/0002.tif", "readback-mismatch"),
        ("R1/0004.tif", "readback-io-error"),
        ("R2/0001.tif", "readback-missing"),
        ("R3/0003.tif", "readback-io-error"),
    ];
    assert_eq!(findings(&report), want.map(|(p, r)| (p.to_string(), r.to_string())));
    let ok = report["files"].as_array().unwrap().iter().filter(|x| x["status"] == "ok").count();
    assert_eq!(ok, 8, "the rest of the sample is still read");
    assert_eq!(report["verdict"], "fail");
    let fifo = &report["findings"][3]["message"];
    assert!(fifo.as_str().unwrap().contains("a FIFO"), "{fifo}");
    let html = std::fs::read_to_string(out.join("report.html")).unwrap();
    assert!(html.contains("<svg") && !html.contains("<script"), "inline SVG, no scripts");
    assert!(std::fs::read(out.join("files.csv")).unwrap().starts_with(b"\xEF\xBB\xBF"));
    vouch(["verify".into(), out.into_os_string(), "--hashes-only".into()])
        .assert_code(EXIT_ACCEPTED);
    let ledger = std::fs::read_to_string(&f.ledger).unwrap();
    assert!(ledger.lines().nth(1).unwrap().contains("\"result\":\"fail\""), "{ledger}");
    // A medium that has just failed is due at once, and `due` says so by its exit code.
    let line: serde_json::Value = serde_json::from_str(ledger.lines().nth(1).unwrap()).unwrap();
    let tested = line["entry"]["date"].as_str().expect("a readback line has a date").to_owned();
    let run = vouch(["due", "--ledger", &s(&f.ledger), "--on", &tested]);
    run.assert_code(EXIT_REJECTED);
    assert!(run.stdout.contains("RECOVERY NEEDED: HDD-1"), "{}", run.stdout);
    assert!(run.stdout.contains(&format!("due since {tested}")), "{}", run.stdout);
    let run = vouch(["ledger", "export", &s(&f.ledger), "--format", "csv"]);
    assert!(run.stdout.contains(&format!(",fail,{tested}\r\n")), "{}", run.stdout);
}

#[test]
fn a_clean_medium_passes_and_the_same_seed_draws_the_same_files() {
    let f = Fixture::new();
    f.add("HDD-2", "magnetic", "2023-05-01");
    let drawn = |seed: &str| {
        let run = vouch(f.sample_args("HDD-2", &["--seed", seed, "--format", "json"]));
        run.assert_code(EXIT_ACCEPTED);
        let r = run.json();
        let files: Vec<String> = r["files"]
            .as_array()
            .unwrap()
            .iter()
            .map(|x| x["path"].as_str().unwrap().into())
            .collect();
        assert!(
            r["sample"]["bytes_sampled"].as_f64().unwrap()
                >= 0.1 * r["sample"]["bytes_listed"].as_f64().unwrap()
        );
        files
    };
    let a = drawn("11");
    assert_eq!(a, drawn("11"));
    assert!(a.len() >= 2, "at least 10% of 12 files: {a:?}");
    let records: std::collections::BTreeSet<_> = a.iter().map(|p| &p[..2]).collect();
    assert_eq!(records.len(), a.len().min(3), "spread across records: {a:?}");
}

#[test]
fn setup_problems_exit_2_and_append_nothing() {
    let f = Fixture::new();
    f.add("HDD-3", "magnetic", "2023-05-01");
    let lines = || std::fs::read_to_string(&f.ledger).unwrap().lines().count();
    let empty = f.base.join("not-mounted");
    std::fs::create_dir(&empty).unwrap();
    let mut args = f.sample_args("HDD-3", &[]);
    args[1] = s(&empty);
    let run = vouch(&args);
    run.assert_code(EXIT_COULD_NOT_RUN);
    assert!(run.stderr.contains("is the medium mounted"), "{}", run.stderr);
    vouch(f.sample_args("NOPE", &[])).assert_code(EXIT_COULD_NOT_RUN);
    vouch(f.sample_args("HDD-3", &["--rate", "0.05"])).assert_code(EXIT_COULD_NOT_RUN);
    std::fs::write(
        &f.manifest,
        std::fs::read_to_string(&f.manifest).unwrap().replace("R1/0001", "R1/0009"),
    )
    .unwrap();
    let run = vouch(f.sample_args("HDD-3", &[]));
    run.assert_code(EXIT_COULD_NOT_RUN);
    assert!(run.stderr.contains("not the one registered on ledger line 1"), "{}", run.stderr);
    assert_eq!(lines(), 1);
    vouch(f.add_args("HDD-3", "optical", "2023-05-01")).assert_code(EXIT_COULD_NOT_RUN);
}

fn verify(ledger: &Path, key: Option<&Path>) -> crate::util::Run {
    let mut args = vec!["ledger".to_string(), "verify".into(), s(ledger)];
    if let Some(k) = key {
        args.extend(["--public-key".into(), s(k)]);
    }
    vouch(args)
}

#[test]
fn ledger_verify_names_an_edited_deleted_or_reordered_line() {
    let f = Fixture::new();
    let (sk, pk) = f.keygen();
    for i in 1..=4 {
        let mut a = f.add_args(&format!("T-{i}"), "optical", &format!("2021-01-0{i}"));
        a.extend(["--sign-key".into(), s(&sk)]);
        vouch(a).assert_code(EXIT_ACCEPTED);
    }
    verify(&f.ledger, Some(&pk)).assert_code(EXIT_ACCEPTED);
    let good: Vec<String> =
        std::fs::read_to_string(&f.ledger).unwrap().lines().map(String::from).collect();
    let edited = {
        let mut l = good.clone();
        l[2] = l[2].replace("2021-01-03", "2021-01-09");
        l
    };
    let cases = [
        ("edited", edited, 3),
        ("deleted", vec![good[0].clone(), good[1].clone(), good[3].clone()], 3),
        ("reordered", vec![good[0].clone(), good[2].clone(), good[1].clone(), good[3].clone()], 2),
    ];
    for (what, lines, bad) in cases {
        let copy = f.base.join(format!("{what}.jsonl"));
        std::fs::write(&copy, lines.iter().map(|l| format!("{l}\n")).collect::<String>()).unwrap();
        let run = verify(&copy, Some(&pk));
        run.assert_code(EXIT_REJECTED);
        assert!(run.stdout.contains(&format!("line {bad}: FAILED")), "{what}: {}", run.stdout);
    }
    let torn = f.base.join("torn.jsonl");
    std::fs::write(&torn, format!("{}\n{}", good[0], &good[1][..50])).unwrap();
    let run = verify(&torn, None);
    run.assert_code(EXIT_REJECTED);
    assert!(run.stdout.contains("line 2: FAILED (is incomplete"), "{}", run.stdout);
}

#[test]
fn concurrent_runs_leave_a_valid_ledger() {
    let f = Fixture::new();
    f.add("HDD-0", "magnetic", "2022-01-01");
    let spawn = |args: Vec<String>| {
        crate::util::vouch_command()
            .args(args)
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap()
    };
    let mut children = Vec::new();
    for i in 0..6 {
        children.push(spawn(f.add_args(&format!("C-{i}"), "flash", "2023-03-03")));
        let out = s(&f.base.join(format!("out-{i}")));
        children.push(spawn(f.sample_args("HDD-0", &["--quiet", "--out", &out])));
        children.push(spawn(f.add_args("SAME", "optical", "2023-03-03")));
    }
    let codes: Vec<i32> = children
        .into_iter()
        .map(|c| c.wait_with_output().unwrap().status.code().unwrap())
        .collect();
    let same_ok = codes.iter().skip(2).step_by(3).filter(|&&c| c == EXIT_ACCEPTED).count();
    assert_eq!(same_ok, 1, "one registration of a duplicate id wins: {codes:?}");
    let run = verify(&f.ledger, None);
    run.assert_code(EXIT_ACCEPTED);
    assert!(run.stdout.contains("OK (14 lines"), "1 + 6 adds + 6 samples + 1 SAME: {}", run.stdout);
}

#[test]
fn due_answers_for_several_dates_and_export_is_a_spreadsheet() {
    let f = Fixture::new();
    f.add("M-2020", "magnetic", "2020-01-15");
    f.add("O-2020", "optical", "2020-01-15");
    f.add("M-LEAP", "magnetic", "2024-02-29");
    f.add("F-2023", "flash", "2023-06-30");
    let due = |on: &str| -> Vec<(String, Vec<String>)> {
        let args = ["due", "--ledger", &s(&f.ledger), "--on", on, "--format", "json"];
        let run = vouch(args);
        let listed: Vec<(String, Vec<String>)> = run.json()["types"]
            .as_array()
            .unwrap()
            .iter()
            .map(|t| {
                let ids = t["due"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|d| d["id"].as_str().unwrap().to_string())
                    .collect();
                (t["type"].as_str().unwrap().to_string(), ids)
            })
            .collect();
        let any = listed.iter().any(|(_, ids)| !ids.is_empty());
        run.assert_code(if any { EXIT_REJECTED } else { EXIT_ACCEPTED });
        listed
    };
    let ids = |v: &[(String, Vec<String>)], t: &str| {
        v.iter().find(|x| x.0 == t).map(|x| x.1.join(",")).unwrap_or_default()
    };
    let table = [
        ("2021-01-01", "", "", ""),
        ("2022-01-15", "M-2020", "", ""),
        ("2024-01-15", "M-2020", "O-2020", ""),
        ("2024-06-30", "M-2020", "O-2020", "F-2023"),
        ("2026-02-27", "M-2020", "O-2020", "F-2023"),
        ("2026-02-28", "M-2020,M-LEAP", "O-2020", "F-2023"),
    ];
    for (on, magnetic, optical, flash) in table {
        let got = due(on);
        assert_eq!(
            (ids(&got, "magnetic"), ids(&got, "optical"), ids(&got, "flash")),
            (magnetic.to_string(), optical.to_string(), flash.to_string()),
            "on {on}"
        );
    }
    let run = vouch(["ledger", "export", &s(&f.ledger), "--format", "csv"]);
    run.assert_code(EXIT_ACCEPTED);
    assert!(run.stdout.starts_with('\u{feff}'), "UTF-8 with BOM");
    assert_eq!(run.stdout.lines().count(), 5);
    assert!(run.stdout.contains("M-LEAP,magnetic,,2024-02-29,"), "{}", run.stdout);
    assert!(run.stdout.contains(",2026-02-28\r\n"), "{}", run.stdout);
}

/// Ctrl-C or SIGTERM during a readback (issue #8): the test stops, says `incomplete`,
/// exits 130, and records nothing in the ledger, so the medium stays due.
#[test]
fn an_interrupted_readback_is_incomplete_and_leaves_the_ledger_alone() {
    let f = Fixture::new();
    // Large sparse files, read one at a time: still reading when the signal comes.
    let mut manifest = String::new();
    for n in 1..=4 {
        let rel = format!("R9/{n:04}.tif");
        std::fs::create_dir_all(f.medium.join("R9")).unwrap();
        std::fs::File::create(f.medium.join(&rel)).unwrap().set_len(512 << 20).unwrap();
        manifest += &format!("{}  {rel}\n", "0".repeat(64));
    }
    std::fs::write(&f.manifest, manifest).unwrap();
    f.add("M-9", "magnetic", "2026-01-01");
    let before = std::fs::read(&f.ledger).unwrap();
    let out = f.base.join("out");
    let args = f.sample_args("M-9", &["--rate", "1", "--format", "json", "--out", &s(&out)]);
    let child = crate::util::spawn_vouch(&args);
    std::thread::sleep(std::time::Duration::from_millis(300));
    assert!(
        Command::new("kill").args(["-INT", &child.id().to_string()]).status().unwrap().success()
    );
    let output = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(130), "{stderr}");
    let report: Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(report["verdict"], "incomplete");
    let written: Value =
        serde_json::from_slice(&std::fs::read(out.join("report.json")).unwrap()).unwrap();
    assert_eq!(written["verdict"], "incomplete");
    assert_eq!(std::fs::read(&f.ledger).unwrap(), before, "nothing appended to the ledger");
}
