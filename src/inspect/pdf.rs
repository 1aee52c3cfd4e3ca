//! PDF: parse the document with `lopdf` and count the pages in its page tree.
//!
//! The page tree is the PDF's own statement of how many pages it holds, which is what
//! `page-count-mismatch` compares with the catalogue. Parsing also proves the cross
//! reference table and trailer are intact, which is where a truncated transfer shows.
//! Images inside pages are not decoded yet (a later issue), so `pages` stays empty.
//! Encrypted PDFs are refused: their content cannot be verified without the password,
//! and archival PDF (PDF/A) forbids encryption anyway.

use super::Decoded;
use lopdf::Document;

/// PDF facts: the page count, or why the document cannot be read.
pub(crate) fn inspect(bytes: &[u8]) -> Decoded {
    let doc = match Document::load_mem(bytes) {
        Ok(doc) => doc,
        Err(e) => {
            return Decoded::failed(format!(
                "PDF cannot be parsed: {e}; the file is truncated or corrupt"
            ));
        }
    };
    // `Encrypt` in the trailer, direct or by reference, is what makes a PDF encrypted.
    if doc.trailer.get(b"Encrypt").is_ok() {
        return Decoded::failed("encrypted PDF: cannot be verified".into());
    }
    let pages = u32::try_from(doc.get_pages().len()).unwrap_or(u32::MAX);
    let error =
        (pages == 0).then(|| "PDF has no pages: its page tree is empty or unreadable".to_string());
    Decoded { page_count: Some(pages), pages: Vec::new(), error }
}

#[cfg(test)]
mod tests {
    use super::super::inspect_bytes;
    use super::super::testutil::{decode, no_decode, pdf};
    use crate::facts::Format;

    #[test]
    fn counts_pages_in_the_page_tree() {
        let i = inspect_bytes(&pdf(3, false), &decode());
        assert_eq!(i.decode_error, None);
        assert_eq!((i.format, i.page_count, i.pages.len()), (Some(Format::Pdf), Some(3), 0));
    }

    #[test]
    fn truncated_pdf_is_a_decode_error() {
        let bytes = pdf(3, false);
        for opts in [decode(), no_decode()] {
            let i = inspect_bytes(&bytes[..bytes.len() * 2 / 3], &opts);
            let err = i.decode_error.unwrap();
            assert!(err.starts_with("PDF cannot be parsed"), "{err}");
            assert_eq!(i.page_count, None);
        }
    }

    #[test]
    fn zero_pages_is_a_decode_error() {
        let i = inspect_bytes(&pdf(0, false), &decode());
        assert_eq!(i.page_count, Some(0));
        assert!(i.decode_error.unwrap().contains("no pages"));
    }

    #[test]
    fn encrypted_pdf_cannot_be_verified() {
        let i = inspect_bytes(&pdf(2, true), &decode());
        assert_eq!(i.decode_error.as_deref(), Some("encrypted PDF: cannot be verified"));
        assert_eq!(i.page_count, None);
    }
}
