//! The rule catalogue in Chinese (issue #22): what each rule means and the requirement it
//! serves, for `vouch rules` and the reports when the language is Chinese. Keyed by rule
//! id; the test in [`super::registry`] fails when a rule has no Chinese text here.

/// The requirement each family serves, by its English text's first word.
pub const SERVES: &[(&str, &str)] = &[
    ("completeness", "齐全性：目录中的每条档案、每一页都已交付，且无多余文件"),
    ("page order", "页序：页面按顺序命名和编号"),
    ("image quality:", "图像质量：格式、分辨率、色彩模式和压缩方式符合合同"),
    ("image quality by eye", "目视图像质量：纠偏、裁边无黑边、清晰、曝光适当、无空白页"),
    ("integrity", "完整性：交付的字节与供应商清单一致"),
    ("naming", "命名：文件夹和文件严格按目录档号命名"),
    ("a usable catalogue", "可用的目录：每行都有有效的档号和页数，卷内目录覆盖各卷全部页面"),
    ("a clean, readable carrier", "洁净可读的载体：每个文件都可读，无系统垃圾文件"),
    ("safety inspection", "安全性检测：交付文件中无恶意代码、程序、活动内容或隐藏载荷"),
    ("stored media", "存储介质保持可读：定期机读检测，失效时及时恢复"),
];

/// What each rule means.
pub const MEANINGS: &[(&str, &str)] = &[
    ("record-missing", "目录中的某条档案没有交付任何文件"),
    ("record-unexpected", "交付的文件不属于目录中的任何档案"),
    ("record-duplicate-id", "目录中同一档号出现了两次"),
    ("page-count-mismatch", "某条档案交付的页数与目录记载的页数不符"),
    (
        "record-id-normalized",
        "文件夹或文件名经规范化后才与目录档号一致（全角字符、不可见字符、特殊空格或连字符）",
    ),
    ("record-id-invalid", "目录某行没有档号，或档号不符合验收配置的格式"),
    ("record-pages-invalid", "目录某行的页数或页号缺失、不是整数或为 0"),
    ("item-range-overlap", "卷内各件的页码范围相互重叠"),
    ("item-range-gap", "卷内各件的页码范围未覆盖本卷的某些页"),
    ("item-range-outside", "某件的页码范围超出所在卷的页数"),
    ("item-out-of-sequence", "某件的起始页早于卷内目录中列在它之前的件"),
    ("item-volume-unknown", "某件所属的案卷档号不在目录中"),
    ("page-gap", "页号不连续，缺少某一页"),
    ("page-number-duplicate", "两个文件使用了同一页号"),
    ("page-name-invalid", "文件名不符合验收配置的命名规则"),
    ("page-duplicate-content", "同一档案的两页逐字节相同"),
    ("page-near-duplicate", "同一档案的两页看起来相同但字节不同（重复扫描）"),
    ("image-skewed", "页面文字行倾斜超过 quality.max_skew_degrees"),
    ("image-blank", "空白页：墨迹覆盖不超过 quality.blank_max_ink_percent"),
    ("image-blurred", "页面模糊：清晰度低于 quality.min_sharpness"),
    ("image-dark-border", "页面某一边的黑边宽于 quality.max_border_mm"),
    (
        "image-exposure",
        "扫描设置不当：纸张暗于 quality.min_paper（灰底），或最深处墨迹比纸张暗不到 quality.min_contrast（高光溢出、直方图被压缩）",
    ),
    ("format-unreadable", "文件无法完整解码：截断、损坏或没有页面"),
    (
        "format-unsupported",
        "文件使用了 vouch 无法解码的特性（会写明：JPEG 算术编码、某种 TIFF 压缩、某种 PDF 过滤器、密码）：文件可能完好，但无法验证",
    ),
    (
        "format-repaired",
        "文件结构已损坏，但按阅读器的修复方式（如扫描重建 PDF 交叉引用表）修复后每页都能解码：会写明修复了什么",
    ),
    ("format-not-allowed", "验收配置不允许该格式"),
    ("format-extension-mismatch", "文件内容的格式与扩展名不符"),
    ("resolution-low", "分辨率低于验收配置对该页色彩模式的最低要求"),
    ("resolution-missing", "没有分辨率元数据"),
    ("colour-mode-not-allowed", "验收配置不允许该色彩模式或位深"),
    ("compression-not-allowed", "该色彩模式不允许此压缩方式（如黑白二值须为 CCITT G4）"),
    ("hash-mismatch", "摘要值与清单不符"),
    ("hash-no-manifest", "未提供供应商清单：交付的字节未对照供应商的摘要值核验"),
    ("hash-unlisted", "交付的文件不在清单中"),
    ("hash-missing-file", "清单列出的文件未交付"),
    ("hash-path-normalized", "文件经 Unicode 规范化（NFC/NFD）后才与清单行一致"),
    ("bag-oxum-mismatch", "BagIt 包的 Payload-Oxum（字节数和文件数）与载荷不符"),
    ("bag-tag-mismatch", "BagIt 包的标签文件缺失或未通过标签清单核验"),
    (
        "manifest-paths-unresolved",
        "清单所列路径无论相对清单所在文件夹还是交付根目录都找不到对应文件（只报一条并给出最接近的匹配，而非每个文件一条）",
    ),
    (
        "manifest-algorithm-doubtful",
        "清单的每个摘要值都不符，其 64 位十六进制摘要可能不是按所读算法生成的（SHA-256、SM3、BLAKE3）",
    ),
    ("manifest-line-invalid", "清单某行无法读取，或指向交付目录之外的路径"),
    ("file-unreadable", "操作系统无法读取该文件，或它不是普通文件"),
    ("file-empty", "文件为零字节"),
    ("file-changed", "检查期间文件大小改变或文件消失；读到的内容不可信"),
    ("file-junk", "系统垃圾文件，如 Thumbs.db、.DS_Store、desktop.ini"),
    ("file-name-encoding", "文件名不是有效的 UTF-8"),
    ("file-symlink", "交付目录中的符号链接（从不跟随）"),
    ("dir-unexpected", "目录结构中不应出现的文件夹"),
    ("safety-malware", "本单位的 ClamAV 守护进程在文件中检出特征（消息中写明名称）"),
    (
        "safety-not-scanned",
        "文件未能进行恶意代码扫描（clamd 失败或文件超过其 StreamMaxLength）：按不通过处理；未指定 clamd 时对整个交付报一条，严重程度由 [safety] malware_scan 决定（required 为错误，optional 为警告）",
    ),
    (
        "safety-active-content",
        "PDF 中的 JavaScript、启动动作、嵌入文件、RichMedia 或 XFA；OFD 中的附件、脚本或程序（写明内容和位置：对象号、页）",
    ),
    (
        "safety-executable",
        "按内容识别（不论扩展名）的程序（ELF、PE、Mach-O、#! 脚本）或非允许格式的 ZIP/RAR/7z/CAB 压缩包",
    ),
    (
        "safety-trailing-data",
        "JPEG 图像结束标记、PNG 的 IEND、JP2 最后一个数据盒或 PDF 最后一个 %%EOF 之后还有字节（隐藏载荷）；以程序、压缩包或文档开头时为错误",
    ),
    ("readback-mismatch", "从存储介质回读的文件与验收清单不符"),
    ("readback-missing", "验收清单中的文件不在存储介质上"),
    ("readback-io-error", "存储介质上的文件无法读到末尾（给出读到的偏移）"),
    ("readback-slow", "文件读取速度远低于该介质的中位数：介质老化的早期征兆"),
];
