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
    pub sharpness: Option<crate::quality::AcStats>,
}

impl ReducedImage {
    /// An image of `width` × `height` grey samples, row by row. Decoders build reduced
    /// images only through this, so fields added later get their defaults in one place.
    pub fn new(width: u32, height: u32, pixels: Vec<u8>) -> ReducedImage {
        debug_assert_eq!(pixels.len() as u64, u64::from(width) * u64::from(height));
        ReducedImage { width, height, pixels, sharpness: None }
    }
}
