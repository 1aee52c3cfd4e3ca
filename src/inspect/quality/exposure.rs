//! Exposure and ink: is the paper light, the ink dark enough against it, and is there
//! any ink at all? Over-dark, over-bright and low-contrast scans lose faint strokes; a
//! blank page (a back side, a separator sheet) that the catalogue counts as a page is
//! something the archive wants to know about.
//!
//! From the grey histogram inside any dark border: the paper level is its 90th
//! percentile (paper covers most of any page, even a dense one at 1/8 scale, where text
//! lines and their gaps are separate samples), the ink level its 1st percentile, and the
//! contrast their difference. Ink coverage counts samples clearly darker than the paper,
//! so scanner noise (averaged away at 1/8 scale) and faint dust do not count as ink.

use super::Rect;
use super::paper::PaperMap;
use crate::inspect::ReducedImage;

/// A sample this much darker than the paper is ink.
pub(super) const INK_STEP: u8 = 24;

/// Paper level and the darkest level of a page.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(super) struct Levels {
    /// 90th percentile grey.
    pub(super) paper: u8,
    /// 1st percentile grey.
    pub(super) darkest: u8,
}

/// The paper level and darkest level inside `r`.
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
    Levels { paper: pct(90).unwrap_or(255) as u8, darkest: pct(1).unwrap_or(0) as u8 }
}

/// Ink on a page: samples darker than the paper around them by [`INK_STEP`] or more.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(super) struct Ink {
    /// Percent of the samples that are ink.
    pub(super) percent: f64,
    /// Median grey of the ink samples, if any.
    pub(super) median: Option<u8>,
}

/// The ink of the rectangle `map` covers (counted by the map, against [`INK_STEP`]).
pub(super) fn ink(map: &PaperMap, area: usize) -> Ink {
    let count: u32 = map.ink.iter().sum();
    let mut seen = 0;
    let median = map.ink.iter().position(|&c| {
        seen += c;
        seen * 2 > count
    });
    Ink {
        percent: 100.0 * f64::from(count) / area.max(1) as f64,
        median: median.filter(|_| count > 0).map(|m| m as u8),
    }
}

/// Paper minus the ink level: the 1st percentile, or the ink's median where that is
/// darker (a page with under 1% ink, a page number or a stamp, has paper at its 1st
/// percentile).
pub(super) fn contrast(levels: Levels, ink: Ink) -> u8 {
    let level = ink.median.map_or(levels.darkest, |m| m.min(levels.darkest));
    levels.paper.saturating_sub(level)
}

#[cfg(test)]
mod tests {
    use super::super::testimg::text;
    use super::*;

    fn whole(img: &ReducedImage) -> Rect {
        Rect { x0: 0, y0: 0, x1: img.width as usize, y1: img.height as usize }
    }

    fn measure(img: &ReducedImage) -> (Levels, Ink, u8) {
        let l = levels(img, &whole(img));
        let ink = ink(&PaperMap::new(img, &whole(img), l.paper, INK_STEP), whole(img).area());
        (l, ink, contrast(l, ink))
    }

    #[test]
    fn a_text_page_has_light_paper_dark_ink_and_ink_coverage() {
        let (l, ink, contrast) = measure(&text(100, 140, 0.0));
        assert_eq!((l.paper, contrast), (240, 200));
        assert!((20.0..40.0).contains(&ink.percent), "{ink:?}");
    }

    #[test]
    fn a_page_with_only_a_page_number_keeps_its_contrast() {
        // Paper 245, a few dark (40) samples: far under 1% of the page.
        let mut px = vec![245u8; 100 * 140];
        px[70 * 100 + 48..70 * 100 + 52].fill(40);
        let (l, _, contrast) = measure(&ReducedImage::new(100, 140, px));
        assert_eq!((l.paper, contrast), (245, 205));
    }

    #[test]
    fn a_blank_noisy_page_has_no_ink_and_no_contrast() {
        let px = (0..100 * 140).map(|i| 230 + (i * 7 % 5) as u8).collect();
        let (_, ink, contrast) = measure(&ReducedImage::new(100, 140, px));
        assert!(contrast < 8, "{contrast}");
        assert_eq!(ink.percent, 0.0);
    }
}
