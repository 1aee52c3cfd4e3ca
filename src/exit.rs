//! The exit-status table: the one place numbers meet the shell.
//!
//! Pipelines gate transfers on these (`vouch check … && rsync …`), so they are a public
//! interface (DESIGN.md, README). No other module uses a bare exit number.

use std::process::ExitCode;

/// How a vouch run ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Code {
    /// The run completed and the delivery is accepted (or a command succeeded).
    Accepted = 0,
    /// The run completed and the delivery is rejected (an error-severity finding).
    Rejected = 1,
    /// The run could not be completed: bad arguments, unreadable catalogue or profile,
    /// report not writable.
    CouldNotRun = 2,
    /// Interrupted (Ctrl-C); whatever was written is marked incomplete.
    Interrupted = 130,
}

impl From<Code> for ExitCode {
    fn from(code: Code) -> ExitCode {
        ExitCode::from(code as u8)
    }
}
