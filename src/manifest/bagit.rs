//! BagIt (RFC 8493): `manifest-<alg>.txt` payload manifests, `bag-info.txt` Payload-Oxum,
//! and `tagmanifest-<alg>.txt` over the tag files.
//!
//! Payload paths are relative to the bag folder and percent-encode CR, LF and `%`. The
//! tag files are vouch's inputs (like the manifest itself), so they are read and verified
//! here; the payload is judged by the rules against what the walk found.

use super::{Parsed, split_lines};
use crate::digest::{self, Algorithm};
use std::path::{Component, Path, PathBuf};

/// A bag's own facts, beside its payload manifest.
#[derive(Clone, Debug)]
pub struct Bag {
    /// The bag folder (holds bagit.txt).
    pub dir: PathBuf,
    /// Payload-Oxum from bag-info.txt: (octets, files).
    pub oxum: Option<(u64, u64)>,
    /// Problems with the bag's tag files: a missing bagit.txt, a tag manifest mismatch.
    pub problems: Vec<String>,
}

/// A BagIt bag given as the delivery: its payload `data/` is what is checked, and when
/// no manifest was named, the bag's own `manifest-<alg>.txt` files are read (their tag
/// manifests and Payload-Oxum with them). `root` is the canonical delivery; `delivery`
/// and `manifests` are the arguments as given, changed in place. Returns the notice that
/// says so, `None` when `root` holds no `bagit.txt`.
pub fn as_delivery(
    root: &Path,
    delivery: &mut PathBuf,
    manifests: &mut Vec<PathBuf>,
) -> anyhow::Result<Option<String>> {
    if !root.join("bagit.txt").is_file() {
        return Ok(None);
    }
    let data = root.join("data");
    if !data.is_dir() {
        anyhow::bail!(
            "delivery '{}' holds bagit.txt but no data/ folder: a BagIt bag's payload is in \
             data/; give the payload folder, or the folder that holds the pages",
            delivery.display()
        );
    }
    let mut found = Vec::new();
    if manifests.is_empty() {
        for entry in std::fs::read_dir(root)?.flatten() {
            let path = entry.path();
            if is_bag_manifest(&path) && entry.file_type().is_ok_and(|t| t.is_file()) {
                found.push(delivery.join(entry.file_name()));
            }
        }
        found.sort();
        if found.is_empty() {
            anyhow::bail!(
                "bag '{}' has no manifest-<alg>.txt; name the vendor's manifest with -m",
                delivery.display()
            );
        }
        manifests.extend(found.iter().cloned());
    }
    let names: Vec<String> = manifests.iter().map(|m| m.display().to_string()).collect();
    let note = format!(
        "'{}' is a BagIt bag: checking its payload '{}' against {}",
        delivery.display(),
        delivery.join("data").display(),
        names.join(", ")
    );
    *delivery = delivery.join("data");
    Ok(Some(note))
}

/// The algorithm a `manifest-<alg>.txt` / `tagmanifest-<alg>.txt` file name names.
pub fn algorithm_of(path: &Path) -> Option<Algorithm> {
    let name = path.file_name()?.to_str()?;
    let alg = name.strip_suffix(".txt")?.rsplit_once('-')?.1;
    Algorithm::from_name(alg)
}

/// Whether `path` is a payload manifest inside a bag folder.
pub fn is_bag_manifest(path: &Path) -> bool {
    let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
    name.starts_with("manifest-")
        && algorithm_of(path).is_some()
        && path.parent().is_some_and(|d| d.join("bagit.txt").is_file())
}

/// Parses one manifest line: `<hex> <whitespace> <percent-encoded path>`.
pub fn parse_line(raw: &[u8], alg: Algorithm) -> Result<Parsed, String> {
    let split =
        raw.iter().position(|b| b.is_ascii_whitespace()).ok_or("no path after the digest")?;
    let hex = String::from_utf8_lossy(&raw[..split]).to_ascii_lowercase();
    if hex.len() != alg.hex_len() || !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(format!("{alg} digests have {} hex digits", alg.hex_len()));
    }
    let name = raw[split..].trim_ascii_start();
    if name.is_empty() {
        return Err("the path is empty".into());
    }
    Ok(Parsed { name: percent_decode(name)?, digests: vec![(alg, hex)], size: None })
}

fn percent_decode(s: &[u8]) -> Result<Vec<u8>, String> {
    let mut out = Vec::with_capacity(s.len());
    let mut i = 0;
    while i < s.len() {
        if s[i] == b'%' {
            let hex = s.get(i + 1..i + 3).and_then(|h| std::str::from_utf8(h).ok());
            let byte = hex.and_then(|h| u8::from_str_radix(h, 16).ok());
            out.push(byte.ok_or("a `%` in the path is not followed by two hex digits")?);
            i += 3;
        } else {
            out.push(s[i]);
            i += 1;
        }
    }
    Ok(out)
}

/// Percent-encodes a path for a BagIt manifest (CR, LF and `%`, as RFC 8493 asks).
pub fn percent_encode(name: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(name.len());
    for &b in name {
        match b {
            b'%' => out.extend_from_slice(b"%25"),
            b'\n' => out.extend_from_slice(b"%0A"),
            b'\r' => out.extend_from_slice(b"%0D"),
            _ => out.push(b),
        }
    }
    out
}

/// Reads the bag's tag files around a payload manifest.
pub fn read_bag(manifest: &Path) -> Bag {
    let dir = manifest.parent().map(Path::to_path_buf).unwrap_or_default();
    let mut bag = Bag { dir: dir.clone(), oxum: None, problems: Vec::new() };
    if !dir.join("bagit.txt").is_file() {
        bag.problems.push("bagit.txt is missing: this is not a valid bag".into());
    }
    if let Ok(info) = std::fs::read(dir.join("bag-info.txt")) {
        bag.oxum = payload_oxum(&info, &mut bag.problems);
    }
    if let Ok(entries) = std::fs::read_dir(&dir) {
        let mut tags: Vec<PathBuf> = entries
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| {
                p.file_name()
                    .and_then(|n| n.to_str())
                    .is_some_and(|n| n.starts_with("tagmanifest-"))
            })
            .collect();
        tags.sort();
        for tag in tags {
            verify_tag_manifest(&tag, &dir, &mut bag.problems);
        }
    }
    bag
}

fn payload_oxum(info: &[u8], problems: &mut Vec<String>) -> Option<(u64, u64)> {
    let text = String::from_utf8_lossy(info);
    let value = text.lines().find_map(|l| {
        let (k, v) = l.split_once(':')?;
        k.trim().eq_ignore_ascii_case("Payload-Oxum").then(|| v.trim().to_string())
    })?;
    let parsed = value.split_once('.').and_then(|(o, n)| Some((o.parse().ok()?, n.parse().ok()?)));
    if parsed.is_none() {
        problems.push(format!("bag-info.txt: Payload-Oxum '{value}' is not <octets>.<files>"));
    }
    parsed
}

/// Verifies every tag file a tag manifest lists; tag files are small and are inputs.
fn verify_tag_manifest(tag: &Path, dir: &Path, problems: &mut Vec<String>) {
    let name = tag.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let (Some(alg), Ok(bytes)) = (algorithm_of(tag), std::fs::read(tag)) else {
        problems.push(format!("{name}: cannot be read or names no known algorithm"));
        return;
    };
    for (line, raw) in split_lines(&bytes) {
        let parsed = match parse_line(raw, alg) {
            Ok(p) => p,
            Err(e) => {
                problems.push(format!("{name}, line {line}: {e}"));
                continue;
            }
        };
        let rel = PathBuf::from(String::from_utf8_lossy(&parsed.name).into_owned());
        if rel.components().any(|c| !matches!(c, Component::Normal(_))) {
            problems.push(format!("{name}, line {line}: '{}' leaves the bag", rel.display()));
            continue;
        }
        let want = &parsed.digests[0].1;
        match std::fs::read(dir.join(&rel)) {
            Ok(b) if digest::digest_all(&b, &[alg])[&alg] == *want => {}
            Ok(_) => problems
                .push(format!("{name}, line {line}: {} does not match its {alg}", rel.display())),
            Err(e) => problems.push(format!("{name}, line {line}: {}: {e}", rel.display())),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percent_encoding_round_trips() {
        let name = b"data/a%b\nc.jpg";
        assert_eq!(percent_decode(&percent_encode(name)).unwrap(), name);
    }

    #[test]
    fn algorithm_from_file_name() {
        assert_eq!(algorithm_of(Path::new("bag/manifest-sha512.txt")), Some(Algorithm::Sha512));
        assert_eq!(algorithm_of(Path::new("tagmanifest-md5.txt")), Some(Algorithm::Md5));
    }
}
