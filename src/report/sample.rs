//! The contact-sheet sample: which pages a person looks at with their own eyes.
//!
//! Machines check every page; a person still has to see some, and the handover record
//! must say which and why those. The draw is a pure function of the page paths, the rate
//! and a seed recorded in report.json, so anyone can redraw it and get the same pages. Each
//! page gets the rank SHA-256(seed ‖ path) and the lowest ranks are drawn: the result does
//! not depend on walk order or thread count, and adding one file to a delivery changes
//! the draw by at most that file.

use super::model::SamplePage;
use crate::report::spool::Spooled;
use sha2::{Digest, Sha256};

/// Indices (ascending) of the paths drawn at `rate` with `seed`. Draws
/// `ceil(len × rate)` paths, at least one when there is any path and the rate is above
/// zero, never more than there are.
pub fn select(paths: &[&str], rate: f64, seed: u64) -> Vec<usize> {
    let wanted = how_many(paths.len(), rate);
    let mut ranked: Vec<([u8; 32], usize)> =
        paths.iter().enumerate().map(|(i, p)| (rank(seed, p), i)).collect();
    ranked.sort_unstable();
    let mut drawn: Vec<usize> = ranked.into_iter().take(wanted).map(|(_, i)| i).collect();
    drawn.sort_unstable();
    drawn
}

/// The same draw as [`select`], made as the pages stream by (issue #7): pages are
/// spooled to disk, counted per rank bucket (the rank's first 12 bits), and when all are
/// in, the buckets say below which rank the `ceil(n × rate)` lowest lie; only the pages
/// of the one bucket that straddles the cut are ranked in memory. Memory stays a few
/// kilobytes however many pages there are.
pub struct Draw {
    rate: f64,
    seed: u64,
    buckets: Vec<u64>,
    /// Every page offered, with its rank bucket (ranked once, not again per pass).
    pages: crate::report::spool::Writer<(u16, SamplePage)>,
    dir: std::path::PathBuf,
}

impl Draw {
    /// A draw at `rate` with `seed`, spooling in `dir`.
    pub fn new(rate: f64, seed: u64, dir: &std::path::Path) -> anyhow::Result<Draw> {
        let pages = crate::report::spool::Writer::new(dir)?;
        Ok(Draw { rate, seed, buckets: vec![0; BUCKETS], pages, dir: dir.to_path_buf() })
    }

    /// Offers one page file (in walk order).
    pub fn offer(&mut self, page: SamplePage) -> anyhow::Result<()> {
        let b = bucket(&rank(self.seed, &page.path));
        self.buckets[b] += 1;
        self.pages.push(&(b as u16, page))
    }

    /// The population and the pages drawn, in the order offered.
    pub fn finish(self) -> anyhow::Result<(u64, Spooled<SamplePage>)> {
        let population = self.pages.len();
        let all = self.pages.finish()?;
        let wanted = how_many(population as usize, self.rate) as u64;
        // The bucket holding the last page drawn, and how many are drawn from it.
        let (mut cut, mut below) = (0, 0u64);
        while cut < BUCKETS && below + self.buckets[cut] < wanted {
            below += self.buckets[cut];
            cut += 1;
        }
        let mut straddling: Vec<([u8; 32], u64)> = Vec::new();
        for (i, offered) in all.iter().enumerate() {
            let (b, page) = offered?;
            if usize::from(b) == cut {
                straddling.push((rank(self.seed, &page.path), i as u64));
            }
        }
        straddling.sort_unstable();
        straddling.truncate((wanted - below) as usize);
        let mut chosen: Vec<u64> = straddling.into_iter().map(|(_, i)| i).collect();
        chosen.sort_unstable();
        let mut drawn = crate::report::spool::Writer::new(&self.dir)?;
        for (i, offered) in all.iter().enumerate() {
            let (b, page) = offered?;
            let b = usize::from(b);
            if b < cut || (b == cut && chosen.binary_search(&(i as u64)).is_ok()) {
                drawn.push(&page)?;
            }
        }
        Ok((population, drawn.finish()?))
    }
}

/// Rank buckets of [`Draw`]: the first 12 bits of a rank.
const BUCKETS: usize = 1 << 12;

fn bucket(rank: &[u8; 32]) -> usize {
    (usize::from(rank[0]) << 4) | usize::from(rank[1] >> 4)
}

fn how_many(n: usize, rate: f64) -> usize {
    if n == 0 || rate.is_nan() || rate <= 0.0 {
        return 0;
    }
    let k = (n as f64 * rate.min(1.0)).ceil() as usize;
    k.clamp(1, n)
}

/// The rank of a page in the draw: SHA-256(seed ‖ path).
pub fn rank(seed: u64, path: &str) -> [u8; 32] {
    let mut h = Sha256::new();
    h.update(seed.to_be_bytes());
    h.update(path.as_bytes());
    h.finalize().into()
}

/// The default seed: derived from the digests of the inputs (profile, catalogue,
/// manifests), so rerunning on the same inputs draws the same pages.
pub fn seed_from_inputs<'a>(digests: impl IntoIterator<Item = &'a str>) -> u64 {
    let mut h = Sha256::new();
    h.update(b"vouch-sample-v1\n");
    for d in digests {
        h.update(d.as_bytes());
        h.update(b"\n");
    }
    let digest = h.finalize();
    let mut first = [0u8; 8];
    first.copy_from_slice(&digest[..8]);
    u64::from_be_bytes(first)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn paths(n: usize) -> Vec<String> {
        (0..n).map(|i| format!("A-{}/{:04}.tif", i / 50, i % 50)).collect()
    }

    #[test]
    fn draws_the_rate_rounded_up_and_at_least_one() {
        let p = paths(200);
        let p: Vec<&str> = p.iter().map(String::as_str).collect();
        assert_eq!(select(&p, 0.05, 1).len(), 10);
        assert_eq!(select(&p[..3], 0.05, 1).len(), 1);
        assert_eq!(select(&p[..3], 0.0, 1).len(), 0);
        assert_eq!(select(&p[..3], 7.0, 1), vec![0, 1, 2]);
        assert!(select(&[], 0.05, 1).is_empty());
    }

    #[test]
    fn same_seed_same_draw_other_seed_other_draw() {
        let p = paths(400);
        let p: Vec<&str> = p.iter().map(String::as_str).collect();
        let a = select(&p, 0.05, 42);
        assert_eq!(a, select(&p, 0.05, 42));
        assert_ne!(a, select(&p, 0.05, 43));
        assert!(a.windows(2).all(|w| w[0] < w[1]), "indices ascend: {a:?}");
    }

    #[test]
    fn draw_does_not_depend_on_input_order() {
        let p = paths(100);
        let fwd: Vec<&str> = p.iter().map(String::as_str).collect();
        let rev: Vec<&str> = fwd.iter().rev().copied().collect();
        let mut a: Vec<&str> = select(&fwd, 0.1, 7).into_iter().map(|i| fwd[i]).collect();
        let mut b: Vec<&str> = select(&rev, 0.1, 7).into_iter().map(|i| rev[i]).collect();
        a.sort_unstable();
        b.sort_unstable();
        assert_eq!(a, b);
    }

    #[test]
    fn seed_depends_on_every_input_digest() {
        let a = seed_from_inputs(["aa", "bb"]);
        assert_eq!(a, seed_from_inputs(["aa", "bb"]));
        assert_ne!(a, seed_from_inputs(["aa", "bc"]));
        assert_ne!(a, seed_from_inputs(["aa"]));
    }

    #[test]
    fn the_streamed_draw_is_the_draw() {
        let dir = tempfile::tempdir().unwrap();
        for (n, rate, seed) in [(0, 0.05, 1), (3, 0.05, 1), (5000, 0.05, 9), (20_000, 0.3, 2)] {
            let p = paths(n);
            let refs: Vec<&str> = p.iter().map(String::as_str).collect();
            let want: Vec<&str> = select(&refs, rate, seed).into_iter().map(|i| refs[i]).collect();
            let mut draw = Draw::new(rate, seed, dir.path()).unwrap();
            for path in &p {
                draw.offer(SamplePage { path: path.clone(), record: None }).unwrap();
            }
            let (population, drawn) = draw.finish().unwrap();
            let got: Vec<String> = drawn.iter().map(|p| p.unwrap().path).collect();
            assert_eq!(population, n as u64);
            assert_eq!(got, want, "{n} pages at {rate}");
        }
    }
}
