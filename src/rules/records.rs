//! Record rules: is every catalogued record delivered, with the right number of pages,
//! and nothing else? (record-missing, record-unexpected, record-duplicate-id,
//! page-count-mismatch)

use super::{Context, Out};
use crate::delivery::plan::Role;

/// The records of a group: entries matching no record, and page counts.
pub(super) fn check(ctx: &Context, out: &mut Out) {
    for item in ctx.plan.items.iter().filter(|i| i.role == Role::Unexpected) {
        let text = if item.kind == crate::delivery::walk::Kind::Dir {
            crate::text!("record-unexpected.folder")
        } else {
            crate::text!("record-unexpected.file")
        };
        out.at(ctx, item, "record-unexpected", text);
    }
    for r in ctx.plan.records() {
        if let Some(location) = &ctx.locations[r] {
            page_count(ctx, out, r, location.escaped());
        }
    }
}

/// The catalogue against the whole delivery: repeated codes, records never delivered.
pub(super) fn check_delivery(ctx: &Context, out: &mut Out) {
    for (dup, first) in &ctx.catalogue.duplicates {
        out.emit(
            "record-duplicate-id",
            Some(&dup.id),
            None,
            crate::text!(
                "record-duplicate-id",
                place = ctx.catalogue.place_text(dup.line),
                first = ctx.catalogue.at_text(*first)
            ),
        );
    }
    for (r, rec) in ctx.catalogue.records.iter().enumerate() {
        if ctx.locations[r].is_none() {
            out.emit(
                "record-missing",
                Some(&rec.id),
                None,
                crate::text!(
                    "record-missing",
                    place = ctx.catalogue.place_text(rec.line),
                    code = &rec.id,
                    pages = if rec.pages_known { rec.pages.to_string() } else { "?".into() }
                ),
            );
        }
    }
}

/// Pages delivered for record `r`: page files count one each, multi-page files by their
/// own structure. `None` when a multi-page file's count is unknown (it could not be read;
/// that file has its own finding).
pub(crate) fn delivered_pages(ctx: &Context, r: usize) -> Option<u64> {
    let mut delivered: u64 = 0;
    for (item, facts) in ctx.record_items(r) {
        match item.role {
            Role::Page(_) => delivered = delivered.saturating_add(1),
            Role::Multipage => {
                delivered = delivered.saturating_add(u64::from(facts?.page_count?));
            }
            _ => {}
        }
    }
    Some(delivered)
}

/// Compares delivered pages with the catalogue; skipped when they cannot be counted.
fn page_count(ctx: &Context, out: &mut Out, r: usize, location: String) {
    let rec = &ctx.catalogue.records[r];
    // An unusable page count has its own `record-pages-invalid` finding.
    if !rec.pages_known {
        return;
    }
    let Some(delivered) = delivered_pages(ctx, r) else { return };
    if delivered != u64::from(rec.pages) {
        out.emit(
            "page-count-mismatch",
            Some(&rec.id),
            Some(location),
            crate::text!(
                "page-count-mismatch",
                place = ctx.catalogue.place_text(rec.line),
                pages = rec.pages,
                delivered = delivered
            ),
        );
    }
}
