//! The item list (卷内目录) of a volume-arranged archive: which items each volume holds
//! and on which of its pages.
//!
//! Archive systems export it as its own table: one row per item with the volume's code
//! (案卷档号), the item's code (档号 or 件号) and its 页号. DA/T 22 has 页号 carry the
//! item's first page, and the last item of a volume its first-last range; `1-5` ranges
//! on every row are common too, and both are read. It comes as a second file
//! (`--items`), or as a sheet of the catalogue workbook (`卷内目录` by default). A volume
//! code left empty under a merged cell is copied down from the row above.

use super::header::{self, Field, Mapping};
use super::normalize::{self, PageField};
use super::table::{self, Row, Table};
use super::{Catalogue, Options, Problem, date_hint, skipped_notes};
use crate::error::CatalogueError;
use crate::finding::Text;
use crate::profile::{Arrangement, CatalogueSpec};
use std::collections::HashMap;
use std::path::PathBuf;

/// One item row.
#[derive(Clone, Debug, PartialEq)]
pub struct Item {
    /// The item's code; `<volume>/<n>` when the list gives only a sequence number.
    pub id: String,
    /// Index of its volume among the catalogue's records.
    pub volume: usize,
    /// Its 页号, when usable (else a `record-pages-invalid` problem).
    pub pages: Option<PageField>,
    /// Where it is: `items 'i.csv', line 4`.
    pub place: Text,
}

/// The item list as read.
#[derive(Clone, Debug)]
pub struct ItemList {
    /// The file read (the catalogue itself when the list is one of its sheets).
    pub path: PathBuf,
    /// SHA-256 of its bytes.
    pub sha256: String,
    /// Encoding or workbook format.
    pub format: &'static str,
    /// The sheet read, for a workbook.
    pub sheet: Option<String>,
    /// Items whose volume is in the catalogue, in list order.
    pub items: Vec<Item>,
}

/// The item list's fields, in [`Mapping::columns`] order: volume, id, pages, title.
pub fn fields(spec: &CatalogueSpec) -> [Field<'_>; 4] {
    let c = &spec.items;
    let f = |what, key, names, required| Field { what, key, names, required };
    [
        f("volume-code", "catalogue.items.volume", &c.volume, true),
        f("item-code", "catalogue.items.id", &c.id, true),
        f("page-number (页号)", "catalogue.items.pages", &c.pages, true),
        f("title", "catalogue.items.title", &c.title, false),
    ]
}

/// Reads the item list a volume arrangement needs; `None` in item arrangement.
pub(super) fn load(
    cat: &mut Catalogue,
    catalogue_table: &Table,
    spec: &CatalogueSpec,
    opts: &Options,
) -> Result<Option<ItemList>, CatalogueError> {
    if spec.arrangement == Arrangement::Item {
        if let Some(items) = &opts.items {
            return Err(CatalogueError::Invalid {
                file: items.clone(),
                problem: "is an item list, but the profile's `catalogue.arrangement` is \
                          \"item\"; set it to \"volume\" or drop --items"
                    .into(),
            });
        }
        return Ok(None);
    }
    let own;
    let (table, exclude) = match &opts.items {
        Some(path) => {
            own = Table::read(path)?;
            (&own, None)
        }
        None => (catalogue_table, cat.sheet.as_deref()),
    };
    let fields = fields(spec);
    let chosen =
        header::choose(table, opts.items_sheet.as_deref(), &spec.items.sheet, exclude, &fields);
    let (sheet, mapping) = chosen.map_err(|e| missing_list(table, opts, e))?;
    cat.notes.extend(skipped_notes(&table.path, sheet, &mapping));
    let mut list = ItemList {
        path: table.path.clone(),
        sha256: table.sha256.clone(),
        format: table.format,
        sheet: sheet.name.clone(),
        items: Vec::new(),
    };
    read_rows(cat, &mut list, mapping.data(sheet), &mapping);
    Ok(Some(list))
}

fn missing_list(table: &Table, opts: &Options, problem: String) -> CatalogueError {
    let problem = if opts.items.is_none() {
        format!(
            "{problem}; the profile's `catalogue.arrangement` is \"volume\", which needs the \
             item list (卷内目录): pass it with --items FILE, or keep it as a sheet named as \
             in `catalogue.items.sheet`"
        )
    } else {
        problem
    };
    CatalogueError::Invalid { file: table.path.clone(), problem }
}

/// Reads the data rows: copies empty volume codes down, checks codes and 页号.
fn read_rows(cat: &mut Catalogue, list: &mut ItemList, rows: &[Row], m: &Mapping) {
    let mut volume_above = String::new();
    let mut copied = Vec::new();
    let mut seen: HashMap<String, Text> = HashMap::new();
    for row in rows {
        let at = table::place(list.sheet.as_deref(), row.number);
        let place = crate::text!("phrase.items-place", file = list.path.display(), at = at);
        let cell = |i: Option<usize>| i.and_then(|i| row.cells.get(i)).cloned().unwrap_or_default();
        let mut volume_code = cell(m.columns[0]);
        if volume_code.is_empty() && !volume_above.is_empty() {
            volume_code = volume_above.clone();
            copied.push(row.number);
        }
        volume_above = volume_code.clone();
        let Some(item) = item_of(cat, row, m, &volume_code, place) else { continue };
        let key = normalize::key(&item.id);
        if let Some(first) = seen.get(&key) {
            let message = crate::text!(
                "record-duplicate-id.item",
                place = item.place.clone(),
                id = &item.id,
                first = first.clone()
            );
            cat.problems.push(problem("record-duplicate-id", &item.id, message));
            continue;
        }
        seen.insert(key, item.place.clone());
        list.items.push(item);
    }
    if !copied.is_empty() {
        let unit = if list.sheet.is_some() { "row" } else { "line" };
        let unit = if copied.len() > 1 { format!("{unit}s") } else { unit.to_string() };
        let at = format!("'{}'", list.path.display());
        let n = super::numbers_list(&copied);
        cat.notes
            .push(format!("{at}: {unit} {n}: empty volume code copied down from the row above"));
    }
}

fn problem(rule: &'static str, record: &str, message: Text) -> Problem {
    Problem { rule, record: (!record.is_empty()).then(|| record.to_string()), message }
}

/// One item row, or `None` (with its problem recorded) when it cannot be placed.
fn item_of(
    cat: &mut Catalogue,
    row: &Row,
    m: &Mapping,
    volume_code: &str,
    place: Text,
) -> Option<Item> {
    let cell = |i: Option<usize>| i.and_then(|i| row.cells.get(i)).cloned().unwrap_or_default();
    let raw_id = normalize::clean(&cell(m.columns[1]));
    let id = if !raw_id.is_empty() && raw_id.chars().all(|c| c.is_ascii_digit()) {
        format!("{}/{raw_id}", volume_code)
    } else {
        raw_id
    };
    if volume_code.is_empty() || id.is_empty() {
        let message = match id.is_empty() {
            true => crate::text!("record-id-invalid.no-item-code", place = place),
            false => crate::text!("record-id-invalid.no-volume-code", place = place),
        };
        cat.problems.push(problem("record-id-invalid", &id, message));
        return None;
    }
    let Some(volume) = cat.get(volume_code) else {
        let message =
            crate::text!("item-volume-unknown", place = place, id = &id, volume = volume_code);
        cat.problems.push(problem("item-volume-unknown", &id, message));
        return None;
    };
    let raw_pages = cell(m.columns[2]);
    let pages = match normalize::page_field(&raw_pages) {
        Ok(PageField::Start(0) | PageField::Range(0, _)) => {
            Err(crate::text!("catalogue.page-zero"))
        }
        other => other.map_err(|e| date_hint(&raw_pages, e)),
    };
    if let Err(e) = &pages {
        let header = &m.header.cells[m.columns[2].unwrap_or(0)];
        let message = crate::text!(
            "record-pages-invalid.item",
            place = place.clone(),
            header = header,
            id = &id,
            e = e.clone()
        );
        cat.problems.push(problem("record-pages-invalid", &id, message));
    }
    Some(Item { id, volume, pages: pages.ok(), place })
}
