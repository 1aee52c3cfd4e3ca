//! Exposure and ink: is the paper light, the ink dark enough against it, and is there
//! any ink at all? Over-dark, over-bright and low-contrast scans lose faint strokes; a
//! blank page (a back side, a separator sheet) that the catalogue counts as a page is
//! something the archive wants to know about.
//!
//! From the grey histogram inside any dark border: the paper level is its 90th
//! percentile (paper covers most of any page, even a dense one at 1/8 scale, where text
//! lines and their gaps are separate samples). Ink coverage counts samples clearly darker
//! than the paper, so scanner noise (averaged away at 1/8 scale) and faint dust do not
//! count as ink.
//!
//! Contrast is measured where the ink is (issue #15): a 1/8-scale block mean averages a
//! 2–4 px stroke with the paper around it, so thin text on white read as "low contrast"
//! and a 1-bit G4 page as "too bright". Each block that holds ink gives the darkness of
//! its ink below the local paper: from its darkest sample where the decoder had the
//! pixels, or, for a JPEG, from its mean `m` and pixel variance `v` (from the AC
//! coefficients): for paper `P` and ink covering any fraction `f` of the block,
//! `P − m = f·d` and `v = f(1 − f)·d²`, so `d = (P − m) + v / (P − m)` whatever the
//! stroke width. The contrast is the 90th percentile of the darkness over the ink blocks:
//! the darkest ink the page holds, so it depends neither on how much ink there is nor on
//! faint content beside the text (bleed-through, pencil, a red seal); with fewer than
//! [`MIN_INK_BLOCKS`] ink blocks has no contrast measure (little ink is not low contrast).
//! What it is meant to catch is a mis-set scanner: clipped highlights, a squeezed
//! histogram (ink that cannot get dark).

use super::Rect;
use super::paper::PaperMap;
use crate::inspect::ReducedImage;

/// A sample this much darker than the paper is ink.
pub(super) const INK_STEP: u8 = 24;

/// Least ink blocks for a page to have a contrast measure.
pub(super) const MIN_INK_BLOCKS: usize = 12;
/// A block holds ink only if its mean is at least this much below the local paper too,
/// so a noise speck in a block of paper is not taken for faint ink.
const MIN_MEAN_STEP: u8 = 4;

/// Paper level of a page.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(super) struct Levels {
    /// 90th percentile grey.
    pub(super) paper: u8,
}

/// The paper level inside `r`.
pub(super) fn levels(img: &ReducedImage, r: &Rect) -> Levels {
    let hist: [usize; 256] = r.histogram(img);
    let n = r.area().max(1);
    let pct = |p: usize| {
        let want = n * p / 100;
        let mut seen = 0;
        (0..256).find(|&v| {
            seen += hist[v];
            seen > want
        })
    };
    Levels { paper: pct(90).unwrap_or(255) as u8 }
}

/// Ink on a page: samples darker than the paper around them by [`INK_STEP`] or more.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(super) struct Ink {
    /// Percent of the samples that are ink.
    pub(super) percent: f64,
}

/// The ink of the rectangle `map` covers (counted by the map, against [`INK_STEP`]).
pub(super) fn ink(map: &PaperMap, area: usize) -> Ink {
    let count: u32 = map.ink.iter().sum();
    Ink { percent: 100.0 * f64::from(count) / area.max(1) as f64 }
}

/// The 90th percentile of the darkness of the ink below its local paper, over the blocks
/// that hold ink (see the module docs); `None` without the evidence (block means only) or with fewer
/// than [`MIN_INK_BLOCKS`] ink blocks.
pub(super) fn contrast(img: &ReducedImage, map: &PaperMap) -> Option<u8> {
    let (w, r) = (img.width as usize, map.rect());
    let mut dark: Vec<u8> = Vec::new();
    let mut block = |x: usize, y: usize, darkness: &dyn Fn(u8, u8) -> Option<u8>| {
        let (paper, mean) = (map.at(x, y), img.pixels[y * w + x]);
        let below = paper.saturating_sub(mean);
        if below >= MIN_MEAN_STEP
            && let Some(d) = darkness(paper, below).filter(|&d| d >= INK_STEP)
        {
            dark.push(d);
        }
    };
    if let Some(mins) = &img.darkest {
        for y in r.y0..r.y1 {
            for x in r.x0..r.x1 {
                block(x, y, &|paper, _| Some(paper.saturating_sub(mins[y * w + x])));
            }
        }
    } else if let Some(blocks) = &img.block_variance {
        for &(i, variance) in blocks {
            let (x, y) = (i as usize % w.max(1), i as usize / w.max(1));
            if (r.x0..r.x1).contains(&x) && (r.y0..r.y1).contains(&y) {
                block(x, y, &|paper, below| {
                    let b = f64::from(below);
                    Some((b + f64::from(variance) / b).min(f64::from(paper)) as u8)
                });
            }
        }
    } else {
        return None;
    }
    if dark.len() < MIN_INK_BLOCKS {
        return None;
    }
    let at = dark.len() * 9 / 10;
    Some(*dark.select_nth_unstable(at).1)
}

#[cfg(test)]
mod tests {
    use super::super::testimg::text;
    use super::*;
    use crate::inspect::reduce::{Reducer, SCALE};

    fn whole(img: &ReducedImage) -> Rect {
        Rect { x0: 0, y0: 0, x1: img.width as usize, y1: img.height as usize }
    }

    fn measure(img: &ReducedImage) -> (Levels, Ink, Option<u8>) {
        let l = levels(img, &whole(img));
        let map = PaperMap::new(img, &whole(img), l.paper, INK_STEP);
        (l, ink(&map, whole(img).area()), contrast(img, &map))
    }

    /// A full-resolution page of paper `paper` with vertical strokes of grey `ink`,
    /// `stroke` px wide, every `pitch` px, on rows 16..`rows`, reduced as a decoder does.
    fn strokes(paper: u8, ink: u8, stroke: u32, pitch: u32, rows: u32) -> ReducedImage {
        let (w, h) = (800u32, 1120u32);
        let mut r = Reducer::new(w, h);
        let mut row = vec![paper; w as usize];
        for y in 0..h {
            row.fill(paper);
            if (16..rows).contains(&y) {
                for x in (40..w - 40).filter(|x| x % pitch < stroke) {
                    row[x as usize] = ink;
                }
            }
            r.add_row(0, 1, y, &row);
        }
        let img = r.finish();
        assert_eq!(img.width, w / SCALE);
        img
    }

    #[test]
    fn a_text_page_has_light_paper_and_ink_coverage() {
        let (l, ink, _) = measure(&text(100, 140, 0.0));
        assert_eq!(l.paper, 240);
        assert!((20.0..40.0).contains(&ink.percent), "{ink:?}");
    }

    #[test]
    fn thin_strokes_keep_their_contrast_whatever_their_width_or_coverage() {
        for (stroke, pitch, rows) in [(2, 24, 1100), (4, 40, 1100), (2, 24, 120), (1, 16, 600)] {
            let (.., c) = measure(&strokes(248, 22, stroke, pitch, rows));
            assert_eq!(c, Some(226), "{stroke} px every {pitch} px on {rows} rows");
        }
    }

    #[test]
    fn a_squeezed_histogram_has_low_contrast() {
        // Clipped highlights: paper 255, ink only 44 below it.
        let (.., c) = measure(&strokes(255, 211, 2, 24, 1100));
        assert_eq!(c, Some(44));
    }

    #[test]
    fn little_ink_or_block_means_only_give_no_contrast() {
        let mut px = vec![245u8; 100 * 140];
        px[70 * 100 + 48..70 * 100 + 52].fill(40);
        let (.., c) = measure(&ReducedImage::new(100, 140, px));
        assert_eq!(c, None, "block means only: no evidence");
        let (.., c) = measure(&strokes(248, 22, 2, 200, 20));
        assert_eq!(c, None, "a few strokes: little ink is not low contrast");
    }

    #[test]
    fn a_jpeg_block_variance_gives_the_ink_darkness() {
        // 2 px of ink 200 below paper 240 in 8: mean 190, variance 0.25·0.75·200².
        let mut img = ReducedImage::new(40, 40, vec![240; 1600]);
        let mut blocks = Vec::new();
        for i in (0..1600).step_by(7).take(30) {
            img.pixels[i] = 190;
            blocks.push((i as u32, 7500));
        }
        img.block_variance = Some(blocks);
        let (.., c) = measure(&img);
        assert_eq!(c, Some(200));
    }

    #[test]
    fn a_blank_noisy_page_has_no_ink() {
        let px = (0..100 * 140).map(|i| 230 + (i * 7 % 5) as u8).collect();
        let (_, ink, _) = measure(&ReducedImage::new(100, 140, px));
        assert_eq!(ink.percent, 0.0);
    }
}
