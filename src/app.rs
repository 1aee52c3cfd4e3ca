//! The commands: validate arguments into a configuration, run, print, pick the exit code.
//!
//! Machine output goes to stdout, everything else to stderr. A closed stdout (a pipe to
//! `head`) is not an error: the exit status still carries the verdict.

use crate::check::{self, Config};
use crate::cli::{CheckArgs, Cli, Command, OutputFormat, ProfilesArgs, RulesArgs};
use crate::exit::Code;
use crate::output;
use crate::profile::{BUILTIN, Profile};
use crate::report::{human, json, model::Verdict};
use crate::rules::registry::RULES;
use anyhow::bail;
use std::io::Write;

/// Runs one command.
pub fn run(cli: Cli) -> anyhow::Result<Code> {
    match cli.command {
        Command::Check(args) => check_command(args),
        Command::Rules(args) => rules_command(args),
        Command::Profiles(args) => profiles_command(args),
        Command::Inspect(args) => {
            let (bytes, code) = crate::inspect_cmd::run(&args)?;
            print(&bytes)?;
            Ok(code)
        }
    }
}

fn check_command(args: CheckArgs) -> anyhow::Result<Code> {
    let profile = Profile::load(&args.profile)?;
    let root = std::fs::canonicalize(&args.delivery).map_err(|e| {
        anyhow::anyhow!("delivery '{}' cannot be opened: {e}", args.delivery.display())
    })?;
    // The report folder is checked before hours of reading, not after.
    let out = args.out.as_deref().map(|o| output::prepare_dir(o, &root)).transpose()?;
    let cfg = Config {
        delivery: args.delivery,
        catalogue: args.catalogue,
        manifests: args.manifest,
        manifest_root: args.manifest_root,
        manifest_format: args.manifest_format,
        manifest_algorithm: args.manifest_algorithm,
        profile,
        jobs: args.jobs.map_or_else(default_jobs, |n| n.get()),
        operator: args.operator.unwrap_or_else(default_operator),
        progress: !args.quiet && args.format == OutputFormat::Human,
    };
    let report = check::run(&cfg)?;
    let bytes = json::render(&report)?;
    if let Some(dir) = &out {
        output::write_atomic(&dir.join("report.json"), &bytes)?;
    }
    match args.format {
        OutputFormat::Json => print(&bytes)?,
        OutputFormat::Human => print(human::render(&report, args.quiet).as_bytes())?,
    }
    Ok(match report.verdict {
        Verdict::Accepted => Code::Accepted,
        Verdict::Rejected => Code::Rejected,
        Verdict::Incomplete => Code::Interrupted,
    })
}

fn rules_command(args: RulesArgs) -> anyhow::Result<Code> {
    let profile = Profile::load(&args.profile)?;
    let text = match args.format {
        OutputFormat::Json => {
            let rows: Vec<_> = RULES
                .iter()
                .map(|r| {
                    serde_json::json!({
                        "rule": r.id, "severity": profile.severity(r.id),
                        "meaning": r.meaning, "serves": r.serves,
                    })
                })
                .collect();
            serde_json::to_string_pretty(&rows)? + "\n"
        }
        OutputFormat::Human => {
            let mut s = format!("rules and their severity in profile '{}':\n", profile.name);
            for r in RULES {
                let sev = profile.severity(r.id).as_str();
                s += &format!(
                    "  {:<26} {sev:<8} {}\n  {:<35}serves {}\n",
                    r.id, r.meaning, "", r.serves
                );
            }
            s
        }
    };
    print(text.as_bytes())?;
    Ok(Code::Accepted)
}

fn profiles_command(args: ProfilesArgs) -> anyhow::Result<Code> {
    if let Some(name) = args.show {
        let Some((_, src)) = BUILTIN.iter().find(|(n, _)| *n == name) else {
            let names: Vec<_> = BUILTIN.iter().map(|(n, _)| *n).collect();
            bail!("no built-in profile '{name}'; built-in profiles: {}", names.join(", "));
        };
        print(src.as_bytes())?;
        return Ok(Code::Accepted);
    }
    let mut s =
        String::from("built-in profiles (use with --profile NAME; --show NAME prints one):\n");
    for (name, _) in BUILTIN {
        let p = Profile::load(name)?;
        s += &format!("  {name:<10} {}\n", p.title);
    }
    print(s.as_bytes())?;
    Ok(Code::Accepted)
}

/// Writes to stdout; a closed pipe is not an error.
fn print(bytes: &[u8]) -> anyhow::Result<()> {
    let mut stdout = std::io::stdout().lock();
    match stdout.write_all(bytes).and_then(|_| stdout.flush()) {
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        other => Ok(other?),
    }
}

fn default_jobs() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get())
}

fn default_operator() -> String {
    ["USER", "USERNAME", "LOGNAME"]
        .iter()
        .find_map(|k| std::env::var(k).ok().filter(|v| !v.is_empty()))
        .unwrap_or_else(|| "unknown".into())
}
