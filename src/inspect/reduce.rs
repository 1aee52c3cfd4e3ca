//! Reduced images: each decoded page at a small scale, for image-quality measures and
//! contact-sheet thumbnails, made by the decode that proves the page intact (no second
//! read, no full-resolution decode just for quality: issues #5 and #10).
//!
//! A JPEG gives its 1/8-scale image for free from the DC coefficients (see
//! [`super::jpeg_scan`]); other decoders downscale the pixels they already hold.

/// One page at reduced scale, greyscale: 0 is black, 255 white. For a JPEG, the first
/// component (luma) at 1/8 scale, one pixel per 8×8 block, from the DC coefficients alone
/// (as libjpeg's 1/8-scale decode); for other formats, a box-filtered downscale of the
/// decoded page.
#[derive(Clone, Debug, PartialEq)]
pub struct ReducedImage {
    /// Pixels across.
    pub width: u32,
    /// Pixels down.
    pub height: u32,
    /// 8-bit grey samples, row by row.
    pub pixels: Vec<u8>,
    /// For a baseline JPEG walked with quality measures on: AC statistics of its luma
    /// edge blocks, the evidence of blur that 1/8 scale cannot show (issue #10).
    pub sharpness: Option<crate::inspect::quality::AcStats>,
    /// Where the ink is darkest (issue #15): for a page reduced from its pixels, the
    /// darkest sample of each 8×8 block (same grid as `pixels`), so a 2 px stroke keeps
    /// its darkness however much paper its block holds; `None` where the decoder had
    /// only block means (a JPEG, whose blocks have `block_variance` instead; JPEG chunks
    /// inside a TIFF; planar colour).
    pub darkest: Option<Vec<u8>>,
    /// For a baseline JPEG: the pixel variance of the sampled luma blocks that hold
    /// something (index in `pixels`, variance), from their AC coefficients (the
    /// transform is orthonormal: the AC energy over 64 is the variance).
    pub block_variance: Option<Vec<(u32, u32)>>,
}

impl ReducedImage {
    /// An image of `width` × `height` grey samples, row by row. Decoders build reduced
    /// images only through this, so fields added later get their defaults in one place.
    pub fn new(width: u32, height: u32, pixels: Vec<u8>) -> ReducedImage {
        debug_assert_eq!(pixels.len() as u64, u64::from(width) * u64::from(height));
        ReducedImage { width, height, pixels, sharpness: None, darkest: None, block_variance: None }
    }
}

/// Side of the square of page pixels averaged into one reduced pixel: the JPEG DC
/// image's scale, so quality thresholds mean the same for every format.
pub(crate) const SCALE: u32 = 8;

/// Streams a page's grey samples into 8×8 block means, in whatever order the decoder
/// meets them (rows, strips, tiles, Adam7 passes). Holds one `u32` per reduced pixel
/// (1/16 of an 8-bit page), never a second full-size buffer. Samples are summed ×256 so
/// that planar RGB can add each plane with its luma weight; blocks at the right and
/// bottom edges average the pixels that exist.
pub(crate) struct Reducer {
    width: u32,
    height: u32,
    sums: Vec<u32>,
    /// The darkest sample of each block (see [`ReducedImage::darkest`]).
    mins: Vec<u8>,
    /// Whether `mins` holds real samples (false once a plane or a reduced tile came in).
    exact: bool,
    /// Blur evidence from the pixels of sampled block rows (issue #15).
    edges: crate::inspect::quality::EdgeSampler,
}

impl Reducer {
    /// A reducer for a `width` × `height` page (either may be 0: an empty image).
    pub(crate) fn new(width: u32, height: u32) -> Reducer {
        let cells = width.div_ceil(SCALE) as usize * height.div_ceil(SCALE) as usize;
        let edges = crate::inspect::quality::EdgeSampler::new(width);
        Reducer { width, height, sums: vec![0; cells], mins: vec![255; cells], exact: true, edges }
    }

    fn bw(&self) -> usize {
        self.width.div_ceil(SCALE) as usize
    }

    /// Adds grey samples of row `y`, the first at column `x0`, the next `step` columns
    /// further each; samples outside the page are ignored.
    pub(crate) fn add_row(&mut self, x0: u32, step: u32, y: u32, grey: &[u8]) {
        self.add_weighted(x0, step, y, grey, 256);
    }

    /// [`Reducer::add_row`] with each sample counted `weight`/256 (a planar plane's share
    /// of the luma).
    pub(crate) fn add_weighted(&mut self, x0: u32, step: u32, y: u32, grey: &[u8], weight: u32) {
        if y >= self.height || weight == 0 {
            return;
        }
        self.exact &= weight == 256;
        match weight == 256 {
            true => self.edges.row(y, x0, step, grey),
            // A plane's share of the grey is not the page's pixels.
            false => self.edges.disable(),
        }
        let (bw, row) = (self.bw(), (y / SCALE) as usize);
        let cells = &mut self.sums[row * bw..(row + 1) * bw];
        let mins = &mut self.mins[row * bw..(row + 1) * bw];
        if step <= 1 {
            // The common case, block by block rather than pixel by pixel.
            let (start, width) = (x0 as usize, self.width as usize);
            let grey = &grey[..grey.len().min(width.saturating_sub(start))];
            let mut x = start;
            let align = (SCALE as usize - start % SCALE as usize) % SCALE as usize;
            let (head, rest) = grey.split_at(align.min(grey.len()));
            for part in std::iter::once(head).chain(rest.chunks(SCALE as usize)) {
                if part.is_empty() {
                    continue;
                }
                let sum: u32 = part.iter().map(|&v| u32::from(v)).sum();
                let darkest = part.iter().copied().min().unwrap_or(255);
                let cell = &mut cells[x / SCALE as usize];
                *cell = cell.saturating_add(sum * weight);
                let min = &mut mins[x / SCALE as usize];
                *min = (*min).min(darkest);
                x += part.len();
            }
            return;
        }
        let step = step as usize;
        let xs = (x0 as usize..self.width as usize).step_by(step);
        for (x, &v) in xs.zip(grey) {
            let cell = &mut cells[x / SCALE as usize];
            *cell = cell.saturating_add(u32::from(v) * weight);
            let min = &mut mins[x / SCALE as usize];
            *min = (*min).min(v);
        }
    }

    /// Adds a reduced tile already at 1/8 scale (a JPEG chunk's DC image) whose top-left
    /// page pixel is (`x0`, `y0`): each of its pixels stands for an 8×8 square.
    pub(crate) fn add_reduced(&mut self, x0: u32, y0: u32, tile: &ReducedImage) {
        // Block means only: the darkest samples and the edges are unknown.
        self.exact = false;
        self.edges.disable();
        let w = tile.width as usize;
        let mut line = Vec::with_capacity(w * SCALE as usize);
        for (r, row) in tile.pixels.chunks(w.max(1)).enumerate() {
            line.clear();
            line.extend(row.iter().flat_map(|&v| [v; SCALE as usize]));
            for dy in 0..SCALE {
                let y = y0.saturating_add(r as u32 * SCALE + dy);
                self.add_row(x0, 1, y, &line);
            }
        }
    }

    /// The block means, rounded.
    pub(crate) fn finish(self) -> ReducedImage {
        let (bw, bh) = (self.width.div_ceil(SCALE), self.height.div_ceil(SCALE));
        let span = |i: u32, len: u32| (len - i * SCALE).min(SCALE);
        let mut pixels = Vec::with_capacity(self.sums.len());
        for by in 0..bh {
            for bx in 0..bw {
                let n = u64::from(span(bx, self.width) * span(by, self.height)) * 256;
                let sum = u64::from(self.sums[(by * bw + bx) as usize]);
                pixels.push(((sum + n / 2) / n).min(255) as u8);
            }
        }
        let darkest = self.exact.then_some(self.mins);
        let sharpness = self.edges.finish();
        ReducedImage { darkest, sharpness, ..ReducedImage::new(bw, bh, pixels) }
    }
}

/// How a row of samples maps to grey: the layout and meaning of the decoder's bytes.
#[derive(Clone, Debug)]
pub(crate) struct PixelFormat {
    /// Bits per sample: 1, 2, 4, 8 or 16.
    pub(crate) bits: u32,
    /// Samples per pixel, extra (alpha) samples included.
    pub(crate) samples: u32,
    /// What the samples mean.
    pub(crate) colour: Colour,
    /// 16-bit samples are little-endian (TIFF "II"); PNG and PDF are big-endian.
    pub(crate) little_endian: bool,
}

/// The colour model of samples, for grey conversion.
#[derive(Clone, Debug)]
pub(crate) enum Colour {
    /// One grey (or luma) sample first; `white_is_zero` inverts it (TIFF photometric 0).
    Grey { white_is_zero: bool },
    /// Red, green, blue first: BT.601 luma.
    Rgb,
    /// Cyan, magenta, yellow, black: approximated as (1 − K)(1 − luma(C, M, Y)).
    Cmyk,
    /// An index into a palette, given as the grey of each entry.
    Palette(Vec<u8>),
}

/// BT.601 luma of 8-bit RGB, with weights summing to 256.
pub(crate) fn luma(r: u8, g: u8, b: u8) -> u8 {
    ((77 * u32::from(r) + 150 * u32::from(g) + 29 * u32::from(b) + 128) >> 8) as u8
}

impl PixelFormat {
    /// Bytes one row of `width` pixels takes (rows start on a byte).
    pub(crate) fn row_bytes(&self, width: u32) -> usize {
        (u64::from(width) * u64::from(self.bits) * u64::from(self.samples)).div_ceil(8) as usize
    }

    /// Sample `i` of the row, raw (not scaled).
    fn raw(&self, row: &[u8], i: usize) -> u16 {
        match self.bits {
            16 => {
                let pair = [row.get(2 * i).copied(), row.get(2 * i + 1).copied()];
                let [a, b] = pair.map(Option::unwrap_or_default);
                u16::from(if self.little_endian { b } else { a })
            }
            8 => u16::from(row.get(i).copied().unwrap_or(0)),
            bits @ (1 | 2 | 4) => {
                let bit = i * bits as usize;
                let byte = row.get(bit / 8).copied().unwrap_or(0);
                let shift = 8 - bits as usize - bit % 8;
                u16::from((byte >> shift) & ((1u8 << bits) - 1))
            }
            _ => 0,
        }
    }

    /// Sample `i` scaled to 0..=255 (16-bit: its high byte).
    fn sample(&self, row: &[u8], i: usize) -> u8 {
        let v = self.raw(row, i);
        match self.bits {
            1 => (v * 255) as u8,
            2 => (v * 85) as u8,
            4 => (v * 17) as u8,
            _ => v as u8,
        }
    }

    /// The grey of each of the first `width` pixels of `row`, into `out` (cleared first).
    pub(crate) fn grey_row(&self, row: &[u8], width: u32, out: &mut Vec<u8>) {
        out.clear();
        let n = self.samples.max(1) as usize;
        let w = width as usize;
        // Fast paths for the layouts scans come in; the general loop below agrees.
        match (&self.colour, self.bits) {
            (Colour::Grey { white_is_zero }, 8) if row.len() >= w * n => {
                let flip = if *white_is_zero { 255 } else { 0 };
                out.extend(row.iter().step_by(n).take(w).map(|&v| v ^ flip));
                return;
            }
            (Colour::Rgb, 8) if row.len() >= w * n => {
                out.extend(row.chunks_exact(n).take(w).map(|p| luma(p[0], p[1], p[2])));
                return;
            }
            (Colour::Grey { white_is_zero }, 1) if n == 1 && row.len() * 8 >= w => {
                let flip = if *white_is_zero { 0xFF } else { 0 };
                for &byte in &row[..w.div_ceil(8)] {
                    let b = byte ^ flip;
                    out.extend((0..8).rev().map(|k| ((b >> k) & 1) * 255));
                }
                out.truncate(w);
                return;
            }
            _ => {}
        }
        for p in 0..width as usize {
            let s = |k: usize| self.sample(row, p * n + k.min(n - 1));
            out.push(match &self.colour {
                Colour::Grey { white_is_zero } => s(0) ^ if *white_is_zero { 255 } else { 0 },
                Colour::Rgb => luma(s(0), s(1), s(2)),
                Colour::Cmyk => {
                    let ink = u32::from(255 - luma(s(0), s(1), s(2)));
                    ((255 - u32::from(s(3))) * ink / 255) as u8
                }
                Colour::Palette(grey) => {
                    grey.get(usize::from(self.raw(row, p * n))).copied().unwrap_or(0)
                }
            });
        }
    }
}

/// A whole grey image of `width` × `height` (row-major, 8-bit) at 1/8 scale.
pub(crate) fn reduce_grey(width: u32, height: u32, grey: &[u8]) -> ReducedImage {
    let mut r = Reducer::new(width, height);
    for (y, row) in grey.chunks(width.max(1) as usize).take(height as usize).enumerate() {
        r.add_row(0, 1, y as u32, row);
    }
    r.finish()
}

/// Rows of raw samples (PDF image data, after Flate) at 1/8 scale. With `png`, each
/// row starts with a PNG filter-type byte and is unfiltered first (PDF Predictor ≥ 10);
/// a row cut short or a bad filter type ends the image there (the caller has already
/// refused such data; this never panics).
pub(crate) fn reduce_samples(
    data: &[u8],
    (width, height): (u32, u32),
    format: &PixelFormat,
    png: bool,
) -> ReducedImage {
    let row_bytes = format.row_bytes(width);
    let stride = row_bytes + usize::from(png);
    let bpp = (format.bits * format.samples).div_ceil(8).max(1) as usize;
    let (mut reducer, mut grey) = (Reducer::new(width, height), Vec::new());
    let (mut prev, mut cur) = (vec![0u8; row_bytes], vec![0u8; row_bytes]);
    for (y, raw) in data.chunks(stride.max(1)).take(height as usize).enumerate() {
        if raw.len() < stride {
            break;
        }
        let row = if png {
            cur.copy_from_slice(&raw[1..]);
            if !unfilter(raw[0], &mut cur, &prev, bpp) {
                break;
            }
            std::mem::swap(&mut cur, &mut prev);
            &prev[..]
        } else {
            raw
        };
        format.grey_row(row, width, &mut grey);
        reducer.add_row(0, 1, y as u32, &grey);
    }
    reducer.finish()
}

/// Undoes one PNG row filter in place; false for an unknown filter type.
fn unfilter(kind: u8, row: &mut [u8], prev: &[u8], bpp: usize) -> bool {
    let left = |row: &[u8], i: usize| if i >= bpp { row[i - bpp] } else { 0 };
    for i in 0..row.len() {
        let (a, b) = (left(row, i), prev[i]);
        let c = if i >= bpp { prev[i - bpp] } else { 0 };
        let predicted = match kind {
            0 => 0,
            1 => a,
            2 => b,
            3 => ((u16::from(a) + u16::from(b)) / 2) as u8,
            4 => paeth(a, b, c),
            _ => return false,
        };
        row[i] = row[i].wrapping_add(predicted);
    }
    true
}

fn paeth(a: u8, b: u8, c: u8) -> u8 {
    let p = i16::from(a) + i16::from(b) - i16::from(c);
    let (pa, pb, pc) =
        ((p - i16::from(a)).abs(), (p - i16::from(b)).abs(), (p - i16::from(c)).abs());
    if pa <= pb && pa <= pc {
        a
    } else if pb <= pc {
        b
    } else {
        c
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::super::testutil;
    use super::*;

    /// A `w` × `h` white page with a black square from (`x`, `y`), `side` pixels wide.
    pub(crate) fn square(w: u32, h: u32, (x, y, side): (u32, u32, u32)) -> Vec<u8> {
        let inside = |i, j| (x..x + side).contains(&i) && (y..y + side).contains(&j);
        (0..h).flat_map(|j| (0..w).map(move |i| if inside(i, j) { 0 } else { 255 })).collect()
    }

    #[test]
    fn a_black_square_reduces_to_black_blocks() {
        let r = reduce_grey(32, 24, &square(32, 24, (8, 8, 8)));
        assert_eq!((r.width, r.height), (4, 3));
        #[rustfmt::skip]
        let want = [255, 255, 255, 255,
                    255,   0, 255, 255,
                    255, 255, 255, 255];
        assert_eq!(r.pixels, want);
    }

    #[test]
    fn half_covered_blocks_and_ragged_edges_average_what_exists() {
        // 12 × 9: edge blocks are 4 wide and 1 high. The square covers columns 4..12.
        let r = reduce_grey(12, 9, &square(12, 9, (4, 0, 9)));
        assert_eq!((r.width, r.height), (2, 2));
        // Left blocks: half black (the bottom one 1 pixel high); right blocks: all black.
        assert_eq!(r.pixels, [128, 0, 128, 0]);
        let one = reduce_grey(1, 1, &[7]);
        assert_eq!((one.width, one.height, one.pixels), (1, 1, vec![7]));
        let empty = reduce_grey(0, 0, &[]);
        assert_eq!((empty.width, empty.height, empty.pixels.len()), (0, 0, 0));
    }

    #[test]
    fn each_block_keeps_its_darkest_sample_unless_given_block_means_only() {
        // One 2 px stroke of 20 in the first block of a 16 × 8 page of 240.
        let mut px = vec![240u8; 16 * 8];
        for y in 0..8 {
            px[y * 16 + 3..y * 16 + 5].fill(20);
        }
        let r = reduce_grey(16, 8, &px);
        assert_eq!((r.pixels.clone(), r.darkest), (vec![185, 240], Some(vec![20, 240])));
        let mut r = Reducer::new(16, 8);
        r.add_reduced(0, 0, &ReducedImage::new(2, 1, vec![185, 240]));
        assert_eq!(r.finish().darkest, None);
        let mut r = Reducer::new(16, 8);
        r.add_weighted(0, 1, 0, &[0; 16], 128);
        assert_eq!(r.finish().darkest, None, "a plane's share is not a sample");
    }

    #[test]
    fn rows_may_start_anywhere_and_skip_columns() {
        let mut r = Reducer::new(16, 1);
        r.add_row(0, 1, 0, &[255; 3]);
        r.add_row(3, 1, 0, &[0; 10]); // across the block boundary at 8
        r.add_row(13, 1, 0, &[255; 3]);
        assert_eq!(r.finish().pixels, [96, 96]);
        let mut r = Reducer::new(16, 1);
        r.add_row(0, 2, 0, &[255; 8]); // even columns (an Adam7 pass)
        r.add_row(1, 2, 0, &[0; 8]);
        assert_eq!(r.finish().pixels, [128, 128]);
    }

    #[test]
    fn stray_rows_and_samples_are_ignored() {
        let mut r = Reducer::new(10, 10);
        for y in 0..10 {
            r.add_row(0, 1, y, &[255; 40]); // longer than the row: the rest ignored
        }
        r.add_row(0, 1, 99, &[0; 10]);
        r.add_row(10, 1, 0, &[0; 10]);
        r.add_row(0, 1, 9, &[]);
        assert_eq!(r.finish().pixels, [255; 4]);
    }

    #[test]
    fn grey_conversion_of_every_colour_model() {
        let f =
            |bits, samples, colour, le| PixelFormat { bits, samples, colour, little_endian: le };
        let mut out = Vec::new();
        let bilevel = |wiz| f(1, 1, Colour::Grey { white_is_zero: wiz }, false);
        bilevel(true).grey_row(&[0b1000_0000], 2, &mut out);
        assert_eq!(out, [0, 255], "WhiteIsZero: a set bit is black ink");
        bilevel(false).grey_row(&[0b1000_0000], 2, &mut out);
        assert_eq!(out, [255, 0]);
        f(8, 3, Colour::Rgb, false).grey_row(&[255, 0, 0, 0, 0, 255], 2, &mut out);
        assert_eq!(out, [77, 29]);
        f(16, 1, Colour::Grey { white_is_zero: false }, true).grey_row(&[0x34, 0x12], 1, &mut out);
        assert_eq!(out, [0x12], "16-bit: the high byte, in the file's byte order");
        f(16, 1, Colour::Grey { white_is_zero: false }, false).grey_row(&[0x34, 0x12], 1, &mut out);
        assert_eq!(out, [0x34]);
        f(4, 1, Colour::Palette(vec![9; 3]), false).grey_row(&[0x2F], 2, &mut out);
        assert_eq!(out, [9, 0], "an index past the palette is black, not a panic");
        f(8, 4, Colour::Cmyk, false).grey_row(&[0, 0, 0, 0, 0, 0, 0, 255], 2, &mut out);
        assert_eq!(out, [255, 0]);
        f(8, 2, Colour::Grey { white_is_zero: false }, false).grey_row(&[200, 9], 1, &mut out);
        assert_eq!(out, [200], "alpha ignored");
    }

    /// The fixtures made from one 240 × 320 scanned page (testdata/formats/README.md),
    /// reduced by each decoder: (file, page).
    const GREY_PAGE: [(&str, u32); 7] = [
        ("baseline-grey-300dpi.jpg", 1),
        ("jpeg-ycbcr-300dpi.tif", 1),
        ("grey-300dpi.jp2", 1),
        ("img2pdf-flate-grey.pdf", 1),
        ("img2pdf-jpx-300dpi.pdf", 1),
        ("img2pdf-jpeg-2page.pdf", 1),
        ("scan-2page.ofd", 1),
    ];
    /// The same page thresholded to bilevel, in every bilevel layout.
    const BW_PAGE: [(&str, u32); 5] = [
        ("packbits-bilevel-300dpi.tif", 1),
        ("mixed-g4-lzw-2page.tif", 1),
        ("img2pdf-g4-300dpi.pdf", 1),
        ("scan-2page.ofd", 2),
        ("mixed-g4-lzw-2page.tif", 2), // page 2 is the grey page, LZW
    ];

    fn reduced(name: &str, page: u32) -> ReducedImage {
        let opts = super::super::InspectOptions { reduced: true, ..testutil::decode() };
        let i = super::super::inspect_bytes(&testutil::fixture(name), &opts);
        assert_eq!(i.decode_error, None, "{name}");
        let found = i.reduced.into_iter().find(|(p, _)| *p == page);
        found.unwrap_or_else(|| panic!("{name} page {page} has no reduced image")).1
    }

    fn mean_diff(a: &ReducedImage, b: &ReducedImage) -> u32 {
        assert_eq!((a.width, a.height), (b.width, b.height));
        let d: u32 = a.pixels.iter().zip(&b.pixels).map(|(&x, &y)| u32::from(x.abs_diff(y))).sum();
        d / a.pixels.len() as u32
    }

    /// Every decoder reduces the same page to the same 30 × 40 image: the lossless
    /// Deflate TIFF's block means, computed here from the `tiff` crate's full decode.
    #[test]
    fn every_format_reduces_the_page_alike() {
        let mut d = tiff::decoder::Decoder::new(std::io::Cursor::new(testutil::fixture(
            "deflate-grey-300dpi.tif",
        )))
        .unwrap();
        let tiff::decoder::DecodingResult::U8(full) = d.read_image().unwrap() else { panic!() };
        // An inspection keeps block means only (the darkest samples serve the measures
        // and are dropped after them).
        let truth = ReducedImage { darkest: None, ..reduce_grey(240, 320, &full) };
        assert_eq!((truth.width, truth.height), (30, 40));
        assert_eq!(reduced("deflate-grey-300dpi.tif", 1), truth);
        for (name, page) in GREY_PAGE {
            let diff = mean_diff(&reduced(name, page), &truth);
            assert!(diff <= 3, "{name} page {page}: mean difference {diff}");
        }
        // Bilevel: the same bits in every layout, and black ink is 0 (an inverted page
        // would be ~200 off the grey one).
        let bw = reduced(BW_PAGE[0].0, BW_PAGE[0].1);
        for (name, page) in &BW_PAGE[1..4] {
            assert_eq!(reduced(name, *page), bw, "{name} page {page}");
        }
        assert!(mean_diff(&bw, &truth) < 60, "bilevel is not inverted");
        assert!(mean_diff(&reduced(BW_PAGE[4].0, BW_PAGE[4].1), &truth) <= 1);
    }

    #[test]
    fn tiled_planar_and_palette_tiffs_reduce() {
        let full = |name: &str| {
            let mut d =
                tiff::decoder::Decoder::new(std::io::Cursor::new(testutil::fixture(name))).unwrap();
            let (w, h) = d.dimensions().unwrap();
            let tiff::decoder::DecodingResult::U8(px) = d.read_image().unwrap() else { panic!() };
            (w, h, px)
        };
        {
            let name = "tiled-rgb-lzw.tif";
            let (w, h, px) = full(name);
            let n = px.len() / (w * h) as usize;
            let grey: Vec<u8> = px.chunks(n).map(|p| luma(p[0], p[1], p[2])).collect();
            let diff = mean_diff(&reduced(name, 1), &reduce_grey(w, h, &grey));
            assert!(diff <= 1, "{name}: {diff}");
        }
        // The palette and planar pages are the page at half size (in 16 colours; in RGB):
        // each of their reduced pixels is a 2 × 2 of the grey page's.
        let grey = reduced("deflate-grey-300dpi.tif", 1);
        let g = |x: u32, y: u32| u32::from(grey.pixels[(y * 30 + x) as usize]);
        let halved: Vec<u8> = (0..20)
            .flat_map(|y| (0..15).map(move |x| (x, y)))
            .map(|(x, y)| {
                ((g(2 * x, 2 * y)
                    + g(2 * x + 1, 2 * y)
                    + g(2 * x, 2 * y + 1)
                    + g(2 * x + 1, 2 * y + 1)
                    + 2)
                    / 4) as u8
            })
            .collect();
        let halved = ReducedImage::new(15, 20, halved);
        for name in ["palette-lzw-300dpi.tif", "planar-rgb-deflate.tif"] {
            let diff = mean_diff(&reduced(name, 1), &halved);
            assert!(diff <= 8, "{name}: {diff}");
        }
    }
}
