//! vouch decides, on evidence, whether a digitized-archive delivery can be accepted.
//!
//! The pipeline, one module per stage:
//!
//! ```text
//! profile ─┐
//! catalogue ┼─► plan ─► inspect (parallel, each file read once) ─► rules ─► report
//! delivery ─┘
//! ```
//!
//! [`check::run`] drives it; `main.rs` only parses arguments and maps the outcome to an
//! exit status ([`exit::Code`]).

pub mod facts;
pub mod finding;
pub mod inspect;
pub mod relpath;
