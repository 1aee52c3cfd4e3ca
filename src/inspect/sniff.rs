//! Format identification by content (magic bytes), never by file name.
//!
//! The `format-extension-mismatch` rule needs to know what a file *is*, independently of
//! what its name claims, so this looks only at the bytes. Signatures at offset 0 are
//! checked first; the PDF header may legally sit anywhere in the first 1024 bytes, so it is
//! tried last, and never inside a ZIP (a stored PDF inside a ZIP is not a PDF file).

use super::ofd;
use crate::facts::Format;

const PNG: &[u8] = b"\x89PNG\r\n\x1a\n";
const JP2_BOX: &[u8] = &[0, 0, 0, 0x0C, 0x6A, 0x50, 0x20, 0x20, 0x0D, 0x0A, 0x87, 0x0A];
const J2K_CODESTREAM: &[u8] = &[0xFF, 0x4F, 0xFF, 0x51];
const TIFF: [&[u8]; 4] = [b"II*\0", b"MM\0*", b"II+\0", b"MM\0+"];
const ZIP_LOCAL_HEADER: &[u8] = b"PK\x03\x04";

/// The format of `bytes` judged by content. Empty input is `Unknown`; callers handle
/// empty files before asking.
pub(crate) fn sniff(bytes: &[u8]) -> Format {
    if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
        Format::Jpeg
    } else if TIFF.iter().any(|m| bytes.starts_with(m)) {
        Format::Tiff
    } else if bytes.starts_with(PNG) {
        Format::Png
    } else if bytes.starts_with(JP2_BOX) || bytes.starts_with(J2K_CODESTREAM) {
        Format::Jp2
    } else if bytes.starts_with(ZIP_LOCAL_HEADER) {
        if ofd::is_ofd(bytes) { Format::Ofd } else { Format::Unknown }
    } else if bytes[..bytes.len().min(1024)].windows(5).any(|w| w == b"%PDF-") {
        Format::Pdf
    } else {
        Format::Unknown
    }
}

/// The first bytes of a file as `47 41 52 42`, to help a person recognise what it is.
pub(crate) fn leading_hex(bytes: &[u8]) -> String {
    let shown: Vec<String> = bytes.iter().take(4).map(|b| format!("{b:02X}")).collect();
    shown.join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recognises_each_signature() {
        assert_eq!(sniff(b"\xFF\xD8\xFF\xE0rest"), Format::Jpeg);
        assert_eq!(sniff(b"II*\0\x08\0\0\0"), Format::Tiff);
        assert_eq!(sniff(b"MM\0*\0\0\0\x08"), Format::Tiff);
        assert_eq!(sniff(b"II+\0\x08\0\0\0"), Format::Tiff);
        assert_eq!(sniff(b"MM\0+\0\x08\0\0"), Format::Tiff);
        assert_eq!(sniff(b"\x89PNG\r\n\x1a\n...."), Format::Png);
        assert_eq!(sniff(&[JP2_BOX, b"ftyp"].concat()), Format::Jp2);
        assert_eq!(sniff(&[0xFF, 0x4F, 0xFF, 0x51, 0]), Format::Jp2);
        assert_eq!(sniff(b"%PDF-1.7\n"), Format::Pdf);
    }

    #[test]
    fn pdf_header_may_follow_junk_but_only_within_1024_bytes() {
        let mut near = vec![b' '; 1000];
        near.extend_from_slice(b"%PDF-1.4");
        assert_eq!(sniff(&near), Format::Pdf);
        let mut far = vec![b' '; 1020];
        far.extend_from_slice(b"%PDF-1.4");
        assert_eq!(sniff(&far), Format::Unknown);
    }

    #[test]
    fn extension_like_text_and_near_misses_are_unknown() {
        assert_eq!(sniff(b"GARBAGE!"), Format::Unknown);
        assert_eq!(sniff(b"\xFF\xD8"), Format::Unknown);
        assert_eq!(sniff(b"II*"), Format::Unknown);
        assert_eq!(sniff(b""), Format::Unknown);
    }

    #[test]
    fn leading_hex_shows_at_most_four_bytes() {
        assert_eq!(leading_hex(b"GARBAGE"), "47 41 52 42");
        assert_eq!(leading_hex(b"\x01"), "01");
    }
}
