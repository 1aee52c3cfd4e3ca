//! Manifests written by the real tools vendors use are read and verified, a tampered file
//! in each is caught, and a check against three manifests of different algorithms reads
//! each delivered file exactly once.

use crate::util::{EXIT_ACCEPTED, EXIT_REJECTED, check_args, generated, vouch};
use std::path::Path;
use std::process::Command;

/// Runs a reference tool in `dir`, returning stdout; a missing tool fails the test with
/// how to install it (CI installs them in .ci/run).
fn tool(dir: &Path, program: &str, args: &[&str]) -> Vec<u8> {
    let out = Command::new(program).args(args).current_dir(dir).output().unwrap_or_else(|e| {
        panic!("cannot run {program} ({e}); install it: apt-get install coreutils hashdeep, pip install bagit")
    });
    assert!(out.status.success(), "{program} failed: {}", String::from_utf8_lossy(&out.stderr));
    out.stdout
}

/// A small tree with awkward names.
fn tree(root: &Path) {
    for (name, body) in [
        ("J001/0001.jpg", &b"first page"[..]),
        ("J001/0002.jpg", b"second page"),
        ("文书-2020/0001 copy.tif", b"third"),
    ] {
        let p = root.join(name);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, body).unwrap();
    }
}

fn verify(manifest: &Path, extra: &[&str]) -> crate::util::Run {
    let mut args = vec!["manifest".to_string(), "--verify".into(), manifest.display().to_string()];
    args.extend(extra.iter().map(|s| s.to_string()));
    vouch(args)
}

fn tamper(path: &Path) {
    let mut bytes = std::fs::read(path).unwrap();
    bytes[0] ^= 1;
    std::fs::write(path, bytes).unwrap();
}

#[test]
fn coreutils_manifests_of_every_algorithm() {
    for (program, name) in [
        ("sha256sum", "manifest-sha256.txt"),
        ("sha512sum", "manifest-sha512.txt"),
        ("sha1sum", "manifest-sha1.txt"),
        ("md5sum", "manifest-md5.txt"),
    ] {
        let dir = tempfile::tempdir().unwrap();
        tree(dir.path());
        let files = ["J001/0001.jpg", "J001/0002.jpg", "文书-2020/0001 copy.tif"];
        let listing = tool(dir.path(), program, &files);
        let manifest = dir.path().join(name);
        std::fs::write(&manifest, listing).unwrap();
        verify(&manifest, &[]).assert_code(EXIT_ACCEPTED);
        tamper(&dir.path().join("J001/0002.jpg"));
        let run = verify(&manifest, &[]);
        run.assert_code(EXIT_REJECTED);
        assert!(run.stdout.contains("J001/0002.jpg: FAILED"), "{program}: {}", run.stdout);
        assert_eq!(run.stdout.matches("FAILED").count(), 1, "{}", run.stdout);
    }
}

#[test]
fn hashdeep_audit_files() {
    let dir = tempfile::tempdir().unwrap();
    tree(dir.path());
    let listing = tool(dir.path(), "hashdeep", &["-r", "-l", "-c", "md5,sha256", "."]);
    let manifest = dir.path().join("audit.hashdeep");
    std::fs::write(&manifest, listing).unwrap();
    let run = verify(&manifest, &[]);
    run.assert_code(EXIT_ACCEPTED);
    assert_eq!(run.stdout.matches(": OK").count(), 3, "{}", run.stdout);
    tamper(&dir.path().join("文书-2020/0001 copy.tif"));
    let run = verify(&manifest, &[]);
    run.assert_code(EXIT_REJECTED);
    assert!(run.stdout.contains("文书-2020/0001 copy.tif: FAILED"), "{}", run.stdout);
}

#[test]
fn bagit_python_bags() {
    let dir = tempfile::tempdir().unwrap();
    let bag = dir.path().join("bag");
    tree(&bag);
    tool(dir.path(), "bagit.py", &["--sha256", "--md5", "--quiet", "bag"]);
    for alg in ["sha256", "md5"] {
        let manifest = bag.join(format!("manifest-{alg}.txt"));
        verify(&manifest, &["--complete"]).assert_code(EXIT_ACCEPTED);
    }
    std::fs::write(bag.join("data/J001/extra.jpg"), b"x").unwrap();
    let run = verify(&bag.join("manifest-sha256.txt"), &["--complete"]);
    run.assert_code(EXIT_REJECTED);
    assert!(
        run.stdout.contains("data/J001/extra.jpg: FAILED (not in the manifest)"),
        "{}",
        run.stdout
    );
}

#[test]
fn bagit_payload_oxum_and_tag_manifests_are_checked_by_check() {
    let (dir, g) = generated(&[]);
    let bag = dir.path().join("bag");
    std::fs::rename(&g.delivery, &bag).unwrap();
    std::fs::remove_file(bag.join("manifest-sha256.txt")).unwrap();
    tool(dir.path(), "bagit.py", &["--sha256", "--quiet", "bag"]);
    let payload = bag.join("data");
    let manifest = bag.join("manifest-sha256.txt");
    let out = dir.path().join("out");
    let run = vouch(check_args(&payload, &g.catalogue, &manifest, &out));
    run.assert_code(EXIT_ACCEPTED);
    // A file added to the payload breaks the Oxum; an edited bag-info.txt breaks the tag manifest.
    std::fs::write(payload.join("extra.txt"), b"x").unwrap();
    let info = bag.join("bag-info.txt");
    let text = std::fs::read_to_string(&info).unwrap() + "Contact-Name: someone\n";
    std::fs::write(&info, text).unwrap();
    let run = vouch(check_args(&payload, &g.catalogue, &manifest, &out));
    run.assert_code(EXIT_REJECTED);
    let report = run.json();
    let rules = crate::util::rules(&report);
    assert!(rules.contains(&"bag-oxum-mismatch".to_string()), "{rules:?}");
    assert!(rules.contains(&"bag-tag-mismatch".to_string()), "{rules:?}");
}

/// Bytes this vouch process read, from its `VOUCH_DEBUG_IO` line (Linux `rchar`).
fn rchar(stderr: &str) -> u64 {
    let line = stderr.lines().find(|l| l.starts_with("vouch: io:")).expect("no io line");
    let field = line.split_whitespace().skip_while(|w| *w != "rchar:").nth(1).unwrap();
    field.parse().unwrap()
}

#[test]
fn three_manifests_still_read_each_file_once() {
    let (dir, g) = generated(&[]);
    let delivery = &g.delivery;
    let payload: u64 = walk_sizes(delivery);
    for (program, name) in [("md5sum", "manifest-md5.txt"), ("sha512sum", "manifest-sha512.txt")] {
        let files = tool(
            delivery,
            "find",
            &[".", "-type", "f", "-name", "*.*", "!", "-name", "manifest-*"],
        );
        let files: Vec<String> =
            String::from_utf8_lossy(&files).lines().map(String::from).collect();
        let args: Vec<&str> = files.iter().map(String::as_str).collect();
        let listing = tool(delivery, program, &args);
        std::fs::write(dir.path().join(name), listing).unwrap();
    }
    let out = dir.path().join("out");
    let run_with = |manifests: &[&Path]| {
        let mut args =
            check_args(delivery, &g.catalogue, &delivery.join("manifest-sha256.txt"), &out);
        for m in manifests {
            args.extend(["--manifest".into(), m.as_os_str().to_owned()]);
        }
        args.extend(["--manifest-root".into(), delivery.as_os_str().to_owned()]);
        let cmd = vouch_with_env(args);
        assert_eq!(cmd.0, Some(EXIT_ACCEPTED), "{}", cmd.1);
        rchar(&cmd.1)
    };
    let one = run_with(&[]);
    let md5 = dir.path().join("manifest-md5.txt");
    let sha512 = dir.path().join("manifest-sha512.txt");
    let three = run_with(&[&md5, &sha512]);
    let manifests =
        std::fs::metadata(&md5).unwrap().len() + std::fs::metadata(&sha512).unwrap().len();
    // The extra manifests are read once each; the delivery is not read again.
    assert!(three <= one + manifests + 4096, "one manifest: {one} B read, three: {three} B");
    assert!(one < payload + payload / 20 + 256 * 1024, "payload {payload} B, read {one} B");
    assert!(one >= payload, "read {one} B, less than the payload {payload} B");
}

fn walk_sizes(root: &Path) -> u64 {
    let mut total = 0;
    for e in std::fs::read_dir(root).unwrap() {
        let e = e.unwrap();
        let ft = e.file_type().unwrap();
        if ft.is_dir() {
            total += walk_sizes(&e.path());
        } else if ft.is_file() {
            total += e.metadata().unwrap().len();
        }
    }
    total
}

fn vouch_with_env(args: Vec<std::ffi::OsString>) -> (Option<i32>, String) {
    let out = crate::util::vouch_command().args(args).env("VOUCH_DEBUG_IO", "1").output().unwrap();
    (out.status.code(), String::from_utf8_lossy(&out.stderr).into_owned())
}

#[test]
fn check_writes_accepted_manifests_that_sha256sum_and_b3sum_accept() {
    let (dir, g) = generated(&[]);
    let out = dir.path().join("out");
    let mut args =
        check_args(&g.delivery, &g.catalogue, &g.delivery.join("manifest-sha256.txt"), &out);
    args.extend(["--accepted-algorithm".into(), "sha256".into()]);
    args.extend(["--accepted-algorithm".into(), "blake3".into()]);
    vouch(args).assert_code(EXIT_ACCEPTED);
    let report: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join("report.json")).unwrap()).unwrap();
    for (alg, program) in [("sha256", "sha256sum"), ("blake3", "b3sum")] {
        let name = format!("accepted-manifest-{alg}.txt");
        let manifest = out.join(&name);
        let check = tool(&g.delivery, program, &["--check", "--quiet", manifest.to_str().unwrap()]);
        assert!(check.is_empty(), "{program} --check: {}", String::from_utf8_lossy(&check));
        let listed =
            report["bundle"].as_array().unwrap().iter().find(|b| b["file"] == name.as_str());
        let want = crate::support::generate::sha256_hex(&std::fs::read(&manifest).unwrap());
        assert_eq!(listed.expect("listed in report.json")["sha256"], want.as_str());
    }
}

#[test]
fn a_name_differing_only_in_letter_case_is_named_on_both_sides() {
    // 0002 is listed lower-case and delivered upper-case: one file unlisted, one entry
    // missing, and each finding names the other as its letter-case twin.
    let dir = tempfile::tempdir().unwrap();
    let delivery = dir.path().join("delivery");
    std::fs::create_dir_all(delivery.join("A-1")).unwrap();
    std::fs::write(delivery.join("A-1/0001.jpg"), b"x").unwrap();
    std::fs::write(delivery.join("A-1/0002.JPG"), b"y").unwrap();
    let catalogue = dir.path().join("cat.csv");
    std::fs::write(&catalogue, "档号,页数\nA-1,2\n").unwrap();
    let manifest = delivery.join("manifest-sha256.txt");
    let mut listed = tool(&delivery, "sha256sum", &["A-1/0001.jpg", "A-1/0002.JPG"]);
    listed = String::from_utf8(listed).unwrap().replace("0002.JPG", "0002.jpg").into_bytes();
    std::fs::write(&manifest, listed).unwrap();
    let run = vouch(check_args(&delivery, &catalogue, &manifest, &dir.path().join("out")));
    let report = run.json();
    let hashes: Vec<(&str, &str, &str)> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["rule"].as_str().unwrap().starts_with("hash-"))
        .map(|f| {
            (
                f["rule"].as_str().unwrap(),
                f["path"].as_str().unwrap(),
                f["message"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(hashes.len(), 2, "{hashes:#?}");
    assert_eq!(hashes[0].0, "hash-unlisted");
    assert_eq!(hashes[0].1, "A-1/0002.JPG");
    assert!(hashes[0].2.ends_with("(differs only in letter case from 'A-1/0002.jpg')"));
    assert_eq!(hashes[1].0, "hash-missing-file");
    assert_eq!(hashes[1].1, "A-1/0002.jpg");
    assert!(hashes[1].2.ends_with("(differs only in letter case from 'A-1/0002.JPG')"));
}
