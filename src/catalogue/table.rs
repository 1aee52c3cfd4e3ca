//! Tables: a catalogue file read into rows of text cells, whatever wrote it.
//!
//! CSV comes in the encoding and delimiter of the program that saved it (Excel in a
//! Chinese locale writes GBK; "Unicode text" is UTF-16 with tabs; European locales use
//! `;`), so both are detected. Spreadsheets (XLSX, XLS, ODS) are recognized by content,
//! not extension, and read with calamine: numbers become the text a person sees
//! (`20200001.0` → `20200001`), a column-merged cell (a code shared by several item rows)
//! is copied down, and a row-wide merged heading or an empty row is skipped with a note.
//! Rows keep the number the user sees: the CSV line, or the spreadsheet row.

use super::normalize::clean;
use crate::error::CatalogueError;
use sha2::{Digest, Sha256};
use std::path::{Path, PathBuf};

/// Prefix of a cell that a spreadsheet stored as a date or time.
pub const DATE_CELL: &str = "date-cell:";

/// One non-empty row: its line (CSV) or row (spreadsheet) number, and its cells.
#[derive(Clone, Debug, PartialEq)]
pub struct Row {
    /// 1-based line or row number, as the user's program shows it.
    pub number: u64,
    /// Cells, trimmed of surrounding spaces.
    pub cells: Vec<String>,
}

/// One sheet (a CSV file is one unnamed sheet).
#[derive(Clone, Debug)]
pub struct Sheet {
    /// Sheet name; `None` for CSV.
    pub name: Option<String>,
    /// Non-empty rows, in order.
    pub rows: Vec<Row>,
    /// Numbers of rows skipped because they were empty.
    pub empty: Vec<u64>,
    /// Numbers of rows skipped because a merged cell spanning columns was all they held.
    pub merged: Vec<u64>,
}

/// A catalogue file, read.
#[derive(Clone, Debug)]
pub struct Table {
    /// The file.
    pub path: PathBuf,
    /// SHA-256 of its bytes.
    pub sha256: String,
    /// `UTF-8`, `GB18030`, ..., or `XLSX`, `XLS`, `ODS`.
    pub format: &'static str,
    /// The CSV delimiter detected.
    pub delimiter: Option<char>,
    /// Its sheets, in workbook order.
    pub sheets: Vec<Sheet>,
}

impl Table {
    /// Reads a catalogue file once, recognizing a spreadsheet by its content.
    pub fn read(path: &Path) -> Result<Table, CatalogueError> {
        let bytes = std::fs::read(path)
            .map_err(|source| CatalogueError::Read { file: path.to_path_buf(), source })?;
        Table::from_bytes(path, &bytes)
    }

    /// Reads a catalogue already in memory; `path` names it in the table and in errors
    /// and is never opened. The entry point for callers that hold the bytes (and for
    /// the fuzz targets in `fuzz/`).
    pub fn from_bytes(path: &Path, bytes: &[u8]) -> Result<Table, CatalogueError> {
        let sha256 = hex::encode(Sha256::digest(bytes));
        let invalid = |problem: String| CatalogueError::Invalid { file: path.into(), problem };
        let (format, delimiter, sheets) = match spreadsheet_kind(bytes) {
            Some(kind) => (kind, None, super::workbook::read(bytes, kind).map_err(invalid)?),
            None => {
                let (text, encoding) = decode(bytes).ok_or_else(|| {
                    invalid(
                        "is neither a spreadsheet (XLSX, XLS, ODS) nor UTF-8, UTF-16 or \
                         GB18030/GBK text; save it as CSV UTF-8"
                            .into(),
                    )
                })?;
                // The csv crate numbers a record after CRLF from its `\n`, one line early.
                let text = text.replace("\r\n", "\n");
                let delimiter = detect_delimiter(&text);
                (encoding, Some(delimiter), vec![parse_csv(&text, delimiter, path)?])
            }
        };
        Ok(Table { path: path.to_path_buf(), sha256, format, delimiter, sheets })
    }

    /// Whether the file is a workbook (rows are "rows" rather than "lines").
    pub fn is_workbook(&self) -> bool {
        self.delimiter.is_none()
    }

    /// Sheet names, for messages.
    pub fn sheet_names(&self) -> Vec<&str> {
        self.sheets.iter().filter_map(|s| s.name.as_deref()).collect()
    }
}

/// Where a row is, in the user's words: `line 7` or `sheet '案卷目录', row 7` (a phrase
/// of the message catalogue, so findings say it in the report's language).
pub fn place(sheet: Option<&str>, number: u64) -> crate::finding::Text {
    match sheet {
        Some(sheet) => crate::text!("phrase.row", sheet = sheet, row = number),
        None => crate::text!("phrase.line", line = number),
    }
}

/// XLSX, ODS (ZIP containers) or XLS (an OLE compound file), by magic bytes.
fn spreadsheet_kind(bytes: &[u8]) -> Option<&'static str> {
    if bytes.starts_with(b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1") {
        return Some("XLS");
    }
    if !bytes.starts_with(b"PK\x03\x04") {
        return None;
    }
    // An ODF package stores its mimetype uncompressed as the first entry.
    let head = &bytes[..bytes.len().min(128)];
    let ods = head.windows(11).any(|w| w == b"opendocumen");
    Some(if ods { "ODS" } else { "XLSX" })
}

/// Decodes CSV bytes, returning the text and the encoding's name.
fn decode(bytes: &[u8]) -> Option<(String, &'static str)> {
    if let Some(rest) = bytes.strip_prefix(b"\xEF\xBB\xBF") {
        return String::from_utf8(rest.to_vec()).ok().map(|s| (s, "UTF-8 with BOM"));
    }
    let utf16 = [
        (&b"\xFF\xFE"[..], encoding_rs::UTF_16LE, "UTF-16LE"),
        (&b"\xFE\xFF"[..], encoding_rs::UTF_16BE, "UTF-16BE"),
    ];
    for (bom, enc, name) in utf16 {
        if let Some(rest) = bytes.strip_prefix(bom) {
            let text = enc.decode_without_bom_handling_and_without_replacement(rest)?;
            return Some((text.into_owned(), name));
        }
    }
    if let Some((enc, name)) = utf16_without_bom(bytes) {
        let text = enc.decode_without_bom_handling_and_without_replacement(bytes)?;
        return Some((text.into_owned(), name));
    }
    if let Ok(s) = std::str::from_utf8(bytes) {
        return Some((s.to_string(), "UTF-8"));
    }
    let text = encoding_rs::GB18030.decode_without_bom_handling_and_without_replacement(bytes)?;
    Some((text.into_owned(), "GB18030"))
}

/// UTF-16 without a byte-order mark: a header of ASCII names leaves every other byte 0.
fn utf16_without_bom(bytes: &[u8]) -> Option<(&'static encoding_rs::Encoding, &'static str)> {
    let head = &bytes[..bytes.len().min(64) & !1];
    if head.len() < 4 {
        return None;
    }
    let zeros = |offset: usize| head.iter().skip(offset).step_by(2).filter(|&&b| b == 0).count();
    let half = head.len() / 2;
    if zeros(1) * 4 >= half * 3 && zeros(0) == 0 {
        Some((encoding_rs::UTF_16LE, "UTF-16LE"))
    } else if zeros(0) * 4 >= half * 3 && zeros(1) == 0 {
        Some((encoding_rs::UTF_16BE, "UTF-16BE"))
    } else {
        None
    }
}

/// The delimiter used most on any of the first lines: comma, tab or semicolon (comma
/// when none appears). Quoted text is ignored, so a title holding commas does not vote.
fn detect_delimiter(text: &str) -> char {
    let mut best = (0usize, ',');
    for line in text.lines().filter(|l| !l.trim().is_empty()).take(10) {
        let mut quoted = false;
        let mut counts = [0usize; 3];
        for c in line.chars() {
            match c {
                '"' => quoted = !quoted,
                ',' if !quoted => counts[0] += 1,
                '\t' if !quoted => counts[1] += 1,
                ';' if !quoted => counts[2] += 1,
                _ => {}
            }
        }
        for (n, d) in counts.into_iter().zip([',', '\t', ';']) {
            if n > best.0 {
                best = (n, d);
            }
        }
    }
    best.1
}

fn parse_csv(text: &str, delimiter: char, path: &Path) -> Result<Sheet, CatalogueError> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(delimiter as u8)
        .from_reader(text.as_bytes());
    let mut sheet = Sheet { name: None, rows: Vec::new(), empty: Vec::new(), merged: Vec::new() };
    for result in reader.records() {
        let rec = result.map_err(|e| CatalogueError::Row {
            file: path.to_path_buf(),
            line: e.position().map_or(0, |p| p.line()),
            problem: format!(
                "not valid CSV ({e}); check for a quote (\") that is opened and never closed"
            ),
        })?;
        let number = rec.position().map_or(0, |p| p.line());
        let cells: Vec<String> = rec.iter().map(clean).collect();
        push_row(&mut sheet, number, cells);
    }
    Ok(sheet)
}

pub(super) fn push_row(sheet: &mut Sheet, number: u64, cells: Vec<String>) {
    if cells.iter().all(String::is_empty) {
        sheet.empty.push(number);
    } else {
        sheet.rows.push(Row { number, cells });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn delimiters_are_detected_from_the_header() {
        assert_eq!(detect_delimiter("档号,页数\nA,1\n"), ',');
        assert_eq!(detect_delimiter("档号\t题名\t页数\n"), '\t');
        assert_eq!(detect_delimiter("档号;题名;页数\n\"a,b,c,d\";x;1\n"), ';');
        assert_eq!(detect_delimiter("档号\n"), ',');
    }

    #[test]
    fn utf16_without_bom_is_recognized() {
        let le: Vec<u8> = "dh\tys\n".encode_utf16().flat_map(|u| u.to_le_bytes()).collect();
        assert_eq!(decode(&le), Some(("dh\tys\n".into(), "UTF-16LE")));
        let be: Vec<u8> = "dh\tys\n".encode_utf16().flat_map(|u| u.to_be_bytes()).collect();
        assert_eq!(decode(&be).unwrap().1, "UTF-16BE");
    }
}
