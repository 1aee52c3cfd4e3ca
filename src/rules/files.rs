//! File rules: is every entry a plain, readable, non-empty file with a readable name,
//! that stayed put while it was checked? (file-unreadable, file-empty, file-junk,
//! file-name-encoding, file-symlink, file-changed)

use super::{Context, Out};
use crate::delivery::plan::{Item, Role};
use crate::delivery::walk::Kind;
use crate::inspect::facts::{Inspection, ReadErrorKind};

pub(super) fn check(ctx: &Context, out: &mut Out) {
    for e in &ctx.plan.walk_errors {
        let text = crate::text!("file-unreadable.listing", detail = &e.message);
        out.emit("file-unreadable", None, Some(e.rel.escaped()), text);
    }
    for (item, facts) in ctx.items() {
        if item.role == Role::Input {
            continue;
        }
        if item.file_name_is_not_utf8() {
            out.at(ctx, item, "file-name-encoding", crate::text!("file-name-encoding"));
        }
        match (item.role, item.kind) {
            (Role::Junk, _) => out.at(ctx, item, "file-junk", crate::text!("file-junk")),
            (Role::Link, _) => out.at(ctx, item, "file-symlink", crate::text!("file-symlink")),
            (_, Kind::Special(what)) => {
                let text = crate::text!(
                    "file-unreadable.special",
                    what = crate::finding::text::special_file(what)
                );
                out.at(ctx, item, "file-unreadable", text)
            }
            (_, Kind::File) if item.size == 0 => {
                out.at(ctx, item, "file-empty", crate::text!("file-empty"))
            }
            _ => {}
        }
        changed_or_unreadable(ctx, out, item, facts);
    }
}

/// A file that vanished or changed size between the walk and its read was not checked
/// as it now is: report it rather than trust either state.
fn changed_or_unreadable(ctx: &Context, out: &mut Out, item: &Item, facts: Option<&Inspection>) {
    let Some(facts) = facts else { return };
    match &facts.read_error {
        Some(err) if facts.read_error_kind == Some(ReadErrorKind::NotFound) => {
            out.at(ctx, item, "file-changed", crate::text!("file-changed.vanished", detail = err))
        }
        Some(err) => {
            out.at(ctx, item, "file-unreadable", crate::text!("file-unreadable.read", detail = err))
        }
        None if facts.size != item.size => out.at(
            ctx,
            item,
            "file-changed",
            crate::text!("file-changed.size", listed = item.size, read = facts.size),
        ),
        None => {}
    }
}
