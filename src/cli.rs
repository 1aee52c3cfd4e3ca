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
    /// Look at a catalogue the way `check` reads it.
    #[command(subcommand)]
    Catalogue(CatalogueCommand),
}

/// `vouch catalogue ...`.
#[derive(Debug, Subcommand)]
pub enum CatalogueCommand {
    /// Show the encoding, sheet, header row and column mapping a profile applies to a
    /// catalogue file, and its first rows as read, to fix a profile in one try.
    Inspect(CatalogueInspectArgs),
}

/// `vouch catalogue inspect`.
#[derive(Debug, Args)]
#[command(after_help = "\
Exit status: 0 when the file can be read as a catalogue (row problems are listed), 2 when
it cannot (the error says why).

Examples:
  vouch catalogue inspect cat.xlsx
  vouch catalogue inspect cat.xlsx --sheet 案卷目录 --profile my-contract.toml
  vouch catalogue inspect items.csv --items      # read it as a volume's item list")]
pub struct CatalogueInspectArgs {
    /// The catalogue (or item list) file: CSV, XLSX, XLS or ODS.
    #[arg(value_name = "FILE")]
    pub file: PathBuf,
    /// Acceptance profile whose column mapping to apply.
    #[arg(long, short = 'p', value_name = "NAME|FILE", default_value = "dat31")]
    pub profile: String,
    /// The sheet to read, in a workbook.
    #[arg(long, value_name = "NAME")]
    pub sheet: Option<String>,
    /// Read FILE as the item list (卷内目录) with the profile's `catalogue.items` columns.
    #[arg(long)]
    pub items: bool,
    /// How many data rows to show.
    #[arg(long, short = 'n', value_name = "N", default_value_t = 5)]
    pub rows: usize,
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
    /// The catalogue: XLSX, XLS, ODS, or CSV (UTF-8, UTF-16 or GBK/GB18030; comma, tab or
    /// semicolon). `vouch catalogue inspect FILE` shows how it is read.
    #[arg(long, short = 'c', value_name = "FILE")]
    pub catalogue: PathBuf,
    /// The sheet of a catalogue workbook to read [default: the profile's
    /// `catalogue.sheet`, else the first sheet whose header has the columns].
    #[arg(long, value_name = "NAME")]
    pub sheet: Option<String>,
    /// Volume arrangement: the item list (卷内目录) giving each item's pages in its volume
    /// [default: a sheet of the catalogue workbook named in `catalogue.items.sheet`].
    #[arg(long, value_name = "FILE")]
    pub items: Option<PathBuf>,
    /// The sheet of the item list to read.
    #[arg(long, value_name = "NAME")]
    pub items_sheet: Option<String>,
    /// A sha256sum-format manifest; repeat for several. Paths in it are relative to its
    /// own folder (as `sha256sum -c` run there).
    #[arg(long, short = 'm', value_name = "FILE")]
    pub manifest: Vec<PathBuf>,
    /// Resolve manifest paths against this folder instead of each manifest's own.
    #[arg(long, value_name = "DIR")]
    pub manifest_root: Option<PathBuf>,
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

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn cli_is_well_formed() {
        Cli::command().debug_assert();
    }
}
