//! vouch decides, on evidence, whether a digitized-archive delivery can be accepted.
//!
//! The pipeline, one module per stage:
//!
//! ```text
//! profile ─┐
//! catalogue ┼─► plan ─► inspect (parallel, each file read once) ─► rules ─► report
//! delivery ─┘
//! manifests
//! ```
//!
//! [`check::run`] drives it; [`app`] turns arguments into a configuration and the
//! verdict into an exit status ([`exit::Code`]); `main.rs` only calls [`app::run`].

pub mod app;
pub mod catalogue;
pub mod check;
pub mod cli;
pub mod digest;
pub mod due;
pub mod error;
pub mod exit;
pub mod facts;
pub mod finding;
pub mod fixity;
pub mod guard;
pub mod input;
pub mod inspect;
pub mod inspect_cmd;
pub mod interrupt;
pub mod journal;
pub mod judge;
pub mod ledger;
pub mod manifest;
pub mod media;
pub mod output;
pub mod plan;
pub mod profile;
pub mod progress;
pub mod quality;
pub mod readback;
pub mod relpath;
pub mod report;
pub mod rules;
pub mod sign;
pub mod spool;
pub mod thumbs;
pub mod verify;
pub mod walk;
