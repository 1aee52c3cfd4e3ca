//! Page rules: are a record's pages named, numbered and ordered as the layout says?
//! (page-gap, page-number-duplicate, page-name-invalid, page-duplicate-content,
//! dir-unexpected)

use super::{Context, Out};
use crate::delivery::plan::{Item, Role};
use std::collections::BTreeMap;

pub(super) fn check(ctx: &Context, out: &mut Out) {
    for item in &ctx.plan.items {
        match item.role {
            Role::Stray if item.rel.is_utf8() => out.at(
                ctx,
                item,
                "page-name-invalid",
                "the name is neither a page number (e.g. 0001.jpg) nor the record's code with a \
                 multi-page extension"
                    .into(),
            ),
            Role::NestedDir => out.at(
                ctx,
                item,
                "dir-unexpected",
                "a folder inside a record folder; pages belong directly in the record's folder"
                    .into(),
            ),
            _ => {}
        }
    }
    for r in ctx.plan.records() {
        let pages: Vec<(&Item, u32, Option<&str>)> = ctx
            .record_items(r)
            .filter_map(|(i, f)| match i.role {
                Role::Page(n) => Some((i, n, f.and_then(|f| f.sha256.as_deref()))),
                _ => None,
            })
            .collect();
        numbering(ctx, out, r, &pages);
        duplicate_content(ctx, out, &pages);
    }
}

fn numbering(ctx: &Context, out: &mut Out, r: usize, pages: &[(&Item, u32, Option<&str>)]) {
    let mut seen: BTreeMap<u32, &Item> = BTreeMap::new();
    for &(item, n, _) in pages {
        if let Some(first) = seen.get(&n) {
            let message = format!("page number {n} is also carried by '{}'", first.rel.escaped());
            out.at(ctx, item, "page-number-duplicate", message);
        } else {
            seen.insert(n, item);
        }
    }
    let location = ctx.locations[r].as_ref().map(|l| l.escaped());
    let mut expected = 1u32;
    for &n in seen.keys() {
        if n > expected {
            let run = if n - 1 == expected {
                format!("page {expected} is missing")
            } else {
                format!("pages {expected}–{} are missing", n - 1)
            };
            let message = format!("{run} (numbering jumps to {n})");
            out.emit("page-gap", ctx.code(Some(r)), location.clone(), message);
        }
        expected = n.saturating_add(1);
    }
}

fn duplicate_content(ctx: &Context, out: &mut Out, pages: &[(&Item, u32, Option<&str>)]) {
    let mut first: BTreeMap<&str, &Item> = BTreeMap::new();
    for &(item, _, digest) in pages {
        let Some(digest) = digest.filter(|_| item.size > 0) else { continue };
        match first.get(digest) {
            Some(earlier) => {
                let message =
                    format!("byte-identical to '{}' (same SHA-256)", earlier.rel.escaped());
                out.at(ctx, item, "page-duplicate-content", message);
            }
            None => {
                first.insert(digest, item);
            }
        }
    }
}
