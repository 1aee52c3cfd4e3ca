//! Programs and archives by their first bytes (issue #20, `safety-executable`): a page
//! renamed from `setup.exe` or a ZIP named `0007.jpg` is found by content, whatever its
//! name says. Also used on the bytes hidden after a page's end (`safety-trailing-data`).

/// What the bytes at the start of `b` are, when they are a program or a script.
pub fn program(b: &[u8]) -> Option<&'static str> {
    if b.starts_with(b"\x7fELF") {
        return Some("an ELF program (Linux/Unix)");
    }
    if b.starts_with(b"MZ") && has_pe_header(b) {
        return Some("a Windows PE program (MZ/PE header)");
    }
    if b.starts_with(b"#!") {
        return Some("a script (#! line)");
    }
    macho(b)
}

/// A DOS stub whose `e_lfanew` (offset 0x3C) points at `PE\0\0`.
fn has_pe_header(b: &[u8]) -> bool {
    let Some(at) = b.get(0x3c..0x40) else { return false };
    let at = u32::from_le_bytes([at[0], at[1], at[2], at[3]]) as usize;
    at.checked_add(4).and_then(|end| b.get(at..end)) == Some(b"PE\0\0".as_slice())
}

/// Mach-O in every byte order and word size, and universal ("fat") binaries. A Java
/// class file shares the fat magic `CAFEBABE`; both are programs.
fn macho(b: &[u8]) -> Option<&'static str> {
    const THIN: [[u8; 4]; 4] = [
        [0xfe, 0xed, 0xfa, 0xce],
        [0xfe, 0xed, 0xfa, 0xcf],
        [0xce, 0xfa, 0xed, 0xfe],
        [0xcf, 0xfa, 0xed, 0xfe],
    ];
    const FAT: [[u8; 4]; 4] = [
        [0xca, 0xfe, 0xba, 0xbe],
        [0xca, 0xfe, 0xba, 0xbf],
        [0xbe, 0xba, 0xfe, 0xca],
        [0xbf, 0xba, 0xfe, 0xca],
    ];
    let head: [u8; 4] = b.get(..4)?.try_into().ok()?;
    if THIN.contains(&head) {
        return Some("a Mach-O program (macOS)");
    }
    FAT.contains(&head).then_some("a Mach-O universal program (macOS) or Java class")
}

/// What the bytes at the start of `b` are, when they are an archive (a container that
/// can carry anything): ZIP (and everything built on it), RAR, 7z, CAB.
pub fn archive(b: &[u8]) -> Option<&'static str> {
    const ARCHIVES: [(&[u8], &str); 6] = [
        (b"PK\x03\x04", "a ZIP archive"),
        (b"PK\x05\x06", "an empty ZIP archive"),
        (b"PK\x07\x08", "a spanned ZIP archive"),
        (b"Rar!\x1a\x07", "a RAR archive"),
        (b"7z\xbc\xaf\x27\x1c", "a 7z archive"),
        (b"MSCF\0\0\0\0", "a CAB archive"),
    ];
    ARCHIVES.iter().find(|(magic, _)| b.starts_with(magic)).map(|(_, what)| *what)
}

/// What a hidden payload starts with, when it is a program, an archive or another
/// document: the signatures that make trailing bytes an error rather than a warning.
pub fn container(b: &[u8]) -> Option<&'static str> {
    const DOCUMENTS: [(&[u8], &str); 5] = [
        (b"%PDF-", "a PDF"),
        (b"\xff\xd8\xff", "a JPEG"),
        (b"\x89PNG\r\n\x1a\n", "a PNG"),
        (b"GIF8", "a GIF"),
        (b"\x1f\x8b", "a gzip stream"),
    ];
    // A hidden program need not carry a complete PE header to be one.
    let mz = b.starts_with(b"MZ").then_some("a DOS/Windows program (MZ)");
    program(b)
        .or(mz)
        .or_else(|| archive(b))
        .or_else(|| DOCUMENTS.iter().find(|(magic, _)| b.starts_with(magic)).map(|(_, what)| *what))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn programs_by_content() {
        assert!(program(b"\x7fELF\x02\x01\x01").is_some());
        let mut pe = vec![0u8; 0x84];
        pe[..2].copy_from_slice(b"MZ");
        pe[0x3c] = 0x80;
        pe[0x80..0x84].copy_from_slice(b"PE\0\0");
        assert_eq!(program(&pe), Some("a Windows PE program (MZ/PE header)"));
        pe[0x81] = b'X';
        assert_eq!(program(&pe), None, "MZ without a PE header is not a PE program");
        assert!(program(b"#!/bin/sh\n").is_some());
        assert!(program(&[0xcf, 0xfa, 0xed, 0xfe, 7]).is_some());
        assert!(program(&[0xca, 0xfe, 0xba, 0xbe, 0]).is_some());
        assert_eq!(program(b"\xff\xd8\xff\xe0"), None);
        assert_eq!(program(b"#"), None);
    }

    #[test]
    fn archives_and_containers() {
        assert_eq!(archive(b"PK\x03\x04rest"), Some("a ZIP archive"));
        assert!(archive(b"Rar!\x1a\x07\x01\x00").is_some());
        assert!(archive(b"7z\xbc\xaf\x27\x1c\0\x04").is_some());
        assert!(archive(b"MSCF\0\0\0\0").is_some());
        assert_eq!(archive(b"%PDF-1.7"), None);
        assert_eq!(container(b"%PDF-1.7"), Some("a PDF"));
        assert_eq!(container(b"MZ\x90\0"), Some("a DOS/Windows program (MZ)"));
        assert_eq!(container(b"X5O!P%@AP"), None);
    }
}
