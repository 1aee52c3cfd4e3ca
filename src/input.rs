//! Input files a run reads whole (the catalogue, the manifests) are refused before they
//! are read when they cannot be: not a regular file, or larger than the profile allows.
//!
//! Issue #17: `--manifest /dev/zero` and `--catalogue /dev/zero` grew until the kernel
//! killed vouch at 24 GB with nothing printed, and a catalogue given as a FIFO blocked
//! forever. A FIFO, a device or a folder is not a catalogue; a file over
//! `[limits] max_catalogue_bytes` or `max_manifest_bytes` is refused naming the limit, so
//! the fix (a larger limit in a profile of one's own) is in the message.

use anyhow::bail;
use std::path::Path;

/// An input, what it is called in messages, and the profile key bounding its size.
pub struct Bounded<'a> {
    /// The file as given on the command line.
    pub path: &'a Path,
    /// `catalogue`, `manifest`, …
    pub what: &'a str,
    /// Largest size allowed, bytes.
    pub limit: u64,
    /// The profile key that sets `limit`, e.g. `limits.max_catalogue_bytes`.
    pub key: &'a str,
}

/// Refuses an input that is not a regular file (after symbolic links) or is larger than
/// its limit; exit 2 through the caller, naming the file and the fix.
pub fn check(input: &Bounded) -> anyhow::Result<()> {
    let Bounded { path, what, limit, key } = *input;
    let shown = crate::output::terminal_path(path);
    let meta = match std::fs::metadata(path) {
        Ok(meta) => meta,
        // The reader says why (no such file, permission) in its own words.
        Err(_) => return Ok(()),
    };
    if !meta.is_file() {
        bail!(
            "{what} '{shown}' is {}, not a regular file: give the file itself (vouch reads \
             a {what} whole, and a pipe or device may never end)",
            kind(&meta.file_type())
        );
    }
    if meta.len() > limit {
        bail!(
            "{what} '{shown}' is {} bytes, over the profile's limit `{key}` = {limit}: \
             raise `{key}` in a profile of your own (--profile FILE) if it is genuine",
            meta.len()
        );
    }
    Ok(())
}

/// What a file that is not regular is, for the message.
fn kind(t: &std::fs::FileType) -> &'static str {
    use std::os::unix::fs::FileTypeExt;
    if t.is_dir() {
        "a folder"
    } else if t.is_fifo() {
        "a FIFO (named pipe)"
    } else if t.is_char_device() || t.is_block_device() {
        "a device"
    } else if t.is_socket() {
        "a socket"
    } else {
        "a special file"
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bounded<'a>(path: &'a Path, limit: u64) -> Bounded<'a> {
        Bounded { path, what: "catalogue", limit, key: "limits.max_catalogue_bytes" }
    }

    #[test]
    fn devices_fifos_and_folders_are_refused() {
        let dir = tempfile::tempdir().unwrap();
        let fifo = dir.path().join("fifo");
        assert!(std::process::Command::new("mkfifo").arg(&fifo).status().unwrap().success());
        for (path, says) in [
            (Path::new("/dev/zero"), "a device"),
            (fifo.as_path(), "a FIFO"),
            (dir.path(), "a folder"),
        ] {
            let err = check(&bounded(path, u64::MAX)).unwrap_err().to_string();
            assert!(err.contains(says) && err.contains("not a regular file"), "{err}");
        }
    }

    #[test]
    fn a_file_over_its_limit_is_refused_naming_the_limit() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("cat.csv");
        std::fs::write(&file, "档号,页数\nA-1,1\n").unwrap();
        let len = std::fs::metadata(&file).unwrap().len();
        assert!(check(&bounded(&file, len)).is_ok());
        let err = check(&bounded(&file, len - 1)).unwrap_err().to_string();
        assert!(err.contains("`limits.max_catalogue_bytes`"), "{err}");
        assert!(err.contains(&format!("is {len} bytes")), "{err}");
    }
}
