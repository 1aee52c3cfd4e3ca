//! Colour and compression rules: is every decoded page in a colour mode, bit depth and
//! compression the contract accepts? (colour-mode-not-allowed, compression-not-allowed)
//!
//! Judged per page, reported once per file naming the pages. Files whose format is not
//! allowed, or that did not decode, are left to the format rules: one finding says what
//! is wrong with such a file, not three.

use super::{Context, Out};
use crate::inspect::facts::{ColourMode, PageFacts};

pub(super) fn check(ctx: &Context, out: &mut Out) {
    let p = ctx.profile;
    for (item, facts) in ctx.items() {
        let Some(facts) = facts.filter(|f| item.is_page_file() && f.read_error.is_none()) else {
            continue;
        };
        if facts.format.is_none_or(|f| !p.allowed_formats.contains(&f)) {
            continue;
        }
        let total = facts.page_count.unwrap_or(facts.pages.len() as u32);
        if let Some(modes) = &p.colour_modes {
            let bad = |pg: &PageFacts| {
                modes.get(&pg.colour).is_none_or(|bits| !bits.contains(&pg.bits_per_sample))
            };
            if let Some((first, pages)) = offenders(&facts.pages, bad) {
                let allowed: Vec<String> = modes
                    .iter()
                    .map(|(m, bits)| format!("{} {}-bit", m.name(), join(bits)))
                    .collect();
                let message = format!(
                    "{} at {}-bit{}; the profile allows {}",
                    first.colour.name(),
                    first.bits_per_sample,
                    on(&pages, total),
                    allowed.join(", ")
                );
                out.at(ctx, item, "colour-mode-not-allowed", message);
            }
        }
        if let Some(table) = &p.compressions {
            let bad =
                |pg: &PageFacts| table.get(&pg.colour).is_none_or(|c| !c.contains(&pg.compression));
            if let Some((first, pages)) = offenders(&facts.pages, bad) {
                let allowed = table.get(&first.colour).map_or_else(
                    || "none for this colour mode".to_string(),
                    |c| c.iter().cloned().collect::<Vec<_>>().join(", "),
                );
                let message = format!(
                    "{} compression for a {} page{}; the profile allows {} for {}",
                    first.compression,
                    first.colour.name(),
                    on(&pages, total),
                    allowed,
                    mode_plural(first.colour)
                );
                out.at(ctx, item, "compression-not-allowed", message);
            }
        }
    }
}

/// The first offending page and the numbers of all of them, if any.
fn offenders(
    pages: &[PageFacts],
    bad: impl Fn(&PageFacts) -> bool,
) -> Option<(&PageFacts, Vec<u32>)> {
    let list: Vec<&PageFacts> = pages.iter().filter(|p| bad(p)).collect();
    let first = *list.first()?;
    Some((first, list.iter().map(|p| p.page).collect()))
}

/// "" for a single-page file, else " on pages 2, 5 of 9".
fn on(pages: &[u32], total: u32) -> String {
    if total <= 1 {
        return String::new();
    }
    let shown: Vec<String> = pages.iter().take(10).map(u32::to_string).collect();
    let more =
        if pages.len() > 10 { format!(" and {} more", pages.len() - 10) } else { String::new() };
    let noun = if pages.len() == 1 { "page" } else { "pages" };
    format!(" on {noun} {}{more} of {total}", shown.join(", "))
}

fn join(bits: &[u16]) -> String {
    let list: Vec<String> = bits.iter().map(u16::to_string).collect();
    list.join("/")
}

fn mode_plural(mode: ColourMode) -> &'static str {
    match mode {
        ColourMode::Bilevel => "bilevel pages",
        ColourMode::Grey => "greyscale pages",
        ColourMode::Rgb => "colour pages",
        ColourMode::Cmyk => "CMYK pages",
        ColourMode::Palette => "palette pages",
        ColourMode::Other => "such pages",
    }
}
