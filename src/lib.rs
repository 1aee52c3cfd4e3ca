//! vouch decides, on evidence, whether a digitized-archive delivery can be accepted.
//!
//! The pipeline, one room (module) per stage, declared below in this order:
//!
//! ```text
//! profile ──┐
//! catalogue ┼─► delivery (walk, plan) ─► inspect (parallel, each file read once)
//! manifest ─┘        ─► rules ─► check (stream, journal) ─► report ─► bundle (+ sign)
//! ```
//!
//! [`check::run`] drives it; [`cmd`] turns the arguments [`cli`] parsed into a
//! configuration and the verdict into an exit status ([`exit::Code`]); `main.rs` only
//! calls [`cmd::run`]. Library rooms never import `cmd` or `cli`.

// Setup: what the run is told.
pub mod catalogue;
pub mod cli;
pub mod input;
pub mod manifest;
pub mod profile;
// The pipeline of a check, in order.
pub mod bundle;
pub mod check;
pub mod delivery;
pub mod inspect;
pub mod report;
pub mod rules;
pub mod safety;
// After acceptance: stored media.
pub mod ledger;
pub mod readback;
// Shared: keys, digests, findings, and the plumbing of a command-line tool.
pub mod digest;
pub mod error;
pub mod exit;
pub mod finding;
pub mod interrupt;
pub mod output;
pub mod progress;
pub mod sign;
// The commands: the only code that prints.
pub mod cmd;
