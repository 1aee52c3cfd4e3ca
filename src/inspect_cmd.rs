//! `vouch inspect FILE…`: what vouch learns from single files, like `identify`.
//!
//! The same inspection `check` runs on every page file (full decode, every page), without
//! a catalogue or a delivery: for a person checking a sample of a vendor's output before a
//! delivery, or asking why a file was rejected. Damage is stated, never hidden: a file
//! that does not decode completely prints `FAILED (why)` with whatever was learned, and
//! the exit status is 1 if any file is damaged.

use crate::cli::{InspectArgs, OutputFormat};
use crate::exit::Code;
use crate::facts::{FileFacts, PageFacts};
use crate::inspect::{self, InspectOptions};
use crate::profile::Profile;
use rayon::prelude::*;
use std::fmt::Write as _;

/// Inspects every file named and prints their facts; `Rejected` if any is damaged.
pub fn run(args: &InspectArgs) -> anyhow::Result<(Vec<u8>, Code)> {
    let profile = Profile::load(&args.profile)?;
    let opts = InspectOptions { decode: true, ..profile.inspect_options() };
    let files: Vec<FileFacts> = args
        .files
        .par_iter()
        .map(|path| {
            let inspection = inspect::inspect_file(path, &opts);
            FileFacts::new(path.display().to_string(), &inspection)
        })
        .collect();
    let damaged = files.iter().any(|f| f.damage.is_some() || f.format.is_none());
    let bytes = match args.format {
        OutputFormat::Json => (serde_json::to_string_pretty(&files)? + "\n").into_bytes(),
        OutputFormat::Human => files.iter().map(human).collect::<String>().into_bytes(),
    };
    Ok((bytes, if damaged { Code::Rejected } else { Code::Accepted }))
}

/// `path: JPEG 240×320 grey 8-bit jpeg 300×300 dpi (jfif)`, one line per page of a
/// multi-page file, `FAILED (why)` for damage.
fn human(f: &FileFacts) -> String {
    let format = f.format.map_or("unreadable".to_string(), |x| x.name().to_uppercase());
    let mut s = format!("{}: {format}", crate::output::terminal(&f.path));
    let single = f.pages == Some(1) && f.page_facts.len() == 1;
    if single {
        s += &format!(" {}", page(&f.page_facts[0]));
    } else if let Some(n) = f.pages {
        s += &format!(", {n} page{}", if n == 1 { "" } else { "s" });
    }
    if let Some(why) = &f.damage {
        s += &format!(": FAILED ({})", crate::output::terminal(why));
    }
    s.push('\n');
    if !single {
        for p in &f.page_facts {
            let _ = writeln!(s, "  page {}: {}", p.page, page(p));
        }
    }
    s
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
