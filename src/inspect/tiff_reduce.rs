//! TIFF pages at 1/8 scale (issues #5, #10), made from the chunks as [`super::tiff`]
//! decodes them: each strip or tile's samples go into a [`Reducer`] and are dropped, so
//! the page is never held whole. Grey follows the page's PhotometricInterpretation
//! (WhiteIsZero bilevel ink is 0, palettes through their ColorMap, 16-bit by the high
//! byte in the file's byte order); planar RGB adds each plane with its luma weight;
//! horizontal differencing (Predictor 2) is undone first. JPEG chunks give their DC image
//! (luma at 1/8 scale) from the walk that verifies them.

use super::reduce::{Colour, PixelFormat, ReducedImage, Reducer, luma};
use tiff::decoder::Decoder;
use tiff::tags::ByteOrder;
use tiff::tags::Tag;

/// How a page is cut into chunks, as [`super::tiff`] worked it out.
pub(crate) struct Layout {
    /// Tiles (else strips).
    pub(crate) tiled: bool,
    /// Pixels across and rows down each chunk codes.
    pub(crate) chunk: (u32, u32),
    /// Chunks per plane.
    pub(crate) per_plane: usize,
    /// Bits per sample.
    pub(crate) bps: u32,
    /// Samples per pixel.
    pub(crate) spp: u32,
    /// Planes (1, or `spp` when planar).
    pub(crate) planes: u32,
}

/// A page's reduced image in the making.
pub(crate) struct PageReduce {
    reducer: Reducer,
    layout: Layout,
    width: u32,
    /// The samples of one chunk row (one plane's when planar).
    format: PixelFormat,
    /// Each plane's share of the grey, /256.
    weights: Vec<u32>,
    predictor: u32,
    grey: Vec<u8>,
}

impl PageReduce {
    /// Reads the colour tags; `None` for pages whose samples have no grey vouch knows
    /// (then the page has no reduced image, and no thumbnail).
    pub(crate) fn new<R: std::io::Read + std::io::Seek>(
        d: &mut Decoder<R>,
        (width, height): (u32, u32),
        layout: Layout,
    ) -> Result<Option<PageReduce>, String> {
        let tag = |d: &mut Decoder<R>, t: Tag| {
            d.find_tag_unsigned::<u32>(t).map_err(|e| format!("tag {t:?}: {e}"))
        };
        let photometric = tag(d, Tag::PhotometricInterpretation)?;
        let predictor = tag(d, Tag::Predictor)?.unwrap_or(1);
        let colour = match photometric {
            Some(0) => Colour::Grey { white_is_zero: true },
            Some(1 | 6) => Colour::Grey { white_is_zero: false },
            Some(2) if layout.spp >= 3 => Colour::Rgb,
            Some(5) if layout.spp >= 4 => Colour::Cmyk,
            Some(3) => Colour::Palette(palette(d, layout.bps)?),
            _ => return Ok(None),
        };
        if !matches!(layout.bps, 1 | 2 | 4 | 8 | 16) || !matches!(predictor, 1 | 2) {
            return Ok(None);
        }
        let planar = layout.planes > 1;
        let weights = match (&colour, planar) {
            (_, false) => vec![256],
            (Colour::Rgb, true) => vec![77, 150, 29],
            (_, true) => vec![256],
        };
        let format = PixelFormat {
            bits: layout.bps,
            samples: layout.spp / layout.planes,
            colour: if planar { Colour::Grey { white_is_zero: false } } else { colour },
            little_endian: d.byte_order() == ByteOrder::LittleEndian,
        };
        let reducer = Reducer::new(width, height);
        Ok(Some(PageReduce {
            reducer,
            layout,
            width,
            format,
            weights,
            predictor,
            grey: Vec::new(),
        }))
    }

    /// Chunk `i`'s plane and top-left page pixel.
    fn origin(&self, i: usize) -> (usize, u32, u32) {
        let l = &self.layout;
        let (plane, j) = (i / l.per_plane.max(1), i % l.per_plane.max(1));
        let (cw, ch) = l.chunk;
        if l.tiled {
            let across = self.width.div_ceil(cw).max(1) as usize;
            (plane, (j % across) as u32 * cw, (j / across) as u32 * ch)
        } else {
            (plane, 0, j as u32 * ch)
        }
    }

    /// Adds chunk `i`'s decoded bytes (`rows` rows; undoes the predictor in place).
    pub(crate) fn samples(&mut self, i: usize, data: &mut [u8], rows: u32) {
        let (plane, x0, y0) = self.origin(i);
        let Some(&weight) = self.weights.get(plane) else { return };
        let cw = self.layout.chunk.0;
        let row_bytes = self.format.row_bytes(cw).max(1);
        for (r, row) in data.chunks_mut(row_bytes).take(rows as usize).enumerate() {
            if self.predictor == 2 {
                undo_differencing(row, &self.format);
            }
            self.format.grey_row(row, cw, &mut self.grey);
            self.reducer.add_weighted(x0, 1, y0 + r as u32, &self.grey, weight);
        }
    }

    /// Decodes G4 chunk `i` (as [`super::ccitt::check_g4`]) into the page.
    pub(crate) fn g4_chunk(
        &mut self,
        i: usize,
        data: &[u8],
        rows: u32,
        lsb_first: bool,
    ) -> Result<(), String> {
        self.fax_chunk(i, rows, |size, line| {
            super::ccitt::decode_g4(data, size, lsb_first, Some(line))
        })
    }

    /// Adds CCITT chunk `i` (`rows` rows), decoded by `decode` into a line sink.
    pub(crate) fn fax_chunk(
        &mut self,
        i: usize,
        rows: u32,
        decode: impl FnOnce((u32, u32), super::ccitt::LineSink<'_>) -> Result<(), String>,
    ) -> Result<(), String> {
        let (_, x0, y0) = self.origin(i);
        let ink = match self.format.colour {
            Colour::Grey { white_is_zero: true } => 0,
            _ => 255,
        };
        let (reducer, grey) = (&mut self.reducer, &mut self.grey);
        let mut line = |y: u32, bits: &[u8]| {
            grey.clear();
            let paper = 255 - ink;
            grey.extend(bits.iter().map(|&b| if b == 1 { ink } else { paper }));
            reducer.add_row(x0, 1, y0 + y, grey);
        };
        decode((self.layout.chunk.0, rows), &mut line)
    }

    /// Adds JPEG chunk `i`'s DC image.
    pub(crate) fn dc_tile(&mut self, i: usize, tile: &ReducedImage) {
        let (plane, x0, y0) = self.origin(i);
        if plane == 0 {
            self.reducer.add_reduced(x0, y0, tile);
        }
    }

    /// The page at 1/8 scale.
    pub(crate) fn finish(self) -> ReducedImage {
        self.reducer.finish()
    }
}

/// Grey of each ColorMap entry (16-bit R, then G, then B tables; high bytes).
fn palette<R: std::io::Read + std::io::Seek>(
    d: &mut Decoder<R>,
    bps: u32,
) -> Result<Vec<u8>, String> {
    let map =
        d.find_tag_unsigned_vec::<u16>(Tag::ColorMap).map_err(|e| format!("ColorMap: {e}"))?;
    let map = map.unwrap_or_default();
    let n = 1usize << bps.min(16);
    let (r, rest) = map.split_at(n.min(map.len()));
    let (g, b) = rest.split_at(n.min(rest.len()));
    let hi = |v: u16| (v >> 8) as u8;
    Ok(r.iter().zip(g).zip(b).map(|((&r, &g), &b)| luma(hi(r), hi(g), hi(b))).collect())
}

/// Undoes TIFF horizontal differencing on one row of 8- or 16-bit samples.
fn undo_differencing(row: &mut [u8], f: &PixelFormat) {
    let n = f.samples.max(1) as usize;
    match f.bits {
        8 => {
            for x in n..row.len() {
                row[x] = row[x].wrapping_add(row[x - n]);
            }
        }
        16 => {
            let get = |r: &[u8], k: usize| {
                let b = [r[2 * k], r[2 * k + 1]];
                if f.little_endian { u16::from_le_bytes(b) } else { u16::from_be_bytes(b) }
            };
            for k in n..row.len() / 2 {
                let v = get(row, k).wrapping_add(get(row, k - n));
                let b = if f.little_endian { v.to_le_bytes() } else { v.to_be_bytes() };
                row[2 * k..2 * k + 2].copy_from_slice(&b);
            }
        }
        _ => {}
    }
}
