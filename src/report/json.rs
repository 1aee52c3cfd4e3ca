//! JSON rendering: the canonical form of the report, the bytes that get signed.
//!
//! Deterministic by construction: struct fields in declaration order, maps sorted,
//! findings sorted before they reach the model, so identical inputs give identical bytes
//! apart from the time and duration fields.
//!
//! A report of a million files is hundreds of megabytes of JSON (issue #7), so it is
//! either streamed to its destination ([`write`]) or rendered into a buffer of exactly its
//! size ([`render`]), never into a buffer grown by doubling (up to twice the size).

use super::model::Report;
use std::io::Write;

/// Renders the report as pretty JSON with a trailing newline.
pub fn render(report: &Report) -> anyhow::Result<Vec<u8>> {
    let mut counter = Counter(0);
    write(report, &mut counter)?;
    let mut bytes = Vec::with_capacity(counter.0);
    write(report, &mut bytes)?;
    Ok(bytes)
}

/// Writes the same bytes as [`render`] to `out`, without holding them in memory.
pub fn write(report: &Report, mut out: impl Write) -> anyhow::Result<()> {
    let mut buffered = std::io::BufWriter::with_capacity(64 * 1024, &mut out);
    serde_json::to_writer_pretty(&mut buffered, report)?;
    buffered.write_all(b"\n")?;
    buffered.flush()?;
    Ok(())
}

/// A writer that only counts.
struct Counter(usize);

impl Write for Counter {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0 += buf.len();
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}
