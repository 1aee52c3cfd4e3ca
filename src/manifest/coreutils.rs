//! GNU coreutils `sha256sum`/`sha512sum`/`sha1sum`/`md5sum` (and `sm3sum`, `b3sum`) lines.
//!
//! `<hex>  <name>` (text mode) or `<hex> *<name>` (binary mode). A name holding a
//! backslash or a newline is written with a leading `\` on the line and `\\`, `\n`
//! escapes. The algorithm comes from the caller (file name or option) or, failing that,
//! from the digest length.

use super::Parsed;
use crate::digest::Algorithm;

/// Parses one line. `alg` is the algorithm when known from outside.
pub fn parse_line(raw: &[u8], alg: Option<Algorithm>) -> Result<Parsed, String> {
    let (escaped, raw) = match raw.strip_prefix(b"\\") {
        Some(rest) => (true, rest),
        None => (false, raw),
    };
    let hex_len = raw.iter().take_while(|b| b.is_ascii_hexdigit()).count();
    let rest = &raw[hex_len..];
    let Some(name) = rest.strip_prefix(b"  ").or_else(|| rest.strip_prefix(b" *")) else {
        return Err("not a checksum line: expected hex digits, two spaces (or space and *), \
                    and a path"
            .into());
    };
    let alg = match alg {
        Some(a) if a.hex_len() == hex_len => a,
        Some(a) => {
            return Err(format!("{a} digests have {} hex digits, not {hex_len}", a.hex_len()));
        }
        None => by_length(hex_len)?,
    };
    if name.is_empty() {
        return Err("the path is empty".into());
    }
    let hex = String::from_utf8_lossy(&raw[..hex_len]).to_ascii_lowercase();
    let name = if escaped { unescape(name)? } else { name.to_vec() };
    Ok(Parsed { name, digests: vec![(alg, hex)], size: None })
}

/// The algorithm a bare digest length implies. 64 digits are taken as SHA-256: SM3 and
/// BLAKE3 manifests must say so by name (`manifest-sm3.txt`) or option.
fn by_length(len: usize) -> Result<Algorithm, String> {
    match len {
        32 => Ok(Algorithm::Md5),
        40 => Ok(Algorithm::Sha1),
        64 => Ok(Algorithm::Sha256),
        128 => Ok(Algorithm::Sha512),
        n => Err(format!("a digest of {n} hex digits matches no known algorithm")),
    }
}

/// Undoes GNU's escaping of names holding `\` or a newline.
fn unescape(name: &[u8]) -> Result<Vec<u8>, String> {
    let mut out = Vec::with_capacity(name.len());
    let mut it = name.iter();
    while let Some(&b) = it.next() {
        if b != b'\\' {
            out.push(b);
            continue;
        }
        match it.next() {
            Some(b'\\') => out.push(b'\\'),
            Some(b'n') => out.push(b'\n'),
            Some(b'r') => out.push(b'\r'),
            _ => return Err("a `\\` escape in the path is not `\\\\`, `\\n` or `\\r`".into()),
        }
    }
    Ok(out)
}

/// Writes one line as `sha256sum` would, escaping names that need it.
pub fn format_line(hex: &str, name: &[u8]) -> Vec<u8> {
    let needs = name.iter().any(|&b| matches!(b, b'\\' | b'\n' | b'\r'));
    let mut out = Vec::with_capacity(hex.len() + name.len() + 4);
    if needs {
        out.push(b'\\');
    }
    out.extend_from_slice(hex.as_bytes());
    out.extend_from_slice(b"  ");
    for &b in name {
        match b {
            b'\\' if needs => out.extend_from_slice(b"\\\\"),
            b'\n' => out.extend_from_slice(b"\\n"),
            b'\r' => out.extend_from_slice(b"\\r"),
            _ => out.push(b),
        }
    }
    out.push(b'\n');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lengths_pick_the_algorithm() {
        let p = parse_line(b"900150983cd24fb0d6963f7d28e17f72 *a.jpg", None).unwrap();
        assert_eq!(p.digests[0].0, Algorithm::Md5);
        assert_eq!(p.name, b"a.jpg");
        let err = parse_line(b"900150983cd24fb0d6963f7d28e17f72  a", Some(Algorithm::Sha256));
        assert!(err.unwrap_err().contains("64 hex digits"));
    }

    #[test]
    fn escaped_names_round_trip() {
        let name = b"a\\b\nc.jpg";
        let line = format_line(&"0".repeat(64), name);
        assert!(line.starts_with(b"\\000"));
        let parsed = parse_line(line.strip_suffix(b"\n").unwrap(), None).unwrap();
        assert_eq!(parsed.name, name);
    }
}
