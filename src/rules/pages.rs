//! Page rules: are a record's pages named, numbered and ordered as the layout says?
//! (page-gap, page-number-duplicate, page-name-invalid, page-duplicate-content,
//! dir-unexpected)

use super::{Context, Out};
use crate::delivery::plan::{Item, Role};
use std::collections::BTreeMap;

pub(super) fn check(ctx: &Context, out: &mut Out) {
    for item in &ctx.plan.items {
        match item.role {
            Role::Stray if item.rel.is_utf8() => {
                out.at(ctx, item, "page-name-invalid", crate::text!("page-name-invalid"))
            }
            Role::NestedDir => out.at(ctx, item, "dir-unexpected", crate::text!("dir-unexpected")),
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
            let text = crate::text!("page-number-duplicate", page = n, other = first.rel.escaped());
            out.at(ctx, item, "page-number-duplicate", text);
        } else {
            seen.insert(n, item);
        }
    }
    let location = ctx.locations[r].as_ref().map(|l| l.escaped());
    let mut expected = 1u32;
    for &n in seen.keys() {
        if n > expected {
            let text = if n - 1 == expected {
                crate::text!("page-gap.one", page = expected, next = n)
            } else {
                crate::text!("page-gap.many", from = expected, to = n - 1, next = n)
            };
            out.emit("page-gap", ctx.code(Some(r)), location.clone(), text);
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
                let text = crate::text!("page-duplicate-content", other = earlier.rel.escaped());
                out.at(ctx, item, "page-duplicate-content", text);
            }
            None => {
                first.insert(digest, item);
            }
        }
    }
}
