//! `--io-threads` (issue #7): separate readers, in on-disk order, feeding the decode
//! workers change how files are read, never what is found: the report is the same as the
//! default run's, and every file is still read once.

use crate::support::generate::Defect;
use crate::util::{EXIT_REJECTED, check_args, generated};
use std::path::Path;

/// Runs a check with `extra` flags; returns its exit code and the bytes it read (Linux
/// `rchar`, from the `VOUCH_DEBUG_IO` line).
fn run(args: Vec<std::ffi::OsString>, extra: &[&str]) -> (Option<i32>, u64) {
    let out = crate::util::vouch_command()
        .args(args)
        .args(extra)
        .env("VOUCH_DEBUG_IO", "1")
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    let line = stderr.lines().find(|l| l.starts_with("vouch: io:")).expect("no io line");
    let rchar = line.split_whitespace().skip_while(|w| *w != "rchar:").nth(1).unwrap();
    (out.status.code(), rchar.parse().unwrap())
}

#[test]
fn one_reader_gives_the_default_report_and_reads_each_file_once() {
    let (dir, g) = generated(&Defect::ALL);
    let args = |out: &Path| check_args(&g.delivery, &g.catalogue, &g.manifest, out);
    let default = dir.path().join("default");
    let (code, read_default) = run(args(&default), &[]);
    assert_eq!(code, Some(EXIT_REJECTED));
    let want = crate::util::stable_report(&default);
    for (name, extra) in
        [("one", &["--io-threads", "1"][..]), ("three", &["--io-threads", "3", "-j", "1"])]
    {
        let out = dir.path().join(name);
        let (code, read) = run(args(&out), extra);
        assert_eq!(code, Some(EXIT_REJECTED), "{extra:?}");
        assert_eq!(
            crate::util::stable_report(&out),
            want,
            "{extra:?}: report differs from the default run's"
        );
        // Same files, same one read each: the byte counts agree up to the few KiB
        // that vary between any two runs (the progress of the kernel's own reads).
        let slack = 64 * 1024;
        assert!(
            read.abs_diff(read_default) <= slack,
            "{extra:?}: read {read} B, default {read_default} B"
        );
    }
}
