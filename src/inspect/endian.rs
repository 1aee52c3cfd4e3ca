//! Bounds-checked integer reads from untrusted bytes.
//!
//! Several formats (TIFF IFD chains, EXIF, ZIP directories, JPEG segments) are walked by
//! hand so that a cheap structural answer never needs a full decoder. Every read goes
//! through here and returns `None` past the end of the slice, so a lying offset in a
//! delivered file can never index out of bounds.

/// Byte order of a structure being read.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Endian {
    /// Intel order (`II`, ZIP).
    Little,
    /// Motorola order (`MM`, JPEG).
    Big,
}

impl Endian {
    /// The `N` bytes at `offset`, if they are all inside `bytes`.
    fn array<const N: usize>(bytes: &[u8], offset: u64) -> Option<[u8; N]> {
        let start = usize::try_from(offset).ok()?;
        let end = start.checked_add(N)?;
        bytes.get(start..end)?.try_into().ok()
    }

    /// A `u16` at `offset`.
    pub(crate) fn u16(self, bytes: &[u8], offset: u64) -> Option<u16> {
        let a = Self::array(bytes, offset)?;
        Some(match self {
            Endian::Little => u16::from_le_bytes(a),
            Endian::Big => u16::from_be_bytes(a),
        })
    }

    /// A `u32` at `offset`.
    pub(crate) fn u32(self, bytes: &[u8], offset: u64) -> Option<u32> {
        let a = Self::array(bytes, offset)?;
        Some(match self {
            Endian::Little => u32::from_le_bytes(a),
            Endian::Big => u32::from_be_bytes(a),
        })
    }

    /// A `u64` at `offset`.
    pub(crate) fn u64(self, bytes: &[u8], offset: u64) -> Option<u64> {
        let a = Self::array(bytes, offset)?;
        Some(match self {
            Endian::Little => u64::from_le_bytes(a),
            Endian::Big => u64::from_be_bytes(a),
        })
    }

    /// The byte order named by a TIFF header (`II` or `MM`).
    pub(crate) fn from_tiff_header(bytes: &[u8]) -> Option<Endian> {
        match bytes.get(..2)? {
            b"II" => Some(Endian::Little),
            b"MM" => Some(Endian::Big),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_both_orders_and_refuses_past_the_end() {
        let b = [0x01, 0x02, 0x03, 0x04];
        assert_eq!(Endian::Little.u16(&b, 0), Some(0x0201));
        assert_eq!(Endian::Big.u32(&b, 0), Some(0x0102_0304));
        assert_eq!(Endian::Big.u16(&b, 3), None);
        assert_eq!(Endian::Big.u64(&b, 0), None);
        assert_eq!(Endian::Big.u16(&b, u64::MAX), None);
    }
}
