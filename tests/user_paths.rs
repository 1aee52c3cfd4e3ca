//! Issue #16: every statement a report makes is true, however the user names the inputs.
//! Each test drives the binary from the working directory a user would be in, with the
//! paths a user types (bare names, `./`, `../`), on trees laid out the way the vendors'
//! tools leave them, and fails on the false integrity verdicts these cases used to give.

use crate::support::generate::Generated;
use crate::util::{
    EXIT_ACCEPTED, EXIT_REJECTED, Run, assert_same_findings, findings, generated, vouch_in,
};
use std::ffi::OsString;
use std::path::Path;
use std::process::Command;

/// `vouch check DELIVERY -c CATALOGUE [-m MANIFEST] --out OUT --format json`, in `cwd`.
fn check_in(
    cwd: &Path,
    delivery: &str,
    catalogue: &str,
    manifest: Option<&str>,
    out: &Path,
) -> Run {
    let mut args: Vec<OsString> =
        vec!["check".into(), delivery.into(), "-c".into(), catalogue.into()];
    if let Some(m) = manifest {
        args.extend(["-m".into(), m.into()]);
    }
    args.extend(["--out".into(), out.into(), "--format".into(), "json".into()]);
    vouch_in(cwd, args)
}

/// A clean generated delivery whose manifest (paths relative to the delivery, as
/// `cd delivery && sha256sum … > ../manifest-sha256.txt` writes them) sits beside it.
fn manifest_beside() -> (tempfile::TempDir, Generated) {
    let (dir, g) = generated(&[]);
    std::fs::rename(&g.manifest, dir.path().join("manifest-sha256.txt")).unwrap();
    (dir, g)
}

fn assert_clean(run: &Run, root: &str) {
    let report = run.json();
    assert_same_findings(&findings(&report), &[], &run.stderr);
    run.assert_code(EXIT_ACCEPTED);
    assert_eq!(report["manifests"][0]["root"], root, "{}", run.stderr);
}

#[test]
fn a_bare_manifest_name_from_the_delivery_s_parent_folder() {
    let (dir, _g) = manifest_beside();
    let out = dir.path().join("out");
    let run = check_in(dir.path(), "delivery", "catalogue.csv", Some("manifest-sha256.txt"), &out);
    assert_clean(&run, "delivery-root");
    let note = run.json()["manifests"][0]["note"].as_str().unwrap_or_default().to_owned();
    assert!(note.contains("resolved against the delivery root"), "{note}");
}

#[test]
fn dot_dot_paths_from_inside_the_delivery() {
    let (dir, g) = manifest_beside();
    let out = dir.path().join("out");
    let run = check_in(&g.delivery, ".", "../catalogue.csv", Some("../manifest-sha256.txt"), &out);
    assert_clean(&run, "delivery-root");
}

#[test]
fn a_manifest_inside_the_delivery_named_every_way() {
    let (dir, g) = generated(&[]);
    let out = dir.path().join("out");
    for (cwd, delivery, catalogue, manifest) in [
        (g.delivery.clone(), ".", "../catalogue.csv", "manifest-sha256.txt"),
        (g.delivery.clone(), ".", "../catalogue.csv", "./manifest-sha256.txt"),
        (dir.path().to_path_buf(), "delivery", "catalogue.csv", "delivery/manifest-sha256.txt"),
        (g.delivery.join("..").join(".."), "", "", ""),
    ] {
        // The last case: an absolute path given from an unrelated folder.
        let (delivery, catalogue, manifest) = if delivery.is_empty() {
            let abs = |p: &Path| p.display().to_string();
            (abs(&g.delivery), abs(&g.catalogue), abs(&g.manifest))
        } else {
            (delivery.to_owned(), catalogue.to_owned(), manifest.to_owned())
        };
        let run = check_in(&cwd, &delivery, &catalogue, Some(&manifest), &out);
        assert_clean(&run, "manifest-folder");
    }
}

#[test]
fn a_hashdeep_audit_made_inside_the_delivery_and_saved_beside_it() {
    let (dir, g) = generated(&[]);
    std::fs::remove_file(&g.manifest).unwrap();
    let audit = Command::new("hashdeep")
        .args(["-c", "md5,sha256", "-r", "-l", "."])
        .current_dir(&g.delivery)
        .output()
        .expect("hashdeep runs (apt-get install hashdeep)");
    assert!(audit.status.success());
    std::fs::write(dir.path().join("audit.txt"), audit.stdout).unwrap();
    let out = dir.path().join("out");
    let run = check_in(dir.path(), "delivery", "catalogue.csv", Some("audit.txt"), &out);
    assert_clean(&run, "delivery-root");
}

#[test]
fn a_bagit_bag_given_by_its_root() {
    let (dir, g) = generated(&[]);
    std::fs::remove_file(&g.manifest).unwrap();
    let made = Command::new("python3")
        .args(["-m", "bagit", "--sha256", "delivery"])
        .current_dir(dir.path())
        .output()
        .expect("python3 runs");
    assert!(made.status.success(), "pip install bagit: {}", String::from_utf8_lossy(&made.stderr));
    let out = dir.path().join("out");
    let run = check_in(dir.path(), "delivery", "catalogue.csv", None, &out);
    assert!(run.stderr.contains("is a BagIt bag"), "{}", run.stderr);
    assert_clean(&run, "manifest-folder");
    // A changed payload file is caught through the bag's own manifest.
    let page = first_page(&g.delivery.join("data"));
    let mut bytes = std::fs::read(&page).unwrap();
    *bytes.last_mut().unwrap() ^= 1;
    std::fs::write(&page, bytes).unwrap();
    let run = check_in(dir.path(), "delivery", "catalogue.csv", None, &out);
    run.assert_code(EXIT_REJECTED);
    let rules = crate::util::rules(&run.json());
    assert!(rules.contains(&"hash-mismatch".to_string()), "{rules:?}");
}

/// The first page file below a delivery, in name order.
fn first_page(root: &Path) -> std::path::PathBuf {
    let mut pages: Vec<_> = walkdir::WalkDir::new(root)
        .into_iter()
        .flatten()
        .filter(|e| e.path().extension().is_some_and(|x| x == "jpg" || x == "tif"))
        .map(|e| e.into_path())
        .collect();
    pages.sort();
    pages.remove(0)
}

#[test]
fn paths_that_land_nowhere_are_one_finding_with_the_nearest_match() {
    let (dir, g) = generated(&[]);
    // A vendor manifest made one folder up, with a prefix the delivery does not have.
    let text = std::fs::read_to_string(&g.manifest).unwrap();
    let prefixed: String = text.lines().map(|l| l.replacen("  ", "  batch-7/", 1) + "\n").collect();
    std::fs::write(&g.manifest, prefixed).unwrap();
    let out = dir.path().join("out");
    let run = check_in(
        dir.path(),
        "delivery",
        "catalogue.csv",
        Some("delivery/manifest-sha256.txt"),
        &out,
    );
    run.assert_code(EXIT_REJECTED);
    let report = run.json();
    let found = findings(&report);
    assert_eq!(found.len(), 1, "one finding, not one per file: {found:?}");
    assert_eq!(found[0].rule, "manifest-paths-unresolved");
    let message = report["findings"][0]["message"].as_str().unwrap();
    assert!(message.contains("nearest match: 'batch-7/"), "{message}");
}

#[test]
fn no_vendor_manifest_is_said() {
    let (dir, g) = generated(&[]);
    std::fs::remove_file(&g.manifest).unwrap();
    let out = dir.path().join("out");
    let run = check_in(dir.path(), "delivery", "catalogue.csv", None, &out);
    run.assert_code(EXIT_ACCEPTED);
    let found = findings(&run.json());
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!((found[0].rule.as_str(), &found[0].path), ("hash-no-manifest", &None));
}

#[test]
fn a_blake3_manifest_named_without_its_algorithm_gets_a_hint() {
    let (dir, g) = generated(&[]);
    let list = dir.path().join("list.txt");
    let d = g.delivery.display().to_string();
    let made = vouch_in(dir.path(), ["manifest", &d, "-a", "blake3", "-o", "list.txt"]);
    made.assert_code(EXIT_ACCEPTED);
    let run = vouch_in(dir.path(), ["manifest", "--verify", "list.txt", "--quiet", &d]);
    run.assert_code(EXIT_REJECTED);
    assert!(run.stderr.contains("-a") || run.stderr.contains("--algorithm"), "{}", run.stderr);
    assert!(run.stderr.contains("blake3"), "{}", run.stderr);
    // Named, it verifies.
    let args = ["manifest", "--verify", "list.txt", "-a", "blake3", &d];
    vouch_in(dir.path(), args).assert_code(EXIT_ACCEPTED);
    // In a check, one warning says the same.
    let out = dir.path().join("out");
    let l = list.display().to_string();
    let run = check_in(dir.path(), "delivery", "catalogue.csv", Some(&l), &out);
    let rules = crate::util::rules(&run.json());
    assert!(rules.contains(&"manifest-algorithm-doubtful".to_string()), "{rules:?}");
}

/// A 2×2 24-bit Windows bitmap.
fn bmp() -> Vec<u8> {
    let pixels = 2 * 8; // two rows of 2×3 bytes, padded to 8
    let mut b = b"BM".to_vec();
    b.extend_from_slice(&(54u32 + pixels).to_le_bytes());
    b.extend_from_slice(&[0, 0, 0, 0]);
    b.extend_from_slice(&54u32.to_le_bytes());
    b.extend_from_slice(&40u32.to_le_bytes());
    for v in [2u32, 2] {
        b.extend_from_slice(&v.to_le_bytes());
    }
    b.extend_from_slice(&1u16.to_le_bytes());
    b.extend_from_slice(&24u16.to_le_bytes());
    b.extend_from_slice(&[0; 24]);
    b.extend_from_slice(&[0xFF; 16]);
    b
}

#[test]
fn a_bmp_page_is_not_allowed_and_still_counts_as_its_page() {
    let (dir, g) = generated(&[]);
    std::fs::remove_file(&g.manifest).unwrap();
    let page = first_page(&g.delivery);
    let bmp_page = page.with_extension("bmp");
    std::fs::remove_file(&page).unwrap();
    std::fs::write(&bmp_page, bmp()).unwrap();
    let out = dir.path().join("out");
    let run = check_in(dir.path(), "delivery", "catalogue.csv", None, &out);
    run.assert_code(EXIT_REJECTED);
    let rel = bmp_page.strip_prefix(&g.delivery).unwrap().display().to_string();
    let record = rel.split('/').next().unwrap().to_owned();
    let want = [
        crate::support::generate::Expected {
            rule: "format-not-allowed".into(),
            record: Some(record),
            path: Some(rel),
        },
        crate::support::generate::Expected {
            rule: "hash-no-manifest".into(),
            record: None,
            path: None,
        },
    ];
    let report = run.json();
    assert_same_findings(&findings(&report), &want, &run.stderr);
    let list = report["findings"].as_array().unwrap();
    let message = &list.iter().find(|f| f["rule"] == "format-not-allowed").unwrap()["message"];
    assert!(message.as_str().unwrap().starts_with("bmp is not allowed"), "{message}");
}

#[test]
fn inspect_says_empty_files_are_damaged_names_a_wrong_extension_and_shows_quality() {
    let (dir, g) = generated(&[]);
    let empty = dir.path().join("empty.jpg");
    std::fs::write(&empty, b"").unwrap();
    let run = vouch_in(dir.path(), ["inspect", "--format", "json", "empty.jpg"]);
    run.assert_code(EXIT_REJECTED);
    assert_eq!(run.json()[0]["damage"], "empty file (0 bytes)");
    let _ = g;
    // An A5-sized page at 100 dpi, large enough for every quality measure.
    let img = image::GrayImage::from_fn(580, 830, |x, y| {
        image::Luma([if (y / 20) % 2 == 0 && x % 12 < 8 && (60..770).contains(&y) {
            30
        } else {
            240
        }])
    });
    let mut jpeg = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut jpeg, 85).encode_image(&img).unwrap();
    std::fs::write(dir.path().join("page.png"), jpeg).unwrap();
    let run = vouch_in(dir.path(), ["inspect", "page.png"]);
    run.assert_code(EXIT_ACCEPTED);
    assert!(run.stdout.contains("note: the content is"), "{}", run.stdout);
    assert!(run.stdout.contains("but the extension .png says png"), "{}", run.stdout);
    let run = vouch_in(dir.path(), ["inspect", "--format", "json", "page.png"]);
    let quality = &run.json()[0]["page_facts"][0]["quality"];
    assert!(quality["contrast"].is_number(), "every quality measure is shown: {quality}");
    let human = vouch_in(dir.path(), ["inspect", "page.png"]).stdout;
    assert!(human.contains("quality: skew"), "{human}");
}

#[test]
fn the_inputs_are_named_on_stderr_before_the_delivery_is_read() {
    let (dir, _g) = generated(&[]);
    let args = ["check", "delivery", "-c", "catalogue.csv", "-m", "delivery/manifest-sha256.txt"];
    let run = vouch_in(dir.path(), args);
    run.assert_code(EXIT_ACCEPTED);
    let lines: Vec<&str> = run.stderr.lines().collect();
    assert!(
        lines.first().is_some_and(|l| l.starts_with("vouch: catalogue catalogue.csv (")),
        "{lines:?}"
    );
    assert!(
        lines
            .iter()
            .any(|l| l
                .starts_with("vouch: manifest  delivery/manifest-sha256.txt (coreutils, sha256,")),
        "{lines:?}"
    );
}
