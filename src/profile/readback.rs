//! The profile's `[readback]` section: how much to sample and how often, per media type.
//!
//! Kept apart from [`crate::profile`] so the acceptance rules and the storage rules can
//! change independently; the section is optional and every key has a default taken from
//! the archival rule vouch serves (magnetic media every 2 years, optical every 4, at least
//! 10% sampled). Flash media (USB sticks, SSDs, memory cards) are not named by that rule;
//! vouch defaults them to every year, because unpowered flash loses charge faster than
//! either, and JEDEC's retention figure for worn consumer flash is one year.

use serde::Deserialize;

/// The kinds of storage medium the ledger registers.
#[derive(
    Clone,
    Copy,
    Debug,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    serde::Serialize,
    Deserialize,
    clap::ValueEnum,
)]
#[serde(rename_all = "lowercase")]
pub enum MediaType {
    /// Hard disks and tapes.
    Magnetic,
    /// CD, DVD, BD, M-DISC.
    Optical,
    /// USB sticks, SSDs, memory cards.
    Flash,
}

impl MediaType {
    /// Every type, in report order.
    pub const ALL: [MediaType; 3] = [MediaType::Magnetic, MediaType::Optical, MediaType::Flash];

    /// Lowercase name as in the ledger and the profile.
    pub fn name(self) -> &'static str {
        match self {
            MediaType::Magnetic => "magnetic",
            MediaType::Optical => "optical",
            MediaType::Flash => "flash",
        }
    }
}

/// `[readback]` as written in the TOML.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReadbackToml {
    #[serde(default = "default_rate")]
    rate: f64,
    #[serde(default)]
    interval_months: IntervalsToml,
    #[serde(default = "default_slow_fraction")]
    slow_fraction: f64,
    #[serde(default = "default_slow_min_bytes")]
    slow_min_bytes: u64,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct IntervalsToml {
    #[serde(default = "default_magnetic")]
    magnetic: u32,
    #[serde(default = "default_optical")]
    optical: u32,
    #[serde(default = "default_flash")]
    flash: u32,
}

impl Default for ReadbackToml {
    fn default() -> Self {
        ReadbackToml {
            rate: default_rate(),
            interval_months: IntervalsToml::default(),
            slow_fraction: default_slow_fraction(),
            slow_min_bytes: default_slow_min_bytes(),
        }
    }
}

impl Default for IntervalsToml {
    fn default() -> Self {
        IntervalsToml {
            magnetic: default_magnetic(),
            optical: default_optical(),
            flash: default_flash(),
        }
    }
}

fn default_rate() -> f64 {
    0.10
}
fn default_slow_fraction() -> f64 {
    0.25
}
fn default_slow_min_bytes() -> u64 {
    4 << 20
}
fn default_magnetic() -> u32 {
    24
}
fn default_optical() -> u32 {
    48
}
fn default_flash() -> u32 {
    12
}

/// The validated `[readback]` section.
#[derive(Clone, Debug, PartialEq)]
pub struct Readback {
    /// Least fraction of the files, and of the bytes, of a medium a test reads; also the
    /// least fraction of the media of each type `vouch due` proposes.
    pub rate: f64,
    /// Months between tests of a medium, per type.
    pub interval_months: [(MediaType, u32); 3],
    /// A file read at under this fraction of the medium's median throughput is
    /// `readback-slow`.
    pub slow_fraction: f64,
    /// Files smaller than this are not timed for `readback-slow` (their time is seek and
    /// open, not reading).
    pub slow_min_bytes: u64,
}

impl Default for Readback {
    fn default() -> Self {
        ReadbackToml::default().validate().expect("the defaults are valid")
    }
}

impl Readback {
    /// Months between tests of a medium of this type.
    pub fn interval(&self, t: MediaType) -> u32 {
        self.interval_months.iter().find(|(k, _)| *k == t).map_or(0, |(_, m)| *m)
    }
}

impl ReadbackToml {
    /// Validates the section; on error returns the dotted key and what is wrong.
    pub fn validate(self) -> Result<Readback, (String, String)> {
        let bad = |k: &str, p: &str| Err((format!("readback.{k}"), p.to_string()));
        if !(self.rate > 0.0 && self.rate <= 1.0) {
            return bad("rate", "must be above 0 and at most 1 (0.10 = 10%)");
        }
        if !(self.slow_fraction > 0.0 && self.slow_fraction < 1.0) {
            return bad(
                "slow_fraction",
                "must be between 0 and 1 (0.25 = a quarter of the median)",
            );
        }
        let i = &self.interval_months;
        for (k, v) in [("magnetic", i.magnetic), ("optical", i.optical), ("flash", i.flash)] {
            if v == 0 || v > 1200 {
                return bad(&format!("interval_months.{k}"), "must be 1 to 1200 months");
            }
        }
        Ok(Readback {
            rate: self.rate,
            interval_months: [
                (MediaType::Magnetic, i.magnetic),
                (MediaType::Optical, i.optical),
                (MediaType::Flash, i.flash),
            ],
            slow_fraction: self.slow_fraction,
            slow_min_bytes: self.slow_min_bytes,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(src: &str) -> Result<Readback, (String, String)> {
        toml::from_str::<ReadbackToml>(src).unwrap().validate()
    }

    #[test]
    fn defaults_follow_the_archival_rule() {
        let r = parse("").unwrap();
        assert_eq!(r.rate, 0.10);
        assert_eq!(r.interval(MediaType::Magnetic), 24);
        assert_eq!(r.interval(MediaType::Optical), 48);
        assert_eq!(r.interval(MediaType::Flash), 12);
        assert_eq!(r, Readback::default());
    }

    #[test]
    fn out_of_range_values_name_the_key() {
        assert_eq!(parse("rate = 0").unwrap_err().0, "readback.rate");
        assert_eq!(parse("rate = 1.5").unwrap_err().0, "readback.rate");
        let e = parse("[interval_months]\noptical = 0").unwrap_err();
        assert_eq!(e.0, "readback.interval_months.optical");
        assert!(toml::from_str::<ReadbackToml>("rte = 0.2").is_err());
    }
}
