//! Faults from outside (issue #17): a disk that fills during a check ends the run with
//! exit 2 and a message naming the full disk, never a hang; what a killed run leaves in
//! its report folder is removed by the next run and named by `vouch verify`.

use crate::util::{EXIT_COULD_NOT_RUN, check_args};
use std::ffi::OsStr;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

/// A run still going this long after its disk filled is a hang, not a slow machine.
const HANG: Duration = Duration::from_secs(60);

/// A small tmpfs mounted for one test, unmounted when dropped.
struct Tmpfs(PathBuf);

impl Tmpfs {
    /// Mounts `size` of tmpfs on `dir`, or says why not (not root, no mount namespace).
    fn mount(dir: &Path, size: &str) -> Result<Tmpfs, String> {
        std::fs::create_dir_all(dir).unwrap();
        let out = Command::new("mount")
            .args(["-t", "tmpfs", "-o", &format!("size={size}"), "tmpfs"])
            .arg(dir)
            .output()
            .map_err(|e| e.to_string())?;
        match out.status.success() {
            true => Ok(Tmpfs(dir.to_path_buf())),
            false => Err(String::from_utf8_lossy(&out.stderr).trim().to_string()),
        }
    }

    /// Writes zeros into a file on it until the disk is full.
    fn fill(&self) {
        let mut f = std::fs::File::create(self.0.join("filler")).unwrap();
        let block = vec![0u8; 1 << 20];
        while f.write_all(&block).is_ok() {}
    }
}

impl Drop for Tmpfs {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg("-l").arg(&self.0).status();
    }
}

/// `records` records of one sparse 1 MiB page each, with a manifest of wrong digests:
/// read one at a time, 3,000 take long enough that the disk fills while the walker is
/// far ahead of the inspection (blocked on its queue).
fn large_delivery(dir: &Path, records: u32) -> (PathBuf, PathBuf, PathBuf) {
    let delivery = dir.join("delivery");
    let mut rows = String::from("档号,页数\n");
    let mut manifest = String::new();
    for r in 1..=records {
        let rec = delivery.join(format!("A-{r:04}"));
        std::fs::create_dir_all(&rec).unwrap();
        let f = std::fs::File::create(rec.join("0001.jpg")).unwrap();
        f.set_len(1 << 20).unwrap();
        rows.push_str(&format!("A-{r:04},1\n"));
        manifest.push_str(&format!("{}  A-{r:04}/0001.jpg\n", "0".repeat(64)));
    }
    let catalogue = dir.join("cat.csv");
    std::fs::write(&catalogue, rows).unwrap();
    let manifest_path = dir.join("manifest-sha256.txt");
    std::fs::write(&manifest_path, manifest).unwrap();
    (delivery, catalogue, manifest_path)
}

#[test]
fn a_disk_that_fills_during_a_check_ends_it_with_exit_2() {
    let dir = tempfile::tempdir().unwrap();
    // Large enough to pass the 64 MiB free-space check at the start.
    let disk = match Tmpfs::mount(&dir.path().join("disk"), "80m") {
        Ok(disk) => disk,
        Err(why) => {
            println!("SKIPPED a_disk_that_fills_during_a_check: cannot mount a tmpfs ({why})");
            return;
        }
    };
    let (delivery, catalogue, manifest) = large_delivery(dir.path(), 3000);
    let out = disk.0.join("out");
    let mut args = check_args(&delivery, &catalogue, &manifest, &out);
    args.extend(["--jobs".into(), "1".into(), "--manifest-root".into(), delivery.into()]);
    let io = tempfile::tempdir().unwrap();
    let mut child = crate::util::vouch_command()
        .args(&args)
        .stdout(std::fs::File::create(io.path().join("stdout")).unwrap())
        .stderr(std::fs::File::create(io.path().join("stderr")).unwrap())
        .spawn()
        .unwrap();
    // The journal is opened before the first file is read: the run is under way.
    while !out.join("journal.jsonl").exists() {
        assert!(child.try_wait().unwrap().is_none(), "vouch ended before it started reading");
        std::thread::sleep(Duration::from_millis(10));
    }
    std::thread::sleep(Duration::from_millis(300));
    disk.fill();
    let filled = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if filled.elapsed() > HANG {
            child.kill().unwrap();
            let _ = child.wait();
            panic!("vouch still running {HANG:?} after its report disk filled: a hang");
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    let stderr = std::fs::read_to_string(io.path().join("stderr")).unwrap();
    assert_eq!(status.code(), Some(EXIT_COULD_NOT_RUN), "{stderr}");
    assert!(stderr.contains("No space left on device"), "{stderr}");
    assert!(stderr.contains("the disk is full"), "{stderr}");
}

/// The `.vouch-*` temporary files in a folder.
fn temp_files(dir: &Path) -> Vec<String> {
    let Ok(entries) = std::fs::read_dir(dir) else { return Vec::new() };
    let names = entries.map(|e| e.unwrap().file_name().to_string_lossy().into_owned());
    names.filter(|n| n.starts_with(".vouch-")).collect()
}

#[test]
fn the_temporary_files_of_a_killed_run_are_removed_and_named() {
    let dir = tempfile::tempdir().unwrap();
    let (delivery, catalogue, manifest) = large_delivery(dir.path(), 200);
    let out = dir.path().join("out");
    let mut args = check_args(&delivery, &catalogue, &manifest, &out);
    args.extend(["--jobs".into(), "1".into(), "--manifest-root".into(), delivery.into()]);
    let mut child = crate::util::spawn_vouch(&args);
    // The accepted manifest is written to a temporary file from the start of the run.
    while temp_files(&out).is_empty() || !out.join("journal.jsonl").exists() {
        assert!(child.try_wait().unwrap().is_none(), "vouch ended before it was killed");
        std::thread::sleep(Duration::from_millis(5));
    }
    child.kill().unwrap(); // SIGKILL: nothing of vouch's runs after it
    child.wait().unwrap();
    let left = temp_files(&out);
    assert!(!left.is_empty(), "a killed run leaves its temporary file");
    args.push("--resume".into());
    let resumed = crate::util::vouch(&args);
    resumed.assert_code(crate::util::EXIT_REJECTED);
    assert_eq!(temp_files(&out), Vec::<String>::new(), "--resume removes what the kill left");
    assert!(resumed.stderr.contains(&format!("removed '{}'", left[0])), "{}", resumed.stderr);
    // verify names a file the hash list does not, hidden or not.
    std::fs::write(out.join(".vouch-AbC123"), "left").unwrap();
    let verify =
        crate::util::vouch([OsStr::new("verify"), out.as_os_str(), OsStr::new("--hashes-only")]);
    assert!(
        verify.stdout.contains(".vouch-AbC123: not covered by report.json"),
        "{}",
        verify.stdout
    );
}

#[test]
fn a_catalogue_or_manifest_that_is_no_regular_file_or_too_large_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::create_dir_all(d.join("delivery/A-1")).unwrap();
    std::fs::write(d.join("cat.csv"), "档号,页数\nA-1,1\n").unwrap();
    assert!(Command::new("mkfifo").arg(d.join("fifo")).status().unwrap().success());
    let run = |extra: &[&str]| {
        let mut args = vec!["check", "delivery"];
        args.extend_from_slice(extra);
        let o = crate::util::vouch_command().args(&args).current_dir(d).output();
        let o = o.unwrap();
        (o.status.code(), String::from_utf8_lossy(&o.stderr).into_owned())
    };
    // /dev/zero once grew vouch to 24 GB; a FIFO blocked forever.
    let (code, err) = run(&["-c", "/dev/zero"]);
    assert_eq!(code, Some(EXIT_COULD_NOT_RUN), "{err}");
    assert!(err.contains("catalogue '/dev/zero' is a device, not a regular file"), "{err}");
    let (code, err) = run(&["-c", "fifo"]);
    assert_eq!(code, Some(EXIT_COULD_NOT_RUN), "{err}");
    assert!(err.contains("catalogue 'fifo' is a FIFO"), "{err}");
    let (code, err) = run(&["-c", "cat.csv", "-m", "/dev/zero"]);
    assert_eq!(code, Some(EXIT_COULD_NOT_RUN), "{err}");
    assert!(err.contains("manifest '/dev/zero' is a device"), "{err}");
    // Over the profile's limits: refused naming the limit.
    let dat31 =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/profiles/dat31.toml"));
    let dat31 = dat31.unwrap();
    let small = dat31.replace("max_catalogue_bytes = 536_870_912", "max_catalogue_bytes = 10");
    std::fs::write(d.join("small.toml"), small).unwrap();
    let small = dat31.replace("max_manifest_bytes = 2_147_483_648", "max_manifest_bytes = 10");
    std::fs::write(d.join("small-m.toml"), small).unwrap();
    let (code, err) = run(&["-c", "cat.csv", "--profile", "small.toml"]);
    assert_eq!(code, Some(EXIT_COULD_NOT_RUN), "{err}");
    assert!(err.contains("over the profile's limit `limits.max_catalogue_bytes` = 10"), "{err}");
    std::fs::write(d.join("m.sha256"), format!("{}  A-1/0001.jpg\n", "0".repeat(64))).unwrap();
    let (code, err) = run(&["-c", "cat.csv", "-m", "m.sha256", "--profile", "small-m.toml"]);
    assert_eq!(code, Some(EXIT_COULD_NOT_RUN), "{err}");
    assert!(err.contains("`limits.max_manifest_bytes` = 10"), "{err}");
}

#[test]
fn lenient_verdicts_are_damage() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("testdata/regressions");
    let cases = [
        ("g4-imagewidth-2.tif", "line length mismatch"),
        ("palette-index-past-end.png", "pixel index 9 is past the palette's 4 entries"),
        ("jp2-no-ihdr.jp2", "does not begin with an image header box (ihdr)"),
        ("jp2-signature-not-first.jp2", "a second signature box"),
        ("jp2-codestream-before-header.jp2", "comes before the JP2 header box"),
    ];
    for (file, says) in cases {
        let o = crate::util::vouch_command()
            .args(["inspect", "--format", "json"])
            .arg(dir.join(file))
            .output()
            .unwrap();
        let report: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
        let damage = report[0]["damage"].as_str().unwrap_or_default();
        assert_eq!(o.status.code(), Some(crate::util::EXIT_REJECTED), "{file}: {report}");
        assert!(damage.contains(says), "{file}: {damage:?}");
    }
}
