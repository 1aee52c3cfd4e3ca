//! File rules: is every entry a plain, readable, non-empty file with a readable name,
//! that stayed put while it was checked? (file-unreadable, file-empty, file-junk,
//! file-name-encoding, file-symlink, file-changed)

use super::{Context, Out};
use crate::delivery::plan::{Item, Role};
use crate::delivery::walk::Kind;
use crate::inspect::facts::{Inspection, ReadErrorKind};

pub(super) fn check(ctx: &Context, out: &mut Out) {
    for e in &ctx.plan.walk_errors {
        let message = format!("could not be listed: {}", e.message);
        out.emit("file-unreadable", None, Some(e.rel.escaped()), message);
    }
    for (item, facts) in ctx.items() {
        if item.role == Role::Input {
            continue;
        }
        if item.file_name_is_not_utf8() {
            out.at(
                ctx,
                item,
                "file-name-encoding",
                "the name is not valid UTF-8 (bytes shown as %XX); rename it in UTF-8".into(),
            );
        }
        match (item.role, item.kind) {
            (Role::Junk, _) => out.at(ctx, item, "file-junk", "system junk; remove it".into()),
            (Role::Link, _) => out.at(
                ctx,
                item,
                "file-symlink",
                "a symbolic link; vouch never follows links: deliver the file itself".into(),
            ),
            (_, Kind::Special(what)) => {
                let message = format!("{what}, not a regular file; it was not opened");
                out.at(ctx, item, "file-unreadable", message)
            }
            (_, Kind::File) if item.size == 0 => {
                out.at(ctx, item, "file-empty", "the file has zero bytes".into())
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
            out.at(ctx, item, "file-changed", format!("vanished while the check ran ({err})"))
        }
        Some(err) => out.at(ctx, item, "file-unreadable", format!("could not be read: {err}")),
        None if facts.size != item.size => out.at(
            ctx,
            item,
            "file-changed",
            format!("{} bytes when listed, {} bytes when read", item.size, facts.size),
        ),
        None => {}
    }
}
