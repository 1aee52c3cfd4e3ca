//! `vouch catalogue inspect`: how a profile reads a catalogue file, shown before a
//! multi-hour check depends on it.
//!
//! Prints the detected encoding or workbook format and its sheets, the sheet and header
//! row chosen, the column each field maps to (and which columns are left unused), the
//! rows skipped, the first data rows as read, and the row problems `check` would report.

use super::header::{self, Field, Mapping};
use super::table::{Sheet, Table};
use super::{Catalogue, Options, items, record_fields, skipped_notes};
use crate::error::CatalogueError;
use crate::profile::{Arrangement, CatalogueSpec, Profile};
use std::fmt::Write;
use std::path::Path;

/// What the file is read as.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum As {
    /// The record (or volume) list.
    Records,
    /// The item list of a volume-arranged archive.
    Items,
}

/// Renders the inspection of `file` as text for people.
pub fn render(
    file: &Path,
    profile: &Profile,
    sheet: Option<&str>,
    what: As,
    rows: usize,
) -> Result<String, CatalogueError> {
    let table = Table::read(file)?;
    let spec = &profile.catalogue;
    let invalid = |problem: String| CatalogueError::Invalid { file: file.into(), problem };
    let (fields, preferred): (Vec<Field>, &[String]) = match what {
        As::Records => (record_fields(spec).into(), &spec.sheet),
        As::Items => (items::fields(spec).into(), &spec.items.sheet),
    };
    let (chosen, mapping) =
        header::choose(&table, sheet, preferred, None, &fields).map_err(invalid)?;
    let mut s = String::new();
    describe_file(&mut s, &table, chosen, profile);
    describe_mapping(&mut s, &table, &mapping, &fields);
    let _ = writeln!(s, "notes:");
    for note in skipped_notes(&table.path, chosen, &mapping) {
        let _ = writeln!(s, "  {note}");
    }
    first_rows(&mut s, &table, chosen, &mapping, &fields, rows);
    match what {
        As::Records => problems(&mut s, file, spec, sheet)?,
        As::Items => {
            let _ = writeln!(s, "volume codes and page ranges are checked by `vouch check`");
        }
    }
    Ok(s)
}

fn describe_file(s: &mut String, table: &Table, sheet: &Sheet, profile: &Profile) {
    let _ = writeln!(s, "file:     {}", table.path.display());
    let _ = writeln!(s, "sha256:   {}", table.sha256);
    match table.delimiter {
        Some(d) => {
            let name = match d {
                '\t' => "tab".to_string(),
                other => format!("'{other}'"),
            };
            let _ = writeln!(s, "format:   CSV, encoding {}, delimiter {name}", table.format);
        }
        None => {
            let names = table.sheet_names().join(", ");
            let _ = writeln!(s, "format:   {} workbook, sheets: {names}", table.format);
            let _ = writeln!(s, "sheet:    {}", sheet.name.as_deref().unwrap_or_default());
        }
    }
    let arrangement = match profile.catalogue.arrangement {
        Arrangement::Item => "item (件)",
        Arrangement::Volume => "volume (卷)",
    };
    let _ =
        writeln!(s, "profile:  {} ({}), arrangement {arrangement}", profile.name, profile.origin);
}

/// `A`, `B`, ... `AA` in a workbook; `1`, `2`, ... in CSV.
fn column_name(table: &Table, index: usize) -> String {
    if !table.is_workbook() {
        return (index + 1).to_string();
    }
    let mut n = index + 1;
    let mut name = String::new();
    while n > 0 {
        let rem = (n - 1) % 26;
        name.insert(0, char::from(b'A' + rem as u8));
        n = (n - 1) / 26;
    }
    name
}

fn describe_mapping(s: &mut String, table: &Table, m: &Mapping, fields: &[Field]) {
    let unit = if table.is_workbook() { "row" } else { "line" };
    let _ = writeln!(s, "header:   {unit} {}: {}", m.header.number, m.header.cells.join(" | "));
    let _ = writeln!(s, "mapping:");
    for (f, col) in fields.iter().zip(&m.columns) {
        let at = match col {
            Some(c) => format!("column {} '{}'", column_name(table, *c), m.header.cells[*c]),
            None => "(none)".into(),
        };
        let _ = writeln!(s, "  {:<20} ← {at:<24} `{}`: {}", f.what, f.key, f.names.join(", "));
    }
    for (c, name) in m.header.cells.iter().enumerate() {
        if !name.is_empty() && !m.columns.contains(&Some(c)) {
            let _ =
                writeln!(s, "  {:<20}   column {} '{name}'", "(not used)", column_name(table, c));
        }
    }
}

fn first_rows(s: &mut String, table: &Table, sheet: &Sheet, m: &Mapping, f: &[Field], n: usize) {
    let data = m.data(sheet);
    let unit = if table.is_workbook() { "row" } else { "line" };
    let _ = writeln!(s, "first {} of {} data rows, as read:", n.min(data.len()), data.len());
    for row in data.iter().take(n) {
        let cells: Vec<String> = f
            .iter()
            .zip(&m.columns)
            .filter_map(|(f, c)| Some((f.what, (*c)?)))
            .map(|(what, c)| format!("{what}={:?}", row.cells.get(c).map_or("", String::as_str)))
            .collect();
        let _ = writeln!(s, "  {unit} {:<5} {}", row.number, cells.join("  "));
    }
}

/// The row problems and repeated codes `check` would report.
fn problems(
    s: &mut String,
    file: &Path,
    spec: &CatalogueSpec,
    sheet: Option<&str>,
) -> Result<(), CatalogueError> {
    let spec = CatalogueSpec { arrangement: Arrangement::Item, ..spec.clone() };
    let opts = Options { sheet: sheet.map(str::to_string), ..Options::default() };
    let cat = Catalogue::read(file, &spec, &opts)?;
    let count = cat.problems.len() + cat.duplicates.len();
    let _ = writeln!(s, "records:  {}, row problems: {count}", cat.records.len());
    for p in &cat.problems {
        let _ = writeln!(s, "  {}: {}", p.rule, p.message.render(crate::finding::Lang::En));
    }
    for (dup, first) in &cat.duplicates {
        let _ = writeln!(
            s,
            "  record-duplicate-id: {} repeats the code '{}' of line/row {first}",
            cat.place(dup.line),
            dup.id
        );
    }
    Ok(())
}
