//! Shards and merge (issue #21): N copies of `vouch check --shard K/N` side by side, then
//! `vouch merge`, must write the bundle one run writes (apart from times and the run
//! record), and a merge of the wrong parts must be refused naming the part.

use crate::support::generate::{Defect, Generated};
use crate::util::{EXIT_REJECTED, generated, stable_report};
use serde_json::Value;
use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const VOUCH: &str = env!("CARGO_BIN_EXE_vouch");

/// `vouch check` of a generated delivery into `out`, with `extra` arguments.
fn check_cmd(g: &Generated, out: &Path, extra: &[&str]) -> Command {
    let mut c = Command::new(VOUCH);
    c.arg("check").arg(&g.delivery).arg("--catalogue").arg(&g.catalogue);
    c.arg("--manifest").arg(&g.manifest).arg("--out").arg(out);
    c.args(["--profile", "dat31", "--quiet", "--jobs", "1"]).args(extra);
    c
}

/// Runs `n` shards as processes side by side; returns their part folders.
fn shards(g: &Generated, dir: &Path, n: u32) -> Vec<PathBuf> {
    let parts: Vec<PathBuf> = (0..n).map(|k| dir.join(format!("part-{n}-{k}"))).collect();
    let children: Vec<_> = parts
        .iter()
        .enumerate()
        .map(|(k, p)| check_cmd(g, p, &["--shard", &format!("{k}/{n}")]).spawn().unwrap())
        .collect();
    for (k, c) in children.into_iter().enumerate() {
        let o = c.wait_with_output().unwrap();
        assert_eq!(o.status.code(), Some(0), "shard {k}/{n}: {o:?}");
    }
    parts
}

fn merge(parts: &[PathBuf], out: &Path, extra: &[&str]) -> Output {
    Command::new(VOUCH).arg("merge").args(parts).arg("--out").arg(out).args(extra).output().unwrap()
}

/// report.json without what differs between runs: times, durations, the run record.
fn comparable(out: &Path) -> Value {
    let mut r = stable_report(out);
    r.as_object_mut().unwrap().remove("shards");
    r
}

fn assert_same_bundle(single: &Path, merged: &Path, what: &str) {
    let (a, b) = (comparable(single), comparable(merged));
    for key in a.as_object().unwrap().keys() {
        assert_eq!(a[key], b[key], "{what}: report.json `{key}` differs");
    }
    assert_eq!(a, b, "{what}");
    for f in ["findings.csv", "junit.xml", "accepted-manifest-sha256.txt"] {
        let (x, y) =
            (std::fs::read(single.join(f)).unwrap(), std::fs::read(merged.join(f)).unwrap());
        assert!(x == y, "{what}: {f} differs");
    }
}

fn text(o: &Output) -> String {
    format!("{}{}", String::from_utf8_lossy(&o.stdout), String::from_utf8_lossy(&o.stderr))
}

#[test]
fn merged_shards_equal_the_single_run_for_1_2_4_and_7_shards() {
    let (dir, g) = generated(&Defect::ALL);
    let single = dir.path().join("single");
    let o = check_cmd(&g, &single, &[]).output().unwrap();
    assert_eq!(o.status.code(), Some(EXIT_REJECTED), "{}", text(&o));
    for n in [1, 2, 4, 7] {
        let parts = shards(&g, dir.path(), n);
        let merged = dir.path().join(format!("merged-{n}"));
        let o = merge(&parts, &merged, &["--quiet"]);
        assert_eq!(o.status.code(), Some(EXIT_REJECTED), "{n} shards: {}", text(&o));
        assert_same_bundle(&single, &merged, &format!("{n} shards"));
        let r = crate::util::stable_report(&merged);
        let runs = r["shards"].as_array().unwrap();
        assert_eq!(runs.len(), n as usize);
        for (k, run) in runs.iter().enumerate() {
            assert_eq!(run["shard"], format!("{k}/{n}"));
            assert!(run["host"].as_str().is_some_and(|h| !h.is_empty()), "{run}");
            assert_eq!(run["version"], env!("CARGO_PKG_VERSION"));
        }
    }
}

#[test]
fn wrong_parts_are_refused_naming_the_shard_and_allow_partial_is_incomplete() {
    let (dir, g) = generated(&Defect::ALL);
    let parts = shards(&g, dir.path(), 3);
    let out = dir.path().join("merged");
    // Missing.
    let o = merge(&parts[..2], &out, &[]);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    assert!(text(&o).contains("shard 2/3 is missing"), "{}", text(&o));
    // Duplicated.
    let twice = [parts[0].clone(), parts[1].clone(), parts[1].clone(), parts[2].clone()];
    let o = merge(&twice, &out, &[]);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    assert!(text(&o).contains("shard 1/3 is given twice"), "{}", text(&o));
    // Foreign: a shard of a check with another catalogue.
    let other = dir.path().join("other.csv");
    let mut csv = std::fs::read(&g.catalogue).unwrap();
    csv.extend_from_slice(b"J001-WS-2020-Y-0999,3\r\n");
    std::fs::write(&other, csv).unwrap();
    let foreign = dir.path().join("foreign");
    let mut c = check_cmd(&g, &foreign, &["--shard", "1/3"]);
    let args: Vec<OsString> = c.get_args().map(OsString::from).collect();
    let at = args.iter().position(|a| a == "--catalogue").unwrap() + 1;
    let mut args = args;
    args[at] = other.into();
    c = Command::new(VOUCH);
    c.args(&args);
    let o = c.output().unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    let mixed = [parts[0].clone(), foreign.clone(), parts[2].clone()];
    let o = merge(&mixed, &out, &[]);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    let msg = text(&o);
    assert!(
        msg.contains("shard 1/3") && msg.contains("foreign") && msg.contains("catalogues"),
        "{msg}"
    );
    // A changed part file.
    let tampered = dir.path().join("tampered");
    crate::util::copy_dir(&parts[1], &tampered);
    let f = tampered.join("part-findings.jsonl");
    let mut bytes = std::fs::read(&f).unwrap();
    bytes.extend_from_slice(b"\n");
    std::fs::write(&f, bytes).unwrap();
    let o = merge(&[parts[0].clone(), tampered, parts[2].clone()], &out, &[]);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    assert!(
        text(&o).contains("shard 1/3") && text(&o).contains("part-findings.jsonl"),
        "{}",
        text(&o)
    );
    // --allow-partial: incomplete, naming the missing shard.
    let o = merge(&parts[..2], &out, &["--allow-partial", "--format", "json"]);
    assert_eq!(o.status.code(), Some(EXIT_REJECTED), "{}", text(&o));
    let r: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(r["verdict"], "incomplete");
    assert!(r["incomplete"].as_str().unwrap().contains("2/3"), "{}", r["incomplete"]);
    assert!(!out.join("accepted-manifest-sha256.txt").exists(), "no accepted manifest");
    let statuses: Vec<&str> =
        r["records"].as_array().unwrap().iter().map(|x| x["status"].as_str().unwrap()).collect();
    assert!(statuses.contains(&"not-checked"), "{statuses:?}");
}

#[test]
fn signed_parts_verify_and_an_unsigned_one_is_refused() {
    let (dir, g) = generated(&[Defect::ALL[0]]);
    let keys = dir.path().join("keys");
    let o = Command::new(VOUCH)
        .args(["keygen", "--no-password", "--name", "cluster", "--out-dir"])
        .arg(&keys)
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    let (key, public) = (keys.join("cluster.key"), keys.join("cluster.pub"));
    let parts: Vec<PathBuf> = (0..2).map(|k| dir.path().join(format!("s{k}"))).collect();
    for (k, p) in parts.iter().enumerate() {
        let shard = format!("{k}/2");
        let mut c = check_cmd(&g, p, &["--shard", &shard]);
        if k == 0 {
            c.arg("--sign-key").arg(&key);
        }
        let o = c.output().unwrap();
        assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    }
    let out = dir.path().join("merged");
    let pk = public.to_str().unwrap();
    let o = merge(&parts, &out, &["--public-key", pk]);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    assert!(text(&o).contains("shard 1/2"), "{}", text(&o));
    let o = merge(&parts[..1], &out, &["--public-key", pk, "--allow-partial", "-q"]);
    assert_eq!(o.status.code(), Some(EXIT_REJECTED), "{}", text(&o));
}

/// The recipes of docs/scale-out/, as the tests run them.
fn recipe(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/scale-out").join(rel)
}

/// The environment the recipes read: the generated delivery, parts and report folders.
fn recipe_env(c: &mut Command, g: &Generated, parts: &Path, out: &Path) {
    c.env("DELIVERY", &g.delivery).env("CATALOGUE", &g.catalogue).env("MANIFEST", &g.manifest);
    c.env("PARTS", parts).env("OUT", out).env("VOUCH", VOUCH).env("PROFILE", "dat31");
}

/// A one-node Slurm cluster below a folder, stopped when dropped (also when the test
/// fails).
struct Slurm {
    dir: PathBuf,
}

impl Slurm {
    fn start(dir: &Path) -> Slurm {
        let port =
            || std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
        let (a, b) = (port(), port());
        let cluster = Slurm { dir: dir.to_path_buf() };
        let o = Command::new(Self::script())
            .args([
                "start".as_ref(),
                dir.as_os_str(),
                a.to_string().as_ref(),
                b.to_string().as_ref(),
            ])
            .output()
            .unwrap();
        // Never a silent skip: a cluster that cannot start fails the test, saying why.
        assert!(o.status.success(), "the one-node Slurm cluster did not start: {}", text(&o));
        cluster
    }

    fn script() -> PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/support/slurm-one-node.sh")
    }

    fn conf(&self) -> PathBuf {
        self.dir.join("slurm.conf")
    }
}

impl Drop for Slurm {
    fn drop(&mut self) {
        let _ = Command::new(Self::script()).arg("stop").arg(&self.dir).status();
    }
}

#[test]
fn a_slurm_job_array_of_4_then_the_dependent_merge_equals_the_single_run() {
    let (dir, g) = generated(&Defect::ALL);
    let single = dir.path().join("single");
    let o = check_cmd(&g, &single, &[]).output().unwrap();
    assert_eq!(o.status.code(), Some(EXIT_REJECTED), "{}", text(&o));
    let slurm = Slurm::start(&dir.path().join("slurm"));
    let (parts, out) = (dir.path().join("parts"), dir.path().join("acceptance"));
    let mut c = Command::new(recipe("slurm/submit.sh"));
    c.arg("4").env("SLURM_CONF", slurm.conf()).env("SBATCH_WAIT", "1").env("CPUS", "1");
    recipe_env(&mut c, &g, &parts, &out);
    let o = c.output().unwrap();
    let logs: String = std::fs::read_dir(&parts)
        .map(|d| d.flatten().filter(|e| e.file_name().to_string_lossy().starts_with("slurm-")))
        .into_iter()
        .flatten()
        .map(|e| {
            format!(
                "{}: {}\n",
                e.path().display(),
                std::fs::read_to_string(e.path()).unwrap_or_default()
            )
        })
        .collect();
    assert_eq!(o.status.code(), Some(EXIT_REJECTED), "submit.sh: {}\n{logs}", text(&o));
    assert_same_bundle(&single, &out, "4 Slurm array tasks");
    let r = stable_report(&out);
    assert_eq!(r["shards"].as_array().map(Vec::len), Some(4), "{}", r["shards"]);
    drop(slurm);
}

/// The `vouch` command line of a manifest line marked `# MARK`.
fn marked_command(yaml: &str, mark: &str) -> String {
    let line = yaml.lines().find(|l| l.ends_with(&format!("# {mark}"))).expect("marked line");
    let line = line.trim_start().trim_start_matches("- ");
    line.rsplit_once(" # ").unwrap().0.replacen("vouch ", "\"$VOUCH\" ", 1)
}

#[test]
fn the_kubernetes_indexed_job_commands_and_the_parallel_recipe_equal_the_single_run() {
    let (dir, g) = generated(&Defect::ALL);
    let single = dir.path().join("single");
    let o = check_cmd(&g, &single, &[]).output().unwrap();
    assert_eq!(o.status.code(), Some(EXIT_REJECTED), "{}", text(&o));
    // The Indexed Job: each pod's command with its JOB_COMPLETION_INDEX, then the merge's.
    let yaml = std::fs::read_to_string(recipe("kubernetes/vouch-indexed-job.yaml")).unwrap();
    let (parts, out) = (dir.path().join("k8s-parts"), dir.path().join("k8s-out"));
    std::fs::create_dir_all(&parts).unwrap();
    let shard_cmd = marked_command(&yaml, "vouch-shard");
    let pods: Vec<_> = (0..3)
        .map(|k| {
            let mut c = Command::new("sh");
            c.args(["-c", &shard_cmd])
                .env("SHARDS", "3")
                .env("JOB_COMPLETION_INDEX", k.to_string());
            recipe_env(&mut c, &g, &parts, &out);
            c.spawn().unwrap()
        })
        .collect();
    for p in pods {
        let o = p.wait_with_output().unwrap();
        assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    }
    let mut c = Command::new("sh");
    c.args(["-c", &marked_command(&yaml, "vouch-merge")]);
    recipe_env(&mut c, &g, &parts, &out);
    let o = c.output().unwrap();
    assert_eq!(o.status.code(), Some(EXIT_REJECTED), "{}", text(&o));
    assert_same_bundle(&single, &out, "Kubernetes Indexed Job of 3");
    // GNU parallel, here over `:` (this machine) instead of ssh logins.
    let (parts, out) = (dir.path().join("par-parts"), dir.path().join("par-out"));
    let mut c = Command::new(recipe("parallel-ssh.sh"));
    c.arg("2").env("SSHLOGIN", ":");
    recipe_env(&mut c, &g, &parts, &out);
    let o = c.output().unwrap();
    assert_eq!(o.status.code(), Some(EXIT_REJECTED), "parallel-ssh.sh: {}", text(&o));
    assert_same_bundle(&single, &out, "GNU parallel, 2 shards");
}

/// Bytes read by a finished vouch, from its `VOUCH_DEBUG_IO` line.
fn rchar(o: &Output) -> u64 {
    let text = String::from_utf8_lossy(&o.stderr);
    let line = text.lines().find(|l| l.starts_with("vouch: io:")).expect("io line");
    line.split_whitespace().skip_while(|w| *w != "rchar:").nth(1).unwrap().parse().unwrap()
}

#[test]
fn a_shard_killed_and_run_again_resumes_its_journal() {
    let (dir, g) = generated(&Defect::ALL);
    // A big file at the end (shard 0's: it belongs to no record) keeps the run long
    // enough to be killed after the journal holds the first files.
    let big = g.delivery.join("ZZ-BIG");
    std::fs::create_dir(&big).unwrap();
    std::fs::File::create(big.join("0.bin")).unwrap().set_len(256 << 20).unwrap();
    let fresh = dir.path().join("fresh");
    let o = check_cmd(&g, &fresh, &["--shard", "0/2"]).env("VOUCH_DEBUG_IO", "1").output().unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    let fresh_read = rchar(&o);
    let part = dir.path().join("part");
    let mut child = check_cmd(&g, &part, &["--shard", "0/2"]).spawn().unwrap();
    let journal = part.join("journal.jsonl");
    while std::fs::read_to_string(&journal).map_or(0, |j| j.lines().count()) < 6 {
        assert!(child.try_wait().unwrap().is_none(), "the shard ended before it could be killed");
        std::thread::sleep(std::time::Duration::from_millis(5));
    }
    // As a preempted task ends: killed, its journal left, no part header.
    Command::new("kill").args(["-KILL", &child.id().to_string()]).status().unwrap();
    child.wait().unwrap();
    assert!(!part.join("report.json").exists());
    let o = check_cmd(&g, &part, &["--shard", "0/2"]).env("VOUCH_DEBUG_IO", "1").output().unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    assert!(rchar(&o) < fresh_read, "the journaled files were read again");
    assert!(!journal.exists(), "a complete part removes its journal");
    for f in ["part-files.jsonl", "part-findings.jsonl", "part-sample.jsonl"] {
        let (a, b) = (std::fs::read(fresh.join(f)).unwrap(), std::fs::read(part.join(f)).unwrap());
        assert!(a == b, "{f} differs after resuming");
    }
}
