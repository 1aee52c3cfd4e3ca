//! The message catalogue (issue #22): every text a finding, a summary or a report file
//! shows a person, by id, in English and Chinese, in one place. `{name}` is a value the
//! message names; `{{`/`}}` are literal braces. The English texts are the ones vouch
//! wrote before it spoke Chinese, so English reports read as they did.
//!
//! Ids: a finding's message is its rule id, or the rule id and a variant after a dot
//! (`page-gap.many`); phrases used inside messages start with `phrase.`; labels of the
//! report files and the summary start with `ui.`. `tests` below fail when an entry has
//! one language only or the two name different values.

use super::text::Lang;
use std::collections::HashMap;
use std::sync::OnceLock;

/// One message in both languages.
pub struct Entry {
    /// Its id.
    pub id: &'static str,
    /// English.
    pub en: &'static str,
    /// Chinese (Simplified).
    pub zh: &'static str,
}

const fn e(id: &'static str, en: &'static str, zh: &'static str) -> Entry {
    Entry { id, en, zh }
}

/// The template of `id` in `lang`.
pub fn template(id: &str, lang: Lang) -> Option<&'static str> {
    static INDEX: OnceLock<HashMap<&'static str, &'static Entry>> = OnceLock::new();
    let index =
        INDEX.get_or_init(|| ALL.iter().flat_map(|t| t.iter()).map(|e| (e.id, e)).collect());
    index.get(id).map(|e| if lang == Lang::Zh { e.zh } else { e.en })
}

/// Every table of the catalogue.
pub const ALL: &[&[Entry]] = &[FINDINGS, PHRASES, super::labels::LABELS];

/// Finding messages, by rule.
const FINDINGS: &[Entry] = &[
    // records
    e(
        "record-unexpected.folder",
        "this folder matches no reference code in the catalogue",
        "此文件夹与目录中的任何档号都不对应",
    ),
    e(
        "record-unexpected.file",
        "this file matches no reference code in the catalogue",
        "此文件与目录中的任何档号都不对应",
    ),
    e("record-duplicate-id", "{place} repeats the code of {first}", "{place}重复了{first}的档号"),
    e(
        "record-missing",
        "{place}: no folder or file named '{code}' was delivered ({pages} pages)",
        "{place}：未交付名为“{code}”的文件夹或文件（{pages} 页）",
    ),
    e(
        "page-count-mismatch",
        "the catalogue ({place}) gives {pages} pages, {delivered} were delivered",
        "{place}记载 {pages} 页，实际交付 {delivered} 页",
    ),
    e("catalogue.at", "{at}: {problem}", "{at}：{problem}"),
    e("record-id-invalid.none", "the row has no reference code", "该行没有档号"),
    e(
        "record-id-invalid.date",
        "the reference code was stored by the spreadsheet as a date; format the column as Text and retype the code",
        "档号被电子表格存成了日期；请把该列设为文本格式后重新输入档号",
    ),
    e(
        "record-id-invalid.syntax",
        "reference code '{id}' does not have the profile's syntax `catalogue.id_pattern` ({syntax}); correct the code, or the pattern if the contract allows this form",
        "档号“{id}”不符合验收配置的格式 `catalogue.id_pattern`（{syntax}）；请更正档号，或在合同允许时修改该格式",
    ),
    e(
        "record-id-invalid.no-item-code",
        "{place}: the row has no item code",
        "{place}：该行没有件号",
    ),
    e(
        "record-id-invalid.no-volume-code",
        "{place}: the row has no volume code",
        "{place}：该行没有案卷档号",
    ),
    e(
        "record-pages-invalid",
        "{at}: the page count ({header}) of '{id}' {e}",
        "{at}：“{id}”的页数（{header}）{e}",
    ),
    e(
        "record-pages-invalid.item",
        "{place}: the {header} of item '{id}' {e}; give its start page (5) or range (1-5)",
        "{place}：件“{id}”的{header}{e}；请填写起始页（5）或页码范围（1-5）",
    ),
    e(
        "record-duplicate-id.item",
        "{place}: item code '{id}' is also listed at {first}",
        "{place}：件号“{id}”也出现在{first}",
    ),
    e(
        "item-volume-unknown",
        "{place}: item '{id}' names volume '{volume}', which the catalogue does not list",
        "{place}：件“{id}”所属的案卷“{volume}”不在目录中",
    ),
    e("catalogue.empty", "is empty", "为空"),
    e("catalogue.not-whole", "is '{raw}', not a whole number", "为“{raw}”，不是整数"),
    e(
        "catalogue.backwards",
        "is '{raw}', which runs backwards ({a} > {b})",
        "为“{raw}”，起止颠倒（{a} > {b}）",
    ),
    e(
        "catalogue.not-a-range",
        "is '{raw}', neither a start page nor a range",
        "为“{raw}”，既不是起始页也不是页码范围",
    ),
    e("catalogue.zero-pages", "is 0: a record has at least one page", "为 0：一条档案至少有一页"),
    e(
        "catalogue.page-zero",
        "starts at page 0, but pages count from 1",
        "从第 0 页开始，而页码从 1 起",
    ),
    e(
        "catalogue.date-cell",
        "was stored by the spreadsheet as a date (Excel turns `1-5` into 5 January); format the column as Text and retype it",
        "被电子表格存成了日期（Excel 会把 `1-5` 变成 1 月 5 日）；请把该列设为文本格式后重新输入",
    ),
    e(
        "record-id-normalized",
        "'{name}' matches catalogue code '{code}' only after normalization: {fix}",
        "“{name}”经规范化后才与目录档号“{code}”一致：{fix}",
    ),
    e(
        "record-id-normalized.fix-catalogue",
        "the catalogue's code ({place}) has {what}; correct it to '{want}'",
        "目录中的档号（{place}）含有{what}；请改为“{want}”",
    ),
    e(
        "record-id-normalized.fix-name",
        "the name has {what}; rename it to '{want}'",
        "名称含有{what}；请改名为“{want}”",
    ),
    // pages
    e(
        "page-name-invalid",
        "the name is neither a page number (e.g. 0001.jpg) nor the record's code with a multi-page extension",
        "文件名既不是页号（如 0001.jpg），也不是档号加多页格式的扩展名",
    ),
    e(
        "dir-unexpected",
        "a folder inside a record folder; pages belong directly in the record's folder",
        "档案文件夹内另有文件夹；页面应直接放在档案文件夹中",
    ),
    e(
        "page-number-duplicate",
        "page number {page} is also carried by '{other}'",
        "页号 {page} 与“{other}”重复",
    ),
    e(
        "page-gap.one",
        "page {page} is missing (numbering jumps to {next})",
        "缺第 {page} 页（页号跳至 {next}）",
    ),
    e(
        "page-gap.many",
        "pages {from}–{to} are missing (numbering jumps to {next})",
        "缺第 {from}–{to} 页（页号跳至 {next}）",
    ),
    e(
        "page-duplicate-content",
        "byte-identical to '{other}' (same SHA-256)",
        "与“{other}”逐字节相同（SHA-256 相同）",
    ),
    // formats
    e("format-unreadable", "{detail}", "文件无法完整解码：{detail}"),
    e("format-unsupported", "{detail}", "文件使用了 vouch 无法解码的特性，无法验证：{detail}"),
    e("format-repaired", "{detail}", "文件结构已损坏，修复后各页均可解码：{detail}"),
    e(
        "format-not-allowed",
        "{format} is not allowed; the profile allows {allowed}",
        "不允许 {format} 格式；验收配置允许 {allowed}",
    ),
    e(
        "format-extension-mismatch",
        "the content is {format} but the extension .{ext} says {claimed}",
        "内容为 {format}，而扩展名 .{ext} 表示 {claimed}",
    ),
    e(
        "resolution-missing.metadata",
        "no resolution metadata on {which}",
        "{which}没有分辨率元数据",
    ),
    e(
        "resolution-missing.no-image",
        "no image, so no scan resolution, on {which}",
        "{which}没有图像，因而没有扫描分辨率",
    ),
    e(
        "resolution-low",
        "{x}×{y} dpi{at}, below the profile's minimum of {floor} dpi for {mode} pages on {which}",
        "{which}为 {x}×{y} dpi{at}，低于验收配置对{mode}页面的最低要求 {floor} dpi",
    ),
    e(
        "colour-mode-not-allowed",
        "{mode} at {bits}-bit{on}; the profile allows {allowed}",
        "{mode} {bits} 位{on}；验收配置允许 {allowed}",
    ),
    e(
        "compression-not-allowed",
        "{compression} compression for a {mode} page{on}; the profile allows {allowed} for {modes}",
        "{mode}页面使用 {compression} 压缩{on}；验收配置对{modes}允许 {allowed}",
    ),
    // files
    e("file-unreadable.listing", "could not be listed: {detail}", "无法列出：{detail}"),
    e(
        "file-unreadable.special",
        "{what}, not a regular file; it was not opened",
        "{what}，不是普通文件；未打开",
    ),
    e("file-unreadable.read", "could not be read: {detail}", "无法读取：{detail}"),
    e(
        "file-name-encoding",
        "the name is not valid UTF-8 (bytes shown as %XX); rename it in UTF-8",
        "文件名不是有效的 UTF-8（字节以 %XX 显示）；请用 UTF-8 重新命名",
    ),
    e("file-junk", "system junk; remove it", "系统垃圾文件；请删除"),
    e(
        "file-symlink",
        "a symbolic link; vouch never follows links: deliver the file itself",
        "符号链接；vouch 从不跟随链接：请交付文件本身",
    ),
    e("file-empty", "the file has zero bytes", "文件大小为零字节"),
    e(
        "file-changed.vanished",
        "vanished while the check ran ({detail})",
        "检查期间文件消失（{detail}）",
    ),
    e(
        "file-changed.size",
        "{listed} bytes when listed, {read} bytes when read",
        "列出时 {listed} 字节，读取时 {read} 字节",
    ),
    // hashes and manifests
    e(
        "hash-path-normalized",
        "listed as '{listed}', a different Unicode form",
        "清单中记为“{listed}”，Unicode 形式不同",
    ),
    e(
        "hash-unlisted",
        "the file is in no manifest, so its integrity cannot be verified{hint}",
        "文件不在任何清单中，无法验证其完整性{hint}",
    ),
    e(
        "hash-no-manifest",
        "no vendor manifest was given (-m): integrity against the vendor is not checked",
        "未提供供应商清单（-m）：未对照供应商核验完整性",
    ),
    e("manifest-algorithm-doubtful", "{manifest}: {hint}", "清单 {manifest}：{hint}"),
    e(
        "hash-missing-file",
        "listed in {at} but not delivered{hint}",
        "{at} 列有此文件，但未交付{hint}",
    ),
    e(
        "hash-mismatch",
        "{alg} is {actual}, the manifest ({at}) says {want}",
        "{alg} 为 {actual}，清单（{at}）记为 {want}",
    ),
    e("manifest-paths-unresolved", "{manifest}: {note}", "清单 {manifest}：{note}"),
    e(
        "manifest-line-invalid",
        "{manifest}, line {line}: {problem}",
        "{manifest} 第 {line} 行：{problem}",
    ),
    e("bag-tag-mismatch", "bag of {manifest}: {problem}", "{manifest} 所在的 BagIt 包：{problem}"),
    e(
        "bag-oxum-mismatch.outside",
        "{manifest}: the delivery is not the bag's payload folder",
        "{manifest}：交付目录不是该包的载荷文件夹",
    ),
    e(
        "bag-oxum-mismatch",
        "bag-info.txt Payload-Oxum says {octets} bytes in {files} files, the payload holds {bytes} bytes in {n} files",
        "bag-info.txt 的 Payload-Oxum 记为 {files} 个文件共 {octets} 字节，载荷实有 {n} 个文件共 {bytes} 字节",
    ),
    // item lists (卷内目录)
    e("item.issue", "{volume}: {issue}", "{volume}：{issue}"),
    e(
        "item-out-of-sequence",
        "item '{item}' ({place}) starts on page {b}, before item '{prev}' listed above it starts (page {a}); list the items in page order",
        "件“{item}”（{place}）起于第 {b} 页，早于列在其上方的件“{prev}”（第 {a} 页）；请按页序排列各件",
    ),
    e(
        "item-range-outside",
        "item '{item}' ({place}) is given {range}, beyond the volume's last page {n}",
        "件“{item}”（{place}）记为{range}，超出本卷最后一页 {n}",
    ),
    e(
        "item-range-overlap",
        "item '{item}' ({place}) and item '{other}' ({other_place}) are both given {range}",
        "件“{item}”（{place}）与件“{other}”（{other_place}）均记为{range}",
    ),
    e(
        "item-range-gap.between",
        "{pages} to no item: it lies {after} ({place})",
        "{pages}不属于任何件：位于{after}（{place}）",
    ),
    e(
        "item-range-gap.after",
        "{pages} to no item: it follows item '{item}' ({place}, its last page {last})",
        "{pages}不属于任何件：位于件“{item}”之后（{place}，其最后一页为 {last}）",
    ),
    e(
        "item-range-gap.empty",
        "{pages} to no item: the item list has no item in this volume",
        "{pages}不属于任何件：卷内目录中本卷没有任何件",
    ),
    // image quality
    e("quality.on-page", "page {page}: {what}", "第 {page} 页：{what}"),
    e(
        "image-blank",
        "blank: ink {ink}% of the page (limit {limit}%)",
        "空白页：墨迹占页面 {ink}%（限值 {limit}%）",
    ),
    e("image-skewed", "skewed {deg}° (limit {limit}°)", "倾斜 {deg}°（限值 {limit}°）"),
    e(
        "image-blurred",
        "blurred: sharpness {s} (limit {limit})",
        "模糊：清晰度 {s}（限值 {limit}）",
    ),
    e(
        "image-dark-border",
        "dark border {sides} (limit {limit} mm)",
        "黑边 {sides}（限值 {limit} mm）",
    ),
    e(
        "image-exposure.dark",
        "too dark: paper level {paper} (limit {limit})",
        "过暗：纸张亮度 {paper}（限值 {limit}）",
    ),
    e(
        "image-exposure.bright",
        "too bright: ink only {c} below the paper where darkest (limit {limit}), paper level {paper}",
        "过亮：最深处墨迹仅比纸张暗 {c}（限值 {limit}），纸张亮度 {paper}",
    ),
    e(
        "image-exposure.contrast",
        "low contrast: ink only {c} below the paper where darkest (limit {limit}), paper level {paper}",
        "对比度低：最深处墨迹仅比纸张暗 {c}（限值 {limit}），纸张亮度 {paper}",
    ),
    e(
        "page-near-duplicate",
        "page {page} looks like {other} page {other_page}: perceptual hashes differ in {d} of {bits} bits (limit {limit})",
        "第 {page} 页与 {other} 第 {other_page} 页相似：感知哈希 {bits} 位中仅 {d} 位不同（限值 {limit}）",
    ),
    // safety
    e(
        "safety-executable",
        "the file is {what}, not a page; remove it from the delivery",
        "该文件是{what}，不是页面；请从交付中移除",
    ),
    e(
        "safety-trailing-data",
        "{n} bytes follow the {end} (which ends at offset {offset}){what}: a hidden payload; deliver the file without them",
        "{end}（止于偏移 {offset}）之后还有 {n} 字节{what}：隐藏的载荷；请交付不含这些字节的文件",
    ),
    e(
        "safety-malware",
        "ClamAV found '{name}'; quarantine the file and ask for a clean copy",
        "ClamAV 检出“{name}”；请隔离该文件并要求提供干净的副本",
    ),
    e(
        "safety-not-scanned.failed",
        "not scanned for malware: {why}; the file is not vouched safe (raise clamd's StreamMaxLength for large files, or check the daemon, and run again)",
        "未经恶意代码扫描：{why}；不能担保该文件安全（大文件请调高 clamd 的 StreamMaxLength，或检查守护进程后重新运行）",
    ),
    e(
        "safety-not-scanned",
        "no malware scan ran (no clamd given, [safety] malware_scan = \"{mode}\"); name the site's ClamAV daemon with --clamd",
        "未进行恶意代码扫描（未指定 clamd，[safety] malware_scan = \"{mode}\"）；请用 --clamd 指定本单位的 ClamAV 守护进程",
    ),
    e(
        "safety-active-content",
        "{kind} holds active content: {items}{more}; deliver pages without it (remove scripts, actions, attachments and embedded files)",
        "{kind}含有活动内容：{items}{more}；请交付不含活动内容的页面（移除脚本、动作、附件和嵌入文件）",
    ),
    // the run
    e(
        "run-interrupted",
        "{why}; this list holds only what was inspected: {n} records not checked are not in it, and nothing here says the rest of the delivery is sound",
        "{why}；本清单只含已检查的部分：{n} 条未检查的档案不在其中，本清单不表明交付的其余部分合格",
    ),
    // readback
    e(
        "readback-missing",
        "not on the medium, though {at} lists it: restore it from another copy",
        "介质上没有此文件，而{at}列有它：请从其他副本恢复",
    ),
    e(
        "readback-io-error.not-regular",
        "is {kind} on the medium, not a regular file, so it was not opened (byte 0 of the listed file reached): restore the file from another copy",
        "在介质上是{kind}，不是普通文件，因此未打开（读到所列文件的第 0 字节）：请从其他副本恢复该文件",
    ),
    e(
        "readback-io-error",
        "read failed at byte {offset} of {size} ({error}); the medium is failing: copy its data to a new medium now",
        "在第 {offset} 字节（共 {size} 字节）读取失败（{error}）；介质正在损坏：请立即将数据复制到新介质",
    ),
    e(
        "readback-mismatch",
        "read back {what}: the medium no longer holds the accepted bytes; restore this file from another copy",
        "回读得到 {what}：介质上已不是验收时的字节；请从其他副本恢复此文件",
    ),
    e(
        "readback-slow",
        "read at {speed} MiB/s, under {percent}% of the medium's median {median} MiB/s: an early sign of a failing medium; plan to copy it to a new one",
        "读取速度 {speed} MiB/s，低于该介质中位数 {median} MiB/s 的 {percent}%：这是介质老化的早期征兆；请安排复制到新介质",
    ),
];

/// Phrases used inside messages.
const PHRASES: &[Entry] = &[
    e("phrase.place", "catalogue '{file}', {at}", "目录“{file}”{at}"),
    e("phrase.line", "line {line}", "第 {line} 行"),
    e("phrase.items-place", "items '{file}', {at}", "卷内目录“{file}”{at}"),
    e("phrase.row", "sheet '{sheet}', row {row}", "工作表“{sheet}”第 {row} 行"),
    e("phrase.the-page", "the page", "该页"),
    e("phrase.pages-of", "pages {list}{more} of {total}", "共 {total} 页中的第 {list} 页{more}"),
    e("phrase.and-more", " and {n} more", "（另有 {n} 页）"),
    e("phrase.on-page-of", " on page {list} of {total}", "（共 {total} 页中的第 {list} 页）"),
    e(
        "phrase.on-pages-of",
        " on pages {list}{more} of {total}",
        "（共 {total} 页中的第 {list} 页{more}）",
    ),
    e("phrase.at-page", " (page {page})", "（第 {page} 页）"),
    e("phrase.mode-bits", "{mode} {bits}-bit", "{mode} {bits} 位"),
    e("phrase.no-compression", "none for this colour mode", "此色彩模式下不允许任何压缩"),
    e(
        "phrase.case-hint",
        " (differs only in letter case from '{other}')",
        "（与“{other}”仅字母大小写不同）",
    ),
    e("phrase.volume", "volume '{id}' ({total})", "卷“{id}”（{total}）"),
    e("phrase.one-page", "1 page", "1 页"),
    e("phrase.n-pages", "{n} pages", "{n} 页"),
    e("phrase.pages-unknown", "page count unknown", "页数不详"),
    e("phrase.page-n", "page {n}", "第 {n} 页"),
    e("phrase.pages-range", "pages {first}–{last}", "第 {first}–{last} 页"),
    e("phrase.page-belongs", "page {n} belongs", "第 {n} 页"),
    e("phrase.pages-belong", "pages {first}–{last} belong", "第 {first}–{last} 页"),
    e("phrase.before-first-item", "before the first item", "第一件之前"),
    e("phrase.between-items", "between item '{a}' and item '{b}'", "件“{a}”与件“{b}”之间"),
    e("phrase.border-side", "{mm} mm {side}", "{side}侧 {mm} mm"),
    e("phrase.top", "top", "上"),
    e("phrase.right", "right", "右"),
    e("phrase.bottom", "bottom", "下"),
    e("phrase.left", "left", "左"),
    e("phrase.starting-with", ", starting with {what}", "，开头是{what}"),
    e("phrase.pdf-eof", "PDF's last %%EOF", "PDF 的最后一个 %%EOF"),
    e("phrase.jpeg-eoi", "JPEG's end-of-image marker", "JPEG 的图像结束标记"),
    e("phrase.png-iend", "PNG's IEND chunk", "PNG 的 IEND 数据块"),
    e("phrase.jp2-last-box", "JPEG 2000 file's last box", "JPEG 2000 文件的最后一个数据盒"),
    e("phrase.the-pdf", "the PDF", "该 PDF"),
    e("phrase.the-ofd", "the OFD package", "该 OFD 包"),
    e("phrase.and-n-more", "; and {n} more", "；另有 {n} 项"),
    e("phrase.manifest-line", "manifest '{manifest}' line {line}", "清单“{manifest}”第 {line} 行"),
    e(
        "phrase.digest-where",
        "{alg} {got} where {at} lists {want}",
        "{alg} 为 {got}，而{at}记为 {want}",
    ),
    e("phrase.bytes-where", "{got} bytes where {at} lists {want}", "{got} 字节，而{at}记为 {want}"),
    e("phrase.fifo", "a FIFO", "命名管道（FIFO）"),
    e("phrase.socket", "a socket", "套接字"),
    e("phrase.block-device", "a block device", "块设备"),
    e("phrase.char-device", "a character device", "字符设备"),
    e("mode.bilevel", "bilevel", "黑白二值"),
    e("mode.grey", "grey", "灰度"),
    e("mode.rgb", "rgb", "彩色"),
    e("mode.cmyk", "cmyk", "CMYK 四色"),
    e("mode.palette", "palette", "调色板"),
    e("mode.other", "other", "其他"),
    e("modes.bilevel", "bilevel pages", "黑白二值页面"),
    e("modes.grey", "greyscale pages", "灰度页面"),
    e("modes.rgb", "colour pages", "彩色页面"),
    e("modes.cmyk", "CMYK pages", "CMYK 四色页面"),
    e("modes.palette", "palette pages", "调色板页面"),
    e("modes.other", "such pages", "此类页面"),
];

#[cfg(test)]
mod tests {
    use super::super::text::placeholders;
    use super::*;

    fn has_cjk(s: &str) -> bool {
        s.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c))
    }

    /// The issue's rule: a message with one language only fails this test.
    #[test]
    fn every_message_is_in_both_languages_with_the_same_values() {
        let mut seen = std::collections::BTreeSet::new();
        for entry in ALL.iter().flat_map(|t| t.iter()) {
            assert!(seen.insert(entry.id), "{} twice in the catalogue", entry.id);
            assert!(!entry.en.trim().is_empty(), "{}: no English", entry.id);
            // Only punctuation around values (`{n} ({why})`) needs no words of its own.
            let words = |t: &str| {
                placeholders(t)
                    .iter()
                    .fold(t.to_string(), |t, p| t.replace(&format!("{{{p}}}"), ""))
            };
            let english_words = words(entry.en).chars().any(|c| c.is_ascii_alphabetic());
            assert!(
                has_cjk(entry.zh) || !english_words,
                "{}: no Chinese ({:?})",
                entry.id,
                entry.zh
            );
            assert!(!has_cjk(entry.en), "{}: the English text holds Chinese", entry.id);
            assert_eq!(
                placeholders(entry.en),
                placeholders(entry.zh),
                "{}: the two languages name different values",
                entry.id
            );
        }
    }

    /// Every id the sources name (`text!("…"` and `t(lang, "…"`) is in the catalogue.
    #[test]
    fn every_id_the_code_uses_is_catalogued() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
        let re = regex::Regex::new(r#"(?:text!\(|\bt\([a-z_.]+, )"([a-z0-9.-]+)""#).unwrap();
        let mut missing = Vec::new();
        for entry in walkdir::WalkDir::new(root).into_iter().filter_map(Result::ok) {
            let Ok(src) = std::fs::read_to_string(entry.path()) else { continue };
            for c in re.captures_iter(&src) {
                if template(&c[1], Lang::En).is_none() && c[1].contains(['.', '-']) {
                    missing.push(format!("{}: {}", entry.path().display(), &c[1]));
                }
            }
        }
        assert!(missing.is_empty(), "not in the catalogue: {missing:#?}");
    }
}
