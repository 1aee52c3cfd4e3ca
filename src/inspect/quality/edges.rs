//! Blur evidence from pixels (issue #15: blur on every page, not only baseline JPEG).
//! Pages that a decoder turns into pixels (TIFF of any compression, PNG, JPEG 2000,
//! bilevel pages, images inside PDF and OFD) are measured with the same statistic the
//! JPEG entropy walk gathers from its coefficients: on one block row in sixteen, each
//! 8×8 block's orthonormal DCT (JPEG's own transform, so the units and the edge
//! threshold are the same) summed in the low band (zigzag 1–2) and the mid band (zigzag
//! 3–20). Only the 21 coefficients the bands use are computed: about one multiply-add
//! per page pixel.

use super::blur::{AcStats, LOW_END, MID_END};

/// Block rows sampled: one in this many, as the JPEG walk samples.
pub const ROW_STEP: u32 = 16;

/// (vertical, horizontal) frequency of zigzag positions 0 to [`MID_END`].
const ZIGZAG: [(usize, usize); MID_END + 1] = [
    (0, 0),
    (0, 1),
    (1, 0),
    (2, 0),
    (1, 1),
    (0, 2),
    (0, 3),
    (1, 2),
    (2, 1),
    (3, 0),
    (4, 0),
    (3, 1),
    (2, 2),
    (1, 3),
    (0, 4),
    (0, 5),
    (1, 4),
    (2, 3),
    (3, 2),
    (4, 1),
    (5, 0),
];

/// Highest horizontal frequency the bands use.
const MAX_U: usize = 5;

/// Collects the rows of the sampled block rows of a page and their blocks' band sums.
///
/// Rows may come in pieces and out of order (the tiles of a tiled TIFF, the Adam7 passes
/// of an interlaced PNG): each sampled block row is kept until all its pixels have come,
/// then measured and dropped. At most the sampled sixteenth of a page is held (an
/// interlaced page, whose first pass touches every block row).
#[derive(Debug)]
pub struct EdgeSampler {
    width: usize,
    /// The sampled block rows being filled, by index: their eight rows, and how many
    /// pixels of each have come.
    open: std::collections::BTreeMap<u32, (Vec<u8>, [usize; 8])>,
    /// Whether the rows are the page's pixels (not block means, nor a plane's share).
    usable: bool,
    stats: AcStats,
    cos: [[f32; 8]; 8],
}

impl EdgeSampler {
    /// A sampler for a page `width` pixels wide.
    pub fn new(width: u32) -> EdgeSampler {
        let mut cos = [[0f32; 8]; 8];
        for (f, row) in cos.iter_mut().enumerate() {
            let c = if f == 0 { std::f32::consts::FRAC_1_SQRT_2 } else { 1.0 };
            for (x, v) in row.iter_mut().enumerate() {
                let angle = (2 * x + 1) as f32 * f as f32 * std::f32::consts::PI / 16.0;
                *v = 0.5 * c * angle.cos();
            }
        }
        let width = width as usize;
        EdgeSampler {
            width,
            open: Default::default(),
            usable: true,
            stats: AcStats::default(),
            cos,
        }
    }

    /// Takes the samples of row `y` from column `x0`, one every `step` columns, if the
    /// row belongs to a sampled block row; measures the block row once all of it came.
    pub fn row(&mut self, y: u32, x0: u32, step: u32, grey: &[u8]) {
        if !self.usable || !(y / 8).is_multiple_of(ROW_STEP) || self.width < 8 {
            return;
        }
        let width = self.width;
        let (rows, came) = self.open.entry(y / 8).or_insert_with(|| (vec![0; width * 8], [0; 8]));
        let r = (y % 8) as usize;
        let row = &mut rows[r * width..(r + 1) * width];
        let xs = (x0 as usize..width).step_by(step.max(1) as usize);
        let n = xs.zip(grey).map(|(x, &v)| row[x] = v).count();
        came[r] += n;
        if came[r] > width {
            // A pixel given twice: the pieces do not tile the row, so measure nothing.
            self.usable = false;
        } else if came.iter().all(|&c| c == width) {
            let (rows, _) = self.open.remove(&(y / 8)).unwrap_or_default();
            self.blocks(&rows);
        }
    }

    /// Gives up: the page comes in a form whose rows are not its pixels (block means, a
    /// plane's share of the grey).
    pub fn disable(&mut self) {
        self.usable = false;
        self.open.clear();
    }

    /// The band sums of every full block of one block row (`rows`: its eight rows).
    fn blocks(&mut self, rows: &[u8]) {
        for bx in 0..self.width / 8 {
            // Horizontal transform of each row, for the frequencies the bands use.
            let mut h = [[0f32; MAX_U + 1]; 8];
            for (y, out) in h.iter_mut().enumerate() {
                let px = &rows[y * self.width + bx * 8..][..8];
                for (u, o) in out.iter_mut().enumerate() {
                    *o = px.iter().zip(&self.cos[u]).map(|(&p, &c)| f32::from(p) * c).sum();
                }
            }
            let coef = |(v, u): (usize, usize)| -> f32 {
                (0..8).map(|y| h[y][u] * self.cos[v][y]).sum::<f32>().abs()
            };
            let low: f32 = ZIGZAG[1..=LOW_END].iter().map(|&p| coef(p)).sum();
            let mid: f32 = ZIGZAG[LOW_END + 1..=MID_END].iter().map(|&p| coef(p)).sum();
            self.stats.add((low.round() as u64, mid.round() as u64));
        }
    }

    /// The statistic, where every sampled row came whole.
    pub fn finish(self) -> Option<AcStats> {
        (self.usable && self.stats.blocks > 0).then_some(self.stats)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A page of vertical black bars on white, each edge blurred over `soft` pixels.
    fn bars(width: u32, height: u32, soft: f32) -> Vec<Vec<u8>> {
        let row: Vec<u8> = (0..width)
            .map(|x| {
                let d = ((x % 24) as f32 - 12.0).abs() - 6.0; // negative inside a bar
                let t =
                    if soft == 0.0 { f32::from(d > 0.0) } else { (d / soft + 0.5).clamp(0.0, 1.0) };
                (t * 255.0) as u8
            })
            .collect();
        vec![row; height as usize]
    }

    fn measure(rows: &[Vec<u8>]) -> Option<f64> {
        let mut s = EdgeSampler::new(rows[0].len() as u32);
        for (y, r) in rows.iter().enumerate() {
            s.row(y as u32, 0, 1, r);
        }
        super::super::blur::sharpness(s.finish()?)
    }

    #[test]
    fn sharp_edges_score_higher_than_soft_ones() {
        let sharp = measure(&bars(800, 1200, 0.0)).unwrap();
        let soft = measure(&bars(800, 1200, 6.0)).unwrap();
        assert!(sharp > 100.0 && soft < sharp * 0.6, "sharp {sharp}, soft {soft}");
    }

    #[test]
    fn tiles_and_interlace_passes_give_the_statistic_of_whole_rows() {
        let rows = bars(800, 1200, 2.0);
        let mut whole = EdgeSampler::new(800);
        let mut tiles = EdgeSampler::new(800);
        let mut passes = EdgeSampler::new(800);
        for (y, r) in rows.iter().enumerate() {
            whole.row(y as u32, 0, 1, r);
        }
        // Tiles of 256 × 256, row by row within a tile, tile by tile across.
        for ty in (0..1200).step_by(256) {
            for tx in (0..800).step_by(256) {
                for (y, row) in rows.iter().enumerate().skip(ty).take(256) {
                    let end = (tx + 256).min(800);
                    tiles.row(y as u32, tx as u32, 1, &row[tx..end]);
                }
            }
        }
        // Two interlace-like passes: even columns of every row, then the odd ones.
        for pass in 0..2usize {
            for (y, r) in rows.iter().enumerate() {
                let samples: Vec<u8> = r.iter().skip(pass).step_by(2).copied().collect();
                passes.row(y as u32, pass as u32, 2, &samples);
            }
        }
        let want = whole.finish().expect("measured");
        assert_eq!(tiles.finish(), Some(want));
        assert_eq!(passes.finish(), Some(want));
    }

    #[test]
    fn block_means_or_pixels_given_twice_give_no_statistic() {
        let rows = bars(800, 1200, 0.0);
        let mut twice = EdgeSampler::new(800);
        twice.row(0, 0, 1, &rows[0]);
        twice.row(0, 0, 1, &rows[0]);
        assert_eq!(twice.finish(), None);
        let mut means = EdgeSampler::new(800);
        means.disable();
        means.row(0, 0, 1, &rows[0]);
        assert_eq!(means.finish(), None);
    }
}
