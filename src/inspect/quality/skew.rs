//! Skew: a page fed or laid crooked. DA/T 31 asks for deskewed images; text lines that
//! run at an angle are what a reviewer sees first.
//!
//! Projection profiles: the ink of the page (how much darker than paper each sample is)
//! is projected onto the axis perpendicular to a candidate angle; when the angle matches
//! the text lines, lines and the gaps between them fall into separate bins and the
//! profile's sum of squares peaks. The profile is first high-passed (less its moving
//! average over [`WINDOW`] pixels), so what counts is lines and gaps, not a photograph's
//! or a shadow's slow rise and fall, which would otherwise swamp the lines of a page that
//! holds both. Each sample is spread over the quarter-pixel bins its
//! one-pixel extent covers, so no angle is favoured by how samples happen to align with
//! the bins. The search is coarse (every 0.5°) then three parabolic refinements (through
//! the scores 0.25°, 0.1° and 0.04° either side of the best angle so far). A page whose profile hardly changes with the angle
//! (a photograph, a blank page) has no measurable skew.

use super::paper::PaperMap;
use crate::inspect::ReducedImage;

/// Largest skew searched, in degrees either way.
const RANGE: f64 = 10.0;
/// Samples darker than the paper by less than this are not ink.
const INK_STEP: u8 = 16;
/// Fewer ink samples than this and the page has no lines to measure.
const MIN_INK: usize = 300;
/// The best angle's score must beat the median score of the coarse search by this
/// factor, or the page has no dominant line direction (text pages beat it several times
/// over; a disc or a photograph alone, only by the noise of the sampling).
const MIN_PEAK: f64 = 1.5;
/// Bins per pixel of the profile.
const SUB: f64 = 4.0;
/// Moving-average window of the high-pass, in pixels: longer than any line pitch at 1/8
/// scale (a 9 mm handwriting pitch is 14 px at 300 dpi), shorter than a photograph.
const WINDOW: f64 = 16.0;

/// The skew of the text lines of `img` inside `r`, in degrees (positive: the lines rise
/// to the right, the page turned counter-clockwise), or `None` if it cannot be told.
pub(super) fn estimate(img: &ReducedImage, map: &PaperMap) -> Option<f64> {
    let ink = ink_samples(img, map);
    let r = map.rect();
    if ink.len() < MIN_INK {
        return None;
    }
    let diag = ((r.x1 - r.x0).pow(2) + (r.y1 - r.y0).pow(2)) as f64;
    let mut profile = vec![0f32; ((diag.sqrt() + 4.0) * SUB) as usize + 8];
    let mut sums = vec![0f64; profile.len() + 1];
    // Cost (issue #10: at most 15% of a check): the coarse search sees an eighth of the
    // ink samples, the refinements a quarter; a dense page has tens of thousands. Drawn
    // by a hash of their index, not every n-th: a regular pick is a grid, whose own
    // lines the profile would find.
    let (coarse_set, fine_set) = (subset(&ink, 3), subset(&ink, 2));
    let mut score = |deg: f64, fine: bool| {
        project(if fine { &fine_set } else { &coarse_set }, deg, &mut profile);
        high_pass_energy(&profile, &mut sums)
    };
    let coarse: Vec<(f64, f64)> =
        (-20..=20).map(|i| f64::from(i) * RANGE / 20.0).map(|d| (d, score(d, false))).collect();
    let mut sorted: Vec<f64> = coarse.iter().map(|c| c.1).collect();
    sorted.sort_by(f64::total_cmp);
    let best = best_of(&coarse);
    if best.1 < MIN_PEAK * sorted[sorted.len() / 2] {
        return None;
    }
    let mut at = best.0;
    for step in [0.25, 0.1, 0.04] {
        let three = [at - step, at, at + step].map(|d| (d, score(d, true)));
        at = refine(&three, best_of(&three)).clamp(at - step, at + step);
    }
    Some(at)
}

/// (x, y, weight) of every ink sample (darker than its local paper by more than
/// [`INK_STEP`]), coordinates from the rectangle's centre.
fn ink_samples(img: &ReducedImage, map: &PaperMap) -> Vec<(f32, f32, f32)> {
    let r = map.rect();
    let (cx, cy) = ((r.x0 + r.x1) as f32 / 2.0, (r.y0 + r.y1) as f32 / 2.0);
    map.darkness(img)
        .filter(|&(.., d)| d > INK_STEP)
        .map(|(x, y, d)| (x as f32 - cx, y as f32 - cy, f32::from(d - INK_STEP)))
        .collect()
}

/// About one in 2^`bits` of the samples, picked by a hash of their index.
fn subset(ink: &[(f32, f32, f32)], bits: u32) -> Vec<(f32, f32, f32)> {
    // splitmix64's finalizer: a Fibonacci hash alone is a lattice again.
    let keep = |i: usize| {
        let mut z = (i as u64).wrapping_add(0x9E37_79B9_7F4A_7C15);
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        (z ^ (z >> 31)) >> (64 - bits) == 0
    };
    ink.iter().enumerate().filter(|(i, _)| keep(*i)).map(|(_, s)| *s).collect()
}

/// The ink's profile across lines at `deg`, into `profile`.
fn project(ink: &[(f32, f32, f32)], deg: f64, profile: &mut [f32]) {
    profile.fill(0.0);
    let (s, c) = deg.to_radians().sin_cos();
    let (s, c) = (s as f32 * SUB as f32, c as f32 * SUB as f32);
    let mid = (profile.len() / 2) as f32;
    for &(x, y, w) in ink {
        // The sample covers [pos - SUB/2, pos + SUB/2): five bins, the outer two partly.
        let lo = s * x + c * y + mid - SUB as f32 / 2.0;
        // `lo` is positive (the profile is padded), so truncation is the floor.
        let b = lo as usize;
        let f = lo - b as f32;
        profile[b] += w * (1.0 - f);
        profile[b + 1] += w;
        profile[b + 2] += w;
        profile[b + 3] += w;
        profile[b + 4] += w * f;
    }
}

/// The sum of squares of `profile` less its centred moving average (`sums`: scratch
/// space for its prefix sums, one longer than the profile).
fn high_pass_energy(profile: &[f32], sums: &mut [f64]) -> f64 {
    for (i, &v) in profile.iter().enumerate() {
        sums[i + 1] = sums[i] + f64::from(v);
    }
    let half = (WINDOW * SUB / 2.0) as usize;
    let n = profile.len();
    let inner = 1.0 / (2 * half + 1) as f64;
    (0..n)
        .map(|i| {
            let (lo, hi) = (i.saturating_sub(half), (i + half + 1).min(n));
            let scale = if hi - lo == 2 * half + 1 { inner } else { 1.0 / (hi - lo) as f64 };
            let d = f64::from(profile[i]) - (sums[hi] - sums[lo]) * scale;
            d * d
        })
        .sum()
}

fn best_of(scores: &[(f64, f64)]) -> (f64, f64) {
    scores.iter().copied().max_by(|a, b| a.1.total_cmp(&b.1)).unwrap_or((0.0, 0.0))
}

/// The vertex of the parabola through the best score and its neighbours.
fn refine(scores: &[(f64, f64)], best: (f64, f64)) -> f64 {
    let i = scores.iter().position(|s| s.0 == best.0).unwrap_or(0);
    if i == 0 || i + 1 >= scores.len() {
        return best.0;
    }
    let (a, b, c) = (scores[i - 1].1, scores[i].1, scores[i + 1].1);
    let den = a - 2.0 * b + c;
    let step = scores[i + 1].0 - scores[i].0;
    if den >= 0.0 { best.0 } else { best.0 + 0.5 * step * (a - c) / den }
}

#[cfg(test)]
mod tests {
    use super::super::Rect;
    use super::super::testimg::text;
    use super::*;

    fn skew(deg: f64) -> Option<f64> {
        let img = text(160, 220, deg);
        let r = Rect { x0: 0, y0: 0, x1: 160, y1: 220 };
        estimate(&img, &PaperMap::new(&img, &r, 240, 24))
    }

    #[test]
    fn known_angles_are_found_within_a_fifth_of_a_degree() {
        for deg in [0.0, 0.7, -1.3, 3.0, -4.2, 6.0] {
            let got = skew(deg).unwrap();
            assert!((got - deg).abs() <= 0.2, "{deg}° measured as {got}°");
        }
    }

    #[test]
    fn a_page_without_lines_has_no_skew() {
        let blank = ReducedImage::new(160, 220, vec![240; 160 * 220]);
        let r = Rect { x0: 0, y0: 0, x1: 160, y1: 220 };
        assert_eq!(estimate(&blank, &PaperMap::new(&blank, &r, 240, 24)), None);
        // A centred dark disc: ink, but no direction.
        let px = (0..160 * 220)
            .map(|i| {
                let (x, y) = ((i % 160) as f64 - 80.0, (i / 160) as f64 - 110.0);
                if x * x + y * y < 50.0 * 50.0 { 30 } else { 240 }
            })
            .collect();
        let disc = ReducedImage::new(160, 220, px);
        assert_eq!(estimate(&disc, &PaperMap::new(&disc, &r, 240, 24)), None);
    }
}
