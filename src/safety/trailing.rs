//! Hidden payloads (issue #20, `safety-trailing-data`): bytes after a page's own end,
//! which every viewer ignores and any tool can carry off — a ZIP after a JPEG's
//! end-of-image marker is the classic. Each format's end is found by walking its own
//! structure (JPEG markers, PNG chunks, JP2 boxes, the PDF's last `%%EOF`); a file whose
//! structure cannot be walked is the decoder's finding, not this one's.

use crate::inspect::facts::Format;

/// Where the content of a file of `format` ends, when its structure can be walked there
/// (`None`: not walked, or no end found).
pub fn content_end(format: Format, b: &[u8]) -> Option<usize> {
    match format {
        Format::Jpeg => jpeg_end(b),
        Format::Png => png_end(b),
        Format::Jp2 => jp2_end(b),
        Format::Pdf => pdf_end(b),
        _ => None,
    }
}

/// The bytes after `end` that carry anything: zero padding (which some scanners write to
/// an even length or a block) is not a payload, nor whitespace after a PDF's `%%EOF`.
pub fn payload(format: Format, b: &[u8], end: usize) -> Option<&[u8]> {
    let rest = b.get(end..)?;
    let filler = |c: &u8| *c == 0 || (format == Format::Pdf && c.is_ascii_whitespace());
    let start = rest.iter().position(|c| !filler(c))?;
    Some(&rest[start..])
}

/// After the end-of-image marker that closes the last scan: marker segments are skipped
/// by their lengths (so an EXIF thumbnail's own EOI is never taken for the end), entropy
/// coded data byte by byte (`FF 00` stuffing and restart markers belong to it).
fn jpeg_end(b: &[u8]) -> Option<usize> {
    if !b.starts_with(&[0xff, 0xd8]) {
        return None;
    }
    let mut i = 2;
    loop {
        // Fill bytes (FF FF ...) may precede a marker.
        while b.get(i) == Some(&0xff) && b.get(i + 1) == Some(&0xff) {
            i += 1;
        }
        if b.get(i) != Some(&0xff) {
            return None;
        }
        let marker = *b.get(i + 1)?;
        match marker {
            0xd9 => return Some(i + 2),
            0x01 | 0xd0..=0xd7 => i += 2,
            _ => {
                let len = usize::from(u16::from_be_bytes([*b.get(i + 2)?, *b.get(i + 3)?]));
                i = i.checked_add(2 + len)?;
                if marker == 0xda {
                    i = skip_entropy(b, i)?;
                }
            }
        }
    }
}

/// The offset of the first marker after entropy-coded data starting at `i`.
fn skip_entropy(b: &[u8], mut i: usize) -> Option<usize> {
    loop {
        let at = i + memchr_ff(b.get(i..)?)?;
        match b.get(at + 1)? {
            0x00 | 0xd0..=0xd7 | 0xff => i = at + 1,
            _ => return Some(at),
        }
    }
}

fn memchr_ff(b: &[u8]) -> Option<usize> {
    b.iter().position(|&c| c == 0xff)
}

/// After the CRC of the `IEND` chunk.
fn png_end(b: &[u8]) -> Option<usize> {
    let mut i = 8;
    loop {
        let len = u32::from_be_bytes(b.get(i..i + 4)?.try_into().ok()?) as usize;
        let end = i.checked_add(12)?.checked_add(len)?;
        if b.get(i + 4..i + 8)? == b"IEND" {
            return (end <= b.len()).then_some(end);
        }
        i = end;
    }
}

/// After the last top-level box of a JP2 file: boxes are walked by their lengths until
/// the bytes no longer hold a box (a box "to the end of the file" ends there). A raw
/// codestream has no boxes and is not walked.
fn jp2_end(b: &[u8]) -> Option<usize> {
    if !b.starts_with(b"\0\0\0\x0cjP  ") {
        return None;
    }
    let mut i = 0;
    while b.len() - i >= 8 {
        let len = u64::from(u32::from_be_bytes(b[i..i + 4].try_into().ok()?));
        let kind = &b[i + 4..i + 8];
        if !kind.iter().all(|c| c.is_ascii_alphanumeric() || *c == b' ' || *c == b'_') {
            break;
        }
        let len = match len {
            0 => return Some(b.len()),
            1 => u64::from_be_bytes(b.get(i + 8..i + 16)?.try_into().ok()?),
            n => n,
        };
        let next = usize::try_from(len).ok().and_then(|l| i.checked_add(l));
        match next {
            Some(n) if len >= 8 && n <= b.len() => i = n,
            _ => break,
        }
    }
    Some(i)
}

/// After the last `%%EOF` (and the line end that closes it).
fn pdf_end(b: &[u8]) -> Option<usize> {
    const EOF: &[u8] = b"%%EOF";
    let at = b.windows(EOF.len()).rposition(|w| w == EOF)?;
    Some(at + EOF.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tiny_jpeg() -> Vec<u8> {
        // SOI, an APP1 holding a fake thumbnail EOI, SOS with stuffed and restart bytes, EOI.
        let mut j = vec![0xff, 0xd8, 0xff, 0xe1, 0x00, 0x06, 0xff, 0xd9, 0x00, 0x00];
        j.extend([0xff, 0xda, 0x00, 0x02, 0x12, 0xff, 0x00, 0x34, 0xff, 0xd0, 0x56]);
        j.extend([0xff, 0xd9]);
        j
    }

    #[test]
    fn jpeg_end_is_the_last_scans_eoi() {
        let j = tiny_jpeg();
        assert_eq!(content_end(Format::Jpeg, &j), Some(j.len()));
        let mut t = j.clone();
        t.extend(b"PK\x03\x04zip");
        let end = content_end(Format::Jpeg, &t).unwrap();
        assert_eq!(payload(Format::Jpeg, &t, end), Some(&b"PK\x03\x04zip"[..]));
        t.truncate(j.len());
        t.extend([0, 0, 0]);
        assert_eq!(payload(Format::Jpeg, &t, end), None, "zero padding is no payload");
    }

    #[test]
    fn png_jp2_pdf_ends() {
        let mut png = b"\x89PNG\r\n\x1a\n".to_vec();
        png.extend([0, 0, 0, 0]);
        png.extend(b"IEND\xae\x42\x60\x82");
        assert_eq!(content_end(Format::Png, &png), Some(png.len()));
        let mut jp2 = b"\0\0\0\x0cjP  \r\n\x87\n".to_vec();
        jp2.extend(b"\0\0\0\x08jp2c");
        assert_eq!(content_end(Format::Jp2, &jp2), Some(jp2.len()));
        jp2.extend(b"\x7fELF\x02\x01");
        assert_eq!(content_end(Format::Jp2, &jp2), Some(jp2.len() - 6));
        let pdf = b"%PDF-1.4\n%%EOF\n1 0 obj\n%%EOF\r\n \nhidden";
        let end = content_end(Format::Pdf, pdf).unwrap();
        assert_eq!(payload(Format::Pdf, pdf, end), Some(&b"hidden"[..]));
    }
}
