//! PDF pre-scan: bounds the work `lopdf` may be asked to do, before it is asked (issue #8).
//!
//! `lopdf` parses arrays and dictionaries by recursion, inflates object streams and
//! cross-reference streams without a size limit, and resolves a stream's indirect
//! `/Length` by parsing that object, recursively. A file of 100,000 nested `[` overflows
//! the 2 MiB stack of an inspection thread (an abort, not a finding), and a small object
//! stream can inflate to gigabytes. So the raw bytes are scanned first, lexically (strings,
//! comments and stream data skipped): nesting deeper than [`MAX_NESTING`] is refused; every
//! object stream and cross-reference stream is inflated here within
//! `limits.max_inflated_bytes` (an object stream's content scanned for nesting in turn);
//! and a stream whose `/Length` names another stream is refused. Content streams are
//! scanned with [`content_nesting`] before `lopdf`'s content parser sees them. The scan is
//! linear in the file and allocates nothing but the inflated streams.

use super::{InspectOptions, over_inflate_limit};
use std::collections::HashSet;
use std::io::Read;

/// Arrays and dictionaries nested deeper than this are refused. Scanned pages nest a few
/// levels (a page's resources hold dictionaries of dictionaries); 64 is far beyond any
/// honest file and far below what overflows a 2 MiB stack.
pub(crate) const MAX_NESTING: usize = 64;

/// Checks the whole file; the error is the decode error, naming the limit it hit. True
/// when a stream's direct `/Length` does not end at its `endstream` (for
/// [`super::pdf_repair::fix_stream_lengths`], so sound files are not scanned twice).
pub(crate) fn prescan(bytes: &[u8], opts: &InspectOptions) -> Result<bool, String> {
    let mut scan = Scan { bytes, pos: 0, opts, inner: false };
    let found = scan.run()?;
    if let Some(id) = found.length_refs.iter().find(|id| found.streams.contains(id)) {
        return Err(format!(
            "PDF is corrupt: a stream's /Length refers to object {} {}, which is itself a \
             stream (lengths must be numbers); it was not parsed",
            id.0, id.1
        ));
    }
    Ok(found.wrong_length)
}

/// Checks a content stream's nesting before `lopdf::content::Content::decode` recurses
/// through it; inline image data (`ID` ... `EI`) is skipped.
pub(crate) fn content_nesting(content: &[u8]) -> Result<(), String> {
    let opts = InspectOptions::default();
    let mut scan = Scan { bytes: content, pos: 0, opts: &opts, inner: true };
    scan.run().map(drop)
}

fn too_deep(what: &str) -> String {
    format!(
        "{what} nests arrays and dictionaries more than {MAX_NESTING} deep, over vouch's PDF \
         nesting limit ({MAX_NESTING} levels); it was not parsed"
    )
}

/// What the scan learned about objects.
#[derive(Default)]
struct Found {
    /// Objects (number, generation) that hold a stream.
    streams: HashSet<(u64, u64)>,
    /// Objects named by a stream's indirect `/Length`.
    length_refs: HashSet<(u64, u64)>,
    /// A stream whose direct `/Length` does not end at its `endstream`.
    wrong_length: bool,
}

struct Scan<'a> {
    bytes: &'a [u8],
    pos: usize,
    opts: &'a InspectOptions,
    /// Inside an object stream or a content stream: no `obj`/`stream` structure, but
    /// inline images (in content).
    inner: bool,
}

fn is_white(b: u8) -> bool {
    matches!(b, b'\0' | b'\t' | b'\n' | b'\x0C' | b'\r' | b' ')
}

fn is_delimiter(b: u8) -> bool {
    matches!(b, b'(' | b')' | b'<' | b'>' | b'[' | b']' | b'{' | b'}' | b'/' | b'%')
}

impl Scan<'_> {
    fn run(&mut self) -> Result<Found, String> {
        let what = if self.inner { "a PDF content or object stream" } else { "the PDF" };
        let mut found = Found::default();
        let mut depth = 0usize;
        // Start of the outermost dictionary being read, and the span of the last one closed.
        let (mut dict_start, mut last_dict) = (0usize, None::<(usize, usize)>);
        // The last two plain tokens, to recognise `N G obj`; the object being read.
        let (mut prev, mut prev2): (&[u8], &[u8]) = (b"", b"");
        let mut object = None::<(u64, u64)>;
        let b = self.bytes;
        while let Some(&c) = b.get(self.pos) {
            match c {
                b'%' => self.skip_while(|c| c != b'\n' && c != b'\r'),
                b'(' => self.skip_literal_string(),
                b'<' if b.get(self.pos + 1) == Some(&b'<') => {
                    if depth == 0 {
                        dict_start = self.pos;
                    }
                    depth += 1;
                    self.pos += 2;
                }
                b'>' if b.get(self.pos + 1) == Some(&b'>') => {
                    depth = depth.saturating_sub(1);
                    self.pos += 2;
                    if depth == 0 {
                        last_dict = Some((dict_start, self.pos));
                    }
                }
                b'<' => {
                    self.skip_while(|c| c != b'>');
                    self.pos += 1;
                }
                b'[' | b'{' => {
                    depth += 1;
                    self.pos += 1;
                }
                b']' | b'}' => {
                    depth = depth.saturating_sub(1);
                    self.pos += 1;
                }
                c if is_white(c) || is_delimiter(c) => self.pos += 1,
                _ => {
                    let start = self.pos;
                    self.skip_while(|c| !is_white(c) && !is_delimiter(c));
                    let token = &b[start..self.pos];
                    match token {
                        b"obj" if !self.inner => {
                            object = number(prev2).zip(number(prev));
                            last_dict = None;
                        }
                        b"stream" if !self.inner => {
                            if let Some(id) = object {
                                found.streams.insert(id);
                            }
                            let dict = last_dict.map_or(&b""[..], |(s, e)| &b[s..e]);
                            if let Some(id) = indirect_length(dict) {
                                found.length_refs.insert(id);
                            }
                            found.wrong_length |= self.stream(dict)?;
                        }
                        b"ID" if self.inner => self.skip_inline_image(),
                        _ => {}
                    }
                    (prev2, prev) = (prev, token);
                    continue;
                }
            }
            if depth > MAX_NESTING {
                return Err(too_deep(what));
            }
        }
        Ok(found)
    }

    fn skip_while(&mut self, keep: impl Fn(u8) -> bool) {
        self.pos = skip_while(self.bytes, self.pos, keep);
    }

    fn skip_literal_string(&mut self) {
        self.pos = literal_string_end(self.bytes, self.pos);
    }

    /// Inline image data runs from the byte after `ID` to the `EI` that stands alone.
    fn skip_inline_image(&mut self) {
        let b = self.bytes;
        let mut at = self.pos + 1;
        while at + 2 <= b.len() {
            let alone = is_white(b[at - 1]) && b.get(at + 2).is_none_or(|&c| is_white(c));
            if &b[at..at + 2] == b"EI" && alone {
                break;
            }
            at += 1;
        }
        self.pos = (at + 2).min(b.len());
    }

    /// At the keyword `stream`: finds the data, checks an object or cross-reference stream,
    /// and moves past `endstream`; true when a direct `/Length` missed `endstream`.
    fn stream(&mut self, dict: &[u8]) -> Result<bool, String> {
        let b = self.bytes;
        let mut start = self.pos;
        if b.get(start) == Some(&b'\r') {
            start += 1;
        }
        if b.get(start) == Some(&b'\n') {
            start += 1;
        }
        let by_length = direct_length(dict).and_then(|n| start.checked_add(n)).filter(|&end| {
            b.get(end..).is_some_and(|rest| rest.trim_ascii_start().starts_with(b"endstream"))
        });
        let wrong = by_length.is_none() && direct_length(dict).is_some();
        let end = by_length.unwrap_or_else(|| {
            b[start..].windows(9).position(|w| w == b"endstream").map_or(b.len(), |i| start + i)
        });
        let data = &b[start..end];
        let kind = type_name(dict);
        let what = match kind {
            Some(b"ObjStm") => "a PDF object stream",
            Some(b"XRef") => "a PDF cross-reference stream",
            _ => {
                self.pos = end;
                return Ok(wrong);
            }
        };
        let decoded = match filters(dict).as_slice() {
            [] => data.to_vec(),
            [f] if f == b"FlateDecode" => inflate_as_lopdf(data, what, self.opts)?,
            other => {
                let names: Vec<String> =
                    other.iter().map(|f| format!("/{}", String::from_utf8_lossy(f))).collect();
                // A feature vouch lacks (issue #19): `lopdf` inflates only Flate here.
                let feature = format!("the filter {} on {what}", names.join(" "));
                return Err(super::unsupported(&feature));
            }
        };
        if kind == Some(b"ObjStm") {
            let mut inner = Scan { bytes: &decoded, pos: 0, opts: self.opts, inner: true };
            inner.run().map_err(|_| too_deep(what))?;
        }
        self.pos = end;
        Ok(wrong)
    }
}

/// Inflates zlib data as `lopdf` does, keeping what came out before any error (`lopdf`
/// parses that too), but refusing more than `limits.max_inflated_bytes`. An encrypted
/// stream inflates to nothing useful; `lopdf` reports the encryption afterwards.
fn inflate_as_lopdf(data: &[u8], what: &str, opts: &InspectOptions) -> Result<Vec<u8>, String> {
    let mut out = Vec::new();
    let decoder = flate2::read::ZlibDecoder::new(data);
    let _ = decoder.take(opts.max_inflated_bytes.saturating_add(1)).read_to_end(&mut out);
    if out.len() as u64 > opts.max_inflated_bytes {
        return Err(over_inflate_limit(what, opts));
    }
    Ok(out)
}

fn number(token: &[u8]) -> Option<u64> {
    std::str::from_utf8(token).ok()?.parse().ok()
}

/// The tokens of a dictionary's source that follow `/key`, split at white space and
/// delimiters, with names keeping their slash.
fn after_key<'d>(dict: &'d [u8], key: &[u8]) -> Vec<&'d [u8]> {
    let mut at = 0;
    while let Some(i) =
        dict[at..].windows(key.len() + 1).position(|w| w[0] == b'/' && &w[1..] == key)
    {
        let end = at + i + 1 + key.len();
        if dict.get(end).is_none_or(|&c| is_white(c) || is_delimiter(c)) {
            return tokens(&dict[end..]).take(3).collect();
        }
        at = end;
    }
    Vec::new()
}

fn tokens(s: &[u8]) -> impl Iterator<Item = &[u8]> {
    let mut at = 0;
    std::iter::from_fn(move || {
        while s.get(at).is_some_and(|&c| is_white(c)) {
            at += 1;
        }
        let start = at;
        match s.get(at)? {
            b'/' => {
                at += 1;
                while s.get(at).is_some_and(|&c| !is_white(c) && !is_delimiter(c)) {
                    at += 1;
                }
            }
            c if is_delimiter(*c) => at += 1,
            _ => {
                while s.get(at).is_some_and(|&c| !is_white(c) && !is_delimiter(c)) {
                    at += 1;
                }
            }
        }
        Some(&s[start..at])
    })
}

/// `/Length N` (not `/Length N G R`).
fn direct_length(dict: &[u8]) -> Option<usize> {
    match after_key(dict, b"Length")[..] {
        [_, g, b"R"] if number(g).is_some() => None,
        [n, ..] => usize::try_from(number(n)?).ok(),
        _ => None,
    }
}

/// `/Length N G R`: the object named.
fn indirect_length(dict: &[u8]) -> Option<(u64, u64)> {
    match after_key(dict, b"Length")[..] {
        [n, g, b"R"] => number(n).zip(number(g)),
        _ => None,
    }
}

/// `/Type /Name`: the name, without its slash.
fn type_name(dict: &[u8]) -> Option<&[u8]> {
    after_key(dict, b"Type").first().and_then(|t| t.strip_prefix(b"/"))
}

/// `/Filter /F` or `/Filter [/F1 /F2]`: the names, without slashes.
fn filters(dict: &[u8]) -> Vec<Vec<u8>> {
    let mut at = 0;
    let key = b"/Filter";
    while let Some(i) = dict[at..].windows(key.len()).position(|w| w == key) {
        let rest = &dict[at + i + key.len()..];
        if rest.first().is_none_or(|&c| is_white(c) || is_delimiter(c)) {
            let mut names = Vec::new();
            let mut toks = tokens(rest);
            match toks.next() {
                Some(b"[") => {
                    for t in toks {
                        match t.strip_prefix(b"/") {
                            Some(n) => names.push(n.to_vec()),
                            None => break,
                        }
                    }
                }
                Some(t) => names.extend(t.strip_prefix(b"/").map(<[u8]>::to_vec)),
                None => {}
            }
            return names;
        }
        at += i + key.len();
    }
    Vec::new()
}

/// The first position from `pos` whose byte `keep` refuses (or the end): the lexers of
/// this module and of [`super::pdf_inline`] share it.
pub(super) fn skip_while(b: &[u8], mut pos: usize, keep: impl Fn(u8) -> bool) -> usize {
    while b.get(pos).is_some_and(|&c| keep(c)) {
        pos += 1;
    }
    pos
}

/// The position just after the `)` that closes the literal string opening at `pos`
/// (balanced inner parentheses, backslash escapes); past the end when none does.
pub(super) fn literal_string_end(b: &[u8], mut pos: usize) -> usize {
    let mut open = 0usize;
    while let Some(&c) = b.get(pos) {
        pos += 1;
        match c {
            b'\\' => pos += 1,
            b'(' => open += 1,
            b')' => {
                open -= 1;
                if open == 0 {
                    return pos;
                }
            }
            _ => {}
        }
    }
    pos
}

#[cfg(test)]
mod tests {
    use super::*;

    fn opts() -> InspectOptions {
        InspectOptions { max_inflated_bytes: 1 << 20, ..InspectOptions::default() }
    }

    fn zlib(data: &[u8]) -> Vec<u8> {
        use std::io::Write;
        let mut e = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::fast());
        e.write_all(data).unwrap();
        e.finish().unwrap()
    }

    fn stream_obj(dict: &str, data: &[u8]) -> Vec<u8> {
        [
            format!("5 0 obj\n<< {dict} /Length {} >>\nstream\n", data.len()).as_bytes(),
            data,
            b"\nendstream\nendobj\n",
        ]
        .concat()
    }

    #[test]
    fn ordinary_nesting_passes_and_deep_nesting_is_refused() {
        let ok = b"%PDF-1.7\n1 0 obj << /A [[1 2] << /B (a ) [[[ string) >>] >> endobj";
        assert!(prescan(ok, &opts()).is_ok());
        let deep = [&b"1 0 obj "[..], &b"[".repeat(MAX_NESTING + 1), &b"]".repeat(MAX_NESTING + 1)]
            .concat();
        let err = prescan(&deep, &opts()).unwrap_err();
        assert!(err.contains("nesting limit (64 levels)"), "{err}");
        let just =
            [&b"1 0 obj "[..], &b"<<".repeat(MAX_NESTING), &b">>".repeat(MAX_NESTING)].concat();
        assert!(prescan(&just, &opts()).is_ok());
    }

    #[test]
    fn brackets_in_comments_strings_and_stream_data_do_not_count() {
        let lots = "[".repeat(200);
        let src = format!("%{lots}\n1 0 obj ({lots}) <{}> endobj\n", "5b".repeat(10));
        let mut pdf = src.into_bytes();
        pdf.extend(stream_obj("", lots.as_bytes()));
        assert!(prescan(&pdf, &opts()).is_ok());
        assert!(content_nesting(format!("q BI /W 1 ID {lots} EI Q").as_bytes()).is_ok());
        assert!(content_nesting(format!("{lots} TJ").as_bytes()).is_err());
    }

    #[test]
    fn object_streams_are_inflated_within_the_limit_and_scanned() {
        let fine = stream_obj("/Type /ObjStm /Filter /FlateDecode", &zlib(b"1 0 [[1]]"));
        assert!(prescan(&fine, &opts()).is_ok());
        let bomb = stream_obj("/Type /ObjStm /Filter /FlateDecode", &zlib(&vec![b' '; 2 << 20]));
        let err = prescan(&bomb, &opts()).unwrap_err();
        assert!(err.contains("limits.max_inflated_bytes"), "{err}");
        let xref = stream_obj("/Type/XRef/Filter[/FlateDecode]", &zlib(&vec![0; 2 << 20]));
        assert!(prescan(&xref, &opts()).unwrap_err().contains("cross-reference stream"));
        let deep = zlib(&b"[".repeat(1000));
        let err = prescan(&stream_obj("/Type /ObjStm /Filter /FlateDecode", &deep), &opts());
        assert!(err.unwrap_err().contains("object stream nests"));
        let lzw = stream_obj("/Type /ObjStm /Filter /LZWDecode", b"\x80");
        assert!(prescan(&lzw, &opts()).unwrap_err().contains("/LZWDecode"));
    }

    #[test]
    fn a_length_naming_a_stream_is_refused() {
        let pdf = b"1 0 obj << /Length 2 0 R >>\nstream\nx\nendstream endobj\n\
                    2 0 obj << /Length 1 0 R >>\nstream\nx\nendstream endobj\n";
        let err = prescan(pdf, &opts()).unwrap_err();
        assert!(err.contains("/Length refers to object"), "{err}");
        let fine = b"1 0 obj << /Length 2 0 R >>\nstream\nx\nendstream endobj\n2 0 obj 1 endobj";
        assert!(prescan(fine, &opts()).is_ok());
    }

    #[test]
    fn dictionary_keys_are_read_lexically() {
        let d = b"<< /Type /ObjStm /Length 12 /Filter [ /FlateDecode ] /N 3 >>";
        assert_eq!(type_name(d), Some(&b"ObjStm"[..]));
        assert_eq!(direct_length(d), Some(12));
        assert_eq!(filters(d), vec![b"FlateDecode".to_vec()]);
        assert_eq!(indirect_length(b"<</Length 7 0 R>>"), Some((7, 0)));
        assert_eq!(direct_length(b"<</Length 7 0 R>>"), None);
        assert_eq!(type_name(b"<</Typeface /X>>"), None);
    }
}
