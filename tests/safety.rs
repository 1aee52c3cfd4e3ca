//! The safety inspection (issue #20) against a REAL ClamAV daemon, no mock: each test
//! starts `clamd` on a socket in its own temporary folder with a signature database it
//! writes (the EICAR test string and one custom body signature), drives vouch against
//! it, and stops it. Each safety rule must fire exactly where it was injected and
//! nowhere else. clamd comes from the Debian package `clamav-daemon` (.ci/run installs
//! it); without it these tests fail naming the package, they never skip.

use crate::support::generate::Generated;
use crate::util::{EXIT_ACCEPTED, EXIT_COULD_NOT_RUN, EXIT_REJECTED, check_args, generated, vouch};
use serde_json::Value;
use std::collections::BTreeSet;
use std::io::{Read, Write};
use std::os::unix::net::{UnixListener, UnixStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// The EICAR anti-virus test file: harmless, detected by every engine by convention.
const EICAR: &[u8] = br"X5O!P%@AP[4\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*";
/// The body of the custom signature the tests' database adds.
const CUSTOM: &[u8] = b"VOUCH-TEST-PAYLOAD-5e1f";

/// A clamd of our own, on a socket in a temporary folder; killed when dropped.
struct Clamd {
    child: Option<Child>,
    socket: PathBuf,
    _dir: tempfile::TempDir,
}

impl Clamd {
    fn start() -> Clamd {
        let bin = ["/usr/sbin/clamd", "/usr/bin/clamd", "/usr/local/sbin/clamd"]
            .into_iter()
            .map(PathBuf::from)
            .find(|p| p.exists())
            .expect(
                "clamd is not installed: install the Debian package `clamav-daemon` (.ci/run does)",
            );
        let dir = tempfile::tempdir().unwrap();
        let sig = |name: &str, body: &[u8]| format!("{name}:0:*:{}\n", hex(body));
        let db = sig("Vouch.Test.Eicar", EICAR) + &sig("Vouch.Test.Custom", CUSTOM);
        std::fs::write(dir.path().join("vouch-test.ndb"), db).unwrap();
        let socket = dir.path().join("clamd.sock");
        let conf = format!(
            "LocalSocket {}\nDatabaseDirectory {}\nForeground yes\nStreamMaxLength 400K\n",
            socket.display(),
            dir.path().display()
        );
        let conf_path = dir.path().join("clamd.conf");
        std::fs::write(&conf_path, conf).unwrap();
        let child = Command::new(bin)
            .arg("-c")
            .arg(&conf_path)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("starting clamd");
        let mut clamd = Clamd { child: Some(child), socket, _dir: dir };
        clamd.wait_ready();
        clamd
    }

    /// Waits until clamd answers PING on its socket (a hang, not a slow start, fails).
    fn wait_ready(&mut self) {
        let deadline = Instant::now() + Duration::from_secs(120);
        loop {
            if let Ok(mut s) = UnixStream::connect(&self.socket) {
                let mut answer = String::new();
                let asked = s.write_all(b"PING\n").is_ok();
                if asked && s.read_to_string(&mut answer).is_ok() && answer.trim() == "PONG" {
                    return;
                }
            }
            if let Some(status) = self.child.as_mut().and_then(|c| c.try_wait().unwrap()) {
                panic!("clamd exited before it listened: {status}");
            }
            assert!(Instant::now() < deadline, "clamd did not listen on {:?}", self.socket);
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    fn kill(&mut self) {
        if let Some(mut c) = self.child.take() {
            let _ = c.kill();
            let _ = c.wait();
        }
    }
}

impl Drop for Clamd {
    fn drop(&mut self) {
        self.kill();
    }
}

fn hex(b: &[u8]) -> String {
    b.iter().map(|c| format!("{c:02x}")).collect()
}

/// `vouch check` of a generated delivery with `extra` arguments, report on stdout.
fn check_with(g: &Generated, out: &Path, extra: &[&str]) -> crate::util::Run {
    let mut args = check_args(&g.delivery, &g.catalogue, &g.manifest, out);
    args.extend(extra.iter().map(Into::into));
    vouch(args)
}

/// A finding as (rule, severity, path).
type Found = (String, String, Option<String>);

/// The safety findings of a report, and their messages.
fn safety_findings(report: &Value) -> (BTreeSet<Found>, Vec<String>) {
    let all = report["findings"].as_array().unwrap();
    let safety = all.iter().filter(|f| f["rule"].as_str().unwrap().starts_with("safety-"));
    let key = |f: &Value| {
        let s = |k: &str| f[k].as_str().map(str::to_string);
        (s("rule").unwrap(), s("severity").unwrap(), s("path"))
    };
    let messages = safety.clone().map(|f| f["message"].as_str().unwrap().to_string()).collect();
    (safety.map(key).collect(), messages)
}

fn finding(rule: &str, severity: &str, path: &str) -> Found {
    (rule.into(), severity.into(), Some(path.into()))
}

/// A file of the generated delivery (seed 42: the same tree every run), and its path.
fn at(g: &Generated, rel: &str) -> (PathBuf, String) {
    (g.delivery.join(rel), rel.to_string())
}

fn append(path: &Path, bytes: &[u8]) {
    let mut f = std::fs::OpenOptions::new().append(true).open(path).unwrap();
    f.write_all(bytes).unwrap();
}

/// Adds JavaScript to the root multi-page PDF: run on open, and on a page-1 link.
fn add_javascript(pdf: &Path) {
    use lopdf::{Dictionary, Object};
    let mut doc = lopdf::Document::load(pdf).unwrap();
    let js = |code: &str| {
        let mut a = Dictionary::new();
        a.set("S", Object::Name(b"JavaScript".to_vec()));
        a.set("JS", Object::string_literal(code));
        a
    };
    let open = doc.add_object(js("app.alert('open')"));
    let mut annot = Dictionary::new();
    annot.set("Type", Object::Name(b"Annot".to_vec()));
    annot.set("Subtype", Object::Name(b"Link".to_vec()));
    annot.set("Rect", vec![0.into(), 0.into(), 10.into(), 10.into()]);
    annot.set("A", js("app.alert('click')"));
    let annot = doc.add_object(annot);
    let first = *doc.get_pages().get(&1).unwrap();
    doc.get_dictionary_mut(first).unwrap().set("Annots", vec![Object::Reference(annot)]);
    let root = doc.trailer.get(b"Root").unwrap().as_reference().unwrap();
    doc.get_dictionary_mut(root).unwrap().set("OpenAction", Object::Reference(open));
    doc.save(pdf).unwrap();
}

#[test]
fn each_safety_rule_fires_where_injected_and_nowhere_else() {
    let clamd = Clamd::start();
    let (dir, g) = generated(&[]);
    let (eicar_file, eicar_rel) = at(&g, "J001-WS-2020-Y-0003/009.jpg");
    std::fs::write(&eicar_file, EICAR).unwrap();
    let (appended, appended_rel) = at(&g, "J001-WS-2020-Y-0003/001.jpg");
    append(&appended, EICAR);
    let (custom, custom_rel) = at(&g, "J001-WS-2020-Y-0003/002.jpg");
    append(&custom, CUSTOM);
    let (zipped, zipped_rel) = at(&g, "J001-WS-2020-Y-0008/001.jpg");
    append(&zipped, b"PK\x03\x04\x14\0\0\0hidden archive");
    let (elf, elf_rel) = at(&g, "J001-WS-2020-Y-0008/002.jpg");
    std::fs::write(&elf, b"\x7fELF\x02\x01\x01\0\0\0\0\0\0\0\0\0\x02\0\x3e\0").unwrap();
    // Above the test daemon's StreamMaxLength (400K): clamd refuses it, fail closed.
    let (large, large_rel) = at(&g, "J001-WS-2020-Y-0005/001.tif");
    append(&large, &vec![0u8; 500 << 10]);
    let pdf_rel = "J001-WS-2020-Y-0001.pdf";
    add_javascript(&g.delivery.join(pdf_rel));

    let socket = clamd.socket.to_str().unwrap();
    let out = dir.path().join("report");
    let run = check_with(&g, &out, &["--clamd", socket]);
    run.assert_code(EXIT_REJECTED);
    let html = std::fs::read_to_string(out.join("report.html")).unwrap();
    let engine = run.json()["safety"]["engine"].as_str().unwrap().to_string();
    assert!(html.contains("安全性检测") && html.contains(&engine), "report.html names {engine}");
    let report = run.json();
    let (got, messages) = safety_findings(&report);
    let want: BTreeSet<_> = [
        finding("safety-malware", "error", &eicar_rel),
        finding("safety-malware", "error", &appended_rel),
        finding("safety-trailing-data", "warning", &appended_rel),
        finding("safety-malware", "error", &custom_rel),
        finding("safety-trailing-data", "warning", &custom_rel),
        finding("safety-trailing-data", "error", &zipped_rel),
        finding("safety-executable", "error", &elf_rel),
        finding("safety-active-content", "error", pdf_rel),
        finding("safety-not-scanned", "error", &large_rel),
    ]
    .into_iter()
    .collect();
    assert_eq!(got, want, "{messages:#?}\n{}", run.stderr);
    let said = |needle: &str| messages.iter().any(|m| m.contains(needle));
    assert!(said("Vouch.Test.Eicar"), "{messages:#?}");
    assert!(said("Vouch.Test.Custom"), "{messages:#?}");
    assert!(said("starting with a ZIP archive"), "{messages:#?}");
    assert!(said("an ELF program"), "{messages:#?}");
    assert!(said("JavaScript action (object") && said(", page 1)"), "{messages:#?}");
    assert!(said("size limit exceeded"), "{messages:#?}");
    let safety = &report["safety"];
    assert_eq!(safety["scanned"], true);
    assert!(safety["engine"].as_str().unwrap().starts_with("ClamAV "), "{safety}");
    assert_eq!(safety["files_not_scanned"], 1);
    let files = report["files"].as_array().unwrap().len() as u64;
    assert_eq!(safety["files_scanned"].as_u64(), Some(files - 1), "every other file scanned");
}

#[test]
fn clean_delivery_scanned_by_clamd_has_no_safety_finding_and_reads_each_file_once() {
    let clamd = Clamd::start();
    let (dir, g) = generated(&[]);
    let socket = clamd.socket.to_str().unwrap();
    let io = |out: &str, extra: &[&str]| {
        let mut args = check_args(&g.delivery, &g.catalogue, &g.manifest, &dir.path().join(out));
        args.extend(extra.iter().map(Into::into));
        let o =
            crate::util::vouch_command().args(args).env("VOUCH_DEBUG_IO", "1").output().unwrap();
        let stderr = String::from_utf8_lossy(&o.stderr).into_owned();
        let line = stderr.lines().find(|l| l.starts_with("vouch: io:")).expect("no io line");
        let rchar = line.split_whitespace().skip_while(|w| *w != "rchar:").nth(1).unwrap();
        let report: Value = serde_json::from_slice(&o.stdout).unwrap();
        (o.status.code(), rchar.parse::<u64>().unwrap(), report)
    };
    let (code, read_plain, plain) = io("plain", &[]);
    assert_eq!(code, Some(EXIT_ACCEPTED));
    assert_eq!(plain["safety"]["scanned"], false, "no clamd given: the report says so");
    let (code, read_scanned, scanned) = io("scanned", &["--clamd", socket]);
    assert_eq!(code, Some(EXIT_ACCEPTED), "{scanned}");
    assert_eq!(scanned["findings"], serde_json::json!([]));
    assert_eq!(scanned["safety"]["scanned"], true);
    let bytes = scanned["totals"]["bytes"].as_u64().unwrap();
    assert!(bytes > 100_000, "a delivery large enough to tell a second read: {bytes}");
    assert_eq!(scanned["safety"]["bytes_scanned"].as_u64(), Some(bytes), "every byte scanned");
    // Same files, one read each: clamd's replies add a few bytes per file, a second read
    // of the delivery would add all of its bytes.
    assert!(
        read_scanned.abs_diff(read_plain) < bytes / 4,
        "read {read_scanned} B with clamd, {read_plain} B without, delivery {bytes} B"
    );
}

#[test]
fn clamd_absent_at_start_is_exit_2_naming_the_address_before_reading() {
    let (dir, g) = generated(&[]);
    let socket = dir.path().join("no-clamd-here.sock");
    let out = dir.path().join("report");
    let run = check_with(&g, &out, &["--clamd", socket.to_str().unwrap()]);
    run.assert_code(EXIT_COULD_NOT_RUN);
    assert!(run.stderr.contains(socket.to_str().unwrap()), "{}", run.stderr);
    assert!(!out.join("report.json").exists(), "no report from a run that could not start");
}

#[test]
fn clamd_killed_mid_run_leaves_files_not_scanned_and_the_delivery_not_accepted() {
    let mut clamd = Clamd::start();
    let (dir, g) = generated(&[]);
    // vouch talks to the real clamd through a relay that, once clamd has answered the
    // first file, kills clamd and stops listening: the rest of the run has no daemon.
    let front = dir.path().join("relay.sock");
    let listener = UnixListener::bind(&front).unwrap();
    let real = clamd.socket.clone();
    let relay = std::thread::spawn(move || {
        relay_one(&listener, &real, &mut || {}); // VERSION, at the start
        relay_one(&listener, &real, &mut || clamd.kill()); // the worker's session
    });
    let out = dir.path().join("report");
    let run = check_with(&g, &out, &["--clamd", front.to_str().unwrap(), "-j", "1"]);
    relay.join().unwrap();
    run.assert_code(EXIT_REJECTED);
    let report = run.json();
    assert_ne!(report["verdict"], "accepted");
    let (got, messages) = safety_findings(&report);
    let files = report["files"].as_array().unwrap().len() as u64;
    assert_eq!(report["safety"]["files_scanned"], 1, "{messages:#?}");
    assert_eq!(report["safety"]["files_not_scanned"].as_u64(), Some(files - 1));
    assert_eq!(got.len() as u64, files - 1, "{messages:#?}");
    assert!(got.iter().all(|(rule, sev, _)| rule == "safety-not-scanned" && sev == "error"));
}

/// Relays one connection to clamd until clamd's first reply, then calls `after_reply`
/// and closes both ends; once the caller drops the listener, connections are refused.
fn relay_one(listener: &UnixListener, real: &Path, after_reply: &mut dyn FnMut()) {
    let (mut client, _) = listener.accept().unwrap();
    let mut upstream = UnixStream::connect(real).unwrap();
    let mut to_clamd = client.try_clone().unwrap();
    let mut from_client = upstream.try_clone().unwrap();
    let pump = std::thread::spawn(move || {
        let _ = std::io::copy(&mut to_clamd, &mut from_client);
    });
    let mut byte = [0u8; 1];
    while upstream.read(&mut byte).unwrap_or(0) == 1 {
        client.write_all(&byte).unwrap();
        if byte[0] == 0 {
            after_reply();
            break;
        }
    }
    let _ = client.shutdown(std::net::Shutdown::Both);
    let _ = upstream.shutdown(std::net::Shutdown::Both);
    pump.join().unwrap();
}

#[test]
fn without_clamd_malware_scan_sets_the_severity_of_not_scanned() {
    let (dir, g) = generated(&[]);
    for (mode, code, severity) in [
        ("required", EXIT_REJECTED, Some("error")),
        ("optional", EXIT_ACCEPTED, Some("warning")),
        ("off", EXIT_ACCEPTED, None),
    ] {
        let profile = dir.path().join(format!("{mode}.toml"));
        let text =
            format!("extends = \"dat31\"\nname = \"s\"\n\n[safety]\nmalware_scan = \"{mode}\"\n");
        std::fs::write(&profile, text).unwrap();
        let mut args = check_args(&g.delivery, &g.catalogue, &g.manifest, &dir.path().join(mode));
        let at = args.iter().position(|a| a == "dat31").unwrap();
        args[at] = profile.into_os_string();
        let run = vouch(args);
        run.assert_code(code);
        let report = run.json();
        let found: Vec<&Value> = report["findings"].as_array().unwrap().iter().collect();
        match severity {
            Some(s) => {
                assert_eq!(found.len(), 1, "{mode}: {found:?}");
                assert_eq!(found[0]["rule"], "safety-not-scanned");
                assert_eq!(found[0]["severity"], s);
                assert_eq!(found[0]["path"], Value::Null);
            }
            None => assert!(found.is_empty(), "{mode}: {found:?}"),
        }
        assert_eq!(report["safety"]["malware_scan"], mode);
        let html = std::fs::read_to_string(dir.path().join(mode).join("report.html")).unwrap();
        assert!(html.contains("no malware scan ran"), "{mode}: report.html says so");
    }
}
