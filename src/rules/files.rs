//! File rules: is every entry a plain, readable, non-empty file with a readable name?
//! (file-unreadable, file-empty, file-junk, file-name-encoding, file-symlink)

use super::{Context, Out};
use crate::plan::Role;
use crate::walk::Kind;

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
        if let Some(err) = facts.and_then(|f| f.read_error.as_deref()) {
            out.at(ctx, item, "file-unreadable", format!("could not be read: {err}"));
        }
    }
}
