//! The report bundle written by streaming (issue #7): report.json goes to a temporary
//! file in the report folder and is renamed into place, then signed and printed from that
//! file. The bundle must be exactly what it was: stdout's JSON is the file's bytes, the
//! hash list pins the accepted manifest, and both signature kinds verify, with vouch and
//! with the stock minisign tool.

use crate::util::{EXIT_ACCEPTED, check_args, generated, vouch};
use sha2::{Digest, Sha256};
use std::ffi::OsString;
use std::path::Path;

fn keygen(keys: &Path, name: &str, algorithm: &str) {
    let k = keys.as_os_str().to_owned();
    let args: Vec<OsString> = vec![
        "keygen".into(),
        "--out-dir".into(),
        k,
        "--name".into(),
        name.into(),
        "--algorithm".into(),
        algorithm.into(),
        "--no-password".into(),
    ];
    vouch(args).assert_code(EXIT_ACCEPTED);
}

#[test]
fn a_streamed_bundle_prints_signs_and_verifies_as_written() {
    let (dir, g) = generated(&[]);
    let (out, keys) = (dir.path().join("out"), dir.path().join("keys"));
    keygen(&keys, "archive", "minisign");
    keygen(&keys, "vendor", "sm2");
    let mut args = check_args(&g.delivery, &g.catalogue, &g.manifest, &out);
    args.extend(["--sign-key".into(), keys.join("archive.key").into_os_string()]);
    let run = vouch(args);
    run.assert_code(EXIT_ACCEPTED);
    let written = std::fs::read(out.join("report.json")).unwrap();
    assert_eq!(run.stdout.as_bytes(), &written[..], "stdout is report.json as written");

    let report: serde_json::Value = serde_json::from_slice(&written).unwrap();
    let manifest = std::fs::read(out.join("accepted-manifest-sha256.txt")).unwrap();
    let pinned = report["bundle"].as_array().unwrap().iter().find(|f| {
        f["file"] == "accepted-manifest-sha256.txt"
            && f["sha256"] == hex::encode(Sha256::digest(&manifest))
            && f["bytes"] == manifest.len() as u64
    });
    assert!(pinned.is_some(), "{}", report["bundle"]);
    let names: Vec<String> = std::fs::read_dir(&out)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert!(names.iter().all(|n| !n.starts_with('.')), "temporary files left: {names:?}");

    let sign: Vec<OsString> = vec![
        "sign".into(),
        out.clone().into(),
        "--sign-key".into(),
        keys.join("vendor.key.pem").into(),
        "--signature-name".into(),
        "vendor".into(),
    ];
    vouch(sign).assert_code(EXIT_ACCEPTED);
    let mut verify: Vec<OsString> = vec!["verify".into(), out.clone().into()];
    for key in ["archive.pub", "vendor.pub.pem"] {
        verify.extend(["--public-key".into(), keys.join(key).into_os_string()]);
    }
    let v = vouch(verify);
    v.assert_code(EXIT_ACCEPTED);
    let sha = hex::encode(Sha256::digest(&written));
    assert!(v.stdout.contains(&format!("report.json sha256 {sha}")), "{}", v.stdout);
    assert!(v.stdout.contains("VALID: "), "{}", v.stdout);

    let stock = std::process::Command::new("minisign")
        .arg("-Vm")
        .arg(out.join("report.json"))
        .arg("-p")
        .arg(keys.join("archive.pub"))
        .output()
        .expect("minisign is installed (.ci/run installs it)");
    let said = String::from_utf8_lossy(&stock.stdout);
    assert!(stock.status.success(), "{said}");
    assert!(said.contains("verdict:accepted"), "trusted comment: {said}");
}
