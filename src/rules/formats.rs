//! Format rules: does every page file decode completely, in an allowed format that its
//! extension admits, at the contract's resolution? (format-unreadable, format-unsupported,
//! format-repaired, format-not-allowed,
//! format-extension-mismatch, resolution-low, resolution-missing)

use super::{Context, Out};
use crate::delivery::plan::Item;
use crate::inspect::facts::{Format, Inspection, PageFacts};

pub(super) fn check(ctx: &Context, out: &mut Out) {
    for (item, facts) in ctx.items() {
        let Some(facts) = facts.filter(|f| item.is_page_file() && f.read_error.is_none()) else {
            continue;
        };
        let Some(format) = facts.format else { continue };
        if let Some(err) = &facts.decode_error {
            let rule = if facts.unsupported.is_some() {
                "format-unsupported"
            } else {
                "format-unreadable"
            };
            out.at(ctx, item, rule, err.clone());
        } else if let Some(what) = &facts.repaired {
            out.at(ctx, item, "format-repaired", what.clone());
        }
        if format == Format::Unknown {
            continue;
        }
        if !ctx.profile.allowed_formats.contains(&format) {
            let allowed: Vec<_> = ctx.profile.allowed_formats.iter().map(|f| f.name()).collect();
            let message =
                format!("{format} is not allowed; the profile allows {}", allowed.join(", "));
            out.at(ctx, item, "format-not-allowed", message);
        }
        extension(ctx, out, item, format);
        resolution(ctx, out, item, facts);
    }
}

fn extension(ctx: &Context, out: &mut Out, item: &Item, format: Format) {
    let name = item.rel.file_name().and_then(|n| n.to_str()).unwrap_or("");
    let Some((_, ext)) = name.rsplit_once('.') else { return };
    if let Some(claimed) = Format::from_extension(ext).filter(|c| *c != format) {
        let message = format!("the content is {format} but the extension .{ext} says {claimed}");
        out.at(ctx, item, "format-extension-mismatch", message);
    }
}

/// Resolution of every decoded page against the minimum for its colour mode. A PDF or
/// OFD page that decoded but carries no image has no resolution at all: for a scanned
/// delivery that is `resolution-missing` too (fail closed), saying why.
fn resolution(ctx: &Context, out: &mut Out, item: &Item, facts: &Inspection) {
    let min = |p: &PageFacts| ctx.profile.min_dpi_for(p.colour);
    let total = facts.page_count.map_or(facts.pages.len(), |n| n as usize).max(1);
    let missing: Vec<usize> = pages_where(&facts.pages, |p| p.dpi.is_none());
    if !missing.is_empty() {
        let message = format!("no resolution metadata on {}", which(&missing, total));
        out.at(ctx, item, "resolution-missing", message);
    }
    if facts.decode_error.is_none() && matches!(facts.format, Some(Format::Pdf | Format::Ofd)) {
        let with_image: std::collections::BTreeSet<u32> =
            facts.pages.iter().map(|p| p.page).collect();
        let bare: Vec<usize> = (1..=total).filter(|n| !with_image.contains(&(*n as u32))).collect();
        if !bare.is_empty() {
            let message = format!("no image, so no scan resolution, on {}", which(&bare, total));
            out.at(ctx, item, "resolution-missing", message);
        }
    }
    // Resolutions are compared at 0.1 dpi: units in metres or centimetres cannot state
    // 200 dpi exactly (7874 px/m is 199.9996 dpi), and no contract means that.
    let below = |p: &PageFacts| p.dpi.is_some_and(|d| (d.min() * 10.0).round() < min(p) * 10.0);
    let low: Vec<usize> = pages_where(&facts.pages, below);
    if let Some(&first) = low.first() {
        let page = facts.pages.iter().find(|p| p.page as usize == first);
        let d = page.and_then(|p| p.dpi).unwrap_or(crate::inspect::facts::Dpi { x: 0.0, y: 0.0 });
        let floor = page.map_or(ctx.profile.min_dpi, min);
        let mode = page.map_or("", |p| p.colour.name());
        let at = if total == 1 { String::new() } else { format!(" (page {first})") };
        let message = format!(
            "{}×{} dpi{at}, below the profile's minimum of {floor} dpi for {mode} pages on {}",
            round(d.x),
            round(d.y),
            which(&low, total)
        );
        out.at(ctx, item, "resolution-low", message);
    }
}

/// Page numbers (from 1, as the file numbers them) of the pages matching `pred`.
fn pages_where(pages: &[PageFacts], pred: impl Fn(&PageFacts) -> bool) -> Vec<usize> {
    pages.iter().filter(|p| pred(p)).map(|p| p.page as usize).collect()
}

/// "the page", or "pages 2, 5 of 9".
fn which(pages: &[usize], total: usize) -> String {
    if total == 1 {
        return "the page".into();
    }
    let list: Vec<String> = pages.iter().take(10).map(usize::to_string).collect();
    let more =
        if pages.len() > 10 { format!(" and {} more", pages.len() - 10) } else { String::new() };
    format!("pages {}{more} of {total}", list.join(", "))
}

fn round(v: f64) -> String {
    let r = (v * 10.0).round() / 10.0;
    if r.fract() == 0.0 { format!("{r:.0}") } else { format!("{r:.1}") }
}
