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
            // Messages name files and catalogue values: no control character raw. Line
            // by line (a TOML error shows the line and a caret below it), each one
            // prefixed, so a newline in a hostile name cannot start a line of its own.
            for line in format!("{err:#}").lines() {
                eprintln!("vouch: {}", vouch::output::terminal(line));
            }
            if let Some(hint) = vouch::cmd::hint(&err) {
                eprintln!("vouch: {hint}");
            }
            Code::CouldNotRun.into()
        }
    }
}
