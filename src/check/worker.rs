//! The worker side of a check: what inspecting one file needs (shared by every worker),
//! and a chunk of walked entries inspected in parallel, each file read once (or taken
//! from the journal when unchanged).

use super::{Config, journal};
use super::{Walked, read_ahead::read_ahead};
use crate::delivery::plan::{self};
use crate::digest::Algorithm;
use crate::inspect::facts::Inspection;
use crate::inspect::{self, InspectOptions};
use crate::report::thumbs;
use rayon::prelude::*;
use std::collections::BTreeSet;
use std::path::Path;

/// Inspects the regular files of one chunk in parallel: one slot per entry, `None` where
/// it is not inspected (or the run was interrupted first).
pub(super) fn inspect_chunk(
    root: &Path,
    chunk: &[Walked],
    inspector: &Inspector,
    previous: &journal::Previous,
    pool: &rayon::ThreadPool,
) -> anyhow::Result<Vec<Option<Inspection>>> {
    let items: Vec<Option<&plan::Item>> = chunk
        .iter()
        .map(|(_, next)| next.as_ref().ok().map(|p| &p.item).filter(|i| i.is_inspected()))
        .collect();
    if let Some(readers) = inspector.cfg.io_threads {
        return read_ahead(root, &items, inspector, previous, readers);
    }
    Ok(pool.install(|| {
        items
            .par_iter()
            .map(|item| {
                let item = (*item)?;
                if crate::interrupt::requested() {
                    return None;
                }
                if let Some(done) = inspector.previous(item, previous) {
                    return Some(done);
                }
                Some(inspector.inspect(item, std::fs::read(root.join(item.rel.as_path()))))
            })
            .collect()
    }))
}

/// What inspecting one file needs, shared by every worker.
pub(super) struct Inspector<'a> {
    pub(super) cfg: &'a Config,
    pub(super) algorithms: &'a BTreeSet<Algorithm>,
    pub(super) journal: Option<&'a journal::Writer>,
    pub(super) spool: Option<&'a thumbs::Spool>,
    pub(super) bar: &'a crate::progress::Progress,
    /// The safety inspection (issue #20), fed the same bytes.
    pub(super) safety: &'a crate::safety::Safety<'a>,
}

impl Inspector<'_> {
    /// The journal's facts of an unchanged file, counted as done.
    pub(super) fn previous(
        &self,
        item: &plan::Item,
        previous: &journal::Previous,
    ) -> Option<Inspection> {
        let mut done = previous.get(&item.rel, item.size, item.mtime_ns)?;
        self.safety.resumed(item.size);
        done.compact();
        self.bar.done(item.size);
        Some(done)
    }

    /// Inspects one file from the result of its one read (as [`inspect::inspect_file`]
    /// does), journals the facts and counts it done. The bytes are dropped on return.
    pub(super) fn inspect(&self, item: &plan::Item, read: std::io::Result<Vec<u8>>) -> Inspection {
        let cfg = self.cfg;
        let opts = InspectOptions {
            decode: item.is_page_file(),
            algorithms: self.algorithms.iter().copied().collect(),
            depth: cfg.depth,
            reduced: cfg.depth == inspect::Depth::Full,
            ..cfg.profile.inspect_options()
        };
        let mut facts = match &read {
            Ok(bytes) => inspect::inspect_bytes(bytes, &opts),
            Err(e) => read_failed(e),
        };
        // The safety inspection reads the same bytes (issue #20). A file it reported on
        // is not journaled: a resumed run reads it again, so its findings are not lost.
        let flagged = read.as_ref().is_ok_and(|b| self.safety.inspect(item, b, facts.format));
        drop(read);
        // Reduced page images become thumbnails, spooled before the journal records the
        // file; never kept with the facts.
        thumbs::spool(self.spool, &item.rel, &mut facts);
        // Kept for the whole run: no spare capacity (decoders grow `pages` by push).
        facts.pages.shrink_to_fit();
        if let Some(j) = self.journal.filter(|_| !flagged) {
            j.record(&item.rel, item.size, item.mtime_ns, &facts);
        }
        facts.compact();
        self.bar.done(item.size);
        facts
    }
}

/// The facts of a file the operating system could not read (as `inspect_file` has them).
fn read_failed(e: &std::io::Error) -> Inspection {
    Inspection {
        read_error: Some(e.to_string()),
        read_error_kind: Some(match e.kind() {
            std::io::ErrorKind::NotFound => crate::inspect::facts::ReadErrorKind::NotFound,
            _ => crate::inspect::facts::ReadErrorKind::Other,
        }),
        ..Inspection::default()
    }
}
