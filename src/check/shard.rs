//! Shards: which records one copy of `vouch check --shard K/N` checks (issue #21).
//!
//! A delivery of tens of millions of pages is checked by N copies of vouch at once (a
//! Slurm job array, a Kubernetes Indexed Job, GNU parallel over ssh), each over the
//! records of its shard, and `vouch merge` joins their partial bundles. A record's files
//! are never split between shards (its rules need them together); the top-level entries
//! that belong to no record go to shard 0.
//!
//! Which shard a record goes to is *consistent hashing with bounded loads* (Mirrokni,
//! Thorup and Zadimoghaddam, 2016) over the catalogue's page counts:
//!
//! - every record ranks the N shards by a hash of its reference code and the shard
//!   (rendezvous hashing), so its first choice depends on nothing but its code;
//! - records are placed one by one, each on its first choice with room under a cap of 5%
//!   above the mean load of pages, else on the least loaded shard: the big ones first
//!   (over 1/16 of the cap, biggest first) while every shard has room, then the rest in
//!   the order of their code's hash (deterministic, and a record added elsewhere does not
//!   change it).
//!
//! Plain rendezvous hashing balances the *number* of records, not pages, and a few
//! thousand-page volumes among many ten-page items would leave one shard hours behind
//! the rest. A greedy "least loaded first" fill balances pages but moves almost every
//! record when one is added. With the cap, a record keeps its first choice unless that
//! shard is full, and the heaviest shard carries at most 5% above the mean (or one volume
//! bigger than that). The price is partial stability: where caps bind, one added record
//! shifts the spill-over after it (BENCHMARKS.md measures both). Nothing depends on
//! stability for correctness: every shard and the merge compute the assignment from the
//! same catalogue, and the merge refuses parts of another one.
//! The assignment is a pure function of the catalogue (codes and page counts) and N:
//! every shard and the merge compute the same one, and the merge checks that they did.

use crate::catalogue::Catalogue;
use anyhow::{Context as _, bail};
use sha2::{Digest, Sha256};

/// One shard of a check: `index` of `count`, 0-based.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Shard {
    /// This shard, 0-based.
    pub index: u32,
    /// How many shards there are.
    pub count: u32,
}

impl std::fmt::Display for Shard {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}/{}", self.index, self.count)
    }
}

/// Headroom over the mean page load a shard may take before a record goes elsewhere.
const SLACK: f64 = 0.05;

/// Parses `--shard K/N`, or `--shard auto`: from `SLURM_ARRAY_TASK_ID` and
/// `SLURM_ARRAY_TASK_COUNT` (a Slurm job array), else `JOB_COMPLETION_INDEX` (a
/// Kubernetes Indexed Job) with `--shards N`. `env` reads the environment.
pub fn parse(
    text: &str,
    shards: Option<u32>,
    env: &dyn Fn(&str) -> Option<String>,
) -> anyhow::Result<Shard> {
    let number = |what: &str, v: &str| -> anyhow::Result<u32> {
        v.trim().parse().with_context(|| format!("{what} '{v}' is not a whole number"))
    };
    let shard = if text == "auto" {
        if let Some(id) = env("SLURM_ARRAY_TASK_ID") {
            let count = env("SLURM_ARRAY_TASK_COUNT").context(
                "--shard auto: SLURM_ARRAY_TASK_ID is set but SLURM_ARRAY_TASK_COUNT is not",
            )?;
            // An array submitted as --array=1-16 counts from 1: use the array's minimum.
            let min = env("SLURM_ARRAY_TASK_MIN")
                .map_or(Ok(0), |m| number("SLURM_ARRAY_TASK_MIN", &m))?;
            let id = number("SLURM_ARRAY_TASK_ID", &id)?;
            Shard {
                index: id.saturating_sub(min),
                count: number("SLURM_ARRAY_TASK_COUNT", &count)?,
            }
        } else if let Some(id) = env("JOB_COMPLETION_INDEX") {
            let count = shards.context(
                "--shard auto with JOB_COMPLETION_INDEX (a Kubernetes Indexed Job) needs \
                 --shards N (the Job's completions)",
            )?;
            Shard { index: number("JOB_COMPLETION_INDEX", &id)?, count }
        } else {
            bail!(
                "--shard auto: none of SLURM_ARRAY_TASK_ID (Slurm job array) or \
                 JOB_COMPLETION_INDEX (Kubernetes Indexed Job) is set; give --shard K/N"
            );
        }
    } else {
        let Some((k, n)) = text.split_once('/') else {
            bail!("--shard '{text}' is not K/N (e.g. 0/16) or auto");
        };
        Shard { index: number("--shard K", k)?, count: number("--shard N", n)? }
    };
    if shard.count == 0 || shard.index >= shard.count {
        bail!("--shard {shard}: K must be from 0 to N-1 (shards are numbered from 0)");
    }
    Ok(shard)
}

/// The shard of every catalogue record (same index), for `count` shards.
pub fn assign(catalogue: &Catalogue, count: u32) -> Vec<u32> {
    let n = count.max(1) as usize;
    let weight = |r: usize| u64::from(catalogue.records[r].pages.max(1));
    let keys: Vec<u64> = catalogue.records.iter().map(|r| code_hash(&r.id)).collect();
    let total: u64 = (0..keys.len()).map(weight).sum();
    let cap = ((total as f64 / n as f64) * (1.0 + SLACK)).ceil() as u64;
    let mut order: Vec<usize> = (0..keys.len()).collect();
    // Big records first (biggest first), while every shard has room; then the rest in
    // the order of their code's hash, which a record added elsewhere does not change.
    let big = |r: usize| weight(r) > cap / 16;
    order.sort_unstable_by_key(|&r| {
        (!big(r), std::cmp::Reverse(if big(r) { weight(r) } else { 0 }), keys[r], r)
    });
    let mut load = vec![0u64; n];
    let mut shard = vec![0u32; keys.len()];
    let mut prefs: Vec<(u64, usize)> = Vec::with_capacity(n);
    for r in order {
        prefs.clear();
        prefs.extend((0..n).map(|s| (score(keys[r], s), s)));
        prefs.sort_unstable_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
        let w = weight(r);
        let fits = prefs.iter().map(|p| p.1).find(|&s| load[s] + w <= cap);
        let s = fits.unwrap_or_else(|| (0..n).min_by_key(|&s| (load[s], s)).unwrap_or(0));
        load[s] += w;
        shard[r] = s as u32;
    }
    shard
}

/// Plain rendezvous hashing, each record on its first choice: what [`assign`] improves on
/// (for the balance measure of BENCHMARKS.md).
pub fn rendezvous(catalogue: &Catalogue, count: u32) -> Vec<u32> {
    let n = count.max(1) as usize;
    let first =
        |key: u64| (0..n).max_by_key(|&s| (score(key, s), std::cmp::Reverse(s))).unwrap_or(0);
    catalogue.records.iter().map(|r| first(code_hash(&r.id)) as u32).collect()
}

/// A digest of an assignment: equal in every shard and the merge, or they disagree on
/// which records are whose (overlapping shards).
pub fn digest(assignment: &[u32]) -> String {
    let mut h = Sha256::new();
    for s in assignment {
        h.update(s.to_le_bytes());
    }
    hex::encode(h.finalize())
}

/// The first 8 bytes of SHA-256 of a reference code.
fn code_hash(code: &str) -> u64 {
    let d = Sha256::digest(code.as_bytes());
    u64::from_be_bytes(d[..8].try_into().unwrap_or_default())
}

/// A record's rendezvous score for shard `s` (splitmix64 of the code's hash and `s`).
fn score(key: u64, s: usize) -> u64 {
    let mut z = key ^ (s as u64).wrapping_add(1).wrapping_mul(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// A digest of the classified top level of a delivery: every shard and the merge list
/// it on their own, and must see the same delivery.
pub fn top_digest(top: &crate::delivery::plan::Top) -> String {
    let mut h = Sha256::new();
    for e in &top.entries {
        let line = format!(
            "{}\t{:?}\t{:?}\t{:?}\t{}\n",
            e.entry.rel.escaped(),
            e.entry.kind,
            e.role,
            e.record,
            e.normalized
        );
        h.update(line.as_bytes());
    }
    for e in &top.errors {
        h.update(format!("error {}\n", e.rel.escaped()).as_bytes());
    }
    hex::encode(h.finalize())
}

/// CPU seconds (user + system, all threads) this process used so far: Linux's
/// `/proc/self/stat`, in its fixed 100 ticks a second (USER_HZ); 0 elsewhere. Read from
/// /proc rather than through a crate: one line of one file, and the only use.
pub fn cpu_seconds() -> f64 {
    let Ok(stat) = std::fs::read_to_string("/proc/self/stat") else { return 0.0 };
    // Fields after the command name (which may hold spaces, so split after its ')').
    let rest = stat.rsplit_once(')').map_or("", |(_, r)| r);
    let f: Vec<&str> = rest.split_whitespace().collect();
    let tick = |i: usize| f.get(i).and_then(|v| v.parse::<f64>().ok()).unwrap_or(0.0);
    // utime and stime are fields 14 and 15 of stat(5), 12 and 13 after the name.
    (tick(11) + tick(12)) / 100.0
}

/// The host name, for the run record.
pub fn host() -> String {
    std::fs::read_to_string("/proc/sys/kernel/hostname")
        .ok()
        .or_else(|| std::env::var("HOSTNAME").ok())
        .or_else(|| std::env::var("COMPUTERNAME").ok())
        .map_or_else(|| "unknown".into(), |h| h.trim().to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn catalogue(pages: &[u32]) -> (tempfile::TempDir, Catalogue) {
        let dir = tempfile::tempdir().unwrap();
        let csv = dir.path().join("c.csv");
        let mut text = String::from("dh,ys\n");
        for (i, p) in pages.iter().enumerate() {
            text += &format!("R-{i},{p}\n");
        }
        std::fs::write(&csv, text).unwrap();
        let profile = crate::profile::Profile::load("dat31").unwrap();
        let cat = Catalogue::read(&csv, &profile.catalogue, &Default::default()).unwrap();
        (dir, cat)
    }

    #[test]
    fn parses_k_of_n_and_auto() {
        let none = |_: &str| None;
        assert_eq!(parse("2/4", None, &none).unwrap(), Shard { index: 2, count: 4 });
        assert!(parse("4/4", None, &none).is_err());
        assert!(parse("x", None, &none).is_err());
        assert!(parse("auto", Some(3), &none).is_err());
        let slurm = |k: &str| match k {
            "SLURM_ARRAY_TASK_ID" => Some("5".into()),
            "SLURM_ARRAY_TASK_COUNT" => Some("16".into()),
            "SLURM_ARRAY_TASK_MIN" => Some("0".into()),
            _ => None,
        };
        assert_eq!(parse("auto", None, &slurm).unwrap(), Shard { index: 5, count: 16 });
        let k8s = |k: &str| (k == "JOB_COMPLETION_INDEX").then(|| "1".to_string());
        assert_eq!(parse("auto", Some(3), &k8s).unwrap(), Shard { index: 1, count: 3 });
        assert!(parse("auto", None, &k8s).unwrap_err().to_string().contains("--shards"));
    }

    #[test]
    fn balances_pages_and_moves_few_records_when_records_are_added() {
        // A few huge volumes among many small items.
        let mut pages: Vec<u32> = (0..2000).map(|i| 5 + i % 40).collect();
        for i in [3, 700, 1500] {
            pages[i] = 4000;
        }
        let (_d, cat) = catalogue(&pages);
        let a = assign(&cat, 8);
        let mut load = [0u64; 8];
        for (r, s) in a.iter().enumerate() {
            load[*s as usize] += u64::from(pages[r]);
        }
        let mean = load.iter().sum::<u64>() as f64 / 8.0;
        let max = *load.iter().max().unwrap() as f64;
        assert!(max <= mean * 1.06, "{load:?}");
        assert_eq!(a, assign(&cat, 8), "deterministic");
        let mut more = pages.clone();
        more.extend([12, 30, 7]);
        let (_d2, cat2) = catalogue(&more);
        let b = assign(&cat2, 8);
        let moved = a.iter().zip(&b).filter(|(x, y)| x != y).count();
        // Not zero: where a shard's cap binds, one more record shifts the spill-over
        // (measured: 16% of 2,000 records for 3 added; docs/scale-out.md says so).
        assert!(moved < pages.len() / 5, "{moved} of {} moved", pages.len());
    }
}
