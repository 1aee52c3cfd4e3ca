//! JPEG integrity: walk every scan's entropy-coded data to its end and count blocks.
//!
//! Why our own walk (issue #3): `zune-jpeg`, even in strict mode, fills the rest of a
//! scan with grey when it meets a marker early, so a file cut in the middle of its image
//! data and then closed with `FF D9` (what a failed copy or a careless repair produces)
//! decodes without an error. `jpeg-decoder` pads with zero bits the same way. libjpeg
//! (through `jpeginfo`) only warns ("premature end of data segment"). Decoding only the
//! Huffman symbols needs no IDCT and answers exactly the question acceptance asks: does
//! every scan hold every block it must, with nothing left over?
//!
//! For each scan this decodes every Huffman symbol of every block (baseline, extended
//! and progressive, incl. successive-approximation refinement with its correction bits),
//! follows restart markers (which must come after exactly `Ri` MCUs, numbered in turn),
//! and refuses a scan whose data ends before its last block, or leaves more than the
//! final padding bits before the next marker. At the end of the image every component
//! must have been fully coded: in a baseline image each component appears in a scan, in
//! a progressive one every coefficient reaches the last successive-approximation bit.
//! A progressive file cut between two scans and closed with `FF D9` is thereby caught too.
//!
//! Since issue #7 this walk is the whole proof that a JPEG decodes: every coefficient of
//! every block is entropy-decoded here, which is all a decoder can find wrong with the
//! data (the IDCT, upsampling and colour conversion that follow cannot fail on a stream
//! that passed). So it also refuses what libjpeg refuses or warns about outside the
//! entropy data: a missing quantization table, sample precision other than 8 bits, bad
//! segment lengths, sequential scans with progressive parameters, more than 10 blocks per
//! MCU, AC bands before their DC, and a coefficient run past the end of a block. The DC
//! coefficients it decodes on the way are, dequantized, the image at 1/8 scale
//! ([`ReducedImage`]), kept only when asked for.

mod sequential;

use super::jpeg_bits::{Bits, Huffman, Short};
use super::reduce::ReducedImage;
use crate::inspect::quality::AcStats;

#[derive(Clone, Copy, Debug)]
struct Component {
    id: u8,
    h: usize,
    v: usize,
    /// Quantization table selector.
    tq: u8,
    /// Blocks across and down in the component's own (non-interleaved) grid.
    bw: usize,
    bh: usize,
}

#[derive(Debug)]
struct Frame {
    progressive: bool,
    width: usize,
    height: usize,
    comps: Vec<Component>,
    hmax: usize,
    vmax: usize,
}

/// Progress per component: baseline scanned, or per-coefficient successive approximation.
struct Coverage {
    scanned: Vec<bool>,
    /// Per component, per coefficient: the `Al` reached so far (`None`: not yet coded).
    al: Vec<[Option<u8>; 64]>,
    /// Per component, per block (non-interleaved grid): coefficients known non-zero.
    nonzero: Vec<Vec<u64>>,
    /// Per component: its quantization table (zigzag order), latched at its first scan.
    q: Vec<Option<[u16; 64]>>,
    /// The first component's quantized DC coefficient per block, if the reduced image is
    /// wanted.
    dc: Option<Vec<i32>>,
    /// AC statistics of the first component's edge blocks, if wanted (baseline only).
    ac: Option<AcStats>,
    /// (block index, pixel variance) of the sampled luma blocks with at least
    /// [`MIN_VARIANCE`], if wanted (baseline only; see `ReducedImage::block_variance`).
    variance: Option<Vec<(u32, u32)>>,
}

/// Least pixel variance (a standard deviation of 4 grey levels) for a sampled block's
/// variance to be kept: below it the block is paper and noise.
const MIN_VARIANCE: u64 = 16;

/// Definitions that marker segments set and later scans use.
#[derive(Default)]
struct Tables {
    dc: [Option<Huffman>; 4],
    ac: [Option<Huffman>; 4],
    /// Each defined quantization table, in zigzag order.
    quant: [Option<[u16; 64]>; 4],
    restart: usize,
}

/// Luma block rows between two whose AC bands feed the blur statistics.
const AC_ROW_STEP: usize = 16;

/// Walks every scan of `bytes` (a whole JPEG) and checks completeness; see the module
/// docs. With `reduced`, also returns the first component's 1/8-scale image.
#[cfg(test)]
pub(crate) fn verify(bytes: &[u8], reduced: bool) -> Result<Option<ReducedImage>, String> {
    verify_with(bytes, reduced, false)
}

/// [`verify`]; with `reduced` and `ac_stats` (quality measures on), the reduced image of a
/// baseline JPEG also carries the AC statistics of its luma edge blocks
/// ([`ReducedImage::sharpness`]), gathered in the same walk.
pub(crate) fn verify_with(
    bytes: &[u8],
    reduced: bool,
    ac_stats: bool,
) -> Result<Option<ReducedImage>, String> {
    let mut t = Tables::default();
    let mut frame: Option<Frame> = None;
    let mut cov: Option<Coverage> = None;
    let mut at = 2;
    loop {
        while bytes.get(at) == Some(&0xFF) && bytes.get(at + 1) == Some(&0xFF) {
            at += 1;
        }
        let (Some(&0xFF), Some(&marker)) = (bytes.get(at), bytes.get(at + 1)) else {
            return Err(format!("JPEG is corrupt: no marker at byte {at} where one must be"));
        };
        at += 2;
        match marker {
            0xD9 => break,
            0x01 => continue,
            0xD0..=0xD7 => {
                return Err(format!(
                    "JPEG image data is corrupt: restart marker out of place at byte {}",
                    at - 2
                ));
            }
            _ => {}
        }
        let len = bytes.get(at..at + 2).map(|l| usize::from(u16::from_be_bytes([l[0], l[1]])));
        let seg = len
            .filter(|&l| l >= 2)
            .and_then(|l| bytes.get(at + 2..at + l))
            .ok_or("JPEG is truncated inside a marker segment")?;
        at += 2 + seg.len();
        match marker {
            0xC4 => read_dht(seg, &mut t)?,
            0xDB => read_dqt(seg, &mut t.quant)?,
            0xDD => {
                let [r1, r0] = *seg else { return Err("DRI has the wrong length".into()) };
                t.restart = usize::from(u16::from_be_bytes([r1, r0]));
            }
            0xC0..=0xC2 => {
                if frame.is_some() {
                    return Err("JPEG has a second frame header (SOF)".into());
                }
                let f = read_sof(seg, marker == 0xC2)?;
                let n = f.comps.len();
                cov = Some(Coverage {
                    scanned: vec![false; n],
                    al: vec![[None; 64]; n],
                    nonzero: if f.progressive {
                        f.comps.iter().map(|c| vec![0u64; c.bw * c.bh]).collect()
                    } else {
                        Vec::new()
                    },
                    q: vec![None; n],
                    dc: reduced.then(|| vec![0; f.comps[0].bw * f.comps[0].bh]),
                    ac: (reduced && ac_stats && !f.progressive).then(AcStats::default),
                    variance: (reduced && ac_stats && !f.progressive).then(Vec::new),
                });
                frame = Some(f);
            }
            0xC3 | 0xC5..=0xC7 | 0xC9..=0xCB | 0xCD..=0xCF => {
                return Err(super::unsupported(&coding_process(marker)));
            }
            0xDA => {
                let (Some(f), Some(c)) = (&frame, &mut cov) else {
                    return Err("JPEG has image data (SOS) before its frame header".into());
                };
                let scan = Scan::read(seg, f, &t)?;
                scan.latch_quant(f, c, &t)?;
                at = scan.walk(bytes, at, f, c, t.restart)?;
            }
            _ => {}
        }
    }
    if bytes[at..].iter().any(|&b| b != 0) {
        return Err(format!(
            "JPEG has data after its end-of-image marker at byte {} (another image appended?)",
            at - 2
        ));
    }
    let (Some(f), Some(c)) = (frame, cov) else {
        return Err("JPEG ends before any image data".into());
    };
    complete(&f, &c)?;
    let q0 = c.q[0].map_or(1, |q| q[0]);
    let (ac, variance) = (c.ac, c.variance);
    Ok(c.dc.map(|dc| ReducedImage {
        sharpness: ac,
        block_variance: variance,
        ..reduce(&f.comps[0], &dc, q0)
    }))
}

/// Pixels from DC coefficients: `DC × Q / 8 + 128`, rounded as libjpeg's 1×1 IDCT. A DC
/// beyond ±2048 gives 0 or 255 whatever its step, so it is clamped there first and the
/// rest fits `i32` (which the compiler vectorizes).
fn reduce(c: &Component, dc: &[i32], q0: u16) -> ReducedImage {
    let q = i32::from(q0);
    let pixels = dc
        .iter()
        .map(|&v| (((v.clamp(-2048, 2048) * q + 4) >> 3) + 128).clamp(0, 255) as u8)
        .collect();
    ReducedImage::new(c.bw as u32, c.bh as u32, pixels)
}

fn read_dht(mut seg: &[u8], t: &mut Tables) -> Result<(), String> {
    while !seg.is_empty() {
        let class_id = seg[0];
        let counts: [u8; 16] =
            seg.get(1..17).and_then(|c| c.try_into().ok()).ok_or("DHT is cut short")?;
        let n: usize = counts.iter().map(|&c| usize::from(c)).sum();
        let values = seg.get(17..17 + n).ok_or("DHT is cut short")?;
        let id = usize::from(class_id & 0x0F);
        match (class_id >> 4, id) {
            (0, 0..=3) => t.dc[id] = Some(Huffman::new(&counts, values, true)?),
            (1, 0..=3) => t.ac[id] = Some(Huffman::new(&counts, values, false)?),
            _ => return Err(format!("DHT names table {class_id:#04x}, which does not exist")),
        }
        seg = &seg[17 + n..];
    }
    Ok(())
}

/// Keeps each quantization table's DC step; refuses what libjpeg refuses.
fn read_dqt(mut seg: &[u8], quant: &mut [Option<[u16; 64]>; 4]) -> Result<(), String> {
    while let Some(&pq_tq) = seg.first() {
        let (pq, tq) = (pq_tq >> 4, usize::from(pq_tq & 15));
        if pq > 1 || tq > 3 {
            return Err(format!("DQT names table {pq_tq:#04x}, which does not exist"));
        }
        let size = 64 * (1 + usize::from(pq));
        let q = seg.get(1..1 + size).ok_or("DQT is cut short")?;
        let mut table = [0u16; 64];
        for (k, v) in table.iter_mut().enumerate() {
            *v = if pq == 0 {
                u16::from(q[k])
            } else {
                u16::from_be_bytes([q[2 * k], q[2 * k + 1]])
            };
        }
        quant[tq] = Some(table);
        seg = &seg[1 + size..];
    }
    Ok(())
}

fn read_sof(seg: &[u8], progressive: bool) -> Result<Frame, String> {
    let [precision, h1, h0, w1, w0, n, ..] = *seg else { return Err("SOF is cut short".into()) };
    if precision != 8 {
        return Err(format!(
            "JPEG sample precision is {precision} bits; only 8-bit JPEG can be verified"
        ));
    }
    let (height, width) =
        (usize::from(u16::from_be_bytes([h1, h0])), usize::from(u16::from_be_bytes([w1, w0])));
    if width == 0 || height == 0 {
        return Err("JPEG frame has zero width or height (DNL is not supported)".into());
    }
    if !(1..=10).contains(&n) {
        return Err(format!("JPEG frame has {n} components"));
    }
    if seg.len() != 6 + 3 * usize::from(n) {
        return Err("SOF has the wrong length for its components".into());
    }
    let mut comps = Vec::new();
    for c in seg[6..].chunks_exact(3) {
        let (h, v) = (usize::from(c[1] >> 4), usize::from(c[1] & 15));
        if !(1..=4).contains(&h) || !(1..=4).contains(&v) {
            return Err(format!("JPEG component {} has sampling factors {h}×{v}", c[0]));
        }
        comps.push(Component { id: c[0], h, v, tq: c[2], bw: 0, bh: 0 });
    }
    // Grey, YCbCr/RGB and CMYK/YCCK have 1 to 4; a progressive frame's coverage map is
    // one word per block per component, so 255 components at the pixel limit would need
    // gigabytes (issue #8).
    if comps.len() > 4 {
        return Err(format!("JPEG frame has {} components; vouch decodes 1 to 4", comps.len()));
    }
    let hmax = comps.iter().map(|c| c.h).max().unwrap_or(1);
    let vmax = comps.iter().map(|c| c.v).max().unwrap_or(1);
    for c in &mut comps {
        c.bw = (width * c.h).div_ceil(hmax).div_ceil(8);
        c.bh = (height * c.v).div_ceil(vmax).div_ceil(8);
    }
    Ok(Frame { progressive, width, height, comps, hmax, vmax })
}

/// One scan header with its tables resolved.
struct Scan<'t> {
    /// (frame component index, DC table, AC table).
    comps: Vec<(usize, Option<&'t Huffman>, Option<&'t Huffman>)>,
    progressive: bool,
    ss: usize,
    se: usize,
    ah: u8,
    al: u8,
}

impl<'t> Scan<'t> {
    fn read(seg: &[u8], f: &Frame, t: &'t Tables) -> Result<Scan<'t>, String> {
        let n = usize::from(*seg.first().ok_or("SOS is empty")?);
        if !(1..=4).contains(&n) {
            return Err(format!("SOS lists {n} components"));
        }
        if seg.len() != 4 + 2 * n {
            return Err("SOS has the wrong length for its components".into());
        }
        let tail = &seg[1 + 2 * n..];
        let (ss, se, ah, al) =
            (usize::from(tail[0]), usize::from(tail[1]), tail[2] >> 4, tail[2] & 15);
        let mut comps: Vec<(usize, Option<&Huffman>, Option<&Huffman>)> = Vec::new();
        for i in 0..n {
            let (id, tables) = (seg[1 + 2 * i], seg[2 + 2 * i]);
            let index = f
                .comps
                .iter()
                .position(|c| c.id == id)
                .ok_or_else(|| format!("SOS names component {id}, which the frame lacks"))?;
            if comps.iter().any(|c| c.0 == index) {
                return Err(format!("SOS names component {id} twice"));
            }
            let (td, ta) = (usize::from(tables >> 4), usize::from(tables & 15));
            comps.push((
                index,
                t.dc.get(td).and_then(Option::as_ref),
                t.ac.get(ta).and_then(Option::as_ref),
            ));
        }
        if n > 1 && comps.iter().map(|&(i, ..)| f.comps[i].h * f.comps[i].v).sum::<usize>() > 10 {
            return Err("JPEG scan has more than 10 blocks per MCU".into());
        }
        if f.progressive {
            let bad = se > 63 || ss > se || (ss == 0 && se != 0) || (ss > 0 && n != 1);
            if bad || al > 13 {
                return Err(format!("progressive scan has a bad spectral band {ss}..{se}"));
            }
        } else if (ss, se, ah, al) != (0, 63, 0, 0) {
            // libjpeg: "Invalid SOS parameters for sequential JPEG" (a warning).
            return Err(format!(
                "sequential scan has progressive parameters (band {ss}..{se}, Ah {ah}, Al {al})"
            ));
        }
        let scan = Scan { comps, progressive: f.progressive, ss, se, ah, al };
        for &(i, d, a) in &scan.comps {
            // Baseline needs both tables; progressive DC-first a DC table, AC scans an AC
            // table; DC refinement reads raw bits only.
            let needs_dc = ss == 0 && ah == 0;
            let needs_ac = se > 0;
            if (needs_dc && d.is_none()) || (needs_ac && a.is_none()) {
                return Err(format!(
                    "scan of component {} uses a Huffman table that was never defined",
                    f.comps[i].id
                ));
            }
        }
        Ok(scan)
    }

    /// Latches each component's quantization table at its first scan, as libjpeg does.
    fn latch_quant(&self, f: &Frame, cov: &mut Coverage, t: &Tables) -> Result<(), String> {
        for &(ci, ..) in &self.comps {
            if cov.q[ci].is_none() {
                let c = &f.comps[ci];
                let q = t.quant.get(usize::from(c.tq)).copied().flatten();
                cov.q[ci] = Some(q.ok_or_else(|| {
                    format!(
                        "JPEG component {} uses quantization table {}, never defined",
                        c.id, c.tq
                    )
                })?);
            }
        }
        Ok(())
    }

    /// Decodes every block of the scan starting at `at`; returns the position of the marker
    /// that follows it.
    fn walk(
        &self,
        bytes: &[u8],
        at: usize,
        f: &Frame,
        cov: &mut Coverage,
        restart: usize,
    ) -> Result<usize, String> {
        self.record(f, cov)?;
        if !self.progressive {
            return self.walk_sequential(bytes, at, f, cov, restart);
        }
        let interleaved = self.comps.len() > 1;
        let mcus = if interleaved {
            f.width.div_ceil(8 * f.hmax) * f.height.div_ceil(8 * f.vmax)
        } else {
            let c = &f.comps[self.comps[0].0];
            c.bw * c.bh
        };
        let mcus_x = f.width.div_ceil(8 * f.hmax);
        let mut bits = Bits::new(bytes, at);
        let mut eobrun = 0u32;
        let mut pred = [0i32; 4];
        let short = |done: usize| {
            format!(
                "JPEG image data is corrupt or truncated: a scan ends after {done} of its \
                 {mcus} MCUs"
            )
        };
        for m in 0..mcus {
            if restart > 0 && m > 0 && m % restart == 0 {
                let end = bits.finish()?;
                let want = 0xD0 + ((m / restart - 1) % 8) as u8;
                if bytes.get(end + 1) != Some(&want) {
                    return Err(short(m));
                }
                bits = Bits::new(bytes, end + 2);
                eobrun = 0;
                pred = [0; 4];
            }
            let res = if interleaved {
                let (mx, my) = (m % mcus_x, m / mcus_x);
                self.comps.iter().zip(&mut pred).try_for_each(|(&(ci, d, a), pred)| {
                    let c = &f.comps[ci];
                    for v in 0..c.v {
                        for h in 0..c.h {
                            let (bx, by) = (mx * c.h + h, my * c.v + v);
                            let block = (bx < c.bw && by < c.bh).then(|| by * c.bw + bx);
                            let at = Block { ci, dc: d, ac: a, index: block };
                            self.block(&mut bits, cov, &mut eobrun, pred, at)?;
                        }
                    }
                    Ok(())
                })
            } else {
                let (ci, d, a) = self.comps[0];
                let at = Block { ci, dc: d, ac: a, index: Some(m) };
                self.block(&mut bits, cov, &mut eobrun, &mut pred[0], at)
            };
            if res.is_err() || bits.overrun() {
                return Err(short(m));
            }
        }
        bits.finish()
    }

    /// Checks the scan continues the progression and records what it codes.
    fn record(&self, f: &Frame, cov: &mut Coverage) -> Result<(), String> {
        for &(ci, _, _) in &self.comps {
            if !f.progressive {
                if std::mem::replace(&mut cov.scanned[ci], true) {
                    return Err(format!("component {} is coded by two scans", f.comps[ci].id));
                }
                continue;
            }
            if self.ss > 0 && cov.al[ci][0].is_none() {
                // libjpeg: "Inconsistent progression sequence" (a warning).
                return Err(format!(
                    "JPEG progression is inconsistent: component {} has AC data before its DC",
                    f.comps[ci].id
                ));
            }
            for k in self.ss..=self.se {
                let slot = &mut cov.al[ci][k];
                let ok = match *slot {
                    None => self.ah == 0,
                    Some(prev) => self.ah == prev && self.al + 1 == prev,
                };
                if !ok {
                    return Err(format!(
                        "JPEG progression is inconsistent: component {} coefficient {k} \
                         refined out of order",
                        f.comps[ci].id
                    ));
                }
                *slot = Some(self.al);
            }
        }
        Ok(())
    }

    /// Decodes one block of a progressive scan (or, for an AC band, the run of blocks an
    /// EOB run stands for).
    #[inline(always)]
    fn block(
        &self,
        bits: &mut Bits,
        cov: &mut Coverage,
        eobrun: &mut u32,
        pred: &mut i32,
        b: Block,
    ) -> Result<(), Short> {
        let keep = if b.ci == 0 { cov.dc.as_mut().zip(b.index) } else { None };
        if self.ss == 0 {
            if self.ah == 0 {
                *pred = pred.wrapping_add(bits.dc(b.dc.ok_or(Short)?)?);
                if let Some((dcs, i)) = keep {
                    dcs[i] = pred.wrapping_shl(u32::from(self.al));
                }
            } else if bits.bits(1)? == 1
                && let Some((dcs, i)) = keep
            {
                dcs[i] |= 1 << self.al;
            }
            return Ok(());
        }
        // AC scans are never interleaved, so `index` is always a real block.
        let nz = b.index.and_then(|i| cov.nonzero[b.ci].get_mut(i)).ok_or(Short)?;
        let ac = b.ac.ok_or(Short)?;
        if self.ah == 0 {
            ac_first(bits, ac, self.ss, self.se, nz, eobrun)
        } else {
            ac_refine(bits, ac, self.ss, self.se, nz, eobrun)
        }
    }
}

/// Where a block is: its component, tables, and index in the component's grid (`None`
/// for the padding blocks an interleaved MCU holds past the image's edge).
struct Block<'t> {
    ci: usize,
    dc: Option<&'t Huffman>,
    ac: Option<&'t Huffman>,
    index: Option<usize>,
}

fn ac_first(
    bits: &mut Bits,
    ac: &Huffman,
    ss: usize,
    se: usize,
    nz: &mut u64,
    eobrun: &mut u32,
) -> Result<(), Short> {
    if *eobrun > 0 {
        *eobrun -= 1;
        return Ok(());
    }
    let mut k = ss;
    while k <= se {
        let rs = bits.ac(ac)?;
        let (r, s) = (u32::from(rs >> 4), rs & 15);
        if s == 0 {
            if r < 15 {
                *eobrun = (1 << r) - 1 + bits.bits(r)?;
                break;
            }
            k += 16;
            continue;
        }
        k += r as usize;
        if k > se {
            return Err(Short);
        }
        *nz |= 1 << k;
        k += 1;
    }
    Ok(())
}

/// Successive-approximation refinement of an AC band, as libjpeg's `decode_mcu_AC_refine`.
fn ac_refine(
    bits: &mut Bits,
    ac: &Huffman,
    ss: usize,
    se: usize,
    nz: &mut u64,
    eobrun: &mut u32,
) -> Result<(), Short> {
    let mut k = ss;
    if *eobrun == 0 {
        while k <= se {
            // `ac` consumes the correction sign bit with the symbol (its size is 1).
            let rs = bits.ac(ac)?;
            let (mut r, s) = (i32::from(rs >> 4), rs & 15);
            if s > 1 {
                // libjpeg: "Corrupt JPEG data: bad Huffman code" (a warning).
                return Err(Short);
            }
            if s == 0 && r != 15 {
                *eobrun = (1 << r) + bits.bits(r as u32)?;
                break;
            }
            while k <= se {
                if *nz & (1 << k) != 0 {
                    bits.bits(1)?;
                } else {
                    r -= 1;
                    if r < 0 {
                        break;
                    }
                }
                k += 1;
            }
            if s != 0 && k < 64 {
                *nz |= 1 << k;
            }
            k += 1;
        }
    }
    if *eobrun > 0 {
        while k <= se {
            if *nz & (1 << k) != 0 {
                bits.bits(1)?;
            }
            k += 1;
        }
        *eobrun -= 1;
    }
    Ok(())
}

/// Every component fully coded?
fn complete(f: &Frame, cov: &Coverage) -> Result<(), String> {
    for (ci, c) in f.comps.iter().enumerate() {
        if !f.progressive {
            if !cov.scanned[ci] {
                return Err(format!(
                    "JPEG is incomplete: component {} has no scan (truncated and closed?)",
                    c.id
                ));
            }
            continue;
        }
        if let Some(k) = cov.al[ci].iter().position(|al| *al != Some(0)) {
            return Err(format!(
                "JPEG is incomplete: progressive scans end before component {} coefficient \
                 {k} is fully coded (truncated between scans?)",
                c.id
            ));
        }
    }
    Ok(())
}

/// The JPEG coding process a start-of-frame marker vouch does not decode names
/// (ITU T.81 Table B.1), as a person knows it.
fn coding_process(marker: u8) -> String {
    let sof = marker - 0xC0;
    let what = match marker {
        0xC3 => "lossless JPEG (process 14, Huffman)",
        0xC5..=0xC7 => "hierarchical JPEG (Huffman)",
        0xC9 | 0xCA => "JPEG arithmetic coding",
        0xCB => "lossless JPEG with arithmetic coding",
        _ => "hierarchical JPEG with arithmetic coding",
    };
    format!("{what} (SOF{sof})")
}

#[cfg(test)]
mod tests {
    use super::super::testutil::{fixture, jpeg};
    use super::verify;
    use zune_core::bytestream::ZCursor;
    use zune_core::colorspace::ColorSpace;
    use zune_core::options::DecoderOptions;

    /// Position of the first segment with `marker` (at its `FF`).
    fn find(bytes: &[u8], marker: u8) -> usize {
        bytes.windows(2).position(|w| w == [0xFF, marker]).unwrap()
    }

    /// `bytes` without every segment of `marker` before the first scan.
    fn without(bytes: &[u8], marker: u8) -> Vec<u8> {
        let mut out = bytes.to_vec();
        while let Some(at) = out.windows(2).position(|w| w == [0xFF, marker]) {
            if at > find(&out, 0xDA) {
                break;
            }
            let len = usize::from(u16::from_be_bytes([out[at + 2], out[at + 3]]));
            out.drain(at..at + 2 + len);
        }
        out
    }

    #[test]
    fn what_libjpeg_refuses_outside_the_entropy_data_is_refused() {
        let good = jpeg(64, 48, false, (1, 300, 300));
        assert_eq!(verify(&good, false), Ok(None));
        let err = verify(&without(&good, 0xDB), false).unwrap_err();
        assert!(err.contains("quantization table"), "{err}");
        let mut twelve = good.clone();
        twelve[find(&good, 0xC0) + 4] = 12;
        assert!(verify(&twelve, false).unwrap_err().contains("precision is 12"));
        let mut band = good.clone();
        let sos = find(&good, 0xDA);
        let n = usize::from(good[sos + 4]);
        band[sos + 4 + 1 + 2 * n + 1] = 62; // Se
        assert!(verify(&band, false).unwrap_err().contains("sequential scan"));
    }

    #[test]
    fn dc_pixels_match_the_wide_formula_at_the_extremes() {
        let dc: Vec<i32> = (-70_000..70_000).step_by(7).chain([i32::MIN, i32::MAX]).collect();
        let c = super::Component { id: 1, h: 1, v: 1, tq: 0, bw: dc.len(), bh: 1 };
        for q in [0u16, 1, 2, 3, 8, 99, 255, 65535] {
            let wide = |v: i32| ((i64::from(v) * i64::from(q) + 4) >> 3).saturating_add(128);
            let want: Vec<u8> = dc.iter().map(|&v| wide(v).clamp(0, 255) as u8).collect();
            assert_eq!(super::reduce(&c, &dc, q).pixels, want, "step {q}");
        }
    }

    /// The 1/8 image is the mean of each 8×8 block of the decoded image, up to rounding
    /// and clamping in the IDCT: checked against zune-jpeg's full decode, baseline and
    /// progressive (successive approximation on DC, restart markers).
    #[test]
    fn the_reduced_image_is_the_block_means() {
        for (name, bytes) in [
            ("baseline", fixture("baseline-grey-300dpi.jpg")),
            ("progressive", fixture("progressive-rgb-restart-200dpi.jpg")),
            ("encoder", jpeg(61, 45, false, (1, 300, 300))),
        ] {
            let r = verify(&bytes, true).unwrap().unwrap();
            let opts = DecoderOptions::default().jpeg_set_out_colorspace(ColorSpace::Luma);
            let mut d = zune_jpeg::JpegDecoder::new_with_options(ZCursor::new(&bytes), opts);
            let luma = d.decode().unwrap();
            let (w, h) = d.dimensions().unwrap();
            assert_eq!((r.width as usize, r.height as usize), (w.div_ceil(8), h.div_ceil(8)));
            let mut worst = 0i32;
            for by in 0..h / 8 {
                for bx in 0..w / 8 {
                    let sum: i32 = (0..64)
                        .map(|i| i32::from(luma[(by * 8 + i / 8) * w + bx * 8 + i % 8]))
                        .sum();
                    let ours = i32::from(r.pixels[by * r.width as usize + bx]);
                    worst = worst.max((sum / 64 - ours).abs());
                }
            }
            assert!(worst <= 6, "{name}: a block's mean is {worst} off its DC pixel");
        }
    }
}
