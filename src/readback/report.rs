//! Renderings of a readback report: report.json (canonical, signed), report.html (to
//! read, print and file) and files.csv (one row per file read, for a spreadsheet).
//!
//! The HTML reuses the acceptance report's stylesheet and escaping, and draws the read
//! speed of every file across the medium as an inline SVG (no scripts, no network):
//! a point per file in reading order, x the bytes read so far, y MiB/s, with the median
//! and the `readback-slow` threshold as lines, so a failing region of a disk shows as a
//! dip. Renderers are pure functions returning bytes (STYLE.md habit 14).

use crate::readback::model::{FileRow, Report};
use crate::report::csv::{BOM, cell};
use crate::report::markup::escape;
use std::fmt::Write;

const CSS: &str = include_str!("../report/html.css");
const MIB: f64 = 1024.0 * 1024.0;

/// report.json: pretty JSON with a trailing newline.
pub fn render_json(report: &Report) -> anyhow::Result<Vec<u8>> {
    let mut bytes = serde_json::to_vec_pretty(report)?;
    bytes.push(b'\n');
    Ok(bytes)
}

/// files.csv: UTF-8 with BOM (Excel), one row per file read, with its finding if any.
pub fn render_csv(report: &Report) -> anyhow::Result<Vec<u8>> {
    let mut w =
        ::csv::WriterBuilder::new().terminator(::csv::Terminator::CRLF).from_writer(BOM.to_vec());
    w.write_record([
        "path",
        "record",
        "status",
        "size",
        "bytes_read",
        "seconds",
        "mib_s",
        "cache",
        "finding",
    ])?;
    for f in &report.files {
        let finding = report.findings.iter().find(|x| x.path.as_deref() == Some(&f.path));
        let msg = finding.map(|x| format!("{}: {}", x.rule, x.message)).unwrap_or_default();
        w.write_record([
            cell(&f.path),
            cell(f.record.as_deref().unwrap_or("")),
            f.status.to_string(),
            f.size.map(|s| s.to_string()).unwrap_or_default(),
            f.bytes_read.to_string(),
            format!("{:.6}", f.seconds),
            f.mib_s.map(|m| format!("{m:.3}")).unwrap_or_default(),
            cache_text(f),
            cell(&msg),
        ])?;
    }
    w.into_inner().map_err(|e| anyhow::anyhow!("rendering files.csv: {e}"))
}

fn cache_text(f: &FileRow) -> String {
    use crate::readback::reader::Cache;
    match &f.cache {
        None => String::new(),
        Some(Cache::Dropped) => "dropped".into(),
        Some(Cache::InMemory) => "in-memory filesystem".into(),
        Some(Cache::NotDropped(why)) => format!("not dropped: {why}"),
    }
}

/// report.html.
pub fn render_html(r: &Report) -> Vec<u8> {
    let mut s = String::with_capacity(32 * 1024 + r.files.len() * 300);
    s.push_str("<!DOCTYPE html>\n<html lang=\"zh-CN\">\n<head>\n<meta charset=\"utf-8\">\n");
    let _ = writeln!(s, "<title>介质抽检报告 Readback report · {}</title>", escape(&r.medium.id));
    let _ = writeln!(
        s,
        "<style>\n{CSS}svg.plot {{ width: 100%; height: auto; }}\n</style>\n</head>\n<body>"
    );
    header(&mut s, r);
    facts(&mut s, r);
    findings(&mut s, r);
    let _ = writeln!(s, "<h2>读取速度 <span class=\"en\">Read speed across the medium</span></h2>");
    s.push_str(&plot(r));
    files(&mut s, r);
    s.push_str("</body>\n</html>\n");
    s.into_bytes()
}

fn header(s: &mut String, r: &Report) {
    let (class, zh, en) = match r.verdict {
        "pass" => ("accepted", "检测合格", "PASS"),
        "incomplete" => ("incomplete", "检测未完成（中断）", "INCOMPLETE: interrupted"),
        _ => ("rejected", "检测不合格，须采取补救措施", "FAIL: recovery needed"),
    };
    let _ = writeln!(
        s,
        "<h1>存储介质抽样机读检测报告 <span class=\"en\">Media readback report</span></h1>"
    );
    let _ = writeln!(
        s,
        "<div class=\"verdict {class}\"><span>{zh} · {en}</span><small>{} · {}</small></div>",
        escape(&r.medium.id),
        escape(&r.time)
    );
}

fn kv(s: &mut String, key: &str, value: &str) {
    let _ = writeln!(s, "<tr><th>{key}</th><td>{value}</td></tr>");
}

fn facts(s: &mut String, r: &Report) {
    let (m, sm, rd) = (&r.medium, &r.sample, &r.reading);
    let _ =
        writeln!(s, "<h2>检测信息 <span class=\"en\">The test</span></h2>\n<table class=\"kv\">");
    let label = m.label.as_deref().map(|l| format!(" — {}", escape(l))).unwrap_or_default();
    kv(
        s,
        "介质 Medium",
        &format!(
            "{} ({}){label}, written {}",
            escape(&m.id),
            m.media_type.name(),
            escape(&m.written)
        ),
    );
    kv(
        s,
        "台账 Ledger",
        &format!("<span class=\"path\">{}</span>, line {}", escape(&m.ledger), m.ledger_line),
    );
    kv(s, "挂载点 Mount", &format!("<span class=\"path\">{}</span>", escape(&r.mount)));
    kv(
        s,
        "清单 Manifest",
        &format!(
            "<span class=\"path\">{}</span><br><span class=\"digest\">sha256 {}</span>",
            escape(&r.manifest.path),
            escape(&r.manifest.sha256)
        ),
    );
    kv(s, "检测人 Operator", &escape(&r.operator));
    kv(
        s,
        "抽样 Sample",
        &format!(
            "{} / {} files, {} / {} bytes, {} / {} records; rate {}; seed {} ({})",
            sm.files_sampled,
            sm.files_listed,
            sm.bytes_sampled,
            sm.bytes_listed,
            sm.records_sampled,
            sm.records_listed,
            sm.rate,
            sm.seed,
            escape(&sm.seed_source)
        ),
    );
    kv(
        s,
        "读取 Reading",
        &format!(
            "{:.1} MiB in {:.1} s; page cache dropped before reading for {} files, in-memory \
         filesystem {}, could not drop {}; O_NOATIME for {} files",
            rd.bytes_read as f64 / MIB,
            rd.seconds,
            rd.cache_dropped,
            rd.cache_in_memory,
            rd.cache_not_dropped,
            rd.noatime
        ),
    );
    let _ = writeln!(s, "</table>");
}

fn findings(s: &mut String, r: &Report) {
    let _ = writeln!(s, "<h2>问题 <span class=\"en\">Findings ({})</span></h2>", r.findings.len());
    if r.findings.is_empty() {
        let _ = writeln!(s, "<p>无 <span class=\"en\">none</span></p>");
        return;
    }
    s.push_str("<table><thead><tr><th>severity</th><th>rule</th><th>path</th><th>message</th></tr></thead><tbody>\n");
    for f in &r.findings {
        let sev = f.severity.as_str();
        let _ = writeln!(
            s,
            "<tr><td class=\"s-{sev}\">{sev}</td><td><code>{}</code></td><td class=\"path\">{}</td><td>{}</td></tr>",
            escape(&f.rule),
            escape(f.path.as_deref().unwrap_or("")),
            escape(&f.message)
        );
    }
    s.push_str("</tbody></table>\n");
}

fn files(s: &mut String, r: &Report) {
    let _ = writeln!(s, "<h2>逐文件 <span class=\"en\">Files read, in reading order</span></h2>");
    s.push_str("<table><thead><tr><th>path</th><th>status</th><th class=\"num\">bytes</th><th class=\"num\">MiB/s</th></tr></thead><tbody>\n");
    for f in &r.files {
        let class = if f.status == "ok" { "s-ok" } else { "s-error" };
        let speed = f.mib_s.map(|m| format!("{m:.1}")).unwrap_or_default();
        let _ = writeln!(
            s,
            "<tr><td class=\"path\">{}</td><td class=\"{class}\">{}</td><td class=\"num\">{}</td><td class=\"num\">{speed}</td></tr>",
            escape(&f.path),
            f.status,
            f.bytes_read
        );
    }
    s.push_str("</tbody></table>\n");
}

/// Plot area: width, height, left margin (for the y label), bottom margin.
const W: f64 = 720.0;
const H: f64 = 220.0;
const L: f64 = 48.0;
const B: f64 = 28.0;

/// Scales from bytes read and MiB/s to plot coordinates.
struct Scale {
    x_max: f64,
    y_max: f64,
}

impl Scale {
    fn x(&self, bytes: u64) -> f64 {
        L + (bytes as f64 / self.x_max) * (W - L - 8.0)
    }
    fn y(&self, mib_s: f64) -> f64 {
        (H - B) - (mib_s / self.y_max) * (H - B - 8.0)
    }
}

/// The read-speed plot: an inline SVG, one point per file that was read and timed.
pub fn plot(r: &Report) -> String {
    let mut x = 0u64;
    let points: Vec<(u64, f64, bool)> = r
        .files
        .iter()
        .filter_map(|f| {
            x += f.bytes_read;
            f.mib_s.map(|m| (x, m, f.status != "ok"))
        })
        .collect();
    let mut s = format!(
        "<svg class=\"plot\" xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {W} {H}\" role=\"img\" aria-label=\"read speed per file\">\n"
    );
    if points.is_empty() {
        let _ = writeln!(
            s,
            "<text x=\"{L}\" y=\"{}\" font-size=\"12\">no file was read</text></svg>",
            H / 2.0
        );
        return s;
    }
    let y_max = points.iter().map(|p| p.1).fold(0.0, f64::max).max(1e-9) * 1.1;
    let scale = Scale { x_max: x.max(1) as f64, y_max };
    axes(&mut s, &scale);
    reference_lines(&mut s, r, &scale);
    for (b, m, bad) in points {
        let fill = if bad { "#a61b1b" } else { "#2b5797" };
        let (cx, cy) = (scale.x(b), scale.y(m));
        let _ = writeln!(s, "<circle cx=\"{cx:.1}\" cy=\"{cy:.1}\" r=\"2.5\" fill=\"{fill}\"/>");
    }
    s.push_str("</svg>\n");
    s
}

/// The two axes and their labels.
fn axes(s: &mut String, scale: &Scale) {
    let (right, bottom) = (W - 8.0, H - B);
    let _ = writeln!(
        s,
        "<line x1=\"{L}\" y1=\"{bottom}\" x2=\"{right}\" y2=\"{bottom}\" stroke=\"#111\"/>"
    );
    let _ = writeln!(s, "<line x1=\"{L}\" y1=\"8\" x2=\"{L}\" y2=\"{bottom}\" stroke=\"#111\"/>");
    let _ = writeln!(s, "<text x=\"2\" y=\"14\" font-size=\"10\">{:.0} MiB/s</text>", scale.y_max);
    let _ = writeln!(s, "<text x=\"{L}\" y=\"{}\" font-size=\"10\">0</text>", H - 8.0);
    let _ = writeln!(
        s,
        "<text x=\"{right}\" y=\"{}\" font-size=\"10\" text-anchor=\"end\">{:.1} MiB read</text>",
        H - 8.0,
        scale.x_max / MIB
    );
}

/// Dashed lines at the median speed and at the slow threshold.
fn reference_lines(s: &mut String, r: &Report, scale: &Scale) {
    for (value, colour, name) in [
        (r.reading.median_mib_s, "#1b6e34", "median"),
        (r.reading.slow_below_mib_s, "#a61b1b", "slow below"),
    ] {
        let Some(v) = value else { continue };
        let y = scale.y(v);
        let _ = writeln!(
            s,
            "<line x1=\"{L}\" y1=\"{y:.1}\" x2=\"{}\" y2=\"{y:.1}\" stroke=\"{colour}\" stroke-dasharray=\"4 3\"/>",
            W - 8.0
        );
        let _ = writeln!(
            s,
            "<text x=\"{}\" y=\"{:.1}\" font-size=\"9\" fill=\"{colour}\">{name} {v:.1}</text>",
            L + 4.0,
            y - 2.0
        );
    }
}
