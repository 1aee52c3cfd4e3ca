//! Header rows: which sheet holds the list, which row names its columns, and which
//! column is which field.
//!
//! Exports from archive systems and hand-made workbooks put a title (often a merged
//! cell, "卷内目录") and blank rows above the header, so the header is the first of the
//! top rows that names every required field, not blindly the first row. Headers are
//! compared after normalization (case, full-width forms, invisible characters).

use super::normalize;
use super::table::{Row, Sheet, Table};

/// How many non-empty rows at the top of a sheet may precede the header.
const HEADER_SEARCH: usize = 20;

/// A field the profile maps to a column.
pub struct Field<'a> {
    /// What it is, for messages (`reference code`).
    pub what: &'static str,
    /// The profile key that lists its headers (`catalogue.id`).
    pub key: &'static str,
    /// Header names tried, in order.
    pub names: &'a [String],
    /// Whether the list is unusable without it.
    pub required: bool,
}

/// The header found in a sheet, and the column of every field.
#[derive(Clone, Debug)]
pub struct Mapping {
    /// Index of the header row in the sheet's rows.
    pub index: usize,
    /// The header row.
    pub header: Row,
    /// Per field (same order as asked), its column.
    pub columns: Vec<Option<usize>>,
}

impl Mapping {
    /// The data rows, below the header.
    pub fn data<'s>(&self, sheet: &'s Sheet) -> &'s [Row] {
        &sheet.rows[self.index + 1..]
    }

    /// The non-empty rows above the header (titles), by number.
    pub fn above(&self, sheet: &Sheet) -> Vec<u64> {
        sheet.rows[..self.index].iter().map(|r| r.number).collect()
    }
}

/// Finds the column of each field in one row.
fn columns_in(row: &Row, fields: &[Field]) -> Vec<Option<usize>> {
    let header: Vec<String> = row.cells.iter().map(|c| normalize::header(c)).collect();
    fields
        .iter()
        .map(|f| {
            f.names.iter().find_map(|n| {
                let n = normalize::header(n);
                header.iter().position(|h| *h == n)
            })
        })
        .collect()
}

/// Finds the header row of a sheet: the first of its top rows with every required field.
/// `Err` describes, for the likeliest header row, what is missing and how to fix it.
pub fn map(sheet: &Sheet, fields: &[Field]) -> Result<Mapping, String> {
    let mut best: Option<(usize, usize)> = None;
    for (index, row) in sheet.rows.iter().enumerate().take(HEADER_SEARCH) {
        let columns = columns_in(row, fields);
        let required_ok = fields.iter().zip(&columns).all(|(f, c)| !f.required || c.is_some());
        if required_ok {
            return Ok(Mapping { index, header: row.clone(), columns });
        }
        let found = columns.iter().filter(|c| c.is_some()).count();
        if best.is_none_or(|(_, n)| found > n) {
            best = Some((index, found));
        }
    }
    let Some((index, _)) = best else {
        return Err("is empty".into());
    };
    let row = &sheet.rows[index];
    let columns = columns_in(row, fields);
    let (field, _) = fields
        .iter()
        .zip(&columns)
        .find(|(f, c)| f.required && c.is_none())
        .unwrap_or((&fields[0], &None));
    Err(format!(
        "no {} column: the likeliest header row (line {}) has [{}], the profile looks for \
         [{}]; rename the column or add its header to the profile's `{}`",
        field.what,
        row.number,
        row.cells.join(", "),
        field.names.join(", "),
        field.key,
    ))
}

/// Which sheet to read, and its mapping. `explicit` is `--sheet`; `preferred` are the
/// profile's names; otherwise the first sheet (not `exclude`) whose header maps.
pub fn choose<'t>(
    table: &'t Table,
    explicit: Option<&str>,
    preferred: &[String],
    exclude: Option<&str>,
    fields: &[Field],
) -> Result<(&'t Sheet, Mapping), String> {
    let names = || table.sheet_names().join(", ");
    let on = |s: &'t Sheet| map(s, fields).map(|m| (s, m)).map_err(|e| in_sheet(s, e));
    if !table.is_workbook() {
        if let Some(name) = explicit {
            return Err(format!("is CSV, which has no sheets; drop --sheet '{name}'"));
        }
        return on(&table.sheets[0]);
    }
    let by_name = |n: &str| {
        let key = normalize::header(n);
        table.sheets.iter().find(|s| s.name.as_deref().map(normalize::header) == Some(key.clone()))
    };
    if let Some(name) = explicit {
        let sheet = by_name(name)
            .ok_or_else(|| format!("has no sheet '{name}'; its sheets are: {}", names()))?;
        return on(sheet);
    }
    if let Some(sheet) = preferred.iter().find_map(|n| by_name(n)) {
        return on(sheet);
    }
    let mut first_error = None;
    for sheet in table.sheets.iter().filter(|s| s.name.as_deref() != exclude) {
        match on(sheet) {
            Ok(found) => return Ok(found),
            Err(e) => {
                first_error.get_or_insert(e);
            }
        }
    }
    let why = first_error.unwrap_or_else(|| "has no sheet to read".into());
    Err(format!("{why} (sheets: {}; choose one with --sheet)", names()))
}

fn in_sheet(sheet: &Sheet, problem: String) -> String {
    match &sheet.name {
        Some(name) => format!("sheet '{name}' {problem}"),
        None => problem,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sheet(rows: &[&[&str]]) -> Sheet {
        let rows = rows
            .iter()
            .enumerate()
            .map(|(i, r)| Row {
                number: i as u64 + 1,
                cells: r.iter().map(|c| c.to_string()).collect(),
            })
            .collect();
        Sheet { name: Some("s".into()), rows, empty: vec![], merged: vec![] }
    }

    #[test]
    fn header_below_a_title_is_found() {
        let (id, pages) = (vec!["档号".to_string()], vec!["页数".to_string()]);
        let fields = [
            Field { what: "reference code", key: "catalogue.id", names: &id, required: true },
            Field { what: "page count", key: "catalogue.pages", names: &pages, required: true },
        ];
        let s = sheet(&[&["某档案馆案卷目录"], &["序号", "档　号", " 页数 "], &["1", "A-1", "3"]]);
        let m = map(&s, &fields).unwrap();
        assert_eq!((m.index, m.columns.clone()), (1, vec![Some(1), Some(2)]));
        assert_eq!(m.above(&s), vec![1]);
        assert_eq!(m.data(&s).len(), 1);
        let s = sheet(&[&["title"], &["档号", "页码"]]);
        let err = map(&s, &fields).unwrap_err();
        assert!(err.contains("no page count column") && err.contains("[档号, 页码]"), "{err}");
    }
}
