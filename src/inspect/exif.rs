//! Resolution from an EXIF block (the TIFF structure inside a JPEG's APP1 segment).
//!
//! Scanners and cameras that skip JFIF put their resolution only here, so without it such
//! JPEGs would all be reported as `resolution-missing`. Only three tags of IFD0 are
//! needed, so this small walker is written by hand instead of adding an EXIF crate; every
//! read is bounds-checked because the offsets come from the file.

use super::dots_per_inch;
use super::endian::Endian;
use crate::inspect::facts::Dpi;

const X_RESOLUTION: u16 = 0x011A;
const Y_RESOLUTION: u16 = 0x011B;
const RESOLUTION_UNIT: u16 = 0x0128;
const TYPE_SHORT: u16 = 3;
const TYPE_RATIONAL: u16 = 5;

/// Resolution recorded in IFD0 of `tiff` (the bytes after `Exif\0\0`). `None` when the
/// structure is unreadable, a tag is missing, or the unit is "no unit" (1): a number
/// without a unit is not a resolution anyone can check. An absent unit is inches, the
/// default EXIF (2.32, 4.6.5) and TIFF 6.0 give it, as exiftool reads it (issue #19).
pub(crate) fn resolution(tiff: &[u8]) -> Option<Dpi> {
    let e = Endian::from_tiff_header(tiff)?;
    if e.u16(tiff, 2)? != 42 {
        return None;
    }
    let ifd = u64::from(e.u32(tiff, 4)?);
    let count = u64::from(e.u16(tiff, ifd)?);
    let (mut x, mut y, mut unit) = (None, None, None);
    for i in 0..count {
        let entry = ifd + 2 + i * 12;
        let (tag, ty) = (e.u16(tiff, entry)?, e.u16(tiff, entry + 2)?);
        match (tag, ty) {
            (X_RESOLUTION, TYPE_RATIONAL) => x = rational(tiff, e, entry),
            (Y_RESOLUTION, TYPE_RATIONAL) => y = rational(tiff, e, entry),
            (RESOLUTION_UNIT, TYPE_SHORT) => unit = e.u16(tiff, entry + 8),
            _ => {}
        }
    }
    let factor = match unit.unwrap_or(2) {
        2 => 1.0,
        3 => 2.54,
        _ => return None,
    };
    dots_per_inch(x?, y?, factor)
}

/// The RATIONAL an entry points at (8 bytes never fit inline in classic TIFF).
fn rational(tiff: &[u8], e: Endian, entry: u64) -> Option<f64> {
    let at = u64::from(e.u32(tiff, entry + 8)?);
    let (num, den) = (e.u32(tiff, at)?, e.u32(tiff, at + 4)?);
    (den != 0).then(|| f64::from(num) / f64::from(den))
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// A minimal little-endian EXIF TIFF block with X/YResolution and, if given, a unit.
    pub(crate) fn exif_block(x: u32, y: u32, unit: Option<u16>) -> Vec<u8> {
        let n: u16 = if unit.is_some() { 3 } else { 2 };
        let data_at = 8 + 2 + 12 * u32::from(n) + 4;
        let mut b = b"II*\0\x08\0\0\0".to_vec();
        b.extend_from_slice(&n.to_le_bytes());
        for (i, tag) in [X_RESOLUTION, Y_RESOLUTION].into_iter().enumerate() {
            b.extend_from_slice(&tag.to_le_bytes());
            b.extend_from_slice(&TYPE_RATIONAL.to_le_bytes());
            b.extend_from_slice(&1u32.to_le_bytes());
            b.extend_from_slice(&(data_at + 8 * i as u32).to_le_bytes());
        }
        if let Some(u) = unit {
            b.extend_from_slice(&RESOLUTION_UNIT.to_le_bytes());
            b.extend_from_slice(&TYPE_SHORT.to_le_bytes());
            b.extend_from_slice(&1u32.to_le_bytes());
            b.extend_from_slice(&[u.to_le_bytes(), [0, 0]].concat());
        }
        b.extend_from_slice(&0u32.to_le_bytes());
        for v in [x, y] {
            b.extend_from_slice(&v.to_le_bytes());
            b.extend_from_slice(&1u32.to_le_bytes());
        }
        b
    }

    #[test]
    fn reads_inches_and_centimetres() {
        assert_eq!(resolution(&exif_block(400, 300, Some(2))), Some(Dpi { x: 400.0, y: 300.0 }));
        let cm = resolution(&exif_block(118, 118, Some(3))).unwrap();
        assert!((cm.x - 299.72).abs() < 1e-9, "{cm:?}");
    }

    #[test]
    fn an_absent_unit_is_inches_and_no_unit_or_zero_gives_none() {
        assert_eq!(resolution(&exif_block(300, 300, None)), Some(Dpi { x: 300.0, y: 300.0 }));
        assert_eq!(resolution(&exif_block(300, 300, Some(1))), None);
        assert_eq!(resolution(&exif_block(0, 300, Some(2))), None);
    }

    #[test]
    fn truncated_or_lying_blocks_give_none_without_panicking() {
        let good = exif_block(300, 300, Some(2));
        for cut in 0..good.len() {
            assert_eq!(resolution(&good[..cut]), None, "cut at {cut}");
        }
        let mut lying = good.clone();
        lying[4..8].copy_from_slice(&u32::MAX.to_le_bytes());
        assert_eq!(resolution(&lying), None);
    }
}
