//! The profile's `[safety]` section (issue #20): where the site's ClamAV daemon listens,
//! and what a check without one means for the verdict.
//!
//! Kept apart from the acceptance rules of the pages: the content checks (programs,
//! active content, hidden payloads) always run; only the malware engine is the site's,
//! and whether its absence blocks acceptance is a contract choice written here.

use serde::Deserialize;

/// What a check without a malware scan means (`[safety] malware_scan`). A clamd, when
/// given, scans in every mode: this only says whether its absence is a finding.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Deserialize, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum MalwareScan {
    /// A clamd must be given: without one, `safety-not-scanned` is an error.
    Required,
    /// Without a clamd, `safety-not-scanned` is a warning.
    Optional,
    /// A scan is not demanded: without a clamd no finding says so (report.json's
    /// `safety` block and the summary do). The default.
    #[default]
    Off,
}

impl MalwareScan {
    /// The lowercase name used in profiles and reports.
    pub fn name(self) -> &'static str {
        match self {
            MalwareScan::Required => "required",
            MalwareScan::Optional => "optional",
            MalwareScan::Off => "off",
        }
    }
}

/// `[safety]` as written.
#[derive(Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct SafetyToml {
    #[serde(default)]
    clamd: Option<String>,
    #[serde(default)]
    malware_scan: MalwareScan,
}

/// `[safety]`, validated.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Safety {
    /// The site's clamd: a unix-socket path, or `host:port` (`--clamd` overrides it).
    pub clamd: Option<String>,
    /// What a check without a malware scan means.
    pub malware_scan: MalwareScan,
}

impl SafetyToml {
    /// The validated section, or the dotted key at fault and the problem.
    pub(super) fn validate(self) -> Result<Safety, (String, String)> {
        if let Some(addr) = &self.clamd
            && addr.trim().is_empty()
        {
            let problem = "is empty; give a unix-socket path or host:port, or leave it out".into();
            return Err(("safety.clamd".into(), problem));
        }
        Ok(Safety { clamd: self.clamd, malware_scan: self.malware_scan })
    }
}
