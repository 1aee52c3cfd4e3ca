//! Dark border: the black frame a scan keeps when the page was not cropped to its edge
//! (the scanner lid or bed showing around the sheet). DA/T 31 asks for pages cropped
//! without black borders; a frame of a few millimetres on any side is what a reviewer
//! would otherwise spot on the contact sheet.
//!
//! From each edge inwards, a line of the reduced image (a column for the left and right
//! sides, a row for top and bottom) belongs to the frame while most of its samples are
//! dark; the first line that is not contributes the fraction of it that is still dark, so
//! a frame ending inside a reduced pixel is measured to a fraction of a pixel.

use super::Rect;
use crate::inspect::ReducedImage;

/// A sample this dark (0 black, 255 white) is frame, not paper.
const DARK: u8 = 96;
/// A line is frame when at least this fraction of its samples is dark.
const FRAME_FRACTION: f64 = 0.6;

/// Width of the dark frame on each side in reduced pixels: top, right, bottom, left.
pub(super) fn widths(img: &ReducedImage) -> [f64; 4] {
    let (w, h) = (img.width as usize, img.height as usize);
    let at = |x: usize, y: usize| img.pixels[y * w + x];
    let row = |y: usize| line((0..w).map(|x| at(x, y)));
    let col = |x: usize| line((0..h).map(|y| at(x, y)));
    [side(h, row), side(w, |i| col(w - 1 - i)), side(h, |i| row(h - 1 - i)), side(w, col)]
}

/// (fraction of dark samples, mean level) of one line.
fn line(samples: impl Iterator<Item = u8>) -> (f64, f64) {
    let (mut dark, mut sum, mut n) = (0usize, 0u64, 0usize);
    for s in samples {
        dark += usize::from(s < DARK);
        sum += u64::from(s);
        n += 1;
    }
    (dark as f64 / n.max(1) as f64, sum as f64 / n.max(1) as f64)
}

/// Frame width from one side: whole dark lines, then the dark part of the next one
/// (its mean level between the frame's and the paper's), at most half the page.
fn side(len: usize, line_at: impl Fn(usize) -> (f64, f64)) -> f64 {
    let mut n = 0;
    let mut frame_level = 0.0;
    while n < len / 2 {
        let (dark, mean) = line_at(n);
        if dark < FRAME_FRACTION {
            break;
        }
        frame_level += mean;
        n += 1;
    }
    if n == 0 || n >= len / 2 {
        return n as f64;
    }
    let frame = frame_level / n as f64;
    let paper = line_at((n + 2).min(len - 1)).1;
    let next = line_at(n).1;
    let part = if paper > frame { ((paper - next) / (paper - frame)).clamp(0.0, 1.0) } else { 0.0 };
    n as f64 + part
}

/// The page inside its frame, one more pixel in from each side (where a frame edge leaves
/// a grey seam), and never less than a quarter of the page each way.
pub(super) fn interior(img: &ReducedImage, border: &[f64; 4]) -> Rect {
    let (w, h) = (img.width as usize, img.height as usize);
    let cut = |b: f64, len: usize| ((b.ceil() as usize) + 1).min(len * 3 / 8);
    Rect {
        x0: cut(border[3], w),
        y0: cut(border[0], h),
        x1: w - cut(border[1], w),
        y1: h - cut(border[2], h),
    }
}

#[cfg(test)]
mod tests {
    use super::super::testimg::text;
    use super::*;

    fn framed(top: usize, right: usize, bottom: usize, left: usize) -> ReducedImage {
        let mut img = text(100, 140, 0.0);
        let w = 100;
        for y in 0..140 {
            for x in 0..100 {
                if y < top || y >= 140 - bottom || x < left || x >= w - right {
                    img.pixels[y * w + x] = 20;
                }
            }
        }
        img
    }

    #[test]
    fn a_clean_page_has_no_frame() {
        assert_eq!(widths(&text(100, 140, 0.0)), [0.0; 4]);
    }

    #[test]
    fn frames_are_measured_per_side() {
        let b = widths(&framed(3, 0, 5, 2));
        assert_eq!(b, [3.0, 0.0, 5.0, 2.0]);
        let inner = interior(&framed(3, 0, 5, 2), &b);
        assert_eq!((inner.x0, inner.y0, inner.x1, inner.y1), (3, 4, 99, 134));
    }

    #[test]
    fn a_partly_dark_edge_line_counts_as_a_fraction() {
        let mut img = framed(0, 0, 0, 2);
        for y in 0..140 {
            img.pixels[y * 100 + 2] = 130; // half way between frame 20 and paper 240
        }
        let left = widths(&img)[3];
        assert!((left - 2.5).abs() < 0.05, "{left}");
    }
}
