//! Integration tests: drive the real `vouch` binary on generated deliveries.
//!
//! One test binary (STYLE.md habit 18) with a module per concern: `generator` proves the
//! synthetic test data is what it claims, `check` runs `vouch check` on it end to end,
//! `sample` keeps the committed sample runnable and reproducible, `formats` holds vouch's
//! decoding to the reference tools and judges colour, compression and resolution.

mod bundle_stream;
mod catalogue;
mod check;
mod depth;
mod faults;
mod formats;
mod fuzz_regressions;
mod generator;
mod interrupt;
mod io_threads;
mod lang;
mod manifests;
mod media;
mod print;
mod profiles;
mod quality;
mod report;
mod resume;
mod rooms;
mod rounds;
mod safety;
mod sample;
mod shards;
mod sm2;
mod summary;
mod support;
mod trees;
mod user_paths;
mod util;
