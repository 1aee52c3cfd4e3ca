//! Output files: written so that a report is never half there.
//!
//! Every file goes to a temporary name in the destination folder, is flushed to disk,
//! and is renamed over the final name: a crash or a full disk leaves the old file or
//! none, never a truncated one. The output folder is checked before any work starts, so
//! an unwritable destination fails in seconds, not after hours of reading.

use anyhow::{Context, bail};
use std::io::Write;
use std::path::{Path, PathBuf};

/// A name or message made safe for a terminal line (issue #17): every control character
/// (ESC, CR, LF, BEL, BS, DEL, the C1 controls…) becomes `%XX` of its UTF-8 bytes, the
/// escape the report files use for bytes that are not text, so a file named
/// `\x1b[2J…ACCEPTED` cannot clear the screen or forge a verdict line. Paths already in
/// the report form (`%` as `%25`) stay unambiguous.
pub fn terminal(text: &str) -> std::borrow::Cow<'_, str> {
    if !text.chars().any(char::is_control) {
        return std::borrow::Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for ch in text.chars() {
        if ch.is_control() {
            let mut buf = [0u8; 4];
            for b in ch.encode_utf8(&mut buf).bytes() {
                out.push_str(&format!("%{b:02X}"));
            }
        } else {
            out.push(ch);
        }
    }
    std::borrow::Cow::Owned(out)
}

/// [`terminal`] of a path as the operating system gives it: bytes that are not UTF-8
/// as `%XX` too (a `%` itself is left as typed, for paths a user gave).
pub fn terminal_path(path: &Path) -> String {
    let mut out = String::new();
    for chunk in path.as_os_str().as_encoded_bytes().utf8_chunks() {
        out.push_str(&terminal(chunk.valid()));
        for b in chunk.invalid() {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// Writes `bytes` to `path` atomically (temporary file, fsync, rename).
pub fn write_atomic(path: &Path, bytes: &[u8]) -> anyhow::Result<()> {
    let mut file = AtomicFile::create_in(parent_of(path))?;
    file.write_all(bytes).with_context(|| format!("writing '{}'", path.display()))?;
    file.persist(path)?;
    Ok(())
}

/// The folder a path is in (`.` for a bare file name).
fn parent_of(path: &Path) -> &Path {
    path.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."))
}

/// A file written by streaming under a hidden temporary name (`.vouch-*`) in its
/// destination's folder, then renamed over its final name by [`AtomicFile::persist`]:
/// a report of a million files is never held in memory nor left half written (issue #7).
/// Dropped without `persist`, the temporary file is removed.
pub struct AtomicFile {
    out: std::io::BufWriter<tempfile::NamedTempFile>,
}

impl AtomicFile {
    /// Starts a temporary file in `dir` (the final name's folder: a rename never crosses
    /// file systems).
    pub fn create_in(dir: &Path) -> anyhow::Result<AtomicFile> {
        let tmp = tempfile::Builder::new()
            .prefix(TEMP_PREFIX)
            .tempfile_in(dir)
            .with_context(|| format!("creating a temporary file in '{}'", dir.display()))?;
        Ok(AtomicFile { out: std::io::BufWriter::with_capacity(64 * 1024, tmp) })
    }

    /// Flushes to disk and renames over `path` (in the folder given to
    /// [`AtomicFile::create_in`]). Returns the file, open for reading and writing, so that
    /// what was written can be read back (signed, printed) even if the name is replaced.
    pub fn persist(self, path: &Path) -> anyhow::Result<std::fs::File> {
        let tmp = self
            .out
            .into_inner()
            .map_err(|e| e.into_error())
            .with_context(|| format!("writing '{}'", path.display()))?;
        // Temporary files are created 0600; a report is for sharing, so give it the mode
        // a plainly created file would have (0644 before the umask).
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let perms = std::fs::Permissions::from_mode(0o644);
            tmp.as_file()
                .set_permissions(perms)
                .with_context(|| format!("setting the mode of '{}'", path.display()))?;
        }
        tmp.as_file().sync_all().with_context(|| format!("flushing '{}'", path.display()))?;
        tmp.persist(path).with_context(|| format!("renaming into '{}'", path.display()))
    }
}

impl Write for AtomicFile {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.out.write(buf)
    }

    fn write_all(&mut self, buf: &[u8]) -> std::io::Result<()> {
        self.out.write_all(buf)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.out.flush()
    }
}

/// An append-only file written as a run goes (the journal, the thumbnail spool): whole
/// records, one write each, from any worker. A write error (disk full) stops appending
/// with one warning; the run goes on without it.
pub struct AppendLog {
    path: PathBuf,
    what: &'static str,
    file: std::sync::Mutex<Option<std::fs::File>>,
}

impl AppendLog {
    /// Opens `path` (named `what` in messages): afresh, or with `keep` continuing it
    /// after its first `keep` bytes (a torn tail beyond them is cut off).
    pub fn open(path: &Path, what: &'static str, keep: Option<u64>) -> anyhow::Result<AppendLog> {
        let mut file = std::fs::OpenOptions::new()
            .create(true)
            .write(true)
            .truncate(keep.is_none())
            .open(path)
            .with_context(|| format!("opening the {what} '{}'", path.display()))?;
        if let Some(len) = keep {
            file.set_len(len).with_context(|| format!("trimming '{}'", path.display()))?;
            std::io::Seek::seek(&mut file, std::io::SeekFrom::End(0))?;
        }
        Ok(AppendLog { path: path.to_path_buf(), what, file: std::sync::Mutex::new(Some(file)) })
    }

    /// Where it is.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Appends `bytes` in one write, or says why it could not (for a record the run
    /// cannot go on without, such as the journal's header).
    pub fn try_append(&self, bytes: &[u8]) -> anyhow::Result<()> {
        let mut guard = self.file.lock().unwrap_or_else(|p| p.into_inner());
        let file = guard.as_mut().context("no longer writable")?;
        file.write_all(bytes).with_context(|| format!("writing '{}'", self.path.display()))
    }

    /// Appends `bytes` in one write; on failure warns once, saying what is lost
    /// (`consequence`), and appends nothing more.
    pub fn append(&self, bytes: &[u8], consequence: &str) {
        let mut guard = self.file.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(file) = guard.as_mut()
            && let Err(e) = file.write_all(bytes)
        {
            eprintln!(
                "vouch: {} '{}' not written ({e}); {consequence}",
                self.what,
                self.path.display()
            );
            *guard = None;
        }
    }

    /// Removes the file once its run is complete and its report written.
    pub fn finish(self) -> anyhow::Result<()> {
        drop(self.file);
        std::fs::remove_file(&self.path).with_context(|| {
            format!("removing the finished {} '{}'", self.what, self.path.display())
        })
    }
}

/// Prepares the report folder: refuses one inside the delivery (vouch never writes
/// there), creates it, and proves it is writable.
pub fn prepare_dir(out: &Path, delivery_root: &Path) -> anyhow::Result<PathBuf> {
    let abs = std::path::absolute(out)
        .with_context(|| format!("resolving report folder '{}'", out.display()))?;
    if resolved(&abs).starts_with(delivery_root) {
        bail!(
            "report folder '{}' is inside the delivery '{}'; vouch never writes into a \
             delivery: choose a folder outside it",
            out.display(),
            delivery_root.display()
        );
    }
    std::fs::create_dir_all(&abs)
        .with_context(|| format!("creating report folder '{}'", out.display()))?;
    tempfile::tempfile_in(&abs)
        .with_context(|| format!("report folder '{}' is not writable", out.display()))?;
    for name in remove_leftovers(&abs)? {
        eprintln!(
            "vouch: removed '{}' from '{}': a temporary file of an earlier run that was killed",
            terminal(&name),
            terminal_path(out)
        );
    }
    ensure_free(&abs, MIN_FREE)?;
    Ok(abs)
}

/// The names of [`AtomicFile`]'s temporary files: hidden, so no reader takes one for
/// a report file.
const TEMP_PREFIX: &str = ".vouch-";

/// Removes the temporary files a killed run left in a report folder (issue #17: a
/// `kill -9` during a write leaves a `.vouch-*` file, up to the size of the accepted
/// manifest, that nothing renamed into place or cleaned up). Returns their names.
pub fn remove_leftovers(dir: &Path) -> anyhow::Result<Vec<String>> {
    let entries = std::fs::read_dir(dir)
        .with_context(|| format!("listing report folder '{}'", dir.display()))?;
    let mut removed = Vec::new();
    for e in entries.flatten() {
        let name = e.file_name().to_string_lossy().into_owned();
        let file = e.file_type().is_ok_and(|t| t.is_file());
        if file && name.starts_with(TEMP_PREFIX) {
            std::fs::remove_file(e.path())
                .with_context(|| format!("removing '{}'", e.path().display()))?;
            removed.push(name);
        }
    }
    removed.sort();
    Ok(removed)
}

/// Free space the report folder must have at the start: the journal, thumbnails and the
/// bundle of a large delivery run to tens of megabytes, and a disk found full after
/// hours of reading loses the run.
pub const MIN_FREE: u64 = 64 << 20;

/// Refuses a folder on a file system with less than `need` bytes available to us.
pub fn ensure_free(dir: &Path, need: u64) -> anyhow::Result<()> {
    let Ok(st) = rustix::fs::statvfs(dir) else {
        return Ok(()); // No figure to judge by (e.g. a network file system): go on.
    };
    let free = st.f_bavail.saturating_mul(st.f_frsize);
    if free < need {
        bail!(
            "report folder '{}' has only {} MiB free; vouch needs at least {} MiB for the \
             journal, thumbnails and report: free some space or choose another folder",
            dir.display(),
            free >> 20,
            need >> 20
        );
    }
    Ok(())
}

/// Canonicalizes the longest existing ancestor of `path` and appends the rest, so a
/// folder that does not exist yet is still compared through symbolic links.
fn resolved(path: &Path) -> PathBuf {
    let mut existing = path.to_path_buf();
    let mut rest = Vec::new();
    while !existing.exists() {
        match (existing.file_name(), existing.parent()) {
            (Some(name), Some(parent)) => {
                rest.push(name.to_os_string());
                existing = parent.to_path_buf();
            }
            _ => break,
        }
    }
    let mut out = std::fs::canonicalize(&existing).unwrap_or(existing);
    out.extend(rest.iter().rev());
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn control_characters_never_reach_the_terminal_raw() {
        let name = "0008\x1b[2J\x1b[32mACCEPTED\x1b[0m.tif\r\n\x07\x08\x7f\u{9b}";
        let shown = terminal(name);
        assert_eq!(
            shown, "0008%1B[2J%1B[32mACCEPTED%1B[0m.tif%0D%0A%07%08%7F%C2%9B",
            "each control character as the %XX of its bytes"
        );
        assert!(!shown.chars().any(char::is_control));
        assert!(matches!(terminal("档案/0001.tif"), std::borrow::Cow::Borrowed(_)));
    }

    #[test]
    fn a_folder_without_the_space_needed_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        assert!(ensure_free(dir.path(), 1).is_ok());
        let err = ensure_free(dir.path(), u64::MAX).unwrap_err().to_string();
        assert!(err.contains("MiB free") && err.contains("choose another folder"), "{err}");
    }

    #[test]
    fn refuses_a_report_folder_inside_the_delivery() {
        let dir = tempfile::tempdir().unwrap();
        let root = std::fs::canonicalize(dir.path()).unwrap();
        let err = prepare_dir(&root.join("new/out"), &root).unwrap_err().to_string();
        assert!(err.contains("never writes into a delivery"), "{err}");
        assert!(!root.join("new").exists());
    }

    #[test]
    fn a_later_run_removes_the_temporary_files_of_a_killed_one() {
        let dir = tempfile::tempdir().unwrap();
        let root = tempfile::tempdir().unwrap();
        let out = dir.path().join("out");
        std::fs::create_dir(&out).unwrap();
        // What a run killed mid-write leaves: the temporary file kept past its process.
        let mut left = AtomicFile::create_in(&out).unwrap();
        left.write_all(b"half an accepted manifest").unwrap();
        let kept = left.out.into_inner().unwrap().keep().unwrap().1;
        std::fs::write(out.join("report.json"), "{}").unwrap();
        std::fs::write(out.join(".hidden"), "a user's").unwrap();
        prepare_dir(&out, &std::fs::canonicalize(root.path()).unwrap()).unwrap();
        assert!(!kept.exists(), "{} left", kept.display());
        let mut names: Vec<_> = std::fs::read_dir(&out)
            .unwrap()
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .collect();
        names.sort();
        assert_eq!(names, [".hidden", "report.json"]);
    }

    #[test]
    fn writes_atomically_and_replaces() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("report.json");
        write_atomic(&p, b"one").unwrap();
        write_atomic(&p, b"two").unwrap();
        assert_eq!(std::fs::read(&p).unwrap(), b"two");
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
    }

    #[test]
    fn an_atomic_file_dropped_unpersisted_leaves_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let mut f = AtomicFile::create_in(dir.path()).unwrap();
        f.write_all(b"half").unwrap();
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
        drop(f);
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
        let mut f = AtomicFile::create_in(dir.path()).unwrap();
        f.write_all(b"whole").unwrap();
        let mut file = f.persist(&dir.path().join("x")).unwrap();
        std::io::Seek::rewind(&mut file).unwrap();
        let mut back = String::new();
        std::io::Read::read_to_string(&mut file, &mut back).unwrap();
        assert_eq!(back, "whole");
    }
}
