//! Code shared by the integration tests and the `make-delivery` example.
//!
//! The generator lives here (not in `src/`) because it is test tooling: it needs encoders
//! vouch itself must not depend on (`image`, `fax`), and the example reaches it by path.

pub mod generate;
pub mod quality_set;
