//! Paper tone across the page: the local paper level ink is measured against.
//!
//! Real sheets are not evenly lit or evenly toned: a binding shadow darkens the inner
//! margin of a bound volume, old paper yellows towards its edges, a scanner lamp falls
//! off. Measured against one global paper level, that tone reads as ink: a blank page
//! with a tinted gradient looked like a page of low-contrast ink whose "lines" ran at
//! 6.8°. So ink is what is darker than the paper *around it*: the 90th percentile grey of
//! each [`TILE`]×[`TILE`] tile (about 11 mm at 300 dpi, wider than any text line's dark
//! band at 1/8 scale), never more than [`MAX_SHADE`] below the page's own paper level, so
//! a large dark area (a photograph, a bold stamp) still counts as content.

use super::Rect;
use crate::inspect::ReducedImage;

/// Tile side, in reduced pixels.
const TILE: usize = 16;
/// Most a tile's paper may lie below the page's paper level and still be paper tone.
const MAX_SHADE: u8 = 48;

/// The local paper level of every tile of a rectangle, and the histogram of the samples
/// darker than their tile's paper by the ink step (counted in the same pass, per tile,
/// from the tile's histogram: no second pass over the pixels).
pub(super) struct PaperMap {
    rect: Rect,
    across: usize,
    levels: Vec<u8>,
    /// Grey histogram of the ink samples.
    pub(super) ink: [u32; 256],
}

impl PaperMap {
    /// The map of `r` in `img`, given the page's (global) paper level; samples at least
    /// `ink_step` darker than their tile's paper count as ink.
    pub(super) fn new(img: &ReducedImage, r: &Rect, paper: u8, ink_step: u8) -> PaperMap {
        let across = (r.x1 - r.x0).div_ceil(TILE);
        let down = (r.y1 - r.y0).div_ceil(TILE);
        let floor = paper.saturating_sub(MAX_SHADE);
        let mut map =
            PaperMap { rect: *r, across, levels: Vec::with_capacity(across * down), ink: [0; 256] };
        for ty in 0..down {
            for tx in 0..across {
                let (x0, y0) = (r.x0 + tx * TILE, r.y0 + ty * TILE);
                let tile = Rect { x0, y0, x1: (x0 + TILE).min(r.x1), y1: (y0 + TILE).min(r.y1) };
                let hist: [u16; 256] = tile.histogram(img);
                let level = percentile_90(&hist, tile.area()).clamp(floor, paper.max(floor));
                map.levels.push(level);
                // Ink: at least `ink_step` darker, i.e. grey 0 ..= level - ink_step.
                let below = level.checked_sub(ink_step).map_or(0, |top| usize::from(top) + 1);
                map.ink[..below].iter_mut().zip(&hist).for_each(|(i, &h)| *i += u32::from(h));
            }
        }
        map
    }

    /// The rectangle the map covers.
    pub(super) fn rect(&self) -> Rect {
        self.rect
    }

    /// The paper level around the sample at (`x`, `y`), inside the rectangle.
    pub(super) fn at(&self, x: usize, y: usize) -> u8 {
        let (tx, ty) = ((x - self.rect.x0) / TILE, (y - self.rect.y0) / TILE);
        self.levels[ty * self.across + tx]
    }

    /// How much darker than its local paper each sample of the rectangle is (0 where it
    /// is not darker), row by row, with its coordinates.
    pub(super) fn darkness<'a>(
        &'a self,
        img: &'a ReducedImage,
    ) -> impl Iterator<Item = (usize, usize, u8)> + 'a {
        let (w, r) = (img.width as usize, self.rect);
        (r.y0..r.y1).flat_map(move |y| {
            (r.x0..r.x1).map(move |x| (x, y, self.at(x, y).saturating_sub(img.pixels[y * w + x])))
        })
    }
}

/// The 90th percentile grey of a tile's histogram of `n` samples.
fn percentile_90(hist: &[u16; 256], n: usize) -> u8 {
    let want = n * 9 / 10;
    let mut seen = 0;
    hist.iter()
        .position(|&c| {
            seen += usize::from(c);
            seen > want
        })
        .unwrap_or(255) as u8
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_tone_gradient_is_paper_and_a_dark_mark_on_it_is_ink() {
        // Paper fading from 250 (left) to 214 (right), a dark mark in the darker half.
        let (w, h) = (128usize, 64usize);
        let mut px: Vec<u8> = (0..w * h).map(|i| (250 - (i % w) * 36 / w) as u8).collect();
        px[32 * w + 100] = 40;
        let img = ReducedImage::new(w as u32, h as u32, px);
        let r = Rect { x0: 0, y0: 0, x1: w, y1: h };
        let map = PaperMap::new(&img, &r, 250, 24);
        let dark: Vec<(usize, usize, u8)> = map.darkness(&img).filter(|&(.., d)| d >= 24).collect();
        assert_eq!(dark.len(), 1, "{:?}", &dark[..dark.len().min(5)]);
        assert_eq!(map.ink.iter().sum::<u32>(), 1);
        assert_eq!((dark[0].0, dark[0].1), (100, 32));
    }

    #[test]
    fn a_large_dark_area_stays_content() {
        let (w, h) = (64usize, 64usize);
        let px: Vec<u8> = (0..w * h).map(|i| if i % w < 32 { 250 } else { 60 }).collect();
        let img = ReducedImage::new(w as u32, h as u32, px);
        let map = PaperMap::new(&img, &Rect { x0: 0, y0: 0, x1: w, y1: h }, 250, 24);
        assert_eq!(map.at(48, 10), 202);
        assert_eq!(map.darkness(&img).filter(|&(.., d)| d >= 24).count(), 32 * 64);
    }
}
