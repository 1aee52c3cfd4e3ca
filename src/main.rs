//! The `vouch` command: parse arguments, run, map the outcome to an exit status.

use clap::Parser;
use std::process::ExitCode;
use vouch::exit::Code;

fn main() -> ExitCode {
    vouch::inspect::guard::install_hook();
    vouch::interrupt::install();
    let cli = vouch::cli::Cli::parse();
    match vouch::cmd::run(cli) {
        Ok(code) => code.into(),
        Err(err) => {
            // Messages name files and catalogue values: no control character raw.
            eprintln!("vouch: {}", vouch::output::terminal(&format!("{err:#}")));
            if let Some(hint) = vouch::cmd::hint(&err) {
                eprintln!("vouch: {hint}");
            }
            Code::CouldNotRun.into()
        }
    }
}
