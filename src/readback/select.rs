//! Which files of a medium a readback test reads: a seeded, stratified, reproducible draw.
//!
//! Every file gets a rank SHA-256(seed ‖ path); within its stratum (its top-level folder,
//! i.e. its record; files at the root form one stratum) files are ordered by rank. The
//! strata are then interleaved proportionally: the file at position `i` of a stratum of
//! `n` files is keyed `i / n`, so the first file of every stratum comes before the second
//! of any, and a prefix of the order holds about the same share of each record. The draw
//! is the shortest prefix that reaches the rate both in files and in bytes, so one huge
//! file cannot make a "10%" test read 1% of the data. Order depends only on the seed and
//! the paths; sizes decide only how long the prefix is.

use sha2::{Digest, Sha256};
use std::cmp::Ordering;
use std::collections::BTreeMap;

/// One candidate: its escaped path and its size in bytes (0 if unknown).
pub struct Candidate<'a> {
    /// Path relative to the medium's root, `/`-separated, escaped.
    pub path: &'a str,
    /// Size in bytes.
    pub size: u64,
}

/// The stratum (record) of a path: its top-level folder, or "" for a file at the root.
pub fn stratum(path: &str) -> &str {
    path.split_once('/').map_or("", |(first, _)| first)
}

/// Indices (ascending) of the candidates drawn at `rate` (0 < rate ≤ 1) with `seed`.
pub fn select(cands: &[Candidate], rate: f64, seed: u64) -> Vec<usize> {
    let order = ordered(cands, seed);
    let want_files = ((cands.len() as f64) * rate).ceil() as usize;
    let total: u128 = cands.iter().map(|c| u128::from(c.size)).sum();
    let want_bytes = ((total as f64) * rate).ceil() as u128;
    let (mut files, mut bytes) = (0usize, 0u128);
    let mut drawn = Vec::new();
    for i in order {
        if files >= want_files.max(1) && bytes >= want_bytes {
            break;
        }
        files += 1;
        bytes += u128::from(cands[i].size);
        drawn.push(i);
    }
    drawn.sort_unstable();
    drawn
}

/// (position in its stratum, stratum size, stratum rank, file rank, index)
type Keyed = (u64, u64, [u8; 32], [u8; 32], usize);

/// Every index, in draw order.
fn ordered(cands: &[Candidate], seed: u64) -> Vec<usize> {
    let mut strata: BTreeMap<&str, Vec<([u8; 32], usize)>> = BTreeMap::new();
    for (i, c) in cands.iter().enumerate() {
        strata.entry(stratum(c.path)).or_default().push((rank(seed, b"file\0", c.path), i));
    }
    let mut keyed: Vec<Keyed> = Vec::with_capacity(cands.len());
    for (name, mut files) in strata {
        files.sort_unstable();
        let n = files.len() as u64;
        let srank = rank(seed, b"stratum\0", name);
        keyed.extend(
            files.into_iter().enumerate().map(|(pos, (r, i))| (pos as u64, n, srank, r, i)),
        );
    }
    keyed.sort_unstable_by(|a, b| {
        let by_fraction =
            (u128::from(a.0) * u128::from(b.1)).cmp(&(u128::from(b.0) * u128::from(a.1)));
        by_fraction.then(a.2.cmp(&b.2)).then(a.3.cmp(&b.3)).then(Ordering::Equal)
    });
    keyed.into_iter().map(|k| k.4).collect()
}

fn rank(seed: u64, domain: &[u8], text: &str) -> [u8; 32] {
    let mut h = Sha256::new();
    h.update(seed.to_be_bytes());
    h.update(domain);
    h.update(text.as_bytes());
    h.finalize().into()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn medium(records: usize, per: usize) -> Vec<(String, u64)> {
        (0..records * per).map(|i| (format!("R{:03}/{:04}.tif", i / per, i % per), 1000)).collect()
    }

    fn draw(files: &[(String, u64)], rate: f64, seed: u64) -> Vec<usize> {
        let c: Vec<Candidate> =
            files.iter().map(|(p, s)| Candidate { path: p, size: *s }).collect();
        select(&c, rate, seed)
    }

    #[test]
    fn reaches_the_rate_and_spreads_over_every_record() {
        let files = medium(20, 30);
        let drawn = draw(&files, 0.10, 7);
        assert_eq!(drawn.len(), 60);
        let mut per: BTreeMap<&str, usize> = BTreeMap::new();
        drawn.iter().for_each(|&i| *per.entry(stratum(&files[i].0)).or_default() += 1);
        assert_eq!(per.len(), 20, "every record is touched");
        assert!(per.values().all(|&n| n == 3), "proportional: {per:?}");
    }

    #[test]
    fn reaches_the_rate_in_bytes_too() {
        let mut files = medium(10, 10);
        files[37].1 = 1_000_000; // one file holds ~99% of the bytes
        let drawn = draw(&files, 0.10, 3);
        let bytes: u64 = drawn.iter().map(|&i| files[i].1).sum();
        assert!(bytes as f64 >= 0.10 * 1_099_000.0, "{bytes}");
        assert!(drawn.contains(&37));
    }

    #[test]
    fn same_seed_same_draw_rate_one_reads_all() {
        let files = medium(5, 40);
        assert_eq!(draw(&files, 0.1, 9), draw(&files, 0.1, 9));
        assert_ne!(draw(&files, 0.1, 9), draw(&files, 0.1, 10));
        assert_eq!(draw(&files, 1.0, 9), (0..200).collect::<Vec<_>>());
        assert_eq!(draw(&files[..1], 0.1, 9), vec![0]);
        assert!(draw(&[], 0.1, 9).is_empty());
    }

    #[test]
    fn a_larger_rate_draws_a_superset() {
        let files = medium(7, 13);
        let small = draw(&files, 0.1, 5);
        let large = draw(&files, 0.3, 5);
        assert!(small.iter().all(|i| large.contains(i)));
    }
}
