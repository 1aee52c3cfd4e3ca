//! The defect injectors: how each defect class is planted, and which findings it must cause.
//!
//! Each injector touches one record (its slot) and nothing else, and is written so that
//! exactly the findings it declares result: a gap is renumbered so the page count still
//! matches, a duplicate page number is counted in the catalogue, a replaced page keeps its
//! number, every new regular file is listed in the manifest unless the defect is about the
//! manifest. The comments say why each one causes no other finding.

use super::{Defect, Entry, Listing, Plan, UNEXPECTED_CODE, encode, file, sha256_hex};
use anyhow::Result;

impl Plan {
    /// Plants `defect` in record `slot` (a record with single-image pages).
    pub(super) fn inject(&mut self, defect: Defect, slot: usize) -> Result<()> {
        let rule = defect.rule();
        let code = self.records[slot].code.clone();
        let rec = Some(code.as_str());
        match defect {
            Defect::RecordMissing => {
                // The folder and its files vanish; the manifest is written from what exists.
                let prefix = [code.as_bytes(), b"/"].concat();
                self.entries.retain(|path, _| !path.starts_with(&prefix));
                self.expect(rule, rec, None);
            }
            Defect::RecordUnexpected => {
                // Listed in the manifest, a valid page: only the folder itself is reported.
                let path = format!("{UNEXPECTED_CODE}/001.jpg").into_bytes();
                let bytes = self.jpeg_page(Some(300))?;
                self.add(path, bytes);
                self.expect(rule, None, Some(UNEXPECTED_CODE.as_bytes()));
            }
            Defect::RecordDuplicateId => {
                // Same code, same page count: nothing else can disagree.
                self.repeated.push(slot);
                self.expect(rule, rec, None);
            }
            Defect::PageCountMismatch => {
                self.records[slot].pages += 1;
                self.expect(rule, rec, Some(code.as_bytes()));
            }
            Defect::PageGap => self.renumber_after(slot, 2)?,
            Defect::PageNumberDuplicate => self.duplicate_number(slot)?,
            Defect::PageNameInvalid => {
                // A valid 300 dpi JPEG, listed: only its name is wrong.
                let path = self.records[slot].in_folder(b"cover.jpg");
                let bytes = self.jpeg_page(Some(300))?;
                self.add(path.clone(), bytes);
                self.expect(rule, rec, Some(&path));
            }
            Defect::PageDuplicateContent => {
                let (p2, p3) = (self.records[slot].page_path(2), self.records[slot].page_path(3));
                let Entry::File { bytes, .. } = self.entries[&p2].clone() else { unreachable!() };
                self.add(p3.clone(), bytes);
                self.expect(rule, rec, Some(&p3));
            }
            _ => self.inject_file_defect(defect, slot)?,
        }
        Ok(())
    }

    /// The defects that replace or add one file of record `slot`.
    fn inject_file_defect(&mut self, defect: Defect, slot: usize) -> Result<()> {
        let rule = defect.rule();
        let record = self.records[slot].clone();
        let rec = Some(record.code.as_str());
        // Most replace page 2 by a page of the same number, so count and numbering hold.
        let replace_page_2 = |plan: &mut Plan, ext: &str, bytes: Vec<u8>| -> Result<Vec<u8>> {
            plan.take(&record.page_path(2))?;
            let path = record.page_path_ext(2, ext);
            plan.add(path.clone(), bytes);
            Ok(path)
        };
        let path = match defect {
            Defect::FormatUnreadable => {
                // JFIF header (300 dpi) intact, scan data cut at 55%, no EOI marker.
                let mut bytes = self.jpeg_page(Some(300))?;
                bytes.truncate(bytes.len() * 55 / 100);
                replace_page_2(self, "jpg", bytes)?
            }
            Defect::FormatNotAllowed => {
                let bytes = encode::png(&encode::render_grey(&mut self.rng), 300)?;
                replace_page_2(self, "png", bytes)?
            }
            Defect::FormatExtensionMismatch => {
                // TIFF is allowed, so only the extension is wrong.
                let grey = encode::render_grey(&mut self.rng);
                let res = encode::TiffResolution::dpi(300);
                let bytes = encode::grey_tiff(&grey, encode::TiffCompression::Lzw, res)?;
                replace_page_2(self, "jpg", bytes)?
            }
            Defect::ResolutionLow => {
                let bytes = self.jpeg_page(Some(150))?;
                replace_page_2(self, "jpg", bytes)?
            }
            Defect::ResolutionMissing => {
                let bytes = self.jpeg_page(None)?;
                replace_page_2(self, "jpg", bytes)?
            }
            Defect::FileEmpty => {
                // Listed with the empty digest; an empty page still counts as delivered.
                let path = record.page_path(2);
                self.entries.insert(path.clone(), file(Vec::new(), Listing::Listed));
                path
            }
            _ => return self.inject_entry_defect(defect, slot),
        };
        self.expect(rule, rec, Some(&path));
        Ok(())
    }

    /// The defects about the manifest and about special or oddly named entries.
    fn inject_entry_defect(&mut self, defect: Defect, slot: usize) -> Result<()> {
        let rule = defect.rule();
        let record = self.records[slot].clone();
        let path = match defect {
            Defect::HashMismatch => {
                // The manifest carries the digest of another rendering of page 1.
                let wrong = sha256_hex(&self.jpeg_page(Some(300))?);
                let path = record.page_path(1);
                if let Some(Entry::File { listing, .. }) = self.entries.get_mut(&path) {
                    *listing = Listing::Digest(wrong);
                }
                path
            }
            Defect::HashUnlisted => {
                let path = record.page_path(2);
                if let Some(Entry::File { listing, .. }) = self.entries.get_mut(&path) {
                    *listing = Listing::Unlisted;
                }
                path
            }
            Defect::HashMissingFile => {
                // A stale line for a page after the last: nothing on disk, no page counted.
                let path = record.page_path(record.delivered + 1);
                let digest = sha256_hex(&self.jpeg_page(Some(300))?);
                self.phantom.push((path.clone(), digest));
                path
            }
            Defect::FileUnreadable => {
                // The last page is a socket: counted by name, never opened, not listed.
                let path = record.page_path(record.delivered);
                self.take(&path)?;
                self.entries.insert(path.clone(), Entry::Socket);
                path
            }
            Defect::FileJunk => {
                let path = record.in_folder(b"Thumbs.db");
                let junk = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1 thumbnail cache".to_vec();
                self.entries.insert(path.clone(), file(junk, Listing::Unlisted));
                path
            }
            Defect::FileNameEncoding => {
                // 档案.jpg in GBK; a valid page listed under its raw bytes.
                let path = record.in_folder(b"\xb5\xb5\xb0\xb8.jpg");
                let bytes = self.jpeg_page(Some(300))?;
                self.add(path.clone(), bytes);
                path
            }
            Defect::FileSymlink => {
                let path = record.in_folder(b"loop");
                self.entries.insert(path.clone(), Entry::Symlink(b".".to_vec()));
                path
            }
            Defect::DirUnexpected => {
                // 备份/ ("backup") holds a listed, valid scan whose name is no page name.
                let bytes = self.jpeg_page(Some(300))?;
                self.add(record.in_folder("备份/scan.jpg".as_bytes()), bytes);
                record.in_folder("备份".as_bytes())
            }
            _ => unreachable!("{defect:?} is injected elsewhere"),
        };
        self.expect(rule, Some(&record.code), Some(&path));
        Ok(())
    }

    /// page-gap: pages after `keep` move up by one, so numbering skips `keep + 1` while
    /// the count still matches the catalogue.
    fn renumber_after(&mut self, slot: usize, keep: u32) -> Result<()> {
        let record = self.records[slot].clone();
        for n in (keep + 1..=record.delivered).rev() {
            let entry = self.take(&record.page_path(n))?;
            self.entries.insert(record.page_path(n + 1), entry);
        }
        self.expect("page-gap", Some(&record.code), Some(record.code.as_bytes()));
        Ok(())
    }

    /// page-number-duplicate: page 3 again, one more leading zero, different content, a
    /// different extension; the catalogue counts it so the page count still matches.
    fn duplicate_number(&mut self, slot: usize) -> Result<()> {
        let record = self.records[slot].clone();
        let first = record.page_path(3);
        let name = &first[record.code.len() + 1..];
        let stem = &name[..name.iter().position(|&b| b == b'.').unwrap()];
        let second = record.in_folder(&[b"0", stem, b".jpeg"].concat());
        let bytes = self.jpeg_page(Some(300))?;
        self.add(second.clone(), bytes);
        self.records[slot].pages += 1;
        let later = first.max(second);
        self.expect("page-number-duplicate", Some(&record.code), Some(&later));
        Ok(())
    }
}
