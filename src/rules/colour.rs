//! Colour and compression rules: is every decoded page in a colour mode, bit depth and
//! compression the contract accepts? (colour-mode-not-allowed, compression-not-allowed)
//!
//! Judged per page, reported once per file naming the pages. Files whose format is not
//! allowed, or that did not decode, are left to the format rules: one finding says what
//! is wrong with such a file, not three.

use super::formats::{mode_name, numbers};
use super::{Context, Out};
use crate::finding::Text;
use crate::finding::text::{Arg, IntoArg, list};
use crate::inspect::facts::{ColourMode, PageFacts};
use crate::text;

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
                let allowed = modes.iter().map(|(m, bits)| {
                    text!("phrase.mode-bits", mode = mode_name(*m), bits = join(bits))
                });
                let text = text!(
                    "colour-mode-not-allowed",
                    mode = mode_name(first.colour),
                    bits = first.bits_per_sample,
                    on = on(&pages, total),
                    allowed = list(allowed)
                );
                out.at(ctx, item, "colour-mode-not-allowed", text);
            }
        }
        if let Some(table) = &p.compressions {
            let bad =
                |pg: &PageFacts| table.get(&pg.colour).is_none_or(|c| !c.contains(&pg.compression));
            if let Some((first, pages)) = offenders(&facts.pages, bad) {
                let allowed = table.get(&first.colour).map_or_else(
                    || text!("phrase.no-compression").into_arg(),
                    |c| c.iter().cloned().collect::<Vec<_>>().join(", ").into_arg(),
                );
                let text = text!(
                    "compression-not-allowed",
                    compression = &first.compression,
                    mode = mode_name(first.colour),
                    on = on(&pages, total),
                    allowed = allowed,
                    modes = mode_plural(first.colour)
                );
                out.at(ctx, item, "compression-not-allowed", text);
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
fn on(pages: &[u32], total: u32) -> Arg {
    if total <= 1 {
        return Arg::Plain(String::new());
    }
    let (shown, more) = numbers(pages.iter());
    match pages.len() {
        1 => text!("phrase.on-page-of", list = shown, total = total).into_arg(),
        _ => text!("phrase.on-pages-of", list = shown, more = more, total = total).into_arg(),
    }
}

fn join(bits: &[u16]) -> String {
    let list: Vec<String> = bits.iter().map(u16::to_string).collect();
    list.join("/")
}

fn mode_plural(mode: ColourMode) -> Text {
    match mode {
        ColourMode::Bilevel => text!("modes.bilevel"),
        ColourMode::Grey => text!("modes.grey"),
        ColourMode::Rgb => text!("modes.rgb"),
        ColourMode::Cmyk => text!("modes.cmyk"),
        ColourMode::Palette => text!("modes.palette"),
        ColourMode::Other => text!("modes.other"),
    }
}
