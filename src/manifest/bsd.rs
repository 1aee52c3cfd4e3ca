//! BSD "tag" lines: `SHA256 (path) = hex`, as written by `shasum --tag`, `sha256sum
//! --tag`, `openssl dgst` and macOS `shasum`/`md5`.

use super::Parsed;
use crate::digest::Algorithm;

/// Whether a line looks like a BSD tag line (used to detect the format).
pub fn looks_like(raw: &[u8]) -> bool {
    let s = String::from_utf8_lossy(raw);
    let Some((alg, rest)) = s.split_once(" (") else { return false };
    Algorithm::from_name(alg).is_some() && rest.contains(") = ")
}

/// Parses one line.
pub fn parse_line(raw: &[u8]) -> Result<Parsed, String> {
    let bad = || "not a BSD tag line: expected `ALGORITHM (path) = hex`".to_string();
    let open = raw.windows(2).position(|w| w == b" (").ok_or_else(bad)?;
    let close = raw.windows(4).rposition(|w| w == b") = ").ok_or_else(bad)?;
    if close < open + 2 {
        return Err(bad());
    }
    let alg_name = String::from_utf8_lossy(&raw[..open]);
    let alg = Algorithm::from_name(&alg_name)
        .ok_or_else(|| format!("unknown digest algorithm '{alg_name}'"))?;
    let hex = String::from_utf8_lossy(&raw[close + 4..]).trim().to_ascii_lowercase();
    if hex.len() != alg.hex_len() || !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(format!("{alg} digests have {} hex digits", alg.hex_len()));
    }
    let name = raw[open + 2..close].to_vec();
    if name.is_empty() {
        return Err("the path is empty".into());
    }
    Ok(Parsed { name, digests: vec![(alg, hex)], size: None })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_tag_lines_with_parentheses_in_names() {
        let line = format!("SHA256 (a (1).jpg) = {}", "AB".repeat(32));
        assert!(looks_like(line.as_bytes()));
        let p = parse_line(line.as_bytes()).unwrap();
        assert_eq!(p.name, b"a (1).jpg");
        assert_eq!(p.digests, vec![(Algorithm::Sha256, "ab".repeat(32))]);
    }
}
