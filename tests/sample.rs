//! The committed sample in `testdata/sample/`: it runs, and it is what the README says.
//!
//! A fixture nobody can regenerate rots; so the README's `make-delivery` command is parsed
//! here and re-run, and its output must equal the committed files byte for byte.

use crate::support::generate::{self, Defect, Expected, Options};
use crate::util::{EXIT_REJECTED, assert_same_findings, check_args, findings, vouch};
use std::collections::BTreeMap;
use std::os::unix::ffi::OsStrExt;
use std::path::{Path, PathBuf};

const README: &str = include_str!("../testdata/README.md");

fn sample_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("testdata/sample")
}

/// The generator options of the README's `cargo run --example make-delivery -- ...` line.
fn readme_options() -> (String, Options) {
    let line = README
        .lines()
        .find(|l| l.contains("--example make-delivery -- testdata/"))
        .expect("README shows the make-delivery command");
    let mut args = line.split_once(" -- ").unwrap().1.split_whitespace();
    let out = args.next().unwrap().to_string();
    let mut opts = Options { seed: 1, records: None, defects: Vec::new() };
    while let Some(flag) = args.next() {
        let mut value = || args.next().expect("flag value");
        match flag {
            "--seed" => opts.seed = value().parse().unwrap(),
            "--records" => opts.records = Some(value().parse().unwrap()),
            "--defect" => opts.defects.push(Defect::from_rule(value()).expect("known defect")),
            "--defects" => opts.defects.extend(Defect::ALL),
            other => panic!("README command has unknown flag {other}"),
        }
    }
    (out, opts)
}

/// Every file below `root` by relative path bytes.
fn files(root: &Path) -> BTreeMap<Vec<u8>, Vec<u8>> {
    walkdir::WalkDir::new(root)
        .into_iter()
        .map(Result::unwrap)
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            let rel = e.path().strip_prefix(root).unwrap().as_os_str().as_bytes().to_vec();
            (rel, std::fs::read(e.path()).unwrap())
        })
        .collect()
}

#[test]
fn committed_sample_is_what_the_readme_command_makes() {
    let (out, opts) = readme_options();
    assert_eq!(out, "testdata/sample");
    let dir = tempfile::tempdir().unwrap();
    generate::generate(dir.path(), &opts).unwrap();
    let (made, committed) = (files(dir.path()), files(&sample_dir()));
    let names =
        |m: &BTreeMap<Vec<u8>, Vec<u8>>| m.keys().map(|k| generate::escape(k)).collect::<Vec<_>>();
    assert_eq!(names(&made), names(&committed), "same files");
    for (path, bytes) in &made {
        assert!(&committed[path] == bytes, "{} differs from a fresh run", generate::escape(path));
    }
}

#[test]
fn committed_sample_runs_and_reports_its_expected_findings() {
    let sample = sample_dir();
    let (delivery, manifest) =
        (sample.join("delivery"), sample.join("delivery/manifest-sha256.txt"));
    let out = tempfile::tempdir().unwrap();
    let run = vouch(check_args(&delivery, &sample.join("catalogue.csv"), &manifest, out.path()));
    let expected: Vec<Expected> =
        serde_json::from_slice(&std::fs::read(sample.join("expected.json")).unwrap()).unwrap();
    assert_same_findings(&findings(&run.json()), &expected, &run.stderr);
    run.assert_code(EXIT_REJECTED);
}
