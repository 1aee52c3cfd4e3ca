//! JPEG entropy-coded bits: the Huffman tables and the bit reader of the scan walk.
//!
//! [`super::jpeg_scan`] proves a JPEG complete by decoding every Huffman symbol of every
//! block (issue #3); since issue #7 that walk is the whole integrity proof of a JPEG, so
//! its speed is the speed of `vouch check` on JPEG pages. What makes it fast: the reader
//! refills eight bytes at a time when they hold no `FF` (only a stuffed `FF 00` or a
//! marker needs the byte-wise path), a symbol and its magnitude bits are consumed in one
//! step from a 10-bit lookup (the walk needs a coefficient's size, never its value, except
//! for DC), in a sequential block most lookups take two symbols at once ([`pairs`]), and
//! the sequential block loop keeps the bit buffer in registers. Reading past
//! the segment's end is not checked per symbol: the reader then feeds fill bits and
//! remembers it, and the walk asks [`Bits::overrun`] once per MCU, so a truncated scan is
//! still refused at the MCU where its data ran out. Strictness is libjpeg's or more: a table libjpeg refuses is refused
//! here (too many symbols, a code space filled up to its reserved all-ones code, a DC
//! symbol over 15), and a bit past the end of the segment is never handed out.

/// Lookup bits of the fast table.
const FAST_BITS: u32 = 10;

/// A Huffman table as a fast lookup plus the canonical per-length limits.
#[derive(Clone)]
pub(super) struct Huffman {
    /// For a `FAST_BITS` prefix: `advance << 16 | symbol << 8 | bits`, 0 when the code is
    /// longer (`bits` in the low byte, so the shift that consumes them needs no masking:
    /// that shift is on the decoder's critical path). `bits` is the code length, plus (AC tables) the `symbol & 15` magnitude bits
    /// after it; `advance` is what the symbol moves a sequential block's coefficient index
    /// by (see [`advance`]).
    fast: Box<[u32; 1 << FAST_BITS]>,
    /// For a `FAST_BITS` prefix: up to two AC symbols of a sequential block at once (see
    /// [`pairs`]), 0 when the first code is longer.
    pair: Box<[u32; 1 << FAST_BITS]>,
    /// Largest code of each length 1..=16 (`-1` where there is none).
    maxcode: [i32; 18],
    /// Index into `values` of the first code of each length, minus that code.
    delta: [i32; 17],
    values: Vec<u8>,
}

impl Huffman {
    /// Builds a table from a DHT's 16 counts and its symbols; `dc` tables may only hold
    /// magnitude categories 0..=15.
    pub(super) fn new(counts: &[u8; 16], values: &[u8], dc: bool) -> Result<Huffman, String> {
        let bad = |why: &str| format!("a Huffman table is invalid: {why}");
        let total: usize = counts.iter().map(|&c| usize::from(c)).sum();
        if total > 256 || values.len() < total {
            return Err(bad("it lists more codes than symbols"));
        }
        if dc && values[..total].iter().any(|&v| v > 15) {
            return Err(bad("a DC symbol is over 15"));
        }
        let mut fast = Box::new([0u32; 1 << FAST_BITS]);
        let mut lens = [0u8; 1 << FAST_BITS];
        let (mut maxcode, mut delta) = ([-1i32; 18], [0i32; 17]);
        maxcode[17] = i32::MAX; // sentinel: the slow search always ends
        let (mut code, mut k) = (0i32, 0usize);
        for len in 1..=16u32 {
            let n = usize::from(counts[len as usize - 1]);
            delta[len as usize] = k as i32 - code;
            for _ in 0..n {
                let symbol = values[k];
                // Checked before the code indexes the fast table: an over-full table
                // would index past it (found by fuzzing, testdata/fuzz/jpeg).
                if code >= (1 << len) {
                    return Err(bad("its codes do not fit their lengths"));
                }
                if len <= FAST_BITS {
                    let shift = FAST_BITS - len;
                    let first = (code as usize) << shift;
                    // A DC symbol (≤ 15) is itself the count of bits after the code.
                    let extra = u32::from(symbol & 15);
                    let entry = advance(symbol) << 16 | u32::from(symbol) << 8 | (len + extra);
                    fast[first..first + (1 << shift)].fill(entry);
                    lens[first..first + (1 << shift)].fill(len as u8);
                }
                code += 1;
                k += 1;
            }
            if n > 0 {
                maxcode[len as usize] = code - 1;
                // As libjpeg: no code may be all ones, so the space never fills up.
                if code >= (1 << len) {
                    return Err(bad("its codes do not fit their lengths"));
                }
            }
            code <<= 1;
        }
        maxcode[17] = i32::MAX;
        let pair = pairs(&fast, &lens, dc);
        Ok(Huffman { fast, pair, maxcode, delta, values: values[..k].to_vec() })
    }

    /// As `entry`, in the form of the `pair` table (`a1 << 24 | a << 16 | l1 << 8 | l`: the
    /// first symbol's advance `a1` and bits `l1`, both symbols' advance `a` and bits `l`).
    /// 0 when the first code is longer than `FAST_BITS`: see [`Huffman::long_pair`].
    #[inline(always)]
    fn pair(&self, acc: u64) -> u32 {
        self.pair[(acc >> (64 - FAST_BITS)) as usize]
    }

    /// A code longer than `FAST_BITS` as a `pair` entry of one symbol.
    #[inline(always)]
    fn long_pair(&self, acc: u64) -> Option<u32> {
        self.slow(acc).map(|(bits, sym)| single(advance(sym), bits))
    }

    /// The symbol at the top of `acc` and the bits it takes (as `fast`), or `None` if no
    /// code matches.
    #[inline(always)]
    fn lookup(&self, acc: u64) -> Option<(u32, u8)> {
        let e = self.fast[(acc >> (64 - FAST_BITS)) as usize];
        if e != 0 { Some((e & 0xFF, (e >> 8) as u8)) } else { self.slow(acc) }
    }

    /// As `lookup`, the whole entry (`advance << 16 | symbol << 8 | bits`).
    #[inline(always)]
    fn entry(&self, acc: u64) -> Option<u32> {
        let e = self.fast[(acc >> (64 - FAST_BITS)) as usize];
        if e != 0 {
            Some(e)
        } else {
            self.slow(acc).map(|(bits, sym)| advance(sym) << 16 | u32::from(sym) << 8 | bits)
        }
    }

    /// Codes longer than `FAST_BITS`.
    #[inline(never)]
    fn slow(&self, acc: u64) -> Option<(u32, u8)> {
        let code16 = (acc >> 48) as i32;
        let mut len = FAST_BITS as usize + 1;
        while (code16 >> (16 - len.min(16))) > self.maxcode[len] {
            len += 1;
        }
        if len > 16 {
            return None;
        }
        let symbol = self.values[((code16 >> (16 - len)) + self.delta[len]) as usize];
        let extra = u32::from(symbol & 15);
        Some((len as u32 + extra, symbol))
    }
}

/// A `pair` entry for one symbol alone: advance `a`, bits `l`.
const fn single(a: u32, l: u32) -> u32 {
    a << 24 | a << 16 | l << 8 | l
}

/// The `pair` table: where a prefix's first symbol (with its magnitude bits) leaves the
/// whole code of a second within the `FAST_BITS`, and is not an end-of-block, one lookup
/// consumes both, so the walk's serial chain (lookup, shift, lookup) runs once per two
/// symbols on most of a page (issue #7). The second symbol's magnitude bits may lie past
/// the prefix, as a single entry's do; at most 25 bits are consumed. The first symbol's
/// own advance and bits let the walk take it alone when it ends the block, so the second
/// (the next block's DC) is never consumed with it.
fn pairs(
    fast: &[u32; 1 << FAST_BITS],
    lens: &[u8; 1 << FAST_BITS],
    dc: bool,
) -> Box<[u32; 1 << FAST_BITS]> {
    let mut pair = Box::new([0u32; 1 << FAST_BITS]);
    for (i, p) in pair.iter_mut().enumerate() {
        let e = fast[i];
        if e == 0 {
            continue;
        }
        let (a1, l1) = (e >> 16, e & 0xFF);
        *p = single(a1, l1);
        if dc || a1 >= 64 || l1 >= FAST_BITS {
            continue;
        }
        let rest = (i << l1) & ((1 << FAST_BITS) - 1);
        let e2 = fast[rest];
        if e2 != 0 && u32::from(lens[rest]) <= FAST_BITS - l1 {
            let (a2, l2) = (e2 >> 16, e2 & 0xFF);
            *p = a1 << 24 | (a1 + a2) << 16 | l1 << 8 | (l1 + l2);
        }
    }
    pair
}

/// How far an AC symbol moves a sequential block's coefficient index: past its run and
/// the coefficient (`r + 1`), 16 for a run of zeros (ZRL), [`EOB`] for end-of-block. An
/// index of exactly 64 after a step ends the block; one above 64 but below `EOB` ran past
/// the last coefficient.
fn advance(symbol: u8) -> u32 {
    match (symbol >> 4, symbol & 15) {
        (15, 0) => 16,
        (_, 0) => EOB,
        (r, _) => u32::from(r) + 1,
    }
}

/// The advance of end-of-block: any index at or past it means the block ended on an EOB.
const EOB: u32 = 128;

/// Ran out of bits, or met a code no table holds (or data no valid encoder writes).
#[derive(Debug)]
pub(super) struct Short;

/// Bits of one entropy-coded segment: unstuffs `FF 00`, stops at a marker, and refuses to
/// hand out a bit that is not in the file. `Copy` so that the byte-wise refill can take and
/// return it by value: no out-of-line call borrows a reader, and the compiler keeps a local
/// one in registers (issue #7).
#[derive(Clone, Copy)]
pub(super) struct Bits<'a> {
    data: &'a [u8],
    pos: usize,
    /// Bits, most significant first; bits below the `n` held are zero.
    acc: u64,
    /// Bits held in `acc`, counting the fill bits after the data ends.
    n: u32,
    /// Of those, fill bits (ones) that stand for nothing in the file.
    fill: u32,
    /// Position of the marker (its first `FF`) that ends the segment, or the end of file.
    end: Option<usize>,
}

/// True if any byte of `w` is `FF`.
fn has_ff(w: u64) -> bool {
    let x = !w;
    x.wrapping_sub(0x0101_0101_0101_0101) & !x & 0x8080_8080_8080_8080 != 0
}

impl<'a> Bits<'a> {
    /// A reader starting at `pos` in `data`.
    pub(super) fn new(data: &'a [u8], pos: usize) -> Self {
        Bits { data, pos, acc: 0, n: 0, fill: 0, end: None }
    }

    /// Tops the accumulator up to more than 56 bits (fill bits past the end): eight bytes
    /// at once where they hold no `FF`, else byte by byte.
    #[inline(always)]
    fn refill(&mut self) {
        if self.end.is_none()
            && self.n <= 56
            && let Some(w) = self.data.get(self.pos..self.pos + 8)
        {
            let word = u64::from_be_bytes(w.try_into().unwrap_or([0xFF; 8]));
            if !has_ff(word) {
                let k = (64 - self.n) / 8;
                let chunk = word >> (64 - 8 * k);
                self.acc |= chunk << (64 - self.n - 8 * k);
                self.pos += k as usize;
                self.n += 8 * k;
                return;
            }
        }
        *self = self.refill_bytes();
    }

    #[inline(never)]
    fn refill_bytes(mut self) -> Self {
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
        self
    }

    /// At least 32 bits held (fill bits past the end), enough for a code and its bits.
    #[inline(always)]
    fn ensure(&mut self) {
        if self.n < 32 {
            self.refill();
        }
    }

    /// True once a bit past the end of the segment was consumed: the data ran out.
    #[inline(always)]
    pub(super) fn overrun(&self) -> bool {
        self.n < self.fill
    }

    /// Consumes `k` (≤ 16) bits and returns them.
    pub(super) fn bits(&mut self, k: u32) -> Result<u32, Short> {
        if k == 0 {
            return Ok(0);
        }
        self.ensure();
        let v = (self.acc >> (64 - k)) as u32;
        self.acc <<= k;
        self.n -= k;
        Ok(v)
    }

    /// Decodes an AC symbol and consumes it with the `symbol & 15` magnitude bits that
    /// follow (an AC coefficient; a refinement's correction bit). Returns the symbol.
    #[inline(always)]
    pub(super) fn ac(&mut self, t: &Huffman) -> Result<u8, Short> {
        self.ensure();
        let (k, rs) = t.lookup(self.acc).ok_or(Short)?;
        self.acc <<= k;
        self.n -= k;
        Ok(rs)
    }

    /// Decodes a DC difference: a magnitude category and its bits, sign-extended. Without
    /// a branch on the bits: their sign is a coin toss the predictor would lose.
    #[inline(always)]
    pub(super) fn dc(&mut self, t: &Huffman) -> Result<i32, Short> {
        self.ensure();
        let (bits, s) = t.lookup(self.acc).ok_or(Short)?;
        let s = u32::from(s); // ≤ 15: checked when the table was built
        // The magnitude bits end the `bits` (code and magnitude) consumed.
        let v = ((self.acc >> (64 - bits)) as i32) & ((1 << s) - 1);
        self.acc <<= bits;
        self.n -= bits;
        // Below half the category's range: negative (`v - 2^s + 1`); s = 0 gives 0.
        let negative = (v - ((1 << s) >> 1)) >> 31;
        Ok(v + (negative & ((-1 << s) + 1)))
    }

    /// Consumes a DC difference whose value is not wanted (a chroma block's).
    #[inline(always)]
    pub(super) fn skip_dc(&mut self, t: &Huffman) -> Result<(), Short> {
        self.ensure();
        let (bits, _) = t.lookup(self.acc).ok_or(Short)?;
        self.acc <<= bits;
        self.n -= bits;
        Ok(())
    }

    /// The 63 AC coefficients of a sequential block, with the bit buffer in registers.
    /// Refuses a run past the last coefficient, which no encoder writes (libjpeg ignores
    /// it silently).
    #[inline(always)]
    pub(super) fn sequential_ac(&mut self, t: &Huffman) -> Result<(), Short> {
        let (mut acc, mut n) = (self.acc, self.n);
        let mut k = 1u32;
        // One data-dependent branch per lookup (the loop's): the table says how far each
        // symbol moves `k`, EOB moving it past 64 at once; a lookup takes two symbols
        // unless the first ends the block.
        let res = loop {
            // A pair entry takes at most 25 bits; only a long code (up to 31 with its
            // magnitude bits) needs more held, so fewer refills (a branch the predictor
            // often loses) than at 32.
            if n < 25 {
                (self.acc, self.n) = (acc, n);
                self.refill();
                (acc, n) = (self.acc, self.n);
            }
            let mut e = t.pair(acc);
            if e == 0 {
                (self.acc, self.n) = (acc, n);
                self.ensure();
                (acc, n) = (self.acc, self.n);
                let Some(long) = t.long_pair(acc) else { break Err(Short) };
                e = long;
            }
            if k + (e >> 24) >= 64 {
                e = single(e >> 24, (e >> 8) & 0xFF);
            }
            // Bits ≤ 31 sit in the low byte: `wrapping_shl` masks to 6 bits, one instruction.
            acc = acc.wrapping_shl(e);
            n -= e & 0xFF;
            k += (e >> 16) & 0xFF;
            if k >= 64 {
                break if k == 64 || k >= EOB { Ok(()) } else { Err(Short) };
            }
        };
        (self.acc, self.n) = (acc, n);
        res
    }

    /// As [`Bits::sequential_ac`], also adding up the block's dequantized AC magnitudes
    /// (quantization table `q`, zigzag order) in the low and mid bands of
    /// [`crate::inspect::quality::AcStats`]: the blur evidence of issue #10. A symbol's magnitude
    /// bits are the last `symbol & 15` of the bits its entry consumes, so reading them
    /// costs a shift and a mask. One symbol per lookup (the `fast` table): a pair entry
    /// keeps neither symbol's size nor the first one's magnitude bits. Kept apart from
    /// [`Bits::sequential_ac`] for that reason; it runs on one luma block row in 16.
    #[inline(always)]
    pub(super) fn sequential_ac_bands(
        &mut self,
        t: &Huffman,
        q: &[u16; 64],
    ) -> Result<(u64, u64, u64), Short> {
        use crate::inspect::quality::{LOW_END, MID_END};
        // Band of each zigzag index: 0 none, 1 low, 2 mid (branch-free accumulation).
        const BAND: [usize; 64] = {
            let mut band = [0; 64];
            let mut k = 1;
            while k <= MID_END {
                band[k] = if k <= LOW_END { 1 } else { 2 };
                k += 1;
            }
            band
        };
        let (mut acc, mut n) = (self.acc, self.n);
        let mut k = 1u32;
        let mut sums = [0u64; 3];
        // Energy of all 63 AC coefficients: 64 × the block's pixel variance (issue #15).
        let mut energy = 0u64;
        let res = loop {
            if n < 32 {
                (self.acc, self.n) = (acc, n);
                self.refill();
                (acc, n) = (self.acc, self.n);
            }
            let Some(e) = t.entry(acc) else { break Err(Short) };
            let (len, s, step) = (e & 0xFF, (e >> 8) & 15, e >> 16);
            // The magnitude bits end the `len` bits consumed; an EOB or ZRL (s = 0) adds 0.
            let mask = (1u32 << s) - 1;
            let v = ((acc >> (64 - len)) as u32) & mask;
            let mag = if (v << 1) > mask { v } else { mask - v };
            let at = ((k + step - 1) as usize).min(63);
            let value = u64::from(mag) * u64::from(q[at]);
            sums[BAND[at]] += value;
            energy += value * value;
            acc = acc.wrapping_shl(e);
            n -= len;
            k += step;
            if k >= 64 {
                break if k == 64 || k >= EOB {
                    Ok((sums[1], sums[2], energy))
                } else {
                    Err(Short)
                };
            }
        };
        (self.acc, self.n) = (acc, n);
        res
    }

    /// At the end of a scan or restart interval: only padding (< 8 bits) may remain, and
    /// a marker must follow. Returns the marker's position.
    #[inline]
    pub(super) fn finish(&mut self) -> Result<usize, String> {
        self.refill();
        if self.overrun() {
            return Err("JPEG image data is truncated: a scan ends before its last block".into());
        }
        match self.end {
            Some(end) if self.n - self.fill < 8 => Ok(end),
            _ => Err(format!(
                "JPEG image data is corrupt: extra data after the last block of a scan \
                 (before byte {})",
                self.pos
            )),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Two symbols of length 2 (`00` → 0x01, `01` → 0x12) and one of length 3 (`100` → 0).
    fn table() -> Huffman {
        let mut counts = [0u8; 16];
        counts[1] = 2;
        counts[2] = 1;
        Huffman::new(&counts, &[0x01, 0x12, 0x00], false).unwrap()
    }

    #[test]
    fn symbols_and_magnitude_bits_are_consumed_together() {
        // 01 (0x12: run 1, 2 bits) 11, then 00 (0x01: 1 bit) 1, then 100 (EOB), padding 1s.
        let data = [0b0111_0011, 0b0011_1111, 0xFF, 0xD9];
        let mut b = Bits::new(&data, 0);
        assert_eq!(b.ac(&table()).unwrap(), 0x12);
        assert_eq!(b.ac(&table()).unwrap(), 0x01);
        assert_eq!(b.ac(&table()).unwrap(), 0x00);
        assert_eq!(b.finish(), Ok(2));
    }

    #[test]
    fn dc_differences_are_sign_extended() {
        let mut counts = [0u8; 16];
        counts[1] = 3; // 00 → 0, 01 → 2, 10 → 3
        let t = Huffman::new(&counts, &[0, 2, 3], true).unwrap();
        // 01 00 (-3), 10 111 (+7), 00 (0)
        let data = [0b0100_1011, 0b1000_0000, 0xFF, 0xD9];
        let mut b = Bits::new(&data, 0);
        assert_eq!([b.dc(&t).unwrap(), b.dc(&t).unwrap(), b.dc(&t).unwrap()], [-3, 7, 0]);
    }

    #[test]
    fn a_bit_past_the_marker_is_an_overrun() {
        let data = [0b0111_0000, 0xFF, 0xD9];
        let mut b = Bits::new(&data, 0);
        assert_eq!(b.ac(&table()).unwrap(), 0x12);
        assert!(b.bits(4).is_ok());
        assert!(!b.overrun());
        assert_eq!(b.finish(), Ok(1));
        let mut b = Bits::new(&data, 0);
        assert_eq!(b.ac(&table()).unwrap(), 0x12);
        assert!(b.bits(5).is_ok());
        assert!(b.overrun());
        assert!(b.finish().is_err());
    }

    #[test]
    fn stuffed_ff_is_unstuffed_in_the_word_path_and_the_byte_path() {
        // Eight plain bytes (fast path), then FF 00 (byte path), then a marker.
        let mut data = vec![0x55; 8];
        data.extend([0xFF, 0x00, 0xAA, 0xFF, 0xD9]);
        let mut b = Bits::new(&data, 0);
        for _ in 0..8 {
            assert_eq!(b.bits(8).unwrap(), 0x55);
        }
        assert_eq!((b.bits(8).unwrap(), b.bits(8).unwrap()), (0xFF, 0xAA));
        assert!(!b.overrun());
        assert_eq!(b.finish(), Ok(11));
        b.bits(1).unwrap();
        assert!(b.overrun());
    }

    #[test]
    fn tables_libjpeg_refuses_are_refused() {
        let mut full = [0u8; 16];
        full[0] = 2; // codes 0 and 1: the all-ones code is used
        assert!(Huffman::new(&full, &[0, 1], false).is_err());
        let mut ok = [0u8; 16];
        ok[1] = 3;
        assert!(Huffman::new(&ok, &[0, 1, 16], true).is_err(), "DC symbol over 15");
        assert!(Huffman::new(&ok, &[0, 1, 16], false).is_ok());
        assert!(Huffman::new(&ok, &[0, 1], false).is_err(), "too few symbols");
    }

    /// The luma AC code lengths of the JPEG standard (K.5), with 162 symbols (every run
    /// with sizes 1 to 10, EOB and ZRL), the shortest codes as usual.
    fn standard_ac() -> Huffman {
        let counts = [0, 2, 1, 3, 3, 2, 4, 3, 5, 5, 4, 4, 0, 0, 1, 0x7d];
        let mut values = vec![0x01, 0x02, 0x03, 0x00, 0x04, 0x11, 0x05, 0x12, 0x21, 0xF0];
        for rs in (0..=255u8).filter(|rs| (1..=10).contains(&(rs & 15))) {
            if !values.contains(&rs) {
                values.push(rs);
            }
        }
        Huffman::new(&counts, &values, false).unwrap()
    }

    /// A block decoded one symbol at a time, as the pair table must agree with.
    fn one_by_one(b: &mut Bits, t: &Huffman) -> Result<(), Short> {
        let mut k = 1;
        loop {
            k += advance(b.ac(t)?);
            if k >= 64 {
                return if k == 64 || k >= EOB { Ok(()) } else { Err(Short) };
            }
        }
    }

    #[test]
    fn two_symbols_a_lookup_decode_as_one_at_a_time() {
        let t = standard_ac();
        let mut seed = 0x9E37_79B9_7F4A_7C15u64;
        let (mut ends, mut errors) = (0, 0);
        for round in 0..300 {
            let data: Vec<u8> = (0..2048)
                .map(|_| {
                    seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
                    // Skewed to short codes (many zero bits), so blocks often end well.
                    let r = (seed >> 33) as u8;
                    if round % 2 == 0 { r & (seed >> 45) as u8 } else { r }
                })
                .collect();
            let (mut a, mut b) = (Bits::new(&data, 0), Bits::new(&data, 0));
            for block in 0..400u32 {
                let (x, y) = (a.sequential_ac(&t), one_by_one(&mut b, &t));
                assert_eq!(x.is_ok(), y.is_ok(), "round {round} block {block}");
                if x.is_err() {
                    errors += 1;
                    break;
                }
                ends += 1;
                // The same bit of the data next (the two may have refilled apart).
                let at = |r: &Bits| 8 * r.pos as u64 + u64::from(r.fill) - u64::from(r.n);
                assert_eq!(at(&a), at(&b), "round {round} block {block}");
                let skip = block % 5; // as a DC difference would
                assert_eq!(a.bits(skip).unwrap(), b.bits(skip).unwrap());
            }
        }
        assert!(ends > 1000 && errors > 10, "{ends} blocks, {errors} errors");
    }

    #[test]
    fn long_codes_take_the_slow_path() {
        // One code of each length 1..=12: 0, 10, 110, ..., 11111111110 (11), 111111111110.
        let mut counts = [0u8; 16];
        counts[..12].fill(1);
        let values: Vec<u8> = (0..12).collect();
        let t = Huffman::new(&counts, &values, false).unwrap();
        // Symbol 11: twelve bits 1111 1111 1110, then symbol 0: bit 0.
        let data = [0xFF, 0x00, 0xE0, 0x00, 0xFF, 0xD9];
        let mut b = Bits::new(&data, 0);
        assert_eq!(b.ac(&t).unwrap(), 11);
        assert_eq!(b.ac(&t).unwrap(), 0);
    }
}
