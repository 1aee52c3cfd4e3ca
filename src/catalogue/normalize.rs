//! Normalization of text as people type it into spreadsheets: reference codes, column
//! headers, page counts and page ranges.
//!
//! Codes are typed with a Chinese input method in full-width mode (`Ｊ００１－ＷＳ`), pasted
//! from web pages with non-breaking and zero-width spaces, or stored by Excel as numbers
//! (`20200001.0`). Matching a folder to a code therefore compares a normalized key: NFKC,
//! invisible characters removed, dash variants folded to `-`, surrounding space trimmed.
//! Case is kept: `ws` and `WS` stay different codes (issue #9 keeps this conservative).

use crate::finding::Text;
use unicode_normalization::UnicodeNormalization;

/// Characters that are invisible when typed or pasted: zero-width spaces and joiners,
/// the byte-order mark, soft hyphen, direction marks and embeddings.
fn is_invisible(c: char) -> bool {
    matches!(c,
        '\u{00ad}' | '\u{180e}' | '\u{200b}'..='\u{200f}' | '\u{202a}'..='\u{202e}'
        | '\u{2060}'..='\u{2064}' | '\u{2066}'..='\u{2069}' | '\u{feff}')
}

/// Dashes that NFKC leaves alone but that people type for the code's `-`.
fn is_dash(c: char) -> bool {
    matches!(c, '\u{2010}'..='\u{2015}' | '\u{2212}' | '\u{fe58}')
}

/// Trims surrounding white space and invisible characters, keeping the text otherwise as
/// typed: what the catalogue "says".
pub fn clean(raw: &str) -> String {
    raw.trim_matches(|c: char| c.is_whitespace() || is_invisible(c)).to_string()
}

/// The key two codes are matched by: NFKC (full-width to ASCII, ideographic space to
/// space), invisible characters removed, dash variants to `-`, white space trimmed.
pub fn key(raw: &str) -> String {
    let folded: String = raw
        .nfkc()
        .filter(|&c| !is_invisible(c))
        .map(|c| if is_dash(c) { '-' } else { c })
        .collect();
    folded.trim().to_string()
}

/// A column header as compared with the profile's names: the key, lower-cased, with all
/// white space removed (Chinese headers are spaced out for alignment: `题　　名`, `页 数`).
pub fn header(raw: &str) -> String {
    key(raw).chars().filter(|c| !c.is_whitespace()).collect::<String>().to_lowercase()
}

/// Why `typed` needed normalization to equal its key, in words for a finding.
pub fn differences(typed: &str) -> String {
    let mut what = Vec::new();
    if typed.chars().any(is_invisible) {
        what.push("invisible characters (zero-width space, BOM or direction marks)");
    }
    if typed.chars().any(|c| c != ' ' && c.is_whitespace()) {
        what.push("non-breaking or full-width spaces");
    }
    if typed.trim() != typed {
        what.push("surrounding spaces");
    }
    if typed
        .chars()
        .any(|c| !is_dash(c) && c.to_string().nfkc().collect::<String>() != c.to_string())
    {
        what.push("full-width or compatibility characters");
    }
    if typed.chars().any(is_dash) {
        what.push("a dash other than '-'");
    }
    if what.is_empty() {
        what.push("characters that Unicode normalization (NFKC) changes");
    }
    what.join(", ")
}

/// Parses a count of pages: a whole number, also when a spreadsheet wrote it as `12.0`
/// or it was typed with full-width digits. `Err` says what is wrong.
pub fn whole_number(raw: &str) -> Result<u32, Text> {
    let text = key(raw);
    if text.is_empty() {
        return Err(crate::text!("catalogue.empty"));
    }
    if let Ok(n) = text.parse::<u32>() {
        return Ok(n);
    }
    match text.parse::<f64>() {
        Ok(f) if f.fract() == 0.0 && (0.0..=f64::from(u32::MAX)).contains(&f) => Ok(f as u32),
        _ => Err(crate::text!("catalogue.not-whole", raw = raw)),
    }
}

/// A page field of an item list (页号): a start page (`5`), or a range (`1-5`, `1～5`,
/// `1—5`, `001-005`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PageField {
    /// Only the first page is given; the item runs to the next item's start.
    Start(u32),
    /// First and last page, inclusive.
    Range(u32, u32),
}

/// Parses a 页号 cell. `Err` says what is wrong.
pub fn page_field(raw: &str) -> Result<PageField, Text> {
    let text = key(raw).replace(['~', '～', '〜', '至'], "-");
    let parts: Vec<&str> = text.split('-').map(str::trim).collect();
    match parts.as_slice() {
        [one] => whole_number(one).map(PageField::Start),
        [a, b] => {
            let (a, b) = (whole_number(a)?, whole_number(b)?);
            if a > b {
                return Err(crate::text!("catalogue.backwards", raw = raw, a = a, b = b));
            }
            Ok(PageField::Range(a, b))
        }
        _ => Err(crate::text!("catalogue.not-a-range", raw = raw)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn full_width_and_invisible_codes_share_a_key() {
        let want = "J001-WS-2020-0001";
        for typed in [
            "Ｊ００１－ＷＳ－２０２０－０００１",
            "J001-WS-2020-0001\u{200b}",
            "\u{a0}J001-WS-2020-0001\u{3000}",
            "J001\u{2013}WS-2020-0001",
            "J001-\u{feff}WS-2020-0001",
        ] {
            assert_eq!(key(typed), want, "{typed:?}");
        }
        assert_ne!(key("j001-ws-2020-0001"), want, "case is kept");
    }

    #[test]
    fn differences_name_what_was_typed() {
        assert!(differences("Ｊ001").contains("full-width"));
        assert!(differences("J\u{200b}001").contains("invisible"));
        assert!(differences("J001\u{a0}").contains("non-breaking"));
    }

    #[test]
    fn page_counts_as_spreadsheets_write_them() {
        assert_eq!(whole_number("12"), Ok(12));
        assert_eq!(whole_number("12.0"), Ok(12));
        assert_eq!(whole_number("１２"), Ok(12));
        assert!(whole_number("").is_err());
        assert!(whole_number("12.5").is_err());
        assert!(whole_number("-3").is_err());
        assert!(
            whole_number("three").unwrap_err().render(crate::finding::Lang::En).contains("'three'")
        );
    }

    #[test]
    fn page_fields_as_archivists_type_them() {
        assert_eq!(page_field("5"), Ok(PageField::Start(5)));
        assert_eq!(page_field("5.0"), Ok(PageField::Start(5)));
        assert_eq!(page_field("1-5"), Ok(PageField::Range(1, 5)));
        assert_eq!(page_field("001～005"), Ok(PageField::Range(1, 5)));
        assert_eq!(page_field("１—５"), Ok(PageField::Range(1, 5)));
        assert_eq!(page_field(" 6 - 9 "), Ok(PageField::Range(6, 9)));
        assert!(
            page_field("9-6").unwrap_err().render(crate::finding::Lang::En).contains("backwards")
        );
        assert!(page_field("1-2-3").is_err());
        assert!(page_field("").is_err());
    }
}
