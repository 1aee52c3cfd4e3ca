//! `vouch ledger verify`: is every line of the ledger where and what it was written as?
//!
//! Fails closed: the chain is checked line by line (sequence, `prev` digest, a complete
//! last line), and with `--public-key` every line must carry a signature that one of the
//! given keys verifies over the entry's exact bytes; an unsigned line then fails too, so
//! nobody without the key can append or rewrite. The first bad line is named. The head
//! digest (SHA-256 of the last line) is printed so a cut-off tail, which a chain cannot
//! show, is caught by comparing it with a copy kept elsewhere.

use super::{Broken, Line, read_lines};
use anyhow::Context;
use minisign::{PublicKey, SignatureBox};
use std::path::{Path, PathBuf};

/// What verification found.
#[derive(Debug)]
pub struct Outcome {
    /// Lines read before the first bad one (all of them when valid).
    pub good: u64,
    /// The first bad line, if any.
    pub broken: Option<Broken>,
    /// Lines whose signature was verified.
    pub signatures: u64,
    /// Whether public keys were given.
    pub keys_given: bool,
    /// SHA-256 of the last good line, or the genesis value for an empty ledger.
    pub head: String,
}

impl Outcome {
    /// Valid when no line is bad.
    pub fn is_valid(&self) -> bool {
        self.broken.is_none()
    }
}

/// Verifies the ledger at `path` against `keys` (none: the chain only).
pub fn verify(path: &Path, keys: &[(PathBuf, PublicKey)]) -> anyhow::Result<Outcome> {
    let bytes =
        std::fs::read(path).with_context(|| format!("reading ledger '{}'", path.display()))?;
    let (lines, mut broken) = read_lines(&bytes);
    let mut signatures = 0u64;
    let mut good = lines.len() as u64;
    if !keys.is_empty() {
        for line in &lines {
            if let Err(problem) = check_signature(line, keys) {
                good = line.entry.seq - 1;
                broken = Some(Broken { line: line.entry.seq, problem });
                break;
            }
            signatures += 1;
        }
    }
    let head = match good as usize {
        0 => super::GENESIS.to_string(),
        n => lines[n - 1].sha256.clone(),
    };
    Ok(Outcome { good, broken, signatures, keys_given: !keys.is_empty(), head })
}

fn check_signature(line: &Line, keys: &[(PathBuf, PublicKey)]) -> Result<(), String> {
    let Some(text) = &line.signature else {
        return Err("is not signed, and a public key was given: every line must be signed".into());
    };
    let sig = SignatureBox::from_string(text)
        .map_err(|e| format!("carries a malformed signature ({e})"))?;
    let id = crate::sign::key_id(sig.keynum());
    let Some((_, pk)) = keys.iter().find(|(_, k)| crate::sign::key_id(k.keynum()) == id) else {
        return Err(format!("is signed by key {id}, which is none of the keys given"));
    };
    let data = std::io::Cursor::new(line.entry_text.as_bytes());
    minisign::verify(pk, &sig, data, true, false, false).map_err(|_| {
        format!("signature by key {id} does not verify: the entry was changed after signing")
    })
}

/// The lines `vouch ledger verify` prints.
pub fn render(path: &Path, o: &Outcome) -> String {
    let mut s = String::new();
    match &o.broken {
        None => s += &format!("{}: OK ({} lines, chain intact", path.display(), o.good),
        Some(b) => {
            s += &format!("{}: line {}: FAILED ({})\n", path.display(), b.line, b.problem);
            s += &format!("{}: FAILED (lines 1–{} are intact", path.display(), o.good);
        }
    }
    if o.keys_given {
        s += &format!(", {} signatures verified)\n", o.signatures);
    } else {
        s += "; signatures not checked: give --public-key)\n";
    }
    s += &format!("head: {} (line {})\n", o.head, o.good);
    s
}
