//! OFD (GB/T 33190) identification: a ZIP package whose entries include `OFD.xml`.
//!
//! Only the entry names are needed, so the ZIP central directory is read by hand (about
//! sixty lines) instead of adding the `zip` crate, which would pull in compression
//! back-ends we never use and would decompress nothing here anyway. The central directory
//! sits at the end of the package, so reading it also proves the package is complete: a
//! truncated OFD loses it and is reported, instead of passing unverified. Parsing the OFD
//! page list comes with a later issue; until then `page_count` stays `None`.

use super::Decoded;
use super::endian::Endian::Little;

const EOCD_SIG: u32 = 0x0605_4b50;
const EOCD_LEN: usize = 22;
const ZIP64_LOCATOR_SIG: u32 = 0x0706_4b50;
const ZIP64_EOCD_SIG: u32 = 0x0606_4b50;
const CENTRAL_SIG: u32 = 0x0201_4b50;
const LOCAL_SIG: u32 = 0x0403_4b50;
const ROOT_DOCUMENT: &[u8] = b"OFD.xml";

/// Whether a ZIP package is an OFD. A package whose central directory is damaged still
/// counts when its first entry is `OFD.xml`, so that [`inspect`] can report the damage.
pub(crate) fn is_ofd(bytes: &[u8]) -> bool {
    match central_directory_names(bytes) {
        Ok(names) => names.iter().any(|n| n.eq_ignore_ascii_case(ROOT_DOCUMENT)),
        Err(_) => first_local_name(bytes).is_some_and(|n| n.eq_ignore_ascii_case(ROOT_DOCUMENT)),
    }
}

/// OFD facts: only the package structure is checked for now.
pub(crate) fn inspect(bytes: &[u8]) -> Decoded {
    let error = central_directory_names(bytes).err().map(|why| {
        format!("OFD package (ZIP) is damaged: {why}; the file is truncated or corrupt")
    });
    Decoded { page_count: None, pages: Vec::new(), error }
}

/// Names of the entries the central directory lists, in order.
fn central_directory_names(bytes: &[u8]) -> Result<Vec<&[u8]>, String> {
    let eocd = find_eocd(bytes).ok_or("no end-of-central-directory record")?;
    let (mut at, end, entries) = directory_extent(bytes, eocd)?;
    let mut names = Vec::new();
    while names.len() as u64 != entries {
        if Little.u32(bytes, at) != Some(CENTRAL_SIG) {
            return Err(format!("central directory entry {} is missing", names.len() + 1));
        }
        let field = |off: u64| Little.u16(bytes, at + off).map(u64::from);
        let (Some(name_len), Some(extra), Some(comment)) = (field(28), field(30), field(32)) else {
            return Err("central directory is cut short".into());
        };
        let name_start = at + 46;
        let next = name_start + name_len + extra + comment;
        let name = usize::try_from(name_start)
            .ok()
            .zip(usize::try_from(name_start + name_len).ok())
            .and_then(|(s, e)| bytes.get(s..e))
            .filter(|_| next <= end)
            .ok_or("central directory is cut short")?;
        names.push(name);
        at = next;
    }
    Ok(names)
}

/// Start, end and entry count of the central directory, following ZIP64 when the classic
/// record says its fields overflowed.
fn directory_extent(bytes: &[u8], eocd: u64) -> Result<(u64, u64, u64), String> {
    let classic = (
        Little.u32(bytes, eocd + 16).map(u64::from),
        Little.u32(bytes, eocd + 12).map(u64::from),
        Little.u16(bytes, eocd + 10).map(u64::from),
    );
    let (Some(mut start), Some(mut size), Some(mut entries)) = classic else {
        return Err("end-of-central-directory record is cut short".into());
    };
    if start == 0xFFFF_FFFF || size == 0xFFFF_FFFF || entries == 0xFFFF {
        let z64 = eocd.checked_sub(20).filter(|&l| Little.u32(bytes, l) == Some(ZIP64_LOCATOR_SIG));
        let record = z64.and_then(|l| Little.u64(bytes, l + 8)).ok_or("ZIP64 locator missing")?;
        if Little.u32(bytes, record) != Some(ZIP64_EOCD_SIG) {
            return Err("ZIP64 end-of-central-directory record missing".into());
        }
        let field = |off| Little.u64(bytes, record + off).ok_or("ZIP64 record is cut short");
        (entries, size, start) = (field(32)?, field(40)?, field(48)?);
    }
    let end = start.checked_add(size).filter(|&e| e <= eocd).ok_or_else(|| {
        format!("central directory at offset {start} ({size} bytes) lies past its end record")
    })?;
    Ok((start, end, entries))
}

/// Offset of the end-of-central-directory record: the last signature that leaves room for
/// the record (the archive comment after it is at most 65535 bytes).
fn find_eocd(bytes: &[u8]) -> Option<u64> {
    let last = bytes.len().checked_sub(EOCD_LEN)?;
    let first = last.saturating_sub(usize::from(u16::MAX));
    (first..=last).rev().find(|&i| Little.u32(bytes, i as u64) == Some(EOCD_SIG)).map(|i| i as u64)
}

/// Name of the first local entry, read from the front when the directory is unreadable.
fn first_local_name(bytes: &[u8]) -> Option<&[u8]> {
    if Little.u32(bytes, 0) != Some(LOCAL_SIG) {
        return None;
    }
    let len = usize::from(Little.u16(bytes, 26)?);
    bytes.get(30..30 + len)
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// A stored (uncompressed) ZIP holding `entries`, as any ZIP tool would write it.
    pub(crate) fn zip(entries: &[(&str, &[u8])]) -> Vec<u8> {
        let (mut out, mut central) = (Vec::new(), Vec::new());
        for (name, data) in entries {
            let offset = out.len() as u32;
            let sizes = [(data.len() as u32).to_le_bytes(), (data.len() as u32).to_le_bytes()];
            out.extend_from_slice(&LOCAL_SIG.to_le_bytes());
            out.extend_from_slice(&[20, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
            out.extend_from_slice(&sizes.concat());
            out.extend_from_slice(&(name.len() as u16).to_le_bytes());
            out.extend_from_slice(&[0, 0]);
            out.extend_from_slice(name.as_bytes());
            out.extend_from_slice(data);
            central.extend_from_slice(&CENTRAL_SIG.to_le_bytes());
            central.extend_from_slice(&[20, 0, 20, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
            central.extend_from_slice(&sizes.concat());
            central.extend_from_slice(&(name.len() as u16).to_le_bytes());
            central.extend_from_slice(&[0; 12]);
            central.extend_from_slice(&offset.to_le_bytes());
            central.extend_from_slice(name.as_bytes());
        }
        let cd_start = out.len() as u32;
        out.extend_from_slice(&central);
        out.extend_from_slice(&EOCD_SIG.to_le_bytes());
        out.extend_from_slice(&[0, 0, 0, 0]);
        let n = (entries.len() as u16).to_le_bytes();
        out.extend_from_slice(&[n, n].concat());
        out.extend_from_slice(&(central.len() as u32).to_le_bytes());
        out.extend_from_slice(&cd_start.to_le_bytes());
        out.extend_from_slice(&[0, 0]);
        out
    }

    #[test]
    fn lists_central_directory_names() {
        let z = zip(&[("Doc_0/Document.xml", b"<a/>"), ("OFD.xml", b"<ofd/>")]);
        let names = central_directory_names(&z).unwrap();
        assert_eq!(names, vec![&b"Doc_0/Document.xml"[..], b"OFD.xml"]);
        assert!(is_ofd(&z));
        assert_eq!(inspect(&z).error, None);
    }

    #[test]
    fn a_zip_without_ofd_xml_is_not_ofd() {
        let z = zip(&[("word/document.xml", b"<w/>"), ("sub/OFD.xml", b"<x/>")]);
        assert!(!is_ofd(&z));
    }

    #[test]
    fn truncated_ofd_is_still_ofd_but_damaged() {
        let z = zip(&[("OFD.xml", b"<ofd/>"), ("Doc_0/Document.xml", b"<a/>")]);
        let cut = &z[..z.len() - 30];
        assert!(is_ofd(cut));
        let err = inspect(cut).error.unwrap();
        assert!(err.contains("damaged"), "{err}");
    }

    #[test]
    fn central_directory_offset_past_end_is_an_error() {
        let mut z = zip(&[("OFD.xml", b"<ofd/>")]);
        let at = z.len() - 6;
        z[at..at + 4].copy_from_slice(&0x00FF_FFFFu32.to_le_bytes());
        assert!(central_directory_names(&z).unwrap_err().contains("past"));
    }
}
