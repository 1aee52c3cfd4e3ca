//! Catalogue rules: rows the catalogue itself gets wrong, and names that match their
//! code only after normalization. (record-id-invalid, record-pages-invalid,
//! item-volume-unknown, record-duplicate-id for items, record-id-normalized)
//!
//! The row problems are found while reading the catalogue (where the row and sheet are
//! known) and only reported here, so they pass through the profile's severities.

use super::{Context, Out};
use crate::catalogue::normalize;
use crate::delivery::walk::Kind;

/// The catalogue's own row problems (found while reading it).
pub(super) fn check_delivery(ctx: &Context, out: &mut Out) {
    for p in &ctx.catalogue.problems {
        out.emit(p.rule, p.record.as_deref(), None, p.message.clone());
    }
}

/// Names of a group that match their record's code only after normalization.
pub(super) fn check(ctx: &Context, out: &mut Out) {
    for &i in &ctx.plan.normalized {
        let item = &ctx.plan.items[i];
        let Some(r) = item.record else { continue };
        let rec = &ctx.catalogue.records[r];
        let name =
            item.rel.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        let stem = match (item.kind, name.rsplit_once('.')) {
            (Kind::Dir, _) | (_, None) => name.as_str(),
            (_, Some((stem, _))) => stem,
        };
        let fix = if normalize::key(&rec.id) != rec.id {
            crate::text!(
                "record-id-normalized.fix-catalogue",
                place = ctx.catalogue.place_text(rec.line),
                what = normalize::differences(&rec.id),
                want = &rec.key
            )
        } else {
            let want = name.replacen(stem, &rec.id, 1);
            let what = normalize::differences(stem);
            crate::text!("record-id-normalized.fix-name", what = what, want = want)
        };
        let text = crate::text!(
            "record-id-normalized",
            name = name.escape_debug(),
            code = rec.id.escape_debug(),
            fix = fix
        );
        out.at(ctx, item, "record-id-normalized", text);
    }
}
