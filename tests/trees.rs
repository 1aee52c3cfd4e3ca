//! Trees from hell (issue #8): whatever the delivery tree holds, vouch finishes, reports
//! it, never panics or hangs, and never says `accepted` for what it could not verify.
//! Permission cases run vouch as `nobody` (setpriv), since root reads everything.

use crate::util::{EXIT_REJECTED, check_args};
use serde_json::Value;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// A delivery with one record `A-1` holding `pages` page files and a manifest of them.
struct Tree {
    dir: tempfile::TempDir,
}

impl Tree {
    fn new(pages: usize) -> Tree {
        let dir = tempfile::tempdir().unwrap();
        let t = Tree { dir };
        std::fs::create_dir_all(t.delivery().join("A-1")).unwrap();
        for n in 1..=pages {
            std::fs::write(t.delivery().join(format!("A-1/{n:04}.jpg")), tiny_jpeg(n)).unwrap();
        }
        std::fs::write(t.path("cat.csv"), format!("档号,页数\nA-1,{pages}\n")).unwrap();
        t
    }

    fn path(&self, p: &str) -> PathBuf {
        self.dir.path().join(p)
    }

    fn delivery(&self) -> PathBuf {
        self.path("delivery")
    }

    /// Writes a manifest of every regular file now in the delivery.
    fn manifest(&self) -> PathBuf {
        let out = crate::util::vouch_command()
            .args(["manifest".as_ref(), self.delivery().as_os_str()])
            .output()
            .unwrap();
        let m = self.path("manifest-sha256.txt");
        std::fs::write(&m, out.stdout).unwrap();
        m
    }

    /// Runs check (optionally as `nobody`) with a timeout; returns (exit code, report).
    fn check(&self, as_nobody: bool) -> (Option<i32>, Value) {
        let m = self.manifest();
        let mut args = check_args(&self.delivery(), &self.path("cat.csv"), &m, &self.path("out"));
        args.extend(["--manifest-root".into(), self.delivery().into()]);
        if as_nobody {
            // The report folder must be writable by the unprivileged user.
            std::fs::create_dir_all(self.path("out")).unwrap();
            std::fs::set_permissions(self.path("out"), PermissionsExt::from_mode(0o777)).unwrap();
        }
        let mut cmd = if as_nobody {
            let mut c = Command::new("setpriv");
            c.env_remove("LC_ALL").env_remove("LC_MESSAGES").env("LANG", "C.UTF-8");
            c.args(["--reuid=65534", "--regid=65534", "--clear-groups", "--"]);
            c.arg(env!("CARGO_BIN_EXE_vouch"));
            c
        } else {
            crate::util::vouch_command()
        };
        let mut child =
            cmd.args(&args).stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().unwrap();
        let start = Instant::now();
        while child.try_wait().unwrap().is_none() {
            assert!(start.elapsed() < Duration::from_secs(60), "vouch hangs");
            std::thread::sleep(Duration::from_millis(20));
        }
        let out = child.wait_with_output().unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(!stderr.contains("panicked"), "{stderr}");
        let report = serde_json::from_slice(&out.stdout)
            .unwrap_or_else(|e| panic!("no JSON report ({e}): {stderr}"));
        (out.status.code(), report)
    }
}

/// A small valid JPEG at 300 dpi, made by the image crate; `n` varies its content.
fn tiny_jpeg(n: usize) -> Vec<u8> {
    let img = image::GrayImage::from_fn(16, 16, |x, y| {
        image::Luma([((x * 16 + y) as usize * (n + 1) % 256) as u8])
    });
    let mut bytes = Vec::new();
    let mut enc = image::codecs::jpeg::JpegEncoder::new_with_quality(&mut bytes, 90);
    enc.set_pixel_density(image::codecs::jpeg::PixelDensity::dpi(300));
    enc.encode_image(&img).unwrap();
    bytes
}

fn rules_at(report: &Value) -> Vec<(String, String)> {
    report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| (f["rule"].as_str().unwrap().into(), f["path"].as_str().unwrap_or("").into()))
        .collect()
}

fn open_to_nobody(dir: &Path) {
    for entry in walkdir::WalkDir::new(dir) {
        let entry = entry.unwrap();
        let mode = if entry.file_type().is_dir() { 0o755 } else { 0o644 };
        std::fs::set_permissions(entry.path(), std::fs::Permissions::from_mode(mode)).unwrap();
    }
}

#[test]
fn a_clean_tree_is_accepted_so_the_cases_below_are_meaningful() {
    let t = Tree::new(2);
    let (code, report) = t.check(false);
    assert_eq!(code, Some(0), "{}", report["findings"]);
}

#[test]
fn permission_denied_files_and_folders_are_findings_not_acceptance() {
    let t = Tree::new(3);
    std::fs::create_dir(t.delivery().join("A-1/sub")).unwrap();
    std::fs::write(t.delivery().join("A-1/sub/x.jpg"), tiny_jpeg(99)).unwrap();
    open_to_nobody(t.dir.path());
    std::fs::set_permissions(t.delivery().join("A-1/0002.jpg"), PermissionsExt::from_mode(0o000))
        .unwrap();
    std::fs::set_permissions(t.delivery().join("A-1/sub"), PermissionsExt::from_mode(0o000))
        .unwrap();
    let (code, report) = t.check(true);
    assert_eq!(code, Some(EXIT_REJECTED), "{}", report["findings"]);
    let found = rules_at(&report);
    assert!(found.contains(&("file-unreadable".into(), "A-1/0002.jpg".into())), "{found:?}");
    assert!(found.contains(&("file-unreadable".into(), "A-1/sub".into())), "{found:?}");
}

#[test]
fn hard_links_newlines_long_paths_and_fifos_complete_with_findings() {
    let t = Tree::new(2);
    let d = t.delivery();
    std::fs::hard_link(d.join("A-1/0001.jpg"), d.join("A-1/0003.jpg")).unwrap();
    std::fs::write(d.join("A-1/bad\nname.jpg"), tiny_jpeg(99)).unwrap();
    let mut long = d.join("A-1");
    for _ in 0..20 {
        long.push("d".repeat(200));
    }
    std::fs::create_dir_all(&long).unwrap();
    std::fs::write(long.join("deep.jpg"), tiny_jpeg(99)).unwrap();
    assert!(Command::new("mkfifo").arg(d.join("A-1/0004.jpg")).status().unwrap().success());
    std::fs::write(t.path("cat.csv"), "档号,页数\nA-1,4\n").unwrap();
    let (code, report) = t.check(false);
    assert_eq!(code, Some(EXIT_REJECTED));
    let found = rules_at(&report);
    // The hard link is a second name for page 1: byte-identical pages.
    assert!(found.contains(&("page-duplicate-content".into(), "A-1/0003.jpg".into())), "{found:?}");
    assert!(found.contains(&("page-name-invalid".into(), "A-1/bad\nname.jpg".into())), "{found:?}");
    assert!(
        found
            .iter()
            .any(|(r, p)| r == "dir-unexpected" && p == &format!("A-1/{}", "d".repeat(200)))
    );
    // The FIFO takes page 4's place but is never opened (that would block).
    assert!(found.contains(&("file-unreadable".into(), "A-1/0004.jpg".into())), "{found:?}");
    assert!(!found.iter().any(|(r, _)| r == "page-count-mismatch" || r == "page-gap"), "{found:?}");
}

#[test]
fn a_file_that_grows_during_the_check_is_not_trusted() {
    let t = Tree::new(1);
    let big = t.delivery().join("A-1/0002.jpg");
    std::fs::File::create(&big).unwrap().set_len(512 << 20).unwrap();
    std::fs::write(t.path("cat.csv"), "档号,页数\nA-1,2\n").unwrap();
    let m = t.manifest();
    let mut args = check_args(&t.delivery(), &t.path("cat.csv"), &m, &t.path("out"));
    args.extend(["--manifest-root".into(), t.delivery().into(), "--jobs".into(), "1".into()]);
    // 0001.jpg sorts first and is small; 0002.jpg is read next. Grow a third file that
    // is listed by the walk but read last.
    let late = t.delivery().join("A-1/zz.bin");
    std::fs::write(&late, b"short").unwrap();
    let child = crate::util::spawn_vouch(&args);
    std::thread::sleep(Duration::from_millis(150));
    std::fs::write(&late, b"much longer than before").unwrap();
    let out = child.wait_with_output().unwrap();
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(out.status.code(), Some(EXIT_REJECTED));
    let found = rules_at(&report);
    assert!(found.contains(&("file-changed".into(), "A-1/zz.bin".into())), "{found:?}");
}
