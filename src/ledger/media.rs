//! `vouch media add`: register a stored medium, and the manifest it must match, in the
//! media ledger.
//!
//! The manifest is pinned by SHA-256 at registration, so years later a readback test can
//! prove it checks the medium against the reference that was accepted, not against a
//! file someone has since edited. The manifest's paths are relative to the medium's root
//! (as `vouch check` writes `accepted-manifest-sha256.txt`); registering reads the
//! manifest once to prove it is usable, and never needs the medium.

use crate::cli::OutputFormat;
use crate::exit::Code;
use crate::ledger::{self, Event, ManifestPin, Medium};
use crate::manifest::{self, Manifest};
use crate::profile::readback::MediaType;
use anyhow::{Context, bail};
use clap::{Args, Subcommand};
use std::path::{Path, PathBuf};

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
    /// Who registers it [default: $USER].
    #[arg(long, value_name = "NAME")]
    pub operator: Option<String>,
    /// What to print on stdout.
    #[arg(long, value_enum, default_value_t = OutputFormat::Human)]
    pub format: OutputFormat,
}

/// Runs `vouch media …`.
pub fn command(args: MediaArgs) -> anyhow::Result<Code> {
    match args.command {
        MediaCommand::Add(a) => add(a),
    }
}

fn add(args: AddArgs) -> anyhow::Result<Code> {
    check_id(&args.id)?;
    if let Some(label) = args.label.as_deref().filter(|l| l.chars().any(char::is_control)) {
        bail!("--label {label:?} holds a control character; use plain text");
    }
    let written = ledger::parse_date("--written", &args.written)?;
    if written > ledger::today() {
        bail!("--written {written} is in the future; give the date the data was written");
    }
    let pin = pin_manifest(&args.manifest, args.manifest_format)?;
    let key = args.sign_key.as_deref().map(crate::sign::load_secret_key).transpose()?;
    let operator = args.operator.unwrap_or_else(crate::cmd::default_operator);
    let medium = Medium {
        id: args.id.clone(),
        media_type: args.media_type,
        written: written.to_string(),
        label: args.label,
        manifest: pin,
    };
    let entry = ledger::append(&args.ledger, &operator, key.as_ref(), |lines| {
        let dup =
            lines.iter().find(|l| matches!(&l.entry.event, Event::Medium(m) if m.id == args.id));
        if let Some(l) = dup {
            bail!(
                "ledger '{}': medium '{}' is already registered on line {}; ids are unique \
                 (choose another --id)",
                args.ledger.display(),
                args.id,
                l.entry.seq
            );
        }
        Ok(Event::Medium(medium))
    })?;
    let text = match args.format {
        OutputFormat::Json => serde_json::to_string_pretty(&entry)? + "\n",
        OutputFormat::Human => format!(
            "registered {} ({}) on ledger line {}: manifest {} entries, sha256 {}\n",
            args.id,
            args.media_type.name(),
            entry.seq,
            match &entry.event {
                Event::Medium(m) => m.manifest.entries,
                Event::Readback(_) => 0,
            },
            match &entry.event {
                Event::Medium(m) => m.manifest.sha256.as_str(),
                Event::Readback(_) => "",
            },
        ),
    };
    crate::cmd::print(text.as_bytes())?;
    Ok(Code::Accepted)
}

/// A medium id: 1–128 characters, no control characters, no surrounding spaces.
fn check_id(id: &str) -> anyhow::Result<()> {
    let ok = (1..=128).contains(&id.chars().count())
        && !id.chars().any(char::is_control)
        && id.trim() == id;
    if !ok {
        bail!("--id {id:?} must be 1–128 characters, no control characters or surrounding spaces");
    }
    Ok(())
}

/// Reads the manifest once (to prove it usable) and pins it by digest.
fn pin_manifest(path: &Path, format: Option<manifest::Format>) -> anyhow::Result<ManifestPin> {
    let abs = std::path::absolute(path)
        .with_context(|| format!("resolving manifest '{}'", path.display()))?;
    // Paths are placed lexically under a stand-in root: the medium is not needed here.
    let root = Path::new("/medium");
    let opts = manifest::Options { base: Some(root), format, algorithm: None };
    let m = Manifest::read(&abs, root, opts)?;
    if m.entries.is_empty() {
        bail!(
            "manifest '{}' lists no files; a medium must be registered with what it holds",
            path.display()
        );
    }
    if let Some(b) = m.bad_lines.first() {
        bail!(
            "manifest '{}', line {}: {}; register a manifest whose every line is usable",
            path.display(),
            b.line,
            b.problem
        );
    }
    Ok(ManifestPin {
        path: abs.display().to_string(),
        sha256: m.sha256,
        entries: m.entries.len() as u64,
    })
}
