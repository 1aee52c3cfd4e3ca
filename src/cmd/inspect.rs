//! `vouch inspect FILE…`: what vouch learns from single files, like `identify`.
//!
//! The same inspection `check` runs on every page file (full decode, every page), without
//! a catalogue or a delivery: for a person checking a sample of a vendor's output before a
//! delivery, or asking why a file was rejected. Damage is stated, never hidden: a file
//! that does not decode completely prints `FAILED (why)` with whatever was learned, and
//! the exit status is 1 if any file is damaged.

use crate::cli::{InspectArgs, OutputFormat};
use crate::exit::Code;
use crate::inspect::facts::{FileFacts, Format, PageFacts};
use crate::inspect::{self, InspectOptions};
use rayon::prelude::*;
use std::fmt::Write as _;

/// One file as `inspect` shows it: its facts, and remarks a person should see.
#[derive(serde::Serialize)]
struct Inspected {
    #[serde(flatten)]
    facts: FileFacts,
    /// Remarks that are not damage: an extension that does not match the content.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    notes: Vec<String>,
}

/// Inspects every file named and prints their facts; `Rejected` if any is damaged.
pub fn run(args: &InspectArgs) -> anyhow::Result<(Vec<u8>, Code)> {
    let profile = args.profile.load()?;
    // The reduced image is kept so the quality measures check judges are shown too.
    let opts = InspectOptions { decode: true, reduced: true, ..profile.inspect_options() };
    let files: Vec<Inspected> = args
        .files
        .par_iter()
        .map(|path| {
            let inspection = inspect::inspect_file(path, &opts);
            let mut facts = FileFacts::new(path.display().to_string(), &inspection);
            if facts.size == 0 && facts.damage.is_none() {
                facts.damage = Some("empty file (0 bytes)".into());
            }
            let notes = extension_note(path, facts.format).into_iter().collect();
            Inspected { facts, notes }
        })
        .collect();
    let damaged = files.iter().any(|f| f.facts.damage.is_some() || f.facts.format.is_none());
    let bytes = match args.format {
        OutputFormat::Json => (serde_json::to_string_pretty(&files)? + "\n").into_bytes(),
        OutputFormat::Human => files.iter().map(human).collect::<String>().into_bytes(),
    };
    Ok((bytes, if damaged { Code::Rejected } else { Code::Accepted }))
}

/// "the content is png but the extension .jpg says jpeg", as check's
/// `format-extension-mismatch` says it.
fn extension_note(path: &std::path::Path, format: Option<Format>) -> Option<String> {
    let format = format.filter(|f| *f != Format::Unknown)?;
    let ext = path.extension()?.to_str()?;
    let claimed = Format::from_extension(ext).filter(|c| *c != format)?;
    Some(format!("the content is {format} but the extension .{ext} says {claimed}"))
}

/// `path: JPEG 240×320 grey 8-bit jpeg 300×300 dpi (jfif)`, one line per page of a
/// multi-page file, `FAILED (why)` for damage (`UNSUPPORTED (why)` for a feature vouch
/// lacks, `REPAIRED (what)` for a structure read after repair), then the quality measures check judges
/// and any note.
fn human(i: &Inspected) -> String {
    let f = &i.facts;
    let format = f.format.map_or("unreadable".to_string(), |x| x.name().to_uppercase());
    let mut s = format!("{}: {format}", crate::output::terminal(&f.path));
    let single = f.pages == Some(1) && f.page_facts.len() == 1;
    if single {
        s += &format!(" {}", page(&f.page_facts[0]));
    } else if let Some(n) = f.pages {
        s += &format!(", {n} page{}", if n == 1 { "" } else { "s" });
    }
    if let Some(why) = &f.damage {
        let verdict = if f.unsupported.is_some() { "UNSUPPORTED" } else { "FAILED" };
        s += &format!(": {verdict} ({})", crate::output::terminal(why));
    } else if let Some(what) = &f.repaired {
        s += &format!(": REPAIRED ({})", crate::output::terminal(what));
    }
    s.push('\n');
    for p in &f.page_facts {
        if !single {
            let _ = writeln!(s, "  page {}: {}", p.page, page(p));
        }
        if let Some(q) = &p.quality {
            let _ = writeln!(s, "  {}quality: {}", if single { "" } else { "  " }, quality(q));
        }
    }
    for note in &i.notes {
        let _ = writeln!(s, "  note: {note}");
    }
    s
}

/// The measures the quality rules judge, on one line.
fn quality(q: &crate::inspect::quality::PageQuality) -> String {
    let opt = |v: Option<f64>| v.map_or_else(|| "-".to_string(), round);
    let border = q.border_mm.map_or_else(
        || "-".to_string(),
        |b| b.iter().map(|v| round(*v)).collect::<Vec<_>>().join("/"),
    );
    format!(
        "skew {}°, ink {}%, sharpness {}, border {border} mm, paper {}, contrast {}",
        opt(q.skew_degrees),
        round(q.ink_percent),
        opt(q.sharpness),
        q.paper,
        q.contrast.map_or_else(|| "-".into(), |c| c.to_string())
    )
}

fn page(p: &PageFacts) -> String {
    let dpi = match (p.dpi, &p.dpi_source) {
        (Some(d), Some(src)) => format!("{}×{} dpi ({src})", round(d.x), round(d.y)),
        _ => "no resolution".to_string(),
    };
    let icc = if p.icc { " icc" } else { "" };
    format!(
        "{}×{} {} {}-bit {} {dpi}{icc}",
        p.width,
        p.height,
        p.colour.name(),
        p.bits_per_sample,
        p.compression
    )
}

fn round(v: f64) -> String {
    let r = (v * 10.0).round() / 10.0;
    if r.fract() == 0.0 { format!("{r:.0}") } else { format!("{r:.1}") }
}
