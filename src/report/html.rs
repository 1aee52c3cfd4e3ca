//! report.html: the acceptance record as people read, print and sign it.
//!
//! One self-contained file (inline CSS, no scripts, no network), bilingual labels
//! (中文 / English), laid out for A4 paper: verdict first, then who ran it and when,
//! the inputs pinned by digest, totals, counts per rule, a row per record, every finding
//! grouped by record, the contact sheet, and a block where the archive and the vendor
//! sign by hand. All text from the delivery or the catalogue goes through
//! [`escape`]: file names are hostile input. The page shows the run's time but not its
//! duration, so two runs at the same time give the same bytes.

use super::markup::escape;
use super::model::{Report, SamplePage, Verdict};
use crate::finding::Finding;
use crate::inspect::facts::Format;
use std::collections::BTreeMap;
use std::fmt::Write;

const CSS: &str = include_str!("html.css");

/// Pages shown per rule on the contact sheet; the rest are counted, not shown, so a
/// delivery where every page fails one rule still gives a report of a few megabytes.
pub const PAGES_PER_RULE: usize = 12;

/// Drawn pages shown on the contact sheet at most; report.json lists the whole sample.
pub const SAMPLE_SHOWN: usize = 240;

/// Finding messages are cut to this many characters under a thumbnail.
const MESSAGE_CHARS: usize = 200;

/// One page on the contact sheet: a drawn page, or a page a finding points at.
#[derive(Clone, Debug)]
pub struct ContactItem {
    /// Delivery-relative path (`%XX` escaped, as in report.json).
    pub path: String,
    /// The page of the file shown (1 for single-image files; the first page otherwise).
    pub page: u32,
    /// How many pages the file has, when known.
    pub pages: Option<u32>,
    /// Its record's reference code.
    pub record: Option<String>,
    /// Why it is on the sheet: `rule-id: message` per finding, and/or the random sample.
    pub reasons: Vec<String>,
    /// A `data:image/jpeg;base64,…` thumbnail and its size in pixels, when the inspect
    /// stage made one. Anything but a plain base64 image URI is not embedded.
    pub thumbnail: Option<(String, u32, u32)>,
}

/// What the contact sheet shows: its pages in path order, and per rule how many pages
/// with that rule's findings are not shown.
#[derive(Clone, Debug, Default)]
pub struct ContactSheet {
    /// The pages shown.
    pub items: Vec<ContactItem>,
    /// (rule id, pages not shown) for rules over [`PAGES_PER_RULE`].
    pub omitted: Vec<(String, usize)>,
    /// How many of the drawn pages are shown (at most [`SAMPLE_SHOWN`]).
    pub sample_shown: u64,
}

/// The contact sheet of a report, without thumbnails: every page file a finding points
/// at (at most [`PAGES_PER_RULE`] per rule, first by path) and the seeded random sample
/// (at most [`SAMPLE_SHOWN`] of it, those of lowest rank). Holds only what it shows: the
/// report's `files[]` and sample are read through once, not kept.
pub fn contact_sheet(report: &Report) -> anyhow::Result<ContactSheet> {
    let shown = shown_sample(report)?;
    let mut wanted: std::collections::BTreeSet<&str> =
        report.findings.iter().filter_map(|f| f.path.as_deref()).collect();
    wanted.extend(shown.iter().map(|p| p.path.as_str()));
    let mut page_files: BTreeMap<String, Option<u32>> = BTreeMap::new();
    for f in report.files.iter() {
        let f = f?;
        if wanted.contains(f.path.as_str()) && f.format.is_some_and(|f| f != Format::Unknown) {
            page_files.insert(f.path, f.pages);
        }
    }
    // A finding names a page where its rule judged one (image quality); else page 1.
    let mut by_rule: BTreeMap<&str, BTreeMap<(&str, u32), &Finding>> = BTreeMap::new();
    for f in &report.findings {
        if let Some(path) = f.path.as_deref().filter(|p| page_files.contains_key(*p)) {
            let key = (path, f.page.unwrap_or(1));
            by_rule.entry(&f.rule).or_default().entry(key).or_insert(f);
        }
    }
    let mut items: BTreeMap<(String, u32), ContactItem> = BTreeMap::new();
    let mut item = |(path, page): (&str, u32), record: Option<&String>, reason: String| {
        let entry = items.entry((path.to_string(), page)).or_insert_with(|| ContactItem {
            path: path.to_string(),
            page,
            pages: page_files.get(path).copied().flatten(),
            record: record.cloned(),
            reasons: Vec::new(),
            thumbnail: None,
        });
        entry.reasons.push(reason);
    };
    let mut omitted = Vec::new();
    for (rule, pages) in &by_rule {
        for (&at, f) in pages.iter().take(PAGES_PER_RULE) {
            let message: String = f.message.chars().take(MESSAGE_CHARS).collect();
            item(at, f.record.as_ref(), format!("{rule}: {message}"));
        }
        if pages.len() > PAGES_PER_RULE {
            omitted.push((rule.to_string(), pages.len() - PAGES_PER_RULE));
        }
    }
    let reason = format!("random sample 随机抽样 (seed {})", report.sample.seed);
    for p in &shown {
        item((&p.path, 1), p.record.as_ref(), reason.clone());
    }
    let sample_shown = shown.len() as u64;
    Ok(ContactSheet { items: items.into_values().collect(), omitted, sample_shown })
}

/// The drawn pages the sheet shows: all, or the [`SAMPLE_SHOWN`] of lowest rank (a
/// random subset of the sample, so the sheet stays a few megabytes for any delivery).
fn shown_sample(report: &Report) -> anyhow::Result<Vec<SamplePage>> {
    let seed = report.sample.seed;
    let mut lowest: std::collections::BinaryHeap<([u8; 32], u64)> = Default::default();
    for (i, p) in report.sample.pages.iter().enumerate() {
        lowest.push((super::sample::rank(seed, &p?.path), i as u64));
        if lowest.len() > SAMPLE_SHOWN {
            lowest.pop();
        }
    }
    let mut keep: Vec<u64> = lowest.into_iter().map(|(_, i)| i).collect();
    keep.sort_unstable();
    let mut shown = Vec::with_capacity(keep.len());
    for (i, p) in report.sample.pages.iter().enumerate() {
        if keep.binary_search(&(i as u64)).is_ok() {
            shown.push(p?);
        }
    }
    Ok(shown)
}

/// Renders report.html.
///
/// `findings_sha256` (findings.csv's digest, pinned in the signed report.json's `bundle`)
/// goes into every printed page's footer, so a loose sheet names the signed report it
/// belongs to. report.json's own digest cannot: report.json pins this file's digest.
pub fn render(report: &Report, contact: &ContactSheet, findings_sha256: &str) -> Vec<u8> {
    let mut s = String::with_capacity(64 * 1024 + report.findings.len() * 256);
    s.push_str("<!DOCTYPE html>\n<html lang=\"zh-CN\">\n<head>\n<meta charset=\"utf-8\">\n");
    let _ = writeln!(s, "<title>验收报告 Acceptance report · {}</title>", escape(&report.delivery));
    let _ = writeln!(s, "<style>\n{CSS}{}</style>\n</head>\n<body>", footer(findings_sha256));
    header(&mut s, report);
    run_and_inputs(&mut s, report);
    totals(&mut s, report);
    safety(&mut s, report);
    rule_counts(&mut s, report);
    records(&mut s, report);
    findings(&mut s, report);
    contact_section(&mut s, report, contact);
    signoff(&mut s, report);
    s.push_str("</body>\n</html>\n");
    s.into_bytes()
}

/// The footer's left box on every printed page: findings.csv's digest (hex only, so it
/// needs no CSS escaping).
fn footer(findings_sha256: &str) -> String {
    let hex: String = findings_sha256.chars().filter(char::is_ascii_hexdigit).collect();
    format!(
        "@page {{ @bottom-left {{ content: \"findings.csv SHA-256 {hex}\"; font-size: 7pt; \
         color: #5b616b; font-family: monospace; }} }}\n"
    )
}

/// A path or file name for print: each `/`-separated part kept whole (never broken inside
/// a name or a reference code), a line break allowed only after a `/`.
fn path_html(path: &str) -> String {
    let parts: Vec<String> =
        path.split('/').map(|p| format!("<span class=\"seg\">{}</span>", escape(p))).collect();
    format!("<span class=\"path\">{}</span>", parts.join("/<wbr>"))
}

/// The run's time as the reader's clock shows it (with the zone), then in UTC.
fn local_time(utc: &str) -> String {
    let local = utc.parse::<jiff::Timestamp>().ok().map(|t| {
        t.to_zoned(jiff::tz::TimeZone::system()).strftime("%Y-%m-%d %H:%M:%S %Z (%:z)").to_string()
    });
    match local {
        Some(l) => format!("{l} · {utc}"),
        None => utc.to_string(),
    }
}

/// A bilingual label: Chinese first, English after in grey.
fn label(zh: &str, en: &str) -> String {
    format!("{zh} <span class=\"en\">{en}</span>")
}

fn header(s: &mut String, r: &Report) {
    let (class, zh) = match r.verdict {
        Verdict::Accepted => ("accepted", "通过验收"),
        Verdict::Rejected => ("rejected", "不予验收"),
        Verdict::Incomplete => ("incomplete", "检查未完成"),
    };
    let _ =
        writeln!(s, "<h1>{}</h1>", label("数字化成果验收报告", "Digitization acceptance report"));
    let _ = writeln!(
        s,
        "<div class=\"verdict {class}\"><span>{zh} · {}</span><small>{}</small></div>",
        r.verdict.shout(),
        escape(&verdict_reason(r))
    );
    if let Some(round) = &r.round {
        let zh = super::rounds::headline(round, crate::finding::Lang::Zh);
        let en = super::rounds::headline(round, crate::finding::Lang::En);
        let _ = writeln!(s, "<p class=\"round\">{} · {}</p>", escape(&zh), escape(&en));
    }
}

fn verdict_reason(r: &Report) -> String {
    let errors = r.findings.iter().filter(|f| f.severity == crate::finding::Severity::Error);
    let errors = errors.count();
    let warnings = r.findings.len() - errors;
    format!("{errors} 错误 errors · {warnings} 警告 warnings")
}

fn row(s: &mut String, key: &str, value: &str) {
    let _ = writeln!(s, "<tr><th>{key}</th><td>{value}</td></tr>");
}

fn run_and_inputs(s: &mut String, r: &Report) {
    let _ = writeln!(s, "<h2>{}</h2>\n<table class=\"kv\">", label("检查信息", "The run"));
    row(s, &label("移交载体", "Delivery"), &path_html(&r.delivery));
    if let Some(v) = &r.volume {
        row(s, &label("载体位置", "Delivery on disk"), &path_html(&v.path));
        let mut about = format!("{} · {}", v.mount, v.device);
        for (what, value) in [("label", &v.label), ("uuid", &v.uuid)] {
            if let Some(value) = value {
                about += &format!(" · {what} {value}");
            }
        }
        row(s, &label("卷", "Volume"), &escape(&about));
    }
    row(s, &label("检查人", "Operator"), &escape(&r.operator));
    row(s, &label("检查时间", "Time"), &escape(&local_time(&r.time)));
    let tool = format!("{} {}", r.tool.name, r.tool.version);
    row(s, &label("工具", "Tool"), &escape(&tool));
    row(s, &label("报告格式", "Report schema"), &r.schema.to_string());
    s.push_str("</table>\n");
    let _ = writeln!(s, "<h2>{}</h2>\n<table>", label("检查依据", "Profile and inputs"));
    let _ = writeln!(
        s,
        "<thead><tr><th>{}</th><th>{}</th><th>{}</th></tr></thead>",
        label("项目", "Input"),
        label("文件", "File"),
        label("SHA-256", "digest")
    );
    let p = &r.profile;
    let profile = format!("{} ({})", p.name, p.origin);
    input_row(s, &label("验收规则", "Profile"), &profile, &p.sha256);
    let c = &r.catalogue;
    let cat = format!("{} ({}, {} records)", c.path, c.format, c.entries);
    input_row(s, &label("目录", "Catalogue"), &cat, &c.sha256);
    for m in &r.manifests {
        let man = format!("{} ({}, {} entries)", m.path, m.format, m.entries);
        input_row(s, &label("校验清单", "Manifest"), &man, &m.sha256);
    }
    s.push_str("</table>\n");
}

fn input_row(s: &mut String, what: &str, file: &str, digest: &str) {
    let _ = writeln!(
        s,
        "<tr><td>{what}</td><td>{}</td><td class=\"digest\">{}</td></tr>",
        path_html(file),
        escape(digest)
    );
}

fn totals(s: &mut String, r: &Report) {
    let t = &r.totals;
    let _ = writeln!(s, "<h2>{}</h2>\n<table class=\"kv\">", label("数量", "Totals"));
    row(s, &label("案卷/件", "Records"), &t.records.to_string());
    row(s, &label("文件", "Files"), &t.files.to_string());
    row(s, &label("已检查文件", "Files inspected"), &t.inspected.to_string());
    row(s, &label("页数", "Pages"), &t.pages.to_string());
    let bytes = format!("{} ({} bytes)", super::human::bytes(t.bytes), t.bytes);
    row(s, &label("数据量", "Size"), &bytes);
    row(s, &label("问题", "Findings"), &r.findings.len().to_string());
    s.push_str("</table>\n");
}

/// The safety inspection (issue #20): which malware scan ran, against which signatures.
fn safety(s: &mut String, r: &Report) {
    let Some(x) = &r.safety else { return };
    let _ = writeln!(s, "<h2>{}</h2>\n<table class=\"kv\">", label("安全性检测", "Safety"));
    let none = || label("未进行病毒扫描", "no malware scan ran");
    let scan = match (&x.engine, x.scanned) {
        (Some(engine), true) => escape(engine),
        _ => none(),
    };
    row(s, &label("病毒扫描", "Malware scan"), &scan);
    if x.scanned {
        let db = match (&x.database_version, &x.database_date) {
            (Some(v), Some(d)) => format!("{} ({})", escape(v), escape(d)),
            (Some(v), None) => escape(v),
            _ => label("无官方病毒库", "no official database (local signatures only)"),
        };
        row(s, &label("病毒库", "Signatures"), &db);
        let scanned = format!("{} ({} bytes)", x.files_scanned, x.bytes_scanned);
        row(s, &label("已扫描文件", "Files scanned"), &scanned);
        row(s, &label("未能扫描", "Not scanned"), &x.files_not_scanned.to_string());
    }
    row(s, &label("要求", "malware_scan"), &escape(&x.malware_scan));
    row(s, &label("内容检查", "Content checks"), &escape(&x.content_checks.join(", ")));
    s.push_str("</table>\n");
}

fn rule_counts(s: &mut String, r: &Report) {
    let _ = writeln!(s, "<h2>{}</h2>", label("按规则统计", "Findings per rule"));
    if r.counts.is_empty() {
        let _ = writeln!(s, "<p>{}</p>", label("未发现问题。", "No findings."));
        return;
    }
    let _ = writeln!(
        s,
        "<table><thead><tr><th>{}</th><th>{}</th><th class=\"num\">{}</th></tr></thead>",
        label("规则", "Rule"),
        label("级别", "Severity"),
        label("数量", "Count")
    );
    for (rule, n) in &r.counts {
        let sev = r.findings.iter().find(|f| &f.rule == rule).map_or("", |f| f.severity.as_str());
        let word = both(&format!("ui.severity-{sev}"), sev);
        let _ = writeln!(
            s,
            "<tr><td><code>{}</code></td><td class=\"s-{sev}\">{word}</td><td class=\"num\">{n}</td></tr>",
            escape(rule)
        );
    }
    s.push_str("</table>\n");
}

fn records(s: &mut String, r: &Report) {
    let _ = writeln!(s, "<h2>{}</h2>", label("案卷/件结果", "Records"));
    let _ = writeln!(
        s,
        "<table><thead><tr><th>{}</th><th>{}</th><th class=\"num\">{}</th>\
         <th class=\"num\">{}</th><th>{}</th></tr></thead>",
        label("档号", "Reference"),
        label("题名", "Title"),
        label("应交页数", "Pages expected"),
        label("实交页数", "Pages delivered"),
        label("状态", "Status")
    );
    for row in &r.records {
        let delivered = row.pages_delivered.map_or_else(|| "?".into(), |n| n.to_string());
        let status = escape(&row.status);
        let word = both(&format!("ui.status-{status}"), &status);
        let _ = writeln!(
            s,
            "<tr><td class=\"code\">{}</td><td class=\"title\">{}</td><td class=\"num\">{}</td>\
             <td class=\"num\">{delivered}</td><td class=\"s-{status}\">{word}</td></tr>",
            escape(&row.id),
            escape(row.title.as_deref().unwrap_or("")),
            row.pages_expected
        );
    }
    s.push_str("</table>\n");
}

/// Findings shown per rule in report.html; the rest are in findings.csv (a printed
/// report of a large delivery stays a few pages).
const EXAMPLES_PER_RULE: usize = 8;

fn findings(s: &mut String, r: &Report) {
    let _ = writeln!(s, "<h2>{}</h2>", label("问题明细（按规则）", "Findings by rule"));
    if r.findings.is_empty() {
        let _ = writeln!(s, "<p>{}</p>", label("未发现问题。", "No findings."));
        return;
    }
    let mut by_rule: BTreeMap<(crate::finding::Severity, &str), Vec<&Finding>> = BTreeMap::new();
    for f in &r.findings {
        by_rule.entry((f.severity, f.rule.as_str())).or_default().push(f);
    }
    for ((severity, rule), found) in &by_rule {
        let sev = severity.as_str();
        let word = both(&format!("ui.severity-{sev}"), sev);
        let _ = writeln!(
            s,
            "<h3><code>{}</code> <span class=\"s-{sev}\">{word}</span> · {}</h3>",
            escape(rule),
            found.len()
        );
        finding_table(s, &found[..found.len().min(EXAMPLES_PER_RULE)]);
        if found.len() > EXAMPLES_PER_RULE {
            let more = found.len() - EXAMPLES_PER_RULE;
            let _ = writeln!(
                s,
                "<p class=\"note\">{}</p>",
                label(
                    &format!("另有 {more} 条，见 findings.csv"),
                    &format!("{more} more in findings.csv")
                )
            );
        }
    }
}

fn finding_table(s: &mut String, found: &[&Finding]) {
    let _ = writeln!(
        s,
        "<table class=\"findings\"><thead><tr><th>{}</th><th>{}</th><th>{}</th></tr></thead>",
        label("档号", "Record"),
        label("路径", "Path"),
        label("说明", "Message")
    );
    for f in found {
        let _ = writeln!(
            s,
            "<tr><td class=\"code\">{}</td><td>{}</td><td>{}</td></tr>",
            escape(f.record.as_deref().unwrap_or("")),
            path_html(f.path.as_deref().unwrap_or("")),
            escape(&f.message)
        );
    }
    s.push_str("</table>\n");
}

fn contact_section(s: &mut String, r: &Report, contact: &ContactSheet) {
    let _ = writeln!(s, "<h2>{}</h2>", label("抽样目检", "Contact sheet"));
    let sm = &r.sample;
    let _ = writeln!(
        s,
        "<p class=\"note\">抽取 {} / {} 个页面文件，比例 {}%，随机种子 {}（{}）；另列出有问题的页面。\
         Drawn {} of {} page files at {}% with seed {} ({}); redraw with the same seed to \
         check the selection. Pages with findings are shown too, at most {} per rule.</p>",
        sm.pages.len(),
        sm.population,
        sm.rate * 100.0,
        sm.seed,
        escape(&sm.seed_source),
        sm.pages.len(),
        sm.population,
        sm.rate * 100.0,
        sm.seed,
        escape(&sm.seed_source),
        PAGES_PER_RULE
    );
    if contact.sample_shown < sm.pages.len() {
        let (shown, drawn) = (contact.sample_shown, sm.pages.len());
        let _ = writeln!(
            s,
            "<p class=\"note\">抽样页面显示 {shown} 个（排序最前者），全部 {drawn} 个列于 report.json。\
             Showing {shown} of the {drawn} drawn pages (those of lowest rank); report.json \
             lists them all.</p>"
        );
    }
    for (rule, n) in &contact.omitted {
        let _ = writeln!(
            s,
            "<p class=\"note\"><code>{}</code>: 另有 {n} 个页面未列出 {n} more not shown.</p>",
            escape(rule)
        );
    }
    if contact.items.is_empty() {
        return;
    }
    s.push_str("<div class=\"sheet\">\n");
    for item in &contact.items {
        contact_figure(s, item);
    }
    s.push_str("</div>\n");
}

fn contact_figure(s: &mut String, item: &ContactItem) {
    let image = match item.thumbnail.as_ref().filter(|(u, _, _)| is_safe_image_uri(u)) {
        Some((uri, w, h)) => {
            format!("<img alt=\"\" width=\"{w}\" height=\"{h}\" src=\"{}\">", escape(uri))
        }
        None => {
            "<div class=\"noimg\">无缩略图<br>no thumbnail<br>(页面未解码 page not decoded)</div>"
                .to_string()
        }
    };
    let record = item.record.as_deref().map(escape).unwrap_or_default();
    let page = match item.pages {
        Some(n) if n > 1 => format!(" · 第 {} / {n} 页 page {} of {n}", item.page, item.page),
        _ => String::new(),
    };
    let reasons: Vec<String> = item.reasons.iter().map(|r| escape(r)).collect();
    let _ = writeln!(
        s,
        "<figure>{image}<figcaption><b>{record}</b> <span class=\"path\">{}</span>{page}<br>\
         <span class=\"note\">{}</span></figcaption></figure>",
        escape(&item.path),
        reasons.join("<br>")
    );
}

/// Only base64 PNG, JPEG or WebP data URIs are embedded: nothing that can fetch or run.
fn is_safe_image_uri(uri: &str) -> bool {
    let body = ["data:image/png;base64,", "data:image/jpeg;base64,", "data:image/webp;base64,"]
        .iter()
        .find_map(|p| uri.strip_prefix(p));
    body.is_some_and(|b| b.bytes().all(|c| c.is_ascii_alphanumeric() || b"+/=".contains(&c)))
}

fn signoff(s: &mut String, r: &Report) {
    let _ = writeln!(s, "<section class=\"signoff\">\n<h2>{}</h2>", label("签字确认", "Sign-off"));
    let _ = writeln!(
        s,
        "<p class=\"note\">双方确认本报告所列检查结果（结论：{}）。\
         Both parties confirm the results stated in this report (verdict: {}). \
         电子签名为 report.json 旁的独立签名文件 The electronic signatures are detached files \
         next to report.json (<code>report.json.minisig</code>, \
         <code>report.json.NAME.minisig</code>): check them with \
         <code>vouch verify DIR --public-key KEY</code> or \
         <code>minisign -Vm report.json -x SIGNATURE -p KEY</code>.</p>",
        r.verdict.shout(),
        r.verdict.shout()
    );
    s.push_str("<div class=\"signatures\">\n");
    party(s, "档案馆（接收方）", "Archive (receiving party)");
    party(s, "数字化服务方（移交方）", "Vendor (delivering party)");
    s.push_str("</div>\n</section>\n");
}

fn party(s: &mut String, zh: &str, en: &str) {
    let _ = writeln!(s, "<div class=\"party\">\n<h3>{}</h3>", label(zh, en));
    for (lzh, len) in
        [("单位", "Organisation"), ("姓名", "Name"), ("签字", "Signature"), ("日期", "Date")]
    {
        let _ = writeln!(
            s,
            "<div class=\"line\"></div><div class=\"line-label\">{}</div>",
            label(lzh, len)
        );
    }
    s.push_str("</div>\n");
}

/// A label of the catalogue in both languages (`错误 error`), as the report's labels are;
/// `fallback` when the catalogue has none.
fn both(id: &str, fallback: &str) -> String {
    use crate::finding::{Lang, messages::template};
    match (template(id, Lang::Zh), template(id, Lang::En)) {
        (Some(zh), Some(en)) => escape(&format!("{zh} {}", en.to_lowercase())),
        _ => escape(fallback),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn embeds_only_plain_base64_images() {
        assert!(is_safe_image_uri("data:image/png;base64,iVBORw0KGgo="));
        assert!(!is_safe_image_uri("data:image/svg+xml;base64,PHN2Zz4="));
        assert!(!is_safe_image_uri("data:image/png;base64,x\" onerror=\"alert(1)"));
        assert!(!is_safe_image_uri("https://example.org/x.png"));
    }
}
