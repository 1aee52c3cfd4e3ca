//! JSON rendering: the canonical form of the report, the bytes that get signed.
//!
//! Deterministic by construction: struct fields in declaration order, maps sorted,
//! findings sorted before they reach the model, so identical inputs give identical bytes
//! apart from the time and duration fields.

use super::model::Report;

/// Renders the report as pretty JSON with a trailing newline.
pub fn render(report: &Report) -> anyhow::Result<Vec<u8>> {
    let mut bytes = serde_json::to_vec_pretty(report)?;
    bytes.push(b'\n');
    Ok(bytes)
}
