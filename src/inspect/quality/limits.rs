//! The profile's `[quality]` section: which measures run and the limits the rules judge
//! them by. Read strictly as the rest of the profile (an unknown key is an error naming
//! its line); every key has a default, so a profile without the section measures with
//! the dat31 limits. How the defaults were chosen: BENCHMARKS.md, "Image quality".

use serde::Deserialize;

/// `[quality]` as written.
#[derive(Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct QualityToml {
    enabled: bool,
    max_skew_degrees: f64,
    blank_max_ink_percent: f64,
    min_sharpness: f64,
    max_border_mm: f64,
    min_paper: u8,
    min_contrast: u8,
    near_duplicate_distance: u32,
}

impl Default for QualityToml {
    fn default() -> Self {
        let l = QualityLimits::default();
        QualityToml {
            enabled: l.enabled,
            max_skew_degrees: l.max_skew_degrees,
            blank_max_ink_percent: l.blank_max_ink_percent,
            min_sharpness: l.min_sharpness,
            max_border_mm: l.max_border_mm,
            min_paper: l.min_paper,
            min_contrast: l.min_contrast,
            near_duplicate_distance: l.near_duplicate_distance,
        }
    }
}

/// Validated quality limits.
#[derive(Clone, Debug, PartialEq)]
pub struct QualityLimits {
    /// Measure quality at all (`false`: no measures, no quality findings).
    pub enabled: bool,
    /// `image-skewed` beyond this many degrees either way.
    pub max_skew_degrees: f64,
    /// `image-blank` at or below this percent of the page in ink.
    pub blank_max_ink_percent: f64,
    /// `image-blurred` below this sharpness (see `PageQuality::sharpness`).
    pub min_sharpness: f64,
    /// `image-dark-border` for a frame wider than this, in mm, on any side.
    pub max_border_mm: f64,
    /// `image-exposure` (too dark) for paper darker than this grey level.
    pub min_paper: u8,
    /// `image-exposure` (too bright, low contrast) for contrast below this.
    pub min_contrast: u8,
    /// `page-near-duplicate` for two pages whose 256-bit hashes differ in at most this
    /// many bits.
    pub near_duplicate_distance: u32,
}

impl Default for QualityLimits {
    fn default() -> Self {
        QualityLimits {
            enabled: true,
            max_skew_degrees: 3.0,
            blank_max_ink_percent: 0.05,
            min_sharpness: 100.0,
            max_border_mm: 2.0,
            min_paper: 140,
            min_contrast: 64,
            near_duplicate_distance: 32,
        }
    }
}

impl QualityToml {
    /// The validated limits, or (dotted key, problem).
    pub fn validate(self) -> Result<QualityLimits, (String, String)> {
        let key = |k: &str| format!("quality.{k}");
        let positive = |k: &str, v: f64| {
            if v.is_finite() && v > 0.0 { Ok(v) } else { Err((key(k), "must be > 0".into())) }
        };
        if self.near_duplicate_distance > 128 {
            let why = "must be at most 128 of the hash's 256 bits".to_string();
            return Err((key("near_duplicate_distance"), why));
        }
        if !(0.0..100.0).contains(&self.blank_max_ink_percent) {
            return Err((key("blank_max_ink_percent"), "must be a percent from 0 to 100".into()));
        }
        Ok(QualityLimits {
            enabled: self.enabled,
            max_skew_degrees: positive("max_skew_degrees", self.max_skew_degrees)?,
            blank_max_ink_percent: self.blank_max_ink_percent,
            min_sharpness: positive("min_sharpness", self.min_sharpness)?,
            max_border_mm: positive("max_border_mm", self.max_border_mm)?,
            min_paper: self.min_paper,
            min_contrast: self.min_contrast,
            near_duplicate_distance: self.near_duplicate_distance,
        })
    }
}
