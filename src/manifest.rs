//! Manifests: the vendor's list of digests, and where each listed path lands.
//!
//! A manifest's paths are relative to the manifest's own folder, as `sha256sum -c` run
//! there resolves them, unless the user names another root. A listed path that cannot be
//! read as a line, or that points outside the delivery, is a finding with the manifest's
//! line number (never a silent skip, and never opened). This stage reads GNU coreutils
//! `sha256sum` output, text and binary mode, with its `\` escapes and CRLF endings.

use crate::relpath::RelPath;
use anyhow::{Context, bail};
use sha2::{Digest, Sha256};
use std::path::{Component, Path, PathBuf};

/// One usable manifest line.
#[derive(Clone, Debug)]
pub struct Entry {
    /// Lowercase hex SHA-256.
    pub sha256: String,
    /// The listed path, relative to the delivery root.
    pub rel: RelPath,
    /// Line number in the manifest.
    pub line: u64,
}

/// A manifest line that could not be used.
#[derive(Clone, Debug)]
pub struct BadLine {
    /// Line number in the manifest.
    pub line: u64,
    /// What is wrong.
    pub problem: String,
}

/// A manifest, read.
#[derive(Clone, Debug)]
pub struct Manifest {
    /// The manifest file as given.
    pub path: PathBuf,
    /// SHA-256 of the manifest's bytes, pinned in the report.
    pub sha256: String,
    /// Digest algorithm of its entries.
    pub algorithm: &'static str,
    /// Usable entries.
    pub entries: Vec<Entry>,
    /// Lines that could not be used.
    pub bad_lines: Vec<BadLine>,
}

impl Manifest {
    /// Reads a `sha256sum` manifest. `root` is the delivery root (canonical); `base` the
    /// folder its paths are relative to (default: the manifest's own folder).
    pub fn read(path: &Path, root: &Path, base: Option<&Path>) -> anyhow::Result<Manifest> {
        let bytes = std::fs::read(path)
            .with_context(|| format!("reading manifest '{}'", path.display()))?;
        let base = match base {
            Some(b) => b.to_path_buf(),
            None => path.parent().map(Path::to_path_buf).unwrap_or_default(),
        };
        let base = std::path::absolute(&base)
            .with_context(|| format!("resolving the folder of manifest '{}'", path.display()))?;
        let mut m = Manifest {
            path: path.to_path_buf(),
            sha256: hex::encode(Sha256::digest(&bytes)),
            algorithm: "sha256",
            entries: Vec::new(),
            bad_lines: Vec::new(),
        };
        for (i, raw) in bytes.split(|&b| b == b'\n').enumerate() {
            let line = i as u64 + 1;
            let raw = raw.strip_suffix(b"\r").unwrap_or(raw);
            if raw.iter().all(u8::is_ascii_whitespace) {
                continue;
            }
            match parse_line(raw).and_then(|(hex, name)| Ok((hex, locate(&name, &base, root)?))) {
                Ok((sha256, rel)) => m.entries.push(Entry { sha256, rel, line }),
                Err(problem) => m.bad_lines.push(BadLine { line, problem }),
            }
        }
        if m.entries.is_empty() && !m.bad_lines.is_empty() {
            let first = &m.bad_lines[0];
            bail!(
                "manifest '{}': no line is a sha256sum line (`<64 hex digits>  <path>`); \
                 line {}: {}",
                path.display(),
                first.line,
                first.problem
            );
        }
        Ok(m)
    }
}

/// Splits a GNU `sha256sum` line into the digest and the raw name bytes.
fn parse_line(raw: &[u8]) -> Result<(String, Vec<u8>), String> {
    let (escaped, raw) = match raw.strip_prefix(b"\\") {
        Some(rest) => (true, rest),
        None => (false, raw),
    };
    let hex_len = raw.iter().take_while(|b| b.is_ascii_hexdigit()).count();
    let rest = &raw[hex_len..];
    let name = rest.strip_prefix(b"  ").or_else(|| rest.strip_prefix(b" *"));
    let (true, Some(name)) = (hex_len == 64, name) else {
        return Err("not a sha256sum line: expected 64 hex digits, two spaces (or space and *), \
                    and a path"
            .into());
    };
    if name.is_empty() {
        return Err("the path is empty".into());
    }
    let hex = String::from_utf8_lossy(&raw[..64]).to_ascii_lowercase();
    let name = if escaped { unescape(name)? } else { name.to_vec() };
    Ok((hex, name))
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

/// Resolves a listed name against `base`, lexically, and returns it relative to `root`.
fn locate(name: &[u8], base: &Path, root: &Path) -> Result<RelPath, String> {
    let listed = path_from_bytes(name);
    if listed.is_absolute() {
        return Err(format!("the path '{}' is absolute; it is never opened", listed.display()));
    }
    let mut full = base.to_path_buf();
    for c in listed.components() {
        match c {
            Component::Normal(p) => full.push(p),
            Component::ParentDir => {
                full.pop();
            }
            _ => {}
        }
    }
    match full.strip_prefix(root) {
        Ok(rel) if rel.as_os_str().is_empty() => Err("the path names the delivery root".into()),
        Ok(rel) => Ok(RelPath::new(rel)),
        Err(_) => Err(format!(
            "the path '{}' leads outside the delivery; it is never opened",
            listed.display()
        )),
    }
}

#[cfg(unix)]
fn path_from_bytes(bytes: &[u8]) -> PathBuf {
    use std::os::unix::ffi::OsStrExt;
    PathBuf::from(std::ffi::OsStr::from_bytes(bytes))
}

#[cfg(not(unix))]
fn path_from_bytes(bytes: &[u8]) -> PathBuf {
    PathBuf::from(String::from_utf8_lossy(bytes).into_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    const H: &str = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

    fn read(text: &str) -> anyhow::Result<Manifest> {
        let dir = tempfile::tempdir().unwrap();
        let root = std::fs::canonicalize(dir.path()).unwrap();
        let p = root.join("manifest-sha256.txt");
        std::fs::write(&p, text).unwrap();
        Manifest::read(&p, &root, None)
    }

    #[test]
    fn reads_text_binary_escaped_and_crlf_lines() {
        let text = format!(
            "{H}  a/0001.jpg\r\n{H} *b.tif\n\\{H}  c\\nd\\\\e\n\n{}  ./a/../f\n",
            H.to_uppercase()
        );
        let m = read(&text).unwrap();
        let paths: Vec<_> = m.entries.iter().map(|e| e.rel.escaped()).collect();
        assert_eq!(paths, ["a/0001.jpg", "b.tif", "c\nd\\e", "f"]);
        assert!(m.entries.iter().all(|e| e.sha256 == H));
        assert_eq!(m.entries[3].line, 5);
    }

    #[test]
    fn bad_and_escaping_lines_are_reported_with_line_numbers() {
        let m = read(&format!("{H}  ok\nnot a line\n{H}  ../outside\n{H}  /etc/passwd\n")).unwrap();
        let lines: Vec<_> = m.bad_lines.iter().map(|b| b.line).collect();
        assert_eq!(lines, [2, 3, 4]);
        assert!(m.bad_lines[1].problem.contains("outside the delivery"));
    }

    #[test]
    fn a_manifest_with_no_usable_line_is_an_error() {
        let err = read("hello\nworld\n").unwrap_err().to_string();
        assert!(err.contains("line 1"), "{err}");
    }
}
