//! Resume (issue #8): a check killed at a random moment, by SIGKILL or SIGINT, and then
//! continued with `--resume` ends with the same report as a run never interrupted, and
//! the resumed run does not read again what the journal holds.

use crate::support::generate::Defect;
use crate::util::{EXIT_REJECTED, check_args, generated};
use serde_json::Value;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Duration;

/// report.html with the run's time (the one thing that differs) taken out.
fn html(out: &Path) -> String {
    let r: Value =
        serde_json::from_slice(&std::fs::read(out.join("report.json")).unwrap()).unwrap();
    let html = std::fs::read_to_string(out.join("report.html")).unwrap();
    let time = r["time"].as_str().unwrap();
    // The local time printed beside it (issue #22) differs too.
    let local = time.parse::<jiff::Timestamp>().unwrap().to_zoned(jiff::tz::TimeZone::system());
    let local = local.strftime("%Y-%m-%d %H:%M:%S").to_string();
    html.replace(time, "TIME").replace(&local, "LOCAL")
}

fn vouch(args: &[std::ffi::OsString]) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_vouch"));
    c.args(args).stdout(Stdio::null()).stderr(Stdio::piped());
    c
}

/// Bytes read by a finished vouch, from its `VOUCH_DEBUG_IO` line.
fn rchar(stderr: &[u8]) -> u64 {
    let text = String::from_utf8_lossy(stderr);
    let line = text.lines().find(|l| l.starts_with("vouch: io:")).expect("io line");
    line.split_whitespace().skip_while(|w| *w != "rchar:").nth(1).unwrap().parse().unwrap()
}

#[test]
fn killed_runs_resume_to_the_uninterrupted_report() {
    let (dir, g) = generated(&Defect::ALL);
    // Large sparse files, read one at a time, keep each run long enough to be killed
    // in the middle: one before the page files (in path order) and five after, so some
    // kills land after the pages' thumbnails were spooled and some before.
    for (folder, names) in [("BIG-FILES", 0..1), ("ZZ-BIG-FILES", 1..6)] {
        let big = g.delivery.join(folder);
        std::fs::create_dir(&big).unwrap();
        for n in names {
            let file = std::fs::File::create(big.join(format!("{n}.bin"))).unwrap();
            file.set_len(256 << 20).unwrap();
        }
    }
    let args = |out: &Path, resume: bool| {
        let mut a = check_args(&g.delivery, &g.catalogue, &g.manifest, out);
        a.extend(["--jobs".into(), "1".into()]);
        if resume {
            a.push("--resume".into());
        }
        a
    };
    let baseline = dir.path().join("baseline");
    let status = vouch(&args(&baseline, false)).status().unwrap();
    assert_eq!(status.code(), Some(EXIT_REJECTED));
    assert!(!baseline.join("journal.jsonl").exists(), "a complete run removes its journal");
    let want = crate::util::stable_report(&baseline);
    let want_html = html(&baseline);
    // Thumbnails are part of what must survive: the contact sheet has some.
    assert!(want_html.matches("data:image/jpeg;base64,").count() >= 5);
    assert!(!baseline.join("thumbs.spool").exists(), "a complete run removes its spool");
    let mut seed: u64 = 0x9e37_79b9_7f4a_7c15;
    for round in 0..6 {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        let delay = 100 + seed % 900;
        let signal = if round % 2 == 0 { "-KILL" } else { "-INT" };
        let out = dir.path().join(format!("round-{round}"));
        let child = vouch(&args(&out, false)).spawn().unwrap();
        std::thread::sleep(Duration::from_millis(delay));
        Command::new("kill").args([signal, &child.id().to_string()]).status().unwrap();
        let killed = child.wait_with_output().unwrap();
        assert!(
            !matches!(killed.status.code(), Some(0 | 1)),
            "round {round}: the run finished before the {signal} at {delay} ms; make it longer"
        );
        let journal = std::fs::read_to_string(out.join("journal.jsonl")).unwrap_or_default();
        let held = journal.lines().filter(|l| l.contains("BIG-FILES/")).count() as u64;
        let spooled = std::fs::metadata(out.join("thumbs.spool")).map_or(0, |m| m.len());
        eprintln!(
            "round {round}: {signal} at {delay} ms, {held} big files journaled, {spooled} B spooled"
        );
        let resumed = vouch(&args(&out, true)).env("VOUCH_DEBUG_IO", "1").output().unwrap();
        let stderr = String::from_utf8_lossy(&resumed.stderr);
        assert_eq!(resumed.status.code(), Some(EXIT_REJECTED), "round {round}: {stderr}");
        assert_eq!(
            crate::util::stable_report(&out),
            want,
            "round {round} ({signal} at {delay} ms)"
        );
        // The same contact sheet, thumbnails included, byte for byte.
        assert!(html(&out) == want_html, "round {round}: report.html differs");
        assert!(!out.join("thumbs.spool").exists(), "round {round}: spool left behind");
        assert!(!out.join("journal.jsonl").exists(), "round {round}: journal left behind");
        // What the journal held was not read again (the small generated files and the
        // inputs are well under 64 MiB).
        let read = rchar(&resumed.stderr);
        let bound = (6 - held) * (256 << 20) + (64 << 20);
        assert!(read < bound, "round {round}: read {read} B with {held} big files journaled");
    }
}

#[test]
fn resume_refuses_a_journal_of_another_configuration() {
    let (dir, g) = generated(&[]);
    let out = dir.path().join("out");
    std::fs::create_dir_all(&out).unwrap();
    std::fs::write(out.join("journal.jsonl"), "{\"vouch_journal\":1,\"fingerprint\":\"x\"}\n")
        .unwrap();
    let mut args = check_args(&g.delivery, &g.catalogue, &g.manifest, &out);
    args.push("--resume".into());
    let run = vouch(&args).output().unwrap();
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert_eq!(run.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("without --resume"), "{stderr}");
}
