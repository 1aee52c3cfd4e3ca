//! `extends`: a contract's profile names the profile it builds on (a built-in such as
//! `dat31`, or a file, relative to the extending file) and writes only the keys that
//! differ, so it is five lines rather than a 200-line copy that silently keeps the old
//! name and drifts from the standard's profile (issue #15).
//!
//! Each file is read as a TOML table; the chain is followed to its root, then merged
//! from the root down: tables merge key by key, everything else (arrays included) is
//! replaced whole. The merged table is the effective profile, validated as one file
//! would be; errors name the file and line of the layer that wrote the key. A missing
//! base or a cycle is an error naming the `extends` line.

use super::BUILTIN;
use crate::error::ProfileError;
use sha2::{Digest, Sha256};
use std::path::{Path, PathBuf};
use toml::{Table, Value};

/// One file of the chain: where it came from and its text.
pub(super) struct Layer {
    /// `built-in:<name>` or the path it was read from.
    pub(super) origin: String,
    /// Its TOML text.
    pub(super) src: String,
}

/// A profile with its chain followed.
pub(super) struct Resolved {
    /// The file given first, then the profile it extends, and so on to the root.
    pub(super) layers: Vec<Layer>,
    /// The effective profile as TOML text (`extends` removed), what is validated.
    pub(super) text: String,
    /// SHA-256 of [`Resolved::text`].
    pub(super) sha256: String,
}

/// Longest chain followed (a guard; real chains are one or two links).
const MAX_DEPTH: usize = 16;

/// Follows `src`'s `extends` chain; `dir` is the folder relative bases are read from
/// (`None` for a built-in, which may extend only built-ins).
pub(super) fn resolve(
    src: &str,
    origin: &str,
    dir: Option<&Path>,
) -> Result<Resolved, ProfileError> {
    let mut layers = vec![Layer { origin: origin.to_string(), src: src.to_string() }];
    let mut tables = vec![table(src, origin)?];
    let mut seen = vec![identity(origin, dir)];
    let mut dir = dir.map(Path::to_path_buf);
    while let Some(base) = extends(tables.last().unwrap_or(&Table::new()), &layers)? {
        let here = layers.last().map(|l| (l.origin.clone(), l.src.clone())).unwrap_or_default();
        let (layer, base_dir) = load(&base, dir.as_deref(), &here)?;
        let id = identity(&layer.origin, base_dir.as_deref());
        if seen.contains(&id) || seen.len() >= MAX_DEPTH {
            let chain: Vec<&str> = layers.iter().map(|l| l.origin.as_str()).collect();
            let problem = format!(
                "makes a cycle: {} -> {}; a profile may not extend itself, directly or not",
                chain.join(" -> "),
                layer.origin
            );
            return Err(at_extends(&here, problem));
        }
        seen.push(id);
        tables.push(table(&layer.src, &layer.origin)?);
        layers.push(layer);
        dir = base_dir;
    }
    let mut merged = Table::new();
    for t in tables.into_iter().rev() {
        merge(&mut merged, t);
    }
    merged.remove("extends");
    let text = toml::to_string(&merged).map_err(|e| ProfileError::Parse {
        file: origin.to_string(),
        message: format!("cannot write the merged profile: {e}"),
    })?;
    let sha256 = hex::encode(Sha256::digest(text.as_bytes()));
    Ok(Resolved { layers, text, sha256 })
}

/// Merges `over` into `base`: tables key by key, anything else replaced whole.
pub(super) fn merge(base: &mut Table, over: Table) {
    for (key, value) in over {
        match (base.get_mut(&key), value) {
            (Some(Value::Table(b)), Value::Table(o)) => merge(b, o),
            (_, value) => {
                base.insert(key, value);
            }
        }
    }
}

fn table(src: &str, origin: &str) -> Result<Table, ProfileError> {
    src.parse::<Table>().map_err(|e| ProfileError::Parse {
        file: origin.to_string(),
        message: e.to_string().trim_end().to_string(),
    })
}

/// The base the last table names, if any.
fn extends(t: &Table, layers: &[Layer]) -> Result<Option<String>, ProfileError> {
    let last = layers.last().map(|l| (l.origin.clone(), l.src.clone())).unwrap_or_default();
    match t.get("extends") {
        None => Ok(None),
        Some(Value::String(s)) if !s.trim().is_empty() => Ok(Some(s.clone())),
        Some(_) => Err(at_extends(
            &last,
            "must be the name of a built-in profile or the path of a profile file".into(),
        )),
    }
}

/// Reads the base `name` (a built-in, else a file relative to `dir`), with the folder its
/// own bases are read from.
fn load(
    name: &str,
    dir: Option<&Path>,
    here: &(String, String),
) -> Result<(Layer, Option<PathBuf>), ProfileError> {
    if let Some((n, src, _)) = BUILTIN.iter().find(|(n, ..)| *n == name) {
        let layer = Layer { origin: format!("built-in:{n}"), src: src.to_string() };
        return Ok((layer, None));
    }
    let builtins: Vec<&str> = BUILTIN.iter().map(|(n, ..)| *n).collect();
    let Some(dir) = dir else {
        let problem = format!(
            "names '{name}', which is not a built-in profile ({}); a built-in extends only \
             built-ins",
            builtins.join(", ")
        );
        return Err(at_extends(here, problem));
    };
    let path = dir.join(name);
    let src = std::fs::read_to_string(&path).map_err(|e| {
        let problem = format!(
            "names '{name}', which is neither a built-in profile ({}) nor a readable file \
             ({}: {e}); a path is relative to the extending file",
            builtins.join(", "),
            path.display()
        );
        at_extends(here, problem)
    })?;
    let base_dir = path.parent().map(Path::to_path_buf);
    Ok((Layer { origin: path.display().to_string(), src }, base_dir))
}

/// What makes two links the same profile: a built-in's name, a file's canonical path.
fn identity(origin: &str, dir: Option<&Path>) -> String {
    if origin.starts_with("built-in:") || dir.is_none() {
        return origin.to_string();
    }
    std::fs::canonicalize(origin).map_or_else(|_| origin.to_string(), |p| p.display().to_string())
}

/// An error about the `extends` key of the layer (origin, source) `here`.
fn at_extends(here: &(String, String), problem: String) -> ProfileError {
    let line = here.1.lines().position(|l| l.trim_start().starts_with("extends"));
    ProfileError::Invalid {
        file: here.0.clone(),
        at: line.map(|n| format!(", line {}", n + 1)).unwrap_or_default(),
        key: "extends".into(),
        problem,
    }
}

/// Where a key was written: the first layer (the extending file first) with a line
/// starting with the key's last part, as (file, ", line N"); else the first layer.
pub(super) fn locate(layers: &[Layer], key: &str) -> (String, String) {
    let leaf = key.rsplit('.').next().unwrap_or(key);
    let starts = |l: &str| {
        let l = l.trim_start();
        l.strip_prefix(leaf)
            .is_some_and(|rest| rest.trim_start().starts_with('=') || rest.starts_with(']'))
            || l.starts_with(&format!("[{key}]"))
    };
    for layer in layers {
        if let Some(n) = layer.src.lines().position(starts) {
            return (layer.origin.clone(), format!(", line {}", n + 1));
        }
    }
    let fallback = layers.first().map_or_else(String::new, |l| l.origin.clone());
    (fallback, String::new())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tables_merge_and_arrays_are_replaced_whole() {
        let mut base: Table = "a = [1, 2]\n[t]\nx = 1\ny = 2\n".parse().unwrap();
        let over: Table = "a = [3]\n[t]\ny = 5\nz = 6\n".parse().unwrap();
        merge(&mut base, over);
        let want: Table = "a = [3]\n[t]\nx = 1\ny = 5\nz = 6\n".parse().unwrap();
        assert_eq!(base, want);
    }

    #[test]
    fn a_builtin_base_is_followed_and_a_missing_one_names_the_line() {
        let r =
            resolve("extends = \"dat31\"\nname = \"c\"\n", "c.toml", Some(Path::new("."))).unwrap();
        assert_eq!(r.layers.len(), 2);
        assert!(r.text.contains("name = \"c\"") && !r.text.contains("extends"), "{}", r.text);
        let err = resolve("name = \"c\"\nextends = \"nope\"\n", "c.toml", Some(Path::new(".")))
            .err()
            .unwrap()
            .to_string();
        assert!(err.contains("c.toml") && err.contains("line 2") && err.contains("nope"), "{err}");
    }
}
