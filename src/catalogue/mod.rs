//! Catalogue: the archive's list of what must be delivered.
//!
//! One row per archival unit with its reference code (档号) and page count (页数), as the
//! archive's management system or Excel exported it: CSV in any common encoding and
//! delimiter, or an XLSX/XLS/ODS workbook ([`table`]). The header may sit below title
//! rows ([`header`]); codes are matched to folders by a normalized key ([`normalize`]).
//! In a volume-arranged archive (卷) each row is a volume and an item list (卷内目录)
//! gives the items' pages inside it ([`items`]).
//!
//! A file that cannot be used as a whole (unreadable, no header, no such sheet) is an
//! error naming the file and sheet: guessing would make the verdict meaningless. A row
//! that is wrong (no code, a page count that is not a number, a repeated code) is a
//! [`Problem`] that becomes a finding, so one run lists every bad row at once.

pub mod header;
pub mod inspect;
pub mod items;
pub mod normalize;
pub mod table;
pub mod workbook;

use crate::error::CatalogueError;
use crate::profile::{Arrangement, CatalogueSpec};
use header::{Field, Mapping};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use table::{DATE_CELL, Row, Sheet, Table};

pub use items::Item;

/// How the catalogue is read, beyond the profile: the command line's choices.
#[derive(Clone, Debug, Default)]
pub struct Options {
    /// `--sheet`: the sheet of the catalogue workbook to read.
    pub sheet: Option<String>,
    /// `--items`: the item list file of a volume-arranged archive.
    pub items: Option<PathBuf>,
    /// `--items-sheet`: the sheet of the item list to read.
    pub items_sheet: Option<String>,
}

/// One catalogue row.
#[derive(Clone, Debug, PartialEq)]
pub struct Record {
    /// Reference code (档号) as typed, trimmed of surrounding space.
    pub id: String,
    /// The code's matching key (see [`normalize::key`]).
    pub key: String,
    /// Expected page count (页数); 0 when not known.
    pub pages: u32,
    /// Whether the page count is a usable number (else a `record-pages-invalid` problem).
    pub pages_known: bool,
    /// Title (题名), when the catalogue has one.
    pub title: Option<String>,
    /// Line (CSV) or row (workbook) number.
    pub line: u64,
}

/// A row the catalogue itself gets wrong, reported as a finding of `rule`.
#[derive(Clone, Debug, PartialEq)]
pub struct Problem {
    /// A rule id from the registry.
    pub rule: &'static str,
    /// The code concerned, if the row has one.
    pub record: Option<String>,
    /// What is wrong, naming file, sheet and row.
    pub message: crate::finding::Text,
}

/// How a name matched a code.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Match {
    /// Character for character.
    Exact,
    /// Only after normalization (`record-id-normalized`).
    Normalized,
}

/// The catalogue, as read.
#[derive(Clone, Debug)]
pub struct Catalogue {
    /// The file read.
    pub path: PathBuf,
    /// SHA-256 of its bytes, pinned in the report.
    pub sha256: String,
    /// Detected encoding (CSV) or workbook format.
    pub encoding: &'static str,
    /// The sheet read, for a workbook.
    pub sheet: Option<String>,
    /// Item or volume arrangement (from the profile).
    pub arrangement: Arrangement,
    /// Records (volumes, in volume arrangement), first occurrence of each code, in order.
    pub records: Vec<Record>,
    /// Rows repeating an earlier code: (the repeat, line of the first occurrence).
    pub duplicates: Vec<(Record, u64)>,
    /// Rows that are wrong, as findings.
    pub problems: Vec<Problem>,
    /// The item list (volume arrangement).
    pub items: Option<items::ItemList>,
    /// What was skipped or assumed while reading, for the user.
    pub notes: Vec<String>,
    exact: HashMap<String, usize>,
    keys: HashMap<String, usize>,
}

/// The fields of the record list, in [`Mapping::columns`] order: id, pages, title.
fn record_fields(spec: &CatalogueSpec) -> [Field<'_>; 3] {
    let c = &spec.columns;
    [
        Field { what: "reference-code", key: "catalogue.id", names: &c.id, required: true },
        Field { what: "page-count", key: "catalogue.pages", names: &c.pages, required: true },
        Field { what: "title", key: "catalogue.title", names: &c.title, required: false },
    ]
}

impl Catalogue {
    /// Reads and validates a catalogue file (and, in volume arrangement, its item list).
    pub fn read(
        path: &Path,
        spec: &CatalogueSpec,
        opts: &Options,
    ) -> Result<Catalogue, CatalogueError> {
        Catalogue::from_table(Table::read(path)?, spec, opts)
    }

    /// Reads and validates a catalogue already in memory; `path` names it and is never
    /// opened (an item list named by `opts.items` still is).
    pub fn from_bytes(
        path: &Path,
        bytes: &[u8],
        spec: &CatalogueSpec,
        opts: &Options,
    ) -> Result<Catalogue, CatalogueError> {
        Catalogue::from_table(Table::from_bytes(path, bytes)?, spec, opts)
    }

    fn from_table(
        table: Table,
        spec: &CatalogueSpec,
        opts: &Options,
    ) -> Result<Catalogue, CatalogueError> {
        let path = table.path.as_path();
        let invalid = |problem: String| CatalogueError::Invalid { file: path.into(), problem };
        let fields = record_fields(spec);
        let (sheet, mapping) =
            header::choose(&table, opts.sheet.as_deref(), &spec.sheet, None, &fields)
                .map_err(invalid)?;
        let mut cat = Catalogue {
            path: path.to_path_buf(),
            sha256: table.sha256.clone(),
            encoding: table.format,
            sheet: sheet.name.clone(),
            arrangement: spec.arrangement,
            records: Vec::new(),
            duplicates: Vec::new(),
            problems: Vec::new(),
            items: None,
            notes: skipped_notes(&table.path, sheet, &mapping),
            exact: HashMap::new(),
            keys: HashMap::new(),
        };
        for row in mapping.data(sheet) {
            if let Some(record) = cat.record_of(row, &mapping, spec) {
                cat.push(record);
            }
        }
        cat.items = items::load(&mut cat, &table, spec, opts)?;
        Ok(cat)
    }

    /// Where a row of this catalogue is, in English (`vouch catalogue inspect`):
    /// `catalogue 'c.xlsx', sheet '案卷目录', row 7`.
    pub fn place(&self, line: u64) -> String {
        self.place_text(line).render(crate::finding::Lang::En)
    }

    /// [`Catalogue::place`] as a phrase of the message catalogue, for findings.
    pub fn place_text(&self, line: u64) -> crate::finding::Text {
        crate::text!("phrase.place", file = self.path.display(), at = self.at_text(line))
    }

    /// The row alone: `line 7`, or `sheet '案卷目录', row 7`.
    pub fn at_text(&self, line: u64) -> crate::finding::Text {
        table::place(self.sheet.as_deref(), line)
    }

    /// Reads one data row into a record, or records its problem and returns `None`.
    fn record_of(&mut self, row: &Row, m: &Mapping, spec: &CatalogueSpec) -> Option<Record> {
        let cell = |i: Option<usize>| i.and_then(|i| row.cells.get(i)).cloned().unwrap_or_default();
        let at = self.place_text(row.number);
        let id = normalize::clean(&cell(m.columns[0]));
        if let Some(problem) = id_problem(&id, spec) {
            let record = (!id.is_empty()).then(|| id.clone());
            let message = crate::text!("catalogue.at", at = at.clone(), problem = problem);
            self.problems.push(Problem { rule: "record-id-invalid", record, message });
            if id.is_empty() || id.starts_with(DATE_CELL) {
                return None;
            }
        }
        let raw_pages = cell(m.columns[1]);
        let pages = match normalize::whole_number(&raw_pages) {
            Ok(0) => Err(crate::text!("catalogue.zero-pages")),
            other => other.map_err(|e| date_hint(&raw_pages, e)),
        };
        if let Err(e) = &pages {
            let header = &m.header.cells[m.columns[1].unwrap_or(0)];
            let message = crate::text!(
                "record-pages-invalid",
                at = at,
                header = header,
                id = &id,
                e = e.clone()
            );
            let record = Some(id.clone());
            self.problems.push(Problem { rule: "record-pages-invalid", record, message });
        }
        let title = Some(cell(m.columns[2])).filter(|t| !t.is_empty());
        let key = normalize::key(&id);
        let pages_known = pages.is_ok();
        Some(Record { id, key, pages: pages.unwrap_or(0), pages_known, title, line: row.number })
    }

    fn push(&mut self, record: Record) {
        match self.keys.get(&record.key) {
            Some(&i) => {
                let first = self.records[i].line;
                self.duplicates.push((record, first));
            }
            None => {
                self.keys.insert(record.key.clone(), self.records.len());
                self.exact.insert(record.id.clone(), self.records.len());
                self.records.push(record);
            }
        }
    }

    /// The record a folder or file name stands for, and how it matched.
    pub fn lookup(&self, name: &str) -> Option<(usize, Match)> {
        if let Some(&i) = self.exact.get(name) {
            return Some((i, Match::Exact));
        }
        self.keys.get(&normalize::key(name)).map(|&i| (i, Match::Normalized))
    }

    /// The record a name stands for, exactly or after normalization.
    pub fn get(&self, name: &str) -> Option<usize> {
        self.lookup(name).map(|(i, _)| i)
    }
}

/// What is wrong with a code, if anything: empty, a date, or against the profile's syntax.
fn id_problem(id: &str, spec: &CatalogueSpec) -> Option<crate::finding::Text> {
    if id.is_empty() {
        return Some(crate::text!("record-id-invalid.none"));
    }
    if id.starts_with(DATE_CELL) {
        return Some(crate::text!("record-id-invalid.date"));
    }
    let pattern = spec.id_pattern.as_ref()?;
    (!pattern.is_match(&normalize::key(id))).then(|| {
        let syntax = pattern.as_str().trim_start_matches("^(?:").trim_end_matches(")$");
        crate::text!("record-id-invalid.syntax", id = id, syntax = syntax)
    })
}

/// Adds a hint when a spreadsheet turned a number or range into a date.
pub(crate) fn date_hint(raw: &str, problem: crate::finding::Text) -> crate::finding::Text {
    if raw.starts_with(DATE_CELL) { crate::text!("catalogue.date-cell") } else { problem }
}

/// Notes on rows skipped while reading a sheet: titles above the header, empty rows,
/// merged headings.
pub(crate) fn skipped_notes(path: &Path, sheet: &Sheet, mapping: &Mapping) -> Vec<String> {
    let at = match &sheet.name {
        Some(name) => format!("'{}', sheet '{name}'", path.display()),
        None => format!("'{}'", path.display()),
    };
    let unit = if sheet.name.is_some() { "row" } else { "line" };
    let mut notes = Vec::new();
    if mapping.header.number > 1 {
        notes.push(format!("{at}: header in {unit} {}", mapping.header.number));
    }
    let lists = [
        ("above the header skipped (titles)", mapping.above(sheet)),
        ("skipped: empty", sheet.empty.clone()),
        ("skipped: a merged cell across columns (a heading)", sheet.merged.clone()),
    ];
    for (what, numbers) in lists.into_iter().filter(|(_, n)| !n.is_empty()) {
        let plural = if numbers.len() > 1 { "s" } else { "" };
        notes.push(format!("{at}: {unit}{plural} {} {what}", numbers_list(&numbers)));
    }
    notes
}

/// `3, 5, 9–12` for a sorted list of numbers (at most 20 shown).
fn numbers_list(numbers: &[u64]) -> String {
    let mut runs: Vec<(u64, u64)> = Vec::new();
    for &n in numbers {
        match runs.last_mut() {
            Some((_, end)) if *end + 1 == n => *end = n,
            _ => runs.push((n, n)),
        }
    }
    let shown: Vec<String> = runs
        .iter()
        .take(20)
        .map(|&(a, b)| if a == b { a.to_string() } else { format!("{a}–{b}") })
        .collect();
    let more = if runs.len() > 20 { ", …" } else { "" };
    format!("{}{more}", shown.join(", "))
}

#[cfg(test)]
mod tests;
