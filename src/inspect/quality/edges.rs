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
#[derive(Debug)]
pub struct EdgeSampler {
    width: usize,
    /// The eight rows of the block row being filled.
    rows: Vec<u8>,
    /// Which of them have come in.
    filled: u8,
    /// Whether every row came whole and in order (else no statistic: it would be wrong).
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
            rows: vec![0; width * 8],
            filled: 0,
            usable: true,
            stats: AcStats::default(),
            cos,
        }
    }

    /// Takes grey row `y` if it belongs to a sampled block row; `whole` says the row
    /// came complete from its first column (rows of tiles or interlace passes do not).
    pub fn row(&mut self, y: u32, grey: &[u8], whole: bool) {
        if !self.usable || !(y / 8).is_multiple_of(ROW_STEP) {
            return;
        }
        if !whole || grey.len() < self.width {
            self.usable = false;
            return;
        }
        let r = (y % 8) as usize;
        self.rows[r * self.width..(r + 1) * self.width].copy_from_slice(&grey[..self.width]);
        self.filled |= 1 << r;
        if self.filled == 0xFF {
            self.blocks();
            self.filled = 0;
        }
    }

    /// Gives up: the page comes in a form whose rows are not its pixels (block means).
    pub fn disable(&mut self) {
        self.usable = false;
    }

    /// The band sums of every full block of the buffered block row.
    fn blocks(&mut self) {
        for bx in 0..self.width / 8 {
            // Horizontal transform of each row, for the frequencies the bands use.
            let mut h = [[0f32; MAX_U + 1]; 8];
            for (y, out) in h.iter_mut().enumerate() {
                let px = &self.rows[y * self.width + bx * 8..][..8];
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
            s.row(y as u32, r, true);
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
    fn rows_of_tiles_give_no_statistic() {
        let rows = bars(800, 1200, 0.0);
        let mut s = EdgeSampler::new(800);
        s.row(0, &rows[0][..400], false);
        assert_eq!(s.finish(), None);
    }
}
