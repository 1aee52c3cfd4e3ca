//! `vouch ledger export --format csv`: the media register as a spreadsheet.
//!
//! One row per registered medium with its latest test and its next due date, for the
//! custodian's register. UTF-8 with a byte-order mark and CRLF, as Excel on a
//! Chinese-locale Windows needs to read it as UTF-8; cells that Excel would run as a
//! formula are neutralised as in findings.csv.

use super::due;
use crate::ledger::{Entry, Event};
use crate::profile::readback::Readback;
use crate::report::csv::{BOM, cell};

/// The register as CSV bytes.
pub fn render_csv(entries: &[&Entry], cfg: &Readback) -> anyhow::Result<Vec<u8>> {
    let states = due::states(entries, cfg, jiff::civil::Date::MAX)?;
    let mut w =
        ::csv::WriterBuilder::new().terminator(::csv::Terminator::CRLF).from_writer(BOM.to_vec());
    w.write_record([
        "id",
        "type",
        "label",
        "written",
        "registered",
        "registered_by",
        "ledger_line",
        "manifest",
        "manifest_sha256",
        "manifest_entries",
        "tests",
        "last_test",
        "last_result",
        "next_due",
    ])?;
    for s in &states {
        let Some((e, m)) = entries.iter().find_map(|e| match &e.event {
            Event::Medium(m) if m.id == s.id => Some((e, m)),
            _ => None,
        }) else {
            continue;
        };
        w.write_record([
            cell(&m.id),
            m.media_type.name().to_string(),
            cell(m.label.as_deref().unwrap_or("")),
            s.written.to_string(),
            e.time.clone(),
            cell(&e.operator),
            e.seq.to_string(),
            cell(&m.manifest.path),
            m.manifest.sha256.clone(),
            m.manifest.entries.to_string(),
            s.tests.to_string(),
            s.last_test.map(|d| d.to_string()).unwrap_or_default(),
            s.last_result.clone().unwrap_or_default(),
            s.due_on.to_string(),
        ])?;
    }
    w.into_inner().map_err(|e| anyhow::anyhow!("rendering the register: {e}"))
}
