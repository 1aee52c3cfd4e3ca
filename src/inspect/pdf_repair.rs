//! PDF cross-reference recovery: a table rebuilt by scanning the file for `N G obj`, as
//! qpdf and poppler rebuild it when the one written is damaged (issue #19).
//!
//! `lopdf` (0.38) reads a cross-reference table or stream as written and has no recovery:
//! a truncated table, wrong offsets or a `startxref` pointing nowhere fail the whole file,
//! although every object is intact. And it ignores the `/XRefStm` of a hybrid-reference
//! file that has no `/Prev`, so objects kept in object streams are missing. Here the file
//! is scanned for object headers (the last definition of an object wins, as in an
//! incremental update), and a cross-reference stream saying where each object is,
//! with the trailer's `/Root`, `/Info` and `/ID`, is appended to a copy of the bytes for
//! `lopdf` to read. The delivery's file is never written. As qpdf and poppler do, the
//! rebuild needs a `trailer` dictionary to find the catalog; an
//! encrypted file is not rebuilt. Objects inside object streams are not recovered: qpdf 11
//! and poppler do not recover them either (the catalog is then not found). The scan is linear in the file (regular expressions of
//! the `regex` crate, which runs in linear time).

use regex::bytes::Regex;
use std::collections::BTreeMap;
use std::sync::LazyLock;

static OBJ: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?:^|[\s%])(\d{1,10})[\s]+(\d{1,5})[\s]+obj\b").unwrap());
static TRAILER: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"trailer[\s]*<<").unwrap());
static ROOT: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"/(Root|Info)[\s]+(\d{1,10})[\s]+(\d{1,5})[\s]+R").unwrap());
static LENGTH: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"/Length[\s]+(\d{1,12})([\s]+\d{1,5}[\s]+R\b)?").unwrap());
static ID: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"/ID[\s]*(\[[^\]]{0,300}\])").unwrap());

/// Where an object is: its byte offset and generation.
type At = (usize, u16);

/// The bytes with a rebuilt cross-reference stream appended, or why they cannot be.
pub(crate) fn rebuild(bytes: &[u8]) -> Result<Vec<u8>, String> {
    let table = scan(bytes);
    let trailer = trailer(bytes)
        .ok_or("no trailer dictionary was found to rebuild the cross-reference table from")?;
    if trailer.windows(8).any(|w| w == b"/Encrypt") {
        return Err("an encrypted file's cross-reference table is not rebuilt".into());
    }
    let mut keys = String::new();
    for c in ROOT.captures_iter(trailer) {
        let name = String::from_utf8_lossy(&c[1]);
        let (num, generation) = (String::from_utf8_lossy(&c[2]), String::from_utf8_lossy(&c[3]));
        keys.push_str(&format!(" /{name} {num} {generation} R"));
    }
    if !keys.contains("/Root") {
        return Err("the trailer dictionary names no catalog (/Root)".into());
    }
    if let Some(id) = ID.captures(trailer) {
        keys.push_str(&format!(" /ID {}", String::from_utf8_lossy(&id[1])));
    }
    Ok(append_xref_stream(bytes, &table, &keys))
}

/// Every `N G obj` header in the file; a later one of the same number wins.
fn scan(bytes: &[u8]) -> BTreeMap<u32, At> {
    let mut found = BTreeMap::new();
    for c in OBJ.captures_iter(bytes) {
        let (Some(num), Some(generation)) = (int::<u32>(&c[1]), int::<u16>(&c[2])) else {
            continue;
        };
        if num > 0 {
            found.insert(num, (c.get(1).map_or(0, |m| m.start()), generation));
        }
    }
    found
}

fn int<T: std::str::FromStr>(digits: &[u8]) -> Option<T> {
    std::str::from_utf8(digits).ok()?.parse().ok()
}

/// `<< ... >>` from the start of `s`, nested dictionaries and strings respected; what there
/// is if it never closes.
fn balanced(s: &[u8]) -> &[u8] {
    let (mut depth, mut i, mut in_string) = (0usize, 0usize, 0usize);
    while i + 1 < s.len() {
        match (s[i], s[i + 1]) {
            (b'\\', _) if in_string > 0 => i += 1,
            (b'(', _) => in_string += 1,
            (b')', _) if in_string > 0 => in_string -= 1,
            (b'<', b'<') if in_string == 0 => {
                depth += 1;
                i += 1;
            }
            (b'>', b'>') if in_string == 0 => {
                depth = depth.saturating_sub(1);
                i += 1;
                if depth == 0 {
                    return &s[..=i];
                }
            }
            _ => {}
        }
        i += 1;
    }
    s
}

/// The last `trailer << ... >>` that names the catalog (a linearized file's last trailer
/// may not). A cross-reference stream's dictionary is not used: qpdf 11 and poppler do not
/// recover from one either, and a file they refuse is not declared sound here.
fn trailer(bytes: &[u8]) -> Option<&[u8]> {
    let all: Vec<&[u8]> =
        TRAILER.find_iter(bytes).map(|m| balanced(&bytes[m.end() - 2..])).collect();
    all.iter()
        .rev()
        .find(|d| ROOT.captures_iter(d).any(|c| &c[1] == b"Root"))
        .or(all.last())
        .copied()
}

/// A copy of `bytes` with an uncompressed cross-reference stream for `table` appended. Only
/// the objects found are listed (in runs, by `/Index`), so a huge object number costs
/// nothing.
fn append_xref_stream(bytes: &[u8], table: &BTreeMap<u32, At>, keys: &str) -> Vec<u8> {
    let id = table.keys().next_back().map_or(1, |&n| n.saturating_add(1));
    let mut out = bytes.to_vec();
    out.push(b'\n');
    let mut entries: Vec<(u32, (usize, u16))> = vec![(id, (out.len(), 0))];
    entries.extend(table.iter().map(|(&n, &at)| (n, at)));
    entries.sort_unstable_by_key(|e| e.0);
    let (mut rows, mut runs) = (Vec::with_capacity(entries.len() * 11), Vec::<(u32, u32)>::new());
    for (n, (offset, generation)) in entries {
        match runs.last_mut() {
            Some((start, len)) if *start + *len == n => *len += 1,
            _ => runs.push((n, 1)),
        }
        rows.push(1);
        rows.extend_from_slice(&(offset as u64).to_be_bytes());
        rows.extend_from_slice(&generation.to_be_bytes());
    }
    let index: Vec<String> = runs.iter().map(|(s, l)| format!("{s} {l}")).collect();
    let head = format!(
        "{id} 0 obj\n<< /Type /XRef /Size {} /Index [{}] /W [1 8 2]{keys} /Length {} >>\nstream\n",
        id + 1,
        index.join(" "),
        rows.len()
    );
    let at = bytes.len() + 1;
    out.extend_from_slice(head.as_bytes());
    out.extend_from_slice(&rows);
    out.extend_from_slice(format!("\nendstream\nendobj\nstartxref\n{at}\n%%EOF\n").as_bytes());
    out
}

/// A copy of `bytes` in which every stream whose direct `/Length` does not end at its
/// `endstream` has its length corrected (as qpdf "recovers stream length"), and how many
/// were; `None` when every length is right. Offsets move, so the copy's table must be
/// rebuilt.
pub(crate) fn fix_stream_lengths(bytes: &[u8]) -> Option<(Vec<u8>, usize)> {
    let mut fixes: Vec<(std::ops::Range<usize>, usize)> = Vec::new();
    for c in OBJ.captures_iter(bytes) {
        let after = c.get(0).map_or(0, |m| m.end());
        if let Some(fix) = wrong_length(bytes, after) {
            fixes.push(fix);
        }
    }
    if fixes.is_empty() {
        return None;
    }
    let (mut out, mut from) = (Vec::with_capacity(bytes.len() + 64), 0);
    for (digits, length) in &fixes {
        out.extend_from_slice(&bytes[from..digits.start]);
        out.extend_from_slice(length.to_string().as_bytes());
        from = digits.end;
    }
    out.extend_from_slice(&bytes[from..]);
    Some((out, fixes.len()))
}

/// For the object whose `obj` keyword ends at `at`: if it is a stream with a direct
/// `/Length` that does not reach its `endstream`, where the length's digits are and the
/// length the data has.
fn wrong_length(bytes: &[u8], at: usize) -> Option<(std::ops::Range<usize>, usize)> {
    let rest = &bytes[at..];
    let open = rest.iter().take_while(|c| c.is_ascii_whitespace()).count();
    if !rest[open..].starts_with(b"<<") {
        return None;
    }
    let dict = balanced(&rest[open..]);
    let after = at + open + dict.len();
    let gap = bytes[after..].iter().take_while(|c| c.is_ascii_whitespace()).count();
    let keyword = after + gap;
    if !bytes[keyword..].starts_with(b"stream") {
        return None;
    }
    let mut start = keyword + 6;
    start += usize::from(bytes.get(start) == Some(&b'\r'));
    start += usize::from(bytes.get(start) == Some(&b'\n'));
    let (digits, length) = direct_length(dict)?;
    let ends = |n: usize| {
        let end = start.checked_add(n).filter(|&e| e <= bytes.len());
        end.is_some_and(|e| bytes[e..].trim_ascii_start().starts_with(b"endstream"))
    };
    if ends(length) {
        return None;
    }
    let found = bytes[start..].windows(9).position(|w| w == b"endstream")?;
    // The end-of-line before `endstream` is not data.
    let data = &bytes[start..start + found];
    let trimmed = data.strip_suffix(b"\n").unwrap_or(data);
    let trimmed = trimmed.strip_suffix(b"\r").unwrap_or(trimmed);
    let base = at + open;
    Some((base + digits.start..base + digits.end, trimmed.len()))
}

/// The digits (their span in `dict`) and value of a direct `/Length N`; `None` for an
/// indirect `/Length N G R` or none.
fn direct_length(dict: &[u8]) -> Option<(std::ops::Range<usize>, usize)> {
    let c = LENGTH.captures(dict)?;
    if c.get(2).is_some() {
        return None;
    }
    let m = c.get(1)?;
    Some((m.range(), int(m.as_bytes())?))
}
