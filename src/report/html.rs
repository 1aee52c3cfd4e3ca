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
use super::model::{Report, Verdict};
use crate::finding::Finding;
use std::fmt::Write;

const CSS: &str = include_str!("html.css");

/// One page on the contact sheet: a drawn page, or a page a finding points at.
#[derive(Clone, Debug)]
pub struct ContactItem {
    /// Delivery-relative path.
    pub path: String,
    /// Its record's reference code.
    pub record: Option<String>,
    /// Why it is on the sheet, e.g. `random sample` or a rule id.
    pub reason: String,
    /// A `data:image/png;base64,…` or `data:image/jpeg;base64,…` thumbnail, when the
    /// inspect stage produced one. Anything else is not embedded.
    pub data_uri: Option<String>,
}

/// The contact sheet items of the report's random sample, without thumbnails.
pub fn sample_items(report: &Report) -> Vec<ContactItem> {
    let reason = format!("random sample 随机抽样 (seed {})", report.sample.seed);
    let pages = report.sample.pages.iter();
    pages
        .map(|p| ContactItem {
            path: p.path.clone(),
            record: p.record.clone(),
            reason: reason.clone(),
            data_uri: None,
        })
        .collect()
}

/// Renders report.html.
pub fn render(report: &Report, contact: &[ContactItem]) -> Vec<u8> {
    let mut s = String::with_capacity(64 * 1024 + report.findings.len() * 256);
    s.push_str("<!DOCTYPE html>\n<html lang=\"zh-CN\">\n<head>\n<meta charset=\"utf-8\">\n");
    let _ = writeln!(s, "<title>验收报告 Acceptance report · {}</title>", escape(&report.delivery));
    let _ = writeln!(s, "<style>\n{CSS}</style>\n</head>\n<body>");
    header(&mut s, report);
    run_and_inputs(&mut s, report);
    totals(&mut s, report);
    rule_counts(&mut s, report);
    records(&mut s, report);
    findings(&mut s, report);
    contact_sheet(&mut s, report, contact);
    signoff(&mut s, report);
    s.push_str("</body>\n</html>\n");
    s.into_bytes()
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
    row(
        s,
        &label("移交载体", "Delivery"),
        &format!("<span class=\"path\">{}</span>", escape(&r.delivery)),
    );
    row(s, &label("检查人", "Operator"), &escape(&r.operator));
    row(s, &label("检查时间", "Time (UTC)"), &escape(&r.time));
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
        "<tr><td>{what}</td><td class=\"path\">{}</td><td class=\"digest\">{}</td></tr>",
        escape(file),
        escape(digest)
    );
}

fn totals(s: &mut String, r: &Report) {
    let t = &r.totals;
    let _ = writeln!(s, "<h2>{}</h2>\n<table class=\"kv\">", label("数量", "Totals"));
    row(s, &label("案卷/件", "Records"), &t.records.to_string());
    row(s, &label("文件", "Files"), &t.files.to_string());
    row(s, &label("页数", "Pages"), &t.pages.to_string());
    let bytes = format!("{} ({} bytes)", super::human::bytes(t.bytes), t.bytes);
    row(s, &label("数据量", "Size"), &bytes);
    row(s, &label("问题", "Findings"), &r.findings.len().to_string());
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
        let _ = writeln!(
            s,
            "<tr><td><code>{}</code></td><td class=\"s-{sev}\">{sev}</td><td class=\"num\">{n}</td></tr>",
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
        let _ = writeln!(
            s,
            "<tr><td class=\"path\">{}</td><td>{}</td><td class=\"num\">{}</td>\
             <td class=\"num\">{delivered}</td><td class=\"s-{status}\">{status}</td></tr>",
            escape(&row.id),
            escape(row.title.as_deref().unwrap_or("")),
            row.pages_expected
        );
    }
    s.push_str("</table>\n");
}

fn findings(s: &mut String, r: &Report) {
    let _ = writeln!(s, "<h2>{}</h2>", label("问题明细", "Findings by record"));
    if r.findings.is_empty() {
        let _ = writeln!(s, "<p>{}</p>", label("未发现问题。", "No findings."));
        return;
    }
    let grouped = super::group(r);
    for (record, found) in &grouped.by_record {
        let title = format!("{} <span class=\"en\">({})</span>", escape(record), found.len());
        finding_table(s, &title, found);
    }
    if !grouped.delivery.is_empty() {
        let title = label("不属于任何案卷", "Delivery-level, no record");
        finding_table(s, &title, &grouped.delivery);
    }
}

fn finding_table(s: &mut String, title: &str, found: &[&Finding]) {
    let _ = writeln!(s, "<h3>{title}</h3>");
    let _ = writeln!(
        s,
        "<table><thead><tr><th>{}</th><th>{}</th><th>{}</th><th>{}</th></tr></thead>",
        label("级别", "Severity"),
        label("规则", "Rule"),
        label("路径", "Path"),
        label("说明", "Message")
    );
    for f in found {
        let sev = f.severity.as_str();
        let _ = writeln!(
            s,
            "<tr><td class=\"s-{sev}\">{sev}</td><td><code>{}</code></td>\
             <td class=\"path\">{}</td><td>{}</td></tr>",
            escape(&f.rule),
            escape(f.path.as_deref().unwrap_or("")),
            escape(&f.message)
        );
    }
    s.push_str("</table>\n");
}

fn contact_sheet(s: &mut String, r: &Report, contact: &[ContactItem]) {
    let _ = writeln!(s, "<h2>{}</h2>", label("抽样目检", "Contact sheet"));
    let sm = &r.sample;
    let _ = writeln!(
        s,
        "<p class=\"note\">抽取 {} / {} 个页面文件，比例 {}%，随机种子 {}（{}）。\
         Drawn {} of {} page files at {}% with seed {} ({}); redraw with the same seed to \
         check the selection.</p>",
        sm.pages.len(),
        sm.population,
        sm.rate * 100.0,
        sm.seed,
        escape(&sm.seed_source),
        sm.pages.len(),
        sm.population,
        sm.rate * 100.0,
        sm.seed,
        escape(&sm.seed_source)
    );
    if contact.is_empty() {
        return;
    }
    s.push_str("<div class=\"sheet\">\n");
    for item in contact {
        let image = match item.data_uri.as_deref().filter(|u| is_safe_image_uri(u)) {
            Some(uri) => format!("<img alt=\"\" src=\"{}\">", escape(uri)),
            None => "<div class=\"noimg\">无缩略图<br>no thumbnail</div>".to_string(),
        };
        let record = item.record.as_deref().map(escape).unwrap_or_default();
        let _ = writeln!(
            s,
            "<figure>{image}<figcaption><b>{record}</b> <span class=\"path\">{}</span><br>\
             <span class=\"note\">{}</span></figcaption></figure>",
            escape(&item.path),
            escape(&item.reason)
        );
    }
    s.push_str("</div>\n");
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
