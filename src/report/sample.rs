//! The contact-sheet sample: which pages a person looks at with their own eyes.
//!
//! Machines check every page; a person still has to see some, and the handover record
//! must say which and why those. The draw is a pure function of the page paths, the rate
//! and a seed recorded in report.json, so anyone can redraw it and get the same pages. Each
//! page gets the rank SHA-256(seed ‖ path) and the lowest ranks are drawn: the result does
//! not depend on walk order or thread count, and adding one file to a delivery changes
//! the draw by at most that file.

use sha2::{Digest, Sha256};

/// The rate used when the profile sets none: 5% of page files.
pub const DEFAULT_RATE: f64 = 0.05;

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

fn how_many(n: usize, rate: f64) -> usize {
    if n == 0 || rate.is_nan() || rate <= 0.0 {
        return 0;
    }
    let k = (n as f64 * rate.min(1.0)).ceil() as usize;
    k.clamp(1, n)
}

fn rank(seed: u64, path: &str) -> [u8; 32] {
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
}
