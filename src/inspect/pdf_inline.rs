//! PDF inline images (`BI` ... `ID` data `EI` in a content stream): found here, so that
//! they are decoded and checked like image XObjects (issue #19).
//!
//! `lopdf`'s content parser (0.38) reads an inline image only when it is unfiltered and in
//! a device colour space, and otherwise fails the whole content stream ("invalid content
//! stream"): producers write inline images with `/F /CCF`, `/F [/A85 /Fl]`, `/CS /I` or a
//! named resource colour space. So the content is split here, lexically, into runs of
//! ordinary operators (which `lopdf` parses) and inline images. An image's dictionary is
//! parsed by `lopdf` too (as the operand of a dummy operator), its abbreviated keys
//! expanded (ISO 32000-1 Table 93; filter and colour-space abbreviations are expanded
//! where they are read).
//!
//! The end of an image's data is not written in the file. For unfiltered samples in a
//! known colour space it follows from the size; after `/AHx` or `/A85` it is the end-of-data
//! marker; otherwise it is the first `EI` standing alone (white space before, white space,
//! a delimiter or the end after) that is followed by text, not binary data, as poppler and
//! MuPDF find it. The scan is linear in the content: every byte is visited a bounded
//! number of times.

use lopdf::content::Content;
use lopdf::{Dictionary, Object};

/// A piece of a content stream.
#[derive(Debug)]
pub(crate) enum Piece<'a> {
    /// Ordinary operators, for `lopdf`'s content parser.
    Ops(&'a [u8]),
    /// An inline image: its dictionary (full key names) and data.
    Image(Dictionary, &'a [u8]),
}

/// Splits `content` into operators and inline images. An image without `ID` or `EI`, or
/// whose dictionary does not parse, is an error naming its byte offset.
pub(crate) fn split(content: &[u8]) -> Result<Vec<Piece<'_>>, String> {
    let mut pieces = Vec::new();
    let (mut lex, mut from) = (Lexer { b: content, pos: 0 }, 0);
    while let Some((start, token)) = lex.token() {
        if token != b"BI" {
            continue;
        }
        pieces.push(Piece::Ops(&content[from..start]));
        let head = start + 2;
        let id = loop {
            match lex.token() {
                Some((at, b"ID")) => break at,
                Some(_) => {}
                None => return Err(format!("inline image at byte {start} has no ID: truncated")),
            }
        };
        let dict = dictionary(&content[head..id])
            .ok_or_else(|| format!("inline image at byte {start}: its dictionary is corrupt"))?;
        // One white-space byte separates `ID` from the data.
        let data_at = (id + 3).min(content.len());
        let (end, next) = data_end(content, data_at, &dict).ok_or_else(|| {
            format!("inline image at byte {start} has no EI after its data: truncated")
        })?;
        pieces.push(Piece::Image(dict, &content[data_at..end]));
        (lex.pos, from) = (next, next);
    }
    pieces.push(Piece::Ops(&content[from..]));
    Ok(pieces)
}

/// The dictionary between `BI` and `ID`, parsed by `lopdf` as a dummy operator's operand,
/// its abbreviated keys expanded.
fn dictionary(source: &[u8]) -> Option<Dictionary> {
    let wrapped = [&b"<<"[..], source, b">> vouchInline"].concat();
    let ops = Content::decode(&wrapped).ok()?.operations;
    let Some(Object::Dictionary(short)) = ops.into_iter().next()?.operands.into_iter().next()
    else {
        return None;
    };
    let mut dict = Dictionary::new();
    for (key, value) in short {
        let full: &[u8] = match key.as_slice() {
            b"BPC" => b"BitsPerComponent",
            b"CS" => b"ColorSpace",
            b"D" => b"Decode",
            b"DP" => b"DecodeParms",
            b"F" => b"Filter",
            b"H" => b"Height",
            b"IM" => b"ImageMask",
            b"I" => b"Interpolate",
            b"W" => b"Width",
            b"L" => b"Length",
            other => other,
        };
        dict.set(full.to_vec(), value);
    }
    Some(dict)
}

/// Where the image data starting at `at` ends, and where the content goes on after `EI`.
fn data_end(b: &[u8], at: usize, dict: &Dictionary) -> Option<(usize, usize)> {
    let search_from = match first_filter(dict).as_deref() {
        None => raw_length(dict).and_then(|n| at.checked_add(n)).filter(|&e| e <= b.len()),
        Some(b"AHx" | b"ASCIIHexDecode") => find(b, at, b">").map(|i| i + 1),
        Some(b"A85" | b"ASCII85Decode") => find(b, at, b"~>").map(|i| i + 2),
        Some(_) => None,
    };
    if let Some(end) = search_from {
        // The data's length is known: `EI` must follow, after optional white space.
        let ei = end + b[end..].iter().take_while(|&&c| is_white(c)).count();
        if b[ei..].starts_with(b"EI") && b.get(ei + 2).is_none_or(|&c| ends_token(c)) {
            return Some((end, ei + 2));
        }
    }
    let mut from = at;
    while let Some(i) = find(b, from, b"EI") {
        let alone = i > at && is_white(b[i - 1]) && b.get(i + 2).is_none_or(|&c| ends_token(c));
        if alone && text_follows(&b[i + 2..]) {
            return Some((i - 1, i + 2));
        }
        from = i + 1;
    }
    None
}

/// The first filter's name as written, if any.
fn first_filter(dict: &Dictionary) -> Option<Vec<u8>> {
    match dict.get(b"Filter").ok()? {
        Object::Name(n) => Some(n.clone()),
        Object::Array(a) => a.first()?.as_name().ok().map(<[u8]>::to_vec),
        _ => None,
    }
}

/// The length of unfiltered samples, when the colour space is one whose channels are known.
fn raw_length(dict: &Dictionary) -> Option<usize> {
    let int = |k: &[u8]| dict.get(k).ok()?.as_i64().ok().and_then(|v| usize::try_from(v).ok());
    let mask = matches!(dict.get(b"ImageMask"), Ok(Object::Boolean(true)));
    let channels = if mask {
        1
    } else {
        match dict.get(b"ColorSpace").ok()? {
            Object::Name(n) => match n.as_slice() {
                b"G" | b"DeviceGray" => 1,
                b"RGB" | b"DeviceRGB" => 3,
                b"CMYK" | b"DeviceCMYK" => 4,
                _ => return None,
            },
            Object::Array(a) if matches!(a.first(), Some(Object::Name(n)) if n == b"I" || n == b"Indexed") => {
                1
            }
            _ => return None,
        }
    };
    let bpc = if mask { 1 } else { int(b"BitsPerComponent")? };
    let row = int(b"Width")?.checked_mul(channels * bpc)?.div_ceil(8);
    row.checked_mul(int(b"Height")?)
}

/// After a true `EI` the content goes on with operators: the next bytes are text.
fn text_follows(rest: &[u8]) -> bool {
    rest.iter().take(16).all(|&c| c.is_ascii_graphic() || is_white(c))
}

fn find(b: &[u8], from: usize, what: &[u8]) -> Option<usize> {
    b.get(from..)?.windows(what.len()).position(|w| w == what).map(|i| from + i)
}

fn is_white(c: u8) -> bool {
    matches!(c, b'\0' | b'\t' | b'\n' | b'\x0C' | b'\r' | b' ')
}

fn is_delimiter(c: u8) -> bool {
    matches!(c, b'(' | b')' | b'<' | b'>' | b'[' | b']' | b'{' | b'}' | b'/' | b'%')
}

fn ends_token(c: u8) -> bool {
    is_white(c) || is_delimiter(c)
}

/// The content's regular tokens (operators, numbers, names' bodies), skipping strings and
/// comments, with their offsets.
struct Lexer<'a> {
    b: &'a [u8],
    pos: usize,
}

impl<'a> Lexer<'a> {
    fn token(&mut self) -> Option<(usize, &'a [u8])> {
        let b = self.b;
        while let Some(&c) = b.get(self.pos) {
            match c {
                b'%' => self.skip_while(|c| c != b'\n' && c != b'\r'),
                b'(' => self.skip_literal_string(),
                b'<' if b.get(self.pos + 1) != Some(&b'<') => self.skip_while(|c| c != b'>'),
                b'/' => {
                    self.pos += 1;
                    self.skip_while(|c| !ends_token(c));
                    continue;
                }
                c if ends_token(c) => {}
                _ => {
                    let start = self.pos;
                    self.skip_while(|c| !ends_token(c));
                    return Some((start, &b[start..self.pos]));
                }
            }
            self.pos += 1;
        }
        None
    }

    fn skip_while(&mut self, keep: impl Fn(u8) -> bool) {
        self.pos = super::pdf_scan::skip_while(self.b, self.pos, keep);
    }

    /// `( ... )` with balanced inner parentheses and backslash escapes; stops on the `)`
    /// (the token loop steps past it).
    fn skip_literal_string(&mut self) {
        self.pos = super::pdf_scan::literal_string_end(self.b, self.pos) - 1;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn images(content: &[u8]) -> Vec<(Dictionary, Vec<u8>)> {
        let pieces = split(content).unwrap();
        pieces
            .into_iter()
            .filter_map(|p| match p {
                Piece::Image(d, data) => Some((d, data.to_vec())),
                Piece::Ops(_) => None,
            })
            .collect()
    }

    #[test]
    fn raw_samples_end_by_their_size_even_when_they_hold_ei() {
        let content =
            b"q 4 0 0 2 0 0 cm BI /W 4 /H 2 /CS /G /BPC 8 ID \n EI \x00\x01\x02 EI\n Q (BI) Tj";
        let found = images(content);
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].1, b"\n EI \x00\x01\x02");
        assert_eq!(found[0].0.get(b"Width").unwrap().as_i64().unwrap(), 4);
        let pieces = split(content).unwrap();
        let Piece::Ops(tail) = pieces.last().unwrap() else { panic!() };
        assert_eq!(*tail, b"\n Q (BI) Tj");
    }

    #[test]
    fn filtered_data_ends_at_an_ei_followed_by_text() {
        let content = b"BI /W 2 /H 2 /F [/A85 /Fl] ID 9jqo^EI~>\nEI Q BI /W 1 /H 1 /F /DCT ID \xff EI \x01\x02 EI Q";
        let found = images(content);
        assert_eq!(found.len(), 2);
        assert_eq!(found[0].1, b"9jqo^EI~>");
        assert_eq!(found[1].1, b"\xff EI \x01\x02");
    }

    #[test]
    fn an_image_without_id_or_ei_is_an_error() {
        assert!(split(b"q BI /W 1 /H 1").unwrap_err().contains("no ID"));
        assert!(split(b"BI /W 1 /H 1 /F /Fl ID \x01\x02\x03").unwrap_err().contains("no EI"));
        assert!(split(b"BI /W 1 /H 1 /CS /G /BPC 8 ID ").unwrap_err().contains("no EI"));
    }
}
