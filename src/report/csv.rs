//! findings.csv: the list of findings to send back to the vendor, one per row.
//!
//! The vendor fixes a delivery from this file, usually in Excel on a Chinese-locale
//! Windows, which reads a CSV without a byte-order mark as GBK and garbles every name; so
//! the file is UTF-8 *with* BOM. Quoting is the csv crate's (RFC 4180). File names are
//! hostile input: a cell that Excel would run as a formula (starting with `=`, `+`, `-`,
//! `@`, tab or CR) is prefixed with `'`, the usual neutralisation (OWASP "CSV injection"),
//! so opening the list can never execute anything; report.json keeps the exact text.
//! After an interrupted run the first row (`run-interrupted`) says so, so the vendor is
//! never handed a partial list as if it were complete.

use super::model::Report;
use crate::finding::text::t;
use crate::finding::{Severity, labels};

/// The UTF-8 byte-order mark.
pub const BOM: &[u8] = b"\xEF\xBB\xBF";

/// Renders findings.csv: BOM, header, one finding per row in report order.
pub fn render(report: &Report) -> anyhow::Result<Vec<u8>> {
    let mut w =
        ::csv::WriterBuilder::new().terminator(::csv::Terminator::CRLF).from_writer(BOM.to_vec());
    let rounds = report.round.is_some();
    let l = report.lang;
    let header = t(l, if rounds { "ui.csv-header-since" } else { "ui.csv-header" }, &[]);
    w.write_record(header.split(','))?;
    if let Some(why) = &report.incomplete {
        let n = report.records.iter().filter(|r| r.status == super::NOT_CHECKED).count();
        let message = t(l, "run-interrupted", &[("why", why), ("n", &n.to_string())]);
        let error = labels::severity(l, Severity::Error);
        let mut row = vec!["run-interrupted".to_string(), error, "".into(), "".into()];
        row.push(cell(&message));
        if rounds {
            row.push(String::new());
        }
        w.write_record(&row)?;
    }
    for f in &report.findings {
        let mut row = vec![
            cell(&f.rule),
            cell(&labels::severity(l, f.severity)),
            cell(f.record.as_deref().unwrap_or("")),
            cell(f.path.as_deref().unwrap_or("")),
            cell(&f.message),
        ];
        if rounds {
            row.push(
                f.since.map_or(String::new(), |s| t(l, &format!("ui.since-{}", s.as_str()), &[])),
            );
        }
        w.write_record(&row)?;
    }
    w.into_inner().map_err(|e| anyhow::anyhow!("rendering findings.csv: {e}"))
}

/// A cell as written: formula-looking text gets a leading `'`.
pub(crate) fn cell(text: &str) -> String {
    match text.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r') => format!("'{text}"),
        _ => text.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn neutralises_formulas_only() {
        assert_eq!(cell("=HYPERLINK(\"x\")"), "'=HYPERLINK(\"x\")");
        assert_eq!(cell("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(cell("档号 A-1/0001.tif"), "档号 A-1/0001.tif");
        assert_eq!(cell(""), "");
    }
}
