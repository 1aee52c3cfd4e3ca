//! Workbooks (XLSX, XLS, ODS) read into sheets, within bounds (issue #8).
//!
//! A catalogue comes from the vendor as often as from the archive, so it is untrusted
//! input like the delivery. calamine builds a dense grid over the bounding box of a
//! sheet's cells: one stray cell typed at `XFD1048576` (or planted there) makes a 5 KB
//! XLSX ask for 17 billion cells and abort the run. ZIP workbooks may also unpack to far
//! more than their size. So before calamine sees a ZIP workbook every entry is inflated
//! once into nothing, capped at [`MAX_INFLATED`] in total, and an XLSX sheet is read cell
//! by cell, refusing more than [`MAX_CELLS`] cells or a grid over [`MAX_GRID`] slots;
//! each refusal names the limit and the cell that caused it. ODS repeat counts are
//! expanded by calamine, which caps them at the format's own maximum, so the grid is
//! checked after reading; XLS (BIFF8) cannot exceed 65,536 × 256 cells.

use super::normalize::clean;
use super::table::{DATE_CELL, Sheet, push_row};
use calamine::{Cell, Data, DataRef, Dimensions, Range, Reader, Sheets, Xlsx};
use std::io::{Cursor, Read};

/// Bytes a ZIP workbook may unpack to, all entries together: a catalogue of a million
/// rows stays under 300 MB of XML.
pub const MAX_INFLATED: u64 = 512 << 20;
/// Non-empty cells a sheet may hold (a million rows of twenty columns).
pub const MAX_CELLS: usize = 20_000_000;
/// Slots of the grid over a sheet's used area (rows × columns).
pub const MAX_GRID: u64 = 40_000_000;

/// Reads every sheet of a workbook of `kind` (`XLSX`, `XLS`, `ODS`).
pub(super) fn read(bytes: &[u8], kind: &str) -> Result<Vec<Sheet>, String> {
    let fail = |e: calamine::Error| format!("is not a readable {kind} workbook ({e})");
    if kind != "XLS" {
        inflated_size(bytes)?;
    }
    if kind == "ODS" {
        ods_extent(bytes)?;
    }
    let mut book = open(bytes, kind).map_err(fail)?;
    let mut sheets = Vec::new();
    for name in book.sheet_names() {
        let range = match &mut book {
            Sheets::Xlsx(x) => xlsx_range(x, &name)?,
            book => book.worksheet_range(&name).map_err(fail)?,
        };
        let range = within_grid(range, &name)?;
        let merges = merged_cells(&mut book, &name);
        sheets.push(sheet_of(name, &range, &merges));
    }
    Ok(sheets)
}

/// Opens the workbook with the reader for its kind, so a damaged file's error is the
/// reader's own rather than "cannot detect file format".
fn open<'a>(bytes: &'a [u8], kind: &str) -> Result<Sheets<Cursor<&'a [u8]>>, calamine::Error> {
    use calamine::open_workbook_from_rs as open;
    let data = Cursor::new(bytes);
    Ok(match kind {
        "XLS" => Sheets::Xls(open(data)?),
        "ODS" => Sheets::Ods(open(data)?),
        _ => Sheets::Xlsx(open(data)?),
    })
}

/// Inflates every entry of a ZIP workbook into nothing, refusing more than
/// [`MAX_INFLATED`] bytes in all. Entries are checked against their CRC on the way.
fn inflated_size(bytes: &[u8]) -> Result<u64, String> {
    let bad = |e: &dyn std::fmt::Display| format!("is not a readable workbook (ZIP: {e})");
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).map_err(|e| bad(&e))?;
    let mut total = 0u64;
    for i in 0..zip.len() {
        let entry = zip.by_index(i).map_err(|e| bad(&e))?;
        let name = entry.name().map(|n| n.to_string()).unwrap_or_else(|_| format!("entry {i}"));
        let left = MAX_INFLATED - total;
        let n = std::io::copy(&mut entry.take(left + 1), &mut std::io::sink())
            .map_err(|e| bad(&format!("'{name}': {e}")))?;
        total += n;
        if total > MAX_INFLATED {
            return Err(format!(
                "unpacks to more than {} MiB (at '{name}'), over vouch's catalogue limit; \
                 a real catalogue is far smaller: save it again, or export it as CSV",
                MAX_INFLATED >> 20
            ));
        }
    }
    Ok(total)
}

/// An XLSX sheet read cell by cell, so a stray far-away cell is refused before a grid
/// is allocated for it.
fn xlsx_range(book: &mut Xlsx<Cursor<&[u8]>>, name: &str) -> Result<Range<Data>, String> {
    let fail = |e: calamine::XlsxError| format!("sheet '{name}': is not readable ({e})");
    let mut reader = book.worksheet_cells_reader(name).map_err(fail)?;
    let mut cells = Vec::new();
    while let Some(cell) = reader.next_cell().map_err(fail)? {
        if matches!(cell.get_value(), DataRef::Empty) {
            continue;
        }
        if cells.len() == MAX_CELLS {
            return Err(format!(
                "sheet '{name}' holds more than {MAX_CELLS} cells, over vouch's catalogue \
                 limit; split the catalogue or export it as CSV"
            ));
        }
        cells.push(Cell::new(cell.get_position(), Data::from(cell.get_value().clone())));
    }
    bounded_extent(&cells, name)?;
    Ok(Range::from_sparse(cells))
}

/// Refuses cells whose bounding box is over [`MAX_GRID`] slots, naming the farthest cell.
fn bounded_extent(cells: &[Cell<Data>], name: &str) -> Result<(), String> {
    let (Some(rows), Some(cols)) = (
        span(cells.iter().map(|c| c.get_position().0)),
        span(cells.iter().map(|c| c.get_position().1)),
    ) else {
        return Ok(());
    };
    let slots = u64::from(rows.1 - rows.0 + 1) * u64::from(cols.1 - cols.0 + 1);
    if slots <= MAX_GRID {
        return Ok(());
    }
    let far = cells
        .iter()
        .map(|c| c.get_position())
        .max_by_key(|p| u64::from(p.0) * 16384 + u64::from(p.1));
    let at =
        far.map(|(r, c)| format!(" (e.g. the cell at {})", cell_name(r, c))).unwrap_or_default();
    Err(format!(
        "sheet '{name}' spreads its cells over {slots} grid cells{at}, over vouch's \
         catalogue limit of {MAX_GRID}; delete stray cells far outside the table, or \
         export the catalogue as CSV"
    ))
}

/// Refuses an ODS whose repeat counts (`number-rows-repeated`, `number-columns-repeated`)
/// spread its non-empty cells over more than [`MAX_GRID`] slots, before calamine expands
/// them (it caps at 100 million cells, about 3 GB). A lexical scan of `content.xml`: a
/// cell counts as used if it has a value type or content; trailing empty rows and
/// columns, which spreadsheet programs write with huge repeat counts, cost nothing.
fn ods_extent(bytes: &[u8]) -> Result<(), String> {
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).map_err(|e| e.to_string())?;
    let mut xml = Vec::new();
    if let Ok(entry) = zip.by_name("content.xml") {
        entry.take(MAX_INFLATED).read_to_end(&mut xml).map_err(|e| e.to_string())?;
    }
    let tags = regex::bytes::Regex::new(
        r"<table:table[ >]|<table:table-row\b[^>]*>|<table:(?:covered-)?table-cell\b[^>]*>",
    )
    .expect("valid regex");
    let repeat = |tag: &[u8], attr: &str| -> u64 {
        let at = tag.windows(attr.len()).position(|w| w == attr.as_bytes());
        let digits = at.map(|i| &tag[i + attr.len()..]).unwrap_or_default();
        let n = digits
            .iter()
            .take_while(|b| b.is_ascii_digit())
            .fold(0u64, |n, &b| n.saturating_mul(10).saturating_add(u64::from(b - b'0')));
        if at.is_some() { n.max(1) } else { 1 }
    };
    let (mut row, mut rows_here, mut col) = (0u64, 1u64, 0u64);
    let (mut last_row, mut last_col) = (0u64, 0u64);
    for m in tags.find_iter(&xml) {
        let tag = m.as_bytes();
        if tag.starts_with(b"<table:table-row") {
            row = row.saturating_add(rows_here);
            (rows_here, col) = (repeat(tag, "number-rows-repeated=\""), 0);
        } else if tag.starts_with(b"<table:table ") || tag == b"<table:table>" {
            (row, rows_here, col) = (0, 0, 0);
        } else {
            col = col.saturating_add(repeat(tag, "number-columns-repeated=\""));
            let used = !tag.ends_with(b"/>") || tag.windows(11).any(|w| w == b"value-type=");
            if used {
                last_row = last_row.max(row.saturating_add(rows_here));
                last_col = last_col.max(col);
                let slots = last_row.saturating_mul(last_col);
                if slots > MAX_GRID {
                    return Err(format!(
                        "spreads its cells over more than {MAX_GRID} grid cells (repeated \
                         rows or columns reach row {last_row}, column {last_col}), over \
                         vouch's catalogue limit; delete stray cells far outside the table, \
                         or export the catalogue as CSV"
                    ));
                }
            }
        }
    }
    Ok(())
}

/// Refuses a grid calamine already built (ODS, XLS) if it is over [`MAX_GRID`] slots.
fn within_grid(range: Range<Data>, name: &str) -> Result<Range<Data>, String> {
    let (h, w) = range.get_size();
    if (h as u64) * (w as u64) > MAX_GRID {
        return Err(format!(
            "sheet '{name}' spreads over {h} rows × {w} columns, over vouch's catalogue \
             limit of {MAX_GRID} cells; delete stray cells far outside the table, or \
             export the catalogue as CSV"
        ));
    }
    Ok(range)
}

fn span(values: impl Iterator<Item = u32>) -> Option<(u32, u32)> {
    values.fold(None, |acc, v| match acc {
        None => Some((v, v)),
        Some((lo, hi)) => Some((lo.min(v), hi.max(v))),
    })
}

/// `A1`-style name of a 0-based (row, column).
fn cell_name(row: u32, col: u32) -> String {
    let mut letters = Vec::new();
    let mut c = col + 1;
    while c > 0 {
        letters.push(b'A' + ((c - 1) % 26) as u8);
        c = (c - 1) / 26;
    }
    letters.reverse();
    format!("{}{}", String::from_utf8_lossy(&letters), row + 1)
}

/// Merged regions of a sheet, where the format says (XLSX, XLS; ODS covered cells read
/// as empty, which the item list's copy-down of the volume code handles).
fn merged_cells(book: &mut Sheets<Cursor<&[u8]>>, name: &str) -> Vec<Dimensions> {
    match book {
        Sheets::Xlsx(x) => x.merge_cells_by_sheet_name(name).unwrap_or_default(),
        Sheets::Xls(x) => x.merge_cells_by_sheet_name(name).unwrap_or_default(),
        _ => Vec::new(),
    }
}

fn sheet_of(name: String, range: &calamine::Range<Data>, merges: &[Dimensions]) -> Sheet {
    let (row0, col0) = range.start().unwrap_or((0, 0));
    let mut grid: Vec<Vec<String>> = range
        .rows()
        .map(|r| {
            std::iter::repeat_n(String::new(), col0 as usize)
                .chain(r.iter().map(cell_text))
                .collect()
        })
        .collect();
    let at = |r: u32| r.checked_sub(row0).map(|i| i as usize);
    // A merge spanning one column and several rows (a code shared by item rows): copy down.
    for m in merges.iter().filter(|m| m.start.1 == m.end.1 && m.end.0 > m.start.0) {
        let (Some(top), col) = (at(m.start.0), m.start.1 as usize) else { continue };
        let value = grid.get(top).and_then(|r| r.get(col)).cloned().unwrap_or_default();
        for r in m.start.0 + 1..=m.end.0 {
            if let Some(cell) = at(r).and_then(|i| grid.get_mut(i)).and_then(|row| row.get_mut(col))
            {
                *cell = value.clone();
            }
        }
    }
    let mut sheet =
        Sheet { name: Some(name), rows: Vec::new(), empty: Vec::new(), merged: Vec::new() };
    for (i, cells) in grid.into_iter().enumerate() {
        let number = u64::from(row0) + i as u64 + 1;
        let r = row0 + i as u32;
        let heading =
            merges.iter().find(|m| m.start.1 < m.end.1 && (m.start.0..=m.end.0).contains(&r));
        let only_merge = heading.is_some_and(|m| {
            cells
                .iter()
                .enumerate()
                .all(|(c, v)| v.is_empty() || (m.start.1..=m.end.1).contains(&(c as u32)))
        });
        if only_merge && cells.iter().any(|v| !v.is_empty()) {
            sheet.merged.push(number);
        } else {
            push_row(&mut sheet, number, cells);
        }
    }
    sheet
}

/// A cell as the person sees it: whole numbers without `.0`, dates marked.
fn cell_text(cell: &Data) -> String {
    match cell {
        Data::Empty => String::new(),
        Data::String(s) => clean(s),
        Data::Int(i) => i.to_string(),
        Data::Float(f) if f.fract() == 0.0 && f.abs() < 1e15 => format!("{}", *f as i64),
        Data::Float(f) => f.to_string(),
        Data::Bool(b) => if *b { "TRUE" } else { "FALSE" }.into(),
        Data::DateTime(d) => format!("{DATE_CELL}{}", d.as_f64()),
        Data::DateTimeIso(s) | Data::DurationIso(s) => format!("{DATE_CELL}{s}"),
        Data::Error(e) => format!("{e}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_read_as_people_see_them() {
        assert_eq!(cell_text(&Data::Float(20200001.0)), "20200001");
        assert_eq!(cell_text(&Data::Float(12.5)), "12.5");
        assert_eq!(cell_text(&Data::Int(7)), "7");
        assert_eq!(cell_text(&Data::String(" A-1\u{a0}".into())), "A-1");
    }

    #[test]
    fn merges_copy_codes_down_and_skip_headings() {
        let mut range = calamine::Range::new((0, 0), (3, 1));
        range.set_value((0, 0), Data::String("卷内目录".into()));
        range.set_value((1, 0), Data::String("V-1".into()));
        range.set_value((1, 1), Data::Int(1));
        range.set_value((2, 1), Data::Int(2));
        let merges = [Dimensions::new((0, 0), (0, 1)), Dimensions::new((1, 0), (2, 0))];
        let sheet = sheet_of("s".into(), &range, &merges);
        assert_eq!(sheet.merged, vec![1]);
        assert_eq!(sheet.empty, vec![4]);
        let rows: Vec<_> = sheet.rows.iter().map(|r| (r.number, r.cells.join("|"))).collect();
        assert_eq!(rows, vec![(2, "V-1|1".to_string()), (3, "V-1|2".to_string())]);
    }

    #[test]
    fn cells_are_named_as_spreadsheets_name_them() {
        assert_eq!(cell_name(0, 0), "A1");
        assert_eq!(cell_name(1_048_575, 16_383), "XFD1048576");
        assert_eq!(cell_name(9, 26), "AA10");
    }
}
