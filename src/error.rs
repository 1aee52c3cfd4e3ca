//! Setup errors: the problems that stop a run before any verdict (exit status 2).
//!
//! A bad file in a delivery is a finding, never one of these. These are for inputs the
//! user controls (profile, catalogue, arguments), and each says which file, which line
//! and what would fix it.

use std::path::PathBuf;

/// A profile that cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum ProfileError {
    /// Neither a built-in name nor a readable file.
    #[error("profile '{name}' is neither a built-in profile ({builtins}) nor a readable file")]
    NotFound {
        /// What the user named.
        name: String,
        /// The built-in names, comma-separated.
        builtins: String,
        /// Why the file could not be read.
        source: std::io::Error,
    },
    /// The TOML does not parse or has an unknown/mistyped key.
    #[error("profile '{file}': {message}")]
    Parse {
        /// The profile file (or built-in name).
        file: String,
        /// The parser's message, with line and column.
        message: String,
    },
    /// A value is out of range or inconsistent.
    #[error("profile '{file}'{at}: `{key}` {problem}")]
    Invalid {
        /// The profile file (or built-in name).
        file: String,
        /// Where in the file, e.g. ", line 12", or empty when unknown.
        at: String,
        /// The dotted key.
        key: String,
        /// What is wrong and how to fix it.
        problem: String,
    },
}

/// A catalogue that cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum CatalogueError {
    /// The file could not be read.
    #[error("catalogue '{}': cannot read", file.display())]
    Read {
        /// The catalogue file.
        file: PathBuf,
        /// The OS error.
        source: std::io::Error,
    },
    /// The content is not usable as a whole (encoding, header, format).
    #[error("catalogue '{}': {problem}", file.display())]
    Invalid {
        /// The catalogue file.
        file: PathBuf,
        /// What is wrong and how to fix it.
        problem: String,
    },
    /// One row is wrong.
    #[error("catalogue '{}', line {line}: {problem}", file.display())]
    Row {
        /// The catalogue file.
        file: PathBuf,
        /// 1-based line (CSV) or row (spreadsheet) number.
        line: u64,
        /// What is wrong and how to fix it.
        problem: String,
    },
}
