//! Format identification by content (magic bytes), never by file name.
//!
//! The `format-extension-mismatch` rule needs to know what a file *is*, independently of
//! what its name claims, so this looks only at the bytes. Signatures at offset 0 are
//! checked first; the PDF header may legally sit anywhere in the first 1024 bytes, so it is
//! tried last, and never inside a ZIP (a stored PDF inside a ZIP is not a PDF file).

use super::ofd;
use crate::inspect::facts::Format;

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
        other_image(bytes).unwrap_or(Format::Unknown)
    }
}

/// Image formats vouch names but does not decode, each by its published signature.
fn other_image(b: &[u8]) -> Option<Format> {
    let at = |offset: usize, magic: &[u8]| b.get(offset..offset + magic.len()) == Some(magic);
    let dib_header = b.get(14..18).map(|h| u32::from_le_bytes(h.try_into().expect("4 bytes")));
    Some(if at(0, b"BM") && matches!(dib_header, Some(12 | 40 | 52 | 56 | 64 | 108 | 124)) {
        Format::Bmp
    } else if at(0, b"GIF87a") || at(0, b"GIF89a") {
        Format::Gif
    } else if at(0, b"RIFF") && at(8, b"WEBP") {
        Format::Webp
    } else if at(4, b"ftyp") {
        let brand = b.get(8..12)?;
        match brand {
            b"avif" | b"avis" => Format::Avif,
            b"heic" | b"heix" | b"hevc" | b"hevx" | b"heim" | b"heis" | b"mif1" | b"msf1" => {
                Format::Heic
            }
            _ => return None,
        }
    } else if at(0, b"8BPS") && matches!(b.get(4..6), Some([0, 1 | 2])) {
        Format::Psd
    } else if at(0, b"AT&TFORM") && (at(12, b"DJVU") || at(12, b"DJVM")) {
        Format::Djvu
    } else if at(0, &[0x97, 0x4A, 0x42, 0x32, 0x0D, 0x0A, 0x1A, 0x0A]) {
        Format::Jbig2
    } else if at(0, &[0xFF, 0x0A]) || at(0, b"\0\0\0\x0CJXL \r\n\x87\n") {
        Format::Jxl
    } else if at(0, b"II\xBC\x01") {
        Format::Jxr
    } else {
        return None;
    })
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
    fn names_the_image_formats_it_does_not_decode() {
        let mut bmp = b"BM".to_vec();
        bmp.extend_from_slice(&[0; 12]);
        bmp.extend_from_slice(&40u32.to_le_bytes());
        assert_eq!(sniff(&bmp), Format::Bmp);
        assert_eq!(sniff(b"GIF89a\x01\0"), Format::Gif);
        assert_eq!(sniff(b"RIFF\0\0\0\0WEBPVP8 "), Format::Webp);
        assert_eq!(sniff(b"\0\0\0\x18ftypheic\0\0\0\0"), Format::Heic);
        assert_eq!(sniff(b"\0\0\0\x1cftypavif\0\0\0\0"), Format::Avif);
        assert_eq!(sniff(b"8BPS\0\x01\0\0"), Format::Psd);
        assert_eq!(sniff(b"AT&TFORM\0\0\0\0DJVU"), Format::Djvu);
        assert_eq!(sniff(&[0x97, 0x4A, 0x42, 0x32, 0x0D, 0x0A, 0x1A, 0x0A, 1]), Format::Jbig2);
        assert_eq!(sniff(&[0xFF, 0x0A, 0xFA]), Format::Jxl);
        assert_eq!(sniff(b"II\xBC\x01\x08\0"), Format::Jxr);
        // Near misses stay unknown: `BM` text, an MP4's `ftyp`.
        assert_eq!(sniff(b"BM is not a bitmap header"), Format::Unknown);
        assert_eq!(sniff(b"\0\0\0\x18ftypisom\0\0\0\0"), Format::Unknown);
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
