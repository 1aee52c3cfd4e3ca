//! `vouch sample`: read back a seeded sample of a stored medium and verify it against the
//! manifest it was registered with.
//!
//! Setup problems (unknown medium, a changed reference manifest, an unmounted medium, an
//! unwritable report folder) stop the run before any reading, with exit status 2. Then
//! the drawn files ([`select`]) are read one after another, in path order, from the
//! medium itself ([`reader`]): one at a time, because a disk or tape read in parallel
//! seeks and its per-file throughput stops meaning anything. Every problem with a file is
//! a finding and the test goes on with the next file. The report bundle is written and
//! signed, the result is appended to the ledger, and the exit status says pass (0) or
//! fail: recovery needed (1).

pub mod due;
pub mod model;
pub mod reader;
pub mod register;
pub mod report;
pub mod run;
pub mod select;
