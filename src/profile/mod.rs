//! Profiles: the acceptance rules of one contract, as a strict TOML file.
//!
//! A profile is read in two stages (STYLE.md habit 7): serde types that mirror the file
//! (`deny_unknown_fields`, so a typo is an error naming the key and line), then a
//! validated [`Profile`] with compiled patterns and a severity for every rule. Built-in
//! profiles are compiled into the binary from `profiles/`. A profile may extend another
//! and write only what differs (`extends`, see [`extends`]).

mod extends;

pub mod readback;
pub mod safety;

use crate::error::ProfileError;
use crate::finding::Severity;
use crate::finding::registry;
use crate::inspect::facts::{ColourMode, Format};
use crate::inspect::{
    DEFAULT_MAX_INFLATED_BYTES, DEFAULT_MAX_PIXELS, InspectOptions, JpegResolution,
};
use regex::Regex;
use serde::Deserialize;
use sha2::{Digest, Sha256};
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// Built-in profiles: (name, TOML source, one line on what differs from DA/T 31-2017's
/// letter).
pub const BUILTIN: &[(&str, &str, &str)] = &[
    (
        "dat31",
        include_str!("../../profiles/dat31.toml"),
        "DA/T 31-2017 as written: 200 dpi in every colour mode, G4 bilevel, JPEG grey/colour",
    ),
    (
        "dat31-ocr",
        include_str!("../../profiles/dat31-ocr.toml"),
        "dat31 with 300 dpi in every colour mode, for pages that are to be OCRed",
    ),
];

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ProfileToml {
    schema: u32,
    name: String,
    title: String,
    catalogue: CatalogueToml,
    layout: LayoutToml,
    formats: FormatsToml,
    resolution: ResolutionToml,
    #[serde(default)]
    limits: LimitsToml,
    #[serde(default)]
    severity: BTreeMap<String, Severity>,
    #[serde(default)]
    readback: crate::profile::readback::ReadbackToml,
    #[serde(default)]
    report: ReportToml,
    #[serde(default)]
    quality: crate::inspect::quality::QualityToml,
    #[serde(default)]
    safety: safety::SafetyToml,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ReportToml {
    #[serde(default = "default_sample_rate")]
    sample_rate: f64,
    /// `en` or `zh`: the language of findings and reports when `--lang` is not given.
    #[serde(default)]
    lang: Option<String>,
}

impl Default for ReportToml {
    fn default() -> Self {
        ReportToml { sample_rate: default_sample_rate(), lang: None }
    }
}

/// The contact sheet's sample rate when the profile sets none: 5% of page files.
pub const DEFAULT_SAMPLE_RATE: f64 = 0.05;

fn default_sample_rate() -> f64 {
    DEFAULT_SAMPLE_RATE
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct CatalogueToml {
    id: Vec<String>,
    pages: Vec<String>,
    #[serde(default)]
    title: Vec<String>,
    #[serde(default)]
    arrangement: Arrangement,
    #[serde(default)]
    sheet: Vec<String>,
    #[serde(default)]
    id_pattern: Option<String>,
    #[serde(default)]
    items: ItemsToml,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ItemsToml {
    #[serde(default = "default_item_sheet")]
    sheet: Vec<String>,
    #[serde(default = "default_item_volume")]
    volume: Vec<String>,
    #[serde(default = "default_item_id")]
    id: Vec<String>,
    #[serde(default = "default_item_pages")]
    pages: Vec<String>,
    #[serde(default = "default_item_title")]
    title: Vec<String>,
}

impl Default for ItemsToml {
    fn default() -> Self {
        ItemsToml {
            sheet: default_item_sheet(),
            volume: default_item_volume(),
            id: default_item_id(),
            pages: default_item_pages(),
            title: default_item_title(),
        }
    }
}

fn strings(names: &[&str]) -> Vec<String> {
    names.iter().map(|s| s.to_string()).collect()
}
fn default_item_sheet() -> Vec<String> {
    strings(&["卷内目录", "卷内文件目录", "items"])
}
fn default_item_volume() -> Vec<String> {
    strings(&["案卷档号", "案卷号", "卷号", "volume", "volume_code"])
}
fn default_item_id() -> Vec<String> {
    strings(&["档号", "文件档号", "件号", "item", "item_code"])
}
fn default_item_pages() -> Vec<String> {
    strings(&["页号", "起止页号", "page_range", "pages", "start_page"])
}
fn default_item_title() -> Vec<String> {
    strings(&["题名", "文件题名", "title"])
}

/// How records are arranged: one folder per item (件), or one folder per volume (卷)
/// holding the pages of several items listed in an item list (卷内目录).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Arrangement {
    /// 件: every catalogue row is a record with its own folder.
    #[default]
    Item,
    /// 卷: every catalogue row is a volume; an item list gives each item's pages.
    Volume,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct LayoutToml {
    page: String,
    multipage_extensions: Vec<String>,
    #[serde(default)]
    ancillary: Vec<String>,
    #[serde(default)]
    junk: Vec<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FormatsToml {
    allowed: Vec<String>,
    /// Colour mode -> bits per sample allowed; absent: any mode and depth.
    colour: Option<BTreeMap<String, Vec<u16>>>,
    /// Colour mode -> compressions allowed; absent: any compression.
    compression: Option<BTreeMap<String, Vec<String>>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ResolutionToml {
    min_dpi: f64,
    #[serde(default)]
    by_mode: BTreeMap<String, f64>,
    #[serde(default)]
    jpeg_precedence: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct LimitsToml {
    #[serde(default = "default_max_pixels")]
    max_pixels: u64,
    #[serde(default = "default_max_inflated_bytes")]
    max_inflated_bytes: u64,
    #[serde(default = "default_max_catalogue_bytes")]
    max_catalogue_bytes: u64,
    #[serde(default = "default_max_manifest_bytes")]
    max_manifest_bytes: u64,
}

impl Default for LimitsToml {
    fn default() -> Self {
        LimitsToml {
            max_pixels: default_max_pixels(),
            max_inflated_bytes: default_max_inflated_bytes(),
            max_catalogue_bytes: default_max_catalogue_bytes(),
            max_manifest_bytes: default_max_manifest_bytes(),
        }
    }
}

fn default_max_pixels() -> u64 {
    DEFAULT_MAX_PIXELS
}

fn default_max_inflated_bytes() -> u64 {
    DEFAULT_MAX_INFLATED_BYTES
}

/// Largest catalogue read (issue #17): 512 MiB, several million rows.
fn default_max_catalogue_bytes() -> u64 {
    512 << 20
}

/// Largest manifest read (issue #17): 2 GiB, about twenty million lines.
fn default_max_manifest_bytes() -> u64 {
    2 << 30
}

/// Compression names a profile may use (as `PageFacts::compression` spells them).
pub const COMPRESSIONS: [&str; 8] =
    ["none", "jpeg", "jpeg2000", "ccitt-g4", "ccitt-g3", "lzw", "deflate", "packbits"];

/// Column headers that identify each catalogue field.
#[derive(Clone, Debug)]
pub struct Columns {
    /// Reference code (档号).
    pub id: Vec<String>,
    /// Page count (页数).
    pub pages: Vec<String>,
    /// Title (题名), optional.
    pub title: Vec<String>,
}

/// Column headers of the item list (卷内目录) of a volume-arranged catalogue.
#[derive(Clone, Debug)]
pub struct ItemColumns {
    /// Sheet names tried, in order, when the item list is a sheet of a workbook.
    pub sheet: Vec<String>,
    /// The code of the volume the item lies in (案卷档号).
    pub volume: Vec<String>,
    /// The item's own code (档号 or 件号).
    pub id: Vec<String>,
    /// Start page or page range inside the volume (页号: `5` or `1-5`).
    pub pages: Vec<String>,
    /// Title (题名), optional.
    pub title: Vec<String>,
}

/// How the catalogue is read: columns, sheet, arrangement, code syntax.
#[derive(Clone, Debug)]
pub struct CatalogueSpec {
    /// Column headers of the record (or volume) list.
    pub columns: Columns,
    /// Item or volume arrangement.
    pub arrangement: Arrangement,
    /// Sheet names tried, in order; empty: the first sheet whose header has the columns.
    pub sheet: Vec<String>,
    /// The syntax every reference code must have (anchored at both ends), if declared.
    pub id_pattern: Option<Regex>,
    /// The item list's columns (volume arrangement).
    pub items: ItemColumns,
}

/// Where records and pages live in a delivery.
#[derive(Clone, Debug)]
pub struct Layout {
    /// Page file name pattern with a `page` group.
    pub page: Regex,
    /// Extensions (lowercase) of a multi-page file named by the record's code.
    pub multipage_extensions: Vec<String>,
    /// Root-level files that are not records.
    pub ancillary: Vec<Regex>,
    /// System junk names.
    pub junk: Vec<Regex>,
}

/// A validated profile.
#[derive(Clone, Debug)]
pub struct Profile {
    /// Short name.
    pub name: String,
    /// Human title.
    pub title: String,
    /// Built-in name or the file path it came from.
    pub origin: String,
    /// SHA-256 of the profile's TOML source, pinned in the report.
    pub sha256: String,
    /// The profiles this one extends, nearest first (built-in names or paths); empty
    /// when it extends none.
    pub extends: Vec<String>,
    /// SHA-256 of the effective profile (the chain merged, as canonical TOML): what the
    /// checks were run by, whatever the files of the chain look like.
    pub effective_sha256: String,
    /// Catalogue columns, sheet, arrangement and code syntax.
    pub catalogue: CatalogueSpec,
    /// Naming layout.
    pub layout: Layout,
    /// Allowed formats.
    pub allowed_formats: BTreeSet<Format>,
    /// Minimum resolution, dpi, for colour modes without their own.
    pub min_dpi: f64,
    /// Minimum resolution per colour mode (`resolution.by_mode`), over `min_dpi`.
    pub min_dpi_by_mode: BTreeMap<ColourMode, f64>,
    /// Colour modes allowed, each with its allowed bits per sample; `None`: any.
    pub colour_modes: Option<BTreeMap<ColourMode, Vec<u16>>>,
    /// Compressions allowed per colour mode; `None`: any. A mode missing from the map
    /// allows none.
    pub compressions: Option<BTreeMap<ColourMode, BTreeSet<String>>>,
    /// Which JPEG resolution field wins (`resolution.jpeg_precedence`).
    pub jpeg_resolution: JpegResolution,
    /// Decode limit, pixels per page.
    pub max_pixels: u64,
    /// Decode limit, bytes one PDF stream or OFD entry may inflate to.
    pub max_inflated_bytes: u64,
    /// Largest catalogue file read, bytes (`limits.max_catalogue_bytes`).
    pub max_catalogue_bytes: u64,
    /// Largest manifest file read, bytes (`limits.max_manifest_bytes`).
    pub max_manifest_bytes: u64,
    /// Readback sampling of stored media (`[readback]`, optional).
    pub readback: crate::profile::readback::Readback,
    /// Fraction of page files drawn for the report's contact sheet (`[report]`).
    pub sample_rate: f64,
    /// The language findings and reports are written in (`[report] lang`, overridden by
    /// `--lang`; without either, the locale's). Set by the command that loads the profile.
    pub lang: crate::finding::Lang,
    /// `[report] lang` as the profile gives it.
    pub report_lang: Option<crate::finding::Lang>,
    /// Image-quality measures and their limits (`[quality]`, optional).
    pub quality: crate::inspect::quality::QualityLimits,
    /// `[safety]`: the site's clamd, and what a check without one means (issue #20).
    pub safety: safety::Safety,
    severities: BTreeMap<&'static str, Severity>,
}

impl Profile {
    /// Loads a built-in profile by name, or a TOML file by path.
    pub fn load(name_or_path: &str) -> Result<Profile, ProfileError> {
        if let Some((name, src, _)) = BUILTIN.iter().find(|(n, ..)| *n == name_or_path) {
            return Profile::parse_in(src, &format!("built-in:{name}"), None);
        }
        let path = Path::new(name_or_path);
        let src = std::fs::read_to_string(path).map_err(|source| ProfileError::NotFound {
            name: name_or_path.to_string(),
            builtins: BUILTIN.iter().map(|(n, ..)| *n).collect::<Vec<_>>().join(", "),
            source,
        })?;
        let dir = path.parent().map(|d| if d.as_os_str().is_empty() { Path::new(".") } else { d });
        Profile::parse_in(&src, name_or_path, dir)
    }

    /// Parses and validates TOML source; `origin` names it in errors. A relative
    /// `extends` path is read from the current folder.
    pub fn parse(src: &str, origin: &str) -> Result<Profile, ProfileError> {
        Profile::parse_in(src, origin, Some(Path::new(".")))
    }

    /// [`Profile::parse`], reading a relative `extends` from `dir` (`None`: built-ins
    /// only).
    fn parse_in(src: &str, origin: &str, dir: Option<&Path>) -> Result<Profile, ProfileError> {
        let chain = extends::resolve(src, origin, dir)?;
        // One file: its own text, so a parse error's line is the file's line. A chain:
        // the merged text, with an error traced back to the layer that wrote the key.
        let text = if chain.layers.len() == 1 { src } else { chain.text.as_str() };
        let raw: ProfileToml = toml::from_str(text).map_err(|e| parse_error(&chain, text, &e))?;
        let mut p = validate(raw, &chain.layers)?;
        p.sha256 = hex::encode(Sha256::digest(src.as_bytes()));
        p.extends = chain.layers[1..].iter().map(|l| l.origin.clone()).collect();
        p.effective_sha256 = chain.sha256;
        Ok(p)
    }

    /// Whether a file or folder name is system junk by this profile.
    pub fn is_junk(&self, name: &std::ffi::OsStr) -> bool {
        is_junk(&self.layout.junk, name)
    }

    /// The minimum resolution for a page of colour mode `mode`.
    pub fn min_dpi_for(&self, mode: ColourMode) -> f64 {
        self.min_dpi_by_mode.get(&mode).copied().unwrap_or(self.min_dpi)
    }

    /// Inspection options this profile sets (limits, JPEG resolution precedence), to be
    /// completed with what the caller decides (`decode`, `algorithms`).
    pub fn inspect_options(&self) -> InspectOptions {
        InspectOptions {
            max_pixels: self.max_pixels,
            max_inflated_bytes: self.max_inflated_bytes,
            jpeg_resolution: self.jpeg_resolution,
            quality: self.quality.enabled,
            ..InspectOptions::default()
        }
    }

    /// The severity this profile gives a rule id.
    pub fn severity(&self, rule: &str) -> Severity {
        self.severities.get(rule).copied().unwrap_or(Severity::Error)
    }
}

fn invalid(layers: &[extends::Layer], key: &str, problem: String) -> ProfileError {
    let (file, at) = extends::locate(layers, key);
    ProfileError::Invalid { file, at, key: key.to_string(), problem }
}

/// A TOML error in the effective profile, named at the file and line that wrote the key
/// (for a chain: the key on the merged text's error line, found in the layers).
fn parse_error(chain: &extends::Resolved, text: &str, e: &toml::de::Error) -> ProfileError {
    let first = &chain.layers[0];
    let message = e.to_string().trim_end().to_string();
    if chain.layers.len() == 1 {
        return ProfileError::Parse { file: first.origin.clone(), message };
    }
    // An unknown key is named in the message; any other error by the key on its line.
    let unknown = e.message().split('`').nth(1).filter(|_| e.message().starts_with("unknown"));
    let line = e.span().map(|s| text[..s.start.min(text.len())].lines().count().max(1));
    let key = unknown.map(str::to_string).or_else(|| {
        line.and_then(|n| text.lines().nth(n - 1))
            .map(|l| l.split('=').next().unwrap_or("").trim().trim_matches(['[', ']']).to_string())
            .filter(|k| !k.is_empty())
    });
    let (file, at) =
        key.map_or((first.origin.clone(), String::new()), |k| extends::locate(&chain.layers, &k));
    ProfileError::Parse { file: format!("{file}{at}"), message: e.message().to_string() }
}

/// Builds the error for a bad value at a dotted key.
type Bad<'a> = &'a dyn Fn(&str, String) -> ProfileError;

fn validate(raw: ProfileToml, layers: &[extends::Layer]) -> Result<Profile, ProfileError> {
    let bad = |key: &str, problem: String| invalid(layers, key, problem);
    if raw.schema != 1 {
        return Err(bad("schema", format!("is {}; this vouch reads profile schema 1", raw.schema)));
    }
    let (min_dpi_by_mode, jpeg_resolution) = resolution(&raw.resolution, &bad)?;
    let (colour_modes, compressions) = colour_and_compression(&raw.formats, &bad)?;
    limits(&raw.limits, &bad)?;
    let sample_rate = raw.report.sample_rate;
    if !(sample_rate.is_finite() && (0.0..=1.0).contains(&sample_rate)) {
        let problem = "must be a fraction from 0 to 1 (0.05 is 5%)".into();
        return Err(bad("report.sample_rate", problem));
    }
    let report_lang = match raw.report.lang.as_deref() {
        None => None,
        Some(code) => Some(crate::finding::Lang::parse(code).ok_or_else(|| {
            bad("report.lang", format!("is '{code}'; write \"zh\" (Chinese) or \"en\" (English)"))
        })?),
    };
    Ok(Profile {
        name: raw.name,
        title: raw.title,
        origin: layers[0].origin.clone(),
        sha256: String::new(),
        extends: Vec::new(),
        effective_sha256: String::new(),
        catalogue: catalogue_spec(raw.catalogue, &bad)?,
        layout: layout(raw.layout, &bad)?,
        allowed_formats: formats(&raw.formats.allowed).map_err(|p| bad("formats.allowed", p))?,
        min_dpi: raw.resolution.min_dpi,
        min_dpi_by_mode,
        colour_modes,
        compressions,
        jpeg_resolution,
        max_pixels: raw.limits.max_pixels,
        max_inflated_bytes: raw.limits.max_inflated_bytes,
        max_catalogue_bytes: raw.limits.max_catalogue_bytes,
        max_manifest_bytes: raw.limits.max_manifest_bytes,
        readback: raw.readback.validate().map_err(|(k, p)| bad(&k, p))?,
        sample_rate,
        lang: report_lang.unwrap_or_else(crate::finding::Lang::from_locale),
        report_lang,
        quality: raw.quality.validate().map_err(|(k, p)| bad(&k, p))?,
        safety: raw.safety.validate().map_err(|(k, p)| bad(&k, p))?,
        severities: severities(&raw.severity).map_err(|(k, p)| bad(&format!("severity.{k}"), p))?,
    })
}

fn layout(raw: LayoutToml, bad: Bad) -> Result<Layout, ProfileError> {
    let page = compile("layout.page", &raw.page).map_err(|p| bad("layout.page", p))?;
    if !page.capture_names().any(|n| n == Some("page")) {
        return Err(bad("layout.page", "needs a named group `(?P<page>[0-9]+)`".into()));
    }
    Ok(Layout {
        page,
        multipage_extensions: raw
            .multipage_extensions
            .iter()
            .map(|e| e.trim_start_matches('.').to_ascii_lowercase())
            .collect(),
        ancillary: compile_all("layout.ancillary", &raw.ancillary)
            .map_err(|p| bad("layout.ancillary", p))?,
        junk: compile_all("layout.junk", &raw.junk).map_err(|p| bad("layout.junk", p))?,
    })
}

type ByMode<T> = BTreeMap<ColourMode, T>;
/// Allowed bits per sample, and allowed compressions, per colour mode (`None`: any).
type ColourRules = (Option<ByMode<Vec<u16>>>, Option<ByMode<BTreeSet<String>>>);

fn resolution(
    raw: &ResolutionToml,
    bad: Bad,
) -> Result<(ByMode<f64>, JpegResolution), ProfileError> {
    if !(raw.min_dpi.is_finite() && raw.min_dpi >= 0.0) {
        return Err(bad("resolution.min_dpi", "must be a number ≥ 0".into()));
    }
    let mut by_mode = BTreeMap::new();
    for (mode, dpi) in &raw.by_mode {
        let key = format!("resolution.by_mode.{mode}");
        let m = colour_mode(mode).map_err(|p| bad(&key, p))?;
        if !(dpi.is_finite() && *dpi >= 0.0) {
            return Err(bad(&key, "must be a number ≥ 0".into()));
        }
        by_mode.insert(m, *dpi);
    }
    let jpeg = match raw.jpeg_precedence.as_deref() {
        None | Some("jfif") => JpegResolution::JfifFirst,
        Some("exif") => JpegResolution::ExifFirst,
        Some(other) => {
            let problem = format!("is '{other}'; use \"jfif\" or \"exif\"");
            return Err(bad("resolution.jpeg_precedence", problem));
        }
    };
    Ok((by_mode, jpeg))
}

/// The `[formats.colour]` and `[formats.compression]` tables, keyed by colour mode.
fn colour_and_compression(raw: &FormatsToml, bad: Bad) -> Result<ColourRules, ProfileError> {
    let by_mode = |table: &str, mode: &str| {
        let key = format!("formats.{table}.{mode}");
        colour_mode(mode).map_err(|p| bad(&key, p))
    };
    let colour = match &raw.colour {
        None => None,
        Some(table) => Some(
            table
                .iter()
                .map(|(mode, bits)| Ok((by_mode("colour", mode)?, bits.clone())))
                .collect::<Result<_, ProfileError>>()?,
        ),
    };
    let Some(table) = &raw.compression else { return Ok((colour, None)) };
    let mut compression = BTreeMap::new();
    for (mode, names) in table {
        let m = by_mode("compression", mode)?;
        if let Some(n) = names.iter().find(|n| !COMPRESSIONS.contains(&n.as_str())) {
            let known = COMPRESSIONS.join(", ");
            let problem = format!("names unknown compression '{n}'; known: {known}");
            return Err(bad(&format!("formats.compression.{mode}"), problem));
        }
        compression.insert(m, names.iter().cloned().collect());
    }
    Ok((colour, Some(compression)))
}

fn limits(raw: &LimitsToml, bad: Bad) -> Result<(), ProfileError> {
    if raw.max_pixels == 0 {
        return Err(bad("limits.max_pixels", "must be > 0".into()));
    }
    if raw.max_inflated_bytes == 0 {
        return Err(bad("limits.max_inflated_bytes", "must be > 0".into()));
    }
    if raw.max_catalogue_bytes == 0 {
        return Err(bad("limits.max_catalogue_bytes", "must be > 0".into()));
    }
    if raw.max_manifest_bytes == 0 {
        return Err(bad("limits.max_manifest_bytes", "must be > 0".into()));
    }
    Ok(())
}

fn catalogue_spec(raw: CatalogueToml, bad: Bad) -> Result<CatalogueSpec, ProfileError> {
    if raw.id.is_empty() || raw.pages.is_empty() {
        return Err(bad("catalogue.id", "and `catalogue.pages` need at least one header".into()));
    }
    let i = &raw.items;
    if i.volume.is_empty() || i.id.is_empty() || i.pages.is_empty() {
        let problem = "needs at least one header each for `volume`, `id` and `pages`".into();
        return Err(bad("catalogue.items", problem));
    }
    let id_pattern = match raw.id_pattern.as_deref().filter(|p| !p.is_empty()) {
        None => None,
        Some(p) => Some(
            compile("catalogue.id_pattern", &format!("^(?:{p})$"))
                .map_err(|e| bad("catalogue.id_pattern", e))?,
        ),
    };
    Ok(CatalogueSpec {
        columns: Columns { id: raw.id, pages: raw.pages, title: raw.title },
        arrangement: raw.arrangement,
        sheet: raw.sheet,
        id_pattern,
        items: ItemColumns {
            sheet: raw.items.sheet,
            volume: raw.items.volume,
            id: raw.items.id,
            pages: raw.items.pages,
            title: raw.items.title,
        },
    })
}

fn compile(key: &str, pattern: &str) -> Result<Regex, String> {
    Regex::new(pattern).map_err(|e| format!("is not a valid pattern ({key}): {e}"))
}

fn compile_all(key: &str, patterns: &[String]) -> Result<Vec<Regex>, String> {
    patterns.iter().map(|p| compile(key, p)).collect()
}

fn formats(names: &[String]) -> Result<BTreeSet<Format>, String> {
    names
        .iter()
        .map(|n| {
            Format::NAMES
                .iter()
                .position(|k| k.eq_ignore_ascii_case(n))
                .map(|i| FORMATS[i])
                .ok_or_else(|| {
                    format!("names unknown format '{n}'; known: {}", Format::NAMES.join(", "))
                })
        })
        .collect()
}

fn colour_mode(name: &str) -> Result<ColourMode, String> {
    ColourMode::ALL.into_iter().find(|m| m.name() == name).ok_or_else(|| {
        let known: Vec<_> = ColourMode::ALL.iter().map(|m| m.name()).collect();
        format!("names unknown colour mode '{name}'; known: {}", known.join(", "))
    })
}

const FORMATS: [Format; 6] =
    [Format::Jpeg, Format::Tiff, Format::Png, Format::Jp2, Format::Pdf, Format::Ofd];

fn severities(
    overrides: &BTreeMap<String, Severity>,
) -> Result<BTreeMap<&'static str, Severity>, (String, String)> {
    let mut out: BTreeMap<&'static str, Severity> =
        registry::RULES.iter().map(|r| (r.id, r.default)).collect();
    for (id, sev) in overrides {
        let Some(rule) = registry::find(id) else {
            return Err((id.clone(), "is not a rule id; `vouch rules` lists them".into()));
        };
        out.insert(rule.id, *sev);
    }
    Ok(out)
}

/// Whether `name` matches one of the `junk` patterns (a profile's `layout.junk`), for
/// callers that hold the patterns without the profile (the progress bar's counting
/// thread).
pub fn is_junk(junk: &[Regex], name: &std::ffi::OsStr) -> bool {
    let name = name.to_string_lossy();
    junk.iter().any(|re| re.is_match(&name))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_builtin_profile_parses() {
        for (name, ..) in BUILTIN {
            let p = Profile::load(name).unwrap();
            assert_eq!(&p.name, name);
        }
    }

    #[test]
    fn dat31_pins_the_contract_values() {
        let p = Profile::load("dat31").unwrap();
        assert_eq!(p.min_dpi, 200.0);
        assert!(p.allowed_formats.contains(&Format::Jpeg));
        assert!(!p.allowed_formats.contains(&Format::Png));
        assert_eq!(p.severity("file-junk"), Severity::Warning);
        assert_eq!(p.severity("page-gap"), Severity::Error);
        assert!(p.layout.page.is_match("0001.JPG"));
        assert!(!p.layout.page.is_match("01.jpg"));
    }

    #[test]
    fn catalogue_keys_default_and_validate() {
        let p = Profile::load("dat31").unwrap();
        assert_eq!(p.catalogue.arrangement, Arrangement::Item);
        assert!(p.catalogue.id_pattern.is_none());
        assert_eq!(p.catalogue.items.pages[0], "页号");
        let src = BUILTIN[0].1.replace(
            "arrangement = \"item\"\n",
            "arrangement = \"volume\"\nid_pattern = '[A-Z][0-9]{3}-[0-9]+'\n",
        );
        let p = Profile::parse(&src, "x.toml").unwrap();
        assert_eq!(p.catalogue.arrangement, Arrangement::Volume);
        let re = p.catalogue.id_pattern.unwrap();
        assert!(re.is_match("J001-12") && !re.is_match("xJ001-12"));
        let bad = BUILTIN[0].1.replace("[catalogue]\n", "[catalogue]\nid_pattern = '(['\n");
        let err = Profile::parse(&bad, "x.toml").unwrap_err().to_string();
        assert!(err.contains("catalogue.id_pattern") && err.contains("line"), "{err}");
        let bad = BUILTIN[0].1.replace("arrangement = \"item\"", "arrangement = \"box\"");
        let err = Profile::parse(&bad, "x.toml").unwrap_err().to_string();
        assert!(err.contains("box") && err.contains("item"), "{err}");
    }

    #[test]
    fn dat31_colour_compression_and_limits() {
        let p = Profile::load("dat31").unwrap();
        // DA/T 31-2017, 扫描分辨率: 200 dpi whatever the colour mode.
        assert_eq!(p.min_dpi_for(ColourMode::Bilevel), 200.0);
        assert_eq!(p.min_dpi_for(ColourMode::Rgb), 200.0);
        let ocr = Profile::load("dat31-ocr").unwrap();
        assert_eq!((ocr.min_dpi_for(ColourMode::Bilevel), ocr.name.as_str()), (300.0, "dat31-ocr"));
        assert_eq!(ocr.extends, ["built-in:dat31"]);
        assert_eq!(p.min_dpi_for(ColourMode::Grey), 200.0);
        let comp = p.compressions.as_ref().unwrap();
        assert_eq!(comp[&ColourMode::Bilevel].iter().collect::<Vec<_>>(), ["ccitt-g4"]);
        assert!(!comp[&ColourMode::Grey].contains("ccitt-g4"));
        assert!(comp[&ColourMode::Rgb].contains("jpeg2000"));
        assert_eq!(p.colour_modes.as_ref().unwrap()[&ColourMode::Grey], [8]);
        assert_eq!(p.jpeg_resolution, JpegResolution::JfifFirst);
        assert_eq!(p.max_inflated_bytes, DEFAULT_MAX_INFLATED_BYTES);
    }

    #[test]
    fn unknown_colour_mode_or_compression_is_an_error_naming_the_key() {
        let src = BUILTIN[0].1.replace("bilevel = [\"ccitt-g4\"]", "bilevel = [\"g4\"]");
        let err = Profile::parse(&src, "x.toml").unwrap_err().to_string();
        assert!(err.contains("formats.compression.bilevel") && err.contains("'g4'"), "{err}");
        let src = BUILTIN[0].1.replace("by_mode = {}", "by_mode = { blevel = 300 }");
        let err = Profile::parse(&src, "x.toml").unwrap_err().to_string();
        assert!(err.contains("resolution.by_mode.blevel"), "{err}");
        let src = BUILTIN[0].1.replace("jpeg_precedence = \"jfif\"", "jpeg_precedence = \"xmp\"");
        let err = Profile::parse(&src, "x.toml").unwrap_err().to_string();
        assert!(err.contains("jpeg_precedence"), "{err}");
    }

    #[test]
    fn unknown_key_is_an_error_naming_key_and_line() {
        let src = BUILTIN[0].1.replace("min_dpi = 200", "min_dpi = 200\nmin_ppi = 300");
        let err = Profile::parse(&src, "x.toml").unwrap_err().to_string();
        assert!(err.contains("x.toml") && err.contains("min_ppi") && err.contains("line"), "{err}");
    }

    #[test]
    fn quality_limits_are_read_and_validated() {
        let p = Profile::load("dat31").unwrap();
        assert_eq!(p.quality.max_skew_degrees, 3.0);
        assert_eq!(p.severity("image-blank"), Severity::Warning);
        assert!(p.inspect_options().quality);
        let off = BUILTIN[0].1.replace("\nenabled = true\n", "\nenabled = false\n");
        assert!(!Profile::parse(&off, "x.toml").unwrap().inspect_options().quality);
        let src = BUILTIN[0].1.replace("max_skew_degrees = 3", "max_skew_degrees = -1");
        let err = Profile::parse(&src, "x.toml").unwrap_err().to_string();
        assert!(err.contains("quality.max_skew_degrees") && err.contains("line"), "{err}");
        let src = BUILTIN[0].1.replace("max_skew_degrees = 3", "max_skew = 3");
        let err = Profile::parse(&src, "x.toml").unwrap_err().to_string();
        assert!(err.contains("max_skew") && err.contains("line"), "{err}");
    }

    #[test]
    fn unknown_rule_in_severity_is_an_error() {
        let src = BUILTIN[0].1.replace("file-junk = \"warning\"", "file-jnuk = \"off\"");
        let err = Profile::parse(&src, "x.toml").unwrap_err().to_string();
        assert!(err.contains("severity.file-jnuk") && err.contains("vouch rules"), "{err}");
    }
}
