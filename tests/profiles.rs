//! Profiles that extend another (issue #15): a contract's profile names `dat31` (or a
//! file, relative to itself) and writes only what differs; the report records the chain
//! and the effective profile's digest; a cycle, a missing base or an unknown key is exit 2
//! naming the file and line. Driven through the binary on a one-page delivery.

use crate::support::generate::encode::{self, Rng};
use crate::support::generate::sha256_hex;
use crate::util::{EXIT_ACCEPTED, EXIT_COULD_NOT_RUN, EXIT_REJECTED, code, findings, text};
use serde_json::Value;
use std::path::{Path, PathBuf};

/// The contract of the issue, five lines: dat31 with 300 dpi in every colour mode.
const CONTRACT: &str =
    "extends = \"dat31\"\nname = \"contract-300\"\n\n[resolution]\nmin_dpi = 300\n";

/// A delivery of one record of one greyscale JPEG page at 200 dpi, with its
/// catalogue and a manifest, in `dir`. Returns (delivery, catalogue, manifest).
fn delivery_200dpi(dir: &Path) -> (PathBuf, PathBuf, PathBuf) {
    let root = dir.join("delivery");
    std::fs::create_dir_all(root.join("A-1")).unwrap();
    let page = encode::jpeg(&encode::render_grey(&mut Rng::new(7)), false, Some(200)).unwrap();
    std::fs::write(root.join("A-1/001.jpg"), &page).unwrap();
    let manifest = root.join("manifest-sha256.txt");
    std::fs::write(&manifest, format!("{}  A-1/001.jpg\n", sha256_hex(&page))).unwrap();
    let catalogue = dir.join("catalogue.csv");
    std::fs::write(&catalogue, "档号,题名,页数\nA-1,甲,1\n").unwrap();
    (root, catalogue, manifest)
}

/// Runs `vouch check` with `profile` from the working directory `cwd`, JSON on stdout.
fn check(dir: &Path, profile: &str, cwd: &Path) -> std::process::Output {
    let (root, catalogue, manifest) = delivery_200dpi(dir);
    crate::util::vouch_command()
        .current_dir(cwd)
        .args(["check".as_ref(), root.as_os_str(), "--catalogue".as_ref(), catalogue.as_os_str()])
        .args(["--manifest".as_ref(), manifest.as_os_str()])
        .args(["--profile", profile, "--format", "json"])
        .output()
        .unwrap()
}

fn report(o: &std::process::Output) -> Value {
    serde_json::from_slice(&o.stdout).unwrap_or_else(|e| panic!("{e}: {}", text(o)))
}

fn rules(r: &Value) -> Vec<String> {
    findings(r).into_iter().map(|f| format!("{} {}", f.rule, f.path.unwrap_or_default())).collect()
}

#[test]
fn a_five_line_contract_extending_dat31_rejects_the_200_dpi_page_dat31_accepts() {
    let dir = tempfile::tempdir().unwrap();
    let plain = check(dir.path(), "dat31", dir.path());
    assert_eq!(code(&plain), EXIT_ACCEPTED, "{}", text(&plain));
    let plain = report(&plain);
    assert!(rules(&plain).is_empty(), "{:?}", rules(&plain));
    assert_eq!(plain["profile"]["extends"], serde_json::json!([]));

    let contract = dir.path().join("contract.toml");
    std::fs::write(&contract, CONTRACT).unwrap();
    let o = check(dir.path(), contract.to_str().unwrap(), dir.path());
    assert_eq!(code(&o), EXIT_REJECTED, "{}", text(&o));
    let r = report(&o);
    assert_eq!(rules(&r), ["resolution-low A-1/001.jpg"]);
    let p = &r["profile"];
    assert_eq!(p["name"], "contract-300");
    assert_eq!(p["extends"], serde_json::json!(["built-in:dat31"]));
    assert_eq!(p["sha256"].as_str().unwrap(), sha256_hex(CONTRACT.as_bytes()));
    let effective = p["effective_sha256"].as_str().unwrap();
    assert_eq!(effective.len(), 64);
    assert_ne!(effective, plain["profile"]["effective_sha256"].as_str().unwrap());
}

#[test]
fn a_relative_base_is_read_beside_the_extending_file_from_any_working_directory() {
    let dir = tempfile::tempdir().unwrap();
    let profiles = dir.path().join("contracts");
    std::fs::create_dir_all(&profiles).unwrap();
    std::fs::write(profiles.join("base.toml"), CONTRACT.replace("contract-300", "base")).unwrap();
    let top = "extends = \"base.toml\"\nname = \"site\"\n";
    std::fs::write(profiles.join("site.toml"), top).unwrap();
    let elsewhere = dir.path().join("elsewhere");
    std::fs::create_dir_all(&elsewhere).unwrap();
    let site = profiles.join("site.toml");
    let o = check(dir.path(), site.to_str().unwrap(), &elsewhere);
    assert_eq!(code(&o), EXIT_REJECTED, "{}", text(&o));
    let r = report(&o);
    assert_eq!(rules(&r), ["resolution-low A-1/001.jpg"]);
    let chain: Vec<String> = r["profile"]["extends"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap().to_string())
        .collect();
    assert_eq!(chain.len(), 2, "{chain:?}");
    assert!(chain[0].ends_with("base.toml") && chain[1] == "built-in:dat31", "{chain:?}");
    assert_eq!(r["profile"]["name"], "site");
}

#[test]
fn a_cycle_a_missing_base_and_an_unknown_key_are_exit_2_naming_file_and_line() {
    let dir = tempfile::tempdir().unwrap();
    let write = |name: &str, src: &str| {
        let p = dir.path().join(name);
        std::fs::write(&p, src).unwrap();
        p.to_str().unwrap().to_string()
    };
    let a = write("a.toml", "name = \"a\"\nextends = \"b.toml\"\n");
    write("b.toml", "# b\nextends = \"a.toml\"\nname = \"b\"\n");
    let o = check(dir.path(), &a, dir.path());
    assert_eq!(code(&o), EXIT_COULD_NOT_RUN, "{}", text(&o));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("cycle") && err.contains("b.toml") && err.contains("line 2"), "{err}");

    let missing = write("m.toml", "name = \"m\"\nextends = \"no-such.toml\"\n");
    let o = check(dir.path(), &missing, dir.path());
    assert_eq!(code(&o), EXIT_COULD_NOT_RUN, "{}", text(&o));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("m.toml") && err.contains("line 2") && err.contains("no-such"), "{err}");

    let typo = write("t.toml", "extends = \"dat31\"\nname = \"t\"\n[resolution]\nmin_ppi = 300\n");
    let o = check(dir.path(), &typo, dir.path());
    assert_eq!(code(&o), EXIT_COULD_NOT_RUN, "{}", text(&o));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("t.toml") && err.contains("line 4") && err.contains("min_ppi"), "{err}");
}

#[test]
fn vouch_profiles_lists_each_builtin_with_what_differs_and_shows_it_as_written() {
    let run = |args: &[&str]| crate::util::vouch_command().args(args).output();
    let list = run(&["profiles"]).unwrap();
    let out = String::from_utf8_lossy(&list.stdout);
    assert!(out.contains("dat31-ocr") && out.contains("300 dpi"), "{out}");
    assert!(out.contains("200 dpi in every colour mode"), "{out}");
    let show = run(&["profiles", "--show", "dat31-ocr"]).unwrap();
    let shown = String::from_utf8_lossy(&show.stdout);
    assert!(shown.starts_with("# vouch acceptance profile `dat31-ocr`"), "{shown}");
    assert!(shown.contains("extends = \"dat31\""), "{shown}");
}
