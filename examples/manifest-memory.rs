//! Reads one manifest as `vouch check` does and holds it, for `benches/manifest-memory.sh`
//! to measure the memory a manifest of N entries takes (issue #17.3).
//!
//! ```text
//! cargo run --release --example manifest-memory -- MANIFEST ROOT
//! ```

use std::path::PathBuf;

fn main() -> anyhow::Result<()> {
    let args: Vec<PathBuf> = std::env::args_os().skip(1).map(PathBuf::from).collect();
    let [manifest, root] = &args[..] else {
        anyhow::bail!("usage: manifest-memory MANIFEST ROOT");
    };
    let root = std::fs::canonicalize(root)?;
    let opts = vouch::manifest::Options { base: Some(&root), ..Default::default() };
    let m = vouch::manifest::Manifest::read(manifest, &root, opts)?;
    let path_bytes: usize = m.entries.iter().map(|e| e.rel.as_path().as_os_str().len()).sum();
    println!(
        "{} entries, {} bad lines, {path_bytes} path bytes",
        m.entries.len(),
        m.bad_lines.len()
    );
    Ok(())
}
