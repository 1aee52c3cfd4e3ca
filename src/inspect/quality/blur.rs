//! Blur: a page scanned out of focus or moved during the scan. 1/8 scale averages away
//! exactly the detail that blur removes, so the evidence is taken where it survives in
//! a JPEG without decoding pixels: its AC coefficients. During the entropy walk (see
//! `inspect::jpeg_scan`) the luma blocks of one block row in sixteen (a sixteenth of the
//! cost, and still hundreds of edge blocks on a page) that hold an edge (enough energy in the two
//! lowest AC frequencies) add up their dequantized coefficient magnitudes in a low band
//! (zigzag 1–2) and a mid band (zigzag 3–20). A sharp edge spreads energy into the mid
//! band; a blurred one keeps it in the lowest frequencies. Dequantizing makes the ratio
//! largely independent of the JPEG quality; the mid band stops at zigzag 20 because
//! ordinary qualities (70–95) quantize the highest frequencies of a page away even when
//! it is sharp.

/// AC statistics of a JPEG's luma edge blocks, gathered by the entropy walk.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct AcStats {
    /// Luma blocks counted as holding an edge.
    pub blocks: u64,
    /// Sum over those blocks of dequantized |AC| at zigzag 1–2.
    pub low: f64,
    /// Sum over those blocks of dequantized |AC| at zigzag 3–20.
    pub mid: f64,
}

impl AcStats {
    /// Adds one block's (low, mid) band sums if the block holds an edge.
    #[inline(always)]
    pub fn add(&mut self, (low, mid): (u64, u64)) {
        if low >= u64::from(EDGE_LOW) {
            self.blocks += 1;
            self.low += low as f64;
            self.mid += mid as f64;
        }
    }
}

/// Last zigzag index of the low band.
pub const LOW_END: usize = 2;
/// Last zigzag index of the mid band.
pub const MID_END: usize = 20;
/// A block holds an edge when its low band adds up to this much (dequantized units; a
/// full black-on-white edge across a block gives several hundred).
pub const EDGE_LOW: u32 = 160;
/// Fewer edge blocks than this and the page has too little detail to judge.
const MIN_BLOCKS: u64 = 64;

/// Sharpness ×100 (mid over low band), or `None` with too few edge blocks.
pub(super) fn sharpness(s: AcStats) -> Option<f64> {
    (s.blocks >= MIN_BLOCKS && s.low > 0.0).then(|| 100.0 * s.mid / s.low)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sharpness_needs_enough_edges() {
        assert_eq!(sharpness(AcStats { blocks: 10, low: 100.0, mid: 50.0 }), None);
        assert_eq!(sharpness(AcStats { blocks: 100, low: 100.0, mid: 50.0 }), Some(50.0));
    }
}
