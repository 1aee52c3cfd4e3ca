//! Command-line arguments, as typed (STYLE.md habit 7: raw flags here, validated in
//! [`crate::app`] before any file is read).

use clap::{Args, Parser, Subcommand, ValueEnum};
use std::num::NonZeroUsize;
use std::path::PathBuf;

/// Decide, on evidence, whether a digitized-archive delivery can be accepted.
///
/// Exit status: 0 accepted, 1 rejected, 2 could not run, 130 interrupted.
#[derive(Debug, Parser)]
#[command(name = "vouch", version, max_term_width = 100)]
pub struct Cli {
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Check a delivery against its catalogue, manifests and an acceptance profile.
    Check(CheckArgs),
    /// List every rule id with its meaning and severity.
    Rules(RulesArgs),
    /// List the built-in profiles, or print one to copy and adapt.
    Profiles(ProfilesArgs),
    /// Decode single files completely and print their technical facts (exit 1 if damaged).
    Inspect(InspectArgs),
}

/// Output for machines or people.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum OutputFormat {
    /// A summary for people (verdict last).
    Human,
    /// The full JSON report on stdout (progress stays on stderr).
    Json,
}

/// `vouch check`.
#[derive(Debug, Args)]
#[command(after_help = "\
Every file is read once and fully decoded; the delivery is never written to.
Memory: about jobs × (largest file + its decoded page).

Example:
  vouch check /mnt/drive --catalogue cat.csv --manifest /mnt/drive/manifest-sha256.txt \\
      --profile dat31 --out acceptance/")]
pub struct CheckArgs {
    /// The delivery root: the drive or folder the vendor handed over.
    #[arg(value_name = "DELIVERY")]
    pub delivery: PathBuf,
    /// The catalogue: CSV in UTF-8, UTF-8 with BOM, UTF-16 or GBK/GB18030.
    #[arg(long, short = 'c', value_name = "FILE")]
    pub catalogue: PathBuf,
    /// An integrity manifest (sha256sum/md5sum/..., BSD tag, BagIt, hashdeep); repeat for
    /// several. Paths in it are relative to its own folder (as `sha256sum -c` run there).
    #[arg(long, short = 'm', value_name = "FILE")]
    pub manifest: Vec<PathBuf>,
    /// Resolve manifest paths against this folder instead of each manifest's own.
    #[arg(long, value_name = "DIR")]
    pub manifest_root: Option<PathBuf>,
    /// Manifest format [default: detected from content and name].
    #[arg(long, value_enum, value_name = "FORMAT")]
    pub manifest_format: Option<crate::manifest::Format>,
    /// Digest algorithm of coreutils-format manifests whose file name does not say
    /// (64 hex digits are otherwise taken as SHA-256, not SM3 or BLAKE3).
    #[arg(long, value_enum, value_name = "ALGORITHM")]
    pub manifest_algorithm: Option<crate::digest::Algorithm>,
    /// Acceptance profile: a built-in name (see `vouch profiles`) or a TOML file.
    #[arg(long, short = 'p', value_name = "NAME|FILE", default_value = "dat31")]
    pub profile: String,
    /// Write the report bundle (report.json) into this folder (outside the delivery).
    #[arg(long, short = 'o', value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// What to print on stdout.
    #[arg(long, value_enum, default_value_t = OutputFormat::Human)]
    pub format: OutputFormat,
    /// Worker threads for reading and decoding [default: all cores].
    #[arg(long, short = 'j', value_name = "N")]
    pub jobs: Option<NonZeroUsize>,
    /// Print only the verdict line; no progress bar.
    #[arg(long, short = 'q')]
    pub quiet: bool,
    /// Who runs the check, for the report [default: $USER].
    #[arg(long, value_name = "NAME")]
    pub operator: Option<String>,
}

/// `vouch rules`.
#[derive(Debug, Args)]
pub struct RulesArgs {
    /// Show the severities this profile sets (built-in name or TOML file).
    #[arg(long, short = 'p', value_name = "NAME|FILE", default_value = "dat31")]
    pub profile: String,
    /// What to print.
    #[arg(long, value_enum, default_value_t = OutputFormat::Human)]
    pub format: OutputFormat,
}

/// `vouch profiles`.
#[derive(Debug, Args)]
pub struct ProfilesArgs {
    /// Print this built-in profile's TOML (to copy and adapt).
    #[arg(long, value_name = "NAME")]
    pub show: Option<String>,
}

/// `vouch inspect`.
#[derive(Debug, Args)]
pub struct InspectArgs {
    /// Files to inspect (JPEG, TIFF, PNG, JPEG 2000, PDF, OFD), each fully decoded.
    #[arg(value_name = "FILE", required = true)]
    pub files: Vec<PathBuf>,
    /// What to print.
    #[arg(long, value_enum, default_value_t = OutputFormat::Human)]
    pub format: OutputFormat,
    /// Profile whose limits and JPEG resolution precedence apply.
    #[arg(long, short = 'p', value_name = "NAME|FILE", default_value = "dat31")]
    pub profile: String,
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn cli_is_well_formed() {
        Cli::command().debug_assert();
    }
}
