//! Perceptual hash: a page scanned twice, or one scan saved twice at different JPEG
//! qualities, differs in every byte (so `page-duplicate-content` cannot see it) but not
//! in what it shows. The hash keeps what it shows at low frequencies: the page is
//! resampled to 64×64, transformed with a 2-D DCT-II, and each of the 16×16 lowest
//! frequencies (the DC term excluded, which only says how light the page is) becomes one
//! bit: above or below their median. 256 bits rather than the classic 64 because pages of
//! one record share a layout (margins, line pitch) and differ in detail that a 8×8 hash
//! would not keep: two different text pages must stay far apart.

use crate::inspect::ReducedImage;

/// Resampled size.
const N: usize = 64;
/// Frequencies kept per axis.
const K: usize = 16;

/// The 256-bit hash of `img` as 64 lowercase hex digits.
pub(super) fn hash(img: &ReducedImage) -> String {
    let small = resample(img);
    let coeffs = dct_low(&small);
    let mut sorted: Vec<f64> = coeffs[1..].to_vec();
    sorted.sort_by(f64::total_cmp);
    let median = sorted[sorted.len() / 2];
    // The DC slot carries the bit of the first kept AC instead, so all 256 bits count.
    let bits = coeffs[1..].iter().chain(std::iter::once(&coeffs[1])).map(|&c| c > median);
    let mut bytes = [0u8; K * K / 8];
    for (i, b) in bits.enumerate() {
        bytes[i / 8] |= u8::from(b) << (7 - i % 8);
    }
    hex::encode(bytes)
}

/// Hamming distance between two hex hashes of the same length; `None` if they are not.
pub fn hamming(a: &str, b: &str) -> Option<u32> {
    let (a, b) = (hex::decode(a).ok()?, hex::decode(b).ok()?);
    (a.len() == b.len()).then(|| a.iter().zip(&b).map(|(x, y)| (x ^ y).count_ones()).sum())
}

/// Area-average resampling to N×N.
fn resample(img: &ReducedImage) -> Vec<f64> {
    let (w, h) = (img.width as usize, img.height as usize);
    let mut out = vec![0.0; N * N];
    for (j, row) in out.chunks_mut(N).enumerate() {
        let (y0, y1) = (j * h / N, ((j + 1) * h / N).max(j * h / N + 1));
        for (i, v) in row.iter_mut().enumerate() {
            let (x0, x1) = (i * w / N, ((i + 1) * w / N).max(i * w / N + 1));
            let mut sum = 0u64;
            for y in y0..y1 {
                sum +=
                    img.pixels[y * w + x0..y * w + x1].iter().map(|&p| u64::from(p)).sum::<u64>();
            }
            *v = sum as f64 / ((y1 - y0) * (x1 - x0)) as f64;
        }
    }
    out
}

/// The K×K lowest frequencies of the 2-D DCT-II of an N×N block, row-major.
fn dct_low(block: &[f64]) -> Vec<f64> {
    let basis: Vec<f64> = (0..K * N)
        .map(|i| {
            let (u, x) = (i / N, i % N);
            (std::f64::consts::PI * (2 * x + 1) as f64 * u as f64 / (2 * N) as f64).cos()
        })
        .collect();
    // Rows first (N rows × K frequencies), then columns.
    let mut rows = vec![0.0; N * K];
    for y in 0..N {
        for u in 0..K {
            rows[y * K + u] = (0..N).map(|x| block[y * N + x] * basis[u * N + x]).sum();
        }
    }
    let mut out = vec![0.0; K * K];
    for v in 0..K {
        for u in 0..K {
            out[v * K + u] = (0..N).map(|y| rows[y * K + u] * basis[v * N + y]).sum();
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::super::testimg::text;
    use super::*;

    #[test]
    fn the_same_page_hashes_alike_and_a_shifted_layout_does_not() {
        let a = text(100, 140, 0.0);
        let mut noisy = a.clone();
        for (i, p) in noisy.pixels.iter_mut().enumerate() {
            *p = p.saturating_add((i % 3) as u8);
        }
        let (ha, hn) = (hash(&a), hash(&noisy));
        assert_eq!(ha.len(), 64);
        assert!(hamming(&ha, &hn).unwrap() <= 8, "{}", hamming(&ha, &hn).unwrap());
        let other = text(100, 140, 4.0);
        assert!(hamming(&ha, &hash(&other)).unwrap() > 40);
    }

    #[test]
    fn hamming_refuses_mismatched_hashes() {
        assert_eq!(hamming("ff00", "0f00"), Some(4));
        assert_eq!(hamming("ff", "ff00"), None);
        assert_eq!(hamming("zz", "ff"), None);
    }
}
