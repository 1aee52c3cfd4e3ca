//! The walk of a sequential (baseline or extended) scan: every block's DC difference and
//! 63 AC coefficients, MCU by MCU, with the restart markers between intervals.
//!
//! Why apart from the progressive walk (issue #7): nearly every delivered JPEG is
//! sequential, and its walk is the whole time of `vouch check` on JPEG pages. Here the bit
//! reader is a local that no out-of-line call borrows, so the compiler keeps its
//! accumulator in registers from one block to the next (a borrowed reader is stored and
//! reloaded around every block, on the decoder's serial chain); the MCU grid is walked by
//! row and column, not divided out of an MCU count; and each component's tables are
//! resolved once per scan. What is checked is the same as in [`Scan::walk`]'s progressive
//! path: every symbol of every block, a run past the last coefficient refused, restart
//! markers after exactly `Ri` MCUs and numbered in turn, and the overrun test per MCU.

use super::{AC_ROW_STEP, Coverage, Frame, MIN_VARIANCE, Scan};
use crate::inspect::jpeg_bits::{Bits, Huffman, Short};

/// One component of the scan as the walk needs it.
struct Unit<'t> {
    /// Frame component index.
    ci: usize,
    dc: &'t Huffman,
    ac: &'t Huffman,
    /// Blocks across and down in one MCU (1×1 in a non-interleaved scan).
    h: usize,
    v: usize,
    /// The component's grid, in blocks.
    bw: usize,
    bh: usize,
}

impl Scan<'_> {
    /// [`Scan::walk`] for a sequential scan: decodes every block starting at `at`, and
    /// returns the position of the marker that follows.
    pub(super) fn walk_sequential(
        &self,
        bytes: &[u8],
        at: usize,
        f: &Frame,
        cov: &mut Coverage,
        restart: usize,
    ) -> Result<usize, String> {
        let units = self.units(f)?;
        let (gx, gy) = if units.len() > 1 {
            (f.width.div_ceil(8 * f.hmax), f.height.div_ceil(8 * f.vmax))
        } else {
            (units[0].bw, units[0].bh)
        };
        let mcus = gx * gy;
        let short = |done: usize| {
            format!(
                "JPEG image data is corrupt or truncated: a scan ends after {done} of its \
                 {mcus} MCUs"
            )
        };
        let mut bits = Bits::new(bytes, at);
        let mut pred = [0i32; 4];
        let (mut m, mut left) = (0usize, restart);
        for my in 0..gy {
            for mx in 0..gx {
                if restart > 0 && left == 0 {
                    let end = bits.finish()?;
                    let want = 0xD0 + ((m / restart - 1) % 8) as u8;
                    if bytes.get(end + 1) != Some(&want) {
                        return Err(short(m));
                    }
                    bits = Bits::new(bytes, end + 2);
                    pred = [0; 4];
                    left = restart;
                }
                left = left.wrapping_sub(1);
                let res = units
                    .iter()
                    .zip(&mut pred)
                    .try_for_each(|(u, pred)| mcu_blocks(&mut bits, cov, u, pred, (mx, my)));
                if res.is_err() || bits.overrun() {
                    return Err(short(m));
                }
                m += 1;
            }
        }
        bits.finish()
    }

    /// The scan's components with their tables (both defined: [`Scan::read`] checked).
    fn units(&self, f: &Frame) -> Result<Vec<Unit<'_>>, String> {
        let interleaved = self.comps.len() > 1;
        self.comps
            .iter()
            .map(|&(ci, dc, ac)| {
                let c = &f.comps[ci];
                let (h, v) = if interleaved { (c.h, c.v) } else { (1, 1) };
                let missing = || format!("scan of component {} lacks a Huffman table", c.id);
                let (dc, ac) = (dc.ok_or_else(missing)?, ac.ok_or_else(missing)?);
                Ok(Unit { ci, dc, ac, h, v, bw: c.bw, bh: c.bh })
            })
            .collect()
    }
}

/// The blocks of one component in the MCU at (`mx`, `my`), padding blocks past the
/// image's edge included (decoded, not kept).
#[inline(always)]
fn mcu_blocks(
    bits: &mut Bits,
    cov: &mut Coverage,
    u: &Unit,
    pred: &mut i32,
    (mx, my): (usize, usize),
) -> Result<(), Short> {
    for by in my * u.v..(my + 1) * u.v {
        for bx in mx * u.h..(mx + 1) * u.h {
            // Only the first component's DC values are kept (the reduced image).
            let keep = u.ci == 0 && cov.dc.is_some();
            if keep {
                *pred = pred.wrapping_add(bits.dc(u.dc)?);
            } else {
                bits.skip_dc(u.dc)?;
            }
            let inside = bx < u.bw && by < u.bh;
            if u.ci != 0 || !inside {
                bits.sequential_ac(u.ac)?;
                continue;
            }
            if let Some(dcs) = cov.dc.as_mut() {
                dcs[by * u.bw + bx] = *pred;
            }
            // One block row in AC_ROW_STEP is evidence enough (hundreds of edge blocks on
            // a page) at a fraction of the cost: the band sums cost several times the
            // plain walk, and the walk is the JPEG path's whole time (issue #7).
            match (cov.ac.as_mut(), &cov.q[0]) {
                (Some(stats), Some(q)) if by % AC_ROW_STEP == 0 => {
                    let (low, mid, energy) = bits.sequential_ac_bands(u.ac, q)?;
                    stats.add((low, mid));
                    // The block's pixel variance: the ink's darkness where it is thin.
                    let variance = energy / 64;
                    if let Some(v) = cov.variance.as_mut().filter(|_| variance >= MIN_VARIANCE) {
                        v.push(((by * u.bw + bx) as u32, variance.min(u64::from(u32::MAX)) as u32));
                    }
                }
                _ => bits.sequential_ac(u.ac)?,
            }
        }
    }
    Ok(())
}
