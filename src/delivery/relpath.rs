//! Paths relative to the delivery root, exactly as they are on disk.
//!
//! Vendors' drives carry names in any byte encoding (GBK from old Windows tools is
//! common). vouch keeps the raw bytes so it can open the file, and reports them with the
//! reversible `%XX` escape of DESIGN.md: valid UTF-8 stays as it is, every byte that is not
//! valid UTF-8 becomes `%XX`, and a literal `%` becomes `%25`.

use std::ffi::OsStr;
use std::path::{Component, Path, PathBuf};

/// A file's path below the delivery root, as raw components.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct RelPath {
    path: PathBuf,
}

impl RelPath {
    /// Wraps a path that is already relative to the root.
    pub fn new(path: impl Into<PathBuf>) -> Self {
        RelPath { path: path.into() }
    }

    /// The relative path, for joining onto the root.
    pub fn as_path(&self) -> &Path {
        &self.path
    }

    /// The components as raw OS strings.
    pub fn components(&self) -> impl Iterator<Item = &OsStr> {
        self.path.components().filter_map(|c| match c {
            Component::Normal(s) => Some(s),
            _ => None,
        })
    }

    /// The first component (the top-level entry under the root).
    pub fn first(&self) -> Option<&OsStr> {
        self.components().next()
    }

    /// The last component (the file name).
    pub fn file_name(&self) -> Option<&OsStr> {
        self.path.file_name()
    }

    /// Number of components.
    pub fn depth(&self) -> usize {
        self.components().count()
    }

    /// Whether every component is valid UTF-8.
    pub fn is_utf8(&self) -> bool {
        self.path.to_str().is_some()
    }

    /// The report form: `/`-separated with the `%XX` escape.
    pub fn escaped(&self) -> String {
        let mut out = String::new();
        for (i, c) in self.components().enumerate() {
            if i > 0 {
                out.push('/');
            }
            escape_into(c.as_encoded_bytes(), &mut out);
        }
        out
    }
}

/// Appends `bytes` to `out` with the `%XX` escape for non-UTF-8 bytes and `%`.
pub fn escape_into(bytes: &[u8], out: &mut String) {
    for chunk in bytes.utf8_chunks() {
        for ch in chunk.valid().chars() {
            if ch == '%' {
                out.push_str("%25");
            } else {
                out.push(ch);
            }
        }
        for b in chunk.invalid() {
            out.push_str(&format!("%{b:02X}"));
        }
    }
}

/// Escapes one name (a single component or a whole string) for reports.
pub fn escape(name: &OsStr) -> String {
    let mut out = String::new();
    escape_into(name.as_encoded_bytes(), &mut out);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utf8_names_stay_readable() {
        assert_eq!(RelPath::new("档案/0001.jpg").escaped(), "档案/0001.jpg");
    }

    #[test]
    fn percent_is_escaped_so_names_round_trip() {
        assert_eq!(RelPath::new("a%20b/c").escaped(), "a%2520b/c");
    }

    #[cfg(unix)]
    #[test]
    fn gbk_bytes_become_percent_escapes() {
        use std::os::unix::ffi::OsStrExt;
        // "档案" in GBK is B5 B5 B0 B8.
        let name = OsStr::from_bytes(b"\xb5\xb5\xb0\xb8.jpg");
        assert_eq!(escape(name), "%B5%B5%B0%B8.jpg");
    }
}
