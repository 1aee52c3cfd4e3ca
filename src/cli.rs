//! Command-line arguments, as typed (STYLE.md habit 7: raw flags here, validated in
//! the `cmd` room before any file is read).

use crate::manifest;
use crate::profile::readback::MediaType;
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
    Check(Box<CheckArgs>),
    /// List every rule id with its meaning and severity.
    Rules(RulesArgs),
    /// List the built-in profiles, or print one to copy and adapt.
    Profiles(ProfilesArgs),
    /// Write a manifest of a folder, or verify a folder against one (fixity only).
    Manifest(ManifestArgs),
    /// Make a key pair for signing reports: minisign (Ed25519), or SM2 with --algorithm sm2.
    Keygen(KeygenArgs),
    /// Sign an existing report bundle, e.g. as the second party.
    Sign(SignArgs),
    /// Check a report bundle's signatures and the digest of every file in it.
    Verify(VerifyArgs),
    /// Join the parts of a sharded check (`check --shard K/N`) into the bundle one run writes.
    Merge(MergeArgs),
    /// Compare two rounds' report bundles: what was fixed, what is new, what is still open.
    Diff(DiffArgs),
    /// Look at a catalogue the way `check` reads it.
    #[command(subcommand)]
    Catalogue(CatalogueCommand),
    /// Decode single files completely and print their technical facts (exit 1 if damaged).
    Inspect(InspectArgs),
    /// Register a stored medium and the manifest it must match in the media ledger.
    Media(MediaArgs),
    /// Check the media ledger's chain and signatures, or export the media register.
    Ledger(LedgerArgs),
    /// List the stored media due for a readback test, and propose which to test.
    Due(DueArgs),
    /// Read back a sample of a stored medium and verify it against its manifest.
    Sample(SampleArgs),
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
    /// `--profile`.
    #[command(flatten)]
    pub profile: ProfileArg,
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
Every file is read once and fully decoded (--depth quick: headers only); the delivery
is never written to.
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
    /// The bundle folder of the previous round of this delivery (signed or not): every
    /// finding is marked new or persisting, and the report lists what was fixed.
    #[arg(long, value_name = "DIR")]
    pub previous: Option<PathBuf>,
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
    /// `--profile`.
    #[command(flatten)]
    pub profile: ProfileArg,
    /// Digest algorithm of the accepted manifest written into the report folder
    /// (`accepted-manifest-<alg>.txt`, the reference for later readback tests); repeat
    /// for several [default: sha256].
    #[arg(long, value_enum, value_name = "ALGORITHM")]
    pub accepted_algorithm: Vec<crate::digest::Algorithm>,
    /// Seed of the contact-sheet sample of report.html (e.g. drawn at the handover
    /// meeting, so no one can know the pages in advance) [default: derived from the
    /// digests of the inputs, so a rerun draws the same pages].
    #[arg(long, value_name = "N")]
    pub sample_seed: Option<u64>,
    /// Continue an interrupted check from the journal in the report folder (`--out`),
    /// reading only the files not yet inspected or changed since.
    #[arg(long, requires = "out")]
    pub resume: bool,
    /// Write the report bundle (report.json) into this folder (outside the delivery).
    #[arg(long, short = 'o', value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// What to print on stdout: the summary (verdict last) for people, or the whole report.json.
    #[arg(long, value_enum, default_value_t = OutputFormat::Human)]
    pub format: OutputFormat,
    /// Worker threads for reading and decoding [default: all cores].
    #[arg(long, short = 'j', value_name = "N")]
    pub jobs: Option<NonZeroUsize>,
    /// Read with N threads of their own, apart from the --jobs that decode: for USB hard
    /// disks and optical discs, where parallel random reads collapse throughput. With 1,
    /// files are read one at a time in on-disk order (by inode number) while the workers
    /// decode; read-ahead is bounded to max(64 MiB, jobs × largest file) [default: each
    /// worker reads its own files, in path order].
    #[arg(long, value_name = "N")]
    pub io_threads: Option<NonZeroUsize>,
    /// How deep page files are checked: `full` decodes every page's image data (what
    /// acceptance needs); `quick` computes digests and reads structure and metadata
    /// (headers, tags, page trees) only, so damaged image data goes unnoticed. The report
    /// says which ran (`depth`).
    #[arg(long, value_enum, default_value_t = crate::inspect::Depth::Full)]
    pub depth: crate::inspect::Depth,
    /// Scan every file for malware with the site's ClamAV daemon: a unix-socket path
    /// (e.g. /run/clamav/clamd.ctl) or host:port. The bytes already read are streamed to
    /// it (INSTREAM), one connection per worker; an unreachable daemon stops the run
    /// before the delivery is read [default: the profile's `[safety] clamd`].
    #[arg(long, value_name = "ADDR")]
    pub clamd: Option<String>,
    /// Check only shard K of N (0-based) and write a part into --out for `vouch merge`:
    /// records go to shards by a stable hash of their code, balanced by pages; entries of
    /// no record go to shard 0. `auto` reads SLURM_ARRAY_TASK_ID/SLURM_ARRAY_TASK_COUNT
    /// (Slurm job array) or JOB_COMPLETION_INDEX with --shards N (Kubernetes Indexed Job).
    /// A shard run again in the same --out resumes its journal.
    #[arg(long, value_name = "K/N|auto", requires = "out", conflicts_with = "previous")]
    pub shard: Option<String>,
    /// The number of shards, for `--shard auto` with JOB_COMPLETION_INDEX.
    #[arg(long, value_name = "N", requires = "shard")]
    pub shards: Option<u32>,
    /// Print only the verdict line; no progress bar.
    #[arg(long, short = 'q')]
    pub quiet: bool,
    /// `--operator`.
    #[command(flatten)]
    pub operator: OperatorArg,
    /// Sign report.json with this secret key, minisign or SM2 PEM (needs --out). A password
    /// is read from VOUCH_KEY_PASSWORD or the terminal before the check starts.
    #[arg(long, value_name = "KEY", requires = "out")]
    pub sign_key: Option<PathBuf>,
    /// Write the signature as report.json.NAME.minisig (SM2: report.json.NAME.sm2.sig)
    /// instead of report.json.minisig (report.json.sm2.sig).
    #[arg(long, value_name = "NAME", requires = "sign_key")]
    pub signature_name: Option<String>,
}

/// `vouch merge`.
#[derive(Debug, Args)]
#[command(after_help = "\
Each PART_DIR is the --out folder of one `vouch check ... --shard K/N`. The merge re-reads
the catalogue, profile and manifests the parts name (they must be unchanged) and lists the
delivery's top level, so run it where the delivery and inputs are mounted as for the shards.
Exit status: as `check` (0 accepted, 1 rejected); 2 when the parts cannot be joined: another
shard count or inputs, a shard given twice or missing, a part changed or not signed by
--public-key. With --allow-partial, missing shards give an `incomplete` report naming them.

Example:
  vouch merge parts/0 parts/1 parts/2 parts/3 --out acceptance/ --sign-key archive.key")]
pub struct MergeArgs {
    /// The part folders, one per shard.
    #[arg(value_name = "PART_DIR", required = true)]
    pub parts: Vec<PathBuf>,
    /// Write the report bundle into this folder (outside the delivery).
    #[arg(long, short = 'o', value_name = "DIR")]
    pub out: PathBuf,
    /// Every part must be signed by this key (repeat for several; minisign or SM2 PEM).
    #[arg(long, value_name = "KEY")]
    pub public_key: Vec<PathBuf>,
    /// Join the parts there are when shards are missing or interrupted: the verdict is
    /// `incomplete`, naming them.
    #[arg(long)]
    pub allow_partial: bool,
    /// What to print on stdout: the summary for people, or the whole report.json.
    #[arg(long, value_enum, default_value_t = OutputFormat::Human)]
    pub format: OutputFormat,
    /// Print only the verdict line.
    #[arg(long, short = 'q')]
    pub quiet: bool,
    /// Sign report.json with this secret key, minisign or SM2 PEM.
    #[arg(long, value_name = "KEY")]
    pub sign_key: Option<PathBuf>,
    /// Write the signature as report.json.NAME.minisig (SM2: report.json.NAME.sm2.sig).
    #[arg(long, value_name = "NAME", requires = "sign_key")]
    pub signature_name: Option<String>,
    /// `--lang` (the shards' messages are rendered again in it).
    #[command(flatten)]
    pub lang: LangArg,
}

/// `vouch keygen`.
#[derive(Debug, Args)]
#[command(after_help = "\
Writes DIR/NAME.key (secret, mode 0600, password-protected) and DIR/NAME.pub (hand this to
whoever verifies). The password is read from the terminal, or from VOUCH_KEY_PASSWORD for
scripts. The files are minisign's format: `minisign -Vm report.json -p NAME.pub` verifies.
With --algorithm sm2: DIR/NAME.key.pem (PKCS#8, encrypted with scrypt + AES-256-CBC) and
DIR/NAME.pub.pem; signatures are SM2 over SM3 with the default ID 1234567812345678 that
OpenSSL 3 verifies (see the README).")]
pub struct KeygenArgs {
    /// Folder to write the key pair into.
    #[arg(long, value_name = "DIR", default_value = ".")]
    pub out_dir: PathBuf,
    /// Base name of the key files.
    #[arg(long, value_name = "NAME", default_value = "vouch")]
    pub name: String,
    /// Signature algorithm: minisign (Ed25519), or sm2 (SM2 over SM3, GB/T 32918) for
    /// archives that must use national algorithms.
    #[arg(long, value_enum, default_value_t = crate::sign::Algorithm::Minisign)]
    pub algorithm: crate::sign::Algorithm,
    /// Do not protect the secret key with a password (for unattended signing only).
    #[arg(long)]
    pub no_password: bool,
}

/// `vouch sign`.
#[derive(Debug, Args)]
#[command(after_help = "\
Each party signs the same report.json into its own file: the first as report.json.minisig,
a second with --signature-name (e.g. vendor -> report.json.vendor.minisig). An SM2 key
signs into report.json.sm2.sig (report.json.vendor.sm2.sig). A bundle whose files no longer
match report.json's hash list is not signed.")]
pub struct SignArgs {
    /// The report folder (written by `vouch check --out`).
    #[arg(value_name = "REPORT_DIR")]
    pub dir: PathBuf,
    /// The secret key to sign with: minisign, or SM2 (PEM); the file says which.
    #[arg(long, value_name = "KEY")]
    pub sign_key: PathBuf,
    /// Write report.json.NAME.minisig (SM2: report.json.NAME.sm2.sig) instead.
    #[arg(long, value_name = "NAME")]
    pub signature_name: Option<String>,
}

/// `vouch verify`.
#[derive(Debug, Args)]
#[command(after_help = "\
Exit status: 0 valid, 1 invalid (the lines say which file or signature), 2 could not run.")]
pub struct VerifyArgs {
    /// The report folder.
    #[arg(value_name = "REPORT_DIR")]
    pub dir: PathBuf,
    /// A signer's public key, minisign or SM2 (PEM); repeat for each party. Every
    /// signature must verify with one of them and each of them must have signed.
    #[arg(long, short = 'p', value_name = "KEY")]
    pub public_key: Vec<PathBuf>,
    /// Check only the files against report.json's hash list, no signature.
    #[arg(long, conflicts_with = "public_key")]
    pub hashes_only: bool,
    /// Print only the verdict line.
    #[arg(long, short = 'q')]
    pub quiet: bool,
}

/// `vouch rules`.
#[derive(Debug, Args)]
pub struct RulesArgs {
    /// `--profile`.
    #[command(flatten)]
    pub profile: ProfileArg,
    /// What to print: the rule table for people, or the rules as JSON (id, severity, meaning).
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

/// `vouch manifest`.
#[derive(Debug, Args)]
#[command(after_help = "\
Examples:
  vouch manifest /mnt/drive -a sm3 -o manifest-sm3.txt      write (to stdout without -o)
  vouch manifest --verify /mnt/drive/manifest-sha256.txt   prints `path: OK` / `path: FAILED (why)`
Exit status: 0 all verified, 1 a file FAILED, 2 could not run.")]
pub struct ManifestArgs {
    /// Folder to list; with --verify, the folder the manifest's paths are relative to
    /// [default: the manifest's own folder].
    #[arg(value_name = "DIR")]
    pub dir: Option<PathBuf>,
    /// Verify the files this manifest lists instead of writing one.
    #[arg(long, value_name = "MANIFEST")]
    pub verify: Option<PathBuf>,
    /// Digest algorithm to write [default: sha256]; with --verify, the algorithm of a
    /// coreutils-format manifest whose file name does not say.
    #[arg(long, short = 'a', value_enum, value_name = "ALGORITHM")]
    pub algorithm: Option<crate::digest::Algorithm>,
    /// The manifest to write: sha256sum-style lines (coreutils) or BSD tag lines.
    #[arg(long, value_enum, default_value_t = crate::manifest::fixity::WriteFormat::Coreutils)]
    pub format: crate::manifest::fixity::WriteFormat,
    /// With --verify: the manifest's format [default: detected].
    #[arg(long, value_enum, value_name = "FORMAT")]
    pub manifest_format: Option<crate::manifest::Format>,
    /// Write the manifest to this file (atomically; left out of the listing) instead of
    /// stdout.
    #[arg(long, short = 'o', value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// With --verify: files below the folder that the manifest does not list fail too.
    #[arg(long)]
    pub complete: bool,
    /// With --verify: print only failures.
    #[arg(long, short = 'q')]
    pub quiet: bool,
    /// Worker threads [default: all cores].
    #[arg(long, short = 'j', value_name = "N")]
    pub jobs: Option<NonZeroUsize>,
}

/// `vouch inspect`.
#[derive(Debug, Args)]
pub struct InspectArgs {
    /// Files to inspect (JPEG, TIFF, PNG, JPEG 2000, PDF, OFD), each fully decoded.
    #[arg(value_name = "FILE", required = true)]
    pub files: Vec<PathBuf>,
    /// What to print: a line per file (and page) for people, or every fact as JSON.
    #[arg(long, value_enum, default_value_t = OutputFormat::Human)]
    pub format: OutputFormat,
    /// `--profile`.
    #[command(flatten)]
    pub profile: ProfileArg,
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

/// `vouch media`.
#[derive(Debug, Args)]
pub struct MediaArgs {
    /// What to do.
    #[command(subcommand)]
    pub command: MediaCommand,
}

/// `vouch media` subcommands.
#[derive(Debug, Subcommand)]
pub enum MediaCommand {
    /// Register a medium and the manifest it must match (appends to the ledger).
    Add(AddArgs),
}

/// `vouch media add`.
#[derive(Debug, Args)]
#[command(after_help = "\
Example:
  vouch media add --ledger media.jsonl --id HDD-0042 --type magnetic --written 2024-02-29 \\
      --manifest acceptance/accepted-manifest-sha256.txt --label 'shelf B3' --sign-key me.key
The manifest's paths are relative to the medium's root. The ledger is created if missing.")]
pub struct AddArgs {
    /// The media ledger (JSON Lines; created if missing).
    #[arg(long, value_name = "LEDGER")]
    pub ledger: PathBuf,
    /// The medium's identifier, unique in the ledger (e.g. its barcode).
    #[arg(long, value_name = "ID")]
    pub id: String,
    /// The kind of medium: sets its test interval (profile `[readback.interval_months]`).
    #[arg(long = "type", value_enum, value_name = "TYPE")]
    pub media_type: MediaType,
    /// When the data was written to the medium, YYYY-MM-DD.
    #[arg(long, value_name = "DATE")]
    pub written: String,
    /// The manifest the medium must match, e.g. `vouch check`'s accepted manifest.
    #[arg(long, value_name = "MANIFEST")]
    pub manifest: PathBuf,
    /// The manifest's format [default: detected].
    #[arg(long, value_enum, value_name = "FORMAT")]
    pub manifest_format: Option<manifest::Format>,
    /// Free text: shelf mark, box, description.
    #[arg(long, value_name = "TEXT")]
    pub label: Option<String>,
    /// Sign the ledger entry with this minisign secret key.
    #[arg(long, value_name = "KEY")]
    pub sign_key: Option<PathBuf>,
    /// `--operator`.
    #[command(flatten)]
    pub operator: OperatorArg,
    /// What to print on stdout: the registration for people, or the ledger entry as JSON.
    #[arg(long, value_enum, default_value_t = OutputFormat::Human)]
    pub format: OutputFormat,
}

/// `vouch due`.
#[derive(Debug, clap::Args)]
#[command(after_help = "\
A medium is due when its type's interval has passed since its last test (or its writing).
Intervals and the sampling rate come from the profile's [readback] section.
Example:
  vouch due --ledger media.jsonl --on 2026-03-01 --format json")]
pub struct DueArgs {
    /// The media ledger.
    #[arg(long, value_name = "LEDGER")]
    pub ledger: std::path::PathBuf,
    /// The date to ask about, YYYY-MM-DD [default: today].
    #[arg(long, value_name = "DATE")]
    pub on: Option<String>,
    /// Seed breaking ties in the proposed sample [default: from the date and the ledger].
    #[arg(long, value_name = "N")]
    pub seed: Option<u64>,
    /// `--profile`.
    #[command(flatten)]
    pub profile: ProfileArg,
    /// What to print on stdout: the due list and proposal for people, or the plan as JSON.
    #[arg(long, value_enum, default_value_t = OutputFormat::Human)]
    pub format: OutputFormat,
}

/// `vouch sample`.
#[derive(Debug, Args)]
#[command(after_help = "\
Reads from the medium only (read-only, O_NOATIME where permitted); drops each file's cached
pages first so the bytes come from the medium, not from memory. One file at a time.

Example:
  vouch sample /mnt/hdd42 --ledger media.jsonl --id HDD-0042 --out readback-2026/ --sign-key me.key
Exit status: 0 pass, 1 fail (recovery needed), 2 could not run.")]
pub struct SampleArgs {
    /// Where the medium is mounted: the folder the manifest's paths are relative to.
    #[arg(value_name = "MOUNT")]
    pub mount: PathBuf,
    /// The media ledger the medium is registered in; the result is appended to it.
    #[arg(long, value_name = "LEDGER")]
    pub ledger: PathBuf,
    /// The medium's id in the ledger.
    #[arg(long, value_name = "ID")]
    pub id: String,
    /// Fraction of the files, and of the bytes, to read; 1 reads everything
    /// [default: the profile's `readback.rate`, which is also the least allowed].
    #[arg(long, value_name = "RATE")]
    pub rate: Option<f64>,
    /// Seed of the draw [default: from the ledger's last line and the id, so each test
    /// draws afresh and anyone can redraw it].
    #[arg(long, value_name = "N")]
    pub seed: Option<u64>,
    /// A copy of the registered manifest to use instead of the registered path; its
    /// SHA-256 must equal the registered one.
    #[arg(long, value_name = "MANIFEST")]
    pub manifest: Option<PathBuf>,
    /// `--profile`.
    #[command(flatten)]
    pub profile: ProfileArg,
    /// Write the report bundle (report.json, report.html, files.csv) into this folder.
    #[arg(long, short = 'o', value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// Sign report.json and the ledger entry with this minisign secret key.
    #[arg(long, value_name = "KEY")]
    pub sign_key: Option<PathBuf>,
    /// `--operator`.
    #[command(flatten)]
    pub operator: OperatorArg,
    /// What to print on stdout: the readback summary for people, or the readback report as JSON.
    #[arg(long, value_enum, default_value_t = OutputFormat::Human)]
    pub format: OutputFormat,
    /// Print only failures and the verdict; no progress bar.
    #[arg(long, short = 'q')]
    pub quiet: bool,
}

/// `vouch ledger`.
#[derive(Debug, Args)]
pub struct LedgerArgs {
    /// What to do.
    #[command(subcommand)]
    pub command: LedgerCommand,
}

/// `vouch ledger` subcommands.
#[derive(Debug, Subcommand)]
pub enum LedgerCommand {
    /// Check the hash chain and every signature; name the first bad line.
    #[command(after_help = "\
Exit status: 0 valid, 1 a line is bad (it is named), 2 the ledger could not be read.
Without --public-key only the chain is checked; with it, every line must be signed by one of
the keys. Compare the printed head with a copy kept elsewhere to catch a cut-off tail.")]
    Verify(LedgerVerifyArgs),
    /// Write the media register (one row per medium) as a spreadsheet.
    Export(ExportArgs),
}

/// `vouch ledger verify`.
#[derive(Debug, Args)]
pub struct LedgerVerifyArgs {
    /// The ledger file.
    #[arg(value_name = "LEDGER")]
    pub ledger: PathBuf,
    /// A signer's public key; repeat for several. Every line must verify with one.
    #[arg(long, short = 'p', value_name = "KEY")]
    pub public_key: Vec<PathBuf>,
}

/// Export formats.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ExportFormat {
    /// CSV, UTF-8 with BOM, for Excel.
    Csv,
}

/// `vouch ledger export`.
#[derive(Debug, Args)]
pub struct ExportArgs {
    /// The ledger file.
    #[arg(value_name = "LEDGER")]
    pub ledger: PathBuf,
    /// The register's format (a CSV spreadsheet, UTF-8 with BOM).
    #[arg(long, value_enum, default_value_t = ExportFormat::Csv)]
    pub format: ExportFormat,
    /// `--profile`.
    #[command(flatten)]
    pub profile: ProfileArg,
    /// Write to this file (atomically) instead of stdout.
    #[arg(long, short = 'o', value_name = "FILE")]
    pub output: Option<PathBuf>,
}

/// `--profile`, for every command that applies an acceptance profile.
#[derive(Debug, Args)]
pub struct ProfileArg {
    /// The acceptance profile whose settings apply: a built-in name (`vouch profiles`
    /// lists them) or a TOML file.
    #[arg(
        id = "profile",
        long = "profile",
        short = 'p',
        value_name = "NAME|FILE",
        default_value = "dat31"
    )]
    pub name: String,
    /// `--lang`.
    #[command(flatten)]
    pub lang: LangArg,
}

/// `--lang`, for every command that writes for people.
#[derive(Debug, Args)]
pub struct LangArg {
    /// Language of findings and reports: zh (Chinese) or en (English) [default: the
    /// profile's `[report] lang` where the command has a profile, else the locale's
    /// (LC_ALL/LANG starting `zh`: Chinese)].
    #[arg(id = "lang", long = "lang", value_name = "zh|en", value_parser = parse_lang)]
    pub lang: Option<crate::finding::Lang>,
}

/// `--lang`'s value.
fn parse_lang(s: &str) -> Result<crate::finding::Lang, String> {
    crate::finding::Lang::parse(s)
        .ok_or_else(|| format!("'{s}' is not a language vouch writes; use zh or en"))
}

impl ProfileArg {
    /// The profile named, with the language chosen: `--lang`, else the profile's, else
    /// the locale's.
    pub fn load(&self) -> anyhow::Result<crate::profile::Profile> {
        let mut profile = crate::profile::Profile::load(&self.name)?;
        if let Some(lang) = self.lang.lang {
            profile.lang = lang;
        }
        Ok(profile)
    }
}

/// `--operator`, for every command that records who ran it.
#[derive(Debug, Args)]
pub struct OperatorArg {
    /// Who runs it, recorded in the report or ledger [default: $USER].
    #[arg(id = "operator", long = "operator", value_name = "NAME")]
    pub name: Option<String>,
}

impl OperatorArg {
    /// The name given, else the login name from the environment, else `unknown`.
    pub fn or_default(&self) -> String {
        self.name.clone().unwrap_or_else(|| {
            ["USER", "USERNAME", "LOGNAME"]
                .iter()
                .find_map(|k| std::env::var(k).ok().filter(|v| !v.is_empty()))
                .unwrap_or_else(|| "unknown".into())
        })
    }
}

/// Worker threads when `--jobs` is not given: one per available core.
pub fn default_jobs() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get())
}

/// `vouch diff`.
#[derive(Debug, Args)]
#[command(after_help = "\
Findings are matched by rule, record, path and page, not by message text, as
`vouch check --previous` matches them. Exit status 0 (it is a listing, not a gate).
Example:
  vouch diff acceptance-round1/ acceptance-round2/")]
pub struct DiffArgs {
    /// The earlier round's bundle folder (or its report.json).
    #[arg(value_name = "OLD")]
    pub old: PathBuf,
    /// The later round's bundle folder (or its report.json).
    #[arg(value_name = "NEW")]
    pub new: PathBuf,
    /// What to print: the round line and the fixed and new findings for people, or the
    /// comparison as JSON.
    #[arg(long, value_enum, default_value_t = OutputFormat::Human)]
    pub format: OutputFormat,
    /// `--lang` (messages are rendered again from their ids where the reports keep them).
    #[command(flatten)]
    pub lang: LangArg,
}
