//! Image quality (issue #10): the checks a reviewer would otherwise do by eye on every
//! page (DA/T 31: deskewed, cropped without black borders, clean, complete, not scanned
//! twice), measured from the reduced-scale image the integrity decode already made, so
//! no page is read or decoded a second time.
//!
//! Every measure is a pure function of a [`ReducedImage`] (1/8 scale: a JPEG's DC image
//! or a box-filtered downscale) plus the page's pixel size and resolution, so thresholds
//! mean the same whatever the format. Blur is the exception: 1/8 scale cannot see it, so
//! it is taken from the JPEG's AC coefficients during the entropy walk (see
//! [`ReducedImage::sharpness`]) and is absent for other formats. The rules that judge these
//! measures live in `rules/quality.rs`; the thresholds in the profile's `[quality]`.

mod blur;
mod border;
mod edges;
mod exposure;
mod limits;
mod paper;
mod phash;
mod skew;

pub use blur::{AcStats, EDGE_LOW, LOW_END, MID_END};
pub use edges::EdgeSampler;
pub use limits::{QualityLimits, QualityToml};
pub use phash::hamming;

use crate::inspect::ReducedImage;
use crate::inspect::facts::PageFacts;
use serde::{Deserialize, Serialize};

/// Smallest reduced image (pixels on its shorter side) the measures are taken on: below
/// it (a page under ~1.3 in at 200 dpi) there are too few samples for a line, a border or
/// a hash to mean anything, and no measure is reported.
pub const MIN_SIDE: u32 = 40;

/// Least ink coverage (percent) for a skew to be measured: below it a page holds a page
/// number, a stamp or a line or two, whose direction says nothing reliable about the
/// sheet (a page number alone read as 6.8° on the e2e delivery), and uneven paper tone
/// would be taken for lines.
const MIN_SKEW_INK: f64 = 0.25;

/// Quality measures of one page (`quality` in a page's facts in report.json).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PageQuality {
    /// Skew of the text lines in degrees, positive counter-clockwise; `None` where the
    /// page has too little line structure (blank, a photograph) to tell.
    pub skew_degrees: Option<f64>,
    /// Percent of the page (inside any dark border) covered by ink.
    pub ink_percent: f64,
    /// Sharpness of edges from the JPEG's AC coefficients (mid-band over low-band energy
    /// of the luma blocks that hold an edge, ×100); `None` for other formats, progressive
    /// JPEGs, and pages with too few edges.
    pub sharpness: Option<f64>,
    /// Width of a dark frame on each side, in mm: top, right, bottom, left; `None` where
    /// the page has no resolution to convert pixels to mm.
    pub border_mm: Option<[f64; 4]>,
    /// Paper level (90th percentile grey, 0 black to 255 white) inside any border.
    pub paper: u8,
    /// How far the ink lies below its local paper, where it is darkest: the 90th percentile over
    /// the blocks that hold ink of each block's darkest sample (a JPEG: estimated from
    /// its mean and AC variance), so stroke width and ink coverage do not change it.
    /// Absent where the page has too little ink to tell, or the decoder kept block
    /// means only (issue #15).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub contrast: Option<u8>,
    /// Perceptual hash (256-bit DCT hash, hex) for near-duplicate pages.
    pub phash: String,
}

/// Measures one page from its reduced image; `None` if the image is too small to measure.
pub fn measure(img: &ReducedImage, page: &PageFacts) -> Option<PageQuality> {
    if img.width.min(img.height) < MIN_SIDE || img.pixels.is_empty() {
        return None;
    }
    let border = border::widths(img);
    let interior = border::interior(img, &border);
    let levels = exposure::levels(img, &interior);
    let map = paper::PaperMap::new(img, &interior, levels.paper, exposure::INK_STEP);
    let ink = exposure::ink(&map, interior.area());
    let skew = (ink.percent >= MIN_SKEW_INK).then(|| skew::estimate(img, &map));
    let scale = f64::from(page.width) / f64::from(img.width);
    let border_mm = page.dpi.map(|dpi| border.map(|px| round2(px * scale / dpi.min() * 25.4)));
    Some(PageQuality {
        skew_degrees: skew.flatten().map(round2),
        ink_percent: round2(ink.percent),
        sharpness: img.sharpness.and_then(blur::sharpness).map(round2),
        border_mm,
        paper: levels.paper,
        contrast: exposure::contrast(img, &map),
        phash: phash::hash(img),
    })
}

/// Rounds to two decimals: the report shows measures, not floating-point noise.
fn round2(v: f64) -> f64 {
    (v * 100.0).round() / 100.0
}

/// A rectangle of the reduced image: columns `x0..x1`, rows `y0..y1`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) struct Rect {
    x0: usize,
    y0: usize,
    x1: usize,
    y1: usize,
}

impl Rect {
    fn area(&self) -> usize {
        (self.x1 - self.x0) * (self.y1 - self.y0)
    }

    /// Each row of `img` inside, as a slice.
    fn rows<'a>(&self, img: &'a ReducedImage) -> impl Iterator<Item = &'a [u8]> + 'a {
        let (w, r) = (img.width as usize, *self);
        (r.y0..r.y1).map(move |y| &img.pixels[y * w + r.x0..y * w + r.x1])
    }

    /// The grey histogram of the samples inside, counted in four lanes then added: on
    /// paper most samples fall in a few bins, and with one lane each count would wait for
    /// the one before it (issue #7: the measures' fixed cost per page).
    fn histogram<T>(&self, img: &ReducedImage) -> [T; 256]
    where
        T: Copy + Default + std::ops::AddAssign + From<u8>,
    {
        let mut lanes = [[T::default(); 256]; 4];
        let one = T::from(1);
        for row in self.rows(img) {
            let mut quads = row.chunks_exact(4);
            for q in &mut quads {
                for (lane, &v) in lanes.iter_mut().zip(q) {
                    lane[usize::from(v)] += one;
                }
            }
            for &v in quads.remainder() {
                lanes[0][usize::from(v)] += one;
            }
        }
        let [mut hist, b, c, d] = lanes;
        for (i, h) in hist.iter_mut().enumerate() {
            *h += b[i];
            *h += c[i];
            *h += d[i];
        }
        hist
    }
}

#[cfg(test)]
pub(crate) mod testimg {
    //! Synthetic reduced images for the measures' unit tests.

    use crate::inspect::ReducedImage;

    /// A `w`×`h` page of paper 240 with dark (40) text lines 2 px high every 6 px,
    /// inside a 6 px margin, rotated by `deg` (counter-clockwise) about the centre.
    pub(crate) fn text(w: u32, h: u32, deg: f64) -> ReducedImage {
        let (s, c) = deg.to_radians().sin_cos();
        let (cx, cy) = (f64::from(w) / 2.0, f64::from(h) / 2.0);
        let mut px = vec![240u8; (w * h) as usize];
        for y in 0..h {
            for x in 0..w {
                // Supersample 4×4 so edges are grey as in a real 1/8 image.
                let mut dark = 0;
                for i in 0..16 {
                    let fx = f64::from(x) + (f64::from(i % 4) + 0.5) / 4.0 - cx;
                    let fy = f64::from(y) + (f64::from(i / 4) + 0.5) / 4.0 - cy;
                    let (ux, uy) = (c * fx - s * fy + cx, s * fx + c * fy + cy);
                    let inside = ux > 6.0 && ux < f64::from(w) - 6.0 && uy > 6.0;
                    if inside && uy < f64::from(h) - 6.0 && (uy as i64) % 6 < 2 {
                        dark += 1;
                    }
                }
                px[(y * w + x) as usize] = (240 - dark * 200 / 16) as u8;
            }
        }
        ReducedImage::new(w, h, px)
    }
}
