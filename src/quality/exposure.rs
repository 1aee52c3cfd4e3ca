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
use crate::inspect::ReducedImage;

/// A sample this much darker than the paper is ink.
const INK_STEP: u8 = 24;

/// Paper level and contrast of a page.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(super) struct Levels {
    /// 90th percentile grey.
    pub(super) paper: u8,
    /// Paper minus the 1st percentile grey.
    pub(super) contrast: u8,
}

/// The paper level and contrast inside `r`.
pub(super) fn levels(img: &ReducedImage, r: &Rect) -> Levels {
    let mut hist = [0usize; 256];
    for s in r.samples(img) {
        hist[usize::from(s)] += 1;
    }
    let n = r.area().max(1);
    let pct = |p: usize| {
        let want = n * p / 100;
        let mut seen = 0;
        (0..256).find(|&v| {
            seen += hist[v];
            seen > want
        })
    };
    let paper = pct(90).unwrap_or(255) as u8;
    let darkest = pct(1).unwrap_or(0) as u8;
    // A page with under 1% ink (a page number, a stamp) has paper at its 1st percentile;
    // the typical level of what ink it has tells its contrast instead.
    let ink = ink_median(&hist, paper).map_or(darkest, |m| m.min(darkest));
    Levels { paper, contrast: paper.saturating_sub(ink) }
}

/// The median grey of the samples darker than the paper by [`INK_STEP`], if any.
fn ink_median(hist: &[usize; 256], paper: u8) -> Option<u8> {
    let ink = &hist[..usize::from(paper.saturating_sub(INK_STEP))];
    let n: usize = ink.iter().sum();
    if n == 0 {
        return None;
    }
    let mut seen = 0;
    let median = ink.iter().position(|&c| {
        seen += c;
        seen * 2 > n
    });
    Some(median.unwrap_or(0) as u8)
}

/// Percent of the samples inside `r` darker than the paper by [`INK_STEP`] or more.
pub(super) fn ink_percent(img: &ReducedImage, r: &Rect, paper: u8) -> f64 {
    let limit = paper.saturating_sub(INK_STEP);
    let ink = r.samples(img).filter(|&s| s < limit).count();
    100.0 * ink as f64 / r.area().max(1) as f64
}

#[cfg(test)]
mod tests {
    use super::super::testimg::text;
    use super::*;

    fn whole(img: &ReducedImage) -> Rect {
        Rect { x0: 0, y0: 0, x1: img.width as usize, y1: img.height as usize }
    }

    #[test]
    fn a_text_page_has_light_paper_dark_ink_and_ink_coverage() {
        let img = text(100, 140, 0.0);
        let l = levels(&img, &whole(&img));
        assert_eq!(l, Levels { paper: 240, contrast: 200 });
        let ink = ink_percent(&img, &whole(&img), l.paper);
        assert!((20.0..40.0).contains(&ink), "{ink}");
    }

    #[test]
    fn a_page_with_only_a_page_number_keeps_its_contrast() {
        // Paper 245, a few dark (40) samples: far under 1% of the page.
        let mut px = vec![245u8; 100 * 140];
        px[70 * 100 + 48..70 * 100 + 52].fill(40);
        let img = ReducedImage::new(100, 140, px);
        assert_eq!(levels(&img, &whole(&img)), Levels { paper: 245, contrast: 205 });
    }

    #[test]
    fn a_blank_noisy_page_has_no_ink_and_no_contrast() {
        let px = (0..100 * 140).map(|i| 230 + (i * 7 % 5) as u8).collect();
        let img = ReducedImage::new(100, 140, px);
        let l = levels(&img, &whole(&img));
        assert!(l.contrast < 8, "{l:?}");
        assert_eq!(ink_percent(&img, &whole(&img), l.paper), 0.0);
    }
}
