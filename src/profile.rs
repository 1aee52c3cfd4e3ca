//! Profiles: the acceptance rules of one contract, as a strict TOML file.
//!
//! A profile is read in two stages (STYLE.md habit 7): serde types that mirror the file
//! (`deny_unknown_fields`, so a typo is an error naming the key and line), then a
//! validated [`Profile`] with compiled patterns and a severity for every rule. Built-in
//! profiles are compiled into the binary from `profiles/`.

use crate::error::ProfileError;
use crate::facts::Format;
use crate::finding::Severity;
use crate::rules::registry;
use regex::Regex;
use serde::Deserialize;
use sha2::{Digest, Sha256};
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// Built-in profiles: (name, TOML source).
pub const BUILTIN: &[(&str, &str)] = &[("dat31", include_str!("../profiles/dat31.toml"))];

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
    readback: crate::readback::config::ReadbackToml,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct CatalogueToml {
    id: Vec<String>,
    pages: Vec<String>,
    #[serde(default)]
    title: Vec<String>,
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
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ResolutionToml {
    min_dpi: f64,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct LimitsToml {
    #[serde(default = "default_max_pixels")]
    max_pixels: u64,
}

impl Default for LimitsToml {
    fn default() -> Self {
        LimitsToml { max_pixels: default_max_pixels() }
    }
}

fn default_max_pixels() -> u64 {
    300_000_000
}

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
    /// Catalogue column mapping.
    pub columns: Columns,
    /// Naming layout.
    pub layout: Layout,
    /// Allowed formats.
    pub allowed_formats: BTreeSet<Format>,
    /// Minimum resolution, dpi.
    pub min_dpi: f64,
    /// Decode limit, pixels per page.
    pub max_pixels: u64,
    /// Readback sampling of stored media (`[readback]`, optional).
    pub readback: crate::readback::config::Readback,
    severities: BTreeMap<&'static str, Severity>,
}

impl Profile {
    /// Loads a built-in profile by name, or a TOML file by path.
    pub fn load(name_or_path: &str) -> Result<Profile, ProfileError> {
        if let Some((name, src)) = BUILTIN.iter().find(|(n, _)| *n == name_or_path) {
            return Profile::parse(src, &format!("built-in:{name}"));
        }
        let src = std::fs::read_to_string(Path::new(name_or_path)).map_err(|source| {
            ProfileError::NotFound {
                name: name_or_path.to_string(),
                builtins: BUILTIN.iter().map(|(n, _)| *n).collect::<Vec<_>>().join(", "),
                source,
            }
        })?;
        Profile::parse(&src, name_or_path)
    }

    /// Parses and validates TOML source; `origin` names it in errors.
    pub fn parse(src: &str, origin: &str) -> Result<Profile, ProfileError> {
        let raw: ProfileToml = toml::from_str(src).map_err(|e| ProfileError::Parse {
            file: origin.to_string(),
            message: e.to_string().trim_end().to_string(),
        })?;
        validate(raw, src, origin)
    }

    /// Whether a file or folder name is system junk by this profile.
    pub fn is_junk(&self, name: &std::ffi::OsStr) -> bool {
        let name = name.to_string_lossy();
        self.layout.junk.iter().any(|re| re.is_match(&name))
    }

    /// The severity this profile gives a rule id.
    pub fn severity(&self, rule: &str) -> Severity {
        self.severities.get(rule).copied().unwrap_or(Severity::Error)
    }
}

fn invalid(origin: &str, src: &str, key: &str, problem: String) -> ProfileError {
    let leaf = key.rsplit('.').next().unwrap_or(key);
    let line = src.lines().position(|l| l.trim_start().starts_with(leaf));
    let at = line.map(|n| format!(", line {}", n + 1)).unwrap_or_default();
    ProfileError::Invalid { file: origin.to_string(), at, key: key.to_string(), problem }
}

fn validate(raw: ProfileToml, src: &str, origin: &str) -> Result<Profile, ProfileError> {
    let bad = |key: &str, problem: String| invalid(origin, src, key, problem);
    if raw.schema != 1 {
        return Err(bad("schema", format!("is {}; this vouch reads profile schema 1", raw.schema)));
    }
    if raw.catalogue.id.is_empty() || raw.catalogue.pages.is_empty() {
        return Err(bad("catalogue.id", "and `catalogue.pages` need at least one header".into()));
    }
    let page = compile("layout.page", &raw.layout.page).map_err(|p| bad("layout.page", p))?;
    if !page.capture_names().any(|n| n == Some("page")) {
        return Err(bad("layout.page", "needs a named group `(?P<page>[0-9]+)`".into()));
    }
    let ancillary = compile_all("layout.ancillary", &raw.layout.ancillary)
        .map_err(|p| bad("layout.ancillary", p))?;
    let junk = compile_all("layout.junk", &raw.layout.junk).map_err(|p| bad("layout.junk", p))?;
    let allowed_formats = formats(&raw.formats.allowed).map_err(|p| bad("formats.allowed", p))?;
    if !(raw.resolution.min_dpi.is_finite() && raw.resolution.min_dpi >= 0.0) {
        return Err(bad("resolution.min_dpi", "must be a number ≥ 0".into()));
    }
    if raw.limits.max_pixels == 0 {
        return Err(bad("limits.max_pixels", "must be > 0".into()));
    }
    let severities =
        severities(&raw.severity).map_err(|(k, p)| bad(&format!("severity.{k}"), p))?;
    let readback = raw.readback.validate().map_err(|(k, p)| bad(&k, p))?;
    Ok(Profile {
        name: raw.name,
        title: raw.title,
        origin: origin.to_string(),
        sha256: hex::encode(Sha256::digest(src.as_bytes())),
        columns: Columns {
            id: raw.catalogue.id,
            pages: raw.catalogue.pages,
            title: raw.catalogue.title,
        },
        layout: Layout {
            page,
            multipage_extensions: raw
                .layout
                .multipage_extensions
                .iter()
                .map(|e| e.trim_start_matches('.').to_ascii_lowercase())
                .collect(),
            ancillary,
            junk,
        },
        allowed_formats,
        min_dpi: raw.resolution.min_dpi,
        max_pixels: raw.limits.max_pixels,
        readback,
        severities,
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_builtin_profile_parses() {
        for (name, _) in BUILTIN {
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
    fn unknown_key_is_an_error_naming_key_and_line() {
        let src = BUILTIN[0].1.replace("min_dpi = 200", "min_dpi = 200\nmin_ppi = 300");
        let err = Profile::parse(&src, "x.toml").unwrap_err().to_string();
        assert!(err.contains("x.toml") && err.contains("min_ppi") && err.contains("line"), "{err}");
    }

    #[test]
    fn unknown_rule_in_severity_is_an_error() {
        let src = BUILTIN[0].1.replace("file-junk = \"warning\"", "file-jnuk = \"off\"");
        let err = Profile::parse(&src, "x.toml").unwrap_err().to_string();
        assert!(err.contains("severity.file-jnuk") && err.contains("vouch rules"), "{err}");
    }
}
