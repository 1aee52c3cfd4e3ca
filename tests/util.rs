//! Helpers for driving the real `vouch` binary and comparing what it reports.
//!
//! Tests assert on exit codes by name, on findings as a multiset of (rule, record, path),
//! and on the delivery being left exactly as it was; the helpers here make each of those a
//! one-liner with a failure message a person can act on (a diff, vouch's stderr).

use crate::support::generate::{self, Defect, Expected, Generated, Options};
use serde_json::Value;
use std::collections::BTreeMap;
use std::ffi::{OsStr, OsString};
use std::os::unix::ffi::OsStrExt;
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant, SystemTime};

/// DESIGN.md exit status: the run completed and the delivery is accepted.
pub const EXIT_ACCEPTED: i32 = 0;
/// The run completed and the delivery is rejected.
pub const EXIT_REJECTED: i32 = 1;
/// The run could not be completed (bad arguments, catalogue, profile, output).
pub const EXIT_COULD_NOT_RUN: i32 = 2;

/// A run of vouch longer than this is a hang (the fixtures take well under a second).
const TIMEOUT: Duration = Duration::from_secs(60);

/// What one run of vouch did.
pub struct Run {
    /// Exit status (`None` if killed by a signal).
    pub code: Option<i32>,
    /// Standard output.
    pub stdout: String,
    /// Standard error.
    pub stderr: String,
}

impl Run {
    /// Asserts the exit status, showing stderr and stdout if it is another.
    pub fn assert_code(&self, expected: i32) -> &Self {
        assert_eq!(
            self.code,
            Some(expected),
            "vouch exited {:?}, expected {expected}\n--- stderr ---\n{}\n--- stdout ---\n{}",
            self.code,
            self.stderr,
            self.stdout
        );
        self
    }

    /// The JSON report on stdout.
    pub fn json(&self) -> Value {
        serde_json::from_str(&self.stdout).unwrap_or_else(|e| {
            panic!(
                "stdout is not JSON ({e})\n--- stdout ---\n{}\n--- stderr ---\n{}",
                self.stdout, self.stderr
            )
        })
    }
}

/// The findings of a report as (rule, record, path).
pub fn findings(report: &Value) -> Vec<Expected> {
    let list = report["findings"].as_array().expect("report has a `findings` array");
    list.iter().map(|f| serde_json::from_value(f.clone()).expect("finding shape")).collect()
}

/// The rule ids of a report's findings, in report order.
pub fn rules(report: &Value) -> Vec<String> {
    findings(report).into_iter().map(|f| f.rule).collect()
}

/// Runs vouch with `args` and a timeout; stdout and stderr go through files so a chatty
/// run cannot block on a full pipe.
pub fn vouch<I, S>(args: I) -> Run
where
    I: IntoIterator<Item = S>,
    S: AsRef<OsStr>,
{
    vouch_in(Path::new("."), args)
}

/// [`vouch`] run from the working directory `cwd`, as a user types paths relative to it.
pub fn vouch_in<I, S>(cwd: &Path, args: I) -> Run
where
    I: IntoIterator<Item = S>,
    S: AsRef<OsStr>,
{
    vouch_env(cwd, args, &[("LANG", "C.UTF-8")])
}

/// [`vouch_in`] with these environment variables (the locale's `LC_ALL` and
/// `LC_MESSAGES` removed, so the language is the one `env` gives).
pub fn vouch_env<I, S>(cwd: &Path, args: I, env: &[(&str, &str)]) -> Run
where
    I: IntoIterator<Item = S>,
    S: AsRef<OsStr>,
{
    let io = tempfile::tempdir().unwrap();
    let (out_path, err_path) = (io.path().join("stdout"), io.path().join("stderr"));
    let mut child = vouch_command()
        .current_dir(cwd)
        .envs(env.iter().copied())
        .args(args)
        .stdin(Stdio::null())
        .stdout(std::fs::File::create(&out_path).unwrap())
        .stderr(std::fs::File::create(&err_path).unwrap())
        .spawn()
        .expect("vouch starts");
    let start = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if start.elapsed() > TIMEOUT {
            child.kill().unwrap();
            panic!("vouch did not finish within {TIMEOUT:?}");
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    let read = |p: &Path| String::from_utf8_lossy(&std::fs::read(p).unwrap()).into_owned();
    Run { code: status.code(), stdout: read(&out_path), stderr: read(&err_path) }
}

/// The arguments of `vouch check` as DESIGN.md gives them, JSON on stdout.
pub fn check_args(delivery: &Path, catalogue: &Path, manifest: &Path, out: &Path) -> Vec<OsString> {
    let mut args: Vec<OsString> = vec!["check".into(), delivery.into()];
    for (flag, value) in [("--catalogue", catalogue), ("--manifest", manifest), ("--out", out)] {
        args.push(flag.into());
        args.push(value.into());
    }
    args.extend(["--profile", "dat31", "--format", "json"].map(OsString::from));
    args
}

/// Runs `vouch check` on a generated delivery, the report going to `out`.
pub fn check(g: &Generated, out: &Path) -> Run {
    vouch(check_args(&g.delivery, &g.catalogue, &g.manifest, out))
}

/// A generated delivery in a fresh temporary folder (kept alive by the returned guard).
pub fn generated(defects: &[Defect]) -> (tempfile::TempDir, Generated) {
    let dir = tempfile::tempdir().unwrap();
    let opts = Options { seed: 42, records: None, defects: defects.to_vec() };
    let g = generate::generate(dir.path(), &opts).expect("generator");
    (dir, g)
}

/// Asserts two lists of findings are equal as multisets, printing what is missing and
/// what is extra, one finding a line.
pub fn assert_same_findings(actual: &[Expected], expected: &[Expected], context: &str) {
    let count = |list: &[Expected]| {
        let mut m: BTreeMap<Expected, i32> = BTreeMap::new();
        list.iter().for_each(|e| *m.entry(e.clone()).or_default() += 1);
        m
    };
    let (a, e) = (count(actual), count(expected));
    let line = |f: &Expected, n: i32| {
        let show = |o: &Option<String>| o.clone().unwrap_or_else(|| "-".into());
        format!(
            "  {:<26} {:<22} {}{}\n",
            f.rule,
            show(&f.record),
            show(&f.path),
            if n > 1 { format!("  (x{n})") } else { String::new() }
        )
    };
    let mut missing = String::new();
    let mut extra = String::new();
    for (f, &n) in &e {
        let d = n - a.get(f).copied().unwrap_or(0);
        if d > 0 {
            missing += &line(f, d)
        }
    }
    for (f, &n) in &a {
        let d = n - e.get(f).copied().unwrap_or(0);
        if d > 0 {
            extra += &line(f, d)
        }
    }
    assert!(
        missing.is_empty() && extra.is_empty(),
        "findings differ from the expected ones\nmissing (expected, not reported):\n{missing}\
         extra (reported, not expected):\n{extra}\n{context}"
    );
}

/// What a test can observe of one entry without changing it.
#[derive(Debug, PartialEq)]
pub enum Snap {
    /// A regular file: SHA-256 of its bytes.
    File(String),
    /// A symbolic link: its target.
    Link(PathBuf),
    /// A directory.
    Dir,
    /// A socket, FIFO or device (never opened).
    Special,
}

/// Every entry below `root` (not following links): kind and content, mtime, mode, size.
pub fn snapshot(root: &Path) -> BTreeMap<Vec<u8>, (Snap, SystemTime, u32, u64)> {
    let mut out = BTreeMap::new();
    for entry in walkdir::WalkDir::new(root).follow_links(false) {
        let entry = entry.unwrap();
        let meta = std::fs::symlink_metadata(entry.path()).unwrap();
        let kind = if meta.file_type().is_symlink() {
            Snap::Link(std::fs::read_link(entry.path()).unwrap())
        } else if meta.is_dir() {
            Snap::Dir
        } else if meta.is_file() {
            Snap::File(generate::sha256_hex(&std::fs::read(entry.path()).unwrap()))
        } else {
            Snap::Special
        };
        let rel = entry.path().strip_prefix(root).unwrap().as_os_str().as_bytes().to_vec();
        out.insert(rel, (kind, meta.modified().unwrap(), meta.mode(), meta.len()));
    }
    out
}

/// A hostile, non-ASCII top-level file name: markup, quotes, a comma, Chinese.
pub const HOSTILE: &str = "<img src=x onerror=alert(1)>附件 \"甲,乙\".txt";

/// A tiny delivery in a temp dir, for the report bundle's tests (report.rs, sm2.rs): A-1
/// delivered with an undecodable and an empty page, B-2 missing, one hostile unexpected
/// file; rejected, with findings that need no image decoding. Each test file adds its
/// own helpers in an `impl Fixture` of its own.
pub struct Fixture {
    /// The folder holding `delivery/`, `cat.csv` and whatever the test writes.
    pub dir: tempfile::TempDir,
}

impl Fixture {
    /// Writes the delivery and its catalogue.
    pub fn new() -> Fixture {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path().join("delivery");
        std::fs::create_dir_all(d.join("A-1")).unwrap();
        std::fs::write(d.join("A-1/0001.jpg"), b"not decoded here").unwrap();
        std::fs::write(d.join("A-1/0002.jpg"), b"").unwrap();
        std::fs::write(d.join(HOSTILE), "x").unwrap();
        let cat = "档号,页数,题名\nA-1,2,会议记录\nB-2,3,\"账簿, 第一册\"\n";
        std::fs::write(dir.path().join("cat.csv"), cat).unwrap();
        Fixture { dir }
    }

    /// A path inside the fixture's folder.
    pub fn path(&self, rel: &str) -> PathBuf {
        self.dir.path().join(rel)
    }

    /// Runs vouch in the fixture's folder (without a key password unless `env` sets one).
    pub fn run(&self, args: &[&str], env: &[(&str, &str)]) -> std::process::Output {
        let mut cmd = vouch_command();
        cmd.args(args).current_dir(self.dir.path()).env_remove("VOUCH_KEY_PASSWORD");
        cmd.envs(env.iter().copied());
        cmd.output().unwrap()
    }

    /// `vouch verify OUT` with each of `keys`.
    pub fn verify(&self, out: &str, keys: &[&str]) -> std::process::Output {
        let mut args = vec!["verify", out];
        for k in keys {
            args.extend(["--public-key", k]);
        }
        self.run(&args, &[])
    }
}

/// The exit code of a finished process.
/// report.json of `out` without what differs between any two runs of the same check:
/// the time, the duration, and the digest of report.html (which prints the time).
pub fn stable_report(out: &Path) -> Value {
    let mut r: Value = serde_json::from_slice(&std::fs::read(out.join("report.json")).unwrap())
        .unwrap_or_else(|e| panic!("{}: {e}", out.display()));
    r["time"] = Value::Null;
    r["totals"]["seconds"] = Value::Null;
    for b in r["bundle"].as_array_mut().unwrap() {
        if b["file"] == "report.html" {
            b["sha256"] = Value::Null;
            b["bytes"] = Value::Null;
        }
    }
    r
}

/// Starts vouch with `args`, its output piped, for a test that signals it mid-run.
pub fn spawn_vouch<I, S>(args: I) -> std::process::Child
where
    I: IntoIterator<Item = S>,
    S: AsRef<OsStr>,
{
    vouch_command()
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("vouch starts")
}

pub fn code(o: &std::process::Output) -> i32 {
    o.status.code().expect("exited")
}

/// Its stdout and stderr, for failure messages.
pub fn text(o: &std::process::Output) -> String {
    format!("{}{}", String::from_utf8_lossy(&o.stdout), String::from_utf8_lossy(&o.stderr))
}

/// Copies the files of one folder (not recursive) into another.
pub fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        std::fs::copy(e.path(), to.join(e.file_name())).unwrap();
    }
}

/// report.html with the run's time (`time`, report.json's RFC 3339 UTC) replaced by
/// `TIME`, also where the page shows it in the reader's zone before it.
pub fn html_without_time(html: &str, time: &str) -> String {
    let html = html.replace(time, "TIME");
    let local = regex::Regex::new(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d [^<·]*· TIME").unwrap();
    local.replace_all(&html, "TIME").into_owned()
}

/// The vouch binary as a command, in English whatever the machine's locale (tests that
/// want another language set `LANG` or pass `--lang`).
pub fn vouch_command() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_vouch"));
    c.env_remove("LC_ALL").env_remove("LC_MESSAGES").env("LANG", "C.UTF-8");
    c
}
