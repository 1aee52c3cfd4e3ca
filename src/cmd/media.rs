//! `vouch media add`: register a stored medium and the manifest it must match.

use crate::cli::{AddArgs, MediaArgs, MediaCommand, OutputFormat};
use crate::exit::Code;
use crate::ledger::media::{check_id, pin_manifest};
use crate::ledger::{self, Event, Medium};
use anyhow::bail;

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
    let operator = args.operator.or_default();
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
