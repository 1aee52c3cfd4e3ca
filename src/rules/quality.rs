//! Image-quality rules (issue #10): each page's measures (`PageFacts::quality`) against
//! the profile's `[quality]` limits (image-skewed, image-blank, image-blurred,
//! image-dark-border, image-exposure), and pages of one record that look the same
//! though their bytes differ (page-near-duplicate). Every message names the measure, its
//! value and the limit, e.g. "skewed 4.2° (limit 3°)", so a reviewer knows what to look
//! at on the contact sheet.

use super::{Context, Out};
use crate::delivery::plan::Item;
use crate::finding::Text;
use crate::finding::text::list;
use crate::inspect::facts::{Inspection, PageFacts};
use crate::inspect::quality::{PageQuality, QualityLimits};
use crate::text;

/// One measured page: its file, the file's facts, the page.
type Measured<'a> = (&'a Item, &'a Inspection, &'a PageFacts, &'a PageQuality);

/// The measured pages of `items` (all access to the facts goes through here).
fn measured<'a>(
    items: impl Iterator<Item = (&'a Item, Option<&'a Inspection>)>,
) -> impl Iterator<Item = Measured<'a>> {
    items
        .filter(|(item, _)| item.is_page_file())
        .filter_map(|(item, facts)| facts.map(|f| (item, f)))
        .flat_map(|(item, f)| {
            f.pages.iter().filter_map(move |p| p.quality.as_ref().map(|q| (item, f, p, q)))
        })
}

pub(super) fn check(ctx: &Context, out: &mut Out) {
    let limits = &ctx.profile.quality;
    if !limits.enabled {
        return;
    }
    for (item, facts, page, q) in measured(ctx.items()) {
        let at = |what: Text| match facts.pages.len() > 1 || facts.page_count > Some(1) {
            true => text!("quality.on-page", page = page.page, what = what),
            false => what,
        };
        for (rule, what) in page_findings(q, limits) {
            out.at_page(ctx, item, page.page, rule, at(what));
        }
    }
    for r in ctx.plan.records() {
        near_duplicates(ctx, out, r, limits);
    }
}

/// The findings one page's measures raise, as (rule, message without the page).
fn page_findings(q: &PageQuality, l: &QualityLimits) -> Vec<(&'static str, Text)> {
    let mut found = Vec::new();
    // A page whose paper itself is dark (a black sheet, a scan with the lamp off) is an
    // exposure problem: no ink shows on it and its "frame" is the whole page, so it is
    // neither blank nor framed.
    let dark = q.paper < l.min_paper;
    let blank = !dark && q.ink_percent <= l.blank_max_ink_percent;
    if blank {
        let what = text!("image-blank", ink = q.ink_percent, limit = l.blank_max_ink_percent);
        found.push(("image-blank", what));
    }
    if let Some(deg) = q.skew_degrees.filter(|d| d.abs() > l.max_skew_degrees) {
        found.push(("image-skewed", text!("image-skewed", deg = deg, limit = l.max_skew_degrees)));
    }
    if let Some(s) = q.sharpness.filter(|&s| s < l.min_sharpness) {
        found.push(("image-blurred", text!("image-blurred", s = s, limit = l.min_sharpness)));
    }
    if let Some(what) = border(q, l).filter(|_| !dark) {
        found.push(("image-dark-border", what));
    }
    // A blurred page's ink is spread thin, so it reads pale: that is blur's finding.
    let blurred = q.sharpness.is_some_and(|s| s < l.min_sharpness);
    if let Some(what) = exposure(q, l, blurred).filter(|_| !blank) {
        found.push(("image-exposure", what));
    }
    found
}

fn border(q: &PageQuality, l: &QualityLimits) -> Option<Text> {
    let widths = q.border_mm?;
    let sides: Vec<Text> =
        [text!("phrase.top"), text!("phrase.right"), text!("phrase.bottom"), text!("phrase.left")]
            .into_iter()
            .zip(widths)
            .filter(|(_, mm)| *mm > l.max_border_mm)
            .map(|(side, mm)| text!("phrase.border-side", mm = mm, side = side))
            .collect();
    (!sides.is_empty())
        .then(|| text!("image-dark-border", sides = list(sides), limit = l.max_border_mm))
}

fn exposure(q: &PageQuality, l: &QualityLimits, blurred: bool) -> Option<Text> {
    if q.paper < l.min_paper {
        return Some(text!("image-exposure.dark", paper = q.paper, limit = l.min_paper));
    }
    if let Some(c) = q.contrast.filter(|&c| c < l.min_contrast && !blurred) {
        let (limit, paper) = (l.min_contrast, q.paper);
        return Some(match q.paper >= 250 {
            true => text!("image-exposure.bright", c = c, limit = limit, paper = paper),
            false => text!("image-exposure.contrast", c = c, limit = limit, paper = paper),
        });
    }
    None
}

/// Pairs of pages of record `r` whose hashes are within the limit, reported on the later
/// page. Byte-identical files are `page-duplicate-content`'s, and blank pages all look
/// alike: neither is compared here.
fn near_duplicates(ctx: &Context, out: &mut Out, r: usize, l: &QualityLimits) {
    let pages: Vec<(Measured, Vec<u8>)> = measured(ctx.record_items(r))
        .filter(|(.., q)| q.ink_percent > l.blank_max_ink_percent)
        .filter_map(|m| hex::decode(&m.3.phash).ok().map(|h| (m, h)))
        .collect();
    for (j, ((item, facts, page, _), hash)) in pages.iter().enumerate() {
        for ((first, first_facts, first_page, _), first_hash) in &pages[..j] {
            let same_bytes = !std::ptr::eq(*first, *item) && first_facts.sha256 == facts.sha256;
            if same_bytes || first_hash.len() != hash.len() {
                continue;
            }
            let d: u32 = first_hash.iter().zip(hash).map(|(a, b)| (a ^ b).count_ones()).sum();
            if d <= l.near_duplicate_distance {
                let bits = hash.len() * 8;
                let what = text!(
                    "page-near-duplicate",
                    page = page.page,
                    other = first.rel.escaped(),
                    other_page = first_page.page,
                    d = d,
                    bits = bits,
                    limit = l.near_duplicate_distance
                );
                out.at_page(ctx, item, page.page, "page-near-duplicate", what);
                break;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn page() -> PageQuality {
        PageQuality {
            skew_degrees: Some(0.4),
            ink_percent: 12.0,
            sharpness: Some(180.0),
            border_mm: Some([0.0; 4]),
            paper: 235,
            contrast: Some(150),
            phash: "00".repeat(32),
        }
    }

    fn rules(q: &PageQuality) -> Vec<String> {
        page_findings(q, &QualityLimits::default())
            .into_iter()
            .map(|(r, m)| format!("{r}: {}", m.render(crate::finding::Lang::En)))
            .collect()
    }

    #[test]
    fn a_clean_page_raises_nothing() {
        assert!(rules(&page()).is_empty());
    }

    #[test]
    fn each_measure_names_its_value_and_limit() {
        let q = PageQuality { skew_degrees: Some(-4.2), ..page() };
        assert_eq!(rules(&q), ["image-skewed: skewed -4.2° (limit 3°)"]);
        let q = PageQuality { sharpness: Some(62.5), ..page() };
        assert_eq!(rules(&q), ["image-blurred: blurred: sharpness 62.5 (limit 100)"]);
        let q = PageQuality { border_mm: Some([0.0, 0.0, 3.1, 5.0]), ..page() };
        assert_eq!(
            rules(&q),
            ["image-dark-border: dark border 3.1 mm bottom, 5 mm left (limit 2 mm)"]
        );
        let q = PageQuality { paper: 100, ..page() };
        assert_eq!(rules(&q), ["image-exposure: too dark: paper level 100 (limit 140)"]);
        let q = PageQuality { paper: 255, contrast: Some(30), ..page() };
        assert_eq!(
            rules(&q),
            ["image-exposure: too bright: ink only 30 below the paper where darkest (limit 64), \
              paper level 255"]
        );
        let q = PageQuality { paper: 255, contrast: None, ..page() };
        assert!(rules(&q).is_empty(), "little ink is not low contrast");
        let q = PageQuality { contrast: Some(60), sharpness: Some(50.0), ..page() };
        assert_eq!(rules(&q), ["image-blurred: blurred: sharpness 50 (limit 100)"]);
    }

    #[test]
    fn a_black_page_is_too_dark_only() {
        let q = PageQuality {
            ink_percent: 0.0,
            paper: 0,
            contrast: None,
            skew_degrees: None,
            border_mm: Some([148.0, 104.0, 148.0, 104.0]),
            ..page()
        };
        assert_eq!(rules(&q), ["image-exposure: too dark: paper level 0 (limit 140)"]);
    }

    #[test]
    fn a_blank_page_is_blank_only() {
        let q = PageQuality { ink_percent: 0.01, contrast: Some(5), skew_degrees: None, ..page() };
        assert_eq!(rules(&q), ["image-blank: blank: ink 0.01% of the page (limit 0.05%)"]);
    }
}
