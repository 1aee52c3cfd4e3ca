//! Labels of the report files and the terminal summary (issue #22), in both languages:
//! column headers, status words, the summary's lines. Part of the message catalogue
//! ([`super::messages`]), kept apart because they are words of the layout, not findings.

use super::messages::Entry;
use super::{Lang, Severity};

/// A severity as the report files word it (`error`, 错误).
pub fn severity(lang: Lang, severity: Severity) -> String {
    super::text::t(lang, &format!("ui.severity-{}", severity.as_str()), &[])
}

const fn e(id: &'static str, en: &'static str, zh: &'static str) -> Entry {
    Entry { id, en, zh }
}

/// Every label.
pub const LABELS: &[Entry] = &[
    // the terminal summary
    e(
        "ui.head",
        "vouch {version} · profile {profile} · {delivery}",
        "vouch {version} · 验收配置 {profile} · {delivery}",
    ),
    e(
        "ui.head-catalogue",
        "catalogue {path} ({format}, {n} records)",
        "目录 {path}（{format}，{n} 条）",
    ),
    e(
        "ui.head-manifest",
        "manifest  {path} ({format}, {n} entries)",
        "清单 {path}（{format}，{n} 项）",
    ),
    e("ui.head-note", "          note: {note}", "     注：{note}"),
    e(
        "ui.head-quick",
        "depth     quick: digests, structure and metadata only; page image data was not decoded (run --depth full for acceptance)",
        "深度 quick：只核对摘要、结构和元数据；未解码页面图像数据（验收请用 --depth full）",
    ),
    e(
        "ui.more-records",
        "… {n} more records not ok (vouch check -q lists them all)",
        "…… 另有 {n} 条档案未通过（vouch check -q 列出全部）",
    ),
    e("ui.errors", "errors:", "错误："),
    e("ui.warnings", "warnings:", "警告："),
    e("ui.rule-count", "{rule} ({n})", "{rule}（{n} 项）"),
    e("ui.more-in-report", "… {n} more (in the report)", "…… 另有 {n} 项（见报告）"),
    e(
        "ui.more-not-shown",
        "… {n} more (not shown; --out DIR writes them all)",
        "…… 另有 {n} 项（未显示；--out DIR 写出全部）",
    ),
    e("ui.signatures", "signatures {version} of {date}", "特征库 {version}（{date}）"),
    e("ui.no-signatures", "no official signature database", "无官方特征库"),
    e(
        "ui.malware-scan",
        "malware scan: {engine} · {db} · {n} files scanned, {not} not scanned",
        "恶意代码扫描：{engine} · {db} · 已扫描 {n} 个文件，{not} 个未扫描",
    ),
    e(
        "ui.totals",
        "{records} records · {files} files · {pages} pages · {bytes} · {s} s",
        "{records} 条档案 · {files} 个文件 · {pages} 页 · {bytes} · {s} 秒",
    ),
    e(
        "ui.why-no-manifest",
        "no vendor manifest, integrity against the vendor not checked",
        "无供应商清单，未对照供应商核验完整性",
    ),
    e("ui.one-error", "{n} error", "{n} 项错误"),
    e("ui.n-errors", "{n} errors", "{n} 项错误"),
    e("ui.one-warning", "{n} warning", "{n} 项警告"),
    e("ui.n-warnings", "{n} warnings", "{n} 项警告"),
    e("ui.because", "{n} ({why})", "{n}（{why}）"),
    e("ui.no-findings", "no findings", "无问题"),
    e("ui.accepted-clean", "ACCEPTED: no findings", "通过验收（ACCEPTED）：无问题"),
    e(
        "ui.accepted-with",
        "ACCEPTED with {warnings}: {why}",
        "通过验收（ACCEPTED），有{warnings}：{why}",
    ),
    e("ui.verdict", "{verdict}: {why}", "{verdict}：{why}"),
    e(
        "ui.verdict-quick",
        "{line} (depth quick: image data not decoded)",
        "{line}（深度 quick：未解码图像数据）",
    ),
    e("ui.accepted", "{word}", "通过验收（{word}）"),
    e("ui.rejected", "{word}", "不予验收（{word}）"),
    e("ui.incomplete", "{word}", "未完成（{word}）"),
    e("ui.status-failed", "FAILED", "不合格"),
    e("ui.status-missing", "MISSING", "缺失"),
    e("ui.status-warning", "WARNING", "有警告"),
    e("ui.status-not-checked", "NOT-CHECKED", "未检查"),
    e("ui.status-ok", "OK", "合格"),
    e("ui.unsigned", "unsigned", "未签名"),
    e("ui.signed", "signed {name}", "已签名 {name}"),
    e("ui.report-line", "report: {dir} ({files}; {signed})", "报告：{dir}（{files}；{signed}）"),
    e(
        "ui.round",
        "round {round}: {fixed} fixed, {new} new, {open} still open",
        "第 {round} 轮：已整改 {fixed}，新增 {new}，仍未整改 {open}",
    ),
    e(
        "ui.incomplete-quick",
        "depth quick: image data was not decoded, so nothing is vouched for; run with --depth full to accept",
        "深度 quick：未解码图像数据，因此不为任何内容担保；验收请用 --depth full 运行",
    ),
    e(
        "ui.interrupted",
        "interrupted: {missed} of {n} files were not inspected",
        "已中断：{n} 个文件中有 {missed} 个未检查",
    ),
    e(
        "ui.interrupted-unlisted",
        "interrupted: {missed} of the {n} files listed were not inspected, and the rest of the delivery was not listed",
        "已中断：已列出的 {n} 个文件中有 {missed} 个未检查，交付的其余部分未列出",
    ),
    // vouch rules
    e(
        "ui.rules-head",
        "rules and their severity in profile '{profile}':",
        "验收配置“{profile}”中的规则及其严重程度：",
    ),
    e("ui.rules-serves", "serves {what}", "服务于：{what}"),
    // junit.xml
    e(
        "ui.junit-delivery",
        "delivery-level findings (no record)",
        "交付层面的问题（不属于某条档案）",
    ),
    e(
        "ui.junit-skipped",
        "not checked: the run was interrupted first",
        "未检查：运行在此之前被中断",
    ),
    e("ui.junit-not-delivered", "record not delivered", "档案未交付"),
    e("ui.junit-errors", "{n} error finding(s): {rules}", "{n} 项错误：{rules}"),
    // vouch diff
    e("ui.fixed", "fixed:", "已整改："),
    e("ui.new", "new:", "新增："),
    // findings.csv
    e("ui.csv-header", "rule,severity,record,path,message", "规则,严重程度,档号,路径,说明"),
    e(
        "ui.csv-header-since",
        "rule,severity,record,path,message,since",
        "规则,严重程度,档号,路径,说明,轮次",
    ),
    e("ui.severity-error", "error", "错误"),
    e("ui.severity-warning", "warning", "警告"),
    e("ui.since-new", "new", "新增"),
    e("ui.since-persisting", "persisting", "仍未整改"),
];
