//! JPEG completeness: walk every scan's entropy-coded data to its end and count blocks.
//!
//! Why our own walk (issue #3): `zune-jpeg`, even in strict mode, fills the rest of a
//! scan with grey when it meets a marker early, so a file cut in the middle of its image
//! data and then closed with `FF D9` (what a failed copy or a careless repair produces)
//! decodes without an error. `jpeg-decoder` pads with zero bits the same way. libjpeg
//! (through `jpeginfo`) only warns ("premature end of data segment"). A binding to
//! libjpeg-turbo would need its warnings hooked and a C build in CI; decoding only the
//! Huffman symbols is about 400 lines, needs no IDCT, and answers exactly the question
//! acceptance asks: does every scan hold every block it must, with nothing left over?
//!
//! For each scan this decodes every Huffman symbol of every block (baseline, extended
//! and progressive, incl. successive-approximation refinement with its correction bits),
//! follows restart markers (which must come after exactly `Ri` MCUs, numbered in turn),
//! and refuses a scan whose data ends before its last block, or leaves more than the
//! final padding bits before the next marker. At the end of the image every component
//! must have been fully coded: in a baseline image each component appears in a scan, in
//! a progressive one every coefficient reaches the last successive-approximation bit.
//! A progressive file cut between two scans and closed with `FF D9` is thereby caught too.
//! Only the bits are walked; pixels are `zune-jpeg`'s job.

/// A Huffman table as a fast 9-bit lookup plus the canonical per-length limits.
#[derive(Clone)]
struct Huffman {
    /// For a 9-bit prefix: (code length, symbol), length 0 when the code is longer.
    fast: Vec<(u8, u8)>,
    /// Largest code of each length 1..=16 (`-1` where there is none).
    maxcode: [i32; 17],
    /// Index into `values` of the first code of each length, minus that code.
    delta: [i32; 17],
    values: Vec<u8>,
}

const FAST_BITS: u32 = 9;

impl Huffman {
    /// Builds a table from a DHT's 16 counts and its symbols.
    fn new(counts: &[u8; 16], values: &[u8]) -> Result<Huffman, String> {
        let mut fast = vec![(0u8, 0u8); 1 << FAST_BITS];
        let (mut maxcode, mut delta) = ([-1i32; 17], [0i32; 17]);
        let (mut code, mut k) = (0i32, 0usize);
        for len in 1..=16usize {
            let n = usize::from(counts[len - 1]);
            delta[len] = k as i32 - code;
            for _ in 0..n {
                let symbol = *values.get(k).ok_or("a Huffman table lists too few symbols")?;
                // Checked before the code is used (issue #8: an over-full table indexed
                // past the fast lookup and panicked).
                if code >= (1 << len) {
                    return Err("a Huffman table has more codes than fit their lengths".into());
                }
                if len as u32 <= FAST_BITS {
                    let shift = FAST_BITS - len as u32;
                    let first = (code as usize) << shift;
                    for slot in &mut fast[first..first + (1 << shift)] {
                        *slot = (len as u8, symbol);
                    }
                }
                code += 1;
                k += 1;
            }
            if n > 0 {
                maxcode[len] = code - 1;
            }
            if code > (1 << len) {
                return Err("a Huffman table has more codes than fit their lengths".into());
            }
            code <<= 1;
        }
        Ok(Huffman { fast, maxcode, delta, values: values[..k].to_vec() })
    }
}

/// Bits of one entropy-coded segment: unstuffs `FF 00`, stops at a marker, and refuses to
/// hand out a bit that is not in the file.
struct Bits<'a> {
    data: &'a [u8],
    pos: usize,
    acc: u64,
    /// Bits held in `acc`, counting the fill bits after the data ends.
    n: u32,
    /// Of those, fill bits (ones) that stand for nothing in the file.
    fill: u32,
    /// Position of the marker (its first `FF`) that ends the segment, or the end of file.
    end: Option<usize>,
}

impl<'a> Bits<'a> {
    fn new(data: &'a [u8], pos: usize) -> Self {
        Bits { data, pos, acc: 0, n: 0, fill: 0, end: None }
    }

    fn refill(&mut self) {
        while self.n <= 56 {
            let byte = if self.end.is_some() {
                self.fill += 8;
                0xFF
            } else {
                match self.data.get(self.pos) {
                    None => {
                        self.end = Some(self.pos);
                        continue;
                    }
                    Some(0xFF) => match self.data.get(self.pos + 1) {
                        Some(0x00) => {
                            self.pos += 2;
                            0xFF
                        }
                        _ => {
                            self.end = Some(self.pos);
                            continue;
                        }
                    },
                    Some(&b) => {
                        self.pos += 1;
                        b
                    }
                }
            };
            self.acc |= u64::from(byte) << (56 - self.n);
            self.n += 8;
        }
    }

    fn real(&self) -> u32 {
        self.n - self.fill
    }

    /// The next `k` (≤ 16) bits without consuming them (fill bits past the end).
    fn peek(&mut self, k: u32) -> u32 {
        if self.n < k {
            self.refill();
        }
        (self.acc >> (64 - k)) as u32
    }

    fn consume(&mut self, k: u32) -> Result<(), Short> {
        if self.n < k {
            self.refill();
        }
        if k > self.real() {
            return Err(Short);
        }
        self.acc <<= k;
        self.n -= k;
        Ok(())
    }

    fn bits(&mut self, k: u32) -> Result<u32, Short> {
        if k == 0 {
            return Ok(0);
        }
        let v = self.peek(k);
        self.consume(k)?;
        Ok(v)
    }

    fn decode(&mut self, t: &Huffman) -> Result<u8, Short> {
        let (len, symbol) = t.fast[self.peek(FAST_BITS) as usize];
        if len > 0 {
            self.consume(u32::from(len))?;
            return Ok(symbol);
        }
        let code16 = self.peek(16) as i32;
        for len in (FAST_BITS as usize + 1)..=16 {
            let code = code16 >> (16 - len);
            if code <= t.maxcode[len] {
                self.consume(len as u32)?;
                return Ok(t.values[(code + t.delta[len]) as usize]);
            }
        }
        // No code matches: corrupt data, or fill bits past the end (truncated).
        Err(Short)
    }

    /// At the end of a scan or restart interval: only padding (< 8 bits) may remain, and
    /// a marker must follow. Returns the marker's position.
    fn finish(&mut self) -> Result<usize, String> {
        self.refill();
        match self.end {
            Some(end) if self.real() < 8 => Ok(end),
            _ => Err(format!(
                "JPEG image data is corrupt: extra data after the last block of a scan \
                 (before byte {})",
                self.pos
            )),
        }
    }
}

/// Ran out of bits, or met a code no table holds.
#[derive(Debug)]
struct Short;

#[derive(Clone, Copy, Debug)]
struct Component {
    id: u8,
    h: usize,
    v: usize,
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
}

/// Walks every scan of `bytes` (a whole JPEG) and checks completeness; see the module docs.
pub(crate) fn verify(bytes: &[u8]) -> Result<(), String> {
    let mut dc: [Option<Huffman>; 4] = Default::default();
    let mut ac: [Option<Huffman>; 4] = Default::default();
    let mut restart = 0usize;
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
            0xC4 => read_dht(seg, &mut dc, &mut ac)?,
            0xDD => {
                restart = usize::from(u16::from_be_bytes([
                    *seg.first().ok_or("DRI is empty")?,
                    *seg.get(1).ok_or("DRI is cut short")?,
                ]));
            }
            0xC0..=0xC2 => {
                if frame.is_some() {
                    return Err("JPEG has a second frame header (SOF)".into());
                }
                let f = read_sof(seg, marker == 0xC2)?;
                cov = Some(Coverage {
                    scanned: vec![false; f.comps.len()],
                    al: vec![[None; 64]; f.comps.len()],
                    nonzero: if f.progressive {
                        f.comps.iter().map(|c| vec![0u64; c.bw * c.bh]).collect()
                    } else {
                        Vec::new()
                    },
                });
                frame = Some(f);
            }
            0xC3 | 0xC5..=0xC7 | 0xC9..=0xCB | 0xCD..=0xCF => {
                return Err(format!(
                    "JPEG coding process SOF{} (lossless, hierarchical or arithmetic) \
                     cannot be verified",
                    marker - 0xC0
                ));
            }
            0xDA => {
                let (Some(f), Some(c)) = (&frame, &mut cov) else {
                    return Err("JPEG has image data (SOS) before its frame header".into());
                };
                let scan = Scan::read(seg, f, &dc, &ac)?;
                at = scan.walk(bytes, at, f, c, restart)?;
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
    complete(&f, &c)
}

fn read_dht(
    mut seg: &[u8],
    dc: &mut [Option<Huffman>; 4],
    ac: &mut [Option<Huffman>; 4],
) -> Result<(), String> {
    while !seg.is_empty() {
        let class_id = seg[0];
        let counts: [u8; 16] =
            seg.get(1..17).and_then(|c| c.try_into().ok()).ok_or("DHT is cut short")?;
        let n: usize = counts.iter().map(|&c| usize::from(c)).sum();
        let values = seg.get(17..17 + n).ok_or("DHT is cut short")?;
        let table = Huffman::new(&counts, values)?;
        let id = usize::from(class_id & 0x0F);
        match (class_id >> 4, id) {
            (0, 0..=3) => dc[id] = Some(table),
            (1, 0..=3) => ac[id] = Some(table),
            _ => return Err(format!("DHT names table {class_id:#04x}, which does not exist")),
        }
        seg = &seg[17 + n..];
    }
    Ok(())
}

fn read_sof(seg: &[u8], progressive: bool) -> Result<Frame, String> {
    let [_, h1, h0, w1, w0, n, ..] = *seg else { return Err("SOF is cut short".into()) };
    let (height, width) =
        (usize::from(u16::from_be_bytes([h1, h0])), usize::from(u16::from_be_bytes([w1, w0])));
    if width == 0 || height == 0 {
        return Err("JPEG frame has zero width or height (DNL is not supported)".into());
    }
    let mut comps = Vec::new();
    for i in 0..usize::from(n) {
        let c = seg.get(6 + 3 * i..9 + 3 * i).ok_or("SOF is cut short")?;
        let (h, v) = (usize::from(c[1] >> 4), usize::from(c[1] & 15));
        if !(1..=4).contains(&h) || !(1..=4).contains(&v) {
            return Err(format!("JPEG component {} has sampling factors {h}×{v}", c[0]));
        }
        comps.push(Component { id: c[0], h, v, bw: 0, bh: 0 });
    }
    if comps.is_empty() {
        return Err("JPEG frame has no components".into());
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
    ss: usize,
    se: usize,
    ah: u8,
    al: u8,
}

impl<'t> Scan<'t> {
    fn read(
        seg: &[u8],
        f: &Frame,
        dc: &'t [Option<Huffman>; 4],
        ac: &'t [Option<Huffman>; 4],
    ) -> Result<Scan<'t>, String> {
        let n = usize::from(*seg.first().ok_or("SOS is empty")?);
        let tail = seg.get(1 + 2 * n..4 + 2 * n).ok_or("SOS is cut short")?;
        let (ss, se, ah, al) =
            (usize::from(tail[0]), usize::from(tail[1]), tail[2] >> 4, tail[2] & 15);
        let mut comps = Vec::new();
        for i in 0..n {
            let (id, tables) = (seg[1 + 2 * i], seg[2 + 2 * i]);
            let index = f
                .comps
                .iter()
                .position(|c| c.id == id)
                .ok_or_else(|| format!("SOS names component {id}, which the frame lacks"))?;
            let (td, ta) = (usize::from(tables >> 4), usize::from(tables & 15));
            comps.push((
                index,
                dc.get(td).and_then(Option::as_ref),
                ac.get(ta).and_then(Option::as_ref),
            ));
        }
        if comps.is_empty() || comps.len() > 4 {
            return Err(format!("SOS lists {n} components"));
        }
        if f.progressive {
            let bad = se > 63 || ss > se || (ss == 0 && se != 0) || (ss > 0 && n != 1);
            if bad {
                return Err(format!("progressive scan has a bad spectral band {ss}..{se}"));
            }
        }
        let (ss, se) = if f.progressive { (ss, se) } else { (0, 63) };
        let scan = Scan { comps, ss, se, ah, al };
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
            }
            let res = if interleaved {
                let (mx, my) = (m % mcus_x, m / mcus_x);
                self.comps.iter().try_for_each(|&(ci, d, a)| {
                    let c = &f.comps[ci];
                    for v in 0..c.v {
                        for h in 0..c.h {
                            let (bx, by) = (mx * c.h + h, my * c.v + v);
                            let block = (bx < c.bw && by < c.bh).then(|| by * c.bw + bx);
                            self.block(&mut bits, f, cov, &mut eobrun, ci, d, a, block)?;
                        }
                    }
                    Ok(())
                })
            } else {
                let (ci, d, a) = self.comps[0];
                self.block(&mut bits, f, cov, &mut eobrun, ci, d, a, Some(m))
            };
            res.map_err(|_: Short| short(m))?;
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

    #[allow(clippy::too_many_arguments)]
    fn block(
        &self,
        bits: &mut Bits,
        f: &Frame,
        cov: &mut Coverage,
        eobrun: &mut u32,
        ci: usize,
        dc: Option<&Huffman>,
        ac: Option<&Huffman>,
        block: Option<usize>,
    ) -> Result<(), Short> {
        if !f.progressive {
            let (dc, ac) = (dc.ok_or(Short)?, ac.ok_or(Short)?);
            let t = bits.decode(dc)?;
            bits.consume(u32::from(t.min(16)))?;
            let mut k = 1;
            while k < 64 {
                let rs = bits.decode(ac)?;
                let (r, s) = (usize::from(rs >> 4), u32::from(rs & 15));
                if s == 0 {
                    if r != 15 {
                        break;
                    }
                    k += 16;
                    continue;
                }
                k += r;
                bits.consume(s)?;
                k += 1;
            }
            return Ok(());
        }
        if self.ss == 0 {
            return if self.ah == 0 {
                let t = bits.decode(dc.ok_or(Short)?)?;
                bits.consume(u32::from(t.min(16)))
            } else {
                bits.consume(1)
            };
        }
        // AC scans are never interleaved, so `block` is always a real block.
        let nz = block.and_then(|b| cov.nonzero[ci].get_mut(b)).ok_or(Short)?;
        let ac = ac.ok_or(Short)?;
        if self.ah == 0 {
            ac_first(bits, ac, self.ss, self.se, nz, eobrun)
        } else {
            ac_refine(bits, ac, self.ss, self.se, nz, eobrun)
        }
    }
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
        let rs = bits.decode(ac)?;
        let (r, s) = (u32::from(rs >> 4), u32::from(rs & 15));
        if s == 0 {
            if r < 15 {
                *eobrun = (1 << r) - 1 + bits.bits(r)?;
                break;
            }
            k += 16;
            continue;
        }
        k += r as usize;
        bits.consume(s)?;
        if k < 64 {
            *nz |= 1 << k;
        }
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
            let rs = bits.decode(ac)?;
            let (mut r, s) = (i32::from(rs >> 4), rs & 15);
            if s != 0 {
                bits.consume(1)?;
            } else if r != 15 {
                *eobrun = (1 << r) + bits.bits(r as u32)?;
                break;
            }
            while k <= se {
                if *nz & (1 << k) != 0 {
                    bits.consume(1)?;
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
                bits.consume(1)?;
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

#[cfg(test)]
mod tests {
    use super::Huffman;

    #[test]
    fn an_over_full_huffman_table_is_an_error_not_a_panic() {
        // Three codes of length 1 cannot exist; found by fuzzing (issue #8).
        let mut counts = [0u8; 16];
        counts[0] = 3;
        let err = Huffman::new(&counts, &[1, 2, 3]).err().unwrap();
        assert!(err.contains("more codes than fit"), "{err}");
        // 512 codes of length 9 overflow the 9-bit lookup the same way.
        let (mut counts, values) = ([0u8; 16], vec![0u8; 600]);
        counts[8] = 255;
        counts[7] = 255;
        assert!(Huffman::new(&counts, &values).is_err());
        counts[7] = 1;
        assert!(Huffman::new(&counts, &values).is_ok());
    }
}
