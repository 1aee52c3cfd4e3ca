//! Item-range rules of a volume-arranged archive: do the items of the item list
//! (卷内目录) cover each volume's pages exactly once? (item-range-overlap,
//! item-range-gap, item-range-outside, item-out-of-sequence)
//!
//! An item given only its start page runs to the page before the next item's start (the
//! last item to the volume's end), as DA/T 22 fills in 页号. Findings are reported
//! against the item (its code is the record), with the volume's folder as the path and
//! the volume named in the message.

use super::{Context, Out};
use crate::catalogue::Item;
use crate::catalogue::normalize::PageField;
use crate::finding::Text;
use crate::text;

/// An item's resolved pages inside its volume.
#[derive(Clone, Debug, PartialEq)]
struct Span<'a> {
    item: &'a Item,
    first: u32,
    last: u32,
}

/// One coverage defect: (rule, item code or volume code, message without the volume).
type Issue = (&'static str, String, Text);

pub(super) fn check(ctx: &Context, out: &mut Out) {
    let Some(list) = &ctx.catalogue.items else { return };
    for (v, volume) in ctx.catalogue.records.iter().enumerate() {
        let items: Vec<&Item> = list.items.iter().filter(|i| i.volume == v).collect();
        let pages = volume.pages_known.then_some(volume.pages);
        let location = ctx.locations[v].as_ref().map(|l| l.escaped());
        let total = match pages {
            Some(1) => text!("phrase.one-page"),
            Some(n) => text!("phrase.n-pages", n = n),
            None => text!("phrase.pages-unknown"),
        };
        let of = text!("phrase.volume", id = &volume.id, total = total);
        for (rule, record, issue) in issues(&items, pages, &volume.id) {
            let text = text!("item.issue", volume = of.clone(), issue = issue);
            out.emit(rule, Some(&record), location.clone(), text);
        }
    }
}

/// Every defect of one volume's items, given in list order.
fn issues(items: &[&Item], pages: Option<u32>, volume: &str) -> Vec<Issue> {
    let mut found = sequence(items);
    let spans = spans(items, pages);
    found.extend(outside(&spans, pages));
    found.extend(overlaps(&spans));
    // An item whose 页号 is unusable has its own finding; its pages would look like a hole.
    if spans.len() == items.len() {
        found.extend(gaps(&spans, pages, volume));
    }
    found
}

fn first_page(item: &Item) -> Option<u32> {
    match item.pages? {
        PageField::Start(s) | PageField::Range(s, _) => Some(s),
    }
}

/// Items starting on an earlier page than the item listed before them.
fn sequence(items: &[&Item]) -> Vec<Issue> {
    let mut found = Vec::new();
    let starts: Vec<(&Item, u32)> =
        items.iter().filter_map(|i| Some((*i, first_page(i)?))).collect();
    for pair in starts.windows(2) {
        let ((prev, a), (item, b)) = (pair[0], pair[1]);
        if b < a {
            let text = text!(
                "item-out-of-sequence",
                item = &item.id,
                place = item.place.clone(),
                b = b,
                prev = &prev.id,
                a = a
            );
            found.push(("item-out-of-sequence", item.id.clone(), text));
        }
    }
    found
}

/// Resolves each item's pages, sorted by first page. A start-only item ends before the
/// next item's start, or at the volume's end (when known).
fn spans<'a>(items: &[&'a Item], pages: Option<u32>) -> Vec<Span<'a>> {
    let mut sorted: Vec<(&Item, PageField)> =
        items.iter().filter_map(|i| Some((*i, i.pages?))).collect();
    sorted.sort_by_key(|(i, _)| first_page(i));
    let starts: Vec<u32> = sorted.iter().filter_map(|(i, _)| first_page(i)).collect();
    sorted
        .iter()
        .map(|&(item, field)| match field {
            PageField::Range(first, last) => Span { item, first, last },
            PageField::Start(first) => {
                let next = starts.iter().find(|&&s| s > first).map(|s| s - 1);
                let end = next.or(pages).unwrap_or(first);
                let last = pages.map_or(end, |n| end.min(n)).max(first);
                Span { item, first, last }
            }
        })
        .collect()
}

fn range(first: u32, last: u32) -> Text {
    match first == last {
        true => text!("phrase.page-n", n = first),
        false => text!("phrase.pages-range", first = first, last = last),
    }
}

/// `page 6 belongs` / `pages 6–7 belong`.
fn belong(first: u32, last: u32) -> Text {
    match first == last {
        true => text!("phrase.page-belongs", n = first),
        false => text!("phrase.pages-belong", first = first, last = last),
    }
}

fn outside(spans: &[Span], pages: Option<u32>) -> Vec<Issue> {
    let Some(n) = pages else { return Vec::new() };
    spans
        .iter()
        .filter(|s| s.last > n)
        .map(|s| {
            let text = text!(
                "item-range-outside",
                item = &s.item.id,
                place = s.item.place.clone(),
                range = range(s.first, s.last),
                n = n
            );
            ("item-range-outside", s.item.id.clone(), text)
        })
        .collect()
}

fn overlaps(spans: &[Span]) -> Vec<Issue> {
    let mut found = Vec::new();
    let mut reach: Option<&Span> = None;
    for s in spans {
        if let Some(r) = reach.filter(|r| s.first <= r.last) {
            let text = text!(
                "item-range-overlap",
                item = &s.item.id,
                place = s.item.place.clone(),
                other = &r.item.id,
                other_place = r.item.place.clone(),
                range = range(s.first, s.last.min(r.last))
            );
            found.push(("item-range-overlap", s.item.id.clone(), text));
        }
        if reach.is_none_or(|r| s.last > r.last) {
            reach = Some(s);
        }
    }
    found
}

fn gaps(spans: &[Span], pages: Option<u32>, volume: &str) -> Vec<Issue> {
    let mut found = Vec::new();
    let mut next = 1u32;
    let mut before: Option<&Span> = None;
    for s in spans {
        // Pages past the volume's end are no hole in it (the item is `item-range-outside`).
        let hole_end = pages.map_or(s.first - 1, |n| (s.first - 1).min(n));
        if s.first > next && hole_end >= next {
            let after = before.map_or(text!("phrase.before-first-item"), |b| {
                text!("phrase.between-items", a = &b.item.id, b = &s.item.id)
            });
            let text = text!(
                "item-range-gap.between",
                pages = belong(next, hole_end),
                after = after,
                place = s.item.place.clone()
            );
            found.push(("item-range-gap", s.item.id.clone(), text));
        }
        if s.last >= next {
            next = s.last.saturating_add(1);
            before = Some(s);
        }
    }
    match (pages, before) {
        (Some(n), Some(b)) if next <= n => {
            let text = text!(
                "item-range-gap.after",
                pages = belong(next, n),
                item = &b.item.id,
                place = b.item.place.clone(),
                last = b.last
            );
            found.push(("item-range-gap", b.item.id.clone(), text));
        }
        (Some(n), None) if n > 0 => {
            let text = text!("item-range-gap.empty", pages = belong(1, n));
            found.push(("item-range-gap", volume.to_string(), text));
        }
        _ => {}
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    fn item(id: &str, pages: Option<PageField>) -> Item {
        Item { id: id.into(), volume: 0, pages, place: crate::text!("phrase.line", line = id) }
    }

    fn rules(items: &[Item], pages: Option<u32>) -> Vec<(&'static str, String)> {
        let refs: Vec<&Item> = items.iter().collect();
        issues(&refs, pages, "V").into_iter().map(|(r, id, _)| (r, id)).collect()
    }

    use PageField::{Range, Start};

    #[test]
    fn exact_cover_has_no_findings() {
        let by_range = [item("a", Some(Range(1, 5))), item("b", Some(Range(6, 10)))];
        assert!(rules(&by_range, Some(10)).is_empty());
        let by_start =
            [item("a", Some(Start(1))), item("b", Some(Start(4))), item("c", Some(Range(8, 10)))];
        assert!(rules(&by_start, Some(10)).is_empty());
        let all_start = [item("a", Some(Start(1))), item("b", Some(Start(4)))];
        assert!(rules(&all_start, Some(10)).is_empty());
    }

    #[test]
    fn each_defect_is_reported_once_against_its_item() {
        let overlap = [item("a", Some(Range(1, 5))), item("b", Some(Range(5, 10)))];
        assert_eq!(rules(&overlap, Some(10)), [("item-range-overlap", "b".into())]);
        let gap = [item("a", Some(Range(1, 5))), item("b", Some(Range(7, 10)))];
        assert_eq!(rules(&gap, Some(10)), [("item-range-gap", "b".into())]);
        let outside = [item("a", Some(Range(1, 5))), item("b", Some(Range(6, 12)))];
        assert_eq!(rules(&outside, Some(10)), [("item-range-outside", "b".into())]);
        let start_outside = [item("a", Some(Start(1))), item("b", Some(Start(12)))];
        assert_eq!(rules(&start_outside, Some(10)), [("item-range-outside", "b".into())]);
        let tail = [item("a", Some(Range(1, 5))), item("b", Some(Range(6, 8)))];
        assert_eq!(rules(&tail, Some(10)), [("item-range-gap", "b".into())]);
        let head = [item("a", Some(Start(3)))];
        assert_eq!(rules(&head, Some(10)), [("item-range-gap", "a".into())]);
        assert_eq!(rules(&[], Some(3)), [("item-range-gap", "V".into())]);
        let same_start = [item("a", Some(Start(1))), item("b", Some(Start(1)))];
        assert_eq!(rules(&same_start, Some(4)), [("item-range-overlap", "b".into())]);
    }

    #[test]
    fn order_and_unknown_pages() {
        let swapped = [item("b", Some(Range(6, 10))), item("a", Some(Range(1, 5)))];
        assert_eq!(rules(&swapped, Some(10)), [("item-out-of-sequence", "a".into())]);
        let unknown = [item("a", Some(Range(1, 3))), item("b", None)];
        assert!(rules(&unknown, Some(10)).is_empty(), "no gap guessed around an unusable 页号");
        let no_total = [item("a", Some(Range(1, 3))), item("b", Some(Range(5, 9)))];
        assert_eq!(rules(&no_total, None), [("item-range-gap", "b".into())]);
    }

    #[test]
    fn messages_name_the_pages_and_items() {
        let gap = [item("a", Some(Range(1, 5))), item("b", Some(Range(8, 10)))];
        let refs: Vec<&Item> = gap.iter().collect();
        let (_, _, m) = &issues(&refs, Some(10), "V")[0];
        assert_eq!(
            m.render(crate::finding::Lang::En),
            "pages 6–7 belong to no item: it lies between item 'a' and item 'b' (line b)"
        );
    }
}
