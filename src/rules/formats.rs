//! Format rules: does every page file decode completely, in an allowed format that its
//! extension admits, at the contract's resolution? (format-unreadable, format-unsupported,
//! format-repaired, format-not-allowed,
//! format-extension-mismatch, resolution-low, resolution-missing)

use super::{Context, Out};
use crate::delivery::plan::Item;
use crate::finding::Text;
use crate::finding::text::{Arg, IntoArg};
use crate::inspect::facts::{Format, Inspection, PageFacts};
use crate::text;

pub(super) fn check(ctx: &Context, out: &mut Out) {
    for (item, facts) in ctx.items() {
        let Some(facts) = facts.filter(|f| item.is_page_file() && f.read_error.is_none()) else {
            continue;
        };
        let Some(format) = facts.format else { continue };
        if let Some(err) = &facts.decode_error {
            if facts.unsupported.is_some() {
                out.at(ctx, item, "format-unsupported", text!("format-unsupported", detail = err));
            } else {
                out.at(ctx, item, "format-unreadable", text!("format-unreadable", detail = err));
            }
        } else if let Some(what) = &facts.repaired {
            out.at(ctx, item, "format-repaired", text!("format-repaired", detail = what));
        }
        if format == Format::Unknown {
            continue;
        }
        if !ctx.profile.allowed_formats.contains(&format) {
            let allowed: Vec<_> = ctx.profile.allowed_formats.iter().map(|f| f.name()).collect();
            let text = text!("format-not-allowed", format = format, allowed = allowed.join(", "));
            out.at(ctx, item, "format-not-allowed", text);
        }
        extension(ctx, out, item, format);
        resolution(ctx, out, item, facts);
    }
}

fn extension(ctx: &Context, out: &mut Out, item: &Item, format: Format) {
    let name = item.rel.file_name().and_then(|n| n.to_str()).unwrap_or("");
    let Some((_, ext)) = name.rsplit_once('.') else { return };
    if let Some(claimed) = Format::from_extension(ext).filter(|c| *c != format) {
        let text =
            text!("format-extension-mismatch", format = format, ext = ext, claimed = claimed);
        out.at(ctx, item, "format-extension-mismatch", text);
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
        let text = text!("resolution-missing.metadata", which = which(&missing, total));
        out.at(ctx, item, "resolution-missing", text);
    }
    if facts.decode_error.is_none() && matches!(facts.format, Some(Format::Pdf | Format::Ofd)) {
        let with_image: std::collections::BTreeSet<u32> =
            facts.pages.iter().map(|p| p.page).collect();
        let bare: Vec<usize> = (1..=total).filter(|n| !with_image.contains(&(*n as u32))).collect();
        if !bare.is_empty() {
            let text = text!("resolution-missing.no-image", which = which(&bare, total));
            out.at(ctx, item, "resolution-missing", text);
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
        let mode = page.map_or(Arg::Plain(String::new()), |p| mode_name(p.colour).into_arg());
        let at = if total == 1 {
            Arg::Plain(String::new())
        } else {
            text!("phrase.at-page", page = first).into_arg()
        };
        let text = text!(
            "resolution-low",
            x = round(d.x),
            y = round(d.y),
            at = at,
            floor = floor,
            mode = mode,
            which = which(&low, total)
        );
        out.at(ctx, item, "resolution-low", text);
    }
}

/// Page numbers (from 1, as the file numbers them) of the pages matching `pred`.
fn pages_where(pages: &[PageFacts], pred: impl Fn(&PageFacts) -> bool) -> Vec<usize> {
    pages.iter().filter(|p| pred(p)).map(|p| p.page as usize).collect()
}

/// "the page", or "pages 2, 5 of 9".
fn which(pages: &[usize], total: usize) -> Text {
    if total == 1 {
        return text!("phrase.the-page");
    }
    let (list, more) = numbers(pages.iter().copied());
    text!("phrase.pages-of", list = list, more = more, total = total)
}

/// The first ten page numbers (`2, 5, 9`), and the phrase for how many more there are.
pub(super) fn numbers(pages: impl ExactSizeIterator<Item = impl ToString>) -> (String, Arg) {
    let n = pages.len();
    let list: Vec<String> = pages.take(10).map(|p| p.to_string()).collect();
    let more = match n > 10 {
        true => text!("phrase.and-more", n = n - 10).into_arg(),
        false => Arg::Plain(String::new()),
    };
    (list.join(", "), more)
}

/// A colour mode's name as a phrase (`grey`, 灰度).
pub(super) fn mode_name(mode: crate::inspect::facts::ColourMode) -> Text {
    use crate::inspect::facts::ColourMode as M;
    match mode {
        M::Bilevel => text!("mode.bilevel"),
        M::Grey => text!("mode.grey"),
        M::Rgb => text!("mode.rgb"),
        M::Cmyk => text!("mode.cmyk"),
        M::Palette => text!("mode.palette"),
        M::Other => text!("mode.other"),
    }
}

fn round(v: f64) -> String {
    let r = (v * 10.0).round() / 10.0;
    if r.fract() == 0.0 { format!("{r:.0}") } else { format!("{r:.1}") }
}
