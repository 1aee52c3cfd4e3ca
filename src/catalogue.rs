//! Catalogue: the archive's list of what must be delivered.
//!
//! One row per archival unit with its reference code (档号) and page count (页数). Archives
//! export it from Excel or their management system, so the bytes may be UTF-8, UTF-8
//! with a BOM, UTF-16 with a BOM, or GBK/GB18030 (what Excel writes in a Chinese locale).
//! A row that cannot be used is an error naming the line: guessing would make the
//! verdict meaningless. A repeated code is a finding (`record-duplicate-id`), not an
//! error: the rest of the catalogue is still usable.

use crate::error::CatalogueError;
use crate::profile::Columns;
use sha2::{Digest, Sha256};
use std::collections::HashMap;
use std::path::{Path, PathBuf};

/// One catalogue row.
#[derive(Clone, Debug, PartialEq)]
pub struct Record {
    /// Reference code (档号), trimmed.
    pub id: String,
    /// Expected page count (页数).
    pub pages: u32,
    /// Title (题名), when the catalogue has one.
    pub title: Option<String>,
    /// Line number in the catalogue file.
    pub line: u64,
}

/// The catalogue, as read.
#[derive(Clone, Debug)]
pub struct Catalogue {
    /// The file read.
    pub path: PathBuf,
    /// SHA-256 of its bytes, pinned in the report.
    pub sha256: String,
    /// Detected encoding.
    pub encoding: &'static str,
    /// Records, first occurrence of each code, in catalogue order.
    pub records: Vec<Record>,
    /// Rows repeating an earlier code: (the repeat, line of the first occurrence).
    pub duplicates: Vec<(Record, u64)>,
    index: HashMap<String, usize>,
}

impl Catalogue {
    /// Reads and validates a catalogue file.
    pub fn read(path: &Path, columns: &Columns) -> Result<Catalogue, CatalogueError> {
        let bytes = std::fs::read(path)
            .map_err(|source| CatalogueError::Read { file: path.to_path_buf(), source })?;
        let ext = path.extension().and_then(|e| e.to_str()).unwrap_or("").to_ascii_lowercase();
        if matches!(ext.as_str(), "xlsx" | "xls" | "ods") {
            return Err(CatalogueError::Invalid {
                file: path.to_path_buf(),
                problem: "spreadsheet catalogues are not read yet; save the sheet as CSV \
                          (UTF-8 or GBK) and pass that file"
                    .into(),
            });
        }
        let (text, encoding) = decode(&bytes).ok_or_else(|| CatalogueError::Invalid {
            file: path.to_path_buf(),
            problem: "is neither UTF-8, UTF-16 nor GB18030/GBK text; save it as CSV UTF-8".into(),
        })?;
        let rows = parse_rows(&text, path)?;
        let mut cat = Catalogue {
            path: path.to_path_buf(),
            sha256: hex::encode(Sha256::digest(&bytes)),
            encoding,
            records: Vec::new(),
            duplicates: Vec::new(),
            index: HashMap::new(),
        };
        for record in rows_to_records(&rows, columns, path)? {
            cat.push(record);
        }
        Ok(cat)
    }

    fn push(&mut self, record: Record) {
        match self.index.get(&record.id) {
            Some(&i) => {
                let first = self.records[i].line;
                self.duplicates.push((record, first));
            }
            None => {
                self.index.insert(record.id.clone(), self.records.len());
                self.records.push(record);
            }
        }
    }

    /// The record with this exact code.
    pub fn get(&self, id: &str) -> Option<usize> {
        self.index.get(id).copied()
    }
}

/// Decodes catalogue bytes, returning the text and the encoding's name.
fn decode(bytes: &[u8]) -> Option<(String, &'static str)> {
    if let Some(rest) = bytes.strip_prefix(b"\xEF\xBB\xBF") {
        return String::from_utf8(rest.to_vec()).ok().map(|s| (s, "UTF-8 with BOM"));
    }
    for (bom, enc, name) in [
        (&b"\xFF\xFE"[..], encoding_rs::UTF_16LE, "UTF-16LE"),
        (&b"\xFE\xFF"[..], encoding_rs::UTF_16BE, "UTF-16BE"),
    ] {
        if let Some(rest) = bytes.strip_prefix(bom) {
            let text = enc.decode_without_bom_handling_and_without_replacement(rest)?;
            return Some((text.into_owned(), name));
        }
    }
    if let Ok(s) = std::str::from_utf8(bytes) {
        return Some((s.to_string(), "UTF-8"));
    }
    let text = encoding_rs::GB18030.decode_without_bom_handling_and_without_replacement(bytes)?;
    Some((text.into_owned(), "GB18030"))
}

/// A CSV row with its line number.
type Row = (u64, Vec<String>);

fn parse_rows(text: &str, path: &Path) -> Result<Vec<Row>, CatalogueError> {
    // The csv crate counts a CRLF ending as no line break in its positions, and Excel
    // always writes CRLF: fold CRLF to LF first so reported lines are an editor's.
    let text = text.replace("\r\n", "\n");
    let mut reader =
        csv::ReaderBuilder::new().has_headers(false).flexible(true).from_reader(text.as_bytes());
    let mut rows = Vec::new();
    for result in reader.records() {
        let rec = result.map_err(|e| CatalogueError::Row {
            file: path.to_path_buf(),
            line: e.position().map_or(0, |p| p.line()),
            problem: format!("not valid CSV: {e}"),
        })?;
        let line = rec.position().map_or(0, |p| p.line());
        let fields: Vec<String> = rec.iter().map(|f| f.trim().to_string()).collect();
        if fields.iter().any(|f| !f.is_empty()) {
            rows.push((line, fields));
        }
    }
    Ok(rows)
}

/// Finds a column by any of the profile's header names.
fn column(header: &[String], names: &[String]) -> Option<usize> {
    let norm = |s: &str| s.trim().trim_start_matches('\u{feff}').to_lowercase();
    names.iter().find_map(|n| header.iter().position(|h| norm(h) == norm(n)))
}

fn rows_to_records(
    rows: &[Row],
    columns: &Columns,
    path: &Path,
) -> Result<Vec<Record>, CatalogueError> {
    let Some(((header_line, header), data)) = rows.split_first() else {
        return Err(CatalogueError::Invalid { file: path.into(), problem: "is empty".into() });
    };
    let missing = |field: &str, names: &[String]| CatalogueError::Row {
        file: path.to_path_buf(),
        line: *header_line,
        problem: format!(
            "no {field} column: the header row has [{}], the profile looks for [{}]; \
             rename the column or add its header to the profile's `catalogue` section",
            header.join(", "),
            names.join(", ")
        ),
    };
    let id_col =
        column(header, &columns.id).ok_or_else(|| missing("reference-code", &columns.id))?;
    let pages_col =
        column(header, &columns.pages).ok_or_else(|| missing("page-count", &columns.pages))?;
    let title_col = column(header, &columns.title);
    let field = |row: &[String], i: usize| row.get(i).cloned().unwrap_or_default();
    data.iter()
        .map(|(line, row)| {
            let bad = |problem: String| CatalogueError::Row {
                file: path.to_path_buf(),
                line: *line,
                problem,
            };
            let id = clean_id(&field(row, id_col));
            if id.is_empty() {
                return Err(bad(format!("the reference code ({}) is empty", header[id_col])));
            }
            let pages = parse_pages(&field(row, pages_col))
                .map_err(|p| bad(format!("{} of '{id}': {p}", header[pages_col])))?;
            let title = title_col.map(|c| field(row, c)).filter(|t| !t.is_empty());
            Ok(Record { id, pages, title, line: *line })
        })
        .collect()
}

/// Trims surrounding white space, including the non-breaking and zero-width kinds that
/// spreadsheets carry along.
fn clean_id(raw: &str) -> String {
    raw.trim_matches(|c: char| c.is_whitespace() || matches!(c, '\u{200b}' | '\u{feff}'))
        .to_string()
}

/// Parses a page count: a whole number, also when a spreadsheet wrote it as `12.0`.
fn parse_pages(raw: &str) -> Result<u32, String> {
    if raw.is_empty() {
        return Err("is empty; give the number of pages".into());
    }
    if let Ok(n) = raw.parse::<u32>() {
        return Ok(n);
    }
    match raw.parse::<f64>() {
        Ok(f) if f.fract() == 0.0 && (0.0..=u32::MAX as f64).contains(&f) => Ok(f as u32),
        _ => Err(format!("'{raw}' is not a whole number of pages")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn columns() -> Columns {
        crate::profile::Profile::load("dat31").unwrap().columns
    }

    fn read(bytes: &[u8]) -> Result<Catalogue, CatalogueError> {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("cat.csv");
        std::fs::write(&p, bytes).unwrap();
        Catalogue::read(&p, &columns())
    }

    #[test]
    fn gbk_catalogue_is_decoded() {
        let text = "档号,题名,页数\nJ001-WS-2020-0001,关于档案工作的通知,3\n";
        let (gbk, _, _) = encoding_rs::GBK.encode(text);
        let cat = read(&gbk).unwrap();
        assert_eq!(cat.encoding, "GB18030");
        assert_eq!(cat.records[0].id, "J001-WS-2020-0001");
        assert_eq!(cat.records[0].title.as_deref(), Some("关于档案工作的通知"));
        assert_eq!(cat.records[0].pages, 3);
    }

    #[test]
    fn utf8_bom_and_excel_numbers() {
        let cat = read("\u{feff}档号,页数\nA-1,12.0\n\u{a0}A-2\u{200b},4\n,\n".as_bytes()).unwrap();
        assert_eq!(cat.encoding, "UTF-8 with BOM");
        assert_eq!(cat.records.len(), 2);
        assert_eq!((cat.records[0].pages, cat.records[1].id.as_str()), (12, "A-2"));
    }

    #[test]
    fn bad_page_count_names_the_line() {
        let err = read(b"dh,ys\nA-1,3\nA-2,three\n").unwrap_err().to_string();
        assert!(err.contains("line 3") && err.contains("'three'"), "{err}");
    }

    #[test]
    fn crlf_line_numbers_are_the_editor_s() {
        let err = read(b"dh,ys\r\nA-1,3\r\nA-2,3\r\nA-3,three\r\n").unwrap_err().to_string();
        assert!(err.contains("line 4"), "{err}");
    }

    #[test]
    fn missing_column_names_what_was_found() {
        let err = read(b"code,pages\nA-1,3\n").unwrap_err().to_string();
        assert!(err.contains("no reference-code column") && err.contains("[code, pages]"), "{err}");
        assert!(err.contains("line 1"), "{err}");
    }

    #[test]
    fn duplicate_codes_are_kept_for_a_finding() {
        let cat = read(b"dh,ys\nA-1,3\nA-1,4\n").unwrap();
        assert_eq!(cat.records.len(), 1);
        assert_eq!(cat.duplicates[0].0.line, 3);
        assert_eq!(cat.duplicates[0].1, 2);
    }
}
